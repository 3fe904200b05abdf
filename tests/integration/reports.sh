#!/bin/bash
# Concern reports end to end: the HTTP intake with curl (every refusal,
# and the database unchanged after each), the spool directory, alerts in
# a real SMTP server's mailbox without the description, routing,
# acknowledgement and escalation in test time, closing, disposal and the
# statistics.  A marker word in every description must never appear in
# a mail, a log line or an error body.
. tests/integration/lib.sh
setup_conf
trap finish EXIT
MARK=Vindruvsmarker
DB="$T/var/planwatch.db"

# The caller is the coordinator; an HTTP client with a known token.
sed -i "s/user = \"samordnare\";/user = \"$(id -un)\";/" "$T/conf/organization.conf"
# The district director's role has two people: an escalation reaches both.
sed -i 's/user = "kberg"; }/&, { name = "Olle Berg"; email = "stadsdelsdirektor.stf@skarpnack.example.org"; }/' "$T/conf/organization.conf"
TOKEN=testtoken-$$-abcdefghijklmnopqrstuvwxyz
HASH=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
sed -i "s/clients = ( );/clients = ( { name = \"intranet\"; token_sha256 = \"$HASH\"; } ); max_body_bytes = 4096; max_header_bytes = 2048; request_timeout_ms = 500; requests_per_minute = 40;/" "$CONF"
PORT=$HTTP_PORT
check "smtp server starts" start_smtpd
use_smtp
check "daemon starts (test clock Monday 2026-11-23 09:00)" start_daemon --test-clock=2026-11-23T09:00
URL=http://127.0.0.1:$PORT/api/v1/reports

report() {	# urgency place minor description
	printf '{"event_date": "2026-11-20", "unit": "aldreomsorg", "place_type": "%s", "kind": "handelse", "milieu": "vit-makt", "concerns_minor": %s, "urgency": "%s", "police_informed": false, "social_services_informed": false, "description": "%s"}' "$2" "$3" "$1" "$4"
}
post() {	# body [curl args...]: prints the status, the body to $T/body
	local body=$1
	shift
	curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary "$body" "$@" "$URL"
}
count() { sqlite3 "$DB" 'SELECT count(*) FROM report'; }
no_mark_in_body() { ! grep -q "$MARK" "$T/body"; }

check "health answers" [ "$(curl -s http://127.0.0.1:$PORT/api/v1/health)" = '{"status":"ok"}' ]
st=$(post "$(report normal aldreboende false "Personer försökte intervjua personalen $MARK.")")
check "a good report: 201" [ "$st" = 201 ]
check "with its number and a receipt" /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["number"]==1 and len(d["receipt"])==64 else 1)' "$T/body"
check "stored" [ "$(count)" = 1 ]

n=$(count)
st=$(post "$(report normal aldreboende false "Ring 070-123 45 67 $MARK")")
check "a phone number in the text: 400" [ "$st" = 400 ]
check "naming the field and the kind" grep -q '"field":"description"' "$T/body"
check "without echoing the value" bash -c "! grep -q '070' '$T/body'"
check "in Swedish too, with the kind and a way out" /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["identifier"]=="phone" and "innehåller ett telefonnummer" in d["error_sv"] and "skicka rapporten igen" in d["reason_sv"] else 1)' "$T/body"
st=$(post "$(report normal aldreboende false "Ring 070.123.45.67 eller kalle (at) exempel (punkt) se $MARK")")
check "a phone number written with dots: 400" [ "$st" = 400 ]
st=$(post "$(report normal aldreboende false "Bor på Storg. 12 $MARK")")
check "an abbreviated street address: 400" [ "$st" = 400 ]
st=$(post "$(report normal aldreboende false "Pnr 640823 32 34 $MARK")")
check "an identity number in odd groups: 400" [ "$st" = 400 ]
report normal skola false "Möte 08-12 13-17, kostnad 25000 SEK, parkeringsplatsen 2" >"$T/innocent.json"
check "opening hours, an amount and a parking space pass the guard" $CTL route --dry-run "$T/innocent.json"
body=$(report normal aldreboende false "x")
st=$(post "${body%\}}, \"sven_svensson_bor_pa_storgatan\": true}")
check "an unknown field: 400" [ "$st" = 400 ]
check "placed, not named" /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["position"]==11 and d["field"]=="" and "okänt fält" in d["error_sv"] else 1)' "$T/body"
check "nothing of the name in the answer" bash -c "! grep -qi 'sven\|storgatan' '$T/body'"
st=$(post "$(report normal aldreboende false "Pnr 640823-3234 $MARK")")
check "an identity number: 400" [ "$st" = 400 ]
st=$(post "$(report normal aldreboende false "Pnr 640823-3235, fel kontrollsiffra $MARK")")
check "an identity number with a wrong check digit: 400" [ "$st" = 400 ]
st=$(post '{"event_date": "2026-11-20", "event_date": "2026-11-21"}')
check "duplicate keys: 400" [ "$st" = 400 ]
st=$(post '{"event_date": ')
check "malformed JSON: 400" [ "$st" = 400 ]
st=$(post "$(report normal aldreboende false "$(head -c 5000 /dev/zero | tr '\0' x)")")
check "an oversize body: 413" [ "$st" = 413 ]
st=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H "X-Big: $(head -c 4000 /dev/zero | tr '\0' y)" -H 'Content-Type: application/json' --data-binary '{}' "$URL")
check "oversized headers: 431 ($st)" [ "$st" = 431 ]
st=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer wrong$TOKEN" -H 'Content-Type: application/json' --data-binary "$(report normal skola false "x $MARK")" "$URL")
check "a wrong token: 401" [ "$st" = 401 ]
check "error bodies never hold the marker" no_mark_in_body
st=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' --data-binary "$(report normal skola false "x $MARK")" "$URL")
check "a wrong content type: 415" [ "$st" = 415 ]
# A client that sends one byte and then nothing is cut off.
exec 3<>/dev/tcp/127.0.0.1/$PORT
printf 'P' >&3
t0=$(date +%s%N)
timeout 5 cat <&3 >/dev/null
t1=$(date +%s%N)
exec 3>&-
check "a slow client is cut off after the request timeout ($(( (t1 - t0) / 1000000 )) ms)" [ $(( (t1 - t0) / 1000000 )) -lt 4000 ]
check "the database is unchanged after every refusal" [ "$(count)" = "$n" ]

# The alert reaches the coordinator and the elder-care head by SMTP.
wait_for bash -c "[ \$(grep -c . '$T/smtp/log.jsonl' 2>/dev/null || echo 0) -ge 2 ]"
check "the alerts reached the SMTP server" [ "$(grep -c . "$T/smtp/log.jsonl")" -ge 2 ]
check "to the coordinator" grep -q 'samordnare@skarpnack.example.org' "$T/smtp/log.jsonl"
check "and the elder-care head" grep -q 'aldreomsorg.chef@skarpnack.example.org' "$T/smtp/log.jsonl"
check "no mail holds the description" bash -c "! grep -rq '$MARK' '$T/smtp'"
check "the alert names the report number" /usr/bin/python3 "$TOP/tests/mailparse.py" "$T/smtp/1.eml" >"$T/alert.txt"
check "in its decoded subject" grep -q "nr 1" "$T/alert.txt"

# Routing preview.
report akut skola true "x" >"$T/akut.json"
$CTL route --dry-run "$T/akut.json" >"$T/route.txt"
for who in samordnare@ ifo.chef@ forebyggande.chef@ samordnare.ersattare@ stadsdelsdirektor@; do
	check "route --dry-run of an urgent school report with a minor: $who" grep -q "$who" "$T/route.txt"
done

# The spool directory.
SP="$T/var/spool"
report normal skola false "Klotter vid skolan $MARK" >"$SP/tmp/a.json"
mv "$SP/tmp/a.json" "$SP/new/a.json"
report normal skola false "Adress Storgatan 12 $MARK" >"$SP/tmp/b.json"
mv "$SP/tmp/b.json" "$SP/new/b.json"
report normal skola false "half" >"$SP/tmp/c.json"
wait_for bash -c "[ ! -e '$SP/new/a.json' ] && [ -e '$SP/rejected/b.json.err' ]"
check "a good spool file is stored and removed" [ "$(count)" = 2 ] 
check "a refused one moves to rejected/ with its .err" [ -e "$SP/rejected/b.json" ]
check "the .err names the field, not the value" bash -c "grep -q description '$SP/rejected/b.json.err' && ! grep -q Storgatan '$SP/rejected/b.json.err'"
check "a half-written file in tmp/ is left alone" [ -e "$SP/tmp/c.json" ]
# File names are the writer's text: the log gives a digest, never the name.
body=$(report normal skola false "x")
printf '%s' "${body%\}}, \"sven_svensson_bor_pa_storgatan\": true}" >"$SP/tmp/d.json"
mv "$SP/tmp/d.json" "$SP/new/640823-3234.json"
report normal skola false "Klotter $MARK" >"$SP/tmp/e.json"
mv "$SP/tmp/e.json" "$SP/new/$(printf 'kalle\377\376.json')"
wait_for bash -c "[ -e '$SP/rejected/640823-3234.json.err' ] && [ -z \"\$(ls '$SP/new')\" ]"
check "a spool file with an unknown field is rejected" [ -e "$SP/rejected/640823-3234.json" ]
check "its .err places the field without naming it" bash -c "grep -q 'position 11' '$SP/rejected/640823-3234.json.err' && ! grep -qi sven '$SP/rejected/640823-3234.json.err'"
digest=$(printf %s 640823-3234.json | sha256sum | cut -c1-12)
check "the log names the rejected file by its digest" grep -q "spool: file $digest: rejected" "$T/daemon.log"
check "a stored spool file is logged with its report number" grep -q "spool: file [0-9a-f]*: stored as report [0-9]" "$T/daemon.log"
check "no log line holds a spool file's name" bash -c "! grep -q '640823\|kalle' '$T/daemon.log'"
check "the log is valid UTF-8" /usr/bin/python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/daemon.log"

# Acknowledgement and escalation in test time: report 1 came in on
# Monday 09:00 and is due within 8 working hours, by 17:00.
esc() { sqlite3 "$DB" "SELECT count(*) FROM message m JOIN message_rcpt r ON r.message = m.id WHERE m.kind = 'concern-escalation' AND r.addr = '$1'"; }
# Reports 1 to 3 came in at 09:00 and share the deadline.  Each level is
# one mail to each of its people per report, exactly on the deadline;
# after the last level (the director) nothing more is planned.
escalated() { sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'report-escalated' AND object = 'report 1'"; }
$CTL debug time set 2026-11-23T16:59 >/dev/null
check "no escalation before the deadline" [ "$(esc samordnare.ersattare@skarpnack.example.org)" = 0 ]
$CTL debug time set 2026-11-23T17:00 >/dev/null
check "exactly on the deadline: one mail a report to the deputy" [ "$(esc samordnare.ersattare@skarpnack.example.org)" = 3 ]
check "not yet to the district director" [ "$(esc stadsdelsdirektor@skarpnack.example.org)" = 0 ]
$CTL debug time set 2026-11-24T17:00 >/dev/null
check "another working day later: one a report to the district director" [ "$(esc stadsdelsdirektor@skarpnack.example.org)" = 3 ]
check "and one a report to the role's other person" [ "$(esc stadsdelsdirektor.stf@skarpnack.example.org)" = 3 ]
check "and none more to the deputy" [ "$(esc samordnare.ersattare@skarpnack.example.org)" = 3 ]
check "after the last level no further escalation is planned" [ "$(sqlite3 "$DB" "SELECT escalations || ' ' || ifnull(next_escalation, 'none') FROM report WHERE id = 1")" = "2 none" ]
$CTL debug time set 2026-11-26T17:01 >/dev/null
check "two working days on: still two levels and the same mails" [ "$(escalated) $(esc samordnare.ersattare@skarpnack.example.org) $(esc stadsdelsdirektor@skarpnack.example.org)" = "2 3 3" ]
out=$($CTL report ack 1)
check "report ack" [ $? -eq 0 ]
$CTL report ack 1 >/dev/null 2>&1
check "a second ack is refused" [ $? -eq 1 ]
check "the audit trail has the ack" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'report-ack' AND object = 'report 1'")" = 1 ]

# An urgent report escalates after 2 clock hours, also at night.
$CTL debug time set 2026-11-24T22:00 >/dev/null
st=$(post "$(report akut skola true "Hot mot personal $MARK")")
check "an urgent report: 201" [ "$st" = 201 ]
num=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["number"])' "$T/body")
before=$(esc samordnare.ersattare@skarpnack.example.org)
$CTL debug time set 2026-11-24T23:59 >/dev/null
check "urgent: not escalated before 2 hours" [ "$(esc samordnare.ersattare@skarpnack.example.org)" = "$before" ]
$CTL debug time set 2026-11-25T00:00 >/dev/null
check "urgent: escalated exactly 2 hours later, at night" [ "$(esc samordnare.ersattare@skarpnack.example.org)" = $((before + 1)) ]

out=$($CTL report show "$num")
check "report show gives the coordinator the description" grep -q "$MARK" <<<"$out"
$CTL report close "$num" --outcome polis-informerad >/dev/null
check "report close with an outcome" [ $? -eq 0 ]
check "closing acknowledges too, by the same person at the same time" [ "$(sqlite3 "$DB" "SELECT acked_at = closed_at AND acked_by = closed_by FROM report WHERE id = $num")" = 1 ]
$CTL report close "$num" --outcome bortglömd >/dev/null 2>&1
check "an unknown outcome is refused" [ $? -eq 1 ]
check "report list --open leaves out the closed one" bash -c "! $CTL report list --open | grep -q '^$num '"

# Disposal: the description goes after the retention period.
$CTL report purge --dry-run >"$T/purge.txt"
check "purge --dry-run: nothing yet" grep -q "^0 description" "$T/purge.txt"
$CTL debug time advance 366d >/dev/null
check "the daemon erased the description after the retention period" [ "$(sqlite3 "$DB" "SELECT count(*) FROM report WHERE id = $num AND description IS NULL AND purged_at IS NOT NULL")" = 1 ]
check "open reports keep theirs" [ "$(sqlite3 "$DB" "SELECT count(*) FROM report WHERE closed_at IS NULL AND description IS NOT NULL")" = 3 ]
check "the statistics keep the report" [ "$(count)" = 4 ]
# The period counts from closing: report 1, received more than a year
# ago, keeps its text for a year after it is closed.
$CTL report close 1 --outcome ingen-atgard >/dev/null
$CTL debug time advance 2d >/dev/null
check "a report closed today keeps its description though received long ago" [ "$(sqlite3 "$DB" "SELECT count(*) FROM report WHERE id = 1 AND description IS NOT NULL")" = 1 ]
check "though the disposal ran since it was closed" [ "$(sqlite3 "$DB" "SELECT (SELECT value FROM kv WHERE key = 'reports.purged_at') > closed_at FROM report WHERE id = 1")" = 1 ]

$CTL stats --by milieu >"$T/stats.txt"
check "stats --by milieu counts vit-makt" grep -q "vit-makt *[0-9]" "$T/stats.txt"
$CTL stats --by month --csv >"$T/stats.csv"
check "stats --csv" grep -q "^2026-11,[0-9]" "$T/stats.csv"
$CTL stats --year 2026 >"$T/year.txt"
check "stats --year gives acknowledgement times" grep -q "acknowledged [0-9]*, median" "$T/year.txt"

# Another person sees only the reports routed to them, never the text.
me=$(id -un)
sed -i -e "s/user = \"$me\";/user = \"samordnare\";/" \
    -e "s/user = \"bnystrom\";/user = \"$me\";/" "$T/conf/organization.conf"
$CTL reload >/dev/null
check "reload with the caller as the elder-care head" [ $? -eq 0 ]
$CTL --json report list >"$T/mine.json"
check "report list shows only the reports routed to the caller" /usr/bin/python3 -c '
import json,sys
ids=[r["id"] for r in json.load(open(sys.argv[1]))["reports"]]
sys.exit(0 if ids == ["1"] else 1)' "$T/mine.json"
$CTL --json report show 1 >"$T/show1.json"
check "report show of a routed report: no description" /usr/bin/python3 -c '
import json,sys
r=json.load(open(sys.argv[1]))["report"]
sys.exit(0 if "description" not in r and r["unit"] == "aldreomsorg" else 1)' "$T/show1.json"
check "nor the marker anywhere in it" bash -c "! grep -q '$MARK' '$T/show1.json'"
$CTL report show "$num" >/dev/null 2>&1
check "a report not routed to the caller is refused" [ $? -eq 1 ]
$CTL report ack 2 >/dev/null 2>&1
check "only the coordinator and the deputy acknowledge" [ $? -eq 1 ]

# A spool file found again after it was stored -- the daemon died between
# the commit and the removal, or could not remove it -- is the same
# report: stored and routed once.  A hard link keeps the file, inode and
# times and all, to put back as a crash would have left it.
mails() { sqlite3 "$DB" 'SELECT count(*) FROM message'; }
# The clock is now past 2027-11-27; an event of the day before.
recent() { report normal skola false "Klotter igen $MARK" | sed 's/"2026-11-20"/"2027-11-26"/'; }
mkdir -p "$T/keep"
before=$(count)
recent >"$SP/tmp/f.json"
ln "$SP/tmp/f.json" "$T/keep/f.json"
mv "$SP/tmp/f.json" "$SP/new/f.json"
wait_for bash -c "[ ! -e '$SP/new/f.json' ]"
check "a spool file is stored" [ "$(count)" = $((before + 1)) ]
num=$(sqlite3 "$DB" 'SELECT max(id) FROM report')
sent=$(mails)
mv "$T/keep/f.json" "$SP/new/f.json"
wait_for bash -c "[ ! -e '$SP/new/f.json' ]"
check "found again after it was stored, it is removed, not stored again" [ "$(count)" = $((before + 1)) ]
check "nor routed again" [ "$(mails)" = "$sent" ]
digest=$(printf %s f.json | sha256sum | cut -c1-12)
check "the log says which report it already is" grep -q "spool: file $digest: already stored as report $num\$" "$T/daemon.log"
# Another file of the same name and text is another report.
recent >"$SP/tmp/f.json"
mv "$SP/tmp/f.json" "$SP/new/f.json"
wait_for bash -c "[ ! -e '$SP/new/f.json' ]"
check "a new file of the same name and text is a new report" [ "$(count)" = $((before + 2)) ]

# Over HTTP, a sender that got no answer sends the same request again
# with the same Idempotency-Key: one report, one set of alerts, and the
# second answer says which report it is.
before=$(count)
key='Idempotency-Key: "0c6f2a5e-7d1b-4c8e-9f3a-2b5d8e1c4a70"'
st=$(post "$(recent)" -H "$key")
check "a report with an Idempotency-Key is stored: 201" [ "$st" = 201 ]
cp "$T/body" "$T/first.json"
sent=$(mails)
$CTL debug time advance 10m >/dev/null
st=$(post "$(recent)" -H "$key")
check "the same request again, ten minutes later: 200" [ "$st" = 200 ]
check "with the first answer, receipt and time of receipt and all" /usr/bin/python3 -c '
import json,sys
a=json.load(open(sys.argv[1]))
b=json.load(open(sys.argv[2]))
sys.exit(0 if b == dict(a, already_stored=True) and len(a["receipt"]) == 64 else 1)' "$T/first.json" "$T/body"
check "stored once" [ "$(count)" = $((before + 1)) ]
check "and alerted once" [ "$(mails)" = "$sent" ]
st=$(post "$(recent | sed 's/Klotter igen/Klotter en gång till/')" -H "$key")
check "another report under the same key is a new report: 201" [ "$st" = 201 ]
st=$(post "$(recent)")
check "and so is any report without the header" [ "$st" = 201 ]
check "three new reports: the retried request once, the other body, the one without a key" [ "$(count)" = $((before + 3)) ]
st=$(post "$(recent)" -H 'Idempotency-Key: två ord')
check "a malformed Idempotency-Key is refused: 400" [ "$st" = 400 ]

stop_daemon
check "no log line holds the marker" bash -c "! grep -q '$MARK' '$T/daemon.log'"
check "no mail holds the marker" bash -c "! grep -rq '$MARK' '$T/smtp'"
