#!/bin/sh
# A restart keeps everything: tokens, leads, applied ops (a replay after a
# kill -9 is still a duplicate), the epoch and cursors.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
start_server
ana=$(login ana ana-pw)
lead=$(add_lead '{"name": "Kill Nine", "email": "k9@example.com", "owner": "ana"}')
id=$(uuid)
body="{\"ops\": [{\"id\": \"$id\", \"kind\": \"add_note\", \"lead\": \"$lead\", \"base_version\": 1, \"args\": {\"text\": \"durable\", \"activity\": \"$(uuid)\"}}]}"
as "$ana" POST /ops "$body"
[ "$(jget '$.results[0].result')" = applied ] || fail "note: $(cat "$T/body")"
as "$ana" GET /changes
cursor=$(jget '$.cursor')

say "kill -9"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
start_server
as "$ana" POST /ops "$body"
expect_code 200 "the token survives a kill -9"
[ "$(jget '$.results[0].result')" = duplicate ] || fail "the acknowledged op was lost: $(cat "$T/body")"
as "$ana" GET "/changes?since=$cursor"
expect_code 200 "the cursor survives a restart"

say "SIGTERM"
stop_server
start_server
as "$ana" GET /changes
expect_code 200 "after a clean restart"
grep -q 'k9@example.com' "$T/body" || fail "the lead is gone after a restart"
[ "$(jget '$.cursor')" = "$cursor" ] || fail "the cursor moved without changes ($(jget '$.cursor') vs $cursor)"

say "SIGTERM during a long poll"
curl -s -o "$T/poll" -H "Authorization: Bearer $ana" "$BASE/changes?since=$cursor&wait=30" &
poll=$!
sleep 0.5
t0=$(date +%s%N)
stop_server
wait $poll
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 3000 ] || fail "SIGTERM waited for the long poll"
say "ok"
