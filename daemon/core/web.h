/*
 * web: the pure parts of the pages' HTTP face -- the `web` group of
 * planwatch.conf, the router, form bodies, which address a request comes
 * from behind a proxy and the per-address rate limit (the headers every
 * page carries are http_page.h's).  No I/O: requests are bytes and the time is a parameter,
 * so tests/fuzz/fuzz_web.c drives all of it.
 *
 * The paths, all under the configured base URL:
 *
 *	GET  /                 a short page saying how to get a link
 *	GET  /planwatch.css    the stylesheet
 *	GET  /l/TOKEN          a link's page: a message's items, or the
 *	                       person's own page ("Mina aktiviteter")
 *	POST /l/TOKEN          a report made on that page
 *	POST /l/TOKEN/ny       a fresh link for an expired one, by mail
 *	GET  /k/TOKEN.ics      the person's calendar feed
 *	GET  /ny-lank          asking for a fresh link by address
 *	POST /ny-lank
 *
 * HEAD is answered wherever GET is.
 */
#ifndef PLANWATCH_WEB_H
#define PLANWATCH_WEB_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "util.h"

#define WEB_DEFAULT_LINK_DAYS		45
#define WEB_DEFAULT_FEED_DAYS		400
#define WEB_DEFAULT_REQUESTS_PER_MINUTE	300
#define WEB_DEFAULT_RENEWALS_PER_HOUR	5
/* A person gets a fresh link by mail at most this often. */
#define WEB_RENEW_INTERVAL		(10 * 60)
/* Longest comment a report may carry, in bytes. */
#define WEB_COMMENT_MAX			2000

/* The `web` group of planwatch.conf. */
struct web_config {
	int		  enabled;	/* the group is there */
	char		 *base_url;	/* no trailing slash */
	char		 *origin;	/* scheme://host[:port] of base_url */
	char		 *root;		/* its path: "" or "/planwatch" */
	int		  link_days;	/* message and page links */
	int		  feed_days;	/* calendar feed links */
	char		 *key_file;
	char		 *pages_dir;
	unsigned char	(*proxies)[16];	/* trusted, IPv4 mapped */
	size_t		  nproxies;
	unsigned	  requests_per_minute;	/* per client address */
	unsigned	  renewals_per_hour;	/* per client address */
};

/*
 * Reads the group `g` (NULL: no pages) written in `file`.  Relative paths
 * resolve against `file`'s directory; the key file defaults to
 * <state_dir>/web.key and the pages to <rules_dir>/pages.  Problems go to
 * `d` as file:line errors; a base URL that is plain http on another host
 * than loopback is a warning.  0, or -1 when an error was added (free *c
 * either way).
 */
int	web_config_load(const config_setting_t *g, const char *file,
	    const char *state_dir, const char *rules_dir,
	    struct web_config *c, struct diag *d);
void	web_config_free(struct web_config *);
/* Appends the canonical `web = { ... };` group (planwatchd -nv). */
void	web_config_dump(const struct web_config *, struct buf *);

/* ---- the router ---- */

enum web_route {
	WEB_ROUTE_NONE,		/* no such page: 404 */
	WEB_ROUTE_HOME,
	WEB_ROUTE_STYLE,
	WEB_ROUTE_LINK,
	WEB_ROUTE_LINK_RENEW,
	WEB_ROUTE_FEED,
	WEB_ROUTE_RENEW
};

struct web_match {
	enum web_route	 route;
	int		 status;	/* 200, 404 or 405 */
	const char	*allow;		/* for a 405: the Allow header value */
	const char	*token;		/* inside the path; LINK_TOKEN_LEN */
	size_t		 token_len;	/* 0 when the route has none */
	int		 head;		/* HEAD: answer without a body */
	int		 post;
};

/*
 * Matches `method` and the path (`len` bytes, no query) to a route.
 * Sets m->status 200 with the route, 404 (route NONE), or 405 with the
 * methods allowed.  Never reads past path[len - 1].
 */
void	web_route(const char *method, const char *path, size_t len,
	    struct web_match *m);

/* ---- forms ---- */

/* Whether a Content-Type is application/x-www-form-urlencoded. */
int	web_is_form(const char *content_type);
/*
 * The value of the first field `name` in an urlencoded body of `len`
 * bytes, decoded (+ is a space, %XX a byte), with CR LF made LF.  Returns
 * a string the caller frees, or NULL when the field is absent or its
 * value is not acceptable text: a bad escape, invalid UTF-8, or a control
 * character other than tab and line feed.
 */
char	*web_form_get(const char *body, size_t len, const char *name);

/* ---- who is asking ---- */

/*
 * The client's address as 16 bytes (IPv4 mapped): the peer's, or, when
 * the peer is a trusted proxy, the last address in X-Forwarded-For
 * (`xff`, may be NULL).  A value that is not an address leaves the
 * peer's.
 */
void	web_client(const struct web_config *, const unsigned char peer[16],
	    const char *xff, unsigned char out[16]);
/* The address as text, for logs. */
void	web_addr_format(const unsigned char addr[16], char *out, size_t len);

/*
 * A per-address budget of requests per window, in a table of fixed size
 * (memory does not grow with the number of clients; when the table is
 * full the address whose window began longest ago is forgotten).
 */
struct web_rate;

struct web_rate *web_rate_new(size_t slots, uint64_t window_ms);
/*
 * Takes one request of `addr` at `now_ms` (a monotonic clock) against a
 * budget of `limit` per window.  Returns 0 when allowed, else the seconds
 * until the window ends (at least 1).
 */
unsigned web_rate_take(struct web_rate *, const unsigned char addr[16],
	    unsigned limit, uint64_t now_ms);
void	web_rate_free(struct web_rate *);

#endif
