#!/bin/sh
# Mail (src/server/mail.c) through a local SMTP receiver: a lead routed to a
# rep reaches the rep by mail (UTF-8 subject, the lead's name and company);
# with the SMTP server down nothing is lost: the message waits in the queue
# and goes out once it is back; an SLA escalation mails the owner and the
# team lead.  Without --smtp-url nothing is queued.
. "${LEADQ_TOP_SRCDIR:?}/tests/server/lib.sh"

[ -n "${SMTP_SINK:-}" ] && [ -x "$SMTP_SINK" ] || fail "\$SMTP_SINK must name the built smtp_sink"
setup_org
sql "UPDATE users SET email = login || '@example.es'"
mkdir -p "$T/mail"
SINK_PID=
start_sink() {   # [PORT]
	: >"$T/sink.out"
	"$SMTP_SINK" "$T/mail" ${1:-} >"$T/sink.out" 2>"$T/sink.err" &
	SINK_PID=$!
	n=0
	while ! grep -q '^listening on ' "$T/sink.out"; do
		n=$((n + 1))
		[ $n -lt 100 ] || fail "smtp_sink did not start: $(cat "$T/sink.err")"
		sleep 0.05
	done
	SMTP_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/sink.out")
}
stop_sink() {
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=
}
trap 'stop_sink; cleanup' EXIT
# wait_mail N: until N messages were received (about 6 s at most)
wait_mail() {
	n=0
	while [ "$(ls "$T/mail" | grep -c '\.eml$')" -lt "$1" ]; do
		n=$((n + 1))
		[ $n -lt 120 ] || fail "expected $1 messages, got $(ls "$T/mail" | grep -c '\.eml$'); queue: $(sql "SELECT id, to_addr, attempts, error FROM outbound")"
		sleep 0.05
	done
}

# No SMTP server configured: nothing is queued.
start_server
add_lead '{"name": "Sin Correo", "email": "sin@x.es", "owner": "ana"}' >/dev/null
[ "$(sql "SELECT count(*) FROM outbound")" = 0 ] || fail "mail queued without an SMTP server"
stop_server

lqd serve --db "$DB" --smtp-url smtp://127.0.0.1:1
expect_rc 2 "--smtp-url without --smtp-from"

start_sink
start_server --smtp-url "smtp://127.0.0.1:$SMTP_PORT" --smtp-from leadq@example.es
add_lead '{"name": "José Núñez", "company": "Zürich Logística S.L.", "email": "jose@x.es", "owner": "ana"}' >/dev/null
wait_mail 1
msg="$T/mail/0.eml"
grep -q '^RCPT TO:<ana@example.es>' "$msg" || fail "not to ana: $(head -5 "$msg")"
grep -q '^From: leadq@example.es' "$msg" || fail "no From"
grep -q '^Subject: =?UTF-8?B?' "$msg" || fail "the subject is not RFC 2047: $(grep Subject "$msg")"
subject=$(sed -n 's/^Subject: =?UTF-8?B?\(.*\)?=\r*$/\1/p' "$msg" | head -1 | base64 -d 2>/dev/null)
case "$subject" in
"New lead: José Núñez"*) ;;
*) fail "the subject decodes to '$subject'" ;;
esac
grep -q 'Zürich Logística S.L.' "$msg" || fail "the body lacks the company: $(cat "$msg")"
grep -q '^Content-Type: text/plain; charset=UTF-8' "$msg" || fail "no charset"
[ "$(sql "SELECT count(*) FROM outbound WHERE sent_at IS NOT NULL")" = 1 ] || fail "not marked sent"

# The SMTP server goes away: the message waits, then goes once it is back.
stop_sink
add_lead '{"name": "Paciente Espera", "company": "Cola S.A.", "email": "cola@x.es", "owner": "bob"}' >/dev/null
n=0
while [ "$(sql "SELECT attempts FROM outbound WHERE to_addr = 'bob@example.es'")" = 0 ]; do
	n=$((n + 1))
	[ $n -lt 80 ] || fail "no try while the SMTP server was down"
	sleep 0.05
done
[ -n "$(sql "SELECT error FROM outbound WHERE to_addr = 'bob@example.es'")" ] || fail "no error recorded"
[ "$(sql "SELECT sent_at IS NULL FROM outbound WHERE to_addr = 'bob@example.es'")" = 1 ] ||
	fail "marked sent while the SMTP server was down"
start_sink "$SMTP_PORT"
wait_mail 2
grep -q '^RCPT TO:<bob@example.es>' "$T/mail/1.eml" || fail "the waiting message went elsewhere"
grep -q 'Paciente Espera' "$T/mail/1.eml" || fail "the waiting message lost its text"

# An escalation mails the owner and the team lead.
id=$(add_lead '{"name": "Tarde Siempre", "company": "Reloj S.L.", "email": "tarde@x.es", "owner": "ana", "mql_at": "2027-01-04T08:00:00Z"}')
wait_mail 3
stop_server
lqd sweep --db "$DB" --now 2027-01-04T15:00:00Z
expect_rc 0 "sweep"
[ "$(sql "SELECT count(*) FROM outbound WHERE sent_at IS NULL")" = 0 ] ||
	fail "leadqd sweep queued mail without an SMTP server in its config"
printf 'smtp_url = smtp://127.0.0.1:%s\nsmtp_from = leadq@example.es\n' "$SMTP_PORT" >"$T/leadqd.conf"
sql "DELETE FROM sla_actions"
lqd sweep --config "$T/leadqd.conf" --db "$DB" --now 2027-01-04T15:00:00Z
expect_rc 0 "sweep with the config's SMTP server"
[ "$(sql "SELECT group_concat(to_addr, ' ') FROM (SELECT to_addr FROM outbound WHERE sent_at IS NULL AND subject LIKE 'SLA: first contact overdue%' ORDER BY to_addr)")" = "ana@example.es marta@example.es" ] ||
	fail "escalation mail: $(sql "SELECT to_addr, subject FROM outbound")"
start_server --smtp-url "smtp://127.0.0.1:$SMTP_PORT" --smtp-from leadq@example.es
wait_mail 5
grep -l 'Tarde Siempre' "$T/mail"/*.eml | wc -l | grep -q '^[3-9]' || fail "the escalation mails did not go out"
stop_server
say "ok"
