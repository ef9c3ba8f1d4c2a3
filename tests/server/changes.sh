#!/bin/sh
# GET /changes: scope by role, removals, cursors (410 for another epoch),
# and the long poll waking within a second or two when a lead arrives.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
start_server
ana=$(login ana ana-pw)
bob=$(login bob bob-pw)
marta=$(login marta marta-pw)
lead=$(add_lead '{"name": "Zoë Ängström", "email": "zoe@example.se", "owner": "ana"}')
bob_id=$(sql "SELECT id FROM users WHERE login = 'bob'")

say "scope"
as "$ana" GET '/changes?limit=1000'
expect_code 200 "ana's changes"
n=$(sqlite3 :memory: "SELECT count(*) FROM json_each(readfile('$T/body'), '\$.changes') WHERE json_extract(value, '\$.id') = '$lead'")
[ "$n" = 1 ] || fail "ana does not see her lead: $(cat "$T/body")"
[ "$(jget '$.more')" = 0 ] || fail "more on a short feed"
ana_cursor=$(jget '$.cursor')
as "$bob" GET /changes
grep -q "$lead" "$T/body" && fail "bob sees ana's lead through changes"
n=$(sqlite3 :memory: "SELECT count(*) FROM json_each(readfile('$T/body'), '\$.changes') WHERE json_extract(value, '\$.type') = 'user'")
[ "$n" = 3 ] || fail "bob does not see his team's 3 users: $(cat "$T/body")"
as "$marta" GET /changes
grep -q "$lead" "$T/body" || fail "the team lead does not see the team's lead"
as "$ana" GET '/changes?limit=1'
[ "$(jget '$.more')" = 1 ] || fail "limit=1 should say more"
as "$ana" GET '/changes?limit=0'
expect_code 400 "limit=0"
as "$ana" GET '/changes?wait=61'
expect_code 400 "wait=61"

say "cursors"
as "$ana" GET "/changes?since=$ana_cursor"
expect_code 200 "from ana's cursor"
[ "$(jget '$.changes[0]')" = "" ] || fail "changes after the cursor: $(cat "$T/body")"
as "$ana" GET "/changes?since=0123456789abcdef.1"
expect_code 410 "a cursor of another epoch"
[ "$(jget '$.error.code')" = resync_required ] || fail "410 code"
as "$ana" GET "/changes?since=${ana_cursor%.*}.999999"
expect_code 410 "a cursor from the future"

say "long poll"
t0=$(date +%s%N)
curl -s -o "$T/poll" -H "Authorization: Bearer $ana" "$BASE/changes?since=$ana_cursor&wait=10" &
poll=$!
sleep 1
add_lead '{"name": "Ana Long Poll", "email": "poll@example.es", "owner": "ana"}' >/dev/null
t1=$(date +%s%N)
wait $poll
t2=$(date +%s%N)
woke=$(( (t2 - t1) / 1000000 ))
total=$(( (t2 - t0) / 1000000 ))
say "the long poll returned ${woke} ms after the lead arrived (${total} ms in all)"
[ "$woke" -lt 2000 ] || fail "the long poll took ${woke} ms after the change"
grep -q 'poll@example.es' "$T/poll" || fail "the long poll did not bring the lead: $(cat "$T/poll")"
# A wait with nothing to say returns at its end.
t0=$(date +%s%N)
as "$bob" GET "/changes?since=$(jget '$.cursor' 2>/dev/null)&wait=1"
as "$bob" GET /changes
bc=$(jget '$.cursor')
t0=$(date +%s%N)
as "$bob" GET "/changes?since=$bc&wait=1"
t1=$(date +%s%N)
expect_code 200 "an idle long poll"
[ $(( (t1 - t0) / 1000000 )) -ge 900 ] || fail "an idle wait=1 returned early"

say "a change written by another process"
# leadqd user add writes the feed from its own process: the server notices
# within about a second (its housekeeping reads the feed's end), well
# before the 10 s wait runs out.
as "$bob" GET /changes
bc=$(jget '$.cursor')
curl -s -o "$T/poll2" -H "Authorization: Bearer $bob" "$BASE/changes?since=$bc&wait=10" &
poll=$!
sleep 0.5
printf 'pw\n' | "$LEADQD" user add --db "$DB" carmen --name "Carmen Núñez" --role rep \
	--team Iberia --password-stdin >/dev/null || fail "user add while serving"
t1=$(date +%s%N)
wait $poll
t2=$(date +%s%N)
woke=$(( (t2 - t1) / 1000000 ))
say "the long poll returned ${woke} ms after another process wrote"
[ "$woke" -lt 5000 ] || fail "a change from another process took ${woke} ms to reach the long poll"
grep -q 'Carmen Núñez' "$T/poll2" || fail "the long poll did not bring the new user: $(cat "$T/poll2")"

say "removal on reassign"
ana_cursor=$(sed -n 's/.*"cursor":"\([^"]*\)".*/\1/p' "$T/poll")
as "$marta" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"reassign\", \"lead\": \"$lead\", \"base_version\": 1, \"args\": {\"owner\": \"$bob_id\"}}]}"
[ "$(jget '$.results[0].result')" = applied ] || fail "reassign: $(cat "$T/body")"
as "$ana" GET "/changes?since=$ana_cursor"
n=$(sqlite3 :memory: "SELECT count(*) FROM json_each(readfile('$T/body'), '\$.changes') WHERE json_extract(value, '\$.id') = '$lead' AND json_extract(value, '\$.removed')")
[ "$n" = 1 ] || fail "ana is not told the lead left her view: $(cat "$T/body")"
grep -q '"email":"zoe@example.se"' "$T/body" && fail "ana still gets the reassigned lead's data"
as "$bob" GET "/changes?since=$bc"
grep -q "$lead" "$T/body" || fail "bob does not get the lead reassigned to him"
stop_server
say "ok"
