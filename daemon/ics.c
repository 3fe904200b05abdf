/*
 * ics: the plans as an iCalendar file.  Events are all-day (VALUE=DATE):
 * a due date is a day, not an instant, so no time zone is involved.
 */
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "calendar.h"
#include "conf.h"
#include "ics.h"
#include "plan.h"
#include "util.h"

static struct icaltimetype
ical_date(int day)
{
	struct icaltimetype t = icaltime_null_date();
	int y, m, d;

	calendar_civil(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	return t;
}

static void
add_event(icalcomponent *cal, const struct config *c, const char *uid_part,
    int day, const char *summary, const char *description, time_t now)
{
	icalcomponent *ev = icalcomponent_new_vevent();
	char *uid = xasprintf("%s@%s", uid_part, c->mail.domain);
	size_t i;

	/* UIDs must not hold spaces in practice; keep them plain. */
	for (i = 0; uid[i] != '\0'; i++)
		if (uid[i] == ' ')
			uid[i] = '-';
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(
	    icaltime_from_timet_with_zone(now, 0,
	    icaltimezone_get_utc_timezone())));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(
	    ical_date(day)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(
	    ical_date(day + 1)));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	icalcomponent_add_property(ev, icalproperty_new_description(
	    description));
	icalcomponent_add_property(ev, icalproperty_new_transp(
	    ICAL_TRANSP_TRANSPARENT));
	icalcomponent_add_component(cal, ev);
	free(uid);
}

/* Whether an activity is the role's (or one of the group's roles'). */
static int
concerns(const struct config *c, size_t p, size_t a, const struct role *r,
    const struct role_group *g)
{
	const struct activity_roles *ar = &c->roles[p][a];
	size_t i, k;

	if (r == NULL && g == NULL)
		return 1;
	for (i = 0; i < ar->nroles; i++) {
		if (ar->roles[i] == r)
			return 1;
		for (k = 0; g != NULL && k < g->nroles; k++)
			if (ar->roles[i] == g->roles[k])
				return 1;
	}
	return 0;
}

char *
ics_export(const struct config *c, const char *role, time_t now)
{
	icalcomponent *cal;
	struct role *r = NULL;
	struct role_group *g = NULL;
	char *text, *out, name[32];
	size_t p, a, i, ncp;

	if (role != NULL && org_resolve(&c->org, role, &r, &g) == 0)
		return NULL;
	cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(
	    "-//planwatch//planwatch " PLANWATCH_VERSION "//SV"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(
	    ICAL_METHOD_PUBLISH));
	for (p = 0; p < c->nplans; p++) {
		const struct plan *pl = &c->plans[p];

		for (a = 0; a < pl->nactivities; a++) {
			const struct activity *act = &pl->activities[a];
			struct checkpoint *cps;
			char *uid, *sum, *desc;

			if (act->status != ACTIVITY_ACTIVE ||
			    !concerns(c, p, a, r, g))
				continue;
			desc = xasprintf("%s\n%s\n\nplanwatchctl plan show %s",
			    pl->title, act->description, act->id);
			if (act->schedule.kind != SCHEDULE_ONGOING) {
				int due = act->schedule.kind == SCHEDULE_DUE;

				uid = xasprintf("%s/%s", act->id, due ?
				    "deadline" : "end");
				sum = xasprintf("%s: %s", due ? "Senast" :
				    "Slutar", act->title);
				add_event(cal, c, uid, act->schedule.date, sum,
				    desc, now);
				free(uid);
				free(sum);
			}
			cps = plan_checkpoints(pl, act, &c->cal, &ncp);
			for (i = 0; i < ncp; i++) {
				calendar_checkpoint_format(cps[i], name,
				    sizeof(name));
				uid = xasprintf("%s/%s", act->id, name);
				sum = xasprintf("Uppföljning %s: %s", name,
				    act->title);
				add_event(cal, c, uid,
				    calendar_checkpoint_due(&c->cal, cps[i]),
				    sum, desc, now);
				free(uid);
				free(sum);
			}
			free(cps);
			free(desc);
		}
	}
	text = icalcomponent_as_ical_string_r(cal);
	out = xstrdup(text);
	free(text);
	icalcomponent_free(cal);
	return out;
}
