/*
 * test_remind: from due entries to messages, against the shipped
 * organisation, plan and templates and a real SQLite file.  A weekly
 * digest that gathers two steps of the same occurrence lists it once, as
 * the later step; the preview says so before anything is generated; a
 * report made while a notification waits drops it with the reason; a
 * reminder that could only go out after its event is dropped, on the
 * day after it already.  A run covers (from, to] exactly; a minute
 * behind is on time, lateness_days behind is summarised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"
#include "conf.h"
#include "followup.h"
#include "host.h"
#include "remind.h"
#include "rules.h"
#include "sched.h"
#include "store.h"
#include "util.h"

#include "test.h"
#include "testconf.h"

/*
 * For Tertialrapport 1 2020 (Thursday 2020-05-14) of the head of
 * individ- och familjestöd: 10 days before is Monday 4 May, 5 days before
 * Saturday 9 May, moved to Friday 8 May; with the weekly Monday 07:30
 * digest both wait for Monday 11 May.  1 day before (Wednesday 13 May)
 * would wait for Monday 18 May, after the event.
 */
static const char rules_text[] =
    "rules = ( { id = \"w\"; event = \"checkpoint\"; kinds = \"T1\";\n"
    "  roles = \"avdelningschef-ifo\"; digest = \"weekly monday 07:30\";\n"
    "  steps = (\n"
    "    { id = \"10d\"; offset = \"-10d\"; to = \"responsible\";\n"
    "      template = \"reminder\"; },\n"
    "    { id = \"5d\"; offset = \"-5d\"; to = \"responsible\";\n"
    "      template = \"reminder\"; },\n"
    "    { id = \"1d\"; offset = \"-1d\"; to = \"responsible\";\n"
    "      template = \"reminder\"; } ); } );\n";

/* The 1d step alone, in a daily digest: 13 May waits for 14 May 07:30. */
static const char daily_text[] =
    "rules = ( { id = \"d\"; event = \"checkpoint\"; kinds = \"T1\";\n"
    "  roles = \"avdelningschef-ifo\"; digest = \"daily 07:30\";\n"
    "  steps = ( { id = \"1d\"; offset = \"-1d\"; to = \"responsible\";\n"
    "      template = \"reminder\"; } ); } );\n";
/*
 * The 5d step (Friday 8 May) to the coordinator: her weekly digest, not
 * the rule's "none", says when it goes.
 */
static const char coord_text[] =
    "coordinator_digest = \"weekly monday 07:30\";\n"
    "rules = ( { id = \"c\"; event = \"checkpoint\"; kinds = \"T1\";\n"
    "  roles = \"avdelningschef-ifo\"; digest = \"none\";\n"
    "  steps = ( { id = \"5d\"; offset = \"-5d\"; to = \"coordinator\";\n"
    "      template = \"reminder\"; } ); } );\n";
static const char *world_rules = rules_text;

struct world {
	struct test_scratch	 tmp;
	struct config		*c;
	struct ruleset		*rs;
	struct sched		*s;
	struct remind_templates	 tpl;
	struct store		*st;
};

static int
world_open(struct world *w)
{
	static const char *const names[] = {
		"reminder", "overdue", "escalation", "revision", NULL
	};
	struct diag d = { 0 };
	char err[256], *path;
	FILE *fp;

	memset(w, 0, sizeof(*w));
	if (test_scratch_open(&w->tmp, "remind") != 0)
		return -1;
	path = xasprintf("%s/rules.conf", w->tmp.dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs(world_rules, fp);
		fclose(fp);
	}
	w->c = test_conf_load("conf/planwatch.conf", &d);
	if (w->c != NULL)
		w->rs = rules_load_file(host_source(), path, &w->c->org,
		    names, &d);
	unlink(path);
	free(path);
	if (w->rs == NULL ||
	    remind_templates_load(&w->tpl, host_source(), w->c->rules_dir,
	    &d) != 0) {
		diag_print(&d, stderr);
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	w->s = sched_build(w->c, w->rs);
	if ((w->st = store_open(w->tmp.db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static void
world_close(struct world *w)
{
	store_close(w->st);
	sched_free(w->s);
	rules_free(w->rs);
	remind_templates_free(&w->tpl);
	conf_free(w->c);
	test_scratch_close(&w->tmp);
}

static time_t
local(int y, int m, int d, int hh, int mm)
{
	return calendar_local_to_utc(calendar_days(y, m, d), hh * 60 + mm);
}

struct rows {
	int	n;
	char	last[64];
};

static void
count_cb(void *arg, const struct store_item *it)
{
	struct rows *r = arg;

	r->n++;
	snprintf(r->last, sizeof(r->last), "%s", it->rule);
}

struct dropped {
	int	reported;
	int	past_due;
	int	other;
};

static void
dropped_cb(void *arg, int ncols, const char *const *names,
    const char *const *values)
{
	struct dropped *d = arg;
	int i;

	for (i = 0; i < ncols; i++)
		if (strcmp(names[i], "dropped") == 0) {
			if (values[i] == NULL)
				d->other++;
			else if (strcmp(values[i], "reported") == 0)
				d->reported++;
			else if (strcmp(values[i], "past-due") == 0)
				d->past_due++;
		}
}

/* How often `needle` occurs in `hay`. */
static int
occurs(const char *hay, const char *needle)
{
	int n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
test_digest_once(void)
{
	struct world w;
	struct remind_stats stats;
	struct followup_caller fc;
	struct followup_report r;
	struct followup_result res;
	struct rows rows = { 0 };
	json_t *pv, *m;
	time_t t0 = local(2020, 5, 1, 0, 0), monday = local(2020, 5, 11, 7, 30);
	char *data;
	size_t len;

	if (world_open(&w) != 0) {
		TEST_FAIL("world");
		world_close(&w);
		return;
	}
	store_kv_set(w.st, REMIND_PROGRESS_KEY, (int64_t)t0);

	/*
	 * The preview: on Monday Amir Haddad's message has his five items,
	 * each once (the other heads get one item each: activity 20 is
	 * every department head's).
	 */
	pv = remind_preview(w.st, w.c, w.s, &w.tpl, t0, t0 + 30 * 86400, t0,
	    NULL);
	CHECK(pv != NULL);
	CHECK_INT_EQ(json_array_size(pv), 4);
	m = json_array_get(pv, 3);
	CHECK_INT_EQ(json_integer_value(json_object_get(m, "at")), monday);
	CHECK_STR_EQ(json_string_value(json_object_get(m, "email")),
	    "ifo.chef@skarpnack.example.org");
	CHECK_STR_EQ(json_string_value(json_object_get(m, "template")),
	    "digest");
	CHECK_INT_EQ(json_array_size(json_object_get(m, "items")), 5);
	CHECK_INT_EQ(json_integer_value(json_object_get(m, "notifications")),
	    10);
	CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(
	    json_object_get(m, "items"), 0), "rule")), "w/5d#0");
	CHECK_STR_EQ(json_string_value(json_object_get(m, "subject")),
	    "Handlingsplanen: 5 uppföljningar, den första senast 2020-05-14");
	json_decref(pv);

	/* Sent as predicted. */
	CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl, t0, monday, monday,
	    &stats), 0);
	CHECK_INT_EQ(stats.generated, 16);
	CHECK_INT_EQ(remind_flush(w.st, w.c, &w.tpl, NULL, monday), 4);
	CHECK_INT_EQ(store_message_items(w.st, 4, count_cb, &rows), 0);
	CHECK_INT_EQ(rows.n, 10);
	data = store_message_data(w.st, 4, &len);
	CHECK(data != NULL);
	CHECK_INT_EQ(occurs(data, "Aktivitet:    skarpnack-2019-06\r\n"), 1);
	CHECK_INT_EQ(occurs(data, "Aktivitet:    "), 5);
	CHECK(strstr(data, "om 3 dagar") != NULL);
	free(data);

	/* Reported while waiting: dropped at the next Monday, not sent. */
	CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl, monday,
	    local(2020, 5, 13, 9, 0), local(2020, 5, 13, 9, 0), &stats), 0);
	CHECK_INT_EQ(stats.generated, 8);	/* the 1d step */
	memset(&r, 0, sizeof(r));
	r.activity = "skarpnack-2019-06";
	r.occurrence = "T1 2020";
	r.status = "done";
	fc.person = org_person_by_user(&w.c->org, "ahaddad");
	fc.actor = "ahaddad";
	fc.channel = FOLLOWUP_CHANNEL_CTL;
	CHECK_INT_EQ(followup_record(w.st, w.c, local(2020, 5, 13, 10, 0),
	    &fc, &r, &res), FOLLOWUP_RECORDED);
	CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl,
	    local(2020, 5, 13, 9, 0), local(2020, 5, 18, 7, 30),
	    local(2020, 5, 18, 7, 30), &stats), 0);
	/* The 1d step's Monday is after the event: nothing goes out. */
	CHECK_INT_EQ(remind_flush(w.st, w.c, &w.tpl, NULL,
	    local(2020, 5, 18, 7, 30)), 0);
	{
		struct dropped dr = { 0, 0, 0 };

		CHECK_INT_EQ(store_ledger(w.st, NULL, dropped_cb, &dr), 0);
		CHECK_INT_EQ(dr.reported, 1);	/* skarpnack-2019-06 */
		CHECK_INT_EQ(dr.past_due, 7);
		CHECK_INT_EQ(dr.other, 16);	/* sent on 11 May */
	}
	CHECK_INT_EQ(remind_digest_next(w.st), 0);
	world_close(&w);
}

/*
 * The instants of a run: it covers (from, to], so an entry due exactly at
 * `to` is generated and one due exactly at `from` is not generated again;
 * an entry a minute behind is on time, one more late; one exactly
 * lateness_days behind goes in the coordinator's summary.
 */
static void
test_instants(void)
{
	/*
	 * Runs from t0 to `due + behind` (-1: lateness_days), what each
	 * counts; the 10d step is due on Monday 4 May for eight activities,
	 * the 5d (8 May) and 1d (13 May) steps come after it.
	 */
	static const struct {
		int	behind, generated, late, missed, messages;
	} cases[] = {
		{ 0, 8, 0, 0, 0 },
		{ 60, 8, 0, 0, 0 },
		{ 61, 8, 8, 0, 0 },
		{ -1, 24, 16, 8, 1 },
	};
	struct world w;
	struct remind_stats stats;
	time_t t0 = local(2020, 5, 1, 0, 0), due, to;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (world_open(&w) != 0) {
			TEST_FAIL("world");
			world_close(&w);
			return;
		}
		due = sched_next(w.s, t0);
		CHECK_INT_EQ(due, local(2020, 5, 4, 8, 0));
		to = due + (cases[i].behind < 0 ? w.c->lateness :
		    cases[i].behind);
		CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl, t0, to, to,
		    &stats), 0);
		CHECK_INT_EQ(stats.generated, cases[i].generated);
		CHECK_INT_EQ(stats.late, cases[i].late);
		CHECK_INT_EQ(stats.missed, cases[i].missed);
		CHECK_INT_EQ(stats.messages, cases[i].messages);
		if (i == 0) {
			/* From exactly `due`, and over it again: nothing new. */
			CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl, due,
			    due + 3600, due + 3600, &stats), 0);
			CHECK_INT_EQ(stats.generated, 0);
			CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl,
			    due - 60, due + 3600, due + 3600, &stats), 0);
			CHECK_INT_EQ(stats.generated, 0);
		}
		world_close(&w);
	}
}

/*
 * A reminder due before its event goes out on the event day at the
 * latest: written on the day after (the daemon was down), it is dropped.
 */
static void
test_past_due(void)
{
	struct world w;
	struct remind_stats stats;
	struct dropped dr;
	time_t t0 = local(2020, 5, 1, 0, 0), due = local(2020, 5, 13, 8, 0);
	int i;

	world_rules = daily_text;
	for (i = 0; i < 2; i++) {
		if (world_open(&w) != 0) {
			TEST_FAIL("world");
			world_close(&w);
			break;
		}
		CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl, t0, due, due,
		    &stats), 0);
		CHECK_INT_EQ(stats.generated, 8);
		/* On the event day (14 May) one message a head, after: none. */
		CHECK_INT_EQ(remind_flush(w.st, w.c, &w.tpl, NULL,
		    local(2020, 5, 14 + i, 7, 30)), i == 0 ? 4 : 0);
		memset(&dr, 0, sizeof(dr));
		CHECK_INT_EQ(store_ledger(w.st, NULL, dropped_cb, &dr), 0);
		CHECK_INT_EQ(dr.past_due, i == 0 ? 0 : 8);
		world_close(&w);
	}
	world_rules = rules_text;
}

static void
test_coordinator_digest(void)
{
	struct world w;
	struct remind_stats stats;
	time_t t0 = local(2020, 5, 1, 0, 0), due = local(2020, 5, 8, 8, 0);

	world_rules = coord_text;
	if (world_open(&w) == 0) {
		CHECK_INT_EQ(remind_run(w.st, w.c, w.s, &w.tpl, t0, due, due,
		    &stats), 0);
		CHECK(stats.generated > 0);
		CHECK_INT_EQ(remind_flush(w.st, w.c, &w.tpl, NULL, due), 0);
		CHECK_INT_EQ(remind_digest_next(w.st),
		    local(2020, 5, 11, 7, 30));
		CHECK_INT_EQ(remind_flush(w.st, w.c, &w.tpl, NULL,
		    local(2020, 5, 11, 7, 30)), 1);
	} else
		TEST_FAIL("world");
	world_close(&w);
	world_rules = rules_text;
}

/* The days left and overdue, in words, both languages. */
static void
test_due_words(void)
{
	static const struct {
		int		 left, en;
		const char	*due_in, *overdue_by;
	} cases[] = {
		{ 0, 0, "i dag", "" }, { 1, 0, "i morgon", "" },
		{ 2, 0, "om 2 dagar", "" }, { -1, 0, "", "1 dag" },
		{ -2, 0, "", "2 dagar" }, { 0, 1, "today", "" },
		{ 1, 1, "tomorrow", "" }, { 2, 1, "in 2 days", "" },
		{ -1, 1, "", "1 day" }, { -2, 1, "", "2 days" },
	};
	char due_in[64], overdue_by[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		remind_due_words(cases[i].left, cases[i].en, due_in,
		    sizeof(due_in), overdue_by, sizeof(overdue_by));
		CHECK_STR_EQ(due_in, cases[i].due_in);
		CHECK_STR_EQ(overdue_by, cases[i].overdue_by);
	}
}

int
main(void)
{
	setenv("TZ", "Europe/Stockholm", 1);
	TEST_RUN(test_digest_once);
	TEST_RUN(test_instants);
	TEST_RUN(test_past_due);
	TEST_RUN(test_coordinator_digest);
	TEST_RUN(test_due_words);
	return TEST_END("remind");
}
