/* leadq client — the demo's private leadqd (see ui/demo.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leadq/i18n.h"
#include "leadq/os.h"
#include "ui/demo.h"

/* How long leadqd may take to say where it listens. */
#define DEMO_START_MS 10000

char *lq_demo_find_leadqd(void)
{
	const char *env = getenv("LEADQD");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return access(env, X_OK) == 0 ? strdup(env) : NULL;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	char *path = lq_os_asprintf("%s/leadqd", self);
	if (path && access(path, X_OK) != 0) {
		free(path);
		path = NULL;
	}
	return path;
}

/* Runs leadqd with argv (NULL-terminated), its output to log_fd; 0 when it
 * exits 0. */
static int run_leadqd(const char *leadqd, const char *const argv[], int log_fd)
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(log_fd, STDOUT_FILENO);
		dup2(log_fd, STDERR_FILENO);
		/* execv takes char *const[] for history's sake; it writes nothing. */
		execv(leadqd, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int seed_server(const char *leadqd, const char *db, int log_fd, char **err)
{
	char leads[16], reps[16], events[16], seed_no[16];
	const char *init[] = {"leadqd", "init", "--db", db, NULL};
	const char *seed[] = {"leadqd", "seed", "--db", db, "--leads", leads,
			"--reps", reps, "--events-per-lead", events,
			"--seed", seed_no, "--demo-passwords", NULL};

	snprintf(leads, sizeof leads, "%d", LQ_DEMO_LEADS);
	snprintf(reps, sizeof reps, "%d", LQ_DEMO_REPS);
	snprintf(events, sizeof events, "%d", LQ_DEMO_EVENTS_PER_LEAD);
	snprintf(seed_no, sizeof seed_no, "%d", LQ_DEMO_SEED);

	if (run_leadqd(leadqd, init, log_fd) != 0 || run_leadqd(leadqd, seed, log_fd) != 0) {
		*err = lq_os_asprintf(_("%s: the demo server could not be seeded (see %s.log)"),
				      db, db);
		unlink(db);
		return 1;
	}
	return 0;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Reads leadqd's stdout until "listening on 127.0.0.1:PORT"; the port or -1. */
static int read_port(int fd)
{
	char buf[512];
	size_t len = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed_ms(&t0) < DEMO_START_MS && len < sizeof buf - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int port;

		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			return -1;      /* leadqd exited */
		len += (size_t)n;
		buf[len] = '\0';
		const char *line = strstr(buf, "listening on 127.0.0.1:");
		if (line && strchr(line, '\n') &&
		    sscanf(line, "listening on 127.0.0.1:%d", &port) == 1)
			return port;
	}
	return -1;
}

int lq_demo_server_start(const char *leadqd, const char *dir, struct lq_demo_server *out,
			 char **err)
{
	char *db = lq_os_asprintf("%s/server.db", dir);
	char *log = lq_os_asprintf("%s/server.db.log", dir);
	int log_fd = -1, fds[2] = {-1, -1}, port, rc = 1;

	memset(out, 0, sizeof *out);
	if (!db || !log)
		goto nomem;
	log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		*err = lq_os_asprintf("%s: %s", log, strerror(errno));
		goto out;
	}
	if (access(db, F_OK) != 0 && seed_server(leadqd, db, log_fd, err) != 0)
		goto out;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		*err = lq_os_asprintf("pipe: %s", strerror(errno));
		goto out;
	}
	pid_t parent = getpid();
	out->pid = fork();
	if (out->pid < 0) {
		out->pid = 0;
		*err = lq_os_asprintf("fork: %s", strerror(errno));
		goto out;
	}
	if (out->pid == 0) {
		const char *serve[] = {"leadqd", "serve", "--db", db, "--listen", "127.0.0.1:0", NULL};

		dup2(fds[1], STDOUT_FILENO);
		dup2(log_fd, STDERR_FILENO);
		/* Its own process group: a Ctrl-C in the terminal is the UI's.
		 * And it dies with us, however we die (SIGPIPE, SIGKILL): a
		 * demo server must never outlive its client. */
		setpgid(0, 0);
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
#endif
		execv(leadqd, (char *const *)serve);
		_exit(127);
	}
	close(fds[1]);
	fds[1] = -1;
	port = read_port(fds[0]);
	if (port <= 0) {
		lq_demo_server_stop(out);
		*err = lq_os_asprintf(_("the demo server did not start (see %s)"), log);
		goto out;
	}
	snprintf(out->url, sizeof out->url, "http://127.0.0.1:%d", port);
	rc = 0;
	goto out;
nomem:
	*err = strdup(_("out of memory"));
out:
	/* leadqd writes nothing more we read; its stdout may close with us. */
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (log_fd >= 0)
		close(log_fd);
	free(db);
	free(log);
	return rc;
}

void lq_demo_server_stop(struct lq_demo_server *srv)
{
	if (!srv || srv->pid <= 0)
		return;
	kill(srv->pid, SIGTERM);
	while (waitpid(srv->pid, NULL, 0) < 0 && errno == EINTR)
		;
	srv->pid = 0;
}
