/* leadq client — pop-ups: a picker (reasons, outcomes) and a text prompt
 * (notes, search).  They are states of the app, not loops of their own, so
 * that the scripted mode and the benchmarks feed them keys like any other. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "leadq/i18n.h"
#include "ui/draw.h"
#include "ui/screen.h"

static void set_common(struct lq_app *app, enum lq_popup_kind kind, const char *title,
		       lq_popup_done done, int arg, const char *lead_id)
{
	struct lq_popup *p = &app->popup;

	memset(p, 0, sizeof *p);
	p->kind = kind;
	snprintf(p->title, sizeof p->title, "%s", title);
	p->done = done;
	p->arg = arg;
	if (lead_id)
		snprintf(p->lead_id, sizeof p->lead_id, "%s", lead_id);
}

void lq_popup_picker(struct lq_app *app, const char *title, const char *const *labels, int n,
		     lq_popup_done done, int arg, const char *lead_id)
{
	struct lq_popup *p = &app->popup;

	set_common(app, LQ_POPUP_PICKER, title, done, arg, lead_id);
	if (n > LQ_POPUP_ITEMS)
		n = LQ_POPUP_ITEMS;
	for (int i = 0; i < n; i++)
		snprintf(p->labels[i], sizeof p->labels[i], "%s", labels[i]);
	p->nitems = n;
}

/* The prompt's text as UTF-8. */
static void prompt_text(const struct lq_popup *p, char *buf, size_t size)
{
	mbstate_t st;
	size_t len = 0;

	memset(&st, 0, sizeof st);
	buf[0] = '\0';
	for (int i = 0; i < p->len; i++) {
		char mb[MB_LEN_MAX];
		size_t n = wcrtomb(mb, p->text[i], &st);

		if (n == (size_t)-1 || len + n >= size)
			continue;
		memcpy(buf + len, mb, n);
		len += n;
	}
	buf[len] = '\0';
}

/* Appends UTF-8 text to the prompt; returns the characters added. */
static int append_utf8(struct lq_popup *p, const char *utf8)
{
	mbstate_t st;
	int added = 0;

	memset(&st, 0, sizeof st);
	while (*utf8 && p->len < LQ_PROMPT_MAX) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, utf8, MB_CUR_MAX, &st);

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			utf8++;
			continue;
		}
		p->text[p->len++] = wc;
		added++;
		utf8 += n;
	}
	p->text[p->len] = L'\0';
	return added;
}

void lq_popup_prompt(struct lq_app *app, const char *title, const char *initial, bool bottom_line,
		     lq_popup_done done, lq_popup_changed changed, int arg, const char *lead_id)
{
	struct lq_popup *p = &app->popup;

	set_common(app, LQ_POPUP_PROMPT, title, done, arg, lead_id);
	p->bottom_line = bottom_line;
	p->changed = changed;
	if (initial)
		append_utf8(p, initial);
}

static void notify_changed(struct lq_app *app)
{
	char text[LQ_PROMPT_MAX * 4 + 1];

	if (!app->popup.changed)
		return;
	prompt_text(&app->popup, text, sizeof text);
	app->popup.changed(app, text);
}

int lq_popup_type(struct lq_app *app, const char *utf8)
{
	if (app->popup.kind != LQ_POPUP_PROMPT)
		return -1;
	append_utf8(&app->popup, utf8);
	notify_changed(app);
	return 0;
}

/* Closes the pop-up, then reports; the callback still reads arg/lead_id. */
static int finish(struct lq_app *app, int choice)
{
	struct lq_popup *p = &app->popup;
	char text[LQ_PROMPT_MAX * 4 + 1];
	bool prompt = p->kind == LQ_POPUP_PROMPT;

	prompt_text(p, text, sizeof text);
	p->kind = LQ_POPUP_NONE;
	if (p->done)
		p->done(app, choice, prompt && choice >= 0 ? text : NULL);
	return LQ_H_REDRAW;
}

static int picker_key(struct lq_app *app, int key)
{
	struct lq_popup *p = &app->popup;
	enum lq_action a = lq_keymap_lookup(&app->keymap, key);

	if (key == LQ_KEY_ESC)
		return finish(app, -1);
	if (key == LQ_KEY_ENTER)
		return p->nitems > 0 ? finish(app, p->sel) : finish(app, -1);
	if (key >= '1' && key <= '9' && key - '1' < p->nitems)
		return finish(app, key - '1');
	if (a == LQ_ACTION_MOVE_UP && p->sel > 0)
		p->sel--;
	else if (a == LQ_ACTION_MOVE_DOWN && p->sel + 1 < p->nitems)
		p->sel++;
	else if (a == LQ_ACTION_FIRST)
		p->sel = 0;
	else if (a == LQ_ACTION_LAST && p->nitems > 0)
		p->sel = p->nitems - 1;
	return LQ_H_HANDLED;
}

static int prompt_key(struct lq_app *app, int key)
{
	struct lq_popup *p = &app->popup;

	if (key == LQ_KEY_ESC)
		return finish(app, -1);
	if (key == LQ_KEY_ENTER)
		return finish(app, 0);
	if (key == (LQ_KEY_FN | KEY_BACKSPACE)) {
		if (p->len > 0) {
			p->text[--p->len] = L'\0';
			notify_changed(app);
		}
		return LQ_H_HANDLED;
	}
	if (key == LQ_KEY_CTRL('u')) {
		p->len = 0;
		p->text[0] = L'\0';
		notify_changed(app);
		return LQ_H_HANDLED;
	}
	if ((key & LQ_KEY_FN) || key < 0x20 || key == 0x7f)
		return LQ_H_HANDLED;
	if (p->len < LQ_PROMPT_MAX && wcwidth((wchar_t)key) >= 0) {
		p->text[p->len++] = (wchar_t)key;
		p->text[p->len] = L'\0';
		notify_changed(app);
	}
	return LQ_H_HANDLED;
}

int lq_popup_key(struct lq_app *app, int key)
{
	switch (app->popup.kind) {
	case LQ_POPUP_PICKER:
		return picker_key(app, key);
	case LQ_POPUP_PROMPT:
		return prompt_key(app, key);
	default:
		return LQ_H_IGNORED;
	}
}

static void draw_box(int y, int x, int h, int w, attr_t attr)
{
	for (int r = 0; r < h; r++)
		lq_draw_fill(y + r, x, w, attr);
	attrset(attr);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
}

/* The visible tail of the prompt's text in width columns, as UTF-8. */
static void prompt_tail(const struct lq_popup *p, int width, char *buf, size_t size)
{
	struct lq_popup tail;
	int cols = 0, start = p->len;

	while (start > 0) {
		int w = wcwidth(p->text[start - 1]);

		if (w < 0)
			w = 1;
		if (cols + w > width)
			break;
		cols += w;
		start--;
	}
	tail.len = p->len - start;
	memcpy(tail.text, p->text + start, (size_t)tail.len * sizeof(wchar_t));
	prompt_text(&tail, buf, size);
}

void lq_popup_draw(struct lq_app *app)
{
	struct lq_popup *p = &app->popup;
	attr_t attr = lq_attr(LQ_C_POPUP);
	char text[LQ_PROMPT_MAX * 4 + 1];
	int w, h, y, x;

	if (p->kind == LQ_POPUP_NONE)
		return;
	if (p->kind == LQ_POPUP_PROMPT && p->bottom_line) {
		int tw = lq_text_width(p->title);

		lq_draw_fill(LINES - 1, 0, COLS, A_NORMAL);
		lq_draw_str(LINES - 1, 0, COLS, p->title, A_BOLD);
		prompt_tail(p, COLS - tw - 2, text, sizeof text);
		lq_draw_str(LINES - 1, tw, COLS - tw - 1, text, A_NORMAL);
		return;
	}
	w = COLS - 10 < 70 ? COLS - 10 : 70;
	if (p->kind == LQ_POPUP_PICKER)
		h = p->nitems + 4;
	else
		h = 5;
	if (h > LINES - 4)
		h = LINES - 4;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	draw_box(y, x, h, w, attr);
	lq_draw_text(y + 1, x + 2, w - 4, p->title, attr | A_BOLD, LQ_ALIGN_LEFT);
	if (p->kind == LQ_POPUP_PICKER) {
		int rows = h - 4;
		int first = p->sel >= rows ? p->sel - rows + 1 : 0;

		for (int i = 0; i < rows && first + i < p->nitems; i++) {
			char line[128];
			int idx = first + i;

			if (idx < 9)
				snprintf(line, sizeof line, "%d  %s", idx + 1, p->labels[idx]);
			else
				snprintf(line, sizeof line, "   %s", p->labels[idx]);
			lq_draw_text(y + 3 + i, x + 2, w - 4, line,
				     idx == p->sel ? (attr | A_REVERSE) : attr, LQ_ALIGN_LEFT);
		}
		lq_draw_str(y + h - 1, x + 2, w - 4, _(" Enter picks · Esc cancels "), attr);
	} else {
		prompt_tail(p, w - 6, text, sizeof text);
		lq_draw_fill(y + 3, x + 2, w - 4, A_NORMAL);
		lq_draw_str(y + 3, x + 2, w - 5, text, A_NORMAL);
		lq_draw_str(y + 3, x + 2 + lq_text_width(text), 1, "_", A_BLINK);
	}
}
