/*
 * confopen: the configuration as the shell opens it.  The core's
 * conf_load() parses and checks what the files say; conf_open() then
 * does what only the shell may: it reads the SMTP password from its file
 * (refused unless only the daemon's user can read it) and builds the SMTP
 * transport once, so that a CA file that does not load or AUTH over a
 * network without TLS is refused by `planwatchd -n`, at start and on a
 * reload alike, with the file and line of the setting.
 */
#ifndef PLANWATCH_CONFOPEN_H
#define PLANWATCH_CONFOPEN_H

#include "conf.h"
#include "util.h"

/* conf_load() and conf_load_ex() and then the checks above. */
struct config	*conf_open(const char *path, struct diag *);
struct config	*conf_open_ex(const char *path, int set_zone, struct diag *);

#endif
