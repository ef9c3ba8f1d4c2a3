/* leadq — the funnel report (DESIGN §1, §7; issue 6): the maths that
 * `GET /reports/funnel`, `leadqd report funnel` and the client's reports
 * screen share.  Pure: no I/O, no clock (now is a parameter).
 *
 * The server feeds one struct lq_funnel_lead per lead passed to sales in
 * the period; the builder groups them by the breakdown's value and counts:
 *   passed        every lead fed (mql_at in [from, to))
 *   touched       first_touch_at is set
 *   accepted      status qualified, opportunity, won or lost (sales
 *                 accepted it; a lead accepted and then recycled counts as
 *                 recycled, by its status now)
 *   opportunities status opportunity, won or lost
 *   won, lost     status won / lost; revenue: the sum of amount of won leads
 *   recycled, junk, unreachable  by status, with counts per reason code
 *   time to first touch  first_touch_at - mql_at (seconds, wall clock) of
 *                 touched leads: median and 90th percentile (nearest rank:
 *                 the ceil(p*n)-th smallest)
 *   SLA met       of the leads whose first-contact deadline is decided
 *                 (touched, or untouched with sla_first_due <= now; leads
 *                 without a deadline are left out): touched at or before
 *                 sla_first_due
 * Conversion rates are between consecutive stages (passed -> touched ->
 * accepted -> opportunity -> won).  total sums every row (its median and
 * p90 over all the touched leads). */
#ifndef LEADQ_FUNNEL_H
#define LEADQ_FUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leadq/lead.h"
#include "leadq/time.h"

#define LQ_FUNNEL_BY_LIST(X)         \
	X(SOURCE,     "source")      \
	X(CAMPAIGN,   "campaign")    \
	X(REP,        "rep")         \
	X(TEAM,       "team")        \
	X(SCORE_BAND, "score_band")

enum lq_funnel_by {
#define X(id, wire) LQ_FUNNEL_BY_##id,
	LQ_FUNNEL_BY_LIST(X)
#undef X
	LQ_FUNNEL_BY_COUNT
};
const char *lq_funnel_by_wire(enum lq_funnel_by by);   /* NULL when out of range */
int lq_funnel_by_parse(const char *wire);              /* -1 when unknown or NULL */

/* Score bands of 20 points: "0–19", "20–39", "40–59", "60–79", "80–99",
 * "100+" (an en dash; scores below 0 fall in the first).  Returns the
 * band's index (0..5) and writes its label. */
#define LQ_SCORE_BANDS 6
int lq_score_band(int score, char *label, size_t size);

/* What the report needs of one lead. */
struct lq_funnel_lead {
	const char *group;          /* the breakdown's value; NULL or "": none */
	enum lq_status status;
	const char *reason;         /* code, for recycle/junk/unreachable */
	lq_time mql_at, first_touch_at, sla_first_due;
	int64_t amount;             /* revenue when won */
};

struct lq_funnel_count {
	char code[LQ_REASON_SIZE];
	long n;
};

struct lq_funnel_row {
	char *group;                /* "" for leads without a value */
	long passed, touched, accepted, opportunities, won, lost;
	long recycled, junk, unreachable;
	int64_t revenue;
	int64_t ttft_median, ttft_p90;   /* seconds; -1 when nothing was touched */
	long sla_met, sla_decided;
	/* [0] recycle, [1] junk, [2] unreachable: by count, most first, then
	 * code; at most LQ_REASON_MAX each (further codes are summed into
	 * "other"). */
	struct lq_funnel_count reasons[3][LQ_REASON_MAX];
	int nreasons[3];
	/* The builder's samples of time to first touch (freed by finish). */
	int64_t *ttft;
	size_t nttft, ttft_cap;
};

struct lq_funnel {
	enum lq_funnel_by by;
	lq_time from, to;           /* LQ_TIME_NONE: open */
	struct lq_funnel_row *rows; /* after finish: by passed, most first, then
				       group (score bands: by band, low first) */
	size_t n, cap;
	struct lq_funnel_row total;  /* group "" */
	void *index;                 /* the builder's lookup of rows by group */
};

void lq_funnel_init(struct lq_funnel *f, enum lq_funnel_by by, lq_time from, lq_time to);
/* Counts one lead (leads with mql_at outside [from, to) are skipped); false
 * when out of memory (f stays consistent and may be freed). */
bool lq_funnel_add(struct lq_funnel *f, const struct lq_funnel_lead *l, lq_time now);
/* Sorts the rows and computes the medians; false when out of memory. */
bool lq_funnel_finish(struct lq_funnel *f);
void lq_funnel_free(struct lq_funnel *f);

/* A conversion rate in percent (num / den * 100); -1 when den is 0. */
double lq_funnel_rate(long num, long den);
/* The same rate in tenths of a percent, rounded half up (5 of 8: 625, for
 * "62.5"): what the JSON, CSV and table show; -1 when den is 0.  Lets
 * callers print it without %f (whose decimal point follows the locale). */
long lq_funnel_rate_tenths(long num, long den);

/* The report as text for people and programs (malloc'd; NULL when out of
 * memory).  CSV: RFC 4180, comma, a header row of wire names, one row per
 * group and a last row with group "total".  Table: aligned columns for a
 * terminal, UTF-8 aware; label() translates the msgids of the column
 * headers (identity when NULL). */
char *lq_funnel_format_csv(const struct lq_funnel *f);
char *lq_funnel_format_table(const struct lq_funnel *f, const char *(*label)(const char *msgid));

#endif
