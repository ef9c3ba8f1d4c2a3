/* leadq — the server storage's public functions: dispatch to the backend,
 * and the scope rules that every backend shares. */
#include "config.h"

#include <string.h>

#include "leadq/mem.h"
#include "leadq/srvstore.h"
#include "store/srv_private.h"

static const struct lq_srv_store_ops *const backends[] = { &lq_srv_sqlite_ops, NULL };

enum lq_store_rc lq_srv_open(const char *path, struct lq_srv_store **out, char **err)
{
	int i;

	*out = NULL;
	if (err)
		*err = NULL;
	for (i = 0; backends[i]; i++)
		if (backends[i]->accepts(path))
			return backends[i]->open(path, out, err);
	if (err)
		*err = lq_strdup("no storage backend for that database (PostgreSQL is not built in)");
	return LQ_STORE_ERROR;
}

void lq_srv_close(struct lq_srv_store **s)
{
	if (!s || !*s)
		return;
	(*s)->ops->close(*s);
	*s = NULL;
}

enum lq_store_rc lq_srv_background_start(struct lq_srv_store *s)
{
	return s->ops->background_start ? s->ops->background_start(s) : LQ_STORE_OK;
}

const char *lq_srv_errmsg(const struct lq_srv_store *s) { return s->ops->errmsg(s); }
enum lq_store_rc lq_srv_begin(struct lq_srv_store *s) { return s->ops->begin(s); }
enum lq_store_rc lq_srv_commit(struct lq_srv_store *s) { return s->ops->commit(s); }
void lq_srv_rollback(struct lq_srv_store *s) { s->ops->rollback(s); }

enum lq_store_rc lq_srv_meta_get(struct lq_srv_store *s, const char *key, char **value)
{
	return s->ops->meta_get(s, key, value);
}
enum lq_store_rc lq_srv_meta_set(struct lq_srv_store *s, const char *key, const char *value)
{
	return s->ops->meta_set(s, key, value);
}
enum lq_store_rc lq_srv_team_put(struct lq_srv_store *s, const struct lq_team *t,
				 const char *routing)
{
	return s->ops->team_put(s, t, routing);
}
enum lq_store_rc lq_srv_team_get(struct lq_srv_store *s, const char *key, bool by_name,
				 struct lq_team *out, int64_t *version)
{
	return s->ops->team_get(s, key, by_name, out, version);
}
enum lq_store_rc lq_srv_team_first(struct lq_srv_store *s, struct lq_team *out)
{
	return s->ops->team_first(s, out);
}
enum lq_store_rc lq_srv_user_put(struct lq_srv_store *s, const struct lq_user *u)
{
	return s->ops->user_put(s, u);
}
enum lq_store_rc lq_srv_user_get(struct lq_srv_store *s, const char *key, bool by_login,
				 struct lq_user *out, int64_t *version, char **password_hash)
{
	return s->ops->user_get(s, key, by_login, out, version, password_hash);
}
enum lq_store_rc lq_srv_user_each(struct lq_srv_store *s, lq_srv_user_cb cb, void *ctx)
{
	return s->ops->user_each(s, cb, ctx);
}
enum lq_store_rc lq_srv_user_set_password(struct lq_srv_store *s, const char *id,
					  const char *hash)
{
	return s->ops->user_set_password(s, id, hash);
}
enum lq_store_rc lq_srv_team_lead(struct lq_srv_store *s, const char *team_id,
				  struct lq_user *out)
{
	return s->ops->team_lead(s, team_id, out);
}

enum lq_store_rc lq_srv_rules_get(struct lq_srv_store *s, int64_t *seq, char **text)
{
	return s->ops->rules_get(s, seq, text);
}

enum lq_store_rc lq_srv_rules_put(struct lq_srv_store *s, const char *text, const char *who,
				  lq_time now, int64_t *seq)
{
	return s->ops->rules_put(s, text, who, now, seq);
}

enum lq_store_rc lq_srv_team_rules_get(struct lq_srv_store *s, const char *team_id,
				       struct lq_srv_team_rules *out)
{
	return s->ops->team_rules_get(s, team_id, out);
}

enum lq_store_rc lq_srv_team_rules_set(struct lq_srv_store *s, const char *team_id,
				       const struct lq_srv_team_rules *r)
{
	return s->ops->team_rules_set(s, team_id, r);
}

enum lq_store_rc lq_srv_team_reps(struct lq_srv_store *s, const char *team_id,
				  lq_srv_rep_cb cb, void *ctx)
{
	return s->ops->team_reps(s, team_id, cb, ctx);
}

enum lq_store_rc lq_srv_user_routed(struct lq_srv_store *s, const char *user_id)
{
	return s->ops->user_routed(s, user_id);
}

enum lq_store_rc lq_srv_callbacks_due(struct lq_srv_store *s, lq_time before, int limit,
				      lq_srv_id_cb cb, void *ctx)
{
	return s->ops->callbacks_due(s, before, limit, cb, ctx);
}

enum lq_store_rc lq_srv_sla_due(struct lq_srv_store *s, lq_time now, int limit,
				lq_srv_id_cb cb, void *ctx)
{
	return s->ops->sla_due(s, now, limit, cb, ctx);
}

enum lq_store_rc lq_srv_sla_claim(struct lq_srv_store *s, const char *lead_id,
				  const char *event, lq_time due, const char *action,
				  lq_time now, bool *claimed)
{
	return s->ops->sla_claim(s, lead_id, event, due, action, now, claimed);
}
enum lq_store_rc lq_srv_token_add(struct lq_srv_store *s, const char *hash,
				  const char *user_id, lq_time now)
{
	return s->ops->token_add(s, hash, user_id, now);
}
enum lq_store_rc lq_srv_token_user(struct lq_srv_store *s, const char *hash,
				   char user_id[LQ_UUID_SIZE])
{
	return s->ops->token_user(s, hash, user_id);
}
enum lq_store_rc lq_srv_tokens_revoke(struct lq_srv_store *s, const char *user_id,
				      lq_time now, int *count)
{
	return s->ops->tokens_revoke(s, user_id, now, count);
}
enum lq_store_rc lq_srv_key_add(struct lq_srv_store *s, const char *hash, const char *name,
				lq_time now)
{
	return s->ops->key_add(s, hash, name, now);
}
enum lq_store_rc lq_srv_key_check(struct lq_srv_store *s, const char *hash,
				  char *name, size_t size)
{
	return s->ops->key_check(s, hash, name, size);
}
enum lq_store_rc lq_srv_lead_put(struct lq_srv_store *s, const struct lq_lead *l,
				 int64_t status_version)
{
	return s->ops->lead_put(s, l, status_version, NULL);
}
enum lq_store_rc lq_srv_lead_get(struct lq_srv_store *s, const char *id, struct lq_lead *out,
				 int64_t *status_version)
{
	return s->ops->lead_get(s, id, out, status_version, NULL);
}
enum lq_store_rc lq_srv_lead_put_text(struct lq_srv_store *s, const struct lq_lead *l,
				      int64_t status_version, const char *text)
{
	return s->ops->lead_put(s, l, status_version, text);
}
enum lq_store_rc lq_srv_lead_get_text(struct lq_srv_store *s, const char *id,
				      struct lq_lead *out, int64_t *status_version, char **text)
{
	return s->ops->lead_get(s, id, out, status_version, text);
}
enum lq_store_rc lq_srv_lead_head(struct lq_srv_store *s, const char *id,
				  struct lq_srv_lead_head *out, char **data)
{
	return s->ops->lead_head(s, id, out, data);
}
enum lq_store_rc lq_srv_lead_find(struct lq_srv_store *s, const char *email,
				  const char *external_id, char id[LQ_UUID_SIZE])
{
	if ((!email || !*email) && (!external_id || !*external_id))
		return LQ_STORE_NOTFOUND;
	return s->ops->lead_find(s, email, external_id, id);
}

void lq_srv_activity_init(struct lq_srv_activity *r)
{
	memset(r, 0, sizeof *r);
	lq_activity_init(&r->a);
	r->version = 1;
}

void lq_srv_activity_clear(struct lq_srv_activity *r)
{
	lq_activity_clear(&r->a);
	lq_srv_activity_init(r);
}

enum lq_store_rc lq_srv_activity_put(struct lq_srv_store *s, const struct lq_srv_activity *r)
{
	return s->ops->activity_put(s, r);
}
enum lq_store_rc lq_srv_activity_get(struct lq_srv_store *s, const char *id,
				     struct lq_srv_activity *out)
{
	return s->ops->activity_get(s, id, false, out);
}
enum lq_store_rc lq_srv_activity_text(struct lq_srv_store *s, const char *id,
				      char lead_id[LQ_UUID_SIZE], int64_t *version, char **data)
{
	return s->ops->activity_text(s, id, lead_id, version, data);
}
enum lq_store_rc lq_srv_activity_by_op(struct lq_srv_store *s, const char *op_id,
				       struct lq_srv_activity *out)
{
	return s->ops->activity_get(s, op_id, true, out);
}
enum lq_store_rc lq_srv_op_get(struct lq_srv_store *s, const char *id, struct lq_srv_op *out)
{
	return s->ops->op_get(s, id, out);
}
enum lq_store_rc lq_srv_op_put(struct lq_srv_store *s, const char *id, const char *user_id,
			       const char *hash, const char *result, lq_time now)
{
	return s->ops->op_put(s, id, user_id, hash, result, now);
}
enum lq_store_rc lq_srv_feed_add(struct lq_srv_store *s, const struct lq_srv_feed *f,
				 int64_t *seq)
{
	return s->ops->feed_add(s, f, seq);
}
enum lq_store_rc lq_srv_feed_last(struct lq_srv_store *s, int64_t *seq)
{
	return s->ops->feed_last(s, seq);
}

static bool same(const char *a, const char *b)
{
	return a && b && *a && strcmp(a, b) == 0;
}

bool lq_srv_scope_sees_lead(const struct lq_srv_scope *sc, const char *owner_id,
			    const char *team_id)
{
	switch (sc->role) {
	case LQ_ROLE_ADMIN:
		return true;
	case LQ_ROLE_LEAD:
		return same(sc->team_id, team_id) || same(sc->user_id, owner_id);
	case LQ_ROLE_TELEQUAL:
		/* Their own, and their team's pool: its leads without an owner. */
		return same(sc->user_id, owner_id) ||
		       ((!owner_id || !*owner_id) && same(sc->team_id, team_id));
	case LQ_ROLE_REP:
	default:
		return same(sc->user_id, owner_id);
	}
}

bool lq_srv_scope_sees_org(const struct lq_srv_scope *sc, const char *entity_id,
			   const char *team_id)
{
	return sc->role == LQ_ROLE_ADMIN || same(sc->user_id, entity_id) ||
	       same(sc->team_id, team_id) || same(sc->team_id, entity_id);
}

struct page_filter {
	const struct lq_srv_scope *sc;
	lq_srv_feed_cb cb;
	void *ctx;
};

static int filter_row(void *ctx, const struct lq_srv_feed *row)
{
	struct page_filter *pf = ctx;
	bool seen;

	if (strcmp(row->type, "lead") == 0 || strcmp(row->type, "activity") == 0 ||
	    strcmp(row->type, "appointment") == 0)
		seen = lq_srv_scope_sees_lead(pf->sc, row->owner_id, row->team_id) ||
		       ((row->prev_owner_id || row->prev_team_id) &&
			lq_srv_scope_sees_lead(pf->sc, row->prev_owner_id, row->prev_team_id));
	else
		seen = lq_srv_scope_sees_org(pf->sc, row->entity_id, row->team_id);
	return seen ? pf->cb(pf->ctx, row) : 0;
}

enum lq_store_rc lq_srv_feed_page(struct lq_srv_store *s, const struct lq_srv_scope *sc,
				  int64_t since, int limit, lq_srv_feed_cb cb, void *ctx,
				  int64_t *last)
{
	struct page_filter pf = { sc, cb, ctx };

	return s->ops->feed_page(s, sc, since, limit, filter_row, &pf, last);
}

enum lq_store_rc lq_srv_audit_add(struct lq_srv_store *s, const char *who, const char *action,
				  const char *entity_type, const char *entity_id,
				  const char *before, const char *after, lq_time now)
{
	return s->ops->audit_add(s, who, action, entity_type, entity_id, before, after, now);
}
enum lq_store_rc lq_srv_exec(struct lq_srv_store *s, const char *sql)
{
	return s->ops->exec(s, sql);
}

enum lq_store_rc lq_srv_outbound_add(struct lq_srv_store *s, enum lq_srv_channel channel,
				     const char *to, const char *subject, const char *body,
				     lq_time now)
{
	return s->ops->outbound_add(s, channel, to, subject, body, now);
}

enum lq_store_rc lq_srv_outbound_due(struct lq_srv_store *s, enum lq_srv_channel channel,
				     lq_time now, int limit, lq_srv_outbound_cb cb, void *ctx)
{
	return s->ops->outbound_due(s, channel, now, limit, cb, ctx);
}

enum lq_store_rc lq_srv_outbound_tried(struct lq_srv_store *s, int64_t id, const char *error,
				       lq_time now, lq_time next_try)
{
	return s->ops->outbound_tried(s, id, error, now, next_try);
}

enum lq_store_rc lq_srv_anon_event_put(struct lq_srv_store *s, const char *id,
				       const char *email, const char *external_id, lq_time at,
				       const char *data)
{
	return s->ops->anon_event_put(s, id, email, external_id, at, data);
}

enum lq_store_rc lq_srv_anon_events_take(struct lq_srv_store *s, const char *email,
					 const char *external_id, lq_srv_text_cb cb, void *ctx)
{
	if ((!email || !*email) && (!external_id || !*external_id))
		return LQ_STORE_OK;
	return s->ops->anon_events_take(s, email, external_id, cb, ctx);
}

enum lq_store_rc lq_srv_leads_passed(struct lq_srv_store *s, lq_time from, lq_time to,
				     const char *owner_id, const char *team_id,
				     lq_srv_text_cb cb, void *ctx)
{
	return s->ops->leads_passed(s, from, to, owner_id, team_id, cb, ctx);
}

enum lq_store_rc lq_srv_appt_put(struct lq_srv_store *s, const struct lq_appt *a,
				 const char *data, const char *op_id)
{
	return s->ops->appt_put(s, a, data, op_id);
}

enum lq_store_rc lq_srv_appt_get(struct lq_srv_store *s, const char *id, struct lq_appt *out)
{
	return s->ops->appt_get(s, id, out);
}

enum lq_store_rc lq_srv_appt_busy(struct lq_srv_store *s, const char *rep_id, lq_time from,
				  lq_time to, bool with_cancelled, lq_srv_appt_cb cb, void *ctx)
{
	return s->ops->appt_busy(s, rep_id, from, to, with_cancelled, cb, ctx);
}

enum lq_store_rc lq_srv_calendar_token_put(struct lq_srv_store *s, const char *user_id,
					   const char *hash, lq_time now)
{
	return s->ops->calendar_token_put(s, user_id, hash, now);
}

enum lq_store_rc lq_srv_calendar_token_check(struct lq_srv_store *s, const char *user_id,
					     const char *hash, bool *ok)
{
	return s->ops->calendar_token_check(s, user_id, hash, ok);
}

enum lq_store_rc lq_srv_appt_next(struct lq_srv_store *s, const char *lead_id, lq_time now,
				  lq_time *start)
{
	return s->ops->appt_next(s, lead_id, now, start);
}

enum lq_store_rc lq_srv_appt_text(struct lq_srv_store *s, const char *id,
				  char lead_id[LQ_UUID_SIZE], int64_t *version, char **data)
{
	return s->ops->appt_text(s, id, lead_id, version, data);
}
