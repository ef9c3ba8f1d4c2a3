#!/bin/sh
# The queue screen in scripted mode (LEADQ_SCRIPT) at 80x24 and 120x40:
# ordered rows, accented and wide names aligned, the help screen (exact), a
# terminal that is too small (exact).
. "$(dirname "$0")/lib.sh"

seed_demo
demo_list >"$TEST_DIR/open.tsv"

run_script 80x24 <<EOF2 || finish
:save-display $TEST_DIR/q80.txt
?
:save-display $TEST_DIR/help80.txt
<Esc>
:resize 60x20
:save-display $TEST_DIR/small.txt
EOF2

s=$TEST_DIR/q80.txt
check "80x24: 24 rows saved" test "$(wc -l <"$s")" -eq 24
check "80x24: header names the user and the counts" grep -q "^ .* · open [0-9]* · breached [0-9]* · at risk [0-9]*" "$s"
check "80x24: header shows sort and filter" grep -q "who next · open *$" "$s"
check "80x24: column titles" grep -q "SLA  Sc Name .*Company .*Source .*Status .*Touch$" "$s"
# The first row is the most urgent: an appointment due now (@) or a breach (!!).
sed -n 3p "$s" | grep -q "^ \(!!\|@ \)" || fail "first row is not due/breached: $(sed -n 3p "$s")"
# Every row ends where the titles end ("Touch" is right-aligned): wide and
# accented names never shift a column.
tw=$(widths "$s" 2 2)
check "80x24: titles fill the width" test "$tw" -ge 78
for w in $(widths "$s" 3 23 | sort -u); do
	check "80x24: rows as wide as the titles ($w = $tw)" test "$w" -eq "$tw"
done
# Rows follow the core's order (the CLI prints the same order).
i=0
tail -n +2 "$TEST_DIR/open.tsv" | head -n 5 | cut -f6 | while IFS= read -r name; do
	i=$((i + 1))
	prefix=$(printf '%s' "$name" | sed -E 's/^(.{7}).*/\1/')
	sed -n "$((i + 2))p" "$s" | grep -qF -- "$prefix" ||
		echo "row $i: expected '$prefix' in: $(sed -n "$((i + 2))p" "$s")" >>"$TEST_DIR/order.err"
done
check "80x24: rows in the core's order" test ! -s "$TEST_DIR/order.err"
[ -s "$TEST_DIR/order.err" ] && cat "$TEST_DIR/order.err" >&2

cat >"$TEST_DIR/help.expected" <<'EOF2'
 Help: keys (Esc goes back; ↑ ↓ scroll)
 Key              Action
 <Up>, <C-p>      move up
 <Down>, <C-n>    move down
 <PgUp>           page up
 <PgDn>           page down
 <Home>           go to the first line
 <End>            go to the last line
 <Enter>          open the lead full-screen
 <Esc>            close a pop-up or go back
 <Tab>            focus: queue / detail / timeline
 q                qualified (sales-accepted)
 r                recycle, with a reason
 j                junk, with a reason
 u                unreachable, with a reason
 z                undo the last change
 c                log a call, with its outcome
 1                log a call: connected (one key)
 2                log a call: voicemail (one key)
 3                log a call: no answer (one key)
 4                log a call: wrong number (one key)
 e                log an email
 n                add a note
EOF2
head -n 23 "$TEST_DIR/help80.txt" >"$TEST_DIR/help80.top"
check "help screen (exact)" same_screen "$TEST_DIR/help.expected" "$TEST_DIR/help80.top"

printf ' terminal too small (60x20, needs 80x24)\n' >"$TEST_DIR/small.expected"
for _ in $(seq 2 20); do echo; done >>"$TEST_DIR/small.expected"
sed -i 's/^ terminal/terminal/' "$TEST_DIR/small.expected"
check "too small (exact)" same_screen "$TEST_DIR/small.expected" "$TEST_DIR/small.txt"

# 120x40: the wide header, the detail pane with why now and the timeline.
run_script 120x40 <<EOF2 || finish
:save-display $TEST_DIR/q120.txt
<End>
<Home>
<PgDn>
<PgUp>
:save-display $TEST_DIR/q120b.txt
EOF2
s=$TEST_DIR/q120.txt
check "120x40: 40 rows saved" test "$(wc -l <"$s")" -eq 40
check "120x40: header with role, sort and filter" grep -q "sort: who next · filter: open *$" "$s"
check "120x40: detail pane" grep -q "^ Lead  *Timeline (newest first)" "$s"
check "120x40: why now" grep -q "^ Why now" "$s"
check "120x40: score in the pane" grep -q "^ score [0-9]" "$s"
check "120x40: local time in the pane" grep -q "local time: " "$s"
tw=$(widths "$s" 2 2)
check "120x40: titles fill the width" test "$tw" -ge 118
for w in $(widths "$s" 3 25 | sort -u); do
	check "120x40: rows as wide as the titles ($w = $tw)" test "$w" -eq "$tw"
done
check "120x40: Home and PgUp come back to the same screen" same_screen "$s" "$TEST_DIR/q120b.txt"
finish
