/*
 * host: what the core needs of the machine, done by the shell.  Shell:
 * reads files and directories, the current directory, TZ and TZDIR, and
 * sets the process's time zone.  host_source() is the struct source
 * (source.h) the shell hands to the core's loaders: each configuration
 * file is read once, by it, and its bytes are what the core parses and
 * hashes.
 */
#ifndef PLANWATCH_HOST_H
#define PLANWATCH_HOST_H

#include <stddef.h>

#include "source.h"

/* Reads a whole file into a string the caller frees; NULL, errno on error. */
char	*read_file(const char *, size_t *);
/*
 * The core's files from the disk: paths as given, the zone files under
 * $TZDIR or /usr/share/zoneinfo (where glibc looks too).
 */
const struct source *host_source(void);
/*
 * Sets the process time zone (TZ) to a tz database name such as
 * "Europe/Stockholm", once calendar_zone_valid() has found its file;
 * -1 if the zone is unknown, and the time zone is left as it was.
 * Setting the zone the process already has changes nothing.  Not
 * thread-safe (setenv): call it at start-up and on reload only.
 */
int	host_zone_set(const char *);

#endif
