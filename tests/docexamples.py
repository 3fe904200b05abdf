#!/usr/bin/python3
"""docexamples.py: run every example in the documentation.

The README, every guide in docs/*.md and every man page in docs/*.[58]
show commands, configuration and reports.  This script finds each
example and runs it the way a reader would, so an example that no
longer works fails `make check`.

How an example is marked
------------------------

Markdown (README.md, docs/*.md): every example is a fenced block whose
info string names its language, and for some languages what it is:

    ```sh                commands: run with bash -e, must exit 0
    ```json              must parse as JSON
    ```json report       a concern report: posted to the HTTP intake,
                         must be answered 201 (event_date is set to a
                         recent day first: a report may not be older
                         than a year or in the future)
    ```conf FILE         a piece of configuration: FILE is planwatch.conf,
                         organization.conf, calendar.conf, routing.conf,
                         rules (a whole reminders.conf), rule-steps (steps
                         of one ladder) or plan (a whole plan file); it is
                         put in place in a scratch copy of the installed
                         configuration and `planwatchd -n` must print
                         `configuration OK`; the copy is then restored.
                         FILE may also be a path (~/x/planwatch.conf): a
                         file the reader made in an earlier example, which
                         then keeps the change
    ```nginx             an nginx server block: `nginx -t` must accept it
    ```text              output, listings, sketches: not run

A fence without an info string, or with one not listed, fails the test,
so a new example is either run or said not to be.  An HTML comment on
the line before a fence changes how it is run:

    <!-- test: background until PATH -->   start it and go on once PATH
                                           exists (the daemon's socket);
                                           stopped with SIGINT (Ctrl-C)
                                           at the next background block
                                           and at the end
    <!-- test: not run: REASON -->         not run; REASON is printed
    <!-- test: fails -->                   must exit non-zero

Man pages (mdoc): every `.Bd -literal` display must be preceded by a
comment line `.\\" test: KIND`, where KIND is one of the info strings
above or `not run: REASON`.

Where the examples run
----------------------

Each document gets a world of its own in a temporary directory W.  The
README's is a fresh clone (a copy of conf/ and rules/, links to the
Makefile, daemon/, tests/ and the build directory, so `make run` works
there) and is followed from nothing, as a new user would.  Every other
document's is an installed system, `make install DESTDIR=W`: the paths
/etc/planwatch, /var/lib/planwatch and /run/planwatch in an example stand
for W/etc/planwatch and so on, `planwatchctl` and `planwatchd` find the
installed configuration without -f, `sudo` is dropped and `sudoedit`
(the reader's own edit) does nothing.  A daemon already runs there on a
test clock (2020-04-15 07:00, inside the shipped plan's life) with the
HTTP intake on a free port (for 127.0.0.1:8025 in examples), a client
token in $TOKEN, a valid report in ~/report.json (the working directory
is W/home) and a dozen reports stored; the user running the test is the
coordinator.  Examples run in order, and a
`cd` in one holds for the next.

Usage: docexamples.py TOP BUILD [DOC...]
Prints `ok:`/`FAIL:` lines and closes with `docs: N passed, N failed`.
"""
import datetime
import glob
import grp
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TEST_CLOCK = "2020-04-15T07:00"
KINDS_CONF = ("planwatch.conf", "organization.conf", "calendar.conf",
              "routing.conf", "rules", "rule-steps", "plan")

npass = 0
nfail = 0


def ok(msg):
    global npass
    npass += 1
    print("ok: " + msg, flush=True)


def not_ok(msg, detail=""):
    global nfail
    nfail += 1
    print("FAIL: " + msg, flush=True)
    if detail:
        for line in detail.rstrip("\n").split("\n"):
            print("    " + line)


def tail(text, n):
    lines = text.rstrip("\n").split("\n")
    return "\n".join(lines[-n:]) + "\n" if text else ""


class Block:
    def __init__(self, doc, line, info, text, note):
        self.doc = doc          # path relative to TOP
        self.line = line        # line of the opening fence or .Bd
        self.info = info.split()
        self.text = text
        self.note = note        # the test: comment, or ""

    def where(self):
        return "%s:%d" % (self.doc, self.line)


def markdown_blocks(path, rel):
    blocks = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)```(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, info = m.group(1), m.group(2).strip()
        note = ""
        if i > 0:
            c = re.match(r"^\s*<!--\s*test:\s*(.*?)\s*-->\s*$", lines[i - 1])
            if c:
                note = c.group(1)
        start = i + 1
        j = start
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            j += 1
        body = [l[len(indent):] if l.startswith(indent) else l
                for l in lines[start:j]]
        blocks.append(Block(rel, i + 1, info, "\n".join(body) + "\n", note))
        i = j + 1
    return blocks


def mdoc_unescape(s):
    return (s.replace("\\e", "\\").replace("\\-", "-").replace("\\&", "")
            .replace("\\(aq", "'").replace("\\(dq", '"'))


def man_blocks(path, rel):
    blocks = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith(".Bd -literal"):
            i += 1
            continue
        note = None
        if i > 0:
            c = re.match(r'^\.\\"\s*test:\s*(.*?)\s*$', lines[i - 1])
            if c:
                note = c.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith(".Ed"):
            j += 1
        text = "\n".join(mdoc_unescape(l) for l in lines[i + 1:j]) + "\n"
        info, n = "", ""
        if note is not None:
            if note.startswith("not run") or note.startswith("background") \
                    or note == "fails":
                info, n = "sh", note
            else:
                info = note
        blocks.append(Block(rel, i + 1, info, text, n))
        i = j + 1
    return blocks


def nap(seconds):
    """Sleep.  Not time.sleep(): under `make check-later` libfaketime
    turns its absolute monotonic deadline into EINVAL."""
    select.select([], [], [], seconds)


def wait_exit(p, seconds):
    """Wait up to seconds for process p; True when it ended."""
    end = time.monotonic() + seconds
    while p.poll() is None:
        if time.monotonic() > end:
            return False
        nap(0.05)
    return True


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def top_setting(text, name):
    """(start, end) of the top-level setting NAME = ...; in libconfig
    text, or None.  Strings and comments are skipped."""
    m = re.search(r"(?m)^%s\s*[=:]" % re.escape(name), text)
    if not m:
        return None
    i, depth = m.end(), 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "#" or text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
        elif c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == ";" and depth == 0:
            return (m.start(), i + 1)
        i += 1
    return (m.start(), len(text))


def top_names(text):
    """Names of the top-level settings in a libconfig fragment."""
    names, depth, i = [], 0, 0
    at_start = True
    while i < len(text):
        c = text[i]
        if c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "#" or text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        elif c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0 and at_start:
            m = re.match(r"([A-Za-z_][A-Za-z0-9_-]*)\s*[=:]", text[i:])
            if m:
                names.append(m.group(1))
                i += m.end()
                at_start = False
                continue
        if depth == 0 and c == ";":
            at_start = True
        i += 1
    return names


def splice(conf_text, fragment):
    """conf_text with each top-level setting of fragment replaced (or
    added when the configuration has none of that name)."""
    for name in top_names(fragment):
        frag = top_setting(fragment, name)
        piece = fragment[frag[0]:frag[1]]
        span = top_setting(conf_text, name)
        if span:
            conf_text = conf_text[:span[0]] + piece + conf_text[span[1]:]
        else:
            conf_text += "\n" + piece + "\n"
    return conf_text


class World:
    """A scratch machine on which a document's examples run.

    The README's world is a fresh clone (conf/, rules/, var/ in the
    tree).  Every other document's is an installed system: `make
    install DESTDIR=W`, so /etc/planwatch is W/etc/planwatch and so on,
    with the admin's home directory W/home as the working directory."""

    def __init__(self, top, build, readme):
        self.top = top
        self.build = build
        self.dir = tempfile.mkdtemp(prefix="planwatch-docs.")
        self.tree = os.path.join(self.dir, "tree")
        os.mkdir(self.tree)
        for d in ("conf", "rules"):
            shutil.copytree(os.path.join(top, d), os.path.join(self.tree, d))
        for d in ("Makefile", "daemon", "tests", "docs", "systemd"):
            os.symlink(os.path.join(top, d), os.path.join(self.tree, d))
        os.symlink(os.path.join(top, build), os.path.join(self.tree, "build"))
        self.env = dict(os.environ)
        for k in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES",
                  "BUILD", "CFLAGS", "LDFLAGS"):
            self.env.pop(k, None)
        self.home = os.path.join(self.dir, "home")
        os.mkdir(self.home)
        self.env["HOME"] = self.home
        self.bg = []
        self.daemon = None
        self.port = free_port()
        self.port2 = free_port()
        if readme:
            self.cwd = self.tree
            self.conf = os.path.join(self.tree, "conf", "planwatch.conf")
            self.set_port(self.port)
            return
        self.cwd = self.home
        r = subprocess.run(["make", "-s", "install", "DESTDIR=" + self.dir,
                            "PREFIX=/usr"], cwd=self.tree, env=self.env,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("make install: " + r.stdout + r.stderr)
        self.conf = self.path("/etc/planwatch/planwatch.conf")
        s = open(self.conf).read()
        for p in ("/var/lib/planwatch", "/run/planwatch"):
            s = s.replace('"' + p, '"' + self.path(p))
        # The admin group systemd-sysusers makes is not on a test
        # machine: the tester's own group stands in for it.
        s = s.replace('admin_group = "planwatch-admin";',
                      'admin_group = "%s";' % grp.getgrgid(os.getgid()).gr_name)
        open(self.conf, "w").write(s)
        # The admin who follows the guide is also the coordinator, whose
        # login organization.conf names.
        org = self.path("/etc/planwatch/organization.conf")
        o = open(org).read()
        o = o.replace('user = "samordnare";',
                      'user = "%s";' % pwd.getpwuid(os.getuid()).pw_name, 1)
        open(org, "w").write(o)
        os.makedirs(self.path("/run/planwatch"))
        os.makedirs(self.path("/var/lib"))
        self.set_port(self.port)
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        for prog in ("planwatchd", "planwatchctl"):
            w = os.path.join(self.bin, prog)
            real = os.path.join(top, build, prog)
            with open(w, "w") as f:
                f.write('#!/bin/sh\n'
                        'case " $* " in *" -f "*) exec "%s" "$@";; esac\n'
                        'exec "%s" -f "%s" "$@"\n' % (real, real, self.conf))
            os.chmod(w, 0o755)
        self.env["PATH"] = self.bin + ":" + self.env["PATH"]
        self.start_daemon()

    def path(self, p):
        """The world's file for the installed path p."""
        return os.path.join(self.dir, p.lstrip("/"))

    def set_port(self, port):
        s = open(self.conf).read()
        s = re.sub(r'listen = "127\.0\.0\.1:\d+";',
                   'listen = "127.0.0.1:%d";' % port, s)
        # The pages' links point at the same listener.
        s = re.sub(r'base_url = "http://127\.0\.0\.1:\d+";',
                   'base_url = "http://127.0.0.1:%d";' % port, s)
        open(self.conf, "w").write(s)

    def ctl(self, *args):
        return subprocess.run(
            [os.path.join(self.top, self.build, "planwatchctl"), "-f",
             self.conf] + list(args), capture_output=True, text=True,
            env=self.env)

    def wait_socket(self, path, proc, timeout=30):
        t = time.time() + timeout
        while time.time() < t:
            if os.path.exists(path):
                return True
            if proc.poll() is not None:
                return False
            nap(0.05)
        return False

    def start_daemon(self):
        log = open(os.path.join(self.dir, "daemon.log"), "ab")
        self.daemon = subprocess.Popen(
            [os.path.join(self.top, self.build, "planwatchd"), "-d", "-f",
             self.conf, "--test-clock=" + TEST_CLOCK],
            stdout=log, stderr=subprocess.STDOUT, env=self.env)
        sock = self.path("/run/planwatch/control.sock")
        if not self.wait_socket(sock, self.daemon):
            raise RuntimeError("the daemon did not start:\n" + self.log())
        # A client token, as the admin guide makes one.
        r = self.ctl("token", "new", "intranet")
        m = re.search(r"^\s+(\S+)\s*$", r.stdout, re.M)
        line = re.search(r"^\s+(\{ name = .*\})\s*$", r.stdout, re.M)
        if r.returncode != 0 or not m or not line:
            raise RuntimeError("token new: " + r.stdout + r.stderr)
        self.token = m.group(1)
        s = open(self.conf).read()
        s = re.sub(r"clients = \( *\);", "clients = ( %s );" % line.group(1),
                   s)
        open(self.conf, "w").write(s)
        r = self.ctl("reload")
        if r.returncode != 0:
            raise RuntimeError("reload: " + r.stdout + r.stderr)
        self.env["TOKEN"] = self.token
        with open(os.path.join(self.home, "report.json"), "w") as f:
            f.write(json.dumps(sample_report()) + "\n")
        for i in range(12):
            st, body = self.post(sample_report(), self.token)
            if st != 201:
                raise RuntimeError("setup report %d: %d %s" % (i, st, body))
        self.daemon_conf = open(self.conf).read()

    def post(self, report, token):
        req = urllib.request.Request(
            "http://127.0.0.1:%d/api/v1/reports" % self.port,
            data=json.dumps(report).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def log(self):
        p = os.path.join(self.dir, "daemon.log")
        return open(p, errors="replace").read() if os.path.exists(p) else ""

    def stop_background(self):
        for p, log in self.bg:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGINT)
                if not wait_exit(p, 30):
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
            log.close()
        self.bg = []

    def close(self):
        self.stop_background()
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            if not wait_exit(self.daemon, 30):
                self.daemon.kill()
                self.daemon.wait()
        if not os.environ.get("PLANWATCH_DOCS_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)


def test_day():
    """The day reports are dated: three days before the test clock."""
    d = datetime.date.fromisoformat(TEST_CLOCK[:10])
    return (d - datetime.timedelta(days=3)).isoformat()


def sample_report():
    return {"event_date": test_day(), "unit": "kulturhuset",
            "place_type": "fritidsgard", "kind": "klotter-symboler",
            "milieu": "vit-makt", "concerns_minor": False,
            "urgency": "normal", "police_informed": True,
            "social_services_informed": False,
            "description": "Klotter vid entrén. Sanerat samma dag."}


INSTALLED = ("/etc/planwatch", "/var/lib/planwatch", "/run/planwatch")


def installed_paths(w, text):
    # sudoedit stands for the reader's own edit: nothing to do here.
    text = re.sub(r"\bsudoedit\b", ": sudoedit", text)
    text = re.sub(r"\bsudo\s+(-u\s+\S+\s+)?", "", text)
    for p in INSTALLED:
        text = re.sub(r"(?<![\w/])" + re.escape(p), w.path(p), text)
    text = text.replace("127.0.0.1:8025", "127.0.0.1:%d" % w.port)
    text = text.replace("127.0.0.1:8026", "127.0.0.1:%d" % w.port2)
    return text


def run_sh(w, b, readme):
    note = b.note
    text = b.text if readme else installed_paths(w, b.text)
    if note.startswith("background"):
        m = re.match(r"background until (\S+)$", note)
        if not m:
            not_ok("%s: 'background' needs 'until PATH'" % b.where())
            return
        w.stop_background()
        log = open(os.path.join(w.dir, "bg.log"), "ab")
        p = subprocess.Popen(["bash", "-c", text], cwd=w.cwd, env=w.env,
                             stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
        w.bg.append((p, log))
        path = os.path.join(w.cwd, m.group(1))
        if w.wait_socket(path, p, 120):
            ok("%s: started in the background" % b.where())
        else:
            log.flush()
            not_ok("%s: %s did not appear" % (b.where(), m.group(1)),
                   open(os.path.join(w.dir, "bg.log"),
                        errors="replace").read())
        return
    # A reader who changed directory in one example is still there in
    # the next.
    cwdfile = os.path.join(w.dir, ".cwd")
    # timeout(1), not subprocess's own: see nap().
    r = subprocess.run(["timeout", "300", "bash", "-e", "-o", "pipefail",
                        "-c", text + '\npwd > "%s"\n' % cwdfile],
                       cwd=w.cwd, env=w.env, capture_output=True,
                       text=True)
    if r.returncode == 0 and os.path.exists(cwdfile):
        w.cwd = open(cwdfile).read().strip()
    first = b.text.strip().split("\n")[0][:60]
    if (r.returncode == 0) == (note != "fails"):
        ok("%s: %s" % (b.where(), first))
    else:
        not_ok("%s: %s (exit %d)" % (b.where(), first, r.returncode),
               tail(r.stdout + r.stderr, 30) + "--- the daemon's log:\n" +
               tail(w.log(), 10))


def check_conf(w, b, kind):
    frag = installed_paths(w, b.text)
    frag = frag.replace('"<64 hex digits>"', '"' + "0" * 64 + '"')
    conf_dir = os.path.dirname(w.conf)
    rules_dir = os.path.join(conf_dir, "rules")
    saved = {}

    def put(path, text):
        if path not in saved:
            saved[path] = open(path).read() if os.path.exists(path) else None
        with open(path, "w") as f:
            f.write(text)

    # What the examples' secret_file names must exist, owner-only.
    for m in re.finditer(r'secret_file\s*=\s*"([^"]+)"', frag):
        p = m.group(1)
        if not os.path.exists(p) and p.startswith(w.dir + "/"):
            put(p, "example-password\n")
            os.chmod(p, 0o600)
    if kind == "planwatch.conf":
        put(w.conf, splice(open(w.conf).read(), frag))
    elif kind in ("organization.conf", "calendar.conf"):
        p = os.path.join(conf_dir, kind)
        put(p, splice(open(p).read(), frag))
    elif kind == "routing.conf":
        p = os.path.join(rules_dir, "routing.conf")
        put(p, splice(open(p).read(), frag))
    elif kind == "rules":
        put(os.path.join(rules_dir, "reminders.conf"), frag)
    elif kind == "rule-steps":
        steps = frag.strip().rstrip(",")
        put(os.path.join(rules_dir, "doc-example.conf"),
            'rules = ( { id = "doc-example"; event = "checkpoint";\n'
            'steps = (\n%s\n); } );\n' % steps)
    elif kind == "plan":
        m = re.search(r'id\s*=\s*"([^"]+)"', frag)
        name = (m.group(1) if m else "doc-example") + ".conf"
        put(os.path.join(conf_dir, "plans", name), frag)
    conf = w.conf
    if kind not in KINDS_CONF:
        # A piece of the reader's own copy: it stays as edited.
        conf = kind.replace("~", w.home, 1)
        text = splice(open(conf).read(), frag)
        with open(conf, "w") as f:
            f.write(text)
    r = subprocess.run([os.path.join(w.top, w.build, "planwatchd"), "-n",
                        "-f", conf], capture_output=True, text=True,
                       env=w.env)
    out = r.stdout + r.stderr
    if r.returncode == 0 and "configuration OK" in out:
        ok("%s: conf %s loads" % (b.where(), kind))
    else:
        not_ok("%s: conf %s does not load" % (b.where(), kind),
               out + "--- the file as tested:\n" + frag)
    for p, text in saved.items():
        if text is None:
            os.unlink(p)
        else:
            with open(p, "w") as f:
                f.write(text)


def check_report(w, b):
    try:
        rep = json.loads(b.text)
    except ValueError as e:
        not_ok("%s: not JSON: %s" % (b.where(), e))
        return
    if "event_date" in rep:
        rep["event_date"] = test_day()
    st, body = w.post(rep, w.token)
    if st == 201:
        ok("%s: the report is accepted (201)" % b.where())
    else:
        not_ok("%s: the report is answered %d" % (b.where(), st), body)


def check_nginx(w, b):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    d = os.path.join(w.dir, "nginx")
    os.makedirs(os.path.join(d, "logs"), exist_ok=True)
    cert, key = os.path.join(d, "c.pem"), os.path.join(d, "k.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-keyout", key, "-out", cert], capture_output=True)
    text = re.sub(r"ssl_certificate\s+\S+;", "ssl_certificate %s;" % cert,
                  b.text)
    text = re.sub(r"ssl_certificate_key\s+\S+;",
                  "ssl_certificate_key %s;" % key, text)
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write("pid %s/nginx.pid;\nerror_log %s/logs/error.log;\n"
                "events {}\nhttp {\n%s\n}\n" % (d, d, text))
    r = subprocess.run([nginx, "-t", "-q", "-p", d, "-c",
                        os.path.join(d, "nginx.conf")],
                       capture_output=True, text=True)
    if r.returncode == 0:
        ok("%s: nginx -t accepts it" % b.where())
    else:
        not_ok("%s: nginx -t refuses it" % b.where(), r.stdout + r.stderr)


def run_doc(top, build, rel):
    path = os.path.join(top, rel)
    if rel.endswith(".md"):
        blocks = markdown_blocks(path, rel)
    else:
        blocks = man_blocks(path, rel)
    if not blocks:
        return
    readme = rel == "README.md"
    try:
        w = World(top, build, readme)
    except Exception as e:
        not_ok("%s: the world for its examples: %s" % (rel, e))
        return
    try:
        for b in blocks:
            kind = b.info[0] if b.info else ""
            if b.note.startswith("not run"):
                if not re.match(r"not run: \S", b.note):
                    not_ok("%s: 'not run' needs a reason" % b.where())
                else:
                    print("skip: %s: %s" % (b.where(), b.note[9:]))
                continue
            if kind == "text":
                continue
            if kind == "sh":
                run_sh(w, b, readme)
            elif kind == "json" and b.info[1:] == ["report"]:
                check_report(w, b)
            elif kind == "json":
                try:
                    json.loads(b.text)
                    ok("%s: JSON parses" % b.where())
                except ValueError as e:
                    not_ok("%s: not JSON: %s" % (b.where(), e))
            elif kind == "conf" and len(b.info) == 2 and \
                    (b.info[1] in KINDS_CONF or "/" in b.info[1]):
                check_conf(w, b, b.info[1])
            elif kind == "nginx":
                check_nginx(w, b)
            else:
                not_ok("%s: an example must say what it is (info string "
                       "%r; see tests/docexamples.py)"
                       % (b.where(), " ".join(b.info)))
    finally:
        w.close()


def main():
    top, build = os.path.abspath(sys.argv[1]), sys.argv[2]
    docs = sys.argv[3:] or (["README.md"] + sorted(
        os.path.relpath(p, top) for p in
        glob.glob(os.path.join(top, "docs", "*.md")) +
        glob.glob(os.path.join(top, "docs", "*.[58]"))))
    for rel in docs:
        run_doc(top, build, rel)
    print("docs: %d passed, %d failed" % (npass, nfail))
    return 0 if nfail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
