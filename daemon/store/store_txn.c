/*
 * store_txn: running statements, transactions and savepoints, and the
 * write health they report.  Store.
 */
#include "log.h"
#include "store_int.h"

const struct db_sql db_sql_txn[] = {
	{ ST_BEGIN, "BEGIN IMMEDIATE" },
	{ ST_COMMIT, "COMMIT" },
	{ ST_ROLLBACK, "ROLLBACK" },
	{ ST_SAVEPOINT, "SAVEPOINT item" },
	{ ST_RELEASE, "RELEASE item" },
	{ ST_ROLLBACK_TO, "ROLLBACK TO item" },
	{ ST_NSTMTS, NULL }
};

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
int
db_step_done(struct store *s, sqlite3_stmt *st)
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

int64_t
db_query_int(struct store *s, enum stmt which)
{
	sqlite3_stmt *st = s->st[which];
	int64_t v = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

int
db_query_time(struct store *s, enum stmt which, time_t *next)
{
	sqlite3_stmt *st = s->st[which];
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
db_end(struct store *s, sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
db_rows(struct store *s, sqlite3_stmt *st, store_row_cb *fn, void *arg)
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
	return db_end(s, st, rc);
}

/* A column's text, NULL when the column is NULL. */
const char *
db_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

void
db_bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int
store_begin(struct store *s)
{
	return db_step_done(s, s->st[ST_BEGIN]);
}

int
store_commit(struct store *s)
{
	return db_step_done(s, s->st[ST_COMMIT]);
}

void
store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		db_step_done(s, s->st[ST_ROLLBACK]);
}

int
store_savepoint(struct store *s)
{
	return db_step_done(s, s->st[ST_SAVEPOINT]);
}

int
store_release(struct store *s)
{
	return db_step_done(s, s->st[ST_RELEASE]);
}

int
store_rollback_to(struct store *s)
{
	/* ROLLBACK TO keeps the savepoint open; RELEASE ends it. */
	if (db_step_done(s, s->st[ST_ROLLBACK_TO]) != 0)
		return -1;
	return db_step_done(s, s->st[ST_RELEASE]);
}
