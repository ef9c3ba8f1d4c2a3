/* leadq client — the command-line modes: list, show, set, touch, note, undo
 * (DESIGN §5).  They work on the session's cache through the same store and
 * core calls as the screens.
 *
 * Two steps, so that a usage error is reported (exit 2) before any cache is
 * opened: lq_cli_parse() checks the words, lq_cli_exec() runs them. */
#ifndef LEADQ_UI_CLI_H
#define LEADQ_UI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ui/session.h"

struct lq_cli_cmd;

/* Whether name is a command word of `leadq` ("list", "show", …, and the
 * ones still to come: "login", "sync"). */
bool lq_cli_is_command(const char *name);

/* Parses argv[0] (the command) and its arguments.  Returns -1 when the
 * command is ready to run (*out is set), else the exit code to end with:
 * 0 after `COMMAND --help`, 2 after a usage error (already printed to
 * stderr as one line). */
int lq_cli_parse(struct lq_cli_cmd **out, int argc, char **argv);

/* Runs a parsed command on the session; returns the exit code (0 ok,
 * 1 runtime failure, 2 usage error) and prints errors to stderr. */
int lq_cli_exec(struct lq_session *s, const struct lq_cli_cmd *cmd);

void lq_cli_cmd_free(struct lq_cli_cmd **cmd);

/* Whether the command runs on a session (all but login). */
bool lq_cli_needs_session(const struct lq_cli_cmd *cmd);
/* `leadq login SERVER USER [--password-stdin]`: the token (0600) in
 * $XDG_CONFIG_HOME/leadq/token-NAME, "server = SERVER" in the config
 * (config_path, or the XDG one), the cache's user.  Returns the exit code. */
int lq_cli_login(const struct lq_cli_cmd *cmd, const char *config_path);

/* The program's usage text (leadq --help). */
void lq_cli_usage(FILE *f);

/* Amounts as people type and read them (issue 6), whatever the locale:
 * digits, with spaces (also no-break and thin ones), dots, commas or
 * apostrophes between groups of three as thousands separators ("48.000",
 * "48 000", "48,000", "1'250'000"); no decimals, no sign.  Parse returns 1
 * with *out set, 0 for an empty (or blank) text, -1 for anything else or a
 * value over LQ_AMOUNT_MAX.  Format groups with plain spaces ("48 000");
 * returns buf. */
int lq_amount_parse(const char *text, int64_t *out);
const char *lq_amount_format(int64_t amount, char *buf, size_t size);

#endif
