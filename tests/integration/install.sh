#!/bin/bash
# make install into a scratch DESTDIR: every file lands, the installed
# configuration passes `planwatchd -n`, the man pages render, and the
# systemd unit verifies.
. tests/integration/lib.sh
trap finish EXIT
R="$T/root"

make -s install BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr SYSCONFDIR=/etc \
    LOCALSTATEDIR=/var >"$T/install.log" 2>&1
check "make install succeeds" [ $? -eq 0 ]
for f in usr/sbin/planwatchd usr/bin/planwatchctl etc/planwatch/planwatch.conf \
    etc/planwatch/organization.conf etc/planwatch/calendar.conf \
    lib/systemd/system/planwatchd.service usr/lib/sysusers.d/planwatch.conf \
    usr/share/man/man8/planwatchd.8 usr/share/man/man8/planwatchctl.8 \
    usr/share/man/man5/planwatch.conf.5; do
	check "installs /$f" [ -f "$R/$f" ]
done
check "installs the plans" [ -n "$(ls "$R/etc/planwatch/plans/"*.conf 2>/dev/null)" ]
check "installed state_dir is /var/lib/planwatch" \
    grep -q '^state_dir = "/var/lib/planwatch";' "$R/etc/planwatch/planwatch.conf"
check "installed socket is in /run/planwatch" \
    grep -q '^control_socket = "/run/planwatch/control.sock";' "$R/etc/planwatch/planwatch.conf"

check "installed Maildir is under /var/lib/planwatch" \
    grep -q 'maildir = { path = "/var/lib/planwatch/mail"; };' "$R/etc/planwatch/planwatch.conf"

# The installed files load (rules live beside the configuration there).
out=$("$R/usr/sbin/planwatchd" -n -f "$R/etc/planwatch/planwatch.conf" 2>&1)
check "installed configuration: $out" [ "$out" = "configuration OK" ]

for m in "$R"/usr/share/man/man*/*; do
	check "man -l renders $(basename "$m")" bash -c "man -l '$m' >/dev/null 2>&1 && [ -z \"\$(man -l '$m' 2>&1 >/dev/null)\" ]"
done

if command -v systemd-analyze >/dev/null 2>&1; then
	sed -e "s|/usr/sbin/planwatchd|$R/usr/sbin/planwatchd|g" \
	    -e "s|^Documentation=.*|Documentation=file://$R/usr/share/man|" \
	    "$R/lib/systemd/system/planwatchd.service" >"$T/planwatchd.service"
	out=$(systemd-analyze verify "$T/planwatchd.service" 2>&1)
	check "systemd-analyze verify: ${out:-clean}" [ -z "$out" ]
	score=$(systemd-analyze security --offline=true "$T/planwatchd.service" 2>/dev/null |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check "systemd exposure $score is below 2.0" awk -v s="$score" 'BEGIN { exit !(s != "" && s < 2.0) }'
else
	not_ok "systemd-analyze is missing (package systemd)"
fi

make -s uninstall BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr >/dev/null 2>&1
check "make uninstall removes the binaries" [ ! -e "$R/usr/sbin/planwatchd" ]
