/* leadq — the lead state machine (DESIGN §2), reason codes, name tables. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "leadq/lead.h"
#include "leadq/mem.h"

/* ---- name tables: generated from the X-macro lists in lead.h ---------- */

static const char *const status_wire[] = {
#define X(id, wire, label) wire,
	LQ_STATUS_LIST(X)
#undef X
};
static const char *const status_label[] = {
#define X(id, wire, label) label,
	LQ_STATUS_LIST(X)
#undef X
};
static const char *const touch_wire[] = {
#define X(id, wire, label) wire,
	LQ_TOUCH_LIST(X)
#undef X
};
static const char *const touch_label[] = {
#define X(id, wire, label) label,
	LQ_TOUCH_LIST(X)
#undef X
};
static const char *const outcome_wire[] = {
#define X(id, wire, label) wire,
	LQ_OUTCOME_LIST(X)
#undef X
};
static const char *const outcome_label[] = {
#define X(id, wire, label) label,
	LQ_OUTCOME_LIST(X)
#undef X
};
static const char *const activity_wire[] = {
#define X(id, wire, label) wire,
	LQ_ACTIVITY_LIST(X)
#undef X
};
static const char *const activity_label[] = {
#define X(id, wire, label) label,
	LQ_ACTIVITY_LIST(X)
#undef X
};
static const char *const error_message[] = {
#define X(id, msg) msg,
	LQ_LEAD_ERROR_LIST(X)
#undef X
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_at(const char *const *table, size_t count, int i)
{
	if (i < 0 || (size_t)i >= count)
		return NULL;
	return table[i];
}

static int name_find(const char *const *table, size_t count, const char *wire)
{
	size_t i;

	if (!wire)
		return -1;
	for (i = 0; i < count; i++) {
		if (strcmp(table[i], wire) == 0)
			return (int)i;
	}
	return -1;
}

const char *lq_status_wire(enum lq_status s)
{
	return name_at(status_wire, COUNT_OF(status_wire), (int)s);
}

const char *lq_status_label(enum lq_status s)
{
	return name_at(status_label, COUNT_OF(status_label), (int)s);
}

int lq_status_parse(const char *wire)
{
	return name_find(status_wire, COUNT_OF(status_wire), wire);
}

const char *lq_touch_wire(enum lq_touch t)
{
	return name_at(touch_wire, COUNT_OF(touch_wire), (int)t);
}

const char *lq_touch_label(enum lq_touch t)
{
	return name_at(touch_label, COUNT_OF(touch_label), (int)t);
}

int lq_touch_parse(const char *wire)
{
	return name_find(touch_wire, COUNT_OF(touch_wire), wire);
}

const char *lq_outcome_wire(enum lq_outcome o)
{
	return name_at(outcome_wire, COUNT_OF(outcome_wire), (int)o);
}

const char *lq_outcome_label(enum lq_outcome o)
{
	return name_at(outcome_label, COUNT_OF(outcome_label), (int)o);
}

int lq_outcome_parse(const char *wire)
{
	return name_find(outcome_wire, COUNT_OF(outcome_wire), wire);
}

const char *lq_activity_wire(enum lq_activity_kind k)
{
	return name_at(activity_wire, COUNT_OF(activity_wire), (int)k);
}

const char *lq_activity_label(enum lq_activity_kind k)
{
	return name_at(activity_label, COUNT_OF(activity_label), (int)k);
}

int lq_activity_parse(const char *wire)
{
	return name_find(activity_wire, COUNT_OF(activity_wire), wire);
}

const char *lq_lead_error_message(enum lq_lead_error e)
{
	const char *m = name_at(error_message, COUNT_OF(error_message), (int)e);

	return m ? m : N_("unknown error");
}

/* ---- the state machine ------------------------------------------------- */

static bool status_in_range(int s)
{
	return s >= 0 && s < LQ_STATUS_COUNT;
}

bool lq_status_is_open(enum lq_status s)
{
	return s == LQ_STATUS_NEW || s == LQ_STATUS_WORKING;
}

bool lq_status_takes_touches(enum lq_status s)
{
	return lq_status_is_open(s) || s == LQ_STATUS_QUALIFIED || s == LQ_STATUS_OPPORTUNITY;
}

bool lq_status_needs_reason(enum lq_status s)
{
	return s == LQ_STATUS_RECYCLED || s == LQ_STATUS_JUNK || s == LQ_STATUS_UNREACHABLE;
}

#define BIT(s) (1u << (s))

/* Allowed user moves, one bit mask of targets per source status. */
static const unsigned user_moves[LQ_STATUS_COUNT] = {
	[LQ_STATUS_NEW] = BIT(LQ_STATUS_WORKING) | BIT(LQ_STATUS_QUALIFIED) |
		BIT(LQ_STATUS_RECYCLED) | BIT(LQ_STATUS_JUNK) | BIT(LQ_STATUS_UNREACHABLE),
	[LQ_STATUS_WORKING] = BIT(LQ_STATUS_QUALIFIED) | BIT(LQ_STATUS_RECYCLED) |
		BIT(LQ_STATUS_JUNK) | BIT(LQ_STATUS_UNREACHABLE),
	[LQ_STATUS_QUALIFIED] = BIT(LQ_STATUS_OPPORTUNITY) | BIT(LQ_STATUS_RECYCLED),
	[LQ_STATUS_OPPORTUNITY] = BIT(LQ_STATUS_WON) | BIT(LQ_STATUS_LOST),
	/* recycle, junk, unreachable, won, lost: nothing a user may do */
};

/* Marketing re-qualifies recycled and unreachable leads back to new. */
static const unsigned marketing_moves[LQ_STATUS_COUNT] = {
	[LQ_STATUS_RECYCLED] = BIT(LQ_STATUS_NEW),
	[LQ_STATUS_UNREACHABLE] = BIT(LQ_STATUS_NEW),
};

bool lq_status_can_move(enum lq_status from, enum lq_status to, bool by_marketing)
{
	unsigned allowed;

	if (!status_in_range((int)from) || !status_in_range((int)to))
		return false;
	allowed = user_moves[from];
	if (by_marketing)
		allowed |= marketing_moves[from];
	return (allowed & BIT(to)) != 0;
}

bool lq_touch_outcome_valid(enum lq_touch t, enum lq_outcome o)
{
	static const unsigned fits[LQ_TOUCH_COUNT] = {
		[LQ_TOUCH_CALL] = BIT(LQ_OUTCOME_CONNECTED) | BIT(LQ_OUTCOME_VOICEMAIL) |
			BIT(LQ_OUTCOME_NO_ANSWER) | BIT(LQ_OUTCOME_WRONG_NUMBER),
		[LQ_TOUCH_EMAIL] = BIT(LQ_OUTCOME_SENT),
		[LQ_TOUCH_MEETING] = BIT(LQ_OUTCOME_CONNECTED) | BIT(LQ_OUTCOME_NO_ANSWER),
		[LQ_TOUCH_MESSAGE] = BIT(LQ_OUTCOME_SENT),
	};

	if ((int)t < 0 || t >= LQ_TOUCH_COUNT || (int)o < 0 || o >= LQ_OUTCOME_COUNT)
		return false;
	return (fits[t] & BIT(o)) != 0;
}

/* ---- reason codes ------------------------------------------------------ */

/* Index into lq_reasons.list, -1 for statuses that take no reason. */
static int reason_slot(enum lq_status s)
{
	switch (s) {
	case LQ_STATUS_RECYCLED:
		return 0;
	case LQ_STATUS_JUNK:
		return 1;
	case LQ_STATUS_UNREACHABLE:
		return 2;
	default:
		return -1;
	}
}

static const struct lq_reasons default_reasons = {
	.list = {
		{
			{ "not_ready", N_("not ready yet") },
			{ "no_budget", N_("no budget") },
			{ "no_authority", N_("no authority") },
			{ "no_need", N_("no need") },
			{ "competitor", N_("went with a competitor") },
			{ "timing", N_("bad timing") },
		},
		{
			{ "spam", N_("spam") },
			{ "fake", N_("fake contact details") },
			{ "duplicate", N_("duplicate") },
			{ "student", N_("student") },
			{ "competitor", N_("a competitor") },
		},
		{
			{ "no_answer", N_("no answer") },
			{ "wrong_number", N_("wrong number") },
			{ "bounced", N_("email bounced") },
			{ "sla_expired", N_("SLA expired") },
		},
	},
	.count = { 6, 5, 4 },
};

void lq_reasons_default(struct lq_reasons *r)
{
	if (r)
		*r = default_reasons;
}

static bool reason_code_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static const char *default_label(int slot, const char *code)
{
	int i;

	for (i = 0; i < default_reasons.count[slot]; i++) {
		if (strcmp(default_reasons.list[slot][i].code, code) == 0)
			return default_reasons.list[slot][i].label;
	}
	return NULL;
}

/* Codes may be separated by spaces too ("no_budget, timing"); an empty item,
 * a bad character, a code of 32+ bytes, a repeated code or more than
 * LQ_REASON_MAX codes make the whole list bad and leave r unchanged. */
bool lq_reasons_set(struct lq_reasons *r, enum lq_status s, const char *csv)
{
	struct lq_reason list[LQ_REASON_MAX];
	int slot = reason_slot(s);
	int count = 0, i;
	const char *p = csv;

	if (!r || slot < 0 || !csv)
		return false;
	for (;;) {
		const char *start;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (reason_code_char(*p))
			p++;
		len = (size_t)(p - start);
		while (*p == ' ' || *p == '\t')
			p++;
		if (len == 0 || len >= LQ_REASON_SIZE || (*p != ',' && *p != '\0'))
			return false;
		if (count == LQ_REASON_MAX)
			return false;
		memcpy(list[count].code, start, len);
		list[count].code[len] = '\0';
		for (i = 0; i < count; i++) {
			if (strcmp(list[i].code, list[count].code) == 0)
				return false;
		}
		list[count].label = default_label(slot, list[count].code);
		count++;
		if (*p == '\0')
			break;
		p++;            /* the comma */
	}
	memcpy(r->list[slot], list, (size_t)count * sizeof list[0]);
	r->count[slot] = count;
	return true;
}

const struct lq_reason *lq_reasons_for(const struct lq_reasons *r, enum lq_status s, int *count)
{
	int slot = reason_slot(s);

	if (!r)
		r = &default_reasons;
	if (slot < 0) {
		if (count)
			*count = 0;
		return NULL;
	}
	if (count)
		*count = r->count[slot];
	return r->list[slot];
}

bool lq_reason_valid(const struct lq_reasons *r, enum lq_status s, const char *code)
{
	const struct lq_reason *list;
	int count, i;

	if (!code || !code[0])
		return false;
	list = lq_reasons_for(r, s, &count);
	for (i = 0; list && i < count; i++) {
		if (strcmp(list[i].code, code) == 0)
			return true;
	}
	return false;
}

/* ---- leads ------------------------------------------------------------- */

void lq_lead_init(struct lq_lead *l)
{
	memset(l, 0, sizeof *l);
	l->status = LQ_STATUS_NEW;
	l->mql_at = LQ_TIME_NONE;
	l->first_touch_at = LQ_TIME_NONE;
	l->last_touch_at = LQ_TIME_NONE;
	l->sla_first_due = LQ_TIME_NONE;
	l->sla_cadence_due = LQ_TIME_NONE;
	l->next_touch_due = LQ_TIME_NONE;
	l->next_appt_at = LQ_TIME_NONE;
	l->callback_at = LQ_TIME_NONE;
	l->updated_at = LQ_TIME_NONE;
}

void lq_lead_clear(struct lq_lead *l)
{
	char **fields[] = {
		&l->external_id, &l->name, &l->title, &l->company, &l->email, &l->phone,
		&l->country, &l->region, &l->city, &l->postal_code, &l->industry, &l->tz,
		&l->source, &l->campaign, &l->owner_id, &l->team_id, &l->callback_user,
	};
	size_t i;

	for (i = 0; i < COUNT_OF(fields); i++)
		lq_free(*fields[i]);
	lq_lead_init(l);
}

bool lq_lead_set_str(char **field, const char *value)
{
	char *copy = NULL;

	if (!field)
		return false;
	if (value) {
		copy = lq_strdup(value);
		if (!copy)
			return false;   /* the old value stays */
	}
	lq_free(*field);
	*field = copy;
	return true;
}

static bool score_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

#define SCORE_POINTS_LIMIT 1000000

/* NULL or "" clears the parts.  Points are decimal integers with an optional
 * sign, |points| <= 1,000,000.  l->score is not changed. */
bool lq_score_parts_parse(struct lq_lead *l, const char *text)
{
	struct lq_score_part parts[LQ_SCORE_PARTS_MAX];
	int n = 0, i;
	const char *p = text;

	if (!l)
		return false;
	if (!text || !text[0]) {
		l->nscore_parts = 0;
		return true;
	}
	for (;;) {
		const char *start = p;
		size_t len;
		bool negative = false;
		long points = 0;
		int digits = 0;

		while (score_name_char(*p))
			p++;
		len = (size_t)(p - start);
		if (len == 0 || len >= sizeof parts[0].name || *p != ':')
			return false;
		if (n == LQ_SCORE_PARTS_MAX)
			return false;
		memcpy(parts[n].name, start, len);
		parts[n].name[len] = '\0';
		p++;
		if (*p == '-' || *p == '+') {
			negative = *p == '-';
			p++;
		}
		while (*p >= '0' && *p <= '9') {
			points = points * 10 + (*p - '0');
			if (points > SCORE_POINTS_LIMIT)
				return false;
			digits++;
			p++;
		}
		if (digits == 0 || (*p != ',' && *p != '\0'))
			return false;
		parts[n].points = (int)(negative ? -points : points);
		for (i = 0; i < n; i++) {
			if (strcmp(parts[i].name, parts[n].name) == 0)
				return false;
		}
		n++;
		if (*p == '\0')
			break;
		p++;
	}
	memcpy(l->score_parts, parts, (size_t)n * sizeof parts[0]);
	l->nscore_parts = n;
	return true;
}

size_t lq_score_parts_format(const struct lq_lead *l, char *buf, size_t size)
{
	size_t need = 0, written = 0;
	bool full = false;
	int i;

	if (buf && size > 0)
		buf[0] = '\0';
	if (!l)
		return 0;
	for (i = 0; i < l->nscore_parts && i < LQ_SCORE_PARTS_MAX; i++) {
		char one[48];
		int n = snprintf(one, sizeof one, "%s%.15s:%d", i ? "," : "",
				 l->score_parts[i].name, l->score_parts[i].points);

		if (n < 0)
			return 0;
		/* Whole parts only: a short buffer never ends in half a part. */
		if (!full && buf && written + (size_t)n < size) {
			memcpy(buf + written, one, (size_t)n + 1);
			written += (size_t)n;
		} else {
			full = true;
		}
		need += (size_t)n;
	}
	return need;
}

void lq_lead_state_get(const struct lq_lead *l, struct lq_lead_state *out)
{
	memset(out, 0, sizeof *out);
	out->status = l->status;
	memcpy(out->reason, l->reason, sizeof out->reason);
	out->reason[sizeof out->reason - 1] = '\0';
	out->touches = l->touches;
	out->first_touch_at = l->first_touch_at;
	out->last_touch_at = l->last_touch_at;
}

static bool state_equal(const struct lq_lead_state *a, const struct lq_lead_state *b)
{
	return a->status == b->status && strcmp(a->reason, b->reason) == 0 &&
	       a->touches == b->touches && a->first_touch_at == b->first_touch_at &&
	       a->last_touch_at == b->last_touch_at;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	}
	return true;
}

static enum lq_lead_error check_status(const struct lq_lead *lead, const struct lq_reasons *reasons,
				       const struct lq_change *c)
{
	bool has_reason = c->reason && c->reason[0];

	if (!status_in_range((int)c->to))
		return LQ_LEAD_EBAD_STATUS;
	if (c->to == lead->status)
		return LQ_LEAD_ESAME_STATUS;
	if (!lq_status_can_move(lead->status, c->to, c->by_marketing))
		return LQ_LEAD_EBAD_STATUS;
	if (lq_status_needs_reason(c->to)) {
		if (!has_reason)
			return LQ_LEAD_ENEED_REASON;
		if (!lq_reason_valid(reasons, c->to, c->reason))
			return LQ_LEAD_EBAD_REASON;
	} else if (has_reason) {
		return LQ_LEAD_EBAD_REASON;
	}
	if (c->has_amount && ((c->to != LQ_STATUS_OPPORTUNITY && c->to != LQ_STATUS_WON) ||
			      c->amount < 0 || c->amount > LQ_AMOUNT_MAX))
		return LQ_LEAD_EBAD_AMOUNT;
	return LQ_LEAD_EOK;
}

static enum lq_lead_error check_touch(const struct lq_lead *lead, const struct lq_change *c)
{
	if (!lq_touch_outcome_valid(c->touch, c->outcome))
		return LQ_LEAD_EBAD_OUTCOME;
	if (!lq_status_takes_touches(lead->status))
		return LQ_LEAD_ECLOSED;
	if (c->touch == LQ_TOUCH_CALL && lead->do_not_contact)
		return LQ_LEAD_EDO_NOT_CONTACT;
	return LQ_LEAD_EOK;
}

/* Schedules (or with callback_at NONE cancels) the lead's one callback. */
static enum lq_lead_error apply_callback(struct lq_lead *lead, const struct lq_change *c)
{
	char *user = NULL;

	if (c->callback_at != LQ_TIME_NONE) {
		if (!lq_status_takes_touches(lead->status))
			return LQ_LEAD_ECLOSED;
		if (lead->do_not_contact)
			return LQ_LEAD_EDO_NOT_CONTACT;
		if (c->callback_user && c->callback_user[0]) {
			user = lq_strdup(c->callback_user);
			if (!user)
				return LQ_LEAD_ENO_MEMORY;
		}
	}
	lq_free(lead->callback_user);
	lead->callback_user = user;
	lead->callback_at = c->callback_at;
	return LQ_LEAD_EOK;
}

enum lq_lead_error lq_lead_apply(struct lq_lead *lead, const struct lq_reasons *reasons,
				 const struct lq_change *change, struct lq_lead_state *before)
{
	enum lq_lead_error err;

	if (before)
		lq_lead_state_get(lead, before);
	switch (change->kind) {
	case LQ_CHANGE_STATUS:
		err = check_status(lead, reasons, change);
		if (err != LQ_LEAD_EOK)
			return err;
		if (change->by_marketing && change->to == LQ_STATUS_NEW) {
			/* Re-qualified: a new cycle, so the SLA clocks start afresh. */
			lead->touches = 0;
			lead->first_touch_at = LQ_TIME_NONE;
			lead->last_touch_at = LQ_TIME_NONE;
		}
		lead->status = change->to;
		if (change->has_amount)
			lead->amount = change->amount;
		if (lq_status_needs_reason(change->to))
			memcpy(lead->reason, change->reason, strlen(change->reason) + 1);
		else
			lead->reason[0] = '\0';
		return LQ_LEAD_EOK;
	case LQ_CHANGE_TOUCH:
		err = check_touch(lead, change);
		if (err != LQ_LEAD_EOK)
			return err;
		lead->touches++;
		if (lead->first_touch_at == LQ_TIME_NONE)
			lead->first_touch_at = change->at;
		lead->last_touch_at = change->at;
		if (lead->status == LQ_STATUS_NEW)
			lead->status = LQ_STATUS_WORKING;
		return LQ_LEAD_EOK;
	case LQ_CHANGE_NOTE:
		return blank(change->text) ? LQ_LEAD_EEMPTY_NOTE : LQ_LEAD_EOK;
	case LQ_CHANGE_CALLBACK:
		return apply_callback(lead, change);
	}
	return LQ_LEAD_EBAD_STATUS;
}

bool lq_lead_callback_pending(const struct lq_lead *l)
{
	if (l->callback_at == LQ_TIME_NONE)
		return false;
	/* A touch from shortly before the callback on answers it. */
	return l->last_touch_at == LQ_TIME_NONE ||
	       l->last_touch_at < l->callback_at - LQ_CALLBACK_WINDOW;
}

lq_time lq_lead_due_at(const struct lq_lead *l, const char *viewer)
{
	lq_time due = l->next_appt_at;

	if (lq_lead_callback_pending(l) &&
	    (!l->callback_user || !l->callback_user[0] || !viewer ||
	     strcmp(l->callback_user, viewer) == 0) &&
	    (due == LQ_TIME_NONE || l->callback_at < due))
		due = l->callback_at;
	return due;
}

enum lq_lead_error lq_lead_undo(struct lq_lead *lead, const struct lq_lead_state *before,
				const struct lq_lead_state *after)
{
	struct lq_lead_state now;

	if (!lead || !before || !after)
		return LQ_LEAD_ENOT_UNDOABLE;
	lq_lead_state_get(lead, &now);
	if (!state_equal(&now, after))
		return LQ_LEAD_ENOT_UNDOABLE;
	lead->status = before->status;
	memcpy(lead->reason, before->reason, sizeof lead->reason);
	lead->reason[sizeof lead->reason - 1] = '\0';
	lead->touches = before->touches;
	lead->first_touch_at = before->first_touch_at;
	lead->last_touch_at = before->last_touch_at;
	return LQ_LEAD_EOK;
}

/* ---- activities -------------------------------------------------------- */

void lq_activity_init(struct lq_activity *a)
{
	memset(a, 0, sizeof *a);
	a->at = LQ_TIME_NONE;
	a->outcome = -1;
}

void lq_activity_clear(struct lq_activity *a)
{
	lq_free(a->actor);
	lq_free(a->subject);
	lq_free(a->detail);
	lq_free(a->campaign);
	lq_activity_init(a);
}

void lq_callback_subject(char *buf, size_t size, lq_time at, const char *user)
{
	char when[LQ_RFC3339_SIZE];

	if (at == LQ_TIME_NONE)
		snprintf(buf, size, "cancelled");
	else
		snprintf(buf, size, "%s %s", lq_time_format(at, 0, when),
			 user && user[0] ? "personal" : "team");
}

bool lq_callback_subject_parse(const char *subject, lq_time *at, bool *personal)
{
	char when[LQ_RFC3339_SIZE];
	const char *space;
	size_t n;

	*at = LQ_TIME_NONE;
	*personal = false;
	if (!subject)
		return false;
	if (strcmp(subject, "cancelled") == 0)
		return true;
	space = strchr(subject, ' ');
	if (!space)
		return false;
	n = (size_t)(space - subject);
	if (n >= sizeof when)
		return false;
	memcpy(when, subject, n);
	when[n] = '\0';
	if (!lq_time_parse(when, at))
		return false;
	if (strcmp(space + 1, "personal") == 0)
		*personal = true;
	else if (strcmp(space + 1, "team") != 0)
		return false;
	return true;
}
