/*
 * store_outbox: composed messages and each recipient's delivery state
 * (queued, sending, sent, deferred, failed).  Store.
 */
#include <stdlib.h>

#include "log.h"
#include "store_int.h"
#include "util.h"

const struct db_sql db_sql_outbox[] = {
	{ ST_MSG_NEXT, "SELECT coalesce(max(id), 0) + 1 FROM message" },
	{ ST_MSG_ADD, "INSERT INTO message (id, message_id, kind, created_at, "
	    "data) VALUES (?1, ?2, ?3, ?4, ?5)" },
	{ ST_RCPT_ADD, "INSERT OR IGNORE INTO message_rcpt (message, addr, "
	    "next_attempt) VALUES (?1, ?2, ?3)" },
	{ ST_RCPT_DUE, "SELECT m.id, m.message_id, r.addr, r.attempts, "
	    "m.created_at FROM message_rcpt r JOIN message m ON m.id = r.message "
	    "WHERE r.state IN ('queued', 'deferred') AND r.next_attempt <= ?1 "
	    "ORDER BY r.next_attempt, r.message LIMIT ?2" },
	{ ST_RCPT_SET, "UPDATE message_rcpt SET state = ?3, attempts = ?4, "
	    "next_attempt = ?5, last_reply = ?6 WHERE message = ?1 AND addr = ?2" },
	{ ST_RCPT_RESET, "UPDATE message_rcpt SET state = 'queued' "
	    "WHERE state = 'sending'" },
	{ ST_RCPT_RECOVERED, "UPDATE message_rcpt SET state = 'sent', "
	    "attempts = ?3, next_attempt = ?4, last_reply = ?5 "
	    "WHERE message = ?1 AND addr = ?2 AND state = 'sending' AND "
	    "EXISTS (SELECT 1 FROM message WHERE id = ?1 AND message_id = ?6)" },
	{ ST_RCPT_RETRY, "UPDATE message_rcpt SET state = 'queued', "
	    "next_attempt = ?2, reported = 0 WHERE message = ?1 "
	    "AND state IN ('failed', 'deferred')" },
	{ ST_RCPT_RETRY_FAILED, "UPDATE message_rcpt SET state = 'queued', "
	    "next_attempt = ?1, reported = 0 WHERE state = 'failed'" },
	{ ST_RCPT_SENDING, "UPDATE message_rcpt SET state = 'sending' "
	    "WHERE message = ?1 AND addr = ?2" },
	{ ST_RCPT_NEXT, "SELECT min(next_attempt) FROM message_rcpt "
	    "WHERE state IN ('queued', 'deferred')" },
	{ ST_OUTBOX, "SELECT m.id, m.message_id, m.kind, m.created_at, r.addr, "
	    "r.state, r.attempts, r.next_attempt, r.last_reply "
	    "FROM message_rcpt r JOIN message m ON m.id = r.message "
	    "WHERE ?1 = 0 OR r.state = 'failed' ORDER BY m.id, r.addr" },
	{ ST_FAILED_NEW, "SELECT m.id, m.message_id, m.kind, r.addr, r.attempts, "
	    "r.last_reply FROM message_rcpt r JOIN message m ON m.id = r.message "
	    "WHERE r.state = 'failed' AND r.reported = 0 AND m.kind <> "
	    "'delivery-failures' ORDER BY m.id, r.addr" },
	{ ST_FAILED_MARK, "UPDATE message_rcpt SET reported = 1 "
	    "WHERE state = 'failed' AND reported = 0" },
	{ ST_NSTMTS, NULL }
};

int64_t
store_message_next(struct store *s)
{
	return db_query_int(s, ST_MSG_NEXT);
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
	if (db_step_done(s, st) != 0)
		return -1;
	st = s->st[ST_RCPT_ADD];
	for (i = 0; i < nrcpts; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, rcpts[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
		if (db_step_done(s, st) != 0)
			return -1;
	}
	return id;
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

int
store_rcpt_sending(struct store *s, int64_t message, const char *addr)
{
	sqlite3_stmt *st = s->st[ST_RCPT_SENDING];

	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	return db_step_done(s, st);
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
	return db_step_done(s, st);
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
	if (db_step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_outbox_recover(struct store *s)
{
	if (db_step_done(s, s->st[ST_RCPT_RESET]) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_outbox_retry(struct store *s, int64_t message, time_t now)
{
	sqlite3_stmt *st = s->st[ST_RCPT_RETRY];

	sqlite3_bind_int64(st, 1, message);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (db_step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_outbox_retry_failed(struct store *s, time_t now)
{
	sqlite3_stmt *st = s->st[ST_RCPT_RETRY_FAILED];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if (db_step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_outbox_next(struct store *s, time_t *next)
{
	int found = db_query_time(s, ST_RCPT_NEXT, next);

	if (found == -1)
		log_warnx("store: outbox next: %s", sqlite3_errmsg(s->db));
	return found;
}

/* A row of ST_FAILED_NEW, column by column. */
static void
failure_row(sqlite3_stmt *st, struct store_failure *f)
{
	f->message = sqlite3_column_int64(st, 0);
	f->message_id = db_text(st, 1);
	f->kind = db_text(st, 2);
	f->addr = db_text(st, 3);
	f->attempts = sqlite3_column_int(st, 4);
	f->reply = db_text(st, 5);
}

int
store_outbox_failed_new(struct store *s, store_failure_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_FAILED_NEW];
	struct store_failure f;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		failure_row(st, &f);
		fn(arg, &f);
	}
	return db_end(s, st, rc);
}

int
store_outbox_failed_mark(struct store *s)
{
	return db_step_done(s, s->st[ST_FAILED_MARK]);
}

int
store_outbox(struct store *s, int failed_only, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX];

	sqlite3_bind_int(st, 1, failed_only);
	return db_rows(s, st, fn, arg);
}
