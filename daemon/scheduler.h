/* scheduler.h - when progress is recomputed: at start when there is no
 * snapshot yet, every recompute_interval, and recompute_delay after accepted
 * submissions (debounced), one daemon at a time per database; and when
 * ended console sessions are purged: every session_purge_interval. */
#ifndef MESTAT_SCHEDULER_H
#define MESTAT_SCHEDULER_H

struct daemon;
struct config;

/* sched_start: arm the periodic recomputation on D's loop, using D's pool and
 * configuration, and recompute once as soon as the database answers if it
 * holds no snapshot yet. A recompute_interval of 0 turns the periodic run
 * off (runs after submissions and the start run still happen). */
void sched_start(struct daemon *d);

/* sched_reconfigure: take recompute_interval, recompute_delay and
 * session_purge_interval from CF
 * (about to become the configuration in force). */
void sched_reconfigure(const struct config *cf);

/* sched_poke: an accepted submission changed the data: recompute
 * recompute_delay from now, postponed by each further poke (many
 * submissions in a row cause one run, at most 6 delays after the first). */
void sched_poke(void);

/* sched_stop: disarm the timers and release them. A run in flight is
 * abandoned with the pool (its session lock dies with the connection). */
void sched_stop(void);

#endif
