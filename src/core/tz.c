#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "leadq/mem.h"
#include "leadq/tz.h"

/* TZif (RFC 8536) and the POSIX TZ string of its footer.  Every byte read is
 * checked against the length first: this parser reads untrusted data. */

#define TZIF_HEADER_SIZE 44
#define ABBR_SIZE 16          /* footer abbreviations, NUL included */
#define FOOTER_MAX 256        /* longer footers are refused */
#define MAX_RULE_HOURS 167    /* RFC 8536 §3.3.1: /time may be -167..167 h */

enum rule_kind { RULE_JULIAN1, RULE_JULIAN0, RULE_MONTH };

struct rule_date {
	enum rule_kind kind;
	int day;                /* Jn: 1..365; n: 0..365; Mm.w.d: d 0..6 */
	int week, month;        /* Mm.w.d */
	int32_t time;           /* seconds after local midnight, may be < 0 or > 24 h */
};

struct posix_rule {
	int32_t std_off, dst_off;         /* seconds east of UTC */
	char std_abbr[ABBR_SIZE], dst_abbr[ABBR_SIZE];
	bool has_dst;
	struct rule_date start, end;
};

struct tz_type {
	int32_t off;
	uint32_t abbr;          /* index into chars */
	bool isdst;
};

struct lq_tz {
	char *name;
	int64_t *trans;         /* ascending */
	uint8_t *trans_type;
	struct tz_type *types;
	char *chars;            /* abbreviations, always NUL-terminated */
	uint32_t ntrans, ntypes;
	bool has_rule;
	struct posix_rule rule;
	void *block;            /* one allocation behind trans..chars */
};

/* ---- small helpers --------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);

	return (int64_t)v;
}

static int64_t floor_div64(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since the epoch of 1 January / of day d of month m, with a 64-bit year
 * (rule years may leave int range for absurd instants). */
static int64_t days_from_ymd(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div64(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_len(int64_t y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* ---- the POSIX TZ string (RFC 8536 §3.3) ------------------------------ */

static bool parse_num(const char **p, int max, int *out)
{
	int v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

/* hh[:mm[:ss]] with an optional sign; result in seconds. */
static bool parse_hms(const char **p, int max_hours, int32_t *out)
{
	int sign = 1, h = 0, m = 0, s = 0;

	if (**p == '+' || **p == '-') {
		sign = **p == '-' ? -1 : 1;
		(*p)++;
	}
	if (!parse_num(p, max_hours, &h))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!parse_num(p, 59, &m))
			return false;
		if (**p == ':') {
			(*p)++;
			if (!parse_num(p, 59, &s))
				return false;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return true;
}

static bool parse_abbr(const char **p, char out[ABBR_SIZE])
{
	const char *s = *p;
	size_t n = 0;

	if (*s == '<') {
		s++;
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		       (*s >= '0' && *s <= '9') || *s == '+' || *s == '-') {
			if (n + 1 >= ABBR_SIZE)
				return false;
			out[n++] = *s++;
		}
		if (*s != '>')
			return false;
		s++;
	} else {
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
			if (n + 1 >= ABBR_SIZE)
				return false;
			out[n++] = *s++;
		}
	}
	if (n < 3)
		return false;
	out[n] = '\0';
	*p = s;
	return true;
}

static bool parse_rule_date(const char **p, struct rule_date *d)
{
	const char *s = *p;

	memset(d, 0, sizeof(*d));
	if (*s == 'J') {
		s++;
		d->kind = RULE_JULIAN1;
		if (!parse_num(&s, 365, &d->day) || d->day < 1)
			return false;
	} else if (*s == 'M') {
		s++;
		d->kind = RULE_MONTH;
		if (!parse_num(&s, 12, &d->month) || d->month < 1 || *s++ != '.' ||
		    !parse_num(&s, 5, &d->week) || d->week < 1 || *s++ != '.' ||
		    !parse_num(&s, 6, &d->day))
			return false;
	} else {
		d->kind = RULE_JULIAN0;
		if (!parse_num(&s, 365, &d->day))
			return false;
	}
	d->time = 2 * 3600;
	if (*s == '/') {
		s++;
		if (!parse_hms(&s, MAX_RULE_HOURS, &d->time))
			return false;
	}
	*p = s;
	return true;
}

static bool parse_posix_tz(const char *s, struct posix_rule *r)
{
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (!parse_abbr(&s, r->std_abbr) || !parse_hms(&s, 24, &off))
		return false;
	r->std_off = -off;                /* POSIX counts west of UTC */
	if (*s == '\0')
		return true;
	if (!parse_abbr(&s, r->dst_abbr))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if (!parse_hms(&s, 24, &off))
			return false;
		r->dst_off = -off;
	}
	if (*s == '\0') {
		/* No rule: the traditional US default, as tzcode does. */
		r->start = (struct rule_date){ RULE_MONTH, 0, 2, 3, 2 * 3600 };
		r->end = (struct rule_date){ RULE_MONTH, 0, 1, 11, 2 * 3600 };
		return true;
	}
	if (*s++ != ',' || !parse_rule_date(&s, &r->start) || *s++ != ',' ||
	    !parse_rule_date(&s, &r->end))
		return false;
	return *s == '\0';
}

/* The local day (days since the epoch) a rule date falls on in year y. */
static int64_t rule_day(const struct rule_date *d, int64_t y)
{
	int64_t jan1 = days_from_ymd(y, 1, 1);
	int64_t first, day;
	int wd_first, len;

	switch (d->kind) {
	case RULE_JULIAN1: /* February 29 is never counted */
		return jan1 + d->day - 1 + (is_leap(y) && d->day >= 60);
	case RULE_JULIAN0:
		return jan1 + d->day;
	case RULE_MONTH:
	default:
		first = days_from_ymd(y, d->month, 1);
		wd_first = lq_weekday_from_days(first);
		day = first + (d->day - wd_first + 7) % 7 + (int64_t)(d->week - 1) * 7;
		len = month_len(y, d->month);
		while (day >= first + len)
			day -= 7;
		return day;
	}
}

/* Offset by the footer rule at t, with the span between the rule's
 * transitions around t. */
static int32_t rule_offset(const struct posix_rule *r, lq_time t, bool *isdst,
			   lq_time *from, lq_time *until)
{
	struct { lq_time at; bool dst; } ev[6];
	int64_t year;
	int y_civ, m_civ, d_civ, n = 0, best = -1;

	*from = INT64_MIN;
	*until = INT64_MAX;
	*isdst = false;
	if (!r->has_dst)
		return r->std_off;
	lq_civil_from_days(floor_div64(t, LQ_DAY), &y_civ, &m_civ, &d_civ);
	year = y_civ;
	/* The transitions of the year before, this and the next, in order;
	 * at equal instants DST's start sorts last so that it wins (DST all
	 * year, RFC 8536 §3.3.1). */
	for (int64_t y = year - 1; y <= year + 1; y++) {
		lq_time s = rule_day(&r->start, y) * LQ_DAY + r->start.time - r->std_off;
		lq_time e = rule_day(&r->end, y) * LQ_DAY + r->end.time - r->dst_off;

		if (e <= s) {
			ev[n].at = e; ev[n++].dst = false;
			ev[n].at = s; ev[n++].dst = true;
		} else {
			ev[n].at = s; ev[n++].dst = true;
			ev[n].at = e; ev[n++].dst = false;
		}
	}
	/* Insertion sort: six items, already nearly sorted. */
	for (int i = 1; i < n; i++) {
		for (int j = i; j > 0 && (ev[j].at < ev[j - 1].at ||
				(ev[j].at == ev[j - 1].at && !ev[j].dst && ev[j - 1].dst)); j--) {
			lq_time at = ev[j].at;
			bool dst = ev[j].dst;

			ev[j].at = ev[j - 1].at; ev[j].dst = ev[j - 1].dst;
			ev[j - 1].at = at; ev[j - 1].dst = dst;
		}
	}
	for (int i = 0; i < n; i++) {
		if (ev[i].at <= t)
			best = i;
	}
	if (best < 0) {
		/* Cannot happen with a sane year; answer standard time for t alone. */
		*from = t;
		*until = t + 1;
		return r->std_off;
	}
	*from = ev[best].at;
	*until = best + 1 < n ? ev[best + 1].at : t + 1;
	*isdst = ev[best].dst;
	return ev[best].dst ? r->dst_off : r->std_off;
}

/* ---- TZif ------------------------------------------------------------- */

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chr;
};

static void read_counts(const unsigned char *h, struct tzif_counts *c)
{
	c->isut = be32(h + 20);
	c->isstd = be32(h + 24);
	c->leap = be32(h + 28);
	c->time = be32(h + 32);
	c->type = be32(h + 36);
	c->chr = be32(h + 40);
}

/* Size of the data block after a header, 0 when the counts are invalid. */
static uint64_t block_size(const struct tzif_counts *c, unsigned timesize)
{
	if (c->type == 0 || c->type > 256 || c->chr == 0 ||
	    (c->isut != 0 && c->isut != c->type) ||
	    (c->isstd != 0 && c->isstd != c->type))
		return 0;
	return (uint64_t)c->time * timesize + c->time + (uint64_t)c->type * 6 +
		c->chr + (uint64_t)c->leap * (timesize + 4) + c->isstd + c->isut;
}

static struct lq_tz *tz_alloc(const char *name, uint32_t ntrans, uint32_t ntypes, uint32_t nchars)
{
	struct lq_tz *tz = lq_calloc(1, sizeof(*tz));
	size_t size;
	unsigned char *b;

	if (!tz)
		return NULL;
	tz->name = lq_strdup(name ? name : "");
	size = (size_t)ntrans * sizeof(int64_t) + (size_t)ntypes * sizeof(struct tz_type) +
		ntrans + (size_t)nchars + 1;
	tz->block = lq_malloc(size);
	if (!tz->name || !tz->block) {
		lq_tz_free(&tz);
		return NULL;
	}
	/* Widest alignment first. */
	b = tz->block;
	tz->trans = (int64_t *)(void *)b;
	b += (size_t)ntrans * sizeof(int64_t);
	tz->types = (struct tz_type *)(void *)b;
	b += (size_t)ntypes * sizeof(struct tz_type);
	tz->trans_type = b;
	b += ntrans;
	tz->chars = (char *)b;
	tz->ntrans = ntrans;
	tz->ntypes = ntypes;
	return tz;
}

enum lq_tz_error lq_tz_parse(const char *name, const void *data, size_t len,
			     struct lq_tz **out)
{
	const unsigned char *p = data;
	struct tzif_counts c;
	unsigned timesize = 4;
	uint64_t size, pos = 0;
	int version;
	struct lq_tz *tz;
	struct posix_rule rule;
	bool has_footer = false, has_rule = false;

	*out = NULL;
	if (!p || len < TZIF_HEADER_SIZE || memcmp(p, "TZif", 4) != 0)
		return LQ_TZ_EFORMAT;
	version = p[4] == 0 ? 1 : p[4] - '0';
	if (version < 1 || version > 9)
		return LQ_TZ_EFORMAT;
	read_counts(p, &c);
	size = block_size(&c, 4);
	if (size == 0 || size > len - TZIF_HEADER_SIZE)
		return LQ_TZ_EFORMAT;
	pos = TZIF_HEADER_SIZE;
	if (version >= 2) {
		/* Skip the 32-bit block: the 64-bit one says everything. */
		pos += size;
		if (len - pos < TZIF_HEADER_SIZE || memcmp(p + pos, "TZif", 4) != 0)
			return LQ_TZ_EFORMAT;
		read_counts(p + pos, &c);
		timesize = 8;
		size = block_size(&c, 8);
		pos += TZIF_HEADER_SIZE;
		if (size == 0 || size > len - pos)
			return LQ_TZ_EFORMAT;
		has_footer = true;
	}
	if (has_footer) {
		/* "\n" TZ string "\n" right after the data block. */
		uint64_t f = pos + size, end;
		char buf[FOOTER_MAX + 1];

		if (f >= len || p[f] != '\n')
			return LQ_TZ_EFORMAT;
		f++;
		for (end = f; end < len && p[end] != '\n'; end++)
			;
		if (end >= len)
			return LQ_TZ_EFORMAT;
		if (end - f > FOOTER_MAX)
			return LQ_TZ_EFOOTER;
		memcpy(buf, p + f, (size_t)(end - f));
		buf[end - f] = '\0';
		if (end > f) {
			if (strlen(buf) != end - f || !parse_posix_tz(buf, &rule))
				return LQ_TZ_EFOOTER;
			has_rule = true;
		}
	}

	/* Validate everything before allocating. */
	{
		const unsigned char *tp = p + pos;
		const unsigned char *ip = tp + (uint64_t)c.time * timesize;
		const unsigned char *yp = ip + c.time;

		for (uint32_t i = 0; i < c.time; i++) {
			int64_t at = timesize == 8 ? be64(tp + (size_t)i * 8) :
				(int32_t)be32(tp + (size_t)i * 4);

			if (ip[i] >= c.type)
				return LQ_TZ_EFORMAT;
			if (i > 0) {
				int64_t prev = timesize == 8 ? be64(tp + (size_t)(i - 1) * 8) :
					(int32_t)be32(tp + (size_t)(i - 1) * 4);
				if (at <= prev)
					return LQ_TZ_EFORMAT;
			}
		}
		for (uint32_t i = 0; i < c.type; i++) {
			int32_t off = (int32_t)be32(yp + (size_t)i * 6);

			/* RFC 8536 §3.2: -2^31 is invalid, [-89999, 93599] the range
			 * readers may rely on (the arithmetic here does). */
			if (off < -89999 || off > 93599 || yp[i * 6 + 4] > 1 ||
			    yp[i * 6 + 5] >= c.chr)
				return LQ_TZ_EFORMAT;
		}
	}

	tz = tz_alloc(name, c.time, c.type, c.chr);
	if (!tz)
		return LQ_TZ_ENOMEM;
	{
		const unsigned char *tp = p + pos;
		const unsigned char *ip = tp + (uint64_t)c.time * timesize;
		const unsigned char *yp = ip + c.time;
		const unsigned char *cp = yp + (uint64_t)c.type * 6;

		for (uint32_t i = 0; i < c.time; i++) {
			tz->trans[i] = timesize == 8 ? be64(tp + (size_t)i * 8) :
				(int32_t)be32(tp + (size_t)i * 4);
			tz->trans_type[i] = ip[i];
		}
		for (uint32_t i = 0; i < c.type; i++) {
			tz->types[i].off = (int32_t)be32(yp + i * 6);
			tz->types[i].isdst = yp[i * 6 + 4] != 0;
			tz->types[i].abbr = yp[i * 6 + 5];
		}
		memcpy(tz->chars, cp, c.chr);
		tz->chars[c.chr] = '\0';
	}
	tz->has_rule = has_rule;
	if (has_rule)
		tz->rule = rule;
	*out = tz;
	return LQ_TZ_OK;
}

struct lq_tz *lq_tz_fixed(const char *name, int32_t utc_offset)
{
	struct lq_tz *tz = tz_alloc(name, 0, 1, ABBR_SIZE);
	int32_t a;

	if (!tz)
		return NULL;
	tz->types[0].off = utc_offset;
	tz->types[0].abbr = 0;
	tz->types[0].isdst = false;
	/* "UTC" is its own abbreviation; "Etc/GMT+5" shows as "-05". */
	if (name && name[0] && !strchr(name, '/') && strlen(name) < ABBR_SIZE) {
		snprintf(tz->chars, ABBR_SIZE, "%s", name);
	} else {
		a = utc_offset < 0 ? -utc_offset : utc_offset;
		if (a % 3600 == 0)
			snprintf(tz->chars, ABBR_SIZE, "%c%02d", utc_offset < 0 ? '-' : '+',
				 (int)(a / 3600 % 100));
		else
			snprintf(tz->chars, ABBR_SIZE, "%c%02d%02d", utc_offset < 0 ? '-' : '+',
				 (int)(a / 3600 % 100), (int)(a / 60 % 60));
	}
	return tz;
}

void lq_tz_free(struct lq_tz **tz)
{
	if (!tz || !*tz)
		return;
	lq_free((*tz)->name);
	lq_free((*tz)->block);
	lq_free(*tz);
	*tz = NULL;
}

const char *lq_tz_name(const struct lq_tz *tz)
{
	return tz ? tz->name : "";
}

/* The offset at t with its abbreviation and a span over which it holds. */
static int32_t lookup(const struct lq_tz *tz, lq_time t, const char **abbr,
		      lq_time *from, lq_time *until)
{
	uint32_t lo, hi, idx;
	const struct tz_type *ty;

	*from = INT64_MIN;
	*until = INT64_MAX;
	if (tz->has_rule && (tz->ntrans == 0 || t >= tz->trans[tz->ntrans - 1])) {
		bool isdst;
		int32_t off = rule_offset(&tz->rule, t, &isdst, from, until);

		if (tz->ntrans > 0 && *from < tz->trans[tz->ntrans - 1])
			*from = tz->trans[tz->ntrans - 1];
		if (abbr)
			*abbr = isdst ? tz->rule.dst_abbr : tz->rule.std_abbr;
		return off;
	}
	if (tz->ntrans == 0 || t < tz->trans[0]) {
		ty = &tz->types[0];
		if (tz->ntrans > 0)
			*until = tz->trans[0];
	} else {
		/* The last transition at or before t. */
		lo = 0;
		hi = tz->ntrans;
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (tz->trans[mid] <= t)
				lo = mid;
			else
				hi = mid;
		}
		idx = lo;
		ty = &tz->types[tz->trans_type[idx]];
		*from = tz->trans[idx];
		if (idx + 1 < tz->ntrans)
			*until = tz->trans[idx + 1];
	}
	if (abbr)
		*abbr = tz->chars + ty->abbr;
	return ty->off;
}

int32_t lq_tz_offset(const struct lq_tz *tz, lq_time t, const char **abbr)
{
	lq_time from, until;

	if (!tz) {
		if (abbr)
			*abbr = "UTC";
		return 0;
	}
	return lookup(tz, t, abbr, &from, &until);
}

int32_t lq_tz_offset_span(const struct lq_tz *tz, lq_time t, lq_time *from, lq_time *until)
{
	if (!tz) {
		*from = INT64_MIN;
		*until = INT64_MAX;
		return 0;
	}
	return lookup(tz, t, NULL, from, until);
}

lq_time lq_tz_from_wall(const struct lq_tz *tz, lq_time wall)
{
	int32_t cand[4];
	lq_time best = LQ_TIME_NONE;

	if (!tz || (tz->ntrans == 0 && !(tz->has_rule && tz->rule.has_dst)))
		return wall - lq_tz_offset(tz, wall, NULL);
	{
		/* The usual case in two lookups: a wall time more than a day
		 * away from any change, so no other offset can claim it. */
		lq_time from, until, t;
		int32_t o = lq_tz_offset(tz, wall, NULL);

		t = wall - o;
		if (lq_tz_offset_span(tz, t, &from, &until) == o &&
		    (from == INT64_MIN || t - from >= LQ_DAY) &&
		    (until == INT64_MAX || until - t > LQ_DAY))
			return t;
	}
	/* Offsets are within a day, so every instant that shows this wall
	 * time lies within a day of it; the offsets in force there are the
	 * candidates (a transition at most on each side in real zones). */
	cand[0] = lq_tz_offset(tz, wall - LQ_DAY, NULL);
	cand[1] = lq_tz_offset(tz, wall + LQ_DAY, NULL);
	cand[2] = lq_tz_offset(tz, wall - cand[0], NULL);
	cand[3] = lq_tz_offset(tz, wall - cand[1], NULL);
	for (int i = 0; i < 4; i++) {
		lq_time t = wall - cand[i];

		/* The earlier of two in the autumn overlap. */
		if (lq_tz_offset(tz, t, NULL) == cand[i] && (best == LQ_TIME_NONE || t < best))
			best = t;
	}
	if (best != LQ_TIME_NONE)
		return best;
	/* Spring gap: read the wall time with the offset before the jump, as
	 * if the clock had not jumped (02:30 CET is 03:30 CEST). */
	return wall - cand[0];
}

lq_time lq_tz_from_local(const struct lq_tz *tz, const struct lq_civil *local)
{
	return lq_tz_from_wall(tz, lq_time_from_civil(local, 0));
}

int32_t lq_tz_to_local(const struct lq_tz *tz, lq_time t, struct lq_civil *out)
{
	int32_t off = lq_tz_offset(tz, t, NULL);

	lq_time_to_civil(t, off, out);
	return off;
}
