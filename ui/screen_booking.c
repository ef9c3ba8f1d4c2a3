/* leadq client — booking (issue 5; DESIGN §5a `b`): for the lead under the
 * cursor, an appointment in a rep's calendar or a callback.
 *
 * Appointment: the rep routing proposes (GET /leads/{id}/proposal) or
 * another of the lead's team, then the rep's free slots of the next
 * business days (GET /reps/{id}/freebusy) as a grid, days as columns and
 * times (in the calendar's zone) as rows; the highlighted slot is shown in
 * the agent's, the rep's and the lead's zones.  Both requests ride the sync
 * engine's loop (lq_sync_get): the screen never waits on the network.
 * Offline, the slots come from the cached team calendar and the rep's
 * cached appointments, and the screen says they are not checked.  Enter,
 * a mode and a note queue the booking (lq_store_book); it shows "pending"
 * until the server accepts it, or the conflict when the slot was taken.
 *
 * Callback: a time in the lead's local time, personal or for the team, an
 * optional note (lq_store_callback). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/appt.h"
#include "leadq/codec.h"
#include "leadq/i18n.h"
#include "leadq/os.h"
#include "leadq/text.h"
#include "ui/draw.h"
#include "ui/screen.h"

#define BK_DAYS 5
#define BK_ROWS_MAX 96            /* 15-minute rows of a whole day */
#define BK_REPS_MAX 32
#define BK_SLOTS_MAX 500          /* as the server sends at most */
#define BK_MINUTES 30

enum bk_phase {
	BK_LOADING_REP,           /* the proposal is on its way */
	BK_LOADING_SLOTS,         /* the free/busy is on its way */
	BK_READY,
	BK_NO_REP,                /* nobody to book with */
};

enum bk_source { BK_SRC_SERVER, BK_SRC_LOCAL };

enum bk_cell { CELL_CLOSED, CELL_PAST, CELL_BUSY, CELL_FREE };

/* What became of the booking this screen queued. */
enum bk_result { BK_NONE, BK_PENDING, BK_BOOKED, BK_CONFLICT, BK_REJECTED };

struct bk_rep {
	char id[LQ_UUID_SIZE];
	char login[64], name[96], tz[64];
	char team_id[LQ_UUID_SIZE];      /* its calendar's team; "" unknown */
	bool proposed;
};

struct lq_booking {
	struct lq_app *app;
	char lead_id[LQ_UUID_SIZE];
	char lead_name[128], lead_tz[64], team_id[LQ_UUID_SIZE];
	char replaces_op[LQ_UUID_SIZE];  /* a conflicting booking this one replaces */
	lq_time want_start;              /* the slot to highlight first, if free */

	struct bk_rep reps[BK_REPS_MAX];
	int nreps, rep;                  /* rep: index, -1 none */
	char how[32];                    /* the proposal's "how" */

	int get_id;                      /* the request in flight; 0 none */
	bool offline;                    /* the server could not be reached */
	enum bk_phase phase;
	enum bk_source source;
	char why_local[200];             /* why the slots are computed here */

	/* The calendar the grid is drawn in (a copy; its zone is borrowed from
	 * the app's or the session's zones). */
	struct lq_calendar cal;
	char cal_tz[64], rep_tz[64];
	lq_time from, to;
	struct lq_interval *free;
	size_t nfree;
	bool more;

	int64_t days[BK_DAYS];
	int ndays;
	int rows[BK_ROWS_MAX];           /* minutes after local midnight */
	int nrows;
	unsigned char cell[BK_DAYS][BK_ROWS_MAX];
	lq_time at[BK_DAYS][BK_ROWS_MAX];
	int cx, cy, top;

	/* The booking queued from here. */
	char op_id[LQ_UUID_SIZE], appt_id[LQ_UUID_SIZE];
	lq_time booked_start;
	enum bk_result result;
	char result_text[256];
	bool conflict_seen;
	lq_time pick_start;
	int pick_mode;
};

static void load_slots(struct lq_booking *bk);

/* ---- small helpers -------------------------------------------------------- */

static lq_time at_local(const struct lq_tz *tz, int64_t day, int minutes)
{
	struct lq_civil c;

	memset(&c, 0, sizeof c);
	lq_civil_from_days(day, &c.year, &c.month, &c.day);
	c.hour = minutes / 60;
	c.minute = minutes % 60;
	if (!tz)
		return lq_time_from_civil(&c, 0);
	return lq_tz_from_local(tz, &c);
}

static int64_t local_day(const struct lq_tz *tz, lq_time t, int *minutes)
{
	struct lq_civil c;

	if (tz)
		lq_tz_to_local(tz, t, &c);
	else
		lq_time_to_civil(t, 0, &c);
	if (minutes)
		*minutes = c.hour * 60 + c.minute;
	return lq_days_from_civil(c.year, c.month, c.day);
}

static const struct lq_tz *user_zone(struct lq_app *app)
{
	return app->s->user_tz;
}

/* "Tue 01-05 10:00–10:30 CET" of [start, end) in tz. */
static void slot_text(const struct lq_tz *tz, lq_time start, lq_time end, char *buf, size_t size)
{
	struct lq_civil a, b;
	const char *abbr = "UTC";

	if (tz) {
		lq_tz_to_local(tz, start, &a);
		lq_tz_to_local(tz, end, &b);
		lq_tz_offset(tz, start, &abbr);
	} else {
		lq_time_to_civil(start, 0, &a);
		lq_time_to_civil(end, 0, &b);
	}
	snprintf(buf, size, "%s %04d-%02d-%02d %02d:%02d–%02d:%02d %s", lq_app_weekday(a.wday), a.year,
		 a.month, a.day, a.hour, a.minute, b.hour, b.minute, abbr ? abbr : "");
}

static struct bk_rep *cur_rep(struct lq_booking *bk)
{
	return bk->rep >= 0 && bk->rep < bk->nreps ? &bk->reps[bk->rep] : NULL;
}

static void cancel_get(struct lq_booking *bk)
{
	if (bk->app->sync)
		lq_sync_get_cancel_ctx(bk->app->sync, bk);
	bk->get_id = 0;
}

static void changed(struct lq_booking *bk)
{
	bk->app->dirty = true;
}

/* ---- the reps ------------------------------------------------------------- */

static struct bk_rep *add_rep(struct lq_booking *bk, const char *id, const char *login,
			      const char *name, const char *tz)
{
	struct bk_rep *r = NULL;

	for (int i = 0; i < bk->nreps; i++)
		if (strcmp(bk->reps[i].id, id) == 0)
			r = &bk->reps[i];
	if (!r) {
		if (bk->nreps >= BK_REPS_MAX || strlen(id) >= LQ_UUID_SIZE)
			return NULL;
		r = &bk->reps[bk->nreps++];
		memset(r, 0, sizeof *r);
		memcpy(r->id, id, strlen(id) + 1);
	}
	if (login && *login)
		lq_strlcpy_utf8(r->login, login, sizeof r->login);
	if (name && *name)
		lq_strlcpy_utf8(r->name, name, sizeof r->name);
	else if (!r->name[0])
		lq_strlcpy_utf8(r->name, r->login, sizeof r->name);
	if (tz && *tz)
		lq_strlcpy_utf8(r->tz, tz, sizeof r->tz);
	return r;
}

struct reps_ctx {
	struct lq_booking *bk;
	bool any_team;
};

static int team_rep_cb(void *ctx, const struct lq_user *u)
{
	struct reps_ctx *c = ctx;
	struct bk_rep *r;

	if (!u->active || (u->role != LQ_ROLE_REP && u->role != LQ_ROLE_LEAD))
		return 0;
	if (!c->any_team && (!u->team_id || strcmp(u->team_id, c->bk->team_id) != 0))
		return 0;
	r = add_rep(c->bk, u->id, u->login, u->name, u->tz);
	if (r && u->team_id && strlen(u->team_id) < LQ_UUID_SIZE)
		memcpy(r->team_id, u->team_id, strlen(u->team_id) + 1);
	return r ? 0 : 1;
}

/* The reps one may book with: a rep only in their own calendar (the server
 * says so too); others, the active reps and team leads of the lead's team. */
static void load_reps(struct lq_booking *bk)
{
	const struct lq_user *me = &bk->app->s->user;
	struct reps_ctx c = { bk, false };

	bk->nreps = 0;
	bk->rep = -1;
	if (me->role == LQ_ROLE_REP) {
		if (me->id[0] && add_rep(bk, me->id, me->login, me->name, me->tz)) {
			bk->rep = 0;
			if (me->team_id && strlen(me->team_id) < LQ_UUID_SIZE)
				memcpy(bk->reps[0].team_id, me->team_id, strlen(me->team_id) + 1);
		}
		return;
	}
	if (bk->team_id[0])
		lq_store_each_user(bk->app->s->store, team_rep_cb, &c);
	/* A pool lead's team (telequalification) may have no reps: any rep
	 * the cache knows, then. */
	if (bk->nreps == 0) {
		c.any_team = true;
		lq_store_each_user(bk->app->s->store, team_rep_cb, &c);
	}
}

static void pick_default_rep(struct lq_booking *bk)
{
	if (bk->rep < 0 && bk->nreps > 0)
		bk->rep = 0;
	if (bk->rep < 0) {
		bk->phase = BK_NO_REP;
		return;
	}
	load_slots(bk);
}

static void on_proposal(void *ctx, long status, const char *body, size_t len, const char *error)
{
	struct lq_booking *bk = ctx;
	json_t *j, *rep;

	bk->get_id = 0;
	changed(bk);
	if (status == 0) {
		bk->offline = true;
		snprintf(bk->why_local, sizeof bk->why_local, _("offline (%s)"), error);
	} else if (status == 200) {
		j = json_loadb(body, len, 0, NULL);
		rep = json_object_get(j, "rep");
		if (json_is_string(json_object_get(rep, "id"))) {
			struct bk_rep *r = add_rep(bk, json_string_value(json_object_get(rep, "id")),
						   json_string_value(json_object_get(rep, "login")),
						   json_string_value(json_object_get(rep, "name")),
						   json_string_value(json_object_get(rep, "tz")));

			if (r) {
				r->proposed = true;
				bk->rep = (int)(r - bk->reps);
			}
			snprintf(bk->how, sizeof bk->how, "%s",
				 json_string_value(json_object_get(j, "how")) ?
				 json_string_value(json_object_get(j, "how")) : "");
		}
		json_decref(j);
	} else {
		lq_app_message(bk->app, false, _("no proposed rep: %s"), error);
	}
	pick_default_rep(bk);
}

/* ---- the grid ------------------------------------------------------------- */

static bool free_at(const struct lq_booking *bk, lq_time t)
{
	for (size_t i = 0; i < bk->nfree; i++)
		if (bk->free[i].start == t)
			return true;
	return false;
}

static bool day_has_free(const struct lq_booking *bk, int64_t day)
{
	for (size_t i = 0; i < bk->nfree; i++)
		if (local_day(bk->cal.tz, bk->free[i].start, NULL) == day)
			return true;
	return false;
}

/* Days: the business days of [from, to) in the calendar's zone (and any day
 * with a free slot); rows: every half hour open on one of them; cells: free,
 * busy (open but taken), past or closed. */
static void build_grid(struct lq_booking *bk)
{
	const struct lq_tz *tz = bk->cal.tz;
	lq_time now = lq_os_now(), keep = LQ_TIME_NONE;
	bool used[BK_ROWS_MAX];
	int64_t day;

	if (bk->ndays > 0 && bk->nrows > 0)
		keep = bk->at[bk->cx][bk->cy];
	if (bk->want_start != LQ_TIME_NONE) {
		keep = bk->want_start;
		bk->want_start = LQ_TIME_NONE;
	}
	bk->ndays = bk->nrows = 0;
	memset(used, 0, sizeof used);
	day = local_day(tz, bk->from, NULL);
	for (int k = 0; k < 21 && bk->ndays < BK_DAYS; k++, day++) {
		if (at_local(tz, day, 0) >= bk->to)
			break;
		if (lq_calendar_is_business_day(&bk->cal, day) || day_has_free(bk, day))
			bk->days[bk->ndays++] = day;
	}
	for (int d = 0; d < bk->ndays; d++) {
		for (int r = 0; r < BK_ROWS_MAX; r++) {
			int m = r * (1440 / BK_ROWS_MAX);
			lq_time t = at_local(tz, bk->days[d], m);

			if (m % BK_MINUTES == 0 && lq_calendar_is_open(&bk->cal, t))
				used[r] = true;
			else if (free_at(bk, t))
				used[r] = true;
		}
	}
	for (int r = 0; r < BK_ROWS_MAX; r++)
		if (used[r])
			bk->rows[bk->nrows++] = r * (1440 / BK_ROWS_MAX);
	for (int d = 0; d < bk->ndays; d++) {
		for (int r = 0; r < bk->nrows; r++) {
			lq_time t = at_local(tz, bk->days[d], bk->rows[r]);

			bk->at[d][r] = t;
			if (free_at(bk, t))
				bk->cell[d][r] = CELL_FREE;
			else if (t < now)
				bk->cell[d][r] = CELL_PAST;
			else if (lq_calendar_is_open(&bk->cal, t))
				bk->cell[d][r] = CELL_BUSY;
			else
				bk->cell[d][r] = CELL_CLOSED;
		}
	}
	/* The highlight: the slot it was on (or was asked for), else the
	 * first free one. */
	bk->cx = bk->cy = bk->top = 0;
	for (int d = 0; d < bk->ndays; d++)
		for (int r = 0; r < bk->nrows; r++)
			if (keep != LQ_TIME_NONE && bk->at[d][r] == keep) {
				bk->cx = d;
				bk->cy = r;
				goto found;
			}
	for (int d = 0; d < bk->ndays; d++)
		for (int r = 0; r < bk->nrows; r++)
			if (bk->cell[d][r] == CELL_FREE) {
				bk->cx = d;
				bk->cy = r;
				goto found;
			}
	return;
found:
	/* A little of what comes before stays in view. */
	bk->top = bk->cy > 2 ? bk->cy - 2 : 0;
}

static bool set_free(struct lq_booking *bk, const struct lq_interval *slots, size_t n)
{
	struct lq_interval *copy = NULL;

	if (n > 0) {
		copy = malloc(n * sizeof *copy);
		if (!copy)
			return false;
		memcpy(copy, slots, n * sizeof *copy);
	}
	free(bk->free);
	bk->free = copy;
	bk->nfree = n;
	return true;
}

/* The calendar of the rep's team as the cache has it (else the lead's
 * team's). */
static void cached_calendar(struct lq_booking *bk)
{
	const struct bk_rep *r = cur_rep(bk);
	const char *team = r && r->team_id[0] ? r->team_id : bk->team_id;
	const struct lq_calendar *cal = lq_session_calendar(bk->app->s, team[0] ? team : NULL, NULL);

	bk->cal = *cal;
	snprintf(bk->cal_tz, sizeof bk->cal_tz, "%s", cal->tz ? lq_tz_name(cal->tz) : "UTC");
}

struct busy_ctx {
	struct lq_interval v[256];
	size_t n;
};

static int busy_cb(void *ctx, const struct lq_appt *a)
{
	struct busy_ctx *b = ctx;

	if (a->status == LQ_APPT_ST_CANCELLED)
		return 0;
	if (b->n >= sizeof b->v / sizeof b->v[0])
		return 1;
	b->v[b->n].start = a->start;
	b->v[b->n].end = a->end;
	b->n++;
	return 0;
}

/* Offline: the slots from the cached calendar, with the rep's cached
 * appointments as busy.  Not checked with the server: said on screen. */
static void local_slots(struct lq_booking *bk)
{
	struct lq_interval *out = malloc(BK_SLOTS_MAX * sizeof *out);
	struct busy_ctx *busy = calloc(1, sizeof *busy);
	const struct bk_rep *r = cur_rep(bk);
	size_t n = 0;

	bk->source = BK_SRC_LOCAL;
	bk->phase = BK_READY;
	cached_calendar(bk);
	if (!out || !busy || !r) {
		free(out);
		free(busy);
		set_free(bk, NULL, 0);
		build_grid(bk);
		return;
	}
	lq_store_each_appointment(bk->app->s->store, r->id, NULL, bk->from, bk->to, busy_cb, busy);
	n = lq_freebusy_slots(&bk->cal, bk->from, bk->to, BK_MINUTES, BK_MINUTES, lq_os_now(),
			      busy->v, busy->n, out, BK_SLOTS_MAX);
	bk->more = n > BK_SLOTS_MAX;
	set_free(bk, out, n > BK_SLOTS_MAX ? BK_SLOTS_MAX : n);
	free(out);
	free(busy);
	build_grid(bk);
}

/* The server's calendar of the rep: its zone and hours, as the answer says
 * (else the cached one). */
static void answer_calendar(struct lq_booking *bk, const struct lq_freebusy *fb)
{
	const struct lq_tz *tz = fb->cal_tz ? lq_app_zone(bk->app, fb->cal_tz) : NULL;
	struct lq_calendar cal;
	char err[160];

	cached_calendar(bk);
	if (!tz || !fb->cal_hours)
		return;
	memset(&cal, 0, sizeof cal);
	cal.tz = tz;
	if (!lq_calendar_parse_hours(&cal, fb->cal_hours, err, sizeof err))
		return;
	if (fb->cal_holidays && !lq_calendar_parse_holidays(&cal, fb->cal_holidays, err, sizeof err))
		return;
	bk->cal = cal;
	snprintf(bk->cal_tz, sizeof bk->cal_tz, "%s", fb->cal_tz);
}

static void on_freebusy(void *ctx, long status, const char *body, size_t len, const char *error)
{
	struct lq_booking *bk = ctx;
	struct lq_freebusy fb;
	char err[200];

	bk->get_id = 0;
	changed(bk);
	if (status == 200) {
		lq_freebusy_init(&fb);
		if (lq_freebusy_from_text(body, len, &fb, err, sizeof err) &&
		    set_free(bk, fb.free, fb.nfree)) {
			bk->source = BK_SRC_SERVER;
			bk->phase = BK_READY;
			bk->more = fb.more;
			if (fb.rep_tz)
				lq_strlcpy_utf8(bk->rep_tz, fb.rep_tz, sizeof bk->rep_tz);
			answer_calendar(bk, &fb);
			build_grid(bk);
			lq_freebusy_clear(&fb);
			return;
		}
		lq_freebusy_clear(&fb);
		snprintf(bk->why_local, sizeof bk->why_local, _("the server's answer: %s"), err);
	} else if (status == 0) {
		bk->offline = true;
		snprintf(bk->why_local, sizeof bk->why_local, _("offline (%s)"), error);
	} else {
		snprintf(bk->why_local, sizeof bk->why_local, _("the server: %s"), error);
	}
	local_slots(bk);
}

/* The next business days of the rep's calendar: from now to the end of
 * the fifth. */
static void set_range(struct lq_booking *bk)
{
	lq_time now = lq_os_now();

	cached_calendar(bk);
	bk->from = now;
	bk->to = lq_calendar_add_days(&bk->cal, now, BK_DAYS - 1);
	if (bk->to == LQ_TIME_NONE || bk->to <= now)
		bk->to = now + 7 * LQ_DAY;
}

static void load_slots(struct lq_booking *bk)
{
	const struct bk_rep *r = cur_rep(bk);
	char path[256], from[LQ_RFC3339_SIZE], to[LQ_RFC3339_SIZE];
	int id;

	cancel_get(bk);
	if (!r) {
		bk->phase = BK_NO_REP;
		return;
	}
	set_range(bk);
	snprintf(bk->rep_tz, sizeof bk->rep_tz, "%s", r->tz);
	if (bk->app->sync && !bk->offline) {
		snprintf(path, sizeof path, "/api/v1/reps/%s/freebusy?from=%s&to=%s&minutes=%d", r->id,
			 lq_time_format(bk->from, 0, from), lq_time_format(bk->to, 0, to), BK_MINUTES);
		id = lq_sync_get(bk->app->sync, path, on_freebusy, bk);
		if (id > 0) {
			bk->get_id = id;
			bk->phase = BK_LOADING_SLOTS;
			return;
		}
		snprintf(bk->why_local, sizeof bk->why_local, "%s", _("the server cannot be asked now"));
	} else if (!bk->app->sync) {
		snprintf(bk->why_local, sizeof bk->why_local, "%s", _("not connected"));
	}
	local_slots(bk);
}

/* ---- the booking's fate --------------------------------------------------- */

struct find_op {
	const char *id;
	bool found;
	char error[200];
};

static int find_op_cb(void *ctx, const struct lq_outbox_op *op)
{
	struct find_op *f = ctx;

	if (strcmp(op->id, f->id) != 0)
		return 0;
	f->found = true;
	snprintf(f->error, sizeof f->error, "%s", op->error ? op->error : "");
	return 1;
}

static bool op_in(struct lq_booking *bk, const char *state, struct find_op *f)
{
	f->id = bk->op_id;
	f->found = false;
	f->error[0] = '\0';
	lq_store_outbox_each(bk->app->s->store, state, find_op_cb, f);
	return f->found;
}

struct find_appt {
	const char *id;
	int status;
};

static int find_appt_cb(void *ctx, const struct lq_appt *a)
{
	struct find_appt *f = ctx;

	if (strcmp(a->id, f->id) != 0)
		return 0;
	f->status = (int)a->status;
	return 1;
}

/* Where the queued booking stands: the outbox says whether the server
 * refused it; the cached appointment whether it is booked. */
static void watch(struct lq_booking *bk)
{
	struct find_op f;
	struct find_appt a = { bk->appt_id, -1 };
	enum bk_result was = bk->result;

	if (!bk->op_id[0])
		return;
	if (op_in(bk, "conflict", &f)) {
		bk->result = BK_CONFLICT;
		snprintf(bk->result_text, sizeof bk->result_text, "%s", f.error);
	} else if (op_in(bk, "rejected", &f)) {
		bk->result = BK_REJECTED;
		snprintf(bk->result_text, sizeof bk->result_text, "%s", f.error);
	} else {
		lq_store_each_appointment(bk->app->s->store, NULL, bk->lead_id, LQ_TIME_NONE,
					  LQ_TIME_NONE, find_appt_cb, &a);
		if (a.status == LQ_APPT_ST_BOOKED)
			bk->result = BK_BOOKED;
		else if (op_in(bk, "pending", &f) || op_in(bk, "sent", &f))
			bk->result = BK_PENDING;
		else
			bk->result = BK_BOOKED;   /* answered: applied (the lead moved on) */
	}
	/* Taken by someone else: the slots again, so another can be picked. */
	if (bk->result == BK_CONFLICT && was != BK_CONFLICT && !bk->conflict_seen) {
		bk->conflict_seen = true;
		lq_app_message(bk->app, true, "%s",
			       _("the slot was taken: pick another (the slots are loaded again)"));
		load_slots(bk);
	}
}

/* ---- the screen ----------------------------------------------------------- */

static int grid_rows(void)
{
	/* header, source, day titles; three zones, the result/keys line and
	 * the status bar below. */
	int rows = LINES - 3 - 5;

	return rows > 1 ? rows : 1;
}

static void draw_zones(struct lq_app *app, struct lq_booking *bk, int y)
{
	const struct lq_tz *zones[3];
	const char *names[3], *who[3] = { _("you"), _("rep"), _("lead") };
	lq_time start = bk->at[bk->cx][bk->cy], end = start + BK_MINUTES * LQ_MINUTE;
	char line[256], when[96];

	zones[0] = user_zone(app);
	names[0] = zones[0] ? lq_tz_name(zones[0]) : "UTC";
	zones[1] = lq_app_zone(app, bk->rep_tz[0] ? bk->rep_tz : bk->cal_tz);
	names[1] = bk->rep_tz[0] ? bk->rep_tz : bk->cal_tz;
	zones[2] = lq_app_zone(app, bk->lead_tz);
	names[2] = bk->lead_tz[0] ? bk->lead_tz : _("zone unknown");
	for (int i = 0; i < 3; i++) {
		if (bk->ndays == 0 || bk->nrows == 0) {
			snprintf(line, sizeof line, " %-5s %s", who[i], names[i]);
		} else {
			slot_text(zones[i], start, end, when, sizeof when);
			snprintf(line, sizeof line, " %-5s %-22s %s", who[i], names[i], when);
		}
		lq_draw_str(y + i, 0, COLS, line, i == 2 ? A_BOLD : A_NORMAL);
	}
}

static void draw_result(struct lq_app *app, struct lq_booking *bk, int y)
{
	char line[400], keys[200];
	attr_t a = A_BOLD;

	(void)app;
	switch (bk->result) {
	case BK_PENDING:
		snprintf(line, sizeof line, "%s", _(" pending: queued, waiting for the server to accept it…"));
		a = lq_attr(LQ_C_AT_RISK) | A_BOLD;
		break;
	case BK_BOOKED:
		snprintf(line, sizeof line, "%s",
			 _(" booked: the server accepted it (the lead is now the rep's) · Esc back"));
		a = lq_attr(LQ_C_ON_TRACK) | A_BOLD;
		break;
	case BK_CONFLICT:
	case BK_REJECTED:
		snprintf(line, sizeof line, _(" not booked: %s · pick another slot"),
			 bk->result_text[0] ? bk->result_text : _("conflict"));
		a = lq_attr(LQ_C_BREACHED) | A_BOLD;
		break;
	default:
		snprintf(keys, sizeof keys, "%s",
			 _(" ←→↑↓ move · Enter book this slot · p another rep · Ctrl-L reload · Esc back"));
		lq_draw_str(y, 0, COLS, keys, lq_attr(LQ_C_DIM));
		return;
	}
	lq_draw_str(y, 0, COLS, line, a);
}

static void booking_draw(struct lq_app *app)
{
	struct lq_booking *bk = app->booking;
	const struct bk_rep *r;
	attr_t hattr = lq_attr(LQ_C_HEADER);
	char line[400];
	int rows = grid_rows(), cw, y;

	if (!bk) {
		lq_app_set_screen(app, &lq_screen_queue);
		return;
	}
	watch(bk);
	r = cur_rep(bk);
	lq_draw_fill(0, 0, COLS, hattr);
	snprintf(line, sizeof line, _("Book · %s · with %s%s"), bk->lead_name,
		 r ? r->name : _("(no rep)"), r && r->proposed ? _(" (proposed)") : "");
	lq_draw_str(0, 1, COLS - 2, line, hattr | A_BOLD);

	switch (bk->phase) {
	case BK_LOADING_REP:
		lq_draw_str(1, 1, COLS - 2, _("loading… (the proposed rep)"), A_BOLD);
		return;
	case BK_LOADING_SLOTS:
		lq_draw_str(1, 1, COLS - 2, _("loading… (the rep's free slots)"), A_BOLD);
		return;
	case BK_NO_REP:
		lq_draw_str(1, 1, COLS - 2,
			    _("nobody to book with: no active rep of the lead's team in your cache"),
			    lq_attr(LQ_C_ERROR) | A_BOLD);
		return;
	default:
		break;
	}
	if (bk->source == BK_SRC_SERVER)
		snprintf(line, sizeof line, _("free slots from the server · %d min · times in %s%s"),
			 BK_MINUTES, bk->cal_tz, bk->more ? _(" · more than shown") : "");
	else
		snprintf(line, sizeof line,
			 _("NOT CHECKED with the server (%s): cached calendar · times in %s"),
			 bk->why_local, bk->cal_tz);
	lq_draw_str(1, 1, COLS - 2, line,
		    bk->source == BK_SRC_SERVER ? A_NORMAL : lq_attr(LQ_C_AT_RISK) | A_BOLD);
	if (bk->ndays == 0 || bk->nrows == 0) {
		lq_draw_str(3, 1, COLS - 2, _("no free slots in the next business days"), A_BOLD);
		draw_result(app, bk, LINES - 2);
		return;
	}
	cw = (COLS - 7) / bk->ndays;
	if (cw > 16)
		cw = 16;
	for (int d = 0; d < bk->ndays; d++) {
		struct lq_civil c;
		char title[32];

		memset(&c, 0, sizeof c);
		lq_civil_from_days(bk->days[d], &c.year, &c.month, &c.day);
		snprintf(title, sizeof title, "%s %02d-%02d", lq_app_weekday(lq_weekday_from_days(bk->days[d])),
			 c.month, c.day);
		lq_draw_text(2, 7 + d * cw, cw - 1, title, lq_attr(LQ_C_TITLE) | A_BOLD,
			     LQ_ALIGN_LEFT);
	}
	if (bk->cy < bk->top)
		bk->top = bk->cy;
	if (bk->cy >= bk->top + rows)
		bk->top = bk->cy - rows + 1;
	y = 3;
	for (int r_ = bk->top; r_ < bk->nrows && y < 3 + rows; r_++, y++) {
		char t[24];

		snprintf(t, sizeof t, "%02d:%02d", bk->rows[r_] / 60, bk->rows[r_] % 60);
		lq_draw_str(y, 1, 5, t, lq_attr(LQ_C_TITLE));
		for (int d = 0; d < bk->ndays; d++) {
			const char *text = "";
			attr_t a = A_NORMAL;

			switch (bk->cell[d][r_]) {
			case CELL_FREE:
				text = _("free");
				a = lq_attr(LQ_C_ON_TRACK);
				break;
			case CELL_BUSY:
				text = _("busy");
				a = lq_attr(LQ_C_DIM);
				break;
			case CELL_PAST:
				text = "·";
				a = lq_attr(LQ_C_DIM);
				break;
			default:
				break;
			}
			if (bk->op_id[0] && bk->at[d][r_] == bk->booked_start &&
			    (bk->result == BK_PENDING || bk->result == BK_BOOKED)) {
				text = bk->result == BK_PENDING ? _("pending") : _("booked");
				a = lq_attr(LQ_C_AT_RISK) | A_BOLD;
			}
			if (d == bk->cx && r_ == bk->cy)
				a = lq_attr(LQ_C_SELECT) | A_BOLD;
			lq_draw_text(y, 7 + d * cw, cw - 1, text, a, LQ_ALIGN_LEFT);
		}
	}
	draw_zones(app, bk, LINES - 5);
	draw_result(app, bk, LINES - 2);
}

/* ---- booking a slot --------------------------------------------------------- */

static void note_done(struct lq_app *app, int choice, const char *text)
{
	struct lq_booking *bk = app->booking;
	const struct bk_rep *r;
	const char *modes[LQ_APPT_MODE_COUNT] = {
#define X(id, wire, label) wire,
		LQ_APPT_MODE_LIST(X)
#undef X
	};
	struct lq_act_result res;
	struct find_op f;
	char *err = NULL, when[96];
	enum lq_store_rc rc;

	if (!bk || choice < 0 || bk->pick_start == LQ_TIME_NONE)
		return;
	r = cur_rep(bk);
	if (!r)
		return;
	memset(&res, 0, sizeof res);
	rc = lq_store_book(app->s->store, bk->lead_id, r->id, bk->pick_start,
			   bk->pick_start + BK_MINUTES * LQ_MINUTE, bk->lead_tz[0] ? bk->lead_tz : NULL,
			   modes[bk->pick_mode], text && *text ? text : NULL, lq_os_now(), &res, &err);
	if (rc != LQ_STORE_OK) {
		lq_app_message(app, true, _("the booking was not queued: %s"),
			       err ? err : lq_store_errmsg(app->s->store));
		free(err);
		return;
	}
	free(err);
	/* A booking this one replaces (taken slot) is settled now. */
	if (bk->op_id[0] && op_in(bk, "conflict", &f))
		lq_store_outbox_mark(app->s->store, bk->op_id, "cancelled", NULL);
	if (bk->replaces_op[0]) {
		lq_store_outbox_mark(app->s->store, bk->replaces_op, "cancelled", NULL);
		bk->replaces_op[0] = '\0';
	}
	memcpy(bk->op_id, res.op_id, LQ_UUID_SIZE);
	memcpy(bk->appt_id, res.activity_id, LQ_UUID_SIZE);
	bk->booked_start = bk->pick_start;
	bk->result = BK_PENDING;
	bk->conflict_seen = false;
	slot_text(lq_app_zone(app, bk->lead_tz), bk->pick_start,
		  bk->pick_start + BK_MINUTES * LQ_MINUTE, when, sizeof when);
	lq_app_message(app, false, _("queued: %s with %s (the lead's time)"), when, r->name);
	if (app->sync)
		lq_sync_kick(app->sync);
}

static void mode_done(struct lq_app *app, int choice, const char *text)
{
	struct lq_booking *bk = app->booking;

	(void)text;
	if (!bk || choice < 0 || choice >= LQ_APPT_MODE_COUNT)
		return;
	bk->pick_mode = choice;
	lq_popup_prompt(app, _("note for the rep (optional) · Enter books"), "", false, note_done,
			NULL, 0, bk->lead_id);
}

static void book_selected(struct lq_app *app, struct lq_booking *bk)
{
	const char *labels[LQ_APPT_MODE_COUNT] = {
#define X(id, wire, label) _(label),
		LQ_APPT_MODE_LIST(X)
#undef X
	};
	char title[200], when[96];

	if (bk->phase != BK_READY || bk->ndays == 0 || bk->nrows == 0)
		return;
	if (bk->cell[bk->cx][bk->cy] != CELL_FREE) {
		lq_app_message(app, true, "%s", _("this slot is not free: pick a free one"));
		return;
	}
	if (bk->result == BK_PENDING) {
		lq_app_message(app, true, "%s", _("a booking is pending: wait for the server's answer"));
		return;
	}
	bk->pick_start = bk->at[bk->cx][bk->cy];
	slot_text(lq_app_zone(app, bk->lead_tz), bk->pick_start,
		  bk->pick_start + BK_MINUTES * LQ_MINUTE, when, sizeof when);
	snprintf(title, sizeof title, _("%s (lead's time): how?"), when);
	lq_popup_picker(app, title, labels, LQ_APPT_MODE_COUNT, mode_done, 0, bk->lead_id);
}

static void rep_done(struct lq_app *app, int choice, const char *text)
{
	struct lq_booking *bk = app->booking;

	(void)text;
	if (!bk || choice < 0 || choice >= bk->nreps)
		return;
	bk->rep = choice;
	bk->phase = BK_LOADING_SLOTS;
	load_slots(bk);
}

static void choose_rep(struct lq_app *app, struct lq_booking *bk)
{
	static char labels[BK_REPS_MAX][96];
	const char *ptrs[BK_REPS_MAX];

	if (bk->nreps == 0) {
		lq_app_message(app, true, "%s", _("no other rep of the lead's team in your cache"));
		return;
	}
	for (int i = 0; i < bk->nreps; i++) {
		snprintf(labels[i], sizeof labels[i], "%s (%s)%s", bk->reps[i].name,
			 bk->reps[i].login, bk->reps[i].proposed ? _(" · proposed") : "");
		ptrs[i] = labels[i];
	}
	lq_popup_picker(app, _("book with which rep?"), ptrs, bk->nreps, rep_done, 0, bk->lead_id);
	app->popup.sel = bk->rep >= 0 ? bk->rep : 0;
}

static int booking_key(struct lq_app *app, enum lq_action action, int key)
{
	struct lq_booking *bk = app->booking;

	if (!bk)
		return LQ_H_IGNORED;
	if (key == (LQ_KEY_FN | KEY_LEFT)) {
		if (bk->cx > 0)
			bk->cx--;
		return LQ_H_HANDLED;
	}
	if (key == (LQ_KEY_FN | KEY_RIGHT)) {
		if (bk->cx + 1 < bk->ndays)
			bk->cx++;
		return LQ_H_HANDLED;
	}
	if (key == 'p') {
		choose_rep(app, bk);
		return LQ_H_REDRAW;
	}
	switch (action) {
	case LQ_ACTION_MOVE_UP:
		if (bk->cy > 0)
			bk->cy--;
		return LQ_H_HANDLED;
	case LQ_ACTION_MOVE_DOWN:
		if (bk->cy + 1 < bk->nrows)
			bk->cy++;
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_UP:
		bk->cy = bk->cy > grid_rows() ? bk->cy - grid_rows() : 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_DOWN:
		bk->cy = bk->cy + grid_rows() < bk->nrows ? bk->cy + grid_rows() :
			 (bk->nrows ? bk->nrows - 1 : 0);
		return LQ_H_HANDLED;
	case LQ_ACTION_FIRST:
		bk->cy = 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_LAST:
		bk->cy = bk->nrows ? bk->nrows - 1 : 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_OPEN:
		book_selected(app, bk);
		return LQ_H_REDRAW;
	case LQ_ACTION_REDRAW:
		/* Ask the server again (it may be back). */
		bk->offline = false;
		if (bk->phase != BK_LOADING_REP)
			load_slots(bk);
		clearok(curscr, TRUE);
		return LQ_H_REDRAW;
	case LQ_ACTION_BACK:
		lq_booking_close(app);
		/* Back where it was opened: the conflicts (re-read: a new
		 * booking settled the old one), the lead, or the queue. */
		if (app->back_to == &lq_screen_conflicts) {
			lq_problems_load(app);
			lq_app_set_screen(app, &lq_screen_conflicts);
		} else {
			lq_app_set_screen(app, app->back_to == &lq_screen_lead && app->pinned ?
					  &lq_screen_lead : &lq_screen_queue);
		}
		return LQ_H_REDRAW;
	case LQ_ACTION_QUIT:
	case LQ_ACTION_HELP:
	case LQ_ACTION_CONFLICTS:
		return LQ_H_IGNORED;
	default:
		return LQ_H_HANDLED;
	}
}

static void booking_resize(struct lq_app *app)
{
	if (app->booking)
		app->booking->top = 0;
}

const struct lq_screen_ops lq_screen_booking = {
	.name = "booking",
	.draw = booking_draw,
	.key = booking_key,
	.resize = booking_resize,
};

void lq_booking_close(struct lq_app *app)
{
	struct lq_booking *bk = app->booking;

	if (!bk)
		return;
	/* A request in flight must never call back into freed memory. */
	cancel_get(bk);
	free(bk->free);
	free(bk);
	app->booking = NULL;
}

void lq_booking_open(struct lq_app *app, const char *lead_id, const char *rep_id,
		     lq_time want_start, const char *replaces_op)
{
	struct lq_booking *bk;
	struct lq_lead lead;
	char path[128];

	lq_booking_close(app);
	lq_lead_init(&lead);
	if (lq_store_get_lead(app->s->store, lead_id, &lead) != LQ_STORE_OK) {
		lq_app_message(app, true, "%s", _("the lead is no longer in the cache"));
		return;
	}
	bk = calloc(1, sizeof *bk);
	if (!bk) {
		lq_lead_clear(&lead);
		lq_app_message(app, true, "%s", _("out of memory"));
		return;
	}
	bk->app = app;
	bk->rep = -1;
	bk->want_start = want_start;
	bk->booked_start = LQ_TIME_NONE;
	bk->pick_start = LQ_TIME_NONE;
	memcpy(bk->lead_id, lead.id, LQ_UUID_SIZE);
	lq_strlcpy_utf8(bk->lead_name, lead.name && *lead.name ? lead.name :
			(lead.company ? lead.company : lead.id), sizeof bk->lead_name);
	if (lead.tz)
		lq_strlcpy_utf8(bk->lead_tz, lead.tz, sizeof bk->lead_tz);
	if (lead.team_id && strlen(lead.team_id) < LQ_UUID_SIZE)
		memcpy(bk->team_id, lead.team_id, strlen(lead.team_id) + 1);
	else if (app->s->user.team_id && strlen(app->s->user.team_id) < LQ_UUID_SIZE)
		memcpy(bk->team_id, app->s->user.team_id, strlen(app->s->user.team_id) + 1);
	if (replaces_op)
		snprintf(bk->replaces_op, sizeof bk->replaces_op, "%s", replaces_op);
	lq_lead_clear(&lead);
	app->booking = bk;
	load_reps(bk);
	lq_app_set_screen(app, &lq_screen_booking);
	if (rep_id && *rep_id) {
		for (int i = 0; i < bk->nreps; i++)
			if (strcmp(bk->reps[i].id, rep_id) == 0)
				bk->rep = i;
		if (bk->rep < 0 && add_rep(bk, rep_id, NULL, NULL, NULL)) {
			bk->rep = bk->nreps - 1;
			lq_strlcpy_utf8(bk->reps[bk->rep].name, rep_id, 9);
		}
	}
	/* The proposal, unless the rep is given or can only be oneself. */
	if (bk->rep < 0 && app->sync && app->s->user.role != LQ_ROLE_REP) {
		int id;

		snprintf(path, sizeof path, "/api/v1/leads/%s/proposal", bk->lead_id);
		id = lq_sync_get(app->sync, path, on_proposal, bk);
		if (id > 0) {
			bk->get_id = id;
			bk->phase = BK_LOADING_REP;
			return;
		}
	}
	pick_default_rep(bk);
}

/* ---- callbacks -------------------------------------------------------------- */

/* The popups carry the chosen time as minutes since the epoch (arg), and
 * personal in its lowest bit after the second step. */

static void callback_note_done(struct lq_app *app, int choice, const char *text)
{
	struct lq_act_result res;
	lq_time at = (lq_time)(app->popup.arg >> 1) * LQ_MINUTE;
	bool personal = app->popup.arg & 1;
	char lead_id[LQ_UUID_SIZE], *err = NULL, when[64];
	enum lq_store_rc rc;
	const struct lq_lead *l;

	if (choice < 0)
		return;
	memcpy(lead_id, app->popup.lead_id, LQ_UUID_SIZE);
	memset(&res, 0, sizeof res);
	rc = lq_store_callback(app->s->store, &app->s->act, lead_id, at, personal,
			       text && *text ? text : NULL, lq_os_now(), &res, &err);
	if (rc != LQ_STORE_OK) {
		if (rc == LQ_STORE_INVALID)
			lq_app_message(app, true, "%s", _(lq_lead_error_message(res.lead_error)));
		else
			lq_app_message(app, true, _("nothing was saved: %s"),
				       err ? err : lq_store_errmsg(app->s->store));
		free(err);
		return;
	}
	free(err);
	l = lq_app_find_lead(app, lead_id);
	lq_app_format_local(lq_app_zone(app, l ? l->tz : NULL), at, true, when, sizeof when);
	lq_app_update_lead(app, lead_id);
	lq_app_message(app, false, personal ? _("callback %s (lead's time), yours") :
		       _("callback %s (lead's time), for the team"), when);
}

static void callback_who_done(struct lq_app *app, int choice, const char *text)
{
	int arg = app->popup.arg;
	char lead_id[LQ_UUID_SIZE];

	(void)text;
	if (choice < 0)
		return;
	memcpy(lead_id, app->popup.lead_id, LQ_UUID_SIZE);
	lq_popup_prompt(app, _("callback note (optional)"), "", false, callback_note_done, NULL,
			(arg << 1) | (choice == 0 ? 1 : 0), lead_id);
}

/* "YYYY-MM-DD HH:MM" or "HH:MM" (today, or tomorrow when past) in tz. */
static bool parse_local(const char *text, const struct lq_tz *tz, lq_time now, lq_time *out)
{
	struct lq_civil c, today;

	if (tz)
		lq_tz_to_local(tz, now, &today);
	else
		lq_time_to_civil(now, 0, &today);
	if (!lq_civil_parse_wall(text, &today, &c))
		return false;
	*out = tz ? lq_tz_from_local(tz, &c) : lq_time_from_civil(&c, 0);
	return *out != LQ_TIME_NONE;
}

static void callback_time_done(struct lq_app *app, int choice, const char *text)
{
	const char *labels[2] = { _("personal: only I call back"), _("team: anyone of the team") };
	const struct lq_lead *l;
	lq_time at, now = lq_os_now();
	char lead_id[LQ_UUID_SIZE];

	if (choice < 0 || !text)
		return;
	memcpy(lead_id, app->popup.lead_id, LQ_UUID_SIZE);
	l = lq_app_find_lead(app, lead_id);
	if (!parse_local(text, lq_app_zone(app, l ? l->tz : NULL), now, &at)) {
		lq_app_message(app, true, _("'%s': expected YYYY-MM-DD HH:MM (the lead's time)"), text);
		return;
	}
	if (at <= now) {
		lq_app_message(app, true, "%s", _("that time is past"));
		return;
	}
	lq_popup_picker(app, _("whose callback?"), labels, 2, callback_who_done,
			(int)(at / LQ_MINUTE), lead_id);
}

/* The next whole hour of the lead's business hours (the team's weekly
 * hours, in the lead's zone). */
static lq_time next_business_hour(struct lq_app *app, const struct lq_lead *l)
{
	const struct lq_tz *tz = lq_app_zone(app, l->tz);
	struct lq_calendar cal = *lq_session_calendar(app->s, l->team_id, NULL);
	lq_time now = lq_os_now(), t;
	struct lq_civil c;

	if (tz)
		cal.tz = tz;
	tz = cal.tz;
	if (tz)
		lq_tz_to_local(tz, now + LQ_HOUR, &c);
	else
		lq_time_to_civil(now + LQ_HOUR, 0, &c);
	c.minute = c.second = 0;
	t = tz ? lq_tz_from_local(tz, &c) : lq_time_from_civil(&c, 0);
	t = lq_calendar_add(&cal, t, 0);
	return t == LQ_TIME_NONE ? now + LQ_HOUR : t;
}

static void start_callback(struct lq_app *app, const char *lead_id)
{
	const struct lq_lead *l = lq_app_find_lead(app, lead_id);
	char title[200], when[64];

	if (!l)
		return;
	lq_app_format_local(lq_app_zone(app, l->tz), next_business_hour(app, l), true, when,
			    sizeof when);
	snprintf(title, sizeof title, _("callback at (the lead's time, %s): YYYY-MM-DD HH:MM"),
		 l->tz && *l->tz ? l->tz : _("zone unknown: UTC"));
	lq_popup_prompt(app, title, when, false, callback_time_done, NULL, 0, lead_id);
}

/* ---- the action ------------------------------------------------------------- */

static void kind_done(struct lq_app *app, int choice, const char *text)
{
	char lead_id[LQ_UUID_SIZE];

	(void)text;
	memcpy(lead_id, app->popup.lead_id, LQ_UUID_SIZE);
	if (choice == 0)
		lq_booking_open(app, lead_id, NULL, LQ_TIME_NONE, NULL);
	else if (choice == 1)
		start_callback(app, lead_id);
}

int lq_do_book(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	const char *labels[2] = { _("appointment with a rep"), _("callback") };

	(void)a;
	if (!l)
		return LQ_H_HANDLED;
	lq_popup_picker(app, _("book:"), labels, 2, kind_done, 0, l->id);
	return LQ_H_REDRAW;
}
