/*
 * mail: composes the RFC 5322 messages planwatch sends.  libesmtp encodes
 * nothing (docs/libraries.md §1), so everything is written here: RFC 2047
 * encoded-words for display names and the subject, a quoted-printable
 * (RFC 2045) UTF-8 body, CRLF line ends, lines folded to 78 characters and
 * a deterministic Message-ID.  The result is 7-bit clean and needs neither
 * 8BITMIME nor SMTPUTF8.
 *
 * Pure: no I/O, never reads the clock (the Date comes from the caller).
 * Data can never create a header: control characters in names, subjects
 * and ids are replaced by spaces before encoding, and addresses are
 * validated instead of repaired.
 */
#ifndef PLANWATCH_MAIL_H
#define PLANWATCH_MAIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Longest header line we write, and the RFC 2047 encoded-word limit. */
#define MAIL_HEADER_WIDTH	78
#define MAIL_EWORD_MAX		75
/* Longest quoted-printable line, soft break `=` included (RFC 2045). */
#define MAIL_QP_WIDTH		76
/* Room for a Message-ID from mail_message_id(), NUL included. */
#define MAIL_MSGID_MAX		256

/* One mailbox: an optional display name (UTF-8) and an address. */
struct mail_addr {
	const char	*name;		/* NULL or "" for none */
	const char	*addr;
};

/*
 * A message to compose.  Every string is borrowed; NULL means absent
 * where a field is optional.
 */
struct mail_msg {
	const char		*from_name;	/* optional */
	const char		*from_addr;	/* required */
	const char		*reply_to_name;	/* optional */
	const char		*reply_to;	/* optional address */
	/* Recipients: `to[0..nto)`, or the single to_name/to_addr when nto is 0. */
	const struct mail_addr	*to;
	size_t			 nto;
	const char		*to_name;
	const char		*to_addr;
	const char		*subject;	/* UTF-8, required (may be "") */
	const char		*body;		/* UTF-8, LF (or CRLF) line ends */
	const char		*message_id;	/* "local@domain", without <> */
	const char		*in_reply_to;	/* optional, without <> */
	const char		*list_name;	/* optional List-Id phrase */
	const char		*list_id;	/* optional, e.g. "reminders.example.org" */
	const char		*kind;		/* optional X-Planwatch-Kind */
	time_t			 date;		/* the Date header; never the clock */
	int			 late;		/* adds X-Planwatch-Late: yes */
};

/*
 * Composes the whole message, headers and quoted-printable body, with CRLF
 * line ends.  Returns a NUL-terminated string the caller frees and stores
 * its length in *lenp (may be NULL).  Returns NULL when a required field is
 * missing or an address, the Message-ID or the List-Id is malformed; then
 * *reason (may be NULL) points to a static English text that names the
 * field but never its contents, fit for a log line.
 * The Date uses the process's local time zone offset (TZ), so set TZ for
 * reproducible output.
 */
char	*mail_compose(const struct mail_msg *, size_t *lenp,
	    const char **reason);

/*
 * The Message-ID (without <>) of the message numbered `seq` in the
 * outbox, for the notification `key`: "pw.<seq, 12 hex digits>.<32 hex
 * digits of SHA-256(key)>@domain".  The same arguments always give the
 * same id; it is stored with the message, so a retried delivery carries
 * it again and is recognisable as a duplicate.  The number in front makes
 * ids sort in the order messages are made, so the database's unique
 * index on them grows at one end instead of at a random place per
 * message.  Returns 0, or -1 when the domain is malformed, seq is
 * negative or out is too small.
 */
int	 mail_message_id(const char *key, int64_t seq, const char *domain,
	    char *out, size_t outsz);

/*
 * Whether `addr` is an address we are willing to write into a header:
 * printable ASCII, no white space, none of <>,;:"()[]\, exactly one @ with
 * text on both sides, at most 254 characters.  Returns 1 or 0.
 */
int	 mail_addr_valid(const char *addr);

/*
 * Quoted-printable encodes `len` bytes of UTF-8 text (RFC 2045): LF or CRLF
 * become CRLF hard breaks, lines are at most MAIL_QP_WIDTH characters with
 * `=` soft breaks placed between characters (never inside an =XX octet or a
 * UTF-8 sequence), trailing white space and `=` are encoded, a line starting
 * with "From " starts with "=46rom ", and malformed UTF-8 becomes U+FFFD.
 * A final line without a newline gets no CRLF.  Returns a string the
 * caller frees; its length goes to *outlen (may be NULL).
 */
char	*mail_qp_encode(const char *, size_t, size_t *outlen);

/*
 * Writes one unstructured header field, "Name: value" plus CRLF, folded so
 * no line exceeds MAIL_HEADER_WIDTH.  Control characters in `value` become
 * spaces and runs of white space collapse to one; printable ASCII is
 * written as is, anything else as RFC 2047 Q encoded-words of at most
 * MAIL_EWORD_MAX characters that never split a UTF-8 character.  Returns
 * a string the caller frees.
 */
char	*mail_header_encode(const char *name, const char *value);

#endif
