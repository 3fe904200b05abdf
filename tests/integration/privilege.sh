#!/bin/bash
# Least privilege, as the installed daemon runs: its own user, the control
# socket in a runtime directory for a group the unit heads belong to, an
# admin group.  Users made here (useradd, removed at the end) play the
# daemon, a unit head, the coordinator and an admin; each runs the real
# planwatchctl as itself (runuser).  The data must be the daemon's alone
# whatever the umask, the admin commands refused (and audited) for anyone
# else, a backup unable to replace any file -- the database least of all
# -- and a damaged database refused at start and brought back with
# `planwatchctl restore`.
. tests/integration/lib.sh
if [ "$(id -u)" != 0 ]; then
	echo "skip: making users needs root (CI runs as root)"
	echo "$NAME: 0 passed, 0 failed"
	rm -rf "$T"
	exit 0
fi
setup_conf

# Names of our own, unlikely to exist: p<pid> and a role letter.
P=pwt$$
D=${P}d H=${P}h K=${P}k A=${P}a ADM=${P}adm
cleanup() {
	for u in $D $H $K $A; do userdel "$u" >/dev/null 2>&1; done
	for g in $D $H $K $A $ADM; do groupdel "$g" >/dev/null 2>&1; done
	finish
}
trap cleanup EXIT
# Killed, too, the users go: exit runs the EXIT trap.
trap 'exit 1' INT TERM HUP PIPE
# Others on the machine may hold the passwd lock a moment: try again.
check "groups and users are made" bash -c "
	retry() { for i in 1 2 3 4 5 6 7 8 9 10; do \"\$@\" && return 0; sleep 0.3; done; return 1; }
	retry groupadd $ADM &&
	retry useradd -M -U -s /usr/sbin/nologin $D &&
	retry useradd -M -U -s /usr/sbin/nologin -G $D $H &&
	retry useradd -M -U -s /usr/sbin/nologin -G $D $K &&
	retry useradd -M -U -s /usr/sbin/nologin -G $D,$ADM $A"

# The binaries and files where every user may read them.
mkdir -p "$T/bin" "$T/run"
cp "$PLANWATCHD" "$PLANWATCHCTL" "$T/bin/"
PLANWATCHD=$T/bin/planwatchd
chmod 755 "$T" "$T/bin"
chmod -R a+rX "$T/conf" "$T/rules"
chown "$D:$D" "$T/run"
chmod 750 "$T/run"
# An older install: the state directory 0750, the group allowed in.
mkdir -p "$T/var"
chown "$D:$D" "$T/var"
chmod 750 "$T/var"
sed -i -e "s|^control_socket = .*|control_socket = \"$T/run/control.sock\";|" \
    -e "s|^# control_group = .*|control_group = \"$D\";|" \
    -e "s|^# admin_group = .*|admin_group = \"$ADM\";|" "$CONF"
sed -i "s/user = \"samordnare\";/user = \"$K\";/" "$T/conf/organization.conf"
TOKEN=privtoken-$$-abcdefghijklmnopqrstuvwxyz
HASH=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
sed -i "s/clients = ( );/clients = ( { name = \"intranet\"; token_sha256 = \"$HASH\"; } ); requests_per_minute = 100000;/" "$CONF"
CTL="$T/bin/planwatchctl -f $CONF"
as() { local u=$1; shift; runuser -u "$u" -- $CTL "$@"; }
DB=$T/var/planwatch.db
MARK=Syrenmarker

# The daemon as its own user, with a umask that would let the group read.
umask 022
WRAP="setpriv --reuid=$D --regid=$D --init-groups --inh-caps=-all"
check "daemon starts as $D" start_daemon --test-clock=2026-11-23T09:00
mode() { stat -c %a "$1"; }
check "state directory made 0700 ($(mode "$T/var"))" [ "$(mode "$T/var")" = 700 ]
check "database 0600 ($(mode "$DB"))" [ "$(mode "$DB")" = 600 ]
check "its log 0600" [ "$(mode "$DB-wal")" = 600 ]
check "its shared memory 0600" [ "$(mode "$DB-shm")" = 600 ]
check "its lock 0600" [ "$(mode "$DB.lock")" = 600 ]
check "owned by the daemon's user" [ "$(stat -c %U "$DB")" = "$D" ]
check "the socket in the runtime directory, 0660 for the group" \
    [ "$(stat -c '%a %G' "$T/run/control.sock")" = "660 $D" ]

URL=http://127.0.0.1:$HTTP_PORT/api/v1/reports
body() {
	printf '{"event_date": "2026-11-20", "unit": "aldreomsorg", "place_type": "aldreboende", "kind": "handelse", "milieu": "vit-makt", "concerns_minor": false, "urgency": "normal", "police_informed": false, "social_services_informed": false, "description": "%s %s"}' "$1" "$MARK" >"$T/report.json"
}
posts() {	# N: posts N reports on one connection, prints each status
	local urls=() i
	for ((i = 0; i < $1; i++)); do urls+=("$URL"); done
	curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary @"$T/report.json" -o /dev/null -w '%{http_code}\n' "${urls[@]}"
}
body "Klotter vid entrén"
check "a report is taken" [ "$(posts 1)" = 201 ]

# A unit head in the control group: the socket, but never the data.
check "a unit head may ask for the status" as $H status
check "a unit head cannot read the database" bash -c "! runuser -u $H -- cat '$DB' >/dev/null 2>&1"
check "nor its log" bash -c "! runuser -u $H -- cat '$DB-wal' >/dev/null 2>&1"
check "nor list the state directory" bash -c "! runuser -u $H -- ls '$T/var' >/dev/null 2>&1"
check "the coordinator cannot read the database either" bash -c "! runuser -u $K -- cat '$DB' >/dev/null 2>&1"
refused=0
for cmd in "reload" "backup" "backup x.db" "debug time" "outbox retry 1" \
    "report purge" "upcoming --rules $T/rules"; do
	out=$(as $H $cmd 2>&1)
	rc=$?
	check "a unit head may not '$cmd': $out" [ $rc -ne 0 ]
	check "told it is an admin command" grep -q "is an admin command" <<<"$out"
	refused=$((refused + 1))
done
out=$(as $H token new intranet2 2>&1)
check "nor 'token new': $out" [ $? -ne 0 ]
check "each refusal is in the audit trail" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'refused' AND actor = '$H'")" = $refused ]
check "the report's description is not for a unit head" bash -c "! runuser -u $H -- $CTL report show 1 2>&1 | grep -q $MARK"
check "the coordinator reads it" bash -c "runuser -u $K -- $CTL report show 1 | grep -q $MARK"
check "the reading is audited" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'report-read' AND actor = '$K'")" = 1 ]
out=$(as $K reload 2>&1)
check "the coordinator is no admin: $out" [ $? -ne 0 ]

# An admin: the admin commands, and a backup only where backups go.
check "an admin reloads" as $A reload
out=$(as $A backup nightly.db 2>&1)
check "an admin backs up: $out" [ "$out" = "backup written to $T/var/backups/nightly.db" ]
B=$T/var/backups/nightly.db
check "the backup is 0600 ($(mode "$B"))" [ "$(mode "$B")" = 600 ]
check "in a directory 0700" [ "$(mode "$T/var/backups")" = 700 ]
check "which the unit head cannot read" bash -c "! runuser -u $H -- cat '$B' >/dev/null 2>&1"
check "the audit row names the file and the admin" \
    [ "$(sqlite3 "$DB" "SELECT object FROM audit WHERE action = 'backup' AND actor = '$A'")" = "$B" ]
check "an admin may make a token" bash -c "as() { runuser -u \$1 -- $CTL \${@:2}; }; as $A token new intranet2 | grep -q token_sha256"

# The clobber: a backup over the live database, its log, an existing
# file, a link to the database, a hard link of it.
inode=$(stat -c %i "$DB")
sum=$(sqlite3 "$DB" 'SELECT count(*) FROM report')
out=$(as $A backup "$DB" 2>&1)
check "no backup over the database: $out" grep -q "go only into the backup directory" <<<"$out"
out=$(as $A backup "$DB-wal" 2>&1)
check "nor over its log" grep -q "go only into the backup directory" <<<"$out"
out=$(as $A backup "$T/var/backups/../planwatch.db" 2>&1)
check "nor by a detour through the backup directory" [ $? -ne 0 ]
out=$(as $A backup nightly.db 2>&1)
check "nor over an earlier backup: $out" grep -q "exists; a backup never replaces a file" <<<"$out"
ln -s ../planwatch.db "$T/var/backups/link.db"
out=$(as $A backup link.db 2>&1)
check "nor through a symbolic link to the database" grep -q "exists" <<<"$out"
ln "$DB" "$T/var/backups/hard.db"
out=$(as $A backup hard.db 2>&1)
check "nor over a hard link of it" grep -q "exists" <<<"$out"
rm -f "$T/var/backups/hard.db"
out=$(as $A backup ../planwatch.db 2>&1)
check "a name is a plain name" [ $? -ne 0 ]
check "the database is the same file" [ "$(stat -c %i "$DB")" = "$inode" ]
check "and holds what it held" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM report')" = "$sum" ]
# As found: the backup over the database, then reports, then a restart.
body "Efter försöket"
n=$(posts 400 | grep -c '^201$')
check "400 reports answered 201 after the attempts ($n)" [ "$n" = 400 ]
stop_daemon
check "the daemon stops cleanly" [ "$DRC" = 0 ]
check "the database is sound" [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
check "with every report answered" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM report')" = $((sum + 400)) ]

# A damaged database is refused at start, with the way out; restore.
check "the daemon starts again" start_daemon --test-clock=2026-11-23T09:00
stop_daemon
size=$(stat -c %s "$DB")
dd if=/dev/urandom of="$DB" bs=4096 seek=2 count=$(((size / 4096) - 3)) conv=notrunc status=none
: >"$T/daemon.log"
start_daemon --test-clock=2026-11-23T09:00
check "a damaged database: the daemon does not start" [ -z "$DPID" ] && [ "${DRC:-0}" != 0 ]
check "it says the database is damaged" grep -q "is damaged" "$T/daemon.log"
check "and how to restore" grep -q "planwatchctl restore" "$T/daemon.log"
check "it never said it started" bash -c "! grep -q 'started [0-9]' '$T/daemon.log'"
out=$(as $H restore "$B" 2>&1)
check "a unit head cannot restore: $out" [ $? -ne 0 ]
out=$($CTL restore "$B" 2>&1)
check "root restores the backup: $out" grep -q "^restored $B as $DB" <<<"$out"
kept=$(sed -n 's/^the database that was there is kept as //p' <<<"$out")
check "the damaged database is kept aside ($kept)" [ -f "$kept" ]
check "the restored database is the daemon's, 0600" [ "$(stat -c '%U %a' "$DB")" = "$D 600" ]
check "the daemon starts on it" start_daemon --test-clock=2026-11-23T09:00
check "in good state" [ "$($CTL --json status | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = ok ]
check "with the reports of the backup" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM report')" = 1 ]
out=$($CTL restore "$B" 2>&1)
check "no restore under a running daemon: $out" grep -q "in use by another planwatchd" <<<"$out"
