/*
 * http_config: the `http` group of planwatch.conf -- where the listener
 * listens, the intake's clients and their token hashes, and the limits
 * every connection is held to.  Core, no I/O: the struct's defaults, copy
 * and free are http_config.c, which needs no libconfig (the HTTP request
 * layer keeps a copy); parsing and dumping the group are
 * http_config_load.c.  The listener itself is shell/http.c.
 */
#ifndef PLANWATCH_HTTP_CONFIG_H
#define PLANWATCH_HTTP_CONFIG_H

#include <stddef.h>

#include "util.h"

/* libconfig's, for http_config_load(): users of the struct need no more. */
struct config_setting_t;

#define HTTP_DEFAULT_LISTEN		"127.0.0.1:8025"
#define HTTP_DEFAULT_HOST		"127.0.0.1"
#define HTTP_DEFAULT_PORT		8025
#define HTTP_DEFAULT_MAX_HEADER_BYTES	(8 * 1024)
#define HTTP_DEFAULT_MAX_BODY_BYTES	(16 * 1024)
#define HTTP_DEFAULT_REQUEST_TIMEOUT_MS	10000
#define HTTP_DEFAULT_IDLE_TIMEOUT_MS	5000
#define HTTP_DEFAULT_MAX_CONNECTIONS	4096
#define HTTP_DEFAULT_MAX_PER_ADDRESS	256
#define HTTP_DEFAULT_REQUESTS_PER_MINUTE 60

/* One client of the intake: a name for the audit trail, its token's hash. */
struct http_client {
	char	*name;
	char	 token_sha256[65];	/* lower-case hex of SHA-256(token) */
};

struct http_config {
	char			*listen_host;	/* numeric IPv4 or IPv6 */
	int			 listen_port;
	struct http_client	*clients;
	size_t			 nclients;
	size_t			 max_header_bytes;
	size_t			 max_body_bytes;
	unsigned int		 request_timeout_ms;
	unsigned int		 idle_timeout_ms;
	size_t			 max_connections;
	size_t			 max_connections_per_address;
	unsigned int		 requests_per_minute;	/* per client */
};

/* Fills *c with the defaults above and no clients (owned strings). */
void	http_config_init(struct http_config *);
/*
 * Reads the libconfig group `http = { listen = "127.0.0.1:8025";
 * clients = ( { name = "..."; token_sha256 = "<64 hex>"; } );
 * max_header_bytes = ...; max_body_bytes = ...; request_timeout_ms = ...;
 * idle_timeout_ms = ...; max_connections = ...;
 * max_connections_per_address = ...; requests_per_minute = ...; }` into
 * *c, starting
 * from the defaults.  `group` may be NULL (all defaults, no clients).
 * `file` names the configuration for messages about the group as a whole.
 * Problems are added to `d` as file:line errors; a listen host that is not
 * a loopback address is a warning.  Returns 0, or -1 when an error was
 * added (*c then holds whatever was read; free it either way).
 */
int	http_config_load(const struct config_setting_t *group,
	    const char *file, struct http_config *c, struct diag *d);
/* Deep copy of `src` into `dst` (owned strings). */
void	http_config_copy(struct http_config *dst,
	    const struct http_config *src);
/* Frees the strings and the client list and zeroes *c; accepts NULL. */
void	http_config_free(struct http_config *);
/* Appends the canonical `http = { ... };` group (for planwatchd -nv). */
void	http_config_dump(const struct http_config *, struct buf *);

#endif
