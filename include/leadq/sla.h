/* leadq — the SLA clock: deadlines and countdown states of one lead.
 *
 * One clock for client and server: the server computes deadlines with
 * lq_sla_deadlines() and stores them on the lead; clients only display them
 * through lq_sla_status(). */
#ifndef LEADQ_SLA_H
#define LEADQ_SLA_H

#include "leadq/calendar.h"
#include "leadq/time.h"

struct lq_lead;

struct lq_sla_policy {
	int first_contact_minutes;  /* business minutes from MQL to the first touch */
	int touches_required;       /* M touches ... */
	int touch_window_days;      /* ... within D business days of MQL */
	int at_risk_percent;        /* at risk when less than this % of the window is left */
};

/* 120 business minutes, 6 touches in 10 business days, at risk under 25 %. */
void lq_sla_policy_default(struct lq_sla_policy *p);

enum lq_sla_clock {
	LQ_SLA_NONE = 0,        /* no clock runs (closed lead, or cadence done) */
	LQ_SLA_FIRST_CONTACT,   /* waiting for the first touch */
	LQ_SLA_CADENCE,         /* touched; more touches due */
};

enum lq_sla_state {
	LQ_SLA_IDLE = 0,        /* no running clock */
	LQ_SLA_ON_TRACK,
	LQ_SLA_AT_RISK,
	LQ_SLA_BREACHED,
};

struct lq_sla_view {
	enum lq_sla_clock clock;
	enum lq_sla_state state;
	lq_time deadline;       /* when the running clock breaches */
	lq_time remaining;      /* business seconds left; negative when breached
				   (then wall seconds overdue) */
};

/* Sets lead->sla_first_due, lead->sla_cadence_due and lead->next_touch_due
 * from lead->mql_at, lead->touches, lead->last_touch_at and the policy.
 * next_touch_due spreads the missing touches evenly over the business time
 * left before the cadence deadline. */
void lq_sla_deadlines(struct lq_lead *lead, const struct lq_sla_policy *p,
		      const struct lq_calendar *cal);

/* The countdown of a lead at now. */
void lq_sla_status(const struct lq_lead *lead, const struct lq_sla_policy *p,
		   const struct lq_calendar *cal, lq_time now, struct lq_sla_view *out);

/* What the server's SLA sweep owes a lead (DESIGN §3): the first-contact
 * deadline passed untouched (a breach: notify the team lead, or reassign),
 * or the touch window ended short of the touches required (expiry: recycle
 * or unreachable with reason sla_expired).  Wire names in the lead's
 * history (an escalation activity's subject) and the sweep's records. */
#define LQ_SLA_EVENT_LIST(X) \
	X(BREACH, "first_contact_breach", N_("first contact overdue")) \
	X(EXPIRY, "touch_window_over",    N_("touch window over"))

enum lq_sla_event {
	LQ_SLA_EVENT_NONE = -1,
#define X(id, wire, label) LQ_SLA_EVENT_##id,
	LQ_SLA_EVENT_LIST(X)
#undef X
	LQ_SLA_EVENT_COUNT
};
const char *lq_sla_event_wire(enum lq_sla_event e);
const char *lq_sla_event_label(enum lq_sla_event e);   /* untranslated (N_) */
int lq_sla_event_parse(const char *wire);              /* -1 when unknown */

/* The event due on lead at now, LQ_SLA_EVENT_NONE when none; *due is the
 * deadline that passed.  Expiry first: a lead past both deadlines is closed,
 * not escalated.  Breach: status new, no touch, now >= sla_first_due.
 * Expiry: status new or working, touches < touches_required, now >=
 * sla_cadence_due.  Exactly at the deadline counts as passed. */
enum lq_sla_event lq_sla_sweep_due(const struct lq_lead *lead, lq_time now, lq_time *due);

/* Translatable names ("on track", "at risk", "breached"); gettext_noop'd. */
const char *lq_sla_state_name(enum lq_sla_state s);

#endif
