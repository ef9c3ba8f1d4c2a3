#!/bin/sh
# A bulk reassignment in a real terminal (tmux, 120x40; leadq --demo --as
# lead): 500 leads of the team view marked with Space and given to one rep
# with R are moved in the cache at once, and the running client's sync
# carries them to the server, which then has every one with that rep.
. "$(dirname "$0")/lib.sh"

[ -x "${LEADQD:-}" ] || skip "the demo needs leadqd (LEADQD is not set)"
"$LEADQ" --demo --as lead list >/dev/null 2>"$TEST_DIR/seed.err" || {
	cat "$TEST_DIR/seed.err" >&2
	exit 99
}
demo="$XDG_DATA_HOME/leadq/demo"
DB="$demo/cache.db"
q() { sqlite3 -batch -noheader "$DB" "$1"; }
# The first rep of the picker (name order).
to=$(q "SELECT login FROM users WHERE role = 'rep' AND active = 1 ORDER BY name LIMIT 1")
to_id=$(q "SELECT id FROM users WHERE login = '$to'")

tmux_start 120 40 xterm-256color
check "starts in the team view" wait_for "· team · open " 10 || finish
"$TMUX_BIN" -L "$TMUX_SOCKET" send-keys -N 500 Space
check "Space ×500: 500 marks" wait_for "marked 500" 10
tmux_keys R
check "R: which rep" wait_for "reassign 500 marked leads to which rep?"
tmux_keys 1
check "R: a reason" wait_for "to $to: reason?"
tmux_keys Enter
check "R: acknowledged" wait_for "reassigned to $to" 20
ops=$(q "SELECT count(*) FROM outbox WHERE kind = 'reassign'")
echo "$TEST_NAME: $ops reassign ops for 500 marked leads ($((500 - ops)) were $to's already)"
check "R: one op for each lead that was not $to's already" test "$ops" -gt 0 -a "$ops" -le 500
check "R: the cache has them with $to" test "$(q "SELECT count(*) FROM outbox o JOIN leads l ON l.id = o.lead_id WHERE o.kind = 'reassign' AND l.owner_id = '$to_id'")" -eq "$ops"

# The running client's sync pushes them; the server applies every one.
n=0
while [ "$(q "SELECT count(*) FROM outbox WHERE kind = 'reassign' AND state = 'applied'")" != "$ops" ]; do
	n=$((n + 1))
	[ $n -lt 300 ] || break
	sleep 0.1
done
check "sync: every reassignment applied" \
	test "$(q "SELECT count(*) FROM outbox WHERE kind = 'reassign' AND state = 'applied'")" -eq "$ops"
sqlite3 -batch -noheader "$DB" "SELECT lead_id FROM outbox WHERE kind = 'reassign'" >"$TEST_DIR/moved"
on_server=0
while read -r id; do
	owner=$(sqlite3 -batch -noheader "$demo/server.db" "SELECT owner_id FROM leads WHERE id = '$id'")
	[ "$owner" = "$to_id" ] && on_server=$((on_server + 1))
done <"$TEST_DIR/moved"
check "the server has all $ops with $to" test "$on_server" -eq "$ops"
tmux_keys Q
check "quit" wait_for "leadq-exited-0" 5
finish
