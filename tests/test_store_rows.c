/*
 * test_store_rows: the store's promises about what it keeps, on a real
 * SQLite file in a temporary directory, through store.h alone (SQLite
 * directly only to load an old database and to look at rowids): the
 * ledger generates a notification once, ever, across close and reopen;
 * a message's recipients go queued -> sending -> sent, deferred, failed
 * and back; concern reports are acknowledged, escalated, closed and
 * purged once; a batch of reports stands or falls item by item; typed
 * rows carry every column; and an old database migrates keeping its rows
 * and rowids, to the schema a new one has.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "host.h"
#include "store.h"
#include "util.h"
#include "test.h"

static char	dir[64];

static char *
at(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
fresh_dir(void)
{
	test_dir_make(dir, sizeof(dir), "test_store_rows");
}

static void
remove_dir(void)
{
	test_dir_remove(dir);
}

static struct store *
open_db(const char *name)
{
	char err[512], *p = at(name);
	struct store *s = store_open(p, err, sizeof(err));

	if (s == NULL)
		fprintf(stderr, "store_open: %s\n", err);
	free(p);
	return s;
}

/*
 * One text value of a query on the database file `name`, opened beside
 * the store (WAL lets a reader in), as "a|b|c" for several rows.
 */
static char *
query(const char *name, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *p = at(name), *out = xstrdup(""), *t;
	const unsigned char *v;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		exit(2);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		t = xasprintf("%s%s%s", out, *out ? "|" : "",
		    v ? (const char *)v : "NULL");
		free(out);
		out = t;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(p);
	return out;
}

#define CHECK_QUERY(name, sql, want) do {				\
	char *q_ = query((name), (sql));				\
	CHECK_STR_EQ(q_, (want));					\
	free(q_);							\
} while (0)

/* ---- what the callbacks saw ---- */

struct seen {
	int	n;
	char	text[1024];	/* the rows, one line each */
	int64_t	ids[16];
};

static void
seen_add(struct seen *sn, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seen_add(struct seen *sn, int64_t id, const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(sn->text);

	if (sn->n < 16)
		sn->ids[sn->n] = id;
	sn->n++;
	va_start(ap, fmt);
	vsnprintf(sn->text + len, sizeof(sn->text) - len, fmt, ap);
	va_end(ap);
	len = strlen(sn->text);
	snprintf(sn->text + len, sizeof(sn->text) - len, "\n");
}

#define S(x)	((x) ? (x) : "NULL")

static void
pending_cb(void *arg, const struct store_pending *p)
{
	seen_add(arg, p->id, "%s %s %s %s %lld %lld %d %s %s %s %s %d %d",
	    S(p->rule), S(p->activity), S(p->occurrence), S(p->recipient),
	    (long long)p->due, (long long)p->send_at, p->late, S(p->kind),
	    S(p->capacity), S(p->parts), S(p->event_date), p->until_reported,
	    p->before_event);
}

static void
item_cb(void *arg, const struct store_item *it)
{
	seen_add(arg, it->id, "%s %s %s %s %s %s %s", S(it->rule),
	    S(it->activity), S(it->occurrence), S(it->recipient), S(it->kind),
	    S(it->capacity), S(it->parts));
}

static void
rcpt_cb(void *arg, const struct store_rcpt *r)
{
	seen_add(arg, r->message, "%lld %s %s %d %lld", (long long)r->message,
	    S(r->message_id), S(r->addr), r->attempts, (long long)r->created);
}

static void
failure_cb(void *arg, const struct store_failure *f)
{
	seen_add(arg, f->message, "%lld %s %s %s %d %s", (long long)f->message,
	    S(f->message_id), S(f->kind), S(f->addr), f->attempts,
	    S(f->reply));
}

static void
escalation_cb(void *arg, const struct store_escalation *e)
{
	seen_add(arg, e->id, "%lld %d %s %lld", (long long)e->id, e->level,
	    S(e->urgency), (long long)e->received_at);
}

static void
report_cb(void *arg, int64_t id, const struct store_report *r)
{
	seen_add(arg, id, "%lld %s %s %s %s %s %s %d %s %d %d %s %lld",
	    (long long)r->received_at, S(r->source), S(r->event_date),
	    S(r->unit), S(r->place_type), S(r->kind), S(r->milieu),
	    r->concerns_minor, S(r->urgency), r->police_informed,
	    r->social_services_informed, S(r->description),
	    (long long)r->ack_due);
}

static void
followup_cb(void *arg, int64_t id, const struct store_followup *f)
{
	seen_add(arg, id, "%s %s %s %s %s %s %s %s %s %lld", S(f->activity),
	    S(f->occurrence), S(f->part), S(f->status), S(f->comment),
	    S(f->reported_by), S(f->on_behalf_of), S(f->channel),
	    S(f->plan_adopted), (long long)f->at);
}

/* A listing row: "name=value" pairs. */
static void
listing_cb(void *arg, int ncols, const char *const *names,
    const char *const *values)
{
	struct seen *sn = arg;
	char line[512] = "";
	size_t len;
	int i;

	for (i = 0; i < ncols; i++) {
		len = strlen(line);
		snprintf(line + len, sizeof(line) - len, "%s%s=%s",
		    i ? " " : "", names[i], S(values[i]));
	}
	seen_add(sn, 0, "%s", line);
}

#define SEEN(sn)	struct seen sn = { 0 }

/* ---- the ledger ---- */

static const struct store_note note1 = {
	.key = "checkpoint/28d#0|a-1|T2 2020|chef@example.org",
	.rule = "checkpoint/28d#0",
	.activity = "a-1",
	.occurrence = "T2 2020",
	.recipient = "chef@example.org",
	.due = 2000,
	.now = 1000,
	.late = 1,
	.send_at = 1500,
	.kind = "overdue",
	.capacity = "deputy",
	.parts = "r1 r2",
	.event_date = "2020-06-30",
	.until_reported = 1,
	.before_event = 1,
};

/* A second claim of a key does nothing, also after close and reopen. */
static void
test_ledger_once(void)
{
	struct store *s;
	struct store_note again = note1;
	struct store_counts c;
	int64_t id;
	SEEN(p);

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	id = store_notification_add(s, &note1);
	CHECK(id > 0);
	again.rule = "changed";
	again.due = 9999;
	again.send_at = 1200;
	CHECK_INT_EQ(store_notification_add(s, &again), 0);
	store_close(s);

	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_notification_add(s, &again), 0);
	CHECK_INT_EQ(store_counts(s, &c), 0);
	CHECK_INT_EQ(c.notifications, 1);
	/* The first claim's row, every column as written. */
	CHECK_INT_EQ(store_pending_due(s, 1500, pending_cb, &p), 0);
	CHECK_INT_EQ(p.n, 1);
	CHECK_INT_EQ(p.ids[0], id);
	CHECK_STR_EQ(p.text, "checkpoint/28d#0 a-1 T2 2020 chef@example.org "
	    "2000 1500 1 overdue deputy r1 r2 2020-06-30 1 1\n");
	/* Another key is another row. */
	again.key = "other";
	CHECK(store_notification_add(s, &again) > id);
	store_close(s);
	remove_dir();
}

/* A notification waits for its send instant, then for one message. */
static void
test_ledger_waits(void)
{
	struct store *s;
	struct store_note n2 = note1, n0 = note1;
	int64_t id1, id2, msg;
	time_t next = 0;
	SEEN(before);
	SEEN(due);
	SEEN(items);
	SEEN(after);

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_digest_next(s, &next), 0);
	id1 = store_notification_add(s, &note1);
	n2.key = "k2";
	n2.send_at = 1600;
	n2.kind = NULL;
	n2.capacity = NULL;
	n2.parts = NULL;
	n2.event_date = NULL;
	id2 = store_notification_add(s, &n2);
	/* No send instant: it never waits for a message. */
	n0.key = "k0";
	n0.send_at = 0;
	CHECK(store_notification_add(s, &n0) > 0);
	CHECK(id1 > 0 && id2 > id1);
	CHECK_INT_EQ(store_digest_next(s, &next), 1);
	CHECK_INT_EQ(next, 1500);

	CHECK_INT_EQ(store_pending_due(s, 1499, pending_cb, &before), 0);
	CHECK_INT_EQ(before.n, 0);
	CHECK_INT_EQ(store_pending_due(s, 1600, pending_cb, &due), 0);
	CHECK_INT_EQ(due.n, 2);
	CHECK_INT_EQ(due.ids[0], id1);
	CHECK_INT_EQ(due.ids[1], id2);
	/* What a row lacks comes back NULL. */
	CHECK(strstr(due.text, "\ncheckpoint/28d#0 a-1 T2 2020 "
	    "chef@example.org 2000 1600 1 NULL NULL NULL NULL 1 1\n") != NULL);

	CHECK_INT_EQ(store_begin(s), 0);
	msg = store_message_next(s);
	CHECK_INT_EQ(msg, 1);
	{
		const char *to[] = { "chef@example.org" };

		CHECK_INT_EQ(store_message_add(s, msg, "<m1@x>", "overdue",
		    "x", 1, to, 1, 1500), msg);
	}
	CHECK_INT_EQ(store_notification_set_message(s, id1, msg), 0);
	CHECK_INT_EQ(store_notification_drop(s, id2, "reported"), 0);
	CHECK_INT_EQ(store_commit(s), 0);
	CHECK_INT_EQ(store_message_next(s), 2);

	CHECK_INT_EQ(store_pending_due(s, INT64_MAX, pending_cb, &after), 0);
	CHECK_INT_EQ(after.n, 0);
	CHECK_INT_EQ(store_digest_next(s, &next), 0);
	CHECK_INT_EQ(store_message_items(s, msg, item_cb, &items), 0);
	CHECK_INT_EQ(items.n, 1);
	CHECK_INT_EQ(items.ids[0], id1);
	CHECK_STR_EQ(items.text, "checkpoint/28d#0 a-1 T2 2020 "
	    "chef@example.org overdue deputy r1 r2\n");
	store_close(s);
	CHECK_QUERY("db", "SELECT id || ':' || coalesce(message, '') || ':' || "
	    "coalesce(dropped, '') FROM notification ORDER BY id",
	    "1:1:|2::reported|3::");
	remove_dir();
}

/* ---- the outbox ---- */

static const char *const two[] = { "a@example.org", "b@example.org",
	"a@example.org" };

/* queued -> sending -> sent; a crash while sending; deferred; failed. */
static void
test_outbox_states(void)
{
	struct store *s;
	struct store_counts c;
	char *data;
	size_t len;
	time_t next;
	static const char body[] = "Subject: x\r\n\r\nhej\0d\xc3\xa5\r\n";
	SEEN(early);
	SEEN(due);
	SEEN(one);
	SEEN(after);
	SEEN(failed);
	SEEN(none);

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_outbox_next(s, &next), 0);
	CHECK_INT_EQ(store_message_add(s, 7, "<m7@x>", "reminder", body,
	    sizeof(body) - 1, two, 3, 100), 7);
	/* A Message-ID and a number are the message's own. */
	CHECK_INT_EQ(store_message_add(s, 8, "<m7@x>", "reminder", "x", 1,
	    two, 1, 100), -1);
	CHECK_INT_EQ(store_message_add(s, 7, "<m8@x>", "reminder", "x", 1,
	    two, 1, 100), -1);
	data = store_message_data(s, 7, &len);
	CHECK(data != NULL && len == sizeof(body) - 1 &&
	    memcmp(data, body, len) == 0);
	free(data);

	/* The same address twice is one recipient. */
	CHECK_INT_EQ(store_outbox_due(s, 99, 10, rcpt_cb, &early), 0);
	CHECK_INT_EQ(store_outbox_due(s, 100, 10, rcpt_cb, &due), 2);
	CHECK_STR_EQ(due.text, "7 <m7@x> a@example.org 0 100\n"
	    "7 <m7@x> b@example.org 0 100\n");
	CHECK_INT_EQ(store_outbox_due(s, 100, 1, rcpt_cb, &one), 1);
	CHECK_INT_EQ(store_outbox_next(s, &next), 1);
	CHECK_INT_EQ(next, 100);

	/* Handed to a transport: not due again until a crash resets it. */
	CHECK_INT_EQ(store_rcpt_sending(s, 7, "a@example.org"), 0);
	CHECK_INT_EQ(store_rcpt_sending(s, 7, "b@example.org"), 0);
	CHECK_INT_EQ(store_outbox_due(s, 1000, 10, rcpt_cb, &none), 0);
	CHECK_INT_EQ(store_counts(s, &c), 0);
	CHECK_INT_EQ(c.queued, 2);
	/* The journal says a was accepted: sent, if the Message-ID matches. */
	CHECK_INT_EQ(store_rcpt_recovered(s, 7, "<other@x>", "a@example.org",
	    1, 110, "250 ok"), 0);
	CHECK_INT_EQ(store_rcpt_recovered(s, 7, "<m7@x>", "a@example.org", 1,
	    110, "250 ok"), 1);
	CHECK_INT_EQ(store_rcpt_recovered(s, 7, "<m7@x>", "a@example.org", 1,
	    110, "250 ok"), 0);
	/* Whatever else was sending goes back to the queue, once. */
	CHECK_INT_EQ(store_outbox_recover(s), 1);
	CHECK_INT_EQ(store_outbox_recover(s), 0);
	CHECK_INT_EQ(store_outbox_due(s, 1000, 10, rcpt_cb, &after), 1);
	CHECK_STR_EQ(after.text, "7 <m7@x> b@example.org 0 100\n");

	/* Deferred: due again at its next attempt, not a second before. */
	CHECK_INT_EQ(store_rcpt_set(s, 7, "b@example.org", "deferred", 1, 200,
	    "451 later"), 0);
	CHECK_INT_EQ(store_outbox_next(s, &next), 1);
	CHECK_INT_EQ(next, 200);
	memset(&none, 0, sizeof(none));
	CHECK_INT_EQ(store_outbox_due(s, 199, 10, rcpt_cb, &none), 0);
	memset(&none, 0, sizeof(none));
	CHECK_INT_EQ(store_outbox_due(s, 200, 10, rcpt_cb, &none), 1);
	CHECK_INT_EQ(store_outbox_retry(s, 7, 150), 1);
	memset(&none, 0, sizeof(none));
	CHECK_INT_EQ(store_outbox_due(s, 150, 10, rcpt_cb, &none), 1);

	/* Failed for good: reported to the admin once. */
	CHECK_INT_EQ(store_rcpt_set(s, 7, "b@example.org", "failed", 5, 300,
	    "550 no such user"), 0);
	CHECK_INT_EQ(store_outbox_next(s, &next), 0);
	CHECK_INT_EQ(store_counts(s, &c), 0);
	CHECK_INT_EQ(c.queued, 0);
	CHECK_INT_EQ(store_outbox_failed_new(s, failure_cb, &failed), 0);
	CHECK_STR_EQ(failed.text, "7 <m7@x> reminder b@example.org 5 "
	    "550 no such user\n");
	CHECK_INT_EQ(store_outbox_failed_mark(s), 0);
	memset(&failed, 0, sizeof(failed));
	CHECK_INT_EQ(store_outbox_failed_new(s, failure_cb, &failed), 0);
	CHECK_INT_EQ(failed.n, 0);
	/* Retried by hand: queued again and, failing again, reported again. */
	CHECK_INT_EQ(store_outbox_retry_failed(s, 400), 1);
	CHECK_INT_EQ(store_outbox_retry_failed(s, 400), 0);
	CHECK_INT_EQ(store_outbox_next(s, &next), 1);
	CHECK_INT_EQ(next, 400);
	store_close(s);
	CHECK_QUERY("db", "SELECT addr || ':' || state || ':' || attempts || "
	    "':' || next_attempt || ':' || coalesce(last_reply, '') || ':' || "
	    "reported FROM message_rcpt ORDER BY addr",
	    "a@example.org:sent:1:110:250 ok:0|"
	    "b@example.org:queued:5:400:550 no such user:0");
	remove_dir();
}

/* The admin's own failure digest is not reported about itself. */
static void
test_outbox_failure_digest(void)
{
	struct store *s;
	SEEN(failed);

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_message_add(s, 1, "<f@x>", "delivery-failures",
	    "x", 1, two, 1, 100), 1);
	CHECK_INT_EQ(store_rcpt_set(s, 1, "a@example.org", "failed", 5, 300,
	    NULL), 0);
	CHECK_INT_EQ(store_outbox_failed_new(s, failure_cb, &failed), 0);
	CHECK_INT_EQ(failed.n, 0);
	store_close(s);
	remove_dir();
}

/* ---- concern reports ---- */

static struct store_report
a_report(time_t received, const char *event_date)
{
	struct store_report r = {
		.received_at = received,
		.source = "web",
		.event_date = event_date,
		.unit = "aldreomsorg",
		.place_type = "aldreboende",
		.kind = "handelse",
		.milieu = "okand",
		.concerns_minor = 1,
		.urgency = "urgent",
		.police_informed = 1,
		.social_services_informed = 0,
		.description = "Beskrivningen",
		.ack_due = received + 3600,
	};

	return r;
}

/* Acknowledged, escalated, closed and purged: each once. */
static void
test_report_workflow(void)
{
	struct store *s;
	struct store_report r = a_report(1000, "2020-05-04");
	int64_t id;
	time_t next;
	SEEN(row);
	SEEN(early);
	SEEN(due);
	SEEN(later);
	SEEN(none);
	SEEN(listed);
	SEEN(purge);
	SEEN(get);

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	id = store_report_add(s, &r);
	CHECK_INT_EQ(id, 1);
	CHECK_INT_EQ(store_report_read(s, 2, report_cb, &row), 0);
	CHECK_INT_EQ(store_report_read(s, id, report_cb, &row), 1);
	/* Every column as written, but the description, which is not read. */
	CHECK_STR_EQ(row.text, "1000 web 2020-05-04 aldreomsorg aldreboende "
	    "handelse okand 1 urgent 1 0 NULL 4600\n");

	/* Routes: one per recipient. */
	CHECK_INT_EQ(store_report_route_add(s, id, "c@example.org",
	    "coordinator"), 0);
	CHECK_INT_EQ(store_report_route_add(s, id, "c@example.org",
	    "coordinator"), 0);
	CHECK_INT_EQ(store_report_route_add(s, id, "u@example.org", "unit"),
	    0);
	CHECK_INT_EQ(store_report_routes(s, id, listing_cb, &listed), 0);
	CHECK_STR_EQ(listed.text, "recipient=c@example.org role=coordinator\n"
	    "recipient=u@example.org role=unit\n");
	memset(&listed, 0, sizeof(listed));
	CHECK_INT_EQ(store_report_list(s, 1, "u@example.org", listing_cb,
	    &listed), 0);
	CHECK_INT_EQ(listed.n, 1);
	memset(&listed, 0, sizeof(listed));
	CHECK_INT_EQ(store_report_list(s, 1, "x@example.org", listing_cb,
	    &listed), 0);
	CHECK_INT_EQ(listed.n, 0);

	/* Escalations: due at the deadline, not a second before. */
	CHECK_INT_EQ(store_report_next_escalation(s, &next), 1);
	CHECK_INT_EQ(next, 4600);
	CHECK_INT_EQ(store_report_escalations_due(s, 4599, escalation_cb,
	    &early), 0);
	CHECK_INT_EQ(early.n, 0);
	CHECK_INT_EQ(store_report_escalations_due(s, 4600, escalation_cb,
	    &due), 0);
	CHECK_STR_EQ(due.text, "1 0 urgent 1000\n");
	CHECK_INT_EQ(store_report_set_escalation(s, id, 1, 8200), 0);
	CHECK_INT_EQ(store_report_escalations_due(s, 8199, escalation_cb,
	    &later), 0);
	CHECK_INT_EQ(later.n, 0);
	CHECK_INT_EQ(store_report_escalations_due(s, 8200, escalation_cb,
	    &later), 0);
	CHECK_STR_EQ(later.text, "1 1 urgent 1000\n");

	/* Acknowledged once; no escalation after. */
	CHECK_INT_EQ(store_report_ack(s, id, "samordnare", 5000), 1);
	CHECK_INT_EQ(store_report_ack(s, id, "annan", 5001), 0);
	CHECK_INT_EQ(store_report_ack(s, 99, "annan", 5001), 0);
	CHECK_INT_EQ(store_report_next_escalation(s, &next), 0);
	CHECK_INT_EQ(store_report_escalations_due(s, INT64_MAX, escalation_cb,
	    &none), 0);
	CHECK_INT_EQ(none.n, 0);

	/* Closed once; purged once, not before its time, with a dry run. */
	CHECK_INT_EQ(store_report_close(s, id, "handled", "samordnare", 6000),
	    1);
	CHECK_INT_EQ(store_report_close(s, id, "again", "annan", 6001), 0);
	CHECK_INT_EQ(store_report_purge(s, 5999, 7000, 0, listing_cb, &purge),
	    0);
	CHECK_INT_EQ(purge.n, 0);
	CHECK_INT_EQ(store_report_purge(s, 6000, 7000, 1, listing_cb, &purge),
	    0);
	CHECK_STR_EQ(purge.text, "id=1 closed_at=6000\n");
	CHECK_QUERY("db", "SELECT description FROM report", "Beskrivningen");
	CHECK_INT_EQ(store_report_purge(s, 6000, 7000, 0, NULL, NULL), 1);
	CHECK_INT_EQ(store_report_purge(s, 6000, 7001, 0, NULL, NULL), 0);
	CHECK_INT_EQ(store_report_get(s, id, listing_cb, &get), 0);
	CHECK(strstr(get.text, " description=NULL ") != NULL);
	CHECK(strstr(get.text, " acked_at=5000 acked_by=samordnare "
	    "closed_at=6000 closed_by=samordnare outcome=handled "
	    "purged_at=7000\n") != NULL);
	store_close(s);
	remove_dir();
}

/*
 * A batch of reports is one transaction with a savepoint per report: an
 * item rolled back leaves the others; a batch rolled back leaves none.
 */
static void
test_report_batch(void)
{
	struct store *s;
	struct store_report r = a_report(1000, "2020-05-04");
	struct store_counts c;
	SEEN(stats);
	SEEN(acks);

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_begin(s), 0);
	CHECK_INT_EQ(store_savepoint(s), 0);
	CHECK_INT_EQ(store_report_add(s, &r), 1);
	CHECK_INT_EQ(store_release(s), 0);
	CHECK_INT_EQ(store_savepoint(s), 0);
	CHECK(store_report_add(s, &r) > 0);
	CHECK_INT_EQ(store_rollback_to(s), 0);
	CHECK_INT_EQ(store_savepoint(s), 0);
	r.event_date = "2020-06-01";
	r.milieu = "hoger";
	CHECK(store_report_add(s, &r) > 0);
	CHECK_INT_EQ(store_release(s), 0);
	CHECK_INT_EQ(store_commit(s), 0);

	CHECK_INT_EQ(store_begin(s), 0);
	CHECK(store_report_add(s, &r) > 0);
	store_rollback(s);
	store_close(s);

	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_counts(s, &c), 0);
	CHECK_INT_EQ(c.reports, 2);
	CHECK_INT_EQ(store_report_stats(s, "month", "2020-01-01", "2020-12-31",
	    listing_cb, &stats), 0);
	CHECK_STR_EQ(stats.text, "k=2020-05 count(*)=1\nk=2020-06 count(*)=1\n");
	memset(&stats, 0, sizeof(stats));
	CHECK_INT_EQ(store_report_stats(s, "milieu", "2020-05-04", "2020-05-04",
	    listing_cb, &stats), 0);
	CHECK_STR_EQ(stats.text, "k=okand count(*)=1\n");
	CHECK_INT_EQ(store_report_stats(s, "nothing", "2020-01-01",
	    "2020-12-31", listing_cb, &stats), -1);
	CHECK_INT_EQ(store_report_ack(s, 2, "x", 1500), 1);
	CHECK_INT_EQ(store_report_ack(s, 1, "x", 1100), 1);
	CHECK_INT_EQ(store_report_stats(s, "ack", "2020-01-01", "2020-12-31",
	    listing_cb, &acks), 0);
	CHECK_INT_EQ(acks.n, 2);
	CHECK(strstr(acks.text, "=100\n") != NULL &&
	    strstr(acks.text, "=500\n") > strstr(acks.text, "=100\n"));
	store_close(s);
	CHECK_QUERY("db", "SELECT group_concat(id || ':' || milieu) FROM "
	    "report", "1:okand,2:hoger");
	remove_dir();
}

/* ---- follow-ups and people ---- */

static void
test_followups(void)
{
	struct store *s;
	struct store_followup f = {
		.activity = "b-2", .occurrence = "T1 2020", .part = "r1",
		.status = "delayed", .comment = "Försenad", .reported_by =
		"jek (Johan Ek)", .on_behalf_of = "chef", .channel = "web",
		.plan_adopted = "2019-05-01", .at = 500,
	};
	struct store_followup g = {
		.activity = "a-1", .occurrence = "", .status = "reopened",
		.reported_by = "samordnare", .channel = "planwatchctl",
		.at = 600,
	};
	SEEN(all);
	SEEN(hist);

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_followup_add(s, &f), 0);
	CHECK_INT_EQ(store_followup_add(s, &g), 0);
	f.status = "done";
	f.at = 400;
	CHECK_INT_EQ(store_followup_add(s, &f), 0);
	/* By activity, then in the order recorded. */
	CHECK_INT_EQ(store_followups(s, followup_cb, &all), 0);
	CHECK_INT_EQ(all.n, 3);
	CHECK_INT_EQ(all.ids[0], 2);
	CHECK_INT_EQ(all.ids[1], 1);
	CHECK_INT_EQ(all.ids[2], 3);
	CHECK_STR_EQ(all.text,
	    "a-1  NULL reopened NULL samordnare NULL planwatchctl NULL 600\n"
	    "b-2 T1 2020 r1 delayed Försenad jek (Johan Ek) chef web "
	    "2019-05-01 500\n"
	    "b-2 T1 2020 r1 done Försenad jek (Johan Ek) chef web "
	    "2019-05-01 400\n");
	/* An activity's history goes by the time reported. */
	CHECK_INT_EQ(store_followup_history(s, "b-2", listing_cb, &hist), 0);
	CHECK_INT_EQ(hist.n, 2);
	CHECK(strstr(hist.text, "status=done") < strstr(hist.text,
	    "status=delayed"));
	/* A status the schema does not know is refused. */
	f.status = "maybe";
	CHECK_INT_EQ(store_followup_add(s, &f), -1);
	store_close(s);
	remove_dir();
}

static void
test_web_person(void)
{
	struct store *s;
	struct store_web_person p, q;

	fresh_dir();
	s = open_db("db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_web_person(s, "Chef@Example.org", 0, &p), 0);
	CHECK_INT_EQ(store_web_person(s, "Chef@Example.org", 1, &p), 1);
	CHECK_INT_EQ(store_web_person(s, "chef@example.ORG", 1, &q), 1);
	CHECK_INT_EQ(q.id, p.id);
	CHECK_STR_EQ(q.email, "Chef@Example.org");
	CHECK_INT_EQ(q.epoch, 0);
	CHECK_INT_EQ(store_web_revoke(s, p.id), 0);
	CHECK_INT_EQ(store_web_renewed(s, p.id, 4242), 0);
	CHECK_INT_EQ(store_web_person_by_id(s, p.id, &q), 1);
	CHECK_INT_EQ(q.epoch, 1);
	CHECK_INT_EQ(q.renewed_at, 4242);
	CHECK_INT_EQ(store_web_person_by_id(s, p.id + 1, &q), 0);
	store_close(s);
	remove_dir();
}

/* ---- migrations ---- */

/* The schema as "type name: sql" lines, sorted, whatever the order made. */
static const char schema_sql[] = "SELECT type || ' ' || name || ': ' || "
    "coalesce(sql, '') FROM sqlite_master ORDER BY type, name";

static const char rcpt_sql[] = "SELECT rowid || ':' || message || ':' || "
    "addr || ':' || state || ':' || attempts || ':' || next_attempt || "
    "':' || coalesce(last_reply, '') || ':' || reported FROM message_rcpt "
    "ORDER BY rowid";
static const char note_sql[] = "SELECT id || ':' || key || ':' || due_at || "
    "':' || coalesce(message, '') || ':' || coalesce(digest_at, '') "
    "FROM notification ORDER BY id";
static const char report_sql[] = "SELECT id || ':' || description || ':' || "
    "ack_due || ':' || next_escalation FROM report ORDER BY id";
static const char audit_sql[] = "SELECT id || ':' || action FROM audit "
    "ORDER BY id";

/* Loads the SQL dump `file` into the new database `name`. */
static void
load_dump(const char *name, const char *file)
{
	sqlite3 *db;
	char *p = at(name), *sql, *msg = NULL;

	sql = read_file(file, NULL);
	if (sql == NULL || sqlite3_open(p, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", file, msg ? msg : "cannot load");
		exit(2);
	}
	sqlite3_close(db);
	free(sql);
	free(p);
}

/*
 * A database of schema 5 (planwatch 0.1.0) migrates to the current
 * schema -- the same as a new database's -- keeping every row with its
 * rowid, and reads as rows of today.
 */
static void
test_migrate_v5(void)
{
	struct store *s;
	char *rcpt, *note, *report, *audit;
	SEEN(fu);
	SEEN(pending);
	SEEN(rows);

	fresh_dir();
	s = open_db("new.db");
	CHECK(s != NULL);
	store_close(s);

	load_dump("old.db", "tests/data/store/schema-v5.sql");
	CHECK_QUERY("old.db", "PRAGMA user_version", "5");
	rcpt = query("old.db", rcpt_sql);
	note = query("old.db", note_sql);
	report = query("old.db", report_sql);
	audit = query("old.db", audit_sql);
	CHECK(strncmp(rcpt, "5:4:", 4) == 0);

	s = open_db("old.db");
	CHECK(s != NULL);
	store_close(s);
	CHECK_QUERY("old.db", "PRAGMA user_version", "9");
	CHECK_QUERY("old.db", rcpt_sql, rcpt);
	CHECK_QUERY("old.db", note_sql, note);
	CHECK_QUERY("old.db", report_sql, report);
	CHECK_QUERY("old.db", audit_sql, audit);
	{
		char *want = query("new.db", schema_sql);

		CHECK_QUERY("old.db", schema_sql, want);
		free(want);
	}

	/* Reopened: nothing more to migrate, and the rows read as today's. */
	s = open_db("old.db");
	CHECK(s != NULL);
	CHECK_INT_EQ(store_followups(s, followup_cb, &fu), 0);
	CHECK_INT_EQ(fu.n, 2);
	CHECK_INT_EQ(fu.ids[0], 8);
	CHECK_INT_EQ(fu.ids[1], 3);
	CHECK_STR_EQ(fu.text, "skarpnack-2019-01 T2 2019 NULL on-track NULL "
	    "jek (Johan Ek) NULL planwatchctl NULL 1568541600\n"
	    "skarpnack-2019-17 deadline 2019-09-01 NULL done Rutinerna är "
	    "införda samordnare (Samira Lindqvist) NULL planwatchctl NULL "
	    "1566288000\n");
	CHECK_INT_EQ(store_pending_due(s, INT64_MAX, pending_cb, &pending), 0);
	CHECK_INT_EQ(pending.n, 1);
	CHECK_INT_EQ(pending.ids[0], 9);
	CHECK_STR_EQ(pending.text, "checkpoint/7d#0 skarpnack-2019-02 T2 2019 "
	    "forebyggande.chef@skarpnack.example.org 1567749600 4102444800 0 "
	    "NULL NULL NULL NULL 0 0\n");
	CHECK_INT_EQ(store_outbox_due(s, INT64_MAX, 10, rcpt_cb, &rows), 2);
	CHECK_INT_EQ(rows.ids[0], 3);
	CHECK_INT_EQ(rows.ids[1], 4);
	store_close(s);
	free(rcpt);
	free(note);
	free(report);
	free(audit);
	remove_dir();
}

/* A database newer than this binary is refused, untouched. */
static void
test_newer_refused(void)
{
	sqlite3 *db;
	char err[512], *p;

	fresh_dir();
	p = at("db");
	CHECK(sqlite3_open(p, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 99",
	    NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(store_open(p, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "schema version 99, newer than") != NULL);
	CHECK_QUERY("db", "PRAGMA user_version", "99");
	free(p);
	remove_dir();
}

int
main(void)
{
	TEST_RUN(test_ledger_once);
	TEST_RUN(test_ledger_waits);
	TEST_RUN(test_outbox_states);
	TEST_RUN(test_outbox_failure_digest);
	TEST_RUN(test_report_workflow);
	TEST_RUN(test_report_batch);
	TEST_RUN(test_followups);
	TEST_RUN(test_web_person);
	TEST_RUN(test_migrate_v5);
	TEST_RUN(test_newer_refused);
	return TEST_END("store_rows");
}
