#!/bin/sh
# leadqd's admin subcommands: init, team add, user add|list|disable|passwd|
# revoke, key add, seed; --help, --version, usage errors and exit codes.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

lqd --version; expect_rc 0 "--version"; expect_out "leadqd" "--version"
lqd --help; expect_rc 0 "--help"; expect_out "user add" "--help lists the commands"
lqd user add --help; expect_rc 0 "user add --help"; expect_out "--role" "user add --help"
lqd frobnicate; expect_rc 2 "an unknown command"; expect_err "unknown command 'frobnicate'" "unknown command"
lqd init; expect_rc 2 "init without a database"; expect_err "no database" "init without a database"
lqd init --db "$DB" --bogus; expect_rc 2 "an unknown option"; expect_err "--bogus" "unknown option named"

setup_org
say "init, team add, user add, key add"
lqd init --db "$DB"; expect_rc 0 "init again keeps the database"
[ "$(sql "SELECT count(*) FROM users")" = 3 ] || fail "init again lost users"
epoch=$(sql "SELECT value FROM meta WHERE key = 'epoch'")
[ -n "$epoch" ] || fail "no epoch in meta"

# The password is stored as argon2id, never in clear.
h=$(sql "SELECT password_hash FROM users WHERE login = 'ana'")
case $h in '$argon2id$'*) ;; *) fail "ana's password is not an argon2id hash: $h" ;; esac
[ "$(sql "SELECT count(*) FROM api_keys WHERE hash = '$KEY'")" = 0 ] || fail "the API key is stored in clear"

lqd user add --db "$DB" eve --role rep; expect_rc 2 "user add without --name"
expect_err "--name" "user add without --name names it"
lqd user add --db "$DB" eve --name Eve --role boss; expect_rc 2 "user add with a bad role"
expect_err "--role" "a bad role is named"
lqd user add --db "$DB" eve --name Eve --role rep --team Nowhere; expect_rc 1 "user add to an unknown team"
expect_err "Nowhere" "the unknown team is named"
lqd user add --db "$DB" ana --name Ana --role rep; expect_rc 1 "a second ana"
expect_err "exists already" "a second ana"
LEADQD_DB="$DB" "$LEADQD" user add zoe --name 'Zoé Ñandú' --role telequal >"$T/out" 2>"$T/err"
rc=$?; expect_rc 0 "user add through LEADQD_DB"
lqd team add --db "$DB" Iberia; expect_rc 1 "a second team Iberia"
lqd team add --db "$DB" Andes --tz Mars/Olympus; expect_rc 1 "team add with a bad zone"
expect_err "--tz" "the bad zone is named"
lqd team add --db "$DB" Andes --hours 'mon-fri 9-14'; expect_rc 1 "team add with bad hours"
expect_err "--hours" "bad hours are named"
printf 'db = %s\n' "$DB" >"$T/leadqd.conf"
lqd team add --config "$T/leadqd.conf" Andes --tz America/Lima; expect_rc 0 "team add through --config"
printf 'bogus = 1\n' >"$T/bad.conf"
lqd user list --config "$T/bad.conf"; expect_rc 2 "a bad config"; expect_err "bad.conf:1" "the config line is named"

say "user list, disable, passwd"
lqd user list --db "$DB"; expect_rc 0 "user list"
expect_out "ana	User ana	rep	Iberia	active" "user list shows ana"
expect_out "zoe	Zoé Ñandú	telequal	-	active" "user list shows zoe in UTF-8"
lqd user disable --db "$DB" bob; expect_rc 0 "user disable"
lqd user list --db "$DB"; expect_out "bob	User bob	rep	Iberia	disabled" "bob is disabled"
lqd user disable --db "$DB" nobody; expect_rc 1 "disable an unknown user"; expect_err "nobody" "named"
printf 'new-pw\n' | "$LEADQD" user passwd --db "$DB" ana >"$T/out" 2>"$T/err"; rc=$?
expect_rc 0 "user passwd"
[ "$(sql "SELECT password_hash FROM users WHERE login = 'ana'")" != "$h" ] || fail "passwd kept the old hash"
lqd user revoke --db "$DB" ana; expect_rc 0 "user revoke"; expect_out "revoked 0 tokens" "revoke counts"
[ "$(sql "SELECT count(*) FROM audit WHERE who = 'admin' AND action = 'user_disable'")" = 1 ] ||
	fail "user disable is not in the audit log"
[ "$(sql "SELECT count(*) FROM feed WHERE type = 'user'")" -ge 4 ] || fail "users are not in the change feed"

say "seed"
lqd seed --db "$T/seed.db" --leads 30 --reps 3 --events-per-lead 2 --seed 7 --demo-passwords
expect_rc 0 "seed"
[ "$(sqlite3 "$T/seed.db" "SELECT count(*) FROM leads")" = 30 ] || fail "seed did not make 30 leads"
[ "$(sqlite3 "$T/seed.db" "SELECT count(*) FROM users WHERE login = 'lucia' AND password_hash LIKE '\$argon2id\$%'")" = 1 ] ||
	fail "seed --demo-passwords gave lucia no password"
[ "$(sqlite3 "$T/seed.db" "SELECT count(*) FROM feed WHERE type = 'lead'")" = 30 ] || fail "seeded leads are not in the feed"
lqd seed --db "$T/seed2.db" --reps 3; expect_rc 2 "seed without --leads"
lqd seed --db "$T/seed2.db" --leads 10 --reps 2
[ "$(sqlite3 "$T/seed2.db" "SELECT count(*) FROM users WHERE password_hash IS NOT NULL")" = 0 ] ||
	fail "seed without --demo-passwords set passwords"
say "ok"
