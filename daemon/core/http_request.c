/*
 * http_request: the HTTP/1.1 request protocol (see http_request.h).  Core.
 * For each request it checks, in this order: header size, the path
 * (404), the method (405), then for a report the bearer token (401), the
 * client's rate (429), the content type (415) and the body size (413),
 * and only then calls the submit callback.  Every answer of the API is
 * JSON; error texts are fixed phrases, so nothing a client sent is ever
 * echoed back or logged.  An error closes the connection: after a
 * refused header we do not know where the next request would start.
 *
 * A path outside /api/ is a page, when there is a page handler: the same
 * header and body limits apply, then the whole request goes to the
 * handler (webapp.c), which answers at once; a limit broken on the way
 * gets a short Swedish HTML page instead of JSON.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>
#include <jansson.h>

#include "http_request.h"
#include "intake.h"
#include "util.h"

#define PATH_REPORTS	"/api/v1/reports"
#define PATH_HEALTH	"/api/v1/health"
#define PATH_API	"/api/"
#define RATE_WINDOW_MS	60000

struct rate {
	char		*name;
	uint64_t	 window_start;
	unsigned int	 count;
	int		 used;
};

struct http_core {
	struct http_config	 cfg;
	struct rate		*rates;		/* parallel to cfg.clients */
	intake_queue_cb		*queue;
	void			*arg;
	int			 degraded;	/* the store cannot write */
	http_page_cb		*page;		/* NULL: no pages */
	void			*page_arg;
	http_warn_cb		*warn;		/* NULL: nobody is told */
	void			*warn_arg;
};

enum route {
	ROUTE_NONE,
	ROUTE_REPORTS,
	ROUTE_HEALTH,
	ROUTE_PAGE
};

struct http_conn {
	struct http_core	*core;
	http_parser		 parser;
	http_output_cb		*out;
	http_resume_cb		*resume;
	void			*out_arg;
	uint64_t		 now;
	uint64_t		 deadline;
	uint64_t		 since;		/* idle, or the request began */
	unsigned long		 nrequests;
	int			 closed;
	int			 partial;	/* a request has begun */
	/*
	 * The input being parsed, and the last byte before it that is not
	 * a space or a tab (for the fold check).
	 */
	const char		*feed;
	char			 before_feed;
	/*
	 * A report waiting for its commit: nothing more is parsed (input
	 * that arrives meanwhile is held) until its answer went out.
	 */
	int			 waiting;
	int			 in_queue;	/* inside core->queue() */
	int			 keep;		/* keep-alive after it */
	int			 held_eof;	/* the peer closed meanwhile */
	struct intake_ticket	*ticket;
	struct buf		 held;
	/* The request being parsed. */
	size_t			 header_bytes;
	struct buf		 url;
	struct buf		 field;
	struct buf		 value;
	int			 in_value;
	char			*content_type;
	char			*authorization;
	char			*origin;
	char			*sec_fetch_site;
	char			*if_none_match;
	char			*idempotency_key;
	struct buf		 forwarded_for;
	int			 duplicate;
	enum route		 route;
	char			*client;
	struct buf		 body;
	unsigned char		 peer[16];
};

static void
rates_rebuild(struct http_core *core, struct rate *old, size_t nold)
{
	size_t i, j;

	core->rates = core->cfg.nclients ?
	    xcalloc(core->cfg.nclients, sizeof(*core->rates)) : NULL;
	for (i = 0; i < core->cfg.nclients; i++) {
		core->rates[i].name = xstrdup(core->cfg.clients[i].name);
		for (j = 0; j < nold; j++)
			if (strcmp(old[j].name, core->rates[i].name) == 0) {
				core->rates[i].window_start =
				    old[j].window_start;
				core->rates[i].count = old[j].count;
				core->rates[i].used = old[j].used;
			}
	}
	for (j = 0; j < nold; j++)
		free(old[j].name);
	free(old);
}

struct http_core *
http_core_new(const struct http_config *cfg, intake_queue_cb *queue,
    void *arg)
{
	struct http_core *core = xcalloc(1, sizeof(*core));

	http_config_copy(&core->cfg, cfg);
	core->queue = queue;
	core->arg = arg;
	rates_rebuild(core, NULL, 0);
	return core;
}

void
http_core_set_config(struct http_core *core, const struct http_config *cfg)
{
	struct rate *old = core->rates;
	size_t nold = core->cfg.nclients;

	http_config_free(&core->cfg);
	http_config_copy(&core->cfg, cfg);
	rates_rebuild(core, old, nold);
}

void
http_core_free(struct http_core *core)
{
	size_t i;

	if (core == NULL)
		return;
	for (i = 0; i < core->cfg.nclients; i++)
		free(core->rates[i].name);
	free(core->rates);
	http_config_free(&core->cfg);
	free(core);
}

/* Tells the shell's callback, if any, of a fault around the layer. */
static void __attribute__((format(printf, 2, 3)))
warn(const struct http_core *core, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	if (core->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	core->warn(core->warn_arg, what);
}

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

/* Hands a complete response to the output and frees it. */
static void
send_response(struct http_conn *c, struct buf *b, int keep_alive)
{
	c->out(c->out_arg, b->s, b->len);
	buf_free(b);
	c->nrequests++;
	if (!keep_alive)
		c->closed = 1;
}

/* Sends one response; `extra` is zero or more complete header lines. */
static void
respond(struct http_conn *c, int status, const char *body, const char *extra,
    int keep_alive)
{
	struct buf b = { 0 };
	size_t blen = strlen(body);

	buf_printf(&b, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Connection: %s\r\n"
	    "%s\r\n",
	    status, status_text(status), blen + 1,
	    keep_alive ? "keep-alive" : "close", extra ? extra : "");
	buf_add(&b, body, blen);
	buf_addc(&b, '\n');
	send_response(c, &b, keep_alive);
}

/*
 * A page's answer.  HEAD gets the headers, Content-Length included, and
 * no body.
 */
static void
respond_page(struct http_conn *c, struct http_response *r, int head,
    int keep_alive)
{
	struct buf b = { 0 };

	buf_printf(&b, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: %s\r\n"
	    "%s\r\n",
	    r->status, status_text(r->status), r->content_type ?
	    r->content_type : "text/html; charset=utf-8", r->body.len,
	    keep_alive ? "keep-alive" : "close",
	    r->headers.s ? r->headers.s : "");
	if (!head && r->body.len > 0)
		buf_add(&b, r->body.s, r->body.len);
	send_response(c, &b, keep_alive);
}

/*
 * What a person reads when a request for a page breaks a limit of the
 * request layer: fixed Swedish text, in a page of its own (the page
 * templates are the handler's, and the request never reached it).
 */
static void
respond_page_error(struct http_conn *c, int status, const char *extra)
{
	struct http_response r;
	const char *what;

	switch (status) {
	case 408: what = "Det tog f\xc3\xb6r l\xc3\xa5ng tid att skicka "
		    "fr\xc3\xa5gan."; break;
	case 413: what = "Det du skickade var f\xc3\xb6r stort."; break;
	case 431: what = "Fr\xc3\xa5gan hade f\xc3\xb6r stora "
		    "huvuden."; break;
	case 503: what = "Tj\xc3\xa4nsten \xc3\xa4r tillf\xc3\xa4lligt "
		    "upptagen."; break;
	case 500: what = "N\xc3\xa5got gick fel hos oss."; break;
	default: what = "Fr\xc3\xa5gan kunde inte l\xc3\xa4sas."; break;
	}
	memset(&r, 0, sizeof(r));
	r.status = status;
	buf_adds(&r.headers, http_security_headers);
	buf_adds(&r.headers, "Cache-Control: no-store\r\n");
	if (extra != NULL)
		buf_adds(&r.headers, extra);
	buf_printf(&r.body, "<!DOCTYPE html>\n<html lang=\"sv\"><head>"
	    "<meta charset=\"utf-8\"><title>Fel %d</title></head>\n<body>"
	    "<main><h1>Fel %d</h1><p>%s F\xc3\xb6rs\xc3\xb6k igen, eller "
	    "anv\xc3\xa4nd l\xc3\xa4nken i ditt mejl p\xc3\xa5 nytt."
	    "</p></main></body></html>\n", status, status, what);
	respond_page(c, &r, 0, 0);
	buf_free(&r.headers);
	buf_free(&r.body);
}

/* An error answer: {"error": reason} with a fixed reason; closes. */
static void
respond_error(struct http_conn *c, int status, const char *reason,
    const char *extra)
{
	json_t *j;
	char *body;

	if (c->route == ROUTE_PAGE) {
		respond_page_error(c, status, extra);
		return;
	}
	j = json_pack("{s:s}", "error", reason);
	body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	respond(c, status, body ? body : "{\"error\":\"internal error\"}",
	    extra, 0);
	free(body);
	json_decref(j);
}

static void
request_reset(struct http_conn *c)
{
	c->header_bytes = 0;
	buf_reset(&c->url);
	buf_reset(&c->field);
	buf_reset(&c->value);
	c->in_value = 0;
	free(c->content_type);
	free(c->authorization);
	free(c->client);
	free(c->origin);
	free(c->sec_fetch_site);
	free(c->if_none_match);
	free(c->idempotency_key);
	c->content_type = c->authorization = c->client = NULL;
	c->origin = c->sec_fetch_site = c->if_none_match = NULL;
	c->idempotency_key = NULL;
	buf_reset(&c->forwarded_for);
	c->duplicate = 0;
	c->route = ROUTE_NONE;
	buf_reset(&c->body);
}

static int
count_header(struct http_conn *c, size_t len)
{
	c->header_bytes += len;
	if (c->header_bytes > c->core->cfg.max_header_bytes) {
		respond_error(c, 431, "request headers too large", NULL);
		return -1;
	}
	return 0;
}

static void
finish_header(struct http_conn *c)
{
	char **slot = NULL;

	/*
	 * Trailer fields (after a chunked body) come once the request was
	 * judged by its headers: none of them counts.
	 */
	if (c->field.len == 0 || c->route != ROUTE_NONE) {
		buf_reset(&c->field);
		buf_reset(&c->value);
		c->in_value = 0;
		return;
	}
	if (strcasecmp(c->field.s, "content-type") == 0)
		slot = &c->content_type;
	else if (strcasecmp(c->field.s, "authorization") == 0)
		slot = &c->authorization;
	else if (strcasecmp(c->field.s, "origin") == 0)
		slot = &c->origin;
	else if (strcasecmp(c->field.s, "sec-fetch-site") == 0)
		slot = &c->sec_fetch_site;
	else if (strcasecmp(c->field.s, "if-none-match") == 0)
		slot = &c->if_none_match;
	else if (strcasecmp(c->field.s, "idempotency-key") == 0)
		slot = &c->idempotency_key;
	else if (strcasecmp(c->field.s, "x-forwarded-for") == 0) {
		/* Several fields are one list (RFC 9110 section 5.3). */
		if (c->forwarded_for.len > 0)
			buf_adds(&c->forwarded_for, ", ");
		buf_adds(&c->forwarded_for, c->value.s ? c->value.s : "");
	}
	if (slot != NULL) {
		if (*slot != NULL)
			c->duplicate = 1;
		else
			*slot = xstrdup(c->value.s ? c->value.s : "");
	}
	buf_reset(&c->field);
	buf_reset(&c->value);
	c->in_value = 0;
}

/*
 * Reduces an Idempotency-Key header's value in place to the key itself:
 * 1 to 255 visible ASCII characters, bare or as a structured-field
 * string ("..."; no escapes).  0, or -1 when the value is not one.
 */
static int
idempotency_value(char *v)
{
	size_t len = strlen(v), i;

	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		memmove(v, v + 1, len - 2);
		v[len -= 2] = '\0';
	}
	if (len == 0 || len > 255)
		return -1;
	for (i = 0; i < len; i++)
		if (v[i] < 0x21 || v[i] > 0x7e || v[i] == '"' ||
		    v[i] == '\\')
			return -1;
	return 0;
}

/*
 * The store's key for a report sent with an Idempotency-Key: the hash of
 * the client, the key and the body, so that a retry of the same request
 * is one report and nothing else is (another report under a reused key
 * is stored as a report of its own, never dropped).
 */
static void
idempotency_store_key(const struct http_conn *c, char out[72])
{
	struct buf b = { 0 };
	char hex[65];

	buf_adds(&b, c->client);
	buf_add(&b, "\n", 1);
	buf_adds(&b, c->idempotency_key);
	buf_add(&b, "\n", 1);
	buf_add(&b, c->body.s ? c->body.s : "", c->body.len);
	sha256_hex(b.s, b.len, hex);
	buf_free(&b);
	snprintf(out, 72, "http:%s", hex);
}

static int
on_message_begin(http_parser *p)
{
	struct http_conn *c = p->data;

	request_reset(c);
	c->partial = 1;
	c->since = c->now;
	return 0;
}

static int
on_url(http_parser *p, const char *at, size_t len)
{
	struct http_conn *c = p->data;

	if (count_header(c, len) != 0)
		return -1;
	buf_add(&c->url, at, len);
	return 0;
}

/* A field name character: tchar of RFC 9110 section 5.6.2. */
static int
is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int
on_header_field(http_parser *p, const char *at, size_t len)
{
	struct http_conn *c = p->data;
	size_t i;

	/* Four bytes for ": " and CRLF, so many empty headers count too. */
	if (count_header(c, len + (c->in_value || c->field.len == 0 ? 4 : 0))
	    != 0)
		return -1;
	/*
	 * http-parser (built without strict mode) lets a space into a field
	 * name: "Transfer-Encoding : chunked" would be honoured as chunked,
	 * while a proxy in front may read it otherwise -- a way to smuggle
	 * a request.  RFC 9112 section 5.1: such a request gets 400.
	 */
	for (i = 0; i < len; i++)
		if (!is_tchar((unsigned char)at[i])) {
			respond_error(c, 400, "malformed header field", NULL);
			return -1;
		}
	if (c->in_value)
		finish_header(c);
	buf_add(&c->field, at, len);
	return 0;
}

static int
on_header_value(http_parser *p, const char *at, size_t len)
{
	struct http_conn *c = p->data;
	const char *b = at;

	if (count_header(c, len) != 0)
		return -1;
	/*
	 * A piece of a value that follows a line break and whitespace is a
	 * continuation line (obs-fold), which http-parser joins silently;
	 * RFC 9112 section 5.2 lets a server refuse it, and we do, as a
	 * proxy may see two fields where we see one.  A value merely cut
	 * between two reads follows the read's last byte, not a newline.
	 */
	while (b > c->feed && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	if ((b > c->feed ? b[-1] : c->before_feed) == '\n') {
		respond_error(c, 400, "malformed header field", NULL);
		return -1;
	}
	c->in_value = 1;
	buf_add(&c->value, at, len);
	return 0;
}

/*
 * Finds the client whose token hash matches.  Every client is compared
 * over the full 64 characters whatever the outcome, so the time taken does
 * not depend on how much of a hash matched.
 */
static const char *
find_client(const struct http_core *core, const char *token, size_t len)
{
	char hash[65];
	const char *found = NULL;
	size_t i;

	sha256_hex(token, len, hash);
	for (i = 0; i < core->cfg.nclients; i++)
		if (ct_equal(hash, core->cfg.clients[i].token_sha256, 64) &&
		    found == NULL)
			found = core->cfg.clients[i].name;
	explicit_bzero(hash, sizeof(hash));
	return found;
}

/* The token of "Bearer <token>", or NULL. */
static const char *
bearer(const char *h, size_t *len)
{
	const char *e;

	while (*h == ' ' || *h == '\t')
		h++;
	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
		return NULL;
	h += 6;
	while (*h == ' ' || *h == '\t')
		h++;
	for (e = h; *e != '\0' && *e != ' ' && *e != '\t'; e++)
		;
	if (e == h)
		return NULL;
	*len = (size_t)(e - h);
	for (; *e == ' ' || *e == '\t'; e++)
		;
	return *e == '\0' ? h : NULL;
}

/* Takes one request of client `name` against its per-minute budget. */
static int
rate_take(struct http_core *core, const char *name, uint64_t now,
    unsigned int *retry_after)
{
	struct rate *r = NULL;
	size_t i;

	for (i = 0; i < core->cfg.nclients; i++)
		if (strcmp(core->rates[i].name, name) == 0)
			r = &core->rates[i];
	if (r == NULL)
		return 0;
	if (!r->used || now - r->window_start >= RATE_WINDOW_MS) {
		r->used = 1;
		r->window_start = now;
		r->count = 0;
	}
	if (r->count >= core->cfg.requests_per_minute) {
		*retry_after = (unsigned int)((r->window_start +
		    RATE_WINDOW_MS - now + 999) / 1000);
		if (*retry_after == 0)
			*retry_after = 1;
		return -1;
	}
	r->count++;
	return 0;
}

static int
on_headers_complete(http_parser *p)
{
	struct http_conn *c = p->data;
	struct http_core *core = c->core;
	const char *path, *token;
	char extra[64];
	unsigned int retry;
	size_t plen, tlen;

	if (c->in_value)
		finish_header(c);
	/*
	 * CONNECT and Upgrade switch protocols, which we never do; and
	 * http-parser takes any one-digit version.
	 */
	if (p->upgrade || p->http_major != 1) {
		respond_error(c, 400, "malformed request", NULL);
		return -1;
	}
	path = c->url.s ? c->url.s : "";
	plen = strcspn(path, "?#");
	if (plen == strlen(PATH_REPORTS) &&
	    strncmp(path, PATH_REPORTS, plen) == 0)
		c->route = ROUTE_REPORTS;
	else if (plen == strlen(PATH_HEALTH) &&
	    strncmp(path, PATH_HEALTH, plen) == 0)
		c->route = ROUTE_HEALTH;
	else if (core->page != NULL && strncmp(path, PATH_API,
	    strlen(PATH_API)) != 0)
		c->route = ROUTE_PAGE;
	else {
		respond_error(c, 404, "not found", NULL);
		return -1;
	}
	if (c->duplicate) {
		respond_error(c, 400, "duplicate Content-Type, "
		    "Authorization or Idempotency-Key header", NULL);
		return -1;
	}
	if (c->route == ROUTE_PAGE) {
		/* The page handler answers the method itself. */
	} else if (c->route == ROUTE_HEALTH) {
		if (p->method != HTTP_GET) {
			respond_error(c, 405, "method not allowed",
			    "Allow: GET\r\n");
			return -1;
		}
	} else {
		if (p->method != HTTP_POST) {
			respond_error(c, 405, "method not allowed",
			    "Allow: POST\r\n");
			return -1;
		}
		if (c->authorization == NULL ||
		    (token = bearer(c->authorization, &tlen)) == NULL) {
			respond_error(c, 401, "a bearer token is required",
			    "WWW-Authenticate: Bearer realm=\"planwatch\"\r\n");
			return -1;
		}
		if ((token = find_client(core, token, tlen)) == NULL) {
			respond_error(c, 401, "invalid token",
			    "WWW-Authenticate: Bearer realm=\"planwatch\", "
			    "error=\"invalid_token\"\r\n");
			return -1;
		}
		c->client = xstrdup(token);
		if (rate_take(core, c->client, c->now, &retry) != 0) {
			snprintf(extra, sizeof(extra), "Retry-After: %u\r\n",
			    retry);
			respond_error(c, 429, "too many requests", extra);
			return -1;
		}
		if (!media_type_is(c->content_type, "application/json")) {
			respond_error(c, 415, "Content-Type must be "
			    "application/json", NULL);
			return -1;
		}
		if (c->idempotency_key != NULL &&
		    idempotency_value(c->idempotency_key) != 0) {
			respond_error(c, 400, "Idempotency-Key must be 1 to "
			    "255 visible ASCII characters, optionally in "
			    "double quotes", NULL);
			return -1;
		}
	}
	if ((p->flags & F_CONTENTLENGTH) &&
	    p->content_length > core->cfg.max_body_bytes) {
		respond_error(c, 413, "request body too large", NULL);
		return -1;
	}
	return 0;
}

static int
on_body(http_parser *p, const char *at, size_t len)
{
	struct http_conn *c = p->data;

	/* A chunked body has no length up front: count as it comes. */
	if (c->body.len + len > c->core->cfg.max_body_bytes) {
		respond_error(c, 413, "request body too large", NULL);
		return -1;
	}
	buf_add(&c->body, at, len);
	return 0;
}

static int
valid_status(int s)
{
	static const int ok[] = {
		200, 201, 400, 409, 413, 415, 422, 429, 500, 503
	};
	size_t i;

	for (i = 0; i < nitems(ok); i++)
		if (ok[i] == s)
			return 1;
	return 0;
}

/* The answer to a report, now or once its transaction committed. */
static void
report_done(void *arg, struct intake_result *r)
{
	struct http_conn *c = arg;
	const char *extra;

	c->waiting = 0;
	c->ticket = NULL;
	if (!valid_status(r->status)) {
		warn(c->core, "submit returned status %d", r->status);
		free(r->body);
		r->body = NULL;
		r->status = 500;
	}
	extra = r->status == 429 || r->status == 503 ? "Retry-After: 5\r\n" :
	    NULL;
	if (r->status >= 400 && r->body == NULL)
		respond_error(c, r->status, r->status >= 500 ?
		    "internal error, try again later" : "report refused", extra);
	else
		respond(c, r->status, r->body ? r->body : "{}", extra,
		    c->keep && r->status < 400);
	free(r->body);
	r->body = NULL;
	if (c->in_queue)
		return;	/* answered at once: on_message_complete goes on */
	/* Answered later: go on with what arrived meanwhile. */
	c->deadline = c->now + c->core->cfg.request_timeout_ms;
	c->since = c->now;
	http_parser_pause(&c->parser, 0);
	if (!c->closed && c->held.len > 0) {
		struct buf in = c->held;

		memset(&c->held, 0, sizeof(c->held));
		http_conn_feed(c, in.s, in.len, c->now);
		buf_free(&in);
	}
	/* The peer closed its side while waiting: it sends no more. */
	if (c->held_eof && !c->waiting)
		http_conn_feed(c, NULL, 0, c->now);
	if (c->resume != NULL)
		c->resume(c->out_arg);
}

/* Hands a complete request for a page to the handler and sends its answer. */
static void
serve_page(struct http_conn *c, http_parser *p)
{
	struct http_request req;
	struct http_response r;
	const char *path = c->url.s ? c->url.s : "";

	memset(&req, 0, sizeof(req));
	memset(&r, 0, sizeof(r));
	req.method = http_method_str((enum http_method)p->method);
	req.path = path;
	req.path_len = strcspn(path, "?#");
	req.content_type = c->content_type;
	req.origin = c->origin;
	req.sec_fetch_site = c->sec_fetch_site;
	req.if_none_match = c->if_none_match;
	req.forwarded_for = c->forwarded_for.len ? c->forwarded_for.s : NULL;
	req.peer = c->peer;
	req.body = c->body.s ? c->body.s : "";
	req.body_len = c->body.len;
	req.now_ms = c->now;
	r.status = 500;
	c->core->page(c->core->page_arg, &req, &r);
	respond_page(c, &r, p->method == HTTP_HEAD,
	    http_should_keep_alive(p) && r.status < 500);
	buf_free(&r.headers);
	buf_free(&r.body);
}

static int
on_message_complete(http_parser *p)
{
	struct http_conn *c = p->data;
	struct http_core *core = c->core;
	struct intake_ticket *t;

	c->partial = 0;
	if (c->route == ROUTE_PAGE)
		serve_page(c, p);
	else if (c->route == ROUTE_HEALTH && core->degraded)
		respond(c, 503, "{\"status\":\"degraded\"}",
		    "Retry-After: 5\r\n", http_should_keep_alive(p));
	else if (c->route == ROUTE_HEALTH)
		respond(c, 200, "{\"status\":\"ok\"}", NULL,
		    http_should_keep_alive(p));
	else if (c->client == NULL)
		respond_error(c, 500, "internal error", NULL);
	else {
		char key[72];

		/* Checked and unquoted with the headers (not a trailer). */
		if (c->idempotency_key != NULL)
			idempotency_store_key(c, key);
		c->keep = http_should_keep_alive(p);
		c->waiting = c->in_queue = 1;
		t = core->queue(core->arg, c->client, c->idempotency_key ?
		    key : NULL, c->body.s ? c->body.s : "", c->body.len,
		    report_done, c);
		c->in_queue = 0;
		if (c->waiting && t == NULL) {
			warn(core, "the report was neither answered nor "
			    "queued");
			c->waiting = 0;
			respond_error(c, 500, "internal error", NULL);
		} else if (c->waiting) {
			c->ticket = t;
			/* Parse no further until the answer went out. */
			http_parser_pause(p, 1);
		}
	}
	request_reset(c);
	c->deadline = c->now + core->cfg.request_timeout_ms;
	c->since = c->now;
	/* Stop parsing pipelined input once the connection is to close. */
	return c->closed ? -1 : 0;
}

static const http_parser_settings settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

struct http_conn *
http_conn_new(struct http_core *core, uint64_t now_ms, http_output_cb *out,
    void *out_arg)
{
	struct http_conn *c = xcalloc(1, sizeof(*c));

	c->core = core;
	c->out = out;
	c->out_arg = out_arg;
	c->now = now_ms;
	c->deadline = now_ms + core->cfg.request_timeout_ms;
	c->since = now_ms;
	c->before_feed = '\n';	/* a request may not begin with a fold */
	http_parser_init(&c->parser, HTTP_REQUEST);
	c->parser.data = c;
	return c;
}

int
http_conn_feed(struct http_conn *c, const char *bytes, size_t n,
    uint64_t now_ms)
{
	size_t done, k;
	enum http_errno e;

	if (c->closed)
		return -1;
	c->now = now_ms;
	if (c->waiting) {
		/* Kept until the answer to the report before went out. */
		if (n == 0)
			c->held_eof = 1;
		else
			buf_add(&c->held, bytes, n);
		return 0;
	}
	if (now_ms >= http_conn_deadline(c))
		return http_conn_expire(c, now_ms);
	if (n == 0) {
		/* The peer is gone: nobody would read an answer. */
		c->closed = 1;
		return -1;
	}
	c->feed = bytes;
	done = http_parser_execute(&c->parser, &settings, bytes, n);
	c->feed = NULL;
	for (k = done; k > 0 && (bytes[k - 1] == ' ' || bytes[k - 1] == '\t');
	    k--)
		;
	if (k > 0)
		c->before_feed = bytes[k - 1];
	if (c->closed)
		return -1;
	e = HTTP_PARSER_ERRNO(&c->parser);
	if (e == HPE_PAUSED && c->waiting) {
		buf_add(&c->held, bytes + done, n - done);
		return 0;
	}
	if (e != HPE_OK || done != n) {
		if (e == HPE_HEADER_OVERFLOW)
			respond_error(c, 431, "request headers too large",
			    NULL);
		else
			respond_error(c, 400, "malformed request", NULL);
		return -1;
	}
	/* An upgrade request (CONNECT, Upgrade:) is nothing we speak. */
	if (c->parser.upgrade) {
		respond_error(c, 400, "malformed request", NULL);
		return -1;
	}
	return 0;
}

uint64_t
http_conn_deadline(const struct http_conn *c)
{
	uint64_t idle;

	/* Between requests a connection may stay only idle_timeout_ms. */
	if (!c->partial && !c->waiting) {
		idle = c->since + c->core->cfg.idle_timeout_ms;
		return idle < c->deadline ? idle : c->deadline;
	}
	return c->deadline;
}

enum http_conn_state
http_conn_state(const struct http_conn *c, uint64_t *since)
{
	*since = c->since;
	if (c->closed)
		return HTTP_CONN_CLOSED;
	if (c->waiting)
		return HTTP_CONN_WAITING;
	return c->partial ? HTTP_CONN_PARTIAL : HTTP_CONN_IDLE;
}

void
http_core_set_degraded(struct http_core *core, int degraded)
{
	core->degraded = degraded;
}

void
http_core_set_pages(struct http_core *core, http_page_cb *page, void *arg)
{
	core->page = page;
	core->page_arg = arg;
}

void
http_core_set_warn(struct http_core *core, http_warn_cb *cb, void *arg)
{
	core->warn = cb;
	core->warn_arg = arg;
}

void
http_conn_set_peer(struct http_conn *c, const unsigned char addr[16])
{
	memcpy(c->peer, addr, sizeof(c->peer));
}

int
http_conn_expire(struct http_conn *c, uint64_t now_ms)
{
	if (c->closed)
		return -1;
	c->now = now_ms;
	/*
	 * The client sent its report and waits for the answer, which the
	 * core gives within this loop iteration: not the client's delay.
	 */
	if (c->waiting)
		return 0;
	if (c->partial)
		respond_error(c, 408, "request timeout", NULL);
	c->closed = 1;
	return -1;
}

unsigned long
http_conn_requests(const struct http_conn *c)
{
	return c->nrequests;
}

void
http_conn_set_resume(struct http_conn *c, http_resume_cb *resume)
{
	c->resume = resume;
}

int
http_conn_waiting(const struct http_conn *c)
{
	return c->waiting;
}

int
http_conn_closed(const struct http_conn *c)
{
	return c->closed;
}

void
http_conn_free(struct http_conn *c)
{
	if (c == NULL)
		return;
	if (c->ticket != NULL)
		intake_cancel(c->ticket);
	request_reset(c);
	buf_free(&c->held);
	buf_free(&c->url);
	buf_free(&c->field);
	buf_free(&c->value);
	buf_free(&c->body);
	buf_free(&c->forwarded_for);
	free(c);
}
