/*
 * import_csv: a spreadsheet's CSV export for the importer (import_int.h).
 * Core.  Records of fields split by ';' or ',' (whichever splits the
 * first line into a plan table's header), quoted fields that hold the
 * separator, line ends and "" for a quote; each record a row of one
 * table (import_table.c).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "util.h"

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

/* Which separator a CSV header line uses; 0 if it is not one. */
static char
line_separator(struct imp *im, const char *line)
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
		if (nc > 0 && imp_header(&quiet, cells, (size_t)nc, 0, 0, &t)) {
			sep = seps[i];
			imp_table_free(&t);
		}
		if (nc > 0)
			strv_free(cells, (size_t)nc);
	}
	diag_free(&scratch);
	return sep;
}

char
imp_csv_separator(struct imp *im, const char *text)
{
	const char *at;
	char *first, sep = 0;
	size_t i;

	/* CSV when the first line is a header split by ';' or ','. */
	for (at = text;; at += i + 1) {
		i = strcspn(at, "\n");
		first = xstrndup(at, i);
		if (!imp_blank(first) && strchr(first, '\t') == NULL)
			sep = line_separator(im, first);
		if (!imp_blank(first) || at[i] == '\0') {
			free(first);
			break;
		}
		free(first);
	}
	return sep;
}

void
imp_read_csv(struct imp *im, const char *text, char sep)
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

			for (i = 0; i < (size_t)nc && imp_blank(cells[i]); i++)
				;
			if (i < (size_t)nc) {
				have = imp_header(im, cells, (size_t)nc, start,
				    -1, &t);
				if (!have) {
					imp_error(im, start, "no header row "
					    "(Aktivitet, Ansvarig, Tidplan, "
					    "Uppf\xc3\xb6ljning)");
					im->stop = 1;
				}
			}
		} else if (t.ok)
			imp_row(im, &t, cells, (size_t)nc, start);
		strv_free(cells, (size_t)nc);
	}
	imp_table_free(&t);
}

