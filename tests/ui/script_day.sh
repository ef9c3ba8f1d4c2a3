#!/bin/sh
# Issue 5 in scripted mode, on the demo: a callback due soon is marked ☎ in
# the queue with its countdown, the lead view says whose it is and when in
# the lead's and the user's time; the day view (a) lists the day's
# appointments and callbacks in the user's zone with the countdown to the
# next, changes day with ]/[ and ←/→, opens the lead with Enter (Esc comes
# back), fits 80x24 and follows a resize.
. "$(dirname "$0")/lib.sh"

seed_demo
demo_list >"$TEST_DIR/open.tsv"
# The third lead gets a personal callback in 10 minutes, the fourth a team
# one in 2 hours (RFC 3339: exact whatever the lead's zone).
cb_id=$(sed -n 4p "$TEST_DIR/open.tsv" | cut -f1)
cb_name=$(sed -n 4p "$TEST_DIR/open.tsv" | cut -f6)
team_id=$(sed -n 5p "$TEST_DIR/open.tsv" | cut -f1)
team_name=$(sed -n 5p "$TEST_DIR/open.tsv" | cut -f6)
"$LEADQ" --demo callback "$cb_id" --at 2026-11-24T10:40:00Z >"$TEST_DIR/cb.out" 2>&1 ||
	{ cat "$TEST_DIR/cb.out" >&2; fail "leadq callback"; finish; }
"$LEADQ" --demo callback "$team_id" --team --at 2026-11-24T12:30:00Z >"$TEST_DIR/cb.out" 2>&1 ||
	{ cat "$TEST_DIR/cb.out" >&2; fail "leadq callback --team"; finish; }
short() { printf '%s' "$1" | cut -c1-7; }

run_script 80x24 <<EOF2 || finish
:save-display $TEST_DIR/queue.txt
/
:type $cb_name
<Enter>
<Enter>
:save-display $TEST_DIR/cb-lead.txt
<Esc>
<Esc>
a
:save-display $TEST_DIR/day.txt
]
:save-display $TEST_DIR/tomorrow.txt
[
[
:save-display $TEST_DIR/yesterday.txt
<Right>
:save-display $TEST_DIR/today.txt
:resize 120x40
:save-display $TEST_DIR/day-wide.txt
:resize 80x24
:save-display $TEST_DIR/day-small.txt
EOF2
check "queue: the callback is marked ☎ with its countdown" \
	sh -c "grep -F -- '$(short "$cb_name")' '$TEST_DIR/queue.txt' | grep -qE '^ ☎  in 10 min '"
check "queue: the due callback is among the first rows" \
	sh -c "sed -n 3,6p '$TEST_DIR/queue.txt' | grep -qF -- '$(short "$cb_name")'"
check "lead view: the callback, personal, in 10 min" \
	grep -qE "^ callback 11-24 11:40( \(lead [0-9:]+\))? · personal, yours · in 10 min\$" "$TEST_DIR/cb-lead.txt"
check "day view: today's title in the user's zone" \
	sh -c "grep -qF 'Appointments · Tue 2026-11-24 (today)' '$TEST_DIR/day.txt' && grep -qF 'Europe/Madrid' '$TEST_DIR/day.txt'"
check "day view: the personal callback at 11:40" \
	sh -c "grep -F -- '$(short "$cb_name")' '$TEST_DIR/day.txt' | grep -qE '^. 11:40 +callback .* personal'"
check "day view: the team callback at 13:30" \
	sh -c "grep -F -- '$(short "$team_name")' '$TEST_DIR/day.txt' | grep -qE '^. 13:30 +callback .* team'"
check "day view: in time order" sh -c "grep -oE '^. [0-9]{2}:[0-9]{2}' '$TEST_DIR/day.txt' | grep -oE '[0-9:]{5}' >'$TEST_DIR/times' && [ \$(wc -l <'$TEST_DIR/times') -ge 3 ] && sort -c '$TEST_DIR/times'"
check "day view: one countdown, on the next row" \
	test "$(grep -cE '(in [0-9]+ min|min ago|[0-9]m ago)$' "$TEST_DIR/day.txt")" -eq 1
check "]: tomorrow" grep -qF "Wed 2026-11-25 (tomorrow)" "$TEST_DIR/tomorrow.txt"
check "[ [: yesterday" grep -qF "Mon 2026-11-23 (yesterday)" "$TEST_DIR/yesterday.txt"
check "→: today again" grep -qF "Tue 2026-11-24 (today)" "$TEST_DIR/today.txt"
check "80x24: 24 lines at most" test "$(wc -l <"$TEST_DIR/day.txt")" -le 24
check "80x24: 80 columns at most" test "$(wc -L <"$TEST_DIR/day.txt")" -le 80
check "resize: 120 columns used" grep -qF "←/→ day · Enter opens · Europe/Madrid" "$TEST_DIR/day-wide.txt"
check "resize: the status bar on line 40" test "$(sed -n 40p "$TEST_DIR/day-wide.txt" | grep -c 'help')" -eq 1
check "resize back: the same screen" same_screen "$TEST_DIR/today.txt" "$TEST_DIR/day-small.txt"

# Enter opens the row's lead, Esc comes back to the day, Esc again to the queue.
row=$(grep -n -- "$(short "$cb_name")" "$TEST_DIR/day.txt" | head -1 | cut -d: -f1)
downs=""
i=3
while [ "$i" -lt "$row" ]; do
	downs="$downs<Down>"
	i=$((i + 1))
done
run_script 80x24 <<EOF2 || finish
a
$downs
<Enter>
:save-display $TEST_DIR/opened.txt
<Esc>
:save-display $TEST_DIR/back.txt
<Esc>
:save-display $TEST_DIR/queue-again.txt
EOF2
check "Enter: the callback's lead opens" sh -c "head -1 '$TEST_DIR/opened.txt' | grep -qF -- '$cb_name'"
check "Esc: back to the day view on the same row" \
	sh -c "grep -F -- '$(short "$cb_name")' '$TEST_DIR/back.txt' | grep -q '^▸'"
check "Esc again: the queue" grep -qF "who next" "$TEST_DIR/queue-again.txt"

# A call answers the callback: the lead view and the day view say so.
run_script 80x24 <<EOF2 || finish
/
:type $cb_name
<Enter>
1
<Esc>
<Enter>
:save-display $TEST_DIR/answered.txt
EOF2
check "a call answers the callback" grep -qE "^ callback 11-24 11:40.* · answered by a call\$" "$TEST_DIR/answered.txt"
finish
