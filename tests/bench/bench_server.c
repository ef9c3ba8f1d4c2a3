/* make bench: the server and sync figures of DESIGN §9, over loopback.
 *
 * Starts a real leadqd over a temporary sqlite file seeded with the demo
 * generator (10,000 leads of one rep, 10 behaviour events each), then:
 *   changes_page_1000_ms                  a page of 1,000 changes (median)
 *   ops_per_s                             add_note ops pushed in batches of 100
 *   initial_sync_10k_leads_100k_events_s  `leadq sync` into an empty cache
 * Prints "name: value unit" lines; judges nothing. */
#include "config.h"

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leadq/os.h"

#define SEED_LEADS "10000"
#define SEED_EVENTS "10"
#define IMPORT_ROWS 100000
#define OP_BATCHES 50
#define OP_BATCH 100

struct body {
	char *data;
	size_t len;
};

static char dir[] = "/tmp/leadq-bench-srv-XXXXXX";
static pid_t server = -1;

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void cleanup(void)
{
	char cmd[128];

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "bench: failed (%d): %s\n", rc, cmd);
	return rc;
}

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	char *grown = realloc(b->data, b->len + size * n + 1);

	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, p, size * n);
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

/* One request on a reused handle; returns the parsed answer or NULL. */
static json_t *request(CURL *c, const char *url, const char *token, const char *post)
{
	struct curl_slist *h = NULL;
	struct body b = {0};
	char auth[256];
	long status = 0;
	json_t *j = NULL;

	h = curl_slist_append(h, "Content-Type: application/json");
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200 && b.data)
		j = json_loads(b.data, 0, NULL);
	else
		fprintf(stderr, "bench: %s answered %ld: %.200s\n", url, status, b.data ? b.data : "");
	curl_slist_free_all(h);
	free(b.data);
	return j;
}

static int start_server(const char *leadqd, const char *db, char *base, size_t size)
{
	int fds[2];
	FILE *out;
	char line[256];
	int port = 0;

	if (pipe(fds) != 0)
		return -1;
	server = fork();
	if (server < 0)
		return -1;
	if (server == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		execl(leadqd, "leadqd", "serve", "--db", db, "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	while (out && fgets(line, sizeof line, out))
		if (sscanf(line, "listening on 127.0.0.1:%d", &port) == 1)
			break;
	if (port <= 0)
		return -1;
	snprintf(base, size, "http://127.0.0.1:%d/api/v1", port);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	const char *top = getenv("LEADQ_TOP_BUILDDIR");
	char leadqd[512], leadq[512], db[256], base[128], url[512], cmd[2048];
	char token[256], cursor[256] = "";
	char **lead_ids = NULL;
	size_t nleads = 0;
	double pages[64];
	int npages = 0;
	CURL *c;
	json_t *j;

	snprintf(leadqd, sizeof leadqd, "%s/leadqd", top ? top : ".");
	snprintf(leadq, sizeof leadq, "%s/leadq", top ? top : ".");
	if (!mkdtemp(dir)) {
		perror("bench: mkdtemp");
		return 1;
	}
	atexit(cleanup);
	snprintf(db, sizeof db, "%s/server.db", dir);
	snprintf(cmd, sizeof cmd,
		 "'%s' init --db '%s' >/dev/null && '%s' seed --db '%s' --leads " SEED_LEADS
		 " --reps 1 --events-per-lead " SEED_EVENTS " --demo-passwords >/dev/null",
		 leadqd, db, leadqd, db);
	if (run(cmd) != 0 || start_server(leadqd, db, base, sizeof base) != 0)
		return 1;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	snprintf(url, sizeof url, "%s/login", base);
	j = request(c, url, NULL, "{\"user\":\"lucia\",\"password\":\"lucia\"}");
	if (!j || !json_string_value(json_object_get(j, "token")))
		return 1;
	snprintf(token, sizeof token, "%s", json_string_value(json_object_get(j, "token")));
	json_decref(j);

	/* Pages of 1,000 changes from the start; keep the lead ids for the ops. */
	lead_ids = calloc(20000, sizeof *lead_ids);
	for (;;) {
		double t0 = now_ms();
		size_t i;
		json_t *ch;

		snprintf(url, sizeof url, "%s/changes?limit=1000&since=%s", base, cursor);
		j = request(c, url, token, NULL);
		if (!j)
			return 1;
		if (npages < 64)
			pages[npages++] = now_ms() - t0;
		json_array_foreach(json_object_get(j, "changes"), i, ch) {
			const char *type = json_string_value(json_object_get(ch, "type"));

			if (type && strcmp(type, "lead") == 0 && nleads < 20000)
				lead_ids[nleads++] = strdup(json_string_value(json_object_get(ch, "id")));
		}
		snprintf(cursor, sizeof cursor, "%s", json_string_value(json_object_get(j, "cursor")));
		bool more = json_is_true(json_object_get(j, "more"));
		json_decref(j);
		if (!more)
			break;
	}
	qsort(pages, (size_t)npages, sizeof pages[0], cmp_double);
	printf("changes_page_1000_ms: %.1f ms\n", npages ? pages[npages / 2] : -1.0);

	/* Ops in batches of 100: notes (appends never conflict). */
	if (nleads == 0)
		return 1;
	snprintf(url, sizeof url, "%s/ops", base);
	double t0 = now_ms();
	for (int b = 0; b < OP_BATCHES; b++) {
		json_t *ops = json_array();

		for (int k = 0; k < OP_BATCH; k++) {
			char op_id[LQ_UUID_SIZE], act_id[LQ_UUID_SIZE], at[LQ_RFC3339_SIZE];

			json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:i, s:s, s:{s:s, s:s}}",
				"id", lq_os_uuid_ordered(op_id), "kind", "add_note",
				"lead", lead_ids[(size_t)(b * OP_BATCH + k) % nleads], "base_version", 0,
				"at", lq_time_format(lq_os_now(), 0, at),
				"args", "text", "bench note", "activity", lq_os_uuid_ordered(act_id)));
		}
		json_t *req = json_pack("{s:o}", "ops", ops);
		char *text = json_dumps(req, JSON_COMPACT);

		j = request(c, url, token, text);
		free(text);
		json_decref(req);
		if (!j)
			return 1;
		json_decref(j);
	}
	printf("ops_per_s: %.0f ops/s\n", OP_BATCHES * OP_BATCH / ((now_ms() - t0) / 1e3));
	curl_easy_cleanup(c);
	curl_global_cleanup();

	/* A fresh client: login, then one timed `leadq sync` into an empty cache.
	 * login takes the server's address, not the API base. */
	snprintf(cmd, sizeof cmd,
		 "export XDG_CONFIG_HOME='%s/cfg' XDG_DATA_HOME='%s/data'; "
		 "echo lucia | '%s' login '%.*s' lucia --password-stdin >/dev/null",
		 dir, dir, leadq, (int)(strlen(base) - strlen("/api/v1")), base);
	if (run(cmd) != 0)
		return 1;
	snprintf(cmd, sizeof cmd,
		 "export XDG_CONFIG_HOME='%s/cfg' XDG_DATA_HOME='%s/data'; '%s' sync >/dev/null",
		 dir, dir, leadq);
	t0 = now_ms();
	if (run(cmd) != 0)
		return 1;
	printf("initial_sync_10k_leads_100k_events_s: %.2f s\n", (now_ms() - t0) / 1e3);

	/* leadqd import of a spreadsheet export: 100,000 new leads, then the
	 * same file again (every row a merge), into the database above. */
	{
		char csv[300];
		FILE *f;

		snprintf(csv, sizeof csv, "%s/leads.csv", dir);
		f = fopen(csv, "w");
		if (!f)
			return 1;
		fputs("\xef\xbb\xbf" "Nombre;Apellidos;Correo electrónico;Empresa;Puntuación;"
		      "Origen;Ciudad\r\n", f);
		for (int i = 0; i < IMPORT_ROWS; i++)
			fprintf(f, "José;Núñez %d;jose.%d@example.es;\"Grupo %d; S.L.\";%d;"
				"feria;Zürich\r\n", i, i, i % 5000, i % 101);
		fclose(f);
		snprintf(cmd, sizeof cmd, "'%s' import --db '%s' '%s' >/dev/null", leadqd, db, csv);
		t0 = now_ms();
		if (run(cmd) != 0)
			return 1;
		printf("import_100k_rows_s: %.1f s\n", (now_ms() - t0) / 1e3);
		t0 = now_ms();
		if (run(cmd) != 0)
			return 1;
		printf("import_100k_rows_merge_s: %.1f s\n", (now_ms() - t0) / 1e3);
		snprintf(cmd, sizeof cmd, "'%s' report funnel --db '%s' --by campaign >/dev/null",
			 leadqd, db);
		t0 = now_ms();
		if (run(cmd) != 0)
			return 1;
		printf("report_funnel_110k_leads_ms: %.0f ms\n", now_ms() - t0);
	}
	for (size_t i = 0; i < nleads; i++)
		free(lead_ids[i]);
	free(lead_ids);
	return 0;
}
