/*
 * conf_int: what the files of the configuration share and nothing else
 * includes (conf.c, confdump.c, confkeys.c, confmail.c, org.c).  Core.
 */
#ifndef PLANWATCH_CONF_INT_H
#define PLANWATCH_CONF_INT_H

#include <stddef.h>

#include <libconfig.h>

#include "util.h"

/*
 * The keys of planwatch.conf that hold one value -- the top level, `mail`,
 * `mail.maildir` and `mail.smtp` -- in one table (confkeys.c): each
 * key's type, default, bounds, where its value goes and what it means.
 * The table parses, checks, writes back (planwatchd -nv) and frees them,
 * and lists the keys a group may hold; docs/planwatch.conf.5 states the
 * same defaults and bounds (test_conf compares them).  Settings that are
 * more than one value -- the organisation, the calendar, the http and
 * web groups -- have loaders of their own.
 */
enum conf_key_type {
	KEY_STRING,	/* char *, owned */
	KEY_PATH,	/* char *, resolved against the file it is in */
	KEY_EMAIL,	/* char *, an e-mail address unless it is `def`;
			   checked once the pass has read its strings */
	KEY_WORD,	/* char *, one of `words` */
	KEY_ENUM,	/* int, the index of one of `words` */
	KEY_INT,	/* int, min..max as written, kept times `scale` */
	KEY_PART,	/* char *, a file name or a group; conf.c loads it */
	KEY_GROUP	/* a group with loaders or keys of its own */
};

#define KEY_REQUIRED	0x1	/* an error when absent */
#define KEY_EMPTY_UNSET	0x2	/* "" is the same as absent: NULL */

struct conf_key {
	const char		*group;	/* "", "mail", "mail.smtp", ... */
	const char		*name;
	enum conf_key_type	 type;
	int			 flags;
	/*
	 * 1: read in a second pass, so that messages keep their order:
	 * the top level's paths are read before its parts and groups and
	 * its limits after them; mail's addresses are checked before its
	 * domain is read, mail.smtp's user and secret_file together before
	 * its helo and timeouts are.
	 */
	int			 late;
	size_t			 off;	/* in struct config for the top
					   level, struct mail_conf for mail */
	const char		*def;	/* strings; NULL: none, or derived */
	long long		 idef, min, max;	/* KEY_INT; KEY_ENUM idef */
	int			 scale;
	const char *const	*words;	/* KEY_WORD, KEY_ENUM */
	const char		*label;	/* in messages, when not the name */
	const char		*doc;
};

extern const struct conf_key conf_keys[];
extern const size_t conf_nkeys;

/* The key `name` of `group`; NULL if there is none. */
const struct conf_key *conf_key(const char *group, const char *name);
/* Every member of `g` must be a key of `group`; `what` names it. */
void	conf_keys_check(const char *group, const config_setting_t *g,
	    const char *what, struct diag *);
/*
 * Reads the keys of `group` (those with `late` as given) from `g`, which
 * may be NULL, into `base`: the value written, checked, or the default.
 * Paths resolve against `file`.
 */
void	conf_keys_load(const char *group, int late, const config_setting_t *g,
	    const char *file, void *base, struct diag *);
/* Writes the keys of `group` that are set, one `indent key = value;` each. */
void	conf_keys_dump(const char *group, const void *base,
	    const char *indent, struct buf *);
/* Frees the strings of `group`'s keys in `base`. */
void	conf_keys_free(const char *group, void *base);

/*
 * A path written in `file`, resolved against that file's directory, made
 * absolute against `cwd` (cfg_cwd(); NULL leaves it relative) and folded
 * lexically ("a/../b" is "b").  The caller frees it.
 */
char	*conf_path(const char *cwd, const char *file, const char *path);
/* An e-mail address as planwatch accepts one: local@domain.tld. */
int	conf_valid_email(const char *);
/* Appends `indent key = "val";` and a newline. */
void	conf_dump_kv(struct buf *, const char *indent, const char *key,
	    const char *val);

#endif
