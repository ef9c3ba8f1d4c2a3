#!/bin/sh
# The conflicts screen (!): a change the server refused shows the rep's
# attempt beside the server's state; d drops it, Enter redoes it on the
# server's version (and the server then applies it).
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"
server_init
server_start
add_leads 2
device a; login
"$LEADQ" sync 2>"$T/err" || fail "A: first sync: $(cat "$T/err")"
device b; login
"$LEADQ" sync 2>"$T/err" || fail "B: first sync: $(cat "$T/err")"
one=$(cache_sql "SELECT id FROM leads WHERE name = 'José Núñez 1'")
two=$(cache_sql "SELECT id FROM leads WHERE name = 'José Núñez 2'")
for id in "$one" "$two"; do
	"$LEADQ" set "$id" qualified >/dev/null 2>"$T/err" || fail "B: set: $(cat "$T/err")"
done
"$LEADQ" sync 2>"$T/err" || fail "B: sync: $(cat "$T/err")"

# A works on old versions: two conflicts.
device a
"$LEADQ" set "$one" junk --reason spam >/dev/null 2>"$T/err" || fail "A: set: $(cat "$T/err")"
"$LEADQ" set "$two" recycle --reason not_ready >/dev/null 2>"$T/err" || fail "A: set: $(cat "$T/err")"
"$LEADQ" sync >/dev/null 2>&1
[ $? = 3 ] || fail "A: the sync did not end in conflicts"

screen() {   # KEYS... : runs the screens on A's cache with those script lines
	printf '%s\n' "$@" >"$T/script"
	LEADQ_NO_SYNC=1 LEADQ_SCRIPT="$T/script" LEADQ_SCRIPT_SIZE=100x30 TERM=xterm-256color \
		"$LEADQ" >"$T/out" 2>"$T/err" || fail "the screens: $(cat "$T/err")"
}
screen '!' ":save-display $T/conflicts.txt"
grep -q "Not applied by the server (2)" "$T/conflicts.txt" || fail "no list of 2: $(cat "$T/conflicts.txt")"
grep -q "José Núñez 1 — yours: → junk (spam)" "$T/conflicts.txt" || fail "the attempt: $(cat "$T/conflicts.txt")"
grep -q "server: qualified · owner you — conflict" "$T/conflicts.txt" ||
	fail "the server's state: $(cat "$T/conflicts.txt")"

# d drops the first; the server's state stays.
first=$(sed -n 3p "$T/conflicts.txt" | grep -o 'José Núñez [12]')
[ "$first" = "José Núñez 1" ] || fail "the first conflict is $first"
screen '!' 'd' ":save-display $T/dropped.txt"
grep -q "Not applied by the server (1)" "$T/dropped.txt" || fail "after d: $(cat "$T/dropped.txt")"
[ "$(cache_sql "SELECT state FROM outbox WHERE lead_id = '$one'")" = cancelled ] ||
	fail "the dropped op: $(cache_sql "SELECT state FROM outbox WHERE lead_id = '$one'")"

# Enter redoes the second on the server's version: qualified -> recycle.
screen '!' '<Enter>' ":save-display $T/redone.txt"
grep -q "Not applied by the server (0)" "$T/redone.txt" || fail "after Enter: $(cat "$T/redone.txt")"
"$LEADQ" sync 2>"$T/err" || fail "A: the redo did not sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT status FROM leads WHERE id = '$two'")" = recycle ] || fail "A: not recycled"
device b
"$LEADQ" sync 2>"$T/err" || fail "B: sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT status FROM leads WHERE id = '$two'")" = recycle ] ||
	fail "the server did not apply the redo"
[ "$(cache_sql "SELECT status FROM leads WHERE id = '$one'")" = qualified ] ||
	fail "the dropped change reached the server"
say ok
