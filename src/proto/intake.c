/* leadq — marketing's intake: POST /events, Mautic's webhooks, and the
 * HMAC signatures of webhooks (leadq/intake.h).
 *
 * Bodies come from outside, so everything is checked: jansson refuses text
 * that is not JSON or not UTF-8 (and \u0000, and keys given twice); here
 * each field is checked for type and length, and the first fault refuses
 * the whole body with a reason naming the item and the field.  Strict on
 * structure, lenient where Mautic itself is loose (numbers as strings,
 * null values, an empty array for "no fields"). */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "leadq/intake.h"
#include "leadq/mem.h"
#include "leadq/time.h"
#include "leadq/uuid.h"

#define STR_MAX 1024        /* names, emails, subjects, campaigns */
#define URL_MAX 4096
#define DETAIL_MAX 8192     /* a form's fields joined */
#define DURATION_MAX 86400
#define POINTS_MAX 1000000000
#define SHOW_MAX 40         /* bytes of input quoted in a reason */

/* --- reasons ------------------------------------------------------------ */

static bool fail(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (err && errsize) {
		va_start(ap, fmt);
		vsnprintf(err, errsize, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Input quoted in a reason: at most SHOW_MAX bytes cut on a character
 * boundary, control characters as '?', so the reason stays one line of
 * valid UTF-8 (the server sends it back inside JSON). */
static const char *show(const char *s, char out[SHOW_MAX + 4])
{
	size_t i = 0, o = 0;

	while (s[i]) {
		unsigned char c = (unsigned char)s[i];
		size_t clen = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		size_t k;

		if (o + clen > SHOW_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		for (k = 0; k < clen && s[i + k]; k++)
			out[o++] = (k == 0 && c < 0x20) || c == 0x7f ? '?' : s[i + k];
		i += k;
	}
	out[o] = '\0';
	return out;
}

/* jansson's own messages may quote the offending bytes: keep ASCII only. */
static void ascii_only(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

static bool no_memory(char *err, size_t errsize)
{
	return fail(err, errsize, "out of memory");
}

/* --- reading fields ------------------------------------------------------ */

/* The body: one JSON object. */
static json_t *load(const char *text, size_t len, const char *what, char *err, size_t errsize)
{
	json_error_t je;
	json_t *root;

	if (!text) {
		fail(err, errsize, "%s: no body", what);
		return NULL;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		/* jansson leaves the text empty when its reader could not
		 * even start (no memory) */
		if (json_error_code(&je) == json_error_out_of_memory || !je.text[0]) {
			no_memory(err, errsize);
			return NULL;
		}
		ascii_only(je.text);
		fail(err, errsize, "%s: offset %d: %s", what, je.position, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		fail(err, errsize, "%s: expected a JSON object", what);
		return NULL;
	}
	return root;
}

/* A member that is absent or null is "not there". */
static const json_t *member(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return v && !json_is_null(v) ? v : NULL;
}

/* An optional string member into *out (a copy; an empty string is kept
 * as NULL).  required: absence and "" are refused. */
static bool get_str(const json_t *o, const char *key, size_t max, bool required, char **out,
		    const char *path, char *err, size_t errsize)
{
	const json_t *v = member(o, key);
	size_t len;

	if (!v) {
		if (required)
			return fail(err, errsize, "%s.%s: required", path, key);
		return true;
	}
	if (!json_is_string(v))
		return fail(err, errsize, "%s.%s: expected a string", path, key);
	len = json_string_length(v);
	if (len > max)
		return fail(err, errsize, "%s.%s: longer than %zu bytes", path, key, max);
	if (len == 0) {
		if (required)
			return fail(err, errsize, "%s.%s: must not be empty", path, key);
		return true;
	}
	if (!lq_lead_set_str(out, json_string_value(v)))
		return no_memory(err, errsize);
	return true;
}

/* A whole number lo..hi; Mautic's loose ones may come as decimal text. */
static bool parse_int_text(const char *s, long long lo, long long hi, long long *out)
{
	long long v = 0;
	bool neg = false;
	size_t i = 0;

	if (s[i] == '-' || s[i] == '+')
		neg = s[i++] == '-';
	if (!s[i])
		return false;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (LLONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	v = neg ? -v : v;
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool int_value(const json_t *v, bool text_too, long long lo, long long hi, long long *out)
{
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < lo || i > hi)
			return false;
		*out = i;
		return true;
	}
	if (text_too && json_is_string(v) && json_string_length(v) <= 24)
		return parse_int_text(json_string_value(v), lo, hi, out);
	return false;
}

/* --- POST /events -------------------------------------------------------- */

/* Where each type puts what (leadq/intake.h). */
struct event_shape {
	const char *subject_key;   /* the member that becomes the subject */
	bool subject_required;
	size_t subject_max;
	bool has_duration;
};

static const struct event_shape *event_shape(enum lq_activity_kind k)
{
	static const struct event_shape shapes[] = {
		[LQ_ACT_PAGE_VIEW] = { "url", true, URL_MAX, true },
		[LQ_ACT_EMAIL_OPEN] = { "subject", false, STR_MAX, false },
		[LQ_ACT_EMAIL_CLICK] = { "url", false, URL_MAX, false },
		[LQ_ACT_FORM_SUBMIT] = { "form", true, STR_MAX, false },
		[LQ_ACT_DOWNLOAD] = { "asset", true, STR_MAX, false },
		[LQ_ACT_WEBINAR] = { "name", true, STR_MAX, true },
	};

	return (size_t)k < sizeof shapes / sizeof shapes[0] ? &shapes[k] : NULL;
}

/* One value of a form's fields as text. */
static bool form_value(const json_t *v, char *buf, size_t size)
{
	if (json_is_string(v)) {
		snprintf(buf, size, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		double d = json_real_value(v);

		/* the shortest text that reads back the same */
		snprintf(buf, size, "%.15g", d);
		if (strtod(buf, NULL) != d)
			snprintf(buf, size, "%.17g", d);
	} else if (json_is_boolean(v)) {
		snprintf(buf, size, "%s", json_is_true(v) ? "true" : "false");
	} else {
		return false;
	}
	return true;
}

/* form_submit's fields {name: value} as "name=value; name=value", in the
 * order sent (jansson keeps it). */
static bool form_fields(const json_t *fields, char **detail, const char *path, char *err,
			size_t errsize)
{
	char buf[DETAIL_MAX + 1];
	char value[STR_MAX + 1];
	char shown[SHOW_MAX + 4];
	const char *name;
	json_t *v;
	size_t used = 0;

	if (!json_is_object(fields))
		return fail(err, errsize, "%s.fields: expected an object", path);
	buf[0] = '\0';
	json_object_foreach((json_t *)fields, name, v) {
		int wrote;

		if (json_is_string(v) && json_string_length(v) > STR_MAX)
			return fail(err, errsize, "%s.fields.%s: longer than %d bytes", path,
				    show(name, shown), STR_MAX);
		if (!form_value(v, value, sizeof value))
			return fail(err, errsize, "%s.fields.%s: expected a string, number or boolean",
				    path, show(name, shown));
		wrote = snprintf(buf + used, sizeof buf - used, "%s%s=%s", used ? "; " : "", name,
				 value);
		if (wrote < 0 || (size_t)wrote >= sizeof buf - used)
			return fail(err, errsize, "%s.fields: longer than %d bytes", path, DETAIL_MAX);
		used += (size_t)wrote;
	}
	if (used && !lq_lead_set_str(detail, buf))
		return no_memory(err, errsize);
	return true;
}

static bool decode_event(const json_t *e, size_t i, struct lq_event_in *ev, char *err,
			 size_t errsize)
{
	struct lq_activity *a = &ev->act;
	const struct event_shape *shape;
	const json_t *v;
	char path[32], shown[SHOW_MAX + 4];
	int kind;

	snprintf(path, sizeof path, "events[%zu]", i);
	if (!json_is_object(e))
		return fail(err, errsize, "%s: expected an object", path);

	v = member(e, "id");
	if (v) {
		size_t k;

		if (!json_is_string(v) || !lq_uuid_valid(json_string_value(v)))
			return fail(err, errsize, "%s.id: expected a UUID", path);
		/* one spelling, so that a replay in capitals is the same id */
		for (k = 0; k < LQ_UUID_STRLEN; k++) {
			char c = json_string_value(v)[k];

			a->id[k] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
		}
		a->id[LQ_UUID_STRLEN] = '\0';
		ev->has_id = true;
	}

	v = member(e, "type");
	if (!v)
		return fail(err, errsize, "%s.type: required", path);
	if (!json_is_string(v))
		return fail(err, errsize, "%s.type: expected a string", path);
	kind = lq_activity_parse(json_string_value(v));
	shape = kind >= 0 ? event_shape((enum lq_activity_kind)kind) : NULL;
	if (!shape || !shape->subject_key)
		return fail(err, errsize, "%s.type: unknown event type '%s'", path,
			    show(json_string_value(v), shown));
	a->kind = (enum lq_activity_kind)kind;

	v = member(e, "at");
	if (!v)
		return fail(err, errsize, "%s.at: required", path);
	if (!json_is_string(v) || !lq_time_parse(json_string_value(v), &a->at))
		return fail(err, errsize, "%s.at: expected an RFC 3339 time", path);

	if (!get_str(e, "external_id", STR_MAX, false, &ev->external_id, path, err, errsize) ||
	    !get_str(e, "email", STR_MAX, false, &ev->email, path, err, errsize))
		return false;
	if (!ev->external_id && !ev->email)
		return fail(err, errsize, "%s: external_id or email is required", path);

	if (!get_str(e, shape->subject_key, shape->subject_max, shape->subject_required,
		     &a->subject, path, err, errsize) ||
	    !get_str(e, "campaign", STR_MAX, false, &a->campaign, path, err, errsize))
		return false;

	switch (a->kind) {
	case LQ_ACT_PAGE_VIEW:
		if (!get_str(e, "title", STR_MAX, false, &a->detail, path, err, errsize))
			return false;
		break;
	case LQ_ACT_EMAIL_CLICK:
		/* the link is the subject; the email's subject, when both are
		 * given, is kept as the detail (the subject when no link) */
		if (!get_str(e, "subject", STR_MAX, false, a->subject ? &a->detail : &a->subject,
			     path, err, errsize))
			return false;
		break;
	case LQ_ACT_FORM_SUBMIT:
		v = member(e, "fields");
		if (v && !form_fields(v, &a->detail, path, err, errsize))
			return false;
		break;
	case LQ_ACT_DOWNLOAD:
		/* where the asset was fetched from, as the detail */
		if (!get_str(e, "url", URL_MAX, false, &a->detail, path, err, errsize))
			return false;
		break;
	default:
		break;
	}

	v = member(e, "duration_s");
	if (v && shape->has_duration) {
		long long d;

		if (!int_value(v, false, 0, DURATION_MAX, &d))
			return fail(err, errsize, "%s.duration_s: expected a whole number 0..%d", path,
				    DURATION_MAX);
		a->duration_s = (int)d;
	}

	if (!lq_lead_set_str(&a->actor, "marketing"))
		return no_memory(err, errsize);
	a->outcome = -1;
	return true;
}

bool lq_events_from_text(const char *text, size_t len, struct lq_event_in **out, size_t *n,
			 char *err, size_t errsize)
{
	struct lq_event_in *v = NULL;
	const json_t *events;
	json_t *root;
	size_t count = 0, i;

	*out = NULL;
	*n = 0;
	root = load(text, len, "body", err, errsize);
	if (!root)
		return false;
	events = member(root, "events");
	if (!events) {
		fail(err, errsize, "events: required");
		goto fail;
	}
	if (!json_is_array(events)) {
		fail(err, errsize, "events: expected an array");
		goto fail;
	}
	count = json_array_size(events);
	if (count > LQ_INTAKE_MAX) {
		fail(err, errsize, "events: %zu events; at most %d in one body", count,
		     LQ_INTAKE_MAX);
		goto fail;
	}
	if (count) {
		v = lq_calloc(count, sizeof *v);
		if (!v) {
			no_memory(err, errsize);
			goto fail;
		}
	}
	for (i = 0; i < count; i++)
		lq_activity_init(&v[i].act);
	for (i = 0; i < count; i++)
		if (!decode_event(json_array_get(events, i), i, &v[i], err, errsize))
			goto fail;
	json_decref(root);
	*out = v;
	*n = count;
	return true;
fail:
	lq_events_free(&v, v ? count : 0);
	json_decref(root);
	return false;
}

void lq_events_free(struct lq_event_in **v, size_t n)
{
	size_t i;

	if (!v || !*v)
		return;
	for (i = 0; i < n; i++) {
		lq_free((*v)[i].external_id);
		lq_free((*v)[i].email);
		lq_activity_clear(&(*v)[i].act);
	}
	lq_free(*v);
	*v = NULL;
}

/* --- POST /hooks/mautic -------------------------------------------------- */

static const struct mautic_type {
	const char *name;
	enum lq_mautic_kind kind;
	bool is_new;
} mautic_types[] = {
	{ "mautic.lead_post_save_new", LQ_MAUTIC_CONTACT, true },
	{ "mautic.lead_post_save_update", LQ_MAUTIC_CONTACT, false },
	{ "mautic.lead_points_change", LQ_MAUTIC_POINTS, false },
	{ "mautic.lead_post_delete", LQ_MAUTIC_DELETE, false },
	{ "mautic.lead_channel_subscription_changed", LQ_MAUTIC_DNC, false },
};

static const struct mautic_type *mautic_type(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof mautic_types / sizeof mautic_types[0]; i++)
		if (strcmp(mautic_types[i].name, name) == 0)
			return &mautic_types[i];
	return NULL;
}

/* "timestamp": RFC 3339 (PHP's date('c')), or "YYYY-MM-DD HH:MM:SS" UTC as
 * Mautic's database writes it. */
static bool mautic_time(const char *s, lq_time *out)
{
	struct lq_civil c;
	int i;

	if (lq_time_parse(s, out))
		return true;
	if (strlen(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
	    s[16] != ':')
		return false;
	for (i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return false;
	memset(&c, 0, sizeof c);
	c.year = atoi(s);
	c.month = atoi(s + 5);
	c.day = atoi(s + 8);
	c.hour = atoi(s + 11);
	c.minute = atoi(s + 14);
	c.second = atoi(s + 17);
	if (c.month < 1 || c.month > 12 || c.day < 1 || c.hour > 23 || c.minute > 59 ||
	    c.second > 60)
		return false;
	/* the day must exist in its month */
	{
		int y, m, d;

		lq_civil_from_days(lq_days_from_civil(c.year, c.month, c.day), &y, &m, &d);
		if (y != c.year || m != c.month || d != c.day)
			return false;
	}
	*out = lq_time_from_civil(&c, 0);
	return true;
}

/* The contact's id (an integer, or digits as text) as decimal text. */
static bool contact_id(const json_t *v, char buf[24])
{
	long long id;

	if (!int_value(v, true, 1, LLONG_MAX, &id))
		return false;
	snprintf(buf, 24, "%lld", id);
	return true;
}

/* contact.fields.GROUP.ALIAS: the core group first, then the others (an
 * alias is unique across groups).  A group or the whole of fields may be
 * an empty array (PHP's empty map).  The entry is {..., "value": …}, or
 * the value itself. */
static const json_t *field_entry(const json_t *fields, const char *alias, const char **group)
{
	const json_t *core = json_object_get(fields, "core");
	const json_t *entry = json_is_object(core) ? json_object_get(core, alias) : NULL;
	const char *key;
	json_t *g;

	*group = "core";
	if (entry)
		return entry;
	json_object_foreach((json_t *)fields, key, g) {
		if (!json_is_object(g) || strcmp(key, "core") == 0)
			continue;
		entry = json_object_get(g, alias);
		if (entry) {
			*group = key;
			return entry;
		}
	}
	return NULL;
}

/* One contact field as text into *out: strings as given, numbers as their
 * decimal text, null and "" as absent. */
static bool contact_field(const json_t *fields, const char *alias, char **out, const char *path,
			  char *err, size_t errsize)
{
	char buf[64], shown[SHOW_MAX + 4];
	const char *group;
	const json_t *v;

	if (!fields)
		return true;
	v = field_entry(fields, alias, &group);
	if (json_is_object(v))
		v = json_object_get(v, "value");
	if (!v || json_is_null(v))
		return true;
	if (json_is_string(v)) {
		if (json_string_length(v) > STR_MAX)
			return fail(err, errsize, "%s.contact.fields.%s.%s.value: longer than %d bytes",
				    path, show(group, shown), alias, STR_MAX);
		if (json_string_length(v) == 0)
			return true;
		if (!lq_lead_set_str(out, json_string_value(v)))
			return no_memory(err, errsize);
		return true;
	}
	if (json_is_integer(v) || json_is_real(v)) {
		form_value(v, buf, sizeof buf);
		if (!lq_lead_set_str(out, buf))
			return no_memory(err, errsize);
		return true;
	}
	return fail(err, errsize, "%s.contact.fields.%s.%s.value: expected a string", path,
		    show(group, shown), alias);
}

/* The lead's fields from the contact (leadq/intake.h). */
static bool contact_fields(const json_t *contact, struct lq_lead *l, const char *path,
			   char *err, size_t errsize)
{
	static const struct {
		const char *alias;
		size_t offset;
	} direct[] = {
		{ "email", offsetof(struct lq_lead, email) },
		{ "company", offsetof(struct lq_lead, company) },
		{ "position", offsetof(struct lq_lead, title) },
		{ "phone", offsetof(struct lq_lead, phone) },
		{ "mobile", offsetof(struct lq_lead, phone) },   /* when no phone */
		{ "city", offsetof(struct lq_lead, city) },
		{ "state", offsetof(struct lq_lead, region) },
		{ "country", offsetof(struct lq_lead, country) },
		{ "zipcode", offsetof(struct lq_lead, postal_code) },
	};
	const json_t *fields = member(contact, "fields");
	char *first = NULL, *last = NULL;
	size_t i;
	bool ok = true;

	if (fields && json_is_array(fields))
		fields = NULL;   /* Mautic's "no fields" */
	if (fields && !json_is_object(fields))
		return fail(err, errsize, "%s.contact.fields: expected an object", path);
	for (i = 0; i < sizeof direct / sizeof direct[0]; i++) {
		char **field = (char **)((char *)l + direct[i].offset);

		if (*field)
			continue;   /* mobile after phone */
		if (!contact_field(fields, direct[i].alias, field, path, err, errsize))
			return false;
	}
	if (!contact_field(fields, "firstname", &first, path, err, errsize) ||
	    !contact_field(fields, "lastname", &last, path, err, errsize)) {
		ok = false;
	} else if (first || last) {
		char name[2 * STR_MAX + 2];

		snprintf(name, sizeof name, "%s%s%s", first ? first : "", first && last ? " " : "",
			 last ? last : "");
		if (!lq_lead_set_str(&l->name, name))
			ok = no_memory(err, errsize);
	}
	lq_free(first);
	lq_free(last);
	return ok;
}

static bool decode_mautic(const json_t *p, const struct mautic_type *type, size_t i,
			  struct lq_mautic_item *it, char *err, size_t errsize)
{
	const json_t *contact, *v;
	char path[64], id[24];
	long long num;

	snprintf(path, sizeof path, "%s[%zu]", type->name, i);
	it->kind = type->kind;
	it->is_new = type->is_new;
	if (!json_is_object(p))
		return fail(err, errsize, "%s: expected an object", path);

	contact = member(p, "contact");
	if (!contact)
		contact = member(p, "lead");   /* older Mautic */
	if (contact && !json_is_object(contact))
		return fail(err, errsize, "%s.contact: expected an object", path);
	if (!contact && type->kind != LQ_MAUTIC_DELETE)
		return fail(err, errsize, "%s.contact: required", path);

	/* A deleted contact's id is the payload's (the contact's own is null). */
	v = type->kind == LQ_MAUTIC_DELETE ? member(p, "id") : NULL;
	if (v) {
		if (!contact_id(v, id))
			return fail(err, errsize, "%s.id: expected the contact's id", path);
	} else {
		v = contact ? member(contact, "id") : NULL;
		if (!v)
			return fail(err, errsize, "%s.contact.id: required", path);
		if (!contact_id(v, id))
			return fail(err, errsize, "%s.contact.id: expected the contact's id", path);
	}
	if (!lq_lead_set_str(&it->lead.external_id, id))
		return no_memory(err, errsize);

	if (contact) {
		if (!contact_fields(contact, &it->lead, path, err, errsize))
			return false;
		v = member(contact, "points");
		if (v) {
			if (!int_value(v, true, -POINTS_MAX, POINTS_MAX, &num))
				return fail(err, errsize, "%s.contact.points: expected a whole number",
					    path);
			it->lead.score = (int)num;
		}
		v = member(contact, "doNotContact");
		if (v && !json_is_array(v) && !json_is_object(v))
			return fail(err, errsize, "%s.contact.doNotContact: expected an array", path);
		it->lead.do_not_contact = v && (json_is_array(v) ? json_array_size(v) > 0 :
						json_object_size(v) > 0);
	}

	v = member(p, "timestamp");
	if (v && (!json_is_string(v) || !mautic_time(json_string_value(v), &it->at)))
		return fail(err, errsize, "%s.timestamp: expected a date and time", path);

	if (type->kind == LQ_MAUTIC_POINTS) {
		const json_t *points = member(p, "points");

		if (!points)
			return fail(err, errsize, "%s.points: required", path);
		if (!json_is_object(points))
			return fail(err, errsize, "%s.points: expected an object", path);
		v = member(points, "new_points");
		if (!v)
			return fail(err, errsize, "%s.points.new_points: required", path);
		if (!int_value(v, true, -POINTS_MAX, POINTS_MAX, &num))
			return fail(err, errsize, "%s.points.new_points: expected a whole number",
				    path);
		it->new_points = (int)num;
		v = member(points, "old_points");
		if (v) {
			if (!int_value(v, true, -POINTS_MAX, POINTS_MAX, &num))
				return fail(err, errsize,
					    "%s.points.old_points: expected a whole number", path);
			it->old_points = (int)num;
		}
		if (!member(contact, "points"))
			it->lead.score = it->new_points;
	}

	if (type->kind == LQ_MAUTIC_DNC) {
		v = member(p, "channel");
		if (v) {
			if (!json_is_string(v))
				return fail(err, errsize, "%s.channel: expected a string", path);
			if (json_string_length(v) >= sizeof it->channel)
				return fail(err, errsize, "%s.channel: longer than %zu bytes", path,
					    sizeof it->channel - 1);
			memcpy(it->channel, json_string_value(v), json_string_length(v) + 1);
		}
		v = member(p, "new_status");
		if (!v)
			return fail(err, errsize, "%s.new_status: required", path);
		if (!json_is_string(v))
			return fail(err, errsize, "%s.new_status: expected a string", path);
		it->dnc = strcmp(json_string_value(v), "contactable") != 0;
	}
	return true;
}

bool lq_mautic_from_text(const char *text, size_t len, struct lq_mautic_item **out, size_t *n,
			 size_t *skipped, char *err, size_t errsize)
{
	struct lq_mautic_item *v = NULL;
	size_t count = 0, other = 0, done = 0, i;
	const char *key;
	json_t *root, *payloads;

	*out = NULL;
	*n = 0;
	if (skipped)
		*skipped = 0;
	root = load(text, len, "body", err, errsize);
	if (!root)
		return false;

	/* First the shape and the count, so that one array holds all. */
	json_object_foreach(root, key, payloads) {
		const struct mautic_type *type = mautic_type(key);

		if (!type) {
			other += json_is_array(payloads) ? json_array_size(payloads) : 1;
		} else if (!json_is_array(payloads)) {
			fail(err, errsize, "%s: expected an array", type->name);
			goto fail;
		} else {
			count += json_array_size(payloads);
		}
		if (count + other > LQ_INTAKE_MAX) {
			fail(err, errsize, "body: more than %d items", LQ_INTAKE_MAX);
			goto fail;
		}
	}
	if (count) {
		v = lq_calloc(count, sizeof *v);
		if (!v) {
			no_memory(err, errsize);
			goto fail;
		}
	}
	for (i = 0; i < count; i++) {
		lq_lead_init(&v[i].lead);
		v[i].at = LQ_TIME_NONE;
	}
	json_object_foreach(root, key, payloads) {
		const struct mautic_type *type = mautic_type(key);

		if (!type)
			continue;
		for (i = 0; i < json_array_size(payloads); i++)
			if (!decode_mautic(json_array_get(payloads, i), type, i, &v[done++], err,
					   errsize))
				goto fail;
	}
	json_decref(root);
	*out = v;
	*n = count;
	if (skipped)
		*skipped = other;
	return true;
fail:
	lq_mautic_free(&v, v ? count : 0);
	json_decref(root);
	return false;
}

void lq_mautic_free(struct lq_mautic_item **v, size_t n)
{
	size_t i;

	if (!v || !*v)
		return;
	for (i = 0; i < n; i++)
		lq_lead_clear(&(*v)[i].lead);
	lq_free(*v);
	*v = NULL;
}

/* --- signatures ---------------------------------------------------------- */

static void hmac_sha256(const char *secret, const void *body, size_t len,
			unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;

	if (!secret)
		secret = "";
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	if (len)
		crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
}

void lq_hmac_sha256_hex(const char *secret, const void *body, size_t len,
			char out[LQ_HMAC_HEX_SIZE])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	hmac_sha256(secret, body, len, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, LQ_HMAC_HEX_SIZE - 7, mac, sizeof mac);
}

/* Mautic: base64 (with padding) of the 32 bytes; anything else is false.
 * A NULL secret is false too: no secret configured accepts nothing. */
bool lq_hmac_verify_base64(const char *secret, const void *body, size_t len,
			   const char *signature)
{
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	const char *end = NULL;
	size_t sig_len, got_len = 0;

	if (!secret || !signature)
		return false;
	sig_len = strnlen(signature, 128);
	if (sig_len == 0 || sig_len >= 128)
		return false;
	if (sodium_base642bin(got, sizeof got, signature, sig_len, NULL, &got_len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != signature + sig_len || got_len != sizeof got)
		return false;
	hmac_sha256(secret, body, len, want);
	return sodium_memcmp(want, got, sizeof want) == 0;
}
