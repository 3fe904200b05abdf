/*
 * office: the text and tables of a word-processor document, read from its
 * bytes: Word (.docx, Office Open XML) and LibreOffice/OpenOffice Writer
 * (.odt, OpenDocument Text), both ZIP containers of XML, with libzip and
 * libxml2.  Pure: bytes in, lines out; the caller reads the file.
 *
 * The lines are what the importer reads from text copied out of a
 * document (docs/plans.md), so that one reader serves both: a paragraph is
 * a line (a heading starts with "# ", a list item with "- "); a table row
 * is a line of cells separated by tabs, each cell a small HTML fragment
 * (text escaped, <b> around bold runs, <br> between paragraphs, <li> for
 * list items).  Merged cells are spread over the grid: a cell merged
 * across columns is followed by empty cells, one merged down over rows
 * gives its text to each of them (with a note).
 */
#ifndef PLANWATCH_OFFICE_H
#define PLANWATCH_OFFICE_H

#include <stddef.h>

#include "util.h"

struct office_line {
	char	*text;
	char	*where;		/* "paragraph 3", "table 2, row 5" */
	int	 merged;	/* a table row that is one cell across the table */
};

struct office_doc {
	struct office_line	*v;
	size_t			 n;
};

/* 1 when data[len] is a ZIP container (a .docx, .odt, .xlsx, ...). */
int	office_is_zip(const void *data, size_t len);

/*
 * Reads the document in data[len].  Returns 0 with `doc` filled (the
 * caller frees it with office_doc_free()), or -1 with the reason in `err`:
 * a damaged container or XML, a part too large, or a container that is
 * not a text document (a spreadsheet or a presentation, with what to do
 * instead).  Notes about merged cells go to `notes` (may be NULL) as
 * `file: table T, row R: message`.  `doc` is always initialised.
 */
int	office_read(const char *file, const void *data, size_t len,
	    struct office_doc *doc, struct diag *notes, struct buf *err);
void	office_doc_free(struct office_doc *);

#endif
