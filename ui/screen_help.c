/* leadq client — the help screen, generated from LQ_ACTION_LIST and the
 * keymap in force (so rebound keys show), translated. */
#include "config.h"

#include <string.h>

#include "leadq/i18n.h"
#include "ui/draw.h"
#include "ui/screen.h"

static int help_rows(void)
{
	return LINES - 3;
}

static void help_draw(struct lq_app *app)
{
	attr_t hattr = lq_attr(LQ_C_HEADER);
	int rows = help_rows(), y = 2, keyw = 16, line = 0;

	lq_draw_fill(0, 0, COLS, hattr);
	lq_draw_str(0, 1, COLS - 2, _("Help: keys (Esc goes back; ↑ ↓ scroll)"), hattr);
	lq_draw_text(1, 1, keyw, _("Key"), lq_attr(LQ_C_TITLE), LQ_ALIGN_LEFT);
	lq_draw_text(1, keyw + 2, COLS - keyw - 3, _("Action"), lq_attr(LQ_C_TITLE), LQ_ALIGN_LEFT);
	if (app->help_scroll > LQ_ACTION_COUNT - 1 - rows)
		app->help_scroll = LQ_ACTION_COUNT - 1 - rows > 0 ? LQ_ACTION_COUNT - 1 - rows : 0;
	if (app->help_scroll < 0)
		app->help_scroll = 0;
	for (int a = 1; a < LQ_ACTION_COUNT; a++, line++) {
		char keys[96], text[256];

		if (line < app->help_scroll)
			continue;
		if (y >= 2 + rows)
			break;
		lq_keymap_keys(&app->keymap, (enum lq_action)a, keys, sizeof keys);
		if (lq_action_flags((enum lq_action)a) & LQ_A_NOT_YET)
			snprintf(text, sizeof text, _("%s (not available yet)"),
				 _(lq_action_help((enum lq_action)a)));
		else
			snprintf(text, sizeof text, "%s", _(lq_action_help((enum lq_action)a)));
		lq_draw_text(y, 1, keyw, keys[0] ? keys : _("(unbound)"), A_BOLD, LQ_ALIGN_LEFT);
		lq_draw_text(y, keyw + 2, COLS - keyw - 3, text, A_NORMAL, LQ_ALIGN_LEFT);
		y++;
	}
}

static int help_key(struct lq_app *app, enum lq_action action, int key)
{
	(void)key;
	switch (action) {
	case LQ_ACTION_MOVE_UP:
		app->help_scroll--;
		return LQ_H_HANDLED;
	case LQ_ACTION_MOVE_DOWN:
		app->help_scroll++;
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_UP:
		app->help_scroll -= help_rows();
		return LQ_H_HANDLED;
	case LQ_ACTION_PAGE_DOWN:
		app->help_scroll += help_rows();
		return LQ_H_HANDLED;
	case LQ_ACTION_FIRST:
		app->help_scroll = 0;
		return LQ_H_HANDLED;
	case LQ_ACTION_LAST:
		app->help_scroll = LQ_ACTION_COUNT;
		return LQ_H_HANDLED;
	case LQ_ACTION_BACK:
	case LQ_ACTION_HELP:
		lq_app_set_screen(app, app->back_to && app->back_to != &lq_screen_help ?
				  app->back_to : &lq_screen_queue);
		return LQ_H_REDRAW;
	case LQ_ACTION_QUIT:
	case LQ_ACTION_REDRAW:
		return LQ_H_IGNORED;
	default:
		/* Actions on leads wait until the help is closed. */
		return LQ_H_HANDLED;
	}
}

static void help_resize(struct lq_app *app)
{
	(void)app;
}

const struct lq_screen_ops lq_screen_help = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
	.resize = help_resize,
};
