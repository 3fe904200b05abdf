/*
 * org: the organisation of planwatch.conf (its `organization` part):
 * the committee, the coordinator and deputy, roles and the people who
 * hold them, role groups and reporting units, and the folded names plans
 * use for them.  Core: parses a libconfig group already read, reports
 * problems as `file:line: message`.
 */
#ifndef PLANWATCH_ORG_H
#define PLANWATCH_ORG_H

#include <stddef.h>

#include <libconfig.h>

#include "util.h"

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
	 * (org.c), not written by -nv. */
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

/*
 * Loads the `organization` group (or a file's root) into `o`, which must
 * be zeroed; whatever loaded is kept even when an error was added, so
 * that org_free() frees it.
 */
void	org_load(const config_setting_t *, struct org *, struct diag *);
void	org_free(struct org *);
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

#endif
