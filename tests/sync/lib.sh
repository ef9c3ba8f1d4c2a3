# tests/sync/lib.sh — a real leadqd on loopback and leadq clients ("devices"),
# each with its own XDG folders.  Sourced by tests/sync/*.sh.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
unset LEADQ_NOW    # sync runs on the real clock

LEADQD=${LEADQD:-${LEADQ_TOP_BUILDDIR:-.}/leadqd}
if [ ! -x "$LEADQD" ]; then
	echo "SKIP $TEST_NAME: the server leadqd is not built yet ($LEADQD)"
	exit 77
fi
command -v curl >/dev/null 2>&1 || fail "the curl program is missing (intake posts leads with it)"

SDB="$T/server.db"
SRV_PID=
PORT=0
server_stop() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=
	fi
}
trap 'server_stop; rm -rf "$T"' EXIT

# server_start: on $PORT (0 the first time: the port it prints is kept),
# with the options in $SERVER_ARGS.
server_start() {
	: >"$T/srv.out"
	# shellcheck disable=SC2086
	"$LEADQD" serve --db "$SDB" --listen "127.0.0.1:$PORT" ${SERVER_ARGS:-} >"$T/srv.out" 2>"$T/srv.err" &
	SRV_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/srv.out" | head -n 1)
		if [ -n "$p" ]; then
			PORT=$p
			SERVER="127.0.0.1:$PORT"
			return 0
		fi
		kill -0 "$SRV_PID" 2>/dev/null || fail "leadqd serve died: $(cat "$T/srv.err")"
		sleep 0.1
		i=$((i + 1))
	done
	fail "leadqd did not say where it listens"
}

# server_init: a database with the rep lucia and an intake key.
server_init() {
	"$LEADQD" init --db "$SDB" >/dev/null 2>"$T/init.err" || fail "leadqd init: $(cat "$T/init.err")"
	printf 'pw-lucia\n' | "$LEADQD" user add --db "$SDB" lucia --name "Lucía Fernández" \
		--role rep --password-stdin >/dev/null 2>"$T/init.err" ||
		fail "leadqd user add: $(cat "$T/init.err")"
	KEY=$("$LEADQD" key add --db "$SDB" intake 2>"$T/init.err" | tail -n 1)
	[ -n "$KEY" ] || fail "leadqd key add: $(cat "$T/init.err")"
}

# add_leads N: N leads for lucia through the marketing intake.
add_leads() {
	n=$1 i=1 body='{"leads": ['
	while [ "$i" -le "$n" ]; do
		[ "$i" -gt 1 ] && body="$body,"
		body="$body{\"name\": \"José Núñez $i\", \"company\": \"Zürich $i AG\", \"email\": \"jose$i@example.com\", \"owner\": \"lucia\"}"
		i=$((i + 1))
	done
	body="$body]}"
	curl -s -o "$T/intake.out" -w '%{http_code}' -H "X-Api-Key: $KEY" \
		-H 'Content-Type: application/json' --data-binary "$body" \
		"http://$SERVER/api/v1/leads" >"$T/intake.code" || fail "intake: curl failed"
	[ "$(cat "$T/intake.code")" = 200 ] || fail "intake: HTTP $(cat "$T/intake.code"): $(cat "$T/intake.out")"
}

# device NAME: the XDG folders of one client; no undo window.
device() {
	export XDG_CONFIG_HOME="$T/$1/config" XDG_DATA_HOME="$T/$1/data"
	mkdir -p "$XDG_CONFIG_HOME/leadq" "$XDG_DATA_HOME"
	[ -f "$XDG_CONFIG_HOME/leadq/config" ] || printf 'undo-window = 0\n' >"$XDG_CONFIG_HOME/leadq/config"
	CACHE="$XDG_DATA_HOME/leadq/127.0.0.1_$PORT.db"
}

login() {
	printf 'pw-lucia\n' | "$LEADQ" login "$SERVER" lucia --password-stdin >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 0 ] || fail "login: exit $rc: $(cat "$T/err")"
}

cache_sql() { sqlite3 "$CACHE" "$1"; }
server_sql() { sqlite3 "$SDB" "$1"; }

# login_as DEVICE USER: the device logs in as USER (password USER-pw) and
# syncs once.
login_as() {
	device "$1"
	printf '%s-pw\n' "$2" | "$LEADQ" login "$SERVER" "$2" --password-stdin >"$T/out" 2>"$T/err" ||
		fail "$2: login: $(cat "$T/err")"
	"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "$2: first sync: $(cat "$T/err")"
}

# use_tmux: real terminals for the test (skipped without tmux); every
# terminal's tmux server is killed when the test exits, however it exits.
use_tmux() {
	TMUX_BIN=$(command -v tmux || true)
	[ -n "$TMUX_BIN" ] || { echo "SKIP $TEST_NAME: tmux not found"; exit 77; }
	SOCKS=""
	trap 'for s in $SOCKS; do "$TMUX_BIN" -L "$s" kill-server >/dev/null 2>&1; done; server_stop; rm -rf "$T"' EXIT
}

# term NAME: leadq of the current device (colour off) in its own tmux
# server, 80x24.
term() {
	grep -q '^color' "$XDG_CONFIG_HOME/leadq/config" ||
		printf 'color = off\n' >>"$XDG_CONFIG_HOME/leadq/config"
	SOCKS="$SOCKS lq-$TEST_NAME-$$-$1"
	"$TMUX_BIN" -L "lq-$TEST_NAME-$$-$1" -f /dev/null new-session -d -x 80 -y 24 \
		env LC_ALL=C.UTF-8 TERM=xterm XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		XDG_DATA_HOME="$XDG_DATA_HOME" HOME="$HOME" \
		sh -c "\"$LEADQ\"; echo leadq-exited-\$?; sleep 30" || fail "tmux cannot start"
}
keys() { s=$1; shift; "$TMUX_BIN" -L "lq-$TEST_NAME-$$-$s" send-keys "$@"; }
screen_of() { "$TMUX_BIN" -L "lq-$TEST_NAME-$$-$1" capture-pane -p; }
# wait_for NAME TEXT TENTHS: polls the pane of NAME for TEXT.
wait_for() {
	i=0
	while [ "$i" -lt "$3" ]; do
		screen_of "$1" | grep -qF -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	screen_of "$1" >"$T/screen.$1.txt"
	fail "$1: waited $(($3 / 10)) s for '$2'; the screen:
$(cat "$T/screen.$1.txt")"
}
