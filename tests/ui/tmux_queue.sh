#!/bin/sh
# The real leadq in a real terminal (tmux, 80x24): ordered rows, q and z,
# a change that survives quit and restart, live resize to 120x40.
. "$(dirname "$0")/lib.sh"

seed_demo
demo_list >"$TEST_DIR/open.tsv"
first_id=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f1)
first_status=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f2)
first_name=$(sed -n 2p "$TEST_DIR/open.tsv" | cut -f6)
prefix=$(printf '%s' "$first_name" | sed -E 's/^(.{7}).*/\1/')

tmux_start 80 24 xterm-256color
check "starts: header" wait_for " · open "
check "starts: titles" wait_for "Touch"
tmux_screen >"$TEST_DIR/screen.txt"
check "first row is the first lead of the core's order" \
	sh -c "sed -n 3p '$TEST_DIR/screen.txt' | grep -qF -- '$prefix'"
check "first row is due now or breached" sh -c "sed -n 3p '$TEST_DIR/screen.txt' | grep -q '^ \\(!!\\|@ \\)'"
tw=$(widths "$TEST_DIR/screen.txt" 2 2)
for w in $(widths "$TEST_DIR/screen.txt" 3 23 | sort -u); do
	check "rows aligned ($w = $tw)" test "$w" -eq "$tw"
done

tmux_keys q
check "q: status bar" wait_for "→ qualified · z to undo"
check "q: in the cache at once" test "$(status_of "$first_id")" = qualified
tmux_keys z
check "z: undone" wait_for "undone: "
check "z: in the cache" test "$(status_of "$first_id")" = "$first_status"

# Resize live: the wide header and the detail pane appear.
tmux_resize 120 40
check "resize: wide header" wait_for "sort: who next · filter: open"
check "resize: detail pane" wait_for "Timeline (newest first)"
tmux_resize 80 24
check "resize back: pane gone" wait_gone "Timeline (newest first)"
tmux_resize 70 20
check "resize small: notice" wait_for "terminal too small"
tmux_resize 80 24
check "resize back: queue" wait_for "Touch"

# q, quit, restart: the change is still there.
tmux_keys q
check "q again" wait_for "→ qualified"
tmux_keys Q
check "Q quits with 0" wait_for "leadq-exited-0"
check "after quit: qualified in the cache" test "$(status_of "$first_id")" = qualified
tmux_stop
tmux_start 80 24 xterm-256color
check "restart: header" wait_for " · open "
tmux_screen >"$TEST_DIR/screen2.txt"
check "restart: the qualified lead left the open queue" \
	test "$(sed -n 3p "$TEST_DIR/screen2.txt")" != "$(sed -n 3p "$TEST_DIR/screen.txt")"
tmux_keys z
check "restart: z still undoes it" wait_for "undone: "
tmux_keys F10
check "F10 quits with 0" wait_for "leadq-exited-0"
check "after undo: old status" test "$(status_of "$first_id")" = "$first_status"
finish
