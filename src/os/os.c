/* leadq — what the programs ask of the operating system: the clock,
 * randomness, the tz database and XDG folders.  Everything else stays pure. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "leadq/mem.h"
#include "leadq/os.h"

#define TZ_FILE_MAX (1024 * 1024)   /* real TZif files are a few KB */

lq_time lq_os_now(void)
{
	const char *frozen = getenv("LEADQ_NOW");
	struct timespec ts;
	lq_time t;

	if (frozen && frozen[0] && lq_time_parse(frozen, &t))
		return t;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (lq_time)time(NULL);
	return (lq_time)ts.tv_sec;
}

void lq_os_random(void *buf, size_t len)
{
	static atomic_int ready;

	/* sodium_init() is idempotent and thread-safe; the flag only saves the
	 * call.  randombytes_buf() works even if it failed (it then reads the
	 * kernel's generator directly). */
	if (!atomic_load(&ready)) {
		if (sodium_init() >= 0)
			atomic_store(&ready, 1);
	}
	randombytes_buf(buf, len);
}

char *lq_os_uuid(char out[LQ_UUID_SIZE])
{
	uint8_t bytes[16];

	lq_os_random(bytes, sizeof bytes);
	return lq_uuid_format(bytes, out);
}

char *lq_os_uuid_ordered(char out[LQ_UUID_SIZE])
{
	uint8_t bytes[16];
	struct timespec t;
	uint64_t ms = 0;

	/* The real clock, not LEADQ_NOW: the time only orders the keys. */
	lq_os_random(bytes, sizeof bytes);
	if (clock_gettime(CLOCK_REALTIME, &t) == 0 && t.tv_sec >= 0)
		ms = (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
	return lq_uuid_v7_format(ms, bytes, out);
}

/* Zone names are relative paths of plain components: "Europe/Madrid". */
static bool tz_name_ok(const char *name)
{
	const char *p;

	if (!name || !name[0] || name[0] == '/' || strstr(name, ".."))
		return false;
	for (p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || c == '\\')
			return false;
		if (c == '/' && (p[1] == '/' || p[1] == '\0'))
			return false;
	}
	return true;
}

/* Reads a whole small file; NULL with errno set. */
static void *read_small_file(const char *path, size_t max, size_t *len)
{
	struct stat sb;
	char *data;
	size_t got = 0;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) != 0)
		goto fail;
	if (!S_ISREG(sb.st_mode)) {
		errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if (sb.st_size <= 0 || (size_t)sb.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	data = lq_malloc((size_t)sb.st_size);
	if (!data) {
		errno = ENOMEM;
		goto fail;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, data + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n == 0 ? EIO : errno;
			lq_free(data);
			close(fd);
			errno = saved;
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return data;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

struct lq_tz *lq_os_tz_load(const char *name, char **err)
{
	const char *dir = getenv("TZDIR");
	struct lq_tz *tz = NULL;
	enum lq_tz_error te;
	char *path, *data;
	size_t len = 0;

	if (err)
		*err = NULL;
	if (name && (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)) {
		tz = lq_tz_fixed(name, 0);
		if (!tz && err)
			*err = lq_strdup("out of memory");
		return tz;
	}
	if (!tz_name_ok(name)) {
		if (err)
			*err = lq_os_asprintf("'%s' is not a time zone name", name ? name : "");
		return NULL;
	}
	if (!dir || !dir[0])
		dir = "/usr/share/zoneinfo";
	path = lq_os_asprintf("%s/%s", dir, name);
	if (!path) {
		if (err)
			*err = lq_strdup("out of memory");
		return NULL;
	}
	data = read_small_file(path, TZ_FILE_MAX, &len);
	if (!data) {
		if (err)
			*err = errno == ENOENT
				? lq_os_asprintf("unknown time zone '%s' (%s not found)", name, path)
				: lq_os_asprintf("%s: %s", path, strerror(errno));
		lq_free(path);
		return NULL;
	}
	te = lq_tz_parse(name, data, len, &tz);
	lq_free(data);
	if (te != LQ_TZ_OK) {
		tz = NULL;
		if (err)
			*err = te == LQ_TZ_ENOMEM ? lq_strdup("out of memory")
			     : te == LQ_TZ_EFOOTER
				? lq_os_asprintf("%s: the TZ rule at the end cannot be read", path)
				: lq_os_asprintf("%s: not a TZif time zone file", path);
	}
	lq_free(path);
	return tz;
}

char *lq_os_xdg_dir(const char *kind)
{
	static const struct {
		const char *kind, *env, *fallback;
	} dirs[] = {
		{ "config", "XDG_CONFIG_HOME", ".config" },
		{ "data",   "XDG_DATA_HOME",   ".local/share" },
		{ "state",  "XDG_STATE_HOME",  ".local/state" },
		{ "cache",  "XDG_CACHE_HOME",  ".cache" },
	};
	const char *base, *home;
	size_t i;

	if (!kind)
		return NULL;
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (strcmp(dirs[i].kind, kind) != 0)
			continue;
		/* The XDG spec says relative paths in these variables are ignored. */
		base = getenv(dirs[i].env);
		if (base && base[0] == '/')
			return lq_os_asprintf("%s/leadq", base);
		home = getenv("HOME");
		if (!home || home[0] != '/')
			return NULL;
		return lq_os_asprintf("%s/%s/leadq", home, dirs[i].fallback);
	}
	return NULL;
}

int lq_os_mkdir_p(const char *path, mode_t mode)
{
	struct stat sb;
	char *copy, *p;

	if (!path || !path[0]) {
		errno = ENOENT;
		return -1;
	}
	copy = lq_strdup(path);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	/* Each prefix ending before a '/', then the whole path. */
	for (p = copy + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST) {
			int saved = errno;

			lq_free(copy);
			errno = saved;
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	if (stat(copy, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		lq_free(copy);
		errno = ENOTDIR;
		return -1;
	}
	lq_free(copy);
	return 0;
}

char *lq_os_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	buf = lq_malloc((size_t)n + 1);
	if (!buf)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return buf;
}
