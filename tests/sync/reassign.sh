#!/bin/sh
# A team lead reassigns 500 leads (500 `leadq reassign`, one `leadq sync`):
# the old owner's next sync removes them from that rep's cache, the new
# owner's brings them.  A reassignment to a rep of another team is refused
# by the client, and by the server when the op reaches it anyway (rejected,
# the lead stays where it was on both sides).
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"
N=500

"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
for team in Iberia Norte; do
	"$LEADQD" team add --db "$SDB" "$team" --tz Europe/Madrid >/dev/null 2>"$T/init.err" ||
		fail "leadqd team add $team: $(cat "$T/init.err")"
done
for u in marta:lead:Iberia ana:rep:Iberia bob:rep:Iberia zoe:rep:Norte; do
	login=${u%%:*} rest=${u#*:}
	printf '%s-pw\n' "$login" | "$LEADQD" user add --db "$SDB" "$login" --name "Zoë $login" \
		--role "${rest%%:*}" --team "${rest#*:}" --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add $login: $(cat "$T/init.err")"
done
KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
[ -n "$KEY" ] || fail "leadqd key add: $(cat "$T/init.err")"
server_start

# N leads for ana, one for zoe (another team).
i=1 body='{"leads": ['
while [ "$i" -le "$N" ]; do
	body="$body{\"name\": \"José Núñez $i\", \"company\": \"Zürich $i AG\", \"email\": \"jose$i@example.com\", \"owner\": \"ana\"},"
	i=$((i + 1))
done
body="$body{\"name\": \"Zoë Norte\", \"email\": \"zoe@example.com\", \"owner\": \"zoe\"}]}"
code=$(curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
	-H 'Content-Type: application/json' --data-binary "$body" "http://$SERVER/api/v1/leads")
[ "$code" = 200 ] || fail "intake: HTTP $code: $(cat "$T/intake.out")"

# login_as USER: logs the current device in as USER (password USER-pw) and syncs.
login_as() {
	printf '%s-pw\n' "$1" | "$LEADQ" login "$SERVER" "$1" --password-stdin >"$T/out" 2>"$T/err" ||
		fail "$1: login: $(cat "$T/err")"
	"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "$1: first sync: $(cat "$T/err")"
}
device ana; login_as ana
[ "$(cache_sql "SELECT count(*) FROM leads")" = $N ] || fail "ana: $(cache_sql "SELECT count(*) FROM leads") leads, not $N"
device bob; login_as bob
[ "$(cache_sql "SELECT count(*) FROM leads")" = 0 ] || fail "bob starts with leads"
device zoe; login_as zoe
device marta; login_as marta
[ "$(cache_sql "SELECT count(*) FROM leads")" = $N ] || fail "marta sees $(cache_sql "SELECT count(*) FROM leads") leads, not the team's $N"
[ "$(cache_sql "SELECT count(*) FROM users WHERE login = 'zoe'")" = 0 ] || fail "marta's cache holds another team's rep"
bob_id=$(server_sql "SELECT id FROM users WHERE login = 'bob'")
zoe_id=$(server_sql "SELECT id FROM users WHERE login = 'zoe'")

# --- the team lead reassigns N leads -------------------------------------------
cache_sql "SELECT id FROM leads ORDER BY id" >"$T/ids"
while read -r id; do
	"$LEADQ" reassign "$id" bob --reason "ana está de vacaciones" >>"$T/reassign.out" 2>"$T/err" ||
		fail "marta: reassign $id: $(cat "$T/err")"
done <"$T/ids"
[ "$(wc -l <"$T/reassign.out")" = $N ] || fail "marta: $(wc -l <"$T/reassign.out") lines for $N reassignments"
grep -qv ': reassigned to bob$' "$T/reassign.out" && fail "marta: a line is not 'reassigned to bob'"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE kind = 'reassign' AND state = 'pending'")" = $N ] ||
	fail "marta: not $N pending reassign ops"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "marta: sync of $N reassignments: exit $?: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state = 'applied'")" = $N ] ||
	fail "marta: $(cache_sql "SELECT count(*) FROM outbox WHERE state = 'applied'") ops applied, not $N"
[ "$(cache_sql "SELECT count(*) FROM leads WHERE owner_id = '$bob_id'")" = $N ] ||
	fail "marta: the cache does not have the $N leads with bob"
[ "$(server_sql "SELECT count(*) FROM leads WHERE owner_id = '$bob_id'")" = $N ] ||
	fail "server: $(server_sql "SELECT count(*) FROM leads WHERE owner_id = '$bob_id'") leads are bob's, not $N"
[ "$(server_sql "SELECT count(*) FROM audit WHERE action = 'reassign'")" = $N ] ||
	fail "server: $(server_sql "SELECT count(*) FROM audit WHERE action = 'reassign'") reassignments audited, not $N"

# --- the old owner loses them, the new one gets them ------------------------------
device ana
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "ana: sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM leads")" = 0 ] || fail "ana still has $(cache_sql "SELECT count(*) FROM leads") leads"
[ "$(cache_sql "SELECT count(*) FROM activities")" = 0 ] || fail "ana still has activities of leads taken away"
device bob
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "bob: sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM leads WHERE owner_id = '$bob_id'")" = $N ] ||
	fail "bob has $(cache_sql "SELECT count(*) FROM leads") leads, not $N"
"$LEADQ" list --format tsv >"$T/list" 2>"$T/err" || fail "bob: list: $(cat "$T/err")"
[ "$(($(wc -l <"$T/list") - 1))" = $N ] || fail "bob's queue does not list the $N leads"
grep -q 'José Núñez 1	' "$T/list" || fail "bob's queue lost the UTF-8 names"
"$LEADQ" show "$(head -n 1 "$T/ids")" >"$T/show" 2>"$T/err" || fail "bob: show: $(cat "$T/err")"
grep -q 'ana está de vacaciones' "$T/show" || fail "bob: the timeline does not show the reason"

# --- another team: refused by the client, and by the server ------------------------
device marta
id=$(head -n 1 "$T/ids")
"$LEADQ" reassign "$id" zoe >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || fail "marta: reassign to zoe (another team): exit $rc"
grep -q 'zoe: no such user in your team' "$T/err" || fail "marta: the refusal says: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 0 ] || fail "marta: a refused reassignment was queued"
# The op reaches the server anyway (an older client, a forged cache): rejected.
version=$(cache_sql "SELECT version FROM leads WHERE id = '$id'")
cache_sql "INSERT INTO outbox (id, kind, lead_id, base_version, at, send_after, args, state)
	VALUES ('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'reassign', '$id', $version,
	strftime('%s','now'), 0, '{\"owner\":\"$zoe_id\"}', 'pending')"
"$LEADQ" sync >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 3 ] || fail "marta: sync of a reassignment to another team: exit $rc: $(cat "$T/err")"
grep -q 'rejected' "$T/err" || fail "marta: the sync does not say rejected: $(cat "$T/err")"
grep -q 'not in your team' "$T/err" || fail "marta: the sync does not give the server's reason: $(cat "$T/err")"
[ "$(cache_sql "SELECT state FROM outbox WHERE id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'")" = rejected ] ||
	fail "marta: the op is not marked rejected"
[ "$(server_sql "SELECT owner_id FROM leads WHERE id = '$id'")" = "$bob_id" ] || fail "server: the lead left bob"
"$LEADQ" sync >"$T/out" 2>"$T/err"
[ "$(cache_sql "SELECT owner_id FROM leads WHERE id = '$id'")" = "$bob_id" ] || fail "marta: the cache lost bob as owner"
device zoe
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "zoe: sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM leads")" = 1 ] || fail "zoe got $(cache_sql "SELECT count(*) FROM leads") leads, not her one"
# A rep may not reassign at all.
device bob
"$LEADQ" reassign "$id" ana >"$T/out" 2>"$T/err"
[ $? = 1 ] || fail "bob: a rep's reassign did not exit 1"
grep -q 'only a team lead' "$T/err" || fail "bob: the refusal says: $(cat "$T/err")"
say ok
