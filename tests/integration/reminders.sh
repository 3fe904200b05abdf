#!/bin/bash
# Reminders end to end with the real daemon on a test clock: the reference
# plan from 2019-05-15 to 2020-06-30 generates exactly the checked golden
# schedule, once, across restarts; follow-up reports and reloads stop
# ladders; downtime gives late reminders or one summary; a broken rule
# file keeps the old rules; upcoming --rules previews an edit.
. tests/integration/lib.sh
setup_conf
trap finish EXIT
GOLDEN=tests/data/rules/skarpnack-2019-2020.golden

ledger_lines() {
	$CTL --json ledger "$@" | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin)["ledger"]:
    print("%s  %s  %s  %s  %s  late=%s" % (r["due"], r["rule"], r["activity"],
          r["occurrence"], r["recipient"], r["late"]))'
}

fresh() {
	stop_daemon
	rm -rf "$T/var"
}

check "daemon starts on a test clock" start_daemon --test-clock=2019-05-15T00:00
out=$($CTL debug time set 2020-06-30T23:59)
check "the test clock moves" [ "$out" = "2020-06-30 23:59" ]
ledger_lines | sed 's/  late=.*//' | sort >"$T/ledger.txt"
sed -E 's/  (to|cc) /  /' "$GOLDEN" | sort >"$T/golden.txt"
check "the ledger equals the golden schedule ($(wc -l <"$GOLDEN") reminders)" diff -u "$T/golden.txt" "$T/ledger.txt"
check "none of them late" [ "$(ledger_lines | grep -vc 'late=0$')" -eq 0 ]
n1=$(sqlite3 "$T/var/planwatch.db" 'SELECT count(*) FROM notification')
m1=$(sqlite3 "$T/var/planwatch.db" 'SELECT count(*) FROM message')
check "one outbox message per notification" [ "$n1" = "$m1" ]
check "messages carry a stable Message-ID per notification" [ "$(sqlite3 "$T/var/planwatch.db" 'SELECT count(DISTINCT message_id) FROM message')" = "$m1" ]

stop_daemon
check "restarted at the same time" start_daemon --test-clock=2020-06-30T23:59
$CTL reload >/dev/null
$CTL debug time advance 1h >/dev/null
check "a restart and a reload generate nothing again" [ "$(sqlite3 "$T/var/planwatch.db" 'SELECT count(*) FROM notification')" = "$n1" ]
$CTL debug time set 2019-06-01T00:00 >/dev/null
$CTL debug time set 2020-06-30T23:59 >/dev/null
check "a clock set back and forward again generates nothing again" [ "$(sqlite3 "$T/var/planwatch.db" 'SELECT count(*) FROM notification')" = "$n1" ]

# Reporting back stops the rest of that ladder.
fresh
start_daemon --test-clock=2019-08-20T00:00 >/dev/null
out=$($CTL followup skarpnack-2019-17 deadline --status done --comment "Rutinerna är införda")
check "followup is recorded" grep -q "skarpnack-2019-17 deadline 2019-09-01: done" <<<"$out"
$CTL followup skarpnack-2019-17 "T9 2019" --status done >/dev/null 2>&1
check "followup at a checkpoint the activity does not have is refused" [ $? -eq 1 ]
$CTL debug time set 2019-09-30T00:00 >/dev/null
steps=$(ledger_lines --activity skarpnack-2019-17 | awk '{print $3}' | sort -u | tr '\n' ' ')
check "reminders before the report went out, overdue and escalation did not ($steps)" [ "$steps" = "deadline/1wd#0 deadline/7d#0 " ]
$CTL followup list >"$T/fl.txt"
check "followup list shows the report" grep -q "skarpnack-2019-17 .*deadline 2019-09-01 .*done" "$T/fl.txt"
$CTL followup list --missing >"$T/missing.txt"
check "followup list --missing lists T2 2019 of activity 01" grep -q "skarpnack-2019-01 .*T2 2019 .*missing" "$T/missing.txt"

# A reload that marks an activity done stops its ladder.
before=$(ledger_lines --activity skarpnack-2019-01 | wc -l)
/usr/bin/python3 - "$T/conf/plans/skarpnack-2019.conf" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
i = s.index('id = "skarpnack-2019-01";')
j = s.index('status = "active";', i)
s = s[:j] + 'status = "done";' + s[j + len('status = "active";'):]
open(p, "w").write(s)
PY
$CTL reload >/dev/null
check "reload accepted" [ $? -eq 0 ]
# A reload that removes an activity altogether stops its ladder too.
before19=$(ledger_lines --activity skarpnack-2019-19 | wc -l)
/usr/bin/python3 - "$T/conf/plans/skarpnack-2019.conf" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index('id = "skarpnack-2019-19";')
start = s.rindex("{", 0, i)
end = s.index("}", i) + 1
# The element and the comma that separates it from the next one.
if s[end:].lstrip().startswith(","):
    end = s.index(",", end) + 1
s = s[:start] + s[end:]
open(p, "w").write(s)
PY
$CTL reload >/dev/null
check "reload without activity 19 accepted" [ $? -eq 0 ]
check "activity 19 is gone from the plan" bash -c "! $CTL plan show skarpnack-2019-19 >/dev/null 2>&1"

$CTL debug time set 2020-06-30T23:59 >/dev/null
check "activity 19 had reminders due later (VB 2019)" grep -q "skarpnack-2019-19  VB 2019" <(sed -E 's/  (to|cc) /  /' "$GOLDEN")
check "but gets none of them after its removal" [ "$(ledger_lines --activity skarpnack-2019-19 | wc -l)" -eq "$before19" ]
check "no reminder for a done activity after the reload" [ "$(ledger_lines --activity skarpnack-2019-01 | wc -l)" -eq "$before" ]

# Downtime of 3 days: late reminders.
fresh
cp "$TOP/conf/plans/skarpnack-2019.conf" "$T/conf/plans/"
start_daemon --test-clock=2019-08-15T00:00 >/dev/null
stop_daemon
start_daemon --test-clock=2019-08-19T00:00 >/dev/null
check "3 days down: the 2019-08-16 reminders are sent late" [ "$(ledger_lines | grep -c '^2019-08-16 08:00 .*late=1$')" -eq 16 ]
check "and marked late in the message" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM message WHERE CAST(data AS TEXT) LIKE '%X-Planwatch-Late: yes%'")" -eq 16 ]

# Downtime of 30 days: one summary to the coordinator instead.
fresh
start_daemon --test-clock=2019-08-15T00:00 >/dev/null
stop_daemon
start_daemon --test-clock=2019-09-20T00:00 >/dev/null
missed=$(ledger_lines | grep -c 'late=2$')
# Due from 2019-08-15 up to 14 days before the restart on 2019-09-20.
want=$(awk '$1 >= "2019-08-15" && $1 < "2019-09-06"' "$GOLDEN" | wc -l)
check "30 days down: the $want reminders past the lateness are not sent one by one ($missed)" [ "$missed" -eq "$want" ]
check "the coordinator gets one summary" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM message WHERE kind = 'missed-summary'")" -eq 1 ]
check "those within the lateness are sent late" [ "$(ledger_lines | grep -c 'late=1$')" -gt 0 ]

# A broken rule file: the old rules keep running; upcoming --rules previews.
cp -r "$T/rules" "$T/rules.new"
sed -i 's/{ id = "28d"; offset = "-28d";/{ id = "21d"; offset = "-21d";/' "$T/rules.new/reminders.conf"
$CTL upcoming --from 2020-04-01 --days 30 >"$T/up-old.txt"
$CTL upcoming --from 2020-04-01 --days 30 --rules "$T/rules.new" >"$T/up-new.txt"
check "upcoming: the shipped 28-day step on 2020-04-16" grep -q "^2020-04-16 08:00  checkpoint/28d" "$T/up-old.txt"
check "upcoming --rules: the edited 21-day step on 2020-04-23" grep -q "^2020-04-23 08:00  checkpoint/21d" "$T/up-new.txt"
check "upcoming --role filters" bash -c "! $CTL upcoming --from 2020-04-01 --days 30 --role avdelningschef-ifo | grep -q forebyggande.chef"
echo 'rules_bogus = 1;' >>"$T/rules/reminders.conf"
bl=$(wc -l <"$T/rules/reminders.conf")
out=$($CTL reload 2>&1)
check "a broken rule file fails the reload" [ $? -eq 1 ]
check "naming file:line" grep -qF "$T/rules/reminders.conf:$bl:" <<<"$out"
$CTL upcoming --from 2020-04-01 --days 30 >"$T/up-after.txt"
check "the old rules keep running" cmp -s "$T/up-old.txt" "$T/up-after.txt"

# A daily digest: one message per person and working day, never empty.
fresh
cp "$TOP/rules/reminders.conf" "$T/rules/reminders.conf"
sed -i 's/digest = "none";/digest = "daily 07:30";/' "$T/rules/reminders.conf"
start_daemon --test-clock=2019-08-16T07:00 >/dev/null
$CTL debug time set 2019-08-19T07:29 >/dev/null
check "digest: nothing sent before the digest time" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM message")" = 0 ]
check "but the notifications are in the ledger" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM notification WHERE digest_at IS NOT NULL")" = 16 ]
$CTL debug time set 2019-08-19T07:31 >/dev/null
q="SELECT count(*) FROM message m JOIN message_rcpt r ON r.message = m.id WHERE m.kind = 'digest' AND r.addr = 'forebyggande.chef@skarpnack.example.org'"
check "one digest to the head of preventive work" [ "$(sqlite3 "$T/var/planwatch.db" "$q")" = 1 ]
check "carrying all ten of that day's reminders" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE m.kind = 'digest' AND n.recipient = 'forebyggande.chef@skarpnack.example.org'")" = 10 ]
check "one message per recipient, none empty" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM message")" = "$(sqlite3 "$T/var/planwatch.db" "SELECT count(DISTINCT recipient) FROM notification")" ]

# A database whose last run is later than the clock (set back, or first
# started on today's clock) goes on from the clock, as the README's demo
# does after `make run`.
fresh
cp "$TOP/rules/reminders.conf" "$T/rules/reminders.conf"
start_daemon --test-clock=2026-11-26T12:00 >/dev/null
stop_daemon
start_daemon --test-clock=2020-04-15T07:00 >/dev/null
$CTL debug time advance 2d >/dev/null
check "after the clock went back, the 2020-04-16 reminders are generated" [ "$(ledger_lines | grep -c '^2020-04-16 08:00')" -gt 0 ]
check "and on time, not late" [ "$(ledger_lines | grep -c 'late=0$')" = "$(ledger_lines | wc -l)" ]

# The test clock is refused on a daemon without one.
fresh
start_daemon >/dev/null
$CTL debug time advance 1d >"$T/refuse.txt" 2>&1
check "debug time is refused without --test-clock" [ $? -eq 1 ]
