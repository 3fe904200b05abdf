#!/usr/bin/python3
"""mailparse.py: decode a message the way a real mail client would.

Reads one RFC 5322 message (a file name, or standard input when none is
given) with the standard library's email package, an implementation
independent of planwatch's encoder, and prints:

    header NAME: decoded value        one line per header field, in order
    (a blank line)
    the decoded text/plain body, as UTF-8 with LF line ends

Exit status 1 when the message has defects (the parser's complaints are
printed to standard error), so tests notice malformed output, not just
wrong text.  Used by tests/test_mail.c and the integration tests; run it
with /usr/bin/python3 (Debian's), nothing outside the stdlib is needed.
"""
import sys
from email import policy
from email.parser import BytesParser


def main():
    if len(sys.argv) > 1:
        with open(sys.argv[1], "rb") as f:
            raw = f.read()
    else:
        raw = sys.stdin.buffer.read()
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    out = sys.stdout.buffer
    status = 0
    for name, value in msg.items():
        # str() of a header under policy.default is the decoded text.
        text = " ".join(str(value).split())
        out.write(("header %s: %s\n" % (name, text)).encode("utf-8"))
        for d in getattr(value, "defects", ()):
            sys.stderr.write("defect in %s: %r\n" % (name, d))
            status = 1
    for d in msg.defects:
        sys.stderr.write("defect: %r\n" % (d,))
        status = 1
    out.write(b"\n")
    body = msg.get_content().replace("\r\n", "\n")
    out.write(body.encode("utf-8"))
    out.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
