#!/usr/bin/python3
"""maillinks.py: the signed links in a mail, as its reader sees them.

Usage: maillinks.py FILE...  (a Maildir file or an SMTP dump, one message
each).  Prints one line per link in the decoded body, in order:
"KIND URL", where KIND is "message" for the link to the message's own
page and "page" for the person's page ("Mina aktiviteter"), as the
token's first byte says (link.h).  Importable:
links(path) returns the same as (kind, url) pairs, to(path) the
recipient's address.
"""
import base64
import email
import email.policy
import email.utils
import re
import sys

LINK = re.compile(r"https?://[^\s/]+(?:/[^\s/]+)*/l/[A-Za-z0-9_-]{43}")


def message(path):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.default)


def links(path):
    msg = message(path)
    body = msg.get_content()
    out = []
    for m in LINK.finditer(body):
        out.append((link_kind(m.group(0)), m.group(0)))
    return out


def link_kind(url):
    """"message", "page" or "feed": the kind a link's token names."""
    tok = re.search(r"/[lk]/([A-Za-z0-9_-]{43})", url).group(1)
    return {1: "message", 2: "page", 3: "feed"}.get(
        base64.urlsafe_b64decode(tok + "=")[0] & 0x0f, "?")


def to(path):
    return email.utils.parseaddr(str(message(path)["To"]))[1]


if __name__ == "__main__":
    for p in sys.argv[1:]:
        for kind, url in links(p):
            print(kind, url)
