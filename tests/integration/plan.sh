#!/bin/bash
# The plan through the real binaries: importing the reference document
# reproduces the shipped plan file; -o writes a plan whole or not at all;
# Word and LibreOffice files import, a PDF is refused; the coordinator
# named as responsible resolves; the running daemon lists the 20
# activities with their deadlines and dated checkpoints; calendar and
# plan show answer; a plan with an unknown role is refused on reload.
. tests/integration/lib.sh
setup_conf
trap finish EXIT

"$PLANWATCHCTL" plan import tests/data/skarpnack-2019.txt >"$T/import.conf" 2>"$T/import.err"
check "plan import exits 0" [ $? -eq 0 ]
check "plan import reproduces conf/plans/skarpnack-2019.conf" cmp -s "$T/import.conf" conf/plans/skarpnack-2019.conf
check "plan import gives the one warning for line 137" \
    [ "$(cat "$T/import.err")" = 'tests/data/skarpnack-2019.txt:137: warning: schedule "T.o.m. 2019-31-12": 2019-31-12 is not a date; read as 2019-12-31 (month and day swapped)' ]
$CTL plan import tests/data/skarpnack-2019.txt >/dev/null 2>"$T/roles.err"
check "with -f every role of the reference resolves" [ "$(grep -c 'is not a role' "$T/roles.err")" -eq 0 ]
"$PLANWATCHCTL" --json plan import tests/data/skarpnack-2019.txt 2>/dev/null >"$T/import.json"
check "plan import --json has 20 activities" /usr/bin/python3 -c \
    'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["activities"])==20 and d["plan"]["revision"]=="T1 2020" else 1)' "$T/import.json"
printf 'Aktivitet\tAnsvarig\tTidplan\tUppföljning\nX\tChef\tSnart\tT1 2020\n' >"$T/bad.txt"
"$PLANWATCHCTL" plan import --year 2020 "$T/bad.txt" >/dev/null 2>"$T/bad.err"
check "plan import refuses an unreadable schedule (exit 1)" [ $? -eq 1 ]
check "naming file, line and value" grep -q "^$T/bad.txt:2: .*Snart" "$T/bad.err"

# -o writes the plan file whole or not at all, never a part.
echo "# the plan file in use" >"$T/conf/plans/x.conf"
"$PLANWATCHCTL" plan import --year 2020 --keep-going "$T/bad.txt" -o "$T/conf/plans/x.conf" 2>"$T/o.err"
check "-o with errors exits 1" [ $? -eq 1 ]
check "and leaves the file in place untouched" [ "$(cat "$T/conf/plans/x.conf")" = "# the plan file in use" ]
check "and says nothing was written" grep -q "nothing written" "$T/o.err"
check "no temporary file is left behind" [ -z "$(ls -A "$T/conf/plans" | grep '^\.')" ]
rm "$T/conf/plans/x.conf"
printf '## Förebyggande\n\nAntagen 2020-03-01\n\nAktivitet\tAnsvarig\tTidplan\tUppföljning\nX\tÖverdirektör\tLöpande\tT2 2020\n' >"$T/role.txt"
$CTL plan import "$T/role.txt" -o "$T/conf/plans/role.conf" 2>"$T/role.err"
check "-f -o with a role the organisation lacks exits 1" [ $? -eq 1 ]
check "and writes nothing" [ ! -e "$T/conf/plans/role.conf" ]
check "naming the role" grep -q "responsible 'Överdirektör' is not a role" "$T/role.err"
# The coordinator as responsible, as plans write it.
printf '## Förebyggande\n\nAntagen 2020-03-01\n\nAktivitet\tAnsvarig\tTidplan\tUppföljning\nX\tSamordnaren mot våldsbejakande extremism\tLöpande\tT2 2020\nY\tSamordnare\t2020-10-01\tVB 2020\n' >"$T/samordnare.txt"
$CTL plan import "$T/samordnare.txt" -o "$T/conf/plans/samordnare.conf" 2>"$T/s.err"
check "-f -o with the coordinator as responsible writes the plan" [ $? -eq 0 ] && [ -s "$T/conf/plans/samordnare.conf" ]
check "the file is readable by the daemon's user (0644)" [ "$(stat -c %a "$T/conf/plans/samordnare.conf")" = 644 ]
check "and it loads" [ "$("$PLANWATCHD" -n -f "$CONF" 2>&1)" = "configuration OK" ]
# Word and LibreOffice documents; a PDF is refused with what to do.
"$PLANWATCHCTL" plan import tests/data/plans/vasterby-2023.odt -o "$T/vasterby.conf" 2>/dev/null
check "an .odt imports" grep -q 'title = "Sommarlovsaktiviteter";' "$T/vasterby.conf"
"$PLANWATCHCTL" --json plan import --keep-going tests/data/plans/bergsvik-2022.docx >/dev/null 2>"$T/docx.err"
check "a .docx names the table and row of an error" grep -q '^tests/data/plans/bergsvik-2022.docx: table 1, row 6: schedule "06-05-2022"' "$T/docx.err"
printf '%%PDF-1.7\n' >"$T/plan.pdf"
"$PLANWATCHCTL" plan import "$T/plan.pdf" 2>"$T/pdf.err"
check "a PDF is refused (exit 1) saying what to do" [ $? -eq 1 ] && grep -q "a PDF cannot be read.*copy each table" "$T/pdf.err"

check "daemon starts" start_daemon
$CTL --json plan show samordnare-01 >"$T/samordnare.json"
check "the coordinator's plan resolves to the coordinator's role" /usr/bin/python3 -c '
import json,sys
a=json.load(open(sys.argv[1]))["activity"]
sys.exit(0 if a["roles"]==["samordnare"] else 1)' "$T/samordnare.json"
rm "$T/conf/plans/samordnare.conf"
$CTL plan list >"$T/list.txt"
check "plan list shows 20 activities" [ "$(grep -c '^skarpnack-2019-' "$T/list.txt")" -eq 20 ]
check "the due date of 20190901 is listed" grep -q '^skarpnack-2019-17 .*2019-09-01' "$T/list.txt"
check "Respektive avdelningschef shows as the group" grep -q '^skarpnack-2019-18 .*avdelningschefer' "$T/list.txt"
$CTL --json plan show skarpnack-2019-09 >"$T/show.json"
check "plan show dates every checkpoint (T2 2019, VB 2019)" /usr/bin/python3 -c '
import json,sys
a=json.load(open(sys.argv[1]))["activity"]
cps=[(c["name"],c["due"]) for c in a["checkpoints"]]
sys.exit(0 if cps==[("T2 2019","2019-09-15"),("VB 2019","2020-02-15")] and a["end"]=="2019-12-31" else 1)' "$T/show.json"
$CTL --json plan show skarpnack-2019-01 >"$T/show1.json"
check "an ongoing activity is followed up until the revision (T1 2020 on its override date)" /usr/bin/python3 -c '
import json,sys
a=json.load(open(sys.argv[1]))["activity"]
sys.exit(0 if [c["name"] for c in a["checkpoints"]]==["T2 2019","VB 2019","T1 2020"] and a["checkpoints"][2]["due"]=="2020-05-14" else 1)' "$T/show1.json"
$CTL plan show no-such-id >/dev/null 2>&1
check "plan show of an unknown id exits 1" [ $? -eq 1 ]
$CTL calendar 2020 >"$T/cal.txt"
check "calendar lists T1 2020 with its override" grep -q "T1 2020 .*due 2020-05-14" "$T/cal.txt"
check "calendar lists Kristi himmelsfärdsdag 2020" grep -q "2020-05-21  Kristi himmelsfärdsdag" "$T/cal.txt"

sed -i 's/"Stadsdelsdirektör"/"Överdirektör"/' "$T/conf/plans/skarpnack-2019.conf"
out=$($CTL reload 2>&1)
check "a plan naming an unknown role is refused on reload" [ $? -eq 1 ]
check "with file:line" grep -q "skarpnack-2019.conf:[0-9]*: activity 'skarpnack-2019-10': responsible 'Överdirektör' is not a role" <<<"$out"
check "the daemon still lists 20 activities" [ "$($CTL plan list | grep -c '^skarpnack-2019-')" -eq 20 ]

# iCalendar export: RFC 5545 structure, all-day dates, stable UIDs.
cp conf/plans/skarpnack-2019.conf "$T/conf/plans/"
$CTL export ics >"$T/all.ics"
check "export ics exits 0" [ $? -eq 0 ]
$CTL export ics --role avdelningschef-ifo >"$T/ifo.ics"
check "export ics is well formed" /usr/bin/python3 - "$T/all.ics" "$T/ifo.ics" <<'PY'
import sys
def parse(path):
    raw = open(path, "rb").read()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n"), "framing"
    lines = raw.split(b"\r\n")[:-1]
    for l in lines:
        assert len(l) <= 75, "line over 75 octets"
        assert b"\n" not in l and b"\r" not in l, "bare line break"
    text = raw.decode("utf-8").replace("\r\n ", "")      # unfold
    events, ev = [], None
    for l in text.split("\r\n"):
        if l == "BEGIN:VEVENT": ev = {}
        elif l == "END:VEVENT": events.append(ev); ev = None
        elif ev is not None and ":" in l:
            k, v = l.split(":", 1); ev[k] = v
    for e in events:
        for k in ("UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"):
            assert k in e, "missing " + k
    uids = [e["UID"] for e in events]
    assert len(uids) == len(set(uids)), "duplicate UID"
    return events
allev, ifo = parse(sys.argv[1]), parse(sys.argv[2])
assert 0 < len(ifo) < len(allev)
assert any(e["UID"] == "skarpnack-2019-17/deadline@skarpnack.example.org" and e["DTSTART;VALUE=DATE"] == "20190901" for e in allev)
assert any(e["UID"] == "skarpnack-2019-01/T1-2020@skarpnack.example.org" and e["DTSTART;VALUE=DATE"] == "20200514" for e in allev)
PY
$CTL export ics >"$T/again.ics"
check "UIDs are the same on every export" cmp -s <(grep ^UID "$T/all.ics") <(grep ^UID "$T/again.ics")
$CTL export ics --role no-such-role >/dev/null 2>&1
check "an unknown role is refused" [ $? -eq 1 ]
