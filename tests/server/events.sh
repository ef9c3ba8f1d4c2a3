#!/bin/sh
# POST /events: behaviour events matched to leads by external id or email
# (any case) become their history and reach the owner's feed; events of
# unknown people are kept and attached when the lead arrives; a replayed
# event id is stored once; a bad batch is refused whole and names the fault.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
start_server
ana=$(login ana ana-pw)
lead=$(add_lead '{"name": "José Núñez", "email": "Jose@Example.es", "external_id": "m-1", "owner": "ana"}')
as "$ana" GET /changes
cursor=$(jget '$.cursor')

api POST /events '{"events": []}'
expect_code 401 "events without a key"

say "known leads: by external id and by email, any case"
ev1=$(uuid)
api POST /events "{\"events\": [
 {\"id\": \"$ev1\", \"type\": \"page_view\", \"at\": \"2026-11-20T10:00:00Z\", \"external_id\": \"m-1\", \"url\": \"https://example.es/precios\", \"title\": \"Precios — Zürich\", \"duration_s\": 95},
 {\"type\": \"email_click\", \"at\": \"2026-11-20T10:05:00Z\", \"email\": \"JOSE@example.ES\", \"url\": \"https://example.es/demo\", \"campaign\": \"Otoño 2026\"},
 {\"type\": \"form_submit\", \"at\": \"2026-11-20T10:07:00Z\", \"email\": \"jose@example.es\", \"form\": \"Pedir demo\", \"fields\": {\"empleados\": \"250\", \"ciudad\": \"São Paulo\"}}
]}" -H "X-Api-Key: $KEY"
expect_code 200 "events"
[ "$(jget '$.attached')|$(jget '$.kept')|$(jget '$.duplicate')" = "3|0|0" ] || fail "counts: $(cat "$T/body")"
[ "$(jget '$.results[0].lead')" = "$lead" ] || fail "not matched by external id: $(cat "$T/body")"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$lead' AND json_extract(data, '\$.actor') = 'marketing'")" = 3 ] ||
	fail "the events are not the lead's history"
[ "$(sql "SELECT json_extract(data, '\$.subject') || '|' || json_extract(data, '\$.detail') || '|' || json_extract(data, '\$.duration_s') FROM activities WHERE id = '$ev1'")" = "https://example.es/precios|Precios — Zürich|95" ] ||
	fail "page view: $(sql "SELECT data FROM activities WHERE id = '$ev1'")"
[ "$(sql "SELECT json_extract(data, '\$.detail') FROM activities WHERE lead_id = '$lead' AND json_extract(data, '\$.kind') = 'form_submit'")" = "empleados=250; ciudad=São Paulo" ] ||
	fail "form fields: $(sql "SELECT data FROM activities WHERE lead_id = '$lead'")"
as "$ana" GET "/changes?since=$cursor"
[ "$(sqlite3 -batch -noheader :memory: "SELECT count(*) FROM json_each(json_extract(readfile('$T/body'), '\$.changes')) WHERE json_extract(value, '\$.type') = 'activity'")" = 3 ] ||
	fail "the owner's feed lacks the events: $(head -c 600 "$T/body")"

say "a replay is stored once"
api POST /events "{\"events\": [{\"id\": \"$ev1\", \"type\": \"page_view\", \"at\": \"2026-11-20T10:00:00Z\", \"external_id\": \"m-1\", \"url\": \"https://example.es/precios\"}]}" -H "X-Api-Key: $KEY"
expect_code 200 "a replay"
[ "$(jget '$.results[0].result')" = duplicate ] || fail "a replay: $(cat "$T/body")"
[ "$(sql "SELECT count(*) FROM activities WHERE id = '$ev1'")" = 1 ] || fail "stored twice"

say "unknown people: kept, then attached when the lead arrives"
api POST /events '{"events": [
 {"type": "download", "at": "2026-11-21T09:00:00Z", "email": "Zoe@example.ch", "asset": "Guía ERP.pdf"},
 {"type": "webinar", "at": "2026-11-21T11:00:00Z", "external_id": "m-9", "name": "ERP en 30 minutos", "duration_s": 1800},
 {"type": "email_open", "at": "2026-11-21T12:00:00Z", "email": "nadie@example.com", "campaign": "Otoño 2026"}
]}' -H "X-Api-Key: $KEY"
expect_code 200 "anonymous events"
[ "$(jget '$.kept')" = 3 ] || fail "not kept: $(cat "$T/body")"
[ "$(sql "SELECT count(*) FROM anon_events")" = 3 ] || fail "anon_events"
api POST /leads '{"leads": [{"name": "Zoë Keller", "email": "zoe@EXAMPLE.ch", "external_id": "m-9", "owner": "ana"}]}' -H "X-Api-Key: $KEY"
expect_code 200 "the lead arrives"
zoe=$(jget '$.results[0].id')
[ "$(jget '$.results[0].events_attached')" = 2 ] || fail "events not attached on arrival: $(cat "$T/body")"
[ "$(sql "SELECT group_concat(json_extract(data, '\$.kind'), ',') FROM (SELECT data FROM activities WHERE lead_id = '$zoe' AND json_extract(data, '\$.actor') = 'marketing' ORDER BY at)")" = "download,webinar" ] ||
	fail "attached history: $(sql "SELECT data FROM activities WHERE lead_id = '$zoe'")"
[ "$(sql "SELECT count(*) FROM anon_events")" = 1 ] || fail "attached events are still kept"

say "bad batches are refused whole, naming the fault"
n_before=$(sql "SELECT count(*) FROM activities")
api POST /events '{"events": [{"type": "page_view", "at": "2026-11-20T10:00:00Z", "email": "jose@example.es", "url": "https://x"}, {"type": "click", "at": "2026-11-20T10:00:00Z", "email": "jose@example.es"}]}' -H "X-Api-Key: $KEY"
expect_code 400 "an unknown type"
jget '$.error.message' | grep -q "events\[1\].type" || fail "the fault is not named: $(cat "$T/body")"
api POST /events '{"events": [{"type": "page_view", "at": "2026-11-20T10:00:00Z", "url": "https://x"}]}' -H "X-Api-Key: $KEY"
expect_code 400 "no lead key"
api POST /events '{"events": [{"type": "page_view", "email": "a@b.es", "url": "https://x"}]}' -H "X-Api-Key: $KEY"
expect_code 400 "no time"
api POST /events '{"events": [' -H "X-Api-Key: $KEY"
expect_code 400 "not JSON"
[ "$(sql "SELECT count(*) FROM activities")" = "$n_before" ] || fail "a refused batch wrote something"
stop_server
say "ok"
