#!/bin/bash
# The pages in a real browser (tests/browser.py: headless Chromium driven
# by Selenium, checked with axe-core), as a unit head uses them: the
# reminder as the SMTP server on loopback received it, its link, the
# form done with the keyboard alone, the receipt; then the database, the
# audit line, and that the next step of the ladder is not sent.  The
# screenshots go to $T/shots, and with UPDATE_SCREENSHOTS=1 into
# docs/images/ for the documentation.
. tests/integration/lib.sh
setup_conf
trap finish EXIT
DB="$T/var/planwatch.db"
AXE="$TOP/tests/node_modules/axe-core/axe.min.js"
for f in /usr/bin/chromium /usr/bin/chromedriver "$AXE"; do
	if [ ! -e "$f" ]; then
		not_ok "$f is there (make deps installs it)"
		exit 1
	fi
done

html_title
check "the SMTP server starts" start_smtpd
use_smtp
check "daemon starts on a test clock" start_daemon --test-clock=2020-04-15T07:00
$CTL debug time set 2020-04-16T08:05 >/dev/null
KARIN=stadsdelsdirektor@skarpnack.example.org
# The reminder the district director received, from the server's log.
find_mail() {
	/usr/bin/python3 - "$T/smtp" "$KARIN" <<'PY'
import json, sys
d, addr = sys.argv[1], sys.argv[2]
try:
    lines = open(d + "/log.jsonl").read().splitlines()
except FileNotFoundError:
    sys.exit(1)
for l in lines:
    m = json.loads(l)
    if addr in m["rcpts"]:
        print("%s/%d.eml" % (d, m["n"]))
        sys.exit(0)
sys.exit(1)
PY
}
check "her reminder reached the SMTP server" wait_for find_mail >/dev/null
MAILFILE=$(find_mail)

mkdir -p "$T/shots"
# Chromium does not start under libfaketime (make check-later preloads
# it): the browser runs on the real clock.  Nothing on the pages comes
# from the browser's clock; the daemon, on its test clock, decides.
env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_FAKE_MONOTONIC \
    /usr/bin/python3 "$TOP/tests/browser.py" "$MAILFILE" "$T/shots" "$AXE" \
    $PLANWATCHCTL -f "$CONF" >"$T/browser.out" 2>&1
rc=$?
grep -E '^(ok|FAIL):|^    |^browser session' "$T/browser.out"
npass=$((npass + $(grep -c '^ok:' "$T/browser.out")))
nfail=$((nfail + $(grep -c '^FAIL:' "$T/browser.out")))
if [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$T/browser.out"; then
	cat "$T/browser.out"
	not_ok "browser.py ran to the end"
fi

# What the browser did, as the database has it.
row=$(sqlite3 "$DB" "SELECT activity, occurrence, status, comment, channel FROM followup")
check "one report, through the web ($row)" [ "$row" = "skarpnack-2019-10|T1 2020|on-track|Två möten hållna, ett kvar.|web" ]
check "its audit line says 'via link'" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE object = 'skarpnack-2019-10 T1 2020 on-track via link'")" = 1 ]
n=$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE n.activity = 'skarpnack-2019-10' AND n.occurrence = 'T1 2020' AND n.recipient = '$KARIN' AND m.created_at > strftime('%s', '2020-04-17')")
check "the next step of her ladder was not sent (the clock is now past it)" [ "$n" = 0 ]
check "and the fresh link she asked for went out" wait_for [ "$(sqlite3 "$DB" "SELECT count(*) FROM message WHERE kind = 'link'")" = 1 ]
for s in rapportera kvitto mina-aktiviteter mina-aktiviteter-320 utskrift felaktig-lank utgangen-lank; do
	check "screenshot $s.png" [ -s "$T/shots/$s.png" ]
done
if [ -n "${UPDATE_SCREENSHOTS:-}" ]; then
	mkdir -p "$TOP/docs/images"
	# Fewer colours, the same look: a third of the bytes.
	if command -v pngquant >/dev/null; then
		pngquant --force --skip-if-larger --strip --quality=70-95 \
		    --ext .png "$T/shots/"*.png
	fi
	cp "$T/shots/"*.png "$TOP/docs/images/"
	echo "screenshots copied to docs/images/"
fi
