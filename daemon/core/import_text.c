/*
 * import_text: the importer's text cleanup (import_int.h).  Core.  Bytes
 * to UTF-8 text with LF line ends (UTF-16 and Windows-1252 converted), a
 * table cell's HTML and markdown to plain lines, words broken by a stray
 * space mended, a title taken from a cell's first sentence.  Knows
 * nothing of tables or columns: import_table.c reads those.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "import_int.h"
#include "util.h"

/* Longest title taken from the first sentence of a cell with no bold lead. */
#define TITLE_MAX	80

/* A list item's marker between import_cell_text()'s two passes. */
#define LI_MARK		'\001'

/*
 * Words a stray space is mended in (folded).  Only these: joining two
 * words because the result "looks like" a word would turn "I ordinarie"
 * into nonsense sooner or later.
 */
static const char *const vocabulary[] = {
	"avdelningschef", "avdelningschefen", "enhetschef", "enhetschefen",
	"forebyggande", "foreningsbidrag", "forhindrande", "forvaltningschef",
	"handlingsplan", "handlingsplanen", "kompetenshojande", "lopande",
	"ordinarie", "samordnare", "socialtjansten", "stadsdelsdirektor",
	"stadsdelsforvaltningen", "stadsdelsnamnd", "stadsdelsnamnden",
	"tertialrapport", "tertialrapporten", "uppfoljning", "uppfoljningen",
	"verksamhetsberattelse", "verksamhetsberattelsen",
	"verksamhetsuppfoljning", "verksamhetsuppfoljningen",
};

/*
 * Text helpers.
 */

int
imp_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

int
imp_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
imp_has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Number of characters (not bytes) in a UTF-8 string. */
static size_t
utf8_len(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n, i;
	unsigned cp;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/*
 * Windows-1252 to UTF-8: what a spreadsheet on a Swedish Windows machine
 * saves as "CSV".  0x80-0x9f are the printable extras of 1252 where it
 * has them.
 */
static char *
from_cp1252(const char *s)
{
	static const unsigned short hi[32] = {
		0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
		0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178
	};
	struct buf b = { 0 };
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80 && *p < 0xa0)
			buf_add_utf8(&b, hi[*p - 0x80]);
		else
			buf_add_utf8(&b, *p);
	}
	return buf_take(&b);
}

/*
 * Cells.
 */

static const struct {
	const char	*name;
	unsigned	 cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "hellip", 0x2026 }, { "bull", 0x2022 },
	{ "aring", 0xe5 }, { "auml", 0xe4 }, { "ouml", 0xf6 },
	{ "Aring", 0xc5 }, { "Auml", 0xc4 }, { "Ouml", 0xd6 },
	{ "eacute", 0xe9 }, { "Eacute", 0xc9 }, { "uuml", 0xfc },
	{ "Uuml", 0xdc },
};

/* Decodes the entity at s (at '&'); returns its length or 0 if none. */
static size_t
entity(const char *s, struct buf *b)
{
	const char *semi;
	char name[12];
	size_t n, i;
	unsigned long cp;
	char *end;

	semi = strchr(s, ';');
	if (semi == NULL || semi - s < 2 || semi - s > 10)
		return 0;
	n = (size_t)(semi - s - 1);
	memcpy(name, s + 1, n);
	name[n] = '\0';
	if (name[0] == '#') {
		if (name[1] == 'x' || name[1] == 'X')
			cp = strtoul(name + 2, &end, 16);
		else
			cp = strtoul(name + 1, &end, 10);
		if (*end != '\0' || end == name + 1 || cp == 0 ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		buf_add_utf8(b, cp == 0xa0 ? ' ' : (unsigned)cp);
		return n + 2;
	}
	for (i = 0; i < nitems(entities); i++)
		if (strcmp(name, entities[i].name) == 0) {
			buf_add_utf8(b, entities[i].cp);
			return n + 2;
		}
	return 0;
}

/* The tag at s (at '<'): its length, and whether it ends a line or opens
 * a list item.  0 if this '<' does not start a tag ("< 5 år"). */
static size_t
tag(const char *s, int *newline, int *item)
{
	const char *end, *p = s + 1;
	char name[12];
	size_t n = 0;

	*newline = *item = 0;
	if (*p == '/')
		p++;
	if (!isalpha((unsigned char)*p) && *p != '!')
		return 0;
	end = strchr(p, '>');
	if (end == NULL)
		return 0;
	while (isalnum((unsigned char)p[n]) && n < sizeof(name) - 1) {
		name[n] = (char)tolower((unsigned char)p[n]);
		n++;
	}
	name[n] = '\0';
	if (strcmp(name, "li") == 0 && s[1] != '/')
		*item = 1;
	else if (strcmp(name, "br") == 0 || strcmp(name, "p") == 0 ||
	    strcmp(name, "div") == 0 || strcmp(name, "ul") == 0 ||
	    strcmp(name, "ol") == 0 || strcmp(name, "li") == 0 ||
	    strcmp(name, "tr") == 0)
		*newline = 1;
	return (size_t)(end - s) + 1;
}

char *
import_cell_text(const char *s)
{
	struct buf raw = { 0 }, out = { 0 };
	char *text, *line, *next, *t;
	size_t n;
	int nl, item;

	/* Pass one: tags, entities and markdown bold out; line ends in. */
	while (*s != '\0') {
		if (*s == '<' && (n = tag(s, &nl, &item)) > 0) {
			if (nl || item)
				buf_addc(&raw, '\n');
			if (item)
				buf_addc(&raw, LI_MARK);
			s += n;
		} else if (*s == '&' && (n = entity(s, &raw)) > 0)
			s += n;
		else if (s[0] == '*' && s[1] == '*')
			s += 2;
		else if ((unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] == 0xa0) {
			buf_addc(&raw, ' ');
			s += 2;
		} else if (*s == '\r' || *s == '\t')
			buf_addc(&raw, *s++ == '\r' ? '\n' : ' ');
		else
			buf_addc(&raw, *s++);
	}
	text = buf_take(&raw);
	/* Pass two: per line, white space and list markers. */
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		item = 0;
		t = str_squeeze(line);
		if (*t == LI_MARK) {
			item = 1;
			t = str_squeeze(t + 1);
		}
		if (*t == '\0')
			continue;
		if (out.len > 0)
			buf_addc(&out, '\n');
		if (item) {
			/* Items written "- x", "• x" or "– x" become "- x". */
			if (imp_has_prefix(t, "- "))
				t += 2;
			else if (imp_has_prefix(t, "\xe2\x80\xa2 ") ||
			    imp_has_prefix(t, "\xe2\x80\x93 "))
				t += 4;
			buf_adds(&out, "- ");
		}
		buf_adds(&out, t);
	}
	free(text);
	return buf_take(&out);
}

static int
in_vocabulary(const char *folded)
{
	size_t i;

	for (i = 0; i < nitems(vocabulary); i++)
		if (strcmp(folded, vocabulary[i]) == 0)
			return 1;
	return 0;
}

/* A letter: ASCII, or the first byte of a two-byte UTF-8 Latin letter. */
static int
letter_at(const char *s)
{
	unsigned char c = (unsigned char)*s;

	return isalpha(c) || c == 0xc3;
}

static int
lower_at(const char *s)
{
	unsigned char c = (unsigned char)s[0], c1 = (unsigned char)s[1];

	return islower(c) || (c == 0xc3 && c1 >= 0xa0);
}

/*
 * The mender proper.  Works word by word within each line; a word's
 * trailing punctuation does not count when looking it up.  Each mend is
 * reported through `im` (as a note) when it is given.
 */
static char *
mend(struct imp *im, int lineno, const char *s)
{
	struct buf out = { 0 }, cand = { 0 };
	const char *p = s, *w1, *w2, *e1, *e2, *core2;
	char *f;
	int joined;

	while (*p != '\0') {
		/* Copy up to the next space. */
		w1 = p;
		while (*p != '\0' && *p != ' ')
			p++;
		e1 = p;
		buf_add(&out, w1, (size_t)(e1 - w1));
		if (*p != ' ')
			break;
		w2 = p + 1;
		e2 = w2;
		while (*e2 != '\0' && *e2 != ' ' && *e2 != '\n')
			e2++;
		core2 = e2;
		while (core2 > w2 && strchr(".,;:)", core2[-1]) != NULL)
			core2--;
		joined = 0;
		if (e1 > w1 && core2 > w2 && letter_at(w2) && lower_at(w2)) {
			buf_reset(&cand);
			buf_add(&cand, w1, (size_t)(e1 - w1));
			buf_add(&cand, w2, (size_t)(core2 - w2));
			f = xfold(cand.s);
			if (in_vocabulary(f)) {
				joined = 1;
				if (im != NULL)
					imp_note(im, lineno, "mended \"%.*s %.*s\""
					    " to \"%.*s%.*s\"",
					    (int)(e1 - w1), w1,
					    (int)(core2 - w2), w2,
					    (int)(e1 - w1), w1,
					    (int)(core2 - w2), w2);
			}
			free(f);
		}
		if (!joined)
			buf_addc(&out, ' ');
		p = w2;
	}
	buf_free(&cand);
	return buf_take(&out);
}

char *
import_mend(const char *s)
{
	struct buf out = { 0 };
	const char *line, *nl;
	char *copy, *m;

	/* Line by line, so that a break never joins across lines. */
	for (line = s; ; line = nl + 1) {
		nl = strchr(line, '\n');
		copy = nl ? xstrndup(line, (size_t)(nl - line)) :
		    xstrdup(line);
		m = mend(NULL, 0, copy);
		buf_adds(&out, m);
		free(m);
		free(copy);
		if (nl == NULL)
			break;
		buf_addc(&out, '\n');
	}
	return buf_take(&out);
}

/* Cleans and mends a cell, with notes for mended words. */
char *
imp_cell(struct imp *im, int lineno, const char *raw)
{
	struct buf out = { 0 };
	char *text, *line, *next, *m;

	text = import_cell_text(raw);
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		m = mend(im, lineno, line);
		if (out.len > 0)
			buf_addc(&out, '\n');
		buf_adds(&out, m);
		free(m);
	}
	free(text);
	return buf_take(&out);
}

/* A cell's text on one line: schedules, header words. */
char *
imp_cell_line(struct imp *im, int lineno, const char *raw)
{
	char *s = imp_cell(im, lineno, raw), *p;

	for (p = s; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	return s;
}

/*
 * The title of a cell with no bold lead: its first sentence, without the
 * closing period, cut at a word boundary to TITLE_MAX characters with an
 * ellipsis.  A period ends a sentence only after a word with no period of
 * its own, so "t.ex." and "m.m." do not.
 */
char *
imp_first_sentence(const char *text)
{
	const char *p, *w = text, *end = NULL;
	size_t n, cut;
	char *t;

	for (p = text; *p != '\0' && *p != '\n'; p++) {
		if (*p == ' ')
			w = p + 1;
		if (*p == '.' && (p[1] == ' ' || p[1] == '\0' ||
		    p[1] == '\n') && memchr(w, '.', (size_t)(p - w)) == NULL &&
		    p > w) {
			end = p;
			break;
		}
	}
	if (end == NULL)
		end = p;
	n = (size_t)(end - text);
	if (utf8_len(text, n) <= TITLE_MAX)
		return xstrndup(text, n);
	/* Keep whole words within TITLE_MAX - 1 characters, then "…". */
	cut = 0;
	for (p = text; p < end; p++)
		if (*p == ' ' && utf8_len(text, (size_t)(p - text)) <
		    TITLE_MAX)
			cut = (size_t)(p - text);
	if (cut == 0)
		cut = n;
	while (cut > 0 && strchr(" ,;:", text[cut - 1]) != NULL)
		cut--;
	t = xasprintf("%.*s\xe2\x80\xa6", (int)cut, text);
	return t;
}

/* A line without markdown marks: leading #, ** and __, tags, white space. */
char *
imp_plain(const char *s)
{
	char *t;

	while (*s == '#')
		s++;
	t = import_cell_text(s);
	for (char *p = t; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	return str_squeeze(t);
}

/*
 * Bytes to text.
 */

/* UTF-16 with a byte order mark (Excel's "Unicode text") to UTF-8. */
static char *
from_utf16(const unsigned char *s, size_t len)
{
	struct buf b = { 0 };
	size_t i;
	unsigned cp, lo;
	int be = s[0] == 0xfe;

	for (i = 2; i + 1 < len; i += 2) {
		cp = be ? (unsigned)(s[i] << 8 | s[i + 1]) :
		    (unsigned)(s[i + 1] << 8 | s[i]);
		if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < len) {
			lo = be ? (unsigned)(s[i + 2] << 8 | s[i + 3]) :
			    (unsigned)(s[i + 3] << 8 | s[i + 2]);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			} else
				cp = 0xfffd;
		} else if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		if (cp == 0)
			cp = 0xfffd;
		buf_add_utf8(&b, cp);
	}
	buf_adds(&b, "");
	return buf_take(&b);
}

/*
 * The text as UTF-8 with LF line ends: a byte order mark dropped, UTF-16
 * and Windows-1252 converted (the latter with a warning).  NULL for
 * binary data.
 */
char *
imp_decode(struct imp *im, const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;
	char *text, *r, *w;

	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) {
		imp_note(im, 0, "UTF-16 text (Excel's \"Unicode text\"); "
		    "converted to UTF-8");
		text = from_utf16(u, len);
	} else {
		if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
			data += 3;
			len -= 3;
		}
		if (memchr(data, '\0', len) != NULL)
			return NULL;
		text = xstrndup(data, len);
		if (!utf8_valid(text)) {
			imp_warn(im, 0, "not UTF-8; read as Windows-1252");
			r = from_cp1252(text);
			free(text);
			text = r;
		}
	}
	/* CR LF and CR to LF, so that quoted line ends count once. */
	for (r = w = text; *r != '\0'; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r == '\r' ? '\n' : *r;
	*w = '\0';
	return text;
}

