/* leadq — leadqd's HTTP side (libmicrohttpd): the route table, bodies,
 * authentication, JSON answers, and the process around them.
 *
 * Threading: one thread per connection (MHD_USE_THREAD_PER_CONNECTION), so a
 * long poll just blocks its own thread; one sqlite connection shared under
 * db_lock (see share/doc/design-notes.md, "Server"). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "leadq/i18n.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "server/server.h"

enum auth { AUTH_NONE, AUTH_TOKEN, AUTH_KEY };

static const struct route {
	const char *method;
	const char *path;
	enum auth auth;
	srv_handler handler;
} routes[] = {
	{ "POST", "/api/v1/login", AUTH_NONE, srv_api_login },
	{ "GET", "/api/v1/changes", AUTH_TOKEN, srv_api_changes },
	{ "POST", "/api/v1/ops", AUTH_TOKEN, srv_api_ops },
	{ "POST", "/api/v1/leads", AUTH_KEY, srv_api_leads },
	{ "POST", "/api/v1/events", AUTH_KEY, srv_api_events },
	/* Mautic signs its body (Webhook-Signature) and sends no key. */
	{ "POST", "/api/v1/hooks/mautic", AUTH_NONE, srv_api_mautic },
	{ "GET", "/api/v1/reports/funnel", AUTH_TOKEN, srv_api_report_funnel },
	{ "GET", "/api/v1/reps/*/freebusy", AUTH_TOKEN, srv_api_freebusy },
	{ "GET", "/api/v1/leads/*/proposal", AUTH_TOKEN, srv_api_proposal },
	{ "GET", "/api/v1/reps/*/calendar.ics", AUTH_NONE, srv_api_rep_calendar },
	{ "GET", "/api/v1/appointments/*.ics", AUTH_TOKEN, srv_api_appt_ics },
};

/* A route's path matches url; a '*' stands for one path segment, copied to
 * id (the rep's id of /api/v1/reps/ID/freebusy). */
static bool path_matches(const char *pattern, const char *url, char *id, size_t idsize)
{
	const char *star = strchr(pattern, '*');
	size_t head, tail, len = strlen(url), seg;

	if (!star)
		return strcmp(pattern, url) == 0;
	head = (size_t)(star - pattern);
	tail = strlen(star + 1);
	if (len <= head + tail || strncmp(url, pattern, head) != 0 ||
	    strcmp(url + len - tail, star + 1) != 0)
		return false;
	seg = len - head - tail;
	if (seg >= idsize || memchr(url + head, '/', seg))
		return false;
	memcpy(id, url + head, seg);
	id[seg] = '\0';
	return true;
}

/* Per request, in *req_cls; freed when MHD says the request is complete. */
struct req_state {
	struct srv_text body;           /* the request's body so far */
	bool too_large;
};

const char *srv_query(const struct srv_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *srv_header(const struct srv_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result send_json(struct MHD_Connection *conn, struct srv_resp *r)
{
	/* 15 digits: 66.7 and not 66.700000000000003 (the report's rates). */
	char *text = r->raw ? r->raw
			    : r->body ? json_dumps(r->body, JSON_COMPACT | JSON_REAL_PRECISION(15))
				      : NULL;
	size_t text_len = r->raw ? r->raw_len : text ? strlen(text) : 0;
	const char *type = r->raw && r->content_type ? r->content_type
						     : "application/json; charset=utf-8";
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char retry[24];
	int status = r->status;

	r->raw = NULL;                  /* the response owns it now */
	if (!text) {
		/* Out of memory: a fixed answer that needs none. */
		static const char busy[] =
			"{\"error\":{\"code\":\"unavailable\",\"message\":\"out of memory\"}}";

		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		resp = MHD_create_response_from_buffer(sizeof busy - 1, (void *)busy,
						       MHD_RESPMEM_PERSISTENT);
		r->retry_after = 1;
	} else {
		resp = MHD_create_response_from_buffer(text_len, text, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(text);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				text ? type : "application/json; charset=utf-8");
	if (r->retry_after > 0) {
		snprintf(retry, sizeof retry, "%ld", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", retry);
	}
	ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, int status, const char *code,
				  const char *msg)
{
	struct srv_resp r = { 0, NULL, 0, NULL, 0, NULL };
	enum MHD_Result ret;

	srv_error(&r, status, code, "%s", msg);
	if (status == 503)
		r.retry_after = 1;
	ret = send_json(conn, &r);
	json_decref(r.body);
	return ret;
}

static void client_addr(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(out, size, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
			  out, (socklen_t)size);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr,
			  out, (socklen_t)size);
}

/* Fills q->caller from the bearer token; an error answer otherwise. */
static bool auth_token(struct srv *S, struct MHD_Connection *conn, struct srv_req *q,
		       struct srv_resp *r)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	char hash[SRV_HASH_HEX], user_id[LQ_UUID_SIZE];
	enum lq_store_rc rc;

	if (!h || strncmp(h, "Bearer ", 7) != 0 || !h[7]) {
		srv_error(r, 401, "unauthorized", "a bearer token is needed");
		return false;
	}
	srv_sha256_hex(h + 7, strlen(h + 7), hash);
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_token_user(S->db, hash, user_id);
	if (rc == LQ_STORE_OK)
		rc = lq_srv_user_get(S->db, user_id, false, &q->caller.user, NULL, NULL);
	pthread_mutex_unlock(&S->db_lock);
	if (rc == LQ_STORE_NOTFOUND) {
		srv_error(r, 401, "unauthorized", "the token is unknown or revoked");
		return false;
	}
	if (rc != LQ_STORE_OK) {
		srv_error(r, 503, "unavailable", "the database is busy");
		r->retry_after = 1;
		return false;
	}
	q->caller.scope.role = q->caller.user.role;
	q->caller.scope.user_id = q->caller.user.id;
	q->caller.scope.team_id = q->caller.user.team_id;
	return true;
}

static bool auth_key(struct srv *S, struct MHD_Connection *conn, struct srv_req *q,
		     struct srv_resp *r)
{
	const char *k = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Api-Key");
	char hash[SRV_HASH_HEX];
	enum lq_store_rc rc;

	if (!k || !*k) {
		srv_error(r, 401, "unauthorized", "an X-Api-Key is needed");
		return false;
	}
	srv_sha256_hex(k, strlen(k), hash);
	pthread_mutex_lock(&S->db_lock);
	rc = lq_srv_key_check(S->db, hash, q->key_name, sizeof q->key_name);
	pthread_mutex_unlock(&S->db_lock);
	if (rc == LQ_STORE_NOTFOUND) {
		srv_error(r, 401, "unauthorized", "the API key is unknown or revoked");
		return false;
	}
	if (rc != LQ_STORE_OK) {
		srv_error(r, 503, "unavailable", "the database is busy");
		r->retry_after = 1;
		return false;
	}
	return true;
}

static enum MHD_Result dispatch(struct srv *S, struct MHD_Connection *conn, const char *url,
				const char *method, struct req_state *st)
{
	const struct route *rt = NULL;
	bool path_known = false;
	struct srv_req q;
	struct srv_resp r = { 0, NULL, 0, NULL, 0, NULL };
	char addr[64];
	enum MHD_Result ret;
	size_t i;

	memset(&q, 0, sizeof q);
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!path_matches(routes[i].path, url, q.path_id, sizeof q.path_id))
			continue;
		path_known = true;
		if (strcmp(routes[i].method, method) == 0) {
			rt = &routes[i];
			break;
		}
	}
	if (!rt)
		return path_known ? send_error(conn, 405, "method_not_allowed",
					       "that method is not allowed here")
				  : send_error(conn, 404, "not_found", "no such endpoint");
	lq_user_init(&q.caller.user);
	client_addr(conn, addr, sizeof addr);
	q.method = method;
	q.path = url;
	q.body = st->body.p;
	q.body_len = st->body.len;
	q.addr = addr;
	q.conn = conn;
	if ((rt->auth != AUTH_TOKEN || auth_token(S, conn, &q, &r)) &&
	    (rt->auth != AUTH_KEY || auth_key(S, conn, &q, &r)))
		rt->handler(S, &q, &r);
	if (!r.status) {
		r.status = 503;
		r.retry_after = 1;
	}
	ret = send_json(conn, &r);
	json_decref(r.body);
	lq_user_clear(&q.caller.user);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	struct srv *S = cls;
	struct req_state *st = *req_cls;

	(void)version;
	if (!st) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);

		st = calloc(1, sizeof *st);
		if (!st)
			return send_error(conn, 503, "unavailable", "out of memory");
		*req_cls = st;
		/* Refused before the body is read. */
		if (cl && strtoull(cl, NULL, 10) > S->max_body) {
			st->too_large = true;
			return send_error(conn, 413, "too_large", "the body is over the limit");
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (st->too_large || st->body.nomem)
			return MHD_YES;
		if (st->body.len + n > S->max_body) {
			st->too_large = true;
			free(st->body.p);
			memset(&st->body, 0, sizeof st->body);
			return MHD_YES;
		}
		srv_text_add(&st->body, upload_data, n);
		return MHD_YES;
	}
	if (st->too_large)
		return send_error(conn, 413, "too_large", "the body is over the limit");
	if (st->body.nomem)
		return send_error(conn, 503, "unavailable", "out of memory");
	return dispatch(S, conn, url, method, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req_state *st = *req_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (st) {
		free(st->body.p);
		free(st);
		*req_cls = NULL;
	}
}

int srv_state_open(struct srv *S, const char *db)
{
	char *err = NULL, *epoch = NULL;
	enum lq_store_rc rc;

	memset(S, 0, sizeof *S);
	S->callback_release = SRV_CALLBACK_RELEASE_DEFAULT;
	if (!srv_crypto_init()) {
		fprintf(stderr, "leadqd: %s\n", _("libsodium cannot be initialized"));
		return 1;
	}
	rc = lq_srv_open(db, &S->db, &err);
	if (rc != LQ_STORE_OK) {
		fprintf(stderr, "leadqd: %s\n", err ? err : _("out of memory"));
		free(err);
		return 1;
	}
	rc = lq_srv_meta_get(S->db, "epoch", &epoch);
	if (rc == LQ_STORE_NOTFOUND) {
		unsigned char raw[8];
		char hex[17];
		size_t i;

		lq_os_random(raw, sizeof raw);
		for (i = 0; i < sizeof raw; i++)
			snprintf(hex + 2 * i, 3, "%02x", raw[i]);
		rc = lq_srv_meta_set(S->db, "epoch", hex);
		if (rc == LQ_STORE_OK)
			epoch = lq_strdup(hex);
	}
	if (rc == LQ_STORE_OK && epoch)
		rc = lq_srv_feed_last(S->db, &S->feed_seq);
	if (rc != LQ_STORE_OK || !epoch) {
		fprintf(stderr, "leadqd: %s: %s\n", db, lq_srv_errmsg(S->db));
		free(epoch);
		lq_srv_close(&S->db);
		return 1;
	}
	snprintf(S->epoch, sizeof S->epoch, "%s", epoch);
	free(epoch);
	pthread_mutex_init(&S->db_lock, NULL);
	pthread_mutex_init(&S->feed_lock, NULL);
	pthread_cond_init(&S->feed_cond, NULL);
	srv_rate_init(&S->rate);
	return 0;
}

void srv_state_close(struct srv *S)
{
	srv_zones_free(S);
	lq_route_rules_clear(&S->rules);
	lq_srv_close(&S->db);
	srv_rate_destroy(&S->rate);
	pthread_cond_destroy(&S->feed_cond);
	pthread_mutex_destroy(&S->feed_lock);
	pthread_mutex_destroy(&S->db_lock);
}

/* "HOST:PORT" (IPv4) into addr; false with a reason in err. */
static bool parse_listen(const char *text, struct sockaddr_in *addr)
{
	const char *colon = strrchr(text, ':');
	char host[64];
	char *end;
	unsigned long port;
	size_t n;

	if (!colon)
		return false;
	n = (size_t)(colon - text);
	if (n == 0 || n >= sizeof host)
		return false;
	memcpy(host, text, n);
	host[n] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port > 65535)
		return false;
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
			 &addr->sin_addr) == 1;
}

/* Housekeeping off the request threads, once a second:
 *  - the feed's end in the database: rows another process wrote (leadqd
 *    sweep or import, a second server on the database) wake the long polls
 *    within a second, as this server's own rows do at once;
 *  - the SLA sweep every interval (0: none), a lead per transaction;
 *  - the mail that is due (mail.c), when there is an SMTP server.
 * Wakes at once on stop (feed_cond is broadcast). */
struct housekeeper {
	struct srv *S;
	unsigned sweep_interval_s;
	pthread_t thread;
	bool running;
};

static void *housekeeper_main(void *arg)
{
	struct housekeeper *h = arg;
	struct srv *S = h->S;
	time_t next_sweep = time(NULL) + (time_t)h->sweep_interval_s;

	pthread_mutex_lock(&S->feed_lock);
	while (!S->stopping) {
		struct timespec deadline;
		struct srv_sweep_counts n;
		int64_t last = 0;
		enum lq_store_rc rc;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 1;
		while (!S->stopping &&
		       pthread_cond_timedwait(&S->feed_cond, &S->feed_lock, &deadline) == 0)
			;   /* woken by a feed change: keep waiting until the second */
		if (S->stopping)
			break;
		pthread_mutex_unlock(&S->feed_lock);
		pthread_mutex_lock(&S->db_lock);
		rc = lq_srv_feed_last(S->db, &last);
		pthread_mutex_unlock(&S->db_lock);
		if (rc == LQ_STORE_OK)
			srv_feed_grew(S, last);
		if (h->sweep_interval_s > 0 && time(NULL) >= next_sweep) {
			srv_sweep(S, lq_os_now(), &n);
			next_sweep = time(NULL) + (time_t)h->sweep_interval_s;
		}
		srv_mail_send_due(S, lq_os_now());
		srv_hook_send_due(S, lq_os_now());
		pthread_mutex_lock(&S->feed_lock);
	}
	pthread_mutex_unlock(&S->feed_lock);
	return NULL;
}

int srv_serve(const struct srv_serve_opts *o)
{
	static struct housekeeper keeper;
	static struct srv S;            /* big (rate table): not on the stack */
	struct sockaddr_in addr;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int sig = 0;

	if (!parse_listen(o->listen, &addr)) {
		fprintf(stderr, _("leadqd: --listen '%s': expected IPV4ADDRESS:PORT\n"), o->listen);
		return SRV_EXIT_USAGE;
	}
	if (srv_state_open(&S, o->db) != 0)
		return SRV_EXIT_FAIL;
	S.max_body = o->max_body;
	if (o->callback_release > 0)
		S.callback_release = o->callback_release;
	S.mautic_secret = (char *)o->mautic_secret;
	S.mautic_mql_points = o->mautic_mql_points;
	if (o->smtp_url || o->webhook_url) {
		/* Once, before any thread: libcurl's global state is not thread-safe. */
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			fprintf(stderr, "leadqd: libcurl cannot start: no mail, no webhooks\n");
		} else {
			S.smtp_url = (char *)o->smtp_url;
			S.smtp_from = (char *)o->smtp_from;
			S.mail_on = o->smtp_url != NULL;
			S.hook_url = (char *)o->webhook_url;
			S.hook_secret = (char *)o->webhook_secret;
			S.hook_on = o->webhook_url != NULL;
		}
	}
	/* Checkpoints off the request path; without them sqlite's automatic
	 * ones run in the committing request (slower, equally durable). */
	if (lq_srv_background_start(S.db) != LQ_STORE_OK)
		fprintf(stderr, "leadqd: %s\n", lq_srv_errmsg(S.db));
	/* The connection threads inherit a mask without these; the main
	 * thread takes them with sigwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			     MHD_USE_ERROR_LOG,
			     0, NULL, NULL, on_request, &S,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s,
			     MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &S,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, _("leadqd: cannot listen on %s: %s\n"), o->listen, strerror(errno));
		srv_state_close(&S);
		return SRV_EXIT_FAIL;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	{
		char host[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
		/* Read by scripts and tests: never translated. */
		printf("listening on %s:%u\n", host, info ? (unsigned)info->port : 0u);
		fflush(stdout);
	}
	{
		int err;

		keeper.S = &S;
		keeper.sweep_interval_s = o->sweep_interval_s;
		err = pthread_create(&keeper.thread, NULL, housekeeper_main, &keeper);
		keeper.running = err == 0;
		if (err)
			fprintf(stderr, "leadqd: the housekeeping thread cannot start: %s\n",
				strerror(err));
	}
	while (sig != SIGTERM && sig != SIGINT)
		if (sigwait(&set, &sig) != 0)
			break;
	/* Wake the long polls and the housekeeping, then let the threads finish. */
	pthread_mutex_lock(&S.feed_lock);
	S.stopping = true;
	pthread_cond_broadcast(&S.feed_cond);
	pthread_mutex_unlock(&S.feed_lock);
	if (keeper.running)
		pthread_join(keeper.thread, NULL);
	MHD_stop_daemon(d);
	srv_state_close(&S);
	if (S.mail_on)
		curl_global_cleanup();
	return SRV_EXIT_OK;
}
