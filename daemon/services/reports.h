/*
 * reports: concern reports through their life in the daemon: intake
 * (validate, store, route, alert, all in one transaction), acknowledgement
 * and escalation, closing, disposal of descriptions, and statistics.  The
 * description is stored and shown by `report show`; it never goes into a
 * log line, an e-mail or an error message.
 */
#ifndef PLANWATCH_REPORTS_H
#define PLANWATCH_REPORTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "concern.h"
#include "conf.h"
#include "remind.h"
#include "store.h"

/* Working hours for acknowledgement deadlines: 08:00-17:00 local. */
#define REPORTS_DAY_START	(8 * 60)
#define REPORTS_DAY_END		(17 * 60)

struct reports_env {
	struct store			*st;
	const struct config		*c;
	const struct remind_templates	*tpl;
	time_t				 now;
};

/*
 * Validates a report against the organisation's units and the local date
 * of `now`.  0 with *r filled (the caller frees it with
 * concern_report_free()), or -1 with the field and reason in `err`.
 */
int	reports_parse(const struct config *, time_t now, const char *json,
	    size_t len, struct concern_report *r, struct concern_error *err);
/*
 * Validates and stores one report and queues its alerts.  Returns 0 with
 * the report's number, 1 when the report is refused (err says which field
 * and why, never the value; nothing was stored), or -1 on a storage error
 * (nothing was stored either).  A front end that can deliver the same
 * report twice (the spool, after a crash) names it with `key` (NULL:
 * none): a key already stored returns 2 with the number of the report it
 * became, and nothing is stored or sent again.  *received is when the
 * report was stored (now, or the first time).
 */
int	reports_submit(const struct reports_env *, const char *source,
	    const char *key, const char *json, size_t len, int64_t *number,
	    time_t *received, struct concern_error *err);

/* One parsed report for reports_store(). */
struct reports_item {
	const char		*source;	/* who sent it (audit) */
	const char		*key;		/* see reports_submit(), or NULL */
	int			 again;		/* out: the key's earlier report */
	time_t			 received;	/* out: when it was stored */
	struct concern_report	 r;
	int64_t			 number;	/* out: > 0 stored, else -1 */
	size_t			 nrecipients;	/* out: alerts queued */
};

/*
 * Stores parsed reports with their routes, alerts and audit lines in one
 * transaction -- one commit for all, which is what makes a burst of
 * concurrent reports cheap.  An item that cannot be stored is left out
 * alone: the batch is then stored again in parts, so the others still
 * are.  Sets every item's number (-1 for one not stored) and returns how
 * many were stored.
 */
int	reports_store(const struct reports_env *, struct reports_item *,
	    size_t n);
/* Sends the escalations that are due; returns how many or -1. */
int	reports_escalate(const struct reports_env *);
/* The next escalation deadline, or 0 when none is pending. */
time_t	reports_next(const struct reports_env *);
/* The deadline to acknowledge a report received at `at`. */
time_t	reports_ack_due(const struct config *, const struct concern_report *,
	    time_t at);
/* The addresses a report goes to (coordinator first); see route.c. */
size_t	reports_recipients(const struct config *,
	    const struct concern_report *, const struct person ***people,
	    const char ***roles);

#endif
