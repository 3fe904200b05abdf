#!/bin/bash
# SIGKILL at random points while a large batch of reminders is being
# generated, then restart, many times: the ledger and the outbox must end
# up holding each notification exactly once, the same as a run that was
# never interrupted.
. tests/integration/lib.sh
trap finish EXIT
ROUNDS=${CRASH_ROUNDS:-12}

/usr/bin/python3 tests/bench/gen_plans.py "$T/gen" 2000 >/dev/null
CONF="$T/gen/planwatch.conf"
CTL="$PLANWATCHCTL -f $CONF"
DB="$T/gen/state/planwatch.db"
# Mail into a Maildir under the scratch directory.
cat >>"$CONF" <<EOC
mail = { transport = "maildir"; from = "planwatch@example.org"; maildir = { path = "$T/mail"; }; };
EOC
q() { sqlite3 "$DB" "$1"; }

# The reference: one uninterrupted run over the same window.
check "reference daemon starts" start_daemon --test-clock=2019-01-01T00:00
$CTL debug time set 2019-12-31T23:00 >/dev/null
want=$(q 'SELECT count(*) FROM notification')
stop_daemon
check "the window holds a large batch ($want notifications)" [ "$want" -gt 2000 ]
rm -rf "$T/gen/state" "$T/mail"

killed=0
for r in $(seq 1 "$ROUNDS"); do
	start_daemon --test-clock=2019-01-01T00:00 >/dev/null || break
	# Ask for the whole year in the background and kill the daemon a
	# random moment later, mid-transaction or between windows.
	$CTL debug time set 2019-12-31T23:00 >/dev/null 2>&1 &
	ask=$!
	sleep "0.$(printf '%03d' $((RANDOM % 400)))"
	kill -KILL "$DPID" 2>/dev/null && killed=$((killed + 1))
	wait "$DPID" 2>/dev/null
	wait "$ask" 2>/dev/null
	DPID=
done
check "killed $killed times" [ "$killed" -ge $((ROUNDS / 2)) ]
check "daemon starts after the last kill" start_daemon --test-clock=2019-01-01T00:00
$CTL debug time set 2019-12-31T23:00 >/dev/null
stop_daemon
check "the ledger holds each notification once ($(q 'SELECT count(*) FROM notification') of $want)" [ "$(q 'SELECT count(*) FROM notification')" = "$want" ]
check "no key twice" [ "$(q 'SELECT count(*) - count(DISTINCT key) FROM notification')" = 0 ]
check "every notification has its one message" [ "$(q 'SELECT count(*) FROM notification WHERE message IS NULL')" = 0 ]
check "no message without a notification" [ "$(q 'SELECT count(*) FROM message m WHERE NOT EXISTS (SELECT 1 FROM notification n WHERE n.message = m.id)')" = 0 ]
check "one recipient row per message" [ "$(q 'SELECT count(*) FROM message_rcpt')" = "$(q 'SELECT count(*) FROM message')" ]
