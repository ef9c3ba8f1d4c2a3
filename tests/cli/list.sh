#!/bin/sh
# leadq --demo seeds its cache; `list` gives the queue in the core's order,
# in TSV and JSON, with UTF-8 names intact; filters, sorts, --as and --reset.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# --- seeding ------------------------------------------------------------
demo_cache
header=$(head -n 1 "$T/out")
[ "$header" = "$(printf 'id\tstatus\tsla\tremaining\tscore\tname\tcompany\tsource\ttouches')" ] ||
	fail "TSV header is '$header'"
mode=$(stat -c %a "$XDG_DATA_HOME/leadq/demo")
[ "$mode" = 700 ] || fail "the demo folder has mode $mode, expected 700"
[ "$(sql "SELECT value FROM meta WHERE key = 'demo_seed'")" = 42 ] || fail "meta demo_seed is not 42"
[ "$(sql "SELECT value FROM meta WHERE key = 'demo_as'")" = rep ] || fail "meta demo_as is not rep"
user=$(sql "SELECT value FROM meta WHERE key = 'user_id'")
[ "$(sql "SELECT login FROM users WHERE id = '$user'")" = lucia ] || fail "the demo user is not lucia"
leads=$(sql "SELECT count(*) FROM leads")
[ "$leads" -ge 20 ] || fail "only $leads leads in the demo cache"
[ "$(sql "SELECT count(*) FROM leads WHERE owner_id IS NOT '$user'")" = 0 ] ||
	fail "the rep's demo cache holds leads of other reps"
[ "$(sql "SELECT count(*) FROM activities")" -gt "$leads" ] || fail "the demo leads have no history"
[ "$(sql "SELECT count(*) FROM users")" -ge 8 ] || fail "the demo cache lacks the users"

# --- the default view: open leads, in priority order ------------------------
cp "$T/out" "$T/list.tsv"
open=$(sql "SELECT count(*) FROM leads WHERE status IN ('new', 'working')")
lines=$(($(wc -l <"$T/list.tsv") - 1))
[ "$lines" -eq "$open" ] || fail "list shows $lines leads, the cache has $open open ones"
bad=$(awk -F '\t' 'NR > 1 && $2 != "new" && $2 != "working"' "$T/list.tsv" | head -n 1)
[ -z "$bad" ] || fail "list shows a lead that is not open: $bad"
# Re-listing gives the same bytes (the order is total and the clock frozen).
lq --demo list
cmp -s "$T/out" "$T/list.tsv" || fail "two runs of list differ"

# Leads whose first-contact clock runs and that have no appointment due now:
# breached ones come first, then by deadline (remaining never decreases).
sql "SELECT id FROM leads WHERE next_appt_at IS NOT NULL AND next_appt_at <= $NOW_EPOCH + 900" >"$T/due"
awk -F '\t' -v duefile="$T/due" '
	BEGIN { while ((getline id < duefile) > 0) due[id] = 1 }
	NR > 1 && $2 == "new" && $9 ~ /^0\// && !($1 in due) && $3 != "none" { print }
' "$T/list.tsv" >"$T/first"
nb=$(awk -F '\t' '$3 == "breached"' "$T/first" | wc -l)
nt=$(awk -F '\t' '$3 == "on_track"' "$T/first" | wc -l)
[ "$nb" -gt 0 ] && [ "$nt" -gt 0 ] ||
	fail "expected breached and on-track new leads at $LEADQ_NOW (got $nb breached, $nt on track)"
awk -F '\t' '
	$3 == "breached" && seen_ok { print "breached lead " $1 " comes after an on-track one"; exit 1 }
	$3 != "breached" { seen_ok = 1 }
	NR > 1 && $4 + 0 < prev + 0 { print "remaining goes down at " $1 ": " $4 " after " prev; exit 1 }
	{ prev = $4 }
' "$T/first" >"$T/why" || fail "priority order: $(cat "$T/why")"
# A breached lead's remaining time is negative, an on-track one's positive.
awk -F '\t' '($3 == "breached" && $4 >= 0) || ($3 == "on_track" && $4 <= 0) { print; exit 1 }' \
	"$T/list.tsv" >"$T/why" || fail "SLA state and remaining disagree: $(cat "$T/why")"

# --- UTF-8 names ------------------------------------------------------------
line=$(LC_ALL=C grep -m 1 "$(printf '[\200-\377]')" "$T/list.tsv" | head -n 1)
[ -n "$line" ] || fail "no accented name in the demo queue"
id=$(printf '%s\n' "$line" | cut -f 1)
name=$(printf '%s\n' "$line" | cut -f 6)
company=$(printf '%s\n' "$line" | cut -f 7)
printf '%s' "$name$company" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || fail "TSV name '$name' is not valid UTF-8"
[ "$(sql "SELECT name FROM leads WHERE id = '$id'")" = "$name" ] || fail "TSV name '$name' differs from the cache's"

lq --demo list --format json
expect_rc 0 "list --format json"
cp "$T/out" "$T/list.json"
json_valid "$T/list.json" || fail "list --format json is not valid JSON"
n=$(sqlite3 -batch :memory: "SELECT json_array_length(readfile('$T/list.json'))")
[ "$n" -eq "$lines" ] || fail "JSON lists $n leads, TSV $lines"
first_tsv=$(sed -n 2p "$T/list.tsv" | cut -f 1)
[ "$(json_get "$T/list.json" '$[0].id')" = "$first_tsv" ] || fail "JSON and TSV start with different leads"
jname=$(sqlite3 -batch -noheader :memory: \
	"SELECT json_extract(value, '\$.name') FROM json_each(readfile('$T/list.json')) WHERE json_extract(value, '\$.id') = '$id'")
[ "$jname" = "$name" ] || fail "JSON name '$jname' differs from TSV name '$name'"
grep -qF "\"$name\"" "$T/list.json" || fail "JSON escapes the name '$name' instead of writing UTF-8"
state=$(sqlite3 -batch -noheader :memory: \
	"SELECT json_extract(value, '\$.sla.state') FROM json_each(readfile('$T/list.json')) WHERE json_extract(value, '\$.id') = '$id'")
[ "$state" = "$(printf '%s\n' "$line" | cut -f 3)" ] || fail "JSON sla.state '$state' differs from TSV"
nosla=$(sqlite3 -batch -noheader :memory: \
	"SELECT count(*) FROM json_each(readfile('$T/list.json')) WHERE json_type(value, '\$.sla.state') IS NOT 'text'")
[ "$nosla" = 0 ] || fail "$nosla JSON leads lack sla.state"

# --- search, ignoring case and accents --------------------------------------
lq --demo list --search "$name"
expect_rc 0 "list --search NAME"
grep -q "^$id	" "$T/out" || fail "list --search '$name' does not find $id"
folded=$(printf '%s' "$name" | sed 's/[áàâä]/a/g; s/[éèêë]/e/g; s/[íìîï]/i/g; s/[óòôöõ]/o/g; s/[úùûü]/u/g; s/ñ/n/g; s/ç/c/g; s/Á/A/g; s/É/E/g; s/Í/I/g; s/Ó/O/g; s/Ú/U/g; s/Ñ/N/g' |
	tr '[:lower:]' '[:upper:]')
if printf '%s' "$folded" | LC_ALL=C grep -q "$(printf '[\200-\377]')"; then
	say "note: '$name' has letters this test does not fold; folded search not checked"
else
	lq --demo list --search "$folded"
	expect_rc 0 "list --search FOLDED"
	grep -q "^$id	" "$T/out" || fail "list --search '$folded' does not find '$name'"
fi
lq --demo list --search "zzqx-no-such-lead"
expect_rc 0 "list --search with no match"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "a search with no match lists leads"

# --- filters and sorts -------------------------------------------------------
lq --demo list --all
expect_rc 0 "list --all"
[ $(($(wc -l <"$T/out") - 1)) -eq "$leads" ] || fail "list --all does not list every lead"
lq --demo list --status qualified,junk
expect_rc 0 "list --status qualified,junk"
want=$(sql "SELECT count(*) FROM leads WHERE status IN ('qualified', 'junk')")
[ $(($(wc -l <"$T/out") - 1)) -eq "$want" ] || fail "list --status qualified,junk shows the wrong count"
awk -F '\t' 'NR > 1 && $2 != "qualified" && $2 != "junk" { exit 1 }' "$T/out" ||
	fail "list --status qualified,junk shows other statuses"
lq --demo list --sort score
expect_rc 0 "list --sort score"
awk -F '\t' 'NR > 2 && $5 + 0 > prev + 0 { exit 1 } { prev = $5 }' "$T/out" ||
	fail "list --sort score is not by score, highest first"

# --- another role reseeds; --reset starts afresh ----------------------------
lq --demo --as lead list
expect_rc 0 "--demo --as lead list"
[ "$(sql "SELECT value FROM meta WHERE key = 'demo_as'")" = lead ] || fail "--as lead did not reseed"
lead=$(sql "SELECT value FROM meta WHERE key = 'user_id'")
[ "$(sql "SELECT login FROM users WHERE id = '$lead'")" = marta ] || fail "--as lead: the user is not marta"
team=$(sql "SELECT team_id FROM users WHERE id = '$lead'")
[ "$(sql "SELECT count(*) FROM leads WHERE team_id IS NOT '$team'")" = 0 ] || fail "--as lead keeps other teams' leads"
[ "$(sql "SELECT count(DISTINCT owner_id) FROM leads")" -gt 1 ] || fail "--as lead keeps one rep's leads only"
lq --demo list
expect_rc 0 "--demo list after --as lead"
[ "$(sql "SELECT value FROM meta WHERE key = 'demo_as'")" = lead ] || fail "--demo without --as changed the role"

lq --demo --as telequal --reset list --all
expect_rc 0 "--demo --as telequal --reset list"
[ "$(sql "SELECT login FROM users WHERE id = (SELECT value FROM meta WHERE key = 'user_id')")" = tq ] ||
	fail "--as telequal: the user is not tq"
# The server scopes an agent to their team's pool (its unowned leads) and
# the leads they own: no rep's lead may reach their cache, the pool does.
[ "$(sql "SELECT count(*) FROM leads WHERE owner_id IS NOT NULL AND owner_id IS NOT (SELECT value FROM meta WHERE key = 'user_id')")" = 0 ] ||
	fail "--as telequal: a rep's lead reached the agent's cache"
[ "$(sql "SELECT count(*) FROM leads WHERE owner_id IS NULL AND status = 'new' AND team_id = (SELECT team_id FROM users WHERE id = (SELECT value FROM meta WHERE key = 'user_id'))")" -gt 0 ] ||
	fail "--as telequal: the agent has no pool to call"
say "ok ($lines open leads of $leads)"
exit 0
