/*
 * http_page: a request for a page and its answer, as the HTTP request layer
 * (the HTTP request layer) hands them to the page handler
 * (services/webapp.c), and the headers every page carries.  Core.
 */
#ifndef PLANWATCH_HTTP_PAGE_H
#define PLANWATCH_HTTP_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * A request for a page (any path outside /api/), complete with its body,
 * as the page handler sees it.  Everything is borrowed for the call.
 */
struct http_request {
	const char		*method;	/* "GET", "HEAD", "POST", ... */
	const char		*path;		/* without the query */
	size_t			 path_len;
	const char		*content_type;	/* each header may be NULL */
	const char		*origin;
	const char		*sec_fetch_site;
	const char		*forwarded_for;
	const char		*if_none_match;
	const unsigned char	*peer;		/* 16 bytes, IPv4 mapped */
	const char		*body;
	size_t			 body_len;
	uint64_t		 now_ms;	/* the connection's clock */
};

/*
 * The handler's answer: a status, a Content-Type, complete extra header
 * lines (CRLF included) and the body.  The request layer adds the
 * status line, Content-Length and Connection, and leaves the body out
 * for HEAD.  The buffers start empty; the request layer frees them.
 */
struct http_response {
	int		 status;
	const char	*content_type;	/* a static string */
	struct buf	 headers;
	struct buf	 body;
};

typedef void http_page_cb(void *arg, const struct http_request *,
    struct http_response *);

/*
 * The headers every page carries, the handler's and the request layer's
 * own error pages alike: a Content-Security-Policy that allows only the
 * stylesheet from this site and no script at all, no framing, no Referer
 * (a link's token must not leak to another site), no sniffing.  Complete
 * lines, CRLF included.
 */
extern const char http_security_headers[];

#endif
