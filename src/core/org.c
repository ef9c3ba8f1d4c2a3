/* leadq — users and teams. */
#include "config.h"

#include <string.h>

#include "leadq/mem.h"
#include "leadq/org.h"

static const char *const role_wire[] = {
#define X(id, wire, label) wire,
	LQ_ROLE_LIST(X)
#undef X
};
static const char *const role_label[] = {
#define X(id, wire, label) label,
	LQ_ROLE_LIST(X)
#undef X
};

const char *lq_role_wire(enum lq_role r)
{
	return (int)r >= 0 && r < LQ_ROLE_COUNT ? role_wire[r] : NULL;
}

const char *lq_role_label(enum lq_role r)
{
	return (int)r >= 0 && r < LQ_ROLE_COUNT ? role_label[r] : NULL;
}

int lq_role_parse(const char *wire)
{
	int i;

	if (!wire)
		return -1;
	for (i = 0; i < LQ_ROLE_COUNT; i++) {
		if (strcmp(role_wire[i], wire) == 0)
			return i;
	}
	return -1;
}

void lq_user_init(struct lq_user *u)
{
	memset(u, 0, sizeof *u);
	u->role = LQ_ROLE_REP;
	u->active = true;
}

void lq_user_clear(struct lq_user *u)
{
	lq_free(u->login);
	lq_free(u->name);
	lq_free(u->email);
	lq_free(u->tz);
	lq_free(u->team_id);
	lq_user_init(u);
}

void lq_team_init(struct lq_team *t)
{
	memset(t, 0, sizeof *t);
	lq_sla_policy_default(&t->policy);
}

void lq_team_clear(struct lq_team *t)
{
	lq_free(t->name);
	lq_free(t->tz);
	lq_free(t->hours);
	lq_free(t->holidays);
	lq_team_init(t);
}
