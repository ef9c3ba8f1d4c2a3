#!/bin/sh
# Exit status 1 for what the lifecycle refuses, 2 for usage errors, each with
# one line on stderr naming what is at fault; nothing changes in the cache.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# --- before any cache: no server configured --------------------------------------
lq list
expect_rc 2 "list with no server and no --demo"
expect_err "leadq --demo" "the no-server message suggests leadq --demo"
expect_err "leadq login" "the no-server message suggests leadq login"
expect_one_line "no server"
lq --db "$T/nope.db" list
expect_rc 2 "--db of a missing file"
expect_err "$T/nope.db" "--db of a missing file names it"

# --- usage errors: exit 2 and nothing written -------------------------------------
usage() {   # WHAT NEEDLE ARGS...
	what=$1 needle=$2
	shift 2
	lq "$@"
	expect_rc 2 "$what"
	expect_err "$needle" "$what"
	expect_one_line "$what"
	[ ! -s "$T/out" ] || fail "$what: wrote to stdout: $(head -c 300 "$T/out")"
}
usage "an unknown option" "--bogus" --bogus
usage "an unknown command" "frobnicate" frobnicate
usage "--as without --demo" "--demo" --as lead list
usage "--as with a bad role" "boss" --demo --as boss list
usage "--db without a value" "--db" --db
usage "list --format xml" "--format: 'xml'" --demo list --format xml
usage "list --sort by name" "name" --demo list --sort name
usage "list --status bogus" "bogus" --demo list --status new,bogus
usage "list with an extra word" "extra" --demo list extra
usage "set without a status" "usage" --demo set 1234
usage "touch without --outcome" "--outcome" --demo touch 1234 call
usage "touch with a bad kind" "KIND: 'fax'" --demo touch 1234 fax --outcome sent
usage "set with a bad status" "STATUS: 'frobnicate'" --demo set 1234 frobnicate
usage "touch with a bad outcome" "maybe" --demo touch 1234 call --outcome maybe
usage "note without text" "usage" --demo note 1234
usage "undo with a word" "now" --demo undo now
usage "login without a user" "usage" login example.com
[ ! -e "$DEMO_DB" ] || fail "a usage error opened or created the demo cache"

demo_cache
id=$(sql "SELECT id FROM leads WHERE status = 'new' AND touches = 0 ORDER BY id LIMIT 1")
[ -n "$id" ] || fail "no new lead in the demo cache"
usage "set with an unknown status" "bogus" --demo set "$id" bogus
usage "set with an unknown reason" "nope" --demo set "$id" junk --reason nope
usage "set with a reason that goes nowhere" "--reason" --demo set "$id" qualified --reason spam

sum() { sql "SELECT count(*) || '/' || (SELECT count(*) FROM outbox) || '/' || group_concat(status, ',') FROM (SELECT status FROM leads ORDER BY id)" | cksum; }
before=$(sum)

# --- the lifecycle refuses: exit 1 with the state machine's message -----------------
lq --demo set "$id" won
expect_rc 1 "set new -> won"
expect_err "that status change is not allowed" "set new -> won"
expect_one_line "set new -> won"
expect_err "$(printf '%s' "$id" | cut -c 1-8)" "set new -> won names the lead"
lq --demo set "$id" new
expect_rc 1 "set new -> new"
expect_err "already has that status" "set new -> new"
lq --demo set "$id" junk
expect_rc 1 "set junk without a reason"
expect_err "a reason is needed" "set junk without a reason"
lq --demo touch "$id" call --outcome sent
expect_rc 1 "a call that was 'sent'"
expect_err "that outcome does not fit the touch" "a call that was 'sent'"
lq --demo note "$id" ""
expect_rc 1 "an empty note"
expect_err "the note is empty" "an empty note"
lq --demo set ffffffff-ffff-4fff-bfff-ffffffffffff qualified
expect_rc 1 "set on an unknown lead"
expect_err "ffffffff-ffff-4fff-bfff-ffffffffffff" "set on an unknown lead"
lq --demo undo
expect_rc 1 "undo with nothing done"
expect_err "nothing to undo" "undo with nothing done"
[ "$(sum)" = "$before" ] || fail "a refused action changed the cache"

# --- a demo cache is never mistaken for another one ---------------------------------
cp "$DEMO_DB" "$T/real.db"
sqlite3 "$T/real.db" "DELETE FROM meta WHERE key IN ('demo_seed', 'demo_as', 'demo_server')"
lq --demo --reset --db "$T/real.db" list
expect_rc 2 "--demo --reset on a cache that is not a demo"
expect_err "$T/real.db" "--demo --reset on a real cache names it"
[ -f "$T/real.db" ] || fail "--demo --reset deleted a real cache"
lq --db "$T/real.db" list
expect_rc 0 "--db of a real cache"

# Output to a full disk is a runtime failure, not a silent success.
if [ -w /dev/full ]; then
	"$LEADQ" --demo list >/dev/full 2>"$T/err"
	rc=$?
	expect_rc 1 "list > /dev/full"
fi
say "ok"
exit 0
