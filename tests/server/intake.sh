#!/bin/sh
# POST /leads: API key, owner by login or the team lead, dedupe by email
# (any case) or external id with a merge, bad leads named.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
start_server
api POST /leads '{"leads": []}'
expect_code 401 "intake without a key"
api POST /leads '{"leads": []}' -H 'X-Api-Key: nope'
expect_code 401 "intake with a bad key"

api POST /leads '{"leads": [{"name": "Søren Kierkegaard", "email": "Soren@Example.dk", "external_id": "m-1", "company": "Regine A/S"}, {"name": "Owned", "email": "owned@example.com", "owner": "ana"}]}' -H "X-Api-Key: $KEY"
expect_code 200 "intake"
[ "$(jget '$.results[0].result')" = created ] || fail "not created: $(cat "$T/body")"
[ "$(jget '$.results[0].owner')" = marta ] || fail "a lead without owner goes to the team lead"
[ "$(jget '$.results[1].owner')" = ana ] || fail "owner by login"
id=$(jget '$.results[0].id')
[ "$(sql "SELECT status FROM leads WHERE id = '$id'")" = new ] || fail "an intake lead is new"
[ -n "$(sql "SELECT json_extract(data, '\$.sla_first_due') FROM leads WHERE id = '$id'")" ] || fail "no SLA deadline"

api POST /leads '{"leads": [{"name": "Søren K.", "email": "soren@example.DK", "phone": "+45 1234"}]}' -H "X-Api-Key: $KEY"
[ "$(jget '$.results[0].result')" = updated ] || fail "the same email (other case) is not a duplicate: $(cat "$T/body")"
[ "$(jget '$.results[0].id')" = "$id" ] || fail "dedupe answered another id"
api POST /leads '{"leads": [{"external_id": "m-1", "city": "København"}]}' -H "X-Api-Key: $KEY"
[ "$(jget '$.results[0].result')" = updated ] || fail "the same external id is not a duplicate"
[ "$(sql "SELECT count(*) FROM leads")" = 2 ] || fail "dedupe made new leads"
[ "$(sql "SELECT json_extract(data, '\$.company') || '|' || json_extract(data, '\$.phone') || '|' || json_extract(data, '\$.city') || '|' || json_extract(data, '\$.name') FROM leads WHERE id = '$id'")" = "Regine A/S|+45 1234|København|Søren K." ] ||
	fail "the merge lost or kept the wrong fields: $(sql "SELECT data FROM leads WHERE id = '$id'")"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'intake_update' AND who = 'key:mautic'")" = 2 ] || fail "intake is not audited"

api POST /leads '{"leads": [{"name": "Bad", "score": "high"}]}' -H "X-Api-Key: $KEY"
expect_code 400 "a bad lead"
jget '$.error.message' | grep -q 'leads\[0\].*score' || fail "the bad field is not named: $(cat "$T/body")"
api POST /leads '{"leads": [{"name": "X", "owner": "ghost"}]}' -H "X-Api-Key: $KEY"
expect_code 400 "an unknown owner"
api POST /leads 'not json' -H "X-Api-Key: $KEY"
expect_code 400 "not JSON"
stop_server
say "ok"
