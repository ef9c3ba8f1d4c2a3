/* leadq — the queue: "who next" order (DESIGN §4), other sorts, filters.
 *
 * The same code orders the client's queue and the server's reports.  It works
 * on arrays of pointers to leads, so a 50,000-lead queue re-sorts without
 * copying; sort keys that depend on "now" are computed once per sort, never
 * inside the comparison. */
#ifndef LEADQ_QUEUE_H
#define LEADQ_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "leadq/i18n.h"
#include "leadq/lead.h"
#include "leadq/time.h"

#define LQ_SORT_LIST(X) \
	X(PRIORITY, "priority", N_("who next")) \
	X(SCORE,    "score",    N_("score"))    \
	X(AGE,      "age",      N_("age"))      \
	X(COMPANY,  "company",  N_("company"))  \
	X(SOURCE,   "source",   N_("source"))

enum lq_sort {
#define X(id, wire, label) LQ_SORT_##id,
	LQ_SORT_LIST(X)
#undef X
	LQ_SORT_COUNT
};
const char *lq_sort_wire(enum lq_sort s);
const char *lq_sort_label(enum lq_sort s);
int lq_sort_parse(const char *wire);

/* Appointments or callbacks starting within this window (or overdue) come first. */
#define LQ_QUEUE_DUE_WINDOW (15 * LQ_MINUTE)

/* Priority groups, in order. */
enum lq_queue_group {
	LQ_GROUP_DUE_NOW = 0,   /* appointment/callback within 15 min or overdue */
	LQ_GROUP_FIRST_CONTACT, /* SLA first-contact clock running, by deadline */
	LQ_GROUP_CADENCE,       /* in cadence, by next touch due */
	LQ_GROUP_OTHER,         /* the rest */
};

/* A queue entry: the lead plus the keys one sort needs. */
struct lq_queue_item {
	const struct lq_lead *lead;
	const char *folded;     /* lq_fold() of name, company, email, city… for search */
	const char *folded_company; /* lq_fold() of the company, for the company sort */
	int group;              /* enum lq_queue_group, filled by lq_queue_sort() */
	lq_time key;            /* time key within the group */
};

struct lq_filter {
	unsigned status_mask;   /* bit (1u << status); 0 means every status */
	const char *source;     /* exact source, or NULL/"" for any */
	bool breached_only;     /* SLA deadline passed at now */
	const char *text;       /* folded search text, or NULL/"" */
	const char *owner_id;   /* exact owner, or NULL for any ("" = no owner) */
	const char *team_id;    /* exact team, or NULL for any ("" = no team) */
	/* Only the leads at_risk() says are at risk at now: the SLA state needs
	 * the team's calendar, which the caller holds.  Without at_risk no lead
	 * matches. */
	bool at_risk_only;
	bool (*at_risk)(void *ctx, const struct lq_lead *l, lq_time now);
	void *at_risk_ctx;
};
void lq_filter_init(struct lq_filter *f);   /* everything */
/* The default view of a rep: open leads (new, working). */
unsigned lq_filter_open_mask(void);
bool lq_filter_match(const struct lq_filter *f, const struct lq_queue_item *it, lq_time now);

/* Whether the lead's running SLA deadline has passed at now: an open lead
 * not yet touched with now >= sla_first_due, or touched with
 * now >= sla_cadence_due. */
bool lq_lead_breached(const struct lq_lead *l, lq_time now);

/* Sorts items in place.  PRIORITY is DESIGN §4: group, then key ascending
 * (most overdue first), then score descending, then age (older MQL first),
 * then id for a total, stable order.  SCORE: score desc, then priority.
 * AGE: mql_at asc, then priority.  COMPANY (folded_company), SOURCE
 * (lead->source, a wire code): byte order asc, then priority.  An unknown
 * time (LQ_TIME_NONE key or mql_at) and a NULL or empty company/source sort
 * last.  Allocates a scratch copy; without memory it sorts in place, slower,
 * to the same order.  An unknown sort means PRIORITY. */
void lq_queue_sort(struct lq_queue_item *items, size_t n, enum lq_sort sort, lq_time now);

/* Copies into out (capacity n) the items of in that match; returns the count.
 * Order is kept. */
size_t lq_queue_filter(const struct lq_queue_item *in, size_t n, const struct lq_filter *f,
		       lq_time now, struct lq_queue_item *out);

/* One owner's load, for the team lead's panel. */
struct lq_rep_load {
	const char *owner_id;   /* set by the caller; "" = the unassigned leads */
	int open;               /* new or working */
	int due_today;          /* open, not breached, with something due before
				   day_end: the first-contact deadline while it
				   runs, else the next cadence touch, or an
				   appointment or callback (overdue ones too) */
	int breached;           /* lq_lead_breached() at now */
	lq_time last_touch;     /* the newest last_touch_at of any of the owner's
				   leads, LQ_TIME_NONE when none */
};
/* Counts the items into loads[] by owner (the counts are reset first);
 * leads of other owners are skipped. */
void lq_queue_load(const struct lq_queue_item *items, size_t n, lq_time now, lq_time day_end,
		   struct lq_rep_load *loads, size_t nloads);

#endif
