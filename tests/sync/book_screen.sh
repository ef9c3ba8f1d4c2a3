#!/bin/sh
# The booking screen (b) on a real server's data, scripted (LEADQ_SCRIPT):
# offline, the slots come from the cached team calendar and the screen says
# they are not checked with the server; a slot is booked (video, a note),
# shows "pending", and once synced the server has that appointment at the
# time the screen showed in the rep's zone.  A callback in the lead's local
# time (team, with a note) reaches the server too.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
"$LEADQD" team add --db "$SDB" Iberia --tz Europe/Madrid >/dev/null 2>"$T/init.err" ||
	fail "leadqd team add: $(cat "$T/init.err")"
for u in ana:rep:Europe/Madrid tq1:telequal:Europe/Lisbon; do
	login=${u%%:*} rest=${u#*:}
	printf '%s-pw\n' "$login" | "$LEADQD" user add --db "$SDB" "$login" --name "User $login" \
		--role "${rest%%:*}" --team Iberia --tz "${rest#*:}" --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add $u: $(cat "$T/init.err")"
done
KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
server_start
body='{"leads": [{"name": "José Núñez", "company": "Zürich AG", "email": "jose@x.es", "tz": "America/Bogota", "owner": "tq1"},
                {"name": "Zoë Otra", "email": "zoe@x.es", "tz": "Asia/Tokyo", "owner": "tq1"}]}'
code=$(curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
	-H 'Content-Type: application/json' --data-binary "$body" "http://$SERVER/api/v1/leads")
[ "$code" = 200 ] || fail "intake: HTTP $code: $(cat "$T/intake.out")"
device tq1
printf 'tq1-pw\n' | "$LEADQ" login "$SERVER" tq1 --password-stdin >"$T/out" 2>"$T/err" ||
	fail "login: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "first sync: $(cat "$T/err")"
jose=$(cache_sql "SELECT id FROM leads WHERE name = 'José Núñez'")
zoe=$(cache_sql "SELECT id FROM leads WHERE name = 'Zoë Otra'")

screens() {   # runs the screens (no sync: offline) on the script from stdin
	cat >"$T/script"
	LEADQ_NO_SYNC=1 LEADQ_SCRIPT="$T/script" LEADQ_SCRIPT_SIZE=80x24 TERM=xterm \
		"$LEADQ" >"$T/out" 2>"$T/err" || fail "the screens: $(cat "$T/err")"
}

# The appointment: José, the second day's first free slot, video, a note.
screens <<EOS
/
:type José
<Enter>
b
:save-display $T/kind.txt
1
:save-display $T/grid.txt
<Right>
<Home>
:save-display $T/pick.txt
<Enter>
2
:type ver la demo
<Enter>
:save-display $T/pending.txt
EOS
grep -q "appointment with a rep" "$T/kind.txt" || fail "no choice of appointment or callback: $(cat "$T/kind.txt")"
grep -q "Book · José Núñez · with User ana" "$T/grid.txt" || fail "the booking screen: $(cat "$T/grid.txt")"
grep -q "NOT CHECKED with the server" "$T/grid.txt" || fail "offline slots not said so: $(cat "$T/grid.txt")"
[ "$(grep -c ' free ' "$T/grid.txt")" -ge 10 ] || fail "too few free slots: $(cat "$T/grid.txt")"
grep -q "^ 09:00 " "$T/grid.txt" || fail "no 09:00 row (Madrid hours): $(cat "$T/grid.txt")"
grep -q "^ 14:00 " "$T/grid.txt" && fail "a row in the lunch break: $(cat "$T/grid.txt")"
grep -q "^ you   Europe/Lisbon " "$T/pick.txt" || fail "the agent's zone: $(cat "$T/pick.txt")"
grep -q "^ lead  America/Bogota " "$T/pick.txt" || fail "the lead's zone: $(cat "$T/pick.txt")"
rep_line=$(grep "^ rep   Europe/Madrid " "$T/pick.txt") || fail "the rep's zone: $(cat "$T/pick.txt")"
echo "$rep_line" | grep -q " 09:00–09:30 " || fail "Home is not the first slot of the day: $rep_line"
grep -q "pending" "$T/pending.txt" || fail "the booking is not pending: $(cat "$T/pending.txt")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE kind = 'book_appointment' AND state = 'pending'")" = 1 ] ||
	fail "no booking in the outbox"
day=$(echo "$rep_line" | sed 's/.* \([0-9-]*\) 09:00–09:30 .*/\1/')
want=$(TZ=Europe/Madrid date -d "$day 09:00" +%s)

"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync of the booking: $(cat "$T/out" "$T/err")"
[ "$(server_sql "SELECT status || ' ' || start_at || ' ' || (end_at - start_at) || ' ' || json_extract(data, '\$.mode') || ' ' || json_extract(data, '\$.tz') || ' ' || json_extract(data, '\$.notes') FROM appointments WHERE lead_id = '$jose'")" = "booked $want 1800 video America/Bogota ver la demo" ] ||
	fail "the server's appointment (want start $want): $(server_sql "SELECT * FROM appointments")"

# A callback for Zoë at 10:00 on 2030-01-07 in her time (Tokyo), for the team.
screens <<EOS
/
:type Zoë
<Enter>
b
2
:save-display $T/cb.txt
<C-u>
:type 2030-01-07 10:00
<Enter>
:save-display $T/who.txt
2
:type llamar tras la feria
<Enter>
:save-display $T/cbdone.txt
EOS
grep -q "the lead's time, Asia/Tokyo" "$T/cb.txt" || fail "the callback prompt: $(cat "$T/cb.txt")"
grep -q "team: anyone of the team" "$T/who.txt" || fail "personal or team: $(cat "$T/who.txt")"
grep -q "callback 2030-01-07 10:00 (lead's time), for the team" "$T/cbdone.txt" || fail "after the callback: $(cat "$T/cbdone.txt")"
want=$(TZ=Asia/Tokyo date -d "2030-01-07 10:00" +%s)
[ "$(cache_sql "SELECT callback_at || ' ' || ifnull(callback_user, 'team') FROM leads WHERE id = '$zoe'")" = "$want team" ] ||
	fail "the cached callback: $(cache_sql "SELECT callback_at, callback_user FROM leads WHERE id = '$zoe'")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync of the callback: $(cat "$T/out" "$T/err")"
server_sql "SELECT data FROM leads WHERE id = '$zoe'" | grep -q '"callback_at": *"2030-01-07T01:00:00Z"' ||
	fail "the server's lead has no callback: $(server_sql "SELECT data FROM leads WHERE id = '$zoe'")"
say "ok"
