/* leadq — leadqd: mail to people about their leads (issue 4, optional).
 *
 * When the server has an SMTP server (--smtp-url, or smtp_url in
 * leadqd.conf), a lead routed to a rep and an SLA escalation also go out
 * by mail: the message is queued in the transaction of the event
 * (the outbound queue, channel mail), and serve's housekeeping thread sends
 * what is due through libcurl's SMTP (outbound.c: outside db_lock, retried
 * with a growing pause until the SMTP server takes it, at least once as
 * mail always is).  Texts are in the server's
 * language (its locale), plain UTF-8 with an RFC 2047 subject. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "leadq/i18n.h"
#include "leadq/mem.h"
#include "leadq/os.h"
#include "leadq/text.h"
#include "server/server.h"


/* --- queueing ---------------------------------------------------------------------- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

enum lq_store_rc srv_mail_lead(struct srv *S, const char *user_id, enum srv_mail_kind kind,
			       const struct lq_lead *l, lq_time due)
{
	struct lq_user u;
	char subject[400], body[2000], when[LQ_RFC3339_SIZE];
	const char *name = or_dash(l->name), *company = or_dash(l->company);
	enum lq_store_rc rc;

	if (!S->mail_on || !user_id || !*user_id)
		return LQ_STORE_OK;
	lq_user_init(&u);
	rc = lq_srv_user_get(S->db, user_id, false, &u, NULL, NULL);
	if (rc != LQ_STORE_OK || !u.active || !u.email || !strchr(u.email, '@')) {
		lq_user_clear(&u);
		return rc == LQ_STORE_NOTFOUND ? LQ_STORE_OK : rc;
	}
	lq_time_format(due, 0, when);
	switch (kind) {
	case SRV_MAIL_NEW_LEAD:
		snprintf(subject, sizeof subject, _("New lead: %s (%s)"), name, company);
		snprintf(body, sizeof body,
			 _("A new lead is yours in leadq:\n\n  %s\n  %s\n  %s  %s\n\n"
			   "First contact due: %s\n"), name, company, or_dash(l->email),
			 or_dash(l->phone), due != LQ_TIME_NONE ? when : "-");
		break;
	case SRV_MAIL_BREACH:
		snprintf(subject, sizeof subject, _("SLA: first contact overdue: %s (%s)"), name,
			 company);
		snprintf(body, sizeof body,
			 _("The first contact with %s (%s) was due at %s and has not been "
			   "logged.\n"), name, company, when);
		break;
	case SRV_MAIL_EXPIRED:
		snprintf(subject, sizeof subject, _("SLA: touch window over: %s (%s)"), name,
			 company);
		snprintf(body, sizeof body,
			 _("The touch window of %s (%s) ended at %s short of its touches; the "
			   "lead is now %s (sla_expired).\n"), name, company, when,
			 _(lq_status_label(l->status)));
		break;
	}
	/* The queue runs on the process's clock, not a sweep's --now. */
	rc = lq_srv_outbound_add(S->db, LQ_SRV_MAIL, u.email, subject, body, lq_os_now());
	lq_user_clear(&u);
	return rc;
}

/* --- the message ------------------------------------------------------------------- */

/* Subject: ASCII as is, anything else as RFC 2047 encoded words of at most
 * 45 bytes of UTF-8 each (whole characters), folded. */
static void add_subject(struct srv_text *t, const char *s)
{
	bool ascii = true;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p < 0x20)
			ascii = false;
	srv_text_lit(t, "Subject: ");
	if (ascii) {
		srv_text_lit(t, s);
		srv_text_lit(t, "\r\n");
		return;
	}
	for (size_t len = strlen(s), at = 0; at < len;) {
		char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
		size_t n = len - at > 45 ? 45 : len - at;

		while (n > 0 && at + n < len && ((unsigned char)s[at + n] & 0xc0) == 0x80)
			n--;   /* do not cut a character */
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + at, n,
				  sodium_base64_VARIANT_ORIGINAL);
		srv_text_lit(t, at ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
		srv_text_lit(t, b64);
		srv_text_lit(t, "?=");
		at += n;
	}
	srv_text_lit(t, "\r\n");
}

/* RFC 5322 message: headers, then the body with CRLF line ends. */
static char *message(const char *from, const struct lq_srv_outbound *m, lq_time now, size_t *len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct srv_text t = {0};
	struct lq_civil c;
	char line[512], id[LQ_UUID_SIZE];

	lq_time_to_civil(now, 0, &c);
	/* Day and month names are RFC 5322's, never the locale's. */
	snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		 days[c.wday % 7], c.day, months[(c.month - 1) % 12], c.year, c.hour,
		 c.minute, c.second);
	srv_text_lit(&t, line);
	snprintf(line, sizeof line, "From: %s\r\nTo: %s\r\n", from, m->to);
	srv_text_lit(&t, line);
	snprintf(line, sizeof line, "Message-ID: <%s.%lld@leadq>\r\n", lq_os_uuid_ordered(id),
		 (long long)m->id);
	srv_text_lit(&t, line);
	add_subject(&t, m->subject);
	srv_text_lit(&t, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		 "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
	for (const char *p = m->body; *p; p++) {
		if (*p == '\n')
			srv_text_add(&t, "\r\n", 2);
		else
			srv_text_add(&t, p, 1);
	}
	if (t.nomem) {
		free(t.p);
		return NULL;
	}
	*len = t.len;
	return t.p;
}

/* --- sending --------------------------------------------------------------------- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_message(char *buf, size_t size, size_t nitems, void *ctx)
{
	struct upload *u = ctx;
	size_t n = size * nitems < u->left ? size * nitems : u->left;

	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* One message through SMTP; NULL when the server took it, else why not. */
static const char *send_one(const char *url, const char *from, const char *to,
			    const char *text, size_t len, char *err)
{
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	struct upload u = { text, len };
	char mail_from[320];
	CURLcode rc;

	if (!c)
		return "out of memory";
	snprintf(mail_from, sizeof mail_from, "<%s>", from);
	rcpt = curl_slist_append(rcpt, to);
	err[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* STARTTLS when the server offers it (smtps:// is TLS from the start). */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK)
		return NULL;
	return err[0] ? err : curl_easy_strerror(rc);
}

/* The transport of the outbound queue's mail (outbound.c). */
static const char *send_mail(struct srv *S, void *ctx, const struct lq_srv_outbound *m,
			     lq_time now, char *err, size_t errsize)
{
	char curl_err[CURL_ERROR_SIZE];
	size_t len = 0;
	char *text = message(S->smtp_from, m, now, &len);
	const char *why;

	(void)ctx;
	if (!text)
		return "out of memory";
	why = send_one(S->smtp_url, S->smtp_from, m->to, text, len, curl_err);
	free(text);
	if (!why)
		return NULL;
	snprintf(err, errsize, "%s", why);
	return err;
}

void srv_mail_send_due(struct srv *S, lq_time now)
{
	if (S->smtp_url && S->smtp_from)
		srv_outbound_send(S, LQ_SRV_MAIL, send_mail, NULL, now);
}
