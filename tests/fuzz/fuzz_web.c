/*
 * fuzz_web: the pages' pure parsers on arbitrary bytes -- the router
 * (web_route), the signed-link token (link_parse, link_unpack), form
 * bodies (web_form_get), the client address behind a proxy (web_client)
 * and HTML escaping.  The first byte picks the method, the bytes up to
 * the first newline are the path, the rest is a form body.
 *
 * Beyond "no crash, no read past the end", it checks the contracts: the
 * router answers 200, 404 or 405, and a token it finds lies inside the
 * path; a token that parses and unpacks packs and prints back to the
 * very same text (one text form per link); a form value is text without
 * NUL or control characters; escaped HTML holds no markup characters.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "template.h"
#include "util.h"
#include "web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_token(const char *s, size_t len)
{
	unsigned char p[LINK_PAYLOAD_LEN], t[LINK_TAG_LEN];
	unsigned char p2[LINK_PAYLOAD_LEN];
	char text[LINK_TOKEN_LEN + 1];
	struct link l;

	if (link_parse(s, len, p, t) != 0)
		return;
	assert(len == LINK_TOKEN_LEN);
	link_format(p, t, text);
	assert(memcmp(text, s, LINK_TOKEN_LEN) == 0);
	if (link_unpack(p, &l) != 0)
		return;
	assert(l.kind == LINK_MESSAGE || l.kind == LINK_PAGE ||
	    l.kind == LINK_FEED);
	assert(link_pack(&l, p2) == 0);
	assert(memcmp(p, p2, sizeof(p)) == 0);
	(void)link_check(&l, (time_t)l.expires, l.epoch);
}

static void
check_form(const char *body, size_t len, const char *name)
{
	char *v = web_form_get(body, len, name);
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != '\0'; i++)
		assert((unsigned char)v[i] >= 0x20 || v[i] == '\t' ||
		    v[i] == '\n');
	assert(i <= len);
	free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"
	};
	static struct web_config c;
	const char *method, *path, *nl, *body;
	unsigned char peer[16] = { 0 }, out[16];
	struct web_match m;
	struct buf b = { 0 };
	size_t plen, blen;
	char *copy;

	if (size == 0)
		return 0;
	if (c.nproxies == 0) {
		c.proxies = xcalloc(1, sizeof(*c.proxies));
		c.proxies[0][10] = c.proxies[0][11] = 0xff;
		c.proxies[0][12] = 127;
		c.proxies[0][15] = 1;
		c.nproxies = 1;
	}
	method = methods[data[0] % nitems(methods)];
	path = (const char *)data + 1;
	nl = memchr(path, '\n', size - 1);
	plen = nl != NULL ? (size_t)(nl - path) : size - 1;
	body = nl != NULL ? nl + 1 : path + plen;
	blen = size - 1 - plen - (nl != NULL);

	/* The path in a buffer of its own, so a read past it is caught. */
	copy = malloc(plen ? plen : 1);
	assert(copy != NULL);
	memcpy(copy, path, plen);
	web_route(method, copy, plen, &m);
	assert(m.status == 200 || m.status == 404 || m.status == 405);
	assert((m.status == 405) == (m.allow != NULL));
	if (m.token != NULL) {
		assert(m.token_len == LINK_TOKEN_LEN);
		assert(m.token >= copy && m.token + m.token_len <= copy + plen);
		check_token(m.token, m.token_len);
	} else
		assert(m.route == WEB_ROUTE_NONE || m.token_len == 0);
	free(copy);
	check_token(path, plen);

	check_form(body, blen, "t");
	check_form(body, blen, "status");
	check_form(body, blen, "comment");

	/* As a header value and as text to escape: NUL-terminated. */
	copy = malloc(blen + 1);
	assert(copy != NULL);
	memcpy(copy, body, blen);
	copy[blen] = '\0';
	peer[10] = peer[11] = 0xff;
	peer[12] = 127;
	peer[15] = 1;
	web_client(&c, peer, copy, out);
	template_html_escape(&b, copy);
	assert(b.s == NULL || strpbrk(b.s, "<>\"'") == NULL);
	buf_free(&b);
	free(copy);
	return 0;
}
