/* leadq — appointments, reps' free slots and iCalendar output. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "leadq/appt.h"
#include "leadq/mem.h"

/* ---- name tables: generated from the X-macro lists in appt.h --------- */

static const char *const mode_wire[] = {
#define X(id, wire, label) wire,
	LQ_APPT_MODE_LIST(X)
#undef X
};
static const char *const mode_label[] = {
#define X(id, wire, label) label,
	LQ_APPT_MODE_LIST(X)
#undef X
};
static const char *const status_wire[] = {
#define X(id, wire, label) wire,
	LQ_APPT_STATUS_LIST(X)
#undef X
};
static const char *const status_label[] = {
#define X(id, wire, label) label,
	LQ_APPT_STATUS_LIST(X)
#undef X
};

static int name_find(const char *const *table, int count, const char *wire)
{
	if (!wire)
		return -1;
	for (int i = 0; i < count; i++) {
		if (strcmp(table[i], wire) == 0)
			return i;
	}
	return -1;
}

const char *lq_appt_mode_wire(enum lq_appt_mode m)
{
	return (int)m >= 0 && m < LQ_APPT_MODE_COUNT ? mode_wire[m] : NULL;
}

const char *lq_appt_mode_label(enum lq_appt_mode m)
{
	return (int)m >= 0 && m < LQ_APPT_MODE_COUNT ? mode_label[m] : NULL;
}

int lq_appt_mode_parse(const char *wire)
{
	return name_find(mode_wire, LQ_APPT_MODE_COUNT, wire);
}

const char *lq_appt_status_wire(enum lq_appt_status s)
{
	return (int)s >= 0 && s < LQ_APPT_STATUS_COUNT ? status_wire[s] : NULL;
}

const char *lq_appt_status_label(enum lq_appt_status s)
{
	return (int)s >= 0 && s < LQ_APPT_STATUS_COUNT ? status_label[s] : NULL;
}

int lq_appt_status_parse(const char *wire)
{
	return name_find(status_wire, LQ_APPT_STATUS_COUNT, wire);
}

/* ---- the record ------------------------------------------------------- */

void lq_appt_init(struct lq_appt *a)
{
	if (!a)
		return;
	memset(a, 0, sizeof(*a));
	a->mode = LQ_APPT_PHONE;
	a->status = LQ_APPT_ST_PENDING;
	a->start = a->end = LQ_TIME_NONE;
	a->notes = NULL;
}

void lq_appt_clear(struct lq_appt *a)
{
	if (!a)
		return;
	lq_free(a->notes);
	lq_appt_init(a);
}

void lq_freebusy_init(struct lq_freebusy *fb)
{
	memset(fb, 0, sizeof(*fb));
	fb->from = fb->to = LQ_TIME_NONE;
}

void lq_freebusy_clear(struct lq_freebusy *fb)
{
	if (!fb)
		return;
	lq_free(fb->rep_name);
	lq_free(fb->rep_tz);
	lq_free(fb->cal_tz);
	lq_free(fb->cal_hours);
	lq_free(fb->cal_holidays);
	lq_free(fb->busy);
	lq_free(fb->free);
	lq_freebusy_init(fb);
}

/* ---- overlaps --------------------------------------------------------- */

/* An interval that holds time; "no time" bounds make it hold none. */
static bool interval_valid(lq_time start, lq_time end)
{
	return start != LQ_TIME_NONE && end != LQ_TIME_NONE && start < end;
}

/* The latest end among the busy intervals that overlap [start, end), or
 * LQ_TIME_NONE when none does.  A slot search can jump to it: every later
 * start before it overlaps the same interval. */
static lq_time busy_until(lq_time start, lq_time end, const struct lq_interval *busy, size_t n)
{
	lq_time until = LQ_TIME_NONE;

	if (!busy)
		return LQ_TIME_NONE;
	for (size_t i = 0; i < n; i++) {
		const struct lq_interval *b = &busy[i];

		if (!interval_valid(b->start, b->end))
			continue;
		if (b->start < end && start < b->end && b->end > until)
			until = b->end;
	}
	return until;
}

bool lq_appt_overlaps(lq_time start, lq_time end, const struct lq_interval *busy, size_t n)
{
	if (!interval_valid(start, end))
		return false;
	return busy_until(start, end, busy, n) != LQ_TIME_NONE;
}

/* ---- free slots ------------------------------------------------------- */

/* As in calendar.c: instants beyond ~300,000 years are out of range, so
 * no sum below overflows. */
#define TIME_LIMIT ((lq_time)10000000000000)

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* The offset at t, with the span it holds over remembered so that a walk
 * looks the zone up only when it crosses a transition. */
struct span_cache {
	const struct lq_tz *tz;
	int32_t off;
	lq_time from, until;
	bool valid;
};

static int32_t offset_at(struct span_cache *sc, lq_time t)
{
	if (!sc->valid || t < sc->from || t >= sc->until) {
		sc->off = lq_tz_offset_span(sc->tz, t, &sc->from, &sc->until);
		sc->valid = true;
	}
	return sc->off;
}

struct slot_walk {
	struct span_cache zone;
	lq_time dur, step;             /* seconds */
	lq_time next;                  /* no slot starts before this */
	const struct lq_interval *busy;
	size_t nbusy;
	struct lq_interval *out;
	size_t max, count;
};

/* The slots inside [lo, hi), one shift already cut to the asked range.
 * Walks instants, not wall times: inside one offset the grid instants are
 * wall grid points minus the offset; a transition restarts the grid from
 * the wall time after it, so the spring gap has no slots and the autumn
 * hour that happens twice has slots in both. */
static void shift_slots(struct slot_walk *w, lq_time lo, lq_time hi)
{
	lq_time t = lo > w->next ? lo : w->next;

	while (t <= hi - w->dur) {
		int32_t off = offset_at(&w->zone, t);
		lq_time wall = t + off;
		lq_time midnight = floor_div(wall, LQ_DAY) * LQ_DAY;
		lq_time g = midnight + (wall - midnight + w->step - 1) / w->step * w->step;
		lq_time c, until;

		/* The grid starts afresh at each local midnight. */
		if (g > midnight + LQ_DAY)
			g = midnight + LQ_DAY;
		c = g - off;
		/* Past the span the wall time has another offset; the second
		 * test guards the walk against a span that does not advance. */
		if (c >= w->zone.until && w->zone.until > t) {
			t = w->zone.until;
			continue;
		}
		if (c > hi - w->dur)
			break;
		until = busy_until(c, c + w->dur, w->busy, w->nbusy);
		if (until != LQ_TIME_NONE) {
			t = until > c ? until : c + 1;
			continue;
		}
		if (w->out && w->count < w->max) {
			w->out[w->count].start = c;
			w->out[w->count].end = c + w->dur;
		}
		w->count++;
		t = c + 1;
		w->next = t;
	}
}

static int shift_cb(void *ctx, lq_time start, lq_time end)
{
	struct slot_walk *w = ctx;

	if (end - start >= w->dur)
		shift_slots(w, start, end);
	return 0;
}

size_t lq_freebusy_slots(const struct lq_calendar *cal, lq_time from, lq_time to,
			 int minutes, int step, lq_time not_before,
			 const struct lq_interval *busy, size_t nbusy,
			 struct lq_interval *out, size_t max)
{
	struct slot_walk w;
	lq_time lo_all = from, hi_all = to;

	if (!cal || minutes < 1 || minutes > 1440 || step < 1 || step > 1440)
		return 0;
	if (from == LQ_TIME_NONE || to == LQ_TIME_NONE)
		return 0;
	if (not_before != LQ_TIME_NONE && not_before > lo_all)
		lo_all = not_before;
	if (lo_all < -TIME_LIMIT)
		lo_all = -TIME_LIMIT;
	if (hi_all > TIME_LIMIT)
		hi_all = TIME_LIMIT;
	if (hi_all <= lo_all)
		return 0;

	memset(&w, 0, sizeof(w));
	w.zone.tz = cal->tz;
	w.zone.valid = false;
	w.dur = (lq_time)minutes * LQ_MINUTE;
	w.step = (lq_time)step * LQ_MINUTE;
	w.next = lo_all;
	w.busy = busy;
	w.nbusy = busy ? nbusy : 0;
	w.out = out;
	w.max = out ? max : 0;

	/* The calendar's own open intervals: one reading of its hours. */
	lq_calendar_each_open(cal, lo_all, hi_all, shift_cb, &w);
	return w.count;
}

/* ---- iCalendar --------------------------------------------------------- */

#define ICS_LINE_MAX 75   /* octets per physical line, CRLF not counted */

/* The text being built; after the first failure every write is a no-op. */
struct ics_buf {
	char *p;
	size_t len, cap;
	size_t col;       /* octets on the current physical line */
	bool oom;
};

static void ics_raw(struct ics_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + n + 1) {
			if (cap > ((size_t)-1) / 2) {
				b->oom = true;
				return;
			}
			cap *= 2;
		}
		p = lq_realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Writes one unit that must stay on one line (a character or an escape),
 * folding first when it would pass the limit. */
static void ics_unit(struct ics_buf *b, const char *s, size_t n)
{
	if (b->col + n > ICS_LINE_MAX) {
		ics_raw(b, "\r\n ", 3);
		b->col = 1;
	}
	ics_raw(b, s, n);
	b->col += n;
}

static void ics_ascii(struct ics_buf *b, const char *s)
{
	for (; *s; s++)
		ics_unit(b, s, 1);
}

static void ics_end_line(struct ics_buf *b)
{
	ics_raw(b, "\r\n", 2);
	b->col = 0;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	}
	return n;
}

/* A TEXT value (RFC 5545 3.3.11): \ ; , escaped, any line end as \n,
 * other control characters dropped (TEXT does not allow them), invalid
 * UTF-8 replaced by U+FFFD. */
static void ics_text(struct ics_buf *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	while (*s) {
		size_t n;

		switch (*s) {
		case '\\':
			ics_unit(b, "\\\\", 2);
			s++;
			continue;
		case ';':
			ics_unit(b, "\\;", 2);
			s++;
			continue;
		case ',':
			ics_unit(b, "\\,", 2);
			s++;
			continue;
		case '\r':
			ics_unit(b, "\\n", 2);
			s += s[1] == '\n' ? 2 : 1;
			continue;
		case '\n':
			ics_unit(b, "\\n", 2);
			s++;
			continue;
		case '\t':
			ics_unit(b, "\t", 1);
			s++;
			continue;
		default:
			break;
		}
		if (*s < 0x20 || *s == 0x7F) {
			s++;
			continue;
		}
		n = utf8_len(s);
		if (n == 0) {
			ics_unit(b, "\xEF\xBF\xBD", 3);
			s++;
			continue;
		}
		ics_unit(b, (const char *)s, n);
		s += n;
	}
}

static void ics_prop_ascii(struct ics_buf *b, const char *name, const char *value)
{
	ics_ascii(b, name);
	ics_unit(b, ":", 1);
	ics_ascii(b, value);
	ics_end_line(b);
}

static void ics_prop_text(struct ics_buf *b, const char *name, const char *value)
{
	ics_ascii(b, name);
	ics_unit(b, ":", 1);
	ics_text(b, value);
	ics_end_line(b);
}

/* YYYYMMDDTHHMMSSZ; false when t has no such form. */
static bool ics_utc(lq_time t, char out[32])
{
	struct lq_civil c;

	if (t == LQ_TIME_NONE || t < -TIME_LIMIT || t > TIME_LIMIT)
		return false;
	lq_time_to_civil(t, 0, &c);
	if (c.year < 0 || c.year > 9999)
		return false;
	snprintf(out, 32, "%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day, c.hour,
		 c.minute, c.second);
	return true;
}

static void ics_event(struct ics_buf *b, const struct lq_ics_event *ev)
{
	const struct lq_appt *a = ev->appt;
	char start[32], end[32], stamp[32], seq[32];
	char uid[LQ_UUID_SIZE + 8];
	const char *mode;

	/* Only what the server accepted; an event without real times would
	 * be invalid iCalendar, so it is left out too. */
	if (!a || (a->status != LQ_APPT_ST_BOOKED && a->status != LQ_APPT_ST_CANCELLED))
		return;
	if (a->end <= a->start || !ics_utc(a->start, start) || !ics_utc(a->end, end))
		return;
	/* DTSTAMP is required; without one the event's own start stands in. */
	if (!ics_utc(ev->stamp, stamp))
		memcpy(stamp, start, sizeof(stamp));
	snprintf(uid, sizeof(uid), "%.*s@leadq", (int)strnlen(a->id, LQ_UUID_SIZE - 1), a->id);
	snprintf(seq, sizeof(seq), "%lld", (long long)(a->version > 0 ? a->version : 0));

	ics_prop_ascii(b, "BEGIN", "VEVENT");
	ics_prop_text(b, "UID", uid);
	ics_prop_ascii(b, "DTSTAMP", stamp);
	ics_prop_ascii(b, "DTSTART", start);
	ics_prop_ascii(b, "DTEND", end);
	if (ev->summary)
		ics_prop_text(b, "SUMMARY", ev->summary);
	if (ev->description)
		ics_prop_text(b, "DESCRIPTION", ev->description);
	if (ev->location)
		ics_prop_text(b, "LOCATION", ev->location);
	ics_prop_ascii(b, "STATUS", a->status == LQ_APPT_ST_BOOKED ? "CONFIRMED" : "CANCELLED");
	ics_prop_ascii(b, "SEQUENCE", seq);
	if (strnlen(a->tz, sizeof(a->tz)) > 0) {
		char tz[sizeof(a->tz) + 1];

		snprintf(tz, sizeof(tz), "%.*s", (int)strnlen(a->tz, sizeof(a->tz)), a->tz);
		ics_prop_text(b, "X-LEADQ-TZ", tz);
	}
	mode = lq_appt_mode_wire(a->mode);
	if (mode)
		ics_prop_ascii(b, "X-LEADQ-MODE", mode);
	ics_prop_ascii(b, "END", "VEVENT");
}

char *lq_ics_write(const char *name, const struct lq_ics_event *events, size_t n)
{
	struct ics_buf b;

	memset(&b, 0, sizeof(b));
	ics_prop_ascii(&b, "BEGIN", "VCALENDAR");
	ics_prop_ascii(&b, "VERSION", "2.0");
	ics_prop_ascii(&b, "PRODID", "-//leadq//leadq//EN");
	ics_prop_ascii(&b, "CALSCALE", "GREGORIAN");
	ics_prop_ascii(&b, "METHOD", "PUBLISH");
	if (name && *name)
		ics_prop_text(&b, "X-WR-CALNAME", name);
	for (size_t i = 0; events && i < n; i++)
		ics_event(&b, &events[i]);
	ics_prop_ascii(&b, "END", "VCALENDAR");
	if (b.oom) {
		lq_free(b.p);
		return NULL;
	}
	return b.p;
}
