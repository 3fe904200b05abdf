/*
 * loadgen: a small HTTP/1.1 load generator for the report intake
 * benchmark (tests/bench/intake.bench).
 *
 * Each of N threads keeps one keep-alive connection to 127.0.0.1:PORT and
 * posts the same valid concern report in a loop, one request in flight
 * at a time, until D seconds have passed; the request in flight at the
 * deadline is finished and counted.  Every request is timed from the
 * first byte written to the last byte of the response read, with
 * CLOCK_MONOTONIC.  A connection the server closes (Connection: close,
 * EOF, reset) is reopened and the request counted as an error if no
 * answer came.  At the end it prints one line: accepted (201) requests,
 * accepted per second over the whole run, other statuses, errors, and
 * p50/p99/max latency over every answered request.
 *
 * Only loopback: the address is fixed.  Bounded by time: every socket has
 * a 5 s receive and send timeout, so a stuck server ends the run late
 * but ends it.
 *
 *	loadgen PORT TOKEN [THREADS [SECONDS]]
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
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
#define RESP_MAX	16384
#define IO_TIMEOUT_S	5

struct worker {
	pthread_t	 thread;
	int		 port;
	const char	*req;
	size_t		 reqlen;
	double		 deadline;	/* monotonic seconds */
	double		*lat;		/* milliseconds, one per answer */
	size_t		 nlat, caplat;
	long		 accepted, other, errors, reconnects;
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
	struct timeval tv = { IO_TIMEOUT_S, 0 };
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Reads one response: the status line, the headers and Content-Length
 * bytes of body.  Returns the status, or -1 on EOF, error or a response
 * it cannot parse; *close is set when the server said Connection: close.
 */
static int
read_response(int fd, int *close_after)
{
	char buf[RESP_MAX + 1], *hend, *p, *line;
	size_t have = 0, need;
	long clen = 0;
	int status;
	ssize_t r;

	*close_after = 0;
	for (;;) {
		if (have == RESP_MAX)
			return -1;
		if ((r = read(fd, buf + have, RESP_MAX - have)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			return -1;
		}
		have += (size_t)r;
		buf[have] = '\0';
		if ((hend = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	*hend = '\0';
	for (line = strstr(buf, "\r\n"); line != NULL;
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
	if (clen < 0 || clen > RESP_MAX)
		return -1;
	need = (size_t)(hend + 4 - buf) + (size_t)clen;
	while (have < need) {
		if (need > RESP_MAX)
			return -1;
		if ((r = read(fd, buf + have, need - have)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			return -1;
		}
		have += (size_t)r;
	}
	return status;
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

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	double t0, t1;
	int fd = -1, status, close_after;

	while ((t0 = now_s()) < w->deadline) {
		if (fd == -1 && (fd = dial(w->port)) == -1) {
			struct timespec ms = { 0, 1000000 };

			w->errors++;
			nanosleep(&ms, NULL);	/* refused: do not spin */
			continue;
		}
		if (write_all(fd, w->req, w->reqlen) == -1 ||
		    (status = read_response(fd, &close_after)) == -1) {
			w->errors++;
			close(fd);
			fd = -1;
			w->reconnects++;
			continue;
		}
		t1 = now_s();
		add_latency(w, (t1 - t0) * 1000.0);
		if (status == 201)
			w->accepted++;
		else
			w->other++;
		if (close_after) {
			close(fd);
			fd = -1;
			w->reconnects++;
		}
	}
	if (fd != -1)
		close(fd);
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
	char *req;
	double start, elapsed, *all;
	long accepted = 0, other = 0, errors = 0, reconnects = 0;
	size_t i, n = 0, off = 0;
	int port, nthreads = 16, seconds = 10, len;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: loadgen PORT TOKEN [THREADS "
		    "[SECONDS]]\n");
		return 2;
	}
	port = atoi(argv[1]);
	if (argc > 3)
		nthreads = atoi(argv[3]);
	if (argc > 4)
		seconds = atoi(argv[4]);
	if (port <= 0 || port > 65535 || nthreads < 1 || nthreads > 1024 ||
	    seconds < 1 || seconds > 3600) {
		fprintf(stderr, "loadgen: bad port, threads or seconds\n");
		return 2;
	}
	len = snprintf(NULL, 0, REQUEST, port, argv[2], strlen(BODY), BODY);
	if (len < 0 || (req = malloc((size_t)len + 1)) == NULL) {
		perror("loadgen: request");
		return 1;
	}
	snprintf(req, (size_t)len + 1, REQUEST, port, argv[2], strlen(BODY),
	    BODY);
	if ((w = calloc((size_t)nthreads, sizeof(*w))) == NULL) {
		perror("loadgen: calloc");
		return 1;
	}
	start = now_s();
	for (i = 0; i < (size_t)nthreads; i++) {
		w[i].port = port;
		w[i].req = req;
		w[i].reqlen = (size_t)len;
		w[i].deadline = start + seconds;
		if (pthread_create(&w[i].thread, NULL, worker_run, &w[i])
		    != 0) {
			fprintf(stderr, "loadgen: pthread_create failed\n");
			return 1;
		}
	}
	for (i = 0; i < (size_t)nthreads; i++) {
		pthread_join(w[i].thread, NULL);
		n += w[i].nlat;
	}
	elapsed = now_s() - start;
	if ((all = malloc((n ? n : 1) * sizeof(*all))) == NULL) {
		perror("loadgen: malloc");
		return 1;
	}
	for (i = 0; i < (size_t)nthreads; i++) {
		if (w[i].nlat > 0)
			memcpy(all + off, w[i].lat, w[i].nlat * sizeof(*all));
		off += w[i].nlat;
		accepted += w[i].accepted;
		other += w[i].other;
		errors += w[i].errors;
		reconnects += w[i].reconnects;
		free(w[i].lat);
	}
	qsort(all, n, sizeof(*all), cmp_double);
	printf("loadgen: %d connections, %.2f s: accepted %ld, per second "
	    "%.1f, other statuses %ld, errors %ld, reconnects %ld; latency "
	    "ms p50 %.2f p99 %.2f max %.2f\n", nthreads, elapsed, accepted,
	    (double)accepted / elapsed, other, errors, reconnects,
	    percentile(all, n, 50), percentile(all, n, 99),
	    n ? all[n - 1] : 0.0);
	free(all);
	free(w);
	free(req);
	return 0;
}
