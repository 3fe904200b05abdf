/*
 * test_ics: the calendars of daemon/services/ics.c read back with libical's own
 * parser: a person's feed holds exactly the deadlines and checkpoints of
 * their activities, with the UIDs the plan export gives the same events,
 * and a report marks its event (check mark, status, sequence) without
 * changing its UID.  tests/integration/web.sh reads the same feed with
 * an independent parser (python3-icalendar).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "conf.h"
#include "followup.h"
#include "host.h"
#include "ics.h"
#include "store.h"
#include "util.h"
#include "test.h"
#include "testconf.h"

/* Calls fn(ev, arg) for every VEVENT of the text; the number of them. */
static int
each_event(const char *text, void (*fn)(icalcomponent *, void *), void *arg)
{
	icalcomponent *cal = icalparser_parse_string(text), *ev;
	int n = 0;

	if (cal == NULL)
		return -1;
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    ev != NULL; ev = icalcomponent_get_next_component(cal,
	    ICAL_VEVENT_COMPONENT)) {
		if (fn != NULL)
			fn(ev, arg);
		n++;
	}
	icalcomponent_free(cal);
	return n;
}

/* The UIDs of a calendar, one a line, into a buffer. */
static void
uid_cb(icalcomponent *ev, void *arg)
{
	buf_printf(arg, "%s\n", icalcomponent_get_uid(ev));
}

struct find {
	const char	*uid;
	char		 summary[512];
	char		 description[1024];
	int		 sequence;
	int		 found;
	int		 has_url;
};

static void
find_cb(icalcomponent *ev, void *arg)
{
	struct find *f = arg;

	if (strcmp(icalcomponent_get_uid(ev), f->uid) != 0)
		return;
	f->found++;
	snprintf(f->summary, sizeof(f->summary), "%s",
	    icalcomponent_get_summary(ev));
	snprintf(f->description, sizeof(f->description), "%s",
	    icalcomponent_get_description(ev));
	f->sequence = icalcomponent_get_sequence(ev);
	f->has_url = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY) !=
	    NULL;
}

static void
test_person_feed(void)
{
	struct diag d = { 0 };
	struct config *c = test_conf_load("conf/planwatch.conf", &d);
	const struct person *kberg;
	struct followups *fs;
	struct buf mine = { 0 }, all = { 0 };
	struct find f;
	char *feed, *export;
	int n;

	diag_free(&d);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	kberg = org_person_by_user(&c->org, "kberg");
	CHECK(kberg != NULL);
	fs = followups_new();
	feed = ics_person(c, fs, kberg, "https://planwatch.example.org/l/x",
	    1587016800, 0);
	n = each_event(feed, uid_cb, &mine);
	CHECK(n > 0);
	/* Each of her events is the export's event of the same UID. */
	export = ics_export(c, "stadsdelsdirektor", 1587016800);
	each_event(export, uid_cb, &all);
	CHECK(mine.s != NULL && all.s != NULL);
	if (mine.s != NULL && all.s != NULL) {
		char *line, *save = NULL, *copy = xstrdup(mine.s);

		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if (strstr(all.s, line) == NULL)
				TEST_FAIL("feed UID %s not in the export", line);
		free(copy);
	}
	memset(&f, 0, sizeof(f));
	f.uid = "skarpnack-2019-10/T1-2020@skarpnack.example.org";
	each_event(feed, find_cb, &f);
	CHECK_INT_EQ(f.found, 1);
	CHECK(strncmp(f.summary, "Tertialrapport 1 2020: SkarpBr", 30) == 0);
	CHECK_INT_EQ(f.sequence, 0);
	CHECK(f.has_url);
	free(feed);
	followups_free(fs);

	/* Reported, through the one way a report is made: marked. */
	{
		struct test_scratch sc;
		struct store *st = NULL;
		struct followup_caller who = { NULL, "kberg", FOLLOWUP_CHANNEL_WEB };
		struct followup_report r = { "skarpnack-2019-10", "T1 2020",
		    "on-track", "Två möten hållna", NULL };
		struct followup_result res;
		char err[256];

		who.person = kberg;
		CHECK(test_scratch_open(&sc, "ics") == 0);
		st = store_open(sc.db, err, sizeof(err));
		CHECK(st != NULL);
		CHECK_INT_EQ(followup_record(st, c, 1587016800, &who, &r, &res),
		    FOLLOWUP_RECORDED);
		fs = followups_load(st);
		feed = ics_person(c, fs, kberg, NULL, 1587016800, 0);
		memset(&f, 0, sizeof(f));
		f.uid = "skarpnack-2019-10/T1-2020@skarpnack.example.org";
		CHECK_INT_EQ(each_event(feed, find_cb, &f), n);
		CHECK_INT_EQ(f.found, 1);
		CHECK(strncmp(f.summary, "\xe2\x9c\x93 Tertialrapport 1 2020",
		    25) == 0);
		CHECK(strstr(f.description, "Rapporterad: p\xc3\xa5g\xc3\xa5r "
		    "enligt plan 2020-04-16 08:00") != NULL);
		CHECK(strstr(f.description, "Två möten hållna") != NULL);
		CHECK_INT_EQ(f.sequence, 1);
		CHECK(!f.has_url);
		free(feed);
		followups_free(fs);
		store_close(st);
		test_scratch_close(&sc);
	}
	free(export);
	buf_free(&mine);
	buf_free(&all);
	conf_free(c);
}

int
main(void)
{
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	TEST_RUN(test_person_feed);
	return TEST_END("ics");
}
