#!/bin/bash
# planwatchctl's grammar against its manual: the usage is printed from
# the table of commands the command line is checked against, so every
# command it lists, with the options it takes, must be the manual's
# (docs/planwatchctl.8), and the other way round.  Needs no daemon.
. tests/integration/lib.sh
trap finish EXIT

"$PLANWATCHCTL" -h 2>"$T/usage"
rc=$?
check "the usage exits 2" [ $rc = 2 ]
"$PLANWATCHCTL" no-such-command 2>"$T/usage2"
rc=$?
check "an unknown command: the same usage, exit 2" [ $rc = 2 ]
check "  (the same usage)" cmp -s "$T/usage" "$T/usage2"
"$PLANWATCHCTL" status --no-such-option 2>"$T/usage3"
rc=$?
check "an option a command does not take: the usage, exit 2" [ $rc = 2 ]
check "  (the same usage)" cmp -s "$T/usage" "$T/usage3"

# Each command's words and options, from the usage and from the manual.
/usr/bin/python3 - "$T/usage" docs/planwatchctl.8 >"$T/diff" 2>&1 <<'PY'
import re, sys

OPT = re.compile(r"(?<![(\w-])--?[a-z][a-z-]*")

def usage(path):
    rows, cur = {}, None
    for line in open(path, encoding="utf-8").read().splitlines()[2:]:
        if re.match(r"  [a-z]", line):
            words = []
            for w in re.split(r"\s{2,}", line.strip())[0].split():
                if not re.fullmatch(r"[a-z][a-z-]*", w):
                    break
                words.append(w)
            cur = " ".join(words)
            rows[cur] = set()
        rows[cur] |= set(OPT.findall(line))
    return rows

def manual(path):
    rows, text, it = {}, open(path, encoding="utf-8").read(), None
    for m in re.finditer(r"^\.It (Xo\n\.)?Cm ([^\n]*(?:\n(?!\.Xc)[^\n]*)*?)"
                         r"(?=\n\.Xc|\n)", text, re.M):
        body = m.group(2)
        if m.group(1):	# .It Xo ... .Xc: to the end of the block
            body = text[m.start(2):text.index("\n.Xc", m.start(2))]
        words = []
        for w in body.split():
            if not re.fullmatch(r"[a-z][a-z-]*", w):
                break
            words.append(w)
        opts = {"-" + f for f in re.findall(r"\bFl (-?[a-z][a-z-]*)", body)}
        rows[" ".join(words)] = opts
    return rows

u, m = usage(sys.argv[1]), manual(sys.argv[2])
bad = 0
for cmd in sorted(set(u) | set(m)):
    if cmd not in m:
        print("in the usage, not in the manual:", cmd); bad = 1
    elif cmd not in u:
        print("in the manual, not in the usage:", cmd); bad = 1
    elif u[cmd] != m[cmd]:
        print("%s: usage %s, manual %s" % (cmd, sorted(u[cmd]),
              sorted(m[cmd]))); bad = 1
print("%d commands" % len(u))
sys.exit(bad)
PY
check "every command and option in the usage is the manual's, and back" \
    [ $? = 0 ]
cat "$T/diff"
n=$(sed -n 's/^\([0-9]*\) commands$/\1/p' "$T/diff")
check "all 30 commands compared" [ "${n:-0}" -ge 30 ]
