/* Unit tests: src/proto/jscan.c
 *
 * The reader is checked against jansson: random objects (seeded, so every
 * run sees the same ones) are written by jansson and by a writer of our own
 * with odd whitespace and escapes, and what lq_jobj_parse() finds must be
 * what jansson wrote.  Mutated texts must be accepted exactly when jansson
 * accepts them.  Every text is handed over in a heap block of its exact
 * length, so that the sanitizer build sees any read past the end. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "leadq/jscan.h"
#include "leadq/mem.h"

/* A literal and its length, NUL bytes inside included. */
#define L(s) (s), (sizeof(s) - 1)

#define DIFF_OBJECTS 3000
#define MUTANT_OBJECTS 1500
#define MUTANTS_PER_OBJECT 4
#define PREFIX_OBJECTS 25

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_state = 1;

static void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

/* xorshift64: reproducible and good enough to pick test data. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_put(struct sbuf *b, const void *mem, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		assert_non_null(p);
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, mem, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_putc(struct sbuf *b, char c)
{
	sb_put(b, &c, 1);
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

/* A copy in a block of exactly len bytes: a read past it is an ASan error. */
static char *heap_copy(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	if (len)
		memcpy(copy, text, len);
	return copy;
}

/* The text, printable, for failure messages. */
static const char *show(const char *text, size_t len)
{
	static char out[700];
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 < sizeof out; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			int w = snprintf(out + o, sizeof out - o, "\\x%02x", c);

			o += (size_t)w;
		}
	}
	if (i < len && o + 4 < sizeof out) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

static struct lq_jobj *new_obj(void)
{
	struct lq_jobj *o = malloc(sizeof *o);

	assert_non_null(o);
	lq_jobj_init(o);
	return o;
}

static void free_obj(struct lq_jobj **o)
{
	lq_jobj_clear(*o);
	free(*o);
	*o = NULL;
}

/* Parses a heap copy of text, which the caller frees after its checks. */
static char *parse_ok(struct lq_jobj *o, const char *text, size_t len, size_t *used)
{
	char err[256] = "";
	char *copy = heap_copy(text, len);

	if (!lq_jobj_parse(o, copy, len, used, err, sizeof err))
		fail_msg("refused (%s): %s", err, show(text, len));
	return copy;
}

/* A refusal explains itself in one non-empty, terminated line. */
static void check_err(const char *err, size_t size, const char *text, size_t len)
{
	size_t n = strnlen(err, size);

	if (n == 0)
		fail_msg("refused without a reason: %s", show(text, len));
	if (n == size)
		fail_msg("reason not terminated: %s", show(text, len));
	if (memchr(err, '\n', n))
		fail_msg("reason on more than one line (%s): %s", err, show(text, len));
}

/* text must be refused, also when more may follow it (used != NULL) unless
 * only its end is wrong. */
static void expect_refused(const char *text, size_t len, bool also_with_used)
{
	struct lq_jobj *o = new_obj();
	char *copy = heap_copy(text, len);
	char err[256];
	size_t used = 12345;

	memset(err, 0, sizeof err);
	if (lq_jobj_parse(o, copy, len, NULL, err, sizeof err))
		fail_msg("accepted: %s", show(text, len));
	check_err(err, sizeof err, text, len);
	if (o->n != 0)   /* nothing half-read is left */
		fail_msg("%zu members left after a refusal: %s", o->n, show(text, len));
	if (also_with_used) {
		memset(err, 0, sizeof err);
		if (lq_jobj_parse(o, copy, len, &used, err, sizeof err))
			fail_msg("accepted with used (used %zu): %s", used, show(text, len));
		check_err(err, sizeof err, text, len);
	}
	free(copy);
	free_obj(&o);
}

static void put_utf8(struct sbuf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		sb_put(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		sb_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		sb_put(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		sb_put(b, u, 4);
	}
}

/* ---- random values ------------------------------------------------------ */

static bool gen_small;          /* few members, short strings (mutation test) */

static struct {
	size_t big_objects;     /* more than LQ_JOBJ_INLINE members */
	size_t long_strings;    /* longer than LQ_JOBJ_INLINE_BUF */
	size_t nul_strings;
	size_t pairs_escaped;   /* \ud83d\ude00 written by our writer */
	size_t int_limits;
	size_t nested;
} seen;

static const char *const utf8_words[] = {
	"José Núñez", "São Paulo", "Zürich", "Açaí \"Bom\" Ltda",
	"\xF0\x9F\x98\x80",             /* U+1F600, beyond the BMP */
	"\xF0\x9D\x84\x9E",             /* U+1D11E */
	"\xF4\x8F\xBF\xBF",             /* U+10FFFF, the last */
	"\xF0\x90\x80\x80",             /* U+10000, the first beyond */
	"\xEF\xBF\xBF", "\xE0\xA0\x80", "\xDF\xBF", "\xC2\x80",
	"\xED\x9F\xBF", "\xEE\x80\x80", /* around the surrogates */
	"\xEF\xBB\xBF", "\xE2\x82\xAC", "a/b\\c", "</script>",
};

static void gen_string(struct sbuf *b, bool allow_nul, bool allow_long)
{
	size_t pieces = below(8), i, j, n;

	if (allow_long && !gen_small && below(60) == 0) {
		/* beyond the inline buffer: the allocation path */
		n = LQ_JOBJ_INLINE_BUF + below(3000);
		while (b->len < n)
			sb_puts(b, utf8_words[below(sizeof utf8_words / sizeof *utf8_words)]);
		seen.long_strings++;
	}
	for (i = 0; i < pieces; i++) {
		switch (below(10)) {
		case 0:
		case 1:
		case 2:
			n = 1 + below(8);
			for (j = 0; j < n; j++)
				sb_putc(b, "abcdefghijklmnopqrstuvwxyz0123456789 _-"[below(39)]);
			break;
		case 3:
			sb_putc(b, "\"\\/\b\f\n\r\t"[below(8)]);
			break;
		case 4:
			sb_putc(b, below(8) ? (char)(1 + below(0x1f)) : (char)0x7f);
			break;
		case 5:
		case 6:
			sb_puts(b, utf8_words[below(sizeof utf8_words / sizeof *utf8_words)]);
			break;
		case 7:
			switch (below(4)) {
			case 0:
				put_utf8(b, (uint32_t)(0x80 + below(0x800 - 0x80)));
				break;
			case 1:
				put_utf8(b, (uint32_t)(0x800 + below(0xD800 - 0x800)));
				break;
			case 2:
				put_utf8(b, (uint32_t)(0xE000 + below(0x10000 - 0xE000)));
				break;
			default:
				put_utf8(b, (uint32_t)(0x10000 + below(0x110000 - 0x10000)));
				break;
			}
			break;
		case 8:
			if (allow_nul) {
				sb_put(b, "", 1);
				seen.nul_strings++;
			} else {
				sb_putc(b, 'z');
			}
			break;
		default:
			sb_putc(b, (char)(0x20 + below(0x5f)));
			break;
		}
	}
}

static json_int_t gen_int(void)
{
	switch (below(6)) {
	case 0:
		return (json_int_t)below(200) - 100;
	case 1:
		seen.int_limits++;
		return (json_int_t)(INT64_MAX - (int64_t)below(1000));
	case 2:
		seen.int_limits++;
		return (json_int_t)(INT64_MIN + (int64_t)below(1000));
	case 3:
		return (json_int_t)(int64_t)rnd();
	case 4:
		return (json_int_t)below(3) - 1;
	default:
		return (json_int_t)((int64_t)(rnd() >> below(64)) * (below(2) ? 1 : -1));
	}
}

static double gen_real(void)
{
	static const double special[] = {
		0.0, -0.0, 0.1, 1.5, 3.0, -2.5e-8, 1e21, 5e-324,
		1.7976931348623157e308, 2.2250738585072014e-308,
	};
	char text[64];

	if (below(4) == 0)
		return special[below(sizeof special / sizeof *special)];
	snprintf(text, sizeof text, "%s%u.%ue%d", below(2) ? "-" : "",
		 (unsigned)below(100000), (unsigned)below(1000000), (int)below(600) - 300);
	return strtod(text, NULL);
}

static json_t *gen_object(int depth);

static json_t *gen_value(int depth)
{
	struct sbuf b = { 0 };
	json_t *v, *a;
	size_t n, i;

	switch (below(depth < 4 ? 13 : 9)) {
	case 0:
		return json_null();
	case 1:
		return json_true();
	case 2:
		return json_false();
	case 3:
	case 4:
		return json_integer(gen_int());
	case 5:
		return json_real(gen_real());
	case 6:
	case 7:
	case 8:
		gen_string(&b, true, depth == 0);
		v = json_stringn(b.p ? b.p : "", b.len);
		assert_non_null(v);
		sb_free(&b);
		return v;
	case 9:
	case 10:
		seen.nested++;
		return gen_object(depth + 1);
	default:
		seen.nested++;
		a = json_array();
		n = below(7);
		for (i = 0; i < n; i++)
			assert_int_equal(json_array_append_new(a, gen_value(depth + 1)), 0);
		return a;
	}
}

static json_t *gen_object(int depth)
{
	json_t *o = json_object();
	size_t n, i;

	if (gen_small)
		n = below(6);
	else if (depth > 0)
		n = below(6);
	else if (below(20) == 0)
		n = LQ_JOBJ_INLINE + below(100);
	else if (below(4) == 0)
		n = 12 + below(LQ_JOBJ_INLINE - 12 + 1);
	else
		n = below(12);
	for (i = 0; i < n; i++) {
		struct sbuf key = { 0 };

		gen_string(&key, false, false);
		if (json_object_get(o, key.p ? key.p : "")) {
			sb_free(&key);
			continue;       /* jansson keeps one of a key */
		}
		assert_int_equal(json_object_set_new(o, key.p ? key.p : "", gen_value(depth)), 0);
		sb_free(&key);
	}
	if (json_object_size(o) > LQ_JOBJ_INLINE)
		seen.big_objects++;
	return o;
}

/* ---- our own writer: odd whitespace, escapes of every kind -------------- */

static void put_ws(struct sbuf *b)
{
	size_t n, i;

	if (below(3))
		return;
	n = 1 + below(3);
	for (i = 0; i < n; i++)
		sb_putc(b, " \t\n\r"[below(4)]);
}

static void put_hex4(struct sbuf *b, unsigned v)
{
	const char *hex = below(2) ? "0123456789abcdef" : "0123456789ABCDEF";
	char t[6];

	t[0] = '\\';
	t[1] = 'u';
	t[2] = hex[(v >> 12) & 15];
	t[3] = hex[(v >> 8) & 15];
	t[4] = hex[(v >> 4) & 15];
	t[5] = hex[v & 15];
	sb_put(b, t, 6);
}

static void put_string(struct sbuf *b, const char *s, size_t len)
{
	size_t i = 0;

	sb_putc(b, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;
		bool escape = below(5) == 0;

		if (c < 0x80) {
			cp = c;
			n = 1;
		} else if (c < 0xE0) {
			cp = (uint32_t)(c & 0x1F) << 6 | (s[i + 1] & 0x3F);
			n = 2;
		} else if (c < 0xF0) {
			cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 |
			     (s[i + 2] & 0x3F);
			n = 3;
		} else {
			cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3F) << 12 |
			     (uint32_t)(s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3F);
			n = 4;
		}
		if (cp == '"' || cp == '\\') {
			if (escape) {
				put_hex4(b, cp);
			} else {
				sb_putc(b, '\\');
				sb_putc(b, (char)cp);
			}
		} else if (cp == '/') {
			switch (below(3)) {
			case 0:
				sb_puts(b, "\\/");
				break;
			case 1:
				put_hex4(b, cp);
				break;
			default:
				sb_putc(b, '/');
				break;
			}
		} else if (cp < 0x20) {
			const char *shorts = strchr("\b\f\n\r\t", (int)cp);

			if (cp && shorts && !escape) {
				sb_putc(b, '\\');
				sb_putc(b, "bfnrt"[shorts - "\b\f\n\r\t"]);
			} else {
				put_hex4(b, cp);
			}
		} else if (escape && cp < 0x10000) {
			put_hex4(b, cp);
		} else if (escape) {
			put_hex4(b, 0xD800 + ((cp - 0x10000) >> 10));
			put_hex4(b, 0xDC00 + ((cp - 0x10000) & 0x3FF));
			seen.pairs_escaped++;
		} else {
			sb_put(b, s + i, n);
		}
		i += n;
	}
	sb_putc(b, '"');
}

static void put_value(struct sbuf *b, json_t *v)
{
	char num[64];
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		sb_putc(b, '{');
		put_ws(b);
		i = 0;
		json_object_foreach(v, key, item) {
			if (i++) {
				sb_putc(b, ',');
				put_ws(b);
			}
			put_string(b, key, strlen(key));
			put_ws(b);
			sb_putc(b, ':');
			put_ws(b);
			put_value(b, item);
			put_ws(b);
		}
		sb_putc(b, '}');
		break;
	case JSON_ARRAY:
		sb_putc(b, '[');
		put_ws(b);
		json_array_foreach(v, i, item) {
			if (i) {
				sb_putc(b, ',');
				put_ws(b);
			}
			put_value(b, item);
			put_ws(b);
		}
		sb_putc(b, ']');
		break;
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		sb_puts(b, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof num, "%.17g", json_real_value(v));
		if (!strpbrk(num, ".e"))
			memcpy(num + strlen(num), ".0", 3);
		if (below(2)) {
			char *e = strchr(num, 'e');

			if (e)
				*e = 'E';
		}
		sb_puts(b, num);
		break;
	case JSON_TRUE:
		sb_puts(b, "true");
		break;
	case JSON_FALSE:
		sb_puts(b, "false");
		break;
	case JSON_NULL:
		sb_puts(b, "null");
		break;
	}
}

/* ---- comparing what we read with jansson's tree ------------------------- */

static const char *ctx_text;    /* the text being checked, for messages */
static size_t ctx_len;
static const char *ctx_what = "";

#define CHECK(cond, ...) do { \
		if (!(cond)) { \
			print_error("%s: %s\n", ctx_what, show(ctx_text, ctx_len)); \
			fail_msg(__VA_ARGS__); \
		} \
	} while (0)

static void check_obj(struct lq_jobj *o, json_t *want, const char *text, size_t len);

static void check_val(const struct lq_jval *v, json_t *want, const char *key,
		      const char *text, size_t len)
{
	json_error_t e;
	json_t *back;
	struct lq_jobj *sub;

	switch (json_typeof(want)) {
	case JSON_NULL:
		CHECK(v->type == LQ_JNULL, "%s: type %d, want null", key, (int)v->type);
		break;
	case JSON_TRUE:
		CHECK(v->type == LQ_JTRUE, "%s: type %d, want true", key, (int)v->type);
		break;
	case JSON_FALSE:
		CHECK(v->type == LQ_JFALSE, "%s: type %d, want false", key, (int)v->type);
		break;
	case JSON_INTEGER:
		CHECK(v->type == LQ_JINT, "%s: type %d, want int", key, (int)v->type);
		CHECK(v->i == (int64_t)json_integer_value(want), "%s: %lld, want %lld", key,
		      (long long)v->i, (long long)json_integer_value(want));
		break;
	case JSON_REAL:
		CHECK(v->type == LQ_JREAL, "%s: type %d, want real", key, (int)v->type);
		break;
	case JSON_STRING:
		CHECK(v->type == LQ_JSTRING, "%s: type %d, want string", key, (int)v->type);
		CHECK(v->s != NULL, "%s: no string", key);
		CHECK(v->len == json_string_length(want), "%s: length %zu, want %zu", key,
		      v->len, json_string_length(want));
		CHECK(memcmp(v->s, json_string_value(want), v->len) == 0,
		      "%s: decoded %s", key, show(v->s, v->len));
		CHECK(v->s[v->len] == '\0', "%s: string not terminated", key);
		break;
	case JSON_OBJECT:
	case JSON_ARRAY:
		CHECK(v->type == (json_is_object(want) ? LQ_JOBJECT : LQ_JARRAY),
		      "%s: type %d, want %s", key, (int)v->type,
		      json_is_object(want) ? "object" : "array");
		CHECK(v->raw && v->raw >= text && v->raw_len >= 2 &&
		      v->raw_len <= (size_t)(text + len - v->raw),
		      "%s: raw span outside the text", key);
		CHECK(v->raw[0] == (json_is_object(want) ? '{' : '[') &&
		      v->raw[v->raw_len - 1] == (json_is_object(want) ? '}' : ']'),
		      "%s: raw span %s", key, show(v->raw, v->raw_len));
		back = json_loadb(v->raw, v->raw_len, JSON_ALLOW_NUL, &e);
		CHECK(back != NULL, "%s: raw span does not re-parse (%s)", key, e.text);
		CHECK(json_equal(back, want), "%s: raw span differs", key);
		json_decref(back);
		if (json_is_object(want)) {
			/* and our reader reads the span in turn */
			char *copy;

			sub = new_obj();
			copy = parse_ok(sub, v->raw, v->raw_len, NULL);
			check_obj(sub, want, copy, v->raw_len);
			free(copy);
			free_obj(&sub);
		}
		break;
	}
}

static void check_obj(struct lq_jobj *o, json_t *want, const char *text, size_t len)
{
	const char *key;
	json_t *item;
	size_t i = 0, k;

	CHECK(o->n == json_object_size(want), "%zu members, want %zu", o->n,
	      json_object_size(want));
	json_object_foreach(want, key, item) {
		const struct lq_jfield *f = &o->f[i];
		size_t kl = strlen(key);

		CHECK(f->key_len == kl && memcmp(f->key, key, kl) == 0,
		      "member %zu: key %s", i, show(f->key, f->key_len));
		CHECK(f->key[kl] == '\0', "member %zu: key not terminated", i);
		check_val(&f->v, item, key, text, len);
		i++;
	}
	/* lookups in reverse order, then a few in any order */
	for (k = o->n; k > 0; k--)
		CHECK(lq_jobj_get(o, o->f[k - 1].key) == &o->f[k - 1].v,
		      "lookup of member %zu (reverse)", k - 1);
	for (k = 0; k < o->n; k++) {
		size_t r = below(o->n);

		CHECK(lq_jobj_get(o, o->f[r].key) == &o->f[r].v, "lookup of member %zu", r);
	}
	for (k = 0; k < o->n; k++)
		CHECK(lq_jobj_get(o, o->f[k].key) == &o->f[k].v, "lookup of member %zu", k);
	CHECK(lq_jobj_get(o, "\x01" "absent\x01") == NULL, "absent key found");
	if (o->n) {
		char absent[64];

		snprintf(absent, sizeof absent, "%.40s#", o->f[0].key);
		if (!json_object_get(want, absent))
			CHECK(lq_jobj_get(o, absent) == NULL, "absent key %s found", absent);
	}
}

/* ---- 1. differential against jansson ----------------------------------- */

static size_t end_of_object(const char *text, size_t len)
{
	while (len && strchr(" \t\r\n", text[len - 1]))
		len--;
	return len;
}

static void test_differential(void **state)
{
	static const size_t dump_flags[] = {
		JSON_COMPACT,
		JSON_INDENT(2),
		JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH,
	};
	struct lq_jobj *o = new_obj();
	char err[256];
	int i, variant;

	(void)state;
	rng_seed(0x1eadc0de20260105u);
	memset(&seen, 0, sizeof seen);
	gen_small = false;
	for (i = 0; i < DIFF_OBJECTS; i++) {
		json_t *want = gen_object(0);

		for (variant = 0; variant < 4; variant++) {
			struct sbuf own = { 0 };
			char *dumped = NULL, *copy;
			const char *text;
			size_t len, used = 0;
			bool ok;

			if (variant < 3) {
				dumped = json_dumps(want, dump_flags[variant]);
				assert_non_null(dumped);
				text = dumped;
				len = strlen(dumped);
			} else {
				put_ws(&own);
				put_value(&own, want);
				put_ws(&own);
				text = own.p;
				len = own.len;
			}
			copy = heap_copy(text, len);
			ctx_text = copy;
			ctx_len = len;
			ctx_what = variant < 3 ? "jansson's text" : "our text";
			ok = lq_jobj_parse(o, copy, len, i % 2 ? &used : NULL, err, sizeof err);
			CHECK(ok, "object %d variant %d refused: %s", i, variant, err);
			if (i % 2)
				CHECK(used == end_of_object(copy, len), "used %zu, want %zu",
				      used, end_of_object(copy, len));
			check_obj(o, want, copy, len);
			free(copy);
			free(dumped);
			sb_free(&own);
		}
		json_decref(want);
	}
	free_obj(&o);
	/* the generator reached what it is meant to reach */
	assert_true(seen.big_objects > 20);
	assert_true(seen.long_strings > 20);
	assert_true(seen.nul_strings > 100);
	assert_true(seen.pairs_escaped > 100);
	assert_true(seen.int_limits > 100);
	assert_true(seen.nested > 1000);
}

/* Mutated texts: accepted exactly when jansson accepts an object. */
static bool jansson_only_limit(const char *why)
{
	/* numbers jansson cannot hold are fine for us (LQ_JREAL), and jansson
	 * refuses \u0000 in keys, which RFC 8259 allows */
	return strstr(why, "too big") || strstr(why, "overflow") ||
	       strstr(why, "NUL byte in object key");
}

static void mutate(struct sbuf *b)
{
	static const char interesting[] = "{}[],:\"\\u0-.eE+ \t\nab\x7f";
	static const unsigned char high[] = { 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF };
	size_t at = below(b->len + 1);
	char c;

	switch (below(6)) {
	case 0:
		c = (char)high[below(sizeof high)];
		break;
	case 1:
		c = '\0';
		break;
	case 2:
		c = (char)below(256);
		break;
	default:
		c = interesting[below(sizeof interesting - 1)];
		break;
	}
	switch (below(3)) {
	case 0:                 /* replace */
		if (at < b->len) {
			b->p[at] = c;
			break;
		}
		/* fall through */
	case 1:                 /* insert */
		sb_putc(b, 'x');
		memmove(b->p + at + 1, b->p + at, b->len - 1 - at);
		b->p[at] = c;
		break;
	default:                /* delete */
		if (at < b->len) {
			memmove(b->p + at, b->p + at + 1, b->len - at - 1);
			b->len--;
		}
		break;
	}
}

static void test_mutations(void **state)
{
	struct lq_jobj *o = new_obj();
	size_t accepted = 0, refused = 0;
	int i, m;

	(void)state;
	rng_seed(0x5eed0002u);
	gen_small = true;
	for (i = 0; i < MUTANT_OBJECTS; i++) {
		json_t *want = gen_object(1);
		struct sbuf orig = { 0 };

		if (i % 2) {
			char *d = json_dumps(want, JSON_COMPACT | (i % 4 == 1 ? JSON_ENSURE_ASCII : 0));

			sb_puts(&orig, d);
			free(d);
		} else {
			put_value(&orig, want);
		}
		json_decref(want);
		for (m = 0; m < MUTANTS_PER_OBJECT; m++) {
			struct sbuf b = { 0 };
			size_t edits = 1 + below(3), k;
			char err[256] = "";
			char *copy;
			json_error_t e;
			json_t *j;
			bool ok;

			sb_put(&b, orig.p, orig.len);
			for (k = 0; k < edits; k++)
				mutate(&b);
			copy = heap_copy(b.p, b.len);
			ctx_text = copy;
			ctx_len = b.len;
			ctx_what = "mutant";
			ok = lq_jobj_parse(o, copy, b.len, NULL, err, sizeof err);
			j = json_loadb(copy, b.len, JSON_ALLOW_NUL, &e);
			if (!j) {
				CHECK(!ok || jansson_only_limit(e.text),
				      "accepted what jansson refuses (%s)", e.text);
			} else if (!json_is_object(j)) {
				CHECK(!ok, "accepted a top level that is not an object");
			} else if (!ok && memchr(copy, '\0', b.len)) {
				/* jansson drops a NUL byte that follows a number
				 * or a literal ("{\"a\":1\0}"): its fault, not ours */
			} else {
				CHECK(ok, "refused what jansson accepts (%s)", err);
				/* duplicate keys: jansson keeps one */
				if (o->n == json_object_size(j))
					check_obj(o, j, copy, b.len);
			}
			if (ok) {
				accepted++;
			} else {
				check_err(err, sizeof err, copy, b.len);
				refused++;
			}
			json_decref(j);
			free(copy);
			sb_free(&b);
		}
		sb_free(&orig);
	}
	gen_small = false;
	free_obj(&o);
	assert_true(accepted > 300);
	assert_true(refused > 1500);
}

/* ---- 2. malformed input ------------------------------------------------- */

struct bad_text {
	const char *text;
	size_t len;
};

#define BAD(s) { L(s) }

static const struct bad_text bad_anywhere[] = {
	/* not an object at the top */
	BAD(""), BAD(" "), BAD("\n\t\r "), BAD("{"), BAD("}"), BAD("[]"), BAD("[{}]"),
	BAD("1"), BAD("\"a\""), BAD("null"), BAD("true"), BAD("false"), BAD("x{}"),
	BAD("{{}}"), BAD("{[]}"),
	/* punctuation */
	BAD("{\"a\":1,}"), BAD("{,}"), BAD("{,\"a\":1}"), BAD("{\"a\":1,,\"b\":2}"),
	BAD("{\"a\":[1,]}"), BAD("{\"a\":[,1]}"), BAD("{\"a\":[1,,2]}"), BAD("{\"a\":[,]}"),
	BAD("{\"a\":{\"b\":1,}}"), BAD("{\"a\" 1}"), BAD("{\"a\"}"), BAD("{\"a\":}"),
	BAD("{\"a\"::1}"), BAD("{\"a\":1 \"b\":2}"), BAD("{\"a\":1:2}"), BAD("{\"a\",1}"),
	BAD("{\"a\":[1 2]}"), BAD("{\"a\":{\"b\"}}"), BAD("{\"a\":{\"b\" 1}}"),
	BAD("{\"a\":{1:2}}"), BAD("{\"a\":[}"), BAD("{\"a\":[1}"), BAD("{\"a\":{]}"),
	BAD("{\"a\":[1]]}"), BAD("{\"a\":[1],]}"), BAD("{\"a\":1]"),
	BAD("{\"a\":[[1]}"), BAD("{\"a\":[{]}]}"), BAD("{\"a\":[\"x\":1]}"),
	/* not JSON's quotes, keys, values */
	BAD("{'a':1}"), BAD("{\"a\":'x'}"), BAD("{a:1}"), BAD("{\"a\":x}"), BAD("{1:2}"),
	BAD("{null:1}"), BAD("{\"a\":undefined}"), BAD("{\"a\":[x]}"),
	BAD("{/*c*/}"), BAD("{\"a\":1 /*c*/}"), BAD("{\"a\":1 // c\n}"), BAD("{\"a\":1#c\n}"),
	/* numbers */
	BAD("{\"a\":01}"), BAD("{\"a\":-01}"), BAD("{\"a\":00}"), BAD("{\"a\":-}"),
	BAD("{\"a\":1.}"), BAD("{\"a\":-1.}"), BAD("{\"a\":.5}"), BAD("{\"a\":-.5}"),
	BAD("{\"a\":1e}"), BAD("{\"a\":1e+}"), BAD("{\"a\":1E-}"), BAD("{\"a\":+1}"),
	BAD("{\"a\":1.e3}"), BAD("{\"a\":0x1F}"), BAD("{\"a\":Infinity}"),
	BAD("{\"a\":-Infinity}"), BAD("{\"a\":NaN}"), BAD("{\"a\":1.5.2}"), BAD("{\"a\":--1}"),
	BAD("{\"a\":1e3.5}"), BAD("{\"a\":1e3e3}"), BAD("{\"a\":1ee3}"), BAD("{\"a\":0.}"),
	BAD("{\"a\":01.5}"), BAD("{\"a\":-a}"), BAD("{\"a\":[01]}"), BAD("{\"a\":[1.]}"),
	BAD("{\"a\":{\"b\":-}}"), BAD("{\"a\":1 2}"), BAD("{\"a\":- 1}"), BAD("{\"a\":1e 3}"),
	BAD("{\"a\":٣}"),
	/* literals */
	BAD("{\"a\":tru}"), BAD("{\"a\":nul}"), BAD("{\"a\":fals}"), BAD("{\"a\":True}"),
	BAD("{\"a\":NULL}"), BAD("{\"a\":nulll}"), BAD("{\"a\":truefalse}"),
	BAD("{\"a\":falsey}"), BAD("{\"a\":[tru]}"), BAD("{\"a\":t}"),
	/* raw control characters in strings */
	BAD("{\"a\":\"x\x01y\"}"), BAD("{\"a\":\"\x1f\"}"), BAD("{\"a\":\"x\ny\"}"),
	BAD("{\"a\":\"x\ty\"}"), BAD("{\"a\":\"x\ry\"}"), BAD("{\"a\nb\":1}"),
	BAD("{\"a\":[\"\x02\"]}"), BAD("{\"a\":{\"\x1b\":1}}"),
	/* unterminated strings */
	BAD("{\"a\":\"abc}"), BAD("{\"a\":\"abc\\\"}"), BAD("{\"a:1}"), BAD("{\"a\":[\"x]}"),
	/* escapes */
	BAD("{\"a\":\"\\x41\"}"), BAD("{\"a\":\"\\a\"}"), BAD("{\"a\":\"\\'\"}"),
	BAD("{\"a\":\"\\0\"}"), BAD("{\"a\":\"\\U0041\"}"), BAD("{\"a\":\"\\u12G4\"}"),
	BAD("{\"a\":\"\\u12\"}"), BAD("{\"a\":\"\\u\"}"), BAD("{\"a\":\"\\u 123\"}"),
	BAD("{\"a\":\"\\u-123\"}"), BAD("{\"a\":\"\\ \"}"), BAD("{\"a\":\"\\\"}"),
	BAD("{\"\\x\":1}"), BAD("{\"a\":[\"\\q\"]}"), BAD("{\"a\":{\"\\u00g0\":1}}"),
	/* lone surrogates */
	BAD("{\"a\":\"\\ud800\"}"), BAD("{\"a\":\"\\udc00\"}"), BAD("{\"a\":\"\\udfff\"}"),
	BAD("{\"a\":\"\\uDBFF\"}"), BAD("{\"a\":\"\\ud800\\u0041\"}"), BAD("{\"a\":\"\\ud800x\"}"),
	BAD("{\"a\":\"\\ud800\\ud800\"}"), BAD("{\"a\":\"\\udbff\\udbff\"}"),
	BAD("{\"a\":\"\\ud800\\n\"}"), BAD("{\"a\":\"\\udc00\\ud800\"}"),
	BAD("{\"a\":\"\\ud800\\ue000\"}"), BAD("{\"a\":\"\\ud83d\\u\"}"),
	BAD("{\"a\":\"\\ud83d\\uDE0\"}"), BAD("{\"a\":\"x\\ud83d\"}"),
	BAD("{\"\\ud800\":1}"), BAD("{\"a\":[\"\\udc00\"]}"), BAD("{\"a\":{\"b\":\"\\ud800\"}}"),
	/* invalid UTF-8 */
	BAD("{\"a\":\"\xC0\x80\"}"), BAD("{\"a\":\"\xC1\xBF\"}"), BAD("{\"a\":\"\xE0\x80\x80\"}"),
	BAD("{\"a\":\"\xE0\x9F\xBF\"}"), BAD("{\"a\":\"\xF0\x80\x80\x80\"}"),
	BAD("{\"a\":\"\xF0\x8F\xBF\xBF\"}"), BAD("{\"a\":\"\x80\"}"), BAD("{\"a\":\"x\xBFy\"}"),
	BAD("{\"a\":\"\xFF\"}"), BAD("{\"a\":\"\xFE\"}"), BAD("{\"a\":\"\xF8\x88\x80\x80\x80\"}"),
	BAD("{\"a\":\"\xC3\"}"), BAD("{\"a\":\"\xE2\x82\"}"), BAD("{\"a\":\"\xF0\x9F\x98\"}"),
	BAD("{\"a\":\"\xC3" "A\"}"), BAD("{\"a\":\"\xE2\x82" "A\"}"),
	BAD("{\"a\":\"\xED\xA0\x80\"}"), BAD("{\"a\":\"\xED\xBF\xBF\"}"),
	BAD("{\"a\":\"\xF4\x90\x80\x80\"}"), BAD("{\"a\":\"\xF5\x80\x80\x80\"}"),
	BAD("{\"a\":\"Z\xFCrich\"}"), /* Latin-1 */
	BAD("{\"\xC3\":1}"), BAD("{\"Z\xFCrich\":1}"), BAD("{\"a\":[\"\xC0\xAF\"]}"),
	BAD("{\"a\":{\"b\":\"\xED\xA0\x80\"}}"), BAD("{\"a\":{\"\xFF\":1}}"),
	/* not JSON's whitespace */
	BAD("\f{}"), BAD("\v{}"), BAD("{\f}"), BAD("{\"a\":1\v}"), BAD("\xC2\xA0{}"),
	BAD("{\xC2\xA0}"), BAD("{\"a\":\xE2\x80\x83" "1}"),
	/* NUL bytes */
	BAD("\0{}"), BAD("{\0}"), BAD("{\"a\"\0:1}"), BAD("{\"a\":\0" "1}"),
	BAD("{\"a\":\"x\0y\"}"), BAD("{\"a\0\":1}"), BAD("{\"a\":1\0}"), BAD("{\"a\":[\0]}"),
	BAD("{\"a\":tr\0ue}"), BAD("{\"a\":1\0" "2}"),
};

/* Wrong only in what follows the object: refused when nothing may follow
 * (used == NULL); with used, the object ends at used. */
static const struct {
	const char *text;
	size_t len;
	size_t used;
} bad_end[] = {
	{ L("{\"a\":1} x"), 7 },
	{ L("{\"a\":1}}"), 7 },
	{ L("{\"a\":1},"), 7 },
	{ L("{}{}"), 2 },
	{ L("{\"a\":1}\0"), 7 },
	{ L("{\"a\":1} \f"), 7 },
	{ L("{}//c"), 2 },
	{ L("{} {\"b\":2}"), 2 },
	{ L("{}\xC2\xA0"), 2 },
	{ L(" {\"a\":[1,2]}\n]"), 12 },
	{ L("{\"a\":1} , {\"b\":2}"), 7 },
	{ L("\r\n\t {\"a\":{\"b\":\"}\"}} garbage"), 19 },
	{ L("{\"a\":1}\xFF"), 7 },
	{ L("{\"a\":{}}}"), 8 },
};

static void test_malformed(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_anywhere / sizeof *bad_anywhere; i++)
		expect_refused(bad_anywhere[i].text, bad_anywhere[i].len, true);
	for (i = 0; i < sizeof bad_end / sizeof *bad_end; i++) {
		struct lq_jobj *o = new_obj();
		size_t used = 0;
		char *copy;

		expect_refused(bad_end[i].text, bad_end[i].len, false);
		copy = parse_ok(o, bad_end[i].text, bad_end[i].len, &used);
		if (used != bad_end[i].used)
			fail_msg("used %zu, want %zu: %s", used, bad_end[i].used,
				 show(bad_end[i].text, bad_end[i].len));
		free(copy);
		free_obj(&o);
	}
}

/* Every proper prefix of a valid object is refused. */
static void check_prefixes(const char *text, size_t len)
{
	size_t cut;

	for (cut = 0; cut < len; cut++)
		expect_refused(text, cut, true);
}

static void test_truncated(void **state)
{
	static const char sample[] =
		"{\"name\":\"Jos\\u00e9 N\xC3\xBA\xC3\xB1" "ez\",\"city\":\"S\xC3\xA3o Paulo\","
		"\"e\":\"\\ud83d\\ude00\xF0\x9F\x98\x80\",\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
		"\"n\":-12.5e+3,\"i\":-9223372036854775808,\"z\":0,\"t\":true,\"f\":false,"
		"\"0\":null,\"o\":{\"a\":[1,{\"b\":\"}]\"},[]],\"c\":{}},\"arr\":[ \"x\" , 2 ]}";
	int i;

	(void)state;
	check_prefixes(L(sample));
	rng_seed(0x7a11u);
	gen_small = true;
	for (i = 0; i < PREFIX_OBJECTS; i++) {
		json_t *j = gen_object(1);
		struct sbuf b = { 0 };

		put_value(&b, j);
		json_decref(j);
		check_prefixes(b.p, b.len);
		sb_free(&b);
	}
	gen_small = false;
}

/* Builds an object nested `levels` deep, the outer object included. */
static void nest(struct sbuf *b, size_t levels, bool closed)
{
	char *closers = malloc(levels);
	bool in_object = true;
	size_t i;

	assert_non_null(closers);
	sb_putc(b, '{');
	closers[0] = '}';
	for (i = 1; i < levels; i++) {
		if (in_object)
			sb_puts(b, "\"k\":");
		in_object = i % 2 == 0;
		sb_putc(b, in_object ? '{' : '[');
		closers[i] = in_object ? '}' : ']';
	}
	sb_puts(b, in_object ? "\"k\":1" : "1");
	while (closed && i > 0)
		sb_putc(b, closers[--i]);
	free(closers);
}

static void test_depth(void **state)
{
	struct lq_jobj *o = new_obj();
	struct sbuf b = { 0 };
	char *copy;
	json_t *j;
	size_t levels;

	(void)state;
	for (levels = 1; levels <= LQ_JSCAN_DEPTH; levels++) {
		nest(&b, levels, true);
		copy = parse_ok(o, b.p, b.len, NULL);
		assert_int_equal(o->n, 1);
		if (levels > 1) {
			assert_int_equal(o->f[0].v.type, LQ_JARRAY);
			assert_int_equal(o->f[0].v.raw_len, b.len - 6);
			j = json_loadb(o->f[0].v.raw, o->f[0].v.raw_len, 0, NULL);
			assert_non_null(j);
			json_decref(j);
		}
		free(copy);
		sb_free(&b);
	}
	for (levels = LQ_JSCAN_DEPTH + 1; levels < LQ_JSCAN_DEPTH + 10; levels++) {
		nest(&b, levels, true);
		expect_refused(b.p, b.len, true);
		sb_free(&b);
	}
	/* far deeper than any stack should go, closed and not */
	nest(&b, 100000, true);
	expect_refused(b.p, b.len, true);
	sb_free(&b);
	nest(&b, 100000, false);
	expect_refused(b.p, b.len, true);
	sb_free(&b);
	sb_puts(&b, "{\"a\":");
	for (levels = 0; levels < 200000; levels++)
		sb_putc(&b, '[');
	expect_refused(b.p, b.len, true);
	sb_free(&b);
	/* brackets inside strings are not nesting */
	sb_puts(&b, "{\"a\":\"");
	for (levels = 0; levels < 1000; levels++)
		sb_puts(&b, "[{");
	sb_puts(&b, "\",\"b\":[\"]]]]}}}\"]}");
	copy = parse_ok(o, b.p, b.len, NULL);
	assert_int_equal(o->n, 2);
	assert_int_equal(o->f[0].v.len, 2000);
	assert_int_equal(o->f[1].v.type, LQ_JARRAY);
	assert_int_equal(o->f[1].v.raw_len, strlen("[\"]]]]}}}\"]"));
	free(copy);
	sb_free(&b);
	free_obj(&o);
}

static void test_err_size(void **state)
{
	struct lq_jobj *o = new_obj();
	char err[16];

	(void)state;
	/* a short buffer gets a terminated reason and nothing past its size */
	memset(err, 'Z', sizeof err);
	assert_false(lq_jobj_parse(o, L("{\"a\":01}"), NULL, err, 6));
	assert_true(strnlen(err, 6) < 6);
	assert_true(strnlen(err, 6) > 0);
	assert_int_equal(err[6], 'Z');
	assert_int_equal(err[15], 'Z');
	memset(err, 'Z', sizeof err);
	assert_false(lq_jobj_parse(o, L("{\"a\":01}"), NULL, err, 1));
	assert_int_equal(err[0], '\0');
	assert_int_equal(err[1], 'Z');
	free_obj(&o);
}

/* ---- 3. semantics ------------------------------------------------------- */

static void test_used_and_whitespace(void **state)
{
	static const char two[] = "{\"a\":1}{\"b\":[2]}";
	static const char spaced[] =
		" \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r1 \t\n\r, \"b\"\n:\n[\n1\n,\n2\n]\n,\"c\":\r{ }\t} \n\r\t";
	struct lq_jobj *o = new_obj();
	size_t used = 0;
	char err[128];
	char *copy;

	(void)state;
	copy = parse_ok(o, L("{\"a\":1} , {\"b\":2}"), &used);
	assert_int_equal(used, 7);
	assert_int_equal(o->n, 1);
	assert_int_equal(o->f[0].v.i, 1);
	free(copy);

	copy = parse_ok(o, L("  \t\r\n{\"a\":1}xyz"), &used);
	assert_int_equal(used, 12);
	free(copy);

	/* one after the other */
	copy = heap_copy(L(two));
	assert_true(lq_jobj_parse(o, copy, sizeof two - 1, &used, err, sizeof err));
	assert_int_equal(used, 7);
	assert_non_null(lq_jobj_get(o, "a"));
	assert_true(lq_jobj_parse(o, copy + used, sizeof two - 1 - 7, &used, err, sizeof err));
	assert_int_equal(used, 9);
	assert_int_equal(o->n, 1);
	assert_null(lq_jobj_get(o, "a"));
	assert_int_equal(lq_jobj_get(o, "b")->type, LQ_JARRAY);
	free(copy);

	/* whitespace wherever JSON allows it, with and without used */
	copy = parse_ok(o, L(spaced), NULL);
	assert_int_equal(o->n, 3);
	assert_int_equal(lq_jobj_get(o, "a")->i, 1);
	assert_int_equal(lq_jobj_get(o, "b")->raw_len, strlen("[\n1\n,\n2\n]"));
	assert_memory_equal(lq_jobj_get(o, "b")->raw, "[\n1\n,\n2\n]", strlen("[\n1\n,\n2\n]"));
	assert_int_equal(lq_jobj_get(o, "c")->type, LQ_JOBJECT);
	assert_memory_equal(lq_jobj_get(o, "c")->raw, "{ }", 3);
	assert_int_equal(lq_jobj_get(o, "c")->raw_len, 3);
	free(copy);
	copy = parse_ok(o, L(spaced), &used);
	assert_int_equal(used, sizeof spaced - 1 - 4);
	free(copy);

	/* the empty object */
	copy = parse_ok(o, L("{}"), NULL);
	assert_int_equal(o->n, 0);
	assert_null(lq_jobj_get(o, "a"));
	assert_null(lq_jobj_get(o, ""));
	free(copy);
	copy = parse_ok(o, L("\n{ \n\t}\n"), &used);
	assert_int_equal(o->n, 0);
	assert_int_equal(used, 6);
	free(copy);
	free_obj(&o);
}

static void test_numbers(void **state)
{
	static const struct {
		const char *text;
		enum lq_jtype type;
		int64_t i;
	} cases[] = {
		{ "0", LQ_JINT, 0 },
		{ "-0", LQ_JINT, 0 },
		{ "7", LQ_JINT, 7 },
		{ "-7", LQ_JINT, -7 },
		{ "1234567890", LQ_JINT, 1234567890 },
		{ "9223372036854775807", LQ_JINT, INT64_MAX },
		{ "-9223372036854775808", LQ_JINT, INT64_MIN },
		{ "-9223372036854775807", LQ_JINT, INT64_MIN + 1 },
		{ "9223372036854775806", LQ_JINT, INT64_MAX - 1 },
		{ "9223372036854775808", LQ_JREAL, 0 },
		{ "9223372036854775810", LQ_JREAL, 0 },
		{ "9300000000000000000", LQ_JREAL, 0 },
		{ "10000000000000000000", LQ_JREAL, 0 },
		{ "18446744073709551615", LQ_JREAL, 0 },
		{ "18446744073709551616", LQ_JREAL, 0 },
		{ "92233720368547758070", LQ_JREAL, 0 },
		{ "-9223372036854775809", LQ_JREAL, 0 },
		{ "-9223372036854775810", LQ_JREAL, 0 },
		{ "-18446744073709551616", LQ_JREAL, 0 },
		{ "123456789012345678901234567890123456789012345678901234567890", LQ_JREAL, 0 },
		{ "1e3", LQ_JREAL, 0 },
		{ "1E3", LQ_JREAL, 0 },
		{ "1e+3", LQ_JREAL, 0 },
		{ "1e-3", LQ_JREAL, 0 },
		{ "1.5", LQ_JREAL, 0 },
		{ "-1.5", LQ_JREAL, 0 },
		{ "1.0", LQ_JREAL, 0 },
		{ "-0.0", LQ_JREAL, 0 },
		{ "0e0", LQ_JREAL, 0 },
		{ "0.000001", LQ_JREAL, 0 },
		{ "-12.5e+30", LQ_JREAL, 0 },
		{ "1e999", LQ_JREAL, 0 },
		{ "1e-999", LQ_JREAL, 0 },
		{ "1E00000000000000000000000000", LQ_JREAL, 0 },
	};
	struct lq_jobj *o = new_obj();
	char text[256];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof cases / sizeof *cases; k++) {
		const struct lq_jval *v;
		int n = snprintf(text, sizeof text, "{\"n\":%s,\"m\":[%s],\"z\":%s}",
				 cases[k].text, cases[k].text, cases[k].text);
		char *copy = parse_ok(o, text, (size_t)n, NULL);

		assert_int_equal(o->n, 3);
		v = lq_jobj_get(o, "n");
		assert_non_null(v);
		if (v->type != cases[k].type)
			fail_msg("%s: type %d, want %d", cases[k].text, (int)v->type,
				 (int)cases[k].type);
		if (cases[k].type == LQ_JINT && v->i != cases[k].i)
			fail_msg("%s: %lld", cases[k].text, (long long)v->i);
		assert_int_equal(lq_jobj_get(o, "m")->raw_len, strlen(cases[k].text) + 2);
		assert_int_equal(lq_jobj_get(o, "z")->type, cases[k].type);
		free(copy);
	}
	free_obj(&o);
}

static void test_strings(void **state)
{
	static const char text[] =
		"{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
		"\"u\":\"\\u0041\\u00e9\\u00E9\\u20ac\\uFFFF\\u0800\\u07ff\\u0080\","
		"\"pair\":\"\\ud83d\\ude00\",\"PAIR\":\"\\uD834\\uDD1E\","
		"\"last\":\"\\udbff\\udfff\",\"first\":\"\\ud800\\udc00\","
		"\"nul\":\"a\\u0000b\",\"nul2\":\"\\u0000\","
		"\"raw\":\"Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez \xF0\x9F\x98\x80\","
		"\"del\":\"\x7f\",\"empty\":\"\","
		"\"Z\\u00fcrich\":1,\"S\xC3\xA3o Paulo\":2,"
		"\"a\\u0000b\":3,\"\":4,"
		"\"nested\":[\"\\\"]\",{\"x\":\"\\\\\"}],\"b\":{\"c\":\"}\"},\"d\":\"[{\"}";
	static const struct {
		const char *key;
		const char *want;
		size_t len;
	} strings[] = {
		{ "esc", L("\"\\/\b\f\n\r\t") },
		{ "u", L("A\xC3\xA9\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBF\xE0\xA0\x80\xDF\xBF\xC2\x80") },
		{ "pair", L("\xF0\x9F\x98\x80") },
		{ "PAIR", L("\xF0\x9D\x84\x9E") },
		{ "last", L("\xF4\x8F\xBF\xBF") },
		{ "first", L("\xF0\x90\x80\x80") },
		{ "nul", L("a\0b") },
		{ "nul2", L("\0") },
		{ "raw", L("Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez \xF0\x9F\x98\x80") },
		{ "del", L("\x7f") },
		{ "empty", L("") },
		{ "d", L("[{") },
	};
	struct lq_jobj *o = new_obj();
	const struct lq_jval *v;
	char *copy;
	size_t k;

	(void)state;
	copy = parse_ok(o, L(text), NULL);
	assert_int_equal(o->n, 18);
	for (k = 0; k < sizeof strings / sizeof *strings; k++) {
		v = lq_jobj_get(o, strings[k].key);
		if (!v)
			fail_msg("%s: not found", strings[k].key);
		assert_int_equal(v->type, LQ_JSTRING);
		if (v->len != strings[k].len || memcmp(v->s, strings[k].want, v->len) != 0)
			fail_msg("%s: decoded %s", strings[k].key, show(v->s, v->len));
		assert_int_equal(v->s[v->len], '\0');
	}
	/* keys are decoded too */
	assert_int_equal(lq_jobj_get(o, "Z\xC3\xBCrich")->i, 1);
	assert_int_equal(lq_jobj_get(o, "S\xC3\xA3o Paulo")->i, 2);
	assert_int_equal(lq_jobj_get(o, "")->i, 4);
	assert_int_equal(o->f[11].key_len, strlen("Z\xC3\xBCrich"));
	/* a key holding a NUL is kept whole, and is not the key before it */
	assert_int_equal(o->f[13].key_len, 3);
	assert_memory_equal(o->f[13].key, "a\0b", 4);
	assert_int_equal(o->f[13].v.i, 3);
	assert_null(lq_jobj_get(o, "a"));
	/* brackets and escaped quotes inside strings do not end a span */
	v = lq_jobj_get(o, "nested");
	assert_int_equal(v->type, LQ_JARRAY);
	assert_int_equal(v->raw_len, strlen("[\"\\\"]\",{\"x\":\"\\\\\"}]"));
	assert_memory_equal(v->raw, "[\"\\\"]\",{\"x\":\"\\\\\"}]", v->raw_len);
	v = lq_jobj_get(o, "b");
	assert_int_equal(v->type, LQ_JOBJECT);
	assert_int_equal(v->raw_len, strlen("{\"c\":\"}\"}"));
	assert_memory_equal(v->raw, "{\"c\":\"}\"}", v->raw_len);
	assert_true(v->raw > copy && v->raw < copy + sizeof text - 1);
	free(copy);
	free_obj(&o);
}

/* A key given twice is accepted; a lookup finds one of the two. */
static void test_duplicate_keys(void **state)
{
	struct lq_jobj *o = new_obj();
	const struct lq_jval *v;
	char *copy;

	(void)state;
	copy = parse_ok(o, L("{\"a\":1,\"b\":true,\"a\":2}"), NULL);
	assert_int_equal(o->n, 3);
	v = lq_jobj_get(o, "a");
	assert_non_null(v);
	assert_int_equal(v->type, LQ_JINT);
	assert_true(v->i == 1 || v->i == 2);
	assert_int_equal(lq_jobj_get(o, "b")->type, LQ_JTRUE);
	free(copy);
	free_obj(&o);
}

static void test_lookup(void **state)
{
	static const char *const odd[] = {
		"", "a", "ab", "abc", "Z\xC3\xBCrich", "k", "k1 ", "\xF0\x9F\x98\x80",
	};
	static const char *const absent[] = {
		"b", "abcd", "A", "AB", "z\xC3\xBCrich", "Zurich", "k100", "K0", "k0 ", "k1  ",
		" ", "\xF0\x9F\x98", "k00", "0",
	};
	struct lq_jobj *o = new_obj();
	struct sbuf b = { 0 };
	char key[32];
	size_t i, k, total, round;
	char *copy;

	(void)state;
	rng_seed(0x100cu);
	for (round = 0; round < 2; round++) {
		size_t members = round ? 100 : 20;      /* inline, then allocated */

		sb_putc(&b, '{');
		for (i = 0; i < members; i++) {
			snprintf(key, sizeof key, "\"k%zu\":%zu,", i, i);
			sb_puts(&b, key);
		}
		for (i = 0; i < sizeof odd / sizeof *odd; i++) {
			put_string(&b, odd[i], strlen(odd[i]));
			snprintf(key, sizeof key, ":%zu%s", 1000 + i,
				 i + 1 < sizeof odd / sizeof *odd ? "," : "}");
			sb_puts(&b, key);
		}
		copy = parse_ok(o, b.p, b.len, NULL);
		total = members + sizeof odd / sizeof *odd;
		assert_int_equal(o->n, total);
		/* in order, twice (the hint wraps), reverse, every other, random */
		for (k = 0; k < 2 * total; k++)
			assert_ptr_equal(lq_jobj_get(o, o->f[k % total].key), &o->f[k % total].v);
		for (k = total; k > 0; k--)
			assert_ptr_equal(lq_jobj_get(o, o->f[k - 1].key), &o->f[k - 1].v);
		for (k = 0; k < total; k += 2)
			assert_ptr_equal(lq_jobj_get(o, o->f[k].key), &o->f[k].v);
		for (k = 0; k < 1000; k++) {
			size_t r = below(total);

			assert_ptr_equal(lq_jobj_get(o, o->f[r].key), &o->f[r].v);
		}
		for (i = 0; i < members; i++) {
			snprintf(key, sizeof key, "k%zu", i);
			assert_int_equal(lq_jobj_get(o, key)->i, (int64_t)i);
		}
		for (i = 0; i < sizeof odd / sizeof *odd; i++) {
			const struct lq_jval *v = lq_jobj_get(o, odd[i]);

			if (!v)
				fail_msg("key \"%s\" not found", odd[i]);
			assert_int_equal(v->i, (int64_t)(1000 + i));
		}
		/* absent keys, between hits so that the hint is anywhere */
		for (k = 0; k < 3; k++) {
			for (i = 0; i < sizeof absent / sizeof *absent; i++) {
				(void)lq_jobj_get(o, o->f[below(total)].key);
				if (lq_jobj_get(o, absent[i]))
					fail_msg("absent key \"%s\" found", absent[i]);
			}
		}
		free(copy);
		sb_free(&b);
	}
	free_obj(&o);
}

/* Members beyond LQ_JOBJ_INLINE, strings beyond LQ_JOBJ_INLINE_BUF. */
static void test_sizes(void **state)
{
	static const size_t counts[] = { 0, 1, 47, 48, 49, 50, 97, 200, 1000 };
	struct lq_jobj *o = new_obj();
	struct sbuf b = { 0 };
	char num[64];
	size_t c, i, len;
	char *copy;

	(void)state;
	for (c = 0; c < sizeof counts / sizeof *counts; c++) {
		sb_putc(&b, '{');
		for (i = 0; i < counts[c]; i++) {
			snprintf(num, sizeof num, "%s\"m%zu\":\"v%zu-S\xC3\xA3o\"", i ? "," : "", i, i);
			sb_puts(&b, num);
		}
		sb_putc(&b, '}');
		copy = parse_ok(o, b.p, b.len, NULL);
		assert_int_equal(o->n, counts[c]);
		for (i = 0; i < counts[c]; i++) {
			const struct lq_jval *v;

			snprintf(num, sizeof num, "m%zu", i);
			assert_string_equal(o->f[i].key, num);
			v = lq_jobj_get(o, num);
			assert_ptr_equal(v, &o->f[i].v);
			snprintf(num, sizeof num, "v%zu-S\xC3\xA3o", i);
			assert_int_equal(v->len, strlen(num));
			assert_string_equal(v->s, num);
		}
		free(copy);
		sb_free(&b);
	}
	/* one string around the size of the inline buffer */
	for (len = LQ_JOBJ_INLINE_BUF - 12; len <= LQ_JOBJ_INLINE_BUF + 12; len++) {
		sb_puts(&b, "{\"k\":\"");
		for (i = 0; i < len; i++)
			sb_putc(&b, (char)('a' + i % 26));
		sb_puts(&b, "\",\"after\":\"x\\u00e9\"}");
		copy = parse_ok(o, b.p, b.len, NULL);
		assert_int_equal(o->n, 2);
		assert_int_equal(o->f[0].v.len, len);
		assert_memory_equal(o->f[0].v.s, b.p + 6, len);
		assert_int_equal(o->f[0].v.s[len], '\0');
		assert_string_equal(lq_jobj_get(o, "after")->s, "x\xC3\xA9");
		assert_string_equal(lq_jobj_get(o, "k")->s, o->f[0].v.s);
		free(copy);
		sb_free(&b);
	}
	/* many strings: the buffer grows more than once; the first ones must
	 * still be where their pointers say */
	sb_putc(&b, '{');
	for (i = 0; i < 300; i++) {
		snprintf(num, sizeof num, "%s\"key%zu\":\"", i ? "," : "", i);
		sb_puts(&b, num);
		for (len = 0; len < 100 + i; len++)
			sb_putc(&b, (char)('A' + (i + len) % 26));
		sb_puts(&b, "\\u00fc\"");
	}
	sb_putc(&b, '}');
	copy = parse_ok(o, b.p, b.len, NULL);
	assert_int_equal(o->n, 300);
	for (i = 0; i < 300; i++) {
		const struct lq_jval *v = &o->f[i].v;

		snprintf(num, sizeof num, "key%zu", i);
		assert_string_equal(o->f[i].key, num);
		assert_int_equal(v->len, 100 + i + 2);
		for (len = 0; len < 100 + i; len++)
			assert_int_equal(v->s[len], (char)('A' + (i + len) % 26));
		assert_memory_equal(v->s + 100 + i, "\xC3\xBC", 3);
	}
	free(copy);
	sb_free(&b);
	free_obj(&o);
}

/* A new parse drops the members of the one before, whatever its outcome. */
static void test_reparse(void **state)
{
	struct lq_jobj *o = new_obj();
	struct sbuf big = { 0 };
	char num[64], err[128];
	size_t i, pass;
	char *copy;

	(void)state;
	sb_putc(&big, '{');
	for (i = 0; i < 150; i++) {
		snprintf(num, sizeof num, "%s\"k%zu\":\"", i ? "," : "", i);
		sb_puts(&big, num);
		for (pass = 0; pass < 60; pass++)
			sb_puts(&big, "Z\xC3\xBCrich ");
		sb_putc(&big, '"');
	}
	sb_putc(&big, '}');
	for (pass = 0; pass < 3; pass++) {
		copy = parse_ok(o, big.p, big.len, NULL);
		assert_int_equal(o->n, 150);
		assert_non_null(lq_jobj_get(o, "k149"));
		free(copy);

		copy = parse_ok(o, L("{\"x\":1}"), NULL);
		assert_int_equal(o->n, 1);
		assert_null(lq_jobj_get(o, "k0"));
		assert_null(lq_jobj_get(o, "k149"));
		assert_int_equal(lq_jobj_get(o, "x")->i, 1);
		free(copy);

		copy = parse_ok(o, big.p, big.len, NULL);
		free(copy);
		copy = parse_ok(o, L("{}"), NULL);
		assert_int_equal(o->n, 0);
		assert_null(lq_jobj_get(o, "k5"));
		free(copy);

		copy = parse_ok(o, big.p, big.len, NULL);
		free(copy);
		copy = heap_copy(L("{\"zz\":1,}"));
		assert_false(lq_jobj_parse(o, copy, strlen("{\"zz\":1,}"), NULL, err, sizeof err));
		assert_null(lq_jobj_get(o, "k5"));
		assert_null(lq_jobj_get(o, "k0"));
		free(copy);
	}
	/* cleared, then initialised, it reads again */
	lq_jobj_clear(o);
	lq_jobj_init(o);
	copy = parse_ok(o, big.p, big.len, NULL);
	assert_int_equal(o->n, 150);
	free(copy);
	sb_free(&big);
	free_obj(&o);
}

static void test_add(void **state)
{
	static const char city[] = "S\xC3\xA3o Paulo";
	static int node_mark;
	char keys[200][16];
	struct lq_jobj *o = new_obj();
	struct lq_jval v;
	const struct lq_jval *got;
	size_t i;
	char *copy;

	(void)state;
	memset(&v, 0, sizeof v);
	v.type = LQ_JSTRING;
	v.s = city;
	v.len = sizeof city - 1;
	assert_true(lq_jobj_add(o, "city", &v));
	memset(&v, 0, sizeof v);
	v.type = LQ_JINT;
	v.i = INT64_MIN;
	assert_true(lq_jobj_add(o, "n", &v));
	memset(&v, 0, sizeof v);
	v.type = LQ_JOBJECT;
	v.node = &node_mark;
	assert_true(lq_jobj_add(o, "tree", &v));
	assert_int_equal(o->n, 3);
	assert_string_equal(o->f[0].key, "city");
	assert_int_equal(o->f[0].key_len, 4);
	assert_string_equal(o->f[2].key, "tree");
	got = lq_jobj_get(o, "city");
	assert_non_null(got);
	assert_int_equal(got->type, LQ_JSTRING);
	assert_ptr_equal(got->s, city);
	assert_int_equal(got->len, sizeof city - 1);
	assert_int_equal(lq_jobj_get(o, "n")->i, INT64_MIN);
	assert_ptr_equal(lq_jobj_get(o, "tree")->node, &node_mark);
	assert_null(lq_jobj_get(o, "absent"));

	/* past the inline members */
	for (i = 0; i < 200; i++) {
		snprintf(keys[i], sizeof keys[i], "key-%zu", i);
		memset(&v, 0, sizeof v);
		v.type = LQ_JINT;
		v.i = (int64_t)i;
		assert_true(lq_jobj_add(o, keys[i], &v));
	}
	assert_int_equal(o->n, 203);
	for (i = 200; i > 0; i--)
		assert_int_equal(lq_jobj_get(o, keys[i - 1])->i, (int64_t)(i - 1));
	assert_ptr_equal(lq_jobj_get(o, "city")->s, city);
	free_obj(&o);

	/* after a parse: appended to what was read */
	o = new_obj();
	copy = parse_ok(o, L("{\"a\":1}"), NULL);
	memset(&v, 0, sizeof v);
	v.type = LQ_JTRUE;
	assert_true(lq_jobj_add(o, "b", &v));
	assert_int_equal(o->n, 2);
	assert_int_equal(lq_jobj_get(o, "a")->i, 1);
	assert_int_equal(lq_jobj_get(o, "b")->type, LQ_JTRUE);
	free(copy);
	free_obj(&o);

	/* the inline members need no memory; the one after them does */
	o = new_obj();
	lq_mem_fail_after(0);
	for (i = 0; i < LQ_JOBJ_INLINE; i++) {
		memset(&v, 0, sizeof v);
		v.type = LQ_JINT;
		v.i = (int64_t)i;
		if (!lq_jobj_add(o, keys[i], &v)) {
			lq_mem_fail_after(-1);
			fail_msg("add %zu failed with no allocation needed", i);
		}
	}
	assert_false(lq_jobj_add(o, keys[LQ_JOBJ_INLINE], &v));
	lq_mem_fail_after(-1);
	assert_int_equal(o->n, LQ_JOBJ_INLINE);
	v.i = 4242;
	assert_true(lq_jobj_add(o, keys[LQ_JOBJ_INLINE], &v));
	assert_int_equal(o->n, LQ_JOBJ_INLINE + 1);
	for (i = 0; i < LQ_JOBJ_INLINE; i++)
		assert_int_equal(lq_jobj_get(o, keys[i])->i, (int64_t)i);
	assert_int_equal(lq_jobj_get(o, keys[LQ_JOBJ_INLINE])->i, 4242);
	free_obj(&o);
}

/* ---- 4. allocation failure ---------------------------------------------- */

static void big_text(struct sbuf *b, size_t members)
{
	char num[64];
	size_t i, k;

	sb_putc(b, '{');
	for (i = 0; i < members; i++) {
		snprintf(num, sizeof num, "%s\"Jos\\u00e9-%zu\":", i ? "," : "", i);
		sb_puts(b, num);
		switch (i % 5) {
		case 0:
			sb_putc(b, '"');
			for (k = 0; k < (i % 10 == 0 ? 700 : 30); k++)
				sb_puts(b, "S\xC3\xA3o \\ud83d\\ude00 ");
			sb_putc(b, '"');
			break;
		case 1:
			snprintf(num, sizeof num, "%zu", i * 1000003);
			sb_puts(b, num);
			break;
		case 2:
			sb_puts(b, "{\"a\":[1,2,{\"b\":\"Z\xC3\xBCrich\"}]}");
			break;
		case 3:
			sb_puts(b, "[true,false,null,1.5e3]");
			break;
		default:
			sb_puts(b, "\"x\\n\"");
			break;
		}
	}
	sb_putc(b, '}');
}

static void check_big(struct lq_jobj *o, size_t members)
{
	char key[32];
	size_t i;

	assert_int_equal(o->n, members);
	for (i = 0; i < members; i++) {
		const struct lq_jval *v;

		snprintf(key, sizeof key, "Jos\xC3\xA9-%zu", i);
		v = lq_jobj_get(o, key);
		if (!v)
			fail_msg("%s not found", key);
		if (i % 5 == 0)
			assert_int_equal(v->len, (i % 10 == 0 ? 700 : 30) * strlen("S\xC3\xA3o \xF0\x9F\x98\x80 "));
		if (i % 5 == 1)
			assert_int_equal(v->i, (int64_t)(i * 1000003));
	}
}

static void test_alloc_failure(void **state)
{
	struct lq_jobj *o;
	struct sbuf b = { 0 }, bigger = { 0 };
	char err[256];
	char *copy, *copy2;
	long n;
	size_t failures = 0;
	bool ok = false;

	(void)state;
	/* within the inline space nothing is allocated: 48 members, short
	 * strings, nested values (kept as text) */
	sb_putc(&b, '{');
	for (n = 0; n < LQ_JOBJ_INLINE - 1; n++) {
		char m[64];

		snprintf(m, sizeof m, "\"k%ld\":\"Z\xC3\xBCrich\\u00e9\",", n);
		sb_puts(&b, m);
	}
	sb_puts(&b, "\"zz\":[1,{\"a\":[[[{\"b\":\"\\ud83d\\ude00\"}]]]}]}");
	o = new_obj();
	copy = heap_copy(b.p, b.len);
	lq_mem_fail_after(0);
	ok = lq_jobj_parse(o, copy, b.len, NULL, err, sizeof err);
	lq_mem_fail_after(-1);
	if (!ok)
		fail_msg("an object that fits inline needed memory: %s", err);
	assert_int_equal(o->n, LQ_JOBJ_INLINE);
	free(copy);
	free_obj(&o);
	sb_free(&b);

	/* a large object: fail each allocation in turn */
	big_text(&b, 3 * LQ_JOBJ_INLINE);
	copy = heap_copy(b.p, b.len);
	for (n = 0; n < 10000; n++) {
		o = new_obj();
		memset(err, 0, sizeof err);
		lq_mem_fail_after(n);
		ok = lq_jobj_parse(o, copy, b.len, NULL, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok) {
			check_big(o, 3 * LQ_JOBJ_INLINE);
			free_obj(&o);
			break;
		}
		check_err(err, sizeof err, "(allocation failure)", 20);
		failures++;
		/* still usable after the failure */
		if (n % 3 == 0) {
			assert_true(lq_jobj_parse(o, copy, b.len, NULL, err, sizeof err));
			check_big(o, 3 * LQ_JOBJ_INLINE);
		}
		free_obj(&o);
	}
	assert_true(ok);
	assert_true(failures > 0);

	/* the same into an object that holds memory from an earlier parse */
	big_text(&bigger, 8 * LQ_JOBJ_INLINE);
	copy2 = heap_copy(bigger.p, bigger.len);
	failures = 0;
	for (n = 0; n < 10000; n++) {
		o = new_obj();
		assert_true(lq_jobj_parse(o, copy, b.len, NULL, err, sizeof err));
		lq_mem_fail_after(n);
		ok = lq_jobj_parse(o, copy2, bigger.len, NULL, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok) {
			check_big(o, 8 * LQ_JOBJ_INLINE);
			free_obj(&o);
			break;
		}
		check_err(err, sizeof err, "(allocation failure)", 20);
		failures++;
		free_obj(&o);
	}
	assert_true(ok);
	assert_true(failures > 0);
	free(copy);
	free(copy2);
	sb_free(&b);
	sb_free(&bigger);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_err_size),
		cmocka_unit_test(test_used_and_whitespace),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_reparse),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_alloc_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
