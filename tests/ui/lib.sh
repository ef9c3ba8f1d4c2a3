# leadq UI tests — shared helpers (sourced).  Every test gets its own XDG
# folders, a frozen clock and a seeded demo cache.
#
#   LEADQ           the built client (set by make check)
#   TMUX_BIN        tmux, for the real-terminal tests (skipped without it)
#   LEADQ_TEST_NOW  the frozen clock (default below, a Tuesday in hours)

set -u

LEADQ=${LEADQ:-$(pwd)/leadq}
TEST_NAME=$(basename "$0" .sh)
LEADQ_NOW=${LEADQ_TEST_NOW:-2026-11-24T10:30:00Z}
export LEADQ_NOW
export LC_ALL=C.UTF-8
unset LANGUAGE LANG NO_COLOR LEADQ_SCRIPT LEADQ_SCRIPT_SIZE

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/leadq-$TEST_NAME.XXXXXX") || exit 99
export XDG_CONFIG_HOME="$TEST_DIR/config"
export XDG_DATA_HOME="$TEST_DIR/data"
export XDG_CACHE_HOME="$TEST_DIR/cache"
export XDG_STATE_HOME="$TEST_DIR/state"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

TMUX_SOCKET=""
TMUX_SOCKETS=""
TMUX_STARTS=0
FAILURES=0
CHECKS=0

cleanup() {
	for sock in $TMUX_SOCKETS; do
		"$TMUX_BIN" -L "$sock" kill-server >/dev/null 2>&1 || true
	done
	rm -rf "$TEST_DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	FAILURES=$((FAILURES + 1))
}

pass() {
	CHECKS=$((CHECKS + 1))
}

# check DESCRIPTION COMMAND...: counts a check, reports a failure.
check() {
	local what=$1
	shift
	if "$@"; then
		pass
	else
		fail "$what"
	fi
}

finish() {
	echo "$TEST_NAME: $CHECKS passed, $FAILURES failed"
	[ "$FAILURES" -eq 0 ] || exit 1
	exit 0
}

skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

# Seeds the demo cache (the first run of --demo creates it).
seed_demo() {
	"$LEADQ" --demo list --format tsv >"$TEST_DIR/seed.tsv" 2>"$TEST_DIR/seed.err" || {
		cat "$TEST_DIR/seed.err" >&2
		echo "FAIL: $TEST_NAME: cannot seed the demo cache" >&2
		exit 99
	}
}

# The demo queue as TSV (id status sla remaining score name company source touches).
demo_list() {
	"$LEADQ" --demo list --format tsv "$@"
}

# status_of ID: the lead's status from the CLI.
status_of() {
	"$LEADQ" --demo list --format tsv --all | awk -F'\t' -v id="$1" '$1 == id { print $2 }'
}

# --- scripted mode (LEADQ_SCRIPT) -------------------------------------------

# run_script SIZE: runs the client on the script read from stdin.
run_script() {
	local size=$1
	cat >"$TEST_DIR/script"
	LEADQ_SCRIPT="$TEST_DIR/script" LEADQ_SCRIPT_SIZE=$size TERM=xterm-256color \
		"$LEADQ" --demo >"$TEST_DIR/script.out" 2>"$TEST_DIR/script.err"
	local rc=$?
	if [ $rc -ne 0 ]; then
		cat "$TEST_DIR/script.err" >&2
		fail "script exited $rc"
	fi
	return $rc
}

# same_screen EXPECTED ACTUAL: compares two saved displays, shows a diff.
same_screen() {
	if diff -u "$1" "$2" >&2; then
		return 0
	fi
	return 1
}

# widths FILE FIRST LAST: the display widths of lines FIRST..LAST (one per line).
widths() {
	sed -n "$2,$3p" "$1" | while IFS= read -r line; do
		printf '%s\n' "$line" | wc -L
	done
}

# --- a real terminal (tmux) -------------------------------------------------

tmux_start() {
	local cols=$1 lines=$2 term=${3:-xterm-256color}
	shift 3 || shift $#
	[ -n "${TMUX_BIN:-}" ] || TMUX_BIN=$(command -v tmux || true)
	[ -n "$TMUX_BIN" ] || skip "tmux not found"
	# A new server each time: one test may restart leadq in a fresh terminal.
	TMUX_STARTS=$((TMUX_STARTS + 1))
	TMUX_SOCKET="leadq-$TEST_NAME-$$-$TMUX_STARTS"
	TMUX_SOCKETS="$TMUX_SOCKETS $TMUX_SOCKET"
	"$TMUX_BIN" -L "$TMUX_SOCKET" -f /dev/null new-session -d -x "$cols" -y "$lines" \
		env LC_ALL=C.UTF-8 TERM="$term" LEADQ_NOW="$LEADQ_NOW" \
		XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" \
		XDG_CACHE_HOME="$XDG_CACHE_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
		${NO_COLOR_ENV:+NO_COLOR=1} \
		sh -c "\"$LEADQ\" --demo; echo \"leadq-exited-\$?\"; sleep 30" ||
		skip "tmux cannot start a session"
	"$TMUX_BIN" -L "$TMUX_SOCKET" set-option -g window-size manual >/dev/null 2>&1 || true
}

tmux_keys() {
	"$TMUX_BIN" -L "$TMUX_SOCKET" send-keys "$@"
}

tmux_screen() {
	"$TMUX_BIN" -L "$TMUX_SOCKET" capture-pane -p
}

# wait_for TEXT [SECONDS]: polls the pane until it shows TEXT (fixed string).
wait_for() {
	local text=$1 limit=${2:-10} i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		if tmux_screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "--- $TEST_NAME: waited ${limit}s for '$text'; the screen:" >&2
	tmux_screen >&2
	return 1
}

# wait_gone TEXT [SECONDS]: polls until the pane no longer shows TEXT.
wait_gone() {
	local text=$1 limit=${2:-10} i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		if ! tmux_screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "--- $TEST_NAME: '$text' stayed ${limit}s; the screen:" >&2
	tmux_screen >&2
	return 1
}

tmux_stop() {
	"$TMUX_BIN" -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
}

tmux_resize() {
	"$TMUX_BIN" -L "$TMUX_SOCKET" resize-window -x "$1" -y "$2"
}
