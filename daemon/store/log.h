/*
 * log: the daemon's tiny logging API.  Messages read `subsystem: object:
 * problem`, lower case, no trailing period.  Never pass report contents,
 * names, addresses or identity numbers: log row ids.
 */
#ifndef PLANWATCH_LOG_H
#define PLANWATCH_LOG_H

/* `foreground` logs to stderr; otherwise syslog, facility daemon. */
void	log_init(const char *ident, int foreground, int verbose);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
