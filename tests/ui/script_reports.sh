#!/bin/sh
# Issue 6 in scripted mode, on the demo as the team lead marta: F opens the
# funnel report; the title names the period in the user's zone and the
# breakdown; the bars' counts and conversions are the server's for the same
# query (GET /api/v1/reports/funnel on the demo's database, with marta's
# token); ↓ shows a group's funnel, Enter the total; Tab and g switch the
# breakdown (campaign, score band in band order); p, [ and ] change the
# period; 80x24 fits, 120x40 uses the room and back.  LEADQ_SCRIPT has no
# sync engine: the answers fetched here are handed to the screen through
# LEADQ_REPORTS_DIR (share/doc/testing.md).
. "$(dirname "$0")/lib.sh"

[ -x "${LEADQD:-}" ] || skip "the report needs leadqd (LEADQD is not set)"
command -v curl >/dev/null 2>&1 || skip "curl not found"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not found"

"$LEADQ" --demo --as lead list --format tsv >"$TEST_DIR/seed.tsv" 2>"$TEST_DIR/seed.err" || {
	cat "$TEST_DIR/seed.err" >&2
	echo "FAIL: $TEST_NAME: cannot seed the demo as lead" >&2
	exit 99
}
demo="$XDG_DATA_HOME/leadq/demo"

# The demo's server, once more, to ask it what the screen will show.
"$LEADQD" serve --db "$demo/server.db" --listen 127.0.0.1:0 >"$TEST_DIR/srv.out" 2>"$TEST_DIR/srv.err" &
srv=$!
port=""
i=0
while [ $i -lt 100 ] && [ -z "$port" ]; do
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$TEST_DIR/srv.out" | head -n 1)
	[ -n "$port" ] || sleep 0.1
	i=$((i + 1))
done
[ -n "$port" ] || { kill "$srv" 2>/dev/null; fail "leadqd did not start: $(cat "$TEST_DIR/srv.err")"; finish; }
base="http://127.0.0.1:$port/api/v1"
token=$(curl -s -d '{"user": "marta", "password": "marta"}' "$base/login" |
	sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
# This month in Europe/Madrid (the demo's zone), as the screen asks it.
range="from=2026-10-31T23:00:00Z&to=2026-11-30T23:00:00Z"
mkdir -p "$TEST_DIR/answers"
code=000
for by in source campaign rep team score_band; do
	code=$(curl -s -o "$TEST_DIR/answers/$by.json" -w '%{http_code}' \
		-H "Authorization: Bearer $token" "$base/reports/funnel?by=$by&$range")
	[ "$code" = 200 ] || break
done
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
[ "$code" = 404 ] && skip "the server has no /reports/funnel yet"
[ "$code" = 200 ] || { fail "GET /reports/funnel: HTTP $code: $(head -c 300 "$TEST_DIR/answers/"*.json)"; finish; }

# js FILE PATH: a value of the JSON answer (sqlite's json_extract).
js() {
	sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"
}
# bar SCREEN STAGE: the count and the rate of a stage's bar.
bar_count() { grep -E "^  $2 " "$1" | awk '{ print $3 }'; }
bar_rate() { grep -E "^  $2 " "$1" | awk '{ print $4 }'; }
pct() { # NUM DEN: the rate as the screen writes it, or —
	if [ "$2" -eq 0 ]; then echo "—"; else awk -v n="$1" -v d="$2" 'BEGIN { printf "%.1f\n", n * 100 / d }'; fi
}

export LEADQ_REPORTS_DIR="$TEST_DIR/answers"
run_script 80x24 <<EOF2 || finish
F
:save-display $TEST_DIR/total.txt
<Down>
:save-display $TEST_DIR/group1.txt
<Enter>
:save-display $TEST_DIR/enter.txt
<Enter>
:save-display $TEST_DIR/enter2.txt
<Tab>
:save-display $TEST_DIR/campaign.txt
g
g
g
:save-display $TEST_DIR/band.txt
<Tab>
:save-display $TEST_DIR/source-again.txt
p
:save-display $TEST_DIR/p30.txt
[
:save-display $TEST_DIR/p30-back.txt
]
:save-display $TEST_DIR/p30-fwd.txt
]
p
:save-display $TEST_DIR/quarter.txt
[
:save-display $TEST_DIR/last-quarter.txt
p
:save-display $TEST_DIR/year.txt
p
:save-display $TEST_DIR/all.txt
p
:save-display $TEST_DIR/week.txt
p
[
:save-display $TEST_DIR/last-month.txt
[
[
:save-display $TEST_DIR/3months.txt
]
]
]
:save-display $TEST_DIR/month.txt
:resize 120x40
:save-display $TEST_DIR/wide.txt
:resize 80x24
:save-display $TEST_DIR/small.txt
<Esc>
:save-display $TEST_DIR/queue.txt
EOF2

ans="$TEST_DIR/answers/source.json"
check "title: this month in the user's zone, by source" \
	test "$(sed -n 1p "$TEST_DIR/total.txt")" = " Funnel · this month (1–30 Nov 2026) · by source"
check "the total's line" grep -qF "total · $(js "$ans" '$.total.passed') leads passed to sales" "$TEST_DIR/total.txt"
prev=""
for stage in passed touched accepted opportunities won; do
	key=$stage
	want=$(js "$ans" "\$.total.$key")
	check "bar $stage: the server's count ($want)" test "$(bar_count "$TEST_DIR/total.txt" "$stage")" = "$want"
	if [ -n "$prev" ]; then
		check "bar $stage: conversion from $prev" \
			test "$(bar_rate "$TEST_DIR/total.txt" "$stage")" = "$(pct "$want" "$(js "$ans" "\$.total.$prev")")"
	fi
	prev=$key
done
group1=$(js "$ans" '$.rows[0].group')
nrows=$(sqlite3 :memory: "SELECT json_array_length(readfile('$ans'), '\$.rows')")
check "↓: the first group's funnel" grep -qF "source $group1 · 1 of $nrows" "$TEST_DIR/group1.txt"
for stage in passed touched accepted opportunities won; do
	check "↓: bar $stage of $group1" \
		test "$(bar_count "$TEST_DIR/group1.txt" "$stage")" = "$(js "$ans" "\$.rows[0].$stage")"
done
check "↓: the cursor on the group's row" sh -c "grep -F -- '$group1' '$TEST_DIR/group1.txt' | grep -q '^▸'"
check "Enter: the total" grep -qF "leads passed to sales" "$TEST_DIR/enter.txt"
check "Enter again: back to the group" grep -qF "source $group1 · 1 of $nrows" "$TEST_DIR/enter2.txt"
check "the list: the total row first" sh -c "grep -A1 -E '^  source \\($nrows\\)' '$TEST_DIR/total.txt' | tail -1 | grep -qE '^▸ total +$(js "$ans" '$.total.passed') '"

camp="$TEST_DIR/answers/campaign.json"
check "Tab: by campaign" grep -qF "Funnel · this month (1–30 Nov 2026) · by campaign" "$TEST_DIR/campaign.txt"
check "Tab: the campaigns listed" grep -qE "^  campaign \\($(sqlite3 :memory: "SELECT json_array_length(readfile('$camp'), '\$.rows')")\\)" "$TEST_DIR/campaign.txt"
camp1=$(sqlite3 :memory: "SELECT substr(json_extract(readfile('$camp'), '\$.rows[0].group'), 1, 20)")
check "Tab: the first campaign's row, as the server counts it" \
	sh -c "grep -F -- '$camp1' '$TEST_DIR/campaign.txt' | grep -qE ' $(js "$camp" '$.rows[0].passed') +$(js "$camp" '$.rows[0].accepted') '"

band="$TEST_DIR/answers/score_band.json"
check "g g g: by score band" grep -qF "· by score band" "$TEST_DIR/band.txt"
# The bands in band order, each with the server's accepted count.
sqlite3 -separator ' ' :memory: "SELECT json_extract(value, '\$.group'), json_extract(value, '\$.passed'), json_extract(value, '\$.accepted') FROM json_each(readfile('$band'), '\$.rows')" >"$TEST_DIR/bands.want"
grep -E '^  [0-9]+(–[0-9]+|\+) ' "$TEST_DIR/band.txt" | awk '{ print $1, $2, $3 }' >"$TEST_DIR/bands.got"
check "score band: rows and accepted as the server's" same_screen "$TEST_DIR/bands.want" "$TEST_DIR/bands.got"
check "score band: in band order" sh -c "cut -d' ' -f1 '$TEST_DIR/bands.got' | sed 's/[–+].*//' | sort -n -c"
check "Tab from score band: source again" grep -qF "· by source" "$TEST_DIR/source-again.txt"

check "p: last 30 days" grep -qF "Funnel · last 30 days (26 Oct – 24 Nov 2026) · by source" "$TEST_DIR/p30.txt"
check "[: the 30 days before" grep -qF "Funnel · 30 days (26 Sep – 25 Oct 2026)" "$TEST_DIR/p30-back.txt"
check "]: back" grep -qF "Funnel · last 30 days (26 Oct – 24 Nov 2026)" "$TEST_DIR/p30-fwd.txt"
check "p: this quarter" grep -qF "Funnel · this quarter (1 Oct – 31 Dec 2026)" "$TEST_DIR/quarter.txt"
check "[: last quarter" grep -qF "Funnel · last quarter (1 Jul – 30 Sep 2026)" "$TEST_DIR/last-quarter.txt"
check "p: this year" grep -qF "Funnel · this year (2026) · by source" "$TEST_DIR/year.txt"
check "p: all time" grep -qF "Funnel · all time · by source" "$TEST_DIR/all.txt"
check "p: this week (Monday to Sunday)" grep -qF "Funnel · this week (23–29 Nov 2026)" "$TEST_DIR/week.txt"
check "p [: last month" grep -qF "Funnel · last month (1–31 Oct 2026)" "$TEST_DIR/last-month.txt"
check "[ [: 3 months ago" grep -qF "Funnel · 3 months ago (1–31 Aug 2026)" "$TEST_DIR/3months.txt"
check "] ] ]: this month again, not beyond" grep -qF "Funnel · this month (1–30 Nov 2026)" "$TEST_DIR/month.txt"
check "the footer lists the screen's keys" grep -qF "Tab/g by · p period · [ ] earlier/later" "$TEST_DIR/total.txt"
check "80x24: 24 lines at most" test "$(wc -l <"$TEST_DIR/total.txt")" -le 24
check "80x24: 80 columns at most" test "$(wc -L <"$TEST_DIR/total.txt")" -le 80
check "80x24: junk and unreachable shown" sh -c "grep -q '· junk ' '$TEST_DIR/total.txt' || grep -q '^  junk ' '$TEST_DIR/total.txt'"
check "120x40: more columns" grep -qE "SLA met +1st touch" "$TEST_DIR/wide.txt"
check "120x40: wider bars" test "$(grep -E '^  passed ' "$TEST_DIR/wide.txt" | wc -L)" -gt 100
check "120x40: the status bar on line 40" test "$(sed -n 40p "$TEST_DIR/wide.txt" | grep -c 'help')" -eq 1
check "resize back: the same screen" same_screen "$TEST_DIR/month.txt" "$TEST_DIR/small.txt"
check "Esc: the queue" grep -qF "who next" "$TEST_DIR/queue.txt"

# An answer that is not a report, and no answer at all.
mkdir -p "$TEST_DIR/bad"
printf '{"by": "source", "rows": 3}\n' >"$TEST_DIR/bad/source.json"
LEADQ_REPORTS_DIR="$TEST_DIR/bad" run_script 80x24 <<EOF2 || finish
F
:save-display $TEST_DIR/bad.txt
EOF2
check "a bad answer: said so, with the reader's reason" \
	sh -c "grep -qF 'The server did not give the report:' '$TEST_DIR/bad.txt' && grep -qF 'could not be read' '$TEST_DIR/bad.txt'"
unset LEADQ_REPORTS_DIR
run_script 80x24 <<EOF2 || finish
F
:save-display $TEST_DIR/none.txt
EOF2
check "no server: the report needs one" grep -qF "The report needs the server" "$TEST_DIR/none.txt"
finish
