#!/bin/sh
# An SLA breach reaches the team lead's running client (tmux, 80x24;
# leadq --demo --as lead): marketing posts a lead for a rep of her team,
# the lead arrives and is counted as an alert; once she has opened it, the
# server's sweep passes its first-contact deadline, and without a key press
# the alerts come back and the lead's timeline says the team lead was told.
. "$(dirname "$0")/lib.sh"

[ -x "${LEADQD:-}" ] || skip "no leadqd to post to (LEADQD is not set)"
"$LEADQ" --demo --as lead list >/dev/null 2>"$TEST_DIR/seed.err" || {
	cat "$TEST_DIR/seed.err" >&2
	exit 99
}
demo="$XDG_DATA_HOME/leadq/demo"
tmux_start 80 24 xterm-256color
check "starts in the team view" wait_for "· team · open " 10 || finish
server=$(sqlite3 "$demo/cache.db" "SELECT value FROM meta WHERE key = 'server'")
key=$("$LEADQD" key add --db "$demo/server.db" breach-test) || fail "leadqd key add"
cat >"$TEST_DIR/lead.json" <<'JSON'
{"leads": [{"name": "Íñigo Plazo Vencido", "company": "Retrasos S.L.",
            "email": "inigo@retrasos.example", "source": "web_form", "owner": "lucia"}]}
JSON
curl -sS -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
	--data-binary @"$TEST_DIR/lead.json" "$server/api/v1/leads" >"$TEST_DIR/post.json"
check "marketing's post is accepted" grep -q '"created"' "$TEST_DIR/post.json"
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' "$TEST_DIR/post.json")
check "the new lead is an alert" wait_for "⚑ 1 ·" 3
tmux_keys /
tmux_keys -l "inigo plazo"
tmux_keys Enter
check "found" wait_for "Íñigo Plazo" 2
tmux_keys Enter
check "the lead opens" wait_for "Retrasos S.L." 2
tmux_keys Escape
check "opened: no alert" wait_gone "⚑" 2

# The server's sweep at the deadline (leadqd sweep: another process; the
# server notices within a second and wakes the client's long poll).
due=$(sqlite3 "$demo/server.db" "SELECT json_extract(data, '\$.sla_first_due') FROM leads WHERE id = '$id'")
check "the lead has a first-contact deadline" test -n "$due"
"$LEADQD" sweep --db "$demo/server.db" --now "$due" >"$TEST_DIR/sweep.out" 2>&1
# (Seeded leads of the team whose deadlines fall by then breach too.)
check "the sweep notified breaches" grep -q '^breach_notified [1-9]' "$TEST_DIR/sweep.out"
check "this lead's among them" test "$(sqlite3 "$demo/server.db" "SELECT count(*) FROM sla_actions WHERE lead_id = '$id'")" = 1
check "the escalations reach the team lead without a key" wait_for "⚑ " 4
tmux_keys Enter
check "the lead opens again" wait_for "Retrasos S.L." 2
tmux_keys Tab
check "its timeline says the team lead was told" \
	wait_for "first contact overdue: team lead notified" 2
tmux_keys Escape
tmux_keys Q
check "quit" wait_for "leadq-exited-0" 5
finish
