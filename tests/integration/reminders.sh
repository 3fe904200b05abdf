#!/bin/bash
# Reminders end to end with the real daemon on a test clock.  The
# reference plan from 2019-05-15 to 2020-06-30 generates exactly the
# checked golden schedule, once, across restarts, as at most one mail per
# person a day.  Then the same year with reports along the way, made by
# the people themselves through the control socket under their own Unix
# users: nobody gets a reminder for what they reported, who may report is
# enforced, the coordinator gets one summary a day, and what `upcoming`
# predicts is exactly what is sent.  Downtime gives late reminders or one
# summary; a broken rule file keeps the old rules; upcoming --rules
# previews an edit; digests.
. tests/integration/lib.sh
setup_conf
trap finish EXIT
GOLDEN=tests/data/rules/skarpnack-2019-2020.golden
DB="$T/var/planwatch.db"

fresh() {
	stop_daemon
	rm -rf "$T/var"
}

# Reminder mails (not concern alerts) per person and local day: prints
# "ADDRESS DAY COUNT" for every pair with more than one.
cat >"$T/volume.py" <<'PY'
import collections, datetime, sqlite3, sys, zoneinfo
db = sqlite3.connect(sys.argv[1])
tz = zoneinfo.ZoneInfo("Europe/Stockholm")
kinds = ("reminder", "overdue", "escalation", "revision", "digest",
         "coordinator-summary")
n = collections.Counter()
for created, addr in db.execute(
        "SELECT m.created_at, r.addr FROM message m JOIN message_rcpt r "
        "ON r.message = m.id WHERE m.kind IN (%s)" % ",".join("?" * len(kinds)),
        kinds):
    n[(addr, datetime.datetime.fromtimestamp(created, tz).date())] += 1
for (addr, day), c in sorted(n.items()):
    if c > 1:
        print(addr, day, c)
PY

check "daemon starts on a test clock" start_daemon --test-clock=2019-05-15T00:00
out=$($CTL debug time set 2020-06-30T23:59)
check "the test clock moves" [ "$out" = "2020-06-30 23:59" ]
ledger_lines | sed 's/  late=.*//' | sort >"$T/ledger.txt"
sed -E 's/  (to|cc) /  /' "$GOLDEN" | sort >"$T/golden.txt"
check "the ledger equals the golden schedule ($(wc -l <"$GOLDEN") reminders)" diff -u "$T/golden.txt" "$T/ledger.txt"
check "none of them late" [ "$(ledger_lines | grep -vc 'late=0$')" -eq 0 ]
n1=$(sqlite3 "$DB" 'SELECT count(*) FROM notification')
m1=$(sqlite3 "$DB" 'SELECT count(*) FROM message')
check "every notification is in exactly one message" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM notification WHERE message IS NOT NULL AND dropped IS NULL')" = "$n1" ]
check "far fewer messages than notifications ($m1 for $n1)" [ "$((m1 * 3))" -lt "$n1" ]
check "at most one reminder mail per person and day" [ -z "$(/usr/bin/python3 "$T/volume.py" "$DB")" ]
check "the coordinator gets summaries, never copies" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message m JOIN message_rcpt r ON r.message = m.id WHERE r.addr = 'samordnare@skarpnack.example.org' AND m.kind <> 'coordinator-summary'")" = 0 ]
check "messages carry a stable Message-ID each" [ "$(sqlite3 "$DB" 'SELECT count(DISTINCT message_id) FROM message')" = "$m1" ]

stop_daemon
check "restarted at the same time" start_daemon --test-clock=2020-06-30T23:59
$CTL reload >/dev/null
$CTL debug time advance 1h >/dev/null
check "a restart and a reload generate nothing again" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM notification')" = "$n1" ]
check "nor write any message again" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM message')" = "$m1" ]
$CTL debug time set 2019-06-01T00:00 >/dev/null
$CTL debug time set 2020-06-30T23:59 >/dev/null
check "a clock set back and forward again generates nothing again" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM notification')" = "$n1" ]
check "nor any message" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM message')" = "$m1" ]

# ---- the same year with reports, made by the people themselves ------
#
# Each person of the organisation gets a Unix user of their own (system
# accounts every Debian has), so the daemon identifies them by the
# socket's peer credentials, as it does in production.  The coordinator
# is the user running the test.
fresh
me=$(id -un)
sed -i -e "s/user = \"samordnare\";/user = \"$me\";/" \
    -e 's/user = "ersattare";/user = "mail";/' \
    -e 's/user = "jek";/user = "daemon";/' \
    -e 's/user = "ahaddad";/user = "bin";/' \
    -e 's/user = "bnystrom";/user = "sys";/' \
    -e 's/user = "pwallin";/user = "games";/' \
    -e 's/user = "kberg";/user = "man";/' \
    -e 's/user = "soberg";/user = "lp";/' "$T/conf/organization.conf"
SOCK="$T/var/control.sock"
open_socket() {
	chmod 755 "$T" "$T/var"
	chmod 666 "$SOCK"
}
# as USER planwatchctl-arguments...: planwatchctl run as that user.
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups \
	    "$PLANWATCHCTL" -s "$SOCK" "$@"
}
# A prediction from now to the end of the run, saved as $T/pN.json with
# the instant it starts at.
np=0
predict() {
	$CTL --json upcoming --days 500 >"$T/p$np.json"
	$CTL --json debug time | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["at"])' >"$T/p$np.at"
	np=$((np + 1))
}
check "daemon starts again on 2019-05-15" start_daemon --test-clock=2019-05-15T00:00
open_socket
predict

$CTL debug time set 2019-08-20T10:00 >/dev/null
out=$(as games followup skarpnack-2019-17 deadline --status done --comment "Rutinerna är införda" 2>&1)
check "the head of administration reports their activity done before its deadline ($out)" [ "$out" = "skarpnack-2019-17 deadline 2019-09-01: done recorded for avdelningschef-administration" ]
out=$(as bin followup skarpnack-2019-10 "T2 2019" --status cancelled 2>&1)
rc=$?
check "another head may not report the district director's activity" [ $rc -eq 1 ]
check "and is told who may ($out)" grep -q "Karin Berg (Stadsdelsdirektör) for their own part; the coordinator Samira Lindqvist and the deputy Erik Holmberg may report on anyone's behalf" <<<"$out"
out=$(as nobody followup skarpnack-2019-10 "T2 2019" --status done 2>&1)
check "nor may someone outside the organisation" grep -q "nobody is not a person of the organisation" <<<"$out"
out=$(as daemon followup skarpnack-2019-01 "Tertialrapport 2 2019" --status cancelled --comment "Ersätts av ny insats" 2>&1)
check "the head of preventive work cancels an activity ($out)" [ $? -eq 0 ]
check "plan list shows it cancelled" grep -q "^skarpnack-2019-01 .*avbruten" <<<"$($CTL plan list)"
check "the audit trail has both reports" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'followup'")" = 2 ]
predict

$CTL debug time set 2019-09-16T12:00 >/dev/null
out=$($CTL followup skarpnack-2019-02 "T2 2019" --status delayed --comment "Personalbrist" 2>&1)
check "the coordinator reports for the head, on their behalf ($out)" [ "$out" = "skarpnack-2019-02 T2 2019: delayed recorded on behalf of avdelningschef-forebyggande" ]
check "recorded as on behalf of Johan Ek" [ "$(sqlite3 "$DB" "SELECT on_behalf_of FROM followup WHERE activity = 'skarpnack-2019-02'")" = "Johan Ek" ]
$CTL followup list >"$T/fl.txt"
check "followup list shows the title, who reported, when, for whom and the comment" grep -q "    försenad 2019-09-16 12:00 av $me (Samira Lindqvist) för Johan Ek: \"Personalbrist\"" "$T/fl.txt"
check "and the report done before the deadline" grep -q "    genomförd 2019-08-20 10:00 av games (Peter Wallin): \"Rutinerna är införda\"" "$T/fl.txt"
predict

$CTL debug time set 2020-02-03T10:00 >/dev/null
out=$(as daemon followup reopen skarpnack-2019-01 2>&1)
check "a head may not reopen" grep -q "only the coordinator" <<<"$out"
out=$($CTL followup reopen skarpnack-2019-01 2>&1)
check "the coordinator reopens the cancelled activity ($out)" [ "$out" = "skarpnack-2019-01 reopened: its reminders go on" ]
check "plan list shows it active again" grep -q "^skarpnack-2019-01 .* aktiv " <<<"$($CTL plan list)"
predict

$CTL debug time set 2020-04-20T10:00 >/dev/null
as daemon followup skarpnack-2019-03 "T1 2020" --status on-track >/dev/null
check "a head reports before the due date" [ $? -eq 0 ]
out=$(as bin followup skarpnack-2019-20 "T1 2020" --status done 2>&1)
check "one department head reports their part of a group activity ($out)" [ "$out" = "skarpnack-2019-20 T1 2020: done recorded for avdelningschef-ifo" ]
out=$($CTL followup skarpnack-2019-20 "T1 2020" --status on-track --for sys 2>&1)
check "the coordinator reports another's part ($out)" [ "$out" = "skarpnack-2019-20 T1 2020: on-track recorded on behalf of avdelningschef-aldreomsorg" ]
$CTL followup list --missing >"$T/missing.txt"
check "followup list --missing lists the group activity" grep -q "^skarpnack-2019-20  " "$T/missing.txt"
$CTL --json followup list --role avdelningschef-forebyggande --missing >"$T/role.json"
check "followup list --role --missing: Johan Ek's missing T2 2019 of activity 03, nothing of 02" /usr/bin/python3 - "$T/role.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["followups"]
keys = {(r["activity"], r["occurrence"]) for r in rows}
assert ("skarpnack-2019-03", "T2 2019") in keys, keys
assert not any(a == "skarpnack-2019-02" and o == "T2 2019" for a, o in keys), keys
assert all(len(r["parts"]) == 1 and r["parts"][0]["role"] == "avdelningschef-forebyggande" for r in rows)
PY
predict

$CTL debug time set 2020-06-30T23:59 >/dev/null
$CTL --json followup list >"$T/final.json"
check "the group activity is partly reported: Johan Ek and Peter Wallin missing" /usr/bin/python3 - "$T/final.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["followups"]:
    if (r["activity"], r["occurrence"]) == ("skarpnack-2019-20", "T1 2020"):
        assert r["state"] == "partial", r
        assert r["missing"] == ["Johan Ek", "Peter Wallin"], r["missing"]
        break
else:
    sys.exit("no row")
PY

# What was sent, against each prediction over the span it covers.
cat >"$T/compare.py" <<'PY'
import email, email.policy, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
kinds = ("reminder", "overdue", "escalation", "revision", "digest",
         "coordinator-summary")
sent = []
for mid, kind, at, addr, data in db.execute(
        "SELECT m.id, m.kind, m.created_at, r.addr, m.data FROM message m "
        "JOIN message_rcpt r ON r.message = m.id"):
    if kind not in kinds:
        continue
    subject = str(email.message_from_bytes(bytes(data),
                  policy=email.policy.default)["Subject"])
    items = frozenset(db.execute("SELECT activity, occurrence FROM "
                                 "notification WHERE message = ?", (mid,)))
    sent.append((at, addr, kind, " ".join(subject.split()), items))
pre = sys.argv[3]
starts = [int(open("%s%d.at" % (pre, i)).read()) for i in range(n)]
starts.append(1 << 62)
bad = 0
for i in range(n):
    lo, hi = starts[i], starts[i + 1]
    want = sorted((m["at"], m["email"], m["template"], m["subject"],
                   frozenset((it["activity"], it["occurrence"])
                             for it in m["items"]))
                  for m in json.load(open("%s%d.json" % (pre, i)))["messages"]
                  if lo <= m["at"] < hi)
    got = sorted(s for s in sent if lo <= s[0] < hi)
    if want != got:
        bad += 1
        print("prediction %d differs:" % i)
        for w in want:
            if w not in got:
                print("  predicted, not sent:", w[:4], sorted(w[4]))
        for g in got:
            if g not in want:
                print("  sent, not predicted:", g[:4], sorted(g[4]))
    else:
        print("prediction %d: %d messages as sent" % (i, len(got)))
sys.exit(1 if bad else 0)
PY
/usr/bin/python3 "$T/compare.py" "$DB" "$np" "$T/p" >"$T/compare.txt" 2>&1
check "every prediction equals what was then sent ($(grep -o '[0-9]* messages' "$T/compare.txt" | tr '\n' ' '))" [ $? -eq 0 ]
grep -v "as sent" "$T/compare.txt" | head -20
# The reports mattered: the first prediction, made before any, is wrong
# about the rest of the year.
cp "$T/p0.json" "$T/q0.json"
cp "$T/p1.at" "$T/q0.at"
check "while the prediction made before the reports is not" bash -c "! /usr/bin/python3 '$T/compare.py' '$DB' 1 '$T/q' >/dev/null 2>&1"

# Nobody heard of an occurrence after reporting it: no message after a
# report carries an item of the reported part to its person -- for that
# occurrence, or for any once the activity was cancelled or completed
# (until it was reopened).
check "no reminder of a reported part after its report" /usr/bin/python3 - "$DB" "$T/conf/organization.conf" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# Role id -> its people's addresses, from the organisation file.
org = open(sys.argv[2]).read()
people = {}
for block in re.findall(r'\{\s*id = "([^"]+)";(.*?)\n  \}', org, re.S):
    people[block[0]] = re.findall(r'people = \(.*?email = "([^"]+)"', block[1], re.S)
rows = db.execute("SELECT activity, occurrence, part, status, reported_at "
                  "FROM followup ORDER BY id").fetchall()
bad = []
for act, occ, part, status, at in rows:
    if status == "reopened":
        continue
    closes = status == "cancelled" or (status == "done" and
                                       occ.split(" ")[0] in ("deadline", "end"))
    reopened = min([r[4] for r in rows if r[0] == act and r[3] == "reopened"
                    and r[4] > at] or [1 << 62])
    for n_occ, rcpt, created in db.execute(
            "SELECT n.occurrence, n.recipient, m.created_at FROM notification n "
            "JOIN message m ON m.id = n.message WHERE n.activity = ? AND "
            "n.capacity = 'responsible' AND m.created_at > ?", (act, at)):
        if part is not None and rcpt not in people.get(part, []):
            continue
        if n_occ == occ or (closes and created < reopened):
            bad.append((act, occ, part, rcpt, created))
if bad:
    sys.exit("reminded after reporting: %r" % bad)
PY
check "nothing at all about the activity done before its deadline" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE n.activity = 'skarpnack-2019-17' AND m.created_at > strftime('%s', '2019-08-20 08:00')")" = 0 ]
check "the cancelled activity is silent until reopened" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE n.activity = 'skarpnack-2019-01' AND m.created_at BETWEEN strftime('%s', '2019-08-20 08:00') AND strftime('%s', '2020-02-03 09:00')")" = 0 ]
check "and reminded again after" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE n.activity = 'skarpnack-2019-01' AND n.occurrence = 'T1 2020' AND n.recipient = 'forebyggande.chef@skarpnack.example.org'")" -ge 3 ]
check "the other heads of the group activity still reminded" [ "$(sqlite3 "$DB" "SELECT group_concat(DISTINCT n.recipient) FROM notification n JOIN message m ON m.id = n.message WHERE n.activity = 'skarpnack-2019-20' AND n.occurrence = 'T1 2020' AND n.capacity = 'responsible' AND m.created_at > strftime('%s', '2020-04-21')" | tr ',' '\n' | sort | tr '\n' ' ')" = "administration.chef@skarpnack.example.org forebyggande.chef@skarpnack.example.org " ]
check "at most one reminder mail per person and day" [ -z "$(/usr/bin/python3 "$T/volume.py" "$DB")" ]
summary=$(sqlite3 "$DB" "SELECT m.id FROM message m JOIN message_rcpt r ON r.message = m.id WHERE r.addr = 'samordnare@skarpnack.example.org' AND m.created_at = strftime('%s', '2020-05-15 06:00')")
sqlite3 "$DB" "SELECT writefile('$T/summary.eml', data) FROM message WHERE id = $summary" >/dev/null
/usr/bin/python3 "$TOP/tests/mailparse.py" "$T/summary.eml" >"$T/summary.txt"
check "the coordinator's summary names who is missing in the group activity" grep -q "Saknas från:    Johan Ek <forebyggande.chef@skarpnack.example.org>, Peter Wallin <administration.chef@skarpnack.example.org>" "$T/summary.txt"
check "and who reported" grep -q "Har rapporterat: Amir Haddad (genomförd 2020-04-20), Birgitta Nyström (pågår enligt plan 2020-04-20)" "$T/summary.txt"
check "and is addressed to her as coordinator" grep -q "som behöver din uppmärksamhet som$" "$T/summary.txt"
check "Swedish mails to unit heads hold no command and no English status" /usr/bin/python3 - "$DB" <<'PY'
import email, email.policy, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for addr, data in db.execute(
        "SELECT r.addr, m.data FROM message m JOIN message_rcpt r ON "
        "r.message = m.id WHERE m.kind <> 'coordinator-summary' AND "
        "r.addr NOT LIKE 'administration.%'"):
    m = email.message_from_bytes(bytes(data), policy=email.policy.default)
    text = str(m["Subject"]) + "\n" + m.get_content()
    for w in ("planwatchctl", "on-track", "deadline", "cancelled", "done",
              "delayed", " T1 20", " T2 20", " VB 20", "end 20"):
        if w in text:
            sys.exit("%s: %r in %s" % (addr, w, m["Subject"]))
PY

# Downtime of 3 days: late reminders.
fresh
cp "$TOP/conf/organization.conf" "$T/conf/"
start_daemon --test-clock=2019-08-15T00:00 >/dev/null
stop_daemon
start_daemon --test-clock=2019-08-19T00:00 >/dev/null
check "3 days down: the 2019-08-16 reminders are sent late" [ "$(ledger_lines | grep -c '^2019-08-16 08:00 .*late=1$')" -eq 16 ]
people=$(sqlite3 "$DB" "SELECT count(DISTINCT recipient) FROM notification WHERE late = 1")
check "one late message per person, marked late ($people)" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message WHERE CAST(data AS TEXT) LIKE '%X-Planwatch-Late: yes%'")" -eq "$people" ]

# Downtime of 30 days: one summary to the coordinator instead.
fresh
start_daemon --test-clock=2019-08-15T00:00 >/dev/null
stop_daemon
start_daemon --test-clock=2019-09-20T00:00 >/dev/null
missed=$(ledger_lines | grep -c 'late=2$')
# Due from 2019-08-15 up to 14 days before the restart on 2019-09-20.
want=$(awk '$1 >= "2019-08-15" && $1 < "2019-09-06"' "$GOLDEN" | wc -l)
check "30 days down: the $want reminders past the lateness are not sent one by one ($missed)" [ "$missed" -eq "$want" ]
check "the coordinator gets one summary" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message WHERE kind = 'missed-summary'")" -eq 1 ]
check "those within the lateness are sent late" [ "$(ledger_lines | grep -c 'late=1$')" -gt 0 ]

# Exactly on the thresholds: a minute behind is on time; exactly
# lateness_days behind goes in the coordinator's summary.
fresh
start_daemon --test-clock=2019-08-15T00:00 >/dev/null
stop_daemon
start_daemon --test-clock=2019-08-16T08:01 >/dev/null
check "a minute behind: the 2019-08-16 reminders on time" [ "$(ledger_lines | grep -c '^2019-08-16 08:00 .*late=0$')" = 16 ]
fresh
start_daemon --test-clock=2019-08-15T00:00 >/dev/null
stop_daemon
start_daemon --test-clock=2019-08-30T08:00 >/dev/null
check "exactly lateness_days behind: the 2019-08-16 reminders summarised" [ "$(ledger_lines | grep -c '^2019-08-16 08:00 .*late=2$')" = 16 ]
check "in one summary" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message WHERE kind = 'missed-summary'")" = 1 ]

# A broken rule file: the old rules keep running; upcoming --rules previews.
cp -r "$T/rules" "$T/rules.new"
sed -i 's/{ id = "28d"; offset = "-28d";/{ id = "21d"; offset = "-21d";/' "$T/rules.new/reminders.conf"
$CTL upcoming --from 2020-04-01 --days 30 >"$T/up-old.txt"
$CTL upcoming --from 2020-04-01 --days 30 --rules "$T/rules.new" >"$T/up-new.txt"
check "upcoming: the shipped 28-day step on 2020-04-16" grep -q "^    checkpoint/28d#0 .* T1 2020" <(sed -n '/^2020-04-16 08:00  Johan Ek/,/^2020-04-1[7-9]/p' "$T/up-old.txt")
check "upcoming --rules: the edited 21-day step on 2020-04-23" grep -q "^    checkpoint/21d#0 .* T1 2020" <(sed -n '/^2020-04-23 08:00  Johan Ek/,/^2020-04-2[4-9]/p' "$T/up-new.txt")
check "upcoming --role filters" bash -c "! $CTL upcoming --from 2020-04-01 --days 30 --role avdelningschef-ifo | grep -q forebyggande.chef"
echo 'rules_bogus = 1;' >>"$T/rules/reminders.conf"
bl=$(wc -l <"$T/rules/reminders.conf")
out=$($CTL reload 2>&1)
check "a broken rule file fails the reload" [ $? -eq 1 ]
check "naming file:line" grep -qF "$T/rules/reminders.conf:$bl:" <<<"$out"
$CTL upcoming --from 2020-04-01 --days 30 >"$T/up-after.txt"
check "the old rules keep running" cmp -s "$T/up-old.txt" "$T/up-after.txt"

# A daily digest: one message per person and working day, never empty,
# and what it says as of when it is written.
fresh
cp "$TOP/rules/reminders.conf" "$T/rules/reminders.conf"
sed -i 's/digest = "none";/digest = "daily 07:30";/' "$T/rules/reminders.conf"
start_daemon --test-clock=2019-08-16T07:00 >/dev/null
$CTL debug time set 2019-08-19T07:29 >/dev/null
check "digest: nothing sent before the digest time" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message")" = 0 ]
check "but the notifications are in the ledger" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification WHERE digest_at IS NOT NULL")" = 16 ]
$CTL debug time set 2019-08-19T07:30 >/dev/null
q="SELECT count(*) FROM message m JOIN message_rcpt r ON r.message = m.id WHERE m.kind = 'digest' AND r.addr = 'forebyggande.chef@skarpnack.example.org'"
check "one digest to the head of preventive work, exactly at 07:30" [ "$(sqlite3 "$DB" "$q")" = 1 ]
check "carrying all ten of that day's reminders" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE m.kind = 'digest' AND n.recipient = 'forebyggande.chef@skarpnack.example.org'")" = 10 ]
check "one message per recipient, none empty" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message")" = "$(sqlite3 "$DB" "SELECT count(DISTINCT recipient) FROM notification")" ]

# A weekly digest: each item once (its latest step), the days counted when
# it is written, what was reported meanwhile dropped, and no reminder
# after its due date.
fresh
cp "$TOP/rules/reminders.conf" "$T/rules/reminders.conf"
sed -i 's/digest = "none";/digest = "weekly monday 07:30";/' "$T/rules/reminders.conf"
sed -i 's/^coordinator_digest = .*$/coordinator_digest = "weekly monday 07:30";/' "$T/rules/reminders.conf"
sed -i "s/user = \"samordnare\";/user = \"$me\";/" "$T/conf/organization.conf"
start_daemon --test-clock=2020-05-01T00:00 >/dev/null
$CTL debug time set 2020-05-08T12:00 >/dev/null
$CTL followup skarpnack-2019-02 "T1 2020" --status on-track >/dev/null
check "weekly: a reminder waits for Monday" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification WHERE activity = 'skarpnack-2019-02' AND rule = 'checkpoint/7d#0' AND message IS NULL")" = 1 ]
$CTL --json upcoming --days 40 >"$T/weekly.json"
$CTL debug time set 2020-06-10T00:00 >/dev/null
check "what was reported meanwhile is dropped, not sent" [ "$(sqlite3 "$DB" "SELECT dropped FROM notification WHERE activity = 'skarpnack-2019-02' AND rule = 'checkpoint/7d#0'")" = reported ]
check "a reminder due before the event never goes out after it" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification WHERE dropped = 'past-due' AND rule LIKE 'checkpoint/1wd%'")" -gt 0 ]
check "none was sent after its event" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE n.rule NOT LIKE '%overdue%' AND n.rule NOT LIKE '%escalation%' AND date(m.created_at, 'unixepoch', 'localtime') > n.event_date")" = 0 ]
check "each activity and occurrence listed once in a message" /usr/bin/python3 - "$DB" "$T/weekly.json" <<'PY'
import email, email.policy, json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (data,) in db.execute("SELECT data FROM message WHERE kind = 'digest'"):
    body = email.message_from_bytes(bytes(data), policy=email.policy.default).get_content().replace("\r\n", "\n")
    pairs = re.findall(r"Aktivitet:\s+(\S+)\n.*\n\s+Uppföljning:\s+(.*)\n", body)
    assert pairs and len(pairs) == len(set(pairs)), (pairs, body)
for m in json.load(open(sys.argv[2]))["messages"]:
    keys = [(i["activity"], i["occurrence"]) for i in m["items"]]
    assert len(keys) == len(set(keys)), keys
PY
sqlite3 "$DB" "SELECT writefile('$T/w.eml', data) FROM message m JOIN message_rcpt r ON r.message = m.id WHERE r.addr = 'forebyggande.chef@skarpnack.example.org' AND m.created_at = strftime('%s', '2020-05-18 05:30')" >/dev/null
/usr/bin/python3 "$TOP/tests/mailparse.py" "$T/w.eml" >"$T/w.txt"
check "figures as of the day it is written" grep -q "Sista dag:    2020-05-14 – FÖRSENAD 4 dagar" "$T/w.txt"

# A database whose last run is later than the clock (set back, or first
# started on today's clock) goes on from the clock, as the README's demo
# does after `make run`.
fresh
cp "$TOP/rules/reminders.conf" "$T/rules/reminders.conf"
start_daemon --test-clock=2026-11-26T12:00 >/dev/null
stop_daemon
start_daemon --test-clock=2020-04-15T07:00 >/dev/null
$CTL debug time advance 2d >/dev/null
want=$(awk '$1 == "2020-04-16" && $2 == "08:00"' "$GOLDEN" | wc -l)
check "after the clock went back, the $want 2020-04-16 reminders are generated" [ "$(ledger_lines | grep -c '^2020-04-16 08:00')" = "$want" ]
check "in one message per person" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message")" = "$(awk '$1 == "2020-04-16" && $2 == "08:00" { print $NF }' "$GOLDEN" | sort -u | wc -l)" ]
check "and on time, not late" [ "$(ledger_lines | grep -c 'late=0$')" = "$(ledger_lines | wc -l)" ]

# The test clock is refused on a daemon without one.
fresh
start_daemon >/dev/null
$CTL debug time advance 1d >"$T/refuse.txt" 2>&1
check "debug time is refused without --test-clock" [ $? -eq 1 ]
