/* leadq — leadqd: the closed loop out (DESIGN §7; issue 6).
 *
 * Every outcome sales gives a lead (qualified, recycle with its reason,
 * junk, unreachable, opportunity, won with its revenue, lost), and every
 * undo of one, is posted to marketing's webhook (--webhook-url, or
 * webhook_url in leadqd.conf) as one JSON event, signed with HMAC-SHA256
 * of the body (X-Leadq-Signature: sha256=HEX, with webhook_secret).  The
 * event is queued in the transaction of the change (the outbound queue,
 * channel webhook) and sent by the housekeeping thread (outbound.c): a
 * 2xx answer takes it; anything else, or no answer, is tried again later.
 * Nothing is lost while marketing is down or the server restarts; an event
 * may arrive twice only if the server dies between marketing's answer and
 * the row's update, so it carries its id (X-Leadq-Event-Id) for marketing
 * to drop the repeat. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "leadq/codec.h"
#include "leadq/intake.h"
#include "leadq/os.h"
#include "server/server.h"

#define HOOK_EVENT "lead.outcome"

static bool is_outcome(enum lq_status s)
{
	return s != LQ_STATUS_NEW && s != LQ_STATUS_WORKING;
}

static json_t *jstr_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

enum lq_store_rc srv_hook_outcome(struct srv *S, const struct lq_lead *l, enum lq_status before,
				  const char *by, bool undo, lq_time at)
{
	char id[LQ_UUID_SIZE], when[LQ_RFC3339_SIZE], *body;
	struct lq_user owner;
	json_t *o;
	enum lq_store_rc rc;

	if (!S->hook_on || l->status == before || (!is_outcome(l->status) && !is_outcome(before)))
		return LQ_STORE_OK;
	lq_user_init(&owner);
	if (l->owner_id && *l->owner_id) {
		rc = lq_srv_user_get(S->db, l->owner_id, false, &owner, NULL, NULL);
		if (rc != LQ_STORE_OK && rc != LQ_STORE_NOTFOUND)
			return rc;
	}
	lq_os_uuid_ordered(id);
	lq_time_format(at, 0, when);
	o = json_pack("{s:s, s:s, s:s, s:{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:i}, s:s, s:s, "
		      "s:o, s:o, s:o, s:o, s:b}",
		      "id", id, "type", HOOK_EVENT, "at", when,
		      "lead", "id", l->id, "external_id", jstr_or_null(l->external_id),
		      "email", jstr_or_null(l->email), "name", jstr_or_null(l->name),
		      "company", jstr_or_null(l->company), "source", jstr_or_null(l->source),
		      "campaign", jstr_or_null(l->campaign), "score", l->score,
		      "status", lq_status_wire(l->status), "previous_status", lq_status_wire(before),
		      "reason", jstr_or_null(l->reason),
		      "amount", (l->status == LQ_STATUS_OPPORTUNITY || l->status == LQ_STATUS_WON) &&
				l->amount > 0 ? json_integer(l->amount) : json_null(),
		      "owner", jstr_or_null(owner.login), "by", jstr_or_null(by), "undo", undo);
	lq_user_clear(&owner);
	body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!body)
		return LQ_STORE_NOMEM;
	/* The queue runs on the process's clock, not a sweep's --now. */
	rc = lq_srv_outbound_add(S->db, LQ_SRV_WEBHOOK, id, HOOK_EVENT, body, lq_os_now());
	free(body);
	return rc;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* The transport of the outbound queue's webhooks (outbound.c). */
static const char *post_event(struct srv *S, void *ctx, const struct lq_srv_outbound *m,
			      lq_time now, char *err, size_t errsize)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char line[160], sig[LQ_HMAC_HEX_SIZE], curl_err[CURL_ERROR_SIZE];
	long code = 0;
	CURLcode rc;
	bool ok = true;

	(void)ctx;
	(void)now;
	if (!c)
		return "out of memory";
	curl_err[0] = '\0';
	h = curl_slist_append(h, "Content-Type: application/json");
	snprintf(line, sizeof line, "X-Leadq-Event: %s", m->subject);
	ok = ok && h && (h = curl_slist_append(h, line)) != NULL;
	snprintf(line, sizeof line, "X-Leadq-Event-Id: %s", m->to);
	ok = ok && (h = curl_slist_append(h, line)) != NULL;
	if (ok && S->hook_secret) {
		lq_hmac_sha256_hex(S->hook_secret, m->body, strlen(m->body), sig);
		snprintf(line, sizeof line, "X-Leadq-Signature: %s", sig);
		ok = (h = curl_slist_append(h, line)) != NULL;
	}
	if (!ok) {
		curl_slist_free_all(h);
		curl_easy_cleanup(c);
		return "out of memory";
	}
	curl_easy_setopt(c, CURLOPT_URL, S->hook_url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, m->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(m->body));
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "d/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		snprintf(err, errsize, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
	else if (code < 200 || code > 299)
		snprintf(err, errsize, "HTTP %ld", code);
	else
		return NULL;
	return err;
}

void srv_hook_send_due(struct srv *S, lq_time now)
{
	if (S->hook_on && S->hook_url)
		srv_outbound_send(S, LQ_SRV_WEBHOOK, post_event, NULL, now);
}
