/*
 * http_config: the settings of the `http` group (http_config.h) as a
 * struct: the defaults, a deep copy, freeing.  Core; no libconfig, so the
 * HTTP request layer, which keeps a copy, builds without it.  Reading and
 * writing the group is http_config_load.c.
 */
#include <stdlib.h>
#include <string.h>

#include "http_config.h"
#include "util.h"

void
http_config_init(struct http_config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen_host = xstrdup(HTTP_DEFAULT_HOST);
	c->listen_port = HTTP_DEFAULT_PORT;
	c->max_header_bytes = HTTP_DEFAULT_MAX_HEADER_BYTES;
	c->max_body_bytes = HTTP_DEFAULT_MAX_BODY_BYTES;
	c->request_timeout_ms = HTTP_DEFAULT_REQUEST_TIMEOUT_MS;
	c->idle_timeout_ms = HTTP_DEFAULT_IDLE_TIMEOUT_MS;
	c->max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
	c->max_connections_per_address = HTTP_DEFAULT_MAX_PER_ADDRESS;
	c->requests_per_minute = HTTP_DEFAULT_REQUESTS_PER_MINUTE;
}

void
http_config_free(struct http_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->listen_host);
	for (i = 0; i < c->nclients; i++)
		free(c->clients[i].name);
	free(c->clients);
	memset(c, 0, sizeof(*c));
}

void
http_config_copy(struct http_config *dst, const struct http_config *src)
{
	size_t i;

	*dst = *src;
	dst->listen_host = src->listen_host ? xstrdup(src->listen_host) : NULL;
	dst->clients = src->nclients ?
	    xcalloc(src->nclients, sizeof(*dst->clients)) : NULL;
	for (i = 0; i < src->nclients; i++) {
		dst->clients[i] = src->clients[i];
		dst->clients[i].name = xstrdup(src->clients[i].name);
	}
}
