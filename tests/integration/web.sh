#!/bin/bash
# The pages end to end, with curl, against the real daemon on a test
# clock and the shipped configuration (the Maildir of `make run`): a
# reminder carries a working link; a GET changes nothing; the headers;
# a report through the link is recorded like `planwatchctl followup`
# (audit "via link"), stops that item's reminders, and a second one
# updates it; cross-site and stale forms, foreign items and tampered
# links are refused; a title with HTML shows as text; the person's page
# and calendar feed (parsed by python3-icalendar); expiry and a fresh
# link by mail; revoke and rotate-key; the rate limit.  The browser does
# the same as a person in tests/integration/browser.sh.
. tests/integration/lib.sh
setup_conf
trap finish EXIT
DB="$T/var/planwatch.db"
MAIL="$T/var/mail"

# A title with HTML in it, which the pages must show as text.
html_title

# mail ADDRESS [KIND]: the newest message to ADDRESS (of X-Planwatch-Kind
# KIND), by its outbox number; nothing when there is none.
mail() {
	/usr/bin/python3 - "$MAIL" "$@" <<'PY'
import email, email.policy, glob, re, sys
d, addr = sys.argv[1], sys.argv[2]
kind = sys.argv[3] if len(sys.argv) > 3 else None
found = []
for p in glob.glob(d + "/new/*") + glob.glob(d + "/cur/*"):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    if addr in str(m["To"]) and (kind is None or m["X-Planwatch-Kind"] == kind):
        found.append((int(re.search(r"pw\.(\d+)", m["Message-ID"]).group(1)), p))
if found:
    print(max(found)[1])
PY
}
# count ADDRESS [KIND]: how many messages to ADDRESS there are.
count() {
	/usr/bin/python3 - "$MAIL" "$@" <<'PY'
import email, email.policy, glob, sys
d, addr = sys.argv[1], sys.argv[2]
kind = sys.argv[3] if len(sys.argv) > 3 else None
n = 0
for p in glob.glob(d + "/new/*") + glob.glob(d + "/cur/*"):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    n += addr in str(m["To"]) and (kind is None or m["X-Planwatch-Kind"] == kind)
print(n)
PY
}
# link FILE KIND: the first link of KIND (message, page) in a mail.
link() {
	/usr/bin/python3 "$TOP/tests/maillinks.py" "$1" | awk -v k="$2" '$1 == k { print $2; exit }'
}
status() {
	curl -s -o /dev/null -w '%{http_code}' "$@"
}
# The database's content that pages must not change by looking.
state() {
	sqlite3 "$DB" "SELECT count(*) FROM followup; SELECT count(*) FROM audit; SELECT count(*) FROM message; SELECT group_concat(id || ':' || epoch || ':' || renewed_at) FROM web_person;"
}
# form URL: the report form fields of the first form on a page.
form_token() {
	grep -o 'name="t" value="[^"]*"' | head -n 1 | sed 's/.*value="\(.*\)"/\1/'
}

check "the configuration with a <script> title is OK" $PLANWATCHD -n -f "$CONF"
check "daemon starts on a test clock" start_daemon --test-clock=2020-04-15T07:00
KEY="$T/var/web.key"
check "the link key is made on first start, mode 0600" [ "$(stat -c %a "$KEY")" = 600 ]
check "in the state directory, mode 0700" [ "$(stat -c %a "$T/var")" = 700 ]
$CTL debug time set 2020-04-16T08:05 >/dev/null

# ---- a reminder carries a working link -------------------------------
KARIN=stadsdelsdirektor@skarpnack.example.org
M=$(mail $KARIN reminder)
check "the district director has a reminder for SkarpBrå" [ -n "$M" ]
L=$(link "$M" message)
P=$(link "$M" page)
check "it carries a link to its page ($L)" grep -q "^http://127.0.0.1:$HTTP_PORT/l/[A-Za-z0-9_-]\{43\}$" <<<"$L"
check "and one to the person's page" [ -n "$P" ] && [ "$P" != "$L" ]
check "short enough for mail clients (under 78 characters on the real address)" [ $((${#L} - ${#HTTP_PORT} - 21 + 33)) -le 78 ]
check "the mail names no address or name in its links" bash -c "! grep -q 'chef\|Karin\|%40' <<<'$L $P'"

before=$(state)
curl -s -D "$T/h" -o "$T/page.html" "$L"
curl -s -I "$L" >/dev/null
curl -s "$P" >/dev/null
curl -s -X HEAD "$P" >/dev/null
check "GET and HEAD change nothing in the database" [ "$(state)" = "$before" ]
check "the page answers 200" grep -q '^HTTP/1.1 200' "$T/h"
check "Content-Security-Policy: no script, no framing" grep -q "^Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'" "$T/h"
check "Referrer-Policy: no-referrer" grep -q '^Referrer-Policy: no-referrer' "$T/h"
check "Cache-Control: no-store" grep -q '^Cache-Control: no-store' "$T/h"
check "X-Content-Type-Options: nosniff" grep -q '^X-Content-Type-Options: nosniff' "$T/h"
check "the page is Swedish" grep -q '<html lang="sv">' "$T/page.html"
check "the title with HTML shows as text" grep -q 'SkarpBrå &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co' "$T/page.html"
check "and never as markup" bash -c "! grep -q '<script' '$T/page.html'"
check "nothing loaded from another site" bash -c "! grep -Eq '(src|href)=\"https?://[^\"]*' '$T/page.html' || ! grep -Eo '(src|href)=\"https?://[^\"]*' '$T/page.html' | grep -v '127.0.0.1:$HTTP_PORT'"
TOK=$(form_token <"$T/page.html")
check "the form carries a token" [ ${#TOK} -eq 22 ]
check "the stylesheet is served" [ "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$HTTP_PORT/planwatch.css")" = "200 text/css; charset=utf-8" ]
check "and revalidated by ETag" [ "$(status -H "If-None-Match: $(curl -sI http://127.0.0.1:$HTTP_PORT/planwatch.css | sed -n 's/^ETag: //p' | tr -d '\r')" "http://127.0.0.1:$HTTP_PORT/planwatch.css")" = 304 ]

# ---- reporting ---------------------------------------------------------
FORM="t=$TOK&activity=skarpnack-2019-10&occurrence=T1+2020&status=on-track&comment=Tv%C3%A5+m%C3%B6ten+h%C3%A5llna%0D%0Aett+kvar"
check "a POST from another site is refused (Origin)" [ "$(status -H 'Origin: https://evil.example' -d "$FORM" "$L")" = 403 ]
check "a POST from another site is refused (Sec-Fetch-Site)" [ "$(status -H 'Sec-Fetch-Site: cross-site' -d "$FORM" "$L")" = 403 ]
check "Origin: null (a sandboxed frame) without Sec-Fetch-Site is refused" [ "$(status -H 'Origin: null' -d "$FORM" "$L")" = 403 ]
check "a POST without the form's token is refused" [ "$(status -d "${FORM#t=$TOK&}" "$L")" = 403 ]
check "a form token of another link is refused" [ "$(status -d "t=AAAAAAAAAAAAAAAAAAAAAA&${FORM#t=$TOK&}" "$L")" = 403 ]
check "a report on an item not in the message is refused" [ "$(status -d "t=$TOK&activity=skarpnack-2019-12&occurrence=T1+2020&status=done" "$L")" = 403 ]
check "a POST that is not a form is refused" [ "$(status -H 'Content-Type: application/json' -d '{}' "$L")" = 403 ]
check "nothing recorded by them" [ "$(state)" = "$before" ]
# As a browser sends it from our page: under Referrer-Policy: no-referrer
# the Origin is "null", and Sec-Fetch-Site says same-origin.
code=$(curl -s -o "$T/receipt.html" -w '%{http_code}' -H 'Origin: null' -H 'Sec-Fetch-Site: same-origin' -d "$FORM" "$L")
check "a report through the link is answered with a receipt" [ "$code" = 200 ] && grep -q 'Din rapport är registrerad' "$T/receipt.html"
row=$(sqlite3 "$DB" "SELECT activity, occurrence, part, status, channel, reported_by FROM followup ORDER BY id DESC LIMIT 1")
check "recorded as planwatchctl records it ($row)" [ "$row" = "skarpnack-2019-10|T1 2020|stadsdelsdirektor|on-track|web|kberg (Karin Berg)" ]
check "with the comment, line break and all" [ "$(sqlite3 "$DB" "SELECT comment FROM followup ORDER BY id DESC LIMIT 1")" = "$(printf 'Två möten hållna\nett kvar')" ]
check "and the audit line 'via link'" [ "$(sqlite3 "$DB" "SELECT actor || ' ' || action || ' ' || object FROM audit ORDER BY id DESC LIMIT 1")" = "kberg followup skarpnack-2019-10 T1 2020 on-track via link" ]
$CTL --json followup list --role stadsdelsdirektor >"$T/list.json"
check "planwatchctl followup list shows it, channel web" /usr/bin/python3 -c "
import json, sys
rows = [p for o in json.load(open('$T/list.json'))['followups'] if o['activity'] == 'skarpnack-2019-10' for p in o.get('parts', [])]
assert any(p.get('channel') == 'web' for p in rows), rows" 
curl -s "$L" >"$T/again.html"
check "a reload of the page shows the report" grep -q 'Du har rapporterat <strong>pågår enligt plan</strong>' "$T/again.html"
check "with the status chosen" grep -q 'value="on-track" required checked' "$T/again.html"
curl -s -d "t=$TOK&activity=skarpnack-2019-10&occurrence=T1+2020&status=done&comment=Klart" "$L" >"$T/receipt2.html"
check "reporting twice updates the report and says so" grep -q 'Din rapport är uppdaterad. Förra gången rapporterade du pågår enligt plan' "$T/receipt2.html"
check "two rows, the newest counts" [ "$(sqlite3 "$DB" "SELECT group_concat(status) FROM followup WHERE activity = 'skarpnack-2019-10'")" = "on-track,done" ]

# No further reminder for that item: the 7-day one (2020-05-07) and the
# overdue one after 2020-05-14 are dropped for her.
$CTL debug time set 2020-05-20T12:00 >/dev/null
n=$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE n.activity = 'skarpnack-2019-10' AND n.occurrence = 'T1 2020' AND n.recipient = '$KARIN' AND m.created_at > strftime('%s', '2020-04-17')")
check "no further reminder for the reported item" [ "$n" = 0 ]
check "while an unreported item of another head got its next ones" [ "$(sqlite3 "$DB" "SELECT count(*) FROM notification n JOIN message m ON m.id = n.message WHERE n.activity = 'skarpnack-2019-12' AND n.occurrence = 'T1 2020' AND m.created_at > strftime('%s', '2020-04-17')")" -ge 2 ]

# ---- links that do not work -------------------------------------------
last=${L: -1}
[ "$last" = A ] && other=B || other=A
check "a tampered link is not found" [ "$(status "${L%?}$other")" = 404 ]
curl -s "${L%?}$other" >"$T/bad.html"
check "and says so, offering a fresh link" grep -q 'Länken fungerar inte' "$T/bad.html" && grep -q 'href="/ny-lank"' "$T/bad.html"
check "an unknown path is a Swedish 404 page" [ "$(status "http://127.0.0.1:$HTTP_PORT/l/")" = 404 ]
check "a method not allowed is 405" [ "$(status -X DELETE "$L")" = 405 ]
check "the intake's paths are still the intake's" [ "$(curl -s "http://127.0.0.1:$HTTP_PORT/api/v1/health")" = '{"status":"ok"}' ]

# ---- the person's page and the calendar -------------------------------
curl -s "$P" >"$T/person.html"
check "Mina aktiviteter lists her activities" grep -q '<h1>Mina aktiviteter</h1>' "$T/person.html" && grep -q 'skarpnack-2019-10' "$T/person.html"
check "with what she reported, when and with which comment" grep -q 'genomförd</strong> <time>2020-04-16 08:05</time>, Karin Berg<br>”Klart”' "$T/person.html"
FEED=$(grep -o 'value="http[^"]*\.ics"' "$T/person.html" | sed 's/value="\(.*\)"/\1/')
check "and her calendar's address" [ -n "$FEED" ]
curl -s -D "$T/fh" "$FEED" >"$T/feed.ics"
check "the feed is text/calendar" grep -qi '^Content-Type: text/calendar; charset=utf-8' "$T/fh"
check "it parses with python3-icalendar: her deadlines and checkpoints, stable UIDs, the report marked" /usr/bin/python3 - "$T/feed.ics" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
ev = {str(e["UID"]): e for e in cal.walk("VEVENT")}
assert "skarpnack-2019-10/T1-2020@skarpnack.example.org" in ev, sorted(ev)
e = ev["skarpnack-2019-10/T1-2020@skarpnack.example.org"]
assert str(e["SUMMARY"]).startswith("\u2713 "), e["SUMMARY"]
assert "genomförd" in str(e["DESCRIPTION"]), e["DESCRIPTION"]
assert int(e["SEQUENCE"]) == 2
assert str(e["URL"]).startswith("http://127.0.0.1:")
assert e.decoded("DTSTART").isoformat() == "2020-05-14"
assert all(u.startswith("skarpnack-2019-") for u in ev)
assert str(cal["X-WR-CALNAME"]).startswith("Mina aktiviteter")
PY
curl -s "$FEED" >"$T/feed2.ics"
check "the same UIDs at the next fetch" [ "$(grep '^UID' "$T/feed.ics")" = "$(grep '^UID' "$T/feed2.ics")" ]
check "a feed link opens no page" [ "$(status "$(sed 's|/k/\(.*\)\.ics|/l/\1|' <<<"$FEED")")" = 404 ]

# ---- expiry and a fresh link -----------------------------------------
$CTL debug time set 2020-06-02T09:00 >/dev/null
code=$(curl -s -o "$T/expired.html" -w '%{http_code}' "$L")
check "after link_days the link has expired (410)" [ "$code" = 410 ] && grep -q 'Länken har gått ut' "$T/expired.html"
RT=$(form_token <"$T/expired.html")
ACTION=$(grep -o 'action="[^"]*/ny"' "$T/expired.html" | sed 's/action="\(.*\)"/\1/')
n0=$(count $KARIN link)
check "a GET on the renewal is refused" [ "$(status "http://127.0.0.1:$HTTP_PORT$ACTION")" = 405 ]
curl -s -d "t=$RT" "http://127.0.0.1:$HTTP_PORT$ACTION" >"$T/sent.html"
check "one click asks for a fresh link" grep -q 'Om adressen finns hos oss har vi skickat' "$T/sent.html"
check "which comes by mail" wait_for [ "$(count $KARIN link)" = $((n0 + 1)) ]
NEW=$(link "$(mail $KARIN link)" page)
check "and works" [ "$(status "$NEW")" = 200 ]
curl -s -d "t=$RT" "http://127.0.0.1:$HTTP_PORT$ACTION" >/dev/null
check "asked again at once: the same answer, no second mail" [ "$(count $KARIN link)" = $((n0 + 1)) ]
n1=$(count ifo.chef@skarpnack.example.org link)
curl -s -d "email=nobody%40example.org" "http://127.0.0.1:$HTTP_PORT/ny-lank" >"$T/a.html"
curl -s -d "email=IFO.chef%40skarpnack.example.org" "http://127.0.0.1:$HTTP_PORT/ny-lank" >"$T/b.html"
check "asking by address: the same page whether the address exists or not" cmp -s "$T/a.html" "$T/b.html"
check "a link only to the address on file" wait_for [ "$(count ifo.chef@skarpnack.example.org link)" = $((n1 + 1)) ]
check "renewals are in the audit trail" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'link-renew'")" = 2 ]

# ---- revoke and rotate -----------------------------------------------
out=$($CTL web link kberg)
check "web link gives the page and the calendar" grep -q "page:     http://127.0.0.1:$HTTP_PORT/l/" <<<"$out"
chmod 711 "$T" "$T/var"
chmod 666 "$T/var/control.sock"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$PLANWATCHCTL" -s "$T/var/control.sock" web revoke kberg 2>&1)
check "web revoke is an admin command ($out)" grep -q "'web-revoke' is an admin command" <<<"$out"
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$PLANWATCHCTL" -s "$T/var/control.sock" web link kberg 2>&1)
check "so is web link" grep -q "'web-link' is an admin command" <<<"$out"
chmod 700 "$T/var"
out=$($CTL web revoke kberg)
check "web revoke ends her links" [ "$(status "$NEW")" = 410 ] && curl -s "$NEW" | grep -q 'Länken gäller inte längre'
check "and is audited" [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'web-revoke'")" = 1 ]
AMIR=$(link "$(mail ifo.chef@skarpnack.example.org link)" page)
check "another person's link still works" [ "$(status "$AMIR")" = 200 ]
out=$($CTL web rotate-key)
check "web rotate-key makes generation 2" grep -q 'generation 2' <<<"$out" && grep -q '^generation 2$' "$KEY"
check "the key file stays 0600" [ "$(stat -c %a "$KEY")" = 600 ]
check "every earlier link ends, cleanly (410, not an error)" [ "$(status "$AMIR")" = 410 ]
FRESH=$($CTL web link ifo.chef@skarpnack.example.org | sed -n 's/^  page: *//p')
check "links made now work" [ "$(status "$FRESH")" = 200 ]
stop_daemon
check "after a restart too: the key was kept" start_daemon --test-clock=2020-06-02T09:00
check "the fresh link still works" [ "$(status "$FRESH")" = 200 ]

# ---- the rate limit ----------------------------------------------------
sed -i 's|^web = {|web = {\n  requests_per_minute = 5;|' "$CONF"
$CTL reload >/dev/null
codes=$(for i in 1 2 3 4 5 6; do status "$FRESH"; echo; done | tr '\n' ' ')
check "over requests_per_minute a client gets 429 ($codes)" [ "${codes%% *}" = 200 ] && [ "${codes% }" != "${codes% 429 }" ] && [ "$(grep -o 200 <<<"$codes" | wc -l)" -le 5 ]
check "with Retry-After" curl -s -D - -o /dev/null "$FRESH" | grep -q '^Retry-After: [0-9]'
