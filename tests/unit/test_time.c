#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "leadq/time.h"

static lq_time parse_ok(const char *text)
{
	lq_time t = 12345;

	if (!lq_time_parse(text, &t))
		fail_msg("did not parse: %s", text);
	return t;
}

static void test_days_known_dates(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(lq_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(lq_days_from_civil(1970, 1, 2), 1);
	assert_int_equal(lq_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(lq_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(lq_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(lq_days_from_civil(2038, 1, 19), 24855);
	/* Out-of-range months roll over into the next/previous year. */
	assert_int_equal(lq_days_from_civil(2025, 13, 1), lq_days_from_civil(2026, 1, 1));
	assert_int_equal(lq_days_from_civil(2026, 0, 1), lq_days_from_civil(2025, 12, 1));
	lq_civil_from_days(-25567, &y, &m, &d);
	assert_int_equal(y, 1900);
	assert_int_equal(m, 1);
	assert_int_equal(d, 1);
	lq_civil_from_days(lq_days_from_civil(2024, 2, 29), &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20240229);
}

static int days_in_month(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return len[m - 1];
}

/* Every day from 1600 to 2500: consecutive numbers, round trip, weekdays. */
static void test_days_round_trip_wide(void **state)
{
	int64_t expect = lq_days_from_civil(1600, 1, 1);
	int wday = -1;

	(void)state;
	for (int y = 1600; y <= 2500; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= days_in_month(y, m); d++) {
				int64_t n = lq_days_from_civil(y, m, d);
				int yy, mm, dd;
				struct lq_civil c;

				assert_int_equal(n, expect);
				lq_civil_from_days(n, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != d)
					fail_msg("%d-%d-%d came back as %d-%d-%d", y, m, d, yy, mm,
						dd);
				lq_time_to_civil(n * LQ_DAY + 43200, 0, &c);
				if (wday >= 0)
					assert_int_equal(c.wday, (wday + 1) % 7);
				wday = c.wday;
				assert_int_equal(c.yday, (int)(n - lq_days_from_civil(y, 1, 1)));
				expect++;
			}
		}
	}
	/* Anchors: 2000-01-01 was a Saturday, 1900-01-01 a Monday. */
	{
		struct lq_civil c;

		lq_time_to_civil(lq_days_from_civil(2000, 1, 1) * LQ_DAY, 0, &c);
		assert_int_equal(c.wday, 6);
		lq_time_to_civil(lq_days_from_civil(1900, 1, 1) * LQ_DAY, 0, &c);
		assert_int_equal(c.wday, 1);
		lq_time_to_civil(lq_days_from_civil(2024, 12, 31) * LQ_DAY, 0, &c);
		assert_int_equal(c.yday, 365);
	}
}

static void test_civil_with_offset(void **state)
{
	struct lq_civil c;

	(void)state;
	/* 2026-03-29T00:59:59Z at +01:00 is 01:59:59 local. */
	lq_time_to_civil(parse_ok("2026-03-29T00:59:59Z"), 3600, &c);
	assert_int_equal(c.year, 2026);
	assert_int_equal(c.month, 3);
	assert_int_equal(c.day, 29);
	assert_int_equal(c.hour, 1);
	assert_int_equal(c.minute, 59);
	assert_int_equal(c.second, 59);
	assert_int_equal(c.wday, 0);
	/* Negative instants and offsets cross midnight backwards. */
	lq_time_to_civil(-1, 0, &c);
	assert_int_equal(c.year, 1969);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 23);
	assert_int_equal(c.second, 59);
	assert_int_equal(c.wday, 3);
	lq_time_to_civil(3600, -5 * 3600, &c);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 20);
	/* and back */
	c = (struct lq_civil){ .year = 2026, .month = 7, .day = 1, .hour = 9 };
	assert_int_equal(lq_time_from_civil(&c, 2 * 3600), parse_ok("2026-07-01T07:00:00Z"));
	assert_int_equal(lq_time_from_civil(&c, -5 * 3600), parse_ok("2026-07-01T14:00:00Z"));
}

static void test_format_round_trip(void **state)
{
	char buf[LQ_RFC3339_SIZE];
	static const int32_t offsets[] = { 0, 3600, -5 * 3600, 5 * 3600 + 1800, -(9 * 3600 + 30 * 60), 14 * 3600 };
	/* 1900-01-01 .. 2200-01-01 in uneven steps. */
	lq_time from = -2208988800LL, to = 7258118400LL;

	(void)state;
	for (lq_time t = from; t < to; t += 86400LL * 37 + 3601 * 7 + 13) {
		for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			lq_time back = 0;

			lq_time_format(t, offsets[i], buf);
			assert_true(lq_time_parse(buf, &back));
			if (back != t)
				fail_msg("%s parsed as %lld, not %lld", buf, (long long)back,
					(long long)t);
		}
	}
}

static void test_format_exact(void **state)
{
	char buf[LQ_RFC3339_SIZE];

	(void)state;
	assert_string_equal(lq_time_format(0, 0, buf), "1970-01-01T00:00:00Z");
	assert_string_equal(lq_time_format(parse_ok("2026-11-23T22:38:30Z"), 0, buf),
			    "2026-11-23T22:38:30Z");
	assert_string_equal(lq_time_format(parse_ok("2026-11-23T22:38:30Z"), 3600, buf),
			    "2026-11-23T23:38:30+01:00");
	assert_string_equal(lq_time_format(parse_ok("2026-11-23T02:00:00Z"), -5 * 3600, buf),
			    "2026-11-22T21:00:00-05:00");
	assert_string_equal(lq_time_format(parse_ok("2026-11-23T02:00:00Z"), 19800, buf),
			    "2026-11-23T07:30:00+05:30");
	assert_string_equal(lq_time_format(parse_ok("2024-02-29T12:00:00Z"), 0, buf),
			    "2024-02-29T12:00:00Z");
	assert_string_equal(lq_time_format(parse_ok("2038-01-19T03:14:08Z"), 0, buf),
			    "2038-01-19T03:14:08Z");
	assert_int_equal(parse_ok("2038-01-19T03:14:08Z"), 2147483648LL);
	assert_string_equal(lq_time_format(parse_ok("1900-01-01T00:00:00Z"), 0, buf),
			    "1900-01-01T00:00:00Z");
	assert_string_equal(lq_time_format(LQ_TIME_NONE, 0, buf), "");
	/* LMT offsets with seconds: shown in whole minutes, same instant. */
	{
		lq_time t = parse_ok("1900-06-01T12:00:00Z"), back;

		lq_time_format(t, -884, buf);
		assert_string_equal(buf, "1900-06-01T11:46:00-00:14");
		assert_true(lq_time_parse(buf, &back));
		assert_int_equal(back, t);
	}
}

static void test_parse_accepts(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("1970-01-01t00:00:00z"), 0);
	assert_int_equal(parse_ok("1970-01-01T01:00:00+01:00"), 0);
	assert_int_equal(parse_ok("1969-12-31T19:00:00-05:00"), 0);
	assert_int_equal(parse_ok("1970-01-01T00:00:00.999Z"), 0);
	assert_int_equal(parse_ok("1970-01-01T00:00:00.123456789+00:00"), 0);
	assert_int_equal(parse_ok("1970-01-01T00:00:00-00:00"), 0);
	assert_int_equal(parse_ok("2024-02-29T00:00:00Z"), 1709164800LL);
	assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400LL);
	assert_int_equal(parse_ok("1900-01-01T00:00:00Z"), -2208988800LL);
	assert_int_equal(parse_ok("2100-01-01T00:00:00Z"), 4102444800LL);
	assert_int_equal(parse_ok("9999-12-31T23:59:59Z"), 253402300799LL);
	assert_int_equal(parse_ok("2026-03-29T03:30:00+05:45"), parse_ok("2026-03-28T21:45:00Z"));
	/* A leap second folds into the next second, as in POSIX time. */
	assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), parse_ok("2017-01-01T00:00:00Z"));
}

static void test_parse_rejects(void **state)
{
	static const char *bad[] = {
		"", "2026", "2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-10T10:00:00Z",
		"2026-01-00T10:00:00Z", "2026-04-31T00:00:00Z", "2025-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z", "2026-01-01 10:00:00Z", "2026-01-0110:00:00Z",
		"2026-01-01T10:00:00", "2026-01-01T10:00:00Zjunk", "2026-01-01T10:00:00Z ",
		" 2026-01-01T10:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T10:60:00Z",
		"2026-01-01T10:00:61Z", "2026-01-01T10:00Z", "2026-1-01T10:00:00Z",
		"2026-01-01T1:00:00Z", "2026-01-01T10:00:00.Z", "2026-01-01T10:00:00+0100",
		"2026-01-01T10:00:00+01", "2026-01-01T10:00:00+24:00", "2026-01-01T10:00:00+01:60",
		"2026-01-01T10:00:00+01:00:00", "2026/01/01T10:00:00Z", "abcd-ef-ghTij:kl:mnZ",
		"+2026-01-01T10:00:00Z", "2026-01-01T10:00:00UTC", "2026-01-01T10:00:00.5",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lq_time t = 42;

		if (lq_time_parse(bad[i], &t))
			fail_msg("accepted: '%s'", bad[i]);
		assert_int_equal(t, 42); /* untouched on failure */
	}
	{
		lq_time t;

		assert_false(lq_time_parse(NULL, &t));
	}
}

static void test_duration(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(lq_duration_format(0, buf, sizeof(buf)), "0s");
	assert_string_equal(lq_duration_format(45, buf, sizeof(buf)), "45s");
	assert_string_equal(lq_duration_format(59, buf, sizeof(buf)), "59s");
	assert_string_equal(lq_duration_format(60, buf, sizeof(buf)), "1m 00s");
	assert_string_equal(lq_duration_format(23 * 60 + 5, buf, sizeof(buf)), "23m 05s");
	assert_string_equal(lq_duration_format(3599, buf, sizeof(buf)), "59m 59s");
	assert_string_equal(lq_duration_format(3600, buf, sizeof(buf)), "1h 00m");
	assert_string_equal(lq_duration_format(3600 + 5 * 60 + 59, buf, sizeof(buf)), "1h 05m");
	assert_string_equal(lq_duration_format(23 * 3600 + 59 * 60, buf, sizeof(buf)), "23h 59m");
	assert_string_equal(lq_duration_format(86400, buf, sizeof(buf)), "1d 0h");
	assert_string_equal(lq_duration_format(2 * 86400 + 3 * 3600 + 59 * 60, buf, sizeof(buf)),
			    "2d 3h");
	assert_string_equal(lq_duration_format(400 * 86400, buf, sizeof(buf)), "400d 0h");
	assert_string_equal(lq_duration_format(-45, buf, sizeof(buf)), "-45s");
	assert_string_equal(lq_duration_format(-(3600 + 300), buf, sizeof(buf)), "-1h 05m");
	assert_string_equal(lq_duration_format(-(2 * 86400 + 3 * 3600), buf, sizeof(buf)),
		"-2d 3h");
	assert_string_equal(lq_duration_format(-(23 * 60 + 5), buf, sizeof(buf)), "-23m 05s");
	/* Extremes do not overflow; a small buffer is truncated, not overrun. */
	assert_string_equal(lq_duration_format(INT64_MIN, buf, sizeof(buf)),
			    "-106751991167300d 15h");
	memset(buf, 'x', sizeof(buf));
	lq_duration_format(3600 + 300, buf, 4);
	assert_string_equal(buf, "1h ");
	assert_int_equal(buf[5], 'x');
}

/* What people type for a callback: a date and time, or a time alone
 * (today, or tomorrow once it has passed); the rest is refused. */
static void test_parse_wall(void **state)
{
	struct lq_civil now = { .year = 2027, .month = 1, .day = 31, .hour = 10, .minute = 30 };
	struct lq_civil c;

	(void)state;
	assert_true(lq_civil_parse_wall("2027-02-05 09:05", &now, &c));
	assert_int_equal(c.year * 10000 + c.month * 100 + c.day, 20270205);
	assert_int_equal(c.hour * 100 + c.minute, 905);
	assert_int_equal(c.second, 0);
	assert_true(lq_civil_parse_wall(" 2027-2-5T9:05 ", &now, &c));
	assert_int_equal(c.month * 100 + c.day, 205);
	assert_true(lq_civil_parse_wall("11:00", &now, &c));
	assert_int_equal(c.year * 10000 + c.month * 100 + c.day, 20270131);
	/* Not later than now: tomorrow, across the month. */
	assert_true(lq_civil_parse_wall("10:30", &now, &c));
	assert_int_equal(c.year * 10000 + c.month * 100 + c.day, 20270201);
	assert_int_equal(c.hour * 100 + c.minute, 1030);
	assert_false(lq_civil_parse_wall("2027-04-31 10:00", &now, &c));
	assert_false(lq_civil_parse_wall("2027-01-05 24:00", &now, &c));
	assert_false(lq_civil_parse_wall("2027-01-05 10:60", &now, &c));
	assert_false(lq_civil_parse_wall("2027-01-05 10:0", &now, &c));
	assert_false(lq_civil_parse_wall("2027-01-05 10:00 pm", &now, &c));
	assert_false(lq_civil_parse_wall("mañana", &now, &c));
	assert_false(lq_civil_parse_wall("", &now, &c));
	assert_false(lq_civil_parse_wall("2027-01-05", &now, &c));
}

static void test_weekday(void **state)
{
	struct lq_civil c;

	(void)state;
	assert_int_equal(lq_weekday_from_days(0), 4);     /* 1970-01-01, Thursday */
	assert_int_equal(lq_weekday_from_days(-1), 3);
	assert_int_equal(lq_weekday_from_days(lq_days_from_civil(2027, 1, 3)), 0);
	lq_time_to_civil((lq_time)lq_days_from_civil(2026, 11, 24) * 86400, 0, &c);
	assert_int_equal(c.wday, 2);                       /* a Tuesday */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_known_dates),
		cmocka_unit_test(test_days_round_trip_wide),
		cmocka_unit_test(test_civil_with_offset),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_parse_wall),
		cmocka_unit_test(test_weekday),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
