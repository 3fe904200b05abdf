/*
 * test_plan: daemon/core/plan.c -- the schedule and follow-up forms, plan files
 * (good ones, bad ones against golden `file:line: message` outputs in
 * tests/data/plans/, the shipped conf/plans/skarpnack-2019.conf), the
 * canonical writer's round trip, and the checkpoints an activity is
 * followed up at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "host.h"
#include "plan.h"
#include "test.h"
#include "util.h"

static int
day(const char *s)
{
	int d = CALENDAR_NODATE;

	if (calendar_parse_date(s, &d) == -1)
		fprintf(stderr, "bad test date %s\n", s);
	return d;
}

static char *
datestr(int d, char out[11])
{
	if (d == CALENDAR_NODATE)
		snprintf(out, 11, "none");
	else
		calendar_format(d, out);
	return out;
}

static char *
data_path(const char *name)
{
	return xasprintf("%s/plans/%s", test_data_dir(), name);
}

/* The diagnostics as text, with the data directory cut from file names. */
static char *
diag_text(const struct diag *d, const char *dir)
{
	struct buf b = { 0 };
	size_t i, n = strlen(dir);

	for (i = 0; i < d->n; i++) {
		const char *f = d->v[i].file;

		if (strncmp(f, dir, n) == 0 && f[n] == '/')
			f += n + 1;
		buf_adds(&b, f);
		if (d->v[i].line > 0)
			buf_printf(&b, ":%d", d->v[i].line);
		buf_printf(&b, ": %s%s\n", d->v[i].warning ? "warning: " : "",
		    d->v[i].msg);
	}
	return buf_take(&b);
}

static void
test_schedule_accepted(void)
{
	static const struct {
		const char	*in;
		int		 ret;
		enum schedule_kind kind;
		const char	*date;		/* NULL: ongoing */
		int		 year_only;
		const char	*canon;
	} t[] = {
		{ "Löpande", 0, SCHEDULE_ONGOING, NULL, 0, "Löpande" },
		{ "LÖPANDE", 0, SCHEDULE_ONGOING, NULL, 0, "Löpande" },
		{ "  löpande. ", 0, SCHEDULE_ONGOING, NULL, 0, "Löpande" },
		{ "T.o.m. 2022-12-31", 0, SCHEDULE_UNTIL, "2022-12-31", 0,
		    "T.o.m. 2022-12-31" },
		{ "t.o.m. 2022-12-31", 0, SCHEDULE_UNTIL, "2022-12-31", 0,
		    "T.o.m. 2022-12-31" },
		{ "T.o.m.\xc2\xa0" "2022-12-31", 0, SCHEDULE_UNTIL,
		    "2022-12-31", 0, "T.o.m. 2022-12-31" },
		{ "Tom 2020-06-30", 0, SCHEDULE_UNTIL, "2020-06-30", 0,
		    "T.o.m. 2020-06-30" },
		{ "till och med 20200630", 0, SCHEDULE_UNTIL, "2020-06-30", 0,
		    "T.o.m. 2020-06-30" },
		{ "T.o.m. 2021", 0, SCHEDULE_UNTIL, "2021-12-31", 1,
		    "T.o.m. 2021" },
		{ "2019-05-06", 0, SCHEDULE_DUE, "2019-05-06", 0,
		    "2019-05-06" },
		{ "2019-5-6", 0, SCHEDULE_DUE, "2019-05-06", 0,
		    "2019-05-06" },
		{ "20190901", 0, SCHEDULE_DUE, "2019-09-01", 0, "2019-09-01" },
		{ "2019", 0, SCHEDULE_DUE, "2019-12-31", 1, "2019" },
		{ "2020-02-29", 0, SCHEDULE_DUE, "2020-02-29", 0,
		    "2020-02-29" },
		/* Read with a remark (return 1). */
		{ "T.o.m. 2019-31-12", 1, SCHEDULE_UNTIL, "2019-12-31", 0,
		    "T.o.m. 2019-12-31" },
		{ "2019-13-01", 1, SCHEDULE_DUE, "2019-01-13", 0,
		    "2019-01-13" },
		{ "31-12-2019", 1, SCHEDULE_DUE, "2019-12-31", 0,
		    "2019-12-31" },
		{ "31.12.2019", 1, SCHEDULE_DUE, "2019-12-31", 0,
		    "2019-12-31" },
		{ "05/05/2019", 1, SCHEDULE_DUE, "2019-05-05", 0,
		    "2019-05-05" },
	};
	struct schedule sc;
	struct buf msg = { 0 }, canon = { 0 };
	char d[11];
	size_t i;
	int r;

	for (i = 0; i < nitems(t); i++) {
		buf_reset(&msg);
		buf_reset(&canon);
		memset(&sc, 0x5a, sizeof(sc));
		r = plan_parse_schedule(t[i].in, &sc, &msg);
		if (r != t[i].ret)
			TEST_FAIL("\"%s\": returned %d, want %d (%s)", t[i].in,
			    r, t[i].ret, msg.s ? msg.s : "");
		if (r == -1)
			continue;
		CHECK_INT_EQ(sc.kind, t[i].kind);
		CHECK_STR_EQ(datestr(sc.date, d), t[i].date ? t[i].date :
		    "none");
		CHECK_INT_EQ(sc.year_only, t[i].year_only);
		plan_format_schedule(&sc, &canon);
		CHECK_STR_EQ(canon.s, t[i].canon);
		/* A remark exactly when the return says so. */
		CHECK_INT_EQ(msg.len > 0, r == 1);
	}
	buf_reset(&msg);
	plan_parse_schedule("T.o.m. 2019-31-12", &sc, &msg);
	CHECK_STR_EQ(msg.s, "2019-31-12 is not a date; read as 2019-12-31 "
	    "(month and day swapped)");
	buf_free(&msg);
	buf_free(&canon);
}

static void
test_schedule_rejected(void)
{
	static const struct {
		const char	*in;
		const char	*msg;
	} t[] = {
		{ "Snart", "not Löpande, T.o.m. YYYY-MM-DD, YYYY-MM-DD, "
		    "YYYYMMDD or YYYY" },
		{ "", "not Löpande, T.o.m. YYYY-MM-DD, YYYY-MM-DD, "
		    "YYYYMMDD or YYYY" },
		{ "2020-02-30", "2020-02-30 is not a date" },
		{ "2019-02-29", "2019-02-29 is not a date" },
		{ "2019-13-13", "2019-13-13 is not a date" },
		{ "T.o.m.", "T.o.m. without a date" },
		{ "t.o.m. ", "T.o.m. without a date" },
		{ "20191301", "20191301 is not a date" },
		{ "20190230", "20190230 is not a date" },
		{ "201", "not Löpande, T.o.m. YYYY-MM-DD, YYYY-MM-DD, "
		    "YYYYMMDD or YYYY" },
		{ "1850", "1850 is not a year between 1900 and 2200" },
		{ "06-05-2019", "06-05-2019 is ambiguous: 2019-05-06 or "
		    "2019-06-05" },
		{ "13-13-2019", "13-13-2019 is not a date" },
		{ "2019-12", "not Löpande, T.o.m. YYYY-MM-DD, YYYY-MM-DD, "
		    "YYYYMMDD or YYYY" },
		{ "Löpande 2019", "not Löpande, T.o.m. YYYY-MM-DD, "
		    "YYYY-MM-DD, YYYYMMDD or YYYY" },
		{ "Tomte 2019", "not Löpande, T.o.m. YYYY-MM-DD, "
		    "YYYY-MM-DD, YYYYMMDD or YYYY" },
	};
	struct schedule sc, keep;
	struct buf msg = { 0 };
	size_t i;

	for (i = 0; i < nitems(t); i++) {
		buf_reset(&msg);
		memset(&sc, 0x5a, sizeof(sc));
		keep = sc;
		CHECK_INT_EQ(plan_parse_schedule(t[i].in, &sc, &msg), -1);
		CHECK_STR_EQ(msg.s, t[i].msg);
		/* A refused schedule leaves the output alone. */
		CHECK(memcmp(&sc, &keep, sizeof(sc)) == 0);
	}
	/* msg may be NULL. */
	CHECK_INT_EQ(plan_parse_schedule("Snart", &sc, NULL), -1);
	buf_free(&msg);
}

static void
test_followup(void)
{
	static const struct {
		const char	*in;
		int		 ordinary;
		const char	*cp;
	} ok[] = {
		{ "I ordinarie verksamhetsuppföljning", 1, NULL },
		{ "i ordinarie  VERKSAMHETSUPPFÖLJNING.", 1, NULL },
		{ "ordinarie verksamhetsuppföljning", 1, NULL },
		{ "ordinary", 1, NULL },
		{ "Tertialrapport 1 2020", 0, "T1 2020" },
		{ "Tertialrapport 1, 2020", 0, "T1 2020" },
		{ "T2 2021", 0, "T2 2021" },
		{ "Verksamhetsberättelsen 2019", 0, "VB 2019" },
		{ "Verksamhetsberättelsen", 0, "VB 2019" },
		{ "VB 2019.", 0, "VB 2019" },
	};
	static const char *const bad[] = {
		"Kvartalsrapport 3", "I ordinarie verksamhetsup pföljning",
		"T3 2020", "", "Snart",
	};
	struct followup f;
	struct buf msg = { 0 }, out = { 0 };
	size_t i;

	for (i = 0; i < nitems(ok); i++) {
		buf_reset(&out);
		if (plan_parse_followup(ok[i].in, 2019, &f, &msg) == -1) {
			TEST_FAIL("\"%s\" refused: %s", ok[i].in, msg.s);
			continue;
		}
		CHECK_INT_EQ(f.kind == FOLLOWUP_ORDINARY, ok[i].ordinary);
		plan_format_followup(&f, &out);
		CHECK_STR_EQ(out.s, ok[i].cp ? ok[i].cp :
		    "I ordinarie verksamhetsuppföljning");
	}
	for (i = 0; i < nitems(bad); i++) {
		buf_reset(&msg);
		CHECK_INT_EQ(plan_parse_followup(bad[i], 2019, &f, &msg), -1);
		CHECK_STR_EQ(msg.s, "not a checkpoint (Tertialrapport 1 2020, "
		    "T2 2020, Verksamhetsberättelsen 2019, VB 2019) or "
		    "I ordinarie verksamhetsuppföljning");
	}
	/* Without a plan year a bare name has no year to take. */
	CHECK_INT_EQ(plan_parse_followup("Verksamhetsberättelsen", 0, &f,
	    NULL), -1);
	buf_free(&msg);
	buf_free(&out);
}

static void
test_names(void)
{
	enum section s;
	enum activity_status st;
	char *f;

	CHECK_INT_EQ(plan_section_parse("forhindrande", &s), 0);
	CHECK_INT_EQ(s, SECTION_FORHINDRANDE);
	CHECK_STR_EQ(plan_section_name(SECTION_KOMPETENS), "kompetens");
	CHECK_INT_EQ(plan_section_parse("Förebyggande", &s), -1);
	CHECK_INT_EQ(plan_status_parse("cancelled", &st), 0);
	CHECK_INT_EQ(st, ACTIVITY_CANCELLED);
	CHECK_STR_EQ(plan_status_name(ACTIVITY_DONE), "done");
	CHECK_INT_EQ(plan_status_parse("paused", &st), -1);
	/* The importer's words are matched after the project's fold. */
	f = xfold("Förhinderande ÅTGÄRDER é\xc2\xa0Ü");
	CHECK_STR_EQ(f, "forhinderande atgarder e u");
	free(f);
	CHECK_INT_EQ(plan_id_valid("skarpnack-2019-01"), 1);
	CHECK_INT_EQ(plan_id_valid("Skarpnack"), 0);
	CHECK_INT_EQ(plan_id_valid("-x"), 0);
	CHECK_INT_EQ(plan_id_valid(""), 0);
	CHECK_INT_EQ(plan_id_valid("a b"), 0);
}

static void
test_load_good(void)
{
	struct plan p;
	struct diag d = { 0 };
	const struct activity *a;
	char *path = data_path("good.conf"), ds[11];

	CHECK_INT_EQ(plan_load(host_source(), path, &p, &d), 0);
	CHECK_INT_EQ(d.n, 0);
	CHECK_STR_EQ(p.file, path);
	CHECK_STR_EQ(p.id, "test-2020");
	CHECK_STR_EQ(p.committee, "Testnämnden");
	CHECK_STR_EQ(p.diary_number, "");
	CHECK_STR_EQ(datestr(p.adopted, ds), "2020-03-10");
	CHECK_INT_EQ(p.year, 2020);
	CHECK_STR_EQ(p.supersedes, "test-2019");
	CHECK_INT_EQ(p.has_revision, 0);
	CHECK_INT_EQ(p.nactivities, 4);
	if (p.nactivities != 4)
		goto out;
	a = &p.activities[0];
	CHECK_INT_EQ(a->line, 12);
	CHECK_STR_EQ(a->description, "");
	CHECK_INT_EQ(a->nresponsible, 1);
	CHECK_STR_EQ(a->responsible[0], "Avdelningschef  Fritid");
	CHECK_INT_EQ(a->schedule.kind, SCHEDULE_ONGOING);
	CHECK_STR_EQ(a->schedule_text, "löpande");
	CHECK_INT_EQ(a->status, ACTIVITY_ACTIVE);
	CHECK_INT_EQ(a->nfollowup, 1);
	CHECK_INT_EQ(a->followup[0].kind, FOLLOWUP_ORDINARY);
	a = plan_find_activity(&p, "test-2020-02");
	CHECK(a == &p.activities[1]);
	if (a != NULL) {
		CHECK_STR_EQ(a->description, "Rad ett\nrad två med \"citat\"");
		CHECK_INT_EQ(a->nresponsible, 2);
		CHECK_STR_EQ(a->responsible[1], "Samordnare");
		CHECK_STR_EQ(datestr(a->schedule.date, ds), "2020-09-01");
		CHECK_INT_EQ(a->nfollowup, 2);
		CHECK_INT_EQ(a->followup[1].cp.kind, CHECKPOINT_VB);
		CHECK_INT_EQ(a->followup[1].cp.year, 2020);
		CHECK_INT_EQ(a->status, ACTIVITY_DONE);
		CHECK_INT_EQ(a->section, SECTION_KOMPETENS);
	}
	a = &p.activities[2];
	CHECK_INT_EQ(a->schedule.kind, SCHEDULE_UNTIL);
	CHECK_INT_EQ(a->schedule.year_only, 1);
	CHECK_STR_EQ(datestr(a->schedule.date, ds), "2021-12-31");
	CHECK_INT_EQ(a->status, ACTIVITY_CANCELLED);
	a = &p.activities[3];
	CHECK_INT_EQ(a->nfollowup, 1);
	CHECK_INT_EQ(a->followup[0].cp.kind, CHECKPOINT_VB);
	CHECK(plan_find_activity(&p, "nope") == NULL);
out:
	plan_free(&p);
	plan_free(&p);		/* a freed plan is empty; freeing is safe */
	plan_free(NULL);
	diag_free(&d);
	free(path);
}

static void
test_load_bad(void)
{
	static const char *const names[] = {
		"bad-head", "bad-activities", "bad-syntax", "bad-missing",
	};
	struct plan p;
	struct diag d;
	char *path, *golden, *want, *got, *dir;
	size_t i;

	dir = xasprintf("%s/plans", test_data_dir());
	for (i = 0; i < nitems(names); i++) {
		memset(&d, 0, sizeof(d));
		path = xasprintf("%s/%s.conf", dir, names[i]);
		golden = xasprintf("%s/%s.diag", dir, names[i]);
		CHECK_INT_EQ(plan_load(host_source(), path, &p, &d), -1);
		/* A failed load leaves nothing behind. */
		CHECK(p.activities == NULL && p.id == NULL);
		got = diag_text(&d, dir);
		want = read_file(golden, NULL);
		CHECK(want != NULL);
		CHECK_STR_EQ(got, want);
		CHECK_INT_EQ(d.nerrors, d.n);
		free(got);
		free(want);
		free(path);
		free(golden);
		diag_free(&d);
	}
	memset(&d, 0, sizeof(d));
	path = xasprintf("%s/no-such-file.conf", dir);
	CHECK_INT_EQ(plan_load(host_source(), path, &p, &d), -1);
	CHECK_INT_EQ(d.n, 1);
	if (d.n == 1)
		CHECK_STR_EQ(d.v[0].msg,
		    "cannot read: No such file or directory");
	diag_free(&d);
	free(path);
	free(dir);
}

static int
same_plan(const struct plan *a, const struct plan *b)
{
	size_t i, j;
	int ok = 1;

#define SAME(x) do { if (!(x)) { ok = 0;				\
	fprintf(stderr, "  differs: %s\n", #x); } } while (0)
	SAME(strcmp(a->id, b->id) == 0);
	SAME(strcmp(a->committee, b->committee) == 0);
	SAME(strcmp(a->title, b->title) == 0);
	SAME(strcmp(a->diary_number, b->diary_number) == 0);
	SAME(a->adopted == b->adopted && a->year == b->year);
	SAME(a->has_revision == b->has_revision);
	SAME(!a->has_revision || (a->revision.kind == b->revision.kind &&
	    a->revision.year == b->revision.year));
	SAME(a->nactivities == b->nactivities);
	for (i = 0; ok && i < a->nactivities; i++) {
		const struct activity *x = &a->activities[i];
		const struct activity *y = &b->activities[i];

		SAME(strcmp(x->id, y->id) == 0);
		SAME(x->section == y->section);
		SAME(strcmp(x->title, y->title) == 0);
		SAME(strcmp(x->description, y->description) == 0);
		SAME(x->nresponsible == y->nresponsible);
		for (j = 0; ok && j < x->nresponsible; j++)
			SAME(strcmp(x->responsible[j], y->responsible[j]) == 0);
		SAME(x->schedule.kind == y->schedule.kind);
		SAME(x->schedule.date == y->schedule.date);
		SAME(x->schedule.year_only == y->schedule.year_only);
		SAME(x->nfollowup == y->nfollowup);
		for (j = 0; ok && j < x->nfollowup; j++) {
			SAME(x->followup[j].kind == y->followup[j].kind);
			SAME(x->followup[j].kind == FOLLOWUP_ORDINARY ||
			    (x->followup[j].cp.kind == y->followup[j].cp.kind &&
			    x->followup[j].cp.year == y->followup[j].cp.year));
		}
		SAME(x->status == y->status);
	}
#undef SAME
	return ok;
}

/* Writes `p`, loads it back and writes again: same plan, same text. */
static void
round_trip(const struct plan *p)
{
	struct buf one = { 0 }, two = { 0 };
	struct plan q;
	struct diag d = { 0 };
	char tmp[] = "/tmp/test_plan.XXXXXX";
	FILE *fp;
	int fd;

	plan_write(p, &one);
	if ((fd = mkstemp(tmp)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		TEST_FAIL("cannot create %s", tmp);
		return;
	}
	fputs(one.s, fp);
	fclose(fp);
	if (plan_load(host_source(), tmp, &q, &d) == -1) {
		diag_print(&d, stderr);
		TEST_FAIL("written plan does not load");
	} else {
		CHECK(same_plan(p, &q));
		plan_write(&q, &two);
		CHECK_STR_EQ(one.s, two.s);
	}
	unlink(tmp);
	plan_free(&q);
	diag_free(&d);
	buf_free(&one);
	buf_free(&two);
}

static void
test_round_trip(void)
{
	struct plan p;
	struct diag d = { 0 };
	char *path = data_path("good.conf");
	char *text;
	struct buf b = { 0 };

	if (plan_load(host_source(), path, &p, &d) == 0)
		round_trip(&p);
	else
		TEST_FAIL("good.conf does not load");
	plan_free(&p);
	free(path);
	/* The shipped plan loads and is already in canonical form. */
	CHECK_INT_EQ(plan_load(host_source(), "conf/plans/skarpnack-2019.conf",
	    &p, &d), 0);
	diag_print(&d, stderr);
	CHECK_INT_EQ(d.n, 0);
	if (p.id != NULL) {
		round_trip(&p);
		plan_write(&p, &b);
		text = read_file("conf/plans/skarpnack-2019.conf", NULL);
		CHECK_STR_EQ(b.s, text);
		free(text);
	}
	buf_free(&b);
	plan_free(&p);
	diag_free(&d);
}

static char *
cps_text(const struct plan *p, const char *id, const struct calendar *cal)
{
	const struct activity *a = plan_find_activity(p, id);
	struct checkpoint *cp;
	struct buf b = { 0 };
	char s[16];
	size_t i, n;

	if (a == NULL)
		return xstrdup("(no such activity)");
	cp = plan_checkpoints(p, a, cal, &n);
	for (i = 0; i < n; i++) {
		calendar_checkpoint_format(cp[i], s, sizeof(s));
		buf_printf(&b, "%s%s", i ? ", " : "", s);
	}
	free(cp);
	return buf_take(&b);
}

static void
check_cps(const struct plan *p, const char *id, const struct calendar *cal,
    const char *want)
{
	char *got = cps_text(p, id, cal);

	if (strcmp(got, want) != 0)
		TEST_FAIL("%s: checkpoints \"%s\", want \"%s\"", id, got,
		    want);
	free(got);
}

static void
test_checkpoints(void)
{
	struct plan p;
	struct diag d = { 0 };
	struct calendar cal;
	struct checkpoint t1;
	struct activity *a;
	char ds[11];

	calendar_init(&cal);
	if (plan_load(host_source(), "conf/plans/skarpnack-2019.conf", &p,
	    &d) == -1) {
		diag_print(&d, stderr);
		TEST_FAIL("shipped plan does not load");
		return;
	}
	/* Adopted 2019-05-15, revised at T1 2020; T1 2019 falls due on
	 * the day of adoption, so it is not one of this plan's. */
	check_cps(&p, "skarpnack-2019-01", &cal, "T2 2019, VB 2019, T1 2020");
	check_cps(&p, "skarpnack-2019-05", &cal, "T2 2019, VB 2019, T1 2020");
	/* Until 2019-12-31 (the swapped date): nothing of 2020. */
	check_cps(&p, "skarpnack-2019-09", &cal, "T2 2019, VB 2019");
	check_cps(&p, "skarpnack-2019-17", &cal, "VB 2019");
	check_cps(&p, "skarpnack-2019-20", &cal, "T1 2020");
	CHECK_STR_EQ(datestr(plan_activity_end(&p,
	    plan_find_activity(&p, "skarpnack-2019-01"), &cal), ds),
	    "2020-05-15");
	CHECK_STR_EQ(datestr(plan_activity_end(&p,
	    plan_find_activity(&p, "skarpnack-2019-09"), &cal), ds),
	    "2019-12-31");
	CHECK_STR_EQ(datestr(plan_activity_end(&p,
	    plan_find_activity(&p, "skarpnack-2019-18"), &cal), ds),
	    "2019-12-31");

	/* The calendar decides: T1 2020 moved to May 20. */
	t1.kind = CHECKPOINT_T1;
	t1.year = 2020;
	calendar_set_override(&cal, t1, day("2020-05-20"));
	CHECK_STR_EQ(datestr(plan_activity_end(&p,
	    plan_find_activity(&p, "skarpnack-2019-01"), &cal), ds),
	    "2020-05-20");

	/* No revision named: ongoing runs to VB of the plan's year. */
	p.has_revision = 0;
	CHECK_STR_EQ(datestr(plan_activity_end(&p,
	    plan_find_activity(&p, "skarpnack-2019-01"), &cal), ds),
	    "2020-02-15");
	check_cps(&p, "skarpnack-2019-01", &cal, "T2 2019, VB 2019");
	/* Adopted earlier: T1 2019 comes in; a named checkpoint that the
	 * expansion also yields is listed once. */
	p.adopted = day("2019-03-01");
	check_cps(&p, "skarpnack-2019-01", &cal, "T1 2019, T2 2019, VB 2019");
	a = &p.activities[0];
	a->followup = xreallocarray(a->followup, 2, sizeof(*a->followup));
	a->followup[1] = a->followup[0];
	a->followup[0].kind = FOLLOWUP_CHECKPOINT;
	a->followup[0].cp.kind = CHECKPOINT_VB;
	a->followup[0].cp.year = 2019;
	a->nfollowup = 2;
	check_cps(&p, "skarpnack-2019-01", &cal, "T1 2019, T2 2019, VB 2019");
	a->nfollowup = 1;
	check_cps(&p, "skarpnack-2019-01", &cal, "VB 2019");
	/*
	 * Adopted in January: VB of the year before falls due after the
	 * adoption but reports on time before it, so it is not the plan's.
	 */
	a->followup[0] = a->followup[1];
	p.adopted = day("2020-01-20");
	p.year = 2020;
	check_cps(&p, "skarpnack-2019-01", &cal, "T1 2020, T2 2020, VB 2020");
	plan_free(&p);
	calendar_free(&cal);
	diag_free(&d);
}

int
main(void)
{
	TEST_RUN(test_schedule_accepted);
	TEST_RUN(test_schedule_rejected);
	TEST_RUN(test_followup);
	TEST_RUN(test_names);
	TEST_RUN(test_load_good);
	TEST_RUN(test_load_bad);
	TEST_RUN(test_round_trip);
	TEST_RUN(test_checkpoints);
	return TEST_END("plan");
}
