#!/bin/bash
# The pages behind a real reverse proxy: Debian's nginx-light, in the
# foreground from a scratch directory, with TLS from a throwaway CA that
# openssl makes here, on a loopback port, in front of the daemon -- with
# the configuration docs/web.md shows, taken from it as it is (only the
# port, the files and the upstream's port are put in).  The daemon's
# base_url is the proxy's https address: the links in its mails must
# work through it, a report through them is recorded, the calendar feed
# subscribes, the intake's API stays inside, and no token is logged.
. tests/integration/lib.sh
setup_conf
trap 'stop_nginx; finish' EXIT
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
N="$T/nginx"
mkdir -p "$N/logs"
HOST=planwatch.example.org
NPORT=$(free_port)
NPID=

stop_nginx() {
	[ -n "$NPID" ] && kill "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null
	NPID=
	return 0
}

# ---- a throwaway CA and the proxy's certificate ------------------------
(
	cd "$N" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 2 -subj "/CN=planwatch test CA" -keyout ca.key \
	    -out ca.pem -addext "basicConstraints=critical,CA:true" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj "/CN=$HOST" -keyout srv.key -out srv.csr &&
	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:false\nextendedKeyUsage=serverAuth\n' \
	    "$HOST" >srv.ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 2 -extfile srv.ext -out srv.pem
) >"$N/openssl.log" 2>&1
check "openssl makes a CA and a certificate for $HOST" [ -s "$N/srv.pem" ]

# ---- nginx with the documented configuration ---------------------------
/usr/bin/python3 - "$TOP"/docs/web.md "$N" "$NPORT" "$HTTP_PORT" <<'PY' >"$N/server.conf"
import re, sys
doc, d, nport, dport = sys.argv[1:]
blocks = re.findall(r"```nginx\n(.*?)```", open(doc, encoding="utf-8").read(), re.S)
assert len(blocks) == 1, "docs/web.md shows one nginx configuration"
t = blocks[0]
t = re.sub(r"listen 443 ssl( http2)?;", r"listen 127.0.0.1:%s ssl\1;" % nport, t)
t = re.sub(r"ssl_certificate\s+\S+;", "ssl_certificate %s/srv.pem;" % d, t)
t = re.sub(r"ssl_certificate_key\s+\S+;", "ssl_certificate_key %s/srv.key;" % d, t)
t = t.replace("server 127.0.0.1:8025;", "server 127.0.0.1:%s;" % dport)
print(t)
PY
cat >"$N/nginx.conf" <<EOF
pid $N/nginx.pid;
error_log $N/logs/error.log;
events { worker_connections 64; }
http {
    access_log $N/logs/access.log;
    client_body_temp_path $N/client_body;
    proxy_temp_path $N/proxy;
    fastcgi_temp_path $N/fastcgi;
    uwsgi_temp_path $N/uwsgi;
    scgi_temp_path $N/scgi;
    include $N/server.conf;
}
EOF
check "nginx -t accepts the documented configuration" "$NGINX" -t -q -p "$N" -c "$N/nginx.conf"
"$NGINX" -p "$N" -c "$N/nginx.conf" -g 'daemon off; master_process off;' \
    >"$N/nginx.out" 2>&1 &
NPID=$!

# The daemon's links point at the proxy, which it trusts.
sed -i -e "s|base_url = \"http://127.0.0.1:$HTTP_PORT\";|base_url = \"https://$HOST:$NPORT\";|" \
    -e 's|^  # trusted_proxies = .*|  trusted_proxies = [ "127.0.0.1" ];|' "$CONF"
check "daemon starts on a test clock" start_daemon --test-clock=2020-04-15T07:00
$CTL debug time set 2020-04-16T08:05 >/dev/null

# curl as a browser behind the proxy: the name resolves to loopback and
# the test CA is trusted.
c() {
	curl -s --resolve "$HOST:$NPORT:127.0.0.1" --cacert "$N/ca.pem" "$@"
}
check "nginx answers over TLS with the test CA" wait_for c -o /dev/null "https://$HOST:$NPORT/planwatch.css"

M=$(grep -l 'stadsdelsdirektor@' "$T/var/mail/new/"* | head -n 1)
L=$(/usr/bin/python3 "$TOP/tests/maillinks.py" "$M" | awk '$1 == "message" { print $2; exit }')
check "the mail's link is the proxy's https address ($L)" grep -q "^https://$HOST:$NPORT/l/" <<<"$L"
c -D "$N/h" -o "$N/page.html" "$L"
check "the link works through the proxy" grep -q '^HTTP/[12.]* 200' "$N/h" && grep -q 'Rapportera läget' "$N/page.html"
check "with the page's security headers" grep -qi "^content-security-policy: default-src 'none'" "$N/h" && grep -qi '^referrer-policy: no-referrer' "$N/h"
check "and the proxy's HSTS" grep -qi '^strict-transport-security: max-age=' "$N/h"
check "the stylesheet path is under the proxy's root" grep -q 'href="/planwatch.css"' "$N/page.html"
TOK=$(grep -o 'name="t" value="[^"]*"' "$N/page.html" | head -n 1 | sed 's/.*value="\(.*\)"/\1/')
code=$(c -o "$N/receipt.html" -w '%{http_code}' -H "Origin: https://$HOST:$NPORT" -H 'Sec-Fetch-Site: same-origin' \
    -d "t=$TOK&activity=skarpnack-2019-10&occurrence=T1+2020&status=done&comment=Via+proxyn" "$L")
check "a report through the proxy is recorded ($code)" [ "$code" = 200 ] && [ "$(sqlite3 "$T/var/planwatch.db" "SELECT status || ' ' || comment || ' ' || channel FROM followup")" = "done Via proxyn web" ]
check "a POST with the proxy's own origin on another port is refused" [ "$(c -o /dev/null -w '%{http_code}' -H "Origin: https://$HOST" -d "t=$TOK&activity=skarpnack-2019-10&occurrence=T1+2020&status=done" "$L")" = 403 ]
P=$(/usr/bin/python3 "$TOP/tests/maillinks.py" "$M" | awk '$1 == "page" { print $2; exit }')
FEED=$(c "$P" | grep -o 'value="https[^"]*\.ics"' | sed 's/value="\(.*\)"/\1/')
check "the calendar's address is the proxy's" grep -q "^https://$HOST:$NPORT/k/" <<<"$FEED"
check "and subscribes through it" bash -c "curl -s --resolve '$HOST:$NPORT:127.0.0.1' --cacert '$N/ca.pem' '$FEED' | grep -q '^BEGIN:VCALENDAR'"
check "the intake's API is not reachable through the pages' host" [ "$(c -o /dev/null -w '%{http_code}' "https://$HOST:$NPORT/api/v1/health")" = 404 ]
check "plain http gets no page (nginx's 400)" [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$NPORT$(sed 's|^https://[^/]*||' <<<"$L")")" = 400 ]
check "no token in nginx's logs" bash -c "! grep -rq '/l/\|/k/' '$N/logs'"
