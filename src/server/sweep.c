/* leadq — leadqd: the SLA sweep (DESIGN §3).
 *
 * Finds the open leads whose running deadline passed (lq_srv_sla_due) and
 * applies the team's action once per lead and deadline: the claim row
 * (lq_srv_sla_claim) is written in the same transaction as the action, so a
 * crash, a restart or a second server never acts twice.
 *  - first contact overdue, notify: an escalation in the lead's history,
 *    which reaches the owner and the team lead through the feed;
 *  - first contact overdue, reassign: to another rep of the team by
 *    round-robin (notify when nobody has room);
 *  - touch window over: status recycle or unreachable with reason
 *    sla_expired, through the state machine, undoable like a rep's change.
 * And callbacks: a personal callback not made by its time plus the release
 * delay (S->callback_release) becomes the team's, so that anyone who works
 * the lead (the pool's agents, the owner, the team lead) sees it due.
 * Every action is an escalation activity of actor "sla" (subject the
 * event, detail the action: wire names the client translates) and a row
 * of the audit log.  One lead per transaction: requests wait at most one
 * lead's work for db_lock. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "leadq/rules.h"
#include "leadq/sla.h"
#include "server/server.h"

#define SWEEP_BATCH 200

struct ids {
	char (*id)[LQ_UUID_SIZE];
	size_t n, cap;
	bool nomem;
};

static int ids_add(void *ctx, const char *id)
{
	struct ids *v = ctx;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		char (*grown)[LQ_UUID_SIZE] = lq_realloc(v->id, cap * sizeof *grown);

		if (!grown) {
			v->nomem = true;
			return 1;
		}
		v->id = grown;
		v->cap = cap;
	}
	snprintf(v->id[v->n++], LQ_UUID_SIZE, "%s", id ? id : "");
	return 0;
}

/* An activity of actor "sla" on lead, into *a (init'ed by the caller). */
static bool sla_activity(struct lq_srv_activity *a, const struct lq_lead *l,
			 enum lq_activity_kind kind, lq_time now, const char *subject,
			 const char *detail)
{
	lq_os_uuid_ordered(a->a.id);
	memcpy(a->a.lead_id, l->id, LQ_UUID_SIZE);
	a->a.kind = kind;
	a->a.at = now;
	return lq_lead_set_str(&a->a.actor, "sla") &&
	       (!subject || lq_lead_set_str(&a->a.subject, subject)) &&
	       (!detail || lq_lead_set_str(&a->a.detail, detail));
}

struct lead_work {
	struct lq_lead lead;
	int64_t status_version;
	char *before_text;
	char prev_owner[LQ_UUID_SIZE];
	bool changed, moved, reassigned;
	struct lq_srv_activity escalation, extra;   /* extra: assignment or status */
	bool has_extra;
	const char *action;                         /* wire name, for the audit */
};

/* The reasons a rep may give, and the sweep's own: sla_expired is a
 * default for unreachable only, but expiry may recycle too. */
static void sweep_reasons(struct lq_reasons *r, enum lq_status to)
{
	int list = to == LQ_STATUS_RECYCLED ? 0 : 2;

	lq_reasons_default(r);
	if (!lq_reason_valid(r, to, "sla_expired") && r->count[list] < LQ_REASON_MAX) {
		struct lq_reason *x = &r->list[list][r->count[list]++];

		snprintf(x->code, sizeof x->code, "%s", "sla_expired");
		x->label = NULL;
	}
}

/* Expiry: recycle or unreachable with reason sla_expired. */
static enum lq_store_rc expire(struct lead_work *w, const struct lq_srv_team_rules *tr,
			       lq_time now)
{
	struct lq_change ch = { .kind = LQ_CHANGE_STATUS, .reason = "sla_expired", .at = now };
	struct lq_lead_state before, after;
	struct lq_reasons reasons;
	char subject[80];

	ch.to = tr->on_expiry == LQ_EXPIRY_RECYCLE ? LQ_STATUS_RECYCLED : LQ_STATUS_UNREACHABLE;
	w->action = lq_expiry_action_wire((enum lq_expiry_action)tr->on_expiry);
	sweep_reasons(&reasons, ch.to);
	if (lq_lead_apply(&w->lead, &reasons, &ch, &before) != LQ_LEAD_EOK)
		return LQ_STORE_INVALID;
	lq_lead_state_get(&w->lead, &after);
	snprintf(subject, sizeof subject, "%s \u2192 %s", lq_status_wire(before.status),
		 lq_status_wire(after.status));
	if (!sla_activity(&w->extra, &w->lead, LQ_ACT_STATUS_CHANGE, now, subject, "sla_expired"))
		return LQ_STORE_NOMEM;
	/* Kept with its states, so the team lead or the rep can undo it. */
	w->extra.has_states = true;
	w->extra.before = before;
	w->extra.after = after;
	w->has_extra = true;
	w->changed = w->moved = true;
	return LQ_STORE_OK;
}

/* First contact overdue: reassign by round-robin, or notify. */
static enum lq_store_rc breach(struct srv *S, struct lead_work *w,
			       const struct lq_srv_team_rules *tr, lq_time now)
{
	struct lq_user owner;
	bool found = false;
	enum lq_store_rc rc = LQ_STORE_OK;

	w->action = lq_breach_action_wire(LQ_BREACH_NOTIFY);
	if (tr->on_breach != LQ_BREACH_REASSIGN || !w->lead.team_id)
		return LQ_STORE_OK;
	lq_user_init(&owner);
	rc = srv_pick_rep(S, w->lead.team_id, w->lead.owner_id, false, &owner, &found);
	if (rc == LQ_STORE_OK && found) {
		snprintf(w->prev_owner, sizeof w->prev_owner, "%s",
			 w->lead.owner_id ? w->lead.owner_id : "");
		if (!lq_lead_set_str(&w->lead.owner_id, owner.id) ||
		    !sla_activity(&w->extra, &w->lead, LQ_ACT_ASSIGNMENT, now, owner.login,
				  lq_sla_event_wire(LQ_SLA_EVENT_BREACH)))
			rc = LQ_STORE_NOMEM;
		w->has_extra = true;
		w->changed = w->moved = w->reassigned = true;
		w->action = lq_breach_action_wire(LQ_BREACH_REASSIGN);
	}
	lq_user_clear(&owner);
	return rc;
}

/* Mail (when the server sends mail): a breach to the owner and the team
 * lead, a reassignment to the new owner, an expiry to the owner. */
static enum lq_store_rc mail_about(struct srv *S, const struct lead_work *w, enum lq_sla_event ev,
				   lq_time due)
{
	struct lq_user lead_user;
	enum lq_store_rc rc;

	if (!S->mail_on)
		return LQ_STORE_OK;
	if (ev == LQ_SLA_EVENT_EXPIRY)
		return srv_mail_lead(S, w->lead.owner_id, SRV_MAIL_EXPIRED, &w->lead, due);
	if (w->reassigned)
		return srv_mail_lead(S, w->lead.owner_id, SRV_MAIL_NEW_LEAD, &w->lead,
				     w->lead.sla_first_due);
	rc = srv_mail_lead(S, w->lead.owner_id, SRV_MAIL_BREACH, &w->lead, due);
	if (rc != LQ_STORE_OK || !w->lead.team_id)
		return rc;
	lq_user_init(&lead_user);
	rc = lq_srv_team_lead(S->db, w->lead.team_id, &lead_user);
	if (rc == LQ_STORE_OK && (!w->lead.owner_id || strcmp(lead_user.id, w->lead.owner_id) != 0))
		rc = srv_mail_lead(S, lead_user.id, SRV_MAIL_BREACH, &w->lead, due);
	lq_user_clear(&lead_user);
	return rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
}

/* One lead, in its own transaction; *acted says whether an action was
 * recorded (false when another sweep was first or nothing is owed). */
static enum lq_store_rc sweep_lead(struct srv *S, const char *id, lq_time now,
				   struct srv_sweep_counts *counts, int64_t *seq)
{
	struct lead_work w;
	struct lq_srv_team_rules tr;
	enum lq_sla_event ev;
	enum lq_store_rc rc;
	lq_time due;
	bool claimed = false;
	char *after_text = NULL;

	memset(&w, 0, sizeof w);
	lq_lead_init(&w.lead);
	lq_srv_activity_init(&w.escalation);
	lq_srv_activity_init(&w.extra);
	rc = lq_srv_begin(S->db);
	if (rc != LQ_STORE_OK)
		goto out;
	rc = lq_srv_lead_get_text(S->db, id, &w.lead, &w.status_version, &w.before_text);
	if (rc != LQ_STORE_OK)
		goto fail;
	ev = lq_sla_sweep_due(&w.lead, now, &due);
	if (ev == LQ_SLA_EVENT_NONE || !w.lead.team_id) {
		rc = LQ_STORE_OK;
		goto fail;   /* moved on since the query: nothing to do */
	}
	rc = lq_srv_team_rules_get(S->db, w.lead.team_id, &tr);
	if (rc != LQ_STORE_OK)
		goto fail;
	rc = ev == LQ_SLA_EVENT_EXPIRY ? expire(&w, &tr, now) : breach(S, &w, &tr, now);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_sla_claim(S->db, w.lead.id, lq_sla_event_wire(ev), due, w.action, now,
				      &claimed);
	if (rc != LQ_STORE_OK || !claimed)
		goto fail;
	if (!sla_activity(&w.escalation, &w.lead, LQ_ACT_ESCALATION, now,
			  lq_sla_event_wire(ev), w.action)) {
		rc = LQ_STORE_NOMEM;
		goto fail;
	}
	if (w.changed) {
		srv_lead_changed(S, &w.lead, w.moved, &w.status_version, now);
		after_text = srv_lead_text(&w.lead);
		if (!after_text) {
			rc = LQ_STORE_NOMEM;
			goto fail;
		}
		rc = lq_srv_lead_put_text(S->db, &w.lead, w.status_version, after_text);
		if (rc == LQ_STORE_OK)
			rc = srv_feed_lead(S, &w.lead, w.reassigned ? w.prev_owner : NULL, NULL, seq);
	}
	if (rc == LQ_STORE_OK && w.has_extra)
		rc = lq_srv_activity_put(S->db, &w.extra);
	if (rc == LQ_STORE_OK && w.has_extra)
		rc = srv_feed_activity(S, &w.lead, w.extra.a.id, seq);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_activity_put(S->db, &w.escalation);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_activity(S, &w.lead, w.escalation.a.id, seq);
	if (rc == LQ_STORE_OK) {
		char action[64];

		snprintf(action, sizeof action, "sla_%s_%s", lq_sla_event_wire(ev), w.action);
		rc = lq_srv_audit_add(S->db, "sla", action, "lead", w.lead.id, w.before_text,
				      after_text, now);
	}
	if (rc == LQ_STORE_OK)
		rc = mail_about(S, &w, ev, due);
	if (rc == LQ_STORE_OK && w.has_extra && w.extra.has_states)
		rc = srv_hook_outcome(S, &w.lead, w.extra.before.status, "sla", false, now);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_commit(S->db);
	if (rc != LQ_STORE_OK)
		goto fail;
	if (ev == LQ_SLA_EVENT_EXPIRY)
		counts->expired++;
	else if (w.reassigned)
		counts->breaches_reassigned++;
	else
		counts->breaches_notified++;
	goto out;
fail:
	lq_srv_rollback(S->db);
out:
	free(after_text);
	free(w.before_text);
	lq_lead_clear(&w.lead);
	lq_srv_activity_clear(&w.escalation);
	lq_srv_activity_clear(&w.extra);
	return rc;
}

/* Releases a lead's overdue personal callback to its team, in a
 * transaction of its own; nothing when it was made, moved or released
 * meanwhile. */
static enum lq_store_rc release_callback(struct srv *S, const char *id, lq_time now,
					 struct srv_sweep_counts *counts, int64_t *seq)
{
	struct lq_lead lead;
	struct lq_srv_activity act;
	int64_t status_version;
	char *before_text = NULL, *after_text = NULL;
	char subject[64];
	enum lq_store_rc rc;

	lq_lead_init(&lead);
	lq_srv_activity_init(&act);
	rc = lq_srv_begin(S->db);
	if (rc != LQ_STORE_OK)
		goto out;
	rc = lq_srv_lead_get_text(S->db, id, &lead, &status_version, &before_text);
	if (rc != LQ_STORE_OK)
		goto fail;
	if (!lead.callback_user || !lq_lead_callback_pending(&lead) ||
	    lead.callback_at > now - S->callback_release)
		goto fail;   /* made, moved or released since the query */
	lq_callback_subject(subject, sizeof subject, lead.callback_at, NULL);
	if (!lq_lead_set_str(&lead.callback_user, NULL) ||
	    !sla_activity(&act, &lead, LQ_ACT_CALLBACK, now, subject, "released")) {
		rc = LQ_STORE_NOMEM;
		goto fail;
	}
	srv_lead_changed(S, &lead, false, &status_version, now);
	after_text = srv_lead_text(&lead);
	if (!after_text) {
		rc = LQ_STORE_NOMEM;
		goto fail;
	}
	rc = lq_srv_lead_put_text(S->db, &lead, status_version, after_text);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_lead(S, &lead, NULL, NULL, seq);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_activity_put(S->db, &act);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_activity(S, &lead, act.a.id, seq);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_audit_add(S->db, "sla", "callback_released", "lead", lead.id,
				      before_text, after_text, now);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_commit(S->db);
	if (rc != LQ_STORE_OK)
		goto fail;
	counts->callbacks_released++;
	goto out;
fail:
	lq_srv_rollback(S->db);
out:
	free(before_text);
	free(after_text);
	lq_lead_clear(&lead);
	lq_srv_activity_clear(&act);
	return rc;
}

/* Every overdue personal callback, in batches. */
static int release_callbacks(struct srv *S, lq_time now, struct srv_sweep_counts *counts,
			     int64_t *seq)
{
	struct ids due = {0};
	enum lq_store_rc rc;
	int result = 0;

	for (;;) {
		int released_before = counts->callbacks_released;

		due.n = 0;
		pthread_mutex_lock(&S->db_lock);
		rc = lq_srv_callbacks_due(S->db, now - S->callback_release, SWEEP_BATCH, ids_add,
					  &due);
		pthread_mutex_unlock(&S->db_lock);
		if (rc == LQ_STORE_OK && due.nomem)
			rc = LQ_STORE_NOMEM;
		if (rc != LQ_STORE_OK) {
			fprintf(stderr, "leadqd: callback sweep: %s\n", lq_srv_errmsg(S->db));
			result = -1;
			break;
		}
		for (size_t i = 0; i < due.n; i++) {
			pthread_mutex_lock(&S->db_lock);
			rc = release_callback(S, due.id[i], now, counts, seq);
			if (rc != LQ_STORE_OK)
				fprintf(stderr, "leadqd: callback sweep: lead %s: %s\n", due.id[i],
					lq_srv_errmsg(S->db));
			pthread_mutex_unlock(&S->db_lock);
			if (rc != LQ_STORE_OK)
				result = -1;
		}
		if (due.n < SWEEP_BATCH || result < 0 ||
		    counts->callbacks_released == released_before)
			break;
	}
	lq_free(due.id);
	return result;
}

int srv_sweep(struct srv *S, lq_time now, struct srv_sweep_counts *counts)
{
	struct ids due = {0};
	enum lq_store_rc rc;
	int64_t seq = 0;
	int result = 0;

	memset(counts, 0, sizeof *counts);
	for (;;) {
		size_t acted_before = (size_t)(counts->expired + counts->breaches_notified +
					       counts->breaches_reassigned);

		due.n = 0;
		pthread_mutex_lock(&S->db_lock);
		rc = lq_srv_sla_due(S->db, now, SWEEP_BATCH, ids_add, &due);
		pthread_mutex_unlock(&S->db_lock);
		if (rc == LQ_STORE_OK && due.nomem)
			rc = LQ_STORE_NOMEM;
		if (rc != LQ_STORE_OK) {
			fprintf(stderr, "leadqd: sla sweep: %s\n", lq_srv_errmsg(S->db));
			result = -1;
			break;
		}
		for (size_t i = 0; i < due.n; i++) {
			pthread_mutex_lock(&S->db_lock);
			rc = sweep_lead(S, due.id[i], now, counts, &seq);
			if (rc != LQ_STORE_OK && rc != LQ_STORE_INVALID)
				fprintf(stderr, "leadqd: sla sweep: lead %s: %s\n", due.id[i],
					lq_srv_errmsg(S->db));
			else if (rc == LQ_STORE_INVALID)
				fprintf(stderr, "leadqd: sla sweep: lead %s: the state machine "
					"refused the expiry\n", due.id[i]);
			pthread_mutex_unlock(&S->db_lock);
			if (rc != LQ_STORE_OK && rc != LQ_STORE_INVALID)
				result = -1;
		}
		/* A full batch may have more behind it, unless nothing moved (every
		 * lead refused: stop rather than spin). */
		if (due.n < SWEEP_BATCH || result < 0 ||
		    (size_t)(counts->expired + counts->breaches_notified +
			     counts->breaches_reassigned) == acted_before)
			break;
	}
	lq_free(due.id);
	if (release_callbacks(S, now, counts, &seq) != 0)
		result = -1;
	if (seq > 0)
		srv_feed_grew(S, seq);
	return result;
}
