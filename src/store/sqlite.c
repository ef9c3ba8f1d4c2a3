/* leadq — the sqlite backend of the store (client cache, server default).
 *
 * One connection per handle: WAL, foreign keys on, synchronous=FULL, a busy
 * timeout.  Statements are prepared once and cached on the handle.  Writes
 * are upserts (ON CONFLICT DO UPDATE, never REPLACE: a REPLACE deletes the
 * row and would cascade to the lead's activities). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "leadq/mem.h"
#include "leadq/os.h"
#include "leadq/store.h"
#include "leadq/text.h"
#include "store/migrations.h"
#include "store/private.h"
#include "store/sqlite_common.h"

#define ARENA_CHUNK (256 * 1024)
#define ARENA_CHUNK_MAX (64 * 1024 * 1024)

#define LEAD_COLS \
	"id, external_id, name, title, company, email, phone, country, region, city, " \
	"postal_code, industry, tz, source, campaign, owner_id, team_id, employees, score, " \
	"score_parts, status, reason, mql_at, first_touch_at, last_touch_at, touches, " \
	"touches_required, sla_first_due, sla_cadence_due, next_touch_due, next_appt_at, " \
	"do_not_contact, version, updated_at, search_key, company_key, callback_at, callback_user, " \
	"amount"
/* Column numbers (0-based) of LEAD_COLS. */
enum {
	LC_ID, LC_STR_FIRST, LC_STR_LAST = LC_STR_FIRST + 15, /* external_id .. team_id */
	LC_EMPLOYEES, LC_SCORE, LC_SCORE_PARTS, LC_STATUS, LC_REASON,
	LC_MQL_AT, LC_FIRST_TOUCH_AT, LC_LAST_TOUCH_AT, LC_TOUCHES, LC_TOUCHES_REQUIRED,
	LC_SLA_FIRST_DUE, LC_SLA_CADENCE_DUE, LC_NEXT_TOUCH_DUE, LC_NEXT_APPT_AT,
	LC_DO_NOT_CONTACT, LC_VERSION, LC_UPDATED_AT, LC_SEARCH_KEY, LC_COMPANY_KEY,
	LC_CALLBACK_AT, LC_CALLBACK_USER, LC_AMOUNT,
	LC_COUNT
};
_Static_assert(LC_COUNT == 39, "LEAD_COLS and the LC_ numbers disagree");

#define USER_COLS "id, login, name, email, tz, team_id, role, capacity, active"
#define TEAM_COLS "id, name, tz, hours, holidays, first_contact_minutes, " \
	"touches_required, touch_window_days, at_risk_percent, dispatcher_id"
#define ACT_COLS "id, lead_id, kind, at, actor, subject, detail, campaign, duration_s, " \
	"outcome, undone"
#define ACT_REC_COLS ACT_COLS ", op_id, undo_of, " \
	"before_status, before_reason, before_touches, before_first_touch_at, " \
	"before_last_touch_at, after_status, after_reason, after_touches, " \
	"after_first_touch_at, after_last_touch_at"
/* A server copy of a local activity keeps its op id and undo states. */
#define ACT_UPSERT \
	"ON CONFLICT (id) DO UPDATE SET lead_id = excluded.lead_id, kind = excluded.kind, " \
	"at = excluded.at, actor = excluded.actor, subject = excluded.subject, " \
	"detail = excluded.detail, campaign = excluded.campaign, " \
	"duration_s = excluded.duration_s, outcome = excluded.outcome, " \
	"undone = max(undone, excluded.undone), " \
	"op_id = coalesce(op_id, excluded.op_id), " \
	"undo_of = coalesce(undo_of, excluded.undo_of), " \
	"before_status = coalesce(before_status, excluded.before_status), " \
	"before_reason = coalesce(before_reason, excluded.before_reason), " \
	"before_touches = coalesce(before_touches, excluded.before_touches), " \
	"before_first_touch_at = coalesce(before_first_touch_at, excluded.before_first_touch_at), " \
	"before_last_touch_at = coalesce(before_last_touch_at, excluded.before_last_touch_at), " \
	"after_status = coalesce(after_status, excluded.after_status), " \
	"after_reason = coalesce(after_reason, excluded.after_reason), " \
	"after_touches = coalesce(after_touches, excluded.after_touches), " \
	"after_first_touch_at = coalesce(after_first_touch_at, excluded.after_first_touch_at), " \
	"after_last_touch_at = coalesce(after_last_touch_at, excluded.after_last_touch_at)"

#define OUTBOX_COLS "seq, id, kind, lead_id, base_version, at, send_after, args, state, error"

enum stmt_id {
	ST_META_GET, ST_META_SET,
	ST_USER_PUT, ST_USER_GET, ST_USER_EACH,
	ST_TEAM_PUT, ST_TEAM_GET,
	ST_LEAD_PUT, ST_PACK_PUT, ST_LEAD_GET, ST_LEAD_COUNT, ST_LEAD_ALL, ST_LEAD_UNPACKED,
	ST_LEAD_PREFIX,
	ST_ACT_PUT, ST_ACT_TIMELINE, ST_ACT_LAST_UNDOABLE, ST_ACT_SET_UNDONE,
	ST_OUTBOX_ADD, ST_OUTBOX_STATE, ST_OUTBOX_DUE, ST_OUTBOX_COUNT, ST_OUTBOX_MARK,
	/* sync */
	ST_VER_LEAD, ST_VER_ACT, ST_VER_USER, ST_VER_TEAM,
	ST_SETVER_LEAD, ST_SETVER_ACT, ST_SETVER_USER, ST_SETVER_TEAM,
	ST_LEAD_OUTSTANDING, ST_LEAD_REMOVE, ST_OUTBOX_SENDABLE, ST_OUTBOX_REBASE,
	ST_OUTBOX_BY_STATE, ST_LEAD_SYNC_STATE, ST_ACT_APPLY, ST_ACT_APPLY_UPDATE, ST_LEAD_EXISTS,
	ST_APPT_APPLY,
	ST_APPT_EACH,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_USER_PUT] = "INSERT INTO users (" USER_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
		"ON CONFLICT (id) DO UPDATE SET login = excluded.login, name = excluded.name, "
		"email = excluded.email, tz = excluded.tz, team_id = excluded.team_id, "
		"role = excluded.role, capacity = excluded.capacity, active = excluded.active",
	[ST_USER_GET] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
	[ST_USER_EACH] = "SELECT " USER_COLS " FROM users ORDER BY name COLLATE NOCASE, id",
	[ST_TEAM_PUT] = "INSERT INTO teams (" TEAM_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		"?10) ON CONFLICT (id) DO UPDATE SET name = excluded.name, tz = excluded.tz, "
		"hours = excluded.hours, holidays = excluded.holidays, "
		"first_contact_minutes = excluded.first_contact_minutes, "
		"touches_required = excluded.touches_required, "
		"touch_window_days = excluded.touch_window_days, "
		"at_risk_percent = excluded.at_risk_percent, dispatcher_id = excluded.dispatcher_id",
	[ST_TEAM_GET] = "SELECT " TEAM_COLS " FROM teams WHERE id = ?1",
	[ST_LEAD_PUT] = "INSERT INTO leads (" LEAD_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, "
		"?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39) "
		"ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, "
		"name = excluded.name, title = excluded.title, company = excluded.company, "
		"email = excluded.email, phone = excluded.phone, country = excluded.country, "
		"region = excluded.region, city = excluded.city, "
		"postal_code = excluded.postal_code, industry = excluded.industry, "
		"tz = excluded.tz, source = excluded.source, campaign = excluded.campaign, "
		"owner_id = excluded.owner_id, team_id = excluded.team_id, "
		"employees = excluded.employees, score = excluded.score, "
		"score_parts = excluded.score_parts, status = excluded.status, "
		"reason = excluded.reason, mql_at = excluded.mql_at, "
		"first_touch_at = excluded.first_touch_at, last_touch_at = excluded.last_touch_at, "
		"touches = excluded.touches, touches_required = excluded.touches_required, "
		"sla_first_due = excluded.sla_first_due, sla_cadence_due = excluded.sla_cadence_due, "
		"next_touch_due = excluded.next_touch_due, next_appt_at = excluded.next_appt_at, "
		"do_not_contact = excluded.do_not_contact, version = excluded.version, "
		"updated_at = excluded.updated_at, search_key = excluded.search_key, "
		"company_key = excluded.company_key, callback_at = excluded.callback_at, "
		"callback_user = excluded.callback_user, amount = excluded.amount",
	[ST_PACK_PUT] = "INSERT INTO lead_packs (id, data) VALUES (?1, ?2) "
		"ON CONFLICT (id) DO UPDATE SET data = excluded.data",
	[ST_LEAD_GET] = "SELECT " LEAD_COLS " FROM leads WHERE id = ?1",
	[ST_LEAD_COUNT] = "SELECT count(*) FROM leads",
	[ST_LEAD_ALL] = "SELECT id, data FROM lead_packs",
	[ST_LEAD_UNPACKED] = "SELECT id FROM leads WHERE id NOT IN (SELECT id FROM lead_packs)",
	[ST_LEAD_PREFIX] = "SELECT id FROM leads WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2",
	[ST_ACT_PUT] = "INSERT INTO activities (" ACT_REC_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23) "
		ACT_UPSERT,
	/* Sync: a new activity is one plain insert.  Not an upsert: its UPDATE
	 * of lead_id (a foreign key) makes sqlite keep a statement journal, a
	 * temp file write per page touched per row (284,000 writes for an
	 * initial sync).  A known one is updated when the version is newer. */
	[ST_ACT_APPLY] = "INSERT INTO activities (" ACT_REC_COLS ", version) VALUES (?1, ?2, ?3, "
		"?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
		"?21, ?22, ?23, ?24) ON CONFLICT (id) DO NOTHING",
	[ST_ACT_APPLY_UPDATE] = "UPDATE activities SET lead_id = ?2, kind = ?3, at = ?4, "
		"actor = ?5, subject = ?6, detail = ?7, campaign = ?8, duration_s = ?9, "
		"outcome = ?10, undone = max(undone, ?11), op_id = coalesce(op_id, ?12), "
		"undo_of = coalesce(undo_of, ?13), "
		"before_status = coalesce(before_status, ?14), "
		"before_reason = coalesce(before_reason, ?15), "
		"before_touches = coalesce(before_touches, ?16), "
		"before_first_touch_at = coalesce(before_first_touch_at, ?17), "
		"before_last_touch_at = coalesce(before_last_touch_at, ?18), "
		"after_status = coalesce(after_status, ?19), "
		"after_reason = coalesce(after_reason, ?20), "
		"after_touches = coalesce(after_touches, ?21), "
		"after_first_touch_at = coalesce(after_first_touch_at, ?22), "
		"after_last_touch_at = coalesce(after_last_touch_at, ?23), version = ?24 "
		"WHERE id = ?1 AND version < ?24",
	[ST_LEAD_EXISTS] = "SELECT 1 FROM leads WHERE id = ?1",
	/* The server's copy when newer than the cached one. */
	[ST_APPT_APPLY] = "INSERT INTO appointments (id, lead_id, rep_id, booked_by, start_at, "
		"end_at, tz, mode, status, version, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		"?10, ?11) ON CONFLICT (id) DO UPDATE SET lead_id = excluded.lead_id, "
		"rep_id = excluded.rep_id, booked_by = excluded.booked_by, "
		"start_at = excluded.start_at, end_at = excluded.end_at, tz = excluded.tz, "
		"mode = excluded.mode, status = excluded.status, version = excluded.version, "
		"notes = excluded.notes WHERE excluded.version > appointments.version",
	/* The lead view asks at each redraw: kept prepared. */
	[ST_APPT_EACH] = "SELECT id, lead_id, rep_id, booked_by, start_at, end_at, tz, mode, "
		"status, version, notes FROM appointments "
		"WHERE (?1 IS NULL OR rep_id = ?1) AND (?2 IS NULL OR lead_id = ?2) "
		"AND (?3 IS NULL OR end_at > ?3) AND (?4 IS NULL OR start_at < ?4) "
		"ORDER BY start_at, id",
	[ST_LEAD_SYNC_STATE] = "SELECT (SELECT version FROM leads WHERE id = ?1), "
		"(SELECT count(*) FROM outbox WHERE lead_id = ?1 AND state IN ('pending', 'sent'))",
	[ST_ACT_TIMELINE] = "SELECT " ACT_COLS " FROM activities WHERE lead_id = ?1 "
		"ORDER BY at DESC, rowid DESC",
	[ST_ACT_LAST_UNDOABLE] = "SELECT " ACT_REC_COLS " FROM activities "
		"WHERE actor = ?1 AND undone = 0 AND op_id IS NOT NULL AND undo_of IS NULL "
		"AND kind NOT IN ('assignment', 'callback') ORDER BY rowid DESC LIMIT 1",
	[ST_ACT_SET_UNDONE] = "UPDATE activities SET undone = 1 WHERE id = ?1",
	[ST_OUTBOX_ADD] = "INSERT INTO outbox (id, kind, lead_id, base_version, at, send_after, "
		"args, state, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_OUTBOX_STATE] = "SELECT state FROM outbox WHERE id = ?1",
	[ST_OUTBOX_DUE] = "SELECT " OUTBOX_COLS " FROM outbox "
		"WHERE state = 'pending' AND send_after <= ?1 ORDER BY seq",
	[ST_OUTBOX_COUNT] = "SELECT count(*), coalesce(sum(send_after > ?1), 0) FROM outbox "
		"WHERE state = 'pending'",
	[ST_OUTBOX_MARK] = "UPDATE outbox SET state = ?2, error = ?3 WHERE id = ?1",
	[ST_VER_LEAD] = "SELECT version FROM leads WHERE id = ?1",
	[ST_VER_ACT] = "SELECT version FROM activities WHERE id = ?1",
	[ST_VER_USER] = "SELECT version FROM users WHERE id = ?1",
	[ST_VER_TEAM] = "SELECT version FROM teams WHERE id = ?1",
	[ST_SETVER_LEAD] = "UPDATE leads SET version = ?2 WHERE id = ?1",
	[ST_SETVER_ACT] = "UPDATE activities SET version = ?2 WHERE id = ?1",
	[ST_SETVER_USER] = "UPDATE users SET version = ?2 WHERE id = ?1",
	[ST_SETVER_TEAM] = "UPDATE teams SET version = ?2 WHERE id = ?1",
	[ST_LEAD_OUTSTANDING] = "SELECT count(*) FROM outbox WHERE lead_id = ?1 "
		"AND state IN ('pending', 'sent')",
	[ST_LEAD_REMOVE] = "DELETE FROM leads WHERE id = ?1",
	[ST_OUTBOX_SENDABLE] = "SELECT " OUTBOX_COLS " FROM outbox "
		"WHERE (state = 'pending' AND send_after <= ?1) OR state = 'sent' "
		"ORDER BY seq LIMIT ?2",
	[ST_OUTBOX_REBASE] = "UPDATE outbox SET base_version = ?4 WHERE lead_id = ?1 "
		"AND seq > ?2 AND state = 'pending' AND base_version = ?3",
	[ST_OUTBOX_BY_STATE] = "SELECT " OUTBOX_COLS " FROM outbox WHERE state = ?1 ORDER BY seq",
};

struct sq_store {
	struct lq_store base;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmts[ST_COUNT];
	int depth;                 /* nesting of begin() */
	enum lq_store_rc aborted;  /* sqlite rolled the transaction back itself */
	char errmsg[512];
};

static struct sq_store *sq(struct lq_store *s)
{
	return (struct sq_store *)s;
}

static void set_msg(struct sq_store *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_msg(struct sq_store *q, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(q->errmsg, sizeof q->errmsg, "%s: ", q->path);

	if (n < 0 || (size_t)n >= sizeof q->errmsg)
		return;
	va_start(ap, fmt);
	vsnprintf(q->errmsg + n, sizeof q->errmsg - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Records sqlite's error and maps it; notes a transaction sqlite ended. */
static enum lq_store_rc fail(struct sq_store *q, int rc)
{
	enum lq_store_rc mapped = lq_sqlite_rc(rc);

	set_msg(q, "%s", sqlite3_errmsg(q->db));
	if (q->depth > 0 && sqlite3_get_autocommit(q->db) && q->aborted == LQ_STORE_OK)
		q->aborted = mapped == LQ_STORE_OK ? LQ_STORE_ERROR : mapped;
	return mapped == LQ_STORE_OK ? LQ_STORE_ERROR : mapped;
}

static enum lq_store_rc nomem(struct sq_store *q)
{
	set_msg(q, "out of memory");
	return LQ_STORE_NOMEM;
}

/* A cached statement; a fresh one when the cached one is in use (a callback
 * that calls back into the store). */
static sqlite3_stmt *stmt_get(struct sq_store *q, enum stmt_id id, bool *temp, enum lq_store_rc *rc)
{
	sqlite3_stmt *st = NULL;
	int r;

	*temp = false;
	if (q->stmts[id] && !sqlite3_stmt_busy(q->stmts[id]))
		return q->stmts[id];
	*temp = q->stmts[id] != NULL;
	r = sqlite3_prepare_v3(q->db, stmt_sql[id], -1, *temp ? 0 : SQLITE_PREPARE_PERSISTENT,
			       &st, NULL);
	if (r != SQLITE_OK) {
		*rc = fail(q, r);
		return NULL;
	}
	if (!*temp)
		q->stmts[id] = st;
	return st;
}

static void stmt_done(sqlite3_stmt *st, bool temp)
{
	if (!st)
		return;
	if (temp) {
		sqlite3_finalize(st);
		return;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

#define STMT(q, id, st, temp, rc) \
	do { \
		(st) = stmt_get((q), (id), &(temp), &(rc)); \
		if (!(st)) \
			return (rc); \
	} while (0)

/* --- binding and reading ----------------------------------------------- */

static int bind_str(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Ids and codes: "" is stored as NULL. */
static int bind_id(sqlite3_stmt *st, int i, const char *s)
{
	return bind_str(st, i, s && s[0] ? s : NULL);
}

static int bind_time(sqlite3_stmt *st, int i, lq_time t)
{
	return t == LQ_TIME_NONE ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, t);
}

static lq_time col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? LQ_TIME_NONE : sqlite3_column_int64(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A copy of a text column (NULL stays NULL), into the arena when given.
 * The bytes are read as a blob: sqlite_column_text() would first copy each
 * value to add a NUL, which was a third of the time of loading all leads. */
static bool col_copy(sqlite3_stmt *st, int i, struct lq_arena *arena, char **out)
{
	const void *t;
	size_t n;

	*out = NULL;
	t = sqlite3_column_blob(st, i);
	n = (size_t)sqlite3_column_bytes(st, i);
	if (!t) {
		/* NULL, an empty value, or out of memory. */
		if (sqlite3_column_type(st, i) == SQLITE_NULL)
			return true;
		if (n != 0 || sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
			return false;
		t = "";
	}
	*out = arena ? lq_arena_strndup(arena, t, n) : lq_strndup(t, n);
	return *out != NULL;
}

static void col_fixed(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const char *t = col_text(st, i);

	buf[0] = '\0';
	if (t)
		lq_strlcpy_utf8(buf, t, size);
}

/* The string fields of a lead in LEAD_COLS order from external_id. */
#define LEAD_STRS(l) { &(l)->external_id, &(l)->name, &(l)->title, &(l)->company, \
	&(l)->email, &(l)->phone, &(l)->country, &(l)->region, &(l)->city, \
	&(l)->postal_code, &(l)->industry, &(l)->tz, &(l)->source, &(l)->campaign, \
	&(l)->owner_id, &(l)->team_id }

static bool row_to_lead(sqlite3_stmt *st, struct lq_lead *l, struct lq_arena *arena)
{
	char **strs[] = LEAD_STRS(l);
	const char *parts;
	int status;
	size_t i;

	lq_lead_init(l);
	col_fixed(st, LC_ID, l->id, sizeof l->id);
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (!col_copy(st, LC_STR_FIRST + (int)i, arena, strs[i]))
			return false;
	l->employees = sqlite3_column_int(st, LC_EMPLOYEES);
	l->score = sqlite3_column_int(st, LC_SCORE);
	parts = col_text(st, LC_SCORE_PARTS);
	if (parts && parts[0] && !lq_score_parts_parse(l, parts))
		l->nscore_parts = 0;
	status = lq_status_parse(col_text(st, LC_STATUS));
	l->status = status < 0 ? LQ_STATUS_NEW : (enum lq_status)status;
	col_fixed(st, LC_REASON, l->reason, sizeof l->reason);
	l->mql_at = col_time(st, LC_MQL_AT);
	l->first_touch_at = col_time(st, LC_FIRST_TOUCH_AT);
	l->last_touch_at = col_time(st, LC_LAST_TOUCH_AT);
	l->touches = sqlite3_column_int(st, LC_TOUCHES);
	l->touches_required = sqlite3_column_int(st, LC_TOUCHES_REQUIRED);
	l->sla_first_due = col_time(st, LC_SLA_FIRST_DUE);
	l->sla_cadence_due = col_time(st, LC_SLA_CADENCE_DUE);
	l->next_touch_due = col_time(st, LC_NEXT_TOUCH_DUE);
	l->next_appt_at = col_time(st, LC_NEXT_APPT_AT);
	l->do_not_contact = sqlite3_column_int(st, LC_DO_NOT_CONTACT) != 0;
	l->version = sqlite3_column_int64(st, LC_VERSION);
	l->updated_at = col_time(st, LC_UPDATED_AT);
	l->callback_at = col_time(st, LC_CALLBACK_AT);
	l->amount = sqlite3_column_int64(st, LC_AMOUNT);
	return col_copy(st, LC_CALLBACK_USER, arena, &l->callback_user);
}

static bool row_to_user(sqlite3_stmt *st, struct lq_user *u, bool copy)
{
	char **strs[] = { &u->login, &u->name, &u->email, &u->tz, &u->team_id };
	int role;
	size_t i;

	col_fixed(st, 0, u->id, sizeof u->id);
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		if (copy) {
			if (!col_copy(st, 1 + (int)i, NULL, strs[i]))
				return false;
		} else {
			*strs[i] = (char *)col_text(st, 1 + (int)i);
		}
	}
	role = lq_role_parse(col_text(st, 6));
	u->role = role < 0 ? LQ_ROLE_REP : (enum lq_role)role;
	u->capacity = sqlite3_column_int(st, 7);
	u->active = sqlite3_column_int(st, 8) != 0;
	return true;
}

/* Reads ACT_COLS; strings borrowed from the row unless copy. */
static bool row_to_activity(sqlite3_stmt *st, struct lq_activity *a, bool copy)
{
	char **strs[] = { &a->actor, &a->subject, &a->detail, &a->campaign };
	const int cols[] = { 4, 5, 6, 7 };
	int kind, outcome;
	size_t i;

	col_fixed(st, 0, a->id, sizeof a->id);
	col_fixed(st, 1, a->lead_id, sizeof a->lead_id);
	kind = lq_activity_parse(col_text(st, 2));
	a->kind = kind < 0 ? LQ_ACT_NOTE : (enum lq_activity_kind)kind;
	a->at = col_time(st, 3);
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		if (copy) {
			if (!col_copy(st, cols[i], NULL, strs[i]))
				return false;
		} else {
			*strs[i] = (char *)col_text(st, cols[i]);
		}
	}
	a->duration_s = sqlite3_column_int(st, 8);
	outcome = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : lq_outcome_parse(col_text(st, 9));
	a->outcome = outcome;
	a->undone = sqlite3_column_int(st, 10) != 0;
	return true;
}

static void col_state(sqlite3_stmt *st, int i, struct lq_lead_state *s)
{
	int status = lq_status_parse(col_text(st, i));

	memset(s, 0, sizeof *s);
	s->status = status < 0 ? LQ_STATUS_NEW : (enum lq_status)status;
	col_fixed(st, i + 1, s->reason, sizeof s->reason);
	s->touches = sqlite3_column_int(st, i + 2);
	s->first_touch_at = col_time(st, i + 3);
	s->last_touch_at = col_time(st, i + 4);
}

static int bind_state(sqlite3_stmt *st, int i, const struct lq_lead_state *s)
{
	int rc = 0;

	if (!s) {
		int k;

		for (k = 0; k < 5; k++)
			rc |= sqlite3_bind_null(st, i + k);
		return rc;
	}
	rc |= sqlite3_bind_text(st, i, lq_status_wire(s->status), -1, SQLITE_STATIC);
	rc |= sqlite3_bind_text(st, i + 1, s->reason, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_int(st, i + 2, s->touches);
	rc |= bind_time(st, i + 3, s->first_touch_at);
	rc |= bind_time(st, i + 4, s->last_touch_at);
	return rc;
}

/* Steps a write statement to its end. */
static enum lq_store_rc run(struct sq_store *q, sqlite3_stmt *st, bool temp)
{
	int r = sqlite3_step(st);
	enum lq_store_rc rc = r == SQLITE_DONE ? LQ_STORE_OK : fail(q, r);

	stmt_done(st, temp);
	return rc;
}

/* --- open, migrate, close ---------------------------------------------- */

static enum lq_store_rc exec_sql(struct sq_store *q, const char *sql)
{
	int r = sqlite3_exec(q->db, sql, NULL, NULL, NULL);

	return r == SQLITE_OK ? LQ_STORE_OK : fail(q, r);
}

/* The schema, through the migration runner both backends share. */
static enum lq_store_rc migrate(struct sq_store *q)
{
	char msg[sizeof q->errmsg];
	enum lq_store_rc rc = lq_sqlite_migrate(q->db, lq_migrations, lq_migrations_count, "leadq",
						msg, sizeof msg);

	if (rc != LQ_STORE_OK)
		set_msg(q, "%s", msg);
	return rc;
}

static bool sq_accepts(const char *path)
{
	return strncmp(path, "postgresql://", 13) != 0 && strncmp(path, "postgres://", 11) != 0;
}

static void sq_close(struct lq_store *s)
{
	struct sq_store *q = sq(s);
	int i;

	if (!q)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(q->stmts[i]);
	if (q->db && !sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(q->db);
	lq_free(q->path);
	lq_free(q);
}

static enum lq_store_rc sq_begin(struct lq_store *s);
static void sq_rollback(struct lq_store *s);
static enum lq_store_rc sq_commit(struct lq_store *s);
static enum lq_store_rc sq_meta_get(struct lq_store *s, const char *key, char **value);
static enum lq_store_rc sq_put_lead(struct lq_store *s, const struct lq_lead *l);
static enum lq_store_rc sq_get_lead(struct lq_store *s, const char *id, struct lq_lead *out);

/* A migration that changed the packed form dropped the packs and left the
 * mark "repack": every lead is packed again, once, from its columns. */
static enum lq_store_rc repack_if_asked(struct sq_store *q)
{
	enum lq_store_rc rc;
	char *mark = NULL, **ids = NULL;
	size_t n = 0, cap = 0, i;
	sqlite3_stmt *st = NULL;
	int r;

	rc = sq_meta_get(&q->base, "repack", &mark);
	lq_free(mark);
	if (rc == LQ_STORE_NOTFOUND)
		return LQ_STORE_OK;
	if (rc != LQ_STORE_OK)
		return rc;
	r = sqlite3_prepare_v2(q->db, "SELECT id FROM leads", -1, &st, NULL);
	while (r == SQLITE_OK || r == SQLITE_ROW) {
		r = sqlite3_step(st);
		if (r != SQLITE_ROW)
			break;
		if (n == cap) {
			size_t grown_cap = cap ? cap * 2 : 256;
			char **grown = lq_realloc(ids, grown_cap * sizeof *ids);

			if (!grown)
				break;
			ids = grown;
			cap = grown_cap;
		}
		ids[n] = lq_strdup((const char *)sqlite3_column_text(st, 0));
		if (!ids[n])
			break;
		n++;
	}
	sqlite3_finalize(st);
	rc = r == SQLITE_DONE ? LQ_STORE_OK : r == SQLITE_ROW ? nomem(q) : fail(q, r);
	if (rc == LQ_STORE_OK)
		rc = sq_begin(&q->base);
	for (i = 0; rc == LQ_STORE_OK && i < n; i++) {
		struct lq_lead l;

		lq_lead_init(&l);
		rc = sq_get_lead(&q->base, ids[i], &l);
		if (rc == LQ_STORE_OK)
			rc = sq_put_lead(&q->base, &l);
		lq_lead_clear(&l);
	}
	if (rc == LQ_STORE_OK)
		rc = exec_sql(q, "DELETE FROM meta WHERE key = 'repack'");
	if (q->depth > 0 && rc == LQ_STORE_OK)
		rc = sq_commit(&q->base);
	else if (q->depth > 0)
		sq_rollback(&q->base);
	for (i = 0; i < n; i++)
		lq_free(ids[i]);
	lq_free(ids);
	return rc;
}

static enum lq_store_rc sq_open(const char *path, struct lq_store **out, char **err)
{
	struct sq_store *q;
	enum lq_store_rc rc;
	char msg[256];

	q = lq_calloc(1, sizeof *q);
	if (!q || !(q->path = lq_strdup(path))) {
		lq_free(q);
		if (err)
			*err = lq_strdup("out of memory");
		return LQ_STORE_NOMEM;
	}
	q->base.ops = &lq_store_sqlite_ops;
	rc = lq_sqlite_open(path, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
			    "PRAGMA journal_mode = WAL; PRAGMA cache_size = -16384; "
			    "PRAGMA mmap_size = 0", &q->db, msg, sizeof msg);
	if (rc != LQ_STORE_OK)
		set_msg(q, "%s", msg);
	if (rc == LQ_STORE_OK)
		rc = migrate(q);
	if (rc == LQ_STORE_OK)
		rc = repack_if_asked(q);
	if (rc != LQ_STORE_OK)
		goto fail;
	*out = &q->base;
	return LQ_STORE_OK;
fail:
	if (err)
		*err = lq_strdup(q->errmsg);
	if (err && !*err)
		rc = LQ_STORE_NOMEM;
	sq_close(&q->base);
	return rc;
}

static const char *sq_errmsg(const struct lq_store *s)
{
	const struct sq_store *q = (const struct sq_store *)s;

	return q->errmsg[0] ? q->errmsg : "no error";
}

static int sq_schema_version(struct lq_store *s)
{
	enum lq_store_rc rc;
	char msg[256];

	return lq_sqlite_user_version(sq(s)->db, &rc, msg, sizeof msg);
}

static enum lq_store_rc sq_exec(struct lq_store *s, const char *sql)
{
	return exec_sql(sq(s), sql);
}

/* --- transactions ------------------------------------------------------ */

static enum lq_store_rc sq_begin(struct lq_store *s)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc;
	char sql[48];

	if (q->depth == 0) {
		q->aborted = LQ_STORE_OK;
		rc = exec_sql(q, "BEGIN IMMEDIATE");
	} else {
		snprintf(sql, sizeof sql, "SAVEPOINT lq%d", q->depth);
		rc = exec_sql(q, sql);
	}
	if (rc == LQ_STORE_OK)
		q->depth++;
	return rc;
}

static void sq_rollback(struct lq_store *s)
{
	struct sq_store *q = sq(s);
	char sql[64];

	if (q->depth <= 0)
		return;
	q->depth--;
	if (sqlite3_get_autocommit(q->db))
		return;   /* sqlite has already rolled it all back */
	if (q->depth == 0) {
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	} else {
		snprintf(sql, sizeof sql, "ROLLBACK TO lq%d; RELEASE lq%d", q->depth, q->depth);
		sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	}
}

/* On failure nothing of this level is kept: a failed COMMIT is rolled back. */
static enum lq_store_rc sq_commit(struct lq_store *s)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc;
	char sql[48];

	if (q->depth <= 0) {
		set_msg(q, "commit without a transaction");
		return LQ_STORE_ERROR;
	}
	if (sqlite3_get_autocommit(q->db)) {
		q->depth--;
		if (q->aborted == LQ_STORE_OK)
			set_msg(q, "the transaction was rolled back");
		return q->aborted != LQ_STORE_OK ? q->aborted : LQ_STORE_ERROR;
	}
	if (q->depth == 1) {
		rc = exec_sql(q, "COMMIT");
	} else {
		snprintf(sql, sizeof sql, "RELEASE lq%d", q->depth - 1);
		rc = exec_sql(q, sql);
	}
	if (rc != LQ_STORE_OK) {
		char msg[sizeof q->errmsg];

		memcpy(msg, q->errmsg, sizeof msg);
		sq_rollback(s);
		memcpy(q->errmsg, msg, sizeof msg);
		return rc;
	}
	q->depth--;
	return LQ_STORE_OK;
}

/* --- meta, users, teams ------------------------------------------------ */

static enum lq_store_rc sq_meta_get(struct lq_store *s, const char *key, char **value)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_META_GET, st, temp, rc);
	bind_str(st, 1, key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		if (!col_copy(st, 0, NULL, value))
			rc = nomem(q);
		else if (!*value)
			rc = LQ_STORE_NOTFOUND;
	} else {
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_meta_set(struct lq_store *s, const char *key, const char *value)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_META_SET, st, temp, rc);
	bind_str(st, 1, key);
	bind_str(st, 2, value ? value : "");
	return run(q, st, temp);
}

static enum lq_store_rc sq_put_user(struct lq_store *s, const struct lq_user *u)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_USER_PUT, st, temp, rc);
	bind_str(st, 1, u->id);
	bind_str(st, 2, u->login);
	bind_str(st, 3, u->name);
	bind_str(st, 4, u->email);
	bind_str(st, 5, u->tz);
	bind_id(st, 6, u->team_id);
	sqlite3_bind_text(st, 7, lq_role_wire(u->role), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, u->capacity);
	sqlite3_bind_int(st, 9, u->active ? 1 : 0);
	return run(q, st, temp);
}

static enum lq_store_rc sq_get_user(struct lq_store *s, const char *id, struct lq_user *out)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_USER_GET, st, temp, rc);
	bind_str(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		if (!row_to_user(st, out, true)) {
			lq_user_clear(out);
			rc = nomem(q);
		}
	} else {
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_each_user(struct lq_store *s, lq_user_cb cb, void *ctx)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_USER_EACH, st, temp, rc);
	for (;;) {
		struct lq_user u;

		r = sqlite3_step(st);
		if (r != SQLITE_ROW)
			break;
		memset(&u, 0, sizeof u);
		row_to_user(st, &u, false);
		if (cb(ctx, &u) != 0) {
			r = SQLITE_DONE;
			break;
		}
	}
	if (r != SQLITE_DONE)
		rc = fail(q, r);
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_put_team(struct lq_store *s, const struct lq_team *t)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_TEAM_PUT, st, temp, rc);
	bind_str(st, 1, t->id);
	bind_str(st, 2, t->name ? t->name : "");
	bind_str(st, 3, t->tz);
	bind_str(st, 4, t->hours);
	bind_str(st, 5, t->holidays);
	sqlite3_bind_int(st, 6, t->policy.first_contact_minutes);
	sqlite3_bind_int(st, 7, t->policy.touches_required);
	sqlite3_bind_int(st, 8, t->policy.touch_window_days);
	sqlite3_bind_int(st, 9, t->policy.at_risk_percent);
	bind_str(st, 10, t->dispatcher_id[0] ? t->dispatcher_id : NULL);
	return run(q, st, temp);
}

static enum lq_store_rc sq_get_team(struct lq_store *s, const char *id, struct lq_team *out)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_TEAM_GET, st, temp, rc);
	bind_str(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		col_fixed(st, 0, out->id, sizeof out->id);
		if (!col_copy(st, 1, NULL, &out->name) || !col_copy(st, 2, NULL, &out->tz) ||
		    !col_copy(st, 3, NULL, &out->hours) || !col_copy(st, 4, NULL, &out->holidays)) {
			lq_team_clear(out);
			rc = nomem(q);
		} else {
			out->policy.first_contact_minutes = sqlite3_column_int(st, 5);
			out->policy.touches_required = sqlite3_column_int(st, 6);
			out->policy.touch_window_days = sqlite3_column_int(st, 7);
			out->policy.at_risk_percent = sqlite3_column_int(st, 8);
			col_fixed(st, 9, out->dispatcher_id, sizeof out->dispatcher_id);
		}
	} else {
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

/* --- leads ------------------------------------------------------------- */

/* The packed form of a lead (table lead_packs), read by lq_store_load_leads():
 * sqlite spends about 1.3 ms per column per 50,000 rows, so 36 columns could
 * never load in 40 ms; one blob a row in a narrow table does.  Layout,
 * version 1:
 *   u8 version, 36 bytes id,
 *   18 strings (the 16 of LEAD_STRS, search key, company key), each a varint
 *     of length + 1 (0: NULL) then the bytes and a NUL,
 *   reason as a string,
 *   zigzag varints: employees, score, status, touches, touches_required,
 *     do_not_contact, version, the 8 times (LQ_TIME_NONE is INT64_MIN),
 *     nscore_parts, then per part a string name and its points; version 2
 *     adds callback_user (a string) and callback_at (a time) at the end;
 *     version 3 then the amount (issue 6).
 * Strings carry their NUL so that the loader copies each blob into the arena
 * once and points into it. */
#define PACK_VERSION 3
#define PACK_STRINGS 19

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)((u >> 1) ^ (~(u & 1) + 1));
}

struct packer {
	uint8_t *buf;
	size_t size, len;
};

/* Writes into p->buf while it fits, always counting the length needed. */
static void pack_bytes(struct packer *p, const void *data, size_t n)
{
	if (p->len + n <= p->size)
		memcpy(p->buf + p->len, data, n);
	p->len += n;
}

static void pack_uint(struct packer *p, uint64_t v)
{
	uint8_t tmp[10];

	pack_bytes(p, tmp, put_varint(tmp, v));
}

static void pack_str(struct packer *p, const char *s)
{
	size_t n;

	if (!s) {
		pack_uint(p, 0);
		return;
	}
	n = strlen(s);
	pack_uint(p, (uint64_t)n + 1);
	pack_bytes(p, s, n + 1);
}

/* Returns the length needed; the blob is complete when it is <= size. */
static size_t pack_lead(const struct lq_lead *l, const char *search, const char *company,
			uint8_t *buf, size_t size)
{
	struct lq_lead *ml = (struct lq_lead *)l;   /* LEAD_STRS takes addresses only */
	char **strs[] = LEAD_STRS(ml);
	const lq_time times[] = { l->mql_at, l->first_touch_at, l->last_touch_at,
				  l->sla_first_due, l->sla_cadence_due, l->next_touch_due,
				  l->next_appt_at, l->updated_at };
	struct packer p = { buf, size, 0 };
	uint8_t version = PACK_VERSION;
	size_t i;
	int k;

	pack_bytes(&p, &version, 1);
	pack_bytes(&p, l->id, LQ_UUID_STRLEN);
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		pack_str(&p, *strs[i]);
	pack_str(&p, search);
	pack_str(&p, company);
	pack_str(&p, l->reason);
	pack_uint(&p, zigzag(l->employees));
	pack_uint(&p, zigzag(l->score));
	pack_uint(&p, zigzag((int64_t)l->status));
	pack_uint(&p, zigzag(l->touches));
	pack_uint(&p, zigzag(l->touches_required));
	pack_uint(&p, l->do_not_contact ? 1 : 0);
	pack_uint(&p, zigzag(l->version));
	for (i = 0; i < sizeof times / sizeof times[0]; i++)
		pack_uint(&p, zigzag(times[i]));
	pack_uint(&p, (uint64_t)(l->nscore_parts > 0 ? l->nscore_parts : 0));
	for (k = 0; k < l->nscore_parts && k < LQ_SCORE_PARTS_MAX; k++) {
		pack_str(&p, l->score_parts[k].name);
		pack_uint(&p, zigzag(l->score_parts[k].points));
	}
	pack_str(&p, l->callback_user);
	pack_uint(&p, zigzag(l->callback_at));
	pack_uint(&p, zigzag(l->amount));
	return p.len;
}

struct unpacker {
	char *data;     /* the arena's copy of the blob */
	size_t len, pos;
	bool bad;
};

static uint64_t get_uint(struct unpacker *u)
{
	uint64_t v = 0;
	int shift = 0;

	while (u->pos < u->len && shift < 64) {
		uint8_t b = (uint8_t)u->data[u->pos++];

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	u->bad = true;
	return 0;
}

static int64_t get_int64(struct unpacker *u)
{
	return unzigzag(get_uint(u));
}

static int get_int(struct unpacker *u)
{
	int64_t v = get_int64(u);

	if (v < INT32_MIN || v > INT32_MAX)
		u->bad = true;
	return (int)v;
}

/* A string inside the blob (NUL-terminated there), or NULL. */
static char *get_str(struct unpacker *u)
{
	uint64_t n = get_uint(u);
	char *s;

	if (u->bad || n == 0)
		return NULL;
	if (n > u->len - u->pos || u->data[u->pos + n - 1] != '\0') {
		u->bad = true;
		return NULL;
	}
	s = u->data + u->pos;
	u->pos += n;
	return s;
}

/* Fills l, which is zeroed (calloc), from a blob already copied into the
 * arena; false when the blob is not a version this code knows or is damaged. */
static bool unpack_lead(char *data, size_t len, struct lq_lead *l,
			const char **search, const char **company)
{
	struct unpacker u = { data, len, 0, false };
	char **strs[] = LEAD_STRS(l);
	lq_time *times[] = { &l->mql_at, &l->first_touch_at, &l->last_touch_at,
			     &l->sla_first_due, &l->sla_cadence_due, &l->next_touch_due,
			     &l->next_appt_at, &l->updated_at };
	const char *reason;
	int64_t status, nparts, k;
	size_t i;

	if (len < 1 + LQ_UUID_STRLEN || data[0] != PACK_VERSION)
		return false;
	memcpy(l->id, data + 1, LQ_UUID_STRLEN);
	l->id[LQ_UUID_STRLEN] = '\0';
	u.pos = 1 + LQ_UUID_STRLEN;
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		*strs[i] = get_str(&u);
	*search = get_str(&u);
	*company = get_str(&u);
	reason = get_str(&u);
	if (reason)
		lq_strlcpy_utf8(l->reason, reason, sizeof l->reason);
	l->employees = get_int(&u);
	l->score = get_int(&u);
	status = get_int64(&u);
	l->status = status >= 0 && status < LQ_STATUS_COUNT ? (enum lq_status)status : LQ_STATUS_NEW;
	l->touches = get_int(&u);
	l->touches_required = get_int(&u);
	l->do_not_contact = get_uint(&u) != 0;
	l->version = get_int64(&u);
	for (i = 0; i < sizeof times / sizeof times[0]; i++)
		*times[i] = get_int64(&u);
	nparts = (int64_t)get_uint(&u);
	if (nparts > LQ_SCORE_PARTS_MAX)
		u.bad = true;
	for (k = 0; k < nparts && !u.bad; k++) {
		const char *name = get_str(&u);

		if (name)
			lq_strlcpy_utf8(l->score_parts[k].name, name, sizeof l->score_parts[k].name);
		l->score_parts[k].points = get_int(&u);
	}
	l->nscore_parts = u.bad ? 0 : (int)nparts;
	l->callback_user = get_str(&u);
	l->callback_at = get_int64(&u);
	l->amount = get_int64(&u);
	if (u.bad)
		memset(l, 0, sizeof *l);   /* zeroed again for the slow path */
	if (!*search)
		*search = "";
	if (!*company)
		*company = "";
	return !u.bad && u.pos == u.len;
}

static enum lq_store_rc sq_put_lead(struct lq_store *s, const struct lq_lead *l)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	struct lq_lead *ml = (struct lq_lead *)l;   /* LEAD_STRS takes addresses only */
	char **strs[] = LEAD_STRS(ml);
	char search[LQ_SEARCH_KEY_SIZE], company[LQ_COMPANY_KEY_SIZE];
	char parts[256];
	uint8_t packed_buf[2048], *packed = packed_buf;
	size_t packed_len;
	sqlite3_stmt *st;
	bool temp, own;
	size_t i;

	lq_store_lead_keys(l, search, company);
	parts[0] = '\0';
	lq_score_parts_format(l, parts, sizeof parts);
	packed_len = pack_lead(l, search, company, packed_buf, sizeof packed_buf);
	if (packed_len > sizeof packed_buf) {
		packed = lq_malloc(packed_len);
		if (!packed)
			return nomem(q);
		pack_lead(l, search, company, packed, packed_len);
	}
	/* The lead and its pack together or not at all: in a transaction of
	 * its own, or in the caller's, which is rolled back whole on failure.
	 * No savepoint there: it journals every page it touches to a temp
	 * file (a sync page writes thousands of leads), and a lead left
	 * without its pack is still read right (the loader reads its columns). */
	own = q->depth == 0;
	rc = own ? sq_begin(s) : LQ_STORE_OK;
	if (rc != LQ_STORE_OK)
		goto out;
	st = stmt_get(q, ST_LEAD_PUT, &temp, &rc);
	if (!st)
		goto fail;
	bind_str(st, 1 + LC_ID, l->id);
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		bind_str(st, 1 + LC_STR_FIRST + (int)i, *strs[i]);
	sqlite3_bind_int(st, 1 + LC_EMPLOYEES, l->employees);
	sqlite3_bind_int(st, 1 + LC_SCORE, l->score);
	bind_str(st, 1 + LC_SCORE_PARTS, parts);
	sqlite3_bind_text(st, 1 + LC_STATUS, lq_status_wire(l->status), -1, SQLITE_STATIC);
	bind_str(st, 1 + LC_REASON, l->reason);
	bind_time(st, 1 + LC_MQL_AT, l->mql_at);
	bind_time(st, 1 + LC_FIRST_TOUCH_AT, l->first_touch_at);
	bind_time(st, 1 + LC_LAST_TOUCH_AT, l->last_touch_at);
	sqlite3_bind_int(st, 1 + LC_TOUCHES, l->touches);
	sqlite3_bind_int(st, 1 + LC_TOUCHES_REQUIRED, l->touches_required);
	bind_time(st, 1 + LC_SLA_FIRST_DUE, l->sla_first_due);
	bind_time(st, 1 + LC_SLA_CADENCE_DUE, l->sla_cadence_due);
	bind_time(st, 1 + LC_NEXT_TOUCH_DUE, l->next_touch_due);
	bind_time(st, 1 + LC_NEXT_APPT_AT, l->next_appt_at);
	sqlite3_bind_int(st, 1 + LC_DO_NOT_CONTACT, l->do_not_contact ? 1 : 0);
	sqlite3_bind_int64(st, 1 + LC_VERSION, l->version);
	bind_time(st, 1 + LC_UPDATED_AT, l->updated_at);
	bind_str(st, 1 + LC_SEARCH_KEY, search);
	bind_str(st, 1 + LC_COMPANY_KEY, company);
	bind_time(st, 1 + LC_CALLBACK_AT, l->callback_at);
	bind_str(st, 1 + LC_CALLBACK_USER, l->callback_user);
	sqlite3_bind_int64(st, 1 + LC_AMOUNT, l->amount);
	rc = run(q, st, temp);
	if (rc != LQ_STORE_OK)
		goto fail;
	st = stmt_get(q, ST_PACK_PUT, &temp, &rc);
	if (!st)
		goto fail;
	bind_str(st, 1, l->id);
	sqlite3_bind_blob(st, 2, packed, (int)packed_len, SQLITE_STATIC);
	rc = run(q, st, temp);
	if (rc != LQ_STORE_OK)
		goto fail;
	rc = own ? sq_commit(s) : LQ_STORE_OK;
	goto out;
fail:
	if (own)
		sq_rollback(s);
out:
	if (packed != packed_buf)
		lq_free(packed);
	return rc;
}

static enum lq_store_rc sq_get_lead(struct lq_store *s, const char *id, struct lq_lead *out)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_LEAD_GET, st, temp, rc);
	bind_str(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		lq_lead_clear(out);
		if (!row_to_lead(st, out, NULL)) {
			lq_lead_clear(out);
			rc = nomem(q);
		}
	} else {
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc count_rows(struct sq_store *q, size_t *count)
{
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_LEAD_COUNT, st, temp, rc);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*count = (size_t)sqlite3_column_int64(st, 0);
	else
		rc = fail(q, r);
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_count_leads(struct lq_store *s, size_t *count)
{
	return count_rows(sq(s), count);
}

static enum lq_store_rc load_one_slowly(struct sq_store *q, const char *id, struct lq_arena *arena,
				       struct lq_lead *l, const char **search,
				       const char **company)
{
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	char *s = NULL, *c = NULL;
	bool temp;
	int r;

	STMT(q, ST_LEAD_GET, st, temp, rc);
	bind_str(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		if (!row_to_lead(st, l, arena) || !col_copy(st, LC_SEARCH_KEY, arena, &s) ||
		    !col_copy(st, LC_COMPANY_KEY, arena, &c))
			rc = nomem(q);
		*search = s ? s : "";
		*company = c ? c : "";
	} else {
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

/* The count and the rows in one read transaction, so they agree; the
 * arrays are sized once from the count. */
static enum lq_store_rc load_rows(struct sq_store *q, struct lq_lead_set *out)
{
	enum lq_store_rc rc = LQ_STORE_OK;
	struct lq_arena *arena;
	sqlite3_stmt *st;
	size_t n = 0, i = 0;
	bool temp;
	int r;

	rc = count_rows(q, &n);
	if (rc != LQ_STORE_OK)
		return rc;
	out->leads = lq_calloc(n, sizeof *out->leads);
	out->search = lq_calloc(n, sizeof *out->search);
	out->company = lq_calloc(n, sizeof *out->company);
	/* Chunks sized for the whole set (about 700 bytes a lead), within limits. */
	arena = lq_arena_new(n * 700 < ARENA_CHUNK ? ARENA_CHUNK
			     : n * 700 > ARENA_CHUNK_MAX ? ARENA_CHUNK_MAX : n * 700);
	out->arena = arena;
	if (!out->leads || !out->search || !out->company || !arena)
		return nomem(q);
	if (n * sizeof *out->leads >= LQ_PREFAULT_MIN)
		lq_prefault(out->leads, n * sizeof *out->leads);

	STMT(q, ST_LEAD_ALL, st, temp, rc);
	while (i < n) {
		const void *blob;
		char *copy;
		size_t len;

		r = sqlite3_step(st);
		if (r != SQLITE_ROW) {
			rc = r == SQLITE_DONE ? LQ_STORE_OK : fail(q, r);
			break;
		}
		blob = sqlite3_column_blob(st, 1);
		len = (size_t)sqlite3_column_bytes(st, 1);
		copy = blob ? lq_arena_strndup(arena, blob, len) : NULL;
		if (blob && !copy) {
			rc = nomem(q);
			break;
		}
		if (!copy || !unpack_lead(copy, len, &out->leads[i], &out->search[i],
					  &out->company[i])) {
			/* A pack this code cannot read: read the columns. */
			rc = load_one_slowly(q, col_text(st, 0), arena, &out->leads[i],
					     &out->search[i], &out->company[i]);
			if (rc == LQ_STORE_NOTFOUND) {
				rc = LQ_STORE_OK;   /* a pack without its lead */
				continue;
			}
			if (rc != LQ_STORE_OK)
				break;
		}
		i++;
	}
	stmt_done(st, temp);
	if (rc != LQ_STORE_OK || i == n) {
		out->count = i;
		return rc;
	}

	/* Leads changed by other means since their pack was written. */
	STMT(q, ST_LEAD_UNPACKED, st, temp, rc);
	while (i < n) {
		r = sqlite3_step(st);
		if (r != SQLITE_ROW) {
			rc = r == SQLITE_DONE ? LQ_STORE_OK : fail(q, r);
			break;
		}
		rc = load_one_slowly(q, col_text(st, 0), arena, &out->leads[i], &out->search[i],
				     &out->company[i]);
		if (rc != LQ_STORE_OK)
			break;
		i++;
	}
	stmt_done(st, temp);
	out->count = i;
	return rc;
}

/* The set is what this cache's user works: a callback due for them (their
 * own or the team's, lq_lead_due_at) counts as the lead's next appointment,
 * so the queue puts it first.  The columns keep the server's value. */
static enum lq_store_rc callbacks_for_me(struct lq_store *s, struct lq_lead_set *set)
{
	char *me = NULL;
	enum lq_store_rc rc = sq_meta_get(s, "user_id", &me);

	if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND)
		return rc;
	for (size_t i = 0; i < set->count; i++) {
		struct lq_lead *l = &set->leads[i];

		if (l->callback_at != LQ_TIME_NONE)
			l->next_appt_at = lq_lead_due_at(l, me ? me : "");
	}
	lq_free(me);
	return LQ_STORE_OK;
}

static enum lq_store_rc sq_load_leads(struct lq_store *s, struct lq_lead_set *out)
{
	struct sq_store *q = sq(s);
	bool own = sqlite3_get_autocommit(q->db) != 0;
	enum lq_store_rc rc;

	if (own) {
		rc = exec_sql(q, "BEGIN");
		if (rc != LQ_STORE_OK)
			return rc;
	}
	rc = load_rows(q, out);
	if (rc == LQ_STORE_OK)
		rc = callbacks_for_me(s, out);
	if (own)
		sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	if (rc != LQ_STORE_OK)
		lq_lead_set_free(out);
	return rc;
}

static enum lq_store_rc sq_resolve_id(struct lq_store *s, const char *prefix,
				      char out[LQ_UUID_SIZE])
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	char upper[LQ_UUID_SIZE + 1];
	size_t len = strlen(prefix);
	sqlite3_stmt *st;
	int r, rows = 0;
	bool temp;

	/* Ids are [0-9a-f-], all below 0x7f: prefix + 0x7f bounds the range. */
	memcpy(upper, prefix, len);
	upper[len] = 0x7f;
	upper[len + 1] = '\0';
	STMT(q, ST_LEAD_PREFIX, st, temp, rc);
	bind_str(st, 1, prefix);
	bind_str(st, 2, upper);
	for (;;) {
		r = sqlite3_step(st);
		if (r != SQLITE_ROW)
			break;
		if (rows++ == 0)
			col_fixed(st, 0, out, LQ_UUID_SIZE);
	}
	if (r != SQLITE_DONE)
		rc = fail(q, r);
	else if (rows == 0)
		rc = LQ_STORE_NOTFOUND;
	else if (rows > 1)
		rc = LQ_STORE_INVALID;
	if (rc != LQ_STORE_OK)
		out[0] = '\0';
	stmt_done(st, temp);
	return rc;
}

/* --- activities ---------------------------------------------------------- */

/* Parameters 1..23 of ST_ACT_PUT and ST_ACT_APPLY. */
static void bind_activity(sqlite3_stmt *st, const struct lq_activity_rec *rec)
{
	const struct lq_activity *a = &rec->a;

	bind_str(st, 1, a->id);
	bind_str(st, 2, a->lead_id);
	sqlite3_bind_text(st, 3, lq_activity_wire(a->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, a->at == LQ_TIME_NONE ? 0 : a->at);
	bind_str(st, 5, a->actor);
	bind_str(st, 6, a->subject);
	bind_str(st, 7, a->detail);
	bind_str(st, 8, a->campaign);
	sqlite3_bind_int(st, 9, a->duration_s);
	if (a->outcome >= 0 && a->outcome < LQ_OUTCOME_COUNT)
		sqlite3_bind_text(st, 10, lq_outcome_wire((enum lq_outcome)a->outcome), -1,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_int(st, 11, a->undone ? 1 : 0);
	bind_id(st, 12, rec->op_id);
	bind_id(st, 13, rec->undo_of);
	bind_state(st, 14, rec->has_states ? &rec->before : NULL);
	bind_state(st, 19, rec->has_states ? &rec->after : NULL);
}

static enum lq_store_rc sq_put_activity(struct lq_store *s, const struct lq_activity_rec *rec)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_ACT_PUT, st, temp, rc);
	bind_activity(st, rec);
	return run(q, st, temp);
}

static enum lq_store_rc sq_timeline(struct lq_store *s, const char *lead_id,
				    lq_activity_cb cb, void *ctx)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_ACT_TIMELINE, st, temp, rc);
	bind_str(st, 1, lead_id);
	for (;;) {
		struct lq_activity a;

		r = sqlite3_step(st);
		if (r != SQLITE_ROW)
			break;
		memset(&a, 0, sizeof a);
		row_to_activity(st, &a, false);
		if (cb(ctx, &a) != 0) {
			r = SQLITE_DONE;
			break;
		}
	}
	if (r != SQLITE_DONE)
		rc = fail(q, r);
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_last_undoable(struct lq_store *s, const char *actor,
					 struct lq_activity_rec *out)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_ACT_LAST_UNDOABLE, st, temp, rc);
	bind_str(st, 1, actor);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		lq_activity_clear(&out->a);
		if (!row_to_activity(st, &out->a, true)) {
			lq_activity_clear(&out->a);
			rc = nomem(q);
		}
		col_fixed(st, 11, out->op_id, sizeof out->op_id);
		col_fixed(st, 12, out->undo_of, sizeof out->undo_of);
		out->has_states = sqlite3_column_type(st, 13) != SQLITE_NULL;
		col_state(st, 13, &out->before);
		col_state(st, 18, &out->after);
	} else {
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_set_undone(struct lq_store *s, const char *activity_id)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_ACT_SET_UNDONE, st, temp, rc);
	bind_str(st, 1, activity_id);
	rc = run(q, st, temp);
	if (rc == LQ_STORE_OK && sqlite3_changes(q->db) == 0)
		rc = LQ_STORE_NOTFOUND;
	return rc;
}

/* --- outbox -------------------------------------------------------------- */

static enum lq_store_rc sq_outbox_add(struct lq_store *s, const struct lq_outbox_op *op)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_OUTBOX_ADD, st, temp, rc);
	bind_str(st, 1, op->id);
	bind_str(st, 2, op->kind);
	bind_str(st, 3, op->lead_id);
	sqlite3_bind_int64(st, 4, op->base_version);
	sqlite3_bind_int64(st, 5, op->at);
	sqlite3_bind_int64(st, 6, op->send_after);
	bind_str(st, 7, op->args ? op->args : "{}");
	bind_str(st, 8, op->state ? op->state : "pending");
	bind_str(st, 9, op->error);
	return run(q, st, temp);
}

static enum lq_store_rc sq_outbox_state(struct lq_store *s, const char *op_id,
					char *state, size_t size)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	state[0] = '\0';
	STMT(q, ST_OUTBOX_STATE, st, temp, rc);
	bind_str(st, 1, op_id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		col_fixed(st, 0, state, size);
	else
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	stmt_done(st, temp);
	return rc;
}

/* Walks the rows of an outbox query (OUTBOX_COLS) through cb. */
static enum lq_store_rc walk_outbox(struct sq_store *q, sqlite3_stmt *st, bool temp,
				    lq_outbox_cb cb, void *ctx)
{
	enum lq_store_rc rc = LQ_STORE_OK;
	int r;

	for (;;) {
		struct lq_outbox_op op;

		r = sqlite3_step(st);
		if (r != SQLITE_ROW)
			break;
		memset(&op, 0, sizeof op);
		op.seq = sqlite3_column_int64(st, 0);
		col_fixed(st, 1, op.id, sizeof op.id);
		op.kind = col_text(st, 2);
		col_fixed(st, 3, op.lead_id, sizeof op.lead_id);
		op.base_version = sqlite3_column_int64(st, 4);
		op.at = sqlite3_column_int64(st, 5);
		op.send_after = sqlite3_column_int64(st, 6);
		op.args = col_text(st, 7);
		op.state = col_text(st, 8);
		op.error = col_text(st, 9);
		if (cb(ctx, &op) != 0) {
			r = SQLITE_DONE;
			break;
		}
	}
	if (r != SQLITE_DONE)
		rc = fail(q, r);
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_outbox_due(struct lq_store *s, lq_time now, lq_outbox_cb cb, void *ctx)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_OUTBOX_DUE, st, temp, rc);
	sqlite3_bind_int64(st, 1, now);
	return walk_outbox(q, st, temp, cb, ctx);
}

static enum lq_store_rc sq_outbox_count(struct lq_store *s, lq_time now, int *pending, int *held)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	STMT(q, ST_OUTBOX_COUNT, st, temp, rc);
	sqlite3_bind_int64(st, 1, now);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*pending = sqlite3_column_int(st, 0);
		*held = sqlite3_column_int(st, 1);
	} else {
		rc = fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

/* A booking the server refused (or one dropped) was never made: its local
 * "pending" appointment goes (the op stays in the outbox, for the
 * conflicts screen). */
static enum lq_store_rc drop_pending_booking(struct sq_store *q, const char *op_id)
{
	sqlite3_stmt *st = NULL;
	int r = sqlite3_prepare_v2(q->db, "DELETE FROM appointments WHERE status = 'pending' "
				   "AND id = (SELECT json_extract(args, '$.appointment') FROM outbox "
				   "WHERE id = ?1 AND kind = 'book_appointment')", -1, &st, NULL);

	if (r == SQLITE_OK)
		r = bind_str(st, 1, op_id);
	if (r == SQLITE_OK)
		r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? LQ_STORE_OK : fail(q, r);
}

static enum lq_store_rc sq_each_appointment(struct lq_store *s, const char *rep_id,
					    const char *lead_id, lq_time from, lq_time to,
					    lq_appt_cb cb, void *ctx)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r = SQLITE_OK;

	STMT(q, ST_APPT_EACH, st, temp, rc);
	bind_id(st, 1, rep_id);
	bind_id(st, 2, lead_id);
	bind_time(st, 3, from);
	bind_time(st, 4, to);
	while (r == SQLITE_OK) {
		struct lq_appt a;
		int mode, status;

		r = sqlite3_step(st);
		if (r != SQLITE_ROW)
			break;
		mode = lq_appt_mode_parse(col_text(st, 7));
		status = lq_appt_status_parse(col_text(st, 8));
		lq_appt_init(&a);
		col_fixed(st, 0, a.id, sizeof a.id);
		col_fixed(st, 1, a.lead_id, sizeof a.lead_id);
		col_fixed(st, 2, a.rep_id, sizeof a.rep_id);
		col_fixed(st, 3, a.booked_by, sizeof a.booked_by);
		a.start = sqlite3_column_int64(st, 4);
		a.end = sqlite3_column_int64(st, 5);
		col_fixed(st, 6, a.tz, sizeof a.tz);
		a.mode = mode < 0 ? LQ_APPT_PHONE : (enum lq_appt_mode)mode;
		a.status = status < 0 ? LQ_APPT_ST_PENDING : (enum lq_appt_status)status;
		a.version = sqlite3_column_int64(st, 9);
		a.notes = (char *)col_text(st, 10);   /* borrowed for the call */
		if (cb(ctx, &a) != 0) {
			r = SQLITE_DONE;
			break;
		}
		r = SQLITE_OK;
	}
	rc = r == SQLITE_DONE ? LQ_STORE_OK : fail(q, r);
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_outbox_mark(struct lq_store *s, const char *op_id,
				       const char *state, const char *error)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_OUTBOX_MARK, st, temp, rc);
	bind_str(st, 1, op_id);
	bind_str(st, 2, state);
	bind_str(st, 3, error);
	rc = run(q, st, temp);
	if (rc == LQ_STORE_OK && sqlite3_changes(q->db) == 0)
		rc = LQ_STORE_NOTFOUND;
	if (rc == LQ_STORE_OK && strcmp(state, "pending") != 0 && strcmp(state, "sent") != 0 &&
	    strcmp(state, "applied") != 0 && strcmp(state, "duplicate") != 0)
		rc = drop_pending_booking(q, op_id);
	return rc;
}

/* --- sync ---------------------------------------------------------------- */

static const enum stmt_id ver_get[] = { ST_VER_LEAD, ST_VER_ACT, ST_VER_USER, ST_VER_TEAM };
static const enum stmt_id ver_set[] = {
	ST_SETVER_LEAD, ST_SETVER_ACT, ST_SETVER_USER, ST_SETVER_TEAM,
};

static enum lq_store_rc sq_version(struct lq_store *s, enum lq_entity type, const char *id,
				   int64_t *version)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	*version = 0;
	if ((unsigned)type >= sizeof ver_get / sizeof ver_get[0])
		return LQ_STORE_INVALID;
	STMT(q, ver_get[type], st, temp, rc);
	bind_str(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	else
		rc = r == SQLITE_DONE ? LQ_STORE_NOTFOUND : fail(q, r);
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_set_version(struct lq_store *s, enum lq_entity type, const char *id,
				       int64_t version)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	if ((unsigned)type >= sizeof ver_set / sizeof ver_set[0])
		return LQ_STORE_INVALID;
	STMT(q, ver_set[type], st, temp, rc);
	bind_str(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	rc = run(q, st, temp);
	if (rc == LQ_STORE_OK && sqlite3_changes(q->db) == 0)
		rc = LQ_STORE_NOTFOUND;
	return rc;
}

static enum lq_store_rc sq_lead_outstanding(struct lq_store *s, const char *lead_id, int *count)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	*count = 0;
	STMT(q, ST_LEAD_OUTSTANDING, st, temp, rc);
	bind_str(st, 1, lead_id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*count = sqlite3_column_int(st, 0);
	else
		rc = fail(q, r);
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_apply_activity(struct lq_store *s, const struct lq_activity *a,
					 int64_t version, bool *stored)
{
	struct sq_store *q = sq(s);
	struct lq_activity_rec rec;
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	*stored = false;
	/* An activity of a lead not in the view is skipped. */
	STMT(q, ST_LEAD_EXISTS, st, temp, rc);
	bind_str(st, 1, a->lead_id);
	r = sqlite3_step(st);
	stmt_done(st, temp);
	if (r == SQLITE_DONE)
		return LQ_STORE_OK;
	if (r != SQLITE_ROW)
		return fail(q, r);
	memset(&rec, 0, sizeof rec);
	rec.a = *a;
	STMT(q, ST_ACT_APPLY, st, temp, rc);
	bind_activity(st, &rec);
	sqlite3_bind_int64(st, 24, version);
	rc = run(q, st, temp);
	if (rc != LQ_STORE_OK || sqlite3_changes(q->db) > 0) {
		*stored = rc == LQ_STORE_OK;
		return rc;
	}
	/* Known: replaced when this copy is newer (a local one keeps its op id
	 * and undo states). */
	STMT(q, ST_ACT_APPLY_UPDATE, st, temp, rc);
	bind_activity(st, &rec);
	sqlite3_bind_int64(st, 24, version);
	rc = run(q, st, temp);
	if (rc == LQ_STORE_OK)
		*stored = sqlite3_changes(q->db) > 0;
	return rc;
}

static enum lq_store_rc sq_apply_appointment(struct lq_store *s, const struct lq_appt *a,
					     bool *stored)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	*stored = false;
	/* An appointment of a lead not in the view is skipped (foreign key). */
	STMT(q, ST_LEAD_EXISTS, st, temp, rc);
	bind_str(st, 1, a->lead_id);
	r = sqlite3_step(st);
	stmt_done(st, temp);
	if (r == SQLITE_DONE)
		return LQ_STORE_OK;
	if (r != SQLITE_ROW)
		return fail(q, r);
	STMT(q, ST_APPT_APPLY, st, temp, rc);
	bind_str(st, 1, a->id);
	bind_str(st, 2, a->lead_id);
	bind_id(st, 3, a->rep_id);
	bind_id(st, 4, a->booked_by);
	sqlite3_bind_int64(st, 5, a->start);
	sqlite3_bind_int64(st, 6, a->end);
	bind_id(st, 7, a->tz);
	bind_str(st, 8, lq_appt_mode_wire(a->mode));
	bind_str(st, 9, lq_appt_status_wire(a->status));
	sqlite3_bind_int64(st, 10, a->version);
	bind_str(st, 11, a->notes);
	rc = run(q, st, temp);
	if (rc == LQ_STORE_OK)
		*stored = sqlite3_changes(q->db) > 0;
	return rc;
}

static enum lq_store_rc sq_lead_sync_state(struct lq_store *s, const char *id, bool *cached,
					   int64_t *version, int *outstanding)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;
	int r;

	*cached = false;
	*version = 0;
	*outstanding = 0;
	STMT(q, ST_LEAD_SYNC_STATE, st, temp, rc);
	bind_str(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*cached = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*version = sqlite3_column_int64(st, 0);
		*outstanding = sqlite3_column_int(st, 1);
	} else {
		rc = fail(q, r);
	}
	stmt_done(st, temp);
	return rc;
}

static enum lq_store_rc sq_remove_lead(struct lq_store *s, const char *id)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	/* Activities and appointments go with it (ON DELETE CASCADE). */
	STMT(q, ST_LEAD_REMOVE, st, temp, rc);
	bind_str(st, 1, id);
	rc = run(q, st, temp);
	if (rc == LQ_STORE_OK && sqlite3_changes(q->db) == 0)
		rc = LQ_STORE_NOTFOUND;
	return rc;
}

/* Users and teams stay (the session's user must survive a failed resync);
 * version 0 lets the server's copies replace them. */
static enum lq_store_rc sq_drop_view(struct lq_store *s)
{
	return exec_sql(sq(s), "DELETE FROM appointments; DELETE FROM activities; "
			"DELETE FROM leads; DELETE FROM lead_packs; "
			"UPDATE users SET version = 0; UPDATE teams SET version = 0");
}

static enum lq_store_rc sq_outbox_sendable(struct lq_store *s, lq_time now, int limit,
					   lq_outbox_cb cb, void *ctx)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_OUTBOX_SENDABLE, st, temp, rc);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	return walk_outbox(q, st, temp, cb, ctx);
}

static enum lq_store_rc sq_outbox_each(struct lq_store *s, const char *state,
				       lq_outbox_cb cb, void *ctx)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_OUTBOX_BY_STATE, st, temp, rc);
	bind_str(st, 1, state);
	return walk_outbox(q, st, temp, cb, ctx);
}

static enum lq_store_rc sq_outbox_rebase(struct lq_store *s, const char *lead_id,
					 int64_t after_seq, int64_t from_version,
					 int64_t to_version)
{
	struct sq_store *q = sq(s);
	enum lq_store_rc rc = LQ_STORE_OK;
	sqlite3_stmt *st;
	bool temp;

	STMT(q, ST_OUTBOX_REBASE, st, temp, rc);
	bind_str(st, 1, lead_id);
	sqlite3_bind_int64(st, 2, after_seq);
	sqlite3_bind_int64(st, 3, from_version);
	sqlite3_bind_int64(st, 4, to_version);
	return run(q, st, temp);
}

const struct lq_store_ops lq_store_sqlite_ops = {
	.name = "sqlite",
	.accepts = sq_accepts,
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.schema_version = sq_schema_version,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.put_user = sq_put_user,
	.get_user = sq_get_user,
	.each_user = sq_each_user,
	.put_team = sq_put_team,
	.get_team = sq_get_team,
	.put_lead = sq_put_lead,
	.get_lead = sq_get_lead,
	.load_leads = sq_load_leads,
	.count_leads = sq_count_leads,
	.resolve_id = sq_resolve_id,
	.put_activity = sq_put_activity,
	.timeline = sq_timeline,
	.last_undoable = sq_last_undoable,
	.set_undone = sq_set_undone,
	.outbox_add = sq_outbox_add,
	.outbox_state = sq_outbox_state,
	.outbox_due = sq_outbox_due,
	.outbox_count = sq_outbox_count,
	.outbox_mark = sq_outbox_mark,
	.exec = sq_exec,
	.version = sq_version,
	.set_version = sq_set_version,
	.lead_outstanding = sq_lead_outstanding,
	.remove_lead = sq_remove_lead,
	.drop_view = sq_drop_view,
	.outbox_sendable = sq_outbox_sendable,
	.outbox_each = sq_outbox_each,
	.outbox_rebase = sq_outbox_rebase,
	.apply_activity = sq_apply_activity,
	.apply_appointment = sq_apply_appointment,
	.each_appointment = sq_each_appointment,
	.lead_sync_state = sq_lead_sync_state,
};
