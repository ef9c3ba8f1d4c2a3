/* leadq — the JSON codec of entities and op arguments (jansson).
 *
 * Writing builds objects key by key and gives up (NULL) at the first
 * failure.  Reading is strict about types and lenient about presence:
 * unknown fields are ignored, absent or null fields keep their defaults,
 * and an error names the field ("lead.score: expected an integer"). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "leadq/codec.h"
#include "leadq/jscan.h"
#include "leadq/mem.h"
#include "leadq/text.h"
#include "leadq/time.h"

/* --- writing ----------------------------------------------------------- */

/* Sets key to v (consumed); false when v is NULL or the set fails. */
static bool put(json_t *o, const char *key, json_t *v)
{
	if (!v)
		return false;
	return json_object_set_new(o, key, v) == 0;
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jtime(lq_time t)
{
	char buf[LQ_RFC3339_SIZE];

	if (t == LQ_TIME_NONE)
		return json_null();
	lq_time_format(t, 0, buf);
	return json_string(buf);
}

static json_t *jwire(const char *wire)
{
	return wire ? json_string(wire) : json_null();
}

json_t *lq_lead_to_json(const struct lq_lead *l)
{
	json_t *o = json_object();
	json_t *parts = json_object();
	bool ok;
	int i;

	if (!o || !parts)
		goto fail;
	for (i = 0; i < l->nscore_parts && i < LQ_SCORE_PARTS_MAX; i++)
		if (!put(parts, l->score_parts[i].name, json_integer(l->score_parts[i].points)))
			goto fail;
	ok = put(o, "id", json_string(l->id)) &&
	     put(o, "external_id", jstr(l->external_id)) &&
	     put(o, "name", jstr(l->name)) &&
	     put(o, "title", jstr(l->title)) &&
	     put(o, "company", jstr(l->company)) &&
	     put(o, "email", jstr(l->email)) &&
	     put(o, "phone", jstr(l->phone)) &&
	     put(o, "country", jstr(l->country)) &&
	     put(o, "region", jstr(l->region)) &&
	     put(o, "city", jstr(l->city)) &&
	     put(o, "postal_code", jstr(l->postal_code)) &&
	     put(o, "industry", jstr(l->industry)) &&
	     put(o, "tz", jstr(l->tz)) &&
	     put(o, "source", jstr(l->source)) &&
	     put(o, "campaign", jstr(l->campaign)) &&
	     put(o, "owner_id", jstr(l->owner_id)) &&
	     put(o, "team_id", jstr(l->team_id)) &&
	     put(o, "employees", json_integer(l->employees)) &&
	     put(o, "amount", json_integer(l->amount)) &&
	     put(o, "score", json_integer(l->score));
	if (!ok)
		goto fail;
	ok = put(o, "score_parts", parts);
	parts = NULL;   /* consumed by put(), whatever happened */
	ok = ok &&
	     put(o, "status", jwire(lq_status_wire(l->status))) &&
	     put(o, "reason", jstr(l->reason[0] ? l->reason : NULL)) &&
	     put(o, "mql_at", jtime(l->mql_at)) &&
	     put(o, "first_touch_at", jtime(l->first_touch_at)) &&
	     put(o, "last_touch_at", jtime(l->last_touch_at)) &&
	     put(o, "touches", json_integer(l->touches)) &&
	     put(o, "touches_required", json_integer(l->touches_required)) &&
	     put(o, "sla_first_due", jtime(l->sla_first_due)) &&
	     put(o, "sla_cadence_due", jtime(l->sla_cadence_due)) &&
	     put(o, "next_touch_due", jtime(l->next_touch_due)) &&
	     put(o, "next_appt_at", jtime(l->next_appt_at)) &&
	     put(o, "callback_at", jtime(l->callback_at)) &&
	     put(o, "callback_user", jstr(l->callback_user)) &&
	     put(o, "do_not_contact", json_boolean(l->do_not_contact)) &&
	     put(o, "version", json_integer(l->version)) &&
	     put(o, "updated_at", jtime(l->updated_at));
	if (ok)
		return o;
fail:
	json_decref(parts);
	json_decref(o);
	return NULL;
}

json_t *lq_activity_to_json(const struct lq_activity *a)
{
	json_t *o = json_object();
	const char *outcome = NULL;

	if (!o)
		return NULL;
	if (a->outcome >= 0 && a->outcome < LQ_OUTCOME_COUNT)
		outcome = lq_outcome_wire((enum lq_outcome)a->outcome);
	if (put(o, "id", json_string(a->id)) &&
	    put(o, "lead_id", json_string(a->lead_id)) &&
	    put(o, "kind", jwire(lq_activity_wire(a->kind))) &&
	    put(o, "at", jtime(a->at)) &&
	    put(o, "actor", jstr(a->actor)) &&
	    put(o, "subject", jstr(a->subject)) &&
	    put(o, "detail", jstr(a->detail)) &&
	    put(o, "campaign", jstr(a->campaign)) &&
	    put(o, "duration_s", json_integer(a->duration_s)) &&
	    put(o, "outcome", jwire(outcome)) &&
	    put(o, "undone", json_boolean(a->undone)))
		return o;
	json_decref(o);
	return NULL;
}

json_t *lq_user_to_json(const struct lq_user *u)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (put(o, "id", json_string(u->id)) &&
	    put(o, "login", jstr(u->login)) &&
	    put(o, "name", jstr(u->name)) &&
	    put(o, "email", jstr(u->email)) &&
	    put(o, "tz", jstr(u->tz)) &&
	    put(o, "team_id", jstr(u->team_id)) &&
	    put(o, "role", jwire(lq_role_wire(u->role))) &&
	    put(o, "capacity", json_integer(u->capacity)) &&
	    put(o, "active", json_boolean(u->active)))
		return o;
	json_decref(o);
	return NULL;
}

json_t *lq_team_to_json(const struct lq_team *t)
{
	json_t *o = json_object();
	json_t *p = json_object();
	bool ok;

	if (!o || !p) {
		json_decref(o);
		json_decref(p);
		return NULL;
	}
	ok = put(p, "first_contact_minutes", json_integer(t->policy.first_contact_minutes)) &&
	     put(p, "touches_required", json_integer(t->policy.touches_required)) &&
	     put(p, "touch_window_days", json_integer(t->policy.touch_window_days)) &&
	     put(p, "at_risk_percent", json_integer(t->policy.at_risk_percent));
	if (!ok) {
		json_decref(p);
		json_decref(o);
		return NULL;
	}
	if (put(o, "id", json_string(t->id)) &&
	    put(o, "name", jstr(t->name)) &&
	    put(o, "tz", jstr(t->tz)) &&
	    put(o, "hours", jstr(t->hours)) &&
	    put(o, "holidays", jstr(t->holidays)) &&
	    put(o, "policy", p) &&
	    put(o, "dispatcher_id", jstr(t->dispatcher_id[0] ? t->dispatcher_id : NULL)))
		return o;
	json_decref(o);
	return NULL;
}

json_t *lq_appt_to_json(const struct lq_appt *a)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (put(o, "id", json_string(a->id)) &&
	    put(o, "lead_id", json_string(a->lead_id)) &&
	    put(o, "rep_id", json_string(a->rep_id)) &&
	    put(o, "booked_by", jstr(a->booked_by[0] ? a->booked_by : NULL)) &&
	    put(o, "start", jtime(a->start)) &&
	    put(o, "end", jtime(a->end)) &&
	    put(o, "tz", jstr(a->tz[0] ? a->tz : NULL)) &&
	    put(o, "mode", jwire(lq_appt_mode_wire(a->mode))) &&
	    put(o, "status", jwire(lq_appt_status_wire(a->status))) &&
	    put(o, "notes", jstr(a->notes)) &&
	    put(o, "version", json_integer(a->version)))
		return o;
	json_decref(o);
	return NULL;
}

/* --- reading ----------------------------------------------------------- */

/* Every reader works on an object's members as struct lq_jobj holds them:
 * read from text by leadq/jscan.h (the feed, the server's stored entities),
 * or gathered from a jansson tree (requests, op arguments).  So the fields
 * of each entity are listed once, below, whatever the text came through. */
struct reader {
	struct lq_jobj obj;
	const char *entity;     /* "lead", "set_status"… */
	char *err;
	size_t errsize;
};

static bool failf(struct reader *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool failf(struct reader *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->err || r->errsize == 0)
		return false;
	n = key ? snprintf(r->err, r->errsize, "%s.%s: ", r->entity, key)
		: snprintf(r->err, r->errsize, "%s: ", r->entity);
	if (n < 0 || (size_t)n >= r->errsize)
		return false;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static void reader_init(struct reader *r, const char *entity, char *err, size_t errsize)
{
	lq_jobj_init(&r->obj);
	r->entity = entity;
	r->err = err;
	r->errsize = errsize;
	if (err && errsize)
		err[0] = '\0';
}

static void reader_clear(struct reader *r)
{
	lq_jobj_clear(&r->obj);
}

static bool begin_text(struct reader *r, const char *text, size_t len, const char *entity,
		       char *err, size_t errsize)
{
	char why[120];

	reader_init(r, entity, err, errsize);
	if (!lq_jobj_parse(&r->obj, text, len, NULL, why, sizeof why))
		return failf(r, NULL, "%s", why);
	return true;
}

/* The members of a jansson object, strings borrowed from the tree. */
static bool begin(struct reader *r, const json_t *j, const char *entity, char *err, size_t errsize)
{
	const char *key;
	json_t *v;

	reader_init(r, entity, err, errsize);
	if (!json_is_object(j))
		return failf(r, NULL, "expected an object");
	json_object_foreach((json_t *)j, key, v) {
		struct lq_jval jv;

		memset(&jv, 0, sizeof jv);
		jv.node = v;
		switch (json_typeof(v)) {
		case JSON_OBJECT: jv.type = LQ_JOBJECT; break;
		case JSON_ARRAY: jv.type = LQ_JARRAY; break;
		case JSON_INTEGER:
			jv.type = LQ_JINT;
			jv.i = (int64_t)json_integer_value(v);
			break;
		case JSON_REAL: jv.type = LQ_JREAL; break;
		case JSON_TRUE: jv.type = LQ_JTRUE; break;
		case JSON_FALSE: jv.type = LQ_JFALSE; break;
		case JSON_NULL: jv.type = LQ_JNULL; break;
		case JSON_STRING:
			jv.type = LQ_JSTRING;
			jv.s = json_string_value(v);
			jv.len = json_string_length(v);
			/* A tree built with json_stringn_nocheck() skipped the check. */
			if (!lq_utf8_valid(jv.s, jv.len))
				return failf(r, key, "invalid UTF-8");
			break;
		}
		if (!lq_jobj_add(&r->obj, key, &jv))
			return failf(r, NULL, "out of memory");
	}
	return true;
}

/* A nested object member as a reader of its own. */
static bool begin_nested(struct reader *r, const struct lq_jval *v, const char *entity,
			 char *err, size_t errsize)
{
	if (v->node)
		return begin(r, v->node, entity, err, errsize);
	return begin_text(r, v->raw, v->raw_len, entity, err, errsize);
}

/* The value of key, NULL when absent or null. */
static const struct lq_jval *field(struct reader *r, const char *key)
{
	const struct lq_jval *v = lq_jobj_get(&r->obj, key);

	return v && v->type != LQ_JNULL ? v : NULL;
}

/* A string field: *out borrowed from the reader, NULL when absent.  Both
 * sources have checked the UTF-8 (jscan, begin); a NUL inside is refused
 * here. */
static bool peek_str(struct reader *r, const char *key, const char **out)
{
	const struct lq_jval *v = field(r, key);

	*out = NULL;
	if (!v)
		return true;
	if (v->type != LQ_JSTRING)
		return failf(r, key, "expected a string");
	if (memchr(v->s, '\0', v->len))
		return failf(r, key, "contains a NUL character");
	*out = v->s;
	return true;
}

static bool need_str(struct reader *r, const char *key, const char **out)
{
	if (!peek_str(r, key, out))
		return false;
	if (!*out)
		return failf(r, key, "missing");
	return true;
}

/* A malloc'd copy into *field (which holds NULL or an old copy). */
static bool get_str(struct reader *r, const char *key, char **dst)
{
	const char *s;

	if (!peek_str(r, key, &s))
		return false;
	if (!s)
		return true;
	if (!lq_lead_set_str(dst, s))
		return failf(r, key, "out of memory");
	return true;
}

static bool get_fixed(struct reader *r, const char *key, char *buf, size_t size)
{
	const char *s;

	if (!peek_str(r, key, &s))
		return false;
	if (!s)
		return true;
	if (strlen(s) >= size)
		return failf(r, key, "longer than %zu bytes", size - 1);
	memcpy(buf, s, strlen(s) + 1);
	return true;
}

static bool get_uuid(struct reader *r, const char *key, char out[LQ_UUID_SIZE], bool required)
{
	const char *s;

	if (!peek_str(r, key, &s))
		return false;
	if (!s)
		return required ? failf(r, key, "missing") : true;
	if (!lq_uuid_valid(s))
		return failf(r, key, "expected a UUID");
	memcpy(out, s, LQ_UUID_SIZE);
	return true;
}

static bool get_i64(struct reader *r, const char *key, int64_t *out, int64_t min, int64_t max)
{
	const struct lq_jval *v = field(r, key);

	if (!v)
		return true;
	if (v->type != LQ_JINT)
		return failf(r, key, "expected an integer");
	if (v->i < min || v->i > max)
		return failf(r, key, "out of range");
	*out = v->i;
	return true;
}

static bool get_int(struct reader *r, const char *key, int *out, int min, int max)
{
	int64_t v = *out;

	if (!get_i64(r, key, &v, min, max))
		return false;
	*out = (int)v;
	return true;
}

static bool get_bool(struct reader *r, const char *key, bool *out)
{
	const struct lq_jval *v = field(r, key);

	if (!v)
		return true;
	if (v->type != LQ_JTRUE && v->type != LQ_JFALSE)
		return failf(r, key, "expected true or false");
	*out = v->type == LQ_JTRUE;
	return true;
}

static bool get_time(struct reader *r, const char *key, lq_time *out)
{
	const char *s;

	if (!peek_str(r, key, &s))
		return false;
	if (!s) {
		*out = LQ_TIME_NONE;
		return true;
	}
	if (!lq_time_parse(s, out))
		return failf(r, key, "expected an RFC 3339 time");
	return true;
}

/* A wire name parsed by parse(); *out untouched when absent unless required. */
static bool get_enum(struct reader *r, const char *key, int (*parse)(const char *),
		     int *out, bool required)
{
	const char *s;
	int v;

	if (!peek_str(r, key, &s))
		return false;
	if (!s)
		return required ? failf(r, key, "missing") : true;
	v = parse(s);
	if (v < 0)
		return failf(r, key, "unknown value '%.40s'", s);
	*out = v;
	return true;
}

static bool get_score_parts(struct reader *r, struct lq_lead *l)
{
	const struct lq_jval *v = field(r, "score_parts");
	struct reader parts;
	bool ok = true;

	l->nscore_parts = 0;
	if (!v)
		return true;
	if (v->type != LQ_JOBJECT)
		return failf(r, "score_parts", "expected an object");
	if (!begin_nested(&parts, v, "lead.score_parts", r->err, r->errsize)) {
		reader_clear(&parts);
		return false;
	}
	for (size_t i = 0; ok && i < parts.obj.n; i++) {
		const struct lq_jfield *f = &parts.obj.f[i];
		const char *name = f->key;
		struct lq_score_part *p;

		if (l->nscore_parts >= LQ_SCORE_PARTS_MAX)
			ok = failf(r, "score_parts", "more than %d parts", LQ_SCORE_PARTS_MAX);
		else if (f->v.type != LQ_JINT)
			ok = failf(r, "score_parts", "'%.20s': expected an integer", name);
		else if (f->key_len == 0 || f->key_len >= sizeof p->name ||
			 strlen(name) != f->key_len)
			ok = failf(r, "score_parts", "bad part name '%.20s'", name);
		else if (strspn(name, "abcdefghijklmnopqrstuvwxyz_") != f->key_len)
			ok = failf(r, "score_parts", "bad part name '%.20s' (a-z and _ only)", name);
		else if (f->v.i < -1000000 || f->v.i > 1000000)
			ok = failf(r, "score_parts", "'%.20s': out of range", name);
		if (!ok)
			break;
		p = &l->score_parts[l->nscore_parts++];
		memcpy(p->name, name, f->key_len + 1);
		p->points = (int)f->v.i;
	}
	reader_clear(&parts);
	return ok;
}

static bool lead_fields(struct reader *r, struct lq_lead *l)
{
	int status = (int)l->status;
	int64_t version = l->version;

	if (!get_uuid(r, "id", l->id, true) ||
	    !get_str(r, "external_id", &l->external_id) ||
	    !get_str(r, "name", &l->name) ||
	    !get_str(r, "title", &l->title) ||
	    !get_str(r, "company", &l->company) ||
	    !get_str(r, "email", &l->email) ||
	    !get_str(r, "phone", &l->phone) ||
	    !get_str(r, "country", &l->country) ||
	    !get_str(r, "region", &l->region) ||
	    !get_str(r, "city", &l->city) ||
	    !get_str(r, "postal_code", &l->postal_code) ||
	    !get_str(r, "industry", &l->industry) ||
	    !get_str(r, "tz", &l->tz) ||
	    !get_str(r, "source", &l->source) ||
	    !get_str(r, "campaign", &l->campaign) ||
	    !get_str(r, "owner_id", &l->owner_id) ||
	    !get_str(r, "team_id", &l->team_id) ||
	    !get_int(r, "employees", &l->employees, 0, 100000000) ||
	    !get_i64(r, "amount", &l->amount, 0, LQ_AMOUNT_MAX) ||
	    !get_int(r, "score", &l->score, -1000000, 1000000) ||
	    !get_score_parts(r, l) ||
	    !get_enum(r, "status", lq_status_parse, &status, false) ||
	    !get_fixed(r, "reason", l->reason, sizeof l->reason) ||
	    !get_time(r, "mql_at", &l->mql_at) ||
	    !get_time(r, "first_touch_at", &l->first_touch_at) ||
	    !get_time(r, "last_touch_at", &l->last_touch_at) ||
	    !get_int(r, "touches", &l->touches, 0, 1000000) ||
	    !get_int(r, "touches_required", &l->touches_required, 0, 1000000) ||
	    !get_time(r, "sla_first_due", &l->sla_first_due) ||
	    !get_time(r, "sla_cadence_due", &l->sla_cadence_due) ||
	    !get_time(r, "next_touch_due", &l->next_touch_due) ||
	    !get_time(r, "next_appt_at", &l->next_appt_at) ||
	    !get_time(r, "callback_at", &l->callback_at) ||
	    !get_str(r, "callback_user", &l->callback_user) ||
	    !get_bool(r, "do_not_contact", &l->do_not_contact) ||
	    !get_i64(r, "version", &version, 0, INT64_MAX) ||
	    !get_time(r, "updated_at", &l->updated_at))
		return false;
	l->status = (enum lq_status)status;
	l->version = version;
	return true;
}

static bool lead_read(struct reader *r, bool begun, struct lq_lead *out)
{
	bool ok = begun && lead_fields(r, out);

	reader_clear(r);
	if (!ok)
		lq_lead_clear(out);
	return ok;
}

bool lq_lead_from_json(const json_t *j, struct lq_lead *out, char *err, size_t errsize)
{
	struct reader r;

	lq_lead_init(out);
	return lead_read(&r, begin(&r, j, "lead", err, errsize), out);
}

bool lq_lead_from_text(const char *text, size_t len, struct lq_lead *out, char *err,
		       size_t errsize)
{
	struct reader r;

	lq_lead_init(out);
	return lead_read(&r, begin_text(&r, text, len, "lead", err, errsize), out);
}

static bool activity_read(struct reader *r, bool begun, struct lq_activity *out)
{
	int kind = 0, outcome = -1;
	bool ok = begun &&
		  get_uuid(r, "id", out->id, true) &&
		  get_uuid(r, "lead_id", out->lead_id, true) &&
		  get_enum(r, "kind", lq_activity_parse, &kind, true) &&
		  get_time(r, "at", &out->at) &&
		  get_str(r, "actor", &out->actor) &&
		  get_str(r, "subject", &out->subject) &&
		  get_str(r, "detail", &out->detail) &&
		  get_str(r, "campaign", &out->campaign) &&
		  get_int(r, "duration_s", &out->duration_s, 0, 100000000) &&
		  get_enum(r, "outcome", lq_outcome_parse, &outcome, false) &&
		  get_bool(r, "undone", &out->undone);

	reader_clear(r);
	if (!ok) {
		lq_activity_clear(out);
		return false;
	}
	out->kind = (enum lq_activity_kind)kind;
	out->outcome = outcome;
	return true;
}

bool lq_activity_from_json(const json_t *j, struct lq_activity *out, char *err, size_t errsize)
{
	struct reader r;

	lq_activity_init(out);
	return activity_read(&r, begin(&r, j, "activity", err, errsize), out);
}

bool lq_activity_from_text(const char *text, size_t len, struct lq_activity *out, char *err,
			   size_t errsize)
{
	struct reader r;

	lq_activity_init(out);
	return activity_read(&r, begin_text(&r, text, len, "activity", err, errsize), out);
}

static bool user_read(struct reader *r, bool begun, struct lq_user *out)
{
	int role = (int)out->role;
	bool ok = begun &&
		  get_uuid(r, "id", out->id, true) &&
		  get_str(r, "login", &out->login) &&
		  get_str(r, "name", &out->name) &&
		  get_str(r, "email", &out->email) &&
		  get_str(r, "tz", &out->tz) &&
		  get_str(r, "team_id", &out->team_id) &&
		  get_enum(r, "role", lq_role_parse, &role, false) &&
		  get_int(r, "capacity", &out->capacity, 0, 1000000) &&
		  get_bool(r, "active", &out->active);

	reader_clear(r);
	if (!ok) {
		lq_user_clear(out);
		return false;
	}
	out->role = (enum lq_role)role;
	return true;
}

bool lq_user_from_json(const json_t *j, struct lq_user *out, char *err, size_t errsize)
{
	struct reader r;

	lq_user_init(out);
	return user_read(&r, begin(&r, j, "user", err, errsize), out);
}

bool lq_user_from_text(const char *text, size_t len, struct lq_user *out, char *err,
		       size_t errsize)
{
	struct reader r;

	lq_user_init(out);
	return user_read(&r, begin_text(&r, text, len, "user", err, errsize), out);
}

static bool team_read(struct reader *r, bool begun, struct lq_team *out)
{
	struct reader p;
	const struct lq_jval *policy;
	bool ok = begun &&
		  get_uuid(r, "id", out->id, true) &&
		  get_str(r, "name", &out->name) &&
		  get_str(r, "tz", &out->tz) &&
		  get_str(r, "hours", &out->hours) &&
		  get_str(r, "holidays", &out->holidays) &&
		  get_uuid(r, "dispatcher_id", out->dispatcher_id, false);

	policy = ok ? field(r, "policy") : NULL;
	if (policy && policy->type != LQ_JOBJECT) {
		ok = failf(r, "policy", "expected an object");
	} else if (policy) {
		ok = begin_nested(&p, policy, "team.policy", r->err, r->errsize) &&
		     get_int(&p, "first_contact_minutes", &out->policy.first_contact_minutes, 0,
			     10000000) &&
		     get_int(&p, "touches_required", &out->policy.touches_required, 0, 1000) &&
		     get_int(&p, "touch_window_days", &out->policy.touch_window_days, 0, 10000) &&
		     get_int(&p, "at_risk_percent", &out->policy.at_risk_percent, 0, 100);
		reader_clear(&p);
	}
	reader_clear(r);
	if (!ok)
		lq_team_clear(out);
	return ok;
}

bool lq_team_from_json(const json_t *j, struct lq_team *out, char *err, size_t errsize)
{
	struct reader r;

	lq_team_init(out);
	return team_read(&r, begin(&r, j, "team", err, errsize), out);
}

bool lq_team_from_text(const char *text, size_t len, struct lq_team *out, char *err,
		       size_t errsize)
{
	struct reader r;

	lq_team_init(out);
	return team_read(&r, begin_text(&r, text, len, "team", err, errsize), out);
}

static bool appt_read(struct reader *r, bool begun, struct lq_appt *out)
{
	int mode = (int)out->mode, status = (int)out->status;
	int64_t version = out->version;
	bool ok = begun &&
		  get_uuid(r, "id", out->id, true) &&
		  get_uuid(r, "lead_id", out->lead_id, true) &&
		  get_uuid(r, "rep_id", out->rep_id, true) &&
		  get_uuid(r, "booked_by", out->booked_by, false) &&
		  get_time(r, "start", &out->start) &&
		  get_time(r, "end", &out->end) &&
		  get_fixed(r, "tz", out->tz, sizeof out->tz) &&
		  get_enum(r, "mode", lq_appt_mode_parse, &mode, false) &&
		  get_enum(r, "status", lq_appt_status_parse, &status, false) &&
		  get_str(r, "notes", &out->notes) &&
		  get_i64(r, "version", &version, 0, INT64_MAX);

	if (ok && (out->start == LQ_TIME_NONE || out->end == LQ_TIME_NONE))
		ok = failf(r, out->start == LQ_TIME_NONE ? "start" : "end", "missing");
	else if (ok && out->end <= out->start)
		ok = failf(r, "end", "not after start");
	reader_clear(r);
	if (!ok) {
		lq_appt_clear(out);
		return false;
	}
	out->mode = (enum lq_appt_mode)mode;
	out->status = (enum lq_appt_status)status;
	out->version = version;
	return true;
}

bool lq_appt_from_json(const json_t *j, struct lq_appt *out, char *err, size_t errsize)
{
	struct reader r;

	lq_appt_init(out);
	return appt_read(&r, begin(&r, j, "appointment", err, errsize), out);
}

bool lq_appt_from_text(const char *text, size_t len, struct lq_appt *out, char *err,
		       size_t errsize)
{
	struct reader r;

	lq_appt_init(out);
	return appt_read(&r, begin_text(&r, text, len, "appointment", err, errsize), out);
}

/* --- op arguments -------------------------------------------------------- */

const char *lq_change_op_kind(enum lq_change_kind k)
{
	switch (k) {
	case LQ_CHANGE_STATUS:
		return "set_status";
	case LQ_CHANGE_TOUCH:
		return "log_touch";
	case LQ_CHANGE_NOTE:
		return "add_note";
	case LQ_CHANGE_CALLBACK:
		return "schedule_callback";
	}
	return NULL;
}

json_t *lq_change_args_to_json(const struct lq_change *c, const char *activity_id)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	switch (c->kind) {
	case LQ_CHANGE_STATUS:
		ok = ok && put(o, "status", jwire(lq_status_wire(c->to)));
		if (ok && c->reason && c->reason[0])
			ok = put(o, "reason", json_string(c->reason));
		if (ok && c->has_amount)
			ok = put(o, "amount", json_integer(c->amount));
		break;
	case LQ_CHANGE_TOUCH:
		ok = ok && put(o, "kind", jwire(lq_touch_wire(c->touch))) &&
		     put(o, "outcome", jwire(lq_outcome_wire(c->outcome)));
		if (ok && c->text)
			ok = put(o, "text", json_string(c->text));
		break;
	case LQ_CHANGE_NOTE:
		ok = ok && put(o, "text", json_string(c->text ? c->text : ""));
		break;
	case LQ_CHANGE_CALLBACK:
		ok = ok && put(o, "callback_at", jtime(c->callback_at)) &&
		     put(o, "callback_user", jstr(c->callback_user));
		if (ok && c->text)
			ok = put(o, "text", json_string(c->text));
		break;
	default:
		ok = false;
	}
	if (ok && activity_id)
		ok = put(o, "activity", json_string(activity_id));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

/* The members of one kind of change; out's strings borrow from the tree. */
static bool change_args(struct reader *r, const char *kind, struct lq_change *out)
{
	char activity[LQ_UUID_SIZE];
	int v = 0;

	if (!get_uuid(r, "activity", activity, false))
		return false;
	if (strcmp(kind, "set_status") == 0) {
		const char *reason;

		out->kind = LQ_CHANGE_STATUS;
		if (!get_enum(r, "status", lq_status_parse, &v, true) ||
		    !peek_str(r, "reason", &reason))
			return false;
		if (reason && strlen(reason) >= LQ_REASON_SIZE)
			return failf(r, "reason", "longer than %d bytes", LQ_REASON_SIZE - 1);
		out->to = (enum lq_status)v;
		out->reason = reason;
		out->has_amount = field(r, "amount") != NULL;
		if (!get_i64(r, "amount", &out->amount, 0, LQ_AMOUNT_MAX))
			return false;
	} else if (strcmp(kind, "log_touch") == 0) {
		int outcome = 0;

		out->kind = LQ_CHANGE_TOUCH;
		if (!get_enum(r, "kind", lq_touch_parse, &v, true) ||
		    !get_enum(r, "outcome", lq_outcome_parse, &outcome, true) ||
		    !peek_str(r, "text", &out->text))
			return false;
		out->touch = (enum lq_touch)v;
		out->outcome = (enum lq_outcome)outcome;
	} else if (strcmp(kind, "schedule_callback") == 0) {
		char user[LQ_UUID_SIZE];

		out->kind = LQ_CHANGE_CALLBACK;
		if (!get_time(r, "callback_at", &out->callback_at) ||
		    !get_uuid(r, "callback_user", user, false) ||
		    !peek_str(r, "text", &out->text))
			return false;
		/* Borrowed from the tree, as the other strings are. */
		if (user[0] && !peek_str(r, "callback_user", &out->callback_user))
			return false;
	} else {
		out->kind = LQ_CHANGE_NOTE;
		if (!need_str(r, "text", &out->text))
			return false;
	}
	return true;
}

bool lq_change_from_args(const char *kind, const json_t *args, struct lq_change *out,
			 char *err, size_t errsize)
{
	struct reader r;
	bool ok;

	memset(out, 0, sizeof *out);
	out->at = LQ_TIME_NONE;
	out->outcome = LQ_OUTCOME_CONNECTED;
	out->callback_at = LQ_TIME_NONE;
	if (!kind || (strcmp(kind, "set_status") != 0 && strcmp(kind, "log_touch") != 0 &&
		      strcmp(kind, "add_note") != 0 && strcmp(kind, "schedule_callback") != 0)) {
		if (err && errsize)
			snprintf(err, errsize, "op: %.40s is not a lead change", kind ? kind : "(null)");
		return false;
	}
	ok = begin(&r, args, kind, err, errsize) && change_args(&r, kind, out);
	reader_clear(&r);
	return ok;
}

json_t *lq_undo_args_to_json(const char *op_id)
{
	json_t *o = json_object();

	if (o && put(o, "op", json_string(op_id ? op_id : "")))
		return o;
	json_decref(o);
	return NULL;
}

bool lq_undo_args_from_json(const json_t *args, char op_id[LQ_UUID_SIZE],
			    char *err, size_t errsize)
{
	struct reader r;

	bool ok;

	op_id[0] = '\0';
	ok = begin(&r, args, "undo", err, errsize) && get_uuid(&r, "op", op_id, true);
	reader_clear(&r);
	return ok;
}

/* --- free/busy ------------------------------------------------------------- */

static json_t *intervals_to_json(const struct lq_interval *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		json_t *o = json_object();

		if (!o || !put(o, "start", jtime(v[i].start)) || !put(o, "end", jtime(v[i].end)) ||
		    json_array_append_new(a, o) != 0) {
			json_decref(o);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *lq_freebusy_to_json(const struct lq_freebusy *fb)
{
	json_t *o = json_object(), *rep = json_object(), *cal = json_object();
	bool ok = o && rep && cal &&
		  put(rep, "id", json_string(fb->rep_id)) &&
		  put(rep, "name", jstr(fb->rep_name)) &&
		  put(rep, "tz", jstr(fb->rep_tz)) &&
		  put(cal, "tz", jstr(fb->cal_tz)) &&
		  put(cal, "hours", jstr(fb->cal_hours)) &&
		  put(cal, "holidays", jstr(fb->cal_holidays));

	if (ok) {
		ok = put(o, "rep", rep) && put(o, "calendar", cal);
		rep = cal = NULL;   /* consumed by put() */
	}
	ok = ok && put(o, "from", jtime(fb->from)) && put(o, "to", jtime(fb->to)) &&
	     put(o, "minutes", json_integer(fb->minutes)) &&
	     put(o, "busy", intervals_to_json(fb->busy, fb->nbusy)) &&
	     put(o, "free", intervals_to_json(fb->free, fb->nfree)) &&
	     put(o, "more", json_boolean(fb->more));
	json_decref(rep);
	json_decref(cal);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

/* {start, end} objects, start < end, into a malloc'd array. */
static bool intervals_read(struct reader *r, const char *key, struct lq_interval **out,
			   size_t *n)
{
	const struct lq_jval *v = field(r, key);
	json_t *a = v ? (json_t *)v->node : NULL;
	size_t i, count;

	if (!v || v->type != LQ_JARRAY || !a)
		return failf(r, key, "expected an array");
	count = json_array_size(a);
	*out = count ? lq_calloc(count, sizeof **out) : NULL;
	if (count && !*out)
		return failf(r, key, "out of memory");
	for (i = 0; i < count; i++) {
		struct reader item;
		lq_time start = LQ_TIME_NONE, end = LQ_TIME_NONE;
		bool ok = begin(&item, json_array_get(a, i), "interval", r->err, r->errsize) &&
			  get_time(&item, "start", &start) && get_time(&item, "end", &end);

		reader_clear(&item);
		if (!ok)
			return false;
		if (start == LQ_TIME_NONE || end == LQ_TIME_NONE || start >= end)
			return failf(r, key, "item %zu: expected start before end", i);
		(*out)[i].start = start;
		(*out)[i].end = end;
	}
	*n = count;
	return true;
}

static bool freebusy_fields(struct reader *r, struct lq_freebusy *fb)
{
	const struct lq_jval *rep = field(r, "rep"), *cal = field(r, "calendar");
	struct reader sub;
	int minutes = 0;
	bool ok;

	if (!rep || rep->type != LQ_JOBJECT)
		return failf(r, "rep", "expected an object");
	ok = begin_nested(&sub, rep, "freebusy.rep", r->err, r->errsize) &&
	     get_uuid(&sub, "id", fb->rep_id, true) && get_str(&sub, "name", &fb->rep_name) &&
	     get_str(&sub, "tz", &fb->rep_tz);
	reader_clear(&sub);
	if (!ok)
		return false;
	if (cal && cal->type != LQ_JOBJECT)
		return failf(r, "calendar", "expected an object");
	if (cal) {
		ok = begin_nested(&sub, cal, "freebusy.calendar", r->err, r->errsize) &&
		     get_str(&sub, "tz", &fb->cal_tz) && get_str(&sub, "hours", &fb->cal_hours) &&
		     get_str(&sub, "holidays", &fb->cal_holidays);
		reader_clear(&sub);
		if (!ok)
			return false;
	}
	if (!get_time(r, "from", &fb->from) || !get_time(r, "to", &fb->to) ||
	    !get_int(r, "minutes", &minutes, 1, 1440) || !get_bool(r, "more", &fb->more))
		return false;
	if (fb->from == LQ_TIME_NONE || fb->to == LQ_TIME_NONE || fb->from >= fb->to)
		return failf(r, "to", "expected from before to");
	if (minutes == 0)
		return failf(r, "minutes", "missing");
	fb->minutes = minutes;
	return intervals_read(r, "busy", &fb->busy, &fb->nbusy) &&
	       intervals_read(r, "free", &fb->free, &fb->nfree);
}

bool lq_freebusy_from_text(const char *text, size_t len, struct lq_freebusy *out, char *err,
			   size_t errsize)
{
	json_error_t jerr;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	struct reader r;
	bool ok;

	lq_freebusy_init(out);
	if (!j) {
		if (err && errsize)
			snprintf(err, errsize, "freebusy: %s", jerr.text);
		return false;
	}
	ok = begin(&r, j, "freebusy", err, errsize) && freebusy_fields(&r, out);
	reader_clear(&r);
	json_decref(j);
	if (!ok)
		lq_freebusy_clear(out);
	return ok;
}
