/* leadq client — the configuration file ($XDG_CONFIG_HOME/leadq/config).
 *
 *   # comment
 *   server = https://leadq.example.com
 *   undo-window = 5            # seconds a status change is held before sync
 *   color = auto | on | off
 *   bell = on | off
 *   flash = on | off
 *   escdelay = 25              # ms
 *   sync-batch = 500           # ops per request to the server
 *   reasons.recycle = not_ready, no_budget, timing
 *   reasons.junk = spam, fake
 *   reasons.unreachable = no_answer, wrong_number
 *   checklist = Budget confirmed? | Decision maker? | Timeline?
 *                              # telequalification questions, '|' between
 *   bind <key> <action>        # bind x qualify ; bind <F2> help
 *
 * Values are UTF-8; a comment starts at a '#' that opens the line or follows
 * a blank.  Later lines win.  `bind` lines are only stored here: the keymap
 * checks key and action names (and reports them with the line).
 * A missing file is the defaults; a bad line is refused with "FILE:LINE: reason". */
#ifndef LEADQ_UI_CONF_H
#define LEADQ_UI_CONF_H

#include <stdbool.h>
#include <stddef.h>

enum lq_color_mode { LQ_COLOR_AUTO, LQ_COLOR_ON, LQ_COLOR_OFF };

struct lq_binding {
	char key[32];      /* as written: "x", "<F2>", "<C-n>", "<Space>" */
	char action[32];   /* an action name of the keymap: "qualify", "help" */
	int line;          /* for error messages */
};

struct lq_config {
	char *path;                 /* the file read, or NULL */
	char *server;               /* NULL until `leadq login` */
	int undo_window_s;          /* default 5 */
	enum lq_color_mode color;
	bool bell;                  /* ring on new leads and escalations */
	bool flash;                 /* flash the screen on them (off by default) */
	int escdelay_ms;            /* default 25 */
	int sync_batch;             /* ops per push; 0: the sync engine's default */
	char *reasons[3];           /* csv for recycle, junk, unreachable; NULL = defaults */
	char *checklist;            /* questions joined by '|', trimmed; NULL = defaults */
	struct lq_binding *bindings;
	size_t nbindings;
};

/* Limits of the numeric keys. */
#define LQ_CONFIG_UNDO_MAX 600
#define LQ_CONFIG_ESCDELAY_MAX 1000
#define LQ_CONFIG_SYNC_BATCH_MAX 1000   /* the server takes at most 1000 ops a request */
#define LQ_CONFIG_CHECKLIST_MAX 9       /* questions (one digit picks each answer) */
#define LQ_CONFIG_QUESTION_MAX 100      /* bytes of one question */

void lq_config_defaults(struct lq_config *c);
/* Starts from the defaults (c must hold no allocations yet) and reads the
 * file.  path NULL: the XDG location, where a missing file is the defaults;
 * a path given explicitly must exist.  Returns 0, or -1 with
 * "FILE:LINE: reason" (or "FILE: reason") in err and c back at the defaults. */
int lq_config_load(struct lq_config *c, const char *path, char *err, size_t errsize);
void lq_config_free(struct lq_config *c);

#endif
