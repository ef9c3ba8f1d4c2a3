/* leadq client — the interactive program: screens over one session.
 *
 * main() calls lq_app_run(); the benchmarks and the scripted mode drive the
 * same code through lq_app_open / lq_app_frame / lq_app_key. */
#ifndef LEADQ_UI_APP_H
#define LEADQ_UI_APP_H

#include <stdio.h>

#include "ui/session.h"

struct lq_app;

/* Runs the UI on the terminal (or on LEADQ_SCRIPT, see share/doc/testing.md)
 * until the user quits.  Returns the process exit code. */
int lq_app_run(struct lq_session *s);

/* For benchmarks and tests: a UI drawing to a terminal opened with newterm()
 * on out/in (e.g. /dev/null) at cols x lines.  NULL with *err on failure. */
struct lq_app *lq_app_open(struct lq_session *s, FILE *out, FILE *in, int cols, int lines,
			   char **err);
/* Draws one full frame (as after a resize or Ctrl-L) and flushes it. */
void lq_app_frame(struct lq_app *app);
/* Feeds one key (a curses key code or character) as if typed, then redraws
 * what changed.  Returns 0 normally, 1 when the key asked to quit. */
int lq_app_key(struct lq_app *app, int key);
void lq_app_close(struct lq_app **app);

#endif
