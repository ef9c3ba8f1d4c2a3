#!/bin/sh
# POST /ops: applied, idempotent replays, same id other body, conflicts,
# undo, reassign, scope (forbidden and audited), malformed and big bodies.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
start_server --max-body 4096
ana=$(login ana ana-pw)
bob=$(login bob bob-pw)
marta=$(login marta marta-pw)
lead=$(add_lead '{"name": "José Núñez", "email": "jose@example.es", "owner": "ana"}')
[ -n "$lead" ] || fail "no lead id"

op() { # ID KIND BASE ARGS
	printf '{"id": "%s", "kind": "%s", "lead": "%s", "base_version": %s, "at": "2026-11-24T10:31:02Z", "args": %s}' \
		"$1" "$2" "$lead" "$3" "$4"
}

say "applied and duplicate"
id1=$(uuid); act1=$(uuid)
body="{\"ops\": [$(op "$id1" log_touch 1 "{\"kind\": \"call\", \"outcome\": \"no_answer\", \"activity\": \"$act1\"}")]}"
as "$ana" POST /ops "$body"
expect_code 200 "a touch"
[ "$(jget '$.results[0].result')" = applied ] || fail "touch not applied: $(cat "$T/body")"
[ "$(jget '$.results[0].lead.status')" = working ] || fail "a touch moves new to working"
[ "$(jget '$.results[0].lead.version')" = 2 ] || fail "the version is bumped"
[ "$(jget '$.results[0].lead.touches')" = 1 ] || fail "touches counted"
as "$ana" POST /ops "$body"
expect_code 200 "the replay"
[ "$(jget '$.results[0].result')" = duplicate ] || fail "replay not duplicate: $(cat "$T/body")"
[ "$(jget '$.results[0].lead.version')" = 2 ] || fail "duplicate answers the stored lead"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$lead' AND id = '$act1'")" = 1 ] || fail "activity not kept under the client's id"
[ "$(sql "SELECT count(*) FROM ops_applied WHERE id = '$id1'")" = 1 ] || fail "op not recorded"
[ "$(sql "SELECT json_extract(data, '\$.touches') FROM leads WHERE id = '$lead'")" = 1 ] || fail "the replay was applied twice"

say "an activity id in use"
as "$ana" POST /ops "{\"ops\": [$(op "$(uuid)" add_note 2 "{\"text\": \"steal\", \"activity\": \"$act1\"}")]}"
[ "$(jget '$.results[0].result')" = rejected ] || fail "a used activity id was accepted: $(cat "$T/body")"
jget '$.results[0].error.message' | grep -q "in use" || fail "the reason does not say the id is in use"
[ "$(sql "SELECT json_extract(data, '\$.kind') FROM activities WHERE id = '$act1'")" = call ] ||
	fail "the activity under that id was overwritten"

say "same id, other body"
as "$ana" POST /ops "{\"ops\": [$(op "$id1" add_note 1 '{"text": "other", "activity": "'"$(uuid)"'"}')]}"
expect_code 200 "same id other body"
[ "$(jget '$.results[0].result')" = rejected ] || fail "same id other body not rejected"
[ "$(jget '$.results[0].error.code')" = unprocessable ] || fail "same id other body: code"

say "conflict"
as "$ana" POST /ops "{\"ops\": [$(op "$(uuid)" set_status 1 '{"status": "qualified"}')]}"
[ "$(jget '$.results[0].result')" = conflict ] || fail "a stale base_version is not a conflict: $(cat "$T/body")"
[ "$(jget '$.results[0].error.code')" = conflict ] || fail "conflict code"
[ "$(jget '$.results[0].lead.status')" = working ] || fail "a conflict answers the server's lead"
idq=$(uuid)
as "$ana" POST /ops "{\"ops\": [$(op "$idq" set_status 2 '{"status": "recycle", "reason": "no_budget"}'), $(op "$(uuid)" add_note 1 '{"text": "notes never conflict", "activity": "'"$(uuid)"'"}')]}"
[ "$(jget '$.results[0].result')" = applied ] || fail "set_status at the current version: $(cat "$T/body")"
[ "$(jget '$.results[0].lead.reason')" = no_budget ] || fail "the reason is kept"
[ "$(jget '$.results[1].result')" = applied ] || fail "a note with an old base_version: $(cat "$T/body")"
as "$ana" POST /ops "{\"ops\": [$(op "$(uuid)" set_status 4 '{"status": "recycle"}')]}"
[ "$(jget '$.results[0].result')" = rejected ] || fail "a move the state machine refuses"
[ "$(jget '$.results[0].error.code')" = bad_request ] || fail "refused move: code"

say "undo"
as "$ana" POST /ops "{\"ops\": [$(op "$(uuid)" undo 4 "{\"op\": \"$idq\"}")]}"
[ "$(jget '$.results[0].result')" = applied ] || fail "undo: $(cat "$T/body")"
[ "$(jget '$.results[0].lead.status')" = working ] || fail "undo restores working"
[ "$(sql "SELECT json_extract(data, '\$.undone') FROM activities WHERE op_id = '$idq' AND undo_of IS NULL")" = 1 ] ||
	fail "the undone activity is not marked"

say "scope: forbidden and audited"
as "$bob" POST /ops "{\"ops\": [$(op "$(uuid)" set_status 5 '{"status": "junk", "reason": "spam"}')]}"
expect_code 200 "bob's op on ana's lead"
[ "$(jget '$.results[0].result')" = rejected ] || fail "bob changed ana's lead: $(cat "$T/body")"
[ "$(jget '$.results[0].error.code')" = forbidden ] || fail "bob's op: code"
bob_id=$(sql "SELECT id FROM users WHERE login = 'bob'")
[ "$(sql "SELECT count(*) FROM audit WHERE who = '$bob_id' AND action = 'forbidden' AND entity_id = '$lead'")" = 1 ] ||
	fail "the forbidden op is not in the audit log"
[ "$(sql "SELECT status FROM leads WHERE id = '$lead'")" = working ] || fail "bob's op changed the lead"
as "$ana" POST /ops "{\"ops\": [$(op "$(uuid)" reassign 5 "{\"owner\": \"$bob_id\"}")]}"
[ "$(jget '$.results[0].error.code')" = forbidden ] || fail "a rep reassigned: $(cat "$T/body")"
as "$marta" POST /ops "{\"ops\": [$(op "$(uuid)" reassign 5 "{\"owner\": \"$bob_id\", \"reason\": \"holiday\"}")]}"
[ "$(jget '$.results[0].result')" = applied ] || fail "the team lead's reassign: $(cat "$T/body")"
[ "$(sql "SELECT owner_id FROM leads WHERE id = '$lead'")" = "$bob_id" ] || fail "reassign did not move the owner"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'reassign' AND before IS NOT NULL AND after IS NOT NULL")" = 1 ] ||
	fail "reassign is not audited with before and after"

say "one transaction per batch: a refused op in the middle undoes only itself"
lead2=$(add_lead '{"name": "Zoë Zürich", "email": "zoe@example.ch", "owner": "ana"}')
[ -n "$lead2" ] || fail "no second lead id"
ida=$(uuid); idb=$(uuid); idc=$(uuid); acta=$(uuid); actc=$(uuid)
opb() { # ID KIND ARGS (on lead2, no base_version)
	printf '{"id": "%s", "kind": "%s", "lead": "%s", "at": "2026-11-24T10:31:02Z", "args": %s}' "$1" "$2" "$lead2" "$3"
}
body="{\"ops\": [$(opb "$ida" add_note "{\"text\": \"first\", \"activity\": \"$acta\"}"), $(opb "$idb" set_status '{"status": "no_such_status"}'), $(opb "$idc" log_touch "{\"kind\": \"email\", \"outcome\": \"sent\", \"activity\": \"$actc\"}"), $(opb "$ida" add_note "{\"text\": \"first\", \"activity\": \"$acta\"}")]}"
as "$ana" POST /ops "$body"
expect_code 200 "a batch with a refused op"
[ "$(jget '$.results[0].result')" = applied ] || fail "batch op 0: $(cat "$T/body")"
[ "$(jget '$.results[1].result')" = rejected ] || fail "batch op 1 not rejected: $(cat "$T/body")"
[ "$(jget '$.results[2].result')" = applied ] || fail "batch op 2 after a refused one: $(cat "$T/body")"
[ "$(jget '$.results[2].lead.version')" = 3 ] || fail "batch op 2 sees op 0's version: $(cat "$T/body")"
[ "$(jget '$.results[3].result')" = duplicate ] || fail "an id twice in one batch is a duplicate: $(cat "$T/body")"
# Committed before the answer: another connection (sqlite3) sees both.
[ "$(sql "SELECT count(*) FROM ops_applied WHERE id IN ('$ida', '$idb', '$idc')")" = 2 ] ||
	fail "the batch's applied ops are not all recorded, or the refused one is"
[ "$(sql "SELECT count(*) FROM activities WHERE id IN ('$acta', '$actc')")" = 2 ] ||
	fail "the batch's activities are not both kept"
[ "$(sql "SELECT version FROM leads WHERE id = '$lead2'")" = 3 ] || fail "the lead's version after the batch"
[ "$(sql "SELECT count(*) FROM feed WHERE lead_id = '$lead2' OR entity_id = '$lead2'")" = 5 ] ||
	fail "feed rows of the batch: $(sql "SELECT count(*) FROM feed WHERE lead_id = '$lead2' OR entity_id = '$lead2'")"

say "malformed bodies"
as "$ana" POST /ops '{"ops": [ {"id": '
expect_code 400 "truncated JSON"
[ "$(jget '$.error.code')" = bad_request ] || fail "truncated JSON: code"
jget '$.error.message' | grep -q 'line 1' || fail "the JSON fault is not named: $(cat "$T/body")"
as "$ana" POST /ops '{"opz": []}'
expect_code 400 "no ops array"
[ "$(jget '$.error.message')" = "ops: expected an array" ] || fail "no ops array: message"
as "$ana" POST /ops "{\"ops\": [$(op "$(uuid)" add_note 5 '{"text": "x"}'), {\"id\": \"$(uuid)\", \"kind\": \"x\", \"lead\": \"$lead\"}]}"
expect_code 400 "an unknown kind"
[ "$(jget '$.error.message')" = "ops[1].kind: unknown op kind 'x'" ] || fail "unknown kind: $(cat "$T/body")"
as "$ana" POST /ops "{\"ops\": [{\"kind\": \"add_note\", \"lead\": \"$lead\"}]}"
expect_code 400 "an op without id"
[ "$(jget '$.error.message')" = "ops[0].id: expected a UUID" ] || fail "no id: $(cat "$T/body")"

say "oversized body"
big=$(head -c 6000 /dev/zero | tr '\0' 'x')
as "$ana" POST /ops "{\"ops\": [], \"pad\": \"$big\"}"
expect_code 413 "a body over --max-body"
[ "$(jget '$.error.code')" = too_large ] || fail "413: code"
# The server is still there.
as "$ana" GET /changes
expect_code 200 "after the 413"
stop_server
say "ok"
