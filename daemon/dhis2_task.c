/* dhis2_task.c - the registry of DHIS2 asynchronous import jobs (see
 * dhis2_task.h). Used on the event loop only. */
#include "dhis2_task.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEEP_FINISHED 1000

static struct {
	struct dhis2_task **t; /* oldest first */
	size_t n, cap;
} reg;

static void now_iso(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char base[20];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%s.%03u", base, (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}

/* new_uid: DHIS2's UID shape, a letter then ten letters or digits. */
static int new_uid(char out[12])
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[11];
	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	out[0] = alnum[r[0] % 52];
	for (int i = 1; i < 11; i++)
		out[i] = alnum[r[i] % 62];
	out[11] = '\0';
	return 0;
}

static void forget_oldest_finished(void)
{
	size_t finished = 0;
	for (size_t i = 0; i < reg.n; i++)
		finished += reg.t[i]->done;
	for (size_t i = 0; i < reg.n && finished > KEEP_FINISHED; i++) {
		if (!reg.t[i]->done)
			continue;
		json_decref(reg.t[i]->summary);
		free(reg.t[i]);
		memmove(&reg.t[i], &reg.t[i + 1], (reg.n - i - 1) * sizeof(*reg.t));
		reg.n--;
		finished--;
		i--;
	}
}

struct dhis2_task *dhis2_task_new(const char *reporter)
{
	if (reg.n == reg.cap) {
		size_t cap = reg.cap ? reg.cap * 2 : 64;
		struct dhis2_task **t = realloc(reg.t, cap * sizeof(*t));
		if (!t)
			return NULL;
		reg.t = t;
		reg.cap = cap;
	}
	struct dhis2_task *k = calloc(1, sizeof(*k));
	if (!k || new_uid(k->id) != 0) {
		free(k);
		return NULL;
	}
	snprintf(k->reporter, sizeof(k->reporter), "%s", reporter);
	now_iso(k->created, sizeof(k->created));
	reg.t[reg.n++] = k;
	return k;
}

void dhis2_task_finish(const char *id, struct json_t *summary)
{
	for (size_t i = 0; i < reg.n; i++) {
		if (strcmp(reg.t[i]->id, id) == 0) {
			reg.t[i]->summary = summary;
			reg.t[i]->done = true;
			now_iso(reg.t[i]->finished, sizeof(reg.t[i]->finished));
			forget_oldest_finished();
			return;
		}
	}
	json_decref(summary);
}

const struct dhis2_task *dhis2_task_find(const char *id, const char *reporter)
{
	for (size_t i = 0; i < reg.n; i++)
		if (strcmp(reg.t[i]->id, id) == 0 && strcmp(reg.t[i]->reporter, reporter) == 0)
			return reg.t[i];
	return NULL;
}
