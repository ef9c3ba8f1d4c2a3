#!/bin/sh
# set, touch, note and undo: each one a line on stdout, visible in `show`,
# in the sqlite file and to a fresh process; undo restores the lead.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

demo_cache
id=$(sql "SELECT id FROM leads WHERE status = 'new' AND touches = 0 AND do_not_contact = 0 ORDER BY id LIMIT 1")
[ -n "$id" ] || fail "no new lead in the demo cache"
short=$(printf '%s' "$id" | cut -c 1-8)
acts=$(sql "SELECT count(*) FROM activities WHERE lead_id = '$id'")

# --- set ------------------------------------------------------------------------
lq --demo set "$short" qualified
expect_rc 0 "set PREFIX qualified"
[ "$(cat "$T/out")" = "$short…: new → qualified (held 5 s for undo)" ] ||
	fail "set printed '$(cat "$T/out")'"
[ ! -s "$T/err" ] || fail "set wrote to stderr: $(cat "$T/err")"
# In the file, for any process: the lead, its activity and the held op.
[ "$(sql "SELECT status FROM leads WHERE id = '$id'")" = qualified ] || fail "the cache does not have the lead qualified"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$id'")" -eq $((acts + 1)) ] ||
	fail "set did not append one activity"
[ "$(sql "SELECT count(*) FROM outbox WHERE lead_id = '$id' AND kind = 'set_status' AND state = 'pending'")" = 1 ] ||
	fail "set did not queue one set_status op"
[ "$(sql "SELECT send_after - at FROM outbox WHERE lead_id = '$id'")" = 5 ] || fail "the op is not held 5 s"
lq --demo show "$id" --format json
expect_rc 0 "show after set"
cp "$T/out" "$T/s.json"
[ "$(json_get "$T/s.json" '$.lead.status')" = qualified ] || fail "a fresh show does not see qualified"
lq --demo list
grep -q "^$id	" "$T/out" && fail "a qualified lead is still in the open queue"

# --- undo ---------------------------------------------------------------------
lq --demo undo
expect_rc 0 "undo"
[ "$(cat "$T/out")" = "$short…: qualified → new (undone)" ] || fail "undo printed '$(cat "$T/out")'"
[ "$(sql "SELECT status FROM leads WHERE id = '$id'")" = new ] || fail "undo did not bring the lead back to new"
[ "$(sql "SELECT count(*) FROM outbox WHERE lead_id = '$id' AND state = 'pending'")" = 0 ] ||
	fail "the held op was not cancelled by undo"
lq --demo show "$id" --format json
cp "$T/out" "$T/u.json"
[ "$(json_get "$T/u.json" '$.lead.status')" = new ] || fail "show after undo does not say new"
lq --demo show "$id"
expect_out "undone" "show marks the undone change"
lq --demo list
grep -q "^$id	new	" "$T/out" || fail "the lead is not back in the open queue after undo"

# --- a reason ---------------------------------------------------------------------
lq --demo set "$id" junk --reason spam
expect_rc 0 "set junk --reason spam"
[ "$(cat "$T/out")" = "$short…: new → junk (spam) (held 5 s for undo)" ] || fail "set junk printed '$(cat "$T/out")'"
[ "$(sql "SELECT status || '/' || reason FROM leads WHERE id = '$id'")" = junk/spam ] || fail "junk/spam not in the cache"
lq --demo undo
expect_rc 0 "undo of junk"
[ "$(sql "SELECT status || '/' || reason FROM leads WHERE id = '$id'")" = new/ ] || fail "undo of junk left $(sql "SELECT status || '/' || reason FROM leads WHERE id = '$id'")"

# --- touch and note ------------------------------------------------------------------
lq --demo touch "$short" call --outcome no_answer --note "rang twice; Zürich office"
expect_rc 0 "touch call --outcome no_answer"
[ "$(cat "$T/out")" = "$short…: call · no answer, touch 1; new → working (held 5 s for undo)" ] ||
	fail "touch printed '$(cat "$T/out")'"
[ "$(sql "SELECT status || '/' || touches FROM leads WHERE id = '$id'")" = working/1 ] || fail "touch did not make the lead working/1"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$id' AND kind = 'call' AND outcome = 'no_answer'")" = 1 ] ||
	fail "no call activity with outcome no_answer"
lq --demo note "$short" Wants a demo on Thursday, ask for José
expect_rc 0 "note"
[ "$(cat "$T/out")" = "$short…: note added" ] || fail "note printed '$(cat "$T/out")'"
lq --demo show "$id"
expect_out "Wants a demo on Thursday, ask for José" "show lists the note"
expect_out "no answer" "show lists the call's outcome"
# Undo goes back one change at a time: the note, then the touch.
lq --demo undo
expect_rc 0 "undo of the note"
lq --demo undo
expect_rc 0 "undo of the touch"
[ "$(cat "$T/out")" = "$short…: working → new (undone)" ] || fail "undo of the touch printed '$(cat "$T/out")'"
[ "$(sql "SELECT status || '/' || touches FROM leads WHERE id = '$id'")" = new/0 ] || fail "undo of the touch left the lead $(sql "SELECT status || '/' || touches FROM leads WHERE id = '$id'")"

# --- nothing left ----------------------------------------------------------------------
lq --demo undo
expect_rc 1 "undo with nothing to undo"
expect_err "nothing to undo" "undo with nothing to undo"
expect_one_line "undo with nothing to undo"
say "ok"
exit 0
