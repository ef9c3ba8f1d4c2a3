/* leadq — the server's storage (leadqd): users, teams, tokens, API keys,
 * leads, activities, applied ops, the change feed and the audit log.
 *
 * One interface over backends (sqlite now: src/store/srv_sqlite.c;
 * PostgreSQL later), dispatched through an operations table
 * (src/store/srv_private.h) like the client cache's store.  A handle is one
 * connection: not for two threads at once. */
#ifndef LEADQ_SRVSTORE_H
#define LEADQ_SRVSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leadq/lead.h"
#include "leadq/appt.h"
#include "leadq/org.h"
#include "leadq/store.h"
#include "leadq/time.h"
#include "leadq/uuid.h"

struct lq_srv_store;

/* Opens (creating if missing) a server database: WAL, foreign keys,
 * synchronous=FULL, schema migrated (share/sql/server).  *err malloc'd. */
enum lq_store_rc lq_srv_open(const char *path, struct lq_srv_store **out, char **err);
void lq_srv_close(struct lq_srv_store **s);
/* For a long-running server (leadqd serve): moves the backend's upkeep off
 * the committing connection (sqlite: WAL checkpoints run on a thread with
 * its own connection) until lq_srv_close(), which stops it.  Call once,
 * before other threads use s.  OK when the backend has nothing to move. */
enum lq_store_rc lq_srv_background_start(struct lq_srv_store *s);
const char *lq_srv_errmsg(const struct lq_srv_store *s);

/* Nestable like lq_store_begin(): outermost BEGIN IMMEDIATE. */
enum lq_store_rc lq_srv_begin(struct lq_srv_store *s);
enum lq_store_rc lq_srv_commit(struct lq_srv_store *s);
void lq_srv_rollback(struct lq_srv_store *s);

/* "epoch" (made at init)…; get: *value malloc'd, NOTFOUND when unset. */
enum lq_store_rc lq_srv_meta_get(struct lq_srv_store *s, const char *key, char **value);
enum lq_store_rc lq_srv_meta_set(struct lq_srv_store *s, const char *key, const char *value);

/* Teams.  put upserts and bumps the version; routing NULL keeps "direct". */
enum lq_store_rc lq_srv_team_put(struct lq_srv_store *s, const struct lq_team *t,
				 const char *routing);
/* By id, or by name when by_name. */
enum lq_store_rc lq_srv_team_get(struct lq_srv_store *s, const char *key, bool by_name,
				 struct lq_team *out, int64_t *version);
/* The first team made (intake's default), NOTFOUND when none. */
enum lq_store_rc lq_srv_team_first(struct lq_srv_store *s, struct lq_team *out);

/* Users.  put upserts (not the password) and bumps the version. */
enum lq_store_rc lq_srv_user_put(struct lq_srv_store *s, const struct lq_user *u);
/* By id, or by login when by_login; password_hash (may be NULL) gets a
 * malloc'd copy or NULL when the user has none. */
enum lq_store_rc lq_srv_user_get(struct lq_srv_store *s, const char *key, bool by_login,
				 struct lq_user *out, int64_t *version, char **password_hash);
typedef int (*lq_srv_user_cb)(void *ctx, const struct lq_user *u);
enum lq_store_rc lq_srv_user_each(struct lq_srv_store *s, lq_srv_user_cb cb, void *ctx);
enum lq_store_rc lq_srv_user_set_password(struct lq_srv_store *s, const char *id,
					  const char *hash);
/* The first active team lead of a team (by login), NOTFOUND when none. */
enum lq_store_rc lq_srv_team_lead(struct lq_srv_store *s, const char *team_id,
				  struct lq_user *out);

/* --- routing (leadq/rules.h) --- */
/* The rules file in force (the newest imported): *seq and a malloc'd copy
 * of its text (text NULL: the seq only); NOTFOUND when none was imported. */
enum lq_store_rc lq_srv_rules_get(struct lq_srv_store *s, int64_t *seq, char **text);
/* Keeps a rules file (already checked) as the one in force. */
enum lq_store_rc lq_srv_rules_put(struct lq_srv_store *s, const char *text, const char *who,
				  lq_time now, int64_t *seq);

/* A team's routing and SLA actions (wire names of leadq/rules.h). */
struct lq_srv_team_rules {
	int routing;                        /* enum lq_route_mode */
	char dispatcher_id[LQ_UUID_SIZE];   /* "" when none */
	int on_breach;                      /* enum lq_breach_action */
	int on_expiry;                      /* enum lq_expiry_action */
	lq_time actions_since;              /* the sweep acts on deadlines from then */
};
enum lq_store_rc lq_srv_team_rules_get(struct lq_srv_store *s, const char *team_id,
				       struct lq_srv_team_rules *out);
enum lq_store_rc lq_srv_team_rules_set(struct lq_srv_store *s, const char *team_id,
				       const struct lq_srv_team_rules *r);
/* Each rep of a team (role rep, active or not) with the open leads they own
 * and their round-robin mark; cb returns non-zero to stop. */
typedef int (*lq_srv_rep_cb)(void *ctx, const struct lq_user *u, int open,
			     int64_t last_routed);
enum lq_store_rc lq_srv_team_reps(struct lq_srv_store *s, const char *team_id,
				  lq_srv_rep_cb cb, void *ctx);
/* Marks the user as the latest to receive a routed lead. */
enum lq_store_rc lq_srv_user_routed(struct lq_srv_store *s, const char *user_id);

/* --- the SLA sweep (src/server/sweep.c) --- */
/* Open leads with a running deadline passed at now (first contact: new and
 * untouched; touch window: fewer touches than required), on or after their
 * team's actions_since, and no action recorded for that deadline; at most
 * limit, each id once.  cb returns non-zero to stop. */
typedef int (*lq_srv_id_cb)(void *ctx, const char *id);
enum lq_store_rc lq_srv_sla_due(struct lq_srv_store *s, lq_time now, int limit,
				lq_srv_id_cb cb, void *ctx);
/* Leads with a personal callback not yet made whose time is at or before
 * `before` (now less the release delay), oldest first, at most limit. */
enum lq_store_rc lq_srv_callbacks_due(struct lq_srv_store *s, lq_time before, int limit,
				      lq_srv_id_cb cb, void *ctx);
/* Records the sweep's action on a lead's deadline, in the caller's
 * transaction: *claimed false when one was recorded already (another sweep
 * was first; the caller then does nothing). */
enum lq_store_rc lq_srv_sla_claim(struct lq_srv_store *s, const char *lead_id,
				  const char *event, lq_time due, const char *action,
				  lq_time now, bool *claimed);

/* --- appointments (issue 5) --- */
/* Inserts or updates an appointment (data: its codec JSON), in the caller's
 * transaction; CONFLICT when it would overlap another booked appointment of
 * the rep (the database's rule). */
enum lq_store_rc lq_srv_appt_put(struct lq_srv_store *s, const struct lq_appt *a,
				 const char *data, const char *op_id);
enum lq_store_rc lq_srv_appt_get(struct lq_srv_store *s, const char *id, struct lq_appt *out);
/* A rep's booked appointments (and cancelled ones too when with_cancelled)
 * that overlap [from, to), by start; cb returns non-zero to stop. */
typedef int (*lq_srv_appt_cb)(void *ctx, const struct lq_appt *a);
enum lq_store_rc lq_srv_appt_busy(struct lq_srv_store *s, const char *rep_id, lq_time from,
				  lq_time to, bool with_cancelled, lq_srv_appt_cb cb, void *ctx);
/* A rep's calendar feed secret: put keeps the SHA-256 (hex) of a new one,
 * check says whether hash is the rep's. */
enum lq_store_rc lq_srv_calendar_token_put(struct lq_srv_store *s, const char *user_id,
					   const char *hash, lq_time now);
enum lq_store_rc lq_srv_calendar_token_check(struct lq_srv_store *s, const char *user_id,
					     const char *hash, bool *ok);
/* The start of the lead's earliest booked appointment that has not ended
 * at now; LQ_TIME_NONE when none. */
enum lq_store_rc lq_srv_appt_next(struct lq_srv_store *s, const char *lead_id, lq_time now,
				  lq_time *start);
/* An appointment's stored JSON (malloc'd) and lead, for the feed. */
enum lq_store_rc lq_srv_appt_text(struct lq_srv_store *s, const char *id,
				  char lead_id[LQ_UUID_SIZE], int64_t *version, char **data);

/* --- the outbound queue (src/server/outbound.c): mail and webhooks --- */
/* Wire names "mail", "webhook". */
enum lq_srv_channel { LQ_SRV_MAIL, LQ_SRV_WEBHOOK };
/* Queues a message in the caller's transaction.  Mail: to is the address;
 * webhook: the event's id, subject its type. */
enum lq_store_rc lq_srv_outbound_add(struct lq_srv_store *s, enum lq_srv_channel channel,
				     const char *to, const char *subject, const char *body,
				     lq_time now);
struct lq_srv_outbound {
	int64_t id;
	const char *to, *subject, *body;
	int attempts;
	lq_time created_at;
};
typedef int (*lq_srv_outbound_cb)(void *ctx, const struct lq_srv_outbound *m);
/* The channel's unsent messages due at now, oldest first, at most limit. */
enum lq_store_rc lq_srv_outbound_due(struct lq_srv_store *s, enum lq_srv_channel channel,
				     lq_time now, int limit, lq_srv_outbound_cb cb, void *ctx);
/* After a try: sent (error NULL), or the error and when to try again. */
enum lq_store_rc lq_srv_outbound_tried(struct lq_srv_store *s, int64_t id, const char *error,
				       lq_time now, lq_time next_try);

/* --- marketing's intake (src/server/intake.c) --- */
/* Keeps an event of someone who is not a lead yet (data: the event's JSON
 * as sent); an id kept already is left as it is. */
enum lq_store_rc lq_srv_anon_event_put(struct lq_srv_store *s, const char *id,
				       const char *email, const char *external_id, lq_time at,
				       const char *data);
/* Hands over and deletes, in the caller's transaction, the kept events of
 * this email (any case) or external id, oldest first; cb gets each one's
 * JSON. */
typedef int (*lq_srv_text_cb)(void *ctx, const char *text);
enum lq_store_rc lq_srv_anon_events_take(struct lq_srv_store *s, const char *email,
					 const char *external_id, lq_srv_text_cb cb, void *ctx);
/* The stored codec JSON of the leads passed (mql_at) in [from, to)
 * (LQ_TIME_NONE: open), of owner_id and of team_id when not NULL. */
enum lq_store_rc lq_srv_leads_passed(struct lq_srv_store *s, lq_time from, lq_time to,
				     const char *owner_id, const char *team_id,
				     lq_srv_text_cb cb, void *ctx);

/* Tokens and API keys by the hex SHA-256 of their text. */
enum lq_store_rc lq_srv_token_add(struct lq_srv_store *s, const char *hash,
				  const char *user_id, lq_time now);
/* The user of a live token (not revoked, user active); NOTFOUND otherwise. */
enum lq_store_rc lq_srv_token_user(struct lq_srv_store *s, const char *hash,
				   char user_id[LQ_UUID_SIZE]);
enum lq_store_rc lq_srv_tokens_revoke(struct lq_srv_store *s, const char *user_id,
				      lq_time now, int *count);
enum lq_store_rc lq_srv_key_add(struct lq_srv_store *s, const char *hash, const char *name,
				lq_time now);
/* The key's name into name[size]; NOTFOUND when unknown or revoked. */
enum lq_store_rc lq_srv_key_check(struct lq_srv_store *s, const char *hash,
				  char *name, size_t size);

/* Leads.  status_version: the version at which owner or status last
 * changed (may be NULL on get). */
enum lq_store_rc lq_srv_lead_put(struct lq_srv_store *s, const struct lq_lead *l,
				 int64_t status_version);
enum lq_store_rc lq_srv_lead_get(struct lq_srv_store *s, const char *id, struct lq_lead *out,
				 int64_t *status_version);
/* The same with the lead's stored codec JSON: get's *text (may be NULL)
 * gets a malloc'd copy of it; put stores text as the lead's JSON when it is
 * not NULL (it must be lq_lead_to_json(l), compact), so a caller that has
 * encoded the lead already does not encode it twice. */
enum lq_store_rc lq_srv_lead_get_text(struct lq_srv_store *s, const char *id,
				      struct lq_lead *out, int64_t *status_version, char **text);
enum lq_store_rc lq_srv_lead_put_text(struct lq_srv_store *s, const struct lq_lead *l,
				      int64_t status_version, const char *text);
/* What the change feed needs of a lead, without decoding it: the columns
 * the scope rules read ("" when NULL), its version and, when data is not
 * NULL, its stored codec JSON (malloc'd). */
struct lq_srv_lead_head {
	char owner_id[LQ_UUID_SIZE];
	char team_id[LQ_UUID_SIZE];
	int64_t version;
};
enum lq_store_rc lq_srv_lead_head(struct lq_srv_store *s, const char *id,
				  struct lq_srv_lead_head *out, char **data);
/* A lead with this email (case-insensitive) or external id (either may be
 * NULL or ""), NOTFOUND when none. */
enum lq_store_rc lq_srv_lead_find(struct lq_srv_store *s, const char *email,
				  const char *external_id, char id[LQ_UUID_SIZE]);

/* Activities, with the op that made them and the lead's states around it. */
struct lq_srv_activity {
	struct lq_activity a;
	int64_t version;
	char op_id[LQ_UUID_SIZE];       /* "" when none */
	char undo_of[LQ_UUID_SIZE];     /* the activity an undo record undid, or "" */
	bool has_states;
	struct lq_lead_state before, after;
};
void lq_srv_activity_init(struct lq_srv_activity *r);
void lq_srv_activity_clear(struct lq_srv_activity *r);
/* Upsert; the version is r->version. */
enum lq_store_rc lq_srv_activity_put(struct lq_srv_store *s, const struct lq_srv_activity *r);
enum lq_store_rc lq_srv_activity_get(struct lq_srv_store *s, const char *id,
				     struct lq_srv_activity *out);
/* An activity's lead, version and stored codec JSON (malloc'd; data may be
 * NULL to ask whether it exists), for the change feed. */
enum lq_store_rc lq_srv_activity_text(struct lq_srv_store *s, const char *id,
				      char lead_id[LQ_UUID_SIZE], int64_t *version, char **data);
/* The activity an op made (not an undo record), NOTFOUND when none. */
enum lq_store_rc lq_srv_activity_by_op(struct lq_srv_store *s, const char *op_id,
				       struct lq_srv_activity *out);

/* Applied ops. */
struct lq_srv_op {
	char user_id[LQ_UUID_SIZE];
	char hash[65];
	char *result;                   /* JSON text, malloc'd */
};
enum lq_store_rc lq_srv_op_get(struct lq_srv_store *s, const char *id, struct lq_srv_op *out);
enum lq_store_rc lq_srv_op_put(struct lq_srv_store *s, const char *id, const char *user_id,
			       const char *hash, const char *result, lq_time now);

/* The change feed. */
struct lq_srv_feed {
	int64_t seq;                    /* set by feed_page */
	const char *type;               /* "lead", "activity", "user", "team" */
	const char *entity_id;
	const char *lead_id;            /* activities */
	const char *owner_id, *team_id; /* after the change */
	const char *prev_owner_id, *prev_team_id; /* a lead's before a reassignment */
};
enum lq_store_rc lq_srv_feed_add(struct lq_srv_store *s, const struct lq_srv_feed *f,
				 int64_t *seq);
/* The newest seq (0 when empty). */
enum lq_store_rc lq_srv_feed_last(struct lq_srv_store *s, int64_t *seq);

/* Who asks: the scope of the change feed and of ops (DESIGN §7). */
struct lq_srv_scope {
	enum lq_role role;
	const char *user_id;
	const char *team_id;            /* NULL when in no team */
};
/* Whether a lead owned by owner_id in team_id is in the scope: a rep their
 * own leads; a telequal agent their own and their team's pool (its leads
 * without an owner); a team lead their team's; admin all. */
bool lq_srv_scope_sees_lead(const struct lq_srv_scope *sc, const char *owner_id,
			    const char *team_id);
/* Whether a user or team row (team_id the user's team or the team itself,
 * entity_id the user or team) is in the scope: one's own team and its
 * users, oneself; admin all. */
bool lq_srv_scope_sees_org(const struct lq_srv_scope *sc, const char *entity_id,
			   const char *team_id);

/* Feed rows after since that may concern the scope (lq_srv_scope_sees_*
 * of the row, or of its prev_* for removals), in order, at most limit.
 * The callback's strings live during the call; a non-zero return stops.
 * *last is the seq of the last row read (since when none). */
typedef int (*lq_srv_feed_cb)(void *ctx, const struct lq_srv_feed *row);
enum lq_store_rc lq_srv_feed_page(struct lq_srv_store *s, const struct lq_srv_scope *sc,
				  int64_t since, int limit, lq_srv_feed_cb cb, void *ctx,
				  int64_t *last);

/* The audit log: who (a user id or "key:NAME" or "admin"), action, the
 * entity, and JSON texts before/after (may be NULL). */
enum lq_store_rc lq_srv_audit_add(struct lq_srv_store *s, const char *who, const char *action,
				  const char *entity_type, const char *entity_id,
				  const char *before, const char *after, lq_time now);

/* Runs backend-specific statements (tests, maintenance). */
enum lq_store_rc lq_srv_exec(struct lq_srv_store *s, const char *sql);

#endif
