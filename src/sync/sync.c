/* leadq — the client's sync engine on libcurl's multi interface (see
 * include/leadq/sync.h and share/doc/design-notes.md, "Sync"). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "leadq/codec.h"
#include "leadq/jscan.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "leadq/sync.h"

#define BODY_MAX (64u * 1024 * 1024)   /* a page of 5,000 changes fits */
/* The most the API allows: an initial sync of 145,000 feed rows is 29 round
 * trips and 29 commits instead of 145. */
#define PULL_LIMIT 5000
#define BUF_KEEP (1024u * 1024)        /* larger bodies are not kept once caught up */
#define BACKOFF_MAX_MS 60000
#define OUTBOX_LOOK_MS 1000            /* how often an idle engine looks for due ops */
#define GET_BODY_MAX (4u * 1024 * 1024)  /* a month of free slots is far less */

/* --- the buffer ------------------------------------------------------------ */

void lq_buf_init(struct lq_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

enum lq_buf_rc lq_buf_add(struct lq_buf *b, const void *data, size_t len)
{
	size_t need;

	if (len > b->max || b->len > b->max - len)
		return LQ_BUF_TOO_LARGE;
	need = b->len + len + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		p = lq_realloc(b->data, cap);
		if (!p)
			return LQ_BUF_NOMEM;
		b->data = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return LQ_BUF_OK;
}

void lq_buf_reset(struct lq_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void lq_buf_free(struct lq_buf *b)
{
	lq_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* --- the server's address --------------------------------------------------- */

static bool loopback_host(const char *h)
{
	return strncmp(h, "localhost", 9) == 0 || strncmp(h, "127.", 4) == 0 ||
	       strncmp(h, "[::1]", 5) == 0;
}

char *lq_sync_base_url(const char *server)
{
	size_t n;
	char *url;

	if (!server || !server[0])
		return NULL;
	if (strstr(server, "://"))
		url = lq_strdup(server);
	else
		url = lq_os_asprintf("%s://%s", loopback_host(server) ? "http" : "https", server);
	if (!url)
		return NULL;
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		url[--n] = '\0';
	return url;
}

/* --- requests --------------------------------------------------------------- */

enum req_kind { REQ_PUSH, REQ_PULL };

/* What a push sent, to match the answers and apply them. */
struct sent_op {
	char id[LQ_UUID_SIZE];
	char lead_id[LQ_UUID_SIZE];
	char kind[16];
	int64_t seq, base_version;
};

struct req {
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	struct lq_buf resp;
	bool active;
	struct sent_op *ops;
	size_t nops;
	bool pull_waits;         /* a long poll */
	char errbuf[CURL_ERROR_SIZE];
};

/* A one-off GET (lq_sync_get); free when !r.active. */
struct get_req {
	struct req r;
	int id;
	lq_sync_get_cb cb;
	void *ctx;
};

/* Alerts kept per page; a page with more (a burst) tells the first ones. */
#define ALERTS_MAX 64

struct lq_sync {
	struct lq_store *store;
	CURLM *multi;
	char *base;
	char *auth;              /* "Authorization: Bearer …" */
	int wait_s, batch;
	int batch_max;                  /* the configured batch: growth stops there */
	bool once;
	lq_sync_problem_cb on_problem;
	lq_sync_alert_cb on_alert;
	void *ctx;

	struct req push, pull;
	struct get_req gets[LQ_SYNC_GETS_MAX];
	int last_get_id;
	bool initial_pull;           /* the pages of a pull from an empty cursor */
	struct alert {               /* what the page being applied brought */
		enum lq_alert_kind kind;
		char lead_id[LQ_UUID_SIZE];
	} alerts[ALERTS_MAX];
	int nalerts;
	struct lq_buf page;          /* the pull answer being applied (swapped with pull.resp) */
	bool push_done, pull_more;   /* once: phases */
	bool pulled_once;            /* the first page since start came back */
	bool repull;                 /* a rejected op: pull the view again from the start */
	bool stopped;
	int64_t next_try_ms;         /* backoff: nothing starts before */
	int64_t next_look_ms;        /* next look at the outbox */
	bool finished;               /* a transfer ended after the last look at curl's queue */
	int failures;
	struct lq_sync_status st;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct req *r = userp;
	size_t n = size * nmemb;

	return lq_buf_add(&r->resp, data, n) == LQ_BUF_OK ? n : 0;
}

static void req_end(struct lq_sync *s, struct req *r)
{
	if (r->easy) {
		if (r->active)
			curl_multi_remove_handle(s->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	free(r->body);
	r->body = NULL;
	lq_buf_reset(&r->resp);   /* kept for the next request: no realloc ladder per page */
	lq_free(r->ops);
	r->ops = NULL;
	r->nops = 0;
	r->active = false;
}

/* Starts a request; body NULL is a GET.  Takes body. */
static bool req_start(struct lq_sync *s, struct req *r, const char *url, char *body,
		      long timeout_s)
{
	struct curl_slist *h;

	lq_buf_reset(&r->resp);
	r->body = body;
	r->easy = curl_easy_init();
	if (!r->easy)
		goto fail;
	h = curl_slist_append(NULL, s->auth);
	if (h)
		r->headers = h;
	if (h && body) {
		h = curl_slist_append(r->headers, "Content-Type: application/json");
		if (h)
			r->headers = h;
	}
	if (!h)
		goto fail;
	r->errbuf[0] = '\0';
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	if (body) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	if (curl_multi_add_handle(s->multi, r->easy) != CURLM_OK)
		goto fail;
	r->active = true;
	return true;
fail:
	req_end(s, r);
	snprintf(s->st.error, sizeof s->st.error, "%s", "out of memory");
	return false;
}

/* --- outcomes ------------------------------------------------------------------ */

static void succeeded(struct lq_sync *s)
{
	s->failures = 0;
	s->next_try_ms = 0;
	s->st.online = true;
	s->st.last_ok = lq_os_now();
	s->st.error[0] = '\0';
}

/* A failed exchange: offline, and nothing starts again before the backoff
 * (1 s, 2 s, 4 s … 60 s, each cut by a random part of up to half so that
 * many clients do not come back together). */
static void failed(struct lq_sync *s, const char *why)
{
	int64_t delay = 1000;
	uint32_t r = 0;

	snprintf(s->st.error, sizeof s->st.error, "%s", why);
	s->st.online = false;
	if (s->once) {
		s->st.done = true;
		s->st.failed = true;
		return;
	}
	if (s->failures < 16)
		s->failures++;
	for (int i = 1; i < s->failures && delay < BACKOFF_MAX_MS; i++)
		delay *= 2;
	if (delay > BACKOFF_MAX_MS)
		delay = BACKOFF_MAX_MS;
	lq_os_random(&r, sizeof r);
	delay -= (int64_t)(r % (uint32_t)(delay / 2 + 1));
	if (delay < 1000)
		delay = 1000;
	s->next_try_ms = mono_ms() + delay;
}

static void auth_failed(struct lq_sync *s)
{
	s->stopped = true;
	s->st.auth_failed = true;
	s->st.online = false;
	snprintf(s->st.error, sizeof s->st.error, "%s",
		 "the server refused the stored token (401): log in again");
	if (s->once) {
		s->st.done = true;
		s->st.failed = true;
	}
}

/* The server's one-line reason from {"error": {"code", "message"}}. */
static void error_text(json_t *err, char *buf, size_t size)
{
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *msg = json_string_value(json_object_get(err, "message"));

	snprintf(buf, size, "%s%s%s", code ? code : "error", msg ? ": " : "", msg ? msg : "");
}

static void http_failure(struct lq_sync *s, const struct lq_buf *body, long status,
			 const char *what)
{
	char why[256], detail[160];
	json_t *j = body->data ? json_loadb(body->data, body->len, 0, NULL) : NULL;

	detail[0] = '\0';
	if (j && json_object_get(j, "error"))
		error_text(json_object_get(j, "error"), detail, sizeof detail);
	json_decref(j);
	snprintf(why, sizeof why, "%s: HTTP %ld%s%s", what, status, detail[0] ? ": " : "", detail);
	failed(s, why);
}

/* --- push --------------------------------------------------------------------- */

struct batch {
	struct lq_sync *s;
	json_t *ops;
	struct sent_op *sent;
	size_t n, max;
	char deferred[64][LQ_UUID_SIZE];   /* leads whose later ops wait */
	size_t ndeferred;
	bool nomem;
};

static bool status_kind(const char *kind)
{
	return strcmp(kind, "set_status") == 0 || strcmp(kind, "undo") == 0;
}

static bool is_deferred(const struct batch *b, const char *lead)
{
	for (size_t i = 0; i < b->ndeferred; i++)
		if (strcmp(b->deferred[i], lead) == 0)
			return true;
	return false;
}

/* Two status changes of one lead never go in one batch: the second was made
 * on the first's result, whose version the server gives only in its answer
 * (lq_store_apply_op_lead moves it there).  Later ops of that lead wait too,
 * so a lead's ops reach the server in order. */
static int add_op(void *ctx, const struct lq_outbox_op *op)
{
	struct batch *b = ctx;
	char at[LQ_RFC3339_SIZE];
	json_t *o, *args;

	if (b->n >= b->max)
		return 1;
	if (is_deferred(b, op->lead_id))
		return 0;
	if (status_kind(op->kind)) {
		for (size_t i = 0; i < b->n; i++) {
			if (strcmp(b->sent[i].lead_id, op->lead_id) == 0 &&
			    status_kind(b->sent[i].kind)) {
				if (b->ndeferred >= sizeof b->deferred / sizeof b->deferred[0])
					return 1;
				memcpy(b->deferred[b->ndeferred++], op->lead_id, LQ_UUID_SIZE);
				return 0;
			}
		}
	}
	args = json_loads(op->args ? op->args : "{}", 0, NULL);
	if (!args)
		args = json_object();
	lq_time_format(op->at, 0, at);
	o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:o}", "id", op->id, "kind", op->kind,
		      "lead", op->lead_id, "base_version", (json_int_t)op->base_version,
		      "at", at, "args", args);
	if (!o || json_array_append_new(b->ops, o) != 0) {
		b->nomem = true;
		return 1;
	}
	memcpy(b->sent[b->n].id, op->id, LQ_UUID_SIZE);
	memcpy(b->sent[b->n].lead_id, op->lead_id, LQ_UUID_SIZE);
	snprintf(b->sent[b->n].kind, sizeof b->sent[b->n].kind, "%s", op->kind);
	b->sent[b->n].seq = op->seq;
	b->sent[b->n].base_version = op->base_version;
	b->n++;
	return 0;
}

static bool start_push(struct lq_sync *s)
{
	struct batch b;
	json_t *body;
	char *text, *url;
	enum lq_store_rc rc;

	memset(&b, 0, sizeof b);
	b.s = s;
	b.max = (size_t)s->batch;
	b.ops = json_array();
	b.sent = lq_calloc(b.max, sizeof *b.sent);
	if (!b.ops || !b.sent)
		goto nomem;
	rc = lq_store_outbox_sendable(s->store, lq_os_now(), 0, add_op, &b);
	if (rc != LQ_STORE_OK || b.nomem) {
		snprintf(s->st.error, sizeof s->st.error, "outbox: %s",
			 b.nomem ? "out of memory" : lq_store_errmsg(s->store));
		goto out;
	}
	if (b.n == 0)
		goto out;
	/* On disk as sent before the request leaves: an undo from now on
	 * queues an undo op instead of cancelling one that may have arrived. */
	if (lq_store_begin(s->store) != LQ_STORE_OK)
		goto dbfail;
	for (size_t i = 0; i < b.n; i++) {
		if (lq_store_outbox_mark(s->store, b.sent[i].id, "sent", NULL) != LQ_STORE_OK) {
			lq_store_rollback(s->store);
			goto dbfail;
		}
	}
	if (lq_store_commit(s->store) != LQ_STORE_OK)
		goto dbfail;
	body = json_pack("{s:o}", "ops", b.ops);
	b.ops = NULL;
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	url = lq_os_asprintf("%s/api/v1/ops", s->base);
	if (!text || !url) {
		free(text);
		free(url);
		goto nomem;
	}
	s->push.ops = b.sent;
	s->push.nops = b.n;
	b.sent = NULL;
	if (!req_start(s, &s->push, url, text, 120)) {
		free(url);
		return false;
	}
	free(url);
	return true;
dbfail:
	snprintf(s->st.error, sizeof s->st.error, "outbox: %s", lq_store_errmsg(s->store));
	goto out;
nomem:
	snprintf(s->st.error, sizeof s->st.error, "%s", "out of memory");
out:
	json_decref(b.ops);
	lq_free(b.sent);
	return false;
}

static const struct sent_op *find_sent(const struct req *r, const char *id)
{
	for (size_t i = 0; i < r->nops; i++)
		if (strcmp(r->ops[i].id, id) == 0)
			return &r->ops[i];
	return NULL;
}

static void report_problem(struct lq_sync *s, const struct sent_op *so, const char *result,
			   const char *message, const struct lq_lead *server_lead)
{
	struct lq_sync_problem p;
	struct lq_lead cached;
	const char *name = server_lead && server_lead->name ? server_lead->name : NULL;

	lq_lead_init(&cached);
	if (!name && lq_store_get_lead(s->store, so->lead_id, &cached) == LQ_STORE_OK)
		name = cached.name;
	snprintf(s->st.problem, sizeof s->st.problem, "%s: %s %s: %s",
		 name ? name : so->lead_id, so->kind, result, message);
	if (s->on_problem) {
		memset(&p, 0, sizeof p);
		p.op_id = so->id;
		p.kind = so->kind;
		p.lead_id = so->lead_id;
		p.lead_name = name;
		p.result = result;
		p.message = message;
		s->on_problem(s->ctx, &p);
	}
	lq_lead_clear(&cached);
}

static void conflict_text(const struct lq_lead *l, const char *msg, char *buf, size_t size)
{
	if (l)
		snprintf(buf, size, "%s (the server has it %s, version %lld)", msg,
			 lq_status_wire(l->status), (long long)l->version);
	else
		snprintf(buf, size, "%s", msg);
}

/* One op's answer; inside the batch's transaction. */
static enum lq_store_rc apply_result(struct lq_sync *s, const struct sent_op *so, json_t *res,
				     bool *changed)
{
	const char *result = json_string_value(json_object_get(res, "result"));
	json_t *jl = json_object_get(res, "lead");
	struct lq_outbox_op op;
	struct lq_lead lead;
	bool have_lead = false, stored = false;
	char why[256], msg[200];
	enum lq_store_rc rc;

	lq_lead_init(&lead);
	if (jl && json_is_object(jl))
		have_lead = lq_lead_from_json(jl, &lead, msg, sizeof msg);
	memset(&op, 0, sizeof op);
	op.seq = so->seq;
	op.base_version = so->base_version;
	memcpy(op.id, so->id, LQ_UUID_SIZE);
	memcpy(op.lead_id, so->lead_id, LQ_UUID_SIZE);
	if (!result) {
		rc = LQ_STORE_OK;   /* no verdict: stays sent, goes again */
	} else if (strcmp(result, "applied") == 0 || strcmp(result, "duplicate") == 0) {
		rc = lq_store_outbox_mark(s->store, so->id, result, NULL);
		if (rc == LQ_STORE_OK && have_lead)
			rc = lq_store_apply_op_lead(s->store, &op, &lead, &stored);
		/* The op took the lead out of this user's view (a booking for a
		 * rep): the feed's removal may have come while it was outstanding. */
		if (rc == LQ_STORE_OK && json_is_true(json_object_get(res, "removed"))) {
			rc = lq_store_remove_lead(s->store, so->lead_id);
			stored = true;
		}
	} else if (strcmp(result, "conflict") == 0) {
		error_text(json_object_get(res, "error"), msg, sizeof msg);
		conflict_text(have_lead ? &lead : NULL, msg, why, sizeof why);
		rc = lq_store_outbox_mark(s->store, so->id, "conflict", why);
		if (rc == LQ_STORE_OK && have_lead)
			rc = lq_store_apply_op_lead(s->store, &op, &lead, &stored);
		s->st.conflicts++;
		report_problem(s, so, "conflict", why, have_lead ? &lead : NULL);
	} else {
		error_text(json_object_get(res, "error"), why, sizeof why);
		rc = lq_store_outbox_mark(s->store, so->id, "rejected", why);
		/* The server never had this op's effect: its copy must win again. */
		if (rc == LQ_STORE_OK)
			rc = lq_store_lead_forget_version(s->store, so->lead_id);
		s->repull = true;
		s->st.rejected++;
		report_problem(s, so, "rejected", why, NULL);
	}
	if (stored)
		*changed = true;
	lq_lead_clear(&lead);
	return rc;
}

static void push_done(struct lq_sync *s, long status)
{
	struct req *r = &s->push;
	json_t *j, *results;
	bool changed = false;
	size_t i;

	if (status == 401) {
		auth_failed(s);
		return;
	}
	if (status == 413 && s->batch > 1) {
		s->batch /= 2;   /* the ops go again, in smaller batches */
		return;
	}
	if (status == 400 && r->nops > 1 && s->batch > 1) {
		s->batch = 1;    /* find the op at fault */
		return;
	}
	if (status == 400 && r->nops == 1) {
		char why[200];
		json_t *e = json_loads(r->resp.data ? r->resp.data : "", 0, NULL);

		error_text(json_object_get(e, "error"), why, sizeof why);
		json_decref(e);
		if (lq_store_outbox_mark(s->store, r->ops[0].id, "rejected", why) == LQ_STORE_OK) {
			s->st.rejected++;
			report_problem(s, &r->ops[0], "rejected", why, NULL);
		}
		succeeded(s);
		return;
	}
	if (status != 200) {
		http_failure(s, &r->resp, status, "push");
		return;
	}
	j = json_loads(r->resp.data ? r->resp.data : "", 0, NULL);
	results = json_object_get(j, "results");
	if (!json_is_array(results)) {
		json_decref(j);
		failed(s, "push: the server's answer has no results");
		return;
	}
	if (lq_store_begin(s->store) != LQ_STORE_OK) {
		json_decref(j);
		failed(s, lq_store_errmsg(s->store));
		return;
	}
	for (i = 0; i < json_array_size(results); i++) {
		json_t *res = json_array_get(results, i);
		const char *id = json_string_value(json_object_get(res, "id"));
		const struct sent_op *so = id ? find_sent(r, id) : NULL;

		if (so && apply_result(s, so, res, &changed) != LQ_STORE_OK)
			break;
	}
	json_decref(j);
	if (i < json_array_size(results) || lq_store_commit(s->store) != LQ_STORE_OK) {
		char why[256];

		snprintf(why, sizeof why, "cache: %s", lq_store_errmsg(s->store));
		if (i < json_array_size(results))
			lq_store_rollback(s->store);
		failed(s, why);
		return;
	}
	if (changed)
		s->st.generation++;
	if (s->batch < s->batch_max && status == 200)
		s->batch = s->batch * 2 > s->batch_max ? s->batch_max : s->batch * 2;
	succeeded(s);
	s->next_look_ms = 0;   /* more may be due */
}

/* --- pull --------------------------------------------------------------------- */

static bool start_pull_at(struct lq_sync *s, const char *cursor, int wait)
{
	char *esc, *url;
	bool ok;

	esc = curl_easy_escape(NULL, cursor ? cursor : "", 0);
	if (!esc) {
		snprintf(s->st.error, sizeof s->st.error, "%s", "out of memory");
		return false;
	}
	url = lq_os_asprintf("%s/api/v1/changes?since=%s&limit=%d&wait=%d", s->base, esc,
			     PULL_LIMIT, wait);
	curl_free(esc);
	if (!url) {
		snprintf(s->st.error, sizeof s->st.error, "%s", "out of memory");
		return false;
	}
	s->pull.pull_waits = wait > 0;
	if (!cursor || !*cursor)
		s->initial_pull = true;
	ok = req_start(s, &s->pull, url, NULL, wait + 60L);
	free(url);
	return ok;
}

/* The long poll only once caught up: never on the first page nor while
 * `more` (an initial pull must not wait on the server). */
static bool start_pull(struct lq_sync *s)
{
	char *cursor = NULL;
	int wait = (s->once || s->pull_more || !s->pulled_once) ? 0 : s->wait_s;
	bool ok;

	if (s->repull) {
		s->repull = false;
		lq_store_meta_set(s->store, "cursor", "");
	}
	if (lq_store_meta_get(s->store, "cursor", &cursor) != LQ_STORE_OK) {
		lq_free(cursor);
		cursor = NULL;
	}
	ok = start_pull_at(s, cursor, wait);
	lq_free(cursor);
	return ok;
}

static void save_last_sync(struct lq_sync *s)
{
	char t[LQ_RFC3339_SIZE];

	if (s->st.online && s->st.last_ok != LQ_TIME_NONE)
		lq_store_meta_set(s->store, "last_sync", lq_time_format(s->st.last_ok, 0, t));
}

static void note_alert(struct lq_sync *s, enum lq_alert_kind kind, const char *lead_id)
{
	if (s->initial_pull || !s->on_alert || s->nalerts >= ALERTS_MAX)
		return;
	s->alerts[s->nalerts].kind = kind;
	snprintf(s->alerts[s->nalerts].lead_id, LQ_UUID_SIZE, "%s", lead_id);
	s->nalerts++;
}

/* A change's entity is read from its text by the codec (lq_*_from_text):
 * no jansson tree per change. */
static enum lq_store_rc apply_change(struct lq_sync *s, struct lq_jobj *c, bool *changed,
				     char *why, size_t whysize)
{
	const struct lq_jval *jtype = lq_jobj_get(c, "type"), *jid = lq_jobj_get(c, "id");
	const struct lq_jval *jversion = lq_jobj_get(c, "version");
	const struct lq_jval *data = lq_jobj_get(c, "data");
	const struct lq_jval *removed = lq_jobj_get(c, "removed");
	const char *type = jtype && jtype->type == LQ_JSTRING ? jtype->s : NULL;
	const char *id = jid && jid->type == LQ_JSTRING ? jid->s : NULL;
	const char *text = data && data->type == LQ_JOBJECT ? data->raw : "null";
	size_t len = data && data->type == LQ_JOBJECT ? data->raw_len : 4;
	int64_t version = jversion && jversion->type == LQ_JINT ? jversion->i : 0;
	enum lq_store_rc rc = LQ_STORE_OK;
	bool stored = false;

	if (!type || !id)
		return LQ_STORE_OK;   /* nothing this client knows how to use */
	if (strcmp(type, "lead") == 0 && removed && removed->type == LQ_JTRUE) {
		rc = lq_store_remove_lead(s->store, id);
		stored = true;
	} else if (strcmp(type, "lead") == 0) {
		struct lq_lead l;
		int64_t cached;
		bool is_new;

		if (!lq_lead_from_text(text, len, &l, why, whysize))
			return LQ_STORE_INVALID;
		if (version > l.version)
			l.version = version;
		is_new = lq_store_version(s->store, LQ_ENTITY_LEAD, l.id, &cached) ==
			 LQ_STORE_NOTFOUND;
		rc = lq_store_apply_lead(s->store, &l, &stored);
		if (rc == LQ_STORE_OK && stored && is_new && l.status == LQ_STATUS_NEW)
			note_alert(s, LQ_ALERT_NEW_LEAD, l.id);
		lq_lead_clear(&l);
	} else if (strcmp(type, "activity") == 0) {
		struct lq_activity a;

		if (!lq_activity_from_text(text, len, &a, why, whysize))
			return LQ_STORE_INVALID;
		rc = lq_store_apply_activity(s->store, &a, version, &stored);
		if (rc == LQ_STORE_OK && stored && a.kind == LQ_ACT_ESCALATION)
			note_alert(s, LQ_ALERT_ESCALATION, a.lead_id);
		lq_activity_clear(&a);
	} else if (strcmp(type, "appointment") == 0) {
		struct lq_appt ap;

		if (!lq_appt_from_text(text, len, &ap, why, whysize))
			return LQ_STORE_INVALID;
		if (version > ap.version)
			ap.version = version;
		rc = lq_store_apply_appointment(s->store, &ap, &stored);
		lq_appt_clear(&ap);
	} else if (strcmp(type, "user") == 0) {
		struct lq_user u;

		if (!lq_user_from_text(text, len, &u, why, whysize))
			return LQ_STORE_INVALID;
		rc = lq_store_apply_user(s->store, &u, version, &stored);
		lq_user_clear(&u);
	} else if (strcmp(type, "team") == 0) {
		struct lq_team t;

		if (!lq_team_from_text(text, len, &t, why, whysize))
			return LQ_STORE_INVALID;
		rc = lq_store_apply_team(s->store, &t, version, &stored);
		lq_team_clear(&t);
	}
	if (stored)
		*changed = true;
	if (rc != LQ_STORE_OK)
		snprintf(why, whysize, "%s %s: %s", type, id, lq_store_errmsg(s->store));
	return rc;
}

/* A page is read one change at a time: building and freeing one jansson
 * tree of a whole page (tens of MB of small blocks) took a third of the
 * client's time, malloc_consolidate alone 6-10%.  The top level is walked by
 * skip_value(); each change and the cursor go through jansson, which
 * validates them; `more` is true only when it is the literal true.  A change
 * that is an object is parsed where it stands (jansson reports where it
 * ended), so its text is not scanned twice. */
static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* The end of the JSON value at p; NULL when it is cut or unbalanced. */
static const char *skip_value(const char *p, const char *end)
{
	const char *start = p;
	int depth = 0;

	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
		       *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		return p > start ? p : NULL;
	}
	while (p < end) {
		if (*p == '"') {
			p = skip_string(p, end);
			if (!p)
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

static bool key_is(const char *p, const char *key_end, const char *key)
{
	size_t n = strlen(key);

	return (size_t)(key_end - p) == n + 2 && memcmp(p + 1, key, n) == 0;
}

struct page {
	const char *changes, *changes_end;   /* the array, brackets included */
	json_t *cursor;                      /* a JSON string */
	bool more;
};

static bool page_read(const char *p, size_t len, struct page *pg)
{
	const char *end = p + len;

	memset(pg, 0, sizeof *pg);
	p = skip_ws(p, end);
	if (p >= end || *p != '{')
		return false;
	for (p = skip_ws(p + 1, end); p < end && *p != '}';) {
		const char *key = p, *key_end, *v, *v_end;

		if (*p != '"' || !(key_end = skip_string(p, end)))
			return false;
		p = skip_ws(key_end, end);
		if (p >= end || *p != ':')
			return false;
		v = skip_ws(p + 1, end);
		v_end = skip_value(v, end);
		if (!v_end)
			return false;
		if (key_is(key, key_end, "changes") && *v == '[') {
			pg->changes = v;
			pg->changes_end = v_end;
		} else if (key_is(key, key_end, "cursor") && !pg->cursor) {
			pg->cursor = json_loadb(v, (size_t)(v_end - v), JSON_DECODE_ANY, NULL);
		} else if (key_is(key, key_end, "more")) {
			pg->more = (size_t)(v_end - v) == 4 && memcmp(v, "true", 4) == 0;
		}
		p = skip_ws(v_end, end);
		if (p < end && *p == ',')
			p = skip_ws(p + 1, end);
		else if (p >= end || *p != '}')
			return false;
	}
	return p < end && pg->changes && json_is_string(pg->cursor);
}

enum page_item { PAGE_END, PAGE_CHANGE, PAGE_SKIP, PAGE_BAD };

/* The next change of the array into c.  A change that is not an object is
 * skipped; PAGE_BAD when the page is malformed. */
static enum page_item page_next(const char **pos, const char *end, struct lq_jobj *c)
{
	const char *p = skip_ws(*pos, end), *v_end;
	enum page_item item = PAGE_SKIP;

	if (p < end && *p == ']') {
		*pos = p + 1;
		return PAGE_END;
	}
	if (p < end && *p == '{') {
		size_t used;

		/* Read where it stands: the reader says where the object ended. */
		if (!lq_jobj_parse(c, p, (size_t)(end - p), &used, NULL, 0))
			return PAGE_BAD;
		v_end = p + used;
		item = PAGE_CHANGE;
	} else {
		v_end = skip_value(p, end);
		if (!v_end)
			return PAGE_BAD;
	}
	p = skip_ws(v_end, end);
	if (p < end && *p == ',') {
		p = skip_ws(p + 1, end);
		if (p < end && *p == ']')
			return PAGE_BAD;   /* [1,] is not JSON */
	} else if (p >= end || *p != ']') {
		return PAGE_BAD;
	}
	*pos = p;
	return item;
}

/* The page is in s->page; s->pull is free (the next page may start here). */
static void pull_done(struct lq_sync *s, long status)
{
	struct page pg = {0};
	struct lq_jobj change;   /* one change at a time, its buffers reused */
	const char *pos, *cursor;
	bool changed = false, ok = true;
	lq_time now;
	char why[256], now_text[LQ_RFC3339_SIZE];

	if (status == 401) {
		auth_failed(s);
		return;
	}
	if (status == 410) {
		/* Another epoch or a cursor past the kept history: pull it all again;
		 * the outbox stays. */
		if (lq_store_drop_view(s->store) != LQ_STORE_OK) {
			snprintf(why, sizeof why, "resync: %s", lq_store_errmsg(s->store));
			failed(s, why);
			return;
		}
		s->st.generation++;
		s->pull_more = true;
		succeeded(s);
		save_last_sync(s);
		return;
	}
	if (status != 200) {
		http_failure(s, &s->page, status, "pull");
		return;
	}
	if (!s->page.data || !page_read(s->page.data, s->page.len, &pg)) {
		json_decref(pg.cursor);
		failed(s, "pull: the server's answer has no changes or cursor");
		return;
	}
	cursor = json_string_value(pg.cursor);
	/* Pipelined: the next page is asked for before this one is applied, so
	 * the server builds it while this cache writes.  If this page does not
	 * commit, that request is dropped and the stored cursor asked again. */
	if (pg.more && !s->repull && !s->stopped && !s->pull.active) {
		int running = 0;

		if (start_pull_at(s, cursor, 0))
			curl_multi_perform(s->multi, &running);   /* send it now */
	}
	/* One page, one transaction: a crash keeps the old cursor and its page
	 * comes again. */
	if (lq_store_begin(s->store) != LQ_STORE_OK) {
		req_end(s, &s->pull);
		json_decref(pg.cursor);
		failed(s, lq_store_errmsg(s->store));
		return;
	}
	why[0] = '\0';
	pos = pg.changes + 1;
	s->nalerts = 0;
	lq_jobj_init(&change);
	for (;;) {
		enum lq_store_rc rc;
		enum page_item item = page_next(&pos, pg.changes_end, &change);

		if (item == PAGE_BAD) {
			snprintf(why, sizeof why, "%s", "pull: the server's answer is not valid JSON");
			ok = false;
			break;
		}
		if (item == PAGE_END)
			break;
		if (item == PAGE_SKIP)
			continue;
		rc = apply_change(s, &change, &changed, why, sizeof why);
		if (rc == LQ_STORE_INVALID) {
			/* A change this client cannot read is skipped, not fatal. */
			snprintf(s->st.problem, sizeof s->st.problem, "%s", why);
			continue;
		}
		if (rc != LQ_STORE_OK) {
			ok = false;
			break;
		}
	}
	lq_jobj_clear(&change);
	/* The time of this exchange goes with the page: no commit of its own. */
	now = lq_os_now();
	if (!ok || lq_store_meta_set(s->store, "cursor", cursor) != LQ_STORE_OK ||
	    lq_store_meta_set(s->store, "last_sync",
			      lq_time_format(now, 0, now_text)) != LQ_STORE_OK) {
		char msg[300];

		if (ok || strncmp(why, "pull:", 5) != 0)
			snprintf(msg, sizeof msg, "cache: %s",
				 why[0] ? why : lq_store_errmsg(s->store));
		else
			snprintf(msg, sizeof msg, "%s", why);
		lq_store_rollback(s->store);
		req_end(s, &s->pull);
		json_decref(pg.cursor);
		failed(s, msg);
		return;
	}
	json_decref(pg.cursor);
	if (lq_store_commit(s->store) != LQ_STORE_OK) {
		req_end(s, &s->pull);
		failed(s, lq_store_errmsg(s->store));
		return;
	}
	s->pull_more = pg.more;
	s->pulled_once = true;
	if (changed)
		s->st.generation++;
	/* On disk now: tell what the page brought. */
	for (int i = 0; i < s->nalerts; i++)
		s->on_alert(s->ctx, s->alerts[i].kind, s->alerts[i].lead_id);
	s->nalerts = 0;
	if (!pg.more)
		s->initial_pull = false;
	succeeded(s);
	s->st.last_ok = now;
	if (!pg.more) {
		/* Caught up: do not hold the memory of a big initial pull. */
		if (s->page.cap > BUF_KEEP)
			lq_buf_free(&s->page);
		if (!s->pull.active && s->pull.resp.cap > BUF_KEEP)
			lq_buf_free(&s->pull.resp);
	}
	if (s->once && !pg.more)
		s->st.done = true;
}

/* --- one-off GETs -------------------------------------------------------------- */

static int gets_active(const struct lq_sync *s)
{
	int n = 0;

	for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
		n += s->gets[i].r.active ? 1 : 0;
	return n;
}

static struct get_req *get_of(struct lq_sync *s, struct req *r)
{
	for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
		if (r == &s->gets[i].r)
			return &s->gets[i];
	return NULL;
}

static void get_forget(struct lq_sync *s, struct get_req *g)
{
	req_end(s, &g->r);
	g->id = 0;
	g->cb = NULL;
	g->ctx = NULL;
}

/* The slot is free before the callback runs (it may start another GET);
 * the answer's buffer is handed to the callback and freed after it. */
static void get_done(struct lq_sync *s, struct get_req *g, CURLcode result)
{
	lq_sync_get_cb cb = g->cb;
	void *ctx = g->ctx;
	struct lq_buf body = g->r.resp;
	long status = 0;
	char why[300];

	why[0] = '\0';
	if (result == CURLE_WRITE_ERROR) {
		snprintf(why, sizeof why, "%s", "the server's answer is too large");
	} else if (result != CURLE_OK) {
		snprintf(why, sizeof why, "%s",
			 g->r.errbuf[0] ? g->r.errbuf : curl_easy_strerror(result));
	} else {
		curl_easy_getinfo(g->r.easy, CURLINFO_RESPONSE_CODE, &status);
		if (status < 200 || status > 299) {
			char detail[200];
			json_t *j = body.data ? json_loadb(body.data, body.len, 0, NULL) : NULL;

			detail[0] = '\0';
			if (j && json_object_get(j, "error"))
				error_text(json_object_get(j, "error"), detail, sizeof detail);
			json_decref(j);
			snprintf(why, sizeof why, "HTTP %ld%s%s", status, detail[0] ? ": " : "",
				 detail);
		}
	}
	if (status == 0)
		body.len = 0;
	lq_buf_init(&g->r.resp, GET_BODY_MAX);
	get_forget(s, g);
	if (cb)
		cb(ctx, status, body.data && body.len ? body.data : "", body.len, why);
	lq_buf_free(&body);
}

int lq_sync_get(struct lq_sync *s, const char *path_and_query, lq_sync_get_cb cb, void *ctx)
{
	struct get_req *g = NULL;
	char *url;
	char keep[sizeof s->st.error];

	if (!s || !path_and_query || path_and_query[0] != '/' || !cb || s->stopped)
		return -1;
	for (int i = 0; i < LQ_SYNC_GETS_MAX && !g; i++)
		if (!s->gets[i].r.active)
			g = &s->gets[i];
	if (!g)
		return -1;
	url = lq_os_asprintf("%s%s", s->base, path_and_query);
	if (!url)
		return -1;
	if (g->r.resp.max == 0)
		lq_buf_init(&g->r.resp, GET_BODY_MAX);
	/* A GET that cannot start says so to its caller, not in sync's status. */
	memcpy(keep, s->st.error, sizeof keep);
	if (!req_start(s, &g->r, url, NULL, LQ_SYNC_GET_TIMEOUT_S)) {
		memcpy(s->st.error, keep, sizeof keep);
		free(url);
		return -1;
	}
	free(url);
	if (s->last_get_id >= INT32_MAX - 1)
		s->last_get_id = 0;
	g->id = ++s->last_get_id;
	g->cb = cb;
	g->ctx = ctx;
	return g->id;
}

void lq_sync_get_cancel(struct lq_sync *s, int id)
{
	if (!s || id <= 0)
		return;
	for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
		if (s->gets[i].r.active && s->gets[i].id == id)
			get_forget(s, &s->gets[i]);
}

void lq_sync_get_cancel_ctx(struct lq_sync *s, const void *ctx)
{
	if (!s)
		return;
	for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
		if (s->gets[i].r.active && s->gets[i].ctx == ctx)
			get_forget(s, &s->gets[i]);
}

/* --- the engine -------------------------------------------------------------- */

struct lq_sync *lq_sync_new(struct lq_store *store, const struct lq_sync_opts *o, char **err)
{
	static bool global_done;
	struct lq_sync *s;

	*err = NULL;
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			*err = lq_strdup("libcurl cannot start");
			return NULL;
		}
		global_done = true;
	}
	s = lq_calloc(1, sizeof *s);
	if (!s)
		goto nomem;
	s->store = store;
	s->base = lq_sync_base_url(o->server);
	s->auth = lq_os_asprintf("Authorization: Bearer %s", o->token ? o->token : "");
	s->multi = curl_multi_init();
	if (!s->base || !s->auth || !s->multi)
		goto nomem;
	s->wait_s = o->wait_s > 0 ? o->wait_s : 25;
	s->batch = o->batch > 0 ? o->batch : 500;
	s->batch_max = s->batch;
	s->once = o->once;
	s->on_problem = o->on_problem;
	s->on_alert = o->on_alert;
	s->ctx = o->ctx;
	s->st.last_ok = LQ_TIME_NONE;
	lq_buf_init(&s->push.resp, BODY_MAX);
	lq_buf_init(&s->pull.resp, BODY_MAX);
	lq_buf_init(&s->page, BODY_MAX);
	{
		char *v = NULL;

		if (lq_store_meta_get(store, "last_sync", &v) == LQ_STORE_OK && v)
			lq_time_parse(v, &s->st.last_ok);
		lq_free(v);
	}
	return s;
nomem:
	lq_sync_free(&s);
	*err = lq_strdup("out of memory");
	return NULL;
}

void lq_sync_free(struct lq_sync **sp)
{
	struct lq_sync *s = sp ? *sp : NULL;

	if (!s)
		return;
	if (s->multi) {
		req_end(s, &s->push);
		req_end(s, &s->pull);
		for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
			req_end(s, &s->gets[i].r);
		curl_multi_cleanup(s->multi);
	}
	for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
		lq_buf_free(&s->gets[i].r.resp);
	lq_buf_free(&s->push.resp);
	lq_buf_free(&s->pull.resp);
	lq_buf_free(&s->page);
	free(s->base);
	free(s->auth);
	lq_free(s);
	*sp = NULL;
}

void lq_sync_kick(struct lq_sync *s)
{
	s->failures = 0;
	s->next_try_ms = 0;
	s->next_look_ms = 0;
}

/* Whether there is anything to push now. */
static int any_op(void *ctx, const struct lq_outbox_op *op)
{
	(void)op;
	*(bool *)ctx = true;
	return 1;
}

static void start_next(struct lq_sync *s)
{
	int64_t now = mono_ms();

	if (s->stopped || (s->once && s->st.done) || now < s->next_try_ms)
		return;
	if (!s->push.active && (!s->once || !s->push_done) && now >= s->next_look_ms) {
		bool due = false;

		s->next_look_ms = now + OUTBOX_LOOK_MS;
		lq_store_outbox_sendable(s->store, lq_os_now(), 1, any_op, &due);
		if (due)
			start_push(s);
		else if (s->once)
			s->push_done = true;
	}
	/* leadq sync pulls after its pushes; the screens do both at once. */
	if (!s->pull.active && (!s->once || s->push_done))
		start_pull(s);
}

int lq_sync_pollfds(struct lq_sync *s, struct pollfd *fds, int max, int *timeout_ms)
{
	fd_set r, w, e;
	int maxfd = -1, n = 0;
	long t = -1;
	int64_t now = mono_ms();

	*timeout_ms = OUTBOX_LOOK_MS;
	if ((s->stopped || (s->once && s->st.done)) && gets_active(s) == 0)
		return 0;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	curl_multi_fdset(s->multi, &r, &w, &e, &maxfd);
	for (int fd = 0; fd <= maxfd && n < max; fd++) {
		short ev = 0;

		if (FD_ISSET(fd, &r))
			ev |= POLLIN;
		if (FD_ISSET(fd, &w))
			ev |= POLLOUT;
		if (FD_ISSET(fd, &e))
			ev |= POLLPRI;
		if (!ev)
			continue;
		fds[n].fd = fd;
		fds[n].events = ev;
		fds[n].revents = 0;
		n++;
	}
	curl_multi_timeout(s->multi, &t);
	if (t >= 0 && t < *timeout_ms)
		*timeout_ms = (int)t;
	/* A transfer curl cannot report a descriptor for yet: come back soon. */
	if ((s->push.active || s->pull.active || gets_active(s)) && maxfd < 0 &&
	    *timeout_ms > 100)
		*timeout_ms = 100;
	if (s->next_try_ms > now && s->next_try_ms - now < *timeout_ms)
		*timeout_ms = (int)(s->next_try_ms - now);
	if ((!s->stopped && !(s->once && s->st.done) && !s->push.active && !s->pull.active &&
	     s->next_try_ms <= now) || s->finished)
		*timeout_ms = 0;
	return n;
}

void lq_sync_step(struct lq_sync *s)
{
	int running = 0, left = 0;
	CURLMsg *m;

	/* A stopped engine (401) still finishes its GETs. */
	if (s->stopped && gets_active(s) == 0)
		return;
	curl_multi_perform(s->multi, &running);
	while ((m = curl_multi_info_read(s->multi, &left))) {
		struct req *r = NULL;
		struct get_req *g;
		long status = 0;
		char why[300];

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (!r)
			continue;
		g = get_of(s, r);
		if (g) {
			get_done(s, g, m->data.result);
			continue;
		}
		if (m->data.result != CURLE_OK) {
			snprintf(why, sizeof why, "%s: %s", r == &s->push ? "push" : "pull",
				 r->errbuf[0] ? r->errbuf : curl_easy_strerror(m->data.result));
			req_end(s, r);
			failed(s, why);
			continue;
		}
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		if (r == &s->push) {
			push_done(s, status);
			req_end(s, r);
			save_last_sync(s);
		} else {
			/* The answer moves to s->page, so the next page can start on
			 * s->pull while this one is applied. */
			struct lq_buf body = s->page;

			s->page = r->resp;
			r->resp = body;
			req_end(s, r);
			pull_done(s, status);
		}
	}
	start_next(s);
	if (s->push.active || s->pull.active || gets_active(s))
		curl_multi_perform(s->multi, &running);
	/* A transfer that ended in that perform has no descriptor left to poll:
	 * its answer waits in curl's queue (pollfds then asks for no wait). */
	s->finished = (s->push.active ? 1 : 0) + (s->pull.active ? 1 : 0) + gets_active(s) >
		      running;
}

static int count_op(void *ctx, const struct lq_outbox_op *op)
{
	(void)op;
	(*(int *)ctx)++;
	return 0;
}

void lq_sync_get_status(struct lq_sync *s, struct lq_sync_status *out)
{
	int pending = 0, held = 0, sent = 0;

	lq_store_outbox_count(s->store, lq_os_now(), &pending, &held);
	lq_store_outbox_each(s->store, "sent", count_op, &sent);
	s->st.pending = pending + sent;
	*out = s->st;
}

/* --- login ------------------------------------------------------------------- */

int lq_sync_login(const char *server, const char *user, const char *password,
		  char **token, struct json_t **user_json, char **err)
{
	struct req r;
	struct curl_slist *h = NULL;
	json_t *body, *answer;
	char *base = NULL, *url = NULL, *text = NULL;
	long status = 0;
	CURLcode cc;
	int rc = 1;

	*token = NULL;
	*user_json = NULL;
	*err = NULL;
	memset(&r, 0, sizeof r);
	lq_buf_init(&r.resp, 1024 * 1024);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*err = lq_strdup("libcurl cannot start");
		return 1;
	}
	base = lq_sync_base_url(server);
	url = base ? lq_os_asprintf("%s/api/v1/login", base) : NULL;
	body = json_pack("{s:s, s:s}", "user", user, "password", password);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	r.easy = curl_easy_init();
	h = curl_slist_append(NULL, "Content-Type: application/json");
	if (!url || !text || !r.easy || !h) {
		*err = lq_strdup("out of memory");
		goto out;
	}
	curl_easy_setopt(r.easy, CURLOPT_URL, url);
	curl_easy_setopt(r.easy, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(r.easy, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(r.easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r.easy, CURLOPT_WRITEDATA, &r);
	curl_easy_setopt(r.easy, CURLOPT_ERRORBUFFER, r.errbuf);
	curl_easy_setopt(r.easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r.easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(r.easy, CURLOPT_TIMEOUT, 60L);
	cc = curl_easy_perform(r.easy);
	if (cc != CURLE_OK) {
		*err = lq_os_asprintf("%s: %s", base,
				      r.errbuf[0] ? r.errbuf : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(r.easy, CURLINFO_RESPONSE_CODE, &status);
	answer = json_loads(r.resp.data ? r.resp.data : "", 0, NULL);
	if (status == 200 && json_string_value(json_object_get(answer, "token")) &&
	    json_is_object(json_object_get(answer, "user"))) {
		*token = lq_strdup(json_string_value(json_object_get(answer, "token")));
		*user_json = json_incref(json_object_get(answer, "user"));
		rc = *token ? 0 : 1;
		if (!*token)
			*err = lq_strdup("out of memory");
	} else {
		char why[200];

		error_text(json_object_get(answer, "error"), why, sizeof why);
		*err = lq_os_asprintf("%s: HTTP %ld: %s", base, status, why);
		rc = (status == 401 || status == 429 || status == 403) ? 2 : 1;
	}
	json_decref(answer);
out:
	if (r.easy)
		curl_easy_cleanup(r.easy);
	curl_slist_free_all(h);
	free(text);
	free(url);
	free(base);
	lq_buf_free(&r.resp);
	return rc;
}
