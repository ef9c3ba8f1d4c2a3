#!/bin/sh
# The closed loop out (src/server/hook.c): every outcome a rep gives (and
# its undo) reaches marketing's webhook as a signed JSON event, exactly once
# each — also while the receiver is down and across a restart of leadqd in
# the middle of the outage; without --webhook-url nothing is queued.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

[ -n "${HOOK_SINK:-}" ] && [ -x "$HOOK_SINK" ] || fail "\$HOOK_SINK must name the built hook_sink"
setup_org
mkdir -p "$T/hooks"
SINK_PID=
start_sink() {   # [PORT]
	: >"$T/sink.out"
	"$HOOK_SINK" "$T/hooks" "${1:-0}" s3cret >"$T/sink.out" 2>"$T/sink.err" &
	SINK_PID=$!
	n=0
	while ! grep -q '^listening on ' "$T/sink.out"; do
		n=$((n + 1))
		[ $n -lt 100 ] || fail "hook_sink did not start: $(cat "$T/sink.err")"
		sleep 0.05
	done
	HOOK_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/sink.out")
}
trap 'kill "$SINK_PID" 2>/dev/null; cleanup' EXIT
# wait_hooks N: until N events were received (about 20 s at most: the
# retries after an outage wait 2, 4, 8 s)
wait_hooks() {
	n=0
	while [ "$(ls "$T/hooks" | grep -c '\.req$')" -lt "$1" ]; do
		n=$((n + 1))
		[ $n -lt 400 ] || fail "expected $1 events, got $(ls "$T/hooks" | grep -c '\.req$'); queue: $(sql "SELECT id, to_addr, attempts, error FROM outbound WHERE channel = 'webhook'")"
		sleep 0.05
	done
}
# body N: the JSON body of the Nth event
body() {
	sed '1,/^\r$/d' "$T/hooks/$1.req"
}
field() {   # N PATH
	body "$1" >"$T/ev.json"
	sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/ev.json'), '$2');"
}

say "without a webhook nothing is queued"
start_server
ana=$(login ana ana-pw)
quiet=$(add_lead '{"name": "Sin Webhook", "email": "quiet@example.es", "owner": "ana"}')
as "$ana" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"set_status\", \"lead\": \"$quiet\", \"args\": {\"status\": \"qualified\"}}]}"
expect_code 200 "qualify without a webhook"
[ "$(sql "SELECT count(*) FROM outbound WHERE channel = 'webhook'")" = 0 ] || fail "an event was queued without a webhook"
stop_server

start_sink
start_server --webhook-url "http://127.0.0.1:$HOOK_PORT/leadq" --webhook-secret s3cret
ana=$(login ana ana-pw)
a=$(add_lead '{"name": "José Núñez", "email": "jose@example.es", "external_id": "m-7", "owner": "ana", "source": "webinar"}')
b=$(add_lead '{"name": "Zoë Zürich", "email": "zoe@example.ch", "owner": "ana"}')
c=$(add_lead '{"name": "João São Paulo", "email": "joao@example.br", "owner": "ana"}')
status_op() {   # LEAD ARGS
	as "$ana" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"set_status\", \"lead\": \"$1\", \"args\": $2}]}"
	expect_code 200 "set_status $2"
	[ "$(jget '$.results[0].result')" = applied ] || fail "not applied: $2: $(cat "$T/body")"
}

say "outcomes are posted, signed, in order"
status_op "$a" '{"status": "qualified"}'
wait_hooks 1
grep -q '^signature: ok' "$T/hooks/1.req" || fail "the signature does not match: $(head -20 "$T/hooks/1.req")"
grep -qi '^X-Leadq-Event: lead.outcome' "$T/hooks/1.req" || fail "no event header"
[ "$(field 1 '$.status')|$(field 1 '$.previous_status')|$(field 1 '$.lead.external_id')|$(field 1 '$.lead.name')|$(field 1 '$.by')|$(field 1 '$.owner')" = "qualified|new|m-7|José Núñez|ana|ana" ] ||
	fail "event 1: $(body 1)"
grep -qi "^X-Leadq-Event-Id: $(field 1 '$.id')" "$T/hooks/1.req" || fail "the event id header is not the body's id"
status_op "$a" '{"status": "opportunity", "amount": 48000}'
status_op "$a" '{"status": "won", "amount": 52000}'
wait_hooks 3
[ "$(field 2 '$.status')|$(field 2 '$.amount')|$(field 3 '$.status')|$(field 3 '$.amount')" = "opportunity|48000|won|52000" ] ||
	fail "opportunity and won: $(body 2) $(body 3)"

say "marketing is down: nothing is lost, across a restart"
touch "$T/hooks/down"
status_op "$b" '{"status": "recycle", "reason": "no_budget"}'
status_op "$c" '{"status": "junk", "reason": "spam"}'
# an undo is an event too
undo_id=$(uuid)
as "$ana" POST /ops "{\"ops\": [{\"id\": \"$undo_id\", \"kind\": \"set_status\", \"lead\": \"$c\", \"args\": {\"status\": \"working\"}}]}"
[ "$(jget '$.results[0].result')" = rejected ] || fail "junk → working must be refused"
n=0
while [ "$(sql "SELECT min(attempts) FROM outbound WHERE channel = 'webhook' AND sent_at IS NULL")" != 1 ]; do
	n=$((n + 1)); [ $n -lt 100 ] || fail "no failed try while down: $(sql "SELECT * FROM outbound")"; sleep 0.05
done
[ -n "$(sql "SELECT error FROM outbound WHERE channel = 'webhook' AND sent_at IS NULL LIMIT 1")" ] || fail "no error kept"
stop_server
start_server --webhook-url "http://127.0.0.1:$HOOK_PORT/leadq" --webhook-secret s3cret
ana=$(login ana ana-pw)
op=$(sql "SELECT op_id FROM activities WHERE lead_id = '$c' AND op_id IS NOT NULL ORDER BY at DESC LIMIT 1")
as "$ana" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"undo\", \"lead\": \"$c\", \"args\": {\"op\": \"$op\"}}]}"
[ "$(jget '$.results[0].result')" = applied ] || fail "undo junk: $(cat "$T/body")"
rm -f "$T/hooks/down"
wait_hooks 6
sleep 1
[ "$(ls "$T/hooks" | grep -c '\.req$')" = 6 ] || fail "an event arrived twice: $(ls "$T/hooks")"
for i in 4 5 6; do body $i; echo; done >"$T/late.json"
grep -q '"status":"recycle".*"reason":"no_budget"' "$T/late.json" || fail "recycle with its reason: $(cat "$T/late.json")"
grep -q '"status":"junk".*"reason":"spam"' "$T/late.json" || fail "junk: $(cat "$T/late.json")"
grep -q '"previous_status":"junk".*"undo":true' "$T/late.json" || fail "the undo: $(cat "$T/late.json")"
[ "$(for i in 1 2 3 4 5 6; do field $i '$.id'; done | sort -u | wc -l)" = 6 ] || fail "event ids repeat"
grep -c '^signature: ok' "$T"/hooks/*.req | grep -q ':0$' && fail "a late event is not signed right"
[ "$(sql "SELECT count(*) FROM outbound WHERE channel = 'webhook' AND sent_at IS NULL")" = 0 ] || fail "events left unsent"
stop_server
say "ok"
