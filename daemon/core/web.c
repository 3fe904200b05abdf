/*
 * web: configuration, routing, forms, client addresses and rate limits
 * for the pages (see web.h).  Everything here works on bytes already in
 * memory and takes the time as a parameter.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>

#include "cfg.h"
#include "link.h"
#include "util.h"
#include "web.h"

/* ---- configuration ---- */

static const char *const web_keys[] = {
	"base_url", "link_days", "feed_days", "key_file", "pages",
	"trusted_proxies", "requests_per_minute", "renewals_per_hour", NULL
};

static void
config_defaults(struct web_config *c)
{
	memset(c, 0, sizeof(*c));
	c->link_days = WEB_DEFAULT_LINK_DAYS;
	c->feed_days = WEB_DEFAULT_FEED_DAYS;
	c->requests_per_minute = WEB_DEFAULT_REQUESTS_PER_MINUTE;
	c->renewals_per_hour = WEB_DEFAULT_RENEWALS_PER_HOUR;
}

/* Parses a numeric address into 16 bytes, IPv4 mapped; 0 or -1. */
static int
addr_parse(const char *s, unsigned char out[16])
{
	struct in_addr a4;
	struct in6_addr a6;

	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, &a4) == 1) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		memcpy(out, &a6, 16);
		return 0;
	}
	return -1;
}

static int
url_char_ok(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && strchr("\"'<>\\^`{|}?#", ch) == NULL;
}

/*
 * Splits a base URL into origin and path.  0, or -1 with the reason.  The
 * URL becomes part of every link and of the pages' HTML, so only plain
 * characters are accepted.
 */
static int
parse_base(const char *url, char **base, char **origin, char **root,
    int *plain_remote, const char **why)
{
	const char *host, *path, *p;
	size_t len = strlen(url), hlen;
	char *h;

	for (p = url; *p != '\0'; p++)
		if (!url_char_ok((unsigned char)*p)) {
			*why = "must be a plain URL: no spaces, quotes, "
			    "query or fragment";
			return -1;
		}
	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else {
		*why = "must start with https:// (or http:// on this machine)";
		return -1;
	}
	while (len > (size_t)(host - url) && url[len - 1] == '/')
		len--;
	path = strchr(host, '/');
	if (path == NULL || (size_t)(path - url) > len)
		path = url + len;
	hlen = (size_t)(path - host);
	if (hlen == 0 || memchr(host, '@', hlen) != NULL) {
		*why = "needs a host name (and no user name)";
		return -1;
	}
	*base = xstrndup(url, len);
	*origin = xstrndup(url, (size_t)(path - url));
	*root = xstrndup(path, len - (size_t)(path - url));
	h = xstrndup(host, hlen);
	/* The port, if any, is not part of the question "loopback?". */
	if (h[0] == '[') {
		char *e = strchr(h, ']');

		if (e != NULL)
			*e = '\0';
		memmove(h, h + 1, strlen(h));
	} else if (strchr(h, ':') != NULL)
		*strchr(h, ':') = '\0';
	*plain_remote = url[4] == ':' && strcmp(h, "localhost") != 0 &&
	    strncmp(h, "127.", 4) != 0 && strcmp(h, "::1") != 0;
	free(h);
	return 0;
}

int
web_config_load(const config_setting_t *g, const char *file,
    const char *state_dir, const char *rules_dir, struct web_config *c,
    struct diag *d)
{
	const config_setting_t *m;
	const char *s, *why, **v = NULL;
	size_t before = d->nerrors, n = 0, i;
	long long x;
	int remote;

	config_defaults(c);
	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g)) {
		cfg_error(d, g, "'web' must be a group { base_url = ...; }");
		return -1;
	}
	c->enabled = 1;
	cfg_check_keys(g, "web", web_keys, d);
	if (cfg_get_string(g, "base_url", 1, &s, d) == 1) {
		m = config_setting_get_member(g, "base_url");
		if (parse_base(s, &c->base_url, &c->origin, &c->root, &remote,
		    &why) != 0)
			cfg_error(d, m, "web base_url \"%s\" %s", s, why);
		else if (remote)
			cfg_warn(d, m, "web base_url %s is plain http: links "
			    "would travel unencrypted; put a TLS reverse proxy "
			    "in front and write its https:// address", s);
	}
	if (cfg_get_int(g, "link_days", 0, 1, 365, &x, d) == 1)
		c->link_days = (int)x;
	if (cfg_get_int(g, "feed_days", 0, 1, 3650, &x, d) == 1)
		c->feed_days = (int)x;
	if (cfg_get_string(g, "key_file", 0, &s, d) == 1)
		c->key_file = cfg_path(file, s);
	else
		c->key_file = xasprintf("%s/web.key", state_dir);
	if (cfg_get_string(g, "pages", 0, &s, d) == 1)
		c->pages_dir = cfg_path(file, s);
	else
		c->pages_dir = xasprintf("%s/pages", rules_dir);
	if (cfg_get_strings(g, "trusted_proxies", 0, &v, &n, d) == 1) {
		m = config_setting_get_member(g, "trusted_proxies");
		c->proxies = n ? xcalloc(n, sizeof(*c->proxies)) : NULL;
		for (i = 0; i < n; i++)
			if (addr_parse(v[i], c->proxies[c->nproxies]) == 0)
				c->nproxies++;
			else
				cfg_error(d, m, "web trusted_proxies: '%s' is "
				    "not a numeric IPv4 or IPv6 address", v[i]);
	}
	free(v);
	if (cfg_get_int(g, "requests_per_minute", 0, 1, 1000000, &x, d) == 1)
		c->requests_per_minute = (unsigned)x;
	if (cfg_get_int(g, "renewals_per_hour", 0, 1, 10000, &x, d) == 1)
		c->renewals_per_hour = (unsigned)x;
	return d->nerrors == before ? 0 : -1;
}

void
web_config_free(struct web_config *c)
{
	if (c == NULL)
		return;
	free(c->base_url);
	free(c->origin);
	free(c->root);
	free(c->key_file);
	free(c->pages_dir);
	free(c->proxies);
	memset(c, 0, sizeof(*c));
}

void
web_addr_format(const unsigned char a[16], char *out, size_t len)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (memcmp(a, mapped, 12) == 0) {
		if (inet_ntop(AF_INET, a + 12, out, (socklen_t)len) == NULL)
			snprintf(out, len, "?");
	} else if (inet_ntop(AF_INET6, a, out, (socklen_t)len) == NULL)
		snprintf(out, len, "?");
}

void
web_config_dump(const struct web_config *c, struct buf *b)
{
	char addr[64];
	size_t i;

	if (!c->enabled)
		return;
	buf_adds(b, "web = {\n  base_url = ");
	cfg_quote(b, c->base_url ? c->base_url : "");
	buf_printf(b, ";\n  link_days = %d;\n  feed_days = %d;\n  key_file = ",
	    c->link_days, c->feed_days);
	cfg_quote(b, c->key_file);
	buf_adds(b, ";\n  pages = ");
	cfg_quote(b, c->pages_dir);
	buf_adds(b, ";\n  trusted_proxies = [");
	for (i = 0; i < c->nproxies; i++) {
		web_addr_format(c->proxies[i], addr, sizeof(addr));
		buf_printf(b, "%s \"%s\"", i ? "," : "", addr);
	}
	buf_printf(b, " ];\n  requests_per_minute = %u;\n"
	    "  renewals_per_hour = %u;\n};\n", c->requests_per_minute,
	    c->renewals_per_hour);
}

/* ---- the router ---- */

static int
is_token_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

/* Whether path[0..len) is `prefix` + a token + `suffix`; sets the token. */
static int
token_path(const char *path, size_t len, const char *prefix,
    const char *suffix, struct web_match *m)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), i;

	if (len != pl + LINK_TOKEN_LEN + sl || memcmp(path, prefix, pl) != 0 ||
	    memcmp(path + pl + LINK_TOKEN_LEN, suffix, sl) != 0)
		return 0;
	for (i = 0; i < LINK_TOKEN_LEN; i++)
		if (!is_token_char(path[pl + i]))
			return 0;
	m->token = path + pl;
	m->token_len = LINK_TOKEN_LEN;
	return 1;
}

static int
path_is(const char *path, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(path, want, len) == 0;
}

void
web_route(const char *method, const char *path, size_t len,
    struct web_match *m)
{
	int get, head, post, may_post = 0, may_get = 1;

	memset(m, 0, sizeof(*m));
	get = strcmp(method, "GET") == 0;
	head = strcmp(method, "HEAD") == 0;
	post = strcmp(method, "POST") == 0;
	if (path_is(path, len, "/"))
		m->route = WEB_ROUTE_HOME;
	else if (path_is(path, len, "/planwatch.css"))
		m->route = WEB_ROUTE_STYLE;
	else if (path_is(path, len, "/ny-lank")) {
		m->route = WEB_ROUTE_RENEW;
		may_post = 1;
	} else if (token_path(path, len, "/l/", "", m)) {
		m->route = WEB_ROUTE_LINK;
		may_post = 1;
	} else if (token_path(path, len, "/l/", "/ny", m)) {
		m->route = WEB_ROUTE_LINK_RENEW;
		may_post = 1;
		may_get = 0;
	} else if (token_path(path, len, "/k/", ".ics", m))
		m->route = WEB_ROUTE_FEED;
	if (m->route == WEB_ROUTE_NONE) {
		m->status = 404;
		m->token = NULL;
		m->token_len = 0;
		return;
	}
	if ((may_get && (get || head)) || (may_post && post)) {
		m->status = 200;
		m->head = head;
		m->post = post;
		return;
	}
	m->status = 405;
	m->allow = may_get && may_post ? "GET, HEAD, POST" : may_post ?
	    "POST" : "GET, HEAD";
}

/* ---- forms ---- */

int
web_is_form(const char *ct)
{
	return media_type_is(ct, "application/x-www-form-urlencoded");
}

/* Decodes s[0..n) into b; 0, or -1 for a bad escape. */
static int
unescape(const char *s, size_t n, struct buf *b)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			buf_addc(b, ' ');
		else if (s[i] != '%')
			buf_addc(b, s[i]);
		else {
			if (i + 2 >= n)
				return -1;
			if ((hi = hex_digit(s[i + 1])) < 0 ||
			    (lo = hex_digit(s[i + 2])) < 0)
				return -1;
			buf_addc(b, hi << 4 | lo);
			i += 2;
		}
	}
	return 0;
}

/*
 * Whether decoded text is acceptable: valid UTF-8 without NUL or control
 * characters other than tab and line feed; CR LF has become LF already.
 */
static int
text_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, k, len;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') ||
			    p[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			len = 2, cp = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			len = 3, cp = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			len = 4, cp = p[i] & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += len;
	}
	return 1;
}

char *
web_form_get(const char *body, size_t len, const char *name)
{
	size_t nlen = strlen(name), i = 0, end, eq, k, o, n;
	struct buf b = { 0 };
	char *v;

	while (i < len) {
		const char *amp = memchr(body + i, '&', len - i);

		end = amp != NULL ? (size_t)(amp - body) : len;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		if (eq - i == nlen && memcmp(body + i, name, nlen) == 0) {
			if (unescape(body + eq + (eq < end), end - eq -
			    (eq < end), &b) != 0) {
				buf_free(&b);
				return NULL;
			}
			n = b.len;
			v = buf_take(&b);
			/* Browsers send line breaks as CR LF. */
			for (k = o = 0; k < n; k++)
				if (!(v[k] == '\r' && k + 1 < n &&
				    v[k + 1] == '\n'))
					v[o++] = v[k];
			v[o] = '\0';
			/* text_ok() refuses a NUL too. */
			if (!text_ok((unsigned char *)v, o)) {
				free(v);
				return NULL;
			}
			return v;
		}
		i = end + 1;
	}
	return NULL;
}

/* ---- who is asking ---- */

void
web_client(const struct web_config *c, const unsigned char peer[16],
    const char *xff, unsigned char out[16])
{
	const char *last, *e;
	char addr[64];
	size_t i, n;

	memcpy(out, peer, 16);
	if (xff == NULL)
		return;
	for (i = 0; i < c->nproxies; i++)
		if (memcmp(c->proxies[i], peer, 16) == 0)
			break;
	if (i == c->nproxies)
		return;
	/* The proxy appends what it saw: the last element is the client. */
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	for (e = last; *e != '\0' && *e != ' ' && *e != '\t'; e++)
		;
	n = (size_t)(e - last);
	if (n == 0 || n >= sizeof(addr))
		return;
	memcpy(addr, last, n);
	addr[n] = '\0';
	if (addr_parse(addr, out) != 0)
		memcpy(out, peer, 16);
}

/* ---- rate limits ---- */

struct rate_slot {
	unsigned char	 addr[16];
	uint64_t	 start;		/* of the window */
	unsigned	 count;
	int		 used;
};

struct web_rate {
	struct rate_slot	*v;
	size_t			 n;
	uint64_t		 window;
};

/* How many slots from its home an address may be placed. */
#define PROBES	8

struct web_rate *
web_rate_new(size_t slots, uint64_t window_ms)
{
	struct web_rate *r = xcalloc(1, sizeof(*r));

	r->n = slots < PROBES ? PROBES : slots;
	r->v = xcalloc(r->n, sizeof(*r->v));
	r->window = window_ms;
	return r;
}

void
web_rate_free(struct web_rate *r)
{
	if (r == NULL)
		return;
	free(r->v);
	free(r);
}

static size_t
addr_hash(const unsigned char a[16])
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < 16; i++) {
		h ^= a[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

unsigned
web_rate_take(struct web_rate *r, const unsigned char addr[16],
    unsigned limit, uint64_t now)
{
	struct rate_slot *s = NULL, *oldest = NULL;
	size_t home = addr_hash(addr) % r->n, i;
	uint64_t left;

	for (i = 0; i < PROBES; i++) {
		struct rate_slot *t = &r->v[(home + i) % r->n];

		if (t->used && memcmp(t->addr, addr, 16) == 0) {
			s = t;
			break;
		}
		/* A free slot, or one whose window is over, is free. */
		if (oldest == NULL || !t->used || (oldest->used &&
		    t->start < oldest->start))
			oldest = t;
	}
	if (s == NULL) {
		s = oldest;
		memcpy(s->addr, addr, 16);
		s->used = 1;
		s->start = now;
		s->count = 0;
	}
	if (now < s->start || now - s->start >= r->window) {
		s->start = now;
		s->count = 0;
	}
	if (s->count >= limit) {
		left = s->start + r->window - now;
		return left < 1000 ? 1 : (unsigned)((left + 999) / 1000);
	}
	s->count++;
	return 0;
}
