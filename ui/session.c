/* leadq client — the session: config, cache, user, team calendars, and the
 * demo cache's seeding. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leadq/i18n.h"
#include "leadq/os.h"
#include "leadq/rules.h"
#include "leadq/seed.h"
#include "leadq/codec.h"
#include "ui/session.h"


static int fail(char **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char **err, int code, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (err) {
		free(*err);
		*err = strdup(buf);
	}
	return code;
}

/* --- team calendars ---------------------------------------------------- */

static struct lq_tz *load_zone(const char *name)
{
	char *why = NULL;
	struct lq_tz *tz = NULL;

	if (name && *name)
		tz = lq_os_tz_load(name, &why);
	free(why);
	if (!tz) {
		why = NULL;
		tz = lq_os_tz_load("UTC", &why);
		free(why);
	}
	if (!tz)
		tz = lq_tz_fixed("UTC", 0);
	return tz;
}

static bool ensure_team_block(struct lq_session *s)
{
	if (!s->teams)
		s->teams = calloc(LQ_SESSION_TEAMS_MAX, sizeof(*s->teams));
	return s->teams != NULL;
}

static struct lq_session_team *find_team(struct lq_session *s, const char *id)
{
	for (size_t i = 0; i < s->nteams; i++) {
		if (strcmp(s->teams[i].id, id) == 0)
			return &s->teams[i];
	}
	return NULL;
}

static bool policy_set(const struct lq_sla_policy *p)
{
	return p->first_contact_minutes > 0 || p->touches_required > 0 || p->touch_window_days > 0;
}

/* Adds a slot for id (the last slot is kept for the default entry "").
 * NULL when the block is full or out of memory. */
static struct lq_session_team *new_team_slot(struct lq_session *s, const char *id)
{
	if (!ensure_team_block(s))
		return NULL;
	if (s->nteams >= LQ_SESSION_TEAMS_MAX - (id[0] ? 1 : 0))
		return NULL;
	struct lq_session_team *e = &s->teams[s->nteams];
	memset(e, 0, sizeof(*e));
	memcpy(e->id, id, strnlen(id, LQ_UUID_SIZE - 1));
	return e;
}

/* Fills a slot from a team: its zone, hours and holidays (a bad spec keeps
 * the default hours: the team's data comes from the server, which checked it). */
static struct lq_session_team *add_team(struct lq_session *s, const struct lq_team *t)
{
	struct lq_session_team *e = new_team_slot(s, t->id);
	if (!e)
		return NULL;
	e->tz = load_zone(t->tz);
	if (!e->tz)
		return NULL;
	lq_calendar_default(&e->cal, e->tz);
	if (t->hours && *t->hours) {
		struct lq_calendar tmp = e->cal;
		char why[256];
		memset(tmp.week, 0, sizeof(tmp.week));
		memset(tmp.nshifts, 0, sizeof(tmp.nshifts));
		if (lq_calendar_parse_hours(&tmp, t->hours, why, sizeof(why)))
			e->cal = tmp;
	}
	if (t->holidays && *t->holidays) {
		struct lq_calendar tmp = e->cal;
		char why[256];
		tmp.nholidays = 0;
		if (lq_calendar_parse_holidays(&tmp, t->holidays, why, sizeof(why)))
			e->cal = tmp;
	}
	e->cal.tz = e->tz;
	if (policy_set(&t->policy))
		e->policy = t->policy;
	else
		lq_sla_policy_default(&e->policy);
	s->nteams++;
	return e;
}

static struct lq_session_team *default_team(struct lq_session *s)
{
	struct lq_session_team *e = find_team(s, "");
	if (e)
		return e;
	e = new_team_slot(s, "");
	if (!e)
		return NULL;
	e->tz = load_zone(s->user.tz);
	if (!e->tz)
		return NULL;
	lq_calendar_default(&e->cal, e->tz);
	lq_sla_policy_default(&e->policy);
	s->nteams++;
	return e;
}

const struct lq_calendar *lq_session_calendar(struct lq_session *s, const char *team_id,
					      const struct lq_sla_policy **policy)
{
	static struct lq_calendar last_resort_cal;
	static struct lq_sla_policy last_resort_policy;
	struct lq_session_team *e = NULL;

	if (!team_id || !*team_id)
		team_id = s->user.team_id;
	if (team_id && *team_id) {
		e = find_team(s, team_id);
		if (!e && s->store) {
			struct lq_team t;
			lq_team_init(&t);
			if (lq_store_get_team(s->store, team_id, &t) == LQ_STORE_OK)
				e = add_team(s, &t);
			lq_team_clear(&t);
		}
	}
	if (!e)
		e = default_team(s);
	if (!e) {
		/* Out of memory even for the default: UTC hours, never NULL. */
		static struct lq_tz *utc;
		if (!utc)
			utc = lq_tz_fixed("UTC", 0);
		lq_calendar_default(&last_resort_cal, utc);
		lq_sla_policy_default(&last_resort_policy);
		if (policy)
			*policy = &last_resort_policy;
		return &last_resort_cal;
	}
	if (policy)
		*policy = &e->policy;
	return &e->cal;
}

static const struct lq_calendar *act_calendar_for(void *ctx, const char *team_id,
						  const struct lq_sla_policy **policy)
{
	return lq_session_calendar(ctx, team_id, policy);
}

/* --- demo seeding ------------------------------------------------------- */

enum demo_as { DEMO_REP, DEMO_LEAD, DEMO_TELEQUAL };

struct demo_sink {
	struct lq_session *s;
	enum demo_as as;
	int nusers;
	char user_id[LQ_UUID_SIZE];       /* the demo user */
	char user_team[LQ_UUID_SIZE];     /* the demo user's team */
	char first_team[LQ_UUID_SIZE];
	char kept_lead[LQ_UUID_SIZE];     /* the last lead written: its activities follow */
	enum lq_store_rc rc;
};

static int sink_team(void *ctx, const struct lq_team *t)
{
	struct demo_sink *d = ctx;
	if (!d->first_team[0])
		memcpy(d->first_team, t->id, sizeof(d->first_team));
	d->rc = lq_store_put_team(d->s->store, t);
	return d->rc == LQ_STORE_OK ? 0 : 1;
}

static int sink_user(void *ctx, const struct lq_user *u)
{
	struct demo_sink *d = ctx;
	int index = d->nusers++;
	if (index == (int)d->as) {
		memcpy(d->user_id, u->id, sizeof(d->user_id));
		if (u->team_id)
			snprintf(d->user_team, sizeof(d->user_team), "%s", u->team_id);
	}
	d->rc = lq_store_put_user(d->s->store, u);
	return d->rc == LQ_STORE_OK ? 0 : 1;
}

static bool same(const char *a, const char *b)
{
	return a && b && *a && strcmp(a, b) == 0;
}

static int sink_lead(void *ctx, const struct lq_lead *l)
{
	struct demo_sink *d = ctx;
	bool keep = false;

	switch (d->as) {
	case DEMO_REP:
		keep = same(l->owner_id, d->user_id);
		break;
	case DEMO_LEAD:
		keep = same(l->team_id, d->user_team);
		break;
	case DEMO_TELEQUAL:
		keep = same(l->team_id, d->first_team) && l->status == LQ_STATUS_NEW;
		break;
	}
	d->kept_lead[0] = '\0';
	if (!keep)
		return 0;
	memcpy(d->kept_lead, l->id, sizeof(d->kept_lead));
	d->rc = lq_store_put_lead(d->s->store, l);
	return d->rc == LQ_STORE_OK ? 0 : 1;
}

static int sink_activity(void *ctx, const struct lq_activity *a)
{
	struct demo_sink *d = ctx;
	if (!d->kept_lead[0] || strcmp(a->lead_id, d->kept_lead) != 0)
		return 0;
	d->rc = lq_store_put_activity(d->s->store, a);
	return d->rc == LQ_STORE_OK ? 0 : 1;
}

static const struct lq_calendar *sink_calendar(void *ctx, const struct lq_team *t,
					       const struct lq_sla_policy **policy)
{
	struct demo_sink *d = ctx;
	struct lq_session_team *e = find_team(d->s, t->id);
	if (!e)
		e = add_team(d->s, t);
	if (!e)
		return NULL;
	if (policy)
		*policy = &e->policy;
	return &e->cal;
}

static int parse_demo_as(const char *name, enum demo_as *out)
{
	if (!name || strcmp(name, "rep") == 0)
		*out = DEMO_REP;
	else if (strcmp(name, "lead") == 0)
		*out = DEMO_LEAD;
	else if (strcmp(name, "telequal") == 0)
		*out = DEMO_TELEQUAL;
	else
		return -1;
	return 0;
}

static const char *demo_as_name(enum demo_as as)
{
	static const char *const names[] = {"rep", "lead", "telequal"};
	return names[as];
}

static int seed_demo(struct lq_session *s, enum demo_as as, char **err)
{
	struct demo_sink d;
	struct lq_seed_opts o;
	struct lq_seed_sink sink = {
		.team = sink_team, .user = sink_user, .lead = sink_lead,
		.activity = sink_activity, .calendar_for = sink_calendar, .ctx = &d,
	};
	char seed_text[32];

	memset(&d, 0, sizeof(d));
	d.s = s;
	d.as = as;
	d.rc = LQ_STORE_OK;
	memset(&o, 0, sizeof(o));
	o.seed = LQ_DEMO_SEED;
	o.now = lq_os_now();
	o.leads = LQ_DEMO_LEADS;
	o.reps = LQ_DEMO_REPS;
	o.events_per_lead = LQ_DEMO_EVENTS_PER_LEAD;

	if (lq_store_begin(s->store) != LQ_STORE_OK)
		return fail(err, 1, _("%s: cannot start a transaction: %s"), s->db_path,
			    lq_store_errmsg(s->store));
	int rc = lq_seed_run(&o, &sink);
	if (rc != 0 || d.rc != LQ_STORE_OK) {
		lq_store_rollback(s->store);
		return fail(err, 1, _("%s: cannot write the demo data: %s"), s->db_path,
			    d.rc != LQ_STORE_OK ? lq_store_errmsg(s->store) : _("the generator failed"));
	}
	if (!d.user_id[0]) {
		lq_store_rollback(s->store);
		return fail(err, 1, _("%s: the demo data has no user to act as '%s'"), s->db_path,
			    demo_as_name(as));
	}
	snprintf(seed_text, sizeof(seed_text), "%d", LQ_DEMO_SEED);
	if (lq_store_meta_set(s->store, "user_id", d.user_id) != LQ_STORE_OK ||
	    lq_store_meta_set(s->store, "demo_seed", seed_text) != LQ_STORE_OK ||
	    lq_store_meta_set(s->store, "demo_as", demo_as_name(as)) != LQ_STORE_OK ||
	    lq_store_commit(s->store) != LQ_STORE_OK) {
		lq_store_rollback(s->store);
		return fail(err, 1, _("%s: cannot write the demo data: %s"), s->db_path,
			    lq_store_errmsg(s->store));
	}
	return 0;
}

/* Deletes a cache and its WAL files; 0, or -1 with errno. */
static int remove_cache(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *p = lq_os_asprintf("%s%s", path, suffixes[i]);
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		int r = unlink(p);
		int e = errno;
		free(p);
		if (r != 0 && e != ENOENT) {
			errno = e;
			return -1;
		}
	}
	return 0;
}

static int open_store(struct lq_session *s, char **err)
{
	char *why = NULL;
	if (lq_store_open(s->db_path, &s->store, &why) != LQ_STORE_OK) {
		int rc = fail(err, 1, "%s", why ? why : s->db_path);
		free(why);
		s->store = NULL;
		return rc;
	}
	free(why);
	return 0;
}

static char *meta(struct lq_session *s, const char *key)
{
	char *v = NULL;
	if (lq_store_meta_get(s->store, key, &v) != LQ_STORE_OK) {
		free(v);
		return NULL;
	}
	return v;
}

/* The demo without a server (no leadqd beside this program): a local
 * cache seeded with the same generator.  Seeds it when it is new, on
 * --reset, or when --as asks for another user than the one it holds. */
static int open_demo_local(struct lq_session *s, const struct lq_session_opts *o, char **err)
{
	enum demo_as as;
	bool exists = access(s->db_path, F_OK) == 0;

	if (parse_demo_as(o->demo_as, &as) != 0)
		return fail(err, 2, _("--as: expected rep, lead or telequal, not '%s'"), o->demo_as);

	int rc = open_store(s, err);
	if (rc != 0)
		return rc;
	char *seed = meta(s, "demo_seed");
	char *stored_as = meta(s, "demo_as");
	char *user_id = meta(s, "user_id");
	bool reseed = o->reset || !seed;
	if (seed && !o->demo_as && stored_as)
		parse_demo_as(stored_as, &as);     /* no --as: keep who it was seeded for */
	else if (seed && o->demo_as && (!stored_as || strcmp(stored_as, demo_as_name(as)) != 0))
		reseed = true;
	bool foreign = exists && !seed && user_id;   /* a real cache given with --db */
	free(seed);
	free(stored_as);
	free(user_id);

	if (!reseed)
		return 0;
	if (foreign)
		return fail(err, 2, _("%s: not a demo cache; it is left as it is"), s->db_path);
	lq_store_close(&s->store);
	if (remove_cache(s->db_path) != 0)
		return fail(err, 1, _("%s: cannot remove the old demo cache: %s"), s->db_path,
			    strerror(errno));
	rc = open_store(s, err);
	if (rc != 0)
		return rc;
	return seed_demo(s, as, err);
}

static const char *const demo_logins[] = {"lucia", "marta", "tq"};

/* The demo with its private leadqd: the server holds the seeded data (its
 * demo users' passwords are their logins), the cache is a synced view of
 * it, pulled once before the first frame. */
static int open_demo_served(struct lq_session *s, const struct lq_session_opts *o,
			    enum demo_as as, const char *leadqd, char **err)
{
	char *dir = strdup(s->db_path), *slash, *token = NULL, *why = NULL;
	json_t *user = NULL;
	char msg[256] = "", seed_text[16];
	struct lq_sync_status st;
	int rc;

	if (!dir)
		return fail(err, 1, "%s", _("out of memory"));
	snprintf(seed_text, sizeof seed_text, "%d", LQ_DEMO_SEED);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	rc = open_store(s, err);
	if (rc != 0)
		goto out;
	char *served = meta(s, "demo_server");
	char *seed = meta(s, "demo_seed");
	char *stored_as = meta(s, "demo_as");
	char *user_id = meta(s, "user_id");
	bool foreign = !served && !seed && user_id;   /* a real cache given with --db */
	bool fresh = o->reset || !served || (o->demo_as && (!stored_as ||
					      strcmp(stored_as, demo_as_name(as)) != 0));
	if (served && !o->demo_as && stored_as)
		parse_demo_as(stored_as, &as);     /* no --as: keep who it was for */
	free(served);
	free(seed);
	free(stored_as);
	free(user_id);
	if (foreign) {
		rc = fail(err, 2, _("%s: not a demo cache; it is left as it is"), s->db_path);
		goto out;
	}
	if (fresh) {
		lq_store_close(&s->store);
		char *server_db = lq_os_asprintf("%s/server.db", dir);
		if (!server_db || remove_cache(s->db_path) != 0 ||
		    (o->reset && remove_cache(server_db) != 0)) {
			free(server_db);
			rc = fail(err, 1, _("%s: cannot remove the old demo data: %s"), s->db_path,
				  strerror(errno));
			goto out;
		}
		free(server_db);
		rc = open_store(s, err);
		if (rc != 0)
			goto out;
	}
	if (lq_demo_server_start(leadqd, dir, &s->demo_server, &why) != 0) {
		rc = fail(err, 1, "%s", why ? why : _("the demo server did not start"));
		goto out;
	}
	if (lq_sync_login(s->demo_server.url, demo_logins[as], demo_logins[as], &token, &user,
			  &why) != 0) {
		rc = fail(err, 1, _("the demo server refused %s: %s"), demo_logins[as],
			  why ? why : "?");
		goto out;
	}
	if (lq_session_adopt_user(s->store, s->demo_server.url, user, msg, sizeof msg) != 0 ||
	    lq_store_meta_set(s->store, "demo_server", "1") != LQ_STORE_OK ||
	    lq_store_meta_set(s->store, "demo_seed", seed_text) != LQ_STORE_OK ||
	    lq_store_meta_set(s->store, "demo_as", demo_as_name(as)) != LQ_STORE_OK) {
		rc = fail(err, 1, "%s: %s", s->db_path,
			  msg[0] ? msg : lq_store_errmsg(s->store));
		goto out;
	}
	s->server = strdup(s->demo_server.url);
	s->token = token;
	token = NULL;
	if (!s->server) {
		rc = fail(err, 1, "%s", _("out of memory"));
		goto out;
	}
	if (lq_session_sync_once(s, NULL, NULL, &st) == 1) {
		rc = fail(err, 1, _("the demo server: %s"), st.error);
		goto out;
	}
	rc = 0;
out:
	free(dir);
	free(token);
	free(why);
	json_decref(user);
	return rc;
}

/* The demo: served by a private leadqd when there is one, else local. */
static int open_demo(struct lq_session *s, const struct lq_session_opts *o, char **err)
{
	enum demo_as as;

	if (parse_demo_as(o->demo_as, &as) != 0)
		return fail(err, 2, _("--as: expected rep, lead or telequal, not '%s'"), o->demo_as);
	char *leadqd = lq_demo_find_leadqd();
	if (!leadqd)
		return open_demo_local(s, o, err);
	int rc = open_demo_served(s, o, as, leadqd, err);
	free(leadqd);
	return rc;
}

/* "https://Leadq.Example.com:8443/x" -> "leadq.example.com_8443": a file name. */
char *lq_session_server_name(const char *server)
{
	const char *p = strstr(server, "://");
	p = p ? p + 3 : server;
	const char *at = NULL;
	for (const char *q = p; *q && *q != '/'; q++) {
		if (*q == '@')
			at = q;
	}
	if (at)
		p = at + 1;    /* drop user:password@ */
	size_t n = strcspn(p, "/?#");
	char *name = malloc(n + 1);
	if (!name)
		return NULL;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '[' || ch == ']')
			continue;
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
			ch = '_';
		name[len++] = (char)ch;
	}
	name[len] = '\0';
	if (len == 0 || name[0] == '.') {
		free(name);
		return strdup("server");
	}
	return name;
}

static int choose_path(struct lq_session *s, const struct lq_session_opts *o, char **err)
{
	if (o->db_path) {
		if (!*o->db_path)
			return fail(err, 2, "%s", _("--db: the path is empty"));
		s->db_path = strdup(o->db_path);
		if (!s->db_path)
			return fail(err, 1, "%s", _("out of memory"));
		if (!o->demo && access(s->db_path, F_OK) != 0)
			return fail(err, 2, _("%s: no such cache (try leadq --demo, or leadq login SERVER USER)"),
				    s->db_path);
		return 0;
	}
	if (!o->demo && !s->config.server)
		return fail(err, 2, "%s",
			    _("no server configured: try leadq --demo, or leadq login SERVER USER"));

	char *data = lq_os_xdg_dir("data");
	if (!data)
		return fail(err, 1, "%s", _("no home folder: set HOME or XDG_DATA_HOME"));
	char *dir = o->demo ? lq_os_asprintf("%s/demo", data) : strdup(data);
	free(data);
	if (!dir)
		return fail(err, 1, "%s", _("out of memory"));
	if (lq_os_mkdir_p(dir, 0700) != 0) {
		int rc = fail(err, 1, "%s: %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	if (o->demo) {
		s->db_path = lq_os_asprintf("%s/cache.db", dir);
	} else {
		char *name = lq_session_server_name(s->config.server);
		s->db_path = name ? lq_os_asprintf("%s/%s.db", dir, name) : NULL;
		free(name);
	}
	free(dir);
	if (!s->db_path)
		return fail(err, 1, "%s", _("out of memory"));
	if (!o->demo && access(s->db_path, F_OK) != 0)
		return fail(err, 2, _("%s: no cache for %s yet: run leadq login SERVER USER"),
			    s->db_path, s->config.server);
	return 0;
}

static int load_reasons(struct lq_session *s, char **err)
{
	static const enum lq_status statuses[3] = {
		LQ_STATUS_RECYCLED, LQ_STATUS_JUNK, LQ_STATUS_UNREACHABLE,
	};
	static const char *const keys[3] = {
		"reasons.recycle", "reasons.junk", "reasons.unreachable",
	};

	lq_reasons_default(&s->reasons);
	for (int i = 0; i < 3; i++) {
		if (!s->config.reasons[i])
			continue;
		if (!lq_reasons_set(&s->reasons, statuses[i], s->config.reasons[i]))
			return fail(err, 2, _("%s: %s: bad list of reason codes"),
				    s->config.path ? s->config.path : "config", keys[i]);
	}
	return 0;
}

static int load_user(struct lq_session *s, char **err)
{
	char *user_id = meta(s, "user_id");
	if (!user_id)
		return fail(err, 1, _("%s: the cache has no user (run leadq login SERVER USER)"),
			    s->db_path);
	enum lq_store_rc rc = lq_store_get_user(s->store, user_id, &s->user);
	if (rc != LQ_STORE_OK) {
		int code = fail(err, 1, _("%s: the cache's user %s cannot be read: %s"), s->db_path,
				user_id, rc == LQ_STORE_NOTFOUND ? _("not found")
								  : lq_store_errmsg(s->store));
		free(user_id);
		return code;
	}
	free(user_id);
	s->user_tz = load_zone(s->user.tz);
	if (!s->user_tz)
		return fail(err, 1, "%s", _("out of memory"));
	return 0;
}

int lq_session_open(struct lq_session **out, const struct lq_session_opts *o, char **err)
{
	char why[1024];
	int rc;

	*out = NULL;
	if (err)
		*err = NULL;
	struct lq_session *s = calloc(1, sizeof(*s));
	if (!s)
		return fail(err, 1, "%s", _("out of memory"));
	lq_user_init(&s->user);
	s->demo = o->demo;

	if (lq_config_load(&s->config, o->config_path, why, sizeof(why)) != 0) {
		rc = fail(err, 2, "%s", why);
		goto out;
	}
	rc = load_reasons(s, err);
	if (rc != 0)
		goto out;
	if (!o->demo && (o->reset || o->demo_as)) {
		rc = fail(err, 2, "%s", _("--as and --reset go with --demo"));
		goto out;
	}
	rc = choose_path(s, o, err);
	if (rc != 0)
		goto out;
	if (!ensure_team_block(s)) {
		rc = fail(err, 1, "%s", _("out of memory"));
		goto out;
	}
	rc = o->demo ? open_demo(s, o, err) : open_store(s, err);
	if (rc != 0)
		goto out;
	if (!o->demo && s->config.server) {
		s->server = strdup(s->config.server);
		s->token = lq_session_token(s->config.server);    /* NULL: not logged in */
	}
	rc = load_user(s, err);
	if (rc != 0)
		goto out;

	s->act.actor_id = s->user.id;
	s->act.reasons = &s->reasons;
	s->act.undo_window_s = s->config.undo_window_s;
	s->act.calendar_for = act_calendar_for;
	s->act.calendar_ctx = s;
	*out = s;
	return 0;
out:
	lq_session_close(&s);
	return rc;
}

int lq_session_sync_once(struct lq_session *s, lq_sync_problem_cb on_problem, void *ctx,
			 struct lq_sync_status *out)
{
	struct lq_sync_opts o;
	struct lq_sync *sync;
	char *err = NULL;

	memset(out, 0, sizeof *out);
	memset(&o, 0, sizeof o);
	o.server = s->server;
	o.token = s->token;
	o.batch = s->config.sync_batch;
	o.once = true;
	o.on_problem = on_problem;
	o.ctx = ctx;
	sync = lq_sync_new(s->store, &o, &err);
	if (!sync) {
		out->failed = true;
		snprintf(out->error, sizeof out->error, "%s", err ? err : _("out of memory"));
		free(err);
		return 1;
	}
	for (;;) {
		struct pollfd fds[16];
		int timeout, n;

		lq_sync_get_status(sync, out);
		if (out->done || out->auth_failed)
			break;
		n = lq_sync_pollfds(sync, fds, 16, &timeout);
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
			break;
		lq_sync_step(sync);
	}
	lq_sync_get_status(sync, out);
	lq_sync_free(&sync);
	if (out->auth_failed || out->failed || !out->done)
		return 1;
	return out->conflicts + out->rejected > 0 ? 3 : 0;
}

int lq_session_adopt_user(struct lq_store *st, const char *server, const struct json_t *user_json,
			  char *why, size_t whysize)
{
	struct lq_user u;
	char *old = NULL;
	int rc = -1;

	lq_user_init(&u);
	why[0] = '\0';
	if (!lq_user_from_json(user_json, &u, why, whysize))
		goto out;
	/* Another user's view does not belong here (their outbox stays). */
	if (lq_store_meta_get(st, "user_id", &old) == LQ_STORE_OK && old &&
	    strcmp(old, u.id) != 0 && lq_store_drop_view(st) != LQ_STORE_OK)
		goto dberr;
	if (lq_store_put_user(st, &u) != LQ_STORE_OK ||
	    lq_store_meta_set(st, "user_id", u.id) != LQ_STORE_OK ||
	    lq_store_meta_set(st, "login", u.login ? u.login : "") != LQ_STORE_OK ||
	    lq_store_meta_set(st, "server", server) != LQ_STORE_OK)
		goto dberr;
	rc = 0;
	goto out;
dberr:
	snprintf(why, whysize, "%s", lq_store_errmsg(st));
out:
	free(old);
	lq_user_clear(&u);
	return rc;
}

void lq_session_close(struct lq_session **sp)
{
	if (!sp || !*sp)
		return;
	struct lq_session *s = *sp;
	lq_demo_server_stop(&s->demo_server);
	free(s->server);
	if (s->token)
		memset(s->token, 0, strlen(s->token));
	free(s->token);
	lq_store_close(&s->store);
	for (size_t i = 0; i < s->nteams; i++)
		lq_tz_free(&s->teams[i].tz);
	free(s->teams);
	lq_tz_free(&s->user_tz);
	lq_user_clear(&s->user);
	lq_config_free(&s->config);
	free(s->db_path);
	free(s);
	*sp = NULL;
}

char *lq_session_token_path(const char *server)
{
	char *dir = lq_os_xdg_dir("config");
	char *name = server ? lq_session_server_name(server) : NULL;
	char *path = dir && name ? lq_os_asprintf("%s/token-%s", dir, name) : NULL;

	free(dir);
	free(name);
	return path;
}

char *lq_session_token(const char *server)
{
	char *path = lq_session_token_path(server);
	char buf[512];
	FILE *f = path ? fopen(path, "r") : NULL;
	size_t n;

	free(path);
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return n ? strdup(buf) : NULL;
}

bool lq_system_note(const struct lq_activity *a, char *buf, size_t size)
{
	int how, ev, act;

	if (!a->actor || !a->detail)
		return false;
	if (a->kind == LQ_ACT_ASSIGNMENT && strcmp(a->actor, "routing") == 0) {
		how = lq_route_how_parse(a->detail);
		if (how < 0)
			return false;
		if (a->subject && *a->subject)
			/* TRANSLATORS: a rule's name, then how its owner was chosen. */
			snprintf(buf, size, _("routed by rule %s, %s"), a->subject,
				 _(lq_route_how_label((enum lq_route_how)how)));
		else
			snprintf(buf, size, _("routed: %s"),
				 _(lq_route_how_label((enum lq_route_how)how)));
		return true;
	}
	if (strcmp(a->actor, "sla") != 0)
		return false;
	if (a->kind == LQ_ACT_ASSIGNMENT) {
		ev = lq_sla_event_parse(a->detail);
		if (ev < 0 || !a->subject)
			return false;
		/* TRANSLATORS: the new owner's login, then the SLA event. */
		snprintf(buf, size, _("reassigned to %s: %s"), a->subject,
			 _(lq_sla_event_label((enum lq_sla_event)ev)));
		return true;
	}
	if (a->kind != LQ_ACT_ESCALATION || !a->subject)
		return false;
	ev = lq_sla_event_parse(a->subject);
	if (ev == LQ_SLA_EVENT_BREACH) {
		act = lq_breach_action_parse(a->detail);
		if (act < 0)
			return false;
		snprintf(buf, size, "%s: %s", _(lq_sla_event_label((enum lq_sla_event)ev)),
			 _(lq_breach_action_label((enum lq_breach_action)act)));
		return true;
	}
	if (ev == LQ_SLA_EVENT_EXPIRY) {
		act = lq_expiry_action_parse(a->detail);
		if (act < 0)
			return false;
		snprintf(buf, size, "%s: %s", _(lq_sla_event_label((enum lq_sla_event)ev)),
			 _(lq_expiry_action_label((enum lq_expiry_action)act)));
		return true;
	}
	return false;
}

bool lq_session_is_dispatcher(struct lq_session *s)
{
	struct lq_team t;
	bool is = false;

	if (!s->user.team_id || !s->user.id[0] || !s->store)
		return false;
	lq_team_init(&t);
	if (lq_store_get_team(s->store, s->user.team_id, &t) == LQ_STORE_OK)
		is = strcmp(t.dispatcher_id, s->user.id) == 0;
	lq_team_clear(&t);
	return is;
}
