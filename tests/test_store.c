/*
 * test_store: the store's promises about its own files, on real SQLite
 * files in a temporary directory -- modes whatever the umask, a damaged
 * database refused with the way out, write health (degraded and back),
 * backups that cannot hurt, restore.  A full disk is made at the SQLite
 * level: a VFS in front of the real one that fails every write with
 * SQLITE_FULL while `disk_full` is set, as the kernel's ENOSPC would.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "util.h"
#include "test.h"

/* ---- a VFS with a disk that can be full ---- */

static sqlite3_vfs	*real_vfs;
static sqlite3_vfs	 full_vfs;
static int		 disk_full;

struct ffile {
	sqlite3_file	 base;
	sqlite3_file	*real;
};

#define REAL(f)	(((struct ffile *)(f))->real)

static int
f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}

static int
f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
	if (disk_full)
		return SQLITE_FULL;
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
f_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int
f_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
f_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int
f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
f_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods f_methods = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_reserved, f_control, f_sector, f_device, f_shm_map,
	f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch
};

static int
f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct ffile *ff = (struct ffile *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	ff->base.pMethods = rc == SQLITE_OK ? &f_methods : NULL;
	return rc;
}

/* The real VFS with our files in front, made the default. */
static void
full_vfs_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	full_vfs = *real_vfs;
	full_vfs.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	full_vfs.zName = "full";
	full_vfs.pNext = NULL;
	full_vfs.xOpen = f_open;
	sqlite3_vfs_register(&full_vfs, 1);
}

/* ---- helpers ---- */

static char	dir[64];

static char *
at(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
fresh_dir(void)
{
	test_dir_make(dir, sizeof(dir), "test_store");
}

static void
remove_dir(void)
{
	test_dir_remove(dir);
}

static int
mode_of(const char *name)
{
	struct stat st;
	char *p = at(name);
	int m = stat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;

	free(p);
	return m;
}

static struct store *
open_db(char *err, size_t errlen)
{
	char *p = at("planwatch.db");
	struct store *s = store_open(p, err, errlen);

	free(p);
	return s;
}

/* ---- tests ---- */

/* 0600 whatever the umask; an older database left 0640 is tightened. */
static void
test_modes(void)
{
	struct store *s;
	char err[512], *p;

	fresh_dir();
	umask(022);
	s = open_db(err, sizeof(err));
	CHECK(s != NULL);
	CHECK_INT_EQ(mode_of("planwatch.db"), 0600);
	CHECK_INT_EQ(mode_of("planwatch.db-wal"), 0600);
	CHECK_INT_EQ(mode_of("planwatch.db-shm"), 0600);
	CHECK_INT_EQ(mode_of("planwatch.db.lock"), 0600);
	store_close(s);
	p = at("planwatch.db");
	CHECK(chmod(p, 0640) == 0);
	free(p);
	s = open_db(err, sizeof(err));
	CHECK(s != NULL);
	CHECK_INT_EQ(mode_of("planwatch.db"), 0600);
	store_close(s);
	remove_dir();
}

static int		 health_calls;
static const char	*health_last;

static void
health(void *arg, const char *problem)
{
	(void)arg;
	health_calls++;
	health_last = problem;
}

/*
 * A full disk: the write fails, the store says it is degraded (once),
 * and the next write that commits makes it healthy again.  At open, a
 * store that cannot write is refused -- as not writable, not damaged.
 */
static void
test_full_disk(void)
{
	struct store *s;
	char err[512];

	fresh_dir();
	s = open_db(err, sizeof(err));
	CHECK(s != NULL);
	if (s == NULL)
		return;
	store_set_health_cb(s, health, NULL);
	CHECK(store_health(s) == NULL);
	CHECK_INT_EQ(store_audit(s, 1, "test", "before", NULL), 0);
	disk_full = 1;
	CHECK_INT_EQ(store_audit(s, 2, "test", "report-read", "report 1"),
	    -1);
	CHECK_STR_EQ(store_health(s), "database or disk is full");
	CHECK_INT_EQ(health_calls, 1);
	CHECK_STR_EQ(health_last, "database or disk is full");
	CHECK_INT_EQ(store_probe(s), -1);
	CHECK_INT_EQ(health_calls, 1);
	disk_full = 0;
	CHECK_INT_EQ(store_probe(s), 0);
	CHECK(store_health(s) == NULL);
	CHECK_INT_EQ(health_calls, 2);
	CHECK(health_last == NULL);
	/* A constraint is no fault of the storage. */
	CHECK_INT_EQ(store_begin(s), 0);
	CHECK_INT_EQ(store_begin(s), -1);
	CHECK(store_health(s) == NULL);
	store_rollback(s);
	store_close(s);

	disk_full = 1;
	s = open_db(err, sizeof(err));
	disk_full = 0;
	CHECK(s == NULL);
	store_close(s);
	if (strstr(err, "cannot write") == NULL || strstr(err, "damaged"))
		TEST_FAIL("message: %s", err);
	remove_dir();
}

/* A damaged file is refused at open, with the way to a backup. */
static void
test_damaged(void)
{
	struct store *s;
	char err[512], junk[4096], *p;
	int fd, i;

	fresh_dir();
	s = open_db(err, sizeof(err));
	CHECK(s != NULL);
	for (i = 0; s != NULL && i < 200; i++)
		store_audit(s, i, "test", "filler", "0123456789abcdef0123456789");
	store_close(s);
	p = at("planwatch.db");
	memset(junk, 0x5a, sizeof(junk));
	fd = open(p, O_WRONLY);
	CHECK(fd != -1 && pwrite(fd, junk, sizeof(junk), 4096) ==
	    (ssize_t)sizeof(junk));
	close(fd);
	free(p);
	s = open_db(err, sizeof(err));
	CHECK(s == NULL);
	store_close(s);
	if (strstr(err, "is damaged") == NULL ||
	    strstr(err, "planwatchctl restore") == NULL)
		TEST_FAIL("message: %s", err);
	remove_dir();
}

/*
 * Backups go into their directory only, as new files, 0600; never over
 * anything, never into the database's directory.  Restore puts one back
 * (not under a running store) and keeps what it replaced.
 */
static void
test_backup_restore(void)
{
	static const char *const bad[] = { "", ".hidden", "../x.db", "a/b",
	    "x y.db" };
	struct store *s;
	char err[1024], kept[512], *bdir, *w = NULL, *p, *q;
	size_t i;
	int64_t v = 0;

	fresh_dir();
	umask(022);
	s = open_db(err, sizeof(err));
	CHECK(s != NULL);
	if (s == NULL)
		return;
	store_kv_set(s, "marker", 1);
	bdir = at("backups");
	for (i = 0; i < nitems(bad); i++) {
		CHECK_INT_EQ(store_backup(s, bdir, bad[i], &w, err,
		    sizeof(err)), -1);
		CHECK(w == NULL);
	}
	CHECK_INT_EQ(store_backup(s, bdir, "one.db", &w, err, sizeof(err)),
	    0);
	p = at("backups/one.db");
	CHECK_STR_EQ(w, p);
	free(p);
	free(w);
	w = NULL;
	CHECK_INT_EQ(mode_of("backups/one.db"), 0600);
	CHECK_INT_EQ(mode_of("backups"), 0700);
	CHECK_INT_EQ(store_backup(s, bdir, "one.db", &w, err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "exists") != NULL);
	/* A link in the directory to the database is a name taken. */
	q = at("planwatch.db");
	p = at("backups/link.db");
	CHECK_INT_EQ(symlink(q, p), 0);
	free(p);
	CHECK_INT_EQ(store_backup(s, bdir, "link.db", &w, err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "exists") != NULL);
	/* The database's own directory is no backup directory. */
	CHECK_INT_EQ(store_backup(s, dir, "x.db", &w, err, sizeof(err)), -1);
	CHECK(strstr(err, "database's own directory") != NULL);
	/* Nor is a symbolic link to a directory. */
	p = at("blink");
	CHECK_INT_EQ(symlink(bdir, p), 0);
	CHECK_INT_EQ(store_backup(s, p, "y.db", &w, err, sizeof(err)), -1);
	CHECK(strstr(err, "symbolic link") != NULL);
	free(p);

	store_kv_set(s, "marker", 2);
	p = at("backups/one.db");
	CHECK_INT_EQ(store_restore(q, p, kept, sizeof(kept), err, sizeof(err)),
	    -1);
	CHECK(strstr(err, "in use") != NULL);
	store_close(s);
	CHECK_INT_EQ(store_restore(q, p, kept, sizeof(kept), err, sizeof(err)),
	    0);
	CHECK(kept[0] != '\0' && access(kept, F_OK) == 0);
	CHECK_INT_EQ(mode_of("planwatch.db"), 0600);
	s = open_db(err, sizeof(err));
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT_EQ(store_kv_get(s, "marker", &v), 1);
		CHECK_INT_EQ(v, 1);
		store_close(s);
	}
	/* A file that is no sound database is not restored. */
	free(p);
	p = at("junk.db");
	{
		FILE *fp = fopen(p, "w");

		fputs("not a database at all", fp);
		fclose(fp);
	}
	CHECK_INT_EQ(store_restore(q, p, kept, sizeof(kept), err, sizeof(err)),
	    -1);
	free(p);
	free(q);
	free(bdir);
	remove_dir();
}

int
main(void)
{
	full_vfs_install();
	TEST_RUN(test_modes);
	TEST_RUN(test_full_disk);
	TEST_RUN(test_damaged);
	TEST_RUN(test_backup_restore);
	return TEST_END("store");
}
