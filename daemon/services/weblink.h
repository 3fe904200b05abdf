/*
 * weblink: signed links as the services use them -- a person's number
 * and epoch from the store, the URL under the configured base, and the
 * whole check of a token that came back in a request (format, key
 * generation, tag, person, epoch, expiry).  The HMAC is the shell's,
 * reached through the struct link_signer it hands in.
 */
#ifndef PLANWATCH_WEBLINK_H
#define PLANWATCH_WEBLINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "link.h"
#include "store.h"
#include "web.h"

/*
 * The URL of a new link of `kind` to the person at `email` (for message
 * `message` when kind is LINK_MESSAGE), valid from `now` for the
 * configured days.  The person gets a number in the store the first
 * time.  Returns a string the caller frees, or NULL when there are no
 * pages (`signer` NULL or the web group absent) or the store failed.
 */
char	*weblink_url(struct store *, const struct web_config *,
	    const struct link_signer *, enum link_kind, const char *email,
	    int64_t message, time_t now);

/* The same for a person already read from the store: no store access. */
char	*weblink_url_for(const struct web_config *,
	    const struct link_signer *, enum link_kind,
	    const struct store_web_person *, int64_t message, time_t now);

/* A token from a request, checked. */
struct weblink {
	enum link_state		 state;
	struct link		 link;		/* unless state is LINK_BAD */
	unsigned char		 payload[LINK_PAYLOAD_LEN];
	struct store_web_person	 person;	/* id 0: not known */
};

/*
 * Checks `len` bytes of token at `now`.  A token signed by an earlier
 * key is LINK_REVOKED with no person (its tag cannot be checked any
 * more); a wrong tag or a malformed token is LINK_BAD.  Returns 0, or -1
 * when the store failed.
 */
int	weblink_check(struct store *, const struct link_signer *,
	    const char *token, size_t len, time_t now, struct weblink *out);

#endif
