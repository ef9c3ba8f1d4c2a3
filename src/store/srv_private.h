/* leadq — private to src/store: the server storage's backend operations.
 *
 * A backend (srv_sqlite.c; PostgreSQL later) defines one struct
 * lq_srv_store_ops and a handle whose first member is struct lq_srv_store;
 * srvstore.c dispatches the public lq_srv_* functions through it and holds
 * the logic that is the same for every backend (scope rules). */
#ifndef LEADQ_SRVSTORE_PRIVATE_H
#define LEADQ_SRVSTORE_PRIVATE_H

#include "leadq/srvstore.h"

struct lq_srv_store {
	const struct lq_srv_store_ops *ops;
};

struct lq_srv_store_ops {
	const char *name;
	bool (*accepts)(const char *path);
	enum lq_store_rc (*open)(const char *path, struct lq_srv_store **out, char **err);
	void (*close)(struct lq_srv_store *s);
	const char *(*errmsg)(const struct lq_srv_store *s);
	enum lq_store_rc (*begin)(struct lq_srv_store *s);
	enum lq_store_rc (*commit)(struct lq_srv_store *s);
	void (*rollback)(struct lq_srv_store *s);
	enum lq_store_rc (*meta_get)(struct lq_srv_store *s, const char *key, char **value);
	enum lq_store_rc (*meta_set)(struct lq_srv_store *s, const char *key, const char *value);
	enum lq_store_rc (*team_put)(struct lq_srv_store *s, const struct lq_team *t,
				     const char *routing);
	enum lq_store_rc (*team_get)(struct lq_srv_store *s, const char *key, bool by_name,
				     struct lq_team *out, int64_t *version);
	enum lq_store_rc (*team_first)(struct lq_srv_store *s, struct lq_team *out);
	enum lq_store_rc (*user_put)(struct lq_srv_store *s, const struct lq_user *u);
	enum lq_store_rc (*user_get)(struct lq_srv_store *s, const char *key, bool by_login,
				     struct lq_user *out, int64_t *version, char **password_hash);
	enum lq_store_rc (*user_each)(struct lq_srv_store *s, lq_srv_user_cb cb, void *ctx);
	enum lq_store_rc (*user_set_password)(struct lq_srv_store *s, const char *id,
					      const char *hash);
	enum lq_store_rc (*team_lead)(struct lq_srv_store *s, const char *team_id,
				      struct lq_user *out);
	enum lq_store_rc (*rules_get)(struct lq_srv_store *s, int64_t *seq, char **text);
	enum lq_store_rc (*rules_put)(struct lq_srv_store *s, const char *text, const char *who,
				      lq_time now, int64_t *seq);
	enum lq_store_rc (*team_rules_get)(struct lq_srv_store *s, const char *team_id,
					   struct lq_srv_team_rules *out);
	enum lq_store_rc (*team_rules_set)(struct lq_srv_store *s, const char *team_id,
					   const struct lq_srv_team_rules *r);
	enum lq_store_rc (*team_reps)(struct lq_srv_store *s, const char *team_id,
				      lq_srv_rep_cb cb, void *ctx);
	enum lq_store_rc (*user_routed)(struct lq_srv_store *s, const char *user_id);
	enum lq_store_rc (*appt_put)(struct lq_srv_store *s, const struct lq_appt *a,
				     const char *data, const char *op_id);
	enum lq_store_rc (*appt_get)(struct lq_srv_store *s, const char *id, struct lq_appt *out);
	enum lq_store_rc (*appt_busy)(struct lq_srv_store *s, const char *rep_id, lq_time from,
				      lq_time to, bool with_cancelled, lq_srv_appt_cb cb,
				      void *ctx);
	enum lq_store_rc (*calendar_token_put)(struct lq_srv_store *s, const char *user_id,
					       const char *hash, lq_time now);
	enum lq_store_rc (*calendar_token_check)(struct lq_srv_store *s, const char *user_id,
						 const char *hash, bool *ok);
	enum lq_store_rc (*appt_next)(struct lq_srv_store *s, const char *lead_id, lq_time now,
				      lq_time *start);
	enum lq_store_rc (*appt_text)(struct lq_srv_store *s, const char *id,
				      char lead_id[LQ_UUID_SIZE], int64_t *version, char **data);
	enum lq_store_rc (*outbound_add)(struct lq_srv_store *s, enum lq_srv_channel channel,
					 const char *to, const char *subject,
					 const char *body, lq_time now);
	enum lq_store_rc (*outbound_due)(struct lq_srv_store *s, enum lq_srv_channel channel,
					 lq_time now, int limit, lq_srv_outbound_cb cb, void *ctx);
	enum lq_store_rc (*outbound_tried)(struct lq_srv_store *s, int64_t id, const char *error,
					   lq_time now, lq_time next_try);
	enum lq_store_rc (*anon_event_put)(struct lq_srv_store *s, const char *id,
					   const char *email, const char *external_id, lq_time at,
					   const char *data);
	enum lq_store_rc (*anon_events_take)(struct lq_srv_store *s, const char *email,
					     const char *external_id, lq_srv_text_cb cb,
					     void *ctx);
	enum lq_store_rc (*leads_passed)(struct lq_srv_store *s, lq_time from, lq_time to,
					 const char *owner_id, const char *team_id,
					 lq_srv_text_cb cb, void *ctx);
	enum lq_store_rc (*sla_due)(struct lq_srv_store *s, lq_time now, int limit,
				    lq_srv_id_cb cb, void *ctx);
	enum lq_store_rc (*callbacks_due)(struct lq_srv_store *s, lq_time before, int limit,
					  lq_srv_id_cb cb, void *ctx);
	enum lq_store_rc (*sla_claim)(struct lq_srv_store *s, const char *lead_id,
				      const char *event, lq_time due, const char *action,
				      lq_time now, bool *claimed);
	enum lq_store_rc (*token_add)(struct lq_srv_store *s, const char *hash,
				      const char *user_id, lq_time now);
	enum lq_store_rc (*token_user)(struct lq_srv_store *s, const char *hash,
				       char user_id[LQ_UUID_SIZE]);
	enum lq_store_rc (*tokens_revoke)(struct lq_srv_store *s, const char *user_id,
					  lq_time now, int *count);
	enum lq_store_rc (*key_add)(struct lq_srv_store *s, const char *hash, const char *name,
				    lq_time now);
	enum lq_store_rc (*key_check)(struct lq_srv_store *s, const char *hash,
				      char *name, size_t size);
	/* text: the lead's codec JSON when the caller has it, else NULL. */
	enum lq_store_rc (*lead_put)(struct lq_srv_store *s, const struct lq_lead *l,
				     int64_t status_version, const char *text);
	/* text may be NULL. */
	enum lq_store_rc (*lead_get)(struct lq_srv_store *s, const char *id, struct lq_lead *out,
				     int64_t *status_version, char **text);
	enum lq_store_rc (*lead_head)(struct lq_srv_store *s, const char *id,
				      struct lq_srv_lead_head *out, char **data);
	enum lq_store_rc (*lead_find)(struct lq_srv_store *s, const char *email,
				      const char *external_id, char id[LQ_UUID_SIZE]);
	enum lq_store_rc (*activity_put)(struct lq_srv_store *s, const struct lq_srv_activity *r);
	enum lq_store_rc (*activity_get)(struct lq_srv_store *s, const char *id, bool by_op,
					 struct lq_srv_activity *out);
	enum lq_store_rc (*activity_text)(struct lq_srv_store *s, const char *id,
					  char lead_id[LQ_UUID_SIZE], int64_t *version,
					  char **data);
	enum lq_store_rc (*op_get)(struct lq_srv_store *s, const char *id, struct lq_srv_op *out);
	enum lq_store_rc (*op_put)(struct lq_srv_store *s, const char *id, const char *user_id,
				   const char *hash, const char *result, lq_time now);
	enum lq_store_rc (*feed_add)(struct lq_srv_store *s, const struct lq_srv_feed *f,
				     int64_t *seq);
	enum lq_store_rc (*feed_last)(struct lq_srv_store *s, int64_t *seq);
	/* Rows after since that the scope may care for (a superset is fine:
	 * srvstore.c filters with the lq_srv_scope_sees_* rules). */
	enum lq_store_rc (*feed_page)(struct lq_srv_store *s, const struct lq_srv_scope *sc,
				      int64_t since, int limit, lq_srv_feed_cb cb, void *ctx,
				      int64_t *last);
	enum lq_store_rc (*audit_add)(struct lq_srv_store *s, const char *who, const char *action,
				      const char *entity_type, const char *entity_id,
				      const char *before, const char *after, lq_time now);
	enum lq_store_rc (*exec)(struct lq_srv_store *s, const char *sql);
	/* May be NULL: the backend needs no background work. */
	enum lq_store_rc (*background_start)(struct lq_srv_store *s);
};

extern const struct lq_srv_store_ops lq_srv_sqlite_ops;

#endif
