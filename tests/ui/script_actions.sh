#!/bin/sh
# Actions in scripted mode: q changes the lead and z restores it (screen and
# cache), a change survives a restart, the reason picker's Esc writes
# nothing, search narrows the list, a UTF-8 note is stored.
. "$(dirname "$0")/lib.sh"

seed_demo
demo_list >"$TEST_DIR/open.tsv"
first_id=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f1)
first_status=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f2)
first_name=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f6)
open_before=$(($(wc -l <"$TEST_DIR/open.tsv") - 1))

# --- q then quit: the change is in the cache and survives a restart --------
run_script 80x24 <<EOF2 || finish
q
:save-display $TEST_DIR/after-q.txt
EOF2
check "q: status bar shows the change and the undo window" \
	grep -qF "$first_name → qualified · z to undo (5 s)" "$TEST_DIR/after-q.txt"
check "q: the open count drops by one" grep -q " open $((open_before - 1)) " "$TEST_DIR/after-q.txt"
check "q: the cache has the lead qualified" test "$(status_of "$first_id")" = qualified

run_script 80x24 <<EOF2 || finish
:save-display $TEST_DIR/restart.txt
EOF2
check "restart: still one lead fewer open" grep -q " open $((open_before - 1)) " "$TEST_DIR/restart.txt"

# --- z restores it (another process: undo works from the cache) ------------
run_script 80x24 <<EOF2 || finish
z
:save-display $TEST_DIR/after-z.txt
EOF2
check "z: status bar says undone" grep -qF "undone: $first_name is" "$TEST_DIR/after-z.txt"
check "z: open count back" grep -q " open $open_before " "$TEST_DIR/after-z.txt"
check "z: the cache has the old status" test "$(status_of "$first_id")" = "$first_status"
check "z: the lead is the first row again" sh -c "sed -n 3p '$TEST_DIR/after-z.txt' | grep -qF -- \"\$(printf '%s' '$first_name' | sed -E 's/^(.{7}).*/\\1/')\""

# --- the reason picker: Esc writes nothing ---------------------------------
"$LEADQ" --demo show "$first_id" >"$TEST_DIR/show-before.txt"
run_script 80x24 <<EOF2 || finish
r
:save-display $TEST_DIR/picker.txt
<Esc>
:save-display $TEST_DIR/picker-esc.txt
j
<Down>
<Esc>
u
<Esc>
EOF2
"$LEADQ" --demo show "$first_id" >"$TEST_DIR/show-after.txt"
check "r: the picker asks for a reason" grep -qF "→ recycle: reason?" "$TEST_DIR/picker.txt"
check "r: the picker lists reasons" grep -q "│ 1  " "$TEST_DIR/picker.txt"
check "Esc: says nothing changed" grep -qF "cancelled: nothing was changed" "$TEST_DIR/picker-esc.txt"
check "Esc: the lead and its timeline are unchanged" \
	same_screen "$TEST_DIR/show-before.txt" "$TEST_DIR/show-after.txt"
check "Esc: the status is unchanged" test "$(status_of "$first_id")" = "$first_status"

# --- r with a reason: written ----------------------------------------------
run_script 80x24 <<EOF2 || finish
r
2
:save-display $TEST_DIR/recycled.txt
EOF2
check "r 2: recycled with the second reason" test "$(status_of "$first_id")" = recycle
check "r 2: the status bar names it" grep -qF "$first_name → recycle (" "$TEST_DIR/recycled.txt"
run_script 80x24 <<EOF2 || finish
z
EOF2
check "z after r: back" test "$(status_of "$first_id")" = "$first_status"

# --- search narrows the list -----------------------------------------------
needle=$(sed -n 3p "$TEST_DIR/open.tsv" | cut -f6)
run_script 80x24 <<EOF2 || finish
/
:type $needle
:save-display $TEST_DIR/typing.txt
<Enter>
:save-display $TEST_DIR/search.txt
<Esc>
:save-display $TEST_DIR/cleared.txt
EOF2
rows() { sed -n '3,23p' "$1" | grep -c '[^ ]'; }
check "search: the prompt shows the text" grep -qF "/$needle" "$TEST_DIR/typing.txt"
matches=$(($(demo_list --search "$needle" | wc -l) - 1))
[ "$matches" -gt 21 ] && matches=21
check "search: as many rows as the CLI finds ($matches)" test "$(rows "$TEST_DIR/search.txt")" -eq "$matches"
check "search: the first row is the lead" sh -c "sed -n 3p '$TEST_DIR/search.txt' | grep -qF -- \"\$(printf '%s' '$needle' | sed -E 's/^(.{7}).*/\\1/')\""
check "search: the header shows it" grep -qF "· /" "$TEST_DIR/search.txt"
check "Esc clears the search" test "$(rows "$TEST_DIR/cleared.txt")" -eq 21

# --- a UTF-8 note, a call with an outcome ----------------------------------
run_script 80x24 <<EOF2 || finish
n
:type Llamar el martes — habla español, ñandú 中文
<Enter>
c
3
<Enter>
:save-display $TEST_DIR/lead.txt
EOF2
"$LEADQ" --demo show "$first_id" >"$TEST_DIR/show-note.txt"
check "note: stored in UTF-8" grep -qF "Llamar el martes — habla español, ñandú 中文" "$TEST_DIR/show-note.txt"
check "lead screen: shows the note" grep -qF "Llamar el martes" "$TEST_DIR/lead.txt"
check "lead screen: shows the call" grep -q "call (" "$TEST_DIR/lead.txt"
check "lead screen: why now" grep -q "^ Why now" "$TEST_DIR/lead.txt"

# --- after a touch the cursor stays on its row ------------------------------
# The third and fourth rows are new leads waiting for first contact; a call
# moves the third into the cadence group, further down.  The cursor must
# stay on row three, now the old fourth lead, so q qualifies that one.
demo_list >"$TEST_DIR/rows.tsv"
third_id=$(sed -n 4p "$TEST_DIR/rows.tsv" | cut -f1)
fourth_id=$(sed -n 5p "$TEST_DIR/rows.tsv" | cut -f1)
check "rows 3 and 4 are new leads (the fixture this check needs)" \
	test "$(status_of "$third_id") $(status_of "$fourth_id")" = "new new"
run_script 80x24 <<EOF2 || finish
<Down>
<Down>
c
2
q
EOF2
check "touch: the called lead is working" test "$(status_of "$third_id")" = working
check "touch: the cursor stayed on its row (next lead qualified)" \
	test "$(status_of "$fourth_id")" = qualified
run_script 80x24 <<EOF2 || finish
z
z
EOF2
check "z z: both undone" test "$(status_of "$third_id") $(status_of "$fourth_id")" = "new new"

# --- bindings from the config ----------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/leadq"
printf 'bind x qualify\nbind <F2> help\n' >"$XDG_CONFIG_HOME/leadq/config"
run_script 80x24 <<EOF2 || finish
<F2>
:save-display $TEST_DIR/help-bound.txt
EOF2
check "bind: help shows the new key" grep -q "^ q, x  *qualified" "$TEST_DIR/help-bound.txt"
printf 'bind x no-such-action\n' >"$XDG_CONFIG_HOME/leadq/config"
printf 'q\n' >"$TEST_DIR/script"
LEADQ_SCRIPT="$TEST_DIR/script" "$LEADQ" --demo >/dev/null 2>"$TEST_DIR/bind.err"
check "bind: a bad action is refused" test $? -ne 0
check "bind: the error names FILE:LINE" grep -q "config:1: unknown action 'no-such-action'" "$TEST_DIR/bind.err"
rm -f "$XDG_CONFIG_HOME/leadq/config"
finish
