#!/bin/sh
# The team view in scripted mode (leadq --demo --as lead), at 80x24 and
# 120x40: the team's leads with an owner column, filter by rep, the rep load
# panel, Space marks three leads and R gives them to a rep (the cache and its
# outbox at once), "my queue", and a rep's t and R refused.
. "$(dirname "$0")/lib.sh"

"$LEADQ" --demo --as lead list --format tsv >"$TEST_DIR/seed.tsv" 2>"$TEST_DIR/seed.err" || {
	cat "$TEST_DIR/seed.err" >&2
	exit 99
}
DB="$XDG_DATA_HOME/leadq/demo/cache.db"
q() { sqlite3 -batch -noheader "$DB" "$1"; }
rep=$(q "SELECT login FROM users WHERE role = 'rep' AND active = 1 ORDER BY name LIMIT 1 OFFSET 2")
rep_name=$(q "SELECT name FROM users WHERE login = '$rep'")
rep_id=$(q "SELECT id FROM users WHERE login = '$rep'")
short=$(printf '%s' "$rep" | cut -c 1-9)

# --- the team view at 80x24 ----------------------------------------------------
run_script 80x24 <<EOF2 || finish
:save-display $TEST_DIR/team.txt
w
:save-display $TEST_DIR/load.txt
w f
:save-display $TEST_DIR/filters.txt
2
:save-display $TEST_DIR/reps.txt
3
:save-display $TEST_DIR/by-rep.txt
f 3
:save-display $TEST_DIR/breached.txt
f 4
:save-display $TEST_DIR/at-risk.txt
EOF2
check "80x24: header says team" grep -q "^ Marta Ibáñez · team · open " "$TEST_DIR/team.txt"
check "80x24: an owner column" sh -c "sed -n 2p '$TEST_DIR/team.txt' | grep -q 'Owner'"
owners=0
for login in $(q "SELECT substr(login, 1, 9) FROM users WHERE role = 'rep'"); do
	grep -qF " $login" "$TEST_DIR/team.txt" && owners=$((owners + 1))
done
check "80x24: leads of several reps ($owners owners)" test "$owners" -ge 3
for w in $(widths "$TEST_DIR/team.txt" 1 24 | sort -u); do
	check "80x24: no line wider than 80 ($w)" test "$w" -le 80
done
check "80x24: the load panel" grep -q "^Rep load" "$TEST_DIR/load.txt"
check "80x24: the load panel names the reps" grep -qF "$rep_name" "$TEST_DIR/load.txt"
check "80x24: the load panel counts the unassigned" grep -q "^(unassigned)" "$TEST_DIR/load.txt"
check "80x24: the list keeps rows above the panel" sh -c "sed -n 10p '$TEST_DIR/load.txt' | grep -q '/6'"
check "f: the team filters" grep -q "unassigned" "$TEST_DIR/filters.txt"
check "f 2: a picker of the team's reps" grep -qF "$rep_name ($rep)" "$TEST_DIR/reps.txt"
check "f 2: the team lead is not a rep" sh -c "! grep -q '(marta)' '$TEST_DIR/reps.txt'"
check "by rep: the header names the rep" grep -qF "rep $rep" "$TEST_DIR/by-rep.txt"
others=$(sed -n '3,23p' "$TEST_DIR/by-rep.txt" | grep '/' | grep -vcF " $short")
check "by rep: every row is the rep's ($others others)" test "$others" -eq 0
rows=$(sed -n '3,23p' "$TEST_DIR/by-rep.txt" | grep -c '/')
check "by rep: rows listed ($rows)" test "$rows" -gt 5
check "breached: every row breached (or an appointment due)" sh -c "! sed -n '3,23p' '$TEST_DIR/breached.txt' | grep '/' | grep -v '^ \(!!\|@ \)'"
check "at risk: rows, none breached" sh -c "sed -n '3,23p' '$TEST_DIR/at-risk.txt' | grep -q '^ ! ' && ! sed -n '3,23p' '$TEST_DIR/at-risk.txt' | grep -q '^ !!'"

# --- mark three, R to the rep, a reason ------------------------------------------
before=$(q "SELECT count(*) FROM leads WHERE owner_id = '$rep_id'")
run_script 80x24 <<EOF2 || finish
<Down><Space><Space><Space>
:save-display $TEST_DIR/marked.txt
R
:save-display $TEST_DIR/to-whom.txt
3
:type sobrecarga de Núñez
:save-display $TEST_DIR/reason.txt
<Enter>
:save-display $TEST_DIR/moved.txt
EOF2
check "Space: three marks" test "$(sed -n '3,23p' "$TEST_DIR/marked.txt" | grep -c '^\*')" -eq 3
check "Space: the header counts them" grep -q "marked 3 · team" "$TEST_DIR/marked.txt"
check "R: asks which rep for the marked leads" grep -q "reassign 3 marked leads to which rep?" "$TEST_DIR/to-whom.txt"
check "R: then a reason" grep -qF "to $rep: reason?" "$TEST_DIR/reason.txt"
check "R: acknowledged on the status line" grep -qF "3 leads reassigned to $rep" "$TEST_DIR/moved.txt"
check "R: the marks are gone" test "$(sed -n '3,23p' "$TEST_DIR/moved.txt" | grep -c '^\*')" -eq 0
check "R: the cache has 3 more leads with $rep" \
	test "$(q "SELECT count(*) FROM leads WHERE owner_id = '$rep_id'")" -eq $((before + 3))
check "R: 3 reassign ops in the outbox" \
	test "$(q "SELECT count(*) FROM outbox WHERE kind = 'reassign' AND json_extract(args, '\$.owner') = '$rep_id' AND json_extract(args, '\$.reason') = 'sobrecarga de Núñez'")" -eq 3
check "R: 3 assignment activities" \
	test "$(q "SELECT count(*) FROM activities WHERE kind = 'assignment' AND op_id IS NOT NULL AND subject = '$rep'")" -eq 3
check "R: the rows show the new owner" test "$(sed -n '4,6p' "$TEST_DIR/moved.txt" | grep -cF " $short")" -eq 3

# --- 120x40: the panel in the pane's place, the source column back ------------------
run_script 120x40 <<EOF2 || finish
:save-display $TEST_DIR/wide.txt
w
:save-display $TEST_DIR/wide-load.txt
t
:save-display $TEST_DIR/mine.txt
EOF2
check "120x40: owner and source columns" sh -c "sed -n 2p '$TEST_DIR/wide.txt' | grep -q 'Owner.*Source'"
check "120x40: the detail pane" grep -q "Timeline (newest first)" "$TEST_DIR/wide.txt"
check "120x40: the load panel in its place" grep -q "Due today.*Breached.*Capacity" "$TEST_DIR/wide-load.txt"
for w in $(widths "$TEST_DIR/wide-load.txt" 1 40 | sort -u); do
	check "120x40: no line wider than 120 ($w)" test "$w" -le 120
done
check "t: my queue" grep -q "my queue · open 0 " "$TEST_DIR/mine.txt"

# --- a rep: t and R are refused ---------------------------------------------------------
"$LEADQ" --demo --as rep list >/dev/null 2>&1
run_script 80x24 <<EOF2 || finish
t
:save-display $TEST_DIR/rep-t.txt
R
:save-display $TEST_DIR/rep-r.txt
EOF2
check "rep: t is for team leads" grep -q "the team view is for team leads" "$TEST_DIR/rep-t.txt"
check "rep: R is for team leads" grep -q "only a team lead reassigns leads" "$TEST_DIR/rep-r.txt"
check "rep: no owner column" sh -c "! grep -q 'Owner' '$TEST_DIR/rep-t.txt'"
finish
