/* leadq client — the demo's private server.
 *
 * `leadq --demo` runs a leadqd of its own on a free loopback port, over
 * $XDG_DATA_HOME/leadq/demo/server.db (created and seeded on first use or
 * --reset), and stops it when the session ends. */
#ifndef LEADQ_UI_DEMO_H
#define LEADQ_UI_DEMO_H

#include <stdbool.h>
#include <sys/types.h>

/* The demo data set, the same with or without the server. */
#define LQ_DEMO_SEED 42
#define LQ_DEMO_REPS 8
#define LQ_DEMO_LEADS 1200
#define LQ_DEMO_EVENTS_PER_LEAD 12

struct lq_demo_server {
	pid_t pid;              /* 0: not running */
	char url[64];           /* "http://127.0.0.1:PORT" */
};

/* The leadqd to run: $LEADQD, else the one beside this program; NULL when
 * there is none (the demo then runs on a local cache alone).  malloc'd. */
char *lq_demo_find_leadqd(void);

/* Seeds dir/server.db when it does not exist (`leadqd init` and `leadqd
 * seed --demo-passwords`), then starts `leadqd serve` on 127.0.0.1:0 and
 * waits for its "listening on" line.  0, or 1 with a malloc'd one-line
 * reason in *err. */
int lq_demo_server_start(const char *leadqd, const char *dir, struct lq_demo_server *out,
			 char **err);
/* SIGTERM and wait; a no-op when not running. */
void lq_demo_server_stop(struct lq_demo_server *srv);

#endif
