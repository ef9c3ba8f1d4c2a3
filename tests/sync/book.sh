#!/bin/sh
# leadq book between real clients and a server: an agent books a lead into
# a rep's calendar from the command line; once synced the lead is the rep's,
# with the appointment in the rep's cache and the lead's next appointment
# set; a second agent booking the same slot gets the conflict at sync (exit
# 3, the slot named) and nothing overlaps on the server.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
"$LEADQD" team add --db "$SDB" Iberia --tz Europe/Madrid >/dev/null 2>"$T/init.err" ||
	fail "leadqd team add: $(cat "$T/init.err")"
for u in ana:rep tq1:telequal tq2:telequal; do
	printf '%s-pw\n' "${u%%:*}" | "$LEADQD" user add --db "$SDB" "${u%%:*}" --name "User ${u%%:*}" \
		--role "${u#*:}" --team Iberia --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add $u: $(cat "$T/init.err")"
done
KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
server_start
body='{"leads": [{"name": "José Núñez", "company": "Zürich AG", "email": "jose@x.es", "tz": "America/Bogota", "owner": "tq1"},
                {"name": "Zoë Otra", "email": "zoe@x.es", "owner": "tq2"}]}'
code=$(curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
	-H 'Content-Type: application/json' --data-binary "$body" "http://$SERVER/api/v1/leads")
[ "$code" = 200 ] || fail "intake: HTTP $code: $(cat "$T/intake.out")"


login_as ana ana
login_as tq1 tq1
jose=$(cache_sql "SELECT id FROM leads WHERE name = 'José Núñez'")
"$LEADQ" book "$jose" --rep ana --at 2027-01-05T10:00:00+01:00 --minutes 45 --mode video \
	--note "demo para el equipo" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] || fail "leadq book: exit $rc: $(cat "$T/err")"
grep -q "pending until the server accepts it" "$T/out" || fail "book does not say it is pending: $(cat "$T/out")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE kind = 'book_appointment' AND state = 'pending'")" = 1 ] ||
	fail "no booking in the outbox"
[ "$(cache_sql "SELECT status || ' ' || version FROM appointments WHERE lead_id = '$jose'")" = "pending 0" ] ||
	fail "the booking is not pending in the agent's cache: $(cache_sql "SELECT * FROM appointments")"
"$LEADQ" sync >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] || fail "sync of the booking: exit $rc: $(cat "$T/out" "$T/err")"
[ "$(server_sql "SELECT status || ' ' || datetime(start_at, 'unixepoch') || ' ' || datetime(end_at, 'unixepoch') || ' ' || json_extract(data, '\$.tz') || ' ' || json_extract(data, '\$.mode') FROM appointments")" = "booked 2027-01-05 09:00:00 2027-01-05 09:45:00 America/Bogota video" ] ||
	fail "the server's appointment: $(server_sql "SELECT * FROM appointments")"

[ "$(cache_sql "SELECT count(*) FROM leads WHERE id = '$jose'")" = 0 ] ||
	fail "the lead booked for a rep stayed in the agent's cache"

# The rep's next sync brings the lead and its appointment.
device ana
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "ana's sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM leads WHERE id = '$jose'")" = 1 ] || fail "the lead did not reach the rep"
[ "$(cache_sql "SELECT status || ' ' || mode || ' ' || notes FROM appointments WHERE lead_id = '$jose'")" = "booked video demo para el equipo" ] ||
	fail "the rep's cache: $(cache_sql "SELECT * FROM appointments")"
[ "$(cache_sql "SELECT next_appt_at FROM leads WHERE id = '$jose'")" = "$(date -u -d 2027-01-05T09:00:00Z +%s)" ] ||
	fail "the lead's next appointment in the rep's cache"

# A second agent books the same slot for another lead: a conflict at sync.
login_as tq2 tq2
zoe=$(cache_sql "SELECT id FROM leads WHERE name = 'Zoë Otra'")
"$LEADQ" book "$zoe" --rep ana --at 2027-01-05T09:30:00Z --minutes 30 >"$T/out" 2>"$T/err" ||
	fail "the second booking was not queued: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 3 ] || fail "a taken slot: sync exit $rc, expected 3: $(cat "$T/out" "$T/err")"
grep -q "slot_taken\|another appointment" "$T/out" "$T/err" || fail "the conflict is not named: $(cat "$T/out" "$T/err")"
[ "$(server_sql "SELECT count(*) FROM appointments WHERE status = 'booked'")" = 1 ] ||
	fail "the server has overlapping bookings"
[ "$(cache_sql "SELECT state FROM outbox WHERE kind = 'book_appointment'")" = conflict ] ||
	fail "the conflicting booking is not marked so"
[ "$(cache_sql "SELECT count(*) FROM appointments")" = 0 ] ||
	fail "the refused booking is still pending in the cache: $(cache_sql "SELECT * FROM appointments")"
server_stop
say "ok"
