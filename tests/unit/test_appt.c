#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <libical/ical.h>

#include "leadq/appt.h"
#include "leadq/calendar.h"
#include "leadq/mem.h"
#include "leadq/time.h"
#include "leadq/tz.h"

static struct lq_tz *madrid, *mexico, *bogota;

static struct lq_tz *load_zone(const char *name)
{
	static unsigned char buf[1 << 16];
	char path[256];
	struct lq_tz *tz = NULL;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
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
	mexico = load_zone("America/Mexico_City");
	bogota = load_zone("America/Bogota");
	return madrid && mexico && bogota ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	lq_tz_free(&madrid);
	lq_tz_free(&mexico);
	lq_tz_free(&bogota);
	icalmemory_free_ring();
	return 0;
}

/* A Madrid wall time in 2026. */
static lq_time M(int mo, int d, int h, int mi)
{
	struct lq_civil c = { .year = 2026, .month = mo, .day = d, .hour = h, .minute = mi };

	return lq_tz_from_local(madrid, &c);
}

static lq_time T(const char *rfc3339)
{
	lq_time t = 0;

	if (!lq_time_parse(rfc3339, &t))
		fail_msg("bad time in test: %s", rfc3339);
	return t;
}

/* Madrid calendar with the given hours and holidays. */
static void make_cal(struct lq_calendar *cal, const char *hours, const char *holidays)
{
	char err[128];

	lq_calendar_default(cal, madrid);
	if (!lq_calendar_parse_hours(cal, hours, err, sizeof(err)))
		fail_msg("hours: %s", err);
	if (holidays && !lq_calendar_parse_holidays(cal, holidays, err, sizeof(err)))
		fail_msg("holidays: %s", err);
}

#define SPLIT "mon-fri 09:00-14:00,15:00-18:00"

/* Compares slots with expected starts; every slot must last `minutes`. */
#define check_slots(got, n, want, nwant, minutes) \
	check_slots_(got, n, want, nwant, minutes, __LINE__)
static void check_slots_(const struct lq_interval *got, size_t n, const lq_time *want,
			 size_t nwant, int minutes, int line)
{
	char a[LQ_RFC3339_SIZE], b[LQ_RFC3339_SIZE];

	if (n != nwant)
		fail_msg("line %d: %zu slots, expected %zu", line, n, nwant);
	for (size_t i = 0; i < n; i++) {
		if (got[i].start != want[i])
			fail_msg("line %d: slot %zu starts %s, expected %s", line, i,
				 lq_time_format(got[i].start, 0, a), lq_time_format(want[i], 0, b));
		if (got[i].end - got[i].start != (lq_time)minutes * 60)
			fail_msg("line %d: slot %zu lasts %lld s", line, i,
				 (long long)(got[i].end - got[i].start));
	}
}

/* ---- names, init, clear ------------------------------------------------ */

static void test_names(void **state)
{
	static const struct {
		int value;
		const char *wire;
	} modes[] = {
		{ LQ_APPT_PHONE, "phone" }, { LQ_APPT_VIDEO, "video" }, { LQ_APPT_VISIT, "visit" },
	}, statuses[] = {
		{ LQ_APPT_ST_PENDING, "pending" }, { LQ_APPT_ST_BOOKED, "booked" },
		{ LQ_APPT_ST_CANCELLED, "cancelled" },
	};

	(void)state;
	assert_int_equal(LQ_APPT_MODE_COUNT, 3);
	assert_int_equal(LQ_APPT_STATUS_COUNT, 3);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_string_equal(lq_appt_mode_wire(modes[i].value), modes[i].wire);
		assert_string_equal(lq_appt_mode_label(modes[i].value), modes[i].wire);
		assert_int_equal(lq_appt_mode_parse(modes[i].wire), modes[i].value);
	}
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		assert_string_equal(lq_appt_status_wire(statuses[i].value), statuses[i].wire);
		assert_string_equal(lq_appt_status_label(statuses[i].value), statuses[i].wire);
		assert_int_equal(lq_appt_status_parse(statuses[i].wire), statuses[i].value);
	}
	assert_null(lq_appt_mode_wire(LQ_APPT_MODE_COUNT));
	assert_null(lq_appt_mode_wire((enum lq_appt_mode)-1));
	assert_null(lq_appt_mode_label(LQ_APPT_MODE_COUNT));
	assert_null(lq_appt_status_wire(LQ_APPT_STATUS_COUNT));
	assert_null(lq_appt_status_wire((enum lq_appt_status)-1));
	assert_null(lq_appt_status_label(LQ_APPT_STATUS_COUNT));
	assert_int_equal(lq_appt_mode_parse(NULL), -1);
	assert_int_equal(lq_appt_mode_parse("Phone"), -1);
	assert_int_equal(lq_appt_mode_parse(""), -1);
	assert_int_equal(lq_appt_status_parse(NULL), -1);
	assert_int_equal(lq_appt_status_parse("canceled"), -1);
}

static void test_init_clear(void **state)
{
	struct lq_appt a;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	lq_appt_init(&a);
	assert_string_equal(a.id, "");
	assert_string_equal(a.lead_id, "");
	assert_string_equal(a.rep_id, "");
	assert_string_equal(a.booked_by, "");
	assert_string_equal(a.tz, "");
	assert_true(a.start == LQ_TIME_NONE);
	assert_true(a.end == LQ_TIME_NONE);
	assert_int_equal(a.mode, LQ_APPT_PHONE);
	assert_int_equal(a.status, LQ_APPT_ST_PENDING);
	assert_null(a.notes);
	assert_int_equal(a.version, 0);

	/* clear frees the notes (the sanitizer build sees a leak otherwise)
	 * and re-inits. */
	a.notes = lq_strdup("llamar después de las 10, José");
	assert_non_null(a.notes);
	a.status = LQ_APPT_ST_BOOKED;
	a.mode = LQ_APPT_VISIT;
	a.start = 100;
	a.version = 7;
	memcpy(a.tz, "Europe/Madrid", 14);
	lq_appt_clear(&a);
	assert_null(a.notes);
	assert_int_equal(a.status, LQ_APPT_ST_PENDING);
	assert_int_equal(a.mode, LQ_APPT_PHONE);
	assert_true(a.start == LQ_TIME_NONE);
	assert_int_equal(a.version, 0);
	assert_string_equal(a.tz, "");
	lq_appt_clear(&a); /* twice is fine */
	lq_appt_clear(NULL);
	lq_appt_init(NULL);
}

/* The notes' allocation failing leaves a record that clear handles. */
static void test_clear_after_alloc_failure(void **state)
{
	struct lq_appt a;

	(void)state;
	lq_appt_init(&a);
	lq_mem_fail_after(0);
	a.notes = lq_strdup("Zürich");
	lq_mem_fail_after(-1);
	assert_null(a.notes);
	lq_appt_clear(&a);
	assert_null(a.notes);

	lq_mem_fail_after(1);
	a.notes = lq_strdup("São Paulo");
	lq_mem_fail_after(-1);
	assert_string_equal(a.notes, "São Paulo");
	lq_appt_clear(&a);
	assert_null(a.notes);
}

/* ---- overlaps --------------------------------------------------------- */

static void test_overlaps(void **state)
{
	/* busy: 10:00-10:30 and 12:00-13:00 (minutes) */
	static const struct lq_interval busy[] = { { 600, 630 }, { 720, 780 } };
	static const struct {
		lq_time start, end;
		bool want;
		const char *what;
	} cases[] = {
		{ 500, 560, false, "before" },
		{ 800, 900, false, "after" },
		{ 570, 600, false, "touching the start" },
		{ 630, 660, false, "touching the end" },
		{ 630, 720, false, "between, touching both" },
		{ 605, 625, true, "inside" },
		{ 600, 630, true, "the same" },
		{ 590, 640, true, "containing" },
		{ 590, 601, true, "partial at the start" },
		{ 629, 700, true, "partial at the end" },
		{ 700, 721, true, "partial, the second" },
		{ 0, 10000, true, "containing both" },
		{ 610, 610, false, "empty interval" },
		{ 640, 600, false, "reversed interval" },
		{ LQ_TIME_NONE, 700, false, "no start" },
	};
	static const struct lq_interval odd[] = {
		{ 650, 640 },            /* reversed: holds no time */
		{ LQ_TIME_NONE, 700 },   /* no start: holds no time */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = lq_appt_overlaps(cases[i].start, cases[i].end, busy, 2);

		if (got != cases[i].want)
			fail_msg("%s: got %d", cases[i].what, got);
	}
	assert_false(lq_appt_overlaps(600, 630, NULL, 0));
	assert_false(lq_appt_overlaps(600, 630, busy, 0));
	assert_false(lq_appt_overlaps(600, 630, NULL, 3));
	assert_false(lq_appt_overlaps(600, 700, odd, 2));
	assert_true(lq_appt_overlaps(600, 700, busy, 1));
}

/* ---- free/busy -------------------------------------------------------- */

static void day_slots(lq_time *want, size_t *n, int mo, int d, const int *hm, size_t count)
{
	for (size_t i = 0; i < count; i++)
		want[(*n)++] = M(mo, d, hm[i] / 100, hm[i] % 100);
}

static const int normal_day[] = { 900, 930, 1000, 1030, 1100, 1130, 1200, 1230, 1300,
				  1500, 1530, 1600, 1630, 1700 };
#define NORMAL_DAY_COUNT (sizeof(normal_day) / sizeof(normal_day[0]))

static void test_slots_normal_day(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	lq_time want[64];
	size_t n, nwant = 0;

	(void)state;
	make_cal(&cal, SPLIT, NULL);
	/* Tuesday 10 March 2026 */
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 30, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	day_slots(want, &nwant, 3, 10, normal_day, NORMAL_DAY_COUNT);
	check_slots(out, n, want, nwant, 60);
	assert_true(out[0].start == T("2026-03-10T08:00:00Z"));

	/* 30-minute slots every 30: 10 in the morning, 6 after lunch. */
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 30, 30, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	assert_int_equal(n, 16);
	assert_true(out[9].start == M(3, 10, 13, 30));
	assert_true(out[10].start == M(3, 10, 15, 0));
	assert_true(out[15].end == M(3, 10, 18, 0));

	/* A range that cuts into the hours: starts are on the grid, slots
	 * end by `to`. */
	n = lq_freebusy_slots(&cal, M(3, 10, 10, 10), M(3, 10, 12, 0), 60, 30, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	nwant = 0;
	day_slots(want, &nwant, 3, 10, (const int[]){ 1030, 1100 }, 2);
	check_slots(out, n, want, nwant, 60);
}

static void test_slots_grid(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	lq_time want[64];
	size_t n, nwant = 0;

	(void)state;
	make_cal(&cal, SPLIT, NULL);
	/* Step 45 from midnight: 09:00 is 12 x 45; 30-minute slots. */
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 30, 45, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	day_slots(want, &nwant, 3, 10,
		  (const int[]){ 900, 945, 1030, 1115, 1200, 1245, 1330, 1500, 1545, 1630, 1715 },
		  11);
	check_slots(out, n, want, nwant, 30);

	/* Step 25: the grid is 09:10, 09:35, … (not the shift's start). */
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 25, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	nwant = 0;
	day_slots(want, &nwant, 3, 10,
		  (const int[]){ 910, 935, 1000, 1025, 1050, 1115, 1140, 1205, 1230, 1255,
				 1500, 1525, 1550, 1615, 1640 }, 15);
	check_slots(out, n, want, nwant, 60);

	/* A whole shift as one slot; one longer than any shift fits nowhere. */
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 300, 60, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	nwant = 0;
	day_slots(want, &nwant, 3, 10, (const int[]){ 900 }, 1);
	check_slots(out, n, want, nwant, 300);
	assert_int_equal(lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 301, 1,
					   LQ_TIME_NONE, NULL, 0, out, 64), 0);
}

static void test_slots_busy(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	lq_time want[64];
	size_t n, nwant = 0;
	/* Unsorted and overlapping: together 09:00-09:30, 10:15-11:45 and
	 * 16:00-16:30, plus noise that must not matter. */
	const struct lq_interval busy[] = {
		{ M(3, 10, 16, 0), M(3, 10, 16, 30) },
		{ M(3, 10, 10, 45), M(3, 10, 11, 45) },
		{ M(3, 11, 9, 0), M(3, 11, 18, 0) },     /* the next day */
		{ M(3, 10, 9, 0), M(3, 10, 9, 30) },
		{ M(3, 10, 12, 0), M(3, 10, 11, 0) },    /* reversed: no time */
		{ M(3, 10, 10, 15), M(3, 10, 11, 0) },
		{ M(3, 10, 14, 0), M(3, 10, 15, 0) },    /* lunch, touching both */
	};

	(void)state;
	make_cal(&cal, SPLIT, NULL);
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 30, LQ_TIME_NONE,
			      busy, sizeof(busy) / sizeof(busy[0]), out, 64);
	day_slots(want, &nwant, 3, 10, (const int[]){ 1200, 1230, 1300, 1500, 1630, 1700 }, 6);
	check_slots(out, n, want, nwant, 60);
	for (size_t i = 0; i < n; i++)
		assert_false(lq_appt_overlaps(out[i].start, out[i].end, busy,
					      sizeof(busy) / sizeof(busy[0])));

	/* The next day is busy throughout. */
	assert_int_equal(lq_freebusy_slots(&cal, M(3, 11, 0, 0), M(3, 12, 0, 0), 60, 30,
					   LQ_TIME_NONE, busy, sizeof(busy) / sizeof(busy[0]),
					   out, 64), 0);
}

static void test_slots_holiday_weekend(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	lq_time want[64];
	size_t n, nwant = 0;

	(void)state;
	/* Tuesday 10 March a holiday: Monday..Wednesday gives Monday and
	 * Wednesday only. */
	make_cal(&cal, SPLIT, "2026-03-10");
	n = lq_freebusy_slots(&cal, M(3, 9, 0, 0), M(3, 12, 0, 0), 60, 30, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	day_slots(want, &nwant, 3, 9, normal_day, NORMAL_DAY_COUNT);
	day_slots(want, &nwant, 3, 11, normal_day, NORMAL_DAY_COUNT);
	check_slots(out, n, want, nwant, 60);

	/* Friday 13 March 17:00 to Monday 16 March 10:00: the weekend has
	 * none; Monday's 09:00 slot ends right at `to`. */
	make_cal(&cal, SPLIT, NULL);
	n = lq_freebusy_slots(&cal, M(3, 13, 17, 0), M(3, 16, 10, 0), 60, 30, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	nwant = 0;
	day_slots(want, &nwant, 3, 13, (const int[]){ 1700 }, 1);
	day_slots(want, &nwant, 3, 16, (const int[]){ 900 }, 1);
	check_slots(out, n, want, nwant, 60);
	assert_int_equal(lq_freebusy_slots(&cal, M(3, 14, 0, 0), M(3, 16, 0, 0), 60, 30,
					   LQ_TIME_NONE, NULL, 0, out, 64), 0);
}

static void test_slots_not_before_and_max(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	lq_time want[64];
	size_t n, nwant = 0;

	(void)state;
	make_cal(&cal, SPLIT, NULL);
	/* Now + notice is 10:10: the first slot is 10:30. */
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 30, M(3, 10, 10, 10),
			      NULL, 0, out, 64);
	day_slots(want, &nwant, 3, 10, normal_day + 3, NORMAL_DAY_COUNT - 3);
	check_slots(out, n, want, nwant, 60);
	/* not_before exactly on a slot keeps it; after the day, nothing. */
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 30, M(3, 10, 15, 0),
			      NULL, 0, out, 64);
	assert_int_equal(n, 5);
	assert_true(out[0].start == M(3, 10, 15, 0));
	assert_int_equal(lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 30,
					   M(3, 10, 17, 1), NULL, 0, out, 64), 0);

	/* max cuts what is written, not what is counted. */
	memset(out, 0x77, sizeof(out));
	n = lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 30, LQ_TIME_NONE,
			      NULL, 0, out, 3);
	assert_int_equal(n, NORMAL_DAY_COUNT);
	nwant = 0;
	day_slots(want, &nwant, 3, 10, normal_day, 3);
	check_slots(out, 3, want, nwant, 60);
	assert_true(out[3].start == (lq_time)0x7777777777777777LL);
	/* Counting only. */
	assert_int_equal(lq_freebusy_slots(&cal, M(3, 10, 0, 0), M(3, 11, 0, 0), 60, 30,
					   LQ_TIME_NONE, NULL, 0, NULL, 0), NORMAL_DAY_COUNT);
	/* A week: 5 days of 14 slots. */
	assert_int_equal(lq_freebusy_slots(&cal, M(3, 9, 0, 0), M(3, 16, 0, 0), 60, 30,
					   LQ_TIME_NONE, NULL, 0, out, 0), 5 * NORMAL_DAY_COUNT);
}

static void test_slots_bad_input(void **state)
{
	struct lq_calendar cal, closed;
	struct lq_interval out[8];
	lq_time a = M(3, 10, 0, 0), b = M(3, 11, 0, 0);

	(void)state;
	make_cal(&cal, SPLIT, NULL);
	closed = cal;
	memset(closed.nshifts, 0, sizeof(closed.nshifts));
	assert_int_equal(lq_freebusy_slots(&closed, a, b, 60, 30, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&closed, a, a + 400 * LQ_DAY, 60, 30, LQ_TIME_NONE,
					   NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(NULL, a, b, 60, 30, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, a, b, 0, 30, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, a, b, 1441, 30, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, a, b, 60, 0, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, a, b, 60, 1441, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, b, a, 60, 30, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, a, a, 60, 30, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, LQ_TIME_NONE, b, 60, 30, LQ_TIME_NONE,
					   NULL, 0, out, 8), 0);
	assert_int_equal(lq_freebusy_slots(&cal, a, LQ_TIME_NONE, 60, 30, LQ_TIME_NONE,
					   NULL, 0, out, 8), 0);
	/* The limits themselves are fine: step 1440 gives midnight only. */
	assert_int_equal(lq_freebusy_slots(&cal, a, b, 1, 1, LQ_TIME_NONE, NULL, 0, NULL, 0),
			 8 * 60);
	assert_int_equal(lq_freebusy_slots(&cal, a, b, 60, 1440, LQ_TIME_NONE, NULL, 0, out, 8), 0);
	/* Extreme ranges are cut to what a walk covers and do not overflow
	 * (the sanitizer build checks); a year has 52 or 53 weeks of 5 days. */
	assert_true(lq_freebusy_slots(&cal, -INT64_MAX, INT64_MAX, 60, 30, LQ_TIME_NONE,
				      NULL, 0, NULL, 0) > 0);
	assert_true(lq_freebusy_slots(&cal, a, INT64_MAX, 60, 30, INT64_MAX - 1,
				      NULL, 0, NULL, 0) == 0);
	{
		size_t year = lq_freebusy_slots(&cal, M(1, 1, 0, 0),
						M(1, 1, 0, 0) + 365 * LQ_DAY, 60, 30,
						LQ_TIME_NONE, NULL, 0, NULL, 0);

		assert_int_equal(year, 261 * NORMAL_DAY_COUNT); /* 2026: 261 weekdays */
	}
	/* A calendar without a zone is in UTC. */
	{
		struct lq_calendar utc = cal;

		utc.tz = NULL;
		assert_int_equal(lq_freebusy_slots(&utc, T("2026-03-10T00:00:00Z"),
						   T("2026-03-11T00:00:00Z"), 60, 30, LQ_TIME_NONE,
						   NULL, 0, out, 8), NORMAL_DAY_COUNT);
		assert_true(out[0].start == T("2026-03-10T09:00:00Z"));
	}
	/* Busy NULL with a count is no busy. */
	assert_int_equal(lq_freebusy_slots(&cal, a, b, 60, 30, LQ_TIME_NONE, NULL, 5, out, 8),
			 NORMAL_DAY_COUNT);
}

static void test_slots_spring_forward(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	size_t n;
	/* Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.  The shift
	 * 01:00-05:00 is three real hours, 00:00Z-03:00Z. */
	const lq_time want60[] = {
		T("2026-03-29T00:00:00Z"), /* 01:00 CET */
		T("2026-03-29T00:30:00Z"), /* 01:30 CET, ends 03:30 CEST */
		T("2026-03-29T01:00:00Z"), /* 03:00 CEST */
		T("2026-03-29T01:30:00Z"), /* 03:30 CEST */
		T("2026-03-29T02:00:00Z"), /* 04:00 CEST */
	};
	const lq_time want30[] = {
		T("2026-03-29T00:00:00Z"), T("2026-03-29T00:30:00Z"), T("2026-03-29T01:00:00Z"),
		T("2026-03-29T01:30:00Z"), T("2026-03-29T02:00:00Z"), T("2026-03-29T02:30:00Z"),
	};

	(void)state;
	make_cal(&cal, "sun 01:00-05:00", NULL);
	n = lq_freebusy_slots(&cal, T("2026-03-28T00:00:00Z"), T("2026-03-30T00:00:00Z"), 60, 30,
			      LQ_TIME_NONE, NULL, 0, out, 64);
	check_slots(out, n, want60, sizeof(want60) / sizeof(want60[0]), 60);
	n = lq_freebusy_slots(&cal, T("2026-03-28T00:00:00Z"), T("2026-03-30T00:00:00Z"), 30, 30,
			      LQ_TIME_NONE, NULL, 0, out, 64);
	check_slots(out, n, want30, sizeof(want30) / sizeof(want30[0]), 30);
	for (size_t i = 0; i < n; i++) {
		struct lq_civil c;

		lq_tz_to_local(madrid, out[i].start, &c);
		assert_int_not_equal(c.hour, 2); /* the hour that does not exist */
		assert_int_equal(c.minute % 30, 0);
		assert_int_equal(c.second, 0);
	}
	/* 15-minute steps: still none from 02:00 to 02:59. */
	n = lq_freebusy_slots(&cal, T("2026-03-28T00:00:00Z"), T("2026-03-30T00:00:00Z"), 15, 15,
			      LQ_TIME_NONE, NULL, 0, out, 64);
	assert_int_equal(n, 12);
	assert_true(out[3].start == T("2026-03-29T00:45:00Z"));  /* 01:45 CET */
	assert_true(out[4].start == T("2026-03-29T01:00:00Z"));  /* 03:00 CEST */

	/* Step 40 does not divide the hour the clock jumps: the grid is
	 * 01:20, (02:00, 02:40 missing), 03:20, 04:00, 04:40 of wall time. */
	{
		const lq_time want40[] = {
			T("2026-03-29T00:20:00Z"), T("2026-03-29T01:20:00Z"),
			T("2026-03-29T02:00:00Z"), T("2026-03-29T02:40:00Z"),
		};

		n = lq_freebusy_slots(&cal, T("2026-03-28T00:00:00Z"), T("2026-03-30T00:00:00Z"),
				      20, 40, LQ_TIME_NONE, NULL, 0, out, 64);
		check_slots(out, n, want40, sizeof(want40) / sizeof(want40[0]), 20);
	}
}

static void test_slots_fall_back(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	size_t n;
	/* Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET, the hour from
	 * 02:00 happens twice and each time is free.  01:00-05:00 is five
	 * real hours, 23:00Z-04:00Z. */
	const lq_time want[] = {
		T("2026-10-24T23:00:00Z"), /* 01:00 CEST */
		T("2026-10-24T23:30:00Z"), /* 01:30 CEST */
		T("2026-10-25T00:00:00Z"), /* 02:00 CEST */
		T("2026-10-25T00:30:00Z"), /* 02:30 CEST */
		T("2026-10-25T01:00:00Z"), /* 02:00 CET */
		T("2026-10-25T01:30:00Z"), /* 02:30 CET */
		T("2026-10-25T02:00:00Z"), /* 03:00 CET */
		T("2026-10-25T02:30:00Z"), /* 03:30 CET */
		T("2026-10-25T03:00:00Z"), /* 04:00 CET, ends 05:00 */
	};
	static const int hours[] = { 1, 1, 2, 2, 2, 2, 3, 3, 4 };

	(void)state;
	make_cal(&cal, "sun 01:00-05:00", NULL);
	n = lq_freebusy_slots(&cal, T("2026-10-24T00:00:00Z"), T("2026-10-26T00:00:00Z"), 60, 30,
			      LQ_TIME_NONE, NULL, 0, out, 64);
	check_slots(out, n, want, sizeof(want) / sizeof(want[0]), 60);
	for (size_t i = 0; i < n; i++) {
		struct lq_civil c;

		lq_tz_to_local(madrid, out[i].start, &c);
		assert_int_equal(c.hour, hours[i]);
		assert_int_equal(c.minute, i % 2 ? 30 : 0);
		assert_int_equal(c.day, 25);
	}
	/* The first 02:00 booked: the second is still offered. */
	{
		const struct lq_interval busy[] = { { T("2026-10-25T00:00:00Z"),
						      T("2026-10-25T01:00:00Z") } };

		n = lq_freebusy_slots(&cal, T("2026-10-24T00:00:00Z"), T("2026-10-26T00:00:00Z"),
				      60, 60, LQ_TIME_NONE, busy, 1, out, 64);
		assert_int_equal(n, 4); /* 01:00 CEST, 02:00 CET, 03:00, 04:00 */
		assert_true(out[0].start == T("2026-10-24T23:00:00Z"));
		assert_true(out[1].start == T("2026-10-25T01:00:00Z"));
		assert_true(out[3].start == T("2026-10-25T03:00:00Z"));
	}
	/* Weekday hours keep their local times across the change: Friday
	 * 09:00 CEST is 07:00Z, Monday 09:00 CET is 08:00Z. */
	make_cal(&cal, SPLIT, NULL);
	n = lq_freebusy_slots(&cal, T("2026-10-23T00:00:00Z"), T("2026-10-27T00:00:00Z"), 60, 60,
			      LQ_TIME_NONE, NULL, 0, out, 64);
	assert_int_equal(n, 16);
	assert_true(out[0].start == T("2026-10-23T07:00:00Z"));
	assert_true(out[8].start == T("2026-10-26T08:00:00Z"));
}

/* The rep's hours are in Madrid; the agent (Bogotá) and the lead (Mexico
 * City) see the same instants at their own wall times. */
static void test_slots_three_zones(void **state)
{
	struct lq_calendar cal;
	struct lq_interval out[64];
	size_t n;
	static const struct {
		int madrid_day, madrid_h;
		int mx_day, mx_h;
		int bo_day, bo_h;
	} want[] = {
		/* Friday 27 March: CET, Madrid is UTC+1, Mexico -6, Bogotá -5 */
		{ 27, 9, 27, 2, 27, 3 },
		{ 27, 13, 27, 6, 27, 7 },
		{ 27, 15, 27, 8, 27, 9 },
		{ 27, 17, 27, 10, 27, 11 },
		/* Monday 30 March: CEST, Madrid is UTC+2 */
		{ 30, 9, 30, 1, 30, 2 },
		{ 30, 13, 30, 5, 30, 6 },
		{ 30, 15, 30, 7, 30, 8 },
		{ 30, 17, 30, 9, 30, 10 },
	};

	(void)state;
	make_cal(&cal, "mon-fri 09:00-10:00,13:00-14:00,15:00-16:00,17:00-18:00", NULL);
	n = lq_freebusy_slots(&cal, M(3, 27, 0, 0), M(3, 31, 0, 0), 60, 30, LQ_TIME_NONE,
			      NULL, 0, out, 64);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		struct lq_civil md, mx, bo;

		lq_tz_to_local(madrid, out[i].start, &md);
		lq_tz_to_local(mexico, out[i].start, &mx);
		lq_tz_to_local(bogota, out[i].start, &bo);
		if (md.day != want[i].madrid_day || md.hour != want[i].madrid_h ||
		    mx.day != want[i].mx_day || mx.hour != want[i].mx_h ||
		    bo.day != want[i].bo_day || bo.hour != want[i].bo_h ||
		    md.minute != 0 || mx.minute != 0 || bo.minute != 0)
			fail_msg("slot %zu: Madrid %d %02d:%02d, Mexico %d %02d:%02d, "
				 "Bogotá %d %02d:%02d", i, md.day, md.hour, md.minute, mx.day,
				 mx.hour, mx.minute, bo.day, bo.hour, bo.minute);
		assert_int_equal(mx.month, 3);
		assert_int_equal(bo.month, 3);
	}
	/* And back: 02:00 in Mexico City and 03:00 in Bogotá are the rep's
	 * 09:00 on Friday 27 March. */
	assert_true(out[0].start == M(3, 27, 9, 0));
	{
		struct lq_civil c = { .year = 2026, .month = 3, .day = 27, .hour = 2 };

		assert_true(lq_tz_from_local(mexico, &c) == out[0].start);
		c.hour = 3;
		assert_true(lq_tz_from_local(bogota, &c) == out[0].start);
	}
}

/* ---- iCalendar ---------------------------------------------------------- */

static void fill_appt(struct lq_appt *a, const char *id, lq_time start, lq_time end,
		      enum lq_appt_status st, enum lq_appt_mode mode, int64_t version)
{
	lq_appt_init(a);
	snprintf(a->id, sizeof(a->id), "%s", id);
	snprintf(a->tz, sizeof(a->tz), "%s", "America/Mexico_City");
	a->start = start;
	a->end = end;
	a->status = st;
	a->mode = mode;
	a->version = version;
}

/* Every physical line ends with CRLF and has at most 75 octets; a fold
 * never leaves a UTF-8 character split.  Returns the number of folds. */
static int check_lines(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	int folds = 0;

	while (*s) {
		const unsigned char *eol = (const unsigned char *)strstr((const char *)s, "\r\n");
		size_t len;

		if (!eol)
			fail_msg("a line without CRLF: '%s'", (const char *)s);
		len = (size_t)(eol - s);
		if (len > 75)
			fail_msg("a line of %zu octets: '%.*s'", len, (int)len, (const char *)s);
		if (memchr(s, '\n', len) || memchr(s, '\r', len))
			fail_msg("a bare CR or LF in '%.*s'", (int)len, (const char *)s);
		if (eol[2] == ' ') {
			folds++;
			/* The continuation must not start inside a character... */
			if ((eol[3] & 0xC0) == 0x80)
				fail_msg("a fold splits a UTF-8 character after '%.*s'", (int)len,
					 (const char *)s);
		}
		/* ...and the line must not end with the first bytes of one. */
		for (size_t k = 1; k <= 3 && k <= len; k++) {
			unsigned char c = eol[-(ptrdiff_t)k];

			if ((c & 0xC0) == 0x80)
				continue;
			if (c >= 0xC0) {
				size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

				if (need > k)
					fail_msg("a line ends inside a UTF-8 character: '%.*s'",
						 (int)len, (const char *)s);
			}
			break;
		}
		s = eol + 2;
	}
	return folds;
}

static const char *x_prop(icalcomponent *c, const char *name)
{
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
		if (strcmp(icalproperty_get_x_name(p), name) == 0)
			return icalproperty_get_x(p);
	}
	return NULL;
}

static icalcomponent *parse_ok(const char *text)
{
	icalcomponent *cal = icalparser_parse_string(text);

	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(icalcomponent_count_errors(cal), 0);
	return cal;
}

static const char long_description[] =
	"Llamar a José Núñez (Grupo Zürich, São Paulo) 🚀 para la demo; "
	"tel. +34 600 000 000, ext. 12\n"
	"Notas: quiere precios, plazos y soporte; prefiere mañanas, después de las 10.\n"
	"Ruta: C:\\clientes\\núñez; emoji 😀🎉👍 y más: ñ, ü, ß, 漢字, Ελληνικά.\n"
	"Fin.";

static void test_ics_parse(void **state)
{
	struct lq_appt a[3];
	struct lq_ics_event ev[3];
	icalcomponent *cal, *ve;
	char *text;
	int count = 0;

	(void)state;
	assert_true(strlen(long_description) > 200);
	fill_appt(&a[0], "0f8fad5b-d9cb-469f-a165-70867728950e", T("2027-01-04T09:00:00Z"),
		  T("2027-01-04T09:30:00Z"), LQ_APPT_ST_BOOKED, LQ_APPT_VISIT, 3);
	fill_appt(&a[1], "7c9e6679-7425-40de-944b-e07fc1f90ae7", T("2027-01-05T15:00:00Z"),
		  T("2027-01-05T16:00:00Z"), LQ_APPT_ST_PENDING, LQ_APPT_PHONE, 1);
	fill_appt(&a[2], "16fd2706-8baf-433b-82eb-8c7fada847da", T("2027-01-06T17:15:00Z"),
		  T("2027-01-06T17:45:00Z"), LQ_APPT_ST_CANCELLED, LQ_APPT_VIDEO, 12);
	ev[0] = (struct lq_ics_event){ &a[0], "Visita: José Núñez (Grupo Zürich)", long_description,
				       "Bahnhofstrasse 1, 8001 Zürich; 3º piso", T("2027-01-01T10:00:00Z") };
	ev[1] = (struct lq_ics_event){ &a[1], "pending, never shown", NULL, NULL,
				       T("2027-01-01T10:00:00Z") };
	ev[2] = (struct lq_ics_event){ &a[2], "Vídeo: Ana Ñ", "corta", NULL,
				       T("2027-01-01T10:00:00Z") };

	text = lq_ics_write("Citas de José, Núñez; equipo", ev, 3);
	assert_non_null(text);
	assert_true(check_lines(text) > 0);
	assert_null(strstr(text, "pending, never shown"));
	assert_non_null(strstr(text, "\r\nDTSTART:20270104T090000Z\r\n"));
	assert_non_null(strstr(text, "\r\nDTEND:20270104T093000Z\r\n"));

	cal = parse_ok(text);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 2);
	assert_string_equal(icalproperty_get_version(
				    icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY)),
			    "2.0");
	assert_string_equal(icalproperty_get_prodid(
				    icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY)),
			    "-//leadq//leadq//EN");
	assert_int_equal(icalcomponent_get_method(cal), ICAL_METHOD_PUBLISH);
	assert_non_null(x_prop(cal, "X-WR-CALNAME"));
	assert_string_equal(x_prop(cal, "X-WR-CALNAME"), "Citas de José, Núñez; equipo");

	for (ve = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ve;
	     ve = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const struct lq_appt *want = count == 0 ? &a[0] : &a[2];
		const struct lq_ics_event *e = count == 0 ? &ev[0] : &ev[2];
		struct icaltimetype ds = icalcomponent_get_dtstart(ve);
		struct icaltimetype de = icalcomponent_get_dtend(ve);
		struct icaltimetype stamp = icalcomponent_get_dtstamp(ve);
		char uid[64];

		snprintf(uid, sizeof(uid), "%s@leadq", want->id);
		assert_string_equal(icalcomponent_get_uid(ve), uid);
		assert_true(icaltime_is_utc(ds));
		assert_true(icaltime_is_utc(de));
		assert_true((lq_time)icaltime_as_timet(ds) == want->start);
		assert_true((lq_time)icaltime_as_timet(de) == want->end);
		assert_true((lq_time)icaltime_as_timet(stamp) == T("2027-01-01T10:00:00Z"));
		assert_string_equal(icalcomponent_get_summary(ve), e->summary);
		assert_string_equal(icalcomponent_get_description(ve), e->description);
		if (e->location)
			assert_string_equal(icalcomponent_get_location(ve), e->location);
		else
			assert_null(icalcomponent_get_first_property(ve, ICAL_LOCATION_PROPERTY));
		assert_int_equal(icalcomponent_get_status(ve),
				 count == 0 ? ICAL_STATUS_CONFIRMED : ICAL_STATUS_CANCELLED);
		assert_int_equal(icalcomponent_get_sequence(ve), (int)want->version);
		assert_string_equal(x_prop(ve, "X-LEADQ-TZ"), "America/Mexico_City");
		assert_string_equal(x_prop(ve, "X-LEADQ-MODE"), count == 0 ? "visit" : "video");
		count++;
	}
	assert_int_equal(count, 2);
	icalcomponent_free(cal);
	lq_free(text);
}

/* The exact text of a small calendar. */
static void test_ics_exact(void **state)
{
	struct lq_appt a;
	struct lq_ics_event ev;
	char *text;
	static const char want[] =
		"BEGIN:VCALENDAR\r\n"
		"VERSION:2.0\r\n"
		"PRODID:-//leadq//leadq//EN\r\n"
		"CALSCALE:GREGORIAN\r\n"
		"METHOD:PUBLISH\r\n"
		"BEGIN:VEVENT\r\n"
		"UID:0f8fad5b-d9cb-469f-a165-70867728950e@leadq\r\n"
		"DTSTAMP:20261231T235959Z\r\n"
		"DTSTART:20270104T090000Z\r\n"
		"DTEND:20270104T093000Z\r\n"
		"SUMMARY:a\\\\b\\;c\\,d\\ne\\nf\r\n"
		"STATUS:CONFIRMED\r\n"
		"SEQUENCE:42\r\n"
		"X-LEADQ-TZ:Europe/Madrid\r\n"
		"X-LEADQ-MODE:phone\r\n"
		"END:VEVENT\r\n"
		"END:VCALENDAR\r\n";

	(void)state;
	fill_appt(&a, "0f8fad5b-d9cb-469f-a165-70867728950e", T("2027-01-04T09:00:00Z"),
		  T("2027-01-04T09:30:00Z"), LQ_APPT_ST_BOOKED, LQ_APPT_PHONE, 42);
	snprintf(a.tz, sizeof(a.tz), "Europe/Madrid");
	ev = (struct lq_ics_event){ &a, "a\\b;c,d\ne\r\nf", NULL, NULL, T("2026-12-31T23:59:59Z") };
	text = lq_ics_write(NULL, &ev, 1);
	assert_non_null(text);
	assert_string_equal(text, want);
	lq_free(text);

	/* No events, and an empty name, give an empty calendar. */
	text = lq_ics_write("", NULL, 0);
	assert_non_null(text);
	assert_string_equal(text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//leadq//leadq//EN\r\n"
			    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n");
	lq_free(text);
}

/* Folding at every offset: whatever ASCII prefix pushes a multi-byte
 * character across column 75, the lines stay whole and libical reads the
 * same text back. */
static void test_ics_folding(void **state)
{
	static const char *const fillers[] = { "é", "€", "😀", "\\", ",", "a" };
	struct lq_appt a;
	struct lq_ics_event ev;
	char desc[1024], summary[512];

	(void)state;
	fill_appt(&a, "0f8fad5b-d9cb-469f-a165-70867728950e", T("2027-01-04T09:00:00Z"),
		  T("2027-01-04T09:30:00Z"), LQ_APPT_ST_BOOKED, LQ_APPT_PHONE, 1);
	for (size_t f = 0; f < sizeof(fillers) / sizeof(fillers[0]); f++) {
		for (int pad = 0; pad < 6; pad++) {
			icalcomponent *cal, *ve;
			size_t len = 0;
			char *text;

			for (int i = 0; i < pad; i++)
				desc[len++] = 'x';
			while (len + 8 < 400) {
				memcpy(desc + len, fillers[f], strlen(fillers[f]));
				len += strlen(fillers[f]);
			}
			desc[len] = '\0';
			snprintf(summary, sizeof(summary), "%.*sJosé Núñez, Zürich 😀 %s",
				 pad, "yyyyy", desc + pad);
			ev = (struct lq_ics_event){ &a, summary, desc, desc, T("2027-01-01T00:00:00Z") };
			text = lq_ics_write(desc, &ev, 1);
			assert_non_null(text);
			assert_true(check_lines(text) >= 15);
			cal = parse_ok(text);
			ve = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
			assert_non_null(ve);
			assert_string_equal(icalcomponent_get_description(ve), desc);
			assert_string_equal(icalcomponent_get_location(ve), desc);
			assert_string_equal(icalcomponent_get_summary(ve), summary);
			assert_string_equal(x_prop(cal, "X-WR-CALNAME"), desc);
			icalcomponent_free(cal);
			lq_free(text);
		}
	}
}

static void test_ics_bad_input(void **state)
{
	struct lq_appt a[4];
	struct lq_ics_event ev[5];
	char *text;

	(void)state;
	fill_appt(&a[0], "0f8fad5b-d9cb-469f-a165-70867728950e", T("2027-01-04T09:00:00Z"),
		  T("2027-01-04T09:30:00Z"), LQ_APPT_ST_BOOKED, LQ_APPT_PHONE, -5);
	/* no times: left out */
	fill_appt(&a[1], "7c9e6679-7425-40de-944b-e07fc1f90ae7", LQ_TIME_NONE, LQ_TIME_NONE,
		  LQ_APPT_ST_BOOKED, LQ_APPT_PHONE, 1);
	/* ends before it starts: left out */
	fill_appt(&a[2], "16fd2706-8baf-433b-82eb-8c7fada847da", T("2027-01-04T10:00:00Z"),
		  T("2027-01-04T09:00:00Z"), LQ_APPT_ST_BOOKED, LQ_APPT_PHONE, 1);
	/* a status out of range: left out */
	fill_appt(&a[3], "6ba7b810-9dad-41d1-80b4-00c04fd430c8", T("2027-01-04T10:00:00Z"),
		  T("2027-01-04T11:00:00Z"), (enum lq_appt_status)9, (enum lq_appt_mode)9, 1);
	/* Invalid UTF-8 becomes U+FFFD, control characters go, tabs stay. */
	ev[0] = (struct lq_ics_event){ &a[0], "bad \xC3\x28 \xFF\xFE end\x01\x7F\tok", NULL, NULL,
				       LQ_TIME_NONE };
	ev[1] = (struct lq_ics_event){ &a[1], "x", NULL, NULL, 0 };
	ev[2] = (struct lq_ics_event){ &a[2], "x", NULL, NULL, 0 };
	ev[3] = (struct lq_ics_event){ &a[3], "x", NULL, NULL, 0 };
	ev[4] = (struct lq_ics_event){ NULL, "x", NULL, NULL, 0 };
	text = lq_ics_write(NULL, ev, 5);
	assert_non_null(text);
	check_lines(text);
	assert_null(strstr(text, "X-WR-CALNAME"));
	assert_non_null(strstr(text, "\r\nSUMMARY:bad \xEF\xBF\xBD( \xEF\xBF\xBD\xEF\xBF\xBD end\tok\r\n"));
	/* DTSTAMP falls back to the start; SEQUENCE is never negative. */
	assert_non_null(strstr(text, "\r\nDTSTAMP:20270104T090000Z\r\n"));
	assert_non_null(strstr(text, "\r\nSEQUENCE:0\r\n"));
	{
		icalcomponent *cal = parse_ok(text);

		assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1);
		icalcomponent_free(cal);
	}
	lq_free(text);
}

/* Every allocation failing in turn gives NULL and leaks nothing (the
 * sanitizer build checks the leaks). */
static void test_ics_alloc_failure(void **state)
{
	struct lq_appt a[6];
	struct lq_ics_event ev[6];
	char *full, *text = NULL;
	long k;

	(void)state;
	for (int i = 0; i < 6; i++) {
		fill_appt(&a[i], "0f8fad5b-d9cb-469f-a165-70867728950e",
			  T("2027-01-04T09:00:00Z") + i * LQ_DAY, T("2027-01-04T09:30:00Z") + i * LQ_DAY,
			  i % 2 ? LQ_APPT_ST_CANCELLED : LQ_APPT_ST_BOOKED, LQ_APPT_VISIT, i);
		ev[i] = (struct lq_ics_event){ &a[i], "José Núñez", long_description,
					       i % 2 ? NULL : "Zürich", 0 };
	}
	full = lq_ics_write("Citas", ev, 6);
	assert_non_null(full);
	/* Long enough that the buffer grows more than once. */
	assert_true(strlen(full) > 2048);
	for (k = 0; k < 100; k++) {
		lq_mem_fail_after(k);
		text = lq_ics_write("Citas", ev, 6);
		lq_mem_fail_after(-1);
		if (text)
			break;
	}
	assert_non_null(text);
	assert_true(k >= 2); /* at least two allocations failed on the way */
	assert_string_equal(text, full);
	lq_free(text);
	lq_free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_init_clear),
		cmocka_unit_test(test_clear_after_alloc_failure),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_slots_normal_day),
		cmocka_unit_test(test_slots_grid),
		cmocka_unit_test(test_slots_busy),
		cmocka_unit_test(test_slots_holiday_weekend),
		cmocka_unit_test(test_slots_not_before_and_max),
		cmocka_unit_test(test_slots_bad_input),
		cmocka_unit_test(test_slots_spring_forward),
		cmocka_unit_test(test_slots_fall_back),
		cmocka_unit_test(test_slots_three_zones),
		cmocka_unit_test(test_ics_parse),
		cmocka_unit_test(test_ics_exact),
		cmocka_unit_test(test_ics_folding),
		cmocka_unit_test(test_ics_bad_input),
		cmocka_unit_test(test_ics_alloc_failure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
