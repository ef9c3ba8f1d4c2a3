#!/bin/sh
# The SLA sweep (src/server/sweep.c): a first-contact breach exactly at its
# deadline in business time (over a weekend, a holiday and the change to
# summer time), each action once (also across runs and a restarted server),
# notify or reassign on a breach, unreachable on expiry with reason
# sla_expired, the team lead told through the feed, and old overdue leads
# left alone when a policy is set.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
lqd team add --db "$DB" Norte --tz Europe/Madrid
expect_rc 0 "team add Norte"
for u in carla:rep dani:rep nico:lead; do
	printf 'pw\n' | "$LEADQD" user add --db "$DB" "${u%%:*}" --name "User ${u%%:*}" \
		--role "${u#*:}" --team Norte --password-stdin >"$T/out" 2>"$T/err" ||
		fail "user add $u: $(cat "$T/err")"
done
sql "UPDATE users SET capacity = 10"
cat >"$T/policy" <<'EOF'
[team Iberia]
tz            = Europe/Madrid
hours         = mon-fri 09:00-14:00,15:00-18:00
holidays      = 2027-01-06
first_contact = 120
touches       = 3
touch_window  = 10
on_breach     = notify
on_expiry     = unreachable

[team Norte]
tz            = Europe/Madrid
hours         = mon-fri 09:00-14:00,15:00-18:00
first_contact = 120
on_breach     = reassign
on_expiry     = recycle
EOF
lqd policy import --db "$DB" "$T/policy"
expect_rc 0 "policy import"

start_server --sweep-interval 0
# lead NAME MQL [OWNER]: a lead through intake; its id in $id
lead() {
	owner=${3:+, \"owner\": \"$3\"}
	id=$(add_lead "{\"name\": \"$1\", \"email\": \"$1@example.es\", \"mql_at\": \"$2\"$owner}")
}
due() {
	sql "SELECT json_extract(data, '\$.sla_first_due') FROM leads WHERE id = '$1'"
}
# sweep NOW EXPECTED: one pass at NOW; EXPECTED is "notified reassigned expired"
sweep() {
	lqd sweep --db "$DB" --now "$1"
	expect_rc 0 "sweep at $1"
	got="$(awk 'NR <= 3 {printf "%s ", $2}' "$T/out")"   # breaches and expiries
	[ "$got" = "$2 " ] || fail "sweep at $1: got '$got', expected '$2'"
}

lead weekend 2027-01-08T16:00:00Z ana          # Friday 17:00 in Madrid
weekend=$id
[ "$(due "$weekend")" = 2027-01-11T09:00:00Z ] || fail "weekend deadline: $(due "$weekend")"
lead holiday 2027-01-05T16:00:00Z ana          # Tuesday 17:00; Wednesday 6 is a holiday
holiday=$id
[ "$(due "$holiday")" = 2027-01-07T09:00:00Z ] || fail "holiday deadline: $(due "$holiday")"

sweep 2027-01-07T08:59:59Z "0 0 0"
sweep 2027-01-07T09:00:00Z "1 0 0"
sweep 2027-01-07T09:00:00Z "0 0 0"
sweep 2027-01-11T08:59:59Z "0 0 0"
sweep 2027-01-11T09:00:00Z "1 0 0"
sweep 2027-01-11T09:30:00Z "0 0 0"
[ "$(sql "SELECT count(*) FROM sla_actions WHERE lead_id IN ('$weekend', '$holiday') AND event = 'first_contact_breach' AND action = 'notify'")" = 2 ] ||
	fail "the breaches are not recorded once each: $(sql "SELECT * FROM sla_actions")"
[ "$(sql "SELECT json_extract(data, '\$.subject') || ' ' || json_extract(data, '\$.detail') || ' ' || json_extract(data, '\$.actor') FROM activities WHERE lead_id = '$weekend' AND json_extract(data, '\$.kind') = 'escalation'")" = "first_contact_breach notify sla" ] ||
	fail "no escalation in the weekend lead's history"

# Touch window over (10 business days, 3 touches required): unreachable with
# sla_expired, undoable states kept.  The two leads above expired on 20 and
# 22 January; the new one breached its first contact on 1 February.
lead late 2027-02-01T08:00:00Z ana            # Monday 09:00: window ends 15 February 18:00
late=$id
sweep 2027-02-15T16:59:59Z "1 0 2"
sweep 2027-02-15T17:00:00Z "0 0 1"
[ "$(sql "SELECT status || ' ' || json_extract(data, '\$.reason') FROM leads WHERE id = '$late'")" = "unreachable sla_expired" ] ||
	fail "expiry: $(sql "SELECT status, data FROM leads WHERE id = '$late'")"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$late' AND json_extract(data, '\$.kind') = 'status_change' AND before IS NOT NULL")" = 1 ] ||
	fail "the expiry is not undoable"
sweep 2027-02-20T17:00:00Z "0 0 0"

# Reassign on breach (Norte): to the other rep, and the old owner's feed
# says the lead left; recycle on expiry.
tok=$(login carla pw)
as "$tok" GET "/changes?limit=1000"
cursor=$(jget '$.cursor')
lead norte 2027-02-22T08:00:00Z carla
norte=$id
sweep 2027-02-22T10:00:00Z "0 1 0"
[ "$(sql "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = '$norte'")" = dani ] ||
	fail "the breach did not move the lead to dani"
as "$tok" GET "/changes?limit=1000&since=$cursor"
grep -q '"removed":true' "$T/body" || fail "carla is not told the lead left her: $(head -c 600 "$T/body")"
sweep 2027-02-22T10:00:00Z "0 0 0"
lead norte2 2027-02-23T08:00:00Z carla
sweep 2027-02-23T10:00:00Z "0 1 0"
sweep 2027-03-10T17:00:00Z "0 0 2"
[ "$(sql "SELECT status FROM leads WHERE id = '$norte'")" = recycle ] || fail "Norte recycles on expiry"

# Across the change to summer time (Sunday 28 March 2027): Friday 26 at
# 17:00 CET is due Monday 29 at 10:00 CEST.
lead summer 2027-03-26T16:00:00Z ana
summer=$id
[ "$(due "$summer")" = 2027-03-29T08:00:00Z ] || fail "DST deadline: $(due "$summer")"
sweep 2027-03-29T07:59:59Z "0 0 0"

# The team lead hears of a breach through the feed.
tok=$(login marta marta-pw)
as "$tok" GET "/changes?limit=1000"
before=$(grep -o '"kind":"escalation"' "$T/body" | wc -l)
sweep 2027-03-29T08:00:00Z "1 0 0"
as "$tok" GET "/changes?limit=1000"
[ "$(grep -o '"kind":"escalation"' "$T/body" | wc -l)" -gt "$before" ] ||
	fail "the team lead's feed has no new escalation"

# A policy set now leaves leads that were overdue before it alone.
lead old 2027-01-04T08:00:00Z ana
old=$id
LEADQ_NOW=2027-06-01T00:00:00Z lqd policy import --db "$DB" "$T/policy"
expect_rc 0 "policy import again"
sweep 2027-06-01T12:00:00Z "0 0 0"
[ "$(sql "SELECT status FROM leads WHERE id = '$old'")" = new ] || fail "an old overdue lead was acted on"

# The server's own sweep, after a restart: acts on a new deadline, once.
stop_server
LEADQ_NOW=2027-06-07T12:00:00Z
export LEADQ_NOW
start_server --sweep-interval 1
unset LEADQ_NOW
lead fresh 2027-06-07T07:00:00Z ana           # Monday 09:00 CEST: due 11:00 CEST
fresh=$id
n=0
while [ "$(sql "SELECT count(*) FROM sla_actions WHERE lead_id = '$fresh'")" != 1 ]; do
	n=$((n + 1))
	[ $n -lt 60 ] || fail "the server's sweep did not act within 3 s"
	sleep 0.05
done
sleep 1.2
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$fresh' AND json_extract(data, '\$.kind') = 'escalation'")" = 1 ] ||
	fail "the server's sweep acted more than once"

# The owner's client says it in words.
if [ -n "${LEADQ:-}" ] && [ -x "$LEADQ" ]; then
	export XDG_CONFIG_HOME="$T/cfg" XDG_DATA_HOME="$T/data"
	printf 'ana-pw\n' | "$LEADQ" login "http://127.0.0.1:$PORT" ana --password-stdin >"$T/out" 2>"$T/err" ||
		fail "leadq login: $(cat "$T/err")"
	"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "leadq sync: $(cat "$T/err")"
	"$LEADQ" show "$weekend" >"$T/out" 2>"$T/err" || fail "leadq show: $(cat "$T/err")"
	expect_out "first contact overdue: team lead notified" "the escalation in the timeline"
	expect_out "touch window over: marked unreachable" "the expiry in the timeline"
fi
stop_server
say "ok"
