/* leadq client — the keymap: one X-macro list of actions (tig's request.h).
 *
 * Each row gives the enum, the name a config `bind KEY ACTION` line uses, the
 * default key(s), precondition flags checked once by the dispatcher (neomutt's
 * CHECK_* flags), the handler and the help text (gettext_noop'd, calcurse's
 * keys.c).  The help screen, the config names and the dispatch table are all
 * generated from it: nothing is listed twice. */
#ifndef LEADQ_UI_KEYMAP_H
#define LEADQ_UI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "leadq/i18n.h"

/* Precondition flags. */
#define LQ_A_NEEDS_LEAD 0x1   /* a lead must be selected */
#define LQ_A_NOT_YET    0x2   /* not built yet: "not available yet" */
#define LQ_A_NOT_POPUP  0x4   /* unused inside pop-ups (they take the keys) */
#define LQ_A_CALLS      0x8   /* calls the lead: refused when it asked not to be
				 contacted (do_not_contact) */

/*  id            bind name        default keys            flags            handler             help */
#define LQ_ACTION_LIST(X) \
	X(MOVE_UP,     "move-up",       "<Up> <C-p>",           0,               lq_do_move,         N_("move up")) \
	X(MOVE_DOWN,   "move-down",     "<Down> <C-n>",         0,               lq_do_move,         N_("move down")) \
	X(PAGE_UP,     "page-up",       "<PgUp>",               0,               lq_do_move,         N_("page up")) \
	X(PAGE_DOWN,   "page-down",     "<PgDn>",               0,               lq_do_move,         N_("page down")) \
	X(FIRST,       "first",         "<Home>",               0,               lq_do_move,         N_("go to the first line")) \
	X(LAST,        "last",          "<End>",                0,               lq_do_move,         N_("go to the last line")) \
	X(OPEN,        "open",          "<Enter>",              LQ_A_NEEDS_LEAD, lq_do_open,         N_("open the lead full-screen")) \
	X(BACK,        "back",          "<Esc>",                0,               lq_do_back,         N_("close a pop-up or go back")) \
	X(FOCUS,       "focus",         "<Tab>",                0,               lq_do_focus,        N_("focus: queue / detail / timeline")) \
	X(QUALIFY,     "qualify",       "q",                    LQ_A_NEEDS_LEAD, lq_do_status,       N_("qualified (sales-accepted)")) \
	X(RECYCLE,     "recycle",       "r",                    LQ_A_NEEDS_LEAD, lq_do_status,       N_("recycle, with a reason")) \
	X(JUNK,        "junk",          "j",                    LQ_A_NEEDS_LEAD, lq_do_status,       N_("junk, with a reason")) \
	X(UNREACHABLE, "unreachable",   "u",                    LQ_A_NEEDS_LEAD, lq_do_status,       N_("unreachable, with a reason")) \
	X(UNDO,        "undo",          "z",                    0,               lq_do_undo,         N_("undo the last change")) \
	X(CALL,        "call",          "c",                    LQ_A_NEEDS_LEAD | LQ_A_CALLS, lq_do_touch,        N_("log a call, with its outcome")) \
	X(CALL_CONNECTED, "call-connected", "1",             LQ_A_NEEDS_LEAD | LQ_A_CALLS, lq_do_call_outcome, N_("log a call: connected (one key)")) \
	X(CALL_VOICEMAIL, "call-voicemail", "2",             LQ_A_NEEDS_LEAD | LQ_A_CALLS, lq_do_call_outcome, N_("log a call: voicemail (one key)")) \
	X(CALL_NO_ANSWER, "call-no-answer", "3",             LQ_A_NEEDS_LEAD | LQ_A_CALLS, lq_do_call_outcome, N_("log a call: no answer (one key)")) \
	X(CALL_WRONG_NUMBER, "call-wrong-number", "4",       LQ_A_NEEDS_LEAD | LQ_A_CALLS, lq_do_call_outcome, N_("log a call: wrong number (one key)")) \
	X(EMAIL,       "email",         "e",                    LQ_A_NEEDS_LEAD, lq_do_touch,        N_("log an email")) \
	X(NOTE,        "note",          "n",                    LQ_A_NEEDS_LEAD, lq_do_note,         N_("add a note")) \
	X(CHECKLIST,   "checklist",     "k",                    LQ_A_NEEDS_LEAD, lq_do_checklist,    N_("qualification checklist: answer it, saved as a note")) \
	X(SEARCH,      "search",        "/",                    0,               lq_do_search,       N_("search (name, company, email, city…)")) \
	X(FILTER,      "filter",        "f",                    0,               lq_do_filter,       N_("next filter (open, all, breached, each status)")) \
	X(SORT,        "sort",          "s",                    0,               lq_do_sort,         N_("next sort")) \
	X(MARK,        "mark",          "<Space>",              LQ_A_NEEDS_LEAD, lq_do_mark,         N_("mark the lead (for bulk actions)")) \
	X(HELP,        "help",          "?",                    0,               lq_do_help,         N_("this help")) \
	X(REDRAW,      "redraw",        "<C-l>",                0,               lq_do_redraw,       N_("redraw and sync now")) \
	X(QUIT,        "quit",          "Q <F10>",              0,               lq_do_quit,         N_("quit (nothing is lost: the outbox is on disk)")) \
	X(CONFLICTS,   "conflicts",     "!",                    0,               lq_do_conflicts,    N_("changes the server did not apply: redo or drop")) \
	X(REASSIGN,    "reassign",      "R",                    LQ_A_NEEDS_LEAD, lq_do_reassign,     N_("reassign (team lead)")) \
	X(TEAM,        "team",          "t",                    0,               lq_do_team,         N_("team view (team lead)")) \
	X(LOAD,        "load",          "w",                    0,               lq_do_load,         N_("rep load panel (team lead)")) \
	X(DAY,         "day",           "a",                    0,               lq_do_day,          N_("appointments of the day")) \
	X(BOOK,        "book",          "b",                    LQ_A_NEEDS_LEAD | LQ_A_CALLS, lq_do_book,         N_("book an appointment or callback")) \
	X(OPPORTUNITY, "opportunity",   "o",                    LQ_A_NEEDS_LEAD, lq_do_opportunity,  N_("opportunity: amount, won, lost")) \
	X(REPORTS,     "reports",       "F",                    0,               lq_do_reports,      N_("funnel report: leads passed, accepted, won")) \
	X(COMMAND,     "command",       ":",                    LQ_A_NOT_YET,    lq_do_not_yet,      N_("command line"))

enum lq_action {
	LQ_ACTION_NONE = 0,
#define X(id, name, keys, flags, handler, help) LQ_ACTION_##id,
	LQ_ACTION_LIST(X)
#undef X
	LQ_ACTION_COUNT
};

/* Key codes: characters are their code point; curses function keys
 * (KEY_UP…) carry LQ_KEY_FN so that no code point can collide with them. */
#define LQ_KEY_FN (1 << 24)
#define LQ_KEY_ESC 27
#define LQ_KEY_ENTER '\n'
#define LQ_KEY_TAB '\t'
#define LQ_KEY_CTRL(c) ((c) & 0x1f)

/* Names: "x", "<Enter>", "<Esc>", "<Tab>", "<Space>", "<Up>", "<Down>",
 * "<Left>", "<Right>", "<PgUp>", "<PgDn>", "<Home>", "<End>", "<Backspace>",
 * "<Del>", "<Ins>", "<BackTab>", "<F1>".."<F12>", "<C-a>".."<C-z>", "<lt>"
 * for '<'.  A single UTF-8 character stands for itself. */
bool lq_key_parse(const char *name, int *key);
/* The name of a key, as lq_key_parse() reads it.  Returns buf. */
const char *lq_key_name(int key, char *buf, size_t size);
/* Folds the terminal's spellings of one key into one code ('\r' and
 * KEY_ENTER to '\n', 127/8 to KEY_BACKSPACE). */
int lq_key_normalize(int key);

const char *lq_action_name(enum lq_action a);
const char *lq_action_help(enum lq_action a);   /* msgid */
unsigned lq_action_flags(enum lq_action a);
/* The action of a bind name, LQ_ACTION_NONE for "none", -1 when unknown. */
int lq_action_parse(const char *name);

#define LQ_KEYMAP_MAX 256
struct lq_keymap {
	struct { int key; enum lq_action action; } map[LQ_KEYMAP_MAX];
	int count;
};

/* The defaults of the action list. */
void lq_keymap_default(struct lq_keymap *km);
/* Binds key to action (replacing what the key did; action NONE unbinds).
 * false when the table is full. */
bool lq_keymap_bind(struct lq_keymap *km, int key, enum lq_action action);
/* Validates and applies a config `bind KEY ACTION` line; on error writes
 * "FILE:LINE: reason" into err and returns false. */
bool lq_keymap_bind_text(struct lq_keymap *km, const char *key, const char *action,
			 const char *file, int line, char *err, size_t errsize);
enum lq_action lq_keymap_lookup(const struct lq_keymap *km, int key);
/* Writes the keys bound to action ("q", "Q, <F10>") into buf; "" if none. */
size_t lq_keymap_keys(const struct lq_keymap *km, enum lq_action action, char *buf,
		      size_t size);

#endif
