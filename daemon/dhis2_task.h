/* dhis2_task.h - DHIS2 asynchronous imports (async=true): a job id answered
 * at once, its progress at /api/system/tasks/DATAVALUE_IMPORT/{id} and its
 * import summary at /api/system/taskSummaries/DATAVALUE_IMPORT/{id}, as
 * DHIS2 clients poll them. Kept in memory: the data itself is committed (or
 * not) by the ingest; a restart forgets the job ids, not the values. */
#ifndef MESTAT_DHIS2_TASK_H
#define MESTAT_DHIS2_TASK_H

#include <stdbool.h>

struct json_t;

/* One import job. Owned by the registry. */
struct dhis2_task {
	char id[12];       /* an 11-character DHIS2-style UID */
	char reporter[32]; /* who started it: only they may read it */
	char created[32];  /* ISO 8601, UTC */
	char finished[32]; /* "" while it runs */
	bool done;
	struct json_t *summary; /* the ImportSummary once done */
};

/* dhis2_task_new: register a running job of REPORTER; NULL when out of
 * memory. The registry keeps the last 1000 finished jobs. */
struct dhis2_task *dhis2_task_new(const char *reporter);

/* dhis2_task_finish: job ID ended with SUMMARY (the registry takes the
 * reference). A job forgotten meanwhile drops SUMMARY. */
void dhis2_task_finish(const char *id, struct json_t *summary);

/* dhis2_task_find: job ID of REPORTER, or NULL. */
const struct dhis2_task *dhis2_task_find(const char *id, const char *reporter);

#endif
