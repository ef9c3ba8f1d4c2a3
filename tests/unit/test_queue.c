/* Unit tests: src/core/queue.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leadq/mem.h"
#include "leadq/queue.h"
#include "leadq/text.h"

#define NOW ((lq_time)1767268800)   /* 2026-01-01T12:00:00Z */
#define NONE LQ_TIME_NONE
#define MIN LQ_MINUTE
#define HOUR LQ_HOUR
#define DAY LQ_DAY

/* One hand-built lead per row; the rows are listed in the expected "who
 * next" order, and the comment says which rule places each one. */
struct spec {
	const char *tag;          /* also the id's last digits */
	enum lq_status status;
	int score;
	lq_time mql, first_touch, first_due, cadence_due, next_touch, appt;
	const char *company, *source, *owner, *name;
};

#define S_NEW LQ_STATUS_NEW
#define S_WRK LQ_STATUS_WORKING
static const struct spec specs[] = {
	/* DUE_NOW, by appointment time */
	{ "a1", S_WRK, 10, NOW - 9 * DAY, NOW - DAY, NONE, NOW + DAY, NOW + HOUR, NOW - 30 * MIN,
	  "Zeta AG", "webinar", "rep1", "José Núñez" },                         /* overdue */
	{ "a2", LQ_STATUS_QUALIFIED, 90, NOW - 8 * DAY, NOW - DAY, NONE, NONE, NONE, NOW + 10 * MIN,
	  "Acme", "web", "rep2", "Zoë Brandt" },                                /* closed, still due */
	{ "a3", S_NEW, 50, NOW - 7 * DAY, NONE, NOW - HOUR, NONE, NONE, NOW + 10 * MIN,
	  "Acme", "web", "rep1", "Åsa Berg" },                                   /* same time: score */
	{ "a4", S_WRK, 20, NOW - 2 * DAY, NOW - DAY, NONE, NONE, NONE, NOW + 15 * MIN,
	  "Öko Bau", "csv", "rep1", "Jürgen Öztürk" },                           /* window edge */
	/* FIRST_CONTACT, by deadline: breached first */
	{ "f1", S_NEW, 10, NOW - 3 * DAY, NONE, NOW - 2 * HOUR, NONE, NONE, NONE,
	  "Straße GmbH", "web", "rep1", "Łukasz Wójcik" },
	{ "f2", S_NEW, 99, NOW - 2 * DAY, NONE, NOW - HOUR, NONE, NONE, NONE,
	  "São Paulo Ltda", "webinar", "rep2", "João Silva" },
	{ "f3", S_NEW, 80, NOW - 5 * DAY, NONE, NOW + HOUR, NONE, NONE, NOW + 16 * MIN,
	  "Beta", "web", "rep1", "Ann Lee" },                                    /* score 80, older */
	{ "f4", S_NEW, 80, NOW - 5 * DAY, NONE, NOW + HOUR, NONE, NONE, NONE,
	  "Beta", "web", "rep1", "Ann Lee" },                                    /* same: id decides */
	{ "f5", S_NEW, 80, NOW - 4 * DAY, NONE, NOW + HOUR, NONE, NONE, NONE,
	  "Beta", "web", "rep1", "Bo Ek" },                                      /* same score, younger */
	{ "f6", S_NEW, 30, NOW - DAY, NONE, NOW + HOUR, NONE, NONE, NONE,
	  "beta", "web", "rep1", "Cy Fox" },                                     /* lower score */
	/* CADENCE, by next touch due */
	{ "c1", S_WRK, 5, NOW - 6 * DAY, NOW - 5 * DAY, NONE, NOW - MIN, NOW - 10 * MIN, NONE,
	  "Gamma", "csv", "rep2", "Dee Roe" },
	{ "c2", S_WRK, 70, NOW - 6 * DAY, NOW - 5 * DAY, NONE, NOW + DAY, NOW + HOUR, NONE,
	  "Łódź Tech", "webinar", "rep1", "Ewa Nowak" },
	{ "c3", S_NEW, 70, NOW - 6 * DAY, NONE, NONE, NONE, NOW + 2 * HOUR, NONE,
	  NULL, "web", "rep1", "Finn Moe" },                                     /* no first clock */
	/* OTHER, by MQL time */
	{ "o1", LQ_STATUS_JUNK, 100, NOW - 30 * DAY, NONE, NOW - DAY, NONE, NOW - DAY, NONE,
	  "Delta", "web", "rep1", "Gus Tan" },                                   /* closed: no clock */
	{ "o2", LQ_STATUS_WON, 1, NOW - 20 * DAY, NOW - 19 * DAY, NONE, NONE, NONE, NONE,
	  "Epsilon", "csv", NULL, "Hal Ott" },
	{ "o3", S_WRK, 60, NOW - 10 * DAY, NOW - 9 * DAY, NONE, NOW - DAY, NONE, NONE,
	  "Zürich Re", "web", "rep2", "Ida Ulm" },                               /* cadence done */
	{ "o4", LQ_STATUS_LOST, 60, NONE, NONE, NONE, NONE, NONE, NONE,
	  "", NULL, "rep1", "Jo Kay" },                                          /* no MQL: last */
};
#define NSPECS (sizeof specs / sizeof specs[0])

struct fixture {
	struct lq_lead leads[NSPECS];
	char folded[NSPECS][256];
	char folded_company[NSPECS][64];
	struct lq_queue_item items[NSPECS];
};

static struct fixture fx;

static void build(void)
{
	size_t i;

	for (i = 0; i < NSPECS; i++) {
		const struct spec *s = &specs[i];
		struct lq_lead *l = &fx.leads[i];
		char text[256];

		lq_lead_init(l);
		/* ids in a different order than the rows, except where a tie
		 * must be decided by the id (f3 < f4 by id). */
		snprintf(l->id, sizeof l->id, "00000000-0000-4000-8000-0000000000%s", s->tag);
		l->status = s->status;
		l->score = s->score;
		l->mql_at = s->mql;
		l->first_touch_at = s->first_touch;
		l->touches = s->first_touch == NONE ? 0 : 1;
		l->sla_first_due = s->first_due;
		l->sla_cadence_due = s->cadence_due;
		l->next_touch_due = s->next_touch;
		l->next_appt_at = s->appt;
		l->company = (char *)s->company;   /* borrowed: never cleared */
		l->source = (char *)s->source;
		l->owner_id = (char *)s->owner;
		l->name = (char *)s->name;
		snprintf(text, sizeof text, "%s %s", s->name, s->company ? s->company : "");
		lq_fold(text, fx.folded[i], sizeof fx.folded[i]);
		lq_fold(s->company, fx.folded_company[i], sizeof fx.folded_company[i]);
		fx.items[i].lead = l;
		fx.items[i].folded = fx.folded[i];
		fx.items[i].folded_company = s->company ? fx.folded_company[i] : NULL;
		fx.items[i].group = -1;
		fx.items[i].key = 0;
	}
}

static int setup(void **state)
{
	(void)state;
	build();
	return 0;
}

static const char *tag_of(const struct lq_queue_item *it)
{
	return it->lead->id + LQ_UUID_STRLEN - 2;
}

/* The items' tags joined with spaces. */
static void order_of(const struct lq_queue_item *items, size_t n, char *buf, size_t size)
{
	size_t i, pos = 0;

	buf[0] = '\0';
	for (i = 0; i < n && pos + 4 < size; i++)
		pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? " " : "", tag_of(&items[i]));
}

static void assert_order(const struct lq_queue_item *items, size_t n, const char *want)
{
	char got[256];

	order_of(items, n, got, sizeof got);
	assert_string_equal(got, want);
}

/* Deterministic shuffle (xorshift) so every run tries the same orders. */
static void shuffle(struct lq_queue_item *items, size_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 1;
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j;
		struct lq_queue_item tmp;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		j = x % i;
		tmp = items[i - 1];
		items[i - 1] = items[j];
		items[j] = tmp;
	}
}

#define PRIORITY_ORDER "a1 a2 a3 a4 f1 f2 f3 f4 f5 f6 c1 c2 c3 o1 o2 o3 o4"

static void test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < LQ_SORT_COUNT; i++) {
		assert_non_null(lq_sort_label((enum lq_sort)i));
		assert_int_equal(lq_sort_parse(lq_sort_wire((enum lq_sort)i)), i);
	}
	assert_string_equal(lq_sort_wire(LQ_SORT_PRIORITY), "priority");
	assert_string_equal(lq_sort_label(LQ_SORT_PRIORITY), "who next");
	assert_int_equal(lq_sort_parse("Score"), -1);
	assert_int_equal(lq_sort_parse(NULL), -1);
	assert_null(lq_sort_wire(LQ_SORT_COUNT));
}

static void test_priority_order(void **state)
{
	(void)state;
	shuffle(fx.items, NSPECS, 7);
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_PRIORITY, NOW);
	assert_order(fx.items, NSPECS, PRIORITY_ORDER);
}

static void test_groups_and_keys(void **state)
{
	static const struct { const char *tag; int group; lq_time key; } want[] = {
		{ "a1", LQ_GROUP_DUE_NOW, NOW - 30 * MIN },
		{ "a4", LQ_GROUP_DUE_NOW, NOW + 15 * MIN },
		{ "f3", LQ_GROUP_FIRST_CONTACT, NOW + HOUR },     /* appointment 16 min away */
		{ "f1", LQ_GROUP_FIRST_CONTACT, NOW - 2 * HOUR },
		{ "c1", LQ_GROUP_CADENCE, NOW - 10 * MIN },
		{ "c3", LQ_GROUP_CADENCE, NOW + 2 * HOUR },
		{ "o1", LQ_GROUP_OTHER, NOW - 30 * DAY },
		{ "o3", LQ_GROUP_OTHER, NOW - 10 * DAY },
		{ "o4", LQ_GROUP_OTHER, NONE },
	};
	size_t i, j;

	(void)state;
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_SCORE, NOW);   /* groups are filled by every sort */
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		for (j = 0; j < NSPECS; j++) {
			if (strcmp(tag_of(&fx.items[j]), want[i].tag) == 0)
				break;
		}
		assert_true(j < NSPECS);
		assert_int_equal(fx.items[j].group, want[i].group);
		assert_true(fx.items[j].key == want[i].key);
	}
}

static void test_due_window_moves_with_now(void **state)
{
	(void)state;
	/* An hour earlier, no appointment is within 15 minutes except a1's
	 * (overdue at NOW - 30 min, still in the future then: 30 min away). */
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_PRIORITY, NOW - HOUR);
	assert_int_equal(fx.items[0].group, LQ_GROUP_FIRST_CONTACT);
	assert_string_equal(tag_of(&fx.items[0]), "f1");
	/* Sixteen minutes later f3's appointment is due and a4 is overdue. */
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_PRIORITY, NOW + MIN);
	assert_order(fx.items, 5, "a1 a2 a3 a4 f3");
}

static void test_stable_total(void **state)
{
	uint32_t seed;

	(void)state;
	for (seed = 1; seed <= 50; seed++) {
		shuffle(fx.items, NSPECS, seed * 2654435761u);
		lq_queue_sort(fx.items, NSPECS, LQ_SORT_PRIORITY, NOW);
		assert_order(fx.items, NSPECS, PRIORITY_ORDER);
	}
}

static void test_sort_score(void **state)
{
	(void)state;
	shuffle(fx.items, NSPECS, 3);
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_SCORE, NOW);
	/* 100, 99, 90, 80 x3 (priority among them), 70 x2 (c2 before c3 by
	 * next touch), 60 x2 (o3 OTHER by mql before o4), 50, 30, 20, 10 x2
	 * (a1 DUE_NOW before f1), 5, 1. */
	assert_order(fx.items, NSPECS, "o1 f2 a2 f3 f4 f5 c2 c3 o3 o4 a3 f6 a4 a1 f1 c1 o2");
}

static void test_sort_age(void **state)
{
	(void)state;
	shuffle(fx.items, NSPECS, 5);
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_AGE, NOW);
	/* Oldest MQL first; c1 and c2 share it (c1 due sooner), f3/f4 too
	 * (id), a4 and f2 share 2 days (a4 due now); no MQL last. */
	assert_order(fx.items, NSPECS, "o1 o2 o3 a1 a2 a3 c1 c2 c3 f3 f4 f5 f1 a4 f2 f6 o4");
}

static void test_sort_company(void **state)
{
	(void)state;
	shuffle(fx.items, NSPECS, 11);
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_COMPANY, NOW);
	/* Folded: acme (a2, a3 by priority), beta (f3 f4 f5 f6, "Beta" and
	 * "beta" fold alike), delta, epsilon, gamma, lodz tech, oko bau,
	 * sao paulo ltda, strasse gmbh, zeta ag, zurich re; no company last
	 * (c3 NULL, o4 "" by priority). */
	assert_order(fx.items, NSPECS, "a2 a3 f3 f4 f5 f6 o1 o2 c1 c2 a4 f2 f1 a1 o3 c3 o4");
}

static void test_sort_source(void **state)
{
	(void)state;
	shuffle(fx.items, NSPECS, 13);
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_SOURCE, NOW);
	assert_order(fx.items, NSPECS,
		     "a4 c1 o2 "                        /* csv */
		     "a2 a3 f1 f3 f4 f5 f6 c3 o1 o3 "  /* web */
		     "a1 f2 c2 "                        /* webinar */
		     "o4");                             /* none */
}

static void test_sort_edge_cases(void **state)
{
	struct lq_queue_item one;

	(void)state;
	lq_queue_sort(NULL, 0, LQ_SORT_PRIORITY, NOW);
	lq_queue_sort(fx.items, 0, LQ_SORT_PRIORITY, NOW);
	one = fx.items[0];
	one.group = -1;
	lq_queue_sort(&one, 1, LQ_SORT_PRIORITY, NOW);
	assert_true(one.group >= LQ_GROUP_DUE_NOW && one.group <= LQ_GROUP_OTHER);
	/* An unknown sort is the default order. */
	shuffle(fx.items, NSPECS, 17);
	lq_queue_sort(fx.items, NSPECS, (enum lq_sort)99, NOW);
	assert_order(fx.items, NSPECS, PRIORITY_ORDER);
}

static void test_sort_without_memory(void **state)
{
	int sort;
	long fail;

	(void)state;
	for (fail = 0; fail <= 1; fail++) {
		for (sort = 0; sort < LQ_SORT_COUNT; sort++) {
			char want[256], got[256];

			shuffle(fx.items, NSPECS, 19);
			lq_queue_sort(fx.items, NSPECS, (enum lq_sort)sort, NOW);
			order_of(fx.items, NSPECS, want, sizeof want);
			shuffle(fx.items, NSPECS, 23 + (uint32_t)sort);
			lq_mem_fail_after(fail);
			lq_queue_sort(fx.items, NSPECS, (enum lq_sort)sort, NOW);
			lq_mem_fail_after(-1);
			order_of(fx.items, NSPECS, got, sizeof got);
			assert_string_equal(got, want);
		}
	}
}

/* ---- a reference order, written out plainly, against many random leads ---- */

static int ref_time(lq_time a, lq_time b)
{
	if (a == b)
		return 0;
	if (a == NONE)
		return 1;
	if (b == NONE)
		return -1;
	return a < b ? -1 : 1;
}

static int ref_priority(const struct lq_queue_item *a, const struct lq_queue_item *b)
{
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	c = ref_time(a->key, b->key);
	if (c)
		return c;
	if (a->lead->score != b->lead->score)
		return a->lead->score > b->lead->score ? -1 : 1;
	c = ref_time(a->lead->mql_at, b->lead->mql_at);
	return c ? c : strcmp(a->lead->id, b->lead->id);
}

static int ref_text(const char *a, const char *b)
{
	bool none_a = !a || !*a, none_b = !b || !*b;

	if (none_a || none_b)
		return none_a - none_b;
	return strcmp(a, b);
}

static int ref_cmp(const struct lq_queue_item *a, const struct lq_queue_item *b, enum lq_sort s)
{
	int c = 0;

	switch (s) {
	case LQ_SORT_SCORE:
		c = a->lead->score == b->lead->score ? 0 : a->lead->score > b->lead->score ? -1 : 1;
		break;
	case LQ_SORT_AGE:
		c = ref_time(a->lead->mql_at, b->lead->mql_at);
		break;
	case LQ_SORT_COMPANY:
		c = ref_text(a->folded_company, b->folded_company);
		break;
	case LQ_SORT_SOURCE:
		c = ref_text(a->lead->source, b->lead->source);
		break;
	default:
		break;
	}
	return c ? c : ref_priority(a, b);
}

#define NRANDOM 3000

static void check_random(bool extreme)
{
	static struct lq_lead leads[NRANDOM];
	static struct lq_queue_item items[NRANDOM];
	static const char *const companies[] = {
		"acme", "acme corp", "acme corporation", "acme corporation gmbh", "beta", "",
		"zurich re", "\xc3\xa9" "cole", NULL,
	};
	static const char *const sources[] = { "web", "webinar", "csv", "", NULL };
	uint32_t x = extreme ? 99 : 42;
	size_t i;
	int sort;

#define RND() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
	for (i = 0; i < NRANDOM; i++) {
		struct lq_lead *l = &leads[i];

		lq_lead_init(l);
		snprintf(l->id, sizeof l->id, "00000000-0000-4000-8000-%012u", (unsigned)(RND() % 100000));
		l->status = (enum lq_status)(RND() % LQ_STATUS_COUNT);
		l->score = (int)(RND() % 5);                      /* many ties */
		l->mql_at = RND() % 7 ? NOW - (lq_time)(RND() % 4) * HOUR : NONE;
		l->first_touch_at = RND() % 2 ? NOW - DAY : NONE;
		l->sla_first_due = RND() % 3 ? NOW + (lq_time)(RND() % 3 - 1) * HOUR : NONE;
		l->next_touch_due = RND() % 2 ? NOW + (lq_time)(RND() % 3) * HOUR : NONE;
		l->next_appt_at = RND() % 5 == 0 ? NOW + (lq_time)(RND() % 40) * MIN : NONE;
		if (extreme && RND() % 10 == 0) {
			l->score = RND() % 2 ? 2000000000 : -2000000000;
			l->mql_at = RND() % 2 ? INT64_MAX : INT64_MIN + 1;
			l->next_touch_due = RND() % 2 ? INT64_MAX - 1 : INT64_MIN + 7;
		}
		l->source = (char *)sources[RND() % 5];
		items[i].lead = l;
		items[i].folded = "";
		items[i].folded_company = companies[RND() % 9];
	}
	for (sort = 0; sort < LQ_SORT_COUNT; sort++) {
		lq_queue_sort(items, NRANDOM, (enum lq_sort)sort, NOW);
		for (i = 1; i < NRANDOM; i++) {
			if (ref_cmp(&items[i - 1], &items[i], (enum lq_sort)sort) > 0)
				fail_msg("%s sort: items %zu and %zu out of order: "
					 "group %d/%d key %lld/%lld score %d/%d mql %lld/%lld",
					 lq_sort_wire((enum lq_sort)sort), i - 1, i,
					 items[i - 1].group, items[i].group,
					 (long long)items[i - 1].key, (long long)items[i].key,
					 items[i - 1].lead->score, items[i].lead->score,
					 (long long)items[i - 1].lead->mql_at,
					 (long long)items[i].lead->mql_at);
		}
	}
#undef RND
}

static void test_random_against_reference(void **state)
{
	(void)state;
	check_random(false);
}

static void test_extreme_values_against_reference(void **state)
{
	(void)state;
	check_random(true);      /* scores and times beyond the packed keys */
}

/* ---- breach and filters ----------------------------------------------------- */

static void test_breached(void **state)
{
	struct lq_lead l;

	(void)state;
	lq_lead_init(&l);
	assert_false(lq_lead_breached(&l, NOW));           /* no clock */
	l.sla_first_due = NOW;
	assert_true(lq_lead_breached(&l, NOW));            /* at the deadline */
	assert_false(lq_lead_breached(&l, NOW - 1));
	l.status = LQ_STATUS_QUALIFIED;
	assert_false(lq_lead_breached(&l, NOW + DAY));     /* closed: no clock runs */
	l.status = LQ_STATUS_WORKING;
	l.first_touch_at = NOW - 10;                        /* touched: first clock stopped */
	assert_false(lq_lead_breached(&l, NOW + DAY));
	l.sla_cadence_due = NOW + HOUR;
	assert_false(lq_lead_breached(&l, NOW + HOUR - 1));
	assert_true(lq_lead_breached(&l, NOW + HOUR));
	assert_false(lq_lead_breached(NULL, NOW));
}

static size_t run_filter(const struct lq_filter *f, struct lq_queue_item *out)
{
	lq_queue_sort(fx.items, NSPECS, LQ_SORT_PRIORITY, NOW);
	return lq_queue_filter(fx.items, NSPECS, f, NOW, out);
}

static void test_filters(void **state)
{
	struct lq_queue_item out[NSPECS];
	struct lq_filter f;
	char q[64];
	size_t n;

	(void)state;
	lq_filter_init(&f);
	assert_int_equal(f.status_mask, 0);
	assert_null(f.text);
	n = run_filter(&f, out);
	assert_int_equal(n, NSPECS);
	assert_order(out, n, PRIORITY_ORDER);
	assert_int_equal(run_filter(NULL, out), NSPECS);

	/* status */
	f.status_mask = lq_filter_open_mask();
	assert_int_equal(f.status_mask, (1u << LQ_STATUS_NEW) | (1u << LQ_STATUS_WORKING));
	n = run_filter(&f, out);
	assert_order(out, n, "a1 a3 a4 f1 f2 f3 f4 f5 f6 c1 c2 c3 o3");
	f.status_mask = (1u << LQ_STATUS_WON) | (1u << LQ_STATUS_LOST);
	n = run_filter(&f, out);
	assert_order(out, n, "o2 o4");

	/* source: exact */
	lq_filter_init(&f);
	f.source = "webinar";
	n = run_filter(&f, out);
	assert_order(out, n, "a1 f2 c2");
	f.source = "webi";
	assert_int_equal(run_filter(&f, out), 0);
	f.source = "";
	assert_int_equal(run_filter(&f, out), NSPECS);

	/* breached: f1 f2 (first contact), c1 (cadence), o3 (cadence); a3 too
	 * (new, untouched, first due an hour ago) though it is in DUE_NOW; o1
	 * is closed. */
	lq_filter_init(&f);
	f.breached_only = true;
	n = run_filter(&f, out);
	assert_order(out, n, "a3 f1 f2 c1 o3");

	/* text: the caller folds the query */
	lq_filter_init(&f);
	lq_fold("NÚÑEZ", q, sizeof q);
	f.text = q;
	n = run_filter(&f, out);
	assert_order(out, n, "a1");
	lq_fold("zurich", q, sizeof q);
	n = run_filter(&f, out);
	assert_order(out, n, "o3");
	lq_fold("Beta", q, sizeof q);
	n = run_filter(&f, out);
	assert_order(out, n, "f3 f4 f5 f6");
	f.text = "";
	assert_int_equal(run_filter(&f, out), NSPECS);

	/* owner */
	lq_filter_init(&f);
	f.owner_id = "rep2";
	n = run_filter(&f, out);
	assert_order(out, n, "a2 f2 c1 o3");
	f.owner_id = "";
	n = run_filter(&f, out);
	assert_order(out, n, "o2");

	/* combinations */
	lq_filter_init(&f);
	f.owner_id = "rep1";
	f.status_mask = lq_filter_open_mask();
	f.source = "web";
	n = run_filter(&f, out);
	assert_order(out, n, "a3 f1 f3 f4 f5 f6 c3");
	f.breached_only = true;
	n = run_filter(&f, out);
	assert_order(out, n, "a3 f1");
	lq_fold("lukasz", q, sizeof q);
	f.text = q;
	n = run_filter(&f, out);
	assert_order(out, n, "f1");
	f.owner_id = "rep2";
	assert_int_equal(run_filter(&f, out), 0);
}

static void test_filter_match_edge(void **state)
{
	struct lq_filter f;
	struct lq_queue_item it;

	(void)state;
	lq_filter_init(&f);
	memset(&it, 0, sizeof it);
	assert_false(lq_filter_match(&f, &it, NOW));       /* no lead */
	it = fx.items[0];
	it.folded = NULL;
	f.text = "jose";
	assert_false(lq_filter_match(&f, &it, NOW));       /* nothing to search */
	f.text = NULL;
	assert_true(lq_filter_match(&f, &it, NOW));
}

/* --- the team lead's filters and load ------------------------------------- */

static bool risky_called_closed;

/* "At risk" as a caller with calendars would say: here, a running clock
 * that ends within two hours and has not passed. */
static bool at_risk_two_hours(void *ctx, const struct lq_lead *l, lq_time now)
{
	lq_time due = l->first_touch_at == NONE ? l->sla_first_due : l->sla_cadence_due;

	(void)ctx;
	if (!lq_status_is_open(l->status))
		risky_called_closed = true;
	return due != NONE && due > now && due - now <= 2 * HOUR;
}

static void test_filter_team_and_at_risk(void **state)
{
	struct lq_queue_item out[NSPECS];
	struct lq_filter f;
	int calls = 0;
	size_t n;

	(void)state;
	fx.leads[0].team_id = (char *)"north";   /* a1 */
	fx.leads[4].team_id = (char *)"north";   /* f1 */
	fx.leads[6].team_id = (char *)"south";   /* f3 */
	lq_filter_init(&f);
	assert_null(f.team_id);
	assert_false(f.at_risk_only);
	f.team_id = "north";
	n = run_filter(&f, out);
	assert_order(out, n, "a1 f1");
	f.team_id = "nort";
	assert_int_equal(run_filter(&f, out), 0);
	f.team_id = "";                            /* no team */
	assert_int_equal(run_filter(&f, out), NSPECS - 3);

	/* At risk: the caller's test, after the cheap ones (closed leads never
	 * reach it when the status filter keeps open ones). */
	lq_filter_init(&f);
	f.at_risk_only = true;
	assert_int_equal(run_filter(&f, out), 0);   /* no test: nothing */
	f.at_risk = at_risk_two_hours;
	f.at_risk_ctx = &calls;
	f.status_mask = lq_filter_open_mask();
	risky_called_closed = false;
	n = run_filter(&f, out);
	assert_order(out, n, "f3 f4 f5 f6");
	assert_false(risky_called_closed);
	/* With an owner and a team. */
	f.owner_id = "rep1";
	f.team_id = "south";
	n = run_filter(&f, out);
	assert_order(out, n, "f3");
	f.at_risk_only = false;
	f.team_id = NULL;
	f.owner_id = "";
	assert_int_equal(run_filter(&f, out), 0);   /* o2 is closed */
}

static struct lq_rep_load *find_load(struct lq_rep_load *loads, size_t n, const char *owner)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(loads[i].owner_id, owner) == 0)
			return &loads[i];
	fail_msg("no load for %s", owner);
	return NULL;
}

static void test_load(void **state)
{
	struct lq_rep_load loads[4] = {
		{ .owner_id = "rep1", .open = 99 }, { .owner_id = "rep2", .breached = 7 },
		{ .owner_id = "", .due_today = 5 }, { .owner_id = "rep9" },
	};
	struct lq_rep_load *r;

	(void)state;
	for (size_t i = 0; i < NSPECS; i++)
		fx.leads[i].last_touch_at = fx.leads[i].first_touch_at;
	/* The day ends in 3 hours. */
	lq_queue_load(fx.items, NSPECS, NOW, NOW + 3 * HOUR, loads, 4);
	/* rep1 open: a1 a3 a4 f1 f3 f4 f5 f6 c2 c3; breached a3 f1; due before
	 * the day's end: a1 (appointment overdue), a4 (appointment), f3..f6
	 * (first contact in an hour), c2 (next touch in an hour), c3 (next
	 * touch in two). */
	r = find_load(loads, 4, "rep1");
	assert_int_equal(r->open, 10);
	assert_int_equal(r->breached, 2);
	assert_int_equal(r->due_today, 8);
	assert_true(r->last_touch == NOW - DAY);    /* a1, a4 (touched a day ago) */
	/* rep2 open: f2 c1 o3, all breached; a2 is qualified (not open). */
	r = find_load(loads, 4, "rep2");
	assert_int_equal(r->open, 3);
	assert_int_equal(r->breached, 3);
	assert_int_equal(r->due_today, 0);
	assert_true(r->last_touch == NOW - DAY);    /* a2 counts for the last touch */
	/* Unassigned: o2 (won), not open. */
	r = find_load(loads, 4, "");
	assert_int_equal(r->open, 0);
	assert_int_equal(r->due_today, 0);
	assert_true(r->last_touch == NOW - 19 * DAY);
	r = find_load(loads, 4, "rep9");
	assert_int_equal(r->open, 0);
	assert_true(r->last_touch == NONE);

	/* A day that ends now: nothing not overdue is due today. */
	lq_queue_load(fx.items, NSPECS, NOW, NOW, loads, 4);
	assert_int_equal(find_load(loads, 4, "rep1")->due_today, 1);   /* a1's overdue appointment */
	/* Nothing to count. */
	lq_queue_load(NULL, 0, NOW, NOW, loads, 4);
	assert_int_equal(find_load(loads, 4, "rep1")->open, 0);
	lq_queue_load(fx.items, NSPECS, NOW, NOW, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup(test_priority_order, setup),
		cmocka_unit_test_setup(test_groups_and_keys, setup),
		cmocka_unit_test_setup(test_due_window_moves_with_now, setup),
		cmocka_unit_test_setup(test_stable_total, setup),
		cmocka_unit_test_setup(test_sort_score, setup),
		cmocka_unit_test_setup(test_sort_age, setup),
		cmocka_unit_test_setup(test_sort_company, setup),
		cmocka_unit_test_setup(test_sort_source, setup),
		cmocka_unit_test_setup(test_sort_edge_cases, setup),
		cmocka_unit_test_setup(test_sort_without_memory, setup),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_extreme_values_against_reference),
		cmocka_unit_test(test_breached),
		cmocka_unit_test_setup(test_filters, setup),
		cmocka_unit_test_setup(test_filter_match_edge, setup),
		cmocka_unit_test_setup(test_filter_team_and_at_risk, setup),
		cmocka_unit_test_setup(test_load, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
