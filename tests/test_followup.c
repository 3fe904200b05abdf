/*
 * test_followup: who may report a follow-up, what a report records, and
 * the state the reports give, against the shipped organisation and plan
 * and a real SQLite file.  The callers are the organisation's own people
 * (Johan Ek heads preventive work, Lina Sjöberg is that role's deputy,
 * Amir Haddad heads individ- och familjestöd, Samira Lindqvist is the
 * coordinator); activity 20 is "Respektive avdelningschef", four parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "conf.h"
#include "followup.h"
#include "host.h"
#include "plan.h"
#include "sched.h"
#include "store.h"
#include "util.h"

#include "test.h"
#include "testconf.h"

struct world {
	struct test_scratch	 tmp;
	struct config	*c;
	struct store	*st;
	time_t		 now;
};

static int
world_open(struct world *w)
{
	struct diag d = { 0 };
	char err[256];

	memset(w, 0, sizeof(*w));
	if (test_scratch_open(&w->tmp, "followup") != 0)
		return -1;
	if ((w->c = test_conf_load("conf/planwatch.conf", &d)) == NULL) {
		diag_print(&d, stderr);
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	if ((w->st = store_open(w->tmp.db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	w->now = calendar_local_to_utc(calendar_days(2020, 4, 20), 10 * 60);
	return 0;
}

static void
world_close(struct world *w)
{
	store_close(w->st);
	conf_free(w->c);
	test_scratch_close(&w->tmp);
}

/* The caller of a login, as the control socket would give it. */
static struct followup_caller
as(const struct world *w, const char *user)
{
	struct followup_caller fc;

	fc.person = org_person_by_user(&w->c->org, user);
	fc.actor = user;
	fc.channel = FOLLOWUP_CHANNEL_CTL;
	return fc;
}

static int
report(struct world *w, const struct followup_caller *fc, const char *act,
    const char *occ, const char *status, const char *part,
    struct followup_result *res)
{
	struct followup_report r;

	memset(&r, 0, sizeof(r));
	r.activity = act;
	r.occurrence = occ;
	r.status = status;
	r.part = part;
	r.comment = "En kommentar";
	return followup_record(w->st, w->c, w->now, fc, &r, res);
}

static void
test_who_may(void)
{
	struct world w;
	struct followup_caller fc;
	struct followup_result res;
	const struct person *lina;

	if (world_open(&w) != 0) {
		TEST_FAIL("world");
		world_close(&w);
		return;
	}
	/* The head of the role, for their own activity. */
	fc = as(&w, "jek");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-01", "T1 2020", "done",
	    NULL, &res), FOLLOWUP_RECORDED);
	CHECK_STR_EQ(res.occurrence, "T1 2020");
	CHECK_INT_EQ(res.nparts, 1);
	CHECK_STR_EQ(res.parts[0]->id, "avdelningschef-forebyggande");
	CHECK_INT_EQ(res.on_behalf, 0);

	/* Another head may not; the refusal says who may. */
	fc = as(&w, "ahaddad");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-01", "T1 2020",
	    "cancelled", NULL, &res), FOLLOWUP_REFUSED);
	CHECK_STR_EQ(res.message, "Amir Haddad may not report on "
	    "skarpnack-2019-01: it is reported by Johan Ek (Avdelningschef "
	    "Förebyggande arbete och kultur, deputy Lina Sjöberg) for their "
	    "own part; the coordinator Samira Lindqvist and the deputy Erik "
	    "Holmberg may report on anyone's behalf");

	/* The role's deputy, who has no login, through another channel. */
	lina = org_role(&w.c->org, "avdelningschef-forebyggande")->deputy;
	fc.person = lina;
	fc.actor = "link:17";
	fc.channel = FOLLOWUP_CHANNEL_WEB;
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-02",
	    "Tertialrapport 1 2020", "on-track", NULL, &res),
	    FOLLOWUP_RECORDED);
	CHECK_INT_EQ(res.on_behalf, 0);

	/* The coordinator, on behalf of the district director. */
	fc = as(&w, "samordnare");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-10", "T1 2020",
	    "delayed", NULL, &res), FOLLOWUP_RECORDED);
	CHECK_INT_EQ(res.on_behalf, 1);
	CHECK_STR_EQ(res.parts[0]->id, "stadsdelsdirektor");

	/* Someone outside the organisation. */
	fc = as(&w, "root");
	CHECK(fc.person == NULL);
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-01", "T1 2020", "done",
	    NULL, &res), FOLLOWUP_REFUSED);
	CHECK(strstr(res.message, "root is not a person of the organisation")
	    != NULL);

	/* Requests that make no sense, whoever asks. */
	fc = as(&w, "samordnare");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-01", "T1 2020", "klar",
	    NULL, &res), FOLLOWUP_REFUSED);
	CHECK_STR_EQ(res.message, "status must be done, on-track, delayed or "
	    "cancelled");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-99", "T1 2020", "done",
	    NULL, &res), FOLLOWUP_REFUSED);
	CHECK_STR_EQ(res.message, "no activity 'skarpnack-2019-99'");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-17", "T9 2019", "done",
	    NULL, &res), FOLLOWUP_REFUSED);
	CHECK_STR_EQ(res.message, "activity 'skarpnack-2019-17' is not "
	    "followed up at 'T9 2019'; it is at: deadline 2019-09-01, VB 2019");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-01", "T1 2020", "done",
	    "kberg", &res), FOLLOWUP_REFUSED);
	CHECK_STR_EQ(res.message, "'kberg' is not responsible for "
	    "skarpnack-2019-01; its parts are: avdelningschef-forebyggande");

	/* How people write occurrences. */
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-17", "slutdatum", "done",
	    NULL, &res), FOLLOWUP_RECORDED);
	CHECK_STR_EQ(res.occurrence, "deadline 2019-09-01");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-17", "VB", "done",
	    NULL, &res), FOLLOWUP_RECORDED);
	CHECK_STR_EQ(res.occurrence, "VB 2019");

	/* Five reports recorded, each with its audit line. */
	{
		struct store_counts sc;

		store_counts(w.st, &sc);
		CHECK_INT_EQ(sc.audit_rows, 5);
	}
	world_close(&w);
}

/* The item of an activity at an occurrence, as the scheduler gives it. */
static struct sched_item
item(const struct config *c, const char *act, const char *occ)
{
	struct sched_item it;
	size_t p;

	memset(&it, 0, sizeof(it));
	for (p = 0; p < c->nplans && it.activity == NULL; p++)
		if ((it.activity = plan_find_activity(&c->plans[p], act)) !=
		    NULL)
			it.plan = &c->plans[p];
	it.target = act;
	snprintf(it.occurrence, sizeof(it.occurrence), "%s", occ);
	return it;
}

static int
settled(const struct followups *fs, const struct config *c, const char *act,
    const char *occ, const char *role)
{
	struct sched_item it = item(c, act, occ);

	return followups_settled((void *)fs, &it, org_role(&c->org, role));
}

/*
 * A group activity's parts are reported one by one; cancelling stops
 * every occurrence, until reopened or until the plan is adopted anew;
 * done at the deadline completes the activity.
 */
static void
test_state(void)
{
	struct world w;
	struct followup_caller fc;
	struct followup_result res;
	struct followups *fs;
	const struct followup_row *row;
	int adopted;

	if (world_open(&w) != 0) {
		TEST_FAIL("world");
		world_close(&w);
		return;
	}
	fc = as(&w, "ahaddad");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-20", "T1 2020", "done",
	    NULL, &res), FOLLOWUP_RECORDED);
	CHECK_STR_EQ(res.parts[0]->id, "avdelningschef-ifo");
	fc = as(&w, "samordnare");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-20", "T1 2020",
	    "on-track", "bnystrom", &res), FOLLOWUP_RECORDED);
	CHECK_STR_EQ(res.parts[0]->id, "avdelningschef-aldreomsorg");
	CHECK_INT_EQ(res.on_behalf, 1);
	fc = as(&w, "jek");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-05", "T2 2019",
	    "cancelled", NULL, &res), FOLLOWUP_RECORDED);
	fc = as(&w, "pwallin");
	CHECK_INT_EQ(report(&w, &fc, "skarpnack-2019-17", "deadline",
	    "done", NULL, &res), FOLLOWUP_RECORDED);

	fs = followups_load(w.st);
	CHECK(fs != NULL);
	if (fs == NULL)
		goto out;
	CHECK(settled(fs, w.c, "skarpnack-2019-20", "T1 2020",
	    "avdelningschef-ifo"));
	CHECK(settled(fs, w.c, "skarpnack-2019-20", "T1 2020",
	    "avdelningschef-aldreomsorg"));
	CHECK(!settled(fs, w.c, "skarpnack-2019-20", "T1 2020",
	    "avdelningschef-forebyggande"));
	CHECK(!settled(fs, w.c, "skarpnack-2019-20", "T2 2019",
	    "avdelningschef-ifo"));
	row = followups_find(fs, "skarpnack-2019-20", "T1 2020",
	    "avdelningschef-aldreomsorg");
	CHECK(row != NULL);
	if (row != NULL) {
		CHECK_STR_EQ(row->status, "on-track");
		CHECK_STR_EQ(row->on_behalf_of, "Birgitta Nyström");
		CHECK_STR_EQ(row->reported_by, "samordnare (Samira Lindqvist)");
		CHECK_STR_EQ(row->plan_adopted, "2019-05-15");
	}
	/* Cancelled at T2 2019: every later occurrence too. */
	CHECK(settled(fs, w.c, "skarpnack-2019-05", "VB 2019",
	    "avdelningschef-forebyggande"));
	CHECK(settled(fs, w.c, "skarpnack-2019-05", "T1 2020",
	    "avdelningschef-forebyggande"));
	/* Done at the deadline completes it: VB 2019 is settled too. */
	CHECK(settled(fs, w.c, "skarpnack-2019-17", "VB 2019",
	    "avdelningschef-administration"));
	/* Done at a checkpoint does not. */
	CHECK(!settled(fs, w.c, "skarpnack-2019-20", "VB 2019",
	    "avdelningschef-ifo"));

	/* A new adoption of the plan starts it afresh. */
	adopted = w.c->plans[0].adopted;
	w.c->plans[0].adopted = calendar_days(2020, 5, 20);
	CHECK(!settled(fs, w.c, "skarpnack-2019-05", "T1 2020",
	    "avdelningschef-forebyggande"));
	w.c->plans[0].adopted = adopted;
	followups_free(fs);

	/* Only the coordinator or the deputy reopens. */
	fc = as(&w, "jek");
	CHECK_INT_EQ(followup_reopen(w.st, w.c, w.now, &fc,
	    "skarpnack-2019-05", NULL, &res), FOLLOWUP_REFUSED);
	fc = as(&w, "ersattare");
	CHECK_INT_EQ(followup_reopen(w.st, w.c, w.now, &fc,
	    "skarpnack-2019-05", NULL, &res), FOLLOWUP_RECORDED);
	fs = followups_load(w.st);
	CHECK(!settled(fs, w.c, "skarpnack-2019-05", "T1 2020",
	    "avdelningschef-forebyggande"));
	/* The occurrence it was cancelled at stays reported. */
	CHECK(settled(fs, w.c, "skarpnack-2019-05", "T2 2019",
	    "avdelningschef-forebyggande"));
	followups_free(fs);
out:
	world_close(&w);
}

static void
test_labels(void)
{
	CHECK_STR_EQ(followup_status_label("done", 0), "genomförd");
	CHECK_STR_EQ(followup_status_label("on-track", 0),
	    "pågår enligt plan");
	CHECK_STR_EQ(followup_status_label("delayed", 0), "försenad");
	CHECK_STR_EQ(followup_status_label("cancelled", 0), "avbruten");
	CHECK_STR_EQ(followup_status_label("on-track", 1), "on track");
}

int
main(void)
{
	setenv("TZ", "Europe/Stockholm", 1);
	TEST_RUN(test_who_may);
	TEST_RUN(test_state);
	TEST_RUN(test_labels);
	return TEST_END("followup");
}
