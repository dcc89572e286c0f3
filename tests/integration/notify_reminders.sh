# notify_reminders.sh - notices of the reporting cycle reach a local SMTP
# server (STARTTLS, Debian's python3-aiosmtpd) and a local HTTPS webhook:
# a reminder before the due date and one after it, each once; not again
# after kill -9 and a restart, nor with two daemons sending from the same
# database; state changes (completion to the plan office, a return with its
# reason to the province); webhook shapes (generic with an HMAC signature,
# WeCom) and a failing webhook retried later; report.notifications. The
# clock of the reminders is the test's: mestat.notify_due(timestamp).
. "$TOP/tests/lib.sh"

sinks=$TOP/tests/helpers/notify_sinks.py
smtp_port=$(t_free_port)
hook_port=$(t_free_port)
/usr/bin/python3 "$sinks" smtp "$smtp_port" "$T_TMP/mail" "$T_CERTS/server.crt" "$T_CERTS/server.key" 300 \
	2>"$T_TMP/smtp.log" &
smtp_pid=$!
/usr/bin/python3 "$sinks" webhook "$hook_port" "$T_TMP/hook" "$T_CERTS/server.crt" "$T_CERTS/server.key" 300 \
	2>"$T_TMP/hook.log" &
hook_pid=$!
cleanup() { kill "$smtp_pid" "$hook_pid" 2>/dev/null; [ -n "${pid2:-}" ] && kill "$pid2" 2>/dev/null; }
trap cleanup EXIT

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "recompute_interval = 0s" "recompute_delay = 1h"
cat >>"$conf" <<EOF
[notify]
smtp_url = smtp://127.0.0.1:$smtp_port
smtp_from = mestat@ministry.example
ca_file = $T_CERTS/ca.crt
remind_days = 7,1
interval = 1s
EOF
t_up "$conf"

q "insert into mestat.reporter_contact (reporter, channel, address, name) values
     ('110000', 'email', 'stats@bj.example', '北京市统计处'),
     (null, 'email', 'plan-office@ministry.example', '规划办公室');
   insert into mestat.reporter_contact (reporter, channel, address, kind, secret) values
     ('110000', 'webhook', 'https://127.0.0.1:$hook_port/hook/bj', 'generic', 's3cret'),
     ('120000', 'webhook', 'https://127.0.0.1:$hook_port/hook/tj', 'wecom', null),
     ('130000', 'webhook', 'https://127.0.0.1:$hook_port/fail/hb', 'dingtalk', null)" >/dev/null

# mails KEY: how many messages the SMTP server received for event KEY.
mails() {
	/usr/bin/python3 - "$T_TMP/mail" "$1" <<'PY'
import email, glob, sys
n = 0
for f in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_binary_file(open(f, "rb"))
    n += m["X-Mestat-Event"] == sys.argv[2]
print(n)
PY
}
# mail KEY [TO]: "To|Subject|Body" of the first message for KEY (to TO), decoded.
mail() {
	/usr/bin/python3 - "$T_TMP/mail" "$1" "${2:-}" <<'PY'
import email, email.header, glob, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(f, "rb"))
    if m["X-Mestat-Event"] == sys.argv[2] and sys.argv[3] in ("", m["X-Rcpt-To"]):
        subj = str(email.header.make_header(email.header.decode_header(m["Subject"])))
        body = m.get_payload(decode=True).decode("utf-8")
        print(m["X-Rcpt-To"] + "|" + subj + "|" + body.replace("\n", " "))
        break
PY
}
# hooks KEY: the webhook calls received for event KEY, one JSON per line.
hooks() {
	for f in "$T_TMP"/hook/*.json; do
		[ -e "$f" ] && jq -c --arg k "$1" 'select(.headers["X-Mestat-Event"] == $k)' "$f"
	done
}
sent() { [ "$(q "select count(*) from mestat.notification where event_key = '$1' and state = 'sent'")" -ge "$2" ]; }
retried() { [ "$(q "select attempts >= 1 and state = 'pending' from mestat.notification where event_key = '$1'")" = t ]; }
all_sent() { [ "$(q "select count(*) from mestat.notification where event_key like '$1' and channel = 'email' and state <> 'sent'")" = 0 ]; }

# ---- a reminder 7 days before the due date (2018Q3 is due 2018-10-30)

# mestatd stores its [notify] settings at its first round.
settings() { [ "$(q "select value from mestat.setting where name = 'remind_days'")" = "7,1" ]; }
t_until 30 settings

n=$(q "select mestat.notify_due('2018-10-23 09:00+08')")
expect_match "7 days before the due date: reminders written for the reporters with contacts" '^[1-9][0-9]*$' "$n"
t_until 30 sent remind:110000:2018Q3:7 2
expect_eq "Beijing's e-mail reminder arrives once over STARTTLS" 1 "$(mails remind:110000:2018Q3:7)"
m=$(mail remind:110000:2018Q3:7)
expect_match "... to the reporter's address, in Chinese with English below" \
	'^stats@bj.example\|.*2018Q3 数据将于 2018-10-30 截止.*北京市（Beijing, 110000）.*还有 7 天.*is due on 2018-10-30' "$m"
h=$(hooks remind:110000:2018Q3:7)
expect_eq "Beijing's webhook is called once" 1 "$(grep -c . <<<"$h")"
expect_eq "... with the generic JSON" "remind 110000 2018Q3" "$(jq -r '.body | fromjson | "\(.event) \(.reporter) \(.period)"' <<<"$h")"
sig=$(jq -r '.headers["X-Mestat-Signature"]' <<<"$h")
want=$(jq -j .body <<<"$h" | openssl dgst -sha256 -hmac s3cret -r | cut -d' ' -f1)
expect_eq "... signed with HMAC-SHA256 of the body under the contact's secret" "sha256=$want" "$sig"
t_until 30 sent remind:120000:2018Q3:7 1
expect_match "Tianjin's WeCom robot gets a text message" '"msgtype":"text".*2018Q3' \
	"$(hooks remind:120000:2018Q3:7 | jq -r .body)"
t_until 30 retried remind:130000:2018Q3:7
expect_eq "a failing webhook (HTTP 500) stays pending, tried again later" \
	"pending|the webhook answered HTTP 500|true" \
	"$(q "select state || '|' || last_error || '|' || (next_attempt_at > now() + interval '20 seconds') from mestat.notification where event_key = 'remind:130000:2018Q3:7'")"

expect_eq "the same day again: nothing new is written" 0 "$(q "select mestat.notify_due('2018-10-23 18:00+08')")"

# ---- on the due date (after it, by the Beijing calendar) and a week later

q "select mestat.notify_due('2018-10-31 10:00+08')" >/dev/null
t_until 30 sent due:110000:2018Q3 2
expect_eq "after the due date: one due-date notice by e-mail" 1 "$(mails due:110000:2018Q3)"

# ---- kill -9 and restart: nothing is sent twice

kill -KILL "$T_PID"
wait "$T_PID" 2>/dev/null
T_PID=
t_up "$conf" "$T_TMP/mestatd2.log" "mestatd starts again after kill -9"
expect_eq "after the restart, the same day writes nothing new" 0 "$(q "select mestat.notify_due('2018-10-31 11:00+08')")"
q "select mestat.notify_due('2018-11-07 10:00+08')" >/dev/null
t_until 30 sent overdue:110000:2018Q3:1 2
expect_eq "a week overdue: the overdue notice arrives once" 1 "$(mails overdue:110000:2018Q3:1)"
expect_eq "... and the due-date notice was not sent again after the restart" 1 "$(mails due:110000:2018Q3)"
expect_eq "... nor the reminder" 1 "$(mails remind:110000:2018Q3:7)"

# ---- two daemons on one database

conf2=$T_TMP/mestatd2.conf
sed -e "s/^listen = .*/listen = 127.0.0.1:$(t_free_port)/" -e "s/^metrics_listen = .*/metrics_listen = 127.0.0.1:$(t_free_port)/" \
	"$conf" >"$conf2"
"$MESTATD" -c "$conf2" 2>>"$T_TMP/mestatd-second.log" &
pid2=$!
# Events for many reporters at once: both daemons claim from the same queue.
q "insert into mestat.reporter_contact (reporter, channel, address)
   select code, 'email', 'stats@' || code || '.example' from mestat.reporter where code not in ('110000')" >/dev/null
n=$(q "select mestat.notify_due('2019-01-24 10:00+08')")
expect_match "2018Q4 reminders for every reporter" '^[3-9][0-9]$' "$n"
t_until 30 all_sent "remind:%:2018Q4:%"
expect_eq "every 2018Q4 e-mail reminder is sent" 0 \
	"$(q "select count(*) from mestat.notification where event_key like 'remind:%:2018Q4:%' and channel = 'email' and state <> 'sent'")"
dups=$(/usr/bin/python3 - "$T_TMP/mail" <<'PY'
import collections, email, glob, sys
c = collections.Counter()
for f in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_binary_file(open(f, "rb"))
    c[(m["X-Mestat-Event"], m["X-Rcpt-To"])] += 1
print(sum(1 for v in c.values() if v > 1))
PY
)
expect_eq "with two daemons no message reached a mailbox twice" 0 "$dups"
expect_eq "... each notice was claimed by one of the two daemons" t \
	"$(q "select count(distinct claimed_by) between 1 and 2 from mestat.notification where event_key like 'remind:%:2018Q4:%'")"
kill -TERM "$pid2"
wait "$pid2"
pid2=

# ---- state changes

q "insert into mestat.reporting_state (reporter, period, state) values ('110000', '2018Q2', 'open')" >/dev/null
q "select mestat.cycle_log('110000', '2018Q2', 'completed', 'complete', 'token:1', null, now())" >/dev/null
ev=$(q "select max(id) from mestat.reporting_event")
t_until 30 sent "cycle:$ev" 3
expect_match "a completion reaches the plan office" '^plan-office@ministry.example\|.*北京市（Beijing, 110000） 已报告 2018Q2 数据填报完成' \
	"$(mail "cycle:$ev" plan-office@ministry.example)"
expect_match "... its subject names the reporter, the period and the step in both languages" \
	'\|\[mestat\] 北京市 2018Q2 已完成填报，待审核 / Beijing 2018Q2: completed, awaiting acceptance\|' \
	"$(mail "cycle:$ev" plan-office@ministry.example)"
q "select mestat.return_quarter('110000', '2018Q2', '网络零售额高于社会消费品零售总额 / online retail exceeds total retail', '规划处 Li')" >/dev/null
ev=$(q "select max(id) from mestat.reporting_event")
t_until 30 sent "cycle:$ev" 2
expect_match "a return reaches the province with its reason, in Chinese and English" \
	'^stats@bj.example\|.*被 规划处 Li 退回，原因：网络零售额高于社会消费品零售总额.*Reason: 网络零售额' "$(mail "cycle:$ev")"

# ---- a pull source failing longer than source_alert_after (6h)

# Times relative to the database's clock: mestatd itself asks with now().
q "insert into mestat.source_state (name, reporter, url, format, consecutive_failures, last_attempt, last_error)
   values ('zhejiang', '330000', 'https://data.zj.example/q.csv', 'csv', 3, now() - interval '5 hours',
           'HTTP 503 from the province')" >/dev/null
expect_eq "a failing source: failing_since is its first failed attempt" "t" \
	"$(q "select failing_since = last_attempt from mestat.source_state where name = 'zhejiang'")"
expect_eq "failing 5 hours: no alert" 0 \
	"$(q "select mestat.notify_due(now()); select count(*) from mestat.notification where event = 'source_failing'" | tail -n 1)"
q "select mestat.notify_due(now() + interval '2 hours')" >/dev/null
key=$(q "select distinct event_key from mestat.notification where event = 'source_failing'")
t_until 30 sent "$key" 2
expect_match "failing 7 hours: the plan office is told, with the last error" \
	'^plan-office@ministry.example\|.*数据源 zhejiang.*HTTP 503 from the province.*Pull source zhejiang' \
	"$(mail "$key" plan-office@ministry.example)"
expect_eq "... and the province too: two messages for the event" 2 "$(mails "$key")"
q "update mestat.source_state set consecutive_failures = 0, last_success = now() where name = 'zhejiang'" >/dev/null
expect_eq "a source working again has no failing_since" "" \
	"$(q "select failing_since from mestat.source_state where name = 'zhejiang'")"

# ---- a release published

q "select mestat.publish_release('2018Q3')" >/dev/null
released() { [ "$(q "select count(*) from mestat.release where period = '2018Q3'")" -ge 1 ]; }
t_until 30 released
key=release:$(q "select max(id) from mestat.release")
t_until 30 sent "$key" 2
expect_match "a published release reaches the plan office" '^plan-office@ministry.example\|\[mestat\] 2018Q3 季度监测评估结果已发布.*Release 2018Q3 published' \
	"$(mail "$key" plan-office@ministry.example)"

# ---- the record

expect_eq "report.notifications: every notice of the due date is listed as sent" "sent|sent" \
	"$(q "select string_agg(state, '|' order by channel) from report.notifications where event_key = 'due:110000:2018Q3'")"
expect_match "... webhook addresses shown by host only" '^https://127.0.0.1:[0-9]+/…$' \
	"$(q "select address from report.notifications where event_key = 'due:110000:2018Q3' and channel = 'webhook'")"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
