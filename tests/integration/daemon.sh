#!/bin/bash
# The daemon foundation end to end with the real binaries: configuration
# test, start, status, reloads good and bad, backup while running, the
# database lock, a too-new database, and a clean SIGTERM.
. tests/integration/lib.sh
setup_conf
trap finish EXIT

out=$("$PLANWATCHD" -n -f "$CONF" 2>&1)
check "-n accepts the shipped configuration" [ "$out" = "configuration OK" ]

"$PLANWATCHD" -nv -f "$CONF" >"$T/dump.conf" 2>/dev/null
out=$("$PLANWATCHD" -n -f "$T/dump.conf" 2>&1)
check "-nv output loads again" [ "$out" = "configuration OK" ]

cp "$CONF" "$T/conf/bad.conf"
echo 'colour = "blue";' >>"$T/conf/bad.conf"
line=$(wc -l <"$T/conf/bad.conf")
out=$("$PLANWATCHD" -n -f "$T/conf/bad.conf" 2>&1)
rc=$?
check "-n exits 1 on an error" [ $rc -eq 1 ]
check "-n names file:line" [ "$out" = "$T/conf/bad.conf:$line: unknown key 'colour' in planwatch.conf" ]

"$PLANWATCHCTL" -f "$CONF" bogus >/dev/null 2>&1
check "planwatchctl usage error exits 2" [ $? -eq 2 ]

out=$($CTL status 2>&1)
rc=$?
check "planwatchctl without a daemon exits 1" [ $rc -eq 1 ]
check "and says the daemon is not running" grep -q "planwatchd is not running" <<<"$out"

check "daemon starts" start_daemon
out=$($CTL status)
check "status answers with the version" grep -q "^planwatchd [0-9]" <<<"$out"
check "status lists organization.conf" grep -q "organization.conf" <<<"$out"
$CTL --json status >"$T/status.json"
check "status --json is JSON with ok=true" /usr/bin/python3 -c \
    'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["ok"] and d["counts"]["roles"]>=6 else 1)' "$T/status.json"

sock_mode=$(stat -c %a "$T/var/control.sock")
check "control socket is mode 0660" [ "$sock_mode" = 660 ]

"$PLANWATCHD" -d -f "$CONF" >"$T/second.log" 2>&1
rc=$?
check "a second daemon on the same database refuses (exit 1)" [ $rc -eq 1 ]
check "and says why" grep -q "in use by another planwatchd" "$T/second.log"

org_hash() {
	$CTL --json status | /usr/bin/python3 -c \
	    'import json,sys; print([f["sha256"] for f in json.load(sys.stdin)["files"] if f["path"].endswith("organization.conf")][0])'
}
h1=$(org_hash)
cp "$T/conf/organization.conf" "$T/org.good"
printf 'roles_extra = 1;\n' >>"$T/conf/organization.conf"
bline=$(wc -l <"$T/conf/organization.conf")
out=$($CTL reload 2>&1)
rc=$?
check "reload with a broken file exits 1" [ $rc -eq 1 ]
check "reload prints file:line" grep -qF "$T/conf/organization.conf:$bline: unknown key 'roles_extra' in organization" <<<"$out"
check "the old configuration stays active" [ "$(org_hash)" = "$h1" ]

n0=$(grep -c "previous configuration stays active" "$T/daemon.log")
kill -HUP "$DPID"
i=0
until [ "$(grep -c "previous configuration stays active" "$T/daemon.log")" -gt "$n0" ] || [ $i -ge 400 ]; do sleep 0.05; i=$((i + 1)); done
check "SIGHUP with a broken file is logged and survived" kill -0 "$DPID"

cp "$T/org.good" "$T/conf/organization.conf"
sed -i 's/name = "Karin Berg"/name = "Karin Bergström"/' "$T/conf/organization.conf"
out=$($CTL reload 2>&1)
check "a good reload swaps" [ $? -eq 0 ]
check "the new file is active" [ "$(org_hash)" != "$h1" ]

cp "$T/rules/templates/sv/reminder.txt" "$T/reminder.good"
echo '{{no.such.placeholder}}' >>"$T/rules/templates/sv/reminder.txt"
tline=$(wc -l <"$T/rules/templates/sv/reminder.txt")
out=$($CTL reload 2>&1)
check "a template with an unknown placeholder fails the reload" [ $? -eq 1 ]
check "naming the template's file:line" grep -qF "$T/rules/templates/sv/reminder.txt:$tline: unknown placeholder" <<<"$out"
cp "$T/reminder.good" "$T/rules/templates/sv/reminder.txt"

# Reloads asked for at once all get an answer; none is refused.
$CTL reload >/dev/null 2>&1 & r1=$!
$CTL reload >/dev/null 2>&1 & r2=$!
kill -HUP "$DPID"
$CTL reload >/dev/null 2>&1
r3=$?
wait $r1; s1=$?
wait $r2; s2=$?
check "concurrent reloads all succeed ($s1 $s2 $r3)" [ "$s1$s2$r3" = 000 ]

out=$($CTL backup nightly.db 2>&1)
check "backup while running" [ $? -eq 0 ]
B="$T/var/backups/nightly.db"
check "into the backup directory: $out" [ "$out" = "backup written to $B" ]
check "the backup opens and is consistent" [ "$(sqlite3 "$B" 'PRAGMA integrity_check')" = ok ]
check "the backup holds the audit trail" [ "$(sqlite3 "$B" "SELECT count(*) FROM audit WHERE action = 'reload'")" -ge 1 ]
check "the audit trail names the backup's file" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT object FROM audit WHERE action = 'backup'")" = "$B" ]
out=$($CTL backup 2>&1)
check "a backup without a name is named by the time: $out" grep -qE "^backup written to $T/var/backups/planwatch-[0-9]{8}-[0-9]{6}\.db\$" <<<"$out"
me=$(id -un)
check "the audit trail names the caller" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM audit WHERE action = 'reload' AND actor = '$me'")" -ge 1 ]
check "the audit trail refuses updates" bash -c "! sqlite3 '$T/var/planwatch.db' 'UPDATE audit SET actor = 1' 2>/dev/null"

stop_daemon
check "SIGTERM exits 0" [ "$DRC" = 0 ]
check "the control socket is removed" [ ! -e "$T/var/control.sock" ]

sqlite3 "$T/var/planwatch.db" 'PRAGMA user_version = 99'
"$PLANWATCHD" -d -f "$CONF" >"$T/newer.log" 2>&1
rc=$?
check "a database newer than the binary is refused" [ $rc -eq 1 ]
check "with a clear message" grep -q "newer than this planwatchd" "$T/newer.log"

# An older database is migrated in place, its rows kept as they were.
rm -f "$T/var/planwatch.db" "$T/var/planwatch.db-wal" "$T/var/planwatch.db-shm"
sqlite3 "$T/var/planwatch.db" <"$TOP/tests/data/store/schema-v5.sql"
rcpt='SELECT group_concat(rowid || ":" || message || ":" || next_attempt || ":" || addr || ":" ||
    state || ":" || attempts || ":" || coalesce(last_reply, "") || ":" ||
    reported, "|") FROM message_rcpt'
before=$(sqlite3 "$T/var/planwatch.db" "$rcpt")
fu='SELECT group_concat(id || ":" || activity || ":" || occurrence || ":" ||
    status || ":" || coalesce(comment, "") || ":" || reported_by || ":" ||
    reported_at, "|") FROM followup'
note='SELECT group_concat(id || ":" || key || ":" || due_at || ":" ||
    coalesce(message, "") || ":" || coalesce(digest_at, ""), "|")
    FROM notification'
fu_before=$(sqlite3 "$T/var/planwatch.db" "$fu")
note_before=$(sqlite3 "$T/var/planwatch.db" "$note")
# On the clock of the moment the fixture was written (its reports came in
# at 2026-11-26 23:45 local time), so their acknowledgement deadlines lie
# ahead and the daemon adds no escalation rows, whatever today's date is.
check "daemon starts on a version 5 database" start_daemon --test-clock=2026-11-26T23:50
stop_daemon
check "and says it migrated it" grep -q "migrated schema from version 5 to 9" "$T/daemon.log"
check "to version 9" [ "$(sqlite3 "$T/var/planwatch.db" 'PRAGMA user_version')" = 9 ]
check "every delivery row kept, rowids and all" [ "$(sqlite3 "$T/var/planwatch.db" "$rcpt")" = "$before" ]
check "every follow-up report kept" [ "$(sqlite3 "$T/var/planwatch.db" "$fu")" = "$fu_before" ]
check "as reports of the whole occurrence, made with planwatchctl" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM followup WHERE part IS NULL AND channel = 'planwatchctl' AND on_behalf_of IS NULL")" = 2 ]
check "every notification kept, the waiting one still waiting" [ "$(sqlite3 "$T/var/planwatch.db" "$note")" = "$note_before" ]
check "and not dropped" [ "$(sqlite3 "$T/var/planwatch.db" "SELECT count(*) FROM notification WHERE dropped IS NULL")" = 2 ]
check "a reopening is a valid follow-up row now" sqlite3 "$T/var/planwatch.db" "INSERT INTO followup (activity, occurrence, status, reported_by, reported_at) VALUES ('skarpnack-2019-01', '', 'reopened', 'x', 1)"
check "an unknown status is still refused" bash -c "! sqlite3 '$T/var/planwatch.db' \"UPDATE followup SET status = 'maybe'\" 2>/dev/null"
check "the migrated database is consistent" [ "$(sqlite3 "$T/var/planwatch.db" 'PRAGMA integrity_check; PRAGMA foreign_key_check')" = ok ]
check "the state check still refuses an unknown state" bash -c "! sqlite3 '$T/var/planwatch.db' \"UPDATE message_rcpt SET state = 'lost'\" 2>/dev/null"
check "the queue index came along" grep -q "message_rcpt_queue" <<<"$(sqlite3 "$T/var/planwatch.db" "EXPLAIN QUERY PLAN SELECT message FROM message_rcpt WHERE state IN ('queued', 'deferred') AND next_attempt <= 1 ORDER BY next_attempt, message")"
