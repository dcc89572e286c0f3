/* report_catalog.c - the catalog rows (columns, types, comments) of the
 * report views read recently, kept so that a console page's calls cost one
 * statement each. */
#include "report_catalog.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* The catalog rows of recently read views, kept CATALOG_TTL seconds so that
 * a console page's calls cost one statement each; a view added or changed
 * is seen within that time. */
#define CATALOG_TTL   2.0
#define CATALOG_SLOTS 32
static struct {
	char view[64];
	PGresult *res;
	double at;
} catalog_cache[CATALOG_SLOTS];

const PGresult *report_catalog_lookup(const char *view)
{
	double t = util_now_mono();
	for (int i = 0; i < CATALOG_SLOTS; i++)
		if (catalog_cache[i].res && strcmp(catalog_cache[i].view, view) == 0 &&
		    t - catalog_cache[i].at < CATALOG_TTL)
			return catalog_cache[i].res;
	return NULL;
}

void report_catalog_store(const char *view, const PGresult *res)
{
	int slot = 0;
	for (int i = 0; i < CATALOG_SLOTS; i++) {
		if (strcmp(catalog_cache[i].view, view) == 0 || !catalog_cache[i].res) {
			slot = i;
			break;
		}
		if (catalog_cache[i].at < catalog_cache[slot].at)
			slot = i;
	}
	PGresult *copy = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
	if (!copy)
		return;
	PQclear(catalog_cache[slot].res);
	catalog_cache[slot].res = copy;
	catalog_cache[slot].at = util_now_mono();
	snprintf(catalog_cache[slot].view, sizeof(catalog_cache[slot].view), "%s", view);
}

void report_catalog_flush(void)
{
	for (int i = 0; i < CATALOG_SLOTS; i++) {
		PQclear(catalog_cache[i].res);
		catalog_cache[i].res = NULL;
		catalog_cache[i].view[0] = '\0';
	}
}
