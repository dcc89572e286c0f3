/* pull_queue.h - the collectors' one FIFO: an intrusive singly linked queue
 * (the item holds its link, so queueing never allocates). */
#ifndef MESTAT_PULL_QUEUE_H
#define MESTAT_PULL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct fifo_link {
	struct fifo_link *next;
};

/* Zero-initialise; an item is in at most one queue through one link. */
struct fifo {
	struct fifo_link *head, *tail;
};

/* fifo_push: L goes to the back of Q. */
void fifo_push(struct fifo *q, struct fifo_link *l);

/* fifo_pop: the front of Q, taken out; NULL when Q is empty. */
struct fifo_link *fifo_pop(struct fifo *q);

/* fifo_remove: take L out of Q wherever it is; false when it is not in Q. */
bool fifo_remove(struct fifo *q, struct fifo_link *l);

/* fifo_empty: nothing in Q. */
static inline bool fifo_empty(const struct fifo *q)
{
	return q->head == NULL;
}

/* fifo_item: the item whose link L lies OFF bytes into it. */
static inline void *fifo_item(struct fifo_link *l, size_t off)
{
	return (char *)l - off;
}

/* FIFO_ITEM: the TYPE whose MEMBER link L is. */
#define FIFO_ITEM(l, type, member) ((type *)fifo_item((l), offsetof(type, member)))

#endif
