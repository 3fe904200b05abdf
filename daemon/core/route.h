/*
 * route: who hears of a concern report, and how soon it must be
 * acknowledged.  rules/routing.conf (libconfig) lists rules that match on
 * a report's fields and name the roles to notify; the coordinator always
 * hears of every report.  Loading validates every key, type, value and
 * role reference with file:line; routing a report is pure.  Role ids are
 * checked through a callback so that this module does not depend on the
 * organisation code.
 */
#ifndef PLANWATCH_ROUTE_H
#define PLANWATCH_ROUTE_H

#include <stddef.h>

#include "concern.h"
#include "util.h"

struct source;

/* The special recipients, resolved by the organisation, not role ids. */
#define ROUTE_COORDINATOR	"coordinator"
#define ROUTE_DEPUTY		"deputy"

#define ROUTE_ACK_WORKING_HOURS	8	/* default for normal reports */
#define ROUTE_ACK_HOURS_AKUT	2	/* default for urgent ones */

/*
 * Returns non-zero when `id` names a role of the organisation.  `arg` is
 * the pointer given to route_load().
 */
typedef int route_role_exists_cb(void *arg, const char *id);

/* One rule: every condition set must hold (AND); within a list, any (OR). */
struct route_rule {
	int		 line;		/* of the rule in the file */
	unsigned	 place_mask;	/* bit per concern_place; 0: any */
	unsigned	 kind_mask;
	unsigned	 milieu_mask;
	unsigned	 urgency_mask;
	int		 concerns_minor; /* 0, 1, or -1 for any */
	int		 police_informed;
	int		 social_services_informed;
	char		**notify;	/* role ids or the specials */
	size_t		 nnotify;
};

struct routing {
	char		 *file;
	int		  ack_working_hours;
	int		  ack_hours_akut;
	char		**escalate;	/* one per missed deadline */
	size_t		  nescalate;
	struct route_rule *rules;
	size_t		  nrules;
};

/*
 * Loads and validates a routing file, read through `src`.  Unknown keys,
 * unknown field names and values in `when`, wrong types, and role ids that
 * `role_exists` rejects are errors with file:line added to `d`; all are
 * reported, not just the first.  `role_exists` may be NULL to accept any
 * id.  Returns a routing the caller frees with route_free(), or NULL if
 * there was any error.
 */
struct routing *route_load(const struct source *src, const char *path,
	    route_role_exists_cb *role_exists, void *arg, struct diag *d);
/* Frees a routing; accepts NULL. */
void	route_free(struct routing *);

/*
 * The recipients of a report: ids[i] is a role id or ROUTE_COORDINATOR /
 * ROUTE_DEPUTY, borrowed from the routing (valid until route_free);
 * lines[i] is the line of the first rule that named it (0 for the
 * coordinator).  The arrays are owned by the struct; free them with
 * route_recipients_free().
 */
struct route_recipients {
	const char	**ids;
	int		 *lines;
	size_t		  n;
};

/*
 * Routes a report: the coordinator first, then every recipient of every
 * matching rule in file order, each once.  Fills *out and returns the
 * number of recipients (at least 1).
 */
size_t	route_report(const struct routing *,
	    const struct concern_report *, struct route_recipients *out);
void	route_recipients_free(struct route_recipients *);
/* Whether a rule matches a report. */
int	route_rule_matches(const struct route_rule *,
	    const struct concern_report *);

/*
 * The acknowledgement deadline that applies to a report: sets *hours and
 * *working (1: working hours, 0: calendar hours -- urgent reports).  After
 * each missed deadline the next entry of `escalate` is notified.
 */
void	route_ack_deadline(const struct routing *,
	    const struct concern_report *, int *hours, int *working);
/* Appends the routing in canonical libconfig form (for `-nv`). */
void	route_dump(const struct routing *, struct buf *);

#endif
