/*
 * confopen: the configuration as the shell opens it.  Shell.  The core's
 * conf_load() parses and checks what the files say, each file read once
 * by the shell (host_source()); conf_open() then makes the zone the
 * process's (conf_open_ex() with set_zone 0 does not, for a reload in
 * the thread pool) and does what only the shell may: it reads the SMTP
 * password from its file
 * (refused unless only the daemon's user can read it) and builds the SMTP
 * transport once, so that a CA file that does not load or AUTH over a
 * network without TLS is refused by `planwatchd -n`, at start and on a
 * reload alike, with the file and line of the setting.
 */
#ifndef PLANWATCH_CONFOPEN_H
#define PLANWATCH_CONFOPEN_H

#include "conf.h"
#include "util.h"

/* conf_load() and then the steps above. */
struct config	*conf_open(const char *path, struct diag *);
struct config	*conf_open_ex(const char *path, int set_zone, struct diag *);

#endif
