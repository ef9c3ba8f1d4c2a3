/* leadq client — the actions that change a lead: status (with a reason),
 * touches (with an outcome), notes, undo, the opportunity (its amount, won
 * or lost), and the team lead's reassignment.  Each goes through lq_store_act()
 * or lq_store_undo_last(), which commit before returning; only then does the
 * screen change. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "leadq/i18n.h"
#include "leadq/os.h"
#include "leadq/text.h"
#include "ui/cli.h"
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

void lq_app_apply_change(struct lq_app *app, const char *lead_id, const struct lq_change *ch,
			 const char *what)
{
	apply_change(app, lead_id, ch, what);
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

/* amount < 0: none given (the lead keeps its amount). */
static void set_status_amount(struct lq_app *app, const char *lead_id, enum lq_status to,
			      const char *reason, int64_t amount)
{
	struct lq_change ch;
	char what[128], num[32];

	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_STATUS;
	ch.to = to;
	ch.reason = reason;
	ch.has_amount = amount >= 0;
	ch.amount = amount >= 0 ? amount : 0;
	ch.at = lq_os_now();
	if (reason)
		snprintf(what, sizeof what, "%s (%s)", _(lq_status_label(to)), reason);
	else if (amount > 0)
		snprintf(what, sizeof what, "%s \u00b7 %s", _(lq_status_label(to)),
			 lq_amount_format(amount, num, sizeof num));
	else
		snprintf(what, sizeof what, "%s", _(lq_status_label(to)));
	apply_change(app, lead_id, &ch, what);
}

static void set_status(struct lq_app *app, const char *lead_id, enum lq_status to,
		       const char *reason)
{
	set_status_amount(app, lead_id, to, reason, -1);
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

/* 1-4: a call with its outcome in one key (undone with z like any change). */
int lq_do_call_outcome(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	enum lq_outcome o;

	switch (a) {
	case LQ_ACTION_CALL_VOICEMAIL:
		o = LQ_OUTCOME_VOICEMAIL;
		break;
	case LQ_ACTION_CALL_NO_ANSWER:
		o = LQ_OUTCOME_NO_ANSWER;
		break;
	case LQ_ACTION_CALL_WRONG_NUMBER:
		o = LQ_OUTCOME_WRONG_NUMBER;
		break;
	default:
		o = LQ_OUTCOME_CONNECTED;
		break;
	}
	log_touch(app, l->id, LQ_TOUCH_CALL, o);
	return LQ_H_HANDLED;
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

/* --- o: the opportunity ------------------------------------------------------- */

bool lq_app_refuse_call(struct lq_app *app, const struct lq_lead *l)
{
	if (!l || !l->do_not_contact)
		return false;
	lq_app_message(app, true, _("%s asked not to be called"), lead_name(l));
	return true;
}

/* The first key bound to an action ("q"), or "?" when none is. */
static const char *first_key(const struct lq_app *app, enum lq_action a, char *buf, size_t size)
{
	char *comma;

	lq_keymap_keys(&app->keymap, a, buf, size);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	if (!buf[0])
		snprintf(buf, size, "?");
	return buf;
}

static void ask_amount(struct lq_app *app, const char *lead_id, enum lq_status to,
		       const char *initial);

/* The amount prompt's answer: empty is no amount; a bad one asks again. */
static void amount_done(struct lq_app *app, int choice, const char *text)
{
	enum lq_status to = (enum lq_status)app->popup.arg;
	char lead_id[LQ_UUID_SIZE];
	int64_t amount = -1;
	int parsed;

	if (choice < 0 || !text) {
		lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
		return;
	}
	memcpy(lead_id, app->popup.lead_id, LQ_UUID_SIZE);
	parsed = lq_amount_parse(text, &amount);
	if (parsed < 0) {
		lq_app_message(app, true, _("not an amount: '%s' (whole units, such as 48 000)"),
			       text);
		ask_amount(app, lead_id, to, text);
		return;
	}
	set_status_amount(app, lead_id, to, NULL, parsed > 0 ? amount : -1);
}

static void ask_amount(struct lq_app *app, const char *lead_id, enum lq_status to,
		       const char *initial)
{
	const struct lq_lead *l = lq_app_find_lead(app, lead_id);
	char title[160];

	if (to == LQ_STATUS_WON)
		snprintf(title, sizeof title, _("%s → won: amount? (Enter confirms, Esc cancels)"),
			 lead_name(l));
	else
		snprintf(title, sizeof title, _("%s → opportunity: amount? (such as 48 000; empty: none)"),
			 lead_name(l));
	lq_popup_prompt(app, title, initial, false, amount_done, NULL, (int)to, lead_id);
}

static void won_lost_done(struct lq_app *app, int choice, const char *text)
{
	const struct lq_lead *l = lq_app_find_lead(app, app->popup.lead_id);
	char lead_id[LQ_UUID_SIZE], num[32] = "";

	(void)text;
	if (choice < 0 || !l) {
		lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
		return;
	}
	memcpy(lead_id, l->id, LQ_UUID_SIZE);
	if (choice == 1) {
		set_status(app, lead_id, LQ_STATUS_LOST, NULL);
		return;
	}
	if (l->amount > 0)
		lq_amount_format(l->amount, num, sizeof num);
	ask_amount(app, lead_id, LQ_STATUS_WON, num);
}

int lq_do_opportunity(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	const char *labels[2];
	char title[160], key[64], num[32];

	(void)a;
	switch (l->status) {
	case LQ_STATUS_QUALIFIED:
		ask_amount(app, l->id, LQ_STATUS_OPPORTUNITY, "");
		return LQ_H_REDRAW;
	case LQ_STATUS_OPPORTUNITY:
		labels[0] = _(lq_status_label(LQ_STATUS_WON));
		labels[1] = _(lq_status_label(LQ_STATUS_LOST));
		if (l->amount > 0)
			snprintf(title, sizeof title, _("%s (opportunity · %s): won or lost?"),
				 lead_name(l), lq_amount_format(l->amount, num, sizeof num));
		else
			snprintf(title, sizeof title, _("%s (opportunity): won or lost?"),
				 lead_name(l));
		lq_popup_picker(app, title, labels, 2, won_lost_done, 0, l->id);
		return LQ_H_REDRAW;
	case LQ_STATUS_NEW:
	case LQ_STATUS_WORKING:
		lq_app_message(app, false, _("%s is %s: accept the lead first (%s)"), lead_name(l),
			       _(lq_status_label(l->status)),
			       first_key(app, LQ_ACTION_QUALIFY, key, sizeof key));
		return LQ_H_HANDLED;
	default:
		lq_app_message(app, false, _("%s is %s: only an accepted lead or an opportunity "
					     "has an amount, is won or lost"), lead_name(l),
			       _(lq_status_label(l->status)));
		return LQ_H_HANDLED;
	}
}

/* --- reassign (team leads) --------------------------------------------------- */

/* The leads R acts on: the marked ones, else the one under the cursor. */
static size_t reassign_targets(struct lq_app *app, const struct lq_lead **out, size_t max)
{
	const struct lq_lead *cur = lq_app_selected(app);
	size_t n = 0;

	for (size_t i = 0; i < app->set.count && n < max && app->nmarked; i++)
		if (app->marks[i])
			out[n++] = &app->set.leads[i];
	if (n == 0 && cur)
		out[n++] = cur;
	return n;
}

static void reassign_reason_done(struct lq_app *app, int choice, const char *text)
{
	const struct lq_team_rep *to = NULL;
	const struct lq_lead **leads;
	char (*ids)[LQ_UUID_SIZE];
	char first[128] = "";
	size_t n, done = 0, skipped = 0;
	enum lq_store_rc rc = LQ_STORE_OK;
	struct lq_act_result res;
	char *err = NULL;

	if (choice < 0) {
		lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
		return;
	}
	for (size_t i = 0; i < app->nreps; i++)
		if (strcmp(app->reps[i].id, app->reassign_to) == 0)
			to = &app->reps[i];
	if (!to)
		return;
	leads = calloc(app->set.count + 1, sizeof *leads);
	ids = calloc(app->set.count + 1, sizeof *ids);
	if (!leads || !ids) {
		free(leads);
		free(ids);
		lq_app_message(app, true, "%s", _("out of memory: nothing was saved"));
		return;
	}
	/* The ids are copied first: the set is read again afterwards. */
	n = reassign_targets(app, leads, app->set.count + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(ids[i], leads[i]->id, LQ_UUID_SIZE);
	if (n > 0)
		lq_strlcpy_utf8(first, lead_name(leads[0]), sizeof first);
	for (size_t i = 0; i < n; i++) {
		const struct lq_lead *l = leads[i];

		if (l->owner_id && strcmp(l->owner_id, to->id) == 0) {
			skipped++;
			continue;
		}
		memset(&res, 0, sizeof res);
		rc = lq_store_reassign(app->s->store, &app->s->act, ids[i], to->id,
				       text && *text ? text : NULL, lq_os_now(), &res, &err);
		if (rc != LQ_STORE_OK)
			break;
		free(err);
		err = NULL;
		done++;
	}
	free(leads);
	/* Owners are strings of the lead set: read it again (marks go). */
	if (done > 0)
		lq_app_reload_leads(app);
	if (rc == LQ_STORE_INVALID) {
		lq_app_message(app, true, _("not reassigned: %s"), err ? err : "?");
		free(err);
	} else if (rc != LQ_STORE_OK) {
		report(app, rc, &res, err);
	} else {
		free(err);
		if (done == 1 && n == 1)
			lq_app_message(app, false, _("%s → %s: reassigned"), first, to->login);
		else if (skipped > 0)
			lq_app_message(app, false, P_("%zu lead reassigned to %s (%zu were theirs already)",
						      "%zu leads reassigned to %s (%zu were theirs already)",
						      done), done, to->login, skipped);
		else
			lq_app_message(app, false, P_("%zu lead reassigned to %s",
						      "%zu leads reassigned to %s", done),
				       done, to->login);
	}
	if (rc != LQ_STORE_OK && done > 0) {
		char msg[sizeof app->msg];

		snprintf(msg, sizeof msg, "%s", app->msg);
		lq_app_message(app, true, P_("%zu lead reassigned, then: %s",
					     "%zu leads reassigned, then: %s", done), done, msg);
	}
	free(ids);
}

static void reassign_rep_done(struct lq_app *app, int choice, const char *text)
{
	const struct lq_team_rep *to;
	char title[160];

	(void)text;
	if (choice < 0 || choice >= app->popup.nitems) {
		lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
		return;
	}
	to = &app->reps[app->pick_rep[choice]];
	memcpy(app->reassign_to, to->id, LQ_UUID_SIZE);
	snprintf(title, sizeof title, _("to %s: reason? (may be empty; Enter saves, Esc cancels)"),
		 to->login);
	lq_popup_prompt(app, title, "", false, reassign_reason_done, NULL, 0, NULL);
}

int lq_do_reassign(struct lq_app *app, enum lq_action a)
{
	static char labels[LQ_POPUP_ITEMS][96];
	const char *ptrs[LQ_POPUP_ITEMS];
	const struct lq_lead *one = lq_app_selected(app);
	char title[160];
	int n = 0;

	(void)a;
	if (!lq_app_can_reassign(app)) {
		lq_app_message(app, false, "%s", _("only a team lead reassigns leads"));
		return LQ_H_HANDLED;
	}
	for (size_t i = 0; i < app->nreps && n < LQ_POPUP_ITEMS; i++) {
		if (app->reps[i].role != LQ_ROLE_REP)
			continue;
		/* A dispatcher's cache holds only their own leads: no counts. */
		if (lq_app_is_team_lead(app))
			snprintf(labels[n], sizeof labels[n], _("%s (%s) · %d open"),
				 app->reps[i].name, app->reps[i].login, app->loads[i].open);
		else
			snprintf(labels[n], sizeof labels[n], "%s (%s)", app->reps[i].name,
				 app->reps[i].login);
		ptrs[n] = labels[n];
		app->pick_rep[n] = (int)i;
		n++;
	}
	if (n == 0) {
		lq_app_message(app, true, "%s", _("no reps in your team"));
		return LQ_H_HANDLED;
	}
	if (app->nmarked > 0)
		snprintf(title, sizeof title, P_("reassign %zu marked lead to which rep?",
						 "reassign %zu marked leads to which rep?",
						 app->nmarked), app->nmarked);
	else
		snprintf(title, sizeof title, _("reassign %s to which rep?"), lead_name(one));
	lq_popup_picker(app, title, ptrs, n, reassign_rep_done, 0, NULL);
	return LQ_H_REDRAW;
}
