/* leadq — a strict reader of one JSON object (RFC 8259), for the codec.
 *
 * The codec reads every entity through this: a change of the sync feed, a
 * lead stored on the server.  jansson builds a tree of allocated nodes and
 * a hash table per object; a first sync reads 145,000 small objects and
 * spent half its time there.  This reader makes one pass over the text and
 * keeps the object's members in a flat array: strings are decoded into one
 * buffer, nested objects and arrays are checked and kept as text, to be read
 * in turn when wanted.  Nothing is allocated for an object of up to
 * LQ_JOBJ_INLINE members whose strings fit LQ_JOBJ_INLINE_BUF bytes.
 *
 * Strict: one object, whitespace around it only where JSON allows it, UTF-8
 * checked, escapes decoded (\u0000 included: the codec refuses strings that
 * hold a NUL), lone surrogates refused, nesting at most LQ_JSCAN_DEPTH deep.
 * Integers without fraction or exponent that fit int64_t are LQ_JINT; other
 * numbers are LQ_JREAL (their value is not computed: the codec has no
 * fractional fields).  A key given twice: which one a lookup finds is not
 * specified (RFC 8259 §4 leaves it to the reader). */
#ifndef LEADQ_JSCAN_H
#define LEADQ_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LQ_JSCAN_DEPTH 64
#define LQ_JOBJ_INLINE 48
#define LQ_JOBJ_INLINE_BUF 4096

enum lq_jtype {
	LQ_JNULL,
	LQ_JFALSE,
	LQ_JTRUE,
	LQ_JINT,
	LQ_JREAL,
	LQ_JSTRING,
	LQ_JOBJECT,
	LQ_JARRAY,
};

struct lq_jval {
	enum lq_jtype type;
	int64_t i;              /* LQ_JINT */
	const char *s;          /* LQ_JSTRING: decoded, with a NUL after len bytes */
	size_t len;             /* LQ_JSTRING: bytes (a \u0000 inside counts) */
	const char *raw;        /* LQ_JOBJECT, LQ_JARRAY: the value's text, */
	size_t raw_len;         /*   brackets included (for another parse) */
	const void *node;       /* free for the caller: an object built with
				 * lq_jobj_add() from a tree keeps its nodes */
};

struct lq_jfield {
	const char *key;        /* decoded, NUL-terminated */
	size_t key_len;
	struct lq_jval v;
};

/* One object's members, in the order of the text.  Pointers into it (keys,
 * strings) stay valid until the next parse or lq_jobj_clear(). */
struct lq_jobj {
	struct lq_jfield *f;
	size_t n, cap;
	size_t hint;            /* where the next lookup starts */
	char *buf;              /* decoded strings */
	size_t buf_len, buf_cap;
	struct lq_jfield inline_f[LQ_JOBJ_INLINE];
	char inline_buf[LQ_JOBJ_INLINE_BUF];
};

void lq_jobj_init(struct lq_jobj *o);
/* Frees what the object allocated; it can be parsed into again after init. */
void lq_jobj_clear(struct lq_jobj *o);

/* Parses the object that starts text (after optional whitespace).  *used is
 * set to the bytes up to its closing brace (NULL: nothing but whitespace
 * may follow it).  False with a one-line reason in err ("offset 12:
 * expected ':'") when the text is not such an object or memory ran out.
 * The object's earlier members are dropped first; after a refusal it has
 * none. */
bool lq_jobj_parse(struct lq_jobj *o, const char *text, size_t len, size_t *used,
		   char *err, size_t errsize);

/* The member key, NULL when absent.  Lookups in member order are O(1). */
const struct lq_jval *lq_jobj_get(struct lq_jobj *o, const char *key);

/* Appends a member whose key (and string value) the caller keeps alive:
 * for objects that come from elsewhere (a jansson tree).  False when out of
 * memory. */
bool lq_jobj_add(struct lq_jobj *o, const char *key, const struct lq_jval *v);

#endif
