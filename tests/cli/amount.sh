#!/bin/sh
# set ID opportunity --amount N and set ID won [--amount N] (issue 6): the
# amount in the cache, in the op, in `show`; usage errors (exit 2, one line)
# for a bad amount or --amount with another status, with nothing written; a
# lead that asked not to be contacted takes no call.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

demo_cache
id=$(sql "SELECT id FROM leads WHERE status = 'qualified' AND do_not_contact = 0 ORDER BY id LIMIT 1")
[ -n "$id" ] || fail "no qualified lead in the demo cache"
short=$(printf '%s' "$id" | cut -c 1-8)
ops() {
	sql "SELECT count(*) FROM outbox"
}
amount_of() {
	sql "SELECT status || ' ' || amount FROM leads WHERE id = '$id'"
}
last_args() {
	sql "SELECT json_extract(args, '\$.status') || ' ' || coalesce(json_extract(args, '\$.amount'), '-')
	     FROM outbox WHERE lead_id = '$id' AND kind = 'set_status' ORDER BY seq DESC LIMIT 1"
}

# --- usage errors: exit 2, one line, nothing written ---------------------------
before=$(ops)
for bad in 12k 1.5 -5 "48 00" 1000000000001 ""; do
	lq --demo set "$id" opportunity --amount "$bad"
	expect_rc 2 "--amount '$bad'"
	expect_err "--amount: '$bad' is not an amount" "--amount '$bad'"
	expect_one_line "--amount '$bad'"
done
lq --demo set "$id" recycle --reason no_budget --amount 5
expect_rc 2 "--amount with recycle"
expect_err "set: --amount goes only with opportunity or won, not recycle" "--amount with recycle"
expect_one_line "--amount with recycle"
lq --demo set "$id" qualified --amount 5
expect_rc 2 "--amount with qualified"
expect_one_line "--amount with qualified"
[ "$(ops)" -eq "$before" ] || fail "a usage error wrote to the outbox"
[ "$(amount_of)" = "qualified 0" ] || fail "a usage error changed the lead: $(amount_of)"

# --- opportunity with an amount ---------------------------------------------------
lq --demo set "$short" opportunity --amount 48.000
expect_rc 0 "set opportunity --amount 48.000"
[ "$(cat "$T/out")" = "$short…: qualified → opportunity · 48 000 (held 5 s for undo)" ] ||
	fail "set printed '$(cat "$T/out")'"
[ "$(amount_of)" = "opportunity 48000" ] || fail "the cache has $(amount_of)"
[ "$(last_args)" = "opportunity 48000" ] || fail "the op has $(last_args)"
lq --demo show "$id"
expect_rc 0 "show"
grep -qE '^  amount +48 000$' "$T/out" || fail "show lacks the amount: $(cat "$T/out")"
lq --demo show "$id" --format json
cp "$T/out" "$T/s.json"
[ "$(json_get "$T/s.json" '$.lead.amount')" = 48000 ] || fail "show --format json lacks the amount"

# --- won: without an amount it keeps the opportunity's; with one it sets it -----
lq --demo set "$id" won
expect_rc 0 "set won"
[ "$(cat "$T/out")" = "$short…: opportunity → won (held 5 s for undo)" ] || fail "set won printed '$(cat "$T/out")'"
[ "$(amount_of)" = "won 48000" ] || fail "won without --amount: $(amount_of)"
[ "$(last_args)" = "won -" ] || fail "won without --amount sent $(last_args)"
lq --demo undo
expect_rc 0 "undo of won"
[ "$(amount_of)" = "opportunity 48000" ] || fail "undo of won: $(amount_of)"
lq --demo set "$id" won --amount "52,000"
expect_rc 0 "set won --amount 52,000"
[ "$(amount_of)" = "won 52000" ] || fail "won --amount: $(amount_of)"
[ "$(last_args)" = "won 52000" ] || fail "won --amount sent $(last_args)"

# An amount the lifecycle refuses (won is closed): exit 1, nothing written.
before=$(ops)
lq --demo set "$id" won --amount 1
expect_rc 1 "won again"
expect_one_line "won again"
[ "$(ops)" -eq "$before" ] || fail "a refused change wrote to the outbox"

# --- help ---------------------------------------------------------------------------
lq --help
expect_out "set ID STATUS [--reason R] [--amount N]" "--help names --amount"

# --- do not contact: no call ---------------------------------------------------------
dnc=$(sql "SELECT id FROM leads WHERE status IN ('new', 'working') ORDER BY id LIMIT 1")
sql "UPDATE leads SET do_not_contact = 1 WHERE id = '$dnc'; DELETE FROM lead_packs WHERE id = '$dnc'"
before=$(ops)
lq --demo touch "$dnc" call --outcome connected
expect_rc 1 "a call to a do-not-contact lead"
expect_err "asked not to be contacted" "a call to a do-not-contact lead"
[ "$(ops)" -eq "$before" ] || fail "a refused call wrote to the outbox"
lq --demo show "$dnc"
expect_out "do not contact" "show marks the lead"
lq --demo touch "$dnc" email --outcome sent
expect_rc 0 "an email to a do-not-contact lead"
say "ok"
exit 0
