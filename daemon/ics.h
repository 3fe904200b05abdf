/*
 * ics: an iCalendar (RFC 5545) file of the plans' deadlines and follow-up
 * checkpoints, for Outlook and Thunderbird, written with libical.
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

#endif
