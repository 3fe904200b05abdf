/*
 * template: the message texts in rules/templates/<lang>/<kind>.txt, a
 * small mustache-like language for plain text.  A file is a header block
 * (`Subject: ...`, and `#` comment lines) ended by a blank line, then the
 * body.  Both may use {{name}} placeholders, {{#name}}...{{/name}} sections
 * (rendered when the value is non-empty and not "0" or "false", or once
 * per item of a list), {{^name}}...{{/name}} inverted sections (value
 * empty or list empty) and {{! comments }}.  A line holding nothing but a
 * section tag or comment disappears entirely, so sections do not leave
 * blank lines behind.  Nothing is escaped: the output is plain text and
 * mail.c does the encoding.
 *
 * The pages (page.h) use the same language in an HTML flavour: a `Title:`
 * header instead of `Subject:`, every {{name}} escaped for HTML, and
 * {{{name}}} to insert HTML the code made itself, for the few names the
 * page kind allows; anywhere else triple braces are an error.
 *
 * Templates are checked when loaded, against the placeholders the message
 * kind defines: an unknown name, a section that is not closed or closed by
 * the wrong tag, or an unterminated "{{" is a `file:line: message` error.
 * Core: template files and the language directories (in
 * template_check_samples()) are read through a struct source (source.h).
 */
#ifndef PLANWATCH_TEMPLATE_H
#define PLANWATCH_TEMPLATE_H

#include "util.h"

struct source;

/*
 * The message kinds planwatch sends, one template file each per language.
 * The first four are also the kinds of item a rule step makes: a message
 * with one item is written with its kind's template, one with several
 * items with digest.txt, and what goes to the coordinator or the deputy
 * in that capacity with coordinator-summary.txt.
 */
enum template_kind {
	TEMPLATE_REMINDER,		/* reminder.txt */
	TEMPLATE_OVERDUE,		/* overdue.txt */
	TEMPLATE_ESCALATION,		/* escalation.txt */
	TEMPLATE_REVISION,		/* revision.txt */
	TEMPLATE_DIGEST,		/* digest.txt */
	TEMPLATE_COORDINATOR_SUMMARY,	/* coordinator-summary.txt */
	TEMPLATE_MISSED_SUMMARY,	/* missed-summary.txt */
	TEMPLATE_CONCERN_ALERT,		/* concern-alert.txt */
	TEMPLATE_CONCERN_ESCALATION,	/* concern-escalation.txt */
	TEMPLATE_DELIVERY_FAILURES,	/* delivery-failures.txt */
	TEMPLATE_LINK,			/* link.txt: a fresh link, asked for */
	TEMPLATE_NKINDS
};

/*
 * What a kind may use: NULL-terminated arrays of placeholder names and of
 * list names.  Names starting with "item." are the fields of the current
 * list item and are valid only inside a list section.
 */
struct template_kind_info {
	const char		*name;		/* file name without ".txt" */
	const char *const	*vars;
	const char *const	*lists;
	int			 step;		/* a rule step may name it */
};

extern const struct template_kind_info template_kinds[TEMPLATE_NKINDS];

/*
 * The documented placeholder sets (docs/templates.md lists them too).
 * Every reminder kind (reminder, overdue, escalation, revision, digest,
 * coordinator-summary) has the same set: the message's values, and each
 * item's both as item.NAME in the `items` list and, for the message's
 * first item, as NAME.
 */
extern const char *const template_vars_reminders[];
extern const char *const template_vars_missed_summary[];
extern const char *const template_vars_concern_alert[];
extern const char *const template_vars_concern_escalation[];
extern const char *const template_vars_delivery_failures[];
extern const char *const template_vars_link[];
/* The list names: "items" for digests and summaries, else none. */
extern const char *const template_lists_items[];
extern const char *const template_lists_none[];

/* Returns the kind named `name` ("reminder", ...) or -1. */
int	 template_kind_lookup(const char *name);

struct template;

/*
 * Parses the template file at `path`, read through `src`, once.
 * `allowed_vars` and `allowed_lists` (NULL-terminated, borrowed only
 * during the call) are the names it may use.  Returns a template the
 * caller frees with template_free(), or NULL after adding one `file:line:
 * message` per problem to `d`.
 */
struct template	*template_load(const struct source *src, const char *path,
		    const char *const *allowed_vars,
		    const char *const *allowed_lists, struct diag *d);
/* The same from a string; `name` is the file name used in diagnostics. */
struct template	*template_parse(const char *name, const char *text,
		    const char *const *allowed_vars,
		    const char *const *allowed_lists, struct diag *d);
/*
 * The HTML flavour (see the top of this file): `raw` (NULL-terminated,
 * borrowed during the call) names what {{{...}}} may insert.
 */
struct template	*template_parse_html(const char *name, const char *text,
		    const char *const *allowed_vars, const char *const *raw,
		    const char *const *allowed_lists, struct diag *d);
struct template	*template_load_html(const struct source *src,
		    const char *path,
		    const char *const *allowed_vars, const char *const *raw,
		    const char *const *allowed_lists, struct diag *d);
/* Appends `s` with & < > " ' written as HTML character references. */
void		 template_html_escape(struct buf *, const char *s);
/* Loads <dir>/<lang>/<kind>.txt with the kind's placeholder set. */
struct template	*template_load_kind(const struct source *src,
		    const char *dir, const char *lang, enum template_kind,
		    struct diag *d);
void		 template_free(struct template *);

/*
 * A render context: name -> value pairs and named lists of child
 * contexts.  Inside a list section, {{item.x}} reads "x" of the current
 * item and every other name reads the top-level context.  All strings are
 * copied; the context owns its children.
 */
struct template_ctx;

struct template_ctx *template_ctx_new(void);
void	 template_ctx_free(struct template_ctx *);
/* Sets (or replaces) a value; a NULL value is stored as "". */
void	 template_ctx_set(struct template_ctx *, const char *name,
	    const char *value);
void	 template_ctx_setf(struct template_ctx *, const char *name,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	 template_ctx_set_int(struct template_ctx *, const char *name,
	    long long);
/* The value of a name, or NULL when it was never set. */
const char *template_ctx_get(const struct template_ctx *, const char *name);
/*
 * Appends an item to the list `name` and returns the item's context, which
 * `ctx` owns.  A list never added to renders like an empty one.
 */
struct template_ctx *template_ctx_list_add(struct template_ctx *,
	    const char *name);

/*
 * Renders a template.  Placeholders that were never set render as empty
 * text.  Returns the body, a string the caller frees; the rendered
 * subject (a page's title), with white space runs collapsed to single
 * spaces, goes to *subject (may be NULL), also freed by the caller.
 */
char	*template_render(const struct template *,
	    const struct template_ctx *, char **subject);

/*
 * A context filled with realistic sample values for every placeholder of
 * `kind`, and three list items where the kind has a list, for checking
 * templates (`planwatchd -n`) and for previews.  The caller frees it.
 */
struct template_ctx *template_sample_ctx(enum template_kind);
/*
 * The same for a recipient in one capacity: for the reminder kinds
 * "responsible", "reports_to", "coordinator", "deputy" or "role"; for the
 * concern kinds "coordinator", "deputy" or "head" (a unit head, or whoever
 * an escalation goes to).  NULL or another name gives the first.  With
 * `en` the values planwatch words itself (checkpoint names, statuses,
 * report labels) are in English, as an English reader gets them.
 */
struct template_ctx *template_sample_ctx_as(enum template_kind,
	    const char *as, int en);
/* Whether a kind is one of the reminder kinds listed above. */
int	 template_kind_is_reminder(enum template_kind);

/*
 * Checks every language directory under `dir` (each subdirectory holding
 * template files, e.g. dir/sv and dir/en): each must have a file for every
 * kind, each file must load and render with template_sample_ctx() to a
 * non-empty subject and body.  Reports problems to `d` as `file:line:
 * message`.  Returns the number of languages checked, or -1 when there
 * were errors or no language directory at all.
 */
int		 template_check_samples(const struct source *src,
		    const char *dir, struct diag *d);

#endif
