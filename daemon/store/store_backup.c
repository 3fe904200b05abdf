/*
 * store_backup: online backups with SQLite's backup API, and restoring
 * one while no daemon runs.  Store.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store_int.h"
#include "util.h"

/* A backup's name: a plain file name, so it lands in the directory. */
static int
backup_name_ok(const char *name)
{
	const char *p;

	if (name[0] == '\0' || name[0] == '.' || strlen(name) > 200)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_' || *p == '+'))
			return 0;
	return 1;
}

/* Whether dev/ino is the database's or one of its sidecar files'. */
static int
is_database_file(const struct store *s, const struct stat *st)
{
	struct stat o;
	char *f;
	size_t i;
	int same = 0;

	for (i = 0; i < nitems(db_sidecars) && !same; i++) {
		f = xasprintf("%s%s", s->path, db_sidecars[i]);
		same = stat(f, &o) == 0 && o.st_dev == st->st_dev &&
		    o.st_ino == st->st_ino;
		free(f);
	}
	return same;
}

/*
 * Opens the backup directory (made 0700 where missing) without following
 * a symbolic link, and checks that it is the daemon's own and not the
 * database's directory.  Returns its descriptor, or -1 with `err` set.
 */
static int
backup_dir_open(struct store *s, const char *dir, char *err, size_t errlen)
{
	struct stat st, db;
	char *copy;
	int fd;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "backup directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		snprintf(err, errlen, "backup directory %s: %s", dir,
		    errno == ELOOP || errno == ENOTDIR ? "not a directory "
		    "(a symbolic link is not followed)" : strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	copy = xstrdup(s->path);
	if (stat(dirname(copy), &db) == 0 && db.st_dev == st.st_dev &&
	    db.st_ino == st.st_ino) {
		snprintf(err, errlen, "backup directory %s is the database's "
		    "own directory; give backup_dir a directory of its own",
		    dir);
		free(copy);
		close(fd);
		return -1;
	}
	free(copy);
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "backup directory %s belongs to uid %lu, "
		    "not to the daemon's user", dir, (unsigned long)st.st_uid);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0700) == 0)
		log_info("store: backup directory %s: was mode %04o, now 0700",
		    dir, (unsigned)(st.st_mode & 07777));
	return fd;
}

int
store_backup(struct store *s, const char *dir, const char *name,
    char **written, char *err, size_t errlen)
{
	sqlite3 *out = NULL;
	sqlite3_backup *bk;
	struct stat st;
	char *tmp = NULL, *tmppath = NULL;
	int dfd, fd, rc;

	*written = NULL;
	if (!backup_name_ok(name)) {
		snprintf(err, errlen, "a backup's name is a plain file name of "
		    "letters, digits, '.', '-', '_' and '+', not beginning "
		    "with '.'");
		return -1;
	}
	if ((dfd = backup_dir_open(s, dir, err, errlen)) == -1)
		return -1;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT) {
		snprintf(err, errlen, "%s/%s exists; a backup never replaces a "
		    "file: give another name", dir, name);
		goto fail;
	}
	/*
	 * Written under a temporary name of our own making (O_EXCL), then
	 * linked to its name, which fails if that name exists by then: the
	 * backup is never half-written and never replaces anything.
	 */
	tmp = xasprintf(".%s.tmp-%ld", name, (long)getpid());
	tmppath = xasprintf("%s/%s", dir, tmp);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", tmppath, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto fail;
	}
	close(fd);
	if (sqlite3_open_v2(tmppath, &out, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmppath, out ?
		    sqlite3_errmsg(out) : "cannot open");
		goto fail;
	}
	bk = sqlite3_backup_init(out, "main", s->db, "main");
	if (bk == NULL) {
		snprintf(err, errlen, "%s: %s", tmppath, sqlite3_errmsg(out));
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
		snprintf(err, errlen, "%s: backup: %s", tmppath,
		    sqlite3_errstr(rc));
		goto fail;
	}
	rc = sqlite3_close(out);
	out = NULL;
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: close failed", tmppath);
		goto fail;
	}
	if (linkat(dfd, tmp, dfd, name, 0) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, name, errno == EEXIST ?
		    "exists; a backup never replaces a file" : strerror(errno));
		goto fail;
	}
	unlinkat(dfd, tmp, 0);
	fsync(dfd);
	/* By device and inode, not by name: never the database itself. */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode) || is_database_file(s, &st)) {
		snprintf(err, errlen, "%s/%s: not the new file written", dir,
		    name);
		free(tmp);
		free(tmppath);
		close(dfd);
		return -1;
	}
	*written = xasprintf("%s/%s", dir, name);
	free(tmp);
	free(tmppath);
	close(dfd);
	return 0;
fail:
	if (out != NULL)
		sqlite3_close(out);
	if (tmp != NULL) {
		unlinkat(dfd, tmp, 0);
		free(tmp);
		/* The copy's rollback journal, if it was left. */
		tmp = xasprintf(".%s.tmp-%ld-journal", name, (long)getpid());
		unlinkat(dfd, tmp, 0);
		free(tmp);
	}
	free(tmppath);
	close(dfd);
	return -1;
}

/* Percent-escapes what a file: URI may not hold as it is. */
static char *
file_uri(const char *path, const char *query)
{
	struct buf b = { 0 };
	const char *p;

	buf_adds(&b, "file:");
	for (p = path; *p != '\0'; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&b, *p);
	buf_printf(&b, "?%s", query);
	return buf_take(&b);
}

/*
 * Checks a backup: a sound database file (PRAGMA integrity_check) of a
 * schema this planwatchd knows.  Opened immutable: nothing is written
 * beside it.  0, or -1 with `err` set.
 */
static int
backup_check(const char *from, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *uri = file_uri(from, "immutable=1");
	const char *r;
	int version = -1, rc = -1;

	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", from, db ? sqlite3_errmsg(db) :
		    "cannot open");
		goto done;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    (r = (const char *)sqlite3_column_text(st, 0)) == NULL ||
	    strcmp(r, "ok") != 0) {
		snprintf(err, errlen, "%s is not a sound database (%s); try an "
		    "older backup", from, sqlite3_errmsg(db));
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	if (version < 1 || version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: %s", from, version < 1 ? "not a "
		    "planwatch database" : "written by a newer planwatchd; "
		    "restore it with that release");
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(uri);
	return rc;
}

/* Copies `from` into the new file `to` (0600, fsynced).  0 or -1. */
static int
copy_file(const char *from, const char *to, uid_t uid, gid_t gid,
    char *err, size_t errlen)
{
	char chunk[65536];
	ssize_t n, w, off;
	int in, out;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(out, chunk + off, (size_t)(n - off))) ==
			    -1) {
				n = -1;
				break;
			}
	if (n == -1 || fsync(out) == -1 || (geteuid() == 0 &&
	    fchown(out, uid, gid) == -1)) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		close(in);
		close(out);
		unlink(to);
		return -1;
	}
	close(in);
	return close(out);
}

int
store_restore(const char *path, const char *from, char *kept, size_t keptlen,
    char *err, size_t errlen)
{
	struct store lock = { .lockfd = -1 };
	struct stat dir, st;
	char *copy, *tmp, *f, *g, stamp[32];
	time_t now = time(NULL);
	size_t i;
	int rc = -1;

	kept[0] = '\0';
	copy = xstrdup(path);
	if (stat(dirname(copy), &dir) == -1) {
		snprintf(err, errlen, "%s: %s", copy, strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	/* The daemon's lock: no restore under a running daemon. */
	if (db_take_lock(&lock, path, err, errlen) != 0)
		return -1;
	if (geteuid() == 0 && fchown(lock.lockfd, dir.st_uid, dir.st_gid) ==
	    -1)
		log_warn("restore: %s.lock", path);
	if (backup_check(from, err, errlen) != 0)
		goto done;
	tmp = xasprintf("%s.restore-%ld", path, (long)getpid());
	if (copy_file(from, tmp, dir.st_uid, dir.st_gid, err, errlen) != 0) {
		free(tmp);
		goto done;
	}
	/*
	 * The database in place and its log are kept under a new name; its
	 * log must go with it, or the backup would be read with the old
	 * database's log applied.
	 */
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	if (lstat(path, &st) == 0) {
		snprintf(kept, keptlen, "%s.replaced-%s", path, stamp);
		for (i = 0; i < 3; i++) {
			f = xasprintf("%s%s", path, db_sidecars[i]);
			g = xasprintf("%s%s", kept, db_sidecars[i]);
			if (i == 2)
				unlink(f);
			else if (rename(f, g) == -1 && errno != ENOENT) {
				snprintf(err, errlen, "%s: %s", f,
				    strerror(errno));
				free(f);
				free(g);
				unlink(tmp);
				free(tmp);
				goto done;
			}
			free(f);
			free(g);
		}
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		goto done;
	}
	free(tmp);
	rc = 0;
done:
	close(lock.lockfd);
	free(lock.path);
	return rc;
}
