#!/bin/sh
# The booking screen end to end, in real terminals on one real leadqd
# (issue 5): agent tq1 presses b on a lead, picks "appointment", sees the
# rep's free slots from the server in three zones, books the first one (it
# shows "pending", then "booked"); the rep ana's running leadq shows the
# lead with its appointment at the top of the queue within 2 s without a
# key press; agent tq2, who loaded the same free slot before, books it too
# and sees the conflict on screen; the server has exactly one booking.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

use_tmux

# Slots start on the half hour of the calendar's zone; the rep's queue puts
# an appointment first from 15 minutes before it.  A zone whose next half
# hour is 2 to 15 minutes away: UTC's (:00, :30) or Kathmandu's (+5:45, so
# :15, :45 in UTC); in the rare minute where neither is, wait for it.
while :; do
	m=$(( $(date -u +%s) / 60 % 15 ))
	[ "$m" -le 12 ] && break
	sleep 5
done
if [ $(( $(date -u +%s) / 60 % 30 )) -lt 15 ]; then ZONE=Asia/Kathmandu; else ZONE=UTC; fi

"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
"$LEADQD" team add --db "$SDB" Iberia --tz "$ZONE" --hours "mon-sun 00:00-24:00" >/dev/null 2>"$T/init.err" ||
	fail "leadqd team add: $(cat "$T/init.err")"
for u in ana:rep:Europe/Madrid tq1:telequal:Europe/Lisbon tq2:telequal:Europe/Lisbon; do
	login=${u%%:*} rest=${u#*:}
	printf '%s-pw\n' "$login" | "$LEADQD" user add --db "$SDB" "$login" --name "User $login" \
		--role "${rest%%:*}" --team Iberia --tz "${rest#*:}" --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add $u: $(cat "$T/init.err")"
done
KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
server_start
body='{"leads": [{"name": "José Núñez", "company": "Zürich AG", "email": "jose@x.es", "tz": "America/Bogota", "owner": "tq1"},
                {"name": "Zoë Otra", "email": "zoe@x.es", "tz": "Asia/Tokyo", "owner": "tq2"},
                {"name": "Ana Vieja", "email": "vieja@x.es", "owner": "ana"}]}'
code=$(curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
	-H 'Content-Type: application/json' --data-binary "$body" "http://$SERVER/api/v1/leads")
[ "$code" = 200 ] || fail "intake: HTTP $code: $(cat "$T/intake.out")"



login_as ana ana; ANA_CACHE=$CACHE; term ana
login_as tq1 tq1; TQ1_CACHE=$CACHE; term tq1
login_as tq2 tq2; term tq2
wait_for ana "Ana Vieja" 100
wait_for tq1 "José Núñez" 100
wait_for tq2 "Zoë Otra" 100

# Both agents open the booking screen on their lead: the same first free slot.
keys tq1 b; wait_for tq1 "appointment with a rep" 50; keys tq1 1
keys tq2 b; wait_for tq2 "appointment with a rep" 50; keys tq2 1
wait_for tq1 "free slots from the server" 100
wait_for tq2 "free slots from the server" 100
screen_of tq1 >"$T/grid.tq1"
grep -q "Book · José Núñez · with User ana" "$T/grid.tq1" || fail "tq1's header: $(cat "$T/grid.tq1")"
grep -q "free" "$T/grid.tq1" || fail "no free slot on tq1's grid: $(cat "$T/grid.tq1")"
# The highlighted slot in the three zones: agent, rep, lead.
grep -q "^ you   Europe/Lisbon " "$T/grid.tq1" || fail "no agent's zone: $(cat "$T/grid.tq1")"
grep -q "^ rep   Europe/Madrid " "$T/grid.tq1" || fail "no rep's zone: $(cat "$T/grid.tq1")"
grep -q "^ lead  America/Bogota " "$T/grid.tq1" || fail "no lead's zone: $(cat "$T/grid.tq1")"
slot1=$(grep '^ rep ' "$T/grid.tq1")
slot2=$(screen_of tq2 | grep '^ rep ')
[ "$slot1" = "$slot2" ] || fail "the agents see different first slots: $slot1 / $slot2"

# tq1 books it: phone, no note.
keys tq1 Enter; wait_for tq1 "how?" 50; keys tq1 1
wait_for tq1 "note for the rep" 50; keys tq1 Enter
start=$(date +%s%N)
# The rep's running client: the lead at the top, marked as an appointment,
# within 2 s and without a key press.
wait_for ana "@ " 20
took=$(( ($(date +%s%N) - start) / 1000000 ))
screen_of ana >"$T/ana.txt"
sed -n 3p "$T/ana.txt" | grep -q "José Núñez" || fail "the first row of the rep's queue: $(cat "$T/ana.txt")"
sed -n 3p "$T/ana.txt" | grep -q "^ @ " || fail "the first row is not marked as an appointment: $(cat "$T/ana.txt")"
wait_for tq1 "booked: the server accepted it" 50
[ "$(server_sql "SELECT count(*) FROM appointments WHERE status = 'booked'")" = 1 ] ||
	fail "the server's appointments: $(server_sql "SELECT * FROM appointments")"
[ "$(server_sql "SELECT json_extract(data, '\$.tz') || ' ' || json_extract(data, '\$.mode') FROM appointments")" = "America/Bogota phone" ] ||
	fail "the appointment's zone and mode: $(server_sql "SELECT * FROM appointments")"

# tq2 books the same slot: the conflict is on tq2's screen.
keys tq2 Enter; wait_for tq2 "how?" 50; keys tq2 2
wait_for tq2 "note for the rep" 50; keys tq2 Enter
wait_for tq2 "not booked:" 100
screen_of tq2 >"$T/tq2.txt"
grep -q "slot_taken\|another appointment\|conflict" "$T/tq2.txt" || fail "the conflict is not named: $(cat "$T/tq2.txt")"
[ "$(server_sql "SELECT count(*) FROM appointments WHERE status = 'booked'")" = 1 ] ||
	fail "the server has two bookings for one slot"
# The conflicts screen offers another slot for it.
keys tq2 Escape; wait_for tq2 "who next" 30
keys tq2 '!'; wait_for tq2 "a another slot" 30
screen_of tq2 | grep -q "Zoë Otra — yours: booking " || fail "the conflicts screen: $(screen_of tq2)"
keys tq2 a; wait_for tq2 "Book · Zoë Otra · with User ana" 30
wait_for tq2 "free slots from the server" 100
# Both agents quit cleanly from there (under the sanitizers: no leak, no
# answer into a closed screen).
keys tq2 Escape; keys tq2 Escape; keys tq2 Q; wait_for tq2 "leadq-exited-0" 50
keys tq1 Escape; keys tq1 Q; wait_for tq1 "leadq-exited-0" 50
say "ok (the rep saw it in $took ms)"
