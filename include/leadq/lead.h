/* leadq — the lead and its lifecycle (DESIGN §2): the one state machine.
 *
 *   new --touch--> working --> qualified --> opportunity --> won | lost
 *    |               |
 *    +-------+-------+--> recycle | junk | unreachable   (with a reason)
 *   recycle / unreachable --(marketing re-qualifies)--> new
 *
 * Client and server both change leads only through lq_lead_apply() and
 * lq_lead_undo(); storage records what they return. */
#ifndef LEADQ_LEAD_H
#define LEADQ_LEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leadq/i18n.h"
#include "leadq/time.h"
#include "leadq/uuid.h"

/* X-macros: one list gives the enum, the wire names and the labels. */
#define LQ_STATUS_LIST(X) \
	X(NEW,         "new",         N_("new"))         \
	X(WORKING,     "working",     N_("working"))     \
	X(QUALIFIED,   "qualified",   N_("qualified"))   \
	X(RECYCLED,    "recycle",     N_("recycle"))     \
	X(JUNK,        "junk",        N_("junk"))        \
	X(UNREACHABLE, "unreachable", N_("unreachable")) \
	X(OPPORTUNITY, "opportunity", N_("opportunity")) \
	X(WON,         "won",         N_("won"))         \
	X(LOST,        "lost",        N_("lost"))

#define LQ_TOUCH_LIST(X) \
	X(CALL,    "call",    N_("call"))    \
	X(EMAIL,   "email",   N_("email"))   \
	X(MEETING, "meeting", N_("meeting")) \
	X(MESSAGE, "message", N_("message"))

#define LQ_OUTCOME_LIST(X) \
	X(CONNECTED,    "connected",    N_("connected"))    \
	X(VOICEMAIL,    "voicemail",    N_("voicemail"))    \
	X(NO_ANSWER,    "no_answer",    N_("no answer"))    \
	X(WRONG_NUMBER, "wrong_number", N_("wrong number")) \
	X(SENT,         "sent",         N_("sent"))

/* Activities: marketing behaviour, then sales actions, then system records. */
#define LQ_ACTIVITY_LIST(X) \
	X(PAGE_VIEW,     "page_view",     N_("page view"))     \
	X(EMAIL_OPEN,    "email_open",    N_("email opened"))  \
	X(EMAIL_CLICK,   "email_click",   N_("email click"))   \
	X(FORM_SUBMIT,   "form_submit",   N_("form submitted")) \
	X(DOWNLOAD,      "download",      N_("download"))      \
	X(WEBINAR,       "webinar",       N_("webinar"))       \
	X(CALL,          "call",          N_("call"))          \
	X(EMAIL,         "email",         N_("email"))         \
	X(MEETING,       "meeting",       N_("meeting"))       \
	X(MESSAGE,       "message",       N_("message"))       \
	X(NOTE,          "note",          N_("note"))          \
	X(STATUS_CHANGE, "status_change", N_("status change")) \
	X(ASSIGNMENT,    "assignment",    N_("assignment"))    \
	X(ESCALATION,    "escalation",    N_("SLA escalation"))    \
	X(APPOINTMENT,   "appointment",   N_("appointment"))   \
	X(CALLBACK,      "callback",      N_("callback"))

enum lq_status {
#define X(id, wire, label) LQ_STATUS_##id,
	LQ_STATUS_LIST(X)
#undef X
	LQ_STATUS_COUNT
};
enum lq_touch {
#define X(id, wire, label) LQ_TOUCH_##id,
	LQ_TOUCH_LIST(X)
#undef X
	LQ_TOUCH_COUNT
};
enum lq_outcome {
#define X(id, wire, label) LQ_OUTCOME_##id,
	LQ_OUTCOME_LIST(X)
#undef X
	LQ_OUTCOME_COUNT
};
enum lq_activity_kind {
#define X(id, wire, label) LQ_ACT_##id,
	LQ_ACTIVITY_LIST(X)
#undef X
	LQ_ACT_COUNT
};

/* Wire names ("qualified") and untranslated labels; parse returns -1 when
 * unknown or NULL.  Out-of-range values give NULL names. */
const char *lq_status_wire(enum lq_status s);
const char *lq_status_label(enum lq_status s);
int lq_status_parse(const char *wire);
const char *lq_touch_wire(enum lq_touch t);
const char *lq_touch_label(enum lq_touch t);
int lq_touch_parse(const char *wire);
const char *lq_outcome_wire(enum lq_outcome o);
const char *lq_outcome_label(enum lq_outcome o);
int lq_outcome_parse(const char *wire);
const char *lq_activity_wire(enum lq_activity_kind k);
const char *lq_activity_label(enum lq_activity_kind k);
int lq_activity_parse(const char *wire);

/* Open statuses are the ones a rep still works (new, working). */
bool lq_status_is_open(enum lq_status s);
/* Leads a rep still calls or writes to: the open ones, and accepted leads
 * and opportunities (touches there are history only: no SLA clock runs). */
bool lq_status_takes_touches(enum lq_status s);
/* recycle, junk and unreachable need a reason code. */
bool lq_status_needs_reason(enum lq_status s);
/* Whether a user may move a lead from -> to (re-qualification to new is
 * marketing's, not a user's, and is allowed only with by_marketing). */
bool lq_status_can_move(enum lq_status from, enum lq_status to, bool by_marketing);
/* Whether a touch of this kind may have this outcome. */
bool lq_touch_outcome_valid(enum lq_touch t, enum lq_outcome o);

/* Reason codes: a configurable list per closing status. */
#define LQ_REASON_MAX 32
#define LQ_REASON_SIZE 32
struct lq_reason {
	char code[LQ_REASON_SIZE];   /* wire code: "no_budget" */
	const char *label;           /* msgid of a default, or NULL: show the code */
};
struct lq_reasons {
	struct lq_reason list[3][LQ_REASON_MAX]; /* [0] recycle, [1] junk, [2] unreachable */
	int count[3];
};
/* The defaults (recycle: not_ready, no_budget, no_authority, no_need,
 * competitor, timing; junk: spam, fake, duplicate, student, competitor;
 * unreachable: no_answer, wrong_number, bounced, sla_expired). */
void lq_reasons_default(struct lq_reasons *r);
/* Replaces the list of one status from "code,code,…"; false on a bad code
 * (codes are [a-z0-9_]{1,31}). */
bool lq_reasons_set(struct lq_reasons *r, enum lq_status s, const char *csv);
/* The list for a status, NULL when it takes none (*count 0).  r NULL means
 * the defaults; count may be NULL. */
const struct lq_reason *lq_reasons_for(const struct lq_reasons *r, enum lq_status s, int *count);
/* True if code is in the list of s (r NULL: the defaults); false for an
 * empty code and for statuses that take no reason. */
bool lq_reason_valid(const struct lq_reasons *r, enum lq_status s, const char *code);

#define LQ_SCORE_PARTS_MAX 6
struct lq_score_part {
	char name[16];   /* "fit", "engagement", "recency" */
	int points;
};

struct lq_lead {
	char id[LQ_UUID_SIZE];
	char *external_id;
	char *name, *title, *company, *email, *phone;
	char *country, *region, *city, *postal_code, *industry, *tz;
	char *source, *campaign;
	char *owner_id, *team_id;
	int employees;
	int score;
	struct lq_score_part score_parts[LQ_SCORE_PARTS_MAX];
	int nscore_parts;
	enum lq_status status;
	char reason[LQ_REASON_SIZE];    /* "" when none */
	lq_time mql_at;
	lq_time first_touch_at, last_touch_at;
	int touches, touches_required;
	lq_time sla_first_due, sla_cadence_due, next_touch_due; /* set by lq_sla_deadlines */
	lq_time next_appt_at;           /* earliest booked appointment; in the
					   client's loaded set (lq_store_load_leads)
					   also its callback when due for this user
					   (lq_lead_due_at) */
	lq_time callback_at;            /* a callback is asked for then (issue 5) */
	char *callback_user;            /* its user (personal), NULL: the team's */
	bool do_not_contact;
	int64_t amount;                 /* the opportunity's value, the revenue
					   when won: whole units of the
					   organisation's currency; 0 none */
	int64_t version;                /* server version; local edits do not bump it */
	lq_time updated_at;
};

void lq_lead_init(struct lq_lead *l);     /* zero, times LQ_TIME_NONE */
void lq_lead_clear(struct lq_lead *l);    /* frees the strings, re-inits */
/* Sets a string field (frees the old one); false when out of memory. */
bool lq_lead_set_str(char **field, const char *value);

/* "fit:40,engagement:35" <-> parts: names [a-z_]{1,15}, at most
 * LQ_SCORE_PARTS_MAX parts, no repeated names, integer points (sign allowed,
 * |points| <= 1000000).  Parse returns false on bad text and then leaves l
 * alone; NULL or "" clears the parts; l->score is not touched.  Format
 * returns the length of the whole text (like snprintf) and writes only whole
 * parts that fit in size. */
bool lq_score_parts_parse(struct lq_lead *l, const char *text);
size_t lq_score_parts_format(const struct lq_lead *l, char *buf, size_t size);

/* The mutable part of a lead that a change moves; saved before each change so
 * that undo restores it exactly. */
struct lq_lead_state {
	enum lq_status status;
	char reason[LQ_REASON_SIZE];
	int touches;
	lq_time first_touch_at, last_touch_at;
};
void lq_lead_state_get(const struct lq_lead *l, struct lq_lead_state *out);

enum lq_change_kind {
	LQ_CHANGE_STATUS,   /* to, reason */
	LQ_CHANGE_TOUCH,    /* touch, outcome */
	LQ_CHANGE_NOTE,     /* text only: the lead itself does not move */
	LQ_CHANGE_CALLBACK, /* callback_at, callback_user: schedule (or cancel) */
};

struct lq_change {
	enum lq_change_kind kind;
	enum lq_status to;
	const char *reason;         /* code, for statuses that need one */
	enum lq_touch touch;
	enum lq_outcome outcome;
	const char *text;           /* note, or a touch's comment; may be NULL */
	lq_time at;
	lq_time callback_at;        /* callback: when; LQ_TIME_NONE cancels */
	const char *callback_user;  /* callback: personal to this user, or NULL */
	bool has_amount;            /* status to opportunity or won: sets the
				       lead's amount (0..LQ_AMOUNT_MAX) */
	int64_t amount;
	bool by_marketing;          /* intake re-qualifying a recycled/unreachable
				       lead to new: touches and first/last touch
				       are reset (a new SLA cycle; the caller
				       sets mql_at) */
};

#define LQ_LEAD_ERROR_LIST(X) \
	X(OK,            N_("ok"))                                   \
	X(BAD_STATUS,    N_("that status change is not allowed"))    \
	X(SAME_STATUS,   N_("the lead already has that status"))     \
	X(NEED_REASON,   N_("a reason is needed"))                   \
	X(BAD_REASON,    N_("unknown reason code"))                  \
	X(BAD_OUTCOME,   N_("that outcome does not fit the touch"))  \
	X(CLOSED,        N_("the lead is closed"))                   \
	X(DO_NOT_CONTACT,N_("the lead asked not to be contacted"))   \
	X(EMPTY_NOTE,    N_("the note is empty"))                    \
	X(BAD_AMOUNT,    N_("an amount goes with an opportunity or a won lead")) \
	X(NOT_UNDOABLE,  N_("the lead changed since; nothing to undo")) \
	X(NO_MEMORY,     N_("out of memory"))

enum lq_lead_error {
#define X(id, msg) LQ_LEAD_E##id,
	LQ_LEAD_ERROR_LIST(X)
#undef X
};
const char *lq_lead_error_message(enum lq_lead_error e); /* msgid */

#define LQ_AMOUNT_MAX INT64_C(1000000000000)

/* Validates the change against the state machine and applies it to lead:
 *  status: moves status/reason (reason required and known for recycle, junk,
 *          unreachable; must be empty for the others); an amount (has_amount)
 *          only with opportunity or won, 0..LQ_AMOUNT_MAX, else BAD_AMOUNT.
 *          The amount is the opportunity's value, not part of the undo
 *          state: undoing "won" keeps the value the deal was won at;
 *  touch:  touches++, first_touch_at (first time), last_touch_at; a new lead
 *          becomes working; only leads that take touches (new, working,
 *          qualified, opportunity) do, else CLOSED; calls on
 *          do-not-contact leads are refused;
 *  note:   nothing on the lead; an empty or blank text is EMPTY_NOTE;
 *  callback: sets callback_at and callback_user (a copy; NULL or "" for the
 *          team); callback_at LQ_TIME_NONE cancels (always allowed), else
 *          the lead must take touches (CLOSED) and may be called
 *          (DO_NOT_CONTACT).  The callback is not part of lq_lead_state:
 *          a call answers it without changing it (lq_lead_callback_pending).
 * reasons NULL means the defaults; before may be NULL.
 * Saves the state before the change in *before (for undo).  The lead is left
 * untouched on error.  SLA deadlines are not recomputed here: the caller
 * calls lq_sla_deadlines() (the core keeps the two concerns apart). */
enum lq_lead_error lq_lead_apply(struct lq_lead *lead, const struct lq_reasons *reasons,
				 const struct lq_change *change, struct lq_lead_state *before);

/* Undo a recorded change: restores *before when the lead is still in the
 * state the change left (after), else LQ_LEAD_ENOT_UNDOABLE. */
enum lq_lead_error lq_lead_undo(struct lq_lead *lead, const struct lq_lead_state *before,
				const struct lq_lead_state *after);

/* A callback is due (to be made) while it is set and no touch was logged
 * since LQ_CALLBACK_WINDOW before it: the call answers it, and undoing the
 * call brings it back.  Due for viewer when it is the team's or viewer's
 * own (viewer NULL: anyone's). */
#define LQ_CALLBACK_WINDOW (15 * LQ_MINUTE)
bool lq_lead_callback_pending(const struct lq_lead *l);
/* The time the lead asks viewer to act: the earlier of next_appt_at and a
 * pending callback due for viewer; LQ_TIME_NONE when neither. */
lq_time lq_lead_due_at(const struct lq_lead *l, const char *viewer);

/* The subject of a callback activity, for machines and screens alike:
 * "2026-11-25T09:00:00Z personal" or "… team"; "cancelled" when at is
 * LQ_TIME_NONE.  Parse gives at (LQ_TIME_NONE when cancelled) and whether
 * it is personal; false on another text. */
void lq_callback_subject(char *buf, size_t size, lq_time at, const char *user);
bool lq_callback_subject_parse(const char *subject, lq_time *at, bool *personal);

/* An activity in a lead's timeline (marketing behaviour or sales action). */
struct lq_activity {
	char id[LQ_UUID_SIZE];
	char lead_id[LQ_UUID_SIZE];
	enum lq_activity_kind kind;
	lq_time at;
	char *actor;      /* user id or "marketing" / "system" */
	char *subject;    /* URL, email subject, form or webinar name, "new → qualified" */
	char *detail;     /* page title, form fields "k=v; k=v", note text, reason */
	char *campaign;
	int duration_s;   /* page view or call length, 0 if unknown */
	int outcome;      /* enum lq_outcome for touches, -1 otherwise */
	bool undone;      /* a sales action that was undone stays in the history */
};
void lq_activity_init(struct lq_activity *a);
void lq_activity_clear(struct lq_activity *a);

#endif
