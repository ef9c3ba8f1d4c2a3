/* A local receiver of leadqd's outcome webhooks for the tests: just enough
 * HTTP/1.1 for libcurl's POST.  Listens on 127.0.0.1 (port 0 picks one, or
 * the port given), prints "listening on 127.0.0.1:PORT", then serves one
 * connection after the other.  Each POST is written to DIR/N.req: its
 * request line and headers as received, a blank line, then the body.
 * Numbering goes on from the requests already in DIR, so a restarted sink
 * adds to them.  While the file DIR/down exists it answers 503 (and keeps
 * nothing): marketing's side is failing.  With SECRET, the file starts with
 * "signature: ok" or "signature: bad" (X-Leadq-Signature against the
 * HMAC-SHA256 of the body).  Runs until killed.
 *
 *   hook_sink DIR [PORT [SECRET]]
 *
 * And for tests/server/mautic.sh, signing as Mautic does (base64 of the
 * HMAC-SHA256 of the file's bytes):
 *
 *   hook_sink --sign SECRET FILE */
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
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "leadq/intake.h"

#define HEAD_MAX 16384
#define BODY_MAX (1 << 20)

static void answer(int fd, const char *status)
{
	char text[200];
	int n = snprintf(text, sizeof text,
			 "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);

	if (write(fd, text, (size_t)n) < 0)
		perror("hook_sink: write");
}

/* "ok" when the request's X-Leadq-Signature is the body's HMAC. */
static const char *check(const char *secret, const char *head, const char *body, size_t len)
{
	char want[LQ_HMAC_HEX_SIZE];
	const char *h = strcasestr(head, "\r\nX-Leadq-Signature: ");

	lq_hmac_sha256_hex(secret, body, len, want);
	return h && strncmp(h + strlen("\r\nX-Leadq-Signature: "), want, strlen(want)) == 0 ? "ok" : "bad";
}

/* One request on the connection. */
static void serve(int fd, const char *dir, const char *secret, int *n)
{
	static char buf[HEAD_MAX + BODY_MAX];
	size_t len = 0, head_len = 0, body_len = 0;
	char path[4096], *end = NULL, *cl;
	struct stat st;
	FILE *f;

	/* The headers, then Content-Length bytes of body. */
	while (len < sizeof buf) {
		ssize_t got = read(fd, buf + len, sizeof buf - len - 1);

		if (got <= 0)
			return;
		len += (size_t)got;
		buf[len] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			head_len = (size_t)(end - buf) + 4;
			cl = strcasestr(buf, "\r\nContent-Length:");
			body_len = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
			if (body_len > BODY_MAX) {
				answer(fd, "413 Too Large");
				return;
			}
		}
		if (end && len >= head_len + body_len)
			break;
	}
	if (!end)
		return;
	snprintf(path, sizeof path, "%s/down", dir);
	if (stat(path, &st) == 0) {
		answer(fd, "503 Service Unavailable");
		return;
	}
	snprintf(path, sizeof path, "%s/%d.req", dir, ++*n);
	f = fopen(path, "wb");
	if (f && secret)
		fprintf(f, "signature: %s\n", check(secret, buf, buf + head_len, body_len));
	if (!f || fwrite(buf, 1, head_len + body_len, f) != head_len + body_len) {
		perror(path);
		answer(fd, "500 Internal Server Error");
	} else {
		answer(fd, "204 No Content");
	}
	if (f)
		fclose(f);
}

static int sign(const char *secret, const char *path)
{
	static unsigned char body[BODY_MAX];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_ORIGINAL)];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f || sodium_init() < 0) {
		perror(path);
		return 1;
	}
	n = fread(body, 1, sizeof body, f);
	fclose(f);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, body, n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	puts(b64);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof addr;
	int lfd, one = 1, n = 0;
	DIR *d;
	struct dirent *e;

	if (argc == 4 && strcmp(argv[1], "--sign") == 0)
		return sign(argv[2], argv[3]);
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: hook_sink DIR [PORT [SECRET]]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		int k = atoi(e->d_name);

		if (k > n && strstr(e->d_name, ".req"))
			n = k;
	}
	closedir(d);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(argc >= 3 ? (unsigned short)atoi(argv[2]) : 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
	    listen(lfd, 16) != 0 || getsockname(lfd, (struct sockaddr *)&addr, &alen) != 0) {
		perror("hook_sink");
		return 1;
	}
	printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			continue;
		serve(fd, argv[1], argc == 4 ? argv[3] : NULL, &n);
		close(fd);
	}
}
