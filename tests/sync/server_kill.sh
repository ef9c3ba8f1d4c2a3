#!/bin/sh
# The server killed with SIGKILL and restarted loses no op it acknowledged:
# 100 ops made offline are pushed while leadqd is killed at random moments;
# after every restart each op the client holds as applied is still on the
# server, and in the end every op is there exactly once.
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
		"$LEADQ" note "$lead" "nota $i de Zoë" >/dev/null 2>"$T/err" || fail "note: $(cat "$T/err")"
		i=$((i + 1))
	done
done
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 100 ] || fail "not 100 ops queued"
# Batches of 5, so that the kills land between requests and inside them.
printf 'sync-batch = 5\n' >>"$XDG_CONFIG_HOME/leadq/config"

round=0
while [ $round -lt 6 ]; do
	server_start
	"$LEADQ" sync >/dev/null 2>&1 &
	client=$!
	# Kill once the client has ops in flight (marked sent before each
	# request), a random few milliseconds into the push.
	i=0
	while [ $i -lt 200 ] && [ "$(cache_sql "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 0 ] &&
		kill -0 "$client" 2>/dev/null; do
		sleep 0.01
		i=$((i + 1))
	done
	sleep "0.0$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
	kill -KILL "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=
	wait "$client" 2>/dev/null
	# What the client was told is applied must have survived the kill.
	for op in $(cache_sql "SELECT id FROM outbox WHERE state IN ('applied', 'duplicate')"); do
		[ "$(server_sql "SELECT count(*) FROM ops_applied WHERE id = '$op'")" = 1 ] ||
			fail "round $round: op $op was acknowledged, then lost by the kill"
	done
	round=$((round + 1))
done
say "$(cache_sql "SELECT count(*) FROM outbox WHERE state IN ('applied', 'duplicate')") of 100 ops acknowledged across $round kills"
server_start
"$LEADQ" sync 2>"$T/err" || fail "the last sync: $(cat "$T/err")"
[ "$(cache_sql "SELECT count(*) FROM outbox WHERE state IN ('applied', 'duplicate')")" = 100 ] ||
	fail "the cache: $(cache_sql "SELECT state, count(*) FROM outbox GROUP BY state")"
[ "$(server_sql "SELECT count(*) FROM ops_applied")" = 100 ] ||
	fail "the server applied $(server_sql 'SELECT count(*) FROM ops_applied') ops, not 100"
[ "$(server_sql "SELECT count(*) FROM activities WHERE op_id IS NOT NULL")" = 100 ] ||
	fail "the server has $(server_sql 'SELECT count(*) FROM activities WHERE op_id IS NOT NULL') activities of ops, not 100"
say ok
