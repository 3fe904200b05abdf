#!/usr/bin/python3
"""Mutation testing: how many small, realistic bugs does the suite catch?

    tests/mutate.py [--check] [--keep] [--list] [FILE.mut ...]

Each mutant in tests/mutants/*.mut (or the files named) is applied, one at
a time, to a copy of the tree (the worktree's files as they are now,
committed or not; never the worktree itself) with a build of its own; the
tests named for it are built and run, and the first one that fails kills
the mutant.  With --check, each survivor is given a second chance to die:
the whole suite (`make check-built`) runs on it.  At the end the kill rate
and the survivors are printed; the exit status is 0 when every mutant
applied and compiled, whatever the rate (the rate is a figure to record,
not a gate).

The mutant files, one per module:

    # Comments start with '#'; the comment just above a mutant names it.
    file daemon/core/calendar.c        the file the following mutants change
    tests test_calendar reminders.sh   the tests that should catch them:
                                       unit tests by binary name, integration
                                       scripts by file name

    # a weekend counted as a working day
    - wd == 0 || wd == 6
    + wd == 0

The text after '- ' must occur exactly once in the file (a mutant whose
text is gone or ambiguous is reported as stale, so the list follows the
code); the text after '+ ' replaces it.  Both are one line, exact, spaces
and all.  A 'tests' or 'file' line applies to every mutant below it.

FILE.mut:LINE picks one mutant (the line of its '-').  --keep leaves the
copy (its path is printed); --list only checks that every mutant
applies.  MUTATE_TIMEOUT (seconds, default 300) bounds each test; a test
that runs over counts as failing, as it would in CI.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = int(os.environ.get("MUTATE_TIMEOUT", "300"))
BUILD = "build"


class Mutant:
    def __init__(self, src, line, name, path, old, new, tests):
        self.src, self.line, self.name = src, line, name
        self.path, self.old, self.new, self.tests = path, old, new, tests
        self.result, self.by = None, None

    def where(self):
        return "%s:%d" % (os.path.relpath(self.src, TOP), self.line)


def parse(src):
    out = []
    path, tests, name, old, old_line = None, [], None, None, 0
    with open(src, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("#"):
                name = line[1:].strip()
            elif line.startswith("file "):
                path = line[5:].strip()
            elif line.startswith("tests "):
                tests = line[6:].split()
            elif line.startswith("- "):
                old, old_line = line[2:], n
            elif line.startswith("+ ") or line == "+":
                if old is None or path is None or not tests:
                    sys.exit("%s:%d: '+' needs a 'file', a 'tests' and a "
                             "'-' line above it" % (src, n))
                out.append(Mutant(src, old_line, name or "(unnamed)", path,
                                  old, line[2:], list(tests)))
                old, name = None, None
            elif line.strip() == "":
                name = None if old is None else name
            else:
                sys.exit("%s:%d: not a mutant line: %s" % (src, n, line))
    if old is not None:
        sys.exit("%s:%d: a '-' line without its '+'" % (src, old_line))
    return out


def copy_tree(dest):
    """The worktree's files as they are now (tracked or new, not ignored)."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=TOP, check=True, capture_output=True).stdout.split(b"\0")
    for f in files:
        f = f.decode()
        if not f or not os.path.isfile(os.path.join(TOP, f)):
            continue
        os.makedirs(os.path.join(dest, os.path.dirname(f)), exist_ok=True)
        shutil.copy2(os.path.join(TOP, f), os.path.join(dest, f))
    # Test tooling from the npm registry, for the browser tests.
    nm = os.path.join(TOP, "tests", "node_modules")
    if os.path.isdir(nm):
        os.symlink(nm, os.path.join(dest, "tests", "node_modules"))


def make(tree, *targets):
    r = subprocess.run(["make", "-s", "--no-print-directory", "BUILD=" + BUILD]
                       + list(targets), cwd=tree, capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


def unit_targets(tests):
    return ["%s/tests/%s" % (BUILD, t) for t in tests if not t.endswith(".sh")]


def build_targets(tests):
    """The unit tests' binaries, and the daemon when a script runs it."""
    return unit_targets(tests) + (["all"] if any(t.endswith(".sh")
                                                 for t in tests) else [])


def run_test(tree, test):
    """True when the test passes."""
    if test.endswith(".sh"):
        cmd = ["bash", "tests/integration/" + test]
    else:
        cmd = ["%s/tests/%s" % (BUILD, test)]
    env = dict(os.environ, BUILD=BUILD)
    # As tests/run-tests.sh counts: a test passes when it exits 0 and its
    # last "NAME: N passed, N failed" line says 0 failed (a script's exit
    # status alone is not enough).  In a group of its own, so that a
    # test's daemons and servers end with it.
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, cwd=tree, env=env, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc = p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return False
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        out.seek(0)
        tally = re.findall(rb"^[A-Za-z0-9_.-]+: [0-9]+ passed, ([0-9]+) failed",
                           out.read(), re.M)
    return rc == 0 and bool(tally) and int(tally[-1]) == 0


def apply(tree, m):
    """The original text of m's file, or None when m does not apply."""
    p = os.path.join(tree, m.path)
    try:
        with open(p, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None, "no such file"
    count = text.count(m.old)
    if count != 1:
        return None, "text found %d times" % count
    with open(p, "w", encoding="utf-8") as f:
        f.write(text.replace(m.old, m.new, 1))
    return text, None


def restore(tree, m, text):
    with open(os.path.join(tree, m.path), "w", encoding="utf-8") as f:
        f.write(text)


def stop(signum, frame):
    raise KeyboardInterrupt


def main(argv):
    signal.signal(signal.SIGTERM, stop)
    check = "--check" in argv
    keep = "--keep" in argv
    only_list = "--list" in argv
    srcs = [a for a in argv if not a.startswith("--")]
    if not srcs:
        d = os.path.join(TOP, "tests", "mutants")
        srcs = sorted(os.path.join(d, f) for f in os.listdir(d)
                      if f.endswith(".mut"))
    mutants = []
    for s in srcs:
        # FILE.mut:LINE picks the mutant whose '-' line is LINE.
        path, _, line = s.rpartition(":")
        if path and line.isdigit():
            mutants += [m for m in parse(path) if m.line == int(line)]
        else:
            mutants += parse(s)

    tree = tempfile.mkdtemp(prefix="planwatch-mutate.")
    t0 = time.time()
    try:
        copy_tree(tree)
        stale = []
        for m in mutants:
            text, why = apply(tree, m)
            if text is None:
                m.result, m.by = "stale", why
                stale.append(m)
            else:
                restore(tree, m, text)
        for m in stale:
            print("stale     %s %s: %s (%s)" % (m.where(), m.path, m.by, m.name))
        if only_list:
            print("mutate: %d mutants, %d stale" % (len(mutants), len(stale)))
            return 1 if stale else 0

        print("mutate: building a copy of the tree in %s" % tree, flush=True)
        alltests = sorted({t for m in mutants for t in unit_targets(m.tests)})
        ok, log = make(tree, "all", *alltests)
        if not ok:
            print(log)
            sys.exit("mutate: the unmutated tree does not build")
        for m in mutants:
            if m.result:
                continue
            text, _ = apply(tree, m)
            try:
                ok, log = make(tree, *build_targets(m.tests))
                if not ok:
                    m.result = "no-build"
                else:
                    for t in m.tests:
                        if not run_test(tree, t):
                            m.result, m.by = "killed", t
                            break
                    else:
                        m.result = "survived"
                        if check:
                            ok, _ = make(tree, "check-built")
                            if not ok:
                                m.result, m.by = "killed", "make check"
            finally:
                restore(tree, m, text)
            print("%-9s %s %s%s -- %s" % (
                m.result, m.where(), m.path,
                " (by %s)" % m.by if m.by else "", m.name), flush=True)
    finally:
        if keep:
            print("mutate: the copy is kept in %s" % tree)
        else:
            shutil.rmtree(tree, ignore_errors=True)

    counted = [m for m in mutants if m.result in ("killed", "survived")]
    killed = [m for m in counted if m.result == "killed"]
    survivors = [m for m in counted if m.result == "survived"]
    broken = [m for m in mutants if m.result == "no-build"]
    if survivors:
        print("survivors:")
        for m in survivors:
            print("  %s %s: %s" % (m.where(), m.path, m.name))
    rate = 100.0 * len(killed) / len(counted) if counted else 0.0
    print("mutate: %d of %d mutants killed (%.0f%%), %d survived, "
          "%d did not compile, %d stale; %s, %d s" % (
              len(killed), len(counted), rate, len(survivors), len(broken),
              len(stale), "named tests and make check on survivors"
              if check else "named tests", time.time() - t0))
    return 1 if stale or broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
