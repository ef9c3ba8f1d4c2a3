/* Tests of the sync engine's pieces: the capped buffer, the server address,
 * and the store's sync additions (version rule, removal, resync keeps the
 * outbox, sendable ops, rebase after an op's answer). */
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
#include "leadq/store.h"
#include "leadq/sync.h"
#include "store/private.h"   /* lq_store_exec */

#define LEAD_A "11111111-1111-4111-8111-111111111111"
#define USER_A "22222222-2222-4222-8222-222222222222"
#define TEAM_A "33333333-3333-4333-8333-333333333333"
#define ACT_A "44444444-4444-4444-8444-444444444444"
#define T0 1795000000

static void test_buf(void **state)
{
	struct lq_buf b;

	(void)state;
	lq_buf_init(&b, 10);
	assert_int_equal(lq_buf_add(&b, "hello", 5), LQ_BUF_OK);
	assert_int_equal(lq_buf_add(&b, "world", 5), LQ_BUF_OK);
	assert_string_equal(b.data, "helloworld");
	assert_int_equal(lq_buf_add(&b, "!", 1), LQ_BUF_TOO_LARGE);
	assert_int_equal(b.len, 10);
	lq_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	lq_buf_free(&b);
	assert_null(b.data);

	lq_buf_init(&b, 1 << 20);
	lq_mem_fail_after(0);
	assert_int_equal(lq_buf_add(&b, "x", 1), LQ_BUF_NOMEM);
	lq_mem_fail_after(-1);
	assert_int_equal(lq_buf_add(&b, "x", 1), LQ_BUF_OK);
	for (int i = 0; i < 2000; i++)
		assert_int_equal(lq_buf_add(&b, "0123456789", 10), LQ_BUF_OK);
	assert_int_equal(b.len, 20001);
	lq_buf_free(&b);
}

static void test_base_url(void **state)
{
	char *u;

	(void)state;
	u = lq_sync_base_url("127.0.0.1:8750");
	assert_string_equal(u, "http://127.0.0.1:8750");
	free(u);
	u = lq_sync_base_url("leadq.example.com");
	assert_string_equal(u, "https://leadq.example.com");
	free(u);
	u = lq_sync_base_url("http://localhost:1/app//");
	assert_string_equal(u, "http://localhost:1/app");
	free(u);
	assert_null(lq_sync_base_url(""));
	assert_null(lq_sync_base_url(NULL));
}

struct fx {
	struct lq_store *s;
	char path[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char *err = NULL;
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/test_sync_XXXXXX");
	fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	assert_int_equal(lq_store_open(f->path, &f->s, &err), LQ_STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char wal[80];

	lq_store_close(&f->s);
	unlink(f->path);
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", f->path);
	unlink(wal);
	free(f);
	return 0;
}

static void make_lead(struct lq_lead *l, int64_t version, const char *name)
{
	lq_lead_init(l);
	memcpy(l->id, LEAD_A, sizeof LEAD_A);
	l->name = (char *)name;
	l->owner_id = (char *)USER_A;
	l->status = LQ_STATUS_NEW;
	l->mql_at = T0;
	l->version = version;
}

static void cached_name(struct lq_store *s, const char *want, int64_t want_version)
{
	struct lq_lead l;

	lq_lead_init(&l);
	assert_int_equal(lq_store_get_lead(s, LEAD_A, &l), LQ_STORE_OK);
	assert_string_equal(l.name, want);
	assert_int_equal(l.version, want_version);
	lq_lead_clear(&l);
}

static void test_version_rule(void **state)
{
	struct fx *f = *state;
	struct lq_lead l;
	bool stored;

	make_lead(&l, 3, "José Núñez");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_true(stored);
	make_lead(&l, 2, "Older");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_false(stored);
	make_lead(&l, 3, "Same version");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_false(stored);
	cached_name(f->s, "José Núñez", 3);
	make_lead(&l, 4, "Zürich AG");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_true(stored);
	cached_name(f->s, "Zürich AG", 4);
	/* After a rejected op the server's copy wins even at the same version. */
	assert_int_equal(lq_store_lead_forget_version(f->s, LEAD_A), LQ_STORE_OK);
	make_lead(&l, 4, "Back");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_true(stored);
	cached_name(f->s, "Back", 4);
}

static void test_entities(void **state)
{
	struct fx *f = *state;
	struct lq_user u, got;
	struct lq_team t;
	struct lq_activity a;
	struct lq_lead l;
	bool stored;
	int64_t v;

	lq_user_init(&u);
	memcpy(u.id, USER_A, sizeof USER_A);
	u.login = (char *)"lucia";
	u.name = (char *)"Lucía";
	assert_int_equal(lq_store_apply_user(f->s, &u, 2, &stored), LQ_STORE_OK);
	assert_true(stored);
	u.name = (char *)"Old";
	assert_int_equal(lq_store_apply_user(f->s, &u, 1, &stored), LQ_STORE_OK);
	assert_false(stored);
	lq_user_init(&got);
	assert_int_equal(lq_store_get_user(f->s, USER_A, &got), LQ_STORE_OK);
	assert_string_equal(got.name, "Lucía");
	lq_user_clear(&got);
	assert_int_equal(lq_store_version(f->s, LQ_ENTITY_USER, USER_A, &v), LQ_STORE_OK);
	assert_int_equal(v, 2);

	lq_team_init(&t);
	memcpy(t.id, TEAM_A, sizeof TEAM_A);
	t.name = (char *)"Iberia";
	assert_int_equal(lq_store_apply_team(f->s, &t, 5, &stored), LQ_STORE_OK);
	assert_true(stored);
	assert_int_equal(lq_store_apply_team(f->s, &t, 5, &stored), LQ_STORE_OK);
	assert_false(stored);

	/* An activity of a lead not in the view is skipped. */
	lq_activity_init(&a);
	memcpy(a.id, ACT_A, sizeof ACT_A);
	memcpy(a.lead_id, LEAD_A, sizeof LEAD_A);
	a.kind = LQ_ACT_NOTE;
	a.at = T0;
	a.detail = (char *)"hola";
	assert_int_equal(lq_store_apply_activity(f->s, &a, 1, &stored), LQ_STORE_OK);
	assert_false(stored);
	make_lead(&l, 1, "Ana");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_int_equal(lq_store_apply_activity(f->s, &a, 1, &stored), LQ_STORE_OK);
	assert_true(stored);
	assert_int_equal(lq_store_apply_activity(f->s, &a, 1, &stored), LQ_STORE_OK);
	assert_false(stored);

	/* removed: the lead and its activities go; again is fine. */
	assert_int_equal(lq_store_remove_lead(f->s, LEAD_A), LQ_STORE_OK);
	assert_int_equal(lq_store_version(f->s, LQ_ENTITY_LEAD, LEAD_A, &v), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_version(f->s, LQ_ENTITY_ACTIVITY, ACT_A, &v), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_remove_lead(f->s, LEAD_A), LQ_STORE_OK);
}

static int collect(void *ctx, const struct lq_outbox_op *op)
{
	char (*ids)[LQ_UUID_SIZE] = ctx;
	int i = 0;

	while (ids[i][0])
		i++;
	memcpy(ids[i], op->id, LQ_UUID_SIZE);
	return 0;
}

static void act(struct lq_store *s, enum lq_status to, lq_time now, int window,
		struct lq_act_result *res)
{
	struct lq_reasons reasons;
	struct lq_act_ctx ctx;
	struct lq_change ch;
	char *err = NULL;

	lq_reasons_default(&reasons);
	memset(&ctx, 0, sizeof ctx);
	ctx.actor_id = USER_A;
	ctx.reasons = &reasons;
	ctx.undo_window_s = window;
	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_STATUS;
	ch.to = to;
	ch.at = now;
	if (to == LQ_STATUS_RECYCLED)
		ch.reason = "no_budget";
	assert_int_equal(lq_store_act(s, &ctx, LEAD_A, &ch, now, res, &err), LQ_STORE_OK);
	free(err);
}

static void test_outbox_and_resync(void **state)
{
	struct fx *f = *state;
	struct lq_act_result r1, r2;
	char ids[8][LQ_UUID_SIZE];
	struct lq_lead l;
	bool stored;
	char *cursor = NULL;
	int pending, held;

	make_lead(&l, 7, "Ana");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	act(f->s, LQ_STATUS_QUALIFIED, T0, 0, &r1);
	act(f->s, LQ_STATUS_RECYCLED, T0 + 1, 5, &r2);   /* held 5 s */

	memset(ids, 0, sizeof ids);
	assert_int_equal(lq_store_outbox_sendable(f->s, T0 + 1, 0, collect, ids), LQ_STORE_OK);
	assert_string_equal(ids[0], r1.op_id);
	assert_string_equal(ids[1], "");
	/* A sent op goes again (after a restart) until answered. */
	assert_int_equal(lq_store_outbox_mark(f->s, r1.op_id, "sent", NULL), LQ_STORE_OK);
	memset(ids, 0, sizeof ids);
	assert_int_equal(lq_store_outbox_sendable(f->s, T0 + 10, 0, collect, ids), LQ_STORE_OK);
	assert_string_equal(ids[0], r1.op_id);
	assert_string_equal(ids[1], r2.op_id);
	memset(ids, 0, sizeof ids);
	assert_int_equal(lq_store_outbox_sendable(f->s, T0 + 10, 1, collect, ids), LQ_STORE_OK);
	assert_string_equal(ids[1], "");

	/* A feed copy does not overwrite a lead with ops on their way. */
	make_lead(&l, 9, "Feed");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_false(stored);

	/* The first op's answer: version 8; the second (made on top of it) is
	 * rebased to 8 and the lead keeps its local state. */
	{
		struct lq_outbox_op op;
		struct lq_outbox_op *seen;
		int64_t v;

		memset(&op, 0, sizeof op);
		memcpy(op.id, r1.op_id, LQ_UUID_SIZE);
		memcpy(op.lead_id, LEAD_A, sizeof LEAD_A);
		op.seq = 1;
		op.base_version = 7;
		assert_int_equal(lq_store_outbox_mark(f->s, r1.op_id, "applied", NULL), LQ_STORE_OK);
		make_lead(&l, 8, "After op 1");
		l.status = LQ_STATUS_QUALIFIED;
		assert_int_equal(lq_store_apply_op_lead(f->s, &op, &l, &stored), LQ_STORE_OK);
		assert_false(stored);
		assert_int_equal(lq_store_version(f->s, LQ_ENTITY_LEAD, LEAD_A, &v), LQ_STORE_OK);
		assert_int_equal(v, 8);
		(void)seen;
	}
	{
		struct lq_lead got;

		lq_lead_init(&got);
		assert_int_equal(lq_store_get_lead(f->s, LEAD_A, &got), LQ_STORE_OK);
		assert_int_equal(got.status, LQ_STATUS_RECYCLED);
		lq_lead_clear(&got);
	}

	/* Resync: the view goes, the outbox and the user stay. */
	assert_int_equal(lq_store_meta_set(f->s, "cursor", "1.42"), LQ_STORE_OK);
	assert_int_equal(lq_store_drop_view(f->s), LQ_STORE_OK);
	assert_int_equal(lq_store_get_lead(f->s, LEAD_A, &l), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_outbox_count(f->s, T0 + 10, &pending, &held), LQ_STORE_OK);
	assert_int_equal(pending, 1);
	assert_int_equal(lq_store_meta_get(f->s, "cursor", &cursor), LQ_STORE_OK);
	assert_string_equal(cursor, "");
	lq_free(cursor);
	memset(ids, 0, sizeof ids);
	assert_int_equal(lq_store_outbox_each(f->s, "applied", collect, ids), LQ_STORE_OK);
	assert_string_equal(ids[0], r1.op_id);
	assert_int_equal(lq_store_outbox_each(f->s, "bogus", collect, ids), LQ_STORE_INVALID);
}

/* The one-statement apply of an activity: a newer server copy replaces the
 * cached one, an older or equal one does not, a local activity (with its
 * op id) keeps its op id, and a lead that leaves the view takes it along. */
static int first_activity(void *ctx, const struct lq_activity *a)
{
	snprintf(ctx, 64, "%s", a->detail ? a->detail : "");
	return 1;
}

static void test_activity_versions(void **state)
{
	struct fx *f = *state;
	struct lq_activity a;
	struct lq_lead l;
	char detail[64];
	bool stored;
	int64_t v;

	make_lead(&l, 1, "Ana");
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_true(stored);
	/* A local note, not yet answered by the server (version 0). */
	assert_int_equal(lq_store_exec(f->s, "INSERT INTO activities (id, lead_id, kind, at, "
				       "detail, op_id) VALUES ('" ACT_A "', '" LEAD_A "', "
				       "'note', 1795000000, 'local', 'op-1')"), LQ_STORE_OK);
	lq_activity_init(&a);
	memcpy(a.id, ACT_A, sizeof ACT_A);
	memcpy(a.lead_id, LEAD_A, sizeof LEAD_A);
	a.kind = LQ_ACT_NOTE;
	a.at = T0;
	a.detail = (char *)"server v2";
	assert_int_equal(lq_store_apply_activity(f->s, &a, 2, &stored), LQ_STORE_OK);
	assert_true(stored);
	assert_int_equal(lq_store_version(f->s, LQ_ENTITY_ACTIVITY, ACT_A, &v), LQ_STORE_OK);
	assert_int_equal(v, 2);
	a.detail = (char *)"server v1";
	assert_int_equal(lq_store_apply_activity(f->s, &a, 1, &stored), LQ_STORE_OK);
	assert_false(stored);
	a.detail = (char *)"server v2 again";
	assert_int_equal(lq_store_apply_activity(f->s, &a, 2, &stored), LQ_STORE_OK);
	assert_false(stored);
	detail[0] = '\0';
	assert_int_equal(lq_store_timeline(f->s, LEAD_A, first_activity, detail), LQ_STORE_OK);
	assert_string_equal(detail, "server v2");
	a.detail = (char *)"server v3";
	assert_int_equal(lq_store_apply_activity(f->s, &a, 3, &stored), LQ_STORE_OK);
	assert_true(stored);
	assert_int_equal(lq_store_timeline(f->s, LEAD_A, first_activity, detail), LQ_STORE_OK);
	assert_string_equal(detail, "server v3");
	/* The local op id survived both server copies. */
	assert_int_equal(lq_store_exec(f->s, "UPDATE activities SET detail = 'op kept' "
				       "WHERE id = '" ACT_A "' AND op_id = 'op-1'"), LQ_STORE_OK);
	assert_int_equal(lq_store_timeline(f->s, LEAD_A, first_activity, detail), LQ_STORE_OK);
	assert_string_equal(detail, "op kept");

	/* Inside a page's transaction, rolled back: nothing stays. */
	assert_int_equal(lq_store_remove_lead(f->s, LEAD_A), LQ_STORE_OK);
	assert_int_equal(lq_store_begin(f->s), LQ_STORE_OK);
	assert_int_equal(lq_store_apply_lead(f->s, &l, &stored), LQ_STORE_OK);
	assert_true(stored);
	assert_int_equal(lq_store_apply_activity(f->s, &a, 1, &stored), LQ_STORE_OK);
	assert_true(stored);
	lq_store_rollback(f->s);
	assert_int_equal(lq_store_version(f->s, LQ_ENTITY_LEAD, LEAD_A, &v), LQ_STORE_NOTFOUND);
	assert_int_equal(lq_store_version(f->s, LQ_ENTITY_ACTIVITY, ACT_A, &v), LQ_STORE_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_base_url),
		cmocka_unit_test_setup_teardown(test_version_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_and_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activity_versions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
