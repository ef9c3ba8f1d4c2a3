# tests/cli/lib.sh — sourced by the shell tests of leadq's command-line modes.
# Each test gets its own temporary XDG folders and a frozen clock, and
# removes them on exit.  make check passes $LEADQ, $LEADQ_TOP_SRCDIR and
# $LEADQ_TOP_BUILDDIR.
set -u

TEST_NAME=$(basename "$0" .sh)

fail() {
	printf 'FAIL %s: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}
say() {
	printf '%s: %s\n' "$TEST_NAME" "$*"
}

if [ -z "${LEADQ:-}" ] || [ ! -x "$LEADQ" ]; then
	fail "\$LEADQ must name the built leadq (run through make check)"
fi
command -v sqlite3 >/dev/null 2>&1 || fail "the sqlite3 program is missing (./autogen.sh --deps installs it)"

T=$(mktemp -d "${TMPDIR:-/tmp}/leadq-cli.XXXXXX") || fail "mktemp -d failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

export XDG_DATA_HOME="$T/data"
export XDG_CONFIG_HOME="$T/config"
export HOME="$T/home"
mkdir -p "$HOME"
export LEADQ_NOW=2026-11-24T10:30:00Z    # a Tuesday, 11:30 in Madrid
unset LANGUAGE LANG LC_MESSAGES LEADQ_LOCALEDIR LEADQ_SCRIPT
export LC_ALL=C.UTF-8
DEMO_DB="$XDG_DATA_HOME/leadq/demo/cache.db"
NOW_EPOCH=1795516200                      # LEADQ_NOW in seconds

# lq ARGS...: runs leadq; sets $rc, leaves stdout in $T/out, stderr in $T/err.
lq() {
	"$LEADQ" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect_rc CODE WHAT
expect_rc() {
	[ "$rc" -eq "$1" ] ||
		fail "$2: exit status $rc, expected $1; stderr: $(head -c 800 "$T/err"); stdout: $(head -c 400 "$T/out")"
}
# expect_out TEXT WHAT / expect_err TEXT WHAT: fixed strings
expect_out() {
	grep -qF -- "$1" "$T/out" || fail "$2: stdout lacks '$1'; it was: $(head -c 800 "$T/out")"
}
expect_err() {
	grep -qF -- "$1" "$T/err" || fail "$2: stderr lacks '$1'; it was: $(head -c 800 "$T/err")"
}
# expect_one_line WHAT: stderr is exactly one line
expect_one_line() {
	n=$(wc -l <"$T/err")
	[ "$n" -eq 1 ] || fail "$2: expected one line on stderr, got $n: $(cat "$T/err")"
}

# sql QUERY: on the demo cache
sql() {
	sqlite3 -batch -noheader "$DEMO_DB" "$1"
}
# json_get FILE PATH: a value of a JSON file (sqlite's JSON functions parse it)
json_get() {
	sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$1'), '$2');"
}
json_valid() {
	[ "$(sqlite3 -batch -noheader :memory: "SELECT json_valid(readfile('$1'));")" = 1 ]
}

# demo_cache: seeds the demo cache (once per test).
demo_cache() {
	lq --demo list
	expect_rc 0 "leadq --demo list (seeding the demo cache)"
	[ -f "$DEMO_DB" ] || fail "no demo cache at $DEMO_DB"
}

# first_lead STATUS: the id of the first lead of the queue with that status
first_lead() {
	lq --demo list --all
	expect_rc 0 "list --all"
	awk -F '\t' -v st="$1" 'NR > 1 && $2 == st { print $1; exit }' "$T/out"
}
