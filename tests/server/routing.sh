#!/bin/sh
# Routing (leadq/rules.h): `leadqd rules import` and `policy import` refuse a
# bad file whole, naming the line; intake routes a new lead by the first
# rule that matches, to a user or to a team by its mode (direct, round-robin
# by capacity skipping disabled and full reps, single point of contact); the
# choice is in the lead's history; no rule falls back to the team lead.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

setup_org
lqd team add --db "$DB" Norte --tz Europe/Madrid
expect_rc 0 "team add Norte"
for u in carla:rep:Norte dani:rep:Norte eva:rep:Norte nico:lead:Norte; do
	IFS=: read -r login role team <<EOF
$u
EOF
	printf 'pw\n' | "$LEADQD" user add --db "$DB" "$login" --name "User $login" --role "$role" \
		--team "$team" --password-stdin >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 0 "user add $login"
done
sql "UPDATE users SET capacity = 2 WHERE login = 'carla'; UPDATE users SET capacity = 1 WHERE login = 'dani'; UPDATE users SET capacity = 5 WHERE login = 'eva'"

# --- bad files are refused whole ------------------------------------------------
cat >"$T/bad.rules" <<'EOF'
[rule Madrid]
region = Madrid
to = team Iberia

[rule Lost]
country = ES
to = team Nowhere
EOF
lqd rules import --db "$DB" "$T/bad.rules"
expect_rc 1 "rules naming a missing team"
expect_err "line 5" "the line of the rule at fault"
expect_err "Nowhere" "the missing team"
[ "$(sql "SELECT count(*) FROM rule_sets")" = 0 ] || fail "a refused file was kept"
printf '[rule X]\nregion = Madrid\nemployees = lots\nto = team Iberia\n' >"$T/bad2.rules"
lqd rules import --db "$DB" "$T/bad2.rules"
expect_rc 1 "a bad range"
expect_err "line 3" "the line of the bad key"
expect_err "employees" "the key at fault"
lqd rules show --db "$DB"
expect_rc 1 "rules show before any import"

printf '[team Norte]\nrouting = round_robin\non_breach = sometimes\n' >"$T/bad.policy"
lqd policy import --db "$DB" "$T/bad.policy"
expect_rc 1 "a bad policy"
expect_err "line 3" "the line of the bad action"
printf '[team Norte]\nrouting = round_robin\n\n[team Sur]\nrouting = direct\n' >"$T/bad2.policy"
lqd policy import --db "$DB" "$T/bad2.policy"
expect_rc 1 "a policy for a missing team"
expect_err "line 4" "the section of the missing team"
[ "$(sql "SELECT routing FROM teams WHERE name = 'Norte'")" = direct ] ||
	fail "a refused policy file changed a team"

# --- good files -------------------------------------------------------------------
cat >"$T/policy" <<'EOF'
# Norte hands leads out by capacity; Iberia has one dispatcher.
[team Norte]
routing       = round_robin
first_contact = 60
on_breach     = reassign

[team Iberia]
routing    = single_contact
dispatcher = bob
EOF
lqd policy import --db "$DB" "$T/policy"
expect_rc 0 "policy import"
[ "$(sql "SELECT routing || ' ' || on_breach || ' ' || first_contact_minutes FROM teams WHERE name = 'Norte'")" = "round_robin reassign 60" ] ||
	fail "policy not applied: $(sql "SELECT * FROM teams WHERE name = 'Norte'")"
[ "$(sql "SELECT u.login FROM teams t JOIN users u ON u.id = t.dispatcher_id WHERE t.name = 'Iberia'")" = bob ] ||
	fail "no dispatcher"

cat >"$T/rules" <<'EOF'
# First match wins.
[rule VIP]
employees = 1000-
to        = user ana

[rule Norte]
region    = Asturias, Castilla y León
to        = team Norte

[rule Madrid]
region    = Madrid
postal    = 28
to        = team Iberia
EOF
lqd rules import --db "$DB" "$T/rules"
expect_rc 0 "rules import"
expect_out "3" "the count of rules"
lqd rules show --db "$DB"
expect_rc 0 "rules show"
cmp -s "$T/out" "$T/rules" || fail "rules show is not the file imported"

start_server
how() {   # how LEAD_ID: "rule|how" of its routing activity
	sql "SELECT coalesce(json_extract(data, '\$.subject'), '') || '|' || json_extract(data, '\$.detail') FROM activities WHERE lead_id = '$1' AND json_extract(data, '\$.actor') = 'routing'"
}
owner() {
	sql "SELECT coalesce(u.login, '-') FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = '$1'"
}

id=$(add_lead '{"name": "Grande", "email": "g@big.es", "employees": 5000, "region": "Madrid"}')
[ "$(owner "$id")" = ana ] || fail "a rule to a user: owner $(owner "$id")"
[ "$(how "$id")" = "VIP|rule_user" ] || fail "the history of a rule to a user: $(how "$id")"
[ "$(jget '$.results[0].routing.rule')" = VIP ] || fail "the answer does not name the rule: $(cat "$T/body")"

id=$(add_lead '{"name": "Madrileño", "email": "m@x.es", "region": "madrid", "postal_code": "28013"}')
[ "$(owner "$id")" = bob ] || fail "single point of contact: owner $(owner "$id")"
[ "$(how "$id")" = "Madrid|single_contact" ] || fail "single contact history: $(how "$id")"
dispatched=$id
id=$(add_lead '{"name": "Otro", "email": "o@x.es", "region": "Madrid", "postal_code": "08001"}')
[ "$(how "$id")" = "|no_rule" ] || fail "postal prefix must hold too: $(how "$id")"
[ "$(owner "$id")" = marta ] || fail "no rule: the team lead, not $(owner "$id")"

# Round-robin by capacity: carla 2, dani 1, eva 5 (disabled): carla, dani,
# carla, then nobody has room.
lqd user disable --db "$DB" eva
expect_rc 0 "disable eva"
got=
for n in 1 2 3 4; do
	id=$(add_lead "{\"name\": \"Norte $n\", \"email\": \"n$n@x.es\", \"region\": \"Castilla y Leon\"}")
	got="$got $(owner "$id")"
done
[ "$got" = " carla dani carla -" ] || fail "round-robin by capacity gave:$got"
[ "$(how "$id")" = "Norte|no_room" ] || fail "a full team: $(how "$id")"
[ "$(sql "SELECT t.name FROM leads l JOIN teams t ON t.id = l.team_id WHERE l.id = '$id'")" = Norte ] ||
	fail "an unassigned lead keeps its team"

# A routed lead reaches its owner's feed with the routing activity.
tok=$(login carla pw)
as "$tok" GET "/changes?limit=1000"
expect_code 200 "carla's changes"
[ "$(jget '$.changes' | grep -o '"detail":"round_robin"' | wc -l)" -eq 2 ] ||
	fail "carla does not see both routing activities: $(head -c 600 "$T/body")"
# The dispatcher (a rep) hands the team's leads out, within the team only;
# another rep may not.
ana_id=$(sql "SELECT id FROM users WHERE login = 'ana'")
dani_id=$(sql "SELECT id FROM users WHERE login = 'dani'")
reassign_op() { # LEAD OWNER
	printf '{"ops": [{"id": "%s", "kind": "reassign", "lead": "%s", "base_version": 0, "at": "2026-11-24T10:00:00Z", "args": {"owner": "%s"}}]}' \
		"$(uuid)" "$1" "$2"
}
bob=$(login bob bob-pw)
as "$bob" POST /ops "$(reassign_op "$dispatched" "$dani_id")"
[ "$(jget '$.results[0].error.code')" = forbidden ] || fail "the dispatcher gave a lead outside the team: $(cat "$T/body")"
ana=$(login ana ana-pw)
as "$ana" POST /ops "$(reassign_op "$(sql "SELECT id FROM leads WHERE json_extract(data, '\$.name') = 'Grande'")" "$(sql "SELECT id FROM users WHERE login = 'bob'")")"
[ "$(jget '$.results[0].error.code')" = forbidden ] || fail "a rep who is not the dispatcher reassigned: $(cat "$T/body")"

# The client shows it in the lead's timeline, in the user's language.
if [ -n "${LEADQ:-}" ] && [ -x "$LEADQ" ]; then
	export XDG_CONFIG_HOME="$T/cfg" XDG_DATA_HOME="$T/data"
	printf 'pw\n' | "$LEADQ" login "http://127.0.0.1:$PORT" carla --password-stdin >"$T/out" 2>"$T/err" ||
		fail "leadq login: $(cat "$T/err")"
	"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "leadq sync: $(cat "$T/err")"
	first=$(sql "SELECT l.id FROM leads l JOIN users u ON u.id = l.owner_id WHERE u.login = 'carla' LIMIT 1")
	"$LEADQ" show "$first" >"$T/out" 2>"$T/err" || fail "leadq show: $(cat "$T/err")"
	expect_out "routed by rule Norte, round-robin" "the timeline of a routed lead"
	gmo="${LEADQ_TOP_BUILDDIR:-}/po/es.gmo"
	[ -f "$gmo" ] || gmo="$LEADQ_TOP_SRCDIR/po/es.gmo"
	if [ -f "$gmo" ] && locale -a 2>/dev/null | grep -qi '^es_ES\.utf-\?8$'; then
		mkdir -p "$T/locale/es/LC_MESSAGES"
		cp "$gmo" "$T/locale/es/LC_MESSAGES/leadq.mo"
		LANGUAGE=es LC_ALL=es_ES.UTF-8 LEADQ_LOCALEDIR="$T/locale" "$LEADQ" show "$first" >"$T/out" 2>"$T/err"
		expect_out "asignado por la regla Norte, por turnos" "the timeline in Spanish"
	fi
fi
# The dispatcher does it from the client: leadq reassign, then sync.
if [ -n "${LEADQ:-}" ] && [ -x "$LEADQ" ]; then
	export XDG_CONFIG_HOME="$T/cfg-bob" XDG_DATA_HOME="$T/data-bob"
	printf 'bob-pw\n' | "$LEADQ" login "http://127.0.0.1:$PORT" bob --password-stdin >"$T/out" 2>"$T/err" ||
		fail "leadq login bob: $(cat "$T/err")"
	"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "leadq sync (bob): $(cat "$T/err")"
	"$LEADQ" reassign "$dispatched" ana --reason "su zona" >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 0 "the dispatcher's leadq reassign"
	"$LEADQ" sync >"$T/out" 2>"$T/err" || fail "leadq sync after the reassign: $(cat "$T/err")"
	[ "$(owner "$dispatched")" = ana ] || fail "the dispatcher's reassignment did not reach the server"
	export XDG_CONFIG_HOME="$T/cfg" XDG_DATA_HOME="$T/data"
	"$LEADQ" reassign "$first" dani >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 1 "a rep who is not the dispatcher"
	expect_err "only a team lead" "the refusal"
fi
stop_server
say "ok"
