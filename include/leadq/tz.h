/* leadq — IANA time zones from TZif data (RFC 8536), thread-safe.
 *
 * The core parses TZif bytes that the caller has read (lq_os_tz_load() reads
 * them from the tz database); no TZ environment tricks.  Times past the last
 * transition follow the TZif footer's POSIX TZ string. */
#ifndef LEADQ_TZ_H
#define LEADQ_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "leadq/time.h"

struct lq_tz;

enum lq_tz_error {
	LQ_TZ_OK = 0,
	LQ_TZ_ENOMEM,
	LQ_TZ_EFORMAT,   /* not TZif, truncated or inconsistent */
	LQ_TZ_EFOOTER,   /* the POSIX TZ string cannot be parsed */
};

/* Parses TZif v1..v4 data.  name is kept for display ("Europe/Madrid").
 * On success *out owns a new zone, free with lq_tz_free(). */
enum lq_tz_error lq_tz_parse(const char *name, const void *data, size_t len,
			     struct lq_tz **out);
/* A fixed-offset zone (UTC is lq_tz_fixed("UTC", 0)); NULL when out of memory. */
struct lq_tz *lq_tz_fixed(const char *name, int32_t utc_offset);
void lq_tz_free(struct lq_tz **tz);

const char *lq_tz_name(const struct lq_tz *tz);

/* Offset from UTC in seconds at instant t, and its abbreviation ("CET"). */
int32_t lq_tz_offset(const struct lq_tz *tz, lq_time t, const char **abbr);

/* The instant of a local wall time.  In the spring gap (a wall time that does
 * not exist) it answers the instant the same number of seconds after the gap
 * starts, as if the clock had not jumped (02:30 -> 03:30 CEST in Madrid); in
 * the autumn overlap (a wall time that happens twice) the earlier one. */
lq_time lq_tz_from_local(const struct lq_tz *tz, const struct lq_civil *local);

/* Civil fields of t in this zone; returns the offset used. */
int32_t lq_tz_to_local(const struct lq_tz *tz, lq_time t, struct lq_civil *out);

/* The same as lq_tz_from_local() for a wall time given as seconds since
 * 1970-01-01T00:00 local (lq_days_from_civil() * LQ_DAY + seconds of day). */
lq_time lq_tz_from_wall(const struct lq_tz *tz, lq_time wall);

/* The offset at t, and an interval [*from, *until) around t over which it
 * holds (bounded by transitions; INT64_MIN / INT64_MAX when unbounded).  The
 * offset may also hold beyond it.  Lets callers convert many nearby times
 * without a lookup each. */
int32_t lq_tz_offset_span(const struct lq_tz *tz, lq_time t, lq_time *from, lq_time *until);

#endif
