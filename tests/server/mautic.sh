#!/bin/sh
# POST /hooks/mautic with Mautic's documented webhook payloads
# (tests/fixtures/mautic): the Webhook-Signature HMAC is checked (a bad or
# missing one is 401 and writes nothing); several event types in one POST;
# contacts with enough points become leads, later saves update them; points
# that cross the threshold bring a recycled lead back as new with its
# history; do-not-contact is set and lifted; a deleted contact leaves a note
# and keeps the lead; unknown event types are skipped.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

[ -n "${HOOK_SINK:-}" ] && [ -x "$HOOK_SINK" ] || fail "\$HOOK_SINK must name the built hook_sink"
FIX="$LEADQ_TOP_SRCDIR/tests/fixtures/mautic"
setup_org
# mautic FILE [SECRET]: posts the file as Mautic does, signed with SECRET
mautic() {
	sig=$("$HOOK_SINK" --sign "${2:-s3cret}" "$1") || fail "signing $1"
	code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		-H "Webhook-Signature: $sig" --data-binary "@$1" "$BASE/hooks/mautic")
}
# jq-less JSON surgery with sqlite: json FILE EXPR (EXPR over the text x)
json() {
	sqlite3 -batch -noheader :memory: "SELECT $2 FROM (SELECT readfile('$1') AS x);"
}
lead_sql() {   # EXTERNAL_ID FIELD
	sql "SELECT json_extract(data, '\$.$2') FROM leads WHERE external_id = '$1'"
}

start_server
mautic "$FIX/batch.json"
expect_code 403 "Mautic's hooks without a configured secret"
stop_server

start_server --mautic-secret s3cret --mautic-mql-points 20
say "signatures"
mautic "$FIX/batch.json" wrong-secret
expect_code 401 "a bad signature"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST --data-binary "@$FIX/batch.json" "$BASE/hooks/mautic")
expect_code 401 "no signature"
[ "$(sql "SELECT count(*) FROM leads")" = 0 ] || fail "an unsigned hook wrote leads"

say "several event types in one POST"
mautic "$FIX/batch.json"
expect_code 200 "the batch"
[ "$(jget '$.created')|$(jget '$.updated')|$(jget '$.ignored')" = "1|1|3" ] || fail "counts: $(cat "$T/body")"
[ "$(lead_sql 47 name)|$(lead_sql 47 company)|$(lead_sql 47 title)|$(lead_sql 47 score)|$(lead_sql 47 email)" = "José Núñez|Acme Ibérica S.L.|CTO|40|jose.nunez@example.es" ] ||
	fail "the contact as a lead: $(sql "SELECT data FROM leads")"
[ "$(sql "SELECT count(*) FROM leads WHERE external_id = '49'")" = 0 ] || fail "a contact under the threshold became a lead"
jose=$(sql "SELECT id FROM leads WHERE external_id = '47'")

say "unknown event types are skipped"
mautic "$FIX/unknown_type.json"
expect_code 200 "unknown types"
[ "$(jget '$.skipped')|$(jget '$.updated')" = "3|1" ] || fail "skipped: $(cat "$T/body")"
[ "$(lead_sql 47 score)" = 30 ] || fail "the update did not set the points"

say "do not contact, set and lifted"
json "$FIX/lead_channel_subscription_changed.json" \
	"json_object('mautic.lead_channel_subscription_changed', json_array(json(json_extract(x, '\$.\"mautic.lead_channel_subscription_changed\"[0]'))))" >"$T/dnc.json"
mautic "$T/dnc.json"
expect_code 200 "do not contact"
[ "$(jget '$.do_not_contact')" = 1 ] || fail "dnc: $(cat "$T/body")"
[ "$(lead_sql 47 do_not_contact)" = 1 ] || fail "the lead is not do-not-contact"
marta=$(login marta marta-pw)
as "$marta" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"log_touch\", \"lead\": \"$jose\", \"args\": {\"kind\": \"call\", \"outcome\": \"connected\"}}]}"
[ "$(jget '$.results[0].result')" = rejected ] || fail "a call to a do-not-contact lead was taken: $(cat "$T/body")"
mautic "$FIX/lead_channel_subscription_changed.json"
expect_code 200 "do not contact and back"
[ "$(lead_sql 47 do_not_contact)" = 0 ] || fail "contactable again is not honoured"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$jose' AND json_extract(data, '\$.detail') LIKE 'Mautic: do not contact%'")" = 2 ] ||
	fail "no history of do-not-contact: $(sql "SELECT data FROM activities WHERE lead_id = '$jose'")"

say "recycled, then the points cross the threshold: new again, with its history"
as "$marta" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"set_status\", \"lead\": \"$jose\", \"args\": {\"status\": \"recycle\", \"reason\": \"timing\"}}]}"
[ "$(jget '$.results[0].result')" = applied ] || fail "recycle: $(cat "$T/body")"
n_history=$(sql "SELECT count(*) FROM activities WHERE lead_id = '$jose'")
json "$FIX/lead_points_change.json" \
	"json_set(x, '\$.\"mautic.lead_points_change\"[0].contact.id', 47, '\$.\"mautic.lead_points_change\"[0].points.old_points', 12, '\$.\"mautic.lead_points_change\"[0].points.new_points', 18)" >"$T/p18.json"
mautic "$T/p18.json"
[ "$(lead_sql 47 status)" = recycle ] || fail "points under the threshold re-qualified the lead"
json "$T/p18.json" \
	"json_set(x, '\$.\"mautic.lead_points_change\"[0].points.old_points', 18, '\$.\"mautic.lead_points_change\"[0].points.new_points', 26)" >"$T/p26.json"
mautic "$T/p26.json"
expect_code 200 "points over the threshold"
[ "$(jget '$.requalified')" = 1 ] || fail "not requalified: $(cat "$T/body")"
[ "$(lead_sql 47 status)|$(lead_sql 47 reason)|$(lead_sql 47 score)" = "new||26" ] || fail "the lead: $(sql "SELECT data FROM leads WHERE id = '$jose'")"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$jose'")" -gt "$n_history" ] || fail "history lost"
[ "$(sql "SELECT json_extract(data, '\$.subject') FROM activities WHERE lead_id = '$jose' AND json_extract(data, '\$.actor') = 'marketing' AND json_extract(data, '\$.kind') = 'status_change'")" = "recycle → new" ] ||
	fail "no history of the re-qualification"

say "a deleted contact: a note, the lead stays"
api POST /leads '{"leads": [{"name": "João Conceição", "external_id": "48", "email": "joao@example.com.br"}]}' -H "X-Api-Key: $KEY"
expect_code 200 "João by the API"
mautic "$FIX/lead_post_delete.json"
expect_code 200 "delete"
[ "$(jget '$.deleted')" = 1 ] || fail "delete: $(cat "$T/body")"
[ "$(sql "SELECT count(*) FROM leads WHERE external_id = '48'")" = 1 ] || fail "the lead was deleted"
[ "$(sql "SELECT count(*) FROM activities a JOIN leads l ON l.id = a.lead_id WHERE l.external_id = '48' AND json_extract(a.data, '\$.detail') = 'Mautic: contact deleted'")" = 1 ] ||
	fail "no note of the deletion"

say "bad bodies"
printf 'not json' >"$T/bad.json"
mautic "$T/bad.json"
expect_code 400 "not JSON"
stop_server
say "ok"
