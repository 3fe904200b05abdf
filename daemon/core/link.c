/*
 * link: the 16-byte fields of a signed link, their text form, and what an
 * authentic link's fields say.
 *
 *	byte  0	      version (high nibble) and kind (low nibble)
 *	bytes 1-2     key generation, big-endian, never 0
 *	bytes 3-5     person number, never 0
 *	bytes 6-7     the person's link epoch
 *	bytes 8-11    expiry, unix seconds
 *	bytes 12-15   message number for LINK_MESSAGE, else 0
 *
 * Fixed fields and a fixed length keep the parser trivial to get right:
 * there is nothing variable to overrun, and every byte string of the
 * right length either unpacks to one link or is refused.
 */
#include <stdint.h>
#include <string.h>

#include "link.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
kind_valid(int k)
{
	return k == LINK_MESSAGE || k == LINK_PAGE || k == LINK_FEED;
}

int
link_pack(const struct link *l, unsigned char p[LINK_PAYLOAD_LEN])
{
	if (!kind_valid((int)l->kind) || l->generation < 1 ||
	    l->generation > 0xffff || l->person < 1 ||
	    l->person > LINK_MAX_PERSON || l->epoch > 0xffff ||
	    l->expires < 1 || (uint64_t)l->expires > 0xffffffffu ||
	    (l->kind == LINK_MESSAGE) != (l->message != 0))
		return -1;
	p[0] = (unsigned char)(LINK_VERSION << 4 | l->kind);
	put16(p + 1, l->generation);
	p[3] = (unsigned char)(l->person >> 16);
	p[4] = (unsigned char)(l->person >> 8);
	p[5] = (unsigned char)l->person;
	put16(p + 6, l->epoch);
	put32(p + 8, (uint32_t)l->expires);
	put32(p + 12, l->message);
	return 0;
}

int
link_unpack(const unsigned char p[LINK_PAYLOAD_LEN], struct link *l)
{
	memset(l, 0, sizeof(*l));
	if (p[0] >> 4 != LINK_VERSION || !kind_valid(p[0] & 0x0f))
		return -1;
	l->kind = (enum link_kind)(p[0] & 0x0f);
	l->generation = get16(p + 1);
	l->person = (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
	l->epoch = get16(p + 6);
	l->expires = (time_t)get32(p + 8);
	l->message = get32(p + 12);
	if (l->generation == 0 || l->person == 0 || l->expires == 0 ||
	    (l->kind == LINK_MESSAGE) != (l->message != 0)) {
		memset(l, 0, sizeof(*l));
		return -1;
	}
	return 0;
}

/* Unpadded base64url of n bytes; out holds 4 * ceil(n / 3) + 1. */
static size_t
encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decodes exactly `len` characters into n = len * 3 / 4 bytes.  The
 * unused low bits of the last character must be zero, so that each byte
 * string has one text form only.  0 or -1.
 */
static int
decode(const char *s, size_t len, unsigned char *out, size_t n)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, v;

	if (len * 3 / 4 != n || len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if ((v = sextet(s[i])) < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (o != n || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return 0;
}

void
link_format(const unsigned char payload[LINK_PAYLOAD_LEN],
    const unsigned char tag[LINK_TAG_LEN], char out[LINK_TOKEN_LEN + 1])
{
	unsigned char all[LINK_PAYLOAD_LEN + LINK_TAG_LEN];

	memcpy(all, payload, LINK_PAYLOAD_LEN);
	memcpy(all + LINK_PAYLOAD_LEN, tag, LINK_TAG_LEN);
	encode(all, sizeof(all), out);
}

int
link_parse(const char *s, size_t len, unsigned char payload[LINK_PAYLOAD_LEN],
    unsigned char tag[LINK_TAG_LEN])
{
	unsigned char all[LINK_PAYLOAD_LEN + LINK_TAG_LEN];

	if (len != LINK_TOKEN_LEN || decode(s, len, all, sizeof(all)) != 0)
		return -1;
	memcpy(payload, all, LINK_PAYLOAD_LEN);
	memcpy(tag, all + LINK_PAYLOAD_LEN, LINK_TAG_LEN);
	return 0;
}

int
link_sign(const struct link_signer *sg, struct link *l,
    char out[LINK_TOKEN_LEN + 1])
{
	unsigned char payload[LINK_PAYLOAD_LEN], tag[LINK_TAG_LEN];

	l->generation = sg->generation;
	if (link_pack(l, payload) != 0)
		return -1;
	sg->sign(sg->arg, LINK_DOMAIN_LINK, payload, tag);
	link_format(payload, tag, out);
	return 0;
}

void
link_form_token(const struct link_signer *sg,
    const unsigned char payload[LINK_PAYLOAD_LEN], char out[LINK_FORM_LEN + 1])
{
	unsigned char tag[LINK_TAG_LEN];

	sg->sign(sg->arg, LINK_DOMAIN_FORM, payload, tag);
	encode(tag, sizeof(tag), out);
}

int
link_form_check(const struct link_signer *sg,
    const unsigned char payload[LINK_PAYLOAD_LEN], const char *s, size_t len)
{
	unsigned char tag[LINK_TAG_LEN];

	if (len != LINK_FORM_LEN || decode(s, len, tag, sizeof(tag)) != 0)
		return 0;
	return sg->verify(sg->arg, LINK_DOMAIN_FORM, payload, tag);
}

enum link_state
link_check(const struct link *l, time_t now, unsigned epoch)
{
	if (l->epoch != (epoch & 0xffff))
		return LINK_REVOKED;
	if (now >= l->expires)
		return LINK_EXPIRED;
	return LINK_VALID;
}

const char *
link_state_name(enum link_state s)
{
	switch (s) {
	case LINK_VALID:	return "valid";
	case LINK_EXPIRED:	return "expired";
	case LINK_REVOKED:	return "revoked";
	case LINK_BAD:		break;
	}
	return "bad";
}
