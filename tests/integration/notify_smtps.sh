# notify_smtps.sh - e-mail over SMTPS (implicit TLS) with a login read from
# [notify] smtp_credentials: a wrong password leaves the notice pending with
# the server's refusal as its last error; with the right one it is sent.
. "$TOP/tests/lib.sh"

port=$(t_free_port)
/usr/bin/python3 "$TOP/tests/helpers/notify_sinks.py" smtps "$port" "$T_TMP/mail" "$T_CERTS/server.crt" \
	"$T_CERTS/server.key" 120 mestat s3cret-pw 2>"$T_TMP/smtps.log" &
sink=$!
trap 'kill $sink 2>/dev/null; t_stop' EXIT

creds=$T_TMP/smtp.credentials
echo "mestat:wrong" >"$creds"
db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "recompute_interval = 0s" "recompute_delay = 1h"
printf '[notify]\nsmtp_url = smtps://127.0.0.1:%s\nsmtp_from = mestat@ministry.example\nsmtp_credentials = %s\nca_file = %s\ninterval = 1s\n' \
	"$port" "$creds" "$T_CERTS/ca.crt" >>"$conf"
t_up "$conf"

q "insert into mestat.reporter_contact (reporter, channel, address) values ('110000', 'email', 'stats@bj.example')" >/dev/null
q "insert into mestat.reporting_state (reporter, period) values ('110000', '2018Q3');
   select mestat.cycle_log('110000', '2018Q3', 'completed', 'complete', 'token:1', null, now())" >/dev/null
key=cycle:$(q "select max(id) from mestat.reporting_event")
tried() { [ "$(q "select attempts >= 1 and state = 'pending' from mestat.notification where event_key = '$key'")" = t ]; }
sent() { [ "$(q "select state from mestat.notification where event_key = '$key'")" = sent ]; }

t_until 30 tried
expect_match "a wrong SMTP password: the notice stays pending with the refusal as its last error" \
	'^pending\|.*(Login denied|authentication|535)' \
	"$(q "select state || '|' || coalesce(last_error, '') from mestat.notification where event_key = '$key'")"
expect_eq "... and nothing reached the mailbox" 0 "$(cat "$T_TMP"/mail/*.eml 2>/dev/null | grep -c "X-Mestat-Event: $key")"

echo "mestat:s3cret-pw" >"$creds"
q "update mestat.notification set next_attempt_at = now() where event_key = '$key'" >/dev/null # the test's clock
t_until 30 sent
expect_eq "the right password (the file is read at each send): sent over SMTPS" sent \
	"$(q "select state from mestat.notification where event_key = '$key'")"
expect_eq "... one message for the event in the mailbox" 1 "$(cat "$T_TMP"/mail/*.eml | grep -c "X-Mestat-Event: $key")"
expect_match "... addressed to the contact" 'X-Rcpt-To: stats@bj.example' "$(grep -l "X-Mestat-Event: $key" "$T_TMP"/mail/*.eml | xargs cat)"
