/* leadq — marketing's intake on the wire (issue 6; share/doc/api.md): the
 * behaviour events of `POST /events` and Mautic's webhook payloads of
 * `POST /hooks/mautic`, decoded into leads and activities; and the
 * signatures that both directions of webhooks carry.  Part of the one
 * codec (src/proto): the server decodes with it, the fuzzers drive it.
 *
 * Decoders take the raw body (len bytes, not NUL-terminated), never trust
 * it, and either return everything decoded or refuse the whole body with a
 * one-line reason naming the item and field at fault
 * ("events[3].type: unknown event type 'click'"). */
#ifndef LEADQ_INTAKE_H
#define LEADQ_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leadq/lead.h"

#define LQ_INTAKE_MAX 5000   /* events (or Mautic items) in one body */

/* --- POST /events ---------------------------------------------------------
 * {"events": [{
 *    "id": UUID?,                  the event's id: a replay is stored once
 *                                  (absent: the server makes one)
 *    "type": "page_view" | "email_open" | "email_click" | "form_submit" |
 *            "download" | "webinar",
 *    "at": RFC 3339,               required
 *    "external_id": "…"?, "email": "…"?   the lead's; at least one
 *    page_view:   "url" (required), "title"?, "duration_s"? (0..86400)
 *    email_open:  "subject"?, "campaign"?
 *    email_click: "url"?, "subject"?, "campaign"?
 *    form_submit: "form" (required), "fields"? {name: string|number|bool}
 *    download:    "asset" (required), "url"?
 *    webinar:     "name" (required), "duration_s"?
 *    any:         "campaign"?
 * }]}
 * Into the activity: kind; at; actor "marketing"; subject = url, email
 * subject, form, asset or webinar name; detail = page title, or the form's
 * fields as "name=value; name=value" (in the order sent); campaign;
 * duration_s; outcome -1.  lead_id is left "" (the server matches). */
struct lq_event_in {
	char *external_id, *email;   /* NULL when absent */
	bool has_id;                 /* act.id came from the body */
	struct lq_activity act;
};
/* *out (malloc'd array of *n, each to be cleared by lq_events_free) */
bool lq_events_from_text(const char *text, size_t len, struct lq_event_in **out, size_t *n,
			 char *err, size_t errsize);
void lq_events_free(struct lq_event_in **v, size_t n);

/* --- POST /hooks/mautic ---------------------------------------------------
 * Mautic's webhook body (its developer documentation, "Webhook events and
 * payloads"): an object whose keys are event types, each an array of
 * payloads; one POST may carry several types.  Understood:
 *   mautic.lead_post_save_new      a contact identified   -> CONTACT, is_new
 *   mautic.lead_post_save_update   a contact updated      -> CONTACT
 *   mautic.lead_points_change      points changed         -> POINTS
 *   mautic.lead_post_delete        a contact deleted      -> DELETE
 *   mautic.lead_channel_subscription_changed  (do not contact) -> DNC
 * Other event types are skipped and counted in *skipped.  The contact is
 * payload "contact" (or "lead" in older Mautic); its fields from
 * contact.fields.core.ALIAS.value (firstname+lastname -> name, email,
 * company, position -> title, phone (else mobile), city, state -> region,
 * country, zipcode -> postal_code) and contact.points -> score;
 * external_id is the contact's id as decimal text.  A contact is
 * do-not-contact when contact.doNotContact lists any entry; DNC items
 * carry dnc = (new_status != "contactable").  at: the payload's
 * "timestamp" (RFC 3339 or "YYYY-MM-DD HH:MM:SS" UTC), LQ_TIME_NONE when
 * absent. */
enum lq_mautic_kind {
	LQ_MAUTIC_CONTACT,
	LQ_MAUTIC_POINTS,
	LQ_MAUTIC_DELETE,
	LQ_MAUTIC_DNC,
};
struct lq_mautic_item {
	enum lq_mautic_kind kind;
	bool is_new;                 /* CONTACT: mautic.lead_post_save_new */
	struct lq_lead lead;         /* id ""; external_id always set; the
					other fields as present */
	int old_points, new_points;  /* POINTS */
	bool dnc;                    /* DNC: not contactable now */
	char channel[16];            /* DNC: "email", "sms", "" … */
	lq_time at;
};
bool lq_mautic_from_text(const char *text, size_t len, struct lq_mautic_item **out, size_t *n,
			 size_t *skipped, char *err, size_t errsize);
void lq_mautic_free(struct lq_mautic_item **v, size_t n);

/* --- signatures -----------------------------------------------------------
 * HMAC-SHA256 of the raw body with the shared secret.  Mautic sends it
 * base64 in "Webhook-Signature"; leadq's outbound webhooks send it as
 * "sha256=" and lowercase hex in "X-Leadq-Signature".  verify compares
 * in constant time and is false for a NULL or malformed signature. */
#define LQ_HMAC_HEX_SIZE (7 + 64 + 1)   /* "sha256=" hex NUL */
void lq_hmac_sha256_hex(const char *secret, const void *body, size_t len,
			char out[LQ_HMAC_HEX_SIZE]);
bool lq_hmac_verify_base64(const char *secret, const void *body, size_t len,
			   const char *signature);

#endif
