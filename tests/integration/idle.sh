#!/bin/bash
# An idle daemon sleeps: with nothing due within the next hour it makes
# no wakeups for 60 s.  strace counts the event-loop waits that return;
# the daemon runs on the real clock, where the shipped plan is long past.
. tests/integration/lib.sh
case $BUILD in
*sanitize*)
	# A wake-up count, not a memory property: once is enough.
	echo "skipped: $BUILD is a sanitizer build"
	echo "idle: 0 passed, 0 failed"
	rm -rf "$T"
	exit 0
	;;
esac
setup_conf
trap finish EXIT

if ! command -v strace >/dev/null 2>&1; then
	not_ok "strace is missing (package strace)"
	exit 1
fi
check "daemon starts" start_daemon
next=$($CTL --json status | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["next_due"])')
check "nothing is due (next due: $next)" [ "$next" = None ]
# Attach to the loop thread only (the pid); libuv's pool threads sleep on
# their own condition variable.  timeout ends strace after 60 s.
timeout -s INT 60 strace -qq -e trace=epoll_wait,epoll_pwait -p "$DPID" -o "$T/strace.txt" 2>/dev/null
returned=$(grep -E 'epoll_p?wait\(' "$T/strace.txt" | grep -vc 'unfinished\|resumed\|<detached' || true)
check "no wakeups in 60 s ($returned returned waits)" [ "$returned" -eq 0 ]
check "the daemon still answers" $CTL status
