/*
 * pii: the privacy guard.  Tells whether a piece of free text contains a
 * personal identifier -- a Swedish personal identity number or coordination
 * number, an e-mail address, a phone number, a street address or a postcode
 * next to a town -- so that a de-identified concern report carrying one can
 * be refused before anything of it is stored.  It reads the text folded as
 * fold.h folds it (case, diacritics, compatibility forms, every dash and
 * space), so an identifier written with look-alike characters is found
 * all the same.  Pure: no I/O; libutf8proc (through fold.c) and libc.
 *
 * The guard reports the kind of identifier and where it starts, never the
 * identifier itself: callers build their messages from pii_kind_name(),
 * which cannot leak what was written.  The exact rules are documented in
 * docs/concern-reports.md.
 */
#ifndef PLANWATCH_PII_H
#define PLANWATCH_PII_H

#include <stddef.h>

enum pii_kind {
	PII_NONE = 0,
	PII_PERSONNUMMER,	/* personal identity number */
	PII_SAMORDNINGSNUMMER,	/* coordination number (day + 60) */
	PII_EMAIL,
	PII_PHONE,
	PII_ADDRESS,		/* street name followed by a number */
	PII_POSTCODE,		/* "123 45" followed by a town name */
	PII_NKINDS
};

struct pii_hit {
	enum pii_kind	kind;
	size_t		offset;	/* byte offset where it starts */
	size_t		len;	/* its length in bytes */
};

/*
 * Scans `len` bytes of `text` (UTF-8 expected, but any bytes are safe; no
 * NUL terminator needed) for a personal identifier.  Returns 1 and fills
 * *hit (when not NULL) with the first identifier in the text -- the one
 * with the lowest offset, in bytes of `text` -- or 0 when the text is
 * clean (*hit is then set to PII_NONE).  Works on a folded copy, about
 * 50 bytes of memory per input byte, freed before it returns; running out
 * of memory aborts, as xmalloc() does.  Nothing is kept.
 */
int		 pii_scan(const char *text, size_t len, struct pii_hit *hit);
/*
 * A phrase naming a kind, for error messages: pii_kind_name() in English
 * ("a personal identity number"), pii_kind_name_sv() in Swedish ("ett
 * personnummer").  Static strings; never NULL.
 */
const char	*pii_kind_name(enum pii_kind);
const char	*pii_kind_name_sv(enum pii_kind);
/* A short ASCII token for a kind ("personnummer", "email", ...), for
 * machine-readable answers and tests.  Static; never NULL. */
const char	*pii_kind_id(enum pii_kind);

#endif
