/* leadq — leadqd: routing a new lead (include/leadq/rules.h).
 *
 * The rules in force are the newest imported file, parsed again whenever
 * its seq changes (imports run in another process: `leadqd rules import`).
 * A rule names a user, or a team whose mode chooses: direct (the team
 * lead), round-robin weighted by capacity, or single point of contact (the
 * dispatcher).  No rule, or nobody to take it: the team lead of the first
 * team, as before routing existed.  Call everything here under db_lock,
 * inside the intake's transaction. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "leadq/mem.h"
#include "leadq/rules.h"
#include "server/server.h"

void srv_routed_init(struct srv_routed *r)
{
	memset(r, 0, sizeof *r);
	lq_user_init(&r->owner);
	r->how = LQ_HOW_NO_RULE;
}

void srv_routed_clear(struct srv_routed *r)
{
	lq_user_clear(&r->owner);
	srv_routed_init(r);
}

/* The rules in force, parsed; NULL when none were imported. */
static const struct lq_route_rules *rules_in_force(struct srv *S, enum lq_store_rc *rc)
{
	int64_t seq = 0;
	char *text = NULL, err[200];
	struct lq_route_rules fresh;

	/* Every routed lead asks which rules are in force; the file is read
	 * and parsed again only when an import made new ones. */
	*rc = lq_srv_rules_get(S->db, &seq, NULL);
	if (*rc == LQ_STORE_NOTFOUND) {
		*rc = LQ_STORE_OK;
		return NULL;
	}
	if (*rc != LQ_STORE_OK)
		return NULL;
	if (seq == S->rules_seq)
		return &S->rules;
	*rc = lq_srv_rules_get(S->db, &seq, &text);
	if (*rc != LQ_STORE_OK)
		return NULL;
	/* Checked at import: a file that no longer parses routes nothing. */
	if (!lq_route_rules_parse(text, strlen(text), &fresh, err, sizeof err))
		fprintf(stderr, "leadqd: routing rules #%lld: %s\n", (long long)seq, err);
	lq_route_rules_clear(&S->rules);
	S->rules = fresh;
	S->rules_seq = seq;
	lq_free(text);
	return &S->rules;
}

/* A team's reps as lq_route_pick_rep() wants them. */
struct reps {
	struct lq_route_rep *rep;
	char (*id)[LQ_UUID_SIZE];
	char **login;
	size_t n, cap;
	bool nomem;
};

static bool reps_grow(struct reps *r)
{
	size_t cap = r->cap ? r->cap * 2 : 16;
	struct lq_route_rep *rep = lq_realloc(r->rep, cap * sizeof *rep);
	char (*id)[LQ_UUID_SIZE];
	char **login;

	if (!rep)
		return false;
	r->rep = rep;
	id = lq_realloc(r->id, cap * sizeof *id);
	if (!id)
		return false;
	r->id = id;
	login = lq_realloc(r->login, cap * sizeof *login);
	if (!login)
		return false;
	r->login = login;
	r->cap = cap;
	return true;
}

static int reps_add(void *ctx, const struct lq_user *u, int open, int64_t last_routed)
{
	struct reps *r = ctx;

	if (r->n == r->cap && !reps_grow(r)) {
		r->nomem = true;
		return 1;
	}
	r->login[r->n] = lq_strdup(u->login ? u->login : "");
	if (!r->login[r->n]) {
		r->nomem = true;
		return 1;
	}
	memcpy(r->id[r->n], u->id, LQ_UUID_SIZE);
	r->rep[r->n] = (struct lq_route_rep){ .active = u->active, .capacity = u->capacity,
					      .open = open, .last_assigned = last_routed };
	r->n++;
	return 0;
}

static void reps_free(struct reps *r)
{
	for (size_t i = 0; i < r->n; i++)
		lq_free(r->login[i]);
	lq_free(r->login);
	lq_free(r->id);
	lq_free(r->rep);
}

enum lq_store_rc srv_pick_rep(struct srv *S, const char *team_id, const char *exclude_id,
			      bool dry_run, struct lq_user *owner, bool *found)
{
	struct reps r = {0};
	enum lq_store_rc rc = lq_srv_team_reps(S->db, team_id, reps_add, &r);
	int i;

	*found = false;
	if (rc == LQ_STORE_OK && r.nomem)
		rc = LQ_STORE_NOMEM;
	if (rc == LQ_STORE_OK) {
		/* The arrays are complete: their addresses hold from here on. */
		for (size_t k = 0; k < r.n; k++) {
			r.rep[k].id = r.id[k];
			r.rep[k].login = r.login[k];
			if (exclude_id && strcmp(r.id[k], exclude_id) == 0)
				r.rep[k].active = false;   /* not a candidate */
		}
		i = lq_route_pick_rep(r.rep, r.n);
		if (i >= 0)
			rc = lq_srv_user_get(S->db, r.id[i], false, owner, NULL, NULL);
		if (i >= 0 && rc == LQ_STORE_OK) {
			*found = true;
			if (!dry_run)
				rc = lq_srv_user_routed(S->db, owner->id);
		}
	}
	reps_free(&r);
	return rc;
}

/* The owner a team's mode gives; out->how says which way. */
static enum lq_store_rc route_in_team(struct srv *S, const struct lq_team *team,
				      struct srv_routed *out)
{
	struct lq_srv_team_rules tr;
	enum lq_store_rc rc = lq_srv_team_rules_get(S->db, team->id, &tr);
	bool found = false;

	if (rc != LQ_STORE_OK)
		return rc;
	memcpy(out->team_id, team->id, LQ_UUID_SIZE);
	if (tr.routing == LQ_ROUTE_ROUND_ROBIN) {
		rc = srv_pick_rep(S, team->id, NULL, false, &out->owner, &found);
		out->how = found ? LQ_HOW_ROUND_ROBIN : LQ_HOW_NO_ROOM;
		out->has_owner = found;
		return rc;
	}
	if (tr.routing == LQ_ROUTE_TELEQUAL) {
		/* The team's pool: no owner until an agent books it for a rep. */
		out->how = LQ_HOW_TELEQUAL;
		out->has_owner = false;
		return LQ_STORE_OK;
	}
	if (tr.routing == LQ_ROUTE_SINGLE_CONTACT && tr.dispatcher_id[0]) {
		rc = lq_srv_user_get(S->db, tr.dispatcher_id, false, &out->owner, NULL, NULL);
		if (rc == LQ_STORE_OK && out->owner.active) {
			out->how = LQ_HOW_SINGLE_CONTACT;
			out->has_owner = true;
			return LQ_STORE_OK;
		}
		lq_user_clear(&out->owner);
		if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND)
			return rc;
	}
	/* Direct, or a dispatcher gone: the team lead hands it out. */
	rc = lq_srv_team_lead(S->db, team->id, &out->owner);
	out->how = LQ_HOW_DIRECT;
	out->has_owner = rc == LQ_STORE_OK;
	return rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
}

/* No rule: the team lead of the lead's team, or of the first team. */
static enum lq_store_rc route_default(struct srv *S, const struct lq_lead *l,
				      struct srv_routed *out)
{
	struct lq_team team;
	enum lq_store_rc rc = LQ_STORE_NOTFOUND;

	lq_team_init(&team);
	if (l->team_id)
		rc = lq_srv_team_get(S->db, l->team_id, false, &team, NULL);
	if (rc == LQ_STORE_NOTFOUND)
		rc = lq_srv_team_first(S->db, &team);
	if (rc == LQ_STORE_OK) {
		memcpy(out->team_id, team.id, LQ_UUID_SIZE);
		rc = lq_srv_team_lead(S->db, team.id, &out->owner);
		out->has_owner = rc == LQ_STORE_OK;
	}
	lq_team_clear(&team);
	out->how = LQ_HOW_NO_RULE;
	return rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
}

enum lq_store_rc srv_route_lead(struct srv *S, const struct lq_lead *l, struct srv_routed *out)
{
	const struct lq_route_rules *rules;
	const struct lq_route_rule *rule;
	struct lq_team team;
	enum lq_store_rc rc;
	int i;

	srv_routed_init(out);
	rules = rules_in_force(S, &rc);
	if (rc != LQ_STORE_OK)
		return rc;
	i = rules ? lq_route_match(rules, l) : -1;
	if (i < 0)
		return route_default(S, l, out);
	rule = &rules->rule[i];
	snprintf(out->rule, sizeof out->rule, "%s", rule->name);
	if (rule->to_kind == LQ_ROUTE_TO_USER) {
		rc = lq_srv_user_get(S->db, rule->to, true, &out->owner, NULL, NULL);
		if (rc == LQ_STORE_OK && out->owner.active) {
			out->how = LQ_HOW_RULE_USER;
			out->has_owner = true;
			if (out->owner.team_id)
				snprintf(out->team_id, sizeof out->team_id, "%s", out->owner.team_id);
			return LQ_STORE_OK;
		}
		if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND)
			return rc;
		/* Disabled since the import: the user's team decides. */
		lq_team_init(&team);
		rc = out->owner.team_id
			? lq_srv_team_get(S->db, out->owner.team_id, false, &team, NULL)
			: LQ_STORE_NOTFOUND;
		lq_user_clear(&out->owner);
	} else {
		lq_team_init(&team);
		rc = lq_srv_team_get(S->db, rule->to, true, &team, NULL);
	}
	if (rc == LQ_STORE_OK)
		rc = route_in_team(S, &team, out);
	lq_team_clear(&team);
	if (rc == LQ_STORE_NOTFOUND)
		return route_default(S, l, out);
	return rc;
}
