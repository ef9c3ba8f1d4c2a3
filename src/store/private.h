/* leadq — private to src/store: the backend operations table.
 *
 * A backend (sqlite.c; PostgreSQL later) defines one struct lq_store_ops and
 * a handle type whose first member is struct lq_store.  store.c holds the
 * public lq_store_* functions: they dispatch through s->ops, and the user
 * actions (lq_store_act, lq_store_undo_last) are written once there in terms
 * of these operations, so a new backend only supplies storage primitives. */
#ifndef LEADQ_STORE_PRIVATE_H
#define LEADQ_STORE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "leadq/store.h"

/* The common head of every backend's handle. */
struct lq_store {
	const struct lq_store_ops *ops;
};

/* An activity as stored: the entity, plus for local actions the outbox op
 * that carries it and the lead's states around it (what undo needs). */
struct lq_activity_rec {
	struct lq_activity a;
	char op_id[LQ_UUID_SIZE];       /* "" when it came from the server */
	char undo_of[LQ_UUID_SIZE];     /* the activity an undo record undid, or "" */
	bool has_states;
	struct lq_lead_state before, after;
};

/* Outbox states a caller may set; NULL-terminated. */
extern const char *const lq_outbox_states[];
bool lq_outbox_state_valid(const char *state);

struct lq_store_ops {
	const char *name;
	/* Whether this backend serves that path or URL. */
	bool (*accepts)(const char *path);
	enum lq_store_rc (*open)(const char *path, struct lq_store **out, char **err);
	void (*close)(struct lq_store *s);
	const char *(*errmsg)(const struct lq_store *s);
	int (*schema_version)(struct lq_store *s);

	/* Nestable: the outermost begin takes the write lock (BEGIN IMMEDIATE),
	 * inner ones are savepoints; rollback undoes the innermost level. */
	enum lq_store_rc (*begin)(struct lq_store *s);
	enum lq_store_rc (*commit)(struct lq_store *s);
	void (*rollback)(struct lq_store *s);

	enum lq_store_rc (*meta_get)(struct lq_store *s, const char *key, char **value);
	enum lq_store_rc (*meta_set)(struct lq_store *s, const char *key, const char *value);
	enum lq_store_rc (*put_user)(struct lq_store *s, const struct lq_user *u);
	enum lq_store_rc (*get_user)(struct lq_store *s, const char *id, struct lq_user *out);
	enum lq_store_rc (*each_user)(struct lq_store *s, lq_user_cb cb, void *ctx);
	enum lq_store_rc (*put_team)(struct lq_store *s, const struct lq_team *t);
	enum lq_store_rc (*get_team)(struct lq_store *s, const char *id, struct lq_team *out);
	enum lq_store_rc (*put_lead)(struct lq_store *s, const struct lq_lead *l);
	enum lq_store_rc (*get_lead)(struct lq_store *s, const char *id, struct lq_lead *out);
	enum lq_store_rc (*load_leads)(struct lq_store *s, struct lq_lead_set *out);
	enum lq_store_rc (*count_leads)(struct lq_store *s, size_t *count);
	enum lq_store_rc (*resolve_id)(struct lq_store *s, const char *prefix,
				       char out[LQ_UUID_SIZE]);

	/* Upsert.  A server copy of a local activity keeps the local op id and
	 * states. */
	enum lq_store_rc (*put_activity)(struct lq_store *s, const struct lq_activity_rec *r);
	enum lq_store_rc (*timeline)(struct lq_store *s, const char *lead_id,
				     lq_activity_cb cb, void *ctx);
	/* The actor's newest local action not undone yet (undo records excluded);
	 * strings of out->a malloc'd (lq_activity_clear() it). */
	enum lq_store_rc (*last_undoable)(struct lq_store *s, const char *actor,
					  struct lq_activity_rec *out);
	enum lq_store_rc (*set_undone)(struct lq_store *s, const char *activity_id);

	enum lq_store_rc (*outbox_add)(struct lq_store *s, const struct lq_outbox_op *op);
	/* The state of one op ("pending"…) into state[size]. */
	enum lq_store_rc (*outbox_state)(struct lq_store *s, const char *op_id,
					 char *state, size_t size);
	enum lq_store_rc (*outbox_due)(struct lq_store *s, lq_time now, lq_outbox_cb cb, void *ctx);
	enum lq_store_rc (*outbox_count)(struct lq_store *s, lq_time now, int *pending, int *held);
	enum lq_store_rc (*outbox_mark)(struct lq_store *s, const char *op_id,
					const char *state, const char *error);

	/* Runs backend-specific statements (tests, maintenance). */
	enum lq_store_rc (*exec)(struct lq_store *s, const char *sql);

	/* Sync (the lq_store_apply_* functions are built on these). */
	enum lq_store_rc (*version)(struct lq_store *s, enum lq_entity type, const char *id,
				    int64_t *version);
	enum lq_store_rc (*set_version)(struct lq_store *s, enum lq_entity type, const char *id,
					int64_t version);
	/* Ops of the lead still pending or sent. */
	enum lq_store_rc (*lead_outstanding)(struct lq_store *s, const char *lead_id, int *count);
	enum lq_store_rc (*remove_lead)(struct lq_store *s, const char *id);
	enum lq_store_rc (*drop_view)(struct lq_store *s);
	enum lq_store_rc (*outbox_sendable)(struct lq_store *s, lq_time now, int limit,
					    lq_outbox_cb cb, void *ctx);
	enum lq_store_rc (*outbox_each)(struct lq_store *s, const char *state,
					lq_outbox_cb cb, void *ctx);
	/* Pending ops of the lead after after_seq based on from_version move
	 * to to_version. */
	enum lq_store_rc (*outbox_rebase)(struct lq_store *s, const char *lead_id,
					  int64_t after_seq, int64_t from_version,
					  int64_t to_version);
	/* Optional fast paths for applying a page of changes (NULL: built from
	 * the primitives above).  apply_activity: lq_store_apply_activity() in
	 * one statement.  lead_sync_state: whether the lead is cached, its
	 * version and its ops still pending or sent, in one lookup. */
	enum lq_store_rc (*apply_activity)(struct lq_store *s, const struct lq_activity *a,
					   int64_t version, bool *stored);
	enum lq_store_rc (*lead_sync_state)(struct lq_store *s, const char *id, bool *cached,
					    int64_t *version, int *outstanding);
	/* An appointment from the feed, when newer than the cached copy. */
	enum lq_store_rc (*apply_appointment)(struct lq_store *s, const struct lq_appt *a,
					      bool *stored);
	enum lq_store_rc (*each_appointment)(struct lq_store *s, const char *rep_id,
					     const char *lead_id, lq_time from, lq_time to,
					     lq_appt_cb cb, void *ctx);
};

extern const struct lq_store_ops lq_store_sqlite_ops;

/* Runs backend-specific statements on an open store: tests use it to set
 * PRAGMA max_page_count and provoke a full disk. */
enum lq_store_rc lq_store_exec(struct lq_store *s, const char *sql);

/* The folded keys of a lead (struct lq_lead_set): search of name, company,
 * email, phone, city, country, source and campaign joined by spaces,
 * truncated to fit; company of the company alone. */
#define LQ_SEARCH_KEY_SIZE 1024
#define LQ_COMPANY_KEY_SIZE 256
void lq_store_lead_keys(const struct lq_lead *l, char search[LQ_SEARCH_KEY_SIZE],
			char company[LQ_COMPANY_KEY_SIZE]);

/* A chunked arena for lq_lead_set strings: one allocation per chunk, never
 * one per string.  NULL when out of memory. */
struct lq_arena;
struct lq_arena *lq_arena_new(size_t chunk_size);
/* Copies len bytes and a NUL; NULL when out of memory. */
char *lq_arena_strndup(struct lq_arena *a, const char *s, size_t len);
void lq_arena_free(struct lq_arena **a);
/* Maps in the pages of a large fresh block in one call (Linux
 * MADV_POPULATE_WRITE) instead of one fault per 4 KB page, which was a fifth
 * of the time of loading 50,000 leads.  Huge pages (MADV_HUGEPAGE) were
 * faster on average but stalled first loads up to 150 ms in compaction. */
#define LQ_PREFAULT_MIN (1024 * 1024)
void lq_prefault(void *p, size_t size);

#endif
