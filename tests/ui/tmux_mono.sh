#!/bin/sh
# Without colours (TERM=xterm, NO_COLOR): the queue still shows its state
# marks, the help lists the keys, a pop-up and Esc work, the countdown ticks.
. "$(dirname "$0")/lib.sh"

seed_demo
NO_COLOR_ENV=1
tmux_start 80 24 xterm
check "xterm: header" wait_for " · open "
check "xterm: state marks" wait_for " !! "
tmux_keys '?'
check "help: keys and actions" wait_for "qualified (sales-accepted)"
tmux_keys NPage
check "help: scrolls to the end" wait_for "Q, <F10>"
tmux_keys Escape
check "help: Esc goes back" wait_for "Touch"
tmux_keys j
check "junk: reason picker" wait_for "→ junk: reason?"
tmux_keys Escape
check "picker: Esc cancels" wait_for "cancelled: nothing was changed"
tmux_keys Enter
check "Enter: the lead screen" wait_for "Why now"
tmux_keys Tab
check "Tab: the timeline" wait_for "Timeline (newest first)"
tmux_keys Escape
check "Esc: back to the queue" wait_for "Touch"
tmux_keys C-l
check "Ctrl-L redraws" wait_for " · open "
tmux_keys o
check "o on a new lead: accept it first" wait_for "accept the lead first (q)"
tmux_keys Q
check "Q quits with 0" wait_for "leadq-exited-0"
finish
