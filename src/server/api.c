/* leadq — leadqd's route handlers (share/doc/api.md is their contract). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leadq/codec.h"
#include "leadq/i18n.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "server/server.h"

#define CHANGES_LIMIT_DEFAULT 1000
#define CHANGES_LIMIT_MAX 5000
#define CHANGES_WAIT_MAX 60
#define OPS_MAX 1000

void srv_error(struct srv_resp *r, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_decref(r->body);
	free(r->raw);
	r->raw = NULL;
	r->status = status;
	r->body = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg);
}

/* Parses a decimal integer in [min, max]; false on anything else. */
static bool parse_int(const char *text, long min, long max, long *out)
{
	char *end;
	long v;

	if (!text || !*text)
		return false;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static json_t *parse_body(const struct srv_req *q, struct srv_resp *r)
{
	json_error_t e;
	json_t *j;

	if (!q->body || q->body_len == 0) {
		srv_error(r, 400, "bad_request", "body: expected a JSON object");
		return NULL;
	}
	j = json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		srv_error(r, 400, "bad_request", "body: line %d column %d: %s", e.line, e.column,
			  e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		srv_error(r, 400, "bad_request", "body: expected a JSON object");
		return NULL;
	}
	return j;
}

/* --- POST /login ---------------------------------------------------------------- */

void srv_api_login(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	json_t *body = parse_body(q, r), *ju;
	const char *login, *password;
	char lkey[160], akey[96], token[SRV_TOKEN_SIZE], hash[SRV_HASH_HEX];
	char *pwhash = NULL;
	struct lq_user u;
	enum lq_store_rc rc;
	lq_time now = lq_os_now(), wait;
	bool ok;

	if (!body)
		return;
	login = json_string_value(json_object_get(body, "user"));
	password = json_string_value(json_object_get(body, "password"));
	if (!login || !password) {
		srv_error(r, 400, "bad_request", "%s: expected a string", login ? "password" : "user");
		goto out;
	}
	snprintf(lkey, sizeof lkey, "login:%s", login);
	snprintf(akey, sizeof akey, "addr:%s", q->addr);
	wait = srv_rate_wait(&S->rate, lkey, SRV_RATE_LOGIN_MAX, now);
	if (wait == 0)
		wait = srv_rate_wait(&S->rate, akey, SRV_RATE_ADDR_MAX, now);
	if (wait > 0) {
		srv_error(r, 429, "rate_limited", "too many failed logins; try again in %" PRId64 " s",
			  (int64_t)wait);
		r->retry_after = (long)wait;
		goto out;
	}
	lq_user_init(&u);
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_user_get(S->db, login, true, &u, NULL, &pwhash);
	pthread_mutex_unlock(&S->db_lock);
	if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND) {
		srv_error(r, 503, "unavailable", "the database is busy");
		r->retry_after = 1;
		goto out;
	}
	/* The slow hash runs outside the database lock. */
	ok = rc == LQ_STORE_OK && u.active && srv_password_verify(pwhash, password);
	if (!ok) {
		srv_rate_fail(&S->rate, lkey, now);
		srv_rate_fail(&S->rate, akey, now);
		srv_error(r, 401, "unauthorized", "wrong user or password");
		goto out_user;
	}
	srv_rate_reset(&S->rate, lkey);
	srv_token_new(token);
	srv_sha256_hex(token, strlen(token), hash);
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_token_add(S->db, hash, u.id, now);
	pthread_mutex_unlock(&S->db_lock);
	if (rc != LQ_STORE_OK) {
		srv_error(r, 503, "unavailable", "the database is busy");
		r->retry_after = 1;
		goto out_user;
	}
	ju = lq_user_to_json(&u);
	r->status = 200;
	r->body = ju ? json_pack("{s:s, s:o}", "token", token, "user", ju) : NULL;
out_user:
	lq_user_clear(&u);
out:
	free(pwhash);
	json_decref(body);
}

/* --- GET /changes ------------------------------------------------------------------ */

/* A page of changes is written by hand (struct srv_text), so that the
 * entities' stored codec JSON goes out as it is, never decoded and encoded
 * again. */

static void text_str(struct srv_text *t, const char *s)
{
	const char *run = s;

	srv_text_add(t, "\"", 1);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		srv_text_add(t, run, (size_t)(s - run));
		if (ch == '"' || ch == '\\')
			snprintf(esc, sizeof esc, "\\%c", ch);
		else
			snprintf(esc, sizeof esc, "\\u%04x", ch);
		srv_text_lit(t, esc);
		run = s + 1;
	}
	srv_text_add(t, run, (size_t)(s - run));
	srv_text_add(t, "\"", 1);
}

static void text_int(struct srv_text *t, int64_t v)
{
	char num[24];

	snprintf(num, sizeof num, "%" PRId64, v);
	srv_text_lit(t, num);
}

struct page {
	struct srv *S;
	const struct srv_caller *c;
	struct srv_text out;                /* the changes, comma-separated */
	size_t nchanges;
	json_t *seen;                   /* "type:id" of entities already in the page */
	int rows;
	enum lq_store_rc rc;
};

/* Opens one change: {"type": …, "id": …, then the caller's fields and "}". */
static void change_open(struct page *p, const char *type, const char *id)
{
	if (p->nchanges++ > 0)
		srv_text_add(&p->out, ",", 1);
	srv_text_lit(&p->out, "{\"type\":");
	text_str(&p->out, type);
	srv_text_lit(&p->out, ",\"id\":");
	text_str(&p->out, id);
}

/* An entity with its version and data (JSON text), and an activity's lead. */
static void emit_text(struct page *p, const char *type, const char *id, int64_t version,
		      const char *data, const char *lead_id)
{
	change_open(p, type, id);
	srv_text_lit(&p->out, ",\"version\":");
	text_int(&p->out, version);
	srv_text_lit(&p->out, ",\"data\":");
	srv_text_lit(&p->out, data);
	if (lead_id) {
		srv_text_lit(&p->out, ",\"lead_id\":");
		text_str(&p->out, lead_id);
	}
	srv_text_add(&p->out, "}", 1);
}

/* An entity of the codec (users, teams: few, decoded as before). */
static int emit_json(struct page *p, const char *type, const char *id, int64_t version,
		     json_t *data)
{
	char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;

	json_decref(data);
	if (!text) {
		p->rc = LQ_STORE_NOMEM;
		return 1;
	}
	emit_text(p, type, id, version, text, NULL);
	free(text);
	return 0;
}

static int page_row(void *ctx, const struct lq_srv_feed *row)
{
	struct page *p = ctx;
	struct lq_srv_store *db = p->S->db;
	char key[64];
	int stop = 0;

	p->rows++;
	snprintf(key, sizeof key, "%s:%s", row->type, row->entity_id);
	if (json_object_get(p->seen, key))
		return 0;
	if (strcmp(row->type, "lead") == 0 || strcmp(row->type, "activity") == 0 ||
	    strcmp(row->type, "appointment") == 0) {
		bool is_lead = strcmp(row->type, "lead") == 0;
		const char *lead_id = is_lead ? row->entity_id : row->lead_id;
		struct lq_srv_lead_head head;
		char *data = NULL;

		/* The lead as it is now decides: a row of a lead that has left the
		 * caller's view since is a removal.  Only the scope columns are
		 * read for that; the stored JSON only of a lead that is sent. */
		p->rc = lq_srv_lead_head(db, lead_id ? lead_id : "", &head, is_lead ? &data : NULL);
		if (p->rc == LQ_STORE_NOTFOUND) {
			p->rc = LQ_STORE_OK;
			return 0;
		}
		if (p->rc != LQ_STORE_OK)
			return 1;
		if (!lq_srv_scope_sees_lead(&p->c->scope, head.owner_id, head.team_id)) {
			char lkey[64];

			snprintf(lkey, sizeof lkey, "removed:%s", lead_id);
			if (!json_object_get(p->seen, lkey)) {
				change_open(p, "lead", lead_id);
				srv_text_lit(&p->out, ",\"removed\":true}");
				json_object_set_new(p->seen, lkey, json_true());
			}
		} else if (is_lead) {
			emit_text(p, "lead", lead_id, head.version, data, NULL);
		} else {
			/* An activity or an appointment of a lead in the view. */
			bool is_appt = strcmp(row->type, "appointment") == 0;
			char act_lead[LQ_UUID_SIZE];
			int64_t version;
			char *act = NULL;

			p->rc = is_appt
				? lq_srv_appt_text(db, row->entity_id, act_lead, &version, &act)
				: lq_srv_activity_text(db, row->entity_id, act_lead, &version, &act);
			if (p->rc == LQ_STORE_OK)
				emit_text(p, row->type, row->entity_id, version, act, act_lead);
			else if (p->rc == LQ_STORE_NOTFOUND)
				p->rc = LQ_STORE_OK;
			else
				stop = 1;
			free(act);
		}
		free(data);
	} else if (strcmp(row->type, "user") == 0) {
		struct lq_user u;
		int64_t version;

		p->rc = lq_srv_user_get(db, row->entity_id, false, &u, &version, NULL);
		if (p->rc == LQ_STORE_OK)
			stop = emit_json(p, "user", u.id, version, lq_user_to_json(&u));
		else if (p->rc == LQ_STORE_NOTFOUND)
			p->rc = LQ_STORE_OK;
		else
			stop = 1;
		lq_user_clear(&u);
	} else if (strcmp(row->type, "team") == 0) {
		struct lq_team t;
		int64_t version;

		p->rc = lq_srv_team_get(db, row->entity_id, false, &t, &version);
		if (p->rc == LQ_STORE_OK)
			stop = emit_json(p, "team", t.id, version, lq_team_to_json(&t));
		else if (p->rc == LQ_STORE_NOTFOUND)
			p->rc = LQ_STORE_OK;
		else
			stop = 1;
		lq_team_clear(&t);
	}
	if (p->out.nomem) {
		p->rc = LQ_STORE_NOMEM;
		stop = 1;
	}
	if (json_object_set_new(p->seen, key, json_true()) != 0) {
		p->rc = LQ_STORE_NOMEM;
		stop = 1;
	}
	return stop;
}

/* "EPOCH.SEQ" of this server, or false. */
static bool parse_cursor(const struct srv *S, const char *text, int64_t *seq)
{
	const char *dot = strrchr(text, '.');
	long long v;
	char *end;

	if (!dot || (size_t)(dot - text) != strlen(S->epoch) ||
	    strncmp(text, S->epoch, (size_t)(dot - text)) != 0)
		return false;
	errno = 0;
	v = strtoll(dot + 1, &end, 10);
	if (errno || *end || end == dot + 1 || v < 0)
		return false;
	*seq = v;
	return true;
}

void srv_api_changes(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	const char *since = srv_query(q, "since");
	const char *limit_text = srv_query(q, "limit");
	const char *wait_text = srv_query(q, "wait");
	long limit = CHANGES_LIMIT_DEFAULT, wait = 0;
	int64_t cursor = 0, last, known;
	struct timespec deadline;
	struct page p = { S, &q->caller, { NULL, 0, 0, false }, 0, NULL, 0, LQ_STORE_OK };
	char text[96];

	if (limit_text && !parse_int(limit_text, 1, CHANGES_LIMIT_MAX, &limit)) {
		srv_error(r, 400, "bad_request", "limit: expected 1..%d", CHANGES_LIMIT_MAX);
		return;
	}
	if (wait_text && !parse_int(wait_text, 0, CHANGES_WAIT_MAX, &wait)) {
		srv_error(r, 400, "bad_request", "wait: expected 0..%d seconds", CHANGES_WAIT_MAX);
		return;
	}
	pthread_mutex_lock(&S->feed_lock);
	known = S->feed_seq;
	pthread_mutex_unlock(&S->feed_lock);
	if (since && *since && (!parse_cursor(S, since, &cursor) || cursor > known)) {
		srv_error(r, 410, "resync_required",
			  "the cursor is of another database or history; pull from the beginning");
		return;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += wait;
	for (;;) {
		pthread_mutex_lock(&S->feed_lock);
		known = S->feed_seq;
		pthread_mutex_unlock(&S->feed_lock);
		json_decref(p.seen);
		p.seen = json_object();
		p.out.len = 0;
		p.nchanges = 0;
		p.rows = 0;
		p.rc = LQ_STORE_OK;
		srv_text_lit(&p.out, "{\"changes\":[");
		if (p.out.nomem || !p.seen) {
			p.rc = LQ_STORE_NOMEM;
			break;
		}
		pthread_mutex_lock(&S->db_lock);
		enum lq_store_rc rc = lq_srv_feed_page(S->db, &q->caller.scope, cursor, (int)limit,
						       page_row, &p, &last);
		pthread_mutex_unlock(&S->db_lock);
		if (rc != LQ_STORE_OK && p.rc == LQ_STORE_OK)
			p.rc = rc;
		if (p.rc != LQ_STORE_OK)
			break;
		cursor = last;
		if (p.nchanges > 0 || p.rows >= limit || wait == 0)
			break;
		/* Nothing for the caller: hold the request until the feed grows. */
		pthread_mutex_lock(&S->feed_lock);
		while (S->feed_seq <= known && !S->stopping &&
		       pthread_cond_timedwait(&S->feed_cond, &S->feed_lock, &deadline) == 0)
			;
		bool grew = S->feed_seq > known && !S->stopping;
		pthread_mutex_unlock(&S->feed_lock);
		if (!grew)
			break;
	}
	if (p.rc == LQ_STORE_OK) {
		/* The same fields in the same order as {changes, cursor, more}. */
		snprintf(text, sizeof text, "%s.%" PRId64, S->epoch, cursor);
		srv_text_lit(&p.out, "],\"cursor\":");
		text_str(&p.out, text);
		srv_text_lit(&p.out, p.rows >= limit ? ",\"more\":true}" : ",\"more\":false}");
		if (p.out.nomem)
			p.rc = LQ_STORE_NOMEM;
	}
	if (p.rc != LQ_STORE_OK) {
		srv_error(r, 503, "unavailable", "the database is busy or out of memory");
		r->retry_after = 1;
		free(p.out.p);
	} else {
		r->status = 200;
		r->raw = p.out.p;
		r->raw_len = p.out.len;
	}
	json_decref(p.seen);
}

/* --- POST /ops ----------------------------------------------------------------------- */

static bool op_kind_known(const char *kind)
{
	static const char *const kinds[] = { "set_status", "log_touch", "add_note", "undo",
					     "reassign", "book_appointment", "cancel_appointment",
					     "schedule_callback",
					     NULL };
	int i;

	for (i = 0; kinds[i]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

/* The whole request is refused (400) when an op lacks what identifies it. */
static bool ops_valid(const json_t *ops, struct srv_resp *r)
{
	size_t i;
	json_t *op;

	json_array_foreach(ops, i, op) {
		const char *id, *kind, *lead;
		const json_t *base;

		if (!json_is_object(op)) {
			srv_error(r, 400, "bad_request", "ops[%zu]: expected an object", i);
			return false;
		}
		id = json_string_value(json_object_get(op, "id"));
		kind = json_string_value(json_object_get(op, "kind"));
		lead = json_string_value(json_object_get(op, "lead"));
		base = json_object_get(op, "base_version");
		if (!id || !lq_uuid_valid(id)) {
			srv_error(r, 400, "bad_request", "ops[%zu].id: expected a UUID", i);
			return false;
		}
		if (!kind) {
			srv_error(r, 400, "bad_request", "ops[%zu].kind: expected a string", i);
			return false;
		}
		if (!op_kind_known(kind)) {
			srv_error(r, 400, "bad_request", "ops[%zu].kind: unknown op kind '%s'", i, kind);
			return false;
		}
		if (!lead || !lq_uuid_valid(lead)) {
			srv_error(r, 400, "bad_request", "ops[%zu].lead: expected a UUID", i);
			return false;
		}
		if (base && !json_is_null(base) && !json_is_integer(base)) {
			srv_error(r, 400, "bad_request", "ops[%zu].base_version: expected an integer", i);
			return false;
		}
		if (json_object_get(op, "args") && !json_is_object(json_object_get(op, "args"))) {
			srv_error(r, 400, "bad_request", "ops[%zu].args: expected an object", i);
			return false;
		}
	}
	return true;
}

void srv_api_ops(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	json_t *body = parse_body(q, r), *ops, *op;
	struct srv_text out = {0};
	lq_time now = lq_os_now();
	enum lq_store_rc rc;
	int64_t seq = 0;
	size_t i = 0;

	if (!body)
		return;
	ops = json_object_get(body, "ops");
	if (!json_is_array(ops)) {
		srv_error(r, 400, "bad_request", "ops: expected an array");
		goto out;
	}
	if (json_array_size(ops) > OPS_MAX) {
		srv_error(r, 413, "too_large", "ops: more than %d ops in one request", OPS_MAX);
		goto out;
	}
	if (!ops_valid(ops, r))
		goto out;
	/* {"results":[...]} is joined from the results' texts: an applied op's
	 * text is the one stored for replays, never encoded twice. */
	srv_text_lit(&out, "{\"results\":[");
	/* One transaction per request, a savepoint per op: one commit (one
	 * fsync under synchronous=FULL) for the batch, before any result is
	 * sent, so every op answered "applied" is durable. */
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_begin(S->db);
	json_array_foreach(ops, i, op) {
		char *canon, *res = NULL;
		char hash[SRV_HASH_HEX];
		int status;

		if (rc != LQ_STORE_OK)
			break;
		canon = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
		if (canon) {
			srv_sha256_hex(canon, strlen(canon), hash);
			res = srv_op_apply(S, &q->caller, op, hash, now, &status, &seq);
			free(canon);
		}
		if (res && i > 0)
			srv_text_add(&out, ",", 1);
		if (res)
			srv_text_lit(&out, res);
		if (!res || out.nomem)
			rc = LQ_STORE_NOMEM;
		free(res);
	}
	if (rc == LQ_STORE_OK)
		rc = lq_srv_commit(S->db);
	if (rc != LQ_STORE_OK) {
		/* Nothing of the request stays: the client sends it again and
		 * gets the same answer (op ids make that safe). */
		lq_srv_rollback(S->db);
		pthread_mutex_unlock(&S->db_lock);
		free(out.p);
		srv_error(r, 503, "unavailable",
			  "ops[%zu]: the database is busy or out of memory", i);
		r->retry_after = 1;
		goto out;
	}
	pthread_mutex_unlock(&S->db_lock);
	if (seq > 0)
		srv_feed_grew(S, seq);
	srv_text_lit(&out, "]}");
	if (out.nomem) {
		/* Committed: a retry of the same request answers from ops_applied. */
		free(out.p);
		srv_error(r, 503, "unavailable", "out of memory");
		r->retry_after = 1;
		goto out;
	}
	r->status = 200;
	r->raw = out.p;
	r->raw_len = out.len;
out:
	json_decref(body);
}

/* --- POST /leads --------------------------------------------------------------------- */

void srv_api_leads(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	json_t *body = parse_body(q, r), *leads, *results, *in;
	lq_time now = lq_os_now();
	char err[300];
	int64_t seq = 0;
	size_t i;

	if (!body)
		return;
	leads = json_object_get(body, "leads");
	if (!json_is_array(leads)) {
		srv_error(r, 400, "bad_request", "leads: expected an array");
		goto out;
	}
	if (json_array_size(leads) > OPS_MAX) {
		srv_error(r, 413, "too_large", "leads: more than %d leads in one request", OPS_MAX);
		goto out;
	}
	results = json_array();
	if (!results) {
		srv_error(r, 503, "unavailable", "out of memory");
		goto out;
	}
	pthread_mutex_lock(&S->db_lock);
	json_array_foreach(leads, i, in) {
		int status = 503;
		json_t *res = srv_intake_lead(S, q->key_name, in, i, now, &status, &seq, err,
					      sizeof err);

		if (!res || json_array_append_new(results, res) != 0) {
			pthread_mutex_unlock(&S->db_lock);
			/* The leads before this one are in (each its own transaction). */
			if (seq > 0)
				srv_feed_grew(S, seq);
			json_decref(results);
			if (status == 400)
				srv_error(r, 400, "bad_request", "%s", err);
			else
				srv_error(r, 503, "unavailable", "leads[%zu]: %s", i, err);
			if (status != 400)
				r->retry_after = 1;
			goto out;
		}
	}
	pthread_mutex_unlock(&S->db_lock);
	if (seq > 0)
		srv_feed_grew(S, seq);
	r->status = 200;
	r->body = json_pack("{s:o}", "results", results);
out:
	json_decref(body);
}

/* --- GET /reps/{id}/freebusy ---------------------------------------------------- */

struct busy_list {
	struct lq_interval *v;
	size_t n, cap;
	bool nomem;
};

static int busy_collect(void *ctx, const struct lq_appt *a)
{
	struct busy_list *b = ctx;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct lq_interval *grown = lq_realloc(b->v, cap * sizeof *grown);

		if (!grown) {
			b->nomem = true;
			return 1;
		}
		b->v = grown;
		b->cap = cap;
	}
	/* Free/busy only: no lead, no notes. */
	b->v[b->n].start = a->start;
	b->v[b->n].end = a->end;
	b->n++;
	return 0;
}

#define FREEBUSY_DAYS_MAX 31
#define FREEBUSY_SLOTS_MAX 500

void srv_api_freebusy(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	const char *from_text = srv_query(q, "from"), *to_text = srv_query(q, "to");
	const char *minutes_text = srv_query(q, "minutes");
	lq_time now = lq_os_now(), from = now, to;
	long minutes = 30;
	struct busy_list busy = { NULL, 0, 0, false };
	struct lq_interval slots[FREEBUSY_SLOTS_MAX];
	struct lq_freebusy fb;
	struct lq_calendar cal;
	struct lq_sla_policy policy;
	struct lq_user rep;
	struct lq_team team;
	enum lq_store_rc rc;
	size_t nslots;

	lq_user_init(&rep);
	lq_team_init(&team);
	if (from_text && !lq_time_parse(from_text, &from)) {
		srv_error(r, 400, "bad_request", "from: expected an RFC 3339 time");
		goto out;
	}
	to = from + 7 * LQ_DAY;
	if (to_text && !lq_time_parse(to_text, &to)) {
		srv_error(r, 400, "bad_request", "to: expected an RFC 3339 time");
		goto out;
	}
	if (to <= from || to - from > FREEBUSY_DAYS_MAX * LQ_DAY) {
		srv_error(r, 400, "bad_request", "to: after from, at most %d days on",
			  FREEBUSY_DAYS_MAX);
		goto out;
	}
	if (minutes_text && !parse_int(minutes_text, 5, 480, &minutes)) {
		srv_error(r, 400, "bad_request", "minutes: expected 5..480");
		goto out;
	}
	pthread_mutex_lock(&S->db_lock);
	rc = lq_uuid_valid(q->path_id) ? lq_srv_user_get(S->db, q->path_id, false, &rep, NULL, NULL)
				       : LQ_STORE_NOTFOUND;
	if (rc == LQ_STORE_OK && (!rep.active || (rep.role != LQ_ROLE_REP &&
						  rep.role != LQ_ROLE_LEAD)))
		rc = LQ_STORE_NOTFOUND;
	if (rc == LQ_STORE_OK && rep.team_id)
		rc = lq_srv_team_get(S->db, rep.team_id, false, &team, NULL);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_appt_busy(S->db, rep.id, from, to, false, busy_collect, &busy);
	if (rc == LQ_STORE_OK)
		srv_team_calendar(S, rep.team_id, &cal, &policy);
	pthread_mutex_unlock(&S->db_lock);
	if (rc == LQ_STORE_NOTFOUND) {
		srv_error(r, 404, "not_found", "no active rep with this id");
		goto out;
	}
	if (rc != LQ_STORE_OK || busy.nomem) {
		srv_error(r, 503, "unavailable", "the database is busy or out of memory");
		r->retry_after = 1;
		goto out;
	}
	nslots = lq_freebusy_slots(&cal, from, to, (int)minutes, 30, now, busy.v, busy.n, slots,
				   FREEBUSY_SLOTS_MAX);
	/* The answer borrows the rows' strings: not cleared. */
	lq_freebusy_init(&fb);
	memcpy(fb.rep_id, rep.id, LQ_UUID_SIZE);
	fb.rep_name = rep.name;
	fb.rep_tz = rep.tz;
	fb.cal_tz = team.tz;
	fb.cal_hours = team.hours;
	fb.cal_holidays = team.holidays;
	fb.from = from;
	fb.to = to;
	fb.minutes = (int)minutes;
	fb.busy = busy.v;
	fb.nbusy = busy.n;
	fb.free = slots;
	fb.nfree = nslots < FREEBUSY_SLOTS_MAX ? nslots : FREEBUSY_SLOTS_MAX;
	fb.more = nslots > FREEBUSY_SLOTS_MAX;
	r->body = lq_freebusy_to_json(&fb);
	if (!r->body) {
		srv_error(r, 503, "unavailable", "out of memory");
		goto out;
	}
	r->status = 200;
out:
	lq_free(busy.v);
	lq_user_clear(&rep);
	lq_team_clear(&team);
}

/* --- GET /leads/{id}/proposal ------------------------------------------------------ */

void srv_api_proposal(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	struct lq_srv_lead_head head;
	struct lq_srv_team_rules tr;
	struct lq_user rep;
	enum lq_store_rc rc;
	const char *how = "round_robin";
	bool found = false;

	lq_user_init(&rep);
	pthread_mutex_lock(&S->db_lock);
	rc = lq_uuid_valid(q->path_id) ? lq_srv_lead_head(S->db, q->path_id, &head, NULL)
				       : LQ_STORE_NOTFOUND;
	/* Only for whom the lead is in view; otherwise as if it did not exist. */
	if (rc == LQ_STORE_OK && (!lq_srv_scope_sees_lead(&q->caller.scope, head.owner_id,
							  head.team_id) || !head.team_id[0]))
		rc = LQ_STORE_NOTFOUND;
	if (rc == LQ_STORE_OK)
		rc = lq_srv_team_rules_get(S->db, head.team_id, &tr);
	if (rc == LQ_STORE_OK && tr.routing == LQ_ROUTE_SINGLE_CONTACT && tr.dispatcher_id[0]) {
		rc = lq_srv_user_get(S->db, tr.dispatcher_id, false, &rep, NULL, NULL);
		found = rc == LQ_STORE_OK && rep.active;
		how = "single_contact";
		if (!found) {
			lq_user_clear(&rep);
			rc = rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
		}
	}
	if (rc == LQ_STORE_OK && !found) {
		how = "round_robin";
		rc = srv_pick_rep(S, head.team_id, NULL, true, &rep, &found);
	}
	pthread_mutex_unlock(&S->db_lock);
	if (rc == LQ_STORE_NOTFOUND)
		srv_error(r, 404, "not_found", "no such lead");
	else if (rc != LQ_STORE_OK)
		srv_error(r, 503, "unavailable", "the database is busy or out of memory");
	else if (!found)
		srv_error(r, 404, "no_rep", "no rep of the lead's team has room");
	else if (!(r->body = json_pack("{s:{s:s, s:s?, s:s?, s:s?}, s:s}", "rep", "id", rep.id,
				       "login", rep.login, "name", rep.name, "tz", rep.tz,
				       "how", how)))
		srv_error(r, 503, "unavailable", "out of memory");
	else
		r->status = 200;
	lq_user_clear(&rep);
}

/* --- iCalendar: GET /reps/{id}/calendar.ics?token=, GET /appointments/{id}.ics --- */

/* What a calendar application shows of an appointment: the mode and the
 * lead, the notes and how to reach them, the place of a visit.  In the
 * server's language. */
struct ics_item {
	struct lq_appt appt;
	char summary[300], description[1200], location[300];
};

struct ics_list {
	struct srv *S;
	struct ics_item *v;
	size_t n, cap;
	bool nomem;
	enum lq_store_rc rc;
};

static void ics_describe(struct srv *S, struct ics_item *it)
{
	struct lq_lead l;

	lq_lead_init(&l);
	if (lq_srv_lead_get(S->db, it->appt.lead_id, &l, NULL) != LQ_STORE_OK)
		lq_lead_init(&l);
	/* TRANSLATORS: a calendar entry: the kind of appointment, the lead, the company. */
	snprintf(it->summary, sizeof it->summary, _("%s: %s (%s)"),
		 _(lq_appt_mode_label(it->appt.mode)), l.name ? l.name : "-",
		 l.company ? l.company : "-");
	snprintf(it->description, sizeof it->description, "%s%s%s%s%s",
		 it->appt.notes ? it->appt.notes : "", it->appt.notes ? "\n" : "",
		 l.phone ? l.phone : "", l.phone && l.email ? "  " : "", l.email ? l.email : "");
	it->location[0] = '\0';
	if (it->appt.mode == LQ_APPT_VISIT)
		snprintf(it->location, sizeof it->location, "%s%s%s",
			 l.city ? l.city : "", l.city && l.region ? ", " : "",
			 l.region ? l.region : "");
	lq_lead_clear(&l);
}

static int ics_collect(void *ctx, const struct lq_appt *a)
{
	struct ics_list *li = ctx;
	struct ics_item *it;

	if (li->n == li->cap) {
		size_t cap = li->cap ? li->cap * 2 : 32;
		struct ics_item *grown = lq_realloc(li->v, cap * sizeof *grown);

		if (!grown) {
			li->nomem = true;
			return 1;
		}
		li->v = grown;
		li->cap = cap;
	}
	it = &li->v[li->n];
	it->appt = *a;
	it->appt.notes = a->notes ? lq_strdup(a->notes) : NULL;
	if (a->notes && !it->appt.notes) {
		li->nomem = true;
		return 1;
	}
	li->n++;
	return 0;
}

static void ics_answer(struct srv_resp *r, struct ics_list *li, const char *name, lq_time now)
{
	struct lq_ics_event *ev = lq_calloc(li->n + 1, sizeof *ev);
	char *text;

	for (size_t i = 0; ev && i < li->n; i++) {
		ev[i].appt = &li->v[i].appt;
		ev[i].summary = li->v[i].summary;
		ev[i].description = li->v[i].description[0] ? li->v[i].description : NULL;
		ev[i].location = li->v[i].location[0] ? li->v[i].location : NULL;
		ev[i].stamp = now;
	}
	text = ev ? lq_ics_write(name, ev, li->n) : NULL;
	lq_free(ev);
	if (!text) {
		srv_error(r, 503, "unavailable", "out of memory");
		return;
	}
	r->status = 200;
	r->raw = text;
	r->raw_len = strlen(text);
	r->content_type = "text/calendar; charset=utf-8";
}

static void ics_list_free(struct ics_list *li)
{
	for (size_t i = 0; i < li->n; i++)
		lq_free(li->v[i].appt.notes);
	lq_free(li->v);
}

#define CALENDAR_PAST_DAYS 30
#define CALENDAR_FUTURE_DAYS 365

void srv_api_rep_calendar(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	const char *token = srv_query(q, "token");
	struct ics_list li = { S, NULL, 0, 0, false, LQ_STORE_OK };
	char hash[SRV_HASH_HEX], name[200];
	struct lq_user rep;
	lq_time now = lq_os_now();
	bool ok = false;
	enum lq_store_rc rc;

	lq_user_init(&rep);
	if (!token || !*token || !lq_uuid_valid(q->path_id)) {
		srv_error(r, 404, "not_found", "no such calendar");
		return;
	}
	srv_sha256_hex(token, strlen(token), hash);
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_calendar_token_check(S->db, q->path_id, hash, &ok);
	if (rc == LQ_STORE_OK && ok)
		rc = lq_srv_user_get(S->db, q->path_id, false, &rep, NULL, NULL);
	if (rc == LQ_STORE_OK && ok)
		rc = lq_srv_appt_busy(S->db, q->path_id, now - CALENDAR_PAST_DAYS * LQ_DAY,
				      now + CALENDAR_FUTURE_DAYS * LQ_DAY, true, ics_collect, &li);
	for (size_t i = 0; rc == LQ_STORE_OK && ok && i < li.n; i++)
		ics_describe(S, &li.v[i]);
	pthread_mutex_unlock(&S->db_lock);
	/* A wrong token looks like no calendar at all. */
	if (rc == LQ_STORE_OK && !ok)
		srv_error(r, 404, "not_found", "no such calendar");
	else if (rc != LQ_STORE_OK || li.nomem)
		srv_error(r, 503, "unavailable", "the database is busy or out of memory");
	else {
		/* TRANSLATORS: the name of a rep's calendar in calendar applications. */
		snprintf(name, sizeof name, _("leadq: %s"), rep.name ? rep.name : rep.login);
		ics_answer(r, &li, name, now);
	}
	ics_list_free(&li);
	lq_user_clear(&rep);
}

void srv_api_appt_ics(struct srv *S, struct srv_req *q, struct srv_resp *r)
{
	struct ics_list li = { S, NULL, 0, 0, false, LQ_STORE_OK };
	struct lq_srv_lead_head head;
	struct lq_appt a;
	enum lq_store_rc rc;

	lq_appt_init(&a);
	pthread_mutex_lock(&S->db_lock);
	rc = lq_uuid_valid(q->path_id) ? lq_srv_appt_get(S->db, q->path_id, &a) : LQ_STORE_NOTFOUND;
	if (rc == LQ_STORE_OK)
		rc = lq_srv_lead_head(S->db, a.lead_id, &head, NULL);
	/* Only for whom the lead is in view; otherwise as if it did not exist. */
	if (rc == LQ_STORE_OK && !lq_srv_scope_sees_lead(&q->caller.scope, head.owner_id,
							 head.team_id))
		rc = LQ_STORE_NOTFOUND;
	if (rc == LQ_STORE_OK && ics_collect(&li, &a) == 0)
		ics_describe(S, &li.v[0]);
	pthread_mutex_unlock(&S->db_lock);
	if (rc == LQ_STORE_NOTFOUND)
		srv_error(r, 404, "not_found", "no such appointment");
	else if (rc != LQ_STORE_OK || li.nomem)
		srv_error(r, 503, "unavailable", "the database is busy or out of memory");
	else
		ics_answer(r, &li, NULL, lq_os_now());
	ics_list_free(&li);
	lq_appt_clear(&a);
}
