/*
 * import: turns a plan document into a struct plan.  The input is what
 * people really have: the tables copied out of the adopted PDF, tab
 * separated, between headings and running text (tests/data/
 * skarpnack-2019.txt), or a spreadsheet export as TSV or CSV.  Cells carry
 * HTML fragments and words broken by stray spaces, a header cell may be
 * missing while the rows still carry its column, and dates are sometimes
 * written the wrong way round.  Everything the importer infers is said,
 * with file:line; what it cannot read is an error naming the value.
 *
 * The work is done in passes over the lines: the document's metadata
 * (committee, title, diary number, adoption date, next revision), then
 * the tables, each header row opening a table whose section comes from
 * the nearest heading above it.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "import.h"
#include "import_int.h"
#include "office.h"
#include "plan.h"
#include "util.h"

/* Longest title taken from the first sentence of a cell with no bold lead. */
#define TITLE_MAX	80

/* A list item's marker between import_cell_text()'s two passes. */
#define LI_MARK		'\001'

enum col {
	COL_IGNORED,
	COL_ACTIVITY,
	COL_RESPONSIBLE,
	COL_SCHEDULE,
	COL_FOLLOWUP,
	COL_SECTION,
	COL_DESCRIPTION,	/* more text for the description */
	COL_EXTRA,		/* "Mål", "Syfte": a line "Mål: ..." of it */
	COL_NUMBER,		/* "Nr": the document's own numbering */
	COL_EMPTY
};

static const char *const col_names[] = {
	"(ignored)", "Aktivitet", "Ansvarig", "Tidplan", "Uppf\xc3\xb6ljning",
	"Sektion", "Beskrivning", "(extra)", "Nr", "(empty)"
};

/*
 * Header words, folded, with a trailing colon and any parenthesis
 * dropped.  A header cell is first matched whole against every word,
 * then by its start against the words marked `prefix`, in this order
 * (so that "Insatsområde" is a section before "Insats" is an activity).
 */
static const struct {
	const char	*word;
	enum col	 col;
	int		 prefix;
} header_words[] = {
	{ "aktivitet", COL_ACTIVITY, 0 },
	{ "aktiviteter", COL_ACTIVITY, 0 },
	{ "atgard", COL_ACTIVITY, 0 },
	{ "atgarder", COL_ACTIVITY, 0 },
	{ "insats", COL_ACTIVITY, 0 },
	{ "insatser", COL_ACTIVITY, 0 },
	{ "ansvarig", COL_RESPONSIBLE, 0 },
	{ "ansvariga", COL_RESPONSIBLE, 0 },
	{ "ansvar", COL_RESPONSIBLE, 0 },
	{ "vem", COL_RESPONSIBLE, 0 },
	{ "tidplan", COL_SCHEDULE, 0 },
	{ "tidsplan", COL_SCHEDULE, 0 },
	{ "tid", COL_SCHEDULE, 0 },
	{ "nar", COL_SCHEDULE, 0 },
	{ "klart senast", COL_SCHEDULE, 0 },
	{ "klart", COL_SCHEDULE, 0 },
	{ "senast", COL_SCHEDULE, 0 },
	{ "deadline", COL_SCHEDULE, 0 },
	{ "datum", COL_SCHEDULE, 0 },
	{ "period", COL_SCHEDULE, 0 },
	{ "tidsperiod", COL_SCHEDULE, 0 },
	{ "genomforande", COL_SCHEDULE, 0 },
	{ "uppfoljning", COL_FOLLOWUP, 0 },
	{ "uppfoljs", COL_FOLLOWUP, 0 },
	{ "foljs upp", COL_FOLLOWUP, 0 },
	{ "aterrapportering", COL_FOLLOWUP, 0 },
	{ "rapportering", COL_FOLLOWUP, 0 },
	{ "redovisning", COL_FOLLOWUP, 0 },
	{ "redovisas", COL_FOLLOWUP, 0 },
	{ "sektion", COL_SECTION, 0 },
	{ "omrade", COL_SECTION, 0 },
	{ "avsnitt", COL_SECTION, 0 },
	{ "kategori", COL_SECTION, 0 },
	{ "beskrivning", COL_DESCRIPTION, 0 },
	{ "innehall", COL_DESCRIPTION, 0 },
	{ "mal", COL_EXTRA, 0 },
	{ "malgrupp", COL_EXTRA, 0 },
	{ "syfte", COL_EXTRA, 0 },
	{ "nr", COL_NUMBER, 0 },
	{ "nr.", COL_NUMBER, 0 },
	{ "#", COL_NUMBER, 0 },
	{ "id", COL_NUMBER, 0 },
	/* By their start: "Uppföljning och rapportering", "Ansvarig chef". */
	{ "insatsomrade", COL_SECTION, 1 },
	{ "fokusomrade", COL_SECTION, 1 },
	{ "omrade", COL_SECTION, 1 },
	{ "sektion", COL_SECTION, 1 },
	{ "beskrivning", COL_DESCRIPTION, 1 },
	{ "uppfoljning", COL_FOLLOWUP, 1 },
	{ "aterrapport", COL_FOLLOWUP, 1 },
	{ "rapportering", COL_FOLLOWUP, 1 },
	{ "redovisning", COL_FOLLOWUP, 1 },
	{ "tidplan", COL_SCHEDULE, 1 },
	{ "tidsplan", COL_SCHEDULE, 1 },
	{ "klart senast", COL_SCHEDULE, 1 },
	{ "ansvar", COL_RESPONSIBLE, 1 },
	{ "huvudansvar", COL_RESPONSIBLE, 1 },
	{ "aktivitet", COL_ACTIVITY, 1 },
	{ "atgard", COL_ACTIVITY, 1 },
	{ "insats", COL_ACTIVITY, 1 },
	{ "malgrupp", COL_EXTRA, 1 },
	{ "syfte", COL_EXTRA, 1 },
};

/*
 * Section names by their folded stems.  "forhind" covers the reference
 * plan's misspelt heading "Förhinderande aktiviteter" as well.
 */
static const struct {
	const char	*stem;
	enum section	 section;
} section_stems[] = {
	{ "forebygg", SECTION_FOREBYGGANDE },
	{ "forhind", SECTION_FORHINDRANDE },
	{ "forenings", SECTION_FORENINGSBIDRAG },
	{ "kompetens", SECTION_KOMPETENS },
};

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

struct table {
	int		 line;		/* of the header row */
	size_t		 ncols;
	enum col	*col;
	char		**names;	/* header text of COL_EXTRA columns */
	int		 section;	/* -1: from a Sektion column only */
	int		 ok;		/* 0: rows are skipped */
	int		 fallback;	/* no section anywhere yet: default it */
};

/*
 * Diagnostics.  A line of a Word or OpenDocument file is named by where
 * it is ("plan.docx: table 2, row 5: ..."), a line of text by its number.
 */
static void
report(struct imp *im, struct diag *d, int warning, int line,
    const char *fmt, va_list ap)
{
	char *f;

	if (im->where != NULL && line > 0 && (size_t)line <= im->nwhere) {
		f = xasprintf("%s: %s", im->file, im->where[line - 1]);
		diag_vadd(d, warning, f, 0, fmt, ap);
		free(f);
	} else
		diag_vadd(d, warning, im->file, line, fmt, ap);
}

void
imp_error(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(im, im->d, 0, line, fmt, ap);
	va_end(ap);
	if (!im->o->keep_going)
		im->stop = 1;
}

void
imp_warn(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(im, im->d, 1, line, fmt, ap);
	va_end(ap);
}

void
imp_note(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (im->notes == NULL)
		return;
	va_start(ap, fmt);
	report(im, im->notes, 1, line, fmt, ap);
	va_end(ap);
}

/*
 * Text helpers.
 */

static int
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
has_prefix_ci(const char *s, const char *prefix)
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
			if (has_prefix(t, "- "))
				t += 2;
			else if (has_prefix(t, "\xe2\x80\xa2 ") ||
			    has_prefix(t, "\xe2\x80\x93 "))
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
static char *
cell(struct imp *im, int lineno, const char *raw)
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
static char *
cell_line(struct imp *im, int lineno, const char *raw)
{
	char *s = cell(im, lineno, raw), *p;

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
static char *
first_sentence(const char *text)
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

/*
 * Splits the activity cell into title and description.  A bold lead
 * (<b>, <strong> or ** at the very start) is the title, less a trailing
 * colon, and the rest is the description (a separating "-", "–" or ":"
 * dropped).  Otherwise the title is the first sentence and the
 * description the whole text (empty when the text is just that one
 * sentence); bold that does not open the cell is only emphasis.
 */
static void
split_activity(struct imp *im, int lineno, const char *raw, char **title,
    char **desc)
{
	static const struct {
		const char	*open, *close;
	} bolds[] = {
		{ "<b>", "</b>" }, { "<b ", "</b>" },
		{ "<strong>", "</strong>" }, { "<strong ", "</strong>" },
		{ "**", "**" },
	};
	const char *s = raw, *inner, *close, *rest;
	char *t, *full, *in;
	size_t i, n;

	*title = *desc = NULL;
	while (isspace((unsigned char)*s))
		s++;
	for (i = 0; i < nitems(bolds); i++) {
		if (!has_prefix_ci(s, bolds[i].open))
			continue;
		inner = s + strlen(bolds[i].open);
		if (bolds[i].open[strlen(bolds[i].open) - 1] == ' ' &&
		    (inner = strchr(inner, '>')) != NULL)
			inner++;
		if (inner == NULL)
			break;
		close = strcasestr(inner, bolds[i].close);
		if (close == NULL)
			break;
		in = xstrndup(inner, (size_t)(close - inner));
		t = cell_line(im, lineno, in);
		free(in);
		n = strlen(t);
		while (n > 0 && (t[n - 1] == ':' || t[n - 1] == ' '))
			t[--n] = '\0';
		if (n == 0) {
			free(t);
			break;
		}
		rest = close + strlen(bolds[i].close);
		while (isspace((unsigned char)*rest))
			rest++;
		if ((rest[0] == '-' || rest[0] == ':') &&
		    isspace((unsigned char)rest[1]))
			rest += 2;
		else if (has_prefix(rest, "\xe2\x80\x93 "))
			rest += 4;
		*title = t;
		*desc = cell(im, lineno, rest);
		return;
	}
	full = cell(im, lineno, raw);
	*title = first_sentence(full);
	n = strlen(*title);
	/* A cell that is one short sentence is all title. */
	if (strncmp(full, *title, n) == 0 && (full[n] == '\0' ||
	    (full[n] == '.' && full[n + 1] == '\0'))) {
		free(full);
		full = xstrdup("");
	}
	*desc = full;
}

/*
 * Splits a cell into items at line ends and at `seps` (each separator a
 * string; matched case-insensitively; ", " only before something other
 * than a digit); empty items are dropped.
 * Returns the number of items; *out an array the caller frees with its
 * strings.
 */
static size_t
split_items(const char *text, const char *const *seps, char ***out)
{
	char **v = NULL, *copy, *p, *start, *item;
	size_t n = 0, i, len;

	copy = xstrdup(text);
	start = p = copy;
	for (;;) {
		len = 0;
		if (*p == '\n' || *p == '\0')
			len = *p ? 1 : 0;
		else
			for (i = 0; seps[i] != NULL; i++) {
				/* ", " only before a name: "T2 2021, VB
				 * 2021", not "Tertialrapport 1, 2020". */
				if (strcmp(seps[i], ", ") == 0) {
					if (has_prefix(p, ", ") &&
					    p[2] != '\0' &&
					    !isdigit((unsigned char)p[2])) {
						len = 2;
						break;
					}
				} else if (has_prefix_ci(p, seps[i])) {
					len = strlen(seps[i]);
					break;
				}
			}
		if (len > 0 || *p == '\0') {
			item = str_squeeze(xstrndup(start, (size_t)(p - start)));
			if (*item == '-' && item[1] == ' ')
				memmove(item, item + 2, strlen(item + 2) + 1);
			if (*item != '\0') {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = item;
			} else
				free(item);
			if (*p == '\0')
				break;
			p += len;
			start = p;
			continue;
		}
		p++;
	}
	free(copy);
	*out = v;
	return n;
}

/* A section named somewhere in (folded) text; -1 if none. */
static int
section_in(const char *text)
{
	char *f = xfold(text);
	size_t i;
	const char *best = NULL, *at;
	int s = -1;

	for (i = 0; i < nitems(section_stems); i++) {
		at = strstr(f, section_stems[i].stem);
		if (at != NULL && (best == NULL || at < best)) {
			best = at;
			s = (int)section_stems[i].section;
		}
	}
	free(f);
	return s;
}

/*
 * Rows.
 */

/* "at line 25", or where a line of a Word file is: "(table 2, row 1)". */
static char *
line_name(struct imp *im, int line)
{
	if (im->where != NULL && line > 0 && (size_t)line <= im->nwhere)
		return xasprintf("(%s)", im->where[line - 1]);
	return xasprintf("at line %d", line);
}

static void
activity_clear(struct activity *a)
{
	plan_activity_free(a);
	memset(a, 0, sizeof(*a));
}

static const char *const role_seps[] = { ";", NULL };
static const char *const followup_seps[] = {
	";", " och ", " samt ", ", ", NULL
};

/*
 * One table row into an activity.  Every problem in the row is reported;
 * a row with an error is left out.
 */
static void
row(struct imp *im, struct table *t, char **cells, size_t n, int lineno)
{
	struct activity a;
	struct buf msg = { 0 }, more = { 0 };
	enum section es;
	char *text = NULL, **items, *form, *head;
	size_t i, k, nitem;
	int nerr = (int)im->d->nerrors, r, sec = t->section;

	for (i = 0; i < n && blank(cells[i]); i++)
		;
	if (i == n)
		return;		/* an empty record: nothing to read */
	im->seq++;
	for (i = t->ncols; i < n && blank(cells[i]); i++)
		;
	if (n < t->ncols || i < n) {
		head = line_name(im, t->line);
		imp_error(im, lineno, "row has %zu cells, the header %s has "
		    "%zu", n, head, t->ncols);
		free(head);
		return;
	}
	if (sec == -1 && t->fallback) {
		imp_warn(im, t->line, "no heading above the table names a "
		    "section and it has no Sektion column; its activities are "
		    "filed under %s", plan_section_name(SECTION_FOREBYGGANDE));
		sec = t->section = SECTION_FOREBYGGANDE;
	}
	t->fallback = 0;
	memset(&a, 0, sizeof(a));
	a.line = lineno;
	a.status = ACTIVITY_ACTIVE;
	a.id = xasprintf("%s-%02d", im->prefix, im->seq);
	for (i = 0; i < t->ncols; i++) {
		switch (t->col[i]) {
		case COL_ACTIVITY:
			if (blank(cells[i])) {
				imp_error(im, lineno, "empty %s cell",
				    col_names[COL_ACTIVITY]);
				break;
			}
			split_activity(im, lineno, cells[i], &a.title,
			    &a.description);
			break;
		case COL_SECTION:
			text = cell_line(im, lineno, cells[i]);
			if (*text != '\0') {
				if (plan_section_parse(text, &es) == 0)
					sec = (int)es;
				else
					sec = section_in(text);
				if (sec == -1)
					imp_error(im, lineno, "section \"%s\": "
					    "not F\xc3\xb6rebyggande, "
					    "F\xc3\xb6rhindrande, "
					    "F\xc3\xb6reningsbidrag or "
					    "Kompetensh\xc3\xb6jande", text);
			}
			free(text);
			break;
		case COL_RESPONSIBLE:
			text = cell(im, lineno, cells[i]);
			nitem = split_items(text, role_seps, &items);
			free(text);
			if (nitem == 0)
				imp_error(im, lineno, "empty %s cell",
				    col_names[COL_RESPONSIBLE]);
			a.responsible = items;
			a.nresponsible = nitem;
			break;
		case COL_SCHEDULE:
			text = cell_line(im, lineno, cells[i]);
			if (*text == '\0') {
				imp_error(im, lineno, "empty %s cell",
				    col_names[COL_SCHEDULE]);
				free(text);
				break;
			}
			buf_reset(&msg);
			r = plan_parse_schedule(text, &a.schedule, &msg);
			if (r == -1 && (form = imp_schedule_form(im, lineno,
			    text)) != NULL) {
				r = plan_parse_schedule(form, &a.schedule,
				    NULL);
				free(form);
			}
			if (r == -1)
				imp_error(im, lineno, "schedule \"%s\": %s", text,
				    msg.s);
			else if (r == 1)
				imp_warn(im, lineno, "schedule \"%s\": %s", text,
				    msg.s);
			a.schedule_text = text;
			break;
		case COL_FOLLOWUP:
			text = cell(im, lineno, cells[i]);
			nitem = split_items(text, followup_seps, &items);
			free(text);
			if (nitem == 0)
				imp_error(im, lineno, "empty %s cell",
				    col_names[COL_FOLLOWUP]);
			a.followup = xcalloc(nitem ? nitem : 1,
			    sizeof(*a.followup));
			for (k = 0; k < nitem; k++) {
				buf_reset(&msg);
				r = plan_parse_followup(items[k],
				    im->p->year, &a.followup[a.nfollowup],
				    &msg);
				if (r == -1 && (form = imp_followup_form(im,
				    lineno, items[k])) != NULL) {
					r = plan_parse_followup(form,
					    im->p->year,
					    &a.followup[a.nfollowup], NULL);
					free(form);
				}
				if (r == -1)
					imp_error(im, lineno,
					    "follow-up \"%s\": %s", items[k],
					    msg.s);
				else
					a.nfollowup++;
			}
			strv_free(items, nitem);
			break;
		case COL_DESCRIPTION:
		case COL_EXTRA:
			text = cell(im, lineno, cells[i]);
			if (*text != '\0') {
				if (more.len > 0)
					buf_addc(&more, '\n');
				if (t->col[i] == COL_EXTRA) {
					head = t->names[i];
					k = strlen(head);
					while (k > 0 && (head[k - 1] == ':' ||
					    head[k - 1] == ' '))
						k--;
					buf_printf(&more, "%.*s: ", (int)k,
					    head);
				}
				buf_adds(&more, text);
			}
			free(text);
			break;
		default:
			break;
		}
	}
	buf_free(&msg);
	/* Description and extra columns follow the activity's own text. */
	if (more.len > 0 && a.description != NULL) {
		text = *a.description == '\0' ? xstrdup(more.s) :
		    xasprintf("%s\n%s", a.description, more.s);
		free(a.description);
		a.description = text;
	}
	buf_free(&more);
	if (sec == -1 && (int)im->d->nerrors == nerr)
		imp_error(im, lineno, "no section: no heading above the table "
		    "names one and the Sektion cell is empty");
	if ((int)im->d->nerrors > nerr) {
		activity_clear(&a);
		return;
	}
	a.section = (enum section)sec;
	imp_check_dates(im, &a);
	im->p->activities = xreallocarray(im->p->activities,
	    im->p->nactivities + 1, sizeof(*im->p->activities));
	im->p->activities[im->p->nactivities++] = a;
}

/*
 * Header rows.  Returns 1 and fills `t` when the cells are a header: an
 * activity column and at least one other known one.
 */
/* The column a header cell names. */
static enum col
header_col(const char *cell)
{
	char *text, *f, *paren;
	size_t k, n;
	enum col c;
	int plain = 1;

	text = cell_line(NULL, 0, cell);
	/* "Tidplan (klart senast)": the parenthesis says no more. */
	if ((paren = strchr(text, '(')) != NULL && paren > text)
		*paren = '\0';
	n = strlen(text);
	while (n > 0 && (text[n - 1] == ':' || text[n - 1] == ' '))
		text[--n] = '\0';
	f = xfold(text);
	free(text);
	c = *f == '\0' ? COL_EMPTY : COL_IGNORED;
	for (k = 0; k < nitems(header_words) && c == COL_IGNORED; k++)
		if (!header_words[k].prefix &&
		    strcmp(f, header_words[k].word) == 0)
			c = header_words[k].col;
	/*
	 * By its start only when the cell reads like a header: a few words
	 * of letters, not a line of a table of contents ("Uppföljning
	 * .....  12").
	 */
	for (k = 0; f[k] != '\0'; k++)
		if (!isalpha((unsigned char)f[k]) && strchr(" -/&", f[k]) ==
		    NULL && !((unsigned char)f[k] & 0x80))
			plain = 0;
	if (strlen(f) > 40)
		plain = 0;
	for (k = 0; k < nitems(header_words) && c == COL_IGNORED && plain;
	    k++)
		if (header_words[k].prefix &&
		    has_prefix(f, header_words[k].word))
			c = header_words[k].col;
	free(f);
	return c;
}

static int
header(struct imp *im, char **cells, size_t n, int lineno, int section,
    struct table *t)
{
	enum col *col;
	char *text;
	size_t i, k, nempty = 0, empty_at = 0;
	int seen[COL_EMPTY + 1] = { 0 }, known = 0, missing, miss_col = 0;

	col = xcalloc(n ? n : 1, sizeof(*col));
	for (i = 0; i < n; i++) {
		col[i] = header_col(cells[i]);
		if (col[i] >= COL_ACTIVITY && col[i] <= COL_SECTION)
			known++;
		seen[col[i]]++;
	}
	if (!seen[COL_ACTIVITY] || known < 2) {
		free(col);
		return 0;
	}
	memset(t, 0, sizeof(*t));
	t->line = lineno;
	t->ncols = n;
	t->col = col;
	t->names = xcalloc(n ? n : 1, sizeof(*t->names));
	for (i = 0; i < n; i++)
		if (col[i] == COL_EXTRA)
			t->names[i] = cell_line(NULL, lineno, cells[i]);
	t->ok = 1;
	t->section = section;
	im->ntables++;
	for (k = COL_ACTIVITY; k <= COL_DESCRIPTION; k++)
		if (seen[k] > 1) {
			imp_error(im, lineno, "two %s columns", col_names[k]);
			t->ok = 0;
		}
	for (i = 0; i < n; i++)
		if (col[i] == COL_EMPTY) {
			nempty++;
			empty_at = i;
		}
	missing = 0;
	for (k = COL_RESPONSIBLE; k <= COL_FOLLOWUP; k++)
		if (!seen[k]) {
			missing++;
			miss_col = (int)k;
		}
	/*
	 * One missing column and one empty header cell: the rows carry the
	 * column there (the reference's first table has "Aktivitet
	 * Ansvarig <empty> Uppföljning"), so the cell's position names it.
	 */
	if (missing == 1 && nempty == 1) {
		col[empty_at] = (enum col)miss_col;
		seen[miss_col] = 1;
		imp_note(im, lineno, "header cell %zu is empty; taken as %s from "
		    "its position", empty_at + 1, col_names[miss_col]);
	}
	for (k = COL_RESPONSIBLE; k <= COL_FOLLOWUP; k++)
		if (!seen[k]) {
			imp_error(im, lineno, "table has no %s column",
			    col_names[k]);
			t->ok = 0;
		}
	for (i = 0; i < n; i++)
		if (col[i] == COL_IGNORED) {
			text = cell_line(NULL, lineno, cells[i]);
			imp_warn(im, lineno, "column \"%s\" is not read; ignored",
			    text);
			free(text);
		}
	/* A section row may yet come between the header and the rows. */
	t->fallback = t->ok && section == -1 && !seen[COL_SECTION];
	return 1;
}

static void
table_free(struct table *t)
{
	size_t i;

	free(t->col);
	if (t->names != NULL)
		for (i = 0; i < t->ncols; i++)
			free(t->names[i]);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

/*
 * Splitting.
 */

static size_t
split_tabs(char *s, char ***out)
{
	char **v = NULL, *p;
	size_t n = 0;

	for (;;) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = s;
		if ((p = strchr(s, '\t')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
	*out = v;
	return n;
}

/*
 * One CSV record from *pp: fields separated by `sep`, a field in double
 * quotes may hold the separator, line ends and "" for a quote.  Returns
 * the number of fields (the caller frees them), 0 at the end of the
 * text, -1 for a quote left open.  *line counts the lines consumed.
 */
static ssize_t
csv_record(const char **pp, char sep, char ***out, int *line)
{
	const char *p = *pp;
	struct buf f = { 0 };
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	if (*p == '\0')
		return 0;
	for (;;) {
		buf_reset(&f);
		buf_adds(&f, "");
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0') {
					buf_free(&f);
					strv_free(v, n);
					return -1;
				}
				if (*p == '"' && p[1] == '"') {
					buf_addc(&f, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					if (*p == '\n')
						(*line)++;
					buf_addc(&f, *p++);
				}
			}
		}
		/* Unquoted text, or what trails a closing quote. */
		while (*p != '\0' && *p != sep && *p != '\n')
			buf_addc(&f, *p++);
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = buf_take(&f);
		if (*p == sep) {
			p++;
			continue;
		}
		if (*p == '\n') {
			p++;
			(*line)++;
		}
		break;
	}
	*pp = p;
	*out = v;
	return (ssize_t)n;
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

int
imp_is_header(struct imp *im, const char *line)
{
	char **cells, *copy = xstrdup(line);
	struct table tab;
	struct imp quiet = *im;
	struct diag scratch = { 0 };
	size_t nc = split_tabs(copy, &cells);
	int r;

	quiet.d = &scratch;
	quiet.notes = NULL;
	quiet.ntables = 0;
	if ((r = header(&quiet, cells, nc, 0, 0, &tab)) != 0)
		table_free(&tab);
	diag_free(&scratch);
	free(cells);
	free(copy);
	return r;
}

/*
 * The document as lines (LF line ends, as decode() leaves them).  The text
 * is modified in place.
 */
static struct line *
split_lines(char *text, size_t *n)
{
	struct line *v = NULL;
	size_t cap = 0;
	char *p = text, *e;
	int no = 1;

	*n = 0;
	for (;;) {
		e = p + strcspn(p, "\n");
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[*n].s = p;
		v[*n].no = no++;
		v[*n].merged = 0;
		(*n)++;
		if (*e == '\0')
			break;
		*e = '\0';
		p = e + 1;
	}
	return v;
}

/* Which separator a CSV header line uses; 0 if it is not one. */
static char
csv_separator(struct imp *im, const char *line)
{
	static const char seps[] = ";,";
	struct imp quiet = *im;
	struct diag scratch = { 0 };
	struct table t;
	const char *p;
	char **cells, sep = 0;
	ssize_t nc;
	int no = 1;
	size_t i;

	quiet.d = &scratch;
	quiet.notes = NULL;
	for (i = 0; seps[i] != '\0' && sep == 0; i++) {
		if (strchr(line, seps[i]) == NULL)
			continue;
		p = line;
		nc = csv_record(&p, seps[i], &cells, &no);
		if (nc > 0 && header(&quiet, cells, (size_t)nc, 0, 0, &t)) {
			sep = seps[i];
			table_free(&t);
		}
		if (nc > 0)
			strv_free(cells, (size_t)nc);
	}
	diag_free(&scratch);
	return sep;
}

static void
read_csv(struct imp *im, const char *text, char sep)
{
	struct table t;
	const char *p = text;
	char **cells;
	ssize_t nc;
	int line = 1, start, have = 0;

	memset(&t, 0, sizeof(t));
	while (!im->stop) {
		start = line;
		nc = csv_record(&p, sep, &cells, &line);
		if (nc == 0)
			break;
		if (nc < 0) {
			imp_error(im, start, "quoted field not closed");
			im->stop = 1;
			break;
		}
		if (!have) {
			size_t i;

			for (i = 0; i < (size_t)nc && blank(cells[i]); i++)
				;
			if (i < (size_t)nc) {
				have = header(im, cells, (size_t)nc, start, -1,
				    &t);
				if (!have) {
					imp_error(im, start, "no header row "
					    "(Aktivitet, Ansvarig, Tidplan, "
					    "Uppf\xc3\xb6ljning)");
					im->stop = 1;
				}
			}
		} else if (t.ok)
			row(im, &t, cells, (size_t)nc, start);
		strv_free(cells, (size_t)nc);
	}
	table_free(&t);
}

/*
 * A heading, or a short line of its own, may name the section; its
 * number ("1. Förebyggande arbete", "2.1 Insatser") does not make it a
 * sentence.
 */
static int
heading_like(const char *raw, const char *plain_text)
{
	size_t n;

	if (raw[0] == '#')
		return 1;
	if (isdigit((unsigned char)*plain_text)) {
		plain_text += strspn(plain_text, "0123456789.)");
		plain_text += strspn(plain_text, " ");
	}
	n = strlen(plain_text);
	return n > 0 && n <= 100 && plain_text[n - 1] != '.' &&
	    strstr(plain_text, ". ") == NULL;
}

/*
 * A row whose first cell alone has text and names a section, or a row of
 * a Word table that is one cell across the table: a heading inside the
 * table.  Returns 1 when the row was taken as one.
 */
static int
heading_row(struct imp *im, struct line *l, char **cells, size_t nc,
    int *section, struct table *t, int in_table)
{
	char *text;
	size_t k;
	int s;

	for (k = 1; k < nc && blank(cells[k]); k++)
		;
	if (k < nc || blank(cells[0]))
		return 0;
	text = imp_plain(cells[0]);
	s = heading_like(cells[0], text) ? section_in(text) : -1;
	if (s != -1) {
		*section = s;
		if (in_table)
			t->section = s;
		if (!l->merged)
			imp_warn(im, l->no, "row \"%s\" has text only in its "
			    "first cell and names a section: read as a "
			    "heading", text);
	} else if (l->merged)
		imp_note(im, l->no, "row \"%s\" is one cell across the "
		    "table: read as a heading", text);
	free(text);
	return s != -1 || l->merged;
}

static void
read_document(struct imp *im, struct line *lines, size_t n)
{
	struct table t, nt;
	char **cells, *copy, *text;
	size_t i, nc;
	int section = -1, in_table = 0, s, ended = 0;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n && !im->stop; i++) {
		if (blank(lines[i].s))
			continue;	/* blank lines do not end a table */
		if (strchr(lines[i].s, '\t') == NULL && !lines[i].merged) {
			text = imp_plain(lines[i].s);
			if (heading_like(lines[i].s, text) &&
			    (s = section_in(text)) != -1) {
				/* A section's heading between rows: the
				 * table goes on, in that section. */
				section = s;
				if (in_table)
					t.section = s;
			} else if (in_table) {
				in_table = 0;
				ended = lines[i].no;
			}
			free(text);
			continue;
		}
		copy = xstrdup(lines[i].s);
		nc = split_tabs(copy, &cells);
		if (heading_row(im, &lines[i], cells, nc, &section, &t,
		    in_table))
			;
		else if (header(im, cells, nc, lines[i].no, section, &nt)) {
			table_free(&t);
			t = nt;
			in_table = 1;
		} else if (in_table && t.ok)
			row(im, &t, cells, nc, lines[i].no);
		else if (!in_table && ended && t.ncols >= 3 &&
		    nc == t.ncols) {
			/* Rows like the table's after running text: say so
			 * rather than drop them without a word. */
			text = line_name(im, ended);
			imp_warn(im, lines[i].no, "row outside a table: the "
			    "text %s ended the table above; ignored (a "
			    "header row above it starts a table)", text);
			free(text);
		}
		free(cells);
		free(copy);
	}
	table_free(&t);
}

char *
import_id_prefix(const char *file)
{
	const char *base = strrchr(file, '/');
	char *name, *dot, *f, *p;
	struct buf b = { 0 };
	int dash = 0;

	base = base ? base + 1 : file;
	name = xstrdup(base);
	if ((dot = strrchr(name, '.')) != NULL && dot != name)
		*dot = '\0';
	f = xfold(name);
	free(name);
	for (p = f; *p != '\0'; p++) {
		if (isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80)) {
			if (dash && b.len > 0)
				buf_addc(&b, '-');
			dash = 0;
			buf_addc(&b, *p);
		} else
			dash = 1;
	}
	free(f);
	if (b.len == 0)
		buf_adds(&b, "plan");
	if (b.len > 60)
		b.s[b.len = 60] = '\0';
	return buf_take(&b);
}

/*
 * Files the importer does not read, known by their first bytes, with what
 * to do instead.  NULL when the data may be a plan.
 */
static const char *
refused(const char *data, size_t len)
{
	static const struct {
		const char	*magic;
		size_t		 len;
		const char	*what;
	} kinds[] = {
		{ "%PDF-", 5, "a PDF cannot be read: its tables are only text "
		    "placed on a page.  Import the Word or LibreOffice file "
		    "the PDF was made from (.docx, .odt), or copy each table "
		    "out of the PDF into a text file, one row a line with a "
		    "tab between cells, and import that (docs/plans.md)" },
		{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Word "
		    "(.doc) or Excel (.xls) file; open it and save it as "
		    ".docx or .odt (a spreadsheet as CSV), then import that" },
		{ "{\\rtf", 5, "an RTF file; open it in Word or LibreOffice "
		    "and save it as .docx or .odt, then import that" },
	};
	size_t i;

	for (i = 0; i < nitems(kinds); i++)
		if (len >= kinds[i].len &&
		    memcmp(data, kinds[i].magic, kinds[i].len) == 0)
			return kinds[i].what;
	/* XML that is an OpenDocument in one file, not a ZIP of them. */
	if (len > 0 && data[0] == '<' && memmem(data, len < 4096 ? len :
	    4096, "urn:oasis:names:tc:opendocument", 31) != NULL)
		return "a flat OpenDocument file (.fodt); save it as .odt "
		    "and import that";
	return NULL;
}

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
static char *
decode(struct imp *im, const char *data, size_t len)
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

int
import_plan(const char *file, const char *text,
    const struct import_opts *opts, struct plan *p, struct diag *d)
{
	return import_plan_bytes(file, text, strlen(text), opts, p, d);
}

int
import_plan_bytes(const char *file, const void *data, size_t len,
    const struct import_opts *opts, struct plan *p, struct diag *d)
{
	static const struct import_opts defaults;
	struct imp im;
	struct office_doc doc = { NULL, 0 };
	struct line *lines = NULL;
	struct buf err = { 0 };
	const char *why, *at;
	char *copy = NULL, *first = NULL, sep = 0;
	size_t nlines = 0, i, nerr = d->nerrors;

	memset(p, 0, sizeof(*p));
	memset(&im, 0, sizeof(im));
	im.file = file;
	im.o = opts ? opts : &defaults;
	im.d = d;
	im.notes = im.o->notes;
	im.p = p;
	if (im.o->cal != NULL)
		im.cal = im.o->cal;
	else {
		calendar_init(&im.defcal);
		im.cal = &im.defcal;
	}
	p->file = xstrdup(file);
	p->adopted = CALENDAR_NODATE;
	if (im.o->id_prefix != NULL)
		im.prefix = xstrdup(im.o->id_prefix);
	else
		im.prefix = import_id_prefix(file);
	if (!plan_id_valid(im.prefix)) {
		imp_error(&im, 0, "id prefix '%s' must be a-z, 0-9 and '-'",
		    im.prefix);
		goto out;
	}
	p->id = xstrdup(im.prefix);
	if ((why = refused(data, len)) != NULL) {
		imp_error(&im, 0, "%s", why);
		goto out;
	}

	if (office_is_zip(data, len)) {
		/* Word or OpenDocument: lines named by where they are. */
		if (office_read(file, data, len, &doc, im.notes, &err) == -1) {
			imp_error(&im, 0, "%s", err.s);
			goto out;
		}
		lines = xcalloc(doc.n ? doc.n : 1, sizeof(*lines));
		im.where = xcalloc(doc.n ? doc.n : 1, sizeof(*im.where));
		for (i = 0; i < doc.n; i++) {
			lines[i].s = doc.v[i].text;
			lines[i].no = (int)i + 1;
			lines[i].merged = doc.v[i].merged;
			im.where[i] = doc.v[i].where;
		}
		nlines = im.nwhere = doc.n;
		if (imp_metadata(&im, lines, nlines, 0) == -1)
			im.stop = 1;	/* bare follow-up names need a year */
		if (!im.stop)
			read_document(&im, lines, nlines);
	} else {
		if ((copy = decode(&im, data, len)) == NULL) {
			imp_error(&im, 0, "a binary file, not text; save the "
			    "plan as .docx, .odt, text or CSV");
			goto out;
		}
		/* CSV when the first line is a header split by ';' or ','. */
		for (at = copy;; at += i + 1) {
			i = strcspn(at, "\n");
			first = xstrndup(at, i);
			if (!blank(first) && strchr(first, '\t') == NULL)
				sep = csv_separator(&im, first);
			if (!blank(first) || at[i] == '\0') {
				free(first);
				break;
			}
			free(first);
		}
		if (sep) {
			if (imp_metadata(&im, NULL, 0, 1) == -1)
				im.stop = 1;
			if (!im.stop)
				read_csv(&im, copy, sep);
		} else {
			lines = split_lines(copy, &nlines);
			if (imp_metadata(&im, lines, nlines, 0) == -1)
				im.stop = 1;
			if (!im.stop)
				read_document(&im, lines, nlines);
		}
	}
	if (im.ntables == 0 && d->nerrors == nerr)
		imp_error(&im, 0, "no plan table: no header row with Aktivitet, "
		    "Ansvarig, Tidplan and Uppf\xc3\xb6ljning");
	if (im.o->previous != NULL && im.o->revision != NULL &&
	    p->nactivities > 0)
		imp_revise(&im);
out:
	free(lines);
	free(copy);
	free(im.where);
	office_doc_free(&doc);
	buf_free(&err);
	free(im.prefix);
	if (im.cal == &im.defcal)
		calendar_free(&im.defcal);
	return d->nerrors > nerr ? -1 : 0;
}

/*
 * JSON.
 */

static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	/* A plan file may hold bytes that are not UTF-8; JSON cannot. */
	return j ? j : json_string("\xef\xbf\xbd");
}

static json_t *
id_title(const char *id, const char *title)
{
	return json_pack("{s:o, s:o}", "id", jstr(id), "title", jstr(title));
}

/* The "revision" object of import_write_json_rev(). */
static json_t *
revision_json(const struct import_revision *r)
{
	json_t *cont = json_array(), *nw = json_array(), *uns = json_array();
	json_t *rem = json_array(), *c, *j;
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		const struct import_match *m = &r->v[i];

		j = id_title(m->id, m->title);
		if (m->fate == IMPORT_CONTINUES) {
			json_object_set_new(j, "score", json_integer(m->score));
			json_array_append_new(cont, j);
		} else if (m->fate == IMPORT_NEW)
			json_array_append_new(nw, j);
		else {
			c = json_array();
			for (k = 0; k < m->ncand; k++)
				json_array_append_new(c, json_pack("{s:o, s:i}",
				    "id", jstr(m->cand[k].id), "score",
				    m->cand[k].score));
			json_object_set_new(j, "candidates", c);
			json_array_append_new(uns, j);
		}
	}
	for (i = 0; i < r->nremoved; i++)
		json_array_append_new(rem, id_title(r->removed[i].id,
		    r->removed_titles[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "previous",
	    jstr(r->previous), "continuing", cont, "new", nw, "unsure", uns,
	    "removed", rem);
}

void
import_write_json(const struct plan *p, struct buf *b)
{
	import_write_json_rev(p, NULL, b);
}

void
import_write_json_rev(const struct plan *p, const struct import_revision *rev,
    struct buf *b)
{
	static const char *const kinds[] = { "ongoing", "until", "due" };
	json_t *root, *plan, *acts, *a, *arr, *sched, *rm;
	const struct activity *ac;
	struct buf t = { 0 };
	char d[16], *s;
	size_t i, j;

	root = json_object();
	plan = json_object();
	json_object_set_new(plan, "id", jstr(p->id));
	json_object_set_new(plan, "committee", jstr(p->committee));
	json_object_set_new(plan, "title", jstr(p->title));
	json_object_set_new(plan, "diary_number", jstr(p->diary_number));
	if (p->adopted != CALENDAR_NODATE) {
		calendar_format(p->adopted, d);
		json_object_set_new(plan, "adopted", jstr(d));
	} else
		json_object_set_new(plan, "adopted", json_null());
	json_object_set_new(plan, "year", json_integer(p->year));
	if (p->has_revision) {
		calendar_checkpoint_format(p->revision, d, sizeof(d));
		json_object_set_new(plan, "revision", jstr(d));
	} else
		json_object_set_new(plan, "revision", json_null());
	json_object_set_new(plan, "supersedes", p->supersedes ?
	    jstr(p->supersedes) : json_null());
	rm = json_object();
	for (i = 0; i < PLAN_NFIELDS; i++)
		if (p->remark[i] != NULL)
			json_object_set_new(rm, plan_field_name(
			    (enum plan_field)i), jstr(p->remark[i]));
	json_object_set_new(plan, "remarks", rm);
	json_object_set_new(root, "plan", plan);
	acts = json_array();
	for (i = 0; i < p->nactivities; i++) {
		ac = &p->activities[i];
		a = json_object();
		json_object_set_new(a, "id", jstr(ac->id));
		json_object_set_new(a, "section",
		    jstr(plan_section_name(ac->section)));
		json_object_set_new(a, "title", jstr(ac->title));
		json_object_set_new(a, "description", jstr(ac->description));
		arr = json_array();
		for (j = 0; j < ac->nresponsible; j++)
			json_array_append_new(arr, jstr(ac->responsible[j]));
		json_object_set_new(a, "responsible", arr);
		sched = json_object();
		json_object_set_new(sched, "kind",
		    jstr(kinds[ac->schedule.kind]));
		if (ac->schedule.kind == SCHEDULE_ONGOING)
			json_object_set_new(sched, "date", json_null());
		else {
			calendar_format(ac->schedule.date, d);
			json_object_set_new(sched, "date", jstr(d));
		}
		json_object_set_new(a, "schedule", sched);
		arr = json_array();
		for (j = 0; j < ac->nfollowup; j++) {
			if (ac->followup[j].kind == FOLLOWUP_ORDINARY) {
				json_array_append_new(arr, jstr("ordinary"));
				continue;
			}
			buf_reset(&t);
			plan_format_followup(&ac->followup[j], &t);
			json_array_append_new(arr, jstr(t.s));
		}
		json_object_set_new(a, "followup", arr);
		json_array_append_new(acts, a);
	}
	json_object_set_new(root, "activities", acts);
	if (rev != NULL)
		json_object_set_new(root, "revision", revision_json(rev));
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s != NULL) {
		buf_adds(b, s);
		buf_addc(b, '\n');
		free(s);
	}
	json_decref(root);
	buf_free(&t);
}
