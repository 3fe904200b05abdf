/*
 * test_util: the core's SHA-256 against FIPS 180-4's vectors and against
 * OpenSSL on random input fed in random pieces, and is_loopback(), the
 * one test of a loopback address HTTP and SMTP share, and ct_equal(),
 * the constant-time compare, against memcmp() and OpenSSL's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sha256.h"
#include "util.h"
#include "test.h"

static void
test_vectors(void)
{
	static const struct { const char *in; const char *hex; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
	};
	struct sha256 s;
	unsigned char md[32];
	char hex[65];
	char a[1000];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_hex(v[i].in, strlen(v[i].in), hex);
		CHECK_STR_EQ(hex, v[i].hex);
	}
	/* One million 'a', in pieces of 1000. */
	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, a, sizeof(a));
	sha256_final(&s, md);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	CHECK_STR_EQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}

static void
test_against_openssl(void)
{
	unsigned char in[600], ours[32], theirs[32];
	unsigned int len;
	struct sha256 s;
	size_t n, at, step;
	int round;

	srand(20191001);
	for (round = 0; round < 2000; round++) {
		n = (size_t)rand() % sizeof(in);
		for (at = 0; at < n; at++)
			in[at] = (unsigned char)rand();
		sha256_init(&s);
		for (at = 0; at < n; at += step) {
			step = 1 + (size_t)rand() % 130;
			if (step > n - at)
				step = n - at;
			sha256_update(&s, in + at, step);
		}
		sha256_final(&s, ours);
		EVP_Digest(in, n, theirs, &len, EVP_sha256(), NULL);
		if (memcmp(ours, theirs, 32) != 0) {
			TEST_FAIL("length %zu: differs from OpenSSL", n);
			return;
		}
	}
}

static void
test_is_loopback(void)
{
	static const char *yes[] = { "127.0.0.1", "127.1.2.3", "::1",
	    "localhost", "LOCALHOST", "::ffff:127.0.0.1" };
	static const char *no[] = { "10.0.0.1", "128.0.0.1", "::2", "::",
	    "0.0.0.0", "example.org", "localhost.example.org", "",
	    "::ffff:10.0.0.1", "127.0.0.1 " };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!is_loopback(yes[i]))
			TEST_FAIL("'%s' is loopback", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (is_loopback(no[i]))
			TEST_FAIL("'%s' is not loopback", no[i]);
}

static void
test_ct_equal(void)
{
	unsigned char a[70], b[70];
	size_t n, i, round;

	if (!ct_equal("", "x", 0) || !ct_equal(a, a, sizeof(a)))
		TEST_FAIL("equal inputs compare equal");
	srand(7);
	for (round = 0; round < 2000; round++) {
		n = (size_t)rand() % sizeof(a);
		for (i = 0; i < n; i++)
			a[i] = b[i] = (unsigned char)rand();
		/* Half the time one bit of one byte differs. */
		if (n > 0 && round % 2 == 1)
			b[(size_t)rand() % n] ^= (unsigned char)(1u <<
			    (rand() % 8));
		if (ct_equal(a, b, n) != (memcmp(a, b, n) == 0) ||
		    ct_equal(a, b, n) != (CRYPTO_memcmp(a, b, n) == 0))
			TEST_FAIL("round %zu: %zu bytes compare wrong",
			    round, n);
	}
}

int
main(void)
{
	TEST_RUN(test_vectors);
	TEST_RUN(test_against_openssl);
	TEST_RUN(test_is_loopback);
	TEST_RUN(test_ct_equal);
	return TEST_END("util");
}
