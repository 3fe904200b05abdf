/*
 * http_config_load: the `http` group of planwatch.conf read with
 * libconfig and written back (http_config.h).  Core.
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>

#include "cfg.h"
#include "http_config.h"
#include "util.h"

/*
 * Splits "a.b.c.d:port" or "[v6]:port" into a numeric host and a port.
 * Returns 0, or -1 with a reason in `why`.
 */
static int
parse_listen(const char *s, char **host, int *port, const char **why)
{
	const char *colon, *hs, *he;
	unsigned char addr[16];
	long long p;
	char *h;
	int af;

	if (*s == '[') {
		hs = s + 1;
		if ((he = strchr(hs, ']')) == NULL || he[1] != ':') {
			*why = "expected \"[IPv6]:port\"";
			return -1;
		}
		colon = he + 1;
		af = AF_INET6;
	} else {
		if ((colon = strrchr(s, ':')) == NULL) {
			*why = "expected \"address:port\"";
			return -1;
		}
		hs = s;
		he = colon;
		af = AF_INET;
	}
	h = xstrndup(hs, (size_t)(he - hs));
	if (inet_pton(af, h, addr) != 1) {
		*why = af == AF_INET ? "not a numeric IPv4 address "
		    "(write IPv6 as \"[::1]:port\")" : "not a numeric IPv6 "
		    "address";
		free(h);
		return -1;
	}
	if (parse_int64(colon + 1, &p) != 0 || p < 1 || p > 65535) {
		*why = "the port must be a number from 1 to 65535";
		free(h);
		return -1;
	}
	*host = h;
	*port = (int)p;
	return 0;
}


static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[64] == '\0';
}

static const char *const http_keys[] = {
	"listen", "clients", "max_header_bytes", "max_body_bytes",
	"request_timeout_ms", "idle_timeout_ms", "max_connections",
	"max_connections_per_address", "requests_per_minute", NULL
};
static const char *const client_keys[] = { "name", "token_sha256", NULL };

static void
load_clients(const config_setting_t *list, struct http_config *c,
    struct diag *d)
{
	const config_setting_t *g;
	const char *name, *hash;
	size_t i, j, k, n;

	if (!config_setting_is_list(list) && !config_setting_is_array(list)) {
		cfg_error(d, list, "'clients' must be a list of groups: "
		    "( { name = \"...\"; token_sha256 = \"...\"; } )");
		return;
	}
	n = (size_t)config_setting_length(list);
	c->clients = n ? xcalloc(n, sizeof(*c->clients)) : NULL;
	for (i = 0; i < n; i++) {
		g = config_setting_get_elem(list, (unsigned int)i);
		if (!config_setting_is_group(g)) {
			cfg_error(d, g, "each http client must be a group "
			    "{ name = ...; token_sha256 = ...; }");
			continue;
		}
		cfg_check_keys(g, "http client", client_keys, d);
		if (cfg_get_string(g, "name", 1, &name, d) != 1 ||
		    cfg_get_string(g, "token_sha256", 1, &hash, d) != 1)
			continue;
		if (*name == '\0' || strcmp(name, "spool") == 0) {
			cfg_error(d, g, "http client name must be non-empty "
			    "and not \"spool\"");
			continue;
		}
		if (!is_hex64(hash)) {
			cfg_error(d, config_setting_get_member(g,
			    "token_sha256"), "'token_sha256' must be 64 hex "
			    "digits (see planwatchctl token new)");
			continue;
		}
		for (j = 0; j < c->nclients; j++) {
			if (strcmp(c->clients[j].name, name) == 0)
				cfg_error(d, g, "http client '%s' appears "
				    "twice", name);
			else if (strcasecmp(c->clients[j].token_sha256,
			    hash) == 0)
				cfg_error(d, g, "http client '%s' has the "
				    "same token as '%s'", name,
				    c->clients[j].name);
		}
		c->clients[c->nclients].name = xstrdup(name);
		for (k = 0; k < 64; k++)
			c->clients[c->nclients].token_sha256[k] =
			    (char)((hash[k] >= 'A' && hash[k] <= 'F') ?
			    hash[k] - 'A' + 'a' : hash[k]);
		c->clients[c->nclients].token_sha256[64] = '\0';
		c->nclients++;
	}
}

int
http_config_load(const config_setting_t *g, const char *file,
    struct http_config *c, struct diag *d)
{
	const config_setting_t *m;
	const char *listen, *why;
	size_t before = d->nerrors;
	long long v;
	char *host;
	int port;

	http_config_init(c);
	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g)) {
		cfg_error(d, g, "'http' must be a group { listen = ...; }");
		return -1;
	}
	cfg_check_keys(g, "http", http_keys, d);
	if (cfg_get_string(g, "listen", 0, &listen, d) == 1) {
		m = config_setting_get_member(g, "listen");
		if (parse_listen(listen, &host, &port, &why) != 0)
			cfg_error(d, m, "http listen \"%s\": %s", listen, why);
		else {
			free(c->listen_host);
			c->listen_host = host;
			c->listen_port = port;
			if (!is_loopback(host))
				cfg_warn(d, m, "http listen address %s is not "
				    "a loopback address; put a TLS reverse "
				    "proxy in front and listen on 127.0.0.1",
				    host);
		}
	}
	if ((m = config_setting_get_member(g, "clients")) != NULL)
		load_clients(m, c, d);
	if (cfg_get_int(g, "max_header_bytes", 0, 1024, 1024 * 1024, &v,
	    d) == 1)
		c->max_header_bytes = (size_t)v;
	if (cfg_get_int(g, "max_body_bytes", 0, 1024, 1024 * 1024, &v,
	    d) == 1)
		c->max_body_bytes = (size_t)v;
	if (cfg_get_int(g, "request_timeout_ms", 0, 100, 600000, &v, d) == 1)
		c->request_timeout_ms = (unsigned int)v;
	if (cfg_get_int(g, "idle_timeout_ms", 0, 100, 600000, &v, d) == 1)
		c->idle_timeout_ms = (unsigned int)v;
	if (cfg_get_int(g, "max_connections", 0, 1, 100000, &v, d) == 1)
		c->max_connections = (size_t)v;
	if (cfg_get_int(g, "max_connections_per_address", 0, 1, 100000, &v,
	    d) == 1)
		c->max_connections_per_address = (size_t)v;
	if (cfg_get_int(g, "requests_per_minute", 0, 1, 1000000, &v,
	    d) == 1)
		c->requests_per_minute = (unsigned int)v;
	(void)file;
	return d->nerrors == before ? 0 : -1;
}

void
http_config_dump(const struct http_config *c, struct buf *b)
{
	size_t i;

	buf_adds(b, "http = {\n  listen = ");
	if (strchr(c->listen_host, ':') != NULL)
		buf_printf(b, "\"[%s]:%d\";\n", c->listen_host, c->listen_port);
	else
		buf_printf(b, "\"%s:%d\";\n", c->listen_host, c->listen_port);
	buf_adds(b, "  clients = (\n");
	for (i = 0; i < c->nclients; i++) {
		buf_adds(b, "    { name = ");
		cfg_quote(b, c->clients[i].name);
		buf_printf(b, "; token_sha256 = \"%s\"; }%s\n",
		    c->clients[i].token_sha256,
		    i + 1 < c->nclients ? "," : "");
	}
	buf_printf(b, "  );\n  max_header_bytes = %zu;\n"
	    "  max_body_bytes = %zu;\n  request_timeout_ms = %u;\n"
	    "  idle_timeout_ms = %u;\n  max_connections = %zu;\n"
	    "  max_connections_per_address = %zu;\n"
	    "  requests_per_minute = %u;\n};\n",
	    c->max_header_bytes, c->max_body_bytes, c->request_timeout_ms,
	    c->idle_timeout_ms, c->max_connections,
	    c->max_connections_per_address, c->requests_per_minute);
}

