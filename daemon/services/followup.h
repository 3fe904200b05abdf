/*
 * followup: follow-up reports -- who may make them, recording them, and
 * what they mean for the reminders.
 *
 * An occurrence is an activity at one of its follow-up points ("T1
 * 2020", "deadline 2019-09-01", "end 2022-12-31").  Its parts are the
 * activity's responsible roles: one for most activities, one per
 * department head for "Respektive avdelningschef".  Each part is reported
 * on its own, by a person holding that role or the role's deputy, or on
 * their behalf by the coordinator or the coordinator's deputy; a report
 * ends that part's reminders for the occurrence.  `done` at the deadline
 * or end completes the activity for that part and `cancelled` at any
 * occurrence stops all its later reminders, until the coordinator reopens
 * it or the plan is adopted anew (its `adopted` date changes).
 *
 * followup_record() is the one way a report is made, whatever the
 * channel (planwatchctl, or a page opened through a signed link): the
 * same checks, the same rows, the same audit line ("... via link" for a
 * page).  struct followups is every report in
 * memory, read once per use, for the scheduler's "is this part settled"
 * question and for the listings.
 */
#ifndef PLANWATCH_FOLLOWUP_H
#define PLANWATCH_FOLLOWUP_H

#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "sched.h"
#include "store.h"
#include "util.h"

/* The channels a report can come through; the audit trail names them. */
#define FOLLOWUP_CHANNEL_CTL	"planwatchctl"
#define FOLLOWUP_CHANNEL_WEB	"web"

/* Who reports, and how. */
struct followup_caller {
	const struct person	*person;	/* NULL: not in the organisation */
	const char		*actor;		/* the audit trail's actor: a
						   login, or a link's id */
	const char		*channel;	/* FOLLOWUP_CHANNEL_* */
};

/* What is reported.  Strings are borrowed. */
struct followup_report {
	const char	*activity;	/* activity id */
	/*
	 * The occurrence as people write it: "T1 2020", "Tertialrapport 1
	 * 2020", "VB" (the plan's year), "deadline", "slutdatum", "end",
	 * with or without the date.
	 */
	const char	*occurrence;
	const char	*status;	/* done, on-track, delayed, cancelled */
	const char	*comment;	/* may be NULL */
	/*
	 * For whom: a role id, or a responsible person's login or e-mail
	 * address.  NULL: the caller's own parts; for the coordinator or
	 * the deputy reporting for others, every part.
	 */
	const char	*part;
};

/* What followup_record() and followup_reopen() did, or why not. */
struct followup_result {
	char			 occurrence[32];	/* as the ledger names it */
	const struct role	*parts[SCHED_MAX_PARTS];	/* recorded */
	size_t			 nparts;	/* 0 with nroles 0: the whole */
	int			 on_behalf;	/* not the caller's own part */
	char			 message[768];	/* why refused (English) */
};

/* Results of followup_record() and followup_reopen(). */
#define FOLLOWUP_RECORDED	0
#define FOLLOWUP_REFUSED	1
#define FOLLOWUP_FAILED		(-1)

/*
 * Checks that `caller` may report `r` and records it, one row per part,
 * with its audit line, in one transaction at `now`.  Returns
 * FOLLOWUP_RECORDED; FOLLOWUP_REFUSED with the reason (who may report,
 * or what is wrong with the request) in res->message; FOLLOWUP_FAILED
 * when the database failed (logged).
 */
int	followup_record(struct store *, const struct config *, time_t now,
	    const struct followup_caller *caller,
	    const struct followup_report *r, struct followup_result *res);

/*
 * Reopens a completed or cancelled activity (every part, or the one
 * `part` names): its reminders go on from the next occurrence.  Only the
 * coordinator and the deputy may.  Returns as followup_record().
 */
int	followup_reopen(struct store *, const struct config *, time_t now,
	    const struct followup_caller *caller, const char *activity,
	    const char *part, struct followup_result *res);

/* One follow-up row. */
struct followup_row {
	int64_t	 id;
	char	*activity;
	char	*occurrence;
	char	*part;		/* role id or NULL */
	char	*status;
	char	*comment;
	char	*reported_by;
	char	*on_behalf_of;
	char	*channel;
	char	*plan_adopted;
	time_t	 at;
};

/* Every follow-up row, in memory, by activity. */
struct followups;

/* Reads every row; NULL when the database failed.  Free with _free(). */
struct followups *followups_load(struct store *);
/* An empty set, for previews without a database (tests).  */
struct followups *followups_new(void);
void	followups_free(struct followups *);

/*
 * The newest report of an occurrence that covers `part` (a role id; NULL
 * for the whole occurrence), or NULL.  A report for the whole covers
 * every part.
 */
const struct followup_row *followups_find(const struct followups *,
	    const char *activity, const char *occurrence, const char *part);

/* How many rows were recorded for an occurrence, every part together. */
int	followups_count(const struct followups *, const char *activity,
	    const char *occurrence);

enum followup_closed {
	FOLLOWUP_OPEN,
	FOLLOWUP_COMPLETED,	/* done at its deadline or end */
	FOLLOWUP_CANCELLED
};

/*
 * Whether an activity is completed or cancelled for `part` (NULL: as a
 * whole) under the plan's current adoption; *why (may be NULL) gets the
 * row that closed it.
 */
enum followup_closed followups_closed(const struct followups *,
	    const struct plan *, const struct activity *, const char *part,
	    const struct followup_row **why);

/*
 * sched_settled_cb over a struct followups (`arg`): a part is settled
 * when it was reported at the occurrence or its activity is closed.
 */
int	followups_settled(void *arg, const struct sched_item *it,
	    const struct role *part);

/*
 * Every occurrence an activity is followed up at, as the scheduler names
 * them ("deadline 2019-09-01", then its checkpoints "T2 2019" ...), with
 * their due days.  Returns the number written (at most `max`).
 */
size_t	followup_occurrences(const struct config *, const struct plan *,
	    const struct activity *, char (*out)[32], int *due, size_t max);

/* Whether `p` holds role `r` or is its deputy (by address). */
int	followup_holds(const struct role *r, const struct person *p);

/* A status word in Swedish ("genomförd") or English ("done"); static. */
const char *followup_status_label(const char *status, int en);

#endif
