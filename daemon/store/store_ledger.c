/*
 * store_ledger: the ledger of generated notifications.  Store.
 *
 * A notification's key is UNIQUE and added with INSERT OR IGNORE: each is
 * generated once, ever.  It waits, without a message, until its send
 * instant, then belongs to one message.
 */
#include "store_int.h"

const struct db_sql db_sql_ledger[] = {
	{ ST_NOTE_ADD, "INSERT OR IGNORE INTO notification (key, rule, "
	    "activity, occurrence, recipient, due_at, generated_at, late, "
	    "digest_at, kind, capacity, parts, event_date, until_reported, "
	    "before_event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15)" },
	{ ST_DIGEST_DUE, "SELECT id, rule, activity, occurrence, recipient, "
	    "due_at, digest_at, late, kind, capacity, parts, event_date, "
	    "until_reported, before_event FROM notification WHERE message IS "
	    "NULL AND dropped IS NULL AND digest_at IS NOT NULL AND "
	    "digest_at <= ?1 ORDER BY recipient, digest_at, due_at, id" },
	{ ST_DIGEST_NEXT, "SELECT min(digest_at) FROM notification "
	    "WHERE message IS NULL AND dropped IS NULL AND digest_at IS NOT NULL" },
	{ ST_NOTE_SET_MSG, "UPDATE notification SET message = ?2 "
	    "WHERE id = ?1" },
	{ ST_NOTE_DROP, "UPDATE notification SET dropped = ?2 WHERE id = ?1" },
	{ ST_NOTE_ITEMS, "SELECT id, rule, activity, occurrence, recipient, "
	    "kind, capacity, parts FROM notification WHERE message = ?1 "
	    "ORDER BY id" },
	{ ST_LEDGER, "SELECT n.id, n.rule, n.activity, n.occurrence, "
	    "n.recipient, n.due_at, n.generated_at, n.late, n.digest_at, "
	    "n.capacity, n.dropped, n.message, m.message_id "
	    "FROM notification n LEFT JOIN message m ON m.id = n.message "
	    "WHERE ?1 IS NULL OR n.activity = ?1 ORDER BY n.due_at, n.id" },
	{ ST_NSTMTS, NULL }
};

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
	db_bind_text_or_null(st, 10, n->kind);
	db_bind_text_or_null(st, 11, n->capacity);
	db_bind_text_or_null(st, 12, n->parts);
	db_bind_text_or_null(st, 13, n->event_date);
	sqlite3_bind_int(st, 14, n->until_reported);
	sqlite3_bind_int(st, 15, n->before_event);
	if (db_step_done(s, st) != 0)
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
	return db_step_done(s, st);
}

int
store_notification_set_message(struct store *s, int64_t id, int64_t message)
{
	sqlite3_stmt *st = s->st[ST_NOTE_SET_MSG];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, message);
	return db_step_done(s, st);
}

/* A row of ST_DIGEST_DUE, column by column. */
static void
pending_row(sqlite3_stmt *st, struct store_pending *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->rule = db_text(st, 1);
	p->activity = db_text(st, 2);
	p->occurrence = db_text(st, 3);
	p->recipient = db_text(st, 4);
	p->due = (time_t)sqlite3_column_int64(st, 5);
	p->send_at = (time_t)sqlite3_column_int64(st, 6);
	p->late = sqlite3_column_int(st, 7);
	p->kind = db_text(st, 8);
	p->capacity = db_text(st, 9);
	p->parts = db_text(st, 10);
	p->event_date = db_text(st, 11);
	p->until_reported = sqlite3_column_int(st, 12);
	p->before_event = sqlite3_column_int(st, 13);
}

int
store_pending_due(struct store *s, time_t now, store_pending_cb *fn,
    void *arg)
{
	sqlite3_stmt *st = s->st[ST_DIGEST_DUE];
	struct store_pending p;
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pending_row(st, &p);
		fn(arg, &p);
	}
	return db_end(s, st, rc);
}

int
store_digest_next(struct store *s, time_t *next)
{
	return db_query_time(s, ST_DIGEST_NEXT, next);
}

/* A row of ST_NOTE_ITEMS, column by column. */
static void
item_row(sqlite3_stmt *st, struct store_item *it)
{
	it->id = sqlite3_column_int64(st, 0);
	it->rule = db_text(st, 1);
	it->activity = db_text(st, 2);
	it->occurrence = db_text(st, 3);
	it->recipient = db_text(st, 4);
	it->kind = db_text(st, 5);
	it->capacity = db_text(st, 6);
	it->parts = db_text(st, 7);
}

int
store_message_items(struct store *s, int64_t message, store_item_cb *fn,
    void *arg)
{
	sqlite3_stmt *st = s->st[ST_NOTE_ITEMS];
	struct store_item it;
	int rc;

	sqlite3_bind_int64(st, 1, message);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		item_row(st, &it);
		fn(arg, &it);
	}
	return db_end(s, st, rc);
}

int
store_ledger(struct store *s, const char *activity, store_row_cb *fn,
    void *arg)
{
	sqlite3_stmt *st = s->st[ST_LEDGER];

	if (activity != NULL)
		sqlite3_bind_text(st, 1, activity, -1, SQLITE_STATIC);
	return db_rows(s, st, fn, arg);
}
