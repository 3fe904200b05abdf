#!/bin/bash
# make rehearse: the README's rehearsal on a test clock keeps its state in
# var/rehearsal, so the next `make run` on the real clock finds nothing
# generated and sends nothing (no summary of missed reminders).  Run in
# a fresh copy of the tree, as a new user would.
. "$(dirname "$0")/lib.sh"
trap finish EXIT

W="$T/tree"
mkdir -p "$W"
cp -r "$TOP/conf" "$TOP/rules" "$W/"
for d in Makefile daemon tests docs systemd; do ln -s "$TOP/$d" "$W/$d"; done
ln -s "$TOP/$BUILD" "$W/build"
unset MAKEFLAGS MAKELEVEL MFLAGS BUILD CFLAGS LDFLAGS
# Ports of their own, in case something else on the machine has 8025/8026.
p1=$(free_port)
p2=$(free_port)
sed -i "s/127.0.0.1:8025/127.0.0.1:$p1/" "$W/conf/planwatch.conf"
sed -i "s/127.0.0.1:8026/127.0.0.1:$p2/" "$W/conf/planwatch.conf"
CTLR="$PLANWATCHCTL -f $W/var/rehearsal/planwatch.conf"
CTLM="$PLANWATCHCTL -f $W/conf/planwatch.conf"

(cd "$W" && exec setsid make rehearse >"$T/rehearse.log" 2>&1) &
RPID=$!
wait_for test -S "$W/var/rehearsal/control.sock"
check "make rehearse starts a daemon in var/rehearsal" $CTLR status
check "on the test clock" bash -c "$CTLR status | grep -q 'test clock'"
$CTLR debug time advance 2d >/dev/null
# Every notification the shipped rules give up to 2020-04-17 07:00.
want=$(awk '$1 >= "2020-04-15" && $1 < "2020-04-17"' "$TOP/tests/data/rules/skarpnack-2019-2020.golden" | wc -l)
got=$($CTLR ledger | grep -cE '^[0-9]+ +[0-9]{4}-')
check "the rehearsal generates what the rules say ($got of $want)" [ "$got" = "$want" -a "$want" -gt 0 ]
wait_for bash -c "[ -n \"\$(ls '$W/var/rehearsal/mail/new' 2>/dev/null)\" ]"
(cd "$W" && make -s mail MAILDIR=var/rehearsal/mail) >"$T/mail.txt" 2>&1
check "make mail shows the reminders decoded" grep -q '^header Subject: Påminnelse' "$T/mail.txt"
kill -INT -- -$RPID 2>/dev/null
wait $RPID
check "the rehearsal wrote nothing outside var/rehearsal" [ "$(ls "$W/var")" = rehearsal ]

(cd "$W" && exec setsid make run >"$T/run.log" 2>&1) &
MPID=$!
wait_for test -S "$W/var/control.sock"
check "make run starts afterwards" $CTLM status
check "with nothing in its ledger" [ "$($CTLM ledger | grep -cE '^[0-9]+ +[0-9]{4}-')" = 0 ]
check "and no mail: no summary of missed reminders" [ -z "$(ls "$W/var/mail/new" 2>/dev/null)" ]
kill -INT -- -$MPID 2>/dev/null
wait $MPID
check "Ctrl-C stops make run" grep -q 'planwatchd: stopped' "$T/run.log"
