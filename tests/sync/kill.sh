#!/bin/sh
# 100 ops made offline all arrive exactly once, while leadq sync is killed
# with SIGKILL at random moments and started again.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"
server_init
server_start
add_leads 10
device a; login
"$LEADQ" sync 2>"$T/err" || fail "first sync: $(cat "$T/err")"
server_stop
for lead in $(cache_sql "SELECT id FROM leads"); do
	i=1
	while [ $i -le 10 ]; do
		"$LEADQ" note "$lead" "nota $i de José" >/dev/null 2>"$T/err" || fail "note: $(cat "$T/err")"
		i=$((i + 1))
	done
done
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 100 ] || fail "not 100 ops queued"
server_start
round=0
while [ $round -lt 8 ]; do
	"$LEADQ" sync >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	round=$((round + 1))
done
"$LEADQ" sync 2>"$T/err" || fail "the last sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state IN ('applied', 'duplicate')")" = 100 ] ||
	fail "the cache: $(cache_sql "SELECT state, count(*) FROM outbox GROUP BY state")"
[ "$(server_sql "SELECT count(*) FROM ops_applied")" = 100 ] ||
	fail "the server applied $(server_sql 'SELECT count(*) FROM ops_applied') ops, not 100"
[ "$(server_sql "SELECT count(*) FROM activities WHERE op_id IS NOT NULL")" = 100 ] ||
	fail "the server has $(server_sql 'SELECT count(*) FROM activities WHERE op_id IS NOT NULL') activities of ops, not 100"
say ok
