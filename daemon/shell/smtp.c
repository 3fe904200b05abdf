/*
 * smtp: the SMTP transport, on libesmtp 1.1.0 as Debian 12 ships it.
 * docs/libraries.md §1 lists what that library really does; this file works
 * around each point:
 *
 * - It connects with a blocking connect() and no timeout (134 s against
 *   a dropped port).  We resolve the host and connect ourselves first,
 *   non-blocking with our own timeout, and then hand libesmtp the very
 *   IPv4 address that answered, so its own connect() goes to a host that
 *   was reachable a moment ago.  (libesmtp cannot parse an IPv6 literal;
 *   when only an IPv6 address answers we give it the name, and it
 *   resolves again.)  A server that accepts and then says nothing is
 *   caught by the greeting timeout.
 * - Its timeouts are in milliseconds and silently raised to the RFC
 *   minimums unless Timeout_OVERRIDE_RFC2822_MINIMUM is set: we set it.
 * - The default TLS context is cached in a static and freed with the
 *   first session, so a second STARTTLS session crashes.  We always give
 *   it our own context (one per struct smtp, shared by all threads;
 *   smtp_starttls_set_ctx() takes a reference and the session end drops
 *   it).  The context allows TLS 1.2 only, because sessions stalled with
 *   TLS 1.3, and verifies the peer: chain against the configured CA file
 *   and the configured host name, both checked by OpenSSL during the
 *   handshake.  libesmtp's own name check knows only DNS names and we
 *   hand it an address, so its "wrong certificate" event is answered
 *   from OpenSSL's verdict.
 * - Its return value says nothing about delivery, so each recipient is
 *   judged from the RCPT, end-of-data and MAIL replies (judge() below).
 * - It writes Date and Message-Id headers only when the message lacks
 *   them, and To only when asked to, so the composed text goes out as it
 *   is; we never call smtp_set_header() except to supply a missing
 *   Message-Id from struct delivery.
 *
 * The caller's watch (transport.h) hears of each message's outcome from
 * libesmtp's SMTP_EV_MESSAGESENT event, which comes right after the reply
 * to the data and before the next message's MAIL; and it is asked before
 * each final ".", from the message callback, which libesmtp calls for the
 * end of the data just before it writes the ".".
 *
 * Thread safety: smtp_init() runs once; a struct smtp is read-only after
 * smtp_new(); each smtp_send() has its own libesmtp session and auth
 * context; smtp_errno() and the OpenSSL error queue are per thread.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "host.h"
#include "log.h"
#include "smtp.h"
#include "util.h"

struct smtp {
	atomic_int		 refs;
	char			*host;
	int			 port;
	enum smtp_starttls	 starttls;
	char			*user;
	char			*secret;
	char			*helo;
	int			 connect_ms;
	int			 greeting_ms;
	int			 envelope_ms;
	int			 data_ms;
	int			 transfer_ms;
	int			 data2_ms;
	SSL_CTX			*ssl_ctx;	/* NULL: starttls off */
};

/* What the callbacks see and saw during one session. */
struct session_state {
	char	tls_error[160];
	int	starttls_missing;
	int	starttls_ok;
	/* for the caller's watch */
	const struct delivery_watch *watch;
	struct delivery		*msgs;
	smtp_recipient_t	**handles;
	size_t			 held;	/* 1 + the message commit() refused */
};

/* Feeds one message to libesmtp from memory; see message_cb(). */
struct message_source {
	const char		*data;
	size_t			 len;
	size_t			 off;
	size_t			 index;	/* in the session's msgs */
	struct session_state	*st;
};

/* How much of the message libesmtp gets per callback. */
#define SOURCE_CHUNK	65536
/* Our entry in OpenSSL's error queue: why a certificate was refused. */
#define VERIFY_REASON	1

static pthread_once_t smtp_once = PTHREAD_ONCE_INIT;

static void
init_once(void)
{
	OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS |
	    OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
	auth_client_init();
}

void
smtp_init(void)
{
	pthread_once(&smtp_once, init_once);
}

/* The last OpenSSL error of this thread as text, or a fallback. */
static const char *
ssl_error(char *buf, size_t len, const char *fallback)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		return fallback;
	ERR_error_string_n(e, buf, len);
	return buf;
}

/*
 * OpenSSL's verification callback: on a failure, leave the reason in this
 * thread's error queue, where session_error() finds it after the session
 * (a failed handshake ends the session without a word from libesmtp).
 * The queue is per thread, so this needs no shared state.
 */
static int
verify_cb(int ok, X509_STORE_CTX *xs)
{
	if (!ok)
		ERR_raise_data(ERR_LIB_USER, VERIFY_REASON,
		    "server certificate refused: %s (depth %d)",
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(xs)),
		    X509_STORE_CTX_get_error_depth(xs));
	return ok;
}

/* The reason verify_cb() left in the queue, if any; empties the queue. */
static const char *
verify_error(char *buf, size_t len)
{
	const char *data;
	unsigned long e;
	int flags;

	buf[0] = '\0';
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0)
		if (ERR_GET_LIB(e) == ERR_LIB_USER &&
		    ERR_GET_REASON(e) == VERIFY_REASON &&
		    (flags & ERR_TXT_STRING) && buf[0] == '\0')
			snprintf(buf, len, "%s", data);
	return buf[0] != '\0' ? buf : NULL;
}

static int
is_ipv4(const char *host)
{
	struct in_addr a;

	return inet_pton(AF_INET, host, &a) == 1;
}


static int
timeout_or_default(int v, int def, const char *name, char *err,
    size_t errlen, int *out)
{
	if (v == 0)
		v = def;
	if (v < SMTP_MIN_TIMEOUT_MS || v > SMTP_MAX_TIMEOUT_MS) {
		set_error(err, errlen, "smtp: %s timeout %d ms: must be %d to %d",
		    name, v, SMTP_MIN_TIMEOUT_MS, SMTP_MAX_TIMEOUT_MS);
		return -1;
	}
	*out = v;
	return 0;
}

static SSL_CTX *
tls_context(const struct smtp_config *c, char *err, size_t errlen)
{
	SSL_CTX *ctx;
	X509_VERIFY_PARAM *param;
	char ebuf[256];
	int ok;

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		set_error(err, errlen, "smtp: tls context: %s",
		    ssl_error(ebuf, sizeof(ebuf), "out of memory"));
		return NULL;
	}
	/* TLS 1.3 sessions stalled in libesmtp 1.1.0 (docs/libraries.md §1). */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	/*
	 * Verify during the handshake, so an untrusted server never sees a
	 * byte after STARTTLS whatever libesmtp's own checks decide.
	 */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	if (c->ca_file != NULL && c->ca_file[0] != '\0')
		ok = SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL);
	else
		ok = SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		set_error(err, errlen, "smtp: ca_file %s: %s",
		    c->ca_file ? c->ca_file : "(system default)",
		    ssl_error(ebuf, sizeof(ebuf), "cannot load"));
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* The certificate must name the host we were told to talk to. */
	param = SSL_CTX_get0_param(ctx);
	if (is_ipv4(c->host))
		ok = X509_VERIFY_PARAM_set1_ip_asc(param, c->host);
	else {
		X509_VERIFY_PARAM_set_hostflags(param,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = X509_VERIFY_PARAM_set1_host(param, c->host, 0);
	}
	if (ok != 1) {
		set_error(err, errlen, "smtp: host %s: cannot be checked against "
		    "certificates", c->host);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

struct smtp *
smtp_new(const struct smtp_config *c, char *err, size_t errlen)
{
	struct smtp *s;

	smtp_init();
	if (c->host == NULL || c->host[0] == '\0') {
		set_error(err, errlen, "smtp: host is required");
		return NULL;
	}
	/* libesmtp splits "host:port" at the first colon. */
	if (strchr(c->host, ':') != NULL || strchr(c->host, '/') != NULL) {
		set_error(err, errlen, "smtp: host %s: give a host name or an "
		    "IPv4 address (IPv6 literals are not supported)", c->host);
		return NULL;
	}
	if (c->port < 0 || c->port > 65535) {
		set_error(err, errlen, "smtp: port %d: out of range", c->port);
		return NULL;
	}
	if (c->starttls != SMTP_STARTTLS_REQUIRED &&
	    c->starttls != SMTP_STARTTLS_OPPORTUNISTIC &&
	    c->starttls != SMTP_STARTTLS_OFF) {
		set_error(err, errlen, "smtp: starttls: unknown mode");
		return NULL;
	}
	if ((c->user != NULL) != (c->secret != NULL) ||
	    (c->user != NULL && c->user[0] == '\0')) {
		set_error(err, errlen, "smtp: user and secret go together");
		return NULL;
	}
	if (c->user != NULL && c->starttls != SMTP_STARTTLS_REQUIRED &&
	    !is_loopback(c->host)) {
		set_error(err, errlen, "smtp: AUTH to %s needs starttls = "
		    "\"required\": the password would cross the network in "
		    "clear text", c->host);
		return NULL;
	}

	s = xcalloc(1, sizeof(*s));
	atomic_init(&s->refs, 1);
	s->port = c->port ? c->port : SMTP_DEFAULT_PORT;
	s->starttls = c->starttls;
	if (timeout_or_default(c->connect_timeout_ms,
	    SMTP_DEFAULT_CONNECT_MS, "connect", err, errlen,
	    &s->connect_ms) == -1 ||
	    timeout_or_default(c->greeting_timeout_ms,
	    SMTP_DEFAULT_GREETING_MS, "greeting", err, errlen,
	    &s->greeting_ms) == -1 ||
	    timeout_or_default(c->envelope_timeout_ms,
	    SMTP_DEFAULT_ENVELOPE_MS, "envelope", err, errlen,
	    &s->envelope_ms) == -1 ||
	    timeout_or_default(c->data_timeout_ms,
	    SMTP_DEFAULT_DATA_MS, "data", err, errlen, &s->data_ms) == -1 ||
	    timeout_or_default(c->transfer_timeout_ms,
	    SMTP_DEFAULT_TRANSFER_MS, "transfer", err, errlen,
	    &s->transfer_ms) == -1 ||
	    timeout_or_default(c->data2_timeout_ms,
	    SMTP_DEFAULT_DATA2_MS, "data2", err, errlen,
	    &s->data2_ms) == -1) {
		free(s);
		return NULL;
	}
	if (c->starttls != SMTP_STARTTLS_OFF &&
	    (s->ssl_ctx = tls_context(c, err, errlen)) == NULL) {
		free(s);
		return NULL;
	}
	s->host = xstrdup(c->host);
	s->user = c->user ? xstrdup(c->user) : NULL;
	s->secret = c->secret ? xstrdup(c->secret) : NULL;
	s->helo = c->helo && c->helo[0] ? xstrdup(c->helo) : NULL;
	return s;
}

struct smtp *
smtp_ref(struct smtp *s)
{
	atomic_fetch_add(&s->refs, 1);
	return s;
}

void
smtp_free(struct smtp *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	SSL_CTX_free(s->ssl_ctx);
	free(s->host);
	free(s->user);
	if (s->secret != NULL) {
		explicit_bzero(s->secret, strlen(s->secret));
		free(s->secret);
	}
	free(s->helo);
	free(s);
}

static long
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 +
	    (now.tv_nsec - since->tv_nsec) / 1000000;
}

/*
 * Connects to one address without blocking past `ms`.  Returns 0 when
 * the connection was accepted (and closes it again), else an errno.
 */
static int
try_connect(const struct addrinfo *ai, int ms)
{
	struct pollfd pfd;
	struct timespec start;
	socklen_t len;
	long left;
	int fd, e, n;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		close(fd);
		return 0;
	}
	if (errno != EINPROGRESS) {
		e = errno;
		close(fd);
		return e;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		left = ms - elapsed_ms(&start);
		if (left <= 0) {
			close(fd);
			return ETIMEDOUT;
		}
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			break;
		if (n == -1 && errno != EINTR) {
			e = errno;
			close(fd);
			return e;
		}
	}
	e = 0;
	len = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		e = errno;
	close(fd);
	return e;
}

/*
 * Finds an address of the server that accepts a connection within the
 * connect timeout, and writes what libesmtp should connect to into
 * `server` ("192.0.2.1:587", or "name:587" for IPv6).  Returns 0, or -1
 * with the reason in err.
 */
static int
probe(const struct smtp *s, char *server, size_t serverlen, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	const struct sockaddr_in *sin;
	char port[16], addr[INET_ADDRSTRLEN];
	int gai, e = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", s->port);
	if ((gai = getaddrinfo(s->host, port, &hints, &res)) != 0) {
		set_error(err, errlen, "cannot resolve %s: %s", s->host,
		    gai_strerror(gai));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if ((e = try_connect(ai, s->connect_ms)) != 0)
			continue;
		if (ai->ai_family == AF_INET) {
			sin = (const struct sockaddr_in *)(void *)ai->ai_addr;
			inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
			snprintf(server, serverlen, "%s:%d", addr, s->port);
		} else
			snprintf(server, serverlen, "%s:%d", s->host, s->port);
		freeaddrinfo(res);
		return 0;
	}
	freeaddrinfo(res);
	if (e == ETIMEDOUT)
		set_error(err, errlen, "connect to %s port %d: no answer within "
		    "%d ms", s->host, s->port, s->connect_ms);
	else
		set_error(err, errlen, "connect to %s port %d: %s", s->host,
		    s->port, strerror(e ? e : EHOSTUNREACH));
	return -1;
}

/*
 * libesmtp's message callback: NULL `len` means rewind; otherwise hand
 * out the next chunk, and a zero length at the end.  The state lives in
 * our own struct, so libesmtp's *ctx is left alone (it would free() it).
 *
 * libesmtp writes the final "." only after the zero length, so the end
 * is where the watch's commit() runs.  Returning the end with errno set
 * makes libesmtp drop the connection without the ".", and the server
 * discards the message (libesmtp may ask for the end twice when the text
 * lacks a last line end; commit() is asked again and answers the same).
 */
static const char *
message_cb(void **ctx, int *len, void *arg)
{
	struct message_source *src = arg;
	const struct delivery_watch *w = src->st->watch;
	size_t n;

	(void)ctx;
	if (len == NULL) {
		src->off = 0;
		return NULL;
	}
	if (src->off == src->len && w != NULL && w->commit != NULL &&
	    w->commit(w->arg) != 0) {
		src->st->held = src->index + 1;
		errno = EIO;
		*len = 0;
		return NULL;
	}
	n = src->len - src->off;
	if (n > SOURCE_CHUNK)
		n = SOURCE_CHUNK;
	*len = (int)n;
	src->off += n;
	return src->data + src->off - n;
}

static int	judge(struct delivery_rcpt *, const smtp_status_t *,
		    const smtp_status_t *, const smtp_status_t *);

/*
 * libesmtp has the server's answer to a message's data (or its refusal
 * of DATA) and is about to go on with the next: judge the message's
 * recipients now and tell the watch.
 */
static void
message_sent(struct session_state *st, smtp_message_t m)
{
	const struct message_source *src;
	const smtp_status_t *mail, *data;
	struct delivery *dv;
	size_t j;

	if (st->watch == NULL || st->watch->decided == NULL ||
	    (src = smtp_message_get_application_data(m)) == NULL)
		return;
	dv = &st->msgs[src->index];
	mail = smtp_reverse_path_status(m);
	data = smtp_message_transfer_status(m);
	for (j = 0; j < dv->nrcpt; j++)
		(void)judge(&dv->rcpt[j], mail,
		    smtp_recipient_status(st->handles[src->index][j]), data);
	st->watch->decided(st->watch->arg, src->index);
}

static void
event_cb(smtp_session_t session, int event, void *arg, ...)
{
	struct session_state *st = arg;
	va_list ap;
	long vfy;
	int *ok;
	SSL *ssl;

	(void)session;
	va_start(ap, arg);
	switch (event) {
	case SMTP_EV_MESSAGESENT:
		message_sent(st, va_arg(ap, smtp_message_t));
		break;
	case SMTP_EV_STARTTLS_OK:
		st->starttls_ok = 1;
		break;
	case SMTP_EV_EXTNA_STARTTLS:
		st->starttls_missing = 1;
		break;
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
		/*
		 * Not reached while the context verifies in the handshake;
		 * kept so a verification failure is refused either way.
		 */
		vfy = va_arg(ap, long);
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(st->tls_error, sizeof(st->tls_error),
		    "server certificate refused: %s",
		    X509_verify_cert_error_string(vfy));
		break;
	case SMTP_EV_NO_PEER_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(st->tls_error, sizeof(st->tls_error),
		    "server sent no certificate");
		break;
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
		/*
		 * libesmtp compares the name we gave it (an address) with
		 * the certificate's DNS names only.  OpenSSL has already
		 * checked the chain and the configured host name during the
		 * handshake; accept exactly when it did.
		 */
		ok = va_arg(ap, int *);
		(void)va_arg(ap, char *);
		ssl = va_arg(ap, SSL *);
		*ok = SSL_get_verify_result(ssl) == X509_V_OK;
		if (!*ok)
			snprintf(st->tls_error, sizeof(st->tls_error),
			    "server certificate does not name the host");
		break;
	case SMTP_EV_WEAK_CIPHER:
		(void)va_arg(ap, int);
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(st->tls_error, sizeof(st->tls_error),
		    "weak TLS cipher offered");
		break;
	case SMTP_EV_NO_CLIENT_CERTIFICATE:
		ok = va_arg(ap, int *);
		*ok = 0;
		snprintf(st->tls_error, sizeof(st->tls_error),
		    "client certificate in ~/.authenticate has no usable key");
		break;
	case SMTP_EV_UNUSABLE_CLIENT_CERTIFICATE:
	case SMTP_EV_UNUSABLE_CA_LIST:
		snprintf(st->tls_error, sizeof(st->tls_error),
		    "unusable certificate files in ~/.authenticate");
		break;
	default:
		break;
	}
	va_end(ap);
}

/* Answers libesmtp's SASL questions from the configuration. */
static int
auth_interact(auth_client_request_t req, char **result, int fields,
    void *arg)
{
	struct smtp *s = arg;
	int i;

	for (i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = s->user;
		else if (req[i].flags & AUTH_PASS)
			result[i] = s->secret;
		else
			return 0;	/* a realm or the like: not ours */
	}
	return 1;
}

/* Copies a server reply, control characters as spaces, trimmed. */
static void
copy_reply(char *dst, size_t dstlen, const char *prefix, const char *text)
{
	size_t n = 0, i;

	dst[0] = '\0';
	if (prefix != NULL)
		n = (size_t)snprintf(dst, dstlen, "%s", prefix);
	if (n >= dstlen)
		n = dstlen - 1;
	for (i = 0; text != NULL && text[i] != '\0' && n + 1 < dstlen; i++)
		dst[n++] = (unsigned char)text[i] < 0x20 ||
		    text[i] == 0x7f ? ' ' : text[i];
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int
is_auth_code(int code)
{
	return code == 530 || code == 534 || code == 535 || code == 538;
}

/*
 * The rule of docs/libraries.md §1 for one recipient: delivered when RCPT
 * and the end of data both got 2xx; a 5xx anywhere on its path is
 * permanent, except the "authenticate first" family at MAIL, which is
 * our configuration's fault and heals when it is fixed; anything else,
 * including no reply at all, is temporary.  Returns 1 when a reply
 * decided the outcome, 0 when none did (the session broke off).
 */
static int
judge(struct delivery_rcpt *r, const smtp_status_t *mail,
    const smtp_status_t *rcpt, const smtp_status_t *data)
{
	int mc = mail ? mail->code : 0, rc = rcpt ? rcpt->code : 0;
	int dc = data ? data->code : 0;

	r->code = 0;
	r->reply[0] = '\0';
	if (mc / 100 == 5 || mc / 100 == 4) {
		r->result = mc / 100 == 5 && !is_auth_code(mc) ?
		    DELIVERY_PERMFAIL : DELIVERY_TEMPFAIL;
		r->code = mc;
		copy_reply(r->reply, sizeof(r->reply), "MAIL: ", mail->text);
		return 1;
	}
	if (rc / 100 == 5 || rc / 100 == 4) {
		r->result = rc / 100 == 5 ? DELIVERY_PERMFAIL :
		    DELIVERY_TEMPFAIL;
		r->code = rc;
		copy_reply(r->reply, sizeof(r->reply), "RCPT: ", rcpt->text);
		return 1;
	}
	if (rc / 100 != 2) {
		r->result = DELIVERY_TEMPFAIL;
		return 0;
	}
	switch (dc / 100) {
	case 2:
		r->result = DELIVERY_OK;
		break;
	case 5:
		r->result = DELIVERY_PERMFAIL;
		break;
	case 4:
		r->result = DELIVERY_TEMPFAIL;
		break;
	default:
		/*
		 * RCPT was accepted but the message got no final reply: a
		 * timeout or a closed connection after (or during) the data.
		 * The server may have the message; a retry may duplicate it.
		 */
		r->result = DELIVERY_TEMPFAIL;
		snprintf(r->reply, sizeof(r->reply), "no reply to the "
		    "message data; the server may have it");
		return 0;
	}
	r->code = dc;
	copy_reply(r->reply, sizeof(r->reply), "DATA: ", data->text);
	return 1;
}

/* Marks every recipient TEMPFAIL with the same explanation. */
static void
fail_all(struct delivery *msgs, size_t nmsgs, const char *why)
{
	size_t i, j;

	for (i = 0; i < nmsgs; i++)
		for (j = 0; j < msgs[i].nrcpt; j++) {
			msgs[i].rcpt[j].result = DELIVERY_TEMPFAIL;
			msgs[i].rcpt[j].code = 0;
			copy_reply(msgs[i].rcpt[j].reply,
			    sizeof(msgs[i].rcpt[j].reply), NULL, why);
		}
}

/* The session-wide reason the undecided recipients got no reply. */
static void
session_error(const struct smtp *s, const struct session_state *st,
    int serr, char *buf, size_t len)
{
	char lib[128], ebuf[200], vbuf[200];

	if (st->held)
		snprintf(buf, len, "%s", DELIVERY_HELD);
	else if (st->tls_error[0] != '\0')
		snprintf(buf, len, "tls: %s", st->tls_error);
	else if (st->starttls_missing)
		snprintf(buf, len, "server does not offer STARTTLS and "
		    "starttls is required");
	else if (serr == SMTP_ERR_CLIENT_ERROR && s->ssl_ctx != NULL &&
	    !st->starttls_ok) {
		ssl_error(ebuf, sizeof(ebuf), "unknown reason");
		snprintf(buf, len, "tls handshake failed: %s",
		    verify_error(vbuf, sizeof(vbuf)) ? vbuf : ebuf);
	} else if (serr == SMTP_ERR_DROPPED_CONNECTION)
		/* libesmtp reports its timeouts this way too. */
		snprintf(buf, len, "connection closed or no reply in time");
	else if (serr != 0)
		snprintf(buf, len, "%s", smtp_strerror(serr, lib,
		    sizeof(lib)));
	else
		snprintf(buf, len, "the session ended early");
}

/* The Message-ID without angle brackets, into buf; NULL if none. */
static const char *
bare_id(const char *id, char *buf, size_t len)
{
	size_t n;

	if (id == NULL || id[0] == '\0')
		return NULL;
	if (id[0] == '<')
		id++;
	n = strcspn(id, ">\r\n");
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, id, n);
	buf[n] = '\0';
	return buf;
}

int
smtp_send(struct smtp *s, struct delivery *msgs, size_t nmsgs,
    const struct delivery_watch *watch, char *err, size_t errlen)
{
	struct session_state st;
	struct message_source *src = NULL;
	smtp_recipient_t **handles = NULL;
	smtp_message_t *mh = NULL;
	smtp_session_t session = NULL;
	auth_context_t actx = NULL;
	char server[320], why[256], idbuf[256];
	size_t i, j, nwork = 0, nundecided = 0, nauth = 0;
	int ret = -1, serr, authcode = 0;
	const char *id;

	set_error(err, errlen, "%s", "");
	fail_all(msgs, nmsgs, "not attempted");
	for (i = 0; i < nmsgs; i++)
		nwork += msgs[i].nrcpt;
	if (nwork == 0)
		return 0;

	if (probe(s, server, sizeof(server), why, sizeof(why)) == -1) {
		log_warnx("smtp: %s port %d: %s", s->host, s->port, why);
		fail_all(msgs, nmsgs, why);
		set_error(err, errlen, "%s", why);
		return -1;
	}

	memset(&st, 0, sizeof(st));
	st.watch = watch;
	st.msgs = msgs;
	if ((session = smtp_create_session()) == NULL)
		fatalx("smtp: out of memory");
	smtp_set_server(session, server);
	if (s->helo != NULL)
		smtp_set_hostname(session, s->helo);
	smtp_set_timeout(session, Timeout_GREETING |
	    Timeout_OVERRIDE_RFC2822_MINIMUM, s->greeting_ms);
	smtp_set_timeout(session, Timeout_ENVELOPE |
	    Timeout_OVERRIDE_RFC2822_MINIMUM, s->envelope_ms);
	smtp_set_timeout(session, Timeout_DATA |
	    Timeout_OVERRIDE_RFC2822_MINIMUM, s->data_ms);
	smtp_set_timeout(session, Timeout_TRANSFER |
	    Timeout_OVERRIDE_RFC2822_MINIMUM, s->transfer_ms);
	smtp_set_timeout(session, Timeout_DATA2 |
	    Timeout_OVERRIDE_RFC2822_MINIMUM, s->data2_ms);
	smtp_set_eventcb(session, event_cb, &st);
	switch (s->starttls) {
	case SMTP_STARTTLS_REQUIRED:
		smtp_starttls_enable(session, Starttls_REQUIRED);
		break;
	case SMTP_STARTTLS_OPPORTUNISTIC:
		smtp_starttls_enable(session, Starttls_ENABLED);
		break;
	case SMTP_STARTTLS_OFF:
		smtp_starttls_enable(session, Starttls_DISABLED);
		break;
	}
	if (s->ssl_ctx != NULL)
		smtp_starttls_set_ctx(session, s->ssl_ctx);
	if (s->user != NULL) {
		if ((actx = auth_create_context()) == NULL)
			fatalx("smtp: out of memory");
		auth_set_mechanism_flags(actx, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(actx, auth_interact, s);
		smtp_auth_set_context(session, actx);
	}

	src = xcalloc(nmsgs, sizeof(*src));
	mh = xcalloc(nmsgs, sizeof(*mh));
	handles = xcalloc(nmsgs, sizeof(*handles));
	st.handles = handles;
	for (i = 0; i < nmsgs; i++) {
		if (msgs[i].nrcpt == 0)
			continue;
		if ((mh[i] = smtp_add_message(session)) == NULL)
			fatalx("smtp: out of memory");
		smtp_set_reverse_path(mh[i], msgs[i].from ? msgs[i].from : "");
		src[i].data = msgs[i].data;
		src[i].len = msgs[i].len;
		src[i].index = i;
		src[i].st = &st;
		smtp_set_messagecb(mh[i], message_cb, &src[i]);
		smtp_message_set_application_data_release(mh[i], &src[i],
		    NULL);
		smtp_size_set_estimate(mh[i], msgs[i].len);
		/* Used only if the text has no Message-ID header. */
		if ((id = bare_id(msgs[i].message_id, idbuf,
		    sizeof(idbuf))) != NULL)
			smtp_set_header(mh[i], "Message-Id", id);
		handles[i] = xcalloc(msgs[i].nrcpt, sizeof(*handles[i]));
		for (j = 0; j < msgs[i].nrcpt; j++)
			if ((handles[i][j] = smtp_add_recipient(mh[i],
			    msgs[i].rcpt[j].addr)) == NULL)
				fatalx("smtp: out of memory");
	}

	/* smtp_errno() and the OpenSSL queue are per thread: start clean. */
	ERR_clear_error();
	(void)smtp_start_session(session);
	serr = smtp_errno();

	for (i = 0; i < nmsgs; i++) {
		const smtp_status_t *mail, *data;
		size_t nok = 0, ntemp = 0, nperm = 0;

		if (msgs[i].nrcpt == 0)
			continue;
		mail = smtp_reverse_path_status(mh[i]);
		data = smtp_message_transfer_status(mh[i]);
		if (mail != NULL && is_auth_code(mail->code)) {
			nauth++;
			authcode = mail->code;
		}
		for (j = 0; j < msgs[i].nrcpt; j++) {
			struct delivery_rcpt *r = &msgs[i].rcpt[j];

			if (!judge(r, mail,
			    smtp_recipient_status(handles[i][j]), data))
				nundecided++;
			if (r->result == DELIVERY_OK)
				nok++;
			else if (r->result == DELIVERY_PERMFAIL)
				nperm++;
			else
				ntemp++;
		}
		log_debug("smtp: message %s: %zu ok, %zu tempfail, %zu "
		    "permfail (mail %d, data %d)",
		    msgs[i].message_id ? msgs[i].message_id : "(no id)",
		    nok, ntemp, nperm, mail ? mail->code : 0,
		    data ? data->code : 0);
	}

	if (nundecided > 0) {
		session_error(s, &st, serr, why, sizeof(why));
		for (i = 0; i < nmsgs; i++)
			for (j = 0; j < msgs[i].nrcpt; j++) {
				struct delivery_rcpt *r = &msgs[i].rcpt[j];

				/* A held message never had its ".". */
				if (r->result == DELIVERY_TEMPFAIL &&
				    r->code == 0 && (r->reply[0] == '\0' ||
				    i + 1 == st.held))
					copy_reply(r->reply, sizeof(r->reply),
					    NULL, why);
			}
		log_warnx("smtp: %s port %d: %s", s->host, s->port, why);
		set_error(err, errlen, "%s", why);
	} else if (nauth > 0) {
		snprintf(why, sizeof(why), "the server answered MAIL with %d: "
		    "authentication %s; check mail.smtp.user and secret_file",
		    authcode, s->user ? "failed" : "is required");
		log_warnx("smtp: %s port %d: %s", s->host, s->port, why);
		set_error(err, errlen, "%s", why);
	} else
		ret = 0;

	smtp_destroy_session(session);
	if (actx != NULL)
		auth_destroy_context(actx);
	for (i = 0; i < nmsgs; i++)
		free(handles[i]);
	free(handles);
	free(mh);
	free(src);
	return ret;
}

char *
smtp_secret_read(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	char *text;
	size_t len, n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		set_error(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		set_error(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	close(fd);
	/* Only the daemon's user may read the password: not its group. */
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		set_error(err, errlen, "%s: readable or writable by others "
		    "than its owner (mode %03o); chmod 0600 and make the "
		    "daemon's user the owner", path,
		    (unsigned)(sb.st_mode & 0777));
		return NULL;
	}
	if ((text = read_file(path, &len)) == NULL) {
		set_error(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (n = 0; n < len && text[n] != '\n' && text[n] != '\r'; n++)
		if (text[n] == '\0')
			break;
	if (n == 0 || (n < len && text[n] == '\0')) {
		set_error(err, errlen, "%s: %s", path, n == 0 ?
		    "empty first line" : "contains a NUL byte");
		explicit_bzero(text, len);
		free(text);
		return NULL;
	}
	explicit_bzero(text + n, len - n);
	return text;
}
