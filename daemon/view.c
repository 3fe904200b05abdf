/*
 * view: turns the loaded plans and calendar into the JSON that
 * planwatchctl prints, so that the daemon and the tool agree on one shape
 * (the tool formats tables from the same objects it prints with --json).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "conf.h"
#include "plan.h"
#include "util.h"
#include "view.h"

static json_t *
date_json(int day)
{
	char s[11];

	if (day == CALENDAR_NODATE)
		return json_null();
	calendar_format(day, s);
	return json_string(s);
}

static json_t *
schedule_json(const struct activity *a)
{
	static const char *const kinds[] = { "ongoing", "until", "due" };
	struct buf b = { 0 };
	json_t *j;

	plan_format_schedule(&a->schedule, &b);
	j = json_pack("{s:s, s:o, s:s}", "kind", kinds[a->schedule.kind],
	    "date", date_json(a->schedule.kind == SCHEDULE_ONGOING ?
	    CALENDAR_NODATE : a->schedule.date), "text", b.s ? b.s : "");
	buf_free(&b);
	return j;
}

static json_t *
roles_json(const struct activity_roles *ar)
{
	json_t *v = json_array();
	size_t i;

	for (i = 0; i < ar->nroles; i++)
		json_array_append_new(v, json_string(ar->roles[i]->id));
	return v;
}

static json_t *
checkpoint_json(struct checkpoint cp, const struct calendar *cal)
{
	char name[32];

	calendar_checkpoint_format(cp, name, sizeof(name));
	return json_pack("{s:s, s:o}", "name", name, "due",
	    date_json(calendar_checkpoint_due(cal, cp)));
}

static json_t *
activity_json(const struct config *c, size_t p, size_t a, int today,
    int full)
{
	const struct plan *pl = &c->plans[p];
	const struct activity *act = &pl->activities[a];
	struct checkpoint *cps;
	size_t ncp, i;
	json_t *j, *list, *resp, *ids, *next = json_null(), *last = json_null();

	cps = plan_checkpoints(pl, act, &c->cal, &ncp);
	list = json_array();
	for (i = 0; i < ncp; i++) {
		json_array_append_new(list, checkpoint_json(cps[i], &c->cal));
		if (json_is_null(next) &&
		    calendar_checkpoint_due(&c->cal, cps[i]) >= today)
			next = checkpoint_json(cps[i], &c->cal);
	}
	if (ncp > 0)
		last = checkpoint_json(cps[ncp - 1], &c->cal);
	free(cps);
	resp = json_array();
	ids = json_array();
	for (i = 0; i < act->nresponsible; i++) {
		struct role *r = NULL;
		struct role_group *g = NULL;
		int kind = org_resolve(&c->org, act->responsible[i], &r, &g);

		json_array_append_new(resp, json_string(act->responsible[i]));
		json_array_append_new(ids, json_string(kind == 1 ? r->id :
		    kind == 2 ? g->id : act->responsible[i]));
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:s}",
	    "id", act->id,
	    "plan", pl->id,
	    "section", plan_section_name(act->section),
	    "title", act->title,
	    "responsible", resp,
	    "responsible_ids", ids,
	    "roles", roles_json(&c->roles[p][a]),
	    "schedule", schedule_json(act),
	    "next_checkpoint", next,
	    "last_checkpoint", last,
	    "status", plan_status_name(act->status));
	if (full) {
		json_t *fu = json_array();
		struct buf b = { 0 };

		for (i = 0; i < act->nfollowup; i++) {
			buf_reset(&b);
			plan_format_followup(&act->followup[i], &b);
			json_array_append_new(fu, json_string(b.s));
		}
		buf_free(&b);
		json_object_set_new(j, "description",
		    json_string(act->description));
		json_object_set_new(j, "followup", fu);
		json_object_set_new(j, "checkpoints", list);
		json_object_set_new(j, "end", date_json(plan_activity_end(pl,
		    act, &c->cal)));
		json_object_set_new(j, "file", json_string(pl->file));
		json_object_set_new(j, "line", json_integer(act->line));
	} else
		json_decref(list);
	return j;
}

static int
today_of(time_t now)
{
	int day, minute;

	calendar_utc_to_local(now, &day, &minute);
	return day;
}

json_t *
view_plan_list(const struct config *c, time_t now)
{
	json_t *v = json_array();
	size_t p, a;
	int today = today_of(now);

	for (p = 0; p < c->nplans; p++)
		for (a = 0; a < c->plans[p].nactivities; a++)
			json_array_append_new(v, activity_json(c, p, a, today,
			    0));
	return json_pack("{s:b, s:o, s:o}", "ok", 1, "today",
	    date_json(today), "activities", v);
}

json_t *
view_plan_show(const struct config *c, const char *id, time_t now)
{
	size_t p, a;

	for (p = 0; p < c->nplans; p++)
		for (a = 0; a < c->plans[p].nactivities; a++)
			if (strcmp(c->plans[p].activities[a].id, id) == 0)
				return json_pack("{s:b, s:o}", "ok", 1,
				    "activity", activity_json(c, p, a,
				    today_of(now), 1));
	return json_pack("{s:b, s:s}", "ok", 0, "error",
	    "no activity with that id");
}

json_t *
view_calendar(const struct config *c, int year)
{
	json_t *cps = json_array(), *days = json_array();
	int k, day, first = calendar_days(year, 1, 1);
	int last = calendar_days(year, 12, 31);
	size_t i;

	for (k = 0; k < CHECKPOINT_NKINDS; k++) {
		struct checkpoint cp = { (enum checkpoint_kind)k, year };
		json_t *j = checkpoint_json(cp, &c->cal);

		json_object_set_new(j, "covers_from",
		    date_json(calendar_checkpoint_start(cp)));
		json_object_set_new(j, "covers_to",
		    date_json(calendar_checkpoint_end(cp)));
		json_array_append_new(cps, j);
	}
	for (day = first; day <= last; day++) {
		const char *name = NULL;
		int extra = 0;

		for (i = 0; i < c->cal.nextra_days; i++)
			if (c->cal.extra_days[i] == day)
				extra = 1;
		if (calendar_holiday(day, &name, NULL) || extra)
			json_array_append_new(days, json_pack("{s:o, s:s}",
			    "date", date_json(day), "name",
			    name ? name : "extra non-working day"));
	}
	return json_pack("{s:b, s:i, s:o, s:o}", "ok", 1, "year", year,
	    "checkpoints", cps, "non_working_days", days);
}
