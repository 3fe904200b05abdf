#!/bin/bash
# Delivery through the outbox with real SMTP servers on loopback: a
# server down for 10 minutes of test time, per-recipient 451 and 550,
# the admin's failure digest, header injection through plan data, the
# Maildir transport, and SIGKILL during a batch of 500 messages to
# postfix's smtp-sink (duplicates counted and bounded).
. tests/integration/lib.sh
setup_conf
trap 'pkill -f "smtp-sink.*$T" 2>/dev/null; finish' EXIT
DB="$T/var/planwatch.db"
# The 2019-08-16 08:00 reminders are one message per person.
N=$(awk '$1 == "2019-08-16" { print $NF }' tests/data/rules/skarpnack-2019-2020.golden | sort -u | wc -l)
sent() { sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state = 'sent'"; }
state_of() { sqlite3 "$DB" "SELECT group_concat(DISTINCT state) FROM message_rcpt WHERE addr = '$1'"; }

# --- the server is down for 10 minutes, then back -------------------
check "smtp server starts" start_smtpd
PORT=$SMTP_PORT
stop_smtpd
use_smtp
check "daemon starts at 2019-08-16 07:59" start_daemon --test-clock=2019-08-16T07:59
$CTL debug time set 2019-08-16T08:00 >/dev/null
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state = 'deferred'\") -eq $N ]"
check "with the server down all $N are deferred" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state = 'deferred'")" = "$N" ]
for m in 1 2 3 4 5 6 7 8 9 10; do
	$CTL debug time advance 1m >/dev/null
	wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state = 'sending'\") -eq 0 ]"
done
check "retried with backoff while down, none sent" [ "$(sent)" = 0 ]
check "attempts were made" [ "$(sqlite3 "$DB" 'SELECT max(attempts) FROM message_rcpt')" -ge 2 ]
rm -f "$T/smtpd.out"
/usr/bin/python3 "$TOP/tests/smtpd.py" --port "$PORT" --dump-dir "$T/smtp" >"$T/smtpd.out" 2>&1 &
SMTP_PID=$!
wait_for grep -q '^ready' "$T/smtpd.out"
$CTL debug time advance 1h >/dev/null
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state = 'sent'\") -eq $N ]"
check "back up: all $N delivered" [ "$(sent)" = "$N" ]
check "none twice" [ "$(grep -h '^Message-I[dD]:' "$T"/smtp/*.eml | sort | uniq -d | wc -l)" = 0 ]
check "each exactly once at the server" [ "$(ls "$T"/smtp/*.eml | wc -l)" = "$N" ]
stop_daemon
stop_smtpd

# --- 451, 550 and ok among three recipients; header injection -------
rm -rf "$T/var" "$T/smtp"
check "smtp server restarts" start_smtpd
sed -i "s/port = $PORT;/port = $SMTP_PORT;/" "$CONF"
sed -i -e 's/forebyggande.chef@skarpnack/temp.forebyggande@skarpnack/' \
    -e 's/ifo.chef@skarpnack/perm.ifo@skarpnack/' "$T/conf/organization.conf"
# A title with a line break and a header in it (libconfig "\r\n" escapes).
sed -i '0,/title = "SkarpBrå";/s//title = "SkarpBrå\\r\\nBcc: injected@example.org";/' \
    "$T/conf/plans/skarpnack-2019.conf"
check "daemon starts at 2019-09-06 07:59" start_daemon --test-clock=2019-09-06T07:59
$CTL debug time set 2019-09-06T08:00 >/dev/null
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state IN ('queued', 'sending')\") -eq 0 ]"
check "550: the recipient failed" [ "$(state_of perm.ifo@skarpnack.example.org)" = failed ]
check "451: the recipient is deferred" [ "$(state_of temp.forebyggande@skarpnack.example.org)" = deferred ]
check "the others were delivered" [ "$(state_of stadsdelsdirektor@skarpnack.example.org)" = sent ]
check "the 550 reply is kept" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE addr = 'perm.ifo@skarpnack.example.org' AND last_reply LIKE '550%'")" -ge 1 ]
$CTL outbox --failed >"$T/failed.txt"
check "outbox --failed lists it" grep -q "perm.ifo@skarpnack.example.org" "$T/failed.txt"
# The digest is queued when the failure is recorded; on a test clock
# nothing else runs the outbox until the clock moves (a timer would).
wait_for bash -c "$CTL debug time advance 0 >/dev/null; grep -q 'it-drift@skarpnack.example.org' '$T/smtp/log.jsonl'"
check "the admin gets a failure digest" grep -q 'it-drift@skarpnack.example.org' "$T/smtp/log.jsonl"
id=$(sqlite3 "$DB" "SELECT message FROM message_rcpt WHERE addr = 'perm.ifo@skarpnack.example.org' LIMIT 1")
a1=$(sqlite3 "$DB" "SELECT attempts FROM message_rcpt WHERE message = $id")
out=$($CTL outbox retry "$id")
check "outbox retry requeues it ($out)" [ "$out" = "1 recipient(s) requeued" ]
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT attempts FROM message_rcpt WHERE message = $id\") -gt $a1 ]"
check "and it is tried again" [ "$(sqlite3 "$DB" "SELECT attempts FROM message_rcpt WHERE message = $id")" -gt "$a1" ]
wait_for bash -c "[ \"\$(sqlite3 '$DB' \"SELECT state FROM message_rcpt WHERE message = $id\")\" = failed ]"
nf=$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state = 'failed'")
out=$($CTL outbox retry --failed)
check "outbox retry --failed requeues every failed recipient at once ($out)" [ "$out" = "$nf recipient(s) requeued" ]
check "the audit trail names it" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'outbox-retry' AND object = '$nf failed'")" = 1 ]
check "no header was injected" /usr/bin/python3 - "$T/smtp" <<'PY'
import email, email.policy, os, sys
d = sys.argv[1]
for f in os.listdir(d):
    if f.endswith(".eml"):
        m = email.message_from_bytes(open(os.path.join(d, f), "rb").read(), policy=email.policy.default)
        if "Bcc" in m or any("injected" in str(v) for k, v in m.items() if k != "Subject"):
            sys.exit("%s: injected header" % f)
PY
check "and no one was sent a copy" bash -c "! grep -q 'injected@example.org' '$T/smtp/log.jsonl'"
# On 2019-09-13 the district director's one item is that activity's
# reminder, so its title is in the subject.
$CTL debug time set 2019-09-13T08:00 >/dev/null
wait_for bash -c "grep -l 'stadsdelsdirektor' '$T'/smtp/*.eml | xargs grep -l 'Tertialrapport_2_2019' >/dev/null 2>&1"
/usr/bin/python3 "$TOP/tests/mailparse.py" "$(grep -l 'stadsdelsdirektor' "$T"/smtp/*.eml | xargs grep -l 'Tertialrapport_2_2019' | head -1)" >"$T/parsed.txt" 2>&1
check "the subject decodes back to Swedish, the line break gone" grep -q "^header Subject: Påminnelse: SkarpBrå Bcc: injected@example.org – Tertialrapport 2 2019, senast 2019-09-15" "$T/parsed.txt"
stop_daemon
stop_smtpd

# --- SIGTERM with a session stuck in flight -------------------------
rm -rf "$T/var"
stop_smtpd
check "a stalling smtp server starts" start_smtpd --stall-greeting 60
sed -i "s/port = [0-9]*; starttls = \"off\"; connect_timeout_ms = 2000; greeting_timeout_ms = 2000;/port = $SMTP_PORT; starttls = \"off\"; greeting_timeout_ms = 60000;/" "$CONF"
sed -i 's/^  retry_first_seconds = 60;/  retry_first_seconds = 60;\n  shutdown_wait_seconds = 1;/' "$CONF"
check "daemon starts" start_daemon --test-clock=2019-08-16T07:59
$CTL debug time set 2019-08-16T08:00 >/dev/null
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state = 'sending'\") -gt 0 ]"
t0=$(date +%s%N)
stop_daemon
t1=$(date +%s%N)
check "SIGTERM waits at most shutdown_wait_seconds for a stuck session ($(( (t1 - t0) / 1000000 )) ms)" [ $(( (t1 - t0) / 1000000 )) -lt 5000 ]
check "and exits 0" [ "$DRC" = 0 ]
check "leaving its messages to be retried" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state IN ('sending', 'queued')")" -gt 0 ]
stop_smtpd

# --- the Maildir transport ------------------------------------------
rm -rf "$T/var"
cp "$TOP/conf/planwatch.conf" "$CONF"
sed -i "s/listen = \"127.0.0.1:8025\";/listen = \"127.0.0.1:$HTTP_PORT\";/" "$CONF"
check "daemon starts with the maildir transport" start_daemon --test-clock=2019-08-16T07:59
$CTL debug time set 2019-08-16T08:00 >/dev/null
wait_for bash -c "[ \$(ls '$T/var/mail/new' 2>/dev/null | wc -l) -eq $N ]"
check "$N files in new/" [ "$(ls "$T/var/mail/new" | wc -l)" = "$N" ]
check "none left in tmp/" [ "$(ls "$T/var/mail/tmp" | wc -l)" = 0 ]
check "each file parses as the stored message" /usr/bin/python3 - "$T/var/mail/new" "$DB" <<'PY'
import email, email.policy, os, sqlite3, sys
d, db = sys.argv[1], sys.argv[2]
stored = {}
for mid, data in sqlite3.connect(db).execute("SELECT message_id, data FROM message"):
    stored["<%s>" % mid] = email.message_from_bytes(bytes(data), policy=email.policy.default)
for f in os.listdir(d):
    m = email.message_from_bytes(open(os.path.join(d, f), "rb").read(), policy=email.policy.default)
    s = stored[m["Message-ID"]]
    # Maildir files hold LF line ends; the stored text has CRLF.
    if (m["Subject"] != s["Subject"] or
            m.get_content() != s.get_content().replace("\r\n", "\n")):
        sys.exit("%s differs from the stored message" % f)
PY
stop_daemon

# --- SIGKILL during a batch of 500 messages to smtp-sink -------------
rm -rf "$T/var"
mkdir -p "$T/sink"
# smtp-sink drops to nobody, who must reach the dump directory.
chmod o+x "$T"
chmod 777 "$T/sink"
SINKPORT=$(free_port)
/usr/sbin/smtp-sink -u nobody -d "$T/sink/%Y%m%d%H%M%S." 127.0.0.1:$SINKPORT 100 >/dev/null 2>&1 &
SINK_PID=$!
use_smtp
sed -i "s/port = $SMTP_PORT;/port = $SINKPORT;/" "$CONF"
check "daemon starts at the office" start_daemon --test-clock=2026-11-23T09:00
mkdir -p "$T/var/spool/tmp" "$T/var/spool/new"
for i in $(seq 1 250); do
	printf '{"event_date": "2026-11-20", "unit": "aldreomsorg", "place_type": "aldreboende", "kind": "handelse", "milieu": "okand", "concerns_minor": false, "urgency": "normal", "police_informed": false, "social_services_informed": false, "description": "Rapport %d"}' "$i" >"$T/var/spool/tmp/$i.json"
	mv "$T/var/spool/tmp/$i.json" "$T/var/spool/new/$i.json"
done
wait_for bash -c "[ \$(ls '$T/sink' | wc -l) -ge 40 ]"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
DPID=
at_kill=$(ls "$T/sink" | wc -l)
check "killed mid-batch ($at_kill delivered at the kill)" [ "$at_kill" -lt 500 ]
check "daemon restarts after SIGKILL" start_daemon --test-clock=2026-11-23T09:05
i=0
while [ "$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state <> 'sent'")" != 0 ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
	[ $((i % 50)) = 0 ] && $CTL debug time advance 2m >/dev/null
done
total=$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt")
check "500 alerts in the outbox" [ "$total" = 500 ]
check "every one marked sent" [ "$(sent)" = 500 ]
got=$(grep -h '^Message-I[dD]:' "$T"/sink/* | sort -u | wc -l)
all=$(ls "$T/sink" | wc -l)
dups=$((all - got))
echo "delivery: $dups duplicate(s) after SIGKILL (bound: messages_per_session x max_sessions)"
check "every message reached smtp-sink" [ "$got" = 500 ]
check "duplicates ($dups) within the bound of one batch per session (2 x 10)" [ "$dups" -le 20 ]
kill "$SINK_PID" 2>/dev/null
