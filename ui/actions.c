/* leadq client — the actions that change a lead: status (with a reason),
 * touches (with an outcome), notes, undo.  Each goes through lq_store_act()
 * or lq_store_undo_last(), which commit before returning; only then does the
 * screen change. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "leadq/i18n.h"
#include "leadq/os.h"
#include "ui/screen.h"

static const char *lead_name(const struct lq_lead *l)
{
	if (l && l->name && *l->name)
		return l->name;
	if (l && l->company && *l->company)
		return l->company;
	return _("(no name)");
}

/* Shows the result of a store call; true when it succeeded. */
static bool report(struct lq_app *app, enum lq_store_rc rc, const struct lq_act_result *res,
		   char *err)
{
	switch (rc) {
	case LQ_STORE_OK:
		free(err);
		return true;
	case LQ_STORE_INVALID:
		lq_app_message(app, true, "%s", _(lq_lead_error_message(res->lead_error)));
		break;
	case LQ_STORE_FULL:
		lq_app_message(app, true, "%s", _("disk full: nothing was saved"));
		break;
	case LQ_STORE_BUSY:
		lq_app_message(app, true, "%s", _("the cache is busy (another leadq?): nothing was saved"));
		break;
	case LQ_STORE_NOTFOUND:
		lq_app_message(app, true, "%s", _("the lead is no longer in the cache"));
		break;
	case LQ_STORE_NOMEM:
		lq_app_message(app, true, "%s", _("out of memory: nothing was saved"));
		break;
	default:
		lq_app_message(app, true, _("nothing was saved: %s"),
			       err ? err : lq_store_errmsg(app->s->store));
		break;
	}
	free(err);
	return false;
}

static void acted(struct lq_app *app, const struct lq_act_result *res, const char *what)
{
	const struct lq_lead *l = lq_app_find_lead(app, res->lead_id);

	snprintf(app->undo_label, sizeof app->undo_label, "%s → %s", lead_name(l), what);
	app->undo_until = res->send_after;
	app->msg[0] = '\0';
	size_t row = app->cursor;
	lq_app_update_lead(app, res->lead_id);
	/* A rep works the queue top-down: after acting on a lead the cursor
	 * stays on its row, on the lead that moved up into it, rather than
	 * following the lead to wherever it now sorts.  (Undo brings it back.) */
	if (!app->pinned)
		app->cursor = row < app->nview ? row : (app->nview ? app->nview - 1 : 0);
}

static void apply_change(struct lq_app *app, const char *lead_id, const struct lq_change *ch,
			 const char *what)
{
	struct lq_act_result res;
	char *err = NULL;
	enum lq_store_rc rc;

	memset(&res, 0, sizeof res);
	rc = lq_store_act(app->s->store, &app->s->act, lead_id, ch, lq_os_now(), &res, &err);
	if (!report(app, rc, &res, err))
		return;
	if (!res.lead_id[0])
		memcpy(res.lead_id, lead_id, LQ_UUID_SIZE);
	acted(app, &res, what);
}

static enum lq_status action_status(enum lq_action a)
{
	switch (a) {
	case LQ_ACTION_RECYCLE:
		return LQ_STATUS_RECYCLED;
	case LQ_ACTION_JUNK:
		return LQ_STATUS_JUNK;
	case LQ_ACTION_UNREACHABLE:
		return LQ_STATUS_UNREACHABLE;
	default:
		return LQ_STATUS_QUALIFIED;
	}
}

static void set_status(struct lq_app *app, const char *lead_id, enum lq_status to,
		       const char *reason)
{
	struct lq_change ch;
	char what[128];

	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_STATUS;
	ch.to = to;
	ch.reason = reason;
	ch.at = lq_os_now();
	if (reason)
		snprintf(what, sizeof what, "%s (%s)", _(lq_status_label(to)), reason);
	else
		snprintf(what, sizeof what, "%s", _(lq_status_label(to)));
	apply_change(app, lead_id, &ch, what);
}

static void reason_done(struct lq_app *app, int choice, const char *text)
{
	enum lq_status to = (enum lq_status)app->popup.arg;
	const struct lq_reason *list;
	int n = 0;

	(void)text;
	if (choice < 0) {
		lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
		return;
	}
	list = lq_reasons_for(&app->s->reasons, to, &n);
	if (!list || choice >= n)
		return;
	set_status(app, app->popup.lead_id, to, list[choice].code);
}

int lq_do_status(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	enum lq_status to = action_status(a);
	const struct lq_reason *list;
	const char *labels[LQ_POPUP_ITEMS];
	char title[160];
	int n = 0;

	if (!lq_status_needs_reason(to)) {
		set_status(app, l->id, to, NULL);
		return LQ_H_HANDLED;
	}
	list = lq_reasons_for(&app->s->reasons, to, &n);
	if (!list || n <= 0) {
		lq_app_message(app, true, "%s", _("no reasons are configured for that status"));
		return LQ_H_HANDLED;
	}
	if (n > LQ_POPUP_ITEMS)
		n = LQ_POPUP_ITEMS;
	for (int i = 0; i < n; i++)
		labels[i] = list[i].label ? _(list[i].label) : list[i].code;
	snprintf(title, sizeof title, _("%s → %s: reason?"), lead_name(l),
		 _(lq_status_label(to)));
	lq_popup_picker(app, title, labels, n, reason_done, (int)to, l->id);
	return LQ_H_REDRAW;
}

static void log_touch(struct lq_app *app, const char *lead_id, enum lq_touch t,
		      enum lq_outcome o)
{
	struct lq_change ch;
	char what[128];

	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_TOUCH;
	ch.touch = t;
	ch.outcome = o;
	ch.at = lq_os_now();
	snprintf(what, sizeof what, _("%s logged (%s)"), _(lq_touch_label(t)),
		 _(lq_outcome_label(o)));
	apply_change(app, lead_id, &ch, what);
}

/* The outcomes a call may have, in picker order. */
static int call_outcomes(enum lq_outcome out[LQ_OUTCOME_COUNT])
{
	int n = 0;

	for (int o = 0; o < LQ_OUTCOME_COUNT; o++)
		if (lq_touch_outcome_valid(LQ_TOUCH_CALL, (enum lq_outcome)o))
			out[n++] = (enum lq_outcome)o;
	return n;
}

static void outcome_done(struct lq_app *app, int choice, const char *text)
{
	enum lq_outcome outs[LQ_OUTCOME_COUNT];
	int n = call_outcomes(outs);

	(void)text;
	if (choice < 0) {
		lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
		return;
	}
	if (choice >= n)
		return;
	log_touch(app, app->popup.lead_id, LQ_TOUCH_CALL, outs[choice]);
}

int lq_do_touch(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	enum lq_outcome outs[LQ_OUTCOME_COUNT];
	const char *labels[LQ_OUTCOME_COUNT];
	char title[160];
	int n;

	if (a == LQ_ACTION_EMAIL) {
		log_touch(app, l->id, LQ_TOUCH_EMAIL, LQ_OUTCOME_SENT);
		return LQ_H_HANDLED;
	}
	n = call_outcomes(outs);
	for (int i = 0; i < n; i++)
		labels[i] = _(lq_outcome_label(outs[i]));
	snprintf(title, sizeof title, _("call with %s: outcome?"), lead_name(l));
	lq_popup_picker(app, title, labels, n, outcome_done, 0, l->id);
	return LQ_H_REDRAW;
}

static void note_done(struct lq_app *app, int choice, const char *text)
{
	struct lq_change ch;

	if (choice < 0 || !text) {
		lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
		return;
	}
	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_NOTE;
	ch.text = text;
	ch.at = lq_os_now();
	apply_change(app, app->popup.lead_id, &ch, _("note added"));
}

int lq_do_note(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	char title[160];

	(void)a;
	snprintf(title, sizeof title, _("note on %s (Enter saves, Esc cancels)"), lead_name(l));
	lq_popup_prompt(app, title, "", false, note_done, NULL, 0, l->id);
	return LQ_H_REDRAW;
}

int lq_do_undo(struct lq_app *app, enum lq_action a)
{
	struct lq_act_result res;
	char *err = NULL;
	enum lq_store_rc rc;
	const struct lq_lead *l;

	(void)a;
	memset(&res, 0, sizeof res);
	rc = lq_store_undo_last(app->s->store, &app->s->act, lq_os_now(), &res, &err);
	if (rc == LQ_STORE_NOTFOUND) {
		free(err);
		lq_app_message(app, false, "%s", _("nothing to undo"));
		return LQ_H_HANDLED;
	}
	if (!report(app, rc, &res, err))
		return LQ_H_HANDLED;
	app->undo_until = 0;
	app->undo_label[0] = '\0';
	lq_app_update_lead(app, res.lead_id);
	l = lq_app_find_lead(app, res.lead_id);
	/* The cursor goes back to the lead that came back. */
	for (size_t i = 0; l && !app->pinned && i < app->nview; i++) {
		if (app->view[i].lead == l) {
			app->cursor = i;
			break;
		}
	}
	lq_app_message(app, false, _("undone: %s is %s again"), lead_name(l),
		       l ? _(lq_status_label(l->status)) : "");
	return LQ_H_HANDLED;
}
