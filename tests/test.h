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

#endif
