/*
 * http: the HTTP/1.1 listener.  Shell.  On the libuv loop (loopback by
 * default: TLS and single sign-on are a reverse proxy's job) it accepts
 * connections, holds them to the connection limits and timeouts, and
 * feeds their bytes to the request layer (http_request.h), which answers
 * `POST /api/v1/reports` from clients holding a bearer token, `GET
 * /api/v1/health` from anyone and every other path with the page handler
 * (http_page.h), when there is one.  It owns the uv handles; the request
 * layer knows nothing of sockets or clocks.
 */
#ifndef PLANWATCH_HTTP_H
#define PLANWATCH_HTTP_H

#include <stddef.h>

#include <uv.h>

#include "http_config.h"
#include "http_page.h"
#include "http_request.h"
#include "intake.h"

struct http_server;

/*
 * Listens on cfg->listen_host:listen_port (port 0: any free port; see
 * http_port()) and serves connections on `loop`.  `cfg` is copied.
 * Returns NULL with a message in `err` when the address cannot be bound.
 */
struct http_server *http_start(uv_loop_t *, const struct http_config *cfg,
	    intake_queue_cb *queue, void *arg, char *err, size_t errlen);
/*
 * Swaps the clients and limits (on reload).  The listen address is not
 * changed: that needs a restart, and a differing one is logged.
 */
void	http_set_config(struct http_server *, const struct http_config *);
/* http_core_set_pages() for the server's request layer. */
void	http_set_pages(struct http_server *, http_page_cb *page, void *arg);
/* http_core_set_degraded() for the server's request layer. */
void	http_set_degraded(struct http_server *, int degraded);
/* The bound TCP port, or -1. */
int	http_port(const struct http_server *);
/*
 * Closes the listener and every connection.  Memory is freed in the close
 * callbacks, so run the loop afterwards.  Accepts NULL.
 */
void	http_stop(struct http_server *);

#endif
