/* leadq — users and teams (DESIGN §8). */
#ifndef LEADQ_ORG_H
#define LEADQ_ORG_H

#include <stdbool.h>

#include "leadq/i18n.h"
#include "leadq/sla.h"
#include "leadq/uuid.h"

#define LQ_ROLE_LIST(X) \
	X(REP,      "rep",      N_("sales rep"))  \
	X(LEAD,     "lead",     N_("team lead"))  \
	X(TELEQUAL, "telequal", N_("telequalification")) \
	X(ADMIN,    "admin",    N_("administrator"))

enum lq_role {
#define X(id, wire, label) LQ_ROLE_##id,
	LQ_ROLE_LIST(X)
#undef X
	LQ_ROLE_COUNT
};
/* Out-of-range values give NULL; parse gives -1 when unknown or NULL. */
const char *lq_role_wire(enum lq_role r);
const char *lq_role_label(enum lq_role r);
int lq_role_parse(const char *wire);

struct lq_user {
	char id[LQ_UUID_SIZE];
	char *login, *name, *email, *tz;
	char *team_id;            /* NULL when in no team */
	enum lq_role role;
	int capacity;             /* open leads a rep can carry */
	bool active;
};
/* Zero, role rep, active; clear frees the strings and re-inits. */
void lq_user_init(struct lq_user *u);
void lq_user_clear(struct lq_user *u);

struct lq_team {
	char id[LQ_UUID_SIZE];
	char *name;
	char *tz;                 /* IANA zone of the business calendar */
	char *hours;              /* lq_calendar_parse_hours() spec */
	char *holidays;           /* lq_calendar_parse_holidays() spec */
	struct lq_sla_policy policy;
	char dispatcher_id[LQ_UUID_SIZE]; /* single point of contact; "" when none:
					     may hand the team's leads out */
};
/* Zero with the default SLA policy; clear frees the strings and re-inits. */
void lq_team_init(struct lq_team *t);
void lq_team_clear(struct lq_team *t);

#endif
