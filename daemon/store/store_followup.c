/*
 * store_followup: follow-up reports on activities.  Store.
 */
#include "store_int.h"

const struct db_sql db_sql_followup[] = {
	{ ST_FOLLOWUP_ADD, "INSERT INTO followup (activity, occurrence, "
	    "part, status, comment, reported_by, on_behalf_of, channel, "
	    "plan_adopted, reported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10)" },
	{ ST_FOLLOWUP_ALL, "SELECT id, activity, occurrence, part, status, "
	    "comment, reported_by, on_behalf_of, channel, plan_adopted, "
	    "reported_at FROM followup ORDER BY activity, id" },
	{ ST_FOLLOWUP_HISTORY, "SELECT occurrence, part, status, comment, "
	    "reported_by, on_behalf_of, plan_adopted, reported_at "
	    "FROM followup WHERE activity = ?1 ORDER BY reported_at, id" },
	{ ST_NSTMTS, NULL }
};

int
store_followup_add(struct store *s, const struct store_followup *f)
{
	sqlite3_stmt *st = s->st[ST_FOLLOWUP_ADD];

	sqlite3_bind_text(st, 1, f->activity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->occurrence, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 3, f->part);
	sqlite3_bind_text(st, 4, f->status, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 5, f->comment);
	sqlite3_bind_text(st, 6, f->reported_by, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 7, f->on_behalf_of);
	sqlite3_bind_text(st, 8, f->channel, -1, SQLITE_STATIC);
	db_bind_text_or_null(st, 9, f->plan_adopted);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)f->at);
	return db_step_done(s, st);
}

/* A row of ST_FOLLOWUP_ALL, column by column. */
static void
followup_row(sqlite3_stmt *st, struct store_followup *f)
{
	f->activity = db_text(st, 1);
	f->occurrence = db_text(st, 2);
	f->part = db_text(st, 3);
	f->status = db_text(st, 4);
	f->comment = db_text(st, 5);
	f->reported_by = db_text(st, 6);
	f->on_behalf_of = db_text(st, 7);
	f->channel = db_text(st, 8);
	f->plan_adopted = db_text(st, 9);
	f->at = (time_t)sqlite3_column_int64(st, 10);
}

int
store_followups(struct store *s, store_followup_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_FOLLOWUP_ALL];
	struct store_followup f;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		followup_row(st, &f);
		fn(arg, sqlite3_column_int64(st, 0), &f);
	}
	return db_end(s, st, rc);
}

int
store_followup_history(struct store *s, const char *activity,
    store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_FOLLOWUP_HISTORY];

	sqlite3_bind_text(st, 1, activity, -1, SQLITE_STATIC);
	return db_rows(s, st, fn, arg);
}
