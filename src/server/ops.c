/* leadq — leadqd's writes: ops on leads (the core's state machine).
 * Each op is one savepoint inside its request's
 * transaction: the lead, its activity, the feed rows, the audit record and
 * the op record stand or fall together, and the request commits once. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "leadq/sla.h"
#include "server/server.h"

/* --- calendars ---------------------------------------------------------------- */

const struct lq_tz *srv_zone(struct srv *S, const char *name, char **err)
{
	struct lq_tz *tz;
	int i;

	*err = NULL;
	for (i = 0; i < S->nzones; i++)
		if (strcmp(lq_tz_name(S->zones[i]), name) == 0)
			return S->zones[i];
	tz = lq_os_tz_load(name, err);
	if (!tz)
		return NULL;
	if (S->nzones == SRV_ZONES_MAX) {
		/* A full cache drops its oldest zone; nobody holds it across calls. */
		lq_tz_free(&S->zones[0]);
		memmove(S->zones, S->zones + 1, (SRV_ZONES_MAX - 1) * sizeof S->zones[0]);
		S->nzones--;
	}
	S->zones[S->nzones++] = tz;
	return tz;
}

void srv_zones_free(struct srv *S)
{
	while (S->nzones > 0)
		lq_tz_free(&S->zones[--S->nzones]);
}

void srv_team_calendar(struct srv *S, const char *team_id, struct lq_calendar *cal,
		       struct lq_sla_policy *policy)
{
	struct lq_team t = { 0 };
	const struct lq_tz *tz = NULL;
	char *err = NULL;
	char msg[160];

	lq_sla_policy_default(policy);
	if (team_id && lq_srv_team_get(S->db, team_id, false, &t, NULL) == LQ_STORE_OK) {
		*policy = t.policy;
		if (t.tz)
			tz = srv_zone(S, t.tz, &err);
		free(err);
	}
	if (!tz)
		tz = srv_zone(S, "UTC", &err);
	free(err);
	lq_calendar_default(cal, tz);
	if (t.hours && *t.hours)
		lq_calendar_parse_hours(cal, t.hours, msg, sizeof msg);
	if (t.holidays && *t.holidays)
		lq_calendar_parse_holidays(cal, t.holidays, msg, sizeof msg);
	if (team_id)
		lq_team_clear(&t);
}

void srv_feed_grew(struct srv *S, int64_t seq)
{
	pthread_mutex_lock(&S->feed_lock);
	if (seq > S->feed_seq) {
		S->feed_seq = seq;
		pthread_cond_broadcast(&S->feed_cond);
	}
	pthread_mutex_unlock(&S->feed_lock);
}

/* The feed's owner of a lead: NULL when it has none (the team's pool, which
 * a partial index finds by owner_id IS NULL). */
static const char *feed_owner(const struct lq_lead *l)
{
	return l->owner_id && *l->owner_id ? l->owner_id : NULL;
}

enum lq_store_rc srv_feed_lead(struct srv *S, const struct lq_lead *l, const char *prev_owner,
			       const char *prev_team, int64_t *seq)
{
	struct lq_srv_feed f = { 0, "lead", l->id, NULL, feed_owner(l), l->team_id,
				 prev_owner, prev_team };

	return lq_srv_feed_add(S->db, &f, seq);
}

enum lq_store_rc srv_feed_appointment(struct srv *S, const struct lq_lead *l,
				      const char *appt_id, int64_t *seq)
{
	struct lq_srv_feed f = { 0, "appointment", appt_id, l->id, feed_owner(l), l->team_id,
				 NULL, NULL };

	return lq_srv_feed_add(S->db, &f, seq);
}

char *srv_appt_text(const struct lq_appt *a)
{
	json_t *j = lq_appt_to_json(a);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return text;
}

enum lq_store_rc srv_feed_activity(struct srv *S, const struct lq_lead *l,
				   const char *activity_id, int64_t *seq)
{
	struct lq_srv_feed f = { 0, "activity", activity_id, l->id, feed_owner(l), l->team_id,
				 NULL, NULL };

	return lq_srv_feed_add(S->db, &f, seq);
}

/* --- results ----------------------------------------------------------------------- */

static json_t *result_new(const char *id, const char *result)
{
	return json_pack("{s:s, s:s}", "id", id, "result", result);
}

static json_t *rejected(const char *id, const char *code, const char *msg)
{
	json_t *r = result_new(id, "rejected");

	if (r && json_object_set_new(r, "error", json_pack("{s:s, s:s}", "code", code,
							   "message", msg)) != 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

static bool add_lead(json_t *r, const struct lq_lead *l)
{
	json_t *j = lq_lead_to_json(l);

	return j && json_object_set_new(r, "lead", j) == 0;
}

/* The stored result of an applied op, {"id", "result", "lead"} as
 * result_new and add_lead make it, around the lead's text already made
 * (id is a UUID: ops_valid checked it). */
/* The answer of an applied op: the lead as it is now, or, when the op took
 * it out of the caller's view (an agent booking a pool lead for a rep),
 * "removed": the feed's removal may reach the client before this answer,
 * while the op is outstanding, and the client must not keep the lead. */
static char *applied_removed_text(const char *id)
{
	static const char head[] = "{\"id\":\"", tail[] = "\",\"result\":\"applied\",\"removed\":true}";
	size_t id_len = strlen(id);
	char *text = malloc(sizeof head - 1 + id_len + sizeof tail);

	if (!text)
		return NULL;
	memcpy(text, head, sizeof head - 1);
	memcpy(text + sizeof head - 1, id, id_len);
	memcpy(text + sizeof head - 1 + id_len, tail, sizeof tail);
	return text;
}

static char *applied_text(const char *id, const char *lead_text)
{
	static const char head[] = "{\"id\":\"", mid[] = "\",\"result\":\"applied\",\"lead\":";
	size_t id_len = strlen(id), lead_len = strlen(lead_text);
	size_t len = sizeof head - 1 + id_len + sizeof mid - 1 + lead_len + 1;
	char *text = malloc(len + 1);
	char *p = text;

	if (!text)
		return NULL;
	memcpy(p, head, sizeof head - 1);
	p += sizeof head - 1;
	memcpy(p, id, id_len);
	p += id_len;
	memcpy(p, mid, sizeof mid - 1);
	p += sizeof mid - 1;
	memcpy(p, lead_text, lead_len);
	p += lead_len;
	*p++ = '}';
	*p = '\0';
	return text;
}

char *srv_lead_text(const struct lq_lead *l)
{
	json_t *j = lq_lead_to_json(l);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return text;
}

void srv_lead_changed(struct srv *S, struct lq_lead *l, bool moved, int64_t *status_version,
		      lq_time now)
{
	struct lq_calendar cal;
	struct lq_sla_policy policy;

	l->version++;
	l->updated_at = now;
	if (moved)
		*status_version = l->version;
	srv_team_calendar(S, l->team_id, &cal, &policy);
	lq_sla_deadlines(l, &policy, &cal);
}

/* An audited refusal, in a savepoint of its own (the op's was rolled back). */
static void audit_forbidden(struct srv *S, const struct srv_caller *c, const json_t *op,
			    const char *lead_id, lq_time now)
{
	char *text = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);

	if (lq_srv_begin(S->db) == LQ_STORE_OK) {
		if (lq_srv_audit_add(S->db, c->user.id, "forbidden", "lead", lead_id, NULL, text,
				     now) == LQ_STORE_OK)
			lq_srv_commit(S->db);
		else
			lq_srv_rollback(S->db);
	}
	free(text);
}

int srv_status_of(enum lq_store_rc rc)
{
	return rc == LQ_STORE_BUSY || rc == LQ_STORE_NOMEM || rc == LQ_STORE_FULL ? 503 : 500;
}

static enum lq_activity_kind touch_activity(enum lq_touch t)
{
	switch (t) {
	case LQ_TOUCH_CALL: return LQ_ACT_CALL;
	case LQ_TOUCH_EMAIL: return LQ_ACT_EMAIL;
	case LQ_TOUCH_MEETING: return LQ_ACT_MEETING;
	default: return LQ_ACT_MESSAGE;
	}
}

/* What an op changes, filled by the kind's step and written by the common
 * tail of srv_op_apply. */
struct op_work {
	struct lq_lead lead;
	int64_t status_version;
	char prev_owner[LQ_UUID_SIZE], prev_team[LQ_UUID_SIZE];
	bool moved;                     /* owner or status changed */
	bool reassigned;
	struct lq_srv_activity act;     /* the new activity */
	struct lq_srv_activity undone;  /* undo: the original, marked undone */
	bool has_undone;
	bool has_appt;                  /* book/cancel: the appointment written */
	char appt_id[LQ_UUID_SIZE];
};

/* The new activity of an op: under the id the client named (args.activity,
 * so its history row and the server's are one), or a fresh one. */
static void act_begin(struct op_work *w, const char *op_id, const char *activity,
		      enum lq_activity_kind kind, lq_time at)
{
	if (activity && lq_uuid_valid(activity))
		snprintf(w->act.a.id, sizeof w->act.a.id, "%s", activity);
	else
		lq_os_uuid_ordered(w->act.a.id);
	memcpy(w->act.a.lead_id, w->lead.id, LQ_UUID_SIZE);
	w->act.a.kind = kind;
	w->act.a.at = at;
	snprintf(w->act.op_id, sizeof w->act.op_id, "%s", op_id);
}

/* The reasons a kind step refuses: a result object to return as is. */
static json_t *step_change(struct op_work *w, const char *id, const char *kind,
			   const json_t *args, lq_time at, bool has_base, int64_t base,
			   const struct srv_caller *c, bool *conflict)
{
	struct lq_change ch;
	struct lq_lead_state before, after;
	enum lq_lead_error e;
	const json_t *act = json_object_get(args, "activity");
	char err[200];

	if (!lq_change_from_args(kind, args, &ch, err, sizeof err))
		return rejected(id, "bad_request", err);
	ch.at = at;
	if (ch.kind == LQ_CHANGE_CALLBACK && ch.callback_user &&
	    strcmp(ch.callback_user, c->user.id) != 0)
		return rejected(id, "bad_request",
				"callback_user: a personal callback is the caller's own");
	if (ch.kind == LQ_CHANGE_STATUS && has_base && w->status_version > base) {
		*conflict = true;
		return NULL;
	}
	e = lq_lead_apply(&w->lead, NULL, &ch, &before);
	if (e != LQ_LEAD_EOK)
		return rejected(id, "bad_request", lq_lead_error_message(e));
	lq_lead_state_get(&w->lead, &after);
	w->moved = before.status != after.status;
	/* The kind is set below; the codec checked that an activity is a UUID. */
	act_begin(w, id, json_string_value(act), LQ_ACT_NOTE, at);
	/* A callback is moved or cancelled with another, not undone. */
	w->act.has_states = ch.kind != LQ_CHANGE_CALLBACK;
	w->act.before = before;
	w->act.after = after;
	if (ch.kind == LQ_CHANGE_CALLBACK) {
		char subject[64];

		w->act.a.kind = LQ_ACT_CALLBACK;
		lq_callback_subject(subject, sizeof subject, ch.callback_at, ch.callback_user);
		if (!lq_lead_set_str(&w->act.a.subject, subject) ||
		    (ch.text && !lq_lead_set_str(&w->act.a.detail, ch.text)))
			return NULL;
	} else if (ch.kind == LQ_CHANGE_STATUS) {
		char subject[80];

		w->act.a.kind = LQ_ACT_STATUS_CHANGE;
		snprintf(subject, sizeof subject, "%s → %s", lq_status_wire(before.status),
			 lq_status_wire(after.status));
		if (!lq_lead_set_str(&w->act.a.subject, subject) ||
		    (after.reason[0] && !lq_lead_set_str(&w->act.a.detail, after.reason)))
			return NULL;
	} else if (ch.kind == LQ_CHANGE_TOUCH) {
		w->act.a.kind = touch_activity(ch.touch);
		w->act.a.outcome = (int)ch.outcome;
		if (ch.text && !lq_lead_set_str(&w->act.a.detail, ch.text))
			return NULL;
	} else {
		w->act.a.kind = LQ_ACT_NOTE;
		if (!lq_lead_set_str(&w->act.a.detail, ch.text))
			return NULL;
	}
	/* A failure here leaves actor NULL, which the caller takes as out of memory. */
	lq_lead_set_str(&w->act.a.actor, c->user.id);
	return NULL;
}

static json_t *step_undo(struct srv *S, struct op_work *w, const char *id, const json_t *args,
			 lq_time at, bool has_base, int64_t base, const struct srv_caller *c,
			 bool *conflict, enum lq_store_rc *rc)
{
	char undo_op[LQ_UUID_SIZE], err[200];
	struct lq_lead_state before;
	enum lq_lead_error e;

	if (!lq_undo_args_from_json(args, undo_op, err, sizeof err))
		return rejected(id, "bad_request", err);
	*rc = lq_srv_activity_by_op(S->db, undo_op, &w->undone);
	if (*rc == LQ_STORE_NOTFOUND) {
		*rc = LQ_STORE_OK;
		return rejected(id, "not_found", "args.op: no such op");
	}
	if (*rc != LQ_STORE_OK)
		return NULL;
	w->has_undone = true;
	if (strcmp(w->undone.a.lead_id, w->lead.id) != 0)
		return rejected(id, "bad_request", "args.op: that op changed another lead");
	if (c->user.role != LQ_ROLE_LEAD && c->user.role != LQ_ROLE_ADMIN &&
	    (!w->undone.a.actor || strcmp(w->undone.a.actor, c->user.id) != 0))
		return rejected(id, "forbidden", "args.op: that op is another user's");
	if (w->undone.a.undone || !w->undone.has_states)
		return rejected(id, "bad_request", lq_lead_error_message(LQ_LEAD_ENOT_UNDOABLE));
	if (w->undone.a.kind == LQ_ACT_STATUS_CHANGE && has_base && w->status_version > base) {
		*conflict = true;
		return NULL;
	}
	lq_lead_state_get(&w->lead, &before);
	e = lq_lead_undo(&w->lead, &w->undone.before, &w->undone.after);
	if (e != LQ_LEAD_EOK)
		return rejected(id, "bad_request", lq_lead_error_message(e));
	w->undone.a.undone = true;
	w->undone.version++;
	act_begin(w, id, NULL, LQ_ACT_STATUS_CHANGE, at);
	w->act.has_states = true;
	w->act.before = before;
	lq_lead_state_get(&w->lead, &w->act.after);
	w->moved = w->act.before.status != w->act.after.status;
	memcpy(w->act.undo_of, w->undone.a.id, LQ_UUID_SIZE);
	if (!lq_lead_set_str(&w->act.a.actor, c->user.id) ||
	    !lq_lead_set_str(&w->act.a.subject, "undo"))
		*rc = LQ_STORE_NOMEM;
	return NULL;
}

static json_t *step_reassign(struct srv *S, struct op_work *w, const char *id,
			     const json_t *args, lq_time at, const struct srv_caller *c,
			     bool *forbidden, enum lq_store_rc *rc)
{
	const char *owner = json_string_value(json_object_get(args, "owner"));
	const char *reason = json_string_value(json_object_get(args, "reason"));
	const char *activity = json_string_value(json_object_get(args, "activity"));
	struct lq_user u;

	/* Team leads, and the team's single point of contact (a rep may be one). */
	if (c->user.role != LQ_ROLE_LEAD && c->user.role != LQ_ROLE_ADMIN) {
		struct lq_srv_team_rules tr = {0};

		*rc = w->lead.team_id ? lq_srv_team_rules_get(S->db, w->lead.team_id, &tr)
				      : LQ_STORE_NOTFOUND;
		if (*rc != LQ_STORE_OK && *rc != LQ_STORE_NOTFOUND)
			return NULL;
		*rc = LQ_STORE_OK;
		if (!w->lead.team_id || strcmp(tr.dispatcher_id, c->user.id) != 0 ||
		    !c->user.team_id || strcmp(c->user.team_id, w->lead.team_id) != 0) {
			*forbidden = true;
			return rejected(id, "forbidden",
					"only a team lead or the team's dispatcher reassigns leads");
		}
	}
	if (!owner || !lq_uuid_valid(owner))
		return rejected(id, "bad_request", "args.owner: expected a user id");
	if (json_object_get(args, "activity") && (!activity || !lq_uuid_valid(activity)))
		return rejected(id, "bad_request", "args.activity: expected a UUID");
	*rc = lq_srv_user_get(S->db, owner, false, &u, NULL, NULL);
	if (*rc == LQ_STORE_NOTFOUND) {
		*rc = LQ_STORE_OK;
		return rejected(id, "not_found", "args.owner: no such user");
	}
	if (*rc != LQ_STORE_OK)
		return NULL;
	if (!u.active) {
		lq_user_clear(&u);
		return rejected(id, "bad_request", "args.owner: that user is disabled");
	}
	if (c->user.role != LQ_ROLE_ADMIN &&
	    (!u.team_id || !c->user.team_id || strcmp(u.team_id, c->user.team_id) != 0)) {
		lq_user_clear(&u);
		*forbidden = true;
		return rejected(id, "forbidden", "args.owner: not in your team");
	}
	snprintf(w->prev_owner, sizeof w->prev_owner, "%s", w->lead.owner_id ? w->lead.owner_id : "");
	snprintf(w->prev_team, sizeof w->prev_team, "%s", w->lead.team_id ? w->lead.team_id : "");
	if (!lq_lead_set_str(&w->lead.owner_id, u.id) ||
	    !lq_lead_set_str(&w->lead.team_id, u.team_id) ||
	    !lq_lead_set_str(&w->act.a.subject, u.login) ||
	    (reason && !lq_lead_set_str(&w->act.a.detail, reason)) ||
	    !lq_lead_set_str(&w->act.a.actor, c->user.id))
		*rc = LQ_STORE_NOMEM;
	lq_user_clear(&u);
	w->moved = true;
	w->reassigned = true;
	act_begin(w, id, activity, LQ_ACT_ASSIGNMENT, at);
	return NULL;
}

/* The rep's booked appointments from the start of the requested day for
 * two days, as [{start, end}]: what a conflict answers with, so the agent
 * picks another slot without asking again. */
static int busy_add(void *ctx, const struct lq_appt *a)
{
	json_t *busy = ctx;
	char s[LQ_RFC3339_SIZE], e[LQ_RFC3339_SIZE];

	return json_array_append_new(busy, json_pack("{s:s, s:s}", "start",
				     lq_time_format(a->start, 0, s), "end",
				     lq_time_format(a->end, 0, e))) != 0;
}

static json_t *appt_conflict(struct srv *S, const char *id, const char *rep_id, lq_time start)
{
	json_t *res = result_new(id, "conflict"), *busy = json_array();
	lq_time from = start - start % LQ_DAY;

	if (!res || !busy ||
	    lq_srv_appt_busy(S->db, rep_id, from, from + 2 * LQ_DAY, false, busy_add, busy) != LQ_STORE_OK ||
	    json_object_set_new(res, "error", json_pack("{s:s, s:s}", "code", "slot_taken",
			"message", "the rep has another appointment then")) != 0) {
		json_decref(busy);
		json_decref(res);
		return NULL;
	}
	if (json_object_set_new(res, "busy", busy) != 0) {
		json_decref(res);
		return NULL;
	}
	return res;
}

/* book_appointment {appointment, rep, start, end, tz?, mode?, notes?, activity?}:
 * a new appointment, or a new time or rep for one of the lead's.  The lead
 * goes to the rep.  A slot another booking took: *conflict_res. */
static json_t *step_book(struct srv *S, struct op_work *w, const char *id, const json_t *args,
			 lq_time at, const struct srv_caller *c, bool *forbidden,
			 json_t **conflict_res, enum lq_store_rc *rc)
{
	const char *appt_id = json_string_value(json_object_get(args, "appointment"));
	const char *rep_id = json_string_value(json_object_get(args, "rep"));
	const char *activity = json_string_value(json_object_get(args, "activity"));
	struct lq_appt a, old;
	struct lq_user rep;
	json_t *j = NULL;
	char *text = NULL, err[200], subject[160], when[LQ_RFC3339_SIZE];
	json_t *res = NULL;

	lq_appt_init(&a);
	lq_appt_init(&old);
	lq_user_init(&rep);
	if (!appt_id || !lq_uuid_valid(appt_id) || !rep_id || !lq_uuid_valid(rep_id)) {
		res = rejected(id, "bad_request", "args: appointment and rep must be UUIDs");
		goto out;
	}
	if (c->user.role == LQ_ROLE_REP && strcmp(rep_id, c->user.id) != 0) {
		*forbidden = true;
		res = rejected(id, "forbidden", "a rep books only in their own calendar");
		goto out;
	}
	*rc = lq_srv_user_get(S->db, rep_id, false, &rep, NULL, NULL);
	if (*rc == LQ_STORE_NOTFOUND || (*rc == LQ_STORE_OK && (!rep.active ||
	    (rep.role != LQ_ROLE_REP && rep.role != LQ_ROLE_LEAD)))) {
		*rc = LQ_STORE_OK;
		res = rejected(id, "bad_request", "args.rep: no active rep with this id");
		goto out;
	}
	if (*rc != LQ_STORE_OK)
		goto out;
	/* The appointment as the args say it, checked by the codec. */
	j = json_deep_copy(args);
	if (!j) {
		*rc = LQ_STORE_NOMEM;
		goto out;
	}
	json_object_set_new(j, "id", json_string(appt_id));
	json_object_set_new(j, "lead_id", json_string(w->lead.id));
	json_object_set_new(j, "rep_id", json_string(rep_id));
	json_object_del(j, "status");
	json_object_del(j, "version");
	if (!lq_appt_from_json(j, &a, err, sizeof err)) {
		res = rejected(id, "bad_request", err);
		goto out;
	}
	*rc = lq_srv_appt_get(S->db, appt_id, &old);
	if (*rc == LQ_STORE_OK && strcmp(old.lead_id, w->lead.id) != 0) {
		res = rejected(id, "bad_request", "args.appointment: that id is another lead's");
		goto out;
	}
	if (*rc != LQ_STORE_OK && *rc != LQ_STORE_NOTFOUND)
		goto out;
	a.version = *rc == LQ_STORE_OK ? old.version + 1 : 1;
	*rc = LQ_STORE_OK;
	a.status = LQ_APPT_ST_BOOKED;
	memcpy(a.booked_by, c->user.id, LQ_UUID_SIZE);
	text = srv_appt_text(&a);
	if (!text) {
		*rc = LQ_STORE_NOMEM;
		goto out;
	}
	*rc = lq_srv_appt_put(S->db, &a, text, id);
	if (*rc == LQ_STORE_CONFLICT) {
		*rc = LQ_STORE_OK;
		*conflict_res = appt_conflict(S, id, rep_id, a.start);
		if (!*conflict_res)
			*rc = LQ_STORE_NOMEM;
		goto out;
	}
	if (*rc != LQ_STORE_OK)
		goto out;
	w->has_appt = true;
	memcpy(w->appt_id, a.id, LQ_UUID_SIZE);
	/* The lead goes to the rep of the appointment. */
	if (!w->lead.owner_id || strcmp(w->lead.owner_id, rep.id) != 0) {
		snprintf(w->prev_owner, sizeof w->prev_owner, "%s",
			 w->lead.owner_id ? w->lead.owner_id : "");
		snprintf(w->prev_team, sizeof w->prev_team, "%s",
			 w->lead.team_id ? w->lead.team_id : "");
		if (!lq_lead_set_str(&w->lead.owner_id, rep.id) ||
		    !lq_lead_set_str(&w->lead.team_id, rep.team_id)) {
			*rc = LQ_STORE_NOMEM;
			goto out;
		}
		w->moved = w->reassigned = true;
	}
	*rc = lq_srv_appt_next(S->db, w->lead.id, at, &w->lead.next_appt_at);
	if (*rc != LQ_STORE_OK)
		goto out;
	act_begin(w, id, activity, LQ_ACT_APPOINTMENT, at);
	snprintf(subject, sizeof subject, "%s %s %s", rep.login ? rep.login : "",
		 lq_appt_mode_wire(a.mode), lq_time_format(a.start, 0, when));
	if (!lq_lead_set_str(&w->act.a.actor, c->user.id) ||
	    !lq_lead_set_str(&w->act.a.subject, subject) ||
	    (a.notes && !lq_lead_set_str(&w->act.a.detail, a.notes)))
		*rc = LQ_STORE_NOMEM;
out:
	json_decref(j);
	free(text);
	lq_appt_clear(&a);
	lq_appt_clear(&old);
	lq_user_clear(&rep);
	return res;
}

/* cancel_appointment {appointment, activity?}. */
static json_t *step_cancel(struct srv *S, struct op_work *w, const char *id, const json_t *args,
			   lq_time at, const struct srv_caller *c, enum lq_store_rc *rc)
{
	const char *appt_id = json_string_value(json_object_get(args, "appointment"));
	const char *activity = json_string_value(json_object_get(args, "activity"));
	struct lq_appt a;
	char *text = NULL;
	json_t *res = NULL;

	lq_appt_init(&a);
	if (!appt_id || !lq_uuid_valid(appt_id))
		return rejected(id, "bad_request", "args.appointment: expected a UUID");
	*rc = lq_srv_appt_get(S->db, appt_id, &a);
	if (*rc == LQ_STORE_NOTFOUND ||
	    (*rc == LQ_STORE_OK && strcmp(a.lead_id, w->lead.id) != 0)) {
		*rc = LQ_STORE_OK;
		res = rejected(id, "not_found", "args.appointment: no such appointment of this lead");
		goto out;
	}
	if (*rc != LQ_STORE_OK)
		goto out;
	a.status = LQ_APPT_ST_CANCELLED;
	a.version++;
	text = srv_appt_text(&a);
	*rc = text ? lq_srv_appt_put(S->db, &a, text, id) : LQ_STORE_NOMEM;
	if (*rc == LQ_STORE_OK)
		*rc = lq_srv_appt_next(S->db, w->lead.id, at, &w->lead.next_appt_at);
	if (*rc != LQ_STORE_OK)
		goto out;
	w->has_appt = true;
	memcpy(w->appt_id, a.id, LQ_UUID_SIZE);
	act_begin(w, id, activity, LQ_ACT_APPOINTMENT, at);
	if (!lq_lead_set_str(&w->act.a.actor, c->user.id) ||
	    !lq_lead_set_str(&w->act.a.subject, "cancelled"))
		*rc = LQ_STORE_NOMEM;
out:
	free(text);
	lq_appt_clear(&a);
	return res;
}

char *srv_op_apply(struct srv *S, const struct srv_caller *c, const json_t *op,
		   const char *hash, lq_time now, int *status, int64_t *seq_out)
{
	const char *id = json_string_value(json_object_get(op, "id"));
	const char *kind = json_string_value(json_object_get(op, "kind"));
	const char *lead_id = json_string_value(json_object_get(op, "lead"));
	const json_t *args = json_object_get(op, "args");
	const json_t *jbase = json_object_get(op, "base_version");
	const char *at_text = json_string_value(json_object_get(op, "at"));
	bool has_base = json_is_integer(jbase), conflict = false, forbidden = false;
	json_t *slot_taken = NULL;
	int64_t base = has_base ? json_integer_value(jbase) : 0;
	struct op_work w;
	struct lq_srv_op rec;
	enum lq_store_rc rc;
	json_t *res = NULL;
	char *before_text = NULL, *after_text = NULL, *res_text = NULL;
	json_t *jafter = NULL;
	lq_time at = now;
	int64_t seq = 0;
	enum lq_status status_before = LQ_STATUS_NEW;

	*status = 200;
	if (!json_is_object(args))
		args = NULL;
	memset(&w, 0, sizeof w);
	lq_lead_init(&w.lead);
	lq_srv_activity_init(&w.act);
	lq_srv_activity_init(&w.undone);
	if (at_text && !lq_time_parse(at_text, &at)) {
		res = rejected(id, "bad_request", "at: expected an RFC 3339 time");
		goto out;
	}

	rc = lq_srv_begin(S->db);
	if (rc != LQ_STORE_OK)
		goto store_fail;
	rc = lq_srv_op_get(S->db, id, &rec);
	if (rc == LQ_STORE_OK) {
		/* A replay: the stored result, or a refusal when the body differs. */
		lq_srv_rollback(S->db);
		if (strcmp(rec.hash, hash) == 0 && strcmp(rec.user_id, c->user.id) == 0) {
			res = json_loads(rec.result, 0, NULL);
			if (res)
				json_object_set_new(res, "result", json_string("duplicate"));
		} else {
			res = rejected(id, "unprocessable",
				       "id: this op id was used with another request");
		}
		free(rec.result);
		if (!res)
			*status = 503;
		goto out;
	}
	if (rc != LQ_STORE_NOTFOUND)
		goto store_fail;
	/* The stored text is the audit's "before": the lead is decoded once
	 * and encoded once (after), never again. */
	rc = lq_srv_lead_get_text(S->db, lead_id, &w.lead, &w.status_version, &before_text);
	if (rc == LQ_STORE_NOTFOUND) {
		lq_srv_rollback(S->db);
		res = rejected(id, "not_found", "lead: no such lead");
		goto out;
	}
	if (rc != LQ_STORE_OK)
		goto store_fail;
	if (!lq_srv_scope_sees_lead(&c->scope, w.lead.owner_id, w.lead.team_id)) {
		lq_srv_rollback(S->db);
		audit_forbidden(S, c, op, lead_id, now);
		res = rejected(id, "forbidden", "lead: not in your view");
		goto out;
	}
	status_before = w.lead.status;
	rc = LQ_STORE_OK;
	if (strcmp(kind, "undo") == 0)
		res = step_undo(S, &w, id, args, at, has_base, base, c, &conflict, &rc);
	else if (strcmp(kind, "reassign") == 0)
		res = step_reassign(S, &w, id, args, at, c, &forbidden, &rc);
	else if (strcmp(kind, "book_appointment") == 0)
		res = step_book(S, &w, id, args, at, c, &forbidden, &slot_taken, &rc);
	else if (strcmp(kind, "cancel_appointment") == 0)
		res = step_cancel(S, &w, id, args, at, c, &rc);
	else
		res = step_change(&w, id, kind, args, at, has_base, base, c, &conflict);
	if (slot_taken && !res) {
		/* Another booking has the slot: the rep's busy times go back. */
		res = slot_taken;
		slot_taken = NULL;
	}
	if (rc != LQ_STORE_OK)
		goto store_fail;
	if (res || conflict) {
		lq_srv_rollback(S->db);
		if (forbidden)
			audit_forbidden(S, c, op, lead_id, now);
		if (conflict) {
			struct lq_lead cur;

			lq_lead_init(&cur);
			if (lq_srv_lead_get(S->db, lead_id, &cur, NULL) == LQ_STORE_OK) {
				res = result_new(id, "conflict");
				if (res && (json_object_set_new(res, "error", json_pack(
					"{s:s, s:s}", "code", "conflict", "message",
					"the lead's owner or status changed since base_version")) ||
					    !add_lead(res, &cur))) {
					json_decref(res);
					res = NULL;
				}
			}
			lq_lead_clear(&cur);
		}
		if (!res)
			*status = 503;
		goto out;
	}
	if (!w.act.a.actor) {
		rc = LQ_STORE_NOMEM;
		goto store_fail;
	}
	/* A client names the activity it recorded; an id in use (another
	 * lead's row, say) must not be overwritten. */
	{
		char other_lead[LQ_UUID_SIZE];
		int64_t other_version;

		rc = lq_srv_activity_text(S->db, w.act.a.id, other_lead, &other_version, NULL);
		if (rc == LQ_STORE_OK) {
			lq_srv_rollback(S->db);
			res = rejected(id, "bad_request", "args.activity: this id is in use");
			goto out;
		}
		if (rc != LQ_STORE_NOTFOUND)
			goto store_fail;
	}
	/* The common tail: version, deadlines, rows. */
	srv_lead_changed(S, &w.lead, w.moved, &w.status_version, now);
	jafter = lq_lead_to_json(&w.lead);
	after_text = jafter ? json_dumps(jafter, JSON_COMPACT) : NULL;
	res_text = !after_text ? NULL
		   : lq_srv_scope_sees_lead(&c->scope, w.lead.owner_id, w.lead.team_id)
		   ? applied_text(id, after_text) : applied_removed_text(id);
	if (!before_text || !res_text) {
		rc = LQ_STORE_NOMEM;
		goto store_fail;
	}
	rc = lq_srv_lead_put_text(S->db, &w.lead, w.status_version, after_text);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_activity_put(S->db, &w.act);
	if (rc == LQ_STORE_OK && w.has_undone)
		rc = lq_srv_activity_put(S->db, &w.undone);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_lead(S, &w.lead, w.reassigned ? w.prev_owner : NULL,
				   w.reassigned ? w.prev_team : NULL, &seq);
	if (rc == LQ_STORE_OK && w.has_appt)
		rc = srv_feed_appointment(S, &w.lead, w.appt_id, &seq);
	if (rc == LQ_STORE_OK && w.has_undone)
		rc = srv_feed_activity(S, &w.lead, w.undone.a.id, &seq);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_activity(S, &w.lead, w.act.a.id, &seq);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_audit_add(S->db, c->user.id, kind, "lead", w.lead.id, before_text,
				      after_text, now);
	/* Marketing hears of outcomes (hook.c), in the same transaction. */
	if (rc == LQ_STORE_OK)
		rc = srv_hook_outcome(S, &w.lead, status_before, c->user.login,
				      strcmp(kind, "undo") == 0, at);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_op_put(S->db, id, c->user.id, hash, res_text, now);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_commit(S->db);
	if (rc != LQ_STORE_OK)
		goto store_fail;
	if (seq > *seq_out)
		*seq_out = seq;
	goto out;
store_fail:
	lq_srv_rollback(S->db);
	json_decref(res);
	res = NULL;
	free(res_text);
	res_text = NULL;
	*status = srv_status_of(rc);
	if (*status == 500)
		fprintf(stderr, "leadqd: op %s: %s\n", id, lq_srv_errmsg(S->db));
out:
	/* An applied op's answer is the text stored for replays; the rarer
	 * answers are encoded here. */
	if (res) {
		res_text = json_dumps(res, JSON_COMPACT);
		json_decref(res);
		if (!res_text)
			*status = 503;
	}
	json_decref(jafter);
	json_decref(slot_taken);
	free(before_text);
	free(after_text);
	lq_lead_clear(&w.lead);
	lq_srv_activity_clear(&w.act);
	lq_srv_activity_clear(&w.undone);
	return res_text;
}

