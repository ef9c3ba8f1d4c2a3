#!/bin/sh
# The funnel report end to end (issue 6), in real terminals at 80x24 on one
# real leadqd: the team lead marta presses F and reads her team's funnel of
# this month, as the server counts it (GET /reports/funnel with her token);
# the server stops: p (another period) says the report needs the server,
# going back to this month shows the answer kept "as of HH:MM"; the server
# comes back: the figures appear without a key press.  The rep lucia sees
# her own funnel; the telequal agent tq is told reports are not for her.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

use_tmux

"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
"$LEADQD" team add --db "$SDB" Iberia --tz UTC >/dev/null 2>"$T/init.err" ||
	fail "leadqd team add: $(cat "$T/init.err")"
"$LEADQD" team add --db "$SDB" Norte --tz UTC >/dev/null 2>"$T/init.err" ||
	fail "leadqd team add: $(cat "$T/init.err")"
for u in marta:lead:Iberia lucia:rep:Iberia ana:rep:Iberia tq:telequal:Iberia otro:rep:Norte; do
	login=${u%%:*} rest=${u#*:}
	printf '%s-pw\n' "$login" | "$LEADQD" user add --db "$SDB" "$login" --name "User $login" \
		--role "${rest%%:*}" --team "${rest#*:}" --tz UTC --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add $u: $(cat "$T/init.err")"
done
KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
server_start
# Five leads of the team (three web forms, two webinars) and one of
# another team that marta must not count.
body='{"leads": [{"name": "José Núñez", "company": "Zürich AG", "email": "jose@x.es", "source": "web_form", "owner": "lucia"},
                {"name": "Zoë Otra", "email": "zoe@x.es", "source": "web_form", "owner": "lucia"},
                {"name": "Émile Durand", "email": "emile@x.fr", "source": "web_form", "owner": "ana"},
                {"name": "Ünal Kaya", "email": "unal@x.tr", "source": "webinar", "owner": "ana"},
                {"name": "São Paulo Ltda", "email": "sp@x.br", "source": "webinar", "owner": "lucia"},
                {"name": "Fuera Norte", "email": "norte@x.es", "source": "web_form", "owner": "otro"}]}'
code=$(curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
	-H 'Content-Type: application/json' --data-binary "$body" "http://$SERVER/api/v1/leads")
[ "$code" = 200 ] || fail "intake: HTTP $code: $(cat "$T/intake.out")"


# lucia touches and qualifies José: touched 1, accepted 1.
login_as lucia lucia
jose=$(cache_sql "SELECT id FROM leads WHERE name = 'José Núñez'")
[ -n "$jose" ] || fail "lucia's cache has no José Núñez"
"$LEADQ" touch "$jose" call --outcome connected >"$T/out" 2>"$T/err" || fail "touch: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "lucia's sync: $(cat "$T/err")"
"$LEADQ" set "$jose" qualified >"$T/out" 2>"$T/err" || fail "set qualified: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "lucia's sync: $(cat "$T/err")"

bar_count() { grep -E "^  $2 " "$1" | awk '{ print $3 }'; }

# What the server says to marta for this month (UTC, her zone).
month_from=$(date -u +%Y-%m-01T00:00:00Z)
y=$(date -u +%Y) m=$(date -u +%m)
m=${m#0}
if [ "$m" -eq 12 ]; then month_to="$((y + 1))-01-01T00:00:00Z"; else month_to=$(printf '%d-%02d-01T00:00:00Z' "$y" $((m + 1))); fi
token=$(curl -s -d '{"user": "marta", "password": "marta-pw"}' "http://$SERVER/api/v1/login" |
	sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
code=$(curl -s -o "$T/funnel.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
	"http://$SERVER/api/v1/reports/funnel?by=source&from=$month_from&to=$month_to")
[ "$code" = 200 ] || fail "GET /reports/funnel as marta: HTTP $code: $(cat "$T/funnel.json")"
js() { sqlite3 :memory: "SELECT json_extract(readfile('$T/funnel.json'), '$1')"; }
[ "$(js '$.total.passed')" = 5 ] || fail "the server counts $(js '$.total.passed') leads for marta, not 5"

login_as marta marta
term marta
wait_for marta "who next" 100
keys marta F
wait_for marta "Funnel · this month (" 50
wait_for marta "total · 5 leads passed to sales" 50
screen_of marta >"$T/marta.txt"
for stage in passed touched accepted opportunities won; do
	[ "$(bar_count "$T/marta.txt" "$stage")" = "$(js "\$.total.$stage")" ] ||
		fail "marta's $stage bar: $(bar_count "$T/marta.txt" "$stage"), the server: $(js "\$.total.$stage"); the screen:
$(cat "$T/marta.txt")"
done
grep -qE '^  touched .* 1 +20\.0 %$' "$T/marta.txt" || fail "touched 1 of 5 (20.0 %): $(cat "$T/marta.txt")"
grep -qE '^  accepted .* 1 +100\.0 %$' "$T/marta.txt" || fail "accepted 1 of 1 touched: $(cat "$T/marta.txt")"
grep -qE '^  web_form +3 +1 +33\.3 %' "$T/marta.txt" || fail "the web_form row: $(cat "$T/marta.txt")"
grep -qE '^  webinar +2 +0 ' "$T/marta.txt" || fail "the webinar row: $(cat "$T/marta.txt")"
[ "$(wc -L <"$T/marta.txt")" -le 80 ] || fail "wider than 80 columns: $(cat "$T/marta.txt")"

# The server goes away: another period cannot be fetched.
server_stop
keys marta p
wait_for marta "Funnel · last 30 days (" 30
wait_for marta "The report needs the server, which cannot be reached now." 50
# Back to this month (p cycles through six periods): the answer kept.
keys marta p p p p p
wait_for marta "Funnel · this month (" 30
wait_for marta "offline · as of " 50
wait_for marta "total · 5 leads passed to sales" 10
keys marta p
wait_for marta "The report needs the server" 50
# The server comes back: the figures of the last 30 days, without a key.
server_start
wait_for marta "total · 5 leads passed to sales" 150
screen_of marta | grep -qF "as of " && fail "still the kept answer: $(screen_of marta)"
keys marta Escape
wait_for marta "who next" 30

# The rep: her own leads only (José, Zoë, São Paulo).
device lucia
term lucia
wait_for lucia "who next" 100
keys lucia F
wait_for lucia "total · 3 leads passed to sales" 50

# The telequal agent: a clear no.
login_as tq tq
term tq
sleep 1
keys tq F
wait_for tq "reports are for team leads and reps" 50
say "ok"
