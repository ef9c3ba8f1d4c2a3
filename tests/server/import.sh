#!/bin/sh
# leadqd import FILE.csv with the fixtures of tests/fixtures/csv: a Spanish
# spreadsheet export (BOM, ';', CRLF, quoted ';' and line breaks, accents,
# blank rows); bad rows named by line and column, all or nothing unless
# --skip-bad; a mapping file and a tab-separated file; duplicates merge
# into one lead with all its history; a recycled lead passed again comes
# back new; a broken file is refused with its line.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

FIX="$LEADQ_TOP_SRCDIR/tests/fixtures/csv"
setup_org
lead_sql() {   # EMAIL FIELD
	sql "SELECT json_extract(data, '\$.$2') FROM leads WHERE email_key = lower('$1')"
}

say "a Spanish export"
lqd import --db "$DB" "$FIX/leads_es.csv"
expect_rc 0 "import leads_es.csv"
expect_out "imported 3 leads" "the summary"
expect_err 'columns ignored (no lead field by that name): "Notas"' "the unknown column is named"
[ "$(sql "SELECT count(*) FROM leads")" = 3 ] || fail "3 leads expected: $(sql "SELECT data FROM leads")"
[ "$(lead_sql jose.nunez@example.es name)|$(lead_sql jose.nunez@example.es company)|$(lead_sql jose.nunez@example.es region)|$(lead_sql jose.nunez@example.es score)|$(lead_sql jose.nunez@example.es campaign)" = "José Núñez|Núñez; Hijos S.A.|Madrid|72|Otoño 2026" ] ||
	fail "José: $(sql "SELECT data FROM leads WHERE email_key = 'jose.nunez@example.es'")"
[ "$(lead_sql zoe@example.ch company)" = 'Keller "Uhren" AG' ] || fail "doubled quotes: $(lead_sql zoe@example.ch company)"
[ "$(sql "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.email_key = 'jose.nunez@example.es'")" = ana ] ||
	fail "the owner column"
[ "$(sql "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.email_key = 'joao@example.com.br'")" = bob ] ||
	fail "the owner column (bob)"
[ "$(sql "SELECT count(*) FROM feed WHERE type = 'lead'")" -ge 3 ] || fail "imported leads are not in the feed"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'import'")" = 1 ] || fail "the import is not audited once"

say "bad rows: named, and nothing imported"
n=$(sql "SELECT count(*) FROM leads")
lqd import --db "$DB" "$FIX/bad_rows.csv"
expect_rc 1 "bad rows"
expect_err 'bad_rows.csv: line 3, column "email"' "the bad email is named"
expect_err 'bad_rows.csv: line 4, column "score"' "the bad score is named"
expect_err "bad_rows.csv: line 5: owner: no active user 'ghost'" "the unknown owner is named"
expect_err "nothing imported: 3 bad rows" "all or nothing"
[ "$(sql "SELECT count(*) FROM leads")" = "$n" ] || fail "a refused file imported leads"
lqd import --db "$DB" "$FIX/bad_rows.csv" --skip-bad --source feria-bilbao
expect_rc 0 "--skip-bad"
expect_out "imported 2 leads" "the good rows"
[ "$(lead_sql ana.v@example.es name)|$(lead_sql ana.v@example.es source)" = "Ana, la de ventas|feria-bilbao" ] ||
	fail "quoted comma or --source: $(sql "SELECT data FROM leads WHERE email_key = 'ana.v@example.es'")"

say "a mapping file, tab-separated"
lqd import --db "$DB" "$FIX/mapped.tsv"
expect_rc 1 "no column names the lead without the mapping"
lqd import --db "$DB" "$FIX/mapped.tsv" --map "$FIX/mapped.map"
expect_rc 0 "with the mapping"
[ "$(lead_sql lucia@example.es name)|$(lead_sql lucia@example.es score)" = "Lucía Fernández|66" ] || fail "mapped: $(sql "SELECT data FROM leads WHERE email_key = 'lucia@example.es'")"

say "duplicates merge and keep the history; a recycled lead comes back new"
start_server
ana=$(login ana ana-pw)
jose=$(sql "SELECT id FROM leads WHERE email_key = 'jose.nunez@example.es'")
as "$ana" POST /ops "{\"ops\": [{\"id\": \"$(uuid)\", \"kind\": \"log_touch\", \"lead\": \"$jose\", \"args\": {\"kind\": \"call\", \"outcome\": \"connected\"}}, {\"id\": \"$(uuid)\", \"kind\": \"set_status\", \"lead\": \"$jose\", \"args\": {\"status\": \"recycle\", \"reason\": \"not_ready\"}}]}"
[ "$(jget '$.results[1].result')" = applied ] || fail "recycle: $(cat "$T/body")"
stop_server
n_history=$(sql "SELECT count(*) FROM activities WHERE lead_id = '$jose'")
printf 'email,phone,score\nJOSE.NUNEZ@example.es,+34 699 999 999,88\n' >"$T/again.csv"
lqd import --db "$DB" "$T/again.csv"
expect_rc 0 "the same lead again"
expect_out "back from nurture: 1" "the summary"
[ "$(sql "SELECT count(*) FROM leads WHERE email_key = 'jose.nunez@example.es'")" = 1 ] || fail "a duplicate was made"
[ "$(lead_sql jose.nunez@example.es status)|$(lead_sql jose.nunez@example.es touches)|$(lead_sql jose.nunez@example.es phone)|$(lead_sql jose.nunez@example.es name)|$(lead_sql jose.nunez@example.es score)" = "new|0|+34 699 999 999|José Núñez|88" ] ||
	fail "merged lead: $(sql "SELECT data FROM leads WHERE id = '$jose'")"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$jose'")" -gt "$n_history" ] || fail "history lost or not added"
[ "$(sql "SELECT count(*) FROM activities WHERE lead_id = '$jose' AND json_extract(data, '\$.kind') = 'call'")" = 1 ] || fail "the call is gone"

say "broken and empty files"
lqd import --db "$DB" "$FIX/unclosed.csv"
expect_rc 1 "an unclosed quote"
expect_err "unclosed.csv: line 2, field 1: the quoted field is not closed" "the line of the broken quote"
: >"$T/empty.csv"
lqd import --db "$DB" "$T/empty.csv"
expect_rc 1 "an empty file"
expect_err "the file is empty" "empty"
lqd import --db "$DB" "$T/nope.csv"
expect_rc 1 "a missing file"
lqd import --db "$DB" "$FIX/leads_es.csv" --delimiter '|'
expect_rc 2 "a bad delimiter"
say "ok"
