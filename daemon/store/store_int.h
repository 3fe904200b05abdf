/*
 * store_int.h: what the store's files share (as libuv's internal.h).
 * Store: private to daemon/store/; the rest of the daemon sees store.h.
 *
 * Every statement is prepared once at open (store.c) from the tables the
 * files define next to the code that binds its parameters and reads its
 * columns, so a SELECT and the struct it fills are read together.
 */
#ifndef PLANWATCH_STORE_INT_H
#define PLANWATCH_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

/* The prepared statements, by the file that defines their SQL. */
enum stmt {
	/* store_txn.c */
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	/* store_audit.c */
	ST_REV_LAST,
	ST_REV_ADD,
	ST_AUDIT_ADD,
	ST_COUNT_REV,
	ST_COUNT_AUDIT,
	ST_PAGES,
	ST_PAGE_SIZE,
	ST_COUNT_NOTE,
	ST_COUNT_REPORTS,
	ST_COUNT_QUEUED,
	/* store_kv.c */
	ST_KV_GET,
	ST_KV_SET,
	/* store_ledger.c */
	ST_NOTE_ADD,
	ST_DIGEST_DUE,
	ST_DIGEST_NEXT,
	ST_NOTE_SET_MSG,
	ST_NOTE_DROP,
	ST_NOTE_ITEMS,
	ST_LEDGER,
	/* store_outbox.c */
	ST_MSG_NEXT,
	ST_MSG_ADD,
	ST_RCPT_ADD,
	ST_RCPT_DUE,
	ST_RCPT_SET,
	ST_RCPT_RESET,
	ST_RCPT_RECOVERED,
	ST_RCPT_RETRY,
	ST_RCPT_RETRY_FAILED,
	ST_RCPT_SENDING,
	ST_RCPT_NEXT,
	ST_OUTBOX,
	ST_FAILED_NEW,
	ST_FAILED_MARK,
	/* store_report.c */
	ST_REPORT_ADD,
	ST_INTAKE_SEEN,
	ST_INTAKE_SEEN_ADD,
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
	/* store_followup.c */
	ST_FOLLOWUP_ADD,
	ST_FOLLOWUP_ALL,
	ST_FOLLOWUP_HISTORY,
	/* store_web.c */
	ST_WEB_PERSON_ADD,
	ST_WEB_PERSON_GET,
	ST_WEB_PERSON_BY_ID,
	ST_WEB_REVOKE,
	ST_WEB_RENEWED,
	ST_NSTMTS
};

/* A statement's SQL; each table ends with { ST_NSTMTS, NULL }. */
struct db_sql {
	enum stmt	 id;
	const char	*sql;
};

extern const struct db_sql db_sql_txn[], db_sql_audit[], db_sql_kv[],
    db_sql_ledger[], db_sql_outbox[], db_sql_report[], db_sql_followup[],
    db_sql_web[];

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

/*
 * The files of a database, for their modes and identities: the database,
 * its write-ahead log and shared memory, our lock file and a rollback
 * journal (store.c).
 */
#define DB_NSIDECARS	5
extern const char *const db_sidecars[DB_NSIDECARS];

/* store.c: takes `path`.lock into s->lockfd; 0, or -1 with `err` set. */
int	db_take_lock(struct store *, const char *path, char *err,
	    size_t errlen);

/* store_migrate.c: runs the pending migrations; 0, or -1 with `err`. */
int	db_migrate(struct store *, char *err, size_t errlen);

/*
 * store_txn.c.  db_step_done() runs a statement that returns no rows and
 * resets it, keeping the write health; 0 or -1.  db_query_int() is the
 * first column of the first row of a statement without parameters, or
 * -1.  A typed read steps through its rows, reading each into its
 * struct, and ends with db_end(), which resets the statement and takes
 * the last step's result: 0 when it was SQLITE_DONE, else -1 (logged).
 * db_rows() hands each row to `fn` as named strings (listings).
 */
int	db_step_done(struct store *, sqlite3_stmt *);
int64_t	db_query_int(struct store *, enum stmt);
int	db_end(struct store *, sqlite3_stmt *, int rc);
/* The time a statement without parameters selects (a min()): 1 and
 * *next, 0 when it is NULL, -1 on error (not logged). */
int	db_query_time(struct store *, enum stmt, time_t *next);
int	db_rows(struct store *, sqlite3_stmt *, store_row_cb *, void *);
/* A column's text, NULL when the column is NULL. */
const char *db_text(sqlite3_stmt *, int col);
void	db_bind_text_or_null(sqlite3_stmt *, int col, const char *);

#endif
