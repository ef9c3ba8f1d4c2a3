#!/bin/sh
# reassign (team leads): one line on stdout; the lead's new owner, its
# assignment activity and a reassign op in the cache at once; the server
# (the demo's private leadqd, when there is one) takes it at the next sync.
# Refusals: unknown or unfit users, the lead already theirs, other roles.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

lq --demo --as lead list
expect_rc 0 "leadq --demo --as lead list (seeding the demo as the team lead)"
[ "$(sql "SELECT u.login FROM users u JOIN meta m ON m.key = 'user_id' AND m.value = u.id")" = marta ] ||
	fail "the demo's team lead is not marta"

id=$(sql "SELECT id FROM leads WHERE status IN ('new', 'working') ORDER BY id LIMIT 1")
[ -n "$id" ] || fail "no open lead in the team lead's cache"
short=$(printf '%s' "$id" | cut -c 1-8)
old=$(sql "SELECT owner_id FROM leads WHERE id = '$id'")
team=$(sql "SELECT team_id FROM leads WHERE id = '$id'")
to=$(sql "SELECT login FROM users WHERE role = 'rep' AND active = 1 AND team_id = '$team' AND id <> '$old' ORDER BY login LIMIT 1")
to_id=$(sql "SELECT id FROM users WHERE login = '$to'")
old_login=$(sql "SELECT login FROM users WHERE id = '$old'")
[ -n "$to" ] && [ -n "$old_login" ] || fail "no second rep in the team"
version=$(sql "SELECT version FROM leads WHERE id = '$id'")
acts=$(sql "SELECT count(*) FROM activities WHERE lead_id = '$id'")

# --- --help and usage ---------------------------------------------------------
lq --help
expect_out "reassign ID LOGIN [--reason R]" "--help names reassign"
lq --demo reassign "$short"
expect_rc 2 "reassign without a LOGIN"
expect_err "usage: leadq reassign ID LOGIN [--reason R]" "reassign without a LOGIN"
lq --demo reassign "$short" "$to" --bogus
expect_rc 2 "reassign with an unknown option"

# --- refusals change nothing ---------------------------------------------------
lq --demo reassign "$short" nadie
expect_rc 1 "reassign to an unknown login"
expect_err "nadie: no such user in your team" "reassign to an unknown login"
expect_one_line "one line" "reassign to an unknown login"
lq --demo reassign "$short" "$old_login"
expect_rc 1 "reassign to the owner"
expect_err "$old_login owns this lead already" "reassign to the owner"
lq --demo reassign ffffffff "$to"
expect_rc 1 "reassign of an unknown lead"
[ "$(sql "SELECT count(*) FROM outbox WHERE kind = 'reassign'")" = 0 ] || fail "a refusal queued an op"
[ "$(sql "SELECT owner_id FROM leads WHERE id = '$id'")" = "$old" ] || fail "a refusal moved the lead"

# --- reassign --------------------------------------------------------------------
lq --demo reassign "$short" "$to" --reason "vacaciones de Núñez"
expect_rc 0 "reassign PREFIX LOGIN --reason"
[ "$(cat "$T/out")" = "$short…: reassigned to $to" ] || fail "reassign printed '$(cat "$T/out")'"
[ ! -s "$T/err" ] || fail "reassign wrote to stderr: $(cat "$T/err")"
[ "$(sql "SELECT owner_id || ' ' || team_id FROM leads WHERE id = '$id'")" = "$to_id $team" ] ||
	fail "the cache does not have the lead with $to"
[ "$(sql "SELECT version FROM leads WHERE id = '$id'")" = "$version" ] || fail "the cached version moved"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$id'")" -eq $((acts + 1)) ] ||
	fail "reassign did not append one activity"
[ "$(sql "SELECT subject || '|' || detail FROM activities WHERE lead_id = '$id' AND kind = 'assignment' AND op_id IS NOT NULL")" = "$to|vacaciones de Núñez" ] ||
	fail "the assignment activity is not right: $(sql "SELECT subject, detail FROM activities WHERE lead_id = '$id' AND op_id IS NOT NULL")"
[ "$(sql "SELECT count(*) FROM outbox WHERE lead_id = '$id' AND kind = 'reassign' AND base_version = $version AND send_after = at")" = 1 ] ||
	fail "reassign did not queue one unheld reassign op on version $version"
[ "$(sql "SELECT json_extract(args, '\$.owner') || '|' || json_extract(args, '\$.reason') FROM outbox WHERE kind = 'reassign'")" = "$to_id|vacaciones de Núñez" ] ||
	fail "the op's args: $(sql "SELECT args FROM outbox WHERE kind = 'reassign'")"

# Not undoable: undo finds nothing (the team lead changed nothing else).
lq --demo undo
expect_rc 1 "undo after a reassignment"
expect_err "nothing to undo" "undo after a reassignment"

# The demo's server (when there is one) applies it at the next command's sync.
if [ -n "$(sql "SELECT value FROM meta WHERE key = 'demo_server'")" ]; then
	lq --demo show "$id" --format json
	expect_rc 0 "show after reassign"
	[ "$(sql "SELECT state FROM outbox WHERE kind = 'reassign'")" = applied ] ||
		fail "the server did not apply the op: $(sql "SELECT state, error FROM outbox WHERE kind = 'reassign'")"
	[ "$(sql "SELECT owner_id FROM leads WHERE id = '$id'")" = "$to_id" ] || fail "the server's copy has another owner"
	[ "$(sql "SELECT version FROM leads WHERE id = '$id'")" -gt "$version" ] || fail "the server's copy did not replace the cached one"
fi

# No reason: none sent.
id2=$(sql "SELECT id FROM leads WHERE status IN ('new', 'working') AND owner_id <> '$to_id' ORDER BY id LIMIT 1 OFFSET 1")
lq --demo reassign "$id2" "$to"
expect_rc 0 "reassign without a reason"
[ "$(sql "SELECT json_extract(args, '\$.owner') || '|' || coalesce(json_extract(args, '\$.reason'), '-') || '|' || (json_extract(args, '\$.activity') = (SELECT id FROM activities WHERE lead_id = '$id2' AND kind = 'assignment' AND op_id IS NOT NULL)) FROM outbox WHERE lead_id = '$id2' AND kind = 'reassign'")" = "$to_id|-|1" ] ||
	fail "without --reason the args are $(sql "SELECT args FROM outbox WHERE lead_id = '$id2'")"

# --- a rep may not ------------------------------------------------------------------
lq --demo --as rep reassign "$short" "$to"
expect_rc 1 "reassign as a rep"
expect_err "only a team lead reassigns leads" "reassign as a rep"
expect_one_line "one line" "reassign as a rep"
[ "$(sql "SELECT count(*) FROM outbox WHERE kind = 'reassign'")" = 0 ] || fail "a rep queued a reassign op"

say "ok"
