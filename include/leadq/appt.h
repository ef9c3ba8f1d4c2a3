/* leadq — appointments, callbacks and reps' free/busy (DESIGN §1, §7, §8).
 *
 * Pure: no I/O, no clock.  The server keeps the appointments and enforces
 * that no two booked appointments of one rep overlap (in the transaction
 * that books, with lq_appt_overlaps()); agents see a rep's free slots
 * (lq_freebusy_slots()); calendar applications read iCalendar
 * (lq_ics_write()). */
#ifndef LEADQ_APPT_H
#define LEADQ_APPT_H

#include <stdbool.h>
#include <stddef.h>

#include "leadq/calendar.h"
#include "leadq/i18n.h"
#include "leadq/time.h"
#include "leadq/uuid.h"

#define LQ_APPT_MODE_LIST(X) \
	X(PHONE, "phone", N_("phone")) \
	X(VIDEO, "video", N_("video")) \
	X(VISIT, "visit", N_("visit"))

enum lq_appt_mode {
#define X(id, wire, label) LQ_APPT_##id,
	LQ_APPT_MODE_LIST(X)
#undef X
	LQ_APPT_MODE_COUNT
};

/* pending: made offline, not accepted by the server yet; booked; cancelled. */
#define LQ_APPT_STATUS_LIST(X) \
	X(PENDING,   "pending",   N_("pending"))   \
	X(BOOKED,    "booked",    N_("booked"))    \
	X(CANCELLED, "cancelled", N_("cancelled"))

enum lq_appt_status {
#define X(id, wire, label) LQ_APPT_ST_##id,
	LQ_APPT_STATUS_LIST(X)
#undef X
	LQ_APPT_STATUS_COUNT
};

/* Out-of-range values give NULL; parse gives -1 when unknown or NULL. */
const char *lq_appt_mode_wire(enum lq_appt_mode m);
const char *lq_appt_mode_label(enum lq_appt_mode m);   /* untranslated (N_) */
int lq_appt_mode_parse(const char *wire);
const char *lq_appt_status_wire(enum lq_appt_status s);
const char *lq_appt_status_label(enum lq_appt_status s);
int lq_appt_status_parse(const char *wire);

struct lq_appt {
	char id[LQ_UUID_SIZE];
	char lead_id[LQ_UUID_SIZE];
	char rep_id[LQ_UUID_SIZE];
	char booked_by[LQ_UUID_SIZE];   /* the agent (or rep) who booked it */
	lq_time start, end;             /* start < end */
	char tz[64];                    /* the zone the time was agreed in (the lead's) */
	enum lq_appt_mode mode;
	enum lq_appt_status status;
	char *notes;                    /* malloc'd or NULL */
	int64_t version;
};
/* Zero, mode phone, status pending, start/end LQ_TIME_NONE; clear frees
 * notes and re-inits. */
void lq_appt_init(struct lq_appt *a);
void lq_appt_clear(struct lq_appt *a);

/* A half-open interval [start, end). */
struct lq_interval {
	lq_time start, end;
};

/* True when [start, end) overlaps one of busy[0..n) (touching ends do not
 * overlap: 10:00-10:30 and 10:30-11:00 are both fine). */
bool lq_appt_overlaps(lq_time start, lq_time end, const struct lq_interval *busy, size_t n);

/* A rep's free slots of `minutes` in [from, to): inside the calendar's open
 * hours (its zone, split shifts, holidays: no slot crosses a closing or a
 * lunch break), not overlapping busy (any order, may overlap each other),
 * starting on a multiple of `step` minutes from local midnight of the
 * calendar's zone (step 30: 09:00, 09:30, …), and not before `not_before`
 * (now plus notice; LQ_TIME_NONE: no limit).  Writes at most max slots in
 * time order and returns how many there are in all (more than max means
 * cut).  minutes and step must be 1..1440; 0 when the calendar has no hours. */
size_t lq_freebusy_slots(const struct lq_calendar *cal, lq_time from, lq_time to,
			 int minutes, int step, lq_time not_before,
			 const struct lq_interval *busy, size_t nbusy,
			 struct lq_interval *out, size_t max);

/* A rep's free/busy over [from, to) as GET /reps/{id}/freebusy answers it
 * (share/doc/api.md): times only, never lead details.  The codec reads and
 * writes it (lq_freebusy_to_json, lq_freebusy_from_text); the booking screen
 * shows it.  Strings and arrays are malloc'd; clear frees them. */
struct lq_freebusy {
	char rep_id[LQ_UUID_SIZE];
	char *rep_name, *rep_tz;         /* may be NULL */
	char *cal_tz, *cal_hours, *cal_holidays;   /* the team's calendar; may be NULL */
	lq_time from, to;
	int minutes;
	struct lq_interval *busy, *free;
	size_t nbusy, nfree;
	bool more;                       /* more free slots than were sent */
};
void lq_freebusy_init(struct lq_freebusy *fb);
void lq_freebusy_clear(struct lq_freebusy *fb);

/* --- iCalendar (RFC 5545) ---------------------------------------------------- */

/* One VEVENT of an appointment, with what a calendar application shows.
 * summary/description/location are the caller's text (UTF-8; may be NULL). */
struct lq_ics_event {
	const struct lq_appt *appt;
	const char *summary;            /* "Call: José Núñez (Grupo X)" */
	const char *description;        /* notes, phone, … */
	const char *location;           /* a visit's address; NULL otherwise */
	lq_time stamp;                  /* DTSTAMP: when the calendar was made */
};

/* A VCALENDAR with the events, CRLF line ends, lines folded at 75 octets
 * (never inside a UTF-8 character), TEXT values escaped (\\ ; , and
 * newlines).  Times are UTC (DTSTART:20270104T090000Z) and the event says
 * the zone it was agreed in as X-LEADQ-TZ; UID is the appointment's id
 * with "@leadq"; SEQUENCE its version; STATUS CONFIRMED or CANCELLED
 * (pending events are left out).  name: X-WR-CALNAME (may be NULL).
 * Returns a malloc'd text, NULL when out of memory. */
char *lq_ics_write(const char *name, const struct lq_ics_event *events, size_t n);

#endif
