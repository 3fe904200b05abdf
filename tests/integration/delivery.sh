#!/bin/bash
# Delivery through the outbox with real SMTP servers on loopback: a
# server down for 10 minutes of test time, per-recipient 451 and 550,
# the admin's failure digest, header injection through plan data, the
# Maildir transport, and SIGKILL again and again while messages are in
# flight to postfix's smtp-sink (duplicates counted per kill and
# bounded by the sessions in flight).
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
# Retries double from a minute, cut to 100 s (not 120).
sed -i 's/^  retry_first_seconds = 60;/  retry_first_seconds = 60;\n  retry_max_seconds = 100;/' "$CONF"
check "daemon starts at 2019-08-16 07:59" start_daemon --test-clock=2019-08-16T07:59
$CTL debug time set 2019-08-16T08:00 >/dev/null
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state = 'deferred'\") -eq $N ]"
check "with the server down all $N are deferred" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state = 'deferred'")" = "$N" ]
T0=$(TZ=Europe/Stockholm date -d "2019-08-16 08:00" +%s)
furthest=0
for m in 1 2 3 4 5 6 7 8 9 10; do
	$CTL debug time advance 1m >/dev/null
	wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state = 'sending'\") -eq 0 ]"
	f=$(sqlite3 "$DB" "SELECT max(next_attempt) - $((T0 + m * 60)) FROM message_rcpt")
	[ "$f" -gt "$furthest" ] && furthest=$f
done
check "retried with backoff while down, none sent" [ "$(sent)" = 0 ]
check "no retry further off than retry_max_seconds and a quarter ($furthest s)" [ "$furthest" -le 125 ]
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
# The 451 recipient is given up an hour after its message was written.
sed -i 's/^  retry_first_seconds = 60;/  retry_first_seconds = 60;\n  give_up_hours = 1;/' "$CONF"
check "daemon starts at 2019-09-06 07:59" start_daemon --test-clock=2019-09-06T07:59
$CTL debug time set 2019-09-06T08:00 >/dev/null
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM message_rcpt WHERE state IN ('queued', 'sending')\") -eq 0 ]"
check "550: the recipient failed" [ "$(state_of perm.ifo@skarpnack.example.org)" = failed ]
check "451: the recipient is deferred" [ "$(state_of temp.forebyggande@skarpnack.example.org)" = deferred ]
check "the others were delivered" [ "$(state_of stadsdelsdirektor@skarpnack.example.org)" = sent ]
check "the 550 reply is kept" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE addr = 'perm.ifo@skarpnack.example.org' AND last_reply LIKE '550%'")" = 1 ]
TEMP="addr = 'temp.forebyggande@skarpnack.example.org'"
check "451: retried retry_first_seconds later, plus at most a quarter" [ "$(sqlite3 "$DB" "SELECT r.attempts, r.next_attempt - m.created_at BETWEEN 60 AND 75 FROM message_rcpt r JOIN message m ON m.id = r.message WHERE $TEMP")" = "1|1" ]
$CTL outbox --failed >"$T/failed.txt"
check "outbox --failed lists it" grep -q "perm.ifo@skarpnack.example.org" "$T/failed.txt"
# The digest is queued when the failure is recorded; on a test clock
# nothing else runs the outbox until the clock moves (a timer would).
wait_for bash -c "$CTL debug time advance 0 >/dev/null; grep -q 'it-drift@skarpnack.example.org' '$T/smtp/log.jsonl'"
check "the admin gets a failure digest" grep -q 'it-drift@skarpnack.example.org' "$T/smtp/log.jsonl"
digests() { grep -c 'it-drift@skarpnack.example.org' "$T/smtp/log.jsonl"; }
check "one digest" [ "$(digests)" = 1 ]
# Exactly give_up_hours after the message was written, the next 451
# gives the recipient up, and the admin hears of it: the digests are
# an hour apart at most, and this is the hour.
$CTL debug time set 2019-09-06T09:00 >/dev/null
wait_for bash -c "$CTL debug time advance 0 >/dev/null; [ \$(grep -c 'it-drift@skarpnack.example.org' '$T/smtp/log.jsonl') = 2 ]"
check "451: given up exactly give_up_hours after" [ "$(sqlite3 "$DB" "SELECT state, last_reply LIKE 'given up after % attempts: 451%' FROM message_rcpt WHERE $TEMP")" = "failed|1" ]
check "a second digest for the admin, an hour after the first" [ "$(digests)" = 2 ]
/usr/bin/python3 "$TOP/tests/mailparse.py" "$(grep -l 'it-drift@skarpnack' "$T"/smtp/*.eml | tail -1)" >"$T/digest2.txt" 2>&1
check "naming the given-up recipient" grep -q 'temp.forebyggande@skarpnack.example.org' "$T/digest2.txt"
id=$(sqlite3 "$DB" "SELECT message FROM message_rcpt WHERE addr = 'perm.ifo@skarpnack.example.org' LIMIT 1")
a1=$(sqlite3 "$DB" "SELECT attempts FROM message_rcpt WHERE message = $id")
out=$($CTL outbox retry "$id")
check "outbox retry requeues it ($out)" [ "$out" = "1 recipient(s) requeued" ]
wait_for bash -c "[ \$(sqlite3 '$DB' \"SELECT attempts FROM message_rcpt WHERE message = $id\") -gt $a1 ]"
check "and it is tried again" [ "$(sqlite3 "$DB" "SELECT attempts FROM message_rcpt WHERE message = $id")" -gt "$a1" ]
wait_for bash -c "[ \"\$(sqlite3 '$DB' \"SELECT state FROM message_rcpt WHERE message = $id\")\" = failed ]"
# Failing again half an hour after the last digest: the next waits for
# the hour.
$CTL debug time advance 30m >/dev/null
$CTL debug time advance 0 >/dev/null
check "no third digest within the hour" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message WHERE kind = 'delivery-failures'")" = 2 ]
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

# --- SIGKILL, again and again, while messages are in flight ---------
# The outbox records a session's results when it ends, and writes each
# acceptance to its journal as the server gives it.  So after a kill only
# a message whose acceptance was on its way back may go out again: at
# most one per session in flight.  Each round: start the daemon on a clock
# a minute before the queue is due (so it sends nothing yet) and compare
# what the database says was sent with what smtp-sink received; then let
# it send, and kill it 10-80 ms later.  A message that reached the sink
# during a round but is not 'sent' after the restart will be sent again:
# that is the round's duplicate count.
# DELIVERY_KILLS and DELIVERY_MESSAGES make it a soak.  sort and comm
# must agree on the order: the C locale's.
export LC_ALL=C
KILLS=${DELIVERY_KILLS:-20}
MESSAGES=${DELIVERY_MESSAGES:-12000}
rm -rf "$T/var"
mkdir -p "$T/sink" "$T/var"
# smtp-sink drops to nobody, who must reach the dump directory.
chmod o+x "$T"
chmod 777 "$T/sink"
SINKPORT=$(free_port)
/usr/sbin/smtp-sink -u nobody -d "$T/sink/%Y%m%d%H%M%S." 127.0.0.1:$SINKPORT 100 >/dev/null 2>&1 &
SINK_PID=$!
use_smtp
sed -i "s/port = $SMTP_PORT;/port = $SINKPORT;/" "$CONF"
BEFORE=2026-11-23T08:59
DUE=2026-11-23T09:00
check "daemon makes its database" start_daemon --test-clock=$BEFORE
stop_daemon
bash "$TOP/tests/outbox-fill.sh" "$DB" "$MESSAGES" "$(TZ=Europe/Stockholm date -d "${DUE/T/ }" +%s)"
mkdir -p "$T/seen"
: >"$T/copies"
# What smtp-sink wrote since the last look (it is idle then: the daemon
# was killed and starts on the early clock), into $T/new, sorted, one
# line per copy; the files move to $T/seen and the copies to $T/copies.
received() {
	ls "$T/sink" >"$T/files"
	(cd "$T/sink" && xargs -r grep -h '^Message-I[dD]:' <"$T/files") |
	    sed 's/.*<\(.*\)>.*/\1/' | sort >"$T/new"
	(cd "$T/sink" && xargs -r mv -t "$T/seen" <"$T/files")
	sort -m -o "$T/copies" "$T/copies" "$T/new"
}
sent_ids() {
	sqlite3 "$DB" "SELECT m.message_id FROM message m JOIN message_rcpt r ON r.message = m.id WHERE r.state = 'sent'" | sort
}
remaining() {
	sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state <> 'sent'"
}
killed=0 inflight_kills=0 worst=0 dups=0 lost=0 inflight=0 most=0 over=0
# After each restart: what the round before the kill left behind.  A
# message that reached the sink in the round yet is not 'sent' now will
# be sent again; one that is 'sent' but never reached the sink is lost.
# At most one duplicate per session in flight: 2 sessions (the default
# max_sessions), fewer when fewer messages were in flight.
account() {
	local d l bound=$((inflight < 2 ? inflight : 2))
	received
	sent_ids >"$T/sent"
	d=$(sort -u "$T/new" | comm -23 - "$T/sent" | wc -l)
	l=$(sort -u "$T/copies" | comm -13 - "$T/sent" | wc -l)
	echo "kill $killed: $inflight in flight, $d duplicate(s), $l lost"
	[ "$d" -gt "$bound" ] && over=$((over + 1))
	dups=$((dups + d)) lost=$((lost + l))
	[ "$d" -gt "$worst" ] && worst=$d
	[ "$inflight" -gt "$most" ] && most=$inflight
}
check "daemon starts on the full queue" start_daemon --test-clock=$BEFORE
while [ "$killed" -lt "$KILLS" ] && [ "$(remaining)" != 0 ]; do
	$CTL debug time set $DUE >/dev/null
	sleep "0.$(printf '%03d' $((10 + RANDOM % 70)))"
	kill -KILL "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
	killed=$((killed + 1))
	inflight=$(sqlite3 "$DB" "SELECT count(*) FROM message_rcpt WHERE state = 'sending'")
	[ "$inflight" -gt 0 ] && inflight_kills=$((inflight_kills + 1))
	start_daemon --test-clock=$BEFORE || break
	account
done
check "killed $killed times, $inflight_kills of them with messages in flight" [ "$inflight_kills" -ge $((KILLS * 3 / 4)) ]
check "at most one duplicate per session in flight at every kill (worst $worst, 2 sessions)" [ "$over" = 0 ]
check "nothing recorded as sent that the server did not get ($lost)" [ "$lost" = 0 ]
check "acceptances were recovered from the journal" grep -q "accepted by the server before a crash are marked sent" "$T/daemon.log"
# The rest goes out; a deferred recipient waits for the clock.
$CTL debug time set $DUE >/dev/null
i=0
while [ "$(remaining)" != 0 ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
	[ $((i % 50)) = 0 ] && $CTL debug time advance 2m >/dev/null
done
stop_daemon
check "every one marked sent" [ "$(sent)" = "$MESSAGES" ]
received
got=$(sort -u "$T/copies" | wc -l)
all=$(wc -l <"$T/copies")
echo "delivery: $killed kills, $inflight_kills with messages in flight (at most $most), $((all - got)) duplicate(s) in all (worst kill $worst), $lost lost"
check "every message reached smtp-sink" [ "$got" = "$MESSAGES" ]
check "each duplicate was counted at its kill ($((all - got)) = $dups)" [ "$((all - got))" = "$dups" ]
kill "$SINK_PID" 2>/dev/null
