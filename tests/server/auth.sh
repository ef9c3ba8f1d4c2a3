#!/bin/sh
# Login (argon2id), bad passwords, the rate limit, bad and revoked tokens,
# disabled users.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
start_server

say "login"
tok=$(login ana ana-pw)
[ "${#tok}" -eq 43 ] || fail "the token is not 43 base64url characters: $tok"
[ "$(jget '$.user.login')" = ana ] || fail "login answers the user"
[ "$(jget '$.user.role')" = rep ] || fail "login answers the role"
[ "$(jget '$.user.tz')" = Europe/Madrid ] || fail "the user takes the team's zone"
[ "$(sql "SELECT count(*) FROM tokens WHERE hash = '$tok'")" = 0 ] || fail "the token is stored in clear"
[ "$(sql "SELECT count(*) FROM tokens")" = 1 ] || fail "no token row"

api POST /login '{"user": "ana", "password": "wrong"}'
expect_code 401 "a wrong password"
[ "$(jget '$.error.code')" = unauthorized ] || fail "a wrong password: code"
msg=$(jget '$.error.message')
api POST /login '{"user": "nobody", "password": "wrong"}'
expect_code 401 "an unknown user"
[ "$(jget '$.error.message')" = "$msg" ] || fail "an unknown user is answered differently"
api POST /login '{"user": "ana"}'
expect_code 400 "login without a password"
api GET /login
expect_code 405 "GET /login"
api GET /nowhere
expect_code 404 "an unknown path"

say "rate limit"
for i in 1 2 3 4 5; do
	api POST /login '{"user": "bob", "password": "wrong"}'
	expect_code 401 "bob's failure $i"
done
api POST /login '{"user": "bob", "password": "bob-pw"}' -D "$T/headers"
expect_code 429 "the sixth try within the window"
[ "$(jget '$.error.code')" = rate_limited ] || fail "429 code"
grep -qi '^Retry-After: [0-9]' "$T/headers" || fail "429 without Retry-After: $(cat "$T/headers")"
login marta marta-pw >/dev/null

say "tokens"
as "$tok" GET /changes
expect_code 200 "changes with the token"
as "not-a-token" GET /changes
expect_code 401 "a bad token"
api GET /changes
expect_code 401 "no token"
lqd user revoke --db "$DB" ana; expect_rc 0 "user revoke"; expect_out "revoked 1 token" "revoked one"
as "$tok" GET /changes
expect_code 401 "a revoked token"
tok=$(login ana ana-pw)
lqd user disable --db "$DB" ana; expect_rc 0 "user disable"
as "$tok" GET /changes
expect_code 401 "a disabled user's token"
api POST /login '{"user": "ana", "password": "ana-pw"}'
expect_code 401 "a disabled user's login"
stop_server
say "ok"
