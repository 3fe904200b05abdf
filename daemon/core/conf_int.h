/*
 * conf_int: what the files of the configuration share and nothing else
 * includes (conf.c, confdump.c, confmail.c, org.c).  Core.
 */
#ifndef PLANWATCH_CONF_INT_H
#define PLANWATCH_CONF_INT_H

#include <stddef.h>

#include "util.h"

struct config;

/*
 * The string settings of planwatch.conf's top level, in the order they
 * are read and written.
 */
enum opt_kind { OPT_PATH, OPT_STRING, OPT_FILE_OR_GROUP };

struct option {
	const char	*name;
	enum opt_kind	 kind;
	size_t		 off;
	const char	*def;		/* NULL: derived or optional */
};

extern const struct option conf_options[];
extern const size_t conf_noptions;

/* The string a top-level option is kept in. */
char	**conf_opt_slot(const struct config *, const struct option *);
/*
 * A path written in `file`, resolved against that file's directory, made
 * absolute and folded lexically ("a/../b" is "b").  The caller frees it.
 */
char	*conf_path(const char *file, const char *path);
/* An e-mail address as planwatch accepts one: local@domain.tld. */
int	conf_valid_email(const char *);
/* Appends `indent key = "val";` and a newline. */
void	conf_dump_kv(struct buf *, const char *indent, const char *key,
	    const char *val);

#endif
