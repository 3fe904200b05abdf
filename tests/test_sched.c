/*
 * test_sched: the schedule.  The reference plan with the shipped rules and
 * organisation from 2019-05-15 to 2020-06-30 against a golden list
 * (tests/data/rules/skarpnack-2019-2020.golden; UPDATE_GOLDEN=1 rewrites
 * it, then read the diff), plus what the golden file rests on checked
 * programmatically: working days only, Tertialrapport 1 2020 on the right
 * days, the group fanning out.  Then daylight saving, repeats, filters,
 * who a report stops, occurrence names, sched_next() against sched_each(), key
 * uniqueness and stability, and digests.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "conf.h"
#include "host.h"
#include "rules.h"
#include "sched.h"
#include "util.h"
#include "test.h"
#include "testconf.h"

#define GOLDEN	"tests/data/rules/skarpnack-2019-2020.golden"

static const char *const templates[] = {
	"reminder", "overdue", "escalation", "revision", NULL
};

struct world {
	struct config	*c;
	struct ruleset	*rs;
	struct sched	*s;
};

static int
world_load(struct world *w, const char *conf, const char *rules)
{
	struct diag d = { 0 };

	memset(w, 0, sizeof(*w));
	w->c = test_conf_load(conf, &d);
	if (w->c != NULL)
		w->rs = rules_load_dir(host_source(), rules ? rules :
		    w->c->rules_dir, &w->c->org, templates, &d);
	if (d.nerrors > 0)
		diag_print(&d, stderr);
	diag_free(&d);
	if (w->rs == NULL)
		return -1;
	w->s = sched_build(w->c, w->rs);
	return 0;
}

static void
world_free(struct world *w)
{
	sched_free(w->s);
	rules_free(w->rs);
	conf_free(w->c);
}

static time_t
local(int y, int m, int d, int hh, int mm)
{
	return calendar_local_to_utc(calendar_days(y, m, d), hh * 60 + mm);
}

/* Every line sched_format() gives for entries due in [from, to). */
static char *
listing(const struct sched *s, time_t from, time_t to)
{
	struct sched_recipients r = { 0 };
	struct buf b = { 0 };
	size_t i, k;

	for (i = sched_lower_bound(s, from); i < sched_count(s) &&
	    sched_entry(s, i)->due < to; i++) {
		sched_recipients(s, sched_entry(s, i), NULL, NULL, &r);
		for (k = 0; k < r.n; k++) {
			sched_format(s, sched_entry(s, i), &r.v[k], &b);
			buf_addc(&b, '\n');
		}
	}
	sched_recipients_free(&r);
	return buf_take(&b);
}

static void
test_golden(void)
{
	struct world w;
	struct sched_item it;
	char *got, *expected;
	size_t i;
	FILE *fp;
	time_t from = local(2019, 5, 15, 0, 0), to = local(2020, 7, 1, 0, 0);
	int weekend = 0, holiday = 0, wrong_time = 0;

	CHECK(world_load(&w, "conf/planwatch.conf", NULL) == 0);
	if (w.s == NULL)
		goto out;
	got = listing(w.s, from, to);
	if (getenv("UPDATE_GOLDEN") != NULL && (fp = fopen(GOLDEN, "w")) !=
	    NULL) {
		fputs(got, fp);
		fclose(fp);
	}
	expected = read_file(GOLDEN, NULL);
	CHECK(expected != NULL);
	if (expected != NULL && strcmp(expected, got) != 0)
		TEST_FAIL("%s differs; UPDATE_GOLDEN=1 and diff:\n%s", GOLDEN,
		    got);
	free(expected);
	free(got);

	/* None on a weekend or holiday; all at the shipped 08:00. */
	for (i = sched_lower_bound(w.s, from); i < sched_count(w.s) &&
	    sched_entry(w.s, i)->due < to; i++) {
		sched_item(w.s, sched_entry(w.s, i), &it);
		if (!calendar_is_workday(&w.c->cal, it.day)) {
			char day[11];

			calendar_format(it.day, day);
			TEST_FAIL("entry %zu on non-working day %s", i, day);
			if (calendar_weekday(it.day) >= 6)
				weekend++;
			else
				holiday++;
		}
		if (it.minute != 8 * 60)
			wrong_time++;
	}
	CHECK_INT_EQ(weekend, 0);
	CHECK_INT_EQ(holiday, 0);
	CHECK_INT_EQ(wrong_time, 0);
	/* The window holds something from every rule. */
	CHECK(sched_lower_bound(w.s, to) - sched_lower_bound(w.s, from) > 200);
out:
	world_free(&w);
}

struct collect {
	const struct sched	*s;
	const char		*target;
	const char		*occurrence;
	struct buf		 out;
	int			 n;
};

static int
collect_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct collect *c = arg;
	struct sched_item it;
	struct sched_recipients r = { 0 };
	char when[17];
	size_t k;

	sched_item(s, e, &it);
	if ((c->target && strcmp(it.target, c->target) != 0) ||
	    (c->occurrence && strcmp(it.occurrence, c->occurrence) != 0))
		return 0;
	calendar_format_local(e->due, when);
	buf_printf(&c->out, "%s %s %s:", when, it.step->id,
	    it.rule->id);
	sched_recipients(s, e, NULL, NULL, &r);
	for (k = 0; k < r.n; k++)
		buf_printf(&c->out, " %s%s", r.v[k].cc ? "cc:" : "",
		    r.v[k].person->email);
	buf_addc(&c->out, '\n');
	sched_recipients_free(&r);
	c->n++;
	return 0;
}

/*
 * Tertialrapport 1 2020 is due 2020-05-14 (overridden in calendar.conf).
 * 28 days before is Thursday 16 April, 7 days before Thursday 7 May, 1
 * working day before Wednesday 13 May; 1 working day after is Friday 15
 * May; 5 working days after skips Kristi himmelsfärd (21 May) and the
 * extra day off (22 May): 15, 18, 19, 20, 25 May.  "Respektive
 * avdelningschef" is the four department heads; all report to the
 * stadsdelsdirektör, who appears once.
 */
static void
test_t1_2020(void)
{
	struct world w;
	struct collect c = { 0 };
	const char *heads = " forebyggande.chef@skarpnack.example.org"
	    " ifo.chef@skarpnack.example.org"
	    " aldreomsorg.chef@skarpnack.example.org"
	    " administration.chef@skarpnack.example.org";
	char *want;

	CHECK(world_load(&w, "conf/planwatch.conf", NULL) == 0);
	if (w.s == NULL)
		goto out;
	c.target = "skarpnack-2019-20";
	c.occurrence = "T1 2020";
	sched_each(w.s, local(2019, 5, 15, 0, 0), local(2020, 7, 1, 0, 0),
	    collect_cb, &c);
	want = xasprintf(
	    "2020-04-16 08:00 28d checkpoint:%s\n"
	    "2020-05-07 08:00 7d checkpoint:%s\n"
	    "2020-05-13 08:00 1wd checkpoint:%s\n"
	    "2020-05-15 08:00 overdue checkpoint:%s"
	    " cc:samordnare@skarpnack.example.org\n"
	    "2020-05-25 08:00 escalation checkpoint:"
	    " samordnare@skarpnack.example.org"
	    " stadsdelsdirektor@skarpnack.example.org\n",
	    heads, heads, heads, heads);
	CHECK_STR_EQ(c.out.s, want);
	free(want);
	buf_free(&c.out);

	/* The plan's revision (T1 2020): the coordinator, 6 and 2 weeks. */
	memset(&c, 0, sizeof(c));
	c.target = "skarpnack-2019";
	sched_each(w.s, 0, SCHED_NEVER, collect_cb, &c);
	CHECK_STR_EQ(c.out.s,
	    "2020-04-02 08:00 6w revision: samordnare@skarpnack.example.org\n"
	    "2020-04-30 08:00 2w revision: samordnare@skarpnack.example.org\n");
	buf_free(&c.out);
out:
	world_free(&w);
}

static int
count_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct collect *c = arg;
	struct sched_item it;

	sched_item(s, e, &it);
	if (strcmp(it.target, c->target) == 0 && (c->occurrence == NULL ||
	    strcmp(it.occurrence, c->occurrence) == 0))
		c->n++;
	return 0;
}

/* Parts settled: the roles listed in `arg` at T1 2020 of activity 20. */
static int
settled_cb(void *arg, const struct sched_item *it, const struct role *part)
{
	const char *const *ids = arg;

	if (strcmp(it->target, "skarpnack-2019-20") != 0 ||
	    strcmp(it->occurrence, "T1 2020") != 0 || part == NULL)
		return 0;
	for (; *ids != NULL; ids++)
		if (strcmp(*ids, part->id) == 0)
			return 1;
	return 0;
}

struct settled {
	const char *const	*ids;
	struct buf		 out;
};

/* "step: email/as/parts ..." per entry of activity 20 at T1 2020. */
static int
settled_walk_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct settled *st = arg;
	struct sched_recipients r = { 0 };
	struct sched_item it;
	size_t k;

	sched_item(s, e, &it);
	if (strcmp(it.target, "skarpnack-2019-20") != 0 ||
	    strcmp(it.occurrence, "T1 2020") != 0)
		return 0;
	buf_printf(&st->out, "%s:", it.step->id);
	sched_recipients(s, e, settled_cb, (void *)st->ids, &r);
	for (k = 0; k < r.n; k++)
		buf_printf(&st->out, " %.*s/%s/%llx",
		    (int)strcspn(r.v[k].person->email, "@"),
		    r.v[k].person->email, sched_as_name(r.v[k].as),
		    (unsigned long long)r.v[k].parts);
	buf_addc(&st->out, '\n');
	sched_recipients_free(&r);
	return 0;
}

/*
 * A report ends a person's ladder for the parts it covers, before and
 * after the due date.  Activity 20 is "Respektive avdelningschef": four
 * parts (bits 1, 2, 4, 8 in the group's order), all reporting to the
 * stadsdelsdirektör.  When the head of individ- och familjestöd has
 * reported, their own steps stop; the coordinator's and the director's
 * go on for the others.  When all four have, nothing of the occurrence
 * goes out; other activities are untouched.
 */
static void
test_settled(void)
{
	static const char *const none[] = { NULL };
	static const char *const ifo[] = { "avdelningschef-ifo", NULL };
	static const char *const all[] = {
		"avdelningschef-forebyggande", "avdelningschef-ifo",
		"avdelningschef-aldreomsorg", "avdelningschef-administration",
		NULL
	};
	const char *heads = " forebyggande.chef/responsible/1"
	    " ifo.chef/responsible/2 aldreomsorg.chef/responsible/4"
	    " administration.chef/responsible/8";
	const char *three = " forebyggande.chef/responsible/1"
	    " aldreomsorg.chef/responsible/4"
	    " administration.chef/responsible/8";
	struct world w;
	struct settled st = { 0 };
	struct collect c = { 0 };
	char *want;

	CHECK(world_load(&w, "conf/planwatch.conf", NULL) == 0);
	if (w.s == NULL)
		goto out;
	st.ids = none;
	sched_each(w.s, 0, SCHED_NEVER, settled_walk_cb, &st);
	want = xasprintf("28d:%s\n7d:%s\n1wd:%s\noverdue:%s"
	    " samordnare/coordinator/f\nescalation: samordnare/coordinator/f"
	    " stadsdelsdirektor/reports_to/f\n", heads, heads, heads, heads);
	CHECK_STR_EQ(st.out.s, want);
	free(want);
	buf_free(&st.out);

	st.ids = ifo;
	sched_each(w.s, 0, SCHED_NEVER, settled_walk_cb, &st);
	want = xasprintf("28d:%s\n7d:%s\n1wd:%s\noverdue:%s"
	    " samordnare/coordinator/f\nescalation: samordnare/coordinator/f"
	    " stadsdelsdirektor/reports_to/f\n", three, three, three, three);
	CHECK_STR_EQ(st.out.s, want);
	free(want);
	buf_free(&st.out);

	st.ids = all;
	sched_each(w.s, 0, SCHED_NEVER, settled_walk_cb, &st);
	CHECK_STR_EQ(st.out.s, "28d:\n7d:\n1wd:\noverdue:\nescalation:\n");
	buf_free(&st.out);

	/* Entries themselves stay: only the people are left out. */
	c.target = "skarpnack-2019-19";
	sched_each(w.s, 0, SCHED_NEVER, count_cb, &c);
	CHECK_INT_EQ(c.n, 9);	/* deadline 2019-12-31 and VB 2019 */
out:
	world_free(&w);
}

/* Occurrences as a reader calls them, in Swedish and English. */
static void
test_occurrence_label(void)
{
	static const char *const cases[][3] = {
		{ "T1 2020", "Tertialrapport 1 2020", "Tertial report 1 2020" },
		{ "T2 2019", "Tertialrapport 2 2019", "Tertial report 2 2019" },
		{ "VB 2019", "Verksamhetsberättelse 2019", "Annual report 2019" },
		{ "deadline 2021-06-15", "slutdatum 2021-06-15",
		  "end date 2021-06-15" },
		{ "end 2022-06-30", "slutdatum 2022-06-30",
		  "end date 2022-06-30" },
		{ "revision T1 2020",
		  "revidering av handlingsplanen (Tertialrapport 1 2020)",
		  "revision of the plan (Tertial report 1 2020)" },
		{ "något annat", "något annat", "något annat" },
	};
	char out[96];
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		sched_occurrence_label(cases[i][0], 0, out, sizeof(out));
		CHECK_STR_EQ(out, cases[i][1]);
		sched_occurrence_label(cases[i][0], 1, out, sizeof(out));
		CHECK_STR_EQ(out, cases[i][2]);
	}
}

struct first {
	time_t	due;
	int	n;
};

static int
first_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct first *f = arg;

	f->due = e->due;
	f->n++;
	return 1;
}

static int
stop_after_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	int *left = arg;

	return --*left == 0 ? 42 : 0;
}

static void
test_next_and_each(void)
{
	struct world w;
	struct first f;
	size_t i, n;
	time_t probes[5], t;
	int k, left;

	CHECK(world_load(&w, "conf/planwatch.conf", NULL) == 0);
	if (w.s == NULL)
		goto out;
	n = sched_count(w.s);
	CHECK(n > 250);
	for (i = 1; i < n; i++)
		if (sched_entry(w.s, i - 1)->due > sched_entry(w.s, i)->due) {
			TEST_FAIL("entry %zu out of order", i);
			break;
		}
	/* Around every entry, and before the first and after the last. */
	for (i = 0; i < n; i++) {
		t = sched_entry(w.s, i)->due;
		probes[0] = t - 1;
		probes[1] = t;
		probes[2] = t + 1;
		probes[3] = 0;
		probes[4] = sched_entry(w.s, n - 1)->due;
		for (k = 0; k < 5; k++) {
			f.n = 0;
			f.due = SCHED_NEVER;
			sched_each(w.s, probes[k] + 1, SCHED_NEVER,
			    first_cb, &f);
			if (sched_next(w.s, probes[k]) != f.due) {
				TEST_FAIL("sched_next(%lld) %lld, sched_each "
				    "%lld", (long long)probes[k],
				    (long long)sched_next(w.s, probes[k]),
				    (long long)f.due);
				goto out;
			}
		}
	}
	CHECK(sched_next(w.s, sched_entry(w.s, n - 1)->due) == SCHED_NEVER);
	CHECK(sched_next(w.s, SCHED_NEVER) == SCHED_NEVER);
	CHECK_INT_EQ(sched_lower_bound(w.s, SCHED_NEVER), n);
	CHECK(sched_entry(w.s, n) == NULL);
	/* [from, to) excludes `to`, and a callback's value stops it. */
	t = sched_entry(w.s, 0)->due;
	f.n = 0;
	CHECK_INT_EQ(sched_each(w.s, 0, t, first_cb, &f), 0);
	CHECK_INT_EQ(f.n, 0);
	left = 3;
	CHECK_INT_EQ(sched_each(w.s, 0, SCHED_NEVER, stop_after_cb,
	    &left), 42);
out:
	world_free(&w);
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every notification key of a schedule, sorted. */
static char **
all_keys(const struct sched *s, size_t *n)
{
	struct sched_recipients r = { 0 };
	char **v = NULL;
	size_t i, k, cap = 0;

	*n = 0;
	for (i = 0; i < sched_count(s); i++) {
		sched_recipients(s, sched_entry(s, i), NULL, NULL, &r);
		for (k = 0; k < r.n; k++) {
			struct buf b = { 0 };

			sched_key(s, sched_entry(s, i), r.v[k].person, &b);
			if (*n == cap) {
				cap = cap ? cap * 2 : 256;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[(*n)++] = buf_take(&b);
		}
	}
	sched_recipients_free(&r);
	qsort(v, *n, sizeof(*v), strp_cmp);
	return v;
}

static void
free_keys(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * A copy of the configuration in `dir` with an unrelated plan sorting
 * first and a new activity at the head of the reference plan, so that
 * every array index moves.  Returns 0 or -1.
 */
static int
write_shifted(const char *dir)
{
	static const char *extra =
	    "  {\n    id = \"extra-01\";\n    section = \"kompetens\";\n"
	    "    title = \"Unrelated\";\n"
	    "    responsible = [ \"Stadsdelsdirekt\xc3\xb6r\" ];\n"
	    "    schedule = \"2019-10-01\";\n"
	    "    followup = [ \"T2 2019\" ];\n  },\n";
	char cwd[4096], *plan, *at, *path;
	FILE *fp;

	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    (plan = read_file("conf/plans/skarpnack-2019.conf", NULL)) == NULL)
		return -1;
	path = xasprintf("%s/plans", dir);
	mkdir(path, 0700);
	free(path);

	path = xasprintf("%s/planwatch.conf", dir);
	fp = fopen(path, "w");
	free(path);
	if (fp == NULL)
		return -1;
	fprintf(fp, "state_dir = \"%s\";\ntimezone = \"Europe/Stockholm\";\n"
	    "organization = \"%s/conf/organization.conf\";\n"
	    "calendar = \"%s/conf/calendar.conf\";\nplans = \"plans\";\n"
	    "rules = \"%s/rules\";\n", dir, cwd, cwd, cwd);
	fclose(fp);

	/* The reference plan with one more activity first. */
	path = xasprintf("%s/plans/skarpnack-2019.conf", dir);
	fp = fopen(path, "w");
	free(path);
	at = strstr(plan, "activities = (\n");
	if (fp == NULL || at == NULL) {
		if (fp != NULL)
			fclose(fp);
		free(plan);
		return -1;
	}
	at += strlen("activities = (\n");
	fwrite(plan, 1, (size_t)(at - plan), fp);
	fputs(extra, fp);
	fputs(at, fp);
	fclose(fp);
	free(plan);

	/* An unrelated plan that sorts before it. */
	path = xasprintf("%s/plans/aaa-2019.conf", dir);
	fp = fopen(path, "w");
	free(path);
	if (fp == NULL)
		return -1;
	fputs("plan = { id = \"aaa-2019\"; committee = \"X\"; title = \"Y\";\n"
	    "  adopted = \"2019-03-01\"; year = 2019; revision = \"VB 2019\"; "
	    "};\nactivities = (\n"
	    "  { id = \"aaa-01\"; section = \"forebyggande\"; title = \"Z\";\n"
	    "    responsible = [ \"Avdelningschef \xc3\x84ldreomsorg\" ];\n"
	    "    schedule = \"L\xc3\xb6pande\";\n"
	    "    followup = [ \"I ordinarie verksamhetsuppf\xc3\xb6ljning\" ];"
	    " }\n);\n", fp);
	fclose(fp);
	return 0;
}

static void
remove_shifted(const char *dir)
{
	static const char *const files[] = { "planwatch.conf",
	    "plans/skarpnack-2019.conf", "plans/aaa-2019.conf", "plans", "" };
	size_t i;

	for (i = 0; i < nitems(files); i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);

		remove(p);
		free(p);
	}
}

static void
test_keys(void)
{
	struct world w1, w2, w3;
	char dir[] = "/tmp/planwatch-sched-XXXXXX", *path;
	char **k1 = NULL, **k2 = NULL, **k3 = NULL;
	size_t n1 = 0, n2 = 0, n3 = 0, i, j, fresh = 0, lost = 0;

	CHECK(world_load(&w1, "conf/planwatch.conf", NULL) == 0);
	CHECK(world_load(&w2, "conf/planwatch.conf", NULL) == 0);
	if (w1.s == NULL || w2.s == NULL)
		goto out;
	k1 = all_keys(w1.s, &n1);
	k2 = all_keys(w2.s, &n2);
	CHECK(n1 > 400);
	/* Unique: sorted, no two equal. */
	for (i = 1; i < n1; i++)
		if (strcmp(k1[i - 1], k1[i]) == 0)
			TEST_FAIL("duplicate key %s", k1[i]);
	/* Stable across two builds. */
	CHECK_INT_EQ(n1, n2);
	for (i = 0; i < n1 && i < n2; i++)
		if (strcmp(k1[i], k2[i]) != 0) {
			TEST_FAIL("key %zu: %s != %s", i, k1[i], k2[i]);
			break;
		}
	/* The documented form. */
	CHECK(bsearch(&(const char *){ "checkpoint/28d#0|skarpnack-2019-14|"
	    "T2 2019|ifo.chef@skarpnack.example.org" }, k1, n1, sizeof(*k1),
	    strp_cmp) != NULL);
	CHECK(bsearch(&(const char *){ "revision/6w#0|skarpnack-2019|"
	    "revision T1 2020|samordnare@skarpnack.example.org" }, k1, n1,
	    sizeof(*k1), strp_cmp) != NULL);

	/* Unaffected by an unrelated activity and plan moving every index. */
	CHECK(mkdtemp(dir) != NULL);
	CHECK(write_shifted(dir) == 0);
	path = xasprintf("%s/planwatch.conf", dir);
	CHECK(world_load(&w3, path, NULL) == 0);
	free(path);
	if (w3.s != NULL) {
		k3 = all_keys(w3.s, &n3);
		for (i = 0, j = 0; i < n1; i++) {
			while (j < n3 && strcmp(k3[j], k1[i]) < 0)
				j++;
			if (j == n3 || strcmp(k3[j], k1[i]) != 0)
				lost++;
		}
		for (j = 0; j < n3; j++)
			if (strstr(k3[j], "|extra-01|") == NULL &&
			    strstr(k3[j], "|aaa-0") == NULL &&
			    strstr(k3[j], "|aaa-2019|") == NULL)
				fresh++;
		CHECK_INT_EQ(lost, 0);
		CHECK_INT_EQ(fresh, n1);
		CHECK(n3 > n1);
	}
	world_free(&w3);
	remove_shifted(dir);
out:
	free_keys(k1, n1);
	free_keys(k2, n2);
	free_keys(k3, n3);
	world_free(&w1);
	world_free(&w2);
}

/*
 * tests/data/rules/sched: a step at 02:30 on the spring-forward night
 * fires once at 03:00 (01:00 UTC); on the fall-back night once, at the
 * first 02:30 (00:30 UTC, still summer time).
 */
static void
test_dst(void)
{
	struct world w;
	struct collect c = { 0 };

	CHECK(world_load(&w, "tests/data/rules/sched/planwatch.conf",
	    "tests/data/rules/sched/rules") == 0);
	if (w.s == NULL)
		goto out;
	c.target = "dst-spring";
	c.occurrence = "deadline 2020-03-29";
	c.s = w.s;
	sched_each(w.s, local(2020, 3, 28, 0, 0), local(2020, 3, 30, 0, 0),
	    count_cb, &c);
	CHECK_INT_EQ(c.n, 1);
	c.n = 0;
	c.target = "dst-autumn";
	c.occurrence = "deadline 2020-10-25";
	sched_each(w.s, local(2020, 10, 24, 0, 0), local(2020, 10, 26, 0, 0),
	    count_cb, &c);
	CHECK_INT_EQ(c.n, 1);
	/* 2020-03-29T01:00:00Z and 2020-10-25T00:30:00Z. */
	CHECK_INT_EQ(sched_next(w.s, local(2020, 3, 28, 12, 0)), 1585443600);
	CHECK_INT_EQ(sched_next(w.s, local(2020, 10, 24, 12, 0)),
	    1603585800);
	CHECK_INT_EQ(sched_next(w.s, 1603585800), 1603700100);
out:
	world_free(&w);
}

/*
 * The rest of tests/data/rules/sched: a repeat cut short by the next
 * step, a filter on roles and kinds, the group fan-out with the
 * responsible appearing once, a done activity with no reminders.
 */
static void
test_features(void)
{
	struct world w;
	char *got;

	CHECK(world_load(&w, "tests/data/rules/sched/planwatch.conf",
	    "tests/data/rules/sched/rules") == 0);
	if (w.s == NULL)
		goto out;
	got = listing(w.s, 0, SCHED_NEVER);
	CHECK_STR_EQ(got,
	    /* On the plan's adoption day: kept. */
	    "2020-01-10 02:30  night/on#0  on-adoption  deadline 2020-01-10  "
	    "to stadsdelsdirektor@skarpnack.example.org\n"
	    "2020-01-10 09:15  due-day/due#0  on-adoption  "
	    "deadline 2020-01-10  "
	    "to stadsdelsdirektor@skarpnack.example.org\n"
	    /* Seven working days after Friday 10 January. */
	    "2020-01-21 09:15  due-day/due#1  on-adoption  "
	    "deadline 2020-01-10  "
	    "to stadsdelsdirektor@skarpnack.example.org\n"
	    /* A Sunday deadline's working-day step goes back to Friday... */
	    "2020-03-27 09:15  due-day/due#0  dst-spring  deadline 2020-03-29  "
	    "to ifo.chef@skarpnack.example.org\n"
	    "2020-03-29 03:00  night/on#0  dst-spring  deadline 2020-03-29  "
	    "to ifo.chef@skarpnack.example.org\n"
	    /* ...and its repeat counts seven working days from the Sunday. */
	    "2020-04-07 09:15  due-day/due#1  dst-spring  deadline 2020-03-29  "
	    "to ifo.chef@skarpnack.example.org\n"
	    "2020-05-13 09:15  t1-ifo/-1wd#0  dst-spring  T1 2020  "
	    "to ifo.chef@skarpnack.example.org\n"
	    "2020-05-13 09:15  t1-ifo/-1wd#0  dst-spring  T1 2020  "
	    "to forebyggande.chef@skarpnack.example.org\n"
	    "2020-05-13 09:15  t1-ifo/-1wd#0  dst-spring  T1 2020  "
	    "to aldreomsorg.chef@skarpnack.example.org\n"
	    "2020-05-13 09:15  t1-ifo/-1wd#0  dst-spring  T1 2020  "
	    "to administration.chef@skarpnack.example.org\n"
	    "2020-10-25 02:30  night/on#0  dst-autumn  deadline 2020-10-25  "
	    "to forebyggande.chef@skarpnack.example.org\n"
	    "2020-10-25 02:30  night/on#0  dst-autumn  deadline 2020-10-25  "
	    "to ifo.chef@skarpnack.example.org\n"
	    "2020-10-25 02:30  night/on#0  dst-autumn  deadline 2020-10-25  "
	    "to aldreomsorg.chef@skarpnack.example.org\n"
	    "2020-10-25 02:30  night/on#0  dst-autumn  deadline 2020-10-25  "
	    "to administration.chef@skarpnack.example.org\n"
	    /* +1d, +8d, +15d; +22d would pass the next step (+20d, a
	     * Saturday moved to Monday 16 November). */
	    "2020-10-26 09:15  nag/first#0  dst-autumn  deadline 2020-10-25  "
	    "to samordnare@skarpnack.example.org\n"
	    "2020-11-02 09:15  nag/first#1  dst-autumn  deadline 2020-10-25  "
	    "to samordnare@skarpnack.example.org\n"
	    "2020-11-09 09:15  nag/first#2  dst-autumn  deadline 2020-10-25  "
	    "to samordnare@skarpnack.example.org\n"
	    "2020-11-16 16:00  nag/last#0  dst-autumn  deadline 2020-10-25  "
	    "to samordnare.ersattare@skarpnack.example.org\n"
	    "2020-11-16 16:00  nag/last#0  dst-autumn  deadline 2020-10-25  "
	    "cc samordnare@skarpnack.example.org\n");
	free(got);
out:
	world_free(&w);
}

static void
test_digest(void)
{
	struct world w;
	const struct calendar *cal;
	struct rule_digest dg;
	const struct rule *nag = NULL;
	size_t i;

	CHECK(world_load(&w, "tests/data/rules/sched/planwatch.conf",
	    "tests/data/rules/sched/rules") == 0);
	if (w.s == NULL)
		goto out;
	cal = &w.c->cal;
	/* The file default "daily" takes the rule's own time. */
	CHECK_INT_EQ(w.rs->rules[0].digest.mode, RULE_DIGEST_DAILY);
	CHECK_INT_EQ(w.rs->rules[0].digest.minute, 2 * 60 + 30);
	for (i = 0; i < w.rs->nrules; i++)
		if (strcmp(w.rs->rules[i].id, "nag") == 0)
			nag = &w.rs->rules[i];
	CHECK(nag != NULL && nag->digest.mode == RULE_DIGEST_WEEKLY &&
	    nag->digest.weekday == 1 && nag->digest.minute == 7 * 60);

	dg.mode = RULE_DIGEST_NONE;
	CHECK_INT_EQ(sched_digest_time(cal, &dg, 12345), 12345);
	dg.mode = RULE_DIGEST_DAILY;
	dg.minute = 8 * 60;
	/* Before the time on a working day: that day. */
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 5, 20, 7, 0)),
	    local(2020, 5, 20, 8, 0));
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 5, 20, 8, 0)),
	    local(2020, 5, 20, 8, 0));
	/* Past it: the next working day, over a holiday and a day off. */
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 5, 20, 9, 0)),
	    local(2020, 5, 25, 8, 0));
	/* On a Saturday: Monday. */
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 5, 16, 6, 0)),
	    local(2020, 5, 18, 8, 0));
	dg.mode = RULE_DIGEST_WEEKLY;
	dg.weekday = 1;
	/* Thursday 28 May: Monday 1 June (not a holiday since 2005). */
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 5, 28, 10, 0)),
	    local(2020, 6, 1, 8, 0));
	/* Monday itself, before and after the time. */
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 6, 1, 7, 59)),
	    local(2020, 6, 1, 8, 0));
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 6, 1, 8, 0)),
	    local(2020, 6, 1, 8, 0));
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 6, 1, 8, 1)),
	    local(2020, 6, 8, 8, 0));
	/* Monday 13 April 2020 is annandag påsk: Tuesday. */
	CHECK_INT_EQ(sched_digest_time(cal, &dg, local(2020, 4, 7, 10, 0)),
	    local(2020, 4, 14, 8, 0));
out:
	world_free(&w);
}

int
main(void)
{
	TEST_RUN(test_golden);
	TEST_RUN(test_t1_2020);
	TEST_RUN(test_settled);
	TEST_RUN(test_occurrence_label);
	TEST_RUN(test_next_and_each);
	TEST_RUN(test_keys);
	TEST_RUN(test_dst);
	TEST_RUN(test_features);
	TEST_RUN(test_digest);
	return TEST_END("sched");
}
