/*
 * confcalendar: the reporting calendar of planwatch.conf (its `calendar`
 * part): when each checkpoint's period ends, due dates that differ,
 * extra days off.  Core: parses a libconfig group already read.
 */
#include <stdlib.h>

#include <libconfig.h>

#include "calendar.h"
#include "cfg.h"
#include "confcalendar.h"
#include "util.h"

static const char *const cal_keys[] = {
	"checkpoints", "due_dates", "extra_non_working_days", NULL
};
static const char *const cp_keys[] = { "T1", "T2", "VB", NULL };
static const char *const rule_keys[] = {
	"month", "day", "year_offset", NULL
};
static const char *const due_keys[] = { "checkpoint", "date", NULL };

static void
load_checkpoints(const config_setting_t *root, struct calendar *cal,
    struct diag *d)
{
	const config_setting_t *s;
	int k;

	s = config_setting_get_member(root, "checkpoints");
	if (s != NULL && !config_setting_is_group(s))
		cfg_error(d, s, "'checkpoints' must be a group");
	else if (s != NULL) {
		cfg_check_keys(s, "checkpoints", cp_keys, d);
		for (k = 0; k < CHECKPOINT_NKINDS; k++) {
			const config_setting_t *g = config_setting_get_member(s,
			    cp_keys[k]);
			long long m, day, off = cal->rule[k].year_offset;

			if (g == NULL)
				continue;
			if (!config_setting_is_group(g)) {
				cfg_error(d, g, "'%s' must be a group "
				    "{ month; day; }", cp_keys[k]);
				continue;
			}
			cfg_check_keys(g, cp_keys[k], rule_keys, d);
			if (cfg_get_int(g, "month", 1, 1, 12, &m, d) != 1 ||
			    cfg_get_int(g, "day", 1, 1, 31, &day, d) != 1 ||
			    cfg_get_int(g, "year_offset", 0, 0, 1, &off, d) < 0)
				continue;
			/* Checked against a leap year so that Feb 29 passes. */
			if (!calendar_valid(2020, (int)m, (int)day)) {
				cfg_error(d, g, "%s: %lld-%lld is not a day of "
				    "the year", cp_keys[k], m, day);
				continue;
			}
			cal->rule[k].month = (int)m;
			cal->rule[k].day = (int)day;
			cal->rule[k].year_offset = (int)off;
		}
	}
}

static void
load_due_dates(const config_setting_t *root, struct calendar *cal,
    struct diag *d)
{
	const config_setting_t *list;
	int k, n;

	list = config_setting_get_member(root, "due_dates");
	if (list != NULL && !config_setting_is_list(list))
		cfg_error(d, list, "'due_dates' must be a list "
		    "( { checkpoint; date; }, ... )");
	else if (list != NULL) {
		n = config_setting_length(list);
		for (k = 0; k < n; k++) {
			config_setting_t *g = config_setting_get_elem(list, k);
			const char *cp = NULL, *date = NULL;
			struct checkpoint c;
			int day;

			if (!config_setting_is_group(g)) {
				cfg_error(d, g, "each due date must be a group "
				    "{ checkpoint; date; }");
				continue;
			}
			cfg_check_keys(g, "due date", due_keys, d);
			if (cfg_get_string(g, "checkpoint", 1, &cp, d) != 1 ||
			    cfg_get_string(g, "date", 1, &date, d) != 1)
				continue;
			if (calendar_parse_checkpoint(cp, CALENDAR_NODATE,
			    &c) != 0) {
				cfg_error(d, g, "'%s' is not a checkpoint "
				    "(T1 2020, T2 2020, VB 2019)", cp);
				continue;
			}
			if (calendar_parse_date(date, &day) != 0) {
				cfg_error(d, g, "'%s' is not a date "
				    "(YYYY-MM-DD)", date);
				continue;
			}
			if (day <= calendar_checkpoint_end(c))
				cfg_error(d, g, "%s is due %s, before the "
				    "period it reports on has ended", cp, date);
			calendar_set_override(cal, c, day);
		}
	}
}

static void
load_extra_days(const config_setting_t *root, struct calendar *cal,
    struct diag *d)
{
	const config_setting_t *s;

	s = config_setting_get_member(root, "extra_non_working_days");
	if (s != NULL) {
		const char **v = NULL;
		size_t nv = 0, i;
		int day;

		if (cfg_get_strings(root, "extra_non_working_days", 0, &v, &nv,
		    d) == 1)
			for (i = 0; i < nv; i++) {
				if (calendar_parse_date(v[i], &day) != 0)
					cfg_error(d, s, "extra_non_working_days: "
					    "'%s' is not a date (YYYY-MM-DD)",
					    v[i]);
				else
					calendar_add_extra_day(cal, day);
			}
		free(v);
	}
}

void
conf_calendar_load(const config_setting_t *root, struct calendar *cal,
    struct diag *d)
{
	calendar_init(cal);
	cfg_check_keys(root, "calendar", cal_keys, d);
	load_checkpoints(root, cal, d);
	load_due_dates(root, cal, d);
	load_extra_days(root, cal, d);
}
