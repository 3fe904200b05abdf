/*
 * test_store: the store's promises about its own files, on real SQLite
 * files in a temporary directory: backups that cannot hurt, restore.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "util.h"
#include "test.h"

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
	snprintf(dir, sizeof(dir), "/tmp/test_store.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
}

static void
remove_dir(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
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
	TEST_RUN(test_backup_restore);
	return TEST_END("store");
}
