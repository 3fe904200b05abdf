/*
 * link: signed links, the only way into the pages.  A link names a person
 * (by a number, never a name or an address), what it opens -- the items
 * of one message, the person's own page, or the person's calendar feed --
 * when it expires, the person's link epoch (raised by `planwatchctl web
 * revoke`) and the generation of the key that signed it.  Those fields are
 * 16 bytes; a tag of 16 bytes, HMAC-SHA256 truncated to 128 bits (as RFC
 * 4868 does for HMAC-SHA-256-128), follows; the whole is 43 characters of
 * unpadded base64url, so a link stays short enough for mail clients
 * ("https://planwatch.example.org/l/" and the token: 75 characters).
 *
 * Pure: packing, the text form and the checks on the fields live here;
 * the HMAC itself is the shell's (linkkey.c, with OpenSSL), reached
 * through struct link_signer.
 */
#ifndef PLANWATCH_LINK_H
#define PLANWATCH_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LINK_PAYLOAD_LEN	16
#define LINK_TAG_LEN		16
#define LINK_TOKEN_LEN		43	/* base64url of 32 bytes, unpadded */
#define LINK_FORM_LEN		22	/* base64url of a 16-byte form token */
#define LINK_VERSION		1
/* The largest person number and message number a link can carry. */
#define LINK_MAX_PERSON		0xffffffu
#define LINK_MAX_MESSAGE	0xffffffffu

enum link_kind {
	LINK_MESSAGE = 1,	/* the items of one message */
	LINK_PAGE = 2,		/* the person's own page */
	LINK_FEED = 3		/* the person's calendar feed */
};

struct link {
	enum link_kind	kind;
	unsigned	generation;	/* of the signing key, 1..65535 */
	uint32_t	person;		/* 1..2^24-1 */
	unsigned	epoch;		/* the person's, 0..65535 */
	time_t		expires;	/* unix seconds, 1..2^32-1 */
	uint32_t	message;	/* LINK_MESSAGE only; else 0 */
};

/*
 * What a tag is computed over: the domain byte, then the payload.  A
 * link's tag and the token of a form served under it are HMACs of the
 * same payload in different domains, so one can never stand for the
 * other.
 */
#define LINK_DOMAIN_LINK	'L'
#define LINK_DOMAIN_FORM	'F'

/*
 * The shell's HMAC: tag = first 16 bytes of HMAC-SHA256(key, domain ||
 * payload) under the key of generation `generation`.
 */
typedef void link_sign_cb(void *arg, char domain,
    const unsigned char payload[LINK_PAYLOAD_LEN],
    unsigned char tag[LINK_TAG_LEN]);
/* The same check, comparing in constant time: 1 when `tag` is right. */
typedef int link_verify_cb(void *arg, char domain,
    const unsigned char payload[LINK_PAYLOAD_LEN],
    const unsigned char tag[LINK_TAG_LEN]);

struct link_signer {
	link_sign_cb	*sign;
	link_verify_cb	*verify;
	void		*arg;
	unsigned	 generation;	/* of the key sign() uses */
};

/* Packs the fields; 0, or -1 when one is out of range. */
int	link_pack(const struct link *, unsigned char payload[LINK_PAYLOAD_LEN]);
/* Unpacks; 0, or -1 for another version, an unknown kind or a field out
 * of range. */
int	link_unpack(const unsigned char payload[LINK_PAYLOAD_LEN],
	    struct link *);
/* The text form of payload and tag: LINK_TOKEN_LEN characters and NUL. */
void	link_format(const unsigned char payload[LINK_PAYLOAD_LEN],
	    const unsigned char tag[LINK_TAG_LEN],
	    char out[LINK_TOKEN_LEN + 1]);
/*
 * Reads the text form back: exactly LINK_TOKEN_LEN base64url characters
 * in canonical form.  0, or -1 for anything else.  Never reads past
 * s[len - 1].
 */
int	link_parse(const char *s, size_t len,
	    unsigned char payload[LINK_PAYLOAD_LEN],
	    unsigned char tag[LINK_TAG_LEN]);

/*
 * Signs `l` with `signer` (whose generation it takes) into its text form.
 * 0, or -1 when a field is out of range.
 */
int	link_sign(const struct link_signer *, struct link *l,
	    char out[LINK_TOKEN_LEN + 1]);
/* The token of a form served under the link with `payload`: 22 chars. */
void	link_form_token(const struct link_signer *,
	    const unsigned char payload[LINK_PAYLOAD_LEN],
	    char out[LINK_FORM_LEN + 1]);

/* Whether a link whose tag was found good may be used. */
enum link_state {
	LINK_VALID,
	LINK_EXPIRED,	/* past its expiry: a fresh one may be sent */
	LINK_REVOKED,	/* the person's links were revoked, or the key
			   rotated, or the person is gone */
	LINK_BAD	/* not a link of ours: malformed or tampered */
};

/* The state of an authentic link at `now` for a person at `epoch`. */
enum link_state link_check(const struct link *, time_t now, unsigned epoch);
/* "valid", "expired", "revoked", "bad": for logs and tests. */
const char *link_state_name(enum link_state);

/*
 * Reads a form token (LINK_FORM_LEN characters) and checks it against
 * the link's payload.  1 when it is the token link_form_token() gives.
 */
int	link_form_check(const struct link_signer *,
	    const unsigned char payload[LINK_PAYLOAD_LEN], const char *s,
	    size_t len);

#endif
