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
	COL_EMPTY
};

static const char *const col_names[] = {
	"(ignored)", "Aktivitet", "Ansvarig", "Tidplan", "Uppf\xc3\xb6ljning",
	"Sektion", "(empty)"
};

/* Header words, folded; a trailing colon is dropped before matching. */
static const struct {
	const char	*word;
	enum col	 col;
} header_words[] = {
	{ "aktivitet", COL_ACTIVITY },
	{ "aktiviteter", COL_ACTIVITY },
	{ "atgard", COL_ACTIVITY },
	{ "atgarder", COL_ACTIVITY },
	{ "insats", COL_ACTIVITY },
	{ "insatser", COL_ACTIVITY },
	{ "ansvarig", COL_RESPONSIBLE },
	{ "ansvariga", COL_RESPONSIBLE },
	{ "ansvar", COL_RESPONSIBLE },
	{ "tidplan", COL_SCHEDULE },
	{ "tidsplan", COL_SCHEDULE },
	{ "tid", COL_SCHEDULE },
	{ "uppfoljning", COL_FOLLOWUP },
	{ "uppfoljs", COL_FOLLOWUP },
	{ "sektion", COL_SECTION },
	{ "omrade", COL_SECTION },
	{ "avsnitt", COL_SECTION },
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

struct line {
	char	*s;
	int	 no;
};

struct table {
	int		 line;		/* of the header row */
	size_t		 ncols;
	enum col	*col;
	int		 section;	/* -1: from a Sektion column only */
	int		 ok;		/* 0: rows are skipped */
};

struct imp {
	const char		*file;
	const struct import_opts *o;
	struct diag		*d;
	struct diag		*notes;
	struct plan		*p;
	char			*prefix;
	int			 seq;		/* rows seen, for ids */
	int			 ntables;
	int			 stop;		/* error and no keep_going */
};

static void
error(struct imp *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
warn(struct imp *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
note(struct imp *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
error(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(im->d, 0, im->file, line, fmt, ap);
	va_end(ap);
	if (!im->o->keep_going)
		im->stop = 1;
}

static void
warn(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(im->d, 1, im->file, line, fmt, ap);
	va_end(ap);
}

static void
note(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (im->notes == NULL)
		return;
	va_start(ap, fmt);
	diag_vadd(im->notes, 1, im->file, line, fmt, ap);
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

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
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
					note(im, lineno, "mended \"%.*s %.*s\""
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
 * string; matched case-insensitively); empty items are dropped.
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
			for (i = 0; seps[i] != NULL; i++)
				if (has_prefix_ci(p, seps[i])) {
					len = strlen(seps[i]);
					break;
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

static void
activity_clear(struct activity *a)
{
	plan_activity_free(a);
	memset(a, 0, sizeof(*a));
}

static const char *const role_seps[] = { ";", NULL };
static const char *const followup_seps[] = {
	";", " och ", " samt ", ", T", ", t", ", V", ", v", NULL
};

/*
 * One table row into an activity.  Every problem in the row is reported;
 * a row with an error is left out.
 */
static void
row(struct imp *im, struct table *t, char **cells, size_t n, int lineno)
{
	struct activity a;
	struct buf msg = { 0 };
	enum section es;
	char *text = NULL, **items;
	size_t i, k, nitem;
	int nerr = (int)im->d->nerrors, r, sec = t->section;

	for (i = 0; i < n && blank(cells[i]); i++)
		;
	if (i == n)
		return;		/* an empty record: nothing to read */
	im->seq++;
	if (n < t->ncols) {
		error(im, lineno, "row has %zu cells, the header at line %d "
		    "has %zu", n, t->line, t->ncols);
		return;
	}
	for (i = t->ncols; i < n; i++)
		if (!blank(cells[i])) {
			error(im, lineno, "row has %zu cells, the header at "
			    "line %d has %zu", n, t->line, t->ncols);
			return;
		}
	memset(&a, 0, sizeof(a));
	a.line = lineno;
	a.status = ACTIVITY_ACTIVE;
	a.id = xasprintf("%s-%02d", im->prefix, im->seq);
	for (i = 0; i < t->ncols; i++) {
		switch (t->col[i]) {
		case COL_ACTIVITY:
			if (blank(cells[i])) {
				error(im, lineno, "empty %s cell",
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
					error(im, lineno, "section \"%s\": "
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
				error(im, lineno, "empty %s cell",
				    col_names[COL_RESPONSIBLE]);
			a.responsible = items;
			a.nresponsible = nitem;
			break;
		case COL_SCHEDULE:
			text = cell_line(im, lineno, cells[i]);
			if (*text == '\0') {
				error(im, lineno, "empty %s cell",
				    col_names[COL_SCHEDULE]);
				free(text);
				break;
			}
			buf_reset(&msg);
			r = plan_parse_schedule(text, &a.schedule, &msg);
			if (r == -1)
				error(im, lineno, "schedule \"%s\": %s", text,
				    msg.s);
			else if (r == 1)
				warn(im, lineno, "schedule \"%s\": %s", text,
				    msg.s);
			a.schedule_text = text;
			break;
		case COL_FOLLOWUP:
			text = cell(im, lineno, cells[i]);
			nitem = split_items(text, followup_seps, &items);
			free(text);
			if (nitem == 0)
				error(im, lineno, "empty %s cell",
				    col_names[COL_FOLLOWUP]);
			a.followup = xcalloc(nitem ? nitem : 1,
			    sizeof(*a.followup));
			for (k = 0; k < nitem; k++) {
				buf_reset(&msg);
				if (plan_parse_followup(items[k],
				    im->p->year, &a.followup[a.nfollowup],
				    &msg) == -1)
					error(im, lineno,
					    "follow-up \"%s\": %s", items[k],
					    msg.s);
				else
					a.nfollowup++;
			}
			strv_free(items, nitem);
			break;
		default:
			break;
		}
	}
	buf_free(&msg);
	if (sec == -1 && (int)im->d->nerrors == nerr)
		error(im, lineno, "no section: no heading above the table "
		    "names one and the Sektion cell is empty");
	if ((int)im->d->nerrors > nerr) {
		activity_clear(&a);
		return;
	}
	a.section = (enum section)sec;
	im->p->activities = xreallocarray(im->p->activities,
	    im->p->nactivities + 1, sizeof(*im->p->activities));
	im->p->activities[im->p->nactivities++] = a;
}

/*
 * Header rows.  Returns 1 and fills `t` when the cells are a header: an
 * activity column and at least one other known one.
 */
static int
header(struct imp *im, char **cells, size_t n, int lineno, int section,
    struct table *t)
{
	enum col *col;
	char *text, *f;
	size_t i, k, nempty = 0, empty_at = 0;
	int seen[COL_EMPTY + 1] = { 0 }, known = 0, missing, miss_col = 0;

	col = xcalloc(n ? n : 1, sizeof(*col));
	for (i = 0; i < n; i++) {
		text = cell_line(NULL, lineno, cells[i]);
		k = strlen(text);
		while (k > 0 && (text[k - 1] == ':' || text[k - 1] == ' '))
			text[--k] = '\0';
		f = xfold(text);
		free(text);
		col[i] = *f == '\0' ? COL_EMPTY : COL_IGNORED;
		for (k = 0; k < nitems(header_words); k++)
			if (strcmp(f, header_words[k].word) == 0) {
				col[i] = header_words[k].col;
				known++;
				break;
			}
		free(f);
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
	t->ok = 1;
	t->section = section;
	im->ntables++;
	for (k = COL_ACTIVITY; k <= COL_SECTION; k++)
		if (seen[k] > 1) {
			error(im, lineno, "two %s columns", col_names[k]);
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
		note(im, lineno, "header cell %zu is empty; taken as %s from "
		    "its position", empty_at + 1, col_names[miss_col]);
	}
	for (k = COL_RESPONSIBLE; k <= COL_FOLLOWUP; k++)
		if (!seen[k]) {
			error(im, lineno, "table has no %s column",
			    col_names[k]);
			t->ok = 0;
		}
	for (i = 0; i < n; i++)
		if (col[i] == COL_IGNORED) {
			text = cell_line(NULL, lineno, cells[i]);
			warn(im, lineno, "column \"%s\" is not read; ignored",
			    text);
			free(text);
		}
	if (t->ok && section == -1 && !seen[COL_SECTION]) {
		warn(im, lineno, "no heading above the table names a section "
		    "and it has no Sektion column; its activities are filed "
		    "under %s", plan_section_name(SECTION_FOREBYGGANDE));
		t->section = SECTION_FOREBYGGANDE;
	}
	return 1;
}

static void
table_free(struct table *t)
{
	free(t->col);
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

/*
 * Metadata.
 */

/* A line without markdown marks: leading #, ** and __, tags, white space. */
static char *
plain(const char *s)
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

/* The checkpoint named in folded text at or after `from`; 0 or -1. */
static int
find_checkpoint(const char *from, struct checkpoint *cp)
{
	static const struct {
		const char		*word;
		enum checkpoint_kind	 kind;
		int			 numbered;
	} names[] = {
		{ "tertialrapport", CHECKPOINT_T1, 1 },
		{ "verksamhetsberattelsen", CHECKPOINT_VB, 0 },
		{ "verksamhetsberattelse", CHECKPOINT_VB, 0 },
		{ "vb", CHECKPOINT_VB, 0 },
		{ "t1", CHECKPOINT_T1, 0 },
		{ "t2", CHECKPOINT_T2, 0 },
	};
	const char *p, *q;
	size_t i;

	for (p = from; *p != '\0'; p++) {
		if (p != from && isalnum((unsigned char)p[-1]))
			continue;
		for (i = 0; i < nitems(names); i++) {
			if (!has_prefix(p, names[i].word))
				continue;
			q = p + strlen(names[i].word);
			cp->kind = names[i].kind;
			if (names[i].numbered) {
				while (*q == ' ')
					q++;
				if (*q != '1' && *q != '2')
					continue;
				cp->kind = *q++ == '1' ? CHECKPOINT_T1 :
				    CHECKPOINT_T2;
			}
			if (*q != ' ' && *q != ',')
				continue;
			while (*q == ' ' || *q == ',')
				q++;
			if (isdigit((unsigned char)q[0]) &&
			    isdigit((unsigned char)q[1]) &&
			    isdigit((unsigned char)q[2]) &&
			    isdigit((unsigned char)q[3]) &&
			    !isdigit((unsigned char)q[4])) {
				cp->year = atoi(q);
				return 0;
			}
		}
	}
	return -1;
}

/* The words a dated line may start with to give the adoption date. */
static const char *const adopted_words[] = {
	"antagen", "antogs", "beslutad", "beslut", "faststalld", "datum",
	NULL
};

/*
 * Reads the plan's metadata from the text lines (those without a tab)
 * before the first table, and its next revision from any of them.  The
 * first match wins, so the cover page beats repeats further down.
 */
static void
metadata(struct imp *im, struct line *lines, size_t n, int *adopted,
    int *adopted_line)
{
	struct plan *p = im->p;
	struct checkpoint cp;
	char *t, *f, *v;
	const char *rev;
	size_t i, k, len;
	int before_table = 1, days;

	*adopted = CALENDAR_NODATE;
	*adopted_line = 0;
	for (i = 0; i < n; i++) {
		if (strchr(lines[i].s, '\t') != NULL) {
			char **cells, *copy = xstrdup(lines[i].s);
			struct table tab;
			size_t nc = split_tabs(copy, &cells);
			struct imp quiet = *im;
			struct diag scratch = { 0 };

			/* A header row ends the cover page. */
			quiet.d = &scratch;
			quiet.notes = NULL;
			if (header(&quiet, cells, nc, 0, 0, &tab)) {
				before_table = 0;
				table_free(&tab);
			}
			diag_free(&scratch);
			free(cells);
			free(copy);
			continue;
		}
		t = plain(lines[i].s);
		len = strlen(t);
		f = xfold(t);
		/* The revision is a sentence in running text, often last. */
		if (!p->has_revision && (rev = strstr(f, "revidering")) !=
		    NULL) {
			if (find_checkpoint(rev, &cp) == 0) {
				p->revision = cp;
				p->has_revision = 1;
			} else
				note(im, lines[i].no, "a revision is mentioned "
				    "but no checkpoint (\"tertialrapport 1 "
				    "2020\") follows");
		}
		/* The rest stands on short lines of its own. */
		if (len == 0 || len > 160) {
			free(f);
			free(t);
			continue;
		}
		if (p->title == NULL && before_table && len <= 120 &&
		    has_prefix(f, "handlingsplan"))
			p->title = xstrdup(t);
		/* "Skarpnäcks stadsdelsnämnd", "Kulturnämnden". */
		if (p->committee == NULL && before_table && len <= 80 &&
		    t[len - 1] != '.' && (ends_with(f, "namnd") ||
		    ends_with(f, "namnden")))
			p->committee = xstrdup(t);
		if (p->diary_number == NULL && before_table &&
		    (has_prefix(f, "dnr") || has_prefix(f, "diarienummer"))) {
			v = t + (has_prefix(f, "dnr") ? 3 : 12);
			while (*v == ':' || *v == '.' || *v == ' ')
				v++;
			if (*v != '\0')
				p->diary_number = xstrdup(v);
		}
		if (*adopted == CALENDAR_NODATE && before_table) {
			if (calendar_parse_date(t, &days) == 0) {
				*adopted = days;
				*adopted_line = lines[i].no;
			} else {
				for (k = 0; adopted_words[k] != NULL; k++)
					if (has_prefix(f, adopted_words[k]))
						break;
				if (adopted_words[k] != NULL && len >= 10 &&
				    calendar_parse_date(t + len - 10,
				    &days) == 0) {
					*adopted = days;
					*adopted_line = lines[i].no;
				}
			}
		}
		free(f);
		free(t);
	}
}

/*
 * The document as lines, after a byte order mark and with CRLF and CR
 * line ends taken as LF.  The text is modified in place.
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
		e = p + strcspn(p, "\r\n");
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[*n].s = p;
		v[*n].no = no++;
		(*n)++;
		if (*e == '\0')
			break;
		if (e[0] == '\r' && e[1] == '\n')
			*e++ = '\0';
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
			error(im, start, "quoted field not closed");
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
					error(im, start, "no header row "
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

/* A heading, or a short line of its own, may name the section. */
static int
heading_like(const char *raw, const char *plain_text)
{
	size_t n = strlen(plain_text);

	if (raw[0] == '#')
		return 1;
	return n > 0 && n <= 100 && plain_text[n - 1] != '.' &&
	    strstr(plain_text, ". ") == NULL;
}

static void
read_document(struct imp *im, struct line *lines, size_t n)
{
	struct table t;
	char **cells, *copy, *text;
	size_t i, nc;
	int section = -1, in_table = 0, s;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n && !im->stop; i++) {
		if (blank(lines[i].s))
			continue;	/* blank lines do not end a table */
		if (strchr(lines[i].s, '\t') == NULL) {
			in_table = 0;
			text = plain(lines[i].s);
			if (heading_like(lines[i].s, text) &&
			    (s = section_in(text)) != -1)
				section = s;
			free(text);
			continue;
		}
		copy = xstrdup(lines[i].s);
		nc = split_tabs(copy, &cells);
		{
			struct table nt;

			if (header(im, cells, nc, lines[i].no, section,
			    &nt)) {
				table_free(&t);
				t = nt;
				in_table = 1;
			} else if (in_table && t.ok)
				row(im, &t, cells, nc, lines[i].no);
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

int
import_plan(const char *file, const char *text,
    const struct import_opts *opts, struct plan *p, struct diag *d)
{
	static const struct import_opts defaults;
	struct imp im;
	struct line *lines = NULL;
	char *copy, *first = NULL, sep = 0;
	size_t nlines = 0, i, nerr = d->nerrors;
	int adopted, adopted_line, y, m, dd;

	memset(p, 0, sizeof(*p));
	memset(&im, 0, sizeof(im));
	im.file = file;
	im.o = opts ? opts : &defaults;
	im.d = d;
	im.notes = im.o->notes;
	im.p = p;
	p->file = xstrdup(file);
	if (im.o->id_prefix != NULL)
		im.prefix = xstrdup(im.o->id_prefix);
	else
		im.prefix = import_id_prefix(file);
	if (!plan_id_valid(im.prefix)) {
		error(&im, 0, "id prefix '%s' must be a-z, 0-9 and '-'",
		    im.prefix);
		goto out;
	}
	p->id = xstrdup(im.prefix);

	if (has_prefix(text, "\xef\xbb\xbf"))
		text += 3;
	if (utf8_valid(text))
		copy = xstrdup(text);
	else {
		warn(&im, 0, "not UTF-8; read as Windows-1252");
		copy = from_cp1252(text);
	}

	/* CSV when the first line is a header split by ';' or ','. */
	lines = split_lines(copy, &nlines);
	for (i = 0; i < nlines; i++)
		if (!blank(lines[i].s)) {
			first = lines[i].s;
			break;
		}
	if (first != NULL && strchr(first, '\t') == NULL)
		sep = csv_separator(&im, first);

	if (!sep)
		metadata(&im, lines, nlines, &adopted, &adopted_line);
	else {
		adopted = CALENDAR_NODATE;
		adopted_line = 0;
	}
	if (im.o->year != 0)
		p->year = im.o->year;
	else if (adopted != CALENDAR_NODATE) {
		calendar_civil(adopted, &y, &m, &dd);
		p->year = y;
		note(&im, adopted_line, "plan year %d from the adoption "
		    "date", y);
	} else {
		error(&im, 0, "no year: the document gives no adoption "
		    "date; give the plan's year (--year)");
		im.stop = 1;	/* bare follow-up names need it */
	}
	if (adopted == CALENDAR_NODATE && p->year != 0) {
		adopted = calendar_days(p->year, 1, 1);
		note(&im, 0, "no adoption date; taking %d-01-01", p->year);
	}
	p->adopted = adopted;
	if (p->title == NULL) {
		p->title = xstrdup("Handlingsplan mot v\xc3\xa5ldsbejakande "
		    "extremism");
		note(&im, 0, "no title; taking \"%s\"", p->title);
	}
	if (p->committee == NULL) {
		p->committee = xstrdup("");
		note(&im, 0, "no committee; left empty");
	}
	if (p->diary_number == NULL)
		p->diary_number = xstrdup("");
	if (!p->has_revision && p->year != 0)
		note(&im, 0, "no next revision named; ongoing activities "
		    "run until VB %d", p->year);

	if (!im.stop) {
		if (sep) {
			/* The CSV reader wants the text whole. */
			free(lines);
			lines = NULL;
			free(copy);
			copy = has_prefix(text, "\xef\xbb\xbf") ?
			    xstrdup(text + 3) : xstrdup(text);
			if (!utf8_valid(copy)) {
				char *u = from_cp1252(copy);

				free(copy);
				copy = u;
			}
			/* CR LF to LF, so quoted line ends count once. */
			{
				char *r = copy, *w = copy;

				for (; *r != '\0'; r++)
					if (!(r[0] == '\r' && r[1] == '\n'))
						*w++ = *r == '\r' ? '\n' : *r;
				*w = '\0';
			}
			read_csv(&im, copy, sep);
		} else
			read_document(&im, lines, nlines);
	}
	if (im.ntables == 0 && d->nerrors == nerr)
		error(&im, 0, "no plan table: no header row with Aktivitet, "
		    "Ansvarig, Tidplan and Uppf\xc3\xb6ljning");
	free(lines);
	free(copy);
out:
	free(im.prefix);
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

void
import_write_json(const struct plan *p, struct buf *b)
{
	static const char *const kinds[] = { "ongoing", "until", "due" };
	json_t *root, *plan, *acts, *a, *arr, *sched;
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
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s != NULL) {
		buf_adds(b, s);
		buf_addc(b, '\n');
		free(s);
	}
	json_decref(root);
	buf_free(&t);
}
