/*
 * loadgen: a small HTTP/1.1 load generator for the report intake
 * benchmark (tests/bench/intake.bench), built like wrk: a few threads,
 * each driving its share of the connections with epoll.
 *
 * Each of N connections is kept alive to 127.0.0.1:PORT and posts the
 * same valid concern report in a loop, one request in flight at a time,
 * until D seconds have passed; the request in flight at the deadline is
 * finished and counted.  Every request is timed from the first byte
 * written to the last byte of the response read, with CLOCK_MONOTONIC.
 * A connection the server closes (Connection: close, EOF, reset) is
 * reopened and the request counted as an error if no answer came.  At
 * the end it prints one line: accepted (201) requests, accepted per
 * second over the whole run, other statuses, errors, and p50/p99/max
 * latency over every answered request.
 *
 * Two threads (one with a single connection) so that the clients cost
 * the machine little beside the server they measure; a thread per
 * connection, as this used to be, spends much of a small machine on
 * waking threads.
 *
 * Only loopback: the address is fixed.  Bounded by time: a request
 * unanswered 5 s after the deadline is counted as an error and the run
 * ends.
 *
 * With SLOW, a third thread holds that many slow connections meanwhile,
 * as a slowloris client does: half send the start of a request one byte
 * a second, half send nothing, and each one the server closes is opened
 * again at once.  The line then also says how many the server cut.
 *
 *	loadgen PORT TOKEN [CONNECTIONS [SECONDS [SLOW]]]
 *
 * With a TOKEN that starts with '/', each connection GETs that path
 * instead (the pages' benchmark, tests/bench/web.bench), and 200 is the
 * answer counted as accepted.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define BODY	"{\"event_date\": \"2026-11-20\", \"unit\": \"aldreomsorg\", " \
	"\"place_type\": \"aldreboende\", \"kind\": \"handelse\", " \
	"\"milieu\": \"okand\", \"concerns_minor\": false, " \
	"\"urgency\": \"normal\", \"police_informed\": false, " \
	"\"social_services_informed\": false, \"description\": \"Rapport\"}"
#define REQUEST	"POST /api/v1/reports HTTP/1.1\r\n" \
	"Host: 127.0.0.1:%d\r\n" \
	"Authorization: Bearer %s\r\n" \
	"Content-Type: application/json\r\n" \
	"Content-Length: %zu\r\n" \
	"\r\n%s"
#define GET	"GET %s HTTP/1.1\r\n" \
	"Host: 127.0.0.1:%d\r\n" \
	"\r\n"
#define RESP_MAX	65536
#define IO_TIMEOUT_S	5

#define MAX_THREADS	2

/* One keep-alive connection and its request in flight. */
struct conn {
	int		 fd;
	size_t		 sent;		/* bytes of the request written */
	size_t		 have;		/* bytes of the response read */
	double		 t0;		/* when the request started */
	char		 buf[RESP_MAX + 1];
};

struct worker {
	pthread_t	 thread;
	int		 port;
	const char	*req;
	size_t		 reqlen;
	double		 deadline;	/* monotonic seconds */
	struct conn	*conns;
	int		 nconns;
	double		*lat;		/* milliseconds, one per answer */
	size_t		 nlat, caplat;
	long		 accepted, other, errors, reconnects;
	int		 want;		/* the status counted as accepted */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dial(int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Looks at the bytes of a response read so far: its length once it is
 * complete (the status line, the headers and Content-Length bytes of
 * body), 0 while it is not, -1 when it cannot be parsed.  Sets *status,
 * and *close_after when the server said Connection: close.
 */
static long
parse_response(char *buf, size_t have, int *status, int *close_after)
{
	char *hend, *p, *line, save;
	long clen = 0;
	size_t need;

	buf[have] = '\0';
	if ((hend = strstr(buf, "\r\n\r\n")) == NULL)
		return have == RESP_MAX ? -1 : 0;
	if (sscanf(buf, "HTTP/1.%*d %d", status) != 1)
		return -1;
	*close_after = 0;
	save = hend[2];
	hend[2] = '\0';
	for (line = strstr(buf, "\r\n"); line != NULL && line < hend;
	    line = strstr(line, "\r\n")) {
		line += 2;
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			clen = strtol(line + 15, NULL, 10);
		else if (strncasecmp(line, "Connection:", 11) == 0) {
			for (p = line + 11; *p == ' '; p++)
				;
			if (strncasecmp(p, "close", 5) == 0)
				*close_after = 1;
		}
	}
	hend[2] = save;
	if (clen < 0 || clen > RESP_MAX)
		return -1;
	need = (size_t)(hend + 4 - buf) + (size_t)clen;
	if (need > RESP_MAX)
		return -1;
	return have >= need ? (long)need : 0;
}

static void
add_latency(struct worker *w, double ms)
{
	if (w->nlat == w->caplat) {
		w->caplat = w->caplat ? 2 * w->caplat : 4096;
		w->lat = realloc(w->lat, w->caplat * sizeof(*w->lat));
		if (w->lat == NULL) {
			perror("loadgen: realloc");
			exit(1);
		}
	}
	w->lat[w->nlat++] = ms;
}

/* Writes what is left of the request: 1 done, 0 not yet, -1 error. */
static int
send_more(struct worker *w, struct conn *c)
{
	ssize_t n;

	while (c->sent < w->reqlen) {
		n = write(c->fd, w->req + c->sent, w->reqlen - c->sent);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		c->sent += (size_t)n;
	}
	return 1;
}

/* Starts the next request on c: 0, or -1 when it cannot. */
static int
start(struct worker *w, int ep, struct conn *c)
{
	struct epoll_event ev;
	int rc;

	c->sent = c->have = 0;
	c->t0 = now_s();
	if ((rc = send_more(w, c)) == -1)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | (rc == 0 ? EPOLLOUT : 0);
	ev.data.ptr = c;
	return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Opens c's connection (again) and adds it to the set: 0 or -1. */
static int
open_conn(struct worker *w, int ep, struct conn *c)
{
	struct epoll_event ev;

	if ((c->fd = dial(w->port)) == -1)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) == -1) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void
close_conn(struct conn *c)
{
	close(c->fd);	/* also leaves the epoll set */
	c->fd = -1;
}

/*
 * Begins c's next request while there is time, reopening the connection
 * when it is closed; a connection that cannot be opened is retried after
 * a millisecond.  Returns 1 when a request is in flight, 0 when c is done.
 */
static int
next(struct worker *w, int ep, struct conn *c)
{
	struct timespec ms = { 0, 1000000 };

	while (now_s() < w->deadline) {
		if (c->fd == -1 && open_conn(w, ep, c) == -1) {
			w->errors++;
			nanosleep(&ms, NULL);	/* refused: do not spin */
			continue;
		}
		if (start(w, ep, c) == 0)
			return 1;
		w->errors++;
		w->reconnects++;
		close_conn(c);
	}
	if (c->fd != -1)
		close_conn(c);
	return 0;
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[64];
	int ep, i, n, active = 0, status, close_after;
	long len;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		perror("loadgen: epoll_create1");
		exit(1);
	}
	for (i = 0; i < w->nconns; i++) {
		w->conns[i].fd = -1;
		active += next(w, ep, &w->conns[i]);
	}
	while (active > 0) {
		n = epoll_wait(ep, evs, 64, 1000);
		if (n == -1 && errno != EINTR) {
			perror("loadgen: epoll_wait");
			exit(1);
		}
		if (now_s() >= w->deadline + IO_TIMEOUT_S) {
			/* What is still unanswered will not be. */
			for (i = 0; i < w->nconns; i++)
				if (w->conns[i].fd != -1) {
					w->errors++;
					close_conn(&w->conns[i]);
				}
			break;
		}
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			ssize_t r;
			int rc;

			if (evs[i].events & EPOLLOUT) {
				if ((rc = send_more(w, c)) == 1) {
					struct epoll_event ev;

					memset(&ev, 0, sizeof(ev));
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					rc = epoll_ctl(ep, EPOLL_CTL_MOD, c->fd,
					    &ev) == 0 ? 0 : -1;
				}
				if (rc == -1)
					goto failed;
			}
			if (!(evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
				continue;
			r = read(c->fd, c->buf + c->have, RESP_MAX - c->have);
			if (r == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				goto failed;
			c->have += (size_t)r;
			len = parse_response(c->buf, c->have, &status,
			    &close_after);
			if (len == 0)
				continue;
			if (len < 0 || (size_t)len != c->have)
				goto failed;	/* nothing was asked for more */
			add_latency(w, (now_s() - c->t0) * 1000.0);
			if (status == w->want)
				w->accepted++;
			else
				w->other++;
			if (close_after) {
				close_conn(c);
				w->reconnects++;
			}
			active -= !next(w, ep, c);
			continue;
failed:
			w->errors++;
			w->reconnects++;
			close_conn(c);
			active -= !next(w, ep, c);
		}
	}
	close(ep);
	return NULL;
}

/* The slow connections: see the top of the file. */
struct slow {
	pthread_t	 thread;
	int		 port;
	int		 n;
	double		 deadline;
	long		 cut;		/* closed by the server, reopened */
	long		 refused;	/* could not connect */
};

static const char slow_req[] = "POST /api/v1/reports HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/* A connection begun without waiting for it: -1 when no socket. */
static int
slow_dial(int port)
{
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether the server closed fd (or refused it). */
static int
slow_gone(int fd)
{
	char c;
	ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT);

	return r == 0 || (r == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != ENOTCONN && errno != EINTR);
}

static void *
slow_run(void *arg)
{
	struct slow *sl = arg;
	struct timespec tick = { 0, 100 * 1000000 };
	int *fd, *sent, i, round;

	fd = calloc((size_t)sl->n, sizeof(*fd));
	sent = calloc((size_t)sl->n, sizeof(*sent));
	if (fd == NULL || sent == NULL) {
		perror("loadgen: calloc");
		exit(1);
	}
	for (i = 0; i < sl->n; i++)
		if ((fd[i] = slow_dial(sl->port)) == -1)
			sl->refused++;
	/* Every 100 ms: reopen what was closed; each second, one byte. */
	for (round = 0; now_s() < sl->deadline; round++) {
		for (i = 0; i < sl->n; i++) {
			if (fd[i] != -1 && slow_gone(fd[i])) {
				close(fd[i]);
				fd[i] = -1;
				sl->cut++;
			}
			if (fd[i] == -1) {
				sent[i] = 0;
				if ((fd[i] = slow_dial(sl->port)) == -1)
					sl->refused++;
				continue;
			}
			if (i % 2 == 0 && round % 10 == 0 &&
			    sent[i] < (int)sizeof(slow_req) - 1 &&
			    send(fd[i], slow_req + sent[i], 1,
			    MSG_NOSIGNAL) == 1)
				sent[i]++;
		}
		nanosleep(&tick, NULL);
	}
	for (i = 0; i < sl->n; i++)
		if (fd[i] != -1)
			close(fd[i]);
	free(fd);
	free(sent);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of sorted v[0..n). */
static double
percentile(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	return v[k > n ? n - 1 : k - 1];
}

int
main(int argc, char *argv[])
{
	struct worker *w;
	struct slow sl;
	struct rlimit rl;
	struct conn *conns;
	char *req;
	double start, elapsed, *all;
	long accepted = 0, other = 0, errors = 0, reconnects = 0;
	size_t n = 0, off = 0;
	int port, nconns = 16, nthreads, seconds = 10, len, k, given = 0;

	if (argc < 3 || argc > 6) {
		fprintf(stderr, "usage: loadgen PORT TOKEN [CONNECTIONS "
		    "[SECONDS [SLOW]]]\n");
		return 2;
	}
	memset(&sl, 0, sizeof(sl));
	port = atoi(argv[1]);
	if (argc > 3)
		nconns = atoi(argv[3]);
	if (argc > 4)
		seconds = atoi(argv[4]);
	if (argc > 5)
		sl.n = atoi(argv[5]);
	if (port <= 0 || port > 65535 || nconns < 1 || nconns > 1024 ||
	    seconds < 1 || seconds > 3600 || sl.n < 0 || sl.n > 100000) {
		fprintf(stderr, "loadgen: bad port, connections, seconds or "
		    "slow connections\n");
		return 2;
	}
	/* A descriptor for each connection, slow ones included. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur <
	    (rlim_t)(nconns + sl.n + 64)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	nthreads = nconns < MAX_THREADS ? nconns : MAX_THREADS;
	if (argv[2][0] == '/')
		len = snprintf(NULL, 0, GET, argv[2], port);
	else
		len = snprintf(NULL, 0, REQUEST, port, argv[2], strlen(BODY),
		    BODY);
	if (len < 0 || (req = malloc((size_t)len + 1)) == NULL) {
		perror("loadgen: request");
		return 1;
	}
	if (argv[2][0] == '/')
		snprintf(req, (size_t)len + 1, GET, argv[2], port);
	else
		snprintf(req, (size_t)len + 1, REQUEST, port, argv[2],
		    strlen(BODY), BODY);
	if ((w = calloc((size_t)nthreads, sizeof(*w))) == NULL ||
	    (conns = calloc((size_t)nconns, sizeof(*conns))) == NULL) {
		perror("loadgen: calloc");
		return 1;
	}
	start = now_s();
	if (sl.n > 0) {
		struct timespec settle = { 1, 0 };

		sl.port = port;
		sl.deadline = start + seconds + 3;
		if (pthread_create(&sl.thread, NULL, slow_run, &sl) != 0) {
			fprintf(stderr, "loadgen: pthread_create failed\n");
			return 1;
		}
		/* The slow ones hold their places before the others come. */
		nanosleep(&settle, NULL);
		start = now_s();
	}
	for (k = 0; k < nthreads; k++) {
		w[k].port = port;
		w[k].want = argv[2][0] == '/' ? 200 : 201;
		w[k].req = req;
		w[k].reqlen = (size_t)len;
		w[k].deadline = start + seconds;
		w[k].conns = conns + given;
		w[k].nconns = nconns / nthreads + (k < nconns % nthreads);
		given += w[k].nconns;
		if (pthread_create(&w[k].thread, NULL, worker_run, &w[k])
		    != 0) {
			fprintf(stderr, "loadgen: pthread_create failed\n");
			return 1;
		}
	}
	for (k = 0; k < nthreads; k++) {
		pthread_join(w[k].thread, NULL);
		n += w[k].nlat;
	}
	if (sl.n > 0)
		pthread_join(sl.thread, NULL);
	elapsed = now_s() - start;
	if ((all = malloc((n ? n : 1) * sizeof(*all))) == NULL) {
		perror("loadgen: malloc");
		return 1;
	}
	for (k = 0; k < nthreads; k++) {
		if (w[k].nlat > 0)
			memcpy(all + off, w[k].lat, w[k].nlat * sizeof(*all));
		off += w[k].nlat;
		accepted += w[k].accepted;
		other += w[k].other;
		errors += w[k].errors;
		reconnects += w[k].reconnects;
		free(w[k].lat);
	}
	qsort(all, n, sizeof(*all), cmp_double);
	printf("loadgen: %d connections, %d threads, %.2f s: accepted %ld, "
	    "per second %.1f, other statuses %ld, errors %ld, reconnects "
	    "%ld; latency ms p50 %.2f p99 %.2f max %.2f\n", nconns,
	    nthreads, elapsed, accepted, (double)accepted / elapsed, other,
	    errors, reconnects, percentile(all, n, 50),
	    percentile(all, n, 99), n ? all[n - 1] : 0.0);
	if (sl.n > 0)
		printf("loadgen: slow connections %d, cut by the server %ld, "
		    "refused %ld\n", sl.n, sl.cut, sl.refused);
	free(all);
	free(conns);
	free(w);
	free(req);
	return 0;
}
