/*
 * import_int.h: what the importer's files share.  Core; private to the
 * importer.  import.c tells the kinds of input apart and reads a
 * document's lines; import_text.c turns bytes and cells into clean text;
 * import_table.c reads header rows and rows into activities;
 * import_csv.c reads CSV exports; import_meta.c the document's metadata
 * and the dates and forms people write in sentences and cells;
 * import_revise.c matches a revision with the plan it revises;
 * import_json.c writes the plan as JSON.
 */
#ifndef PLANWATCH_IMPORT_INT_H
#define PLANWATCH_IMPORT_INT_H

#include <stddef.h>

#include "calendar.h"
#include "import.h"
#include "plan.h"
#include "util.h"

/* A line of the document: a paragraph, or a table row of tab-separated
 * cells.  `no` counts from 1; `merged` marks a row that is one cell
 * merged across its table (Word and OpenDocument only). */
struct line {
	char	*s;
	int	 no;
	int	 merged;
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
	/*
	 * For a Word or OpenDocument file, where each line is ("table 2,
	 * row 5"), indexed by line number - 1; NULL for text, whose
	 * diagnostics name line numbers.
	 */
	char			**where;
	size_t			 nwhere;
	const struct calendar	*cal;		/* never NULL */
	struct calendar		 defcal;	/* when opts gives none */
};

/* What a plan table's column holds. */
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

/* A plan table: opened by its header row, it reads the rows under it. */
struct table {
	int		 line;		/* of the header row */
	size_t		 ncols;
	enum col	*col;
	char		**names;	/* header text of COL_EXTRA columns */
	int		 section;	/* -1: from a Sektion column only */
	int		 ok;		/* 0: rows are skipped */
	int		 fallback;	/* no section anywhere yet: default it */
};

/* Diagnostics at a line (import.c). */
void	imp_error(struct imp *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	imp_warn(struct imp *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	imp_note(struct imp *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Text (import_text.c).
 */

/* 1 when the string is empty or only white space. */
int	imp_blank(const char *);
/* 1 when the string starts with `prefix` (_ci: ignoring ASCII case). */
int	imp_has_prefix(const char *, const char *prefix);
int	imp_has_prefix_ci(const char *, const char *prefix);
/*
 * The bytes as UTF-8 text with LF line ends: a byte order mark dropped,
 * UTF-16 and Windows-1252 converted (the latter with a warning).  NULL
 * for binary data.  The caller frees the text.
 */
char	*imp_decode(struct imp *, const char *data, size_t len);
/* A cell cleaned (import_cell_text()) and mended, with a note for each
 * mended word; imp_cell_line() the same on one line.  Caller frees. */
char	*imp_cell(struct imp *, int line, const char *raw);
char	*imp_cell_line(struct imp *, int line, const char *raw);
/* A cell's first sentence as a title, cut at a word boundary. */
char	*imp_first_sentence(const char *);
/* A line without markdown marks: leading #, ** and tags; one line. */
char	*imp_plain(const char *);

/*
 * Tables (import_table.c).
 */

/*
 * Returns 1 and fills `t` when the cells are a header row (an activity
 * column and at least one other known one), 0 otherwise.  `section` is
 * the table's section from the heading above, -1 when none; the caller
 * frees `t` with imp_table_free().
 */
int	imp_header(struct imp *, char **cells, size_t n, int line,
	    int section, struct table *t);
/* One row of `t` into an activity of the plan, or errors. */
void	imp_row(struct imp *, struct table *t, char **cells, size_t n,
	    int line);
void	imp_table_free(struct table *);
/* 1 when the tab-separated line is a header row of a plan table. */
int	imp_is_header(struct imp *, const char *line);
/* Splits a line at its tabs, in place; *out the caller frees. */
size_t	imp_split_tabs(char *, char ***out);
/* A section named somewhere in the text; -1 if none. */
int	imp_section_in(const char *text);
/* "at line 25", or "(table 2, row 1)" for a Word file's line. */
char	*imp_line_name(struct imp *, int line);

/*
 * CSV (import_csv.c).
 */

/* The separator (';' or ',') that splits the text's first line into a
 * plan table's header; 0 when the text is not CSV. */
char	imp_csv_separator(struct imp *, const char *text);
/* Reads the CSV text's table. */
void	imp_read_csv(struct imp *, const char *text, char sep);

/*
 * Metadata, forms and revisions (import_meta.c, import_revise.c).
 */


/*
 * Reads the plan's metadata from the lines (import_meta.c): committee,
 * title, diary number, adoption date, year and next revision, with the
 * rules of docs/plans.md.  Fills im->p; what it could not find is
 * assumed or left empty, with a warning or note and a remark in the plan
 * file.  Returns -1 (an error given) when no year can be had.
 */
int	imp_metadata(struct imp *, struct line *, size_t n, int csv);

/*
 * Schedule and follow-up forms of documents that plan files do not take
 * ("Klart senast juni 2022", "HT 2022", "Pågående"; "Delårsrapport 2022",
 * "Årsredovisningen"): the canonical text for plan_parse_schedule() or
 * plan_parse_followup(), with a note or warning at `line` saying how it
 * was read; NULL when the text is none of these forms.  The caller frees
 * the string.
 */
char	*imp_schedule_form(struct imp *, int line, const char *text);
char	*imp_followup_form(struct imp *, int line, const char *text);

/*
 * Checks an activity's dates against the plan: a deadline before the
 * adoption or after the revision, a named checkpoint due before the
 * adoption (warnings at the activity's line).
 */
void	imp_check_dates(struct imp *, const struct activity *);

/*
 * Matches the plan's activities with those of opts->previous
 * (import_revise.c): continuing ones take their old ids, and
 * opts->revision is filled.
 */
void	imp_revise(struct imp *);

#endif
