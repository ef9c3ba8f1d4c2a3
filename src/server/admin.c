/* leadq — leadqd's command line: a table of commands (name, usage, exec),
 * as tmux's cmd-*.c; `serve` is one row, the admin subcommands the others.
 * Exit codes: 0 ok, 1 runtime failure, 2 usage. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leadq/codec.h"
#include "leadq/csv.h"
#include "leadq/funnel.h"
#include "leadq/i18n.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "leadq/rules.h"
#include "leadq/seed.h"
#include "server/server.h"

#define DEFAULT_CONFIG "/etc/leadq/leadqd.conf"
#define OPT_MAX 16
#define POS_MAX 4

/* Parsed options of one command: --name VALUE, --name=VALUE, or a flag. */
struct opts {
	const char *name[OPT_MAX];
	const char *value[OPT_MAX];
	int n;
	const char *pos[POS_MAX];
	int npos;
	char *db;                       /* resolved: --db, LEADQD_DB, the config */
	char *listen, *max_body;        /* from the config */
	char *smtp_url, *smtp_from;     /* from the config */
	char *webhook_url, *webhook_secret, *mautic_secret, *mautic_mql_points;
};

struct cmd {
	const char *name;               /* "user add" */
	const char *usage;              /* arguments after the name */
	const char *options;            /* "name:,role:,password-stdin" (':' takes a value) */
	int npos;                       /* positional arguments required */
	int (*exec)(struct opts *o);
};

static const char *cmd_name = "leadqd";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "leadqd %s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SRV_EXIT_USAGE;
}

static int failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int failure(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "leadqd %s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SRV_EXIT_FAIL;
}

static const char *opt(const struct opts *o, const char *name)
{
	int i;

	for (i = o->n - 1; i >= 0; i--)
		if (strcmp(o->name[i], name) == 0)
			return o->value[i];
	return NULL;
}

/* Whether spec ("a:,b") has name; *takes_value when it ends in ':'. */
static bool spec_has(const char *spec, const char *name, size_t len, bool *takes_value)
{
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		bool val = n > 0 && p[n - 1] == ':';

		if ((val ? n - 1 : n) == len && strncmp(p, name, len) == 0) {
			*takes_value = val;
			return true;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static int parse_opts(const struct cmd *c, int argc, char **argv, struct opts *o)
{
	char spec[256];
	int i;

	snprintf(spec, sizeof spec, "db:,config:,%s", c->options);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) == 0 && a[2]) {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			bool takes;

			if (!spec_has(spec, name, len, &takes))
				return usage_error(_("unknown option '%s' (see --help)"), a);
			if (o->n == OPT_MAX)
				return usage_error(_("too many options"));
			o->name[o->n] = name;
			if (takes && eq) {
				o->value[o->n] = eq + 1;
			} else if (takes) {
				if (i + 1 >= argc)
					return usage_error(_("option '%s' needs a value"), a);
				o->value[o->n] = argv[++i];
			} else if (eq) {
				return usage_error(_("option '--%.*s' takes no value"), (int)len, name);
			} else {
				o->value[o->n] = "1";
			}
			/* Terminate the name in place of '=' without writing argv. */
			if (eq) {
				static char names[OPT_MAX][64];

				snprintf(names[o->n], sizeof names[o->n], "%.*s", (int)len, name);
				o->name[o->n] = names[o->n];
			}
			o->n++;
		} else if (a[0] == '-' && a[1]) {
			return usage_error(_("unknown option '%s' (see --help)"), a);
		} else {
			if (o->npos == POS_MAX || o->npos >= c->npos)
				return usage_error(_("unexpected argument '%s'"), a);
			o->pos[o->npos++] = a;
		}
	}
	if (o->npos < c->npos)
		return usage_error(_("missing argument (usage: leadqd %s %s)"), c->name, c->usage);
	return 0;
}

/* Reads "key = value" lines; the keys db, listen and max_body. */
static int read_config(const char *path, struct opts *o, bool must_exist)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0;

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		return failure("%s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof line, f)) {
		char *p = line, *eq, *key_end, *val, *end;
		char **slot;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		eq = strchr(p, '=');
		if (!eq) {
			fclose(f);
			return usage_error(_("%s:%d: expected key = value"), path, lineno);
		}
		key_end = eq;
		while (key_end > p && (key_end[-1] == ' ' || key_end[-1] == '\t'))
			key_end--;
		*key_end = '\0';
		val = eq + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		end = val + strlen(val);
		while (end > val && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
			*--end = '\0';
		if (strcmp(p, "db") == 0)
			slot = &o->db;
		else if (strcmp(p, "listen") == 0)
			slot = &o->listen;
		else if (strcmp(p, "max_body") == 0)
			slot = &o->max_body;
		else if (strcmp(p, "smtp_url") == 0)
			slot = &o->smtp_url;
		else if (strcmp(p, "smtp_from") == 0)
			slot = &o->smtp_from;
		else if (strcmp(p, "webhook_url") == 0)
			slot = &o->webhook_url;
		else if (strcmp(p, "webhook_secret") == 0)
			slot = &o->webhook_secret;
		else if (strcmp(p, "mautic_secret") == 0)
			slot = &o->mautic_secret;
		else if (strcmp(p, "mautic_mql_points") == 0)
			slot = &o->mautic_mql_points;
		else {
			fclose(f);
			return usage_error(_("%s:%d: unknown setting '%s'"), path, lineno, p);
		}
		free(*slot);
		*slot = strdup(val);
	}
	fclose(f);
	return 0;
}

static int resolve_db(struct opts *o)
{
	const char *config = opt(o, "config");
	const char *db = opt(o, "db");
	const char *env = getenv("LEADQD_DB");
	int rc = read_config(config ? config : DEFAULT_CONFIG, o, config != NULL);

	if (rc)
		return rc;
	if (db || (env && *env)) {
		free(o->db);
		o->db = strdup(db ? db : env);
	}
	if (!o->db || !*o->db)
		return usage_error(_("no database: give --db DB, LEADQD_DB or a config with db = DB"));
	return 0;
}

/* Opens the server state (database and epoch) for an admin command. */
static struct srv *state(struct opts *o)
{
	static struct srv S;

	if (srv_state_open(&S, o->db) != 0)
		return NULL;
	/* leadqd sweep queues mail as serve does when the config names an
	 * SMTP server; serve sends it. */
	S.mail_on = o->smtp_url != NULL;
	/* Likewise outcome events (the sweep's expiries) when it names a webhook. */
	S.hook_on = o->webhook_url != NULL;
	return &S;
}

static int store_failure(struct srv *S, const char *what)
{
	int rc = failure("%s: %s", what, lq_srv_errmsg(S->db));

	lq_srv_rollback(S->db);
	return rc;
}

/* A user or team row in the feed and the audit log, in the open transaction. */
static enum lq_store_rc record_org(struct srv *S, const char *type, const char *id,
				   const char *team_id, const char *action, json_t *after)
{
	struct lq_srv_feed f = { 0, type, id, NULL, NULL, team_id, NULL, NULL };
	char *text = after ? json_dumps(after, JSON_COMPACT) : NULL;
	enum lq_store_rc rc;
	int64_t seq;

	json_decref(after);
	rc = lq_srv_feed_add(S->db, &f, &seq);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_audit_add(S->db, "admin", action, type, id, NULL, text, lq_os_now());
	free(text);
	return rc;
}

static bool read_password(char *buf, size_t size)
{
	size_t n;

	if (!fgets(buf, (int)size, stdin))
		return false;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n > 0;
}

/* --- the commands ---------------------------------------------------------------- */

static int exec_init(struct opts *o)
{
	struct srv *S = state(o);

	if (!S)
		return SRV_EXIT_FAIL;
	printf(_("initialized %s (epoch %s)\n"), o->db, S->epoch);
	srv_state_close(S);
	return SRV_EXIT_OK;
}

/* --callback-release MINUTES (1..10080): how long a personal callback may
 * be overdue before the team may make it.  *out stays 0 when absent. */
static bool callback_release_opt(struct opts *o, lq_time *out)
{
	const char *text = opt(o, "callback-release");
	char *end;
	unsigned long v;

	*out = 0;
	if (!text)
		return true;
	v = strtoul(text, &end, 10);
	if (*end || end == text || v < 1 || v > 10080) {
		usage_error(_("--callback-release '%s': expected minutes, 1..10080"), text);
		return false;
	}
	*out = (lq_time)v * LQ_MINUTE;
	return true;
}

static int exec_serve(struct opts *o)
{
	struct srv_serve_opts so = { .db = o->db, .listen = "127.0.0.1:8750",
				     .max_body = 8u << 20, .max_connections = 256,
				     .timeout_s = 90, .sweep_interval_s = 60 };
	const char *listen = opt(o, "listen") ? opt(o, "listen") : o->listen;
	const char *max_body = opt(o, "max-body") ? opt(o, "max-body") : o->max_body;
	const char *conns = opt(o, "max-connections");
	const char *sweep = opt(o, "sweep-interval");
	char *end;

	so.smtp_url = opt(o, "smtp-url") ? opt(o, "smtp-url") : o->smtp_url;
	so.smtp_from = opt(o, "smtp-from") ? opt(o, "smtp-from") : o->smtp_from;
	if (so.smtp_url && (!so.smtp_from || !strchr(so.smtp_from, '@')))
		return usage_error(_("--smtp-url needs --smtp-from ADDRESS (or smtp_from in the "
				     "config)"));
	so.webhook_url = opt(o, "webhook-url") ? opt(o, "webhook-url") : o->webhook_url;
	so.webhook_secret = opt(o, "webhook-secret") ? opt(o, "webhook-secret")
						     : o->webhook_secret;
	if (so.webhook_url && strncmp(so.webhook_url, "http://", 7) != 0 &&
	    strncmp(so.webhook_url, "https://", 8) != 0)
		return usage_error(_("--webhook-url '%s': expected an http:// or https:// URL"),
				   so.webhook_url);
	so.mautic_secret = opt(o, "mautic-secret") ? opt(o, "mautic-secret") : o->mautic_secret;
	{
		const char *points = opt(o, "mautic-mql-points") ? opt(o, "mautic-mql-points")
								 : o->mautic_mql_points;

		if (points) {
			unsigned long v = strtoul(points, &end, 10);

			if (*end || end == points || v > 1000000)
				return usage_error(_("--mautic-mql-points '%s': expected 0..1000000"),
						   points);
			so.mautic_mql_points = (int)v;
		}
	}

	if (listen)
		so.listen = listen;
	if (max_body) {
		unsigned long long v = strtoull(max_body, &end, 10);

		if (*end || end == max_body || v < 1024 || v > (1ull << 32))
			return usage_error(_("--max-body '%s': expected bytes, 1024 or more"), max_body);
		so.max_body = (size_t)v;
	}
	if (conns) {
		unsigned long v = strtoul(conns, &end, 10);

		if (*end || end == conns || v < 1 || v > 65536)
			return usage_error(_("--max-connections '%s': expected 1..65536"), conns);
		so.max_connections = (unsigned)v;
	}
	if (sweep) {
		unsigned long v = strtoul(sweep, &end, 10);

		if (*end || end == sweep || v > 86400)
			return usage_error(_("--sweep-interval '%s': expected seconds, 0..86400"),
					   sweep);
		so.sweep_interval_s = (unsigned)v;
	}
	if (!callback_release_opt(o, &so.callback_release))
		return SRV_EXIT_USAGE;
	return srv_serve(&so);
}

static int exec_sweep(struct opts *o)
{
	const char *when = opt(o, "now");
	struct srv_sweep_counts n;
	struct srv *S;
	lq_time now = lq_os_now();
	int rc;

	lq_time release;

	if (when && !lq_time_parse(when, &now))
		return usage_error(_("--now '%s': expected an RFC 3339 time"), when);
	if (!callback_release_opt(o, &release))
		return SRV_EXIT_USAGE;
	S = state(o);
	if (!S)
		return SRV_EXIT_FAIL;
	if (release > 0)
		S->callback_release = release;
	rc = srv_sweep(S, now, &n) == 0 ? SRV_EXIT_OK : SRV_EXIT_FAIL;
	/* Read by scripts: the counts, never translated. */
	printf("breach_notified %d\nbreach_reassigned %d\nexpired %d\ncallback_released %d\n",
	       n.breaches_notified, n.breaches_reassigned, n.expired, n.callbacks_released);
	srv_state_close(S);
	return rc;
}

static int exec_user_add(struct opts *o)
{
	const char *login = o->pos[0], *name = opt(o, "name"), *role = opt(o, "role");
	const char *team = opt(o, "team"), *tz = opt(o, "tz");
	struct lq_user u;
	struct lq_team t;
	struct srv *S;
	char pw[1024], hash[SRV_PWHASH_SIZE];
	bool with_pw = opt(o, "password-stdin") != NULL, have_team = false;
	int rc = SRV_EXIT_OK;
	enum lq_store_rc src;

	if (!name || !*name)
		return usage_error(_("--name NAME is required"));
	if (!role || lq_role_parse(role) < 0)
		return usage_error(_("--role: expected rep, lead, telequal or admin"));
	if (with_pw && !read_password(pw, sizeof pw))
		return failure(_("no password on standard input"));
	S = state(o);
	if (!S)
		return SRV_EXIT_FAIL;
	lq_user_init(&u);
	lq_team_init(&t);
	if (team) {
		src = lq_srv_team_get(S->db, team, true, &t, NULL);
		if (src == LQ_STORE_NOTFOUND)
			src = lq_srv_team_get(S->db, team, false, &t, NULL);
		if (src == LQ_STORE_NOTFOUND) {
			rc = failure(_("--team: no team '%s' (add it with leadqd team add)"), team);
			goto out;
		}
		if (src != LQ_STORE_OK) {
			rc = failure("%s", lq_srv_errmsg(S->db));
			goto out;
		}
		have_team = true;
	}
	src = lq_srv_user_get(S->db, login, true, &u, NULL, NULL);
	if (src == LQ_STORE_OK) {
		rc = failure(_("a user '%s' exists already"), login);
		goto out;
	}
	lq_user_clear(&u);
	lq_os_uuid(u.id);
	u.role = (enum lq_role)lq_role_parse(role);
	if (!lq_lead_set_str(&u.login, login) || !lq_lead_set_str(&u.name, name) ||
	    !lq_lead_set_str(&u.tz, tz ? tz : have_team && t.tz ? t.tz : "UTC") ||
	    (have_team && !lq_lead_set_str(&u.team_id, t.id))) {
		rc = failure(_("out of memory"));
		goto out;
	}
	if (tz) {
		char *err = NULL;

		if (!srv_zone(S, tz, &err)) {
			rc = failure("--tz: %s", err ? err : tz);
			free(err);
			goto out;
		}
	}
	if (with_pw && !srv_password_hash(pw, hash)) {
		rc = failure(_("out of memory"));
		goto out;
	}
	if (lq_srv_begin(S->db) != LQ_STORE_OK ||
	    lq_srv_user_put(S->db, &u) != LQ_STORE_OK ||
	    (with_pw && lq_srv_user_set_password(S->db, u.id, hash) != LQ_STORE_OK) ||
	    record_org(S, "user", u.id, u.team_id, "user_add", lq_user_to_json(&u)) != LQ_STORE_OK ||
	    lq_srv_commit(S->db) != LQ_STORE_OK) {
		rc = store_failure(S, login);
		goto out;
	}
	printf(_("added user %s (%s)\n"), login, u.id);
out:
	lq_user_clear(&u);
	lq_team_clear(&t);
	srv_state_close(S);
	return rc;
}

struct list_ctx {
	struct srv *S;
};

static int list_one(void *ctx, const struct lq_user *u)
{
	struct list_ctx *lc = ctx;
	struct lq_team t;
	bool team = false;

	lq_team_init(&t);
	if (u->team_id && lq_srv_team_get(lc->S->db, u->team_id, false, &t, NULL) == LQ_STORE_OK)
		team = true;
	printf("%s\t%s\t%s\t%s\t%s\n", u->login ? u->login : "", u->name ? u->name : "",
	       lq_role_wire(u->role), team && t.name ? t.name : "-",
	       u->active ? "active" : "disabled");
	lq_team_clear(&t);
	return 0;
}

static int exec_user_list(struct opts *o)
{
	struct srv *S = state(o);
	struct list_ctx lc;
	int rc = SRV_EXIT_OK;

	if (!S)
		return SRV_EXIT_FAIL;
	lc.S = S;
	if (lq_srv_user_each(S->db, list_one, &lc) != LQ_STORE_OK)
		rc = failure("%s", lq_srv_errmsg(S->db));
	srv_state_close(S);
	return rc;
}

/* The user named by the first argument, for disable/passwd/revoke. */
static int load_user(struct srv *S, const char *login, struct lq_user *u)
{
	enum lq_store_rc rc = lq_srv_user_get(S->db, login, true, u, NULL, NULL);

	if (rc == LQ_STORE_NOTFOUND)
		return failure(_("no user '%s'"), login);
	if (rc != LQ_STORE_OK)
		return failure("%s", lq_srv_errmsg(S->db));
	return 0;
}

static int exec_user_disable(struct opts *o)
{
	struct srv *S = state(o);
	struct lq_user u;
	int rc, revoked = 0;

	if (!S)
		return SRV_EXIT_FAIL;
	lq_user_init(&u);
	rc = load_user(S, o->pos[0], &u);
	if (rc == 0) {
		u.active = false;
		if (lq_srv_begin(S->db) != LQ_STORE_OK || lq_srv_user_put(S->db, &u) != LQ_STORE_OK ||
		    lq_srv_tokens_revoke(S->db, u.id, lq_os_now(), &revoked) != LQ_STORE_OK ||
		    record_org(S, "user", u.id, u.team_id, "user_disable",
			       lq_user_to_json(&u)) != LQ_STORE_OK ||
		    lq_srv_commit(S->db) != LQ_STORE_OK)
			rc = store_failure(S, o->pos[0]);
		else
			printf(_("disabled user %s\n"), o->pos[0]);
	}
	lq_user_clear(&u);
	srv_state_close(S);
	return rc;
}

static int exec_user_passwd(struct opts *o)
{
	char pw[1024], hash[SRV_PWHASH_SIZE];
	struct lq_user u;
	struct srv *S;
	int rc;

	if (!read_password(pw, sizeof pw))
		return failure(_("no password on standard input"));
	S = state(o);
	if (!S)
		return SRV_EXIT_FAIL;
	lq_user_init(&u);
	rc = load_user(S, o->pos[0], &u);
	if (rc == 0 && !srv_password_hash(pw, hash))
		rc = failure(_("out of memory"));
	if (rc == 0) {
		if (lq_srv_begin(S->db) != LQ_STORE_OK ||
		    lq_srv_user_set_password(S->db, u.id, hash) != LQ_STORE_OK ||
		    lq_srv_audit_add(S->db, "admin", "user_passwd", "user", u.id, NULL, NULL,
				     lq_os_now()) != LQ_STORE_OK ||
		    lq_srv_commit(S->db) != LQ_STORE_OK)
			rc = store_failure(S, o->pos[0]);
		else
			printf(_("changed the password of %s\n"), o->pos[0]);
	}
	lq_user_clear(&u);
	srv_state_close(S);
	return rc;
}

/* A new secret URL for the user's calendar feed; the old one stops working. */
static int exec_user_calendar(struct opts *o)
{
	struct srv *S = state(o);
	struct lq_user u;
	char token[SRV_TOKEN_SIZE], hash[SRV_HASH_HEX];
	int rc;

	if (!S)
		return SRV_EXIT_FAIL;
	lq_user_init(&u);
	rc = load_user(S, o->pos[0], &u);
	if (rc == 0) {
		srv_token_new(token);
		srv_sha256_hex(token, strlen(token), hash);
		if (lq_srv_begin(S->db) != LQ_STORE_OK ||
		    lq_srv_calendar_token_put(S->db, u.id, hash, lq_os_now()) != LQ_STORE_OK ||
		    lq_srv_audit_add(S->db, "admin", "calendar_token", "user", u.id, NULL, NULL,
				     lq_os_now()) != LQ_STORE_OK ||
		    lq_srv_commit(S->db) != LQ_STORE_OK)
			rc = store_failure(S, o->pos[0]);
		else
			/* Read by scripts: the path to append to the server's address. */
			printf("/api/v1/reps/%s/calendar.ics?token=%s\n", u.id, token);
	}
	lq_user_clear(&u);
	srv_state_close(S);
	return rc;
}

static int exec_user_revoke(struct opts *o)
{
	struct srv *S = state(o);
	struct lq_user u;
	int rc, revoked = 0;

	if (!S)
		return SRV_EXIT_FAIL;
	lq_user_init(&u);
	rc = load_user(S, o->pos[0], &u);
	if (rc == 0) {
		if (lq_srv_begin(S->db) != LQ_STORE_OK ||
		    lq_srv_tokens_revoke(S->db, u.id, lq_os_now(), &revoked) != LQ_STORE_OK ||
		    lq_srv_audit_add(S->db, "admin", "user_revoke", "user", u.id, NULL, NULL,
				     lq_os_now()) != LQ_STORE_OK ||
		    lq_srv_commit(S->db) != LQ_STORE_OK)
			rc = store_failure(S, o->pos[0]);
		else
			printf(P_("revoked %d token of %s\n", "revoked %d tokens of %s\n",
				  (unsigned long)revoked), revoked, o->pos[0]);
	}
	lq_user_clear(&u);
	srv_state_close(S);
	return rc;
}

static int exec_team_add(struct opts *o)
{
	const char *tz = opt(o, "tz") ? opt(o, "tz") : "UTC";
	const char *hours = opt(o, "hours"), *holidays = opt(o, "holidays");
	const char *routing = opt(o, "routing");
	struct lq_srv_team_rules tr;
	struct lq_calendar cal;
	struct lq_team t;
	struct srv *S;
	char msg[200];
	char *err = NULL;
	const struct lq_tz *zone;
	int rc = SRV_EXIT_OK;

	if (routing && strcmp(routing, "direct") != 0 && strcmp(routing, "round_robin") != 0 &&
	    strcmp(routing, "single_contact") != 0)
		return usage_error(_("--routing: expected direct, round_robin or single_contact"));
	S = state(o);
	if (!S)
		return SRV_EXIT_FAIL;
	lq_team_init(&t);
	zone = srv_zone(S, tz, &err);
	if (!zone) {
		rc = failure("--tz: %s", err ? err : tz);
		free(err);
		goto out;
	}
	lq_calendar_default(&cal, zone);
	if (hours && !lq_calendar_parse_hours(&cal, hours, msg, sizeof msg)) {
		rc = failure("--hours: %s", msg);
		goto out;
	}
	if (holidays && !lq_calendar_parse_holidays(&cal, holidays, msg, sizeof msg)) {
		rc = failure("--holidays: %s", msg);
		goto out;
	}
	if (lq_srv_team_get(S->db, o->pos[0], true, &t, NULL) == LQ_STORE_OK) {
		rc = failure(_("a team '%s' exists already"), o->pos[0]);
		goto out;
	}
	lq_team_clear(&t);
	lq_os_uuid(t.id);
	if (!lq_lead_set_str(&t.name, o->pos[0]) || !lq_lead_set_str(&t.tz, tz) ||
	    !lq_lead_set_str(&t.hours, hours) || !lq_lead_set_str(&t.holidays, holidays)) {
		rc = failure(_("out of memory"));
		goto out;
	}
	/* The SLA sweep acts on the team's deadlines from its creation on. */
	if (lq_srv_begin(S->db) != LQ_STORE_OK || lq_srv_team_put(S->db, &t, routing) != LQ_STORE_OK ||
	    lq_srv_team_rules_get(S->db, t.id, &tr) != LQ_STORE_OK) {
		rc = store_failure(S, o->pos[0]);
		goto out;
	}
	tr.actions_since = lq_os_now();
	if (lq_srv_team_rules_set(S->db, t.id, &tr) != LQ_STORE_OK ||
	    record_org(S, "team", t.id, t.id, "team_add", lq_team_to_json(&t)) != LQ_STORE_OK ||
	    lq_srv_commit(S->db) != LQ_STORE_OK) {
		rc = store_failure(S, o->pos[0]);
		goto out;
	}
	printf(_("added team %s (%s)\n"), o->pos[0], t.id);
out:
	lq_team_clear(&t);
	srv_state_close(S);
	return rc;
}

/* --- rules and policies (leadq/rules.h, share/doc/rules.md) --------------- */

#define RULES_FILE_MAX (1024 * 1024)

/* The whole file (malloc'd, NUL-terminated) or NULL after a message: at
 * most max bytes (its size in MiB for the message). */
static char *read_file_max(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		failure("%s: %s", path, strerror(errno));
		return NULL;
	}
	/* Grows as it reads: a pipe or /dev/stdin has no size to ask for. */
	for (;;) {
		if (n == cap) {
			size_t want = cap ? cap * 2 : 64 * 1024;
			char *grown;

			if (want > max + 1)
				want = max + 1;
			grown = want > cap ? realloc(text, want + 1) : NULL;
			if (!grown)
				break;
			text = grown;
			cap = want;
		}
		size_t got = fread(text + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	if (!text || ferror(f) || n > max || !feof(f)) {
		if (text && n > max)
			failure(_("%s: larger than %zu MiB"), path, max >> 20);
		else
			failure("%s: %s", path, ferror(f) ? strerror(errno) : strerror(ENOMEM));
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	*len = n;
	return text;
}

static char *read_file(const char *path, size_t *len)
{
	return read_file_max(path, RULES_FILE_MAX, len);
}

static int exec_rules_import(struct opts *o)
{
	const char *path = o->pos[0];
	struct lq_route_rules rules;
	struct lq_user u;
	struct lq_team t;
	struct srv *S = NULL;
	char err[300];
	char *text;
	size_t len;
	int64_t seq = 0;
	int rc = SRV_EXIT_OK;

	text = read_file(path, &len);
	if (!text)
		return SRV_EXIT_FAIL;
	if (!lq_route_rules_parse(text, len, &rules, err, sizeof err)) {
		free(text);
		return failure("%s: %s", path, err);
	}
	S = state(o);
	if (!S) {
		rc = SRV_EXIT_FAIL;
		goto out;
	}
	/* Every target must exist now; the file is refused whole otherwise. */
	for (size_t i = 0; i < rules.n && rc == SRV_EXIT_OK; i++) {
		const struct lq_route_rule *r = &rules.rule[i];
		enum lq_store_rc found;

		if (r->to_kind == LQ_ROUTE_TO_TEAM) {
			found = lq_srv_team_get(S->db, r->to, true, &t, NULL);
			lq_team_clear(&t);
		} else {
			found = lq_srv_user_get(S->db, r->to, true, &u, NULL, NULL);
			lq_user_clear(&u);
		}
		if (found == LQ_STORE_NOTFOUND)
			rc = failure(r->to_kind == LQ_ROUTE_TO_TEAM
				     ? _("%s: line %d: to: no team named '%s'")
				     : _("%s: line %d: to: no user '%s'"), path, r->line, r->to);
		else if (found != LQ_STORE_OK)
			rc = failure("%s: %s", path, lq_srv_errmsg(S->db));
	}
	if (rc != SRV_EXIT_OK)
		goto out;
	if (lq_srv_begin(S->db) != LQ_STORE_OK ||
	    lq_srv_rules_put(S->db, text, "admin", lq_os_now(), &seq) != LQ_STORE_OK ||
	    lq_srv_audit_add(S->db, "admin", "rules_import", "rules", NULL, NULL, NULL,
			     lq_os_now()) != LQ_STORE_OK ||
	    lq_srv_commit(S->db) != LQ_STORE_OK) {
		rc = store_failure(S, path);
		goto out;
	}
	printf(P_("imported %zu routing rule from %s (rule set #%lld)\n",
			"imported %zu routing rules from %s (rule set #%lld)\n", rules.n),
	       rules.n, path, (long long)seq);
out:
	lq_route_rules_clear(&rules);
	free(text);
	if (S)
		srv_state_close(S);
	return rc;
}

static int exec_rules_show(struct opts *o)
{
	struct srv *S = state(o);
	enum lq_store_rc found;
	int64_t seq = 0;
	char *text = NULL;
	int rc = SRV_EXIT_OK;

	if (!S)
		return SRV_EXIT_FAIL;
	found = lq_srv_rules_get(S->db, &seq, &text);
	if (found == LQ_STORE_NOTFOUND)
		rc = failure(_("no routing rules imported yet (leadqd rules import FILE)"));
	else if (found != LQ_STORE_OK)
		rc = failure("%s", lq_srv_errmsg(S->db));
	else
		fputs(text, stdout);
	lq_free(text);
	srv_state_close(S);
	return rc;
}

/* One policy section onto its team, in the open transaction; SRV_EXIT_OK or
 * the exit code after a message naming the section's line. */
static int apply_policy(struct srv *S, const char *path, const struct lq_team_policy_section *p)
{
	struct lq_team t;
	struct lq_user d;
	struct lq_srv_team_rules tr;
	const struct lq_tz *zone;
	struct lq_calendar cal;
	char msg[200], *err = NULL;
	int rc = SRV_EXIT_OK;

	lq_team_init(&t);
	lq_user_init(&d);
	if (lq_srv_team_get(S->db, p->team, true, &t, NULL) != LQ_STORE_OK) {
		rc = failure(_("%s: line %d: no team named '%s' (leadqd team add)"), path, p->line,
			     p->team);
		goto out;
	}
	if (lq_srv_team_rules_get(S->db, t.id, &tr) != LQ_STORE_OK) {
		rc = failure("%s: %s", path, lq_srv_errmsg(S->db));
		goto out;
	}
	if ((p->tz && !lq_lead_set_str(&t.tz, p->tz)) ||
	    (p->hours && !lq_lead_set_str(&t.hours, p->hours)) ||
	    (p->holidays && !lq_lead_set_str(&t.holidays, p->holidays))) {
		rc = failure(_("out of memory"));
		goto out;
	}
	zone = srv_zone(S, t.tz ? t.tz : "UTC", &err);
	if (!zone) {
		rc = failure(_("%s: line %d: tz: %s"), path, p->line, err ? err : t.tz);
		free(err);
		goto out;
	}
	lq_calendar_default(&cal, zone);
	if ((t.hours && !lq_calendar_parse_hours(&cal, t.hours, msg, sizeof msg)) ||
	    (t.holidays && !lq_calendar_parse_holidays(&cal, t.holidays, msg, sizeof msg))) {
		rc = failure("%s: line %d: %s", path, p->line, msg);
		goto out;
	}
	if (p->first_contact_minutes >= 0)
		t.policy.first_contact_minutes = p->first_contact_minutes;
	if (p->touches_required >= 0)
		t.policy.touches_required = p->touches_required;
	if (p->touch_window_days >= 0)
		t.policy.touch_window_days = p->touch_window_days;
	if (p->at_risk_percent >= 0)
		t.policy.at_risk_percent = p->at_risk_percent;
	if (p->routing >= 0)
		tr.routing = p->routing;
	if (p->on_breach >= 0)
		tr.on_breach = p->on_breach;
	if (p->on_expiry >= 0)
		tr.on_expiry = p->on_expiry;
	/* New actions apply to deadlines from now on, not to old overdue leads. */
	if (p->on_breach >= 0 || p->on_expiry >= 0)
		tr.actions_since = lq_os_now();
	if (p->dispatcher) {
		if (lq_srv_user_get(S->db, p->dispatcher, true, &d, NULL, NULL) != LQ_STORE_OK ||
		    !d.active) {
			rc = failure(_("%s: line %d: dispatcher: no active user '%s'"), path, p->line,
				     p->dispatcher);
			goto out;
		}
		memcpy(tr.dispatcher_id, d.id, LQ_UUID_SIZE);
	}
	if (lq_srv_team_put(S->db, &t, NULL) != LQ_STORE_OK ||
	    lq_srv_team_rules_set(S->db, t.id, &tr) != LQ_STORE_OK ||
	    record_org(S, "team", t.id, t.id, "policy_import", lq_team_to_json(&t)) != LQ_STORE_OK)
		rc = failure("%s: %s", path, lq_srv_errmsg(S->db));
out:
	lq_team_clear(&t);
	lq_user_clear(&d);
	return rc;
}

static int exec_policy_import(struct opts *o)
{
	const char *path = o->pos[0];
	struct lq_team_policies ps;
	struct srv *S = NULL;
	char err[300];
	char *text;
	size_t len;
	int rc = SRV_EXIT_OK;

	text = read_file(path, &len);
	if (!text)
		return SRV_EXIT_FAIL;
	if (!lq_team_policies_parse(text, len, &ps, err, sizeof err)) {
		free(text);
		return failure("%s: %s", path, err);
	}
	S = state(o);
	if (!S) {
		rc = SRV_EXIT_FAIL;
		goto out;
	}
	/* One transaction: the file applies whole or not at all. */
	if (lq_srv_begin(S->db) != LQ_STORE_OK) {
		rc = store_failure(S, path);
		goto out;
	}
	for (size_t i = 0; i < ps.n && rc == SRV_EXIT_OK; i++)
		rc = apply_policy(S, path, &ps.team[i]);
	if (rc != SRV_EXIT_OK) {
		lq_srv_rollback(S->db);
		goto out;
	}
	if (lq_srv_commit(S->db) != LQ_STORE_OK) {
		rc = store_failure(S, path);
		goto out;
	}
	printf(P_("updated %zu team from %s\n", "updated %zu teams from %s\n", ps.n), ps.n,
	       path);
out:
	lq_team_policies_clear(&ps);
	free(text);
	if (S)
		srv_state_close(S);
	return rc;
}

static int exec_key_add(struct opts *o)
{
	struct srv *S = state(o);
	char key[SRV_TOKEN_SIZE], hash[SRV_HASH_HEX];
	int rc = SRV_EXIT_OK;

	if (!S)
		return SRV_EXIT_FAIL;
	srv_token_new(key);
	srv_sha256_hex(key, strlen(key), hash);
	if (lq_srv_begin(S->db) != LQ_STORE_OK ||
	    lq_srv_key_add(S->db, hash, o->pos[0], lq_os_now()) != LQ_STORE_OK ||
	    lq_srv_audit_add(S->db, "admin", "key_add", "api_key", o->pos[0], NULL, NULL,
			     lq_os_now()) != LQ_STORE_OK ||
	    lq_srv_commit(S->db) != LQ_STORE_OK)
		rc = store_failure(S, o->pos[0]);
	else
		printf("%s\n", key);  /* shown once: only its hash is kept */
	srv_state_close(S);
	return rc;
}

/* --- seed: the core's generator into the server's tables ----------------------- */

struct seed_ctx {
	struct srv *S;
	bool passwords;
	struct lq_calendar *cals;
	int ncals, maxcals;
	char owner[LQ_UUID_SIZE], team[LQ_UUID_SIZE];
	int64_t seq;
	lq_time now;                    /* the seed's clock (LEADQ_NOW in tests) */
	enum lq_store_rc rc;
};

static int seed_team(void *ctx, const struct lq_team *t)
{
	struct seed_ctx *sc = ctx;
	struct lq_srv_feed f = { 0, "team", t->id, NULL, NULL, t->id, NULL, NULL };
	struct lq_srv_team_rules tr;

	sc->rc = lq_srv_team_put(sc->S->db, t, NULL);
	/* The sweep acts on deadlines from the seed's now: the seeded overdue
	 * leads stay as seeded, new ones are acted on. */
	if (sc->rc == LQ_STORE_OK)
		sc->rc = lq_srv_team_rules_get(sc->S->db, t->id, &tr);
	if (sc->rc == LQ_STORE_OK) {
		tr.actions_since = sc->now;
		sc->rc = lq_srv_team_rules_set(sc->S->db, t->id, &tr);
	}
	if (sc->rc == LQ_STORE_OK)
		sc->rc = lq_srv_feed_add(sc->S->db, &f, &sc->seq);
	return sc->rc != LQ_STORE_OK;
}

static int seed_user(void *ctx, const struct lq_user *u)
{
	struct seed_ctx *sc = ctx;
	struct lq_srv_feed f = { 0, "user", u->id, NULL, NULL, u->team_id, NULL, NULL };
	char hash[SRV_PWHASH_SIZE];

	sc->rc = lq_srv_user_put(sc->S->db, u);
	if (sc->rc == LQ_STORE_OK && sc->passwords && u->login) {
		if (!srv_password_hash(u->login, hash))
			sc->rc = LQ_STORE_NOMEM;
		else
			sc->rc = lq_srv_user_set_password(sc->S->db, u->id, hash);
	}
	if (sc->rc == LQ_STORE_OK)
		sc->rc = lq_srv_feed_add(sc->S->db, &f, &sc->seq);
	return sc->rc != LQ_STORE_OK;
}

static int seed_lead(void *ctx, const struct lq_lead *l)
{
	struct seed_ctx *sc = ctx;
	struct lq_lead copy = *l;       /* shallow: the strings stay the generator's */

	if (copy.version < 1)
		copy.version = 1;
	snprintf(sc->owner, sizeof sc->owner, "%s", l->owner_id ? l->owner_id : "");
	snprintf(sc->team, sizeof sc->team, "%s", l->team_id ? l->team_id : "");
	sc->rc = lq_srv_lead_put(sc->S->db, &copy, copy.version);
	if (sc->rc == LQ_STORE_OK)
		sc->rc = srv_feed_lead(sc->S, &copy, NULL, NULL, &sc->seq);
	return sc->rc != LQ_STORE_OK;
}

static int seed_activity(void *ctx, const struct lq_activity *a)
{
	struct seed_ctx *sc = ctx;
	struct lq_srv_activity r;
	struct lq_srv_feed f = { 0, "activity", a->id, a->lead_id, sc->owner[0] ? sc->owner : NULL,
				 sc->team[0] ? sc->team : NULL, NULL, NULL };

	memset(&r, 0, sizeof r);
	r.a = *a;
	r.version = 1;
	sc->rc = lq_srv_activity_put(sc->S->db, &r);
	if (sc->rc == LQ_STORE_OK)
		sc->rc = lq_srv_feed_add(sc->S->db, &f, &sc->seq);
	return sc->rc != LQ_STORE_OK;
}

static const struct lq_calendar *seed_calendar(void *ctx, const struct lq_team *t,
					       const struct lq_sla_policy **policy)
{
	struct seed_ctx *sc = ctx;
	struct lq_calendar *cal;
	const struct lq_tz *tz;
	char *err = NULL, msg[160];

	*policy = NULL;
	if (sc->ncals == sc->maxcals)
		return NULL;
	tz = srv_zone(sc->S, t->tz ? t->tz : "UTC", &err);
	free(err);
	if (!tz)
		tz = srv_zone(sc->S, "UTC", &err);
	free(err);
	cal = &sc->cals[sc->ncals++];
	lq_calendar_default(cal, tz);
	if (t->hours && *t->hours)
		lq_calendar_parse_hours(cal, t->hours, msg, sizeof msg);
	if (t->holidays && *t->holidays)
		lq_calendar_parse_holidays(cal, t->holidays, msg, sizeof msg);
	return cal;
}

static bool parse_count(const char *text, long min, long max, long *out)
{
	char *end;
	long v;

	if (!text)
		return false;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || end == text || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int exec_seed(struct opts *o)
{
	long leads, reps, events = 8, seed = 42;
	struct lq_seed_opts so;
	struct lq_seed_sink sink = { seed_team, seed_user, seed_lead, seed_activity,
				     seed_calendar, NULL };
	struct seed_ctx sc;
	struct srv *S;
	int r, rc = SRV_EXIT_OK;

	if (!parse_count(opt(o, "leads"), 0, 10000000, &leads))
		return usage_error(_("--leads N is required (0..10000000)"));
	if (!parse_count(opt(o, "reps"), 1, 100000, &reps))
		return usage_error(_("--reps R is required (1..100000)"));
	if (opt(o, "events-per-lead") && !parse_count(opt(o, "events-per-lead"), 0, 1000, &events))
		return usage_error(_("--events-per-lead: expected 0..1000"));
	if (opt(o, "seed") && !parse_count(opt(o, "seed"), 0, 0x7fffffffL, &seed))
		return usage_error(_("--seed: expected a non-negative number"));
	S = state(o);
	if (!S)
		return SRV_EXIT_FAIL;
	memset(&sc, 0, sizeof sc);
	sc.S = S;
	sc.passwords = opt(o, "demo-passwords") != NULL;
	sc.maxcals = lq_seed_team_count((int)reps) + 1;
	sc.cals = calloc((size_t)sc.maxcals, sizeof *sc.cals);
	if (!sc.cals) {
		srv_state_close(S);
		return failure(_("out of memory"));
	}
	sink.ctx = &sc;
	so.seed = (uint64_t)seed;
	so.now = lq_os_now();
	sc.now = so.now;
	so.leads = (int)leads;
	so.reps = (int)reps;
	so.events_per_lead = (int)events;
	if (lq_srv_begin(S->db) != LQ_STORE_OK) {
		rc = store_failure(S, o->db);
		goto out;
	}
	r = lq_seed_run(&so, &sink);
	if (r == 0 && lq_srv_audit_add(S->db, "admin", "seed", NULL, NULL, NULL, NULL,
				       so.now) != LQ_STORE_OK)
		r = 1;
	if (r == 0 && lq_srv_commit(S->db) != LQ_STORE_OK)
		r = 1;
	if (r != 0) {
		rc = r > 0 ? store_failure(S, o->db) : failure(_("the generator failed (%d)"), r);
		lq_srv_rollback(S->db);
		goto out;
	}
	printf(_("seeded %ld leads, %ld reps into %s\n"), leads, reps, o->db);
out:
	free(sc.cals);
	srv_state_close(S);
	return rc;
}

/* --- import FILE.csv (leadq/csv.h) ------------------------------------------------ */

#define CSV_FILE_MAX ((size_t)1 << 30)
#define FIELDS_MAX LQ_CSV_COLUMNS_MAX

/* The fields of the reader's row as an array (borrowed). */
static size_t row_fields(const struct lq_csv_reader *r, const char *fields[FIELDS_MAX])
{
	size_t n = lq_csv_nfields(r);

	if (n > FIELDS_MAX)
		n = FIELDS_MAX;
	for (size_t i = 0; i < n; i++)
		fields[i] = lq_csv_field(r, i);
	return n;
}

/* Owners named in the file are checked once each. */
struct owners {
	char login[64][64];
	int n;
};

static bool owner_known(struct srv *S, struct owners *seen, const char *login)
{
	struct lq_user u;
	bool ok;

	for (int i = 0; i < seen->n; i++)
		if (strcmp(seen->login[i], login) == 0)
			return true;
	lq_user_init(&u);
	ok = lq_srv_user_get(S->db, login, true, &u, NULL, NULL) == LQ_STORE_OK && u.active;
	lq_user_clear(&u);
	if (ok && seen->n < 64)
		snprintf(seen->login[seen->n++], sizeof seen->login[0], "%s", login);
	return ok;
}

struct import {
	const char *path, *source, *campaign;
	struct lq_csv_columns cols;
	long *bad;                 /* the lines of bad rows, in order */
	size_t nbad, bad_cap;
	long rows, created, updated, requalified;
};

static bool note_bad(struct import *im, long line)
{
	if (im->nbad == im->bad_cap) {
		size_t cap = im->bad_cap ? im->bad_cap * 2 : 64;
		long *grown = realloc(im->bad, cap * sizeof *grown);

		if (!grown)
			return false;
		im->bad = grown;
		im->bad_cap = cap;
	}
	im->bad[im->nbad++] = line;
	return true;
}

/* Reads the file's rows after the header: checks each, naming the bad ones
 * and noting their lines (pass 1), or imports the good ones (pass 2,
 * importing, in the caller's transaction).  0, or an exit code after a
 * message. */
static int import_pass(struct srv *S, struct import *im, const char *text, size_t len,
		       char delim, bool importing, int64_t *seq)
{
	struct lq_csv_reader r;
	struct owners seen = { .n = 0 };
	const char *fields[FIELDS_MAX];
	char err[300], owner[64];
	size_t next_bad = 0;
	enum lq_csv_rc rc;
	int exit_code = 0;
	lq_time now = lq_os_now();

	lq_csv_init(&r, text, len);
	if (delim)
		lq_csv_set_delimiter(&r, delim);
	rc = lq_csv_next(&r, err, sizeof err);   /* the header, mapped already */
	while (exit_code == 0 && (rc = lq_csv_next(&r, err, sizeof err)) == LQ_CSV_ROW) {
		long line = lq_csv_row_line(&r);
		size_t n = row_fields(&r, fields);
		struct lq_lead lead;
		bool good;

		if (lq_csv_row_blank(fields, n))
			continue;
		if (importing && next_bad < im->nbad && im->bad[next_bad] == line) {
			next_bad++;
			continue;
		}
		good = lq_csv_row_to_lead(&im->cols, fields, n, line, &lead, owner, sizeof owner,
					  err, sizeof err);
		if (good && owner[0] && !importing && !owner_known(S, &seen, owner)) {
			snprintf(err, sizeof err, _("line %ld: owner: no active user '%s'"), line,
				 owner);
			good = false;
		}
		if (!good) {
			lq_lead_clear(&lead);   /* an unknown owner: the row was read */
			if (!importing) {
				fprintf(stderr, "%s: %s\n", im->path, err);
				if (!note_bad(im, line))
					exit_code = failure("%s", strerror(ENOMEM));
			}
			continue;
		}
		/* Defaults of the command line for rows without them. */
		if ((!lead.source && im->source && !lq_lead_set_str(&lead.source, im->source)) ||
		    (!lead.campaign && im->campaign &&
		     !lq_lead_set_str(&lead.campaign, im->campaign)))
			exit_code = failure("%s", strerror(ENOMEM));
		if (importing && exit_code == 0) {
			struct srv_intake_res res;
			enum lq_store_rc src = srv_intake_one(S, "admin", &lead, owner,
							     SRV_INTAKE_PASS | SRV_INTAKE_NO_AUDIT,
							     now, &res, seq, err, sizeof err);

			if (src != LQ_STORE_OK)
				exit_code = failure(_("%s: line %ld: %s"), im->path, line, err);
			else if (res.created)
				im->created++;
			else if (res.requalified)
				im->requalified++;
			else
				im->updated++;
			srv_intake_res_clear(&res);
		}
		if (!importing)
			im->rows++;
		lq_lead_clear(&lead);
	}
	if (exit_code == 0 && rc == LQ_CSV_ERROR)
		exit_code = failure("%s: %s", im->path, err);
	else if (exit_code == 0 && rc == LQ_CSV_NOMEM)
		exit_code = failure("%s: %s", im->path, strerror(ENOMEM));
	lq_csv_free(&r);
	return exit_code;
}

static int exec_import(struct opts *o)
{
	const char *path = o->pos[0], *map_path = opt(o, "map"), *delim_text = opt(o, "delimiter");
	struct lq_csv_mapping mapping;
	struct lq_csv_reader r;
	struct import im;
	const char *fields[FIELDS_MAX];
	char err[300], delim = 0, *summary = NULL;
	char *text = NULL, *map_text = NULL;
	size_t len, map_len, n;
	struct srv *S = NULL;
	int64_t seq = 0;
	int rc = SRV_EXIT_OK;
	enum lq_csv_rc crc;

	memset(&im, 0, sizeof im);
	im.path = path;
	im.source = opt(o, "source");
	im.campaign = opt(o, "campaign");
	if (delim_text) {
		if (strcmp(delim_text, ",") == 0 || strcmp(delim_text, ";") == 0)
			delim = delim_text[0];
		else if (strcmp(delim_text, "tab") == 0 || strcmp(delim_text, "\t") == 0)
			delim = '\t';
		else
			return usage_error(_("--delimiter '%s': expected ',', ';' or tab"),
					   delim_text);
	}
	if (map_path) {
		map_text = read_file(map_path, &map_len);
		if (!map_text)
			return SRV_EXIT_FAIL;
		if (!lq_csv_mapping_parse(map_text, map_len, &mapping, err, sizeof err)) {
			free(map_text);
			return failure("%s: %s", map_path, err);
		}
	}
	text = read_file_max(path, CSV_FILE_MAX, &len);
	if (!text) {
		rc = SRV_EXIT_FAIL;
		goto out;
	}
	/* The header names the columns. */
	lq_csv_init(&r, text, len);
	if (delim)
		lq_csv_set_delimiter(&r, delim);
	crc = lq_csv_next(&r, err, sizeof err);
	n = crc == LQ_CSV_ROW ? row_fields(&r, fields) : 0;
	if (crc == LQ_CSV_ROW && !lq_csv_columns_map(map_path ? &mapping : NULL, fields, n,
						     &im.cols, err, sizeof err))
		crc = LQ_CSV_ERROR;
	lq_csv_free(&r);
	if (crc != LQ_CSV_ROW) {
		rc = failure("%s: %s", path, crc == LQ_CSV_END ? _("the file is empty") : err);
		goto out;
	}
	if (lq_csv_columns_unknown(&im.cols) > 0) {
		fprintf(stderr, _("%s: columns ignored (no lead field by that name):"), path);
		for (size_t i = 0; i < im.cols.n; i++)
			if (im.cols.field[i] == LQ_CSV_IGNORE)
				fprintf(stderr, " \"%s\"", im.cols.header[i]);
		fputc('\n', stderr);
	}
	S = state(o);
	if (!S) {
		rc = SRV_EXIT_FAIL;
		goto out;
	}
	/* Pass 1 checks every row and names each bad one; pass 2 imports, all
	 * in one transaction: all or nothing. */
	rc = import_pass(S, &im, text, len, delim, false, &seq);
	if (rc == SRV_EXIT_OK && im.nbad > 0 && !opt(o, "skip-bad")) {
		rc = failure(P_("%s: nothing imported: %zu bad row (--skip-bad imports the "
				      "others)", "%s: nothing imported: %zu bad rows (--skip-bad "
				      "imports the others)", im.nbad), path, im.nbad);
		goto out;
	}
	if (rc != SRV_EXIT_OK)
		goto out;
	if (lq_srv_begin(S->db) != LQ_STORE_OK) {
		rc = store_failure(S, o->db);
		goto out;
	}
	rc = import_pass(S, &im, text, len, delim, true, &seq);
	{
		json_t *j = json_pack("{s:s, s:I, s:I, s:I, s:I}", "file", path, "created",
				      (json_int_t)im.created, "updated", (json_int_t)im.updated,
				      "requalified", (json_int_t)im.requalified, "bad",
				      (json_int_t)im.nbad);

		summary = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
	}
	if (rc == SRV_EXIT_OK && lq_srv_audit_add(S->db, "admin", "import", NULL, NULL, NULL,
						  summary, lq_os_now()) != LQ_STORE_OK)
		rc = store_failure(S, o->db);
	else if (rc == SRV_EXIT_OK && lq_srv_commit(S->db) != LQ_STORE_OK)
		rc = store_failure(S, o->db);
	if (rc != SRV_EXIT_OK) {
		lq_srv_rollback(S->db);
		fprintf(stderr, _("%s: nothing imported\n"), path);
		goto out;
	}
	printf(P_("imported %ld lead from %s (new: %ld, merged: %ld, back from nurture: %ld, "
		  "bad rows skipped: %zu)\n", "imported %ld leads from %s (new: %ld, merged: %ld, "
		  "back from nurture: %ld, bad rows skipped: %zu)\n",
		  (unsigned long)(im.created + im.updated + im.requalified)),
	       im.created + im.updated + im.requalified, path, im.created, im.updated,
	       im.requalified, im.nbad);
out:
	if (S)
		srv_state_close(S);
	free(im.bad);
	free(summary);
	free(text);
	free(map_text);
	return rc;
}

/* --- report funnel (leadq/funnel.h) -------------------------------------------------- */

/* RFC 3339, or a date at 00:00 UTC (end_of_day: the next day's 00:00, so
 * that --to 2026-11-30 takes in the 30th). */
static bool parse_when(const char *text, bool end_of_day, lq_time *out)
{
	int y, m, d;
	char tail;

	if (lq_time_parse(text, out))
		return true;
	if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return false;
	*out = (lq_time)(lq_days_from_civil(y, m, d) + (end_of_day ? 1 : 0)) * LQ_DAY;
	return true;
}

static const char *translate(const char *msgid)
{
	return _(msgid);
}

static int exec_report_funnel(struct opts *o)
{
	const char *by_text = opt(o, "by") ? opt(o, "by") : "source";
	const char *format = opt(o, "format") ? opt(o, "format") : "table";
	const char *from_text = opt(o, "from"), *to_text = opt(o, "to");
	lq_time from = LQ_TIME_NONE, to = LQ_TIME_NONE;
	int by = lq_funnel_by_parse(by_text);
	struct lq_funnel f;
	struct srv *S;
	char *text = NULL;
	enum lq_store_rc src;
	int rc = SRV_EXIT_OK;

	if (by < 0)
		return usage_error(_("--by '%s': expected source, campaign, rep, team or "
				     "score_band"), by_text);
	if (strcmp(format, "table") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0)
		return usage_error(_("--format '%s': expected table, csv or json"), format);
	if (from_text && !parse_when(from_text, false, &from))
		return usage_error(_("--from '%s': expected a date (2026-11-01) or an RFC 3339 "
				     "time"), from_text);
	if (to_text && !parse_when(to_text, true, &to))
		return usage_error(_("--to '%s': expected a date (2026-11-30) or an RFC 3339 "
				     "time"), to_text);
	if (from != LQ_TIME_NONE && to != LQ_TIME_NONE && to <= from)
		return usage_error(_("--to must be after --from"));
	S = state(o);
	if (!S)
		return SRV_EXIT_FAIL;
	src = srv_report_funnel(S, NULL, (enum lq_funnel_by)by, from, to, lq_os_now(), &f);
	if (src != LQ_STORE_OK) {
		rc = store_failure(S, o->db);
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		json_t *j = lq_funnel_to_json(&f);

		text = j ? json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) : NULL;
		json_decref(j);
	} else if (strcmp(format, "csv") == 0) {
		text = lq_funnel_format_csv(&f);
	} else {
		text = lq_funnel_format_table(&f, translate);
	}
	if (!text) {
		rc = failure("%s", strerror(ENOMEM));
		goto out;
	}
	fputs(text, stdout);
	if (strcmp(format, "json") == 0)
		fputc('\n', stdout);
out:
	free(text);
	lq_funnel_free(&f);
	srv_state_close(S);
	return rc;
}

/* --- the table ---------------------------------------------------------------------- */

static const struct cmd cmds[] = {
	{ "serve", "[--listen ADDR:PORT] [--max-body BYTES] [--max-connections N] "
	  "[--sweep-interval SECONDS] [--callback-release MINUTES] "
	  "[--smtp-url URL --smtp-from ADDRESS]",
	  "listen:,max-body:,max-connections:,sweep-interval:,callback-release:,smtp-url:,"
	  "smtp-from:,webhook-url:,webhook-secret:,mautic-secret:,mautic-mql-points:", 0,
	  exec_serve },
	{ "sweep", "[--now TIME] [--callback-release MINUTES]", "now:,callback-release:", 0,
	  exec_sweep },
	{ "init", "", "", 0, exec_init },
	{ "user add", "LOGIN --name NAME --role rep|lead|telequal|admin [--team TEAM] "
	  "[--tz ZONE] [--password-stdin]", "name:,role:,team:,tz:,password-stdin", 1,
	  exec_user_add },
	{ "user list", "", "", 0, exec_user_list },
	{ "user disable", "LOGIN", "", 1, exec_user_disable },
	{ "user passwd", "LOGIN (the password on standard input)", "password-stdin", 1,
	  exec_user_passwd },
	{ "user revoke", "LOGIN", "", 1, exec_user_revoke },
	{ "user calendar", "LOGIN", "", 1, exec_user_calendar },
	{ "team add", "NAME [--tz ZONE] [--hours SPEC] [--holidays DATES] "
	  "[--routing direct|round_robin|single_contact]", "tz:,hours:,holidays:,routing:", 1,
	  exec_team_add },
	{ "rules import", "FILE", "", 1, exec_rules_import },
	{ "rules show", "", "", 0, exec_rules_show },
	{ "policy import", "FILE", "", 1, exec_policy_import },
	{ "key add", "NAME", "", 1, exec_key_add },
	{ "seed", "--leads N --reps R [--events-per-lead E] [--seed S] [--demo-passwords]",
	  "leads:,reps:,events-per-lead:,seed:,demo-passwords", 0, exec_seed },
	{ "import", "FILE.csv [--map FILE] [--delimiter ,|;|tab] [--skip-bad] [--source S] "
	  "[--campaign C]", "map:,delimiter:,skip-bad,source:,campaign:", 1, exec_import },
	{ "report funnel", "[--by source|campaign|rep|team|score_band] [--from DATE] [--to DATE] "
	  "[--format table|csv|json]", "by:,from:,to:,format:", 0, exec_report_funnel },
};

static void help(FILE *f)
{
	size_t i;

	fprintf(f, "%s", _("Usage: leadqd COMMAND [--db DB | --config FILE] [OPTIONS]\n"
			   "The leadq server and its administration.\n\nCommands:\n"));
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %s %s\n", cmds[i].name, cmds[i].usage);
	fprintf(f, "%s", _("\nThe database comes from --db, then LEADQD_DB, then the config\n"
			   "(--config FILE or /etc/leadq/leadqd.conf, line db = DB).\n"
			   "Exit codes: 0 ok, 1 failure, 2 usage error.  See leadqd(8).\n"));
}

int srv_main(int argc, char **argv)
{
	const struct cmd *c = NULL;
	struct opts o;
	size_t i;
	int skip = 0, rc, k;

	if (argc < 2) {
		help(stderr);
		return SRV_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help(stdout);
		return SRV_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("leadqd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return SRV_EXIT_OK;
	}
	/* Two-word commands first ("user add"), then one word. */
	for (i = 0; i < sizeof cmds / sizeof cmds[0] && !c; i++) {
		const char *sp = strchr(cmds[i].name, ' ');

		if (sp && argc >= 3 && strncmp(cmds[i].name, argv[1], (size_t)(sp - cmds[i].name)) == 0 &&
		    argv[1][sp - cmds[i].name] == '\0' && strcmp(sp + 1, argv[2]) == 0) {
			c = &cmds[i];
			skip = 3;
		} else if (!sp && strcmp(cmds[i].name, argv[1]) == 0) {
			c = &cmds[i];
			skip = 2;
		}
	}
	if (!c) {
		fprintf(stderr, _("leadqd: unknown command '%s%s%s' (see leadqd --help)\n"), argv[1],
			argc >= 3 && argv[2][0] != '-' ? " " : "",
			argc >= 3 && argv[2][0] != '-' ? argv[2] : "");
		return SRV_EXIT_USAGE;
	}
	cmd_name = c->name;
	for (k = skip; k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			printf(_("Usage: leadqd %s [--db DB | --config FILE] %s\n"), c->name, c->usage);
			return SRV_EXIT_OK;
		}
	memset(&o, 0, sizeof o);
	rc = parse_opts(c, argc - skip, argv + skip, &o);
	if (rc == 0)
		rc = resolve_db(&o);
	if (rc == 0)
		rc = c->exec(&o);
	free(o.db);
	free(o.listen);
	free(o.max_body);
	free(o.smtp_url);
	free(o.smtp_from);
	free(o.webhook_url);
	free(o.webhook_secret);
	free(o.mautic_secret);
	free(o.mautic_mql_points);
	return rc;
}
