/* Unit tests: src/proto/codec.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "leadq/codec.h"
#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/org.h"

#define T0 ((lq_time)1767603600)   /* 2026-01-05T09:00:00Z */
#define LEAD_ID "3f2a0000-0000-4000-8000-000000000001"
#define ACT_ID "3f2a0000-0000-4000-8000-000000000002"
#define USER_ID "3f2a0000-0000-4000-8000-000000000003"
#define TEAM_ID "3f2a0000-0000-4000-8000-000000000004"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		fail_msg("bad test JSON: %s", e.text);
	return j;
}

static void full_lead(struct lq_lead *l)
{
	lq_lead_init(l);
	memcpy(l->id, LEAD_ID, LQ_UUID_SIZE);
	assert_true(lq_lead_set_str(&l->external_id, "mautic-7"));
	assert_true(lq_lead_set_str(&l->name, "José Núñez"));
	assert_true(lq_lead_set_str(&l->title, "Gerente"));
	assert_true(lq_lead_set_str(&l->company, "Açaí \"Bom\" Ltda"));
	assert_true(lq_lead_set_str(&l->email, "jose@example.com"));
	assert_true(lq_lead_set_str(&l->phone, "+55 11 0000-0000"));
	assert_true(lq_lead_set_str(&l->country, "BR"));
	assert_true(lq_lead_set_str(&l->region, "SP"));
	assert_true(lq_lead_set_str(&l->city, "São Paulo"));
	assert_true(lq_lead_set_str(&l->postal_code, "01000-000"));
	assert_true(lq_lead_set_str(&l->industry, "retail"));
	assert_true(lq_lead_set_str(&l->tz, "America/Sao_Paulo"));
	assert_true(lq_lead_set_str(&l->source, "webinar"));
	assert_true(lq_lead_set_str(&l->campaign, "verão-2026"));
	assert_true(lq_lead_set_str(&l->owner_id, USER_ID));
	assert_true(lq_lead_set_str(&l->team_id, TEAM_ID));
	l->employees = 120;
	l->amount = 48000;
	l->score = 81;
	assert_true(lq_score_parts_parse(l, "fit:40,engagement:35,recency:6"));
	l->status = LQ_STATUS_RECYCLED;
	memcpy(l->reason, "no_budget", 10);
	l->mql_at = T0 - LQ_DAY;
	l->first_touch_at = T0 - 3600;
	l->last_touch_at = T0 - 60;
	l->touches = 3;
	l->touches_required = 6;
	l->sla_first_due = T0 + 1;
	l->sla_cadence_due = T0 + 2;
	l->next_touch_due = T0 + 3;
	l->next_appt_at = T0 + 4;
	l->do_not_contact = true;
	l->version = 9876543210LL;
	l->updated_at = T0;
}

static void test_lead_round_trip(void **state)
{
	struct lq_lead l, back;
	char err[128], *text;
	json_t *j, *again;

	(void)state;
	full_lead(&l);
	j = lq_lead_to_json(&l);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "mql_at")), "2026-01-04T09:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "status")), "recycle");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "score_parts"),
							     "engagement")), 35);

	/* Through text and back: every field. */
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	again = parse(text);
	free(text);
	assert_true(lq_lead_from_json(again, &back, err, sizeof err));
	assert_string_equal(back.id, LEAD_ID);
	assert_string_equal(back.external_id, "mautic-7");
	assert_string_equal(back.name, "José Núñez");
	assert_string_equal(back.title, "Gerente");
	assert_string_equal(back.company, "Açaí \"Bom\" Ltda");
	assert_string_equal(back.email, "jose@example.com");
	assert_string_equal(back.phone, "+55 11 0000-0000");
	assert_string_equal(back.country, "BR");
	assert_string_equal(back.region, "SP");
	assert_string_equal(back.city, "São Paulo");
	assert_string_equal(back.postal_code, "01000-000");
	assert_string_equal(back.industry, "retail");
	assert_string_equal(back.tz, "America/Sao_Paulo");
	assert_string_equal(back.source, "webinar");
	assert_string_equal(back.campaign, "verão-2026");
	assert_string_equal(back.owner_id, USER_ID);
	assert_string_equal(back.team_id, TEAM_ID);
	assert_int_equal(back.employees, 120);
	assert_int_equal(back.amount, 48000);
	assert_int_equal(back.score, 81);
	assert_int_equal(back.nscore_parts, 3);
	assert_string_equal(back.score_parts[0].name, "fit");
	assert_int_equal(back.score_parts[0].points, 40);
	assert_string_equal(back.score_parts[2].name, "recency");
	assert_int_equal(back.score_parts[2].points, 6);
	assert_int_equal(back.status, LQ_STATUS_RECYCLED);
	assert_string_equal(back.reason, "no_budget");
	assert_true(back.mql_at == l.mql_at);
	assert_true(back.first_touch_at == l.first_touch_at);
	assert_true(back.last_touch_at == l.last_touch_at);
	assert_int_equal(back.touches, 3);
	assert_int_equal(back.touches_required, 6);
	assert_true(back.sla_first_due == l.sla_first_due);
	assert_true(back.sla_cadence_due == l.sla_cadence_due);
	assert_true(back.next_touch_due == l.next_touch_due);
	assert_true(back.next_appt_at == l.next_appt_at);
	assert_true(back.do_not_contact);
	assert_true(back.version == 9876543210LL);
	assert_true(back.updated_at == T0);
	lq_lead_clear(&back);
	json_decref(again);
	json_decref(j);
	lq_lead_clear(&l);
}

static void test_lead_nulls(void **state)
{
	struct lq_lead l, back;
	char err[128];
	json_t *j;

	(void)state;
	lq_lead_init(&l);
	memcpy(l.id, LEAD_ID, LQ_UUID_SIZE);
	j = lq_lead_to_json(&l);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(j, "first_touch_at")));
	assert_true(json_is_null(json_object_get(j, "mql_at")));
	assert_true(json_is_null(json_object_get(j, "name")));
	assert_true(json_is_null(json_object_get(j, "reason")));
	assert_int_equal(json_object_size(json_object_get(j, "score_parts")), 0);
	assert_true(lq_lead_from_json(j, &back, err, sizeof err));
	assert_null(back.name);
	assert_true(back.first_touch_at == LQ_TIME_NONE);
	assert_true(back.mql_at == LQ_TIME_NONE);
	assert_string_equal(back.reason, "");
	assert_int_equal(back.status, LQ_STATUS_NEW);
	lq_lead_clear(&back);
	json_decref(j);

	/* Only the id is needed; unknown fields are ignored; offsets accepted. */
	j = parse("{\"id\":\"" LEAD_ID "\",\"shoe_size\":44,"
		  "\"mql_at\":\"2026-01-05T10:00:00+01:00\",\"name\":null}");
	assert_true(lq_lead_from_json(j, &back, err, sizeof err));
	assert_true(back.mql_at == T0);
	assert_null(back.name);
	lq_lead_clear(&back);
	json_decref(j);
}

struct bad_case {
	const char *json;
	const char *err;
};

static void test_lead_bad_fields(void **state)
{
	static const struct bad_case cases[] = {
		{ "[]", "lead: expected an object" },
		{ "{}", "lead.id: missing" },
		{ "{\"id\":\"3f2a\"}", "lead.id: expected a UUID" },
		{ "{\"id\":\"" LEAD_ID "\",\"score\":\"high\"}", "lead.score: expected an integer" },
		{ "{\"id\":\"" LEAD_ID "\",\"score\":1.5}", "lead.score: expected an integer" },
		{ "{\"id\":\"" LEAD_ID "\",\"employees\":-3}", "lead.employees: out of range" },
		{ "{\"id\":\"" LEAD_ID "\",\"amount\":-1}", "lead.amount: out of range" },
		{ "{\"id\":\"" LEAD_ID "\",\"amount\":\"12k\"}", "lead.amount: expected an integer" },
		{ "{\"id\":\"" LEAD_ID "\",\"name\":42}", "lead.name: expected a string" },
		{ "{\"id\":\"" LEAD_ID "\",\"status\":\"hot\"}", "lead.status: unknown value 'hot'" },
		{ "{\"id\":\"" LEAD_ID "\",\"mql_at\":\"yesterday\"}",
		  "lead.mql_at: expected an RFC 3339 time" },
		{ "{\"id\":\"" LEAD_ID "\",\"mql_at\":12345}", "lead.mql_at: expected a string" },
		{ "{\"id\":\"" LEAD_ID "\",\"do_not_contact\":1}",
		  "lead.do_not_contact: expected true or false" },
		{ "{\"id\":\"" LEAD_ID "\",\"reason\":\"an_extremely_long_reason_code_xxxxx\"}",
		  "lead.reason: longer than 31 bytes" },
		{ "{\"id\":\"" LEAD_ID "\",\"score_parts\":[1]}", "lead.score_parts: expected an object" },
		{ "{\"id\":\"" LEAD_ID "\",\"score_parts\":{\"fit\":\"x\"}}",
		  "lead.score_parts: 'fit': expected an integer" },
		{ "{\"id\":\"" LEAD_ID "\",\"score_parts\":{\"Fit!\":1}}",
		  "lead.score_parts: bad part name 'Fit!' (a-z and _ only)" },
		{ "{\"id\":\"" LEAD_ID "\",\"version\":-1}", "lead.version: out of range" },
		{ "{\"id\":\"" LEAD_ID "\",\"city\":\"a\\u0000b\"}", NULL },   /* rejected by the parser */
	};
	struct lq_lead l;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = json_loads(cases[i].json, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);

		assert_non_null(j);
		err[0] = '\0';
		assert_false(lq_lead_from_json(j, &l, err, sizeof err));
		if (cases[i].err)
			assert_string_equal(err, cases[i].err);
		else
			assert_string_equal(err, "lead.city: contains a NUL character");
		assert_null(l.name);   /* cleared */
		json_decref(j);
	}
	/* A tiny error buffer is cut, never overrun. */
	{
		json_t *j = parse("{\"id\":\"" LEAD_ID "\",\"score\":\"x\"}");

		memset(err, '#', sizeof err);
		assert_false(lq_lead_from_json(j, &l, err, 8));
		assert_int_equal(strlen(err), 7);
		assert_int_equal(err[8], '#');
		assert_false(lq_lead_from_json(j, &l, NULL, 0));
		json_decref(j);
	}
}

static void test_invalid_utf8_rejected(void **state)
{
	struct lq_lead l;
	struct lq_user u;
	char err[128];
	json_t *j;

	(void)state;
	/* jansson's parser refuses it outright ... */
	assert_null(json_loads("{\"id\":\"" LEAD_ID "\",\"name\":\"Jos\xe9\"}", 0, NULL));

	/* ... and a value built without its check is refused by the codec. */
	j = parse("{\"id\":\"" LEAD_ID "\"}");
	json_object_set_new(j, "name", json_stringn_nocheck("Jos\xe9 N", 6));
	assert_false(lq_lead_from_json(j, &l, err, sizeof err));
	assert_string_equal(err, "lead.name: invalid UTF-8");
	json_decref(j);

	j = parse("{\"id\":\"" USER_ID "\"}");
	json_object_set_new(j, "login", json_stringn_nocheck("\xc3\x28", 2));
	assert_false(lq_user_from_json(j, &u, err, sizeof err));
	assert_string_equal(err, "user.login: invalid UTF-8");
	json_decref(j);

	/* Writing a lead with a broken name gives NULL, not broken JSON. */
	lq_lead_init(&l);
	memcpy(l.id, LEAD_ID, LQ_UUID_SIZE);
	l.name = (char *)"Jos\xe9";
	assert_null(lq_lead_to_json(&l));
}

static void test_activity_round_trip(void **state)
{
	struct lq_activity a, back;
	char err[128];
	json_t *j;

	(void)state;
	lq_activity_init(&a);
	memcpy(a.id, ACT_ID, LQ_UUID_SIZE);
	memcpy(a.lead_id, LEAD_ID, LQ_UUID_SIZE);
	a.kind = LQ_ACT_CALL;
	a.at = T0;
	a.actor = (char *)USER_ID;
	a.subject = (char *)"Llamada a São Paulo";
	a.detail = (char *)"interesado → demo";
	a.duration_s = 312;
	a.outcome = LQ_OUTCOME_CONNECTED;
	a.undone = true;
	j = lq_activity_to_json(&a);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "call");
	assert_string_equal(json_string_value(json_object_get(j, "outcome")), "connected");
	assert_string_equal(json_string_value(json_object_get(j, "at")), "2026-01-05T09:00:00Z");
	assert_true(json_is_null(json_object_get(j, "campaign")));
	assert_true(lq_activity_from_json(j, &back, err, sizeof err));
	assert_string_equal(back.id, ACT_ID);
	assert_string_equal(back.lead_id, LEAD_ID);
	assert_int_equal(back.kind, LQ_ACT_CALL);
	assert_true(back.at == T0);
	assert_string_equal(back.actor, USER_ID);
	assert_string_equal(back.subject, "Llamada a São Paulo");
	assert_string_equal(back.detail, "interesado → demo");
	assert_null(back.campaign);
	assert_int_equal(back.duration_s, 312);
	assert_int_equal(back.outcome, LQ_OUTCOME_CONNECTED);
	assert_true(back.undone);
	lq_activity_clear(&back);
	json_decref(j);

	/* No outcome is null, and reads back as -1. */
	a.kind = LQ_ACT_PAGE_VIEW;
	a.outcome = -1;
	a.at = LQ_TIME_NONE;
	j = lq_activity_to_json(&a);
	assert_true(json_is_null(json_object_get(j, "outcome")));
	assert_true(json_is_null(json_object_get(j, "at")));
	assert_true(lq_activity_from_json(j, &back, err, sizeof err));
	assert_int_equal(back.outcome, -1);
	assert_true(back.at == LQ_TIME_NONE);
	lq_activity_clear(&back);
	json_object_set_new(j, "kind", json_string("telepathy"));
	assert_false(lq_activity_from_json(j, &back, err, sizeof err));
	assert_string_equal(err, "activity.kind: unknown value 'telepathy'");
	json_object_del(j, "kind");
	assert_false(lq_activity_from_json(j, &back, err, sizeof err));
	assert_string_equal(err, "activity.kind: missing");
	json_object_set_new(j, "kind", json_string("note"));
	json_object_set_new(j, "lead_id", json_integer(3));
	assert_false(lq_activity_from_json(j, &back, err, sizeof err));
	assert_string_equal(err, "activity.lead_id: expected a string");
	json_decref(j);
}

static void test_user_round_trip(void **state)
{
	struct lq_user u, back;
	char err[128];
	json_t *j;

	(void)state;
	lq_user_init(&u);
	memcpy(u.id, USER_ID, LQ_UUID_SIZE);
	u.login = (char *)"lucia";
	u.name = (char *)"Lucía Müller";
	u.email = (char *)"lucia@example.com";
	u.tz = (char *)"Europe/Zurich";
	u.team_id = (char *)TEAM_ID;
	u.role = LQ_ROLE_TELEQUAL;
	u.capacity = 55;
	u.active = false;
	j = lq_user_to_json(&u);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "role")), "telequal");
	assert_true(lq_user_from_json(j, &back, err, sizeof err));
	assert_string_equal(back.login, "lucia");
	assert_string_equal(back.name, "Lucía Müller");
	assert_string_equal(back.email, "lucia@example.com");
	assert_string_equal(back.tz, "Europe/Zurich");
	assert_string_equal(back.team_id, TEAM_ID);
	assert_int_equal(back.role, LQ_ROLE_TELEQUAL);
	assert_int_equal(back.capacity, 55);
	assert_false(back.active);
	lq_user_clear(&back);
	json_object_set_new(j, "role", json_string("king"));
	assert_false(lq_user_from_json(j, &back, err, sizeof err));
	assert_string_equal(err, "user.role: unknown value 'king'");
	json_object_set_new(j, "role", json_string("rep"));
	json_object_set_new(j, "active", json_string("yes"));
	assert_false(lq_user_from_json(j, &back, err, sizeof err));
	assert_string_equal(err, "user.active: expected true or false");
	json_decref(j);

	/* Defaults: active, rep. */
	j = parse("{\"id\":\"" USER_ID "\"}");
	assert_true(lq_user_from_json(j, &back, err, sizeof err));
	assert_true(back.active);
	assert_int_equal(back.role, LQ_ROLE_REP);
	assert_null(back.team_id);
	lq_user_clear(&back);
	json_decref(j);
}

static void test_team_round_trip(void **state)
{
	struct lq_team t, back;
	char err[128];
	json_t *j;

	(void)state;
	lq_team_init(&t);
	memcpy(t.id, TEAM_ID, LQ_UUID_SIZE);
	t.name = (char *)"Zürich Inbound";
	t.tz = (char *)"Europe/Zurich";
	t.hours = (char *)"mon-fri 08:30-12:00,13:30-17:30";
	t.holidays = (char *)"2026-08-01";
	t.policy.first_contact_minutes = 45;
	t.policy.touches_required = 5;
	t.policy.touch_window_days = 8;
	t.policy.at_risk_percent = 30;
	j = lq_team_to_json(&t);
	assert_non_null(j);
	assert_true(lq_team_from_json(j, &back, err, sizeof err));
	assert_string_equal(back.name, "Zürich Inbound");
	assert_string_equal(back.tz, "Europe/Zurich");
	assert_string_equal(back.hours, "mon-fri 08:30-12:00,13:30-17:30");
	assert_string_equal(back.holidays, "2026-08-01");
	assert_int_equal(back.policy.first_contact_minutes, 45);
	assert_int_equal(back.policy.touches_required, 5);
	assert_int_equal(back.policy.touch_window_days, 8);
	assert_int_equal(back.policy.at_risk_percent, 30);
	lq_team_clear(&back);
	json_object_set_new(json_object_get(j, "policy"), "at_risk_percent", json_integer(150));
	assert_false(lq_team_from_json(j, &back, err, sizeof err));
	assert_string_equal(err, "team.policy.at_risk_percent: out of range");
	json_object_set_new(j, "policy", json_string("strict"));
	assert_false(lq_team_from_json(j, &back, err, sizeof err));
	assert_string_equal(err, "team.policy: expected an object");
	json_decref(j);

	/* Without a policy: the default one. */
	j = parse("{\"id\":\"" TEAM_ID "\",\"name\":\"X\"}");
	assert_true(lq_team_from_json(j, &back, err, sizeof err));
	lq_team_init(&t);
	assert_int_equal(back.policy.first_contact_minutes, t.policy.first_contact_minutes);
	lq_team_clear(&back);
	json_decref(j);
}

static void check_change_round_trip(const struct lq_change *c, const char *kind,
				    const char *expect_json)
{
	struct lq_change back;
	char err[128], *text;
	json_t *j;

	assert_string_equal(lq_change_op_kind(c->kind), kind);
	j = lq_change_args_to_json(c, ACT_ID);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, expect_json);
	free(text);
	assert_true(lq_change_from_args(kind, j, &back, err, sizeof err));
	assert_int_equal(back.kind, c->kind);
	assert_true(back.at == LQ_TIME_NONE);
	if (c->kind == LQ_CHANGE_STATUS) {
		assert_int_equal(back.to, c->to);
		if (c->reason)
			assert_string_equal(back.reason, c->reason);
		else
			assert_null(back.reason);
	} else if (c->kind == LQ_CHANGE_TOUCH) {
		assert_int_equal(back.touch, c->touch);
		assert_int_equal(back.outcome, c->outcome);
	} else if (c->kind == LQ_CHANGE_CALLBACK) {
		assert_true(back.callback_at == c->callback_at);
		if (c->callback_user)
			assert_string_equal(back.callback_user, c->callback_user);
		else
			assert_null(back.callback_user);
	}
	if (c->text)
		assert_string_equal(back.text, c->text);
	json_decref(j);
}

/* A callback: personal, team, cancelled; a bad user is refused. */
static void test_callback_args(void **state)
{
	struct lq_change c, back;
	char err[128];
	json_t *j;

	(void)state;
	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_CALLBACK;
	c.callback_at = T0;
	c.callback_user = USER_ID;
	c.text = "llamar tras la reunión";
	check_change_round_trip(&c, "schedule_callback",
				"{\"callback_at\":\"2026-01-05T09:00:00Z\",\"callback_user\":\""
				USER_ID "\",\"text\":\"llamar tras la reunión\",\"activity\":\""
				ACT_ID "\"}");
	c.callback_user = NULL;
	c.text = NULL;
	check_change_round_trip(&c, "schedule_callback",
				"{\"callback_at\":\"2026-01-05T09:00:00Z\",\"callback_user\":null,"
				"\"activity\":\"" ACT_ID "\"}");
	c.callback_at = LQ_TIME_NONE;
	check_change_round_trip(&c, "schedule_callback",
				"{\"callback_at\":null,\"callback_user\":null,\"activity\":\""
				ACT_ID "\"}");
	j = parse("{\"callback_at\":\"2026-01-05T09:00:00Z\",\"callback_user\":\"ana\"}");
	assert_false(lq_change_from_args("schedule_callback", j, &back, err, sizeof err));
	assert_string_equal(err, "schedule_callback.callback_user: expected a UUID");
	json_decref(j);
	j = parse("{\"callback_at\":\"mañana\"}");
	assert_false(lq_change_from_args("schedule_callback", j, &back, err, sizeof err));
	assert_non_null(strstr(err, "schedule_callback.callback_at"));
	json_decref(j);
}

/* The free/busy answer: written by the server, read by the booking screen. */
static void test_freebusy_round_trip(void **state)
{
	struct lq_interval busy[1] = { { T0, T0 + 1800 } };
	struct lq_interval free_slots[2] = { { T0 + 1800, T0 + 3600 }, { T0 + 3600, T0 + 5400 } };
	struct lq_freebusy fb, back;
	char err[160], *text;
	const char *bad;
	json_t *j;

	(void)state;
	lq_freebusy_init(&fb);
	memcpy(fb.rep_id, USER_ID, LQ_UUID_SIZE);
	fb.rep_name = (char *)"Lucía Fernández";
	fb.rep_tz = (char *)"Europe/Madrid";
	fb.cal_tz = (char *)"Europe/Madrid";
	fb.cal_hours = (char *)"mon-fri 09:00-14:00,15:00-18:00";
	fb.from = T0;
	fb.to = T0 + LQ_DAY;
	fb.minutes = 30;
	fb.busy = busy;
	fb.nbusy = 1;
	fb.free = free_slots;
	fb.nfree = 2;
	j = lq_freebusy_to_json(&fb);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(text);
	assert_true(lq_freebusy_from_text(text, strlen(text), &back, err, sizeof err));
	free(text);
	assert_string_equal(back.rep_id, USER_ID);
	assert_string_equal(back.rep_name, "Lucía Fernández");
	assert_string_equal(back.cal_hours, "mon-fri 09:00-14:00,15:00-18:00");
	assert_null(back.cal_holidays);
	assert_true(back.from == T0 && back.to == T0 + LQ_DAY);
	assert_int_equal(back.minutes, 30);
	assert_int_equal(back.nbusy, 1);
	assert_true(back.busy[0].start == T0 && back.busy[0].end == T0 + 1800);
	assert_int_equal(back.nfree, 2);
	assert_true(back.free[1].start == T0 + 3600 && back.free[1].end == T0 + 5400);
	assert_false(back.more);
	lq_freebusy_clear(&back);

	/* Refused whole, naming the fault. */
	bad = "{\"rep\":{\"id\":\"" USER_ID "\"},\"from\":\"2026-01-05T09:00:00Z\","
	       "\"to\":\"2026-01-06T09:00:00Z\",\"minutes\":30,\"busy\":[],"
	       "\"free\":[{\"start\":\"2026-01-05T10:00:00Z\",\"end\":\"2026-01-05T09:30:00Z\"}]}";
	assert_false(lq_freebusy_from_text(bad, strlen(bad), &back, err, sizeof err));
	assert_string_equal(err, "freebusy.free: item 0: expected start before end");
	assert_null(back.free);
	bad = "{\"rep\":{},\"from\":null}";
	assert_false(lq_freebusy_from_text(bad, strlen(bad), &back, err, sizeof err));
	assert_string_equal(err, "freebusy.rep.id: missing");
	bad = "{\"rep\":";
	assert_false(lq_freebusy_from_text(bad, strlen(bad), &back, err, sizeof err));
	assert_non_null(strstr(err, "freebusy: "));
}

static void test_change_args_round_trip(void **state)
{
	struct lq_change c;
	char op[LQ_UUID_SIZE], err[128], *text;
	json_t *j;

	(void)state;
	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_STATUS;
	c.to = LQ_STATUS_QUALIFIED;
	check_change_round_trip(&c, "set_status",
				"{\"status\":\"qualified\",\"activity\":\"" ACT_ID "\"}");
	c.to = LQ_STATUS_JUNK;
	c.reason = "spam";
	check_change_round_trip(&c, "set_status",
				"{\"status\":\"junk\",\"reason\":\"spam\",\"activity\":\"" ACT_ID "\"}");
	c.to = LQ_STATUS_WON;
	c.reason = NULL;
	c.has_amount = true;
	c.amount = 125000;
	check_change_round_trip(&c, "set_status",
				"{\"status\":\"won\",\"amount\":125000,\"activity\":\"" ACT_ID "\"}");

	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_TOUCH;
	c.touch = LQ_TOUCH_CALL;
	c.outcome = LQ_OUTCOME_VOICEMAIL;
	c.text = "dejé mensaje";
	check_change_round_trip(&c, "log_touch",
				"{\"kind\":\"call\",\"outcome\":\"voicemail\",\"text\":\"dejé mensaje\","
				"\"activity\":\"" ACT_ID "\"}");

	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_NOTE;
	c.text = "Prefiere WhatsApp";
	check_change_round_trip(&c, "add_note",
				"{\"text\":\"Prefiere WhatsApp\",\"activity\":\"" ACT_ID "\"}");

	/* Without an activity id the key is left out. */
	j = lq_change_args_to_json(&c, NULL);
	assert_null(json_object_get(j, "activity"));
	json_decref(j);

	/* undo {op} */
	j = lq_undo_args_to_json(LEAD_ID);
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, "{\"op\":\"" LEAD_ID "\"}");
	free(text);
	assert_true(lq_undo_args_from_json(j, op, err, sizeof err));
	assert_string_equal(op, LEAD_ID);
	json_decref(j);
	j = parse("{\"op\":\"nope\"}");
	assert_false(lq_undo_args_from_json(j, op, err, sizeof err));
	assert_string_equal(err, "undo.op: expected a UUID");
	json_decref(j);
	assert_false(lq_change_from_args("undo", NULL, &c, err, sizeof err));
	assert_null(lq_change_op_kind((enum lq_change_kind)99));
}

static void test_change_args_bad(void **state)
{
	static const struct {
		const char *kind, *json, *err;
	} cases[] = {
		{ "set_status", "{}", "set_status.status: missing" },
		{ "set_status", "{\"status\":\"hot\"}", "set_status.status: unknown value 'hot'" },
		{ "set_status", "{\"status\":\"junk\",\"reason\":7}", "set_status.reason: expected a string" },
		{ "set_status", "{\"status\":\"won\",\"amount\":-5}", "set_status.amount: out of range" },
		{ "set_status", "{\"status\":\"won\",\"amount\":1.5}", "set_status.amount: expected an integer" },
		{ "set_status", "{\"status\":\"new\",\"activity\":\"x\"}", "set_status.activity: expected a UUID" },
		{ "log_touch", "{\"kind\":\"call\"}", "log_touch.outcome: missing" },
		{ "log_touch", "{\"kind\":\"fax\",\"outcome\":\"sent\"}", "log_touch.kind: unknown value 'fax'" },
		{ "log_touch", "{\"kind\":\"call\",\"outcome\":\"sent\",\"text\":[]}",
		  "log_touch.text: expected a string" },
		{ "add_note", "{}", "add_note.text: missing" },
		{ "add_note", "[]", "add_note: expected an object" },
		{ "reassign", "{}", "op: reassign is not a lead change" },
	};
	struct lq_change c;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = parse(cases[i].json);

		assert_false(lq_change_from_args(cases[i].kind, j, &c, err, sizeof err));
		assert_string_equal(err, cases[i].err);
		json_decref(j);
	}
}

/* jansson allocates through lq_malloc here, so every allocation of the
 * writers can be made to fail: they answer NULL and leak nothing. */
static void test_alloc_failures(void **state)
{
	struct lq_lead l, back;
	char err[128];
	json_t *j = NULL;
	long n;

	(void)state;
	full_lead(&l);
	json_set_alloc_funcs(lq_malloc, lq_free);
	for (n = 0;; n++) {
		lq_mem_fail_after(n);
		j = lq_lead_to_json(&l);
		lq_mem_fail_after(-1);
		if (j)
			break;
	}
	assert_true(n > 30);
	for (n = 0;; n++) {
		bool ok;

		lq_mem_fail_after(n);
		ok = lq_lead_from_json(j, &back, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok)
			break;
		assert_non_null(strstr(err, "out of memory"));
		assert_null(back.name);
	}
	assert_true(n >= 16);
	lq_lead_clear(&back);
	json_decref(j);
	json_set_alloc_funcs(malloc, free);
	lq_lead_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lead_round_trip),
		cmocka_unit_test(test_lead_nulls),
		cmocka_unit_test(test_lead_bad_fields),
		cmocka_unit_test(test_invalid_utf8_rejected),
		cmocka_unit_test(test_activity_round_trip),
		cmocka_unit_test(test_user_round_trip),
		cmocka_unit_test(test_team_round_trip),
		cmocka_unit_test(test_change_args_round_trip),
		cmocka_unit_test(test_callback_args),
		cmocka_unit_test(test_freebusy_round_trip),
		cmocka_unit_test(test_change_args_bad),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
