/* leadq client — a session: the cache, the user, the config and what a user
 * action needs (reasons, undo window, team calendars).  Shared by the CLI
 * modes (ui/cli.c) and the screens (ui/app.c). */
#ifndef LEADQ_UI_SESSION_H
#define LEADQ_UI_SESSION_H

#include <stdbool.h>

#include "leadq/calendar.h"
#include "leadq/lead.h"
#include "leadq/org.h"
#include "leadq/store.h"
#include "leadq/tz.h"
#include "leadq/sync.h"
#include "ui/conf.h"
#include "ui/demo.h"

struct lq_session_opts {
	const char *db_path;      /* --db: a cache file; overrides the rest */
	const char *config_path;  /* --config */
	bool demo;                /* --demo: $XDG_DATA_HOME/leadq/demo/cache.db, seeded */
	bool reset;               /* --reset: seed the demo afresh */
	const char *demo_as;      /* "rep" (default), "lead", "telequal" */
};

/* Team calendars are kept in one block that never moves (the calendars
 * handed out stay valid for the whole session); past this many teams the
 * default calendar is used. */
#define LQ_SESSION_TEAMS_MAX 256

/* A team's calendar, loaded on first use.  The entry with an empty id is
 * the default calendar in the user's zone. */
struct lq_session_team {
	char id[LQ_UUID_SIZE];
	struct lq_tz *tz;
	struct lq_calendar cal;
	struct lq_sla_policy policy;
};

struct lq_session {
	struct lq_store *store;
	char *db_path;
	struct lq_config config;
	struct lq_reasons reasons;
	struct lq_user user;            /* the cache's user (meta "user_id") */
	struct lq_tz *user_tz;          /* the user's zone, for local times */
	struct lq_act_ctx act;          /* actor, reasons, undo window, calendar_for */
	struct lq_session_team *teams;  /* LQ_SESSION_TEAMS_MAX slots, nteams used */
	size_t nteams;
	bool demo;
	char *server;                   /* where it syncs: the config's server or the
					   demo's private one; NULL: nowhere */
	char *token;                    /* the token for it (token file or demo login) */
	struct lq_demo_server demo_server;
};

/* Opens the session: config, cache (the demo cache is created and seeded
 * with lq_seed_run() when missing, on reset, or when --as names another
 * user than the one it was seeded for), user.  Returns 0, or an exit
 * code (1 runtime, 2 usage) with a one-line malloc'd reason in *err. */
int lq_session_open(struct lq_session **out, const struct lq_session_opts *o, char **err);
void lq_session_close(struct lq_session **s);

/* The calendar and policy of a team (NULL: the user's team); the default
 * calendar in the user's zone when the team is unknown. Never NULL. */
const struct lq_calendar *lq_session_calendar(struct lq_session *s, const char *team_id,
					      const struct lq_sla_policy **policy);

/* The file name of a server ("https://Leadq.Example.com:8443/x" ->
 * "leadq.example.com_8443"): its cache is $XDG_DATA_HOME/leadq/NAME.db, its
 * token $XDG_CONFIG_HOME/leadq/token-NAME (0600).  malloc'd. */
char *lq_session_server_name(const char *server);
char *lq_session_token_path(const char *server);
/* The stored token of a server, malloc'd; NULL when there is none. */
char *lq_session_token(const char *server);

/* Pushes the outbox and pulls until caught up, blocking (leadq sync, the
 * demo's first pull).  on_problem gets each conflict or rejection.  0 when
 * everything applied, 3 when some op ended in conflict or was rejected, 1
 * when the server cannot be reached or refused the token (*out says which). */
int lq_session_sync_once(struct lq_session *s, lq_sync_problem_cb on_problem, void *ctx,
			 struct lq_sync_status *out);

/* Records the user of a login answer as the user of a cache: the user row,
 * meta user_id, login and server; another user's view is dropped first
 * (their outbox stays).  0, or -1 with a one-line reason in why. */
struct json_t;
int lq_session_adopt_user(struct lq_store *st, const char *server, const struct json_t *user_json,
			  char *why, size_t whysize);

/* History the server's rules wrote (routing, the SLA sweep: actors
 * "routing" and "sla", wire names in subject and detail) as a sentence in
 * the user's language into buf: "routed by rule ES-Centro, round-robin",
 * "first contact overdue: team lead notified".  False for anything else.
 * The screens' timeline and `leadq show` both write it. */
bool lq_system_note(const struct lq_activity *a, char *buf, size_t size);

/* The user is their team's single point of contact (the team's
 * dispatcher_id in the cache): they may hand the team's leads out, as its
 * team lead does. */
bool lq_session_is_dispatcher(struct lq_session *s);

#endif
