/* make bench: the client's queue over a cache of 50,000 leads (DESIGN §9).
 *
 * Prints "name: value unit" lines.  The cache is seeded once with the demo
 * generator (one rep owns every lead) into a temporary sqlite file; then the
 * real UI code (ui/libui.a) draws into a terminal opened on /dev/null, so the
 * figures include sqlite, the core's sort and filter, and curses. */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leadq/os.h"
#include "leadq/seed.h"
#include "leadq/store.h"
#include "ui/app.h"
#include "ui/session.h"

#define BENCH_LEADS 50000
#define BENCH_REPEAT 20

struct seed_ctx {
	struct lq_store *store;
	char user_id[LQ_UUID_SIZE];
	struct lq_tz *tz[16];
	struct lq_calendar cal[16];
	struct lq_sla_policy policy[16];
	int nteams;
};

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int put_team(void *c, const struct lq_team *t)
{
	return lq_store_put_team(((struct seed_ctx *)c)->store, t) != LQ_STORE_OK;
}

static int put_user(void *c, const struct lq_user *u)
{
	struct seed_ctx *ctx = c;

	if (!ctx->user_id[0])
		memcpy(ctx->user_id, u->id, LQ_UUID_SIZE);
	return lq_store_put_user(ctx->store, u) != LQ_STORE_OK;
}

static int put_lead(void *c, const struct lq_lead *l)
{
	return lq_store_put_lead(((struct seed_ctx *)c)->store, l) != LQ_STORE_OK;
}

static int put_activity(void *c, const struct lq_activity *a)
{
	return lq_store_put_activity(((struct seed_ctx *)c)->store, a) != LQ_STORE_OK;
}

static const struct lq_calendar *team_calendar(void *c, const struct lq_team *t,
					       const struct lq_sla_policy **policy)
{
	struct seed_ctx *ctx = c;
	char *err = NULL;
	int i = ctx->nteams;

	if (i >= 16)
		return NULL;
	ctx->tz[i] = lq_os_tz_load(t->tz, &err);
	if (!ctx->tz[i]) {
		free(err);
		return NULL;
	}
	lq_calendar_default(&ctx->cal[i], ctx->tz[i]);
	if (t->hours)
		lq_calendar_parse_hours(&ctx->cal[i], t->hours, NULL, 0);
	ctx->policy[i] = t->policy;
	*policy = &ctx->policy[i];
	ctx->nteams++;
	return &ctx->cal[i];
}

static int seed_cache(const char *path, lq_time now)
{
	struct seed_ctx ctx = {0};
	struct lq_seed_opts o = { .seed = 7, .now = now, .leads = BENCH_LEADS, .reps = 1,
				  .events_per_lead = 4 };
	struct lq_seed_sink sink = { put_team, put_user, put_lead, put_activity, team_calendar, &ctx };
	char *err = NULL;
	int rc;

	if (lq_store_open(path, &ctx.store, &err) != LQ_STORE_OK) {
		fprintf(stderr, "bench: %s\n", err ? err : path);
		free(err);
		return -1;
	}
	lq_store_begin(ctx.store);
	rc = lq_seed_run(&o, &sink);
	if (rc == 0)
		rc = lq_store_meta_set(ctx.store, "user_id", ctx.user_id) != LQ_STORE_OK;
	if (rc == 0)
		rc = lq_store_commit(ctx.store) != LQ_STORE_OK;
	else
		lq_store_rollback(ctx.store);
	lq_store_close(&ctx.store);
	for (int i = 0; i < ctx.nteams; i++)
		lq_tz_free(&ctx.tz[i]);
	return rc ? -1 : 0;
}

static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static double best_of(double a, double b)
{
	return a < b ? a : b;
}

int main(void)
{
	char dir[] = "/tmp/leadq-bench-XXXXXX";
	char path[128];
	struct lq_session_opts opts = {0};
	struct lq_session *s = NULL;
	struct lq_app *app = NULL;
	struct timespec t0;
	FILE *out, *in;
	char *err = NULL;
	double first = 0, resort = 1e9, filter = 1e9, keypress = 1e9;
	lq_time now = lq_os_now();

	setlocale(LC_ALL, "");
	if (!mkdtemp(dir)) {
		perror("bench: mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/cache.db", dir);
	/* Seed in a child process, so that the peak memory printed below is the
	 * client's alone. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(stdout);
	pid_t child = fork();
	if (child < 0) {
		perror("bench: fork");
		return 1;
	}
	if (child == 0)
		_exit(seed_cache(path, now) == 0 ? 0 : 1);
	int status = 0;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: seeding %s failed\n", path);
		return 1;
	}
	printf("seed_50k_leads_s: %.2f s\n", ms_since(&t0) / 1e3);

	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	opts.db_path = path;
	/* First frame: open the cache, load and order 50,000 leads, draw. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (lq_session_open(&s, &opts, &err) != 0 ||
	    !(app = lq_app_open(s, out, in, 120, 40, &err))) {
		fprintf(stderr, "bench: %s\n", err ? err : "cannot open the UI");
		return 1;
	}
	lq_app_frame(app);
	first = ms_since(&t0);

	for (int i = 0; i < BENCH_REPEAT; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		lq_app_key(app, 's');              /* next sort: re-sorts 50,000 leads */
		resort = best_of(resort, ms_since(&t0));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		lq_app_key(app, 'f');              /* next filter over 50,000 leads */
		filter = best_of(filter, ms_since(&t0));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		lq_app_key(app, i % 2 ? KEY_UP : KEY_DOWN);
		keypress = best_of(keypress, ms_since(&t0));
	}
	lq_app_close(&app);
	lq_session_close(&s);
	fclose(out);
	fclose(in);

	printf("queue_first_frame_50k_ms: %.1f ms\n", first);
	printf("queue_resort_50k_ms: %.2f ms\n", resort);
	printf("queue_filter_50k_ms: %.2f ms\n", filter);
	printf("queue_keypress_redraw_50k_ms: %.2f ms\n", keypress);
	printf("client_peak_rss_50k_mb: %.1f MB\n", (double)peak_rss_kb() / 1024.0);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
	return 0;
}
