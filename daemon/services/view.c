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
#include "followup.h"
#include "plan.h"
#include "sched.h"
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
local_json(time_t t)
{
	char when[17];

	calendar_format_local(t, when);
	return json_string(when);
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
people_json(const struct role *r)
{
	struct buf b = { 0 };
	json_t *j;
	size_t i;

	for (i = 0; r != NULL && i < r->npeople; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", r->people[i].name);
	j = json_string(b.s ? b.s : "");
	buf_free(&b);
	return j;
}

/* One part of an occurrence: "reported", "completed", "cancelled",
 * "missing" (past due) or "open". */
static json_t *
part_json(const struct followups *fs, const struct plan *pl,
    const struct activity *a, const struct role *r, const char *occ,
    int due, int today, const char **state)
{
	const char *id = r != NULL ? r->id : NULL;
	const struct followup_row *row = followups_find(fs, a->id, occ, id);
	enum followup_closed closed = FOLLOWUP_OPEN;
	json_t *j;

	if (row == NULL)
		closed = followups_closed(fs, pl, a, id, &row);
	*state = row != NULL && closed == FOLLOWUP_OPEN ? "reported" :
	    closed == FOLLOWUP_COMPLETED ? "completed" :
	    closed == FOLLOWUP_CANCELLED ? "cancelled" :
	    due < today ? "missing" : "open";
	j = json_pack("{s:o, s:o, s:o, s:s}", "role", str_or_null(id),
	    "role_name", r != NULL ? json_string(r->name) : json_null(),
	    "people", people_json(r), "state", *state);
	if (row != NULL) {
		json_object_set_new(j, "status", json_string(row->status));
		json_object_set_new(j, "status_sv", json_string(
		    followup_status_label(row->status, 0)));
		json_object_set_new(j, "occurrence", json_string(
		    row->occurrence));
		json_object_set_new(j, "reported_by", json_string(
		    row->reported_by));
		json_object_set_new(j, "reported_at", local_json(row->at));
		json_object_set_new(j, "on_behalf_of",
		    str_or_null(row->on_behalf_of));
		json_object_set_new(j, "channel", json_string(row->channel));
		json_object_set_new(j, "comment", str_or_null(row->comment));
	}
	return j;
}

/*
 * One occurrence with its parts (only `role`'s when given); NULL when
 * `missing_only` and nothing is missing.
 */
static json_t *
occurrence_json(const struct config *c, const struct followups *fs,
    size_t p, size_t a, const char *occ, int due, int today,
    const char *role, int missing_only)
{
	const struct plan *pl = &c->plans[p];
	const struct activity *act = &pl->activities[a];
	const struct activity_roles *ar = &c->roles[p][a];
	json_t *parts = json_array(), *missing = json_array(), *j;
	const char *st, *state;
	char label[96], date[11];
	size_t k, n = 0, nrep = 0, nmiss = 0, nclosed = 0;

	for (k = 0; k < (ar->nroles ? ar->nroles : 1); k++) {
		const struct role *r = ar->nroles ? ar->roles[k] : NULL;

		if (role != NULL && (r == NULL || strcmp(r->id, role) != 0))
			continue;
		json_array_append_new(parts, part_json(fs, pl, act, r, occ,
		    due, today, &st));
		n++;
		if (strcmp(st, "reported") == 0)
			nrep++;
		else if (strcmp(st, "missing") == 0) {
			nmiss++;
			json_array_append_new(missing, people_json(r));
		} else if (strcmp(st, "open") != 0)
			nclosed++;
	}
	if (n == 0 || (missing_only && nmiss == 0)) {
		json_decref(parts);
		json_decref(missing);
		return NULL;
	}
	state = nrep + nclosed == n ? (nrep > 0 ? "reported" : "closed") :
	    nrep + nclosed > 0 ? "partial" : nmiss > 0 ? "missing" : "open";
	sched_occurrence_label(occ, 0, label, sizeof(label));
	calendar_format(due, date);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
	    "activity", act->id, "title", act->title, "plan", pl->id,
	    "occurrence", occ, "name", label, "due", date, "state", state,
	    "parts", parts, "missing", missing);
	return j;
}

/* The follow-ups of activity (p, a) into `out`. */
static void
followups_of(const struct config *c, const struct followups *fs, size_t p,
    size_t a, int today, const char *role, int missing_only, json_t *out)
{
	const struct plan *pl = &c->plans[p];
	char occ[64][32];
	int due[64];
	size_t n, i;
	json_t *j;

	n = followup_occurrences(c, pl, &pl->activities[a], occ, due,
	    nitems(occ));
	for (i = 0; i < n; i++)
		if ((j = occurrence_json(c, fs, p, a, occ[i], due[i], today,
		    role, missing_only)) != NULL)
			json_array_append_new(out, j);
}

/*
 * What the reports make of an activity as a whole: "done" or
 * "cancelled" once every part is, else the plan file's status.
 */
static const char *
reported_status(const struct config *c, const struct followups *fs,
    size_t p, size_t a, json_t **closed)
{
	const struct plan *pl = &c->plans[p];
	const struct activity *act = &pl->activities[a];
	const struct activity_roles *ar = &c->roles[p][a];
	size_t k, n = ar->nroles ? ar->nroles : 1, ndone = 0, ncanc = 0;

	*closed = json_array();
	if (act->status != ACTIVITY_ACTIVE)
		return plan_status_name(act->status);
	for (k = 0; k < n; k++) {
		const struct role *r = ar->nroles ? ar->roles[k] : NULL;
		const struct followup_row *why;
		enum followup_closed s = followups_closed(fs, pl, act,
		    r ? r->id : NULL, &why);

		if (s == FOLLOWUP_OPEN)
			continue;
		if (s == FOLLOWUP_COMPLETED)
			ndone++;
		else
			ncanc++;
		json_array_append_new(*closed, json_pack("{s:o, s:s, s:s, "
		    "s:o, s:o}", "role", str_or_null(r ? r->id : NULL),
		    "status", s == FOLLOWUP_COMPLETED ? "done" : "cancelled",
		    "reported_by", why->reported_by, "reported_at",
		    local_json(why->at), "comment", str_or_null(why->comment)));
	}
	if (ndone + ncanc < n)
		return "active";
	return ncanc == n ? "cancelled" : "done";
}

static json_t *
activity_json(const struct config *c, const struct followups *fs, size_t p,
    size_t a, int today, int full)
{
	const struct plan *pl = &c->plans[p];
	const struct activity *act = &pl->activities[a];
	struct checkpoint *cps;
	size_t ncp, i;
	json_t *j, *list, *resp, *ids, *next = json_null(), *last = json_null();
	json_t *closed;
	const char *status;

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
	status = reported_status(c, fs, p, a, &closed);
	j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:s, s:s, s:s, s:o}",
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
	    "status", status,
	    "status_sv", strcmp(status, "active") == 0 ? "aktiv" :
	    followup_status_label(status, 0),
	    "plan_status", plan_status_name(act->status),
	    "closed", closed);
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
		fu = json_array();
		followups_of(c, fs, p, a, today, NULL, 0, fu);
		json_object_set_new(j, "followups", fu);
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
view_plan_list(const struct config *c, const struct followups *fs,
    time_t now)
{
	json_t *v = json_array();
	size_t p, a;
	int today = today_of(now);

	for (p = 0; p < c->nplans; p++)
		for (a = 0; a < c->plans[p].nactivities; a++)
			json_array_append_new(v, activity_json(c, fs, p, a,
			    today, 0));
	return json_pack("{s:b, s:o, s:o}", "ok", 1, "today",
	    date_json(today), "activities", v);
}

/* The plan that supersedes `pl`, live or itself superseded; NULL if none. */
static const struct plan *
successor(const struct config *c, const struct plan *pl)
{
	size_t p;

	for (p = 0; p < c->nplans; p++)
		if (c->plans[p].supersedes != NULL &&
		    strcmp(c->plans[p].supersedes, pl->id) == 0)
			return &c->plans[p];
	for (p = 0; p < c->nsuperseded; p++)
		if (c->superseded[p].supersedes != NULL &&
		    strcmp(c->superseded[p].supersedes, pl->id) == 0)
			return &c->superseded[p];
	return NULL;
}

/* One plan an activity has been in, for its history. */
static json_t *
lineage_json(const struct config *c, const struct plan *pl,
    const struct activity *act)
{
	const struct plan *next = successor(c, pl);

	return json_pack("{s:s, s:o, s:s, s:s, s:I, s:o}", "plan", pl->id,
	    "adopted", date_json(pl->adopted), "title", act->title, "file",
	    pl->file, "line", (json_int_t)act->line, "superseded_by", next ?
	    json_string(next->id) : json_null());
}

static int
lineage_cmp(const void *x, const void *y)
{
	json_t *const *a = x, *const *b = y;

	return strcmp(json_string_value(json_object_get(*a, "adopted")),
	    json_string_value(json_object_get(*b, "adopted")));
}

/*
 * An activity of a superseded plan, as it was: the plan file's fields
 * and checkpoints.  Read only -- no roles are resolved for a superseded
 * plan and nothing is followed up any more, so it has no parts.
 */
static json_t *
superseded_json(const struct config *c, const struct plan *pl,
    const struct activity *act)
{
	const struct plan *next = successor(c, pl);
	struct checkpoint *cps;
	struct buf b = { 0 };
	json_t *resp = json_array(), *fu = json_array(), *list = json_array();
	size_t i, ncp;

	for (i = 0; i < act->nresponsible; i++)
		json_array_append_new(resp, json_string(act->responsible[i]));
	for (i = 0; i < act->nfollowup; i++) {
		buf_reset(&b);
		plan_format_followup(&act->followup[i], &b);
		json_array_append_new(fu, json_string(b.s));
	}
	buf_free(&b);
	cps = plan_checkpoints(pl, act, &c->cal, &ncp);
	for (i = 0; i < ncp; i++)
		json_array_append_new(list, checkpoint_json(cps[i], &c->cal));
	free(cps);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, "
	    "s:s, s:s, s:s, s:s, s:I, s:o}",
	    "id", act->id,
	    "plan", pl->id,
	    "section", plan_section_name(act->section),
	    "title", act->title,
	    "description", act->description,
	    "responsible", resp,
	    "schedule", schedule_json(act),
	    "followup", fu,
	    "checkpoints", list,
	    "end", date_json(plan_activity_end(pl, act, &c->cal)),
	    "status", plan_status_name(act->status),
	    "status_sv", act->status == ACTIVITY_ACTIVE ? "aktiv" :
	    followup_status_label(plan_status_name(act->status), 0),
	    "plan_status", plan_status_name(act->status),
	    "file", pl->file,
	    "line", (json_int_t)act->line,
	    "superseded_by", next ? json_string(next->id) : json_null());
}

json_t *
view_plan_show(const struct config *c, const struct followups *fs,
    const char *id, time_t now)
{
	const struct activity *act, *old_act = NULL;
	const struct plan *old = NULL;
	json_t *j = NULL, **lin = NULL, *plans;
	size_t p, a, n = 0, i;

	for (p = 0; p < c->nplans && j == NULL; p++)
		for (a = 0; a < c->plans[p].nactivities; a++)
			if (strcmp(c->plans[p].activities[a].id, id) == 0) {
				j = activity_json(c, fs, p, a, today_of(now),
				    1);
				json_object_set_new(j, "superseded_by",
				    json_null());
				lin = xreallocarray(lin, n + 1, sizeof(*lin));
				lin[n++] = lineage_json(c, &c->plans[p],
				    &c->plans[p].activities[a]);
				break;
			}
	/* Superseded plans that held it: its history across revisions. */
	for (p = 0; p < c->nsuperseded; p++) {
		if ((act = plan_find_activity(&c->superseded[p], id)) == NULL)
			continue;
		lin = xreallocarray(lin, n + 1, sizeof(*lin));
		lin[n++] = lineage_json(c, &c->superseded[p], act);
		if (old == NULL || c->superseded[p].adopted > old->adopted) {
			old = &c->superseded[p];
			old_act = act;
		}
	}
	/* Left out by a revision: shown from the newest plan that had it. */
	if (j == NULL && old != NULL)
		j = superseded_json(c, old, old_act);
	if (j == NULL)
		return json_pack("{s:b, s:s}", "ok", 0, "error",
		    "no activity with that id");
	qsort(lin, n, sizeof(*lin), lineage_cmp);
	plans = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(plans, lin[i]);
	free(lin);
	json_object_set_new(j, "plans", plans);
	return json_pack("{s:b, s:o}", "ok", 1, "activity", j);
}

json_t *
view_followups(const struct config *c, const struct followups *fs,
    time_t now, const char *role, int missing_only)
{
	json_t *rows = json_array();
	int today = today_of(now);
	size_t p, a;

	for (p = 0; p < c->nplans; p++)
		for (a = 0; a < c->plans[p].nactivities; a++)
			if (c->plans[p].activities[a].status == ACTIVITY_ACTIVE)
				followups_of(c, fs, p, a, today, role,
				    missing_only, rows);
	return json_pack("{s:b, s:o, s:o}", "ok", 1, "today", date_json(today),
	    "followups", rows);
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
