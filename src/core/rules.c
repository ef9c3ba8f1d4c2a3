/* leadq — routing rules, team policies and the round-robin pick (DESIGN §3, §8). */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "leadq/calendar.h"
#include "leadq/mem.h"
#include "leadq/rules.h"
#include "leadq/text.h"

/* Items of text conditions are compared whole; none is longer than this. */
#define ITEM_MAX 255
/* Error messages quote at most this many bytes of what the file wrote. */
#define QUOTE_MAX 40
/* Numbers in the files (employees, minutes, days) stay below this. */
#define NUMBER_MAX 1000000000

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- wire names ------------------------------------------------------- */

static const char *const route_mode_wire[] = {
#define X(id, wire) wire,
	LQ_ROUTE_MODE_LIST(X)
#undef X
};
static const char *const breach_action_wire[] = {
#define X(id, wire, label) wire,
	LQ_BREACH_ACTION_LIST(X)
#undef X
};
static const char *const breach_action_label[] = {
#define X(id, wire, label) label,
	LQ_BREACH_ACTION_LIST(X)
#undef X
};
static const char *const expiry_action_wire[] = {
#define X(id, wire, label) wire,
	LQ_EXPIRY_ACTION_LIST(X)
#undef X
};
static const char *const expiry_action_label[] = {
#define X(id, wire, label) label,
	LQ_EXPIRY_ACTION_LIST(X)
#undef X
};

static int wire_parse(const char *const *names, int count, const char *wire)
{
	int i;

	if (!wire)
		return -1;
	for (i = 0; i < count; i++) {
		if (strcmp(names[i], wire) == 0)
			return i;
	}
	return -1;
}

const char *lq_route_mode_wire(enum lq_route_mode m)
{
	return (int)m >= 0 && m < LQ_ROUTE_MODE_COUNT ? route_mode_wire[m] : NULL;
}

int lq_route_mode_parse(const char *wire)
{
	return wire_parse(route_mode_wire, LQ_ROUTE_MODE_COUNT, wire);
}

const char *lq_breach_action_wire(enum lq_breach_action a)
{
	return (int)a >= 0 && a < LQ_BREACH_ACTION_COUNT ? breach_action_wire[a] : NULL;
}

const char *lq_breach_action_label(enum lq_breach_action a)
{
	return (int)a >= 0 && a < LQ_BREACH_ACTION_COUNT ? breach_action_label[a] : NULL;
}

const char *lq_expiry_action_label(enum lq_expiry_action a)
{
	return (int)a >= 0 && a < LQ_EXPIRY_ACTION_COUNT ? expiry_action_label[a] : NULL;
}

int lq_breach_action_parse(const char *wire)
{
	return wire_parse(breach_action_wire, LQ_BREACH_ACTION_COUNT, wire);
}

const char *lq_expiry_action_wire(enum lq_expiry_action a)
{
	return (int)a >= 0 && a < LQ_EXPIRY_ACTION_COUNT ? expiry_action_wire[a] : NULL;
}

int lq_expiry_action_parse(const char *wire)
{
	return wire_parse(expiry_action_wire, LQ_EXPIRY_ACTION_COUNT, wire);
}

static const char *const route_how_wire[] = {
#define X(id, wire, label) wire,
	LQ_ROUTE_HOW_LIST(X)
#undef X
};
static const char *const route_how_label[] = {
#define X(id, wire, label) label,
	LQ_ROUTE_HOW_LIST(X)
#undef X
};

const char *lq_route_how_wire(enum lq_route_how h)
{
	return (int)h >= 0 && h < LQ_ROUTE_HOW_COUNT ? route_how_wire[h] : NULL;
}

const char *lq_route_how_label(enum lq_route_how h)
{
	return (int)h >= 0 && h < LQ_ROUTE_HOW_COUNT ? route_how_label[h] : NULL;
}

int lq_route_how_parse(const char *wire)
{
	return wire_parse(route_how_wire, LQ_ROUTE_HOW_COUNT, wire);
}

/* ---- text helpers ------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, const char **end)
{
	while (*s < *end && is_blank(**s))
		(*s)++;
	while (*end > *s && is_blank((*end)[-1]))
		(*end)--;
}

static bool has_blank(const char *s, const char *end)
{
	for (; s < end; s++) {
		if (is_blank(*s))
			return true;
	}
	return false;
}

static bool range_is(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - s) == n && memcmp(s, word, n) == 0;
}

/* Folds the next character of [*s, end) into out, advancing *s; the number of
 * bytes written, 0 at the end.  lq_fold() works one code point at a time, so
 * folding character by character gives what folding the whole text gives. */
static size_t fold_next(const char **s, const char *end, char out[8])
{
	while (*s < end) {
		unsigned char c = (unsigned char)**s;
		/* One sequence; a byte that starts none goes alone (and is dropped). */
		size_t n = c < 0xC2 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 1;
		char one[5];
		size_t got;

		if (n > (size_t)(end - *s))
			n = (size_t)(end - *s);
		memcpy(one, *s, n);
		one[n] = '\0';
		*s += n;
		got = lq_fold(one, out, 8);
		if (got > 0)
			return got;
	}
	return 0;
}

/* Whether [a, aend) and [b, bend) are equal once folded; no allocation. */
static bool fold_equal(const char *a, const char *aend, const char *b, const char *bend)
{
	char fa[8], fb[8];
	size_t na = 0, ia = 0, nb = 0, ib = 0;

	for (;;) {
		if (ia == na) {
			na = fold_next(&a, aend, fa);
			ia = 0;
		}
		if (ib == nb) {
			nb = fold_next(&b, bend, fb);
			ib = 0;
		}
		if (ia == na || ib == nb)
			return ia == na && ib == nb;
		if (fa[ia++] != fb[ib++])
			return false;
	}
}

/* A new string: [s, end) folded (never longer than the text). */
static char *fold_dup(const char *s, const char *end)
{
	char *out = lq_malloc((size_t)(end - s) + 1);
	size_t pos = 0;
	char buf[8];
	size_t n;

	if (!out)
		return NULL;
	for (;;) {
		n = fold_next(&s, end, buf);
		if (n == 0)
			break;
		memcpy(out + pos, buf, n);
		pos += n;
	}
	out[pos] = '\0';
	return out;
}

/* ---- errors ------------------------------------------------------------- */

/* A piece of the file for a message: at most QUOTE_MAX bytes, whole
 * characters (the text is valid UTF-8 by then), "..." when cut. */
static const char *quote(const char *s, const char *end, char *buf, size_t size)
{
	size_t n = (size_t)(end - s);
	bool cut = n > QUOTE_MAX;

	if (cut) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n + 4 > size)
		n = 0;
	memcpy(buf, s, n);
	memcpy(buf + n, cut ? "..." : "", cut ? 4 : 1);
	return buf;
}

/* "line 12: employees: expected …"; key may be NULL (a line without one). */
PRINTF_LIKE(6, 7)
static bool fail(char *err, size_t errsize, int line, const char *key, size_t keylen,
		 const char *fmt, ...)
{
	char quoted[QUOTE_MAX + 4];
	char msg[256];
	va_list ap;

	if (!err || errsize == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(err, errsize, "line %d: %s: %s", line,
			 quote(key, key + keylen, quoted, sizeof(quoted)), msg);
	else
		snprintf(err, errsize, "line %d: %s", line, msg);
	return false;
}

/* "a, b or c" from a list of wire names. */
static const char *join_names(const char *const *names, int count, char *buf, size_t size)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (int i = 0; i < count && pos < size; i++) {
		const char *sep = i == 0 ? "" : i == count - 1 ? " or " : ", ";
		int w = snprintf(buf + pos, size - pos, "%s%s", sep, names[i]);

		if (w < 0)
			break;
		pos += (size_t)w;
	}
	return buf;
}

/* ---- the line reader shared by both files ------------------------------- */

struct reader {
	const char *p, *end;
	int line;
};

struct item {
	int line;
	bool section;
	const char *kind, *kind_end;      /* section: "rule" */
	const char *name, *name_end;      /* section: "ES-Centro" */
	const char *key, *key_end;        /* pair */
	const char *value, *value_end;    /* pair, trimmed, never empty */
};

static void reader_init(struct reader *r, const char *text, size_t len)
{
	r->p = text ? text : "";
	r->end = r->p + (text ? len : 0);
	r->line = 0;
	/* A byte-order mark, as some editors write, is not part of the text. */
	if (r->end - r->p >= 3 && memcmp(r->p, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
}

/* 1: an item in *it; 0: the end of the text; -1: an error (in err). */
static int next_item(struct reader *r, struct item *it, char *err, size_t errsize)
{
	while (r->p < r->end) {
		const char *s = r->p;
		const char *nl = memchr(s, '\n', (size_t)(r->end - s));
		const char *e = nl ? nl : r->end;
		const char *hash, *eq;

		r->p = nl ? nl + 1 : r->end;
		r->line++;
		if (memchr(s, '\0', (size_t)(e - s)))
			return fail(err, errsize, r->line, NULL, 0, "NUL byte in the text"), -1;
		if (!lq_utf8_valid(s, (size_t)(e - s)))
			return fail(err, errsize, r->line, NULL, 0, "invalid UTF-8"), -1;
		hash = memchr(s, '#', (size_t)(e - s));
		if (hash)
			e = hash;
		trim(&s, &e);
		if (s == e)
			continue;

		memset(it, 0, sizeof(*it));
		it->line = r->line;
		if (*s == '[') {
			const char *in = s + 1, *in_end = e - 1, *sp;

			if (e[-1] != ']' || e - s < 2)
				return fail(err, errsize, r->line, NULL, 0,
					    "a section line must end with ']'"), -1;
			trim(&in, &in_end);
			if (memchr(in, '[', (size_t)(in_end - in)) ||
			    memchr(in, ']', (size_t)(in_end - in)))
				return fail(err, errsize, r->line, NULL, 0,
					    "a section name may not hold '[' or ']'"), -1;
			sp = in;
			while (sp < in_end && !is_blank(*sp))
				sp++;
			it->section = true;
			it->kind = in;
			it->kind_end = sp;
			it->name = sp;
			it->name_end = in_end;
			trim(&it->name, &it->name_end);
			return 1;
		}
		eq = memchr(s, '=', (size_t)(e - s));
		if (!eq)
			return fail(err, errsize, r->line, NULL, 0,
				    "expected 'key = value' or a section such as [rule NAME]"), -1;
		it->key = s;
		it->key_end = eq;
		it->value = eq + 1;
		it->value_end = e;
		trim(&it->key, &it->key_end);
		trim(&it->value, &it->value_end);
		if (it->key == it->key_end)
			return fail(err, errsize, r->line, NULL, 0, "expected a key before '='"), -1;
		if (it->value == it->value_end)
			return fail(err, errsize, r->line, it->key,
				    (size_t)(it->key_end - it->key), "empty value"), -1;
		return 1;
	}
	return 0;
}

#define KEY_ERR(it) (it)->line, (it)->key, (size_t)((it)->key_end - (it)->key)

/* Parses a whole number [0, NUMBER_MAX] from [s, end). */
static bool parse_number(const char *s, const char *end, int *out)
{
	long v = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9' || v > (NUMBER_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = (int)v;
	return true;
}

/* ---- routing rules ------------------------------------------------------ */

enum rule_key_kind { RK_LIST, RK_COUNTRY, RK_POSTAL, RK_EMPLOYEES, RK_TO };

struct rule_key {
	const char *name;
	enum rule_key_kind kind;
	size_t list;              /* offset of the struct lq_strlist */
};

static const struct rule_key rule_keys[] = {
	{ "country", RK_COUNTRY, offsetof(struct lq_route_rule, country) },
	{ "region", RK_LIST, offsetof(struct lq_route_rule, region) },
	{ "postal", RK_POSTAL, offsetof(struct lq_route_rule, postal) },
	{ "industry", RK_LIST, offsetof(struct lq_route_rule, industry) },
	{ "employees", RK_EMPLOYEES, 0 },
	{ "source", RK_LIST, offsetof(struct lq_route_rule, source) },
	{ "to", RK_TO, 0 },
};
#define RULE_KEY_COUNT ((int)(sizeof(rule_keys) / sizeof(rule_keys[0])))
#define RULE_KEY_TO (RULE_KEY_COUNT - 1)

static void strlist_clear(struct lq_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		lq_free(l->v[i]);
	lq_free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void rule_init(struct lq_route_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->employees_min = -1;
	r->employees_max = -1;
	r->to_kind = LQ_ROUTE_TO_TEAM;
}

static void rule_clear(struct lq_route_rule *r)
{
	lq_free(r->name);
	lq_free(r->to);
	strlist_clear(&r->country);
	strlist_clear(&r->region);
	strlist_clear(&r->postal);
	strlist_clear(&r->industry);
	strlist_clear(&r->source);
	rule_init(r);
}

void lq_route_rules_clear(struct lq_route_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_clear(&rs->rule[i]);
	lq_free(rs->rule);
	rs->rule = NULL;
	rs->n = 0;
}

/* A comma-separated list into *out (empty before): folded, or as written
 * for postal prefixes; country codes must be two letters. */
static bool parse_list(const struct item *it, enum rule_key_kind kind, struct lq_strlist *out,
		       char *err, size_t errsize)
{
	struct lq_strlist l = { NULL, 0 };
	size_t count = 1;
	const char *s = it->value;

	for (const char *p = it->value; p < it->value_end; p++)
		count += *p == ',';
	l.v = lq_calloc(count, sizeof(*l.v));
	if (!l.v)
		return fail(err, errsize, KEY_ERR(it), "out of memory");
	while (l.n < count) {
		const char *e = memchr(s, ',', (size_t)(it->value_end - s));
		const char *next;

		if (!e)
			e = it->value_end;
		next = e + 1;
		trim(&s, &e);
		if (s == e) {
			strlist_clear(&l);
			return fail(err, errsize, KEY_ERR(it), "empty item in the list");
		}
		if (e - s > ITEM_MAX) {
			strlist_clear(&l);
			return fail(err, errsize, KEY_ERR(it), "an item is longer than %d bytes",
				    ITEM_MAX);
		}
		if (kind == RK_COUNTRY) {
			bool ok = e - s == 2;

			for (const char *c = s; ok && c < e; c++)
				ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
			if (!ok) {
				char q[QUOTE_MAX + 4];

				strlist_clear(&l);
				return fail(err, errsize, KEY_ERR(it),
					    "'%s' is not a two-letter ISO 3166 code such as ES",
					    quote(s, e, q, sizeof(q)));
			}
		}
		l.v[l.n] = kind == RK_POSTAL ? lq_strndup(s, (size_t)(e - s)) : fold_dup(s, e);
		if (!l.v[l.n]) {
			strlist_clear(&l);
			return fail(err, errsize, KEY_ERR(it), "out of memory");
		}
		l.n++;
		s = next;
	}
	*out = l;
	return true;
}

/* "50-499", "1000-" (at least), "-49" (at most); blanks around '-' allowed. */
static bool parse_employees(const struct item *it, struct lq_route_rule *r, char *err,
			    size_t errsize)
{
	const char *dash = memchr(it->value, '-', (size_t)(it->value_end - it->value));
	const char *a, *a_end, *b, *b_end;
	int lo = -1, hi = -1;

	if (!dash)
		return fail(err, errsize, KEY_ERR(it), "expected a range such as 50-499");
	a = it->value;
	a_end = dash;
	b = dash + 1;
	b_end = it->value_end;
	trim(&a, &a_end);
	trim(&b, &b_end);
	if ((a == a_end && b == b_end) ||
	    (a != a_end && !parse_number(a, a_end, &lo)) ||
	    (b != b_end && !parse_number(b, b_end, &hi)))
		return fail(err, errsize, KEY_ERR(it),
			    "expected a range such as 50-499, 1000- or -49");
	if (lo >= 0 && hi >= 0 && lo > hi)
		return fail(err, errsize, KEY_ERR(it),
			    "the range %d-%d is reversed (the smaller number comes first)", lo, hi);
	r->employees_min = lo;
	r->employees_max = hi;
	return true;
}

/* "team Iberia Centro" or "user lucia". */
static bool parse_to(const struct item *it, struct lq_route_rule *r, char *err, size_t errsize)
{
	const char *k = it->value, *k_end = it->value;
	const char *name, *name_end = it->value_end;
	enum lq_route_target kind;

	while (k_end < it->value_end && !is_blank(*k_end))
		k_end++;
	name = k_end;
	trim(&name, &name_end);
	if (range_is(k, k_end, "team"))
		kind = LQ_ROUTE_TO_TEAM;
	else if (range_is(k, k_end, "user"))
		kind = LQ_ROUTE_TO_USER;
	else
		return fail(err, errsize, KEY_ERR(it),
			    "expected 'team NAME' or 'user LOGIN'");
	if (name == name_end)
		return fail(err, errsize, KEY_ERR(it), kind == LQ_ROUTE_TO_TEAM ?
			    "expected a team's name after 'team'" :
			    "expected a login after 'user'");
	if (kind == LQ_ROUTE_TO_USER && has_blank(name, name_end))
		return fail(err, errsize, KEY_ERR(it), "a login has no spaces");
	r->to = lq_strndup(name, (size_t)(name_end - name));
	if (!r->to)
		return fail(err, errsize, KEY_ERR(it), "out of memory");
	r->to_kind = kind;
	return true;
}

static bool rule_has_to(const struct lq_route_rules *rs, char *err, size_t errsize)
{
	const struct lq_route_rule *r;

	if (rs->n == 0)
		return true;
	r = &rs->rule[rs->n - 1];
	if (r->to)
		return true;
	return fail(err, errsize, r->line, "to", 2,
		    "missing: rule '%s' needs 'to = team NAME' or 'to = user LOGIN'", r->name);
}

static bool rules_section(struct lq_route_rules *rs, const struct item *it, char *err,
			  size_t errsize)
{
	struct lq_route_rule *grown, *r;
	char q[QUOTE_MAX + 4];

	if (!range_is(it->kind, it->kind_end, "rule"))
		return fail(err, errsize, it->line, NULL, 0,
			    "unknown section kind '%s' (expected [rule NAME])",
			    quote(it->kind, it->kind_end, q, sizeof(q)));
	if (it->name == it->name_end)
		return fail(err, errsize, it->line, "rule", 4, "a rule needs a name: [rule NAME]");
	for (size_t i = 0; i < rs->n; i++) {
		const char *other = rs->rule[i].name;

		if (fold_equal(it->name, it->name_end, other, other + strlen(other)))
			return fail(err, errsize, it->line, "rule", 4,
				    "the name '%s' is already used on line %d",
				    quote(it->name, it->name_end, q, sizeof(q)), rs->rule[i].line);
	}
	grown = lq_realloc(rs->rule, (rs->n + 1) * sizeof(*rs->rule));
	if (!grown)
		return fail(err, errsize, it->line, NULL, 0, "out of memory");
	rs->rule = grown;
	r = &rs->rule[rs->n];
	rule_init(r);
	r->line = it->line;
	r->name = lq_strndup(it->name, (size_t)(it->name_end - it->name));
	if (!r->name)
		return fail(err, errsize, it->line, NULL, 0, "out of memory");
	rs->n++;
	return true;
}

static bool rules_pair(struct lq_route_rules *rs, const struct item *it, unsigned *seen,
		       char *err, size_t errsize)
{
	struct lq_route_rule *r;
	int k;

	if (rs->n == 0)
		return fail(err, errsize, KEY_ERR(it),
			    "outside a rule (start one with [rule NAME])");
	r = &rs->rule[rs->n - 1];
	for (k = 0; k < RULE_KEY_COUNT; k++) {
		if (range_is(it->key, it->key_end, rule_keys[k].name))
			break;
	}
	if (k == RULE_KEY_COUNT)
		return fail(err, errsize, KEY_ERR(it),
			    "unknown key (expected country, region, postal, industry, "
			    "employees, source or to)");
	if (*seen & (1u << k))
		return fail(err, errsize, KEY_ERR(it), "given twice in this rule");
	*seen |= 1u << k;
	switch (rule_keys[k].kind) {
	case RK_EMPLOYEES:
		return parse_employees(it, r, err, errsize);
	case RK_TO:
		return parse_to(it, r, err, errsize);
	case RK_LIST:
	case RK_COUNTRY:
	case RK_POSTAL:
		break;
	}
	return parse_list(it, rule_keys[k].kind,
			  (struct lq_strlist *)(void *)((char *)r + rule_keys[k].list), err,
			  errsize);
}

bool lq_route_rules_parse(const char *text, size_t len, struct lq_route_rules *out,
			  char *err, size_t errsize)
{
	struct reader rd;
	struct item it;
	unsigned seen = 0;
	int got;

	out->rule = NULL;
	out->n = 0;
	if (err && errsize)
		err[0] = '\0';
	reader_init(&rd, text, len);
	for (;;) {
		got = next_item(&rd, &it, err, errsize);
		if (got <= 0)
			break;
		if (it.section) {
			if (!rule_has_to(out, err, errsize) ||
			    !rules_section(out, &it, err, errsize)) {
				got = -1;
				break;
			}
			seen = 0;
		} else if (!rules_pair(out, &it, &seen, err, errsize)) {
			got = -1;
			break;
		}
	}
	if (got == 0 && !rule_has_to(out, err, errsize))
		got = -1;
	if (got < 0) {
		lq_route_rules_clear(out);
		return false;
	}
	return true;
}

/* ---- matching ------------------------------------------------------------ */

/* The field without surrounding blanks; false when there is nothing. */
static bool field_range(const char *field, const char **s, const char **e)
{
	if (!field)
		return false;
	*s = field;
	*e = field + strlen(field);
	trim(s, e);
	return *s < *e;
}

static bool list_holds(const struct lq_strlist *l, const char *field)
{
	const char *s, *e;

	if (l->n == 0)
		return true;
	if (!field_range(field, &s, &e))
		return false;
	for (size_t i = 0; i < l->n; i++) {
		if (fold_equal(s, e, l->v[i], l->v[i] + strlen(l->v[i])))
			return true;
	}
	return false;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Postal codes start with one of the prefixes (ASCII case-blind: "SW1A"). */
static bool postal_holds(const struct lq_strlist *l, const char *field)
{
	const char *s, *e;

	if (l->n == 0)
		return true;
	if (!field_range(field, &s, &e))
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->v[i];
		size_t n = strlen(p), j;

		if (n > (size_t)(e - s))
			continue;
		for (j = 0; j < n && ascii_lower(p[j]) == ascii_lower(s[j]); j++)
			;
		if (j == n)
			return true;
	}
	return false;
}

static bool rule_matches(const struct lq_route_rule *r, const struct lq_lead *l)
{
	if (r->employees_min >= 0 || r->employees_max >= 0) {
		if (l->employees <= 0)
			return false;
		if (r->employees_min >= 0 && l->employees < r->employees_min)
			return false;
		if (r->employees_max >= 0 && l->employees > r->employees_max)
			return false;
	}
	return list_holds(&r->country, l->country) && list_holds(&r->region, l->region) &&
	       postal_holds(&r->postal, l->postal_code) &&
	       list_holds(&r->industry, l->industry) && list_holds(&r->source, l->source);
}

int lq_route_match(const struct lq_route_rules *rs, const struct lq_lead *l)
{
	if (!rs || !l)
		return -1;
	for (size_t i = 0; i < rs->n && i < (size_t)INT_MAX; i++) {
		if (rule_matches(&rs->rule[i], l))
			return (int)i;
	}
	return -1;
}

/* ---- choosing a rep ------------------------------------------------------ */

/* Whether rep a goes before rep b (both can take a lead). */
static bool rep_before(const struct lq_route_rep *a, const struct lq_route_rep *b)
{
	/* (a.open + 1) / a.capacity < (b.open + 1) / b.capacity, exactly:
	 * capacities are positive, so cross-multiply in 64 bits. */
	int64_t fa = ((int64_t)a->open + 1) * b->capacity;
	int64_t fb = ((int64_t)b->open + 1) * a->capacity;
	int c;

	if (fa != fb)
		return fa < fb;
	if (a->last_assigned != b->last_assigned)
		return a->last_assigned < b->last_assigned;
	c = strcmp(a->login ? a->login : "", b->login ? b->login : "");
	return c < 0;
}

int lq_route_pick_rep(const struct lq_route_rep *reps, size_t n)
{
	int best = -1;

	if (!reps)
		return -1;
	for (size_t i = 0; i < n && i < (size_t)INT_MAX; i++) {
		const struct lq_route_rep *r = &reps[i];

		if (!r->active || r->capacity <= 0 || r->open >= r->capacity)
			continue;
		if (best < 0 || rep_before(r, &reps[best]))
			best = (int)i;
	}
	return best;
}

/* ---- team policies ------------------------------------------------------- */

enum policy_key_kind { PK_ZONE, PK_HOURS, PK_HOLIDAYS, PK_LOGIN, PK_NUMBER, PK_WIRE };

struct policy_key {
	const char *name;
	enum policy_key_kind kind;
	size_t field;                  /* offset in struct lq_team_policy_section */
	int min, max;                  /* PK_NUMBER */
	const char *const *wires;      /* PK_WIRE */
	int nwires;
};

#define STR_FIELD(f) offsetof(struct lq_team_policy_section, f)
static const struct policy_key policy_keys[] = {
	{ "tz", PK_ZONE, STR_FIELD(tz), 0, 0, NULL, 0 },
	{ "hours", PK_HOURS, STR_FIELD(hours), 0, 0, NULL, 0 },
	{ "holidays", PK_HOLIDAYS, STR_FIELD(holidays), 0, 0, NULL, 0 },
	{ "routing", PK_WIRE, STR_FIELD(routing), 0, 0, route_mode_wire, LQ_ROUTE_MODE_COUNT },
	{ "dispatcher", PK_LOGIN, STR_FIELD(dispatcher), 0, 0, NULL, 0 },
	{ "first_contact", PK_NUMBER, STR_FIELD(first_contact_minutes), 1, 100000, NULL, 0 },
	{ "touches", PK_NUMBER, STR_FIELD(touches_required), 0, 1000, NULL, 0 },
	{ "touch_window", PK_NUMBER, STR_FIELD(touch_window_days), 1, 10000, NULL, 0 },
	{ "at_risk", PK_NUMBER, STR_FIELD(at_risk_percent), 0, 100, NULL, 0 },
	{ "on_breach", PK_WIRE, STR_FIELD(on_breach), 0, 0, breach_action_wire,
	  LQ_BREACH_ACTION_COUNT },
	{ "on_expiry", PK_WIRE, STR_FIELD(on_expiry), 0, 0, expiry_action_wire,
	  LQ_EXPIRY_ACTION_COUNT },
};
#undef STR_FIELD
#define POLICY_KEY_COUNT ((int)(sizeof(policy_keys) / sizeof(policy_keys[0])))

static void section_init(struct lq_team_policy_section *t)
{
	memset(t, 0, sizeof(*t));
	t->routing = -1;
	t->first_contact_minutes = -1;
	t->touches_required = -1;
	t->touch_window_days = -1;
	t->at_risk_percent = -1;
	t->on_breach = -1;
	t->on_expiry = -1;
}

static void section_clear(struct lq_team_policy_section *t)
{
	lq_free(t->team);
	lq_free(t->tz);
	lq_free(t->hours);
	lq_free(t->holidays);
	lq_free(t->dispatcher);
	section_init(t);
}

void lq_team_policies_clear(struct lq_team_policies *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		section_clear(&ps->team[i]);
	lq_free(ps->team);
	ps->team = NULL;
	ps->n = 0;
}

/* What a section needs checked once it is complete. */
struct section_state {
	unsigned seen;
	int routing_line;
};

static bool section_done(const struct lq_team_policies *ps, const struct section_state *st,
			 char *err, size_t errsize)
{
	const struct lq_team_policy_section *t;

	if (ps->n == 0)
		return true;
	t = &ps->team[ps->n - 1];
	if (t->routing == LQ_ROUTE_SINGLE_CONTACT && !t->dispatcher)
		return fail(err, errsize, st->routing_line, "routing", 7,
			    "single_contact needs a dispatcher (dispatcher = LOGIN)");
	return true;
}

static bool policy_section(struct lq_team_policies *ps, const struct item *it, char *err,
			   size_t errsize)
{
	struct lq_team_policy_section *grown, *t;
	char q[QUOTE_MAX + 4];

	if (!range_is(it->kind, it->kind_end, "team"))
		return fail(err, errsize, it->line, NULL, 0,
			    "unknown section kind '%s' (expected [team NAME])",
			    quote(it->kind, it->kind_end, q, sizeof(q)));
	if (it->name == it->name_end)
		return fail(err, errsize, it->line, "team", 4,
			    "a section needs the team's name: [team NAME]");
	for (size_t i = 0; i < ps->n; i++) {
		const char *other = ps->team[i].team;

		if (fold_equal(it->name, it->name_end, other, other + strlen(other)))
			return fail(err, errsize, it->line, "team", 4,
				    "'%s' is already given on line %d",
				    quote(it->name, it->name_end, q, sizeof(q)), ps->team[i].line);
	}
	grown = lq_realloc(ps->team, (ps->n + 1) * sizeof(*ps->team));
	if (!grown)
		return fail(err, errsize, it->line, NULL, 0, "out of memory");
	ps->team = grown;
	t = &ps->team[ps->n];
	section_init(t);
	t->line = it->line;
	t->team = lq_strndup(it->name, (size_t)(it->name_end - it->name));
	if (!t->team)
		return fail(err, errsize, it->line, NULL, 0, "out of memory");
	ps->n++;
	return true;
}

static bool policy_pair(struct lq_team_policies *ps, const struct item *it,
			struct section_state *st, char *err, size_t errsize)
{
	const struct policy_key *pk;
	struct lq_team_policy_section *t;
	struct lq_calendar scratch;
	char reason[160], names[80];
	char *copy, **str;
	int k, number, *num;

	if (ps->n == 0)
		return fail(err, errsize, KEY_ERR(it),
			    "outside a section (start one with [team NAME])");
	t = &ps->team[ps->n - 1];
	for (k = 0; k < POLICY_KEY_COUNT; k++) {
		if (range_is(it->key, it->key_end, policy_keys[k].name))
			break;
	}
	if (k == POLICY_KEY_COUNT)
		return fail(err, errsize, KEY_ERR(it),
			    "unknown key (expected tz, hours, holidays, routing, dispatcher, "
			    "first_contact, touches, touch_window, at_risk, on_breach or "
			    "on_expiry)");
	if (st->seen & (1u << k))
		return fail(err, errsize, KEY_ERR(it), "given twice in this section");
	st->seen |= 1u << k;
	pk = &policy_keys[k];
	if (pk->kind == PK_NUMBER) {
		if (!parse_number(it->value, it->value_end, &number) || number < pk->min ||
		    number > pk->max)
			return fail(err, errsize, KEY_ERR(it),
				    "expected a whole number from %d to %d", pk->min, pk->max);
		num = (int *)(void *)((char *)t + pk->field);
		*num = number;
		return true;
	}
	if ((pk->kind == PK_ZONE || pk->kind == PK_LOGIN) && has_blank(it->value, it->value_end))
		return fail(err, errsize, KEY_ERR(it), pk->kind == PK_ZONE ?
			    "expected an IANA zone such as Europe/Madrid" :
			    "expected a login (no spaces)");
	copy = lq_strndup(it->value, (size_t)(it->value_end - it->value));
	if (!copy)
		return fail(err, errsize, KEY_ERR(it), "out of memory");
	if (pk->kind == PK_WIRE) {
		int v = wire_parse(pk->wires, pk->nwires, copy);

		lq_free(copy);
		if (v < 0)
			return fail(err, errsize, KEY_ERR(it), "expected %s",
				    join_names(pk->wires, pk->nwires, names, sizeof(names)));
		num = (int *)(void *)((char *)t + pk->field);
		*num = v;
		if (pk->wires == route_mode_wire)
			st->routing_line = it->line;
		return true;
	}
	if (pk->kind == PK_HOURS || pk->kind == PK_HOLIDAYS) {
		bool ok;

		lq_calendar_default(&scratch, NULL);
		reason[0] = '\0';
		ok = pk->kind == PK_HOURS ?
			lq_calendar_parse_hours(&scratch, copy, reason, sizeof(reason)) :
			lq_calendar_parse_holidays(&scratch, copy, reason, sizeof(reason));
		if (!ok) {
			lq_free(copy);
			return fail(err, errsize, KEY_ERR(it), "%s", reason);
		}
	}
	str = (char **)(void *)((char *)t + pk->field);
	*str = copy;
	return true;
}

bool lq_team_policies_parse(const char *text, size_t len, struct lq_team_policies *out,
			    char *err, size_t errsize)
{
	struct reader rd;
	struct item it;
	struct section_state st = { 0, 0 };
	int got;

	out->team = NULL;
	out->n = 0;
	if (err && errsize)
		err[0] = '\0';
	reader_init(&rd, text, len);
	for (;;) {
		got = next_item(&rd, &it, err, errsize);
		if (got <= 0)
			break;
		if (it.section) {
			if (!section_done(out, &st, err, errsize) ||
			    !policy_section(out, &it, err, errsize)) {
				got = -1;
				break;
			}
			st.seen = 0;
			st.routing_line = 0;
		} else if (!policy_pair(out, &it, &st, err, errsize)) {
			got = -1;
			break;
		}
	}
	if (got == 0 && !section_done(out, &st, err, errsize))
		got = -1;
	if (got < 0) {
		lq_team_policies_clear(out);
		return false;
	}
	return true;
}
