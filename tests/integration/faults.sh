#!/bin/bash
# Fail closed on a full disk: the state directory on a small tmpfs, filled
# while the daemon runs.  Every report answered is stored; once writes
# fail the daemon says it is degraded (status, GET /api/v1/health, the
# log) and answers 503; a description is never shown without its
# "report-read" audit row; when space comes back, all of it recovers by
# itself.  A daemon that cannot write its state at start does not start.
. tests/integration/lib.sh
setup_conf
MOUNTED=
cleanup() {
	stop_daemon
	[ -n "$MOUNTED" ] && umount "$T/var"
	finish
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
mkdir -p "$T/var"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=2m,mode=0700 tmpfs "$T/var" 2>/dev/null; then
	echo "skip: cannot mount a tmpfs here (needs root; CI runs as root)"
	exit 0
fi
MOUNTED=1
sed -i "s/user = \"samordnare\";/user = \"$(id -un)\";/" "$T/conf/organization.conf"
TOKEN=faulttoken-$$-abcdefghijklmnopqrstuvwxyz
HASH=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
sed -i "s/clients = ( );/clients = ( { name = \"intranet\"; token_sha256 = \"$HASH\"; } ); requests_per_minute = 100000;/" "$CONF"
DB=$T/var/planwatch.db
URL=http://127.0.0.1:$HTTP_PORT/api/v1
MARK=Kastanjmarker
printf '{"event_date": "2026-11-20", "unit": "aldreomsorg", "place_type": "aldreboende", "kind": "handelse", "milieu": "vit-makt", "concerns_minor": false, "urgency": "normal", "police_informed": false, "social_services_informed": false, "description": "Klotter %s"}' "$MARK" >"$T/report.json"
post() {
	curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary @"$T/report.json" "$URL/reports"
}
health() { curl -s -o "$T/health" -w '%{http_code}' "$URL/health"; }
reads() { sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'report-read'"; }

check "daemon starts" start_daemon --test-clock=2026-11-23T09:00
check "a report is taken" [ "$(post)" = 201 ]
check "healthy" [ "$(health)" = 200 ]

# The disk fills; reports keep coming until one cannot be stored.
dd if=/dev/zero of="$T/var/filler" bs=4k status=none 2>/dev/null
answered=1
for ((i = 0; i < 2000; i++)); do
	st=$(post)
	[ "$st" = 201 ] || break
	answered=$((answered + 1))
done
check "a report that cannot be stored is answered 503 ($st after $answered)" [ "$st" = 503 ]
check "the answer says to try again" grep -q "try again later" "$T/body"
check "health says degraded" [ "$(health)" = 503 ]
check "with its reason" grep -q '"status":"degraded"' "$T/health"
out=$($CTL status 2>&1)
check "status says degraded: $(grep state <<<"$out")" grep -q "^state     degraded: writes fail: database or disk is full" <<<"$out"
check "and the log" grep -q "degraded: the state cannot be written (database or disk is full)" "$T/daemon.log"
check "the next report is refused at once" [ "$(post)" = 503 ]

# The coordinator asks for a description: no audit row, no description.
$CTL report show 1 >"$T/show" 2>&1
rc=$?
check "report show fails: $(cat "$T/show")" [ $rc -ne 0 ]
check "without the description" bash -c "! grep -q '$MARK' '$T/show'"
check "saying why" grep -q "could not be recorded in the audit trail" "$T/show"
check "no report-read row" [ "$(reads)" = 0 ]
check "the list still works (no description in it)" $CTL report list

# Space again: the daemon finds out by itself and takes reports again.
rm -f "$T/var/filler"
wait_for bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $URL/health)\" = 200 ]"
check "health is ok again" [ "$(health)" = 200 ]
check "the log says so" grep -q "no longer degraded" "$T/daemon.log"
check "reports are taken again" [ "$(post)" = 201 ]
out=$($CTL report show 1 2>&1)
check "the description is shown" grep -q "$MARK" <<<"$out"
check "after its audit row" [ "$(reads)" = 1 ]
stop_daemon
check "the daemon stops cleanly" [ "$DRC" = 0 ]
check "every report answered 201 is stored" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM report')" = $((answered + 1)) ]
check "the database is sound" [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]

# A full disk at start: no start, and no word of having started.
dd if=/dev/zero of="$T/var/filler" bs=4k status=none 2>/dev/null
: >"$T/daemon.log"
start_daemon --test-clock=2026-11-23T09:00
check "the daemon does not start when it cannot write" [ -z "$DPID" ] && [ "${DRC:-0}" != 0 ]
check "it says why: $(tail -n 1 "$T/daemon.log")" grep -q "cannot \(read\|write\): .*free space" "$T/daemon.log"
check "not that the database is damaged" bash -c "! grep -q damaged '$T/daemon.log'"
check "it never said it started" bash -c "! grep -q 'started [0-9]' '$T/daemon.log'"
rm -f "$T/var/filler"
