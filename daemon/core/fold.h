/*
 * fold: the one way planwatch compares text that people typed.  Role names
 * and aliases in organization.conf, checkpoint names, the words the plan
 * importer looks for and the privacy guard's street names and towns are
 * all compared after this fold, so that what looks the same on screen
 * compares the same, whatever keyboard, PDF or word processor it came from.
 *
 * What it folds (Unicode data from libutf8proc):
 *  - compatibility forms: NFKC's compatibility decomposition, so full-width
 *    letters and digits, ligatures, superscripts and circled numbers read
 *    as their plain forms ("Ｓｔｏｒｇａｔａｎ" -> "storgatan", "ﬁ" -> "fi");
 *  - case: Unicode case folding ("ÅTGÄRD" -> "atgard", "ß" -> "ss");
 *  - diacritics: combining marks are removed, so a precomposed "ä" and an
 *    "a" followed by U+0308 both read "a", and "Skarpnack" matches
 *    "Skarpnäck"; letters with a stroke fold too ("ø" -> "o", "ł" -> "l");
 *  - dashes: every dash (Unicode category Pd) and the minus signs read '-';
 *  - spaces: every space (category Zs), tab and line break reads ' ';
 *  - digits: a decimal digit of any script reads as its ASCII digit;
 *  - invisible characters (soft hyphen, zero-width space and joiners, bidi
 *    marks, variation selectors: "default ignorable") are dropped.
 * Everything else passes through.  Invalid UTF-8 reads as U+FFFD.
 *
 * Pure: no I/O, no allocation; libutf8proc and libc only.
 */
#ifndef PLANWATCH_FOLD_H
#define PLANWATCH_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* The most code points one character folds to. */
#define FOLD_CHAR_MAX	4

/*
 * Decodes the UTF-8 character at s[i] (i < len) into *cp and returns its
 * length in bytes.  An invalid, overlong or truncated sequence reads as
 * U+FFFD and is one byte long, so a caller always advances.
 */
size_t	fold_decode(const char *s, size_t len, size_t i, uint32_t *cp);
/* Encodes a code point (at most U+10FFFF) as UTF-8; returns 1-4 bytes. */
size_t	fold_encode(uint32_t cp, char out[4]);
/*
 * Folds one code point into out[] and returns how many code points it
 * became: 0 (an invisible character) to FOLD_CHAR_MAX.  A character whose
 * compatibility form is longer than that (a few Arabic ligatures) is only
 * case-folded.  Spaces come out as ' ', dashes as '-', digits as '0'-'9'.
 */
int	fold_char(uint32_t cp, uint32_t out[FOLD_CHAR_MAX]);
/* Whether cp is an upper-case or title-case letter (before folding). */
int	fold_is_upper(uint32_t cp);
/* Whether cp is a letter (category L), and whether a currency sign (Sc). */
int	fold_is_letter(uint32_t cp);
int	fold_is_currency(uint32_t cp);
/* Whether cp is a combining mark (category M), which folding removes. */
int	fold_is_mark(uint32_t cp);
/*
 * Folds `len` bytes of s as above, with runs of spaces made one and
 * leading and trailing spaces dropped, into out (UTF-8, NUL-terminated
 * when size > 0; out may be NULL when size is 0).  Returns the length of
 * the whole folded text without the NUL, like snprintf(): the text was
 * cut short if the result is size or more.
 */
size_t	fold_text(const char *s, size_t len, char *out, size_t size);
/* Whether two NUL-terminated strings fold to the same text. */
int	fold_equal(const char *, const char *);

#endif
