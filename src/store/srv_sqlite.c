/* leadq — the sqlite backend of the server storage (leadqd's default).
 *
 * One connection per handle: WAL, foreign keys on, synchronous=FULL (an op
 * acknowledged survives kill -9 and power loss), a busy timeout.  Leads and
 * activities are kept as the codec's JSON (the one encoding of every field)
 * next to the columns the server looks up by. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "leadq/codec.h"
#include "leadq/mem.h"
#include "leadq/rules.h"
#include "leadq/srvstore.h"
#include "leadq/text.h"
#include "store/migrations.h"
#include "store/sqlite_common.h"
#include "store/srv_private.h"

#define STMT_CACHE 64

/* Statements are prepared once and kept, keyed by their SQL text (every
 * caller passes a string literal, so the pointer is the key): preparing is
 * most of the cost of a point lookup. */
struct sv_cached {
	const char *sql;
	sqlite3_stmt *st;
};

/* The background checkpointer (sv_background_start): the request
 * connection's commit only appends to the WAL; this thread, on a connection
 * of its own, copies the WAL into the database with PASSIVE checkpoints
 * (they never block a writer, and a writer never waits for them), so no
 * request pays the copy.  It runs after CKPT_PAGES new frames, or once
 * commits pause for CKPT_IDLE_MS.  Under steady load a PASSIVE checkpoint
 * never catches up with the writer, so the WAL would never start over:
 * past WAL_LIMIT_PAGES a RESTART follows the PASSIVE one (it waits for the
 * writer and holds the next one only while it copies the few frames the
 * PASSIVE one left), and when idle a TRUNCATE gives the disk back. */
#define CKPT_PAGES 1000                 /* sqlite's own autocheckpoint size */
#define CKPT_IDLE_MS 250
#define WAL_LIMIT_PAGES 8192            /* 32 MiB of 4 KiB pages */
#define CKPT_BUSY_MS 2000

struct sv_ckpt {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	sqlite3 *db;                    /* the thread's own connection */
	int wal_pages;                  /* frames in the WAL after the last commit */
	int new_frames;                 /* appended since the last checkpoint */
	int wal_peak;                   /* the longest the WAL has been since truncated */
	uint64_t commits;
	bool stop;
};

struct sv_store {
	struct lq_srv_store base;
	sqlite3 *db;
	struct sv_ckpt *ckpt;           /* NULL: sqlite's automatic checkpoints */
	int depth;                      /* begin nesting */
	struct sv_cached cache[STMT_CACHE];
	int ncache;
	char errmsg[256];
};

static struct sv_store *sv(struct lq_srv_store *s) { return (struct sv_store *)s; }

static enum lq_store_rc fail(struct sv_store *q, int r)
{
	enum lq_store_rc rc = lq_sqlite_rc(r);

	snprintf(q->errmsg, sizeof q->errmsg, "%s", q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(r));
	return rc == LQ_STORE_OK ? LQ_STORE_ERROR : rc;
}

static enum lq_store_rc nomem(struct sv_store *q)
{
	snprintf(q->errmsg, sizeof q->errmsg, "out of memory");
	return LQ_STORE_NOMEM;
}

static enum lq_store_rc exec_sql(struct sv_store *q, const char *sql)
{
	int r = sqlite3_exec(q->db, sql, NULL, NULL, NULL);

	return r == SQLITE_OK ? LQ_STORE_OK : fail(q, r);
}

/* Gives a statement of prep() back: a cached one is reset for its next
 * use, any other finalized. */
static void release(struct sv_store *q, sqlite3_stmt *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < q->ncache; i++) {
		if (q->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	}
	sqlite3_finalize(st);
}

/* The cached statement of sql, prepared on first use; one that is running
 * (a lookup inside a row callback of the same query) gets a fresh copy. */
static int prepare_cached(struct sv_store *q, const char *sql, sqlite3_stmt **st)
{
	int i, r;

	for (i = 0; i < q->ncache; i++) {
		if (q->cache[i].sql == sql) {
			if (sqlite3_stmt_busy(q->cache[i].st))
				break;
			*st = q->cache[i].st;
			return SQLITE_OK;
		}
	}
	if (i < q->ncache || q->ncache == STMT_CACHE)
		return sqlite3_prepare_v2(q->db, sql, -1, st, NULL);
	r = sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (r == SQLITE_OK) {
		q->cache[q->ncache].sql = sql;
		q->cache[q->ncache].st = *st;
		q->ncache++;
	}
	return r;
}

/* Prepares sql (a string literal: see struct sv_cached) and binds the
 * arguments: a format string of 's' (text or NULL), 'i' (int64), 't'
 * (lq_time, NULL when LQ_TIME_NONE). */
static sqlite3_stmt *prep(struct sv_store *q, enum lq_store_rc *rc, const char *sql,
			  const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int r, i;

	r = prepare_cached(q, sql, &st);
	if (r != SQLITE_OK) {
		*rc = fail(q, r);
		sqlite3_finalize(st);
		return NULL;
	}
	va_start(ap, fmt);
	for (i = 0; fmt[i] && r == SQLITE_OK; i++) {
		if (fmt[i] == 's') {
			const char *v = va_arg(ap, const char *);

			r = v ? sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT)
			      : sqlite3_bind_null(st, i + 1);
		} else if (fmt[i] == 'i') {
			r = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		} else {
			lq_time t = va_arg(ap, lq_time);

			r = t == LQ_TIME_NONE ? sqlite3_bind_null(st, i + 1)
					      : sqlite3_bind_int64(st, i + 1, t);
		}
	}
	va_end(ap);
	if (r != SQLITE_OK) {
		*rc = fail(q, r);
		release(q, st);
		return NULL;
	}
	*rc = LQ_STORE_OK;
	return st;
}

/* Steps a statement that returns no rows and gives it back. */
static enum lq_store_rc run(struct sv_store *q, sqlite3_stmt *st, enum lq_store_rc rc)
{
	int r;

	if (!st)
		return rc;
	r = sqlite3_step(st);
	rc = r == SQLITE_DONE || r == SQLITE_ROW ? LQ_STORE_OK : fail(q, r);
	release(q, st);
	return rc;
}

/* Steps to the first row: OK with a row, NOTFOUND without (given back then). */
static enum lq_store_rc first_row(struct sv_store *q, sqlite3_stmt **st)
{
	int r = sqlite3_step(*st);

	if (r == SQLITE_ROW)
		return LQ_STORE_OK;
	release(q, *st);
	*st = NULL;
	return r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static bool dup_col(sqlite3_stmt *st, int i, char **out)
{
	const char *t = col_text(st, i);

	*out = NULL;
	if (!t)
		return true;
	*out = lq_strdup(t);
	return *out != NULL;
}

static void copy_id(char out[LQ_UUID_SIZE], const char *t)
{
	size_t n = t ? strlen(t) : 0;

	if (n >= LQ_UUID_SIZE)
		n = LQ_UUID_SIZE - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

/* A lead's entity for the feed from "SELECT lead_id, version, data": its
 * lead, version and stored JSON (malloc'd; data NULL: not copied, for a
 * check that it exists).  Gives the statement back. */
static enum lq_store_rc row_text(struct sv_store *q, sqlite3_stmt *st, enum lq_store_rc rc,
				 char lead_id[LQ_UUID_SIZE], int64_t *version, char **data)
{
	if (data)
		*data = NULL;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	copy_id(lead_id, col_text(st, 0));
	*version = sqlite3_column_int64(st, 1);
	if (data && (!col_text(st, 2) || !dup_col(st, 2, data)))
		rc = nomem(q);
	release(q, st);
	return rc;
}

/* --- open, migrate, close ---------------------------------------------- */

static bool sv_accepts(const char *path)
{
	return strncmp(path, "postgresql://", 13) != 0 && strncmp(path, "postgres://", 11) != 0;
}

static void ckpt_stop(struct sv_store *q);

static void sv_close(struct lq_srv_store *s)
{
	struct sv_store *q = sv(s);

	if (q->db && !sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	ckpt_stop(q);
	while (q->ncache > 0)
		sqlite3_finalize(q->cache[--q->ncache].st);
	sqlite3_close(q->db);
	lq_free(q);
}

/* --- background checkpoints ---------------------------------------------- */

/* Runs on the committing thread after each commit (under its caller's
 * lock): records the WAL's length and wakes the checkpointer when enough
 * frames wait.  Replaces sqlite's automatic checkpoint. */
static int ckpt_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sv_ckpt *c = arg;
	bool was_clean;

	(void)db;
	(void)name;
	pthread_mutex_lock(&c->lock);
	was_clean = c->new_frames == 0;
	/* A shorter WAL than last time: it restarted from its beginning. */
	c->new_frames += pages >= c->wal_pages ? pages - c->wal_pages : pages;
	c->wal_pages = pages;
	if (pages > c->wal_peak)
		c->wal_peak = pages;
	c->commits++;
	/* Also the first frames after a checkpoint: the thread then starts
	 * watching for the pause after which it copies them. */
	if (c->new_frames >= CKPT_PAGES || was_clean)
		pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
	struct sv_ckpt *c = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		bool idle, trunc_wal;
		int r, log = 0;

		if (c->new_frames < CKPT_PAGES) {
			if (c->new_frames == 0 && c->wal_peak <= WAL_LIMIT_PAGES) {
				pthread_cond_wait(&c->wake, &c->lock);
			} else {
				struct timespec until;

				clock_gettime(CLOCK_MONOTONIC, &until);
				until.tv_nsec += CKPT_IDLE_MS * 1000000L;
				until.tv_sec += until.tv_nsec / 1000000000L;
				until.tv_nsec %= 1000000000L;
				pthread_cond_timedwait(&c->wake, &c->lock, &until);
			}
			if (c->stop)
				break;
		}
		idle = c->commits == seen;
		seen = c->commits;
		if (c->new_frames < CKPT_PAGES && !(idle && (c->new_frames > 0 ||
							      c->wal_peak > WAL_LIMIT_PAGES)))
			continue;
		trunc_wal = idle && c->wal_peak > WAL_LIMIT_PAGES;
		c->new_frames = 0;
		pthread_mutex_unlock(&c->lock);
		r = sqlite3_wal_checkpoint_v2(c->db, NULL, trunc_wal ? SQLITE_CHECKPOINT_TRUNCATE
					      : SQLITE_CHECKPOINT_PASSIVE, &log, NULL);
		pthread_mutex_lock(&c->lock);
		if (r == SQLITE_OK && !trunc_wal && c->wal_pages > WAL_LIMIT_PAGES) {
			pthread_mutex_unlock(&c->lock);
			r = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_RESTART,
						      &log, NULL);
			pthread_mutex_lock(&c->lock);
		}
		if (trunc_wal && r == SQLITE_OK)
			c->wal_peak = c->wal_pages = 0;
		else if (r != SQLITE_OK && c->new_frames == 0)
			c->new_frames = 1;      /* again when next idle */
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static void ckpt_free(struct sv_ckpt **cp)
{
	struct sv_ckpt *c = *cp;

	if (!c)
		return;
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	sqlite3_close(c->db);
	lq_free(c);
	*cp = NULL;
}

/* Stops the thread (a checkpoint under way finishes first) and gives the
 * request connection its automatic checkpoints back. */
static void ckpt_stop(struct sv_store *q)
{
	struct sv_ckpt *c = q->ckpt;

	if (!c)
		return;
	sqlite3_wal_hook(q->db, NULL, NULL);
	sqlite3_wal_autocheckpoint(q->db, CKPT_PAGES);
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	ckpt_free(&q->ckpt);
}

static enum lq_store_rc sv_background_start(struct lq_srv_store *s)
{
	struct sv_store *q = sv(s);
	const char *path = sqlite3_db_filename(q->db, "main");
	pthread_condattr_t attr;
	struct sv_ckpt *c;
	int r;

	if (q->ckpt || !path || !*path)
		return LQ_STORE_OK;             /* already running, or in memory */
	c = lq_calloc(1, sizeof *c);
	if (!c)
		return nomem(q);
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake, &attr);
	pthread_condattr_destroy(&attr);
	r = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (r == SQLITE_OK) {
		sqlite3_extended_result_codes(c->db, 1);
		/* RESTART and TRUNCATE wait for a writer this long. */
		sqlite3_busy_timeout(c->db, CKPT_BUSY_MS);
		/* The checkpoint syncs the WAL before and the database after. */
		r = sqlite3_exec(c->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	}
	if (r != SQLITE_OK) {
		snprintf(q->errmsg, sizeof q->errmsg, "checkpoint connection: %s",
			 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(r));
		ckpt_free(&c);
		return r == SQLITE_NOMEM ? LQ_STORE_NOMEM : LQ_STORE_ERROR;
	}
	r = pthread_create(&c->thread, NULL, ckpt_main, c);
	if (r != 0) {
		snprintf(q->errmsg, sizeof q->errmsg, "checkpoint thread: %s", strerror(r));
		ckpt_free(&c);
		return r == ENOMEM || r == EAGAIN ? LQ_STORE_NOMEM : LQ_STORE_ERROR;
	}
	q->ckpt = c;
	/* Replaces the automatic checkpoint (wal_autocheckpoint is a hook). */
	sqlite3_wal_hook(q->db, ckpt_hook, c);
	return LQ_STORE_OK;
}

static enum lq_store_rc sv_open(const char *path, struct lq_srv_store **out, char **err)
{
	struct sv_store *q = lq_calloc(1, sizeof *q);
	enum lq_store_rc rc;

	if (!q) {
		if (err)
			*err = lq_strdup("out of memory");
		return LQ_STORE_NOMEM;
	}
	q->base.ops = &lq_srv_sqlite_ops;
	/* A batch of 100 ops dirties more pages than the default cache holds
	 * (2 MiB): it spilled them to the WAL mid-transaction and read them
	 * back.  The savepoint journal only undoes a refused op, never a crash:
	 * in memory, not a temporary file. */
	rc = lq_sqlite_open(path, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
			    "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768; "
			    "PRAGMA temp_store = MEMORY", &q->db, q->errmsg, sizeof q->errmsg);
	if (rc == LQ_STORE_OK)
		rc = lq_sqlite_migrate(q->db, lq_srv_migrations, lq_srv_migrations_count, "leadqd",
				       q->errmsg, sizeof q->errmsg);
	if (rc != LQ_STORE_OK)
		goto fail;
	*out = &q->base;
	return LQ_STORE_OK;
fail:
	if (err) {
		char msg[sizeof q->errmsg + 512];

		snprintf(msg, sizeof msg, "%s: %s", path, q->errmsg);
		*err = lq_strdup(msg);
		if (!*err)
			rc = LQ_STORE_NOMEM;
	}
	sv_close(&q->base);
	return rc;
}

static const char *sv_errmsg(const struct lq_srv_store *s)
{
	const struct sv_store *q = (const struct sv_store *)s;

	return q->errmsg[0] ? q->errmsg : "no error";
}

/* A statement without arguments or rows, from the cache (transaction
 * control runs several times per request). */
static enum lq_store_rc exec_cached(struct sv_store *q, const char *sql)
{
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, sql, "");

	return run(q, st, rc);
}

static enum lq_store_rc sv_begin(struct lq_srv_store *s)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc = exec_cached(q, q->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp");

	if (rc == LQ_STORE_OK)
		q->depth++;
	return rc;
}

static enum lq_store_rc sv_commit(struct lq_srv_store *s)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;

	if (q->depth <= 0)
		return LQ_STORE_OK;
	rc = exec_cached(q, q->depth == 1 ? "COMMIT" : "RELEASE sp");
	if (rc == LQ_STORE_OK)
		q->depth--;
	return rc;
}

static void sv_rollback(struct lq_srv_store *s)
{
	struct sv_store *q = sv(s);
	char msg[sizeof q->errmsg];

	if (q->depth <= 0)
		return;
	/* Keeps the message of the failure that led here. */
	memcpy(msg, q->errmsg, sizeof msg);
	if (q->depth == 1) {
		exec_cached(q, "ROLLBACK");
	} else {
		exec_cached(q, "ROLLBACK TO sp");
		exec_cached(q, "RELEASE sp");
	}
	memcpy(q->errmsg, msg, sizeof msg);
	q->depth--;
}

/* --- meta ----------------------------------------------------------------- */

static enum lq_store_rc sv_meta_get(struct lq_srv_store *s, const char *key, char **value)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT value FROM meta WHERE key = ?1", "s", key);

	*value = NULL;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	if (!dup_col(st, 0, value))
		rc = nomem(q);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_meta_set(struct lq_srv_store *s, const char *key, const char *value)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
				"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
				"ss", key, value);

	return run(q, st, rc);
}

/* --- teams and users ------------------------------------------------------ */

#define TEAM_COLS "id, name, tz, hours, holidays, first_contact_minutes, " \
	"touches_required, touch_window_days, at_risk_percent, version, dispatcher_id"

static enum lq_store_rc sv_team_put(struct lq_srv_store *s, const struct lq_team *t,
				    const char *routing)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc,
		"INSERT INTO teams (id, name, tz, hours, holidays, first_contact_minutes, "
		"touches_required, touch_window_days, at_risk_percent, routing, sla_actions_since) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, 'direct'), "
		"CAST(strftime('%s', 'now') AS INTEGER)) "
		"ON CONFLICT (id) DO UPDATE SET name = excluded.name, tz = excluded.tz, "
		"hours = excluded.hours, holidays = excluded.holidays, "
		"first_contact_minutes = excluded.first_contact_minutes, "
		"touches_required = excluded.touches_required, "
		"touch_window_days = excluded.touch_window_days, "
		"at_risk_percent = excluded.at_risk_percent, "
		"routing = coalesce(?10, routing), version = version + 1",
		"sssssiiiis", t->id, t->name, t->tz, t->hours, t->holidays,
		(int64_t)t->policy.first_contact_minutes, (int64_t)t->policy.touches_required,
		(int64_t)t->policy.touch_window_days, (int64_t)t->policy.at_risk_percent, routing);

	return run(q, st, rc);
}

static enum lq_store_rc read_team(struct sv_store *q, sqlite3_stmt *st, struct lq_team *out,
				  int64_t *version)
{
	lq_team_init(out);
	copy_id(out->id, col_text(st, 0));
	if (!dup_col(st, 1, &out->name) || !dup_col(st, 2, &out->tz) ||
	    !dup_col(st, 3, &out->hours) || !dup_col(st, 4, &out->holidays)) {
		lq_team_clear(out);
		return nomem(q);
	}
	out->policy.first_contact_minutes = sqlite3_column_int(st, 5);
	out->policy.touches_required = sqlite3_column_int(st, 6);
	out->policy.touch_window_days = sqlite3_column_int(st, 7);
	out->policy.at_risk_percent = sqlite3_column_int(st, 8);
	if (version)
		*version = sqlite3_column_int64(st, 9);
	copy_id(out->dispatcher_id, col_text(st, 10));
	return LQ_STORE_OK;
}

static enum lq_store_rc team_query(struct sv_store *q, sqlite3_stmt *st, enum lq_store_rc rc,
				   struct lq_team *out, int64_t *version)
{
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	rc = read_team(q, st, out, version);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_team_get(struct lq_srv_store *s, const char *key, bool by_name,
				    struct lq_team *out, int64_t *version)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, by_name ? "SELECT " TEAM_COLS " FROM teams WHERE name = ?1"
				: "SELECT " TEAM_COLS " FROM teams WHERE id = ?1", "s", key);

	return team_query(q, st, rc, out, version);
}

static enum lq_store_rc sv_team_first(struct lq_srv_store *s, struct lq_team *out)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT " TEAM_COLS " FROM teams ORDER BY rowid LIMIT 1", "");

	return team_query(q, st, rc, out, NULL);
}

#define USER_COLS "id, login, name, email, tz, team_id, role, capacity, active, version, " \
	"password_hash"

static enum lq_store_rc sv_user_put(struct lq_srv_store *s, const struct lq_user *u)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc,
		"INSERT INTO users (id, login, name, email, tz, team_id, role, capacity, active) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
		"ON CONFLICT (id) DO UPDATE SET login = excluded.login, name = excluded.name, "
		"email = excluded.email, tz = excluded.tz, team_id = excluded.team_id, "
		"role = excluded.role, capacity = excluded.capacity, active = excluded.active, "
		"version = version + 1",
		"sssssssii", u->id, u->login, u->name, u->email, u->tz, u->team_id,
		lq_role_wire(u->role), (int64_t)u->capacity, (int64_t)u->active);

	return run(q, st, rc);
}

static enum lq_store_rc read_user(struct sv_store *q, sqlite3_stmt *st, struct lq_user *out,
				  int64_t *version, char **password_hash)
{
	int role;

	lq_user_init(out);
	copy_id(out->id, col_text(st, 0));
	if (!dup_col(st, 1, &out->login) || !dup_col(st, 2, &out->name) ||
	    !dup_col(st, 3, &out->email) || !dup_col(st, 4, &out->tz) ||
	    !dup_col(st, 5, &out->team_id) || (password_hash && !dup_col(st, 10, password_hash))) {
		lq_user_clear(out);
		return nomem(q);
	}
	role = lq_role_parse(col_text(st, 6));
	out->role = role < 0 ? LQ_ROLE_REP : (enum lq_role)role;
	out->capacity = sqlite3_column_int(st, 7);
	out->active = sqlite3_column_int(st, 8) != 0;
	if (version)
		*version = sqlite3_column_int64(st, 9);
	return LQ_STORE_OK;
}

static enum lq_store_rc sv_user_get(struct lq_srv_store *s, const char *key, bool by_login,
				    struct lq_user *out, int64_t *version, char **password_hash)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, by_login ? "SELECT " USER_COLS " FROM users WHERE login = ?1"
				: "SELECT " USER_COLS " FROM users WHERE id = ?1", "s", key);

	if (password_hash)
		*password_hash = NULL;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	rc = read_user(q, st, out, version, password_hash);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_user_each(struct lq_srv_store *s, lq_srv_user_cb cb, void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT " USER_COLS " FROM users ORDER BY login", "");
	int r;

	if (!st)
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct lq_user u;
		int stop;

		rc = read_user(q, st, &u, NULL, NULL);
		if (rc != LQ_STORE_OK)
			break;
		stop = cb(ctx, &u);
		lq_user_clear(&u);
		if (stop)
			break;
	}
	if (rc == LQ_STORE_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_user_set_password(struct lq_srv_store *s, const char *id,
					     const char *hash)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "UPDATE users SET password_hash = ?2 WHERE id = ?1",
				"ss", id, hash);

	rc = run(q, st, rc);
	if (rc == LQ_STORE_OK && sqlite3_changes(q->db) == 0)
		rc = LQ_STORE_NOTFOUND;
	return rc;
}

static enum lq_store_rc sv_team_lead(struct lq_srv_store *s, const char *team_id,
				     struct lq_user *out)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT " USER_COLS " FROM users WHERE team_id = ?1 "
				"AND role = 'lead' AND active ORDER BY login LIMIT 1", "s", team_id);

	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	rc = read_user(q, st, out, NULL, NULL);
	release(q, st);
	return rc;
}

/* --- routing ------------------------------------------------------------- */

static enum lq_store_rc sv_rules_get(struct lq_srv_store *s, int64_t *seq, char **text)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	/* Without text only the seq: the index of the primary key, no file. */
	sqlite3_stmt *st = text
		? prep(q, &rc, "SELECT seq, text FROM rule_sets ORDER BY seq DESC LIMIT 1", "")
		: prep(q, &rc, "SELECT max(seq) FROM rule_sets HAVING max(seq) IS NOT NULL", "");

	if (text)
		*text = NULL;
	*seq = 0;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	*seq = sqlite3_column_int64(st, 0);
	if (text && !dup_col(st, 1, text))
		rc = LQ_STORE_NOMEM;
	release(q, st);
	return rc == LQ_STORE_NOMEM ? nomem(q) : rc;
}

static enum lq_store_rc sv_rules_put(struct lq_srv_store *s, const char *text, const char *who,
				     lq_time now, int64_t *seq)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO rule_sets (text, imported_at, imported_by) "
				"VALUES (?1, ?2, ?3)", "sts", text, now, who);

	rc = run(q, st, rc);
	if (rc == LQ_STORE_OK)
		*seq = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static enum lq_store_rc sv_team_rules_get(struct lq_srv_store *s, const char *team_id,
					  struct lq_srv_team_rules *out)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT routing, dispatcher_id, on_breach, on_expiry, "
				"sla_actions_since FROM teams WHERE id = ?1", "s", team_id);
	int v;

	memset(out, 0, sizeof *out);
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	/* An unknown name (a newer server wrote it) reads as the default. */
	v = lq_route_mode_parse(col_text(st, 0));
	out->routing = v < 0 ? LQ_ROUTE_DIRECT : v;
	copy_id(out->dispatcher_id, col_text(st, 1));
	v = lq_breach_action_parse(col_text(st, 2));
	out->on_breach = v < 0 ? LQ_BREACH_NOTIFY : v;
	v = lq_expiry_action_parse(col_text(st, 3));
	out->on_expiry = v < 0 ? LQ_EXPIRY_UNREACHABLE : v;
	out->actions_since = sqlite3_column_int64(st, 4);
	release(q, st);
	return LQ_STORE_OK;
}

static enum lq_store_rc sv_team_rules_set(struct lq_srv_store *s, const char *team_id,
					  const struct lq_srv_team_rules *r)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	const char *routing = lq_route_mode_wire((enum lq_route_mode)r->routing);
	const char *on_breach = lq_breach_action_wire((enum lq_breach_action)r->on_breach);
	const char *on_expiry = lq_expiry_action_wire((enum lq_expiry_action)r->on_expiry);
	sqlite3_stmt *st;

	if (!routing || !on_breach || !on_expiry) {
		snprintf(q->errmsg, sizeof q->errmsg, "team %s: unknown routing or SLA action",
			 team_id);
		return LQ_STORE_INVALID;
	}
	st = prep(q, &rc, "UPDATE teams SET routing = ?2, dispatcher_id = ?3, on_breach = ?4, "
		  "on_expiry = ?5, sla_actions_since = ?6, version = version + 1 WHERE id = ?1",
		  "sssssi", team_id, routing, r->dispatcher_id[0] ? r->dispatcher_id : NULL,
		  on_breach, on_expiry, (int64_t)r->actions_since);
	rc = run(q, st, rc);
	if (rc == LQ_STORE_OK && sqlite3_changes(q->db) == 0)
		rc = LQ_STORE_NOTFOUND;
	return rc;
}

static enum lq_store_rc sv_team_reps(struct lq_srv_store *s, const char *team_id,
				     lq_srv_rep_cb cb, void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	/* Open: new and working (lq_status_is_open); leads_owner_status counts them. */
	sqlite3_stmt *st = prep(q, &rc, "SELECT " USER_COLS ", last_routed, "
				"(SELECT count(*) FROM leads WHERE owner_id = users.id "
				"AND status IN ('new', 'working')) "
				"FROM users WHERE team_id = ?1 AND role = 'rep' ORDER BY login",
				"s", team_id);
	int r;

	if (!st)
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct lq_user u;
		int stop;

		rc = read_user(q, st, &u, NULL, NULL);
		if (rc != LQ_STORE_OK)
			break;
		stop = cb(ctx, &u, (int)sqlite3_column_int64(st, 12),
			  sqlite3_column_int64(st, 11));
		lq_user_clear(&u);
		if (stop)
			break;
	}
	if (rc == LQ_STORE_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_user_routed(struct lq_srv_store *s, const char *user_id)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "UPDATE users SET last_routed = "
				"(SELECT coalesce(max(last_routed), 0) + 1 FROM users) WHERE id = ?1",
				"s", user_id);

	return run(q, st, rc);
}

/* --- appointments ------------------------------------------------------------- */

static enum lq_store_rc sv_appt_put(struct lq_srv_store *s, const struct lq_appt *a,
				    const char *data, const char *op_id)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO appointments (id, lead_id, rep_id, start_at, "
				"end_at, status, version, op_id, data) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
				"ON CONFLICT (id) DO UPDATE SET rep_id = excluded.rep_id, "
				"start_at = excluded.start_at, end_at = excluded.end_at, "
				"status = excluded.status, version = excluded.version, "
				"data = excluded.data",
				"sssiisiss", a->id, a->lead_id, a->rep_id, (int64_t)a->start,
				(int64_t)a->end, lq_appt_status_wire(a->status), a->version,
				op_id, data);
	int r;

	if (!st)
		return rc;
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = LQ_STORE_OK;
	} else if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_TRIGGER) {
		/* appointments_no_overlap_*: another booked appointment of the rep. */
		snprintf(q->errmsg, sizeof q->errmsg, "%s", sqlite3_errmsg(q->db));
		rc = LQ_STORE_CONFLICT;
	} else {
		rc = fail(q, r);
	}
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_appt_get(struct lq_srv_store *s, const char *id, struct lq_appt *out)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT data FROM appointments WHERE id = ?1", "s", id);
	const char *data;
	char err[160];

	lq_appt_init(out);
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	data = col_text(st, 0);
	if (!lq_appt_from_text(data ? data : "", data ? strlen(data) : 0, out, err, sizeof err)) {
		snprintf(q->errmsg, sizeof q->errmsg, "appointment %s: %s", id, err);
		rc = LQ_STORE_ERROR;
	}
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_appt_busy(struct lq_srv_store *s, const char *rep_id, lq_time from,
				     lq_time to, bool with_cancelled, lq_srv_appt_cb cb, void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT data FROM appointments WHERE rep_id = ?1 AND "
				"(status = 'booked' OR (?4 AND status = 'cancelled')) AND "
				"start_at < ?3 AND end_at > ?2 ORDER BY start_at",
				"siii", rep_id, (int64_t)from, (int64_t)to,
				(int64_t)(with_cancelled ? 1 : 0));
	int r;

	if (!st)
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *data = col_text(st, 0);
		struct lq_appt a;
		char err[160];
		int stop;

		if (!lq_appt_from_text(data ? data : "", data ? strlen(data) : 0, &a, err,
				       sizeof err)) {
			snprintf(q->errmsg, sizeof q->errmsg, "appointment: %s", err);
			rc = LQ_STORE_ERROR;
			break;
		}
		stop = cb(ctx, &a);
		lq_appt_clear(&a);
		if (stop)
			break;
	}
	if (rc == LQ_STORE_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_appt_next(struct lq_srv_store *s, const char *lead_id, lq_time now,
				     lq_time *start)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT min(start_at) FROM appointments WHERE lead_id = ?1 "
				"AND status = 'booked' AND end_at > ?2", "si", lead_id, (int64_t)now);

	*start = LQ_TIME_NONE;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		*start = sqlite3_column_int64(st, 0);
	release(q, st);
	return LQ_STORE_OK;
}

static enum lq_store_rc sv_appt_text(struct lq_srv_store *s, const char *id,
				     char lead_id[LQ_UUID_SIZE], int64_t *version, char **data)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT lead_id, version, data FROM appointments "
				"WHERE id = ?1", "s", id);

	return row_text(q, st, rc, lead_id, version, data);
}

static enum lq_store_rc sv_calendar_token_put(struct lq_srv_store *s, const char *user_id,
					      const char *hash, lq_time now)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO calendar_tokens (user_id, hash, created_at) "
				"VALUES (?1, ?2, ?3) ON CONFLICT (user_id) DO UPDATE SET "
				"hash = excluded.hash, created_at = excluded.created_at",
				"ssi", user_id, hash, (int64_t)now);

	return run(q, st, rc);
}

static enum lq_store_rc sv_calendar_token_check(struct lq_srv_store *s, const char *user_id,
						const char *hash, bool *ok)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT 1 FROM calendar_tokens WHERE user_id = ?1 AND "
				"hash = ?2", "ss", user_id, hash);

	*ok = false;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
	*ok = true;
	release(q, st);
	return LQ_STORE_OK;
}

/* --- the outbound queue ------------------------------------------------------- */

static const char *channel_wire(enum lq_srv_channel c)
{
	return c == LQ_SRV_WEBHOOK ? "webhook" : "mail";
}

static enum lq_store_rc sv_outbound_add(struct lq_srv_store *s, enum lq_srv_channel channel,
					const char *to, const char *subject, const char *body,
					lq_time now)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO outbound (channel, to_addr, subject, body, "
				"created_at, next_try_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
				"ssssi", channel_wire(channel), to, subject, body, (int64_t)now);

	return run(q, st, rc);
}

static enum lq_store_rc sv_outbound_due(struct lq_srv_store *s, enum lq_srv_channel channel,
					lq_time now, int limit, lq_srv_outbound_cb cb, void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT id, to_addr, subject, body, attempts, created_at "
				"FROM outbound WHERE channel = ?1 AND sent_at IS NULL "
				"AND next_try_at <= ?2 ORDER BY id LIMIT ?3", "sii",
				channel_wire(channel), (int64_t)now, (int64_t)limit);
	int r;

	if (!st)
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct lq_srv_outbound m = { sqlite3_column_int64(st, 0), col_text(st, 1),
					     col_text(st, 2), col_text(st, 3),
					     sqlite3_column_int(st, 4),
					     sqlite3_column_int64(st, 5) };

		if (cb(ctx, &m))
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_outbound_tried(struct lq_srv_store *s, int64_t id, const char *error,
					  lq_time now, lq_time next_try)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = error
		? prep(q, &rc, "UPDATE outbound SET attempts = attempts + 1, error = ?2, "
		       "next_try_at = ?3 WHERE id = ?1", "isi", id, error, (int64_t)next_try)
		: prep(q, &rc, "UPDATE outbound SET attempts = attempts + 1, error = NULL, "
		       "sent_at = ?2 WHERE id = ?1", "ii", id, (int64_t)now);

	return run(q, st, rc);
}

/* --- marketing's intake ----------------------------------------------------------- */

static enum lq_store_rc sv_anon_event_put(struct lq_srv_store *s, const char *id,
					  const char *email, const char *external_id, lq_time at,
					  const char *data)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO anon_events (id, email_key, external_id, at, "
				"data) VALUES (?1, lower(?2), ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
				"sssis", id, email && *email ? email : NULL,
				external_id && *external_id ? external_id : NULL, (int64_t)at, data);

	return run(q, st, rc);
}

/* Each row's text column 0 to cb, to the end or until cb stops. */
static enum lq_store_rc each_text(struct sv_store *q, sqlite3_stmt *st, enum lq_store_rc rc,
				  lq_srv_text_cb cb, void *ctx)
{
	int r;

	if (!st)
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(ctx, col_text(st, 0)))
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	release(q, st);
	return rc;
}

#define ANON_MATCH "(?1 IS NOT NULL AND email_key = lower(?1)) OR " \
	"(?2 IS NOT NULL AND external_id = ?2)"

static enum lq_store_rc sv_anon_events_take(struct lq_srv_store *s, const char *email,
					    const char *external_id, lq_srv_text_cb cb,
					    void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	const char *e = email && *email ? email : NULL;
	const char *x = external_id && *external_id ? external_id : NULL;
	sqlite3_stmt *st = prep(q, &rc, "SELECT data FROM anon_events WHERE " ANON_MATCH
				" ORDER BY at, id", "ss", e, x);

	rc = each_text(q, st, rc, cb, ctx);
	if (rc != LQ_STORE_OK)
		return rc;
	st = prep(q, &rc, "DELETE FROM anon_events WHERE " ANON_MATCH, "ss", e, x);
	return run(q, st, rc);
}

static enum lq_store_rc sv_leads_passed(struct lq_srv_store *s, lq_time from, lq_time to,
					const char *owner_id, const char *team_id,
					lq_srv_text_cb cb, void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT data FROM leads WHERE mql_at >= ?1 AND mql_at < ?2 "
				"AND (?3 IS NULL OR owner_id = ?3) AND (?4 IS NULL OR team_id = ?4)",
				"iiss", (int64_t)(from == LQ_TIME_NONE ? INT64_MIN : from),
				(int64_t)(to == LQ_TIME_NONE ? INT64_MAX : to), owner_id, team_id);

	return each_text(q, st, rc, cb, ctx);
}

/* --- the SLA sweep ---------------------------------------------------------- */

static enum lq_store_rc sv_sla_due(struct lq_srv_store *s, lq_time now, int limit,
				   lq_srv_id_cb cb, void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	/* Two range scans of the partial indexes; the columns hold only the
	 * running deadlines (sv_lead_put). */
	sqlite3_stmt *st = prep(q, &rc,
		"SELECT l.id FROM leads l JOIN teams t ON t.id = l.team_id "
		"WHERE l.status = 'new' AND l.sla_first_due <= ?1 "
		"AND l.sla_first_due >= t.sla_actions_since AND NOT EXISTS (SELECT 1 FROM "
		"sla_actions a WHERE a.lead_id = l.id AND a.event = 'first_contact_breach' "
		"AND a.due = l.sla_first_due) "
		"UNION "
		"SELECT l.id FROM leads l JOIN teams t ON t.id = l.team_id "
		"WHERE l.status IN ('new', 'working') AND l.sla_cadence_due <= ?1 "
		"AND l.sla_cadence_due >= t.sla_actions_since AND NOT EXISTS (SELECT 1 FROM "
		"sla_actions a WHERE a.lead_id = l.id AND a.event = 'touch_window_over' "
		"AND a.due = l.sla_cadence_due) "
		"LIMIT ?2", "ii", (int64_t)now, (int64_t)limit);
	int r;

	if (!st)
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(ctx, col_text(st, 0)))
			break;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_callbacks_due(struct lq_srv_store *s, lq_time before, int limit,
					 lq_srv_id_cb cb, void *ctx)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT id FROM leads WHERE personal_callback_at <= ?1 "
				"ORDER BY personal_callback_at LIMIT ?2", "ii", (int64_t)before,
				(int64_t)limit);
	int r = SQLITE_DONE;

	while (st) {
		r = sqlite3_step(st);
		if (r != SQLITE_ROW || cb(ctx, col_text(st, 0)))
			break;
	}
	if (st && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	if (st)
		release(q, st);
	return rc;
}

static enum lq_store_rc sv_sla_claim(struct lq_srv_store *s, const char *lead_id,
				     const char *event, lq_time due, const char *action,
				     lq_time now, bool *claimed)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO sla_actions (lead_id, event, due, action, at) "
				"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
				"ssisi", lead_id, event, (int64_t)due, action, (int64_t)now);

	*claimed = false;
	rc = run(q, st, rc);
	if (rc == LQ_STORE_OK)
		*claimed = sqlite3_changes(q->db) > 0;
	return rc;
}

/* --- tokens and keys ----------------------------------------------------- */

static enum lq_store_rc sv_token_add(struct lq_srv_store *s, const char *hash,
				     const char *user_id, lq_time now)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO tokens (hash, user_id, created_at) "
				"VALUES (?1, ?2, ?3)", "ssi", hash, user_id, (int64_t)now);

	return run(q, st, rc);
}

static enum lq_store_rc sv_token_user(struct lq_srv_store *s, const char *hash,
				      char user_id[LQ_UUID_SIZE])
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT t.user_id FROM tokens t JOIN users u "
				"ON u.id = t.user_id WHERE t.hash = ?1 AND t.revoked_at IS NULL "
				"AND u.active", "s", hash);

	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	copy_id(user_id, col_text(st, 0));
	release(q, st);
	return LQ_STORE_OK;
}

static enum lq_store_rc sv_tokens_revoke(struct lq_srv_store *s, const char *user_id,
					 lq_time now, int *count)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 "
				"AND revoked_at IS NULL", "si", user_id, (int64_t)now);

	rc = run(q, st, rc);
	if (count)
		*count = rc == LQ_STORE_OK ? sqlite3_changes(q->db) : 0;
	return rc;
}

static enum lq_store_rc sv_key_add(struct lq_srv_store *s, const char *hash, const char *name,
				   lq_time now)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO api_keys (hash, name, created_at) "
				"VALUES (?1, ?2, ?3)", "ssi", hash, name, (int64_t)now);

	return run(q, st, rc);
}

static enum lq_store_rc sv_key_check(struct lq_srv_store *s, const char *hash,
				     char *name, size_t size)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT name FROM api_keys WHERE hash = ?1 "
				"AND revoked_at IS NULL", "s", hash);

	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	snprintf(name, size, "%s", col_text(st, 0) ? col_text(st, 0) : "");
	release(q, st);
	return LQ_STORE_OK;
}

/* --- leads and activities -------------------------------------------------- */

static char *dump(json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return text;
}

static enum lq_store_rc sv_lead_put(struct lq_srv_store *s, const struct lq_lead *l,
				    int64_t status_version, const char *text)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st;
	char *made = text ? NULL : dump(lq_lead_to_json(l));
	const char *data = text ? text : made;
	char *email = NULL;
	/* The deadlines still running, which the SLA sweep looks up
	 * (lq_sla_sweep_due): the first contact until a touch, the touch
	 * window until enough touches. */
	lq_time first_due = l->first_touch_at == LQ_TIME_NONE ? l->sla_first_due : LQ_TIME_NONE;
	lq_time cadence_due = l->touches < l->touches_required ? l->sla_cadence_due : LQ_TIME_NONE;
	/* A personal callback still to make, which the sweep releases when
	 * overdue (lq_srv_callbacks_due). */
	lq_time personal_callback = l->callback_user && *l->callback_user &&
				    lq_lead_callback_pending(l) ? l->callback_at : LQ_TIME_NONE;

	if (!data)
		return nomem(q);
	if (l->email && *l->email) {
		email = lq_strdup(l->email);
		if (!email) {
			free(made);
			return nomem(q);
		}
		for (char *p = email; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	/* Most puts (ops) change neither the owner, the team nor the keys: an
	 * UPDATE that names no indexed column leaves the indexes unwritten (a
	 * few pages fewer per op in the WAL).  Otherwise the upsert. */
	st = prep(q, &rc, "UPDATE leads SET mql_at = ?7, version = ?8, status_version = ?9, "
		  "data = ?10 WHERE id = ?1 AND external_id IS ?2 AND email_key IS ?3 AND "
		  "owner_id IS ?4 AND team_id IS ?5 AND status = ?6 AND sla_first_due IS ?11 AND "
		  "sla_cadence_due IS ?12 AND personal_callback_at IS ?13",
		  "ssssssti" "is" "ttt", l->id,
		  l->external_id && *l->external_id ? l->external_id : NULL,
		  email, l->owner_id, l->team_id, lq_status_wire(l->status), l->mql_at,
		  (int64_t)l->version, status_version, data, first_due, cadence_due,
		  personal_callback);
	rc = run(q, st, rc);
	if (rc != LQ_STORE_OK || sqlite3_changes(q->db) > 0) {
		free(made);
		lq_free(email);
		return rc;
	}
	st = prep(q, &rc, "INSERT INTO leads (id, external_id, email_key, owner_id, team_id, "
		  "status, mql_at, version, status_version, data, sla_first_due, sla_cadence_due, "
		  "personal_callback_at) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
		  "ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, "
		  "email_key = excluded.email_key, owner_id = excluded.owner_id, "
		  "team_id = excluded.team_id, status = excluded.status, mql_at = excluded.mql_at, "
		  "version = excluded.version, status_version = excluded.status_version, "
		  "data = excluded.data, sla_first_due = excluded.sla_first_due, "
		  "sla_cadence_due = excluded.sla_cadence_due, "
		  "personal_callback_at = excluded.personal_callback_at",
		  "ssssssti" "is" "ttt", l->id,
		  l->external_id && *l->external_id ? l->external_id : NULL,
		  email, l->owner_id, l->team_id, lq_status_wire(l->status), l->mql_at,
		  (int64_t)l->version, status_version, data, first_due, cadence_due,
		  personal_callback);
	free(made);
	lq_free(email);
	return run(q, st, rc);
}

static enum lq_store_rc sv_lead_get(struct lq_srv_store *s, const char *id, struct lq_lead *out,
				    int64_t *status_version, char **text)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT data, status_version FROM leads WHERE id = ?1",
				"s", id);
	const char *data;
	char err[160];

	lq_lead_init(out);
	if (text)
		*text = NULL;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	/* Read from the column's text while the row is current. */
	data = col_text(st, 0);
	if (status_version)
		*status_version = sqlite3_column_int64(st, 1);
	if (!lq_lead_from_text(data ? data : "", data ? strlen(data) : 0, out, err, sizeof err)) {
		snprintf(q->errmsg, sizeof q->errmsg, "lead %s: %s", id, err);
		rc = LQ_STORE_ERROR;
	} else if (text && !dup_col(st, 0, text)) {
		lq_lead_clear(out);
		rc = LQ_STORE_NOMEM;
	}
	release(q, st);
	if (rc == LQ_STORE_NOMEM)
		return nomem(q);
	return rc;
}

static enum lq_store_rc sv_lead_head(struct lq_srv_store *s, const char *id,
				     struct lq_srv_lead_head *out, char **data)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	/* Two statements, so that a scope check does not read the JSON. */
	sqlite3_stmt *st = data
		? prep(q, &rc, "SELECT owner_id, team_id, version, data FROM leads WHERE id = ?1",
		       "s", id)
		: prep(q, &rc, "SELECT owner_id, team_id, version FROM leads WHERE id = ?1",
		       "s", id);

	memset(out, 0, sizeof *out);
	if (data)
		*data = NULL;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	copy_id(out->owner_id, col_text(st, 0));
	copy_id(out->team_id, col_text(st, 1));
	out->version = sqlite3_column_int64(st, 2);
	if (data && (!col_text(st, 3) || !dup_col(st, 3, data)))
		rc = nomem(q);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_lead_find(struct lq_srv_store *s, const char *email,
				     const char *external_id, char id[LQ_UUID_SIZE])
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT id FROM leads WHERE (?1 IS NOT NULL AND "
				"external_id = ?1) OR (?2 IS NOT NULL AND email_key = lower(?2)) "
				"ORDER BY (external_id IS ?1) DESC, rowid LIMIT 1", "ss",
				external_id && *external_id ? external_id : NULL,
				email && *email ? email : NULL);

	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	copy_id(id, col_text(st, 0));
	release(q, st);
	return LQ_STORE_OK;
}

static char *state_json(const struct lq_lead_state *ls)
{
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I}", "status", lq_status_wire(ls->status),
			      "reason", ls->reason, "touches", (json_int_t)ls->touches,
			      "first_touch_at", (json_int_t)ls->first_touch_at,
			      "last_touch_at", (json_int_t)ls->last_touch_at);

	return dump(o);
}

static bool state_parse(const char *text, struct lq_lead_state *ls)
{
	json_t *o = json_loads(text, 0, NULL);
	const char *status = NULL, *reason = NULL;
	json_int_t touches = 0, first = 0, last = 0;
	bool ok;

	memset(ls, 0, sizeof *ls);
	ok = o && json_unpack(o, "{s:s, s:s, s:I, s:I, s:I}", "status", &status, "reason", &reason,
			      "touches", &touches, "first_touch_at", &first,
			      "last_touch_at", &last) == 0 && lq_status_parse(status) >= 0;
	if (ok) {
		ls->status = (enum lq_status)lq_status_parse(status);
		snprintf(ls->reason, sizeof ls->reason, "%s", reason);
		ls->touches = (int)touches;
		ls->first_touch_at = first;
		ls->last_touch_at = last;
	}
	json_decref(o);
	return ok;
}

static enum lq_store_rc sv_activity_put(struct lq_srv_store *s, const struct lq_srv_activity *r)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	char *data = dump(lq_activity_to_json(&r->a));
	char *before = NULL, *after = NULL;

	if (r->has_states) {
		before = state_json(&r->before);
		after = state_json(&r->after);
	}
	if (!data || (r->has_states && (!before || !after))) {
		rc = nomem(q);
		goto out;
	}
	st = prep(q, &rc, "INSERT INTO activities (id, lead_id, at, version, op_id, undo_of, "
		  "before, after, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
		  "ON CONFLICT (id) DO UPDATE SET at = excluded.at, version = excluded.version, "
		  "op_id = excluded.op_id, undo_of = excluded.undo_of, before = excluded.before, "
		  "after = excluded.after, data = excluded.data",
		  "sstisssss", r->a.id, r->a.lead_id, r->a.at == LQ_TIME_NONE ? 0 : r->a.at,
		  r->version, r->op_id[0] ? r->op_id : NULL, r->undo_of[0] ? r->undo_of : NULL,
		  before, after, data);
	rc = run(q, st, rc);
out:
	free(data);
	free(before);
	free(after);
	return rc;
}

static enum lq_store_rc sv_activity_get(struct lq_srv_store *s, const char *id, bool by_op,
					struct lq_srv_activity *out)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, by_op
		? "SELECT data, version, op_id, undo_of, before, after FROM activities "
		  "WHERE op_id = ?1 AND undo_of IS NULL"
		: "SELECT data, version, op_id, undo_of, before, after FROM activities "
		  "WHERE id = ?1", "s", id);
	const char *data;
	char err[160];

	lq_srv_activity_init(out);
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	data = col_text(st, 0);
	out->version = sqlite3_column_int64(st, 1);
	copy_id(out->op_id, col_text(st, 2));
	copy_id(out->undo_of, col_text(st, 3));
	out->has_states = col_text(st, 4) && col_text(st, 5) &&
			  state_parse(col_text(st, 4), &out->before) &&
			  state_parse(col_text(st, 5), &out->after);
	if (!lq_activity_from_text(data ? data : "", data ? strlen(data) : 0, &out->a, err,
				   sizeof err)) {
		snprintf(q->errmsg, sizeof q->errmsg, "activity %s: %s", id, err);
		rc = LQ_STORE_ERROR;
	}
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_activity_text(struct lq_srv_store *s, const char *id,
					 char lead_id[LQ_UUID_SIZE], int64_t *version,
					 char **data)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT lead_id, version, data FROM activities "
				"WHERE id = ?1", "s", id);

	return row_text(q, st, rc, lead_id, version, data);
}

/* --- ops, feed, audit ------------------------------------------------------- */

static enum lq_store_rc sv_op_get(struct lq_srv_store *s, const char *id, struct lq_srv_op *out)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT user_id, request_hash, result FROM ops_applied "
				"WHERE id = ?1", "s", id);

	memset(out, 0, sizeof *out);
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	copy_id(out->user_id, col_text(st, 0));
	snprintf(out->hash, sizeof out->hash, "%s", col_text(st, 1) ? col_text(st, 1) : "");
	if (!dup_col(st, 2, &out->result))
		rc = nomem(q);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_op_put(struct lq_srv_store *s, const char *id, const char *user_id,
				  const char *hash, const char *result, lq_time now)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO ops_applied (id, user_id, request_hash, "
				"result, at) VALUES (?1, ?2, ?3, ?4, ?5)", "ssssi",
				id, user_id, hash, result, (int64_t)now);

	return run(q, st, rc);
}

static enum lq_store_rc sv_feed_add(struct lq_srv_store *s, const struct lq_srv_feed *f,
				    int64_t *seq)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO feed (type, entity_id, lead_id, owner_id, "
				"team_id, prev_owner_id, prev_team_id) VALUES (?1, ?2, ?3, ?4, ?5, "
				"?6, ?7)", "sssssss", f->type, f->entity_id, f->lead_id,
				f->owner_id, f->team_id, f->prev_owner_id, f->prev_team_id);

	rc = run(q, st, rc);
	if (seq)
		*seq = rc == LQ_STORE_OK ? sqlite3_last_insert_rowid(q->db) : 0;
	return rc;
}

static enum lq_store_rc sv_feed_last(struct lq_srv_store *s, int64_t *seq)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "SELECT coalesce(max(seq), 0) FROM feed", "");

	*seq = 0;
	if (!st || (rc = first_row(q, &st)) != LQ_STORE_OK)
		return rc;
	*seq = sqlite3_column_int64(st, 0);
	release(q, st);
	return LQ_STORE_OK;
}

static enum lq_store_rc sv_feed_page(struct lq_srv_store *s, const struct lq_srv_scope *sc,
				     int64_t since, int limit, lq_srv_feed_cb cb, void *ctx,
				     int64_t *last)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	/* The same rules as lq_srv_scope_sees_*, so that limit counts rows
	 * that are mostly wanted.  Each rule is a range scan of its own index
	 * (share/sql/server/002_feed_scope.sql) from the cursor, stopping
	 * after limit rows; their union, in seq order, is the page.  A scan of
	 * the feed filtered by the rules would read every row after the cursor
	 * that the caller does not see. */
#define FEED_COLS "seq, type, entity_id, lead_id, owner_id, team_id, prev_owner_id, prev_team_id"
#define FEED_ARM(cond) "SELECT * FROM (SELECT " FEED_COLS " FROM feed WHERE " cond \
	" AND seq > ?1 ORDER BY seq LIMIT ?5)"
#define FEED_LEAD "type IN ('lead', 'activity', 'appointment') AND "
	sqlite3_stmt *st = sc->role == LQ_ROLE_ADMIN
		? prep(q, &rc, "SELECT " FEED_COLS " FROM feed WHERE seq > ?1 ORDER BY seq "
		       "LIMIT ?2", "ii", (int64_t)since, (int64_t)limit)
		: prep(q, &rc,
		       "SELECT * FROM (" FEED_ARM(FEED_LEAD "owner_id = ?3")
		       " UNION " FEED_ARM(FEED_LEAD "prev_owner_id = ?3")
		       " UNION " FEED_ARM(FEED_LEAD "?2 = 'lead' AND team_id = ?4")
		       " UNION " FEED_ARM(FEED_LEAD "?2 = 'lead' AND prev_team_id = ?4")
		       " UNION " FEED_ARM(FEED_LEAD "owner_id IS NULL AND ?2 = 'telequal' AND "
					  "team_id = ?4")
		       " UNION " FEED_ARM(FEED_LEAD "?2 = 'telequal' AND prev_team_id = ?4 AND "
					  "coalesce(prev_owner_id, '') = ''")
		       " UNION " FEED_ARM("type IN ('user', 'team') AND (entity_id = ?3 "
					  "OR team_id = ?4 OR entity_id = ?4)")
		       ") ORDER BY seq LIMIT ?5", "isssi", (int64_t)since,
		       lq_role_wire(sc->role), sc->user_id, sc->team_id, (int64_t)limit);
#undef FEED_LEAD
#undef FEED_ARM
#undef FEED_COLS
	int r;

	*last = since;
	if (!st)
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct lq_srv_feed f;

		f.seq = sqlite3_column_int64(st, 0);
		f.type = col_text(st, 1);
		f.entity_id = col_text(st, 2);
		f.lead_id = col_text(st, 3);
		f.owner_id = col_text(st, 4);
		f.team_id = col_text(st, 5);
		f.prev_owner_id = col_text(st, 6);
		f.prev_team_id = col_text(st, 7);
		*last = f.seq;
		if (!f.type || !f.entity_id)
			continue;
		if (cb(ctx, &f))
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = fail(q, r);
	release(q, st);
	return rc;
}

static enum lq_store_rc sv_audit_add(struct lq_srv_store *s, const char *who, const char *action,
				     const char *entity_type, const char *entity_id,
				     const char *before, const char *after, lq_time now)
{
	struct sv_store *q = sv(s);
	enum lq_store_rc rc;
	sqlite3_stmt *st = prep(q, &rc, "INSERT INTO audit (at, who, action, entity_type, "
				"entity_id, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				"isssss" "s", (int64_t)now, who, action, entity_type, entity_id,
				before, after);

	return run(q, st, rc);
}

static enum lq_store_rc sv_exec(struct lq_srv_store *s, const char *sql)
{
	return exec_sql(sv(s), sql);
}

const struct lq_srv_store_ops lq_srv_sqlite_ops = {
	.name = "sqlite",
	.accepts = sv_accepts,
	.open = sv_open,
	.close = sv_close,
	.errmsg = sv_errmsg,
	.begin = sv_begin,
	.commit = sv_commit,
	.rollback = sv_rollback,
	.meta_get = sv_meta_get,
	.meta_set = sv_meta_set,
	.team_put = sv_team_put,
	.team_get = sv_team_get,
	.team_first = sv_team_first,
	.user_put = sv_user_put,
	.user_get = sv_user_get,
	.user_each = sv_user_each,
	.user_set_password = sv_user_set_password,
	.team_lead = sv_team_lead,
	.rules_get = sv_rules_get,
	.rules_put = sv_rules_put,
	.team_rules_get = sv_team_rules_get,
	.team_rules_set = sv_team_rules_set,
	.team_reps = sv_team_reps,
	.user_routed = sv_user_routed,
	.appt_put = sv_appt_put,
	.appt_get = sv_appt_get,
	.appt_busy = sv_appt_busy,
	.calendar_token_put = sv_calendar_token_put,
	.calendar_token_check = sv_calendar_token_check,
	.appt_next = sv_appt_next,
	.appt_text = sv_appt_text,
	.outbound_add = sv_outbound_add,
	.outbound_due = sv_outbound_due,
	.outbound_tried = sv_outbound_tried,
	.anon_event_put = sv_anon_event_put,
	.anon_events_take = sv_anon_events_take,
	.leads_passed = sv_leads_passed,
	.sla_due = sv_sla_due,
	.callbacks_due = sv_callbacks_due,
	.sla_claim = sv_sla_claim,
	.token_add = sv_token_add,
	.token_user = sv_token_user,
	.tokens_revoke = sv_tokens_revoke,
	.key_add = sv_key_add,
	.key_check = sv_key_check,
	.lead_put = sv_lead_put,
	.lead_get = sv_lead_get,
	.lead_head = sv_lead_head,
	.lead_find = sv_lead_find,
	.activity_put = sv_activity_put,
	.activity_get = sv_activity_get,
	.activity_text = sv_activity_text,
	.op_get = sv_op_get,
	.op_put = sv_op_put,
	.feed_add = sv_feed_add,
	.feed_last = sv_feed_last,
	.feed_page = sv_feed_page,
	.audit_add = sv_audit_add,
	.exec = sv_exec,
	.background_start = sv_background_start,
};
