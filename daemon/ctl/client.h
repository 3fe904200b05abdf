/*
 * client: planwatchctl's client of the control socket -- one JSON
 * request, one JSON reply (see the shell's control.h) -- and the one way
 * every command that talks to the daemon prints what comes back.  Ctl.
 */
#ifndef PLANWATCH_CLIENT_H
#define PLANWATCH_CLIENT_H

#include <jansson.h>

/*
 * Sends `req` (taken) to the daemon at `sock_path`, or at the socket
 * the configuration `conf_path` names, and returns its reply; prints why
 * and exits 1 when there is none.
 */
json_t	*client_request(const char *sock_path, const char *conf_path,
	    json_t *req);

/*
 * Sends `req` (taken) and prints the reply: a refusal on stderr (exit
 * status 1), with --json the reply as it is, otherwise with `print`
 * (given `ctx`).  Returns the exit status.
 */
int	 ctl_call(json_t *req, void (*print)(json_t *, const void *),
	    const void *ctx);

/* The reply as indented JSON, on stdout. */
void	 print_json(json_t *reply);

#endif
