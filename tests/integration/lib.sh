# Shared by the integration scripts: a scratch copy of the shipped
# configuration, the real binaries, and pass/fail bookkeeping.  Source it.
set -u
BUILD=${BUILD:-build}
TOP=$(pwd)
PLANWATCHD="$TOP/$BUILD/planwatchd"
PLANWATCHCTL="$TOP/$BUILD/planwatchctl"
# PLANWATCH_WRAP runs the daemon under a tool, e.g. "valgrind --error-exitcode=99".
WRAP=${PLANWATCH_WRAP:-}
T=$(mktemp -d /tmp/planwatch-it.XXXXXX)
NAME=$(basename "$0" .sh)
npass=0
nfail=0
DPID=

ok() {
	npass=$((npass + 1))
	echo "ok: $*"
}

not_ok() {
	nfail=$((nfail + 1))
	echo "FAIL: $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

finish() {
	stop_daemon
	stop_smtpd
	if [ "$nfail" -ne 0 ] && [ -f "$T/daemon.log" ]; then
		echo "--- daemon log"
		cat "$T/daemon.log"
	fi
	rm -rf "$T"
	echo "$NAME: $npass passed, $nfail failed"
	# From the EXIT trap only an exit sets the script's status.
	[ "$nfail" -eq 0 ] || exit 1
}

# A scratch configuration: conf/ and rules/ copied, state under $T/var.
setup_conf() {
	cp -r "$TOP/conf" "$T/conf"
	[ -d "$TOP/rules" ] && cp -r "$TOP/rules" "$T/rules"
	mkdir -p "$T/rules"
	CONF="$T/conf/planwatch.conf"
	CTL="$PLANWATCHCTL -f $CONF"
	# The intake listens on a free loopback port of its own, so tests
	# (and anything else on the machine) never collide on 8025; the
	# pages' base URL, the same listener, follows.
	HTTP_PORT=$(free_port)
	sed -i "s/127\.0\.0\.1:8025/127.0.0.1:$HTTP_PORT/g" "$CONF"
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the daemon in the foreground (in the background of this shell)
# and waits, bounded, until it answers on the control socket.
start_daemon() {
	$WRAP "$PLANWATCHD" -d -f "$CONF" "$@" >>"$T/daemon.log" 2>&1 &
	DPID=$!
	i=0
	while [ $i -lt 300 ]; do
		if $CTL status >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$DPID" 2>/dev/null; then
			wait "$DPID"
			DRC=$?
			DPID=
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# Stops the daemon with SIGTERM and records its exit status in DRC.
stop_daemon() {
	DRC=
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID" 2>/dev/null
	wait "$DPID"
	DRC=$?
	DPID=
}

# Starts tests/smtpd.py (aiosmtpd, /usr/bin/python3) on a free loopback
# port with its messages in $T/smtp; sets SMTP_PORT and SMTP_PID.
start_smtpd() {
	mkdir -p "$T/smtp"
	# The shell truncates smtpd.out in the child, after this shell goes
	# on: a previous server's "ready" line must not be read as this one's.
	rm -f "$T/smtpd.out" "$T/smtpd.err"
	/usr/bin/python3 "$TOP/tests/smtpd.py" --port 0 --dump-dir "$T/smtp" \
	    "$@" >"$T/smtpd.out" 2>"$T/smtpd.err" &
	SMTP_PID=$!
	i=0
	until grep -q '^ready' "$T/smtpd.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
	SMTP_PORT=$(awk '/^ready/ { print $2 }' "$T/smtpd.out")
	[ -n "$SMTP_PORT" ]
}

stop_smtpd() {
	[ -n "${SMTP_PID:-}" ] && kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
	return 0
}

# Points the scratch configuration's mail at the test SMTP server.
use_smtp() {
	/usr/bin/python3 - "$CONF" "$SMTP_PORT" <<'PY'
import re, sys
p, port = sys.argv[1], sys.argv[2]
s = open(p).read()
s = re.sub(r'transport = "maildir";', 'transport = "smtp";', s)
s = s.replace('maildir = { path = "../var/mail"; };',
    'maildir = { path = "../var/mail"; };\n  smtp = { host = "127.0.0.1"; port = %s; starttls = "off"; '
    'connect_timeout_ms = 2000; greeting_timeout_ms = 2000; };\n  retry_first_seconds = 60;' % port)
open(p, "w").write(s)
PY
}

# The ledger as lines "DUE  RULE  ACTIVITY  OCCURRENCE  RECIPIENT  late=N";
# arguments go to `planwatchctl ledger` (--activity ID).
ledger_lines() {
	$CTL --json ledger "$@" | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin)["ledger"]:
    print("%s  %s  %s  %s  %s  late=%s" % (r["due"], r["rule"], r["activity"],
          r["occurrence"], r["recipient"], r["late"]))'
}

# Waits, bounded, until COMMAND succeeds.
wait_for() {
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
}

# Gives the scratch plan's SkarpBrå (skarpnack-2019-10, the district
# director's) a title with HTML in it, for the pages' tests: it must show
# as text.
html_title() {
	/usr/bin/python3 - "$T/conf/plans/skarpnack-2019.conf" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace('title = "SkarpBrå";',
              'title = "SkarpBrå <script>alert(\\"x\\")</script> & co";')
open(p, "w", encoding="utf-8").write(s)
PY
}
