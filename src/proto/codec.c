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
	    put(o, "policy", p))
		return o;
	json_decref(o);
	return NULL;
}

/* --- reading ----------------------------------------------------------- */

struct reader {
	const json_t *obj;
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

static bool begin(struct reader *r, const json_t *j, const char *entity, char *err, size_t errsize)
{
	r->obj = j;
	r->entity = entity;
	r->err = err;
	r->errsize = errsize;
	if (err && errsize)
		err[0] = '\0';
	if (!json_is_object(j))
		return failf(r, NULL, "expected an object");
	return true;
}

/* The value of key, NULL when absent or null. */
static const json_t *field(struct reader *r, const char *key)
{
	const json_t *v = json_object_get(r->obj, key);

	return json_is_null(v) ? NULL : v;
}

/* A string field, validated: *out borrowed from the JSON, NULL when absent. */
static bool peek_str(struct reader *r, const char *key, const char **out)
{
	const json_t *v = field(r, key);
	const char *s;
	size_t len;

	*out = NULL;
	if (!v)
		return true;
	if (!json_is_string(v))
		return failf(r, key, "expected a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (strlen(s) != len)
		return failf(r, key, "contains a NUL character");
	if (!lq_utf8_valid(s, len))
		return failf(r, key, "invalid UTF-8");
	*out = s;
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
	const json_t *v = field(r, key);
	json_int_t n;

	if (!v)
		return true;
	if (!json_is_integer(v))
		return failf(r, key, "expected an integer");
	n = json_integer_value(v);
	if (n < min || n > max)
		return failf(r, key, "out of range");
	*out = (int64_t)n;
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
	const json_t *v = field(r, key);

	if (!v)
		return true;
	if (!json_is_boolean(v))
		return failf(r, key, "expected true or false");
	*out = json_is_true(v);
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
	const json_t *v = field(r, "score_parts");
	const char *name;
	json_t *points;

	l->nscore_parts = 0;
	if (!v)
		return true;
	if (!json_is_object(v))
		return failf(r, "score_parts", "expected an object");
	json_object_foreach((json_t *)v, name, points) {
		struct lq_score_part *p;

		if (l->nscore_parts >= LQ_SCORE_PARTS_MAX)
			return failf(r, "score_parts", "more than %d parts", LQ_SCORE_PARTS_MAX);
		if (!json_is_integer(points))
			return failf(r, "score_parts", "'%.20s': expected an integer", name);
		if (strlen(name) == 0 || strlen(name) >= sizeof p->name)
			return failf(r, "score_parts", "bad part name '%.20s'", name);
		if (strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name))
			return failf(r, "score_parts", "bad part name '%.20s' (a-z and _ only)", name);
		if (json_integer_value(points) < -1000000 || json_integer_value(points) > 1000000)
			return failf(r, "score_parts", "'%.20s': out of range", name);
		p = &l->score_parts[l->nscore_parts++];
		memcpy(p->name, name, strlen(name) + 1);
		p->points = (int)json_integer_value(points);
	}
	return true;
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
	    !get_bool(r, "do_not_contact", &l->do_not_contact) ||
	    !get_i64(r, "version", &version, 0, INT64_MAX) ||
	    !get_time(r, "updated_at", &l->updated_at))
		return false;
	l->status = (enum lq_status)status;
	l->version = version;
	return true;
}

bool lq_lead_from_json(const json_t *j, struct lq_lead *out, char *err, size_t errsize)
{
	struct reader r;

	lq_lead_init(out);
	if (!begin(&r, j, "lead", err, errsize))
		return false;
	if (lead_fields(&r, out))
		return true;
	lq_lead_clear(out);
	return false;
}

bool lq_activity_from_json(const json_t *j, struct lq_activity *out, char *err, size_t errsize)
{
	struct reader r;
	int kind = 0, outcome = -1;

	lq_activity_init(out);
	if (!begin(&r, j, "activity", err, errsize))
		return false;
	if (get_uuid(&r, "id", out->id, true) &&
	    get_uuid(&r, "lead_id", out->lead_id, true) &&
	    get_enum(&r, "kind", lq_activity_parse, &kind, true) &&
	    get_time(&r, "at", &out->at) &&
	    get_str(&r, "actor", &out->actor) &&
	    get_str(&r, "subject", &out->subject) &&
	    get_str(&r, "detail", &out->detail) &&
	    get_str(&r, "campaign", &out->campaign) &&
	    get_int(&r, "duration_s", &out->duration_s, 0, 100000000) &&
	    get_enum(&r, "outcome", lq_outcome_parse, &outcome, false) &&
	    get_bool(&r, "undone", &out->undone)) {
		out->kind = (enum lq_activity_kind)kind;
		out->outcome = outcome;
		return true;
	}
	lq_activity_clear(out);
	return false;
}

bool lq_user_from_json(const json_t *j, struct lq_user *out, char *err, size_t errsize)
{
	struct reader r;
	int role;

	lq_user_init(out);
	role = (int)out->role;
	if (!begin(&r, j, "user", err, errsize))
		return false;
	if (get_uuid(&r, "id", out->id, true) &&
	    get_str(&r, "login", &out->login) &&
	    get_str(&r, "name", &out->name) &&
	    get_str(&r, "email", &out->email) &&
	    get_str(&r, "tz", &out->tz) &&
	    get_str(&r, "team_id", &out->team_id) &&
	    get_enum(&r, "role", lq_role_parse, &role, false) &&
	    get_int(&r, "capacity", &out->capacity, 0, 1000000) &&
	    get_bool(&r, "active", &out->active)) {
		out->role = (enum lq_role)role;
		return true;
	}
	lq_user_clear(out);
	return false;
}

bool lq_team_from_json(const json_t *j, struct lq_team *out, char *err, size_t errsize)
{
	struct reader r, p;
	const json_t *policy;

	lq_team_init(out);
	if (!begin(&r, j, "team", err, errsize))
		return false;
	if (!get_uuid(&r, "id", out->id, true) ||
	    !get_str(&r, "name", &out->name) ||
	    !get_str(&r, "tz", &out->tz) ||
	    !get_str(&r, "hours", &out->hours) ||
	    !get_str(&r, "holidays", &out->holidays))
		goto fail;
	policy = field(&r, "policy");
	if (policy) {
		if (!begin(&p, policy, "team.policy", err, errsize))
			goto fail;
		if (!get_int(&p, "first_contact_minutes", &out->policy.first_contact_minutes, 0,
			     10000000) ||
		    !get_int(&p, "touches_required", &out->policy.touches_required, 0, 1000) ||
		    !get_int(&p, "touch_window_days", &out->policy.touch_window_days, 0, 10000) ||
		    !get_int(&p, "at_risk_percent", &out->policy.at_risk_percent, 0, 100))
			goto fail;
	}
	return true;
fail:
	lq_team_clear(out);
	return false;
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

bool lq_change_from_args(const char *kind, const json_t *args, struct lq_change *out,
			 char *err, size_t errsize)
{
	struct reader r;
	char activity[LQ_UUID_SIZE];
	int v;

	memset(out, 0, sizeof *out);
	out->at = LQ_TIME_NONE;
	out->outcome = LQ_OUTCOME_CONNECTED;
	if (!kind || (strcmp(kind, "set_status") != 0 && strcmp(kind, "log_touch") != 0 &&
		      strcmp(kind, "add_note") != 0)) {
		if (err && errsize)
			snprintf(err, errsize, "op: %.40s is not a lead change", kind ? kind : "(null)");
		return false;
	}
	if (!begin(&r, args, kind, err, errsize))
		return false;
	if (!get_uuid(&r, "activity", activity, false))
		return false;
	if (strcmp(kind, "set_status") == 0) {
		const char *reason;

		out->kind = LQ_CHANGE_STATUS;
		v = 0;
		if (!get_enum(&r, "status", lq_status_parse, &v, true) ||
		    !peek_str(&r, "reason", &reason))
			return false;
		if (reason && strlen(reason) >= LQ_REASON_SIZE)
			return failf(&r, "reason", "longer than %d bytes", LQ_REASON_SIZE - 1);
		out->to = (enum lq_status)v;
		out->reason = reason;
	} else if (strcmp(kind, "log_touch") == 0) {
		int outcome = 0;

		out->kind = LQ_CHANGE_TOUCH;
		v = 0;
		if (!get_enum(&r, "kind", lq_touch_parse, &v, true) ||
		    !get_enum(&r, "outcome", lq_outcome_parse, &outcome, true) ||
		    !peek_str(&r, "text", &out->text))
			return false;
		out->touch = (enum lq_touch)v;
		out->outcome = (enum lq_outcome)outcome;
	} else {
		out->kind = LQ_CHANGE_NOTE;
		if (!need_str(&r, "text", &out->text))
			return false;
	}
	return true;
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

	op_id[0] = '\0';
	if (!begin(&r, args, "undo", err, errsize))
		return false;
	return get_uuid(&r, "op", op_id, true);
}
