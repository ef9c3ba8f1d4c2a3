/* leadq — routing rules and team policies (DESIGN §3, §8): the two files
 * marketing and sales operations edit (`leadqd rules import FILE`, `leadqd
 * policy import FILE`), and the choice of a new lead's owner.  Pure: no
 * I/O, no clock; the server stores and applies what this module reads.
 *
 * Both files are UTF-8 text in one format (share/doc/rules.md, examples in
 * share/examples/): sections "[kind NAME]", then "key = value" lines;
 * values are comma-separated lists where a key takes several; '#' starts a
 * comment anywhere outside a value's text (a value may not hold '#');
 * blank lines are ignored; whitespace around names, keys and values is
 * trimmed.  A bad file is refused whole: the reason names the line and the
 * key ("line 12: employees: expected a range such as 50-499").
 *
 * Rules file:
 *   [rule ES-Centro]                      a rule; the first that matches wins
 *   country   = ES, PT                    ISO 3166 codes (any case)
 *   region    = Madrid, Castilla-La Mancha
 *   postal    = 28, 45                    postal code prefixes
 *   industry  = software, retail
 *   employees = 50-499                    also "1000-" (at least), "-49" (at most)
 *   source    = web_form, webinar
 *   to        = team Iberia Centro        or: to = user lucia
 * A rule needs "to"; the other keys are conditions, all of which must hold
 * (a list holds when any of its values does); a rule without conditions
 * matches every lead.  Text conditions compare lq_fold()ed (accent- and
 * case-blind: "Castilla y Leon" matches "Castilla y León"); a lead without
 * the field (NULL or empty, employees 0) does not match a condition on it.
 * Names of rules are unique (folded).
 *
 * Policy file:
 *   [team Iberia Centro]                  an existing team, by name
 *   tz            = Europe/Madrid         IANA zone of the business calendar
 *   hours         = mon-fri 09:00-14:00,15:00-18:00   (lq_calendar_parse_hours)
 *   holidays      = 2026-01-01, 2026-01-06            (lq_calendar_parse_holidays)
 *   routing       = round_robin           direct | round_robin | single_contact
 *   dispatcher    = marta                 a login; required by single_contact
 *   first_contact = 120                   business minutes
 *   touches       = 6                     touches required ...
 *   touch_window  = 10                    ... within so many business days
 *   at_risk       = 25                    percent of the window left
 *   on_breach     = notify                notify | reassign (first contact)
 *   on_expiry     = unreachable           recycle | unreachable
 * Every key is optional: what a section leaves out stays as it is. */
#ifndef LEADQ_RULES_H
#define LEADQ_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leadq/i18n.h"
#include "leadq/lead.h"

/* --- routing modes and SLA actions (wire names in the files and the API) --- */

#define LQ_ROUTE_MODE_LIST(X) \
	X(DIRECT,         "direct")         \
	X(ROUND_ROBIN,    "round_robin")    \
	X(SINGLE_CONTACT, "single_contact") \
	X(TELEQUAL,       "telequal")

enum lq_route_mode {
#define X(id, wire) LQ_ROUTE_##id,
	LQ_ROUTE_MODE_LIST(X)
#undef X
	LQ_ROUTE_MODE_COUNT
};

/* Labels: how the lead's history says what the SLA sweep did. */
#define LQ_BREACH_ACTION_LIST(X) \
	X(NOTIFY,   "notify",   N_("team lead notified")) \
	X(REASSIGN, "reassign", N_("reassigned"))

enum lq_breach_action {
#define X(id, wire, label) LQ_BREACH_##id,
	LQ_BREACH_ACTION_LIST(X)
#undef X
	LQ_BREACH_ACTION_COUNT
};

#define LQ_EXPIRY_ACTION_LIST(X) \
	X(RECYCLE,     "recycle",     N_("back to marketing")) \
	X(UNREACHABLE, "unreachable", N_("marked unreachable"))

enum lq_expiry_action {
#define X(id, wire, label) LQ_EXPIRY_##id,
	LQ_EXPIRY_ACTION_LIST(X)
#undef X
	LQ_EXPIRY_ACTION_COUNT
};

/* Out-of-range values give NULL; parse gives -1 when unknown or NULL. */
const char *lq_route_mode_wire(enum lq_route_mode m);
int lq_route_mode_parse(const char *wire);
const char *lq_breach_action_wire(enum lq_breach_action a);
const char *lq_breach_action_label(enum lq_breach_action a);   /* untranslated (N_) */
int lq_breach_action_parse(const char *wire);
const char *lq_expiry_action_wire(enum lq_expiry_action a);
const char *lq_expiry_action_label(enum lq_expiry_action a);   /* untranslated (N_) */
int lq_expiry_action_parse(const char *wire);

/* --- routing rules ---------------------------------------------------------- */

struct lq_strlist {
	char **v;                /* lq_fold()ed values (postal: as written, trimmed) */
	size_t n;
};

enum lq_route_target { LQ_ROUTE_TO_TEAM, LQ_ROUTE_TO_USER };

struct lq_route_rule {
	char *name;              /* as written */
	int line;                /* of its "[rule NAME]" */
	struct lq_strlist country, region, postal, industry, source;   /* n == 0: any */
	int employees_min;       /* -1: no lower bound */
	int employees_max;       /* -1: no upper bound */
	enum lq_route_target to_kind;
	char *to;                /* the team's name or the user's login, as written */
};

struct lq_route_rules {
	struct lq_route_rule *rule;
	size_t n;
};

/* Parses a rules file of len bytes into out (which is init'ed first; on
 * error it is left empty).  False with the reason in err. */
bool lq_route_rules_parse(const char *text, size_t len, struct lq_route_rules *out,
			  char *err, size_t errsize);
void lq_route_rules_clear(struct lq_route_rules *rs);

/* The index of the first rule that matches the lead, -1 when none does. */
int lq_route_match(const struct lq_route_rules *rs, const struct lq_lead *l);

/* --- choosing a rep in a team ------------------------------------------------ */

/* A team's rep as the server sees them when a lead arrives. */
struct lq_route_rep {
	const char *id;
	const char *login;
	bool active;
	int capacity;            /* open leads the rep can carry; 0: takes none */
	int open;                /* open leads now */
	int64_t last_assigned;   /* when the rep last received a routed lead
				  * (any increasing number; 0: never) */
};

/* Round-robin weighted by capacity: among the active reps with open <
 * capacity, the one whose queue would be the least full after taking the
 * lead ((open + 1) / capacity, compared exactly), then the one who waited
 * longest (lowest last_assigned), then the lowest login (strcmp).  So a rep
 * with twice the capacity receives twice the leads, equals take turns, and
 * the state lives in the data (a restart changes nothing).  -1 when nobody
 * can take it. */
int lq_route_pick_rep(const struct lq_route_rep *reps, size_t n);

/* How a routed lead found its owner: recorded in its history (an assignment
 * activity of actor "routing": subject the rule's name, detail this wire
 * name), which the client shows as "routed by rule ES-Centro, round-robin". */
#define LQ_ROUTE_HOW_LIST(X) \
	X(RULE_USER,      "rule_user",      N_("to the rule's user"))        \
	X(DIRECT,         "direct",         N_("to the team lead"))          \
	X(ROUND_ROBIN,    "round_robin",    N_("round-robin"))               \
	X(SINGLE_CONTACT, "single_contact", N_("single point of contact"))   \
	X(NO_ROOM,        "no_room",        N_("no rep has room: unassigned")) \
	X(NO_RULE,        "no_rule",        N_("no rule matched: to the team lead")) \
	X(TELEQUAL,       "telequal",       N_("to the telequalification pool"))

enum lq_route_how {
#define X(id, wire, label) LQ_HOW_##id,
	LQ_ROUTE_HOW_LIST(X)
#undef X
	LQ_ROUTE_HOW_COUNT
};
const char *lq_route_how_wire(enum lq_route_how h);
const char *lq_route_how_label(enum lq_route_how h);   /* untranslated (N_) */
int lq_route_how_parse(const char *wire);

/* --- team policies ----------------------------------------------------------- */

/* One "[team NAME]" section.  Strings NULL and numbers -1 where the section
 * leaves a key out. */
struct lq_team_policy_section {
	char *team;              /* as written */
	int line;
	char *tz, *hours, *holidays;
	int routing;             /* enum lq_route_mode, or -1 */
	char *dispatcher;        /* a login */
	int first_contact_minutes, touches_required, touch_window_days, at_risk_percent;
	int on_breach;           /* enum lq_breach_action, or -1 */
	int on_expiry;           /* enum lq_expiry_action, or -1 */
};

struct lq_team_policies {
	struct lq_team_policy_section *team;
	size_t n;
};

/* Parses a policy file like lq_route_rules_parse().  Checks what it can
 * alone: hours and holidays by the calendar's parsers, numbers in range
 * (first_contact 1..100000, touches 0..1000, touch_window 1..10000,
 * at_risk 0..100), wire names, a dispatcher when routing is
 * single_contact, each team once.  Whether the team, zone and dispatcher
 * exist is the caller's to check (it names the section's line). */
bool lq_team_policies_parse(const char *text, size_t len, struct lq_team_policies *out,
			    char *err, size_t errsize);
void lq_team_policies_clear(struct lq_team_policies *ps);

#endif
