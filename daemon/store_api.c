/* store_api.c - the statements behind the write API's reads (see
 * store_api.h). The JSON is built by PostgreSQL, so each answer is one
 * value handed to the client as it is. */
#include "store_api.h"

void store_submission_record(struct db_conn *c, const char *id, const char *reporter, db_result_cb cb, void *arg)
{
	const char *p[2] = {id, reporter};
	db_query(c,
	         "SELECT json_build_object('submission_id', id, 'reporter', reporter, 'via', via,"
	         " 'source', source, 'format', format, 'received_at', received_at, 'sha256', sha256,"
	         " 'outcome', outcome, 'status', http_status, 'counts', counts, 'error', error_detail,"
	         " 'receipt', receipt::json)::text"
	         " FROM mestat.submission WHERE id = $1::bigint AND ($2::text IS NULL OR reporter = $2)",
	         2, p, cb, arg);
}

static const char catalog_sql[] =
	"SELECT json_build_object("
	" 'reporters', (SELECT coalesce(json_agg(json_build_object('code', code, 'name_zh', name_zh,"
	"   'name_en', name_en, 'kind', kind) ORDER BY code), '[]') FROM mestat.reporter WHERE active),"
	" 'indicators', (SELECT coalesce(json_agg(json_build_object('code', code, 'name_zh', name_zh,"
	"   'name_en', name_en, 'unit', unit, 'value_type', value_type, 'measure', measure,"
	"   'periodicity', periodicity, 'scope', scope, 'min_value', min_value, 'max_value', max_value,"
	"   'clause', clause, 'national_source', national_source) ORDER BY code), '[]') FROM mestat.indicator WHERE active),"
	" 'periods', (SELECT coalesce(json_agg(json_build_object('code', code, 'kind', kind,"
	"   'start_date', start_date, 'end_date', end_date, 'due_date', due_date) ORDER BY start_date, kind),"
	"   '[]') FROM mestat.period WHERE NOT closed AND start_date <= current_date))::text";

void store_catalog(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, catalog_sql, 0, NULL, cb, arg);
}
