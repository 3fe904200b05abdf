/*
 * test_smtp: daemon/shell/smtp.c against real servers on 127.0.0.1: the
 * fault-injecting aiosmtpd peer in tests/smtpd.py and postfix's
 * smtp-sink.  Servers run as child processes on free ports; the test
 * waits for smtpd.py's "ready PORT" line, or polls connect() for
 * smtp-sink, never a fixed sleep.  TLS material (two throwaway CAs and
 * server certificates) is generated with the openssl CLI into a
 * temporary directory at run time, so no key is ever committed.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "smtp.h"
#include "test.h"
#include "util.h"
#include "watchlog.h"

#define PYTHON		"/usr/bin/python3"
#define SMTP_SINK	"/usr/sbin/smtp-sink"

static char	tmpdir[] = "/tmp/planwatch-smtp.XXXXXX";
static int	have_tls;
static int	ndump;

struct server {
	pid_t	pid;
	int	port;
	char	dump[256];
};

/* A message as mail.c would compose it, with a line that needs dots. */
static const char message_text[] =
    "Date: Fri, 13 Sep 2024 09:00:00 +0200\r\n"
    "From: =?utf-8?q?P=C3=A5minnelse?= <planwatch@example.org>\r\n"
    "To: a@example.org, b@example.org,\r\n"
    " c@example.org\r\n"
    "Subject: =?utf-8?q?M=C3=B6te_p=C3=A5_fredag?=\r\n"
    "Message-ID: <pw.0123456789abcdef0123456789abcdef@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hej,\r\n"
    ".\r\n"
    ".. a line that starts with a dot\r\n"
    "From the start of a line\r\n"
    "Aktivitet 4.2 f=C3=B6rfaller 2024-09-20.\r\n";

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int
run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	return rc;
}

/*
 * Two CAs; a server certificate from the first naming localhost and
 * 127.0.0.1; one from the first naming only mail.example.org.
 */
static int
make_tls(void)
{
	char cmd[4096];
	const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
	    "-nodes";

	snprintf(cmd, sizeof(cmd),
	    "cd %s && exec >openssl.log 2>&1 && "
	    "for ca in ca ca2; do openssl req -x509 %s -keyout $ca.key "
	    "-out $ca.pem -days 2 -subj /CN=planwatch-test-$ca "
	    "-addext basicConstraints=critical,CA:TRUE "
	    "-addext keyUsage=critical,keyCertSign,cRLSign || exit 1; done && "
	    "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n"
	    "basicConstraints=CA:FALSE\\n' >good.ext && "
	    "printf 'subjectAltName=DNS:mail.example.org\\n"
	    "basicConstraints=CA:FALSE\\n' >wrong.ext && "
	    "for c in good wrong; do openssl req -new %s -keyout $c.key "
	    "-out $c.csr -subj /CN=$c && "
	    "openssl x509 -req -in $c.csr -CA ca.pem -CAkey ca.key "
	    "-CAcreateserial -days 2 -extfile $c.ext -out $c.pem || exit 1; "
	    "done", tmpdir, ec, ec);
	return run(cmd);
}

static void
path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/*
 * Starts tests/smtpd.py with the given options (NULL-terminated) and a
 * fresh dump directory, and waits (at most 10 s) for "ready PORT".
 */
static int
smtpd_start(struct server *sv, ...)
{
	const char *argv[32];
	char line[64], log[300];
	struct pollfd pfd;
	size_t n = 0, got = 0;
	va_list ap;
	int p[2], fd;
	ssize_t r;

	memset(sv, 0, sizeof(*sv));
	snprintf(sv->dump, sizeof(sv->dump), "%s/dump%d", tmpdir, ++ndump);
	if (mkdir(sv->dump, 0700) == -1)
		return -1;
	argv[n++] = PYTHON;
	argv[n++] = "tests/smtpd.py";
	argv[n++] = "--dump-dir";
	argv[n++] = sv->dump;
	va_start(ap, sv);
	while (n < nitems(argv) - 1 &&
	    (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/smtpd.log", sv->dump);

	if (pipe(p) == -1)
		return -1;
	if ((sv->pid = fork()) == -1)
		return -1;
	if (sv->pid == 0) {
		dup2(p[1], 1);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1)
			dup2(fd, 2);
		close(p[0]);
		close(p[1]);
		execv(PYTHON, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while (got < sizeof(line) - 1 && poll(&pfd, 1, 10000) == 1) {
		if ((r = read(p[0], line + got, sizeof(line) - 1 - got)) <= 0)
			break;
		got += (size_t)r;
		line[got] = '\0';
		if (strchr(line, '\n') != NULL)
			break;
	}
	close(p[0]);
	line[got] = '\0';
	if (sscanf(line, "ready %d", &sv->port) != 1) {
		fprintf(stderr, "smtpd.py did not start (see %s)\n", log);
		return -1;
	}
	return 0;
}

/* A port nobody listens on right now. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		close(fd);
		return -1;
	}
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
can_connect(int port)
{
	struct sockaddr_in sin;
	int fd, ok;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

/* Starts smtp-sink with extra options and polls until it listens. */
static int
sink_start(struct server *sv, const char *opt1, const char *opt2)
{
	const char *argv[12];
	char addr[64];
	size_t n = 0;
	int i, fd;

	memset(sv, 0, sizeof(*sv));
	if ((sv->port = free_port()) == -1)
		return -1;
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", sv->port);
	argv[n++] = SMTP_SINK;
	if (geteuid() == 0) {
		argv[n++] = "-u";
		argv[n++] = "nobody";
	}
	if (opt1 != NULL)
		argv[n++] = opt1;
	if (opt2 != NULL)
		argv[n++] = opt2;
	argv[n++] = addr;
	argv[n++] = "100";
	argv[n] = NULL;
	if ((sv->pid = fork()) == -1)
		return -1;
	if (sv->pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(SMTP_SINK, (char *const *)argv);
		_exit(127);
	}
	/* Bounded: 250 tries of 20 ms. */
	for (i = 0; i < 250; i++) {
		if (can_connect(sv->port))
			return 0;
		poll(NULL, 0, 20);
	}
	return -1;
}

static void
server_stop(struct server *sv)
{
	if (sv->pid > 0) {
		kill(sv->pid, SIGTERM);
		waitpid(sv->pid, NULL, 0);
		sv->pid = 0;
	}
}

/* The dump directory's log.jsonl, or "" when nothing arrived. */
static char *
dump_log(const struct server *sv)
{
	char p[300];
	char *s;

	snprintf(p, sizeof(p), "%s/log.jsonl", sv->dump);
	if ((s = read_file(p, NULL)) == NULL)
		s = xstrdup("");
	return s;
}

static char *
dump_msg(const struct server *sv, int n)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/%d.eml", sv->dump, n);
	return read_file(p, NULL);
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static size_t
count_str(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static void
config_plain(struct smtp_config *c, int port)
{
	memset(c, 0, sizeof(*c));
	c->host = "127.0.0.1";
	c->port = port;
	c->starttls = SMTP_STARTTLS_OFF;
	c->helo = "planwatch.test";
	c->connect_timeout_ms = 2000;
	c->greeting_timeout_ms = 5000;
	c->envelope_timeout_ms = 5000;
	c->data_timeout_ms = 5000;
	c->transfer_timeout_ms = 5000;
	c->data2_timeout_ms = 5000;
}

static void
delivery_init(struct delivery *d, struct delivery_rcpt *r,
    const char *const *addrs, size_t n, const char *id)
{
	size_t i;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].addr = addrs[i];
		r[i].result = DELIVERY_OK;	/* must be overwritten */
		r[i].code = -1;
	}
	d->from = "bounces@example.org";
	d->rcpt = r;
	d->nrcpt = n;
	d->data = message_text;
	d->len = strlen(message_text);
	d->message_id = id;
}

/* Sends one message through a fresh transport built from c. */
static int
send_one(const struct smtp_config *c, struct delivery *d, char *err,
    size_t errlen)
{
	struct smtp *s;
	int rc;

	if ((s = smtp_new(c, err, errlen)) == NULL) {
		TEST_FAIL("smtp_new: %s", err);
		return -2;
	}
	rc = smtp_send(s, d, 1, NULL, err, errlen);
	smtp_free(s);
	return rc;
}

static void
test_three_recipients(void)
{
	static const char *const to[] = { "a@example.org", "b@example.org",
	    "c@example.org" };
	struct delivery_rcpt r[3];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	char err[256], *log, *got;
	size_t i;

	if (smtpd_start(&sv, NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 3,
	    "pw.0123456789abcdef0123456789abcdef@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(err, "");
	for (i = 0; i < 3; i++) {
		CHECK_STR_EQ(delivery_result_name(r[i].result), "ok");
		CHECK_INT_EQ(r[i].code, 250);
	}
	CHECK(strstr(r[0].reply, "Message 1 accepted") != NULL);
	/* Byte for byte: no added Date or Message-Id, To untouched. */
	got = dump_msg(&sv, 1);
	CHECK_STR_EQ(got, message_text);
	free(got);
	CHECK(dump_msg(&sv, 2) == NULL);
	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 1);
	CHECK(strstr(log, "\"rcpts\": [\"a@example.org\", \"b@example.org\", "
	    "\"c@example.org\"]") != NULL);
	CHECK(strstr(log, "\"from\": \"bounces@example.org\"") != NULL);
	free(log);
	server_stop(&sv);
}

/* A text without Message-ID gets the one from struct delivery. */
static void
test_missing_message_id(void)
{
	static const char *const to[] = { "a@example.org" };
	static const char text[] =
	    "Date: Fri, 13 Sep 2024 09:00:00 +0200\r\n"
	    "From: planwatch@example.org\r\n"
	    "To: a@example.org\r\n"
	    "Subject: test\r\n"
	    "\r\n"
	    "body\r\n";
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	char err[256], *got;

	if (smtpd_start(&sv, NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 1, "<pw.noid@example.org>");
	d.data = text;
	d.len = strlen(text);
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");
	got = dump_msg(&sv, 1);
	CHECK(got != NULL && strstr(got,
	    "\r\nMessage-Id: <pw.noid@example.org>\r\n") != NULL);
	CHECK(got != NULL && count_str(got, "Date:") == 1);
	CHECK(got != NULL && strstr(got, "\r\n\r\nbody\r\n") != NULL);
	free(got);
	server_stop(&sv);
}

static void
test_mixed_recipients(void)
{
	static const char *const to[] = { "temp1@example.org",
	    "perm1@example.org", "ok@example.org" };
	struct delivery_rcpt r[3];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	char err[256], *log;

	if (smtpd_start(&sv, NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 3, "pw.mixed@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_INT_EQ(r[0].code, 451);
	CHECK(strstr(r[0].reply, "Temporary failure") != NULL);
	CHECK_STR_EQ(delivery_result_name(r[1].result), "permfail");
	CHECK_INT_EQ(r[1].code, 550);
	CHECK(strstr(r[1].reply, "No such mailbox") != NULL);
	CHECK_STR_EQ(delivery_result_name(r[2].result), "ok");
	CHECK_INT_EQ(r[2].code, 250);
	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 1);
	CHECK(strstr(log, "\"rcpts\": [\"ok@example.org\"]") != NULL);
	free(log);
	server_stop(&sv);
}

static void
test_server_down(void)
{
	static const char *const to[] = { "a@example.org" };
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct timespec t0;
	char err[256];

	config_plain(&c, free_port());
	delivery_init(&d, r, to, 1, "pw.down@example.org");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	CHECK(ms_since(&t0) < 1000);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_INT_EQ(r[0].code, 0);
	CHECK(strstr(err, "Connection refused") != NULL);
	CHECK_STR_EQ(r[0].reply, err);
}

/*
 * A server that never answers the SYN, on loopback without root: a
 * listening socket whose accept queue is full makes Linux drop further
 * SYNs, exactly like a firewall that drops packets.  Without our own
 * connect timeout libesmtp would block for over two minutes here.
 */
static void
test_connect_timeout(void)
{
	static const char *const to[] = { "a@example.org" };
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct sockaddr_in sin;
	struct pollfd pfd;
	struct timespec t0;
	socklen_t len = sizeof(sin);
	char err[256];
	int lfd, fill[8], nfill = 0, i, full = 0;
	long ms;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 0) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1) {
		TEST_FAIL("listen: %s", strerror(errno));
		close(lfd);
		return;
	}
	/* Connect until one connection no longer completes. */
	while (nfill < (int)nitems(fill) && !full) {
		fill[nfill] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[nfill], (struct sockaddr *)&sin, sizeof(sin));
		pfd.fd = fill[nfill++];
		pfd.events = POLLOUT;
		full = poll(&pfd, 1, 200) == 0;
	}
	if (!full) {
		TEST_FAIL("could not fill the accept queue");
		goto out;
	}
	config_plain(&c, ntohs(sin.sin_port));
	c.connect_timeout_ms = 1000;
	delivery_init(&d, r, to, 1, "pw.nosyn@example.org");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	ms = ms_since(&t0);
	if (ms < 900 || ms > 3000)
		TEST_FAIL("connect timeout of 1000 ms took %ld ms", ms);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK(strstr(err, "no answer within 1000 ms") != NULL);
out:
	for (i = 0; i < nfill; i++)
		close(fill[i]);
	close(lfd);
}

static void
test_greeting_timeout(void)
{
	static const char *const to[] = { "a@example.org" };
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	struct timespec t0;
	char err[256];
	long ms;

	if (smtpd_start(&sv, "--no-greeting", NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	c.greeting_timeout_ms = 1000;
	delivery_init(&d, r, to, 1, "pw.silent@example.org");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	ms = ms_since(&t0);
	if (ms < 900 || ms > 3000)
		TEST_FAIL("greeting timeout of 1000 ms took %ld ms", ms);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_INT_EQ(r[0].code, 0);
	CHECK(err[0] != '\0');
	server_stop(&sv);
}

static void
test_drop_after_data(void)
{
	static const char *const to[] = { "a@example.org" };
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	char err[256], *got;

	if (smtpd_start(&sv, "--drop-after-data", NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 1, "pw.dropped@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_INT_EQ(r[0].code, 0);
	CHECK(strstr(r[0].reply, "may have it") != NULL);
	/* The ambiguity is real: the server did store it. */
	got = dump_msg(&sv, 1);
	CHECK(got != NULL);
	free(got);
	server_stop(&sv);
}

static void
test_sink_stalls(void)
{
	static const char *const to[] = { "a@example.org", "b@example.org" };
	struct delivery_rcpt r[2];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	struct timespec t0;
	char err[256];
	long ms;

	/* The greeting comes after 3 s; we wait 1 s. */
	if (sink_start(&sv, "-W", "CONNECT:3") == -1) {
		TEST_FAIL("smtp-sink did not start");
		return;
	}
	config_plain(&c, sv.port);
	c.greeting_timeout_ms = 1000;
	delivery_init(&d, r, to, 2, "pw.sink1@example.org");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	ms = ms_since(&t0);
	if (ms > 2900)
		TEST_FAIL("greeting timeout of 1000 ms took %ld ms", ms);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_STR_EQ(delivery_result_name(r[1].result), "tempfail");
	server_stop(&sv);

	/* DATA is answered after 3 s; we wait 1 s for it. */
	if (sink_start(&sv, "-w", "3") == -1) {
		TEST_FAIL("smtp-sink did not start");
		return;
	}
	config_plain(&c, sv.port);
	c.data_timeout_ms = 1000;
	delivery_init(&d, r, to, 2, "pw.sink2@example.org");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	ms = ms_since(&t0);
	if (ms > 2900)
		TEST_FAIL("data timeout of 1000 ms took %ld ms", ms);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_STR_EQ(delivery_result_name(r[1].result), "tempfail");
	server_stop(&sv);

	/* And a sink that answers: both recipients delivered. */
	if (sink_start(&sv, NULL, NULL) == -1) {
		TEST_FAIL("smtp-sink did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 2, "pw.sink3@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r[1].result), "ok");
	server_stop(&sv);
}

static void
test_sink_data_reject(void)
{
	static const char *const to[] = { "a@example.org", "b@example.org" };
	struct delivery_rcpt r[2];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	char err[256];

	/* 5xx after the data: every recipient of the message fails. */
	if (sink_start(&sv, "-f", ".") == -1) {
		TEST_FAIL("smtp-sink did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 2, "pw.sink4@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "permfail");
	CHECK_INT_EQ(r[0].code / 100, 5);
	CHECK_STR_EQ(delivery_result_name(r[1].result), "permfail");
	CHECK_INT_EQ(r[1].code / 100, 5);
	CHECK(strncmp(r[1].reply, "DATA: ", 6) == 0);
	server_stop(&sv);

	/* 4xx after the data: every recipient is retried. */
	if (sink_start(&sv, "-r", ".") == -1) {
		TEST_FAIL("smtp-sink did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 2, "pw.sink5@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_INT_EQ(r[0].code / 100, 4);
	CHECK_STR_EQ(delivery_result_name(r[1].result), "tempfail");
	CHECK_INT_EQ(r[1].code / 100, 4);
	server_stop(&sv);

	/* 421 and a closed connection at MAIL. */
	if (sink_start(&sv, "-Q", "MAIL") == -1) {
		TEST_FAIL("smtp-sink did not start");
		return;
	}
	config_plain(&c, sv.port);
	delivery_init(&d, r, to, 2, "pw.sink6@example.org");
	send_one(&c, &d, err, sizeof(err));
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK_STR_EQ(delivery_result_name(r[1].result), "tempfail");
	server_stop(&sv);
}

/*
 * Three messages for one session: to a@, to perm2@ (550) and b@, to c@;
 * Message-IDs pw.TAG1@example.org and so on.
 */
static void
three_messages(struct delivery d[3], struct delivery_rcpt r1[1],
    struct delivery_rcpt r2[2], struct delivery_rcpt r3[1], const char *tag)
{
	static const char *const to1[] = { "a@example.org" };
	static const char *const to2[] = { "perm2@example.org",
	    "b@example.org" };
	static const char *const to3[] = { "c@example.org" };
	static char ids[3][64];

	snprintf(ids[0], sizeof(ids[0]), "pw.%s1@example.org", tag);
	snprintf(ids[1], sizeof(ids[1]), "pw.%s2@example.org", tag);
	snprintf(ids[2], sizeof(ids[2]), "pw.%s3@example.org", tag);
	delivery_init(&d[0], r1, to1, 1, ids[0]);
	delivery_init(&d[1], r2, to2, 2, ids[1]);
	delivery_init(&d[2], r3, to3, 1, ids[2]);
}

static void
test_batch(void)
{
	struct delivery_rcpt r1[1], r2[2], r3[1];
	struct delivery d[3];
	struct smtp_config c;
	struct smtp *s;
	struct server sv;
	char err[256], *log;

	if (smtpd_start(&sv, NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	three_messages(d, r1, r2, r3, "batch");
	if ((s = smtp_new(&c, err, sizeof(err))) == NULL) {
		TEST_FAIL("smtp_new: %s", err);
		server_stop(&sv);
		return;
	}
	CHECK_INT_EQ(smtp_send(s, d, 3, NULL, err, sizeof(err)), 0);
	smtp_free(s);
	CHECK_STR_EQ(delivery_result_name(r1[0].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r2[0].result), "permfail");
	CHECK_STR_EQ(delivery_result_name(r2[1].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r3[0].result), "ok");
	CHECK(strstr(r3[0].reply, "Message 3 accepted") != NULL);
	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 3);
	/*
	 * One connection carried all three (connection 1 was our own
	 * reachability probe, which sends nothing).
	 */
	CHECK_INT_EQ(count_str(log, "\"conn\": 2}"), 3);
	free(log);
	server_stop(&sv);
}

/* For the watch: how many messages the server has stored. */
static size_t
stored(const void *arg)
{
	char *log = dump_log(arg);
	size_t n = count_lines(log);

	free(log);
	return n;
}

/*
 * The watch hears of each message's outcome as soon as the server has
 * answered, before the next message's data ends; a refusing commit()
 * keeps the server from ever getting that message.
 */
static void
test_watch(void)
{
	struct delivery_rcpt r1[1], r2[2], r3[1];
	struct delivery d[3];
	struct watch_log w;
	struct smtp_config c;
	struct smtp *s;
	struct server sv;
	char err[256], *log;

	if (smtpd_start(&sv, NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	if ((s = smtp_new(&c, err, sizeof(err))) == NULL) {
		TEST_FAIL("smtp_new: %s", err);
		server_stop(&sv);
		return;
	}
	three_messages(d, r1, r2, r3, "watch");
	watch_log_init(&w, 0, stored, &sv);
	CHECK_INT_EQ(smtp_send(s, d, 3, &w.dw, err, sizeof(err)), 0);
	CHECK_STR_EQ(w.ev, "c d0 c d1 c d2 ");
	/* Told of each message right after the server stored it. */
	CHECK_INT_EQ(w.seen[0], 1);
	CHECK_INT_EQ(w.seen[1], 2);
	CHECK_INT_EQ(w.seen[2], 3);
	CHECK_STR_EQ(delivery_result_name(r2[0].result), "permfail");
	CHECK_STR_EQ(delivery_result_name(r2[1].result), "ok");

	/* The second commit() refuses: only the first message goes out. */
	three_messages(d, r1, r2, r3, "held");
	watch_log_init(&w, 2, stored, &sv);
	CHECK_INT_EQ(smtp_send(s, d, 3, &w.dw, err, sizeof(err)), -1);
	CHECK_STR_EQ(err, DELIVERY_HELD);
	CHECK_STR_EQ(w.ev, "c d0 c ");
	CHECK_STR_EQ(delivery_result_name(r1[0].result), "ok");
	CHECK_STR_EQ(delivery_result_name(r2[0].result), "permfail");
	CHECK_STR_EQ(delivery_result_name(r2[1].result), "tempfail");
	CHECK_STR_EQ(r2[1].reply, DELIVERY_HELD);
	CHECK_STR_EQ(delivery_result_name(r3[0].result), "tempfail");
	CHECK_STR_EQ(r3[0].reply, DELIVERY_HELD);
	smtp_free(s);
	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 4);
	CHECK_INT_EQ(count_str(log, "b@example.org"), 1);
	free(log);
	server_stop(&sv);
}

static void
config_tls(struct smtp_config *c, int port, const char *ca)
{
	static char cabuf[2][300];
	static int which;

	config_plain(c, port);
	c->starttls = SMTP_STARTTLS_REQUIRED;
	which ^= 1;
	path(cabuf[which], sizeof(cabuf[which]), ca);
	c->ca_file = cabuf[which];
}

static void
test_starttls(void)
{
	static const char *const to[] = { "a@example.org" };
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct smtp *s;
	struct server sv;
	char err[256], cert[300], key[300], *log;

	if (!have_tls) {
		TEST_FAIL("no TLS material");
		return;
	}
	path(cert, sizeof(cert), "good.pem");
	path(key, sizeof(key), "good.key");
	if (smtpd_start(&sv, "--tls-cert", cert, "--tls-key", key,
	    NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	/* Two sessions on one transport: the second crashed libesmtp. */
	config_tls(&c, sv.port, "ca.pem");
	if ((s = smtp_new(&c, err, sizeof(err))) == NULL) {
		TEST_FAIL("smtp_new: %s", err);
		server_stop(&sv);
		return;
	}
	delivery_init(&d, r, to, 1, "pw.tls1@example.org");
	CHECK_INT_EQ(smtp_send(s, &d, 1, NULL, err, sizeof(err)), 0);
	CHECK_STR_EQ(err, "");
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");
	delivery_init(&d, r, to, 1, "pw.tls2@example.org");
	CHECK_INT_EQ(smtp_send(s, &d, 1, NULL, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");
	smtp_free(s);

	/* By name: the certificate names localhost. */
	config_tls(&c, sv.port, "ca.pem");
	c.host = "localhost";
	delivery_init(&d, r, to, 1, "pw.tls3@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");

	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 3);
	CHECK(strstr(log, "\"tls\": false") == NULL);
	free(log);

	/* A CA that did not sign the server's certificate. */
	config_tls(&c, sv.port, "ca2.pem");
	delivery_init(&d, r, to, 1, "pw.tls4@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK(strstr(err, "tls") != NULL);
	CHECK(strstr(err, "certificate refused: unable to get local issuer "
	    "certificate") != NULL);

	/* Opportunistic TLS does not fall back when verification fails. */
	c.starttls = SMTP_STARTTLS_OPPORTUNISTIC;
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK(strstr(err, "certificate refused") != NULL);
	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 3);
	free(log);

	/* The right CA, but the certificate names another host. */
	config_tls(&c, sv.port, "ca.pem");
	c.host = "localhost";
	server_stop(&sv);
	path(cert, sizeof(cert), "wrong.pem");
	path(key, sizeof(key), "wrong.key");
	if (smtpd_start(&sv, "--tls-cert", cert, "--tls-key", key,
	    NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	c.port = sv.port;
	delivery_init(&d, r, to, 1, "pw.tls5@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK(strstr(err, "certificate refused: hostname mismatch") != NULL);
	/* The same by address. */
	c.host = "127.0.0.1";
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK(strstr(err, "certificate refused: IP address mismatch") != NULL);
	log = dump_log(&sv);
	CHECK_STR_EQ(log, "");
	free(log);
	server_stop(&sv);

	/* STARTTLS required, server without TLS: nothing is sent. */
	if (smtpd_start(&sv, NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_tls(&c, sv.port, "ca.pem");
	delivery_init(&d, r, to, 1, "pw.tls6@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
	CHECK(strstr(err, "STARTTLS") != NULL);
	/* Opportunistic: the same server gets it in plain text. */
	c.starttls = SMTP_STARTTLS_OPPORTUNISTIC;
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");
	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 1);
	free(log);
	server_stop(&sv);
}

static void
test_auth(void)
{
	static const char *const to[] = { "a@example.org" };
	static const char *const mechs[] = { "PLAIN", "LOGIN" };
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	char err[256], cert[300], key[300], *log;
	size_t i;

	if (!have_tls) {
		TEST_FAIL("no TLS material");
		return;
	}
	path(cert, sizeof(cert), "good.pem");
	path(key, sizeof(key), "good.key");
	for (i = 0; i < nitems(mechs); i++) {
		if (smtpd_start(&sv, "--tls-cert", cert, "--tls-key", key,
		    "--auth", "planwatch:s3cret p\xc3\xa5ss", "--auth-mech",
		    mechs[i], NULL) == -1) {
			TEST_FAIL("smtpd.py did not start");
			return;
		}
		config_tls(&c, sv.port, "ca.pem");
		c.user = "planwatch";
		c.secret = "s3cret p\xc3\xa5ss";
		delivery_init(&d, r, to, 1, "pw.auth1@example.org");
		CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
		CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");

		/* A wrong password shows only as MAIL 530. */
		c.secret = "wrong";
		delivery_init(&d, r, to, 1, "pw.auth2@example.org");
		CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
		CHECK_STR_EQ(delivery_result_name(r[0].result), "tempfail");
		CHECK_INT_EQ(r[0].code, 530);
		CHECK(strstr(err, "authentication failed") != NULL);
		CHECK(strstr(err, "wrong") == NULL);

		/* No credentials at all. */
		c.user = c.secret = NULL;
		CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), -1);
		CHECK_INT_EQ(r[0].code, 530);
		CHECK(strstr(err, "authentication is required") != NULL);

		log = dump_log(&sv);
		CHECK_INT_EQ(count_lines(log), 1);
		CHECK(strstr(log, "\"auth\": \"planwatch\"") != NULL);
		free(log);
		server_stop(&sv);
	}
}

struct worker {
	struct smtp	*smtp;
	int		 nok;
};

static void *
worker_main(void *arg)
{
	static const char *const to[] = { "a@example.org", "b@example.org" };
	struct worker *w = arg;
	struct delivery_rcpt r[2];
	struct delivery d;
	char err[256];
	int i;

	for (i = 0; i < 3; i++) {
		delivery_init(&d, r, to, 2, "pw.thread@example.org");
		if (smtp_send(w->smtp, &d, 1, NULL, err, sizeof(err)) == 0 &&
		    r[0].result == DELIVERY_OK && r[1].result == DELIVERY_OK)
			w->nok++;
	}
	smtp_free(w->smtp);
	return NULL;
}

static void
test_threads(void)
{
	struct worker w[4];
	pthread_t t[4];
	struct smtp_config c;
	struct smtp *s;
	struct server sv;
	char err[256], cert[300], key[300], *log;
	size_t i;

	if (!have_tls) {
		TEST_FAIL("no TLS material");
		return;
	}
	path(cert, sizeof(cert), "good.pem");
	path(key, sizeof(key), "good.key");
	if (smtpd_start(&sv, "--tls-cert", cert, "--tls-key", key,
	    NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_tls(&c, sv.port, "ca.pem");
	if ((s = smtp_new(&c, err, sizeof(err))) == NULL) {
		TEST_FAIL("smtp_new: %s", err);
		server_stop(&sv);
		return;
	}
	/* One shared transport (and TLS context), four threads. */
	for (i = 0; i < nitems(t); i++) {
		w[i].smtp = smtp_ref(s);
		w[i].nok = 0;
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	smtp_free(s);
	for (i = 0; i < nitems(t); i++) {
		pthread_join(t[i], NULL);
		CHECK_INT_EQ(w[i].nok, 3);
	}
	log = dump_log(&sv);
	CHECK_INT_EQ(count_lines(log), 12);
	free(log);
	server_stop(&sv);
}

static void
test_config(void)
{
	struct smtp_config c;
	struct smtp *s;
	char err[256];

	config_plain(&c, 25);
	c.host = NULL;
	CHECK(smtp_new(&c, err, sizeof(err)) == NULL);
	CHECK_STR_EQ(err, "smtp: host is required");

	config_plain(&c, 25);
	c.host = "::1";
	CHECK(smtp_new(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "IPv6") != NULL);

	config_plain(&c, 25);
	c.greeting_timeout_ms = 999;
	CHECK(smtp_new(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "greeting timeout 999 ms") != NULL);

	config_plain(&c, 25);
	c.starttls = SMTP_STARTTLS_REQUIRED;
	c.ca_file = "/nonexistent/ca.pem";
	CHECK(smtp_new(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "/nonexistent/ca.pem") != NULL);

	/* A password must not cross a network in clear text... */
	config_plain(&c, 25);
	c.host = "mail.example.org";
	c.starttls = SMTP_STARTTLS_OPPORTUNISTIC;
	c.user = "u";
	c.secret = "p";
	CHECK(smtp_new(&c, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "needs starttls") != NULL);
	CHECK(strstr(err, "p\"") == NULL);
	/* ...but may to a relay on this machine. */
	c.host = "127.0.0.1";
	c.starttls = SMTP_STARTTLS_OFF;
	s = smtp_new(&c, err, sizeof(err));
	CHECK(s != NULL);
	smtp_free(s);

	config_plain(&c, 25);
	c.user = "u";
	CHECK(smtp_new(&c, err, sizeof(err)) == NULL);
	CHECK_STR_EQ(err, "smtp: user and secret go together");

	/* Defaults and the system CA store. */
	config_plain(&c, 0);
	c.connect_timeout_ms = c.greeting_timeout_ms = 0;
	c.starttls = SMTP_STARTTLS_REQUIRED;
	s = smtp_new(&c, err, sizeof(err));
	CHECK(s != NULL);
	smtp_free(s);
	smtp_free(NULL);
}

static void
test_auth_plain_loopback(void)
{
	static const char *const to[] = { "a@example.org" };
	struct delivery_rcpt r[1];
	struct delivery d;
	struct smtp_config c;
	struct server sv;
	char err[256], *log;

	/* A local relay without TLS: AUTH is allowed on loopback. */
	if (smtpd_start(&sv, "--auth", "u:p", NULL) == -1) {
		TEST_FAIL("smtpd.py did not start");
		return;
	}
	config_plain(&c, sv.port);
	c.user = "u";
	c.secret = "p";
	delivery_init(&d, r, to, 1, "pw.auth3@example.org");
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
	CHECK_STR_EQ(delivery_result_name(r[0].result), "ok");
	log = dump_log(&sv);
	CHECK(strstr(log, "\"auth\": \"u\"") != NULL);
	free(log);
	server_stop(&sv);
}

static void
test_secret_read(void)
{
	char p[300], err[256], *s;
	FILE *f;

	path(p, sizeof(p), "secret");
	f = fopen(p, "w");
	fputs("hemligt l\xc3\xb6senord\nsecond line\n", f);
	fclose(f);
	chmod(p, 0644);
	CHECK(smtp_secret_read(p, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "mode 644") != NULL);
	chmod(p, 0640);
	CHECK(smtp_secret_read(p, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "mode 640") != NULL);
	chmod(p, 0600);
	s = smtp_secret_read(p, err, sizeof(err));
	CHECK_STR_EQ(s, "hemligt l\xc3\xb6senord");
	free(s);
	f = fopen(p, "w");
	fputs("\n", f);
	fclose(f);
	CHECK(smtp_secret_read(p, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "empty") != NULL);
	path(p, sizeof(p), "no-such-secret");
	CHECK(smtp_secret_read(p, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "No such file") != NULL);
}

static void
test_no_recipients(void)
{
	struct delivery d;
	struct smtp_config c;
	char err[256];

	/* Nothing to do: no connection is even attempted. */
	memset(&d, 0, sizeof(d));
	d.data = message_text;
	d.len = strlen(message_text);
	config_plain(&c, free_port());
	CHECK_INT_EQ(send_one(&c, &d, err, sizeof(err)), 0);
}

int
main(void)
{
	char cmd[400];

	signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	smtp_init();
	have_tls = make_tls() == 0;

	TEST_RUN(test_config);
	TEST_RUN(test_secret_read);
	TEST_RUN(test_no_recipients);
	TEST_RUN(test_three_recipients);
	TEST_RUN(test_missing_message_id);
	TEST_RUN(test_mixed_recipients);
	TEST_RUN(test_batch);
	TEST_RUN(test_watch);
	TEST_RUN(test_server_down);
	TEST_RUN(test_connect_timeout);
	TEST_RUN(test_greeting_timeout);
	TEST_RUN(test_drop_after_data);
	TEST_RUN(test_sink_stalls);
	TEST_RUN(test_sink_data_reject);
	TEST_RUN(test_starttls);
	TEST_RUN(test_auth);
	TEST_RUN(test_auth_plain_loopback);
	TEST_RUN(test_threads);

	if (getenv("KEEP_TMP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		system(cmd);
	}
	return TEST_END("smtp");
}
