#!/bin/sh
# A status change made on an old version of a lead whose status changed
# meanwhile is a conflict: leadq sync exits 3 with one line naming the lead.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"
server_init
server_start
add_leads 1
device a; login
"$LEADQ" sync 2>"$T/err" || fail "A: first sync: $(cat "$T/err")"
device b; login
"$LEADQ" sync 2>"$T/err" || fail "B: first sync: $(cat "$T/err")"
id=$(cache_sql "SELECT id FROM leads")
"$LEADQ" set "$id" qualified >/dev/null 2>"$T/err" || fail "B: set: $(cat "$T/err")"
"$LEADQ" sync 2>"$T/err" || fail "B: sync: $(cat "$T/err")"
device a
"$LEADQ" set "$id" junk --reason spam >/dev/null 2>"$T/err" || fail "A: set: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 3 ] || fail "A: sync of a conflict: exit $rc: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "A: $(wc -l <"$T/err") lines on stderr"
grep -q 'José Núñez 1' "$T/err" || fail "A: the line does not name the lead: $(cat "$T/err")"
grep -q 'conflict' "$T/err" || fail "A: the line does not say conflict: $(cat "$T/err")"
[ "$(cache_sql "SELECT state FROM outbox")" = conflict ] || fail "A: the op is not marked conflict"
[ "$(cache_sql "SELECT status FROM leads")" = qualified ] || fail "A: the server's lead was not kept"
say ok
