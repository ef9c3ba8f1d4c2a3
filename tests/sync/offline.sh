#!/bin/sh
# Offline: changes wait in the outbox (sync says it cannot reach the server,
# exit 1, one line), then catch up once the server is back.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"
server_init
server_start
add_leads 2
device a; login
"$LEADQ" sync 2>"$T/err" || fail "first sync: $(cat "$T/err")"
server_stop
id=$(cache_sql "SELECT id FROM leads ORDER BY name LIMIT 1")
"$LEADQ" note "$id" "llamar el martes" >/dev/null 2>"$T/err" || fail "note: $(cat "$T/err")"
"$LEADQ" touch "$id" call --outcome no_answer >/dev/null 2>"$T/err" || fail "touch: $(cat "$T/err")"
"$LEADQ" sync >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || fail "sync with the server down: exit $rc"
[ "$(wc -l <"$T/err")" = 1 ] || fail "sync offline printed $(wc -l <"$T/err") lines: $(cat "$T/err")"
grep -q "cannot reach" "$T/err" || fail "sync offline: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sent')")" = 2 ] ||
	fail "offline: $(cache_sql "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sent')") pending, not 2"
server_start
"$LEADQ" sync 2>"$T/err" || fail "sync after the server came back: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state = 'applied'")" = 2 ] || fail "not caught up"
[ "$(server_sql "SELECT json_extract(data, '$.touches') FROM leads WHERE id = '$id'")" = 1 ] || fail "the server's lead has no touch"
[ "$(cache_sql "SELECT touches FROM leads WHERE id = '$id'")" = 1 ] || fail "the cache's lead lost its touch"
say ok
