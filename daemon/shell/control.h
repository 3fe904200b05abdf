/*
 * control: the Unix control socket planwatchctl talks to.  One request per
 * connection: a JSON object on one line; one JSON object back, then the
 * daemon closes.  The caller is identified with SO_PEERCRED.  Shell.
 *
 * Not to be confused with ctl: control is the daemon's end of the socket
 * (commands.c answers each request); ctl is planwatchctl (daemon/ctl/),
 * whose client.c is the other end.
 */
#ifndef PLANWATCH_CONTROL_H
#define PLANWATCH_CONTROL_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>
#include <uv.h>

#define CONTROL_MAX_REQUEST	(256 * 1024)

struct control;
struct control_client;

#define CONTROL_MAX_GROUPS	256

struct control_peer {
	uid_t	uid;
	gid_t	gid;
	pid_t	pid;
	char	user[64];	/* local user name, or "uid N" */
	/* Supplementary groups of the connecting process (SO_PEERGROUPS). */
	gid_t	groups[CONTROL_MAX_GROUPS];
	int	ngroups;
};

/* Whether the peer's primary or a supplementary group is `gid`. */
int	control_peer_in_group(const struct control_peer *, gid_t);

/*
 * Handles one request; returns the reply object (the control module takes
 * the reference), or NULL to answer later with control_reply() on
 * `client` (a reload that runs in the thread pool).  `req` is borrowed.
 */
typedef json_t *control_handler_cb(void *arg, const struct control_peer *,
    json_t *req, struct control_client *client);

/*
 * Listens on `path` (a stale socket file is replaced; a live one is an
 * error), mode 0660, group `group` when non-NULL.  Returns NULL with `err`
 * set on failure.
 */
struct control *control_start(uv_loop_t *, const char *path, const char *group,
	    control_handler_cb *, void *arg, char *err, size_t errlen);
/* Stops listening, closes every client; memory goes in the close callbacks. */
void	control_stop(struct control *);

/*
 * Answers a request whose handler returned NULL; takes the reference.
 * Safe when the caller has gone meanwhile (the reply is dropped).
 */
void	control_reply(struct control_client *, json_t *);

/* Convenience replies. */
json_t	*control_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
json_t	*control_verror(const char *fmt, va_list)
	    __attribute__((format(printf, 1, 0)));
json_t	*control_ok(void);

#endif
