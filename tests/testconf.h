/*
 * testconf.h: the configuration as a unit test loads it: the core's
 * conf_load() over the shell's files (host.h), and the zone made the
 * process's, as conf_open() does, without the mail transport's checks
 * (which would link the SMTP client into core-only tests).
 */
#ifndef PLANWATCH_TESTCONF_H
#define PLANWATCH_TESTCONF_H

#include "conf.h"
#include "host.h"

static inline struct config *
test_conf_load(const char *path, struct diag *d)
{
	struct config *c = conf_load(host_source(), path, d);

	if (c != NULL && host_zone_set(c->timezone) != 0) {
		diag_error(d, path, 0, "cannot set time zone '%s'",
		    c->timezone);
		conf_free(c);
		c = NULL;
	}
	return c;
}

#endif
