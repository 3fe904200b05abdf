/*
 * http: the HTTP server on the libuv loop (see http.h).  Shell.  It owns
 * the listening socket, the connections and their timers, and feeds each
 * connection's bytes to the request layer (core/http_request.c), which
 * answers them; it logs the faults the request layer reports.
 *
 * It closes gracefully: after the last response it shuts down the
 * sending side and keeps reading (and discarding) for a moment, because
 * closing a socket with unread data makes the kernel send a reset that
 * can destroy the response before the client reads it (a client still
 * uploading an oversized body would see "connection reset" instead of
 * 413).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "http.h"
#include "log.h"
#include "util.h"

/* How long a closing connection drains what the client still sends. */
#define LINGER_MS	2000
/* Stop reading while this much output waits for a slow reader. */
#define WRITE_QUEUE_MAX	(64 * 1024)

struct http_server {
	uv_loop_t		*loop;
	uv_tcp_t		 listener;
	/* A copy for the listen address and the connection limits. */
	struct http_config	 cfg;
	struct http_core	*core;
	struct sconn		*conns;
	size_t			 nconns;	/* not yet freed */
	int			 listener_open;
	int			 stopping;
	int			 port;
	uint64_t		 full_logged;	/* when "table full" was */
	unsigned long		 evicted;	/* since then */
};

struct sconn {
	struct http_server	*srv;
	struct sconn		*next;
	struct sconn	       **prevp;
	uv_tcp_t		 tcp;
	uv_timer_t		 timer;
	uv_shutdown_t		 shutreq;
	struct http_conn	*conn;
	unsigned char		 addr[16];	/* the peer's, IPv4 mapped */
	int			 handles;	/* open handles left to close */
	int			 lingering;
	int			 peer_eof;
	int			 closing;
	int			 reading;
};

struct wreq {
	uv_write_t	 req;
	struct sconn	*sc;
	char		 data[];
};

static void	sconn_close(struct sconn *);

static void
server_maybe_free(struct http_server *srv)
{
	if (srv->stopping && !srv->listener_open && srv->nconns == 0) {
		http_core_free(srv->core);
		http_config_free(&srv->cfg);
		free(srv);
	}
}

static void
sconn_free_cb(uv_handle_t *h)
{
	struct sconn *sc = h->data;
	struct http_server *srv = sc->srv;

	if (--sc->handles > 0)
		return;
	http_conn_free(sc->conn);
	free(sc);
	srv->nconns--;
	server_maybe_free(srv);
}

static void
sconn_close(struct sconn *sc)
{
	if (sc->closing)
		return;
	sc->closing = 1;
	if ((*sc->prevp = sc->next) != NULL)
		sc->next->prevp = sc->prevp;
	sc->handles = 2;
	uv_close((uv_handle_t *)&sc->tcp, sconn_free_cb);
	uv_close((uv_handle_t *)&sc->timer, sconn_free_cb);
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	static char slab[65536];

	/* One loop thread, and each read is consumed before the next. */
	(void)h;
	(void)suggested;
	*b = uv_buf_init(slab, sizeof(slab));
}

static void	read_cb(uv_stream_t *, ssize_t, const uv_buf_t *);

static void
write_cb(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;
	struct sconn *sc = w->sc;

	free(w);
	if (status < 0) {
		if (status != UV_ECANCELED)
			log_debug("http: write: %s", uv_strerror(status));
		sconn_close(sc);
		return;
	}
	if (!sc->closing && !sc->reading && !sc->lingering &&
	    !http_conn_waiting(sc->conn) &&
	    uv_stream_get_write_queue_size((uv_stream_t *)&sc->tcp) <
	    WRITE_QUEUE_MAX) {
		sc->reading = 1;
		uv_read_start((uv_stream_t *)&sc->tcp, alloc_cb, read_cb);
	}
}

static void
output_cb(void *arg, const char *bytes, size_t len)
{
	struct sconn *sc = arg;
	struct wreq *w;
	uv_buf_t b;

	if (sc->closing)
		return;
	w = xmalloc(sizeof(*w) + len);
	w->sc = sc;
	memcpy(w->data, bytes, len);
	b = uv_buf_init(w->data, (unsigned int)len);
	if (uv_write(&w->req, (uv_stream_t *)&sc->tcp, &b, 1, write_cb) != 0) {
		free(w);
		sconn_close(sc);
	}
}

static void
linger_cb(uv_timer_t *t)
{
	sconn_close(t->data);
}

static void
shutdown_cb(uv_shutdown_t *req, int status)
{
	struct sconn *sc = req->data;

	if (status < 0 || sc->closing || sc->peer_eof) {
		sconn_close(sc);
		return;
	}
	/* Drain what the client still sends until it closes or time is up. */
	uv_timer_start(&sc->timer, linger_cb, LINGER_MS, 0);
	if (!sc->reading) {
		sc->reading = 1;
		uv_read_start((uv_stream_t *)&sc->tcp, alloc_cb, read_cb);
	}
}

/* The request layer is done: send what is queued, then close gracefully. */
static void
sconn_finish(struct sconn *sc)
{
	if (sc->lingering || sc->closing)
		return;
	sc->lingering = 1;
	uv_timer_stop(&sc->timer);
	sc->shutreq.data = sc;
	if (uv_shutdown(&sc->shutreq, (uv_stream_t *)&sc->tcp,
	    shutdown_cb) != 0)
		sconn_close(sc);
}

static void
timeout_cb(uv_timer_t *t)
{
	struct sconn *sc = t->data;

	if (http_conn_expire(sc->conn, uv_now(sc->srv->loop)) != 0)
		sconn_finish(sc);
}

static void
arm_timer(struct sconn *sc)
{
	uint64_t now = uv_now(sc->srv->loop);
	uint64_t due = http_conn_deadline(sc->conn);

	uv_timer_start(&sc->timer, timeout_cb, due > now ? due - now : 0, 0);
}

/*
 * After input was fed: a report waiting for its commit, or a client that
 * pipelines without reading, gets nothing more read for now.
 */
static void
pause_or_arm(struct sconn *sc)
{
	uv_stream_t *s = (uv_stream_t *)&sc->tcp;

	if (http_conn_waiting(sc->conn))
		uv_timer_stop(&sc->timer);
	else
		arm_timer(sc);
	if (sc->reading && (http_conn_waiting(sc->conn) ||
	    uv_stream_get_write_queue_size(s) >= WRITE_QUEUE_MAX)) {
		uv_read_stop(s);
		sc->reading = 0;
	}
}

static void
read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct sconn *sc = s->data;

	if (sc->closing)
		return;
	if (n == UV_EOF && !sc->lingering) {
		/*
		 * The client finished sending (it may still read): let the
		 * answers already queued go out, then close.
		 */
		sc->peer_eof = 1;
		http_conn_feed(sc->conn, NULL, 0, uv_now(sc->srv->loop));
		sconn_finish(sc);
		return;
	}
	if (n < 0) {
		if (n != UV_EOF)
			log_debug("http: read: %s", uv_strerror((int)n));
		sconn_close(sc);
		return;
	}
	if (sc->lingering || n == 0)
		return;
	if (http_conn_feed(sc->conn, b->base, (size_t)n,
	    uv_now(sc->srv->loop)) != 0) {
		sconn_finish(sc);
		return;
	}
	pause_or_arm(sc);
}

/* A deferred answer went out: read and time the next request. */
static void
resume_cb(void *arg)
{
	struct sconn *sc = arg;

	if (sc->closing || sc->lingering)
		return;
	if (http_conn_closed(sc->conn)) {
		sconn_finish(sc);
		return;
	}
	if (!sc->reading && !http_conn_waiting(sc->conn) &&
	    uv_stream_get_write_queue_size((uv_stream_t *)&sc->tcp) <
	    WRITE_QUEUE_MAX) {
		sc->reading = 1;
		uv_read_start((uv_stream_t *)&sc->tcp, alloc_cb, read_cb);
	}
	pause_or_arm(sc);
}

/* The peer's address as 16 bytes (IPv4 as ::ffff:a.b.c.d). */
static void
peer_key(struct sconn *sc)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	memset(sc->addr, 0, sizeof(sc->addr));
	if (uv_tcp_getpeername(&sc->tcp, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET6)
		memcpy(sc->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	else if (ss.ss_family == AF_INET) {
		sc->addr[10] = sc->addr[11] = 0xff;
		memcpy(sc->addr + 12, &((struct sockaddr_in *)&ss)->sin_addr,
		    4);
	}
}

/*
 * Whether a connection may be closed for a newcomer: 0 if not, else its
 * class, lower to be closed first -- 1 for one that has not had a
 * request answered yet, 2 for a client that has (a keep-alive client
 * between its requests is not to be pushed out by a crowd of new
 * connections that send nothing).  *since is when it last made
 * progress: the oldest of a class goes first.  One whose report is being
 * stored is not closed, nor one answered and draining (closing it at
 * once could destroy its answer in flight).
 */
static int
victim(const struct sconn *sc, uint64_t *since)
{
	enum http_conn_state st;

	if (sc->lingering)
		return 0;
	st = http_conn_state(sc->conn, since);
	if (st != HTTP_CONN_IDLE && st != HTTP_CONN_PARTIAL)
		return 0;
	return http_conn_requests(sc->conn) == 0 ? 1 : 2;
}

/* Whether (class, since) is to be closed before the best so far. */
static int
before(int cls, uint64_t since, const struct sconn *best, int best_cls,
    uint64_t best_since)
{
	return cls != 0 && (best == NULL || cls < best_cls ||
	    (cls == best_cls && since < best_since));
}

/*
 * Makes room for `nc`, just accepted.  Over max_connections_per_address
 * for its address, the connection of that address that has made no
 * progress for longest is closed (see victim()); over max_connections,
 * that of all.  So clients that hold connections open without finishing
 * a request (slowloris) never keep out one that sends its request: each
 * newcomer takes the place of the longest idle or slowest one, a fresh
 * connection and a client between its requests being the last to go.
 * Returns 0, or -1 when no connection may be closed (all store a report
 * or drain an answer).
 */
static int
make_room(struct http_server *srv, struct sconn *nc)
{
	const struct http_config *cfg = &srv->cfg;
	size_t total = 0, same = 0, cap;
	struct sconn *sc, *all = NULL, *mine = NULL;
	uint64_t since, all_since = 0, mine_since = 0, now;
	int cls, all_cls = 0, mine_cls = 0;

	cap = cfg->max_connections_per_address < cfg->max_connections ?
	    cfg->max_connections_per_address : cfg->max_connections;
	/* Room for certain: spare the walk over the table. */
	if (srv->nconns <= cap)
		return 0;
	for (sc = srv->conns; sc != NULL; sc = sc->next) {
		if (sc == nc)
			continue;
		total++;
		cls = victim(sc, &since);
		if (before(cls, since, all, all_cls, all_since)) {
			all = sc;
			all_cls = cls;
			all_since = since;
		}
		if (memcmp(sc->addr, nc->addr, sizeof(nc->addr)) != 0)
			continue;
		same++;
		if (before(cls, since, mine, mine_cls, mine_since)) {
			mine = sc;
			mine_cls = cls;
			mine_since = since;
		}
	}
	if (same >= cfg->max_connections_per_address)
		all = mine;
	else if (total < cfg->max_connections)
		return 0;
	if (all == NULL)
		return -1;
	now = uv_now(srv->loop);
	srv->evicted++;
	if (srv->full_logged == 0 || now - srv->full_logged >= 60000) {
		log_warnx("http: connection table full (max_connections %zu, "
		    "max_connections_per_address %zu): %lu idle or slow "
		    "connection(s) closed for new ones", cfg->max_connections,
		    cfg->max_connections_per_address, srv->evicted);
		srv->full_logged = now;
		srv->evicted = 0;
	}
	sconn_close(all);
	return 0;
}

static void
connection_cb(uv_stream_t *server, int status)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: application/json\r\nContent-Length: 33\r\n"
	    "Retry-After: 1\r\nConnection: close\r\n\r\n"
	    "{\"error\":\"too many connections\"}\n";
	struct http_server *srv = server->data;
	struct sconn *sc;

	if (status < 0) {
		log_warnx("http: accept: %s", uv_strerror(status));
		return;
	}
	sc = xcalloc(1, sizeof(*sc));
	sc->srv = srv;
	uv_tcp_init(srv->loop, &sc->tcp);
	uv_timer_init(srv->loop, &sc->timer);
	sc->tcp.data = sc->timer.data = sc;
	srv->nconns++;
	if ((sc->next = srv->conns) != NULL)
		sc->next->prevp = &sc->next;
	srv->conns = sc;
	sc->prevp = &srv->conns;
	sc->conn = http_conn_new(srv->core, uv_now(srv->loop),
	    output_cb, sc);
	http_conn_set_resume(sc->conn, resume_cb);
	if (uv_accept(server, (uv_stream_t *)&sc->tcp) != 0) {
		sconn_close(sc);
		return;
	}
	peer_key(sc);
	http_conn_set_peer(sc->conn, sc->addr);
	/*
	 * Closed connections count until their handles are closed, at the
	 * next turn of the loop: beyond twice the limit, no more work.
	 */
	if (srv->nconns > 2 * srv->cfg.max_connections) {
		sconn_close(sc);
		return;
	}
	if (make_room(srv, sc) != 0) {
		/*
		 * Every connection waits for its report to be stored: a short
		 * 503 rather than a silent close, so the client comes back.
		 */
		output_cb(sc, busy, strlen(busy));
		sconn_finish(sc);
		return;
	}
	sc->reading = 1;
	uv_read_start((uv_stream_t *)&sc->tcp, alloc_cb, read_cb);
	arm_timer(sc);
}

/* A fault the request layer reports goes to the log. */
static void
log_fault(void *arg, const char *what)
{
	log_warnx("http: %s", what);
}

struct http_server *
http_start(uv_loop_t *loop, const struct http_config *cfg,
    intake_queue_cb *queue, void *arg, char *err, size_t errlen)
{
	struct http_server *srv;
	struct sockaddr_storage ss;
	struct sockaddr_storage bound;
	int len = sizeof(bound), rc, v6;

	v6 = strchr(cfg->listen_host, ':') != NULL;
	rc = v6 ? uv_ip6_addr(cfg->listen_host, cfg->listen_port,
	    (struct sockaddr_in6 *)&ss) : uv_ip4_addr(cfg->listen_host,
	    cfg->listen_port, (struct sockaddr_in *)&ss);
	if (rc != 0) {
		snprintf(err, errlen, "http listen address %s: %s",
		    cfg->listen_host, uv_strerror(rc));
		return NULL;
	}
	srv = xcalloc(1, sizeof(*srv));
	srv->loop = loop;
	http_config_copy(&srv->cfg, cfg);
	srv->core = http_core_new(cfg, queue, arg);
	http_core_set_warn(srv->core, log_fault, NULL);
	uv_tcp_init(loop, &srv->listener);
	srv->listener.data = srv;
	srv->listener_open = 1;
	srv->port = -1;
	rc = uv_tcp_bind(&srv->listener, (struct sockaddr *)&ss,
	    v6 ? UV_TCP_IPV6ONLY : 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&srv->listener, 128,
		    connection_cb);
	if (rc != 0) {
		snprintf(err, errlen, "http listen %s port %d: %s",
		    cfg->listen_host, cfg->listen_port, uv_strerror(rc));
		http_stop(srv);
		return NULL;
	}
	if (uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound,
	    &len) == 0)
		srv->port = ntohs(bound.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&bound)->sin6_port :
		    ((struct sockaddr_in *)&bound)->sin_port);
	return srv;
}

void
http_set_config(struct http_server *srv, const struct http_config *cfg)
{
	const struct http_config *old = &srv->cfg;

	if (strcmp(old->listen_host, cfg->listen_host) != 0 ||
	    (old->listen_port != cfg->listen_port && cfg->listen_port != 0))
		log_warnx("http: listen address change takes effect at the "
		    "next restart");
	http_config_free(&srv->cfg);
	http_config_copy(&srv->cfg, cfg);
	http_core_set_config(srv->core, cfg);
}

void
http_set_pages(struct http_server *srv, http_page_cb *page, void *arg)
{
	http_core_set_pages(srv->core, page, arg);
}

void
http_set_degraded(struct http_server *srv, int degraded)
{
	http_core_set_degraded(srv->core, degraded);
}

int
http_port(const struct http_server *srv)
{
	return srv->port;
}

static void
listener_close_cb(uv_handle_t *h)
{
	struct http_server *srv = h->data;

	srv->listener_open = 0;
	server_maybe_free(srv);
}

void
http_stop(struct http_server *srv)
{
	if (srv == NULL || srv->stopping)
		return;
	srv->stopping = 1;
	while (srv->conns != NULL)
		sconn_close(srv->conns);
	uv_close((uv_handle_t *)&srv->listener, listener_close_cb);
}
