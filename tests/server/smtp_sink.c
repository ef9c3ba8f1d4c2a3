/* A local SMTP receiver for the mail tests: just enough of RFC 5321 for
 * libcurl's client.  Listens on 127.0.0.1 (port 0 picks one, or the port
 * given), prints "listening on 127.0.0.1:PORT", then serves connections one
 * after the other and writes each message to DIR/N.eml: the envelope first
 * ("MAIL FROM:<…>", "RCPT TO:<…>" lines), a blank line, then the DATA as
 * received (dot-stuffing undone).  Numbering goes on from the messages
 * already in DIR, so a restarted sink adds to them.  Runs until killed.
 *
 *   smtp_sink DIR [PORT] */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static void say(FILE *out, const char *line)
{
	fputs(line, out);
	fputs("\r\n", out);
	fflush(out);
}

/* One SMTP session on the connection; messages numbered from *n. */
static void session(int fd, const char *dir, int *n)
{
	FILE *in = fdopen(fd, "r"), *out = fdopen(dup(fd), "w");
	char line[4096], envelope[8192] = "";
	size_t env_len = 0;

	if (!in || !out) {
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return;
	}
	say(out, "220 smtp-sink ready");
	while (fgets(line, sizeof line, in)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncasecmp(line, "EHLO", 4) == 0) {
			say(out, "250-smtp-sink");
			say(out, "250 8BITMIME");
		} else if (strncasecmp(line, "HELO", 4) == 0) {
			say(out, "250 smtp-sink");
		} else if (strncasecmp(line, "MAIL FROM:", 10) == 0 ||
			   strncasecmp(line, "RCPT TO:", 8) == 0) {
			int w = snprintf(envelope + env_len, sizeof envelope - env_len, "%s\n", line);

			if (w > 0 && (size_t)w < sizeof envelope - env_len)
				env_len += (size_t)w;
			say(out, "250 ok");
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			char path[1024];
			FILE *msg;

			snprintf(path, sizeof path, "%s/%d.tmp", dir, *n);
			msg = fopen(path, "w");
			say(out, "354 end with a dot");
			if (msg)
				fprintf(msg, "%s\n", envelope);
			while (fgets(line, sizeof line, in)) {
				char *text = line;

				if (strcmp(line, ".\r\n") == 0 || strcmp(line, ".\n") == 0)
					break;
				if (line[0] == '.')
					text++;
				if (msg)
					fputs(text, msg);
			}
			if (msg) {
				char done[1024];

				fclose(msg);
				snprintf(done, sizeof done, "%s/%d.eml", dir, *n);
				rename(path, done);   /* complete files only */
			}
			(*n)++;
			env_len = 0;
			envelope[0] = '\0';
			say(out, "250 queued");
		} else if (strncasecmp(line, "RSET", 4) == 0 || strncasecmp(line, "NOOP", 4) == 0) {
			env_len = 0;
			envelope[0] = '\0';
			say(out, "250 ok");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			say(out, "221 bye");
			break;
		} else {
			say(out, "502 not here");
		}
	}
	fclose(in);
	fclose(out);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof addr;
	int fd, one = 1, n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: smtp_sink DIR [PORT]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	{
		DIR *d = opendir(argv[1]);
		struct dirent *e;

		while (d && (e = readdir(d)))
			if (strstr(e->d_name, ".eml"))
				n++;
		if (d)
			closedir(d);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)(argc > 2 ? atoi(argv[2]) : 0));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
		perror("smtp_sink");
		return 1;
	}
	printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(addr.sin_port));
	fflush(stdout);
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c >= 0)
			session(c, argv[1], &n);
	}
}
