/*
 * conf: the daemon's configuration as one immutable snapshot: settings
 * (planwatch.conf), the organisation (roles, people, aliases, groups,
 * units), the reporting calendar and the plans.  conf_load() builds a
 * whole snapshot or nothing, so a reload that fails leaves the running one
 * untouched.  Pure apart from reading the files.
 */
#ifndef PLANWATCH_CONF_H
#define PLANWATCH_CONF_H

#include <stddef.h>

#include "calendar.h"
#include "http_config.h"
#include "plan.h"
#include "smtpconf.h"
#include "util.h"
#include "web.h"

struct ruleset;
struct routing;

struct person {
	char	*name;
	char	*email;
	char	*user;		/* local user name on the control socket; may be NULL */
	char	*lang;		/* "sv" (default) or "en" */
};

struct role {
	char		 *id;
	char		 *name;
	struct person	 *people;
	size_t		  npeople;
	struct person	 *deputy;	/* may be NULL */
	char		 *reports_to;	/* role id; may be NULL */
	char		**aliases;
	size_t		  naliases;
	char		 *file;
	int		  line;
	/* The coordinator's own role, made from `coordinator` and `deputy`
	 * (conf.c), not written by -nv. */
	int		  builtin;
};

/* The id of the role the coordinator holds (docs/plans.md). */
#define ORG_COORDINATOR_ROLE	"samordnare"

/* A role group: "Respektive avdelningschef" = every department head. */
struct role_group {
	char		 *id;
	char		 *name;
	char		**aliases;
	size_t		  naliases;
	struct role	**roles;
	size_t		  nroles;
};

/* A reporting unit, for concern reports. */
struct unit {
	char		*id;
	char		*name;
	struct role	*head;		/* the unit's head; may be NULL */
};

/* A folded id, name or alias, for org_resolve(). */
struct org_name {
	char			*folded;
	struct role		*role;		/* one of role and group */
	struct role_group	*group;
};

struct org {
	char			*committee;
	char			*diary_number;
	struct person		 coordinator;
	struct person		 deputy;
	struct role		*roles;
	size_t			 nroles;
	struct role_group	*groups;
	size_t			 ngroups;
	struct unit		*units;
	size_t			 nunits;
	struct org_name		*names;		/* sorted by folded */
	size_t			 nnames;
};

/* Roles an activity's responsible text resolved to (groups expanded). */
struct activity_roles {
	struct role	**roles;
	size_t		  nroles;
};

enum mail_transport {
	MAIL_TRANSPORT_MAILDIR,
	MAIL_TRANSPORT_SMTP
};

/* Mail settings (the `mail` group of planwatch.conf). */
/* A setting's place in the files, for messages made after the parse. */
struct conf_where {
	char	*file;
	int	 line;
};

struct mail_conf {
	enum mail_transport	 transport;
	char			*from;		/* envelope and From address */
	char			*from_name;
	char			*admin;		/* delivery failures go here */
	char			*domain;	/* of Message-IDs */
	char			*lang;		/* default template language */
	char			*maildir;	/* maildir transport */
	/* smtp transport; the strings below are owned here */
	struct smtp_config	 smtp;
	char			*smtp_host, *smtp_ca_file, *smtp_user;
	char			*smtp_secret, *smtp_secret_file, *smtp_helo;
	/* where the smtp group and its secret_file are (conf_open()) */
	struct conf_where	 smtp_at, smtp_secret_at;
	int			 max_sessions;	/* concurrent deliveries */
	int			 batch;		/* messages per session */
	int			 retry_first;	/* seconds */
	int			 retry_max;	/* seconds */
	int			 give_up;	/* seconds */
	int			 shutdown_wait;	/* seconds */
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
 * Loads the main file and every file it names.  Returns a snapshot the
 * caller frees with conf_free(), or NULL with at least one error in `d`
 * (warnings may be added either way).
 */
struct config *conf_load(const char *path, struct diag *d);
/*
 * The same; with `set_zone` 0 the time zone is only checked, not made the
 * process's zone, so that it can run in a thread beside the loop.
 */
struct config *conf_load_ex(const char *path, int set_zone, struct diag *d);
void	conf_free(struct config *);
/*
 * Writes the snapshot as one planwatch.conf in canonical form: absolute
 * paths, the organisation and calendar inline.  The text loads again.
 */
void	conf_dump(const struct config *, struct buf *);

/*
 * Resolves role text as people write it (id, name or alias; case and white
 * space do not matter) to a role, or to a group when `group` is non-NULL.
 * Returns 1 for a role, 2 for a group, 0 when unknown.
 */
int	org_resolve(const struct org *, const char *text, struct role **role,
	    struct role_group **group);
struct role *org_role(const struct org *, const char *id);
struct unit *org_unit(const struct org *, const char *id);
/* The person a local user name maps to; NULL if none. */
const struct person *org_person_by_user(const struct org *, const char *user);
/* The person with an address (any case): coordinator, deputy, a role's
 * person or deputy; NULL if none. */
const struct person *org_person_by_email(const struct org *,
	    const char *email);

/*
 * Reads only the main file and returns the control socket path it names
 * (or its default), so that planwatchctl finds the daemon even when other
 * files have errors.  Returns a string the caller frees, or NULL with an
 * error in `d`.
 */
char	*conf_socket_path(const char *path, struct diag *d);
/*
 * The same for the control socket, the state directory and admin_group
 * (NULL when unset).  Strings the caller frees; 0, or -1 with an error in
 * `d`.
 */
int	conf_peek(const char *path, char **socket, char **state_dir,
	    char **admin_group, struct diag *d);
/* The template names a rule step may use (reminder, overdue, escalation,
 * revision), NULL-terminated; room for TEMPLATE_NKINDS + 1. */
void	conf_template_names(const char **names);

#endif

