/* leadq — the storage interface: dispatch to a backend, and the user
 * actions written once over the backend operations.
 *
 * lq_store_act() and lq_store_undo_last() live here, not in sqlite.c: they
 * are the same for every backend (load the lead, run the core state
 * machine, recompute deadlines, write the lead, append the activity, queue
 * the op) and only need the primitives of struct lq_store_ops, each call
 * inside one backend transaction. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <jansson.h>

#include "leadq/appt.h"
#include "leadq/codec.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "leadq/sla.h"
#include "leadq/store.h"
#include "leadq/text.h"
#include "store/private.h"

/* Backends in the order they are asked whether they serve a path. */
static const struct lq_store_ops *const backends[] = {
	&lq_store_sqlite_ops,
};

const char *const lq_outbox_states[] = {
	"pending", "sent", "applied", "duplicate", "conflict", "rejected", "cancelled", NULL
};

bool lq_outbox_state_valid(const char *state)
{
	size_t i;

	if (!state)
		return false;
	for (i = 0; lq_outbox_states[i]; i++)
		if (strcmp(lq_outbox_states[i], state) == 0)
			return true;
	return false;
}

/* --- arena ----------------------------------------------------------------- */

struct lq_arena_chunk {
	struct lq_arena_chunk *next;
	size_t size, used;
	char data[];
};

struct lq_arena {
	struct lq_arena_chunk *head;
	size_t chunk_size;
};

struct lq_arena *lq_arena_new(size_t chunk_size)
{
	struct lq_arena *a = lq_calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->chunk_size = chunk_size < 4096 ? 4096 : chunk_size;
	return a;
}

void lq_prefault(void *p, size_t size)
{
#if defined(MADV_POPULATE_WRITE)
	const uintptr_t page = 4096;
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + size) & ~(page - 1);

	/* Best effort: older kernels answer EINVAL and fault page by page. */
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)size;
#endif
}

char *lq_arena_strndup(struct lq_arena *a, const char *s, size_t len)
{
	struct lq_arena_chunk *c = a->head;
	char *p;

	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > a->chunk_size ? len + 1 : a->chunk_size;

		c = lq_malloc(sizeof *c + size);
		if (!c)
			return NULL;
		if (size >= LQ_PREFAULT_MIN)
			lq_prefault(c->data, size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

void lq_arena_free(struct lq_arena **ap)
{
	struct lq_arena_chunk *c, *next;

	if (!ap || !*ap)
		return;
	for (c = (*ap)->head; c; c = next) {
		next = c->next;
		lq_free(c);
	}
	lq_free(*ap);
	*ap = NULL;
}

void lq_lead_set_free(struct lq_lead_set *set)
{
	struct lq_arena *a;

	if (!set)
		return;
	a = set->arena;
	lq_arena_free(&a);
	lq_free(set->leads);
	lq_free(set->search);
	lq_free(set->company);
	memset(set, 0, sizeof *set);
}

/* --- search keys ---------------------------------------------------------- */

void lq_store_lead_keys(const struct lq_lead *l, char search[LQ_SEARCH_KEY_SIZE],
			char company[LQ_COMPANY_KEY_SIZE])
{
	const char *parts[] = { l->name, l->company, l->email, l->phone, l->city,
				l->country, l->source, l->campaign };
	size_t i, pos = 0;

	search[0] = '\0';
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!parts[i] || !parts[i][0])
			continue;
		if (pos > 0) {
			if (pos + 2 >= LQ_SEARCH_KEY_SIZE)
				break;
			search[pos++] = ' ';
			search[pos] = '\0';
		}
		pos += lq_fold(parts[i], search + pos, LQ_SEARCH_KEY_SIZE - pos);
		if (pos >= LQ_SEARCH_KEY_SIZE)
			pos = LQ_SEARCH_KEY_SIZE - 1;
	}
	search[pos] = '\0';
	company[0] = '\0';
	if (l->company)
		lq_fold(l->company, company, LQ_COMPANY_KEY_SIZE);
	company[LQ_COMPANY_KEY_SIZE - 1] = '\0';
}

/* --- dispatch ---------------------------------------------------------------- */

enum lq_store_rc lq_store_open(const char *path, struct lq_store **out, char **err)
{
	size_t i;

	*out = NULL;
	if (err)
		*err = NULL;
	if (!path || !path[0]) {
		if (err)
			*err = lq_strdup("no database path given");
		return LQ_STORE_ERROR;
	}
	for (i = 0; i < sizeof backends / sizeof backends[0]; i++)
		if (backends[i]->accepts(path))
			return backends[i]->open(path, out, err);
	if (err)
		*err = lq_os_asprintf("%s: no storage backend for this kind of database", path);
	return LQ_STORE_ERROR;
}

void lq_store_close(struct lq_store **s)
{
	if (!s || !*s)
		return;
	(*s)->ops->close(*s);
	*s = NULL;
}

const char *lq_store_errmsg(const struct lq_store *s)
{
	return s ? s->ops->errmsg(s) : "no store";
}

int lq_store_schema_version(struct lq_store *s)
{
	return s->ops->schema_version(s);
}

enum lq_store_rc lq_store_exec(struct lq_store *s, const char *sql)
{
	return s->ops->exec(s, sql);
}

enum lq_store_rc lq_store_begin(struct lq_store *s)
{
	return s->ops->begin(s);
}

enum lq_store_rc lq_store_commit(struct lq_store *s)
{
	return s->ops->commit(s);
}

void lq_store_rollback(struct lq_store *s)
{
	s->ops->rollback(s);
}

enum lq_store_rc lq_store_meta_get(struct lq_store *s, const char *key, char **value)
{
	*value = NULL;
	return s->ops->meta_get(s, key, value);
}

enum lq_store_rc lq_store_meta_set(struct lq_store *s, const char *key, const char *value)
{
	return s->ops->meta_set(s, key, value);
}

enum lq_store_rc lq_store_put_user(struct lq_store *s, const struct lq_user *u)
{
	return s->ops->put_user(s, u);
}

enum lq_store_rc lq_store_get_user(struct lq_store *s, const char *id, struct lq_user *out)
{
	return s->ops->get_user(s, id, out);
}

enum lq_store_rc lq_store_each_user(struct lq_store *s, lq_user_cb cb, void *ctx)
{
	return s->ops->each_user(s, cb, ctx);
}

enum lq_store_rc lq_store_put_team(struct lq_store *s, const struct lq_team *t)
{
	return s->ops->put_team(s, t);
}

enum lq_store_rc lq_store_get_team(struct lq_store *s, const char *id, struct lq_team *out)
{
	return s->ops->get_team(s, id, out);
}

enum lq_store_rc lq_store_put_lead(struct lq_store *s, const struct lq_lead *l)
{
	return s->ops->put_lead(s, l);
}

enum lq_store_rc lq_store_get_lead(struct lq_store *s, const char *id, struct lq_lead *out)
{
	return s->ops->get_lead(s, id, out);
}

enum lq_store_rc lq_store_put_activity(struct lq_store *s, const struct lq_activity *a)
{
	struct lq_activity_rec r;

	memset(&r, 0, sizeof r);
	r.a = *a;
	return s->ops->put_activity(s, &r);
}

enum lq_store_rc lq_store_timeline(struct lq_store *s, const char *lead_id,
				   lq_activity_cb cb, void *ctx)
{
	return s->ops->timeline(s, lead_id, cb, ctx);
}

enum lq_store_rc lq_store_load_leads(struct lq_store *s, struct lq_lead_set *out)
{
	memset(out, 0, sizeof *out);
	return s->ops->load_leads(s, out);
}

enum lq_store_rc lq_store_count_leads(struct lq_store *s, size_t *count)
{
	*count = 0;
	return s->ops->count_leads(s, count);
}

static bool prefix_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
}

enum lq_store_rc lq_store_resolve_id(struct lq_store *s, const char *id_or_prefix,
				     char out[LQ_UUID_SIZE])
{
	char prefix[LQ_UUID_SIZE];
	size_t i, len;

	out[0] = '\0';
	if (!id_or_prefix)
		return LQ_STORE_NOTFOUND;
	len = strlen(id_or_prefix);
	if (len < 4 || len > LQ_UUID_STRLEN)
		return LQ_STORE_NOTFOUND;
	/* Ids are lower-case; people may type them in either case. */
	for (i = 0; i < len; i++) {
		char c = id_or_prefix[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!prefix_char(c))
			return LQ_STORE_NOTFOUND;
		prefix[i] = c;
	}
	prefix[len] = '\0';
	return s->ops->resolve_id(s, prefix, out);
}

enum lq_store_rc lq_store_outbox_due(struct lq_store *s, lq_time now, lq_outbox_cb cb, void *ctx)
{
	return s->ops->outbox_due(s, now, cb, ctx);
}

enum lq_store_rc lq_store_outbox_count(struct lq_store *s, lq_time now, int *pending, int *held)
{
	*pending = 0;
	*held = 0;
	return s->ops->outbox_count(s, now, pending, held);
}

enum lq_store_rc lq_store_outbox_mark(struct lq_store *s, const char *op_id,
				      const char *state, const char *error)
{
	if (!op_id || !lq_outbox_state_valid(state))
		return LQ_STORE_INVALID;
	return s->ops->outbox_mark(s, op_id, state, error);
}

/* --- user actions ------------------------------------------------------------ */

static void set_err(char **err, const char *what, enum lq_store_rc rc, struct lq_store *s)
{
	if (!err)
		return;
	lq_free(*err);
	if (rc == LQ_STORE_NOMEM)
		*err = lq_strdup("out of memory");
	else if (rc == LQ_STORE_NOTFOUND)
		*err = lq_os_asprintf("%s: no such lead", what);
	else
		*err = lq_os_asprintf("%s: %s", what, lq_store_errmsg(s));
}

static void set_lead_err(char **err, enum lq_lead_error e)
{
	if (!err)
		return;
	lq_free(*err);
	*err = lq_strdup(lq_lead_error_message(e));
}

/* Recomputes the SLA deadlines of a lead from its team's calendar; leaves
 * them as they were when the calendar is unknown. */
static void recompute_deadlines(const struct lq_act_ctx *ctx, struct lq_lead *lead)
{
	const struct lq_sla_policy *policy = NULL;
	const struct lq_calendar *cal;
	struct lq_sla_policy def;

	if (!ctx->calendar_for)
		return;
	cal = ctx->calendar_for(ctx->calendar_ctx, lead->team_id, &policy);
	if (!cal)
		return;
	if (!policy) {
		lq_sla_policy_default(&def);
		policy = &def;
	}
	lq_sla_deadlines(lead, policy, cal);
}

static void status_subject(char *buf, size_t size, enum lq_status from, enum lq_status to)
{
	snprintf(buf, size, "%s \xe2\x86\x92 %s", lq_status_wire(from), lq_status_wire(to));
}

/* Queues one op.  args is consumed. */
static enum lq_store_rc queue_op(struct lq_store *s, const char *kind, const struct lq_lead *lead,
				 json_t *args, lq_time now, lq_time send_after,
				 char op_id[LQ_UUID_SIZE])
{
	json_free_t json_free = NULL;
	struct lq_outbox_op op;
	enum lq_store_rc rc;
	char *text;

	if (!args)
		return LQ_STORE_NOMEM;
	text = json_dumps(args, JSON_COMPACT);
	json_decref(args);
	if (!text)
		return LQ_STORE_NOMEM;
	memset(&op, 0, sizeof op);
	lq_os_uuid_ordered(op.id);
	op.kind = kind;
	memcpy(op.lead_id, lead->id, LQ_UUID_SIZE);
	op.base_version = lead->version;
	op.at = now;
	op.send_after = send_after;
	op.args = text;
	op.state = "pending";
	rc = s->ops->outbox_add(s, &op);
	json_get_alloc_funcs(NULL, &json_free);
	json_free(text);
	if (rc == LQ_STORE_OK)
		memcpy(op_id, op.id, LQ_UUID_SIZE);
	return rc;
}

static void result_init(struct lq_act_result *res)
{
	memset(res, 0, sizeof *res);
	res->send_after = LQ_TIME_NONE;
}

enum lq_store_rc lq_store_act(struct lq_store *s, const struct lq_act_ctx *ctx,
			      const char *lead_id, const struct lq_change *change,
			      lq_time now, struct lq_act_result *res, char **err)
{
	struct lq_change ch = *change;
	struct lq_activity_rec rec;
	struct lq_lead lead;
	enum lq_lead_error le;
	enum lq_store_rc rc;
	char subject[64];
	json_t *args;

	result_init(res);
	if (err)
		*err = NULL;
	if (!lead_id || strlen(lead_id) >= LQ_UUID_SIZE) {
		set_err(err, lead_id ? lead_id : "(null)", LQ_STORE_NOTFOUND, s);
		return LQ_STORE_NOTFOUND;
	}
	memcpy(res->lead_id, lead_id, strlen(lead_id) + 1);
	/* An unset time (0 from a zeroed struct, or NONE) is "now". */
	if (ch.at == LQ_TIME_NONE || ch.at == 0)
		ch.at = now;

	lq_lead_init(&lead);
	memset(&rec, 0, sizeof rec);
	lq_activity_init(&rec.a);
	rc = s->ops->begin(s);
	if (rc != LQ_STORE_OK) {
		set_err(err, lead_id, rc, s);
		return rc;
	}
	rc = s->ops->get_lead(s, lead_id, &lead);
	if (rc != LQ_STORE_OK)
		goto fail;

	le = lq_lead_apply(&lead, ctx->reasons, &ch, &res->before);
	if (le != LQ_LEAD_EOK) {
		s->ops->rollback(s);
		res->lead_error = le;
		lq_lead_state_get(&lead, &res->after);
		lq_lead_clear(&lead);
		set_lead_err(err, le);
		return LQ_STORE_INVALID;
	}
	lq_lead_state_get(&lead, &res->after);
	if (ch.kind != LQ_CHANGE_NOTE) {
		recompute_deadlines(ctx, &lead);
		lead.updated_at = now;
		rc = s->ops->put_lead(s, &lead);
		if (rc != LQ_STORE_OK)
			goto fail;
	}

	lq_os_uuid_ordered(rec.a.id);
	memcpy(rec.a.lead_id, lead.id, LQ_UUID_SIZE);
	rec.a.at = ch.at;
	rec.a.actor = (char *)ctx->actor_id;
	rec.a.outcome = -1;
	switch (ch.kind) {
	case LQ_CHANGE_STATUS:
		rec.a.kind = LQ_ACT_STATUS_CHANGE;
		status_subject(subject, sizeof subject, res->before.status, res->after.status);
		rec.a.subject = subject;
		rec.a.detail = (char *)(ch.reason && ch.reason[0] ? ch.reason : NULL);
		break;
	case LQ_CHANGE_TOUCH:
		switch (ch.touch) {
		case LQ_TOUCH_EMAIL:   rec.a.kind = LQ_ACT_EMAIL; break;
		case LQ_TOUCH_MEETING: rec.a.kind = LQ_ACT_MEETING; break;
		case LQ_TOUCH_MESSAGE: rec.a.kind = LQ_ACT_MESSAGE; break;
		case LQ_TOUCH_CALL:
		default:               rec.a.kind = LQ_ACT_CALL; break;
		}
		rec.a.outcome = (int)ch.outcome;
		rec.a.detail = (char *)ch.text;
		break;
	case LQ_CHANGE_CALLBACK:
		rec.a.kind = LQ_ACT_CALLBACK;
		lq_callback_subject(subject, sizeof subject, ch.callback_at, ch.callback_user);
		rec.a.subject = subject;
		rec.a.detail = (char *)ch.text;
		break;
	case LQ_CHANGE_NOTE:
	default:
		rec.a.kind = LQ_ACT_NOTE;
		rec.a.detail = (char *)ch.text;
		break;
	}
	rec.has_states = true;
	rec.before = res->before;
	rec.after = res->after;
	memcpy(res->activity_id, rec.a.id, LQ_UUID_SIZE);

	res->send_after = now + (ctx->undo_window_s > 0 ? ctx->undo_window_s : 0);
	args = lq_change_args_to_json(&ch, rec.a.id);
	rc = queue_op(s, lq_change_op_kind(ch.kind), &lead, args, now, res->send_after,
		      res->op_id);
	if (rc != LQ_STORE_OK)
		goto fail;
	memcpy(rec.op_id, res->op_id, LQ_UUID_SIZE);
	rc = s->ops->put_activity(s, &rec);
	if (rc != LQ_STORE_OK)
		goto fail;
	rc = s->ops->commit(s);
	if (rc != LQ_STORE_OK)
		goto fail_committed;
	lq_lead_clear(&lead);
	return LQ_STORE_OK;

fail:
	s->ops->rollback(s);
fail_committed:
	set_err(err, lead_id, rc, s);
	lq_lead_clear(&lead);
	memset(res->op_id, 0, sizeof res->op_id);
	memset(res->activity_id, 0, sizeof res->activity_id);
	res->send_after = LQ_TIME_NONE;
	return rc;
}

enum lq_store_rc lq_store_undo_last(struct lq_store *s, const struct lq_act_ctx *ctx,
				    lq_time now, struct lq_act_result *res, char **err)
{
	struct lq_activity_rec orig, undo;
	struct lq_lead lead;
	enum lq_store_rc rc;
	char state[32];
	char subject[64];

	result_init(res);
	if (err)
		*err = NULL;
	lq_lead_init(&lead);
	memset(&orig, 0, sizeof orig);
	lq_activity_init(&orig.a);
	memset(&undo, 0, sizeof undo);
	lq_activity_init(&undo.a);

	rc = s->ops->begin(s);
	if (rc != LQ_STORE_OK) {
		set_err(err, "undo", rc, s);
		return rc;
	}
	rc = s->ops->last_undoable(s, ctx->actor_id ? ctx->actor_id : "", &orig);
	if (rc == LQ_STORE_NOTFOUND) {
		s->ops->rollback(s);
		if (err)
			*err = lq_strdup("nothing to undo");
		return rc;
	}
	if (rc != LQ_STORE_OK)
		goto fail;
	memcpy(res->lead_id, orig.a.lead_id, LQ_UUID_SIZE);
	rc = s->ops->get_lead(s, orig.a.lead_id, &lead);
	if (rc == LQ_STORE_NOTFOUND) {
		/* The lead left this cache (reassigned away): it moved on. */
		res->lead_error = LQ_LEAD_ENOT_UNDOABLE;
		rc = LQ_STORE_INVALID;
		s->ops->rollback(s);
		set_lead_err(err, res->lead_error);
		goto out;
	}
	if (rc != LQ_STORE_OK)
		goto fail;

	lq_lead_state_get(&lead, &res->before);
	/* A note never moved the lead, so there is nothing to check or restore. */
	if (orig.a.kind != LQ_ACT_NOTE) {
		enum lq_lead_error le = LQ_LEAD_ENOT_UNDOABLE;

		if (orig.has_states)
			le = lq_lead_undo(&lead, &orig.before, &orig.after);
		if (le != LQ_LEAD_EOK) {
			res->lead_error = le;
			res->after = res->before;
			rc = LQ_STORE_INVALID;
			s->ops->rollback(s);
			set_lead_err(err, le);
			goto out;
		}
		recompute_deadlines(ctx, &lead);
		lead.updated_at = now;
		rc = s->ops->put_lead(s, &lead);
		if (rc != LQ_STORE_OK)
			goto fail;
	}
	lq_lead_state_get(&lead, &res->after);

	rc = s->ops->set_undone(s, orig.a.id);
	if (rc != LQ_STORE_OK)
		goto fail;

	/* Never sent: cancel it and send nothing.  Refused by the server: it
	 * never took effect there either.  Otherwise the server must undo it. */
	state[0] = '\0';
	if (orig.op_id[0]) {
		rc = s->ops->outbox_state(s, orig.op_id, state, sizeof state);
		if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND)
			goto fail;
	}
	if (strcmp(state, "pending") == 0) {
		rc = s->ops->outbox_mark(s, orig.op_id, "cancelled", NULL);
		if (rc != LQ_STORE_OK)
			goto fail;
	} else if (orig.op_id[0] && strcmp(state, "rejected") != 0 &&
		   strcmp(state, "conflict") != 0 && strcmp(state, "cancelled") != 0) {
		json_t *args = lq_undo_args_to_json(orig.op_id);

		res->send_after = now;
		rc = queue_op(s, "undo", &lead, args, now, now, res->op_id);
		if (rc != LQ_STORE_OK)
			goto fail;
	}

	lq_os_uuid_ordered(undo.a.id);
	memcpy(undo.a.lead_id, lead.id, LQ_UUID_SIZE);
	undo.a.kind = LQ_ACT_STATUS_CHANGE;
	undo.a.at = now;
	undo.a.actor = (char *)ctx->actor_id;
	status_subject(subject, sizeof subject, res->before.status, res->after.status);
	undo.a.subject = subject;
	undo.a.detail = (char *)"undo";
	undo.a.outcome = -1;
	memcpy(undo.op_id, res->op_id, LQ_UUID_SIZE);
	memcpy(undo.undo_of, orig.a.id, LQ_UUID_SIZE);
	undo.has_states = true;
	undo.before = res->before;
	undo.after = res->after;
	rc = s->ops->put_activity(s, &undo);
	if (rc != LQ_STORE_OK)
		goto fail;
	rc = s->ops->commit(s);
	if (rc != LQ_STORE_OK)
		goto fail_committed;
	memcpy(res->activity_id, undo.a.id, LQ_UUID_SIZE);
	goto out;

fail:
	s->ops->rollback(s);
fail_committed:
	set_err(err, "undo", rc, s);
	memset(res->op_id, 0, sizeof res->op_id);
	res->send_after = LQ_TIME_NONE;
out:
	lq_lead_clear(&lead);
	lq_activity_clear(&orig.a);
	return rc;
}

/* Why owner may not take lead (a line for *err), or NULL when it may.
 * The team a lead without one goes to is the actor's. */
static const char *reassign_refusal(struct lq_store *s, const struct lq_act_ctx *ctx,
				    const struct lq_lead *lead, const struct lq_user *owner,
				    enum lq_store_rc *rc)
{
	const char *team = lead->team_id;
	struct lq_user actor;
	const char *why = NULL;

	*rc = LQ_STORE_OK;
	if (!owner->active)
		return "that user is disabled";
	if (lead->owner_id && strcmp(lead->owner_id, owner->id) == 0)
		return "that user owns the lead already";
	lq_user_init(&actor);
	if (!team || !team[0]) {
		*rc = s->ops->get_user(s, ctx->actor_id ? ctx->actor_id : "", &actor);
		if (*rc == LQ_STORE_NOTFOUND)
			*rc = LQ_STORE_OK;
		if (*rc != LQ_STORE_OK)
			return NULL;
		team = actor.team_id;
	}
	if (!owner->team_id || !team || strcmp(owner->team_id, team) != 0)
		why = "that user is not in the lead's team";
	lq_user_clear(&actor);
	return why;
}

enum lq_store_rc lq_store_reassign(struct lq_store *s, const struct lq_act_ctx *ctx,
				   const char *lead_id, const char *owner_id, const char *reason,
				   lq_time now, struct lq_act_result *res, char **err)
{
	struct lq_activity_rec rec;
	struct lq_lead lead;
	struct lq_user owner;
	enum lq_store_rc rc;
	const char *why;
	bool team_moved;
	json_t *args;

	result_init(res);
	if (err)
		*err = NULL;
	if (!lead_id || strlen(lead_id) >= LQ_UUID_SIZE) {
		set_err(err, lead_id ? lead_id : "(null)", LQ_STORE_NOTFOUND, s);
		return LQ_STORE_NOTFOUND;
	}
	memcpy(res->lead_id, lead_id, strlen(lead_id) + 1);
	if (reason && !reason[0])
		reason = NULL;

	lq_lead_init(&lead);
	lq_user_init(&owner);
	memset(&rec, 0, sizeof rec);
	lq_activity_init(&rec.a);
	rc = s->ops->begin(s);
	if (rc != LQ_STORE_OK) {
		set_err(err, lead_id, rc, s);
		return rc;
	}
	rc = s->ops->get_lead(s, lead_id, &lead);
	if (rc != LQ_STORE_OK)
		goto fail;
	lq_lead_state_get(&lead, &res->before);
	res->after = res->before;

	rc = s->ops->get_user(s, owner_id ? owner_id : "", &owner);
	if (rc == LQ_STORE_NOTFOUND) {
		why = "no such user in this cache";
		rc = LQ_STORE_OK;
	} else if (rc != LQ_STORE_OK) {
		goto fail;
	} else {
		why = reassign_refusal(s, ctx, &lead, &owner, &rc);
		if (rc != LQ_STORE_OK)
			goto fail;
	}
	if (why) {
		s->ops->rollback(s);
		if (err)
			*err = lq_os_asprintf("%s: %s", owner_id ? owner_id : "(null)", why);
		lq_lead_clear(&lead);
		lq_user_clear(&owner);
		return LQ_STORE_INVALID;
	}

	team_moved = !lead.team_id || strcmp(lead.team_id, owner.team_id) != 0;
	if (!lq_lead_set_str(&lead.owner_id, owner.id) ||
	    !lq_lead_set_str(&lead.team_id, owner.team_id)) {
		rc = LQ_STORE_NOMEM;
		goto fail;
	}
	/* The version stays: the server's answer (or feed) replaces this copy. */
	if (team_moved)
		recompute_deadlines(ctx, &lead);
	lead.updated_at = now;
	rc = s->ops->put_lead(s, &lead);
	if (rc != LQ_STORE_OK)
		goto fail;

	/* The activity's id goes with the op, so the server records the same
	 * row and the history does not show it twice after sync. */
	lq_os_uuid_ordered(rec.a.id);
	args = json_object();
	if (args && (json_object_set_new(args, "owner", json_string(owner.id)) != 0 ||
		     (reason && json_object_set_new(args, "reason", json_string(reason)) != 0) ||
		     json_object_set_new(args, "activity", json_string(rec.a.id)) != 0)) {
		json_decref(args);
		args = NULL;
	}
	/* Never held: a reassignment has no undo window. */
	res->send_after = now;
	rc = queue_op(s, "reassign", &lead, args, now, now, res->op_id);
	if (rc != LQ_STORE_OK)
		goto fail;

	memcpy(rec.a.lead_id, lead.id, LQ_UUID_SIZE);
	rec.a.kind = LQ_ACT_ASSIGNMENT;
	rec.a.at = now;
	rec.a.actor = (char *)ctx->actor_id;
	rec.a.subject = owner.login;
	rec.a.detail = (char *)reason;
	rec.a.outcome = -1;
	rec.has_states = false;   /* not undoable */
	memcpy(rec.op_id, res->op_id, LQ_UUID_SIZE);
	rc = s->ops->put_activity(s, &rec);
	if (rc != LQ_STORE_OK)
		goto fail;
	rc = s->ops->commit(s);
	if (rc != LQ_STORE_OK)
		goto fail_committed;
	memcpy(res->activity_id, rec.a.id, LQ_UUID_SIZE);
	lq_lead_clear(&lead);
	lq_user_clear(&owner);
	return LQ_STORE_OK;

fail:
	s->ops->rollback(s);
fail_committed:
	set_err(err, lead_id, rc, s);
	lq_lead_clear(&lead);
	lq_user_clear(&owner);
	memset(res->op_id, 0, sizeof res->op_id);
	res->send_after = LQ_TIME_NONE;
	return rc;
}

/* --- sync ------------------------------------------------------------------- */

static void set_flag(bool *p, bool v)
{
	if (p)
		*p = v;
}

enum lq_store_rc lq_store_version(struct lq_store *s, enum lq_entity type, const char *id,
				  int64_t *version)
{
	return s->ops->version(s, type, id, version);
}

/* Whether a server copy of version v replaces the cached entity: yes when
 * there is none, or when v is newer (or as new, with or_equal). */
static enum lq_store_rc newer(struct lq_store *s, enum lq_entity type, const char *id,
			      int64_t v, bool or_equal, bool *yes)
{
	int64_t cached = 0;
	enum lq_store_rc rc = s->ops->version(s, type, id, &cached);

	*yes = false;
	if (rc == LQ_STORE_NOTFOUND) {
		*yes = true;
		return LQ_STORE_OK;
	}
	if (rc == LQ_STORE_OK)
		*yes = or_equal ? v >= cached : v > cached;
	return rc;
}

enum lq_store_rc lq_store_apply_lead(struct lq_store *s, const struct lq_lead *l, bool *stored)
{
	enum lq_store_rc rc;
	bool yes;
	int busy = 0;

	set_flag(stored, false);
	if (s->ops->lead_sync_state) {
		bool cached;
		int64_t version;

		rc = s->ops->lead_sync_state(s, l->id, &cached, &version, &busy);
		if (rc != LQ_STORE_OK || (cached && l->version <= version) || busy > 0)
			return rc;
	} else {
		rc = newer(s, LQ_ENTITY_LEAD, l->id, l->version, false, &yes);
		if (rc != LQ_STORE_OK || !yes)
			return rc;
		rc = s->ops->lead_outstanding(s, l->id, &busy);
		if (rc != LQ_STORE_OK || busy > 0)
			return rc;
	}
	rc = s->ops->put_lead(s, l);
	set_flag(stored, rc == LQ_STORE_OK);
	return rc;
}

enum lq_store_rc lq_store_apply_op_lead(struct lq_store *s, const struct lq_outbox_op *op,
					const struct lq_lead *l, bool *stored)
{
	enum lq_store_rc rc;
	int64_t cached = 0;
	bool yes;
	int busy = 0;

	set_flag(stored, false);
	rc = newer(s, LQ_ENTITY_LEAD, l->id, l->version, true, &yes);
	if (rc != LQ_STORE_OK || !yes)
		return rc;
	rc = s->ops->begin(s);
	if (rc != LQ_STORE_OK)
		return rc;
	rc = s->ops->lead_outstanding(s, l->id, &busy);
	if (rc != LQ_STORE_OK)
		goto fail;
	if (busy == 0) {
		rc = s->ops->put_lead(s, l);
		if (rc != LQ_STORE_OK)
			goto fail;
		set_flag(stored, true);
	} else {
		rc = s->ops->version(s, LQ_ENTITY_LEAD, l->id, &cached);
		if (rc == LQ_STORE_OK && cached < l->version)
			rc = s->ops->set_version(s, LQ_ENTITY_LEAD, l->id, l->version);
		if (rc == LQ_STORE_NOTFOUND)
			rc = LQ_STORE_OK;
		if (rc != LQ_STORE_OK)
			goto fail;
		if (op) {
			rc = s->ops->outbox_rebase(s, l->id, op->seq, op->base_version, l->version);
			if (rc != LQ_STORE_OK)
				goto fail;
		}
	}
	return s->ops->commit(s);
fail:
	s->ops->rollback(s);
	set_flag(stored, false);
	return rc;
}

/* Writes one entity and its version in one transaction; put() is the
 * backend's write of that kind of entity. */
static enum lq_store_rc put_versioned(struct lq_store *s, enum lq_entity kind, const char *id,
				      int64_t version,
				      enum lq_store_rc (*put)(struct lq_store *s, const void *e),
				      const void *entity, bool *stored)
{
	enum lq_store_rc rc = s->ops->begin(s);

	if (rc != LQ_STORE_OK)
		return rc;
	rc = put(s, entity);
	if (rc == LQ_STORE_OK)
		rc = s->ops->set_version(s, kind, id, version);
	if (rc != LQ_STORE_OK) {
		s->ops->rollback(s);
		return rc;
	}
	rc = s->ops->commit(s);
	set_flag(stored, rc == LQ_STORE_OK);
	return rc;
}

static enum lq_store_rc put_activity_rec(struct lq_store *s, const void *e)
{
	return s->ops->put_activity(s, e);
}

static enum lq_store_rc put_user(struct lq_store *s, const void *e)
{
	return s->ops->put_user(s, e);
}

static enum lq_store_rc put_team(struct lq_store *s, const void *e)
{
	return s->ops->put_team(s, e);
}

enum lq_store_rc lq_store_apply_activity(struct lq_store *s, const struct lq_activity *a,
					 int64_t version, bool *stored)
{
	struct lq_activity_rec r;
	enum lq_store_rc rc;
	int64_t lead_version;
	bool yes;

	set_flag(stored, false);
	if (s->ops->apply_activity) {
		bool done = false;

		rc = s->ops->apply_activity(s, a, version, &done);
		set_flag(stored, rc == LQ_STORE_OK && done);
		return rc;
	}
	rc = s->ops->version(s, LQ_ENTITY_LEAD, a->lead_id, &lead_version);
	if (rc == LQ_STORE_NOTFOUND)
		return LQ_STORE_OK;
	if (rc != LQ_STORE_OK)
		return rc;
	rc = newer(s, LQ_ENTITY_ACTIVITY, a->id, version, false, &yes);
	if (rc != LQ_STORE_OK || !yes)
		return rc;
	memset(&r, 0, sizeof r);
	r.a = *a;
	return put_versioned(s, LQ_ENTITY_ACTIVITY, a->id, version, put_activity_rec, &r, stored);
}

enum lq_store_rc lq_store_apply_user(struct lq_store *s, const struct lq_user *u,
				     int64_t version, bool *stored)
{
	enum lq_store_rc rc;
	bool yes;

	set_flag(stored, false);
	rc = newer(s, LQ_ENTITY_USER, u->id, version, false, &yes);
	if (rc != LQ_STORE_OK || !yes)
		return rc;
	return put_versioned(s, LQ_ENTITY_USER, u->id, version, put_user, u, stored);
}

enum lq_store_rc lq_store_apply_team(struct lq_store *s, const struct lq_team *t,
				     int64_t version, bool *stored)
{
	enum lq_store_rc rc;
	bool yes;

	set_flag(stored, false);
	rc = newer(s, LQ_ENTITY_TEAM, t->id, version, false, &yes);
	if (rc != LQ_STORE_OK || !yes)
		return rc;
	return put_versioned(s, LQ_ENTITY_TEAM, t->id, version, put_team, t, stored);
}

enum lq_store_rc lq_store_remove_lead(struct lq_store *s, const char *lead_id)
{
	enum lq_store_rc rc = s->ops->remove_lead(s, lead_id);

	return rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
}

enum lq_store_rc lq_store_lead_forget_version(struct lq_store *s, const char *lead_id)
{
	enum lq_store_rc rc = s->ops->set_version(s, LQ_ENTITY_LEAD, lead_id, -1);

	return rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
}

enum lq_store_rc lq_store_drop_view(struct lq_store *s)
{
	enum lq_store_rc rc = s->ops->begin(s);

	if (rc != LQ_STORE_OK)
		return rc;
	rc = s->ops->drop_view(s);
	if (rc == LQ_STORE_OK)
		rc = s->ops->meta_set(s, "cursor", "");
	if (rc != LQ_STORE_OK) {
		s->ops->rollback(s);
		return rc;
	}
	return s->ops->commit(s);
}

enum lq_store_rc lq_store_outbox_sendable(struct lq_store *s, lq_time now, int limit,
					  lq_outbox_cb cb, void *ctx)
{
	return s->ops->outbox_sendable(s, now, limit, cb, ctx);
}

enum lq_store_rc lq_store_outbox_each(struct lq_store *s, const char *state,
				      lq_outbox_cb cb, void *ctx)
{
	if (!lq_outbox_state_valid(state))
		return LQ_STORE_INVALID;
	return s->ops->outbox_each(s, state, cb, ctx);
}

/* The booking as this client sees it until the server answers: "pending",
 * version 0, so that the server's copy replaces it. */
static enum lq_store_rc put_pending_booking(struct lq_store *s, const char *id,
					    const struct lq_lead *lead, const struct lq_user *rep,
					    lq_time start, lq_time end, const char *tz,
					    const char *mode, const char *notes)
{
	struct lq_appt a;
	char *me = NULL;
	bool stored;
	enum lq_store_rc rc = s->ops->meta_get(s, "user_id", &me);
	int m = lq_appt_mode_parse(mode ? mode : "phone");

	if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND)
		return rc;
	lq_appt_init(&a);
	memcpy(a.id, id, LQ_UUID_SIZE);
	memcpy(a.lead_id, lead->id, LQ_UUID_SIZE);
	memcpy(a.rep_id, rep->id, LQ_UUID_SIZE);
	snprintf(a.booked_by, sizeof a.booked_by, "%s", me ? me : "");
	snprintf(a.tz, sizeof a.tz, "%s", tz ? tz : "");
	a.start = start;
	a.end = end;
	a.mode = m < 0 ? LQ_APPT_PHONE : (enum lq_appt_mode)m;
	a.status = LQ_APPT_ST_PENDING;
	a.version = 0;
	a.notes = (char *)notes;   /* borrowed: a is not cleared */
	rc = s->ops->apply_appointment(s, &a, &stored);
	lq_free(me);
	return rc;
}

enum lq_store_rc lq_store_book(struct lq_store *s, const char *lead_id, const char *rep_id,
			       lq_time start, lq_time end, const char *tz, const char *mode,
			       const char *notes, lq_time now, struct lq_act_result *res,
			       char **err)
{
	struct lq_lead lead;
	struct lq_user rep;
	enum lq_store_rc rc;
	char when[2][LQ_RFC3339_SIZE];
	json_t *args;

	result_init(res);
	if (err)
		*err = NULL;
	if (!lead_id || strlen(lead_id) >= LQ_UUID_SIZE || end <= start ||
	    start == LQ_TIME_NONE || lq_appt_mode_parse(mode ? mode : "phone") < 0) {
		set_err(err, lead_id ? lead_id : "(null)", LQ_STORE_INVALID, s);
		return LQ_STORE_INVALID;
	}
	memcpy(res->lead_id, lead_id, strlen(lead_id) + 1);
	lq_lead_init(&lead);
	lq_user_init(&rep);
	rc = s->ops->begin(s);
	if (rc != LQ_STORE_OK) {
		set_err(err, lead_id, rc, s);
		return rc;
	}
	rc = s->ops->get_lead(s, lead_id, &lead);
	if (rc == LQ_STORE_OK)
		rc = s->ops->get_user(s, rep_id ? rep_id : "", &rep);
	if (rc == LQ_STORE_NOTFOUND || (rc == LQ_STORE_OK && !rep.active))
		rc = LQ_STORE_INVALID;
	if (rc != LQ_STORE_OK)
		goto fail;
	lq_os_uuid_ordered(res->activity_id);   /* the appointment's id */
	args = json_pack("{s:s, s:s, s:s, s:s, s:s}", "appointment", res->activity_id,
			 "rep", rep.id, "start", lq_time_format(start, 0, when[0]),
			 "end", lq_time_format(end, 0, when[1]), "mode", mode ? mode : "phone");
	if (args && tz && *tz && json_object_set_new(args, "tz", json_string(tz)) != 0) {
		json_decref(args);
		args = NULL;
	}
	if (args && notes && *notes && json_object_set_new(args, "notes", json_string(notes)) != 0) {
		json_decref(args);
		args = NULL;
	}
	/* Not held: the slot is first come, first served. */
	res->send_after = now;
	rc = queue_op(s, "book_appointment", &lead, args, now, now, res->op_id);
	if (rc == LQ_STORE_OK)
		rc = put_pending_booking(s, res->activity_id, &lead, &rep, start, end, tz, mode,
					 notes);
	if (rc != LQ_STORE_OK)
		goto fail;
	rc = s->ops->commit(s);
	if (rc != LQ_STORE_OK)
		goto fail_committed;
	lq_lead_clear(&lead);
	lq_user_clear(&rep);
	return LQ_STORE_OK;
fail:
	s->ops->rollback(s);
fail_committed:
	set_err(err, lead_id, rc, s);
	lq_lead_clear(&lead);
	lq_user_clear(&rep);
	memset(res->op_id, 0, sizeof res->op_id);
	res->send_after = LQ_TIME_NONE;
	return rc;
}

enum lq_store_rc lq_store_apply_appointment(struct lq_store *s, const struct lq_appt *a,
					    bool *stored)
{
	*stored = false;
	return s->ops->apply_appointment ? s->ops->apply_appointment(s, a, stored) : LQ_STORE_OK;
}

enum lq_store_rc lq_store_callback(struct lq_store *s, const struct lq_act_ctx *ctx,
				   const char *lead_id, lq_time at, bool personal,
				   const char *note, lq_time now, struct lq_act_result *res,
				   char **err)
{
	/* Not held: an undo window would only delay the callback; it is
	 * cancelled or moved with another callback instead. */
	struct lq_act_ctx unheld = *ctx;
	struct lq_change ch;

	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_CALLBACK;
	ch.at = now;
	ch.callback_at = at;
	ch.callback_user = personal ? ctx->actor_id : NULL;
	ch.text = note && note[0] ? note : NULL;
	unheld.undo_window_s = 0;
	return lq_store_act(s, &unheld, lead_id, &ch, now, res, err);
}

enum lq_store_rc lq_store_each_appointment(struct lq_store *s, const char *rep_id,
					   const char *lead_id, lq_time from, lq_time to,
					   lq_appt_cb cb, void *ctx)
{
	return s->ops->each_appointment(s, rep_id, lead_id, from, to, cb, ctx);
}
