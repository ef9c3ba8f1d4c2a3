/* leadq client — changes the server did not apply (DESIGN §7): for each op
 * that ended in conflict or was rejected, the rep's attempt beside the
 * server's state of the lead, and the choice to redo it (as a new change on
 * the server's version) or drop it.  Enter redoes, d drops, Esc goes back. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/i18n.h"
#include "leadq/os.h"
#include "ui/draw.h"
#include "ui/screen.h"

/* Each problem takes three lines: the attempt, the server's answer, a gap. */
#define PROBLEM_LINES 3

void lq_problems_free(struct lq_app *app)
{
	for (size_t i = 0; i < app->nproblems; i++) {
		free(app->problems[i].kind);
		free(app->problems[i].args);
		free(app->problems[i].error);
	}
	free(app->problems);
	app->problems = NULL;
	app->nproblems = 0;
}

static int collect(void *ctx, const struct lq_outbox_op *op)
{
	struct lq_app *app = ctx;
	struct lq_problem *grown = realloc(app->problems, (app->nproblems + 1) * sizeof *grown);

	if (!grown)
		return 1;
	app->problems = grown;
	struct lq_problem *p = &app->problems[app->nproblems];
	memset(p, 0, sizeof *p);
	memcpy(p->op_id, op->id, LQ_UUID_SIZE);
	memcpy(p->lead_id, op->lead_id, LQ_UUID_SIZE);
	p->kind = strdup(op->kind ? op->kind : "");
	p->args = strdup(op->args ? op->args : "{}");
	p->error = strdup(op->error ? op->error : "");
	p->rejected = op->state && strcmp(op->state, "rejected") == 0;
	app->nproblems++;
	return p->kind && p->args && p->error ? 0 : 1;
}

int lq_problems_load(struct lq_app *app)
{
	lq_problems_free(app);
	if (lq_store_outbox_each(app->s->store, "conflict", collect, app) != LQ_STORE_OK ||
	    lq_store_outbox_each(app->s->store, "rejected", collect, app) != LQ_STORE_OK)
		return -1;
	if (app->problem_cursor >= app->nproblems)
		app->problem_cursor = app->nproblems ? app->nproblems - 1 : 0;
	return 0;
}

static bool is_booking(const struct lq_problem *p)
{
	return strcmp(p->kind, "book_appointment") == 0;
}

/* A booking's rep and start, from its args (JSON text). */
static bool booking_args(const struct lq_problem *p, char rep[LQ_UUID_SIZE], lq_time *start)
{
	json_t *args = json_loads(p->args, 0, NULL);
	const char *r = json_string_value(json_object_get(args, "rep"));
	const char *at = json_string_value(json_object_get(args, "start"));
	bool ok = r && strlen(r) < LQ_UUID_SIZE;

	rep[0] = '\0';
	*start = LQ_TIME_NONE;
	if (ok)
		memcpy(rep, r, strlen(r) + 1);
	if (!at || !lq_time_parse(at, start))
		*start = LQ_TIME_NONE;
	json_decref(args);
	return ok;
}

/* "booking Tue 2027-01-05 10:00 with ana" (the agent's zone). */
static void describe_booking(struct lq_app *app, const struct lq_problem *p, char *out,
			     size_t size)
{
	char rep_id[LQ_UUID_SIZE], when[64];
	struct lq_user rep;
	lq_time start;

	lq_user_init(&rep);
	booking_args(p, rep_id, &start);
	lq_app_format_local(app->s->user_tz, start, true, when, sizeof when);
	if (rep_id[0] && lq_store_get_user(app->s->store, rep_id, &rep) == LQ_STORE_OK)
		snprintf(out, size, _("booking %s with %s"), when, rep.login ? rep.login : rep_id);
	else
		snprintf(out, size, _("booking %s"), when);
	lq_user_clear(&rep);
}

/* The rep's attempt in words: "→ junk (spam)", "call: no answer", "note". */
static void describe_attempt(struct lq_app *app, const struct lq_problem *p, char *out,
			     size_t size)
{
	json_t *args;
	struct lq_change ch;
	char why[128];

	if (is_booking(p)) {
		describe_booking(app, p, out, size);
		return;
	}
	args = json_loads(p->args, 0, NULL);
	memset(&ch, 0, sizeof ch);
	if (args && lq_change_from_args(p->kind, args, &ch, why, sizeof why)) {
		switch (ch.kind) {
		case LQ_CHANGE_STATUS:
			if (ch.reason && *ch.reason)
				snprintf(out, size, _("→ %s (%s)"), _(lq_status_label(ch.to)), ch.reason);
			else
				snprintf(out, size, _("→ %s"), _(lq_status_label(ch.to)));
			break;
		case LQ_CHANGE_TOUCH:
			snprintf(out, size, "%s: %s", _(lq_touch_label(ch.touch)),
				 _(lq_outcome_label(ch.outcome)));
			break;
		case LQ_CHANGE_NOTE:
			snprintf(out, size, _("note: %s"), ch.text ? ch.text : "");
			break;
		case LQ_CHANGE_CALLBACK:
			snprintf(out, size, "%s", _("callback"));
			break;
		}
	} else {
		snprintf(out, size, "%s", p->kind);
	}
	json_decref(args);
}

/* The server's state of the lead, as the cache now holds it. */
static void describe_server(struct lq_app *app, const struct lq_problem *p, char *out, size_t size)
{
	const struct lq_lead *l = lq_app_find_lead(app, p->lead_id);
	struct lq_user owner;
	const char *who = "?";

	if (!l) {
		snprintf(out, size, "%s", _("the lead is no longer in your view"));
		return;
	}
	lq_user_init(&owner);
	if (l->owner_id && strcmp(l->owner_id, app->s->user.id) == 0)
		who = _("you");
	else if (l->owner_id && lq_store_get_user(app->s->store, l->owner_id, &owner) == LQ_STORE_OK)
		who = owner.name ? owner.name : owner.login;
	snprintf(out, size, _("server: %s%s%s · owner %s"), _(lq_status_label(l->status)),
		 l->reason[0] ? " · " : "", l->reason, who);
	lq_user_clear(&owner);
}

static int list_rows(void)
{
	return (LINES - 3) / PROBLEM_LINES;
}

static void conflicts_draw(struct lq_app *app)
{
	attr_t hattr = lq_attr(LQ_C_HEADER);
	int rows = list_rows(), y = 2;
	size_t first = 0;
	char title[256];

	snprintf(title, sizeof title,
		 _("Not applied by the server (%zu) · Enter redo · a another slot · d drop · Esc back"),
		 app->nproblems);
	lq_draw_fill(0, 0, COLS, hattr);
	lq_draw_str(0, 1, COLS - 2, title, hattr);
	if (app->nproblems == 0) {
		lq_draw_str(2, 1, COLS - 2, _("Nothing: the server applied every change."), A_NORMAL);
		return;
	}
	if (rows > 0 && app->problem_cursor >= (size_t)rows)
		first = app->problem_cursor - (size_t)rows + 1;
	for (size_t i = first; i < app->nproblems && y + 1 < LINES - 1; i++) {
		const struct lq_problem *p = &app->problems[i];
		const struct lq_lead *l = lq_app_find_lead(app, p->lead_id);
		char attempt[256], server[256], line[600];
		attr_t a = i == app->problem_cursor ? lq_attr(LQ_C_SELECT) : A_NORMAL;

		describe_attempt(app, p, attempt, sizeof attempt);
		describe_server(app, p, server, sizeof server);
		snprintf(line, sizeof line, _("%s — yours: %s"),
			 l && l->name ? l->name : p->lead_id, attempt);
		lq_draw_fill(y, 0, COLS, a);
		lq_draw_str(y, 1, COLS - 2, line, a | A_BOLD);
		/* The server's text starts with its code ("conflict: …"). */
		if (p->error[0])
			snprintf(line, sizeof line, "   %s — %s", server, p->error);
		else
			snprintf(line, sizeof line, "   %s — %s", server,
				 p->rejected ? _("rejected") : _("conflict"));
		lq_draw_str(y + 1, 1, COLS - 2, line, A_NORMAL);
		y += PROBLEM_LINES;
	}
}

/* Redo: the same change again, now on the server's version of the lead. */
static void redo(struct lq_app *app, const struct lq_problem *p)
{
	json_t *args = json_loads(p->args, 0, NULL);
	struct lq_change ch;
	struct lq_act_result res;
	char why[128], *err = NULL;

	memset(&ch, 0, sizeof ch);
	memset(&res, 0, sizeof res);
	if (!args || !lq_change_from_args(p->kind, args, &ch, why, sizeof why)) {
		lq_app_message(app, true, _("this change cannot be redone: drop it (d)"));
		json_decref(args);
		return;
	}
	ch.at = lq_os_now();
	enum lq_store_rc rc = lq_store_act(app->s->store, &app->s->act, p->lead_id, &ch, ch.at,
					   &res, &err);
	json_decref(args);
	if (rc == LQ_STORE_INVALID) {
		lq_app_message(app, true, _("cannot redo: %s"), _(lq_lead_error_message(res.lead_error)));
	} else if (rc != LQ_STORE_OK) {
		lq_app_message(app, true, _("nothing was saved: %s"),
			       err ? err : lq_store_errmsg(app->s->store));
	} else if (lq_store_outbox_mark(app->s->store, p->op_id, "cancelled", NULL) == LQ_STORE_OK) {
		lq_app_update_lead(app, p->lead_id);
		lq_app_message(app, false, _("redone: queued again on the server's version"));
	}
	free(err);
}

/* A taken slot: the booking screen on that lead and rep, near that time;
 * the new booking replaces this op once queued. */
static int another_slot(struct lq_app *app, const struct lq_problem *p)
{
	char rep_id[LQ_UUID_SIZE], lead_id[LQ_UUID_SIZE], op_id[LQ_UUID_SIZE];
	lq_time start;

	if (!is_booking(p)) {
		lq_app_message(app, false, "%s", _("not a booking: Enter redoes it, d drops it"));
		return LQ_H_REDRAW;
	}
	booking_args(p, rep_id, &start);
	memcpy(lead_id, p->lead_id, LQ_UUID_SIZE);
	memcpy(op_id, p->op_id, LQ_UUID_SIZE);
	lq_booking_open(app, lead_id, rep_id[0] ? rep_id : NULL, start, op_id);
	return LQ_H_REDRAW;
}

static int conflicts_key(struct lq_app *app, enum lq_action action, int key)
{
	if (key == 'a' && app->nproblems)
		return another_slot(app, &app->problems[app->problem_cursor]);
	if (key == 'd' && app->nproblems) {
		const struct lq_problem *p = &app->problems[app->problem_cursor];

		if (lq_store_outbox_mark(app->s->store, p->op_id, "cancelled", NULL) == LQ_STORE_OK)
			lq_app_message(app, false, "%s", _("dropped: the server's state stays"));
		lq_problems_load(app);
		return LQ_H_REDRAW;
	}
	switch (action) {
	case LQ_ACTION_MOVE_UP:
		if (app->problem_cursor > 0)
			app->problem_cursor--;
		return LQ_H_REDRAW;
	case LQ_ACTION_MOVE_DOWN:
		if (app->problem_cursor + 1 < app->nproblems)
			app->problem_cursor++;
		return LQ_H_REDRAW;
	case LQ_ACTION_OPEN:
		if (app->nproblems && is_booking(&app->problems[app->problem_cursor]))
			return another_slot(app, &app->problems[app->problem_cursor]);
		if (app->nproblems) {
			redo(app, &app->problems[app->problem_cursor]);
			lq_problems_load(app);
		}
		return LQ_H_REDRAW;
	case LQ_ACTION_BACK:
	case LQ_ACTION_CONFLICTS:
		lq_app_set_screen(app, &lq_screen_queue);
		return LQ_H_REDRAW;
	case LQ_ACTION_QUIT:
	case LQ_ACTION_REDRAW:
	case LQ_ACTION_HELP:
		return LQ_H_IGNORED;
	default:
		return LQ_H_HANDLED;
	}
}

static void conflicts_resize(struct lq_app *app)
{
	(void)app;
}

const struct lq_screen_ops lq_screen_conflicts = {
	.name = "conflicts",
	.draw = conflicts_draw,
	.key = conflicts_key,
	.resize = conflicts_resize,
};

int lq_do_conflicts(struct lq_app *app, enum lq_action a)
{
	(void)a;
	app->problem_cursor = 0;
	if (lq_problems_load(app) != 0) {
		lq_app_message(app, true, "%s", _("cannot read the outbox"));
		return LQ_H_REDRAW;
	}
	lq_app_set_screen(app, &lq_screen_conflicts);
	return LQ_H_REDRAW;
}
