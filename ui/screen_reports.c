/* leadq client — the funnel report (issue 6; DESIGN §1, §7; key F): for team
 * leads (their team's leads) and reps (their own), as the server scopes it.
 *
 * The report comes from GET /api/v1/reports/funnel on the sync engine's
 * loop (lq_sync_get): the screen never waits on the network.  The selected
 * group's funnel (first: the total) is drawn as bars, one per stage, each
 * proportional to the leads passed, with the conversion from the stage
 * before; below, revenue, time to first touch, SLA met and the recycled,
 * junk and unreachable leads with their top reasons; then the groups.  Tab
 * (or g) switches the breakdown, p the period, [ ] step it back and forth.
 *
 * Answers are kept per query (breakdown, from, to) for the session: offline,
 * the last answer of the same query stays on screen "as of HH:MM"; without
 * one the screen says the report needs the server.  Without a sync engine
 * (LEADQ_SCRIPT) the answers come from $LEADQ_REPORTS_DIR/BY.json when that
 * is set (share/doc/testing.md), through lq_reports_answer() like the
 * server's. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/funnel.h"
#include "leadq/i18n.h"
#include "leadq/os.h"
#include "leadq/text.h"
#include "ui/draw.h"
#include "ui/screen.h"

#define RP_CACHE 12                  /* answers kept (queries) */
#define RP_RETRY_S 3                 /* offline: ask again this often */
#define RP_FILE_MAX (4u * 1024 * 1024)
#define RP_BAR_MAX 400               /* columns of one bar at most */

enum rp_period {
	RP_WEEK,
	RP_MONTH,
	RP_30_DAYS,
	RP_QUARTER,
	RP_YEAR,
	RP_ALL,
	RP_PERIOD_COUNT
};

/* Why the current query has no fresh answer. */
enum rp_problem {
	RP_OK,
	RP_OFFLINE,                  /* the server could not be reached */
	RP_FORBIDDEN,                /* 403: not a role that has reports */
	RP_REFUSED,                  /* 401: log in again */
	RP_FAILED,                   /* another HTTP error, or an answer not read */
	RP_NO_SERVER,                /* this session has no server */
};

struct rp_answer {
	bool used;
	enum lq_funnel_by by;
	lq_time from, to;            /* the query's */
	lq_time at;                  /* when it arrived */
	unsigned long seq;           /* for evicting the oldest */
	struct lq_funnel f;
	char **names;                /* display names of f.rows (ids resolved) */
};

struct rp_state {
	struct lq_app *app;
	enum lq_funnel_by by;
	enum rp_period period;
	int offset;                  /* periods back from the current one (<= 0) */
	lq_time from, to;            /* LQ_TIME_NONE: open */
	int64_t first_day, end_day;  /* local days of [from, to) */

	int get_id;                  /* the request in flight; 0 none */
	bool fetching;
	enum rp_problem problem;
	char error[256];
	lq_time last_try;

	size_t sel, top;             /* 0: the total; i: rows[i - 1] */
	size_t prev_sel;             /* Enter on the total goes back here */

	struct rp_answer cache[RP_CACHE];
	unsigned long seq;
};

static struct rp_state rp;

/* ---- periods -------------------------------------------------------------- */

static const char *const period_names[RP_PERIOD_COUNT] = {
	N_("this week"), N_("this month"), N_("last 30 days"), N_("this quarter"),
	N_("this year"), N_("all time"),
};

static const char *const month_names[12] = {
	/* TRANSLATORS: short month names, as in "1–30 Nov 2026". */
	N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
	N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
};

static const char *month_name(int month)
{
	return month >= 1 && month <= 12 ? _(month_names[month - 1]) : "?";
}

/* The first day of month m (1-based, any integer: normalized) of year y. */
static int64_t month_start(int y, int m)
{
	int z = m - 1;

	y += z >= 0 ? z / 12 : -((11 - z) / 12);
	z = ((z % 12) + 12) % 12;
	return lq_days_from_civil(y, z + 1, 1);
}

/* Sets from/to of the period and offset, in the user's zone. */
static void compute_period(struct rp_state *st)
{
	int64_t today = lq_app_today(st->app), a = 0, b = 0;
	int y, m, d;

	lq_civil_from_days(today, &y, &m, &d);
	switch (st->period) {
	case RP_WEEK:
		a = today - (lq_weekday_from_days(today) + 6) % 7 + 7 * (int64_t)st->offset;
		b = a + 7;
		break;
	case RP_MONTH:
		a = month_start(y, m + st->offset);
		b = month_start(y, m + st->offset + 1);
		break;
	case RP_30_DAYS:
		b = today + 1 + 30 * (int64_t)st->offset;
		a = b - 30;
		break;
	case RP_QUARTER: {
		int q = (m - 1) / 3 * 3 + 1 + 3 * st->offset;

		a = month_start(y, q);
		b = month_start(y, q + 3);
		break;
	}
	case RP_YEAR:
		a = lq_days_from_civil(y + st->offset, 1, 1);
		b = lq_days_from_civil(y + st->offset + 1, 1, 1);
		break;
	default:
		st->from = st->to = LQ_TIME_NONE;
		st->first_day = st->end_day = 0;
		return;
	}
	st->first_day = a;
	st->end_day = b;
	st->from = lq_app_day_start(st->app, a);
	st->to = lq_app_day_start(st->app, b);
}

/* "1–30 Nov 2026", "26 Oct – 24 Nov 2026", "29 Dec 2025 – 4 Jan 2026". */
static void range_text(int64_t first, int64_t end, char *buf, size_t size)
{
	int y1, m1, d1, y2, m2, d2;

	lq_civil_from_days(first, &y1, &m1, &d1);
	lq_civil_from_days(end - 1, &y2, &m2, &d2);
	if (y1 == y2 && m1 == m2 && d1 == d2)
		snprintf(buf, size, _("%d %s %d"), d1, month_name(m1), y1);
	else if (y1 == y2 && m1 == m2)
		/* TRANSLATORS: days of one month: first day, last day, month, year. */
		snprintf(buf, size, _("%d–%d %s %d"), d1, d2, month_name(m1), y1);
	else if (y1 == y2)
		snprintf(buf, size, _("%d %s – %d %s %d"), d1, month_name(m1), d2, month_name(m2),
			 y1);
	else
		snprintf(buf, size, _("%d %s %d – %d %s %d"), d1, month_name(m1), y1, d2,
			 month_name(m2), y2);
}

/* "this month (1–30 Nov 2026)", "last week (16–22 Nov 2026)", "3 months ago
 * (1–31 Aug 2026)", "this year (2026)", "all time". */
static void period_text(const struct rp_state *st, char *buf, size_t size)
{
	char range[96], name[96];
	int n = -st->offset;
	size_t len;

	if (st->period == RP_ALL) {
		snprintf(buf, size, "%s", _(period_names[RP_ALL]));
		return;
	}
	if (n == 0) {
		snprintf(name, sizeof name, "%s", _(period_names[st->period]));
	} else if (st->period == RP_30_DAYS) {
		snprintf(name, sizeof name, "%s", _("30 days"));
	} else if (n == 1) {
		static const char *const last[RP_PERIOD_COUNT] = {
			N_("last week"), N_("last month"), "", N_("last quarter"), N_("last year"), "",
		};

		snprintf(name, sizeof name, "%s", _(last[st->period]));
	} else if (st->period == RP_WEEK) {
		snprintf(name, sizeof name, P_("%d week ago", "%d weeks ago", n), n);
	} else if (st->period == RP_MONTH) {
		snprintf(name, sizeof name, P_("%d month ago", "%d months ago", n), n);
	} else if (st->period == RP_QUARTER) {
		snprintf(name, sizeof name, P_("%d quarter ago", "%d quarters ago", n), n);
	} else {
		snprintf(name, sizeof name, P_("%d year ago", "%d years ago", n), n);
	}
	if (st->period == RP_YEAR) {
		int y, m, d;

		lq_civil_from_days(st->first_day, &y, &m, &d);
		snprintf(range, sizeof range, "%d", y);
	} else {
		range_text(st->first_day, st->end_day, range, sizeof range);
	}
	len = lq_strlcpy_utf8(buf, name, size);
	if (len + 2 < size) {
		memcpy(buf + len, " (", 3);
		len += 2;
		len += lq_strlcpy_utf8(buf + len, range, size - len);
		if (len + 1 < size)
			memcpy(buf + len, ")", 2);
	}
}

static const char *by_label(enum lq_funnel_by by)
{
	static const char *const names[LQ_FUNNEL_BY_COUNT] = {
		N_("source"), N_("campaign"), N_("rep"), N_("team"), N_("score band"),
	};

	return by < LQ_FUNNEL_BY_COUNT ? _(names[by]) : "?";
}

/* ---- the answers ---------------------------------------------------------- */

static void answer_clear(struct rp_answer *a)
{
	if (!a->used)
		return;
	if (a->names)
		for (size_t i = 0; i < a->f.n; i++)
			free(a->names[i]);
	free(a->names);
	lq_funnel_free(&a->f);
	memset(a, 0, sizeof *a);
}

static struct rp_answer *find_answer(const struct rp_state *st)
{
	for (int i = 0; i < RP_CACHE; i++) {
		const struct rp_answer *a = &st->cache[i];

		if (a->used && a->by == st->by && a->from == st->from && a->to == st->to)
			return (struct rp_answer *)a;
	}
	return NULL;
}

static bool looks_like_id(const char *s)
{
	size_t n = strlen(s);

	return n == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-';
}

/* A row's name for people: a rep's or a team's name when the group is an
 * id the cache knows; "(none)" for leads without a value. */
static char *display_name(struct lq_app *app, enum lq_funnel_by by, const char *group)
{
	if (!group || !group[0])
		return strdup(_("(none)"));
	if (looks_like_id(group) && by == LQ_FUNNEL_BY_REP) {
		struct lq_user u;
		char *out = NULL;

		lq_user_init(&u);
		if (lq_store_get_user(app->s->store, group, &u) == LQ_STORE_OK && u.login)
			out = u.name && *u.name ? lq_os_asprintf("%s (%s)", u.name, u.login) :
				strdup(u.login);
		lq_user_clear(&u);
		if (out)
			return out;
	} else if (looks_like_id(group) && by == LQ_FUNNEL_BY_TEAM) {
		struct lq_team t;
		char *out = NULL;

		lq_team_init(&t);
		if (lq_store_get_team(app->s->store, group, &t) == LQ_STORE_OK && t.name && *t.name)
			out = strdup(t.name);
		lq_team_clear(&t);
		if (out)
			return out;
	}
	return strdup(group);
}

/* Takes the decoded report into the cache slot of the current query. */
static bool keep_answer(struct rp_state *st, struct lq_funnel *f)
{
	struct rp_answer *a = find_answer(st), *oldest = NULL;
	char **names = NULL;

	if (f->n > 0) {
		names = calloc(f->n, sizeof *names);
		if (!names)
			return false;
		for (size_t i = 0; i < f->n; i++) {
			names[i] = display_name(st->app, st->by, f->rows[i].group);
			if (!names[i]) {
				for (size_t k = 0; k < i; k++)
					free(names[k]);
				free(names);
				return false;
			}
		}
	}
	if (!a) {
		for (int i = 0; i < RP_CACHE && !a; i++)
			if (!st->cache[i].used)
				a = &st->cache[i];
		for (int i = 0; i < RP_CACHE && !a; i++)
			if (!oldest || st->cache[i].seq < oldest->seq)
				oldest = &st->cache[i];
		if (!a)
			a = oldest;
	}
	answer_clear(a);
	a->used = true;
	a->by = st->by;
	a->from = st->from;
	a->to = st->to;
	a->at = lq_os_now();
	a->seq = ++st->seq;
	a->f = *f;
	a->names = names;
	memset(f, 0, sizeof *f);
	return true;
}

static size_t nrows_of(const struct rp_answer *a)
{
	return a ? a->f.n + 1 : 1;
}

static const struct lq_funnel_row *row_at(const struct rp_answer *a, size_t i)
{
	if (!a)
		return NULL;
	if (i == 0)
		return &a->f.total;
	return i - 1 < a->f.n ? &a->f.rows[i - 1] : NULL;
}

static const char *name_at(const struct rp_answer *a, size_t i)
{
	if (i == 0 || !a || i - 1 >= a->f.n)
		return _("total");
	return a->names && a->names[i - 1] ? a->names[i - 1] : a->f.rows[i - 1].group;
}

/* The selection's group name, to find it again in another answer. */
static void selected_group(const struct rp_state *st, char *buf, size_t size)
{
	const struct rp_answer *a = find_answer(st);
	const struct lq_funnel_row *r = st->sel > 0 ? row_at(a, st->sel) : NULL;

	snprintf(buf, size, "%s", r && r->group ? r->group : "");
}

static void reselect(struct rp_state *st, const char *group, bool had_group)
{
	const struct rp_answer *a = find_answer(st);

	st->sel = 0;
	if (!a || !had_group)
		return;
	for (size_t i = 0; i < a->f.n; i++)
		if (a->f.rows[i].group && strcmp(a->f.rows[i].group, group) == 0)
			st->sel = i + 1;
}

void lq_reports_answer(struct lq_app *app, long status, const char *text, size_t len,
		       const char *error)
{
	struct rp_state *st = &rp;
	struct lq_funnel f;
	char err[200];

	st->fetching = false;
	st->get_id = 0;
	app->dirty = true;
	if (status == 200) {
		memset(&f, 0, sizeof f);
		err[0] = '\0';
		if (!lq_funnel_from_text(text ? text : "", text ? len : 0, &f, err, sizeof err)) {
			st->problem = RP_FAILED;
			snprintf(st->error, sizeof st->error, _("the server's answer could not be read: %s"),
				 err);
			return;
		}
		if (!keep_answer(st, &f)) {
			lq_funnel_free(&f);
			st->problem = RP_FAILED;
			snprintf(st->error, sizeof st->error, "%s", _("out of memory"));
			return;
		}
		st->problem = RP_OK;
		st->error[0] = '\0';
		if (st->sel >= nrows_of(find_answer(st)))
			st->sel = 0;
		return;
	}
	snprintf(st->error, sizeof st->error, "%s", error && *error ? error : "");
	if (status == 0)
		st->problem = RP_OFFLINE;
	else if (status == 403)
		st->problem = RP_FORBIDDEN;
	else if (status == 401)
		st->problem = RP_REFUSED;
	else
		st->problem = RP_FAILED;
	if (st->problem == RP_FAILED && !st->error[0])
		snprintf(st->error, sizeof st->error, "HTTP %ld", status);
}

static void on_answer(void *ctx, long status, const char *body, size_t len, const char *error)
{
	struct rp_state *st = ctx;

	lq_reports_answer(st->app, status, body, len, error);
}

/* No sync engine: a canned answer from $LEADQ_REPORTS_DIR/BY.json. */
static void answer_from_dir(struct rp_state *st, const char *dir)
{
	char *path = lq_os_asprintf("%s/%s.json", dir, lq_funnel_by_wire(st->by));
	char *text = NULL, msg[256];
	size_t len = 0, cap = 0;
	FILE *f;

	if (!path) {
		lq_reports_answer(st->app, 0, "", 0, _("out of memory"));
		return;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(msg, sizeof msg, "%s: %s", path, strerror(errno));
		free(path);
		lq_reports_answer(st->app, 0, "", 0, msg);
		return;
	}
	for (;;) {
		size_t got;

		if (len + 4096 + 1 > cap) {
			char *more;

			cap = cap ? cap * 2 : 65536;
			more = cap <= RP_FILE_MAX ? realloc(text, cap) : NULL;
			if (!more)
				break;
			text = more;
		}
		got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	free(path);
	if (!text) {
		lq_reports_answer(st->app, 0, "", 0, _("out of memory"));
		return;
	}
	text[len] = '\0';
	lq_reports_answer(st->app, 200, text, len, "");
	free(text);
}

/* Asks for the current query (the cached answer, if any, stays shown); a
 * retry keeps saying why the last try failed until the answer comes. */
static void ask(struct rp_state *st, bool retry)
{
	struct lq_app *app = st->app;
	char path[256], from[LQ_RFC3339_SIZE], to[LQ_RFC3339_SIZE];
	const char *dir = getenv("LEADQ_REPORTS_DIR");
	size_t len;

	if (app->sync)
		lq_sync_get_cancel_ctx(app->sync, st);
	st->get_id = 0;
	st->fetching = false;
	if (!retry) {
		st->problem = RP_OK;
		st->error[0] = '\0';
	}
	st->last_try = app->now;
	if (!app->sync) {
		if (dir && *dir) {
			answer_from_dir(st, dir);
			return;
		}
		st->problem = RP_NO_SERVER;
		return;
	}
	snprintf(path, sizeof path, "/api/v1/reports/funnel?by=%s", lq_funnel_by_wire(st->by));
	len = strlen(path);
	if (st->from != LQ_TIME_NONE)
		snprintf(path + len, sizeof path - len, "&from=%s&to=%s",
			 lq_time_format(st->from, 0, from), lq_time_format(st->to, 0, to));
	st->get_id = lq_sync_get(app->sync, path, on_answer, st);
	if (st->get_id > 0) {
		st->fetching = true;
		return;
	}
	st->get_id = 0;
	st->error[0] = '\0';
	if (app->sync_st.auth_failed) {
		st->problem = RP_REFUSED;
	} else {
		st->problem = RP_OFFLINE;
		snprintf(st->error, sizeof st->error, "%s", _("cannot start the request"));
	}
}

static void request(struct rp_state *st)
{
	ask(st, false);
}

/* ---- drawing -------------------------------------------------------------- */

static void draw_header(struct rp_state *st, const struct rp_answer *a)
{
	struct lq_app *app = st->app;
	attr_t hattr = lq_attr(LQ_C_HEADER);
	char head[320], period[160], right[128], when[32];
	int rw;

	period_text(st, period, sizeof period);
	snprintf(head, sizeof head, _(" Funnel · %s · by %s"), period, by_label(st->by));
	right[0] = '\0';
	if (st->fetching && !(a && st->problem == RP_OFFLINE)) {
		snprintf(right, sizeof right, "%s ", _("fetching…"));
	} else if (a && st->problem != RP_OK) {
		lq_app_format_local(app->s->user_tz, a->at, false, when, sizeof when);
		snprintf(right, sizeof right, st->problem == RP_OFFLINE ? _("offline · as of %s ") :
			 _("as of %s "), when);
	}
	lq_draw_fill(0, 0, COLS, hattr);
	rw = lq_text_width(right);
	if (rw > COLS / 3)
		rw = COLS / 3;
	lq_draw_str(0, 0, COLS - rw - 1, head, hattr | A_BOLD);
	if (rw > 0)
		lq_draw_text(0, COLS - rw, rw, right, hattr, LQ_ALIGN_RIGHT);
}

static void draw_footer(void)
{
	const char *keys = COLS >= 110 ?
		_(" Tab/g breakdown · p period · [ ] earlier/later · ↑/↓ group · Enter total · Ctrl-L again · Esc back") :
		_(" Tab/g by · p period · [ ] earlier/later · ↑/↓ group · Enter total · Esc back");

	lq_draw_fill(LINES - 2, 0, COLS, lq_attr(LQ_C_TITLE));
	lq_draw_text(LINES - 2, 0, COLS, keys, lq_attr(LQ_C_TITLE), LQ_ALIGN_LEFT);
}

/* Lines of text in the middle of the screen when there are no figures. */
static void draw_notice(int y, const char *first, const char *second, attr_t attr)
{
	lq_draw_text(y, 2, COLS - 4, first, attr, LQ_ALIGN_LEFT);
	if (second && *second)
		lq_draw_text(y + 1, 2, COLS - 4, second, A_NORMAL, LQ_ALIGN_LEFT);
}

static void rate_text(long num, long den, char *buf, size_t size)
{
	double r = lq_funnel_rate(num, den);

	if (r < 0)
		snprintf(buf, size, "%s", "—");
	else
		snprintf(buf, size, "%.1f %%", r);
}

/* A bar of `width` columns filled count/whole of it, in eighths. */
static void draw_bar(int y, int x, int width, long count, long whole)
{
	static const char *const eighths[8] = {
		"", "▏", "▎", "▍", "▌", "▋", "▊", "▉",
	};
	char filled[RP_BAR_MAX * 3 + 8], empty[RP_BAR_MAX * 3 + 8];
	long units = 0;
	int full, part, used, pos = 0;

	if (width > RP_BAR_MAX)
		width = RP_BAR_MAX;
	if (width <= 0)
		return;
	if (whole > 0 && count > 0) {
		units = (long)((double)count * width * 8 / (double)whole + 0.5);
		if (units < 1)
			units = 1;                  /* a few leads still show */
		if (units > (long)width * 8)
			units = (long)width * 8;
	}
	full = (int)(units / 8);
	part = (int)(units % 8);
	for (int i = 0; i < full; i++) {
		memcpy(filled + pos, "█", 3);
		pos += 3;
	}
	if (part) {
		size_t n = strlen(eighths[part]);

		memcpy(filled + pos, eighths[part], n);
		pos += (int)n;
	}
	filled[pos] = '\0';
	used = full + (part ? 1 : 0);
	pos = 0;
	for (int i = used; i < width; i++) {
		memcpy(empty + pos, "░", 3);
		pos += 3;
	}
	empty[pos] = '\0';
	if (used > 0)
		lq_draw_str(y, x, used, filled, lq_attr(LQ_C_ON_TRACK) | A_BOLD);
	if (used < width)
		lq_draw_str(y, x + used, width - used, empty, lq_attr(LQ_C_DIM));
}

static void draw_bars(const struct lq_funnel_row *r, int y)
{
	const char *labels[5] = {
		_("passed"), _("touched"), _("accepted"), _("opportunities"), _("won"),
	};
	long counts[5] = { r->passed, r->touched, r->accepted, r->opportunities, r->won };
	int lw = 0, cw = 7, pw = 8, bx, bw;

	for (int i = 0; i < 5; i++)
		if (lq_text_width(labels[i]) > lw)
			lw = lq_text_width(labels[i]);
	if (lw > 20)
		lw = 20;
	bx = 2 + lw + 2;
	bw = COLS - bx - 1 - cw - 1 - pw - 1;
	for (int i = 0; i < 5; i++) {
		char count[32], rate[32];

		snprintf(count, sizeof count, "%ld", counts[i]);
		if (i == 0)
			rate[0] = '\0';
		else
			rate_text(counts[i], counts[i - 1], rate, sizeof rate);
		lq_draw_text(y + i, 2, lw, labels[i], A_NORMAL, LQ_ALIGN_LEFT);
		draw_bar(y + i, bx, bw, counts[i], r->passed);
		lq_draw_text(y + i, bx + bw + 1, cw, count, A_BOLD, LQ_ALIGN_RIGHT);
		lq_draw_text(y + i, bx + bw + 1 + cw + 1, pw, rate, A_NORMAL, LQ_ALIGN_RIGHT);
	}
}

/* A reason code in the user's words: the configured label, else the code. */
static const char *reason_label(struct lq_app *app, enum lq_status status, const char *code)
{
	const struct lq_reason *list;
	int n = 0;

	if (strcmp(code, "other") == 0)
		return _("other");
	list = lq_reasons_for(&app->s->reasons, status, &n);
	for (int i = 0; list && i < n; i++)
		if (strcmp(list[i].code, code) == 0)
			return list[i].label ? _(list[i].label) : list[i].code;
	return code;
}

/* "recycled 12 (no budget 5, timing 4, other 3)": at most `top` reasons. */
static void outcome_text(struct lq_app *app, const struct lq_funnel_row *r, int which, int top,
			 char *buf, size_t size)
{
	static const enum lq_status statuses[3] = {
		LQ_STATUS_RECYCLED, LQ_STATUS_JUNK, LQ_STATUS_UNREACHABLE,
	};
	long counts[3] = { r->recycled, r->junk, r->unreachable };
	size_t len;

	if (which == 0)
		snprintf(buf, size, _("recycled %ld"), counts[0]);
	else if (which == 1)
		snprintf(buf, size, _("junk %ld"), counts[1]);
	else
		snprintf(buf, size, _("unreachable %ld"), counts[2]);
	len = strlen(buf);
	for (int i = 0; i < r->nreasons[which] && i < top && len + 1 < size; i++) {
		const struct lq_funnel_count *c = &r->reasons[which][i];

		snprintf(buf + len, size - len, "%s%s %ld", i == 0 ? " (" : ", ",
			 reason_label(app, statuses[which], c->code), c->n);
		len = strlen(buf);
	}
	if (top > 0 && r->nreasons[which] > 0 && len + 1 < size) {
		if (r->nreasons[which] > top)
			snprintf(buf + len, size - len, "%s", ", …)");
		else
			snprintf(buf + len, size - len, "%s", ")");
	}
}

/* Lays segments out on up to max lines of width columns, " · " between
 * them; a segment too wide for a line is cut.  Returns the lines used, or
 * max + 1 when they do not all fit; draws only when draw is set. */
static int flow(char segs[][256], int nsegs, int y, int max, int width, bool draw)
{
	char line[1024];
	int used = 0, n = 0;

	line[0] = '\0';
	for (int i = 0; i < nsegs; i++) {
		int w = lq_text_width(segs[i]);
		size_t len = strlen(line);

		if (len > 0 && used + 3 + w > width) {
			if (n >= max)
				return max + 1;
			if (draw)
				lq_draw_text(y + n, 2, width, line, A_NORMAL, LQ_ALIGN_LEFT);
			n++;
			line[0] = '\0';
			len = 0;
			used = 0;
		}
		if (len > 0 && len + 5 < sizeof line) {
			memcpy(line + len, " · ", 5);
			len += 4;
		}
		lq_strlcpy_utf8(line + len, segs[i], sizeof line - len);
		used = lq_text_width(line);
	}
	if (line[0]) {
		if (n >= max)
			return max + 1;
		if (draw)
			lq_draw_text(y + n, 2, width, line, A_NORMAL, LQ_ALIGN_LEFT);
		n++;
	}
	return n;
}

static int draw_stats(struct lq_app *app, const struct lq_funnel_row *r, int y, int max)
{
	char segs[7][256], a[64], b[64], rate[32];
	int n = 0, top;

	snprintf(segs[n++], sizeof segs[0], _("revenue %lld"), (long long)r->revenue);
	snprintf(segs[n++], sizeof segs[0], _("lost %ld"), r->lost);
	if (r->ttft_median >= 0) {
		lq_duration_format(r->ttft_median, a, sizeof a);
		lq_duration_format(r->ttft_p90 >= 0 ? r->ttft_p90 : r->ttft_median, b, sizeof b);
		snprintf(segs[n++], sizeof segs[0], _("first touch: median %s, p90 %s"), a, b);
	} else {
		snprintf(segs[n++], sizeof segs[0], "%s", _("first touch: none yet"));
	}
	rate_text(r->sla_met, r->sla_decided, rate, sizeof rate);
	snprintf(segs[n++], sizeof segs[0], _("SLA met %s (%ld of %ld)"), rate, r->sla_met,
		 r->sla_decided);
	/* As many top reasons as let everything fit. */
	for (top = COLS >= 110 ? 4 : 3; top >= 0; top--) {
		for (int i = 0; i < 3; i++)
			outcome_text(app, r, i, top, segs[n + i], sizeof segs[0]);
		if (top == 0 || flow(segs, n + 3, y, max, COLS - 4, false) <= max)
			break;
	}
	n = flow(segs, n + 3, y, max, COLS - 4, true);
	return n > max ? max : n;
}

/* Columns of the groups' list. */
struct rp_cols {
	int x_name, name;
	int nnum;
	int x[9], w[9];
	const char *title[9];
};

enum rp_col { C_PASSED, C_TOUCHED, C_ACCEPTED, C_RATE, C_OPPS, C_WON, C_REVENUE, C_SLA, C_TTFT };

static void layout(struct rp_cols *c, int *which, int *ncols)
{
	static const int wide_cols[] = { C_PASSED, C_TOUCHED, C_ACCEPTED, C_RATE, C_OPPS, C_WON,
					 C_REVENUE, C_SLA, C_TTFT };
	static const int narrow_cols[] = { C_PASSED, C_ACCEPTED, C_RATE, C_WON, C_REVENUE };
	static const int widths[9] = { 7, 7, 8, 9, 6, 6, 11, 8, 10 };
	const int *cols = COLS >= 110 ? wide_cols : narrow_cols;
	int n = COLS >= 110 ? 9 : 5, x;

	memset(c, 0, sizeof *c);
	c->title[C_PASSED] = _("passed");
	c->title[C_TOUCHED] = _("touched");
	c->title[C_ACCEPTED] = _("accepted");
	c->title[C_RATE] = _("accept %");
	c->title[C_OPPS] = _("opps");
	c->title[C_WON] = _("won");
	c->title[C_REVENUE] = _("revenue");
	c->title[C_SLA] = _("SLA met");
	c->title[C_TTFT] = _("1st touch");
	x = COLS - 1;
	for (int i = n - 1; i >= 0; i--) {
		c->w[cols[i]] = widths[cols[i]];
		x -= widths[cols[i]];
		c->x[cols[i]] = x;
		x -= 1;
	}
	c->x_name = 2;
	c->name = x - c->x_name;
	for (int i = 0; i < n; i++)
		which[i] = cols[i];
	*ncols = n;
}

static void cell_text(const struct lq_funnel_row *r, int col, char *buf, size_t size)
{
	switch (col) {
	case C_PASSED: snprintf(buf, size, "%ld", r->passed); break;
	case C_TOUCHED: snprintf(buf, size, "%ld", r->touched); break;
	case C_ACCEPTED: snprintf(buf, size, "%ld", r->accepted); break;
	case C_RATE: rate_text(r->accepted, r->passed, buf, size); break;
	case C_OPPS: snprintf(buf, size, "%ld", r->opportunities); break;
	case C_WON: snprintf(buf, size, "%ld", r->won); break;
	case C_REVENUE: snprintf(buf, size, "%lld", (long long)r->revenue); break;
	case C_SLA: rate_text(r->sla_met, r->sla_decided, buf, size); break;
	case C_TTFT:
		if (r->ttft_median >= 0)
			lq_duration_format(r->ttft_median, buf, size);
		else
			snprintf(buf, size, "%s", "—");
		break;
	default: buf[0] = '\0'; break;
	}
}

static void draw_list(struct rp_state *st, const struct rp_answer *a, int y, int rows)
{
	attr_t title = lq_attr(LQ_C_TITLE);
	struct rp_cols c;
	int which[9], ncols;
	size_t n = nrows_of(a);
	char head[128];

	if (rows < 2)
		return;
	layout(&c, which, &ncols);
	snprintf(head, sizeof head, _("%s (%zu)"), by_label(st->by), a ? a->f.n : (size_t)0);
	lq_draw_fill(y, 0, COLS, title);
	lq_draw_text(y, c.x_name, c.name, head, title, LQ_ALIGN_LEFT);
	for (int i = 0; i < ncols; i++)
		lq_draw_text(y, c.x[which[i]], c.w[which[i]], c.title[which[i]], title,
			     LQ_ALIGN_RIGHT);
	rows--;
	y++;
	if (st->sel < st->top)
		st->top = st->sel;
	if (st->sel >= st->top + (size_t)rows)
		st->top = st->sel - (size_t)rows + 1;
	if (st->top + (size_t)rows > n)
		st->top = n > (size_t)rows ? n - (size_t)rows : 0;
	for (int k = 0; k < rows && st->top + (size_t)k < n; k++) {
		size_t i = st->top + (size_t)k;
		const struct lq_funnel_row *r = row_at(a, i);
		bool selected = i == st->sel;
		attr_t base = selected ? lq_attr(LQ_C_SELECT) : (i == 0 ? A_BOLD : A_NORMAL);

		lq_draw_fill(y + k, 0, COLS, base);
		lq_draw_text(y + k, 0, 1, selected ? "▸" : " ", base, LQ_ALIGN_LEFT);
		lq_draw_text(y + k, c.x_name, c.name, name_at(a, i), base, LQ_ALIGN_LEFT);
		for (int j = 0; r && j < ncols; j++) {
			char cell[64];

			cell_text(r, which[j], cell, sizeof cell);
			lq_draw_text(y + k, c.x[which[j]], c.w[which[j]], cell, base, LQ_ALIGN_RIGHT);
		}
	}
}

/* Offline, ask again now and then (and at once when sync is back online). */
static void maybe_retry(struct rp_state *st)
{
	struct lq_app *app = st->app;

	if (st->fetching || st->problem != RP_OFFLINE || !app->sync)
		return;
	if (app->now - st->last_try >= RP_RETRY_S || app->now < st->last_try)
		ask(st, true);
}

static void reports_draw(struct lq_app *app)
{
	struct rp_state *st = &rp;
	const struct rp_answer *a;
	const struct lq_funnel_row *r;
	char title[320], line[320];
	int y = 1, stat_lines, list_y;

	maybe_retry(st);
	a = find_answer(st);
	draw_header(st, a);
	draw_footer();
	if (!a) {
		attr_t err = lq_attr(LQ_C_ERROR) | A_BOLD;

		switch (st->problem) {
		case RP_OK:
			draw_notice(2, st->fetching ? _("fetching…") : "", NULL, A_NORMAL);
			break;
		case RP_OFFLINE:
			snprintf(line, sizeof line, _("(%s) It is asked again every few seconds; Ctrl-L asks now."),
				 st->error);
			draw_notice(2, _("The report needs the server, which cannot be reached now."),
				    line, err);
			break;
		case RP_FORBIDDEN:
			draw_notice(2, _("reports are for team leads and reps"), st->error, err);
			break;
		case RP_REFUSED:
			draw_notice(2, _("the server refused the token: log in again"), NULL, err);
			break;
		case RP_FAILED:
			draw_notice(2, _("The server did not give the report:"), st->error, err);
			break;
		case RP_NO_SERVER:
			draw_notice(2, _("The report needs the server: this session does not sync with one."),
				    _("Log in to a server first (leadq login SERVER USER), then start leadq."),
				    err);
			break;
		}
		return;
	}
	if (st->sel >= nrows_of(a))
		st->sel = 0;
	r = row_at(a, st->sel);
	if (st->problem == RP_FORBIDDEN || st->problem == RP_FAILED || st->problem == RP_REFUSED) {
		/* Figures from before, and why they are not fresh. */
		const char *why = st->problem == RP_FORBIDDEN ?
			_("reports are for team leads and reps") : st->problem == RP_REFUSED ?
			_("the server refused the token: log in again") : st->error;

		lq_draw_text(LINES - 3, 2, COLS - 4, why, lq_attr(LQ_C_ERROR), LQ_ALIGN_LEFT);
	}
	if (st->sel == 0)
		snprintf(title, sizeof title, P_("total · %ld lead passed to sales",
						 "total · %ld leads passed to sales", r->passed),
			 r->passed);
	else
		snprintf(title, sizeof title, _("%s %s · %zu of %zu"), by_label(st->by),
			 name_at(a, st->sel), st->sel, a->f.n);
	lq_draw_text(y, 1, COLS - 2, title, lq_attr(LQ_C_TITLE) | A_BOLD, LQ_ALIGN_LEFT);
	y++;
	draw_bars(r, y);
	y += 5;
	stat_lines = draw_stats(app, r, y, LINES >= 30 ? 5 : 3);
	y += stat_lines + (LINES >= 30 ? 1 : 0);
	list_y = y;
	draw_list(st, a, list_y, LINES - 2 - list_y -
		  (st->problem == RP_FORBIDDEN || st->problem == RP_FAILED ||
		   st->problem == RP_REFUSED ? 1 : 0));
}

/* ---- keys ----------------------------------------------------------------- */

static void change_query(struct rp_state *st)
{
	char group[256];
	bool had = st->sel > 0;

	selected_group(st, group, sizeof group);
	compute_period(st);
	/* A cached answer shows at once; the server's fresh one follows. */
	request(st);
	reselect(st, group, had);
	st->top = 0;
}

static int reports_key(struct lq_app *app, enum lq_action action, int key)
{
	struct rp_state *st = &rp;
	const struct rp_answer *a = find_answer(st);
	size_t n = nrows_of(a);
	int page = LINES / 3;

	(void)app;
	if (key == LQ_KEY_TAB || key == 'g') {
		st->by = (enum lq_funnel_by)((st->by + 1) % LQ_FUNNEL_BY_COUNT);
		st->sel = 0;
		compute_period(st);
		request(st);
		st->top = 0;
		return LQ_H_REDRAW;
	}
	if (key == (LQ_KEY_FN | KEY_BTAB)) {
		st->by = (enum lq_funnel_by)((st->by + LQ_FUNNEL_BY_COUNT - 1) % LQ_FUNNEL_BY_COUNT);
		st->sel = 0;
		compute_period(st);
		request(st);
		st->top = 0;
		return LQ_H_REDRAW;
	}
	if (key == 'p') {
		st->period = (enum rp_period)((st->period + 1) % RP_PERIOD_COUNT);
		st->offset = 0;
		change_query(st);
		return LQ_H_REDRAW;
	}
	if (key == '[' || key == ']') {
		if (st->period == RP_ALL) {
			lq_app_message(app, false, "%s", _("all time has no period before or after"));
			return LQ_H_HANDLED;
		}
		if (key == ']' && st->offset >= 0) {
			lq_app_message(app, false, "%s", _("this is the current period"));
			return LQ_H_HANDLED;
		}
		st->offset += key == '[' ? -1 : 1;
		change_query(st);
		return LQ_H_REDRAW;
	}
	switch (action) {
	case LQ_ACTION_MOVE_UP:
		if (st->sel > 0)
			st->sel--;
		return LQ_H_REDRAW;
	case LQ_ACTION_MOVE_DOWN:
		if (st->sel + 1 < n)
			st->sel++;
		return LQ_H_REDRAW;
	case LQ_ACTION_PAGE_UP:
		st->sel = st->sel > (size_t)page ? st->sel - (size_t)page : 0;
		return LQ_H_REDRAW;
	case LQ_ACTION_PAGE_DOWN:
		st->sel = st->sel + (size_t)page < n ? st->sel + (size_t)page : n - 1;
		return LQ_H_REDRAW;
	case LQ_ACTION_FIRST:
		st->sel = 0;
		return LQ_H_REDRAW;
	case LQ_ACTION_LAST:
		st->sel = n - 1;
		return LQ_H_REDRAW;
	case LQ_ACTION_OPEN:
		/* The total, and back to the group it came from. */
		if (st->sel != 0) {
			st->prev_sel = st->sel;
			st->sel = 0;
		} else if (st->prev_sel < n) {
			st->sel = st->prev_sel;
		}
		return LQ_H_REDRAW;
	case LQ_ACTION_BACK:
		if (app->sync)
			lq_sync_get_cancel_ctx(app->sync, st);
		st->fetching = false;
		st->get_id = 0;
		lq_app_set_screen(app, &lq_screen_queue);
		app->focus = LQ_FOCUS_QUEUE;
		return LQ_H_REDRAW;
	case LQ_ACTION_REDRAW:
		request(st);
		return LQ_H_IGNORED;         /* the global redraw runs too */
	case LQ_ACTION_REPORTS:
		request(st);
		return LQ_H_REDRAW;
	case LQ_ACTION_HELP:
	case LQ_ACTION_QUIT:
	case LQ_ACTION_UNDO:
	case LQ_ACTION_CONFLICTS:
	case LQ_ACTION_DAY:
	case LQ_ACTION_COMMAND:
		return LQ_H_IGNORED;
	default:
		/* The queue's keys (a lead's actions, search, filters) do
		 * nothing here: there is no lead on this screen. */
		return LQ_H_HANDLED;
	}
}

static void reports_resize(struct lq_app *app)
{
	(void)app;
	rp.top = 0;
}

const struct lq_screen_ops lq_screen_reports = {
	.name = "reports",
	.draw = reports_draw,
	.key = reports_key,
	.resize = reports_resize,
};

void lq_reports_free(struct lq_app *app)
{
	if (rp.app != app)
		return;
	if (app && app->sync)
		lq_sync_get_cancel_ctx(app->sync, &rp);
	for (int i = 0; i < RP_CACHE; i++)
		answer_clear(&rp.cache[i]);
	memset(&rp, 0, sizeof rp);
}

int lq_do_reports(struct lq_app *app, enum lq_action a)
{
	(void)a;
	if (rp.app != app) {
		/* Another session's answers are not this one's. */
		for (int i = 0; i < RP_CACHE; i++)
			answer_clear(&rp.cache[i]);
		memset(&rp, 0, sizeof rp);
		rp.app = app;
		rp.by = LQ_FUNNEL_BY_SOURCE;
		rp.period = RP_MONTH;
	}
	rp.sel = rp.top = rp.prev_sel = 0;
	compute_period(&rp);
	request(&rp);
	lq_app_set_screen(app, &lq_screen_reports);
	return LQ_H_REDRAW;
}
