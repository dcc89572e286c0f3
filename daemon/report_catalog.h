/* report_catalog.h - the catalog rows of recently read report views. */
#ifndef MESTAT_REPORT_CATALOG_H
#define MESTAT_REPORT_CATALOG_H

#include <libpq-fe.h>

/* report_catalog_lookup: the catalog rows of VIEW read within the last
 * CATALOG_TTL seconds, or NULL. The result stays owned by the cache. */
const PGresult *report_catalog_lookup(const char *view);

/* report_catalog_store: keep a copy of RES as VIEW's catalog rows. */
void report_catalog_store(const char *view, const PGresult *res);

/* report_catalog_flush: forget every view (a reload, a stop). */
void report_catalog_flush(void);

#endif
