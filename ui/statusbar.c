/* leadq client — the status bar: the result of the last action with its undo
 * countdown, errors, and the state of the cache ("local cache · 3 pending"). */
#include "config.h"

#include <string.h>

#include "leadq/i18n.h"
#include "ui/draw.h"
#include "ui/screen.h"

void lq_statusbar_draw(struct lq_app *app)
{
	char left[384], right[128];
	attr_t attr = lq_attr(LQ_C_STATUS);
	int y = LINES - 1, rw;
	char keys[64];

	if (app->msg[0]) {
		snprintf(left, sizeof left, " %s", app->msg);
		if (app->msg_error)
			attr = lq_attr(LQ_C_ERROR) | A_REVERSE;
	} else if (app->undo_label[0] && app->now < app->undo_until) {
		long left_s = (long)(app->undo_until - app->now);

		snprintf(left, sizeof left, _(" %s · z to undo (%ld s)"), app->undo_label, left_s);
	} else if (app->sync && app->sync_st.auth_failed) {
		snprintf(left, sizeof left, "%s", _(" the server refused the token: log in again"));
		attr = lq_attr(LQ_C_ERROR) | A_REVERSE;
	} else if (app->sync) {
		const struct lq_sync_status *st = &app->sync_st;
		char part[128];
		size_t len;

		if (!st->online && st->pending > 0)
			snprintf(left, sizeof left,
				 P_(" offline · %d pending", " offline · %d pending", st->pending),
				 st->pending);
		else if (!st->online)
			snprintf(left, sizeof left, "%s", _(" offline"));
		else if (st->last_ok == LQ_TIME_NONE)
			snprintf(left, sizeof left, "%s", _(" syncing…"));
		else
			snprintf(left, sizeof left, _(" synced %ld s ago"),
				 (long)(app->now > st->last_ok ? app->now - st->last_ok : 0));
		len = strlen(left);
		if (st->online && st->pending > 0 && len < sizeof left) {
			snprintf(part, sizeof part, P_(" · %d pending", " · %d pending", st->pending),
				 st->pending);
			snprintf(left + len, sizeof left - len, "%s", part);
			len = strlen(left);
		}
		if (st->conflicts > 0 && len < sizeof left) {
			snprintf(part, sizeof part, P_(" · %d conflict", " · %d conflicts", st->conflicts),
				 st->conflicts);
			snprintf(left + len, sizeof left - len, "%s", part);
		}
	} else if (app->pending > 0) {
		snprintf(left, sizeof left,
			 P_(" local cache · %d pending", " local cache · %d pending", app->pending),
			 app->pending);
	} else {
		snprintf(left, sizeof left, "%s", _(" local cache · all saved"));
	}
	lq_keymap_keys(&app->keymap, LQ_ACTION_HELP, keys, sizeof keys);
	if (strchr(keys, ','))
		*strchr(keys, ',') = '\0';
	snprintf(right, sizeof right, _("%s help "), keys[0] ? keys : "?");
	rw = lq_text_width(right);
	lq_draw_fill(y, 0, COLS, attr);
	lq_draw_str(y, 0, COLS - rw - 1, left, attr);
	lq_draw_str(y, COLS - rw, rw, right, attr);
}
