/*
 * control: the control socket.  Requests are small and handled on the loop
 * thread; a client that sends nothing within CLIENT_TIMEOUT_MS or more than
 * CONTROL_MAX_REQUEST bytes is dropped, so one stuck planwatchctl cannot
 * hold a connection slot for ever.  Shell: the daemon's end of the
 * socket; planwatchctl's client end is daemon/ctl/client.c.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "control.h"
#include "log.h"
#include "util.h"

#define CLIENT_TIMEOUT_MS	30000

struct control {
	uv_loop_t		*loop;
	uv_pipe_t		 server;
	char			*path;
	control_handler_cb	*handler;
	void			*arg;
	struct control_client		*clients;
	int			 stopping;
};

struct control_client {
	struct control		*ctl;
	int			 pending;	/* handler answers later */
	int			 gone;		/* handles closed meanwhile */
	struct control_client		*next;
	uv_pipe_t		 pipe;
	uv_timer_t		 timer;
	struct buf		 in;
	struct control_peer	 peer;
	char			*out;
	uv_write_t		 wreq;
	int			 handled;
	int			 closing;
};

json_t *
control_verror(const char *fmt, va_list ap)
{
	struct buf b = { 0 };
	json_t *j;

	buf_vprintf(&b, fmt, ap);
	j = json_pack("{s:b, s:s}", "ok", 0, "error", b.s ? b.s : "");
	buf_free(&b);
	return j;
}

json_t *
control_error(const char *fmt, ...)
{
	va_list ap;
	json_t *j;

	va_start(ap, fmt);
	j = control_verror(fmt, ap);
	va_end(ap);
	return j;
}

json_t *
control_ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static void
client_free(struct control_client *c)
{
	buf_free(&c->in);
	free(c->out);
	free(c);
}

static void
client_free_cb(uv_handle_t *h)
{
	struct control_client *c = h->data;

	/* Two handles close; the client goes with the second. */
	if (--c->closing > 0)
		return;
	/* A reply still owed keeps the memory until control_reply(). */
	if (c->pending) {
		c->gone = 1;
		return;
	}
	client_free(c);
}

static void
client_close(struct control_client *c)
{
	struct control_client **pp;

	if (c->closing)
		return;
	for (pp = &c->ctl->clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->closing = 2;
	uv_close((uv_handle_t *)&c->pipe, client_free_cb);
	uv_close((uv_handle_t *)&c->timer, client_free_cb);
}

static void
write_cb(uv_write_t *req, int status)
{
	struct control_client *c = req->data;

	if (status < 0 && status != UV_ECANCELED)
		log_debug("control: write: %s", uv_strerror(status));
	client_close(c);
}

static void
reply(struct control_client *c, json_t *resp)
{
	uv_buf_t b;
	char *text;

	if (resp == NULL)
		resp = control_error("internal error");
	text = json_dumps(resp, JSON_COMPACT);
	json_decref(resp);
	if (text == NULL) {
		client_close(c);
		return;
	}
	c->out = xasprintf("%s\n", text);
	free(text);
	b = uv_buf_init(c->out, (unsigned int)strlen(c->out));
	c->wreq.data = c;
	if (uv_write(&c->wreq, (uv_stream_t *)&c->pipe, &b, 1, write_cb) != 0)
		client_close(c);
}

static void
handle(struct control_client *c)
{
	json_error_t jerr;
	json_t *req, *resp;
	char *nl = memchr(c->in.s, '\n', c->in.len);

	c->handled = 1;
	uv_read_stop((uv_stream_t *)&c->pipe);
	uv_timer_stop(&c->timer);
	req = json_loadb(c->in.s, (size_t)(nl - c->in.s),
	    JSON_REJECT_DUPLICATES, &jerr);
	if (req == NULL || !json_is_object(req)) {
		json_decref(req);
		reply(c, control_error("malformed request"));
		return;
	}
	resp = c->ctl->handler(c->ctl->arg, &c->peer, req,
	    c);
	json_decref(req);
	if (resp == NULL)
		c->pending = 1;
	else
		reply(c, resp);
}

void
control_reply(struct control_client *cc, json_t *resp)
{
	struct control_client *c = cc;

	c->pending = 0;
	if (c->gone) {
		json_decref(resp);
		client_free(c);
		return;
	}
	if (c->closing) {
		/* Closing now: the close callbacks free it. */
		json_decref(resp);
		return;
	}
	reply(c, resp);
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

static void
read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct control_client *c = s->data;

	if (c->handled)
		return;
	if (n < 0) {
		client_close(c);
		return;
	}
	buf_add(&c->in, b->base, (size_t)n);
	if (memchr(c->in.s, '\n', c->in.len) != NULL)
		handle(c);
	else if (c->in.len > CONTROL_MAX_REQUEST) {
		c->handled = 1;
		uv_read_stop(s);
		reply(c, control_error("request larger than %d bytes",
		    CONTROL_MAX_REQUEST));
	}
}

static void
timeout_cb(uv_timer_t *t)
{
	client_close(t->data);
}

static void
identify(struct control_client *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;
	struct passwd pw, *res = NULL;
	char pwbuf[1024];

	snprintf(c->peer.user, sizeof(c->peer.user), "unknown");
	c->peer.uid = (uid_t)-1;
	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return;
	c->peer.uid = cred.uid;
	c->peer.gid = cred.gid;
	c->peer.pid = cred.pid;
	if (getpwuid_r(cred.uid, &pw, pwbuf, sizeof(pwbuf), &res) == 0 &&
	    res != NULL)
		snprintf(c->peer.user, sizeof(c->peer.user), "%s",
		    pw.pw_name);
	else
		snprintf(c->peer.user, sizeof(c->peer.user), "uid %lu",
		    (unsigned long)cred.uid);
	/*
	 * The groups the connecting process holds, as the kernel checked
	 * them against the socket's mode -- not the group file, which may
	 * have changed since the caller logged in.
	 */
	len = sizeof(c->peer.groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, c->peer.groups,
	    &len) == 0)
		c->peer.ngroups = (int)(len / sizeof(gid_t));
	else {
		log_warn("control: the caller's groups (SO_PEERGROUPS)");
		c->peer.ngroups = 0;
	}
}

int
control_peer_in_group(const struct control_peer *peer, gid_t gid)
{
	int i;

	if (peer->gid == gid)
		return 1;
	for (i = 0; i < peer->ngroups; i++)
		if (peer->groups[i] == gid)
			return 1;
	return 0;
}

static void
connection_cb(uv_stream_t *server, int status)
{
	struct control *ctl = server->data;
	struct control_client *c;

	if (status < 0) {
		log_warnx("control: accept: %s", uv_strerror(status));
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->ctl = ctl;
	uv_pipe_init(ctl->loop, &c->pipe, 0);
	uv_timer_init(ctl->loop, &c->timer);
	c->pipe.data = c->timer.data = c;
	c->next = ctl->clients;
	ctl->clients = c;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) != 0) {
		client_close(c);
		return;
	}
	identify(c);
	uv_timer_start(&c->timer, timeout_cb, CLIENT_TIMEOUT_MS, 0);
	uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb);
}

/* Removes a socket file nobody listens on; refuses a live one. */
static int
clear_stale(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "control socket %s exists and is not a "
		    "socket", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "control socket %s is in use by another "
		    "process", path);
		return -1;
	}
	unlink(path);
	return 0;
}

struct control *
control_start(uv_loop_t *loop, const char *path, const char *group,
    control_handler_cb *handler, void *arg, char *err, size_t errlen)
{
	struct control *ctl;
	struct group gr, *gres = NULL;
	char grbuf[4096];
	mode_t old;
	int rc;

	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "control socket path %s is too long",
		    path);
		return NULL;
	}
	if (clear_stale(path, err, errlen) != 0)
		return NULL;
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->loop = loop;
	ctl->path = xstrdup(path);
	ctl->handler = handler;
	ctl->arg = arg;
	uv_pipe_init(loop, &ctl->server, 0);
	ctl->server.data = ctl;
	/* Created 0660 from the start: no window where others may connect. */
	old = umask(0117);
	rc = uv_pipe_bind(&ctl->server, path);
	umask(old);
	if (rc == 0 && group != NULL) {
		if (getgrnam_r(group, &gr, grbuf, sizeof(grbuf), &gres) != 0 ||
		    gres == NULL) {
			snprintf(err, errlen, "control_group '%s' is not a "
			    "group", group);
			goto fail;
		}
		if (chown(path, (uid_t)-1, gr.gr_gid) == -1) {
			snprintf(err, errlen, "%s: chown: %s", path,
			    strerror(errno));
			goto fail;
		}
	}
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&ctl->server, 16, connection_cb);
	if (rc != 0) {
		snprintf(err, errlen, "control socket %s: %s", path,
		    uv_strerror(rc));
		goto fail;
	}
	return ctl;
fail:
	control_stop(ctl);
	return NULL;
}

static void
control_free_cb(uv_handle_t *h)
{
	struct control *ctl = h->data;

	free(ctl->path);
	free(ctl);
}

void
control_stop(struct control *ctl)
{
	if (ctl == NULL || ctl->stopping)
		return;
	ctl->stopping = 1;
	while (ctl->clients != NULL)
		client_close(ctl->clients);
	unlink(ctl->path);
	uv_close((uv_handle_t *)&ctl->server, control_free_cb);
}
