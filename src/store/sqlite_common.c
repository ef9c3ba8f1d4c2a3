/* What both sqlite backends share (see sqlite_common.h). */
#include "config.h"

#include <stdio.h>

#include "store/sqlite_common.h"

enum lq_store_rc lq_sqlite_rc(int r)
{
	if (r == SQLITE_IOERR_NOMEM)
		return LQ_STORE_NOMEM;
	switch (r & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return LQ_STORE_OK;
	case SQLITE_FULL:
	case SQLITE_IOERR:
		return LQ_STORE_FULL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return LQ_STORE_BUSY;
	case SQLITE_NOMEM:
		return LQ_STORE_NOMEM;
	default:
		return LQ_STORE_ERROR;
	}
}

/* The store's code of a failure (never OK), sqlite's message in errmsg. */
static enum lq_store_rc failed(sqlite3 *db, int r, char *errmsg, size_t size)
{
	enum lq_store_rc rc = lq_sqlite_rc(r);

	snprintf(errmsg, size, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(r));
	return rc == LQ_STORE_OK ? LQ_STORE_ERROR : rc;
}

static enum lq_store_rc exec(sqlite3 *db, const char *sql, char *errmsg, size_t size)
{
	int r = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return r == SQLITE_OK ? LQ_STORE_OK : failed(db, r, errmsg, size);
}

enum lq_store_rc lq_sqlite_open(const char *path, const char *pragmas, sqlite3 **db,
				char *errmsg, size_t size)
{
	int r = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX, NULL);

	if (r != SQLITE_OK) {
		if (!*db) {
			snprintf(errmsg, size, "out of memory");
			return LQ_STORE_NOMEM;
		}
		return failed(*db, r, errmsg, size);
	}
	sqlite3_extended_result_codes(*db, 1);
	sqlite3_busy_timeout(*db, LQ_SQLITE_BUSY_TIMEOUT_MS);
	/* The first statement reads the file: "not a database" shows here. */
	return exec(*db, pragmas, errmsg, size);
}

int lq_sqlite_user_version(sqlite3 *db, enum lq_store_rc *rc, char *errmsg, size_t size)
{
	sqlite3_stmt *st = NULL;
	int r, v = -1;

	r = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (r == SQLITE_OK) {
		r = sqlite3_step(st);
		if (r == SQLITE_ROW) {
			v = sqlite3_column_int(st, 0);
			r = SQLITE_OK;
		}
	}
	*rc = r == SQLITE_OK ? LQ_STORE_OK : failed(db, r, errmsg, size);
	sqlite3_finalize(st);
	return v;
}

enum lq_store_rc lq_sqlite_migrate(sqlite3 *db, const struct lq_migration *m, int n,
				   const char *program, char *errmsg, size_t size)
{
	int latest = n > 0 ? m[n - 1].version : 0;
	enum lq_store_rc rc;
	int v = lq_sqlite_user_version(db, &rc, errmsg, size);

	if (rc != LQ_STORE_OK)
		return rc;
	if (v > latest) {
		snprintf(errmsg, size, "the database has schema version %d, newer than this "
			 "program's %d; use a newer %s", v, latest, program);
		return LQ_STORE_ERROR;
	}
	for (int i = 0; i < n; i++) {
		char pragma[64];

		if (m[i].version <= v)
			continue;
		rc = exec(db, "BEGIN IMMEDIATE", errmsg, size);
		if (rc != LQ_STORE_OK)
			return rc;
		v = lq_sqlite_user_version(db, &rc, errmsg, size);
		if (rc == LQ_STORE_OK && m[i].version <= v) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			continue;
		}
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m[i].version);
		if (rc == LQ_STORE_OK)
			rc = exec(db, m[i].sql, errmsg, size);
		if (rc == LQ_STORE_OK)
			rc = exec(db, pragma, errmsg, size);
		if (rc == LQ_STORE_OK)
			rc = exec(db, "COMMIT", errmsg, size);
		if (rc != LQ_STORE_OK) {
			/* errmsg keeps the failure, not what ROLLBACK says. */
			if (!sqlite3_get_autocommit(db))
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		v = m[i].version;
	}
	return LQ_STORE_OK;
}
