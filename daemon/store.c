/*
 * store: SQLite persistence.
 *
 * The schema is versioned with PRAGMA user_version; migrations[i] moves a
 * database from version i to i + 1 and all pending ones run in a single
 * transaction at open, so a crash mid-migration leaves the old version.
 * synchronous=FULL because a notification recorded as generated must
 * survive a power cut, not only a crash (LIBRARIES.md §3).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_REV_LAST,
	ST_REV_ADD,
	ST_AUDIT_ADD,
	ST_COUNT_REV,
	ST_COUNT_AUDIT,
	ST_PAGES,
	ST_PAGE_SIZE,
	ST_NSTMTS
};

static const char *const stmt_sql[ST_NSTMTS] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
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
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*st[ST_NSTMTS];
	int		 lockfd;
	char		*path;
};

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
		return -1;
	}
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

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int i;
	char *msg = NULL;

	s->lockfd = -1;
	s->path = xstrdup(path);
	if (take_lock(s, path, err, errlen) != 0)
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db ?
		    sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	if (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;", NULL, NULL, &msg) != SQLITE_OK) {
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
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_NSTMTS; i++)
		sqlite3_finalize(s->st[i]);
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
	c->config_revisions = query_int(s, ST_COUNT_REV);
	c->audit_rows = query_int(s, ST_COUNT_AUDIT);
	c->db_bytes = query_int(s, ST_PAGES) * query_int(s, ST_PAGE_SIZE);
	return 0;
}

int
store_backup(struct store *s, const char *dest, char *err, size_t errlen)
{
	sqlite3 *out = NULL;
	sqlite3_backup *bk;
	char *tmp = xasprintf("%s.tmp-%ld", dest, (long)getpid());
	int rc;

	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", dest, out ?
		    sqlite3_errmsg(out) : "cannot open");
		goto fail;
	}
	bk = sqlite3_backup_init(out, "main", s->db, "main");
	if (bk == NULL) {
		snprintf(err, errlen, "%s: %s", dest, sqlite3_errmsg(out));
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
		snprintf(err, errlen, "%s: backup: %s", dest,
		    sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		out = NULL;
		snprintf(err, errlen, "%s: close failed", dest);
		goto fail;
	}
	out = NULL;
	if (rename(tmp, dest) == -1) {
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (out != NULL)
		sqlite3_close(out);
	unlink(tmp);
	free(tmp);
	return -1;
}
