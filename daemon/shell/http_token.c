/*
 * http_token: new tokens for the intake's clients (see http_token.h).
 * Shell: reads the kernel's randomness.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "http_token.h"
#include "util.h"

char *
http_token_new(char hash_out[65])
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[33];
	size_t got = 0, i, o = 0;
	ssize_t r;
	char *tok;

	while (got < 32) {
		r = getrandom(raw + got, 32 - got, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		got += (size_t)r;
	}
	raw[32] = 0;
	/* 32 bytes = 10 groups of 3 and 2 left over: 40 + 3 characters. */
	tok = xmalloc(44);
	for (i = 0; i < 33; i += 3) {
		unsigned int v = (unsigned int)raw[i] << 16 |
		    (unsigned int)(i + 1 < 33 ? raw[i + 1] : 0) << 8 |
		    (unsigned int)(i + 2 < 33 ? raw[i + 2] : 0);

		tok[o++] = b64[(v >> 18) & 63];
		tok[o++] = b64[(v >> 12) & 63];
		tok[o++] = b64[(v >> 6) & 63];
		tok[o++] = b64[v & 63];
	}
	/* The last group held raw[30], raw[31] and padding: 3 characters. */
	tok[43] = '\0';
	sha256_hex(tok, 43, hash_out);
	explicit_bzero(raw, sizeof(raw));
	return tok;
}

void
http_token_config_line(const char *name, const char *hash, struct buf *b)
{
	buf_adds(b, "{ name = ");
	cfg_quote(b, name);
	buf_printf(b, "; token_sha256 = \"%s\"; }\n", hash);
}
