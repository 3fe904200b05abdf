/*
 * conf: the daemon's configuration as one immutable snapshot: settings
 * (planwatch.conf), the organisation (roles, people, aliases, groups,
 * units), the reporting calendar and the plans.  conf_load() builds a
 * whole snapshot or nothing, so a reload that fails leaves the running one
 * untouched.  Pure apart from reading the files.  Core.  Not cfg (cfg.h),
 * the libconfig helpers every loader, this one among them, uses.
 */
#ifndef PLANWATCH_CONF_H
#define PLANWATCH_CONF_H

#include <stddef.h>

#include "calendar.h"
#include "confmail.h"
#include "http_config.h"
#include "org.h"
#include "plan.h"
#include "util.h"
#include "web.h"

struct ruleset;
struct routing;

/* Roles an activity's responsible text resolved to (groups expanded). */
struct activity_roles {
	struct role	**roles;
	size_t		  nroles;
};

/* One file the snapshot was built from, with its content hash. */
struct conf_file {
	char	*path;
	char	 sha256[65];
};

struct config {
	char			*file;		/* main file as given */
	char			*state_dir;
	char			*database;
	char			*timezone;
	char			*control_socket;
	char			*control_group;	/* may be NULL */
	char			*admin_group;	/* may be NULL */
	char			*backup_dir;
	char			*organization_file;
	char			*calendar_file;
	char			*plans_dir;
	char			*rules_dir;
	char			*spool_dir;

	struct org		 org;
	struct calendar		 cal;
	struct plan		*plans;
	size_t			 nplans;
	struct activity_roles	**roles;	/* [plan][activity] */
	/*
	 * Plans another plan supersedes (its `supersedes`): kept, read only,
	 * for their history -- `plan show` -- and never scheduled from.
	 */
	struct plan		*superseded;
	size_t			 nsuperseded;

	struct ruleset		*rules;		/* reminder rules */
	struct routing		*routing;	/* concern routing; may be NULL */
	struct mail_conf	 mail;
	struct http_config	 http;
	int			 http_enabled;	/* an `http` group is given */
	struct web_config	 web;		/* web.enabled: pages served */
	int			 lateness;	/* seconds; past it, a summary */
	int			 retention;	/* seconds a closed report's
						   description is kept */

	struct conf_file	*files;
	size_t			 nfiles;
};

/*
 * Loads the main file and every file it names, each read once through
 * `src`.  The time zone is checked, not made the process's (the shell's
 * act, host_zone_set()).  Returns a snapshot the caller frees with
 * conf_free(), or NULL with at least one error in `d` (warnings may be
 * added either way).
 */
struct config *conf_load(const struct source *src, const char *path,
	    struct diag *d);
void	conf_free(struct config *);
/*
 * Writes the snapshot as one planwatch.conf in canonical form: absolute
 * paths, the organisation and calendar inline.  The text loads again.
 */
void	conf_dump(const struct config *, struct buf *);

/*
 * Reads only the main file and returns the control socket path it names
 * (or its default), so that planwatchctl finds the daemon even when other
 * files have errors.  Returns a string the caller frees, or NULL with an
 * error in `d`.
 */
char	*conf_socket_path(const struct source *src, const char *path,
	    struct diag *d);
/*
 * The same for the control socket, the state directory and admin_group
 * (NULL when unset).  Strings the caller frees; 0, or -1 with an error in
 * `d`.
 */
int	conf_peek(const struct source *src, const char *path, char **socket,
	    char **state_dir, char **admin_group, struct diag *d);
/* The template names a rule step may use (reminder, overdue, escalation,
 * revision), NULL-terminated; room for TEMPLATE_NKINDS + 1. */
void	conf_template_names(const char **names);

#endif

