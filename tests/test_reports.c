/*
 * test_reports: storing concern reports in batches (reports.c) against a
 * real SQLite file.  A report the database refuses -- here a trigger
 * planted through a second connection -- must be left out alone: every
 * other report of its batch is stored with its alerts and audit line,
 * and the refused one leaves nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "calendar.h"
#include "conf.h"
#include "concern.h"
#include "host.h"
#include "remind.h"
#include "reports.h"
#include "store.h"
#include "util.h"

#include "test.h"
#include "testconf.h"

#define NITEMS	6

struct world {
	struct test_scratch	 tmp;
	const char		*db;
	struct config		*c;
	struct remind_templates	 tpl;
	struct store		*st;
};

static int
world_open(struct world *w)
{
	struct diag d = { 0 };
	char err[256];

	memset(w, 0, sizeof(*w));
	if (test_scratch_open(&w->tmp, "reports") != 0)
		return -1;
	w->db = w->tmp.db;
	w->c = test_conf_load("conf/planwatch.conf", &d);
	if (w->c == NULL || remind_templates_load(&w->tpl, host_source(),
	    w->c->rules_dir, &d) != 0) {
		diag_print(&d, stderr);
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	if ((w->st = store_open(w->db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static void
world_close(struct world *w)
{
	store_close(w->st);
	remind_templates_free(&w->tpl);
	conf_free(w->c);
	test_scratch_close(&w->tmp);
}

/* Runs one SQL text through a connection of its own. */
static int
sql(const struct world *w, const char *text)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(w->db, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	rc = sqlite3_exec(db, text, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static long long
count(const struct world *w, const char *query)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_open(w->db, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	if (sqlite3_prepare_v2(db, query, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* The JSON of a valid report from `unit`, dated the day before `now`. */
static void
report_json(time_t now, const char *unit, char *json, size_t size)
{
	time_t yesterday = now - 86400;
	struct tm tm;
	char date[16];

	localtime_r(&yesterday, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(json, size, "{\"event_date\": \"%s\", \"unit\": \"%s\", "
	    "\"place_type\": \"skola\", \"kind\": \"handelse\", "
	    "\"milieu\": \"okand\", \"concerns_minor\": true, "
	    "\"urgency\": \"normal\", \"police_informed\": false, "
	    "\"social_services_informed\": false, "
	    "\"description\": \"Klotter vid entren.\"}", date, unit);
}

/* A valid report from `unit`, dated the day before `now`, parsed. */
static int
parse(const struct world *w, time_t now, const char *unit,
    struct reports_item *it)
{
	struct concern_error err;
	char json[512];

	report_json(now, unit, json, sizeof(json));
	memset(it, 0, sizeof(*it));
	it->source = "test";
	return reports_parse(w->c, now, json, strlen(json), &it->r, &err);
}

/*
 * Stores NITEMS reports, those from `refused` (if any) refused by a
 * trigger; checks what was stored and what was not.
 */
static void
batch(const char *const *units, const char *refused, int nrefused)
{
	struct world w;
	struct reports_item items[NITEMS];
	struct reports_env env;
	time_t now = time(NULL);
	int64_t last = 0;
	size_t i, alerts = 0;
	char *trigger;
	int stored;

	if (world_open(&w) != 0) {
		TEST_FAIL("cannot set up");
		world_close(&w);
		return;
	}
	if (refused != NULL) {
		trigger = xasprintf("CREATE TRIGGER refuse BEFORE INSERT ON "
		    "report WHEN NEW.unit = '%s' BEGIN SELECT RAISE(ABORT, "
		    "'refused by the test'); END;", refused);
		CHECK(sql(&w, trigger) == 0);
		free(trigger);
	}
	for (i = 0; i < NITEMS; i++)
		CHECK(parse(&w, now, units[i], &items[i]) == 0);
	env.st = w.st;
	env.c = w.c;
	env.tpl = &w.tpl;
	env.now = now;
	stored = reports_store(&env, items, NITEMS);
	CHECK_INT_EQ(stored, NITEMS - nrefused);
	for (i = 0; i < NITEMS; i++) {
		if (refused != NULL && strcmp(units[i], refused) == 0) {
			CHECK_INT_EQ(items[i].number, -1);
			CHECK_INT_EQ(items[i].nrecipients, 0);
			continue;
		}
		/* Numbers in the order the reports came. */
		CHECK(items[i].number > last);
		last = items[i].number;
		CHECK(items[i].nrecipients >= 2);
		alerts += items[i].nrecipients;
	}
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM report"),
	    NITEMS - nrefused);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM audit WHERE action = "
	    "'report-received'"), NITEMS - nrefused);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM message"), alerts);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM message_rcpt"), alerts);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM report_route"), alerts);
	/*
	 * Each alert greets its own recipient: no two bodies alike, not
	 * even those of one report.
	 */
	CHECK_INT_EQ(count(&w, "SELECT count(DISTINCT substr(data, "
	    "instr(data, char(13, 10, 13, 10)))) FROM message"), alerts);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM message m JOIN "
	    "message_rcpt r ON r.message = m.id WHERE r.addr = "
	    "'samordnare@skarpnack.example.org' AND instr(m.data, "
	    "'Hej Samira Lindqvist,') > 0"), NITEMS - nrefused);
	/* Nothing points at a report that is not there. */
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM report_route WHERE "
	    "report NOT IN (SELECT id FROM report)"), 0);
	for (i = 0; i < NITEMS; i++)
		concern_report_free(&items[i].r);
	world_close(&w);
}

static void
test_batch_all_stored(void)
{
	static const char *const u[NITEMS] = { "fritid", "kulturhuset",
	    "aldreomsorg", "integration", "fritid", "administration" };

	batch(u, NULL, 0);
}

/* One refused report in the middle, at either end, and several. */
static void
test_batch_one_refused(void)
{
	static const char *const mid[NITEMS] = { "fritid", "kulturhuset",
	    "aldreomsorg", "integration", "fritid", "administration" };
	static const char *const ends[NITEMS] = { "aldreomsorg", "fritid",
	    "kulturhuset", "integration", "administration", "aldreomsorg" };
	static const char *const many[NITEMS] = { "fritid", "aldreomsorg",
	    "aldreomsorg", "kulturhuset", "aldreomsorg", "integration" };

	batch(mid, "aldreomsorg", 1);
	batch(ends, "aldreomsorg", 2);
	batch(many, "aldreomsorg", 3);
}

static void
test_batch_all_refused(void)
{
	static const char *const u[NITEMS] = { "fritid", "fritid", "fritid",
	    "fritid", "fritid", "fritid" };

	batch(u, "fritid", NITEMS);
}

static time_t
local(int y, int m, int d, int hh, int mm)
{
	return calendar_local_to_utc(calendar_days(y, m, d), hh * 60 + mm);
}

/*
 * The acknowledgement deadline: an urgent report's in clock hours, also
 * at night; a normal one's in working hours (08-17, working days), with
 * the routing file and with the defaults when there is none.
 */
static void
test_ack_due(void)
{
	struct world w;
	struct concern_report r;
	struct routing *rt;
	int k;

	if (world_open(&w) != 0) {
		TEST_FAIL("world");
		world_close(&w);
		return;
	}
	rt = w.c->routing;
	CHECK(rt != NULL);
	memset(&r, 0, sizeof(r));
	for (k = 0; k < 2; k++) {
		w.c->routing = k == 0 ? rt : NULL;
		r.urgency = CONCERN_URGENCY_AKUT;
		CHECK_INT_EQ(reports_ack_due(w.c, &r,
		    local(2026, 11, 24, 22, 0)), local(2026, 11, 25, 0, 0));
		r.urgency = CONCERN_URGENCY_NORMAL;
		CHECK_INT_EQ(reports_ack_due(w.c, &r,
		    local(2026, 11, 23, 9, 0)), local(2026, 11, 23, 17, 0));
		/* Friday 16:00: an hour on Friday, seven on Monday. */
		CHECK_INT_EQ(reports_ack_due(w.c, &r,
		    local(2026, 11, 27, 16, 0)), local(2026, 11, 30, 15, 0));
	}
	w.c->routing = rt;
	world_close(&w);
}

/*
 * A report delivered twice under the same key (a spool file found again
 * after a crash) is stored and routed once; the second delivery is told
 * the first one's number.  A new key, or none, is a new report, and a key
 * whose report could not be stored is not remembered.
 */
static void
test_submit_key(void)
{
	struct world w;
	struct reports_env env;
	struct concern_error err;
	char json[512];
	int64_t first = 0, n = 0;
	time_t when = 0, first_when;
	long long messages;

	if (world_open(&w) != 0) {
		TEST_FAIL("cannot set up");
		world_close(&w);
		return;
	}
	env.st = w.st;
	env.c = w.c;
	env.tpl = &w.tpl;
	env.now = time(NULL);
	report_json(env.now, "fritid", json, sizeof(json));

	CHECK_INT_EQ(reports_submit(&env, "spool", "spool:a", json,
	    strlen(json), &first, &when, &err), 0);
	CHECK(first > 0);
	CHECK_INT_EQ(when, env.now);
	first_when = when;
	messages = count(&w, "SELECT count(*) FROM message");
	CHECK(messages >= 2);
	env.now += 600;		/* found again ten minutes later */
	CHECK_INT_EQ(reports_submit(&env, "spool", "spool:a", json,
	    strlen(json), &n, &when, &err), 2);
	CHECK_INT_EQ(n, first);
	/* When it was received the first time, not now. */
	CHECK_INT_EQ(when, first_when);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM report"), 1);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM message"), messages);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM audit WHERE action = "
	    "'report-received'"), 1);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM intake_seen WHERE "
	    "key = 'spool:a'"), 1);

	/* Another key, and no key at all (twice): three more reports. */
	CHECK_INT_EQ(reports_submit(&env, "spool", "spool:b", json,
	    strlen(json), &n, &when, &err), 0);
	CHECK(n > first);
	CHECK_INT_EQ(reports_submit(&env, "planwatchctl:admin", NULL, json,
	    strlen(json), &n, &when, &err), 0);
	CHECK_INT_EQ(reports_submit(&env, "planwatchctl:admin", NULL, json,
	    strlen(json), &n, &when, &err), 0);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM report"), 4);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM intake_seen"), 2);

	/* Not stored: the key is not kept, so the retry is stored. */
	CHECK(sql(&w, "CREATE TRIGGER refuse BEFORE INSERT ON report "
	    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;") == 0);
	CHECK_INT_EQ(reports_submit(&env, "spool", "spool:c", json,
	    strlen(json), &n, &when, &err), -1);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM intake_seen WHERE "
	    "key = 'spool:c'"), 0);
	CHECK(sql(&w, "DROP TRIGGER refuse") == 0);
	CHECK_INT_EQ(reports_submit(&env, "spool", "spool:c", json,
	    strlen(json), &n, &when, &err), 0);
	CHECK_INT_EQ(count(&w, "SELECT count(*) FROM report"), 5);
	world_close(&w);
}

int
main(void)
{
	setenv("TZ", "Europe/Stockholm", 1);
	TEST_RUN(test_ack_due);
	TEST_RUN(test_batch_all_stored);
	TEST_RUN(test_batch_one_refused);
	TEST_RUN(test_batch_all_refused);
	TEST_RUN(test_submit_key);
	return TEST_END("reports");
}
