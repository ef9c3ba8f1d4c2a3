#!/bin/sh
# Appointments (issue 5): an agent books a lead into a rep's calendar, the
# lead goes to the rep, free/busy shows it (no lead details), 20 agents
# racing for one slot give exactly one booking and 19 conflicts that carry
# the rep's busy times, touching slots are fine, a reschedule and a cancel.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
for n in $(seq 1 20); do
	printf 'pw\n' | "$LEADQD" user add --db "$DB" "tq$n" --name "Agente $n" --role telequal \
		--team Iberia --password-stdin >/dev/null || fail "user add tq$n"
done
start_server
ana_id=$(sql "SELECT id FROM users WHERE login = 'ana'")
# One lead per agent (an agent sees the leads it owns, for now).
for n in $(seq 1 20); do
	add_lead "{\"name\": \"Cliente $n\", \"email\": \"c$n@x.es\", \"owner\": \"tq$n\"}" >"$T/lead$n"
done
book() { # TOKEN LEAD APPT START END [MORE_ARGS]
	as "$1" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"book_appointment\", \"lead\": \"$2\", \"at\": \"2027-01-04T08:00:00Z\", \"args\": {\"appointment\": \"$3\", \"rep\": \"$ana_id\", \"start\": \"$4\", \"end\": \"$5\", \"tz\": \"America/Bogota\", \"mode\": \"video\"${6:-}}}]}"
}

say "a booking"
tq1=$(login tq1 pw)
lead1=$(cat "$T/lead1")
appt1=$(uuid)
book "$tq1" "$lead1" "$appt1" 2027-01-05T09:00:00Z 2027-01-05T09:30:00Z ', "notes": "Quiere una demo, llamar al móvil"'
expect_code 200 "book"
[ "$(jget '$.results[0].result')" = applied ] || fail "not applied: $(cat "$T/body")"
[ "$(sql "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = '$lead1'")" = ana ] ||
	fail "the lead did not go to the rep"
[ "$(sql "SELECT json_extract(data, '\$.next_appt_at') FROM leads WHERE id = '$lead1'")" = 2027-01-05T09:00:00Z ] ||
	fail "the lead's next appointment: $(sql "SELECT data FROM leads WHERE id = '$lead1'")"
[ "$(sql "SELECT status || ' ' || json_extract(data, '\$.mode') || ' ' || json_extract(data, '\$.tz') FROM appointments WHERE id = '$appt1'")" = "booked video America/Bogota" ] ||
	fail "the appointment row: $(sql "SELECT * FROM appointments")"

say "the rep receives it"
ana=$(login ana ana-pw)
as "$ana" GET "/changes?limit=1000"
grep -q "\"type\":\"appointment\",\"id\":\"$appt1\"" "$T/body" || fail "ana's feed has no appointment: $(head -c 500 "$T/body")"
as "$tq1" GET "/changes?limit=1000"
grep -q "\"id\":\"$lead1\",\"removed\":true" "$T/body" || fail "the agent still sees the lead it booked away"

say "free/busy"
as "$tq1" GET "/reps/$ana_id/freebusy?from=2027-01-05T00:00:00Z&to=2027-01-06T00:00:00Z&minutes=30"
expect_code 200 "freebusy"
[ "$(jget '$.busy[0].start')" = 2027-01-05T09:00:00Z ] || fail "busy: $(cat "$T/body")"
grep -q 'Cliente\|demo\|móvil' "$T/body" && fail "free/busy shows lead details: $(cat "$T/body")"
# free_at TIME: how many free slots of the last answer start then
free_at() {
	sqlite3 -batch -noheader :memory: "SELECT count(*) FROM json_each(json_extract(readfile('$T/body'), '\$.free')) WHERE json_extract(value, '\$.start') = '$1'"
}
[ "$(free_at 2027-01-05T09:00:00Z)" = 0 ] || fail "the booked slot is free"
[ "$(free_at 2027-01-05T10:00:00Z)" = 1 ] || fail "a free hour is not offered: $(cat "$T/body")"
[ "$(jget '$.calendar.tz')" = Europe/Madrid ] || fail "the calendar's zone: $(cat "$T/body")"
[ "$(jget '$.free[0].start')" = 2027-01-05T08:00:00Z ] || fail "first free slot (09:00 Madrid): $(jget '$.free[0].start')"
as "$tq1" GET "/reps/$(uuid)/freebusy"
expect_code 404 "freebusy of nobody"
as "$tq1" GET "/reps/$ana_id/freebusy?from=2027-01-05T00:00:00Z&to=2027-03-05T00:00:00Z"
expect_code 400 "a range over 31 days"

say "touching slots are fine"
tq2=$(login tq2 pw)
book "$tq2" "$(cat "$T/lead2")" "$(uuid)" 2027-01-05T09:30:00Z 2027-01-05T10:00:00Z
[ "$(jget '$.results[0].result')" = applied ] || fail "a slot touching another was refused: $(cat "$T/body")"

say "20 agents race for one slot"
for n in $(seq 3 20); do
	tok=$(login "tq$n" pw)
	printf '%s' "$tok" >"$T/tok$n"
done
printf '%s' "$tq1" >"$T/tok1"
printf '%s' "$tq2" >"$T/tok2"
# Leads 1 and 2 are ana's now; the others race with theirs, 1 and 2 with
# new leads of their own.
for n in 1 2; do
	add_lead "{\"name\": \"Otro $n\", \"email\": \"o$n@x.es\", \"owner\": \"tq$n\"}" >"$T/lead$n"
done
pids=
for n in $(seq 1 20); do
	body="{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"book_appointment\", \"lead\": \"$(cat "$T/lead$n")\", \"at\": \"2027-01-04T08:00:00Z\", \"args\": {\"appointment\": \"$(uuid)\", \"rep\": \"$ana_id\", \"start\": \"2027-01-05T11:00:00Z\", \"end\": \"2027-01-05T11:30:00Z\"}}]}"
	curl -s -o "$T/race$n" -H "Authorization: Bearer $(cat "$T/tok$n")" \
		-H 'Content-Type: application/json' --data-binary "$body" "$BASE/ops" &
	pids="$pids $!"
done
wait $pids
applied=$(cat "$T"/race* | grep -o '"result":"applied"' | wc -l)
conflicts=$(cat "$T"/race* | grep -o '"result":"conflict"' | wc -l)
[ "$applied" -eq 1 ] && [ "$conflicts" -eq 19 ] || fail "the race gave $applied applied, $conflicts conflicts"
grep -l '"result":"conflict"' "$T"/race* | head -1 | xargs grep -q '"busy":\[.*"start":"2027-01-05T11:00:00Z"' ||
	fail "a conflict does not carry the rep's busy times"
[ "$(sql "SELECT count(*) FROM appointments a JOIN appointments b ON a.rep_id = b.rep_id AND a.id < b.id AND a.status = 'booked' AND b.status = 'booked' AND a.start_at < b.end_at AND b.start_at < a.end_at")" = 0 ] ||
	fail "overlapping appointments in the database"

say "iCalendar"
path=$("$LEADQD" user calendar --db "$DB" ana) || fail "leadqd user calendar"
code=$(curl -s -o "$T/cal.ics" -w '%{http_code}' -D "$T/cal.h" "http://127.0.0.1:$PORT$path")
[ "$code" = 200 ] || fail "the calendar feed: HTTP $code"
grep -qi '^content-type: text/calendar' "$T/cal.h" || fail "not text/calendar: $(cat "$T/cal.h")"
grep -q '^BEGIN:VCALENDAR' "$T/cal.ics" || fail "no VCALENDAR"
grep -q "^UID:$appt1@leadq" "$T/cal.ics" || fail "the booked appointment is not in the feed: $(cat "$T/cal.ics")"
grep -q '^DTSTART:20270105T090000Z' "$T/cal.ics" || fail "DTSTART"
grep -q '^X-LEADQ-TZ:America/Bogota' "$T/cal.ics" || fail "the agreed zone"
grep -q 'Cliente 1' "$T/cal.ics" || fail "the lead's name is not in the summary"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT${path%=*}=wrong")
[ "$code" = 404 ] || fail "a wrong calendar token: HTTP $code"
as "$ana" GET "/appointments/$appt1.ics"
expect_code 200 "one appointment as .ics"
grep -q "^UID:$appt1@leadq" "$T/body" || fail "the .ics of one appointment"
bob=$(login bob bob-pw)
as "$bob" GET "/appointments/$appt1.ics"
expect_code 404 "another rep's appointment"
"$LEADQD" user calendar --db "$DB" ana >/dev/null || fail "a new calendar token"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
[ "$code" = 404 ] || fail "the old calendar URL still works after a new one: HTTP $code"

say "reschedule and cancel"
book "$tq1" "$lead1" "$appt1" 2027-01-05T12:00:00Z 2027-01-05T12:30:00Z
[ "$(jget '$.results[0].error.code')" = forbidden ] || fail "the agent still changes a lead it gave away"
# The lead is ana's now: ana reschedules it in her own calendar.
book "$ana" "$lead1" "$appt1" 2027-01-05T12:00:00Z 2027-01-05T12:30:00Z
[ "$(jget '$.results[0].result')" = applied ] || fail "reschedule: $(cat "$T/body")"
[ "$(sql "SELECT version || ' ' || datetime(start_at, 'unixepoch') FROM appointments WHERE id = '$appt1'")" = "2 2027-01-05 12:00:00" ] ||
	fail "not rescheduled: $(sql "SELECT * FROM appointments WHERE id = '$appt1'")"
as "$ana" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"cancel_appointment\", \"lead\": \"$lead1\", \"args\": {\"appointment\": \"$appt1\"}}]}"
[ "$(jget '$.results[0].result')" = applied ] || fail "cancel: $(cat "$T/body")"
[ "$(sql "SELECT status FROM appointments WHERE id = '$appt1'")" = cancelled ] || fail "not cancelled"
[ "$(sql "SELECT json_extract(data, '\$.next_appt_at') FROM leads WHERE id = '$lead1'")" = "" ] ||
	fail "a cancelled appointment is still the lead's next"
as "$ana" GET "/reps/$ana_id/freebusy?from=2027-01-05T00:00:00Z&to=2027-01-06T00:00:00Z"
jget '$.busy' | grep -q '2027-01-05T12:00:00Z' && fail "a cancelled appointment is still busy"
[ "$(free_at 2027-01-05T12:00:00Z)" = 1 ] || fail "the cancelled slot is not free again"

say "a rep books only in their own calendar"
bob_lead=$(add_lead '{"name": "De Bob", "email": "bob1@x.es", "owner": "bob"}')
as "$bob" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"book_appointment\", \"lead\": \"$bob_lead\", \"args\": {\"appointment\": \"$(uuid)\", \"rep\": \"$ana_id\", \"start\": \"2027-01-06T09:00:00Z\", \"end\": \"2027-01-06T09:30:00Z\"}}]}"
[ "$(jget '$.results[0].error.code')" = forbidden ] || fail "bob booked in ana's calendar: $(cat "$T/body")"
stop_server
say "ok"
