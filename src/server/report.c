/* leadq — leadqd: the funnel report (DESIGN §1, §7; issue 6).
 *
 * GET /reports/funnel and `leadqd report funnel` read the leads passed to
 * sales in the period (their mql_at) that the caller sees, and hand each to
 * the core's funnel maths (leadq/funnel.h) under its breakdown's value:
 * source, campaign, the owner's name, the team's name, or the score band.
 * The figures are of the leads' state now (a lead qualified last week and
 * won today counts as won). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "server/server.h"

#define NAMES_MAX 4096   /* owners or teams named in one report */

/* Names of users or teams by id, looked up once each. */
struct names {
	struct {
		char id[LQ_UUID_SIZE];
		char *name;
	} v[NAMES_MAX];
	size_t n;
};

struct report_ctx {
	struct srv *S;
	struct lq_funnel *f;
	lq_time now;
	struct names *names;
	enum lq_store_rc rc;
};

static const char *name_of(struct report_ctx *x, const char *id, bool team)
{
	struct names *nm = x->names;
	char *name = NULL;
	size_t i;

	if (!id || !*id)
		return NULL;
	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i].id, id) == 0)
			return nm->v[i].name;
	if (team) {
		struct lq_team t;

		lq_team_init(&t);
		if (lq_srv_team_get(x->S->db, id, false, &t, NULL) == LQ_STORE_OK && t.name)
			name = lq_strdup(t.name);
		lq_team_clear(&t);
	} else {
		struct lq_user u;

		lq_user_init(&u);
		if (lq_srv_user_get(x->S->db, id, false, &u, NULL, NULL) == LQ_STORE_OK)
			name = lq_strdup(u.name && *u.name ? u.name : u.login);
		lq_user_clear(&u);
	}
	if (nm->n < NAMES_MAX) {
		snprintf(nm->v[nm->n].id, LQ_UUID_SIZE, "%s", id);
		nm->v[nm->n].name = name;   /* NULL too: asked once */
		nm->n++;
	} else {
		lq_free(name);   /* more than fit: unnamed */
		name = NULL;
	}
	return name;
}

static int add_lead(void *ctx, const char *text)
{
	struct report_ctx *x = ctx;
	struct lq_lead l;
	struct lq_funnel_lead fl;
	char band[16], err[160];

	if (!lq_lead_from_text(text, strlen(text), &l, err, sizeof err)) {
		x->rc = LQ_STORE_ERROR;
		return 1;
	}
	memset(&fl, 0, sizeof fl);
	switch (x->f->by) {
	case LQ_FUNNEL_BY_SOURCE:
		fl.group = l.source;
		break;
	case LQ_FUNNEL_BY_CAMPAIGN:
		fl.group = l.campaign;
		break;
	case LQ_FUNNEL_BY_REP:
		fl.group = name_of(x, l.owner_id, false);
		break;
	case LQ_FUNNEL_BY_TEAM:
		fl.group = name_of(x, l.team_id, true);
		break;
	default:
		lq_score_band(l.score, band, sizeof band);
		fl.group = band;
		break;
	}
	fl.status = l.status;
	fl.reason = l.reason;
	fl.mql_at = l.mql_at;
	fl.first_touch_at = l.first_touch_at;
	fl.sla_first_due = l.sla_first_due;
	fl.amount = l.amount;
	if (!lq_funnel_add(x->f, &fl, x->now))
		x->rc = LQ_STORE_NOMEM;
	lq_lead_clear(&l);
	return x->rc != LQ_STORE_OK;
}

enum lq_store_rc srv_report_funnel(struct srv *S, const struct lq_srv_scope *scope,
				   enum lq_funnel_by by, lq_time from, lq_time to, lq_time now,
				   struct lq_funnel *out)
{
	struct names *names = calloc(1, sizeof *names);
	struct report_ctx x = { S, out, now, names, LQ_STORE_OK };
	const char *owner = NULL, *team = NULL;
	enum lq_store_rc rc;

	lq_funnel_init(out, by, from, to);
	if (!names)
		return LQ_STORE_NOMEM;
	if (scope && scope->role == LQ_ROLE_REP)
		owner = scope->user_id;
	else if (scope && scope->role != LQ_ROLE_ADMIN)
		team = scope->team_id ? scope->team_id : "";
	rc = lq_srv_leads_passed(S->db, from, to, owner, team, add_lead, &x);
	if (rc == LQ_STORE_OK)
		rc = x.rc;
	if (rc == LQ_STORE_OK && !lq_funnel_finish(out))
		rc = LQ_STORE_NOMEM;
	for (size_t i = 0; i < names->n; i++)
		lq_free(names->v[i].name);
	free(names);
	return rc;
}

void srv_api_report_funnel(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	const char *by_text = srv_query(q, "by"), *from_text = srv_query(q, "from");
	const char *to_text = srv_query(q, "to");
	const struct srv_caller *c = &q->caller;
	lq_time from = LQ_TIME_NONE, to = LQ_TIME_NONE;
	struct lq_funnel f;
	enum lq_store_rc rc;
	int by = by_text ? lq_funnel_by_parse(by_text) : LQ_FUNNEL_BY_SOURCE;

	if (by < 0) {
		srv_error(r, 400, "bad_request",
			  "by: expected source, campaign, rep, team or score_band");
		return;
	}
	if ((from_text && !lq_time_parse(from_text, &from)) ||
	    (to_text && !lq_time_parse(to_text, &to))) {
		srv_error(r, 400, "bad_request", "%s: expected an RFC 3339 time",
			  from_text && !lq_time_parse(from_text, &from) ? "from" : "to");
		return;
	}
	if (from != LQ_TIME_NONE && to != LQ_TIME_NONE && to <= from) {
		srv_error(r, 400, "bad_request", "to: must be after from");
		return;
	}
	/* Agents book for reps; the funnel is sales' and marketing's. */
	if (c->user.role == LQ_ROLE_TELEQUAL) {
		srv_error(r, 403, "forbidden", "reports are for reps, team leads and admins");
		return;
	}
	pthread_mutex_lock(&S->db_lock);
	rc = srv_report_funnel(S, &c->scope, (enum lq_funnel_by)by, from, to, lq_os_now(), &f);
	pthread_mutex_unlock(&S->db_lock);
	if (rc != LQ_STORE_OK) {
		lq_funnel_free(&f);
		srv_error(r, srv_status_of(rc), srv_status_of(rc) == 503 ? "unavailable" : "internal",
			  "the report could not be made");
		r->retry_after = srv_status_of(rc) == 503 ? 1 : 0;
		return;
	}
	r->body = lq_funnel_to_json(&f);
	lq_funnel_free(&f);
	if (!r->body) {
		srv_error(r, 503, "unavailable", "out of memory");
		r->retry_after = 1;
		return;
	}
	r->status = 200;
}
