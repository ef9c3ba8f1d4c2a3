/* Unit tests: src/proto/intake.c (POST /events, Mautic's webhooks, HMAC).
 * The Mautic fixtures are read from tests/fixtures/mautic/ under
 * $LEADQ_TOP_SRCDIR (set by make check). */
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

#include "leadq/intake.h"
#include "leadq/lead.h"
#include "leadq/mem.h"
#include "leadq/time.h"

#define T0 ((lq_time)1767603600)   /* 2026-01-05T09:00:00Z */
#define EV_ID "3f2a0000-0000-4000-8000-0000000000e1"

/* --- helpers ------------------------------------------------------------- */

static bool events(const char *body, struct lq_event_in **v, size_t *n, char *err, size_t size)
{
	return lq_events_from_text(body, strlen(body), v, n, err, size);
}

static bool mautic(const char *body, struct lq_mautic_item **v, size_t *n, size_t *skipped,
		   char *err, size_t size)
{
	return lq_mautic_from_text(body, strlen(body), v, n, skipped, err, size);
}

/* The refusal of a body: false, no output, and exactly this reason. */
static void events_refused(const char *body, const char *reason)
{
	struct lq_event_in *v = (struct lq_event_in *)&v;   /* must be reset */
	size_t n = 99;
	char err[256] = "";

	if (events(body, &v, &n, err, sizeof err))
		fail_msg("accepted: %s", body);
	assert_null(v);
	assert_int_equal(n, 0);
	if (strcmp(err, reason) != 0)
		fail_msg("body %s\n  reason '%s'\n  wanted '%s'", body, err, reason);
}

static void mautic_refused(const char *body, const char *reason)
{
	struct lq_mautic_item *v = (struct lq_mautic_item *)&v;
	size_t n = 99, skipped = 99;
	char err[256] = "";

	if (mautic(body, &v, &n, &skipped, err, sizeof err))
		fail_msg("accepted: %s", body);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 0);
	if (strcmp(err, reason) != 0)
		fail_msg("body %s\n  reason '%s'\n  wanted '%s'", body, err, reason);
}

static lq_time at(const char *rfc3339)
{
	lq_time t;

	assert_true(lq_time_parse(rfc3339, &t));
	return t;
}

static char *fixture(const char *name, size_t *len)
{
	const char *top = getenv("LEADQ_TOP_SRCDIR");
	char path[4096];
	char *buf;
	long size;
	FILE *f;

	if (!top)
		fail_msg("LEADQ_TOP_SRCDIR is not set (run through make check)");
	snprintf(path, sizeof path, "%s/tests/fixtures/mautic/%s", top, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static bool mautic_fixture(const char *name, struct lq_mautic_item **v, size_t *n,
			   size_t *skipped)
{
	char err[256] = "";
	size_t len;
	char *body = fixture(name, &len);
	bool ok = lq_mautic_from_text(body, len, v, n, skipped, err, sizeof err);

	if (!ok)
		fail_msg("%s refused: %s", name, err);
	free(body);
	return ok;
}

/* Out of memory is said so, except inside jansson's reader, which reports
 * a failed allocation as a fault of the text. */
static void oom_reason(long k, const char *err)
{
	if (!strstr(err, "out of memory") && strncmp(err, "body: offset ", 13) != 0)
		fail_msg("allocation %ld failed: %s", k, err);
}

/* --- POST /events -------------------------------------------------------- */

static void test_events_every_type(void **state)
{
	const char *body =
		"{\"events\": ["
		"{\"id\": \"" EV_ID "\", \"type\": \"page_view\", \"at\": \"2026-01-05T09:00:00Z\","
		" \"external_id\": \"mautic-47\", \"email\": \"jose.nunez@example.es\","
		" \"url\": \"https://example.es/precios\", \"title\": \"Precios — Acme Ibérica\","
		" \"duration_s\": 95, \"campaign\": \"spring-es\"},"
		"{\"type\": \"email_open\", \"at\": \"2026-01-05T10:00:00+01:00\","
		" \"email\": \"anna@example.ch\", \"subject\": \"Grüezi Zürich\", \"campaign\": \"ch-q1\"},"
		"{\"type\": \"email_click\", \"at\": \"2026-01-05T09:00:01Z\", \"external_id\": \"e3\","
		" \"url\": \"https://example.com/x?a=1&b=2\", \"subject\": \"Oferta\", \"campaign\": \"c\"},"
		"{\"type\": \"form_submit\", \"at\": \"2026-01-05T09:00:02.250Z\", \"email\": \"a@b.c\","
		" \"form\": \"Demo request\", \"fields\": {\"país\": \"España\", \"seats\": 12,"
		" \"budget\": 2500.5, \"newsletter\": true, \"call\": false}},"
		"{\"type\": \"download\", \"at\": \"2026-01-05T09:00:03Z\", \"email\": \"a@b.c\","
		" \"asset\": \"whitepaper.pdf\", \"url\": \"https://cdn.example.com/wp.pdf\"},"
		"{\"type\": \"webinar\", \"at\": \"2026-01-05T09:00:04Z\", \"email\": \"a@b.c\","
		" \"name\": \"São Paulo roadshow\", \"duration_s\": 3600, \"campaign\": \"br\"}"
		"]}";
	struct lq_event_in *v = NULL;
	size_t n = 0;
	char err[256] = "";

	(void)state;
	if (!events(body, &v, &n, err, sizeof err))
		fail_msg("refused: %s", err);
	assert_int_equal(n, 6);

	assert_true(v[0].has_id);
	assert_string_equal(v[0].act.id, EV_ID);
	assert_string_equal(v[0].act.lead_id, "");
	assert_int_equal(v[0].act.kind, LQ_ACT_PAGE_VIEW);
	assert_true(v[0].act.at == T0);
	assert_string_equal(v[0].external_id, "mautic-47");
	assert_string_equal(v[0].email, "jose.nunez@example.es");
	assert_string_equal(v[0].act.actor, "marketing");
	assert_string_equal(v[0].act.subject, "https://example.es/precios");
	assert_string_equal(v[0].act.detail, "Precios — Acme Ibérica");
	assert_string_equal(v[0].act.campaign, "spring-es");
	assert_int_equal(v[0].act.duration_s, 95);
	assert_int_equal(v[0].act.outcome, -1);
	assert_false(v[0].act.undone);

	assert_false(v[1].has_id);
	assert_string_equal(v[1].act.id, "");
	assert_int_equal(v[1].act.kind, LQ_ACT_EMAIL_OPEN);
	assert_true(v[1].act.at == T0);   /* 10:00 at +01:00 */
	assert_null(v[1].external_id);
	assert_string_equal(v[1].email, "anna@example.ch");
	assert_string_equal(v[1].act.subject, "Grüezi Zürich");
	assert_null(v[1].act.detail);
	assert_string_equal(v[1].act.campaign, "ch-q1");
	assert_int_equal(v[1].act.duration_s, 0);

	assert_int_equal(v[2].act.kind, LQ_ACT_EMAIL_CLICK);
	assert_string_equal(v[2].external_id, "e3");
	assert_null(v[2].email);
	assert_string_equal(v[2].act.subject, "https://example.com/x?a=1&b=2");
	assert_string_equal(v[2].act.detail, "Oferta");
	assert_string_equal(v[2].act.campaign, "c");

	assert_int_equal(v[3].act.kind, LQ_ACT_FORM_SUBMIT);
	assert_true(v[3].act.at == T0 + 2);   /* fraction dropped */
	assert_string_equal(v[3].act.subject, "Demo request");
	assert_string_equal(v[3].act.detail,
			    "país=España; seats=12; budget=2500.5; newsletter=true; call=false");
	assert_null(v[3].act.campaign);

	assert_int_equal(v[4].act.kind, LQ_ACT_DOWNLOAD);
	assert_string_equal(v[4].act.subject, "whitepaper.pdf");
	assert_string_equal(v[4].act.detail, "https://cdn.example.com/wp.pdf");

	assert_int_equal(v[5].act.kind, LQ_ACT_WEBINAR);
	assert_string_equal(v[5].act.subject, "São Paulo roadshow");
	assert_int_equal(v[5].act.duration_s, 3600);
	assert_string_equal(v[5].act.campaign, "br");

	lq_events_free(&v, n);
	assert_null(v);
}

/* Optional parts absent or null; an email click without a link; an id in
 * capitals is stored in lower case (a replay is the same id). */
static void test_events_minimal(void **state)
{
	const char *body =
		"  {\"events\":[{\"type\":\"email_click\",\"at\":\"2026-01-05T09:00:00Z\","
		"\"email\":\"x@example.com\",\"subject\":\"Hola\",\"url\":null,\"campaign\":null,"
		"\"external_id\":\"\",\"unknown\":{\"ignored\":[1,2]}},"
		"{\"id\":\"3F2A0000-0000-4000-8000-0000000000EF\",\"type\":\"email_open\","
		"\"at\":\"2026-01-05T09:00:00Z\",\"external_id\":\"7\"},"
		"{\"type\":\"form_submit\",\"at\":\"2026-01-05T09:00:00Z\",\"external_id\":\"7\","
		"\"form\":\"F\",\"fields\":{}},"
		"{\"type\":\"page_view\",\"at\":\"2026-01-05T09:00:00Z\",\"external_id\":\"7\","
		"\"url\":\"/\",\"duration_s\":0,\"title\":null}]}\n";
	struct lq_event_in *v = NULL;
	size_t n = 0;
	char err[256];

	(void)state;
	if (!events(body, &v, &n, err, sizeof err))
		fail_msg("refused: %s", err);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].act.subject, "Hola");
	assert_null(v[0].act.detail);
	assert_null(v[0].act.campaign);
	assert_null(v[0].external_id);   /* "" is absent */
	assert_true(v[1].has_id);
	assert_string_equal(v[1].act.id, "3f2a0000-0000-4000-8000-0000000000ef");
	assert_null(v[1].act.subject);
	assert_null(v[2].act.detail);    /* no fields */
	assert_string_equal(v[3].act.subject, "/");
	assert_null(v[3].act.detail);
	lq_events_free(&v, n);

	/* nothing to do is fine */
	assert_true(events("{\"events\":[]}", &v, &n, err, sizeof err));
	assert_null(v);
	assert_int_equal(n, 0);
	lq_events_free(&v, n);
}

/* The body is len bytes, not a C string: what follows is not read. */
static void test_events_len_bounds(void **state)
{
	const char text[] = "{\"events\":[{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\","
			    "\"email\":\"a@b.c\"}]}GARBAGE";
	struct lq_event_in *v = NULL;
	size_t n = 0;
	char err[256];

	(void)state;
	assert_true(lq_events_from_text(text, sizeof text - 1 - 7, &v, &n, err, sizeof err));
	assert_int_equal(n, 1);
	lq_events_free(&v, n);
	assert_false(lq_events_from_text(text, sizeof text - 1, &v, &n, err, sizeof err));
	assert_non_null(strstr(err, "body: offset"));
	assert_false(lq_events_from_text(text, 20, &v, &n, err, sizeof err));
	assert_false(lq_events_from_text(NULL, 0, &v, &n, err, sizeof err));
	assert_string_equal(err, "body: no body");
	/* err may be NULL */
	assert_false(lq_events_from_text("[]", 2, &v, &n, NULL, 0));
}

#define EV(fields) "{\"events\":[{\"type\":\"page_view\",\"at\":\"2026-01-05T09:00:00Z\"," \
	"\"email\":\"a@b.c\",\"url\":\"/p\"}," fields "]}"
#define OK_ "\"at\":\"2026-01-05T09:00:00Z\",\"email\":\"a@b.c\""

static void test_events_refusals(void **state)
{
	static const struct {
		const char *body, *reason;
	} cases[] = {
		{ "[]", "body: expected a JSON object" },
		{ "{}", "events: required" },
		{ "{\"events\":null}", "events: required" },
		{ "{\"events\":{}}", "events: expected an array" },
		{ EV("7"), "events[1]: expected an object" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"/\",\"id\":\"nope\"}"),
		  "events[1].id: expected a UUID" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"/\",\"id\":42}"),
		  "events[1].id: expected a UUID" },
		{ EV("{" OK_ "}"), "events[1].type: required" },
		{ EV("{\"type\":3," OK_ "}"), "events[1].type: expected a string" },
		{ EV("{\"type\":\"click\"," OK_ "}"), "events[1].type: unknown event type 'click'" },
		{ EV("{\"type\":\"call\"," OK_ "}"), "events[1].type: unknown event type 'call'" },
		{ EV("{\"type\":\"a\\nb\"," OK_ "}"), "events[1].type: unknown event type 'a?b'" },
		{ EV("{\"type\":\"ñññññññññññññññññññññññññ\"," OK_ "}"),
		  "events[1].type: unknown event type 'ññññññññññññññññññññ...'" },
		{ EV("{\"type\":\"email_open\",\"email\":\"a@b.c\"}"), "events[1].at: required" },
		{ EV("{\"type\":\"email_open\",\"email\":\"a@b.c\",\"at\":\"2026-01-05\"}"),
		  "events[1].at: expected an RFC 3339 time" },
		{ EV("{\"type\":\"email_open\",\"email\":\"a@b.c\",\"at\":1767603600}"),
		  "events[1].at: expected an RFC 3339 time" },
		{ EV("{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\"}"),
		  "events[1]: external_id or email is required" },
		{ EV("{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\",\"email\":\"\"}"),
		  "events[1]: external_id or email is required" },
		{ EV("{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\",\"email\":[]}"),
		  "events[1].email: expected a string" },
		{ EV("{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\",\"external_id\":7}"),
		  "events[1].external_id: expected a string" },
		{ EV("{\"type\":\"page_view\"," OK_ "}"), "events[1].url: required" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"\"}"), "events[1].url: must not be empty" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"/\",\"title\":false}"),
		  "events[1].title: expected a string" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"/\",\"duration_s\":-1}"),
		  "events[1].duration_s: expected a whole number 0..86400" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"/\",\"duration_s\":86401}"),
		  "events[1].duration_s: expected a whole number 0..86400" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"/\",\"duration_s\":1.5}"),
		  "events[1].duration_s: expected a whole number 0..86400" },
		{ EV("{\"type\":\"page_view\"," OK_ ",\"url\":\"/\",\"duration_s\":\"9\"}"),
		  "events[1].duration_s: expected a whole number 0..86400" },
		{ EV("{\"type\":\"email_open\"," OK_ ",\"subject\":1}"),
		  "events[1].subject: expected a string" },
		{ EV("{\"type\":\"email_open\"," OK_ ",\"campaign\":{}}"),
		  "events[1].campaign: expected a string" },
		{ EV("{\"type\":\"email_click\"," OK_ ",\"url\":true}"), "events[1].url: expected a string" },
		{ EV("{\"type\":\"form_submit\"," OK_ "}"), "events[1].form: required" },
		{ EV("{\"type\":\"form_submit\"," OK_ ",\"form\":\"F\",\"fields\":[]}"),
		  "events[1].fields: expected an object" },
		{ EV("{\"type\":\"form_submit\"," OK_ ",\"form\":\"F\",\"fields\":{\"a\":null}}"),
		  "events[1].fields.a: expected a string, number or boolean" },
		{ EV("{\"type\":\"form_submit\"," OK_ ",\"form\":\"F\",\"fields\":{\"a\":{\"b\":1}}}"),
		  "events[1].fields.a: expected a string, number or boolean" },
		{ EV("{\"type\":\"download\"," OK_ "}"), "events[1].asset: required" },
		{ EV("{\"type\":\"download\"," OK_ ",\"asset\":\"a\",\"url\":5}"),
		  "events[1].url: expected a string" },
		{ EV("{\"type\":\"webinar\"," OK_ "}"), "events[1].name: required" },
		{ EV("{\"type\":\"webinar\"," OK_ ",\"name\":\"W\",\"duration_s\":99999}"),
		  "events[1].duration_s: expected a whole number 0..86400" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		events_refused(cases[i].body, cases[i].reason);
}

/* jansson's refusals, each with an offset: not JSON, not UTF-8, a NUL, a
 * key given twice, text after the object. */
static void test_events_bad_text(void **state)
{
	static const char *const bodies[] = {
		"",
		"{",
		"{\"events\":[]} {}",
		"{\"events\":[{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\","
		"\"email\":\"a\xff@b.c\"}]}",
		"{\"events\":[{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\","
		"\"email\":\"Jos\xc3\"}]}",      /* cut sequence */
		"{\"events\":[{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\","
		"\"email\":\"\xed\xa0\x80\"}]}", /* a surrogate in UTF-8 */
		"{\"events\":[{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\","
		"\"email\":\"a\\u0000b\"}]}",
		"{\"events\":[{\"type\":\"email_open\",\"type\":\"page_view\"}]}",
		"{\"events\":[{\"type\":\"email_open\",\"subject\":\"\\ud800\"}]}",
	};
	struct lq_event_in *v;
	size_t i, n, k;
	char err[256];

	(void)state;
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		if (events(bodies[i], &v, &n, err, sizeof err))
			fail_msg("accepted body %zu", i);
		assert_null(v);
		assert_int_equal(strncmp(err, "body: offset ", 13), 0);
		for (k = 0; err[k]; k++)   /* the reason is printable ASCII */
			assert_true((unsigned char)err[k] >= 0x20 && (unsigned char)err[k] < 0x7f);
	}
}

static void test_events_bounds(void **state)
{
	size_t per = strlen("{\"type\":\"email_open\",\"at\":\"2026-01-05T09:00:00Z\",\"email\":\"a@b.c\"},");
	size_t cap = 32 + per * (LQ_INTAKE_MAX + 1) + 8192 + 2048;
	char *body = malloc(cap);
	struct lq_event_in *v = NULL;
	size_t n = 0, used, i;
	char err[256];

	(void)state;
	assert_non_null(body);
	used = (size_t)snprintf(body, cap, "{\"events\":[");
	for (i = 0; i < LQ_INTAKE_MAX; i++)
		used += (size_t)snprintf(body + used, cap - used, "%s{\"type\":\"email_open\","
					 "\"at\":\"2026-01-05T09:00:00Z\",\"email\":\"a@b.c\"}",
					 i ? "," : "");
	snprintf(body + used, cap - used, "]}");
	assert_true(events(body, &v, &n, err, sizeof err));
	assert_int_equal(n, LQ_INTAKE_MAX);
	lq_events_free(&v, n);
	snprintf(body + used, cap - used, ",{}]}");
	events_refused(body, "events: 5001 events; at most 5000 in one body");

	/* strings: 1024 bytes (4096 for a URL) and not one more */
	memset(body, 0, cap);
	used = (size_t)snprintf(body, cap, EV("{\"type\":\"email_open\"," OK_ ",\"subject\":\""));
	used -= 2;   /* before "]}" */
	body[used] = '\0';
	memset(body + used, 'x', 1024);
	snprintf(body + used + 1024, cap - used - 1024, "\"}]}");
	assert_true(events(body, &v, &n, err, sizeof err));
	assert_int_equal(strlen(v[1].act.subject), 1024);
	lq_events_free(&v, n);
	memset(body + used, 'x', 1025);
	snprintf(body + used + 1025, cap - used - 1025, "\"}]}");
	events_refused(body, "events[1].subject: longer than 1024 bytes");

	used = (size_t)snprintf(body, cap, "{\"events\":[{\"type\":\"page_view\"," OK_ ",\"url\":\"");
	memset(body + used, 'u', 4097);
	snprintf(body + used + 4097, cap - used - 4097, "\"}]}");
	events_refused(body, "events[0].url: longer than 4096 bytes");

	/* a form's fields: 8192 bytes joined */
	used = (size_t)snprintf(body, cap, "{\"events\":[{\"type\":\"form_submit\"," OK_
				",\"form\":\"F\",\"fields\":{");
	for (i = 0; i < 9; i++) {
		used += (size_t)snprintf(body + used, cap - used, "%s\"f%zu\":\"", i ? "," : "", i);
		memset(body + used, 'v', 1000);
		used += 1000;
		used += (size_t)snprintf(body + used, cap - used, "\"");
	}
	snprintf(body + used, cap - used, "}}]}");
	events_refused(body, "events[0].fields: longer than 8192 bytes");
	free(body);
}

/* Every allocation can fail: a refusal that leaks nothing (the sanitizer
 * build checks the leaks). */
static void test_events_alloc_failures(void **state)
{
	const char *body = EV("{\"type\":\"form_submit\",\"id\":\"" EV_ID "\"," OK_
			      ",\"external_id\":\"x\",\"form\":\"F\",\"campaign\":\"c\","
			      "\"fields\":{\"a\":\"b\",\"n\":1}}");
	struct lq_event_in *v = NULL;
	size_t n = 0;
	char err[256];
	long k;

	(void)state;
	json_set_alloc_funcs(lq_malloc, lq_free);
	for (k = 0;; k++) {
		bool ok;

		lq_mem_fail_after(k);
		ok = events(body, &v, &n, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok)
			break;
		assert_null(v);
		oom_reason(k, err);
	}
	assert_true(k > 10);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].act.detail, "a=b; n=1");
	lq_events_free(&v, n);
	json_set_alloc_funcs(malloc, free);
}

/* --- Mautic: the documented payloads ------------------------------------- */

static void test_mautic_new_contact(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 99;
	const struct lq_lead *l;

	(void)state;
	mautic_fixture("lead_post_save_new.json", &v, &n, &skipped);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 0);
	assert_int_equal(v[0].kind, LQ_MAUTIC_CONTACT);
	assert_true(v[0].is_new);
	assert_true(v[0].at == T0);
	l = &v[0].lead;
	assert_string_equal(l->id, "");
	assert_string_equal(l->external_id, "47");
	assert_string_equal(l->name, "José Núñez");   /* \u escapes decoded */
	assert_string_equal(l->email, "jose.nunez@example.es");
	assert_string_equal(l->company, "Acme Ibérica S.L.");
	assert_string_equal(l->title, "CTO");
	assert_string_equal(l->phone, "+34 600 000 047");   /* mobile: no phone */
	assert_string_equal(l->city, "Madrid");
	assert_string_equal(l->region, "Madrid");
	assert_string_equal(l->country, "Spain");
	assert_string_equal(l->postal_code, "28001");
	assert_null(l->industry);
	assert_int_equal(l->score, 25);
	assert_false(l->do_not_contact);
	lq_mautic_free(&v, n);
	assert_null(v);
}

static void test_mautic_update(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0;

	(void)state;
	mautic_fixture("lead_post_save_update.json", &v, &n, &skipped);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, LQ_MAUTIC_CONTACT);
	assert_false(v[0].is_new);
	assert_true(v[0].at == at("2026-01-05T10:15:30Z"));
	assert_string_equal(v[0].lead.external_id, "48");
	assert_string_equal(v[0].lead.name, "João Conceição");
	assert_string_equal(v[0].lead.phone, "+55 11 3000 0048");
	assert_string_equal(v[0].lead.city, "São Paulo");
	assert_string_equal(v[0].lead.postal_code, "01310-100");
	assert_string_equal(v[0].lead.title, "Head of Sales");
	assert_int_equal(v[0].lead.score, 10);
	lq_mautic_free(&v, n);
}

/* Points as strings (contact.points and points.*), and Mautic's database
 * time "YYYY-MM-DD HH:MM:SS" (UTC). */
static void test_mautic_points(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0;

	(void)state;
	mautic_fixture("lead_points_change.json", &v, &n, &skipped);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, LQ_MAUTIC_POINTS);
	assert_int_equal(v[0].old_points, 5);
	assert_int_equal(v[0].new_points, 15);
	assert_int_equal(v[0].lead.score, 15);
	assert_string_equal(v[0].lead.external_id, "49");
	assert_string_equal(v[0].lead.name, "Anna Müller");
	assert_string_equal(v[0].lead.company, "Zürich Versicherung");
	assert_null(v[0].lead.title);
	assert_null(v[0].lead.phone);
	assert_true(v[0].at == T0 + 2 * LQ_HOUR);
	lq_mautic_free(&v, n);
}

static void test_mautic_delete(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0;

	(void)state;
	mautic_fixture("lead_post_delete.json", &v, &n, &skipped);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, LQ_MAUTIC_DELETE);
	assert_string_equal(v[0].lead.external_id, "48");   /* the payload's id */
	assert_string_equal(v[0].lead.email, "joao@example.com.br");
	assert_true(v[0].at == at("2026-01-06T09:00:00Z"));
	lq_mautic_free(&v, n);

	/* without the contact: the id alone */
	assert_true(mautic("{\"mautic.lead_post_delete\":[{\"id\":\"12\"}]}", &v, &n, &skipped,
			   NULL, 0));
	assert_int_equal(n, 1);
	assert_string_equal(v[0].lead.external_id, "12");
	assert_null(v[0].lead.email);
	assert_true(v[0].at == LQ_TIME_NONE);
	lq_mautic_free(&v, n);
}

/* Do not contact both ways: unsubscribed then contactable again. */
static void test_mautic_dnc(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0;

	(void)state;
	mautic_fixture("lead_channel_subscription_changed.json", &v, &n, &skipped);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].kind, LQ_MAUTIC_DNC);
	assert_true(v[0].dnc);
	assert_string_equal(v[0].channel, "email");
	assert_true(v[0].lead.do_not_contact);   /* contact.doNotContact lists one */
	assert_string_equal(v[0].lead.external_id, "47");
	assert_true(v[0].at == at("2026-01-07T09:00:00Z"));
	assert_int_equal(v[1].kind, LQ_MAUTIC_DNC);
	assert_false(v[1].dnc);
	assert_false(v[1].lead.do_not_contact);
	assert_string_equal(v[1].channel, "email");
	assert_true(v[1].at == at("2026-01-08T09:00:00Z"));
	lq_mautic_free(&v, n);
}

/* Several types in one POST, in the order of the body. */
static void test_mautic_batch(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 99;

	(void)state;
	mautic_fixture("batch.json", &v, &n, &skipped);
	assert_int_equal(n, 5);
	assert_int_equal(skipped, 0);
	assert_int_equal(v[0].kind, LQ_MAUTIC_CONTACT);
	assert_true(v[0].is_new);
	assert_string_equal(v[0].lead.external_id, "47");
	assert_int_equal(v[1].kind, LQ_MAUTIC_CONTACT);
	assert_string_equal(v[1].lead.external_id, "49");
	assert_int_equal(v[1].lead.score, 15);   /* "15" */
	assert_int_equal(v[2].kind, LQ_MAUTIC_POINTS);
	assert_int_equal(v[2].old_points, 25);
	assert_int_equal(v[2].new_points, 40);
	assert_int_equal(v[2].lead.score, 40);
	assert_int_equal(v[3].kind, LQ_MAUTIC_DNC);
	assert_true(v[3].dnc);                   /* bounced */
	assert_true(v[3].lead.do_not_contact);
	assert_true(v[3].at == T0 + 45 * LQ_MINUTE);
	assert_int_equal(v[4].kind, LQ_MAUTIC_DELETE);
	assert_string_equal(v[4].lead.external_id, "48");
	lq_mautic_free(&v, n);
}

static void test_mautic_unknown_types(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0;

	(void)state;
	mautic_fixture("unknown_type.json", &v, &n, &skipped);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 3);   /* one email open, two form submissions */
	assert_int_equal(v[0].kind, LQ_MAUTIC_CONTACT);
	assert_false(v[0].is_new);
	assert_int_equal(v[0].lead.score, 30);
	lq_mautic_free(&v, n);

	/* only unknown ones: nothing, all counted; a non-array counts one */
	assert_true(mautic("{\"mautic.page_on_hit\":[{},{}],\"timestamp\":\"x\","
			   "\"mautic.email_on_send\":[]}", &v, &n, &skipped, NULL, 0));
	assert_null(v);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 3);
	/* skipped may be NULL */
	assert_true(mautic("{\"x\":1}", &v, &n, NULL, NULL, 0));
	assert_true(mautic("{}", &v, &n, &skipped, NULL, 0));
	assert_int_equal(skipped, 0);
}

/* Where Mautic is loose: "lead" for "contact", fields as [], the flat
 * group "all", values as numbers, ids as text, null everywhere. */
static void test_mautic_lenient(void **state)
{
	const char *body =
		"{\"mautic.lead_post_save_update\":["
		"{\"lead\":{\"id\":\"31\",\"points\":null,\"fields\":[],\"doNotContact\":null}},"
		"{\"contact\":{\"id\":32,\"points\":\"-3\",\"fields\":{\"core\":{"
		"\"firstname\":{\"value\":null},\"lastname\":{\"value\":\"Núñez\"},"
		"\"phone\":{\"value\":\"\"},\"mobile\":{\"value\":\"+34 1\"},"
		"\"zipcode\":{\"value\":28001}},\"social\":[],"
		"\"all\":{\"email\":\"n@example.es\",\"city\":\"Sevilla\",\"company\":null}},"
		"\"doNotContact\":{\"5\":{\"channel\":\"email\"}}},\"timestamp\":null},"
		"{\"contact\":{\"id\":33,\"fields\":{\"core\":{\"firstname\":{\"value\":\"Zoë\"},"
		"\"email\":{\"value\":\"z@example.ch\"}},\"professional\":{\"position\":"
		"{\"value\":\"CFO\"}}},\"doNotContact\":[]},\"timestamp\":\"2026-01-05T09:00:00Z\"}"
		"]}";
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0;
	char err[256];

	(void)state;
	if (!mautic(body, &v, &n, &skipped, err, sizeof err))
		fail_msg("refused: %s", err);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].lead.external_id, "31");
	assert_null(v[0].lead.name);
	assert_int_equal(v[0].lead.score, 0);
	assert_false(v[0].lead.do_not_contact);
	assert_true(v[0].at == LQ_TIME_NONE);

	assert_string_equal(v[1].lead.name, "Núñez");
	assert_string_equal(v[1].lead.phone, "+34 1");
	assert_string_equal(v[1].lead.postal_code, "28001");
	assert_string_equal(v[1].lead.email, "n@example.es");
	assert_string_equal(v[1].lead.city, "Sevilla");
	assert_null(v[1].lead.company);
	assert_int_equal(v[1].lead.score, -3);
	assert_true(v[1].lead.do_not_contact);

	assert_string_equal(v[2].lead.name, "Zoë");
	assert_string_equal(v[2].lead.title, "CFO");
	assert_false(v[2].lead.do_not_contact);
	assert_true(v[2].at == T0);
	lq_mautic_free(&v, n);
}

#define MC(payload) "{\"mautic.lead_post_save_new\":[" payload "]}"
#define MP(payload) "{\"mautic.lead_points_change\":[" payload "]}"
#define MD(payload) "{\"mautic.lead_channel_subscription_changed\":[" payload "]}"
#define C1 "\"contact\":{\"id\":1}"

static void test_mautic_refusals(void **state)
{
	static const struct {
		const char *body, *reason;
	} cases[] = {
		{ "[1]", "body: expected a JSON object" },
		{ "{\"mautic.lead_post_save_new\":{}}", "mautic.lead_post_save_new: expected an array" },
		{ "{\"mautic.lead_post_delete\":null}", "mautic.lead_post_delete: expected an array" },
		{ MC("{" C1 "},7"), "mautic.lead_post_save_new[1]: expected an object" },
		{ MC("{}"), "mautic.lead_post_save_new[0].contact: required" },
		{ MC("{\"contact\":[]}"), "mautic.lead_post_save_new[0].contact: expected an object" },
		{ MC("{\"lead\":5}"), "mautic.lead_post_save_new[0].contact: expected an object" },
		{ MC("{\"contact\":{}}"), "mautic.lead_post_save_new[0].contact.id: required" },
		{ MC("{\"contact\":{\"id\":0}}"),
		  "mautic.lead_post_save_new[0].contact.id: expected the contact's id" },
		{ MC("{\"contact\":{\"id\":\"12a\"}}"),
		  "mautic.lead_post_save_new[0].contact.id: expected the contact's id" },
		{ MC("{\"contact\":{\"id\":1.5}}"),
		  "mautic.lead_post_save_new[0].contact.id: expected the contact's id" },
		{ "{\"mautic.lead_post_delete\":[{\"id\":true}]}",
		  "mautic.lead_post_delete[0].id: expected the contact's id" },
		{ "{\"mautic.lead_post_delete\":[{}]}", "mautic.lead_post_delete[0].contact.id: required" },
		{ MC("{\"contact\":{\"id\":1,\"fields\":\"x\"}}"),
		  "mautic.lead_post_save_new[0].contact.fields: expected an object" },
		{ MC("{\"contact\":{\"id\":1,\"fields\":{\"core\":{\"email\":{\"value\":true}}}}}"),
		  "mautic.lead_post_save_new[0].contact.fields.core.email.value: expected a string" },
		{ MC("{\"contact\":{\"id\":1,\"fields\":{\"perso\\nnal\":{\"city\":[1]}}}}"),
		  "mautic.lead_post_save_new[0].contact.fields.perso?nal.city.value: expected a string" },
		{ MC("{\"contact\":{\"id\":1,\"points\":\"many\"}}"),
		  "mautic.lead_post_save_new[0].contact.points: expected a whole number" },
		{ MC("{\"contact\":{\"id\":1,\"points\":12345678901}}"),
		  "mautic.lead_post_save_new[0].contact.points: expected a whole number" },
		{ MC("{\"contact\":{\"id\":1,\"doNotContact\":\"email\"}}"),
		  "mautic.lead_post_save_new[0].contact.doNotContact: expected an array" },
		{ MC("{" C1 ",\"timestamp\":\"yesterday\"}"),
		  "mautic.lead_post_save_new[0].timestamp: expected a date and time" },
		{ MC("{" C1 ",\"timestamp\":\"2026-02-30 10:00:00\"}"),
		  "mautic.lead_post_save_new[0].timestamp: expected a date and time" },
		{ MC("{" C1 ",\"timestamp\":\"2026-01-05 24:00:00\"}"),
		  "mautic.lead_post_save_new[0].timestamp: expected a date and time" },
		{ MC("{" C1 ",\"timestamp\":1767603600}"),
		  "mautic.lead_post_save_new[0].timestamp: expected a date and time" },
		{ MP("{" C1 "}"), "mautic.lead_points_change[0].points: required" },
		{ MP("{" C1 ",\"points\":3}"), "mautic.lead_points_change[0].points: expected an object" },
		{ MP("{" C1 ",\"points\":{\"old_points\":1}}"),
		  "mautic.lead_points_change[0].points.new_points: required" },
		{ MP("{" C1 ",\"points\":{\"new_points\":\"1x\"}}"),
		  "mautic.lead_points_change[0].points.new_points: expected a whole number" },
		{ MP("{" C1 ",\"points\":{\"new_points\":1,\"old_points\":[]}}"),
		  "mautic.lead_points_change[0].points.old_points: expected a whole number" },
		{ MD("{" C1 "}"), "mautic.lead_channel_subscription_changed[0].new_status: required" },
		{ MD("{" C1 ",\"new_status\":0}"),
		  "mautic.lead_channel_subscription_changed[0].new_status: expected a string" },
		{ MD("{" C1 ",\"new_status\":\"manual\",\"channel\":1}"),
		  "mautic.lead_channel_subscription_changed[0].channel: expected a string" },
		{ MD("{" C1 ",\"new_status\":\"manual\",\"channel\":\"a-very-long-channel\"}"),
		  "mautic.lead_channel_subscription_changed[0].channel: longer than 15 bytes" },
		{ "{\"mautic.lead_post_save_new\":[{\"contact\":{\"id\":\"\xff\"}}]}", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].reason) {
			mautic_refused(cases[i].body, cases[i].reason);
		} else {
			struct lq_mautic_item *v = NULL;
			size_t n, skipped;
			char err[256];

			assert_false(mautic(cases[i].body, &v, &n, &skipped, err, sizeof err));
			assert_int_equal(strncmp(err, "body: offset ", 13), 0);
		}
	}
}

static void test_mautic_small_cases(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0;
	char err[256];

	(void)state;
	/* a DNC item: no channel is ""; manual is not contactable */
	assert_true(mautic(MD("{" C1 ",\"new_status\":\"manual\"}"), &v, &n, &skipped, err,
			   sizeof err));
	assert_string_equal(v[0].channel, "");
	assert_true(v[0].dnc);
	lq_mautic_free(&v, n);
	assert_true(mautic(MD("{" C1 ",\"new_status\":\"contactable\",\"channel\":\"sms\"}"), &v,
			   &n, &skipped, err, sizeof err));
	assert_false(v[0].dnc);
	assert_string_equal(v[0].channel, "sms");
	lq_mautic_free(&v, n);
	/* points: contact.points is the score when given; old_points may be absent */
	assert_true(mautic(MP("{\"contact\":{\"id\":1,\"points\":7},\"points\":{\"new_points\":9}}"),
			   &v, &n, &skipped, err, sizeof err));
	assert_int_equal(v[0].lead.score, 7);
	assert_int_equal(v[0].old_points, 0);
	assert_int_equal(v[0].new_points, 9);
	lq_mautic_free(&v, n);
	/* times with an offset, and the first name alone */
	assert_true(mautic(MC("{\"contact\":{\"id\":9,\"fields\":{\"core\":{\"firstname\":"
			      "{\"value\":\"José\"}}}},\"timestamp\":\"2026-01-05T10:00:00+01:00\"}"),
			   &v, &n, &skipped, err, sizeof err));
	assert_string_equal(v[0].lead.name, "José");
	assert_true(v[0].at == T0);
	lq_mautic_free(&v, n);
	/* field strings are bounded too */
	{
		char body[2048];
		int len = snprintf(body, sizeof body, "%s",
				   MC("{\"contact\":{\"id\":9,\"fields\":{\"core\":{\"city\":{\"value\":\""));

		memset(body + len, 'c', 1025);
		snprintf(body + len + 1025, sizeof body - (size_t)len - 1025, "\"}}}}}]}");
		mautic_refused(body,
			       "mautic.lead_post_save_new[0].contact.fields.core.city.value: longer than 1024 bytes");
	}
}

static void test_mautic_bounds(void **state)
{
	size_t cap = 256 + 12 * (LQ_INTAKE_MAX + 2);
	char *body = malloc(cap);
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0, used, i;

	(void)state;
	assert_non_null(body);
	used = (size_t)snprintf(body, cap, "{\"mautic.lead_post_delete\":[");
	for (i = 0; i < LQ_INTAKE_MAX - 1; i++)
		used += (size_t)snprintf(body + used, cap - used, "%s{\"id\":%zu}", i ? "," : "",
					 i + 1);
	snprintf(body + used, cap - used, "],\"mautic.page_on_hit\":[{}]}");
	assert_true(mautic(body, &v, &n, &skipped, NULL, 0));
	assert_int_equal(n, LQ_INTAKE_MAX - 1);
	assert_int_equal(skipped, 1);
	assert_string_equal(v[LQ_INTAKE_MAX - 2].lead.external_id, "4999");
	lq_mautic_free(&v, n);
	/* one more, even a skipped one, is too many */
	snprintf(body + used, cap - used, "],\"mautic.page_on_hit\":[{},{}]}");
	mautic_refused(body, "body: more than 5000 items");
	free(body);
}

static void test_mautic_alloc_failures(void **state)
{
	struct lq_mautic_item *v = NULL;
	size_t n = 0, skipped = 0, len;
	char *body = fixture("batch.json", &len);
	char err[256];
	long k;

	(void)state;
	json_set_alloc_funcs(lq_malloc, lq_free);
	for (k = 0;; k++) {
		bool ok;

		lq_mem_fail_after(k);
		ok = lq_mautic_from_text(body, len, &v, &n, &skipped, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok)
			break;
		assert_null(v);
		assert_int_equal(n, 0);
		oom_reason(k, err);
	}
	assert_true(k > 100);
	assert_int_equal(n, 5);
	lq_mautic_free(&v, n);
	json_set_alloc_funcs(malloc, free);
	free(body);
}

/* --- signatures ---------------------------------------------------------- */

static void test_hmac_hex(void **state)
{
	char out[LQ_HMAC_HEX_SIZE];
	char key[101];

	(void)state;
	/* RFC 4231, test case 2 */
	memset(out, '#', sizeof out);
	lq_hmac_sha256_hex("Jefe", "what do ya want for nothing?", 28, out);
	assert_string_equal(out, "sha256="
			    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	assert_int_equal(strlen(out), LQ_HMAC_HEX_SIZE - 1);
	/* empty key and body (NULL secret is the empty one) */
	lq_hmac_sha256_hex("", NULL, 0, out);
	assert_string_equal(out, "sha256="
			    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	lq_hmac_sha256_hex(NULL, "", 0, out);
	assert_string_equal(out, "sha256="
			    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	/* a key longer than the block is hashed first */
	memset(key, 'k', 100);
	key[100] = '\0';
	lq_hmac_sha256_hex(key, "x", 1, out);
	assert_string_equal(out, "sha256="
			    "8c1858bff6cf9cb73708b4b54f43bca6e1b8b4c3380760dc009001b265b64c6f");
}

static void test_hmac_verify_base64(void **state)
{
	static const char body[] =
		"{\"mautic.lead_post_delete\":[{\"id\":48,\"timestamp\":\"2026-01-06T09:00:00+00:00\"}]}";
	static const char sig[] = "0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gk=";
	static const char *const malformed[] = {
		"",
		"0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gk",    /* no padding */
		"0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gk= ",  /* text after */
		" 0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gk=",
		"0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8g==",   /* 31 bytes */
		"0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gkA",   /* 33 bytes */
		"0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gk=0u7W",
		"0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8g!=",
		"0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gk_",   /* URL-safe alphabet */
		"sha256=d2eed6ef053045d30d1e022a00552fc313c762d700b863ef7d00e907dadbf209",
	};
	char long_sig[300];
	size_t i;

	(void)state;
	assert_true(lq_hmac_verify_base64("mautic-secret", body, sizeof body - 1, sig));
	assert_true(lq_hmac_verify_base64("Jefe", "what do ya want for nothing?", 28,
					  "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="));
	/* false: another secret, another body, one bit off */
	assert_false(lq_hmac_verify_base64("mautic-secreT", body, sizeof body - 1, sig));
	assert_false(lq_hmac_verify_base64("mautic-secret", body, sizeof body - 2, sig));
	assert_false(lq_hmac_verify_base64("mautic-secret", body, sizeof body - 1,
					    "0u7W7wUwRdMNHgIqAFUvwxPHYtcAuGPvfQDpB9rb8gg="));
	assert_false(lq_hmac_verify_base64("Jefe", "what do ya want for nothing?", 28,
					   "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEN="));
	/* malformed */
	for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
		if (lq_hmac_verify_base64("mautic-secret", body, sizeof body - 1, malformed[i]))
			fail_msg("accepted '%s'", malformed[i]);
	memset(long_sig, 'A', sizeof long_sig - 1);
	long_sig[sizeof long_sig - 1] = '\0';
	assert_false(lq_hmac_verify_base64("mautic-secret", body, sizeof body - 1, long_sig));
	/* NULL signature; a NULL secret accepts nothing */
	assert_false(lq_hmac_verify_base64("mautic-secret", body, sizeof body - 1, NULL));
	assert_false(lq_hmac_verify_base64(NULL, body, sizeof body - 1, sig));
	assert_false(lq_hmac_verify_base64(NULL, "", 0,
					   "thNnmggU2ex3L5XXeMNfxf8Wl8STcVZTxscSFEKSxa0="));
	/* the empty secret is a secret like another */
	assert_true(lq_hmac_verify_base64("", "", 0, "thNnmggU2ex3L5XXeMNfxf8Wl8STcVZTxscSFEKSxa0="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_every_type),
		cmocka_unit_test(test_events_minimal),
		cmocka_unit_test(test_events_len_bounds),
		cmocka_unit_test(test_events_refusals),
		cmocka_unit_test(test_events_bad_text),
		cmocka_unit_test(test_events_bounds),
		cmocka_unit_test(test_events_alloc_failures),
		cmocka_unit_test(test_mautic_new_contact),
		cmocka_unit_test(test_mautic_update),
		cmocka_unit_test(test_mautic_points),
		cmocka_unit_test(test_mautic_delete),
		cmocka_unit_test(test_mautic_dnc),
		cmocka_unit_test(test_mautic_batch),
		cmocka_unit_test(test_mautic_unknown_types),
		cmocka_unit_test(test_mautic_lenient),
		cmocka_unit_test(test_mautic_refusals),
		cmocka_unit_test(test_mautic_small_cases),
		cmocka_unit_test(test_mautic_bounds),
		cmocka_unit_test(test_mautic_alloc_failures),
		cmocka_unit_test(test_hmac_hex),
		cmocka_unit_test(test_hmac_verify_base64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
