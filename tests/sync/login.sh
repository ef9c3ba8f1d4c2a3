#!/bin/sh
# leadq login stores a 0600 token, writes the server into the config (keeping
# other lines), and makes a cache with the user; a wrong password is refused.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/sync/lib.sh"
server_init
server_start
device a
printf 'color = off\n' >"$XDG_CONFIG_HOME/leadq/config"
printf 'wrong\n' | "$LEADQ" login "$SERVER" lucia --password-stdin >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || fail "a wrong password: exit $rc"
[ ! -e "$XDG_CONFIG_HOME/leadq/token-127.0.0.1_$PORT" ] || fail "a wrong password stored a token"
login
tok="$XDG_CONFIG_HOME/leadq/token-127.0.0.1_$PORT"
[ -f "$tok" ] || fail "no token file $tok"
[ "$(stat -c %a "$tok")" = 600 ] || fail "the token file is $(stat -c %a "$tok"), not 600"
[ "$(wc -c <"$tok")" -ge 40 ] || fail "the token is too short"
grep -q "^server = $SERVER\$" "$XDG_CONFIG_HOME/leadq/config" || fail "no server line in the config"
grep -q '^color = off$' "$XDG_CONFIG_HOME/leadq/config" || fail "login dropped another config line"
[ "$(cache_sql "SELECT login FROM users WHERE id = (SELECT value FROM meta WHERE key = 'user_id')")" = lucia ] ||
	fail "the cache's user is not lucia"
"$LEADQ" sync >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] || fail "sync after login: exit $rc: $(cat "$T/err")"
say ok
