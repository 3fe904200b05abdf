/*
 * pii: the privacy guard.  Five small scanners, each looking for the first
 * identifier of one family in the raw bytes (identity and coordination
 * numbers, phone numbers, e-mail addresses, street addresses, postcodes
 * before a town); pii_scan() runs them all and reports the earliest hit.
 *
 * The guard errs towards refusing: a staff member whose report is refused
 * can rephrase it, while an identity number that slips through is stored
 * and sent on.  It must still let ordinary report prose through -- years,
 * dates, amounts, diary numbers, age ranges, counts -- so every rule below
 * anchors on the shape that only identifiers have (a valid birth date in
 * a ten- or twelve-digit number, a leading 0 or +, a street suffix before
 * a house number, a capitalised town after a postcode) and requires
 * non-digit boundaries so that a rule never fires inside a longer number.
 *
 * The input is UTF-8 but any bytes are handled: invalid sequences read as
 * non-letters, and no scanner reads past `len`.
 */
#include <stdint.h>
#include <string.h>

#include "pii.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISALPHA(c)	(((c) >= 'a' && (c) <= 'z') || \
			    ((c) >= 'A' && (c) <= 'Z'))

/* Longest word, in bytes, that is folded and compared with street names. */
#define WORD_MAX	64

/*
 * Decodes the UTF-8 character at s[i] into *cp and returns its length in
 * bytes.  An invalid or truncated sequence reads as U+FFFD, one byte long,
 * so that the caller always advances.
 */
static size_t
u8_decode(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
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
	*cp = 0xfffd;
	return 1;
}

/* Latin letters, including Latin-1 and Latin Extended-A: å ä ö é ü ... */
static int
is_letter(uint32_t c)
{
	return ISALPHA(c) || (c >= 0xc0 && c <= 0x24f && c != 0xd7 &&
	    c != 0xf7);
}

static int
is_upper(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde &&
	    c != 0xd7);
}

static uint32_t
to_lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 0x20;
	return c;
}

/* Blanks that may stand between the parts of a number or an address. */
static int
is_blank(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xa0 || c == 0x2009 ||
	    c == 0x202f;
}

/* Hyphen-like characters word processors put in for '-'. */
static int
is_dash(uint32_t c)
{
	return c == '-' || (c >= 0x2010 && c <= 0x2014);
}

static size_t
digit_run(const unsigned char *s, size_t len, size_t i)
{
	size_t	 j = i;

	while (j < len && ISDIGIT(s[j]))
		j++;
	return j - i;
}

/*
 * The separator between two groups of digits at s[i]: at most two blanks
 * and at most one dash (or, when `plus`, a '+'), in any order -- "-", " ",
 * " - ", "–", a no-break space.  Returns its length in bytes (0: none).
 */
static size_t
separator(const unsigned char *s, size_t len, size_t i, int plus)
{
	size_t		 j = i, n;
	uint32_t	 c;
	int		 blanks = 0, dashes = 0;

	while (j < len) {
		n = u8_decode(s, len, j, &c);
		if (is_blank(c) && blanks < 2)
			blanks++;
		else if ((is_dash(c) || (plus && c == '+')) && dashes < 1)
			dashes++;
		else
			break;
		j += n;
	}
	return j - i;
}

static int
two_digits(const unsigned char *d)
{
	return (d[0] - '0') * 10 + (d[1] - '0');
}

/*
 * Whether the n (6 or 8) digits at d are the date part of an identity
 * number: YYMMDD or YYYYMMDD with a valid month and day, where a day of
 * 61-91 marks a coordination number.  Returns the kind, or PII_NONE.  A
 * two-digit year has no century, so 29 February is accepted whenever the
 * year is divisible by four; four-digit years must be 1880-2099.
 */
static enum pii_kind
date_kind(const unsigned char *d, size_t n)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	enum pii_kind	 kind = PII_PERSONNUMMER;
	int		 y, m, day, leap, max;

	if (n == 8) {
		y = two_digits(d) * 100 + two_digits(d + 2);
		if (y < 1880 || y > 2099)
			return PII_NONE;
		leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
		d += 2;		/* now YYMMDD like the short form */
	} else
		leap = two_digits(d) % 4 == 0;
	m = two_digits(d + 2);
	day = two_digits(d + 4);
	if (day > 60) {
		day -= 60;
		kind = PII_SAMORDNINGSNUMMER;
	}
	if (m < 1 || m > 12)
		return PII_NONE;
	max = mdays[m - 1] + (m == 2 && leap);
	if (day < 1 || day > max)
		return PII_NONE;
	return kind;
}

/* The Luhn check over YYMMDDNNN against the tenth digit C (weights 2,1,..). */
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

static int
found(struct pii_hit *h, enum pii_kind kind, size_t off, size_t n)
{
	h->kind = kind;
	h->offset = off;
	h->len = n;
	return 1;
}

/*
 * Identity and coordination numbers.  Each maximal run of digits is looked
 * at once:
 *  - 6 or 8 digits, a separator (-, +, blank, dash, " - "), then exactly 4
 *    digits: refused when the date part is valid, whatever the check digit
 *    (the first nine digits already name the person);
 *  - a bare run of exactly 10 or 12 digits: refused when its date part is
 *    valid.  The check digit only decides the label: a ten-digit run that
 *    fails the Luhn check but starts with 0 and a non-zero digit is most
 *    likely a phone number (0701234567) and is reported as one.
 * Longer or shorter runs never match, so order and account numbers of
 * other lengths pass.
 */
static int
scan_idnum(const unsigned char *s, size_t len, struct pii_hit *h)
{
	enum pii_kind	 kind;
	size_t		 i = 0, n, k;

	while (i < len) {
		if (!ISDIGIT(s[i])) {
			i++;
			continue;
		}
		n = digit_run(s, len, i);
		if ((n == 10 || n == 12) &&
		    (kind = date_kind(s + i, n - 4)) != PII_NONE) {
			if (n == 10 && !luhn_ok(s + i) && s[i] == '0' &&
			    s[i + 1] != '0')
				kind = PII_PHONE;
			return found(h, kind, i, n);
		}
		if (n == 6 || n == 8) {
			k = separator(s, len, i + n, 1);
			if (k > 0 && digit_run(s, len, i + n + k) == 4 &&
			    (kind = date_kind(s + i, n)) != PII_NONE)
				return found(h, kind, i, n + k + 4);
		}
		i += n;
	}
	return 0;
}

#define PHONE_MAXGROUPS	8

/*
 * Whether the groups of digits starting at s[p] read as a phone number;
 * sets *end past its last digit.  `mode` is 0 for a national number (a 0
 * then a non-zero digit), '+' after a plus sign, 'I' for the 00 prefix;
 * `paren` when the area code stood in parentheses, "(08) 123 45 67".
 *
 * National numbers have 9-10 digits written as one run (0701234567), or
 * 8-10 digits in groups whose first group is an area code: 08 or three
 * digits (070, 031), or four digits (0480) with 9-10 digits in all, since
 * no subscriber number has fewer than five; later groups have at least two
 * digits.  That rules out dates (2019-05-15: no leading 0), ages (0-18),
 * times (08:30, 0800-1200) and dates written 05-15.  International
 * numbers have 8-15 digits after the plus sign or 9-15 after 00, with an
 * optional "(0)" after the country code.  The longest reading wins.
 */
static int
phone_groups(const unsigned char *s, size_t len, size_t p, int mode,
    int paren, size_t *end)
{
	size_t	 g[PHONE_MAXGROUPS], ends[PHONE_MAXGROUPS];
	size_t	 q = p, n, k, total = 0;
	int	 ng = 0, kk, j, ok, found_one = 0;

	for (;;) {
		n = digit_run(s, len, q);
		if (n == 0)
			break;
		g[ng] = n;
		q += n;
		ends[ng++] = q;
		if (ng == PHONE_MAXGROUPS)
			break;
		if (paren && ng == 1) {
			if (q >= len || s[q] != ')')
				return 0;
			q++;
		} else if (mode != 0 && ng == 1) {
			k = q + separator(s, len, q, 0);
			if (len - k >= 3 && memcmp(s + k, "(0)", 3) == 0) {
				q = k + 3;
				if (q < len && ISDIGIT(s[q]))
					continue;
			}
		}
		k = separator(s, len, q, 0);
		if (paren && ng == 1 && k == 0 && q < len && ISDIGIT(s[q]))
			continue;
		if (k == 0 || q + k >= len || !ISDIGIT(s[q + k]))
			break;
		q += k;
	}
	for (kk = 1; kk <= ng; kk++) {
		total += g[kk - 1];
		if (mode == '+')
			ok = total >= 8 && total <= 15;
		else if (mode == 'I')
			ok = total >= 11 && total <= 17;
		else {
			ok = total >= 8 && total <= 10;
			if (kk == 1)
				ok = ok && total >= 9;
			else if (g[0] == 2)
				ok = ok && s[p + 1] == '8';
			else if (g[0] == 4)
				ok = ok && total >= 9;
			else if (g[0] != 3)
				ok = 0;
			for (j = 1; j < kk && ok; j++)
				if (g[j] < 2)
					ok = 0;
		}
		/* The longest reading wins: +46 8 123 456 78 is one number. */
		if (ok) {
			*end = ends[kk - 1];
			found_one = 1;
		}
	}
	return found_one;
}

/*
 * Phone numbers start at a 0, a + or a "(0" that does not follow a digit,
 * nor a digit and a dash (the middle of a date range such as
 * 2019-08-15 – 2019-09-30), nor a digit and a decimal point.
 */
static int
scan_phone(const unsigned char *s, size_t len, struct pii_hit *h)
{
	size_t	 i, p, end;
	int	 mode, paren;

	for (i = 0; i < len; i++) {
		if (s[i] != '0' && s[i] != '+' && s[i] != '(')
			continue;
		if (i > 0 && ISDIGIT(s[i - 1]))
			continue;
		if (i >= 2 && ISDIGIT(s[i - 2]) &&
		    (s[i - 1] == '-' || s[i - 1] == '.' || s[i - 1] == ','))
			continue;
		if (i >= 4 && ISDIGIT(s[i - 4]) && s[i - 3] == 0xe2 &&
		    s[i - 2] == 0x80 && s[i - 1] >= 0x90 && s[i - 1] <= 0x94)
			continue;
		mode = 0;
		paren = 0;
		p = i;
		if (s[i] == '+') {
			p = i + 1;
			if (p >= len || !ISDIGIT(s[p]) || s[p] == '0')
				continue;
			mode = '+';
		} else if (s[i] == '(') {
			p = i + 1;
			if (p + 1 >= len || s[p] != '0' || !ISDIGIT(s[p + 1]) ||
			    s[p + 1] == '0')
				continue;
			paren = 1;
		} else if (p + 1 < len && s[p + 1] == '0') {
			if (p + 2 >= len || !ISDIGIT(s[p + 2]) ||
			    s[p + 2] == '0')
				continue;
			mode = 'I';
		}
		if (phone_groups(s, len, p, mode, paren, &end))
			return found(h, PII_PHONE, i, end - i);
	}
	return 0;
}

static int
is_local_char(unsigned char c)
{
	return ISDIGIT(c) || ISALPHA(c) || c >= 0x80 ||
	    (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static int
is_domain_char(unsigned char c)
{
	return ISDIGIT(c) || ISALPHA(c) || c == '-' || c >= 0x80;
}

/* Case-insensitive ASCII comparison of n bytes at s[i] (bounded). */
static int
ascii_at(const unsigned char *s, size_t len, size_t i, const char *w)
{
	size_t	 k, n = strlen(w);

	if (i > len || len - i < n)
		return 0;
	for (k = 0; k < n; k++) {
		unsigned char c = s[i + k];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != (unsigned char)w[k])
			return 0;
	}
	return 1;
}

/*
 * The length of the "@" at s[i], or of a written-out "(at)" / "[at]" with
 * optional blanks around it; 0 when there is none.
 */
static size_t
at_sign(const unsigned char *s, size_t len, size_t i)
{
	size_t	 j = i;

	if (s[i] == '@')
		return 1;
	if (s[j] == ' ')
		j++;
	if (!ascii_at(s, len, j, "(at)") && !ascii_at(s, len, j, "[at]"))
		return 0;
	j += 4;
	if (j < len && s[j] == ' ')
		j++;
	return j - i;
}

/*
 * E-mail addresses: a non-empty local part, an "@" (or "(at)", "[at]"),
 * and a domain of at least two labels whose last has two or more
 * characters including a letter.  URLs pass: they have no "@" before a
 * host, and "https://intranat.stockholm.se/..." identifies no person.
 */
static int
scan_email(const unsigned char *s, size_t len, struct pii_hit *h)
{
	size_t	 i, a, ls, q, n, labels, lastlen;
	int	 alpha;

	for (i = 0; i < len; i++) {
		if ((a = at_sign(s, len, i)) == 0)
			continue;
		for (ls = i; ls > 0 && is_local_char(s[ls - 1]); ls--)
			;
		if (ls == i)
			continue;
		q = i + a;
		labels = 0;
		lastlen = 0;
		alpha = 0;
		for (;;) {
			for (n = 0, alpha = 0; q + n < len &&
			    is_domain_char(s[q + n]); n++)
				if (!ISDIGIT(s[q + n]))
					alpha = 1;
			if (n == 0)
				break;
			labels++;
			lastlen = n;
			q += n;
			if (q + 1 < len && s[q] == '.' &&
			    is_domain_char(s[q + 1]))
				q++;
			else
				break;
		}
		if (labels >= 2 && lastlen >= 2 && alpha)
			return found(h, PII_EMAIL, ls, q - ls);
	}
	return 0;
}

/*
 * Street names.  A compound ending in one of `street_suffix` (Storgatan,
 * Skarpnäcksvägen, Mariatorget), in any case, with at least two bytes
 * before the suffix; a capitalised compound ending in -torg or -plan
 * (Norrmalmstorg, Karlaplan) unless it is one of the plans a report talks
 * about (handlingsplan, verksamhetsplan ...); or one of `street_word`
 * standing alone after a capitalised word of three or more letters that
 * is not a preposition or pronoun opening a sentence (Kärrtorps torg,
 * Hökens gata, Skarpnäcks allé -- but not "På gatan").  Standalone "plan",
 * "plats", "stig" and "bro" are left out: "Enligt plan 2" is prose, and
 * Stig is a first name.
 */
static const char *const street_suffix[] = {
	"gatan", "gata", "vägen", "gränd", "gränden", "torget", "backen",
	"backe", "stigen", "allén", "allé", "gången", "leden", "kajen",
	"platsen", "slingan", "stråket", "bron", "strand", NULL
};

static const char *const street_word[] = {
	"gata", "gatan", "väg", "vägen", "gränd", "gränden", "torg",
	"torget", "allé", "allén", "kaj", "kajen", "backe", "backen",
	"platsen", "strand", "stigen", "leden", "gången", "stråket",
	"slingan", NULL
};

/*
 * Capitalised words that begin sentences rather than name streets: "På
 * gatan 3 ...", "Längs vägen 2 ...".
 */
static const char *const not_street_owner[] = {
	"på", "vid", "längs", "utanför", "över", "under", "mot", "från",
	"till", "enligt", "efter", "före", "bakom", "nära", "genom", "med",
	"den", "det", "han", "hon", "som", "och", "men", "när", "där", "hela",
	"varje", "samma", NULL
};

static const char *const plan_stem[] = {
	"handlings", "verksamhets", "åtgärds", "tids", "tid", "vård",
	"genomförande", "läro", "kurs", "arbets", "detalj", "översikts",
	"behandlings", "studie", "aktivitets", "projekt", "kommunikations",
	"kris", "beredskaps", "samverkans", "insats", "budget", "mål",
	"utvecklings", "säkerhets", "utbildnings", "elev", "vecko", "dags",
	"läs", "sam", "ut", NULL
};

/*
 * Words after a house number that show the number was a quantity
 * ("vägen 3 km", "på torget 2 gånger"), not an address.
 */
static const char *const quantity_word[] = {
	"gånger", "gång", "ggr", "år", "års", "åren", "st", "stycken", "kr",
	"kronor", "sek", "procent", "personer", "pers", "dagar", "dag",
	"veckor", "vecka", "månader", "månad", "timmar", "timme", "tim",
	"minuter", "min", "sekunder", "km", "meter", "m", "mil", "elever",
	"ungdomar", "barn", "deltagare", "killar", "tjejer", "män", "kvinnor",
	NULL
};

static int
in_list(const char *const *list, const char *w, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, w, n) == 0)
			return 1;
	return 0;
}

static int
ends_with(const char *w, size_t n, const char *suf)
{
	size_t	 k = strlen(suf);

	return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/*
 * Reads the word (a run of letters) at s[i], folds it to lower case into
 * buf (NUL-terminated, WORD_MAX bytes) and returns the index just past it.
 * *blen is set to the folded length, or to 0 when the word is too long to
 * be a street name.
 */
static size_t
read_word(const unsigned char *s, size_t len, size_t i, char *buf,
    size_t *blen)
{
	size_t		 n, o = 0;
	uint32_t	 c;
	int		 fits = 1;

	while (i < len) {
		n = u8_decode(s, len, i, &c);
		if (!is_letter(c))
			break;
		c = to_lower(c);
		if (o + 3 > WORD_MAX)
			fits = 0;
		else if (c < 0x80)
			buf[o++] = (char)c;
		else {
			buf[o++] = (char)(0xc0 | c >> 6);
			buf[o++] = (char)(0x80 | (c & 0x3f));
		}
		i += n;
	}
	buf[o] = '\0';
	*blen = fits ? o : 0;
	return i;
}

static int
is_street_name(const char *w, size_t n, int cap, int after_cap)
{
	size_t	 k;

	if (n == 0)
		return 0;
	if (after_cap && in_list(street_word, w, n))
		return 1;
	for (k = 0; street_suffix[k] != NULL; k++)
		if (n >= strlen(street_suffix[k]) + 2 &&
		    ends_with(w, n, street_suffix[k]))
			return 1;
	if (!cap || n < 6)
		return 0;
	if (ends_with(w, n, "torg"))
		return 1;
	if (ends_with(w, n, "plan")) {
		for (k = 0; plan_stem[k] != NULL; k++)
			if (ends_with(w, n - 4, plan_stem[k]))
				return 0;
		return 1;
	}
	return 0;
}

/*
 * A house number after a street name at s[i]: up to two blanks, 1-999
 * without a leading zero, an optional entrance letter (4B, 12 b), and not
 * a decimal or a quantity.  Sets *end past it.
 */
static int
house_number(const unsigned char *s, size_t len, size_t i, size_t *end)
{
	char		 w[WORD_MAX];
	size_t		 n, wl, j, k;
	uint32_t	 c;
	int		 blanks = 0;

	while (i < len && blanks < 2) {
		n = u8_decode(s, len, i, &c);
		if (!is_blank(c))
			break;
		i += n;
		blanks++;
	}
	n = digit_run(s, len, i);
	if (n < 1 || n > 3 || s[i] == '0')
		return 0;
	i += n;
	if (i + 1 < len && (s[i] == '.' || s[i] == ',') && ISDIGIT(s[i + 1]))
		return 0;
	*end = i;
	if (i < len && s[i] == '%')
		return 0;
	/* The next word, glued on or after one blank. */
	j = i;
	if (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j < len && s[j] == '%')
		return 0;
	if (j >= len)
		return 1;
	u8_decode(s, len, j, &c);
	if (!is_letter(c))
		return 1;
	k = read_word(s, len, j, w, &wl);
	if (wl > 0 && in_list(quantity_word, w, wl))
		return 0;
	/* An entrance letter belongs to the address. */
	if (k - j == 1)
		*end = k;
	return 1;
}

static int
scan_address(const unsigned char *s, size_t len, struct pii_hit *h)
{
	char		 w[WORD_MAX];
	size_t		 i = 0, n, wl, ws, we, end, prev = 0;
	uint32_t	 c;
	int		 cap, have_prev = 0, prev_owner = 0;

	while (i < len) {
		n = u8_decode(s, len, i, &c);
		if (!is_letter(c)) {
			/* Only blanks may stand inside "Kärrtorps torg". */
			if (!is_blank(c))
				have_prev = 0;
			i += n;
			continue;
		}
		ws = i;
		cap = is_upper(c);
		we = read_word(s, len, i, w, &wl);
		if (is_street_name(w, wl, cap, have_prev && prev_owner) &&
		    house_number(s, len, we, &end)) {
			if (in_list(street_word, w, wl) && have_prev &&
			    prev_owner)
				ws = prev;
			return found(h, PII_ADDRESS, ws, end - ws);
		}
		/* Could this word name the owner of "torg", "gata" ...? */
		have_prev = 1;
		prev_owner = cap && wl >= 3 &&
		    !in_list(not_street_owner, w, wl);
		prev = ws;
		i = we;
	}
	return 0;
}

/*
 * Postcodes: "123 45" or "12345" (first digit 1-9, digit boundaries on
 * both sides) followed by blanks and a capitalised word, the town:
 * "123 45 Stockholm".  A postcode after a street address is caught with
 * the address.  Five digits alone are too common to refuse.
 */
static int
scan_postcode(const unsigned char *s, size_t len, struct pii_hit *h)
{
	size_t		 i = 0, n, k, q, blanks;
	uint32_t	 c, c2;

	while (i < len) {
		if (!ISDIGIT(s[i])) {
			i++;
			continue;
		}
		n = digit_run(s, len, i);
		q = 0;
		if (s[i] != '0' && n == 5)
			q = i + 5;
		else if (s[i] != '0' && n == 3 && i + 3 < len) {
			k = u8_decode(s, len, i + 3, &c);
			if (is_blank(c) && digit_run(s, len, i + 3 + k) == 2)
				q = i + 3 + k + 2;
		}
		if (q != 0) {
			for (blanks = 0; q < len; blanks++) {
				k = u8_decode(s, len, q, &c);
				if (!is_blank(c) || blanks == 2)
					break;
				q += k;
			}
			if (blanks > 0 && q < len) {
				k = u8_decode(s, len, q, &c);
				if (is_upper(c) && q + k < len) {
					u8_decode(s, len, q + k, &c2);
					if (is_letter(c2))
						return found(h, PII_POSTCODE,
						    i, q - i);
				}
			}
		}
		i += n;
	}
	return 0;
}

int
pii_scan(const char *text, size_t len, struct pii_hit *hit)
{
	static int (*const scanners[])(const unsigned char *, size_t,
	    struct pii_hit *) = {
		scan_idnum, scan_phone, scan_email, scan_address,
		scan_postcode
	};
	const unsigned char *s = (const unsigned char *)text;
	struct pii_hit	 best = { PII_NONE, 0, 0 }, h;
	size_t		 k;

	for (k = 0; k < sizeof(scanners) / sizeof(scanners[0]); k++) {
		if (scanners[k](s, len, &h) &&
		    (best.kind == PII_NONE || h.offset < best.offset))
			best = h;
	}
	if (hit != NULL)
		*hit = best;
	return best.kind != PII_NONE;
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
