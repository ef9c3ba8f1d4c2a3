/* leadq — the funnel report: counts per group, medians, and the report as
 * CSV and as a terminal table (leadq/funnel.h).  Pure: no I/O, no clock.
 *
 * Rows are found through an open-addressing hash of their group (row
 * index + 1 per slot), so a million leads over thousands of groups cost one
 * probe or two each.  Samples of time to first touch are kept per row and
 * in total, sorted once by lq_funnel_finish(). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/funnel.h"
#include "leadq/i18n.h"
#include "leadq/mem.h"
#include "leadq/text.h"

/* total's group: "" without an allocation (lq_funnel_init cannot fail). */
static char no_group[1];

static const char *const band_labels[LQ_SCORE_BANDS] = {
	"0\xe2\x80\x93" "19", "20\xe2\x80\x93" "39", "40\xe2\x80\x93" "59",
	"60\xe2\x80\x93" "79", "80\xe2\x80\x93" "99", "100+",
};

const char *lq_funnel_by_wire(enum lq_funnel_by by)
{
	static const char *const wire[] = {
#define X(id, w) w,
		LQ_FUNNEL_BY_LIST(X)
#undef X
	};

	if ((int)by < 0 || by >= LQ_FUNNEL_BY_COUNT)
		return NULL;
	return wire[by];
}

int lq_funnel_by_parse(const char *wire)
{
	int i;

	if (!wire)
		return -1;
	for (i = 0; i < LQ_FUNNEL_BY_COUNT; i++)
		if (strcmp(wire, lq_funnel_by_wire((enum lq_funnel_by)i)) == 0)
			return i;
	return -1;
}

int lq_score_band(int score, char *label, size_t size)
{
	int band = score < 0 ? 0 : score >= 100 ? LQ_SCORE_BANDS - 1 : score / 20;

	if (label && size > 0)
		snprintf(label, size, "%s", band_labels[band]);
	return band;
}

/* A band's index by its label; LQ_SCORE_BANDS for anything else. */
static int band_of_label(const char *group)
{
	int i;

	for (i = 0; i < LQ_SCORE_BANDS; i++)
		if (strcmp(group, band_labels[i]) == 0)
			return i;
	return LQ_SCORE_BANDS;
}

double lq_funnel_rate(long num, long den)
{
	if (den == 0)
		return -1;
	return (double)num / (double)den * 100.0;
}

long lq_funnel_rate_tenths(long num, long den)
{
	double x;

	if (den == 0)
		return -1;
	x = (double)num * 1000.0 / (double)den;
	/* Counts are never negative; clamp what a bad document might hold. */
	if (!(x >= 0))
		return 0;
	if (x >= 1e9)
		return 1000000000L;
	return (long)(x + 0.5);
}

/* --- building ------------------------------------------------------------ */

struct funnel_index {
	size_t *slot;           /* row index + 1; 0: empty */
	size_t cap;             /* a power of two */
};

static uint64_t hash_group(const char *s)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static void row_init(struct lq_funnel_row *r)
{
	memset(r, 0, sizeof(*r));
	r->ttft_median = -1;
	r->ttft_p90 = -1;
}

static void row_clear(struct lq_funnel_row *r)
{
	if (r->group != no_group)
		lq_free(r->group);
	lq_free(r->ttft);
	row_init(r);
}

void lq_funnel_init(struct lq_funnel *f, enum lq_funnel_by by, lq_time from, lq_time to)
{
	memset(f, 0, sizeof(*f));
	f->by = by;
	f->from = from;
	f->to = to;
	row_init(&f->total);
	f->total.group = no_group;
}

static void index_free(struct lq_funnel *f)
{
	struct funnel_index *idx = f->index;

	if (idx)
		lq_free(idx->slot);
	lq_free(idx);
	f->index = NULL;
}

static void index_put(struct funnel_index *idx, const struct lq_funnel *f, size_t row)
{
	size_t mask = idx->cap - 1;
	size_t i = (size_t)hash_group(f->rows[row].group) & mask;

	while (idx->slot[i] != 0)
		i = (i + 1) & mask;
	idx->slot[i] = row + 1;
}

/* Makes room for one more row (rebuilding from the rows when the index is
 * new); false when out of memory, with the old index untouched. */
static bool index_reserve(struct lq_funnel *f)
{
	struct funnel_index *idx = f->index;
	size_t cap = idx && idx->cap ? idx->cap : 16, *slot, i;

	if (idx && (f->n + 1) * 2 <= idx->cap)
		return true;
	while ((f->n + 1) * 2 > cap) {
		if (cap > SIZE_MAX / 2 / sizeof(size_t))
			return false;
		cap *= 2;
	}
	if (!idx) {
		idx = lq_calloc(1, sizeof(*idx));
		if (!idx)
			return false;
		f->index = idx;
	}
	slot = lq_calloc(cap, sizeof(size_t));
	if (!slot)
		return false;
	lq_free(idx->slot);
	idx->slot = slot;
	idx->cap = cap;
	for (i = 0; i < f->n; i++)
		index_put(idx, f, i);
	return true;
}

static struct lq_funnel_row *row_find(const struct lq_funnel *f, const char *group)
{
	const struct funnel_index *idx = f->index;
	size_t mask, i;

	if (!idx || !idx->slot)
		return NULL;
	mask = idx->cap - 1;
	i = (size_t)hash_group(group) & mask;
	while (idx->slot[i] != 0) {
		struct lq_funnel_row *r = &f->rows[idx->slot[i] - 1];

		if (strcmp(r->group, group) == 0)
			return r;
		i = (i + 1) & mask;
	}
	return NULL;
}

/* The row of group, added when new; NULL when out of memory (f is left as
 * it was). */
static struct lq_funnel_row *row_get(struct lq_funnel *f, const char *group)
{
	struct lq_funnel_row *r;
	char *copy;

	if (f->n > 0 && !f->index && !index_reserve(f))
		return NULL;
	r = row_find(f, group);
	if (r)
		return r;
	if (!index_reserve(f))
		return NULL;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct lq_funnel_row *rows;

		if (cap > SIZE_MAX / sizeof(*rows))
			return NULL;
		rows = lq_realloc(f->rows, cap * sizeof(*rows));
		if (!rows)
			return NULL;
		f->rows = rows;
		f->cap = cap;
	}
	copy = lq_strdup(group);
	if (!copy)
		return NULL;
	r = &f->rows[f->n];
	row_init(r);
	r->group = copy;
	index_put(f->index, f, f->n);
	f->n++;
	return r;
}

static bool reserve_sample(struct lq_funnel_row *r)
{
	size_t cap;
	int64_t *v;

	if (r->nttft < r->ttft_cap)
		return true;
	cap = r->ttft_cap ? r->ttft_cap * 2 : 8;
	if (cap > SIZE_MAX / sizeof(*v))
		return false;
	v = lq_realloc(r->ttft, cap * sizeof(*v));
	if (!v)
		return false;
	r->ttft = v;
	r->ttft_cap = cap;
	return true;
}

/* Counts a reason code: the first LQ_REASON_MAX - 1 codes by name, any
 * code after them into "other". */
static void count_reason(struct lq_funnel_row *r, int slot, const char *reason)
{
	struct lq_funnel_count *list = r->reasons[slot];
	char code[LQ_REASON_SIZE];
	int i;

	lq_strlcpy_utf8(code, reason ? reason : "", sizeof(code));
	for (i = 0; i < r->nreasons[slot]; i++) {
		if (strcmp(list[i].code, code) == 0) {
			list[i].n++;
			return;
		}
	}
	if (r->nreasons[slot] >= LQ_REASON_MAX - 1) {
		for (i = 0; i < r->nreasons[slot]; i++) {
			if (strcmp(list[i].code, "other") == 0) {
				list[i].n++;
				return;
			}
		}
		memcpy(code, "other", sizeof("other"));
	}
	i = r->nreasons[slot]++;
	memcpy(list[i].code, code, sizeof(code));
	list[i].n = 1;
}

static void count_lead(struct lq_funnel_row *r, const struct lq_funnel_lead *l, lq_time now,
		       bool sampled, int64_t ttft)
{
	bool touched = l->first_touch_at != LQ_TIME_NONE;

	r->passed++;
	if (touched)
		r->touched++;
	switch (l->status) {
	case LQ_STATUS_WON:
		r->won++;
		/* Saturate: a sum of amounts must not overflow. */
		if (l->amount > 0 && r->revenue > INT64_MAX - l->amount)
			r->revenue = INT64_MAX;
		else if (l->amount < 0 && r->revenue < INT64_MIN - l->amount)
			r->revenue = INT64_MIN;
		else
			r->revenue += l->amount;
		r->accepted++;
		r->opportunities++;
		break;
	case LQ_STATUS_LOST:
		r->lost++;
		r->accepted++;
		r->opportunities++;
		break;
	case LQ_STATUS_OPPORTUNITY:
		r->opportunities++;
		r->accepted++;
		break;
	case LQ_STATUS_QUALIFIED:
		r->accepted++;
		break;
	case LQ_STATUS_RECYCLED:
		r->recycled++;
		count_reason(r, 0, l->reason);
		break;
	case LQ_STATUS_JUNK:
		r->junk++;
		count_reason(r, 1, l->reason);
		break;
	case LQ_STATUS_UNREACHABLE:
		r->unreachable++;
		count_reason(r, 2, l->reason);
		break;
	default:
		break;
	}
	if (sampled)
		r->ttft[r->nttft++] = ttft;
	if (l->sla_first_due != LQ_TIME_NONE) {
		if (touched) {
			r->sla_decided++;
			if (l->first_touch_at <= l->sla_first_due)
				r->sla_met++;
		} else if (l->sla_first_due <= now) {
			r->sla_decided++;
		}
	}
}

bool lq_funnel_add(struct lq_funnel *f, const struct lq_funnel_lead *l, lq_time now)
{
	bool sampled = l->first_touch_at != LQ_TIME_NONE && l->mql_at != LQ_TIME_NONE;
	struct lq_funnel_row *r;
	int64_t ttft = 0;

	if (f->from != LQ_TIME_NONE && l->mql_at < f->from)
		return true;
	if (f->to != LQ_TIME_NONE && l->mql_at >= f->to)
		return true;
	/* A touch logged before the MQL instant counts as immediate. */
	if (sampled && l->first_touch_at > l->mql_at) {
		uint64_t d = (uint64_t)l->first_touch_at - (uint64_t)l->mql_at;

		ttft = d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
	}
	r = row_get(f, l->group ? l->group : "");
	if (!r)
		return false;
	if (sampled && (!reserve_sample(r) || !reserve_sample(&f->total)))
		return false;
	count_lead(r, l, now, sampled, ttft);
	count_lead(&f->total, l, now, sampled, ttft);
	return true;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_count(const void *a, const void *b)
{
	const struct lq_funnel_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int cmp_row_passed(const void *a, const void *b)
{
	const struct lq_funnel_row *x = a, *y = b;

	if (x->passed != y->passed)
		return x->passed > y->passed ? -1 : 1;
	return strcmp(x->group, y->group);
}

static int cmp_row_band(const void *a, const void *b)
{
	const struct lq_funnel_row *x = a, *y = b;
	int bx = band_of_label(x->group), by = band_of_label(y->group);

	if (bx != by)
		return bx < by ? -1 : 1;
	return strcmp(x->group, y->group);
}

static void row_finish(struct lq_funnel_row *r)
{
	int i;

	for (i = 0; i < 3; i++)
		qsort(r->reasons[i], (size_t)r->nreasons[i], sizeof(r->reasons[i][0]), cmp_count);
	if (r->nttft > 0) {
		/* Nearest rank: the ceil(p*n)-th smallest. */
		size_t n = r->nttft;

		qsort(r->ttft, n, sizeof(r->ttft[0]), cmp_i64);
		r->ttft_median = r->ttft[n - n / 2 - 1];
		r->ttft_p90 = r->ttft[n - n / 10 - 1];
	}
	lq_free(r->ttft);
	r->ttft = NULL;
	r->nttft = 0;
	r->ttft_cap = 0;
}

bool lq_funnel_finish(struct lq_funnel *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		row_finish(&f->rows[i]);
	row_finish(&f->total);
	if (f->n > 1)
		qsort(f->rows, f->n, sizeof(f->rows[0]),
		      f->by == LQ_FUNNEL_BY_SCORE_BAND ? cmp_row_band : cmp_row_passed);
	/* The index holds row positions, which the sort changed. */
	index_free(f);
	return true;
}

void lq_funnel_free(struct lq_funnel *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		row_clear(&f->rows[i]);
	lq_free(f->rows);
	f->rows = NULL;
	f->n = 0;
	f->cap = 0;
	row_clear(&f->total);
	f->total.group = no_group;
	index_free(f);
}

/* --- text output --------------------------------------------------------- */

struct out {
	char *p;
	size_t len, cap;
	bool nomem;
};

static void out_add(struct out *o, const char *s, size_t n)
{
	if (o->nomem)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		char *p;

		while (o->len + n + 1 > cap)
			cap *= 2;
		p = lq_realloc(o->p, cap);
		if (!p) {
			o->nomem = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

static void out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_fmt(struct out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_add(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static char *out_take(struct out *o)
{
	if (o->nomem || !o->p) {
		lq_free(o->p);
		return NULL;
	}
	return o->p;
}

/* "62.5" for a rate in tenths; "" (CSV) or "-" (table) when undefined. */
static void pct_text(long tenths, const char *undefined, char *buf, size_t size)
{
	if (tenths < 0)
		snprintf(buf, size, "%s", undefined);
	else
		snprintf(buf, size, "%ld.%ld", tenths / 10, tenths % 10);
}

/* RFC 4180: quote a field holding a comma, a quote or a line break. */
static void csv_field(struct out *o, const char *s)
{
	const char *q;

	if (!strpbrk(s, ",\"\r\n")) {
		out_str(o, s);
		return;
	}
	out_add(o, "\"", 1);
	for (q = s; *q; q++) {
		if (*q == '"')
			out_add(o, "\"\"", 2);
		else
			out_add(o, q, 1);
	}
	out_add(o, "\"", 1);
}

static void csv_row(struct out *o, const struct lq_funnel_row *r, const char *group)
{
	char pct[5][32];

	csv_field(o, group);
	out_fmt(o, ",%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%lld,", r->passed, r->touched,
		r->accepted, r->opportunities, r->won, r->lost, r->recycled, r->junk,
		r->unreachable, (long long)r->revenue);
	if (r->ttft_median >= 0)
		out_fmt(o, "%lld,%lld,", (long long)r->ttft_median, (long long)r->ttft_p90);
	else
		out_str(o, ",,");
	pct_text(lq_funnel_rate_tenths(r->sla_met, r->sla_decided), "", pct[0], sizeof(pct[0]));
	pct_text(lq_funnel_rate_tenths(r->touched, r->passed), "", pct[1], sizeof(pct[1]));
	pct_text(lq_funnel_rate_tenths(r->accepted, r->touched), "", pct[2], sizeof(pct[2]));
	pct_text(lq_funnel_rate_tenths(r->opportunities, r->accepted), "", pct[3], sizeof(pct[3]));
	pct_text(lq_funnel_rate_tenths(r->won, r->opportunities), "", pct[4], sizeof(pct[4]));
	out_fmt(o, "%ld,%ld,%s,%s,%s,%s,%s\r\n", r->sla_met, r->sla_decided, pct[0], pct[1],
		pct[2], pct[3], pct[4]);
}

char *lq_funnel_format_csv(const struct lq_funnel *f)
{
	struct out o = { 0 };
	size_t i;

	out_str(&o, "group,passed,touched,accepted,opportunities,won,lost,recycled,junk,"
		    "unreachable,revenue,ttft_median_s,ttft_p90_s,sla_met,sla_decided,"
		    "sla_met_pct,conv_touched_pct,conv_accepted_pct,conv_opportunity_pct,"
		    "conv_won_pct\r\n");
	for (i = 0; i < f->n; i++)
		csv_row(&o, &f->rows[i], f->rows[i].group ? f->rows[i].group : "");
	csv_row(&o, &f->total, "total");
	return out_take(&o);
}

/* --- the table ----------------------------------------------------------- */

/* Decodes one UTF-8 sequence of s; its length, or 0 when invalid. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Columns a code point takes: -1 for what a terminal must not get
 * (controls, bidi overrides), 0 for combining marks, 2 for wide ones. */
static int cp_width(uint32_t c)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a },
		{ 0x064b, 0x065f }, { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f },
		{ 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf },
		{ 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
		{ 0xfe30, 0xfe4f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};
	size_t i;

	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069))
		return -1;
	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (c >= zero[i][0] && c <= zero[i][1])
			return 0;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

#define CELL_SIZE 256
#define GROUP_COLUMNS 32

/* Copies s into out made safe for a terminal (controls and bytes that are
 * not UTF-8 become '?'), cut to at most maxw columns with an ellipsis.
 * Returns the columns it takes. */
static size_t fit_text(const char *s, size_t maxw, char out[CELL_SIZE])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t width = 0, len = 0, cut_len = 0, cut_width = 0;

	out[0] = '\0';
	while (*p) {
		uint32_t cp = '?';
		size_t n = utf8_next(p, &cp);
		int w = n ? cp_width(cp) : -1;
		const unsigned char *bytes = p;

		if (w < 0) {
			bytes = (const unsigned char *)"?";
			w = 1;
			if (n == 0)
				n = 1;
		}
		if (width + (size_t)w > maxw || len + n + 4 >= CELL_SIZE) {
			memcpy(out + cut_len, "\xe2\x80\xa6", 4);
			return cut_width + 1;
		}
		memcpy(out + len, bytes, bytes == p ? n : 1);
		len += bytes == p ? n : 1;
		out[len] = '\0';
		width += (size_t)w;
		p += n;
		/* Where to cut if what follows does not fit: room for "…". */
		if (width + 1 <= maxw) {
			cut_len = len;
			cut_width = width;
		}
	}
	return width;
}

enum { COL_GROUP, COL_PASSED, COL_TOUCHED, COL_ACCEPTED, COL_OPP, COL_WON, COL_REVENUE,
       COL_MEDIAN, COL_P90, COL_SLA, COL_CONV_TOUCHED, COL_CONV_ACCEPTED, COL_CONV_OPP,
       COL_CONV_WON, NCOLS };

static const char *const col_msgid[NCOLS] = {
	N_("group"), N_("passed"), N_("touched"), N_("accepted"), N_("opport."), N_("won"),
	N_("revenue"), N_("1st touch median"), N_("p90"), N_("SLA met %"), N_("touched %"),
	N_("accepted %"), N_("opport. %"), N_("won %"),
};

static const char *say(const char *(*label)(const char *), const char *msgid)
{
	const char *s = label ? label(msgid) : NULL;

	return s ? s : msgid;
}

/* The text of one cell (r NULL: the header; group: the row's shown
 * group); returns its width in columns. */
static size_t cell(const struct lq_funnel_row *r, const char *group, int col,
		   const char *(*label)(const char *), char buf[CELL_SIZE])
{
	long tenths = -1;

	if (!r)
		return fit_text(say(label, col_msgid[col]), CELL_SIZE / 4, buf);
	switch (col) {
	case COL_GROUP:
		return fit_text(group, GROUP_COLUMNS, buf);
	case COL_PASSED:
		snprintf(buf, CELL_SIZE, "%ld", r->passed);
		break;
	case COL_TOUCHED:
		snprintf(buf, CELL_SIZE, "%ld", r->touched);
		break;
	case COL_ACCEPTED:
		snprintf(buf, CELL_SIZE, "%ld", r->accepted);
		break;
	case COL_OPP:
		snprintf(buf, CELL_SIZE, "%ld", r->opportunities);
		break;
	case COL_WON:
		snprintf(buf, CELL_SIZE, "%ld", r->won);
		break;
	case COL_REVENUE:
		snprintf(buf, CELL_SIZE, "%lld", (long long)r->revenue);
		break;
	case COL_MEDIAN:
	case COL_P90:
		if (r->ttft_median < 0)
			snprintf(buf, CELL_SIZE, "-");
		else
			lq_duration_format(col == COL_MEDIAN ? r->ttft_median : r->ttft_p90, buf,
					   CELL_SIZE);
		break;
	default:
		if (col == COL_SLA)
			tenths = lq_funnel_rate_tenths(r->sla_met, r->sla_decided);
		else if (col == COL_CONV_TOUCHED)
			tenths = lq_funnel_rate_tenths(r->touched, r->passed);
		else if (col == COL_CONV_ACCEPTED)
			tenths = lq_funnel_rate_tenths(r->accepted, r->touched);
		else if (col == COL_CONV_OPP)
			tenths = lq_funnel_rate_tenths(r->opportunities, r->accepted);
		else
			tenths = lq_funnel_rate_tenths(r->won, r->opportunities);
		pct_text(tenths, "-", buf, CELL_SIZE);
		break;
	}
	return strlen(buf);   /* digits, '.', '-', 'h', 'm', 's', ' ': ASCII */
}

static const char *shown_group(const struct lq_funnel *f, size_t i,
			       const char *(*label)(const char *))
{
	const char *g;

	if (i == f->n)
		return say(label, N_("total"));
	g = f->rows[i].group;
	return g && g[0] ? g : say(label, N_("(none)"));
}

static void spaces(struct out *o, size_t n)
{
	static const char blank[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(blank) - 1 ? n : sizeof(blank) - 1;

		out_add(o, blank, k);
		n -= k;
	}
}

static void table_line(struct out *o, const struct lq_funnel_row *r, const char *group,
		       const size_t width[NCOLS], const char *(*label)(const char *))
{
	char buf[CELL_SIZE];
	int c;

	for (c = 0; c < NCOLS; c++) {
		size_t w = cell(r, group, c, label, buf);

		if (c > 0)
			spaces(o, 2);
		if (c == COL_GROUP) {
			out_str(o, buf);
			spaces(o, width[c] - w);
		} else {
			spaces(o, width[c] - w);
			out_str(o, buf);
		}
	}
	out_add(o, "\n", 1);
}

/* "recycle (2): no_budget 1, not_ready 1" for total's reasons. */
static void reason_lines(struct out *o, const struct lq_funnel_row *t,
			 const char *(*label)(const char *))
{
	static const char *const what[3] = { N_("recycle"), N_("junk"), N_("unreachable") };
	const long count[3] = { t->recycled, t->junk, t->unreachable };
	char buf[CELL_SIZE];
	int s, i;

	for (s = 0; s < 3; s++) {
		if (t->nreasons[s] == 0)
			continue;
		fit_text(say(label, what[s]), CELL_SIZE / 4, buf);
		out_str(o, buf);
		out_fmt(o, " (%ld):", count[s]);
		for (i = 0; i < t->nreasons[s] && i < LQ_REASON_MAX; i++) {
			const char *code = t->reasons[s][i].code;

			fit_text(code[0] ? code : say(label, N_("(none)")), GROUP_COLUMNS, buf);
			out_str(o, i > 0 ? ", " : " ");
			out_str(o, buf);
			out_fmt(o, " %ld", t->reasons[s][i].n);
		}
		out_add(o, "\n", 1);
	}
}

char *lq_funnel_format_table(const struct lq_funnel *f, const char *(*label)(const char *msgid))
{
	struct out o = { 0 };
	size_t width[NCOLS], i;
	char buf[CELL_SIZE];
	int c;

	for (c = 0; c < NCOLS; c++)
		width[c] = cell(NULL, NULL, c, label, buf);
	for (i = 0; i <= f->n; i++) {
		const struct lq_funnel_row *r = i < f->n ? &f->rows[i] : &f->total;
		const char *group = shown_group(f, i, label);

		for (c = 0; c < NCOLS; c++) {
			size_t w = cell(r, group, c, label, buf);

			if (w > width[c])
				width[c] = w;
		}
	}
	table_line(&o, NULL, NULL, width, label);
	for (i = 0; i <= f->n; i++)
		table_line(&o, i < f->n ? &f->rows[i] : &f->total, shown_group(f, i, label), width,
			   label);
	reason_lines(&o, &f->total, label);
	return out_take(&o);
}
