/* leadq — instants and RFC 3339 text.
 *
 * An instant is whole seconds since the Unix epoch, UTC (lq_time).  The core
 * never reads the clock: "now" is always a parameter.  Civil-date maths are
 * done here without libc's time zone state, so they are thread-safe. */
#ifndef LEADQ_TIME_H
#define LEADQ_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t lq_time;

/* "No time" (a lead never touched, a clock not running). */
#define LQ_TIME_NONE INT64_MIN

#define LQ_MINUTE ((lq_time)60)
#define LQ_HOUR   ((lq_time)3600)
#define LQ_DAY    ((lq_time)86400)

/* "2026-11-23T22:38:30Z" plus NUL; with an offset "+01:00" it is 26 bytes. */
#define LQ_RFC3339_SIZE 32

struct lq_civil {
	int year, month, day;     /* month 1..12, day 1..31 */
	int hour, minute, second;
	int wday;                 /* 0 = Sunday .. 6 = Saturday */
	int yday;                 /* 0..365 */
};

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t lq_days_from_civil(int year, int month, int day);
void lq_civil_from_days(int64_t days, int *year, int *month, int *day);
/* The weekday of a day number: 0 = Sunday .. 6 = Saturday. */
int lq_weekday_from_days(int64_t days);

/* Split an instant shifted by utc_offset seconds into its civil fields. */
void lq_time_to_civil(lq_time t, int32_t utc_offset, struct lq_civil *out);
/* The instant whose wall time at utc_offset is the given civil time
 * (wday/yday are ignored). */
lq_time lq_time_from_civil(const struct lq_civil *c, int32_t utc_offset);

/* Writes RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" (offset 0) or "…+HH:MM".
 * Returns buf; LQ_TIME_NONE gives "". */
char *lq_time_format(lq_time t, int32_t utc_offset, char buf[LQ_RFC3339_SIZE]);

/* Parses RFC 3339 (date-time with Z or ±HH:MM; fractional seconds accepted
 * and dropped; 't'/'z' accepted).  Returns false on anything else. */
bool lq_time_parse(const char *text, lq_time *out);

/* A wall-clock time people type: "YYYY-MM-DD HH:MM" (or with a T), or
 * "HH:MM" alone, which is today of *now (a wall time too), or tomorrow when
 * it is not later than *now.  Blanks around are fine.  Fills *out's date,
 * hour and minute (second 0); false on anything else or a value out of
 * range.  The caller turns it into an instant in the zone it is meant in. */
bool lq_civil_parse_wall(const char *text, const struct lq_civil *now, struct lq_civil *out);

/* "1h 05m", "23m 05s", "2d 3h": a signed duration for people.  Returns buf. */
char *lq_duration_format(lq_time seconds, char *buf, size_t size);

#endif
