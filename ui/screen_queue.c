/* leadq client — the queue screen (DESIGN §1, §4): a header with the counts,
 * one row per lead with its ticking SLA countdown, and a detail pane when the
 * terminal is big enough.  Business time is computed for drawn rows only.
 * For a team lead it is also the team view (an owner column) with the rep
 * load panel in the pane's place, or above the list when there is no pane. */
#include "config.h"

#include <string.h>

#include "leadq/i18n.h"
#include "leadq/text.h"
#include "ui/draw.h"
#include "ui/screen.h"

struct columns {
	int mark, state, sla, score, name, company, owner, source, status, touches;
	int x_state, x_sla, x_score, x_name, x_company, x_owner, x_source, x_status, x_touches;
};

/* Fixed columns first; name, company and source share the rest.  The team
 * view adds the owner's login and drops the source below 100 columns. */
static void layout(int width, bool team, struct columns *c)
{
	int flex;

	c->mark = 1;
	c->state = 2;
	c->sla = 9;
	c->score = 3;
	c->status = 11;
	c->touches = 5;
	c->owner = team ? (width >= 110 ? 14 : 10) : 0;
	flex = width - (c->mark + c->state + c->sla + c->score + c->status + c->touches) - 8;
	if (team)
		flex -= c->owner + 1;
	if (flex < 12)
		flex = 12;
	c->source = flex * 22 / 100;
	if (c->source > 16)
		c->source = 16;
	if (team && width < 100) {
		c->source = 0;
		flex++;   /* its gap too */
	}
	c->name = (flex - c->source) * 55 / 100;
	c->company = flex - c->source - c->name;
	c->x_state = c->mark;
	c->x_sla = c->x_state + c->state + 1;
	c->x_score = c->x_sla + c->sla + 1;
	c->x_name = c->x_score + c->score + 1;
	c->x_company = c->x_name + c->name + 1;
	c->x_owner = c->x_company + c->company + 1;
	c->x_source = c->x_owner + (c->owner ? c->owner + 1 : 0);
	c->x_status = c->x_source + (c->source ? c->source + 1 : 0);
	c->x_touches = c->x_status + c->status + 1;
}

static bool team_view(const struct lq_app *app)
{
	return app->team_view && lq_app_is_team_lead(app);
}

static int list_width(void)
{
	return lq_app_pane() == LQ_PANE_SIDE ? COLS - LQ_PANE_SIDE_COLS - 1 : COLS;
}

static void draw_header(struct lq_app *app)
{
	char left[256], right[256], counts[160];
	const struct lq_user *u = &app->s->user;
	attr_t attr = lq_attr(LQ_C_HEADER);
	int rw;

	bool wide = COLS >= 110;
	char trimmed[128];

	lq_strlcpy_utf8(trimmed, app->search, sizeof trimmed);
	const char *who = u->name && *u->name ? u->name : (u->login ? u->login : "leadq");

	char view[96];

	if (team_view(app))
		lq_app_team_filter_label(app, view, sizeof view);
	else
		snprintf(view, sizeof view, "%s", lq_app_filter_label(app->filter_idx));
	snprintf(counts, sizeof counts, _("open %d · breached %d · at risk %d"), app->n_open,
		 app->n_breached, app->n_at_risk);
	if (app->s->user.role == LQ_ROLE_TELEQUAL) {
		/* An agent works the team's pool: their calling queue. */
		char tmp[sizeof counts];
		size_t len;

		snprintf(tmp, sizeof tmp, "%s · ", _("calling queue"));
		len = strlen(tmp);
		memcpy(tmp + len, counts, strnlen(counts, sizeof tmp - len - 1));
		tmp[len + strnlen(counts, sizeof tmp - len - 1)] = '\0';
		memcpy(counts, tmp, sizeof counts);
	}
	if (lq_app_is_team_lead(app)) {
		char tmp[sizeof counts];
		size_t len;

		snprintf(tmp, sizeof tmp, "%s · ", team_view(app) ? _("team") : _("my queue"));
		len = strlen(tmp);
		memcpy(tmp + len, counts, strnlen(counts, sizeof tmp - len - 1));
		tmp[len + strnlen(counts, sizeof tmp - len - 1)] = '\0';
		memcpy(counts, tmp, sizeof counts);
	}
	if (app->nalerts) {
		/* New leads and escalations not opened yet: first of all. */
		char tmp[sizeof counts];
		size_t len;

		snprintf(tmp, sizeof tmp, _("⚑ %zu · "), app->nalerts);
		len = strlen(tmp);
		memcpy(tmp + len, counts, strnlen(counts, sizeof tmp - len - 1));
		tmp[len + strnlen(counts, sizeof tmp - len - 1)] = '\0';
		memcpy(counts, tmp, sizeof counts);
	}
	if (app->nmarked) {
		/* First: at 80 columns the end of the counts may be cut. */
		char tmp[sizeof counts];
		size_t len;

		snprintf(tmp, sizeof tmp, _("marked %zu · "), app->nmarked);
		len = strlen(tmp);
		memcpy(tmp + len, counts, strnlen(counts, sizeof tmp - len - 1));
		tmp[len + strnlen(counts, sizeof tmp - len - 1)] = '\0';
		memcpy(counts, tmp, sizeof counts);
	}
	if (wide)
		snprintf(left, sizeof left, " %s (%s) · %s", who, _(lq_role_label(u->role)), counts);
	else
		snprintf(left, sizeof left, " %s · %s", who, counts);
	if (wide)
		snprintf(right, sizeof right, _("sort: %s · filter: %s%s%s "),
			 _(lq_sort_label(app->sort)), view,
			 app->search[0] ? " · /" : "", trimmed);
	else
		snprintf(right, sizeof right, "%s · %s%s%s ", _(lq_sort_label(app->sort)),
			 view, app->search[0] ? " · /" : "", trimmed);
	rw = lq_text_width(right);
	lq_draw_fill(0, 0, COLS, attr);
	if (rw > COLS / 2)
		rw = COLS / 2;
	/* The counts matter more than the user's own name: drop the name
	 * before the counts would be cut (long names, longer languages). */
	if (lq_text_width(left) > COLS - rw - 1)
		snprintf(left, sizeof left, " %s", counts);
	lq_draw_str(0, 0, COLS - rw - 1, left, attr);
	lq_draw_text(0, COLS - rw, rw, right, attr, LQ_ALIGN_RIGHT);
}

static void draw_titles(const struct columns *c, int width)
{
	attr_t a = lq_attr(LQ_C_TITLE);

	lq_draw_fill(1, 0, width, a);
	lq_draw_text(1, c->x_sla, c->sla, _("SLA"), a, LQ_ALIGN_RIGHT);
	lq_draw_text(1, c->x_score, c->score, _("Sc"), a, LQ_ALIGN_RIGHT);
	lq_draw_text(1, c->x_name, c->name, _("Name"), a, LQ_ALIGN_LEFT);
	lq_draw_text(1, c->x_company, c->company, _("Company"), a, LQ_ALIGN_LEFT);
	if (c->owner)
		lq_draw_text(1, c->x_owner, c->owner, _("Owner"), a, LQ_ALIGN_LEFT);
	if (c->source)
		lq_draw_text(1, c->x_source, c->source, _("Source"), a, LQ_ALIGN_LEFT);
	lq_draw_text(1, c->x_status, c->status, _("Status"), a, LQ_ALIGN_LEFT);
	lq_draw_text(1, c->x_touches, c->touches, _("Touch"), a, LQ_ALIGN_RIGHT);
}

static void draw_row(struct lq_app *app, const struct columns *c, int y, int width, size_t idx)
{
	const struct lq_queue_item *it = &app->view[idx];
	const struct lq_lead *l = it->lead;
	bool selected = idx == app->cursor;
	bool marked = app->marks[l - app->set.leads];
	attr_t base = selected ? lq_attr(LQ_C_SELECT) : A_NORMAL;
	attr_t sla_attr;
	char sla[32], score[8], touches[16];
	const char *mark;
	int color;

	if (selected && app->focus != LQ_FOCUS_QUEUE && app->screen == &lq_screen_queue)
		base = A_BOLD | A_UNDERLINE;
	color = lq_app_sla_text(app, it, sla, sizeof sla, &mark);
	sla_attr = selected ? base | (lq_attr((enum lq_color)color) & A_BOLD) :
		lq_attr((enum lq_color)color);
	snprintf(score, sizeof score, "%d", l->score);
	snprintf(touches, sizeof touches, "%d/%d", l->touches, l->touches_required);

	lq_draw_fill(y, 0, width, base);
	lq_draw_text(y, 0, c->mark, marked ? "*" : " ",
		     selected ? base : lq_attr(LQ_C_MARK), LQ_ALIGN_LEFT);
	lq_draw_text(y, c->x_state, c->state, mark, sla_attr, LQ_ALIGN_LEFT);
	lq_draw_text(y, c->x_sla, c->sla, sla, sla_attr, LQ_ALIGN_RIGHT);
	lq_draw_text(y, c->x_score, c->score, score, base, LQ_ALIGN_RIGHT);
	lq_draw_text(y, c->x_name, c->name, l->name, base | (selected ? A_BOLD : 0), LQ_ALIGN_LEFT);
	lq_draw_text(y, c->x_company, c->company, l->company, base, LQ_ALIGN_LEFT);
	if (c->owner) {
		char login[64];

		lq_draw_text(y, c->x_owner, c->owner,
			     lq_app_owner_login(app, l->owner_id, login, sizeof login), base,
			     LQ_ALIGN_LEFT);
	}
	if (c->source)
		lq_draw_text(y, c->x_source, c->source, l->source, base, LQ_ALIGN_LEFT);
	lq_draw_text(y, c->x_status, c->status, _(lq_status_label(l->status)), base,
		     LQ_ALIGN_LEFT);
	lq_draw_text(y, c->x_touches, c->touches, touches, base, LQ_ALIGN_RIGHT);
}

/* "12m", "5h", "3d": how long ago, in the fewest columns. */
static void ago(lq_time now, lq_time t, char *buf, size_t size)
{
	lq_time d = t == LQ_TIME_NONE ? 0 : now - t;

	if (t == LQ_TIME_NONE)
		snprintf(buf, size, "%s", "—");
	else if (d < LQ_HOUR)
		snprintf(buf, size, "%ldm", (long)(d > 0 ? d / LQ_MINUTE : 0));
	else if (d < LQ_DAY)
		snprintf(buf, size, "%ldh", (long)(d / LQ_HOUR));
	else
		snprintf(buf, size, "%ldd", (long)(d / LQ_DAY));
}

/* The rep load panel in a box of h rows and w columns at y,x: per user of
 * the team, open leads, due today, breached, capacity, last touch; then the
 * unassigned leads.  A rep at or over capacity is drawn as breached. */
static void draw_load(struct lq_app *app, int y, int x, int h, int w)
{
	attr_t title = lq_attr(LQ_C_TITLE);
	bool wide = w >= 64;
	int cn = wide ? 5 : 4, cd = wide ? 9 : 5, cb = wide ? 8 : 4, cc = wide ? 8 : 4;
	int cl = wide ? 13 : 5;
	int rep_w = w - (cn + cd + cb + cc + cl) - 5;
	int xs[5], row;

	if (h < 3 || rep_w < 6)
		return;
	xs[0] = x + rep_w + 1;
	xs[1] = xs[0] + cn + 1;
	xs[2] = xs[1] + cd + 1;
	xs[3] = xs[2] + cb + 1;
	xs[4] = xs[3] + cc + 1;
	lq_draw_fill(y, x, w, title);
	lq_draw_text(y, x, w, _("Rep load (w hides it)"), title | A_BOLD, LQ_ALIGN_LEFT);
	lq_draw_text(y + 1, x, rep_w, _("Rep"), A_BOLD, LQ_ALIGN_LEFT);
	lq_draw_text(y + 1, xs[0], cn, _("Open"), A_BOLD, LQ_ALIGN_RIGHT);
	lq_draw_text(y + 1, xs[1], cd, wide ? _("Due today") : _("Today"), A_BOLD, LQ_ALIGN_RIGHT);
	lq_draw_text(y + 1, xs[2], cb, wide ? _("Breached") : _("Late"), A_BOLD, LQ_ALIGN_RIGHT);
	lq_draw_text(y + 1, xs[3], cc, wide ? _("Capacity") : _("Cap"), A_BOLD, LQ_ALIGN_RIGHT);
	lq_draw_text(y + 1, xs[4], cl, wide ? _("Last touch") : _("Last"), A_BOLD, LQ_ALIGN_RIGHT);
	row = y + 2;
	for (size_t i = 0; i <= app->nreps && row < y + h; i++) {
		const struct lq_rep_load *ld = &app->loads[i];
		bool unassigned = i == app->nreps;
		bool full = !unassigned && app->reps[i].capacity > 0 &&
			ld->open >= app->reps[i].capacity;
		attr_t a = full ? lq_attr(LQ_C_BREACHED) : A_NORMAL;
		char num[5][24];

		/* Reps only: the team lead hands leads out. */
		if (!unassigned && app->reps[i].role != LQ_ROLE_REP)
			continue;
		snprintf(num[0], sizeof num[0], "%d", ld->open);
		snprintf(num[1], sizeof num[1], "%d", ld->due_today);
		snprintf(num[2], sizeof num[2], "%d", ld->breached);
		if (unassigned)
			snprintf(num[3], sizeof num[3], "%s", "");
		else
			snprintf(num[3], sizeof num[3], "%d", app->reps[i].capacity);
		ago(app->now, ld->last_touch, num[4], sizeof num[4]);
		lq_draw_fill(row, x, w, A_NORMAL);
		lq_draw_text(row, x, rep_w, unassigned ? _("(unassigned)") :
			     (wide ? app->reps[i].name : app->reps[i].login), a, LQ_ALIGN_LEFT);
		lq_draw_text(row, xs[0], cn, num[0], a, LQ_ALIGN_RIGHT);
		lq_draw_text(row, xs[1], cd, num[1], A_NORMAL, LQ_ALIGN_RIGHT);
		lq_draw_text(row, xs[2], cb, num[2], ld->breached ? lq_attr(LQ_C_BREACHED) : A_NORMAL,
			     LQ_ALIGN_RIGHT);
		lq_draw_text(row, xs[3], cc, num[3], A_NORMAL, LQ_ALIGN_RIGHT);
		lq_draw_text(row, xs[4], cl, num[4], A_NORMAL, LQ_ALIGN_RIGHT);
		row++;
	}
}

static bool load_shown(const struct lq_app *app)
{
	return app->load_panel && lq_app_is_team_lead(app);
}

#define PANE_LINES 200

static void draw_pane(struct lq_app *app)
{
	static struct lq_line detail[PANE_LINES], timeline[PANE_LINES];
	const struct lq_lead *l = lq_app_selected(app);
	enum lq_pane pane = lq_app_pane();
	int nd = 0, nt = 0, y, x, h, w;
	attr_t title = lq_attr(LQ_C_TITLE);
	int ds = app->focus == LQ_FOCUS_DETAIL ? app->detail_scroll : 0;
	int ts = app->focus == LQ_FOCUS_TIMELINE ? app->detail_scroll : 0;

	if (pane == LQ_PANE_NONE)
		return;
	/* The rep load panel takes the pane's place. */
	if (load_shown(app)) {
		if (pane == LQ_PANE_BOTTOM) {
			y = LINES - 1 - LQ_PANE_BOTTOM_ROWS;
			draw_load(app, y, 0, LQ_PANE_BOTTOM_ROWS, COLS);
			return;
		}
		x = COLS - LQ_PANE_SIDE_COLS;
		attrset(lq_attr(LQ_C_DIM));
		mvvline(1, x - 1, ACS_VLINE, LINES - 2);
		attrset(A_NORMAL);
		draw_load(app, 1, x, LINES - 2, LQ_PANE_SIDE_COLS);
		return;
	}
	if (l) {
		nd = lq_lead_detail_lines(app, l, detail, PANE_LINES);
		nt = lq_lead_timeline_lines(app, l, timeline, PANE_LINES);
	}
	if (ds > nd - 1)
		ds = nd > 0 ? nd - 1 : 0;
	if (ts > nt - 1)
		ts = nt > 0 ? nt - 1 : 0;
	if (pane == LQ_PANE_BOTTOM) {
		int half = COLS / 2;

		y = LINES - 1 - LQ_PANE_BOTTOM_ROWS;
		h = LQ_PANE_BOTTOM_ROWS - 1;
		lq_draw_fill(y, 0, COLS, title);
		lq_draw_str(y, 1, half - 2, app->focus == LQ_FOCUS_DETAIL ? _("▶ Lead") : _("Lead"),
			    title);
		lq_draw_str(y, half + 1, half - 2, app->focus == LQ_FOCUS_TIMELINE ?
			    _("▶ Timeline (newest first)") : _("Timeline (newest first)"), title);
		lq_draw_lines(detail, nd, ds, y + 1, 1, h, half - 2);
		lq_draw_lines(timeline, nt, ts, y + 1, half + 1, h, COLS - half - 2);
		return;
	}
	x = COLS - LQ_PANE_SIDE_COLS;
	w = LQ_PANE_SIDE_COLS - 1;
	attrset(lq_attr(LQ_C_DIM));
	mvvline(1, x - 1, ACS_VLINE, LINES - 2);
	attrset(A_NORMAL);
	h = (LINES - 3) / 2;
	lq_draw_text(1, x, w, app->focus == LQ_FOCUS_DETAIL ? _("▶ Lead") : _("Lead"), title,
		     LQ_ALIGN_LEFT);
	lq_draw_lines(detail, nd, ds, 2, x, h - 1, w);
	lq_draw_text(1 + h, x, w, app->focus == LQ_FOCUS_TIMELINE ?
		     _("▶ Timeline (newest first)") : _("Timeline (newest first)"), title,
		     LQ_ALIGN_LEFT);
	lq_draw_lines(timeline, nt, ts, 2 + h, x, LINES - 3 - h, w);
}

static void queue_draw(struct lq_app *app)
{
	struct columns c;
	int width = list_width();
	int rows = lq_app_list_rows(app);

	layout(width, team_view(app), &c);
	draw_header(app);
	draw_titles(&c, width);
	/* Keep the cursor in sight. */
	if (app->cursor < app->top)
		app->top = app->cursor;
	if (app->cursor >= app->top + (size_t)rows)
		app->top = app->cursor - (size_t)rows + 1;
	if (app->top + (size_t)rows > app->nview)
		app->top = app->nview > (size_t)rows ? app->nview - (size_t)rows : 0;
	if (app->nview == 0) {
		lq_draw_str(3, 2, width - 4,
			    app->search[0] ? _("No lead matches the search (Esc clears it).") :
			    _("No leads here: press f for another filter."), A_NORMAL);
	}
	for (int r = 0; r < rows && app->top + (size_t)r < app->nview; r++)
		draw_row(app, &c, 2 + r, width, app->top + (size_t)r);
	if (lq_app_load_rows(app) > 0)
		draw_load(app, 2 + rows, 0, lq_app_load_rows(app), width);
	draw_pane(app);
}

static int queue_key(struct lq_app *app, enum lq_action action, int key)
{
	(void)key;
	/* With the pane focused, the moves scroll it. */
	if (app->focus != LQ_FOCUS_QUEUE && lq_app_pane() != LQ_PANE_NONE) {
		switch (action) {
		case LQ_ACTION_MOVE_UP:
			if (app->detail_scroll > 0)
				app->detail_scroll--;
			return LQ_H_HANDLED;
		case LQ_ACTION_MOVE_DOWN:
			app->detail_scroll++;
			return LQ_H_HANDLED;
		case LQ_ACTION_PAGE_UP:
			app->detail_scroll = app->detail_scroll > 10 ? app->detail_scroll - 10 : 0;
			return LQ_H_HANDLED;
		case LQ_ACTION_PAGE_DOWN:
			app->detail_scroll += 10;
			return LQ_H_HANDLED;
		case LQ_ACTION_FIRST:
			app->detail_scroll = 0;
			return LQ_H_HANDLED;
		default:
			break;
		}
	}
	/* Without a pane, Tab goes to the lead screen's timeline. */
	if (action == LQ_ACTION_FOCUS && lq_app_pane() == LQ_PANE_NONE && lq_app_selected(app)) {
		app->focus = LQ_FOCUS_DETAIL;
		app->lead_scroll = 0;
		lq_app_set_screen(app, &lq_screen_lead);
		return LQ_H_REDRAW;
	}
	return LQ_H_IGNORED;
}

static void queue_resize(struct lq_app *app)
{
	app->top = 0;
}

const struct lq_screen_ops lq_screen_queue = {
	.name = "queue",
	.draw = queue_draw,
	.key = queue_key,
	.resize = queue_resize,
};
