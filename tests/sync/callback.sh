#!/bin/sh
# leadq callback between real clients and a server: an agent asks for a
# personal callback at the lead's local time; it syncs, and the agent's queue
# puts the lead first when it falls due, the other agent's does not; the
# server's sweep releases it to the team when overdue, and then both agents'
# queues put it first; --team, --cancel and bad times.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
"$LEADQD" team add --db "$SDB" Iberia --tz Europe/Madrid >/dev/null 2>"$T/init.err" ||
	fail "leadqd team add: $(cat "$T/init.err")"
for u in ana:rep tq1:telequal tq2:telequal; do
	printf '%s-pw\n' "${u%%:*}" | "$LEADQD" user add --db "$SDB" "${u%%:*}" --name "User ${u%%:*}" \
		--role "${u#*:}" --team Iberia --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add $u: $(cat "$T/init.err")"
done
printf '[team Iberia]\nrouting = telequal\n' >"$T/policy"
"$LEADQD" policy import --db "$SDB" "$T/policy" >/dev/null 2>"$T/init.err" ||
	fail "policy import: $(cat "$T/init.err")"
printf '[rule Todo]\ncountry = ES\nto = team Iberia\n' >"$T/rules"
"$LEADQD" rules import --db "$SDB" "$T/rules" >/dev/null 2>"$T/init.err" ||
	fail "rules import: $(cat "$T/init.err")"
KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
server_start
# Two leads routed to the pool, one in Bogotá.
body='{"leads": [{"name": "José Núñez", "company": "Zürich AG", "email": "jose@x.es", "tz": "America/Bogota", "country": "ES"},
                {"name": "Zoë Otra", "email": "zoe@x.es", "country": "ES"}]}'
code=$(curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
	-H 'Content-Type: application/json' --data-binary "$body" "http://$SERVER/api/v1/leads")
[ "$code" = 200 ] || fail "intake: HTTP $code: $(cat "$T/intake.out")"

first_in_queue() { # NOW: the name of the first lead of `leadq list` then
	LEADQ_NOW=$1 "$LEADQ" list --format json >"$T/list" 2>"$T/err" || fail "list: $(cat "$T/err")"
	sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/list'), '\$[0].name')"
}
due_for_me() { # NAME: when the last list says the lead asks this user to act
	sqlite3 -batch -noheader :memory: "SELECT coalesce(json_extract(value, '\$.next_appt_at'), 'none') FROM json_each(readfile('$T/list')) WHERE json_extract(value, '\$.name') = '$1'"
}

# Tomorrow: the leads' SLA clocks (started now, on the real clock) are
# still running then, so the sweep only releases the callback.
DAY=$(date -u -d '+1 day' +%Y-%m-%d)
login_as tq2 tq2
login_as tq1 tq1
[ "$(cache_sql "SELECT count(*) FROM leads WHERE owner_id IS NULL")" = 2 ] ||
	fail "the agent's calling queue is not the pool: $(cache_sql "SELECT name, owner_id FROM leads")"
jose=$(cache_sql "SELECT id FROM leads WHERE name = 'José Núñez'")

"$LEADQ" callback "$jose" --at "$DAY 10:00" --note "después de la reunión" >"$T/out" 2>"$T/err" ||
	fail "leadq callback: $(cat "$T/err")"
grep -q "callback for you" "$T/out" || fail "callback does not say whose: $(cat "$T/out")"
# 10:00 in Bogotá is 15:00 UTC.
[ "$(cache_sql "SELECT datetime(callback_at, 'unixepoch') || ' ' || (callback_user IS NOT NULL) FROM leads WHERE id = '$jose'")" = "$DAY 15:00:00 1" ] ||
	fail "the callback in the cache: $(cache_sql "SELECT callback_at, callback_user FROM leads")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync of the callback: $(cat "$T/out" "$T/err")"
[ "$(server_sql "SELECT json_extract(data, '\$.callback_at') FROM leads WHERE id = '$jose'")" = ${DAY}T15:00:00Z ] ||
	fail "the server's lead: $(server_sql "SELECT data FROM leads WHERE id = '$jose'")"
[ "$(cache_sql "SELECT subject FROM activities WHERE lead_id = '$jose' AND kind = 'callback'")" = "${DAY}T15:00:00Z personal" ] ||
	fail "the history of the callback: $(cache_sql "SELECT kind, subject FROM activities WHERE lead_id = '$jose'")"

# Due (within 15 minutes): first for tq1; tq2's queue does not put tq1's first.
[ "$(first_in_queue ${DAY}T14:50:00Z)" = "José Núñez" ] || fail "the due callback is not first for its agent: $(cat "$T/list")"
[ "$(due_for_me "José Núñez")" = ${DAY}T15:00:00Z ] || fail "the callback is not due for its agent: $(cat "$T/list")"
device tq2
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "tq2 sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT datetime(callback_at, 'unixepoch') FROM leads WHERE id = '$jose'")" = "$DAY 15:00:00" ] ||
	fail "the callback did not reach the other agent"
first_in_queue ${DAY}T14:50:00Z >/dev/null
[ "$(due_for_me "José Núñez")" = none ] || fail "another agent's personal callback is due for tq2: $(cat "$T/list")"

# Overdue by the release delay: the sweep makes it the team's.
"$LEADQD" sweep --db "$SDB" --now ${DAY}T15:31:00Z >"$T/out" 2>"$T/err" || fail "sweep: $(cat "$T/err")"
grep -q "callback_released 1" "$T/out" || fail "not released: $(cat "$T/out")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "tq2 sync after the release: $(cat "$T/err")"
[ "$(first_in_queue ${DAY}T15:40:00Z)" = "José Núñez" ] || fail "a released callback is not first for the team: $(cat "$T/list")"
[ "$(due_for_me "José Núñez")" = ${DAY}T15:00:00Z ] || fail "the released callback is not due for tq2: $(cat "$T/list")"

# The team's from the start, then cancelled; bad input.
zoe=$(cache_sql "SELECT id FROM leads WHERE name = 'Zoë Otra'")
"$LEADQ" callback "$zoe" --at ${DAY}T09:00:00+01:00 --team >"$T/out" 2>"$T/err" ||
	fail "a team callback: $(cat "$T/err")"
grep -q "callback for the team" "$T/out" || fail "a team callback does not say so: $(cat "$T/out")"
[ "$(cache_sql "SELECT callback_user IS NULL FROM leads WHERE id = '$zoe'")" = 1 ] || fail "a team callback has a user"
"$LEADQ" callback "$zoe" --cancel >"$T/out" 2>"$T/err" || fail "cancel: $(cat "$T/err")"
[ "$(cache_sql "SELECT callback_at IS NULL FROM leads WHERE id = '$zoe'")" = 1 ] || fail "not cancelled"
"$LEADQ" callback "$zoe" --at mañana >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 2 ] || fail "a bad time: exit $rc"
grep -q "local time" "$T/err" || fail "a bad time is not explained: $(cat "$T/err")"
"$LEADQ" callback "$zoe" >"$T/out" 2>"$T/err"
[ $? = 2 ] || fail "neither --at nor --cancel"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync: $(cat "$T/out" "$T/err")"
[ "$(server_sql "SELECT coalesce(json_extract(data, '\$.callback_at'), 'none') FROM leads WHERE id = '$zoe'")" = none ] ||
	fail "the cancel did not reach the server"
server_stop
echo "callback: ok"
