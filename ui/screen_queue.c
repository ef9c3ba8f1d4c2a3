/* leadq client — the queue screen (DESIGN §1, §4): a header with the counts,
 * one row per lead with its ticking SLA countdown, and a detail pane when the
 * terminal is big enough.  Business time is computed for drawn rows only. */
#include "config.h"

#include <string.h>

#include "leadq/i18n.h"
#include "leadq/text.h"
#include "ui/draw.h"
#include "ui/screen.h"

struct columns {
	int mark, state, sla, score, name, company, source, status, touches;
	int x_state, x_sla, x_score, x_name, x_company, x_source, x_status, x_touches;
};

/* Fixed columns first; name, company and source share the rest. */
static void layout(int width, struct columns *c)
{
	int flex;

	c->mark = 1;
	c->state = 2;
	c->sla = 9;
	c->score = 3;
	c->status = 11;
	c->touches = 5;
	flex = width - (c->mark + c->state + c->sla + c->score + c->status + c->touches) - 8;
	if (flex < 12)
		flex = 12;
	c->source = flex * 22 / 100;
	if (c->source > 16)
		c->source = 16;
	c->name = (flex - c->source) * 55 / 100;
	c->company = flex - c->source - c->name;
	c->x_state = c->mark;
	c->x_sla = c->x_state + c->state + 1;
	c->x_score = c->x_sla + c->sla + 1;
	c->x_name = c->x_score + c->score + 1;
	c->x_company = c->x_name + c->name + 1;
	c->x_source = c->x_company + c->company + 1;
	c->x_status = c->x_source + c->source + 1;
	c->x_touches = c->x_status + c->status + 1;
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

	snprintf(counts, sizeof counts, _("open %d · breached %d · at risk %d"), app->n_open,
		 app->n_breached, app->n_at_risk);
	if (app->nmarked) {
		size_t len = strlen(counts);

		snprintf(counts + len, sizeof counts - len, _(" · marked %zu"), app->nmarked);
	}
	if (wide)
		snprintf(left, sizeof left, " %s (%s) · %s", who, _(lq_role_label(u->role)), counts);
	else
		snprintf(left, sizeof left, " %s · %s", who, counts);
	if (wide)
		snprintf(right, sizeof right, _("sort: %s · filter: %s%s%s "),
			 _(lq_sort_label(app->sort)), lq_app_filter_label(app->filter_idx),
			 app->search[0] ? " · /" : "", trimmed);
	else
		snprintf(right, sizeof right, "%s · %s%s%s ", _(lq_sort_label(app->sort)),
			 lq_app_filter_label(app->filter_idx), app->search[0] ? " · /" : "",
			 trimmed);
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
	lq_draw_text(y, c->x_source, c->source, l->source, base, LQ_ALIGN_LEFT);
	lq_draw_text(y, c->x_status, c->status, _(lq_status_label(l->status)), base,
		     LQ_ALIGN_LEFT);
	lq_draw_text(y, c->x_touches, c->touches, touches, base, LQ_ALIGN_RIGHT);
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

	layout(width, &c);
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
