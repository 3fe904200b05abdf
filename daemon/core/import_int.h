/*
 * import_int.h: what import.c (tables, cells, rows, formats) and
 * import_meta.c (the document's metadata, and the dates and forms people
 * write in sentences and cells) share.  Private to the importer.
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

void	imp_error(struct imp *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	imp_warn(struct imp *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	imp_note(struct imp *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* A line without markdown marks: leading #, ** and tags; one line. */
char	*imp_plain(const char *);
/* 1 when the tab-separated line is a header row of a plan table. */
int	imp_is_header(struct imp *, const char *line);

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
