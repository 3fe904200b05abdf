/*
 * test_spool: the spool directory on a real libuv loop and real files in
 * a temporary directory.  The test drives the loop itself with bounded
 * iterations (a 10 ms ticker keeps uv_run(UV_RUN_ONCE) from blocking), and
 * a stub submit callback stands in for validation and storage: it refuses
 * bodies containing "REFUSE" (422) and answers 503 to "BUSY" while
 * `busy` is set.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "host.h"
#include "spool.h"
#include "util.h"
#include "test.h"

#define MARKER	"KATTUGGLA"

static int	 stub_calls;
static int	 busy = 1;
static char	*stub_body;
static char	 stub_client[32];

static void
stub_submit(void *arg, const char *client, const char *key,
    const char *json, size_t len, struct intake_result *out)
{
	(void)arg;
	(void)key;
	stub_calls++;
	free(stub_body);
	stub_body = xstrndup(json, len);
	snprintf(stub_client, sizeof(stub_client), "%s", client);
	if (memmem(json, len, "REFUSE", 6) != NULL) {
		out->status = 422;
		out->body = xstrdup("{\"error\": \"description: contains a "
		    "personal identity number\"}");
	} else if (busy && memmem(json, len, "BUSY", 4) != NULL) {
		out->status = 503;
		out->body = xstrdup("{\"error\": \"database busy\"}");
	} else {
		out->status = 201;
		out->body = xstrdup("{\"number\": 7}");
	}
}

static uv_loop_t	 loop;
static uv_timer_t	 ticker;
static struct spool	*sp;
static char		 root[64];

static void
tick_cb(uv_timer_t *t)
{
	(void)t;
}

static char *
path(const char *sub)
{
	return xasprintf("%s/%s", root, sub);
}

static int
exists(const char *sub)
{
	char *p = path(sub);
	struct stat st;
	int rc = lstat(p, &st) == 0;

	free(p);
	return rc;
}

static void
write_file_at(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");

	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) != 0) {
		perror(p);
		exit(2);
	}
}

static void
write_file(const char *sub, const char *text)
{
	char *p = path(sub);

	write_file_at(p, text);
	free(p);
}

/* What a writer does: write into tmp/, then rename into new/. */
static void
deliver(const char *name, const char *text)
{
	char *t = xasprintf("tmp/%s", name), *n = xasprintf("new/%s", name);
	char *pt = path(t), *pn = path(n);

	write_file(t, text);
	if (rename(pt, pn) != 0) {
		perror(pn);
		exit(2);
	}
	free(t);
	free(n);
	free(pt);
	free(pn);
}

static char *
slurp(const char *sub)
{
	char *p = path(sub), *s = read_file(p, NULL);

	free(p);
	return s;
}

/* Runs the loop until `cond` holds or `limit_ms` passed; returns cond. */
static int
run_until(int (*cond)(void), int limit_ms)
{
	uint64_t end = test_now_ms() + (uint64_t)limit_ms;

	while (!cond() && test_now_ms() < end)
		uv_run(&loop, UV_RUN_ONCE);
	return cond();
}

static int	want_calls;

static int
calls_reached(void)
{
	return stub_calls >= want_calls;
}

static void
setup(void)
{
	char err[256] = "";

	snprintf(root, sizeof(root), "/tmp/test_spool.XXXXXX");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	uv_loop_init(&loop);
	uv_timer_init(&loop, &ticker);
	uv_timer_start(&ticker, tick_cb, 10, 10);
	stub_calls = 0;
	busy = 1;
	/* A spool directory that does not exist yet is created. */
	strcat(root, "/spool");
	sp = spool_start(&loop, root, stub_submit, NULL, err, sizeof(err));
	if (sp == NULL) {
		fprintf(stderr, "spool_start: %s\n", err);
		exit(2);
	}
}

static void
teardown(void)
{
	char *cmd;

	spool_stop(sp);
	uv_close((uv_handle_t *)&ticker, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	CHECK_INT_EQ(uv_loop_close(&loop), 0);
	root[strlen(root) - strlen("/spool")] = '\0';
	cmd = xasprintf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	free(cmd);
}

static void
test_layout(void)
{
	static const char *const dirs[] = { "", "tmp", "new", "rejected" };
	struct stat st;
	size_t i;
	char *p;

	setup();
	for (i = 0; i < nitems(dirs); i++) {
		p = path(dirs[i]);
		CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
		CHECK_INT_EQ(st.st_mode & 07777, 0700);
		free(p);
	}
	teardown();
}

static void
test_good_file(void)
{
	static const char body[] = "{\"description\": \"good " MARKER "\"}";
	char *p;

	setup();
	/* The first scan finds nothing. */
	want_calls = 1;
	run_until(calls_reached, 100);
	CHECK_INT_EQ(stub_calls, 0);
	deliver("0001.json", body);
	CHECK(run_until(calls_reached, 3000));
	CHECK_INT_EQ(stub_calls, 1);
	CHECK_STR_EQ(stub_body, body);
	CHECK_STR_EQ(stub_client, "spool");
	CHECK(!exists("new/0001.json"));
	CHECK(!exists("rejected/0001.json"));
	/* Nothing more happens: one call per file. */
	want_calls = 2;
	run_until(calls_reached, 500);
	CHECK_INT_EQ(stub_calls, 1);
	p = path("rejected");
	CHECK(rmdir(p) == 0);	/* empty */
	free(p);
	teardown();
}

static void
test_refused_file(void)
{
	static const char body[] = "{\"description\": \"REFUSE " MARKER "\"}";
	char *err, *moved;

	setup();
	deliver("0002.json", body);
	want_calls = 1;
	CHECK(run_until(calls_reached, 3000));
	CHECK(!exists("new/0002.json"));
	CHECK(exists("rejected/0002.json"));
	moved = slurp("rejected/0002.json");
	CHECK_STR_EQ(moved, body);	/* moved as it was */
	err = slurp("rejected/0002.json.err");
	CHECK_STR_EQ(err, "{\"error\": \"description: contains a personal "
	    "identity number\"}\n");
	CHECK(err == NULL || strstr(err, MARKER) == NULL);
	free(err);
	free(moved);

	/* The same name refused again does not overwrite the first. */
	deliver("0002.json", body);
	want_calls = 2;
	CHECK(run_until(calls_reached, 3000));
	CHECK(exists("rejected/0002.json.1"));
	CHECK(exists("rejected/0002.json.1.err"));
	teardown();
}

static void
test_tmp_and_dotfiles_ignored(void)
{
	setup();
	write_file("tmp/half.json", "{\"description\": \"hal");
	write_file("new/.hidden.json", "{}");
	deliver("0003.json", "{}");
	want_calls = 1;
	CHECK(run_until(calls_reached, 3000));
	/* Give a second scan the chance to misbehave. */
	want_calls = 2;
	run_until(calls_reached, 500);
	CHECK_INT_EQ(stub_calls, 1);
	CHECK_STR_EQ(stub_body, "{}");
	CHECK(exists("tmp/half.json"));
	CHECK(exists("new/.hidden.json"));
	CHECK(!exists("new/0003.json"));
	teardown();
}

static void
test_present_at_start(void)
{
	char err[256] = "";

	/* Written while "the daemon was down": before spool_start. */
	snprintf(root, sizeof(root), "/tmp/test_spool.XXXXXX");
	if (mkdtemp(root) == NULL)
		exit(2);
	strcat(root, "/spool");
	{
		char *p = path("");

		mkdir(p, 0700);
		free(p);
		p = path("new");
		mkdir(p, 0700);
		free(p);
	}
	write_file("new/b.json", "{\"n\": 2}");
	write_file("new/a.json", "{\"n\": 1}");
	uv_loop_init(&loop);
	uv_timer_init(&loop, &ticker);
	uv_timer_start(&ticker, tick_cb, 10, 10);
	stub_calls = 0;
	sp = spool_start(&loop, root, stub_submit, NULL, err, sizeof(err));
	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	want_calls = 2;
	CHECK(run_until(calls_reached, 3000));
	/* In name order: b.json came last. */
	CHECK_STR_EQ(stub_body, "{\"n\": 2}");
	CHECK(!exists("new/a.json"));
	CHECK(!exists("new/b.json"));
	teardown();
}

static void
test_busy_stays(void)
{
	static const char body[] = "{\"description\": \"BUSY\"}";

	setup();
	spool_set_retry_ms(sp, 50);
	deliver("0004.json", body);
	deliver("0005.json", "{\"n\": 5}");
	want_calls = 1;
	CHECK(run_until(calls_reached, 3000));
	CHECK(exists("new/0004.json"));
	/* The scan stopped at the busy file: 0005 waits its turn. */
	CHECK(exists("new/0005.json"));
	CHECK(!exists("rejected/0004.json"));
	/* The retry timer tries again without any new event. */
	want_calls = 2;
	CHECK(run_until(calls_reached, 3000));
	CHECK(exists("new/0004.json"));
	CHECK_STR_EQ(stub_body, body);
	busy = 0;
	want_calls = 4;
	CHECK(run_until(calls_reached, 3000));
	CHECK(!exists("new/0004.json"));
	CHECK(!exists("new/0005.json"));
	CHECK_STR_EQ(stub_body, "{\"n\": 5}");
	teardown();
}

static int
rejected_big(void)
{
	return exists("rejected/big.json.err");
}

static void
test_too_large(void)
{
	struct buf b = { 0 };
	char *err;
	size_t i;

	setup();
	buf_adds(&b, "{\"description\": \"" MARKER);
	for (i = 0; i < SPOOL_MAX_BYTES; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\"}");
	deliver("big.json", b.s);
	CHECK(run_until(rejected_big, 3000));
	CHECK_INT_EQ(stub_calls, 0);
	CHECK(!exists("new/big.json"));
	CHECK(exists("rejected/big.json"));
	err = slurp("rejected/big.json.err");
	CHECK_STR_EQ(err, "{\"error\":\"file larger than 65536 bytes\"}\n");
	free(err);
	buf_free(&b);
	teardown();
}

static int
rejected_link(void)
{
	return exists("rejected/link.json.err");
}

static void
test_not_regular(void)
{
	char *target, *p;

	setup();
	target = path("tmp/target.json");
	write_file("tmp/target.json", "{}");
	p = path("new/link.json");
	CHECK(symlink(target, p) == 0);
	CHECK(run_until(rejected_link, 3000));
	CHECK_INT_EQ(stub_calls, 0);
	CHECK(exists("tmp/target.json"));
	free(target);
	free(p);
	teardown();
}

/*
 * A symbolic link for new/, rejected/ or the spool directory itself is
 * refused at start, and the files where it points are left alone (the
 * spool used to move every file of the linked directory to rejected/).
 */
static void
test_symlinked_dirs(void)
{
	static const char *const links[] = { "spool/new", "spool/rejected",
	    "spool" };
	char base[64], *p, *q, *cmd, err[512];
	struct spool *s;
	size_t i;

	for (i = 0; i < nitems(links); i++) {
		snprintf(base, sizeof(base), "/tmp/test_spool.XXXXXX");
		if (mkdtemp(base) == NULL)
			exit(2);
		p = xasprintf("%s/elsewhere", base);
		CHECK(mkdir(p, 0700) == 0);
		free(p);
		p = xasprintf("%s/elsewhere/precious.json", base);
		CHECK(symlink("x", p) == 0 || errno == EEXIST);
		free(p);
		p = xasprintf("%s/elsewhere/precious2.json", base);
		write_file_at(p, "{\"description\": \"REFUSE\"}");
		free(p);
		p = xasprintf("%s/spool", base);
		if (i < 2)
			CHECK(mkdir(p, 0700) == 0);
		free(p);
		p = xasprintf("%s/%s", base, links[i]);
		q = xasprintf("%s/elsewhere", base);
		CHECK(symlink(q, p) == 0);
		free(p);
		free(q);
		uv_loop_init(&loop);
		err[0] = '\0';
		p = xasprintf("%s/spool", base);
		s = spool_start(&loop, p, stub_submit, NULL, err, sizeof(err));
		free(p);
		CHECK(s == NULL);
		if (strstr(err, "symbolic link") == NULL)
			TEST_FAIL("%s: message \"%s\"", links[i], err);
		spool_stop(s);
		uv_run(&loop, UV_RUN_DEFAULT);
		CHECK_INT_EQ(uv_loop_close(&loop), 0);
		p = xasprintf("%s/elsewhere/precious2.json", base);
		CHECK(access(p, F_OK) == 0);
		free(p);
		cmd = xasprintf("rm -rf '%s'", base);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", base);
		free(cmd);
	}
}

static char	want_err_name[300];

static int
err_written(void)
{
	return exists(want_err_name);
}

/*
 * Rejected names never overwrite: with NAME and NAME.1 to NAME.1000
 * taken, the next goes to NAME.1001 and the rest are as they were.  A
 * name of 255 bytes is cut short so that its .err fits; the cut falls
 * between two UTF-8 characters.  Rejected files are 0600.
 */
static void
test_reject_names(void)
{
	static const char body[] = "{\"description\": \"REFUSE\"}";
	struct buf long_name = { 0 };
	struct stat st;
	char name[64], *text, *p;
	int i;

	setup();
	write_file("rejected/dup.json", "first");
	for (i = 1; i <= 1000; i++) {
		snprintf(name, sizeof(name), "rejected/dup.json.%d", i);
		write_file(name, "earlier");
	}
	deliver("dup.json", body);
	snprintf(want_err_name, sizeof(want_err_name),
	    "rejected/dup.json.1001.err");
	CHECK(run_until(err_written, 3000));
	text = slurp("rejected/dup.json");
	CHECK_STR_EQ(text, "first");
	free(text);
	text = slurp("rejected/dup.json.999");
	CHECK_STR_EQ(text, "earlier");
	free(text);
	text = slurp("rejected/dup.json.1001");
	CHECK_STR_EQ(text, body);
	free(text);
	p = path("rejected/dup.json.1001");
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0600);
	free(p);

	/* "xx", 125 times "ä" (2 bytes each) and ".js": 255 bytes. */
	buf_adds(&long_name, "xx");
	for (i = 0; i < 125; i++)
		buf_adds(&long_name, "\xc3\xa4");
	buf_adds(&long_name, ".js");
	CHECK_INT_EQ(long_name.len, 255);
	deliver(long_name.s, body);
	/*
	 * 251 bytes would fit with ".err", but byte 251 is the middle of
	 * the last "ä": the name is cut to 250.
	 */
	long_name.s[250] = '\0';
	snprintf(want_err_name, sizeof(want_err_name), "rejected/%s.err",
	    long_name.s);
	CHECK(run_until(err_written, 3000));
	p = xasprintf("rejected/%s", long_name.s);
	CHECK(exists(p));
	free(p);
	CHECK(!exists("new/dup.json"));
	buf_free(&long_name);
	teardown();
}

int
main(void)
{
	umask(022);
	TEST_RUN(test_layout);
	TEST_RUN(test_good_file);
	TEST_RUN(test_refused_file);
	TEST_RUN(test_tmp_and_dotfiles_ignored);
	TEST_RUN(test_present_at_start);
	TEST_RUN(test_busy_stays);
	TEST_RUN(test_too_large);
	TEST_RUN(test_not_regular);
	TEST_RUN(test_symlinked_dirs);
	TEST_RUN(test_reject_names);
	free(stub_body);
	return TEST_END("spool");
}
