/* The schema migrations compiled in from share/sql (see build-aux/sql2c.sh). */
#ifndef LEADQ_STORE_MIGRATIONS_H
#define LEADQ_STORE_MIGRATIONS_H

struct lq_migration {
	int version;          /* NNN of share/sql/NNN_name.sql; PRAGMA user_version after it */
	const char *name;
	const char *sql;
};

extern const struct lq_migration lq_migrations[];
extern const int lq_migrations_count;
/* The server's (share/sql/server), for src/store/srv_sqlite.c. */
extern const struct lq_migration lq_srv_migrations[];
extern const int lq_srv_migrations_count;

#endif
