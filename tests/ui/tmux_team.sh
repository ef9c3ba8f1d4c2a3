#!/bin/sh
# The team lead in a real terminal (tmux, 80x24; leadq --demo --as lead):
# the team view lists other reps' leads, f filters by rep, three leads
# marked with Space and given to a rep with R leave that filter's view and
# are in the cache with three reassign ops in the outbox.
. "$(dirname "$0")/lib.sh"

"$LEADQ" --demo --as lead list >/dev/null 2>"$TEST_DIR/seed.err" || {
	cat "$TEST_DIR/seed.err" >&2
	exit 99
}
DB="$XDG_DATA_HOME/leadq/demo/cache.db"
q() { sqlite3 -batch -noheader "$DB" "$1"; }
# The first rep in the picker (name order) and the second.
from=$(q "SELECT login FROM users WHERE role = 'rep' AND active = 1 ORDER BY name LIMIT 1")
to=$(q "SELECT login FROM users WHERE role = 'rep' AND active = 1 ORDER BY name LIMIT 1 OFFSET 1")
to_id=$(q "SELECT id FROM users WHERE login = '$to'")
from_id=$(q "SELECT id FROM users WHERE login = '$from'")
from_short=$(printf '%s' "$from" | cut -c 1-9)
other=$(q "SELECT substr(login, 1, 9) FROM users WHERE role = 'rep' AND login NOT IN ('$from', '$to') ORDER BY name LIMIT 1")

tmux_start 80 24 xterm-256color
check "starts: the team view" wait_for "· team · open "
check "starts: the owner column" wait_for "Owner"
check "the team view lists other reps' leads" wait_for " $other"
tmux_keys f
check "f: the team's filters" wait_for "one rep's"
tmux_keys 2
check "2: the reps" wait_for "($from)"
tmux_keys 1
check "filter by rep: the header" wait_for "rep $from"
tmux_screen >"$TEST_DIR/by-rep.txt"
check "filter by rep: only $from's leads" \
	test "$(sed -n '3,23p' "$TEST_DIR/by-rep.txt" | grep '/' | grep -vcF " $from_short")" -eq 0
before=$(q "SELECT count(*) FROM leads WHERE owner_id = '$from_id' AND status IN ('new', 'working')")
ids=$(q "SELECT id FROM leads WHERE owner_id = '$from_id'" | sort)

tmux_keys Space Space Space
check "Space: three marks" wait_for "marked 3"
tmux_keys R
check "R: which rep" wait_for "reassign 3 marked leads to which rep?"
tmux_keys 2
check "R: a reason" wait_for "to $to: reason?"
tmux_keys -l "vacaciones"
tmux_keys Enter
check "R: acknowledged" wait_for "3 leads reassigned to $to"
check "R: the header counts three fewer for $from" wait_for "rep $from"
check "R: the cache has them with $to" \
	test "$(q "SELECT count(*) FROM leads WHERE owner_id = '$from_id' AND status IN ('new', 'working')")" -eq $((before - 3))
check "R: three reassign ops in the outbox" \
	test "$(q "SELECT count(*) FROM outbox WHERE kind = 'reassign' AND json_extract(args, '\$.owner') = '$to_id'")" -eq 3
moved=$(q "SELECT lead_id FROM outbox WHERE kind = 'reassign'" | sort)
gone=0
for id in $moved; do
	printf '%s\n' "$ids" | grep -q "^$id\$" && gone=$((gone + 1))
done
check "R: the three were $from's" test "$gone" -eq 3
tmux_keys t
check "t: my queue" wait_for "my queue · open 0"
tmux_keys Q
check "Q quits with 0" wait_for "leadq-exited-0"
finish
