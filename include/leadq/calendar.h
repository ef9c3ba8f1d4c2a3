/* leadq — a team's business calendar and business-time arithmetic.
 *
 * A calendar is a zone, weekly opening hours (split shifts allowed) and
 * holidays (local dates).  Business time is the time inside those hours; all
 * arithmetic is in seconds, walking local days in the zone so it is right
 * across DST changes. */
#ifndef LEADQ_CALENDAR_H
#define LEADQ_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "leadq/time.h"
#include "leadq/tz.h"

#define LQ_CAL_MAX_SHIFTS 4       /* per weekday */
#define LQ_CAL_MAX_HOLIDAYS 64

struct lq_shift {
	int start_min, end_min;   /* minutes after local midnight, start < end <= 1440 */
};

struct lq_calendar {
	const struct lq_tz *tz;   /* borrowed */
	struct lq_shift week[7][LQ_CAL_MAX_SHIFTS]; /* [0] = Sunday */
	int nshifts[7];
	int64_t holidays[LQ_CAL_MAX_HOLIDAYS]; /* lq_days_from_civil() of local dates, sorted */
	int nholidays;
};

/* Parses weekly hours, e.g. "mon-fri 09:00-14:00,15:00-18:00; sat 10:00-13:00".
 * Day names mon..sun (ranges allowed, wrapping not), shifts sorted and not
 * overlapping.  On error returns false and writes a one-line reason
 * ("at 'mon-fri 9-14': expected HH:MM") into err. */
bool lq_calendar_parse_hours(struct lq_calendar *cal, const char *spec,
			     char *err, size_t errsize);
/* Parses holidays "2026-12-25,2027-01-01" (ISO dates, comma or space). */
bool lq_calendar_parse_holidays(struct lq_calendar *cal, const char *spec,
				char *err, size_t errsize);
/* The default: mon-fri 09:00-14:00,15:00-18:00, no holidays. */
void lq_calendar_default(struct lq_calendar *cal, const struct lq_tz *tz);

bool lq_calendar_is_open(const struct lq_calendar *cal, lq_time t);

/* The instant after start at which `seconds` of business time have passed.
 * seconds == 0 from outside hours gives the next opening.  Returns
 * LQ_TIME_NONE when the calendar has no open hours at all. */
lq_time lq_calendar_add(const struct lq_calendar *cal, lq_time start, lq_time seconds);

/* Business seconds between a and b; negative when b < a. */
lq_time lq_calendar_between(const struct lq_calendar *cal, lq_time a, lq_time b);

/* The end of the business day that is `days` business days after start's
 * local day (days = 0: the end of start's own business day, or of the next
 * open day when start's day is closed or over).  A business day is a
 * non-holiday weekday with hours. */
lq_time lq_calendar_add_days(const struct lq_calendar *cal, lq_time start, int days);
/* Whether a local day (lq_days_from_civil) is a business day: a weekday
 * with hours that is not a holiday. */
bool lq_calendar_is_business_day(const struct lq_calendar *cal, int64_t day);

/* Calls cb(ctx, start, end) for each open interval of the calendar that
 * meets [from, to), clipped to it, in time order, each instant once (a
 * shift that falls in a spring-forward gap has none; the autumn hour that
 * happens twice is in it twice as wall time, once as instants).  Stops when
 * cb returns non-zero, and after 20 years of days. */
typedef int (*lq_calendar_span_cb)(void *ctx, lq_time start, lq_time end);
void lq_calendar_each_open(const struct lq_calendar *cal, lq_time from, lq_time to,
			   lq_calendar_span_cb cb, void *ctx);

#endif
