/* Unit tests: src/core/rules.c (routing rules, round-robin pick, team policies) */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/rules.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------- */

static void parse_rules_ok(const char *text, struct lq_route_rules *rs)
{
	char err[256] = "untouched";

	if (!lq_route_rules_parse(text, strlen(text), rs, err, sizeof err))
		fail_msg("rules refused: %s", err);
}

static void parse_policies_ok(const char *text, struct lq_team_policies *ps)
{
	char err[256] = "untouched";

	if (!lq_team_policies_parse(text, strlen(text), ps, err, sizeof err))
		fail_msg("policies refused: %s", err);
}

static bool list_is(const struct lq_strlist *l, size_t n, ...)
{
	va_list ap;
	bool ok = l->n == n;

	va_start(ap, n);
	for (size_t i = 0; ok && i < n; i++)
		ok = strcmp(l->v[i], va_arg(ap, const char *)) == 0;
	va_end(ap);
	return ok;
}

/* A file the parsers must refuse, and how the reason must start. */
struct bad_file {
	const char *text;
	size_t len;               /* 0: strlen(text) */
	const char *want;         /* prefix of err */
};

static void check_bad_rules(const struct bad_file *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lq_route_rules rs;
		char err[256] = "";
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);

		memset(&rs, 0x5a, sizeof rs);    /* parse must init it */
		if (lq_route_rules_parse(cases[i].text, len, &rs, err, sizeof err))
			fail_msg("case %zu accepted, want '%s'", i, cases[i].want);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, err, cases[i].want);
		assert_null(rs.rule);
		assert_int_equal(rs.n, 0);
	}
}

static void check_bad_policies(const struct bad_file *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lq_team_policies ps;
		char err[256] = "";
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);

		memset(&ps, 0x5a, sizeof ps);
		if (lq_team_policies_parse(cases[i].text, len, &ps, err, sizeof err))
			fail_msg("case %zu accepted, want '%s'", i, cases[i].want);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, err, cases[i].want);
		assert_null(ps.team);
		assert_int_equal(ps.n, 0);
	}
}

/* Reads share/examples/NAME from the source tree into a malloc'ed buffer;
 * NULL (and the test skipped) when LEADQ_TOP_SRCDIR is unset. */
static char *read_example(const char *name, size_t *len)
{
	const char *top = getenv("LEADQ_TOP_SRCDIR");
	char path[1024];
	char *buf;
	FILE *f;
	long size;

	if (!top || !*top)
		return NULL;
	snprintf(path, sizeof path, "%s/share/examples/%s", top, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)size, f);
	fclose(f);
	assert_int_equal(*len, (size_t)size);
	buf[*len] = '\0';
	return buf;
}

/* ---- wire names ------------------------------------------------------------ */

static void test_wire_names(void **state)
{
	(void)state;
	assert_string_equal(lq_route_mode_wire(LQ_ROUTE_DIRECT), "direct");
	assert_string_equal(lq_route_mode_wire(LQ_ROUTE_ROUND_ROBIN), "round_robin");
	assert_string_equal(lq_route_mode_wire(LQ_ROUTE_SINGLE_CONTACT), "single_contact");
	assert_null(lq_route_mode_wire(LQ_ROUTE_MODE_COUNT));
	assert_null(lq_route_mode_wire((enum lq_route_mode)-1));
	for (int i = 0; i < LQ_ROUTE_MODE_COUNT; i++)
		assert_int_equal(lq_route_mode_parse(lq_route_mode_wire((enum lq_route_mode)i)), i);
	assert_int_equal(lq_route_mode_parse("Round_Robin"), -1);
	assert_int_equal(lq_route_mode_parse(""), -1);
	assert_int_equal(lq_route_mode_parse(NULL), -1);

	assert_string_equal(lq_breach_action_wire(LQ_BREACH_NOTIFY), "notify");
	assert_string_equal(lq_breach_action_wire(LQ_BREACH_REASSIGN), "reassign");
	assert_null(lq_breach_action_wire(LQ_BREACH_ACTION_COUNT));
	for (int i = 0; i < LQ_BREACH_ACTION_COUNT; i++)
		assert_int_equal(lq_breach_action_parse(
			lq_breach_action_wire((enum lq_breach_action)i)), i);
	assert_int_equal(lq_breach_action_parse("escalate"), -1);
	assert_int_equal(lq_breach_action_parse(NULL), -1);

	assert_string_equal(lq_expiry_action_wire(LQ_EXPIRY_RECYCLE), "recycle");
	assert_string_equal(lq_expiry_action_wire(LQ_EXPIRY_UNREACHABLE), "unreachable");
	assert_null(lq_expiry_action_wire(LQ_EXPIRY_ACTION_COUNT));
	assert_null(lq_expiry_action_wire((enum lq_expiry_action)-1));
	for (int i = 0; i < LQ_EXPIRY_ACTION_COUNT; i++)
		assert_int_equal(lq_expiry_action_parse(
			lq_expiry_action_wire((enum lq_expiry_action)i)), i);
	assert_int_equal(lq_expiry_action_parse("junk"), -1);
	assert_int_equal(lq_expiry_action_parse(NULL), -1);

	assert_string_equal(lq_route_how_wire(LQ_HOW_RULE_USER), "rule_user");
	assert_string_equal(lq_route_how_wire(LQ_HOW_NO_RULE), "no_rule");
	assert_string_equal(lq_route_how_label(LQ_HOW_ROUND_ROBIN), "round-robin");
	assert_null(lq_route_how_wire(LQ_ROUTE_HOW_COUNT));
	assert_null(lq_route_how_label(LQ_ROUTE_HOW_COUNT));
	assert_null(lq_route_how_label((enum lq_route_how)-1));
	for (int i = 0; i < LQ_ROUTE_HOW_COUNT; i++) {
		assert_non_null(lq_route_how_label((enum lq_route_how)i));
		assert_int_equal(lq_route_how_parse(lq_route_how_wire((enum lq_route_how)i)), i);
	}
	assert_int_equal(lq_route_how_parse("round-robin"), -1);
	assert_int_equal(lq_route_how_parse(NULL), -1);
}

/* ---- rules: parsing -------------------------------------------------------- */

static const char every_key[] =
	"# every key once\n"
	"[rule ES-Centro]\n"
	"country   = ES, pt\n"
	"region    = Comunidad de Madrid, Castilla y León\n"
	"postal    = 28, 45 \n"
	"industry  = Software, RETAIL\n"
	"employees = 50-499\n"
	"source    = web_form, Webinar\n"
	"to        = team Iberia Centro\n";

static void check_every_key(const struct lq_route_rules *rs)
{
	const struct lq_route_rule *r;

	assert_int_equal(rs->n, 1);
	r = &rs->rule[0];
	assert_string_equal(r->name, "ES-Centro");
	assert_int_equal(r->line, 2);
	assert_true(list_is(&r->country, 2, "es", "pt"));
	assert_true(list_is(&r->region, 2, "comunidad de madrid", "castilla y leon"));
	assert_true(list_is(&r->postal, 2, "28", "45"));
	assert_true(list_is(&r->industry, 2, "software", "retail"));
	assert_true(list_is(&r->source, 2, "web_form", "webinar"));
	assert_int_equal(r->employees_min, 50);
	assert_int_equal(r->employees_max, 499);
	assert_int_equal(r->to_kind, LQ_ROUTE_TO_TEAM);
	assert_string_equal(r->to, "Iberia Centro");
}

static void test_rules_every_key(void **state)
{
	struct lq_route_rules rs;

	(void)state;
	parse_rules_ok(every_key, &rs);
	check_every_key(&rs);
	lq_route_rules_clear(&rs);
	assert_null(rs.rule);
	assert_int_equal(rs.n, 0);
	lq_route_rules_clear(&rs);        /* twice is harmless */
	lq_route_rules_clear(NULL);
}

static void test_rules_crlf(void **state)
{
	struct lq_route_rules rs;
	char crlf[sizeof every_key * 2];
	size_t n = 0;

	(void)state;
	for (const char *p = every_key; *p; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	crlf[n] = '\0';
	parse_rules_ok(crlf, &rs);
	check_every_key(&rs);
	lq_route_rules_clear(&rs);
}

static void test_rules_bom_and_no_final_newline(void **state)
{
	struct lq_route_rules rs;

	(void)state;
	parse_rules_ok("\xEF\xBB\xBF[rule a]\nto = user lucia", &rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.rule[0].name, "a");
	assert_int_equal(rs.rule[0].to_kind, LQ_ROUTE_TO_USER);
	assert_string_equal(rs.rule[0].to, "lucia");
	lq_route_rules_clear(&rs);
}

static void test_rules_comments_blank_lines(void **state)
{
	struct lq_route_rules rs;
	static const char text[] =
		"\n"
		"   # a comment = with an equals sign\n"
		"\t\n"
		"[rule  Norte ]   # the north\n"
		"\n"
		"  region = País Vasco ,Cataluña# no space before the comment\n"
		"#country = FR\n"
		"to=team   Iberia Norte   # padded\n"
		"\n";

	(void)state;
	parse_rules_ok(text, &rs);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.rule[0].name, "Norte");
	assert_int_equal(rs.rule[0].line, 4);
	assert_true(list_is(&rs.rule[0].region, 2, "pais vasco", "cataluna"));
	assert_int_equal(rs.rule[0].country.n, 0);
	assert_string_equal(rs.rule[0].to, "Iberia Norte");
	assert_int_equal(rs.rule[0].employees_min, -1);
	assert_int_equal(rs.rule[0].employees_max, -1);
	lq_route_rules_clear(&rs);

	/* Nothing but comments: no rules, and that is fine. */
	parse_rules_ok("# nothing yet\n\n", &rs);
	assert_int_equal(rs.n, 0);
	assert_null(rs.rule);
	assert_true(lq_route_rules_parse(NULL, 0, &rs, NULL, 0));
	assert_int_equal(rs.n, 0);
}

static void test_rules_to_kinds(void **state)
{
	static const struct {
		const char *to;
		enum lq_route_target kind;
		const char *name;
	} cases[] = {
		{ "team Iberia Centro", LQ_ROUTE_TO_TEAM, "Iberia Centro" },
		{ "team\tMéxico", LQ_ROUTE_TO_TEAM, "México" },
		{ "user lucia", LQ_ROUTE_TO_USER, "lucia" },
		{ "user   marta  ", LQ_ROUTE_TO_USER, "marta" },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct lq_route_rules rs;
		char text[128];

		snprintf(text, sizeof text, "[rule r]\nto = %s\n", cases[i].to);
		parse_rules_ok(text, &rs);
		assert_int_equal(rs.rule[0].to_kind, cases[i].kind);
		assert_string_equal(rs.rule[0].to, cases[i].name);
		lq_route_rules_clear(&rs);
	}
}

static void test_rules_employee_ranges(void **state)
{
	static const struct {
		const char *value;
		int min, max;
	} cases[] = {
		{ "50-499", 50, 499 },
		{ "1000-", 1000, -1 },
		{ "-49", -1, 49 },
		{ " 10 - 20 ", 10, 20 },
		{ "7-7", 7, 7 },
		{ "0-9", 0, 9 },
		{ "1000000000-", 1000000000, -1 },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct lq_route_rules rs;
		char text[128];

		snprintf(text, sizeof text, "[rule r]\nemployees = %s\nto = user x\n",
			 cases[i].value);
		parse_rules_ok(text, &rs);
		assert_int_equal(rs.rule[0].employees_min, cases[i].min);
		assert_int_equal(rs.rule[0].employees_max, cases[i].max);
		lq_route_rules_clear(&rs);
	}
}

static void test_rules_utf8_names_and_order(void **state)
{
	struct lq_route_rules rs;
	static const char text[] =
		"[rule Zürich]\nto = team DACH\n"
		"[rule Peñalara]\nregion = Castilla y León\nto = user lucia\n"
		"[rule São Paulo]\nto = team Brasil\n"
		"[rule Ápice]\nto = team Iberia Norte\n";

	(void)state;
	parse_rules_ok(text, &rs);
	assert_int_equal(rs.n, 4);
	assert_string_equal(rs.rule[0].name, "Zürich");
	assert_string_equal(rs.rule[1].name, "Peñalara");
	assert_string_equal(rs.rule[2].name, "São Paulo");
	assert_string_equal(rs.rule[3].name, "Ápice");
	assert_int_equal(rs.rule[0].line, 1);
	assert_int_equal(rs.rule[1].line, 3);
	assert_int_equal(rs.rule[2].line, 6);
	assert_int_equal(rs.rule[3].line, 8);
	assert_true(list_is(&rs.rule[1].region, 1, "castilla y leon"));
	lq_route_rules_clear(&rs);
}

static void test_rules_bad_files(void **state)
{
	static const char nul_text[] = "[rule a]\nto = user\0lucia\n";
	static const struct bad_file cases[] = {
		/* keys and sections */
		{ "[rule a]\nto = user x\ncolour = red\n", 0, "line 3: colour: unknown key" },
		{ "[rule a]\nTo = user x\n", 0, "line 2: To: unknown key" },
		{ "[team X]\nto = user x\n", 0, "line 1: unknown section kind 'team'" },
		{ "[]\n", 0, "line 1: unknown section kind ''" },
		{ "[rule]\nto = user x\n", 0, "line 1: rule: a rule needs a name" },
		{ "[rule a\nto = user x\n", 0, "line 1: a section line must end with ']'" },
		{ "[rule a] ]\nto = user x\n", 0, "line 1: a section name may not hold" },
		{ "# c\ncountry = ES\n[rule a]\nto = user x\n", 0,
		  "line 2: country: outside a rule" },
		{ "[rule a]\ncountry = ES\ncountry = PT\nto = user x\n", 0,
		  "line 3: country: given twice in this rule" },
		/* line shape */
		{ "[rule a]\nto team X\n", 0, "line 2: expected 'key = value'" },
		{ "[rule a]\n = x\n", 0, "line 2: expected a key before '='" },
		{ "[rule a]\nregion =\nto = user x\n", 0, "line 2: region: empty value" },
		{ "[rule a]\nregion =   # later\nto = user x\n", 0, "line 2: region: empty value" },
		{ "[rule a]\nregion = Madrid,, Toledo\nto = user x\n", 0,
		  "line 2: region: empty item in the list" },
		{ "[rule a]\npostal = 28,\nto = user x\n", 0, "line 2: postal: empty item" },
		/* to */
		{ "[rule a]\ncountry = ES\n", 0, "line 1: to: missing" },
		{ "[rule a]\ncountry = ES\n[rule b]\nto = user x\n", 0, "line 1: to: missing" },
		{ "[rule a]\nto = user x\n\n[rule b]\nregion = Galicia\n", 0,
		  "line 4: to: missing" },
		{ "[rule a]\nto = group Iberia\n", 0, "line 2: to: expected 'team NAME' or" },
		{ "[rule a]\nto = Team Iberia\n", 0, "line 2: to: expected 'team NAME' or" },
		{ "[rule a]\nto = lucia\n", 0, "line 2: to: expected 'team NAME' or" },
		{ "[rule a]\nto = team\n", 0, "line 2: to: expected a team's name" },
		{ "[rule a]\nto = user   \n", 0, "line 2: to: expected a login" },
		{ "[rule a]\nto = user lucia garcia\n", 0, "line 2: to: a login has no spaces" },
		{ "[rule a]\nto = user x\nto = user y\n", 0, "line 3: to: given twice" },
		/* ranges */
		{ "[rule a]\nemployees = 500-50\nto = user x\n", 0,
		  "line 2: employees: the range 500-50 is reversed" },
		{ "[rule a]\nemployees = abc\nto = user x\n", 0,
		  "line 2: employees: expected a range such as 50-499" },
		{ "[rule a]\nemployees = -\nto = user x\n", 0,
		  "line 2: employees: expected a range such as 50-499" },
		{ "[rule a]\nemployees = 50\nto = user x\n", 0,
		  "line 2: employees: expected a range such as 50-499" },
		{ "[rule a]\nemployees = 1-2-3\nto = user x\n", 0,
		  "line 2: employees: expected a range" },
		{ "[rule a]\nemployees = +5-10\nto = user x\n", 0,
		  "line 2: employees: expected a range" },
		{ "[rule a]\nemployees = 50-499, 1000-\nto = user x\n", 0,
		  "line 2: employees: expected a range" },
		{ "[rule a]\nemployees = 99999999999-\nto = user x\n", 0,
		  "line 2: employees: expected a range" },
		/* values */
		{ "[rule a]\ncountry = Spain\nto = user x\n", 0,
		  "line 2: country: 'Spain' is not a two-letter ISO 3166 code" },
		{ "[rule a]\ncountry = ES, E\nto = user x\n", 0, "line 2: country: 'E' is not" },
		/* duplicate names, folded */
		{ "[rule Pequeñas]\nto = user x\n[rule PEQUENAS]\nto = user y\n", 0,
		  "line 3: rule: the name 'PEQUENAS' is already used on line 1" },
		{ "[rule a]\nto = user x\n[rule b]\nto = user x\n[rule  A ]\nto = user x\n", 0,
		  "line 5: rule: the name 'A' is already used on line 1" },
		/* bytes */
		{ nul_text, sizeof nul_text - 1, "line 2: NUL byte in the text" },
		{ "[rule a]\nregion = Le\xF3n\nto = user x\n", 0, "line 2: invalid UTF-8" },
		{ "[rule a]\nto = user x # \xC3\x28\n", 0, "line 2: invalid UTF-8" },
		{ "[rule a]\r\nregion = Madrid\r\nregion2 = x\r\nto = user x\r\n", 0,
		  "line 3: region2: unknown key" },
	};

	(void)state;
	check_bad_rules(cases, NELEM(cases));
}

static void test_rules_long_values(void **state)
{
	struct lq_route_rules rs;
	char text[1024], err[256];
	char big[300];

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	snprintf(text, sizeof text, "[rule a]\nindustry = retail, %s\nto = user x\n", big);
	assert_false(lq_route_rules_parse(text, strlen(text), &rs, err, sizeof err));
	assert_string_equal(err, "line 2: industry: an item is longer than 255 bytes");

	/* Long keys are quoted shortly, without cutting a character. */
	snprintf(text, sizeof text, "[rule a]\n%s = 1\n",
		 "ñññññññññññññññññññññññññññññññññññññññ");
	assert_false(lq_route_rules_parse(text, strlen(text), &rs, err, sizeof err));
	assert_string_equal(err, "line 2: ññññññññññññññññññññ...: unknown key (expected country, "
			    "region, postal, industry, employees, source or to)");

	/* A small err buffer is filled as far as it goes. */
	assert_false(lq_route_rules_parse("x", 1, &rs, err, 8));
	assert_string_equal(err, "line 1:");
	assert_false(lq_route_rules_parse("x", 1, &rs, NULL, 0));
}

/* ---- rules: matching ------------------------------------------------------- */

static struct lq_lead mklead(const char *country, const char *region, const char *postal,
			     const char *industry, int employees, const char *source)
{
	struct lq_lead l;

	lq_lead_init(&l);
	/* Borrowed strings: these leads are never cleared. */
	l.country = (char *)country;
	l.region = (char *)region;
	l.postal_code = (char *)postal;
	l.industry = (char *)industry;
	l.employees = employees;
	l.source = (char *)source;
	return l;
}

static const char match_rules[] =
	"[rule big]\n"                                   /* 0 */
	"employees = 1000-\n"
	"to = user lucia\n"
	"[rule centro]\n"                                /* 1 */
	"country = ES\n"
	"region = Comunidad de Madrid, Castilla y León\n"
	"to = team Iberia Centro\n"
	"[rule cp]\n"                                    /* 2 */
	"postal = 08, 17, sw1\n"
	"to = team Iberia Norte\n"
	"[rule soft-mid]\n"                              /* 3 */
	"industry = Software\n"
	"employees = 50-499\n"
	"to = team Iberia Norte\n"
	"[rule web-pt]\n"                                /* 4 */
	"source = web_form, webinar\n"
	"country = pt\n"
	"to = team Iberia Centro\n"
	"[rule small]\n"                                 /* 5 */
	"employees = -9\n"
	"industry = Agricultura\n"
	"to = user marta\n";

static void test_match_table(void **state)
{
	static const struct {
		const char *country, *region, *postal, *industry;
		int employees;
		const char *source;
		int want;
	} cases[] = {
		/* first match wins: big before centro */
		{ "ES", "Comunidad de Madrid", NULL, NULL, 1000, NULL, 0 },
		{ "ES", "Comunidad de Madrid", NULL, NULL, 999, NULL, 1 },
		/* text conditions are accent- and case-blind, on both sides */
		{ "es", "castilla y leon", NULL, NULL, 0, NULL, 1 },
		{ "Es", "CASTILLA Y LEÓN", NULL, NULL, 0, NULL, 1 },
		{ "ES", "  Castilla y León ", NULL, NULL, 0, NULL, 1 },
		{ "ES", "Castilla", NULL, NULL, 0, NULL, -1 },     /* whole values, not parts */
		{ "ES", "Castilla y León Sur", NULL, NULL, 0, NULL, -1 },
		/* conditions AND: region without the country, country without region */
		{ NULL, "Comunidad de Madrid", NULL, NULL, 0, NULL, -1 },
		{ "ES", NULL, NULL, NULL, 0, NULL, -1 },
		{ "ES", "", NULL, NULL, 0, NULL, -1 },
		{ "FR", "Comunidad de Madrid", NULL, NULL, 0, NULL, -1 },
		/* postal prefixes */
		{ "ES", "Cataluña", "08001", NULL, 0, NULL, 2 },
		{ "ES", "Cataluña", "17003", NULL, 0, NULL, 2 },
		{ "ES", "Cataluña", " 08001", NULL, 0, NULL, 2 },
		{ "GB", NULL, "SW1A 1AA", NULL, 0, NULL, 2 },
		{ "ES", "Cataluña", "8001", NULL, 0, NULL, -1 },
		{ "ES", "Cataluña", "0", NULL, 0, NULL, -1 },
		{ "ES", "Cataluña", "", NULL, 0, NULL, -1 },
		{ "ES", "Cataluña", "28001", NULL, 0, NULL, -1 },
		/* employees bounds are inclusive; 0 is "unknown" */
		{ NULL, NULL, NULL, "software", 50, NULL, 3 },
		{ NULL, NULL, NULL, "SOFTWARE", 499, NULL, 3 },
		{ NULL, NULL, NULL, "software", 49, NULL, -1 },
		{ NULL, NULL, NULL, "software", 500, NULL, -1 },
		{ NULL, NULL, NULL, "software", 0, NULL, -1 },
		{ NULL, NULL, NULL, "retail", 100, NULL, -1 },
		{ NULL, NULL, NULL, NULL, 100, NULL, -1 },
		/* list OR, with AND on the country */
		{ "PT", NULL, NULL, NULL, 0, "web_form", 4 },
		{ "pt", NULL, NULL, NULL, 0, "Webinar", 4 },
		{ "PT", NULL, NULL, NULL, 0, "referral", -1 },
		{ "ES", NULL, NULL, NULL, 0, "webinar", -1 },
		{ NULL, NULL, NULL, NULL, 0, "web_form", -1 },
		/* at most */
		{ NULL, NULL, NULL, "agricultura", 9, NULL, 5 },
		{ NULL, NULL, NULL, "Agricultura", 1, NULL, 5 },
		{ NULL, NULL, NULL, "agricultura", 10, NULL, -1 },
		{ NULL, NULL, NULL, "agricultura", 0, NULL, -1 },
		{ NULL, NULL, NULL, NULL, 0, NULL, -1 },
	};
	struct lq_route_rules rs;

	(void)state;
	parse_rules_ok(match_rules, &rs);
	assert_int_equal(rs.n, 6);
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct lq_lead l = mklead(cases[i].country, cases[i].region, cases[i].postal,
					  cases[i].industry, cases[i].employees,
					  cases[i].source);
		int got = lq_route_match(&rs, &l);

		if (got != cases[i].want)
			fail_msg("case %zu: matched rule %d, want %d", i, got, cases[i].want);
	}
	lq_route_rules_clear(&rs);
}

static void test_match_catch_all(void **state)
{
	struct lq_route_rules rs;
	struct lq_lead de = mklead("DE", "Bayern", "80331", "software", 20, "event");
	struct lq_lead es = mklead("ES", "Galicia", "15001", "retail", 20, "event");
	struct lq_lead empty = mklead(NULL, NULL, NULL, NULL, 0, NULL);

	(void)state;
	parse_rules_ok("[rule dach]\ncountry = DE, AT, CH\nto = team DACH\n"
		       "[rule rest]\nto = team Iberia Centro\n", &rs);
	assert_int_equal(lq_route_match(&rs, &de), 0);
	assert_int_equal(lq_route_match(&rs, &es), 1);
	assert_int_equal(lq_route_match(&rs, &empty), 1);
	assert_int_equal(lq_route_match(&rs, NULL), -1);
	assert_int_equal(lq_route_match(NULL, &es), -1);
	lq_route_rules_clear(&rs);
	assert_int_equal(lq_route_match(&rs, &es), -1);    /* no rules */
}

/* ---- choosing a rep --------------------------------------------------------- */

#define REP(login, active, cap, open, last) { login, login, active, cap, open, last }

/* Routes `leads` leads one by one as the server would: the chosen rep's open
 * count grows and their last_assigned moves to the clock.  Writes the picks
 * (indexes) into order when given; returns how many were placed. */
static int simulate(struct lq_route_rep *reps, size_t n, int leads, int *counts, int *order)
{
	int64_t clock = 1000;
	int placed = 0;

	for (int i = 0; i < leads; i++) {
		int k = lq_route_pick_rep(reps, n);

		if (k < 0)
			break;
		assert_true((size_t)k < n);
		reps[k].open++;
		reps[k].last_assigned = ++clock;
		counts[k]++;
		if (order)
			order[i] = k;
		placed++;
	}
	return placed;
}

static void test_pick_equal_take_turns(void **state)
{
	struct lq_route_rep reps[] = {
		REP("marta", true, 20, 0, 0), REP("lucia", true, 20, 0, 0),
		REP("jose", true, 20, 0, 0),
	};
	int counts[3] = { 0 }, order[9];
	static const int want[9] = { 2, 1, 0, 2, 1, 0, 2, 1, 0 };  /* jose, lucia, marta */

	(void)state;
	assert_int_equal(simulate(reps, 3, 9, counts, order), 9);
	assert_int_equal(counts[0], 3);
	assert_int_equal(counts[1], 3);
	assert_int_equal(counts[2], 3);
	assert_memory_equal(order, want, sizeof want);
}

/* The walk-through in share/doc/rules.md: capacities 40 and 20. */
static void test_pick_doc_example(void **state)
{
	struct lq_route_rep reps[] = {
		REP("ana", true, 40, 0, 0), REP("bruno", true, 20, 0, 0),
	};
	int counts[2] = { 0 }, order[6];
	static const int want[6] = { 0, 1, 0, 0, 1, 0 };

	(void)state;
	assert_int_equal(simulate(reps, 2, 6, counts, order), 6);
	assert_memory_equal(order, want, sizeof want);
}

static void test_pick_weighted_by_capacity(void **state)
{
	static const struct {
		int cap_a, cap_b, leads, want_a, want_b;
	} cases[] = {
		{ 20, 10, 30, 20, 10 },
		{ 200, 100, 150, 100, 50 },
		{ 60, 30, 90, 60, 30 },
		{ 3, 1, 40, 3, 1 },        /* stops when both are full */
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct lq_route_rep reps[] = {
			REP("b-big", true, cases[i].cap_a, 0, 0),
			REP("a-small", true, cases[i].cap_b, 0, 0),
		};
		int counts[2] = { 0 };

		simulate(reps, 2, cases[i].leads, counts, NULL);
		if (counts[0] != cases[i].want_a || counts[1] != cases[i].want_b)
			fail_msg("case %zu: %d:%d, want %d:%d", i, counts[0], counts[1],
				 cases[i].want_a, cases[i].want_b);
	}
}

/* With leads closing as they come (each stays open for LIFETIME routings),
 * the 2:1 share of capacities holds over a long run. */
static void test_pick_weighted_long_run(void **state)
{
	enum { LIFETIME = 30, LEADS = 3000 };
	struct lq_route_rep reps[] = {
		REP("bruno", true, 40, 0, 0), REP("ana", true, 20, 0, 0),
	};
	int owner[LIFETIME];
	int counts[2] = { 0 };

	(void)state;
	for (int i = 0; i < LEADS; i++) {
		int k;

		if (i >= LIFETIME)
			reps[owner[i % LIFETIME]].open--;
		k = lq_route_pick_rep(reps, 2);
		assert_true(k >= 0);
		reps[k].open++;
		reps[k].last_assigned = i + 1;
		counts[k]++;
		owner[i % LIFETIME] = k;
	}
	if (counts[0] < 1980 || counts[0] > 2020 || counts[0] + counts[1] != LEADS)
		fail_msg("%d:%d, want about 2000:1000", counts[0], counts[1]);
}

static void test_pick_table(void **state)
{
	static const struct {
		const char *what;
		struct lq_route_rep reps[4];
		size_t n;
		int want;
	} cases[] = {
		{ "inactive skipped",
		  { REP("ana", false, 10, 0, 0), REP("bea", true, 10, 5, 9) }, 2, 1 },
		{ "full skipped",
		  { REP("ana", true, 5, 5, 0), REP("bea", true, 100, 90, 9) }, 2, 1 },
		{ "over capacity skipped",
		  { REP("ana", true, 5, 7, 0), REP("bea", true, 100, 90, 9) }, 2, 1 },
		{ "capacity 0 skipped",
		  { REP("ana", true, 0, 0, 0), REP("bea", true, 3, 2, 9) }, 2, 1 },
		{ "negative capacity skipped",
		  { REP("ana", true, -3, -5, 0), REP("bea", true, 3, 2, 9) }, 2, 1 },
		{ "all full", { REP("ana", true, 1, 1, 0), REP("bea", true, 2, 2, 0) }, 2, -1 },
		{ "all inactive",
		  { REP("ana", false, 5, 0, 0), REP("bea", false, 5, 0, 0) }, 2, -1 },
		{ "empty", { REP("ana", true, 5, 0, 0) }, 0, -1 },
		/* (open + 1) / capacity, not open / capacity: 1/10 beats 1/1 */
		{ "fill after taking it",
		  { REP("ana", true, 1, 0, 0), REP("bea", true, 10, 0, 5) }, 2, 1 },
		/* exact: 2/3 against 1/2 (integer division would call it a tie) */
		{ "exact fractions",
		  { REP("ana", true, 3, 1, 0), REP("bea", true, 2, 0, 7) }, 2, 1 },
		{ "exact fractions the other way",
		  { REP("ana", true, 3, 0, 9), REP("bea", true, 2, 0, 0) }, 2, 0 },
		/* ties: who waited longest, then the login */
		{ "tie by last_assigned",
		  { REP("ana", true, 10, 2, 50), REP("bea", true, 10, 2, 40),
		    REP("cris", true, 10, 2, 45) }, 3, 1 },
		{ "never assigned first",
		  { REP("ana", true, 10, 0, 3), REP("bea", true, 10, 0, 0) }, 2, 1 },
		{ "tie by login",
		  { REP("marta", true, 10, 1, 7), REP("lucia", true, 10, 1, 7),
		    REP("ana", true, 10, 1, 8) }, 3, 1 },
		{ "tie by login, equal ratios of unequal capacities",
		  { REP("zoe", true, 10, 4, 0), REP("yago", true, 2, 0, 0) }, 2, 1 },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		int got = lq_route_pick_rep(cases[i].reps, cases[i].n);

		if (got != cases[i].want)
			fail_msg("%s: picked %d, want %d", cases[i].what, got, cases[i].want);
	}
	assert_int_equal(lq_route_pick_rep(NULL, 3), -1);
}

/* The state lives in the data: the same inputs give the same pick. */
static void test_pick_restart(void **state)
{
	struct lq_route_rep a[] = {
		REP("ana", true, 10, 3, 17), REP("bea", true, 10, 3, 12),
		REP("cris", true, 20, 8, 2),
	};
	struct lq_route_rep b[3];

	(void)state;
	memcpy(b, a, sizeof a);
	assert_int_equal(lq_route_pick_rep(a, 3), lq_route_pick_rep(b, 3));
	assert_int_equal(lq_route_pick_rep(a, 3), 1);
}

/* ---- policies ---------------------------------------------------------------- */

static void test_policies_every_key(void **state)
{
	struct lq_team_policies ps;
	const struct lq_team_policy_section *t;
	static const char text[] =
		"# both teams\n"
		"[team Iberia Centro]\n"
		"tz            = Europe/Madrid\n"
		"hours         = mon-fri 09:00-14:00,15:00-18:00\n"
		"holidays      = 2026-01-01, 2026-01-06\n"
		"routing       = single_contact\n"
		"dispatcher    = marta\n"
		"first_contact = 120\n"
		"touches       = 6\n"
		"touch_window  = 10\n"
		"at_risk       = 25\n"
		"on_breach     = reassign\n"
		"on_expiry     = unreachable\n"
		"\n"
		"[team Iberia Norte]\r\n"
		"routing = round_robin\r\n"
		"on_expiry = recycle\r\n";

	(void)state;
	parse_policies_ok(text, &ps);
	assert_int_equal(ps.n, 2);
	t = &ps.team[0];
	assert_string_equal(t->team, "Iberia Centro");
	assert_int_equal(t->line, 2);
	assert_string_equal(t->tz, "Europe/Madrid");
	assert_string_equal(t->hours, "mon-fri 09:00-14:00,15:00-18:00");
	assert_string_equal(t->holidays, "2026-01-01, 2026-01-06");
	assert_int_equal(t->routing, LQ_ROUTE_SINGLE_CONTACT);
	assert_string_equal(t->dispatcher, "marta");
	assert_int_equal(t->first_contact_minutes, 120);
	assert_int_equal(t->touches_required, 6);
	assert_int_equal(t->touch_window_days, 10);
	assert_int_equal(t->at_risk_percent, 25);
	assert_int_equal(t->on_breach, LQ_BREACH_REASSIGN);
	assert_int_equal(t->on_expiry, LQ_EXPIRY_UNREACHABLE);

	t = &ps.team[1];
	assert_string_equal(t->team, "Iberia Norte");
	assert_int_equal(t->line, 15);
	assert_int_equal(t->routing, LQ_ROUTE_ROUND_ROBIN);
	assert_int_equal(t->on_expiry, LQ_EXPIRY_RECYCLE);
	/* what the section leaves out */
	assert_null(t->tz);
	assert_null(t->hours);
	assert_null(t->holidays);
	assert_null(t->dispatcher);
	assert_int_equal(t->first_contact_minutes, -1);
	assert_int_equal(t->touches_required, -1);
	assert_int_equal(t->touch_window_days, -1);
	assert_int_equal(t->at_risk_percent, -1);
	assert_int_equal(t->on_breach, -1);
	lq_team_policies_clear(&ps);
	assert_null(ps.team);
	assert_int_equal(ps.n, 0);
	lq_team_policies_clear(&ps);
	lq_team_policies_clear(NULL);
}

static void test_policies_partial_and_empty(void **state)
{
	struct lq_team_policies ps;
	const struct lq_team_policy_section *t;

	(void)state;
	parse_policies_ok("[team México]\n", &ps);
	assert_int_equal(ps.n, 1);
	t = &ps.team[0];
	assert_string_equal(t->team, "México");
	assert_null(t->tz);
	assert_null(t->hours);
	assert_null(t->holidays);
	assert_null(t->dispatcher);
	assert_int_equal(t->routing, -1);
	assert_int_equal(t->first_contact_minutes, -1);
	assert_int_equal(t->touches_required, -1);
	assert_int_equal(t->touch_window_days, -1);
	assert_int_equal(t->at_risk_percent, -1);
	assert_int_equal(t->on_breach, -1);
	assert_int_equal(t->on_expiry, -1);
	lq_team_policies_clear(&ps);

	/* a dispatcher may come before routing, and stands alone too */
	parse_policies_ok("[team A]\ndispatcher = marta\nrouting = single_contact\n"
			  "[team B]\ndispatcher = lucia\n", &ps);
	assert_int_equal(ps.n, 2);
	assert_int_equal(ps.team[0].routing, LQ_ROUTE_SINGLE_CONTACT);
	assert_string_equal(ps.team[1].dispatcher, "lucia");
	assert_int_equal(ps.team[1].routing, -1);
	lq_team_policies_clear(&ps);

	parse_policies_ok("", &ps);
	assert_int_equal(ps.n, 0);
}

static void test_policies_number_bounds(void **state)
{
	static const struct {
		const char *key;
		int lo, hi;
		size_t field;
	} keys[] = {
		{ "first_contact", 1, 100000,
		  offsetof(struct lq_team_policy_section, first_contact_minutes) },
		{ "touches", 0, 1000, offsetof(struct lq_team_policy_section, touches_required) },
		{ "touch_window", 1, 10000,
		  offsetof(struct lq_team_policy_section, touch_window_days) },
		{ "at_risk", 0, 100, offsetof(struct lq_team_policy_section, at_risk_percent) },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(keys); i++) {
		int edges[2] = { keys[i].lo, keys[i].hi };
		int outside[2] = { keys[i].lo - 1, keys[i].hi + 1 };

		for (int j = 0; j < 2; j++) {
			struct lq_team_policies ps;
			char text[128], err[256], want[128];
			int got;

			snprintf(text, sizeof text, "[team T]\n%s = %d\n", keys[i].key, edges[j]);
			parse_policies_ok(text, &ps);
			memcpy(&got, (char *)&ps.team[0] + keys[i].field, sizeof got);
			assert_int_equal(got, edges[j]);
			lq_team_policies_clear(&ps);

			snprintf(text, sizeof text, "[team T]\n%s = %d\n", keys[i].key, outside[j]);
			assert_false(lq_team_policies_parse(text, strlen(text), &ps, err,
							    sizeof err));
			snprintf(want, sizeof want, "line 2: %s: expected a whole number from %d to %d",
				 keys[i].key, keys[i].lo, keys[i].hi);
			assert_string_equal(err, want);
		}
	}
}

static void test_policies_bad_files(void **state)
{
	static const char nul_tz[] = "[team A]\ntz = Europe/M\0drid\n";
	static const struct bad_file cases[] = {
		{ "[team A]\nrouting = roundrobin\n", 0,
		  "line 2: routing: expected direct, round_robin, single_contact or telequal" },
		{ "[team A]\nrouting = Direct\n", 0, "line 2: routing: expected direct" },
		{ "[team A]\non_breach = escalate\n", 0,
		  "line 2: on_breach: expected notify or reassign" },
		{ "[team A]\non_expiry = junk\n", 0,
		  "line 2: on_expiry: expected recycle or unreachable" },
		{ "[team A]\nfirst_contact = 12abc\n", 0,
		  "line 2: first_contact: expected a whole number from 1 to 100000" },
		{ "[team A]\nfirst_contact = 1.5\n", 0, "line 2: first_contact: expected a whole" },
		{ "[team A]\ntouches = -1\n", 0, "line 2: touches: expected a whole number" },
		{ "[team A]\ntouches = 99999999999999\n", 0, "line 2: touches: expected a whole" },
		{ "[team A]\nat_risk = 25%\n", 0, "line 2: at_risk: expected a whole number" },
		{ "[team A]\nhours = mon-fri 9-14\n", 0, "line 2: hours: at '" },
		{ "[team A]\nhours = whenever\n", 0, "line 2: hours: " },
		{ "[team A]\n\nholidays = 2026-02-30\n", 0,
		  "line 3: holidays: at '2026-02-30': expected a date YYYY-MM-DD" },
		{ "[team A]\nholidays = 2026-01-01, soon\n", 0, "line 2: holidays: at 'soon'" },
		{ "[team A]\nrouting = single_contact\nfirst_contact = 5\n", 0,
		  "line 2: routing: single_contact needs a dispatcher" },
		{ "[team A]\nrouting = single_contact\n[team B]\ndispatcher = marta\n", 0,
		  "line 2: routing: single_contact needs a dispatcher" },
		{ "[team Iberia Centro]\n[team Iberia Norte]\n[team IBERIA CENTRO]\n", 0,
		  "line 3: team: 'IBERIA CENTRO' is already given on line 1" },
		{ "[team Iberia Centro]\n[team iberia centro]\n", 0,
		  "line 2: team: 'iberia centro' is already given on line 1" },
		{ "[team México]\n[team Mexico]\n", 0, "line 2: team: 'Mexico' is already given" },
		{ "[team A]\ncolour = blue\n", 0, "line 2: colour: unknown key" },
		{ "[team A]\nto = team A\n", 0, "line 2: to: unknown key" },
		{ "[rule A]\nto = team A\n", 0, "line 1: unknown section kind 'rule'" },
		{ "tz = Europe/Madrid\n[team A]\n", 0, "line 1: tz: outside a section" },
		{ "[team]\n", 0, "line 1: team: a section needs the team's name" },
		{ "[team A]\ntz = Europe / Madrid\n", 0, "line 2: tz: expected an IANA zone" },
		{ "[team A]\ndispatcher = marta ibanez\n", 0, "line 2: dispatcher: expected a login" },
		{ "[team A]\ntouches = 5\ntouches = 6\n", 0, "line 3: touches: given twice" },
		{ "[team A]\nhours =\n", 0, "line 2: hours: empty value" },
		{ "[team A]\nrouting direct\n", 0, "line 2: expected 'key = value'" },
		{ "[team A\n", 0, "line 1: a section line must end with ']'" },
		{ "[team A]\ntz = Europe/Z\xFCrich\n", 0, "line 2: invalid UTF-8" },
		{ nul_tz, sizeof nul_tz - 1, "line 2: NUL byte in the text" },
	};

	(void)state;
	check_bad_policies(cases, NELEM(cases));
}

/* ---- the example files --------------------------------------------------------- */

static void test_example_rules(void **state)
{
	struct lq_route_rules rs;
	char err[256];
	size_t len = 0;
	char *text = read_example("rules.conf", &len);
	const struct lq_route_rule *last;
	struct lq_lead madrid = mklead("ES", "Comunidad de Madrid", "28013", "software", 120,
				       "web_form");
	struct lq_lead leon = mklead("ES", "Castilla y Leon", "24001", "energy", 30, "referral");
	struct lq_lead bilbao = mklead("ES", "País Vasco", "48001", "logistics", 300, "event");
	struct lq_lead porto = mklead("PT", "Porto", "4000-123", "retail", 80, "webinar");
	struct lq_lead big = mklead("ES", "Galicia", "15001", "energy", 5000, "event");
	struct lq_lead zurich = mklead("CH", "Zürich", "8001", "finance", 200, "event");

	(void)state;
	if (!text)
		skip();
	if (!lq_route_rules_parse(text, len, &rs, err, sizeof err))
		fail_msg("share/examples/rules.conf: %s", err);
	assert_true(rs.n >= 5);
	last = &rs.rule[rs.n - 1];
	/* the example ends with a catch-all */
	assert_int_equal(last->country.n + last->region.n + last->postal.n +
			 last->industry.n + last->source.n, 0);
	assert_int_equal(last->employees_min, -1);
	assert_int_equal(last->employees_max, -1);
	assert_string_equal(rs.rule[lq_route_match(&rs, &madrid)].to, "Iberia Centro");
	assert_string_equal(rs.rule[lq_route_match(&rs, &leon)].to, "marta");
	assert_string_equal(rs.rule[lq_route_match(&rs, &bilbao)].to, "Iberia Norte");
	assert_string_equal(rs.rule[lq_route_match(&rs, &porto)].to, "Iberia Norte");
	assert_string_equal(rs.rule[lq_route_match(&rs, &big)].to, "lucia");
	assert_int_equal(rs.rule[lq_route_match(&rs, &big)].to_kind, LQ_ROUTE_TO_USER);
	assert_int_equal(lq_route_match(&rs, &zurich), (int)rs.n - 1);
	lq_route_rules_clear(&rs);
	free(text);
}

static void test_example_policy(void **state)
{
	struct lq_team_policies ps;
	char err[256];
	size_t len = 0;
	char *text = read_example("policy.conf", &len);

	(void)state;
	if (!text)
		skip();
	if (!lq_team_policies_parse(text, len, &ps, err, sizeof err))
		fail_msg("share/examples/policy.conf: %s", err);
	assert_int_equal(ps.n, 2);
	assert_string_equal(ps.team[0].team, "Iberia Centro");
	assert_int_equal(ps.team[0].routing, LQ_ROUTE_ROUND_ROBIN);
	assert_string_equal(ps.team[1].team, "Iberia Norte");
	assert_int_equal(ps.team[1].routing, LQ_ROUTE_SINGLE_CONTACT);
	assert_string_equal(ps.team[1].dispatcher, "marta");
	assert_string_equal(ps.team[0].tz, "Europe/Madrid");
	lq_team_policies_clear(&ps);
	free(text);
}

/* ---- out of memory --------------------------------------------------------------- */

/* Fails the k-th allocation for k = 0, 1, … until the parse succeeds: each
 * failure must give false, an err naming the line, an empty result and (as
 * the sanitizer build checks) no leak. */
static void oom_walk(bool rules, const char *text, size_t len, size_t want_n)
{
	long k;

	for (k = 0; k < 100000; k++) {
		struct lq_route_rules rs = { NULL, 0 };
		struct lq_team_policies ps = { NULL, 0 };
		char err[256] = "";
		bool ok;

		lq_mem_fail_after(k);
		ok = rules ? lq_route_rules_parse(text, len, &rs, err, sizeof err) :
			     lq_team_policies_parse(text, len, &ps, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok) {
			if (rules) {
				assert_int_equal(rs.n, want_n);
				lq_route_rules_clear(&rs);
			} else {
				assert_int_equal(ps.n, want_n);
				lq_team_policies_clear(&ps);
			}
			break;
		}
		if (strncmp(err, "line ", 5) != 0 || !strstr(err, "out of memory"))
			fail_msg("allocation %ld: err '%s'", k, err);
		if (rules) {
			assert_null(rs.rule);
			assert_int_equal(rs.n, 0);
		} else {
			assert_null(ps.team);
			assert_int_equal(ps.n, 0);
		}
	}
	/* Every string and array comes from lq_malloc & co.: many steps. */
	assert_true(k >= (long)want_n * 2);
}

static void test_oom_inline(void **state)
{
	static const char policies[] =
		"[team A]\ntz = UTC\nhours = mon 09:00-10:00\nholidays = 2026-01-01\n"
		"dispatcher = marta\n[team B]\nrouting = direct\n";

	(void)state;
	oom_walk(true, every_key, strlen(every_key), 1);
	oom_walk(true, match_rules, strlen(match_rules), 6);
	oom_walk(false, policies, sizeof policies - 1, 2);
}

static void test_oom_examples(void **state)
{
	struct lq_route_rules rs;
	struct lq_team_policies ps;
	size_t rlen = 0, plen = 0;
	char *rules = read_example("rules.conf", &rlen);
	char *policy = read_example("policy.conf", &plen);

	(void)state;
	if (!rules || !policy) {
		free(rules);
		free(policy);
		skip();
	}
	assert_true(lq_route_rules_parse(rules, rlen, &rs, NULL, 0));
	oom_walk(true, rules, rlen, rs.n);
	lq_route_rules_clear(&rs);
	assert_true(lq_team_policies_parse(policy, plen, &ps, NULL, 0));
	oom_walk(false, policy, plen, ps.n);
	lq_team_policies_clear(&ps);
	free(rules);
	free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_names),
		cmocka_unit_test(test_rules_every_key),
		cmocka_unit_test(test_rules_crlf),
		cmocka_unit_test(test_rules_bom_and_no_final_newline),
		cmocka_unit_test(test_rules_comments_blank_lines),
		cmocka_unit_test(test_rules_to_kinds),
		cmocka_unit_test(test_rules_employee_ranges),
		cmocka_unit_test(test_rules_utf8_names_and_order),
		cmocka_unit_test(test_rules_bad_files),
		cmocka_unit_test(test_rules_long_values),
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_match_catch_all),
		cmocka_unit_test(test_pick_equal_take_turns),
		cmocka_unit_test(test_pick_doc_example),
		cmocka_unit_test(test_pick_weighted_by_capacity),
		cmocka_unit_test(test_pick_weighted_long_run),
		cmocka_unit_test(test_pick_table),
		cmocka_unit_test(test_pick_restart),
		cmocka_unit_test(test_policies_every_key),
		cmocka_unit_test(test_policies_partial_and_empty),
		cmocka_unit_test(test_policies_number_bounds),
		cmocka_unit_test(test_policies_bad_files),
		cmocka_unit_test(test_example_rules),
		cmocka_unit_test(test_example_policy),
		cmocka_unit_test(test_oom_inline),
		cmocka_unit_test(test_oom_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
