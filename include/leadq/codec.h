/* leadq — the one JSON codec of entities and ops (jansson), shared by the
 * client (outbox, `leadq show --format json`) and the server. */
#ifndef LEADQ_CODEC_H
#define LEADQ_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "leadq/appt.h"
#include "leadq/funnel.h"
#include "leadq/lead.h"
#include "leadq/org.h"

/* Entities to JSON objects (new references; NULL when out of memory or
 * when a string is not valid UTF-8).  Times are RFC 3339 UTC strings or
 * null; NULL strings and an empty reason are null. */
json_t *lq_lead_to_json(const struct lq_lead *l);
json_t *lq_activity_to_json(const struct lq_activity *a);
json_t *lq_user_to_json(const struct lq_user *u);
json_t *lq_team_to_json(const struct lq_team *t);
/* {id, lead_id, rep_id, booked_by, start, end, tz, mode, status, notes,
 * version}; times RFC 3339 UTC. */
json_t *lq_appt_to_json(const struct lq_appt *a);

/* JSON objects to entities.  On error return false and write a one-line
 * reason naming the field at fault ("lead.score: expected an integer") into err.
 * out is init'ed first (pass an empty struct: strings in it are not freed)
 * and left cleared on error.  id (and an activity's lead_id and kind) are
 * required; absent or null fields keep their init'ed defaults; unknown
 * fields are ignored.  Field names are the struct's (owner_id, team_id…);
 * score_parts is an object {"fit": 40, …} in order. */
bool lq_lead_from_json(const json_t *j, struct lq_lead *out, char *err, size_t errsize);
bool lq_activity_from_json(const json_t *j, struct lq_activity *out, char *err, size_t errsize);
bool lq_user_from_json(const json_t *j, struct lq_user *out, char *err, size_t errsize);
bool lq_team_from_json(const json_t *j, struct lq_team *out, char *err, size_t errsize);
/* The same from JSON text (len bytes; one object, whitespace around it):
 * the fast way, without a jansson tree (leadq/jscan.h).  A text that is not
 * JSON is refused with the reader's reason ("lead: offset 12: expected
 * ':'"). */
bool lq_lead_from_text(const char *text, size_t len, struct lq_lead *out, char *err,
		       size_t errsize);
bool lq_activity_from_text(const char *text, size_t len, struct lq_activity *out, char *err,
			   size_t errsize);
bool lq_user_from_text(const char *text, size_t len, struct lq_user *out, char *err,
		       size_t errsize);
bool lq_team_from_text(const char *text, size_t len, struct lq_team *out, char *err,
		       size_t errsize);
/* An appointment: id, lead_id, rep_id, start and end required (start <
 * end); mode and status by wire name (defaults phone, pending). */
bool lq_appt_from_json(const json_t *j, struct lq_appt *out, char *err, size_t errsize);
bool lq_appt_from_text(const char *text, size_t len, struct lq_appt *out, char *err,
		       size_t errsize);

/* A rep's free/busy (GET /reps/{id}/freebusy; share/doc/api.md): the
 * server writes it, the booking screen reads it.  from_text: rep.id, from,
 * to, minutes, busy and free required; each interval {start, end} with
 * start < end. */
json_t *lq_freebusy_to_json(const struct lq_freebusy *fb);
bool lq_freebusy_from_text(const char *text, size_t len, struct lq_freebusy *out, char *err,
			   size_t errsize);

/* The arguments of an op (DESIGN §7 "args") for a lead change:
 *  set_status {status, reason?, activity?}, log_touch {kind, outcome, text?,
 *  activity}, add_note {text, activity}, schedule_callback {callback_at
 *  (null cancels), callback_user (a UUID, or null for the team), text?,
 *  activity}, undo {op}.  "activity" is the id of
 *  the activity the client recorded (omitted when activity_id is NULL); the
 *  server should record its activity under that id.
 * from_args: out's reason and text point into args (valid while args
 * lives); out->at is LQ_TIME_NONE (the op's "at" is the caller's); an
 * "activity" present must be a UUID.  "undo" is not a change: use
 * lq_undo_args_from_json(). */
json_t *lq_change_args_to_json(const struct lq_change *c, const char *activity_id);
bool lq_change_from_args(const char *kind, const json_t *args, struct lq_change *out,
			 char *err, size_t errsize);
/* undo {op}: the id of the op undone. */
json_t *lq_undo_args_to_json(const char *op_id);
bool lq_undo_args_from_json(const json_t *args, char op_id[LQ_UUID_SIZE],
			    char *err, size_t errsize);
/* The op kind name of a change: "set_status", "log_touch", "add_note",
 * "schedule_callback". */
const char *lq_change_op_kind(enum lq_change_kind k);

/* The funnel report (GET /reports/funnel; share/doc/api.md), written by the
 * server and read by the client's reports screen (src/proto/funnel_codec.c).
 * from_text fills out like the builder does after lq_funnel_finish() (free
 * it with lq_funnel_free()). */
json_t *lq_funnel_to_json(const struct lq_funnel *f);
bool lq_funnel_from_text(const char *text, size_t len, struct lq_funnel *out, char *err,
			 size_t errsize);

#endif
