/*
 * import: reads a plan document as people have it -- the tables copied out
 * of the adopted plan (tab-separated rows under a header row, inside
 * running text with markdown-ish headings), or a plain TSV/CSV export --
 * into a struct plan, which plan_write() turns into a plan file to be
 * checked by hand.  It says what it had to infer (warnings in the diag,
 * quieter inferences in opts->notes), refuses what it cannot read, and
 * never guesses silently.  Core, pure: text in, plan and diagnostics
 * out; the caller reads the file.  The rules are documented in
 * docs/plans.md.
 */
#ifndef PLANWATCH_IMPORT_H
#define PLANWATCH_IMPORT_H

#include "plan.h"
#include "util.h"

/*
 * A yearly revision: how each activity of the new plan relates to the
 * previous plan's (import_opts.previous).
 */
enum import_fate {
	IMPORT_NEW,		/* not in the previous plan */
	IMPORT_CONTINUES,	/* keeps the id of the one it continues */
	IMPORT_UNSURE		/* like two or more: left for the admin */
};

struct import_candidate {
	char	*id;		/* of the previous plan's activity */
	int	 score;		/* how alike, 0-100 */
};

struct import_match {
	char			*id;		/* the activity's id */
	char			*title;
	enum import_fate	 fate;
	int			 score;		/* CONTINUES: how alike */
	struct import_candidate	*cand;		/* UNSURE: the likes */
	size_t			 ncand;
};

struct import_revision {
	char			*previous;	/* the previous plan's id */
	struct import_match	*v;		/* one per new activity */
	size_t			 n;
	struct import_candidate	*removed;	/* not continued (score 0) */
	char			**removed_titles;
	size_t			 nremoved;
};

/* Frees what a revision holds; NULL is fine. */
void	import_revision_free(struct import_revision *);

struct import_opts {
	int		 year;		/* the plan's year; 0: from the text */
	const char	*adopted;	/* "YYYY-MM-DD"; NULL: from the text */
	const char	*id_prefix;	/* NULL: from the file's base name */
	int		 keep_going;	/* report every problem, keep the rest */
	/*
	 * The calendar checkpoints are dated by (conf/calendar.conf), for
	 * the checks of deadlines and checkpoints against the adoption and
	 * the revision; NULL: the shipped defaults.  Borrowed.
	 */
	const struct calendar *cal;
	/*
	 * The plan this one revises, or NULL.  Activities that continue
	 * one of its activities (alike in title and text) take that
	 * activity's id, so that reminders sent, follow-ups and comments
	 * stay theirs; the new plan `supersedes` it.  `revision` (required
	 * with it) is filled with every match and what was left out; the
	 * caller frees it with import_revision_free().  Both borrowed.
	 */
	const struct plan	*previous;
	struct import_revision	*revision;
	/*
	 * NULL, or where to record inferences that are not worth a warning
	 * (a header cell taken from its position, a mended word, a default
	 * for missing metadata), as warnings `file:line: message`; the
	 * caller owns and frees it.
	 */
	struct diag	*notes;
};

/*
 * Imports the document in data[len], named `file` in diagnostics and
 * used for the default id prefix: text (UTF-8 with or without a byte
 * order mark, UTF-16 with one, or Windows-1252 with a warning), a CSV
 * export, or a Word (.docx) or OpenDocument (.odt) file, told apart by
 * their content.  A PDF, an old .doc and the like are refused with what
 * to do instead.  `out` is always initialised and the caller always
 * plan_free()s it.  Activity ids are `<prefix>-NN`, NN the row's number
 * in the document (01, 02, ...), so a row that fails does not renumber
 * the rows after it.  Errors and warnings go to `d` as `file:line:
 * message` (`file: table 2, row 5: message` for Word and OpenDocument).
 * Without keep_going it stops at the first error; with it, it reads on
 * and `out` holds every activity read without error.  Returns 0 when no
 * error was found, -1 otherwise.
 */
int	import_plan_bytes(const char *file, const void *data, size_t len,
	    const struct import_opts *opts, struct plan *out, struct diag *d);
/* The same for NUL-terminated text. */
int	import_plan(const char *file, const char *text,
	    const struct import_opts *opts, struct plan *out, struct diag *d);

/*
 * Appends the plan as one JSON object (`planwatchctl plan import --json`):
 * {"plan": {"id", "committee", "title", "diary_number", "adopted", "year",
 * "revision"}, "activities": [{"id", "section", "title", "description",
 * "responsible": [...], "schedule": {"kind": "ongoing"|"until"|"due",
 * "date": "YYYY-MM-DD"|null}, "followup": ["T1 2020"|"VB 2019"|
 * "ordinary", ...]}]}, indented, with a final newline.  The plan object
 * also has "supersedes" (an id or null) and "remarks" ({field: text} for
 * values the document did not give).
 */
void	import_write_json(const struct plan *, struct buf *);
/*
 * The same with the revision, when there is one, as "revision":
 * {"previous", "continuing": [{"id", "title", "score"}], "new": [{"id",
 * "title"}], "unsure": [{"id", "title", "candidates": [{"id",
 * "score"}]}], "removed": [{"id", "title"}]}.
 */
void	import_write_json_rev(const struct plan *,
	    const struct import_revision *, struct buf *);

/*
 * The id prefix derived from a file name: the base name without its
 * extension, folded to lower-case ASCII with every other run of
 * characters turned into one '-' ("Skarpnäck 2019.txt" -> "skarpnack-2019");
 * "plan" if nothing is left.  Returns a string the caller frees.
 */
char	*import_id_prefix(const char *file);

/*
 * One table cell as text: HTML tags dropped (<br>, <p>, <ul>, <li> and the
 * like end a line; a list item becomes a line "- item"), entities decoded
 * (&amp; &nbsp; &#228; &#xE4; &auml; ...), markdown ** dropped, white space
 * collapsed, empty lines removed; lines joined with "\n".  Returns a string
 * the caller frees.
 */
char	*import_cell_text(const char *);

/*
 * Mends words broken by a stray space ("verksamhetsupp följning"): two
 * adjacent words are joined when the joined word, folded, is in the
 * importer's vocabulary of plan words and the second starts with a
 * lower-case letter.  Nothing else is touched.  Returns a string the
 * caller frees.
 */
char	*import_mend(const char *);

#endif
