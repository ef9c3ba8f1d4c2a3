/* Unit tests: src/store (sqlite backend, actions, undo, outbox) and src/os.
 * Every test works on a real sqlite file in a temporary folder. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "leadq/calendar.h"
#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/org.h"
#include "leadq/os.h"
#include "leadq/sla.h"
#include "leadq/store.h"
#include "leadq/text.h"
#include "leadq/tz.h"
#include "store/migrations.h"
#include "store/private.h"
#include "store/sqlite_common.h"

#define T0 ((lq_time)1767603600)   /* 2026-01-05T09:00:00Z, a Monday */
#define WINDOW 5

#define ID_A "aaaa1111-0000-4000-8000-000000000001"
#define ID_A2 "aaaa2222-0000-4000-8000-000000000002"
#define ID_B "bbbb3333-0000-4000-8000-000000000003"
#define USER_ID "cccc0000-0000-4000-8000-00000000000c"
#define TEAM_ID "dddd0000-0000-4000-8000-00000000000d"

static char tmpdir[64];
static int file_no;

struct fixture {
	char path[160];
	struct lq_store *s;
	struct lq_tz *tz;
	struct lq_calendar cal;
	struct lq_sla_policy policy;
	struct lq_reasons reasons;
	struct lq_act_ctx ctx;
};

static const struct lq_calendar *calendar_for(void *ctx, const char *team_id,
					      const struct lq_sla_policy **policy)
{
	struct fixture *f = ctx;

	(void)team_id;
	*policy = &f->policy;
	return &f->cal;
}

static void remove_db(const char *path)
{
	char buf[200];

	unlink(path);
	snprintf(buf, sizeof buf, "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	unlink(buf);
}

static void next_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/cache%d.db", tmpdir, ++file_no);
	remove_db(buf);
}

static void lead_fill(struct lq_lead *l, const char *id, const char *name, const char *company,
		      const char *city)
{
	lq_lead_init(l);
	memcpy(l->id, id, LQ_UUID_SIZE);
	assert_true(lq_lead_set_str(&l->name, name));
	assert_true(lq_lead_set_str(&l->company, company));
	assert_true(lq_lead_set_str(&l->city, city));
	assert_true(lq_lead_set_str(&l->country, "BR"));
	assert_true(lq_lead_set_str(&l->email, "jose@example.com"));
	assert_true(lq_lead_set_str(&l->source, "webinar"));
	assert_true(lq_lead_set_str(&l->owner_id, USER_ID));
	assert_true(lq_lead_set_str(&l->team_id, TEAM_ID));
	l->score = 75;
	assert_true(lq_score_parts_parse(l, "fit:40,engagement:35"));
	l->mql_at = T0 - 3600;
	l->touches_required = 6;
	l->version = 7;
}

static void put_lead(struct lq_store *s, const char *id, const char *name, const char *company,
		     const char *city)
{
	struct lq_lead l;

	lead_fill(&l, id, name, company, city);
	assert_int_equal(lq_store_put_lead(s, &l), LQ_STORE_OK);
	lq_lead_clear(&l);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *err = NULL;

	assert_non_null(f);
	next_path(f->path, sizeof f->path);
	assert_int_equal(lq_store_open(f->path, &f->s, &err), LQ_STORE_OK);
	assert_null(err);
	f->tz = lq_tz_fixed("UTC", 0);
	assert_non_null(f->tz);
	lq_calendar_default(&f->cal, f->tz);
	lq_sla_policy_default(&f->policy);
	lq_reasons_default(&f->reasons);
	f->ctx.actor_id = USER_ID;
	f->ctx.reasons = &f->reasons;
	f->ctx.undo_window_s = WINDOW;
	f->ctx.calendar_for = calendar_for;
	f->ctx.calendar_ctx = f;
	put_lead(f->s, ID_A, "José Núñez", "Açaí Ltda", "São Paulo");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lq_mem_fail_after(-1);
	lq_store_close(&f->s);
	assert_null(f->s);
	lq_tz_free(&f->tz);
	remove_db(f->path);
	free(f);
	return 0;
}

/* --- counting helpers ---------------------------------------------------- */

struct collect {
	int n;
	struct lq_activity first;
	char subjects[8][64];
	char details[8][64];
	int kinds[8];
	bool undone[8];
	int outcomes[8];
	int stop_after;
};

static int collect_cb(void *ctx, const struct lq_activity *a)
{
	struct collect *c = ctx;

	if (c->n < 8) {
		snprintf(c->subjects[c->n], sizeof c->subjects[0], "%s", a->subject ? a->subject : "");
		snprintf(c->details[c->n], sizeof c->details[0], "%s", a->detail ? a->detail : "");
		c->kinds[c->n] = (int)a->kind;
		c->undone[c->n] = a->undone;
		c->outcomes[c->n] = a->outcome;
	}
	c->n++;
	return c->stop_after && c->n >= c->stop_after;
}

static int timeline_count(struct lq_store *s, const char *lead)
{
	struct collect c;

	memset(&c, 0, sizeof c);
	assert_int_equal(lq_store_timeline(s, lead, collect_cb, &c), LQ_STORE_OK);
	return c.n;
}

struct ops {
	int n;
	char ids[8][LQ_UUID_SIZE];
	char kinds[8][16];
	char args[8][256];
	int64_t base[8];
	lq_time send_after[8];
};

static int ops_cb(void *ctx, const struct lq_outbox_op *op)
{
	struct ops *o = ctx;

	if (o->n < 8) {
		memcpy(o->ids[o->n], op->id, LQ_UUID_SIZE);
		snprintf(o->kinds[o->n], sizeof o->kinds[0], "%s", op->kind);
		snprintf(o->args[o->n], sizeof o->args[0], "%s", op->args);
		o->base[o->n] = op->base_version;
		o->send_after[o->n] = op->send_after;
	}
	o->n++;
	return 0;
}

static void due(struct lq_store *s, lq_time now, struct ops *o)
{
	memset(o, 0, sizeof *o);
	assert_int_equal(lq_store_outbox_due(s, now, ops_cb, o), LQ_STORE_OK);
}

static void counts(struct lq_store *s, lq_time now, int pending, int held)
{
	int p = -1, h = -1;

	assert_int_equal(lq_store_outbox_count(s, now, &p, &h), LQ_STORE_OK);
	assert_int_equal(p, pending);
	assert_int_equal(h, held);
}

static enum lq_status lead_status(struct lq_store *s, const char *id)
{
	struct lq_lead l;
	enum lq_status st;

	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(s, id, &l), LQ_STORE_OK);
	st = l.status;
	lq_lead_clear(&l);
	return st;
}

static struct lq_change status_to(enum lq_status to, const char *reason)
{
	struct lq_change c;

	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_STATUS;
	c.to = to;
	c.reason = reason;
	c.at = LQ_TIME_NONE;
	return c;
}

/* --- open, migrate ------------------------------------------------------- */

static void test_open_migrate_reopen(void **state)
{
	struct fixture *f = *state;
	int latest = lq_migrations[lq_migrations_count - 1].version;
	char *value = NULL, *err = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(lq_store_schema_version(f->s), latest);
	assert_true(latest >= 1);
	assert_int_equal(lq_store_meta_get(f->s, "user_id", &value), LQ_STORE_NOTFOUND);
	assert_null(value);
	assert_int_equal(lq_store_meta_set(f->s, "user_id", "lucía"), LQ_STORE_OK);
	assert_int_equal(lq_store_meta_set(f->s, "user_id", USER_ID), LQ_STORE_OK);
	lq_store_close(&f->s);

	assert_int_equal(lq_store_open(f->path, &f->s, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_schema_version(f->s), latest);
	assert_int_equal(lq_store_meta_get(f->s, "user_id", &value), LQ_STORE_OK);
	assert_string_equal(value, USER_ID);
	lq_free(value);

	/* The file really is in WAL mode with the schema's version. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), latest);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_open_refuses_newer_schema(void **state)
{
	char path[160], *err = NULL;
	struct lq_store *s = NULL;
	sqlite3 *db;

	(void)state;
	next_path(path, sizeof path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE x (a); PRAGMA user_version = 999",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(lq_store_open(path, &s, &err), LQ_STORE_ERROR);
	assert_null(s);
	assert_non_null(err);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "999"));
	assert_non_null(strstr(err, "newer"));
	lq_free(err);
	remove_db(path);
}

static void test_open_errors_name_the_file(void **state)
{
	char path[160], *err = NULL;
	struct lq_store *s = NULL;
	FILE *fp;

	(void)state;
	next_path(path, sizeof path);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not a database, just some text that is long enough to be a header\n", fp);
	fclose(fp);
	assert_int_not_equal(lq_store_open(path, &s, &err), LQ_STORE_OK);
	assert_null(s);
	assert_non_null(err);
	assert_non_null(strstr(err, path));
	lq_free(err);
	remove_db(path);

	snprintf(path, sizeof path, "%s/no/such/dir/x.db", tmpdir);
	err = NULL;
	assert_int_not_equal(lq_store_open(path, &s, &err), LQ_STORE_OK);
	assert_non_null(err);
	assert_non_null(strstr(err, path));
	lq_free(err);

	err = NULL;
	assert_int_equal(lq_store_open("postgresql://localhost/leadq", &s, &err), LQ_STORE_ERROR);
	assert_non_null(err);
	assert_non_null(strstr(err, "postgresql://"));
	lq_free(err);
}

/* --- entities -------------------------------------------------------------- */

static void test_user_round_trip(void **state)
{
	struct fixture *f = *state;
	struct lq_user u, got;
	const char *names[3] = { "José Núñez", "Ana Zürich", "beatriz" };
	const char *ids[3] = { USER_ID, ID_A2, ID_B };
	int i;

	for (i = 0; i < 3; i++) {
		lq_user_init(&u);
		memcpy(u.id, ids[i], LQ_UUID_SIZE);
		assert_true(lq_lead_set_str(&u.name, names[i]));
		assert_true(lq_lead_set_str(&u.login, i == 0 ? "jose" : "x"));
		u.role = i == 0 ? LQ_ROLE_LEAD : LQ_ROLE_REP;
		u.capacity = 40 + i;
		u.active = i != 2;
		if (i == 0) {
			assert_true(lq_lead_set_str(&u.team_id, TEAM_ID));
			assert_true(lq_lead_set_str(&u.tz, "America/Sao_Paulo"));
			assert_true(lq_lead_set_str(&u.email, "jose@example.com"));
		}
		assert_int_equal(lq_store_put_user(f->s, &u), LQ_STORE_OK);
		lq_user_clear(&u);
	}

	lq_user_init(&got);
	assert_int_equal(lq_store_get_user(f->s, USER_ID, &got), LQ_STORE_OK);
	assert_string_equal(got.id, USER_ID);
	assert_string_equal(got.name, "José Núñez");
	assert_string_equal(got.login, "jose");
	assert_string_equal(got.team_id, TEAM_ID);
	assert_string_equal(got.tz, "America/Sao_Paulo");
	assert_string_equal(got.email, "jose@example.com");
	assert_int_equal(got.role, LQ_ROLE_LEAD);
	assert_int_equal(got.capacity, 40);
	assert_true(got.active);
	lq_user_clear(&got);

	assert_int_equal(lq_store_get_user(f->s, ID_B, &got), LQ_STORE_OK);
	assert_false(got.active);
	assert_null(got.team_id);
	assert_null(got.email);
	lq_user_clear(&got);
	assert_int_equal(lq_store_get_user(f->s, "nope", &got), LQ_STORE_NOTFOUND);
}

struct names {
	int n;
	char list[4][32];
};

static int name_cb(void *ctx, const struct lq_user *u)
{
	struct names *n = ctx;

	snprintf(n->list[n->n++], sizeof n->list[0], "%s", u->name);
	return n->n >= 4;
}

static void test_each_user_in_name_order(void **state)
{
	struct fixture *f = *state;
	const char *names[3] = { "Marta", "beatriz", "Ana" };
	const char *ids[3] = { USER_ID, ID_A2, ID_B };
	struct names got;
	struct lq_user u;
	int i;

	for (i = 0; i < 3; i++) {
		lq_user_init(&u);
		memcpy(u.id, ids[i], LQ_UUID_SIZE);
		assert_true(lq_lead_set_str(&u.name, names[i]));
		assert_int_equal(lq_store_put_user(f->s, &u), LQ_STORE_OK);
		lq_user_clear(&u);
	}
	memset(&got, 0, sizeof got);
	assert_int_equal(lq_store_each_user(f->s, name_cb, &got), LQ_STORE_OK);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.list[0], "Ana");
	assert_string_equal(got.list[1], "beatriz");
	assert_string_equal(got.list[2], "Marta");
}

static void test_team_round_trip(void **state)
{
	struct fixture *f = *state;
	struct lq_team t, got;

	lq_team_init(&t);
	memcpy(t.id, TEAM_ID, LQ_UUID_SIZE);
	assert_true(lq_lead_set_str(&t.name, "São Paulo Inside Sales"));
	assert_true(lq_lead_set_str(&t.tz, "America/Sao_Paulo"));
	assert_true(lq_lead_set_str(&t.hours, "mon-fri 09:00-14:00,15:00-18:00"));
	assert_true(lq_lead_set_str(&t.holidays, "2026-12-25"));
	t.policy.first_contact_minutes = 30;
	t.policy.touches_required = 4;
	t.policy.touch_window_days = 7;
	t.policy.at_risk_percent = 20;
	assert_int_equal(lq_store_put_team(f->s, &t), LQ_STORE_OK);
	/* An upsert replaces. */
	t.policy.touches_required = 5;
	assert_int_equal(lq_store_put_team(f->s, &t), LQ_STORE_OK);
	lq_team_clear(&t);

	lq_team_init(&got);
	assert_int_equal(lq_store_get_team(f->s, TEAM_ID, &got), LQ_STORE_OK);
	assert_string_equal(got.name, "São Paulo Inside Sales");
	assert_string_equal(got.tz, "America/Sao_Paulo");
	assert_string_equal(got.hours, "mon-fri 09:00-14:00,15:00-18:00");
	assert_string_equal(got.holidays, "2026-12-25");
	assert_int_equal(got.policy.first_contact_minutes, 30);
	assert_int_equal(got.policy.touches_required, 5);
	assert_int_equal(got.policy.touch_window_days, 7);
	assert_int_equal(got.policy.at_risk_percent, 20);
	lq_team_clear(&got);
	assert_int_equal(lq_store_get_team(f->s, ID_B, &got), LQ_STORE_NOTFOUND);
}

static void test_lead_round_trip(void **state)
{
	struct fixture *f = *state;
	struct lq_lead l, got;
	struct lq_activity a;
	size_t n;

	lead_fill(&l, ID_B, "Zoë Ærøskøbing", "Müller & Söhne GmbH", "Zürich");
	assert_true(lq_lead_set_str(&l.external_id, "mautic-42"));
	assert_true(lq_lead_set_str(&l.title, "Directora de compras"));
	assert_true(lq_lead_set_str(&l.phone, "+41 44 000 00 00"));
	assert_true(lq_lead_set_str(&l.region, "ZH"));
	assert_true(lq_lead_set_str(&l.postal_code, "8001"));
	assert_true(lq_lead_set_str(&l.industry, "manufacturing"));
	assert_true(lq_lead_set_str(&l.tz, "Europe/Zurich"));
	assert_true(lq_lead_set_str(&l.campaign, "spring-2026"));
	l.employees = 250;
	l.status = LQ_STATUS_RECYCLED;
	memcpy(l.reason, "no_budget", 10);
	l.first_touch_at = T0 - 100;
	l.last_touch_at = T0 - 50;
	l.touches = 2;
	l.sla_first_due = T0 + 1;
	l.sla_cadence_due = T0 + 2;
	l.next_touch_due = T0 + 3;
	l.next_appt_at = T0 + 4;
	l.do_not_contact = true;
	l.version = 123456789012LL;
	l.updated_at = T0 + 5;
	assert_int_equal(lq_store_put_lead(f->s, &l), LQ_STORE_OK);

	lq_lead_init(&got);
	assert_int_equal(lq_store_get_lead(f->s, ID_B, &got), LQ_STORE_OK);
	assert_string_equal(got.id, ID_B);
	assert_string_equal(got.external_id, "mautic-42");
	assert_string_equal(got.name, "Zoë Ærøskøbing");
	assert_string_equal(got.title, "Directora de compras");
	assert_string_equal(got.company, "Müller & Söhne GmbH");
	assert_string_equal(got.email, "jose@example.com");
	assert_string_equal(got.phone, "+41 44 000 00 00");
	assert_string_equal(got.country, "BR");
	assert_string_equal(got.region, "ZH");
	assert_string_equal(got.city, "Zürich");
	assert_string_equal(got.postal_code, "8001");
	assert_string_equal(got.industry, "manufacturing");
	assert_string_equal(got.tz, "Europe/Zurich");
	assert_string_equal(got.source, "webinar");
	assert_string_equal(got.campaign, "spring-2026");
	assert_string_equal(got.owner_id, USER_ID);
	assert_string_equal(got.team_id, TEAM_ID);
	assert_int_equal(got.employees, 250);
	assert_int_equal(got.score, 75);
	assert_int_equal(got.nscore_parts, 2);
	assert_string_equal(got.score_parts[1].name, "engagement");
	assert_int_equal(got.score_parts[1].points, 35);
	assert_int_equal(got.status, LQ_STATUS_RECYCLED);
	assert_string_equal(got.reason, "no_budget");
	assert_true(got.mql_at == T0 - 3600);
	assert_true(got.first_touch_at == T0 - 100);
	assert_true(got.last_touch_at == T0 - 50);
	assert_int_equal(got.touches, 2);
	assert_int_equal(got.touches_required, 6);
	assert_true(got.sla_first_due == T0 + 1);
	assert_true(got.sla_cadence_due == T0 + 2);
	assert_true(got.next_touch_due == T0 + 3);
	assert_true(got.next_appt_at == T0 + 4);
	assert_true(got.do_not_contact);
	assert_true(got.version == 123456789012LL);
	assert_true(got.updated_at == T0 + 5);
	lq_lead_clear(&got);
	lq_lead_clear(&l);

	/* NULL strings and LQ_TIME_NONE survive as such. */
	lq_lead_init(&got);
	assert_int_equal(lq_store_get_lead(f->s, ID_A, &got), LQ_STORE_OK);
	assert_null(got.external_id);
	assert_null(got.phone);
	assert_true(got.first_touch_at == LQ_TIME_NONE);
	assert_true(got.next_appt_at == LQ_TIME_NONE);
	assert_true(got.updated_at == LQ_TIME_NONE);
	assert_string_equal(got.reason, "");

	/* An upsert of the lead keeps its activities (no delete + cascade). */
	lq_activity_init(&a);
	memcpy(a.id, ID_A2, LQ_UUID_SIZE);
	memcpy(a.lead_id, ID_A, LQ_UUID_SIZE);
	a.kind = LQ_ACT_PAGE_VIEW;
	a.at = T0;
	a.subject = (char *)"https://example.com/precios";
	assert_int_equal(lq_store_put_activity(f->s, &a), LQ_STORE_OK);
	assert_true(lq_lead_set_str(&got.name, "José Núñez Jr."));
	assert_int_equal(lq_store_put_lead(f->s, &got), LQ_STORE_OK);
	lq_lead_clear(&got);
	assert_int_equal(timeline_count(f->s, ID_A), 1);
	assert_int_equal(lq_store_count_leads(f->s, &n), LQ_STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(lq_store_get_lead(f->s, "ffff0000-0000-4000-8000-000000000000", &got),
			 LQ_STORE_NOTFOUND);
}

static void test_activity_timeline(void **state)
{
	struct fixture *f = *state;
	struct lq_activity a;
	struct collect c;
	const char *ids[3] = { ID_A2, ID_B, USER_ID };
	int i;

	for (i = 0; i < 3; i++) {
		lq_activity_init(&a);
		memcpy(a.id, ids[i], LQ_UUID_SIZE);
		memcpy(a.lead_id, ID_A, LQ_UUID_SIZE);
		a.kind = i == 1 ? LQ_ACT_CALL : LQ_ACT_FORM_SUBMIT;
		a.at = T0 + (i == 2 ? 10 : i * 100);    /* order: ids[1], ids[2], ids[0] */
		a.actor = (char *)"marketing";
		a.subject = (char *)(i == 1 ? "llamada" : "Formulário de contato");
		a.detail = (char *)"cidade=São Paulo; país=Brasil";
		a.campaign = (char *)"spring";
		a.duration_s = 30 * i;
		a.outcome = i == 1 ? LQ_OUTCOME_VOICEMAIL : -1;
		assert_int_equal(lq_store_put_activity(f->s, &a), LQ_STORE_OK);
	}
	memset(&c, 0, sizeof c);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &c), LQ_STORE_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.kinds[0], LQ_ACT_CALL);
	assert_int_equal(c.outcomes[0], LQ_OUTCOME_VOICEMAIL);
	assert_string_equal(c.subjects[0], "llamada");
	assert_int_equal(c.outcomes[1], -1);
	assert_string_equal(c.subjects[1], "Formulário de contato");
	assert_string_equal(c.details[2], "cidade=São Paulo; país=Brasil");

	/* A non-zero return stops the walk. */
	memset(&c, 0, sizeof c);
	c.stop_after = 1;
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &c), LQ_STORE_OK);
	assert_int_equal(c.n, 1);

	/* No activity without its lead (foreign key). */
	memcpy(a.id, ID_B, LQ_UUID_SIZE);
	memcpy(a.lead_id, "ffff0000-0000-4000-8000-000000000000", LQ_UUID_SIZE);
	memcpy(a.id, "eeee0000-0000-4000-8000-000000000000", LQ_UUID_SIZE);
	assert_int_equal(lq_store_put_activity(f->s, &a), LQ_STORE_ERROR);
	assert_non_null(strstr(lq_store_errmsg(f->s), f->path));
	assert_int_equal(timeline_count(f->s, "ffff0000-0000-4000-8000-000000000000"), 0);
}

static const struct lq_lead *find_lead(const struct lq_lead_set *set, const char *id, size_t *idx)
{
	size_t i;

	for (i = 0; i < set->count; i++) {
		if (strcmp(set->leads[i].id, id) == 0) {
			*idx = i;
			return &set->leads[i];
		}
	}
	return NULL;
}

static void test_load_leads(void **state)
{
	struct fixture *f = *state;
	struct lq_lead_set set;
	const struct lq_lead *l;
	size_t i = 0;

	put_lead(f->s, ID_A2, "Ana Zürich", "ÖBB Holding", "Wien");
	put_lead(f->s, ID_B, "Bob", NULL, NULL);
	assert_int_equal(lq_store_load_leads(f->s, &set), LQ_STORE_OK);
	assert_int_equal(set.count, 3);
	assert_non_null(set.arena);

	l = find_lead(&set, ID_A, &i);
	assert_non_null(l);
	assert_string_equal(l->name, "José Núñez");
	assert_string_equal(l->city, "São Paulo");
	assert_int_equal(l->nscore_parts, 2);
	assert_true(l->mql_at == T0 - 3600);
	assert_true(l->first_touch_at == LQ_TIME_NONE);
	assert_non_null(strstr(set.search[i], "jose nunez"));
	assert_non_null(strstr(set.search[i], "sao paulo"));
	assert_non_null(strstr(set.search[i], "jose@example.com"));
	assert_non_null(strstr(set.search[i], "webinar"));
	assert_string_equal(set.company[i], "acai ltda");

	l = find_lead(&set, ID_A2, &i);
	assert_non_null(l);
	assert_non_null(strstr(set.search[i], "ana zurich"));
	assert_string_equal(set.company[i], "obb holding");

	l = find_lead(&set, ID_B, &i);
	assert_non_null(l);
	assert_null(l->company);
	assert_string_equal(set.company[i], "");
	lq_lead_set_free(&set);
	assert_null(set.leads);
	assert_int_equal(set.count, 0);
	lq_lead_set_free(&set);   /* twice is harmless */

	/* A lead changed behind the store's back loses its pack, and a pack
	 * this code cannot read is skipped: both are read from the columns. */
	assert_int_equal(lq_store_exec(f->s, "UPDATE leads SET name = 'Ana Raw', "
				       "search_key = 'ana raw' WHERE id = '" ID_A2 "'"), LQ_STORE_OK);
	assert_int_equal(lq_store_exec(f->s, "UPDATE lead_packs SET data = x'02ff' "
				       "WHERE id = '" ID_B "'"), LQ_STORE_OK);
	assert_int_equal(lq_store_load_leads(f->s, &set), LQ_STORE_OK);
	assert_int_equal(set.count, 3);
	l = find_lead(&set, ID_A2, &i);
	assert_non_null(l);
	assert_string_equal(l->name, "Ana Raw");
	assert_string_equal(set.search[i], "ana raw");
	assert_string_equal(set.company[i], "obb holding");
	assert_int_equal(l->nscore_parts, 2);
	l = find_lead(&set, ID_B, &i);
	assert_non_null(l);
	assert_string_equal(l->name, "Bob");
	assert_true(l->mql_at == T0 - 3600);
	l = find_lead(&set, ID_A, &i);
	assert_non_null(l);
	assert_string_equal(l->name, "José Núñez");
	lq_lead_set_free(&set);
}

static void test_load_leads_empty(void **state)
{
	struct fixture *f = *state;
	struct lq_lead_set set;
	char path[160], *err = NULL;
	struct lq_store *s;

	(void)f;
	next_path(path, sizeof path);
	assert_int_equal(lq_store_open(path, &s, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_load_leads(s, &set), LQ_STORE_OK);
	assert_int_equal(set.count, 0);
	lq_lead_set_free(&set);
	lq_store_close(&s);
	remove_db(path);
}

static void test_resolve_id(void **state)
{
	struct fixture *f = *state;
	char out[LQ_UUID_SIZE];

	put_lead(f->s, ID_A2, "Ana", "X", "Y");
	put_lead(f->s, ID_B, "Bob", "X", "Y");
	assert_int_equal(lq_store_resolve_id(f->s, "bbbb", out), LQ_STORE_OK);
	assert_string_equal(out, ID_B);
	assert_int_equal(lq_store_resolve_id(f->s, "BBBB33", out), LQ_STORE_OK);
	assert_string_equal(out, ID_B);
	assert_int_equal(lq_store_resolve_id(f->s, "aaaa", out), LQ_STORE_INVALID);
	assert_string_equal(out, "");
	assert_int_equal(lq_store_resolve_id(f->s, "aaaa1", out), LQ_STORE_OK);
	assert_string_equal(out, ID_A);
	assert_int_equal(lq_store_resolve_id(f->s, ID_A2, out), LQ_STORE_OK);
	assert_string_equal(out, ID_A2);
	assert_int_equal(lq_store_resolve_id(f->s, "cccc", out), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_resolve_id(f->s, "bbb", out), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_resolve_id(f->s, "bbbb%", out), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_resolve_id(f->s, "", out), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_resolve_id(f->s, NULL, out), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_resolve_id(f->s, ID_A "0", out), LQ_STORE_NOTFOUND);
}

/* --- actions --------------------------------------------------------------- */

static void test_act_status(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res;
	struct collect tl;
	struct ops o;
	json_t *args;
	char *err = NULL;

	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	assert_null(err);
	assert_true(lq_uuid_valid(res.op_id));
	assert_true(lq_uuid_valid(res.activity_id));
	assert_string_equal(res.lead_id, ID_A);
	assert_int_equal(res.before.status, LQ_STATUS_NEW);
	assert_int_equal(res.after.status, LQ_STATUS_QUALIFIED);
	assert_true(res.send_after == T0 + WINDOW);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_QUALIFIED);

	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.n, 1);
	assert_int_equal(tl.kinds[0], LQ_ACT_STATUS_CHANGE);
	assert_string_equal(tl.subjects[0], "new \xe2\x86\x92 qualified");
	assert_false(tl.undone[0]);

	/* Held for the undo window, then due. */
	counts(f->s, T0, 1, 1);
	counts(f->s, T0 + WINDOW, 1, 0);
	due(f->s, T0 + WINDOW - 1, &o);
	assert_int_equal(o.n, 0);
	due(f->s, T0 + WINDOW, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.ids[0], res.op_id);
	assert_string_equal(o.kinds[0], "set_status");
	assert_true(o.base[0] == 7);   /* the lead's server version, unchanged */
	args = json_loads(o.args[0], 0, NULL);
	assert_non_null(args);
	assert_string_equal(json_string_value(json_object_get(args, "status")), "qualified");
	assert_string_equal(json_string_value(json_object_get(args, "activity")), res.activity_id);
	json_decref(args);

	/* A reason goes into the activity's detail and the op. */
	c = status_to(LQ_STATUS_RECYCLED, "no_budget");
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 10, &res, &err), LQ_STORE_OK);
	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.n, 2);
	assert_string_equal(tl.subjects[0], "qualified \xe2\x86\x92 recycle");
	assert_string_equal(tl.details[0], "no_budget");
	due(f->s, T0 + 100, &o);
	assert_int_equal(o.n, 2);
	assert_non_null(strstr(o.args[1], "\"reason\":\"no_budget\""));
}

static void test_act_invalid_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_JUNK, NULL);   /* junk needs a reason */
	struct lq_act_result res;
	char *err = NULL;
	struct lq_lead before, after;

	lq_lead_init(&before);
	lq_lead_init(&after);
	assert_int_equal(lq_store_get_lead(f->s, ID_A, &before), LQ_STORE_OK);
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_INVALID);
	assert_int_equal(res.lead_error, LQ_LEAD_ENEED_REASON);
	assert_non_null(err);
	lq_free(err);
	err = NULL;
	assert_string_equal(res.op_id, "");

	c = status_to(LQ_STATUS_WON, NULL);   /* new -> won is not a move */
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_INVALID);
	assert_int_equal(res.lead_error, LQ_LEAD_EBAD_STATUS);
	lq_free(err);
	err = NULL;

	assert_int_equal(lq_store_get_lead(f->s, ID_A, &after), LQ_STORE_OK);
	assert_int_equal(after.status, before.status);
	assert_true(after.updated_at == before.updated_at);
	assert_true(after.sla_first_due == before.sla_first_due);
	assert_int_equal(timeline_count(f->s, ID_A), 0);
	counts(f->s, T0, 0, 0);
	lq_lead_clear(&before);
	lq_lead_clear(&after);

	/* An unknown lead. */
	c = status_to(LQ_STATUS_QUALIFIED, NULL);
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_B, &c, T0, &res, &err), LQ_STORE_NOTFOUND);
	assert_non_null(err);
	lq_free(err);
	counts(f->s, T0, 0, 0);
}

static void test_act_touch(void **state)
{
	struct fixture *f = *state;
	struct lq_change c;
	struct lq_act_result res;
	struct lq_lead l;
	struct collect tl;
	struct ops o;
	char *err = NULL;

	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_TOUCH;
	c.touch = LQ_TOUCH_CALL;
	c.outcome = LQ_OUTCOME_CONNECTED;
	c.text = "Habló con José: interesado";
	c.at = LQ_TIME_NONE;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	assert_int_equal(res.after.touches, 1);

	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(f->s, ID_A, &l), LQ_STORE_OK);
	assert_int_equal(l.status, LQ_STATUS_WORKING);
	assert_int_equal(l.touches, 1);
	assert_true(l.first_touch_at == T0);
	assert_true(l.last_touch_at == T0);
	assert_true(l.version == 7);
	assert_true(l.updated_at == T0);
	/* Deadlines recomputed from the team calendar. */
	assert_true(l.sla_cadence_due != LQ_TIME_NONE);
	lq_lead_clear(&l);

	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.n, 1);
	assert_int_equal(tl.kinds[0], LQ_ACT_CALL);
	assert_int_equal(tl.outcomes[0], LQ_OUTCOME_CONNECTED);
	assert_string_equal(tl.details[0], "Habló con José: interesado");

	due(f->s, T0 + WINDOW, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.kinds[0], "log_touch");
	assert_non_null(strstr(o.args[0], "\"outcome\":\"connected\""));

	/* An email with a call's outcome is refused. */
	c.touch = LQ_TOUCH_EMAIL;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_INVALID);
	assert_int_equal(res.lead_error, LQ_LEAD_EBAD_OUTCOME);
	lq_free(err);
	err = NULL;
	c.outcome = LQ_OUTCOME_SENT;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 60, &res, &err), LQ_STORE_OK);
	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.kinds[0], LQ_ACT_EMAIL);
}

static void test_act_note(void **state)
{
	struct fixture *f = *state;
	struct lq_change c;
	struct lq_act_result res;
	struct lq_lead l;
	struct collect tl;
	struct ops o;
	char *err = NULL;

	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_NOTE;
	c.text = "Prefiere portugués; llamar después de las 15h";
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(f->s, ID_A, &l), LQ_STORE_OK);
	assert_int_equal(l.status, LQ_STATUS_NEW);
	assert_true(l.updated_at == LQ_TIME_NONE);   /* a note does not move the lead */
	lq_lead_clear(&l);
	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.kinds[0], LQ_ACT_NOTE);
	assert_string_equal(tl.details[0], "Prefiere portugués; llamar después de las 15h");
	due(f->s, T0 + WINDOW, &o);
	assert_string_equal(o.kinds[0], "add_note");

	c.text = "   ";
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_INVALID);
	assert_int_equal(res.lead_error, LQ_LEAD_EEMPTY_NOTE);
	lq_free(err);
	assert_int_equal(timeline_count(f->s, ID_A), 1);
}

/* --- undo ------------------------------------------------------------------ */

static void test_undo_cancels_held_op(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res, und;
	struct collect tl;
	struct ops o;
	char *err = NULL;

	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 2, &und, &err), LQ_STORE_OK);
	assert_null(err);
	assert_string_equal(und.op_id, "");          /* nothing to send */
	assert_string_equal(und.lead_id, ID_A);
	assert_int_equal(und.before.status, LQ_STATUS_QUALIFIED);
	assert_int_equal(und.after.status, LQ_STATUS_NEW);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_NEW);

	counts(f->s, T0 + 100, 0, 0);
	due(f->s, T0 + 100, &o);
	assert_int_equal(o.n, 0);
	/* The op is kept, cancelled: marking it again finds it. */
	assert_int_equal(lq_store_outbox_mark(f->s, res.op_id, "cancelled", NULL), LQ_STORE_OK);

	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.n, 2);
	assert_int_equal(tl.kinds[0], LQ_ACT_STATUS_CHANGE);
	assert_string_equal(tl.subjects[0], "qualified \xe2\x86\x92 new");
	assert_string_equal(tl.details[0], "undo");
	assert_false(tl.undone[0]);
	assert_string_equal(tl.subjects[1], "new \xe2\x86\x92 qualified");
	assert_true(tl.undone[1]);

	/* The undo record is not itself undone by the next undo. */
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 3, &und, &err), LQ_STORE_NOTFOUND);
	assert_non_null(err);
	lq_free(err);
}

static void test_undo_sent_queues_undo_op(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res, und;
	struct ops o;
	char *err = NULL;
	char expect[128];

	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_outbox_mark(f->s, res.op_id, "sent", NULL), LQ_STORE_OK);
	counts(f->s, T0 + 10, 0, 0);
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 10, &und, &err), LQ_STORE_OK);
	assert_true(lq_uuid_valid(und.op_id));
	assert_true(und.send_after == T0 + 10);   /* an undo is not held */
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_NEW);
	counts(f->s, T0 + 10, 1, 0);
	due(f->s, T0 + 10, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.kinds[0], "undo");
	assert_string_equal(o.ids[0], und.op_id);
	snprintf(expect, sizeof expect, "{\"op\":\"%s\"}", res.op_id);
	assert_string_equal(o.args[0], expect);
	assert_true(o.base[0] == 7);
}

static void test_undo_nothing(void **state)
{
	struct fixture *f = *state;
	struct lq_act_ctx other = f->ctx;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res;
	char *err = NULL;

	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0, &res, &err), LQ_STORE_NOTFOUND);
	lq_free(err);
	err = NULL;
	/* Someone else's action is not mine to undo. */
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	other.actor_id = "someone-else";
	assert_int_equal(lq_store_undo_last(f->s, &other, T0, &res, &err), LQ_STORE_NOTFOUND);
	lq_free(err);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_QUALIFIED);
}

static void test_undo_lead_moved_on(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res;
	struct lq_lead l;
	char *err = NULL;

	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	/* The server's copy arrives: someone made it an opportunity. */
	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(f->s, ID_A, &l), LQ_STORE_OK);
	l.status = LQ_STATUS_OPPORTUNITY;
	l.version = 8;
	assert_int_equal(lq_store_put_lead(f->s, &l), LQ_STORE_OK);
	lq_lead_clear(&l);

	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 1, &res, &err), LQ_STORE_INVALID);
	assert_int_equal(res.lead_error, LQ_LEAD_ENOT_UNDOABLE);
	assert_non_null(err);
	lq_free(err);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_OPPORTUNITY);
	assert_int_equal(timeline_count(f->s, ID_A), 1);
	counts(f->s, T0 + 1, 1, 1);   /* the original op still held, not cancelled */
}

static void test_undo_in_reverse_order(void **state)
{
	struct fixture *f = *state;
	struct lq_change touch, qual = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res;
	struct lq_lead l;
	char *err = NULL;

	memset(&touch, 0, sizeof touch);
	touch.kind = LQ_CHANGE_TOUCH;
	touch.touch = LQ_TOUCH_CALL;
	touch.outcome = LQ_OUTCOME_NO_ANSWER;
	touch.at = T0;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &touch, T0, &res, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &qual, T0, &res, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 1, &res, &err), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_WORKING);
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 1, &res, &err), LQ_STORE_OK);
	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(f->s, ID_A, &l), LQ_STORE_OK);
	assert_int_equal(l.status, LQ_STATUS_NEW);
	assert_int_equal(l.touches, 0);
	assert_true(l.first_touch_at == LQ_TIME_NONE);
	lq_lead_clear(&l);
	counts(f->s, T0 + 1, 0, 0);
	assert_int_equal(timeline_count(f->s, ID_A), 4);
}

/* --- outbox ---------------------------------------------------------------- */

static void test_outbox_mark(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result r1, r2;
	struct ops o;
	char *err = NULL;
	struct lq_change n;

	memset(&n, 0, sizeof n);
	n.kind = LQ_CHANGE_NOTE;
	n.text = "uno";
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &r1, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &n, T0 + 3, &r2, &err), LQ_STORE_OK);
	counts(f->s, T0 + 4, 2, 2);
	counts(f->s, T0 + 6, 2, 1);
	due(f->s, T0 + 8, &o);
	assert_int_equal(o.n, 2);
	assert_string_equal(o.ids[0], r1.op_id);   /* oldest first */
	assert_string_equal(o.ids[1], r2.op_id);

	assert_int_equal(lq_store_outbox_mark(f->s, r1.op_id, "applied", NULL), LQ_STORE_OK);
	assert_int_equal(lq_store_outbox_mark(f->s, r2.op_id, "conflict", "status changed"),
			 LQ_STORE_OK);
	counts(f->s, T0 + 8, 0, 0);
	due(f->s, T0 + 8, &o);
	assert_int_equal(o.n, 0);
	assert_int_equal(lq_store_outbox_mark(f->s, "ffff0000-0000-4000-8000-000000000000",
					      "sent", NULL), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_outbox_mark(f->s, r1.op_id, "lost", NULL), LQ_STORE_INVALID);
	assert_int_equal(lq_store_outbox_mark(f->s, r1.op_id, NULL, NULL), LQ_STORE_INVALID);
}

static void test_durable_after_reopen(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_UNREACHABLE, "no_answer");
	struct lq_act_result res;
	struct ops o;
	char *err = NULL;

	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	lq_store_close(&f->s);
	assert_int_equal(lq_store_open(f->path, &f->s, &err), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_UNREACHABLE);
	assert_int_equal(timeline_count(f->s, ID_A), 1);
	due(f->s, T0 + WINDOW, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.ids[0], res.op_id);
	/* And undo still knows what to undo after a restart. */
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 1, &res, &err), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_NEW);
}

static void test_full_disk_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct lq_change c;
	struct lq_act_result res;
	struct lq_lead l;
	char *err = NULL, *big;
	size_t n = 300 * 1024;

	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	memset(&c, 0, sizeof c);
	c.kind = LQ_CHANGE_TOUCH;
	c.touch = LQ_TOUCH_CALL;
	c.outcome = LQ_OUTCOME_CONNECTED;
	c.text = big;

	/* The file may not grow: max_page_count cannot go below its size. */
	assert_int_equal(lq_store_exec(f->s, "PRAGMA max_page_count = 1"), LQ_STORE_OK);
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_FULL);
	assert_non_null(err);
	assert_non_null(strstr(err, "full"));
	assert_non_null(strstr(lq_store_errmsg(f->s), f->path));
	lq_free(err);
	err = NULL;
	assert_string_equal(res.op_id, "");

	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(f->s, ID_A, &l), LQ_STORE_OK);
	assert_int_equal(l.status, LQ_STATUS_NEW);
	assert_int_equal(l.touches, 0);
	lq_lead_clear(&l);
	assert_int_equal(timeline_count(f->s, ID_A), 0);
	counts(f->s, T0, 0, 0);

	/* Space again: the same action goes through on the same handle. */
	assert_int_equal(lq_store_exec(f->s, "PRAGMA max_page_count = 1000000"), LQ_STORE_OK);
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);
	assert_int_equal(timeline_count(f->s, ID_A), 1);
	counts(f->s, T0, 1, 1);
	free(big);
}

static void test_nested_transactions(void **state)
{
	struct fixture *f = *state;
	struct lq_change bad = status_to(LQ_STATUS_WON, NULL);
	struct lq_change good = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res;
	char *err = NULL;
	size_t n;

	/* A bulk write with a refused action inside keeps the rest. */
	assert_int_equal(lq_store_begin(f->s), LQ_STORE_OK);
	put_lead(f->s, ID_B, "Bea", "Co", "Lisboa");
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_B, &bad, T0, &res, &err), LQ_STORE_INVALID);
	lq_free(err);
	err = NULL;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_B, &good, T0, &res, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_commit(f->s), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_B), LQ_STATUS_QUALIFIED);
	counts(f->s, T0, 1, 1);

	/* Rolled back: nothing of it stays. */
	assert_int_equal(lq_store_begin(f->s), LQ_STORE_OK);
	put_lead(f->s, ID_A2, "Ana", "Co", "Porto");
	lq_store_rollback(f->s);
	assert_int_equal(lq_store_count_leads(f->s, &n), LQ_STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(lq_store_commit(f->s), LQ_STORE_ERROR);   /* no transaction */
}

/* --- allocation failures ---------------------------------------------------- */

static void test_alloc_failures(void **state)
{
	struct fixture *f = *state;
	struct lq_lead_set set;
	struct lq_lead l;
	struct lq_user u;
	struct lq_team t;
	char *value = NULL;
	long n;
	enum lq_store_rc rc;

	put_lead(f->s, ID_B, "Bob", "Co", "Lima");
	assert_int_equal(lq_store_meta_set(f->s, "k", "v"), LQ_STORE_OK);
	lq_user_init(&u);
	memcpy(u.id, USER_ID, LQ_UUID_SIZE);
	u.name = (char *)"Ana";
	u.login = (char *)"ana";
	assert_int_equal(lq_store_put_user(f->s, &u), LQ_STORE_OK);
	lq_team_init(&t);
	memcpy(t.id, TEAM_ID, LQ_UUID_SIZE);
	t.name = (char *)"Equipo";
	t.tz = (char *)"UTC";
	assert_int_equal(lq_store_put_team(f->s, &t), LQ_STORE_OK);

	for (n = 0;; n++) {
		lq_mem_fail_after(n);
		rc = lq_store_load_leads(f->s, &set);
		lq_mem_fail_after(-1);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
		assert_null(set.leads);
		assert_int_equal(set.count, 0);
	}
	assert_true(n >= 4);   /* three arrays and the arena, at least */
	assert_int_equal(set.count, 2);
	lq_lead_set_free(&set);

	for (n = 0;; n++) {
		lq_lead_init(&l);
		lq_mem_fail_after(n);
		rc = lq_store_get_lead(f->s, ID_A, &l);
		lq_mem_fail_after(-1);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
		assert_null(l.name);
	}
	assert_true(n >= 5);
	assert_string_equal(l.name, "José Núñez");
	lq_lead_clear(&l);

	for (n = 0;; n++) {
		lq_user_init(&u);
		lq_mem_fail_after(n);
		rc = lq_store_get_user(f->s, USER_ID, &u);
		lq_mem_fail_after(-1);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
	}
	assert_int_equal(n, 2);
	lq_user_clear(&u);

	for (n = 0;; n++) {
		lq_team_init(&t);
		lq_mem_fail_after(n);
		rc = lq_store_get_team(f->s, TEAM_ID, &t);
		lq_mem_fail_after(-1);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
	}
	assert_int_equal(n, 2);
	lq_team_clear(&t);

	lq_mem_fail_after(0);
	assert_int_equal(lq_store_meta_get(f->s, "k", &value), LQ_STORE_NOMEM);
	lq_mem_fail_after(-1);
	assert_null(value);
}

/* Every allocation of an action may fail: each failure is NOMEM with
 * nothing written, and the action then succeeds once memory is back. */
static void test_act_alloc_failures(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_RECYCLED, "timing");
	struct lq_act_result res;
	enum lq_store_rc rc;
	char *err;
	long n;

	json_set_alloc_funcs(lq_malloc, lq_free);
	for (n = 0;; n++) {
		err = NULL;
		lq_mem_fail_after(n);
		rc = lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err);
		lq_mem_fail_after(-1);
		lq_free(err);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
		assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_NEW);
		assert_int_equal(timeline_count(f->s, ID_A), 0);
		counts(f->s, T0, 0, 0);
	}
	assert_true(n >= 3);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_RECYCLED);

	for (n = 0;; n++) {
		err = NULL;
		lq_mem_fail_after(n);
		rc = lq_store_undo_last(f->s, &f->ctx, T0 + 1, &res, &err);
		lq_mem_fail_after(-1);
		lq_free(err);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
		assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_RECYCLED);
		assert_int_equal(timeline_count(f->s, ID_A), 1);
		counts(f->s, T0, 1, 1);
	}
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_NEW);
	counts(f->s, T0, 0, 0);
	json_set_alloc_funcs(malloc, free);
}

static void test_open_alloc_failures(void **state)
{
	char path[160], *err;
	struct lq_store *s;
	enum lq_store_rc rc;
	long n;

	(void)state;
	next_path(path, sizeof path);
	for (n = 0;; n++) {
		s = NULL;
		err = NULL;
		lq_mem_fail_after(n);
		rc = lq_store_open(path, &s, &err);
		lq_mem_fail_after(-1);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
		assert_null(s);
		lq_free(err);
	}
	assert_int_equal(n, 3);   /* the path, the store, the "repack" lookup */
	lq_store_close(&s);
	remove_db(path);
}

/* --- os ------------------------------------------------------------------- */

static void test_os_basics(void **state)
{
	char a[LQ_UUID_SIZE], b[LQ_UUID_SIZE], path[200], *s;
	struct stat sb;

	(void)state;
	lq_os_uuid(a);
	lq_os_uuid(b);
	assert_true(lq_uuid_valid(a));
	assert_string_not_equal(a, b);
	assert_int_equal(a[14], '4');          /* random (version 4) */
	lq_os_uuid_ordered(a);
	lq_os_uuid_ordered(b);
	assert_true(lq_uuid_valid(a));
	assert_string_not_equal(a, b);
	assert_int_equal(a[14], '7');          /* time-ordered (version 7) */
	assert_true(strncmp(a, b, 13) <= 0);   /* b was made no earlier */

	setenv("LEADQ_NOW", "2026-01-05T09:00:00Z", 1);
	assert_true(lq_os_now() == T0);
	setenv("LEADQ_NOW", "garbage", 1);
	assert_true(lq_os_now() > T0 - 10 * 365 * LQ_DAY);
	unsetenv("LEADQ_NOW");
	assert_true(lq_os_now() > 1700000000);

	s = lq_os_asprintf("%s-%d-%s", "São", 42, "Paulo");
	assert_string_equal(s, "São-42-Paulo");
	lq_free(s);
	lq_mem_fail_after(0);
	assert_null(lq_os_asprintf("x"));
	lq_mem_fail_after(-1);

	snprintf(path, sizeof path, "%s/a/b//c/", tmpdir);
	assert_int_equal(lq_os_mkdir_p(path, 0700), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(lq_os_mkdir_p(path, 0700), 0);   /* again: fine */
	snprintf(path, sizeof path, "%s/a/file", tmpdir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof path, "%s/a/file/sub", tmpdir);
	assert_int_equal(lq_os_mkdir_p(path, 0700), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(path, sizeof path, "%s/a/file", tmpdir);
	assert_int_equal(lq_os_mkdir_p(path, 0700), -1);
	unlink(path);
	snprintf(path, sizeof path, "%s/a/b/c", tmpdir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a/b", tmpdir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/a", tmpdir);
	rmdir(path);
}

static void test_os_xdg(void **state)
{
	char *d;

	(void)state;
	setenv("HOME", "/home/lucía", 1);
	setenv("XDG_CONFIG_HOME", "/tmp/cfg", 1);
	setenv("XDG_DATA_HOME", "relative/ignored", 1);
	d = lq_os_xdg_dir("config");
	assert_string_equal(d, "/tmp/cfg/leadq");
	lq_free(d);
	d = lq_os_xdg_dir("data");
	assert_string_equal(d, "/home/lucía/.local/share/leadq");
	lq_free(d);
	unsetenv("XDG_CONFIG_HOME");
	d = lq_os_xdg_dir("config");
	assert_string_equal(d, "/home/lucía/.config/leadq");
	lq_free(d);
	assert_null(lq_os_xdg_dir("nonsense"));
	unsetenv("HOME");
	unsetenv("XDG_DATA_HOME");
	assert_null(lq_os_xdg_dir("data"));
}

static void test_os_tz_load(void **state)
{
	char path[200], *err = NULL;
	struct lq_tz *tz;
	struct stat sb;
	FILE *fp;

	(void)state;
	unsetenv("TZDIR");
	tz = lq_os_tz_load("UTC", &err);
	assert_non_null(tz);
	assert_int_equal(lq_tz_offset(tz, T0, NULL), 0);
	lq_tz_free(&tz);

	assert_null(lq_os_tz_load("../../etc/passwd", &err));
	assert_non_null(err);
	lq_free(err);
	assert_null(lq_os_tz_load("/etc/passwd", &err));
	assert_non_null(err);
	lq_free(err);
	assert_null(lq_os_tz_load("", &err));
	lq_free(err);
	assert_null(lq_os_tz_load("Mars/Olympus_Mons", &err));
	assert_non_null(strstr(err, "Mars/Olympus_Mons"));
	lq_free(err);

	if (stat("/usr/share/zoneinfo/Europe/Madrid", &sb) == 0) {
		tz = lq_os_tz_load("Europe/Madrid", &err);
		assert_non_null(tz);
		assert_int_equal(lq_tz_offset(tz, T0, NULL), 3600);        /* CET in January */
		assert_int_equal(lq_tz_offset(tz, T0 + 180 * LQ_DAY, NULL), 7200);
		lq_tz_free(&tz);
	}

	/* TZDIR is honoured, and a file that is not TZif is refused by name. */
	setenv("TZDIR", tmpdir, 1);
	snprintf(path, sizeof path, "%s/Fake_Zone", tmpdir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("not a tzif file", fp);
	fclose(fp);
	assert_null(lq_os_tz_load("Fake_Zone", &err));
	assert_non_null(strstr(err, path));
	lq_free(err);
	unlink(path);
	unsetenv("TZDIR");
}

/* --- reassign ------------------------------------------------------------- */

#define REP_ANA "eeee0001-0000-4000-8000-00000000000e"
#define REP_BEA "eeee0002-0000-4000-8000-00000000000e"
#define REP_OFF "eeee0003-0000-4000-8000-00000000000e"
#define REP_FAR "eeee0004-0000-4000-8000-00000000000e"
#define OTHER_TEAM "dddd0000-0000-4000-8000-0000000000ff"

static void put_user_in(struct lq_store *s, const char *id, const char *login,
			enum lq_role role, const char *team, bool active)
{
	struct lq_user u;

	lq_user_init(&u);
	memcpy(u.id, id, LQ_UUID_SIZE);
	u.login = (char *)login;
	u.name = (char *)login;
	u.team_id = (char *)team;
	u.role = role;
	u.capacity = 30;
	u.active = active;
	assert_int_equal(lq_store_put_user(s, &u), LQ_STORE_OK);
}

/* The acting team lead (USER_ID), two reps of the team, a disabled one and
 * one of another team. */
static void put_team_users(struct lq_store *s)
{
	put_user_in(s, USER_ID, "marta", LQ_ROLE_LEAD, TEAM_ID, true);
	put_user_in(s, REP_ANA, "ana", LQ_ROLE_REP, TEAM_ID, true);
	put_user_in(s, REP_BEA, "beatriz", LQ_ROLE_REP, TEAM_ID, true);
	put_user_in(s, REP_OFF, "otto", LQ_ROLE_REP, TEAM_ID, false);
	put_user_in(s, REP_FAR, "zoe", LQ_ROLE_REP, OTHER_TEAM, true);
}

static void lead_owner(struct lq_store *s, const char *id, char *owner, char *team,
		       int64_t *version)
{
	struct lq_lead l;

	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(s, id, &l), LQ_STORE_OK);
	snprintf(owner, LQ_UUID_SIZE, "%s", l.owner_id ? l.owner_id : "");
	snprintf(team, LQ_UUID_SIZE, "%s", l.team_id ? l.team_id : "");
	*version = l.version;
	lq_lead_clear(&l);
}

static void test_reassign(void **state)
{
	struct fixture *f = *state;
	char owner[LQ_UUID_SIZE], team[LQ_UUID_SIZE];
	struct lq_act_result res;
	struct collect tl;
	struct ops o;
	int64_t version;
	json_t *args;
	char *err = NULL;

	put_team_users(f->s);
	assert_int_equal(lq_store_reassign(f->s, &f->ctx, ID_A, REP_ANA, "on holiday", T0, &res,
					   &err), LQ_STORE_OK);
	assert_null(err);
	assert_true(lq_uuid_valid(res.op_id));
	assert_true(lq_uuid_valid(res.activity_id));
	assert_string_equal(res.lead_id, ID_A);
	assert_true(res.send_after == T0);
	assert_int_equal(res.before.status, LQ_STATUS_NEW);
	assert_int_equal(res.after.status, LQ_STATUS_NEW);

	lead_owner(f->s, ID_A, owner, team, &version);
	assert_string_equal(owner, REP_ANA);
	assert_string_equal(team, TEAM_ID);
	assert_true(version == 7);   /* the server's copy wins at sync */

	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.n, 1);
	assert_int_equal(tl.kinds[0], LQ_ACT_ASSIGNMENT);
	assert_string_equal(tl.subjects[0], "ana");
	assert_string_equal(tl.details[0], "on holiday");

	/* Not held: due at once, on the cached version. */
	counts(f->s, T0, 1, 0);
	due(f->s, T0, &o);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.ids[0], res.op_id);
	assert_string_equal(o.kinds[0], "reassign");
	assert_true(o.base[0] == 7);
	args = json_loads(o.args[0], 0, NULL);
	assert_non_null(args);
	assert_int_equal(json_object_size(args), 3);
	assert_string_equal(json_string_value(json_object_get(args, "owner")), REP_ANA);
	assert_string_equal(json_string_value(json_object_get(args, "reason")), "on holiday");
	/* The history row's id goes along, so the server records the same row. */
	assert_string_equal(json_string_value(json_object_get(args, "activity")), res.activity_id);
	json_decref(args);

	/* No reason (NULL or ""): none sent, none in the activity. */
	assert_int_equal(lq_store_reassign(f->s, &f->ctx, ID_A, REP_BEA, "", T0 + 1, &res, &err),
			 LQ_STORE_OK);
	due(f->s, T0 + 1, &o);
	assert_int_equal(o.n, 2);
	args = json_loads(o.args[1], 0, NULL);
	assert_non_null(args);
	assert_int_equal(json_object_size(args), 2);
	assert_string_equal(json_string_value(json_object_get(args, "owner")), REP_BEA);
	assert_null(json_object_get(args, "reason"));
	assert_string_equal(json_string_value(json_object_get(args, "activity")), res.activity_id);
	json_decref(args);
	memset(&tl, 0, sizeof tl);
	assert_int_equal(lq_store_timeline(f->s, ID_A, collect_cb, &tl), LQ_STORE_OK);
	assert_int_equal(tl.n, 2);
	assert_string_equal(tl.subjects[0], "beatriz");
	assert_string_equal(tl.details[0], "");
	lead_owner(f->s, ID_A, owner, team, &version);
	assert_string_equal(owner, REP_BEA);
}

/* A reassignment is not undoable, and does not hide the change before it. */
static void test_reassign_not_undoable(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	char owner[LQ_UUID_SIZE], team[LQ_UUID_SIZE];
	struct lq_act_result res;
	int64_t version;
	char *err = NULL;

	put_team_users(f->s);
	assert_int_equal(lq_store_reassign(f->s, &f->ctx, ID_A, REP_ANA, NULL, T0, &res, &err),
			 LQ_STORE_OK);
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 1, &res, &err), LQ_STORE_NOTFOUND);
	lq_free(err);
	err = NULL;

	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 2, &res, &err), LQ_STORE_OK);
	assert_int_equal(lq_store_reassign(f->s, &f->ctx, ID_A, REP_BEA, NULL, T0 + 3, &res, &err),
			 LQ_STORE_OK);
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 4, &res, &err), LQ_STORE_OK);
	assert_null(err);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_NEW);
	lead_owner(f->s, ID_A, owner, team, &version);
	assert_string_equal(owner, REP_BEA);   /* the undo leaves the owner alone */
	/* Two reassign ops due; the set_status was cancelled inside its window. */
	counts(f->s, T0 + 4, 2, 0);
}

static void assert_refused(struct fixture *f, const char *lead, const char *user,
			   enum lq_store_rc want, const char *words)
{
	char owner[LQ_UUID_SIZE], team[LQ_UUID_SIZE];
	struct lq_act_result res;
	int64_t version;
	char *err = NULL;

	assert_int_equal(lq_store_reassign(f->s, &f->ctx, lead, user, "x", T0, &res, &err), want);
	assert_non_null(err);
	assert_non_null(strstr(err, words));
	lq_free(err);
	assert_string_equal(res.op_id, "");
	assert_true(res.send_after == LQ_TIME_NONE);
	lead_owner(f->s, ID_A, owner, team, &version);
	assert_string_equal(owner, USER_ID);
	assert_string_equal(team, TEAM_ID);
	assert_int_equal(timeline_count(f->s, ID_A), 0);
	counts(f->s, T0 + 100, 0, 0);
}

static void test_reassign_refused(void **state)
{
	struct fixture *f = *state;

	put_team_users(f->s);
	assert_refused(f, ID_A, "eeee9999-0000-4000-8000-00000000000e", LQ_STORE_INVALID,
		       "no such user");
	assert_refused(f, ID_A, NULL, LQ_STORE_INVALID, "no such user");
	assert_refused(f, ID_A, REP_OFF, LQ_STORE_INVALID, "disabled");
	assert_refused(f, ID_A, REP_FAR, LQ_STORE_INVALID, "not in the lead's team");
	assert_refused(f, ID_A, USER_ID, LQ_STORE_INVALID, "owns the lead already");
	assert_refused(f, ID_B, REP_ANA, LQ_STORE_NOTFOUND, "no such lead");
	assert_refused(f, NULL, REP_ANA, LQ_STORE_NOTFOUND, "no such lead");
}

/* A lead without a team goes to the actor's team, and no further. */
static void test_reassign_teamless_lead(void **state)
{
	struct fixture *f = *state;
	char owner[LQ_UUID_SIZE], team[LQ_UUID_SIZE];
	struct lq_act_result res;
	struct lq_lead l;
	int64_t version;
	char *err = NULL;

	put_team_users(f->s);
	lead_fill(&l, ID_B, "Bob", "Co", "Lima");
	assert_true(lq_lead_set_str(&l.owner_id, NULL));
	assert_true(lq_lead_set_str(&l.team_id, NULL));
	assert_int_equal(lq_store_put_lead(f->s, &l), LQ_STORE_OK);
	lq_lead_clear(&l);

	assert_int_equal(lq_store_reassign(f->s, &f->ctx, ID_B, REP_FAR, NULL, T0, &res, &err),
			 LQ_STORE_INVALID);
	assert_non_null(strstr(err, "team"));
	lq_free(err);
	err = NULL;
	assert_int_equal(lq_store_reassign(f->s, &f->ctx, ID_B, REP_ANA, NULL, T0, &res, &err),
			 LQ_STORE_OK);
	lead_owner(f->s, ID_B, owner, team, &version);
	assert_string_equal(owner, REP_ANA);
	assert_string_equal(team, TEAM_ID);
}

static void test_reassign_full_disk(void **state)
{
	struct fixture *f = *state;
	struct lq_act_result res;
	char *err = NULL, *big;
	size_t n = 300 * 1024;

	put_team_users(f->s);
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	assert_int_equal(lq_store_exec(f->s, "PRAGMA max_page_count = 1"), LQ_STORE_OK);
	assert_int_equal(lq_store_reassign(f->s, &f->ctx, ID_A, REP_ANA, big, T0, &res, &err),
			 LQ_STORE_FULL);
	assert_non_null(err);
	assert_non_null(strstr(err, "full"));
	lq_free(err);
	assert_string_equal(res.op_id, "");
	assert_int_equal(timeline_count(f->s, ID_A), 0);
	counts(f->s, T0, 0, 0);
	free(big);
}

static void test_reassign_alloc_failures(void **state)
{
	struct fixture *f = *state;
	char owner[LQ_UUID_SIZE], team[LQ_UUID_SIZE];
	struct lq_act_result res;
	enum lq_store_rc rc;
	int64_t version;
	char *err;
	long n;

	put_team_users(f->s);
	json_set_alloc_funcs(lq_malloc, lq_free);
	for (n = 0;; n++) {
		err = NULL;
		lq_mem_fail_after(n);
		rc = lq_store_reassign(f->s, &f->ctx, ID_A, REP_ANA, "busy", T0, &res, &err);
		lq_mem_fail_after(-1);
		lq_free(err);
		if (rc == LQ_STORE_OK)
			break;
		assert_int_equal(rc, LQ_STORE_NOMEM);
		lead_owner(f->s, ID_A, owner, team, &version);
		assert_string_equal(owner, USER_ID);
		assert_int_equal(timeline_count(f->s, ID_A), 0);
		counts(f->s, T0, 0, 0);
	}
	assert_true(n >= 5);
	lead_owner(f->s, ID_A, owner, team, &version);
	assert_string_equal(owner, REP_ANA);
	counts(f->s, T0, 1, 0);
	json_set_alloc_funcs(malloc, free);
}

/* --- the amount (issue 6) -------------------------------------------------- */

/* The first byte of a lead's pack (its format version), -1 when it has none. */
static int pack_version(const char *path, const char *id)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[160];
	int v = -1;

	snprintf(sql, sizeof sql, "SELECT unicode(CAST(substr(data, 1, 1) AS TEXT)) "
		 "FROM lead_packs WHERE id = '%s'", id);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int64_t loaded_amount(struct lq_store *s, const char *id)
{
	struct lq_lead_set set;
	const struct lq_lead *l;
	int64_t amount;
	size_t i;

	assert_int_equal(lq_store_load_leads(s, &set), LQ_STORE_OK);
	l = find_lead(&set, id, &i);
	assert_non_null(l);
	amount = l->amount;
	lq_lead_set_free(&set);
	return amount;
}

static void test_amount_round_trip(void **state)
{
	struct fixture *f = *state;
	struct lq_lead l, got;

	lead_fill(&l, ID_B, "Zoë", "Müller GmbH", "Zürich");
	l.status = LQ_STATUS_OPPORTUNITY;
	l.amount = 48000;
	assert_int_equal(lq_store_put_lead(f->s, &l), LQ_STORE_OK);
	lq_lead_init(&got);
	assert_int_equal(lq_store_get_lead(f->s, ID_B, &got), LQ_STORE_OK);
	assert_true(got.amount == 48000);
	lq_lead_clear(&got);
	/* Through the pack (version 3 carries it), and through the columns. */
	assert_int_equal(pack_version(f->path, ID_B), 3);
	assert_true(loaded_amount(f->s, ID_B) == 48000);
	assert_true(loaded_amount(f->s, ID_A) == 0);
	assert_int_equal(lq_store_exec(f->s, "DELETE FROM lead_packs WHERE id = '" ID_B "'"),
			 LQ_STORE_OK);
	assert_true(loaded_amount(f->s, ID_B) == 48000);

	/* The largest amount and back to none. */
	l.amount = LQ_AMOUNT_MAX;
	assert_int_equal(lq_store_put_lead(f->s, &l), LQ_STORE_OK);
	assert_true(loaded_amount(f->s, ID_B) == LQ_AMOUNT_MAX);
	lq_lead_init(&got);
	assert_int_equal(lq_store_get_lead(f->s, ID_B, &got), LQ_STORE_OK);
	assert_true(got.amount == LQ_AMOUNT_MAX);
	lq_lead_clear(&got);
	l.amount = 0;
	assert_int_equal(lq_store_put_lead(f->s, &l), LQ_STORE_OK);
	assert_true(loaded_amount(f->s, ID_B) == 0);
	lq_lead_clear(&l);
}

/* A cache of schema 5 (packs of version 2) gains the column, every lead
 * amount 0, and its packs are written again in the new form at open. */
static void test_amount_migration_repacks(void **state)
{
	char path[160], errmsg[256], *err = NULL;
	struct lq_store *s = NULL;
	sqlite3 *db = NULL;
	struct lq_lead got;

	(void)state;
	next_path(path, sizeof path);
	assert_true(lq_migrations[lq_migrations_count - 1].version == 6);
	assert_int_equal(lq_sqlite_open(path, "", &db, errmsg, sizeof errmsg), LQ_STORE_OK);
	assert_int_equal(lq_sqlite_migrate(db, lq_migrations, lq_migrations_count - 1, "leadq",
					   errmsg, sizeof errmsg), LQ_STORE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO leads (id, name, status, version) VALUES ('"
				      ID_B "', 'Zoë', 'opportunity', 3); "
				      "INSERT INTO lead_packs (id, data) VALUES ('" ID_B "', x'02ff')",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(lq_store_open(path, &s, &err), LQ_STORE_OK);
	assert_null(err);
	assert_int_equal(lq_store_schema_version(s), 6);
	assert_int_equal(pack_version(path, ID_B), 3);
	assert_true(loaded_amount(s, ID_B) == 0);
	lq_lead_init(&got);
	assert_int_equal(lq_store_get_lead(s, ID_B, &got), LQ_STORE_OK);
	assert_string_equal(got.name, "Zoë");
	assert_int_equal(got.status, LQ_STATUS_OPPORTUNITY);
	assert_true(got.amount == 0);
	lq_lead_clear(&got);
	lq_store_close(&s);
	remove_db(path);
}

static int64_t stored_amount(struct lq_store *s, const char *id)
{
	struct lq_lead l;
	int64_t amount;

	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(s, id, &l), LQ_STORE_OK);
	amount = l.amount;
	lq_lead_clear(&l);
	return amount;
}

/* The `o` key's path: opportunity with an amount, then won with another;
 * the ops carry them; undo moves the status back and keeps the amount
 * (lq_lead_apply: the value the deal was won at). */
static void test_act_amount(void **state)
{
	struct fixture *f = *state;
	struct lq_change c = status_to(LQ_STATUS_QUALIFIED, NULL);
	struct lq_act_result res;
	struct ops o;
	json_t *args;
	char *err = NULL;

	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0, &res, &err), LQ_STORE_OK);

	/* An amount with another status is refused and writes nothing. */
	c = status_to(LQ_STATUS_RECYCLED, "no_budget");
	c.has_amount = true;
	c.amount = 100;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 1, &res, &err),
			 LQ_STORE_INVALID);
	assert_int_equal(res.lead_error, LQ_LEAD_EBAD_AMOUNT);
	lq_free(err);
	err = NULL;
	c = status_to(LQ_STATUS_OPPORTUNITY, NULL);
	c.has_amount = true;
	c.amount = -1;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 1, &res, &err),
			 LQ_STORE_INVALID);
	lq_free(err);
	err = NULL;
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_QUALIFIED);
	assert_true(stored_amount(f->s, ID_A) == 0);
	counts(f->s, T0, 1, 1);

	c.amount = 48000;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 2, &res, &err), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_OPPORTUNITY);
	assert_true(stored_amount(f->s, ID_A) == 48000);
	assert_true(loaded_amount(f->s, ID_A) == 48000);

	c = status_to(LQ_STATUS_WON, NULL);
	c.has_amount = true;
	c.amount = 52000;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 3, &res, &err), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_WON);
	assert_true(loaded_amount(f->s, ID_A) == 52000);

	due(f->s, T0 + 100, &o);
	assert_int_equal(o.n, 3);
	args = json_loads(o.args[1], 0, NULL);
	assert_non_null(args);
	assert_string_equal(json_string_value(json_object_get(args, "status")), "opportunity");
	assert_true(json_integer_value(json_object_get(args, "amount")) == 48000);
	json_decref(args);
	args = json_loads(o.args[2], 0, NULL);
	assert_non_null(args);
	assert_string_equal(json_string_value(json_object_get(args, "status")), "won");
	assert_true(json_integer_value(json_object_get(args, "amount")) == 52000);
	json_decref(args);
	/* A status change without an amount sends none. */
	assert_null(strstr(o.args[0], "amount"));

	/* z: back to opportunity; the value stays what it was won at. */
	assert_int_equal(lq_store_undo_last(f->s, &f->ctx, T0 + 4, &res, &err), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_OPPORTUNITY);
	assert_true(stored_amount(f->s, ID_A) == 52000);
	assert_true(loaded_amount(f->s, ID_A) == 52000);

	/* Won without an amount keeps the opportunity's. */
	c.has_amount = false;
	c.amount = 0;
	assert_int_equal(lq_store_act(f->s, &f->ctx, ID_A, &c, T0 + 5, &res, &err), LQ_STORE_OK);
	assert_int_equal(lead_status(f->s, ID_A), LQ_STATUS_WON);
	assert_true(stored_amount(f->s, ID_A) == 52000);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/lq-test-store-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_migrate_reopen),
		cmocka_unit_test(test_open_refuses_newer_schema),
		cmocka_unit_test(test_open_errors_name_the_file),
		T(test_user_round_trip),
		T(test_each_user_in_name_order),
		T(test_team_round_trip),
		T(test_lead_round_trip),
		T(test_activity_timeline),
		T(test_load_leads),
		T(test_load_leads_empty),
		T(test_resolve_id),
		T(test_act_status),
		T(test_act_invalid_changes_nothing),
		T(test_act_touch),
		T(test_act_note),
		T(test_undo_cancels_held_op),
		T(test_undo_sent_queues_undo_op),
		T(test_undo_nothing),
		T(test_undo_lead_moved_on),
		T(test_undo_in_reverse_order),
		T(test_outbox_mark),
		T(test_durable_after_reopen),
		T(test_full_disk_changes_nothing),
		T(test_nested_transactions),
		T(test_alloc_failures),
		T(test_act_alloc_failures),
		T(test_reassign),
		T(test_reassign_not_undoable),
		T(test_reassign_refused),
		T(test_reassign_teamless_lead),
		T(test_reassign_full_disk),
		T(test_reassign_alloc_failures),
		T(test_amount_round_trip),
		cmocka_unit_test(test_amount_migration_repacks),
		T(test_act_amount),
		cmocka_unit_test(test_open_alloc_failures),
		cmocka_unit_test(test_os_basics),
		cmocka_unit_test(test_os_xdg),
		cmocka_unit_test(test_os_tz_load),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
