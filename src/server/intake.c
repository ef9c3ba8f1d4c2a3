/* leadq — leadqd: marketing's intake (DESIGN §1, §7; issue 6).
 *
 * Leads arrive by POST /leads, by Mautic's webhooks (POST /hooks/mautic)
 * and by `leadqd import FILE.csv`; behaviour events by POST /events.  All
 * of them end in srv_intake_one(): a lead with the email (any case) or
 * external id of an existing one merges into it and keeps its history; a
 * new one is routed.  A lead marketing passes again after sales recycled
 * it (or found it unreachable) comes back as new, with its history and a
 * new SLA cycle.  Events of people who are not leads yet are kept
 * (anon_events) and attached when the lead arrives. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/intake.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "server/server.h"

#define INTAKE_MAX 5000   /* leads in one POST /leads */

/* --- one lead ------------------------------------------------------------------------ */

/* Merge: the incoming non-empty strings win; numbers when set. */
static bool merge_str(char **dst, const char *src)
{
	return !src || !*src || lq_lead_set_str(dst, src);
}

static bool merge_lead(struct lq_lead *dst, const struct lq_lead *src)
{
	if (!merge_str(&dst->external_id, src->external_id) || !merge_str(&dst->name, src->name) ||
	    !merge_str(&dst->title, src->title) || !merge_str(&dst->company, src->company) ||
	    !merge_str(&dst->email, src->email) || !merge_str(&dst->phone, src->phone) ||
	    !merge_str(&dst->country, src->country) || !merge_str(&dst->region, src->region) ||
	    !merge_str(&dst->city, src->city) || !merge_str(&dst->postal_code, src->postal_code) ||
	    !merge_str(&dst->industry, src->industry) || !merge_str(&dst->tz, src->tz) ||
	    !merge_str(&dst->source, src->source) || !merge_str(&dst->campaign, src->campaign))
		return false;
	if (src->employees)
		dst->employees = src->employees;
	if (src->score) {
		dst->score = src->score;
		memcpy(dst->score_parts, src->score_parts, sizeof dst->score_parts);
		dst->nscore_parts = src->nscore_parts;
	}
	if (src->do_not_contact)
		dst->do_not_contact = true;
	return true;
}

/* A history row of marketing's (or routing's) on the lead, with its feed row. */
static enum lq_store_rc add_history(struct srv *S, const struct lq_lead *l,
				    enum lq_activity_kind kind, const char *actor,
				    const char *subject, const char *detail, lq_time at,
				    int64_t *seq)
{
	struct lq_srv_activity act;
	enum lq_store_rc rc = LQ_STORE_NOMEM;

	lq_srv_activity_init(&act);
	lq_os_uuid_ordered(act.a.id);
	memcpy(act.a.lead_id, l->id, LQ_UUID_SIZE);
	act.a.kind = kind;
	act.a.at = at;
	if (lq_lead_set_str(&act.a.actor, actor) &&
	    (!subject || lq_lead_set_str(&act.a.subject, subject)) &&
	    (!detail || lq_lead_set_str(&act.a.detail, detail)))
		rc = lq_srv_activity_put(S->db, &act);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_activity(S, l, act.a.id, seq);
	lq_srv_activity_clear(&act);
	return rc;
}

/* An event as the lead's activity (the id the event came with: a replay is
 * stored once); *stored false for a replay. */
static enum lq_store_rc put_event(struct srv *S, const struct lq_lead *l, struct lq_activity *a,
				  bool *stored, int64_t *seq)
{
	struct lq_srv_activity act;
	char other[LQ_UUID_SIZE];
	int64_t version;
	enum lq_store_rc rc;

	*stored = false;
	rc = lq_srv_activity_text(S->db, a->id, other, &version, NULL);
	if (rc != LQ_STORE_NOTFOUND)
		return rc;
	lq_srv_activity_init(&act);
	act.a = *a;     /* borrowed: a keeps its strings */
	memcpy(act.a.lead_id, l->id, LQ_UUID_SIZE);
	rc = lq_srv_activity_put(S->db, &act);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_activity(S, l, act.a.id, seq);
	*stored = rc == LQ_STORE_OK;
	return rc;
}

struct anon_ctx {
	struct srv *S;
	const struct lq_lead *lead;
	int64_t *seq;
	enum lq_store_rc rc;
	int attached;
};

/* One kept event (its JSON as sent, with its id) onto the lead. */
static int attach_one(void *ctx, const char *text)
{
	struct anon_ctx *x = ctx;
	struct srv_text body = {0};
	struct lq_event_in *ev = NULL;
	size_t n = 0;
	char err[200];
	bool stored;

	srv_text_lit(&body, "{\"events\":[");
	srv_text_lit(&body, text);
	srv_text_lit(&body, "]}");
	if (body.nomem) {
		free(body.p);
		x->rc = LQ_STORE_NOMEM;
		return 1;
	}
	/* It was decoded when it came; a row that no longer decodes (a newer
	 * server's?) is dropped rather than kept forever. */
	if (lq_events_from_text(body.p, body.len, &ev, &n, err, sizeof err) && n == 1) {
		x->rc = put_event(x->S, x->lead, &ev[0].act, &stored, x->seq);
		x->attached += stored;
	}
	lq_events_free(&ev, n);
	free(body.p);
	return x->rc != LQ_STORE_OK;
}

static enum lq_store_rc attach_anon(struct srv *S, const struct lq_lead *l, int64_t *seq,
				    int *attached)
{
	struct anon_ctx x = { S, l, seq, LQ_STORE_OK, 0 };
	enum lq_store_rc rc = lq_srv_anon_events_take(S->db, l->email, l->external_id, attach_one,
						      &x);

	*attached = x.attached;
	return rc != LQ_STORE_OK ? rc : x.rc;
}

/* A recycled or unreachable lead passed again: new, a new SLA cycle, the
 * owner kept (single point of contact for the lead's history). */
static enum lq_store_rc requalify(struct srv *S, struct lq_lead *l, lq_time mql_at, lq_time now,
				  int64_t *seq, bool *done)
{
	struct lq_change ch;
	char subject[64];
	enum lq_status from = l->status;

	*done = false;
	if (from != LQ_STATUS_RECYCLED && from != LQ_STATUS_UNREACHABLE)
		return LQ_STORE_OK;
	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_STATUS;
	ch.to = LQ_STATUS_NEW;
	ch.at = now;
	ch.by_marketing = true;
	if (lq_lead_apply(l, NULL, &ch, NULL) != LQ_LEAD_EOK)
		return LQ_STORE_OK;
	l->mql_at = mql_at != LQ_TIME_NONE ? mql_at : now;
	*done = true;
	snprintf(subject, sizeof subject, "%s \u2192 %s", lq_status_wire(from),
		 lq_status_wire(LQ_STATUS_NEW));
	return add_history(S, l, LQ_ACT_STATUS_CHANGE, "marketing", subject, "requalified", now,
			   seq);
}

void srv_intake_res_clear(struct srv_intake_res *r)
{
	srv_routed_clear(&r->routed);
}

enum lq_store_rc srv_intake_one(struct srv *S, const char *who, struct lq_lead *incoming,
				const char *owner_login, unsigned flags, lq_time now,
				struct srv_intake_res *res, int64_t *seq, char *err,
				size_t errsize)
{
	struct lq_lead lead;
	struct lq_user owner;
	enum lq_store_rc rc;
	char *before_text = NULL, *after_text = NULL;
	bool have_owner = false, moved = false, requalified = false;
	int64_t status_version = 1;
	lq_time incoming_mql = incoming->mql_at;

	memset(res, 0, sizeof *res);
	srv_routed_init(&res->routed);
	err[0] = '\0';
	lq_lead_init(&lead);
	lq_user_init(&owner);
	rc = lq_srv_begin(S->db);
	if (rc != LQ_STORE_OK)
		goto out;
	rc = lq_srv_lead_find(S->db, incoming->email, incoming->external_id, res->id);
	res->created = rc == LQ_STORE_NOTFOUND;
	if (rc != LQ_STORE_OK && !res->created)
		goto fail;
	if (owner_login && *owner_login) {
		rc = lq_srv_user_get(S->db, owner_login, true, &owner, NULL, NULL);
		if (rc == LQ_STORE_NOTFOUND) {
			snprintf(err, errsize, "owner: no user '%s'", owner_login);
			rc = LQ_STORE_INVALID;
		}
		if (rc != LQ_STORE_OK)
			goto fail;
		have_owner = true;
	}
	if (res->created) {
		lead = *incoming;
		lq_lead_init(incoming);
		if (!lead.id[0])
			lq_os_uuid(lead.id);
		memcpy(res->id, lead.id, LQ_UUID_SIZE);
		lead.status = LQ_STATUS_NEW;
		lead.reason[0] = '\0';
		lead.touches = 0;
		lead.first_touch_at = lead.last_touch_at = LQ_TIME_NONE;
		if (lead.mql_at == LQ_TIME_NONE)
			lead.mql_at = now;
		lead.version = 0;
		moved = true;
	} else {
		rc = lq_srv_lead_get(S->db, res->id, &lead, &status_version);
		if (rc != LQ_STORE_OK)
			goto fail;
		before_text = srv_lead_text(&lead);
		if (!before_text || !merge_lead(&lead, incoming))
			goto nomem;
		if (flags & SRV_INTAKE_PASS) {
			rc = requalify(S, &lead, incoming_mql, now, seq, &requalified);
			if (rc != LQ_STORE_OK)
				goto fail;
			moved = requalified;
		}
	}
	if (have_owner) {
		if (!lq_lead_set_str(&lead.owner_id, owner.id) ||
		    !lq_lead_set_str(&lead.team_id, owner.team_id))
			goto nomem;
		moved = true;
	} else if (res->created) {
		/* The routing rules choose (route.c); the choice goes in its history. */
		rc = srv_route_lead(S, &lead, &res->routed);
		if (rc != LQ_STORE_OK)
			goto fail;
		res->was_routed = true;
		if (!lq_lead_set_str(&lead.team_id, res->routed.team_id[0] ? res->routed.team_id
									    : NULL) ||
		    !lq_lead_set_str(&lead.owner_id, res->routed.has_owner ? res->routed.owner.id
									   : NULL))
			goto nomem;
		if (res->routed.has_owner) {
			/* Moved, not copied: the result needs only the login. */
			lq_user_clear(&owner);
			owner = res->routed.owner;
			lq_user_init(&res->routed.owner);
			have_owner = true;
		}
	}
	srv_lead_changed(S, &lead, moved, &status_version, now);
	after_text = srv_lead_text(&lead);
	if (!after_text)
		goto nomem;
	rc = lq_srv_lead_put_text(S->db, &lead, status_version, after_text);
	if (rc == LQ_STORE_OK)
		rc = srv_feed_lead(S, &lead, NULL, NULL, seq);
	if (rc == LQ_STORE_OK && res->was_routed)
		rc = add_history(S, &lead, LQ_ACT_ASSIGNMENT, "routing",
				 res->routed.rule[0] ? res->routed.rule : NULL,
				 lq_route_how_wire((enum lq_route_how)res->routed.how), now, seq);
	if (rc == LQ_STORE_OK)
		rc = attach_anon(S, &lead, seq, &res->attached);
	if (rc == LQ_STORE_OK && !(flags & SRV_INTAKE_NO_AUDIT))
		rc = lq_srv_audit_add(S->db, who, res->created ? "intake_create"
					: requalified ? "intake_requalify" : "intake_update",
				      "lead", lead.id, before_text, after_text, now);
	/* The new owner hears of it by mail too, when the server sends mail. */
	if (rc == LQ_STORE_OK && (res->created || requalified) && have_owner)
		rc = srv_mail_lead(S, owner.id, SRV_MAIL_NEW_LEAD, &lead, lead.sla_first_due);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_commit(S->db);
	if (rc != LQ_STORE_OK)
		goto fail;
	res->requalified = requalified;
	snprintf(res->owner_login, sizeof res->owner_login, "%s",
		 have_owner && owner.login ? owner.login : "");
	goto out;
nomem:
	rc = LQ_STORE_NOMEM;
fail:
	if (!err[0])
		snprintf(err, errsize, "%s", lq_srv_errmsg(S->db));
	lq_srv_rollback(S->db);
out:
	free(before_text);
	free(after_text);
	lq_lead_clear(&lead);
	lq_user_clear(&owner);
	return rc;
}

/* --- POST /leads ------------------------------------------------------------------------ */

/* The HTTP status of an intake failure. */
static int intake_status(enum lq_store_rc rc)
{
	return rc == LQ_STORE_INVALID ? 400 : srv_status_of(rc);
}

json_t *srv_intake_lead(struct srv *S, const char *key_name, const json_t *in, size_t index,
			lq_time now, int *status, int64_t *seq, char *err, size_t errsize)
{
	const char *owner_login = json_string_value(json_object_get(in, "owner"));
	struct lq_lead incoming;
	struct srv_intake_res res;
	json_t *copy, *out = NULL;
	enum lq_store_rc rc;
	char who[96], msg[200];

	*status = 200;
	if (!json_is_object(in)) {
		*status = 400;
		snprintf(err, errsize, "leads[%zu]: expected an object", index);
		return NULL;
	}
	/* Marketing need not make ids: one is made when absent. */
	copy = json_deep_copy(in);
	if (!copy) {
		*status = 503;
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (!json_object_get(copy, "id")) {
		char id[LQ_UUID_SIZE];

		lq_os_uuid(id);
		json_object_set_new(copy, "id", json_string(id));
	}
	json_object_del(copy, "owner");
	if (!lq_lead_from_json(copy, &incoming, msg, sizeof msg)) {
		json_decref(copy);
		*status = 400;
		snprintf(err, errsize, "leads[%zu]: %s", index, msg);
		return NULL;
	}
	json_decref(copy);
	snprintf(who, sizeof who, "key:%s", key_name);
	rc = srv_intake_one(S, who, &incoming, owner_login, SRV_INTAKE_PASS, now, &res, seq, msg,
			    sizeof msg);
	lq_lead_clear(&incoming);
	if (rc != LQ_STORE_OK) {
		*status = intake_status(rc);
		if (rc == LQ_STORE_INVALID)
			snprintf(err, errsize, "leads[%zu].%s", index, msg);
		else
			snprintf(err, errsize, "%s", msg);
		srv_intake_res_clear(&res);
		return NULL;
	}
	out = json_pack("{s:s, s:s, s:o}", "id", res.id, "result",
			res.created ? "created" : res.requalified ? "requalified" : "updated",
			"owner", res.owner_login[0] ? json_string(res.owner_login) : json_null());
	if (out && res.was_routed &&
	    json_object_set_new(out, "routing", json_pack("{s:o, s:s}", "rule",
			res.routed.rule[0] ? json_string(res.routed.rule) : json_null(), "how",
			lq_route_how_wire((enum lq_route_how)res.routed.how))) != 0) {
		json_decref(out);
		out = NULL;
	}
	if (out && res.attached > 0)
		json_object_set_new(out, "events_attached", json_integer(res.attached));
	srv_intake_res_clear(&res);
	if (!out)
		*status = 503;
	return out;
}

/* --- POST /events ---------------------------------------------------------------------- */

/* The end of a request's one transaction, under db_lock (released here):
 * committed and the feed's waiters woken, or rolled back with the error
 * answer set (false).  A failed batch is sent again whole by its sender. */
static bool request_done(struct srv *S, struct srv_resp *r, enum lq_store_rc rc, int64_t seq)
{
	int status;

	if (rc == LQ_STORE_OK)
		rc = lq_srv_commit(S->db);
	if (rc != LQ_STORE_OK) {
		status = srv_status_of(rc);
		srv_error(r, status, status == 503 ? "unavailable" : "internal", "%s",
			  lq_srv_errmsg(S->db));
		lq_srv_rollback(S->db);
		r->retry_after = 1;
	}
	pthread_mutex_unlock(&S->db_lock);
	if (rc == LQ_STORE_OK && seq > 0)
		srv_feed_grew(S, seq);
	return rc == LQ_STORE_OK;
}

/* The event as kept for a lead yet to come: as sent, with its id. */
static char *anon_text(const json_t *item, const char *id)
{
	json_t *copy = json_deep_copy(item);
	char *text = NULL;

	if (copy && json_object_set_new(copy, "id", json_string(id)) == 0)
		text = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return text;
}

void srv_api_events(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	struct lq_event_in *ev = NULL;
	size_t n = 0, i;
	char err[300];
	json_t *body = NULL, *items, *results = NULL;
	enum lq_store_rc rc = LQ_STORE_OK;
	lq_time now = lq_os_now();
	int64_t seq = 0;
	long attached = 0, kept = 0, duplicate = 0;

	if (!lq_events_from_text(q->body, q->body_len, &ev, &n, err, sizeof err)) {
		srv_error(r, strstr(err, "out of memory") ? 503 : 400,
			  strstr(err, "out of memory") ? "unavailable" : "bad_request", "%s", err);
		return;
	}
	/* The decoder checked the whole body; the tree gives each event's JSON
	 * to keep for a lead yet to come. */
	body = json_loadb(q->body, q->body_len, 0, NULL);
	items = json_object_get(body, "events");
	results = json_array();
	if (!body || !results) {
		srv_error(r, 503, "unavailable", "out of memory");
		goto out;
	}
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_begin(S->db);
	for (i = 0; i < n && rc == LQ_STORE_OK; i++) {
		struct lq_lead lead;
		char id[LQ_UUID_SIZE];
		const char *result;
		bool stored = false;

		lq_lead_init(&lead);
		if (!ev[i].has_id)
			lq_os_uuid_ordered(ev[i].act.id);
		rc = lq_srv_lead_find(S->db, ev[i].email, ev[i].external_id, id);
		if (rc == LQ_STORE_OK)
			rc = lq_srv_lead_get(S->db, id, &lead, NULL);
		if (rc == LQ_STORE_OK) {
			rc = put_event(S, &lead, &ev[i].act, &stored, &seq);
			result = stored ? "attached" : "duplicate";
			attached += stored;
			duplicate += !stored;
		} else if (rc == LQ_STORE_NOTFOUND) {
			char *text = anon_text(json_array_get(items, i), ev[i].act.id);

			id[0] = '\0';
			rc = text ? lq_srv_anon_event_put(S->db, ev[i].act.id, ev[i].email,
							  ev[i].external_id, ev[i].act.at, text)
				  : LQ_STORE_NOMEM;
			free(text);
			result = "kept";
			kept++;
		} else {
			result = NULL;
		}
		lq_lead_clear(&lead);
		if (rc == LQ_STORE_OK &&
		    json_array_append_new(results, json_pack("{s:s, s:s, s:o}", "id", ev[i].act.id,
				"result", result, "lead", id[0] ? json_string(id) : json_null())) != 0)
			rc = LQ_STORE_NOMEM;
	}
	if (rc == LQ_STORE_OK)
		rc = lq_srv_audit_add(S->db, q->key_name, "events", NULL, NULL, NULL, NULL, now);
	if (!request_done(S, r, rc, seq))
		goto out;
	r->status = 200;
	r->body = json_pack("{s:I, s:I, s:I, s:O}", "attached", (json_int_t)attached, "kept",
			    (json_int_t)kept, "duplicate", (json_int_t)duplicate, "results", results);
	if (!r->body)
		srv_error(r, 503, "unavailable", "out of memory");
out:
	json_decref(results);
	json_decref(body);
	lq_events_free(&ev, n);
}

/* --- POST /hooks/mautic ------------------------------------------------------------------ */

struct mautic_counts {
	long created, updated, requalified, ignored, marked, deleted;
};

/* A field change of Mautic's on an existing lead (do-not-contact, a
 * deletion): the lead, a history note, the feed and the audit. */
static enum lq_store_rc mautic_mark(struct srv *S, const struct lq_mautic_item *it, lq_time now,
				    int64_t *seq, bool *found)
{
	struct lq_lead lead;
	char id[LQ_UUID_SIZE], note[96];
	char *before = NULL, *after = NULL;
	int64_t status_version = 1;
	enum lq_store_rc rc;

	*found = false;
	lq_lead_init(&lead);
	rc = lq_srv_lead_find(S->db, it->lead.email, it->lead.external_id, id);
	if (rc == LQ_STORE_NOTFOUND)
		return LQ_STORE_OK;
	if (rc == LQ_STORE_OK)
		rc = lq_srv_lead_get_text(S->db, id, &lead, &status_version, &before);
	if (rc != LQ_STORE_OK)
		goto out;
	*found = true;
	if (it->kind == LQ_MAUTIC_DNC) {
		lead.do_not_contact = it->dnc;
		snprintf(note, sizeof note, "Mautic: %s%s%s%s",
			 it->dnc ? "do not contact" : "contactable again",
			 it->channel[0] ? " (" : "", it->channel, it->channel[0] ? ")" : "");
		srv_lead_changed(S, &lead, false, &status_version, now);
		after = srv_lead_text(&lead);
		rc = after ? lq_srv_lead_put_text(S->db, &lead, status_version, after)
			   : LQ_STORE_NOMEM;
		if (rc == LQ_STORE_OK)
			rc = srv_feed_lead(S, &lead, NULL, NULL, seq);
	} else {
		/* Sales keeps the lead and its history; marketing's copy is gone. */
		snprintf(note, sizeof note, "Mautic: contact deleted");
	}
	if (rc == LQ_STORE_OK)
		rc = add_history(S, &lead, LQ_ACT_NOTE, "marketing", NULL, note, now, seq);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_audit_add(S->db, "mautic", it->kind == LQ_MAUTIC_DNC ? "mautic_dnc"
				      : "mautic_delete", "lead", lead.id, before, after, now);
out:
	free(before);
	free(after);
	lq_lead_clear(&lead);
	return rc;
}

static enum lq_store_rc mautic_item(struct srv *S, struct lq_mautic_item *it, lq_time now,
				    int64_t *seq, struct mautic_counts *c)
{
	int threshold = S->mautic_mql_points;
	struct srv_intake_res res;
	char id[LQ_UUID_SIZE], err[200];
	enum lq_store_rc rc;
	unsigned flags = 0;
	bool found = false, passes;

	if (it->kind == LQ_MAUTIC_DNC || it->kind == LQ_MAUTIC_DELETE) {
		rc = mautic_mark(S, it, now, seq, &found);
		if (found)
			*(it->kind == LQ_MAUTIC_DNC ? &c->marked : &c->deleted) += 1;
		else
			c->ignored++;
		return rc;
	}
	if (it->kind == LQ_MAUTIC_POINTS)
		it->lead.score = it->new_points;
	rc = lq_srv_lead_find(S->db, it->lead.email, it->lead.external_id, id);
	if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND)
		return rc;
	found = rc == LQ_STORE_OK;
	passes = threshold == 0 || it->lead.score >= threshold;
	/* A new lead needs a person to call and enough points; points that
	 * cross the threshold pass a recycled lead again. */
	if (!found && (!passes || ((!it->lead.email || !*it->lead.email) &&
				   (!it->lead.name || !*it->lead.name)))) {
		c->ignored++;
		return LQ_STORE_OK;
	}
	if (found && threshold > 0 && it->kind == LQ_MAUTIC_POINTS &&
	    it->old_points < threshold && it->new_points >= threshold)
		flags |= SRV_INTAKE_PASS;
	rc = srv_intake_one(S, "mautic", &it->lead, NULL, flags, now, &res, seq, err, sizeof err);
	if (rc == LQ_STORE_OK)
		*(res.created ? &c->created : res.requalified ? &c->requalified : &c->updated) += 1;
	srv_intake_res_clear(&res);
	return rc;
}

void srv_api_mautic(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	const char *sig = srv_header(q, "Webhook-Signature");
	struct lq_mautic_item *items = NULL;
	struct mautic_counts c = {0};
	size_t n = 0, skipped = 0, i;
	enum lq_store_rc rc;
	lq_time now = lq_os_now();
	int64_t seq = 0;
	char err[300];

	if (!S->mautic_secret) {
		srv_error(r, 403, "forbidden", "Mautic's webhooks are not enabled on this server "
			  "(mautic_secret)");
		return;
	}
	if (!lq_hmac_verify_base64(S->mautic_secret, q->body, q->body_len, sig)) {
		srv_error(r, 401, "unauthorized", sig ? "Webhook-Signature: does not match the body"
			  : "Webhook-Signature: missing");
		return;
	}
	if (!lq_mautic_from_text(q->body, q->body_len, &items, &n, &skipped, err, sizeof err)) {
		bool nomem = strstr(err, "out of memory") != NULL;

		srv_error(r, nomem ? 503 : 400, nomem ? "unavailable" : "bad_request", "%s", err);
		return;
	}
	/* One transaction: Mautic retries a failed POST whole. */
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_begin(S->db);
	for (i = 0; i < n && rc == LQ_STORE_OK; i++)
		rc = mautic_item(S, &items[i], now, &seq, &c);
	if (!request_done(S, r, rc, seq))
		goto out;
	r->status = 200;
	r->body = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "created", (json_int_t)c.created,
			    "updated", (json_int_t)c.updated, "requalified",
			    (json_int_t)c.requalified, "do_not_contact", (json_int_t)c.marked,
			    "deleted", (json_int_t)c.deleted, "ignored", (json_int_t)c.ignored,
			    "skipped", (json_int_t)skipped);
	if (!r->body)
		srv_error(r, 503, "unavailable", "out of memory");
out:
	lq_mautic_free(&items, n);
}
