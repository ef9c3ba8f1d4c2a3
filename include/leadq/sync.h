/* leadq — the client's sync engine (DESIGN §6, §7; share/doc/api.md).
 *
 * Non-blocking, on libcurl's multi interface: the caller polls the engine's
 * descriptors (lq_sync_pollfds) together with its own (the terminal) and
 * calls lq_sync_step() when any is ready or the timeout passed.  The engine
 * pushes due outbox ops in batches (each op marked `sent` in the cache
 * before its request goes out), applies the results, pulls /changes with a
 * long poll and applies each page in one transaction, resyncs on 410, backs
 * off with jitter (1 s .. 60 s) on failure, and stops on 401. */
#ifndef LEADQ_SYNC_H
#define LEADQ_SYNC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "leadq/store.h"
#include "leadq/time.h"

/* A growable byte buffer with a size cap (curl's dynbuf shape); always
 * NUL-terminated after a successful add. */
struct lq_buf {
	char *data;
	size_t len, cap, max;
};
enum lq_buf_rc { LQ_BUF_OK = 0, LQ_BUF_NOMEM = -1, LQ_BUF_TOO_LARGE = -2 };
void lq_buf_init(struct lq_buf *b, size_t max);
enum lq_buf_rc lq_buf_add(struct lq_buf *b, const void *data, size_t len);
void lq_buf_reset(struct lq_buf *b);
void lq_buf_free(struct lq_buf *b);

/* "https://host:8443/" -> "https://host:8443" (no slash at the end).
 * Without a scheme: http:// for loopback names (localhost, 127.x, [::1]),
 * https:// otherwise.  malloc'd; NULL when out of memory or empty. */
char *lq_sync_base_url(const char *server);

/* One op that ended in conflict or was rejected (what `leadq sync` prints). */
struct lq_sync_problem {
	const char *op_id, *kind, *lead_id;
	const char *lead_name;      /* from the cache or the server's lead; may be NULL */
	const char *result;         /* "conflict" or "rejected" */
	const char *message;        /* the server's reason */
};
typedef void (*lq_sync_problem_cb)(void *ctx, const struct lq_sync_problem *p);

/* What a pulled page brought that the user should notice: a lead new to
 * this cache (status new), or an SLA escalation on one of its leads.  Told
 * after the page is on disk, never for the pages of a first pull (an empty
 * cursor: the whole view arrives at once).  lead_id is valid during the
 * call only. */
enum lq_alert_kind { LQ_ALERT_NEW_LEAD, LQ_ALERT_ESCALATION };
typedef void (*lq_sync_alert_cb)(void *ctx, enum lq_alert_kind kind, const char *lead_id);

struct lq_sync_opts {
	const char *server;         /* as in the config: "https://leadq.example.com" */
	const char *token;
	int wait_s;                 /* long-poll seconds (default 25) */
	bool once;                  /* push, pull until `more` is false, stop (leadq sync) */
	int batch;                  /* ops per request (default 500) */
	lq_sync_problem_cb on_problem;
	lq_sync_alert_cb on_alert;  /* may be NULL */
	void *ctx;                  /* for both callbacks */
};

struct lq_sync_status {
	lq_time last_ok;            /* the last successful exchange; LQ_TIME_NONE: never */
	bool online;                /* the last exchange worked */
	bool auth_failed;           /* 401: the engine stopped; log in again */
	bool done;                  /* once: finished (see failed) */
	bool failed;                /* once: the server could not be reached or refused */
	int pending;                /* ops not answered yet (pending or sent) */
	int conflicts, rejected;    /* ops that ended so, since the engine started */
	unsigned long generation;   /* bumped each time sync changed the cached view */
	char error[256];            /* the last failure, one line; "" when none */
	char problem[256];          /* the last conflict or rejection, one line */
};

struct lq_sync;

/* NULL with a malloc'd reason in *err when curl cannot start. */
struct lq_sync *lq_sync_new(struct lq_store *store, const struct lq_sync_opts *o, char **err);
void lq_sync_free(struct lq_sync **sync);
/* The descriptors to poll (at most max) and how long to wait at most (ms). */
int lq_sync_pollfds(struct lq_sync *sync, struct pollfd *fds, int max, int *timeout_ms);
/* Does what is ready: transfers, answers, the next requests.  Never blocks
 * on the network. */
void lq_sync_step(struct lq_sync *sync);
/* Sync now: forget the backoff and look at the outbox at once (Ctrl-L, or
 * after a user action). */
void lq_sync_kick(struct lq_sync *sync);
void lq_sync_get_status(struct lq_sync *sync, struct lq_sync_status *out);

/* A one-off GET beside sync (the booking screen's free/busy and proposed
 * rep): on the engine's multi, with its bearer token, so it rides the same
 * lq_sync_pollfds/lq_sync_step loop and never blocks.  path_and_query
 * starts with "/" ("/api/v1/reps/ID/freebusy?from=…").  cb is called once,
 * from lq_sync_step: status the HTTP status (0: the server could not be
 * reached, timed out, or the answer was too large), body the answer
 * (NUL-terminated, valid during the call only; "" when none), error a
 * one-line reason ("" for a 2xx; "HTTP 404: no_rep: …" or curl's text
 * otherwise).  The callback may start or cancel GETs.  Gives an id > 0, or
 * -1 when it cannot start (too many in flight, out of memory, the engine
 * stopped on a refused token): cb is then never called. */
typedef void (*lq_sync_get_cb)(void *ctx, long status, const char *body, size_t len,
			       const char *error);
#define LQ_SYNC_GETS_MAX 8
#define LQ_SYNC_GET_TIMEOUT_S 15
int lq_sync_get(struct lq_sync *sync, const char *path_and_query, lq_sync_get_cb cb, void *ctx);
/* Forgets a GET in flight: its callback is never called (a closed screen).
 * Unknown or finished ids are ignored. */
void lq_sync_get_cancel(struct lq_sync *sync, int id);
/* Forgets every GET in flight whose callback context is ctx. */
void lq_sync_get_cancel_ctx(struct lq_sync *sync, const void *ctx);

/* POST /login (blocking: `leadq login` only).  0 and *token, *user (a
 * jansson object, json_decref it) malloc'd; 1 when the server cannot be
 * reached or answered something unexpected; 2 when it refused (401, 429);
 * *err a one-line reason. */
struct json_t;
int lq_sync_login(const char *server, const char *user, const char *password,
		  char **token, struct json_t **user_json, char **err);

#endif
