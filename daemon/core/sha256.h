/*
 * sha256: SHA-256 (FIPS 180-4) in plain C, for the core, which may not
 * use OpenSSL: the configuration's file hashes, Message-IDs, report
 * receipts and token hashes.  tests/test_util.c checks it against the
 * standard's vectors and against OpenSSL on random input.  Core.
 */
#ifndef PLANWATCH_SHA256_H
#define PLANWATCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t	h[8];
	uint64_t	len;		/* bytes hashed so far */
	unsigned char	blk[64];
	size_t		nblk;		/* bytes waiting in blk */
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, unsigned char out[32]);
/* The whole of p[0..n) in one call. */
void	sha256(const void *p, size_t n, unsigned char out[32]);

#endif
