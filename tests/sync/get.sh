#!/bin/sh
# One-off GETs through the sync engine (lq_sync_get, what the booking screen
# asks the server with): a rep's free/busy comes back with the bearer token
# on the engine's loop without blocking it; an error names the server's
# code; a GET cancelled by id or by context never calls back (under ASan: no
# use after free); the number in flight is capped; with the server down the
# callback says so (status 0).
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"

GET=${LEADQ_TOP_BUILDDIR:-.}/tests/sync/sync_get
[ -x "$GET" ] || fail "tests/sync/sync_get is not built"
server_init
server_start
device a
login
TOKEN=$(cat "$XDG_CONFIG_HOME/leadq/token-127.0.0.1_$PORT")
LUCIA=$(server_sql "SELECT id FROM users WHERE login = 'lucia'")
FB="/api/v1/reps/$LUCIA/freebusy?from=2030-01-07T00:00:00Z&to=2030-01-09T00:00:00Z&minutes=30"

"$GET" get "$SERVER" "$TOKEN" "$CACHE" "$FB" >"$T/get.out" 2>"$T/get.err" ||
	fail "get: $(cat "$T/get.out" "$T/get.err")"
head -n 1 "$T/get.out" | grep -q '^status=200 ' || fail "freebusy: $(cat "$T/get.out")"
head -n 1 "$T/get.out" | grep -q 'calls=1 error=$' || fail "a 200 has an error text: $(head -n 1 "$T/get.out")"
sed -n 2p "$T/get.out" | grep -q "\"id\": *\"$LUCIA\"" || fail "the answer is not lucia's free/busy: $(sed -n 2p "$T/get.out")"
sed -n 2p "$T/get.out" | grep -q '"free": *\[{' || fail "no free slots: $(sed -n 2p "$T/get.out")"
slow=$(sed -n 's/.* step_ms=\([0-9]*\) .*/\1/p' "$T/get.out")
[ "$slow" -lt 500 ] || fail "a step of the loop took $slow ms"

# The token is the engine's: another token is refused.
"$GET" get "$SERVER" "not-a-token" "$CACHE" "$FB" >"$T/get.out" 2>"$T/get.err" ||
	fail "get with a bad token: $(cat "$T/get.err")"
head -n 1 "$T/get.out" | grep -q '^status=401 .*error=HTTP 401' || fail "a bad token: $(cat "$T/get.out")"

# A server error is told with its code.
"$GET" get "$SERVER" "$TOKEN" "$CACHE" "/api/v1/reps/00000000-0000-4000-8000-000000000000/freebusy" \
	>"$T/get.out" 2>"$T/get.err" || fail "get of an unknown rep: $(cat "$T/get.err")"
head -n 1 "$T/get.out" | grep -q '^status=404 .*error=HTTP 404: ' || fail "an unknown rep: $(cat "$T/get.out")"

# A long poll the server holds (the cache caught up): cancelled meanwhile.
"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "sync: $(cat "$T/err")"
CURSOR=$(cache_sql "SELECT value FROM meta WHERE key = 'cursor'")
[ -n "$CURSOR" ] || fail "no cursor after sync"
"$GET" cancel "$SERVER" "$TOKEN" "$CACHE" "/api/v1/changes?since=$CURSOR&wait=2" >"$T/get.out" 2>"$T/get.err" ||
	fail "cancel: $(cat "$T/get.out" "$T/get.err")"
grep -q '^never called$' "$T/get.out" || fail "cancel: $(cat "$T/get.out")"
"$GET" ctx "$SERVER" "$TOKEN" "$CACHE" "$FB" >"$T/get.out" 2>"$T/get.err" ||
	fail "cancel by context: $(cat "$T/get.out" "$T/get.err")"
"$GET" full "$SERVER" "$TOKEN" "$CACHE" "$FB" >"$T/get.out" 2>"$T/get.err" ||
	fail "GETs in flight: $(cat "$T/get.out" "$T/get.err")"

# The server is gone: the callback still comes, with status 0 and a reason.
server_stop
"$GET" get "$SERVER" "$TOKEN" "$CACHE" "$FB" >"$T/get.out" 2>"$T/get.err" ||
	fail "get with the server down: $(cat "$T/get.out" "$T/get.err")"
head -n 1 "$T/get.out" | grep -q '^status=0 len=0 .*calls=1 error=..' || fail "server down: $(cat "$T/get.out")"
say "ok"
