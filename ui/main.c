/* leadq — the terminal client: options, then the screens or one command. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/i18n.h"
#include "ui/app.h"
#include "ui/cli.h"
#include "ui/session.h"

static int usage_error(const char *fmt, const char *arg)
{
	fputs("leadq: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

/* "--name VALUE" or "--name=VALUE"; NULL (after the message) when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc) {
		usage_error(_("option '%s' needs a value (see leadq --help)"), name);
		return NULL;
	}
	return argv[++*i];
}

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Flushes stdout and reports a failed write (a full disk, a closed pipe). */
static int finish_output(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "leadq: %s: %s\n", _("standard output"), strerror(errno ? errno : EIO));
		return rc ? rc : 1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct lq_session_opts o;
	struct lq_cli_cmd *cmd = NULL;
	struct lq_session *s = NULL;
	char *err = NULL;
	int i;

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	{
		const char *dir = getenv("LEADQ_LOCALEDIR");
		bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
		bind_textdomain_codeset(PACKAGE, "UTF-8");
		textdomain(PACKAGE);
	}
#endif

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			lq_cli_usage(stdout);
			return finish_output(0);
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("leadq %s\n", PACKAGE_VERSION);
			return finish_output(0);
		}
		if (strcmp(a, "--demo") == 0) {
			o.demo = true;
		} else if (strcmp(a, "--reset") == 0) {
			o.reset = true;
		} else if (is_option(a, "--as")) {
			o.demo_as = option_value(argc, argv, &i, "--as");
			if (!o.demo_as)
				return 2;
			if (strcmp(o.demo_as, "rep") != 0 && strcmp(o.demo_as, "lead") != 0 &&
			    strcmp(o.demo_as, "telequal") != 0)
				return usage_error(_("--as: expected rep, lead or telequal, not '%s'"),
						   o.demo_as);
		} else if (is_option(a, "--db")) {
			o.db_path = option_value(argc, argv, &i, "--db");
			if (!o.db_path)
				return 2;
		} else if (is_option(a, "--config")) {
			o.config_path = option_value(argc, argv, &i, "--config");
			if (!o.config_path)
				return 2;
		} else {
			return usage_error(_("unknown option '%s' (see leadq --help)"), a);
		}
	}
	if (!o.demo && (o.reset || o.demo_as))
		return usage_error("%s", _("--as and --reset go with --demo"));

	if (i < argc) {
		if (!lq_cli_is_command(argv[i]))
			return usage_error(_("unknown command '%s' (see leadq --help)"), argv[i]);
		int rc = lq_cli_parse(&cmd, argc - i, argv + i);
		if (rc >= 0)
			return finish_output(rc);
		if (!lq_cli_needs_session(cmd)) {
			rc = lq_cli_login(cmd, o.config_path);
			lq_cli_cmd_free(&cmd);
			return finish_output(rc);
		}
	}

	int rc = lq_session_open(&s, &o, &err);
	if (rc != 0) {
		fprintf(stderr, "leadq: %s\n", err ? err : _("cannot open the session"));
		free(err);
		lq_cli_cmd_free(&cmd);
		return rc;
	}
	if (cmd)
		rc = lq_cli_exec(s, cmd);
	else
		rc = lq_app_run(s);
	lq_cli_cmd_free(&cmd);
	lq_session_close(&s);
	return finish_output(rc);
}
