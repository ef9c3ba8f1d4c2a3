/* leadq — a strict reader of one JSON object (see include/leadq/jscan.h).
 *
 * One pass, no recursion for the members of the object itself; nested
 * values are checked by a recursive skip bounded by LQ_JSCAN_DEPTH.
 * Decoded strings go into one buffer; when it grows, the members read so
 * far are moved to the new one (rebase), so no pointer outlives it. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "leadq/jscan.h"
#include "leadq/mem.h"

struct scan {
	struct lq_jobj *o;
	const unsigned char *start, *p, *end;
	char *err;
	size_t errsize;
};

static bool fail(struct scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct scan *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!s->err || s->errsize == 0)
		return false;
	n = snprintf(s->err, s->errsize, "offset %zu: ", (size_t)(s->p - s->start));
	if (n < 0 || (size_t)n >= s->errsize)
		return false;
	va_start(ap, fmt);
	vsnprintf(s->err + n, s->errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* --- the string buffer ------------------------------------------------------ */

/* Moves every decoded string of the members so far from old to buf. */
static void rebase(struct lq_jobj *o, const char *old, char *buf)
{
	for (size_t i = 0; i < o->n; i++) {
		struct lq_jfield *f = &o->f[i];

		f->key = buf + (f->key - old);
		if (f->v.type == LQ_JSTRING)
			f->v.s = buf + (f->v.s - old);
	}
}

static bool buf_reserve(struct scan *s, size_t more)
{
	struct lq_jobj *o = s->o;
	size_t cap = o->buf_cap;
	char *grown;

	if (o->buf_len + more <= o->buf_cap)
		return true;
	while (cap < o->buf_len + more)
		cap = cap * 2;
	grown = lq_malloc(cap);
	if (!grown)
		return fail(s, "out of memory");
	memcpy(grown, o->buf, o->buf_len);
	rebase(o, o->buf, grown);
	if (o->buf != o->inline_buf)
		lq_free(o->buf);
	o->buf = grown;
	o->buf_cap = cap;
	return true;
}

static void buf_put(struct lq_jobj *o, const void *bytes, size_t n)
{
	memcpy(o->buf + o->buf_len, bytes, n);
	o->buf_len += n;
}

/* --- strings ---------------------------------------------------------------- */

/* The length of the UTF-8 sequence at p (a byte >= 0x80), 0 when invalid:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static int hex4(const unsigned char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		int d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t utf8_put(unsigned long cp, unsigned char out[4])
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The escape after a backslash at s->p; its UTF-8 into out, *n bytes. */
static bool escape(struct scan *s, unsigned char out[4], size_t *n)
{
	const unsigned char *q = s->p + 1;
	int hi, lo;

	if (q >= s->end)
		return fail(s, "the string is cut");
	*n = 1;
	switch (*q) {
	case '"': case '\\': case '/':
		out[0] = *q;
		break;
	case 'b': out[0] = '\b'; break;
	case 'f': out[0] = '\f'; break;
	case 'n': out[0] = '\n'; break;
	case 'r': out[0] = '\r'; break;
	case 't': out[0] = '\t'; break;
	case 'u':
		if (s->end - q < 5 || (hi = hex4(q + 1)) < 0)
			return fail(s, "expected four hex digits after \\u");
		if (hi >= 0xdc00 && hi <= 0xdfff)
			return fail(s, "a low surrogate without a high one");
		if (hi >= 0xd800 && hi <= 0xdbff) {
			if (s->end - q < 11 || q[5] != '\\' || q[6] != 'u' ||
			    (lo = hex4(q + 7)) < 0xdc00 || lo > 0xdfff)
				return fail(s, "a high surrogate without a low one");
			*n = utf8_put(0x10000 + (((unsigned long)hi - 0xd800) << 10) +
				      ((unsigned long)lo - 0xdc00), out);
			s->p = q + 11;
			return true;
		}
		*n = utf8_put((unsigned long)hi, out);
		s->p = q + 5;
		return true;
	default:
		return fail(s, "unknown escape");
	}
	s->p = q + 1;
	return true;
}

/* The string at s->p (its opening quote), decoded into the buffer when
 * decode (NUL-terminated; *off and *len say where), only checked when not. */
static bool string(struct scan *s, bool decode, size_t *off, size_t *len)
{
	struct lq_jobj *o = s->o;

	s->p++;
	if (decode) {
		*off = o->buf_len;
		*len = 0;
	}
	for (;;) {
		const unsigned char *run = s->p;
		unsigned char c = 0;
		size_t seq;

		/* A run of bytes that stand for themselves. */
		while (s->p < s->end) {
			c = *s->p;
			if (c == '"' || c == '\\' || c < 0x20)
				break;
			if (c < 0x80) {
				s->p++;
				continue;
			}
			seq = utf8_len(s->p, s->end);
			if (seq == 0)
				return fail(s, "invalid UTF-8");
			s->p += seq;
		}
		if (decode && s->p > run) {
			if (!buf_reserve(s, (size_t)(s->p - run) + 1))
				return false;
			buf_put(o, run, (size_t)(s->p - run));
		}
		if (s->p >= s->end)
			return fail(s, "the string is cut");
		if (c == '"') {
			s->p++;
			break;
		}
		if (c < 0x20)
			return fail(s, "a control character inside a string");
		unsigned char out[4];
		size_t n;

		if (!escape(s, out, &n))
			return false;
		if (decode) {
			if (!buf_reserve(s, n + 1))
				return false;
			buf_put(o, out, n);
		}
	}
	if (decode) {
		if (!buf_reserve(s, 1))
			return false;
		*len = o->buf_len - *off;
		o->buf[o->buf_len++] = '\0';
	}
	return true;
}

/* --- numbers and nested values ----------------------------------------------- */

static bool digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

static bool number(struct scan *s, struct lq_jval *v)
{
	const unsigned char *p = s->p;
	bool neg = false, integral = true, fits = true;
	uint64_t mag = 0, limit;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!digit(p, s->end))
		return fail(s, "expected a digit");
	if (*p == '0') {
		p++;
		if (digit(p, s->end))
			return fail(s, "a number with a leading zero");
	} else {
		limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		while (digit(p, s->end)) {
			unsigned d = (unsigned)(*p - '0');

			if (mag > (limit - d) / 10)
				fits = false;
			else
				mag = mag * 10 + d;
			p++;
		}
	}
	if (p < s->end && *p == '.') {
		integral = false;
		p++;
		if (!digit(p, s->end))
			return fail(s, "expected a digit after '.'");
		while (digit(p, s->end))
			p++;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		integral = false;
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(p, s->end))
			return fail(s, "expected a digit in the exponent");
		while (digit(p, s->end))
			p++;
	}
	s->p = p;
	if (!v)
		return true;
	if (integral && fits) {
		v->type = LQ_JINT;
		/* -2^63 has no positive twin: negate in unsigned arithmetic. */
		v->i = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	} else {
		v->type = LQ_JREAL;
	}
	return true;
}

static bool literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return fail(s, "unexpected character");
	s->p += n;
	return true;
}

static bool skip_value(struct scan *s, int depth);

/* An object or array at s->p, checked and passed over. */
static bool skip_nested(struct scan *s, int depth)
{
	unsigned char close = *s->p == '{' ? '}' : ']';
	bool object = close == '}';

	if (depth > LQ_JSCAN_DEPTH)
		return fail(s, "nested deeper than %d", LQ_JSCAN_DEPTH);
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return true;
	}
	for (;;) {
		if (object) {
			if (s->p >= s->end || *s->p != '"')
				return fail(s, "expected a key");
			if (!string(s, false, NULL, NULL))
				return false;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "expected ':'");
			s->p++;
			skip_ws(s);
		}
		if (!skip_value(s, depth))
			return false;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			skip_ws(s);
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return true;
		}
		return fail(s, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static bool skip_value(struct scan *s, int depth)
{
	if (s->p >= s->end)
		return fail(s, "expected a value");
	switch (*s->p) {
	case '"':
		return string(s, false, NULL, NULL);
	case '{':
	case '[':
		return skip_nested(s, depth + 1);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return number(s, NULL);
		return fail(s, "expected a value");
	}
}

/* A member's value into v (strings decoded, nested values as text). */
static bool value(struct scan *s, struct lq_jval *v)
{
	const unsigned char *at = s->p;
	size_t off, len;

	memset(v, 0, sizeof *v);
	if (s->p >= s->end)
		return fail(s, "expected a value");
	switch (*s->p) {
	case '"':
		if (!string(s, true, &off, &len))
			return false;
		v->type = LQ_JSTRING;
		v->s = s->o->buf + off;
		v->len = len;
		return true;
	case '{':
	case '[':
		v->type = *s->p == '{' ? LQ_JOBJECT : LQ_JARRAY;
		if (!skip_nested(s, 2))
			return false;
		v->raw = (const char *)at;
		v->raw_len = (size_t)(s->p - at);
		return true;
	case 't':
		v->type = LQ_JTRUE;
		return literal(s, "true");
	case 'f':
		v->type = LQ_JFALSE;
		return literal(s, "false");
	case 'n':
		v->type = LQ_JNULL;
		return literal(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return number(s, v);
		return fail(s, "expected a value");
	}
}

/* --- the object ---------------------------------------------------------------- */

static struct lq_jfield *field_new(struct lq_jobj *o)
{
	if (o->n == o->cap) {
		size_t cap = o->cap * 2;
		struct lq_jfield *grown = lq_malloc(cap * sizeof *grown);

		if (!grown)
			return NULL;
		memcpy(grown, o->f, o->n * sizeof *grown);
		if (o->f != o->inline_f)
			lq_free(o->f);
		o->f = grown;
		o->cap = cap;
	}
	return &o->f[o->n++];
}

void lq_jobj_init(struct lq_jobj *o)
{
	o->f = o->inline_f;
	o->n = 0;
	o->cap = LQ_JOBJ_INLINE;
	o->hint = 0;
	o->buf = o->inline_buf;
	o->buf_len = 0;
	o->buf_cap = LQ_JOBJ_INLINE_BUF;
}

void lq_jobj_clear(struct lq_jobj *o)
{
	if (o->f != o->inline_f)
		lq_free(o->f);
	if (o->buf != o->inline_buf)
		lq_free(o->buf);
	lq_jobj_init(o);
}

/* The object at s->p; see lq_jobj_parse. */
static bool parse_members(struct scan *s, size_t *used)
{
	struct lq_jobj *o = s->o;

	skip_ws(s);
	if (s->p >= s->end || *s->p != '{')
		return fail(s, "expected an object");
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
	} else {
		for (;;) {
			struct lq_jfield *f;
			struct lq_jval v;
			size_t key_off, key_len;

			if (s->p >= s->end || *s->p != '"')
				return fail(s, "expected a key");
			if (!string(s, true, &key_off, &key_len))
				return false;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "expected ':'");
			s->p++;
			skip_ws(s);
			if (!value(s, &v))
				return false;
			f = field_new(o);
			if (!f)
				return fail(s, "out of memory");
			/* After value(): the buffer may have moved while it was read. */
			f->key = o->buf + key_off;
			f->key_len = key_len;
			f->v = v;
			skip_ws(s);
			if (s->p < s->end && *s->p == ',') {
				s->p++;
				skip_ws(s);
				continue;
			}
			if (s->p < s->end && *s->p == '}') {
				s->p++;
				break;
			}
			return fail(s, "expected ',' or '}'");
		}
	}
	if (used) {
		*used = (size_t)(s->p - s->start);
		return true;
	}
	skip_ws(s);
	if (s->p != s->end)
		return fail(s, "text after the object");
	return true;
}

bool lq_jobj_parse(struct lq_jobj *o, const char *text, size_t len, size_t *used,
		   char *err, size_t errsize)
{
	struct scan s = { o, (const unsigned char *)text, (const unsigned char *)text,
			  (const unsigned char *)text + len, err, errsize };

	if (err && errsize)
		err[0] = '\0';
	o->n = 0;
	o->hint = 0;
	o->buf_len = 0;
	if (parse_members(&s, used))
		return true;
	o->n = 0;       /* nothing half-read is left to look at */
	return false;
}

const struct lq_jval *lq_jobj_get(struct lq_jobj *o, const char *key)
{
	size_t n = o->n, i = o->hint, key_len = strlen(key);

	for (size_t k = 0; k < n; k++, i++) {
		if (i >= n)
			i = 0;
		if (o->f[i].key_len == key_len && memcmp(o->f[i].key, key, key_len) == 0) {
			o->hint = i + 1;
			return &o->f[i].v;
		}
	}
	return NULL;
}

bool lq_jobj_add(struct lq_jobj *o, const char *key, const struct lq_jval *v)
{
	struct lq_jfield *f = field_new(o);

	if (!f)
		return false;
	f->key = key;
	f->key_len = strlen(key);
	f->v = *v;
	return true;
}
