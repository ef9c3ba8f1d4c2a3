/* Private to src/store: what the client cache's and the server's sqlite
 * backends share — opening a connection, running the schema migrations,
 * mapping sqlite's result codes. */
#ifndef LEADQ_STORE_SQLITE_COMMON_H
#define LEADQ_STORE_SQLITE_COMMON_H

#include <stddef.h>
#include <sqlite3.h>

#include "leadq/store.h"
#include "store/migrations.h"

/* How long a connection waits for another process's write lock. */
#define LQ_SQLITE_BUSY_TIMEOUT_MS 5000

/* sqlite's result code as the store's: a full disk or an I/O error is FULL
 * (nothing was written), BUSY/LOCKED is BUSY. */
enum lq_store_rc lq_sqlite_rc(int r);

/* Opens path read-write, creating it, with extended result codes and the
 * busy timeout, then runs pragmas.  *db is set whenever sqlite made a handle
 * (the caller closes it, also on failure); on failure sqlite's message is
 * in errmsg. */
enum lq_store_rc lq_sqlite_open(const char *path, const char *pragmas, sqlite3 **db,
				char *errmsg, size_t size);

/* PRAGMA user_version, the schema version; -1 with *rc and errmsg set on failure. */
int lq_sqlite_user_version(sqlite3 *db, enum lq_store_rc *rc, char *errmsg, size_t size);

/* Brings the schema to the newest of the n migrations: each newer than
 * PRAGMA user_version runs in its own transaction, the version read again
 * under the write lock in case another process migrated meanwhile.  A
 * database newer than the program is refused ("use a newer PROGRAM"). */
enum lq_store_rc lq_sqlite_migrate(sqlite3 *db, const struct lq_migration *m, int n,
				   const char *program, char *errmsg, size_t size);

#endif
