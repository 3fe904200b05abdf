/*
 * ics: iCalendar (RFC 5545) of the plans' deadlines and follow-up
 * checkpoints, for Outlook, Google Calendar and Thunderbird, written with
 * libical: a file to import, or a person's feed to subscribe to.
 */
#ifndef PLANWATCH_ICS_H
#define PLANWATCH_ICS_H

#include <time.h>

#include "conf.h"

/*
 * Every active activity's deadline or period end and each of its
 * checkpoints as an all-day event, limited to activities a role (or
 * group, by id) is responsible for when `role` is non-NULL.  UIDs are
 * stable (activity, occurrence and the mail domain), so a re-import
 * updates events instead of adding copies.  `now` is the DTSTAMP.
 * Returns the calendar text, which the caller frees, or NULL when `role`
 * names neither a role nor a group.
 */
char	*ics_export(const struct config *, const char *role, time_t now);

struct followups;

/*
 * A person's calendar, for the feed a calendar subscribes to: every
 * deadline and checkpoint of the active activities a role of theirs
 * (held or deputised) is responsible for, with the same UIDs as
 * ics_export(); those they reported are marked with a check mark and
 * carry the status, the date and the comment, and a SEQUENCE that grows
 * with each report, so subscribed clients update them.  `url` (may be
 * NULL) is the page where they report, set as each event's URL.  Titles
 * in Swedish, or English with `en`.  Returns text the caller frees.
 */
char	*ics_person(const struct config *, const struct followups *,
	    const struct person *, const char *url, time_t now, int en);

#endif
