#!/usr/bin/python3
"""Writes a synthetic configuration for the scheduler benchmark.

gen_plans.py DIR [ACTIVITIES] writes DIR/planwatch.conf, an organisation
of 200 roles (one person each, a reports_to chain, 10 groups), and plans of
1000 activities each, ACTIVITIES (default 100 000) in all, using the
shipped calendar, reminder rules and templates.  Every name and address is made up
(example.org).  Deterministic: the same arguments give the same files.
"""
import os
import random
import sys

SECTIONS = ["forebyggande", "forhindrande", "foreningsbidrag", "kompetens"]
NROLES = 200
NGROUPS = 10
PER_PLAN = 1000


def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    rnd = random.Random(2019)
    os.makedirs(os.path.join(out, "plans"), exist_ok=True)

    with open(os.path.join(out, "planwatch.conf"), "w") as f:
        f.write('state_dir = "%s/state";\n' % os.path.abspath(out))
        f.write('timezone = "Europe/Stockholm";\n')
        f.write('organization = "organization.conf";\n')
        f.write('calendar = "%s/conf/calendar.conf";\n' % repo)
        f.write('plans = "plans";\n')
        f.write('rules = "rules";\n')

    # The shipped reminder rules and templates, without concern routing
    # (its roles belong to the sample organisation).
    rules = os.path.join(out, "rules")
    os.makedirs(rules, exist_ok=True)
    link = os.path.join(rules, "templates")
    if not os.path.lexists(link):
        os.symlink(os.path.join(repo, "rules", "templates"), link)
    with open(os.path.join(repo, "rules", "reminders.conf")) as src, \
            open(os.path.join(rules, "reminders.conf"), "w") as dst:
        dst.write(src.read())

    with open(os.path.join(out, "organization.conf"), "w") as f:
        f.write('committee = { name = "Bench"; diary_number = "1/2019"; };\n')
        f.write('coordinator = { name = "Coordinator"; '
                'email = "coordinator@bench.example.org"; };\n')
        f.write('deputy = { name = "Deputy"; '
                'email = "deputy@bench.example.org"; };\n')
        f.write("roles = (\n")
        for r in range(NROLES):
            up = "" if r == 0 else ' reports_to = "role-%d";' % ((r - 1) // 10)
            f.write('  { id = "role-%d"; name = "Role %d";%s people = ( '
                    '{ name = "Person %d"; email = "p%d@bench.example.org"; } '
                    ') }%s\n' % (r, r, up, r, r,
                                 "," if r + 1 < NROLES else ""))
        f.write(");\ngroups = (\n")
        for g in range(NGROUPS):
            members = ", ".join('"role-%d"' % (g * 10 + k) for k in range(4))
            f.write('  { id = "group-%d"; name = "Group %d"; roles = [ %s ]; }%s\n'
                    % (g, g, members, "," if g + 1 < NGROUPS else ""))
        f.write(");\nunits = ( );\n")

    nplans = (total + PER_PLAN - 1) // PER_PLAN
    n = 0
    for p in range(nplans):
        year = 2019 + p % 3
        with open(os.path.join(out, "plans", "plan-%03d.conf" % p), "w") as f:
            f.write('plan = { id = "plan-%03d"; committee = "Bench"; '
                    'title = "Plan %d"; adopted = "%d-02-01"; year = %d; '
                    'revision = "VB %d"; };\nactivities = (\n'
                    % (p, p, year, year, year))
            count = min(PER_PLAN, total - n)
            for a in range(count):
                kind = rnd.random()
                if kind < 0.6:
                    sched, fu = "Löpande", "I ordinarie verksamhetsuppföljning"
                elif kind < 0.8:
                    sched = "T.o.m. %d-%02d-%02d" % (year + 1, rnd.randint(1, 12),
                                                    rnd.randint(1, 28))
                    fu = "I ordinarie verksamhetsuppföljning"
                else:
                    sched = "%d-%02d-%02d" % (year, rnd.randint(3, 12),
                                             rnd.randint(1, 28))
                    fu = "VB %d" % year
                if rnd.random() < 0.05:
                    resp = "Group %d" % rnd.randrange(NGROUPS)
                else:
                    resp = "Role %d" % rnd.randrange(NROLES)
                f.write('  { id = "p%03d-a%04d"; section = "%s"; '
                        'title = "Activity %d of plan %d"; '
                        'description = "A synthetic activity for the '
                        'benchmark."; responsible = [ "%s" ]; '
                        'schedule = "%s"; followup = [ "%s" ]; }%s\n'
                        % (p, a, SECTIONS[a % 4], a, p, resp, sched, fu,
                           "," if a + 1 < count else ""))
            f.write(");\n")
            n += count


if __name__ == "__main__":
    main()
