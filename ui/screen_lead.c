/* leadq client — the lead screen: contact data, the lead's local time, why
 * now (score and its parts, MQL time, source and campaign, the SLA clock) and
 * the behaviour timeline with sales touches and notes, newest first; a
 * footer with the keys that work on this lead. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "leadq/i18n.h"
#include "leadq/text.h"
#include "ui/cli.h"
#include "ui/draw.h"
#include "ui/screen.h"

static int add(struct lq_line *lines, int n, int max, int color, bool bold, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int add(struct lq_line *lines, int n, int max, int color, bool bold, const char *fmt, ...)
{
	va_list ap;

	if (n >= max)
		return n;
	va_start(ap, fmt);
	vsnprintf(lines[n].text, sizeof lines[n].text, fmt, ap);
	va_end(ap);
	lines[n].color = color;
	lines[n].bold = bold;
	return n + 1;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "—";
}

const char *lq_app_status_text(const struct lq_lead *l, char *buf, size_t size)
{
	char num[32];
	bool valued = l->status == LQ_STATUS_OPPORTUNITY || l->status == LQ_STATUS_WON ||
		l->status == LQ_STATUS_LOST;

	if (valued && l->amount > 0)
		snprintf(buf, size, "%s · %s", _(lq_status_label(l->status)),
			 lq_amount_format(l->amount, num, sizeof num));
	else
		snprintf(buf, size, "%s", _(lq_status_label(l->status)));
	return buf;
}

int lq_lead_detail_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines,
			 int max)
{
	const struct lq_tz *tz = lq_app_zone(app, l->tz);
	char when[64], place[256], parts[160], buf[64], status[96];
	struct lq_sla_view v;
	size_t len = 0;
	int n = 0;

	if (l->title && *l->title)
		n = add(lines, n, max, LQ_C_NORMAL, true, "%s — %s", or_dash(l->name), l->title);
	else
		n = add(lines, n, max, LQ_C_NORMAL, true, "%s", or_dash(l->name));
	/* Right under the name, where nobody about to dial misses it. */
	if (l->do_not_contact)
		n = add(lines, n, max, LQ_C_ERROR, true, "%s",
			_("DO NOT CONTACT · asked not to be called: no calls, no callbacks"));
	if (l->employees > 0)
		n = add(lines, n, max, LQ_C_NORMAL, false, _("%s · %s · %d employees"),
			or_dash(l->company), or_dash(l->industry), l->employees);
	else
		n = add(lines, n, max, LQ_C_NORMAL, false, "%s · %s", or_dash(l->company),
			or_dash(l->industry));
	n = add(lines, n, max, LQ_C_NORMAL, false, _("email: %s"), or_dash(l->email));
	n = add(lines, n, max, LQ_C_NORMAL, false, _("phone: %s%s"), or_dash(l->phone),
		l->do_not_contact ? _("  (do not contact)") : "");
	place[0] = '\0';
	if (l->city && *l->city)
		len += (size_t)snprintf(place, sizeof place, "%s", l->city);
	if (l->region && *l->region && len < sizeof place)
		len += (size_t)snprintf(place + len, sizeof place - len, "%s%s", len ? ", " : "",
					l->region);
	if (l->country && *l->country && len < sizeof place)
		snprintf(place + len, sizeof place - len, "%s%s", len ? ", " : "", l->country);
	n = add(lines, n, max, LQ_C_NORMAL, false, "%s", or_dash(place));
	if (tz) {
		lq_app_format_local(tz, app->now, false, when, sizeof when);
		n = add(lines, n, max, LQ_C_NORMAL, false, _("local time: %s (%s)"), when,
			lq_tz_name(tz));
	} else {
		n = add(lines, n, max, LQ_C_NORMAL, false, _("local time: unknown (%s)"),
			or_dash(l->tz));
	}
	n = add(lines, n, max, LQ_C_NORMAL, false, "%s", "");
	n = add(lines, n, max, LQ_C_TITLE, true, "%s", _("Why now"));
	parts[0] = '\0';
	len = 0;
	for (int i = 0; i < l->nscore_parts && len < sizeof parts; i++)
		len += (size_t)snprintf(parts + len, sizeof parts - len, "%s%s %d", i ? ", " : "",
					l->score_parts[i].name, l->score_parts[i].points);
	if (parts[0])
		n = add(lines, n, max, LQ_C_NORMAL, false, _("score %d (%s)"), l->score, parts);
	else
		n = add(lines, n, max, LQ_C_NORMAL, false, _("score %d"), l->score);
	lq_app_format_local(app->s->user_tz, l->mql_at, true, when, sizeof when);
	n = add(lines, n, max, LQ_C_NORMAL, false, _("MQL %s"), when);
	n = add(lines, n, max, LQ_C_NORMAL, false, _("source %s · campaign %s"), or_dash(l->source),
		or_dash(l->campaign));
	lq_app_sla(app, l, &v);
	if (v.clock != LQ_SLA_NONE && v.state != LQ_SLA_IDLE) {
		int color = v.state == LQ_SLA_BREACHED ? LQ_C_BREACHED :
			v.state == LQ_SLA_AT_RISK ? LQ_C_AT_RISK : LQ_C_ON_TRACK;

		lq_duration_format(v.remaining, buf, sizeof buf);
		lq_app_format_local(app->s->user_tz, v.deadline, true, when, sizeof when);
		n = add(lines, n, max, color, v.state == LQ_SLA_BREACHED, _("SLA %s: %s, %s (due %s)"),
			v.clock == LQ_SLA_FIRST_CONTACT ? _("first contact") : _("cadence"),
			_(lq_sla_state_name(v.state)), buf, when);
	} else {
		n = add(lines, n, max, LQ_C_NORMAL, false, "%s", _("SLA: no clock running"));
	}
	lq_app_format_local(app->s->user_tz, l->last_touch_at, true, when, sizeof when);
	n = add(lines, n, max, LQ_C_NORMAL, false, _("status %s%s%s · touches %d/%d · last %s"),
		lq_app_status_text(l, status, sizeof status), l->reason[0] ? " · " : "", l->reason,
		l->touches, l->touches_required, when);
	/* Its appointments and callback; a telequal agent's checklist. */
	n += lq_lead_appt_lines(app, l, lines + n, max - n);
	n += lq_checklist_lines(app, l, lines + n, max - n);
	return n;
}

int lq_lead_timeline_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines,
			   int max)
{
	int n = 0;

	lq_app_load_timeline(app, l->id);
	if (app->ntl == 0)
		return add(lines, n, max, LQ_C_DIM, false, "%s", _("no activity yet"));
	for (size_t i = 0; i < app->ntl && n < max; i++) {
		const struct lq_tl_entry *e = &app->tl[i];
		char when[32], what[200];
		bool sales = e->kind >= LQ_ACT_CALL && e->kind <= LQ_ACT_STATUS_CHANGE;

		lq_app_format_local(app->s->user_tz, e->at, true, when, sizeof when);
		if (e->outcome >= 0 && e->outcome < LQ_OUTCOME_COUNT)
			snprintf(what, sizeof what, "%s (%s)", _(lq_activity_label(e->kind)),
				 _(lq_outcome_label((enum lq_outcome)e->outcome)));
		else
			snprintf(what, sizeof what, "%s", _(lq_activity_label(e->kind)));
		n = add(lines, n, max, e->undone ? LQ_C_DIM : LQ_C_NORMAL, sales && !e->undone,
			"%s  %s%s%s%s%s%s", when + 5 /* MM-DD HH:MM */, what,
			e->subject && *e->subject ? " · " : "", e->subject ? e->subject : "",
			e->detail && *e->detail ? " — " : "", e->detail ? e->detail : "",
			e->undone ? _(" (undone)") : "");
	}
	return n;
}

void lq_draw_lines(const struct lq_line *lines, int n, int first, int y, int x, int h, int w)
{
	for (int r = 0; r < h && first + r < n; r++) {
		const struct lq_line *ln = &lines[first + r];
		attr_t a = lq_attr((enum lq_color)ln->color) | (ln->bold ? A_BOLD : 0);

		lq_draw_text(y + r, x, w, ln->text, a, LQ_ALIGN_LEFT);
	}
}

#define LEAD_LINES 700

static struct lq_line lead_lines[LEAD_LINES];

/* Lays out the whole page; *timeline_at is the row of the timeline title. */
static int lead_page(struct lq_app *app, const struct lq_lead *l, int *timeline_at)
{
	int n = lq_lead_detail_lines(app, l, lead_lines, LEAD_LINES - 2);

	n = add(lead_lines, n, LEAD_LINES, LQ_C_NORMAL, false, "%s", "");
	*timeline_at = n;
	n = add(lead_lines, n, LEAD_LINES, LQ_C_TITLE, true, "%s", _("Timeline (newest first)"));
	n += lq_lead_timeline_lines(app, l, lead_lines + n, LEAD_LINES - n);
	return n;
}

/* Appends "KEY label" for an action bound to a key; keys: its first key
 * ("Esc" for "<Esc>"), or the text given. */
static void footer_add(const struct lq_app *app, char *buf, size_t size, enum lq_action a,
		       const char *keys, const char *label)
{
	char first[64];
	size_t len = strlen(buf), n;

	if (!keys) {
		lq_keymap_keys(&app->keymap, a, first, sizeof first);
		if (strchr(first, ','))
			*strchr(first, ',') = '\0';
		keys = first;
		n = strlen(first);
		if (n > 2 && first[0] == '<' && first[n - 1] == '>') {
			first[n - 1] = '\0';
			keys = first + 1;
		}
	}
	if (!keys[0] || len >= size)
		return;
	snprintf(buf + len, size - len, "%s%s %s", len ? " · " : " ", keys, label);
}

/* The four one-key calls as "1-4" when they are the keys 1 to 4 in a row,
 * else their keys with slashes ("" when none is bound). */
static void call_keys(const struct lq_app *app, char *buf, size_t size)
{
	static const enum lq_action calls[] = {
		LQ_ACTION_CALL_CONNECTED, LQ_ACTION_CALL_VOICEMAIL, LQ_ACTION_CALL_NO_ANSWER,
		LQ_ACTION_CALL_WRONG_NUMBER,
	};
	char keys[4][64];
	bool row = true;
	size_t len = 0;

	for (int i = 0; i < 4; i++) {
		lq_keymap_keys(&app->keymap, calls[i], keys[i], sizeof keys[i]);
		if (strchr(keys[i], ','))
			*strchr(keys[i], ',') = '\0';
		if (strlen(keys[i]) != 1 || (i > 0 && keys[i][0] != keys[i - 1][0] + 1))
			row = false;
	}
	buf[0] = '\0';
	for (int i = 0; i < 4 && len < size; i++) {
		if (!keys[i][0] || (row && i > 0 && i < 3))
			continue;
		if (len > 0)
			len += lq_strlcpy_utf8(buf + len, row ? "-" : "/", size - len);
		if (len < size)
			len += lq_strlcpy_utf8(buf + len, keys[i], size - len);
	}
}

/* The keys that work on this lead: no call keys on a lead that asked not
 * to be contacted, no touches on a closed one. */
static void lead_footer(const struct lq_app *app, const struct lq_lead *l, char *buf,
			size_t size)
{
	bool touches = lq_status_takes_touches(l->status);
	bool calls = touches && !l->do_not_contact;
	char keys[64];

	buf[0] = '\0';
	if (calls) {
		footer_add(app, buf, size, LQ_ACTION_CALL, NULL, _("call"));
		call_keys(app, keys, sizeof keys);
		footer_add(app, buf, size, LQ_ACTION_NONE, keys, _("outcome"));
	}
	if (touches)
		footer_add(app, buf, size, LQ_ACTION_EMAIL, NULL, _("email"));
	footer_add(app, buf, size, LQ_ACTION_NOTE, NULL, _("note"));
	if (lq_status_is_open(l->status))
		footer_add(app, buf, size, LQ_ACTION_QUALIFY, NULL, _("accept"));
	else if (l->status == LQ_STATUS_QUALIFIED)
		footer_add(app, buf, size, LQ_ACTION_OPPORTUNITY, NULL, _("opportunity"));
	else if (l->status == LQ_STATUS_OPPORTUNITY)
		footer_add(app, buf, size, LQ_ACTION_OPPORTUNITY, NULL, _("won/lost"));
	if (calls)
		footer_add(app, buf, size, LQ_ACTION_BOOK, NULL, _("book"));
	footer_add(app, buf, size, LQ_ACTION_BACK, NULL, _("back"));
}

static void lead_draw(struct lq_app *app)
{
	const struct lq_lead *l = lq_app_selected(app);
	attr_t hattr = lq_attr(LQ_C_HEADER);
	char head[320], status[96], footer[320];
	int n, tl_at, rows = LINES - 3;

	lq_draw_fill(0, 0, COLS, hattr);
	if (!l) {
		lq_draw_str(0, 1, COLS - 2, _("no lead selected"), hattr);
		return;
	}
	snprintf(head, sizeof head, " %s · %s · %s%s", or_dash(l->name), or_dash(l->company),
		 lq_app_status_text(l, status, sizeof status),
		 l->do_not_contact ? _(" · DO NOT CONTACT") : "");
	lq_draw_str(0, 0, COLS - 1, head, hattr);
	n = lead_page(app, l, &tl_at);
	if (app->lead_scroll > n - rows)
		app->lead_scroll = n - rows > 0 ? n - rows : 0;
	if (app->lead_scroll < 0)
		app->lead_scroll = 0;
	lq_draw_lines(lead_lines, n, app->lead_scroll, 1, 1, rows, COLS - 2);
	lead_footer(app, l, footer, sizeof footer);
	lq_draw_fill(LINES - 2, 0, COLS, lq_attr(LQ_C_DIM));
	lq_draw_str(LINES - 2, 0, COLS - 1, footer, lq_attr(LQ_C_DIM));
}

static int lead_key(struct lq_app *app, enum lq_action action, int key)
{
	int rows = LINES - 3, tl_at = 0;
	const struct lq_lead *l = lq_app_selected(app);

	(void)key;
	switch (action) {
	case LQ_ACTION_MOVE_UP:
		app->lead_scroll--;
		return LQ_H_HANDLED;
	case LQ_ACTION_MOVE_DOWN:
		app->lead_scroll++;
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_UP:
		app->lead_scroll -= rows - 1;
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_DOWN:
		app->lead_scroll += rows - 1;
		return LQ_H_HANDLED;
	case LQ_ACTION_FIRST:
		app->lead_scroll = 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_LAST:
		app->lead_scroll = LEAD_LINES;
		return LQ_H_HANDLED;
	case LQ_ACTION_OPEN:
		return LQ_H_HANDLED;
	case LQ_ACTION_FOCUS:
		/* detail -> timeline -> back to the queue */
		if (app->focus == LQ_FOCUS_DETAIL && l) {
			app->focus = LQ_FOCUS_TIMELINE;
			lead_page(app, l, &tl_at);
			app->lead_scroll = tl_at;
			return LQ_H_HANDLED;
		}
		app->focus = LQ_FOCUS_QUEUE;
		lq_app_set_screen(app, &lq_screen_queue);
		return LQ_H_REDRAW;
	default:
		return LQ_H_IGNORED;
	}
}

static void lead_resize(struct lq_app *app)
{
	(void)app;
}

const struct lq_screen_ops lq_screen_lead = {
	.name = "lead",
	.draw = lead_draw,
	.key = lead_key,
	.resize = lead_resize,
};
