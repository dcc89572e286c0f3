/* pull_conf.c - the collectors' copy of each [source NAME] section and the
 * reload diff that adds, changes and removes sources by name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "pull_internal.h"
#include "util.h"

struct src_conf *conf_new(const struct source_conf *sc)
{
	struct src_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->refs = 1;
	c->name = util_strdup(sc->name);
	c->reporter = util_strdup(sc->reporter);
	c->url = util_strdup(sc->url);
	c->format_name = util_strdup(sc->format_name);
	c->format = sc->format;
	c->sdmx_rest = sc->sdmx_rest;
	c->interval = sc->interval;
	c->timeout = sc->timeout;
	c->retry_min = sc->retry_min;
	c->retry_max = sc->retry_max > 0 ? sc->retry_max : sc->interval;
	c->client_cert = util_strdup(sc->client_cert);
	c->client_key = util_strdup(sc->client_key);
	c->token = util_strdup(sc->token);
	c->ca_file = util_strdup(sc->ca_file);
	c->max_body_size = sc->max_body_size;
	c->sdmx_cols[0] = util_strdup(sc->sdmx.reporter_col);
	c->sdmx_cols[1] = util_strdup(sc->sdmx.indicator_col);
	c->sdmx_cols[2] = util_strdup(sc->sdmx.period_col);
	c->sdmx_cols[3] = util_strdup(sc->sdmx.value_col);
	c->sdmx.reporter_col = c->sdmx_cols[0];
	c->sdmx.indicator_col = c->sdmx_cols[1];
	c->sdmx.period_col = c->sdmx_cols[2];
	c->sdmx.value_col = c->sdmx_cols[3];
	c->sdmx.comment_col = sc->sdmx.comment_col;
	if (!c->name || !c->reporter || !c->url || !c->format_name) {
		c->refs = 1;
		conf_unref(c);
		return NULL;
	}
	return c;
}

void conf_unref(struct src_conf *c)
{
	if (!c || --c->refs > 0)
		return;
	free(c->name);
	free(c->reporter);
	free(c->url);
	free(c->format_name);
	free(c->client_cert);
	free(c->client_key);
	free(c->token);
	free(c->ca_file);
	for (int i = 0; i < 4; i++)
		free(c->sdmx_cols[i]);
	free(c);
}

static bool conf_equal(const struct src_conf *a, const struct src_conf *b)
{
	bool same = util_same_str(a->reporter, b->reporter) && util_same_str(a->url, b->url) &&
	            a->format == b->format && a->interval == b->interval && a->timeout == b->timeout &&
	            a->retry_min == b->retry_min && a->retry_max == b->retry_max &&
	            util_same_str(a->client_cert, b->client_cert) && util_same_str(a->client_key, b->client_key) &&
	            util_same_str(a->token, b->token) && util_same_str(a->ca_file, b->ca_file) &&
	            a->max_body_size == b->max_body_size;
	for (int i = 0; same && i < 4; i++)
		same = util_same_str(a->sdmx_cols[i], b->sdmx_cols[i]);
	return same;
}

/* ---- a sorted index by name, so that matching thousands of sources
 * against the configuration or the database rows stays N log N ---- */

static int ix_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_ix *)a)->name, ((const struct name_ix *)b)->name);
}

void ix_sort(struct name_ix *ix, size_t n)
{
	qsort(ix, n, sizeof(*ix), ix_cmp);
}

void *ix_find(const struct name_ix *ix, size_t n, const char *name)
{
	struct name_ix key = {name, NULL};
	const struct name_ix *hit = bsearch(&key, ix, n, sizeof(*ix), ix_cmp);
	return hit ? hit->item : NULL;
}

/* sources_ix: the sources by name (*N of them); NULL when out of memory. */
static struct name_ix *sources_ix(size_t *n)
{
	size_t k = 0;
	for (struct source *s = pulls.sources; s; s = s->next)
		k++;
	struct name_ix *ix = malloc((k ? k : 1) * sizeof(*ix));
	if (!ix)
		return NULL;
	k = 0;
	for (struct source *s = pulls.sources; s; s = s->next)
		ix[k++] = (struct name_ix){s->name, s};
	ix_sort(ix, k);
	*n = k;
	return ix;
}

/* ---- applying a configuration ---- */

void conf_apply(const struct config *cf)
{
	size_t n = 0;
	struct name_ix *ix = sources_ix(&n);
	if (!ix) {
		log_error("out of memory; the pull sources are left as they were");
		return;
	}
	pulls.max_timeout = 0;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next)
		if (sc->timeout > pulls.max_timeout)
			pulls.max_timeout = sc->timeout;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next) {
		struct source *s = ix_find(ix, n, sc->name);
		struct src_conf *c = conf_new(sc);
		if (!c) {
			log_error("out of memory; a pull source is left as it was", "source=%s", sc->name);
			continue;
		}
		if (!s) {
			s = source_new(c);
			if (!s) {
				conf_unref(c);
				log_error("out of memory; a pull source is not scheduled", "source=%s", sc->name);
				continue;
			}
			if (pulls.loaded) {
				log_info("source added", "source=%s url=%s", s->name, c->url);
				arm(s, first_delay(c));
			}
			continue;
		}
		bool was_removed = s->removed;
		s->removed = false;
		if (!was_removed && conf_equal(s->conf, c)) {
			conf_unref(c);
			continue;
		}
		conf_unref(s->conf);
		s->conf = c;
		log_info("source changed", "source=%s url=%s", s->name, c->url);
		if (s->state == ST_IDLE && s->scheduled) {
			evtimer_del(s->timer);
			arm(s, first_delay(c));
		} else if (s->state != ST_IDLE && s->state != ST_QUEUED) {
			s->changed = true; /* the round in flight keeps its settings */
		}
	}
	free(ix);
}

void pull_conf_reload(const struct config *cf)
{
	size_t n = 0;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next)
		n++;
	struct name_ix *ix = malloc((n ? n : 1) * sizeof(*ix));
	if (!ix) {
		log_error("out of memory; the pull sources are left as they were");
		return;
	}
	n = 0;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next)
		ix[n++] = (struct name_ix){sc->name, (void *)(uintptr_t)sc};
	ix_sort(ix, n);
	/* Removed: an idle or queued source goes now; one in a round when it ends. */
	for (struct source *s = pulls.sources, *next; s; s = next) {
		next = s->next;
		if (s->removed || ix_find(ix, n, s->name))
			continue;
		if (s->state == ST_IDLE || s->state == ST_QUEUED) {
			if (s->state == ST_QUEUED)
				dequeue(s);
			log_info("source removed", "source=%s", s->name);
			source_free(s);
		} else {
			log_info("source removed; its pull in flight finishes first", "source=%s", s->name);
			s->removed = true;
		}
	}
	free(ix);
	conf_apply(cf);
}
