/* leadq — leadqd: the outbound queue's sender (issue 6).
 *
 * Mail to people (mail.c) and outcome webhooks to marketing (hook.c) are
 * rows of one durable queue (table outbound), written in the transaction
 * of what they tell.  serve's housekeeping thread calls srv_outbound_send()
 * for each channel: it takes a batch of what is due under db_lock, sends
 * each row outside the lock through the channel's transport, and records
 * the answer: sent, or the error and a pause that doubles after each
 * failure (2 s, 4 s, 8 s … at most an hour).  Nothing is lost while the
 * other side is down or the server restarts; a row is sent again only if
 * the server dies between the other side's answer and the row's update (at
 * least once: webhooks carry the event's id for that). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

#define OUTBOUND_BATCH 20
#define OUTBOUND_RETRY_MAX (60 * 60)   /* the longest pause between tries */

struct due {
	struct lq_srv_outbound m[OUTBOUND_BATCH];
	char *text[OUTBOUND_BATCH][3];
	int n;
};

/* Copies a row out of the statement (its strings die with the step). */
static int collect(void *ctx, const struct lq_srv_outbound *m)
{
	struct due *d = ctx;
	int i = d->n;

	d->m[i] = *m;
	d->text[i][0] = strdup(m->to ? m->to : "");
	d->text[i][1] = strdup(m->subject ? m->subject : "");
	d->text[i][2] = strdup(m->body ? m->body : "");
	if (!d->text[i][0] || !d->text[i][1] || !d->text[i][2]) {
		for (int k = 0; k < 3; k++)
			free(d->text[i][k]);
		return 1;   /* out of memory: send what was taken */
	}
	d->m[i].to = d->text[i][0];
	d->m[i].subject = d->text[i][1];
	d->m[i].body = d->text[i][2];
	d->n++;
	return d->n >= OUTBOUND_BATCH;
}

lq_time srv_outbound_pause(int attempts)
{
	lq_time pause = attempts >= 11 ? OUTBOUND_RETRY_MAX : (lq_time)2 << attempts;

	return pause > OUTBOUND_RETRY_MAX ? OUTBOUND_RETRY_MAX : pause;
}

void srv_outbound_send(struct srv *S, enum lq_srv_channel channel, srv_outbound_fn send,
		       void *ctx, lq_time now)
{
	const char *name = channel == LQ_SRV_WEBHOOK ? "webhook" : "mail";
	struct due d;

	memset(&d, 0, sizeof d);
	pthread_mutex_lock(&S->db_lock);
	lq_srv_outbound_due(S->db, channel, now, OUTBOUND_BATCH, collect, &d);
	pthread_mutex_unlock(&S->db_lock);
	for (int i = 0; i < d.n; i++) {
		char err[256];
		const char *why;
		lq_time pause = srv_outbound_pause(d.m[i].attempts);

		err[0] = '\0';
		why = send(S, ctx, &d.m[i], now, err, sizeof err);
		if (why)
			fprintf(stderr, "leadqd: %s %s: %s (again in %lld s)\n", name, d.m[i].to, why,
				(long long)pause);
		pthread_mutex_lock(&S->db_lock);
		if (lq_srv_outbound_tried(S->db, d.m[i].id, why, now, now + pause) != LQ_STORE_OK)
			fprintf(stderr, "leadqd: %s %lld: %s\n", name, (long long)d.m[i].id,
				lq_srv_errmsg(S->db));
		pthread_mutex_unlock(&S->db_lock);
	}
	for (int i = 0; i < d.n; i++)
		for (int k = 0; k < 3; k++)
			free(d.text[i][k]);
}
