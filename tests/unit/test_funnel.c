/* Unit tests: src/core/funnel.c and src/proto/funnel_codec.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "leadq/codec.h"
#include "leadq/funnel.h"
#include "leadq/lead.h"
#include "leadq/mem.h"

#define B ((lq_time)1790812800)      /* 2026-10-01T00:00:00Z */
#define TO ((lq_time)1793491200)     /* 2026-11-01T00:00:00Z */
#define M ((lq_time)60)
#define H ((lq_time)3600)
#define D ((lq_time)86400)
#define NONE LQ_TIME_NONE
#define NOW (B + 10 * D)

/* The hand-computed fixture: 16 leads, two of them outside [B, TO). */
static const struct lq_funnel_lead fixture[] = {
	{ "", LQ_STATUS_JUNK, "fake", B + 6 * D + 2 * H, NONE, NONE, 0 },
	{ "web_form", LQ_STATUS_WON, NULL, B + H, B + H + 30 * M, B + 2 * H, 12000 },
	{ "webinar", LQ_STATUS_JUNK, "spam", B + D, B + D + 2 * M, B + D + H, 0 },
	{ "web_form", LQ_STATUS_LOST, NULL, B + 2 * H, B + 3 * H, B + 3 * H, 0 },
	{ "ghost", LQ_STATUS_WON, NULL, TO, TO + H, TO + H, 5 },            /* at to: out */
	{ "web_form", LQ_STATUS_OPPORTUNITY, NULL, B + 3 * H, B + 5 * H, B + 4 * H, 5000 },
	{ "webinar", LQ_STATUS_JUNK, "spam", B + D + H, B + D + H + 90 * M, B + D + 3 * H, 0 },
	{ "web_form", LQ_STATUS_QUALIFIED, NULL, B + 4 * H, B + 4 * H + 10 * M, NONE, 0 },
	{ "webinar", LQ_STATUS_UNREACHABLE, "no_answer", B + 2 * D, NONE, B + 2 * D + H, 0 },
	{ "web_form", LQ_STATUS_RECYCLED, "no_budget", B + 5 * H, NONE, B + 6 * H, 0 },
	{ "web_form", LQ_STATUS_WON, NULL, B - 1, B, B + H, 99999 },       /* before from */
	{ "webinar", LQ_STATUS_RECYCLED, "not_ready", B + 2 * D + H, B + 2 * D + H + 5 * M,
	  NONE, 0 },
	{ "web_form", LQ_STATUS_NEW, NULL, B + 6 * H, NONE, B + 20 * D, 0 },  /* undecided */
	{ "webinar", LQ_STATUS_WON, NULL, B + 3 * D, B + 3 * D + 15 * M, B + 3 * D + 30 * M,
	  3000 },
	{ NULL, LQ_STATUS_WORKING, NULL, B + 5 * D, B + 5 * D + M, B + 5 * D + H, 0 },
	{ "", LQ_STATUS_WON, NULL, B + 6 * D, B + 7 * D, B + 6 * D + H, 2500 },
};
#define NFIXTURE (sizeof(fixture) / sizeof(fixture[0]))

struct expect {
	const char *group;
	long passed, touched, accepted, opportunities, won, lost, recycled, junk, unreachable;
	int64_t revenue, median, p90;
	long met, decided;
	long sla, conv[4];   /* tenths of a percent; -1 undefined */
};

static const struct expect want_rows[] = {
	{ "web_form", 6, 4, 4, 3, 1, 1, 1, 0, 0, 12000, 1800, 7200, 2, 4, 500,
	  { 667, 1000, 750, 333 } },
	{ "webinar", 5, 4, 1, 1, 1, 0, 1, 2, 1, 3000, 300, 5400, 3, 4, 750,
	  { 800, 250, 1000, 1000 } },
	{ "", 3, 2, 1, 1, 1, 0, 0, 1, 0, 2500, 60, 86400, 1, 2, 500, { 667, 500, 1000, 1000 } },
};
static const struct expect want_total = {
	"", 14, 10, 6, 5, 3, 1, 2, 3, 1, 17500, 900, 7200, 6, 10, 600, { 714, 600, 833, 600 }
};

static void check_row(const struct lq_funnel_row *r, const struct expect *e)
{
	assert_string_equal(r->group, e->group);
	assert_int_equal(r->passed, e->passed);
	assert_int_equal(r->touched, e->touched);
	assert_int_equal(r->accepted, e->accepted);
	assert_int_equal(r->opportunities, e->opportunities);
	assert_int_equal(r->won, e->won);
	assert_int_equal(r->lost, e->lost);
	assert_int_equal(r->recycled, e->recycled);
	assert_int_equal(r->junk, e->junk);
	assert_int_equal(r->unreachable, e->unreachable);
	assert_int_equal(r->revenue, e->revenue);
	assert_int_equal(r->ttft_median, e->median);
	assert_int_equal(r->ttft_p90, e->p90);
	assert_int_equal(r->sla_met, e->met);
	assert_int_equal(r->sla_decided, e->decided);
	assert_int_equal(lq_funnel_rate_tenths(r->sla_met, r->sla_decided), e->sla);
	assert_int_equal(lq_funnel_rate_tenths(r->touched, r->passed), e->conv[0]);
	assert_int_equal(lq_funnel_rate_tenths(r->accepted, r->touched), e->conv[1]);
	assert_int_equal(lq_funnel_rate_tenths(r->opportunities, r->accepted), e->conv[2]);
	assert_int_equal(lq_funnel_rate_tenths(r->won, r->opportunities), e->conv[3]);
}

static void check_reasons(const struct lq_funnel_row *r, int slot, const char *want)
{
	char got[512] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < r->nreasons[slot]; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s %ld", i ? ", " : "",
					r->reasons[slot][i].code, r->reasons[slot][i].n);
	assert_string_equal(got, want);
}

static void check_fixture(const struct lq_funnel *f)
{
	size_t i;

	assert_int_equal(f->n, 3);
	for (i = 0; i < 3; i++)
		check_row(&f->rows[i], &want_rows[i]);
	check_row(&f->total, &want_total);
	check_reasons(&f->rows[0], 0, "no_budget 1");
	check_reasons(&f->rows[0], 1, "");
	check_reasons(&f->rows[0], 2, "");
	check_reasons(&f->rows[1], 0, "not_ready 1");
	check_reasons(&f->rows[1], 1, "spam 2");
	check_reasons(&f->rows[1], 2, "no_answer 1");
	check_reasons(&f->rows[2], 0, "");
	check_reasons(&f->rows[2], 1, "fake 1");
	check_reasons(&f->total, 0, "no_budget 1, not_ready 1");
	check_reasons(&f->total, 1, "spam 2, fake 1");
	check_reasons(&f->total, 2, "no_answer 1");
}

static void build_fixture(struct lq_funnel *f)
{
	size_t i;

	lq_funnel_init(f, LQ_FUNNEL_BY_SOURCE, B, TO);
	for (i = 0; i < NFIXTURE; i++)
		assert_true(lq_funnel_add(f, &fixture[i], NOW));
	assert_true(lq_funnel_finish(f));
}

static void test_fixture(void **state)
{
	struct lq_funnel f;

	(void)state;
	build_fixture(&f);
	check_fixture(&f);
	assert_null(f.index);
	assert_null(f.total.ttft);
	lq_funnel_free(&f);
	assert_null(f.rows);
	assert_int_equal(f.n, 0);
	lq_funnel_free(&f);   /* twice is harmless */
}

/* With the range open, the two leads outside it count too. */
static void test_open_range(void **state)
{
	struct lq_funnel f;
	size_t i;

	(void)state;
	lq_funnel_init(&f, LQ_FUNNEL_BY_SOURCE, NONE, NONE);
	for (i = 0; i < NFIXTURE; i++)
		assert_true(lq_funnel_add(&f, &fixture[i], NOW));
	assert_true(lq_funnel_finish(&f));
	assert_int_equal(f.n, 4);
	assert_string_equal(f.rows[0].group, "web_form");
	assert_int_equal(f.rows[0].passed, 7);
	assert_int_equal(f.rows[0].won, 2);
	assert_int_equal(f.rows[0].revenue, 12000 + 99999);
	assert_string_equal(f.rows[3].group, "ghost");
	assert_int_equal(f.total.passed, 16);
	assert_int_equal(f.total.revenue, 17500 + 99999 + 5);
	lq_funnel_free(&f);

	/* Only from: the lead at TO counts, the one before B does not. */
	lq_funnel_init(&f, LQ_FUNNEL_BY_SOURCE, B, NONE);
	for (i = 0; i < NFIXTURE; i++)
		assert_true(lq_funnel_add(&f, &fixture[i], NOW));
	assert_true(lq_funnel_finish(&f));
	assert_int_equal(f.total.passed, 15);
	assert_int_equal(f.n, 4);
	lq_funnel_free(&f);
}

static void test_edges(void **state)
{
	struct lq_funnel f;
	struct lq_funnel_lead l = { "a", LQ_STATUS_WORKING, NULL, B + H, B, NONE, 0 };

	(void)state;
	lq_funnel_init(&f, LQ_FUNNEL_BY_REP, NONE, NONE);
	assert_true(lq_funnel_finish(&f));       /* empty */
	assert_int_equal(f.n, 0);
	assert_int_equal(f.total.passed, 0);
	assert_int_equal(f.total.ttft_median, -1);
	assert_string_equal(f.total.group, "");
	lq_funnel_free(&f);

	lq_funnel_init(&f, LQ_FUNNEL_BY_REP, NONE, NONE);
	assert_true(lq_funnel_add(&f, &l, NOW));   /* touched before the MQL: 0 s */
	l.mql_at = NONE;                            /* touched, no MQL: no sample */
	l.first_touch_at = B;
	assert_true(lq_funnel_add(&f, &l, NOW));
	l.group = "b";                              /* lost amount is no revenue */
	l.status = LQ_STATUS_LOST;
	l.amount = 700;
	l.mql_at = B;
	l.first_touch_at = NONE;
	l.sla_first_due = NOW;                      /* due exactly now: decided, missed */
	assert_true(lq_funnel_add(&f, &l, NOW));
	l.group = "c";
	l.status = LQ_STATUS_WON;
	l.amount = INT64_MAX;                       /* revenue saturates */
	l.sla_first_due = NOW + 1;                  /* not yet due */
	assert_true(lq_funnel_add(&f, &l, NOW));
	assert_true(lq_funnel_add(&f, &l, NOW));
	assert_true(lq_funnel_finish(&f));
	assert_int_equal(f.n, 3);
	/* by passed, then group: a 2, c 2, b 1 */
	assert_string_equal(f.rows[0].group, "a");
	assert_string_equal(f.rows[1].group, "c");
	assert_string_equal(f.rows[2].group, "b");
	assert_int_equal(f.rows[0].touched, 2);
	assert_int_equal(f.rows[0].ttft_median, 0);
	assert_int_equal(f.rows[0].ttft_p90, 0);
	assert_int_equal(f.rows[0].sla_decided, 0);
	assert_int_equal(f.rows[2].revenue, 0);
	assert_int_equal(f.rows[2].sla_decided, 1);
	assert_int_equal(f.rows[2].sla_met, 0);
	assert_int_equal(f.rows[2].ttft_median, -1);
	assert_int_equal(f.rows[1].revenue, INT64_MAX);
	assert_int_equal(f.rows[1].sla_decided, 0);
	assert_int_equal(f.total.revenue, INT64_MAX);
	lq_funnel_free(&f);
}

/* More than LQ_REASON_MAX codes: the first 31 by name, the rest as "other". */
static void test_many_reasons(void **state)
{
	struct lq_funnel f;
	struct lq_funnel_lead l = { "g", LQ_STATUS_RECYCLED, NULL, B, NONE, NONE, 0 };
	char code[LQ_REASON_SIZE];
	int i;

	(void)state;
	lq_funnel_init(&f, LQ_FUNNEL_BY_CAMPAIGN, NONE, NONE);
	for (i = 0; i < 40; i++) {
		snprintf(code, sizeof(code), "r%02d", i);
		l.reason = code;
		assert_true(lq_funnel_add(&f, &l, NOW));
	}
	l.reason = "r05";
	assert_true(lq_funnel_add(&f, &l, NOW));
	l.reason = NULL;     /* no reason given: counted under "" */
	l.status = LQ_STATUS_JUNK;
	assert_true(lq_funnel_add(&f, &l, NOW));
	assert_true(lq_funnel_finish(&f));
	assert_int_equal(f.rows[0].nreasons[0], LQ_REASON_MAX);
	assert_string_equal(f.rows[0].reasons[0][0].code, "other");
	assert_int_equal(f.rows[0].reasons[0][0].n, 9);
	assert_string_equal(f.rows[0].reasons[0][1].code, "r05");
	assert_int_equal(f.rows[0].reasons[0][1].n, 2);
	assert_string_equal(f.rows[0].reasons[0][2].code, "r00");
	assert_string_equal(f.rows[0].reasons[0][31].code, "r30");
	assert_int_equal(f.rows[0].nreasons[1], 1);
	assert_string_equal(f.rows[0].reasons[1][0].code, "");
	assert_int_equal(f.rows[0].recycled, 41);
	lq_funnel_free(&f);
}

static void test_score_bands(void **state)
{
	static const struct {
		int score;
		int band;
		const char *label;
	} cases[] = {
		{ -5, 0, "0–19" }, { 0, 0, "0–19" }, { 19, 0, "0–19" }, { 20, 1, "20–39" },
		{ 59, 2, "40–59" }, { 60, 3, "60–79" }, { 99, 4, "80–99" }, { 100, 5, "100+" },
		{ 1000, 5, "100+" },
	};
	static const struct {
		int score;
		enum lq_status status;
	} leads[] = {
		{ 85, LQ_STATUS_QUALIFIED }, { 90, LQ_STATUS_WON }, { 95, LQ_STATUS_JUNK },
		{ 99, LQ_STATUS_OPPORTUNITY }, { 10, LQ_STATUS_RECYCLED }, { 45, LQ_STATUS_LOST },
		{ 150, LQ_STATUS_QUALIFIED }, { 101, LQ_STATUS_NEW }, { 15, LQ_STATUS_WORKING },
	};
	struct lq_funnel f;
	char label[16], small[3];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(lq_score_band(cases[i].score, label, sizeof(label)), cases[i].band);
		assert_string_equal(label, cases[i].label);
	}
	assert_int_equal(lq_score_band(50, NULL, 0), 2);
	lq_score_band(50, small, sizeof(small));
	assert_string_equal(small, "40");

	lq_funnel_init(&f, LQ_FUNNEL_BY_SCORE_BAND, NONE, NONE);
	for (i = 0; i < sizeof(leads) / sizeof(leads[0]); i++) {
		struct lq_funnel_lead l = { label, leads[i].status, "x", B, NONE, NONE, 0 };

		lq_score_band(leads[i].score, label, sizeof(label));
		assert_true(lq_funnel_add(&f, &l, NOW));
	}
	assert_true(lq_funnel_finish(&f));
	/* by band, low first, whatever the counts */
	assert_int_equal(f.n, 4);
	assert_string_equal(f.rows[0].group, "0–19");
	assert_int_equal(f.rows[0].passed, 2);
	assert_int_equal(f.rows[0].accepted, 0);
	assert_string_equal(f.rows[1].group, "40–59");
	assert_int_equal(f.rows[1].accepted, 1);
	assert_string_equal(f.rows[2].group, "80–99");
	assert_int_equal(f.rows[2].passed, 4);
	assert_int_equal(f.rows[2].accepted, 3);
	assert_string_equal(f.rows[3].group, "100+");
	assert_int_equal(f.rows[3].accepted, 1);
	assert_int_equal(f.total.accepted, 5);
	lq_funnel_free(&f);
}

static void test_by_and_rates(void **state)
{
	(void)state;
	assert_string_equal(lq_funnel_by_wire(LQ_FUNNEL_BY_SOURCE), "source");
	assert_string_equal(lq_funnel_by_wire(LQ_FUNNEL_BY_SCORE_BAND), "score_band");
	assert_null(lq_funnel_by_wire(LQ_FUNNEL_BY_COUNT));
	assert_null(lq_funnel_by_wire((enum lq_funnel_by)-1));
	assert_int_equal(lq_funnel_by_parse("campaign"), LQ_FUNNEL_BY_CAMPAIGN);
	assert_int_equal(lq_funnel_by_parse("team"), LQ_FUNNEL_BY_TEAM);
	assert_int_equal(lq_funnel_by_parse("rep"), LQ_FUNNEL_BY_REP);
	assert_int_equal(lq_funnel_by_parse("Source"), -1);
	assert_int_equal(lq_funnel_by_parse(""), -1);
	assert_int_equal(lq_funnel_by_parse(NULL), -1);

	assert_true(lq_funnel_rate(1, 8) == 12.5);
	assert_true(lq_funnel_rate(3, 3) == 100.0);
	assert_true(lq_funnel_rate(1, 0) == -1);
	assert_int_equal(lq_funnel_rate_tenths(2, 3), 667);
	assert_int_equal(lq_funnel_rate_tenths(1, 3), 333);
	assert_int_equal(lq_funnel_rate_tenths(1, 16), 63);   /* 6.25: half up */
	assert_int_equal(lq_funnel_rate_tenths(0, 5), 0);
	assert_int_equal(lq_funnel_rate_tenths(5, 0), -1);
	assert_int_equal(lq_funnel_rate_tenths(0, 0), -1);
}

/* Grouping stays right (and fast) at scale: 1,000,000 leads, 3,000 groups. */
static void test_many_leads(void **state)
{
	static char names[3000][16];
	struct lq_funnel f;
	long sum = 0;
	size_t i;

	(void)state;
	for (i = 0; i < 3000; i++)
		snprintf(names[i], sizeof(names[i]), "grupo-%zu", i);
	lq_funnel_init(&f, LQ_FUNNEL_BY_CAMPAIGN, NONE, NONE);
	for (i = 0; i < 1000000; i++) {
		struct lq_funnel_lead l = { names[(i * 7919) % 3000], LQ_STATUS_WORKING, NULL,
					    B, B + (lq_time)(i % 1000), NONE, 0 };

		assert_true(lq_funnel_add(&f, &l, NOW));
	}
	assert_true(lq_funnel_finish(&f));
	assert_int_equal(f.n, 3000);
	for (i = 0; i < f.n; i++) {
		sum += f.rows[i].passed;
		assert_int_equal(f.rows[i].passed, f.rows[i].touched);
		if (i > 0)
			assert_true(strcmp(f.rows[i - 1].group, f.rows[i].group) < 0 ||
				    f.rows[i - 1].passed > f.rows[i].passed);
	}
	assert_int_equal(sum, 1000000);
	assert_int_equal(f.total.passed, 1000000);
	/* 0..999 a thousand times each: the 500,000th smallest is 499 */
	assert_int_equal(f.total.ttft_median, 499);
	assert_int_equal(f.total.ttft_p90, 899);
	lq_funnel_free(&f);
}

/* Every allocation failure: add() says so and counts nothing; the same
 * lead added again gives the fixture's figures exactly. */
static void test_add_nomem(void **state)
{
	long n;
	int failures = 0;

	(void)state;
	for (n = 0; n < 40; n++) {
		struct lq_funnel f;
		size_t i;

		lq_funnel_init(&f, LQ_FUNNEL_BY_SOURCE, B, TO);
		lq_mem_fail_after(n);
		for (i = 0; i < NFIXTURE; i++) {
			if (lq_funnel_add(&f, &fixture[i], NOW))
				continue;
			failures++;
			lq_mem_fail_after(-1);
			assert_true(lq_funnel_add(&f, &fixture[i], NOW));
			lq_mem_fail_after(n);
		}
		lq_mem_fail_after(-1);
		assert_true(lq_funnel_finish(&f));
		check_fixture(&f);
		lq_funnel_free(&f);
	}
	assert_true(failures > 0);

	/* A failure part-way, then freed without finishing: no leak (ASan). */
	{
		struct lq_funnel f;
		size_t i;
		bool failed = false;

		lq_funnel_init(&f, LQ_FUNNEL_BY_SOURCE, B, TO);
		lq_mem_fail_after(5);
		for (i = 0; i < NFIXTURE; i++)
			if (!lq_funnel_add(&f, &fixture[i], NOW))
				failed = true;
		lq_mem_fail_after(-1);
		assert_true(failed);
		lq_funnel_free(&f);
	}
}

/* --- CSV and table --------------------------------------------------------- */

static void build_small(struct lq_funnel *f)
{
	static const struct lq_funnel_lead leads[] = {
		{ "Campaña Otoño", LQ_STATUS_WON, NULL, B, B + 2 * H + 5 * M, B + 3 * H, 1500 },
		{ "", LQ_STATUS_JUNK, "spam", B, NONE, NONE, 0 },
		{ "Campaña Otoño", LQ_STATUS_NEW, NULL, B, NONE, B + H, 0 },
	};
	size_t i;

	lq_funnel_init(f, LQ_FUNNEL_BY_CAMPAIGN, NONE, NONE);
	for (i = 0; i < 3; i++)
		assert_true(lq_funnel_add(f, &leads[i], NOW));
	assert_true(lq_funnel_finish(f));
}

static const char small_csv[] =
	"group,passed,touched,accepted,opportunities,won,lost,recycled,junk,unreachable,"
	"revenue,ttft_median_s,ttft_p90_s,sla_met,sla_decided,sla_met_pct,conv_touched_pct,"
	"conv_accepted_pct,conv_opportunity_pct,conv_won_pct\r\n"
	"Campaña Otoño,2,1,1,1,1,0,0,0,0,1500,7500,7500,1,2,50.0,50.0,100.0,100.0,100.0\r\n"
	",1,0,0,0,0,0,0,1,0,0,,,0,0,,0.0,,,\r\n"
	"total,3,1,1,1,1,0,0,1,0,1500,7500,7500,1,2,50.0,33.3,100.0,100.0,100.0\r\n";

static void test_csv(void **state)
{
	struct lq_funnel f;
	struct lq_funnel_lead l = { "Feria \"Sevilla\", 2026", LQ_STATUS_NEW, NULL, B, NONE,
				    NONE, 0 };
	char *csv;

	(void)state;
	build_small(&f);
	csv = lq_funnel_format_csv(&f);
	assert_non_null(csv);
	assert_string_equal(csv, small_csv);
	free(csv);
	lq_funnel_free(&f);

	lq_funnel_init(&f, LQ_FUNNEL_BY_CAMPAIGN, NONE, NONE);
	assert_true(lq_funnel_add(&f, &l, NOW));
	l.group = "dos\nlíneas";
	assert_true(lq_funnel_add(&f, &l, NOW));
	assert_true(lq_funnel_finish(&f));
	csv = lq_funnel_format_csv(&f);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "\r\n\"Feria \"\"Sevilla\"\", 2026\",1,0,"));
	assert_non_null(strstr(csv, "\r\n\"dos\nlíneas\",1,0,"));
	free(csv);
	lq_funnel_free(&f);
}

static const char small_table[] =
	"group          passed  touched  accepted  opport.  won  revenue  1st touch median"
	"     p90  SLA met %  touched %  accepted %  opport. %  won %\n"
	"Campaña Otoño       2        1         1        1    1     1500            2h 05m"
	"  2h 05m       50.0       50.0       100.0      100.0  100.0\n"
	"(none)              1        0         0        0    0        0                 -"
	"       -          -        0.0           -          -      -\n"
	"total               3        1         1        1    1     1500            2h 05m"
	"  2h 05m       50.0       33.3       100.0      100.0  100.0\n"
	"junk (1): spam 1\n";

static const char *spanish(const char *msgid)
{
	if (strcmp(msgid, "group") == 0)
		return "grupo";
	if (strcmp(msgid, "won") == 0)
		return "ganó";
	if (strcmp(msgid, "(none)") == 0)
		return "(ningún valor)";
	if (strcmp(msgid, "total") == 0)
		return "en total";
	if (strcmp(msgid, "junk") == 0)
		return "basura";
	return NULL;   /* untranslated: the msgid */
}

static void test_table(void **state)
{
	struct lq_funnel f;
	char *t;

	(void)state;
	build_small(&f);
	t = lq_funnel_format_table(&f, NULL);
	assert_non_null(t);
	assert_string_equal(t, small_table);
	free(t);

	/* label() translates the headers, "(none)" and "total"; widths count
	 * characters, not bytes ("ganó" is 4 columns, 5 bytes). */
	t = lq_funnel_format_table(&f, spanish);
	assert_non_null(t);
	assert_string_equal(t,
		"grupo           passed  touched  accepted  opport.  ganó  revenue  1st touch median"
		"     p90  SLA met %  touched %  accepted %  opport. %  won %\n"
		"Campaña Otoño        2        1         1        1     1     1500            2h 05m"
		"  2h 05m       50.0       50.0       100.0      100.0  100.0\n"
		"(ningún valor)       1        0         0        0     0        0                 -"
		"       -          -        0.0           -          -      -\n"
		"en total             3        1         1        1     1     1500            2h 05m"
		"  2h 05m       50.0       33.3       100.0      100.0  100.0\n"
		"basura (1): spam 1\n");
	free(t);
	lq_funnel_free(&f);
}

/* Wide characters, terminal escapes and long names in the group column. */
static void test_table_unsafe_groups(void **state)
{
	static const char *const groups[] = {
		"東京", "José Núñez", "evil\x1b[2J", "bad\xff" "byte",
		"a-very-long-campaign-name-that-goes-on-and-on",
	};
	struct lq_funnel f;
	char *t, *line;
	size_t i;

	(void)state;
	lq_funnel_init(&f, LQ_FUNNEL_BY_REP, NONE, NONE);
	for (i = 0; i < 5; i++) {
		struct lq_funnel_lead l = { groups[i], LQ_STATUS_NEW, NULL, B, NONE, NONE, 0 };
		size_t k;

		for (k = 0; k <= i; k++)     /* passed 1..5: rows in reverse */
			assert_true(lq_funnel_add(&f, &l, NOW));
	}
	assert_true(lq_funnel_finish(&f));
	t = lq_funnel_format_table(&f, NULL);
	assert_non_null(t);
	assert_null(strchr(t, '\x1b'));
	assert_null(strstr(t, "\xff"));
	line = strchr(t, '\n') + 1;
	/* 32 columns: 31 characters and an ellipsis, then two spaces */
	assert_memory_equal(line, "a-very-long-campaign-name-that-…  ", 36);
	line = strchr(line, '\n') + 1;
	assert_memory_equal(line, "bad?byte                          ", 34);
	line = strchr(line, '\n') + 1;
	assert_memory_equal(line, "evil?[2J                          ", 34);
	line = strchr(line, '\n') + 1;
	assert_memory_equal(line, "José Núñez                        ", 36);
	line = strchr(line, '\n') + 1;
	assert_memory_equal(line, "東京" "                                   " "1  ", 44);
	free(t);
	lq_funnel_free(&f);
}

static void test_format_nomem(void **state)
{
	struct lq_funnel f;
	bool csv_ok = false, table_ok = false;
	long n;

	(void)state;
	build_small(&f);
	for (n = 0; n < 20 && !(csv_ok && table_ok); n++) {
		char *csv, *table;

		lq_mem_fail_after(n);
		csv = lq_funnel_format_csv(&f);
		lq_mem_fail_after(n);
		table = lq_funnel_format_table(&f, NULL);
		lq_mem_fail_after(-1);
		if (csv) {
			assert_string_equal(csv, small_csv);
			csv_ok = true;
		}
		if (table) {
			assert_string_equal(table, small_table);
			table_ok = true;
		}
		if (n == 0) {
			assert_null(csv);
			assert_null(table);
		}
		free(csv);
		free(table);
	}
	assert_true(csv_ok && table_ok);
	lq_funnel_free(&f);
}

/* --- the codec ------------------------------------------------------------- */

static char *dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	assert_non_null(s);
	return s;
}

static void same_report(const struct lq_funnel *a, const struct lq_funnel *b)
{
	size_t i;
	int s, k;

	assert_int_equal(a->by, b->by);
	assert_int_equal(a->from, b->from);
	assert_int_equal(a->to, b->to);
	assert_int_equal(a->n, b->n);
	for (i = 0; i <= a->n; i++) {
		const struct lq_funnel_row *x = i < a->n ? &a->rows[i] : &a->total;
		const struct lq_funnel_row *y = i < a->n ? &b->rows[i] : &b->total;

		assert_string_equal(x->group, y->group);
		assert_int_equal(x->passed, y->passed);
		assert_int_equal(x->touched, y->touched);
		assert_int_equal(x->accepted, y->accepted);
		assert_int_equal(x->opportunities, y->opportunities);
		assert_int_equal(x->won, y->won);
		assert_int_equal(x->lost, y->lost);
		assert_int_equal(x->recycled, y->recycled);
		assert_int_equal(x->junk, y->junk);
		assert_int_equal(x->unreachable, y->unreachable);
		assert_int_equal(x->revenue, y->revenue);
		assert_int_equal(x->ttft_median, y->ttft_median);
		assert_int_equal(x->ttft_p90, y->ttft_p90);
		assert_int_equal(x->sla_met, y->sla_met);
		assert_int_equal(x->sla_decided, y->sla_decided);
		for (s = 0; s < 3; s++) {
			assert_int_equal(x->nreasons[s], y->nreasons[s]);
			for (k = 0; k < x->nreasons[s]; k++) {
				assert_string_equal(x->reasons[s][k].code, y->reasons[s][k].code);
				assert_int_equal(x->reasons[s][k].n, y->reasons[s][k].n);
			}
		}
	}
}

static void test_json_shape(void **state)
{
	struct lq_funnel f;
	json_t *j, *row;
	char *s;

	(void)state;
	build_fixture(&f);
	j = lq_funnel_to_json(&f);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "by")), "source");
	assert_string_equal(json_string_value(json_object_get(j, "from")), "2026-10-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "to")), "2026-11-01T00:00:00Z");
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 3);
	row = json_array_get(json_object_get(j, "rows"), 1);
	s = dump(row);
	assert_string_equal(s,
		"{\"group\":\"webinar\",\"passed\":5,\"touched\":4,\"accepted\":1,"
		"\"opportunities\":1,\"won\":1,\"lost\":0,\"recycled\":1,\"junk\":2,"
		"\"unreachable\":1,\"revenue\":3000,"
		"\"time_to_first_touch\":{\"median_s\":300,\"p90_s\":5400},"
		"\"sla\":{\"met\":3,\"decided\":4,\"percent\":75.0},"
		"\"reasons\":{\"recycle\":[{\"code\":\"not_ready\",\"count\":1}],"
		"\"junk\":[{\"code\":\"spam\",\"count\":2}],"
		"\"unreachable\":[{\"code\":\"no_answer\",\"count\":1}]},"
		"\"conversion\":{\"touched\":80.0,\"accepted\":25.0,\"opportunity\":100.0,"
		"\"won\":100.0}}");
	free(s);
	row = json_object_get(j, "total");
	assert_string_equal(json_string_value(json_object_get(row, "group")), "");
	assert_true(json_real_value(json_object_get(json_object_get(row, "conversion"),
						    "touched")) == 71.4);
	assert_int_equal(json_integer_value(json_object_get(row, "revenue")), 17500);
	json_decref(j);
	lq_funnel_free(&f);

	/* Nothing touched, nothing decided: nulls; an open range: null times. */
	{
		struct lq_funnel_lead l = { "x", LQ_STATUS_NEW, NULL, B, NONE, NONE, 0 };

		lq_funnel_init(&f, LQ_FUNNEL_BY_TEAM, NONE, NONE);
		assert_true(lq_funnel_add(&f, &l, NOW));
		assert_true(lq_funnel_finish(&f));
		j = lq_funnel_to_json(&f);
		assert_non_null(j);
		row = json_object_get(j, "total");
		assert_true(json_is_null(json_object_get(j, "from")));
		assert_true(json_is_null(json_object_get(j, "to")));
		assert_true(json_is_null(json_object_get(row, "time_to_first_touch")));
		assert_true(json_is_null(json_object_get(json_object_get(row, "sla"), "percent")));
		assert_true(json_real_value(json_object_get(json_object_get(row, "conversion"),
							    "touched")) == 0.0);
		assert_true(json_is_null(json_object_get(json_object_get(row, "conversion"),
							 "accepted")));
		json_decref(j);
		lq_funnel_free(&f);
	}
}

static void test_round_trip(void **state)
{
	struct lq_funnel f, back;
	char err[160];
	json_t *j;
	char *s;

	(void)state;
	build_fixture(&f);
	j = lq_funnel_to_json(&f);
	assert_non_null(j);
	s = dump(j);
	assert_true(lq_funnel_from_text(s, strlen(s), &back, err, sizeof(err)));
	assert_string_equal(err, "");
	same_report(&f, &back);
	check_fixture(&back);
	free(s);
	json_decref(j);

	/* and through the builder's other outputs */
	{
		char *a = lq_funnel_format_csv(&f), *b2 = lq_funnel_format_csv(&back);

		assert_non_null(a);
		assert_non_null(b2);
		assert_string_equal(a, b2);
		free(a);
		free(b2);
	}
	lq_funnel_free(&back);
	lq_funnel_free(&f);

	/* an empty report, by score band, with whitespace around */
	lq_funnel_init(&f, LQ_FUNNEL_BY_SCORE_BAND, NONE, B);
	assert_true(lq_funnel_finish(&f));
	j = lq_funnel_to_json(&f);
	s = json_dumps(j, JSON_INDENT(2));
	assert_non_null(s);
	{
		size_t len = strlen(s);
		char *padded = malloc(len + 3);

		assert_non_null(padded);
		padded[0] = '\n';
		memcpy(padded + 1, s, len);
		padded[len + 1] = ' ';
		padded[len + 2] = '\0';
		assert_true(lq_funnel_from_text(padded, len + 2, &back, err, sizeof(err)));
		free(padded);
	}
	same_report(&f, &back);
	assert_int_equal(back.to, B);
	assert_int_equal(back.from, NONE);
	assert_int_equal(back.total.ttft_median, -1);
	free(s);
	json_decref(j);
	lq_funnel_free(&back);
	lq_funnel_free(&f);
}

/* The fixture's JSON, changed by edit, must be refused with want. */
static void expect_refused(void (*edit)(json_t *), const char *want)
{
	struct lq_funnel f, back;
	char err[160];
	json_t *j;
	char *s;

	build_fixture(&f);
	j = lq_funnel_to_json(&f);
	assert_non_null(j);
	edit(j);
	s = dump(j);
	memset(&back, 0x5a, sizeof(back));
	assert_false(lq_funnel_from_text(s, strlen(s), &back, err, sizeof(err)));
	assert_string_equal(err, want);
	assert_null(back.rows);
	assert_int_equal(back.n, 0);
	lq_funnel_free(&back);
	free(s);
	json_decref(j);
	lq_funnel_free(&f);
}

static json_t *row_of(json_t *j, size_t i)
{
	return json_array_get(json_object_get(j, "rows"), i);
}

static void e_passed_string(json_t *j)
{
	json_object_set_new(row_of(j, 2), "passed", json_string("10"));
}
static void e_passed_negative(json_t *j)
{
	json_object_set_new(row_of(j, 0), "passed", json_integer(-1));
}
static void e_won_missing(json_t *j)
{
	json_object_del(row_of(j, 1), "won");
}
static void e_revenue_real(json_t *j)
{
	json_object_set_new(row_of(j, 1), "revenue", json_real(1.5));
}
static void e_met_over(json_t *j)
{
	json_object_set_new(json_object_get(json_object_get(j, "total"), "sla"), "met",
			    json_integer(11));
}
static void e_ttft_string(json_t *j)
{
	json_object_set_new(row_of(j, 0), "time_to_first_touch", json_string("fast"));
}
static void e_p90_small(json_t *j)
{
	json_object_set_new(json_object_get(row_of(j, 0), "time_to_first_touch"), "p90_s",
			    json_integer(10));
}
static void e_code_number(json_t *j)
{
	json_t *junk = json_object_get(json_object_get(row_of(j, 1), "reasons"), "junk");

	json_object_set_new(json_array_get(junk, 0), "code", json_integer(5));
}
static void e_code_long(json_t *j)
{
	json_t *junk = json_object_get(json_object_get(row_of(j, 1), "reasons"), "junk");

	json_object_set_new(json_array_get(junk, 0), "code",
			    json_string("a_code_much_longer_than_thirty_one_bytes"));
}
static void e_too_many_codes(json_t *j)
{
	json_t *rec = json_object_get(json_object_get(row_of(j, 0), "reasons"), "recycle");
	int i;

	for (i = 0; i < LQ_REASON_MAX; i++)
		json_array_append(rec, json_array_get(rec, 0));
}
static void e_reasons_missing(json_t *j)
{
	json_object_del(json_object_get(row_of(j, 2), "reasons"), "unreachable");
}
static void e_conv_string(json_t *j)
{
	json_object_set_new(json_object_get(row_of(j, 0), "conversion"), "won", json_string("x"));
}
static void e_group_null(json_t *j)
{
	json_object_set_new(row_of(j, 0), "group", json_null());
}
static void e_row_number(json_t *j)
{
	json_array_set_new(json_object_get(j, "rows"), 0, json_integer(7));
}
static void e_total_missing(json_t *j)
{
	json_object_del(j, "total");
}
static void e_rows_object(json_t *j)
{
	json_object_set_new(j, "rows", json_object());
}
static void e_by_unknown(json_t *j)
{
	json_object_set_new(j, "by", json_string("country"));
}
static void e_by_missing(json_t *j)
{
	json_object_del(j, "by");
}
static void e_from_bad(json_t *j)
{
	json_object_set_new(j, "from", json_string("yesterday"));
}
static void e_to_number(json_t *j)
{
	json_object_set_new(j, "to", json_integer(1));
}

static void test_refusals(void **state)
{
	static const struct {
		const char *text;
		const char *want_prefix;
	} texts[] = {
		{ "", "funnel: offset 0: " },
		{ "[]", "funnel: expected an object" },
		{ "{\"by\":\"source\",\"by\":\"team\"}", "funnel: offset " },
		{ "{\"by\":\"sou\xff\"}", "funnel: offset " },
		{ "{\"by\":\"source\"} x", "funnel: offset " },
		{ "{\"by\":\"source\",\"rows\":[],\"total\":{}}", "total.group: missing" },
	};
	struct lq_funnel back;
	char err[160];
	size_t i;

	(void)state;
	expect_refused(e_passed_string, "rows[2].passed: expected an integer");
	expect_refused(e_passed_negative, "rows[0].passed: out of range");
	expect_refused(e_won_missing, "rows[1].won: missing");
	expect_refused(e_revenue_real, "rows[1].revenue: expected an integer");
	expect_refused(e_met_over, "total.sla.met: more than decided");
	expect_refused(e_ttft_string, "rows[0].time_to_first_touch: expected an object or null");
	expect_refused(e_p90_small, "rows[0].time_to_first_touch.p90_s: less than median_s");
	expect_refused(e_code_number, "rows[1].reasons.junk[0].code: expected a string");
	expect_refused(e_code_long, "rows[1].reasons.junk[0].code: not a reason code");
	expect_refused(e_too_many_codes, "rows[0].reasons.recycle: more than 32 codes");
	expect_refused(e_reasons_missing, "rows[2].reasons.unreachable: missing");
	expect_refused(e_conv_string, "rows[0].conversion.won: expected a number or null");
	expect_refused(e_group_null, "rows[0].group: expected a string");
	expect_refused(e_row_number, "rows[0]: expected an object");
	expect_refused(e_total_missing, "total: missing");
	expect_refused(e_rows_object, "rows: expected an array");
	expect_refused(e_by_unknown, "by: expected source, campaign, rep, team or score_band");
	expect_refused(e_by_missing, "by: missing");
	expect_refused(e_from_bad, "from: expected an RFC 3339 time or null");
	expect_refused(e_to_number, "to: expected an RFC 3339 time or null");

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_false(lq_funnel_from_text(texts[i].text, strlen(texts[i].text), &back, err,
						 sizeof(err)));
		assert_memory_equal(err, texts[i].want_prefix, strlen(texts[i].want_prefix));
		assert_null(back.rows);
		lq_funnel_free(&back);
	}
	/* NULL text, no err buffer, a tiny one */
	assert_false(lq_funnel_from_text(NULL, 0, &back, NULL, 0));
	assert_false(lq_funnel_from_text("[]", 2, &back, err, 4));
	assert_string_equal(err, "fun");
	lq_funnel_free(&back);
}

/* Arbitrary bytes never crash the reader: every prefix of a good document
 * and random changes to it (the sanitizers watch). */
static void test_garbage(void **state)
{
	struct lq_funnel f, back;
	char err[160];
	unsigned seed = 12345;
	json_t *j;
	char *s, *copy;
	size_t len, i;
	int accepted = 0;

	(void)state;
	build_fixture(&f);
	j = lq_funnel_to_json(&f);
	s = dump(j);
	len = strlen(s);
	copy = malloc(len + 1);
	assert_non_null(copy);
	for (i = 0; i < len; i++) {
		memcpy(copy, s, i);    /* not NUL-terminated: len is what counts */
		assert_false(lq_funnel_from_text(copy, i, &back, err, sizeof(err)));
		assert_true(err[0] != '\0');
		lq_funnel_free(&back);
	}
	for (i = 0; i < 3000; i++) {
		int k, flips = 1 + (int)(i % 4);

		memcpy(copy, s, len + 1);
		for (k = 0; k < flips; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] = (char)(seed >> 20);
		}
		if (lq_funnel_from_text(copy, len, &back, err, sizeof(err)))
			accepted++;
		else
			assert_true(err[0] != '\0');
		lq_funnel_free(&back);
	}
	assert_true(accepted < 3000);
	free(copy);
	free(s);
	json_decref(j);
	lq_funnel_free(&f);
}

/* jansson allocates through lq_malloc here, so every allocation of the
 * codec can fail. */
static void test_codec_nomem(void **state)
{
	struct lq_funnel f, back;
	char err[160], *s = NULL;
	bool wrote = false, read = false;
	long n;

	(void)state;
	build_fixture(&f);
	json_set_alloc_funcs(lq_malloc, lq_free);
	for (n = 0; n < 2000 && !wrote; n++) {
		json_t *j;

		lq_mem_fail_after(n);
		j = lq_funnel_to_json(&f);
		lq_mem_fail_after(-1);
		if (!j)
			continue;
		s = json_dumps(j, JSON_COMPACT);
		assert_non_null(s);
		json_decref(j);
		wrote = true;
	}
	assert_true(wrote && n > 1);
	for (n = 0; n < 2000 && !read; n++) {
		bool ok;

		lq_mem_fail_after(n);
		ok = lq_funnel_from_text(s, strlen(s), &back, err, sizeof(err));
		lq_mem_fail_after(-1);
		if (ok) {
			same_report(&f, &back);
			read = true;
		} else {
			assert_null(back.rows);
		}
		lq_funnel_free(&back);
	}
	assert_true(read && n > 1);
	json_set_alloc_funcs(malloc, free);
	lq_free(s);
	lq_funnel_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_open_range),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_many_reasons),
		cmocka_unit_test(test_score_bands),
		cmocka_unit_test(test_by_and_rates),
		cmocka_unit_test(test_many_leads),
		cmocka_unit_test(test_add_nomem),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_unsafe_groups),
		cmocka_unit_test(test_format_nomem),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_codec_nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
