#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "leadq/calendar.h"
#include "leadq/lead.h"
#include "leadq/sla.h"
#include "leadq/time.h"
#include "leadq/tz.h"

static struct lq_tz *madrid;
static struct lq_calendar cal;       /* default hours, Monday 9 March a holiday */
static struct lq_sla_policy pol;

static int setup(void **state)
{
	static unsigned char buf[1 << 16];
	char err[64];
	size_t len;
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Madrid", "rb");

	(void)state;
	if (!f)
		return -1;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (lq_tz_parse("Europe/Madrid", buf, len, &madrid) != LQ_TZ_OK)
		return -1;
	lq_calendar_default(&cal, madrid);
	if (!lq_calendar_parse_holidays(&cal, "2026-03-09", err, sizeof(err)))
		return -1;
	lq_sla_policy_default(&pol);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lq_tz_free(&madrid);
	return 0;
}

/* Madrid wall time; March 2026 is CET (+01:00) until the 29th. */
static lq_time L(int mo, int d, int h, int mi)
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

#define assert_time(got, want) assert_time_(got, want, __LINE__)
static void assert_time_(lq_time got, lq_time want, int line)
{
	char a[LQ_RFC3339_SIZE], b[LQ_RFC3339_SIZE];

	if (got != want)
		fail_msg("line %d: got %s, expected %s", line, lq_time_format(got, 3600, a),
			 lq_time_format(want, 3600, b));
}

/* A lead with only what the SLA reads (no strings: nothing to free). */
static void new_lead(struct lq_lead *l, lq_time mql)
{
	memset(l, 0, sizeof(*l));
	l->status = LQ_STATUS_NEW;
	l->mql_at = mql;
	l->first_touch_at = l->last_touch_at = LQ_TIME_NONE;
	l->sla_first_due = l->sla_cadence_due = l->next_touch_due = LQ_TIME_NONE;
	l->next_appt_at = l->updated_at = LQ_TIME_NONE;
	lq_sla_deadlines(l, &pol, &cal);
}

static void touch(struct lq_lead *l, lq_time at)
{
	l->status = LQ_STATUS_WORKING;
	if (l->touches == 0)
		l->first_touch_at = at;
	l->last_touch_at = at;
	l->touches++;
	lq_sla_deadlines(l, &pol, &cal);
}

#define check_view(l, now, clk, st, dl, rem) check_view_(l, now, clk, st, dl, rem, __LINE__)
static void check_view_(const struct lq_lead *l, lq_time now, enum lq_sla_clock clk,
			enum lq_sla_state st, lq_time deadline, lq_time remaining, int line)
{
	struct lq_sla_view v;

	memset(&v, 0x55, sizeof(v));
	lq_sla_status(l, &pol, &cal, now, &v);
	if (v.clock != clk || v.state != st || v.deadline != deadline || v.remaining != remaining) {
		char a[LQ_RFC3339_SIZE], b[LQ_RFC3339_SIZE];

		fail_msg("line %d: clock %d state %d deadline %s remaining %lld; expected "
			 "clock %d state %d deadline %s remaining %lld", line, v.clock, v.state,
			 lq_time_format(v.deadline, 3600, a), (long long)v.remaining, clk, st,
			 lq_time_format(deadline, 3600, b), (long long)remaining);
	}
}

static void test_policy_and_names(void **state)
{
	struct lq_sla_policy p;

	(void)state;
	memset(&p, 0x7f, sizeof(p));
	lq_sla_policy_default(&p);
	assert_int_equal(p.first_contact_minutes, 120);
	assert_int_equal(p.touches_required, 6);
	assert_int_equal(p.touch_window_days, 10);
	assert_int_equal(p.at_risk_percent, 25);
	assert_string_equal(lq_sla_state_name(LQ_SLA_ON_TRACK), "on track");
	assert_string_equal(lq_sla_state_name(LQ_SLA_AT_RISK), "at risk");
	assert_string_equal(lq_sla_state_name(LQ_SLA_BREACHED), "breached");
	assert_string_equal(lq_sla_state_name(LQ_SLA_IDLE), "");
}

static void test_deadlines(void **state)
{
	struct lq_lead l;

	(void)state;
	/* Monday 2 March 10:00 */
	new_lead(&l, L(3, 2, 10, 0));
	assert_int_equal(l.touches_required, 6);
	assert_time(l.sla_first_due, L(3, 2, 12, 0));
	/* ten business days on: Monday 9 is a holiday, so Tuesday 17 */
	assert_time(l.sla_cadence_due, L(3, 17, 18, 0));
	assert_time(l.next_touch_due, l.sla_first_due);
	/* across lunch */
	new_lead(&l, L(3, 2, 13, 0));
	assert_time(l.sla_first_due, L(3, 2, 16, 0));
	/* across the night */
	new_lead(&l, L(3, 3, 17, 0));
	assert_time(l.sla_first_due, L(3, 4, 10, 0));
	/* across a weekend and the holiday */
	new_lead(&l, L(3, 6, 17, 0));
	assert_time(l.sla_first_due, L(3, 10, 10, 0));
	/* day 0 is Friday 6 itself (time left in it), day 10 Monday 23 */
	assert_time(l.sla_cadence_due, L(3, 23, 18, 0));
	/* MQL outside hours: the clock starts at the next opening */
	new_lead(&l, L(3, 7, 11, 0));
	assert_time(l.sla_first_due, L(3, 10, 11, 0));
	new_lead(&l, L(3, 4, 7, 30));
	assert_time(l.sla_first_due, L(3, 4, 11, 0));
	/* no MQL, no clock */
	new_lead(&l, LQ_TIME_NONE);
	assert_time(l.sla_first_due, LQ_TIME_NONE);
	assert_time(l.sla_cadence_due, LQ_TIME_NONE);
	assert_time(l.next_touch_due, LQ_TIME_NONE);
	assert_int_equal(l.touches_required, 6);
	/* a calendar without hours gives no deadlines */
	{
		struct lq_calendar none;

		memset(&none, 0, sizeof(none));
		none.tz = madrid;
		l.mql_at = L(3, 2, 10, 0);
		lq_sla_deadlines(&l, &pol, &none);
		assert_time(l.sla_first_due, LQ_TIME_NONE);
		assert_time(l.sla_cadence_due, LQ_TIME_NONE);
		assert_time(l.next_touch_due, LQ_TIME_NONE);
	}
}

static void test_cadence_spreading(void **state)
{
	struct lq_lead l;

	(void)state;
	new_lead(&l, L(3, 2, 10, 0));
	touch(&l, L(3, 2, 11, 0));
	/* 11:00 Mon 2 .. 18:00 Tue 17: 6 + 32 + 32 (holiday) + 16 = 86 h;
	 * five touches missing: one every 17 h 12 min of business time. */
	assert_int_equal(lq_calendar_between(&cal, L(3, 2, 11, 0), l.sla_cadence_due),
		86 * LQ_HOUR);
	assert_time(l.sla_first_due, L(3, 2, 12, 0)); /* kept */
	assert_time(l.next_touch_due, L(3, 4, 12, 12));
	/* the next touch spreads what is left over the four missing */
	touch(&l, L(3, 4, 12, 0));
	/* 12:00 Wed 4 .. 18:00 Tue 17: 5 + 16 + 32 + 16 = 69 h / 4 = 17 h 15 min */
	assert_time(l.next_touch_due, L(3, 6, 13, 15));
	/* a touch after the window: due at once */
	l.touches = 3;
	l.last_touch_at = L(3, 18, 10, 0);
	lq_sla_deadlines(&l, &pol, &cal);
	assert_time(l.next_touch_due, L(3, 18, 10, 0));
	/* ... or at the next opening when touched out of hours */
	l.last_touch_at = L(3, 18, 20, 0);
	lq_sla_deadlines(&l, &pol, &cal);
	assert_time(l.next_touch_due, L(3, 19, 9, 0));
	/* cadence done */
	l.touches = 6;
	lq_sla_deadlines(&l, &pol, &cal);
	assert_time(l.next_touch_due, LQ_TIME_NONE);
	l.touches = 9;
	lq_sla_deadlines(&l, &pol, &cal);
	assert_time(l.next_touch_due, LQ_TIME_NONE);
	/* touches counted but no time recorded: spread from the MQL */
	l.touches = 1;
	l.last_touch_at = LQ_TIME_NONE;
	lq_sla_deadlines(&l, &pol, &cal);
	/* 10:00 Mon 2 .. Tue 17 18:00 = 87 h / 5 = 17 h 24 min */
	assert_time(l.next_touch_due, L(3, 4, 11, 24));
}

static void test_first_contact_states(void **state)
{
	struct lq_lead l;
	lq_time due;

	(void)state;
	new_lead(&l, L(3, 2, 10, 0));
	due = L(3, 2, 12, 0);
	check_view(&l, L(3, 2, 10, 0), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 7200);
	/* at risk under 25 % of 120 min = 30 min */
	check_view(&l, due - 1800, LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 1800);
	check_view(&l, due - 1799, LQ_SLA_FIRST_CONTACT, LQ_SLA_AT_RISK, due, 1799);
	check_view(&l, due - 1, LQ_SLA_FIRST_CONTACT, LQ_SLA_AT_RISK, due, 1);
	/* breached at the deadline, then minus the wall seconds overdue */
	check_view(&l, due, LQ_SLA_FIRST_CONTACT, LQ_SLA_BREACHED, due, 0);
	check_view(&l, due + 1, LQ_SLA_FIRST_CONTACT, LQ_SLA_BREACHED, due, -1);
	check_view(&l, due + 3 * LQ_HOUR, LQ_SLA_FIRST_CONTACT, LQ_SLA_BREACHED, due, -3 * LQ_HOUR);
	/* before the MQL: the business time to the deadline, more than the window */
	check_view(&l, L(3, 2, 8, 0), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 3 * LQ_HOUR);

	/* across lunch: 13:00 -> 16:00 */
	new_lead(&l, L(3, 2, 13, 0));
	due = L(3, 2, 16, 0);
	check_view(&l, L(3, 2, 13, 59), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 3660);
	check_view(&l, L(3, 2, 14, 30), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 3600);
	check_view(&l, L(3, 2, 15, 31), LQ_SLA_FIRST_CONTACT, LQ_SLA_AT_RISK, due, 1740);

	/* over the weekend and the holiday: Friday 6 17:00 -> Tuesday 10 10:00 */
	new_lead(&l, L(3, 6, 17, 0));
	due = L(3, 10, 10, 0);
	check_view(&l, L(3, 7, 12, 0), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 3600);
	check_view(&l, L(3, 9, 12, 0), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 3600);
	check_view(&l, L(3, 10, 9, 30) + 1, LQ_SLA_FIRST_CONTACT, LQ_SLA_AT_RISK, due, 1799);
	check_view(&l, due, LQ_SLA_FIRST_CONTACT, LQ_SLA_BREACHED, due, 0);
	/* a new lead with a DST change in between: Friday 27 17:00 CET ->
	 * Monday 30 10:00 CEST, 2 h of business time */
	new_lead(&l, L(3, 27, 17, 0));
	due = L(3, 30, 10, 0);
	assert_time(due, T("2026-03-30T08:00:00Z"));
	check_view(&l, L(3, 28, 12, 0), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, due, 3600);
}

static void test_cadence_states(void **state)
{
	struct lq_lead l;
	lq_time next, end;
	/* last touch Mon 2 11:00, next due Wed 4 12:12: a window of 17 h 12 min
	 * of business time; at risk under 25 % = 4 h 18 min */
	const lq_time window = 17 * LQ_HOUR + 12 * LQ_MINUTE;

	(void)state;
	new_lead(&l, L(3, 2, 10, 0));
	touch(&l, L(3, 2, 11, 0));
	next = L(3, 4, 12, 12);
	end = L(3, 17, 18, 0);
	assert_time(l.next_touch_due, next);
	check_view(&l, L(3, 2, 11, 0), LQ_SLA_CADENCE, LQ_SLA_ON_TRACK, next, window);
	check_view(&l, L(3, 3, 10, 0), LQ_SLA_CADENCE, LQ_SLA_ON_TRACK, next,
		10 * LQ_HOUR + 12 * LQ_MINUTE);
	/* 4 h 18 min left is 25 % exactly: still on track; a second later at risk
	 * (Tue 16:54 .. 18:00 and Wed 09:00 .. 12:12) */
	check_view(&l, L(3, 3, 16, 54), LQ_SLA_CADENCE, LQ_SLA_ON_TRACK, next, window / 4);
	check_view(&l, L(3, 3, 16, 54) + 1, LQ_SLA_CADENCE, LQ_SLA_AT_RISK, next, window / 4 - 1);
	check_view(&l, next - 1, LQ_SLA_CADENCE, LQ_SLA_AT_RISK, next, 1);
	/* behind the cadence: at risk, not breached, while the SLA holds */
	check_view(&l, next, LQ_SLA_CADENCE, LQ_SLA_AT_RISK, next, 0);
	check_view(&l, next + 60, LQ_SLA_CADENCE, LQ_SLA_AT_RISK, next, -60);
	check_view(&l, end - 1, LQ_SLA_CADENCE, LQ_SLA_AT_RISK, next, -(end - 1 - next));
	/* the window of the SLA itself is over: breached */
	check_view(&l, end, LQ_SLA_CADENCE, LQ_SLA_BREACHED, next, -(end - next));
	check_view(&l, end + LQ_DAY, LQ_SLA_CADENCE, LQ_SLA_BREACHED, next, -(end + LQ_DAY - next));
	/* all touches done: no clock */
	for (int i = 0; i < 5; i++)
		touch(&l, L(3, 5, 10 + i, 0));
	assert_int_equal(l.touches, 6);
	check_view(&l, L(3, 5, 16, 0), LQ_SLA_NONE, LQ_SLA_IDLE, LQ_TIME_NONE, 0);
	check_view(&l, end + LQ_DAY, LQ_SLA_NONE, LQ_SLA_IDLE, LQ_TIME_NONE, 0);
}

static void test_closed_and_idle(void **state)
{
	static const enum lq_status closed[] = {
		LQ_STATUS_QUALIFIED, LQ_STATUS_RECYCLED, LQ_STATUS_JUNK, LQ_STATUS_UNREACHABLE,
		LQ_STATUS_OPPORTUNITY, LQ_STATUS_WON, LQ_STATUS_LOST,
	};
	struct lq_lead l;

	(void)state;
	for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
		new_lead(&l, L(3, 2, 10, 0));
		l.status = closed[i];
		check_view(&l, L(3, 2, 11, 0), LQ_SLA_NONE, LQ_SLA_IDLE, LQ_TIME_NONE, 0);
		check_view(&l, L(3, 20, 11, 0), LQ_SLA_NONE, LQ_SLA_IDLE, LQ_TIME_NONE, 0);
		touch(&l, L(3, 2, 11, 0));
		l.status = closed[i];
		check_view(&l, L(3, 3, 11, 0), LQ_SLA_NONE, LQ_SLA_IDLE, LQ_TIME_NONE, 0);
	}
	/* open but never qualified by marketing */
	new_lead(&l, LQ_TIME_NONE);
	check_view(&l, L(3, 2, 11, 0), LQ_SLA_NONE, LQ_SLA_IDLE, LQ_TIME_NONE, 0);
	/* a working lead not yet touched still runs the first-contact clock */
	new_lead(&l, L(3, 2, 10, 0));
	l.status = LQ_STATUS_WORKING;
	check_view(&l, L(3, 2, 11, 0), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, L(3, 2, 12, 0), 3600);
}

static void test_other_policies(void **state)
{
	struct lq_sla_policy saved = pol;
	struct lq_lead l;

	(void)state;
	/* 0 %: never at risk before the deadline */
	pol.at_risk_percent = 0;
	new_lead(&l, L(3, 2, 10, 0));
	check_view(&l, L(3, 2, 12, 0) - 1, LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, L(3, 2, 12, 0),
		1);
	/* 100 %: at risk as soon as any time has passed */
	pol.at_risk_percent = 100;
	check_view(&l, L(3, 2, 10, 0), LQ_SLA_FIRST_CONTACT, LQ_SLA_ON_TRACK, L(3, 2, 12, 0), 7200);
	check_view(&l, L(3, 2, 10, 0) + 1, LQ_SLA_FIRST_CONTACT, LQ_SLA_AT_RISK, L(3, 2, 12, 0),
		7199);
	/* 30 minutes, 2 touches in 1 day */
	pol = saved;
	pol.first_contact_minutes = 30;
	pol.touches_required = 2;
	pol.touch_window_days = 1;
	new_lead(&l, L(3, 2, 13, 45));
	assert_int_equal(l.touches_required, 2);
	assert_time(l.sla_first_due, L(3, 2, 15, 15));
	assert_time(l.sla_cadence_due, L(3, 3, 18, 0));
	touch(&l, L(3, 2, 15, 0));
	/* 15:00 Mon .. 18:00 Tue = 11 h for the one missing touch */
	assert_time(l.next_touch_due, L(3, 3, 18, 0));
	check_view(&l, L(3, 3, 9, 0), LQ_SLA_CADENCE, LQ_SLA_ON_TRACK, L(3, 3, 18, 0), 8 * LQ_HOUR);
	check_view(&l, L(3, 3, 18, 0), LQ_SLA_CADENCE, LQ_SLA_BREACHED, L(3, 3, 18, 0), 0);
	pol = saved;
}

/* The sweep's decision at and around the deadlines: a second before is
 * nothing, the deadline itself is due (weekend, holiday and DST included,
 * because the deadlines are business time). */
static void test_sweep_due(void **state)
{
	struct lq_lead l;
	lq_time due;

	(void)state;
	assert_string_equal(lq_sla_event_wire(LQ_SLA_EVENT_BREACH), "first_contact_breach");
	assert_int_equal(lq_sla_event_parse("touch_window_over"), LQ_SLA_EVENT_EXPIRY);
	assert_int_equal(lq_sla_event_parse("nope"), -1);
	assert_null(lq_sla_event_wire(LQ_SLA_EVENT_NONE));

	/* Friday 6 March 17:00: over the weekend and Monday's holiday. */
	new_lead(&l, L(3, 6, 17, 0));
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 10, 10, 0) - 1, &due), LQ_SLA_EVENT_NONE);
	assert_time(due, LQ_TIME_NONE);
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 10, 10, 0), &due), LQ_SLA_EVENT_BREACH);
	assert_time(due, L(3, 10, 10, 0));
	/* Saturday is not business time: nothing is due then. */
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 7, 12, 0), &due), LQ_SLA_EVENT_NONE);

	/* Across the change to summer time (Sunday 29 March, 02:00 -> 03:00):
	 * Friday 27 at 17:00 CET + 2 business hours is Monday 30 at 10:00 CEST. */
	new_lead(&l, L(3, 27, 17, 0));
	assert_time(l.sla_first_due, T("2026-03-30T10:00:00+02:00"));
	assert_int_equal(lq_sla_sweep_due(&l, T("2026-03-30T09:59:59+02:00"), &due),
			 LQ_SLA_EVENT_NONE);
	assert_int_equal(lq_sla_sweep_due(&l, T("2026-03-30T10:00:00+02:00"), &due),
			 LQ_SLA_EVENT_BREACH);

	/* A touch stops the first-contact clock; the window still can expire. */
	new_lead(&l, L(3, 2, 10, 0));
	touch(&l, L(3, 2, 11, 0));
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 5, 10, 0), &due), LQ_SLA_EVENT_NONE);
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 17, 18, 0) - 1, &due), LQ_SLA_EVENT_NONE);
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 17, 18, 0), &due), LQ_SLA_EVENT_EXPIRY);
	assert_time(due, L(3, 17, 18, 0));
	/* Past both deadlines untouched: expiry first. */
	new_lead(&l, L(3, 2, 10, 0));
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 18, 10, 0), &due), LQ_SLA_EVENT_EXPIRY);
	/* Enough touches: nothing expires. */
	for (int i = 0; i < 6; i++)
		touch(&l, L(3, 3 + i, 10, 0));
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 30, 10, 0), &due), LQ_SLA_EVENT_NONE);
	/* Closed leads owe nothing. */
	new_lead(&l, L(3, 2, 10, 0));
	l.status = LQ_STATUS_QUALIFIED;
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 30, 10, 0), &due), LQ_SLA_EVENT_NONE);
	l.status = LQ_STATUS_RECYCLED;
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 30, 10, 0), &due), LQ_SLA_EVENT_NONE);
	/* No deadlines (no MQL): nothing. */
	new_lead(&l, LQ_TIME_NONE);
	assert_int_equal(lq_sla_sweep_due(&l, L(3, 30, 10, 0), &due), LQ_SLA_EVENT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_and_names),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test(test_cadence_spreading),
		cmocka_unit_test(test_first_contact_states),
		cmocka_unit_test(test_cadence_states),
		cmocka_unit_test(test_closed_and_idle),
		cmocka_unit_test(test_other_policies),
		cmocka_unit_test(test_sweep_due),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
