#include "config.h"

#include <stdio.h>
#include <string.h>

#include "leadq/time.h"

/* Floor division and modulo: C rounds toward zero, calendars do not. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
int64_t lq_days_from_civil(int year, int month, int day)
{
	int64_t y = year;
	int64_t m = month;
	int64_t era, yoe, doy, doe;

	/* Months outside 1..12 roll into neighbouring years. */
	y += floor_div(m - 1, 12);
	m = floor_mod(m - 1, 12) + 1;
	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + (int64_t)day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void lq_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

void lq_time_to_civil(lq_time t, int32_t utc_offset, struct lq_civil *out)
{
	/* Split first, then shift the seconds of the day: no overflow near the
	 * ends of the range. */
	int64_t days = floor_div(t, LQ_DAY);
	int64_t secs = floor_mod(t, LQ_DAY) + utc_offset;

	days += floor_div(secs, LQ_DAY);
	secs = floor_mod(secs, LQ_DAY);
	lq_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
	out->wday = lq_weekday_from_days(days);
	out->yday = (int)(days - lq_days_from_civil(out->year, 1, 1));
}

lq_time lq_time_from_civil(const struct lq_civil *c, int32_t utc_offset)
{
	return lq_days_from_civil(c->year, c->month, c->day) * LQ_DAY +
		(int64_t)c->hour * 3600 + (int64_t)c->minute * 60 + c->second - utc_offset;
}

char *lq_time_format(lq_time t, int32_t utc_offset, char buf[LQ_RFC3339_SIZE])
{
	struct lq_civil c;
	/* RFC 3339 offsets have no seconds (LMT has): shown in whole minutes,
	 * with the wall time to match, so the text is still the same instant. */
	int32_t off_min = utc_offset / 60;
	int32_t abs_min = off_min < 0 ? -off_min : off_min;

	if (t == LQ_TIME_NONE) {
		buf[0] = '\0';
		return buf;
	}
	lq_time_to_civil(t, off_min * 60, &c);
	if (off_min == 0)
		snprintf(buf, LQ_RFC3339_SIZE, "%04d-%02d-%02dT%02d:%02d:%02dZ",
			 c.year, c.month, c.day, c.hour, c.minute, c.second);
	else
		snprintf(buf, LQ_RFC3339_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
			 c.year, c.month, c.day, c.hour, c.minute, c.second,
			 off_min < 0 ? '-' : '+', (int)(abs_min / 60), (int)(abs_min % 60));
	return buf;
}

/* Exactly n ASCII digits. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char ch = (*p)[i];

		if (ch < '0' || ch > '9')
			return false;
		v = v * 10 + (ch - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, char a, char b)
{
	if (**p != a && **p != b)
		return false;
	(*p)++;
	return true;
}

static int days_in_month(int year, int month)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : len[month - 1];
}

bool lq_time_parse(const char *text, lq_time *out)
{
	const char *p = text;
	struct lq_civil c;
	int off_h = 0, off_m = 0, sign = 0;

	if (!p)
		return false;
	memset(&c, 0, sizeof(c));
	if (!digits(&p, 4, &c.year) || !expect(&p, '-', '-') ||
	    !digits(&p, 2, &c.month) || !expect(&p, '-', '-') ||
	    !digits(&p, 2, &c.day) || !expect(&p, 'T', 't') ||
	    !digits(&p, 2, &c.hour) || !expect(&p, ':', ':') ||
	    !digits(&p, 2, &c.minute) || !expect(&p, ':', ':') ||
	    !digits(&p, 2, &c.second))
		return false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (!digits(&p, 2, &off_h) || !expect(&p, ':', ':') || !digits(&p, 2, &off_m))
			return false;
	} else {
		return false;
	}
	if (*p != '\0')
		return false;
	/* A leap second (:60) is allowed by RFC 3339; POSIX time folds it into
	 * the next second. */
	if (c.month < 1 || c.month > 12 || c.day < 1 ||
	    c.day > days_in_month(c.year, c.month) || c.hour > 23 ||
	    c.minute > 59 || c.second > 60 || off_h > 23 || off_m > 59)
		return false;
	*out = lq_time_from_civil(&c, sign * (off_h * 3600 + off_m * 60));
	return true;
}

char *lq_duration_format(lq_time seconds, char *buf, size_t size)
{
	/* Magnitude as unsigned: -INT64_MIN does not fit in lq_time. */
	uint64_t mag = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;
	const char *sign = seconds < 0 ? "-" : "";
	unsigned long long d = mag / 86400, h = mag / 3600 % 24;
	unsigned long long m = mag / 60 % 60, s = mag % 60;

	if (!buf || size == 0)
		return buf;
	if (d > 0)
		snprintf(buf, size, "%s%llud %lluh", sign, d, h);
	else if (h > 0)
		snprintf(buf, size, "%s%lluh %02llum", sign, h, m);
	else if (m > 0)
		snprintf(buf, size, "%s%llum %02llus", sign, m, s);
	else
		snprintf(buf, size, "%s%llus", sign, s);
	return buf;
}

int lq_weekday_from_days(int64_t days)
{
	return (int)floor_mod(days + 4, 7);   /* 1970-01-01 was a Thursday */
}

/* Digits [min, max] of text at *p into *out; advances *p. */
static bool read_number(const char **p, int min_digits, int max_digits, int *out)
{
	int n = 0, v = 0;

	while (n < max_digits && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n >= min_digits;
}

bool lq_civil_parse_wall(const char *text, const struct lq_civil *now, struct lq_civil *out)
{
	const char *p = text + strspn(text, " \t");
	bool dated = strlen(p) >= 10 && p[4] == '-';
	struct lq_civil c;
	int64_t days;
	int y, m, d;

	memset(&c, 0, sizeof c);
	if (dated) {
		if (!read_number(&p, 4, 4, &c.year) || *p++ != '-' ||
		    !read_number(&p, 1, 2, &c.month) || *p++ != '-' ||
		    !read_number(&p, 1, 2, &c.day) || (*p != ' ' && *p != 'T'))
			return false;
		p++;
	} else {
		c.year = now->year;
		c.month = now->month;
		c.day = now->day;
	}
	if (!read_number(&p, 1, 2, &c.hour) || *p++ != ':' || !read_number(&p, 2, 2, &c.minute))
		return false;
	p += strspn(p, " \t\n");
	if (*p || c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31 || c.hour > 23 ||
	    c.minute > 59)
		return false;
	days = lq_days_from_civil(c.year, c.month, c.day);
	lq_civil_from_days(days, &y, &m, &d);
	if (y != c.year || m != c.month || d != c.day)
		return false;   /* no 31 April */
	if (!dated && c.hour * 60 + c.minute <= now->hour * 60 + now->minute)
		lq_civil_from_days(days + 1, &c.year, &c.month, &c.day);
	*out = c;
	return true;
}
