# tests/server/lib.sh — sourced by the tests of leadqd.  Each test gets a
# temporary folder with its own sqlite database; start_server runs
# `leadqd serve` on a free loopback port (port 0, read from its "listening
# on" line) and the exit trap always stops it.  make check passes $LEADQD.
set -u

TEST_NAME=$(basename "$0" .sh)

fail() {
	printf 'FAIL %s: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}
say() {
	printf '%s: %s\n' "$TEST_NAME" "$*"
}

[ -n "${LEADQD:-}" ] && [ -x "$LEADQD" ] || fail "\$LEADQD must name the built leadqd (run through make check)"
command -v curl >/dev/null 2>&1 || fail "the curl program is missing (./autogen.sh --deps installs it)"
command -v sqlite3 >/dev/null 2>&1 || fail "the sqlite3 program is missing (./autogen.sh --deps installs it)"

T=$(mktemp -d "${TMPDIR:-/tmp}/leadqd-test.XXXXXX") || fail "mktemp -d failed"
SERVER_PID=
cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

unset LEADQD_DB LEADQ_NOW LANGUAGE LANG LC_MESSAGES
export LC_ALL=C.UTF-8
DB="$T/server.db"

# lqd ARGS...: runs leadqd; sets $rc, stdout in $T/out, stderr in $T/err.
lqd() {
	"$LEADQD" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
expect_rc() {
	[ "$rc" -eq "$1" ] ||
		fail "$2: exit status $rc, expected $1; stderr: $(head -c 800 "$T/err"); stdout: $(head -c 400 "$T/out")"
}
expect_out() {
	grep -qF -- "$1" "$T/out" || fail "$2: stdout lacks '$1'; it was: $(head -c 800 "$T/out")"
}
expect_err() {
	grep -qF -- "$1" "$T/err" || fail "$2: stderr lacks '$1'; it was: $(head -c 800 "$T/err")"
}

# sql QUERY: on the server's database
sql() {
	sqlite3 -batch -noheader "$DB" "$1"
}

# setup_org: team Iberia (Madrid) with reps ana and bob and team lead marta
# (passwords ana-pw, bob-pw, marta-pw), and an API key in $KEY.
setup_org() {
	lqd init --db "$DB"; expect_rc 0 "leadqd init"
	lqd team add --db "$DB" Iberia --tz Europe/Madrid --hours 'mon-fri 09:00-14:00,15:00-18:00'
	expect_rc 0 "leadqd team add"
	for u in ana:rep bob:rep marta:lead; do
		login=${u%%:*}
		printf '%s-pw\n' "$login" | "$LEADQD" user add --db "$DB" "$login" --name "User $login" \
			--role "${u#*:}" --team Iberia --password-stdin >"$T/out" 2>"$T/err"
		rc=$?
		expect_rc 0 "leadqd user add $login"
	done
	KEY=$("$LEADQD" key add --db "$DB" mautic) || fail "leadqd key add"
	[ "${#KEY}" -eq 43 ] || fail "the API key is not 43 characters: $KEY"
}

# start_server [ARGS...]: leadqd serve on a free port; sets $BASE.
start_server() {
	: >"$T/serve.out"
	"$LEADQD" serve --db "$DB" --listen 127.0.0.1:0 "$@" >"$T/serve.out" 2>"$T/serve.err" &
	SERVER_PID=$!
	i=0
	while ! grep -q '^listening on ' "$T/serve.out"; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "leadqd serve did not start: $(cat "$T/serve.err")"
		kill -0 "$SERVER_PID" 2>/dev/null || fail "leadqd serve exited: $(cat "$T/serve.err")"
		sleep 0.05
	done
	PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$T/serve.out")
	[ -n "$PORT" ] && [ "$PORT" -gt 0 ] || fail "bad listening line: $(cat "$T/serve.out")"
	BASE="http://127.0.0.1:$PORT/api/v1"
}
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID"
	src=$?
	SERVER_PID=
	[ "$src" -eq 0 ] || fail "leadqd serve exited with $src on SIGTERM: $(cat "$T/serve.err")"
}

# api METHOD PATH [BODY] [curl args...]: $code, the body in $T/body.
api() {
	_am=$1 _ap=$2
	shift 2
	_ab=
	if [ $# -gt 0 ]; then
		_ab=$1
		shift
	fi
	if [ -n "$_ab" ]; then
		code=$(curl -s -o "$T/body" -w '%{http_code}' -X "$_am" \
			-H 'Content-Type: application/json' --data-binary "$_ab" "$@" "$BASE$_ap")
	else
		code=$(curl -s -o "$T/body" -w '%{http_code}' -X "$_am" "$@" "$BASE$_ap")
	fi
}
# as TOKEN METHOD PATH [BODY]: api with a bearer token
as() {
	_at=$1
	shift
	if [ $# -ge 3 ]; then
		api "$1" "$2" "$3" -H "Authorization: Bearer $_at"
	else
		api "$1" "$2" "" -H "Authorization: Bearer $_at"
	fi
}
expect_code() {
	[ "$code" = "$1" ] || fail "$2: HTTP $code, expected $1; body: $(head -c 800 "$T/body")"
}
# jget PATH: a value of the last answer (sqlite's JSON functions)
jget() {
	sqlite3 -batch -noheader :memory: "SELECT json_extract(readfile('$T/body'), '$1');"
}
# login USER PASSWORD: the token on stdout
login() {
	api POST /login "{\"user\": \"$1\", \"password\": \"$2\"}"
	expect_code 200 "login $1"
	jget '$.token'
}
# add_lead JSON: posts one lead through intake; its id on stdout
add_lead() {
	api POST /leads "{\"leads\": [$1]}" -H "X-Api-Key: $KEY"
	expect_code 200 "intake $1"
	jget '$.results[0].id'
}
# uuid: a fresh v4 UUID
uuid() {
	cat /proc/sys/kernel/random/uuid
}
