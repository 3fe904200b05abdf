/*
 * page: the web pages' templates, HTML written by admins in
 * rules/pages/<lang>/<kind>.html (docs/web.md), and the one stylesheet
 * beside them.  A page is its kind's template rendered in the HTML
 * flavour of template.h -- every value escaped, so a title holding
 * "<script>" shows as text -- and then put into layout.html, which alone
 * may insert HTML ({{{content}}}, the page just rendered).
 *
 * Every template is checked when loaded against its kind's placeholders,
 * like the mail templates: a typo is a `file:line: message` from
 * `planwatchd -n`.  Pure: the only I/O is reading the files.
 */
#ifndef PLANWATCH_PAGE_H
#define PLANWATCH_PAGE_H

#include <stddef.h>

#include "template.h"
#include "util.h"

enum page_kind {
	PAGE_LAYOUT,	/* layout.html: around every page */
	PAGE_ITEMS,	/* items.html: the items of one message, to report */
	PAGE_PERSON,	/* person.html: "Mina aktiviteter" */
	PAGE_RECEIPT,	/* receipt.html: after a report */
	PAGE_GONE,	/* gone.html: an expired, revoked or unknown link */
	PAGE_RENEW,	/* renew.html: asking for a fresh link */
	PAGE_ERROR,	/* error.html: 404, 405, 413, 429 and such */
	PAGE_HOME,	/* home.html: the address alone */
	PAGE_NKINDS
};

/* The page templates of both languages and the stylesheet. */
struct pages {
	struct template	*t[2][PAGE_NKINDS];	/* [0] sv, [1] en */
	char		*css;
	size_t		 css_len;
	char		 css_etag[20];	/* "\"" + 16 hex + "\"" */
};

/*
 * Loads dir/sv/<kind>.html and dir/en/<kind>.html for every kind and
 * dir/planwatch.css, read through `src`.  0, or -1 with `file:line:
 * message` errors in `d` (*p then holds nothing).
 */
int	pages_load(struct pages *, const struct source *src, const char *dir,
	    struct diag *d);
void	pages_free(struct pages *);

/*
 * Renders page `kind` in the language `en` (0 Swedish, 1 English) with
 * `ctx`, then the layout around it with the same values, the page's
 * title and its HTML.  `ctx` gets "title" and "content" set.  Returns the
 * document, which the caller frees.
 */
char	*page_render(const struct pages *, enum page_kind, int en,
	    struct template_ctx *ctx);

/*
 * Realistic values for every placeholder of `kind` (for tests, checks
 * and the documentation's screenshots of each page).  The caller frees it.
 */
struct template_ctx *page_sample_ctx(enum page_kind, int en);

/*
 * The four choices of a report form as the list `statuses` of `it`:
 * done, on-track, delayed, cancelled with their labels ("Genomförd"),
 * ids `prefix`-value, and `checked` (may be NULL) checked.
 */
void	page_statuses(struct template_ctx *it, const char *prefix,
	    const char *checked, int en);

#endif
