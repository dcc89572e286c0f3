/* release_json.c - the canonical text of a release document: the bytes that
 * are hashed, signed, stored and served. Kept apart from the publisher so
 * it can be tested on its own. */
#include "release.h"

#include <jansson.h>

/* integral_reals: replace each real with an integral value (|x| < 2^53) by
 * the integer, so 2.0 reads "2" as in PostgreSQL's own output and jq's. */
static void integral_reals(json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;
	void *tmp;
	if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, k, x)
		{
			double d = json_is_real(x) ? json_real_value(x) : 0.5;
			if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(json_int_t)d)
				json_object_set_new(v, k, json_integer((json_int_t)d));
			else
				integral_reals(x);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			double d = json_is_real(x) ? json_real_value(x) : 0.5;
			if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(json_int_t)d)
				json_array_set_new(v, i, json_integer((json_int_t)d));
			else
				integral_reals(x);
		}
	}
}

char *release_canonical(json_t *doc)
{
	integral_reals(doc);
	return json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
}
