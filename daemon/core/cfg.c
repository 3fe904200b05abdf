/*
 * cfg: shared libconfig plumbing.  Each loader describes its keys with an
 * allow-list and typed getters; this file turns libconfig's silence about
 * unknown keys, wrapped integers and wrong types into file:line errors.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "util.h"

int
cfg_read(config_t *cf, const char *path, struct diag *d)
{
	char *dir, *copy;

	copy = xstrdup(path);
	dir = dirname(copy);
	config_set_include_dir(cf, dir);
	free(copy);
	/* Integers that do not fit 32 bits must not wrap silently. */
	config_set_options(cf, config_get_options(cf) &
	    ~CONFIG_OPTION_AUTOCONVERT);
	if (config_read_file(cf, path) == CONFIG_TRUE)
		return 0;
	if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
	else
		diag_error(d, config_error_file(cf) ? config_error_file(cf) :
		    path, config_error_line(cf), "%s", config_error_text(cf));
	return -1;
}

const char *
cfg_file(const config_setting_t *s)
{
	const char *f = NULL;

	if (s != NULL)
		f = config_setting_source_file(s);
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
	const char *file = config_setting_source_file(m), *p, *q;
	size_t len, nlen = strlen(name);
	long long lib, v;
	char *data;
	int line = cfg_line(m), rc = 0, r;

	if (file == NULL || line < 1 || (data = read_file(file, &len)) ==
	    NULL)
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
	free(data);
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
conf_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
conf_name_filter(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 &&
	    strcmp(e->d_name + n - 5, ".conf") == 0;
}

char **
cfg_conf_files(const char *dir, const char *skip, size_t *np)
{
	struct dirent **names;
	char **paths;
	size_t k = 0;
	int n, i;

	if ((n = scandir(dir, &names, conf_name_filter, conf_name_cmp)) < 0)
		return NULL;
	paths = xcalloc((size_t)n + 1, sizeof(*paths));
	for (i = 0; i < n; i++) {
		if (skip == NULL || strcmp(names[i]->d_name, skip) != 0)
			paths[k++] = xasprintf("%s/%s", dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	*np = k;
	return paths;
}
