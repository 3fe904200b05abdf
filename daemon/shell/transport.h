/*
 * transport: the types every mail transport shares (smtp.c, maildir.c).
 * A transport takes fully composed messages (RFC 5322 text with CRLF line
 * ends, from mail.c) with their envelope, tries to deliver them and fills
 * in one outcome per recipient.  The outbox decides what to do with the
 * outcomes: mark delivered, retry later, or report a permanent failure.
 *
 * Transports block, so the outbox calls them from a worker thread; they
 * keep no state between calls apart from what their own handle holds.
 */
#ifndef PLANWATCH_TRANSPORT_H
#define PLANWATCH_TRANSPORT_H

#include <stddef.h>

/*
 * The outcome for one recipient.  OK: the server took responsibility for
 * the message (RCPT and the end of DATA both answered 2xx).  PERMFAIL: a
 * 5xx answer; retrying cannot help.  TEMPFAIL: everything else (4xx,
 * timeouts, dropped connections, connection and TLS failures): try again
 * later.  A TEMPFAIL after the message data was sent is ambiguous, the
 * server may have it, which is why every message carries a stable
 * Message-ID: a retry is then a recognisable duplicate.
 */
enum delivery_result {
	DELIVERY_TEMPFAIL = 0,	/* 0: an unset result means "retry" */
	DELIVERY_OK,
	DELIVERY_PERMFAIL
};

/* Room for a server reply or our own explanation, NUL included. */
#define DELIVERY_REPLY_MAX	256

/*
 * One envelope recipient.  `addr` is borrowed.  The transport fills in
 * the rest: `code` is the SMTP reply code that decided the outcome (0
 * when there was no reply: no connection, a timeout, a TLS failure) and
 * `reply` the server's reply text (control characters replaced by
 * spaces, truncated) or our own description of what went wrong.  The
 * reply may quote the address, so treat it like one: store it with the
 * outbox row, do not log it.
 */
struct delivery_rcpt {
	const char		*addr;
	enum delivery_result	 result;
	int			 code;
	char			 reply[DELIVERY_REPLY_MAX];
};

/*
 * One message.  Every pointer is borrowed for the duration of the call.
 * `from` is the envelope sender (MAIL FROM; "" for the null sender <>),
 * `data` the whole message, headers and body, `len` bytes with CRLF line
 * ends, not necessarily NUL-terminated.  `message_id` is the Message-ID
 * without <>, used in log lines (never the addresses or the content) and,
 * should the text lack a Message-ID header, as that header.
 */
struct delivery {
	const char		*from;
	struct delivery_rcpt	*rcpt;
	size_t			 nrcpt;
	const char		*data;
	size_t			 len;
	const char		*message_id;
};

/*
 * What a transport tells its caller while a call runs, so that each
 * acceptance can be recorded before the next message goes out (the
 * outbox's delivery journal).  Both hooks run on the transport's thread,
 * and either may be NULL.
 *
 * decided(arg, i) comes as soon as message i's recipients all have their
 * outcome from the server's answer to its data (SMTP: the reply after
 * the final "." or a refusal of DATA; Maildir: the file is durably in
 * new/).  A message refused before that (MAIL, every RCPT) gets no call;
 * its outcome comes with the call's return as always.
 *
 * commit(arg) comes right before the transport commits the server to a
 * message (SMTP: before the final "."; Maildir: before the rename into
 * new/), for every message.  It may block.  A non-zero return stops the
 * call there: that message is not delivered (TEMPFAIL, with a reply
 * saying so) and neither are the ones after it.
 */
struct delivery_watch {
	void	 (*decided)(void *arg, size_t i);
	int	 (*commit)(void *arg);
	void	*arg;
};

/* The reply of a message held back because commit() refused it. */
#define DELIVERY_HELD	"not sent: the delivery journal could not be written"

/* "ok", "tempfail" or "permfail": for log lines and the database. */
static inline const char *
delivery_result_name(enum delivery_result r)
{
	switch (r) {
	case DELIVERY_OK:
		return "ok";
	case DELIVERY_PERMFAIL:
		return "permfail";
	default:
		return "tempfail";
	}
}

#endif
