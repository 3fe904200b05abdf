/*
 * test_journal: daemon/shell/journal.c on a file in a temporary directory:
 * entries read back as written, after a reopen; regions never overlap
 * while live and are reused once released; a damaged or partly
 * overwritten entry is skipped without losing the ones around it;
 * several threads write at once; and the rule by which the outbox
 * applies an entry to the database at start (store_rcpt_recovered).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "journal.h"
#include "store.h"
#include "test.h"
#include "util.h"

static char	tmpdir[] = "/tmp/planwatch-journal.XXXXXX";
static char	jpath[300];

/* What journal_read() found, one line per entry. */
struct seen {
	struct buf	b;
	int		n;
};

static void
seen_cb(void *arg, const struct journal_entry *e)
{
	struct seen *s = arg;

	buf_printf(&s->b, "%lld %s %s %d %d %s\n", (long long)e->message,
	    e->message_id, e->addr, e->attempts, e->code, e->reply);
	s->n++;
}

/* Reopens the journal and reads it: the lines, and the count in *n. */
static char *
reread(int *n)
{
	struct seen s = { { 0 }, 0 };
	struct journal *j;
	char err[256];

	if ((j = journal_open(jpath, err, sizeof(err))) == NULL) {
		TEST_FAIL("journal_open: %s", err);
		*n = -1;
		return xstrdup("");
	}
	*n = journal_read(j, seen_cb, &s);
	journal_close(j);
	return s.b.s ? s.b.s : xstrdup("");
}

static struct journal_entry
entry(int64_t message, const char *addr, const char *reply)
{
	struct journal_entry e;

	e.message = message;
	e.message_id = "pw.000000000001.0123abcd@example.org";
	e.addr = addr;
	e.attempts = 2;
	e.code = 250;
	e.reply = reply;
	return e;
}

static void
test_write_read(void)
{
	struct journal_entry e[2];
	struct journal *j;
	char err[256], longreply[400], *got, want[600];
	int64_t a, b;
	size_t used_a = 0, used_b = 0;
	int n;

	unlink(jpath);
	if ((j = journal_open(jpath, err, sizeof(err))) == NULL) {
		TEST_FAIL("journal_open: %s", err);
		return;
	}
	CHECK_INT_EQ(journal_read(j, seen_cb, NULL), 0);
	a = journal_reserve(j, journal_entry_max(
	    "pw.000000000001.0123abcd@example.org", "a@example.org"));
	b = journal_reserve(j, 1000);
	CHECK_INT_EQ(a, 0);
	CHECK(b > a);
	CHECK_INT_EQ(b % 8, 0);
	memset(longreply, 'x', sizeof(longreply) - 1);
	longreply[sizeof(longreply) - 1] = '\0';
	e[0] = entry(1, "a@example.org", "2.0.0 Ok: queued as 4Xy");
	e[1] = entry(7, "b@example.org", longreply);
	CHECK_INT_EQ(journal_write(j, b, &used_b, &e[1], 1), 0);
	CHECK_INT_EQ(journal_write(j, a, &used_a, e, 1), 0);
	CHECK(used_b > 255 && used_b <= 1000);
	journal_close(j);

	got = reread(&n);
	CHECK_INT_EQ(n, 2);
	/* In file order; the reply cut at 255 bytes. */
	snprintf(want, sizeof(want), "1 pw.000000000001.0123abcd@example.org "
	    "a@example.org 2 250 2.0.0 Ok: queued as 4Xy\n"
	    "7 pw.000000000001.0123abcd@example.org b@example.org 2 250 "
	    "%.255s\n", longreply);
	CHECK_STR_EQ(got, want);
	free(got);
}

static void
test_regions(void)
{
	struct journal_entry e;
	struct journal *j;
	char err[256], *got;
	int64_t a, b, c, d;
	size_t used = 0;
	int n;

	unlink(jpath);
	if ((j = journal_open(jpath, err, sizeof(err))) == NULL) {
		TEST_FAIL("journal_open: %s", err);
		return;
	}
	a = journal_reserve(j, 100);
	b = journal_reserve(j, 100);
	c = journal_reserve(j, 100);
	CHECK_INT_EQ(a, 0);
	CHECK_INT_EQ(b, 104);
	CHECK_INT_EQ(c, 208);
	/* The lowest free place that fits. */
	journal_release(j, b);
	CHECK_INT_EQ(journal_reserve(j, 50), 104);
	CHECK_INT_EQ(journal_reserve(j, 100), 312);
	journal_release(j, a);
	d = journal_reserve(j, 400);
	CHECK_INT_EQ(d, 416);
	CHECK_INT_EQ(journal_reserve(j, 104), 0);

	/*
	 * An entry partly overwritten by a shorter one in a reused region:
	 * the new one is read, the rest of the old one is not mistaken for
	 * an entry, and the entry after it is still found.
	 */
	e = entry(1, "first-and-rather-long-address@example.org", "250 ok");
	used = 0;
	CHECK_INT_EQ(journal_write(j, d, &used, &e, 1), 0);
	e = entry(2, "after@example.org", "250 ok");
	CHECK_INT_EQ(journal_write(j, d, &used, &e, 1), 0);
	e = entry(3, "c@example.org", "250 ok");
	used = 0;
	CHECK_INT_EQ(journal_write(j, d, &used, &e, 1), 0);
	journal_close(j);
	got = reread(&n);
	CHECK_INT_EQ(n, 2);
	CHECK(strncmp(got, "3 ", 2) == 0);
	CHECK(strstr(got, "\n2 ") != NULL);
	free(got);
}

static void
test_damage(void)
{
	struct journal_entry e[3];
	struct journal *j;
	char err[256], *got;
	size_t used = 0, len;
	int64_t off;
	int fd, n;
	char c;

	unlink(jpath);
	if ((j = journal_open(jpath, err, sizeof(err))) == NULL) {
		TEST_FAIL("journal_open: %s", err);
		return;
	}
	e[0] = entry(1, "a@example.org", "250 one");
	e[1] = entry(2, "b@example.org", "250 two");
	e[2] = entry(3, "c@example.org", "250 three");
	off = journal_reserve(j, 3 * journal_entry_max(e[0].message_id,
	    "a@example.org"));
	CHECK_INT_EQ(journal_write(j, off, &used, e, 3), 0);
	journal_close(j);

	/* A flipped byte in the second entry's address. */
	fd = open(jpath, O_RDWR);
	CHECK(fd != -1);
	got = read_file(jpath, &len);
	off = (char *)memmem(got, len, "b@example.org", 13) - got;
	free(got);
	CHECK(pread(fd, &c, 1, off) == 1);
	c ^= 1;
	CHECK(pwrite(fd, &c, 1, off) == 1);
	close(fd);
	got = reread(&n);
	CHECK_INT_EQ(n, 2);
	CHECK(strncmp(got, "1 ", 2) == 0);
	CHECK(strstr(got, "\n3 ") != NULL);
	CHECK(strstr(got, "\n2 ") == NULL);
	free(got);

	/* Emptied: nothing to read, and the file is 0 bytes. */
	if ((j = journal_open(jpath, err, sizeof(err))) == NULL) {
		TEST_FAIL("journal_open: %s", err);
		return;
	}
	CHECK_INT_EQ(journal_reset(j), 0);
	journal_close(j);
	got = reread(&n);
	CHECK_INT_EQ(n, 0);
	free(got);
}

struct writer {
	struct journal	*j;
	int64_t		 off;
	int		 id;
	int		 ok;
};

#define NWRITERS	4
#define NENTRIES	200

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct journal_entry e;
	char addr[64];
	size_t used = 0;
	int i;

	w->ok = 1;
	for (i = 0; i < NENTRIES; i++) {
		snprintf(addr, sizeof(addr), "w%d.%d@example.org", w->id, i);
		e = entry(w->id * 1000 + i, addr, "250 ok");
		if (journal_write(w->j, w->off, &used, &e, 1) != 0)
			w->ok = 0;
	}
	return NULL;
}

static void
test_threads(void)
{
	struct writer w[NWRITERS];
	pthread_t th[NWRITERS];
	struct journal *j;
	char err[256], *got;
	int i, n;

	unlink(jpath);
	if ((j = journal_open(jpath, err, sizeof(err))) == NULL) {
		TEST_FAIL("journal_open: %s", err);
		return;
	}
	for (i = 0; i < NWRITERS; i++) {
		w[i].j = j;
		w[i].id = i + 1;
		w[i].off = journal_reserve(j, NENTRIES * journal_entry_max(
		    "pw.000000000001.0123abcd@example.org",
		    "w1.100@example.org"));
		pthread_create(&th[i], NULL, writer_main, &w[i]);
	}
	for (i = 0; i < NWRITERS; i++) {
		pthread_join(th[i], NULL);
		CHECK(w[i].ok);
	}
	journal_close(j);
	got = reread(&n);
	CHECK_INT_EQ(n, NWRITERS * NENTRIES);
	CHECK(strstr(got, "4199 ") != NULL);
	free(got);
}

static void
test_mode(void)
{
	struct journal *j;
	struct stat sb;
	char err[256], *p;
	mode_t old = umask(0);

	unlink(jpath);
	j = journal_open(jpath, err, sizeof(err));
	umask(old);
	CHECK(j != NULL);
	journal_close(j);
	CHECK(stat(jpath, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(journal_open("/nonexistent/dir/db-sent", err,
	    sizeof(err)) == NULL);
	CHECK(strstr(err, "/nonexistent/dir/db-sent: No such file") != NULL);
	/* A link in its place is not followed, a directory not taken. */
	unlink(jpath);
	CHECK(symlink("/etc/passwd", jpath) == 0);
	CHECK(journal_open(jpath, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "links") != NULL);
	unlink(jpath);
	CHECK(mkdir(jpath, 0700) == 0);
	CHECK(journal_open(jpath, err, sizeof(err)) == NULL);
	rmdir(jpath);
	p = journal_path("/var/lib/planwatch/planwatch.db");
	CHECK_STR_EQ(p, "/var/lib/planwatch/planwatch.db-sent");
	free(p);
}

/*
 * An entry marks a recipient sent only while it is 'sending' and its
 * message has the entry's Message-ID: a stale entry, or one from another
 * database, changes nothing.
 */
static void
test_recovered(void)
{
	static const char *const rcpts[] = { "a@example.org",
	    "b@example.org" };
	struct store *st;
	char db[320], err[256];
	int64_t id;

	snprintf(db, sizeof(db), "%s/recover.db", tmpdir);
	if ((st = store_open(db, err, sizeof(err))) == NULL) {
		TEST_FAIL("store_open: %s", err);
		return;
	}
	CHECK_INT_EQ(store_begin(st), 0);
	id = store_message_next(st);
	CHECK_INT_EQ(store_message_add(st, id, "pw.1@example.org", "reminder",
	    "text\r\n", 6, rcpts, 2, 1000), id);
	CHECK_INT_EQ(store_commit(st), 0);
	/* Queued, not sending: nothing to recover. */
	CHECK_INT_EQ(store_rcpt_recovered(st, id, "pw.1@example.org",
	    "a@example.org", 1, 2000, "250 ok"), 0);
	CHECK_INT_EQ(store_rcpt_sending(st, id, "a@example.org"), 0);
	CHECK_INT_EQ(store_rcpt_sending(st, id, "b@example.org"), 0);
	/* Another message's Message-ID, another message, another address. */
	CHECK_INT_EQ(store_rcpt_recovered(st, id, "pw.2@example.org",
	    "a@example.org", 1, 2000, "250 ok"), 0);
	CHECK_INT_EQ(store_rcpt_recovered(st, id + 1, "pw.1@example.org",
	    "a@example.org", 1, 2000, "250 ok"), 0);
	CHECK_INT_EQ(store_rcpt_recovered(st, id, "pw.1@example.org",
	    "c@example.org", 1, 2000, "250 ok"), 0);
	CHECK_INT_EQ(store_rcpt_recovered(st, id, "pw.1@example.org",
	    "a@example.org", 1, 2000, "250 ok"), 1);
	/* Once: it is 'sent' now.  The other recipient is queued again. */
	CHECK_INT_EQ(store_rcpt_recovered(st, id, "pw.1@example.org",
	    "a@example.org", 1, 2000, "250 ok"), 0);
	CHECK_INT_EQ(store_outbox_recover(st), 1);
	store_close(st);
}

int
main(void)
{
	char cmd[400];

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(jpath, sizeof(jpath), "%s/planwatch.db-sent", tmpdir);
	TEST_RUN(test_write_read);
	TEST_RUN(test_regions);
	TEST_RUN(test_damage);
	TEST_RUN(test_threads);
	TEST_RUN(test_mode);
	TEST_RUN(test_recovered);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	system(cmd);
	return TEST_END("journal");
}
