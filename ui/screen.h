/* leadq client — what the screens share: the app's state, the screen table
 * (tig's view_ops), handler result flags (htop's Panel.h), the pop-ups and the
 * status bar.  Private to ui/: main() and the benchmarks use ui/app.h. */
#ifndef LEADQ_UI_SCREEN_H
#define LEADQ_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <curses.h>

#include "leadq/sync.h"
#include "leadq/lead.h"
#include "leadq/queue.h"
#include "leadq/sla.h"
#include "leadq/store.h"
#include "leadq/tz.h"
#include "ui/app.h"
#include "ui/keymap.h"
#include "ui/session.h"

/* What a handler did; the main loop decides once what to redraw. */
#define LQ_H_IGNORED 0x0
#define LQ_H_HANDLED 0x1
#define LQ_H_REDRAW  0x2   /* draw the whole screen again */
#define LQ_H_QUIT    0x4

#define LQ_MIN_COLS 80
#define LQ_MIN_LINES 24

struct lq_app;

/* A screen is a table of callbacks.  key() sees a key first (with its bound
 * action, maybe NONE) and returns LQ_H_IGNORED to let the global handler of
 * the action run. */
struct lq_screen_ops {
	const char *name;
	void (*draw)(struct lq_app *app);
	int (*key)(struct lq_app *app, enum lq_action action, int key);
	void (*resize)(struct lq_app *app);
};
extern const struct lq_screen_ops lq_screen_queue;
extern const struct lq_screen_ops lq_screen_lead;
extern const struct lq_screen_ops lq_screen_help;
extern const struct lq_screen_ops lq_screen_conflicts;
extern const struct lq_screen_ops lq_screen_booking;
extern const struct lq_screen_ops lq_screen_day;
extern const struct lq_screen_ops lq_screen_reports;

/* An op the server did not apply, copied out of the outbox. */
struct lq_problem {
	char op_id[LQ_UUID_SIZE];
	char lead_id[LQ_UUID_SIZE];
	char *kind, *args, *error;
	bool rejected;              /* else a conflict */
};

enum lq_focus { LQ_FOCUS_QUEUE, LQ_FOCUS_DETAIL, LQ_FOCUS_TIMELINE };

/* One timeline entry, copied out of lq_store_timeline(). */
struct lq_tl_entry {
	enum lq_activity_kind kind;
	lq_time at;
	char *subject, *detail;
	int outcome;
	bool undone;
};

enum lq_popup_kind { LQ_POPUP_NONE, LQ_POPUP_PICKER, LQ_POPUP_PROMPT };
#define LQ_POPUP_ITEMS 40
#define LQ_PROMPT_MAX 400

/* choice: the picked item, or -1 when cancelled (Esc); text: the prompt's
 * UTF-8 text (pickers: NULL). */
typedef void (*lq_popup_done)(struct lq_app *app, int choice, const char *text);
typedef void (*lq_popup_changed)(struct lq_app *app, const char *text);

struct lq_popup {
	enum lq_popup_kind kind;
	char title[160];
	char labels[LQ_POPUP_ITEMS][96];
	int nitems, sel;
	wchar_t text[LQ_PROMPT_MAX + 1];
	int len;
	bool bottom_line;           /* a one-line prompt on the status bar (search) */
	lq_popup_done done;
	lq_popup_changed changed;
	int arg;                    /* what the caller needs back (status, touch…) */
	char lead_id[LQ_UUID_SIZE]; /* the lead the pop-up acts on */
};

/* The team view (team leads): the active users of the team, and what each
 * one carries (lq_queue_load). */
#define LQ_TEAM_REPS_MAX 64
struct lq_team_rep {
	char id[LQ_UUID_SIZE];
	char login[64];
	char name[96];
	enum lq_role role;
	int capacity;
};
enum lq_team_filter {
	LQ_TEAM_ALL = 0,        /* the team's open leads */
	LQ_TEAM_REP,            /* one rep's (app->team_rep) */
	LQ_TEAM_BREACHED,
	LQ_TEAM_AT_RISK,
	LQ_TEAM_UNASSIGNED,
	LQ_TEAM_FILTER_COUNT
};

#define LQ_ZONE_CACHE 32
#define LQ_FILTER_OPEN 0
#define LQ_FILTER_ALL 1
#define LQ_FILTER_BREACHED 2
#define LQ_FILTER_COUNT (3 + LQ_STATUS_COUNT)

struct lq_app {
	struct lq_session *s;
	SCREEN *term;
	FILE *out, *in;
	struct lq_keymap keymap;
	const struct lq_screen_ops *screen, *back_to;

	/* The queue model. */
	struct lq_lead_set set;
	struct lq_queue_item *items;     /* every lead, sorted */
	size_t nitems;
	struct lq_queue_item *view;      /* the filtered items shown */
	size_t nview;
	unsigned char *marks;            /* by index in set.leads */
	size_t nmarked;
	enum lq_sort sort;
	int filter_idx;
	char search[LQ_PROMPT_MAX * 4 + 1];
	char search_folded[LQ_PROMPT_MAX * 4 + 1];
	struct lq_filter filter;
	size_t cursor, top;
	const struct lq_lead *pinned;    /* the lead of the lead screen */
	lq_time now;
	int n_open, n_breached, n_at_risk;

	/* The conflicts screen. */
	struct lq_problem *problems;
	size_t nproblems, problem_cursor;

	/* Screens' scroll state. */
	enum lq_focus focus;
	int detail_scroll, lead_scroll, help_scroll;

	/* The selected lead's timeline, loaded on demand. */
	char tl_lead[LQ_UUID_SIZE];
	struct lq_tl_entry *tl;
	size_t ntl;

	/* Zones of leads, loaded on first use. */
	struct { char *name; struct lq_tz *tz; } zones[LQ_ZONE_CACHE];
	int nzones;

	/* The status bar. */
	char msg[256];
	bool msg_error;
	char undo_label[256];
	lq_time undo_until;
	int pending, held;

	struct lq_popup popup;
	lq_time last_tick;

	/* The team view (team leads): "team" or "my queue", its filter, the
	 * rep load panel, the team's users (reloaded with the leads) and their
	 * loads (the last slot: the unassigned leads). */
	bool team_view;
	bool load_panel;
	enum lq_team_filter team_filter;
	char team_rep[LQ_UUID_SIZE];
	struct lq_team_rep reps[LQ_TEAM_REPS_MAX];
	size_t nreps;
	struct lq_rep_load loads[LQ_TEAM_REPS_MAX + 1];
	/* R: the picker's rows (index into reps) and the rep picked, until the
	 * reason is given. */
	int pick_rep[LQ_POPUP_ITEMS];
	char reassign_to[LQ_UUID_SIZE];

	/* Background sync (NULL: the demo, or no server/token). */
	struct lq_sync *sync;
	struct lq_sync_status sync_st;
	unsigned long sync_gen;
	int sync_problems_seen;

	/* Alerts (new leads, SLA escalations) not looked at yet: the leads'
	 * ids, until the user opens the lead; counted in the header.  In
	 * memory only: a restart starts from none. */
	char (*alerts)[LQ_UUID_SIZE];
	size_t nalerts, alerts_cap;
	bool ring;                   /* an alert came since the last turn */
	bool dispatcher;             /* the team's single point of contact */

	/* The qualification checklist being answered (checklist.c) and the
	 * day view's state (screen_day.c); NULL until first used. */
	struct lq_checklist_run *checklist;
	struct lq_day_view *day;

	/* The booking screen's state (screen_booking.c); NULL when closed. */
	struct lq_booking *booking;
	bool dirty;                  /* an answer arrived: draw again (sync_turn) */
};

/* app.c: the model. */
void lq_app_refresh_view(struct lq_app *app, bool resort);
const struct lq_lead *lq_app_selected(const struct lq_app *app);
/* Re-reads one lead after an action and re-orders the queue, keeping the
 * cursor's position. */
void lq_app_update_lead(struct lq_app *app, const char *lead_id);
const struct lq_lead *lq_app_find_lead(const struct lq_app *app, const char *lead_id);
void lq_app_message(struct lq_app *app, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int lq_app_list_rows(const struct lq_app *app);
void lq_app_sla(struct lq_app *app, const struct lq_lead *l, struct lq_sla_view *out);
/* "2h 05m", "-1d 3h", "due 10m"; returns the colour of the state. */
int lq_app_sla_text(struct lq_app *app, const struct lq_queue_item *it, char *buf, size_t size,
		    const char **mark);
const struct lq_tz *lq_app_zone(struct lq_app *app, const char *name);
/* Loads the timeline of a lead into app->tl (cached by lead id). */
void lq_app_load_timeline(struct lq_app *app, const char *lead_id);
void lq_app_forget_timeline(struct lq_app *app);
const char *lq_app_filter_label(int idx);
/* Team leads: whether the session's user is one; the login of a lead's
 * owner ("—" for none, the id's start for a user not in the team); the
 * team view's filter in words ("rep ana", "at risk"). */
bool lq_app_is_team_lead(const struct lq_app *app);
/* A team lead, or the team's dispatcher: may reassign leads (R). */
bool lq_app_can_reassign(const struct lq_app *app);
const char *lq_app_owner_login(const struct lq_app *app, const char *owner_id, char *buf,
			       size_t size);
void lq_app_team_filter_label(const struct lq_app *app, char *buf, size_t size);
/* Reads the lead set again from the cache (after sync, or an action that
 * changes a lead's strings: a reassignment); marks are cleared. */
void lq_app_reload_leads(struct lq_app *app);
/* Rows of the rep load panel when it sits above the list (80x24). */
int lq_app_load_rows(const struct lq_app *app);
void lq_app_set_screen(struct lq_app *app, const struct lq_screen_ops *screen);
/* Dispatches one normalized key; returns LQ_H_* flags. */
int lq_app_dispatch(struct lq_app *app, int key);
/* One timer tick: the countdowns and the status bar follow the clock. */
void lq_app_tick(struct lq_app *app);
/* Draws everything into the curses screen (without flushing it). */
void lq_app_draw(struct lq_app *app);

/* Action handlers, named in LQ_ACTION_LIST (actions.c, app.c). */
int lq_do_move(struct lq_app *app, enum lq_action a);
int lq_do_open(struct lq_app *app, enum lq_action a);
int lq_do_back(struct lq_app *app, enum lq_action a);
int lq_do_focus(struct lq_app *app, enum lq_action a);
int lq_do_status(struct lq_app *app, enum lq_action a);
int lq_do_undo(struct lq_app *app, enum lq_action a);
int lq_do_touch(struct lq_app *app, enum lq_action a);
int lq_do_note(struct lq_app *app, enum lq_action a);
int lq_do_search(struct lq_app *app, enum lq_action a);
int lq_do_filter(struct lq_app *app, enum lq_action a);
int lq_do_sort(struct lq_app *app, enum lq_action a);
int lq_do_mark(struct lq_app *app, enum lq_action a);
int lq_do_help(struct lq_app *app, enum lq_action a);
int lq_do_redraw(struct lq_app *app, enum lq_action a);
int lq_do_quit(struct lq_app *app, enum lq_action a);
int lq_do_not_yet(struct lq_app *app, enum lq_action a);
int lq_do_conflicts(struct lq_app *app, enum lq_action a);
int lq_do_team(struct lq_app *app, enum lq_action a);
int lq_do_load(struct lq_app *app, enum lq_action a);
int lq_do_reassign(struct lq_app *app, enum lq_action a);
int lq_do_call_outcome(struct lq_app *app, enum lq_action a);
int lq_do_checklist(struct lq_app *app, enum lq_action a);
int lq_do_day(struct lq_app *app, enum lq_action a);
int lq_do_book(struct lq_app *app, enum lq_action a);
/* screen_reports.c: the funnel report (F).  lq_reports_answer() takes an
 * answer to the query on screen as the server's GET gives it (status 200
 * and the JSON text; 0 unreachable, 403…, error a one-line reason), so a
 * test can feed one; lq_reports_free() forgets the kept answers (on close). */
int lq_do_reports(struct lq_app *app, enum lq_action a);
void lq_reports_answer(struct lq_app *app, long status, const char *text, size_t len,
		       const char *error);
void lq_reports_free(struct lq_app *app);
/* o: an accepted lead becomes an opportunity (its amount asked); an
 * opportunity is won (the amount to confirm) or lost (actions.c). */
int lq_do_opportunity(struct lq_app *app, enum lq_action a);
/* Actions that call the lead (LQ_A_CALLS): on a lead that asked not to be
 * contacted, says so on the status bar and returns true (nothing is done). */
bool lq_app_refuse_call(struct lq_app *app, const struct lq_lead *l);
/* The lead's status for people, with the amount of an opportunity, a won
 * or a lost lead ("won · 52 000"). */
const char *lq_app_status_text(const struct lq_lead *l, char *buf, size_t size);
/* screen_booking.c: opens the booking screen on a lead (rep_id NULL: the
 * proposed rep; want_start: the slot to highlight, LQ_TIME_NONE; replaces_op:
 * a conflicting booking op dropped once the new one is queued, or NULL);
 * close cancels its requests and frees it. */
void lq_booking_open(struct lq_app *app, const char *lead_id, const char *rep_id,
		     lq_time want_start, const char *replaces_op);
void lq_booking_close(struct lq_app *app);
/* Records one change of a lead through lq_store_act(), as the keys do
 * (actions.c): the status bar says `what` with the undo window. */
void lq_app_apply_change(struct lq_app *app, const char *lead_id, const struct lq_change *ch,
			 const char *what);
/* (Re)reads the conflicts and rejections of the outbox; -1 on failure. */
int lq_problems_load(struct lq_app *app);
void lq_problems_free(struct lq_app *app);

/* popup.c */
void lq_popup_picker(struct lq_app *app, const char *title, const char *const *labels, int n,
		     lq_popup_done done, int arg, const char *lead_id);
void lq_popup_prompt(struct lq_app *app, const char *title, const char *initial, bool bottom_line,
		     lq_popup_done done, lq_popup_changed changed, int arg, const char *lead_id);
/* Takes a key while a pop-up is open; returns LQ_H_* flags. */
int lq_popup_key(struct lq_app *app, int key);
void lq_popup_draw(struct lq_app *app);
/* Appends typed text (UTF-8) to an open prompt, as :type does. */
int lq_popup_type(struct lq_app *app, const char *utf8);

/* statusbar.c */
void lq_statusbar_draw(struct lq_app *app);

/* script.c: LEADQ_SCRIPT (share/doc/testing.md).  Returns the exit code. */
int lq_script_run(struct lq_app *app, const char *path, char **err);
/* Writes the screen's text, one line per row, trailing spaces trimmed. */
int lq_screen_save(const char *path);

/* Lines of text that the lead screen and the detail pane lay out. */
struct lq_line {
	char text[256];
	int color;          /* enum lq_color */
	bool bold;
};
/* screen_lead.c: contact data and "why now"; the timeline, newest first.
 * Return the lines written (at most max). */
int lq_lead_detail_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines,
			 int max);
int lq_lead_timeline_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines,
			   int max);
/* Draws lines[first…] into a box of h rows and w columns at y,x. */
void lq_draw_lines(const struct lq_line *lines, int n, int first, int y, int x, int h, int w);

/* Where the queue's detail pane goes at the current size. */
enum lq_pane { LQ_PANE_NONE, LQ_PANE_BOTTOM, LQ_PANE_SIDE };
enum lq_pane lq_app_pane(void);
#define LQ_PANE_BOTTOM_ROWS 14
#define LQ_PANE_SIDE_COLS 46

/* How far a start is from now, for appointments and callbacks: "in 12 min",
 * "in 2 h 05 min", "started 3 min ago" (a callback: "due 3 min ago");
 * narrow: at most `narrow` columns when it can ("3 min ago", "12m ago"),
 * 0 for the long form.  Returns buf. */
const char *lq_app_countdown(lq_time now, lq_time start, bool callback, int narrow, char *buf,
			     size_t size);
/* Whether the lead's due time (next_appt_at in the loaded set) is its
 * callback rather than an appointment. */
bool lq_app_due_is_callback(const struct lq_lead *l);

/* checklist.c: the telequalification checklist.  The questions in force
 * (the config's `checklist`, else the translated defaults) into q; returns
 * how many.  lines: the checklist with the answers of the lead's latest
 * saved checklist note. */
#define LQ_CHECKLIST_MAX 9
#define LQ_CHECKLIST_TEXT 128
int lq_checklist_questions(const struct lq_app *app, char q[][LQ_CHECKLIST_TEXT], int max);
int lq_checklist_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines,
		       int max);
void lq_checklist_free(struct lq_app *app);

/* screen_day.c: the lead's appointments and callback, for the lead view;
 * and freeing the day view's state. */
int lq_lead_appt_lines(struct lq_app *app, const struct lq_lead *l, struct lq_line *lines,
		       int max);
void lq_day_free(struct lq_app *app);
/* Esc on a lead the day view opened: back to the day view (true). */
bool lq_day_back(struct lq_app *app);

/* "Tue": a weekday's short name (0 = Sunday), translated. */
const char *lq_app_weekday(int wday);
/* Today as a day number (lq_days_from_civil) in the user's zone (UTC
 * without one), and the instant such a day starts there. */
int64_t lq_app_today(const struct lq_app *app);
lq_time lq_app_day_start(const struct lq_app *app, int64_t day);
/* Time in the given zone as "HH:MM" or "YYYY-MM-DD HH:MM" (with_date). */
void lq_app_format_local(const struct lq_tz *tz, lq_time t, bool with_date, char *buf,
			 size_t size);

#endif
