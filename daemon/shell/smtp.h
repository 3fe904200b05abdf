/*
 * smtp: delivers composed messages to one submission server through
 * libesmtp, with STARTTLS (certificates always verified) and AUTH
 * (PLAIN or LOGIN), and judges each recipient's outcome from the server's
 * replies rather than from libesmtp's return value (docs/libraries.md §1).
 *
 * The work is blocking: the outbox calls smtp_send() from a worker
 * thread.  A struct smtp holds a copy of the configuration and the one
 * OpenSSL context its sessions share; it is immutable after smtp_new(),
 * so any number of threads may send through it at once.  It is reference
 * counted so that a reload can swap in a new one while sessions on the
 * old one finish.  Nothing is logged but host names, message ids, reply
 * codes and library error texts: never addresses or message content.
 */
#ifndef PLANWATCH_SMTP_H
#define PLANWATCH_SMTP_H

#include <stddef.h>

#include "smtpconf.h"
#include "transport.h"


/*
 * One-time global set-up: OpenSSL and libesmtp's SASL client.  Safe to
 * call more than once and from several threads; smtp_new() calls it too.
 */
void		 smtp_init(void);

/*
 * Checks a configuration and builds a transport from it: copies the
 * strings, creates the TLS context (TLS 1.2 only, peer verification
 * against ca_file or the system store, the certificate must name `host`)
 * and loads the CA file now, so a bad path fails at start-up rather than
 * at the first delivery.  AUTH is refused unless STARTTLS is required or
 * the host is a loopback address, so a password never crosses a network
 * in clear text.  Returns a transport with one reference the caller
 * releases with smtp_free(), or NULL with a message (no secret in it) in
 * err.
 */
struct smtp	*smtp_new(const struct smtp_config *, char *err,
		    size_t errlen);
/* Takes another reference (for a worker); returns its argument. */
struct smtp	*smtp_ref(struct smtp *);
/* Drops a reference; the last one frees everything.  Accepts NULL. */
void		 smtp_free(struct smtp *);

/*
 * Delivers msgs[0..nmsgs) over one SMTP session, in order, and fills in
 * every recipient's result, code and reply (see transport.h); recipients
 * are never left unset.  `watch` (NULL: none) hears of each message's
 * outcome as the server gives it and is asked before each final "."
 * (transport.h).  Blocks for at most about connect + the protocol
 * timeouts per command.  Returns 0 when the session ran (each
 * recipient's result says what happened to it), or -1 when the session
 * failed as a whole (no connection, TLS refused, STARTTLS missing,
 * authentication rejected, a dropped connection or timeout, a message
 * the watch held back): then err
 * says why, in words fit for a log line (no addresses), the failure has
 * been logged once, and the recipients not already decided are TEMPFAIL.
 * Thread-safe; `s` must stay referenced for the call.
 */
int		 smtp_send(struct smtp *s, struct delivery *msgs,
		    size_t nmsgs, const struct delivery_watch *watch,
		    char *err, size_t errlen);

/*
 * Reads the AUTH password from a file (mail.smtp.secret_file): the first
 * line, without its line end.  Refuses a file that anyone but its owner
 * may read or write (mode 0600 only), an empty first line, or a NUL byte
 * in it.  Returns a string the caller frees (wipe it
 * with explicit_bzero() first), or NULL with a message in err.
 */
char		*smtp_secret_read(const char *path, char *err,
		    size_t errlen);

#endif
