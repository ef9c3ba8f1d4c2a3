/* leadq — leadqd internals shared by the files of src/server. */
#ifndef LEADQ_SERVER_H
#define LEADQ_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "leadq/calendar.h"
#include "leadq/funnel.h"
#include "leadq/org.h"
#include "leadq/rules.h"
#include "leadq/srvstore.h"
#include "leadq/time.h"

/* Exit codes (DESIGN §5). */
#define SRV_EXIT_OK 0
#define SRV_EXIT_FAIL 1
#define SRV_EXIT_USAGE 2

/* --- auth.c: passwords, tokens, hashes, the login rate limit ------------- */
#define SRV_HASH_HEX 65          /* SHA-256 in hex and NUL */
#define SRV_TOKEN_SIZE 44        /* 32 bytes base64url without padding, NUL */
#define SRV_PWHASH_SIZE 128      /* >= crypto_pwhash_STRBYTES */

/* Initializes libsodium; false when it cannot. */
bool srv_crypto_init(void);
/* argon2id with the interactive limits; false when out of memory. */
bool srv_password_hash(const char *password, char out[SRV_PWHASH_SIZE]);
bool srv_password_verify(const char *hash, const char *password);
void srv_sha256_hex(const void *data, size_t len, char out[SRV_HASH_HEX]);
/* 32 random bytes, base64url (43 characters). */
void srv_token_new(char out[SRV_TOKEN_SIZE]);

#define SRV_RATE_WINDOW (15 * LQ_MINUTE)
#define SRV_RATE_LOGIN_MAX 5
#define SRV_RATE_ADDR_MAX 20
#define SRV_RATE_SLOTS 4096
struct srv_rate_slot {
	char key[160];
	lq_time first;
	int count;
};
struct srv_rate {
	pthread_mutex_t lock;
	struct srv_rate_slot slot[SRV_RATE_SLOTS];
};
void srv_rate_init(struct srv_rate *r);
void srv_rate_destroy(struct srv_rate *r);
/* Seconds until key may try again (0: now) with at most max failures per
 * window. */
lq_time srv_rate_wait(struct srv_rate *r, const char *key, int max, lq_time now);
void srv_rate_fail(struct srv_rate *r, const char *key, lq_time now);
void srv_rate_reset(struct srv_rate *r, const char *key);

/* --- the server's state ------------------------------------------------- */
#define SRV_ZONES_MAX 64
struct srv {
	struct lq_srv_store *db;
	pthread_mutex_t db_lock;         /* one connection, one user at a time */
	pthread_mutex_t feed_lock;
	pthread_cond_t feed_cond;        /* signalled when feed_seq grows or on stop */
	int64_t feed_seq;                /* the newest committed feed row */
	bool stopping;
	char epoch[40];
	size_t max_body;
	struct srv_rate rate;
	struct lq_tz *zones[SRV_ZONES_MAX]; /* loaded once, under db_lock */
	int nzones;
	char *smtp_url, *smtp_from;      /* mail.c: NULL when there is no SMTP server */
	bool mail_on;                    /* queue mail (an SMTP server is configured) */
	struct lq_route_rules rules;     /* in force, under db_lock (route.c) */
	int64_t rules_seq;               /* which import they are; 0: none read */
	lq_time callback_release;        /* a personal callback overdue this long
					    becomes the team's (sweep.c) */
	char *hook_url, *hook_secret;    /* hook.c: marketing's webhook; NULL: none */
	bool hook_on;                    /* queue outcome events (a URL is configured) */
	char *mautic_secret;             /* intake.c: NULL refuses Mautic's hooks */
	int mautic_mql_points;           /* intake.c: 0, or the points at which a
					    Mautic contact is passed to sales */
};
#define SRV_CALLBACK_RELEASE_DEFAULT (30 * LQ_MINUTE)

/* The calendar and policy of a team (the default in UTC when the team is
 * unknown or NULL).  Call under db_lock. */
void srv_team_calendar(struct srv *S, const char *team_id, struct lq_calendar *cal,
		       struct lq_sla_policy *policy);
/* A zone by name, cached; NULL and a malloc'd reason in *err. */
const struct lq_tz *srv_zone(struct srv *S, const char *name, char **err);
void srv_zones_free(struct srv *S);
/* Records that the feed grew to seq and wakes long polls. */
void srv_feed_grew(struct srv *S, int64_t seq);

/* Who calls (a logged-in user). */
struct srv_caller {
	struct lq_user user;
	struct lq_srv_scope scope;
};

/* --- text.c: a growing text (bodies, answers and mail written by hand) ----- */
struct srv_text {
	char *p;                         /* malloc'd, NUL-terminated; free() it */
	size_t len, cap;
	bool nomem;                      /* an add failed: the text is incomplete */
};
void srv_text_add(struct srv_text *t, const char *s, size_t n);
void srv_text_lit(struct srv_text *t, const char *s);

/* --- route.c: routing a new lead (leadq/rules.h) ---------------------------- */
struct srv_routed {
	int how;                         /* enum lq_route_how */
	char rule[80];                   /* the rule's name; "" when none matched */
	char team_id[LQ_UUID_SIZE];      /* "" when no team */
	struct lq_user owner;            /* valid when has_owner */
	bool has_owner;
};
void srv_routed_init(struct srv_routed *r);
void srv_routed_clear(struct srv_routed *r);
/* Chooses the owner and team of a new lead by the rules in force (the
 * team lead of the first team when none applies).  Under db_lock, in the
 * caller's transaction: a round-robin pick is remembered there. */
enum lq_store_rc srv_route_lead(struct srv *S, const struct lq_lead *l, struct srv_routed *out);
/* A rep of the team by round-robin weighted by capacity (not exclude_id,
 * which may be NULL), remembered as the latest routed unless dry_run;
 * *found false when nobody has room. */
enum lq_store_rc srv_pick_rep(struct srv *S, const char *team_id, const char *exclude_id,
			      bool dry_run, struct lq_user *owner, bool *found);

/* An appointment's row in the feed (its lead's owner and team scope it). */
enum lq_store_rc srv_feed_appointment(struct srv *S, const struct lq_lead *l,
				      const char *appt_id, int64_t *seq);
/* An appointment's codec JSON text (malloc'd), NULL when out of memory. */
char *srv_appt_text(const struct lq_appt *a);
/* A lead's codec JSON text (malloc'd), NULL when out of memory. */
char *srv_lead_text(const struct lq_lead *l);
/* The common tail of every change to a lead: version and updated_at, the
 * status version when its owner or status moved, deadlines on its team's
 * calendar.  Under db_lock. */
void srv_lead_changed(struct srv *S, struct lq_lead *l, bool moved, int64_t *status_version,
		      lq_time now);

/* --- mail.c: mail to people about their leads ------------------------------ */
enum srv_mail_kind { SRV_MAIL_NEW_LEAD, SRV_MAIL_BREACH, SRV_MAIL_EXPIRED };
/* Queues a message to the user about lead l (due: the deadline it is
 * about), in the caller's transaction; nothing when mail is off or the user
 * has no address.  Under db_lock. */
enum lq_store_rc srv_mail_lead(struct srv *S, const char *user_id, enum srv_mail_kind kind,
			       const struct lq_lead *l, lq_time due);
/* Sends the messages due (housekeeping thread; takes db_lock briefly). */
void srv_mail_send_due(struct srv *S, lq_time now);

/* --- hook.c: the closed loop out ------------------------------------------ */
/* Queues marketing's event about l's status change from before (nothing
 * unless one side is an outcome: not new, not working), in the caller's
 * transaction; nothing when no webhook is configured.  by: the user's
 * login, "sla" or "marketing". */
enum lq_store_rc srv_hook_outcome(struct srv *S, const struct lq_lead *l, enum lq_status before,
				  const char *by, bool undo, lq_time at);
/* Posts the events due (housekeeping thread). */
void srv_hook_send_due(struct srv *S, lq_time now);

/* --- outbound.c: the sender of the outbound queue (mail and webhooks) ------- */
/* A channel's transport: sends one row; NULL when the other side took it,
 * else why not (a string that lives until the next call, or err). */
typedef const char *(*srv_outbound_fn)(struct srv *S, void *ctx,
					const struct lq_srv_outbound *m, lq_time now, char *err,
					size_t errsize);
/* Sends the channel's rows due at now (housekeeping thread; takes db_lock
 * only to read and mark rows). */
void srv_outbound_send(struct srv *S, enum lq_srv_channel channel, srv_outbound_fn send,
		       void *ctx, lq_time now);
/* The pause after attempts failures: 2 s doubling, at most an hour. */
lq_time srv_outbound_pause(int attempts);

/* --- sweep.c: the SLA sweep ---------------------------------------------- */
struct srv_sweep_counts {
	int breaches_notified, breaches_reassigned, expired;
	int callbacks_released;
};
/* One pass at now: every action owed (lq_sla_sweep_due), each exactly once
 * (lq_srv_sla_claim) in a transaction with its lead, history, feed and
 * audit rows.  Takes db_lock for each lead; wakes long polls.  0, or -1 with
 * a message on stderr (what was committed stays). */
int srv_sweep(struct srv *S, lq_time now, struct srv_sweep_counts *counts);

/* --- ops.c ----------------------------------------------------------------- */
/* Applies one validated op for the caller and returns its result object as
 * compact JSON text (malloc'd); NULL with *status 503 (busy, out of memory)
 * or 500.  Call under db_lock,
 * inside a transaction of the request (lq_srv_begin): the op runs in a
 * savepoint of its own, so a refused op undoes only itself, and nothing is
 * durable until the caller commits.  *seq is raised to the newest feed row
 * written (for srv_feed_grew after the commit). */
char *srv_op_apply(struct srv *S, const struct srv_caller *c, const json_t *op,
		   const char *hash, lq_time now, int *status, int64_t *seq);

/* Adds a feed row for a lead's change (prev_* may be NULL). */
enum lq_store_rc srv_feed_lead(struct srv *S, const struct lq_lead *l, const char *prev_owner,
			       const char *prev_team, int64_t *seq);
enum lq_store_rc srv_feed_activity(struct srv *S, const struct lq_lead *l,
				   const char *activity_id, int64_t *seq);

/* --- intake.c: marketing's intake ---------------------------------------------- */
struct srv_req;
struct srv_resp;
#define SRV_INTAKE_PASS 0x1      /* marketing passes the lead to sales: a
				    recycled or unreachable one comes back new */
#define SRV_INTAKE_NO_AUDIT 0x2  /* the caller audits (an import, once) */
struct srv_intake_res {
	char id[LQ_UUID_SIZE];
	bool created, requalified;
	bool was_routed;
	struct srv_routed routed;        /* when was_routed (owner moved out) */
	char owner_login[64];            /* "" when none */
	int attached;                    /* kept events attached */
};
void srv_intake_res_clear(struct srv_intake_res *r);
/* Creates (routed, unless owner_login names the owner) or merges one lead
 * and attaches its kept events, in a savepoint of its own; incoming may be
 * emptied (a new lead takes its fields).  LQ_STORE_INVALID with err for an
 * unknown owner; other failures with the store's message.  Under db_lock;
 * *seq is raised to the newest feed row. */
enum lq_store_rc srv_intake_one(struct srv *S, const char *who, struct lq_lead *incoming,
				const char *owner_login, unsigned flags, lq_time now,
				struct srv_intake_res *res, int64_t *seq, char *err,
				size_t errsize);
/* POST /leads's item: the result object, or NULL with *status and a
 * reason in err (400 names the field). */
json_t *srv_intake_lead(struct srv *S, const char *key_name, const json_t *in, size_t index,
			lq_time now, int *status, int64_t *seq, char *err, size_t errsize);
void srv_api_events(struct srv *S, struct srv_req *q, struct srv_resp *r);
void srv_api_mautic(struct srv *S, struct srv_req *q, struct srv_resp *r);
/* ops.c: the HTTP status of a store failure (503 busy/full/no memory, else 500). */
int srv_status_of(enum lq_store_rc rc);

/* --- report.c: the funnel report ------------------------------------------- */
/* The report of the leads passed in [from, to) that the scope sees (NULL:
 * all), by the breakdown; 0, or the store's failure. */
enum lq_store_rc srv_report_funnel(struct srv *S, const struct lq_srv_scope *scope,
				   enum lq_funnel_by by, lq_time from, lq_time to, lq_time now,
				   struct lq_funnel *out);
void srv_api_report_funnel(struct srv *S, struct srv_req *q, struct srv_resp *r);

/* --- api.c: the route handlers ------------------------------------------- */
struct srv_req {
	const char *method, *path;
	const char *body;
	size_t body_len;
	const char *addr;              /* the client's address */
	void *conn;                    /* struct MHD_Connection * (query args) */
	struct srv_caller caller;      /* auth "token" */
	char key_name[64];             /* auth "key" */
	char path_id[64];              /* the '*' segment of the route's path */
};
struct srv_resp {
	int status;
	json_t *body;
	long retry_after;              /* > 0: a Retry-After header */
	char *raw;                     /* JSON text made by hand (malloc'd); sent
					  instead of body when set */
	size_t raw_len;
	const char *content_type;      /* of raw; NULL: JSON */
};
/* Sets an error answer {"error": {"code", "message"}}. */
void srv_error(struct srv_resp *r, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The query argument name of the request, or NULL. */
const char *srv_query(const struct srv_req *q, const char *name);
/* A request header (any case), or NULL. */
const char *srv_header(const struct srv_req *q, const char *name);

typedef void (*srv_handler)(struct srv *S, struct srv_req *q, struct srv_resp *r);
void srv_api_login(struct srv *S, struct srv_req *q, struct srv_resp *r);
void srv_api_changes(struct srv *S, struct srv_req *q, struct srv_resp *r);
void srv_api_ops(struct srv *S, struct srv_req *q, struct srv_resp *r);
void srv_api_leads(struct srv *S, struct srv_req *q, struct srv_resp *r);
/* GET /api/v1/reps/{id}/freebusy?from=&to=&minutes= (busy times and free
 * slots of the rep's calendar; no lead details). */
void srv_api_freebusy(struct srv *S, struct srv_req *q, struct srv_resp *r);
/* GET /api/v1/leads/{id}/proposal: the rep an agent should book the lead
 * with (the team's dispatcher, or its round-robin pick, as a dry run). */
void srv_api_proposal(struct srv *S, struct srv_req *q, struct srv_resp *r);
/* iCalendar: a rep's feed (secret token in the URL, for calendar
 * applications) and one appointment (bearer token). */
void srv_api_rep_calendar(struct srv *S, struct srv_req *q, struct srv_resp *r);
void srv_api_appt_ics(struct srv *S, struct srv_req *q, struct srv_resp *r);

/* --- http.c ------------------------------------------------------------------ */
struct srv_serve_opts {
	const char *db;
	const char *listen;            /* "127.0.0.1:8750"; port 0 picks one */
	size_t max_body;
	unsigned max_connections;
	unsigned timeout_s;
	unsigned sweep_interval_s;     /* 0: no SLA sweep in this server */
	lq_time callback_release;      /* 0: the default */
	const char *smtp_url;          /* NULL: no mail */
	const char *smtp_from;
	const char *webhook_url;       /* NULL: no outcome webhooks */
	const char *webhook_secret;    /* NULL: unsigned */
	const char *mautic_secret;     /* NULL: Mautic's hooks are refused */
	int mautic_mql_points;
};
int srv_serve(const struct srv_serve_opts *o);
/* Opens the database and reads (or makes) the epoch; 0, or 1 with a message
 * on stderr. */
int srv_state_open(struct srv *S, const char *db);
void srv_state_close(struct srv *S);

/* --- admin.c ---------------------------------------------------------------- */
int srv_main(int argc, char **argv);

#endif
