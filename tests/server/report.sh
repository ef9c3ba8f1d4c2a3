#!/bin/sh
# The funnel report against a hand-computed fixture: ten leads written
# straight into the database (their state is what the report reads), one
# of them passed before the period.  leadqd report funnel (CSV, JSON,
# table) and GET /reports/funnel give the figures worked out by hand below;
# the API scopes them (a rep: their own leads; a team lead: the team's;
# an agent: 403).
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
ana_id=$(sql "SELECT id FROM users WHERE login = 'ana'")
bob_id=$(sql "SELECT id FROM users WHERE login = 'bob'")
team_id=$(sql "SELECT id FROM teams WHERE name = 'Iberia'")
n=0
# lead OWNER SOURCE SCORE STATUS REASON AMOUNT MQL FIRST_TOUCH DUE
lead() {
	n=$((n + 1))
	id=$(printf '00000000-0000-4000-8000-%012d' "$n")
	mql=$(date -u -d "$7" +%s)
	sql "INSERT INTO leads (id, owner_id, team_id, status, mql_at, data) VALUES ('$id', '$1', '$team_id', '$4', $mql,
		json_object('id', '$id', 'name', 'Lead $n', 'owner_id', '$1', 'team_id', '$team_id', 'source', '$2', 'campaign', 'Otoño',
		  'score', $3, 'status', '$4', 'reason', nullif('$5', ''), 'amount', $6, 'mql_at', '$7',
		  'first_touch_at', nullif('$8', ''), 'sla_first_due', '$9', 'touches', CASE WHEN '$8' = '' THEN 0 ELSE 1 END))"
}
#    owner    source score status      reason     amount mql                    first touch            first-contact due
lead "$ana_id" web   85 won         ""         50000 2026-11-02T09:00:00Z 2026-11-02T10:00:00Z 2026-11-02T11:00:00Z
lead "$ana_id" web   72 opportunity ""         20000 2026-11-03T09:00:00Z 2026-11-03T13:00:00Z 2026-11-03T11:00:00Z
lead "$ana_id" web   45 recycle     no_budget  0     2026-11-04T09:00:00Z 2026-11-04T11:00:00Z 2026-11-04T10:00:00Z
lead "$ana_id" web   30 new         ""         0     2026-11-05T09:00:00Z ""                   2026-11-05T10:00:00Z
lead "$bob_id" feria 65 qualified   ""         0     2026-11-06T09:00:00Z 2026-11-06T09:30:00Z 2026-11-06T11:00:00Z
lead "$bob_id" feria 10 junk        spam       0     2026-11-07T09:00:00Z 2026-11-07T10:00:00Z 2026-11-07T11:00:00Z
lead "$bob_id" feria 50 unreachable no_answer  0     2026-11-08T09:00:00Z 2026-11-08T12:00:00Z 2026-11-08T11:00:00Z
lead "$bob_id" feria 90 lost        ""         0     2026-11-09T09:00:00Z 2026-11-09T09:10:00Z 2026-11-09T10:00:00Z
lead "$ana_id" web   95 won         ""         99999 2026-10-15T09:00:00Z 2026-10-15T10:00:00Z 2026-10-15T11:00:00Z
lead "$ana_id" web   20 new         ""         0     2026-11-10T09:00:00Z ""                   2030-01-01T10:00:00Z
# By hand, for November 2026 (the October lead is out):
#  web:   passed 5, touched 3 (1 h, 4 h, 2 h: median 2 h, p90 4 h), accepted 2
#         (won, opportunity), opportunities 2, won 1 (50000), recycled 1;
#         SLA decided 4 (the 2030 deadline is still running), met 1 (25 %);
#         touched/passed 60 %, accepted/touched 66.7 %, opp./accepted 100 %,
#         won/opp. 50 %
#  feria: passed 4, touched 4 (30 min, 1 h, 3 h, 10 min: median 30 min,
#         p90 3 h), accepted 2 (qualified, lost), opportunities 1, lost 1,
#         junk 1, unreachable 1; SLA 3 of 4 (75 %); 100, 50, 50, 0 %
#  total: 9 passed, 7 touched (median 1 h, p90 4 h), 4 accepted, 3 opp.,
#         1 won, SLA 4 of 8; 77.8, 57.1, 75, 33.3 %
cat >"$T/want.csv" <<'EOF'
group,passed,touched,accepted,opportunities,won,lost,recycled,junk,unreachable,revenue,ttft_median_s,ttft_p90_s,sla_met,sla_decided,sla_met_pct,conv_touched_pct,conv_accepted_pct,conv_opportunity_pct,conv_won_pct
web,5,3,2,2,1,0,1,0,0,50000,7200,14400,1,4,25.0,60.0,66.7,100.0,50.0
feria,4,4,2,1,0,1,0,1,1,0,1800,10800,3,4,75.0,100.0,50.0,50.0,0.0
total,9,7,4,3,1,1,1,1,1,50000,3600,14400,4,8,50.0,77.8,57.1,75.0,33.3
EOF

say "leadqd report funnel"
lqd report funnel --db "$DB" --by source --from 2026-11-01 --to 2026-11-30 --format csv
expect_rc 0 "report csv"
tr -d '\r' <"$T/out" >"$T/got.csv"
diff -u "$T/want.csv" "$T/got.csv" >"$T/diff" || fail "the report differs from the hand-computed figures: $(cat "$T/diff")"
lqd report funnel --db "$DB" --by source --format csv
tr -d '\r' <"$T/out" | grep -q '^web,6,4,3,3,2,0,1,0,0,149999,' || fail "without a period the October lead counts: $(cat "$T/out")"
lqd report funnel --db "$DB" --by score_band --from 2026-11-01 --to 2026-11-30 --format csv
tr -d '\r' <"$T/out" | cut -d, -f1-4 >"$T/bands"
printf 'group,passed,touched,accepted\n0–19,1,1,0\n20–39,2,0,0\n40–59,2,2,0\n60–79,2,2,2\n80–99,2,2,2\ntotal,9,7,4\n' >"$T/want.bands"
diff -u "$T/want.bands" "$T/bands" >"$T/diff" || fail "score bands: $(cat "$T/diff")"
lqd report funnel --db "$DB" --by rep --from 2026-11-01 --to 2026-11-30
expect_rc 0 "report table"
grep -q '^User ana  *5  *3  *2 ' "$T/out" || fail "table by rep: $(cat "$T/out")"
grep -q '^total  *9  *7  *4  *3  *1  *50000 ' "$T/out" || fail "table total: $(cat "$T/out")"
lqd report funnel --db "$DB" --by colour
expect_rc 2 "a bad breakdown"
lqd report funnel --db "$DB" --from 2026-11-30 --to 2026-11-01
expect_rc 2 "to before from"

say "GET /reports/funnel, scoped"
printf 'agent-pw\n' | "$LEADQD" user add --db "$DB" agent --name Agent --role telequal --team Iberia --password-stdin >/dev/null ||
	fail "user add agent"
start_server
marta=$(login marta marta-pw)
ana=$(login ana ana-pw)
agent=$(login agent agent-pw)
as "$marta" GET "/reports/funnel?by=source&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z"
expect_code 200 "the team lead's report"
[ "$(jget '$.by')|$(jget '$.rows[0].group')|$(jget '$.rows[0].passed')|$(jget '$.rows[0].time_to_first_touch.median_s')|$(jget '$.rows[0].conversion.accepted')|$(jget '$.rows[1].reasons.junk[0].code')|$(jget '$.total.sla.met')/$(jget '$.total.sla.decided')|$(jget '$.total.revenue')" = "source|web|5|7200|66.7|spam|4/8|50000" ] ||
	fail "the JSON report: $(cat "$T/body")"
[ "$(jget '$.total.passed')" = 9 ] || fail "the team lead sees the team's leads: $(cat "$T/body")"
as "$ana" GET "/reports/funnel?by=source&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z"
expect_code 200 "a rep's report"
[ "$(jget '$.total.passed')|$(jget '$.rows[0].group')" = "5|web" ] || fail "a rep sees their own leads only: $(cat "$T/body")"
as "$agent" GET "/reports/funnel"
expect_code 403 "an agent"
as "$marta" GET "/reports/funnel?by=colour"
expect_code 400 "a bad breakdown"
as "$marta" GET "/reports/funnel?from=yesterday"
expect_code 400 "a bad time"
api GET "/reports/funnel"
expect_code 401 "without a token"
stop_server
say "ok"
