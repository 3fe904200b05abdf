/*
 * office: reads Word (.docx) and OpenDocument (.odt) documents from their
 * bytes into the lines the importer reads (office.h).
 *
 * Both formats are ZIP containers.  A .docx keeps its text in
 * word/document.xml (found through _rels/.rels) and its styles in
 * word/styles.xml; an .odt in content.xml and styles.xml.  Only what a
 * plan needs is read: paragraphs and headings, lists, tables with merged
 * cells, and whether text is bold (directly, through a character style,
 * or through the paragraph's style and the styles it is based on).
 * Deleted text of tracked changes, comments, footnotes, fields'
 * instructions and drawings' fallbacks are left out.
 *
 * Nothing here trusts the input: parts are read with a size limit, XML is
 * parsed without network access or entity substitution, and recursion is
 * bounded.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "office.h"
#include "util.h"

/* The largest part read from a container: plans are far smaller. */
#define PART_MAX	(64u << 20)
/* How deep tables, sections and wrappers may nest. */
#define DEPTH_MAX	32
/* Repeated rows and columns (OpenDocument) taken at most this often. */
#define REPEAT_MAX	64

#define NS_W	"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_W_STRICT	"http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_MC	"http://schemas.openxmlformats.org/markup-compatibility/2006"
#define NS_TEXT	"urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define NS_FO	"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

/* A style: whether it makes text bold, a heading or a list item. */
struct style {
	char	*name;
	char	*parent;
	int	 family;	/* 'p' paragraph, 't' text/character, 0 other */
	int	 bold;		/* -1 not said, 0, 1 */
	int	 heading;	/* -1 not said, 0, 1 */
	int	 list;		/* -1 not said, 0, 1 */
};

/* A run of text in a paragraph: bold or not, or a line break. */
struct seg {
	char	*text;		/* NULL: a line break */
	int	 bold;
};

struct para {
	struct seg	*v;
	size_t		 n;
	int		 heading;
	int		 list;
};

struct ctx {
	const char		*file;
	int			 odt;
	struct style		*styles;
	size_t			 nstyles;
	struct office_doc	*doc;
	struct diag		*notes;
	int			 nparas;
	int			 ntables;
	int			 in_cell;	/* text boxes in cells are left out */
};

/*
 * XML helpers.
 */

static int
is(const xmlNode *n, const char *ns, const char *name)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE || n->ns == NULL ||
	    strcmp((const char *)n->name, name) != 0)
		return 0;
	if (strcmp(ns, NS_W) == 0)
		return strcmp((const char *)n->ns->href, NS_W) == 0 ||
		    strcmp((const char *)n->ns->href, NS_W_STRICT) == 0;
	return strcmp((const char *)n->ns->href, ns) == 0;
}

static int
is_w(const xmlNode *n, const char *name)
{
	return is(n, NS_W, name);
}

/* The first child element with that name; NULL if none. */
static xmlNode *
child(const xmlNode *n, const char *ns, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c != NULL; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

/* An attribute's value in a namespace, or without one; caller frees. */
static char *
attr(const xmlNode *n, const char *ns, const char *name)
{
	xmlChar *v;
	char *s;

	if (n == NULL)
		return NULL;
	v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns);
	if (v == NULL && strcmp(ns, NS_W) == 0)
		v = xmlGetNsProp(n, (const xmlChar *)name,
		    (const xmlChar *)NS_W_STRICT);
	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

/* A w:val-style integer attribute; `def` when absent or not a number. */
static long
attr_long(const xmlNode *n, const char *ns, const char *name, long def)
{
	char *s = attr(n, ns, name), *end;
	long v;

	if (s == NULL)
		return def;
	v = strtol(s, &end, 10);
	if (end == s)
		v = def;
	free(s);
	return v;
}

/* An OOXML on/off property (<w:b/>, <w:b w:val="0"/>): -1 absent. */
static int
w_onoff(const xmlNode *props, const char *name)
{
	xmlNode *n = child(props, NS_W, name);
	char *v;
	int on;

	if (n == NULL)
		return -1;
	v = attr(n, NS_W, "val");
	on = v == NULL || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "off") == 0 || strcmp(v, "none") == 0);
	free(v);
	return on;
}

static xmlDoc *
parse_xml(const char *data, size_t len, const char *part, struct buf *err)
{
	xmlDoc *x;
	const xmlError *e;

	if (len > (size_t)0x7fffffff) {
		buf_printf(err, "%s is too large", part);
		return NULL;
	}
	/* No network, no entity substitution, no DTD loading. */
	x = xmlReadMemory(data, (int)len, part, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x == NULL) {
		e = xmlGetLastError();
		buf_printf(err, "%s is not well-formed XML", part);
		if (e != NULL && e->message != NULL) {
			size_t n = strlen(e->message);

			while (n > 0 && e->message[n - 1] == '\n')
				n--;
			buf_printf(err, " (line %d: %.*s)", e->line, (int)n,
			    e->message);
		}
	}
	return x;
}

/*
 * The container.
 */

int
office_is_zip(const void *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\003\004", 4) == 0;
}

/* One part of the container; NULL when absent or on error (then `err`). */
static char *
part(zip_t *z, const char *name, size_t *len, struct buf *err)
{
	zip_stat_t st;
	zip_file_t *f;
	struct buf b = { 0 };
	char chunk[16384];
	zip_int64_t n;

	*len = 0;
	zip_stat_init(&st);
	if (zip_stat(z, name, 0, &st) != 0)
		return NULL;
	if ((st.valid & ZIP_STAT_SIZE) && st.size > PART_MAX) {
		buf_printf(err, "%s is larger than %u MiB", name,
		    PART_MAX >> 20);
		return NULL;
	}
	if ((f = zip_fopen(z, name, 0)) == NULL) {
		buf_printf(err, "%s: %s", name, zip_strerror(z));
		return NULL;
	}
	while ((n = zip_fread(f, chunk, sizeof(chunk))) > 0) {
		/* The size in the directory may lie; the limit holds. */
		if (b.len + (size_t)n > PART_MAX) {
			buf_printf(err, "%s is larger than %u MiB", name,
			    PART_MAX >> 20);
			zip_fclose(f);
			buf_free(&b);
			return NULL;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	if (n < 0) {
		buf_printf(err, "%s: %s", name, zip_file_strerror(f));
		zip_fclose(f);
		buf_free(&b);
		return NULL;
	}
	zip_fclose(f);
	*len = b.len;
	return buf_take(&b);
}

/*
 * Output.
 */

static void
emit(struct ctx *c, const char *text, const char *where, int merged)
{
	struct office_doc *d = c->doc;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n].text = xstrdup(text);
	d->v[d->n].where = xstrdup(where);
	d->v[d->n].merged = merged;
	d->n++;
}

static void
escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '&')
			buf_adds(b, "&amp;");
		else if (*s == '<')
			buf_adds(b, "&lt;");
		else if (*s == '>')
			buf_adds(b, "&gt;");
		else if (*s == '\t' || *s == '\n' || *s == '\r')
			buf_addc(b, ' ');
		else
			buf_addc(b, *s);
	}
}

/* Only spaces, tabs and no-break spaces (U+00A0). */
static int
ws_only(const char *s)
{
	while (*s != '\0') {
		if (*s == ' ' || *s == '\t')
			s++;
		else if ((unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] == 0xa0)
			s += 2;
		else
			return 0;
	}
	return 1;
}

static void
para_add(struct para *p, const char *text, int bold)
{
	if (text != NULL && *text == '\0')
		return;
	/* Adjacent runs of the same weight are one. */
	if (text != NULL && p->n > 0 && p->v[p->n - 1].text != NULL &&
	    p->v[p->n - 1].bold == bold) {
		struct buf b = { 0 };

		buf_adds(&b, p->v[p->n - 1].text);
		buf_adds(&b, text);
		free(p->v[p->n - 1].text);
		p->v[p->n - 1].text = buf_take(&b);
		return;
	}
	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	p->v[p->n].text = text ? xstrdup(text) : NULL;
	p->v[p->n].bold = bold;
	p->n++;
}

static void
para_free(struct para *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].text);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int
para_blank(const struct para *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].text != NULL && !ws_only(p->v[i].text))
			return 0;
	return 1;
}

/*
 * A paragraph as HTML: bold runs in <b>, line breaks as `brk` ("<br>" in
 * a cell, "\n" for lines of their own).  White space between two bold
 * runs stays inside the bold, so "<b>Föräldra</b> <b>stöd</b>" is one
 * lead.
 */
static void
para_html(const struct para *p, struct buf *b, const char *brk)
{
	size_t i, k;
	int open = 0, bold;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].text == NULL) {
			if (open)
				buf_adds(b, "</b>");
			open = 0;
			buf_adds(b, brk);
			continue;
		}
		bold = p->v[i].bold;
		if (!bold && open && ws_only(p->v[i].text)) {
			for (k = i + 1; k < p->n && p->v[k].text != NULL &&
			    ws_only(p->v[k].text); k++)
				;
			if (k < p->n && p->v[k].text != NULL && p->v[k].bold)
				bold = 1;
		}
		if (bold && !open)
			buf_adds(b, "<b>");
		else if (!bold && open)
			buf_adds(b, "</b>");
		open = bold;
		escape(b, p->v[i].text);
	}
	if (open)
		buf_adds(b, "</b>");
}

/*
 * Styles.
 */

static struct style *
style_find(struct ctx *c, const char *name, int family)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < c->nstyles; i++)
		if (strcmp(c->styles[i].name, name) == 0 &&
		    (family == 0 || c->styles[i].family == 0 ||
		    c->styles[i].family == family))
			return &c->styles[i];
	return NULL;
}

static struct style *
style_add(struct ctx *c, const char *name)
{
	struct style *s;

	c->styles = xreallocarray(c->styles, c->nstyles + 1,
	    sizeof(*c->styles));
	s = &c->styles[c->nstyles++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->bold = s->heading = s->list = -1;
	return s;
}

/* A property of a style, through the styles it is based on. */
static int
style_get(struct ctx *c, const char *name, int family, int what)
{
	struct style *s;
	int depth, v;

	for (depth = 0; depth < DEPTH_MAX &&
	    (s = style_find(c, name, family)) != NULL; depth++) {
		v = what == 'b' ? s->bold : what == 'h' ? s->heading : s->list;
		if (v != -1)
			return v;
		name = s->parent;
	}
	return -1;
}

static int
starts_ci(const char *s, const char *prefix)
{
	return s != NULL && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether a style's name makes it a heading ("heading 1", "Rubrik 1"). */
static int
heading_name(const char *name)
{
	return starts_ci(name, "heading") || starts_ci(name, "rubrik") ||
	    starts_ci(name, "title") || starts_ci(name, "titel");
}

static void
docx_styles(struct ctx *c, xmlNode *root)
{
	xmlNode *n, *p;
	struct style *s;
	char *id, *type, *v;

	for (n = root ? root->children : NULL; n != NULL; n = n->next) {
		if (!is_w(n, "style") || (id = attr(n, NS_W, "styleId")) ==
		    NULL)
			continue;
		s = style_add(c, id);
		free(id);
		type = attr(n, NS_W, "type");
		s->family = type == NULL ? 0 : strcmp(type, "paragraph") == 0 ?
		    'p' : strcmp(type, "character") == 0 ? 't' : 0;
		free(type);
		s->parent = attr(child(n, NS_W, "basedOn"), NS_W, "val");
		s->bold = w_onoff(child(n, NS_W, "rPr"), "b");
		v = attr(child(n, NS_W, "name"), NS_W, "val");
		if (heading_name(v))
			s->heading = 1;
		free(v);
		p = child(n, NS_W, "pPr");
		if (child(p, NS_W, "outlineLvl") != NULL &&
		    attr_long(child(p, NS_W, "outlineLvl"), NS_W, "val", 9) < 9)
			s->heading = 1;
		if (child(p, NS_W, "numPr") != NULL)
			s->list = attr_long(child(child(p, NS_W, "numPr"), NS_W,
			    "numId"), NS_W, "val", 1) != 0;
	}
}

static int
font_weight_bold(const char *w)
{
	if (w == NULL)
		return -1;
	if (strcmp(w, "bold") == 0)
		return 1;
	if (strcmp(w, "normal") == 0)
		return 0;
	return atoi(w) >= 600;
}

static void
odt_styles(struct ctx *c, xmlNode *container)
{
	xmlNode *n, *tp;
	struct style *s;
	char *name, *v;

	for (n = container ? container->children : NULL; n != NULL;
	    n = n->next) {
		if (!is(n, NS_STYLE, "style") ||
		    (name = attr(n, NS_STYLE, "name")) == NULL)
			continue;
		s = style_add(c, name);
		free(name);
		v = attr(n, NS_STYLE, "family");
		s->family = v == NULL ? 0 : strcmp(v, "paragraph") == 0 ? 'p' :
		    strcmp(v, "text") == 0 ? 't' : 0;
		free(v);
		s->parent = attr(n, NS_STYLE, "parent-style-name");
		if ((tp = child(n, NS_STYLE, "text-properties")) != NULL) {
			v = attr(tp, NS_FO, "font-weight");
			s->bold = font_weight_bold(v);
			free(v);
		}
		if ((v = attr(n, NS_STYLE, "default-outline-level")) != NULL)
			s->heading = atoi(v) > 0;
		free(v);
		v = attr(n, NS_STYLE, "display-name");
		if (s->heading == -1 && heading_name(v ? v : s->name))
			s->heading = 1;
		free(v);
	}
}

/*
 * Word.
 */

/*
 * Content controls (w:sdt) and custom XML wrap rows, cells and blocks
 * where the plain element would stand: what to read instead of `n`, or
 * NULL when `n` wraps nothing.
 */
static xmlNode *
w_unwrap(xmlNode *n)
{
	if (is_w(n, "sdt"))
		return child(n, NS_W, "sdtContent");
	if (is_w(n, "customXml") || is_w(n, "sdtContent"))
		return n;
	return NULL;
}

static void docx_blocks(struct ctx *, xmlNode *, int);

/* Whether a run is bold: its own properties, then its character style. */
static int
docx_run_bold(struct ctx *c, xmlNode *run, int para_bold)
{
	xmlNode *rpr = child(run, NS_W, "rPr");
	char *rs;
	int b = w_onoff(rpr, "b");

	if (b != -1)
		return b;
	rs = attr(child(rpr, NS_W, "rStyle"), NS_W, "val");
	b = style_get(c, rs, 't', 'b');
	free(rs);
	return b != -1 ? b : para_bold;
}

static void
docx_runs(struct ctx *c, xmlNode *parent, struct para *p, int para_bold,
    int depth)
{
	xmlNode *n, *k;
	xmlChar *t;
	int bold;

	if (depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(n, "r")) {
			bold = docx_run_bold(c, n, para_bold);
			for (k = n->children; k != NULL; k = k->next) {
				if (is_w(k, "t")) {
					t = xmlNodeGetContent(k);
					para_add(p, t ? (const char *)t : "",
					    bold);
					xmlFree(t);
				} else if (is_w(k, "tab") || is_w(k, "ptab"))
					para_add(p, " ", bold);
				else if (is_w(k, "br") || is_w(k, "cr"))
					para_add(p, NULL, 0);
				else if (is_w(k, "noBreakHyphen"))
					para_add(p, "-", bold);
				else if (!c->in_cell && (is_w(k, "drawing") ||
				    is_w(k, "pict") ||
				    is(k, NS_MC, "AlternateContent")))
					/* Text boxes: their own lines. */
					docx_blocks(c, k, depth + 1);
			}
		} else if (is_w(n, "del") || is_w(n, "moveFrom") ||
		    is(n, NS_MC, "Fallback"))
			continue;
		else
			/* Links, insertions, content controls, fields. */
			docx_runs(c, n, p, para_bold, depth + 1);
	}
}

static void
docx_para(struct ctx *c, xmlNode *pn, struct para *p, int depth)
{
	xmlNode *ppr = child(pn, NS_W, "pPr"), *num;
	char *ps = attr(child(ppr, NS_W, "pStyle"), NS_W, "val");
	int bold;

	memset(p, 0, sizeof(*p));
	p->heading = style_get(c, ps, 'p', 'h') == 1 ||
	    (child(ppr, NS_W, "outlineLvl") != NULL &&
	    attr_long(child(ppr, NS_W, "outlineLvl"), NS_W, "val", 9) < 9);
	if ((num = child(ppr, NS_W, "numPr")) != NULL)
		p->list = attr_long(child(num, NS_W, "numId"), NS_W, "val",
		    1) != 0;
	else
		p->list = style_get(c, ps, 'p', 'l') == 1;
	bold = style_get(c, ps, 'p', 'b') == 1;
	free(ps);
	docx_runs(c, pn, p, bold, depth + 1);
}

/* Adds a paragraph to a cell's HTML. */
static void
cell_para(struct buf *b, const struct para *p)
{
	if (para_blank(p))
		return;
	if (p->list)
		buf_adds(b, "<li>");
	else if (b->len > 0)
		buf_adds(b, "<br>");
	para_html(p, b, "<br>");
	if (p->list)
		buf_adds(b, "</li>");
}

/* Emits a paragraph of the body: one line per line break. */
static void
body_para(struct ctx *c, const struct para *p)
{
	struct buf b = { 0 };
	char where[32], *line, *next;

	if (para_blank(p))
		return;
	c->nparas++;
	snprintf(where, sizeof(where), "paragraph %d", c->nparas);
	para_html(p, &b, "\n");
	for (line = b.s; line != NULL; line = next) {
		struct buf l = { 0 };

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		buf_adds(&l, p->heading ? "# " : p->list ? "- " : "");
		buf_adds(&l, line);
		emit(c, l.s, where, 0);
		buf_free(&l);
	}
	buf_free(&b);
}

/* The paragraphs of a cell (nested tables flattened) as HTML. */
static void
docx_cell(struct ctx *c, xmlNode *parent, struct buf *b, int depth)
{
	xmlNode *n, *r, *tc;
	struct para p;

	if (depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (is_w(n, "p")) {
			docx_para(c, n, &p, depth);
			cell_para(b, &p);
			para_free(&p);
		} else if (is_w(n, "tbl")) {
			for (r = n->children; r != NULL; r = r->next)
				if (is_w(r, "tr"))
					for (tc = r->children; tc != NULL;
					    tc = tc->next)
						if (is_w(tc, "tc"))
							docx_cell(c, tc, b,
							    depth + 1);
		} else if (w_unwrap(n) != NULL)
			docx_cell(c, w_unwrap(n), b, depth + 1);
		else if (is_w(n, "ins"))
			docx_cell(c, n, b, depth + 1);
	}
}

/* A grid of rows being built, with the state of vertical merges. */
struct grid {
	struct ctx	*c;
	int		 table;
	int		 row;
	size_t		 width;		/* columns, 0 if not known */
	char		**above;	/* per column: text merged downwards */
	size_t		 nabove;
	struct buf	 line;
	size_t		 col;
	size_t		 ncells;	/* real cells in this row */
	size_t		 max_span;	/* the widest of them */
};

static void
grid_room(struct grid *g, size_t col)
{
	if (col < g->nabove)
		return;
	g->above = xreallocarray(g->above, col + 1, sizeof(*g->above));
	memset(g->above + g->nabove, 0, (col + 1 - g->nabove) *
	    sizeof(*g->above));
	g->nabove = col + 1;
}

static void
grid_row_start(struct grid *g)
{
	g->row++;
	buf_reset(&g->line);
	buf_adds(&g->line, "");
	g->col = 0;
	g->ncells = 0;
	g->max_span = 0;
}

static void
grid_where(const struct grid *g, char *where, size_t len)
{
	snprintf(where, len, "table %d, row %d", g->table, g->row);
}

/*
 * Adds a cell at the current column.  `vmerge`: 0 a cell of its own, 1
 * the first of cells merged downwards, 2 one continuing the merge above
 * (its own text is ignored: the merge's text is repeated).
 */
static void
grid_cell(struct grid *g, const char *text, size_t span, int vmerge)
{
	char where[48], *f;
	const char *t;
	size_t k;

	if (span < 1)
		span = 1;
	grid_room(g, g->col + span);
	if (g->col > 0)
		buf_addc(&g->line, '\t');
	if (vmerge == 2) {
		t = g->above[g->col];
		buf_adds(&g->line, t ? t : "");
		if (t != NULL && *t != '\0' && g->c->notes != NULL) {
			grid_where(g, where, sizeof(where));
			f = xasprintf("%s: %s", g->c->file, where);
			diag_warn(g->c->notes, f, 0, "cell %zu is merged with "
			    "the cell above; its text is taken for this row",
			    g->col + 1);
			free(f);
		}
	} else {
		buf_adds(&g->line, text);
		free(g->above[g->col]);
		g->above[g->col] = vmerge == 1 ? xstrdup(text) : NULL;
	}
	for (k = 1; k < span; k++)
		buf_addc(&g->line, '\t');
	g->col += span;
	g->ncells++;
	if (span > g->max_span)
		g->max_span = span;
}

static void
grid_row_end(struct grid *g)
{
	char where[48];
	int merged;

	grid_where(g, where, sizeof(where));
	/* One cell across the whole table: a heading inside the table. */
	merged = g->ncells == 1 && g->max_span > 1 &&
	    (g->width == 0 || g->max_span >= g->width);
	emit(g->c, g->line.s ? g->line.s : "", where, merged);
}

static void
grid_free(struct grid *g)
{
	strv_free(g->above, g->nabove);
	buf_free(&g->line);
}

static void
docx_row_cells(struct grid *g, xmlNode *parent, int depth)
{
	xmlNode *n, *pr;
	struct buf b = { 0 };
	char *v;
	int vm;

	if (depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (w_unwrap(n) != NULL) {
			docx_row_cells(g, w_unwrap(n), depth + 1);
			continue;
		}
		if (!is_w(n, "tc"))
			continue;
		pr = child(n, NS_W, "tcPr");
		vm = 0;
		if (child(pr, NS_W, "vMerge") != NULL) {
			v = attr(child(pr, NS_W, "vMerge"), NS_W, "val");
			vm = v != NULL && strcmp(v, "restart") == 0 ? 1 : 2;
			free(v);
		}
		buf_reset(&b);
		buf_adds(&b, "");
		g->c->in_cell++;
		docx_cell(g->c, n, &b, depth + 1);
		g->c->in_cell--;
		grid_cell(g, b.s, (size_t)attr_long(child(pr, NS_W,
		    "gridSpan"), NS_W, "val", 1), vm);
	}
	buf_free(&b);
}

static void
docx_rows(struct grid *g, xmlNode *parent, int depth)
{
	xmlNode *n, *pr;
	long k, before;

	if (depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (w_unwrap(n) != NULL) {
			docx_rows(g, w_unwrap(n), depth + 1);
			continue;
		}
		if (!is_w(n, "tr"))
			continue;
		grid_row_start(g);
		pr = child(n, NS_W, "trPr");
		before = attr_long(child(pr, NS_W, "gridBefore"), NS_W, "val",
		    0);
		for (k = 0; k < before && k < REPEAT_MAX; k++)
			grid_cell(g, "", 1, 0);
		g->ncells = 0;
		docx_row_cells(g, n, depth + 1);
		grid_row_end(g);
	}
}

static void
docx_table(struct ctx *c, xmlNode *tbl, int depth)
{
	struct grid g;
	xmlNode *n;

	memset(&g, 0, sizeof(g));
	g.c = c;
	g.table = ++c->ntables;
	for (n = child(tbl, NS_W, "tblGrid") ? child(tbl, NS_W,
	    "tblGrid")->children : NULL; n != NULL; n = n->next)
		if (is_w(n, "gridCol"))
			g.width++;
	docx_rows(&g, tbl, depth + 1);
	grid_free(&g);
}

static void
docx_blocks(struct ctx *c, xmlNode *parent, int depth)
{
	xmlNode *n;
	struct para p;

	if (parent == NULL || depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(n, "p")) {
			docx_para(c, n, &p, depth);
			body_para(c, &p);
			para_free(&p);
		} else if (is_w(n, "tbl"))
			docx_table(c, n, depth);
		else if (is(n, NS_MC, "Fallback") || is_w(n, "del") ||
		    is_w(n, "moveFrom") || is_w(n, "sectPr"))
			continue;
		else
			/* sdt, sdtContent, customXml, text boxes, Choice. */
			docx_blocks(c, n, depth + 1);
	}
}

/* The main part's name, from the package relationships. */
static char *
docx_main_part(zip_t *z, struct buf *err)
{
	xmlDoc *x;
	xmlNode *n;
	char *rels, *type, *target, *found = NULL;
	size_t len;

	if ((rels = part(z, "_rels/.rels", &len, err)) == NULL)
		return NULL;
	x = parse_xml(rels, len, "_rels/.rels", err);
	free(rels);
	if (x == NULL)
		return NULL;
	for (n = xmlDocGetRootElement(x)->children; n != NULL && !found;
	    n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "Relationship") != 0)
			continue;
		type = (char *)xmlGetProp(n, (const xmlChar *)"Type");
		target = (char *)xmlGetProp(n, (const xmlChar *)"Target");
		if (type != NULL && target != NULL &&
		    strlen(type) >= 14 &&
		    strcmp(type + strlen(type) - 14, "/officeDocument") == 0)
			found = xstrdup(target[0] == '/' ? target + 1 : target);
		xmlFree(type);
		xmlFree(target);
	}
	xmlFreeDoc(x);
	return found;
}

static int
read_docx(struct ctx *c, zip_t *z, struct buf *err)
{
	char *main_part, *text, *dir, *styles_name;
	size_t len;
	xmlDoc *x;
	xmlNode *root;

	if ((main_part = docx_main_part(z, err)) == NULL) {
		if (err->len > 0)
			return -1;
		main_part = xstrdup("word/document.xml");
	}
	/* Styles live beside the main part. */
	dir = xstrdup(main_part);
	if (strrchr(dir, '/') != NULL)
		strrchr(dir, '/')[1] = '\0';
	else
		dir[0] = '\0';
	styles_name = xasprintf("%sstyles.xml", dir);
	free(dir);
	if ((text = part(z, styles_name, &len, err)) != NULL) {
		if ((x = parse_xml(text, len, styles_name, err)) != NULL) {
			docx_styles(c, xmlDocGetRootElement(x));
			xmlFreeDoc(x);
		}
		free(text);
	}
	free(styles_name);
	if (err->len > 0) {
		free(main_part);
		return -1;
	}
	if ((text = part(z, main_part, &len, err)) == NULL) {
		if (err->len == 0)
			buf_printf(err, "%s is missing", main_part);
		free(main_part);
		return -1;
	}
	x = parse_xml(text, len, main_part, err);
	free(text);
	free(main_part);
	if (x == NULL)
		return -1;
	root = xmlDocGetRootElement(x);
	docx_blocks(c, child(root, NS_W, "body"), 0);
	xmlFreeDoc(x);
	return 0;
}

/*
 * OpenDocument.
 */

static void odt_blocks(struct ctx *, xmlNode *, int, int);

static int
odt_bold(struct ctx *c, xmlNode *n, int family, int inherited)
{
	char *s = attr(n, NS_TEXT, "style-name");
	int b = style_get(c, s, family, 'b');

	free(s);
	return b != -1 ? b : inherited;
}

static void
odt_spans(struct ctx *c, xmlNode *parent, struct para *p, int bold,
    int depth)
{
	xmlNode *n;
	xmlChar *t;
	long k, count;

	if (depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			t = xmlNodeGetContent(n);
			/* ODF collapses white space in text; so does the
			 * importer later, and text:s keeps what is meant. */
			para_add(p, t ? (const char *)t : "", bold);
			xmlFree(t);
		} else if (is(n, NS_TEXT, "s")) {
			count = attr_long(n, NS_TEXT, "c", 1);
			for (k = 0; k < count && k < REPEAT_MAX; k++)
				para_add(p, " ", bold);
		} else if (is(n, NS_TEXT, "tab"))
			para_add(p, " ", bold);
		else if (is(n, NS_TEXT, "line-break"))
			para_add(p, NULL, 0);
		else if (is(n, NS_TEXT, "span"))
			odt_spans(c, n, p, odt_bold(c, n, 't', bold),
			    depth + 1);
		else if (is(n, NS_TEXT, "a") || is(n, NS_TEXT, "meta") ||
		    is(n, NS_TEXT, "ruby") || is(n, NS_TEXT, "ruby-base"))
			odt_spans(c, n, p, bold, depth + 1);
		/* Notes, annotations, frames, change marks: left out. */
	}
}

static void
odt_para(struct ctx *c, xmlNode *pn, struct para *p, int list, int depth)
{
	char *s = attr(pn, NS_TEXT, "style-name");

	memset(p, 0, sizeof(*p));
	p->heading = is(pn, NS_TEXT, "h") || style_get(c, s, 'p', 'h') == 1;
	p->list = list;
	free(s);
	odt_spans(c, pn, p, odt_bold(c, pn, 'p', 0), depth + 1);
}

/* Paragraphs of a cell, lists and nested tables flattened, as HTML. */
static void
odt_cell(struct ctx *c, xmlNode *parent, struct buf *b, int list, int depth)
{
	xmlNode *n, *r, *tc;
	struct para p;

	if (depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (is(n, NS_TEXT, "p") || is(n, NS_TEXT, "h")) {
			odt_para(c, n, &p, list, depth);
			cell_para(b, &p);
			para_free(&p);
		} else if (is(n, NS_TEXT, "list") ||
		    is(n, NS_TEXT, "list-item") ||
		    is(n, NS_TEXT, "list-header"))
			odt_cell(c, n, b, 1, depth + 1);
		else if (is(n, NS_TEXT, "section"))
			odt_cell(c, n, b, list, depth + 1);
		else if (is(n, NS_TABLE, "table")) {
			for (r = n->children; r != NULL; r = r->next)
				if (is(r, NS_TABLE, "table-row"))
					for (tc = r->children; tc != NULL;
					    tc = tc->next)
						if (is(tc, NS_TABLE,
						    "table-cell"))
							odt_cell(c, tc, b, 0,
							    depth + 1);
		}
	}
}

/* Remaining rows of a vertical span, per column (OpenDocument). */
struct vspan {
	long	*left;
	size_t	 n;
};

static void
odt_row(struct grid *g, xmlNode *row, struct vspan *vs, int depth)
{
	xmlNode *n;
	struct buf b = { 0 };
	long rep, k, cs, rs, j;

	for (n = row->children; n != NULL; n = n->next) {
		int covered = is(n, NS_TABLE, "covered-table-cell");

		if (!covered && !is(n, NS_TABLE, "table-cell"))
			continue;
		rep = attr_long(n, NS_TABLE, "number-columns-repeated", 1);
		if (rep < 1 || rep > REPEAT_MAX)
			rep = 1;
		for (k = 0; k < rep; k++) {
			if (vs->n <= g->col) {
				vs->left = xreallocarray(vs->left, g->col + 1,
				    sizeof(*vs->left));
				memset(vs->left + vs->n, 0, (g->col + 1 -
				    vs->n) * sizeof(*vs->left));
				vs->n = g->col + 1;
			}
			if (covered) {
				/* Under a cell spanning rows, or beside one
				 * spanning columns. */
				if (vs->left[g->col] > 0) {
					vs->left[g->col]--;
					grid_cell(g, "", 1, 2);
				} else
					grid_cell(g, "", 1, 0);
				g->ncells--;
				continue;
			}
			buf_reset(&b);
			buf_adds(&b, "");
			g->c->in_cell++;
			odt_cell(g->c, n, &b, 0, depth + 1);
			g->c->in_cell--;
			cs = attr_long(n, NS_TABLE, "number-columns-spanned", 1);
			rs = attr_long(n, NS_TABLE, "number-rows-spanned", 1);
			if (cs < 1 || cs > REPEAT_MAX)
				cs = 1;
			if (rs < 1)
				rs = 1;
			grid_room(g, g->col + (size_t)cs);
			if (vs->n < g->col + (size_t)cs) {
				vs->left = xreallocarray(vs->left, g->col +
				    (size_t)cs, sizeof(*vs->left));
				memset(vs->left + vs->n, 0, (g->col +
				    (size_t)cs - vs->n) * sizeof(*vs->left));
				vs->n = g->col + (size_t)cs;
			}
			vs->left[g->col] = rs - 1;
			for (j = 1; j < cs; j++)
				vs->left[g->col + (size_t)j] = 0;
			/* The covered cells beside it in this row follow
			 * as covered-table-cell elements: one column each. */
			grid_cell(g, b.s, 1, rs > 1 ? 1 : 0);
			if ((size_t)cs > g->max_span)
				g->max_span = (size_t)cs;
		}
	}
	buf_free(&b);
}

static int
odt_row_blank(struct ctx *c, xmlNode *row)
{
	xmlNode *n;
	struct buf b = { 0 };
	int blank;

	for (n = row->children; n != NULL; n = n->next)
		if (is(n, NS_TABLE, "table-cell"))
			odt_cell(c, n, &b, 0, 1);
	blank = b.len == 0;
	buf_free(&b);
	return blank;
}

static void
odt_rows(struct grid *g, xmlNode *parent, struct vspan *vs, int depth)
{
	xmlNode *n;
	long rep, k;

	if (depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (is(n, NS_TABLE, "table-header-rows") ||
		    is(n, NS_TABLE, "table-rows") ||
		    is(n, NS_TABLE, "table-row-group")) {
			odt_rows(g, n, vs, depth + 1);
			continue;
		}
		if (!is(n, NS_TABLE, "table-row"))
			continue;
		rep = attr_long(n, NS_TABLE, "number-rows-repeated", 1);
		/* Repeated rows are empty padding in practice. */
		if (rep < 1 || rep > REPEAT_MAX || odt_row_blank(g->c, n))
			rep = 1;
		for (k = 0; k < rep; k++) {
			grid_row_start(g);
			odt_row(g, n, vs, depth + 1);
			grid_row_end(g);
		}
	}
}

static size_t
odt_columns(xmlNode *parent, int depth)
{
	xmlNode *n;
	size_t w = 0;
	long rep;

	if (depth > DEPTH_MAX)
		return 0;
	for (n = parent->children; n != NULL; n = n->next) {
		if (is(n, NS_TABLE, "table-column")) {
			rep = attr_long(n, NS_TABLE, "number-columns-repeated",
			    1);
			w += rep < 1 || rep > REPEAT_MAX ? 1 : (size_t)rep;
		} else if (is(n, NS_TABLE, "table-columns") ||
		    is(n, NS_TABLE, "table-header-columns") ||
		    is(n, NS_TABLE, "table-column-group"))
			w += odt_columns(n, depth + 1);
	}
	return w;
}

static void
odt_table(struct ctx *c, xmlNode *tbl, int depth)
{
	struct grid g;
	struct vspan vs = { NULL, 0 };

	memset(&g, 0, sizeof(g));
	g.c = c;
	g.table = ++c->ntables;
	g.width = odt_columns(tbl, depth + 1);
	odt_rows(&g, tbl, &vs, depth + 1);
	free(vs.left);
	grid_free(&g);
}

static void
odt_blocks(struct ctx *c, xmlNode *parent, int list, int depth)
{
	xmlNode *n;
	struct para p;

	if (parent == NULL || depth > DEPTH_MAX)
		return;
	for (n = parent->children; n != NULL; n = n->next) {
		if (is(n, NS_TEXT, "p") || is(n, NS_TEXT, "h")) {
			odt_para(c, n, &p, list, depth);
			body_para(c, &p);
			para_free(&p);
		} else if (is(n, NS_TABLE, "table"))
			odt_table(c, n, depth);
		else if (is(n, NS_TEXT, "list") ||
		    is(n, NS_TEXT, "list-item") ||
		    is(n, NS_TEXT, "list-header"))
			odt_blocks(c, n, 1, depth + 1);
		else if (is(n, NS_TEXT, "section"))
			odt_blocks(c, n, list, depth + 1);
		/* Tables of contents, tracked changes, forms: left out. */
	}
}

static int
read_odt(struct ctx *c, zip_t *z, struct buf *err)
{
	static const char *const parts[] = { "styles.xml", "content.xml" };
	char *text;
	size_t len, i;
	xmlDoc *x;
	xmlNode *root, *body;

	for (i = 0; i < nitems(parts); i++) {
		if ((text = part(z, parts[i], &len, err)) == NULL) {
			if (err->len > 0)
				return -1;
			if (i == 0)
				continue;	/* styles.xml is optional */
			buf_printf(err, "content.xml is missing");
			return -1;
		}
		x = parse_xml(text, len, parts[i], err);
		free(text);
		if (x == NULL)
			return -1;
		root = xmlDocGetRootElement(x);
		odt_styles(c, child(root, NS_OFFICE, "styles"));
		odt_styles(c, child(root, NS_OFFICE, "automatic-styles"));
		if (i == 1) {
			body = child(child(root, NS_OFFICE, "body"), NS_OFFICE,
			    "text");
			if (body == NULL) {
				xmlFreeDoc(x);
				buf_printf(err, "content.xml holds no text "
				    "document");
				return -1;
			}
			odt_blocks(c, body, 0, 0);
		}
		xmlFreeDoc(x);
	}
	return 0;
}

/*
 * The entry point.
 */

static int
has_part(zip_t *z, const char *name)
{
	return zip_name_locate(z, name, 0) >= 0;
}

int
office_read(const char *file, const void *data, size_t len,
    struct office_doc *doc, struct diag *notes, struct buf *err)
{
	struct ctx c;
	zip_source_t *src;
	zip_error_t ze;
	zip_t *z;
	char *mime = NULL;
	size_t mlen = 0, i;
	int rc = -1;

	memset(doc, 0, sizeof(*doc));
	memset(&c, 0, sizeof(c));
	c.file = file;
	c.doc = doc;
	c.notes = notes;
	xmlInitParser();
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(data, len, 0, &ze)) == NULL ||
	    (z = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		buf_printf(err, "not a readable ZIP container (%s)",
		    zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	if (has_part(z, "mimetype"))
		mime = part(z, "mimetype", &mlen, err);
	if (mime != NULL && strncmp(mime, "application/vnd.oasis."
	    "opendocument.text", 39) == 0)
		rc = read_odt(&c, z, err);
	else if (mime != NULL && strstr(mime, "opendocument.spreadsheet"))
		buf_printf(err, "an OpenDocument spreadsheet; save the sheet "
		    "as CSV (semicolon-separated, UTF-8) and import that");
	else if (mime != NULL && strstr(mime, "opendocument"))
		buf_printf(err, "an OpenDocument file of another kind (%.*s); "
		    "plans are read from text documents (.odt)",
		    (int)strcspn(mime, "\r\n"), mime);
	else if (has_part(z, "xl/workbook.xml"))
		buf_printf(err, "an Excel workbook; save the sheet as CSV "
		    "(semicolon-separated, UTF-8) and import that");
	else if (has_part(z, "ppt/presentation.xml"))
		buf_printf(err, "a presentation; plans are read from text "
		    "documents (.docx, .odt)");
	else if (has_part(z, "[Content_Types].xml"))
		rc = read_docx(&c, z, err);
	else if (has_part(z, "content.xml"))
		rc = read_odt(&c, z, err);
	else
		buf_printf(err, "a ZIP archive, not a Word (.docx) or "
		    "OpenDocument (.odt) document");
	free(mime);
	zip_discard(z);
	for (i = 0; i < c.nstyles; i++) {
		free(c.styles[i].name);
		free(c.styles[i].parent);
	}
	free(c.styles);
	if (rc != 0)
		office_doc_free(doc);
	return rc;
}

void
office_doc_free(struct office_doc *doc)
{
	size_t i;

	if (doc == NULL)
		return;
	for (i = 0; i < doc->n; i++) {
		free(doc->v[i].text);
		free(doc->v[i].where);
	}
	free(doc->v);
	memset(doc, 0, sizeof(*doc));
}
