#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "leadq/mem.h"
#include "leadq/time.h"
#include "leadq/tz.h"

#define ZONEINFO "/usr/share/zoneinfo/"

/* Europe/Madrid as "zic -b slim" writes it (tzdata 2026f): transitions up to
 * 1996, then only the footer rule.  897 bytes. */
static const unsigned char slim_madrid[] = {
	0x54, 0x5a, 0x69, 0x66, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x54, 0x5a, 0x69, 0x66, 0x32,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x4f, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x1b, 0xff, 0xff, 0xff,
	0xff, 0x7e, 0x36, 0xb5, 0x00, 0xff, 0xff, 0xff, 0xff, 0x9e, 0xba, 0xc5, 0xf0, 0xff,
	0xff, 0xff, 0xff, 0x9f, 0xa0, 0x39, 0x00, 0xff, 0xff, 0xff, 0xff, 0xa0, 0x90, 0x1b,
	0xf0, 0xff, 0xff, 0xff, 0xff, 0xa1, 0x81, 0x6c, 0x80, 0xff, 0xff, 0xff, 0xff, 0xaa,
	0x05, 0xef, 0x70, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xe7, 0x6e, 0x00, 0xff, 0xff, 0xff,
	0xff, 0xad, 0xc9, 0xa7, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xae, 0xa7, 0x32, 0x00, 0xff,
	0xff, 0xff, 0xff, 0xaf, 0xa0, 0x4f, 0x70, 0xff, 0xff, 0xff, 0xff, 0xb0, 0x87, 0x14,
	0x00, 0xff, 0xff, 0xff, 0xff, 0xb1, 0x89, 0x7a, 0x00, 0xff, 0xff, 0xff, 0xff, 0xb2,
	0x70, 0x30, 0x80, 0xff, 0xff, 0xff, 0xff, 0xb3, 0x72, 0x88, 0x70, 0xff, 0xff, 0xff,
	0xff, 0xb4, 0x50, 0x12, 0x80, 0xff, 0xff, 0xff, 0xff, 0xc2, 0xc9, 0xec, 0xf0, 0xff,
	0xff, 0xff, 0xff, 0xc3, 0x58, 0x5d, 0x00, 0xff, 0xff, 0xff, 0xff, 0xc4, 0x48, 0x3f,
	0xf0, 0xff, 0xff, 0xff, 0xff, 0xc4, 0x6d, 0x1b, 0xe0, 0xff, 0xff, 0xff, 0xff, 0xc5,
	0x39, 0x74, 0x60, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x21, 0x5b, 0x80, 0xff, 0xff, 0xff,
	0xff, 0xc7, 0xf5, 0x8e, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xcb, 0xf5, 0xde, 0x60, 0xff,
	0xff, 0xff, 0xff, 0xcc, 0x95, 0x71, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xcd, 0xc3, 0x4b,
	0x60, 0xff, 0xff, 0xff, 0xff, 0xce, 0xa0, 0xd5, 0x70, 0xff, 0xff, 0xff, 0xff, 0xcf,
	0xa3, 0x2d, 0x60, 0xff, 0xff, 0xff, 0xff, 0xd0, 0x80, 0xb7, 0x70, 0xff, 0xff, 0xff,
	0xff, 0xd1, 0x83, 0x0f, 0x60, 0xff, 0xff, 0xff, 0xff, 0xd2, 0x60, 0x99, 0x70, 0xff,
	0xff, 0xff, 0xff, 0xd3, 0x62, 0xf1, 0x60, 0xff, 0xff, 0xff, 0xff, 0xd4, 0x40, 0x7b,
	0x70, 0xff, 0xff, 0xff, 0xff, 0xd9, 0x1e, 0x46, 0xe0, 0xff, 0xff, 0xff, 0xff, 0xd9,
	0xe9, 0x5b, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x08, 0x0d, 0xcd, 0xe0, 0x00, 0x00, 0x00,
	0x00, 0x08, 0xf4, 0x92, 0x70, 0x00, 0x00, 0x00, 0x00, 0x09, 0xed, 0xaf, 0xe0, 0x00,
	0x00, 0x00, 0x00, 0x0a, 0xd4, 0x74, 0x70, 0x00, 0x00, 0x00, 0x00, 0x0b, 0xbb, 0x1c,
	0xe0, 0x00, 0x00, 0x00, 0x00, 0x0c, 0xab, 0x1b, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x0d,
	0xa4, 0x39, 0x60, 0x00, 0x00, 0x00, 0x00, 0x0e, 0x8a, 0xfd, 0xf0, 0x00, 0x00, 0x00,
	0x00, 0x0f, 0x84, 0x45, 0x90, 0x00, 0x00, 0x00, 0x00, 0x10, 0x74, 0x36, 0x90, 0x00,
	0x00, 0x00, 0x00, 0x11, 0x64, 0x27, 0x90, 0x00, 0x00, 0x00, 0x00, 0x12, 0x54, 0x18,
	0x90, 0x00, 0x00, 0x00, 0x00, 0x13, 0x4d, 0x44, 0x10, 0x00, 0x00, 0x00, 0x00, 0x14,
	0x33, 0xfa, 0x90, 0x00, 0x00, 0x00, 0x00, 0x15, 0x23, 0xeb, 0x90, 0x00, 0x00, 0x00,
	0x00, 0x16, 0x13, 0xdc, 0x90, 0x00, 0x00, 0x00, 0x00, 0x17, 0x03, 0xcd, 0x90, 0x00,
	0x00, 0x00, 0x00, 0x17, 0xf3, 0xbe, 0x90, 0x00, 0x00, 0x00, 0x00, 0x18, 0xe3, 0xaf,
	0x90, 0x00, 0x00, 0x00, 0x00, 0x19, 0xd3, 0xa0, 0x90, 0x00, 0x00, 0x00, 0x00, 0x1a,
	0xc3, 0x91, 0x90, 0x00, 0x00, 0x00, 0x00, 0x1b, 0xbc, 0xbd, 0x10, 0x00, 0x00, 0x00,
	0x00, 0x1c, 0xac, 0xae, 0x10, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x9c, 0x9f, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x1e, 0x8c, 0x90, 0x10, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x7c, 0x81,
	0x10, 0x00, 0x00, 0x00, 0x00, 0x20, 0x6c, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00, 0x21,
	0x5c, 0x63, 0x10, 0x00, 0x00, 0x00, 0x00, 0x22, 0x4c, 0x54, 0x10, 0x00, 0x00, 0x00,
	0x00, 0x23, 0x3c, 0x45, 0x10, 0x00, 0x00, 0x00, 0x00, 0x24, 0x2c, 0x36, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x25, 0x1c, 0x27, 0x10, 0x00, 0x00, 0x00, 0x00, 0x26, 0x0c, 0x18,
	0x10, 0x00, 0x00, 0x00, 0x00, 0x27, 0x05, 0x43, 0x90, 0x00, 0x00, 0x00, 0x00, 0x27,
	0xf5, 0x34, 0x90, 0x00, 0x00, 0x00, 0x00, 0x28, 0xe5, 0x25, 0x90, 0x00, 0x00, 0x00,
	0x00, 0x29, 0xd5, 0x16, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2a, 0xc5, 0x07, 0x90, 0x00,
	0x00, 0x00, 0x00, 0x2b, 0xb4, 0xf8, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2c, 0xa4, 0xe9,
	0x90, 0x00, 0x00, 0x00, 0x00, 0x2d, 0x94, 0xda, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2e,
	0x84, 0xcb, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2f, 0x74, 0xbc, 0x90, 0x00, 0x00, 0x00,
	0x00, 0x30, 0x64, 0xad, 0x90, 0x00, 0x00, 0x00, 0x00, 0x31, 0x5d, 0xd9, 0x10, 0x02,
	0x01, 0x02, 0x01, 0x02, 0x01, 0x02, 0x01, 0x02, 0x01, 0x02, 0x01, 0x02, 0x01, 0x02,
	0x01, 0x02, 0x01, 0x03, 0x01, 0x02, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04,
	0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04,
	0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04,
	0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04,
	0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0x05, 0x04, 0xff, 0xff, 0xfc, 0x8c, 0x00, 0x00,
	0x00, 0x00, 0x0e, 0x10, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00,
	0x1c, 0x20, 0x01, 0x0d, 0x00, 0x00, 0x1c, 0x20, 0x01, 0x12, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x17, 0x4c, 0x4d, 0x54, 0x00, 0x57, 0x45, 0x53, 0x54, 0x00, 0x57, 0x45, 0x54,
	0x00, 0x57, 0x45, 0x4d, 0x54, 0x00, 0x43, 0x45, 0x53, 0x54, 0x00, 0x43, 0x45, 0x54,
	0x00, 0x0a, 0x43, 0x45, 0x54, 0x2d, 0x31, 0x43, 0x45, 0x53, 0x54, 0x2c, 0x4d, 0x33,
	0x2e, 0x35, 0x2e, 0x30, 0x2c, 0x4d, 0x31, 0x30, 0x2e, 0x35, 0x2e, 0x30, 0x2f, 0x33,
	0x0a,
};

/* ---- helpers --------------------------------------------------------- */

/* Reads a zone file with stdio (the core does no I/O); NULL when absent. */
static unsigned char *load_file(const char *name, size_t *len)
{
	char path[256];
	unsigned char *buf = NULL;
	long size;
	FILE *f;

	snprintf(path, sizeof(path), ZONEINFO "%s", name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		size = ftell(f);
		if (size > 0 && fseek(f, 0, SEEK_SET) == 0) {
			buf = malloc((size_t)size);
			if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
				free(buf);
				buf = NULL;
			}
			*len = (size_t)size;
		}
	}
	fclose(f);
	return buf;
}

static struct lq_tz *zone(const char *name)
{
	size_t len = 0;
	unsigned char *data = load_file(name, &len);
	struct lq_tz *tz = NULL;

	if (!data)
		fail_msg("cannot read " ZONEINFO "%s", name);
	assert_int_equal(lq_tz_parse(name, data, len, &tz), LQ_TZ_OK);
	assert_non_null(tz);
	free(data);
	return tz;
}

static lq_time T(const char *rfc3339)
{
	lq_time t = 0;

	if (!lq_time_parse(rfc3339, &t))
		fail_msg("bad time in test: %s", rfc3339);
	return t;
}

#define check_at(tz, t, off, abbr) check_at_(tz, t, off, abbr, __LINE__)
static void check_at_(const struct lq_tz *tz, lq_time t, int32_t off, const char *abbr, int line)
{
	const char *got_abbr = NULL;
	int32_t got = lq_tz_offset(tz, t, &got_abbr);

	if (got != off || !got_abbr || strcmp(got_abbr, abbr) != 0)
		fail_msg("line %d: %s at %lld: offset %d %s, expected %d %s", line,
			 lq_tz_name(tz), (long long)t, got, got_abbr ? got_abbr : "(null)", off, abbr);
}

/* A transition at instant t: `before` one second earlier, `after` at t. */
#define check_change(tz, rfc, ob, ab, oa, aa) do { \
	check_at(tz, T(rfc) - 1, ob, ab); \
	check_at(tz, T(rfc), oa, aa); \
} while (0)

static lq_time local(const struct lq_tz *tz, int y, int mo, int d, int h, int mi, int s)
{
	struct lq_civil c = { .year = y, .month = mo, .day = d, .hour = h, .minute = mi, .second = s };

	return lq_tz_from_local(tz, &c);
}

/* ---- a TZif writer for made-up zones ---------------------------------- */

struct ttype {
	int32_t off;
	int isdst;
	int abbr;
};

struct tzif {
	unsigned char buf[16384];
	size_t len;
};

static void put(struct tzif *z, const void *p, size_t n)
{
	assert_true(z->len + n <= sizeof(z->buf));
	memcpy(z->buf + z->len, p, n);
	z->len += n;
}

static void put8(struct tzif *z, int v)
{
	unsigned char b = (unsigned char)v;

	put(z, &b, 1);
}

static void put32(struct tzif *z, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	put(z, b, 4);
}

static void put64(struct tzif *z, int64_t v)
{
	put32(z, (uint32_t)((uint64_t)v >> 32));
	put32(z, (uint32_t)v);
}

static void header(struct tzif *z, char version, uint32_t timecnt, uint32_t typecnt,
		   uint32_t charcnt)
{
	put(z, "TZif", 4);
	put8(z, version);
	for (int i = 0; i < 15; i++)
		put8(z, 0);
	put32(z, 0); /* isutcnt */
	put32(z, 0); /* isstdcnt */
	put32(z, 0); /* leapcnt */
	put32(z, timecnt);
	put32(z, typecnt);
	put32(z, charcnt);
}

/* version 0 writes a v1 file (32-bit, no footer); '2'.. a v1 stub block, the
 * 64-bit block and the footer (NULL footer: none at all, truncated). */
static void build(struct tzif *z, char version, int ntrans, const int64_t *trans,
		  const uint8_t *idx, int ntypes, const struct ttype *types,
		  const char *chars, int nchars, const char *footer)
{
	z->len = 0;
	if (version == 0) {
		header(z, 0, (uint32_t)ntrans, (uint32_t)ntypes, (uint32_t)nchars);
		for (int i = 0; i < ntrans; i++)
			put32(z, (uint32_t)(int32_t)trans[i]);
	} else {
		header(z, version, 0, 1, 1);
		put32(z, 0);
		put8(z, 0);
		put8(z, 0);
		put8(z, 0);
		header(z, version, (uint32_t)ntrans, (uint32_t)ntypes, (uint32_t)nchars);
		for (int i = 0; i < ntrans; i++)
			put64(z, trans[i]);
	}
	for (int i = 0; i < ntrans; i++)
		put8(z, idx[i]);
	for (int i = 0; i < ntypes; i++) {
		put32(z, (uint32_t)types[i].off);
		put8(z, types[i].isdst);
		put8(z, types[i].abbr);
	}
	put(z, chars, (size_t)nchars);
	if (version != 0 && footer) {
		put8(z, '\n');
		put(z, footer, strlen(footer));
		put8(z, '\n');
	}
}

/* A zone made of its footer alone (no transitions). */
static enum lq_tz_error footer_zone(const char *footer, struct lq_tz **out)
{
	static const struct ttype lmt = { 0, 0, 0 };
	struct tzif z;

	build(&z, '2', 0, NULL, NULL, 1, &lmt, "LMT", 4, footer);
	return lq_tz_parse(footer, z.buf, z.len, out);
}

static struct lq_tz *footer_zone_ok(const char *footer)
{
	struct lq_tz *tz = NULL;

	if (footer_zone(footer, &tz) != LQ_TZ_OK)
		fail_msg("footer refused: %s", footer);
	return tz;
}

/* ---- real zones ------------------------------------------------------- */

static void test_madrid(void **state)
{
	struct lq_tz *tz = zone("Europe/Madrid");

	(void)state;
	assert_string_equal(lq_tz_name(tz), "Europe/Madrid");
	check_at(tz, T("2026-01-15T12:00:00Z"), 3600, "CET");
	check_at(tz, T("2026-07-15T12:00:00Z"), 7200, "CEST");
	check_change(tz, "2026-03-29T01:00:00Z", 3600, "CET", 7200, "CEST");
	check_change(tz, "2026-10-25T01:00:00Z", 7200, "CEST", 3600, "CET");
	check_change(tz, "2022-03-27T01:00:00Z", 3600, "CET", 7200, "CEST");
	/* Beyond the file's transitions: the footer rule. */
	check_change(tz, "2040-03-25T01:00:00Z", 3600, "CET", 7200, "CEST");
	check_change(tz, "2040-10-28T01:00:00Z", 7200, "CEST", 3600, "CET");
	check_change(tz, "2100-03-28T01:00:00Z", 3600, "CET", 7200, "CEST");
	check_change(tz, "2100-10-31T01:00:00Z", 7200, "CEST", 3600, "CET");
	/* Before the first transition: local mean time, -0:14:44. */
	check_at(tz, T("1880-01-01T00:00:00Z"), -884, "LMT");
	lq_tz_free(&tz);
	assert_null(tz);
}

static void test_mexico_city(void **state)
{
	struct lq_tz *tz = zone("America/Mexico_City");

	(void)state;
	/* DST until 2022 ... */
	check_change(tz, "2022-04-03T08:00:00Z", -21600, "CST", -18000, "CDT");
	check_change(tz, "2022-10-30T07:00:00Z", -18000, "CDT", -21600, "CST");
	/* ... none since. */
	check_at(tz, T("2023-04-02T08:00:00Z"), -21600, "CST");
	check_at(tz, T("2023-07-01T00:00:00Z"), -21600, "CST");
	check_at(tz, T("2026-05-01T12:00:00Z"), -21600, "CST");
	check_at(tz, T("2040-07-01T00:00:00Z"), -21600, "CST");
	assert_int_equal(local(tz, 2026, 4, 5, 2, 30, 0), T("2026-04-05T08:30:00Z"));
	lq_tz_free(&tz);
}

static void test_bogota(void **state)
{
	struct lq_tz *tz = zone("America/Bogota");

	(void)state;
	check_at(tz, T("1900-01-01T00:00:00Z"), -17776, "BMT");
	check_at(tz, T("1992-06-01T00:00:00Z"), -14400, "-04");
	check_at(tz, T("1993-06-01T00:00:00Z"), -18000, "-05");
	check_at(tz, T("2026-03-29T01:00:00Z"), -18000, "-05");
	check_at(tz, T("2026-11-01T06:00:00Z"), -18000, "-05");
	check_at(tz, T("2040-07-01T00:00:00Z"), -18000, "-05");
	assert_int_equal(local(tz, 2026, 3, 8, 2, 30, 0), T("2026-03-08T07:30:00Z"));
	lq_tz_free(&tz);
}

static void test_new_york(void **state)
{
	struct lq_tz *tz = zone("America/New_York");

	(void)state;
	check_change(tz, "2026-03-08T07:00:00Z", -18000, "EST", -14400, "EDT");
	check_change(tz, "2026-11-01T06:00:00Z", -14400, "EDT", -18000, "EST");
	check_change(tz, "2040-03-11T07:00:00Z", -18000, "EST", -14400, "EDT");
	check_change(tz, "2040-11-04T06:00:00Z", -14400, "EDT", -18000, "EST");
	check_change(tz, "2100-03-14T07:00:00Z", -18000, "EST", -14400, "EDT");
	lq_tz_free(&tz);
}

static void test_utc_and_fixed(void **state)
{
	struct lq_tz *tz = zone("UTC");
	struct lq_civil c;

	(void)state;
	check_at(tz, 0, 0, "UTC");
	check_at(tz, T("2040-07-01T00:00:00Z"), 0, "UTC");
	assert_int_equal(local(tz, 2026, 3, 29, 2, 30, 0), T("2026-03-29T02:30:00Z"));
	lq_tz_free(&tz);

	tz = lq_tz_fixed("UTC", 0);
	assert_non_null(tz);
	assert_string_equal(lq_tz_name(tz), "UTC");
	check_at(tz, T("1900-01-01T00:00:00Z"), 0, "UTC");
	check_at(tz, T("2100-01-01T00:00:00Z"), 0, "UTC");
	lq_tz_free(&tz);

	tz = lq_tz_fixed("Etc/GMT+5", -5 * 3600);
	assert_non_null(tz);
	assert_string_equal(lq_tz_name(tz), "Etc/GMT+5");
	check_at(tz, T("2026-07-01T00:00:00Z"), -18000, "-05");
	assert_int_equal(local(tz, 2026, 7, 1, 9, 0, 0), T("2026-07-01T14:00:00Z"));
	assert_int_equal(lq_tz_to_local(tz, T("2026-07-01T03:00:00Z"), &c), -18000);
	assert_int_equal(c.day, 30);
	assert_int_equal(c.hour, 22);
	lq_tz_free(&tz);

	tz = lq_tz_fixed(NULL, 5 * 3600 + 1800);
	assert_non_null(tz);
	assert_string_equal(lq_tz_name(tz), "");
	check_at(tz, 0, 19800, "+0530");
	lq_tz_free(&tz);
	lq_tz_free(&tz); /* twice is harmless */
	lq_tz_free(NULL);
}

/* A slim file (few transitions, the footer for the rest) answers exactly as
 * the fat one, from 1900 to 2100. */
static void test_slim_equals_fat(void **state)
{
	struct lq_tz *fat = zone("Europe/Madrid");
	struct lq_tz *slim = NULL;
	int checked = 0;

	(void)state;
	assert_int_equal(lq_tz_parse("Europe/Madrid", slim_madrid, sizeof(slim_madrid), &slim),
			 LQ_TZ_OK);
	for (lq_time t = T("1900-01-01T00:00:00Z"); t < T("2100-12-31T00:00:00Z");
	     t += 9 * 3600 + 1799) {
		const char *a1, *a2;
		int32_t o1 = lq_tz_offset(fat, t, &a1), o2 = lq_tz_offset(slim, t, &a2);

		if (o1 != o2 || strcmp(a1, a2) != 0)
			fail_msg("at %lld fat %d %s, slim %d %s", (long long)t, o1, a1, o2, a2);
		checked++;
	}
	assert_true(checked > 100000);
	check_change(slim, "2026-03-29T01:00:00Z", 3600, "CET", 7200, "CEST");
	check_change(slim, "2026-10-25T01:00:00Z", 7200, "CEST", 3600, "CET");
	lq_tz_free(&fat);
	lq_tz_free(&slim);
}

/* ---- local time to instant -------------------------------------------- */

static void test_from_local_madrid(void **state)
{
	struct lq_tz *tz = zone("Europe/Madrid");

	(void)state;
	assert_int_equal(local(tz, 2026, 1, 12, 9, 0, 0), T("2026-01-12T08:00:00Z"));
	assert_int_equal(local(tz, 2026, 7, 13, 9, 0, 0), T("2026-07-13T07:00:00Z"));
	/* Spring gap: 02:00..02:59:59 does not exist; read as if the clock
	 * had not jumped. */
	assert_int_equal(local(tz, 2026, 3, 29, 1, 59, 59), T("2026-03-29T00:59:59Z"));
	assert_int_equal(local(tz, 2026, 3, 29, 2, 0, 0), T("2026-03-29T01:00:00Z"));
	assert_int_equal(local(tz, 2026, 3, 29, 2, 30, 0), T("2026-03-29T01:30:00Z"));
	assert_int_equal(local(tz, 2026, 3, 29, 2, 59, 59), T("2026-03-29T01:59:59Z"));
	assert_int_equal(local(tz, 2026, 3, 29, 3, 0, 0), T("2026-03-29T01:00:00Z"));
	assert_int_equal(local(tz, 2026, 3, 29, 3, 30, 0), T("2026-03-29T01:30:00Z"));
	/* Autumn overlap: 02:00..02:59:59 happens twice; the earlier (CEST). */
	assert_int_equal(local(tz, 2026, 10, 25, 1, 59, 59), T("2026-10-24T23:59:59Z"));
	assert_int_equal(local(tz, 2026, 10, 25, 2, 0, 0), T("2026-10-25T00:00:00Z"));
	assert_int_equal(local(tz, 2026, 10, 25, 2, 30, 0), T("2026-10-25T00:30:00Z"));
	assert_int_equal(local(tz, 2026, 10, 25, 2, 59, 59), T("2026-10-25T00:59:59Z"));
	assert_int_equal(local(tz, 2026, 10, 25, 3, 0, 0), T("2026-10-25T02:00:00Z"));
	/* The same in 2040, from the footer rule. */
	assert_int_equal(local(tz, 2040, 3, 25, 2, 30, 0), T("2040-03-25T01:30:00Z"));
	assert_int_equal(local(tz, 2040, 10, 28, 2, 30, 0), T("2040-10-28T00:30:00Z"));
	/* Denormal fields roll over like the civil maths do. */
	assert_int_equal(local(tz, 2026, 1, 32, 9, 0, 0), T("2026-02-01T08:00:00Z"));
	lq_tz_free(&tz);
}

static void test_from_local_new_york(void **state)
{
	struct lq_tz *tz = zone("America/New_York");

	(void)state;
	assert_int_equal(local(tz, 2026, 3, 8, 1, 59, 59), T("2026-03-08T06:59:59Z"));
	assert_int_equal(local(tz, 2026, 3, 8, 2, 30, 0), T("2026-03-08T07:30:00Z"));
	assert_int_equal(local(tz, 2026, 3, 8, 3, 0, 0), T("2026-03-08T07:00:00Z"));
	assert_int_equal(local(tz, 2026, 11, 1, 0, 59, 59), T("2026-11-01T04:59:59Z"));
	assert_int_equal(local(tz, 2026, 11, 1, 1, 30, 0), T("2026-11-01T05:30:00Z"));
	assert_int_equal(local(tz, 2026, 11, 1, 2, 0, 0), T("2026-11-01T07:00:00Z"));
	lq_tz_free(&tz);
}

/* to_local then from_local gives the instant back, except in the second
 * pass of an overlap (which from_local answers with the first). */
static void test_local_round_trip(void **state)
{
	static const char *names[] = { "Europe/Madrid", "America/New_York",
				       "America/Mexico_City", "America/Bogota" };

	(void)state;
	for (size_t z = 0; z < sizeof(names) / sizeof(names[0]); z++) {
		struct lq_tz *tz = zone(names[z]);
		int second_pass = 0;

		for (lq_time t = T("2021-01-01T00:00:00Z"); t < T("2041-01-01T00:00:00Z"); t += 1800) {
			struct lq_civil c;
			int32_t off = lq_tz_to_local(tz, t, &c);
			lq_time back = lq_tz_from_local(tz, &c);

			assert_int_equal(off, lq_tz_offset(tz, t, NULL));
			if (back != t) {
				/* The earlier instant with the same wall time. */
				assert_true(back < t);
				assert_int_equal(back + lq_tz_offset(tz, back, NULL), t + off);
				second_pass++;
			}
		}
		if (strcmp(names[z], "America/Bogota") == 0)
			assert_int_equal(second_pass, 0);
		else
			assert_true(second_pass > 0);
		lq_tz_free(&tz);
	}
}

/* ---- footer rules ---------------------------------------------------- */

static void test_footer_rules(void **state)
{
	struct lq_tz *tz;

	(void)state;
	/* Jerusalem: Thursday of the 4th week at 26:00 (= Friday 02:00). */
	tz = footer_zone_ok("IST-2IDT,M3.4.4/26,M10.5.0");
	check_change(tz, "2026-03-27T00:00:00Z", 7200, "IST", 10800, "IDT");
	check_change(tz, "2026-10-24T23:00:00Z", 10800, "IDT", 7200, "IST");
	check_change(tz, "2045-03-24T00:00:00Z", 7200, "IST", 10800, "IDT");
	check_change(tz, "2045-10-28T23:00:00Z", 10800, "IDT", 7200, "IST");
	lq_tz_free(&tz);

	/* Nuuk: negative transition times. */
	tz = footer_zone_ok("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
	check_change(tz, "2026-03-29T01:00:00Z", -7200, "-02", -3600, "-01");
	check_change(tz, "2026-10-25T01:00:00Z", -3600, "-01", -7200, "-02");
	lq_tz_free(&tz);

	/* Southern hemisphere: DST across the new year. */
	tz = footer_zone_ok("AEST-10AEDT,M10.1.0,M4.1.0/3");
	check_at(tz, T("2026-01-01T00:00:00Z"), 39600, "AEDT");
	check_change(tz, "2026-04-04T16:00:00Z", 39600, "AEDT", 36000, "AEST");
	check_change(tz, "2026-10-03T16:00:00Z", 36000, "AEST", 39600, "AEDT");
	check_at(tz, T("2026-12-31T23:59:59Z"), 39600, "AEDT");
	lq_tz_free(&tz);

	/* Chatham: offsets and times with minutes. */
	tz = footer_zone_ok("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45");
	check_change(tz, "2026-04-04T14:00:00Z", 49500, "+1345", 45900, "+1245");
	check_change(tz, "2026-09-26T14:00:00Z", 45900, "+1245", 49500, "+1345");
	lq_tz_free(&tz);

	/* Santiago: /24. */
	tz = footer_zone_ok("<-04>4<-03>,M9.1.6/24,M4.1.6/24");
	check_change(tz, "2026-04-05T03:00:00Z", -10800, "-03", -14400, "-04");
	check_change(tz, "2026-09-06T04:00:00Z", -14400, "-04", -10800, "-03");
	check_change(tz, "2045-09-03T04:00:00Z", -14400, "-04", -10800, "-03");
	lq_tz_free(&tz);

	/* Zero-based n counts 29 February; Jn never does. */
	tz = footer_zone_ok("AAA3BBB,59/2,300/2");
	check_change(tz, "2028-02-29T05:00:00Z", -10800, "AAA", -7200, "BBB");
	check_change(tz, "2027-03-01T05:00:00Z", -10800, "AAA", -7200, "BBB");
	lq_tz_free(&tz);
	tz = footer_zone_ok("AAA3BBB,J60/2,J300/2");
	check_change(tz, "2028-03-01T05:00:00Z", -10800, "AAA", -7200, "BBB");
	check_change(tz, "2027-03-01T05:00:00Z", -10800, "AAA", -7200, "BBB");
	/* J300 is 27 October in every year; ends at 02:00 BBB = 04:00Z. */
	check_change(tz, "2028-10-27T04:00:00Z", -7200, "BBB", -10800, "AAA");
	lq_tz_free(&tz);

	/* DST all year (RFC 8536 §3.3.1). */
	tz = footer_zone_ok("EST5EDT,0/0,J365/25");
	for (lq_time t = T("2029-12-31T00:00:00Z"); t < T("2031-01-02T00:00:00Z"); t += 3600 * 7)
		check_at(tz, t, -14400, "EDT");
	check_at(tz, T("2030-01-01T04:00:00Z"), -14400, "EDT");
	check_at(tz, T("2030-01-01T05:00:00Z"), -14400, "EDT");
	lq_tz_free(&tz);

	/* No rule given: the US default. */
	tz = footer_zone_ok("CST6CDT");
	check_change(tz, "2026-03-08T08:00:00Z", -21600, "CST", -18000, "CDT");
	check_change(tz, "2026-11-01T07:00:00Z", -18000, "CDT", -21600, "CST");
	lq_tz_free(&tz);

	/* Explicit DST offset, and no DST at all. */
	tz = footer_zone_ok("XXX-1YYY-3,M3.5.0,M10.5.0/3");
	check_at(tz, T("2026-07-01T00:00:00Z"), 10800, "YYY");
	lq_tz_free(&tz);
	tz = footer_zone_ok("<-05>5");
	check_at(tz, T("2026-07-01T00:00:00Z"), -18000, "-05");
	check_at(tz, T("1901-07-01T00:00:00Z"), -18000, "-05");
	lq_tz_free(&tz);
	tz = footer_zone_ok("<+0530>-5:30");
	check_at(tz, T("2026-07-01T00:00:00Z"), 19800, "+0530");
	lq_tz_free(&tz);
}

static void test_bad_footers(void **state)
{
	static const char *bad[] = {
		"CET", "CET-", "C-1", "<AB>3", "<-05", "CET-25", "CET-1CEST,M3.5.0",
		"CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M0.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
		"CET-1CEST,M3.0.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J365",
		"CET-1CEST,J366,J365", "CET-1CEST,366,300", "CET-1CEST,M3.5.0/168,M10.5.0",
		"CET-1CEST,M3.5.0,M10.5.0junk", "CET-1CEST,M3.5.0,M10.5.0,", "CET-1:60",
		"CET-1CEST,M3.5.0/2:60,M10.5.0", "CET-1CEST;M3.5.0,M10.5.0", "CET-1C",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ-1", "CET-1CEST,M3.5,M10.5.0", "CET-1CEST,M3..0,M10.5.0",
		"123", "CET 1", "CET-1CEST,/2,M10.5.0",
	};
	struct lq_tz *tz;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tz = (struct lq_tz *)&tz; /* must be reset */
		if (footer_zone(bad[i], &tz) != LQ_TZ_EFOOTER)
			fail_msg("footer accepted: '%s'", bad[i]);
		assert_null(tz);
	}
	/* The longest legal /time is 167 h. */
	tz = footer_zone_ok("CET-1CEST,M3.5.0/167,M10.5.0/-167");
	lq_tz_free(&tz);
}

/* ---- the file format ------------------------------------------------- */

static const struct ttype std_dst[2] = { { 3600, 0, 0 }, { 7200, 1, 4 } };

static void test_versions(void **state)
{
	static const int64_t trans[2] = { 1000000000, 1010000000 };
	static const uint8_t idx[2] = { 1, 0 };
	static const char versions[] = { 0, '2', '3', '4' };
	struct tzif z;
	struct lq_tz *tz;

	(void)state;
	for (size_t v = 0; v < sizeof(versions); v++) {
		/* Empty footer (v2+): after the last transition its type holds. */
		build(&z, versions[v], 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "");
		assert_int_equal(lq_tz_parse("X", z.buf, z.len, &tz), LQ_TZ_OK);
		check_at(tz, 999999999, 3600, "CET");
		check_at(tz, 1000000000, 7200, "CEST");
		check_at(tz, 1009999999, 7200, "CEST");
		check_at(tz, 1010000000, 3600, "CET");
		check_at(tz, T("2100-01-01T00:00:00Z"), 3600, "CET");
		lq_tz_free(&tz);
	}
	/* 64-bit transitions before 1901 and after 2038. */
	{
		static const int64_t far[2] = { -5000000000LL, 5000000000LL };

		build(&z, '2', 2, far, idx, 2, std_dst, "CET\0CEST", 9, "");
		assert_int_equal(lq_tz_parse("X", z.buf, z.len, &tz), LQ_TZ_OK);
		check_at(tz, -5000000001LL, 3600, "CET");
		check_at(tz, -5000000000LL, 7200, "CEST");
		check_at(tz, 4999999999LL, 7200, "CEST");
		check_at(tz, 5000000000LL, 3600, "CET");
		lq_tz_free(&tz);
	}
}

/* Binary search: every one of many transitions, one second either side. */
static void test_many_transitions(void **state)
{
	enum { N = 900 };
	int64_t trans[N];
	uint8_t idx[N];
	struct tzif z;
	struct lq_tz *tz;

	(void)state;
	for (int i = 0; i < N; i++) {
		trans[i] = -2000000000LL + (int64_t)i * 4000000 + (i % 7) * 3600;
		idx[i] = (uint8_t)(i % 2 == 0);
	}
	build(&z, '2', N, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	assert_int_equal(lq_tz_parse("many", z.buf, z.len, &tz), LQ_TZ_OK);
	check_at(tz, trans[0] - 1, 3600, "CET");
	for (int i = 0; i < N; i++) {
		int32_t want = idx[i] ? 7200 : 3600;

		check_at(tz, trans[i], want, idx[i] ? "CEST" : "CET");
		check_at(tz, trans[i] + 1, want, idx[i] ? "CEST" : "CET");
		if (i > 0)
			check_at(tz, trans[i] - 1, idx[i - 1] ? 7200 : 3600,
				idx[i - 1] ? "CEST" : "CET");
	}
	lq_tz_free(&tz);
}

static void expect_format_error(struct tzif *z, const char *what)
{
	struct lq_tz *tz = NULL;
	enum lq_tz_error e = lq_tz_parse("bad", z->buf, z->len, &tz);

	if (e != LQ_TZ_EFORMAT)
		fail_msg("%s: got %d, expected LQ_TZ_EFORMAT", what, (int)e);
	assert_null(tz);
}

static void test_bad_files(void **state)
{
	static const int64_t trans[2] = { 1000000000, 1010000000 };
	static const uint8_t idx[2] = { 1, 0 };
	static const uint8_t bad_idx[2] = { 1, 2 };
	static const int64_t unsorted[2] = { 1010000000, 1000000000 };
	static const int64_t same[2] = { 1000000000, 1000000000 };
	static const struct ttype bad_abbr[2] = { { 3600, 0, 0 }, { 7200, 1, 9 } };
	static const struct ttype bad_isdst[2] = { { 3600, 0, 0 }, { 7200, 2, 4 } };
	static const struct ttype bad_off[2] = { { 3600, 0, 0 }, { INT32_MIN, 1, 4 } };
	struct tzif z;
	struct lq_tz *tz = NULL;

	(void)state;
	assert_int_equal(lq_tz_parse("x", NULL, 0, &tz), LQ_TZ_EFORMAT);
	assert_int_equal(lq_tz_parse("x", "", 0, &tz), LQ_TZ_EFORMAT);
	assert_int_equal(lq_tz_parse("x", "not a zone file at all, not at all, no no no", 44, &tz),
			 LQ_TZ_EFORMAT);
	build(&z, '2', 2, trans, bad_idx, 2, std_dst, "CET\0CEST", 9, "");
	expect_format_error(&z, "type index out of range");
	build(&z, '2', 2, unsorted, idx, 2, std_dst, "CET\0CEST", 9, "");
	expect_format_error(&z, "unsorted transitions");
	build(&z, '2', 2, same, idx, 2, std_dst, "CET\0CEST", 9, "");
	expect_format_error(&z, "repeated transition");
	build(&z, '2', 2, trans, idx, 2, bad_abbr, "CET\0CEST", 9, "");
	expect_format_error(&z, "abbreviation index out of range");
	build(&z, '2', 2, trans, idx, 2, bad_isdst, "CET\0CEST", 9, "");
	expect_format_error(&z, "isdst not 0/1");
	build(&z, '2', 2, trans, idx, 2, bad_off, "CET\0CEST", 9, "");
	expect_format_error(&z, "offset -2^31");
	build(&z, '2', 0, NULL, NULL, 0, std_dst, "", 0, "");
	expect_format_error(&z, "no types");
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, NULL);
	expect_format_error(&z, "no footer");
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	z.len--; /* footer without its closing newline */
	expect_format_error(&z, "open footer");
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	z.buf[z.len - 7] = 'x'; /* not the newline that opens the footer */
	expect_format_error(&z, "footer not after the data");
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	z.buf[0] = 'X';
	expect_format_error(&z, "magic");
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	z.buf[4] = 'x';
	expect_format_error(&z, "version");
	/* Counts far beyond the data (32-bit overflow bait). */
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	memset(z.buf + 44 + 7 + 32, 0xff, 4);
	expect_format_error(&z, "huge timecnt");
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	memset(z.buf + 44 + 7 + 28, 0x7f, 4);
	expect_format_error(&z, "huge leapcnt");
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	z.buf[44 + 7 + 23] = 1; /* isutcnt neither 0 nor typecnt */
	expect_format_error(&z, "isutcnt");
	/* A footer with a NUL inside. */
	build(&z, '2', 2, trans, idx, 2, std_dst, "CET\0CEST", 9, "CET-1");
	z.buf[z.len - 3] = '\0';
	assert_int_equal(lq_tz_parse("bad", z.buf, z.len, &tz), LQ_TZ_EFOOTER);
	assert_null(tz);
}

/* Exercise a zone that did parse (from damaged input): no crash, sane answers. */
static void poke(const struct lq_tz *tz)
{
	static const lq_time probes[] = { INT64_MIN / 4, -5000000000LL, -1, 0, 1000000000,
					  1774746000, 2208988800LL, 4102444800LL, INT64_MAX / 4 };

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		const char *abbr = NULL;
		int32_t off = lq_tz_offset(tz, probes[i], &abbr);
		lq_time from, until;

		assert_non_null(abbr);
		assert_true(strlen(abbr) < 64);
		assert_true(off >= -26 * 3600 && off <= 26 * 3600);
		assert_int_equal(lq_tz_offset_span(tz, probes[i], &from, &until), off);
		assert_true(from <= probes[i] && probes[i] < until);
		if (i > 1 && i + 1 < sizeof(probes) / sizeof(probes[0]))
			(void)lq_tz_from_wall(tz, probes[i]);
	}
}

/* Every prefix of real files is refused without reading past its end. */
static void test_truncated(void **state)
{
	static const char *names[] = { "Europe/Madrid", "America/New_York", "America/Bogota" };

	(void)state;
	for (size_t n = 0; n <= sizeof(names) / sizeof(names[0]); n++) {
		size_t len = 0;
		unsigned char *data;

		if (n < sizeof(names) / sizeof(names[0])) {
			data = load_file(names[n], &len);
			assert_non_null(data);
		} else {
			len = sizeof(slim_madrid);
			data = malloc(len);
			assert_non_null(data);
			memcpy(data, slim_madrid, len);
		}
		for (size_t cut = 0; cut < len; cut++) {
			/* An exact-size copy, so that ASan sees any overread. */
			unsigned char *part = malloc(cut ? cut : 1);
			struct lq_tz *tz = NULL;

			assert_non_null(part);
			memcpy(part, data, cut);
			if (lq_tz_parse("cut", part, cut, &tz) == LQ_TZ_OK)
				fail_msg("%s cut at %zu accepted", n < 3 ? names[n] : "slim", cut);
			assert_null(tz);
			free(part);
		}
		free(data);
	}
}

/* Damaged bytes anywhere: either refused or a zone that answers sanely. */
static void test_corrupted(void **state)
{
	uint32_t seed = 12345;
	size_t flen = 0;
	unsigned char *fat = load_file("America/New_York", &flen);
	int accepted = 0, refused = 0;

	(void)state;
	assert_non_null(fat);
	for (int round = 0; round < 6000; round++) {
		const unsigned char *src = round % 2 ? slim_madrid : fat;
		size_t len = round % 2 ? sizeof(slim_madrid) : flen;
		unsigned char *copy = malloc(len);
		struct lq_tz *tz = NULL;
		int flips;

		assert_non_null(copy);
		memcpy(copy, src, len);
		seed = seed * 1103515245u + 12345u;
		flips = 1 + (int)(seed >> 16) % 3;
		for (int f = 0; f < flips; f++) {
			seed = seed * 1103515245u + 12345u;
			/* Headers and footers matter most: aim there half the time. */
			size_t pos = (seed >> 8) % (round % 4 < 2 ? len : 120);

			if (round % 4 == 3)
				pos = len - 1 - pos % 40;
			seed = seed * 1103515245u + 12345u;
			copy[pos] = (unsigned char)(seed >> 16);
		}
		if (lq_tz_parse("fuzz", copy, len, &tz) == LQ_TZ_OK) {
			poke(tz);
			lq_tz_free(&tz);
			accepted++;
		} else {
			assert_null(tz);
			refused++;
		}
		free(copy);
	}
	assert_true(accepted > 0);
	assert_true(refused > 0);
	free(fat);
}

static void test_out_of_memory(void **state)
{
	size_t len = 0;
	unsigned char *data = load_file("Europe/Madrid", &len);
	int failures = 0;
	struct lq_tz *tz = NULL;

	(void)state;
	assert_non_null(data);
	for (long n = 0; n < 20; n++) {
		enum lq_tz_error e;

		tz = (struct lq_tz *)&tz;
		lq_mem_fail_after(n);
		e = lq_tz_parse("Europe/Madrid", data, len, &tz);
		lq_mem_fail_after(-1);
		if (e == LQ_TZ_OK) {
			check_at(tz, T("2026-07-01T00:00:00Z"), 7200, "CEST");
			lq_tz_free(&tz);
			break;
		}
		assert_int_equal(e, LQ_TZ_ENOMEM);
		assert_null(tz);
		failures++;
	}
	assert_true(failures >= 2);  /* each allocation's failure was walked */
	for (long n = 0; n < 3; n++) {
		lq_mem_fail_after(n);
		tz = lq_tz_fixed("UTC", 0);
		lq_mem_fail_after(-1);
		if (n < 2)
			assert_null(tz);
		lq_tz_free(&tz);
	}
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madrid),
		cmocka_unit_test(test_mexico_city),
		cmocka_unit_test(test_bogota),
		cmocka_unit_test(test_new_york),
		cmocka_unit_test(test_utc_and_fixed),
		cmocka_unit_test(test_slim_equals_fat),
		cmocka_unit_test(test_from_local_madrid),
		cmocka_unit_test(test_from_local_new_york),
		cmocka_unit_test(test_local_round_trip),
		cmocka_unit_test(test_footer_rules),
		cmocka_unit_test(test_bad_footers),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_many_transitions),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
