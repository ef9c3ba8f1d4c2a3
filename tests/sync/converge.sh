#!/bin/sh
# Two caches of one rep converge: device A sets a status and syncs; device B
# syncs and sees it.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"
server_init
server_start
add_leads 3
device a; login
"$LEADQ" sync 2>"$T/err" || fail "A: first sync: $(cat "$T/err")"
[ "$(cache_sql 'SELECT count(*) FROM leads')" = 3 ] || fail "A: $(cache_sql 'SELECT count(*) FROM leads') leads, not 3"
id=$(cache_sql "SELECT id FROM leads WHERE name = 'José Núñez 2'")
[ -n "$id" ] || fail "A: no José Núñez 2"
device b; login
"$LEADQ" sync 2>"$T/err" || fail "B: first sync: $(cat "$T/err")"
device a
"$LEADQ" set "$id" qualified >/dev/null 2>"$T/err" || fail "A: set: $(cat "$T/err")"
"$LEADQ" sync 2>"$T/err"
rc=$?
[ "$rc" = 0 ] || fail "A: sync: exit $rc: $(cat "$T/err")"
[ "$(cache_sql "SELECT state FROM outbox")" = applied ] || fail "A: the op is $(cache_sql 'SELECT state FROM outbox')"
[ "$(server_sql "SELECT count(*) FROM ops_applied")" = 1 ] || fail "the server applied $(server_sql 'SELECT count(*) FROM ops_applied') ops"
device b
"$LEADQ" sync 2>"$T/err" || fail "B: sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT status FROM leads WHERE id = '$id'")" = qualified ] ||
	fail "B sees $(cache_sql "SELECT status FROM leads WHERE id = '$id'")"
"$LEADQ" list --status qualified --format tsv >"$T/out" 2>"$T/err" || fail "B: list: $(cat "$T/err")"
grep -q 'José Núñez 2' "$T/out" || fail "B: list does not show the qualified lead"
say ok
