/*
 * template: parses message templates once into a small tree (text,
 * placeholder, section, inverted section) and renders it against a
 * context of strings and lists.  Every name is checked at load time
 * against the set the message kind defines, so a typo in a template is a
 * `file:line: message` from `planwatchd -n`, not a blank in a reminder
 * sent months later.  The set of placeholders per kind lives here too:
 * callers fill exactly these names, and the docs list them.  Core: the
 * files come through a struct source (source.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "template.h"
#include "util.h"

/* ---- the placeholder sets ------------------------------------------ */

/* Every kind: who gets it, from whom, and whether it is late. */
#define COMMON_VARS							\
	"recipient.name", "committee", "coordinator.name",		\
	"coordinator.email", "late", "scheduled", "page.link"

/* What a reminder message says as a whole. */
#define MESSAGE_VARS							\
	"count", "overdue_count", "first_due", "period",		\
	"recipient.role", "link"

/* The capacity an item (or a message) reaches its recipient in. */
#define AS_VARS(P)							\
	P "as.responsible", P "as.reports_to", P "as.coordinator",	\
	P "as.deputy", P "as.role"

/* One item of a reminder message, with prefix P ("" or "item."). */
#define ITEM_VARS(P)							\
	AS_VARS(P), P "number", P "kind", P "reminder", P "overdue",	\
	P "escalation", P "revision", P "role", P "plan.id",		\
	P "plan.title", P "plan.adopted", P "revision.due",		\
	P "activity.id", P "activity.title", P "activity.section",	\
	P "activity.responsible", P "checkpoint.id", P "checkpoint.name",\
	P "checkpoint.due", P "days_left", P "days_overdue",		\
	P "due_in", P "overdue_by",					\
	P "responsible.name", P "responsible.email", P "missing",	\
	P "reported", P "followup.link", P "followup.command"

#define REPORT_VARS							\
	"report.id", "report.date", "report.unit", "report.place_type",	\
	"report.kind", "report.milieu", "report.urgency",		\
	"report.urgent", "report.minor", "report.police_informed",	\
	"report.social_services_informed", "report.ack_due",		\
	"report.link", "recipient.role", "as.coordinator", "as.deputy",	\
	"as.head", "may_ack"

const char *const template_vars_reminders[] = {
	COMMON_VARS, MESSAGE_VARS, ITEM_VARS(""), ITEM_VARS("item."), NULL
};
const char *const template_vars_missed_summary[] = {
	COMMON_VARS, "count", "down.from", "down.until", "lateness.days",
	"item.kind", "item.recipient.name", "item.activity.id",
	"item.activity.title", "item.checkpoint.name", "item.checkpoint.due",
	"item.scheduled", NULL
};
const char *const template_vars_concern_alert[] = {
	COMMON_VARS, REPORT_VARS, NULL
};
const char *const template_vars_concern_escalation[] = {
	COMMON_VARS, REPORT_VARS, "report.received", "escalation.to", NULL
};
const char *const template_vars_delivery_failures[] = {
	COMMON_VARS, "period", "count", "item.outbox_id", "item.kind",
	"item.recipient.addr", "item.error", "item.attempts",
	"item.first_attempt", "item.last_attempt", "item.permanent", NULL
};
const char *const template_vars_link[] = {
	COMMON_VARS, "expires", NULL
};
const char *const template_lists_items[] = { "items", NULL };
const char *const template_lists_none[] = { NULL };

const struct template_kind_info template_kinds[TEMPLATE_NKINDS] = {
	[TEMPLATE_REMINDER] = { "reminder", template_vars_reminders,
	    template_lists_items, 1 },
	[TEMPLATE_OVERDUE] = { "overdue", template_vars_reminders,
	    template_lists_items, 1 },
	[TEMPLATE_ESCALATION] = { "escalation", template_vars_reminders,
	    template_lists_items, 1 },
	[TEMPLATE_REVISION] = { "revision", template_vars_reminders,
	    template_lists_items, 1 },
	[TEMPLATE_DIGEST] = { "digest", template_vars_reminders,
	    template_lists_items, 0 },
	[TEMPLATE_COORDINATOR_SUMMARY] = { "coordinator-summary",
	    template_vars_reminders, template_lists_items, 0 },
	[TEMPLATE_MISSED_SUMMARY] = { "missed-summary",
	    template_vars_missed_summary, template_lists_items, 0 },
	[TEMPLATE_CONCERN_ALERT] = { "concern-alert",
	    template_vars_concern_alert, template_lists_none, 0 },
	[TEMPLATE_CONCERN_ESCALATION] = { "concern-escalation",
	    template_vars_concern_escalation, template_lists_none, 0 },
	[TEMPLATE_DELIVERY_FAILURES] = { "delivery-failures",
	    template_vars_delivery_failures, template_lists_items, 0 },
	[TEMPLATE_LINK] = { "link", template_vars_link, template_lists_none,
	    0 },
};

int
template_kind_is_reminder(enum template_kind k)
{
	return k == TEMPLATE_REMINDER || k == TEMPLATE_OVERDUE ||
	    k == TEMPLATE_ESCALATION || k == TEMPLATE_REVISION ||
	    k == TEMPLATE_DIGEST || k == TEMPLATE_COORDINATOR_SUMMARY;
}

int
template_kind_lookup(const char *name)
{
	int k;

	for (k = 0; k < TEMPLATE_NKINDS; k++)
		if (strcmp(template_kinds[k].name, name) == 0)
			return k;
	return -1;
}

/* ---- the tree ------------------------------------------------------- */

enum node_type {
	NODE_TEXT,
	NODE_VAR,
	NODE_RAW,	/* {{{name}}} in a page: inserted as it is */
	NODE_SECTION,
	NODE_INVERTED
};

struct nodes {
	struct node	*v;
	size_t		 n;
	size_t		 cap;
};

struct node {
	enum node_type	 type;
	char		*s;	/* text, or the name */
	size_t		 len;
	int		 is_list;
	int		 line;
	struct nodes	 kids;
};

struct template {
	struct nodes	 subject;	/* or a page's title */
	struct nodes	 body;
	int		 html;		/* values are escaped for HTML */
};

static struct node *
nodes_add(struct nodes *ns, enum node_type type, const char *s, size_t len,
    int line)
{
	struct node *n;

	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 8;
		ns->v = xreallocarray(ns->v, ns->cap, sizeof(*ns->v));
	}
	n = &ns->v[ns->n++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->s = xstrndup(s, len);
	n->len = len;
	n->line = line;
	return n;
}

static void
nodes_free(struct nodes *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++) {
		free(ns->v[i].s);
		nodes_free(&ns->v[i].kids);
	}
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	nodes_free(&t->subject);
	nodes_free(&t->body);
	free(t);
}

/* ---- parsing -------------------------------------------------------- */

struct parser {
	const char		*file;
	const char *const	*vars;
	const char *const	*lists;
	struct diag		*d;
	int			 errors;
	int			 html;
	const char *const	*raw;	/* names {{{...}}} may insert */
};

/* An open section while parsing: where its children go. */
struct open_sec {
	struct nodes	*into;
	const char	*name;
	int		 line;
	int		 is_list;
};

static int
in_set(const char *const *set, const char *name, size_t len)
{
	size_t i;

	for (i = 0; set != NULL && set[i] != NULL; i++)
		if (strlen(set[i]) == len && memcmp(set[i], name, len) == 0)
			return 1;
	return 0;
}

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static void
perror_at(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
perror_at(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(p->d, 0, p->file, line, fmt, ap);
	va_end(ap);
	p->errors++;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Checks a name against the kind's sets.  Returns 1 for a list, 0 for a
 * plain value, -1 after reporting an error.  `sigil` is the tag's first
 * character ('#', '^' or 0) for the message.
 */
static int
check_name(struct parser *p, const char *name, size_t len, char sigil,
    int line, int list_depth)
{
	const char *pre = sigil == '#' ? "#" : sigil == '^' ? "^" : "";

	if (len == 0) {
		perror_at(p, line, "empty placeholder \"{{%s}}\"", pre);
		return -1;
	}
	if (in_set(p->lists, name, len)) {
		if (sigil == 0) {
			perror_at(p, line, "\"{{%.*s}}\" is a list: use "
			    "{{#%.*s}}...{{/%.*s}}", (int)len, name, (int)len,
			    name, (int)len, name);
			return -1;
		}
		return 1;
	}
	if (!in_set(p->vars, name, len)) {
		perror_at(p, line, "unknown placeholder \"{{%s%.*s}}\"", pre,
		    (int)len, name);
		return -1;
	}
	if (len > 5 && memcmp(name, "item.", 5) == 0 && list_depth == 0) {
		perror_at(p, line, "\"{{%s%.*s}}\" outside a list section",
		    pre, (int)len, name);
		return -1;
	}
	return 0;
}

/*
 * Parses `len` bytes of text starting on line `line` into `out`.  Tags
 * stay on one line; a line holding only a section, close or comment tag
 * (and blanks) is dropped with its line end.  Stops at the first
 * structural error (unterminated tag, bad close) since what follows would
 * only produce confusing errors; unknown names are all reported.
 */
static void
parse_text(struct parser *p, const char *s, size_t len, int line,
    struct nodes *out)
{
	struct open_sec stack[32];
	size_t depth = 0, list_depth = 0, i = 0, text_start = 0, line_start = 0;
	size_t j, k, close, after, nlen;
	struct nodes *cur = out;
	const char *name;
	char sigil;
	int standalone, r;
	struct node *n;

	while (i < len) {
		if (s[i] == '\n') {
			line++;
			line_start = i + 1;
			i++;
			continue;
		}
		if (s[i] != '{' || i + 1 >= len || s[i + 1] != '{') {
			i++;
			continue;
		}
		/*
		 * {{{name}}}: a value inserted without escaping, in a page,
		 * for the names the page kind allows (HTML it made itself).
		 */
		if (i + 2 < len && s[i + 2] == '{') {
			for (close = i + 3; close + 2 < len; close++)
				if (s[close] == '\n' || (s[close] == '}' &&
				    s[close + 1] == '}' && s[close + 2] == '}'))
					break;
			if (close + 2 >= len || s[close] != '}') {
				perror_at(p, line, "unterminated \"{{{\"");
				return;
			}
			j = i + 3;
			while (j < close && is_blank(s[j]))
				j++;
			k = close;
			while (k > j && is_blank(s[k - 1]))
				k--;
			if (i > text_start)
				nodes_add(cur, NODE_TEXT, s + text_start,
				    i - text_start, line);
			if (!p->html || !in_set(p->raw, s + j, k - j))
				perror_at(p, line, "\"{{{%.*s}}}\" inserts "
				    "text unescaped, which only %s may", (int)(k - j),
				    s + j, p->html ? "the page's own content" :
				    "a page");
			else
				nodes_add(cur, NODE_RAW, s + j, k - j, line);
			i = text_start = close + 3;
			continue;
		}
		/* A tag: find its end on this line. */
		for (close = i + 2; close + 1 < len; close++)
			if (s[close] == '\n' || (s[close] == '}' &&
			    s[close + 1] == '}'))
				break;
		if (close + 1 >= len || s[close] != '}') {
			perror_at(p, line, "unterminated \"{{\"");
			return;
		}
		after = close + 2;
		j = i + 2;
		while (j < close && is_blank(s[j]))
			j++;
		k = close;
		while (k > j && is_blank(s[k - 1]))
			k--;
		sigil = 0;
		if (j < k && strchr("#^/!", s[j]) != NULL) {
			sigil = s[j++];
			while (j < k && is_blank(s[j]))
				j++;
		}
		name = s + j;
		nlen = k - j;

		/* Standalone: only blanks around the tag on its line. */
		standalone = 0;
		if (sigil != 0 && line_start >= text_start) {
			size_t b = line_start, e = after;

			while (b < i && is_blank(s[b]))
				b++;
			while (e < len && is_blank(s[e]))
				e++;
			if (b == i && (e == len || s[e] == '\n'))
				standalone = 1;
			if (standalone) {
				if (line_start > text_start)
					nodes_add(cur, NODE_TEXT,
					    s + text_start,
					    line_start - text_start, line);
				after = e < len ? e + 1 : e;
			}
		}
		if (!standalone && i > text_start)
			nodes_add(cur, NODE_TEXT, s + text_start,
			    i - text_start, line);

		if (sigil != '!' && sigil != '/') {
			for (r = 0; (size_t)r < nlen; r++)
				if (!name_char(name[r]))
					break;
			if ((size_t)r < nlen) {
				perror_at(p, line, "invalid placeholder "
				    "name \"%.*s\"", (int)(close - i - 2),
				    s + i + 2);
				r = -1;
			} else
				r = check_name(p, name, nlen, sigil, line,
				    (int)list_depth);
		} else
			r = 0;

		if (sigil == 0) {
			if (r >= 0)
				nodes_add(cur, NODE_VAR, name, nlen, line);
		} else if ((sigil == '#' || sigil == '^') && nlen > 0) {
			if (depth == nitems(stack)) {
				perror_at(p, line, "sections nested too deep");
				return;
			}
			n = nodes_add(cur, sigil == '#' ? NODE_SECTION :
			    NODE_INVERTED, name, nlen, line);
			n->is_list = r == 1;
			stack[depth].into = cur;
			stack[depth].name = n->s;
			stack[depth].line = line;
			stack[depth].is_list = n->is_list;
			/* An inverted list renders no items: no "item." in it. */
			if (n->is_list && sigil == '#')
				list_depth++;
			else
				stack[depth].is_list = 0;
			depth++;
			cur = &n->kids;
		} else if (sigil == '/') {
			if (depth == 0) {
				perror_at(p, line, "\"{{/%.*s}}\" closes no "
				    "open section", (int)nlen, name);
				return;
			}
			if (strlen(stack[depth - 1].name) != nlen ||
			    memcmp(stack[depth - 1].name, name, nlen) != 0) {
				perror_at(p, line, "\"{{/%.*s}}\" does not "
				    "close \"%s\" opened on line %d",
				    (int)nlen, name, stack[depth - 1].name,
				    stack[depth - 1].line);
				return;
			}
			depth--;
			if (stack[depth].is_list)
				list_depth--;
			cur = stack[depth].into;
		}
		/* Line counting continues from the tag's own line end. */
		if (after > close + 2 && s[after - 1] == '\n') {
			line++;
			line_start = after;
		}
		i = text_start = after;
	}
	if (text_start < len)
		nodes_add(cur, NODE_TEXT, s + text_start, len - text_start,
		    line);
	while (depth > 0) {
		depth--;
		perror_at(p, stack[depth].line, "\"{{#%s}}\" is not closed",
		    stack[depth].name);
	}
}

/* Whether the text is well-formed UTF-8; *line gets the first bad line. */
static int
utf8_valid(const char *s, int *line)
{
	const unsigned char *p = (const unsigned char *)s;
	int l = 1;
	size_t n, k;
	uint32_t cp;

	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p == '\n')
				l++;
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 2, cp = *p & 0x1f;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3, cp = *p & 0x0f;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4, cp = *p & 0x07;
		else
			goto bad;
		for (k = 1; k < n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			goto bad;
		p += n;
	}
	return 1;
bad:
	*line = l;
	return 0;
}

/*
 * Parses a template of either flavour: a mail's (`Subject:` header,
 * nothing escaped) or, with `html`, a page's (`Title:` header, values
 * escaped, {{{name}}} for the names in `raw`).
 */
static struct template *
parse_flavour(const char *name, const char *text,
    const char *const *allowed_vars, const char *const *allowed_lists,
    int html, const char *const *raw, struct diag *d)
{
	struct parser p = { name, allowed_vars, allowed_lists, d, 0, html,
	    raw };
	const char *hdr = html ? "Title:" : "Subject:";
	size_t hlen = strlen(hdr);
	struct template *t;
	struct buf norm = { 0 };
	const char *s, *eol, *subj = NULL;
	size_t subjlen = 0, i;
	int line = 1, subjline = 0, body_line = 0, bad;

	if (!utf8_valid(text, &bad)) {
		diag_error(d, name, bad, "not valid UTF-8 (save the file "
		    "as UTF-8)");
		return NULL;
	}
	/* Editors on other systems write a BOM and CRLF; accept both. */
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	for (i = 0; text[i] != '\0'; i++)
		if (!(text[i] == '\r' && text[i + 1] == '\n'))
			buf_addc(&norm, text[i]);
	s = norm.s != NULL ? norm.s : "";

	/* The header block: `Subject:` and comments, up to a blank line. */
	for (;;) {
		const char *l = s;
		size_t ll;

		if (*s == '\0') {
			perror_at(&p, line, "missing blank line between the "
			    "header and the body");
			break;
		}
		eol = strchr(s, '\n');
		ll = eol != NULL ? (size_t)(eol - s) : strlen(s);
		s = eol != NULL ? eol + 1 : s + ll;
		if (ll == 0 || strspn(l, " \t") == ll) {
			body_line = line + 1;
			break;
		}
		if (l[0] == '#') {
			line++;
			continue;
		}
		if (ll >= hlen && strncasecmp(l, hdr, hlen) == 0) {
			if (subj != NULL)
				perror_at(&p, line, "second \"%s\" line "
				    "(first on line %d)", hdr, subjline);
			subj = l + hlen;
			subjlen = ll - hlen;
			subjline = line;
		} else
			perror_at(&p, line, "expected \"%s ...\", a \"#\" "
			    "comment or a blank line before the body", hdr);
		line++;
	}
	if (subj == NULL && p.errors == 0)
		perror_at(&p, 1, "missing \"%s\" line", hdr);

	t = xcalloc(1, sizeof(*t));
	t->html = html;
	if (subj != NULL)
		parse_text(&p, subj, subjlen, subjline, &t->subject);
	if (body_line > 0)
		parse_text(&p, s, strlen(s), body_line, &t->body);
	buf_free(&norm);
	if (p.errors > 0) {
		template_free(t);
		return NULL;
	}
	return t;
}

struct template *
template_parse(const char *name, const char *text,
    const char *const *allowed_vars, const char *const *allowed_lists,
    struct diag *d)
{
	return parse_flavour(name, text, allowed_vars, allowed_lists, 0, NULL,
	    d);
}

struct template *
template_parse_html(const char *name, const char *text,
    const char *const *allowed_vars, const char *const *raw,
    const char *const *allowed_lists, struct diag *d)
{
	return parse_flavour(name, text, allowed_vars, allowed_lists, 1, raw,
	    d);
}

/* Reads a template file; NULL after a diagnostic. */
static char *
read_template(const struct source *src, const char *path, struct diag *d)
{
	char *text;
	size_t len;

	if ((text = src->read(src->arg, path, &len)) == NULL) {
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	if (strlen(text) != len) {
		diag_error(d, path, 0, "contains a NUL byte: not a text file");
		free(text);
		return NULL;
	}
	return text;
}

struct template *
template_load(const struct source *src, const char *path,
    const char *const *allowed_vars, const char *const *allowed_lists,
    struct diag *d)
{
	struct template *t;
	char *text;

	if ((text = read_template(src, path, d)) == NULL)
		return NULL;
	t = template_parse(path, text, allowed_vars, allowed_lists, d);
	free(text);
	return t;
}

struct template *
template_load_html(const struct source *src, const char *path,
    const char *const *allowed_vars, const char *const *raw,
    const char *const *allowed_lists, struct diag *d)
{
	struct template *t;
	char *text;

	if ((text = read_template(src, path, d)) == NULL)
		return NULL;
	t = template_parse_html(path, text, allowed_vars, raw, allowed_lists,
	    d);
	free(text);
	return t;
}

struct template *
template_load_kind(const struct source *src, const char *dir,
    const char *lang, enum template_kind k, struct diag *d)
{
	struct template *t;
	char *path;

	path = xasprintf("%s/%s/%s.txt", dir, lang, template_kinds[k].name);
	t = template_load(src, path, template_kinds[k].vars,
	    template_kinds[k].lists, d);
	free(path);
	return t;
}

/* ---- contexts ------------------------------------------------------- */

struct tvar {
	char	*name;
	char	*value;
};

struct tlist {
	char		 *name;
	struct template_ctx	**items;
	size_t		  n;
	size_t		  cap;
};

struct template_ctx {
	struct tvar	*v;
	size_t		 nv;
	size_t		 capv;
	struct tlist	*l;
	size_t		 nl;
	size_t		 capl;
};

struct template_ctx *
template_ctx_new(void)
{
	return xcalloc(1, sizeof(struct template_ctx));
}

void
template_ctx_free(struct template_ctx *c)
{
	size_t i, k;

	if (c == NULL)
		return;
	for (i = 0; i < c->nv; i++) {
		free(c->v[i].name);
		free(c->v[i].value);
	}
	for (i = 0; i < c->nl; i++) {
		for (k = 0; k < c->l[i].n; k++)
			template_ctx_free(c->l[i].items[k]);
		free(c->l[i].items);
		free(c->l[i].name);
	}
	free(c->v);
	free(c->l);
	free(c);
}

void
template_ctx_set(struct template_ctx *c, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < c->nv; i++)
		if (strcmp(c->v[i].name, name) == 0) {
			free(c->v[i].value);
			c->v[i].value = xstrdup(value ? value : "");
			return;
		}
	if (c->nv == c->capv) {
		c->capv = c->capv ? c->capv * 2 : 16;
		c->v = xreallocarray(c->v, c->capv, sizeof(*c->v));
	}
	c->v[c->nv].name = xstrdup(name);
	c->v[c->nv].value = xstrdup(value ? value : "");
	c->nv++;
}

void
template_ctx_setf(struct template_ctx *c, const char *name, const char *fmt,
    ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	template_ctx_set(c, name, b.s);
	buf_free(&b);
}

void
template_ctx_set_int(struct template_ctx *c, const char *name, long long v)
{
	template_ctx_setf(c, name, "%lld", v);
}

const char *
template_ctx_get(const struct template_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; c != NULL && i < c->nv; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return c->v[i].value;
	return NULL;
}

static const struct tlist *
find_list(const struct template_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; c != NULL && i < c->nl; i++)
		if (strcmp(c->l[i].name, name) == 0)
			return &c->l[i];
	return NULL;
}

struct template_ctx *
template_ctx_list_add(struct template_ctx *c, const char *name)
{
	struct tlist *l = NULL;
	size_t i;

	for (i = 0; i < c->nl; i++)
		if (strcmp(c->l[i].name, name) == 0)
			l = &c->l[i];
	if (l == NULL) {
		if (c->nl == c->capl) {
			c->capl = c->capl ? c->capl * 2 : 4;
			c->l = xreallocarray(c->l, c->capl, sizeof(*c->l));
		}
		l = &c->l[c->nl++];
		memset(l, 0, sizeof(*l));
		l->name = xstrdup(name);
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	l->items[l->n] = template_ctx_new();
	return l->items[l->n++];
}

/* ---- rendering ------------------------------------------------------ */

static const char *
lookup(const char *name, const struct template_ctx *root,
    const struct template_ctx *item)
{
	if (item != NULL && strncmp(name, "item.", 5) == 0)
		return template_ctx_get(item, name + 5);
	return template_ctx_get(root, name);
}

/* The mustache rule, minus its JSON types: "", "0" and "false" are off. */
static int
truthy(const char *v)
{
	return v != NULL && *v != '\0' && strcmp(v, "0") != 0 &&
	    strcmp(v, "false") != 0;
}

void
template_html_escape(struct buf *out, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *rep;

		switch (*s) {
		case '&':	rep = "&amp;"; break;
		case '<':	rep = "&lt;"; break;
		case '>':	rep = "&gt;"; break;
		case '"':	rep = "&quot;"; break;
		case '\'':	rep = "&#39;"; break;
		default:	continue;
		}
		buf_add(out, run, (size_t)(s - run));
		buf_adds(out, rep);
		run = s + 1;
	}
	buf_add(out, run, (size_t)(s - run));
}

static void
render_nodes(const struct nodes *ns, const struct template_ctx *root,
    const struct template_ctx *item, int html, struct buf *out)
{
	const struct tlist *l;
	const struct node *n;
	const char *v;
	size_t i, k;

	for (i = 0; i < ns->n; i++) {
		n = &ns->v[i];
		switch (n->type) {
		case NODE_TEXT:
			buf_add(out, n->s, n->len);
			break;
		case NODE_VAR:
			if ((v = lookup(n->s, root, item)) == NULL)
				break;
			if (html)
				template_html_escape(out, v);
			else
				buf_adds(out, v);
			break;
		case NODE_RAW:
			if ((v = lookup(n->s, root, item)) != NULL)
				buf_adds(out, v);
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			if (n->is_list) {
				l = find_list(item, n->s);
				if (l == NULL)
					l = find_list(root, n->s);
				if (n->type == NODE_INVERTED) {
					if (l == NULL || l->n == 0)
						render_nodes(&n->kids, root,
						    item, html, out);
					break;
				}
				for (k = 0; l != NULL && k < l->n; k++)
					render_nodes(&n->kids, root,
					    l->items[k], html, out);
				break;
			}
			if (truthy(lookup(n->s, root, item)) ==
			    (n->type == NODE_SECTION))
				render_nodes(&n->kids, root, item, html,
				    out);
			break;
		}
	}
}

char *
template_render(const struct template *t, const struct template_ctx *c,
    char **subject)
{
	struct buf b = { 0 }, s = { 0 }, one = { 0 };
	const char *p;
	int space = 0;

	render_nodes(&t->body, c, NULL, t->html, &b);
	if (subject != NULL) {
		render_nodes(&t->subject, c, NULL, t->html, &s);
		/* A subject is one line: values may have brought breaks. */
		for (p = s.s != NULL ? s.s : ""; *p != '\0'; p++) {
			if (*p == ' ' || *p == '\t' || *p == '\r' ||
			    *p == '\n') {
				space = 1;
				continue;
			}
			if (space && one.len > 0)
				buf_addc(&one, ' ');
			space = 0;
			buf_addc(&one, *p);
		}
		*subject = buf_take(&one);
		buf_free(&s);
	}
	return buf_take(&b);
}

/* ---- samples -------------------------------------------------------- */

static void
sample_common(struct template_ctx *c)
{
	template_ctx_set(c, "recipient.name", "Kim Exempelsson");
	template_ctx_set(c, "committee", "Skarpnäcks stadsdelsnämnd");
	template_ctx_set(c, "coordinator.name", "Alex Samordnare");
	template_ctx_set(c, "coordinator.email", "samordnare@skarpnack.example.org");
	template_ctx_set(c, "late", "");
	template_ctx_set(c, "scheduled", "2020-04-16 08:00");
	template_ctx_set(c, "page.link", "https://planwatch.skarpnack."
	    "example.org/l/EgABAAAHAABekZuAAAAAAFiWFSvJNsuPJ5cTXmtgC8E");
}

static const char *const sample_as[] = {
	"responsible", "reports_to", "coordinator", "deputy", "role"
};

static void
sample_flags(struct template_ctx *c, const char *prefix, const char *as)
{
	size_t i;
	char *k;

	for (i = 0; i < nitems(sample_as); i++) {
		k = xasprintf("%sas.%s", prefix, sample_as[i]);
		template_ctx_set(c, k, strcmp(as, sample_as[i]) == 0 ? "1" :
		    "");
		free(k);
	}
}

static const char *
sample_role(const char *as, int en)
{
	if (strcmp(as, "reports_to") == 0)
		return "Stadsdelsdirektör";
	if (strcmp(as, "coordinator") == 0)
		return en ? "coordinator" : "samordnare";
	if (strcmp(as, "deputy") == 0)
		return en ? "deputy coordinator" : "ersättare för samordnaren";
	if (strcmp(as, "role") == 0)
		return "Avdelningschef Äldreomsorg";
	return "Avdelningschef Förebyggande arbete och kultur";
}

/*
 * Item n of a reminder message as `prefix` ("" or "item."): kind `kind`
 * (a template name) for a recipient in capacity `as`.
 */
static void
sample_item(struct template_ctx *c, const char *prefix, int n,
    const char *kind, const char *as, int en)
{
	static const char *titles[] = {
		"Föräldrastöd förebyggande",
		"Kulturhuset i Skarpnäck",
		"Utbildning om våldsbejakande extremism för medarbetare",
	};
	static const char *roles[] = {
		"Avdelningschef Förebyggande arbete och kultur",
		"Avdelningschef Förebyggande arbete och kultur",
		"Respektive avdelningschef",
	};
	int overdue = strcmp(kind, "overdue") == 0 ||
	    strcmp(kind, "escalation") == 0;
	int revision = strcmp(kind, "revision") == 0;
	char *k;

#define S(name, ...) do {						\
	k = xasprintf("%s%s", prefix, name);				\
	template_ctx_setf(c, k, __VA_ARGS__);				\
	free(k);							\
} while (0)
	sample_flags(c, prefix, as);
	S("number", "%d", n + 1);
	S("kind", "%s", kind);
	S("reminder", "%s", strcmp(kind, "reminder") == 0 ? "1" : "");
	S("overdue", "%s", strcmp(kind, "overdue") == 0 ? "1" : "");
	S("escalation", "%s", strcmp(kind, "escalation") == 0 ? "1" : "");
	S("revision", "%s", revision ? "1" : "");
	S("role", "%s", sample_role(as, en));
	S("plan.id", "%s", "skarpnack-2019");
	S("plan.title", "%s", "Handlingsplan mot våldsbejakande extremism");
	S("plan.adopted", "%s", "2019-05-15");
	S("revision.due", "%s", "2020-05-14");
	S("activity.id", "%s", revision ? "" : n == 2 ? "skarpnack-2019-21" :
	    n == 1 ? "skarpnack-2019-07" : "skarpnack-2019-01");
	S("activity.title", "%s", revision ? "" : titles[n % 3]);
	S("activity.section", "%s", revision ? "" : en ? "preventive" :
	    "förebyggande");
	S("activity.responsible", "%s", revision ? "" : roles[n % 3]);
	S("checkpoint.id", "%s", revision ? "revision T1 2020" : n == 1 ?
	    "T2 2019" : "T1 2020");
	if (en)
		S("checkpoint.name", "%s", revision ? "revision of the plan "
		    "(Tertial report 1 2020)" : n == 1 ?
		    "Tertial report 2 2019" : "Tertial report 1 2020");
	else
		S("checkpoint.name", "%s", revision ? "revidering av "
		    "handlingsplanen (Tertialrapport 1 2020)" : n == 1 ?
		    "Tertialrapport 2 2019" : "Tertialrapport 1 2020");
	S("checkpoint.due", "%s", n == 1 ? "2019-09-15" : "2020-05-14");
	S("days_left", "%d", overdue ? (n == 1 ? -214 : -3) : 28);
	S("days_overdue", "%d", overdue ? (n == 1 ? 214 : 3) : -28);
	S("due_in", "%s", overdue ? "" : en ? "in 28 days" : "om 28 dagar");
	S("overdue_by", "%s%s", overdue ? (n == 1 ? "214" : "3") : "",
	    overdue ? (en ? " days" : " dagar") : "");
	S("responsible.name", "%s", revision ? "" : n == 2 ?
	    "Birgitta Nyström, Peter Wallin" : "Johan Ek");
	S("responsible.email", "%s", revision ? "" : n == 2 ?
	    "aldreomsorg.chef@skarpnack.example.org, "
	    "administration.chef@skarpnack.example.org" :
	    "forebyggande.chef@skarpnack.example.org");
	S("missing", "%s", revision ? "" : n == 2 ?
	    "Birgitta Nyström <aldreomsorg.chef@skarpnack.example.org>, "
	    "Peter Wallin <administration.chef@skarpnack.example.org>" :
	    "Johan Ek <forebyggande.chef@skarpnack.example.org>");
	S("reported", "%s", n != 2 ? "" : en ? "Johan Ek (done 2020-05-04), "
	    "Amir Haddad (on track 2020-05-11)" : "Johan Ek (genomförd "
	    "2020-05-04), Amir Haddad (pågår enligt plan 2020-05-11)");
	S("followup.link", "%s", revision || strcmp(as, "responsible") != 0 ?
	    "" : n == 1 ? "https://planwatch.skarpnack.example.org/l/"
	    "EQABAAAHAABekZuAAAAAKdMLNSW30E6kNIVBvqQj4cU#punkt-1" :
	    "https://planwatch.skarpnack.example.org/l/"
	    "EQABAAAHAABekZuAAAAAKdMLNSW30E6kNIVBvqQj4cU#punkt-2");
	S("followup.command", "%s", revision ? "" : n == 2 ?
	    "planwatchctl followup skarpnack-2019-21 \"T1 2020\" --status "
	    "done --for bnystrom" : n == 1 ? "planwatchctl followup "
	    "skarpnack-2019-07 \"T2 2019\" --status done" : "planwatchctl "
	    "followup skarpnack-2019-01 \"T1 2020\" --status done --for jek");
#undef S
}

struct template_ctx *
template_sample_ctx_as(enum template_kind kind, const char *as, int en)
{
	static const char *const mix[] = { "reminder", "overdue", "reminder" };
	struct template_ctx *c = template_ctx_new(), *it;
	const char *ik;
	int i, n;

	sample_common(c);
	if (template_kind_is_reminder(kind)) {
		for (i = 0; as != NULL && i < (int)nitems(sample_as); i++)
			if (strcmp(as, sample_as[i]) == 0)
				break;
		if (as == NULL || i == (int)nitems(sample_as))
			as = "responsible";
		/* A summary goes to the coordinator or the deputy only. */
		if (kind == TEMPLATE_COORDINATOR_SUMMARY &&
		    strcmp(as, "deputy") != 0)
			as = "coordinator";
		n = kind == TEMPLATE_DIGEST ||
		    kind == TEMPLATE_COORDINATOR_SUMMARY ? 3 : 1;
		for (i = 0; i < n; i++) {
			ik = n == 1 ? template_kinds[kind].name :
			    strcmp(as, "reports_to") == 0 ||
			    kind == TEMPLATE_COORDINATOR_SUMMARY ? (i == 1 ?
			    "escalation" : "overdue") : mix[i];
			it = template_ctx_list_add(c, "items");
			sample_item(it, "", i, ik, as, en);
			if (i == 0)
				sample_item(c, "", i, ik, as, en);
		}
		template_ctx_set_int(c, "count", n);
		template_ctx_set(c, "overdue_count", n == 1 ?
		    (strcmp(template_kinds[kind].name, "overdue") == 0 ||
		    kind == TEMPLATE_ESCALATION ? "1" : "0") :
		    kind == TEMPLATE_COORDINATOR_SUMMARY ||
		    strcmp(as, "reports_to") == 0 ? "3" : "1");
		template_ctx_set(c, "first_due", "2019-09-15");
		template_ctx_set(c, "period", "2020-04-16");
		template_ctx_set(c, "recipient.role", sample_role(as, en));
		template_ctx_set(c, "link", "https://planwatch.skarpnack."
		    "example.org/l/EQABAAAHAABekZuAAAAAKdMLNSW30E6kNIVBvqQj4cU");
		return c;
	}
	switch (kind) {
	case TEMPLATE_MISSED_SUMMARY:
		template_ctx_set(c, "count", "3");
		template_ctx_set(c, "down.from", "2020-04-01 17:10");
		template_ctx_set(c, "down.until", "2020-04-08 09:25");
		template_ctx_set(c, "lateness.days", "2");
		for (i = 0; i < 3; i++) {
			it = template_ctx_list_add(c, "items");
			template_ctx_set(it, "kind", i == 1 ? "overdue" :
			    "reminder");
			template_ctx_set(it, "recipient.name", "Johan Ek");
			template_ctx_setf(it, "activity.id", "skarpnack-2019-0%d",
			    i + 1);
			template_ctx_set(it, "activity.title", i == 1 ?
			    "Föräldramottagningen" : "Föräldrastöd förebyggande");
			template_ctx_set(it, "checkpoint.name", en ?
			    "Tertial report 1 2020" : "Tertialrapport 1 2020");
			template_ctx_set(it, "checkpoint.due", "2020-05-14");
			template_ctx_setf(it, "scheduled", "2020-04-0%d 08:00",
			    2 + i);
		}
		break;
	case TEMPLATE_CONCERN_ALERT:
	case TEMPLATE_CONCERN_ESCALATION:
		if (as == NULL || (strcmp(as, "deputy") != 0 &&
		    strcmp(as, "head") != 0))
			as = "coordinator";
		template_ctx_set(c, "report.id", "17");
		template_ctx_set(c, "report.date", "2020-03-12");
		template_ctx_set(c, "report.unit", "Öppen fritidsverksamhet");
		template_ctx_set(c, "report.place_type", en ? "youth centre" :
		    "fritidsgård");
		template_ctx_set(c, "report.kind", "propaganda");
		template_ctx_set(c, "report.milieu", en ? "white power milieu" :
		    "vit makt-miljön");
		template_ctx_set(c, "report.urgency", en ? "urgent" :
		    "brådskande");
		template_ctx_set(c, "report.urgent", "1");
		template_ctx_set(c, "report.minor", en ? "yes" : "ja");
		template_ctx_set(c, "report.police_informed", en ? "no" : "nej");
		template_ctx_set(c, "report.social_services_informed", en ?
		    "yes" : "ja");
		template_ctx_set(c, "report.ack_due", "2020-03-13 12:00");
		template_ctx_set(c, "report.link", "");
		template_ctx_set(c, "report.received", "2020-03-12 14:05");
		template_ctx_set(c, "as.coordinator",
		    strcmp(as, "coordinator") == 0 ? "1" : "");
		template_ctx_set(c, "as.deputy", strcmp(as, "deputy") == 0 ?
		    "1" : "");
		template_ctx_set(c, "as.head", strcmp(as, "head") == 0 ?
		    "1" : "");
		template_ctx_set(c, "may_ack", strcmp(as, "head") != 0 ?
		    "1" : "");
		template_ctx_set(c, "recipient.role", strcmp(as, "head") == 0 ?
		    (kind == TEMPLATE_CONCERN_ESCALATION ? "Stadsdelsdirektör" :
		    "Avdelningschef Förebyggande arbete och kultur") :
		    sample_role(as, en));
		template_ctx_set(c, "escalation.to", template_ctx_get(c,
		    "recipient.role"));
		break;
	case TEMPLATE_LINK:
		template_ctx_set(c, "expires", "2020-05-31 08:00");
		break;
	case TEMPLATE_DELIVERY_FAILURES:
		/* The admin is no person of the organisation: no page. */
		template_ctx_set(c, "page.link", "");
		template_ctx_set(c, "period", "2020-04-08");
		template_ctx_set(c, "count", "3");
		for (i = 0; i < 3; i++) {
			it = template_ctx_list_add(c, "items");
			template_ctx_set_int(it, "outbox_id", 1041 + i);
			template_ctx_set(it, "kind", "reminder");
			template_ctx_setf(it, "recipient.addr",
			    "mottagare%d@skarpnack.example.org", i + 1);
			template_ctx_set(it, "error", i == 0 ?
			    "550 5.1.1 mailbox unavailable" :
			    "451 4.3.0 try again later");
			template_ctx_set(it, "attempts", i == 0 ? "1" : "8");
			template_ctx_set(it, "first_attempt", "2020-04-07 08:00");
			template_ctx_set(it, "last_attempt", "2020-04-08 07:40");
			template_ctx_set(it, "permanent", i == 0 ? "1" : "");
		}
		break;
	default:
		break;
	}
	return c;
}

struct template_ctx *
template_sample_ctx(enum template_kind kind)
{
	return template_sample_ctx_as(kind, NULL, 0);
}

int
template_check_samples(const struct source *src, const char *dir,
    struct diag *d)
{
	struct template *t;
	struct template_ctx *c;
	char **names, **langs, *path, *body, *subj;
	size_t nnames, nlangs = 0, i;
	size_t before = d->nerrors;
	int k;

	if ((names = source_list(src, dir, &nnames)) == NULL) {
		diag_error(d, dir, 0, "cannot open template directory: %s",
		    strerror(errno));
		return -1;
	}
	/* The language directories, in name order (source_list()). */
	langs = xcalloc(nnames + 1, sizeof(*langs));
	for (i = 0; i < nnames; i++)
		if (names[i][0] != '.' && source_is_dir(names[i]))
			langs[nlangs++] = xstrndup(names[i],
			    strlen(names[i]) - 1);
	strv_free(names, nnames);
	if (nlangs == 0) {
		diag_error(d, dir, 0, "no language directory (such as sv/)");
		free(langs);
		return -1;
	}
	for (i = 0; i < nlangs; i++) {
		for (k = 0; k < TEMPLATE_NKINDS; k++) {
			t = template_load_kind(src, dir, langs[i], k, d);
			if (t == NULL)
				continue;
			c = template_sample_ctx(k);
			body = template_render(t, c, &subj);
			path = xasprintf("%s/%s/%s.txt", dir, langs[i],
			    template_kinds[k].name);
			if (*subj == '\0')
				diag_error(d, path, 1, "the subject renders "
				    "empty");
			if (strspn(body, " \t\n") == strlen(body))
				diag_error(d, path, 0, "the body renders "
				    "empty");
			free(path);
			free(body);
			free(subj);
			template_ctx_free(c);
			template_free(t);
		}
		free(langs[i]);
	}
	free(langs);
	return d->nerrors > before ? -1 : (int)nlangs;
}
