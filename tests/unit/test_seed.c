/* Tests of the demo and scale data generator (src/core/seed.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leadq/calendar.h"
#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/org.h"
#include "leadq/seed.h"
#include "leadq/sla.h"
#include "leadq/text.h"
#include "leadq/tz.h"
#include "leadq/uuid.h"

#define MAX_TEAMS 16
#define MAX_USERS 64

/* Tuesday 2026-11-24 10:37 UTC (11:37 in Madrid, 05:37 in New York). */
#define NOW_TUE ((lq_time)1795516620)
/* Saturday 2026-11-28 03:00 UTC: every team is closed. */
#define NOW_SAT ((lq_time)1795834800)

struct team_cal {
	char id[LQ_UUID_SIZE];
	struct lq_tz *tz;
	struct lq_calendar cal;
	struct lq_sla_policy policy;
};

struct user_rec {
	char id[LQ_UUID_SIZE];
	char login[48];
	char team[LQ_UUID_SIZE];
	enum lq_role role;
};

struct ctx {
	bool with_calendar;
	lq_time now;
	uint64_t hash;
	int nteams, nusers, nleads, nacts;
	struct team_cal teams[MAX_TEAMS];
	struct user_rec users[MAX_USERS];
	int ncalendars_missing;

	/* The lead last handed over, for checks on its activities. */
	struct lq_lead last;
	char last_id[LQ_UUID_SIZE];
	int last_team;
	lq_time last_at;          /* the previous activity of this lead */
	int touch_acts;           /* touches seen for the current lead */
	long behaviour, touch_total, touch_acts_total, changes, assignments;
	long sla[4];              /* by enum lq_sla_state, open leads only */
	int appt_soon, appt_today;
	int pool;                 /* unowned leads (the first team's pool) */
	int pool_first;           /* the index of the first of them, -1 */
	int failures;             /* checks inside callbacks that failed */

	/* Stop after this many leads / activities (0: never) with this value. */
	int stop_after_leads, stop_after_acts, stop_at_team, stop_value;
};

/* ---- hashing every field ------------------------------------------------- */

static void h_bytes(struct ctx *c, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		c->hash ^= b[i];
		c->hash *= UINT64_C(1099511628211);
	}
}

static void h_str(struct ctx *c, const char *s)
{
	if (!s) {
		h_bytes(c, "\xff", 1);
		return;
	}
	h_bytes(c, s, strlen(s) + 1);
}

static void h_int(struct ctx *c, int64_t v)
{
	h_bytes(c, &v, sizeof(v));
}

/* ---- checks used inside callbacks (cmocka asserts would longjmp through
 * the generator; count failures and assert after the run instead) ------- */

#define CHECK(c, cond) \
	do { \
		if (!(cond)) { \
			if ((c)->failures++ < 10) \
				print_error("check failed at line %d: %s\n", __LINE__, #cond); \
		} \
	} while (0)

static bool utf8_ok(const char *s)
{
	return !s || lq_utf8_valid(s, strlen(s));
}

static bool ascii_email(const char *s)
{
	int at = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x80 || ch <= ' ')
			return false;
		at += ch == '@';
	}
	return at == 1;
}

/* ---- loading zones with stdio (the core does no I/O) ---------------------- */

static struct lq_tz *load_zone(const char *name)
{
	char path[256];
	FILE *f;
	unsigned char *buf;
	long len;
	struct lq_tz *tz = NULL;

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		len = ftell(f);
		rewind(f);
		buf = len > 0 ? malloc((size_t)len) : NULL;
		if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len &&
		    lq_tz_parse(name, buf, (size_t)len, &tz) != LQ_TZ_OK)
			tz = NULL;
		free(buf);
	}
	fclose(f);
	return tz;
}

static void free_teams(struct ctx *c)
{
	for (int i = 0; i < c->nteams && i < MAX_TEAMS; i++)
		lq_tz_free(&c->teams[i].tz);
}

/* ---- the sink -------------------------------------------------------------- */

static int on_team(void *vc, const struct lq_team *t)
{
	struct ctx *c = vc;
	struct team_cal *tc;

	h_str(c, t->id);
	h_str(c, t->name);
	h_str(c, t->tz);
	h_str(c, t->hours);
	h_str(c, t->holidays);
	h_int(c, t->policy.first_contact_minutes);
	CHECK(c, lq_uuid_valid(t->id));
	CHECK(c, utf8_ok(t->name) && t->name && *t->name);
	CHECK(c, t->tz && t->hours && t->holidays);
	CHECK(c, c->nusers == 0 && c->nleads == 0);   /* teams come first */
	if (c->nteams >= MAX_TEAMS)
		return 99;
	tc = &c->teams[c->nteams++];
	memcpy(tc->id, t->id, LQ_UUID_SIZE);
	if (c->stop_at_team && c->nteams == c->stop_at_team)
		return c->stop_value;
	return 0;
}

static const struct lq_calendar *calendar_for(void *vc, const struct lq_team *t,
					      const struct lq_sla_policy **policy)
{
	struct ctx *c = vc;
	struct team_cal *tc = &c->teams[c->nteams - 1];
	char err[128];

	CHECK(c, strcmp(tc->id, t->id) == 0);
	tc->tz = load_zone(t->tz);
	if (!tc->tz) {
		c->ncalendars_missing++;
		return NULL;
	}
	memset(&tc->cal, 0, sizeof(tc->cal));
	tc->cal.tz = tc->tz;
	CHECK(c, lq_calendar_parse_hours(&tc->cal, t->hours, err, sizeof(err)));
	CHECK(c, lq_calendar_parse_holidays(&tc->cal, t->holidays, err, sizeof(err)));
	tc->policy = t->policy;
	*policy = &tc->policy;
	return &tc->cal;
}

static int on_user(void *vc, const struct lq_user *u)
{
	struct ctx *c = vc;
	struct user_rec *ur;

	h_str(c, u->id);
	h_str(c, u->login);
	h_str(c, u->name);
	h_str(c, u->email);
	h_str(c, u->tz);
	h_str(c, u->team_id);
	h_int(c, u->role);
	h_int(c, u->capacity);
	CHECK(c, lq_uuid_valid(u->id));
	CHECK(c, utf8_ok(u->name) && utf8_ok(u->login) && ascii_email(u->email));
	CHECK(c, c->nleads == 0);
	if (u->role == LQ_ROLE_REP)
		CHECK(c, u->capacity >= 30 && u->capacity <= 80);
	if (c->nusers >= MAX_USERS)
		return 98;
	ur = &c->users[c->nusers++];
	memcpy(ur->id, u->id, LQ_UUID_SIZE);
	snprintf(ur->login, sizeof(ur->login), "%s", u->login);
	snprintf(ur->team, sizeof(ur->team), "%s", u->team_id ? u->team_id : "");
	ur->role = u->role;
	for (int i = 0; i < c->nusers - 1; i++)
		CHECK(c, strcmp(c->users[i].login, u->login) != 0);
	return 0;
}

static int team_index(const struct ctx *c, const char *id)
{
	for (int i = 0; i < c->nteams; i++)
		if (strcmp(c->teams[i].id, id) == 0)
			return i;
	return -1;
}

static void check_lead(struct ctx *c, const struct lq_lead *l)
{
	const char *strs[] = { l->external_id, l->name, l->title, l->company, l->email,
			       l->phone, l->country, l->region, l->city, l->postal_code,
			       l->industry, l->tz, l->source, l->campaign };
	struct lq_reasons reasons;
	int sum = 0;
	bool owner_ok = false;

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		CHECK(c, strs[i] && *strs[i] && utf8_ok(strs[i]));
	CHECK(c, lq_uuid_valid(l->id));
	CHECK(c, ascii_email(l->email));
	CHECK(c, l->phone && l->phone[0] == '+');
	for (int i = 0; i < l->nscore_parts; i++)
		sum += l->score_parts[i].points;
	CHECK(c, l->nscore_parts == 3 && sum == l->score);
	CHECK(c, l->score >= 0 && l->score <= 100);
	CHECK(c, l->employees > 0);
	lq_reasons_default(&reasons);
	if (lq_status_needs_reason(l->status))
		CHECK(c, lq_reason_valid(&reasons, l->status, l->reason));
	else
		CHECK(c, l->reason[0] == '\0');
	CHECK(c, l->mql_at != LQ_TIME_NONE && l->mql_at <= c->now);
	CHECK(c, l->status != LQ_STATUS_NEW || l->touches == 0);
	CHECK(c, l->status != LQ_STATUS_WORKING || (l->touches >= 1 && l->touches <= 5));
	if (l->touches > 0)
		CHECK(c, l->mql_at <= l->first_touch_at && l->first_touch_at <= l->last_touch_at &&
		      l->last_touch_at <= c->now);
	else
		CHECK(c, l->first_touch_at == LQ_TIME_NONE && l->last_touch_at == LQ_TIME_NONE);
	CHECK(c, l->updated_at >= l->mql_at && l->updated_at <= c->now);
	if (!l->owner_id) {
		/* The pool: new, untouched, the first team's. */
		owner_ok = l->status == LQ_STATUS_NEW && c->nteams > 0 &&
			   strcmp(l->team_id, c->teams[0].id) == 0;
		if (c->pool++ == 0)
			c->pool_first = c->nleads;
	}
	for (int i = 0; l->owner_id && i < c->nusers; i++)
		if (strcmp(c->users[i].id, l->owner_id) == 0)
			owner_ok = c->users[i].role == LQ_ROLE_REP &&
				   strcmp(c->users[i].team, l->team_id) == 0;
	CHECK(c, owner_ok);
	c->last_team = team_index(c, l->team_id);
	CHECK(c, c->last_team >= 0);
	if (c->with_calendar && c->last_team >= 0 && !c->ncalendars_missing)
		CHECK(c, l->sla_first_due != LQ_TIME_NONE && l->sla_cadence_due != LQ_TIME_NONE);
	if (!c->with_calendar)
		CHECK(c, l->sla_first_due == LQ_TIME_NONE);
}

static int on_lead(void *vc, const struct lq_lead *l)
{
	struct ctx *c = vc;

	/* The previous lead's touches were all handed over. */
	if (c->nleads > 0) {
		CHECK(c, c->touch_acts == c->last.touches);
		c->touch_acts_total += c->touch_acts;
	}
	h_str(c, l->id);
	h_str(c, l->external_id);
	h_str(c, l->name);
	h_str(c, l->title);
	h_str(c, l->company);
	h_str(c, l->email);
	h_str(c, l->phone);
	h_str(c, l->country);
	h_str(c, l->region);
	h_str(c, l->city);
	h_str(c, l->postal_code);
	h_str(c, l->industry);
	h_str(c, l->tz);
	h_str(c, l->source);
	h_str(c, l->campaign);
	h_str(c, l->owner_id);
	h_str(c, l->team_id);
	h_int(c, l->employees);
	h_int(c, l->score);
	for (int i = 0; i < l->nscore_parts; i++) {
		h_str(c, l->score_parts[i].name);
		h_int(c, l->score_parts[i].points);
	}
	h_int(c, l->status);
	h_str(c, l->reason);
	h_int(c, l->mql_at);
	h_int(c, l->first_touch_at);
	h_int(c, l->last_touch_at);
	h_int(c, l->touches);
	h_int(c, l->touches_required);
	h_int(c, l->sla_first_due);
	h_int(c, l->sla_cadence_due);
	h_int(c, l->next_touch_due);
	h_int(c, l->next_appt_at);
	h_int(c, l->do_not_contact);
	h_int(c, l->version);
	h_int(c, l->updated_at);

	check_lead(c, l);
	if (c->with_calendar && c->last_team >= 0 && lq_status_is_open(l->status) &&
	    !c->ncalendars_missing) {
		struct lq_sla_view v;
		struct team_cal *tc = &c->teams[c->last_team];

		lq_sla_status(l, &tc->policy, &tc->cal, c->now, &v);
		c->sla[v.state]++;
	}
	if (l->next_appt_at != LQ_TIME_NONE) {
		if (l->next_appt_at <= c->now + 15 * LQ_MINUTE)
			c->appt_soon++;
		else if (l->next_appt_at <= c->now + 12 * LQ_HOUR)
			c->appt_today++;
	}

	c->last = *l;   /* shallow: only the scalars and the id are used later */
	memcpy(c->last_id, l->id, LQ_UUID_SIZE);
	c->last_at = LQ_TIME_NONE;
	c->touch_acts = 0;
	c->nleads++;
	c->touch_total += l->touches;
	if (c->stop_after_leads && c->nleads == c->stop_after_leads)
		return c->stop_value;
	return 0;
}

static int on_activity(void *vc, const struct lq_activity *a)
{
	struct ctx *c = vc;

	h_str(c, a->id);
	h_str(c, a->lead_id);
	h_int(c, a->kind);
	h_int(c, a->at);
	h_str(c, a->actor);
	h_str(c, a->subject);
	h_str(c, a->detail);
	h_str(c, a->campaign);
	h_int(c, a->duration_s);
	h_int(c, a->outcome);

	CHECK(c, lq_uuid_valid(a->id));
	CHECK(c, c->nleads > 0 && strcmp(a->lead_id, c->last_id) == 0);
	CHECK(c, utf8_ok(a->actor) && utf8_ok(a->subject) && utf8_ok(a->detail) &&
	      utf8_ok(a->campaign));
	CHECK(c, a->actor && a->subject && *a->subject);
	CHECK(c, a->at <= c->now);
	CHECK(c, c->last_at == LQ_TIME_NONE || a->at >= c->last_at);
	c->last_at = a->at;
	switch (a->kind) {
	case LQ_ACT_PAGE_VIEW:
	case LQ_ACT_EMAIL_OPEN:
	case LQ_ACT_EMAIL_CLICK:
	case LQ_ACT_FORM_SUBMIT:
	case LQ_ACT_DOWNLOAD:
	case LQ_ACT_WEBINAR:
		CHECK(c, strcmp(a->actor, "marketing") == 0);
		CHECK(c, a->at < c->last.mql_at);
		CHECK(c, a->outcome == -1);
		if (a->kind == LQ_ACT_PAGE_VIEW)
			CHECK(c, strncmp(a->subject, "https://", 8) == 0 && a->detail &&
			      a->duration_s > 0);
		if (a->kind == LQ_ACT_FORM_SUBMIT)
			CHECK(c, a->detail && strstr(a->detail, "=") && strstr(a->detail, "; "));
		c->behaviour++;
		break;
	case LQ_ACT_CALL:
	case LQ_ACT_EMAIL:
	case LQ_ACT_MEETING:
		CHECK(c, strcmp(a->actor, c->last.owner_id) == 0);
		CHECK(c, a->at >= c->last.mql_at);
		CHECK(c, lq_touch_outcome_valid(a->kind == LQ_ACT_CALL ? LQ_TOUCH_CALL :
						a->kind == LQ_ACT_EMAIL ? LQ_TOUCH_EMAIL :
						LQ_TOUCH_MEETING, (enum lq_outcome)a->outcome));
		if (c->touch_acts == 0)
			CHECK(c, a->at == c->last.first_touch_at);
		c->touch_acts++;
		if (c->touch_acts == c->last.touches)
			CHECK(c, a->at == c->last.last_touch_at);
		break;
	case LQ_ACT_STATUS_CHANGE:
		CHECK(c, strstr(a->subject, " → ") != NULL);
		c->changes++;
		break;
	case LQ_ACT_ASSIGNMENT:
		CHECK(c, a->at == c->last.mql_at);
		c->assignments++;
		break;
	default:
		CHECK(c, false);
		break;
	}
	c->nacts++;
	if (c->stop_after_acts && c->nacts == c->stop_after_acts)
		return c->stop_value;
	return 0;
}

static struct lq_seed_sink make_sink(struct ctx *c, bool with_calendar)
{
	struct lq_seed_sink s = {
		.team = on_team, .user = on_user, .lead = on_lead, .activity = on_activity,
		.calendar_for = with_calendar ? calendar_for : NULL, .ctx = c,
	};

	c->with_calendar = with_calendar;
	c->hash = UINT64_C(1469598103934665603);
	return s;
}

static int run(struct ctx *c, uint64_t seed, lq_time now, int leads, int reps, int events,
	       bool with_calendar)
{
	struct lq_seed_opts o = { .seed = seed, .now = now, .leads = leads, .reps = reps,
				  .events_per_lead = events };
	struct lq_seed_sink s = make_sink(c, with_calendar);
	int rc;

	c->now = now;
	rc = lq_seed_run(&o, &s);
	if (c->nleads > 0 && rc == 0)
		c->touch_acts_total += c->touch_acts;
	free_teams(c);
	return rc;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_determinism(void **state)
{
	struct ctx *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)),
		   *d = calloc(1, sizeof(*d)), *e = calloc(1, sizeof(*e));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(d);
	assert_non_null(e);
	assert_int_equal(run(a, 42, NOW_TUE, 400, 13, 6, true), 0);
	assert_int_equal(run(b, 42, NOW_TUE, 400, 13, 6, true), 0);
	assert_int_equal(run(d, 43, NOW_TUE, 400, 13, 6, true), 0);
	assert_int_equal(run(e, 42, NOW_TUE + LQ_DAY, 400, 13, 6, true), 0);
	assert_int_equal(a->failures, 0);
	assert_int_equal(a->nacts, b->nacts);
	assert_true(a->hash == b->hash);
	assert_true(a->hash != d->hash);
	assert_true(a->hash != e->hash);
	free(a);
	free(b);
	free(d);
	free(e);
}

static void test_counts(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	int reps = 14, teams = lq_seed_team_count(14), leads = 600, events = 8;
	int nreps = 0, nleads_users = 0;

	(void)state;
	assert_non_null(c);
	assert_int_equal(teams, 2);
	assert_int_equal(run(c, 7, NOW_TUE, leads, reps, events, true), 0);
	assert_int_equal(c->failures, 0);
	assert_int_equal(c->nteams, teams);
	/* reps, one lead per team, and the telequal agent. */
	assert_int_equal(c->nusers, reps + teams + 1);
	assert_string_equal(c->users[0].login, "lucia");
	assert_int_equal(c->users[0].role, LQ_ROLE_REP);
	assert_string_equal(c->users[0].team, c->teams[0].id);
	assert_string_equal(c->users[1].login, "marta");
	assert_int_equal(c->users[1].role, LQ_ROLE_LEAD);
	assert_string_equal(c->users[1].team, c->teams[0].id);
	assert_string_equal(c->users[2].login, "tq");
	assert_int_equal(c->users[2].role, LQ_ROLE_TELEQUAL);
	assert_string_equal(c->users[2].team, c->teams[0].id);
	/* The agent's pool: the last leads/25 (at most 40), unowned. */
	assert_int_equal(c->pool, leads >= 100 ? (leads / 25 > 40 ? 40 : leads / 25) : 0);
	if (c->pool)
		assert_int_equal(c->pool_first, leads - c->pool);
	for (int i = 0; i < c->nusers; i++) {
		nreps += c->users[i].role == LQ_ROLE_REP;
		nleads_users += c->users[i].role == LQ_ROLE_LEAD;
	}
	assert_int_equal(nreps, reps);
	assert_int_equal(nleads_users, teams);
	assert_int_equal(c->nleads, leads);
	/* Behaviour averages events_per_lead; then one assignment per lead,
	 * every touch, and the status changes. */
	assert_true(c->behaviour > (long)leads * events * 9 / 10);
	assert_true(c->behaviour < (long)leads * events * 11 / 10);
	assert_int_equal(c->assignments, leads);
	assert_int_equal(c->touch_acts_total, c->touch_total);
	assert_int_equal(c->nacts, c->behaviour + c->assignments + c->touch_total + c->changes);
	assert_true(c->changes > 0);
	free(c);
}

static void test_counts_edges(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	/* One rep, no leads: one team, lucia, marta and tq. */
	assert_int_equal(run(c, 1, NOW_TUE, 0, 1, 20, true), 0);
	assert_int_equal(c->failures, 0);
	assert_int_equal(c->nteams, 1);
	assert_int_equal(c->nusers, 3);
	assert_int_equal(c->nleads, 0);
	assert_int_equal(c->nacts, 0);
	memset(c, 0, sizeof(*c));
	/* No events: only assignments, touches and changes. */
	assert_int_equal(run(c, 2, NOW_TUE, 50, 1, 0, true), 0);
	assert_int_equal(c->failures, 0);
	assert_int_equal(c->nleads, 50);
	assert_int_equal(c->behaviour, 0);
	assert_int_equal(c->assignments, 50);
	/* Many reps: teams cycle through the templates, logins stay unique. */
	memset(c, 0, sizeof(*c));
	assert_int_equal(lq_seed_team_count(50), 8);
	assert_int_equal(run(c, 3, NOW_TUE, 100, 50, 2, true), 0);
	assert_int_equal(c->failures, 0);
	assert_int_equal(c->nteams, 8);
	free(c);
}

static void test_validity_and_timelines(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	/* Every check of check_lead() and on_activity() runs on every entity. */
	assert_int_equal(run(c, 2026, NOW_SAT, 1500, 40, 12, true), 0);
	assert_int_equal(c->failures, 0);
	assert_int_equal(c->nleads, 1500);
	free(c);
}

static void test_the_demo_rep_has_appointments(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	assert_int_equal(run(c, 5, NOW_TUE, 200, 12, 4, true), 0);
	assert_int_equal(c->failures, 0);
	assert_true(c->appt_soon >= 2);   /* one within 15 minutes, one overdue */
	assert_true(c->appt_today >= 1);
	free(c);
}

static void check_mix(uint64_t seed, lq_time now)
{
	struct ctx *c = calloc(1, sizeof(*c));
	long open, on, risk, breached;

	assert_non_null(c);
	assert_int_equal(run(c, seed, now, 3000, 30, 0, true), 0);
	if (c->ncalendars_missing) {
		free(c);
		skip();
	}
	assert_int_equal(c->failures, 0);
	on = c->sla[LQ_SLA_ON_TRACK];
	risk = c->sla[LQ_SLA_AT_RISK];
	breached = c->sla[LQ_SLA_BREACHED];
	open = on + risk + breached + c->sla[LQ_SLA_IDLE];
	print_message("open %ld: on track %ld, at risk %ld, breached %ld, idle %ld\n", open,
		      on, risk, breached, c->sla[LQ_SLA_IDLE]);
	assert_true(open > 1500);
	assert_true(on * 100 >= open * 20 && on * 100 <= open * 45);
	assert_true(risk * 100 >= open * 20 && risk * 100 <= open * 45);
	assert_true(breached * 100 >= open * 20 && breached * 100 <= open * 45);
	free(c);
}

static void test_sla_mix_weekday(void **state)
{
	(void)state;
	check_mix(11, NOW_TUE);
}

static void test_sla_mix_weekend_night(void **state)
{
	(void)state;
	check_mix(12, NOW_SAT);
}

static void test_without_calendar(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	/* check_lead() asserts the deadlines stay unset. */
	assert_int_equal(run(c, 9, NOW_TUE, 300, 8, 3, false), 0);
	assert_int_equal(c->failures, 0);
	assert_int_equal(c->nleads, 300);
	free(c);
}

static void test_sink_stops_the_run(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	c->stop_after_leads = 5;
	c->stop_value = 7;
	assert_int_equal(run(c, 1, NOW_TUE, 100, 6, 3, true), 7);
	assert_int_equal(c->nleads, 5);
	/* Nothing after the refused lead, not even its activities. */
	assert_int_equal(c->last_at, LQ_TIME_NONE);

	memset(c, 0, sizeof(*c));
	c->stop_after_acts = 10;
	c->stop_value = 3;
	assert_int_equal(run(c, 1, NOW_TUE, 100, 6, 3, true), 3);
	assert_int_equal(c->nacts, 10);

	memset(c, 0, sizeof(*c));
	c->stop_at_team = 1;
	c->stop_value = 42;
	assert_int_equal(run(c, 1, NOW_TUE, 100, 6, 3, true), 42);
	assert_int_equal(c->nusers, 0);
	assert_int_equal(c->nleads, 0);
	free(c);
}

static int count_leads(void *vc, const struct lq_lead *l)
{
	(void)l;
	(*(int *)vc)++;
	return 0;
}

struct logins {
	char (*v)[48];
	int n, cap;
};

static int collect_login(void *vc, const struct lq_user *u)
{
	struct logins *l = vc;

	if (l->n >= l->cap)
		return 5;
	snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", u->login);
	return 0;
}

static int cmp_login(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_logins_unique_with_many_reps(void **state)
{
	struct logins l = { .cap = 4000 };
	struct lq_seed_sink s = { .user = collect_login, .ctx = &l };
	struct lq_seed_opts o = { .seed = 77, .now = NOW_TUE, .leads = 10, .reps = 3000,
				  .events_per_lead = 1 };

	(void)state;
	l.v = calloc((size_t)l.cap, sizeof(*l.v));
	assert_non_null(l.v);
	assert_int_equal(lq_seed_run(&o, &s), 0);
	/* 3000 reps, 500 team leads, tq. */
	assert_int_equal(l.n, 3000 + lq_seed_team_count(3000) + 1);
	qsort(l.v, (size_t)l.n, sizeof(l.v[0]), cmp_login);
	for (int i = 1; i < l.n; i++)
		assert_true(strcmp(l.v[i - 1], l.v[i]) != 0);
	free(l.v);
}

static void test_partial_sink_and_bad_input(void **state)
{
	int n = 0;
	struct lq_seed_sink only_leads = { .lead = count_leads, .ctx = &n };
	struct lq_seed_opts o = { .seed = 1, .now = NOW_TUE, .leads = 25, .reps = 3,
				  .events_per_lead = 4 };

	(void)state;
	assert_int_equal(lq_seed_run(&o, &only_leads), 0);
	assert_int_equal(n, 25);
	assert_int_equal(lq_seed_run(NULL, &only_leads), LQ_SEED_EINVAL);
	assert_int_equal(lq_seed_run(&o, NULL), LQ_SEED_EINVAL);
	o.leads = -1;
	assert_int_equal(lq_seed_run(&o, &only_leads), LQ_SEED_EINVAL);
	o.leads = 1;
	o.reps = 0;
	assert_int_equal(lq_seed_run(&o, &only_leads), LQ_SEED_EINVAL);
	o.reps = 1;
	o.events_per_lead = -2;
	assert_int_equal(lq_seed_run(&o, &only_leads), LQ_SEED_EINVAL);
}

static void test_out_of_memory(void **state)
{
	int n = 0, rc = -99;
	struct lq_seed_sink only_leads = { .lead = count_leads, .ctx = &n };
	struct lq_seed_opts o = { .seed = 1, .now = NOW_TUE, .leads = 10, .reps = 7,
				  .events_per_lead = 2 };
	long k;

	(void)state;
	for (k = 0; k < 20; k++) {
		lq_mem_fail_after(k);
		rc = lq_seed_run(&o, &only_leads);
		lq_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, LQ_SEED_ENOMEM);
		assert_int_equal(n, 0);
	}
	assert_int_equal(rc, 0);
	assert_true(k > 0);
	assert_int_equal(n, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_counts_edges),
		cmocka_unit_test(test_validity_and_timelines),
		cmocka_unit_test(test_the_demo_rep_has_appointments),
		cmocka_unit_test(test_sla_mix_weekday),
		cmocka_unit_test(test_sla_mix_weekend_night),
		cmocka_unit_test(test_without_calendar),
		cmocka_unit_test(test_sink_stops_the_run),
		cmocka_unit_test(test_logins_unique_with_many_reps),
		cmocka_unit_test(test_partial_sink_and_bad_input),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
