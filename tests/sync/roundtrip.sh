#!/bin/sh
# Issue 6's round trip with real parts: marketing's CSV goes in with
# `leadqd import` while the server runs, the rep's client syncs the leads,
# works them with `leadq set`, syncs, and marketing's receiver (hook_sink)
# gets each outcome once, signed — also when the receiver is down and the
# server restarts in the middle of the outage.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

[ -n "${HOOK_SINK:-}" ] && [ -x "$HOOK_SINK" ] || fail "\$HOOK_SINK must name the built hook_sink"
server_init
mkdir -p "$T/hooks"
"$HOOK_SINK" "$T/hooks" 0 s3cret >"$T/sink.out" 2>"$T/sink.err" &
SINK_PID=$!
trap 'kill "$SINK_PID" 2>/dev/null; server_stop; rm -rf "$T"' EXIT
i=0
until HPORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/sink.out") && [ -n "$HPORT" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "hook_sink did not start"; sleep 0.05
done
SERVER_ARGS="--webhook-url http://127.0.0.1:$HPORT/leadq --webhook-secret s3cret"
server_start
# wait_hooks N: until N events arrived (the retries wait 2, 4, 8 s)
wait_hooks() {
	i=0
	while [ "$(ls "$T/hooks" | grep -c '\.req$')" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -lt 400 ] || fail "expected $1 events, got $(ls "$T/hooks" | grep -c '\.req$'): $(server_sql "SELECT to_addr, attempts, error FROM outbound")"
		sleep 0.05
	done
}

printf '\357\273\277Nombre;Correo electr\303\263nico;Empresa;Comercial;Origen\r\nJos\303\251 N\303\272\303\261ez;jose@example.es;"N\303\272\303\261ez; Hijos";lucia;feria\r\nZo\303\253 Keller;zoe@example.ch;Keller AG;lucia;feria\r\nJo\303\243o Concei\303\247\303\243o;joao@example.br;Concei\303\247\303\243o Ltda;lucia;feria\r\n' >"$T/leads.csv"
"$LEADQD" import --db "$SDB" "$T/leads.csv" >"$T/import.out" 2>&1 || fail "import: $(cat "$T/import.out")"

device rep
login
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync: $(cat "$T/err")"
id_of() { cache_sql "SELECT id FROM leads WHERE email = '$1'"; }
jose=$(id_of jose@example.es) zoe=$(id_of zoe@example.ch) joao=$(id_of joao@example.br)
[ -n "$jose" ] && [ -n "$zoe" ] && [ -n "$joao" ] || fail "the imported leads did not reach the client: $(cache_sql "SELECT name, email FROM leads")"

"$LEADQ" set "$jose" qualified >"$T/out" 2>"$T/err" || fail "set qualified: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync: $(cat "$T/err")"
wait_hooks 1
grep -q '^signature: ok' "$T/hooks/1.req" || fail "unsigned: $(cat "$T/hooks/1.req")"
grep -q '"status":"qualified".*"owner":"lucia","by":"lucia"' "$T/hooks/1.req" || fail "event 1: $(cat "$T/hooks/1.req")"
grep -q '"name":"José Núñez"' "$T/hooks/1.req" || fail "the lead's name in UTF-8: $(cat "$T/hooks/1.req")"

say "marketing is down, then leadqd restarts"
touch "$T/hooks/down"
"$LEADQ" set "$zoe" recycle --reason no_budget >"$T/out" 2>"$T/err" || fail "set recycle: $(cat "$T/err")"
"$LEADQ" set "$joao" junk --reason spam >"$T/out" 2>"$T/err" || fail "set junk: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync: $(cat "$T/err")"
i=0
until [ "$(server_sql "SELECT count(*) FROM outbound WHERE channel = 'webhook' AND sent_at IS NULL AND attempts > 0")" = 2 ]; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "no failed tries: $(server_sql "SELECT * FROM outbound")"; sleep 0.05
done
server_stop
server_start
rm -f "$T/hooks/down"
wait_hooks 3
sleep 1
[ "$(ls "$T/hooks" | grep -c '\.req$')" = 3 ] || fail "an outcome arrived twice: $(ls "$T/hooks")"
for f in 2 3; do cat "$T/hooks/$f.req"; echo; done >"$T/late"
grep -q '"status":"recycle".*"reason":"no_budget"' "$T/late" || fail "recycle: $(cat "$T/late")"
grep -q '"status":"junk".*"reason":"spam"' "$T/late" || fail "junk: $(cat "$T/late")"
[ "$(grep -c '^signature: ok' "$T/late")" = 2 ] || fail "late events not signed"
say "ok"
