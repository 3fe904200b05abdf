/*
 * maildir: the local transport.  Each message becomes one file in a
 * Maildir (written in tmp/, renamed into new/), readable with any mail
 * reader; the embedded default of `make run`, and handy for testing
 * templates without a mail server.
 */
#ifndef PLANWATCH_MAILDIR_H
#define PLANWATCH_MAILDIR_H

#include <stddef.h>
#include <time.h>

#include "transport.h"

/* The longest file name a delivery makes, with its NUL. */
#define MAILDIR_NAME_MAX	160

/*
 * Writes one message into `dir`, creating dir, dir/tmp, dir/new and
 * dir/cur (mode 0700) as needed; the parent of dir must exist.  The file
 * is written to tmp/ under a name no other delivery can have
 * (`now.P<pid>T<tid>Q<counter>R<random>.<host>`), fsynced, renamed into
 * new/, and new/ is fsynced, so once this returns 0 the message survives
 * a crash.  It holds one `Delivered-To:` line per recipient, then the
 * message with CRLF line ends turned into LF (Maildir files use the
 * local convention; a lone CR is kept).  One file serves all recipients.
 *
 * On success every recipient is DELIVERY_OK (code 250, the file name as
 * the reply) and 0 is returned.  On failure nothing is left in new/,
 * every recipient is DELIVERY_TEMPFAIL with the reason as its reply, and
 * -1 is returned with the reason in err.  `now` only names the file.
 * Thread-safe; `dv` is borrowed and only its results are written.
 */
int	maildir_deliver_at(const char *dir, struct delivery *dv, time_t now,
	    char *err, size_t errlen);

/*
 * The same for `n` messages in turn -- a delivery job's batch -- each
 * made durable (new/ fsynced) before the next is written, with `w` (NULL:
 * none) asked before each rename into new/ and told after each durable
 * delivery (transport.h).  Each message gets its own results; 0 when all
 * were delivered, else -1 with the last reason in err.
 */
int	maildir_deliver_batch_at(const char *dir, struct delivery *dv,
	    size_t n, time_t now, const struct delivery_watch *w, char *err,
	    size_t errlen);

#endif
