#include "config.h"

#include <string.h>

#include "leadq/i18n.h"
#include "leadq/lead.h"
#include "leadq/sla.h"

void lq_sla_policy_default(struct lq_sla_policy *p)
{
	p->first_contact_minutes = 120;
	p->touches_required = 6;
	p->touch_window_days = 10;
	p->at_risk_percent = 25;
}

void lq_sla_deadlines(struct lq_lead *lead, const struct lq_sla_policy *p,
		      const struct lq_calendar *cal)
{
	lq_time base, left;
	int missing;

	lead->touches_required = p->touches_required;
	if (lead->mql_at == LQ_TIME_NONE) {
		lead->sla_first_due = LQ_TIME_NONE;
		lead->sla_cadence_due = LQ_TIME_NONE;
		lead->next_touch_due = LQ_TIME_NONE;
		return;
	}
	lead->sla_first_due = lq_calendar_add(cal, lead->mql_at,
					      (lq_time)p->first_contact_minutes * LQ_MINUTE);
	lead->sla_cadence_due = lq_calendar_add_days(cal, lead->mql_at, p->touch_window_days);
	if (lead->touches <= 0) {
		lead->next_touch_due = lead->sla_first_due;
		return;
	}
	if (lead->touches >= p->touches_required || lead->sla_cadence_due == LQ_TIME_NONE) {
		lead->next_touch_due = LQ_TIME_NONE;
		return;
	}
	/* Spread the missing touches evenly over what is left of the window;
	 * a touch after the window leaves nothing to spread: due at once. */
	base = lead->last_touch_at != LQ_TIME_NONE ? lead->last_touch_at : lead->mql_at;
	missing = p->touches_required - lead->touches;
	left = lq_calendar_between(cal, base, lead->sla_cadence_due);
	if (left < 0)
		left = 0;
	lead->next_touch_due = lq_calendar_add(cal, base, left / missing);
}

/* Less than pct % of the window left (window 0: never "at risk" by this). */
static bool low(lq_time left, lq_time window, int pct)
{
	return window > 0 && left * 100 < window * (lq_time)pct;
}

void lq_sla_status(const struct lq_lead *lead, const struct lq_sla_policy *p,
		   const struct lq_calendar *cal, lq_time now, struct lq_sla_view *out)
{
	lq_time window;

	out->clock = LQ_SLA_NONE;
	out->state = LQ_SLA_IDLE;
	out->deadline = LQ_TIME_NONE;
	out->remaining = 0;
	if (!lq_status_is_open(lead->status) || lead->mql_at == LQ_TIME_NONE ||
	    now == LQ_TIME_NONE)
		return;
	if (lead->touches <= 0) {
		if (lead->sla_first_due == LQ_TIME_NONE)
			return;
		out->clock = LQ_SLA_FIRST_CONTACT;
		out->deadline = lead->sla_first_due;
		window = (lq_time)p->first_contact_minutes * LQ_MINUTE;
		if (now >= out->deadline) {
			out->state = LQ_SLA_BREACHED;
			out->remaining = -(now - out->deadline);
			return;
		}
		out->remaining = lq_calendar_between(cal, now, out->deadline);
		out->state = low(out->remaining, window, p->at_risk_percent) ?
			LQ_SLA_AT_RISK : LQ_SLA_ON_TRACK;
		return;
	}
	if (lead->touches >= p->touches_required || lead->next_touch_due == LQ_TIME_NONE)
		return;
	out->clock = LQ_SLA_CADENCE;
	out->deadline = lead->next_touch_due;
	if (now >= out->deadline) {
		out->remaining = -(now - out->deadline);
	} else {
		out->remaining = lq_calendar_between(cal, now, out->deadline);
	}
	if (lead->sla_cadence_due != LQ_TIME_NONE && now >= lead->sla_cadence_due) {
		out->state = LQ_SLA_BREACHED;
		return;
	}
	window = lead->last_touch_at != LQ_TIME_NONE ?
		lq_calendar_between(cal, lead->last_touch_at, out->deadline) : 0;
	if (now >= out->deadline || low(out->remaining, window, p->at_risk_percent))
		out->state = LQ_SLA_AT_RISK;
	else
		out->state = LQ_SLA_ON_TRACK;
}

const char *lq_sla_state_name(enum lq_sla_state s)
{
	switch (s) {
	case LQ_SLA_ON_TRACK:
		return N_("on track");
	case LQ_SLA_AT_RISK:
		return N_("at risk");
	case LQ_SLA_BREACHED:
		return N_("breached");
	case LQ_SLA_IDLE:
	default:
		return "";
	}
}

static const char *const sla_event_wire[] = {
#define X(id, wire, label) wire,
	LQ_SLA_EVENT_LIST(X)
#undef X
};
static const char *const sla_event_label[] = {
#define X(id, wire, label) label,
	LQ_SLA_EVENT_LIST(X)
#undef X
};

const char *lq_sla_event_wire(enum lq_sla_event e)
{
	return (int)e >= 0 && e < LQ_SLA_EVENT_COUNT ? sla_event_wire[e] : NULL;
}

const char *lq_sla_event_label(enum lq_sla_event e)
{
	return (int)e >= 0 && e < LQ_SLA_EVENT_COUNT ? sla_event_label[e] : NULL;
}

int lq_sla_event_parse(const char *wire)
{
	for (int i = 0; wire && i < LQ_SLA_EVENT_COUNT; i++)
		if (strcmp(sla_event_wire[i], wire) == 0)
			return i;
	return -1;
}

enum lq_sla_event lq_sla_sweep_due(const struct lq_lead *lead, lq_time now, lq_time *due)
{
	bool open = lead->status == LQ_STATUS_NEW || lead->status == LQ_STATUS_WORKING;

	*due = LQ_TIME_NONE;
	if (open && lead->touches < lead->touches_required &&
	    lead->sla_cadence_due != LQ_TIME_NONE && now >= lead->sla_cadence_due) {
		*due = lead->sla_cadence_due;
		return LQ_SLA_EVENT_EXPIRY;
	}
	if (lead->status == LQ_STATUS_NEW && lead->first_touch_at == LQ_TIME_NONE &&
	    lead->sla_first_due != LQ_TIME_NONE && now >= lead->sla_first_due) {
		*due = lead->sla_first_due;
		return LQ_SLA_EVENT_BREACH;
	}
	return LQ_SLA_EVENT_NONE;
}
