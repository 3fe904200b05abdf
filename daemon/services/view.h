/*
 * view: read-only JSON views of a configuration snapshot and the
 * follow-up reports for planwatchctl: the plan list, one activity in
 * full, the follow-up overview and a year of the calendar.  Pure: `now`
 * and the reports are parameters.
 */
#ifndef PLANWATCH_VIEW_H
#define PLANWATCH_VIEW_H

#include <time.h>

#include <jansson.h>

#include "conf.h"
#include "followup.h"

/* Each returns a new reply object {"ok": true, ...}; the caller owns it. */
json_t	*view_plan_list(const struct config *, const struct followups *,
	    time_t now);
/*
 * One activity in full: from the live plan that holds it, or, when only
 * a superseded plan does (an activity a revision left out), from the
 * newest such plan, read only, with "superseded_by".  "plans" lists every
 * plan it has been in, oldest first: its history across yearly
 * revisions.
 */
json_t	*view_plan_show(const struct config *, const struct followups *,
	    const char *id, time_t now);
/*
 * Every occurrence of every active activity with its parts: who is
 * responsible, who reported what when (on whose behalf, through which
 * channel, with which comment) and who is missing.  `role` (a role id)
 * keeps the activities and the part of that role; `missing_only` the
 * occurrences past due with a part not reported.
 */
json_t	*view_followups(const struct config *, const struct followups *,
	    time_t now, const char *role, int missing_only);
json_t	*view_calendar(const struct config *, int year);

#endif
