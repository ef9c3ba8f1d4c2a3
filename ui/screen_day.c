/* leadq client — appointments (issue 5): the day view (the user's
 * appointments and callbacks of one day in their zone, with the countdown to
 * the next; ←/→ or [ ] change the day, Enter opens the lead) and the lead
 * view's list of the lead's appointments and its callback. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "leadq/appt.h"
#include "leadq/i18n.h"
#include "leadq/text.h"
#include "ui/draw.h"
#include "ui/screen.h"

struct day_row {
	char lead_id[LQ_UUID_SIZE];
	lq_time start, end;         /* end LQ_TIME_NONE: a callback */
	enum lq_appt_mode mode;
	enum lq_appt_status status;
	bool callback, team, answered;
	bool bare;                  /* only the lead's next_appt_at: no row cached */
};

struct lq_day_view {
	int64_t day;                /* days since 1970-01-01 in the user's zone */
	struct day_row *rows;
	size_t nrows, cap;
	size_t cursor, top;
	bool failed;
	char opened[LQ_UUID_SIZE];  /* the lead Enter opened: Esc comes back here */
};

void lq_day_free(struct lq_app *app)
{
	if (!app->day)
		return;
	free(app->day->rows);
	free(app->day);
	app->day = NULL;
}

static struct day_row *new_row(struct lq_day_view *d)
{
	if (d->nrows == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct day_row *rows = realloc(d->rows, cap * sizeof *rows);

		if (!rows) {
			d->failed = true;
			return NULL;
		}
		d->rows = rows;
		d->cap = cap;
	}
	memset(&d->rows[d->nrows], 0, sizeof d->rows[0]);
	return &d->rows[d->nrows++];
}

struct appt_ctx {
	struct lq_app *app;
	const char *me;
};

static int appt_cb(void *ctx, const struct lq_appt *a)
{
	struct appt_ctx *c = ctx;
	struct day_row *r;

	/* A rep's own calendar, and what this user booked for others. */
	if (strcmp(a->rep_id, c->me) != 0 && strcmp(a->booked_by, c->me) != 0)
		return 0;
	r = new_row(c->app->day);
	if (!r)
		return 1;
	memcpy(r->lead_id, a->lead_id, LQ_UUID_SIZE);
	r->start = a->start;
	r->end = a->end;
	r->mode = a->mode;
	r->status = a->status;
	return 0;
}

static int by_start(const void *pa, const void *pb)
{
	const struct day_row *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return strcmp(a->lead_id, b->lead_id);
}

/* A lead of the user whose next appointment is known without its row (an
 * older cache, the demo's seed): shown with its start only. */
static void add_bare(struct lq_app *app, const struct lq_lead *l, lq_time from, lq_time to)
{
	struct lq_day_view *d = app->day;
	struct day_row *r;

	if (l->next_appt_at == LQ_TIME_NONE || l->next_appt_at < from || l->next_appt_at >= to ||
	    lq_app_due_is_callback(l) || !l->owner_id || strcmp(l->owner_id, app->s->user.id) != 0)
		return;
	for (size_t i = 0; i < d->nrows; i++)
		if (strcmp(d->rows[i].lead_id, l->id) == 0 && d->rows[i].start == l->next_appt_at)
			return;
	r = new_row(d);
	if (!r)
		return;
	memcpy(r->lead_id, l->id, LQ_UUID_SIZE);
	r->start = l->next_appt_at;
	r->end = LQ_TIME_NONE;
	r->status = LQ_APPT_ST_BOOKED;
	r->bare = true;
}

/* Reads the day's rows: the cache's appointments of the user, and the
 * callbacks of the loaded leads that are theirs or the team's. */
static void load_day(struct lq_app *app)
{
	struct lq_day_view *d = app->day;
	lq_time from = lq_app_day_start(app, d->day), to = lq_app_day_start(app, d->day + 1);
	const char *me = app->s->user.id;
	struct appt_ctx c = { app, me };

	d->nrows = 0;
	d->failed = false;
	if (lq_store_each_appointment(app->s->store, NULL, NULL, from, to, appt_cb, &c) !=
	    LQ_STORE_OK)
		d->failed = true;
	for (size_t i = 0; i < app->set.count && !d->failed; i++)
		add_bare(app, &app->set.leads[i], from, to);
	for (size_t i = 0; i < app->set.count && !d->failed; i++) {
		const struct lq_lead *l = &app->set.leads[i];
		bool team = !l->callback_user || !l->callback_user[0];
		struct day_row *r;

		if (l->callback_at == LQ_TIME_NONE || l->callback_at < from || l->callback_at >= to)
			continue;
		if (!team && strcmp(l->callback_user, me) != 0)
			continue;
		r = new_row(d);
		if (!r)
			break;
		memcpy(r->lead_id, l->id, LQ_UUID_SIZE);
		r->start = l->callback_at;
		r->end = LQ_TIME_NONE;
		r->callback = true;
		r->team = team;
		r->answered = !lq_lead_callback_pending(l);
	}
	if (d->nrows > 1)
		qsort(d->rows, d->nrows, sizeof d->rows[0], by_start);
	if (d->cursor >= d->nrows)
		d->cursor = d->nrows ? d->nrows - 1 : 0;
}

static bool row_done(const struct day_row *r, lq_time now)
{
	if (r->callback)
		return r->answered;
	if (r->bare)
		return r->start + LQ_HOUR <= now;   /* its length is unknown */
	return r->status == LQ_APPT_ST_CANCELLED || r->end <= now;
}

/* The row the countdown is for: the first one not over yet. */
static size_t next_row(const struct lq_day_view *d, lq_time now)
{
	for (size_t i = 0; i < d->nrows; i++)
		if (!row_done(&d->rows[i], now))
			return i;
	return (size_t)-1;
}

static void lead_label(struct lq_app *app, const char *lead_id, char *buf, size_t size)
{
	const struct lq_lead *l = lq_app_find_lead(app, lead_id);

	if (!l) {
		snprintf(buf, size, _("(lead %.8s, not in your cache)"), lead_id);
		return;
	}
	if (l->name && *l->name && l->company && *l->company)
		snprintf(buf, size, "%s · %s", l->name, l->company);
	else
		snprintf(buf, size, "%s", l->name && *l->name ? l->name :
			 (l->company && *l->company ? l->company : _("(no name)")));
}

static void row_status(const struct day_row *r, char *buf, size_t size)
{
	if (r->callback)
		snprintf(buf, size, "%s", r->answered ? _("called") : r->team ? _("team") :
			 _("personal"));
	else
		snprintf(buf, size, "%s", _(lq_appt_status_label(r->status)));
}

static void duration_text(lq_time secs, char *buf, size_t size)
{
	long m = (long)(secs / LQ_MINUTE);

	if (m < 60)
		snprintf(buf, size, _("%ld min"), m);
	else if (m % 60)
		snprintf(buf, size, _("%ld h %02ld"), m / 60, m % 60);
	else
		snprintf(buf, size, _("%ld h"), m / 60);
}

static void day_header(struct lq_app *app)
{
	struct lq_day_view *d = app->day;
	attr_t hattr = lq_attr(LQ_C_HEADER);
	char head[256], right[128], rel[64];
	struct lq_civil c;
	int64_t t = lq_app_today(app), rw;

	memset(&c, 0, sizeof c);
	lq_civil_from_days(d->day, &c.year, &c.month, &c.day);
	if (d->day == t)
		snprintf(rel, sizeof rel, " (%s)", _("today"));
	else if (d->day == t + 1)
		snprintf(rel, sizeof rel, " (%s)", _("tomorrow"));
	else if (d->day == t - 1)
		snprintf(rel, sizeof rel, " (%s)", _("yesterday"));
	else
		rel[0] = '\0';
	snprintf(head, sizeof head, _(" Appointments · %s %04d-%02d-%02d%s · %zu"),
		 lq_app_weekday(lq_weekday_from_days(d->day)), c.year, c.month, c.day, rel, d->nrows);
	if (COLS >= 100)
		snprintf(right, sizeof right, _("←/→ day · Enter opens · %s "),
			 app->s->user_tz ? lq_tz_name(app->s->user_tz) : "UTC");
	else
		snprintf(right, sizeof right, _("←/→ day · %s "),
			 app->s->user_tz ? lq_tz_name(app->s->user_tz) : "UTC");
	lq_draw_fill(0, 0, COLS, hattr);
	rw = lq_text_width(right);
	if (rw > COLS / 2)
		rw = COLS / 2;
	lq_draw_str(0, 0, COLS - (int)rw - 1, head, hattr);
	lq_draw_text(0, COLS - (int)rw, (int)rw, right, hattr, LQ_ALIGN_RIGHT);
}

/* Columns: time, duration, mode, lead, status, countdown. */
struct day_cols {
	int x_time, time, x_dur, dur, x_mode, mode, x_lead, lead, x_status, status, x_when, when;
};

static void day_layout(int width, struct day_cols *c)
{
	c->time = 12;
	c->dur = 7;
	c->mode = 8;
	c->status = 9;
	c->when = width >= 100 ? 18 : 10;
	c->x_time = 2;
	c->x_dur = c->x_time + c->time + 1;
	c->x_mode = c->x_dur + c->dur + 1;
	c->x_lead = c->x_mode + c->mode + 1;
	c->lead = width - c->x_lead - c->status - c->when - 3;
	if (c->lead < 10)
		c->lead = 10;
	c->x_status = c->x_lead + c->lead + 1;
	c->x_when = c->x_status + c->status + 1;
}

static int day_rows(void)
{
	return LINES - 3;
}

static void day_draw(struct lq_app *app)
{
	struct lq_day_view *d = app->day;
	const struct lq_tz *tz = app->s->user_tz;
	attr_t title = lq_attr(LQ_C_TITLE);
	struct day_cols c;
	size_t next;
	int rows = day_rows();

	/* A key may have pinned a row's lead for its action (day_key): the
	 * action is over, the day view is on no lead. */
	app->pinned = NULL;
	load_day(app);
	day_header(app);
	day_layout(COLS, &c);
	lq_draw_fill(1, 0, COLS, title);
	lq_draw_text(1, c.x_time, c.time, _("Time"), title, LQ_ALIGN_LEFT);
	lq_draw_text(1, c.x_dur, c.dur, _("Length"), title, LQ_ALIGN_LEFT);
	lq_draw_text(1, c.x_mode, c.mode, _("Mode"), title, LQ_ALIGN_LEFT);
	lq_draw_text(1, c.x_lead, c.lead, _("Lead"), title, LQ_ALIGN_LEFT);
	lq_draw_text(1, c.x_status, c.status, _("Status"), title, LQ_ALIGN_LEFT);
	lq_draw_text(1, c.x_when, c.when, _("Starts"), title, LQ_ALIGN_RIGHT);
	if (d->failed) {
		lq_draw_str(3, 2, COLS - 4, _("Cannot read the appointments of the cache."),
			    lq_attr(LQ_C_ERROR));
		return;
	}
	if (d->nrows == 0) {
		lq_draw_str(3, 2, COLS - 4,
			    _("No appointments or callbacks on this day (←/→ for other days)."),
			    A_NORMAL);
		return;
	}
	if (d->cursor < d->top)
		d->top = d->cursor;
	if (d->cursor >= d->top + (size_t)rows)
		d->top = d->cursor - (size_t)rows + 1;
	next = next_row(d, app->now);
	for (int r = 0; r < rows && d->top + (size_t)r < d->nrows; r++) {
		size_t i = d->top + (size_t)r;
		const struct day_row *row = &d->rows[i];
		bool selected = i == d->cursor;
		attr_t base = selected ? lq_attr(LQ_C_SELECT) :
			row_done(row, app->now) ? lq_attr(LQ_C_DIM) : A_NORMAL;
		char when[32], end[16], dur[32], lead[256], status[64], cd[64];
		int y = 2 + r;

		lq_app_format_local(tz, row->start, false, when, sizeof when);
		if (!row->callback && !row->bare) {
			size_t len = strlen(when);

			lq_app_format_local(tz, row->end, false, end, sizeof end);
			snprintf(when + len, sizeof when - len, "–%s", end);
			duration_text(row->end - row->start, dur, sizeof dur);
		} else {
			dur[0] = '\0';
		}
		lead_label(app, row->lead_id, lead, sizeof lead);
		row_status(row, status, sizeof status);
		cd[0] = '\0';
		if (i == next)
			lq_app_countdown(app->now, row->start, row->callback, c.when, cd, sizeof cd);
		lq_draw_fill(y, 0, COLS, base);
		lq_draw_text(y, 0, 1, selected ? "▸" : " ", base, LQ_ALIGN_LEFT);
		lq_draw_text(y, c.x_time, c.time, when, base | (selected ? A_BOLD : 0),
			     LQ_ALIGN_LEFT);
		lq_draw_text(y, c.x_dur, c.dur, dur, base, LQ_ALIGN_LEFT);
		lq_draw_text(y, c.x_mode, c.mode, row->callback ? _("callback") : row->bare ? "—" :
			     _(lq_appt_mode_label(row->mode)), base, LQ_ALIGN_LEFT);
		lq_draw_text(y, c.x_lead, c.lead, lead, base, LQ_ALIGN_LEFT);
		lq_draw_text(y, c.x_status, c.status, status, base, LQ_ALIGN_LEFT);
		lq_draw_text(y, c.x_when, c.when, cd,
			     selected ? base : lq_attr(LQ_C_AT_RISK) | A_BOLD, LQ_ALIGN_RIGHT);
	}
}

static const struct lq_lead *row_lead(struct lq_app *app)
{
	struct lq_day_view *d = app->day;

	if (!d || d->cursor >= d->nrows)
		return NULL;
	return lq_app_find_lead(app, d->rows[d->cursor].lead_id);
}

static void change_day(struct lq_app *app, int64_t day)
{
	app->day->day = day;
	app->day->cursor = app->day->top = 0;
}

static int day_key(struct lq_app *app, enum lq_action action, int key)
{
	struct lq_day_view *d = app->day;
	size_t rows = (size_t)day_rows();
	const struct lq_lead *l;

	if (key == (LQ_KEY_FN | KEY_LEFT) || key == '[') {
		change_day(app, d->day - 1);
		return LQ_H_REDRAW;
	}
	if (key == (LQ_KEY_FN | KEY_RIGHT) || key == ']') {
		change_day(app, d->day + 1);
		return LQ_H_REDRAW;
	}
	switch (action) {
	case LQ_ACTION_MOVE_UP:
		if (d->cursor > 0)
			d->cursor--;
		return LQ_H_HANDLED;
	case LQ_ACTION_MOVE_DOWN:
		if (d->cursor + 1 < d->nrows)
			d->cursor++;
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_UP:
		d->cursor = d->cursor > rows ? d->cursor - rows : 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_DOWN:
		d->cursor = d->cursor + rows < d->nrows ? d->cursor + rows :
			(d->nrows ? d->nrows - 1 : 0);
		return LQ_H_HANDLED;
	case LQ_ACTION_FIRST:
		d->cursor = 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_LAST:
		d->cursor = d->nrows ? d->nrows - 1 : 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_DAY:
		/* Again: back to today. */
		change_day(app, lq_app_today(app));
		return LQ_H_REDRAW;
	case LQ_ACTION_BACK:
		lq_app_set_screen(app, &lq_screen_queue);
		app->focus = LQ_FOCUS_QUEUE;
		return LQ_H_REDRAW;
	case LQ_ACTION_FOCUS:
		return LQ_H_HANDLED;
	default:
		break;
	}
	if (!(lq_action_flags(action) & LQ_A_NEEDS_LEAD) || (lq_action_flags(action) & LQ_A_NOT_YET))
		return LQ_H_IGNORED;
	/* Enter and the actions on a lead take the row's lead. */
	l = row_lead(app);
	if (!l) {
		lq_app_message(app, true, "%s", d->nrows ? _("that lead is not in your cache") :
			       _("no lead selected"));
		return LQ_H_HANDLED;
	}
	app->pinned = l;
	if (action != LQ_ACTION_OPEN)
		return LQ_H_IGNORED;
	memcpy(d->opened, l->id, LQ_UUID_SIZE);
	app->lead_scroll = 0;
	app->focus = LQ_FOCUS_DETAIL;
	lq_app_set_screen(app, &lq_screen_lead);
	return LQ_H_REDRAW;
}

static void day_resize(struct lq_app *app)
{
	if (app->day)
		app->day->top = 0;
}

const struct lq_screen_ops lq_screen_day = {
	.name = "day",
	.draw = day_draw,
	.key = day_key,
	.resize = day_resize,
};

int lq_do_day(struct lq_app *app, enum lq_action a)
{
	(void)a;
	if (!app->day) {
		app->day = calloc(1, sizeof *app->day);
		if (!app->day) {
			lq_app_message(app, true, "%s", _("out of memory"));
			return LQ_H_HANDLED;
		}
	}
	change_day(app, lq_app_today(app));
	app->day->opened[0] = '\0';
	lq_app_set_screen(app, &lq_screen_day);
	return LQ_H_REDRAW;
}

bool lq_day_back(struct lq_app *app)
{
	if (!app->day || !app->day->opened[0] || app->screen != &lq_screen_lead || !app->pinned ||
	    strcmp(app->pinned->id, app->day->opened) != 0)
		return false;
	app->day->opened[0] = '\0';
	lq_app_set_screen(app, &lq_screen_day);
	return true;
}

/* --- the lead view -------------------------------------------------------- */

#define LEAD_APPTS_MAX 20

struct lead_appts {
	struct lq_appt list[LEAD_APPTS_MAX];
	size_t n;
};

static int lead_appt_cb(void *ctx, const struct lq_appt *a)
{
	struct lead_appts *c = ctx;

	if (c->n >= LEAD_APPTS_MAX)
		return 1;
	c->list[c->n] = *a;
	c->list[c->n].notes = NULL;   /* lives during the call only */
	c->n++;
	return 0;
}

static int line(struct lq_line *lines, int n, int max, int color, bool bold, const char *text)
{
	if (n >= max)
		return n;
	lq_strlcpy_utf8(lines[n].text, text, sizeof lines[n].text);
	lines[n].color = color;
	lines[n].bold = bold;
	return n + 1;
}

/* " (lead 12:00)" when the lead's wall clock differs from the user's. */
static void lead_time(struct lq_app *app, const struct lq_lead *l, lq_time t, char *buf,
		      size_t size)
{
	const struct lq_tz *ltz = lq_app_zone(app, l->tz);
	const struct lq_tz *utz = app->s->user_tz;
	char when[32];

	buf[0] = '\0';
	if (!ltz || (utz && lq_tz_offset(ltz, t, NULL) == lq_tz_offset(utz, t, NULL)))
		return;
	lq_app_format_local(ltz, t, false, when, sizeof when);
	snprintf(buf, size, _(" (lead %s)"), when);
}

int lq_lead_appt_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines,
		       int max)
{
	static struct lead_appts found;
	char text[256], when[32], end[16], theirs[64], cd[64];
	int n = 0;

	found.n = 0;
	if (lq_store_each_appointment(app->s->store, NULL, l->id, LQ_TIME_NONE, LQ_TIME_NONE,
				      lead_appt_cb, &found) != LQ_STORE_OK)
		found.n = 0;
	if (found.n == 0 && l->next_appt_at != LQ_TIME_NONE && !lq_app_due_is_callback(l)) {
		/* Known only as the lead's next appointment (no row cached). */
		lq_app_format_local(app->s->user_tz, l->next_appt_at, true, when, sizeof when);
		lead_time(app, l, l->next_appt_at, theirs, sizeof theirs);
		lq_app_countdown(app->now, l->next_appt_at, false, 0, cd, sizeof cd);
		snprintf(text, sizeof text, _("appointment %s%s · %s"), when + 5, theirs, cd);
		n = line(lines, n, max, LQ_C_AT_RISK, false, text);
	}
	if (found.n == 0 && l->callback_at == LQ_TIME_NONE)
		return n;
	/* A title, then one line each: they are long (the lead's time too). */
	if (found.n > 0)
		n = line(lines, n, max, LQ_C_TITLE, true, _("Appointments"));
	for (size_t i = 0; i < found.n; i++) {
		const struct lq_appt *a = &found.list[i];
		bool over = a->status == LQ_APPT_ST_CANCELLED || a->end <= app->now;

		lq_app_format_local(app->s->user_tz, a->start, true, when, sizeof when);
		lq_app_format_local(app->s->user_tz, a->end, false, end, sizeof end);
		lead_time(app, l, a->start, theirs, sizeof theirs);
		if (over)
			cd[0] = '\0';
		else
			lq_app_countdown(app->now, a->start, false, 0, cd, sizeof cd);
		snprintf(text, sizeof text, _("  %s–%s%s · %s · %s%s%s"), when + 5, end,
			 theirs, _(lq_appt_mode_label(a->mode)), _(lq_appt_status_label(a->status)),
			 cd[0] ? " · " : "", cd);
		n = line(lines, n, max, over ? LQ_C_DIM :
			 a->status == LQ_APPT_ST_PENDING ? LQ_C_NORMAL : LQ_C_AT_RISK, false, text);
	}
	if (l->callback_at != LQ_TIME_NONE) {
		bool pending = lq_lead_callback_pending(l);
		char who[96], login[64];

		if (!l->callback_user || !l->callback_user[0])
			snprintf(who, sizeof who, "%s", _("team"));
		else if (strcmp(l->callback_user, app->s->user.id) == 0)
			snprintf(who, sizeof who, "%s", _("personal, yours"));
		else
			snprintf(who, sizeof who, _("personal, %s"),
				 lq_app_owner_login(app, l->callback_user, login, sizeof login));
		lq_app_format_local(app->s->user_tz, l->callback_at, true, when, sizeof when);
		lead_time(app, l, l->callback_at, theirs, sizeof theirs);
		if (pending)
			lq_app_countdown(app->now, l->callback_at, true, 0, cd, sizeof cd);
		else
			snprintf(cd, sizeof cd, "%s", _("answered by a call"));
		snprintf(text, sizeof text, _("callback %s%s · %s · %s"), when + 5, theirs, who, cd);
		n = line(lines, n, max, pending ? LQ_C_AT_RISK : LQ_C_DIM, pending, text);
	}
	return n;
}
