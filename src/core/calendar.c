#include "config.h"

#include <stdio.h>
#include <string.h>

#include "leadq/calendar.h"

/* Walks are bounded: nothing a team configures needs more than 20 years. */
#define WALK_DAYS (20 * 366 + 14)
/* Instants beyond this (about 300,000 years) are refused, so that no sum
 * below can overflow. */
#define TIME_LIMIT ((lq_time)10000000000000)
#define FRAG_MAX 60

/* ---- parsing --------------------------------------------------------- */

static void set_err(char *err, size_t errsize, const char *frag, size_t fraglen,
		    const char *what)
{
	if (!err || errsize == 0)
		return;
	snprintf(err, errsize, "at '%.*s%s': %s", (int)(fraglen > FRAG_MAX ? FRAG_MAX : fraglen),
		 frag, fraglen > FRAG_MAX ? "..." : "", what);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* mon = 0 .. sun = 6 (the order ranges use); -1 when not a day. */
static int parse_day(const char **p, const char *end)
{
	static const char order[7][4] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	const char *s = *p;

	if (end - s < 3)
		return -1;
	for (int i = 0; i < 7; i++) {
		if (lower(s[0]) == order[i][0] && lower(s[1]) == order[i][1] &&
		    lower(s[2]) == order[i][2]) {
			s += 3;
			if (s < end && ((lower(*s) >= 'a' && lower(*s) <= 'z')))
				return -1;
			*p = s;
			return i;
		}
	}
	return -1;
}

/* H:MM or HH:MM, in minutes; 24:00 only where allow_24. */
static bool parse_hhmm(const char **p, const char *end, bool allow_24, int *out)
{
	const char *s = *p;
	int h = 0, m = 0, nd = 0;

	while (s < end && *s >= '0' && *s <= '9' && nd < 2) {
		h = h * 10 + (*s - '0');
		s++;
		nd++;
	}
	if (nd == 0 || s >= end || *s != ':')
		return false;
	s++;
	if (end - s < 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	s += 2;
	if (s < end && *s >= '0' && *s <= '9')
		return false;
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)))
		return false;
	*p = s;
	*out = h * 60 + m;
	return true;
}

/* Inserts a shift in start order; false when it overlaps or there is no room. */
static const char *add_shift(struct lq_calendar *cal, int wday, struct lq_shift sh)
{
	int n = cal->nshifts[wday];
	int i;

	for (i = 0; i < n; i++) {
		const struct lq_shift *o = &cal->week[wday][i];

		if (sh.start_min < o->end_min && o->start_min < sh.end_min)
			return "shifts overlap";
	}
	if (n >= LQ_CAL_MAX_SHIFTS)
		return "more than 4 shifts in a day";
	for (i = n; i > 0 && cal->week[wday][i - 1].start_min > sh.start_min; i--)
		cal->week[wday][i] = cal->week[wday][i - 1];
	cal->week[wday][i] = sh;
	cal->nshifts[wday] = n + 1;
	return NULL;
}

/* One "days shifts" group, e.g. "mon-fri 09:00-14:00,15:00-18:00". */
static const char *parse_group(struct lq_calendar *cal, const char *s, const char *end)
{
	bool days[7] = { false };
	struct lq_shift shifts[LQ_CAL_MAX_SHIFTS + 1];
	int nshifts = 0;
	const char *msg;

	for (;;) {
		int a = parse_day(&s, end), b;

		if (a < 0)
			return "expected a day (mon..sun)";
		b = a;
		if (s < end && *s == '-') {
			s++;
			b = parse_day(&s, end);
			if (b < 0)
				return "expected a day (mon..sun)";
			if (b < a)
				return "day ranges run mon..sun and do not wrap";
		}
		for (int d = a; d <= b; d++)
			days[d] = true;
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		break;
	}
	if (s >= end || !is_space(*s))
		return "expected a space and hours after the days";
	for (;;) {
		struct lq_shift sh;

		while (s < end && is_space(*s))
			s++;
		if (!parse_hhmm(&s, end, false, &sh.start_min))
			return "expected HH:MM";
		if (s >= end || *s != '-')
			return "expected '-' between start and end";
		s++;
		if (!parse_hhmm(&s, end, true, &sh.end_min))
			return "expected HH:MM";
		if (sh.end_min <= sh.start_min)
			return "a shift must end after it starts";
		if (nshifts > LQ_CAL_MAX_SHIFTS)
			return "more than 4 shifts in a day";
		shifts[nshifts++] = sh;
		while (s < end && is_space(*s))
			s++;
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		if (s < end)
			return "unexpected text after the hours";
		break;
	}
	for (int d = 0; d < 7; d++) {
		if (!days[d])
			continue;
		for (int i = 0; i < nshifts; i++) {
			msg = add_shift(cal, (d + 1) % 7, shifts[i]);
			if (msg)
				return msg;
		}
	}
	return NULL;
}

bool lq_calendar_parse_hours(struct lq_calendar *cal, const char *spec,
			     char *err, size_t errsize)
{
	struct lq_calendar tmp = *cal;
	const char *s = spec ? spec : "";
	int total = 0;

	memset(tmp.week, 0, sizeof(tmp.week));
	memset(tmp.nshifts, 0, sizeof(tmp.nshifts));
	while (*s) {
		const char *end = strchr(s, ';');
		const char *next, *msg;

		if (!end)
			end = s + strlen(s);
		next = *end ? end + 1 : end;
		while (s < end && is_space(*s))
			s++;
		while (end > s && is_space(end[-1]))
			end--;
		if (s < end) {
			msg = parse_group(&tmp, s, end);
			if (msg) {
				set_err(err, errsize, s, (size_t)(end - s), msg);
				return false;
			}
		}
		s = next;
	}
	for (int d = 0; d < 7; d++)
		total += tmp.nshifts[d];
	if (total == 0) {
		set_err(err, errsize, spec ? spec : "", spec ? strlen(spec) : 0,
			"no opening hours");
		return false;
	}
	memcpy(cal->week, tmp.week, sizeof(cal->week));
	memcpy(cal->nshifts, tmp.nshifts, sizeof(cal->nshifts));
	return true;
}

static int cmp_days(const int64_t *a, const int64_t *b)
{
	return *a < *b ? -1 : *a > *b;
}

bool lq_calendar_parse_holidays(struct lq_calendar *cal, const char *spec,
				char *err, size_t errsize)
{
	int64_t days[LQ_CAL_MAX_HOLIDAYS];
	int n = 0;
	const char *s = spec ? spec : "";

	for (;;) {
		const char *tok;
		size_t len;
		int y = 0, m = 0, d = 0;
		bool ok = true;

		while (*s == ',' || is_space(*s))
			s++;
		if (!*s)
			break;
		tok = s;
		while (*s && *s != ',' && !is_space(*s))
			s++;
		len = (size_t)(s - tok);
		if (len != 10 || tok[4] != '-' || tok[7] != '-')
			ok = false;
		for (size_t i = 0; ok && i < len; i++) {
			if (i == 4 || i == 7)
				continue;
			if (tok[i] < '0' || tok[i] > '9')
				ok = false;
		}
		if (ok) {
			int py, pm, pd;

			y = (tok[0] - '0') * 1000 + (tok[1] - '0') * 100 + (tok[2] - '0') * 10 +
				(tok[3] - '0');
			m = (tok[5] - '0') * 10 + (tok[6] - '0');
			d = (tok[8] - '0') * 10 + (tok[9] - '0');
			/* A real date: it survives the round trip. */
			lq_civil_from_days(lq_days_from_civil(y, m, d), &py, &pm, &pd);
			ok = m >= 1 && m <= 12 && d >= 1 && py == y && pm == m && pd == d;
		}
		if (!ok) {
			set_err(err, errsize, tok, len, "expected a date YYYY-MM-DD");
			return false;
		}
		if (n >= LQ_CAL_MAX_HOLIDAYS) {
			set_err(err, errsize, tok, len, "more than 64 holidays");
			return false;
		}
		days[n++] = lq_days_from_civil(y, m, d);
	}
	/* Sorted, without repeats: is_holiday() searches them. */
	for (int i = 1; i < n; i++) {
		for (int j = i; j > 0 && cmp_days(&days[j], &days[j - 1]) < 0; j--) {
			int64_t t = days[j];

			days[j] = days[j - 1];
			days[j - 1] = t;
		}
	}
	cal->nholidays = 0;
	for (int i = 0; i < n; i++) {
		if (cal->nholidays == 0 || cal->holidays[cal->nholidays - 1] != days[i])
			cal->holidays[cal->nholidays++] = days[i];
	}
	return true;
}

void lq_calendar_default(struct lq_calendar *cal, const struct lq_tz *tz)
{
	memset(cal, 0, sizeof(*cal));
	cal->tz = tz;
	for (int d = 1; d <= 5; d++) {
		cal->week[d][0] = (struct lq_shift){ 9 * 60, 14 * 60 };
		cal->week[d][1] = (struct lq_shift){ 15 * 60, 18 * 60 };
		cal->nshifts[d] = 2;
	}
}

/* ---- local days and their intervals ---------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Index of the first holiday >= day (nholidays when none). */
static int holiday_at_or_after(const struct lq_calendar *cal, int64_t day)
{
	int lo = 0, hi = cal->nholidays;

	if (hi < 0)
		hi = 0;
	if (hi > LQ_CAL_MAX_HOLIDAYS)
		hi = LQ_CAL_MAX_HOLIDAYS;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (cal->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_holiday(const struct lq_calendar *cal, int64_t day)
{
	int i = holiday_at_or_after(cal, day);

	return i < cal->nholidays && i < LQ_CAL_MAX_HOLIDAYS && cal->holidays[i] == day;
}

static int nshifts_of(const struct lq_calendar *cal, int wday)
{
	int n = cal->nshifts[wday];

	return n < 0 ? 0 : n > LQ_CAL_MAX_SHIFTS ? LQ_CAL_MAX_SHIFTS : n;
}

bool lq_calendar_is_business_day(const struct lq_calendar *cal, int64_t day)
{
	return nshifts_of(cal, lq_weekday_from_days(day)) > 0 && !is_holiday(cal, day);
}

/* Nominal business seconds of a week (no DST change, no holiday). */
static lq_time week_seconds(const struct lq_calendar *cal)
{
	lq_time sum = 0;

	for (int d = 0; d < 7; d++) {
		for (int i = 0; i < nshifts_of(cal, d); i++) {
			const struct lq_shift *s = &cal->week[d][i];

			if (s->end_min > s->start_min)
				sum += (lq_time)(s->end_min - s->start_min) * 60;
		}
	}
	return sum;
}

/* Wall-time to instant conversion with the last offset span remembered, so a
 * walk over days needs a zone lookup only when it crosses a transition. */
struct zone_cache {
	const struct lq_tz *tz;
	int32_t off;
	lq_time from, until;
	bool valid;
};

static void cache_init(struct zone_cache *zc, const struct lq_tz *tz)
{
	zc->tz = tz;
	zc->valid = false;
}

static lq_time wall_to_instant(struct zone_cache *zc, lq_time wall)
{
	lq_time t;

	if (zc->valid) {
		t = wall - zc->off;
		/* Well inside the span (a day or more past its start) the wall time
		 * cannot also belong to the previous offset (autumn overlap). */
		if (t < zc->until && (zc->from == INT64_MIN || (t >= zc->from &&
							      t - zc->from >= 2 * LQ_DAY)))
			return t;
	}
	t = lq_tz_from_wall(zc->tz, wall);
	zc->off = lq_tz_offset_span(zc->tz, t, &zc->from, &zc->until);
	zc->valid = true;
	return t;
}

/* The local day (days since the epoch) of instant t. */
static int64_t local_day(const struct lq_calendar *cal, lq_time t)
{
	int32_t off = lq_tz_offset(cal->tz, t, NULL);

	return floor_div(t + off, LQ_DAY);
}

/* The business intervals of one local day as instants; 0 on closed days. */
static int day_intervals(const struct lq_calendar *cal, struct zone_cache *zc, int64_t day,
			 lq_time start[LQ_CAL_MAX_SHIFTS], lq_time end[LQ_CAL_MAX_SHIFTS])
{
	int wd = lq_weekday_from_days(day), n = nshifts_of(cal, wd), k = 0;
	lq_time midnight = day * LQ_DAY;

	if (!lq_calendar_is_business_day(cal, day))
		return 0;
	for (int i = 0; i < n; i++) {
		const struct lq_shift *s = &cal->week[wd][i];

		start[k] = wall_to_instant(zc, midnight + (lq_time)s->start_min * 60);
		end[k] = wall_to_instant(zc, midnight + (lq_time)s->end_min * 60);
		if (end[k] > start[k]) /* a shift inside a gap has no time */
			k++;
	}
	return k;
}

/* How many whole days from local midnight of `day` (instant t0) can be taken
 * at their nominal length: no holiday and no offset change inside. */
static int64_t skippable_days(const struct lq_calendar *cal, const struct zone_cache *zc,
			      int64_t day, lq_time t0)
{
	int64_t days = INT64_MAX / 2;
	int h;

	if (!zc->valid || t0 < zc->from || t0 + zc->off != day * LQ_DAY)
		return 0;
	/* The midnight ending the last day must still be in the span: an
	 * offset change right at it would move it. */
	if (zc->until != INT64_MAX)
		days = (zc->until - 1 - t0) / LQ_DAY;
	h = holiday_at_or_after(cal, day);
	if (h < cal->nholidays && h < LQ_CAL_MAX_HOLIDAYS && cal->holidays[h] - day < days)
		days = cal->holidays[h] - day;
	return days < 0 ? 0 : days;
}

/* Nominal business seconds of each weekday. */
static void day_seconds(const struct lq_calendar *cal, lq_time out[7])
{
	for (int d = 0; d < 7; d++) {
		out[d] = 0;
		for (int i = 0; i < nshifts_of(cal, d); i++) {
			const struct lq_shift *s = &cal->week[d][i];

			if (s->end_min > s->start_min)
				out[d] += (lq_time)(s->end_min - s->start_min) * 60;
		}
	}
}

/* Skips whole days from `day` (at most `limit`, each nominal) while their
 * business time stays below *budget (add: strictly, so that the walk finds
 * the end) or all of it (between: budget NULL).  Returns the days skipped and
 * adds their seconds to *sum. */
static int64_t skip_days(const lq_time per_day[7], lq_time week, int64_t day, int64_t limit,
			 lq_time *budget, lq_time *sum)
{
	int64_t k = limit / 7, n;

	if (budget && week > 0 && k > (*budget - 1) / week)
		k = (*budget - 1) / week;
	if (k < 0)
		k = 0;
	*sum += k * week;
	if (budget)
		*budget -= k * week;
	n = k * 7;
	while (n < limit) {
		lq_time ds = per_day[lq_weekday_from_days(day + n)];

		if (budget && ds >= *budget)
			break;
		*sum += ds;
		if (budget)
			*budget -= ds;
		n++;
	}
	return n;
}

/* The end of business time in the `k` nominal days skipped from `day`
 * (local midnight t0), or hw when they had none. */
static lq_time skipped_end(const struct lq_calendar *cal, int64_t day, lq_time t0, int64_t k,
			   lq_time hw)
{
	for (int64_t d = day + k - 1; d >= day && d > day + k - 8; d--) {
		int wd = lq_weekday_from_days(d), n = nshifts_of(cal, wd);

		if (n > 0) {
			lq_time end = t0 + (d - day) * LQ_DAY +
				(lq_time)cal->week[wd][n - 1].end_min * 60;

			return end > hw ? end : hw;
		}
	}
	return hw;
}

static bool in_range(lq_time t)
{
	return t != LQ_TIME_NONE && t >= -TIME_LIMIT && t <= TIME_LIMIT;
}

bool lq_calendar_is_open(const struct lq_calendar *cal, lq_time t)
{
	struct zone_cache zc;
	lq_time s[LQ_CAL_MAX_SHIFTS], e[LQ_CAL_MAX_SHIFTS];
	int64_t day;

	if (!cal || !in_range(t))
		return false;
	cache_init(&zc, cal->tz);
	day = local_day(cal, t);
	/* The day before too: a shift ends at midnight at the latest, but an
	 * overlap at midnight can put its end after t's local midnight. */
	for (int64_t d = day - 1; d <= day; d++) {
		int n = day_intervals(cal, &zc, d, s, e);

		for (int i = 0; i < n; i++) {
			if (t >= s[i] && t < e[i])
				return true;
		}
	}
	return false;
}

lq_time lq_calendar_add(const struct lq_calendar *cal, lq_time start, lq_time seconds)
{
	struct zone_cache zc;
	lq_time s[LQ_CAL_MAX_SHIFTS], e[LQ_CAL_MAX_SHIFTS], per_day[7];
	lq_time week, rem = seconds < 0 ? 0 : seconds;
	/* Time before hw is spent: a shift that ends in a spring gap ends
	 * after the next one starts, and must not count twice. */
	lq_time hw = start;
	int64_t day, last;

	if (!cal || !in_range(start))
		return LQ_TIME_NONE;
	week = week_seconds(cal);
	if (week == 0)
		return LQ_TIME_NONE;
	day_seconds(cal, per_day);
	cache_init(&zc, cal->tz);
	day = local_day(cal, start) - 1;
	last = day + WALK_DAYS;
	while (day < last) {
		lq_time t0 = wall_to_instant(&zc, day * LQ_DAY);
		int n;

		if (t0 >= hw && rem > 0) {
			lq_time skipped = 0;
			int64_t limit = skippable_days(cal, &zc, day, t0);
			int64_t k;

			if (limit > last - day)
				limit = last - day;
			k = skip_days(per_day, week, day, limit, &rem, &skipped);
			if (k > 0) {
				hw = skipped_end(cal, day, t0, k, hw);
				day += k;
				continue;
			}
		}
		n = day_intervals(cal, &zc, day, s, e);
		for (int i = 0; i < n; i++) {
			lq_time cur = s[i] > hw ? s[i] : hw;

			if (e[i] <= cur)
				continue;
			if (rem <= e[i] - cur)
				return cur + rem;
			rem -= e[i] - cur;
			hw = e[i];
		}
		day++;
	}
	return LQ_TIME_NONE;
}

lq_time lq_calendar_between(const struct lq_calendar *cal, lq_time a, lq_time b)
{
	struct zone_cache zc;
	lq_time s[LQ_CAL_MAX_SHIFTS], e[LQ_CAL_MAX_SHIFTS], per_day[7];
	lq_time week, sum = 0, hw;
	int64_t day, last;

	if (!cal || a == LQ_TIME_NONE || b == LQ_TIME_NONE)
		return 0;
	if (b < a)
		return -lq_calendar_between(cal, b, a);
	if (a < -TIME_LIMIT)
		a = -TIME_LIMIT;
	if (b > TIME_LIMIT)
		b = TIME_LIMIT;
	week = week_seconds(cal);
	if (week == 0 || a >= b)
		return 0;
	day_seconds(cal, per_day);
	cache_init(&zc, cal->tz);
	hw = a; /* as in lq_calendar_add(): each instant counts once */
	day = local_day(cal, a) - 1;
	last = local_day(cal, b);
	while (day <= last) {
		lq_time t0 = wall_to_instant(&zc, day * LQ_DAY);
		int n;

		if (t0 >= hw) {
			int64_t limit = skippable_days(cal, &zc, day, t0);
			/* Only days that end by b. */
			int64_t within = (b - t0) / LQ_DAY;
			int64_t k;

			if (limit > within)
				limit = within;
			k = skip_days(per_day, week, day, limit, NULL, &sum);
			if (k > 0) {
				hw = skipped_end(cal, day, t0, k, hw);
				day += k;
				continue;
			}
		}
		n = day_intervals(cal, &zc, day, s, e);
		for (int i = 0; i < n; i++) {
			lq_time lo = s[i] > hw ? s[i] : hw;
			lq_time hi = e[i] < b ? e[i] : b;

			if (hi > lo)
				sum += hi - lo;
			if (e[i] > hw)
				hw = e[i];
		}
		day++;
	}
	return sum;
}

lq_time lq_calendar_add_days(const struct lq_calendar *cal, lq_time start, int days)
{
	struct zone_cache zc;
	lq_time s[LQ_CAL_MAX_SHIFTS], e[LQ_CAL_MAX_SHIFTS];
	int64_t day, last;
	int left = days < 0 ? 0 : days;

	if (!cal || !in_range(start) || week_seconds(cal) == 0)
		return LQ_TIME_NONE;
	cache_init(&zc, cal->tz);
	day = local_day(cal, start);
	last = day + WALK_DAYS;
	for (; day < last; day++) {
		int n = day_intervals(cal, &zc, day, s, e);

		/* A business day counts once it still has time ahead of start. */
		if (n == 0 || e[n - 1] <= start)
			continue;
		if (left == 0)
			return e[n - 1];
		left--;
	}
	return LQ_TIME_NONE;
}

void lq_calendar_each_open(const struct lq_calendar *cal, lq_time from, lq_time to,
			   lq_calendar_span_cb cb, void *ctx)
{
	struct zone_cache zc;
	lq_time s[LQ_CAL_MAX_SHIFTS], e[LQ_CAL_MAX_SHIFTS], hw;
	int64_t day, last;

	if (!cal || from == LQ_TIME_NONE || to == LQ_TIME_NONE)
		return;
	if (from < -TIME_LIMIT)
		from = -TIME_LIMIT;
	if (to > TIME_LIMIT)
		to = TIME_LIMIT;
	if (from >= to || week_seconds(cal) == 0)
		return;
	cache_init(&zc, cal->tz);
	hw = from; /* as in lq_calendar_between(): each instant once */
	/* From the day before: an autumn overlap at midnight can put the end
	 * of the previous local day after from. */
	day = local_day(cal, from) - 1;
	last = local_day(cal, to);
	if (last - day > WALK_DAYS)
		last = day + WALK_DAYS;
	for (; day <= last; day++) {
		int n = day_intervals(cal, &zc, day, s, e);

		for (int i = 0; i < n; i++) {
			lq_time lo = s[i] > hw ? s[i] : hw;
			lq_time hi = e[i] < to ? e[i] : to;

			if (hi > lo && cb(ctx, lo, hi) != 0)
				return;
			if (e[i] > hw)
				hw = e[i];
		}
	}
}
