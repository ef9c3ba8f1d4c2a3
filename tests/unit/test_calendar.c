#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "leadq/calendar.h"
#include "leadq/time.h"
#include "leadq/tz.h"

#define ZONEINFO "/usr/share/zoneinfo/"

static struct lq_tz *madrid, *new_york, *utc;

/* Zone files are read here with stdio: the core does no I/O. */
static struct lq_tz *load_zone(const char *name)
{
	char path[256];
	static unsigned char buf[1 << 16];
	struct lq_tz *tz = NULL;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), ZONEINFO "%s", name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (lq_tz_parse(name, buf, len, &tz) != LQ_TZ_OK)
		return NULL;
	return tz;
}

static int setup(void **state)
{
	(void)state;
	madrid = load_zone("Europe/Madrid");
	new_york = load_zone("America/New_York");
	utc = lq_tz_fixed("UTC", 0);
	return madrid && new_york && utc ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	lq_tz_free(&madrid);
	lq_tz_free(&new_york);
	lq_tz_free(&utc);
	return 0;
}

static lq_time T(const char *rfc3339)
{
	lq_time t = 0;

	if (!lq_time_parse(rfc3339, &t))
		fail_msg("bad time in test: %s", rfc3339);
	return t;
}

/* A local wall time in the calendar's zone. */
static lq_time L(const struct lq_calendar *cal, int y, int mo, int d, int h, int mi)
{
	struct lq_civil c = { .year = y, .month = mo, .day = d, .hour = h, .minute = mi };

	return lq_tz_from_local(cal->tz, &c);
}

/* Short names: the tests read as tables. */
static lq_time add(const struct lq_calendar *cal, lq_time start, lq_time secs)
{
	return lq_calendar_add(cal, start, secs);
}

static lq_time between(const struct lq_calendar *cal, lq_time a, lq_time b)
{
	return lq_calendar_between(cal, a, b);
}

static lq_time add_days(const struct lq_calendar *cal, lq_time start, int days)
{
	return lq_calendar_add_days(cal, start, days);
}

#define H LQ_HOUR

#define assert_time(got, want) assert_time_(got, want, __LINE__)
static void assert_time_(lq_time got, lq_time want, int line)
{
	char a[LQ_RFC3339_SIZE], b[LQ_RFC3339_SIZE];

	if (got != want)
		fail_msg("line %d: got %s (%lld), expected %s (%lld)", line,
			 lq_time_format(got, 0, a), (long long)got,
			 lq_time_format(want, 0, b), (long long)want);
}

static void cal_with(struct lq_calendar *cal, const struct lq_tz *tz, const char *hours,
		     const char *holidays)
{
	char err[128];

	lq_calendar_default(cal, tz);
	if (hours && !lq_calendar_parse_hours(cal, hours, err, sizeof(err)))
		fail_msg("hours '%s': %s", hours, err);
	if (holidays && !lq_calendar_parse_holidays(cal, holidays, err, sizeof(err)))
		fail_msg("holidays '%s': %s", holidays, err);
}

/* ---- parsing ----------------------------------------------------------- */

static void test_default(void **state)
{
	struct lq_calendar cal;

	(void)state;
	memset(&cal, 0x5a, sizeof(cal));
	lq_calendar_default(&cal, madrid);
	assert_ptr_equal(cal.tz, madrid);
	assert_int_equal(cal.nholidays, 0);
	assert_int_equal(cal.nshifts[0], 0);
	assert_int_equal(cal.nshifts[6], 0);
	for (int d = 1; d <= 5; d++) {
		assert_int_equal(cal.nshifts[d], 2);
		assert_int_equal(cal.week[d][0].start_min, 540);
		assert_int_equal(cal.week[d][0].end_min, 840);
		assert_int_equal(cal.week[d][1].start_min, 900);
		assert_int_equal(cal.week[d][1].end_min, 1080);
	}
}

static void test_parse_hours(void **state)
{
	struct lq_calendar cal;
	char err[128] = "";

	(void)state;
	lq_calendar_default(&cal, madrid);
	assert_true(lq_calendar_parse_holidays(&cal, "2026-12-25", err, sizeof(err)));
	assert_true(lq_calendar_parse_hours(&cal, "mon-fri 09:00-14:00,15:00-18:00; sat 10:00-13:00",
					    err, sizeof(err)));
	assert_ptr_equal(cal.tz, madrid);      /* zone and holidays are kept */
	assert_int_equal(cal.nholidays, 1);
	assert_int_equal(cal.nshifts[0], 0);
	assert_int_equal(cal.nshifts[5], 2);
	assert_int_equal(cal.nshifts[6], 1);
	assert_int_equal(cal.week[6][0].start_min, 600);
	assert_int_equal(cal.week[6][0].end_min, 780);

	assert_true(lq_calendar_parse_hours(&cal, "mon-sun 00:00-24:00", err, sizeof(err)));
	for (int d = 0; d < 7; d++) {
		assert_int_equal(cal.nshifts[d], 1);
		assert_int_equal(cal.week[d][0].start_min, 0);
		assert_int_equal(cal.week[d][0].end_min, 1440);
	}
	/* Lists, case, single-digit hours, spaces, a trailing ';', groups that
	 * add to the same day in any order. */
	assert_true(lq_calendar_parse_hours(&cal, "  MON,Wed 15:00-18:00 , 9:00-14:00 ;wed 20:00-21:00;",
					    err, sizeof(err)));
	assert_int_equal(cal.nshifts[1], 2);
	assert_int_equal(cal.week[1][0].start_min, 540);
	assert_int_equal(cal.week[1][1].start_min, 900);
	assert_int_equal(cal.nshifts[2], 0);
	assert_int_equal(cal.nshifts[3], 3);
	assert_int_equal(cal.week[3][2].start_min, 1200);
	/* Touching shifts are not overlapping. */
	assert_true(lq_calendar_parse_hours(&cal, "sat-sun 08:00-12:00,12:00-16:00", err, sizeof(err)));
	assert_int_equal(cal.nshifts[0], 2);
	assert_int_equal(cal.nshifts[1], 0);
}

#define parse_fails(spec, msg) parse_fails_(spec, msg, __LINE__)
static void parse_fails_(const char *spec, const char *msg, int line)
{
	struct lq_calendar cal, before;
	char err[160];

	lq_calendar_default(&cal, madrid);
	before = cal;
	snprintf(err, sizeof(err), "untouched");
	if (lq_calendar_parse_hours(&cal, spec, err, sizeof(err)))
		fail_msg("line %d: accepted '%s'", line, spec);
	if (strcmp(err, msg) != 0)
		fail_msg("line %d: '%s' gave \"%s\", expected \"%s\"", line, spec, err, msg);
	assert_memory_equal(&cal, &before, sizeof(cal)); /* unchanged on error */
}

static void test_parse_hours_errors(void **state)
{
	char small[12];
	struct lq_calendar cal;

	(void)state;
	parse_fails("mon-fri 9-14", "at 'mon-fri 9-14': expected HH:MM");
	parse_fails("mon-fri 09:00-18:00; sat 10-13", "at 'sat 10-13': expected HH:MM");
	parse_fails("fri-mon 09:00-10:00",
		"at 'fri-mon 09:00-10:00': day ranges run mon..sun and do not wrap");
	parse_fails("xyz 09:00-10:00", "at 'xyz 09:00-10:00': expected a day (mon..sun)");
	parse_fails("monday 09:00-10:00", "at 'monday 09:00-10:00': expected a day (mon..sun)");
	parse_fails("mon-xx 09:00-10:00", "at 'mon-xx 09:00-10:00': expected a day (mon..sun)");
	parse_fails("mon 10:00-09:00", "at 'mon 10:00-09:00': a shift must end after it starts");
	parse_fails("mon 10:00-10:00", "at 'mon 10:00-10:00': a shift must end after it starts");
	parse_fails("mon 09:00-12:00,11:00-13:00",
		"at 'mon 09:00-12:00,11:00-13:00': shifts overlap");
	parse_fails("mon-fri 09:00-12:00; wed 11:00-13:00", "at 'wed 11:00-13:00': shifts overlap");
	parse_fails("mon 08:00-09:00,10:00-11:00,12:00-13:00,14:00-15:00,16:00-17:00",
		    "at 'mon 08:00-09:00,10:00-11:00,12:00-13:00,14:00-15:00,16:00-17...': more than 4 shifts in a day");
	parse_fails("mon 08:00-09:00,10:00-11:00; mon 12:00-13:00,14:00-15:00; mon 16:00-17:00",
		    "at 'mon 16:00-17:00': more than 4 shifts in a day");
	parse_fails("mon 24:00-24:00", "at 'mon 24:00-24:00': expected HH:MM");
	parse_fails("mon 09:00-24:30", "at 'mon 09:00-24:30': expected HH:MM");
	parse_fails("mon 09:00-25:00", "at 'mon 09:00-25:00': expected HH:MM");
	parse_fails("mon 09:60-10:00", "at 'mon 09:60-10:00': expected HH:MM");
	parse_fails("mon 009:00-10:00", "at 'mon 009:00-10:00': expected HH:MM");
	parse_fails("mon 09:000-10:00", "at 'mon 09:000-10:00': expected HH:MM");
	parse_fails("mon 09:00", "at 'mon 09:00': expected '-' between start and end");
	parse_fails("mon 09:00-10:00 x", "at 'mon 09:00-10:00 x': unexpected text after the hours");
	parse_fails("mon 09:00-10:00,", "at 'mon 09:00-10:00,': expected HH:MM");
	parse_fails("mon", "at 'mon': expected a space and hours after the days");
	parse_fails("mon09:00-10:00",
		"at 'mon09:00-10:00': expected a space and hours after the days");
	parse_fails("", "at '': no opening hours");
	parse_fails(" ; ;", "at ' ; ;': no opening hours");
	/* Short buffers truncate; a NULL buffer is fine. */
	lq_calendar_default(&cal, madrid);
	assert_false(lq_calendar_parse_hours(&cal, "mon-fri 9-14", small, sizeof(small)));
	assert_string_equal(small, "at 'mon-fri");
	assert_false(lq_calendar_parse_hours(&cal, "mon-fri 9-14", NULL, 0));
	assert_false(lq_calendar_parse_hours(&cal, NULL, small, sizeof(small)));
}

static void test_parse_holidays(void **state)
{
	struct lq_calendar cal;
	char err[128], spec[64 * 11 + 16];

	(void)state;
	lq_calendar_default(&cal, madrid);
	assert_true(lq_calendar_parse_holidays(&cal, "2027-01-01, 2026-12-25 2026-01-06,2026-12-25",
					       err, sizeof(err)));
	assert_int_equal(cal.nholidays, 3);
	assert_int_equal(cal.holidays[0], lq_days_from_civil(2026, 1, 6));
	assert_int_equal(cal.holidays[1], lq_days_from_civil(2026, 12, 25));
	assert_int_equal(cal.holidays[2], lq_days_from_civil(2027, 1, 1));
	assert_int_equal(cal.nshifts[1], 2); /* hours are kept */
	assert_true(lq_calendar_parse_holidays(&cal, "2024-02-29", err, sizeof(err)));
	assert_int_equal(cal.nholidays, 1);
	assert_true(lq_calendar_parse_holidays(&cal, "", err, sizeof(err)));
	assert_int_equal(cal.nholidays, 0);

	assert_true(lq_calendar_parse_holidays(&cal, "2026-05-01", err, sizeof(err)));
	assert_false(lq_calendar_parse_holidays(&cal, "2026-12-25,2026-02-30", err, sizeof(err)));
	assert_string_equal(err, "at '2026-02-30': expected a date YYYY-MM-DD");
	assert_int_equal(cal.nholidays, 1); /* unchanged on error */
	assert_false(lq_calendar_parse_holidays(&cal, "2026-13-01", err, sizeof(err)));
	assert_string_equal(err, "at '2026-13-01': expected a date YYYY-MM-DD");
	assert_false(lq_calendar_parse_holidays(&cal, "2025-02-29", err, sizeof(err)));
	assert_false(lq_calendar_parse_holidays(&cal, "26-12-25", err, sizeof(err)));
	assert_string_equal(err, "at '26-12-25': expected a date YYYY-MM-DD");
	assert_false(lq_calendar_parse_holidays(&cal, "2026-12-25x", err, sizeof(err)));
	assert_false(lq_calendar_parse_holidays(&cal, "2026-12-25;2026-12-26", err, sizeof(err)));
	assert_false(lq_calendar_parse_holidays(&cal, "2026/12/25", err, sizeof(err)));
	assert_false(lq_calendar_parse_holidays(&cal, "2026-12-00", err, sizeof(err)));
	assert_int_equal(cal.nholidays, 1);

	/* 64 fit, 65 do not. */
	spec[0] = '\0';
	for (int i = 0; i < 64; i++) {
		char one[16];
		int y, m, d;

		lq_civil_from_days(lq_days_from_civil(2026, 1, 1) + i, &y, &m, &d);
		snprintf(one, sizeof(one), "%s%04d-%02d-%02d", i ? "," : "", y, m, d);
		memcpy(spec + strlen(spec), one, strlen(one) + 1);
	}
	assert_true(lq_calendar_parse_holidays(&cal, spec, err, sizeof(err)));
	assert_int_equal(cal.nholidays, 64);
	memcpy(spec + strlen(spec), ",2027-01-01", sizeof(",2027-01-01"));
	assert_false(lq_calendar_parse_holidays(&cal, spec, err, sizeof(err)));
	assert_string_equal(err, "at '2027-01-01': more than 64 holidays");
}

/* ---- business time ----------------------------------------------------- */

/* 2026-03-02 is a Monday. */
static void test_add_basic(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, NULL, NULL);
	/* inside a shift */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 10, 0), 2 * H), L(&cal, 2026, 3, 2, 12, 0));
	/* ends exactly at the end of a shift */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 12, 0), 2 * H), L(&cal, 2026, 3, 2, 14, 0));
	/* across lunch */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 13, 0), 2 * H), L(&cal, 2026, 3, 2, 16, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 13, 59), 2 * H), L(&cal, 2026, 3, 2, 16, 59));
	/* across the night */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 17, 0), 2 * H), L(&cal, 2026, 3, 3, 10, 0));
	/* across a weekend */
	assert_time(add(&cal, L(&cal, 2026, 3, 6, 17, 30), 2 * H), L(&cal, 2026, 3, 9, 10, 30));
	/* a whole business week is 40 h */
	assert_time(add(&cal, L(&cal, 2026, 3, 4, 11, 0), 40 * H), L(&cal, 2026, 3, 11, 11, 0));
	/* one second */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 13, 59) + 59, 1), L(&cal, 2026, 3, 2, 14, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 13, 59) + 59, 2), L(&cal, 2026, 3, 2, 15, 0) + 1);
}

static void test_add_outside_hours(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, NULL, NULL);
	/* The clock starts at the next opening. */
	assert_time(add(&cal, L(&cal, 2026, 3, 7, 11, 0), 2 * H), L(&cal, 2026, 3, 9, 11, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 7, 0), 2 * H), L(&cal, 2026, 3, 2, 11, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 22, 0), 2 * H), L(&cal, 2026, 3, 3, 11, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 14, 30), 30 * LQ_MINUTE),
		L(&cal, 2026, 3, 2, 15, 30));
	/* zero seconds: the next opening, or start itself when open */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 7, 0), 0), L(&cal, 2026, 3, 2, 9, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 9, 0), 0), L(&cal, 2026, 3, 2, 9, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 10, 0), 0), L(&cal, 2026, 3, 2, 10, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 14, 0), 0), L(&cal, 2026, 3, 2, 15, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 6, 18, 0), 0), L(&cal, 2026, 3, 9, 9, 0));
	/* negative durations count as zero */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 7, 0), -500), L(&cal, 2026, 3, 2, 9, 0));
	assert_time(add(&cal, LQ_TIME_NONE, 60), LQ_TIME_NONE);
}

static void test_add_holidays(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, NULL, "2026-03-03,2026-03-09");
	/* Monday evening, Tuesday is a holiday: Wednesday. */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 17, 0), 2 * H), L(&cal, 2026, 3, 4, 10, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 3, 10, 0), 0), L(&cal, 2026, 3, 4, 9, 0));
	/* Friday evening, Monday is a holiday: Tuesday. */
	assert_time(add(&cal, L(&cal, 2026, 3, 6, 17, 30), 2 * H), L(&cal, 2026, 3, 10, 10, 30));
	/* 40 h from Monday 2 March: two holidays in the way (Tue 3, Mon 9). */
	assert_time(add(&cal, L(&cal, 2026, 3, 2, 9, 0), 40 * H), L(&cal, 2026, 3, 10, 18, 0));
	assert_false(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 3, 10, 0)));
	assert_true(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 4, 10, 0)));
}

static void test_is_open(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, NULL, NULL);
	assert_false(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 2, 9, 0) - 1));
	assert_true(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 2, 9, 0)));
	assert_true(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 2, 14, 0) - 1));
	assert_false(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 2, 14, 0)));
	assert_false(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 2, 15, 0) - 1));
	assert_true(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 2, 15, 0)));
	assert_false(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 2, 18, 0)));
	assert_false(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 7, 12, 0)));
	assert_false(lq_calendar_is_open(&cal, LQ_TIME_NONE));
	/* The zone matters: 09:00 Madrid is 08:00 UTC in winter. */
	assert_true(lq_calendar_is_open(&cal, T("2026-03-02T08:00:00Z")));
	assert_false(lq_calendar_is_open(&cal, T("2026-03-02T07:59:59Z")));
	cal_with(&cal, madrid, "mon-sun 00:00-24:00", NULL);
	assert_true(lq_calendar_is_open(&cal, L(&cal, 2026, 3, 29, 0, 0)));
	assert_true(lq_calendar_is_open(&cal, L(&cal, 2026, 10, 25, 2, 30) + LQ_HOUR));
}

static void test_no_hours(void **state)
{
	struct lq_calendar cal;

	(void)state;
	memset(&cal, 0, sizeof(cal));
	cal.tz = madrid;
	assert_time(add(&cal, T("2026-03-02T08:00:00Z"), 60), LQ_TIME_NONE);
	assert_time(add(&cal, T("2026-03-02T08:00:00Z"), 0), LQ_TIME_NONE);
	assert_time(add_days(&cal, T("2026-03-02T08:00:00Z"), 1), LQ_TIME_NONE);
	assert_int_equal(between(&cal, T("2026-03-02T08:00:00Z"), T("2026-04-02T08:00:00Z")), 0);
	assert_false(lq_calendar_is_open(&cal, T("2026-03-02T08:00:00Z")));
}

/* More than 20 years of business time: NONE, and quickly. */
static void test_bounded_walk(void **state)
{
	struct lq_calendar cal;
	lq_time start = T("2026-03-02T08:00:00Z");

	(void)state;
	cal_with(&cal, madrid, "mon 09:00-10:00", NULL);
	/* the 988th Monday from 2 March 2026 (2 March + 987 weeks) */
	assert_time(add(&cal, start, 19 * 52 * H), L(&cal, 2045, 1, 30, 10, 0));
	assert_time(add(&cal, start, 25 * 53 * H), LQ_TIME_NONE);
	assert_time(add(&cal, start, INT64_MAX), LQ_TIME_NONE);
	assert_time(add(&cal, INT64_MAX, 1), LQ_TIME_NONE);
	cal_with(&cal, madrid, NULL, NULL);
	assert_time(add(&cal, start, INT64_MAX / 2), LQ_TIME_NONE);
	assert_time(add_days(&cal, start, 1000000), LQ_TIME_NONE);
}

/* ---- DST --------------------------------------------------------------- */

static void test_dst_days_24h(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, "mon-sun 00:00-24:00", NULL);
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 28, 0, 0), L(&cal, 2026, 3, 29, 0, 0)),
		24 * H);
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 29, 0, 0), L(&cal, 2026, 3, 30, 0, 0)),
		23 * H);
	assert_int_equal(between(&cal, L(&cal, 2026, 10, 25, 0, 0), L(&cal, 2026, 10, 26, 0, 0)),
		25 * H);
	/* the whole week of the change: 7 * 24 - 1 */
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 23, 0, 0), L(&cal, 2026, 3, 30, 0, 0)),
		167 * H);
	assert_int_equal(between(&cal, L(&cal, 2026, 10, 19, 0, 0), L(&cal, 2026, 10, 26, 0, 0)),
		169 * H);
	/* a year: 365 * 24 hours, the two changes cancel */
	assert_int_equal(between(&cal, L(&cal, 2026, 1, 1, 0, 0), L(&cal, 2027, 1, 1, 0, 0)),
		365 * 24 * H);
	/* add walks the real 23- and 25-hour days */
	assert_time(add(&cal, L(&cal, 2026, 3, 28, 0, 0), 48 * H), L(&cal, 2026, 3, 30, 1, 0));
	assert_time(add(&cal, L(&cal, 2026, 10, 24, 0, 0), 48 * H), L(&cal, 2026, 10, 25, 23, 0));
	assert_time(add(&cal, L(&cal, 2026, 3, 29, 0, 0), 23 * H), L(&cal, 2026, 3, 30, 0, 0));
	assert_time(add(&cal, L(&cal, 2026, 10, 25, 0, 0), 25 * H), L(&cal, 2026, 10, 26, 0, 0));
	/* add_days ends at the real end of the day */
	assert_time(add_days(&cal, L(&cal, 2026, 3, 29, 12, 0), 0), T("2026-03-29T22:00:00Z"));
	assert_time(add_days(&cal, L(&cal, 2026, 10, 25, 12, 0), 0), T("2026-10-25T23:00:00Z"));

	cal_with(&cal, new_york, "mon-sun 00:00-24:00", NULL);
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 8, 0, 0), L(&cal, 2026, 3, 9, 0, 0)),
		23 * H);
	assert_int_equal(between(&cal, L(&cal, 2026, 11, 1, 0, 0), L(&cal, 2026, 11, 2, 0, 0)),
		25 * H);
	assert_int_equal(between(&cal, L(&cal, 2026, 11, 2, 0, 0), L(&cal, 2026, 11, 3, 0, 0)),
		24 * H);
	assert_time(add(&cal, L(&cal, 2026, 3, 7, 12, 0), 36 * H), L(&cal, 2026, 3, 9, 1, 0));
	/* 2040, from the footer rule */
	assert_int_equal(between(&cal, L(&cal, 2040, 3, 11, 0, 0), L(&cal, 2040, 3, 12, 0, 0)),
		23 * H);
}

/* A shift that spans the change has its real length. */
static void test_dst_shift(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, "sun 01:00-04:00", NULL);
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 28, 0, 0), L(&cal, 2026, 3, 30, 0, 0)),
		2 * H);
	assert_int_equal(between(&cal, L(&cal, 2026, 10, 24, 0, 0), L(&cal, 2026, 10, 26, 0, 0)),
		4 * H);
	assert_int_equal(between(&cal, L(&cal, 2026, 4, 4, 0, 0), L(&cal, 2026, 4, 6, 0, 0)),
		3 * H);
	/* 90 minutes from the opening on the short day: 03:30 CEST */
	assert_time(add(&cal, L(&cal, 2026, 3, 29, 0, 0), 90 * LQ_MINUTE),
		T("2026-03-29T01:30:00Z"));
	/* 3.5 hours on the long day: 03:30 CET */
	assert_time(add(&cal, L(&cal, 2026, 10, 25, 0, 0), 210 * LQ_MINUTE),
		T("2026-10-25T02:30:00Z"));
	/* a shift that ends inside the gap ends after the next one starts:
	 * the overlap counts once (00:00 CET .. 24:00 CEST is 23 h) */
	cal_with(&cal, madrid, "sun 00:00-02:30,03:00-24:00", NULL);
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 28, 0, 0), L(&cal, 2026, 3, 30, 0, 0)),
		23 * H);
	assert_time(add(&cal, L(&cal, 2026, 3, 29, 0, 0), 23 * H), T("2026-03-29T22:00:00Z"));
	assert_time(add(&cal, L(&cal, 2026, 3, 29, 0, 0), 3 * H), T("2026-03-29T02:00:00Z"));
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 29, 0, 0), T("2026-03-29T02:00:00Z")),
		3 * H);
	/* a shift wholly inside the gap has no time at all */
	cal_with(&cal, madrid, "sun 02:00-03:00; mon 09:00-10:00", NULL);
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 28, 0, 0), L(&cal, 2026, 3, 30, 0, 0)), 0);
	assert_time(add(&cal, L(&cal, 2026, 3, 29, 0, 0), 0), L(&cal, 2026, 3, 30, 9, 0));
}

static void test_dst_week_default_calendar(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, NULL, NULL);
	/* Friday before the change, 17:00 CET + 2 h = Monday 10:00 CEST */
	assert_time(add(&cal, L(&cal, 2026, 3, 27, 17, 0), 2 * H), T("2026-03-30T08:00:00Z"));
	assert_int_equal(between(&cal, L(&cal, 2026, 3, 23, 0, 0), L(&cal, 2026, 4, 6, 0, 0)),
		80 * H);
	cal_with(&cal, new_york, NULL, NULL);
	assert_time(add(&cal, L(&cal, 2026, 10, 30, 17, 0), 2 * H), T("2026-11-02T15:00:00Z"));
	assert_time(add(&cal, L(&cal, 2026, 10, 30, 17, 0), 2 * H),
		    L(&cal, 2026, 11, 2, 10, 0));
}

/* ---- between() and add() against each other and against brute force ---- */

static uint32_t rng = 2463534242u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void test_between_inverse_of_add(void **state)
{
	struct lq_calendar cals[3];
	lq_time base = T("2025-12-01T00:00:00Z");

	(void)state;
	cal_with(&cals[0], madrid, NULL, "2026-01-01,2026-01-06,2026-04-03,2026-12-08,2026-12-25");
	cal_with(&cals[1], new_york, "mon-fri 08:30-12:00,13:00-17:30; sat 10:00-13:00",
		 "2026-07-03,2026-11-26,2026-12-25");
	cal_with(&cals[2], madrid, "mon-sun 00:00-24:00", NULL);
	for (int c = 0; c < 3; c++) {
		const struct lq_calendar *cal = &cals[c];

		for (int i = 0; i < 1500; i++) {
			lq_time start = base + (lq_time)(next_rand() % (400 * 86400));
			lq_time secs = (lq_time)(next_rand() % (i % 3 == 0 ? 60 * 3600 : 600 * 3600));
			lq_time end = add(cal, start, secs);

			assert_true(end >= start);
			assert_int_equal(between(cal, start, end), secs);
			assert_int_equal(between(cal, end, start), -secs);
			if (secs > 0)
				assert_true(lq_calendar_is_open(cal, end - 1));
			/* add of a between lands back on an open instant */
			if (lq_calendar_is_open(cal, end))
				assert_time(add(cal, start, between(cal, start, end)), end);
		}
	}
	assert_int_equal(between(&cals[0], base, base), 0);
	assert_int_equal(between(&cals[0], LQ_TIME_NONE, base), 0);
}

/* A long add (weeks skipped whole) equals the same time added in pieces. */
static void test_long_add_in_pieces(void **state)
{
	struct lq_calendar cals[2];

	(void)state;
	cal_with(&cals[0], madrid, NULL,
		"2026-01-01,2026-01-06,2026-04-03,2026-08-14,2026-12-08,2026-12-25,2027-01-01");
	cal_with(&cals[1], new_york, "mon-sun 00:00-24:00", NULL);
	for (int c = 0; c < 2; c++) {
		const struct lq_calendar *cal = &cals[c];

		for (int k = 0; k < 20; k++) {
			lq_time start = T("2025-11-03T00:00:00Z") + (lq_time)(next_rand() % (90 * 86400));
			lq_time piece = 3600 + (lq_time)(next_rand() % (20 * 3600));
			lq_time t = start;

			for (int n = 1; n <= 120; n++) {
				t = add(cal, t, piece);
				assert_time(add(cal, start, piece * n), t);
			}
		}
	}
}

/* between() summed minute by minute with is_open(). */
static void test_between_brute_force(void **state)
{
	struct lq_calendar cal;
	static const char *starts[] = { "2026-03-20T10:17:00Z", "2026-10-20T00:00:00Z",
					"2026-12-20T13:00:00Z", "2026-03-02T08:00:00Z" };

	(void)state;
	cal_with(&cal, madrid, "mon-fri 08:00-14:00,15:00-19:30; sat 10:00-14:00; sun 01:30-03:30",
		 "2026-03-24,2026-10-29,2026-12-25,2027-01-01");
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		lq_time a = T(starts[i]), sum = 0;
		lq_time b = a + 16 * LQ_DAY;

		for (lq_time t = a; t < b; t += 60)
			sum += lq_calendar_is_open(&cal, t) ? 60 : 0;
		assert_int_equal(between(&cal, a, b), sum);
	}
}

static void test_is_business_day(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, NULL, "2026-03-10");
	assert_true(lq_calendar_is_business_day(&cal, lq_days_from_civil(2026, 3, 9)));   /* Mon */
	assert_false(lq_calendar_is_business_day(&cal, lq_days_from_civil(2026, 3, 10))); /* holiday */
	assert_false(lq_calendar_is_business_day(&cal, lq_days_from_civil(2026, 3, 7)));  /* Sat */
	assert_true(lq_calendar_is_business_day(&cal, lq_days_from_civil(2026, 3, 11)));
}

static void test_add_days(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, madrid, NULL, "2026-03-10");
	/* Monday 2 March */
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 10, 0), 0), L(&cal, 2026, 3, 2, 18, 0));
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 7, 0), 0), L(&cal, 2026, 3, 2, 18, 0));
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 17, 59), 0), L(&cal, 2026, 3, 2, 18, 0));
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 10, 0), 1), L(&cal, 2026, 3, 3, 18, 0));
	/* the day is over: the next one is day 0 */
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 18, 0), 0), L(&cal, 2026, 3, 3, 18, 0));
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 23, 0), 1), L(&cal, 2026, 3, 4, 18, 0));
	/* weekends and the holiday do not count */
	assert_time(add_days(&cal, L(&cal, 2026, 3, 7, 10, 0), 0), L(&cal, 2026, 3, 9, 18, 0));
	assert_time(add_days(&cal, L(&cal, 2026, 3, 6, 10, 0), 1), L(&cal, 2026, 3, 9, 18, 0));
	assert_time(add_days(&cal, L(&cal, 2026, 3, 9, 10, 0), 1), L(&cal, 2026, 3, 11, 18, 0));
	/* ten business days from Monday 2 March: the holiday pushes it a day */
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 10, 0), 10), L(&cal, 2026, 3, 17, 18, 0));
	/* negative counts as zero */
	assert_time(add_days(&cal, L(&cal, 2026, 3, 2, 10, 0), -3), L(&cal, 2026, 3, 2, 18, 0));
	/* across the DST change: ends at 18:00 CEST */
	assert_time(add_days(&cal, L(&cal, 2026, 3, 27, 10, 0), 1), T("2026-03-30T16:00:00Z"));
	assert_time(add_days(&cal, LQ_TIME_NONE, 1), LQ_TIME_NONE);
}

/* UTC and a zone with an ordinary week: the week skip must not drift. */
static void test_utc_long(void **state)
{
	struct lq_calendar cal;

	(void)state;
	cal_with(&cal, utc, NULL, NULL);
	/* 52 weeks of 40 h from a Monday 09:00 */
	assert_time(add(&cal, T("2026-01-05T09:00:00Z"), 52 * 40 * H), T("2027-01-01T18:00:00Z"));
	assert_time(add(&cal, T("2026-01-05T09:00:00Z"), 52 * 40 * H + 1),
		T("2027-01-04T09:00:01Z"));
	assert_int_equal(between(&cal, T("2026-01-05T00:00:00Z"), T("2027-01-04T00:00:00Z")),
		52 * 40 * H);
}

/* lq_calendar_each_open: the open intervals, clipped, in order, each
 * instant once; and the same total as lq_calendar_between(). */
struct spans {
	lq_time s[64], e[64];
	int n, stop_after;
};

static int span_cb(void *ctx, lq_time start, lq_time end)
{
	struct spans *sp = ctx;

	if (sp->n < 64) {
		sp->s[sp->n] = start;
		sp->e[sp->n] = end;
	}
	sp->n++;
	return sp->stop_after && sp->n >= sp->stop_after;
}

static void test_each_open(void **state)
{
	struct lq_calendar cal;
	struct spans sp;
	lq_time sum = 0;

	(void)state;
	cal_with(&cal, madrid, NULL, "2026-03-03");
	/* Monday 2 March from 10:00 to Wednesday 4 at 16:00: Tuesday 3 is a
	 * holiday; the first shift is clipped, the last too. */
	memset(&sp, 0, sizeof sp);
	lq_calendar_each_open(&cal, L(&cal, 2026, 3, 2, 10, 0), L(&cal, 2026, 3, 4, 16, 0),
			      span_cb, &sp);
	assert_int_equal(sp.n, 4);
	assert_true(sp.s[0] == L(&cal, 2026, 3, 2, 10, 0) && sp.e[0] == L(&cal, 2026, 3, 2, 14, 0));
	assert_true(sp.s[1] == L(&cal, 2026, 3, 2, 15, 0) && sp.e[1] == L(&cal, 2026, 3, 2, 18, 0));
	assert_true(sp.s[2] == L(&cal, 2026, 3, 4, 9, 0) && sp.e[2] == L(&cal, 2026, 3, 4, 14, 0));
	assert_true(sp.s[3] == L(&cal, 2026, 3, 4, 15, 0) && sp.e[3] == L(&cal, 2026, 3, 4, 16, 0));
	/* Stopping early. */
	memset(&sp, 0, sizeof sp);
	sp.stop_after = 2;
	lq_calendar_each_open(&cal, L(&cal, 2026, 3, 2, 0, 0), L(&cal, 2026, 3, 9, 0, 0), span_cb,
			      &sp);
	assert_int_equal(sp.n, 2);
	/* The autumn night, open all day: each instant once, and the same
	 * total as lq_calendar_between() (a 25-hour day). */
	cal_with(&cal, madrid, "mon-sun 00:00-24:00", NULL);
	memset(&sp, 0, sizeof sp);
	lq_calendar_each_open(&cal, T("2026-10-24T22:00:00Z"), T("2026-10-25T23:00:00Z"), span_cb,
			      &sp);
	for (int i = 0; i < sp.n && i < 64; i++) {
		assert_true(sp.e[i] > sp.s[i]);
		if (i > 0)
			assert_true(sp.s[i] >= sp.e[i - 1]);
		sum += sp.e[i] - sp.s[i];
	}
	assert_true(sum == 25 * LQ_HOUR);
	assert_true(sum == lq_calendar_between(&cal, T("2026-10-24T22:00:00Z"),
					       T("2026-10-25T23:00:00Z")));
	/* Nothing for an empty or reversed range. */
	memset(&sp, 0, sizeof sp);
	lq_calendar_each_open(&cal, T("2026-10-25T10:00:00Z"), T("2026-10-25T10:00:00Z"), span_cb,
			      &sp);
	assert_int_equal(sp.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_parse_hours),
		cmocka_unit_test(test_parse_hours_errors),
		cmocka_unit_test(test_parse_holidays),
		cmocka_unit_test(test_add_basic),
		cmocka_unit_test(test_add_outside_hours),
		cmocka_unit_test(test_add_holidays),
		cmocka_unit_test(test_is_open),
		cmocka_unit_test(test_no_hours),
		cmocka_unit_test(test_bounded_walk),
		cmocka_unit_test(test_dst_days_24h),
		cmocka_unit_test(test_dst_shift),
		cmocka_unit_test(test_dst_week_default_calendar),
		cmocka_unit_test(test_between_inverse_of_add),
		cmocka_unit_test(test_long_add_in_pieces),
		cmocka_unit_test(test_between_brute_force),
		cmocka_unit_test(test_add_days),
		cmocka_unit_test(test_is_business_day),
		cmocka_unit_test(test_utc_long),
		cmocka_unit_test(test_each_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
