/*
 * ics: the plans as an iCalendar file.  Events are all-day (VALUE=DATE):
 * a due date is a day, not an instant, so no time zone is involved.
 */
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "calendar.h"
#include "conf.h"
#include "followup.h"
#include "ics.h"
#include "plan.h"
#include "sched.h"
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

static icalcomponent *
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
	return ev;
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

static icalcomponent *
new_calendar(void)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(
	    "-//planwatch//planwatch " PLANWATCH_VERSION "//SV"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(
	    ICAL_METHOD_PUBLISH));
	return cal;
}

/* The calendar as text the caller frees; frees the calendar. */
static char *
finish(icalcomponent *cal)
{
	char *text = icalcomponent_as_ical_string_r(cal), *out;

	out = xstrdup(text);
	free(text);
	icalcomponent_free(cal);
	return out;
}

char *
ics_export(const struct config *c, const char *role, time_t now)
{
	icalcomponent *cal;
	struct role *r = NULL;
	struct role_group *g = NULL;
	char name[32];
	size_t p, a, i, ncp;

	if (role != NULL && org_resolve(&c->org, role, &r, &g) == 0)
		return NULL;
	cal = new_calendar();
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
	return finish(cal);
}

/* A non-standard property every common client honours, by name. */
static void
add_x(icalcomponent *cal, const char *name, const char *value)
{
	icalproperty *x = icalproperty_new_x(value);

	icalproperty_set_x_name(x, name);
	icalcomponent_add_property(cal, x);
}

/*
 * One event of a person's calendar: the occurrence `occ` (as the ledger
 * names it) of activity `act`, due on `day`, with the person's newest
 * report of it.  The UID is the one ics_export() gives the same event.
 */
static void
person_event(icalcomponent *cal, const struct config *c,
    const struct activity *act, const char *plan_title, const char *occ,
    int day, const struct followup_row *rep, int nreports, const char *url,
    time_t now, int en)
{
	icalcomponent *ev;
	struct buf desc = { 0 };
	char label[96], when[17], *uid, *sum;
	int final = strncmp(occ, "deadline ", 9) == 0 ||
	    strncmp(occ, "end ", 4) == 0;

	uid = final ? xasprintf("%s/%s", act->id, occ[0] == 'd' ? "deadline" :
	    "end") : xasprintf("%s/%s", act->id, occ);
	sched_occurrence_label(occ, en, label, sizeof(label));
	sum = xasprintf("%s%s: %s", rep != NULL ? "\xe2\x9c\x93 " : "", label,
	    act->title);
	buf_printf(&desc, "%s\n%s", plan_title, act->title);
	if (rep != NULL) {
		calendar_format_local(rep->at, when);
		buf_printf(&desc, "\n\n%s: %s %s", en ? "Reported" :
		    "Rapporterad", followup_status_label(rep->status, en), when);
		if (rep->comment != NULL && *rep->comment != '\0')
			buf_printf(&desc, "\n%s", rep->comment);
	}
	if (url != NULL)
		buf_printf(&desc, "\n\n%s: %s", en ? "Report here" :
		    "Rapportera h\xc3\xa4r", url);
	ev = add_event(cal, c, uid, day, sum, desc.s, now);
	/* Clients update an event they have when its sequence grows. */
	icalcomponent_add_property(ev, icalproperty_new_sequence(nreports));
	if (rep != NULL)
		icalcomponent_add_property(ev, icalproperty_new_lastmodified(
		    icaltime_from_timet_with_zone(rep->at, 0,
		    icaltimezone_get_utc_timezone())));
	if (url != NULL)
		icalcomponent_add_property(ev, icalproperty_new_url(url));
	free(uid);
	free(sum);
	buf_free(&desc);
}

char *
ics_person(const struct config *c, const struct followups *fs,
    const struct person *person, const char *url, time_t now, int en)
{
	icalcomponent *cal = new_calendar();
	char occ[64][32], *name;
	int due[64];
	size_t p, a, k, i, n;

	name = xasprintf("%s \xe2\x80\x93 %s", en ? "My activities" :
	    "Mina aktiviteter", c->org.committee);
	add_x(cal, "X-WR-CALNAME", name);
	add_x(cal, "X-WR-TIMEZONE", c->timezone);
	/* How often clients should fetch it again (Outlook, Apple, RFC 7986). */
	add_x(cal, "X-PUBLISHED-TTL", "PT6H");
	add_x(cal, "REFRESH-INTERVAL;VALUE=DURATION", "PT6H");
	free(name);
	for (p = 0; p < c->nplans; p++) {
		const struct plan *pl = &c->plans[p];

		for (a = 0; a < pl->nactivities; a++) {
			const struct activity *act = &pl->activities[a];
			const struct activity_roles *ar = &c->roles[p][a];
			const struct role *mine[SCHED_MAX_PARTS];
			size_t nmine = 0;

			if (act->status != ACTIVITY_ACTIVE)
				continue;
			for (k = 0; k < ar->nroles && nmine < SCHED_MAX_PARTS;
			    k++)
				if (followup_holds(ar->roles[k], person))
					mine[nmine++] = ar->roles[k];
			if (nmine == 0)
				continue;
			n = followup_occurrences(c, pl, act, occ, due,
			    nitems(occ));
			for (i = 0; i < n; i++) {
				const struct followup_row *rep = NULL, *r;
				int count = 0;

				for (k = 0; k < nmine; k++) {
					r = followups_find(fs, act->id, occ[i],
					    mine[k]->id);
					if (r != NULL && (rep == NULL ||
					    r->id > rep->id))
						rep = r;
				}
				if (rep != NULL)
					count = followups_count(fs, act->id,
					    occ[i]);
				person_event(cal, c, act, pl->title, occ[i],
				    due[i], rep, count, url, now, en);
			}
		}
	}
	return finish(cal);
}
