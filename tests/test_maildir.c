/*
 * test_maildir: daemon/shell/maildir.c on a temporary directory: the file
 * lands in new/ only, with LF line ends and one Delivered-To line per
 * recipient; names are unique under concurrent delivery; failures leave
 * nothing behind and mark every recipient for a retry.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "maildir.h"
#include "test.h"
#include "util.h"
#include "watchlog.h"

static char	tmpdir[] = "/tmp/planwatch-maildir.XXXXXX";

static const char crlf_text[] =
    "Date: Fri, 13 Sep 2024 09:00:00 +0200\r\n"
    "From: planwatch@example.org\r\n"
    "To: a@example.org\r\n"
    "Subject: =?utf-8?q?P=C3=A5minnelse?=\r\n"
    "Message-ID: <pw.1@example.org>\r\n"
    "\r\n"
    "Hej,\r\n"
    ".\r\n"
    "a lone \r carriage return stays\r\n"
    "last line";

static const char lf_text[] =
    "Delivered-To: a@example.org\n"
    "Delivered-To: b@example.org\n"
    "Date: Fri, 13 Sep 2024 09:00:00 +0200\n"
    "From: planwatch@example.org\n"
    "To: a@example.org\n"
    "Subject: =?utf-8?q?P=C3=A5minnelse?=\n"
    "Message-ID: <pw.1@example.org>\n"
    "\n"
    "Hej,\n"
    ".\n"
    "a lone \r carriage return stays\n"
    "last line";

/* The names in dir (not . and ..), newline-separated; count in *n. */
static char *
list_dir(const char *dir, size_t *n)
{
	struct buf b = { 0 };
	struct dirent *de;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		buf_printf(&b, "%s\n", de->d_name);
		(*n)++;
	}
	closedir(d);
	return buf_take(&b);
}

static void
setup(struct delivery *d, struct delivery_rcpt *r, const char *const *to,
    size_t n)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].addr = to[i];
		r[i].result = DELIVERY_PERMFAIL;	/* to be overwritten */
	}
	d->from = "bounces@example.org";
	d->rcpt = r;
	d->nrcpt = n;
	d->data = crlf_text;
	d->len = strlen(crlf_text);
	d->message_id = "pw.1@example.org";
}

static void
test_one_file(void)
{
	static const char *const to[] = { "a@example.org", "b@example.org" };
	struct delivery_rcpt r[2];
	struct delivery d;
	struct stat sb;
	char dir[300], sub[340], err[256], *names, *got, *nl;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/one", tmpdir);
	setup(&d, r, to, 2);
	CHECK_INT_EQ(maildir_deliver_at(dir, &d, 1726210800, err,
	    sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r[1].result), "ok");
	CHECK_INT_EQ(r[0].code, 250);

	CHECK_INT_EQ(stat(dir, &sb), 0);
	CHECK_INT_EQ(sb.st_mode & 0777, 0700);
	snprintf(sub, sizeof(sub), "%s/cur", dir);
	CHECK_INT_EQ(stat(sub, &sb), 0);
	CHECK_INT_EQ(sb.st_mode & 0777, 0700);

	snprintf(sub, sizeof(sub), "%s/tmp", dir);
	names = list_dir(sub, &n);
	CHECK_INT_EQ(n, 0);
	free(names);

	snprintf(sub, sizeof(sub), "%s/new", dir);
	names = list_dir(sub, &n);
	CHECK_INT_EQ(n, 1);
	if (names == NULL || n != 1) {
		free(names);
		return;
	}
	CHECK(strncmp(names, "1726210800.P", 12) == 0);
	if ((nl = strchr(names, '\n')) != NULL)
		*nl = '\0';
	/* The reply names the file. */
	CHECK(strstr(r[1].reply, names) != NULL);
	snprintf(sub, sizeof(sub), "%s/new/%s", dir, names);
	got = read_file(sub, NULL);
	CHECK_STR_EQ(got, lf_text);
	CHECK_INT_EQ(stat(sub, &sb), 0);
	CHECK_INT_EQ(sb.st_mode & 0777, 0600);
	free(got);
	free(names);
}

static void
test_header_injection(void)
{
	static const char *const to[] = { "a@example.org\r\nBcc: x@evil" };
	struct delivery_rcpt r[1];
	struct delivery d;
	char dir[300], sub[340], err[256], *names, *got, *nl;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/inject", tmpdir);
	setup(&d, r, to, 1);
	CHECK_INT_EQ(maildir_deliver_at(dir, &d, 1, err, sizeof(err)), 0);
	snprintf(sub, sizeof(sub), "%s/new", dir);
	names = list_dir(sub, &n);
	CHECK_INT_EQ(n, 1);
	if (names == NULL || n != 1) {
		free(names);
		return;
	}
	if ((nl = strchr(names, '\n')) != NULL)
		*nl = '\0';
	snprintf(sub, sizeof(sub), "%s/new/%s", dir, names);
	got = read_file(sub, NULL);
	CHECK(got != NULL && strncmp(got,
	    "Delivered-To: a@example.org??Bcc: x@evil\nDate:", 46) == 0);
	CHECK(got != NULL && strstr(got, "\nBcc:") == NULL);
	free(got);
	free(names);
}

struct worker {
	const char	*dir;
	int		 nok;
};

#define NTHREADS	4
#define PER_THREAD	25

static void *
worker_main(void *arg)
{
	static const char *const to[] = { "a@example.org" };
	struct worker *w = arg;
	struct delivery_rcpt r[1];
	struct delivery d;
	char err[256];
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		setup(&d, r, to, 1);
		/* The same second for all: names must differ anyway. */
		if (maildir_deliver_at(w->dir, &d, 1726210800, err,
		    sizeof(err)) == 0 && r[0].result == DELIVERY_OK)
			w->nok++;
	}
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_concurrent(void)
{
	struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	char dir[300], sub[340], *names, *p, **v;
	size_t i, n, ndup = 0;

	snprintf(dir, sizeof(dir), "%s/many", tmpdir);
	for (i = 0; i < NTHREADS; i++) {
		w[i].dir = dir;
		w[i].nok = 0;
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT_EQ(w[i].nok, PER_THREAD);
	}
	snprintf(sub, sizeof(sub), "%s/new", dir);
	names = list_dir(sub, &n);
	CHECK_INT_EQ(n, NTHREADS * PER_THREAD);
	/* Distinct names (the file system would merge equal ones anyway). */
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0, p = names; p != NULL && i < n; i++) {
		v[i] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 1; i < n; i++)
		ndup += strcmp(v[i - 1], v[i]) == 0;
	CHECK_INT_EQ(ndup, 0);
	free(v);
	free(names);
	snprintf(sub, sizeof(sub), "%s/tmp", dir);
	names = list_dir(sub, &n);
	CHECK_INT_EQ(n, 0);
	free(names);
}

/* A job's batch: one file per message, each with its own result. */
static void
test_batch(void)
{
	static const char *const to1[] = { "a@example.org" };
	static const char *const to2[] = { "b@example.org", "c@example.org" };
	struct delivery_rcpt r1[1], r2[2], r3[1];
	struct delivery d[3];
	char dir[300], sub[340], err[256], *names, *p;
	size_t n, i;

	snprintf(dir, sizeof(dir), "%s/batch", tmpdir);
	setup(&d[0], r1, to1, 1);
	setup(&d[1], r2, to2, 2);
	setup(&d[2], r3, to1, 1);
	CHECK_INT_EQ(maildir_deliver_batch_at(dir, d, 3, 1726210800, NULL, err,
	    sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r1[0].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r2[0].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r2[1].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r3[0].result), "ok");
	snprintf(sub, sizeof(sub), "%s/new", dir);
	names = list_dir(sub, &n);
	CHECK_INT_EQ(n, 3);
	/* Each reply names its own file, and every file is there. */
	CHECK(strcmp(r1[0].reply, r3[0].reply) != 0);
	for (i = 0; names != NULL && i < 3; i++) {
		const char *reply = i == 0 ? r1[0].reply : i == 1 ?
		    r2[0].reply : r3[0].reply;
		const char *name = strstr(reply, "new/");

		CHECK(name != NULL && (p = strstr(names, name + 4)) != NULL &&
		    p[strlen(name + 4)] == '\n');
	}
	free(names);
	snprintf(sub, sizeof(sub), "%s/tmp", dir);
	names = list_dir(sub, &n);
	CHECK_INT_EQ(n, 0);
	free(names);

	/* No Maildir can be made: every message of the batch fails. */
	snprintf(dir, sizeof(dir), "%s/no/such/parent", tmpdir);
	setup(&d[0], r1, to1, 1);
	setup(&d[1], r2, to2, 2);
	CHECK_INT_EQ(maildir_deliver_batch_at(dir, d, 2, 1, NULL, err,
	    sizeof(err)), -1);
	CHECK_STR_EQ(delivery_result_name(r1[0].result), "tempfail");
	CHECK_STR_EQ(delivery_result_name(r2[1].result), "tempfail");
	CHECK_STR_EQ(r2[1].reply, err);
}

/* For the watch: how many files the directory holds. */
static size_t
files(const void *dir)
{
	size_t n;

	free(list_dir(dir, &n));
	return n;
}

/*
 * A batch tells the watch of each message once its file is in new/, and
 * asks it before each rename; a refusal leaves that message and the rest
 * undelivered, with nothing behind in tmp/.
 */
static void
test_watch(void)
{
	static const char *const to[] = { "a@example.org" };
	struct delivery_rcpt r[3][1];
	struct delivery d[3];
	struct watch_log w;
	char dir[300], newdir[340], tmp[340], err[256];
	size_t i, n;

	snprintf(dir, sizeof(dir), "%s/watch", tmpdir);
	snprintf(newdir, sizeof(newdir), "%s/new", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	for (i = 0; i < 3; i++)
		setup(&d[i], r[i], to, 1);
	watch_log_init(&w, 0, files, newdir);
	CHECK_INT_EQ(maildir_deliver_batch_at(dir, d, 3, 1726210800, &w.dw,
	    err, sizeof(err)), 0);
	CHECK_STR_EQ(w.ev, "c d0 c d1 c d2 ");
	CHECK_INT_EQ(w.seen[0], 1);
	CHECK_INT_EQ(w.seen[1], 2);
	CHECK_INT_EQ(w.seen[2], 3);

	for (i = 0; i < 3; i++)
		setup(&d[i], r[i], to, 1);
	watch_log_init(&w, 2, files, newdir);
	CHECK_INT_EQ(maildir_deliver_batch_at(dir, d, 3, 1726210800, &w.dw,
	    err, sizeof(err)), -1);
	CHECK_STR_EQ(err, DELIVERY_HELD);
	CHECK_STR_EQ(w.ev, "c d0 c ");
	CHECK_STR_EQ(delivery_result_name(r[0][0].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r[1][0].result), "tempfail");
	CHECK_STR_EQ(r[1][0].reply, DELIVERY_HELD);
	CHECK_STR_EQ(delivery_result_name(r[2][0].result), "tempfail");
	free(list_dir(newdir, &n));
	CHECK_INT_EQ(n, 4);
	free(list_dir(tmp, &n));
	CHECK_INT_EQ(n, 0);
}

static void
test_failures(void)
{
	static const char *const to[] = { "a@example.org", "b@example.org" };
	struct delivery_rcpt r[2];
	struct delivery d;
	char dir[300], err[256];
	FILE *f;

	/* The parent does not exist: nothing is created. */
	snprintf(dir, sizeof(dir), "%s/no/such/parent", tmpdir);
	setup(&d, r, to, 2);
	CHECK_INT_EQ(maildir_deliver_at(dir, &d, 1, err, sizeof(err)), -1);
	CHECK(strstr(err, "No such file or directory") != NULL);
	CHECK(strstr(err, dir) != NULL);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_STR_EQ(delivery_result_name(r[1].result), "tempfail");
	CHECK_INT_EQ(r[1].code, 0);
	CHECK_STR_EQ(r[1].reply, err);

	/* A file where the Maildir should be. */
	snprintf(dir, sizeof(dir), "%s/afile", tmpdir);
	f = fopen(dir, "w");
	fclose(f);
	setup(&d, r, to, 2);
	CHECK_INT_EQ(maildir_deliver_at(dir, &d, time(NULL), err, sizeof(err)), -1);
	CHECK(strstr(err, "Not a directory") != NULL);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");

	/* new/ not writable (root writes anyway, so only as non-root). */
	if (geteuid() != 0) {
		char newdir[340], tmpsub[340], *names;
		size_t n;

		snprintf(dir, sizeof(dir), "%s/ro", tmpdir);
		setup(&d, r, to, 1);
		CHECK_INT_EQ(maildir_deliver_at(dir, &d, time(NULL), err, sizeof(err)), 0);
		snprintf(newdir, sizeof(newdir), "%s/new", dir);
		snprintf(tmpsub, sizeof(tmpsub), "%s/tmp", dir);
		chmod(newdir, 0500);
		setup(&d, r, to, 1);
		CHECK_INT_EQ(maildir_deliver_at(dir, &d, time(NULL), err, sizeof(err)), -1);
		CHECK(strstr(err, "rename") != NULL);
		CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
		/* The half-delivered file was taken back out of tmp/. */
		names = list_dir(tmpsub, &n);
		CHECK_INT_EQ(n, 0);
		free(names);
		chmod(newdir, 0700);
	}
}

int
main(void)
{
	char cmd[400];

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	TEST_RUN(test_one_file);
	TEST_RUN(test_header_injection);
	TEST_RUN(test_concurrent);
	TEST_RUN(test_batch);
	TEST_RUN(test_watch);
	TEST_RUN(test_failures);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return TEST_END("maildir");
}
