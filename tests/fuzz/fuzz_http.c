/*
 * fuzz_http: arbitrary bytes through the HTTP request layer
 * (core/http_request.c: http_conn_feed, built without libuv and
 * libconfig), cut into pieces of varying size and spread over time so
 * that split headers, pipelining, the size limits and the request
 * timeout are all reached.  Every response must be well formed (a known
 * status, Content-Length matching the body, a JSON body) and built only
 * from the module's own fixed texts: nothing of the input may come back.
 * The stub store must only ever see bodies within the limit, from the one
 * configured client.  A body starting with 'D' is answered later, as the
 * daemon answers after its group commit: the answer is given between two
 * pieces of input, and what arrived meanwhile must be parsed after it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_request.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define TOKEN	"fuzz-token"
/* Small limits, so that short inputs reach them. */
#define MAX_HEADER	1024
#define MAX_BODY	1024
#define TIMEOUT_MS	1000

static struct http_core *core;

/* The one report waiting for its answer, as a store's queue holds it. */
static struct intake_ticket	 deferred;
static int			 ndeferred;

static struct intake_ticket *
stub_queue(void *arg, const char *client, const char *key, const char *json,
    size_t len, intake_done_cb *done, void *done_arg)
{
	struct intake_result r = { 0, NULL }, *out = &r;

	(void)arg;
	(void)key;
	assert(strcmp(client, "fuzz") == 0);
	assert(len <= MAX_BODY);
	assert(len == 0 || json != NULL);
	/* A connection waits for one answer at a time. */
	assert(ndeferred == 0);
	if (len > 0 && json[0] == 'D') {
		deferred.done = done;
		deferred.arg = done_arg;
		ndeferred = 1;
		return &deferred;
	}
	if (len > 0 && json[0] == 'R') {
		out->status = 422;
		out->body = xstrdup("{\"error\": \"refused\"}");
	} else if (len > 0 && json[0] == 'N') {
		out->status = 503;
		out->body = NULL;
	} else if (len > 0 && json[0] == 'X') {
		out->status = 299;	/* a store bug: must become a 500 */
		out->body = xstrdup("{}");
	} else {
		out->status = 201;
		out->body = xstrdup("{\"number\": 7}");
	}
	done(done_arg, out);
	return NULL;
}

/* The store committed: the waiting report gets its answer. */
static void
answer_deferred(void)
{
	struct intake_result r = { 201, NULL };

	if (ndeferred == 0)
		return;
	ndeferred = 0;
	if (deferred.done == NULL)
		return;		/* cancelled */
	r.body = xstrdup("{\"number\": 8}");
	deferred.done(deferred.arg, &r);
}

static void
check_response(void *arg, const char *bytes, size_t len)
{
	static const int known[] = {
		200, 201, 400, 401, 404, 405, 408, 413, 415, 422, 429, 431,
		500, 503
	};
	const char *sep, *cl;
	unsigned long want;
	size_t i;
	int status, ok = 0;

	(*(int *)arg)++;
	assert(len > 17 && memcmp(bytes, "HTTP/1.1 ", 9) == 0);
	/* Only the module's own printable text and line ends. */
	for (i = 0; i < len; i++)
		assert((bytes[i] >= 0x20 && bytes[i] < 0x7f) ||
		    bytes[i] == '\r' || bytes[i] == '\n');
	status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 +
	    (bytes[11] - '0');
	for (i = 0; i < nitems(known); i++)
		ok |= known[i] == status;
	assert(ok);
	sep = memmem(bytes, len, "\r\n\r\n", 4);
	assert(sep != NULL);
	cl = memmem(bytes, (size_t)(sep - bytes), "\r\nContent-Length: ", 18);
	assert(cl != NULL);
	want = strtoul(cl + 18, NULL, 10);
	assert(want == len - (size_t)(sep + 4 - bytes));
	assert(sep[4] == '{' && bytes[len - 1] == '\n');
	if (status >= 400 && status != 422)
		assert(memcmp(sep + 4, "{\"error\":", 9) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_conn *c;
	uint64_t now = 1000000;
	size_t off = 0, step, n;
	int nresp = 0, rc = 0;
	unsigned long before;

	if (core == NULL) {
		struct http_config cfg;

		http_config_init(&cfg);
		cfg.max_header_bytes = MAX_HEADER;
		cfg.max_body_bytes = MAX_BODY;
		cfg.request_timeout_ms = TIMEOUT_MS;
		cfg.requests_per_minute = 1000000;
		cfg.clients = xcalloc(1, sizeof(*cfg.clients));
		cfg.clients[0].name = xstrdup("fuzz");
		sha256_hex(TOKEN, strlen(TOKEN), cfg.clients[0].token_sha256);
		cfg.nclients = 1;
		core = http_core_new(&cfg, stub_queue, NULL);
		http_config_free(&cfg);
	}
	/* The first byte picks the piece size (0: all at once). */
	step = size > 0 ? data[0] % 32 : 0;
	if (size > 0) {
		data++;
		size--;
	}
	c = http_conn_new(core, now, check_response, &nresp);
	while (off < size && rc == 0) {
		n = step == 0 || size - off < step ? size - off : step;
		/* Time moves by the value of the piece's first byte / 8. */
		now += data[off] / 8;
		before = http_conn_requests(c);
		rc = http_conn_feed(c, (const char *)data + off, n, now);
		assert(http_conn_requests(c) >= before);
		assert(http_conn_waiting(c) == ndeferred);
		off += n;
		/* Every other piece, the store commits what waits. */
		if ((off / (step ? step : 1)) % 2 == 0) {
			answer_deferred();
			rc = http_conn_closed(c) ? -1 : 0;
		}
	}
	/*
	 * Input held while a report waited may hold another report that
	 * waits in turn: answer until none does.
	 */
	while (rc == 0 && ndeferred) {
		/* A connection waiting for the store does not time out. */
		assert(http_conn_expire(c, http_conn_deadline(c) + 1) == 0);
		answer_deferred();
		rc = http_conn_closed(c) ? -1 : 0;
	}
	if (rc == 0) {
		assert(http_conn_deadline(c) > now);
		rc = http_conn_expire(c, http_conn_deadline(c));
	}
	assert(rc == -1);
	/* A report still waiting when the connection goes is cancelled. */
	if (ndeferred) {
		http_conn_free(c);
		assert(deferred.done == NULL);
		ndeferred = 0;
		return 0;
	}
	/* Once closed, nothing more comes out. */
	before = (unsigned long)nresp;
	assert(http_conn_feed(c, "GET / HTTP/1.1\r\n\r\n", 18, now) == -1);
	assert((unsigned long)nresp == before);
	assert(http_conn_requests(c) == (unsigned long)nresp);
	http_conn_free(c);
	return 0;
}
