#!/usr/bin/python3
"""smtpd.py: a fault-injecting SMTP server for planwatch's transport tests.

Run it with /usr/bin/python3: Debian's python3-aiosmtpd is installed for
that interpreter only.  It listens on 127.0.0.1 only, and prints
"ready PORT" on stdout once it accepts connections (--port 0 picks a free
port), so tests wait for that line instead of sleeping.

Faults by the local part of a recipient address:
    temp*   RCPT answered 451
    perm*   RCPT answered 550
    slowN*  RCPT answered 250 after N seconds (e.g. slow3x@example.org)

Modes:
    --drop-after-data    store the message, then close without a reply
    --no-greeting        accept connections and never say anything
    --stall-greeting N   wait N seconds before the 220 greeting

Received messages go to --dump-dir as N.eml (the bytes after
dot-unstuffing, CRLF line ends as received) and one JSON line per message
in log.jsonl: {"n": N, "from": ..., "rcpts": [...], "auth": user or null,
"tls": bool,
"conn": the number of the connection it came over}.
"""

import argparse
import asyncio
import json
import os
import re
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("temp"):
            return "451 4.3.0 Temporary failure for this mailbox"
        if local.startswith("perm"):
            return "550 5.1.1 No such mailbox"
        m = re.match(r"slow(\d+)", local)
        if m:
            await asyncio.sleep(int(m.group(1)))
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        if self.args.dump_dir:
            path = os.path.join(self.args.dump_dir, "%d.eml" % n)
            with open(path + ".tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(path + ".tmp", path)
            auth = None
            if session.auth_data is not None:
                auth = session.auth_data.login.decode("utf-8", "replace")
            line = json.dumps({
                "n": n,
                "from": envelope.mail_from,
                "rcpts": list(envelope.rcpt_tos),
                "auth": auth,
                "tls": session.ssl is not None,
                "conn": server.conn_no,
            })
            with open(os.path.join(self.args.dump_dir, "log.jsonl"),
                      "a") as f:
                f.write(line + "\n")
        if self.args.drop_after_data:
            # The message is stored; the client never learns it.
            server.transport.abort()
            return "250 never sent"
        return "250 2.0.0 Message %d accepted" % n


class Server(SMTP):
    stall = 0.0
    connections = 0

    def connection_made(self, transport):
        Server.connections += 1
        self.conn_no = Server.connections
        super().connection_made(transport)

    async def _handle_client(self):
        if self.stall < 0:
            # --no-greeting: hold the connection open in silence until
            # the client gives up.
            while self.transport is not None and \
                    not self.transport.is_closing():
                await asyncio.sleep(0.2)
            return
        if self.stall > 0:
            await asyncio.sleep(self.stall)
        await super()._handle_client()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dump-dir")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--auth", help="user:pass; AUTH required")
    p.add_argument("--auth-mech", choices=["PLAIN", "LOGIN"],
                   help="offer only this AUTH mechanism")
    p.add_argument("--drop-after-data", action="store_true")
    p.add_argument("--no-greeting", action="store_true")
    p.add_argument("--stall-greeting", type=float, default=0)
    args = p.parse_args()

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    auth_user = auth_pass = None
    if args.auth:
        auth_user, auth_pass = args.auth.split(":", 1)

    def authenticator(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and
              data.login.decode() == auth_user and
              data.password.decode() == auth_pass)
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=False,
                          auth_data=data if ok else None)

    handler = Handler(args)
    Server.stall = -1 if args.no_greeting else args.stall_greeting

    def factory():
        kw = {}
        if args.auth:
            kw = dict(authenticator=authenticator, auth_required=True,
                      auth_require_tls=tls is not None)
            if args.auth_mech:
                kw["auth_exclude_mechanism"] = [
                    m for m in ("PLAIN", "LOGIN") if m != args.auth_mech]
        return Server(handler, hostname="smtpd.test", tls_context=tls,
                      data_size_limit=None, **kw)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    srv = loop.run_until_complete(
        loop.create_server(factory, host="127.0.0.1", port=args.port))
    port = srv.sockets[0].getsockname()[1]
    sys.stdout.write("ready %d\n" % port)
    sys.stdout.flush()
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")
    main()
