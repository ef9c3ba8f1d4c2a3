#!/bin/sh
# Issue 6 in scripted mode, on the demo: o on an accepted lead asks the
# opportunity's amount ("48.000"; a bad one is asked again) and the lead
# view, the cache and the outbox op carry it; o on the opportunity: won with
# the amount filled in (editable) or lost; z undoes it; o elsewhere says what
# it needs.  A lead that asked not to be contacted is marked in the lead
# view, whose footer offers no call keys, and refuses c, 1 and b with a
# message and no op, while e works.
. "$(dirname "$0")/lib.sh"

seed_demo
db="$XDG_DATA_HOME/leadq/demo/cache.db"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not found"
sql() {
	sqlite3 -batch -noheader "$db" "$1"
}
demo_list >"$TEST_DIR/open.tsv"
id=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f1)
name=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f6)
# The lead's newest set_status op: "status amount state".
last_op() {
	sql "SELECT json_extract(args, '\$.status') || ' ' || coalesce(json_extract(args, '\$.amount'), '-') || ' ' || state
	     FROM outbox WHERE lead_id = '$id' AND kind = 'set_status' ORDER BY seq DESC LIMIT 1"
}

# --- o on a new lead says what it needs; q, then o with an amount ------------
run_script 80x24 <<EOF2 || finish
/
:type $name
<Enter>
<Enter>
o
:save-display $TEST_DIR/o-new.txt
q
o
:save-display $TEST_DIR/o-prompt.txt
:type 12k
<Enter>
:save-display $TEST_DIR/o-bad.txt
<C-u>
:type 48.000
<Enter>
:save-display $TEST_DIR/o-opp.txt
EOF2
check "o on a new lead: accept it first (q)" \
	grep -qF "$name is new: accept the lead first (q)" "$TEST_DIR/o-new.txt"
check "o on a new lead: no pop-up" sh -c "! grep -qF 'amount?' '$TEST_DIR/o-new.txt'"
check "o on an accepted lead: the amount is asked" \
	grep -qF "$name → opportunity: amount?" "$TEST_DIR/o-prompt.txt"
check "a bad amount: said, and asked again" \
	sh -c "grep -qF \"not an amount: '12k'\" '$TEST_DIR/o-bad.txt' && grep -qF 'opportunity: amount?' '$TEST_DIR/o-bad.txt'"
check "lead view: the header says opportunity · 48 000" \
	sh -c "head -1 '$TEST_DIR/o-opp.txt' | grep -qF '· opportunity · 48 000'"
check "lead view: the status line has the amount" \
	grep -qE "^ status opportunity · 48 000 · touches" "$TEST_DIR/o-opp.txt"
check "status bar: the change with its undo window" \
	grep -qF "$name → opportunity · 48 000 · z to undo (5 s)" "$TEST_DIR/o-opp.txt"
check "footer: o now means won/lost" grep -qF "o won/lost" "$TEST_DIR/o-opp.txt"
check "cache: opportunity, amount 48000" \
	test "$(sql "SELECT status || ' ' || amount FROM leads WHERE id = '$id'")" = "opportunity 48000"
check "outbox: the op carries the amount" test "$(last_op)" = "opportunity 48000 pending"
check "outbox: the bad amount queued nothing" \
	test "$(sql "SELECT count(*) FROM outbox WHERE lead_id = '$id' AND kind = 'set_status'")" -eq 2

# --- o on the opportunity: won with the amount filled in; z; won at 52,000 ---
# (f: the filter "all", where leads past the open statuses are.)
run_script 80x24 <<EOF2 || finish
f
/
:type $name
<Enter>
<Enter>
o
:save-display $TEST_DIR/won-lost.txt
1
:save-display $TEST_DIR/won-prompt.txt
<Enter>
:save-display $TEST_DIR/won.txt
EOF2
check "o on an opportunity: won or lost" \
	sh -c "grep -qF '(opportunity · 48 000): won or lost?' '$TEST_DIR/won-lost.txt' && grep -qF '1  won' '$TEST_DIR/won-lost.txt' && grep -qF '2  lost' '$TEST_DIR/won-lost.txt'"
check "won: the amount is filled in" grep -qF "│ 48 000_" "$TEST_DIR/won-prompt.txt"
check "won: the lead view says won · 48 000" \
	sh -c "head -1 '$TEST_DIR/won.txt' | grep -qF '· won · 48 000'"
check "won: cache" test "$(sql "SELECT status || ' ' || amount FROM leads WHERE id = '$id'")" = "won 48000"
check "won: the op carries the amount" test "$(last_op)" = "won 48000 pending"

run_script 80x24 <<EOF2 || finish
z
:save-display $TEST_DIR/undone.txt
EOF2
check "z: says undone" grep -qF "undone: $name is opportunity again" "$TEST_DIR/undone.txt"
check "z: the cache is back to opportunity" \
	test "$(sql "SELECT status || ' ' || amount FROM leads WHERE id = '$id'")" = "opportunity 48000"
check "z: the held won op is never sent" test "$(last_op)" = "won 48000 cancelled"

run_script 80x24 <<EOF2 || finish
f
/
:type $name
<Enter>
<Enter>
o
1
<C-u>
:type 52,000
<Enter>
:save-display $TEST_DIR/won2.txt
EOF2
check "won edited: 52 000 on screen" sh -c "head -1 '$TEST_DIR/won2.txt' | grep -qF '· won · 52 000'"
check "won edited: cache" test "$(sql "SELECT status || ' ' || amount FROM leads WHERE id = '$id'")" = "won 52000"
check "won edited: op" test "$(last_op)" = "won 52000 pending"

run_script 80x24 <<EOF2 || finish
f
/
:type $name
<Enter>
<Enter>
o
:save-display $TEST_DIR/o-won.txt
EOF2
check "o on a won lead: says why not" \
	grep -qF "$name is won: only an accepted lead or an opportunity" "$TEST_DIR/o-won.txt"

# --- do not contact: no call keys, no callback; email and notes work ---------
dnc_id=$(sed -n 3p "$TEST_DIR/open.tsv" | cut -f1)
dnc_name=$(sed -n 3p "$TEST_DIR/open.tsv" | cut -f6)
# The lead asks not to be contacted (as a sync would bring it): its columns
# change, its pack goes (the loader reads the columns then).
sql "UPDATE leads SET do_not_contact = 1 WHERE id = '$dnc_id'; DELETE FROM lead_packs WHERE id = '$dnc_id'"
ops_before=$(sql "SELECT count(*) FROM outbox")
touches_before=$(sql "SELECT touches FROM leads WHERE id = '$dnc_id'")
run_script 80x24 <<EOF2 || finish
/
:type $dnc_name
<Enter>
c
:save-display $TEST_DIR/dnc-c-queue.txt
<Enter>
:save-display $TEST_DIR/dnc-lead.txt
c
:save-display $TEST_DIR/dnc-c.txt
1
:save-display $TEST_DIR/dnc-1.txt
b
:save-display $TEST_DIR/dnc-b.txt
EOF2
msg="$dnc_name asked not to be called"
check "queue: c refused with the message" grep -qF "$msg" "$TEST_DIR/dnc-c-queue.txt"
check "lead view: c refused, no outcome picker" \
	sh -c "grep -qF '$msg' '$TEST_DIR/dnc-c.txt' && ! grep -qF 'outcome?' '$TEST_DIR/dnc-c.txt'"
check "lead view: 1 refused" grep -qF "$msg" "$TEST_DIR/dnc-1.txt"
check "lead view: b refused, no booking picker" \
	sh -c "grep -qF '$msg' '$TEST_DIR/dnc-b.txt' && ! grep -qF 'book:' '$TEST_DIR/dnc-b.txt'"
check "c, 1, b: nothing in the outbox" test "$(sql "SELECT count(*) FROM outbox")" -eq "$ops_before"
check "c, 1, b: no touch logged" test "$(sql "SELECT touches FROM leads WHERE id = '$dnc_id'")" -eq "$touches_before"
check "lead view: the do-not-contact mark" \
	sh -c "head -1 '$TEST_DIR/dnc-lead.txt' | grep -qF 'DO NOT CONTACT' && grep -qF 'asked not to be called: no calls, no callbacks' '$TEST_DIR/dnc-lead.txt'"
check "lead view: the footer offers no call keys" \
	sh -c "sed -n 23p '$TEST_DIR/dnc-lead.txt' | grep -qF 'e email' && ! sed -n 23p '$TEST_DIR/dnc-lead.txt' | grep -qE 'c call|1-4|b book'"

run_script 80x24 <<EOF2 || finish
/
:type $dnc_name
<Enter>
<Enter>
e
:save-display $TEST_DIR/dnc-e.txt
EOF2
check "e works: logged" grep -qF "$dnc_name → email logged (sent)" "$TEST_DIR/dnc-e.txt"
check "e works: one op" test "$(sql "SELECT count(*) FROM outbox WHERE lead_id = '$dnc_id' AND kind = 'log_touch'")" -eq 1

# A lead without the mark: the footer offers the calls.
check "footer: call keys on other leads" grep -qF "c call · 1-4 outcome · e email" "$TEST_DIR/o-new.txt"
finish
