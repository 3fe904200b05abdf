/*
 * import_table: the importer's table reader (import_int.h).  Core.  A
 * header row opens a table, its cells naming the columns ("Aktivitet",
 * "Ansvarig", "Tidplan", "Uppföljning" and their many spellings); each
 * row under it becomes an activity, its cells split into title,
 * description, roles, schedule and follow-ups.  The rows come from a
 * document's lines (import.c) or a CSV export (import_csv.c).
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "import_int.h"
#include "plan.h"
#include "util.h"

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
		if (!imp_has_prefix_ci(s, bolds[i].open))
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
		t = imp_cell_line(im, lineno, in);
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
		else if (imp_has_prefix(rest, "\xe2\x80\x93 "))
			rest += 4;
		*title = t;
		*desc = imp_cell(im, lineno, rest);
		return;
	}
	full = imp_cell(im, lineno, raw);
	*title = imp_first_sentence(full);
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
					if (imp_has_prefix(p, ", ") &&
					    p[2] != '\0' &&
					    !isdigit((unsigned char)p[2])) {
						len = 2;
						break;
					}
				} else if (imp_has_prefix_ci(p, seps[i])) {
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
int
imp_section_in(const char *text)
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
char *
imp_line_name(struct imp *im, int line)
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
void
imp_row(struct imp *im, struct table *t, char **cells, size_t n, int lineno)
{
	struct activity a;
	struct buf msg = { 0 }, more = { 0 };
	enum section es;
	char *text = NULL, **items, *form, *head;
	size_t i, k, nitem;
	int nerr = (int)im->d->nerrors, r, sec = t->section;

	for (i = 0; i < n && imp_blank(cells[i]); i++)
		;
	if (i == n)
		return;		/* an empty record: nothing to read */
	im->seq++;
	for (i = t->ncols; i < n && imp_blank(cells[i]); i++)
		;
	if (n < t->ncols || i < n) {
		head = imp_line_name(im, t->line);
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
			if (imp_blank(cells[i])) {
				imp_error(im, lineno, "empty %s cell",
				    col_names[COL_ACTIVITY]);
				break;
			}
			split_activity(im, lineno, cells[i], &a.title,
			    &a.description);
			break;
		case COL_SECTION:
			text = imp_cell_line(im, lineno, cells[i]);
			if (*text != '\0') {
				if (plan_section_parse(text, &es) == 0)
					sec = (int)es;
				else
					sec = imp_section_in(text);
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
			text = imp_cell(im, lineno, cells[i]);
			nitem = split_items(text, role_seps, &items);
			free(text);
			if (nitem == 0)
				imp_error(im, lineno, "empty %s cell",
				    col_names[COL_RESPONSIBLE]);
			a.responsible = items;
			a.nresponsible = nitem;
			break;
		case COL_SCHEDULE:
			text = imp_cell_line(im, lineno, cells[i]);
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
			text = imp_cell(im, lineno, cells[i]);
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
			text = imp_cell(im, lineno, cells[i]);
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

	text = imp_cell_line(NULL, 0, cell);
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
		    imp_has_prefix(f, header_words[k].word))
			c = header_words[k].col;
	free(f);
	return c;
}

int
imp_header(struct imp *im, char **cells, size_t n, int lineno, int section,
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
			t->names[i] = imp_cell_line(NULL, lineno, cells[i]);
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
			text = imp_cell_line(NULL, lineno, cells[i]);
			imp_warn(im, lineno, "column \"%s\" is not read; ignored",
			    text);
			free(text);
		}
	/* A section row may yet come between the header and the rows. */
	t->fallback = t->ok && section == -1 && !seen[COL_SECTION];
	return 1;
}

void
imp_table_free(struct table *t)
{
	size_t i;

	free(t->col);
	if (t->names != NULL)
		for (i = 0; i < t->ncols; i++)
			free(t->names[i]);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

size_t
imp_split_tabs(char *s, char ***out)
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

int
imp_is_header(struct imp *im, const char *line)
{
	char **cells, *copy = xstrdup(line);
	struct table tab;
	struct imp quiet = *im;
	struct diag scratch = { 0 };
	size_t nc = imp_split_tabs(copy, &cells);
	int r;

	quiet.d = &scratch;
	quiet.notes = NULL;
	quiet.ntables = 0;
	if ((r = imp_header(&quiet, cells, nc, 0, 0, &tab)) != 0)
		imp_table_free(&tab);
	diag_free(&scratch);
	free(cells);
	free(copy);
	return r;
}

