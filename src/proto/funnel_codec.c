/* leadq — the funnel report as JSON (GET /reports/funnel; leadq/codec.h).
 *
 * {"by", "from", "to", "rows": [ROW…], "total": ROW}; a ROW holds the
 * counts, time_to_first_touch {median_s, p90_s} or null, sla {met,
 * decided, percent}, reasons {recycle, junk, unreachable: [{code, count}]}
 * and conversion {touched, accepted, opportunity, won}.  Percentages are
 * derived from the counts: the reader checks their type and drops them.
 * The reader is strict (every count required, no negative counts) and
 * names the field at fault: "rows[2].passed: expected an integer". */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/funnel.h"
#include "leadq/mem.h"
#include "leadq/time.h"

/* --- writing ------------------------------------------------------------- */

static bool put(json_t *o, const char *key, json_t *v)
{
	if (!v)
		return false;
	return json_object_set_new(o, key, v) == 0;
}

/* Appends v (consumed); false when v is NULL or the append fails. */
static bool push(json_t *a, json_t *v)
{
	if (!v)
		return false;
	return json_array_append_new(a, v) == 0;
}

static json_t *jtime(lq_time t)
{
	char buf[LQ_RFC3339_SIZE];

	if (t == LQ_TIME_NONE)
		return json_null();
	lq_time_format(t, 0, buf);
	return json_string(buf);
}

static json_t *jpct(long num, long den)
{
	long tenths = lq_funnel_rate_tenths(num, den);

	return tenths < 0 ? json_null() : json_real((double)tenths / 10.0);
}

static json_t *reasons_to_json(const struct lq_funnel_row *r)
{
	static const char *const key[3] = { "recycle", "junk", "unreachable" };
	json_t *o = json_object();
	int s, i;

	if (!o)
		return NULL;
	for (s = 0; s < 3; s++) {
		json_t *a = json_array();

		if (!put(o, key[s], a))
			goto fail;
		for (i = 0; i < r->nreasons[s] && i < LQ_REASON_MAX; i++) {
			json_t *c = json_object();

			if (!push(a, c) ||
			    !put(c, "code", json_string(r->reasons[s][i].code)) ||
			    !put(c, "count", json_integer(r->reasons[s][i].n)))
				goto fail;
		}
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *row_to_json(const struct lq_funnel_row *r)
{
	json_t *o = json_object();
	json_t *ttft = NULL, *sla = NULL, *conv = NULL;
	bool ok;

	if (!o)
		return NULL;
	ok = put(o, "group", json_string(r->group ? r->group : "")) &&
	     put(o, "passed", json_integer(r->passed)) &&
	     put(o, "touched", json_integer(r->touched)) &&
	     put(o, "accepted", json_integer(r->accepted)) &&
	     put(o, "opportunities", json_integer(r->opportunities)) &&
	     put(o, "won", json_integer(r->won)) &&
	     put(o, "lost", json_integer(r->lost)) &&
	     put(o, "recycled", json_integer(r->recycled)) &&
	     put(o, "junk", json_integer(r->junk)) &&
	     put(o, "unreachable", json_integer(r->unreachable)) &&
	     put(o, "revenue", json_integer(r->revenue));
	if (!ok)
		goto fail;
	if (r->ttft_median < 0) {
		ok = put(o, "time_to_first_touch", json_null());
	} else {
		ttft = json_object();
		ok = put(o, "time_to_first_touch", ttft) &&
		     put(ttft, "median_s", json_integer(r->ttft_median)) &&
		     put(ttft, "p90_s", json_integer(r->ttft_p90));
	}
	sla = json_object();
	ok = ok && put(o, "sla", sla) &&
	     put(sla, "met", json_integer(r->sla_met)) &&
	     put(sla, "decided", json_integer(r->sla_decided)) &&
	     put(sla, "percent", jpct(r->sla_met, r->sla_decided)) &&
	     put(o, "reasons", reasons_to_json(r));
	conv = json_object();
	ok = ok && put(o, "conversion", conv) &&
	     put(conv, "touched", jpct(r->touched, r->passed)) &&
	     put(conv, "accepted", jpct(r->accepted, r->touched)) &&
	     put(conv, "opportunity", jpct(r->opportunities, r->accepted)) &&
	     put(conv, "won", jpct(r->won, r->opportunities));
	if (ok)
		return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *lq_funnel_to_json(const struct lq_funnel *f)
{
	const char *by = lq_funnel_by_wire(f->by);
	json_t *o = json_object(), *rows = json_array();
	size_t i;

	if (!o || !rows)
		goto fail;
	for (i = 0; i < f->n; i++)
		if (!push(rows, row_to_json(&f->rows[i])))
			goto fail;
	if (put(o, "by", by ? json_string(by) : json_null()) &&
	    put(o, "from", jtime(f->from)) &&
	    put(o, "to", jtime(f->to)) &&
	    put(o, "rows", json_incref(rows)) &&
	    put(o, "total", row_to_json(&f->total))) {
		json_decref(rows);
		return o;
	}
fail:
	json_decref(rows);
	json_decref(o);
	return NULL;
}

/* --- reading ------------------------------------------------------------- */

struct rd {
	char *err;
	size_t errsize;
};

/* Writes "path.key: what" (path or key may be empty) and returns false. */
static bool fail(struct rd *r, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool fail(struct rd *r, const char *path, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->err || r->errsize == 0)
		return false;
	n = snprintf(r->err, r->errsize, "%s%s%s: ", path, path[0] && key[0] ? "." : "", key);
	if (n < 0 || (size_t)n >= r->errsize)
		return false;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static const json_t *need(struct rd *r, const json_t *o, const char *path, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		fail(r, path, key, "missing");
	return v;
}

static bool get_count(struct rd *r, const json_t *o, const char *path, const char *key,
		      long *out)
{
	const json_t *v = need(r, o, path, key);
	json_int_t i;

	if (!v)
		return false;
	if (!json_is_integer(v))
		return fail(r, path, key, "expected an integer");
	i = json_integer_value(v);
	if (i < 0 || i > LONG_MAX)
		return fail(r, path, key, "out of range");
	*out = (long)i;
	return true;
}

/* Absent, null or a number: the derived percentages. */
static bool check_pct(struct rd *r, const json_t *o, const char *path, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (v && !json_is_null(v) && !json_is_number(v))
		return fail(r, path, key, "expected a number or null");
	return true;
}

static bool get_time(struct rd *r, const json_t *o, const char *key, lq_time *out)
{
	const json_t *v = json_object_get(o, key);

	*out = LQ_TIME_NONE;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v) || !lq_time_parse(json_string_value(v), out)) {
		*out = LQ_TIME_NONE;
		return fail(r, "", key, "expected an RFC 3339 time or null");
	}
	return true;
}

static bool read_ttft(struct rd *r, const json_t *o, const char *path,
		      struct lq_funnel_row *row)
{
	const json_t *v = need(r, o, path, "time_to_first_touch");
	char sub[64];
	long median, p90;

	if (!v)
		return false;
	if (json_is_null(v))
		return true;
	snprintf(sub, sizeof(sub), "%s.time_to_first_touch", path);
	if (!json_is_object(v))
		return fail(r, sub, "", "expected an object or null");
	if (!get_count(r, v, sub, "median_s", &median) || !get_count(r, v, sub, "p90_s", &p90))
		return false;
	if (p90 < median)
		return fail(r, sub, "p90_s", "less than median_s");
	row->ttft_median = median;
	row->ttft_p90 = p90;
	return true;
}

static bool read_sla(struct rd *r, const json_t *o, const char *path, struct lq_funnel_row *row)
{
	const json_t *v = need(r, o, path, "sla");
	char sub[64];

	if (!v)
		return false;
	snprintf(sub, sizeof(sub), "%s.sla", path);
	if (!json_is_object(v))
		return fail(r, sub, "", "expected an object");
	if (!get_count(r, v, sub, "met", &row->sla_met) ||
	    !get_count(r, v, sub, "decided", &row->sla_decided) ||
	    !check_pct(r, v, sub, "percent"))
		return false;
	if (row->sla_met > row->sla_decided)
		return fail(r, sub, "met", "more than decided");
	return true;
}

static bool read_reasons(struct rd *r, const json_t *o, const char *path,
			 struct lq_funnel_row *row)
{
	static const char *const key[3] = { "recycle", "junk", "unreachable" };
	const json_t *v = need(r, o, path, "reasons");
	char sub[64], item[96];
	int s;

	if (!v)
		return false;
	snprintf(sub, sizeof(sub), "%s.reasons", path);
	if (!json_is_object(v))
		return fail(r, sub, "", "expected an object");
	for (s = 0; s < 3; s++) {
		const json_t *a = need(r, v, sub, key[s]);
		size_t i;

		if (!a)
			return false;
		if (!json_is_array(a))
			return fail(r, sub, key[s], "expected an array");
		if (json_array_size(a) > LQ_REASON_MAX)
			return fail(r, sub, key[s], "more than %d codes", LQ_REASON_MAX);
		for (i = 0; i < json_array_size(a); i++) {
			const json_t *c = json_array_get(a, i), *code;
			struct lq_funnel_count *dst = &row->reasons[s][i];
			size_t len;

			snprintf(item, sizeof(item), "%s.%s[%zu]", sub, key[s], i);
			if (!json_is_object(c))
				return fail(r, item, "", "expected an object");
			code = need(r, c, item, "code");
			if (!code)
				return false;
			if (!json_is_string(code))
				return fail(r, item, "code", "expected a string");
			len = json_string_length(code);
			if (len >= LQ_REASON_SIZE || memchr(json_string_value(code), '\0', len))
				return fail(r, item, "code", "not a reason code");
			memcpy(dst->code, json_string_value(code), len);
			dst->code[len] = '\0';
			if (!get_count(r, c, item, "count", &dst->n))
				return false;
			row->nreasons[s] = (int)i + 1;
		}
	}
	return true;
}

/* One ROW; row's group is set only when want_group (total keeps its own). */
static bool read_row(struct rd *r, const json_t *o, const char *path, struct lq_funnel_row *row,
		     bool want_group)
{
	static const char *const conv[4] = { "touched", "accepted", "opportunity", "won" };
	const json_t *g, *v;
	char sub[64];
	int i;

	if (!json_is_object(o))
		return fail(r, path, "", "expected an object");
	g = need(r, o, path, "group");
	if (!g)
		return false;
	if (!json_is_string(g))
		return fail(r, path, "group", "expected a string");
	if (want_group) {
		row->group = lq_strndup(json_string_value(g), json_string_length(g));
		if (!row->group)
			return fail(r, "funnel", "", "out of memory");
		if (strlen(row->group) != json_string_length(g))
			return fail(r, path, "group", "holds a NUL");
	}
	if (!get_count(r, o, path, "passed", &row->passed) ||
	    !get_count(r, o, path, "touched", &row->touched) ||
	    !get_count(r, o, path, "accepted", &row->accepted) ||
	    !get_count(r, o, path, "opportunities", &row->opportunities) ||
	    !get_count(r, o, path, "won", &row->won) ||
	    !get_count(r, o, path, "lost", &row->lost) ||
	    !get_count(r, o, path, "recycled", &row->recycled) ||
	    !get_count(r, o, path, "junk", &row->junk) ||
	    !get_count(r, o, path, "unreachable", &row->unreachable))
		return false;
	v = need(r, o, path, "revenue");
	if (!v)
		return false;
	if (!json_is_integer(v))
		return fail(r, path, "revenue", "expected an integer");
	row->revenue = json_integer_value(v);
	if (!read_ttft(r, o, path, row) || !read_sla(r, o, path, row) ||
	    !read_reasons(r, o, path, row))
		return false;
	v = json_object_get(o, "conversion");
	if (!v || json_is_null(v))
		return true;
	snprintf(sub, sizeof(sub), "%s.conversion", path);
	if (!json_is_object(v))
		return fail(r, sub, "", "expected an object or null");
	for (i = 0; i < 4; i++)
		if (!check_pct(r, v, sub, conv[i]))
			return false;
	return true;
}

static bool funnel_read(struct rd *r, const json_t *j, struct lq_funnel *out)
{
	const json_t *by, *rows, *total;
	char path[48];
	int b;
	size_t i, n;

	if (!json_is_object(j))
		return fail(r, "funnel", "", "expected an object");
	by = need(r, j, "", "by");
	if (!by)
		return false;
	b = lq_funnel_by_parse(json_string_value(by));   /* NULL when not a string */
	if (b < 0)
		return fail(r, "", "by", "expected source, campaign, rep, team or score_band");
	out->by = (enum lq_funnel_by)b;
	if (!get_time(r, j, "from", &out->from) || !get_time(r, j, "to", &out->to))
		return false;
	rows = need(r, j, "", "rows");
	if (!rows)
		return false;
	if (!json_is_array(rows))
		return fail(r, "", "rows", "expected an array");
	n = json_array_size(rows);
	out->rows = lq_calloc(n ? n : 1, sizeof(*out->rows));
	if (!out->rows)
		return fail(r, "funnel", "", "out of memory");
	out->cap = n ? n : 1;
	for (i = 0; i < n; i++) {
		struct lq_funnel_row *row = &out->rows[i];

		row->ttft_median = -1;
		row->ttft_p90 = -1;
		out->n++;   /* so that lq_funnel_free() frees its group */
		snprintf(path, sizeof(path), "rows[%zu]", i);
		if (!read_row(r, json_array_get(rows, i), path, row, true))
			return false;
	}
	total = need(r, j, "", "total");
	if (!total)
		return false;
	return read_row(r, total, "total", &out->total, false);
}

bool lq_funnel_from_text(const char *text, size_t len, struct lq_funnel *out, char *err,
			 size_t errsize)
{
	struct rd r = { err, errsize };
	json_error_t jerr;
	json_t *j;
	bool ok;

	lq_funnel_init(out, LQ_FUNNEL_BY_SOURCE, LQ_TIME_NONE, LQ_TIME_NONE);
	if (err && errsize)
		err[0] = '\0';
	j = json_loadb(text ? text : "", text ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return fail(&r, "funnel", "", "offset %d: %s", jerr.position, jerr.text);
	ok = funnel_read(&r, j, out);
	json_decref(j);
	if (!ok) {
		lq_funnel_free(out);
		lq_funnel_init(out, LQ_FUNNEL_BY_SOURCE, LQ_TIME_NONE, LQ_TIME_NONE);
	}
	return ok;
}
