#!/bin/sh
# `show`: a lead and its timeline as text for people and as JSON for scripts,
# by full id or by a unique prefix.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

demo_cache
# A lead with a history, preferably one with an accented name.
id=$(sql "SELECT l.id FROM leads l WHERE EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = l.id)
	ORDER BY (l.name GLOB '*[^ -~]*') DESC, l.id LIMIT 1")
[ -n "$id" ] || fail "no lead with a timeline in the demo cache"
name=$(sql "SELECT name FROM leads WHERE id = '$id'")
company=$(sql "SELECT company FROM leads WHERE id = '$id'")
nact=$(sql "SELECT count(*) FROM activities WHERE lead_id = '$id'")

# --- text ---------------------------------------------------------------------
lq --demo show "$id"
expect_rc 0 "show ID"
head -n 1 "$T/out" | grep -qF -- "$name" || fail "show: the first line lacks the name '$name': $(head -n 1 "$T/out")"
[ -z "$company" ] || expect_out "$company" "show: the company"
expect_out "$id" "show: the id"
expect_out "Timeline" "show: the timeline heading"
expect_out "status" "show: the status label"
expect_out "SLA" "show: the SLA line"
grep -q "0x[0-9a-f]\{6,\}\|(null)" "$T/out" && fail "show prints a pointer or (null): $(grep "0x\|(null)" "$T/out")"
tl=$(sed -n '/^Timeline/,$p' "$T/out" | grep -c '^  [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9] ')
[ "$tl" -eq "$nact" ] || fail "show lists $tl timeline entries, the cache has $nact"
cp "$T/out" "$T/full.txt"

# --- a prefix ------------------------------------------------------------------
prefix=$(printf '%s' "$id" | cut -c 1-8)
lq --demo show "$prefix"
expect_rc 0 "show PREFIX"
cmp -s "$T/out" "$T/full.txt" || fail "show by prefix differs from show by id"
lq --demo show ffffffff-ffff-4fff-bfff-ffffffffffff
expect_rc 1 "show of an unknown id"
expect_err "ffffffff-ffff-4fff-bfff-ffffffffffff" "show of an unknown id names it"
expect_one_line "show of an unknown id"

# --- JSON --------------------------------------------------------------------
lq --demo show "$id" --format json
expect_rc 0 "show --format json"
cp "$T/out" "$T/show.json"
json_valid "$T/show.json" || fail "show --format json is not valid JSON: $(head -c 400 "$T/show.json")"
[ "$(json_get "$T/show.json" '$.lead.id')" = "$id" ] || fail "JSON lead.id is not $id"
[ "$(json_get "$T/show.json" '$.lead.name')" = "$name" ] || fail "JSON lead.name is not '$name'"
[ "$(json_get "$T/show.json" '$.lead.status')" = "$(sql "SELECT status FROM leads WHERE id = '$id'")" ] ||
	fail "JSON lead.status differs from the cache"
n=$(sqlite3 -batch :memory: "SELECT json_array_length(readfile('$T/show.json'), '\$.timeline')")
[ "$n" -eq "$nact" ] || fail "JSON timeline has $n entries, the cache $nact"
[ -n "$(json_get "$T/show.json" '$.timeline[0].id')" ] || fail "JSON timeline entries have no id"
[ -n "$(json_get "$T/show.json" '$.lead.sla.state')" ] || fail "JSON lead has no sla.state"
# Newest first.
sqlite3 -batch -noheader :memory: "SELECT json_extract(value, '\$.at') FROM json_each(readfile('$T/show.json'), '\$.timeline')" >"$T/at"
sort -r "$T/at" | cmp -s - "$T/at" || fail "the JSON timeline is not newest first"
grep -qF "\"$name\"" "$T/show.json" || fail "JSON escapes '$name' instead of writing UTF-8"

lq --demo show "$id" --format yaml
expect_rc 2 "show --format yaml"
expect_err "yaml" "show --format yaml names the value"
lq --demo show
expect_rc 2 "show without an id"
say "ok"
exit 0
