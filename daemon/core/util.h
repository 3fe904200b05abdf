/*
 * util: small helpers every module uses: allocation that cannot fail (running
 * out of memory is fatal, systemd restarts the daemon), a growable string
 * buffer, and a list of diagnostics in the form `file:line: message`.
 */
#ifndef PLANWATCH_UTIL_H
#define PLANWATCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Allocators: never return NULL; exit with a message when memory runs out. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/*
 * The string folded as fold.h says (case, diacritics, dashes, spaces), in
 * a new string the caller frees: the key people's text is matched by.
 */
char	*xfold(const char *);
/* Returns a newly allocated formatted string the caller frees. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Frees `n` strings and the array holding them; v may be NULL. */
void	 strv_free(char **v, size_t n);

/*
 * A growable NUL-terminated byte buffer.  Zero-initialise it
 * (`struct buf b = { 0 };`), append, then take `b.s` (may be NULL when
 * nothing was appended) or call buf_free().
 */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/*
 * Makes room for `extra` more bytes and the NUL, to be written at
 * b->s + b->len directly (the writer then adds to b->len and terminates).
 */
void	 buf_reserve(struct buf *, size_t extra);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, int);
/* Appends a code point (at most U+10FFFF) in UTF-8. */
void	 buf_add_utf8(struct buf *, unsigned long cp);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list);
/* Returns the contents (never NULL) and leaves the buffer empty; caller frees. */
char	*buf_take(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

/*
 * Diagnostics collected while loading files: each one is `file:line:
 * message`, an error unless marked as a warning.  A line of 0 prints as
 * `file: message`.
 */
struct diag_item {
	char	*file;
	int	 line;
	int	 warning;
	char	*msg;
};

struct diag {
	struct diag_item *v;
	size_t		  n;
	size_t		  cap;
	size_t		  nerrors;
};

void	diag_error(struct diag *, const char *, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
void	diag_warn(struct diag *, const char *, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
void	diag_vadd(struct diag *, int, const char *, int, const char *, va_list);
/* Writes one line per item; warnings read `file:line: warning: message`. */
void	diag_print(const struct diag *, FILE *);
/* Appends the same lines to a buffer. */
void	diag_format(const struct diag *, struct buf *);
void	diag_free(struct diag *);

/* Parses a decimal integer that must fill the whole string; 0 or -1. */
int	parse_int64(const char *, long long *);
/* Strips leading and trailing white space in place; returns its argument. */
char	*strtrim(char *);
/* Formats a message into err[errlen] (both may be NULL/0). */
void	set_error(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Collapses runs of white space into one space and trims, in place;
 * returns its argument. */
char	*str_squeeze(char *);
/*
 * Whether a Content-Type header value names the media type `want`
 * (lower case), in any case, with or without parameters; `ct` may be
 * NULL.
 */
int	media_type_is(const char *ct, const char *want);
/* The value of a hexadecimal digit, or -1. */
int	hex_digit(int c);
/*
 * 1 when the n bytes at a and b are equal, else 0, in a time that depends
 * on n alone (for secrets such as a token's hash).
 */
int	ct_equal(const void *a, const void *b, size_t n);
/* Hex SHA-256 of a byte string into out[65]. */
/*
 * 1 when `host` is a loopback address: "localhost", 127.0.0.0/8 or ::1
 * (numeric, IPv4-mapped included); the one test HTTP and SMTP share.
 */
int	is_loopback(const char *host);
void	sha256_hex(const void *, size_t, char out[65]);

#endif
