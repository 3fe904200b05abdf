/*
 * store_migrate: the schema and its migrations.  Store.
 *
 * The schema is versioned with PRAGMA user_version; migrations[i] moves a
 * database from version i to i + 1 and all pending ones run in a single
 * transaction at open, so a crash mid-migration leaves the old version.
 * A migration carries every row over with its rowid: nothing that was
 * generated, queued or reported is lost or renumbered.
 */
#include <stdio.h>

#include "log.h"
#include "store_int.h"

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
	/*
	 * 8 -> 9: the spool files already stored.  A file is named by a
	 * hash of its name and its identity on disk (spool.c), so that one
	 * found again after a crash between the commit and its removal is
	 * answered with its report's number instead of being stored twice.
	 */
	"CREATE TABLE intake_seen ("
	"  key TEXT PRIMARY KEY,"
	"  report INTEGER NOT NULL REFERENCES report(id),"
	"  seen_at INTEGER NOT NULL) WITHOUT ROWID;",
};

int
db_migrate(struct store *s, char *err, size_t errlen)
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
