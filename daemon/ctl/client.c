/*
 * client: the control-socket client and the request -> print helper
 * every command that talks to the daemon uses (see client.h).  Ctl: a
 * Unix socket, the reply on stdout, a refusal on stderr.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"
#include "conf.h"
#include "host.h"
#include "parser.h"
#include "util.h"

json_t *
client_request(const char *sock_path, const char *conf_path, json_t *req)
{
	struct sockaddr_un sun;
	struct diag d = { 0 };
	struct buf in = { 0 };
	char *path, *text, chunk[8192];
	json_error_t jerr;
	json_t *resp;
	ssize_t n;
	int fd;

	if (sock_path != NULL)
		path = xstrdup(sock_path);
	else if ((path = conf_socket_path(host_source(), conf_path,
	    &d)) == NULL) {
		diag_print(&d, stderr);
		exit(1);
	}
	diag_free(&d);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "planwatchctl: socket path %s is too long\n",
		    path);
		exit(1);
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "planwatchctl: planwatchd is not "
			    "running (no daemon at %s); start it with "
			    "'planwatchd -d -f %s' or 'systemctl start "
			    "planwatchd'\n", path, sock_path ? "FILE" :
			    conf_path);
		else
			fprintf(stderr, "planwatchctl: %s: %s\n", path,
			    strerror(errno));
		exit(1);
	}
	free(path);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	buf_adds(&in, text);
	buf_addc(&in, '\n');
	free(text);
	if (write(fd, in.s, in.len) != (ssize_t)in.len) {
		fprintf(stderr, "planwatchctl: write: %s\n", strerror(errno));
		exit(1);
	}
	buf_reset(&in);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&in, chunk, (size_t)n);
	close(fd);
	resp = in.s ? json_loads(in.s, 0, &jerr) : NULL;
	buf_free(&in);
	if (resp == NULL) {
		fprintf(stderr, "planwatchctl: no valid reply from planwatchd\n");
		exit(1);
	}
	return resp;
}

void
print_json(json_t *reply)
{
	char *s = json_dumps(reply, JSON_INDENT(2));

	puts(s);
	free(s);
}

/* Prints a refusal: the reason, in Swedish too, and any diagnostics. */
static void
print_refusal(json_t *resp)
{
	const char *diag;

	if (ctl.json_out) {
		print_json(resp);
		return;
	}
	fprintf(stderr, "planwatchctl: %s\n",
	    json_string_value(json_object_get(resp, "error")));
	/* A refused report says it in Swedish too. */
	diag = json_string_value(json_object_get(resp, "error_sv"));
	if (diag != NULL)
		fprintf(stderr, "planwatchctl: %s\n", diag);
	diag = json_string_value(json_object_get(resp, "diagnostics"));
	if (diag != NULL)
		fputs(diag, stderr);
}

int
ctl_call(json_t *req, void (*print)(json_t *, const void *), const void *ctx)
{
	json_t *r = client_request(ctl.sock_path, ctl.conf_path, req);
	int rc = 0;

	if (!json_is_true(json_object_get(r, "ok"))) {
		print_refusal(r);
		rc = 1;
	} else if (ctl.json_out)
		print_json(r);
	else
		print(r, ctx);
	json_decref(r);
	return rc;
}
