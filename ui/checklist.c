/* leadq client — the qualification checklist (issue 5): a few questions a
 * telequalification agent asks on the phone, each answered with one key
 * (yes / no / unknown, or a short typed text), saved into the lead's history
 * as ONE note ("Qualification: Budget confirmed? yes; Decision maker? no")
 * through lq_store_act(), so it syncs, shows in the timeline and is undone
 * with z like any change.  The lead view shows the latest saved answers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "leadq/i18n.h"
#include "leadq/os.h"
#include "leadq/text.h"
#include "ui/draw.h"
#include "ui/screen.h"

/* The defaults, translated when shown; `checklist = A?|B?` replaces them. */
static const char *const default_questions[] = {
	N_("Budget confirmed?"),
	N_("Decision maker?"),
	N_("Timeline under 6 months?"),
	N_("Current tool?"),
};

/* The answers of the picker, in its order; the last one asks for text. */
enum { ANSWER_YES, ANSWER_NO, ANSWER_UNKNOWN, ANSWER_TEXT, ANSWER_COUNT };

struct lq_checklist_run {
	char lead_id[LQ_UUID_SIZE];
	char q[LQ_CHECKLIST_MAX][LQ_CHECKLIST_TEXT];
	char answer[LQ_CHECKLIST_MAX][LQ_CHECKLIST_TEXT];
	int n, at;
};

int lq_checklist_questions(const struct lq_app *app, char q[][LQ_CHECKLIST_TEXT], int max)
{
	const char *list = app->s->config.checklist;
	int n = 0;

	if (!list || !*list) {
		for (size_t i = 0; i < sizeof default_questions / sizeof default_questions[0] &&
		     n < max; i++)
			lq_strlcpy_utf8(q[n++], _(default_questions[i]), LQ_CHECKLIST_TEXT);
		return n;
	}
	/* The config keeps them trimmed and joined by '|' (ui/conf.c). */
	while (*list && n < max) {
		const char *bar = strchr(list, '|');
		size_t len = bar ? (size_t)(bar - list) : strlen(list);
		char one[LQ_CHECKLIST_TEXT * 2];

		if (len >= sizeof one)
			len = sizeof one - 1;
		memcpy(one, list, len);
		one[len] = '\0';
		lq_strlcpy_utf8(q[n++], one, LQ_CHECKLIST_TEXT);
		if (!bar)
			break;
		list = bar + 1;
	}
	return n;
}

void lq_checklist_free(struct lq_app *app)
{
	free(app->checklist);
	app->checklist = NULL;
}

/* The prefix of the note, in the user's language. */
static const char *note_prefix(void)
{
	return _("Qualification: ");
}

static void ask(struct lq_app *app);

static void cancelled(struct lq_app *app)
{
	lq_app_message(app, false, "%s", _("cancelled: nothing was changed"));
}

/* Writes the note of the answers and records it. */
static void save(struct lq_app *app)
{
	struct lq_checklist_run *run = app->checklist;
	char text[LQ_CHECKLIST_MAX * LQ_CHECKLIST_TEXT * 2 + 64];
	size_t len;
	struct lq_change ch;

	snprintf(text, sizeof text, "%s", note_prefix());
	len = strlen(text);
	for (int i = 0; i < run->n && len < sizeof text; i++) {
		snprintf(text + len, sizeof text - len, "%s%s %s", i ? "; " : "", run->q[i],
			 run->answer[i]);
		len = strlen(text);
	}
	memset(&ch, 0, sizeof ch);
	ch.kind = LQ_CHANGE_NOTE;
	ch.text = text;
	ch.at = lq_os_now();
	lq_app_apply_change(app, run->lead_id, &ch, _("qualification checklist saved"));
}

static void next(struct lq_app *app)
{
	struct lq_checklist_run *run = app->checklist;

	run->at++;
	if (run->at < run->n)
		ask(app);
	else
		save(app);
}

/* A typed answer: one line, without the note's separators. */
static void text_done(struct lq_app *app, int choice, const char *text)
{
	struct lq_checklist_run *run = app->checklist;
	char clean[LQ_CHECKLIST_TEXT];
	char *p, *start;

	if (!run)
		return;
	if (choice < 0 || !text) {
		ask(app);   /* Esc: back to this question's answers */
		return;
	}
	lq_strlcpy_utf8(clean, text, sizeof clean);
	for (p = clean; *p; p++)
		if (*p == ';')
			*p = ',';
	for (start = clean; *start == ' '; start++)
		;
	for (p = start + strlen(start); p > start && p[-1] == ' '; p--)
		p[-1] = '\0';
	if (!*start) {
		ask(app);
		lq_app_message(app, false, "%s", _("the answer is empty: pick one or type it"));
		return;
	}
	memcpy(run->answer[run->at], start, strlen(start) + 1);
	next(app);
}

static const char *answer_label(int a)
{
	switch (a) {
	case ANSWER_YES:
		return _("yes");
	case ANSWER_NO:
		return _("no");
	case ANSWER_UNKNOWN:
		return _("unknown");
	default:
		return _("other: type the answer…");
	}
}

static void answer_done(struct lq_app *app, int choice, const char *text)
{
	struct lq_checklist_run *run = app->checklist;
	char title[256];

	(void)text;
	if (!run)
		return;
	if (choice < 0 || choice >= ANSWER_COUNT) {
		cancelled(app);
		return;
	}
	if (choice == ANSWER_TEXT) {
		snprintf(title, sizeof title, _("%s (Enter saves, Esc goes back)"), run->q[run->at]);
		lq_popup_prompt(app, title, "", false, text_done, NULL, 0, run->lead_id);
		return;
	}
	lq_strlcpy_utf8(run->answer[run->at], answer_label(choice), LQ_CHECKLIST_TEXT);
	next(app);
}

static void ask(struct lq_app *app)
{
	struct lq_checklist_run *run = app->checklist;
	const char *labels[ANSWER_COUNT];
	char title[256];

	for (int i = 0; i < ANSWER_COUNT; i++)
		labels[i] = answer_label(i);
	snprintf(title, sizeof title, _("qualification %d/%d: %s"), run->at + 1, run->n,
		 run->q[run->at]);
	lq_popup_picker(app, title, labels, ANSWER_COUNT, answer_done, run->at, run->lead_id);
}

int lq_do_checklist(struct lq_app *app, enum lq_action a)
{
	const struct lq_lead *l = lq_app_selected(app);
	struct lq_checklist_run *run = app->checklist;

	(void)a;
	if (!run) {
		run = calloc(1, sizeof *run);
		if (!run) {
			lq_app_message(app, true, "%s", _("out of memory"));
			return LQ_H_HANDLED;
		}
		app->checklist = run;
	}
	memset(run, 0, sizeof *run);
	memcpy(run->lead_id, l->id, LQ_UUID_SIZE);
	run->n = lq_checklist_questions(app, run->q, LQ_CHECKLIST_MAX);
	if (run->n <= 0) {
		lq_app_message(app, true, "%s", _("no checklist questions are configured"));
		return LQ_H_HANDLED;
	}
	ask(app);
	return LQ_H_REDRAW;
}

/* --- the lead view ------------------------------------------------------- */

/* The body of the latest checklist note of the loaded timeline, or NULL;
 * *at gets its time. */
static const char *latest_note(const struct lq_app *app, lq_time *at)
{
	const char *prefix = note_prefix();
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < app->ntl; i++) {
		const struct lq_tl_entry *e = &app->tl[i];

		if (e->kind != LQ_ACT_NOTE || e->undone || !e->detail)
			continue;
		if (strncmp(e->detail, prefix, plen) == 0) {
			*at = e->at;
			return e->detail + plen;
		}
	}
	return NULL;
}

/* The answer to question q in a note body ("Q1 a1; Q2 a2"), or "—". */
static void find_answer(const char *body, const char *q, char *out, size_t size)
{
	size_t qlen = strlen(q);
	const char *p = body;

	while (p && *p) {
		if (strncmp(p, q, qlen) == 0 && p[qlen] == ' ') {
			const char *start = p + qlen + 1;
			const char *end = strstr(start, "; ");
			size_t len = end ? (size_t)(end - start) : strlen(start);
			char tmp[LQ_CHECKLIST_TEXT * 2];

			if (len >= sizeof tmp)
				len = sizeof tmp - 1;
			memcpy(tmp, start, len);
			tmp[len] = '\0';
			lq_strlcpy_utf8(out, tmp, size);
			return;
		}
		p = strstr(p, "; ");
		if (p)
			p += 2;
	}
	snprintf(out, size, "%s", "—");
}

int lq_checklist_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines, int max)
{
	char q[LQ_CHECKLIST_MAX][LQ_CHECKLIST_TEXT];
	char keys[64], when[32];
	const char *body;
	lq_time at = LQ_TIME_NONE;
	int nq, n = 0, qw = 0;

	lq_app_load_timeline(app, l->id);
	body = latest_note(app, &at);
	/* Agents always see it; others once someone has answered it. */
	if (app->s->user.role != LQ_ROLE_TELEQUAL && !body)
		return 0;
	nq = lq_checklist_questions(app, q, LQ_CHECKLIST_MAX);
	if (nq <= 0 || max < 2)
		return 0;
	lq_keymap_keys(&app->keymap, LQ_ACTION_CHECKLIST, keys, sizeof keys);
	if (strchr(keys, ','))
		*strchr(keys, ',') = '\0';
	lines[n].text[0] = '\0';
	lines[n].color = LQ_C_NORMAL;
	lines[n++].bold = false;
	if (keys[0])
		snprintf(lines[n].text, sizeof lines[n].text,
			 _("Qualification checklist (%s answers it)"), keys);
	else
		snprintf(lines[n].text, sizeof lines[n].text, "%s", _("Qualification checklist"));
	lines[n].color = LQ_C_TITLE;
	lines[n++].bold = true;
	for (int i = 0; i < nq; i++) {
		int w = lq_text_width(q[i]);

		if (w > qw)
			qw = w;
	}
	if (qw > 40)
		qw = 40;
	for (int i = 0; i < nq && n < max; i++) {
		char answer[LQ_CHECKLIST_TEXT];
		int pad = qw - lq_text_width(q[i]);

		if (body)
			find_answer(body, q[i], answer, sizeof answer);
		else
			snprintf(answer, sizeof answer, "%s", "—");
		char text[(LQ_CHECKLIST_MAX + 1) * LQ_CHECKLIST_TEXT + 64];

		if (pad < 0 || pad > 40)
			pad = 0;
		snprintf(text, sizeof text, "  %s%*s  %s", q[i], pad, "", answer);
		lq_strlcpy_utf8(lines[n].text, text, sizeof lines[n].text);
		lines[n].color = LQ_C_NORMAL;
		lines[n++].bold = false;
	}
	if (n < max) {
		if (body) {
			lq_app_format_local(app->s->user_tz, at, true, when, sizeof when);
			snprintf(lines[n].text, sizeof lines[n].text, _("  answered %s"), when);
		} else {
			snprintf(lines[n].text, sizeof lines[n].text, "%s", _("  not answered yet"));
		}
		lines[n].color = LQ_C_DIM;
		lines[n++].bold = false;
	}
	return n;
}
