/* Unit tests: src/core/lead.c and src/core/org.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/org.h"

#define T0 ((lq_time)1767225600)   /* 2026-01-01T00:00:00Z */

#define N LQ_STATUS_NEW
#define W LQ_STATUS_WORKING
#define Q LQ_STATUS_QUALIFIED
#define R LQ_STATUS_RECYCLED
#define J LQ_STATUS_JUNK
#define U LQ_STATUS_UNREACHABLE
#define O LQ_STATUS_OPPORTUNITY
#define WON LQ_STATUS_WON
#define L LQ_STATUS_LOST

/* allowed[from][to] for a user; marketing adds recycle/unreachable -> new. */
static const bool user_allowed[LQ_STATUS_COUNT][LQ_STATUS_COUNT] = {
	[N] = { [W] = true, [Q] = true, [R] = true, [J] = true, [U] = true },
	[W] = { [Q] = true, [R] = true, [J] = true, [U] = true },
	[Q] = { [O] = true, [R] = true },
	[O] = { [WON] = true, [L] = true },
};

static bool marketing_allowed(int from, int to)
{
	return user_allowed[from][to] || ((from == R || from == U) && to == N);
}

static void lead_in(struct lq_lead *l, enum lq_status s)
{
	lq_lead_init(l);
	memcpy(l->id, "00000000-0000-4000-8000-000000000001", LQ_UUID_SIZE);
	l->status = s;
	l->mql_at = T0;
}

static struct lq_change status_change(enum lq_status to, const char *reason)
{
	struct lq_change c;

	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_STATUS;
	c.to = to;
	c.reason = reason;
	c.at = T0 + 100;
	return c;
}

static struct lq_change touch_change(enum lq_touch t, enum lq_outcome o, lq_time at)
{
	struct lq_change c;

	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_TOUCH;
	c.touch = t;
	c.outcome = o;
	c.at = at;
	return c;
}

/* A reason that fits the target status (or NULL for the others). */
static const char *some_reason(int to)
{
	switch (to) {
	case R: return "no_budget";
	case J: return "spam";
	case U: return "no_answer";
	default: return NULL;
	}
}

static void assert_lead_state(const struct lq_lead *l, const struct lq_lead_state *s)
{
	struct lq_lead_state now;

	lq_lead_state_get(l, &now);
	assert_int_equal(now.status, s->status);
	assert_string_equal(now.reason, s->reason);
	assert_int_equal(now.touches, s->touches);
	assert_true(now.first_touch_at == s->first_touch_at);
	assert_true(now.last_touch_at == s->last_touch_at);
}

/* ---- name tables -------------------------------------------------------- */

static void test_names_round_trip(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < LQ_STATUS_COUNT; i++) {
		assert_non_null(lq_status_label((enum lq_status)i));
		assert_int_equal(lq_status_parse(lq_status_wire((enum lq_status)i)), i);
	}
	for (i = 0; i < LQ_TOUCH_COUNT; i++) {
		assert_non_null(lq_touch_label((enum lq_touch)i));
		assert_int_equal(lq_touch_parse(lq_touch_wire((enum lq_touch)i)), i);
	}
	for (i = 0; i < LQ_OUTCOME_COUNT; i++) {
		assert_non_null(lq_outcome_label((enum lq_outcome)i));
		assert_int_equal(lq_outcome_parse(lq_outcome_wire((enum lq_outcome)i)), i);
	}
	for (i = 0; i < LQ_ACT_COUNT; i++) {
		assert_non_null(lq_activity_label((enum lq_activity_kind)i));
		assert_int_equal(lq_activity_parse(lq_activity_wire((enum lq_activity_kind)i)), i);
	}
	for (i = 0; i < LQ_ROLE_COUNT; i++) {
		assert_non_null(lq_role_label((enum lq_role)i));
		assert_int_equal(lq_role_parse(lq_role_wire((enum lq_role)i)), i);
	}
	assert_string_equal(lq_status_wire(LQ_STATUS_RECYCLED), "recycle");
	assert_string_equal(lq_status_label(LQ_STATUS_QUALIFIED), "qualified");
	assert_string_equal(lq_outcome_wire(LQ_OUTCOME_NO_ANSWER), "no_answer");
	assert_string_equal(lq_outcome_label(LQ_OUTCOME_NO_ANSWER), "no answer");
	assert_string_equal(lq_activity_wire(LQ_ACT_STATUS_CHANGE), "status_change");
	assert_string_equal(lq_activity_label(LQ_ACT_FORM_SUBMIT), "form submitted");
	assert_string_equal(lq_role_wire(LQ_ROLE_TELEQUAL), "telequal");
	assert_string_equal(lq_role_label(LQ_ROLE_LEAD), "team lead");
	assert_int_equal(lq_activity_parse("call"), LQ_ACT_CALL);
}

static void test_names_bad_input(void **state)
{
	(void)state;
	assert_int_equal(lq_status_parse(NULL), -1);
	assert_int_equal(lq_status_parse(""), -1);
	assert_int_equal(lq_status_parse("recycled"), -1);   /* the wire name is "recycle" */
	assert_int_equal(lq_status_parse("NEW"), -1);
	assert_int_equal(lq_touch_parse("fax"), -1);
	assert_int_equal(lq_touch_parse(NULL), -1);
	assert_int_equal(lq_outcome_parse("no answer"), -1);
	assert_int_equal(lq_activity_parse("tweet"), -1);
	assert_int_equal(lq_role_parse("boss"), -1);
	assert_int_equal(lq_role_parse(NULL), -1);
	assert_null(lq_status_wire(LQ_STATUS_COUNT));
	assert_null(lq_status_label((enum lq_status)-1));
	assert_null(lq_touch_wire(LQ_TOUCH_COUNT));
	assert_null(lq_outcome_label(LQ_OUTCOME_COUNT));
	assert_null(lq_activity_wire(LQ_ACT_COUNT));
	assert_null(lq_role_wire(LQ_ROLE_COUNT));
}

static void test_error_messages(void **state)
{
	(void)state;
	assert_string_equal(lq_lead_error_message(LQ_LEAD_EOK), "ok");
	assert_string_equal(lq_lead_error_message(LQ_LEAD_ENEED_REASON), "a reason is needed");
	assert_string_equal(lq_lead_error_message(LQ_LEAD_ENOT_UNDOABLE),
			    "the lead changed since; nothing to undo");
	assert_non_null(lq_lead_error_message((enum lq_lead_error)99));
}

/* ---- state machine ------------------------------------------------------ */

static void test_status_predicates(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < LQ_STATUS_COUNT; s++) {
		assert_int_equal(lq_status_is_open((enum lq_status)s), s == N || s == W);
		assert_int_equal(lq_status_needs_reason((enum lq_status)s),
				 s == R || s == J || s == U);
	}
}

static void test_can_move_table(void **state)
{
	int from, to;

	(void)state;
	for (from = 0; from < LQ_STATUS_COUNT; from++) {
		for (to = 0; to < LQ_STATUS_COUNT; to++) {
			bool u = lq_status_can_move((enum lq_status)from, (enum lq_status)to, false);
			bool m = lq_status_can_move((enum lq_status)from, (enum lq_status)to, true);

			if (u != user_allowed[from][to] || m != marketing_allowed(from, to))
				fail_msg("%s -> %s: user %d marketing %d",
					 lq_status_wire((enum lq_status)from),
					 lq_status_wire((enum lq_status)to), u, m);
		}
	}
	assert_false(lq_status_can_move((enum lq_status)LQ_STATUS_COUNT, N, true));
	assert_false(lq_status_can_move(N, (enum lq_status)LQ_STATUS_COUNT, true));
	assert_false(lq_status_can_move((enum lq_status)-1, W, true));
}

/* Every pair through lq_lead_apply: allowed moves succeed and set status and
 * reason; forbidden ones leave the lead exactly as it was. */
static void test_apply_status_table(void **state)
{
	int from, to, who;

	(void)state;
	for (who = 0; who < 2; who++) {
		for (from = 0; from < LQ_STATUS_COUNT; from++) {
			for (to = 0; to < LQ_STATUS_COUNT; to++) {
				struct lq_lead l;
				struct lq_lead_state before, orig;
				struct lq_change c = status_change((enum lq_status)to,
								   some_reason(to));
				enum lq_lead_error want, got;
				bool ok = who ? marketing_allowed(from, to) : user_allowed[from][to];

				c.by_marketing = who == 1;
				lead_in(&l, (enum lq_status)from);
				lq_lead_state_get(&l, &orig);
				want = from == to ? LQ_LEAD_ESAME_STATUS
				       : ok ? LQ_LEAD_EOK : LQ_LEAD_EBAD_STATUS;
				got = lq_lead_apply(&l, NULL, &c, &before);
				if (got != want)
					fail_msg("%s -> %s (marketing %d): got %d want %d",
						 lq_status_wire((enum lq_status)from),
						 lq_status_wire((enum lq_status)to), who, got, want);
				if (got == LQ_LEAD_EOK) {
					assert_int_equal(l.status, to);
					assert_string_equal(l.reason, some_reason(to) ? some_reason(to) : "");
				} else {
					assert_lead_state(&l, &orig);
				}
				assert_int_equal(before.status, from);
			}
		}
	}
}

static void test_apply_reasons(void **state)
{
	struct lq_lead l;
	struct lq_change c;
	struct lq_lead_state before;
	struct lq_reasons r;

	(void)state;
	lead_in(&l, W);
	c = status_change(R, NULL);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_ENEED_REASON);
	c.reason = "";
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_ENEED_REASON);
	c.reason = "bored";
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EBAD_REASON);
	c.reason = "spam";        /* a junk reason is not a recycle reason */
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EBAD_REASON);
	assert_int_equal(l.status, W);
	assert_string_equal(l.reason, "");

	/* A status that takes no reason refuses one. */
	c = status_change(Q, "no_budget");
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EBAD_REASON);
	c.reason = "";
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EOK);
	assert_int_equal(l.status, Q);

	/* A configured list replaces the defaults. */
	lq_reasons_default(&r);
	assert_true(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "budget_freeze,timing"));
	c = status_change(R, "no_budget");
	assert_int_equal(lq_lead_apply(&l, &r, &c, &before), LQ_LEAD_EBAD_REASON);
	c.reason = "budget_freeze";
	assert_int_equal(lq_lead_apply(&l, &r, &c, &before), LQ_LEAD_EOK);
	assert_int_equal(l.status, R);
	assert_string_equal(l.reason, "budget_freeze");

	/* Leaving recycle (marketing) clears the reason. */
	c = status_change(N, NULL);
	c.by_marketing = true;
	assert_int_equal(lq_lead_apply(&l, &r, &c, &before), LQ_LEAD_EOK);
	assert_string_equal(l.reason, "");
	assert_string_equal(before.reason, "budget_freeze");
}

static void test_requalify_resets_cycle(void **state)
{
	struct lq_lead l;
	struct lq_change c;
	struct lq_lead_state before, after;

	(void)state;
	lead_in(&l, U);
	l.touches = 6;
	l.first_touch_at = T0 + 10;
	l.last_touch_at = T0 + 500;
	snprintf(l.reason, sizeof l.reason, "%s", "no_answer");
	c = status_change(N, NULL);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EBAD_STATUS);
	c.by_marketing = true;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EOK);
	assert_int_equal(l.status, N);
	assert_int_equal(l.touches, 0);
	assert_true(l.first_touch_at == LQ_TIME_NONE);
	assert_true(l.last_touch_at == LQ_TIME_NONE);
	lq_lead_state_get(&l, &after);
	assert_int_equal(lq_lead_undo(&l, &before, &after), LQ_LEAD_EOK);
	assert_int_equal(l.status, U);
	assert_int_equal(l.touches, 6);
	assert_true(l.first_touch_at == T0 + 10);
	assert_string_equal(l.reason, "no_answer");
}

static void test_touch_outcomes(void **state)
{
	static const bool fits[LQ_TOUCH_COUNT][LQ_OUTCOME_COUNT] = {
		[LQ_TOUCH_CALL] = { [LQ_OUTCOME_CONNECTED] = true, [LQ_OUTCOME_VOICEMAIL] = true,
				    [LQ_OUTCOME_NO_ANSWER] = true, [LQ_OUTCOME_WRONG_NUMBER] = true },
		[LQ_TOUCH_EMAIL] = { [LQ_OUTCOME_SENT] = true },
		[LQ_TOUCH_MEETING] = { [LQ_OUTCOME_CONNECTED] = true, [LQ_OUTCOME_NO_ANSWER] = true },
		[LQ_TOUCH_MESSAGE] = { [LQ_OUTCOME_SENT] = true },
	};
	int t, o;

	(void)state;
	for (t = 0; t < LQ_TOUCH_COUNT; t++) {
		for (o = 0; o < LQ_OUTCOME_COUNT; o++) {
			struct lq_lead l;
			struct lq_change c = touch_change((enum lq_touch)t, (enum lq_outcome)o, T0 + 60);

			assert_int_equal(lq_touch_outcome_valid((enum lq_touch)t, (enum lq_outcome)o),
					 fits[t][o]);
			lead_in(&l, W);
			assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL),
					 fits[t][o] ? LQ_LEAD_EOK : LQ_LEAD_EBAD_OUTCOME);
			assert_int_equal(l.touches, fits[t][o] ? 1 : 0);
		}
	}
	assert_false(lq_touch_outcome_valid(LQ_TOUCH_COUNT, LQ_OUTCOME_SENT));
	assert_false(lq_touch_outcome_valid(LQ_TOUCH_EMAIL, LQ_OUTCOME_COUNT));
	assert_false(lq_touch_outcome_valid((enum lq_touch)-1, LQ_OUTCOME_SENT));
}

static void test_touch_counts_and_times(void **state)
{
	struct lq_lead l;
	struct lq_change c;
	struct lq_lead_state before;

	(void)state;
	lead_in(&l, N);
	c = touch_change(LQ_TOUCH_CALL, LQ_OUTCOME_VOICEMAIL, T0 + 600);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EOK);
	assert_int_equal(before.status, N);
	assert_int_equal(before.touches, 0);
	assert_int_equal(l.status, W);            /* first touch: new -> working */
	assert_int_equal(l.touches, 1);
	assert_true(l.first_touch_at == T0 + 600);
	assert_true(l.last_touch_at == T0 + 600);

	c = touch_change(LQ_TOUCH_EMAIL, LQ_OUTCOME_SENT, T0 + 7200);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EOK);
	assert_int_equal(l.status, W);
	assert_int_equal(l.touches, 2);
	assert_true(l.first_touch_at == T0 + 600);   /* set once */
	assert_true(l.last_touch_at == T0 + 7200);
	assert_true(before.last_touch_at == T0 + 600);

	c = touch_change(LQ_TOUCH_MEETING, LQ_OUTCOME_CONNECTED, T0 + 9000);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL), LQ_LEAD_EOK);   /* before may be NULL */
	assert_int_equal(l.touches, 3);
	assert_true(l.last_touch_at == T0 + 9000);
}

static void test_touch_closed_and_do_not_contact(void **state)
{
	struct lq_lead l;
	struct lq_change call = touch_change(LQ_TOUCH_CALL, LQ_OUTCOME_CONNECTED, T0 + 60);
	struct lq_change mail = touch_change(LQ_TOUCH_EMAIL, LQ_OUTCOME_SENT, T0 + 60);
	int s;

	(void)state;
	for (s = 0; s < LQ_STATUS_COUNT; s++) {
		bool takes = s == N || s == W || s == Q || s == O;
		enum lq_lead_error want = takes ? LQ_LEAD_EOK : LQ_LEAD_ECLOSED;

		lead_in(&l, (enum lq_status)s);
		assert_int_equal(lq_lead_apply(&l, NULL, &call, NULL), want);
		assert_int_equal(l.touches, want == LQ_LEAD_EOK ? 1 : 0);
		/* Only a new lead moves (to working); accepted leads keep their status. */
		assert_int_equal(l.status, s == N ? W : s);
		assert_int_equal(lq_status_takes_touches((enum lq_status)s), takes);
		if (want != LQ_LEAD_EOK) {
			assert_int_equal(l.status, s);
			assert_true(l.first_touch_at == LQ_TIME_NONE);
		}
	}

	lead_in(&l, N);
	l.do_not_contact = true;
	assert_int_equal(lq_lead_apply(&l, NULL, &call, NULL), LQ_LEAD_EDO_NOT_CONTACT);
	assert_int_equal(l.status, N);
	assert_int_equal(l.touches, 0);
	assert_true(l.last_touch_at == LQ_TIME_NONE);
	/* Only calls are refused. */
	assert_int_equal(lq_lead_apply(&l, NULL, &mail, NULL), LQ_LEAD_EOK);
	assert_int_equal(l.touches, 1);
	/* A closed do-not-contact lead: closed is the answer. */
	lead_in(&l, J);
	l.do_not_contact = true;
	assert_int_equal(lq_lead_apply(&l, NULL, &call, NULL), LQ_LEAD_ECLOSED);
}

static void test_notes(void **state)
{
	struct lq_lead l, copy;
	struct lq_change c;
	struct lq_lead_state before;

	(void)state;
	lead_in(&l, J);
	snprintf(l.reason, sizeof l.reason, "%s", "spam");
	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_NOTE;
	c.at = T0;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EEMPTY_NOTE);
	c.text = "";
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EEMPTY_NOTE);
	c.text = "  \t\n";
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EEMPTY_NOTE);
	c.text = "Rückruf nächste Woche";
	copy = l;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EOK);
	assert_memory_equal(&l, &copy, sizeof l);   /* a note moves nothing, even closed */
	assert_int_equal(before.status, J);
	assert_string_equal(before.reason, "spam");
}

static void test_bad_change_kind(void **state)
{
	struct lq_lead l;
	struct lq_change c = status_change((enum lq_status)42, NULL);

	(void)state;
	lead_in(&l, N);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL), LQ_LEAD_EBAD_STATUS);
	c.kind = (enum lq_change_kind)17;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL), LQ_LEAD_EBAD_STATUS);
	assert_int_equal(l.status, N);
}

/* ---- undo ---------------------------------------------------------------- */

static void test_undo_restores_exactly(void **state)
{
	struct lq_lead l;
	struct lq_change c;
	struct lq_lead_state b1, a1, b2, a2, start;

	(void)state;
	lead_in(&l, N);
	lq_lead_state_get(&l, &start);

	c = touch_change(LQ_TOUCH_CALL, LQ_OUTCOME_NO_ANSWER, T0 + 60);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &b1), LQ_LEAD_EOK);
	lq_lead_state_get(&l, &a1);
	c = status_change(U, "no_answer");
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &b2), LQ_LEAD_EOK);
	lq_lead_state_get(&l, &a2);

	/* The first change is not the last one: the lead moved on. */
	assert_int_equal(lq_lead_undo(&l, &b1, &a1), LQ_LEAD_ENOT_UNDOABLE);
	assert_lead_state(&l, &a2);

	assert_int_equal(lq_lead_undo(&l, &b2, &a2), LQ_LEAD_EOK);
	assert_lead_state(&l, &a1);
	assert_string_equal(l.reason, "");
	/* Undoing twice: the lead is no longer in the "after" state. */
	assert_int_equal(lq_lead_undo(&l, &b2, &a2), LQ_LEAD_ENOT_UNDOABLE);

	assert_int_equal(lq_lead_undo(&l, &b1, &a1), LQ_LEAD_EOK);
	assert_lead_state(&l, &start);
	assert_int_equal(l.status, N);
	assert_int_equal(l.touches, 0);
	assert_true(l.first_touch_at == LQ_TIME_NONE);
	assert_true(l.last_touch_at == LQ_TIME_NONE);

	assert_int_equal(lq_lead_undo(&l, NULL, &a1), LQ_LEAD_ENOT_UNDOABLE);
	assert_int_equal(lq_lead_undo(&l, &b1, NULL), LQ_LEAD_ENOT_UNDOABLE);
	assert_int_equal(lq_lead_undo(NULL, &b1, &a1), LQ_LEAD_ENOT_UNDOABLE);
}

/* The opportunity's value travels with the status changes that carry it
 * and stays when they are undone. */
static void test_amount(void **state)
{
	struct lq_lead l;
	struct lq_change c;
	struct lq_lead_state before, after;

	(void)state;
	lead_in(&l, LQ_STATUS_QUALIFIED);
	c = status_change(LQ_STATUS_OPPORTUNITY, NULL);
	c.has_amount = true;
	c.amount = 40000;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL), LQ_LEAD_EOK);
	assert_int_equal(l.amount, 40000);
	c = status_change(LQ_STATUS_WON, NULL);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EOK);
	assert_int_equal(l.amount, 40000);   /* won at the opportunity's value */
	lq_lead_state_get(&l, &after);
	assert_int_equal(lq_lead_undo(&l, &before, &after), LQ_LEAD_EOK);
	c.has_amount = true;
	c.amount = 52000;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &before), LQ_LEAD_EOK);
	assert_int_equal(l.amount, 52000);
	lq_lead_state_get(&l, &after);
	assert_int_equal(lq_lead_undo(&l, &before, &after), LQ_LEAD_EOK);
	assert_int_equal(l.status, LQ_STATUS_OPPORTUNITY);
	assert_int_equal(l.amount, 52000);

	/* Only opportunity and won take one, and only in range. */
	c = status_change(LQ_STATUS_LOST, NULL);
	c.has_amount = true;
	c.amount = 1;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL), LQ_LEAD_EBAD_AMOUNT);
	c = status_change(LQ_STATUS_WON, NULL);
	c.has_amount = true;
	c.amount = -1;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL), LQ_LEAD_EBAD_AMOUNT);
	c.amount = LQ_AMOUNT_MAX + 1;
	assert_int_equal(lq_lead_apply(&l, NULL, &c, NULL), LQ_LEAD_EBAD_AMOUNT);
	assert_int_equal(l.status, LQ_STATUS_OPPORTUNITY);
	assert_int_equal(l.amount, 52000);
	lq_lead_clear(&l);
}

static void test_undo_refused_when_moved_on(void **state)
{
	struct lq_lead l;
	struct lq_change c;
	struct lq_lead_state b, a;

	(void)state;
	lead_in(&l, W);
	l.touches = 2;
	l.first_touch_at = T0 + 1;
	l.last_touch_at = T0 + 2;
	c = status_change(Q, NULL);
	assert_int_equal(lq_lead_apply(&l, NULL, &c, &b), LQ_LEAD_EOK);
	lq_lead_state_get(&l, &a);

	/* Each field the state holds, changed on its own, blocks the undo. */
	l.touches++;
	assert_int_equal(lq_lead_undo(&l, &b, &a), LQ_LEAD_ENOT_UNDOABLE);
	l.touches--;
	l.last_touch_at++;
	assert_int_equal(lq_lead_undo(&l, &b, &a), LQ_LEAD_ENOT_UNDOABLE);
	l.last_touch_at--;
	l.first_touch_at++;
	assert_int_equal(lq_lead_undo(&l, &b, &a), LQ_LEAD_ENOT_UNDOABLE);
	l.first_touch_at--;
	snprintf(l.reason, sizeof l.reason, "%s", "x");
	assert_int_equal(lq_lead_undo(&l, &b, &a), LQ_LEAD_ENOT_UNDOABLE);
	l.reason[0] = '\0';
	l.status = O;
	assert_int_equal(lq_lead_undo(&l, &b, &a), LQ_LEAD_ENOT_UNDOABLE);
	assert_int_equal(l.status, O);
	l.status = Q;
	assert_int_equal(lq_lead_undo(&l, &b, &a), LQ_LEAD_EOK);
	assert_int_equal(l.status, W);
	assert_int_equal(l.touches, 2);
}

/* ---- reasons --------------------------------------------------------------- */

static void test_reasons_default(void **state)
{
	struct lq_reasons r;
	const struct lq_reason *list;
	int count = -1;

	(void)state;
	lq_reasons_default(&r);
	list = lq_reasons_for(&r, LQ_STATUS_RECYCLED, &count);
	assert_non_null(list);
	assert_int_equal(count, 6);
	assert_string_equal(list[0].code, "not_ready");
	assert_string_equal(list[0].label, "not ready yet");
	assert_string_equal(list[1].label, "no budget");
	list = lq_reasons_for(&r, LQ_STATUS_JUNK, &count);
	assert_int_equal(count, 5);
	assert_string_equal(list[4].code, "competitor");
	list = lq_reasons_for(&r, LQ_STATUS_UNREACHABLE, &count);
	assert_int_equal(count, 4);
	assert_string_equal(list[3].code, "sla_expired");
	assert_non_null(list[3].label);

	count = 9;
	assert_null(lq_reasons_for(&r, LQ_STATUS_QUALIFIED, &count));
	assert_int_equal(count, 0);
	assert_null(lq_reasons_for(&r, LQ_STATUS_WON, NULL));
	assert_non_null(lq_reasons_for(NULL, LQ_STATUS_JUNK, NULL));

	assert_true(lq_reason_valid(&r, LQ_STATUS_JUNK, "student"));
	assert_true(lq_reason_valid(NULL, LQ_STATUS_UNREACHABLE, "bounced"));
	assert_false(lq_reason_valid(&r, LQ_STATUS_RECYCLED, "student"));
	assert_false(lq_reason_valid(&r, LQ_STATUS_RECYCLED, ""));
	assert_false(lq_reason_valid(&r, LQ_STATUS_RECYCLED, NULL));
	assert_false(lq_reason_valid(&r, LQ_STATUS_WON, "timing"));
}

static void test_reasons_set(void **state)
{
	struct lq_reasons r, copy;
	const struct lq_reason *list;
	int count;
	char many[LQ_REASON_MAX * 4 + 8];
	size_t pos = 0;
	int i;

	(void)state;
	lq_reasons_default(&r);
	assert_true(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "no_budget, reorg_2026 ,x"));
	list = lq_reasons_for(&r, LQ_STATUS_RECYCLED, &count);
	assert_int_equal(count, 3);
	assert_string_equal(list[0].code, "no_budget");
	assert_string_equal(list[0].label, "no budget");   /* a default keeps its label */
	assert_string_equal(list[1].code, "reorg_2026");
	assert_null(list[1].label);                        /* a new code shows itself */
	assert_string_equal(list[2].code, "x");
	/* The other lists are untouched. */
	lq_reasons_for(&r, LQ_STATUS_JUNK, &count);
	assert_int_equal(count, 5);

	copy = r;
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, ""));
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "a,,b"));
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "a,"));
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "No_Budget"));
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "no budget"));
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "café"));
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, "a,b,a"));
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED,
				    "abcdefghijabcdefghijabcdefghijab"));          /* 32 bytes */
	assert_false(lq_reasons_set(&r, LQ_STATUS_RECYCLED, NULL));
	assert_false(lq_reasons_set(&r, LQ_STATUS_QUALIFIED, "a"));
	assert_false(lq_reasons_set(NULL, LQ_STATUS_RECYCLED, "a"));
	assert_memory_equal(&r, &copy, sizeof r);
	assert_true(lq_reasons_set(&r, LQ_STATUS_JUNK,
				   "abcdefghijabcdefghijabcdefghija"));            /* 31 bytes */

	for (i = 0; i <= LQ_REASON_MAX; i++)
		pos += (size_t)snprintf(many + pos, sizeof many - pos, "%sr%d", i ? "," : "", i);
	assert_false(lq_reasons_set(&r, LQ_STATUS_UNREACHABLE, many));       /* 33 codes */
	*strrchr(many, ',') = '\0';
	assert_true(lq_reasons_set(&r, LQ_STATUS_UNREACHABLE, many));        /* 32 codes */
	lq_reasons_for(&r, LQ_STATUS_UNREACHABLE, &count);
	assert_int_equal(count, LQ_REASON_MAX);
}

/* ---- leads: init, strings, score parts ----------------------------------- */

static void test_lead_init_clear(void **state)
{
	struct lq_lead l;

	(void)state;
	memset(&l, 0x5a, sizeof l);
	lq_lead_init(&l);
	assert_int_equal(l.status, N);
	assert_null(l.name);
	assert_true(l.mql_at == LQ_TIME_NONE);
	assert_true(l.first_touch_at == LQ_TIME_NONE);
	assert_true(l.last_touch_at == LQ_TIME_NONE);
	assert_true(l.sla_first_due == LQ_TIME_NONE);
	assert_true(l.sla_cadence_due == LQ_TIME_NONE);
	assert_true(l.next_touch_due == LQ_TIME_NONE);
	assert_true(l.next_appt_at == LQ_TIME_NONE);
	assert_true(l.updated_at == LQ_TIME_NONE);
	assert_string_equal(l.reason, "");
	assert_int_equal(l.touches, 0);

	assert_true(lq_lead_set_str(&l.name, "José Núñez"));
	assert_true(lq_lead_set_str(&l.city, "São Paulo"));
	assert_true(lq_lead_set_str(&l.team_id, "t"));
	assert_true(lq_lead_set_str(&l.name, "Zoë"));      /* replaces, frees the old */
	assert_string_equal(l.name, "Zoë");
	assert_true(lq_lead_set_str(&l.city, NULL));
	assert_null(l.city);
	assert_false(lq_lead_set_str(NULL, "x"));
	l.status = J;
	lq_lead_clear(&l);                                  /* ASan: nothing leaks */
	assert_null(l.name);
	assert_null(l.team_id);
	assert_int_equal(l.status, N);
}

static void test_lead_set_str_oom(void **state)
{
	struct lq_lead l;

	(void)state;
	lq_lead_init(&l);
	assert_true(lq_lead_set_str(&l.company, "ACME"));
	lq_mem_fail_after(0);
	assert_false(lq_lead_set_str(&l.company, "Société Générale"));
	assert_string_equal(l.company, "ACME");            /* the old value stays */
	assert_false(lq_lead_set_str(&l.email, "a@b.c"));
	assert_null(l.email);
	assert_true(lq_lead_set_str(&l.company, NULL));    /* clearing needs no memory */
	assert_null(l.company);
	lq_mem_fail_after(1);
	assert_true(lq_lead_set_str(&l.company, "one"));
	assert_false(lq_lead_set_str(&l.phone, "two"));
	lq_mem_fail_after(-1);
	assert_string_equal(l.company, "one");
	assert_null(l.phone);
	lq_lead_clear(&l);
}

static void test_score_parts(void **state)
{
	struct lq_lead l;
	char buf[128];

	(void)state;
	lq_lead_init(&l);
	l.score = 85;
	assert_true(lq_score_parts_parse(&l, "fit:40,engagement:35,recency:10"));
	assert_int_equal(l.nscore_parts, 3);
	assert_string_equal(l.score_parts[1].name, "engagement");
	assert_int_equal(l.score_parts[1].points, 35);
	assert_int_equal(l.score, 85);
	assert_int_equal(lq_score_parts_format(&l, buf, sizeof buf), 31);
	assert_string_equal(buf, "fit:40,engagement:35,recency:10");

	assert_true(lq_score_parts_parse(&l, "fit:-5,web_visits:+7"));
	assert_int_equal(l.nscore_parts, 2);
	assert_int_equal(l.score_parts[0].points, -5);
	lq_score_parts_format(&l, buf, sizeof buf);
	assert_string_equal(buf, "fit:-5,web_visits:7");

	/* Round trip of six parts with the longest names. */
	assert_true(lq_score_parts_parse(&l, "abcdefghijklmno:1,b:2,c:3,d:4,e:5,f:6"));
	assert_int_equal(l.nscore_parts, 6);
	lq_score_parts_format(&l, buf, sizeof buf);
	assert_string_equal(buf, "abcdefghijklmno:1,b:2,c:3,d:4,e:5,f:6");

	assert_true(lq_score_parts_parse(&l, ""));
	assert_int_equal(l.nscore_parts, 0);
	assert_int_equal(lq_score_parts_format(&l, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_true(lq_score_parts_parse(&l, "fit:1"));
	assert_true(lq_score_parts_parse(&l, NULL));
	assert_int_equal(l.nscore_parts, 0);
	assert_false(lq_score_parts_parse(NULL, "fit:1"));
}

static void test_score_parts_bad(void **state)
{
	static const char *const bad[] = {
		"fit", "fit:", ":40", "fit:40,", ",fit:40", "fit:40,,a:1", "Fit:40", "fit 40",
		"fit: 40", "fit:40 ", "fit:4x", "fit:--4", "fit:+", "fi-t:4", "fit2:4", "fït:4",
		"abcdefghijklmnop:1",                          /* 16 letters */
		"a:1,b:2,c:3,d:4,e:5,f:6,g:7",                 /* 7 parts */
		"fit:1,fit:2",                                 /* repeated */
		"fit:99999999999999999999",                    /* overflow */
		"fit:1000001",
	};
	struct lq_lead l;
	size_t i;

	(void)state;
	lq_lead_init(&l);
	assert_true(lq_score_parts_parse(&l, "fit:40,engagement:35"));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (lq_score_parts_parse(&l, bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(l.nscore_parts, 2);           /* left alone */
		assert_string_equal(l.score_parts[0].name, "fit");
	}
	assert_true(lq_score_parts_parse(&l, "fit:1000000,x:-1000000"));
}

static void test_score_parts_format_short(void **state)
{
	struct lq_lead l;
	char buf[16];

	(void)state;
	lq_lead_init(&l);
	assert_true(lq_score_parts_parse(&l, "fit:40,engagement:35,recency:10"));
	memset(buf, 'X', sizeof buf);
	/* Whole parts only: "fit:40" (6) fits in 12, ",engagement:35" does not. */
	assert_int_equal(lq_score_parts_format(&l, buf, 12), 31);
	assert_string_equal(buf, "fit:40");
	assert_int_equal(buf[12], 'X');
	assert_int_equal(lq_score_parts_format(&l, buf, 6), 31);
	assert_string_equal(buf, "");
	assert_int_equal(lq_score_parts_format(&l, NULL, 0), 31);
	assert_int_equal(lq_score_parts_format(NULL, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

/* ---- activities, users, teams --------------------------------------------- */

static void test_activity_init_clear(void **state)
{
	struct lq_activity a;

	(void)state;
	memset(&a, 0x33, sizeof a);
	lq_activity_init(&a);
	assert_int_equal(a.outcome, -1);
	assert_true(a.at == LQ_TIME_NONE);
	assert_null(a.actor);
	assert_false(a.undone);
	a.actor = lq_strdup("marketing");
	a.subject = lq_strdup("Webinar: Lead-Routing für Profis");
	a.detail = lq_strdup("k=v");
	a.campaign = lq_strdup("q1");
	a.outcome = LQ_OUTCOME_SENT;
	lq_activity_clear(&a);
	assert_null(a.subject);
	assert_int_equal(a.outcome, -1);
}

static void test_user_team(void **state)
{
	struct lq_user u;
	struct lq_team t;

	(void)state;
	lq_user_init(&u);
	assert_int_equal(u.role, LQ_ROLE_REP);
	assert_true(u.active);
	assert_null(u.team_id);
	u.login = lq_strdup("ana");
	u.name = lq_strdup("Ana Łukasiewicz");
	u.team_id = lq_strdup("t1");
	u.role = LQ_ROLE_ADMIN;
	lq_user_clear(&u);
	assert_null(u.login);
	assert_int_equal(u.role, LQ_ROLE_REP);

	lq_team_init(&t);
	assert_null(t.name);
	assert_true(t.policy.first_contact_minutes > 0);
	assert_true(t.policy.touches_required > 0);
	t.name = lq_strdup("DACH");
	t.tz = lq_strdup("Europe/Zurich");
	t.hours = lq_strdup("mon-fri 09:00-17:00");
	t.holidays = lq_strdup("");
	lq_team_clear(&t);
	assert_null(t.tz);
	assert_true(t.policy.first_contact_minutes > 0);
}

#define AGENT "3f2a0000-0000-4000-8000-0000000000aa"
#define OTHER "3f2a0000-0000-4000-8000-0000000000bb"

/* A callback is due until a call from shortly before it on answers it;
 * personal ones only for their user; closed or do-not-contact leads take
 * none, but may always cancel. */
static void test_callback(void **state)
{
	struct lq_lead l;
	struct lq_change ch = { .kind = LQ_CHANGE_CALLBACK, .callback_at = T0 + 3600,
				.callback_user = AGENT };
	struct lq_change call = { .kind = LQ_CHANGE_TOUCH, .touch = LQ_TOUCH_CALL,
				  .outcome = LQ_OUTCOME_CONNECTED };
	struct lq_lead_state before;

	(void)state;
	lq_lead_init(&l);
	assert_false(lq_lead_callback_pending(&l));
	assert_true(lq_lead_due_at(&l, AGENT) == LQ_TIME_NONE);
	assert_int_equal(lq_lead_apply(&l, NULL, &ch, &before), LQ_LEAD_EOK);
	assert_string_equal(l.callback_user, AGENT);
	assert_true(l.callback_at == T0 + 3600);
	assert_true(lq_lead_callback_pending(&l));
	assert_true(lq_lead_due_at(&l, AGENT) == T0 + 3600);
	assert_true(lq_lead_due_at(&l, OTHER) == LQ_TIME_NONE);   /* not theirs */
	assert_true(lq_lead_due_at(&l, NULL) == T0 + 3600);
	/* An appointment earlier comes first. */
	l.next_appt_at = T0 + 1800;
	assert_true(lq_lead_due_at(&l, AGENT) == T0 + 1800);
	l.next_appt_at = LQ_TIME_NONE;

	/* A call well before the callback does not answer it; one from 15
	 * minutes before does, and undoing it brings the callback back. */
	call.at = T0;
	assert_int_equal(lq_lead_apply(&l, NULL, &call, NULL), LQ_LEAD_EOK);
	assert_true(lq_lead_callback_pending(&l));
	call.at = T0 + 3600 - LQ_CALLBACK_WINDOW;
	assert_int_equal(lq_lead_apply(&l, NULL, &call, &before), LQ_LEAD_EOK);
	assert_false(lq_lead_callback_pending(&l));
	assert_true(lq_lead_due_at(&l, AGENT) == LQ_TIME_NONE);
	{
		struct lq_lead_state after;

		lq_lead_state_get(&l, &after);
		assert_int_equal(lq_lead_undo(&l, &before, &after), LQ_LEAD_EOK);
	}
	assert_true(lq_lead_callback_pending(&l));

	/* The team's: due for anyone. */
	ch.callback_user = NULL;
	ch.callback_at = T0 + 7200;
	assert_int_equal(lq_lead_apply(&l, NULL, &ch, NULL), LQ_LEAD_EOK);
	assert_null(l.callback_user);
	assert_true(lq_lead_due_at(&l, OTHER) == T0 + 7200);

	/* Refused on a do-not-contact or closed lead, the lead unchanged. */
	l.do_not_contact = true;
	ch.callback_at = T0 + 9000;
	assert_int_equal(lq_lead_apply(&l, NULL, &ch, NULL), LQ_LEAD_EDO_NOT_CONTACT);
	assert_true(l.callback_at == T0 + 7200);
	l.do_not_contact = false;
	l.status = LQ_STATUS_JUNK;
	assert_int_equal(lq_lead_apply(&l, NULL, &ch, NULL), LQ_LEAD_ECLOSED);
	/* Cancelling is always possible. */
	ch.callback_at = LQ_TIME_NONE;
	ch.callback_user = AGENT;
	assert_int_equal(lq_lead_apply(&l, NULL, &ch, NULL), LQ_LEAD_EOK);
	assert_true(l.callback_at == LQ_TIME_NONE);
	assert_null(l.callback_user);
	assert_false(lq_lead_callback_pending(&l));
	lq_lead_clear(&l);
}

static void test_callback_subject(void **state)
{
	char buf[64];
	lq_time at;
	bool personal;

	(void)state;
	lq_callback_subject(buf, sizeof buf, T0, AGENT);
	assert_string_equal(buf, "2026-01-01T00:00:00Z personal");
	assert_true(lq_callback_subject_parse(buf, &at, &personal));
	assert_true(at == T0 && personal);
	lq_callback_subject(buf, sizeof buf, T0, NULL);
	assert_string_equal(buf, "2026-01-01T00:00:00Z team");
	assert_true(lq_callback_subject_parse(buf, &at, &personal));
	assert_false(personal);
	lq_callback_subject(buf, sizeof buf, LQ_TIME_NONE, AGENT);
	assert_string_equal(buf, "cancelled");
	assert_true(lq_callback_subject_parse(buf, &at, &personal));
	assert_true(at == LQ_TIME_NONE);
	assert_false(lq_callback_subject_parse("2026-01-01T00:00:00Z later", &at, &personal));
	assert_false(lq_callback_subject_parse("tomorrow personal", &at, &personal));
	assert_false(lq_callback_subject_parse(NULL, &at, &personal));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_names_bad_input),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_status_predicates),
		cmocka_unit_test(test_can_move_table),
		cmocka_unit_test(test_apply_status_table),
		cmocka_unit_test(test_apply_reasons),
		cmocka_unit_test(test_requalify_resets_cycle),
		cmocka_unit_test(test_touch_outcomes),
		cmocka_unit_test(test_touch_counts_and_times),
		cmocka_unit_test(test_touch_closed_and_do_not_contact),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_bad_change_kind),
		cmocka_unit_test(test_undo_restores_exactly),
		cmocka_unit_test(test_undo_refused_when_moved_on),
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_reasons_default),
		cmocka_unit_test(test_reasons_set),
		cmocka_unit_test(test_lead_init_clear),
		cmocka_unit_test(test_lead_set_str_oom),
		cmocka_unit_test(test_score_parts),
		cmocka_unit_test(test_score_parts_bad),
		cmocka_unit_test(test_score_parts_format_short),
		cmocka_unit_test(test_activity_init_clear),
		cmocka_unit_test(test_user_team),
		cmocka_unit_test(test_callback),
		cmocka_unit_test(test_callback_subject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
