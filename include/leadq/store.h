/* leadq — storage behind one interface (DESIGN §6).
 *
 * struct lq_store is a handle over a backend's operations table
 * (struct lq_store_ops, src/store/private.h).  sqlite serves the client cache
 * (and, later, the server's default store); PostgreSQL will sit behind the
 * same table.  Every user action is one transaction that changes the lead,
 * appends its activity and queues its op in the outbox, committed before the
 * caller may show it. */
#ifndef LEADQ_STORE_H
#define LEADQ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leadq/appt.h"
#include "leadq/calendar.h"
#include "leadq/lead.h"
#include "leadq/org.h"
#include "leadq/sla.h"

struct lq_store;

enum lq_store_rc {
	LQ_STORE_OK = 0,
	LQ_STORE_NOTFOUND,   /* no such lead / user / team / key */
	LQ_STORE_INVALID,    /* the state machine refused (see lead_error) */
	LQ_STORE_FULL,       /* the disk is full: nothing was written */
	LQ_STORE_BUSY,       /* locked by another process for too long */
	LQ_STORE_NOMEM,
	LQ_STORE_ERROR,      /* anything else; *err says what */
	LQ_STORE_CONFLICT,   /* a rule of the database refused it (an appointment
				overlapping another of the rep) */
};

/* Opens (creating if missing) a sqlite cache: WAL, foreign keys on,
 * synchronous=FULL (an acknowledged action survives power loss), schema
 * migrated to the newest version of share/sql.  On failure *err is a
 * malloc'd one-line reason naming the file. */
enum lq_store_rc lq_store_open(const char *path, struct lq_store **out, char **err);
void lq_store_close(struct lq_store **s);
/* The last error of this handle, for messages ("database or disk is full"). */
const char *lq_store_errmsg(const struct lq_store *s);
int lq_store_schema_version(struct lq_store *s);

/* Explicit transactions for bulk writes (seeding, applying a sync page). */
enum lq_store_rc lq_store_begin(struct lq_store *s);
enum lq_store_rc lq_store_commit(struct lq_store *s);
void lq_store_rollback(struct lq_store *s);

/* Small key/value state: "user_id", "server", "cursor", "demo_seed"…
 * get: *value malloc'd, NOTFOUND when unset. */
enum lq_store_rc lq_store_meta_get(struct lq_store *s, const char *key, char **value);
enum lq_store_rc lq_store_meta_set(struct lq_store *s, const char *key, const char *value);

/* Upserts (insert or replace by id) and reads.  get fills an init'ed
 * struct with malloc'd strings (clear it after). */
enum lq_store_rc lq_store_put_user(struct lq_store *s, const struct lq_user *u);
enum lq_store_rc lq_store_get_user(struct lq_store *s, const char *id, struct lq_user *out);
enum lq_store_rc lq_store_put_team(struct lq_store *s, const struct lq_team *t);
enum lq_store_rc lq_store_get_team(struct lq_store *s, const char *id, struct lq_team *out);
enum lq_store_rc lq_store_put_lead(struct lq_store *s, const struct lq_lead *l);
enum lq_store_rc lq_store_get_lead(struct lq_store *s, const char *id, struct lq_lead *out);
enum lq_store_rc lq_store_put_activity(struct lq_store *s, const struct lq_activity *a);
/* Every user of the cache, in name order. */
typedef int (*lq_user_cb)(void *ctx, const struct lq_user *u);
enum lq_store_rc lq_store_each_user(struct lq_store *s, lq_user_cb cb, void *ctx);

/* A lead's timeline, newest first; cb's fields are valid during the call;
 * a non-zero return stops the walk. */
typedef int (*lq_activity_cb)(void *ctx, const struct lq_activity *a);
enum lq_store_rc lq_store_timeline(struct lq_store *s, const char *lead_id,
				   lq_activity_cb cb, void *ctx);

/* All leads of the cache in one block: leads[i] has its strings in the set's
 * arena (never lq_lead_clear() them); search[i] is lq_fold() of name,
 * company, email, phone, city, country, source and campaign, and company[i]
 * lq_fold() of the company, both computed when the lead was written. */
struct lq_lead_set {
	struct lq_lead *leads;
	const char **search;
	const char **company;
	size_t count;
	void *arena;
};
enum lq_store_rc lq_store_load_leads(struct lq_store *s, struct lq_lead_set *out);
void lq_lead_set_free(struct lq_lead_set *set);
enum lq_store_rc lq_store_count_leads(struct lq_store *s, size_t *count);
/* Finds a lead by id or by a unique id prefix of 4+ characters ("3f2a");
 * writes the full id.  NOTFOUND, or INVALID when the prefix is ambiguous. */
enum lq_store_rc lq_store_resolve_id(struct lq_store *s, const char *id_or_prefix,
				     char out[LQ_UUID_SIZE]);

/* What a user action needs besides the change itself. */
struct lq_act_ctx {
	const char *actor_id;                 /* the user acting */
	const struct lq_reasons *reasons;
	int undo_window_s;                    /* ops are held this long before sync sends them */
	/* The calendar and policy of a team (NULL team_id: the user's own);
	 * return NULL when unknown (deadlines are then left as they were). */
	const struct lq_calendar *(*calendar_for)(void *ctx, const char *team_id,
						  const struct lq_sla_policy **policy);
	void *calendar_ctx;
};

struct lq_act_result {
	char op_id[LQ_UUID_SIZE];             /* the outbox op */
	char activity_id[LQ_UUID_SIZE];
	char lead_id[LQ_UUID_SIZE];
	enum lq_lead_error lead_error;        /* why INVALID */
	struct lq_lead_state before, after;
	lq_time send_after;                   /* end of the undo window */
};

/* One user action in one transaction: lq_lead_apply() on the stored lead,
 * deadlines recomputed (lq_sla_deadlines()), the lead written, its activity
 * appended (with the before/after states for undo), and an op queued in the
 * outbox with send_after = now + undo window.  INVALID leaves everything as
 * it was and sets res->lead_error. */
enum lq_store_rc lq_store_act(struct lq_store *s, const struct lq_act_ctx *ctx,
			      const char *lead_id, const struct lq_change *change,
			      lq_time now, struct lq_act_result *res, char **err);

/* Undoes the actor's most recent change that is not undone yet (any lead):
 * lq_lead_undo() on the lead, the activity marked undone, a status_change
 * activity recording the undo.  If the original op is still held in the
 * outbox it is cancelled (never sent) and no undo op is queued; otherwise an
 * `undo` op naming it is queued.  NOTFOUND when there is nothing to undo;
 * INVALID (NOT_UNDOABLE) when the lead moved on since. */
enum lq_store_rc lq_store_undo_last(struct lq_store *s, const struct lq_act_ctx *ctx,
				    lq_time now, struct lq_act_result *res, char **err);

/* A team lead hands a lead to another user of its team, in one transaction:
 * the cached lead gets owner_id = owner_id and team_id = the owner's team
 * (its version untouched: the server's copy wins at sync), an `assignment`
 * activity is appended (actor ctx->actor_id, subject the owner's login,
 * detail the reason or NULL, with the op id; not undoable), and a
 * `reassign` op {owner, reason?} is queued on the lead's cached version
 * with send_after = now (never held: reassignments are not undone).
 * reason NULL or "" sends none.  The caller checks the actor's role (the
 * server does too).  NOTFOUND: no such lead.  INVALID, nothing written and
 * *err saying why: the owner is not a user of the cache, is disabled, is in
 * another team than the lead (or, for a lead without a team, than the
 * actor), or owns the lead already.  res->after and res->before are the
 * lead's state (a reassignment does not move it). */
enum lq_store_rc lq_store_reassign(struct lq_store *s, const struct lq_act_ctx *ctx,
				   const char *lead_id, const char *owner_id, const char *reason,
				   lq_time now, struct lq_act_result *res, char **err);

/* A booking of the lead into a rep's calendar, for the server to accept
 * (DESIGN §7 book_appointment; issue 5): one transaction queues the op
 * with a fresh appointment id (res->activity_id holds it), not held.  The
 * cache changes only when the server's answer or feed arrives: until then
 * the booking is "pending"; a slot another booking took comes back as a
 * conflict with the rep's busy times.  INVALID when the lead or the rep is
 * not in the cache, or end <= start.  mode: a wire name of leadq/appt.h;
 * notes and tz may be NULL. */
enum lq_store_rc lq_store_book(struct lq_store *s, const char *lead_id, const char *rep_id,
			       lq_time start, lq_time end, const char *tz, const char *mode,
			       const char *notes, lq_time now, struct lq_act_result *res,
			       char **err);

/* A callback (issue 5): the lead is to be called at `at` (the caller turns
 * the lead's local time into UTC), by the actor alone (personal) or by
 * anyone who works the lead (team; a personal one overdue by the server's
 * release delay becomes a team one).  at LQ_TIME_NONE cancels the lead's
 * callback.  One transaction: the lead's callback_at/callback_user set
 * (lq_lead_apply with LQ_CHANGE_CALLBACK), an activity, an op
 * "schedule_callback" queued, not held.  A call logged after the callback
 * fell due answers it (lq_lead_callback_due). */
enum lq_store_rc lq_store_callback(struct lq_store *s, const struct lq_act_ctx *ctx,
				   const char *lead_id, lq_time at, bool personal,
				   const char *note, lq_time now, struct lq_act_result *res,
				   char **err);

/* The cached appointments overlapping [from, to) (LQ_TIME_NONE: no bound),
 * by start then id: rep_id and lead_id NULL for any.  Bookings this client
 * made that the server has not answered yet are there with status
 * pending; one the server refused is gone (its op is in the conflicts).
 * Cancelled ones are included (status cancelled).  cb's strings live
 * during the call; a non-zero return stops. */
typedef int (*lq_appt_cb)(void *ctx, const struct lq_appt *a);
enum lq_store_rc lq_store_each_appointment(struct lq_store *s, const char *rep_id,
					   const char *lead_id, lq_time from, lq_time to,
					   lq_appt_cb cb, void *ctx);

/* Outbox.  States: pending (held or due), sent, applied, duplicate,
 * conflict, rejected, cancelled. */
struct lq_outbox_op {
	int64_t seq;
	char id[LQ_UUID_SIZE];
	const char *kind;        /* "set_status", "log_touch", "add_note", "undo" */
	char lead_id[LQ_UUID_SIZE];
	int64_t base_version;
	lq_time at, send_after;
	const char *args;        /* JSON text */
	const char *state;
	const char *error;       /* NULL unless conflict/rejected */
};
typedef int (*lq_outbox_cb)(void *ctx, const struct lq_outbox_op *op);
/* Pending ops whose undo window is over at now, oldest first. */
enum lq_store_rc lq_store_outbox_due(struct lq_store *s, lq_time now, lq_outbox_cb cb, void *ctx);
/* Counts of pending ops: all of them, and those still held at now. */
enum lq_store_rc lq_store_outbox_count(struct lq_store *s, lq_time now, int *pending, int *held);
enum lq_store_rc lq_store_outbox_mark(struct lq_store *s, const char *op_id,
				      const char *state, const char *error);

/* --- sync: applying the server's changes (src/sync, DESIGN §7) -----------
 * A change may arrive twice or late: each apply stores the server's copy
 * only when its version is newer than the cached one.  The caller groups a
 * page of changes in one transaction (lq_store_begin/commit).  The sync
 * cursor is meta "cursor". */
enum lq_entity { LQ_ENTITY_LEAD, LQ_ENTITY_ACTIVITY, LQ_ENTITY_USER, LQ_ENTITY_TEAM };
/* The cached version of an entity; NOTFOUND when it is not cached. */
enum lq_store_rc lq_store_version(struct lq_store *s, enum lq_entity type, const char *id,
				  int64_t *version);
/* A lead from the change feed: stored when newer than the cached copy and
 * no op of this cache on it is still pending or sent (the local state stays
 * on screen until the server answers those ops: their results carry the
 * lead).  *stored (may be NULL) says whether it was written. */
enum lq_store_rc lq_store_apply_lead(struct lq_store *s, const struct lq_lead *l, bool *stored);
/* The lead of an op's result (applied, duplicate, conflict), after the op
 * was marked: stored when at least as new as the cached copy and no other
 * op on the lead is outstanding.  Otherwise only the cached version is
 * raised to it, and the lead's later pending ops made on the op's
 * base_version move to that version (they were made on top of this op, not
 * on a change by someone else). */
enum lq_store_rc lq_store_apply_op_lead(struct lq_store *s, const struct lq_outbox_op *op,
					const struct lq_lead *l, bool *stored);
/* An activity: stored when newer and its lead is cached (NOTFOUND-free:
 * an activity of a lead not in the view is skipped, *stored false).  A
 * local activity with the same id keeps its op id and undo states. */
enum lq_store_rc lq_store_apply_activity(struct lq_store *s, const struct lq_activity *a,
					 int64_t version, bool *stored);
enum lq_store_rc lq_store_apply_user(struct lq_store *s, const struct lq_user *u,
				     int64_t version, bool *stored);
enum lq_store_rc lq_store_apply_team(struct lq_store *s, const struct lq_team *t,
				     int64_t version, bool *stored);
/* A lead left the view (`removed`): it and its activities go; OK when it
 * was not cached. */
/* An appointment from the feed: stored when newer than the cached copy
 * (and its lead is cached); *stored says so. */
enum lq_store_rc lq_store_apply_appointment(struct lq_store *s, const struct lq_appt *a,
					    bool *stored);
enum lq_store_rc lq_store_remove_lead(struct lq_store *s, const char *lead_id);
/* The cached copy no longer counts: the next server copy replaces it
 * (after a rejected op, whose local effect the server never had). */
enum lq_store_rc lq_store_lead_forget_version(struct lq_store *s, const char *lead_id);
/* Resync (410): drops every lead, activity and appointment, keeps the
 * outbox, meta, and users and teams (their versions reset so the server's
 * copies replace them); the cursor is cleared. */
enum lq_store_rc lq_store_drop_view(struct lq_store *s);
/* What a push sends: pending ops due at now and ops already sent (a
 * restart re-sends them; the server answers `duplicate`), oldest first, at
 * most limit (0: all). */
enum lq_store_rc lq_store_outbox_sendable(struct lq_store *s, lq_time now, int limit,
					  lq_outbox_cb cb, void *ctx);
/* Every op in one state ("conflict", "rejected"…), oldest first. */
enum lq_store_rc lq_store_outbox_each(struct lq_store *s, const char *state,
				      lq_outbox_cb cb, void *ctx);

#endif
