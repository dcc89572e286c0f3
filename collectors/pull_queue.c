/* pull_queue.c - the collectors' one FIFO, used for the due sources and for
 * the claimed sources waiting for a slot. */
#include "pull_queue.h"

void fifo_push(struct fifo *q, struct fifo_link *l)
{
	l->next = NULL;
	if (q->tail)
		q->tail->next = l;
	else
		q->head = l;
	q->tail = l;
}

struct fifo_link *fifo_pop(struct fifo *q)
{
	struct fifo_link *l = q->head;
	if (!l)
		return NULL;
	q->head = l->next;
	if (!q->head)
		q->tail = NULL;
	l->next = NULL;
	return l;
}

bool fifo_remove(struct fifo *q, struct fifo_link *l)
{
	struct fifo_link *prev = NULL;
	for (struct fifo_link *x = q->head; x; prev = x, x = x->next) {
		if (x != l)
			continue;
		if (prev)
			prev->next = x->next;
		else
			q->head = x->next;
		if (q->tail == x)
			q->tail = prev;
		l->next = NULL;
		return true;
	}
	return false;
}
