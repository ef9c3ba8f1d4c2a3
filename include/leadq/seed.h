/* leadq — the reproducible demo and scale data generator.
 *
 * Pure: it draws from its own PRNG (same seed and now -> same data) and hands
 * every entity to a sink, so the same generator fills the client's demo
 * cache, the server's database (`leadqd seed`) and the scale tests. */
#ifndef LEADQ_SEED_H
#define LEADQ_SEED_H

#include <stdint.h>

#include "leadq/calendar.h"
#include "leadq/lead.h"
#include "leadq/org.h"
#include "leadq/time.h"

struct lq_seed_opts {
	uint64_t seed;
	lq_time now;              /* MQL times are placed relative to this */
	int leads;                /* total leads */
	int reps;                 /* reps, spread over teams of about 6 */
	int events_per_lead;      /* average behaviour events per lead */
};

/* The generator's own failures (negative; a sink should stop with a positive
 * value so that the two cannot be confused). */
#define LQ_SEED_EINVAL (-1)       /* leads < 0, reps < 1 or events_per_lead < 0 */
#define LQ_SEED_ENOMEM (-2)       /* the per-rep tables could not be allocated */

/* Receives the entities in dependency order (teams, users, then each lead
 * followed by its activities, in time order).  A non-zero return stops the
 * generator and is returned by lq_seed_run().  The entities and their
 * strings are the generator's and valid only during the call: a sink copies
 * what it keeps.  Any callback may be NULL (that kind is skipped). */
struct lq_seed_sink {
	int (*team)(void *ctx, const struct lq_team *t);
	int (*user)(void *ctx, const struct lq_user *u);
	int (*lead)(void *ctx, const struct lq_lead *l);
	int (*activity)(void *ctx, const struct lq_activity *a);
	/* The calendar and policy of a team just handed to team(), used to set
	 * each lead's deadlines with lq_sla_deadlines() (zones are loaded by the
	 * caller: the core does no I/O).  NULL: deadlines are left unset.  The
	 * calendar (and *policy, when set) must stay valid until lq_seed_run()
	 * returns; *policy left NULL means the team's own policy. */
	const struct lq_calendar *(*calendar_for)(void *ctx, const struct lq_team *t,
						  const struct lq_sla_policy **policy);
	void *ctx;
};

/* The first user generated is the demo rep (role rep, login "lucia"), the
 * second the team lead of the first team (login "marta"), the third a
 * telequalification agent (login "tq").  Leads are spread over reps; MQL
 * times are spread so that about a third of open leads are on track, a
 * third at risk and a third breached at now under the default policy. */
int lq_seed_run(const struct lq_seed_opts *o, const struct lq_seed_sink *sink);

/* The number of teams lq_seed_run() makes for this many reps (about 6 each). */
int lq_seed_team_count(int reps);

#endif
