/* Unit tests of the server storage (src/store/srvstore.c, srv_sqlite.c):
 * the scope rules, the feed's scoping and removals, op records, tokens,
 * dedupe lookups, transactions, and out-of-memory paths. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/org.h"
#include "leadq/srvstore.h"

#define TEAM_A "aaaaaaaa-0000-4000-8000-000000000001"
#define TEAM_B "aaaaaaaa-0000-4000-8000-000000000002"
#define ANA    "bbbbbbbb-0000-4000-8000-000000000001"
#define BOB    "bbbbbbbb-0000-4000-8000-000000000002"
#define MARTA  "bbbbbbbb-0000-4000-8000-000000000003"
#define CARL   "bbbbbbbb-0000-4000-8000-000000000004"
#define LEAD1  "cccccccc-0000-4000-8000-000000000001"
#define LEAD2  "cccccccc-0000-4000-8000-000000000002"
#define OP1    "dddddddd-0000-4000-8000-000000000001"

struct fx {
	char dir[64];
	char path[96];
	struct lq_srv_store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char *err = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/test_srvstore.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/s.db", f->dir);
	assert_int_equal(lq_srv_open(f->path, &f->s, &err), LQ_STORE_OK);
	assert_null(err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	lq_mem_fail_after(-1);
	lq_srv_close(&f->s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void put_lead(struct lq_srv_store *s, const char *id, const char *owner, const char *team,
		     const char *email, const char *ext)
{
	struct lq_lead l;

	lq_lead_init(&l);
	memcpy(l.id, id, LQ_UUID_SIZE);
	assert_true(lq_lead_set_str(&l.owner_id, owner));
	assert_true(lq_lead_set_str(&l.team_id, team));
	assert_true(lq_lead_set_str(&l.email, email));
	assert_true(lq_lead_set_str(&l.external_id, ext));
	assert_true(lq_lead_set_str(&l.name, "José Núñez"));
	l.version = 1;
	assert_int_equal(lq_srv_lead_put(s, &l, 1), LQ_STORE_OK);
	lq_lead_clear(&l);
}

static void feed(struct lq_srv_store *s, const char *type, const char *id, const char *owner,
		 const char *team, const char *prev_owner, const char *prev_team)
{
	struct lq_srv_feed f = { 0, type, id, NULL, owner, team, prev_owner, prev_team };
	int64_t seq = 0;

	assert_int_equal(lq_srv_feed_add(s, &f, &seq), LQ_STORE_OK);
	assert_true(seq > 0);
}

struct collect {
	char ids[16][40];
	int n;
	int stop_after;
};

static int collect_row(void *ctx, const struct lq_srv_feed *row)
{
	struct collect *c = ctx;

	snprintf(c->ids[c->n++], sizeof c->ids[0], "%s", row->entity_id);
	return c->stop_after && c->n >= c->stop_after;
}

static void test_scope_rules(void **state)
{
	struct lq_srv_scope rep = { LQ_ROLE_REP, ANA, TEAM_A };
	struct lq_srv_scope lead = { LQ_ROLE_LEAD, MARTA, TEAM_A };
	struct lq_srv_scope admin = { LQ_ROLE_ADMIN, CARL, NULL };
	struct lq_srv_scope tq = { LQ_ROLE_TELEQUAL, BOB, NULL };

	(void)state;
	assert_true(lq_srv_scope_sees_lead(&rep, ANA, TEAM_A));
	assert_false(lq_srv_scope_sees_lead(&rep, BOB, TEAM_A));   /* a teammate's */
	assert_false(lq_srv_scope_sees_lead(&rep, NULL, TEAM_A));
	assert_true(lq_srv_scope_sees_lead(&lead, BOB, TEAM_A));
	assert_false(lq_srv_scope_sees_lead(&lead, CARL, TEAM_B));
	assert_true(lq_srv_scope_sees_lead(&admin, NULL, NULL));
	assert_true(lq_srv_scope_sees_lead(&tq, BOB, NULL));
	assert_false(lq_srv_scope_sees_lead(&tq, ANA, TEAM_A));
	/* No team is not "the same team" as another lead's missing team. */
	assert_false(lq_srv_scope_sees_lead(&(struct lq_srv_scope){ LQ_ROLE_LEAD, MARTA, NULL },
					    BOB, NULL));
	assert_true(lq_srv_scope_sees_org(&rep, BOB, TEAM_A));
	assert_true(lq_srv_scope_sees_org(&rep, TEAM_A, TEAM_A));
	assert_false(lq_srv_scope_sees_org(&rep, CARL, TEAM_B));
	assert_true(lq_srv_scope_sees_org(&rep, ANA, NULL));
	assert_true(lq_srv_scope_sees_org(&admin, CARL, TEAM_B));
}

static void test_feed_scoping(void **state)
{
	struct fx *f = *state;
	struct lq_srv_scope ana = { LQ_ROLE_REP, ANA, TEAM_A };
	struct lq_srv_scope bob = { LQ_ROLE_REP, BOB, TEAM_A };
	struct lq_srv_scope marta = { LQ_ROLE_LEAD, MARTA, TEAM_A };
	struct lq_srv_scope carl = { LQ_ROLE_REP, CARL, TEAM_B };
	struct collect c;
	int64_t last;

	feed(f->s, "team", TEAM_A, NULL, TEAM_A, NULL, NULL);           /* 1 */
	feed(f->s, "user", ANA, NULL, TEAM_A, NULL, NULL);              /* 2 */
	feed(f->s, "user", CARL, NULL, TEAM_B, NULL, NULL);             /* 3 */
	feed(f->s, "lead", LEAD1, ANA, TEAM_A, NULL, NULL);             /* 4 */
	feed(f->s, "lead", LEAD2, BOB, TEAM_A, NULL, NULL);             /* 5 */
	feed(f->s, "lead", LEAD1, BOB, TEAM_A, ANA, TEAM_A);            /* 6: to bob */

	memset(&c, 0, sizeof c);
	assert_int_equal(lq_srv_feed_page(f->s, &ana, 0, 100, collect_row, &c, &last), LQ_STORE_OK);
	assert_int_equal(c.n, 4);               /* team, herself, lead 1, its removal */
	assert_string_equal(c.ids[0], TEAM_A);
	assert_string_equal(c.ids[1], ANA);
	assert_string_equal(c.ids[2], LEAD1);
	assert_string_equal(c.ids[3], LEAD1);
	assert_int_equal(last, 6);

	memset(&c, 0, sizeof c);
	assert_int_equal(lq_srv_feed_page(f->s, &bob, 0, 100, collect_row, &c, &last), LQ_STORE_OK);
	assert_int_equal(c.n, 4);               /* team, ana (team), lead 2, lead 1 */
	assert_string_equal(c.ids[2], LEAD2);
	assert_string_equal(c.ids[3], LEAD1);

	memset(&c, 0, sizeof c);
	assert_int_equal(lq_srv_feed_page(f->s, &marta, 0, 100, collect_row, &c, &last), LQ_STORE_OK);
	assert_int_equal(c.n, 5);

	memset(&c, 0, sizeof c);
	assert_int_equal(lq_srv_feed_page(f->s, &carl, 0, 100, collect_row, &c, &last), LQ_STORE_OK);
	assert_int_equal(c.n, 1);               /* only himself */
	assert_string_equal(c.ids[0], CARL);

	/* since and limit; last is the last row read, not the last row seen. */
	memset(&c, 0, sizeof c);
	assert_int_equal(lq_srv_feed_page(f->s, &ana, 4, 1, collect_row, &c, &last), LQ_STORE_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(last, 6);
	memset(&c, 0, sizeof c);
	assert_int_equal(lq_srv_feed_page(f->s, &ana, 6, 100, collect_row, &c, &last), LQ_STORE_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(last, 6);
	/* The callback stops the page. */
	memset(&c, 0, sizeof c);
	c.stop_after = 2;
	assert_int_equal(lq_srv_feed_page(f->s, &marta, 0, 100, collect_row, &c, &last), LQ_STORE_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(lq_srv_feed_last(f->s, &last), LQ_STORE_OK);
	assert_int_equal(last, 6);
}

static void test_op_records(void **state)
{
	struct fx *f = *state;
	struct lq_srv_op op;

	assert_int_equal(lq_srv_op_get(f->s, OP1, &op), LQ_STORE_NOTFOUND);
	assert_null(op.result);
	assert_int_equal(lq_srv_begin(f->s), LQ_STORE_OK);
	assert_int_equal(lq_srv_op_put(f->s, OP1, ANA, "abc123", "{\"result\":\"applied\"}", 100),
			 LQ_STORE_OK);
	assert_int_equal(lq_srv_commit(f->s), LQ_STORE_OK);
	assert_int_equal(lq_srv_op_get(f->s, OP1, &op), LQ_STORE_OK);
	assert_string_equal(op.user_id, ANA);
	assert_string_equal(op.hash, "abc123");
	assert_string_equal(op.result, "{\"result\":\"applied\"}");
	free(op.result);
	/* An op id is recorded once. */
	assert_int_not_equal(lq_srv_op_put(f->s, OP1, BOB, "x", "{}", 101), LQ_STORE_OK);
	/* A rolled-back op leaves no record. */
	assert_int_equal(lq_srv_begin(f->s), LQ_STORE_OK);
	assert_int_equal(lq_srv_op_put(f->s, LEAD2, ANA, "h", "{}", 102), LQ_STORE_OK);
	lq_srv_rollback(f->s);
	assert_int_equal(lq_srv_op_get(f->s, LEAD2, &op), LQ_STORE_NOTFOUND);
}

static void test_nested_transactions(void **state)
{
	struct fx *f = *state;
	char *v = NULL;

	assert_int_equal(lq_srv_begin(f->s), LQ_STORE_OK);
	assert_int_equal(lq_srv_meta_set(f->s, "a", "1"), LQ_STORE_OK);
	assert_int_equal(lq_srv_begin(f->s), LQ_STORE_OK);
	assert_int_equal(lq_srv_meta_set(f->s, "b", "2"), LQ_STORE_OK);
	lq_srv_rollback(f->s);                  /* the inner level only */
	assert_int_equal(lq_srv_commit(f->s), LQ_STORE_OK);
	assert_int_equal(lq_srv_meta_get(f->s, "a", &v), LQ_STORE_OK);
	assert_string_equal(v, "1");
	free(v);
	assert_int_equal(lq_srv_meta_get(f->s, "b", &v), LQ_STORE_NOTFOUND);
	assert_null(v);
}

static void test_leads_and_dedupe(void **state)
{
	struct fx *f = *state;
	char id[LQ_UUID_SIZE];
	struct lq_lead l;
	int64_t sv = 0;

	put_lead(f->s, LEAD1, ANA, TEAM_A, "Jose@Example.ES", "ext-1");
	put_lead(f->s, LEAD2, BOB, TEAM_A, "other@example.com", NULL);
	assert_int_equal(lq_srv_lead_find(f->s, "jose@example.es", NULL, id), LQ_STORE_OK);
	assert_string_equal(id, LEAD1);
	assert_int_equal(lq_srv_lead_find(f->s, NULL, "ext-1", id), LQ_STORE_OK);
	assert_string_equal(id, LEAD1);
	/* The external id wins over another lead's email. */
	assert_int_equal(lq_srv_lead_find(f->s, "other@example.com", "ext-1", id), LQ_STORE_OK);
	assert_string_equal(id, LEAD1);
	assert_int_equal(lq_srv_lead_find(f->s, "nobody@example.com", "ext-9", id), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_srv_lead_find(f->s, "", NULL, id), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_srv_lead_get(f->s, LEAD1, &l, &sv), LQ_STORE_OK);
	assert_string_equal(l.name, "José Núñez");
	assert_string_equal(l.owner_id, ANA);
	assert_int_equal(sv, 1);
	lq_lead_clear(&l);
	assert_int_equal(lq_srv_lead_get(f->s, OP1, &l, NULL), LQ_STORE_NOTFOUND);
}

static void test_activity_states(void **state)
{
	struct fx *f = *state;
	struct lq_srv_activity a, b;

	put_lead(f->s, LEAD1, ANA, TEAM_A, NULL, NULL);
	lq_srv_activity_init(&a);
	memcpy(a.a.id, OP1, LQ_UUID_SIZE);
	memcpy(a.a.lead_id, LEAD1, LQ_UUID_SIZE);
	a.a.kind = LQ_ACT_STATUS_CHANGE;
	a.a.at = 1000;
	memcpy(a.op_id, LEAD2, LQ_UUID_SIZE);
	a.has_states = true;
	a.before.status = LQ_STATUS_WORKING;
	a.before.touches = 2;
	a.before.first_touch_at = 10;
	a.before.last_touch_at = LQ_TIME_NONE;
	a.after = a.before;
	a.after.status = LQ_STATUS_RECYCLED;
	snprintf(a.after.reason, sizeof a.after.reason, "no_budget");
	assert_int_equal(lq_srv_activity_put(f->s, &a), LQ_STORE_OK);
	assert_int_equal(lq_srv_activity_by_op(f->s, LEAD2, &b), LQ_STORE_OK);
	assert_string_equal(b.a.id, OP1);
	assert_true(b.has_states);
	assert_int_equal(b.before.status, LQ_STATUS_WORKING);
	assert_int_equal(b.before.touches, 2);
	assert_true(b.before.last_touch_at == LQ_TIME_NONE);
	assert_int_equal(b.after.status, LQ_STATUS_RECYCLED);
	assert_string_equal(b.after.reason, "no_budget");
	lq_srv_activity_clear(&b);
	assert_int_equal(lq_srv_activity_by_op(f->s, OP1, &b), LQ_STORE_NOTFOUND);
	/* An activity of no lead breaks the foreign key. */
	memcpy(a.a.lead_id, LEAD2, LQ_UUID_SIZE);
	memcpy(a.a.id, TEAM_A, LQ_UUID_SIZE);
	a.op_id[0] = '\0';
	assert_int_not_equal(lq_srv_activity_put(f->s, &a), LQ_STORE_OK);
}

static void test_users_tokens_keys(void **state)
{
	struct fx *f = *state;
	struct lq_user u, v;
	struct lq_team t;
	char id[LQ_UUID_SIZE], name[32], *hash = NULL;
	int64_t version = 0;
	int n = -1;

	lq_team_init(&t);
	memcpy(t.id, TEAM_A, LQ_UUID_SIZE);
	assert_true(lq_lead_set_str(&t.name, "Iberia"));
	assert_int_equal(lq_srv_team_put(f->s, &t, NULL), LQ_STORE_OK);
	lq_team_clear(&t);
	lq_user_init(&u);
	memcpy(u.id, ANA, LQ_UUID_SIZE);
	assert_true(lq_lead_set_str(&u.login, "ana"));
	assert_true(lq_lead_set_str(&u.name, "Ana Núñez"));
	assert_true(lq_lead_set_str(&u.team_id, TEAM_A));
	assert_int_equal(lq_srv_user_put(f->s, &u), LQ_STORE_OK);
	assert_int_equal(lq_srv_user_put(f->s, &u), LQ_STORE_OK);
	assert_int_equal(lq_srv_user_get(f->s, "ana", true, &v, &version, &hash), LQ_STORE_OK);
	assert_int_equal(version, 2);           /* each put bumps it */
	assert_null(hash);
	assert_string_equal(v.name, "Ana Núñez");
	lq_user_clear(&v);
	assert_int_equal(lq_srv_team_lead(f->s, TEAM_A, &v), LQ_STORE_NOTFOUND);

	assert_int_equal(lq_srv_token_add(f->s, "h1", ANA, 5), LQ_STORE_OK);
	assert_int_equal(lq_srv_token_user(f->s, "h1", id), LQ_STORE_OK);
	assert_string_equal(id, ANA);
	assert_int_equal(lq_srv_token_user(f->s, "h2", id), LQ_STORE_NOTFOUND);
	u.active = false;                       /* a disabled user's token is dead */
	assert_int_equal(lq_srv_user_put(f->s, &u), LQ_STORE_OK);
	assert_int_equal(lq_srv_token_user(f->s, "h1", id), LQ_STORE_NOTFOUND);
	u.active = true;
	assert_int_equal(lq_srv_user_put(f->s, &u), LQ_STORE_OK);
	assert_int_equal(lq_srv_tokens_revoke(f->s, ANA, 6, &n), LQ_STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(lq_srv_token_user(f->s, "h1", id), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_srv_tokens_revoke(f->s, ANA, 7, &n), LQ_STORE_OK);
	assert_int_equal(n, 0);
	/* A token of no user breaks the foreign key. */
	assert_int_not_equal(lq_srv_token_add(f->s, "h3", BOB, 5), LQ_STORE_OK);

	assert_int_equal(lq_srv_key_add(f->s, "k1", "mautic", 5), LQ_STORE_OK);
	assert_int_equal(lq_srv_key_check(f->s, "k1", name, sizeof name), LQ_STORE_OK);
	assert_string_equal(name, "mautic");
	assert_int_equal(lq_srv_key_check(f->s, "k2", name, sizeof name), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_srv_user_set_password(f->s, BOB, "x"), LQ_STORE_NOTFOUND);
	lq_user_clear(&u);
}

static void test_reopen_and_nomem(void **state)
{
	struct fx *f = *state;
	struct lq_srv_store *s2 = NULL;
	char *err = NULL, *v = NULL;
	long n;

	assert_int_equal(lq_srv_meta_set(f->s, "epoch", "e1"), LQ_STORE_OK);
	lq_srv_close(&f->s);
	assert_null(f->s);
	assert_int_equal(lq_srv_open(f->path, &f->s, &err), LQ_STORE_OK);
	assert_int_equal(lq_srv_meta_get(f->s, "epoch", &v), LQ_STORE_OK);
	assert_string_equal(v, "e1");
	free(v);
	/* Every allocation failure while opening is an error, never a crash. */
	for (n = 0; n < 3; n++) {
		lq_mem_fail_after(n);
		if (lq_srv_open(f->path, &s2, &err) == LQ_STORE_OK)
			lq_srv_close(&s2);
		free(err);
		err = NULL;
	}
	lq_mem_fail_after(0);
	assert_int_equal(lq_srv_open(f->path, &s2, &err), LQ_STORE_NOMEM);
	assert_null(s2);
	lq_mem_fail_after(-1);
	free(err);
	/* Not a database: the error names the file. */
	assert_int_not_equal(lq_srv_open("/proc/version", &s2, &err), LQ_STORE_OK);
	assert_non_null(err);
	assert_non_null(strstr(err, "/proc/version"));
	free(err);
	assert_int_equal(lq_srv_open("postgresql://x/y", &s2, &err), LQ_STORE_ERROR);
	assert_non_null(strstr(err, "PostgreSQL"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope_rules),
		cmocka_unit_test_setup_teardown(test_feed_scoping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leads_and_dedupe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activity_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_tokens_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_and_nomem, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
