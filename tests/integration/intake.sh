#!/bin/bash
# Group commit of the HTTP intake, against the real daemon: concurrent
# senders are all answered 201 with distinct numbers, every answered
# report is in the database, the transactions the daemon logs (-v) add
# up to the reports sent, pipelined reports on one connection are
# answered in order, a sender that goes away before its answer still
# has its report stored, a refusal in the middle of a burst touches no
# other report, and after a SIGKILL in the middle of a stream every
# report a sender was given a number for is stored.  The Maildir
# transport takes the alerts.
. tests/integration/lib.sh
setup_conf
trap finish EXIT
DB="$T/var/planwatch.db"
TOKEN=intaketoken-$$-abcdefghijklmnopqrstuvwxyz
HASH=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
sed -i "s/clients = ( );/clients = ( { name = \"intranet\"; token_sha256 = \"$HASH\"; } ); requests_per_minute = 10000;/" "$CONF"
PORT=$HTTP_PORT
URL=http://127.0.0.1:$PORT/api/v1/reports
check "daemon starts (test clock Monday 2026-11-23 09:00, -v)" start_daemon -v --test-clock=2026-11-23T09:00

report() {	# description
	printf '{"event_date": "2026-11-20", "unit": "aldreomsorg", "place_type": "skola", "kind": "handelse", "milieu": "okand", "concerns_minor": false, "urgency": "normal", "police_informed": false, "social_services_informed": false, "description": "%s"}' "$1"
}
count() { sqlite3 "$DB" 'SELECT count(*) FROM report'; }
logged() {	# the reports the daemon's group commits carried, in all
	awk '/intake: [0-9]+ report\(s\) in one transaction/ {
		for (i = 1; i <= NF; i++) if ($i == "intake:") s += $(i + 1)
	} END { print s + 0 }' "$T/daemon.log"
}

# 24 senders at once, each its own connection.
N=24
mkdir -p "$T/burst"
pids=()
for ((i = 0; i < N; i++)); do
	curl -s -o "$T/burst/$i.json" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary "$(report "Klotter nummer $i.")" "$URL" >"$T/burst/$i.status" &
	pids+=($!)
done
wait "${pids[@]}"	# not the daemon
check "every concurrent sender got 201" [ "$(grep -lx 201 "$T"/burst/*.status | wc -l)" = "$N" ]
check "with $N distinct numbers" /usr/bin/python3 -c '
import glob, json, sys
nums = [json.load(open(f))["number"] for f in glob.glob(sys.argv[1] + "/*.json")]
sys.exit(0 if len(nums) == int(sys.argv[2]) and len(set(nums)) == len(nums) else 1)' "$T/burst" "$N"
check "all $N stored" [ "$(count)" = "$N" ]
check "the numbers answered are the rows stored" /usr/bin/python3 -c '
import glob, json, sqlite3, sys
nums = sorted(json.load(open(f))["number"] for f in glob.glob(sys.argv[1] + "/*.json"))
rows = [r[0] for r in sqlite3.connect(sys.argv[2]).execute("SELECT id FROM report ORDER BY id")]
sys.exit(0 if nums == rows else 1)' "$T/burst" "$DB"
check "each with its 2 alerts queued in the same commit" [ "$(sqlite3 "$DB" "SELECT count(*) FROM message WHERE kind = 'concern-alert'")" = $((2 * N)) ]
check "the logged transactions carried exactly the $N reports" [ "$(logged)" = "$N" ]

# Three requests pipelined on one connection: report, health, report;
# answered in that order, the last closing.
/usr/bin/python3 - "$PORT" "$TOKEN" "$(report "Pipelined.")" >"$T/pipe.out" <<'EOF'
import re, socket, sys
port, token, body = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
def post(close):
    return (b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token.encode() + b"\r\nContent-Type: application/json\r\n"
            + b"Content-Length: " + str(len(body)).encode() + b"\r\n"
            + (b"Connection: close\r\n" if close else b"") + b"\r\n" + body)
s = socket.create_connection(("127.0.0.1", port))
s.sendall(post(False) + b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n" + post(True))
data = b""
s.settimeout(5)
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
# Each answer's body ends in a newline, right before the next status line.
print(" ".join(s.decode() for s in re.findall(rb"(?:^|\n)HTTP/1\.1 (\d{3}) ", data)))
EOF
check "pipelined report, health, report: 201 200 201 in order ($(cat "$T/pipe.out"))" [ "$(cat "$T/pipe.out")" = "201 200 201" ]
check "both pipelined reports stored" [ "$(count)" = $((N + 2)) ]

# A sender that sends its report and closes at once: nobody hears the
# answer, the report is stored all the same, the daemon goes on.
n=$(count)
/usr/bin/python3 - "$PORT" "$TOKEN" "$(report "Gone.")" <<'EOF'
import socket, sys
port, token, body = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + token.encode() + b"\r\nContent-Type: application/json\r\n"
          + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
s.close()
EOF
wait_for bash -c "[ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM report')\" = $((n + 1)) ]"
check "a sender that left still has its report stored" [ "$(count)" = $((n + 1)) ]
check "and the daemon still answers" [ "$(curl -s http://127.0.0.1:$PORT/api/v1/health)" = '{"status":"ok"}' ]

# A burst with refusals in it: the refused ones get 400 at once and
# leave nothing, the good ones are stored.
n=$(count)
rm -f "$T"/burst/*
pids=()
for ((i = 0; i < 12; i++)); do
	if ((i % 3 == 0)); then d="Ring 070-123 45 67 nu."; else d="Bra rapport $i."; fi
	curl -s -o "$T/burst/$i.json" -w '%{http_code}' -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary "$(report "$d")" "$URL" >"$T/burst/$i.status" &
	pids+=($!)
done
wait "${pids[@]}"
check "4 refused with 400" [ "$(grep -lx 400 "$T"/burst/*.status | wc -l)" = 4 ]
check "8 stored with 201" [ "$(grep -lx 201 "$T"/burst/*.status | wc -l)" = 8 ]
check "the database holds exactly the 8" [ "$(count)" = $((n + 8)) ]
check "the logged transactions carried exactly the accepted reports" [ "$(logged)" = "$(count)" ]

# SIGTERM exits cleanly after all this.
stop_daemon
check "SIGTERM: exit status 0" [ "$DRC" = 0 ]

# SIGKILL in the middle of a stream of reports from 8 senders: every
# report a sender was told the number of is in the database with both
# its alerts (the answer comes only after the commit), and the daemon
# starts again on the same database.
check "daemon starts again" start_daemon --test-clock=2026-11-23T09:00
mkdir -p "$T/kill"
sender() {	# k: posts reports one after another until refused
	local i=0
	while curl -s -o "$T/kill/$1.$i.json" -w '%{http_code}\n' -X POST \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	    --data-binary "$(report "Strom $1 $i.")" "$URL" >>"$T/kill/$1.status"; do
		i=$((i + 1))
		[ $i -lt 400 ] || break
	done
}
pids=()
for k in 1 2 3 4 5 6 7 8; do
	sender "$k" &
	pids+=($!)
done
# Some reports in, then the kill, with reports still arriving.
wait_for bash -c "[ \$(cat '$T'/kill/*.status 2>/dev/null | grep -c 201) -ge 40 ]"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
DPID=
wait "${pids[@]}"
answered=$(cat "$T"/kill/*.json 2>/dev/null | grep -o '"number":[0-9]*' | cut -d: -f2 | sort -n)
check "reports were answered 201 before the kill ($(echo "$answered" | wc -w))" [ "$(echo "$answered" | wc -w)" -ge 40 ]
check "every number answered is a stored report" /usr/bin/python3 -c '
import sqlite3, sys
stored = {r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT id FROM report")}
answered = [int(x) for x in sys.argv[2].split()]
sys.exit(0 if answered and all(n in stored for n in answered) else 1)' "$DB" "$answered"
check "every stored report has its 2 alerts" [ "$(sqlite3 "$DB" "SELECT count(*) FROM report r WHERE (SELECT count(*) FROM report_route WHERE report = r.id) != 2")" = 0 ]
check "the database is intact" [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
check "the daemon starts on it again" start_daemon --test-clock=2026-11-23T09:00
st=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$(report "Efter.")" "$URL")
check "and takes reports again" [ "$st" = 201 ]
stop_daemon
check "SIGTERM: exit status 0" [ "$DRC" = 0 ]
