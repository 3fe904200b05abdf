/*
 * http_request: the HTTP/1.1 request protocol of the intake and the
 * pages -- bytes in, responses out.  Core: no sockets, no clock (time is
 * a parameter), no log (faults go to a callback the shell supplies);
 * http-parser does the parsing.  It enforces every limit (header and body
 * size, whole-request timeout, per-client rate) and is what
 * tests/fuzz/fuzz_http.c drives.  The socket server that feeds it is
 * shell/http.c.
 *
 * A struct http_core holds the settings and the clients' rate state
 * shared by all connections; a struct http_conn is one connection's
 * request state.  `POST /api/v1/reports` from a client holding a bearer
 * token goes to an intake_queue_cb (intake.h), `GET /api/v1/health` is
 * answered here, and every other path outside /api/ goes to the page
 * handler (http_page.h), when there is one.
 */
#ifndef PLANWATCH_HTTP_REQUEST_H
#define PLANWATCH_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "http_config.h"
#include "http_page.h"
#include "intake.h"

/* The configuration and per-client rate state shared by all connections. */
struct http_core;
struct http_conn;

/*
 * Receives one complete response (status line, headers, body).  `bytes`
 * is borrowed for the call.
 */
typedef void http_output_cb(void *arg, const char *bytes, size_t len);

/*
 * A request layer with a copy of `cfg` that hands each accepted report to
 * `queue` (with `arg`; see intake.h).  Returns an object freed with
 * http_core_free() after every connection made from it.
 */
struct http_core *http_core_new(const struct http_config *cfg,
	    intake_queue_cb *queue, void *arg);
/*
 * Replaces the clients and limits with a copy of `cfg`.  Rate counters of
 * clients that keep their name carry over.  Open connections see the new
 * limits from their next request.
 */
void	http_core_set_config(struct http_core *, const struct http_config *);
/*
 * Serves every path outside /api/ with `page` (NULL: those are 404, as
 * without pages), under the same limits as the intake.
 */
void	http_core_set_pages(struct http_core *, http_page_cb *page,
	    void *arg);
/*
 * Tells `warn` (with `arg`) of a fault of the code around the request
 * layer: the report queue answered with a status it may not give (sent
 * as 500), or neither answered nor queued a report.  `what` is a fixed
 * phrase, borrowed for the call, with nothing a client sent.  The shell
 * logs it; without a callback (the default) nobody is told.
 */
typedef void http_warn_cb(void *arg, const char *what);
void	http_core_set_warn(struct http_core *, http_warn_cb *warn, void *arg);
/*
 * While `degraded` is set (the store cannot write), GET /api/v1/health
 * answers 503 {"status":"degraded"} instead of 200 {"status":"ok"}.
 */
void	http_core_set_degraded(struct http_core *, int degraded);
void	http_core_free(struct http_core *);

/*
 * One connection's request state, opened at `now_ms` (a monotonic clock in
 * milliseconds).  Responses go to `out`.  Free with http_conn_free().
 */
struct http_conn *http_conn_new(struct http_core *, uint64_t now_ms,
	    http_output_cb *out, void *out_arg);
/*
 * Feeds `n` received bytes.  Produces zero or more responses through the
 * output callback (pipelined requests are answered in order).  Returns 0
 * while the connection may stay open, or -1 once it must be closed after
 * the responses are sent (an error, `Connection: close`, HTTP/1.0 without
 * keep-alive); later calls then do nothing and return -1.  n == 0 means
 * the peer closed its side.
 */
int	http_conn_feed(struct http_conn *, const char *bytes, size_t n,
	    uint64_t now_ms);
/*
 * The instant the current request (or idle wait) times out: the whole
 * request, headers and body, must arrive within request_timeout_ms of the
 * connection opening or of the previous response, and its first byte
 * within idle_timeout_ms.
 */
uint64_t http_conn_deadline(const struct http_conn *);
/* The peer's address, 16 bytes IPv4 mapped, for the page handler. */
void	http_conn_set_peer(struct http_conn *, const unsigned char addr[16]);
/*
 * Where a connection is, and since when (*since, in the clock of
 * http_conn_feed): idle (no request begun: just opened, or between
 * keep-alive requests), partway through a request, waiting for a
 * report's commit, or closed.  The socket layer picks which connection
 * to close by it when the table is full.
 */
enum http_conn_state {
	HTTP_CONN_IDLE,
	HTTP_CONN_PARTIAL,
	HTTP_CONN_WAITING,
	HTTP_CONN_CLOSED
};
enum http_conn_state http_conn_state(const struct http_conn *,
	    uint64_t *since);
/*
 * Called when the deadline has passed: if part of a request arrived,
 * answers 408; an idle connection gets no answer.  The connection is then
 * closed (returns -1 like http_conn_feed).
 */
int	http_conn_expire(struct http_conn *, uint64_t now_ms);
/* Number of complete requests answered so far (for tests). */
unsigned long http_conn_requests(const struct http_conn *);
/*
 * A report's answer can come after http_conn_feed() returned, once the
 * core committed it (intake.h).  Meanwhile http_conn_waiting() is true:
 * further input is only held, and the deadline does not run.  When the
 * answer went out (and any held input was parsed), `resume` is called with
 * the output callback's argument, so that the socket reads again.
 */
typedef void http_resume_cb(void *arg);
void	http_conn_set_resume(struct http_conn *, http_resume_cb *);
int	http_conn_waiting(const struct http_conn *);
/* True once the connection must close after its queued output. */
int	http_conn_closed(const struct http_conn *);
void	http_conn_free(struct http_conn *);

#endif
