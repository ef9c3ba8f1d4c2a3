/* leadq client — the command-line modes (list, show, set, touch, note, undo,
 * reassign). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "leadq/appt.h"
#include "leadq/codec.h"
#include "leadq/i18n.h"
#include "leadq/lead.h"
#include "leadq/os.h"
#include "leadq/queue.h"
#include "leadq/sla.h"
#include "leadq/store.h"
#include "leadq/sync.h"
#include "leadq/text.h"
#include "leadq/time.h"
#include "leadq/tz.h"
#include "ui/cli.h"

enum verb { V_LIST, V_SHOW, V_SET, V_TOUCH, V_NOTE, V_UNDO, V_LOGIN, V_SYNC, V_REASSIGN,
	    V_BOOK, V_CALLBACK };

static const struct {
	const char *name;
	enum verb verb;
} verbs[] = {
	{"list", V_LIST}, {"show", V_SHOW}, {"set", V_SET}, {"touch", V_TOUCH},
	{"note", V_NOTE}, {"undo", V_UNDO}, {"login", V_LOGIN}, {"sync", V_SYNC},
	{"reassign", V_REASSIGN}, {"book", V_BOOK}, {"callback", V_CALLBACK},
};

struct lq_cli_cmd {
	enum verb verb;
	bool json;
	enum lq_sort sort;
	unsigned status_mask;     /* --status; 0: the default */
	bool all;
	char *search;             /* folded --search text, or NULL */
	const char *id;           /* the lead (id or prefix) */
	enum lq_status status;    /* set */
	const char *reason;       /* set, reassign --reason */
	bool has_amount;          /* set --amount */
	int64_t amount;
	const char *owner_login;  /* reassign LOGIN, book --rep LOGIN */
	const char *at;           /* book, callback --at TIME */
	bool team;                /* callback --team */
	bool cancel;              /* callback --cancel */
	int minutes;              /* book --minutes (30) */
	const char *mode;         /* book --mode (phone) */
	enum lq_touch touch;      /* touch */
	enum lq_outcome outcome;
	const char *text;         /* touch --note */
	char *note;               /* note: the words joined */
	bool password_stdin;      /* login --password-stdin */
	const char *login_user;   /* login USER */
};

/* --- messages ----------------------------------------------------------- */

static void error_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void error_line(const char *fmt, ...)
{
	va_list ap;
	fputs("leadq: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void lq_cli_usage(FILE *f)
{
	fprintf(f, "%s", _(
"Usage: leadq [OPTION]... [COMMAND [ARG]...]\n"
"The sales rep's queue in the terminal; without a COMMAND it opens the screens.\n"
"\n"
"Options:\n"
"  --demo              work on a private demo cache seeded with sample leads\n"
"  --as rep|lead|telequal\n"
"                      with --demo: act as the sales rep (default), the team\n"
"                      lead or the telequalification agent\n"
"  --reset             with --demo: throw the demo cache away and seed it anew\n"
"  --db PATH           use this cache file\n"
"  --config FILE       read this configuration file\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Commands:\n"
"  list [--format tsv|json] [--sort priority|score|age|company|source]\n"
"       [--status S,...] [--all] [--search TEXT]\n"
"                      the queue in order (open leads unless --status or --all)\n"
"  show ID [--format text|json]\n"
"                      a lead and its timeline (ID or a unique prefix of 4+)\n"
"  set ID STATUS [--reason R] [--amount N]\n"
"                      change the status (qualified, recycle, junk, unreachable,\n"
"                      opportunity, won, lost); --amount: the opportunity's\n"
"                      value with opportunity or won (48000 or 48.000)\n"
"  touch ID call|email|meeting|message --outcome O [--note TEXT]\n"
"                      log a touch (connected, voicemail, no_answer,\n"
"                      wrong_number, sent)\n"
"  note ID TEXT        add a note\n"
"  undo                undo your last change\n"
"  reassign ID LOGIN [--reason R]\n"
"                      (team lead) give the lead to LOGIN, a user of your team\n"
"  book ID --rep LOGIN --at TIME [--minutes N] [--mode phone|video|visit]\n"
"       [--note TEXT]   book an appointment in the rep's calendar\n"
"  callback ID --at TIME [--team] [--note TEXT] | callback ID --cancel\n"
"                      call the lead back then (TIME in the lead's local time,\n"
"                      such as 2027-01-05 10:00): yours, or with --team anyone's\n"
"  login SERVER USER [--password-stdin]\n"
"                      log in, store the token and make SERVER the default\n"
"  sync                send the outbox, fetch the changes, and exit\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error,\n"
"3 (sync) some change ended in a conflict or was rejected.\n"
"See leadq(1) and leadq.conf(5).\n"));
}

/* --- amounts ------------------------------------------------------------ */

static const char *const amount_spaces[] = { " ", "\t", "\u00a0", "\u2009", "\u202f" };

/* The length of a space (also a no-break or thin one) at p, else 0. */
static size_t space_at(const char *p)
{
	for (size_t i = 0; i < sizeof amount_spaces / sizeof amount_spaces[0]; i++) {
		size_t n = strlen(amount_spaces[i]);

		if (strncmp(p, amount_spaces[i], n) == 0)
			return n;
	}
	return 0;
}

/* The length of a space that ends just before end (not before start), else 0. */
static size_t space_before(const char *start, const char *end)
{
	for (size_t i = 0; i < sizeof amount_spaces / sizeof amount_spaces[0]; i++) {
		size_t n = strlen(amount_spaces[i]);

		if ((size_t)(end - start) >= n && memcmp(end - n, amount_spaces[i], n) == 0)
			return n;
	}
	return 0;
}

/* The length of a thousands separator at p, else 0 (a tab is not one). */
static size_t separator_at(const char *p)
{
	if (*p == '.' || *p == ',' || *p == '\'')
		return 1;
	if (strncmp(p, "\u2019", 3) == 0)
		return 3;
	return *p == '\t' ? 0 : space_at(p);
}

int lq_amount_parse(const char *text, int64_t *out)
{
	const char *p, *end;
	int64_t v = 0;
	int group = 0;      /* digits of the group being read */
	bool grouped = false;
	size_t n;

	if (!text)
		return 0;
	p = text;
	end = text + strlen(text);
	for (n = space_at(p); n > 0; n = space_at(p))
		p += n;
	for (n = space_before(p, end); n > 0; n = space_before(p, end))
		end -= n;
	if (p == end)
		return 0;
	while (p < end) {
		if (*p >= '0' && *p <= '9') {
			if (v > (LQ_AMOUNT_MAX - (*p - '0')) / 10)
				return -1;
			v = v * 10 + (*p - '0');
			group++;
			p++;
			continue;
		}
		/* A separator follows the first group (1-3 digits) or a group
		 * of exactly 3, and comes before a digit. */
		n = separator_at(p);
		if (n == 0 || group == 0 || group > 3 || (grouped && group != 3) ||
		    p + n >= end || p[n] < '0' || p[n] > '9')
			return -1;
		grouped = true;
		group = 0;
		p += n;
	}
	if (grouped && group != 3)
		return -1;
	*out = v;
	return 1;
}

const char *lq_amount_format(int64_t amount, char *buf, size_t size)
{
	char digits[24];
	size_t n, len = 0;

	if (size == 0)
		return buf;
	if (amount < 0)
		amount = 0;
	n = (size_t)snprintf(digits, sizeof digits, "%lld", (long long)amount);
	for (size_t i = 0; i < n && len + 1 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			buf[len++] = ' ';
			if (len + 1 >= size)
				break;
		}
		buf[len++] = digits[i];
	}
	buf[len] = '\0';
	return buf;
}

/* "3f2a1b2c…": enough of an id for people and for a later prefix. */
static const char *short_id(const char *id, char buf[16])
{
	snprintf(buf, 16, "%.8s\u2026", id ? id : "");
	return buf;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static const char *status_label(enum lq_status st)
{
	const char *label = lq_status_label(st);
	return label ? _(label) : "?";
}

static const char *status_wire(enum lq_status st)
{
	const char *wire = lq_status_wire(st);
	return wire ? wire : "?";
}

/* The SLA state as scripts see it (never translated). */
static const char *sla_wire(enum lq_sla_state st)
{
	switch (st) {
	case LQ_SLA_ON_TRACK: return "on_track";
	case LQ_SLA_AT_RISK: return "at_risk";
	case LQ_SLA_BREACHED: return "breached";
	case LQ_SLA_IDLE: break;
	}
	return "none";
}

/* "2026-11-24 11:30 CET" in the user's zone, or "" when t is none. */
static const char *local_time(struct lq_session *s, lq_time t, char *buf, size_t size)
{
	struct lq_civil c;
	const char *abbr = NULL;

	if (t == LQ_TIME_NONE) {
		buf[0] = '\0';
		return buf;
	}
	int32_t off = lq_tz_to_local(s->user_tz, t, &c);
	lq_tz_offset(s->user_tz, t, &abbr);
	if (abbr && *abbr) {
		snprintf(buf, size, "%04d-%02d-%02d %02d:%02d %s", c.year, c.month, c.day, c.hour,
			 c.minute, abbr);
	} else {
		int a = off < 0 ? -off : off;
		snprintf(buf, size, "%04d-%02d-%02d %02d:%02d %c%02d:%02d", c.year, c.month, c.day,
			 c.hour, c.minute, off < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
	}
	return buf;
}

/* --- parsing ------------------------------------------------------------ */

bool lq_cli_is_command(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verbs[i].name, name) == 0)
			return true;
	}
	return false;
}

struct opt_spec {
	const char *name;   /* without "--" */
	bool takes_value;
};

/* Walks argv[1..]: options (anywhere, "--" ends them) go to on_opt, words to
 * words[].  Returns 0, or 2 after printing a usage error. */
static int scan_args(const char *cmd, int argc, char **argv, const struct opt_spec *specs,
		     int (*on_opt)(struct lq_cli_cmd *c, const char *name, const char *value),
		     struct lq_cli_cmd *c, const char **words, int maxwords, int *nwords,
		     bool rest_words)
{
	bool opts_done = false;
	*nwords = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = true;
			continue;
		}
		if (!opts_done && a[0] == '-' && a[1] != '\0') {
			if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
				return -2;
			const struct opt_spec *spec = NULL;
			const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a) - 2;
			if (a[1] == '-') {
				for (const struct opt_spec *p = specs; p && p->name; p++) {
					if (strlen(p->name) == n && strncmp(p->name, a + 2, n) == 0)
						spec = p;
				}
			}
			if (!spec) {
				error_line(_("%s: unknown option '%s' (see leadq --help)"), cmd, a);
				return 2;
			}
			const char *value = NULL;
			if (spec->takes_value) {
				if (eq) {
					value = eq + 1;
				} else if (i + 1 < argc) {
					value = argv[++i];
				} else {
					error_line(_("%s: option '--%s' needs a value"), cmd, spec->name);
					return 2;
				}
			} else if (eq) {
				error_line(_("%s: option '--%s' takes no value"), cmd, spec->name);
				return 2;
			}
			int rc = on_opt(c, spec->name, value);
			if (rc != 0)
				return rc;
			continue;
		}
		if (*nwords >= maxwords && !rest_words) {
			error_line(_("%s: unexpected argument '%s' (see leadq --help)"), cmd, a);
			return 2;
		}
		if (*nwords < maxwords)
			words[*nwords] = a;
		(*nwords)++;
	}
	return 0;
}

/* what: the option ("--format") or the argument ("STATUS") at fault. */
static int bad_value(const char *what, const char *value, const char *expected)
{
	error_line(_("%s: '%s' is not one of: %s"), what, value, expected);
	return 2;
}

static int parse_status_list(struct lq_cli_cmd *c, const char *value)
{
	const char *p = value;
	c->status_mask = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		char word[32];
		if (n == 0 || n >= sizeof(word))
			goto bad;
		memcpy(word, p, n);
		word[n] = '\0';
		int st = lq_status_parse(word);
		if (st < 0)
			goto bad;
		c->status_mask |= 1u << st;
		if (p[n] != ',')
			return 0;
		p += n + 1;
	}
bad:
	return bad_value("--status", value,
			 "new, working, qualified, recycle, junk, unreachable, opportunity, won, lost");
}

static int on_opt(struct lq_cli_cmd *c, const char *name, const char *value)
{
	if (strcmp(name, "password-stdin") == 0) {
		c->password_stdin = true;
		return 0;
	}
	char opt[40];

	snprintf(opt, sizeof opt, "--%s", name);
	if (strcmp(name, "format") == 0) {
		if (strcmp(value, "json") == 0)
			c->json = true;
		else if (strcmp(value, c->verb == V_LIST ? "tsv" : "text") == 0)
			c->json = false;
		else
			return bad_value(opt, value, c->verb == V_LIST ? "tsv, json" : "text, json");
		return 0;
	}
	if (strcmp(name, "sort") == 0) {
		int s = lq_sort_parse(value);
		if (s < 0)
			return bad_value(opt, value, "priority, score, age, company, source");
		c->sort = (enum lq_sort)s;
		return 0;
	}
	if (strcmp(name, "status") == 0)
		return parse_status_list(c, value);
	if (strcmp(name, "all") == 0) {
		c->all = true;
		return 0;
	}
	if (strcmp(name, "search") == 0) {
		size_t size = strlen(value) * 2 + 1;
		free(c->search);
		c->search = malloc(size);
		if (!c->search) {
			error_line("%s", _("out of memory"));
			return 1;
		}
		lq_fold(value, c->search, size);
		return 0;
	}
	if (strcmp(name, "reason") == 0) {
		c->reason = value;
		return 0;
	}
	if (strcmp(name, "amount") == 0) {
		if (lq_amount_parse(value, &c->amount) != 1) {
			error_line(_("--amount: '%s' is not an amount (whole units, such as 48000 or 48.000)"),
				   value);
			return 2;
		}
		c->has_amount = true;
		return 0;
	}
	if (strcmp(name, "outcome") == 0) {
		int o = lq_outcome_parse(value);
		if (o < 0)
			return bad_value(opt, value, "connected, voicemail, no_answer, wrong_number, sent");
		c->outcome = (enum lq_outcome)o;
		return 0;
	}
	if (strcmp(name, "note") == 0) {
		c->text = value;
		return 0;
	}
	if (strcmp(name, "rep") == 0) {
		c->owner_login = value;
		return 0;
	}
	if (strcmp(name, "at") == 0) {
		c->at = value;
		return 0;
	}
	if (strcmp(name, "minutes") == 0) {
		char *end;
		long m = strtol(value, &end, 10);

		if (*end || end == value || m < 5 || m > 480)
			return bad_value(opt, value, "5..480");
		c->minutes = (int)m;
		return 0;
	}
	if (strcmp(name, "team") == 0) {
		c->team = true;
		return 0;
	}
	if (strcmp(name, "cancel") == 0) {
		c->cancel = true;
		return 0;
	}
	if (strcmp(name, "mode") == 0) {
		if (lq_appt_mode_parse(value) < 0)
			return bad_value(opt, value, "phone, video, visit");
		c->mode = value;
		return 0;
	}
	return 2;
}

static char *join_words(int argc, char **argv, int from)
{
	size_t len = 0;
	for (int i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t pos = 0;
	for (int i = from; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (pos > 0)
			out[pos++] = ' ';
		memcpy(out + pos, argv[i], n);
		pos += n;
	}
	out[pos] = '\0';
	return out;
}

static int command_help(const char *cmd)
{
	(void)cmd;
	lq_cli_usage(stdout);
	return 0;
}

int lq_cli_parse(struct lq_cli_cmd **out, int argc, char **argv)
{
	static const struct opt_spec list_opts[] = {
		{"format", true}, {"sort", true}, {"status", true}, {"all", false},
		{"search", true}, {NULL, false},
	};
	static const struct opt_spec show_opts[] = {{"format", true}, {NULL, false}};
	static const struct opt_spec set_opts[] = {{"reason", true}, {"amount", true}, {NULL, false}};
	static const struct opt_spec touch_opts[] = {
		{"outcome", true}, {"note", true}, {NULL, false},
	};
	static const struct opt_spec no_opts[] = {{NULL, false}};
	static const struct opt_spec book_opts[] = {
		{"rep", true}, {"at", true}, {"minutes", true}, {"mode", true}, {"note", true},
		{NULL, false},
	};
	static const struct opt_spec callback_opts[] = {
		{"at", true}, {"team", false}, {"note", true}, {"cancel", false}, {NULL, false},
	};
	static const struct opt_spec login_opts[] = {{"password-stdin", false}, {NULL, false}};
	const char *words[3] = {NULL, NULL, NULL};
	int nwords = 0;
	int rc;

	*out = NULL;
	if (argc < 1 || !lq_cli_is_command(argv[0])) {
		error_line(_("unknown command '%s' (see leadq --help)"), argc > 0 ? argv[0] : "");
		return 2;
	}
	const char *name = argv[0];
	struct lq_cli_cmd *c = calloc(1, sizeof(*c));
	if (!c) {
		error_line("%s", _("out of memory"));
		return 1;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verbs[i].name, name) == 0)
			c->verb = verbs[i].verb;
	}
	c->sort = LQ_SORT_PRIORITY;
	c->outcome = (enum lq_outcome)-1;

	switch (c->verb) {
	case V_LIST:
		rc = scan_args(name, argc, argv, list_opts, on_opt, c, words, 0, &nwords, false);
		break;
	case V_SHOW:
		rc = scan_args(name, argc, argv, show_opts, on_opt, c, words, 1, &nwords, false);
		if (rc == 0 && nwords != 1) {
			error_line("%s", _("show: which lead? usage: leadq show ID [--format text|json]"));
			rc = 2;
		}
		break;
	case V_SET:
		rc = scan_args(name, argc, argv, set_opts, on_opt, c, words, 2, &nwords, false);
		if (rc == 0 && nwords != 2) {
			error_line("%s", _("set: usage: leadq set ID STATUS [--reason R] [--amount N]"));
			rc = 2;
		}
		if (rc == 0) {
			int st = lq_status_parse(words[1]);
			if (st < 0) {
				rc = bad_value("STATUS", words[1],
					       "new, working, qualified, recycle, junk, unreachable, opportunity, won, lost");
			} else {
				c->status = (enum lq_status)st;
			}
		}
		if (rc == 0 && c->has_amount && c->status != LQ_STATUS_OPPORTUNITY &&
		    c->status != LQ_STATUS_WON) {
			error_line(_("set: --amount goes only with opportunity or won, not %s"),
				   words[1]);
			rc = 2;
		}
		break;
	case V_TOUCH:
		rc = scan_args(name, argc, argv, touch_opts, on_opt, c, words, 2, &nwords, false);
		if (rc == 0 && nwords != 2) {
			error_line("%s", _("touch: usage: leadq touch ID call|email|meeting|message --outcome O [--note TEXT]"));
			rc = 2;
		}
		if (rc == 0) {
			int t = lq_touch_parse(words[1]);
			if (t < 0)
				rc = bad_value("KIND", words[1], "call, email, meeting, message");
			else
				c->touch = (enum lq_touch)t;
		}
		if (rc == 0 && (int)c->outcome < 0) {
			error_line("%s", _("touch: --outcome is needed (connected, voicemail, no_answer, wrong_number, sent)"));
			rc = 2;
		}
		break;
	case V_NOTE: {
		/* Every word after the id is the note (no options). */
		int first = 1;
		rc = 0;
		if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			rc = -2;
			break;
		}
		if (argc > first && strcmp(argv[first], "--") == 0)
			first++;
		int text_from = first + 1;
		if (argc > text_from && strcmp(argv[text_from], "--") == 0)
			text_from++;
		if (argc <= first || argc <= text_from) {
			error_line("%s", _("note: usage: leadq note ID TEXT"));
			rc = 2;
			break;
		}
		words[0] = argv[first];
		c->note = join_words(argc, argv, text_from);
		if (!c->note) {
			error_line("%s", _("out of memory"));
			rc = 1;
		}
		break;
	}
	case V_UNDO:
		rc = scan_args(name, argc, argv, no_opts, on_opt, c, words, 0, &nwords, false);
		break;
	case V_REASSIGN:
		rc = scan_args(name, argc, argv, set_opts, on_opt, c, words, 2, &nwords, false);
		if (rc == 0 && nwords != 2) {
			error_line("%s", _("reassign: usage: leadq reassign ID LOGIN [--reason R]"));
			rc = 2;
		}
		c->owner_login = words[1];
		break;
	case V_BOOK:
		rc = scan_args(name, argc, argv, book_opts, on_opt, c, words, 1, &nwords, false);
		if (rc == 0 && (nwords != 1 || !c->owner_login || !c->at)) {
			error_line("%s", _("book: usage: leadq book ID --rep LOGIN --at TIME "
					   "[--minutes N] [--mode phone|video|visit] [--note TEXT]"));
			rc = 2;
		}
		break;
	case V_CALLBACK:
		rc = scan_args(name, argc, argv, callback_opts, on_opt, c, words, 1, &nwords, false);
		if (rc == 0 && (nwords != 1 || !c->at == !c->cancel)) {
			error_line("%s", _("callback: usage: leadq callback ID --at TIME [--team] "
					   "[--note TEXT], or leadq callback ID --cancel"));
			rc = 2;
		}
		break;
	case V_LOGIN:
		rc = scan_args(name, argc, argv, login_opts, on_opt, c, words, 2, &nwords, false);
		if (rc == 0 && nwords != 2) {
			error_line("%s", _("login: usage: leadq login SERVER USER [--password-stdin]"));
			rc = 2;
		}
		c->login_user = words[1];
		break;
	case V_SYNC:
	default:
		rc = scan_args(name, argc, argv, no_opts, on_opt, c, words, 0, &nwords, false);
		break;
	}
	if (rc == -2) {
		lq_cli_cmd_free(&c);
		return command_help(name);
	}
	if (rc != 0) {
		lq_cli_cmd_free(&c);
		return rc;
	}
	c->id = words[0];
	*out = c;
	return -1;
}

void lq_cli_cmd_free(struct lq_cli_cmd **cp)
{
	if (!cp || !*cp)
		return;
	free((*cp)->search);
	free((*cp)->note);
	free(*cp);
	*cp = NULL;
}

/* --- shared helpers ------------------------------------------------------ */

static void sla_of(struct lq_session *s, const struct lq_lead *l, lq_time now,
		   struct lq_sla_view *view)
{
	const struct lq_sla_policy *policy = NULL;
	const struct lq_calendar *cal = lq_session_calendar(s, l->team_id, &policy);
	memset(view, 0, sizeof(*view));
	view->deadline = LQ_TIME_NONE;
	lq_sla_status(l, policy, cal, now, view);
}

static json_t *sla_json(const struct lq_sla_view *v)
{
	char when[LQ_RFC3339_SIZE];
	bool running = v->state != LQ_SLA_IDLE;
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "state", json_string(sla_wire(v->state)));
	if (running && v->deadline != LQ_TIME_NONE)
		json_object_set_new(o, "deadline", json_string(lq_time_format(v->deadline, 0, when)));
	else
		json_object_set_new(o, "deadline", json_null());
	if (running)
		json_object_set_new(o, "remaining", json_integer(v->remaining));
	else
		json_object_set_new(o, "remaining", json_null());
	return o;
}

/* A lead's JSON with its "sla" object; NULL when out of memory. */
static json_t *lead_json(struct lq_session *s, const struct lq_lead *l, lq_time now)
{
	struct lq_sla_view v;
	json_t *o = lq_lead_to_json(l);
	if (!o)
		return NULL;
	sla_of(s, l, now, &v);
	json_t *sla = sla_json(&v);
	if (!sla || json_object_set_new(o, "sla", sla) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int print_json(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	return rc == 0 ? 0 : 1;
}

/* Resolves an id or prefix; 0, or an exit code after the message. */
static int resolve(struct lq_session *s, const char *id, char out[LQ_UUID_SIZE])
{
	enum lq_store_rc rc = lq_store_resolve_id(s->store, id, out);
	switch (rc) {
	case LQ_STORE_OK:
		return 0;
	case LQ_STORE_NOTFOUND:
		error_line(_("%s: no lead has this id (give the id or 4+ of its first characters)"), id);
		return 1;
	case LQ_STORE_INVALID:
		error_line(_("%s: more than one lead starts so; give more characters"), id);
		return 1;
	default:
		error_line("%s: %s", s->db_path, lq_store_errmsg(s->store));
		return 1;
	}
}

/* Tabs and line breaks would break a TSV line. */
static void tsv_field(const char *s)
{
	for (const char *p = or_empty(s); *p; p++)
		fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, stdout);
}

/* --- list ---------------------------------------------------------------- */

static int cmd_list(struct lq_session *s, const struct lq_cli_cmd *c)
{
	struct lq_lead_set set;
	struct lq_filter f;
	lq_time now = lq_os_now();
	int rc = 0;

	memset(&set, 0, sizeof(set));
	if (lq_store_load_leads(s->store, &set) != LQ_STORE_OK) {
		error_line("%s: %s", s->db_path, lq_store_errmsg(s->store));
		return 1;
	}
	size_t n = set.count;
	struct lq_queue_item *items = calloc(n ? n : 1, sizeof(*items));
	struct lq_queue_item *shown = calloc(n ? n : 1, sizeof(*shown));
	if (!items || !shown) {
		error_line("%s", _("out of memory"));
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].lead = &set.leads[i];
		items[i].folded = set.search ? set.search[i] : "";
		items[i].folded_company = set.company ? set.company[i] : "";
	}
	lq_filter_init(&f);
	if (c->status_mask)
		f.status_mask = c->status_mask;
	else
		f.status_mask = c->all ? 0 : lq_filter_open_mask();
	f.text = c->search;
	size_t m = lq_queue_filter(items, n, &f, now, shown);
	lq_queue_sort(shown, m, c->sort, now);

	if (c->json) {
		json_t *arr = json_array();
		if (!arr) {
			error_line("%s", _("out of memory"));
			rc = 1;
			goto out;
		}
		for (size_t i = 0; i < m; i++) {
			json_t *o = lead_json(s, shown[i].lead, now);
			if (!o || json_array_append_new(arr, o) != 0) {
				error_line("%s", _("out of memory"));
				json_decref(arr);
				rc = 1;
				goto out;
			}
		}
		rc = print_json(arr);
		json_decref(arr);
		goto out;
	}
	/* The header names are wire names for scripts: never translated. */
	fputs("id\tstatus\tsla\tremaining\tscore\tname\tcompany\tsource\ttouches\n", stdout);
	for (size_t i = 0; i < m; i++) {
		const struct lq_lead *l = shown[i].lead;
		struct lq_sla_view v;
		sla_of(s, l, now, &v);
		printf("%s\t%s\t%s\t", l->id, status_wire(l->status), sla_wire(v.state));
		if (v.state != LQ_SLA_IDLE)
			printf("%lld", (long long)v.remaining);
		printf("\t%d\t", l->score);
		tsv_field(l->name);
		fputc('\t', stdout);
		tsv_field(l->company);
		fputc('\t', stdout);
		tsv_field(l->source);
		printf("\t%d/%d\n", l->touches, l->touches_required);
	}
out:
	free(items);
	free(shown);
	lq_lead_set_free(&set);
	return rc;
}

/* --- show ---------------------------------------------------------------- */

struct timeline_ctx {
	struct lq_session *s;
	json_t *arr;       /* JSON mode */
	bool failed;
	int count;
};

static int timeline_json(void *ctx, const struct lq_activity *a)
{
	struct timeline_ctx *t = ctx;
	json_t *o = lq_activity_to_json(a);
	if (!o || json_array_append_new(t->arr, o) != 0) {
		t->failed = true;
		return 1;
	}
	return 0;
}

static int timeline_text(void *ctx, const struct lq_activity *a)
{
	struct timeline_ctx *t = ctx;
	char when[64], routed[200];

	t->count++;
	printf("  %s  %s", local_time(t->s, a->at, when, sizeof(when)),
	       (int)a->kind >= 0 && a->kind < LQ_ACT_COUNT ? _(lq_activity_label(a->kind)) : "?");
	if (a->outcome >= 0 && a->outcome < LQ_OUTCOME_COUNT)
		printf(" \u00b7 %s", _(lq_outcome_label((enum lq_outcome)a->outcome)));
	if (lq_system_note(a, routed, sizeof routed)) {
		printf(" \u00b7 %s", routed);
	} else {
		if (a->subject && *a->subject)
			printf(" \u00b7 %s", a->subject);
		if (a->detail && *a->detail)
			printf(" \u00b7 %s", a->detail);
	}
	if (a->duration_s > 0) {
		char d[32];
		printf(" (%s)", lq_duration_format(a->duration_s, d, sizeof(d)));
	}
	if (a->undone)
		printf(" [%s]", _("undone"));
	fputc('\n', stdout);
	return 0;
}

/* "  label       value", the labels padded to one column whatever their
 * language (counted in characters, not bytes). */
static void field(const char *label, const char *value)
{
	enum { LABEL_WIDTH = 14 };
	int width = 0;

	if (!value || !*value)
		return;
	for (const char *p = label; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80)
			width++;
	}
	printf("  %s", label);
	for (int i = width; i < LABEL_WIDTH; i++)
		fputc(' ', stdout);
	printf(" %s\n", value);
}

static void print_lead_text(struct lq_session *s, const struct lq_lead *l, lq_time now)
{
	struct lq_sla_view v;
	char buf[256], when[64], dur[32];

	/* Headline: name · title · company. */
	printf("%s", *or_empty(l->name) ? l->name : _("(no name)"));
	if (l->title && *l->title)
		printf(" \u00b7 %s", l->title);
	if (l->company && *l->company)
		printf(" \u00b7 %s", l->company);
	fputc('\n', stdout);

	field(_("id"), l->id);
	if (l->reason[0])
		snprintf(buf, sizeof(buf), "%s (%s)", status_label(l->status), l->reason);
	else
		snprintf(buf, sizeof(buf), "%s", status_label(l->status));
	field(_("status"), buf);

	sla_of(s, l, now, &v);
	switch (v.state) {
	case LQ_SLA_IDLE:
		snprintf(buf, sizeof(buf), "%s", _("no clock running"));
		break;
	case LQ_SLA_BREACHED:
		lq_duration_format(v.remaining < 0 ? -v.remaining : v.remaining, dur, sizeof(dur));
		snprintf(buf, sizeof(buf), _("%s, %s overdue (due %s)"),
			 _(lq_sla_state_name(v.state)), dur,
			 local_time(s, v.deadline, when, sizeof(when)));
		break;
	default:
		lq_duration_format(v.remaining, dur, sizeof(dur));
		snprintf(buf, sizeof(buf), _("%s, %s left (due %s)"), _(lq_sla_state_name(v.state)),
			 dur, local_time(s, v.deadline, when, sizeof(when)));
		break;
	}
	field(_("SLA"), buf);

	char parts[128];
	if (l->nscore_parts > 0 && lq_score_parts_format(l, parts, sizeof(parts)) > 0)
		snprintf(buf, sizeof(buf), "%d (%s)", l->score, parts);
	else
		snprintf(buf, sizeof(buf), "%d", l->score);
	field(_("score"), buf);
	snprintf(buf, sizeof(buf), _("%d of %d"), l->touches, l->touches_required);
	field(_("touches"), buf);
	if (l->amount > 0 && (l->status == LQ_STATUS_OPPORTUNITY || l->status == LQ_STATUS_WON ||
			      l->status == LQ_STATUS_LOST))
		field(_("amount"), lq_amount_format(l->amount, buf, sizeof(buf)));
	if (l->do_not_contact)
		field(_("contact"), _("do not contact"));
	field(_("email"), l->email);
	field(_("phone"), l->phone);

	/* City, region, country: whatever is known. */
	buf[0] = '\0';
	const char *place[] = {l->city, l->region, l->country};
	for (size_t i = 0; i < 3; i++) {
		if (!place[i] || !*place[i])
			continue;
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? ", " : "", place[i]);
	}
	field(_("location"), buf);
	field(_("industry"), l->industry);
	if (l->employees > 0) {
		snprintf(buf, sizeof(buf), "%d", l->employees);
		field(_("employees"), buf);
	}
	field(_("source"), l->source);
	field(_("campaign"), l->campaign);
	field(_("MQL"), local_time(s, l->mql_at, when, sizeof(when)));
	field(_("last touch"), local_time(s, l->last_touch_at, when, sizeof(when)));
	field(_("next touch"), local_time(s, l->next_touch_due, when, sizeof(when)));
	field(_("appointment"), local_time(s, l->next_appt_at, when, sizeof(when)));

	if (l->owner_id && *l->owner_id) {
		struct lq_user u;
		lq_user_init(&u);
		if (lq_store_get_user(s->store, l->owner_id, &u) == LQ_STORE_OK && u.name && *u.name)
			field(_("owner"), u.name);
		else
			field(_("owner"), l->owner_id);
		lq_user_clear(&u);
	}
}

static int cmd_show(struct lq_session *s, const struct lq_cli_cmd *c)
{
	char id[LQ_UUID_SIZE];
	struct lq_lead lead;
	lq_time now = lq_os_now();
	int rc = resolve(s, c->id, id);
	if (rc != 0)
		return rc;

	lq_lead_init(&lead);
	if (lq_store_get_lead(s->store, id, &lead) != LQ_STORE_OK) {
		error_line("%s: %s", s->db_path, lq_store_errmsg(s->store));
		lq_lead_clear(&lead);
		return 1;
	}
	struct timeline_ctx t = {.s = s};
	if (c->json) {
		json_t *root = json_object();
		json_t *lj = lead_json(s, &lead, now);
		t.arr = json_array();
		if (!root || !lj || !t.arr) {
			json_decref(root);
			json_decref(lj);
			json_decref(t.arr);
			error_line("%s", _("out of memory"));
			lq_lead_clear(&lead);
			return 1;
		}
		json_object_set_new(root, "lead", lj);
		json_object_set_new(root, "timeline", t.arr);
		enum lq_store_rc src = lq_store_timeline(s->store, id, timeline_json, &t);
		if (src != LQ_STORE_OK || t.failed) {
			error_line("%s: %s", s->db_path,
				   t.failed ? _("out of memory") : lq_store_errmsg(s->store));
			rc = 1;
		} else {
			rc = print_json(root);
		}
		json_decref(root);
		lq_lead_clear(&lead);
		return rc;
	}
	print_lead_text(s, &lead, now);
	printf("\n%s\n", _("Timeline (newest first):"));
	if (lq_store_timeline(s->store, id, timeline_text, &t) != LQ_STORE_OK) {
		error_line("%s: %s", s->db_path, lq_store_errmsg(s->store));
		rc = 1;
	} else if (t.count == 0) {
		printf("  %s\n", _("nothing yet"));
	}
	lq_lead_clear(&lead);
	return rc;
}

/* --- actions ------------------------------------------------------------- */

static void held_suffix(const struct lq_session *s, char *buf, size_t size)
{
	char inner[128];

	buf[0] = '\0';
	if (s->act.undo_window_s <= 0)
		return;
	snprintf(inner, sizeof(inner), _("held %d s for undo"), s->act.undo_window_s);
	snprintf(buf, size, " (%s)", inner);
}

/* An action refused or failed; returns the exit code. */
static int act_failed(struct lq_session *s, const char *lead, enum lq_store_rc rc,
		      const struct lq_act_result *res, const char *err)
{
	char sid[16];
	switch (rc) {
	case LQ_STORE_INVALID:
		error_line("%s: %s", short_id(lead, sid), _(lq_lead_error_message(res->lead_error)));
		return 1;
	case LQ_STORE_NOTFOUND:
		error_line(_("%s: no lead has this id"), short_id(lead, sid));
		return 1;
	case LQ_STORE_FULL:
		error_line(_("%s: the disk is full; nothing was written"), s->db_path);
		return 1;
	case LQ_STORE_BUSY:
		error_line(_("%s: the cache is locked by another leadq; try again"), s->db_path);
		return 1;
	case LQ_STORE_NOMEM:
		error_line("%s", _("out of memory"));
		return 1;
	default:
		error_line("%s: %s", s->db_path, err ? err : lq_store_errmsg(s->store));
		return 1;
	}
}

static int run_act(struct lq_session *s, const char *id, const struct lq_change *ch,
		   struct lq_act_result *res)
{
	char *err = NULL;
	memset(res, 0, sizeof(*res));
	enum lq_store_rc rc = lq_store_act(s->store, &s->act, id, ch, ch->at, res, &err);
	int code = rc == LQ_STORE_OK ? 0 : act_failed(s, id, rc, res, err);
	free(err);
	return code;
}

static int cmd_set(struct lq_session *s, const struct lq_cli_cmd *c)
{
	char id[LQ_UUID_SIZE], sid[16], held[160];
	struct lq_act_result res;
	struct lq_change ch;

	if (c->reason && !lq_status_needs_reason(c->status)) {
		error_line(_("set: --reason goes only with recycle, junk or unreachable, not %s"),
			   status_wire(c->status));
		return 2;
	}
	if (c->reason && !lq_reason_valid(&s->reasons, c->status, c->reason)) {
		int count = 0;
		const struct lq_reason *list = lq_reasons_for(&s->reasons, c->status, &count);
		char known[LQ_REASON_MAX * (LQ_REASON_SIZE + 2)] = "";
		for (int i = 0; list && i < count; i++) {
			size_t len = strlen(known);
			snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "", list[i].code);
		}
		error_line(_("--reason: '%s' is not one of: %s"), c->reason, known);
		return 2;
	}
	int rc = resolve(s, c->id, id);
	if (rc != 0)
		return rc;
	memset(&ch, 0, sizeof(ch));
	ch.kind = LQ_CHANGE_STATUS;
	ch.to = c->status;
	ch.reason = c->reason;
	ch.has_amount = c->has_amount;
	ch.amount = c->amount;
	ch.at = lq_os_now();
	rc = run_act(s, id, &ch, &res);
	if (rc != 0)
		return rc;
	held_suffix(s, held, sizeof(held));
	printf("%s: %s \u2192 %s", short_id(id, sid), status_label(res.before.status),
	       status_label(res.after.status));
	if (res.after.reason[0])
		printf(" (%s)", res.after.reason);
	if (c->has_amount) {
		char amount[32];

		printf(" \u00b7 %s", lq_amount_format(c->amount, amount, sizeof amount));
	}
	printf("%s\n", held);
	return 0;
}

static int cmd_touch(struct lq_session *s, const struct lq_cli_cmd *c)
{
	char id[LQ_UUID_SIZE], sid[16], held[160];
	struct lq_act_result res;
	struct lq_change ch;
	int rc = resolve(s, c->id, id);
	if (rc != 0)
		return rc;
	memset(&ch, 0, sizeof(ch));
	ch.kind = LQ_CHANGE_TOUCH;
	ch.touch = c->touch;
	ch.outcome = c->outcome;
	ch.text = c->text;
	ch.at = lq_os_now();
	rc = run_act(s, id, &ch, &res);
	if (rc != 0)
		return rc;
	held_suffix(s, held, sizeof(held));
	printf("%s: %s \u00b7 %s, ", short_id(id, sid), _(lq_touch_label(c->touch)),
	       _(lq_outcome_label(c->outcome)));
	printf(_("touch %d"), res.after.touches);
	if (res.before.status != res.after.status)
		printf("; %s \u2192 %s", status_label(res.before.status),
		       status_label(res.after.status));
	printf("%s\n", held);
	return 0;
}

static int cmd_note(struct lq_session *s, const struct lq_cli_cmd *c)
{
	char id[LQ_UUID_SIZE], sid[16];
	struct lq_act_result res;
	struct lq_change ch;
	int rc = resolve(s, c->id, id);
	if (rc != 0)
		return rc;
	memset(&ch, 0, sizeof(ch));
	ch.kind = LQ_CHANGE_NOTE;
	ch.text = c->note;
	ch.at = lq_os_now();
	rc = run_act(s, id, &ch, &res);
	if (rc != 0)
		return rc;
	printf("%s: %s\n", short_id(id, sid), _("note added"));
	return 0;
}

static int cmd_undo(struct lq_session *s)
{
	char sid[16];
	char *err = NULL;
	struct lq_act_result res;

	memset(&res, 0, sizeof(res));
	enum lq_store_rc rc = lq_store_undo_last(s->store, &s->act, lq_os_now(), &res, &err);
	if (rc == LQ_STORE_NOTFOUND) {
		free(err);
		error_line("%s", _("nothing to undo"));
		return 1;
	}
	if (rc != LQ_STORE_OK) {
		int code = act_failed(s, res.lead_id, rc, &res, err);
		free(err);
		return code;
	}
	free(err);
	if (res.before.status != res.after.status)
		printf("%s: %s \u2192 %s (%s)\n", short_id(res.lead_id, sid),
		       status_label(res.before.status), status_label(res.after.status), _("undone"));
	else
		printf("%s: %s\n", short_id(res.lead_id, sid), _("last change undone"));
	return 0;
}

/* --- reassign ------------------------------------------------------------- */

struct find_login {
	const char *login;
	struct lq_user *out;
	bool found, failed;
};

static int find_login_cb(void *ctx, const struct lq_user *u)
{
	struct find_login *f = ctx;

	if (!u->login || strcmp(u->login, f->login) != 0)
		return 0;
	f->found = true;
	memcpy(f->out->id, u->id, LQ_UUID_SIZE);
	f->out->login = u->login ? strdup(u->login) : NULL;
	f->out->team_id = u->team_id ? strdup(u->team_id) : NULL;
	f->out->active = u->active;
	f->out->role = u->role;
	f->failed = !f->out->login || (u->team_id && !f->out->team_id);
	return 1;
}

static int cmd_reassign(struct lq_session *s, const struct lq_cli_cmd *c)
{
	char id[LQ_UUID_SIZE], sid[16];
	struct find_login find;
	struct lq_act_result res;
	struct lq_lead lead;
	struct lq_user owner;
	char *err = NULL;
	int rc;

	if (s->user.role != LQ_ROLE_LEAD && !lq_session_is_dispatcher(s)) {
		error_line(_("reassign: only a team lead reassigns leads (you are %s: %s)"),
			   s->user.login ? s->user.login : "?", _(lq_role_label(s->user.role)));
		return 1;
	}
	rc = resolve(s, c->id, id);
	if (rc != 0)
		return rc;
	lq_user_init(&owner);
	memset(&find, 0, sizeof(find));
	find.login = c->owner_login;
	find.out = &owner;
	if (lq_store_each_user(s->store, find_login_cb, &find) != LQ_STORE_OK || find.failed) {
		error_line("%s: %s", s->db_path, find.failed ? _("out of memory") :
			   lq_store_errmsg(s->store));
		lq_user_clear(&owner);
		return 1;
	}
	lq_lead_init(&lead);
	rc = 0;
	if (!find.found) {
		error_line(_("%s: no such user in your team"), c->owner_login);
		rc = 1;
	} else if (!owner.active) {
		error_line(_("%s: this user is disabled"), c->owner_login);
		rc = 1;
	} else if (lq_store_get_lead(s->store, id, &lead) == LQ_STORE_OK &&
		   (!owner.team_id || !lead.team_id || strcmp(owner.team_id, lead.team_id) != 0)) {
		error_line(_("%s: %s is not in the lead's team"), short_id(id, sid), c->owner_login);
		rc = 1;
	} else if (lead.owner_id && strcmp(lead.owner_id, owner.id) == 0) {
		error_line(_("%s: %s owns this lead already"), short_id(id, sid), c->owner_login);
		rc = 1;
	}
	lq_lead_clear(&lead);
	if (rc == 0) {
		memset(&res, 0, sizeof(res));
		enum lq_store_rc src = lq_store_reassign(s->store, &s->act, id, owner.id, c->reason,
							 lq_os_now(), &res, &err);
		if (src == LQ_STORE_INVALID) {
			error_line("%s: %s", short_id(id, sid), err ? err : "?");
			rc = 1;
		} else if (src != LQ_STORE_OK) {
			rc = act_failed(s, id, src, &res, err);
		} else {
			printf(_("%s: reassigned to %s"), short_id(id, sid), owner.login);
			fputc('\n', stdout);
		}
	}
	free(err);
	lq_user_clear(&owner);
	return rc;
}

/* --- book ----------------------------------------------------------------- */

static int cmd_book(struct lq_session *s, const struct lq_cli_cmd *c)
{
	char id[LQ_UUID_SIZE], sid[16], when[64];
	struct find_login find;
	struct lq_act_result res;
	struct lq_lead lead;
	struct lq_user rep;
	lq_time start;
	char *err = NULL;
	int rc;

	if (!lq_time_parse(c->at, &start)) {
		error_line(_("book: --at '%s': expected a time such as 2027-01-05T10:00:00+01:00"),
			   c->at);
		return 2;
	}
	rc = resolve(s, c->id, id);
	if (rc != 0)
		return rc;
	lq_user_init(&rep);
	memset(&find, 0, sizeof(find));
	find.login = c->owner_login;
	find.out = &rep;
	if (lq_store_each_user(s->store, find_login_cb, &find) != LQ_STORE_OK || find.failed) {
		error_line("%s: %s", s->db_path, lq_store_errmsg(s->store));
		lq_user_clear(&rep);
		return 1;
	}
	if (!find.found || !rep.active) {
		error_line(_("%s: no such active rep in this cache"), c->owner_login);
		lq_user_clear(&rep);
		return 1;
	}
	/* The lead's own zone is the one the time is agreed in. */
	lq_lead_init(&lead);
	lq_store_get_lead(s->store, id, &lead);
	rc = lq_store_book(s->store, id, rep.id, start,
			   start + (lq_time)(c->minutes > 0 ? c->minutes : 30) * LQ_MINUTE,
			   lead.tz, c->mode, c->text, lq_os_now(), &res, &err);
	if (rc != LQ_STORE_OK) {
		error_line(_("%s: the booking was not queued: %s"), short_id(id, sid),
			   err ? err : lq_store_errmsg(s->store));
		free(err);
		lq_lead_clear(&lead);
		lq_user_clear(&rep);
		return 1;
	}
	printf(_("%s: %s with %s booked, pending until the server accepts it\n"), short_id(id, sid),
	       local_time(s, start, when, sizeof when), rep.login);
	lq_lead_clear(&lead);
	lq_user_clear(&rep);
	return 0;
}

/* TIME for a callback: RFC 3339 as is, or a wall time ("YYYY-MM-DD HH:MM",
 * "HH:MM": lq_civil_parse_wall) in zone (the lead's; UTC when it has none). */
static bool callback_time(const char *text, const char *zone, lq_time now, lq_time *out)
{
	struct lq_civil c, today;
	struct lq_tz *tz;
	char *err = NULL;

	if (lq_time_parse(text, out))
		return true;
	tz = zone && *zone ? lq_os_tz_load(zone, &err) : NULL;
	free(err);
	if (!tz)
		tz = lq_tz_fixed("UTC", 0);
	if (!tz)
		return false;
	lq_tz_to_local(tz, now, &today);
	*out = lq_civil_parse_wall(text, &today, &c) ? lq_tz_from_local(tz, &c) : LQ_TIME_NONE;
	lq_tz_free(&tz);
	return *out != LQ_TIME_NONE;
}

static int cmd_callback(struct lq_session *s, const struct lq_cli_cmd *c)
{
	char id[LQ_UUID_SIZE], sid[16], when[64];
	struct lq_act_result res;
	struct lq_lead lead;
	lq_time at = LQ_TIME_NONE;
	char *err = NULL;
	int rc = resolve(s, c->id, id);

	if (rc != 0)
		return rc;
	lq_lead_init(&lead);
	lq_store_get_lead(s->store, id, &lead);
	if (!c->cancel && !callback_time(c->at, lead.tz, lq_os_now(), &at)) {
		error_line(_("callback: --at '%s': expected the lead's local time such as "
			     "2027-01-05 10:00, or 2027-01-05T10:00:00+01:00"), c->at);
		lq_lead_clear(&lead);
		return 2;
	}
	lq_lead_clear(&lead);
	rc = lq_store_callback(s->store, &s->act, id, at, !c->team, c->text, lq_os_now(), &res,
			       &err);
	if (rc != LQ_STORE_OK) {
		rc = act_failed(s, id, rc, &res, err);
		free(err);
		return rc;
	}
	free(err);
	if (c->cancel)
		printf(_("%s: callback cancelled\n"), short_id(id, sid));
	else if (c->team)
		printf(_("%s: callback for the team at %s\n"), short_id(id, sid),
		       local_time(s, at, when, sizeof when));
	else
		printf(_("%s: callback for you at %s\n"), short_id(id, sid),
		       local_time(s, at, when, sizeof when));
	return 0;
}

/* --- login and sync ------------------------------------------------------------ */

bool lq_cli_needs_session(const struct lq_cli_cmd *c)
{
	return c->verb != V_LOGIN;
}

/* One line of the password: from stdin, or from the terminal with echo off. */
static char *read_password(bool from_stdin)
{
	char buf[1024];
	struct termios old, quiet;
	FILE *in = stdin;
	bool tty = false;
	size_t n;
	char *ok;

	if (!from_stdin) {
		in = fopen("/dev/tty", "r+");
		if (!in) {
			error_line("%s", _("login: no terminal to ask for the password (use --password-stdin)"));
			return NULL;
		}
		fputs(_("Password: "), stderr);
		fflush(stderr);
		if (tcgetattr(fileno(in), &old) == 0) {
			quiet = old;
			quiet.c_lflag &= (tcflag_t)~ECHO;
			tty = tcsetattr(fileno(in), TCSAFLUSH, &quiet) == 0;
		}
	}
	ok = fgets(buf, sizeof buf, in);
	if (tty) {
		tcsetattr(fileno(in), TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (in != stdin)
		fclose(in);
	if (!ok)
		return NULL;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	ok = strdup(buf);
	memset(buf, 0, sizeof buf);
	return ok;
}

static int write_token(const char *path, const char *token)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(token);

	if (fd < 0)
		return -1;
	/* An older file may have had another mode. */
	if (fchmod(fd, 0600) != 0 || write(fd, token, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Writes "server = SERVER" into the config, keeping every other line. */
static int write_server(const char *path, const char *server)
{
	char *tmp = lq_os_asprintf("%s.tmp", path);
	FILE *in, *out;
	char line[4096];
	bool done = false;
	int rc = 0;

	if (!tmp)
		return -1;
	out = fopen(tmp, "w");
	if (!out) {
		free(tmp);
		return -1;
	}
	in = fopen(path, "r");
	while (in && fgets(line, sizeof line, in)) {
		const char *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "server", 6) == 0 && strchr(" \t=", p[6])) {
			if (!done)
				fprintf(out, "server = %s\n", server);
			done = true;
			continue;
		}
		fputs(line, out);
	}
	if (in)
		fclose(in);
	if (!done)
		fprintf(out, "server = %s\n", server);
	if (fclose(out) != 0 || rename(tmp, path) != 0)
		rc = -1;
	free(tmp);
	return rc;
}

/* The cache of the server: its user from the login answer. */
static int setup_cache(const char *server, json_t *user_json, char **db_out)
{
	char *data = lq_os_xdg_dir("data");
	char *name = lq_session_server_name(server);
	char *path = data && name ? lq_os_asprintf("%s/%s.db", data, name) : NULL;
	struct lq_store *st = NULL;
	char *err = NULL, why[256];
	int rc = 1;

	*db_out = path;
	if (!path || lq_os_mkdir_p(data, 0700) != 0) {
		error_line("%s: %s", data ? data : "XDG_DATA_HOME", strerror(errno ? errno : ENOMEM));
		goto out;
	}
	if (lq_store_open(path, &st, &err) != LQ_STORE_OK) {
		error_line("%s", err ? err : path);
		goto out;
	}
	if (lq_session_adopt_user(st, server, user_json, why, sizeof why) != 0) {
		error_line(_("login: %s: %s"), path, why);
		goto out;
	}
	rc = 0;
out:
	free(err);
	lq_store_close(&st);
	free(data);
	free(name);
	return rc;
}

int lq_cli_login(const struct lq_cli_cmd *c, const char *config_path)
{
	const char *server = c->id;
	char *password, *token = NULL, *err = NULL, *dir = NULL, *tpath = NULL, *cpath = NULL;
	char *db = NULL;
	json_t *user = NULL;
	int rc;

	password = read_password(c->password_stdin);
	if (!password) {
		error_line("%s", _("login: no password given"));
		return 1;
	}
	rc = lq_sync_login(server, c->login_user, password, &token, &user, &err);
	memset(password, 0, strlen(password));
	free(password);
	if (rc != 0) {
		error_line(rc == 2 ? _("login refused: %s") : _("cannot reach the server: %s"),
			   err ? err : server);
		free(err);
		return 1;
	}
	rc = 1;
	dir = lq_os_xdg_dir("config");
	tpath = lq_session_token_path(server);
	if (!dir || !tpath || lq_os_mkdir_p(dir, 0700) != 0) {
		error_line("%s: %s", dir ? dir : "XDG_CONFIG_HOME", strerror(errno ? errno : ENOMEM));
		goto out;
	}
	if (write_token(tpath, token) != 0) {
		error_line("%s: %s", tpath, strerror(errno));
		goto out;
	}
	cpath = config_path ? strdup(config_path) : lq_os_asprintf("%s/config", dir);
	if (!cpath || write_server(cpath, server) != 0) {
		error_line("%s: %s", cpath ? cpath : "config", strerror(errno ? errno : ENOMEM));
		goto out;
	}
	if (setup_cache(server, user, &db) != 0)
		goto out;
	printf(_("logged in as %s on %s\n"),
	       json_string_value(json_object_get(user, "login")) ?
	       json_string_value(json_object_get(user, "login")) : c->login_user, server);
	rc = 0;
out:
	if (token)
		memset(token, 0, strlen(token));
	free(token);
	json_decref(user);
	free(dir);
	free(tpath);
	free(cpath);
	free(db);
	return rc;
}

static void print_problem(void *ctx, const struct lq_sync_problem *p)
{
	(void)ctx;
	/* One line each: the lead, what, why. */
	error_line("%s: %s %s: %s", p->lead_name ? p->lead_name : p->lead_id, p->kind,
		   strcmp(p->result, "conflict") == 0 ? _("conflict") : _("rejected"), p->message);
}

static int cmd_sync(struct lq_session *s)
{
	struct lq_sync_status st;
	int rc;

	if (!s->server) {
		error_line("%s", _("sync: no server configured (run leadq login SERVER USER)"));
		return 2;
	}
	if (!s->token) {
		error_line(_("sync: no token for %s (run leadq login SERVER USER)"), s->server);
		return 1;
	}
	rc = lq_session_sync_once(s, print_problem, NULL, &st);
	if (st.auth_failed) {
		error_line(_("sync: the server refused the token: log in again (leadq login %s USER)"),
			   s->server);
		return 1;
	}
	if (rc == 1) {
		error_line(_("sync: cannot reach the server: %s"), st.error);
		return 1;
	}
	return rc;
}

int lq_cli_exec(struct lq_session *s, const struct lq_cli_cmd *c)
{
	switch (c->verb) {
	case V_LIST: return cmd_list(s, c);
	case V_SHOW: return cmd_show(s, c);
	case V_SET: return cmd_set(s, c);
	case V_TOUCH: return cmd_touch(s, c);
	case V_NOTE: return cmd_note(s, c);
	case V_UNDO: return cmd_undo(s);
	case V_SYNC: return cmd_sync(s);
	case V_REASSIGN: return cmd_reassign(s, c);
	case V_BOOK: return cmd_book(s, c);
	case V_CALLBACK: return cmd_callback(s, c);
	case V_LOGIN:
		break;
	}
	return 2;
}
