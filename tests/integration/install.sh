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
    usr/share/man/man5/planwatch.conf.5 \
    etc/planwatch/rules/pages/planwatch.css \
    etc/planwatch/rules/pages/sv/items.html \
    etc/planwatch/rules/pages/en/person.html; do
	check "installs /$f" [ -f "$R/$f" ]
done
check "installs the plans" [ -n "$(ls "$R/etc/planwatch/plans/"*.conf 2>/dev/null)" ]
check "installed state_dir is /var/lib/planwatch" \
    grep -q '^state_dir = "/var/lib/planwatch";' "$R/etc/planwatch/planwatch.conf"
check "installed socket is in /run/planwatch" \
    grep -q '^control_socket = "/run/planwatch/control.sock";' "$R/etc/planwatch/planwatch.conf"
check "installed admin commands are for planwatch-admin" \
    grep -q '^admin_group = "planwatch-admin";' "$R/etc/planwatch/planwatch.conf"
check "sysusers makes the group planwatch-admin" \
    grep -q '^g planwatch-admin ' "$R/usr/lib/sysusers.d/planwatch.conf"
unit="$R/lib/systemd/system/planwatchd.service"
check "the unit keeps the state the daemon's alone" \
    grep -q '^StateDirectoryMode=0700$' "$unit"
check "the unit creates files for the daemon alone" grep -q '^UMask=0077$' "$unit"

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
	check "systemd exposure $score is 1.4 or better" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 1.4) }'
else
	not_ok "systemd-analyze is missing (package systemd)"
fi

# A second install, as at an upgrade, keeps what the admin changed and
# says where the shipped version is; files the admin never had arrive.
echo '# changed by the admin' >>"$R/etc/planwatch/calendar.conf"
rm "$R/etc/planwatch/rules/templates/sv/digest.txt"
make -s install BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr SYSCONFDIR=/etc \
    LOCALSTATEDIR=/var >"$T/install2.log" 2>&1
check "make install again succeeds" [ $? -eq 0 ]
check "it keeps the admin's calendar.conf" grep -q '^# changed by the admin' "$R/etc/planwatch/calendar.conf"
check "and says where the shipped one is" grep -q "kept /etc/planwatch/calendar.conf; the shipped one is /usr/share/doc/planwatch/examples/calendar.conf" "$T/install2.log"
check "it says nothing of files the admin did not change" [ "$(grep -c kept "$T/install2.log")" = 1 ]
check "a file the admin did not have is installed" [ -f "$R/etc/planwatch/rules/templates/sv/digest.txt" ]
check "the shipped examples are in /usr/share/doc/planwatch/examples" \
    cmp -s "$R/usr/share/doc/planwatch/examples/planwatch.conf" "$R/etc/planwatch/planwatch.conf"
check "with the rules and templates" [ -f "$R/usr/share/doc/planwatch/examples/rules/templates/sv/reminder.txt" ]

make -s uninstall BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr >/dev/null 2>&1
check "make uninstall removes the binaries" [ ! -e "$R/usr/sbin/planwatchd" ]
check "make uninstall leaves the configuration" [ -f "$R/etc/planwatch/planwatch.conf" ]
