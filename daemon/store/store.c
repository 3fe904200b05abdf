/*
 * store: SQLite persistence.
 *
 * The schema is versioned with PRAGMA user_version; migrations[i] moves a
 * database from version i to i + 1 and all pending ones run in a single
 * transaction at open, so a crash mid-migration leaves the old version.
 * synchronous=FULL because a notification recorded as generated must
 * survive a power cut, not only a crash (docs/libraries.md §3).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "util.h"

static const char *const migrations[STORE_SCHEMA_VERSION] = {
	/* 0 -> 1: configuration revisions and the audit trail. */
	"CREATE TABLE config_revision ("
	"  id INTEGER PRIMARY KEY,"
	"  loaded_at INTEGER NOT NULL,"
	"  file TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL);"
	"CREATE INDEX config_revision_file ON config_revision(file, id);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;",
	/*
	 * 1 -> 2: the ledger of generated notifications, the outbox, and
	 * follow-up reports.  notification.key is UNIQUE: it is what makes
	 * each (rule, step, repetition, activity, occurrence, recipient)
	 * generated once, ever.
	 */
	"CREATE TABLE message ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE message_rcpt ("
	"  message INTEGER NOT NULL REFERENCES message(id),"
	"  addr TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN"
	"    ('queued', 'sending', 'sent', 'deferred', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt INTEGER NOT NULL,"
	"  last_reply TEXT,"
	"  reported INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (message, addr));"
	"CREATE INDEX message_rcpt_due ON message_rcpt(state, next_attempt);"
	"CREATE TABLE notification ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"
	"  rule TEXT NOT NULL,"
	"  activity TEXT NOT NULL,"
	"  occurrence TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  generated_at INTEGER NOT NULL,"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  message INTEGER REFERENCES message(id));"
	"CREATE INDEX notification_activity ON notification(activity);"
	"CREATE TABLE followup ("
	"  id INTEGER PRIMARY KEY,"
	"  activity TEXT NOT NULL,"
	"  occurrence TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('done', 'on-track', 'delayed', 'cancelled')),"
	"  comment TEXT,"
	"  reported_by TEXT NOT NULL,"
	"  reported_at INTEGER NOT NULL);"
	"CREATE INDEX followup_key ON followup(activity, occurrence);"
	"CREATE TABLE kv ("
	"  key TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL);",
	/*
	 * 2 -> 3: concern reports.  The description is the only free text;
	 * it is set to NULL when disposed of, everything else is kept for
	 * the statistics.
	 */
	"CREATE TABLE report ("
	"  id INTEGER PRIMARY KEY,"
	"  received_at INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"
	"  event_date TEXT NOT NULL,"
	"  unit TEXT NOT NULL,"
	"  place_type TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  milieu TEXT NOT NULL,"
	"  concerns_minor INTEGER NOT NULL,"
	"  urgency TEXT NOT NULL,"
	"  police_informed INTEGER NOT NULL,"
	"  social_services_informed INTEGER NOT NULL,"
	"  description TEXT,"
	"  ack_due INTEGER NOT NULL,"
	"  escalations INTEGER NOT NULL DEFAULT 0,"
	"  next_escalation INTEGER,"
	"  acked_at INTEGER,"
	"  acked_by TEXT,"
	"  closed_at INTEGER,"
	"  closed_by TEXT,"
	"  outcome TEXT,"
	"  purged_at INTEGER);"
	"CREATE INDEX report_escalation ON report(next_escalation)"
	"  WHERE acked_at IS NULL;"
	"CREATE TABLE report_route ("
	"  report INTEGER NOT NULL REFERENCES report(id),"
	"  recipient TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  PRIMARY KEY (report, recipient));",
	/*
	 * 3 -> 4: digests.  A notification of a rule with a daily or weekly
	 * digest waits, without a message, until its digest_at; then all of
	 * a recipient's waiting ones become one message.
	 */
	"ALTER TABLE notification ADD COLUMN digest_at INTEGER;"
	"CREATE INDEX notification_digest ON notification(digest_at)"
	"  WHERE message IS NULL AND digest_at IS NOT NULL;",
	/*
	 * 4 -> 5: the delivery queue in the order it is taken, so that
	 * picking the next batch reads only that batch, not the whole queue.
	 */
	"CREATE INDEX message_rcpt_queue ON message_rcpt(next_attempt, message)"
	"  WHERE state IN ('queued', 'deferred');"
	/* It replaces this one, which the planner would otherwise prefer
	 * and then sort the whole queue. */
	"DROP INDEX message_rcpt_due;",
	/*
	 * 5 -> 6: the same delivery table with its state check written as
	 * comparisons.  An IN list of more than two constants builds a
	 * temporary b-tree each time a row is checked -- on every insert and
	 * every state change, a large part of the cost of both.  The rows,
	 * their rowids and the queue index are carried over as they are.
	 */
	"CREATE TABLE message_rcpt_new ("
	"  message INTEGER NOT NULL REFERENCES message(id),"
	"  addr TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued' CHECK (state = 'queued' OR"
	"    state = 'sending' OR state = 'sent' OR state = 'deferred' OR"
	"    state = 'failed'),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt INTEGER NOT NULL,"
	"  last_reply TEXT,"
	"  reported INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (message, addr));"
	"INSERT INTO message_rcpt_new (rowid, message, addr, state, attempts,"
	"  next_attempt, last_reply, reported) SELECT rowid, message, addr,"
	"  state, attempts, next_attempt, last_reply, reported"
	"  FROM message_rcpt;"
	"DROP TABLE message_rcpt;"
	"ALTER TABLE message_rcpt_new RENAME TO message_rcpt;"
	"CREATE INDEX message_rcpt_queue ON message_rcpt(next_attempt, message)"
	"  WHERE state IN ('queued', 'deferred');",
	/*
	 * 6 -> 7: follow-ups by part (the responsible role reported for;
	 * NULL for the whole occurrence), with on whose behalf, through
	 * which channel and under which adoption of the plan, and the
	 * coordinator's reopenings ('reopened', occurrence '').  Every
	 * notification now waits, without a message, until its send
	 * instant (digest_at), so that all of a person's items of one
	 * instant become one message; it keeps what that message needs
	 * (the template, the capacity, the parts, the event date) and why
	 * it was dropped unsent (reported meanwhile, past its event).
	 * Rows and ids are carried over as they are.
	 */
	"CREATE TABLE followup_new ("
	"  id INTEGER PRIMARY KEY,"
	"  activity TEXT NOT NULL,"
	"  occurrence TEXT NOT NULL,"
	"  part TEXT,"
	"  status TEXT NOT NULL CHECK (status = 'done' OR"
	"    status = 'on-track' OR status = 'delayed' OR"
	"    status = 'cancelled' OR status = 'reopened'),"
	"  comment TEXT,"
	"  reported_by TEXT NOT NULL,"
	"  on_behalf_of TEXT,"
	"  channel TEXT NOT NULL DEFAULT 'planwatchctl',"
	"  plan_adopted TEXT,"
	"  reported_at INTEGER NOT NULL);"
	"INSERT INTO followup_new (id, activity, occurrence, status, comment,"
	"  reported_by, reported_at) SELECT id, activity, occurrence, status,"
	"  comment, reported_by, reported_at FROM followup;"
	"DROP TABLE followup;"
	"ALTER TABLE followup_new RENAME TO followup;"
	"CREATE INDEX followup_key ON followup(activity, occurrence);"
	"ALTER TABLE notification ADD COLUMN kind TEXT;"
	"ALTER TABLE notification ADD COLUMN capacity TEXT;"
	"ALTER TABLE notification ADD COLUMN parts TEXT;"
	"ALTER TABLE notification ADD COLUMN event_date TEXT;"
	"ALTER TABLE notification ADD COLUMN until_reported INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE notification ADD COLUMN before_event INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE notification ADD COLUMN dropped TEXT;"
	"DROP INDEX notification_digest;"
	"CREATE INDEX notification_pending ON notification(digest_at)"
	"  WHERE message IS NULL AND dropped IS NULL AND digest_at IS NOT NULL;"
	"CREATE INDEX notification_message ON notification(message)"
	"  WHERE message IS NOT NULL;",
	/*
	 * 7 -> 8: the people signed links name.  A link carries the row
	 * id, never the address; `epoch` is raised to revoke every link
	 * of the person, `renewed_at` paces fresh links sent by mail.
	 */
	"CREATE TABLE web_person ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  epoch INTEGER NOT NULL DEFAULT 0,"
	"  renewed_at INTEGER NOT NULL DEFAULT 0);",
};

enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_REV_LAST,
	ST_REV_ADD,
	ST_AUDIT_ADD,
	ST_COUNT_REV,
	ST_COUNT_AUDIT,
	ST_PAGES,
	ST_PAGE_SIZE,
	ST_KV_GET,
	ST_KV_SET,
	ST_NOTE_ADD,
	ST_NOTE_SET_MSG,
	ST_NOTE_DROP,
	ST_NOTE_ITEMS,
	ST_DIGEST_DUE,
	ST_DIGEST_NEXT,
	ST_MSG_NEXT,
	ST_MSG_ADD,
	ST_RCPT_ADD,
	ST_FOLLOWUP_ADD,
	ST_FOLLOWUP_ALL,
	ST_RCPT_DUE,
	ST_RCPT_SET,
	ST_RCPT_RESET,
	ST_RCPT_RECOVERED,
	ST_RCPT_RETRY,
	ST_RCPT_RETRY_FAILED,
	ST_LEDGER,
	ST_OUTBOX,
	ST_COUNT_NOTE,
	ST_COUNT_QUEUED,
	ST_FAILED_NEW,
	ST_FAILED_MARK,
	ST_RCPT_NEXT,
	ST_RCPT_SENDING,
	ST_REPORT_ADD,
	ST_REPORT_ROUTE_ADD,
	ST_REPORT_GET,
	ST_REPORT_LIST,
	ST_REPORT_ROUTES,
	ST_REPORT_ACK,
	ST_REPORT_CLOSE,
	ST_REPORT_ESC_DUE,
	ST_REPORT_ESC_SET,
	ST_REPORT_ESC_NEXT,
	ST_REPORT_PURGE_LIST,
	ST_REPORT_PURGE,
	ST_STATS_MONTH,
	ST_STATS_MILIEU,
	ST_STATS_KIND,
	ST_STATS_UNIT,
	ST_STATS_PLACE,
	ST_STATS_ACK,
	ST_COUNT_REPORTS,
	ST_FOLLOWUP_HISTORY,
	ST_WEB_PERSON_ADD,
	ST_WEB_PERSON_GET,
	ST_WEB_PERSON_BY_ID,
	ST_WEB_REVOKE,
	ST_WEB_RENEWED,
	ST_NSTMTS
};

static const char *const stmt_sql[ST_NSTMTS] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT item",
	[ST_RELEASE] = "RELEASE item",
	[ST_ROLLBACK_TO] = "ROLLBACK TO item",
	[ST_REV_LAST] = "SELECT sha256 FROM config_revision WHERE file = ?1 "
	    "ORDER BY id DESC LIMIT 1",
	[ST_REV_ADD] = "INSERT INTO config_revision (loaded_at, file, sha256) "
	    "VALUES (?1, ?2, ?3)",
	[ST_AUDIT_ADD] = "INSERT INTO audit (at, actor, action, object) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[ST_COUNT_REV] = "SELECT count(*) FROM config_revision",
	[ST_COUNT_AUDIT] = "SELECT count(*) FROM audit",
	[ST_PAGES] = "PRAGMA page_count",
	[ST_PAGE_SIZE] = "PRAGMA page_size",
	[ST_KV_GET] = "SELECT value FROM kv WHERE key = ?1",
	[ST_KV_SET] = "INSERT INTO kv (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_NOTE_ADD] = "INSERT OR IGNORE INTO notification (key, rule, "
	    "activity, occurrence, recipient, due_at, generated_at, late, "
	    "digest_at, kind, capacity, parts, event_date, until_reported, "
	    "before_event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15)",
	[ST_DIGEST_DUE] = "SELECT id, rule, activity, occurrence, recipient, "
	    "due_at, digest_at, late, kind, capacity, parts, event_date, "
	    "until_reported, before_event FROM notification WHERE message IS "
	    "NULL AND dropped IS NULL AND digest_at IS NOT NULL AND "
	    "digest_at <= ?1 ORDER BY recipient, digest_at, due_at, id",
	[ST_DIGEST_NEXT] = "SELECT min(digest_at) FROM notification "
	    "WHERE message IS NULL AND dropped IS NULL AND digest_at IS NOT NULL",
	[ST_NOTE_SET_MSG] = "UPDATE notification SET message = ?2 "
	    "WHERE id = ?1",
	[ST_NOTE_DROP] = "UPDATE notification SET dropped = ?2 WHERE id = ?1",
	[ST_NOTE_ITEMS] = "SELECT id, rule, activity, occurrence, recipient, "
	    "kind, capacity, parts FROM notification WHERE message = ?1 "
	    "ORDER BY id",
	[ST_MSG_NEXT] = "SELECT coalesce(max(id), 0) + 1 FROM message",
	[ST_MSG_ADD] = "INSERT INTO message (id, message_id, kind, created_at, "
	    "data) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_RCPT_ADD] = "INSERT OR IGNORE INTO message_rcpt (message, addr, "
	    "next_attempt) VALUES (?1, ?2, ?3)",
	[ST_FOLLOWUP_ADD] = "INSERT INTO followup (activity, occurrence, "
	    "part, status, comment, reported_by, on_behalf_of, channel, "
	    "plan_adopted, reported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10)",
	[ST_FOLLOWUP_ALL] = "SELECT id, activity, occurrence, part, status, "
	    "comment, reported_by, on_behalf_of, channel, plan_adopted, "
	    "reported_at FROM followup ORDER BY activity, id",
	[ST_RCPT_DUE] = "SELECT m.id, m.message_id, r.addr, r.attempts, "
	    "m.created_at FROM message_rcpt r JOIN message m ON m.id = r.message "
	    "WHERE r.state IN ('queued', 'deferred') AND r.next_attempt <= ?1 "
	    "ORDER BY r.next_attempt, r.message LIMIT ?2",
	[ST_RCPT_SET] = "UPDATE message_rcpt SET state = ?3, attempts = ?4, "
	    "next_attempt = ?5, last_reply = ?6 WHERE message = ?1 AND addr = ?2",
	[ST_RCPT_RESET] = "UPDATE message_rcpt SET state = 'queued' "
	    "WHERE state = 'sending'",
	[ST_RCPT_RECOVERED] = "UPDATE message_rcpt SET state = 'sent', "
	    "attempts = ?3, next_attempt = ?4, last_reply = ?5 "
	    "WHERE message = ?1 AND addr = ?2 AND state = 'sending' AND "
	    "EXISTS (SELECT 1 FROM message WHERE id = ?1 AND message_id = ?6)",
	[ST_RCPT_RETRY] = "UPDATE message_rcpt SET state = 'queued', "
	    "next_attempt = ?2, reported = 0 WHERE message = ?1 "
	    "AND state IN ('failed', 'deferred')",
	[ST_RCPT_RETRY_FAILED] = "UPDATE message_rcpt SET state = 'queued', "
	    "next_attempt = ?1, reported = 0 WHERE state = 'failed'",
	[ST_LEDGER] = "SELECT n.id, n.rule, n.activity, n.occurrence, "
	    "n.recipient, n.due_at, n.generated_at, n.late, n.digest_at, "
	    "n.capacity, n.dropped, n.message, m.message_id "
	    "FROM notification n LEFT JOIN message m ON m.id = n.message "
	    "WHERE ?1 IS NULL OR n.activity = ?1 ORDER BY n.due_at, n.id",
	[ST_OUTBOX] = "SELECT m.id, m.message_id, m.kind, m.created_at, r.addr, "
	    "r.state, r.attempts, r.next_attempt, r.last_reply "
	    "FROM message_rcpt r JOIN message m ON m.id = r.message "
	    "WHERE ?1 = 0 OR r.state = 'failed' ORDER BY m.id, r.addr",
	[ST_COUNT_NOTE] = "SELECT count(*) FROM notification",
	[ST_FAILED_NEW] = "SELECT m.id, m.message_id, m.kind, r.addr, r.attempts, "
	    "r.last_reply FROM message_rcpt r JOIN message m ON m.id = r.message "
	    "WHERE r.state = 'failed' AND r.reported = 0 AND m.kind <> "
	    "'delivery-failures' ORDER BY m.id, r.addr",
	[ST_FAILED_MARK] = "UPDATE message_rcpt SET reported = 1 "
	    "WHERE state = 'failed' AND reported = 0",
	[ST_RCPT_NEXT] = "SELECT min(next_attempt) FROM message_rcpt "
	    "WHERE state IN ('queued', 'deferred')",
	[ST_REPORT_ADD] = "INSERT INTO report (received_at, source, event_date, "
	    "unit, place_type, kind, milieu, concerns_minor, urgency, "
	    "police_informed, social_services_informed, description, ack_due, "
	    "next_escalation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?13)",
	[ST_REPORT_ROUTE_ADD] = "INSERT OR IGNORE INTO report_route (report, "
	    "recipient, role) VALUES (?1, ?2, ?3)",
	[ST_REPORT_GET] = "SELECT id, received_at, source, event_date, unit, "
	    "place_type, kind, milieu, concerns_minor, urgency, police_informed, "
	    "social_services_informed, description, ack_due, escalations, "
	    "acked_at, acked_by, closed_at, closed_by, outcome, purged_at "
	    "FROM report WHERE id = ?1",
	[ST_REPORT_LIST] = "SELECT id, received_at, event_date, unit, "
	    "place_type, kind, milieu, urgency, ack_due, acked_at, closed_at, "
	    "outcome FROM report r WHERE (?1 = 0 OR closed_at IS NULL) AND "
	    "(?2 IS NULL OR EXISTS (SELECT 1 FROM report_route t WHERE "
	    "t.report = r.id AND t.recipient = ?2)) ORDER BY id",
	[ST_REPORT_ROUTES] = "SELECT recipient, role FROM report_route "
	    "WHERE report = ?1 ORDER BY rowid",
	[ST_REPORT_ACK] = "UPDATE report SET acked_at = ?2, acked_by = ?3, "
	    "next_escalation = NULL WHERE id = ?1 AND acked_at IS NULL",
	[ST_REPORT_CLOSE] = "UPDATE report SET closed_at = ?2, closed_by = ?3, "
	    "outcome = ?4, acked_at = coalesce(acked_at, ?2), acked_by = "
	    "coalesce(acked_by, ?3), next_escalation = NULL "
	    "WHERE id = ?1 AND closed_at IS NULL",
	[ST_REPORT_ESC_DUE] = "SELECT id, escalations, urgency, received_at "
	    "FROM report WHERE acked_at IS NULL AND next_escalation <= ?1 "
	    "ORDER BY next_escalation",
	[ST_REPORT_ESC_SET] = "UPDATE report SET escalations = ?2, "
	    "next_escalation = ?3 WHERE id = ?1",
	[ST_REPORT_ESC_NEXT] = "SELECT min(next_escalation) FROM report "
	    "WHERE acked_at IS NULL",
	[ST_REPORT_PURGE_LIST] = "SELECT id, closed_at FROM report WHERE "
	    "closed_at IS NOT NULL AND closed_at <= ?1 AND purged_at IS NULL "
	    "ORDER BY id",
	[ST_REPORT_PURGE] = "UPDATE report SET description = NULL, "
	    "purged_at = ?2 WHERE closed_at IS NOT NULL AND closed_at <= ?1 "
	    "AND purged_at IS NULL",
	[ST_STATS_MONTH] = "SELECT substr(event_date, 1, 7) AS k, count(*) "
	    "FROM report WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k",
	[ST_STATS_MILIEU] = "SELECT milieu AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k",
	[ST_STATS_KIND] = "SELECT kind AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k",
	[ST_STATS_UNIT] = "SELECT unit AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k",
	[ST_STATS_PLACE] = "SELECT place_type AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k",
	[ST_STATS_ACK] = "SELECT acked_at - received_at FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 AND acked_at IS NOT NULL "
	    "ORDER BY 1",
	[ST_COUNT_REPORTS] = "SELECT count(*) FROM report",
	[ST_RCPT_SENDING] = "UPDATE message_rcpt SET state = 'sending' "
	    "WHERE message = ?1 AND addr = ?2",
	[ST_COUNT_QUEUED] = "SELECT count(*) FROM message_rcpt "
	    "WHERE state IN ('queued', 'deferred', 'sending')",
	[ST_FOLLOWUP_HISTORY] = "SELECT occurrence, part, status, comment, "
	    "reported_by, on_behalf_of, plan_adopted, reported_at "
	    "FROM followup WHERE activity = ?1 ORDER BY reported_at, id",
	[ST_WEB_PERSON_ADD] = "INSERT OR IGNORE INTO web_person (email) "
	    "VALUES (?1)",
	[ST_WEB_PERSON_GET] = "SELECT id, email, epoch, renewed_at "
	    "FROM web_person WHERE email = ?1",
	[ST_WEB_PERSON_BY_ID] = "SELECT id, email, epoch, renewed_at "
	    "FROM web_person WHERE id = ?1",
	[ST_WEB_REVOKE] = "UPDATE web_person SET epoch = epoch + 1 "
	    "WHERE id = ?1",
	[ST_WEB_RENEWED] = "UPDATE web_person SET renewed_at = ?2 "
	    "WHERE id = ?1",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*st[ST_NSTMTS];
	int		 lockfd;
	char		*path;
	/* Write health: see store_health(). */
	sqlite3_stmt	*probe;
	const char	*problem;	/* NULL while writes work */
	int		 damaged;	/* corruption: for good */
	store_health_cb	*health_cb;
	void		*health_arg;
};

static int	rows(struct store *, sqlite3_stmt *, store_row_cb *, void *);
static int	each_row(struct store *, sqlite3_stmt *,
		    void (*)(sqlite3_stmt *, void *), void *);

/*
 * A write failed with `rc`.  Errors of the storage (a full disk, I/O, a
 * read-only file, a lock held elsewhere, corruption) make the store
 * degraded until a write commits again; corruption for good.  Errors of
 * the data (a constraint) say nothing about the storage.
 */
static void
write_failed(struct store *s, int rc)
{
	const char *was = s->problem;

	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		s->damaged = 1;
		s->problem = "the database is damaged";
		break;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PROTOCOL:
	case SQLITE_NOLFS:
		if (!s->damaged)
			s->problem = sqlite3_errstr(rc);
		break;
	default:
		return;
	}
	if (was == NULL && s->health_cb != NULL)
		s->health_cb(s->health_arg, s->problem);
}

/* A write committed: the storage works (unless it is damaged). */
static void
write_ok(struct store *s)
{
	if (s->problem == NULL || s->damaged)
		return;
	s->problem = NULL;
	if (s->health_cb != NULL)
		s->health_cb(s->health_arg, NULL);
}

/* Runs a prepared statement that returns no rows, then resets it. */
static int
step_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("store: %s: %s", sqlite3_sql(st),
		    sqlite3_errmsg(s->db));
		write_failed(s, rc);
		return -1;
	}
	/* A COMMIT, or a write outside a transaction, is on disk now. */
	if (sqlite3_get_autocommit(s->db) && (st == s->st[ST_COMMIT] ||
	    !sqlite3_stmt_readonly(st)))
		write_ok(s);
	return 0;
}

static int64_t
query_int(struct store *s, enum stmt which)
{
	sqlite3_stmt *st = s->st[which];
	int64_t v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static int
take_lock(struct store *s, const char *path, char *err, size_t errlen)
{
	char *lock = xasprintf("%s.lock", path);
	char pid[32], other[32] = "";
	ssize_t n;

	s->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd == -1) {
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		free(lock);
		return -1;
	}
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) == -1) {
		n = pread(s->lockfd, other, sizeof(other) - 1, 0);
		if (n > 0)
			other[n] = '\0';
		strtrim(other);
		snprintf(err, errlen, "database %s is in use by another "
		    "planwatchd%s%s%s; stop it first", path,
		    *other ? " (pid " : "", other, *other ? ")" : "");
		close(s->lockfd);
		s->lockfd = -1;
		free(lock);
		return -1;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(s->lockfd, 0) == 0 &&
	    pwrite(s->lockfd, pid, strlen(pid), 0) < 0)
		log_warn("store: %s", lock);
	free(lock);
	return 0;
}

static int
migrate(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int version = -1, v;
	char *msg = NULL;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 0)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "database %s has schema version %d, "
		    "newer than this planwatchd (%d): use a newer planwatchd "
		    "or restore a backup", s->path, version,
		    STORE_SCHEMA_VERSION);
		return -1;
	}
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) !=
	    SQLITE_OK)
		goto fail_msg;
	for (v = version; v < STORE_SCHEMA_VERSION; v++)
		if (sqlite3_exec(s->db, migrations[v], NULL, NULL, &msg) !=
		    SQLITE_OK) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail_msg;
		}
	/* PRAGMA takes no bound parameters; the value is our own constant. */
	{
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    STORE_SCHEMA_VERSION);
		if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) !=
		    SQLITE_OK) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail_msg;
		}
	}
	log_info("store: %s: migrated schema from version %d to %d", s->path,
	    version, STORE_SCHEMA_VERSION);
	return 0;
fail_msg:
	snprintf(err, errlen, "%s: migration failed: %s", s->path,
	    msg ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	return -1;
fail:
	snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}

/*
 * The files of a database, for their modes and identities: the database,
 * its write-ahead log and shared memory, and our lock file.
 */
static const char *const sidecars[] = { "", "-wal", "-shm", ".lock",
	"-journal" };

/*
 * Only the daemon reads its data: a database, log or lock file that an
 * earlier version (or another umask) left readable by the group is made
 * 0600.  A file that belongs to someone else cannot be fixed here.
 */
static void
tighten(const char *path)
{
	struct stat st;
	char *f;
	size_t i;

	for (i = 0; i < nitems(sidecars); i++) {
		f = xasprintf("%s%s", path, sidecars[i]);
		if (lstat(f, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 077) != 0) {
			if (chmod(f, st.st_mode & 0700) == -1)
				log_warn("store: %s: cannot make it 0600", f);
			else
				log_info("store: %s: was mode %04o, now %04o: "
				    "only the daemon reads its data", f,
				    (unsigned)(st.st_mode & 07777),
				    (unsigned)(st.st_mode & 0700));
		}
		free(f);
	}
}

/* The message for a database that must not be used, with the way out. */
static void
damaged(struct store *s, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "database %s is damaged (%s); planwatchd does "
	    "not use it.  Restore the newest backup: stop the daemon, then "
	    "'planwatchctl restore FILE' (see planwatchctl(8))", s->path,
	    why);
}

/*
 * PRAGMA quick_check: the b-trees, their pages and records are sound
 * (what integrity_check does, less the index contents; it reads the whole
 * file once).  0, or -1 with the damaged() message.
 */
static int
quick_check(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	const char *first;
	char why[160];
	int rc;

	if ((rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st,
	    NULL)) == SQLITE_OK)
		rc = sqlite3_step(st);
	first = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) :
	    NULL;
	if (first != NULL && strcmp(first, "ok") == 0) {
		sqlite3_finalize(st);
		return 0;
	}
	if (first != NULL || (rc & 0xff) == SQLITE_CORRUPT ||
	    (rc & 0xff) == SQLITE_NOTADB) {
		snprintf(why, sizeof(why), "quick_check: %s", first != NULL ?
		    first : sqlite3_errmsg(s->db));
		damaged(s, why, err, errlen);
	} else
		/* It could not be read: the storage, not the database. */
		snprintf(err, errlen, "%s: cannot read: %s; free space on its "
		    "file system or fix its permissions, then start again",
		    s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return -1;
}

int
store_probe(struct store *s)
{
	if (store_begin(s) != 0)
		return -1;
	if (step_done(s, s->probe) != 0) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s) != 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int i, fd, rc;
	char *msg = NULL;

	s->lockfd = -1;
	s->path = xstrdup(path);
	if (take_lock(s, path, err, errlen) != 0)
		goto fail;
	/*
	 * A new database is created 0600 here, whatever the umask; SQLite
	 * gives its -wal and -shm the database's mode.
	 */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) != -1)
		close(fd);
	tighten(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db ?
		    sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	/* Before anything is written to it, or migrated. */
	if (quick_check(s, err, errlen) != 0)
		goto fail;
	if ((rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;", NULL, NULL, &msg)) != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) ==
		    SQLITE_NOTADB)
			damaged(s, msg ? msg : sqlite3_errmsg(s->db), err,
			    errlen);
		else
			snprintf(err, errlen, "%s: %s", path, msg ? msg :
			    sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		goto fail;
	}
	if (migrate(s, err, errlen) != 0)
		goto fail;
	for (i = 0; i < ST_NSTMTS; i++)
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: prepare: %s", path,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	if (sqlite3_prepare_v3(s->db, "INSERT INTO kv (key, value) VALUES "
	    "('store.opened', 1) ON CONFLICT(key) DO UPDATE SET value = "
	    "value + 1", -1, SQLITE_PREPARE_PERSISTENT, &s->probe, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: prepare: %s", path,
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	/* Fail closed: a daemon that cannot write its state does not start. */
	if (store_probe(s) != 0) {
		if (s->damaged)
			damaged(s, "a write failed", err, errlen);
		else
			snprintf(err, errlen, "%s: cannot write: %s; free "
			    "space on its file system or fix its permissions, "
			    "then start again", path, s->problem ? s->problem :
			    sqlite3_errmsg(s->db));
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_set_health_cb(struct store *s, store_health_cb *cb, void *arg)
{
	s->health_cb = cb;
	s->health_arg = arg;
}

const char *
store_health(const struct store *s)
{
	return s->problem;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_NSTMTS; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_finalize(s->probe);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(s->db));
	if (s->lockfd != -1)
		close(s->lockfd);
	free(s->path);
	free(s);
}

int
store_begin(struct store *s)
{
	return step_done(s, s->st[ST_BEGIN]);
}

int
store_commit(struct store *s)
{
	return step_done(s, s->st[ST_COMMIT]);
}

void
store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		step_done(s, s->st[ST_ROLLBACK]);
}

int
store_savepoint(struct store *s)
{
	return step_done(s, s->st[ST_SAVEPOINT]);
}

int
store_release(struct store *s)
{
	return step_done(s, s->st[ST_RELEASE]);
}

int
store_rollback_to(struct store *s)
{
	/* ROLLBACK TO keeps the savepoint open; RELEASE ends it. */
	if (step_done(s, s->st[ST_ROLLBACK_TO]) != 0)
		return -1;
	return step_done(s, s->st[ST_RELEASE]);
}

int
store_config_revision(struct store *s, const char *file, const char *sha256,
    time_t now)
{
	sqlite3_stmt *st = s->st[ST_REV_LAST];
	int same = 0, rc;

	sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		same = strcmp((const char *)sqlite3_column_text(st, 0),
		    sha256) == 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: config revision: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	if (same)
		return 0;
	st = s->st[ST_REV_ADD];
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha256, -1, SQLITE_STATIC);
	return step_done(s, st) == 0 ? 1 : -1;
}

int
store_audit(struct store *s, time_t now, const char *actor,
    const char *action, const char *object)
{
	sqlite3_stmt *st = s->st[ST_AUDIT_ADD];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	if (object != NULL)
		sqlite3_bind_text(st, 4, object, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	return step_done(s, st);
}

int
store_counts(struct store *s, struct store_counts *c)
{
	c->notifications = query_int(s, ST_COUNT_NOTE);
	c->reports = query_int(s, ST_COUNT_REPORTS);
	c->queued = query_int(s, ST_COUNT_QUEUED);
	c->config_revisions = query_int(s, ST_COUNT_REV);
	c->audit_rows = query_int(s, ST_COUNT_AUDIT);
	c->db_bytes = query_int(s, ST_PAGES) * query_int(s, ST_PAGE_SIZE);
	return 0;
}

/* A backup's name: a plain file name, so it lands in the directory. */
static int
backup_name_ok(const char *name)
{
	const char *p;

	if (name[0] == '\0' || name[0] == '.' || strlen(name) > 200)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_' || *p == '+'))
			return 0;
	return 1;
}

/* Whether dev/ino is the database's or one of its sidecar files'. */
static int
is_database_file(const struct store *s, const struct stat *st)
{
	struct stat o;
	char *f;
	size_t i;
	int same = 0;

	for (i = 0; i < nitems(sidecars) && !same; i++) {
		f = xasprintf("%s%s", s->path, sidecars[i]);
		same = stat(f, &o) == 0 && o.st_dev == st->st_dev &&
		    o.st_ino == st->st_ino;
		free(f);
	}
	return same;
}

/*
 * Opens the backup directory (made 0700 where missing) without following
 * a symbolic link, and checks that it is the daemon's own and not the
 * database's directory.  Returns its descriptor, or -1 with `err` set.
 */
static int
backup_dir_open(struct store *s, const char *dir, char *err, size_t errlen)
{
	struct stat st, db;
	char *copy;
	int fd;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "backup directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		snprintf(err, errlen, "backup directory %s: %s", dir,
		    errno == ELOOP || errno == ENOTDIR ? "not a directory "
		    "(a symbolic link is not followed)" : strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	copy = xstrdup(s->path);
	if (stat(dirname(copy), &db) == 0 && db.st_dev == st.st_dev &&
	    db.st_ino == st.st_ino) {
		snprintf(err, errlen, "backup directory %s is the database's "
		    "own directory; give backup_dir a directory of its own",
		    dir);
		free(copy);
		close(fd);
		return -1;
	}
	free(copy);
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "backup directory %s belongs to uid %lu, "
		    "not to the daemon's user", dir, (unsigned long)st.st_uid);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0700) == 0)
		log_info("store: backup directory %s: was mode %04o, now 0700",
		    dir, (unsigned)(st.st_mode & 07777));
	return fd;
}

int
store_backup(struct store *s, const char *dir, const char *name,
    char **written, char *err, size_t errlen)
{
	sqlite3 *out = NULL;
	sqlite3_backup *bk;
	struct stat st;
	char *tmp = NULL, *tmppath = NULL;
	int dfd, fd, rc;

	*written = NULL;
	if (!backup_name_ok(name)) {
		snprintf(err, errlen, "a backup's name is a plain file name of "
		    "letters, digits, '.', '-', '_' and '+', not beginning "
		    "with '.'");
		return -1;
	}
	if ((dfd = backup_dir_open(s, dir, err, errlen)) == -1)
		return -1;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT) {
		snprintf(err, errlen, "%s/%s exists; a backup never replaces a "
		    "file: give another name", dir, name);
		goto fail;
	}
	/*
	 * Written under a temporary name of our own making (O_EXCL), then
	 * linked to its name, which fails if that name exists by then: the
	 * backup is never half-written and never replaces anything.
	 */
	tmp = xasprintf(".%s.tmp-%ld", name, (long)getpid());
	tmppath = xasprintf("%s/%s", dir, tmp);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", tmppath, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto fail;
	}
	close(fd);
	if (sqlite3_open_v2(tmppath, &out, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmppath, out ?
		    sqlite3_errmsg(out) : "cannot open");
		goto fail;
	}
	bk = sqlite3_backup_init(out, "main", s->db, "main");
	if (bk == NULL) {
		snprintf(err, errlen, "%s: %s", tmppath, sqlite3_errmsg(out));
		goto fail;
	}
	/*
	 * One step copies everything while holding a read transaction, so
	 * the copy is consistent; the database is small enough that this
	 * does not hold up the loop noticeably.
	 */
	rc = sqlite3_backup_step(bk, -1);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: backup: %s", tmppath,
		    sqlite3_errstr(rc));
		goto fail;
	}
	rc = sqlite3_close(out);
	out = NULL;
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: close failed", tmppath);
		goto fail;
	}
	if (linkat(dfd, tmp, dfd, name, 0) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, name, errno == EEXIST ?
		    "exists; a backup never replaces a file" : strerror(errno));
		goto fail;
	}
	unlinkat(dfd, tmp, 0);
	fsync(dfd);
	/* By device and inode, not by name: never the database itself. */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode) || is_database_file(s, &st)) {
		snprintf(err, errlen, "%s/%s: not the new file written", dir,
		    name);
		free(tmp);
		free(tmppath);
		close(dfd);
		return -1;
	}
	*written = xasprintf("%s/%s", dir, name);
	free(tmp);
	free(tmppath);
	close(dfd);
	return 0;
fail:
	if (out != NULL)
		sqlite3_close(out);
	if (tmp != NULL) {
		unlinkat(dfd, tmp, 0);
		free(tmp);
		/* The copy's rollback journal, if it was left. */
		tmp = xasprintf(".%s.tmp-%ld-journal", name, (long)getpid());
		unlinkat(dfd, tmp, 0);
		free(tmp);
	}
	free(tmppath);
	close(dfd);
	return -1;
}

/* Percent-escapes what a file: URI may not hold as it is. */
static char *
file_uri(const char *path, const char *query)
{
	struct buf b = { 0 };
	const char *p;

	buf_adds(&b, "file:");
	for (p = path; *p != '\0'; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&b, *p);
	buf_printf(&b, "?%s", query);
	return buf_take(&b);
}

/*
 * Checks a backup: a sound database file (PRAGMA integrity_check) of a
 * schema this planwatchd knows.  Opened immutable: nothing is written
 * beside it.  0, or -1 with `err` set.
 */
static int
backup_check(const char *from, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *uri = file_uri(from, "immutable=1");
	const char *r;
	int version = -1, rc = -1;

	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", from, db ? sqlite3_errmsg(db) :
		    "cannot open");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    (r = (const char *)sqlite3_column_text(st, 0)) == NULL ||
	    strcmp(r, "ok") != 0) {
		snprintf(err, errlen, "%s is not a sound database (%s); try an "
		    "older backup", from, sqlite3_errmsg(db));
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	if (version < 1 || version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: %s", from, version < 1 ? "not a "
		    "planwatch database" : "written by a newer planwatchd; "
		    "restore it with that release");
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(uri);
	return rc;
}

/* Copies `from` into the new file `to` (0600, fsynced).  0 or -1. */
static int
copy_file(const char *from, const char *to, uid_t uid, gid_t gid,
    char *err, size_t errlen)
{
	char chunk[65536];
	ssize_t n, w, off;
	int in, out;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(out, chunk + off, (size_t)(n - off))) ==
			    -1) {
				n = -1;
				break;
			}
	if (n == -1 || fsync(out) == -1 || (geteuid() == 0 &&
	    fchown(out, uid, gid) == -1)) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		close(in);
		close(out);
		unlink(to);
		return -1;
	}
	close(in);
	return close(out);
}

int
store_restore(const char *path, const char *from, char *kept, size_t keptlen,
    char *err, size_t errlen)
{
	struct store lock = { .lockfd = -1 };
	struct stat dir, st;
	char *copy, *tmp, *f, *g, stamp[32];
	time_t now = time(NULL);
	size_t i;
	int rc = -1;

	kept[0] = '\0';
	copy = xstrdup(path);
	if (stat(dirname(copy), &dir) == -1) {
		snprintf(err, errlen, "%s: %s", copy, strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	/* The daemon's lock: no restore under a running daemon. */
	if (take_lock(&lock, path, err, errlen) != 0)
		return -1;
	if (geteuid() == 0 && fchown(lock.lockfd, dir.st_uid, dir.st_gid) ==
	    -1)
		log_warn("restore: %s.lock", path);
	if (backup_check(from, err, errlen) != 0)
		goto done;
	tmp = xasprintf("%s.restore-%ld", path, (long)getpid());
	if (copy_file(from, tmp, dir.st_uid, dir.st_gid, err, errlen) != 0) {
		free(tmp);
		goto done;
	}
	/*
	 * The database in place and its log are kept under a new name; its
	 * log must go with it, or the backup would be read with the old
	 * database's log applied.
	 */
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	if (lstat(path, &st) == 0) {
		snprintf(kept, keptlen, "%s.replaced-%s", path, stamp);
		for (i = 0; i < 3; i++) {
			f = xasprintf("%s%s", path, sidecars[i]);
			g = xasprintf("%s%s", kept, sidecars[i]);
			if (i == 2)
				unlink(f);
			else if (rename(f, g) == -1 && errno != ENOENT) {
				snprintf(err, errlen, "%s: %s", f,
				    strerror(errno));
				free(f);
				free(g);
				unlink(tmp);
				free(tmp);
				goto done;
			}
			free(f);
			free(g);
		}
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		goto done;
	}
	free(tmp);
	rc = 0;
done:
	close(lock.lockfd);
	free(lock.path);
	return rc;
}

int
store_kv_get(struct store *s, const char *key, int64_t *value)
{
	sqlite3_stmt *st = s->st[ST_KV_GET];
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: kv %s: %s", key, sqlite3_errmsg(s->db));
		return -1;
	}
	return rc == SQLITE_ROW ? 1 : 0;
}

int
store_kv_set(struct store *s, const char *key, int64_t value)
{
	sqlite3_stmt *st = s->st[ST_KV_SET];

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	return step_done(s, st);
}

/* A column's text, NULL when the column is NULL. */
static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int64_t
store_notification_add(struct store *s, const struct store_note *n)
{
	sqlite3_stmt *st = s->st[ST_NOTE_ADD];

	sqlite3_bind_text(st, 1, n->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, n->activity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, n->occurrence, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, n->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)n->due);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)n->now);
	sqlite3_bind_int(st, 8, n->late);
	if (n->send_at != 0)
		sqlite3_bind_int64(st, 9, (sqlite3_int64)n->send_at);
	bind_text_or_null(st, 10, n->kind);
	bind_text_or_null(st, 11, n->capacity);
	bind_text_or_null(st, 12, n->parts);
	bind_text_or_null(st, 13, n->event_date);
	sqlite3_bind_int(st, 14, n->until_reported);
	sqlite3_bind_int(st, 15, n->before_event);
	if (step_done(s, st) != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 0;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_notification_drop(struct store *s, int64_t id, const char *why)
{
	sqlite3_stmt *st = s->st[ST_NOTE_DROP];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, why, -1, SQLITE_STATIC);
	return step_done(s, st);
}

struct item_call {
	store_item_cb	*fn;
	void		*arg;
};

static void
item_row(sqlite3_stmt *st, void *arg)
{
	struct item_call *c = arg;
	struct store_item it;

	it.id = sqlite3_column_int64(st, 0);
	it.rule = col_text(st, 1);
	it.activity = col_text(st, 2);
	it.occurrence = col_text(st, 3);
	it.recipient = col_text(st, 4);
	it.kind = col_text(st, 5);
	it.capacity = col_text(st, 6);
	it.parts = col_text(st, 7);
	c->fn(c->arg, &it);
}

int
store_message_items(struct store *s, int64_t message, store_item_cb *fn,
    void *arg)
{
	sqlite3_stmt *st = s->st[ST_NOTE_ITEMS];
	struct item_call c = { fn, arg };

	sqlite3_bind_int64(st, 1, message);
	return each_row(s, st, item_row, &c);
}

int
store_notification_set_message(struct store *s, int64_t id, int64_t message)
{
	sqlite3_stmt *st = s->st[ST_NOTE_SET_MSG];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, message);
	return step_done(s, st);
}

int64_t
store_message_next(struct store *s)
{
	return query_int(s, ST_MSG_NEXT);
}

int64_t
store_message_add(struct store *s, int64_t id, const char *message_id,
    const char *kind, const char *data, size_t len, const char *const *rcpts,
    size_t nrcpts, time_t now)
{
	sqlite3_stmt *st = s->st[ST_MSG_ADD];
	size_t i;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	sqlite3_bind_text(st, 2, message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_blob64(st, 5, data, len, SQLITE_STATIC);
	if (step_done(s, st) != 0)
		return -1;
	st = s->st[ST_RCPT_ADD];
	for (i = 0; i < nrcpts; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, rcpts[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
		if (step_done(s, st) != 0)
			return -1;
	}
	return id;
}

int
store_followup_add(struct store *s, const struct store_followup *f)
{
	sqlite3_stmt *st = s->st[ST_FOLLOWUP_ADD];

	sqlite3_bind_text(st, 1, f->activity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->occurrence, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, f->part);
	sqlite3_bind_text(st, 4, f->status, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, f->comment);
	sqlite3_bind_text(st, 6, f->reported_by, -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, f->on_behalf_of);
	sqlite3_bind_text(st, 8, f->channel, -1, SQLITE_STATIC);
	bind_text_or_null(st, 9, f->plan_adopted);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)f->at);
	return step_done(s, st);
}

struct followup_call {
	store_followup_cb	*fn;
	void			*arg;
};

static void
followup_row(sqlite3_stmt *st, void *arg)
{
	struct followup_call *c = arg;
	struct store_followup f;

	f.activity = col_text(st, 1);
	f.occurrence = col_text(st, 2);
	f.part = col_text(st, 3);
	f.status = col_text(st, 4);
	f.comment = col_text(st, 5);
	f.reported_by = col_text(st, 6);
	f.on_behalf_of = col_text(st, 7);
	f.channel = col_text(st, 8);
	f.plan_adopted = col_text(st, 9);
	f.at = (time_t)sqlite3_column_int64(st, 10);
	c->fn(c->arg, sqlite3_column_int64(st, 0), &f);
}

int
store_followups(struct store *s, store_followup_cb *fn, void *arg)
{
	struct followup_call c = { fn, arg };

	return each_row(s, s->st[ST_FOLLOWUP_ALL], followup_row, &c);
}

/* One web_person row into *p; 1 found, 0 none, -1 error. */
static int
web_person_row(struct store *s, sqlite3_stmt *st, struct store_web_person *p)
{
	const unsigned char *email;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		email = sqlite3_column_text(st, 1);
		snprintf(p->email, sizeof(p->email), "%s",
		    email ? (const char *)email : "");
		p->epoch = sqlite3_column_int64(st, 2);
		p->renewed_at = (time_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: web person: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return rc == SQLITE_ROW;
}

int
store_web_person(struct store *s, const char *email, int create,
    struct store_web_person *p)
{
	sqlite3_stmt *st;

	memset(p, 0, sizeof(*p));
	if (create) {
		st = s->st[ST_WEB_PERSON_ADD];
		sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
		if (step_done(s, st) != 0)
			return -1;
	}
	st = s->st[ST_WEB_PERSON_GET];
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	return web_person_row(s, st, p);
}

int
store_web_person_by_id(struct store *s, int64_t id,
    struct store_web_person *p)
{
	sqlite3_stmt *st = s->st[ST_WEB_PERSON_BY_ID];

	memset(p, 0, sizeof(*p));
	sqlite3_bind_int64(st, 1, id);
	return web_person_row(s, st, p);
}

int
store_web_revoke(struct store *s, int64_t id)
{
	sqlite3_stmt *st = s->st[ST_WEB_REVOKE];

	sqlite3_bind_int64(st, 1, id);
	return step_done(s, st);
}

int
store_web_renewed(struct store *s, int64_t id, time_t at)
{
	sqlite3_stmt *st = s->st[ST_WEB_RENEWED];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	return step_done(s, st);
}

int
store_outbox_due(struct store *s, time_t now, int limit,
    void (*fn)(void *, const struct store_rcpt *), void *arg)
{
	sqlite3_stmt *st = s->st[ST_RCPT_DUE];
	struct store_rcpt r;
	int rc, n = 0;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.message = sqlite3_column_int64(st, 0);
		r.message_id = (const char *)sqlite3_column_text(st, 1);
		r.addr = (const char *)sqlite3_column_text(st, 2);
		r.attempts = sqlite3_column_int(st, 3);
		r.created = (time_t)sqlite3_column_int64(st, 4);
		fn(arg, &r);
		n++;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("store: outbox: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return n;
}

char *
store_message_data(struct store *s, int64_t message, size_t *len)
{
	sqlite3_blob *blob;
	char *data;
	int n;

	/* Read through the blob API: no SQL text to format. */
	if (sqlite3_blob_open(s->db, "main", "message", "data", message, 0,
	    &blob) != SQLITE_OK) {
		log_warnx("store: message %lld: %s", (long long)message,
		    sqlite3_errmsg(s->db));
		return NULL;
	}
	n = sqlite3_blob_bytes(blob);
	data = xmalloc((size_t)n + 1);
	if (sqlite3_blob_read(blob, data, n, 0) != SQLITE_OK) {
		sqlite3_blob_close(blob);
		free(data);
		return NULL;
	}
	sqlite3_blob_close(blob);
	data[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return data;
}

int
store_rcpt_set(struct store *s, int64_t message, const char *addr,
    const char *state, int attempts, time_t next_attempt, const char *reply)
{
	sqlite3_stmt *st = s->st[ST_RCPT_SET];

	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, attempts);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)next_attempt);
	if (reply != NULL)
		sqlite3_bind_text(st, 6, reply, -1, SQLITE_STATIC);
	return step_done(s, st);
}

int
store_outbox_recover(struct store *s)
{
	if (step_done(s, s->st[ST_RCPT_RESET]) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_rcpt_recovered(struct store *s, int64_t message, const char *message_id,
    const char *addr, int attempts, time_t now, const char *reply)
{
	sqlite3_stmt *st = s->st[ST_RCPT_RECOVERED];

	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, attempts);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_text(st, 5, reply, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, message_id, -1, SQLITE_STATIC);
	if (step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_outbox_retry(struct store *s, int64_t message, time_t now)
{
	sqlite3_stmt *st = s->st[ST_RCPT_RETRY];

	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_outbox_retry_failed(struct store *s, time_t now)
{
	sqlite3_stmt *st = s->st[ST_RCPT_RETRY_FAILED];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if (step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

/* Steps through a statement's rows, handing each to `fn`; resets it. */
static int
each_row(struct store *s, sqlite3_stmt *st, void (*fn)(sqlite3_stmt *, void *),
    void *arg)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(st, arg);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

static int
rows(struct store *s, sqlite3_stmt *st, store_row_cb *fn, void *arg)
{
	const char *names[32], *values[32];
	int rc, i, n = sqlite3_column_count(st);

	if (n > 32)
		n = 32;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			names[i] = sqlite3_column_name(st, i);
			values[i] = (const char *)sqlite3_column_text(st, i);
		}
		if (fn != NULL)
			fn(arg, n, names, values);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
store_ledger(struct store *s, const char *activity, store_row_cb *fn,
    void *arg)
{
	sqlite3_stmt *st = s->st[ST_LEDGER];

	if (activity != NULL)
		sqlite3_bind_text(st, 1, activity, -1, SQLITE_STATIC);
	return rows(s, st, fn, arg);
}

int
store_followup_history(struct store *s, const char *activity,
    store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_FOLLOWUP_HISTORY];

	sqlite3_bind_text(st, 1, activity, -1, SQLITE_STATIC);
	return rows(s, st, fn, arg);
}

int
store_outbox(struct store *s, int failed_only, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX];

	sqlite3_bind_int(st, 1, failed_only);
	return rows(s, st, fn, arg);
}

struct failure_call {
	store_failure_cb	*fn;
	void			*arg;
};

static void
failure_row(sqlite3_stmt *st, void *arg)
{
	struct failure_call *c = arg;
	struct store_failure f;

	f.message = sqlite3_column_int64(st, 0);
	f.message_id = col_text(st, 1);
	f.kind = col_text(st, 2);
	f.addr = col_text(st, 3);
	f.attempts = sqlite3_column_int(st, 4);
	f.reply = col_text(st, 5);
	c->fn(c->arg, &f);
}

int
store_outbox_failed_new(struct store *s, store_failure_cb *fn, void *arg)
{
	struct failure_call c = { fn, arg };

	return each_row(s, s->st[ST_FAILED_NEW], failure_row, &c);
}

int
store_outbox_failed_mark(struct store *s)
{
	return step_done(s, s->st[ST_FAILED_MARK]);
}

int
store_outbox_next(struct store *s, time_t *next)
{
	sqlite3_stmt *st = s->st[ST_RCPT_NEXT];
	int rc, found = 0;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*next = (time_t)sqlite3_column_int64(st, 0);
		found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: outbox next: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return found;
}

int
store_rcpt_sending(struct store *s, int64_t message, const char *addr)
{
	sqlite3_stmt *st = s->st[ST_RCPT_SENDING];

	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	return step_done(s, st);
}

int64_t
store_report_add(struct store *s, const struct store_report *r)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ADD];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)r->received_at);
	sqlite3_bind_text(st, 2, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->event_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->place_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->milieu, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, r->concerns_minor);
	sqlite3_bind_text(st, 9, r->urgency, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, r->police_informed);
	sqlite3_bind_int(st, 11, r->social_services_informed);
	sqlite3_bind_text(st, 12, r->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)r->ack_due);
	if (step_done(s, st) != 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_report_route_add(struct store *s, int64_t report, const char *recipient,
    const char *role)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ROUTE_ADD];

	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	return step_done(s, st);
}

int
store_report_get(struct store *s, int64_t id, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_GET];

	sqlite3_bind_int64(st, 1, id);
	return rows(s, st, fn, arg);
}

struct report_call {
	store_report_cb	*fn;
	void		*arg;
	int		 found;
};

/* Column text, "" for NULL. */
static const char *
col_str(sqlite3_stmt *st, int i)
{
	const char *v = col_text(st, i);

	return v != NULL ? v : "";
}

/* The columns of ST_REPORT_GET, description (12) left out. */
static void
report_row(sqlite3_stmt *st, void *arg)
{
	struct report_call *c = arg;
	struct store_report r;

	r.received_at = (time_t)sqlite3_column_int64(st, 1);
	r.source = col_str(st, 2);
	r.event_date = col_str(st, 3);
	r.unit = col_str(st, 4);
	r.place_type = col_str(st, 5);
	r.kind = col_str(st, 6);
	r.milieu = col_str(st, 7);
	r.concerns_minor = sqlite3_column_int(st, 8);
	r.urgency = col_str(st, 9);
	r.police_informed = sqlite3_column_int(st, 10);
	r.social_services_informed = sqlite3_column_int(st, 11);
	r.description = NULL;
	r.ack_due = (time_t)sqlite3_column_int64(st, 13);
	c->found = 1;
	c->fn(c->arg, sqlite3_column_int64(st, 0), &r);
}

int
store_report_read(struct store *s, int64_t id, store_report_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_GET];
	struct report_call c = { fn, arg, 0 };

	sqlite3_bind_int64(st, 1, id);
	if (each_row(s, st, report_row, &c) != 0)
		return -1;
	return c.found;
}

int
store_report_routes(struct store *s, int64_t id, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ROUTES];

	sqlite3_bind_int64(st, 1, id);
	return rows(s, st, fn, arg);
}

int
store_report_list(struct store *s, int open_only, const char *recipient,
    store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_LIST];

	sqlite3_bind_int(st, 1, open_only);
	if (recipient != NULL)
		sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
	return rows(s, st, fn, arg);
}

int
store_report_ack(struct store *s, int64_t id, const char *who, time_t now)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ACK];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
	if (step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_report_close(struct store *s, int64_t id, const char *outcome,
    const char *who, time_t now)
{
	sqlite3_stmt *st = s->st[ST_REPORT_CLOSE];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, outcome, -1, SQLITE_STATIC);
	if (step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

struct escalation_call {
	store_escalation_cb	*fn;
	void			*arg;
};

static void
escalation_row(sqlite3_stmt *st, void *arg)
{
	struct escalation_call *c = arg;
	struct store_escalation e;

	e.id = sqlite3_column_int64(st, 0);
	e.level = sqlite3_column_int(st, 1);
	e.urgency = col_text(st, 2);
	e.received_at = (time_t)sqlite3_column_int64(st, 3);
	c->fn(c->arg, &e);
}

int
store_report_escalations_due(struct store *s, time_t now,
    store_escalation_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ESC_DUE];
	struct escalation_call c = { fn, arg };

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	return each_row(s, st, escalation_row, &c);
}

int
store_report_set_escalation(struct store *s, int64_t id, int level,
    time_t next)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ESC_SET];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, level);
	if (next != 0)
		sqlite3_bind_int64(st, 3, (sqlite3_int64)next);
	return step_done(s, st);
}

int
store_report_next_escalation(struct store *s, time_t *next)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ESC_NEXT];
	int rc, found = 0;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*next = (time_t)sqlite3_column_int64(st, 0);
		found = 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

int
store_report_purge(struct store *s, time_t closed_before, time_t now,
    int dry_run, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_PURGE_LIST];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)closed_before);
	if (rows(s, st, fn, arg) != 0)
		return -1;
	if (dry_run)
		return 0;
	st = s->st[ST_REPORT_PURGE];
	sqlite3_bind_int64(st, 1, (sqlite3_int64)closed_before);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_report_stats(struct store *s, const char *by, const char *from,
    const char *to, store_row_cb *fn, void *arg)
{
	static const struct {
		const char	*by;
		enum stmt	 st;
	} dims[] = {
		{ "month", ST_STATS_MONTH }, { "milieu", ST_STATS_MILIEU },
		{ "kind", ST_STATS_KIND }, { "unit", ST_STATS_UNIT },
		{ "place", ST_STATS_PLACE }, { "ack", ST_STATS_ACK },
	};
	sqlite3_stmt *st = NULL;
	size_t i;

	for (i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
		if (strcmp(dims[i].by, by) == 0)
			st = s->st[dims[i].st];
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	return rows(s, st, fn, arg);
}

struct pending_call {
	store_pending_cb	*fn;
	void			*arg;
};

static void
pending_row(sqlite3_stmt *st, void *arg)
{
	struct pending_call *c = arg;
	struct store_pending p;

	p.id = sqlite3_column_int64(st, 0);
	p.rule = col_text(st, 1);
	p.activity = col_text(st, 2);
	p.occurrence = col_text(st, 3);
	p.recipient = col_text(st, 4);
	p.due = (time_t)sqlite3_column_int64(st, 5);
	p.send_at = (time_t)sqlite3_column_int64(st, 6);
	p.late = sqlite3_column_int(st, 7);
	p.kind = col_text(st, 8);
	p.capacity = col_text(st, 9);
	p.parts = col_text(st, 10);
	p.event_date = col_text(st, 11);
	p.until_reported = sqlite3_column_int(st, 12);
	p.before_event = sqlite3_column_int(st, 13);
	c->fn(c->arg, &p);
}

int
store_pending_due(struct store *s, time_t now, store_pending_cb *fn,
    void *arg)
{
	sqlite3_stmt *st = s->st[ST_DIGEST_DUE];
	struct pending_call c = { fn, arg };

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	return each_row(s, st, pending_row, &c);
}

int
store_digest_next(struct store *s, time_t *next)
{
	sqlite3_stmt *st = s->st[ST_DIGEST_NEXT];
	int rc, found = 0;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*next = (time_t)sqlite3_column_int64(st, 0);
		found = 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}
