/*
 * fold: one text fold for the whole project (what it folds is in fold.h).
 * libutf8proc does the Unicode work -- compatibility decomposition, case
 * folding, removing marks and default-ignorable characters -- one code
 * point at a time; this file adds what Unicode leaves to the application:
 * which characters count as dashes and spaces, digits of other scripts,
 * and letters with a stroke, which have no decomposition.
 *
 * Folding code point by code point gives the same text as NFKC followed by
 * case folding and mark removal would: composition only ever joins a base
 * letter with the marks that are removed here anyway.  Working per code
 * point lets the privacy guard map every folded character back to the
 * bytes it came from.
 */
#include <string.h>

#include <utf8proc.h>

#include "fold.h"

#define REPLACEMENT	0xfffd

size_t
fold_decode(const char *str, size_t len, size_t i, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char	 c = s[i];
	size_t		 n, k;
	uint32_t	 v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (len - i < n)
		goto bad;
	for (k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			goto bad;
		v = v << 6 | (s[i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = REPLACEMENT;
	return 1;
}

static int
is_space(uint32_t c)
{
	return c == 0x85 || c == 0x2028 || c == 0x2029 ||
	    utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_ZS;
}

/*
 * Dashes: category Pd (hyphen, en and em dash, the horizontal bar, the
 * small and full-width hyphen-minus ...) and the minus signs, which
 * Unicode files under mathematics though people type them as dashes.
 */
static int
is_dash(uint32_t c)
{
	return c == 0x2212 || c == 0x2796 || c == 0x02d7 || c == 0x2043 ||
	    utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_PD;
}

/*
 * The value of a decimal digit of another script (Arabic-Indic, Devanagari
 * ...).  Unicode allots each script's digits a run of ten consecutive code
 * points starting at zero, so the value is the position in the run.
 */
static uint32_t
digit_value(uint32_t c)
{
	uint32_t k = 0;

	while (k < 9 && c - k - 1 > 0 &&
	    utf8proc_category((utf8proc_int32_t)(c - k - 1)) ==
	    UTF8PROC_CATEGORY_ND)
		k++;
	return '0' + k;
}

/* Letters with a stroke or bar: no decomposition, but read as the letter. */
static uint32_t
unstroke(uint32_t c)
{
	switch (c) {
	case 0xf8:	/* ø */
		return 'o';
	case 0x111:	/* đ */
		return 'd';
	case 0x127:	/* ħ */
		return 'h';
	case 0x131:	/* dotless ı */
		return 'i';
	case 0x142:	/* ł */
		return 'l';
	case 0x167:	/* ŧ */
		return 't';
	case 0x180:	/* ƀ */
		return 'b';
	}
	return c;
}

static uint32_t
plain(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 :
		    (c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
		    c == '\r') ? ' ' : c;
	if (is_space(c))
		return ' ';
	if (is_dash(c))
		return '-';
	if (utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_ND)
		return digit_value(c);
	return unstroke(c);
}

int
fold_char(uint32_t cp, uint32_t out[FOLD_CHAR_MAX])
{
	utf8proc_int32_t buf[32];
	utf8proc_ssize_t n;
	int		 bound = 0, i;

	if (cp < 0x80) {
		out[0] = plain(cp);
		return 1;
	}
	/* Spaces and dashes first: NFKC would turn some into other ones. */
	if (is_space(cp) || is_dash(cp)) {
		out[0] = plain(cp);
		return 1;
	}
	n = utf8proc_decompose_char((utf8proc_int32_t)cp, buf, 32,
	    UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
	    UTF8PROC_STRIPMARK | UTF8PROC_IGNORE, &bound);
	if (n < 0) {
		out[0] = REPLACEMENT;
		return 1;
	}
	if (n > FOLD_CHAR_MAX) {
		n = utf8proc_decompose_char((utf8proc_int32_t)cp, buf, 32,
		    UTF8PROC_CASEFOLD, &bound);
		if (n < 1 || n > FOLD_CHAR_MAX) {
			out[0] = cp;
			return 1;
		}
	}
	for (i = 0; i < n; i++)
		out[i] = plain((uint32_t)buf[i]);
	return (int)n;
}

int
fold_is_upper(uint32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	c = utf8proc_category((utf8proc_int32_t)cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

int
fold_is_letter(uint32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	c = utf8proc_category((utf8proc_int32_t)cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

int
fold_is_currency(uint32_t cp)
{
	return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_SC;
}

int
fold_is_mark(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);

	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
	    c == UTF8PROC_CATEGORY_ME;
}

/*
 * Walks the folded text of s one code point at a time, with spaces
 * trimmed at both ends and runs of them made one.
 */
struct walk {
	const char	*s;
	size_t		 len;
	size_t		 i;
	uint32_t	 buf[FOLD_CHAR_MAX];
	int		 n, k;
	int		 space;		/* a space is pending */
	int		 started;	/* something was returned */
};

static int
walk_raw(struct walk *w, uint32_t *cp)
{
	uint32_t c;

	while (w->k == w->n) {
		if (w->i >= w->len)
			return 0;
		w->i += fold_decode(w->s, w->len, w->i, &c);
		w->n = fold_char(c, w->buf);
		w->k = 0;
	}
	*cp = w->buf[w->k++];
	return 1;
}

/* Returns 1 and the next code point, or 0 at the end. */
static int
walk_next(struct walk *w, uint32_t *cp)
{
	uint32_t c;

	if (w->space == 2) {	/* the character after a space, kept back */
		w->space = 0;
		*cp = w->buf[w->k - 1];
		return 1;
	}
	while (walk_raw(w, &c)) {
		if (c == ' ') {
			w->space = w->started;
			continue;
		}
		w->started = 1;
		if (w->space) {
			w->space = 2;
			*cp = ' ';
			return 1;
		}
		*cp = c;
		return 1;
	}
	return 0;
}

size_t
fold_encode(uint32_t c, char o[4])
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

size_t
fold_text(const char *s, size_t len, char *out, size_t size)
{
	struct walk	 w = { s, len, 0, { 0 }, 0, 0, 0, 0 };
	uint32_t	 c;
	size_t		 n = 0, k;
	char		 u[4];

	while (walk_next(&w, &c)) {
		k = fold_encode(c, u);
		if (size > 0 && n + k < size)
			memcpy(out + n, u, k);
		else if (size > 0 && n < size)
			size = n + 1;	/* never write a partial character */
		n += k;
	}
	if (size > 0)
		out[n < size ? n : size - 1] = '\0';
	return n;
}

int
fold_equal(const char *a, const char *b)
{
	struct walk	 wa = { a, strlen(a), 0, { 0 }, 0, 0, 0, 0 };
	struct walk	 wb = { b, strlen(b), 0, { 0 }, 0, 0, 0, 0 };
	uint32_t	 ca, cb;
	int		 ra, rb;

	for (;;) {
		ra = walk_next(&wa, &ca);
		rb = walk_next(&wb, &cb);
		if (ra != rb)
			return 0;
		if (!ra)
			return 1;
		if (ca != cb)
			return 0;
	}
}
