#!/bin/bash
# A yearly revision with the real binaries on a test clock: the reference
# plan runs, a unit head reports a follow-up, the revised plan
# (tests/data/plans/skarpnack-2020.txt, adopted 2020-04-22 before the T1
# 2020 report both plans follow up) is imported with --previous and
# installed with -o.  Continuing activities keep their ids and history,
# no reminder is generated twice, the superseded plan stays readable in
# plan show, and nothing is scheduled from it any more.
. tests/integration/lib.sh
setup_conf
trap finish EXIT
GOLDEN=tests/data/rules/skarpnack-2019-2020.golden

# The user running the test is the coordinator, who may report for anyone.
sed -i "s/user = \"samordnare\";/user = \"$(id -un)\";/" "$T/conf/organization.conf"
check "daemon starts on a test clock" start_daemon --test-clock=2020-04-01T00:00
$CTL debug time set 2020-04-21T12:00 >/dev/null
$CTL followup skarpnack-2019-02 "T1 2020" --status done --comment "Digital mottagning startad" >/dev/null
check "a follow-up is reported under the 2019 plan" [ $? -eq 0 ]

"$PLANWATCHCTL" -f "$CONF" plan import --previous "$T/conf/plans/skarpnack-2019.conf" \
    -o "$T/conf/plans/skarpnack-2020.conf" tests/data/plans/skarpnack-2020.txt 2>"$T/import.err"
check "the revision imports and is written (-o)" [ $? -eq 0 ] && [ -s "$T/conf/plans/skarpnack-2020.conf" ]
check "each match is listed with how sure it is" grep -q '^  continues  skarpnack-2019-02  *95%  Föräldramottagningen$' "$T/import.err"
check "what is new and what is left out too" grep -q '^  new        skarpnack-2020-12 .*Trygghetsvandringar$' "$T/import.err" && grep -q '^  left out   skarpnack-2019-09 .*Skolsociala team$' "$T/import.err"
check "the new plan supersedes the old" grep -q '^  supersedes = "skarpnack-2019";$' "$T/conf/plans/skarpnack-2020.conf"
$CTL debug time set 2020-04-22T09:00 >/dev/null
check "the revised plan is installed by a reload" sh -c "$CTL reload >/dev/null"
$CTL debug time set 2020-06-30T23:00 >/dev/null

$CTL plan list >"$T/list.txt"
check "plan list shows the 19 activities of the revised plan" [ "$(grep -c '^skarpnack-20' "$T/list.txt")" -eq 19 ]
check "and none the revision left out" [ "$(grep -c '^skarpnack-2019-09 ' "$T/list.txt")" -eq 0 ]
# T1 2020 is in both plans: the continuing activity keeps its ledger keys.
grep '  skarpnack-2019-01  T1 2020  ' "$GOLDEN" | sed -E 's/  (to|cc) /  /' | sort >"$T/want.txt"
ledger_lines --activity skarpnack-2019-01 | grep '  T1 2020  ' | sed 's/  late=.*//' | sort >"$T/got.txt"
check "a continuing activity's T1 2020 reminders are the 2019 plan's, each once ($(wc -l <"$T/want.txt"))" diff -u "$T/want.txt" "$T/got.txt"
check "none of them late" [ "$(ledger_lines --activity skarpnack-2019-01 | grep -vc 'late=0$')" -eq 0 ]
check "the follow-up reported under the old plan ends the new plan's ladder (only the 28-day reminder, before it)" \
    [ "$(ledger_lines --activity skarpnack-2019-02 | grep '  T1 2020  ' | cut -d' ' -f1-4)" = "2020-04-16 08:00  checkpoint/28d#0" ]
check "a new activity is followed up at T1 2020 from the day it came" \
    [ "$(ledger_lines --activity skarpnack-2020-12 | grep -c '2020-05-07 08:00  checkpoint/7d#0  skarpnack-2020-12  T1 2020')" -eq 1 ]
check "nothing more is scheduled from the superseded plan (its revision ladder stopped)" \
    [ "$(ledger_lines | grep -c 'skarpnack-2019  revision T1 2020')" -eq 1 ]

$CTL --json plan show skarpnack-2019-02 >"$T/show.json"
check "plan show carries the history across the revision" /usr/bin/python3 - "$T/show.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["activity"]
assert a["plan"] == "skarpnack-2020", a["plan"]
assert [(p["plan"], p["superseded_by"]) for p in a["plans"]] == [
    ("skarpnack-2019", "skarpnack-2020"), ("skarpnack-2020", None)], a["plans"]
assert [(f["occurrence"], f["status"], f["comment"]) for f in a["reports"]] == [
    ("T1 2020", "done", "Digital mottagning startad")], a["reports"]
# The new plan's own view of its T1 2020 shows the same report.
t1 = [o for o in a["followups"] if o["occurrence"] == "T1 2020"]
assert t1 and "Digital mottagning startad" in json.dumps(t1, ensure_ascii=False), t1
assert any(r["rule"] == "checkpoint/28d#0" and r["occurrence"] == "T1 2020" for r in a["ledger"])
PY
$CTL plan show skarpnack-2019-09 >"$T/gone.txt"
check "an activity left out is still shown, read only" grep -q '^superseded   by skarpnack-2020' "$T/gone.txt"
$CTL followup skarpnack-2019-09 "VB 2019" --status done >/dev/null 2>&1
check "but takes no follow-up any more" [ $? -eq 1 ]
