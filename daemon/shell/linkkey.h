/*
 * linkkey: the secret that signs links (link.h), kept in one file in the
 * state directory, and the HMAC-SHA256 over it (OpenSSL).  The file is
 * made on first start from getrandom(2), mode 0600, and is refused when
 * others may read it.  `planwatchctl web rotate-key` replaces it with a
 * new key of the next generation: every link signed before then stops
 * working at once, and shows the page that offers a fresh one.
 */
#ifndef PLANWATCH_LINKKEY_H
#define PLANWATCH_LINKKEY_H

#include <stddef.h>

#include "link.h"

struct linkkey;

/*
 * Reads the key file at `path`, or creates it (mode 0600, written under
 * a temporary name, synced, then linked into place) when there is none.
 * Refuses a file that is not a regular file of this user or that group
 * or others may read.  Returns the key, freed with linkkey_close(), or
 * NULL with a message a person can act on in `err`.
 */
struct linkkey *linkkey_open(const char *path, char *err, size_t errlen);
/*
 * A new random key of the next generation, written to a temporary file,
 * synced and renamed over the old one (the directory synced too).  The
 * key in memory changes only once the file did.  0, or -1 with `err`.
 */
int	linkkey_rotate(struct linkkey *, char *err, size_t errlen);
unsigned linkkey_generation(const struct linkkey *);
/* Fills *s to sign and verify with the key; valid while the key lives. */
void	linkkey_signer(struct linkkey *, struct link_signer *s);
/* Wipes the key from memory and frees it; accepts NULL. */
void	linkkey_close(struct linkkey *);

#endif
