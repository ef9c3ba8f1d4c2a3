/* tests/sync/get.sh's client: one-off GETs through the sync engine
 * (lq_sync_get) against a real leadqd, driven by the same pollfds/step loop
 * the screens use.
 *
 *   sync_get MODE SERVER TOKEN CACHE PATH
 *
 * MODE get:      one GET; prints "status=N len=N step_ms=N error=TEXT" and
 *                the body on the next line.
 * MODE cancel:   PATH a long poll (/changes?wait=2): cancelled by id
 *                while the server holds it, the callback must never run
 *                (prints "never called").
 * MODE ctx:      three GETs, two with one context cancelled together: only
 *                the third answers (prints "only b").
 * MODE full:     LQ_SYNC_GETS_MAX GETs in flight, one more refused, then
 *                all answered (prints "all answered").
 * Exit 0 when the mode's expectation held, 1 otherwise (with the reason). */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leadq/store.h"
#include "leadq/sync.h"

struct answer {
	int calls;
	long status;
	size_t len;
	char *body;
	char error[300];
};

static void on_answer(void *ctx, long status, const char *body, size_t len, const char *error)
{
	struct answer *a = ctx;

	a->calls++;
	a->status = status;
	a->len = len;
	free(a->body);
	a->body = malloc(len + 1);
	if (a->body) {
		memcpy(a->body, body, len);
		a->body[len] = '\0';
	}
	snprintf(a->error, sizeof a->error, "%s", error);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The screens' loop: poll the engine's descriptors, step.  Until done()
 * or ms passed; *slowest is the longest step (it must never block). */
static void run(struct lq_sync *s, long ms, int (*done)(void *), void *ctx, long *slowest)
{
	long end = now_ms() + ms;

	while (now_ms() < end && !(done && done(ctx))) {
		struct pollfd fds[16];
		int timeout = 100, n = lq_sync_pollfds(s, fds, 16, &timeout);
		long t0;

		if (timeout > 100)
			timeout = 100;
		poll(fds, (nfds_t)n, timeout);
		t0 = now_ms();
		lq_sync_step(s);
		if (slowest && now_ms() - t0 > *slowest)
			*slowest = now_ms() - t0;
	}
}

static int answered(void *ctx)
{
	return ((struct answer *)ctx)->calls > 0;
}

struct many {
	struct answer a[LQ_SYNC_GETS_MAX];
};

static int all_answered(void *ctx)
{
	struct many *m = ctx;

	for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
		if (m->a[i].calls == 0)
			return 0;
	return 1;
}

static int fail(const char *what)
{
	fprintf(stderr, "sync_get: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	struct lq_sync_opts o;
	struct lq_store *st = NULL;
	struct lq_sync *s;
	char *err = NULL;
	const char *mode, *path;
	int rc = 1;

	if (argc != 6) {
		fprintf(stderr, "usage: sync_get get|cancel|ctx|full SERVER TOKEN CACHE PATH\n");
		return 2;
	}
	mode = argv[1];
	path = argv[5];
	if (lq_store_open(argv[4], &st, &err) != LQ_STORE_OK) {
		fprintf(stderr, "sync_get: %s\n", err ? err : argv[4]);
		free(err);
		return 1;
	}
	memset(&o, 0, sizeof o);
	o.server = argv[2];
	o.token = argv[3];
	o.wait_s = 2;
	s = lq_sync_new(st, &o, &err);
	if (!s) {
		fprintf(stderr, "sync_get: %s\n", err ? err : "lq_sync_new");
		free(err);
		lq_store_close(&st);
		return 1;
	}
	if (strcmp(mode, "get") == 0) {
		struct answer a;
		long slowest = 0, t0 = now_ms();
		int id;

		memset(&a, 0, sizeof a);
		id = lq_sync_get(s, path, on_answer, &a);
		if (id <= 0) {
			rc = fail("lq_sync_get did not start");
		} else if (now_ms() - t0 > 200) {
			rc = fail("lq_sync_get blocked");
		} else {
			run(s, 20000, answered, &a, &slowest);
			printf("status=%ld len=%zu step_ms=%ld calls=%d error=%s\n%s\n", a.status, a.len,
			       slowest, a.calls, a.error, a.body ? a.body : "");
			rc = a.calls == 1 ? 0 : fail("the callback was not called once");
		}
		free(a.body);
	} else if (strcmp(mode, "cancel") == 0) {
		struct answer *a = calloc(1, sizeof *a);
		int id = a ? lq_sync_get(s, path, on_answer, a) : -1;

		if (id <= 0) {
			rc = fail("lq_sync_get did not start");
		} else {
			/* PATH is a long poll: let the request leave and wait at
			 * the server, then cancel; its answer must not come. */
			run(s, 300, NULL, NULL, NULL);
			if (a->calls)
				return fail("the long poll answered at once: no test");
			lq_sync_get_cancel(s, id);
			lq_sync_get_cancel(s, id);        /* twice: ignored */
			lq_sync_get_cancel(s, 12345);     /* unknown: ignored */
			run(s, 3000, NULL, NULL, NULL);
			if (a->calls == 0) {
				printf("never called\n");
				rc = 0;
			} else {
				rc = fail("a cancelled GET called back");
			}
		}
		free(a);
	} else if (strcmp(mode, "ctx") == 0) {
		struct answer a1, a2, b;
		int i1, i2, i3;

		memset(&a1, 0, sizeof a1);
		memset(&a2, 0, sizeof a2);
		memset(&b, 0, sizeof b);
		/* Two requests share one context (one screen); cancel them together. */
		i1 = lq_sync_get(s, path, on_answer, &a1);
		i2 = lq_sync_get(s, path, on_answer, &a1);
		i3 = lq_sync_get(s, path, on_answer, &b);
		if (i1 <= 0 || i2 <= 0 || i3 <= 0 || i1 == i2 || i2 == i3) {
			rc = fail("three GETs with distinct ids did not start");
		} else {
			lq_sync_get_cancel_ctx(s, &a1);
			run(s, 20000, answered, &b, NULL);
			run(s, 300, NULL, NULL, NULL);
			if (a1.calls == 0 && a2.calls == 0 && b.calls == 1 && b.status == 200) {
				printf("only b\n");
				rc = 0;
			} else {
				fprintf(stderr, "a: %d calls, b: %d calls, status %ld: %s\n", a1.calls,
					b.calls, b.status, b.error);
				rc = fail("cancel by context");
			}
		}
		free(a1.body);
		free(b.body);
	} else if (strcmp(mode, "full") == 0) {
		struct many m;
		struct answer extra;
		int ok = 1;

		memset(&m, 0, sizeof m);
		memset(&extra, 0, sizeof extra);
		for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
			ok &= lq_sync_get(s, path, on_answer, &m.a[i]) > 0;
		if (!ok) {
			rc = fail("a GET within the limit did not start");
		} else if (lq_sync_get(s, path, on_answer, &extra) != -1) {
			rc = fail("a GET over the limit started");
		} else if (lq_sync_get(s, "no-slash", on_answer, &extra) != -1) {
			rc = fail("a path without / started");
		} else {
			run(s, 20000, all_answered, &m, NULL);
			rc = 0;
			for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
				if (m.a[i].calls != 1 || m.a[i].status != 200)
					rc = fail("a GET was not answered 200 once");
			if (rc == 0)
				printf("all answered\n");
		}
		for (int i = 0; i < LQ_SYNC_GETS_MAX; i++)
			free(m.a[i].body);
	} else {
		rc = fail("unknown mode");
	}
	lq_sync_free(&s);
	lq_store_close(&st);
	return rc;
}
