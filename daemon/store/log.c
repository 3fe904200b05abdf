/*
 * log: syslog (facility daemon) or stderr in the foreground.  Until
 * log_init() is called messages go to stderr, so tools and tests that use
 * core modules see them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "fold.h"
#include "log.h"

static int	log_foreground = 1;
static int	log_verbose;
static const char *log_ident = "planwatch";

void
log_init(const char *ident, int foreground, int verbose)
{
	log_ident = ident;
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * Makes a message safe for syslog and a terminal: invalid UTF-8 and
 * control characters become '?', in place.  Nothing a sender wrote
 * should reach a log line, but if a file name or a library's text
 * carries odd bytes, they go no further.
 */
static void
clean(char *msg)
{
	size_t	 i, n, k, len = strlen(msg);
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		n = fold_decode(msg, len, i, &cp);
		if (cp == 0xfffd && n == 1)
			msg[i] = '?';
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			for (k = 0; k < n; k++)
				msg[i + k] = '?';
	}
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[2048];

	if (pri == LOG_DEBUG && !log_verbose)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	clean(msg);
	if (log_foreground) {
		fprintf(stderr, "%s: %s%s%s\n", log_ident, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
		fflush(stderr);
	} else if (suffix != NULL)
		syslog(pri, "%s: %s", msg, suffix);
	else
		syslog(pri, "%s", msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
