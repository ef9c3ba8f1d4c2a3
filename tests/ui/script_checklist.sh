#!/bin/sh
# Issue 5 in scripted mode: the qualification checklist (k) saves ONE note
# with the answers that the lead view and the timeline show, and the config
# replaces its questions; calls with one key (1-4), undone with z, listed
# on ? and rebindable; the countdown to a due appointment in the queue row
# and in the lead view.
. "$(dirname "$0")/lib.sh"

seed_demo
db="$XDG_DATA_HOME/leadq/demo/cache.db"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not found"
demo_list >"$TEST_DIR/open.tsv"
first_id=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f1)
first_name=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f6)
notes() {
	sqlite3 "$db" "SELECT count(*) FROM activities WHERE lead_id = '$1' AND kind = 'note'"
}
touches_of() {
	"$LEADQ" --demo list --format tsv --all | awk -F'\t' -v id="$1" '$1 == id { print $9 }'
}
notes_before=$(notes "$first_id")

# --- the checklist: yes, no, a typed answer, unknown ------------------------
run_script 80x24 <<EOF2 || finish
<Enter>
:save-display $TEST_DIR/lead-before.txt
k
:save-display $TEST_DIR/k1.txt
1
2
4
:save-display $TEST_DIR/k-text.txt
:type Sales — ñandú; maybe
<Enter>
3
:save-display $TEST_DIR/k-saved.txt
<Tab>
:save-display $TEST_DIR/k-timeline.txt
EOF2
check "k: the first question with its answers" grep -qF "qualification 1/4: Budget confirmed?" "$TEST_DIR/k1.txt"
check "k: yes / no / unknown / text" sh -c "grep -q '1  yes' '$TEST_DIR/k1.txt' && grep -q '3  unknown' '$TEST_DIR/k1.txt' && grep -q '4  other' '$TEST_DIR/k1.txt'"
check "k: 4 asks for the text of question 3" grep -qF "Timeline under 6 months? (Enter saves" "$TEST_DIR/k-text.txt"
check "k: the lead view shows the answers" sh -c "grep -q '^   Budget confirmed?  *yes\$' '$TEST_DIR/k-saved.txt' &&
	grep -q '^   Decision maker?  *no\$' '$TEST_DIR/k-saved.txt' &&
	grep -q '^   Timeline under 6 months?  *Sales — ñandú, maybe\$' '$TEST_DIR/k-saved.txt' &&
	grep -q '^   Current tool?  *unknown\$' '$TEST_DIR/k-saved.txt'"
check "k: the status bar says it is saved, with undo" grep -qF "$first_name → qualification checklist saved · z to undo" "$TEST_DIR/k-saved.txt"
check "k: not shown to a rep before it is answered" sh -c "! grep -q 'Qualification checklist' '$TEST_DIR/lead-before.txt'"
check "k: one note more in the cache" test "$(notes "$first_id")" -eq $((notes_before + 1))
"$LEADQ" --demo show "$first_id" >"$TEST_DIR/show.txt"
check "k: the note in the timeline (leadq show)" grep -qF "note · Qualification: Budget confirmed? yes; Decision maker? no; Timeline under 6 months? Sales — ñandú, maybe; Current tool? unknown" "$TEST_DIR/show.txt"
check "k: the note in the screen's timeline" grep -qF "note — Qualification: Budget confirmed? yes;" "$TEST_DIR/k-timeline.txt"
check "k: the note is queued for the server" test "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE kind = 'add_note' AND lead_id = '$first_id' AND args LIKE '%Qualification: Budget confirmed? yes%'")" -eq 1

# --- Esc in the middle saves nothing; Esc in the text prompt goes back -------
run_script 80x24 <<EOF2 || finish
<Enter>
k
1
4
<Esc>
:save-display $TEST_DIR/k-back.txt
<Esc>
:save-display $TEST_DIR/k-esc.txt
EOF2
check "k: Esc in the text goes back to the question" grep -qF "qualification 2/4: Decision maker?" "$TEST_DIR/k-back.txt"
check "k: Esc cancels, nothing saved" grep -qF "cancelled: nothing was changed" "$TEST_DIR/k-esc.txt"
check "k: still one note" test "$(notes "$first_id")" -eq $((notes_before + 1))

# --- z undoes the checklist note --------------------------------------------
run_script 80x24 <<EOF2 || finish
z
EOF2
check "z: the checklist note is undone" test "$(sqlite3 "$db" "SELECT undone FROM activities WHERE lead_id = '$first_id' AND kind = 'note' AND detail LIKE 'Qualification:%'")" = 1

# --- the config's questions --------------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/leadq"
printf 'checklist = ¿Presupuesto aprobado? | Decisor?\n' >"$XDG_CONFIG_HOME/leadq/config"
run_script 80x24 <<EOF2 || finish
<Enter>
k
:save-display $TEST_DIR/c1.txt
2
1
:save-display $TEST_DIR/c-saved.txt
EOF2
check "config: its first question" grep -qF "qualification 1/2: ¿Presupuesto aprobado?" "$TEST_DIR/c1.txt"
check "config: the note has its questions" test "$(sqlite3 "$db" "SELECT count(*) FROM activities WHERE lead_id = '$first_id' AND kind = 'note' AND undone = 0 AND detail = 'Qualification: ¿Presupuesto aprobado? no; Decisor? yes'")" -eq 1
check "config: the lead view shows its questions" sh -c "grep -q '^   ¿Presupuesto aprobado?  *no\$' '$TEST_DIR/c-saved.txt' && ! grep -q 'Budget confirmed' '$TEST_DIR/c-saved.txt'"
printf 'checklist = Budget? || Tool?\n' >"$XDG_CONFIG_HOME/leadq/config"
printf 'Q\n' >"$TEST_DIR/script"
LEADQ_SCRIPT="$TEST_DIR/script" "$LEADQ" --demo >/dev/null 2>"$TEST_DIR/bad.err"
check "config: an empty question is refused" test $? -ne 0
check "config: the error names FILE:LINE" grep -q "config:1: checklist: an empty question" "$TEST_DIR/bad.err"
rm -f "$XDG_CONFIG_HOME/leadq/config"

# --- calls with one key ------------------------------------------------------
demo_list >"$TEST_DIR/rows.tsv"
id1=$(sed -n 2p "$TEST_DIR/rows.tsv" | cut -f1)
name1=$(sed -n 2p "$TEST_DIR/rows.tsv" | cut -f6)
t1=$(touches_of "$id1")
run_script 80x24 <<EOF2 || finish
3
:save-display $TEST_DIR/o3.txt
EOF2
last_call() {
	sqlite3 "$db" "SELECT outcome || ' ' || undone FROM activities WHERE lead_id = '$1' AND kind = 'call' ORDER BY rowid DESC LIMIT 1"
}
check "3: a call with no answer, at once" grep -qF "$name1 → call logged (no answer) · z to undo" "$TEST_DIR/o3.txt"
check "3: the touch is counted" test "$(touches_of "$id1")" != "$t1"
check "3: the cache has the call" test "$(last_call "$id1")" = "no_answer 0"
run_script 80x24 <<EOF2 || finish
z
:save-display $TEST_DIR/o3z.txt
EOF2
check "z: the call is undone" test "$(last_call "$id1")" = "no_answer 1"
check "z: the touches are back" test "$(touches_of "$id1")" = "$t1"
# In the lead view: 1 connected, 4 wrong number.
run_script 80x24 <<EOF2 || finish
<Enter>
1
<Tab>
:save-display $TEST_DIR/o1.txt
4
:save-display $TEST_DIR/o4.txt
EOF2
check "1 in the lead view: connected" grep -qF "call logged (connected)" "$TEST_DIR/o1.txt"
check "1: the timeline shows it" grep -qF "call (connected)" "$TEST_DIR/o1.txt"
check "4 in the lead view: wrong number" grep -qF "call logged (wrong number)" "$TEST_DIR/o4.txt"
check "4: the cache has it" test "$(last_call "$id1")" = "wrong_number 0"
run_script 80x24 <<EOF2 || finish
z
z
EOF2
check "z z: both undone" test "$(touches_of "$id1")" = "$t1"
# Listed on ? and rebindable.
mkdir -p "$XDG_CONFIG_HOME/leadq"
printf 'bind 7 call-voicemail\nbind 2 none\n' >"$XDG_CONFIG_HOME/leadq/config"
run_script 80x24 <<EOF2 || finish
?
:save-display $TEST_DIR/help.txt
<PgDn>
:save-display $TEST_DIR/help2.txt
<Esc>
2
:save-display $TEST_DIR/o2-unbound.txt
7
:save-display $TEST_DIR/o7.txt
z
EOF2
check "?: lists 1 connected" grep -q "^ 1  *log a call: connected" "$TEST_DIR/help.txt"
check "?: lists the rebound voicemail key" grep -q "^ 7  *log a call: voicemail" "$TEST_DIR/help.txt"
check "?: lists k" grep -q "^ k  *qualification checklist" "$TEST_DIR/help2.txt"
check "?: lists a" grep -q "^ a  *appointments of the day" "$TEST_DIR/help2.txt"
check "bind 2 none: 2 does nothing" sh -c "! grep -q 'call logged' '$TEST_DIR/o2-unbound.txt'"
check "bind 7: voicemail" grep -qF "call logged (voicemail)" "$TEST_DIR/o7.txt"
rm -f "$XDG_CONFIG_HOME/leadq/config"

# --- the countdown to a due appointment --------------------------------------
# The demo's leads with an appointment due now (within 15 minutes, or
# started): the queue row and the lead view count to its start.
now=$(date -u -d "$LEADQ_NOW" +%s)
sqlite3 -separator '	' "$db" "SELECT name, next_appt_at - $now FROM leads
	WHERE next_appt_at IS NOT NULL AND next_appt_at <= $now + 900
	  AND status IN ('new', 'working') ORDER BY next_appt_at LIMIT 2" >"$TEST_DIR/due.tsv"
[ -s "$TEST_DIR/due.tsv" ] || fail "the demo has no appointment due now (the fixture this test needs)"
run_script 80x24 <<EOF2 || finish
:save-display $TEST_DIR/queue.txt
<Enter>
:save-display $TEST_DIR/appt-lead.txt
EOF2
while IFS='	' read -r name d; do
	short=$(printf '%s' "$name" | cut -c1-7)
	if [ "$d" -gt 0 ]; then
		text="in $(((d + 59) / 60)) min"
		long=$text
	else
		text="$((-d / 60)) min ago"
		long="started $((-d / 60)) min ago"
	fi
	check "countdown: '$name' reads '$text' with the @ mark" \
		sh -c "grep -F -- '$short' '$TEST_DIR/queue.txt' | grep -qE '^ @ +$text '"
done <"$TEST_DIR/due.tsv"
check "countdown: the lead view says it in full ($long)" \
	grep -qE "^ appointment [0-9-]+ [0-9:]+.* · (started [0-9]+ min ago|in [0-9]+ min)\$" "$TEST_DIR/appt-lead.txt"
finish
