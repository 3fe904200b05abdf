/*
 * cfg: shared libconfig plumbing.  Each loader describes its keys with an
 * allow-list and typed getters; this file turns libconfig's silence about
 * unknown keys, wrapped integers and wrong types into file:line errors.
 * Core.  Not conf.c, the configuration snapshot built with these helpers.
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "source.h"
#include "util.h"

/*
 * What a config_t was read from, hung on its root setting: the path,
 * the very bytes parsed and the current directory then, for the
 * messages, the integers read again as written (written_int()), the
 * hash (cfg_sha256()) and relative paths (cfg_cwd()).
 */
struct cfg_text {
	const struct source	*src;
	char			*text;
	size_t			 len;
	char			*cwd;
	char			 path[];
};

static void
cfg_text_free(void *hook)
{
	struct cfg_text *t = hook;

	free(t->text);
	free(t->cwd);
	free(t);
}

static const struct cfg_text *
cfg_text(const config_setting_t *s)
{
	while (s != NULL && s->parent != NULL)
		s = s->parent;
	return s ? config_setting_get_hook(s) : NULL;
}

int
cfg_read(config_t *cf, const struct source *src, const char *path,
    struct diag *d)
{
	struct cfg_text *t;
	char *dir, *copy, *text, *nul, *p;
	size_t len;
	int line;

	if ((text = src->read(src->arg, path, &len)) == NULL) {
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	/*
	 * libconfig 1.5 has no hook for @include: it opens an included
	 * file itself, against the main file's directory.
	 */
	copy = xstrdup(path);
	dir = dirname(copy);
	config_set_include_dir(cf, dir);
	free(copy);
	/* Integers that do not fit 32 bits must not wrap silently. */
	config_set_options(cf, config_get_options(cf) &
	    ~CONFIG_OPTION_AUTOCONVERT);
	if (config_read_string(cf, text) != CONFIG_TRUE) {
		diag_error(d, config_error_file(cf) ? config_error_file(cf) :
		    path, config_error_line(cf), "%s", config_error_text(cf));
		free(text);
		return -1;
	}
	/*
	 * A string ends at its first NUL, where libconfig reading the file
	 * found a syntax error.
	 */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (p = text, line = 1; p < nul; p++)
			line += *p == '\n';
		diag_error(d, path, line, "syntax error");
		free(text);
		return -1;
	}
	t = xmalloc(sizeof(*t) + strlen(path) + 1);
	t->src = src;
	t->text = text;
	t->len = len;
	t->cwd = src->cwd(src->arg);
	memcpy(t->path, path, strlen(path) + 1);
	config_set_destructor(cf, cfg_text_free);
	config_setting_set_hook(config_root_setting(cf), t);
	return 0;
}

const char *
cfg_cwd(const config_setting_t *s)
{
	const struct cfg_text *t = cfg_text(s);

	return t ? t->cwd : NULL;
}

void
cfg_sha256(const config_t *cf, char out[65])
{
	const struct cfg_text *t = cfg_text(config_root_setting(cf));

	sha256_hex(t ? t->text : "", t ? t->len : 0, out);
}

const char *
cfg_file(const config_setting_t *s)
{
	const struct cfg_text *t;
	const char *f = NULL;

	/* Settings of an @include'd file name it; the others are the root's. */
	if (s != NULL && (f = config_setting_source_file(s)) == NULL &&
	    (t = cfg_text(s)) != NULL)
		f = t->path;
	return f ? f : "(config)";
}

int
cfg_line(const config_setting_t *s)
{
	return s ? (int)config_setting_source_line(s) : 0;
}

void
cfg_error(struct diag *d, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, 0, cfg_file(s), cfg_line(s), fmt, ap);
	va_end(ap);
}

void
cfg_warn(struct diag *d, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, 1, cfg_file(s), cfg_line(s), fmt, ap);
	va_end(ap);
}

int
cfg_check_keys(const config_setting_t *g, const char *what,
    const char *const *allowed, struct diag *d)
{
	int i, n, bad = 0;
	size_t k;

	if (g == NULL || !config_setting_is_group(g))
		return 0;
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, i);
		const char *name = config_setting_name(m);

		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(allowed[k], name) == 0)
				break;
		if (allowed[k] == NULL) {
			cfg_error(d, m, "unknown key '%s' in %s", name, what);
			bad++;
		}
	}
	return bad;
}

static const config_setting_t *
member(const config_setting_t *g, const char *name, int required,
    struct diag *d)
{
	config_setting_t *m = NULL;

	if (g != NULL && config_setting_is_group(g))
		m = config_setting_get_member(g, name);
	if (m == NULL && required)
		cfg_error(d, g, "missing required key '%s'", name);
	return m;
}

int
cfg_get_string(const config_setting_t *g, const char *name, int required,
    const char **out, struct diag *d)
{
	const config_setting_t *m = member(g, name, required, d);

	if (m == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		cfg_error(d, m, "'%s' must be a string", name);
		return -1;
	}
	*out = config_setting_get_string(m);
	return 1;
}

/*
 * Reads the integer literal at `p` as libconfig writes them (decimal or
 * 0x hex, an optional sign, an optional L or LL) into 64 bits.  Copies
 * the literal to `text`.  Returns 1, or 0 when `p` holds no literal, or
 * -1 when the value does not fit in 64 bits.
 */
static int
literal(const char *p, char *text, size_t textlen, long long *out)
{
	const char *s = p, *digits;
	unsigned long long u = 0, lim;
	int neg = 0, base = 10, big = 0;
	size_t n;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    isxdigit((unsigned char)s[2])) {
		base = 16;
		s += 2;
	}
	digits = s;
	lim = neg ? (unsigned long long)INT64_MAX + 1 : INT64_MAX;
	for (; base == 16 ? isxdigit((unsigned char)*s) :
	    isdigit((unsigned char)*s); s++) {
		unsigned int dv = isdigit((unsigned char)*s) ? *s - '0' :
		    (tolower((unsigned char)*s) - 'a' + 10);

		if (u > (lim - dv) / base)
			big = 1;
		else
			u = u * base + dv;
	}
	if (s == digits)
		return 0;
	n = (size_t)(s - p);
	snprintf(text, textlen, "%.*s", (int)(n < textlen ? n : textlen - 1),
	    p);
	if (big)
		return -1;
	*out = neg ? (u == (unsigned long long)INT64_MAX + 1 ? INT64_MIN :
	    -(long long)u) : (long long)u;
	return 1;
}

/*
 * libconfig 1.5 keeps an integer written without the L suffix in 32
 * bits and cuts off the rest without a word (4294983680 loads as 16384;
 * docs/libraries.md section 2).  So the value is read again from the
 * file as written: `name`, then `=` or `:`, then the literal, from the
 * setting's line on.  An occurrence counts only when libconfig's value is
 * that literal cut to its width, so that another setting of the same
 * name on the line is never taken for this one.  Returns 1 with *out and
 * `text` set, -1 when the literal does not fit in 64 bits (`text` holds
 * it), 0 when the file cannot be read or no occurrence fits (libconfig's
 * value stands then).
 */
static int
written_int(const config_setting_t *m, const char *name, char *text,
    size_t textlen, long long *out)
{
	const struct cfg_text *t = cfg_text(m);
	const char *file = config_setting_source_file(m), *p, *q;
	size_t nlen = strlen(name);
	long long lib, v;
	char *data, *included = NULL;
	int line = cfg_line(m), rc = 0, r;

	if (t == NULL || line < 1)
		return 0;
	if (file == NULL)
		data = t->text;
	else if ((data = included = t->src->read(t->src->arg, file,
	    NULL)) == NULL)
		return 0;
	lib = config_setting_type(m) == CONFIG_TYPE_INT64 ?
	    config_setting_get_int64(m) : config_setting_get_int(m);
	for (p = data; line > 1 && (p = strchr(p, '\n')) != NULL; line--)
		p++;
	for (; rc == 0 && p != NULL && (p = strstr(p, name)) != NULL;
	    p += nlen) {
		if (p > data && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_' || p[-1] == '-' || p[-1] == '*'))
			continue;
		for (q = p + nlen; *q == ' ' || *q == '\t' || *q == '\r' ||
		    *q == '\n'; q++)
			;
		if (*q != '=' && *q != ':')
			continue;
		for (q++; *q == ' ' || *q == '\t' || *q == '\r' ||
		    *q == '\n'; q++)
			;
		r = literal(q, text, textlen, &v);
		if (r == -1 || (r == 1 && (config_setting_type(m) ==
		    CONFIG_TYPE_INT64 ? v == lib :
		    (int32_t)(uint32_t)(unsigned long long)v == lib))) {
			rc = r;
			*out = v;
		}
	}
	free(included);
	return rc;
}

int
cfg_get_int(const config_setting_t *g, const char *name, int required,
    long long min, long long max, long long *out, struct diag *d)
{
	const config_setting_t *m = member(g, name, required, d);
	char text[32];
	long long v;

	if (m == NULL)
		return 0;
	if (config_setting_type(m) == CONFIG_TYPE_INT)
		v = config_setting_get_int(m);
	else if (config_setting_type(m) == CONFIG_TYPE_INT64)
		v = config_setting_get_int64(m);
	else {
		cfg_error(d, m, "'%s' must be an integer", name);
		return -1;
	}
	switch (written_int(m, name, text, sizeof(text), &v)) {
	case -1:
		cfg_error(d, m, "'%s' is %s, which does not fit in 64 bits; "
		    "it must be %lld..%lld", name, text, min, max);
		return -1;
	case 0:
		snprintf(text, sizeof(text), "%lld", v);
		break;
	}
	if (v < min || v > max) {
		cfg_error(d, m, "'%s' is %s, outside %lld..%lld", name, text,
		    min, max);
		return -1;
	}
	*out = v;
	return 1;
}

int
cfg_get_bool(const config_setting_t *g, const char *name, int required,
    int *out, struct diag *d)
{
	const config_setting_t *m = member(g, name, required, d);

	if (m == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_BOOL) {
		cfg_error(d, m, "'%s' must be true or false", name);
		return -1;
	}
	*out = config_setting_get_bool(m);
	return 1;
}

int
cfg_get_strings(const config_setting_t *g, const char *name, int required,
    const char ***out, size_t *n, struct diag *d)
{
	const config_setting_t *m = member(g, name, required, d);
	const char **v;
	int i, len;

	*out = NULL;
	*n = 0;
	if (m == NULL)
		return 0;
	if (config_setting_type(m) == CONFIG_TYPE_STRING) {
		v = xcalloc(1, sizeof(*v));
		v[0] = config_setting_get_string(m);
		*out = v;
		*n = 1;
		return 1;
	}
	if (!config_setting_is_aggregate(m) || config_setting_is_group(m)) {
		cfg_error(d, m, "'%s' must be a string or a list of strings",
		    name);
		return -1;
	}
	len = config_setting_length(m);
	v = xcalloc((size_t)len + 1, sizeof(*v));
	for (i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(m, i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_error(d, e, "'%s' must hold only strings", name);
			free(v);
			return -1;
		}
		v[i] = config_setting_get_string(e);
	}
	*out = v;
	*n = (size_t)len;
	return 1;
}

char *
cfg_path(const char *file, const char *path)
{
	char *copy, *dir, *res;

	if (path[0] == '/' || file == NULL)
		return xstrdup(path);
	copy = xstrdup(file);
	dir = dirname(copy);
	if (strcmp(dir, ".") == 0)
		res = xstrdup(path);
	else
		res = xasprintf("%s/%s", dir, path);
	free(copy);
	return res;
}

void
cfg_quote(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		default:
			buf_addc(b, *s);
		}
	}
	buf_addc(b, '"');
}

void
cfg_write_strings(struct buf *b, const char *indent, const char *key,
    char *const *v, size_t n)
{
	size_t i;

	buf_printf(b, "%s%s = [ ", indent, key);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		cfg_quote(b, v[i]);
	}
	buf_adds(b, " ];\n");
}

static int
is_conf_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

char **
cfg_conf_files(const struct source *src, const char *dir, const char *skip,
    size_t *np)
{
	char **names, **paths;
	size_t k = 0, n, i;

	if ((names = source_list(src, dir, &n)) == NULL)
		return NULL;
	paths = xcalloc(n + 1, sizeof(*paths));
	for (i = 0; i < n; i++) {
		/* A directory named *.conf is refused when it is read. */
		if (source_is_dir(names[i]))
			names[i][strlen(names[i]) - 1] = '\0';
		if (is_conf_name(names[i]) &&
		    (skip == NULL || strcmp(names[i], skip) != 0))
			paths[k++] = xasprintf("%s/%s", dir, names[i]);
	}
	strv_free(names, n);
	*np = k;
	return paths;
}
