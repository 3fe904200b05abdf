/*
 * confcalendar: the `calendar` part of planwatch.conf (a file or an
 * inline group) read into a struct calendar.  Core.
 */
#ifndef PLANWATCH_CONFCALENDAR_H
#define PLANWATCH_CONFCALENDAR_H

#include <libconfig.h>

#include "calendar.h"
#include "util.h"

/*
 * Starts `cal` with the default checkpoints (calendar_init()) and applies
 * what the group says: checkpoints, due_dates, extra_non_working_days.
 * Problems are added to `d` as `file:line: message`.
 */
void	conf_calendar_load(const config_setting_t *, struct calendar *cal,
	    struct diag *);

#endif
