/*
 * pii: the privacy guard.  Tells whether free text names a person through
 * an identity or coordination number, a phone number, an e-mail address,
 * a street address or a postcode before a town.
 *
 * The text is first folded (fold.h): case, diacritics, full-width and
 * other compatibility forms, every dash and every space compare as one,
 * and invisible characters vanish.  Each folded character becomes one
 * byte -- ASCII as it is, any other letter LETTER, anything else OTHER --
 * with the span of source bytes it came from, so a hit is reported where
 * it was written.  The scanners then read the folded bytes only, which
 * keeps them small: "Ｓｔｏｒｇａｔａｎ", "Storga\u0308tan" and "STORGATAN" are
 * all "storgatan" to them, and "640823\u22123234" is "640823-3234".
 *
 * Numbers are read as chains: runs of digits joined by short separators
 * (spaces, dashes, dots, slashes, colons, '+', parentheses), so that every
 * way of grouping a number is one chain.  Identity and phone numbers are
 * windows of whole groups in a chain.  What stops the rules from refusing
 * ordinary prose is knowing its shapes: a chain part that reads as dates,
 * times, date ranges or opening hours is "calendar" and is not an
 * identifier; amounts are thousands-grouped and carry a currency; counts,
 * floors and rooms are short.
 *
 * The guard errs towards refusing: a staff member whose report is refused
 * can rephrase it, while an identifier that slips through is stored and
 * sent on.  docs/concern-reports.md has the rules in prose, and which way
 * each one leans.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "pii.h"

/* The folded text: one byte per folded character. */
#define LETTER		0x80	/* a letter outside ASCII */
#define OTHER		0x81	/* anything else outside ASCII, or a control */

#define F_UPPER		0x01	/* came from an upper-case letter */
#define F_CURRENCY	0x02	/* came from a currency sign (€, £, ...) */
#define F_MARK		0x04	/* a letter that lost a mark: é, or e + U+0301 */
#define F_BREAK		0x08	/* a space that holds a line break */

struct text {
	const unsigned char *c;	/* n bytes and a NUL */
	const unsigned char *f;	/* F_* flags of each byte */
	const size_t	*from;	/* source span of each byte */
	const size_t	*to;
	size_t		 n;
};

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISLETTER(c)	(((c) >= 'a' && (c) <= 'z') || (c) == LETTER)
#define ISALNUM(c)	(ISDIGIT(c) || ISLETTER(c))

/* A hit in folded positions, before it is mapped back to the source. */
struct found {
	enum pii_kind	 kind;
	size_t		 s, e;		/* [s, e) in the folded text */
	int		 luhn;		/* identity numbers: check digit ok */
};

static void
keep(struct found *best, enum pii_kind kind, size_t s, size_t e, int luhn)
{
	if (best->kind != PII_NONE && best->s <= s)
		return;
	best->kind = kind;
	best->s = s;
	best->e = e;
	best->luhn = luhn;
}

/*
 * Letters that are another script's twins of Latin ones (Cyrillic а е о р
 * с у х і ј ѕ, Greek ο α ι κ ν ρ τ υ): "Stоrgatan" with a Cyrillic о looks
 * the same on screen and must read the same.  Middle dots and bullets
 * read as dots ("640823·3234").
 */
static uint32_t
latin_twin(uint32_t c)
{
	static const uint32_t twins[][2] = {
		{ 0xb7, '.' }, { 0x3b1, 'a' }, { 0x3b9, 'i' }, { 0x3ba, 'k' },
		{ 0x3bd, 'v' }, { 0x3bf, 'o' }, { 0x3c1, 'p' },
		{ 0x3c4, 't' }, { 0x3c5, 'u' }, { 0x430, 'a' },
		{ 0x435, 'e' }, { 0x43e, 'o' }, { 0x440, 'p' },
		{ 0x441, 'c' }, { 0x443, 'y' }, { 0x445, 'x' },
		{ 0x455, 's' }, { 0x456, 'i' }, { 0x458, 'j' },
		{ 0x4bb, 'h' }, { 0x4cf, 'l' }, { 0x501, 'd' },
		{ 0x51b, 'q' }, { 0x51d, 'w' }, { 0x2022, '.' },
		{ 0x2027, '.' }, { 0x2219, '.' }, { 0x22c5, '.' },
		{ 0x30fb, '.' }, { 0xff65, '.' },
	};
	size_t	 lo = 0, hi = sizeof(twins) / sizeof(twins[0]), mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (twins[mid][0] == c)
			return twins[mid][1];
		if (twins[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c;
}

/*
 * Folds `len` bytes of s into t, in one allocation the caller frees
 * (returned).  Runs of spaces become one space whose span covers them all.
 */
static void *
text_fold(const char *s, size_t len, struct text *t)
{
	unsigned char	*c, *f;
	size_t		*from, *to, cap, i, n = 0, k;
	uint32_t	 cp, out[FOLD_CHAR_MAX], o;
	void		*mem;
	int		 m, j, flags;
	unsigned char	 b;

	/*
	 * A character of one byte folds to one; one of k >= 2 bytes folds
	 * to at most FOLD_CHAR_MAX <= 2k.  So 2 * len bytes always do.
	 */
	cap = 2 * len + 1;
	mem = malloc(cap * (2 + 2 * sizeof(size_t)));
	if (mem == NULL)
		abort();	/* as xmalloc(): out of memory is fatal */
	from = mem;
	to = from + cap;
	c = (unsigned char *)(to + cap);
	f = c + cap;
	for (i = 0; i < len; i += k) {
		/* Plain ASCII, most of any text, without the Unicode tables. */
		if ((unsigned char)s[i] < 0x80 && (unsigned char)s[i] >= 0x20 &&
		    s[i] != 0x7f) {
			k = 1;
			b = (unsigned char)s[i];
			flags = b >= 'A' && b <= 'Z' ? F_UPPER : 0;
			if (b == ' ' && n > 0 && c[n - 1] == ' ') {
				to[n - 1] = i + 1;
				continue;
			}
			c[n] = flags ? b + 32 : b;
			f[n] = (unsigned char)flags;
			from[n] = i;
			to[n] = i + 1;
			n++;
			continue;
		}
		k = fold_decode(s, len, i, &cp);
		m = fold_char(cp, out);
		flags = (fold_is_upper(cp) ? F_UPPER : 0) |
		    (cp >= 0x80 && fold_is_currency(cp) ? F_CURRENCY : 0) |
		    (cp >= 0x80 && m == 1 && out[0] < 0x80 ? F_MARK : 0);
		if (m == 0 && n > 0 && fold_is_mark(cp)) {
			f[n - 1] |= F_MARK;
			to[n - 1] = i + k;
		}
		for (j = 0; j < m; j++) {
			o = out[j] < 0x80 ? out[j] : latin_twin(out[j]);
			if (o < 0x20 && o != ' ')
				b = OTHER;
			else if (o < 0x80)
				b = (unsigned char)o;
			else
				b = fold_is_letter(o) ? LETTER : OTHER;
			if (b == ' ' && (cp == '\n' || cp == '\r' ||
			    cp == 0x2028 || cp == 0x2029 || cp == 0x85 ||
			    cp == '\v' || cp == '\f'))
				flags |= F_BREAK;
			if (b == ' ' && n > 0 && c[n - 1] == ' ') {
				to[n - 1] = i + k;
				f[n - 1] |= (unsigned char)flags;
				continue;
			}
			c[n] = b;
			f[n] = (unsigned char)flags;
			from[n] = i;
			to[n] = i + k;
			n++;
		}
	}
	c[n] = '\0';
	f[n] = 0;
	t->c = c;
	t->f = f;
	t->from = from;
	t->to = to;
	t->n = n;
	return mem;
}

/* Whether the folded text at p is the ASCII string w. */
static int
at(const struct text *t, size_t p, const char *w)
{
	size_t	 k = strlen(w);

	return p <= t->n && t->n - p >= k && memcmp(t->c + p, w, k) == 0;
}

/* Whether the word w (ASCII, length wl) is in the NULL-terminated list. */
static int
in_list(const char *const *list, const unsigned char *w, size_t wl)
{
	for (; *list != NULL; list++)
		if ((unsigned char)(*list)[0] == w[0] && strlen(*list) == wl &&
		    memcmp(*list, w, wl) == 0)
			return 1;
	return 0;
}

static int
ends_with(const unsigned char *w, size_t wl, const char *suf)
{
	size_t	 k = strlen(suf);

	return wl >= k && memcmp(w + wl - k, suf, k) == 0;
}

/* The end of the word (a run of letters) at p. */
static size_t
word_end(const struct text *t, size_t p)
{
	while (p < t->n && ISLETTER(t->c[p]))
		p++;
	return p;
}

/* Whether p starts a word: no letter or digit just before it. */
static int
word_start(const struct text *t, size_t p)
{
	return p == 0 || !ISALNUM(t->c[p - 1]);
}

/*
 * The word at p (after at most one space) when it is in `list`: returns
 * its end, or 0.
 */
static size_t
word_in(const struct text *t, size_t p, const char *const *list)
{
	size_t	 e;

	if (p < t->n && t->c[p] == ' ')
		p++;
	if (p >= t->n || !ISLETTER(t->c[p]))
		return 0;
	e = word_end(t, p);
	return in_list(list, t->c + p, e - p) ? e : 0;
}

/*
 * Words after a number that say it was an amount.  Also used before a
 * number ("SEK 25 000").
 */
static const char *const currency_word[] = {
	"kr", "kronor", "krona", "sek", "tkr", "mkr", "msek", "mdkr", "eur",
	"euro", "euros", "usd", "dollar", "dollars", "nok", "dkk", "gbp",
	"pund", "miljoner", "miljon", "miljarder", "miljard", "tusen", "mnkr",
	NULL
};

/* ---- Numbers as chains of digit groups ---- */

struct chain {
	const struct text *t;
	const size_t	*gs, *ge;	/* group k is [gs[k], ge[k]) */
	size_t		 m;		/* groups */
};

static size_t
glen(const struct chain *ch, size_t k)
{
	return ch->ge[k] - ch->gs[k];
}

/* The value of group k (at most 9 digits are read). */
static long
gval(const struct chain *ch, size_t k)
{
	size_t	 p;
	long	 v = 0;

	for (p = ch->gs[k]; p < ch->ge[k] && p < ch->gs[k] + 9; p++)
		v = v * 10 + (ch->t->c[p] - '0');
	return v;
}

static unsigned char
gdigit(const struct chain *ch, size_t k, size_t i)
{
	return ch->t->c[ch->gs[k] + i];
}

/* The separator before group k (k >= 1) is exactly s. */
static int
sep_is(const struct chain *ch, size_t k, const char *s)
{
	size_t	 n = ch->gs[k] - ch->ge[k - 1];

	return strlen(s) == n && memcmp(ch->t->c + ch->ge[k - 1], s, n) == 0;
}

/* The separators before groups a and b are the same. */
static int
sep_eq(const struct chain *ch, size_t a, size_t b)
{
	size_t	 na = ch->gs[a] - ch->ge[a - 1];

	return na == ch->gs[b] - ch->ge[b - 1] &&
	    memcmp(ch->t->c + ch->ge[a - 1], ch->t->c + ch->ge[b - 1],
	    na) == 0;
}

static int
sep_has(const struct chain *ch, size_t k, unsigned char c)
{
	size_t	 p;

	for (p = ch->ge[k - 1]; p < ch->gs[k]; p++)
		if (ch->t->c[p] == c)
			return 1;
	return 0;
}

/* The separator before k is one character: ' ', '.', ... */
static int
sep_single(const struct chain *ch, size_t k)
{
	return ch->gs[k] - ch->ge[k - 1] == 1;
}

/* A dash between the two ends of a range: "-", " - ", "--", " -- ". */
static int
sep_range(const struct chain *ch, size_t k)
{
	return sep_is(ch, k, "-") || sep_is(ch, k, " - ") ||
	    sep_is(ch, k, "--") || sep_is(ch, k, " -- ") ||
	    sep_is(ch, k, " -") || sep_is(ch, k, "- ");
}

/*
 * Whether the bytes [a, b) between two runs of digits join them into one
 * chain: one to four of " -./:_+()".  A '+' with a space beside it is a
 * sum or starts a new number ("12 + 15", "... 12 +46 70 ..."), and a full
 * stop before a space ends a sentence.
 */
static int
joins(const struct text *t, size_t a, size_t b)
{
	size_t	 p;

	if (b - a > 4)
		return 0;
	for (p = a; p < b; p++)
		if (strchr(" -./:_+()", t->c[p]) == NULL || t->c[p] == '\0')
			return 0;
	/* A full stop and a space end a sentence: "... 2020. 25000 kr". */
	for (p = a; p + 1 < b; p++)
		if (t->c[p] == '.' && t->c[p + 1] == ' ')
			return 0;
	/* "12 + 15": a sum, not one number ("640823+3234" is one). */
	if (memchr(t->c + a, '+', b - a) != NULL &&
	    memchr(t->c + a, ' ', b - a) != NULL)
		return 0;
	return 1;
}

static int
leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
day_ok(int y, int m, int d)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && y >= 0 && !leap(y));
}

static int
two(const unsigned char *d)
{
	return (d[0] - '0') * 10 + (d[1] - '0');
}

/*
 * Whether the n (6 or 8) digits at d are the date part of an identity
 * number: YYMMDD or YYYYMMDD, where a day of 61-91 marks a coordination
 * number.  A two-digit year has no century, so 29 February passes
 * whenever the year is divisible by four; four-digit years are 1880-2099.
 */
static enum pii_kind
date_kind(const unsigned char *d, size_t n)
{
	enum pii_kind	 kind = PII_PERSONNUMMER;
	int		 y, m, day;

	if (n == 8) {
		y = two(d) * 100 + two(d + 2);
		if (y < 1880 || y > 2099)
			return PII_NONE;
		d += 2;
	} else
		y = two(d) % 4 == 0 ? 2000 : 2001;
	m = two(d + 2);
	day = two(d + 4);
	if (day > 60) {
		day -= 60;
		kind = PII_SAMORDNINGSNUMMER;
	}
	return day_ok(y, m, day) ? kind : PII_NONE;
}

/* The Luhn check over YYMMDDNNN against the tenth digit (weights 2,1,..). */
static int
luhn_ok(const unsigned char *d)
{
	int	 i, v, sum = 0;

	for (i = 0; i < 9; i++) {
		v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v / 10 + v % 10;
	}
	return (10 - sum % 10) % 10 == d[9] - '0';
}

/* ---- Calendar shapes: dates, times, ranges ---- */

static const char *const month_name[] = {
	"jan", "januari", "feb", "februari", "mars", "mar", "apr", "april",
	"maj", "jun", "juni", "jul", "juli", "aug", "augusti", "sep", "sept",
	"september", "okt", "oktober", "nov", "november", "dec", "december",
	"january", "february", "march", "may", "june", "july", "august",
	"october", "december", NULL
};

/* A month's name right after p (one space between): "24 maj". */
static int
month_after(const struct text *t, size_t p)
{
	return word_in(t, p, month_name) != 0;
}

/* A month's name right before p: "mars 2015". */
static int
month_before(const struct text *t, size_t p)
{
	size_t	 e = p, s;

	if (e > 0 && t->c[e - 1] == ' ')
		e--;
	for (s = e; s > 0 && ISLETTER(t->c[s - 1]); s--)
		;
	return s < e && in_list(month_name, t->c + s, e - s);
}

enum dshape {
	D_NONE,
	D_YMD,		/* 2019-08-15, 2019/8/15, 2019.08.15, 2019 08 15 */
	D_COMPACT,	/* 20190815 */
	D_DM,		/* 15/8, 15.8, 15-8 */
	D_DMY,		/* 15/8 2019, 15.8.19, 15-08-2019 */
	D_MD		/* 08-15 */
};

static int
year_ok(long y)
{
	return y >= 1880 && y <= 2099;
}

/*
 * A date starting at group k; returns the group after it, or k, and sets
 * *shape.  The shapes are those of enum dshape.
 */
static size_t
date_at(const struct chain *ch, size_t k, enum dshape *shape, long *when)
{
	size_t	 m = ch->m;
	long	 y, a, b;

	*shape = D_NONE;
	*when = 0;
	/* "24 maj", "mars 2015": a number written with a month's name. */
	if (k == m - 1 && glen(ch, k) <= 2 && gval(ch, k) >= 1 &&
	    gval(ch, k) <= 31 && month_after(ch->t, ch->ge[k])) {
		*shape = D_DM;
		return k + 1;
	}
	if (k == 0 && glen(ch, k) == 4 && year_ok(gval(ch, k)) &&
	    month_before(ch->t, ch->gs[k])) {
		*shape = D_DMY;
		*when = gval(ch, k) * 10000;
		return k + 1;
	}
	if (k + 2 < m && glen(ch, k) == 4 && glen(ch, k + 1) <= 2 &&
	    glen(ch, k + 2) <= 2 && sep_eq(ch, k + 1, k + 2) &&
	    (sep_is(ch, k + 1, "-") || sep_is(ch, k + 1, "/") ||
	    sep_is(ch, k + 1, ".") || (sep_is(ch, k + 1, " ") &&
	    glen(ch, k + 1) == 2 && glen(ch, k + 2) == 2))) {
		y = gval(ch, k);
		if (year_ok(y) && day_ok((int)y, (int)gval(ch, k + 1),
		    (int)gval(ch, k + 2))) {
			*shape = D_YMD;
			*when = y * 10000 + gval(ch, k + 1) * 100 +
			    gval(ch, k + 2);
			return k + 3;
		}
	}
	if (glen(ch, k) == 8) {
		y = gval(ch, k) / 10000;
		if (year_ok(y) && day_ok((int)y,
		    (int)(gval(ch, k) / 100 % 100), (int)(gval(ch, k) % 100))) {
			*shape = D_COMPACT;
			*when = gval(ch, k);
			return k + 1;
		}
	}
	if (k + 1 >= m || glen(ch, k) > 2 || glen(ch, k + 1) > 2)
		return k;
	a = gval(ch, k);
	b = gval(ch, k + 1);
	if ((sep_is(ch, k + 1, "/") || sep_is(ch, k + 1, ".") ||
	    sep_is(ch, k + 1, "-")) && day_ok(-1, (int)b, (int)a)) {
		*shape = D_DMY;
		*when = (k + 2 < m ? gval(ch, k + 2) : 0) * 10000 + b * 100 + a;
		if (k + 2 < m && glen(ch, k + 2) > 4)
			*when = b * 100 + a;
		if (k + 2 < m && sep_eq(ch, k + 1, k + 2) &&
		    (glen(ch, k + 2) == 2 || (glen(ch, k + 2) == 4 &&
		    year_ok(gval(ch, k + 2)))))
			return k + 3;
		if (k + 2 < m && sep_is(ch, k + 2, " ") &&
		    glen(ch, k + 2) == 4 && year_ok(gval(ch, k + 2)))
			return k + 3;
		*when = 0;
		*shape = D_DM;
		*when = b * 100 + a;
		return k + 2;
	}
	if (sep_is(ch, k + 1, "-") && day_ok(-1, (int)a, (int)b)) {
		*shape = D_MD;
		*when = a * 100 + b;
		return k + 2;
	}
	return k;
}

/*
 * Whether a date a can start a range that ends in the date b, whatever
 * their shapes (2019-08-15 - 09-30, 15/8 - 30/9 2019, 2019-08-15 -
 * 30.9.2019): when both name the year, the range goes forward, within a
 * year or so.  wa and wb are YYYYMMDD, with a year of 0 when none is
 * written and of 0-99 when it has two digits.
 */
static int
date_range_ok(long wa, long wb)
{
	long	 ya = wa / 10000, yb = wb / 10000;

	if (ya == 0 || yb == 0)
		return 1;
	if (ya >= 100 && yb < 100)
		ya %= 100;
	else if (ya < 100 && yb >= 100)
		yb %= 100;
	return yb >= ya && yb - ya <= 1 && (yb > ya || wb % 10000 >= wa % 10000);
}

enum tform {
	T_DOT,		/* 8.30, 08:30 */
	T_SPACE,	/* 08 30, only inside a range */
	T_HHMM,		/* 0830, only inside a range */
	T_HOUR,		/* 8, only inside a range */
	T_NFORMS
};

/* A time of the given form at group k; returns the group after it, or k. */
static size_t
time_at(const struct chain *ch, size_t k, enum tform form)
{
	long	 h, mm;

	if (glen(ch, k) <= 2 && (h = gval(ch, k)) <= 24) {
		if (form == T_HOUR)
			return k + 1;
		if (form == T_HHMM || k + 1 >= ch->m || glen(ch, k + 1) != 2 ||
		    (mm = gval(ch, k + 1)) > 59)
			return k;
		if (form == T_DOT && (sep_is(ch, k + 1, ".") ||
		    sep_is(ch, k + 1, ":")))
			return k + 2;
		if (form == T_SPACE && sep_is(ch, k + 1, " "))
			return k + 2;
		return k;
	}
	if (form == T_HHMM && glen(ch, k) == 4 && gval(ch, k) / 100 <= 24 &&
	    gval(ch, k) % 100 <= 59)
		return k + 1;
	return k;
}

/* Whether a date with its year starts at group k: "01.05.2017 - 8 jan". */
static int
full_date_at(const struct chain *ch, size_t k)
{
	enum dshape sh;
	long	 when;

	return date_at(ch, k, &sh, &when) > k && when >= 10000;
}

/*
 * The longest calendar item at group k: a date or time range (both ends
 * of the same form: "08-12", "08.30-12.00", "08 30 - 09 15", "2019-08-15
 * - 2019-09-30", "2019-08-15 08:30-09:15"), a date with a time, a date, or
 * a time written 8.30 or 08:30.  Returns the group after it, or k.
 */
static size_t
item_at(const struct chain *ch, size_t k)
{
	enum dshape a, b;
	size_t	 best = k, e, e2;
	long	 wa, wb;
	int	 f;

	e = date_at(ch, k, &a, &wa);
	if (e > k) {
		best = e;
		if (e < ch->m && sep_is(ch, e, " ") &&
		    (e2 = time_at(ch, e, T_DOT)) > e) {
			best = e = e2;
			if (e < ch->m && sep_range(ch, e) &&
			    (e2 = time_at(ch, e, T_DOT)) > e)
				best = e2;
		} else if (e < ch->m && sep_range(ch, e) &&
		    (e2 = date_at(ch, e, &b, &wb)) > e &&
		    date_range_ok(wa, wb))
			best = e2;
	}
	for (f = 0; f < T_NFORMS; f++) {
		e = time_at(ch, k, (enum tform)f);
		if (e == k)
			continue;
		if (f == T_DOT && e > best)
			best = e;
		if (e < ch->m && sep_range(ch, e) &&
		    (e2 = time_at(ch, e, (enum tform)f)) > e && e2 > best)
			best = e2;
	}
	return best;
}

/*
 * Numbers the calendar items of a chain: cov[k] is the item group k
 * belongs to (1, 2, ...), or 0.
 */
static void
calendar_cover(const struct chain *ch, size_t *cov)
{
	size_t	 k = 0, e, item = 0;

	memset(cov, 0, ch->m * sizeof(*cov));
	while (k < ch->m) {
		/*
		 * Items stand apart, after a space: "08-12 13-17".  Not
		 * "6-4-0-8-2-3", one number rather than a row of ranges, nor
		 * "20190815 - 9-8-76", no range of dates.
		 */
		if (k > 0 && (!sep_has(ch, k, ' ') || sep_has(ch, k, '-'))) {
			k++;
			continue;
		}
		e = item_at(ch, k);
		if (e > k) {
			for (item++; k < e; k++)
				cov[k] = item;
		} else
			k++;
	}
}

/*
 * Whether groups i..j are all calendar; with `one`, all in one item.  An
 * identity number must not hide as two dates side by side, while opening
 * hours are many items.
 */
static int
covered(const size_t *cov, size_t i, size_t j, int one)
{
	size_t	 k;

	for (k = i; k <= j; k++)
		if (cov[k] == 0 || (one && cov[k] != cov[i]))
			return 0;
	return 1;
}

/* A currency word or sign right before position q: "SEK 25000", "€ 1.200". */
static int
currency_before(const struct text *t, size_t q)
{
	size_t	 p;

	if (q > 0 && t->c[q - 1] == ' ')
		q--;
	if (q > 0 && ((t->f[q - 1] & F_CURRENCY) || t->c[q - 1] == '$'))
		return 1;
	p = q;
	while (p > 0 && ISLETTER(t->c[p - 1]))
		p--;
	return p < q && word_start(t, p) && in_list(currency_word, t->c + p,
	    q - p);
}

/*
 * Whether groups i..j read as an amount: one group, or thousands grouped
 * with one space or dot (12 500 000), and a currency word or sign right
 * after or before ("25 000 kr", "SEK 25000", "€ 1.200", "25 000:-").
 */
static int
amount(const struct chain *ch, size_t i, size_t j)
{
	const struct text *t = ch->t;
	size_t	 k, p;

	for (k = i + 1; k <= j; k++)
		if (glen(ch, k) != 3 || !sep_single(ch, k) ||
		    !sep_eq(ch, k, i + 1) || !strchr(" .", t->c[ch->ge[k - 1]]))
			return 0;
	p = ch->ge[j];
	if (word_in(t, p, currency_word) || at(t, p, ":-") ||
	    (p < t->n && (t->f[p] & F_CURRENCY)) ||
	    (p + 1 < t->n && t->c[p] == ' ' && (t->f[p + 1] & F_CURRENCY)))
		return 1;
	return currency_before(t, ch->gs[i]);
}

/* ---- Identity and coordination numbers ---- */

/* "640823-323X": a placeholder for an unknown check digit. */
static int
placeholder(const struct text *t, size_t p)
{
	return p < t->n && strchr("x?*_#", t->c[p]) != NULL &&
	    t->c[p] != '\0' && (p + 1 >= t->n || !ISALNUM(t->c[p + 1]));
}

/*
 * Groups i..j of a chain, holding the `nd` digits d, as an identity or
 * coordination number.  `cov` marks calendar groups.
 *
 * An identity number is 10 or 12 digits (YYMMDD or YYYYMMDD, then NNNC)
 * whose date part is valid, or 9 or 11 digits with the check digit left
 * out or replaced by X.  Any grouping and separator counts when the
 * number stands alone -- its chain holds nothing else.  Inside a longer
 * chain the date part must end where a group ends and be written with one
 * kind of separator ("64.08.23-3234", "640 823 3234"), which is how people
 * group a number, while opening hours and lists of figures mix them.
 * Windows that are calendar (2019-08-15 08:30, 2019-08-15 - 2019-09-30)
 * are not identity numbers.
 */
static void
idnum_window(const struct chain *ch, const size_t *cov, size_t i,
    size_t j, const unsigned char *d, size_t nd, struct found *best)
{
	enum pii_kind	 kind;
	size_t		 dl = nd <= 10 ? 6 : 8, k, sum = 0, kd = 0, e;
	int		 aligned = 0, alone, luhn;

	if ((kind = date_kind(d, dl)) == PII_NONE)
		return;
	for (k = i; k <= j && sum < dl; k++) {
		sum += glen(ch, k);
		if (sum == dl) {
			aligned = 1;
			kd = k;
		}
	}
	alone = i == 0 && j == ch->m - 1;
	if (!alone) {
		/*
		 * Part of a longer chain: set off from the rest by spaces
		 * ("640823-3234. 12 elever"), not the middle of a longer
		 * number ("2021-07-03 - 2019-04-02").
		 */
		if (!aligned || (i > 0 && !sep_has(ch, i, ' ')) ||
		    (j + 1 < ch->m && !sep_has(ch, j + 1, ' ')))
			return;
		for (k = i + 2; k <= kd; k++)
			if (!sep_eq(ch, k, i + 1))
				return;
	}
	e = ch->ge[j];
	if (nd == 9 || nd == 11) {
		/* The serial without its check digit: "640823-323(X)". */
		if (j != ch->m - 1)
			return;
		if (placeholder(ch->t, e))
			e++;
		else if (!(aligned && j == kd + 1 && glen(ch, j) == 3 &&
		    (sep_has(ch, j, '-') || sep_has(ch, j, '+'))))
			return;
	}
	if (covered(cov, i, j, 1) || amount(ch, i, j))
		return;
	luhn = nd >= 10 && luhn_ok(d + nd - 10);
	keep(best, kind, ch->gs[i], e, luhn);
}

static void
scan_idnum(const struct chain *ch, const size_t *cov,
    struct found *best)
{
	unsigned char	 d[12];
	size_t		 i, j, n, l;

	for (i = 0; i < ch->m; i++) {
		n = 0;
		for (j = i; j < ch->m; j++) {
			l = glen(ch, j);
			if (n + l > 12)
				break;
			memcpy(d + n, ch->t->c + ch->gs[j], l);
			n += l;
			if (n >= 9)
				idnum_window(ch, cov, i, j, d, n, best);
		}
	}
}

/* ---- Phone numbers ---- */

/*
 * A Swedish number after the country code 46: an optional 0 (the "(0)" of
 * "+46 (0)70 ..."), then 7-9 digits that do not start with 0.
 */
static int
swedish_after_46(const unsigned char *d, size_t n)
{
	if (n > 0 && d[0] == '0') {
		d++;
		n--;
	}
	return n >= 7 && n <= 9 && d[0] != '0';
}

static int
international(const unsigned char *d, size_t n)
{
	if (n >= 2 && d[0] == '4' && d[1] == '6')
		return swedish_after_46(d + 2, n - 2);
	return n >= 8 && n <= 15;
}

/*
 * Whether group k sits inside a thousands-grouped figure (1 250 000,
 * 12.500.000): every group after the first has three digits and the same
 * one-character separator, and k is not the first.  "12 070-123 45 67"
 * is no figure: digits go on after it.
 */
static int
in_thousands(const struct chain *ch, size_t k)
{
	size_t	 first = k, last = k;

	if (k == 0 || glen(ch, k) != 3 || !sep_single(ch, k) ||
	    strchr(" .", ch->t->c[ch->ge[k - 1]]) == NULL)
		return 0;
	while (first > 0 && sep_eq(ch, first, k) && glen(ch, first) == 3)
		first--;
	if (glen(ch, first) > 3 || gdigit(ch, first, 0) == '0' ||
	    (first > 0 && sep_eq(ch, first, k)))
		return 0;
	while (last + 1 < ch->m && sep_eq(ch, last + 1, k) &&
	    glen(ch, last + 1) == 3)
		last++;
	/* It ends the chain, or a spaced sign follows: "12 500 - 13 000". */
	return last + 1 == ch->m || (!sep_eq(ch, last + 1, k) &&
	    sep_has(ch, last + 1, ' '));
}

/*
 * Phone numbers in a chain.  A number starts at the chain's first group
 * or at a group after a separator with a space or parenthesis (never in
 * the middle of "2019-08-15"), and is one of:
 *  - national: 0 and a non-zero digit, 8-10 digits in all;
 *  - international: '+' before the chain, or 00 first, then a country
 *    code and number: for Sweden (46) 7-9 digits after an optional 0,
 *    otherwise 8-15 digits in all;
 *  - 46 first without the '+' (46701234567), as for Sweden.
 * Any grouping and separator counts ("070.123.45.67", "+46 (70) 123 45
 * 67", "0 7 0 1 2 3 4 5 6 7").  Not phone numbers: calendar groups
 * (opening hours "08-12 13-17", times "08 30 - 09 15", dates
 * "01.02.2019"), a group inside a thousands-grouped figure, and amounts.
 */
static void
scan_phone(const struct chain *ch, const size_t *cov,
    struct found *best)
{
	const struct text *t = ch->t;
	unsigned char	 d[18];
	size_t		 s, j, n, l, p, start = 0, end;
	int		 plus = 0, form;

	/* '+' just before the chain, perhaps with a space or '(' between. */
	p = ch->gs[0];
	for (l = 0; l < 3 && p > 0; l++) {
		if (t->c[p - 1] == '+') {
			plus = 1;
			start = p - 1;
			break;
		}
		if (t->c[p - 1] != ' ' && t->c[p - 1] != '(')
			break;
		p--;
	}
	for (s = 0; s < ch->m; s++) {
		if (s > 0 && !sep_has(ch, s, ' ') && !sep_has(ch, s, '('))
			continue;
		if (s == 0 && plus)
			form = '+';
		else if (gdigit(ch, s, 0) == '0' && glen(ch, s) >= 2 &&
		    gdigit(ch, s, 1) == '0')
			form = 'I';	/* 00 then a country code */
		else if (gdigit(ch, s, 0) == '0')
			form = 'N';
		else if (s == 0 && glen(ch, 0) >= 2 && gdigit(ch, 0, 0) == '4' &&
		    gdigit(ch, 0, 1) == '6')
			form = '4';
		else
			continue;
		if (form == 'N' && (in_thousands(ch, s) || full_date_at(ch, s)))
			continue;
		if (!(s == 0 && plus)) {
			start = ch->gs[s];
			if (start > 0 && t->c[start - 1] == '(')
				start--;	/* "(08) 123 45 67" */
		}
		n = 0;
		end = 0;
		for (j = s; j < ch->m; j++) {
			l = glen(ch, j);
			if (n + l > sizeof(d))
				break;
			memcpy(d + n, t->c + ch->gs[j], l);
			n += l;
			if (form == 'N' && (n < 8 || n > 10 || d[1] == '0'))
				continue;
			if (form == 'I' && (n < 3 || d[2] == '0' ||
			    !international(d + 2, n - 2)))
				continue;
			if (form == '+' && !international(d, n))
				continue;
			if (form == '4' && !swedish_after_46(d + 2, n - 2))
				continue;
			if (!covered(cov, s, j, 0) && !amount(ch, s, j))
				end = ch->ge[j];	/* the longest reading */
		}
		if (end != 0) {
			keep(best, PII_PHONE, start, end, 0);
			return;
		}
	}
}

/*
 * Splits the text into chains and runs the number scanners on each.
 * gs/ge/cov are scratch arrays with room for every run of digits.
 */
static void
scan_numbers(const struct text *t, size_t *gs, size_t *ge, size_t *cov,
    struct found *idnum, struct found *phone)
{
	struct chain	 ch;
	size_t		 p = 0, ng = 0, first;

	ch.t = t;
	while (p < t->n) {
		if (!ISDIGIT(t->c[p])) {
			p++;
			continue;
		}
		gs[ng] = p;
		while (p < t->n && ISDIGIT(t->c[p]))
			p++;
		ge[ng++] = p;
	}
	for (first = 0; first < ng; first += ch.m) {
		ch.gs = gs + first;
		ch.ge = ge + first;
		ch.m = 1;
		while (first + ch.m < ng &&
		    joins(t, ge[first + ch.m - 1], gs[first + ch.m]))
			ch.m++;
		calendar_cover(&ch, cov);
		scan_idnum(&ch, cov, idnum);
		scan_phone(&ch, cov, phone);
	}
}

/* ---- E-mail addresses ---- */

static int
local_char(unsigned char c)
{
	return ISALNUM(c) || (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-",
	    c) != NULL);
}

enum at_kind {
	AT_NONE,
	AT_WORD,	/* "at", "snabel-a" standing alone */
	AT_BRACKET,	/* "(at)", "[at]", "{snabel-a}" */
	AT_SIGN		/* '@' (any form), "%40", "&#64;" */
};

static const char *const at_word[] = {
	"at", "snabel-a", "snabela", "snabel a", "a", NULL
};

static const char *const dot_word[] = { "dot", "punkt", "pkt", NULL };

/*
 * A spelled-out word from `words` at p, bare (between spaces) or in
 * brackets; returns its length with the brackets, or 0.  *bracket tells
 * which.
 */
static size_t
spelled(const struct text *t, size_t p, const char *const *words,
    int *bracket)
{
	size_t	 q = p, k;
	int	 open = 0;

	if (q < t->n && strchr("([{<", t->c[q]) != NULL && t->c[q] != '\0') {
		open = 1;
		q++;
		if (q < t->n && t->c[q] == ' ')
			q++;
	} else if (!word_start(t, p))
		return 0;
	for (k = 0; words[k] != NULL; k++)
		if (at(t, q, words[k]))
			break;
	if (words[k] == NULL)
		return 0;
	q += strlen(words[k]);
	if (open) {
		if (q < t->n && t->c[q] == ' ')
			q++;
		if (q >= t->n || strchr(")]}>", t->c[q]) == NULL ||
		    t->c[q] == '\0')
			return 0;
		q++;
	} else if (q < t->n && ISALNUM(t->c[q]))
		return 0;
	*bracket = open;
	return q - p;
}

/* The '@' at p in any of its forms; returns its length and kind. */
static size_t
at_sign(const struct text *t, size_t p, enum at_kind *kind)
{
	size_t	 n;
	int	 bracket;

	*kind = AT_SIGN;
	if (t->c[p] == '@')
		return 1;
	if (p + 2 < t->n && t->c[p + 1] == '@' &&
	    strchr("([{<", t->c[p]) != NULL && t->c[p] != '\0' &&
	    strchr(")]}>", t->c[p + 2]) != NULL && t->c[p + 2] != '\0') {
		*kind = AT_BRACKET;	/* "(@)" */
		return 3;
	}
	if (at(t, p, "%40"))
		return 3;
	if (at(t, p, "&#64;"))
		return 5;
	if (at(t, p, "&commat;"))
		return 8;
	if ((n = spelled(t, p, at_word, &bracket)) == 0)
		return 0;
	*kind = bracket ? AT_BRACKET : AT_WORD;
	if (!bracket && n == 1)
		return 0;	/* "a" is an '@' only in brackets: "(a)" */
	/* A bare "at" must stand between spaces: "kalle at exempel.se". */
	if (!bracket && (p == 0 || t->c[p - 1] != ' ' || p + n >= t->n ||
	    t->c[p + n] != ' '))
		return 0;
	return n;
}

/*
 * A dot between two labels of a domain at p: '.', "%2e", or spelled out
 * ("dot", "punkt", "(punkt)", "[dot]"), with spaces around when `spaced`.
 * Returns the position of the next label, or 0.
 */
static size_t
domain_dot(const struct text *t, size_t p, int spaced)
{
	size_t	 q = p, n;
	int	 bracket;

	if (q < t->n && t->c[q] == '.' && q + 1 < t->n &&
	    ISALNUM(t->c[q + 1]))
		return q + 1;
	if (at(t, q, "%2e") && q + 3 < t->n && ISALNUM(t->c[q + 3]))
		return q + 3;
	if (q < t->n && t->c[q] == ' ')
		q++;
	if ((n = spelled(t, q, dot_word, &bracket)) > 0) {
		q += n;
		if (q < t->n && t->c[q] == ' ')
			q++;
		return q < t->n && ISALNUM(t->c[q]) ? q : 0;
	}
	if (spaced && q < t->n && t->c[q] == '.') {
		q++;
		if (q < t->n && t->c[q] == ' ')
			q++;
		return q < t->n && ISALNUM(t->c[q]) ? q : 0;
	}
	return 0;
}

/* Mail services people name without a top-level domain. */
static const char *const mail_host_name[] = {
	"gmail", "hotmail", "outlook", "yahoo", "icloud", "live", "msn",
	"telia", "bredband", "spray", "protonmail", "proton", "aol", "gmx",
	"mail", "me", "comhem", "tele2", "bahnhof", NULL
};

static int
mail_host(const struct text *t, size_t s, size_t e)
{
	return in_list(mail_host_name, t->c + s, e - s);
}

/* A local part with a dot or underscore inside: "kalle.anka". */
static int
dotted_local(const struct text *t, size_t s, size_t e)
{
	size_t	 p;

	for (p = s + 1; p + 1 < e; p++)
		if ((t->c[p] == '.' || t->c[p] == '_') && ISALNUM(t->c[p - 1]) &&
		    ISALNUM(t->c[p + 1]))
			return 1;
	return 0;
}

/*
 * E-mail addresses: a local part, an '@' and a domain, written in any of
 * the ways people write them around filters -- spaces around the '@', a
 * full-width or small '@', "(at)", "[at]", "{at}", "(snabel-a)", a bare
 * "at" between spaces, "%40"; dots as "dot", "punkt", "(punkt)", "%2e".
 * The domain has two or more labels and a last one of two or more
 * characters with a letter, or is an IP address.  One label is enough
 * after a plain '@' between two words with no spaces ("kalle@skolan"),
 * after a local part with a dot in it ("kalle.anka at gmail"), or when it
 * names a mail service ("kalle at hotmail").
 */
static void
scan_email(const struct text *t, struct found *best)
{
	enum at_kind	 kind;
	size_t		 p, n, ls, le, q, lab, labels, lastlen, e;
	int		 gap, alpha, numeric, octets;

	for (p = 0; p < t->n; p++) {
		/* Most bytes cannot start an '@' in any of its forms. */
		switch (t->c[p]) {
		case '@': case '%': case '&': case '(': case '[': case '{':
		case '<': case 'a': case 's':
			break;
		default:
			continue;
		}
		if ((n = at_sign(t, p, &kind)) == 0)
			continue;
		/* The local part, right before the sign. */
		le = p;
		gap = 0;
		if (le > 0 && t->c[le - 1] == ' ' && kind != AT_WORD) {
			le--;
			gap = 1;
		} else if (kind == AT_WORD)
			le--;
		for (ls = le; ls > 0 && local_char(t->c[ls - 1]); ls--)
			;
		while (ls < le && !ISALNUM(t->c[ls]))
			ls++;
		if (ls == le)
			continue;
		/* The domain. */
		q = p + n;
		if (q < t->n && t->c[q] == ' ') {
			q++;
			gap = 1;
		}
		if (q < t->n && t->c[q] == '[') {
			/* An IP literal: [192.0.2.1] */
			for (e = q + 1, octets = 0; e < t->n && (ISDIGIT(t->c[e])
			    || t->c[e] == '.' || t->c[e] == ':'); e++)
				octets += t->c[e] == '.';
			if (e < t->n && t->c[e] == ']' && octets >= 3) {
				keep(best, PII_EMAIL, ls, e + 1, 0);
				return;
			}
			continue;
		}
		labels = 0;
		lastlen = 0;
		alpha = 0;
		numeric = 1;
		e = q;
		for (lab = q; lab < t->n && ISALNUM(t->c[lab]);) {
			for (e = lab, alpha = 0; e < t->n &&
			    (ISALNUM(t->c[e]) || t->c[e] == '-'); e++)
				if (!ISDIGIT(t->c[e]))
					alpha = 1;
			if (alpha || e - lab > 3)
				numeric = 0;
			labels++;
			lastlen = e - lab;
			if ((lab = domain_dot(t, e, kind != AT_WORD)) == 0)
				break;
		}
		if (labels == 0)
			continue;
		if ((labels >= 2 && lastlen >= 2 && alpha) ||
		    (labels == 4 && numeric) ||
		    (labels == 1 && alpha && lastlen >= 2 &&
		    ((kind == AT_SIGN && !gap) || mail_host(t, q, e) ||
		    dotted_local(t, ls, le)))) {
			keep(best, PII_EMAIL, ls, e, 0);
			return;
		}
	}
}

/* ---- Street addresses ---- */

/*
 * Street names end in one of these.  Each suffix lists the beginnings of
 * the common nouns that end in it, which name no street: a
 * "parkeringsplats", a "hemväg", an "ingång", a "trygghetsplan".  A
 * beginning of one or two letters must be the whole rest of the word; a
 * longer one may end it ("gästparkeringsplatsen").  Tier 2 suffixes are
 * common words too, and count only in a capitalised name (Mälarhöjden).
 */
static const char *const common_vag[] = {
	"hem", "gang", "cykel", "bil", "flykt", "till", "fram", "arbets",
	"rast", "rund", "res", "om", "mellan", "halv", "genom", "bak", "sido",
	"ut", "in", "upp", "ned", "ner", "lands", "motor", "vatten", "skogs",
	"gc", "gen", "tag", "kors", "farled", "rids", "ga", NULL
};
static const char *const common_gata[] = {
	"bak", "sido", "ga", "affars", "shopping", "gang", NULL
};
static const char *const common_plats[] = {
	"parkerings", "motes", "arbets", "lek", "idrotts", "samlings", "hall",
	"brotts", "olycks", "fynd", "bad", "marknads", "evenemangs", "sitt",
	"traff", "fest", "handels", "rast", "start", "mal", "grill",
	"utsikts", "fiske", "camping", "uppehalls", "vistelse", "sov",
	"praktik", "studie", "utbildnings", "forskole", "skol", "boende",
	"vard", "jobb", "sjukhus", "fritids", "anstallnings", "ungdoms",
	"parkering", "brand", "tom", "stall", "stand", "bo", "by", "kors",
	"hand", "arbetsmarknads", "mottagnings", "tjanste", "elev", "barn",
	"gast", "publik", "scen", "tavlings", "tranings", "hem", "platt",
	"plats", "lan", "lek", "spel", "sam", "sitt", "kontors", "bygg",
	NULL
};
static const char *const common_plan[] = {
	"handlings", "verksamhets", "atgards", "tids", "tid", "vard",
	"genomforande", "laro", "kurs", "arbets", "detalj", "oversikts",
	"behandlings", "studie", "aktivitets", "projekt", "kommunikations",
	"kris", "beredskaps", "samverkans", "insats", "budget", "mal",
	"utvecklings", "sakerhets", "utbildnings", "elev", "vecko", "dags",
	"las", "sam", "ut", "vanings", "trygghets", "likabehandlings",
	"ansvars", "krishanterings", "spel", "gras", "grus", "boll",
	"fotbolls", "tennis", "entre", "kallar", "mellan", "over", "under",
	"botten", "ned", "upp", "organisations", "skol", "stads",
	"general", "finansierings", "bemannings", "kommun", "plan",
	"handlingsplan", "styr", "aterstallnings", "rehabiliterings",
	"genomforande", "sjukvards", "omsorgs", "stod", "jamstalldhets",
	"mangfalds", "integrations", "miljo", "halso", "idrotts", "frukost",
	"skriv", "inventerings", "risk", "upphandlings", "fler", "ars",
	"vaningsplan", "ett", "tva", "tre", "fyra", "fem", "nedre", "ovre",
	"bas", "hand", "lek", NULL
};
static const char *const common_gang[] = {
	"in", "ut", "upp", "ned", "ner", "genom", "om", "trapp", "kallar",
	"kulvert", "korridor", "under", "over", "till", "av", "fram", "bort",
	"ater", "mot", "for", "sam", "kors", "rund", "tom", "skol", "nedgang",
	"forsta", "andra", "tredje", "fjarde", "femte", "forbi", "fot",
	"bi", "fore", "hem", "stall", "ladu", "verk", "lopande", "forlopp",
	"svale", "hus", "gards", "mellan", "valv", "sido", "bak", "huvud",
	NULL
};
static const char *const common_gard[] = {
	"skol", "bak", "inner", "fritids", "bond", "kyrk", "lant", "for",
	"stall", "grann", "sommar", "kloster", "kvarters", "lek", "hem",
	"bonde", "slott", "herr", "hus", "fram", "inne", "for", "djur",
	"ung", "ungdoms", "kyrko", "tra", "ladu", NULL
};
static const char *const common_stig[] = {
	"gang", "cykel", "skogs", "natur", "motions", "vandrings", "fjall",
	"rid", "vilt", "kreatur", "smal", "upp", "trampa", "ko", "ge",
	"fot", NULL
};
static const char *const common_backe[] = {
	"slalom", "pulka", "skid", "cykel", "upp", "ned", "utfor", "brant",
	NULL
};
static const char *const common_torg[] = {
	"marknads", "jobb", "fisk", "handels", "sam", "kunskaps", "ide",
	NULL
};
static const char *const common_bro[] = {
	"gang", "cykel", "ga", "jarnvags", "tag", "motorvags", "flyt",
	"landgangs", "hang", "vind", "fot", NULL
};
static const char *const common_strand[] = {
	"bad", "sand", "sten", "sjo", "havs", "nudist", NULL
};
static const char *const common_led[] = {
	"vandrings", "cykel", "motions", "far", "skid", "kanot", "pilgrims",
	"kna", "hoft", "ankel", "arm", "fot", "hand", "ra", "om", "in",
	"av", "bi", "trans", "over", "hals", "skrid", NULL
};
static const char *const common_kaj[] = {
	"bat", "last", "fiske", "farje", NULL
};
static const char *const common_none[] = { NULL };

static const struct suffix {
	const char		*suf;
	int			 tier;
	const char *const	*common;
} suffixes[] = {
	{ "gatan", 1, common_gata }, { "gata", 1, common_gata },
	{ "vagen", 1, common_vag }, { "vag", 1, common_vag },
	{ "granden", 1, common_none }, { "grand", 1, common_none },
	{ "allen", 1, common_none }, { "alle", 1, common_none },
	{ "torget", 1, common_torg }, { "torg", 1, common_torg },
	{ "backen", 1, common_backe }, { "backe", 1, common_backe },
	{ "stigen", 1, common_stig }, { "stig", 1, common_stig },
	{ "platsen", 1, common_plats }, { "plats", 1, common_plats },
	{ "plan", 1, common_plan },
	{ "garden", 1, common_gard }, { "gard", 1, common_gard },
	{ "gangen", 1, common_gang }, { "gang", 1, common_gang },
	{ "leden", 1, common_led },
	{ "kajen", 1, common_kaj }, { "kaj", 1, common_kaj },
	{ "slingan", 1, common_none }, { "straket", 1, common_none },
	{ "bron", 1, common_bro },
	{ "stranden", 1, common_strand }, { "strand", 1, common_strand },
	{ "liden", 2, common_none }, { "hojden", 2, common_none },
	{ "kroken", 2, common_none }, { "svangen", 2, common_none },
	{ "ringen", 2, common_none }, { "hagen", 2, common_none },
	{ "lunden", 2, common_none }, { "kullen", 2, common_none },
	{ "udden", 2, common_none }, { "viken", 2, common_none },
	{ "dalen", 2, common_none }, { "angen", 2, common_none },
	{ "terrassen", 2, common_none }, { "promenaden", 2, common_none },
	{ "slatten", 2, common_none }, { "gardet", 2, common_none },
	{ "holmen", 2, common_none }, { "berget", 2, common_none },
	{ "bryggan", 2, common_none }, { "hamnen", 2, common_none },
	{ "brinken", 2, common_none }, { "brink", 2, common_none },
};

/*
 * Words that name a street when they follow a capitalised name: "Kärrtorps
 * torg 5", "Hökens gata 3", "Skarpnäcks allé 12", "Hammarby gård 3".
 */
static const char *const street_word[] = {
	"gata", "gatan", "vag", "vagen", "grand", "granden", "torg",
	"torget", "alle", "allen", "kaj", "kajen", "backe", "backen",
	"platsen", "strand", "stranden", "stigen", "leden", "gangen",
	"straket", "slingan", "gard", "garden", "bro", "bron", NULL
};

/* Capitalised words that start sentences rather than name streets. */
static const char *const not_owner[] = {
	"pa", "vid", "langs", "utanfor", "over", "under", "mot", "fran",
	"till", "enligt", "efter", "fore", "bakom", "nara", "genom", "med",
	"den", "det", "han", "hon", "som", "och", "men", "nar", "dar", "hela",
	"varje", "samma", "i", "en", "ett", "var", "vart", "denna", "detta",
	"min", "din", "sin", "hans", "hennes", "deras", "vara", "er", "ny",
	"nya", "gamla", "stora", "lilla", "andra", "forsta", "sista", "alla",
	"vilken", "vilket", "ratt", "fel", "annan", "annat", "inom",
	"mellan", "kring", "runt", "per", "om", "av", "for", "the", NULL
};

/*
 * Words after a number that make it a count rather than a house number
 * ("hemvägen 3 av eleverna", "på gatan 3 killar").  They only clear a
 * street name written in lower case or abbreviated: "Storgatan 14 dagar i
 * månaden" still names Storgatan 14.
 */
static const char *const count_word[] = {
	"ganger", "gang", "ggr", "ar", "ars", "aren", "st", "stycken", "kr",
	"kronor", "sek", "personer", "pers", "person", "dagar", "dag",
	"veckor", "vecka", "manader", "manad", "timmar", "timme", "tim",
	"minuter", "min", "sekunder", "elever", "elev", "ungdomar", "barn",
	"deltagare", "killar", "tjejer", "man", "kvinnor", "av", "grader",
	"tillfallen", "individer", "vuxna", "foraldrar", "besokare",
	"platser", "lektioner", "klasser", "skolor", "olika", "nya", "fler", "farre", "stora", "sma", "unga", "pojkar",
	"flickor", "grupper", "anmalningar", "incidenter", "handelser",
	"ggr", "varv", "steg", NULL
};

/* Units: the number is a measure even after a capitalised street name. */
static const char *const unit_word[] = {
	"km", "m", "meter", "metre", "mil", "kilometer", "cm", "procent",
	"kvm", NULL
};

/* Capitalised words ending in g or v that are not abbreviated streets. */
static const char *const not_abbrev_end[] = {
	"dag", "ing", "ig", "berg", "borg", "burg", "lag", "slag", "tag",
	"krig", "steg", "log", "iv", "tav", "sig", "mig", "dig", "jag",
	"nog", "drag", "agg", "lagg", NULL
};

/*
 * Whether the word w (wl letters, `cap` when written with a capital) ends
 * in a street suffix with something before it that is not a common noun.
 */
static int
compound_street(const unsigned char *w, const unsigned char *f, size_t wl,
    int cap)
{
	const struct suffix *sx;
	const char *const *c;
	size_t	 k, sl, stem;

	for (k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
		sx = &suffixes[k];
		sl = strlen(sx->suf);
		if (!ends_with(w, wl, sx->suf) || wl < sl + 2)
			continue;
		if (sx->tier == 2 && !cap)
			return 0;
		/* Only "allé" is a street: "hallen", "ställen" are not. */
		if (strncmp(sx->suf, "alle", 4) == 0 &&
		    !(f[wl - sl + 3] & F_MARK))
			return 0;
		stem = wl - sl;
		for (c = sx->common; *c != NULL; c++) {
			if (strlen(*c) <= 2 ? (stem == strlen(*c) &&
			    memcmp(w, *c, stem) == 0) : ends_with(w, stem, *c))
				return 0;
		}
		return 1;
	}
	return 0;
}

enum cue {
	CUE_NONE,
	CUE_COUNT,	/* a count word follows */
	CUE_UNIT	/* a unit follows */
};

/*
 * A house number at p after a street name: a comma, a line break, "nr",
 * "nr." or "nummer" may stand between; then 1-999 without a leading zero,
 * not a decimal, time or percentage, and an optional entrance letter
 * (4B, 12 b).  Returns the position after it, or 0; *cue tells what word
 * follows.
 */
static size_t
house_number(const struct text *t, size_t p, enum cue *cue)
{
	static const char *const nr[] = { "nr.", "nr", "n:r", "no.", "nummer",
	    "nummer:", NULL };
	size_t	 q, e, k;

	*cue = CUE_NONE;
	if (p < t->n && t->c[p] == ',')
		p++;
	if (p < t->n && t->c[p] == ' ')
		p++;
	for (k = 0; nr[k] != NULL; k++)
		if (at(t, p, nr[k]) && p + strlen(nr[k]) < t->n &&
		    !ISLETTER(t->c[p + strlen(nr[k])])) {
			p += strlen(nr[k]);
			if (p < t->n && t->c[p] == ' ')
				p++;
			break;
		}
	for (e = p; e < t->n && ISDIGIT(t->c[e]); e++)
		;
	if (e == p || e - p > 3 || t->c[p] == '0')
		return 0;
	if (e + 1 < t->n && strchr(".,:", t->c[e]) != NULL &&
	    t->c[e] != '\0' && ISDIGIT(t->c[e + 1]))
		return 0;
	if (at(t, e, "%") || at(t, e, " %"))
		return 0;
	/* "Bidrag. 12 000 kr": a figure in thousands, not a house. */
	if (e + 4 <= t->n && t->c[e] == ' ' && ISDIGIT(t->c[e + 1]) &&
	    ISDIGIT(t->c[e + 2]) && ISDIGIT(t->c[e + 3]) &&
	    (e + 4 == t->n || !ISDIGIT(t->c[e + 4])))
		return 0;
	q = e;
	if (q < t->n && t->c[q] == ' ')
		q++;
	if (q < t->n && ISLETTER(t->c[q])) {
		k = word_end(t, q);
		if (in_list(unit_word, t->c + q, k - q))
			*cue = CUE_UNIT;
		else if (in_list(count_word, t->c + q, k - q))
			*cue = CUE_COUNT;
		else if (k - q == 1 && t->c[q] >= 'a' && t->c[q] <= 'h')
			e = k;		/* the entrance: 4B, 12 b */
	}
	return e;
}

/*
 * Whether a digit stands within a few bytes after the word [ws, we)
 * ("Storgatan 12", "Storg. 12", "Storgatan, nr 12") or just before it
 * ("12 Storgatan", "4B Storgatan").
 */
static int
digit_near(const struct text *t, size_t ws, size_t we)
{
	size_t	 p;

	for (p = we; p < t->n && p < we + 11; p++)
		if (ISDIGIT(t->c[p]))
			return 1;
	for (p = ws; p > 0 && p + 4 > ws; p--)
		if (ISDIGIT(t->c[p - 1]))
			return 1;
	return 0;
}

/*
 * Whether a word follows position p (after a space): "krav. 12 elever"
 * is a sentence, "storg. 12" an address.
 */
static int
word_follows(const struct text *t, size_t p)
{
	if (p < t->n && t->c[p] == ' ')
		p++;
	return p < t->n && ISLETTER(t->c[p]);
}

/*
 * Street addresses: a street name and a house number, or the number
 * first ("12 Storgatan").  A street name is a compound ending in a street
 * suffix that is not a common noun (Storgatan, Ringväg, Solgården,
 * Medborgarplatsen), a street word after a capitalised name (Kärrtorps
 * torg), or an abbreviation (Storg., Sveav., Ankargr.; in lower case
 * only with nothing but the number after it: "bor på storg. 12").
 */
static void
scan_address(const struct text *t, struct found *best)
{
	size_t	 p = 0, ws, we, s, e, q, pws = 0, pwe = 0;
	int	 cap, kind, have_prev = 0;
	enum cue cue;

	while (p < t->n) {
		if (!ISLETTER(t->c[p])) {
			p++;
			continue;
		}
		ws = p;
		we = word_end(t, p);
		p = we;
		if (!word_start(t, ws))
			goto next;
		/*
		 * Only a word with a number close by can be part of an
		 * address; most words have none, and are passed at once.
		 */
		if (!digit_near(t, ws, we))
			goto next;
		cap = (t->f[ws] & F_UPPER) != 0;
		kind = 0;
		s = ws;
		e = we;
		if (compound_street(t->c + ws, t->f + ws, we - ws, cap))
			kind = 1;
		else if (have_prev && pwe + 1 == ws && t->c[pwe] == ' ' &&
		    in_list(street_word, t->c + ws, we - ws)) {
			kind = 2;
			s = pws;
		} else if (we - ws >= 4 && we < t->n &&
		    t->c[we] == '.' && (t->c[we - 1] == 'g' ||
		    t->c[we - 1] == 'v' || ends_with(t->c + ws, we - ws, "gr"))) {
			kind = 3;
			for (q = 0; not_abbrev_end[q] != NULL; q++)
				if (ends_with(t->c + ws, we - ws,
				    not_abbrev_end[q]))
					kind = 0;
			e = we + 1;
		}
		if (kind != 0 && (q = house_number(t, e, &cue)) != 0 &&
		    cue != CUE_UNIT && !(cue == CUE_COUNT && (!cap ||
		    kind == 3)) && !(kind == 3 && !cap && word_follows(t, q))) {
			keep(best, PII_ADDRESS, s, q, 0);
			return;
		}
		/* "12 Storgatan", "4B Storgatan": the number first. */
		e = ws > 0 ? ws - 1 : 0;
		if (e >= 2 && t->c[e - 1] >= 'a' && t->c[e - 1] <= 'h' &&
		    ISDIGIT(t->c[e - 2]))
			e--;
		if (kind == 1 && e >= 1 && t->c[ws - 1] == ' ' &&
		    !(t->f[ws - 1] & F_BREAK) && ISDIGIT(t->c[e - 1])) {
			for (q = e; q > 0 && ISDIGIT(t->c[q - 1]); q--)
				;
			if (e - q <= 3 && t->c[q] != '0' && (q == 0 ||
			    (!ISDIGIT(t->c[q - 1]) && (q < 2 ||
			    !ISDIGIT(t->c[q - 2]) ||
			    strchr(".:-/", t->c[q - 1]) == NULL)))) {
				keep(best, PII_ADDRESS, q, we, 0);
				return;
			}
		}
next:
		/* Could this word own a following "torg", "gata" ...? */
		have_prev = (t->f[ws] & F_UPPER) && we - ws >= 3 &&
		    !in_list(not_owner, t->c + ws, we - ws);
		pws = ws;
		pwe = we;
	}
}

/* ---- Postcodes ---- */

/* Towns whose names are also written in lower case next to a postcode. */
static const char *const town[] = {
	"stockholm", "goteborg", "malmo", "uppsala", "vasteras", "orebro",
	"linkoping", "helsingborg", "jonkoping", "norrkoping", "lund", "umea",
	"gavle", "boras", "sodertalje", "eskilstuna", "halmstad", "vaxjo",
	"karlstad", "sundsvall", "ostersund", "trollhattan", "lulea",
	"kalmar", "kristianstad", "skovde", "falun", "karlskrona", "solna",
	"sundbyberg", "huddinge", "nacka", "taby", "lidingo", "danderyd",
	"jarfalla", "sollentuna", "haninge", "tyreso", "botkyrka", "tumba",
	"vallentuna", "norrtalje", "sigtuna", "marsta", "vasby",
	"akersberga", "varmdo", "gustavsberg", "skarpnack", "enskede",
	"farsta", "bandhagen", "hagersten", "johanneshov", "spanga",
	"bromma", "vallingby", "kista", "alvsjo", "arsta", "hasselby",
	"skondal", "skarholmen", "tullinge", "hagersten", "sodermalm",
	"kungsholmen", "vasastan", "ostermalm", "norrmalm", "hagerstensasen",
	"saltsjo-boo", "tensta", "rinkeby", "husby", "akalla", "hjulsta",
	"bagarmossen", "karrtorp", "hammarbyhojden", "bjorkhagen",
	"hokarangen", "tallkrogen", "gubbangen", "hogdalen", "ragsved",
	"hagsatra", "fruangen", "varberg", "visby", "kiruna", "motala",
	"lerum", "kungsbacka", "molndal", "partille", "alingsas", "uddevalla",
	"vanersborg", "landskrona", "trelleborg", "ystad", "angelholm",
	"hassleholm", "karlshamn", "nykoping", "katrineholm", "enkoping",
	"sala", "koping", "arboga", "nynashamn", "strangnas", "borlange",
	"ludvika", "mora", "hudiksvall", "soderhamn", "bollnas", "ornskoldsvik",
	"harnosand", "skelleftea", "pitea", "boden", "gallivare", "sthlm",
	"gbg", NULL
};

/*
 * Words after five digits that make them an amount or a count, not a
 * postcode: "25000 SEK", "15000 Kronor", "12000 besökare".
 */
static const char *const not_town[] = {
	"i", "pa", "av", "och", "till", "for", "per", "med", "som", "att",
	"har", "var", "om", "inom", "under", "mellan", "fran", "eller",
	"invanare", "elever", "ungdomar", "barn", "deltagare", "besokare",
	"personer", "st", "stycken", "ar", "dagar", "timmar", "minuter",
	"meter", "km", "kvm", "m", "procent", "exemplar", "ex", "steg",
	"anstallda", "medarbetare", "hushall", "lagenheter", "bostader",
	"arenden", "samtal", "besok", "kontakter", "anmalningar", "ord",
	"tecken", "sidor", "visningar", "klick", "medlemmar", "foljare",
	"kunder", "ganger", "ggr", "vuxna", "unga", "poang", "liter",
	NULL
};

/*
 * Postcodes: "123 45" or "116-21" or "12345" (first digit 1-9, alone as
 * a number) before a town, after an optional comma or line break.
 * "123 45" is only ever a postcode, so any word but a count or a currency
 * counts as the town; after five digits in a row the town must be
 * capitalised or a known town (amounts are written so: "25000 SEK").
 */
static void
scan_postcode(const struct text *t, struct found *best)
{
	size_t	 p = 0, s, e, q, w, we;
	int	 split;

	while (p < t->n) {
		if (!ISDIGIT(t->c[p])) {
			p++;
			continue;
		}
		s = p;
		while (p < t->n && ISDIGIT(t->c[p]))
			p++;
		if (t->c[s] == '0' || (s > 0 && (ISDIGIT(t->c[s - 1]) ||
		    (s > 1 && ISDIGIT(t->c[s - 2]) &&
		    strchr(" -.:/", t->c[s - 1]) != NULL))))
			continue;
		split = 0;
		if (p - s == 5)
			e = p;
		else if (p - s == 3 && p + 3 <= t->n &&
		    (t->c[p] == ' ' || t->c[p] == '-') &&
		    ISDIGIT(t->c[p + 1]) && ISDIGIT(t->c[p + 2]) &&
		    (p + 3 == t->n || !ISDIGIT(t->c[p + 3]))) {
			e = p + 3;
			split = 1;
		} else
			continue;
		q = e;
		if (q < t->n && t->c[q] == ',')
			q++;
		if (q < t->n && t->c[q] == ' ')
			q++;
		if (q == e || q >= t->n || !ISLETTER(t->c[q]))
			continue;
		w = q;
		we = word_end(t, w);
		if (we - w < 2 || in_list(not_town, t->c + w, we - w) ||
		    in_list(currency_word, t->c + w, we - w) ||
		    currency_before(t, s))
			continue;
		if (split || (t->f[w] & F_UPPER) ||
		    in_list(town, t->c + w, we - w) ||
		    (s >= 3 && (at(t, s - 3, "se-") || at(t, s - 2, "s-")))) {
			keep(best, PII_POSTCODE, s, e, 0);
			return;
		}
	}
}

int
pii_scan(const char *text, size_t len, struct pii_hit *hit)
{
	struct found	 f[4], idnum = { PII_NONE, 0, 0, 0 }, *best = NULL;
	struct text	 t;
	size_t		*gs, k, ng;
	void		*mem;

	mem = text_fold(text, len, &t);
	/* Runs of digits: at most one for every two folded bytes, plus one. */
	ng = t.n / 2 + 1;
	if ((gs = malloc(ng * 3 * sizeof(size_t))) == NULL)
		abort();
	for (k = 0; k < 4; k++)
		f[k].kind = PII_NONE;
	scan_numbers(&t, gs, gs + ng, gs + 2 * ng, &idnum, &f[0]);
	scan_email(&t, &f[1]);
	scan_address(&t, &f[2]);
	scan_postcode(&t, &f[3]);
	/*
	 * An identity number that fails its check and is also read as a
	 * phone number from the same place is most likely the phone number
	 * (0701234567).
	 */
	if (idnum.kind != PII_NONE && !(f[0].kind != PII_NONE &&
	    f[0].s == idnum.s && !idnum.luhn))
		best = &idnum;
	for (k = 0; k < 4; k++)
		if (f[k].kind != PII_NONE && (best == NULL || f[k].s < best->s))
			best = &f[k];
	if (hit != NULL) {
		memset(hit, 0, sizeof(*hit));
		if (best != NULL) {
			hit->kind = best->kind;
			hit->offset = t.from[best->s];
			hit->len = t.to[best->e - 1] - hit->offset;
		}
	}
	k = best != NULL;
	free(gs);
	free(mem);
	return (int)k;
}

static const struct {
	const char	*id;
	const char	*en;
	const char	*sv;
} kinds[PII_NKINDS] = {
	[PII_NONE] = { "none", "no personal identifier",
	    "ingen personuppgift" },
	[PII_PERSONNUMMER] = { "personnummer", "a personal identity number",
	    "ett personnummer" },
	[PII_SAMORDNINGSNUMMER] = { "samordningsnummer",
	    "a coordination number", "ett samordningsnummer" },
	[PII_EMAIL] = { "email", "an e-mail address", "en e-postadress" },
	[PII_PHONE] = { "phone", "a phone number", "ett telefonnummer" },
	[PII_ADDRESS] = { "address", "a street address", "en gatuadress" },
	[PII_POSTCODE] = { "postcode", "a postcode", "ett postnummer" },
};

const char *
pii_kind_name(enum pii_kind k)
{
	return (unsigned)k < PII_NKINDS ? kinds[k].en : kinds[0].en;
}

const char *
pii_kind_name_sv(enum pii_kind k)
{
	return (unsigned)k < PII_NKINDS ? kinds[k].sv : kinds[0].sv;
}

const char *
pii_kind_id(enum pii_kind k)
{
	return (unsigned)k < PII_NKINDS ? kinds[k].id : kinds[0].id;
}
