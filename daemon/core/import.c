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
 *
 * Core.  This file tells the kinds of input apart (Word and OpenDocument,
 * text, CSV; what it refuses), reads a document's lines and headings,
 * and gives the diagnostics.  The module's other files, over its private
 * header import_int.h: import_text.c (bytes to text, cell cleanup),
 * import_table.c (header rows and rows), import_csv.c (CSV exports),
 * import_meta.c (the document's metadata, dates and forms in words),
 * import_revise.c (a yearly revision's matching), import_json.c (the
 * plan as JSON).
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "import.h"
#include "import_int.h"
#include "office.h"
#include "plan.h"
#include "util.h"

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
 * The document as lines (LF line ends, as imp_decode() leaves them).  The text
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

	for (k = 1; k < nc && imp_blank(cells[k]); k++)
		;
	if (k < nc || imp_blank(cells[0]))
		return 0;
	text = imp_plain(cells[0]);
	s = heading_like(cells[0], text) ? imp_section_in(text) : -1;
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
		if (imp_blank(lines[i].s))
			continue;	/* blank lines do not end a table */
		if (strchr(lines[i].s, '\t') == NULL && !lines[i].merged) {
			text = imp_plain(lines[i].s);
			if (heading_like(lines[i].s, text) &&
			    (s = imp_section_in(text)) != -1) {
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
		nc = imp_split_tabs(copy, &cells);
		if (heading_row(im, &lines[i], cells, nc, &section, &t,
		    in_table))
			;
		else if (imp_header(im, cells, nc, lines[i].no, section, &nt)) {
			imp_table_free(&t);
			t = nt;
			in_table = 1;
		} else if (in_table && t.ok)
			imp_row(im, &t, cells, nc, lines[i].no);
		else if (!in_table && ended && t.ncols >= 3 &&
		    nc == t.ncols) {
			/* Rows like the table's after running text: say so
			 * rather than drop them without a word. */
			text = imp_line_name(im, ended);
			imp_warn(im, lines[i].no, "row outside a table: the "
			    "text %s ended the table above; ignored (a "
			    "header row above it starts a table)", text);
			free(text);
		}
		free(cells);
		free(copy);
	}
	imp_table_free(&t);
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
	const char *why;
	char *copy = NULL, sep = 0;
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
		if ((copy = imp_decode(&im, data, len)) == NULL) {
			imp_error(&im, 0, "a binary file, not text; save the "
			    "plan as .docx, .odt, text or CSV");
			goto out;
		}
		if ((sep = imp_csv_separator(&im, copy)) != 0) {
			if (imp_metadata(&im, NULL, 0, 1) == -1)
				im.stop = 1;
			if (!im.stop)
				imp_read_csv(&im, copy, sep);
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

