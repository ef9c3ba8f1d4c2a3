/* leadq client — the app: the queue model, the dispatcher and the main loop.
 *
 * Screens (screen_*.c) draw and take keys; the actions of LQ_ACTION_LIST are
 * dispatched here once, with their precondition flags checked once. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leadq/i18n.h"
#include "leadq/os.h"
#include "leadq/text.h"
#include "leadq/time.h"
#include "ui/draw.h"
#include "ui/screen.h"

typedef int (*lq_handler)(struct lq_app *app, enum lq_action a);

static const lq_handler handlers[LQ_ACTION_COUNT] = {
#define X(id, name, keys, flags, handler, help) [LQ_ACTION_##id] = handler,
	LQ_ACTION_LIST(X)
#undef X
};

/* ---- the model ------------------------------------------------------------ */

const char *lq_app_filter_label(int idx)
{
	switch (idx) {
	case LQ_FILTER_OPEN:
		return _("open");
	case LQ_FILTER_ALL:
		return _("all");
	case LQ_FILTER_BREACHED:
		return _("breached");
	default:
		return _(lq_status_label((enum lq_status)(idx - 3)));
	}
}

bool lq_app_is_team_lead(const struct lq_app *app)
{
	return app->s->user.role == LQ_ROLE_LEAD && app->s->user.id[0];
}

bool lq_app_can_reassign(const struct lq_app *app)
{
	return lq_app_is_team_lead(app) || app->dispatcher;
}

static bool lead_at_risk(void *ctx, const struct lq_lead *l, lq_time now)
{
	struct lq_app *app = ctx;
	struct lq_sla_view v;

	(void)now;
	if (lq_lead_breached(l, app->now))
		return false;
	lq_app_sla(app, l, &v);
	return v.state == LQ_SLA_AT_RISK;
}

/* The team view's filter: the team's open leads, narrowed by one choice.
 * Search still applies. */
static void build_team_filter(struct lq_app *app)
{
	struct lq_filter *f = &app->filter;

	lq_filter_init(f);
	f->status_mask = lq_filter_open_mask();
	f->team_id = app->s->user.team_id;
	f->text = app->search_folded[0] ? app->search_folded : NULL;
	switch (app->team_filter) {
	case LQ_TEAM_REP:
		f->owner_id = app->team_rep;
		break;
	case LQ_TEAM_BREACHED:
		f->breached_only = true;
		break;
	case LQ_TEAM_AT_RISK:
		f->at_risk_only = true;
		f->at_risk = lead_at_risk;
		f->at_risk_ctx = app;
		break;
	case LQ_TEAM_UNASSIGNED:
		f->owner_id = "";
		break;
	default:
		break;
	}
}

static void build_filter(struct lq_app *app)
{
	struct lq_filter *f = &app->filter;

	if (lq_app_is_team_lead(app) && app->team_view) {
		build_team_filter(app);
		return;
	}
	lq_filter_init(f);
	switch (app->filter_idx) {
	case LQ_FILTER_OPEN:
		f->status_mask = lq_filter_open_mask();
		break;
	case LQ_FILTER_ALL:
		break;
	case LQ_FILTER_BREACHED:
		f->status_mask = lq_filter_open_mask();
		f->breached_only = true;
		break;
	default:
		f->status_mask = 1u << (app->filter_idx - 3);
		break;
	}
	f->text = app->search_folded[0] ? app->search_folded : NULL;
	/* A rep works their own leads, and so does a team lead in "my queue". */
	if ((app->s->user.role == LQ_ROLE_REP || app->s->user.role == LQ_ROLE_LEAD) &&
	    app->s->user.id[0])
		f->owner_id = app->s->user.id;
}

const char *lq_app_owner_login(const struct lq_app *app, const char *owner_id, char *buf,
			       size_t size)
{
	if (!owner_id || !owner_id[0]) {
		snprintf(buf, size, "%s", "—");
		return buf;
	}
	for (size_t i = 0; i < app->nreps; i++) {
		if (strcmp(app->reps[i].id, owner_id) == 0) {
			snprintf(buf, size, "%s", app->reps[i].login);
			return buf;
		}
	}
	if (strcmp(owner_id, app->s->user.id) == 0 && app->s->user.login)
		snprintf(buf, size, "%s", app->s->user.login);
	else
		snprintf(buf, size, "%.8s", owner_id);
	return buf;
}

void lq_app_team_filter_label(const struct lq_app *app, char *buf, size_t size)
{
	char login[64];

	switch (app->team_filter) {
	case LQ_TEAM_REP:
		snprintf(buf, size, _("rep %s"),
			 lq_app_owner_login(app, app->team_rep, login, sizeof login));
		break;
	case LQ_TEAM_BREACHED:
		snprintf(buf, size, "%s", _("breached"));
		break;
	case LQ_TEAM_AT_RISK:
		snprintf(buf, size, "%s", _("at risk"));
		break;
	case LQ_TEAM_UNASSIGNED:
		snprintf(buf, size, "%s", _("unassigned"));
		break;
	default:
		snprintf(buf, size, "%s", _("open"));
		break;
	}
}

struct reps_ctx {
	struct lq_app *app;
	const char *team;
};

static int rep_cb(void *ctx, const struct lq_user *u)
{
	struct reps_ctx *c = ctx;
	struct lq_team_rep *r;

	if (c->app->nreps >= LQ_TEAM_REPS_MAX)
		return 1;
	if (!u->active || !u->team_id || strcmp(u->team_id, c->team) != 0)
		return 0;
	r = &c->app->reps[c->app->nreps++];
	memcpy(r->id, u->id, LQ_UUID_SIZE);
	lq_strlcpy_utf8(r->login, u->login ? u->login : "", sizeof r->login);
	lq_strlcpy_utf8(r->name, u->name && *u->name ? u->name : r->login, sizeof r->name);
	r->role = u->role;
	r->capacity = u->capacity;
	return 0;
}

/* The active users of the team lead's team, in name order. */
static void load_reps(struct lq_app *app)
{
	struct reps_ctx c = { app, app->s->user.team_id };

	app->nreps = 0;
	if (!lq_app_can_reassign(app) || !c.team)
		return;
	if (lq_store_each_user(app->s->store, rep_cb, &c) != LQ_STORE_OK)
		lq_app_message(app, true, "%s", _("cannot read the team's users"));
}

/* The end of today in the user's zone. */
static lq_time day_end(const struct lq_app *app)
{
	struct lq_civil c;
	int64_t days;

	if (!app->s->user_tz)
		return (app->now / LQ_DAY + 1) * LQ_DAY;
	lq_tz_to_local(app->s->user_tz, app->now, &c);
	days = lq_days_from_civil(c.year, c.month, c.day) + 1;
	memset(&c, 0, sizeof c);
	lq_civil_from_days(days, &c.year, &c.month, &c.day);
	return lq_tz_from_local(app->s->user_tz, &c);
}

static void refresh_loads(struct lq_app *app)
{
	size_t i;

	if (!lq_app_is_team_lead(app))
		return;
	for (i = 0; i < app->nreps; i++)
		app->loads[i].owner_id = app->reps[i].id;
	app->loads[i].owner_id = "";
	lq_queue_load(app->items, app->nitems, app->now, day_end(app), app->loads, app->nreps + 1);
}

void lq_app_sla(struct lq_app *app, const struct lq_lead *l, struct lq_sla_view *out)
{
	static struct lq_sla_policy fallback;
	static bool fallback_set;
	const struct lq_sla_policy *policy = NULL;
	const struct lq_calendar *cal = lq_session_calendar(app->s, l->team_id, &policy);

	if (!policy) {
		if (!fallback_set) {
			lq_sla_policy_default(&fallback);
			fallback_set = true;
		}
		policy = &fallback;
	}
	lq_sla_status(l, policy, cal, app->now, out);
}

int lq_app_sla_text(struct lq_app *app, const struct lq_queue_item *it, char *buf, size_t size,
		    const char **mark)
{
	const struct lq_lead *l = it->lead;
	struct lq_sla_view v;
	char d[32];

	*mark = "  ";
	buf[0] = '\0';
	if (it->group == LQ_GROUP_DUE_NOW && l->next_appt_at != LQ_TIME_NONE) {
		bool callback = lq_app_due_is_callback(l);

		/* The mark says which: "@" an appointment, "☎" a callback. */
		lq_app_countdown(app->now, l->next_appt_at, callback, 9, buf, size);
		*mark = callback ? "☎ " : "@ ";
		return LQ_C_AT_RISK;
	}
	lq_app_sla(app, l, &v);
	if (v.clock == LQ_SLA_NONE || v.state == LQ_SLA_IDLE)
		return LQ_C_NORMAL;
	lq_duration_format(v.remaining, d, sizeof d);
	snprintf(buf, size, "%s", d);
	switch (v.state) {
	case LQ_SLA_BREACHED:
		*mark = "!!";
		return LQ_C_BREACHED;
	case LQ_SLA_AT_RISK:
		*mark = "! ";
		return LQ_C_AT_RISK;
	default:
		return LQ_C_ON_TRACK;
	}
}

bool lq_app_due_is_callback(const struct lq_lead *l)
{
	return l->callback_at != LQ_TIME_NONE && l->next_appt_at == l->callback_at &&
	       lq_lead_callback_pending(l);
}

/* Picks the long form when it fits in narrow columns (0: any), else the
 * short one. */
static void fit(char *buf, size_t size, int narrow, const char *longer, const char *shorter)
{
	snprintf(buf, size, "%s", narrow > 0 && lq_text_width(longer) > narrow ? shorter : longer);
}

const char *lq_app_countdown(lq_time now, lq_time start, bool callback, int narrow, char *buf,
			     size_t size)
{
	lq_time d = start - now;
	char a[64], b[64];
	long m, h;

	if (d > -LQ_MINUTE && d < LQ_MINUTE) {
		snprintf(buf, size, "%s", callback ? _("due now") : _("starts now"));
		return buf;
	}
	if (d > 0) {
		/* Rounded up: 11 min 30 s away is "in 12 min". */
		m = (long)((d + LQ_MINUTE - 1) / LQ_MINUTE);
		h = m / 60;
		if (m < 60) {
			snprintf(a, sizeof a, _("in %ld min"), m);
			snprintf(b, sizeof b, _("in %ldm"), m);
		} else if (h < 24) {
			snprintf(a, sizeof a, _("in %ld h %02ld min"), h, m % 60);
			snprintf(b, sizeof b, _("in %ldh %02ldm"), h, m % 60);
			if (narrow > 0 && lq_text_width(b) > narrow)
				snprintf(b, sizeof b, _("in %ldh"), h);
		} else {
			snprintf(a, sizeof a, P_("in %ld day", "in %ld days", h / 24), h / 24);
			snprintf(b, sizeof b, _("in %ldd"), h / 24);
		}
		fit(buf, size, narrow, a, b);
		return buf;
	}
	m = (long)(-d / LQ_MINUTE);
	h = m / 60;
	if (m < 60) {
		snprintf(a, sizeof a, callback ? _("due %ld min ago") : _("started %ld min ago"), m);
		if (narrow > 0 && lq_text_width(a) > narrow)
			snprintf(a, sizeof a, _("%ld min ago"), m);
		snprintf(b, sizeof b, _("%ldm ago"), m);
	} else if (h < 24) {
		snprintf(a, sizeof a, callback ? _("due %ld h %02ld min ago") :
			 _("started %ld h %02ld min ago"), h, m % 60);
		snprintf(b, sizeof b, _("%ldh ago"), h);
	} else {
		snprintf(a, sizeof a, callback ? P_("due %ld day ago", "due %ld days ago", h / 24) :
			 P_("started %ld day ago", "started %ld days ago", h / 24), h / 24);
		snprintf(b, sizeof b, _("%ldd ago"), h / 24);
	}
	fit(buf, size, narrow, a, b);
	return buf;
}

static void refresh_counts(struct lq_app *app)
{
	app->n_open = app->n_breached = app->n_at_risk = 0;
	for (size_t i = 0; i < app->nitems; i++) {
		const struct lq_lead *l = app->items[i].lead;
		struct lq_sla_view v;

		if (!lq_status_is_open(l->status))
			continue;
		if (!app->team_view && app->filter.owner_id &&
		    (!l->owner_id || strcmp(l->owner_id, app->filter.owner_id)))
			continue;
		app->n_open++;
		if (lq_lead_breached(l, app->now)) {
			app->n_breached++;
			continue;
		}
		/* Business time only for the leads whose clock may be at risk. */
		if (l->sla_first_due == LQ_TIME_NONE && l->sla_cadence_due == LQ_TIME_NONE)
			continue;
		lq_app_sla(app, l, &v);
		if (v.state == LQ_SLA_AT_RISK)
			app->n_at_risk++;
	}
	refresh_loads(app);
}

void lq_app_refresh_view(struct lq_app *app, bool resort)
{
	const struct lq_lead *keep = lq_app_selected(app);

	app->now = lq_os_now();
	if (resort)
		lq_queue_sort(app->items, app->nitems, app->sort, app->now);
	build_filter(app);
	app->nview = lq_queue_filter(app->items, app->nitems, &app->filter, app->now, app->view);
	if (keep) {
		for (size_t i = 0; i < app->nview; i++) {
			if (app->view[i].lead == keep) {
				app->cursor = i;
				break;
			}
		}
	}
	if (app->cursor >= app->nview)
		app->cursor = app->nview ? app->nview - 1 : 0;
}

const struct lq_lead *lq_app_selected(const struct lq_app *app)
{
	if (app->pinned)
		return app->pinned;
	if (!app->view || app->cursor >= app->nview)
		return NULL;
	return app->view[app->cursor].lead;
}

const struct lq_lead *lq_app_find_lead(const struct lq_app *app, const char *lead_id)
{
	for (size_t i = 0; i < app->set.count; i++)
		if (strcmp(app->set.leads[i].id, lead_id) == 0)
			return &app->set.leads[i];
	return NULL;
}

static void refresh_outbox(struct lq_app *app)
{
	int pending = 0, held = 0;

	if (lq_store_outbox_count(app->s->store, app->now, &pending, &held) == LQ_STORE_OK) {
		app->pending = pending;
		app->held = held;
	}
}

void lq_app_update_lead(struct lq_app *app, const char *lead_id)
{
	struct lq_lead fresh;
	struct lq_lead *l = (struct lq_lead *)lq_app_find_lead(app, lead_id);

	lq_lead_init(&fresh);
	if (l && lq_store_get_lead(app->s->store, lead_id, &fresh) == LQ_STORE_OK) {
		/* Actions move only the state, never the strings (they live in
		 * the set's arena). */
		l->status = fresh.status;
		memcpy(l->reason, fresh.reason, sizeof l->reason);
		l->touches = fresh.touches;
		l->touches_required = fresh.touches_required;
		l->first_touch_at = fresh.first_touch_at;
		l->last_touch_at = fresh.last_touch_at;
		l->sla_first_due = fresh.sla_first_due;
		l->sla_cadence_due = fresh.sla_cadence_due;
		l->next_touch_due = fresh.next_touch_due;
		/* As the loaded set has it: a callback due for this user counts. */
		l->next_appt_at = lq_lead_due_at(&fresh, app->s->user.id);
		l->callback_at = fresh.callback_at;
		l->do_not_contact = fresh.do_not_contact;
		l->amount = fresh.amount;
		l->version = fresh.version;
		l->updated_at = fresh.updated_at;
	}
	lq_lead_clear(&fresh);
	if (strcmp(app->tl_lead, lead_id) == 0)
		lq_app_forget_timeline(app);
	lq_app_refresh_view(app, true);
	refresh_counts(app);
	refresh_outbox(app);
}

void lq_app_message(struct lq_app *app, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->msg, sizeof app->msg, fmt, ap);
	va_end(ap);
	app->msg_error = error;
}

enum lq_pane lq_app_pane(void)
{
	if (LINES >= 40)
		return LQ_PANE_BOTTOM;
	if (COLS >= 120)
		return LQ_PANE_SIDE;
	return LQ_PANE_NONE;
}

int lq_app_load_rows(const struct lq_app *app)
{
	int rows;

	if (!app->load_panel || !lq_app_is_team_lead(app) || lq_app_pane() != LQ_PANE_NONE)
		return 0;
	/* Title, column titles, one row a rep and the unassigned; the list
	 * keeps 8 rows. */
	rows = 3;
	for (size_t i = 0; i < app->nreps; i++)
		rows += app->reps[i].role == LQ_ROLE_REP;
	if (rows > LINES - 3 - 8)
		rows = LINES - 3 - 8;
	return rows;
}

int lq_app_list_rows(const struct lq_app *app)
{
	int rows = LINES - 3;   /* header, column titles, status bar */

	if (lq_app_pane() == LQ_PANE_BOTTOM)
		rows -= LQ_PANE_BOTTOM_ROWS;
	rows -= lq_app_load_rows(app);
	return rows > 1 ? rows : 1;
}

const struct lq_tz *lq_app_zone(struct lq_app *app, const char *name)
{
	char *err = NULL;
	struct lq_tz *tz;

	if (!name || !*name)
		return NULL;
	for (int i = 0; i < app->nzones; i++)
		if (strcmp(app->zones[i].name, name) == 0)
			return app->zones[i].tz;
	if (app->nzones >= LQ_ZONE_CACHE)
		return NULL;
	tz = lq_os_tz_load(name, &err);
	free(err);
	/* Remember failures too (tz NULL), so a bad zone is read once. */
	app->zones[app->nzones].name = strdup(name);
	if (!app->zones[app->nzones].name) {
		lq_tz_free(&tz);
		return NULL;
	}
	app->zones[app->nzones].tz = tz;
	app->nzones++;
	return tz;
}

const char *lq_app_weekday(int wday)
{
	static const char *const names[7] = {
		N_("Sun"), N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"),
	};

	return wday >= 0 && wday < 7 ? _(names[wday]) : "?";
}

int64_t lq_app_today(const struct lq_app *app)
{
	struct lq_civil c;

	if (app->s->user_tz)
		lq_tz_to_local(app->s->user_tz, app->now, &c);
	else
		lq_time_to_civil(app->now, 0, &c);
	return lq_days_from_civil(c.year, c.month, c.day);
}

lq_time lq_app_day_start(const struct lq_app *app, int64_t day)
{
	if (app->s->user_tz)
		return lq_tz_from_wall(app->s->user_tz, (lq_time)day * LQ_DAY);
	return (lq_time)day * LQ_DAY;
}

void lq_app_format_local(const struct lq_tz *tz, lq_time t, bool with_date, char *buf,
			 size_t size)
{
	struct lq_civil c;

	if (t == LQ_TIME_NONE) {
		snprintf(buf, size, "—");
		return;
	}
	if (tz)
		lq_tz_to_local(tz, t, &c);
	else
		lq_time_to_civil(t, 0, &c);
	if (with_date)
		snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour,
			 c.minute);
	else
		snprintf(buf, size, "%02d:%02d", c.hour, c.minute);
}

void lq_app_forget_timeline(struct lq_app *app)
{
	for (size_t i = 0; i < app->ntl; i++) {
		free(app->tl[i].subject);
		free(app->tl[i].detail);
	}
	free(app->tl);
	app->tl = NULL;
	app->ntl = 0;
	app->tl_lead[0] = '\0';
}

#define TIMELINE_MAX 500

struct tl_ctx {
	struct lq_app *app;
	size_t cap;
	bool failed;
};

static int timeline_cb(void *ctx, const struct lq_activity *a)
{
	struct tl_ctx *c = ctx;
	struct lq_app *app = c->app;
	struct lq_tl_entry *e;
	char routed[200];

	if (app->ntl >= TIMELINE_MAX)
		return 1;
	if (app->ntl == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct lq_tl_entry *tl = realloc(app->tl, cap * sizeof *tl);

		if (!tl) {
			c->failed = true;
			return 1;
		}
		app->tl = tl;
		c->cap = cap;
	}
	e = &app->tl[app->ntl];
	e->kind = a->kind;
	e->at = a->at;
	e->outcome = a->outcome;
	e->undone = a->undone;
	if (lq_system_note(a, routed, sizeof routed)) {
		e->subject = NULL;
		e->detail = strdup(routed);
	} else {
		e->subject = a->subject ? strdup(a->subject) : NULL;
		e->detail = a->detail ? strdup(a->detail) : NULL;
	}
	app->ntl++;
	return 0;
}

void lq_app_load_timeline(struct lq_app *app, const char *lead_id)
{
	struct tl_ctx c = { app, 0, false };

	if (strcmp(app->tl_lead, lead_id) == 0)
		return;
	lq_app_forget_timeline(app);
	if (lq_store_timeline(app->s->store, lead_id, timeline_cb, &c) != LQ_STORE_OK || c.failed)
		lq_app_message(app, true, "%s", _("cannot read the timeline"));
	memcpy(app->tl_lead, lead_id, LQ_UUID_SIZE);
}

/* The sync engine's alerts: one per lead, until the lead is opened. */
static void on_alert(void *ctx, enum lq_alert_kind kind, const char *lead_id)
{
	struct lq_app *app = ctx;

	(void)kind;
	for (size_t i = 0; i < app->nalerts; i++)
		if (strcmp(app->alerts[i], lead_id) == 0) {
			app->ring = true;
			return;
		}
	if (app->nalerts == app->alerts_cap) {
		size_t cap = app->alerts_cap ? app->alerts_cap * 2 : 16;
		char (*grown)[LQ_UUID_SIZE] = realloc(app->alerts, cap * sizeof *grown);

		if (!grown)
			return;
		app->alerts = grown;
		app->alerts_cap = cap;
	}
	snprintf(app->alerts[app->nalerts++], LQ_UUID_SIZE, "%s", lead_id);
	app->ring = true;
}

static void alert_seen(struct lq_app *app, const char *lead_id)
{
	for (size_t i = 0; i < app->nalerts; i++)
		if (strcmp(app->alerts[i], lead_id) == 0) {
			memmove(app->alerts[i], app->alerts[i + 1],
				(app->nalerts - i - 1) * sizeof app->alerts[0]);
			app->nalerts--;
			return;
		}
}

void lq_app_set_screen(struct lq_app *app, const struct lq_screen_ops *screen)
{
	/* The lead screen stays on its lead even when an action moves it out
	 * of the filtered queue. */
	if (screen == &lq_screen_lead && !app->pinned)
		app->pinned = lq_app_selected(app);
	if (screen == &lq_screen_lead && app->pinned)
		alert_seen(app, app->pinned->id);
	if (screen == &lq_screen_queue || screen == &lq_screen_day)
		app->pinned = NULL;
	if (screen != app->screen)
		app->back_to = app->screen;
	app->screen = screen;
}

/* ---- drawing -------------------------------------------------------------- */

void lq_app_draw(struct lq_app *app)
{
	erase();
	if (COLS < LQ_MIN_COLS || LINES < LQ_MIN_LINES) {
		char line[128];

		snprintf(line, sizeof line, _("terminal too small (%dx%d, needs %dx%d)"), COLS,
			 LINES, LQ_MIN_COLS, LQ_MIN_LINES);
		lq_draw_str(0, 0, COLS, line, A_BOLD);
		return;
	}
	app->screen->draw(app);
	lq_statusbar_draw(app);
	lq_popup_draw(app);
}

/* ---- keys ----------------------------------------------------------------- */

int lq_app_dispatch(struct lq_app *app, int key)
{
	enum lq_action action;
	unsigned flags;
	int rc;

	if (key == (LQ_KEY_FN | KEY_RESIZE)) {
		if (app->screen->resize)
			app->screen->resize(app);
		return LQ_H_REDRAW;
	}
	if (app->popup.kind != LQ_POPUP_NONE)
		return lq_popup_key(app, key);
	app->msg[0] = '\0';
	action = lq_keymap_lookup(&app->keymap, key);
	rc = app->screen->key(app, action, key);
	if (rc != LQ_H_IGNORED)
		return rc;
	if (action == LQ_ACTION_NONE || action >= LQ_ACTION_COUNT)
		return LQ_H_IGNORED;
	flags = lq_action_flags(action);
	if (flags & LQ_A_NOT_YET) {
		lq_app_message(app, false, _("%s: not available yet"), _(lq_action_help(action)));
		return LQ_H_HANDLED;
	}
	if ((flags & LQ_A_NEEDS_LEAD) && !lq_app_selected(app)) {
		lq_app_message(app, true, "%s", _("no lead selected"));
		return LQ_H_HANDLED;
	}
	if ((flags & LQ_A_CALLS) && lq_app_refuse_call(app, lq_app_selected(app)))
		return LQ_H_HANDLED;
	return handlers[action](app, action);
}

void lq_app_tick(struct lq_app *app)
{
	lq_time now = lq_os_now();

	if (now == app->last_tick)
		return;
	/* Once a minute the order itself may change (a deadline passes). */
	if (now / 60 != app->last_tick / 60) {
		lq_app_refresh_view(app, true);
		refresh_counts(app);
	}
	app->now = now;
	app->last_tick = now;
	refresh_outbox(app);
}

/* ---- generic handlers ----------------------------------------------------- */

int lq_do_move(struct lq_app *app, enum lq_action a)
{
	size_t rows = (size_t)lq_app_list_rows(app);

	if (app->nview == 0)
		return LQ_H_HANDLED;
	switch (a) {
	case LQ_ACTION_MOVE_UP:
		if (app->cursor > 0)
			app->cursor--;
		break;
	case LQ_ACTION_MOVE_DOWN:
		if (app->cursor + 1 < app->nview)
			app->cursor++;
		break;
	case LQ_ACTION_PAGE_UP:
		app->cursor = app->cursor > rows ? app->cursor - rows : 0;
		break;
	case LQ_ACTION_PAGE_DOWN:
		app->cursor = app->cursor + rows < app->nview ? app->cursor + rows : app->nview - 1;
		break;
	case LQ_ACTION_FIRST:
		app->cursor = 0;
		break;
	case LQ_ACTION_LAST:
		app->cursor = app->nview - 1;
		break;
	default:
		break;
	}
	app->detail_scroll = 0;
	return LQ_H_HANDLED;
}

int lq_do_open(struct lq_app *app, enum lq_action a)
{
	(void)a;
	app->lead_scroll = 0;
	app->focus = LQ_FOCUS_DETAIL;
	lq_app_set_screen(app, &lq_screen_lead);
	return LQ_H_REDRAW;
}

int lq_do_back(struct lq_app *app, enum lq_action a)
{
	(void)a;
	if (lq_day_back(app))
		return LQ_H_REDRAW;
	if (app->screen != &lq_screen_queue) {
		lq_app_set_screen(app, &lq_screen_queue);
		app->focus = LQ_FOCUS_QUEUE;
		return LQ_H_REDRAW;
	}
	if (app->focus != LQ_FOCUS_QUEUE) {
		app->focus = LQ_FOCUS_QUEUE;
		return LQ_H_REDRAW;
	}
	if (app->search[0]) {
		app->search[0] = app->search_folded[0] = '\0';
		lq_app_refresh_view(app, false);
	}
	return LQ_H_HANDLED;
}

int lq_do_focus(struct lq_app *app, enum lq_action a)
{
	(void)a;
	app->focus = (enum lq_focus)((app->focus + 1) % 3);
	app->detail_scroll = 0;
	return LQ_H_REDRAW;
}

static void search_changed(struct lq_app *app, const char *text)
{
	snprintf(app->search, sizeof app->search, "%s", text ? text : "");
	lq_fold(app->search, app->search_folded, sizeof app->search_folded);
	app->cursor = 0;
	lq_app_refresh_view(app, false);
	app->cursor = 0;
}

static void search_done(struct lq_app *app, int choice, const char *text)
{
	if (choice < 0) {
		search_changed(app, "");   /* Esc: back to the whole list */
		return;
	}
	search_changed(app, text);
	if (app->search[0])
		lq_app_message(app, false, P_("%zu lead matches", "%zu leads match", app->nview),
			       app->nview);
}

int lq_do_search(struct lq_app *app, enum lq_action a)
{
	(void)a;
	if (app->screen != &lq_screen_queue)
		lq_app_set_screen(app, &lq_screen_queue);
	lq_popup_prompt(app, "/", app->search, true, search_done, search_changed, 0, NULL);
	return LQ_H_REDRAW;
}

static void team_rep_done(struct lq_app *app, int choice, const char *text)
{
	char label[128];

	(void)text;
	if (choice < 0 || choice >= app->popup.nitems)
		return;
	memcpy(app->team_rep, app->reps[app->pick_rep[choice]].id, LQ_UUID_SIZE);
	app->team_filter = LQ_TEAM_REP;
	app->cursor = 0;
	lq_app_refresh_view(app, false);
	app->cursor = 0;
	lq_app_team_filter_label(app, label, sizeof label);
	lq_app_message(app, false, _("filter: %s"), label);
}

/* Fills the picker rows with the team's users ("Ana Núñez (ana) · 12 open");
 * reps_only leaves the team lead out.  Returns the rows. */
static int rep_labels(struct lq_app *app, bool reps_only, char labels[][96], const char **ptrs)
{
	int n = 0;

	for (size_t i = 0; i < app->nreps && n < LQ_POPUP_ITEMS; i++) {
		if (reps_only && app->reps[i].role != LQ_ROLE_REP)
			continue;
		snprintf(labels[n], 96, _("%s (%s) · %d open"), app->reps[i].name,
			 app->reps[i].login, app->loads[i].open);
		ptrs[n] = labels[n];
		app->pick_rep[n] = (int)i;
		n++;
	}
	return n;
}

static void team_filter_done(struct lq_app *app, int choice, const char *text)
{
	static char labels[LQ_POPUP_ITEMS][96];
	const char *ptrs[LQ_POPUP_ITEMS];
	char label[128];
	int n;

	(void)text;
	if (choice < 0 || choice >= LQ_TEAM_FILTER_COUNT)
		return;
	if (choice == LQ_TEAM_REP) {
		n = rep_labels(app, true, labels, ptrs);
		if (n == 0) {
			lq_app_message(app, true, "%s", _("no reps in your team"));
			return;
		}
		lq_popup_picker(app, _("show the leads of which rep?"), ptrs, n, team_rep_done, 0,
				NULL);
		return;
	}
	app->team_filter = (enum lq_team_filter)choice;
	app->cursor = 0;
	lq_app_refresh_view(app, false);
	app->cursor = 0;
	lq_app_team_filter_label(app, label, sizeof label);
	lq_app_message(app, false, _("filter: %s"), label);
}

int lq_do_filter(struct lq_app *app, enum lq_action a)
{
	(void)a;
	if (lq_app_is_team_lead(app) && app->team_view) {
		/* In the order of enum lq_team_filter. */
		const char *labels[LQ_TEAM_FILTER_COUNT] = {
			_("all the team's open leads"), _("one rep's…"), _("breached"),
			_("at risk"), _("unassigned"),
		};

		lq_popup_picker(app, _("team view: which leads?"), labels, LQ_TEAM_FILTER_COUNT,
				team_filter_done, 0, NULL);
		return LQ_H_REDRAW;
	}
	app->filter_idx = (app->filter_idx + 1) % LQ_FILTER_COUNT;
	app->cursor = 0;
	lq_app_refresh_view(app, false);
	app->cursor = 0;
	lq_app_message(app, false, _("filter: %s"), lq_app_filter_label(app->filter_idx));
	return LQ_H_HANDLED;
}

int lq_do_sort(struct lq_app *app, enum lq_action a)
{
	(void)a;
	app->sort = (enum lq_sort)((app->sort + 1) % LQ_SORT_COUNT);
	lq_app_refresh_view(app, true);
	lq_app_message(app, false, _("sort: %s"), _(lq_sort_label(app->sort)));
	return LQ_H_HANDLED;
}

int lq_do_mark(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	size_t i = (size_t)(l - app->set.leads);

	(void)a;
	app->marks[i] = !app->marks[i];
	if (app->marks[i])
		app->nmarked++;
	else
		app->nmarked--;
	if (app->cursor + 1 < app->nview)
		app->cursor++;
	return LQ_H_HANDLED;
}

int lq_do_team(struct lq_app *app, enum lq_action a)
{
	(void)a;
	if (!lq_app_is_team_lead(app)) {
		lq_app_message(app, false, "%s", _("the team view is for team leads"));
		return LQ_H_HANDLED;
	}
	app->team_view = !app->team_view;
	app->cursor = 0;
	lq_app_refresh_view(app, false);
	refresh_counts(app);
	app->cursor = 0;
	lq_app_message(app, false, "%s", app->team_view ?
		       _("team view: the team's open leads (f filters, w rep load)") :
		       _("my queue: your own leads"));
	return LQ_H_REDRAW;
}

int lq_do_load(struct lq_app *app, enum lq_action a)
{
	(void)a;
	if (!lq_app_is_team_lead(app)) {
		lq_app_message(app, false, "%s", _("the rep load panel is for team leads"));
		return LQ_H_HANDLED;
	}
	app->load_panel = !app->load_panel;
	refresh_counts(app);
	return LQ_H_REDRAW;
}

int lq_do_help(struct lq_app *app, enum lq_action a)
{
	(void)a;
	app->help_scroll = 0;
	lq_app_set_screen(app, &lq_screen_help);
	return LQ_H_REDRAW;
}

int lq_do_redraw(struct lq_app *app, enum lq_action a)
{
	(void)a;
	clearok(curscr, TRUE);
	lq_app_refresh_view(app, true);
	refresh_counts(app);
	refresh_outbox(app);
	return LQ_H_REDRAW;
}

int lq_do_quit(struct lq_app *app, enum lq_action a)
{
	(void)app;
	(void)a;
	return LQ_H_QUIT;
}

int lq_do_not_yet(struct lq_app *app, enum lq_action a)
{
	lq_app_message(app, false, _("%s: not available yet"), _(lq_action_help(a)));
	return LQ_H_HANDLED;
}

/* ---- the public face (ui/app.h) ------------------------------------------- */

static bool want_color(const struct lq_config *c)
{
	const char *no_color = getenv("NO_COLOR");

	if (c->color == LQ_COLOR_OFF)
		return false;
	if (c->color == LQ_COLOR_ON)
		return true;
	return !(no_color && *no_color);
}

static char *dup_err(const char *msg)
{
	char *e = strdup(msg);

	return e;
}

struct lq_app *lq_app_open(struct lq_session *s, FILE *out, FILE *in, int cols, int lines,
			   char **err)
{
	struct lq_app *app = calloc(1, sizeof *app);
	char msg[512];
	const char *term = getenv("TERM");
	char *serr = NULL;

	if (!app) {
		*err = dup_err(_("out of memory"));
		return NULL;
	}
	app->s = s;
	app->out = out;
	app->in = in;
	lq_keymap_default(&app->keymap);
	for (size_t i = 0; i < s->config.nbindings; i++) {
		const struct lq_binding *b = &s->config.bindings[i];

		if (!lq_keymap_bind_text(&app->keymap, b->key, b->action, s->config.path, b->line,
					 msg, sizeof msg)) {
			*err = dup_err(msg);
			free(app);
			return NULL;
		}
	}
	if (lq_store_load_leads(s->store, &app->set) != LQ_STORE_OK) {
		snprintf(msg, sizeof msg, _("cannot read the leads of %s: %s"),
			 s->db_path ? s->db_path : "cache", lq_store_errmsg(s->store));
		*err = dup_err(msg);
		free(app);
		return NULL;
	}
	app->items = calloc(app->set.count + 1, sizeof *app->items);
	app->view = calloc(app->set.count + 1, sizeof *app->view);
	app->marks = calloc(app->set.count + 1, 1);
	if (!app->items || !app->view || !app->marks) {
		*err = dup_err(_("out of memory"));
		lq_app_close(&app);
		return NULL;
	}
	app->nitems = app->set.count;
	for (size_t i = 0; i < app->nitems; i++) {
		app->items[i].lead = &app->set.leads[i];
		app->items[i].folded = app->set.search ? app->set.search[i] : "";
		app->items[i].folded_company = app->set.company ? app->set.company[i] : "";
	}

	app->term = newterm(term && *term ? term : "xterm", out, in);
	if (!app->term && term && *term)
		app->term = newterm("xterm", out, in);
	if (!app->term) {
		snprintf(msg, sizeof msg, _("cannot open the terminal (TERM=%s)"),
			 term ? term : "");
		*err = dup_err(msg);
		lq_app_close(&app);
		return NULL;
	}
	set_term(app->term);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(s->config.escdelay_ms > 0 ? s->config.escdelay_ms : 25);
	curs_set(0);
	if (cols > 0 && lines > 0)
		resizeterm(lines, cols);
	lq_theme_init(want_color(&s->config));

	app->screen = &lq_screen_queue;
	app->back_to = &lq_screen_queue;
	app->sort = LQ_SORT_PRIORITY;
	app->filter_idx = LQ_FILTER_OPEN;
	/* A team lead starts on the team, as before there was a "my queue". */
	app->team_view = lq_app_is_team_lead(app);
	app->dispatcher = lq_session_is_dispatcher(s);
	load_reps(app);
	lq_app_refresh_view(app, true);
	refresh_counts(app);
	app->last_tick = app->now;
	refresh_outbox(app);
	(void)serr;
	return app;
}

void lq_app_frame(struct lq_app *app)
{
	set_term(app->term);
	lq_app_draw(app);
	refresh();
}

static int to_key(int key)
{
	if (key >= KEY_MIN && key <= KEY_MAX)
		key |= LQ_KEY_FN;
	return lq_key_normalize(key);
}

int lq_app_key(struct lq_app *app, int key)
{
	int rc;

	set_term(app->term);
	rc = lq_app_dispatch(app, to_key(key));
	if (rc & LQ_H_QUIT)
		return 1;
	lq_app_draw(app);
	refresh();
	return 0;
}

void lq_app_close(struct lq_app **pp)
{
	struct lq_app *app = pp ? *pp : NULL;

	if (!app)
		return;
	if (app->term) {
		set_term(app->term);
		endwin();
		delscreen(app->term);
	}
	lq_app_forget_timeline(app);
	lq_problems_free(app);
	lq_checklist_free(app);
	lq_day_free(app);
	lq_reports_free(app);
	lq_booking_close(app);
	for (int i = 0; i < app->nzones; i++) {
		free(app->zones[i].name);
		lq_tz_free(&app->zones[i].tz);
	}
	free(app->items);
	free(app->view);
	free(app->marks);
	free(app->alerts);
	lq_lead_set_free(&app->set);
	free(app);
	*pp = NULL;
}

/* ---- the real terminal ---------------------------------------------------- */

static volatile sig_atomic_t quit_signal;
static bool curses_active;

static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

/* A fatal signal: give the terminal back before dying (htop's CRT_done). */
static void on_fatal_signal(int sig)
{
	if (curses_active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void restore_terminal(void)
{
	if (curses_active) {
		endwin();
		curses_active = false;
	}
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	atexit(restore_terminal);
}

static int parse_size(const char *text, int *cols, int *lines)
{
	char *end;
	long c, l;

	if (!text || !*text)
		return 0;
	errno = 0;
	c = strtol(text, &end, 10);
	if (errno || (*end != 'x' && *end != 'X'))
		return -1;
	l = strtol(end + 1, &end, 10);
	if (errno || *end || c < 10 || l < 3 || c > 1000 || l > 1000)
		return -1;
	*cols = (int)c;
	*lines = (int)l;
	return 0;
}

static int run_script(struct lq_session *s, const char *path)
{
	int cols = 80, lines = 24, rc;
	FILE *out, *in;
	struct lq_app *app;
	char *err = NULL;

	if (parse_size(getenv("LEADQ_SCRIPT_SIZE"), &cols, &lines) != 0) {
		fprintf(stderr, "leadq: %s\n", _("LEADQ_SCRIPT_SIZE: expected COLSxLINES, e.g. 80x24"));
		return 2;
	}
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (!out || !in) {
		fprintf(stderr, "leadq: /dev/null: %s\n", strerror(errno));
		if (out)
			fclose(out);
		if (in)
			fclose(in);
		return 1;
	}
	app = lq_app_open(s, out, in, cols, lines, &err);
	if (!app) {
		fprintf(stderr, "leadq: %s\n", err ? err : _("cannot start the screens"));
		free(err);
		fclose(out);
		fclose(in);
		return 1;
	}
	lq_app_frame(app);
	rc = lq_script_run(app, path, &err);
	lq_app_close(&app);
	fclose(out);
	fclose(in);
	if (rc != 0) {
		fprintf(stderr, "leadq: %s\n", err ? err : path);
		free(err);
	}
	return rc;
}

/* Sync changed the cache: read the lead set again (new leads appear
 * without a key press).  The cursor keeps its row; a lead screen whose lead
 * left the view goes back to the queue. */
void lq_app_reload_leads(struct lq_app *app)
{
	struct lq_lead_set set;
	struct lq_queue_item *items, *view;
	unsigned char *marks;
	char pinned[LQ_UUID_SIZE] = "";

	if (lq_store_load_leads(app->s->store, &set) != LQ_STORE_OK)
		return;
	items = calloc(set.count + 1, sizeof *items);
	view = calloc(set.count + 1, sizeof *view);
	marks = calloc(set.count + 1, 1);
	if (!items || !view || !marks) {
		free(items);
		free(view);
		free(marks);
		lq_lead_set_free(&set);
		return;
	}
	if (app->pinned)
		memcpy(pinned, app->pinned->id, LQ_UUID_SIZE);
	free(app->items);
	free(app->view);
	free(app->marks);
	lq_lead_set_free(&app->set);
	app->set = set;
	app->items = items;
	app->view = view;
	app->marks = marks;
	app->nview = 0;
	app->nmarked = 0;
	app->nitems = set.count;
	for (size_t i = 0; i < app->nitems; i++) {
		app->items[i].lead = &app->set.leads[i];
		app->items[i].folded = app->set.search ? app->set.search[i] : "";
		app->items[i].folded_company = app->set.company ? app->set.company[i] : "";
	}
	app->pinned = pinned[0] ? lq_app_find_lead(app, pinned) : NULL;
	if (pinned[0] && !app->pinned)
		app->screen = &lq_screen_queue;
	lq_app_forget_timeline(app);
	/* A policy import may have made this user the dispatcher, or not. */
	app->dispatcher = lq_session_is_dispatcher(app->s);
	load_reps(app);
	lq_app_refresh_view(app, true);
	refresh_counts(app);
}

/* Background sync with the session's server (the config's, or the demo's
 * private one); nothing when there is none or no token yet. */
static void start_sync(struct lq_app *app)
{
	struct lq_session *s = app->s;
	struct lq_sync_opts o;
	char *err = NULL;

	if (!s->server || !s->token || getenv("LEADQ_NO_SYNC"))
		return;
	memset(&o, 0, sizeof o);
	o.server = s->server;
	o.token = s->token;
	o.batch = s->config.sync_batch;
	o.on_alert = on_alert;
	o.ctx = app;
	app->sync = lq_sync_new(s->store, &o, &err);
	if (!app->sync)
		lq_app_message(app, true, _("no sync: %s"), err ? err : _("out of memory"));
	free(err);
	if (app->sync)
		lq_sync_get_status(app->sync, &app->sync_st);
}

/* One turn of the engine; true when the screen should be drawn again. */
static bool sync_turn(struct lq_app *app)
{
	struct lq_sync_status st;
	bool redraw;

	if (!app->sync)
		return false;
	lq_sync_step(app->sync);
	lq_sync_get_status(app->sync, &st);
	redraw = st.online != app->sync_st.online || st.pending != app->sync_st.pending ||
		 st.conflicts != app->sync_st.conflicts || st.last_ok != app->sync_st.last_ok ||
		 st.auth_failed != app->sync_st.auth_failed;
	if (st.generation != app->sync_gen) {
		app->sync_gen = st.generation;
		lq_app_reload_leads(app);
		redraw = true;
	}
	/* A conflict or a rejection is shown once, naming the lead and the
	 * server's state; the op stays in the outbox marked so. */
	if (st.conflicts + st.rejected != app->sync_problems_seen && st.problem[0]) {
		app->sync_problems_seen = st.conflicts + st.rejected;
		lq_app_message(app, true, _("not applied by the server: %s (! to review)"), st.problem);
		redraw = true;
	}
	app->sync_st = st;
	if (app->dirty) {
		app->dirty = false;
		redraw = true;
	}
	if (app->ring) {
		/* Heard even on another screen; both may be off (leadq.conf). */
		app->ring = false;
		if (app->s->config.bell)
			beep();
		if (app->s->config.flash)
			flash();
		redraw = true;
	}
	return redraw;
}

int lq_app_run(struct lq_session *s)
{
	const char *script = getenv("LEADQ_SCRIPT");
	struct lq_app *app;
	char *err = NULL;
	int rc = 0;

	if (script && *script)
		return run_script(s, script);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "leadq: %s\n", _("the screens need a terminal (or LEADQ_SCRIPT)"));
		return 1;
	}
	install_signals();
	app = lq_app_open(s, stdout, stdin, 0, 0, &err);
	if (!app) {
		fprintf(stderr, "leadq: %s\n", err ? err : _("cannot start the screens"));
		free(err);
		return 1;
	}
	curses_active = true;
	start_sync(app);
	lq_app_frame(app);
	/* Never block: wait on the terminal and the sync engine's sockets
	 * together, and wake up four times a second so the countdowns tick. */
	timeout(0);
	for (;;) {
		struct pollfd fds[17];
		wint_t wc;
		int got, flags, n = 0, wait_ms = 250, sync_ms = 250;
		lq_time before = app->last_tick;
		bool quit = false, redraw;

		if (quit_signal)
			break;
		if (app->sync)
			n = lq_sync_pollfds(app->sync, fds + 1, 16, &sync_ms);
		if (sync_ms < wait_ms)
			wait_ms = sync_ms;
		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		if (poll(fds, (nfds_t)n + 1, wait_ms) < 0 && errno != EINTR)
			break;
		redraw = sync_turn(app);
		while ((got = get_wch(&wc)) != ERR) {
			int key = lq_key_normalize(got == KEY_CODE_YES ? (int)wc | LQ_KEY_FN : (int)wc);

			if (app->sync && lq_keymap_lookup(&app->keymap, key) == LQ_ACTION_REDRAW)
				lq_sync_kick(app->sync);
			flags = lq_app_dispatch(app, key);
			if (flags & LQ_H_QUIT) {
				quit = true;
				break;
			}
			/* A user action: look at the outbox now (its op may be due). */
			if (app->sync)
				lq_sync_kick(app->sync);
			redraw = true;
		}
		if (quit)
			break;
		lq_app_tick(app);
		if (redraw || app->last_tick != before) {
			lq_app_draw(app);
			refresh();
		}
	}
	curses_active = false;
	lq_sync_free(&app->sync);
	lq_app_close(&app);
	return rc;
}
