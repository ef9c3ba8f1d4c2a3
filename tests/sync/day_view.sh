#!/bin/sh
# Appointments on the screens (issue 5), with a real leadqd: an agent books
# three leads into a rep's calendar; after sync the rep's queue counts down
# to the next one ("@ in 10 min"), the lead view lists its appointment with
# the lead's own time and status, and the day view (a) shows the day's
# appointments in the rep's zone with the countdown, ]/[ and ←/→ change the
# day, Enter opens the lead and Esc comes back; it fits 80x24 and resizes.
# The agent's queue is the calling queue with the checklist in the lead
# view, and a booking not sent yet shows as pending in their day view.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
"$LEADQD" team add --db "$SDB" Iberia --tz Europe/Madrid >/dev/null 2>"$T/init.err" ||
	fail "leadqd team add: $(cat "$T/init.err")"
for u in ana:rep tq1:telequal; do
	printf '%s-pw\n' "${u%%:*}" | "$LEADQD" user add --db "$SDB" "${u%%:*}" --name "User ${u%%:*}" \
		--role "${u#*:}" --team Iberia --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add $u: $(cat "$T/init.err")"
done
KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
server_start
body='{"leads": [{"name": "José Núñez", "company": "Zürich AG", "email": "jose@x.es", "tz": "America/Bogota", "owner": "tq1"},
                {"name": "Zoë Otra", "company": "Otra S.L.", "email": "zoe@x.es", "tz": "Europe/Madrid", "owner": "tq1"},
                {"name": "Émile Durand", "company": "Durand SA", "email": "emile@x.fr", "tz": "Europe/Paris", "owner": "tq1"},
                {"name": "Ünal Kaya", "company": "Kaya AŞ", "email": "unal@x.tr", "tz": "Europe/Istanbul", "owner": "tq1"}]}'
code=$(curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
	-H 'Content-Type: application/json' --data-binary "$body" "http://$SERVER/api/v1/leads")
[ "$code" = 200 ] || fail "intake: HTTP $code: $(cat "$T/intake.out")"

# screen DEVICE NOW SIZE: runs the device's leadq on the script in $T/script
# with the clock frozen at NOW (no sync: the cache alone).
screen() {
	device "$1"
	LEADQ_SCRIPT="$T/script" LEADQ_SCRIPT_SIZE=$3 LEADQ_NOW=$2 TERM=xterm-256color \
		LEADQ_NO_SYNC=1 "$LEADQ" >"$T/screen.out" 2>"$T/screen.err" ||
		fail "$1's screens: $(cat "$T/screen.err")"
}
has() { # FILE TEXT WHAT
	grep -qF -- "$2" "$1" || fail "$3: no '$2' on the screen:
$(cat "$1")"
}

login_as ana ana
login_as tq1 tq1
id_of() { cache_sql "SELECT id FROM leads WHERE name = '$1'"; }
jose=$(id_of 'José Núñez')
zoe=$(id_of 'Zoë Otra')
emile=$(id_of 'Émile Durand')
unal=$(id_of 'Ünal Kaya')

# The agent's calling queue, with the checklist not answered yet.
cat >"$T/script" <<EOF
:save-display $T/tq-queue.txt
<Enter>
:save-display $T/tq-lead.txt
EOF
screen tq1 2027-01-05T08:00:00Z 80x24
has "$T/tq-queue.txt" "calling queue · open 4" "the agent's queue"
has "$T/tq-lead.txt" "Qualification checklist (k answers it)" "the agent's lead view"
has "$T/tq-lead.txt" "  not answered yet" "the agent's lead view"

# Tuesday 5 January 2027: José 10:00-10:45 (video), Zoë 11:30-12:00;
# Wednesday: Émile 09:00-10:00 (visit).  Times in Madrid (UTC+1).
device tq1
for b in "$jose 2027-01-05T10:00:00+01:00 45 video" "$zoe 2027-01-05T11:30:00+01:00 30 phone" \
	"$emile 2027-01-06T09:00:00+01:00 60 visit"; do
	set -- $b
	"$LEADQ" book "$1" --rep ana --at "$2" --minutes "$3" --mode "$4" >"$T/out" 2>"$T/err" ||
		fail "leadq book $b: $(cat "$T/err")"
done
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "the agent's sync: $(cat "$T/out" "$T/err")"
device ana
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "ana's sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM appointments WHERE status = 'booked'")" = 3 ] ||
	fail "ana's cache: $(cache_sql "SELECT * FROM appointments")"

# 09:50 in Madrid: José's appointment starts in 10 minutes.
cat >"$T/script" <<EOF
:save-display $T/queue.txt
<Enter>
:save-display $T/lead.txt
<Esc>
a
:save-display $T/day.txt
]
:save-display $T/next-day.txt
<Left>
<Left>
:save-display $T/prev-day.txt
<Right>
<Down>
:save-display $T/day-down.txt
<Enter>
:save-display $T/day-lead.txt
<Esc>
:save-display $T/day-back.txt
:resize 120x40
:save-display $T/day-wide.txt
:resize 80x24
<Esc>
:save-display $T/day-esc.txt
EOF
screen ana 2027-01-05T08:50:00Z 80x24
row=$(sed -n 3p "$T/queue.txt")
case $row in
" @  in 10 min"*"José Núñez"*) ;;
*) fail "the queue's first row is not José's appointment in 10 min: '$row'" ;;
esac
has "$T/lead.txt" "Appointments" "José's lead view"
has "$T/lead.txt" "   01-05 10:00–10:45 (lead 04:00) · video · booked · in 10 min" "José's lead view"
has "$T/day.txt" "Appointments · Tue 2027-01-05 (today) · 2" "the day view's title"
has "$T/day.txt" "Europe/Madrid" "the day view's zone"
grep -q "^▸ 10:00–10:45  45 min  video    José Núñez · Zürich AG .* booked  *in 10 min$" "$T/day.txt" ||
	fail "José's row in the day view: $(cat "$T/day.txt")"
grep -q "^  11:30–12:00  30 min  phone    Zoë Otra · Otra S.L. .* booked$" "$T/day.txt" ||
	fail "Zoë's row (no countdown: not the next one): $(cat "$T/day.txt")"
has "$T/next-day.txt" "Wed 2027-01-06 (tomorrow) · 1" "] goes to the next day"
grep -q "^▸ 09:00–10:00  1 h     visit    Émile Durand" "$T/next-day.txt" ||
	fail "Émile's row on the next day: $(cat "$T/next-day.txt")"
has "$T/prev-day.txt" "Mon 2027-01-04 (yesterday) · 0" "← goes back a day"
has "$T/prev-day.txt" "No appointments or callbacks on this day" "an empty day"
grep -q "^▸ 11:30–12:00" "$T/day-down.txt" || fail "↓ moves to Zoë: $(cat "$T/day-down.txt")"
has "$T/day-lead.txt" " Zoë Otra · Otra S.L." "Enter opens the row's lead"
has "$T/day-lead.txt" "   01-05 11:30–12:00 · phone · booked · in 1 h 40 min" "Zoë's lead view (same zone: no lead time)"
grep -q "^▸ 11:30–12:00" "$T/day-back.txt" || fail "Esc comes back to the day view: $(cat "$T/day-back.txt")"
has "$T/day-wide.txt" "←/→ day · Enter opens · Europe/Madrid" "the day view at 120x40"
[ "$(wc -L <"$T/day.txt")" -le 80 ] || fail "the day view is wider than 80 columns"
[ "$(wc -l <"$T/day.txt")" -le 24 ] || fail "the day view is taller than 24 lines"
has "$T/day-esc.txt" "who next" "Esc goes back to the queue"

# A started appointment: 10:05 reads "5 min ago" in the queue.
cat >"$T/script" <<EOF
:save-display $T/started.txt
<Enter>
:save-display $T/started-lead.txt
EOF
screen ana 2027-01-05T09:05:00Z 80x24
row=$(sed -n 3p "$T/started.txt")
case $row in
" @  5 min ago"*"José Núñez"*) ;;
*) fail "the queue's first row is not José's appointment started 5 min ago: '$row'" ;;
esac
has "$T/started-lead.txt" "· booked · started 5 min ago" "the lead view of a started appointment"

# The agent books Ünal but has not synced: pending in their day view.
device tq1
"$LEADQ" book "$unal" --rep ana --at 2027-01-05T16:00:00+01:00 --minutes 30 >"$T/out" 2>"$T/err" ||
	fail "leadq book Ünal: $(cat "$T/err")"
cat >"$T/script" <<EOF
a
:save-display $T/tq-day.txt
EOF
screen tq1 2027-01-05T08:00:00Z 80x24
grep -q "16:00–16:30  30 min  phone    Ünal Kaya · Kaya AŞ .* pending  *in 7h 00m$" "$T/tq-day.txt" ||
	fail "the agent's pending booking: $(cat "$T/tq-day.txt")"
server_stop
say "ok"
