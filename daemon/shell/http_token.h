/*
 * http_token: a new bearer token for a client of the HTTP intake, and the
 * line of configuration that names it (planwatchctl token new).  Shell:
 * the randomness comes from the kernel.
 */
#ifndef PLANWATCH_HTTP_TOKEN_H
#define PLANWATCH_HTTP_TOKEN_H

#include "util.h"

/*
 * A new client token: 32 bytes from getrandom(2) written as 43 characters
 * of unpadded base64url.  Its SHA-256 (of the 43 ASCII characters) goes to
 * hash_out as lower-case hex.  Returns the token, which the caller frees
 * (and shows once: only the hash is ever stored); NULL if the kernel
 * gave no randomness.
 */
char	*http_token_new(char hash_out[65]);
/*
 * Appends the entry to paste into the `clients` list of the http group:
 * `{ name = "NAME"; token_sha256 = "HASH"; }` and a newline (libconfig
 * 1.5 takes no trailing comma: separate entries with commas by hand).
 */
void	http_token_config_line(const char *name, const char *hash,
	    struct buf *);

#endif
