#!/bin/sh
# Live updates in a real terminal: a lead that marketing posts to the demo's
# server is routed by a rule to the rep and reaches the rep's running client
# within 2 seconds, without a key press (the client long-polls the change
# feed), counted as an alert in the header until the rep opens it.
. "$(dirname "$0")/lib.sh"

[ -x "${LEADQD:-}" ] || skip "no leadqd to post to (LEADQD is not set)"
seed_demo
tmux_start 80 24 xterm-256color
wait_for " open " 10 || finish
demo="$XDG_DATA_HOME/leadq/demo"
# The running client's server: the demo's leadqd listens on a new port each run.
server=$(sqlite3 "$demo/cache.db" "SELECT value FROM meta WHERE key = 'server'")
check "the client knows its server" sh -c "printf '%s' '$server' | grep -q '^http://127.0.0.1:[0-9]*$'"
open_before=$(tmux_screen | sed -n 1p | sed -E 's/.* open ([0-9]+) .*/\1/')
key=$("$LEADQD" key add --db "$demo/server.db" live-test) || fail "leadqd key add"
# Routed, not addressed: the running server reads the import at the next lead.
cat >"$TEST_DIR/rules.conf" <<'RULES'
[rule Tiempo real]
source = web_form
region = Aragón
to     = user lucia
RULES
"$LEADQD" rules import --db "$demo/server.db" "$TEST_DIR/rules.conf" >/dev/null ||
	fail "leadqd rules import"

cat >"$TEST_DIR/lead.json" <<'JSON'
{"leads": [{"name": "Zoë Vivo Núñez", "company": "Tiempo Real S.L.",
            "email": "zoe.vivo@tiemporeal.example", "source": "web_form",
            "region": "Aragon", "score": 91}]}
JSON
curl -sS -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
	--data-binary @"$TEST_DIR/lead.json" "$server/api/v1/leads" >"$TEST_DIR/post.json"
check "marketing's post is accepted" grep -q '"created"' "$TEST_DIR/post.json"
check "the rule routed it to lucia" grep -q '"owner": *"lucia"' "$TEST_DIR/post.json"
# No key is sent until the header has counted the new lead.
check "the running client counts the new lead within 2 s" \
	wait_for " open $((open_before + 1)) " 2
check "the header counts one alert" wait_for "⚑ 1 ·" 2
tmux_keys /
tmux_keys -l "vivo nunez"
tmux_keys Enter
check "the new lead is in the queue, accents intact" wait_for "Zoë Vivo Núñez" 2
tmux_keys Enter
check "the lead opens" wait_for "Tiempo Real" 2
tmux_keys Tab
check "its timeline says how it was routed" wait_for "routed by rule Tiempo real" 2
tmux_keys Escape
check "back in the queue" wait_for " open $((open_before + 1)) " 2
check "opening the lead clears its alert" wait_gone "⚑" 2
tmux_keys Q
check "quit" wait_for "leadq-exited-0" 5
# The demo's server stops with its client.
sleep 0.5
# ([l]eadqd: the pattern must not match the command line that holds it.)
check "the demo server stopped with the client" \
	sh -c "! pgrep -f '[l]eadqd serve --db $demo/server.db' >/dev/null"
finish
