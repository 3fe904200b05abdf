/*
 * test.h: the unit-test harness.  Each tests/test_<module>.c defines
 * static test functions and a main() that calls TEST_RUN() for each, then
 * returns TEST_END().  A failed check prints `file:line:` and both values;
 * the binary closes with `<module>: N passed, N failed`.
 */
#ifndef PLANWATCH_TEST_H
#define PLANWATCH_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int	test_npassed, test_nfailed, test_cur_failed;
static const char *test_cur_name;

#define TEST_FAIL(...) do {						\
	fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__,		\
	    test_cur_name ? test_cur_name : "?");			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	test_cur_failed++;						\
} while (0)

#define CHECK(cond) do {						\
	if (!(cond))							\
		TEST_FAIL("check failed: %s", #cond);			\
} while (0)

#define CHECK_INT_EQ(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	if (a_ != b_)							\
		TEST_FAIL("%s == %s: %lld != %lld", #a, #b, a_, b_);	\
} while (0)

#define CHECK_STR_EQ(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)		\
		TEST_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b,		\
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)");		\
} while (0)

#define TEST_RUN(fn) do {						\
	test_cur_name = #fn;						\
	test_cur_failed = 0;						\
	fn();								\
	if (test_cur_failed) {						\
		test_nfailed++;						\
		fprintf(stderr, "FAIL %s\n", #fn);			\
	} else								\
		test_npassed++;						\
} while (0)

#define TEST_END(module) (						\
	printf("%s: %d passed, %d failed\n", (module),			\
	    test_npassed, test_nfailed),				\
	test_nfailed ? 1 : 0)

/* The directory of test data, from $TEST_DATA or the default. */
static inline const char *
test_data_dir(void)
{
	const char *d = getenv("TEST_DATA");

	return d ? d : "tests/data";
}

/* A monotonic clock in milliseconds, for bounded waits in tests. */
static inline uint64_t
test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A fresh directory /tmp/planwatch-NAME.XXXXXX in dir[n]; exits on failure. */
static inline void
test_dir_make(char *dir, size_t n, const char *name)
{
	snprintf(dir, n, "/tmp/planwatch-%s.XXXXXX", name);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
}

/* Removes a directory test_dir_make() made, and all in it. */
static inline void
test_dir_remove(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/*
 * A scratch directory under /tmp with a database path in it, for tests
 * against a real SQLite file; test_scratch_close() removes the database,
 * its WAL, shared-memory and lock files, and the directory.
 */
struct test_scratch {
	char	dir[64];
	char	db[96];
};

static inline int
test_scratch_open(struct test_scratch *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/planwatch-%s.XXXXXX", name);
	t->db[0] = '\0';
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->db, sizeof(t->db), "%s/planwatch.db", t->dir);
	return 0;
}

static inline void
test_scratch_close(struct test_scratch *t)
{
	static const char *const tails[] = { "", "-wal", "-shm", ".lock" };
	char p[128];
	size_t i;

	if (t->db[0] == '\0')
		return;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", t->db, tails[i]);
		unlink(p);
	}
	rmdir(t->dir);
	t->db[0] = '\0';
}

#endif
