/*
 * store: the daemon's memory, one SQLite database in WAL mode.  Everything
 * that must survive a crash is written here before it is acted on.  Only
 * this module speaks SQL; every statement is prepared once at open and
 * always bound.  The loop thread owns the connection.
 */
#ifndef PLANWATCH_STORE_H
#define PLANWATCH_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

/* The schema version this binary writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION	1

/*
 * Opens (creating if needed) the database at `path`, takes the exclusive
 * lock file `path`.lock so that a second daemon refuses to start, refuses a
 * database newer than STORE_SCHEMA_VERSION, and runs forward migrations in
 * one transaction.  Returns NULL with a message a person can act on in
 * `err`.
 */
struct store *store_open(const char *path, char *err, size_t errlen);
/* Finalizes statements, closes the database, releases the lock.  NULL ok. */
void	store_close(struct store *);

/*
 * Records that `file` with content hash `sha256` was loaded at `now`,
 * unless the newest revision of that file has the same hash.  Returns 1
 * when a row was added, 0 when unchanged, -1 on error.
 */
int	store_config_revision(struct store *, const char *file,
	    const char *sha256, time_t now);
/* Appends a row to the audit trail (append-only: the schema refuses
 * updates and deletes).  `object` may be NULL.  0 or -1. */
int	store_audit(struct store *, time_t now, const char *actor,
	    const char *action, const char *object);

struct store_counts {
	int64_t	config_revisions;
	int64_t	audit_rows;
	int64_t	db_bytes;	/* page_count * page_size */
};
int	store_counts(struct store *, struct store_counts *);

/*
 * Writes an online, consistent copy of the database to `dest` with the
 * backup API: into a temporary file beside it, then renamed, so a failed
 * backup never leaves a half-written file.  0, or -1 with `err` set.
 */
int	store_backup(struct store *, const char *dest, char *err,
	    size_t errlen);

/* Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it fails. */
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

#endif
