/*
 * view: read-only JSON views of a configuration snapshot for planwatchctl:
 * the plan list, one activity in full, and a year of the calendar.  Pure:
 * `now` is a parameter.
 */
#ifndef PLANWATCH_VIEW_H
#define PLANWATCH_VIEW_H

#include <time.h>

#include <jansson.h>

#include "conf.h"

/* Each returns a new reply object {"ok": true, ...}; the caller owns it. */
json_t	*view_plan_list(const struct config *, time_t now);
json_t	*view_plan_show(const struct config *, const char *id, time_t now);
json_t	*view_calendar(const struct config *, int year);

#endif
