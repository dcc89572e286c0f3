/* notify.h - the systemd notify protocol (READY, RELOADING, STOPPING, WATCHDOG, STATUS). */
#ifndef MESTAT_NOTIFY_H
#define MESTAT_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* notify_enabled: NOTIFY_SOCKET is set (we run under systemd). */
bool notify_enabled(void);

/* notify_send: send one datagram of NEWLINE-separated assignments, e.g. "READY=1". */
void notify_send(const char *state);

/* notify_reloading: "RELOADING=1" with MONOTONIC_USEC=now, as systemd wants. */
void notify_reloading(void);

/* notify_watchdog_usec: half of WATCHDOG_USEC when the watchdog is on for
 * this process (WATCHDOG_PID unset or ours), else 0. */
uint64_t notify_watchdog_usec(void);

#endif
