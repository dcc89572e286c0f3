/* adx.c - the ADX decoder (IHE QRPH Aggregate Data Exchange, namespace
 * urn:ihe:qrph:adx:2015, as DHIS2 reads and writes it: dhis2-docs
 * developer/web-api/data.md, "ADX data format"), parsed with libxml2.
 *
 *   <adx xmlns="urn:ihe:qrph:adx:2015" exported="...">
 *     <group orgUnit="OU" period="2018-07-01/P3M" dataSet="DS" [ATTR="..."]>
 *       <dataValue dataElement="DE" value="12" [CATEGORY="OPTION"...]>
 *         [<annotation>comment</annotation>]
 *       </dataValue>
 *
 * Disaggregations are attributes named by category: they become the
 * category option combo "CATEGORY=OPTION,..." (sorted by category), mapped
 * like any DHIS2 combo (DE.COMBO operands); extra group attributes become
 * the attribute option combo the same way. The parser never loads a DTD,
 * never touches the network and does not substitute entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"

#define ADX_NS "urn:ihe:qrph:adx:2015"

/* Attributes of a dataValue that are not categories. */
static const char *const dv_known[] = {"dataElement", "value",    "comment",  "storedBy", "created",
                                       "lastUpdated", "followup", "followUp", "deleted",  NULL};
/* Attributes of a group that are not attribute categories. */
static const char *const group_known[] = {"orgUnit", "period", "dataSet", "completeDate", "attributeOptionCombo", NULL};

/* quoted: NAME quoted and cut for an error message. */
static const char *quoted(char *buf, size_t len, const xmlChar *name)
{
	fmt_quote(buf, len, (const char *)name, strlen((const char *)name));
	return buf;
}

static bool known(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static bool is_adx(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, ADX_NS) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

/* attr: the value of attribute NAME of N (no namespace), a malloc'd copy
 * or NULL when absent; *OOM set when out of memory. */
static char *attr(xmlNode *n, const char *name, bool *oom)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *copy;

	if (!v)
		return NULL;
	copy = fmt_strdup((const char *)v);
	xmlFree(v);
	if (!copy)
		*oom = true;
	return copy;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* combo: "NAME=VALUE,..." of N's attributes not in KNOWN, sorted by name;
 * NULL when there are none. Returns -1 when out of memory. */
static int combo(xmlNode *n, const char *const *skip, char **out)
{
	const char *names[64];
	size_t k = 0, len = 0, i;
	xmlAttr *a;
	char *s, *p;

	*out = NULL;
	for (a = n->properties; a && k < 64; a = a->next)
		if (!a->ns && !known(skip, (const char *)a->name))
			names[k++] = (const char *)a->name;
	if (k == 0)
		return 0;
	qsort(names, k, sizeof(names[0]), cmp_str);
	for (i = 0; i < k; i++) {
		xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)names[i]);
		len += strlen(names[i]) + 2 + (v ? strlen((const char *)v) : 0);
		xmlFree(v);
	}
	s = p = malloc(len + 1);
	if (!s)
		return -1;
	for (i = 0; i < k; i++) {
		xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)names[i]);
		p += sprintf(p, "%s%s=%s", i ? "," : "", names[i], v ? (const char *)v : "");
		xmlFree(v);
	}
	*out = s;
	return 0;
}

/* annotation: the text of N's first adx:annotation child, or NULL. */
static char *annotation(xmlNode *n, bool *oom)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (!is_adx(c, "annotation"))
			continue;
		xmlChar *t = xmlNodeGetContent(c);
		char *copy = t ? fmt_strdup((const char *)t) : NULL;
		if (t && !copy)
			*oom = true;
		xmlFree(t);
		return copy;
	}
	return NULL;
}

static int data_value(xmlNode *dv, size_t g, size_t i, const char *ou, const char *period, const char *aoc,
                      struct fmt_result *out, size_t *cap, char *err, size_t errlen)
{
	struct fmt_row *row;
	bool oom = false;
	char *del;

	if (out->nrows >= FMT_MAX_ROWS) {
		fmt_err(err, errlen, "ADX line %d: more than %d data values in one submission",
		        xmlGetLineNo(dv) > 0 ? (int)xmlGetLineNo(dv) : 0, FMT_MAX_ROWS);
		return -1;
	}
	row = fmt_row_add(out, cap);
	if (!row)
		goto oom;
	snprintf(row->loc, sizeof row->loc, "group %zu, dataValue %zu", g, i);
	row->indicator = attr(dv, "dataElement", &oom);
	row->value = attr(dv, "value", &oom);
	row->comment = attr(dv, "comment", &oom);
	del = attr(dv, "deleted", &oom);
	row->deleted = del && strcmp(del, "true") == 0;
	free(del);
	if (!row->comment)
		row->comment = annotation(dv, &oom);
	if (oom || combo(dv, dv_known, &row->coc) < 0 || !(row->reporter = fmt_strdup(ou)) ||
	    (aoc && !(row->aoc = fmt_strdup(aoc))) || fmt_row_set_period(row, period) < 0)
		goto oom;
	if (!row->indicator) {
		fmt_err(err, errlen, "ADX line %ld (group %zu, dataValue %zu): no dataElement attribute",
		        xmlGetLineNo(dv), g, i);
		return -1;
	}
	fmt_drop_empty(&row->comment);
	return 0;
oom:
	fmt_err(err, errlen, "ADX: out of memory");
	return -1;
}

static int group(xmlNode *grp, size_t g, struct fmt_result *out, size_t *cap, char *err, size_t errlen)
{
	bool oom = false;
	char *ou = attr(grp, "orgUnit", &oom), *period = attr(grp, "period", &oom);
	char *ds = attr(grp, "dataSet", &oom), *aoc = NULL;
	size_t i = 0;
	int rc = -1;

	if (oom || combo(grp, group_known, &aoc) < 0) {
		fmt_err(err, errlen, "ADX: out of memory");
		goto done;
	}
	if (!ou || !period) {
		fmt_err(err, errlen, "ADX line %ld (group %zu): the group needs orgUnit and period attributes",
		        xmlGetLineNo(grp), g);
		goto done;
	}
	if (ds && !out->dataset)
		out->dataset = ds, ds = NULL;
	for (xmlNode *c = grp->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is_adx(c, "dataValue")) {
			char q[64];
			fmt_err(err, errlen, "ADX line %ld (group %zu): expected a dataValue element, found %s",
			        xmlGetLineNo(c), g, quoted(q, sizeof q, c->name));
			goto done;
		}
		if (data_value(c, g, ++i, ou, period, aoc, out, cap, err, errlen) < 0)
			goto done;
	}
	rc = 0;
done:
	free(ou);
	free(period);
	free(ds);
	free(aoc);
	return rc;
}

int fmt_adx_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc = NULL;
	xmlNode *root;
	size_t cap = 0, g = 0;
	int rc = -1;

	if (len > (size_t)0x7fffffff) {
		fmt_err(err, errlen, "ADX: the body is too large");
		return -1;
	}
	/* A document type declaration is where entity bombs and external
	 * entities live; ADX has no use for one. */
	for (size_t i = 0; i + 9 <= len; i++) {
		if (body[i] == '<' && memcmp(body + i, "<!DOCTYPE", 9) == 0) {
			fmt_err(err, errlen, "ADX: a DOCTYPE declaration is not accepted; send the adx element alone");
			return -1;
		}
	}
	xmlInitParser();
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		fmt_err(err, errlen, "ADX: out of memory");
		return -1;
	}
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, "UTF-8",
	                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[200] = "not well-formed XML";
		if (e && e->message) {
			snprintf(msg, sizeof msg, "%s", e->message);
			msg[strcspn(msg, "\r\n")] = '\0';
		}
		fmt_err(err, errlen, "ADX line %d, column %d: %s", e ? e->line : 0, e ? e->int2 : 0, msg);
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is_adx(root, "adx")) {
		char q[64];
		fmt_err(err, errlen, "ADX line 1: the root element must be adx in the namespace " ADX_NS ", found %s",
		        root ? quoted(q, sizeof q, root->name) : "nothing");
		goto done;
	}
	for (xmlNode *c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is_adx(c, "group")) {
			char q[64];
			fmt_err(err, errlen, "ADX line %ld: expected a group element, found %s", xmlGetLineNo(c),
			        quoted(q, sizeof q, c->name));
			goto done;
		}
		if (group(c, ++g, out, &cap, err, errlen) < 0)
			goto done;
	}
	rc = 0;
done:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}
