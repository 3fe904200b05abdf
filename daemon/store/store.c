/*
 * store: opening and closing the database (store.h).  Store: the only
 * SQL; over SQLite, beside the rest of the store (store_int.h).
 *
 * The lock file keeps a second daemon out; the files are made 0600; a
 * damaged database is refused with the way out; the schema is migrated
 * (store_migrate.c) before the statements are prepared, once, here.
 * synchronous=FULL because a notification recorded as generated must
 * survive a power cut, not only a crash (docs/libraries.md §3).  Write
 * health: a failed write makes the store degraded (store_txn.c), the next
 * commit healthy again.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store_int.h"
#include "util.h"

int
db_take_lock(struct store *s, const char *path, char *err, size_t errlen)
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

/* store_int.h */
const char *const db_sidecars[DB_NSIDECARS] = { "", "-wal", "-shm",
	".lock", "-journal" };

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

	for (i = 0; i < nitems(db_sidecars); i++) {
		f = xasprintf("%s%s", path, db_sidecars[i]);
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

/* Every file's statements, prepared once at open. */
static const struct db_sql *const sql_tables[] = {
	db_sql_txn, db_sql_audit, db_sql_kv, db_sql_ledger, db_sql_outbox,
	db_sql_report, db_sql_followup, db_sql_web,
};

static int
prepare(struct store *s, char *err, size_t errlen)
{
	const struct db_sql *q;
	size_t i;
	int k;

	for (i = 0; i < nitems(sql_tables); i++)
		for (q = sql_tables[i]; q->sql != NULL; q++)
			if (sqlite3_prepare_v3(s->db, q->sql, -1,
			    SQLITE_PREPARE_PERSISTENT, &s->st[q->id], NULL) !=
			    SQLITE_OK) {
				snprintf(err, errlen, "%s: prepare: %s",
				    s->path, sqlite3_errmsg(s->db));
				return -1;
			}
	/* A statement no file defines is a bug, found at the first open. */
	for (k = 0; k < ST_NSTMTS; k++)
		if (s->st[k] == NULL) {
			snprintf(err, errlen, "%s: statement %d has no SQL",
			    s->path, k);
			return -1;
		}
	return 0;
}

int
store_probe(struct store *s)
{
	if (store_begin(s) != 0)
		return -1;
	if (db_step_done(s, s->probe) != 0) {
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
	int fd, rc;
	char *msg = NULL;

	s->lockfd = -1;
	s->path = xstrdup(path);
	if (db_take_lock(s, path, err, errlen) != 0)
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
	if (db_migrate(s, err, errlen) != 0)
		goto fail;
	if (prepare(s, err, errlen) != 0)
		goto fail;
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
