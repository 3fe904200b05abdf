/*
 * store_audit: the configuration's revisions, the append-only audit trail
 * and the counts a status shows.  Store.
 */
#include <string.h>

#include "log.h"
#include "store_int.h"

const struct db_sql db_sql_audit[] = {
	{ ST_REV_LAST, "SELECT sha256 FROM config_revision WHERE file = ?1 "
	    "ORDER BY id DESC LIMIT 1" },
	{ ST_REV_ADD, "INSERT INTO config_revision (loaded_at, file, sha256) "
	    "VALUES (?1, ?2, ?3)" },
	{ ST_AUDIT_ADD, "INSERT INTO audit (at, actor, action, object) "
	    "VALUES (?1, ?2, ?3, ?4)" },
	{ ST_COUNT_REV, "SELECT count(*) FROM config_revision" },
	{ ST_COUNT_AUDIT, "SELECT count(*) FROM audit" },
	{ ST_PAGES, "PRAGMA page_count" },
	{ ST_PAGE_SIZE, "PRAGMA page_size" },
	{ ST_COUNT_NOTE, "SELECT count(*) FROM notification" },
	{ ST_COUNT_REPORTS, "SELECT count(*) FROM report" },
	{ ST_COUNT_QUEUED, "SELECT count(*) FROM message_rcpt "
	    "WHERE state IN ('queued', 'deferred', 'sending')" },
	{ ST_NSTMTS, NULL }
};

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
	return db_step_done(s, st) == 0 ? 1 : -1;
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
	return db_step_done(s, st);
}

int
store_counts(struct store *s, struct store_counts *c)
{
	c->notifications = db_query_int(s, ST_COUNT_NOTE);
	c->reports = db_query_int(s, ST_COUNT_REPORTS);
	c->queued = db_query_int(s, ST_COUNT_QUEUED);
	c->config_revisions = db_query_int(s, ST_COUNT_REV);
	c->audit_rows = db_query_int(s, ST_COUNT_AUDIT);
	c->db_bytes = db_query_int(s, ST_PAGES) * db_query_int(s, ST_PAGE_SIZE);
	return 0;
}
