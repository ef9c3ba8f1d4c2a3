#!/bin/sh
# Telequalification (issue 5): a team in routing mode "telequal" sends new
# leads to its pool (no owner); the team's agents receive the pool in their
# feed, reps and other teams' agents do not; an agent asks which rep to book
# (the proposal, a dry run) and books, and the lead leaves the pool.
# Callbacks: personal or the team's, only one's own personal ones; an
# overdue personal callback is released to the team by the sweep, once.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
lqd team add --db "$DB" Norte --tz Europe/Madrid
expect_rc 0 "team add Norte"
for u in tq1:Iberia tq2:Iberia tqn:Norte; do
	printf 'pw\n' | "$LEADQD" user add --db "$DB" "${u%%:*}" --name "Agente ${u%%:*}" \
		--role telequal --team "${u#*:}" --password-stdin >/dev/null || fail "user add $u"
done
sql "UPDATE users SET capacity = 20 WHERE role = 'rep'"
printf '[team Iberia]\nrouting = telequal\n' >"$T/policy"
lqd policy import --db "$DB" "$T/policy"
expect_rc 0 "policy import: telequal"
printf '[rule Todo]\ncountry = ES\nto = team Iberia\n' >"$T/rules"
lqd rules import --db "$DB" "$T/rules"
expect_rc 0 "rules import"
start_server
ana_id=$(sql "SELECT id FROM users WHERE login = 'ana'")
tq1_id=$(sql "SELECT id FROM users WHERE login = 'tq1'")

say "a new lead goes to the pool"
lead=$(add_lead '{"name": "Begoña Ruiz", "email": "bego@x.es", "country": "ES", "tz": "Europe/Madrid"}')
[ "$(sql "SELECT coalesce(owner_id, 'none') FROM leads WHERE id = '$lead'")" = none ] ||
	fail "the pool lead has an owner"
[ "$(sql "SELECT json_extract(data, '\$.detail') FROM activities WHERE lead_id = '$lead' AND json_extract(data, '\$.kind') = 'assignment'")" = telequal ] ||
	fail "the history does not say it went to the pool: $(sql "SELECT data FROM activities WHERE lead_id = '$lead'")"

say "the team's agents see the pool, nobody else"
tq1=$(login tq1 pw)
tq2=$(login tq2 pw)
tqn=$(login tqn pw)
ana=$(login ana ana-pw)
marta=$(login marta marta-pw)
sees() { # TOKEN: whether the lead is in the caller's feed
	as "$1" GET "/changes?limit=1000"
	expect_code 200 "changes"
	grep -q "\"type\":\"lead\",\"id\":\"$lead\"" "$T/body"
}
sees "$tq1" || fail "the agent does not see the pool lead"
sees "$tq2" || fail "the second agent does not see the pool lead"
sees "$marta" || fail "the team lead does not see the pool lead"
sees "$ana" && fail "a rep sees the pool lead"
sees "$tqn" && fail "another team's agent sees the pool lead"

say "an agent works a pool lead"
op() { # TOKEN KIND ARGS
	as "$1" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"$2\", \"lead\": \"$lead\", \"at\": \"2027-01-04T09:00:00Z\", \"args\": $3}]}"
	expect_code 200 "$2"
}
op "$tq1" log_touch '{"kind": "call", "outcome": "no_answer"}'
[ "$(jget '$.results[0].result')" = applied ] || fail "a call on a pool lead: $(cat "$T/body")"
op "$tqn" log_touch '{"kind": "call", "outcome": "no_answer"}'
[ "$(jget '$.results[0].error.code')" = forbidden ] || fail "another team's agent: $(cat "$T/body")"

say "callbacks: one's own personal ones, or the team's"
op "$tq2" schedule_callback "{\"callback_at\": \"2027-01-05T10:00:00Z\", \"callback_user\": \"$tq1_id\"}"
[ "$(jget '$.results[0].result')" = rejected ] || fail "a personal callback for someone else: $(cat "$T/body")"
op "$tq1" schedule_callback "{\"callback_at\": \"2027-01-05T10:00:00Z\", \"callback_user\": \"$tq1_id\", \"text\": \"después de las 11 en Madrid\"}"
[ "$(jget '$.results[0].result')" = applied ] || fail "a personal callback: $(cat "$T/body")"
[ "$(sql "SELECT json_extract(data, '\$.callback_at') || ' ' || json_extract(data, '\$.callback_user') FROM leads WHERE id = '$lead'")" = "2027-01-05T10:00:00Z $tq1_id" ] ||
	fail "the lead's callback: $(sql "SELECT data FROM leads WHERE id = '$lead'")"
sees "$tq2" || fail "the other agent lost the lead"
grep -q '"callback_user":"'"$tq1_id"'"' "$T/body" || fail "the feed does not carry the callback"

say "the sweep releases an overdue personal callback to the team, once"
stop_server
lqd sweep --db "$DB" --now 2027-01-05T10:20:00Z
expect_out "callback_released 0" "not yet overdue by the default 30 minutes"
lqd sweep --db "$DB" --now 2027-01-05T10:20:00Z --callback-release 15
expect_out "callback_released 1" "overdue by 15 minutes"
[ "$(sql "SELECT coalesce(json_extract(data, '\$.callback_user'), 'team') || ' ' || json_extract(data, '\$.callback_at') FROM leads WHERE id = '$lead'")" = "team 2027-01-05T10:00:00Z" ] ||
	fail "released: $(sql "SELECT data FROM leads WHERE id = '$lead'")"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$lead' AND json_extract(data, '\$.kind') = 'callback' AND json_extract(data, '\$.detail') = 'released'")" = 1 ] ||
	fail "no history row for the release"
lqd sweep --db "$DB" --now 2027-01-05T12:00:00Z --callback-release 15
expect_out "callback_released 0" "released twice"
lqd sweep --db "$DB" --callback-release 0
expect_rc 2 "a release delay of 0"
start_server

say "a call after the callback answers it: the sweep leaves it alone"
op "$tq1" schedule_callback "{\"callback_at\": \"2027-01-06T10:00:00Z\", \"callback_user\": \"$tq1_id\"}"
as "$tq1" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"log_touch\", \"lead\": \"$lead\", \"at\": \"2027-01-06T09:55:00Z\", \"args\": {\"kind\": \"call\", \"outcome\": \"connected\"}}]}"
stop_server
lqd sweep --db "$DB" --now 2027-01-06T12:00:00Z
expect_out "callback_released 0" "a callback already made was released"
start_server

say "the proposal, then the booking: the lead leaves the pool"
as "$tq1" GET "/leads/$lead/proposal"
expect_code 200 "proposal"
proposed=$(jget '$.rep.login')
case $proposed in ana|bob) ;; *) fail "proposed rep: $(cat "$T/body")" ;; esac
as "$tq1" GET "/leads/$lead/proposal"
[ "$(jget '$.rep.login')" = "$proposed" ] || fail "a proposal moved the round-robin"
as "$tqn" GET "/leads/$lead/proposal"
expect_code 404 "a proposal for a lead out of view"
as "$tq1" GET "/leads/$(uuid)/proposal"
expect_code 404 "a proposal for no lead"
op "$tq1" book_appointment "{\"appointment\": \"$(uuid)\", \"rep\": \"$ana_id\", \"start\": \"2027-01-07T09:00:00Z\", \"end\": \"2027-01-07T09:30:00Z\", \"tz\": \"Europe/Madrid\"}"
[ "$(jget '$.results[0].result')" = applied ] || fail "booking a pool lead: $(cat "$T/body")"
# The lead left the agent's view: the answer says so instead of sending it.
[ "$(jget '$.results[0].removed')" = 1 ] && [ -z "$(jget '$.results[0].lead.id')" ] ||
	fail "the answer of a booking that took the lead away: $(cat "$T/body")"
[ "$(sql "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = '$lead'")" = ana ] ||
	fail "the booked lead is not ana's"
as "$tq2" GET "/changes?limit=1000"
grep -q "\"id\":\"$lead\",\"removed\":true" "$T/body" || fail "the pool lead booked away was not removed from the other agent"
sees "$ana" || fail "the rep did not receive the booked lead"

stop_server
say "ok"
