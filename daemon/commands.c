/*
 * commands: what planwatchctl can ask the daemon, one function per
 * command.  Each takes the request object and returns the reply; the
 * control module does the socket work.  Commands that change state record
 * the caller (from SO_PEERCRED) in the audit trail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"
#include "conf.h"
#include "control.h"
#include "daemon.h"
#include "concern.h"
#include "log.h"
#include "outbox.h"
#include "plan.h"
#include "reports.h"
#include "rules.h"
#include "sched.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "view.h"

static json_t	*local_json(time_t);

static json_t *
cmd_status(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	struct store_counts sc;
	json_t *files = json_array(), *r;
	time_t next;
	size_t i, nact = 0;

	for (i = 0; i < d->conf->nfiles; i++)
		json_array_append_new(files, json_pack("{s:s, s:s}", "path",
		    d->conf->files[i].path, "sha256", d->conf->files[i].sha256));
	for (i = 0; i < d->conf->nplans; i++)
		nact += d->conf->plans[i].nactivities;
	store_counts(d->store, &sc);
	r = json_pack("{s:b, s:s, s:i, s:I, s:I, s:I, s:i, s:s, s:o, "
	    "s:{s:i, s:i, s:i, s:i, s:i}, s:{s:s, s:I, s:I, s:I}}",
	    "ok", 1,
	    "version", PLANWATCH_VERSION,
	    "pid", (int)getpid(),
	    "started", (json_int_t)d->started,
	    "uptime", (json_int_t)(daemon_now(d) - d->started),
	    "loaded", (json_int_t)d->loaded,
	    "reloads", (int)d->reloads,
	    "config", d->conf_path,
	    "files", files,
	    "counts",
	    "plans", (int)d->conf->nplans,
	    "activities", (int)nact,
	    "roles", (int)d->conf->org.nroles,
	    "units", (int)d->conf->org.nunits,
	    "schedule_entries", (int)sched_count(d->sched),
	    "database",
	    "path", d->conf->database,
	    "bytes", (json_int_t)sc.db_bytes,
	    "config_revisions", (json_int_t)sc.config_revisions,
	    "audit_rows", (json_int_t)sc.audit_rows);
	json_object_set_new(r, "notifications", json_integer(
	    sc.notifications));
	json_object_set_new(r, "queued", json_integer(sc.queued));
	json_object_set_new(r, "now", local_json(daemon_now(d)));
	json_object_set_new(r, "test_clock", json_boolean(d->test_clock));
	json_object_set_new(r, "wakeups", json_integer(d->wakeups));
	next = sched_next(d->sched, daemon_now(d));
	json_object_set_new(r, "next_due", next == SCHED_NEVER ? json_null() :
	    local_json(next));
	return r;
}

static json_t *
cmd_reload(struct daemon *d, const struct control_peer *peer, json_t *req,
    struct control_client *client)
{
	/* Answered when the reload job is done (main.c). */
	daemon_reload_start(d, peer->user, client);
	return NULL;
}

static json_t *
cmd_backup(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *path = json_string_value(json_object_get(req, "path"));
	char err[512];

	if (path == NULL || path[0] != '/')
		return control_error("backup needs an absolute path");
	if (store_backup(d->store, path, err, sizeof(err)) != 0) {
		log_warnx("backup: %s", err);
		return control_error("%s", err);
	}
	store_audit(d->store, daemon_now(d), peer->user, "backup", path);
	log_info("backup: written by %s", peer->user);
	return json_pack("{s:b, s:s}", "ok", 1, "path", path);
}

static json_t *
cmd_plan_list(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	return view_plan_list(d->conf, daemon_now(d));
}

static json_t *
cmd_plan_show(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *id = json_string_value(json_object_get(req, "id"));

	if (id == NULL)
		return control_error("plan show needs an activity id");
	return view_plan_show(d->conf, id, daemon_now(d));
}

static json_t *
cmd_calendar(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	json_t *y = json_object_get(req, "year");

	if (!json_is_integer(y) || json_integer_value(y) < 1900 ||
	    json_integer_value(y) > 2200)
		return control_error("calendar needs a year from 1900 to 2200");
	return view_calendar(d->conf, (int)json_integer_value(y));
}


static const char *
reqstr(json_t *req, const char *key)
{
	return json_string_value(json_object_get(req, key));
}

static json_t *
local_json(time_t t)
{
	char when[17];

	calendar_format_local(t, when);
	return json_string(when);
}

/* upcoming: what the scheduler will send, by the scheduler's own code. */
struct upcoming {
	struct daemon	*d;
	const char	*role;
	json_t		*rows;
};

static int
reported_cb(void *arg, const char *activity, const char *occurrence)
{
	struct upcoming *u = arg;

	return store_followup_get(u->d->store, activity, occurrence, NULL,
	    0) == 1;
}

static int
upcoming_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct upcoming *u = arg;
	struct sched_recipients rs = { 0 };
	struct sched_item it;
	char rule[256];
	size_t i;

	sched_item(s, e, &it);
	if (it.activity != NULL && it.activity->status != ACTIVITY_ACTIVE)
		return 0;
	snprintf(rule, sizeof(rule), "%s/%s#%d", it.rule->id, it.step->id,
	    it.rep);
	sched_recipients(s, e, &rs);
	for (i = 0; i < rs.n; i++) {
		const struct sched_recipient *r = &rs.v[i];
		const char *role = r->role ? r->role->id :
		    r->person == &u->d->conf->org.coordinator ? "coordinator" :
		    "deputy";

		if (u->role != NULL && strcmp(u->role, role) != 0)
			continue;
		json_array_append_new(u->rows, json_pack(
		    "{s:o, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "when", local_json(it.due), "at", (json_int_t)it.due,
		    "rule", rule, "template", it.step->template,
		    "activity", it.target, "occurrence", it.occurrence,
		    "as", r->cc ? "cc" : "to", "role", role,
		    "name", r->person->name, "email", r->person->email));
	}
	sched_recipients_free(&rs);
	return 0;
}

static json_t *
cmd_upcoming(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *from_s = reqstr(req, "from"), *dir = reqstr(req, "rules");
	json_t *days_j = json_object_get(req, "days");
	long long days = json_is_integer(days_j) ?
	    json_integer_value(days_j) : 30;
	struct ruleset *rs = NULL;
	struct sched *s = d->sched;
	struct upcoming u;
	time_t from = daemon_now(d);
	int day;

	if (days < 1 || days > 3660)
		return control_error("days must be from 1 to 3660");
	if (from_s != NULL) {
		if (calendar_parse_date(from_s, &day) != 0)
			return control_error("from must be a date YYYY-MM-DD");
		from = calendar_local_to_utc(day, 0);
	}
	if (dir != NULL) {
		const char *names[TEMPLATE_NKINDS + 1];
		struct diag diag = { 0 };
		struct buf b = { 0 };
		json_t *r;

		conf_template_names(names);
		rs = rules_load_dir(dir, d->conf, names, &diag);
		if (rs == NULL) {
			diag_format(&diag, &b);
			r = json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
			    "the rules do not load", "diagnostics",
			    b.s ? b.s : "");
			buf_free(&b);
			diag_free(&diag);
			return r;
		}
		diag_free(&diag);
		s = sched_build(d->conf, rs);
	}
	u.d = d;
	u.role = reqstr(req, "role");
	u.rows = json_array();
	sched_each(s, from, from + (time_t)days * 86400, reported_cb,
	    upcoming_cb, &u);
	if (rs != NULL) {
		sched_free(s);
		rules_free(rs);
	}
	return json_pack("{s:b, s:o, s:I, s:o}", "ok", 1, "from",
	    local_json(from), "days", (json_int_t)days, "upcoming", u.rows);
}

static void
row_cb(void *arg, int ncols, const char *const *names,
    const char *const *values)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < ncols; i++)
		json_object_set_new(o, names[i], values[i] ?
		    json_string(values[i]) : json_null());
	json_array_append_new(arg, o);
}

static json_t *
cmd_ledger(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	json_t *rows = json_array();

	json_t *row;
	size_t i;

	if (store_ledger(d->store, reqstr(req, "activity"), row_cb, rows) != 0) {
		json_decref(rows);
		return control_error("database error; see the daemon's log");
	}
	/* Times in the daemon's zone, which planwatchctl does not know. */
	json_array_foreach(rows, i, row)
		json_object_set_new(row, "due", local_json((time_t)atoll(
		    json_string_value(json_object_get(row, "due_at")))));
	return json_pack("{s:b, s:o}", "ok", 1, "ledger", rows);
}

static json_t *
cmd_outbox(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	json_t *rows = json_array();

	if (store_outbox(d->store, json_is_true(json_object_get(req,
	    "failed")), row_cb, rows) != 0) {
		json_decref(rows);
		return control_error("database error; see the daemon's log");
	}
	return json_pack("{s:b, s:o}", "ok", 1, "outbox", rows);
}

static json_t *
cmd_outbox_retry(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	json_t *id = json_object_get(req, "id");
	char obj[32];
	int n;

	if (!json_is_integer(id))
		return control_error("outbox retry needs a message id");
	n = store_outbox_retry(d->store, json_integer_value(id),
	    daemon_now(d));
	if (n < 0)
		return control_error("database error; see the daemon's log");
	if (n == 0)
		return control_error("message %lld has no failed or deferred "
		    "recipient", (long long)json_integer_value(id));
	snprintf(obj, sizeof(obj), "message %lld",
	    (long long)json_integer_value(id));
	store_audit(d->store, daemon_now(d), peer->user, "outbox-retry", obj);
	daemon_run_due(d);
	return json_pack("{s:b, s:i}", "ok", 1, "requeued", n);
}

/* An activity and where it lives. */
static const struct activity *
find_activity(const struct config *c, const char *id, const struct plan **pl)
{
	size_t p;

	for (p = 0; p < c->nplans; p++) {
		const struct activity *a = plan_find_activity(&c->plans[p], id);

		if (a != NULL) {
			*pl = &c->plans[p];
			return a;
		}
	}
	return NULL;
}

/*
 * Every occurrence an activity is followed up at, as the scheduler names
 * them: its checkpoints, and "deadline DATE" or "end DATE".
 */
static size_t
occurrences(const struct config *c, const struct plan *pl,
    const struct activity *a, char (*out)[32], int *due, size_t max)
{
	struct checkpoint *cps;
	size_t n = 0, ncp, i;
	char date[11];

	if (a->schedule.kind != SCHEDULE_ONGOING && n < max) {
		calendar_format(a->schedule.date, date);
		snprintf(out[n], sizeof(out[n]), "%s %s",
		    a->schedule.kind == SCHEDULE_DUE ? "deadline" : "end", date);
		due[n++] = a->schedule.date;
	}
	cps = plan_checkpoints(pl, a, &c->cal, &ncp);
	for (i = 0; i < ncp && n < max; i++) {
		calendar_checkpoint_format(cps[i], out[n], sizeof(out[n]));
		due[n++] = calendar_checkpoint_due(&c->cal, cps[i]);
	}
	free(cps);
	return n;
}

static json_t *
cmd_followup(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	static const char *const statuses[] = {
		"done", "on-track", "delayed", "cancelled"
	};
	const char *id = reqstr(req, "activity"), *cp = reqstr(req, "checkpoint");
	const char *status = reqstr(req, "status"), *comment;
	const struct person *who;
	const struct activity *a;
	const struct plan *pl = NULL;
	struct checkpoint c;
	char occ[64][32], want[32], obj[128], actor[160];
	int due[64];
	size_t n, i;

	if (id == NULL || cp == NULL || status == NULL)
		return control_error("followup needs an activity, a checkpoint "
		    "and a status");
	for (i = 0; i < nitems(statuses); i++)
		if (strcmp(status, statuses[i]) == 0)
			break;
	if (i == nitems(statuses))
		return control_error("status must be done, on-track, delayed "
		    "or cancelled");
	if ((a = find_activity(d->conf, id, &pl)) == NULL)
		return control_error("no activity '%s'", id);
	n = occurrences(d->conf, pl, a, occ, due, nitems(occ));
	if (calendar_parse_checkpoint(cp, pl->year, &c) == 0)
		calendar_checkpoint_format(c, want, sizeof(want));
	else
		snprintf(want, sizeof(want), "%s", cp);
	for (i = 0; i < n; i++)
		if (strcmp(occ[i], want) == 0 || (strncmp(occ[i], want,
		    strlen(want)) == 0 && occ[i][strlen(want)] == ' '))
			break;
	if (i == n) {
		struct buf b = { 0 };
		size_t k;
		json_t *r;

		for (k = 0; k < n; k++)
			buf_printf(&b, "%s%s", k ? ", " : "", occ[k]);
		r = control_error("activity '%s' is not followed up at '%s'; "
		    "it is at: %s", id, cp, b.s ? b.s : "nothing");
		buf_free(&b);
		return r;
	}
	comment = reqstr(req, "comment");
	who = org_person_by_user(&d->conf->org, peer->user);
	if (who != NULL)
		snprintf(actor, sizeof(actor), "%s (%s)", peer->user, who->name);
	else
		snprintf(actor, sizeof(actor), "%s", peer->user);
	if (store_followup_add(d->store, id, occ[i], status, comment, actor,
	    daemon_now(d)) != 0)
		return control_error("database error; see the daemon's log");
	snprintf(obj, sizeof(obj), "%s %s %s", id, occ[i], status);
	store_audit(d->store, daemon_now(d), peer->user, "followup", obj);
	log_info("followup: %s %s: %s by %s", id, occ[i], status, peer->user);
	return json_pack("{s:b, s:s, s:s, s:s, s:s}", "ok", 1, "activity", id,
	    "occurrence", occ[i], "status", status, "by", actor);
}

static json_t *
cmd_followup_list(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	int missing_only = json_is_true(json_object_get(req, "missing"));
	int today, minute;
	json_t *rows = json_array();
	size_t p, a, i, n;

	calendar_utc_to_local(daemon_now(d), &today, &minute);
	for (p = 0; p < d->conf->nplans; p++) {
		const struct plan *pl = &d->conf->plans[p];

		for (a = 0; a < pl->nactivities; a++) {
			const struct activity *act = &pl->activities[a];
			char occ[64][32], st[32], date[11];
			int due[64], got;
			const char *state;

			if (act->status != ACTIVITY_ACTIVE)
				continue;
			n = occurrences(d->conf, pl, act, occ, due,
			    nitems(occ));
			for (i = 0; i < n; i++) {
				got = store_followup_get(d->store, act->id,
				    occ[i], st, sizeof(st));
				state = got == 1 ? st : due[i] < today ?
				    "missing" : "open";
				if (missing_only && strcmp(state, "missing"))
					continue;
				calendar_format(due[i], date);
				json_array_append_new(rows, json_pack(
				    "{s:s, s:s, s:s, s:s}", "activity",
				    act->id, "occurrence", occ[i], "due", date,
				    "state", state));
			}
		}
	}
	return json_pack("{s:b, s:o}", "ok", 1, "followups", rows);
}

/* The next instant the test clock must stop at: a due entry or a retry. */
static time_t
next_stop(struct daemon *d)
{
	struct reports_env env;
	time_t next = sched_next(d->sched, d->clock), t[3];
	size_t i;

	daemon_reports_env(d, &env);
	t[0] = outbox_next(d->outbox);
	t[1] = remind_digest_next(d->store);
	t[2] = reports_next(&env);
	for (i = 0; i < nitems(t); i++)
		if (t[i] > d->clock && t[i] < next)
			next = t[i];
	return next;
}

/* The test clock: refused unless the daemon was started with one. */
static json_t *
cmd_time(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	json_t *set = json_object_get(req, "set");
	json_t *adv = json_object_get(req, "advance");

	time_t target = d->clock, next;

	if (!d->test_clock)
		return control_error("the clock can be set only on a daemon "
		    "started with --test-clock");
	if (json_is_integer(set))
		target = (time_t)json_integer_value(set);
	else if (json_is_integer(adv) && json_integer_value(adv) >= 0)
		target = d->clock + (time_t)json_integer_value(adv);
	else if (set != NULL || adv != NULL)
		return control_error("time: set takes an instant, advance a "
		    "number of seconds >= 0");
	/*
	 * Due work runs as the clock passes it: the clock stops at every due
	 * instant on the way, as the timer would, so nothing comes out late
	 * merely because the test moved the clock a long way at once.  A
	 * clock set backwards moves at once, like a clock step.
	 */
	while (target > d->clock && (next = next_stop(d)) <= target) {
		d->clock = next;
		daemon_run_due(d);
	}
	d->clock = target;
	daemon_run_due(d);
	return json_pack("{s:b, s:o, s:I}", "ok", 1, "now",
	    local_json(d->clock), "at", (json_int_t)d->clock);
}


/* The organisation's person behind the caller, and whether it is the
 * coordinator or the deputy (who may read descriptions and acknowledge). */
static const struct person *
caller(const struct daemon *d, const struct control_peer *peer, int *coord)
{
	const struct person *p = org_person_by_user(&d->conf->org, peer->user);

	*coord = p != NULL && (p == &d->conf->org.coordinator ||
	    p == &d->conf->org.deputy);
	return p;
}

static json_t *
refuse_report(const struct concern_error *err)
{
	char text[256];

	concern_error_format(err, text, sizeof(text));
	return json_pack("{s:b, s:s, s:s, s:s}", "ok", 0, "error", text,
	    "field", err->field, "reason", err->reason);
}

static json_t *
cmd_report_submit(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	const char *json = reqstr(req, "report");
	struct reports_env env;
	struct concern_error err;
	char source[96];
	int64_t id;
	int rc;

	if (json == NULL)
		return control_error("report submit needs the report");
	snprintf(source, sizeof(source), "planwatchctl:%s", peer->user);
	daemon_reports_env(d, &env);
	rc = reports_submit(&env, source, json, strlen(json), &id, &err);
	if (rc == 1)
		return refuse_report(&err);
	if (rc != 0)
		return control_error("the report could not be stored; try "
		    "again");
	outbox_kick(d->outbox);
	daemon_run_due(d);
	return json_pack("{s:b, s:I}", "ok", 1, "number", (json_int_t)id);
}

static json_t *
cmd_route(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *json = reqstr(req, "report");
	const char **roles = NULL;
	const struct person **people = NULL;
	struct concern_report r;
	struct concern_error err;
	json_t *v;
	size_t i, n;
	char when[17];

	if (json == NULL)
		return control_error("route needs the report");
	if (reports_parse(d->conf, daemon_now(d), json, strlen(json), &r,
	    &err) != 0)
		return refuse_report(&err);
	v = json_array();
	n = reports_recipients(d->conf, &r, &people, &roles);
	for (i = 0; i < n; i++)
		json_array_append_new(v, json_pack("{s:s, s:s, s:s}", "role",
		    roles[i], "name", people[i]->name, "email",
		    people[i]->email));
	calendar_format_local(reports_ack_due(d->conf, &r, daemon_now(d)),
	    when);
	free(people);
	free(roles);
	concern_report_free(&r);
	return json_pack("{s:b, s:o, s:s}", "ok", 1, "recipients", v,
	    "ack_due", when);
}

static json_t *
cmd_report_list(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	const struct person *p;
	json_t *rows = json_array(), *row;
	size_t i;
	int coord;

	if ((p = caller(d, peer, &coord)) == NULL) {
		json_decref(rows);
		return control_error("user %s is not in the organisation; "
		    "reports are shown to the people they concern", peer->user);
	}
	if (store_report_list(d->store, json_is_true(json_object_get(req,
	    "open")), coord ? NULL : p->email, row_cb, rows) != 0) {
		json_decref(rows);
		return control_error("database error; see the daemon's log");
	}
	json_array_foreach(rows, i, row) {
		const char *ack = json_string_value(json_object_get(row,
		    "ack_due"));

		json_object_set_new(row, "ack_due_local", local_json(
		    (time_t)atoll(ack ? ack : "0")));
	}
	return json_pack("{s:b, s:o}", "ok", 1, "reports", rows);
}

static json_t *
cmd_report_show(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	json_t *id = json_object_get(req, "id"), *rows, *routes, *r, *rt;
	const struct person *p;
	size_t i;
	int coord, routed = 0;

	if (!json_is_integer(id))
		return control_error("report show needs a report number");
	if ((p = caller(d, peer, &coord)) == NULL)
		return control_error("user %s is not in the organisation; "
		    "reports are shown to the people they concern", peer->user);
	rows = json_array();
	routes = json_array();
	store_report_get(d->store, json_integer_value(id), row_cb, rows);
	store_report_routes(d->store, json_integer_value(id), row_cb, routes);
	if (json_array_size(rows) != 1) {
		json_decref(rows);
		json_decref(routes);
		return control_error("no report %lld",
		    (long long)json_integer_value(id));
	}
	json_array_foreach(routes, i, rt)
		if (strcmp(json_string_value(json_object_get(rt, "recipient")),
		    p->email) == 0)
			routed = 1;
	if (!coord && !routed) {
		json_decref(rows);
		json_decref(routes);
		return control_error("report %lld was not routed to you",
		    (long long)json_integer_value(id));
	}
	r = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	/* Instants as local times; the tool does not know the zone. */
	{
		static const char *const keys[] = {
			"received_at", "ack_due", "acked_at", "closed_at",
			"purged_at"
		};
		const char *v;

		for (i = 0; i < nitems(keys); i++)
			if ((v = json_string_value(json_object_get(r,
			    keys[i]))) != NULL)
				json_object_set_new(r, keys[i],
				    local_json((time_t)atoll(v)));
	}
	/* Only the coordinator and the deputy read the description. */
	if (!coord)
		json_object_del(r, "description");
	else {
		char obj[32];

		snprintf(obj, sizeof(obj), "report %lld",
		    (long long)json_integer_value(id));
		store_audit(d->store, daemon_now(d), peer->user, "report-read",
		    obj);
	}
	json_object_set_new(r, "routed_to", routes);
	return json_pack("{s:b, s:o}", "ok", 1, "report", r);
}

static json_t *
cmd_report_ack(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	static const char *const outcomes[] = {
		"polis-informerad", "socialtjanst", "ingen-atgard", "annat"
	};
	json_t *id = json_object_get(req, "id");
	const char *outcome = reqstr(req, "outcome");
	const struct person *p;
	char who[160], obj[64];
	size_t i;
	int coord, n;

	if (!json_is_integer(id))
		return control_error("a report number is needed");
	p = caller(d, peer, &coord);
	if (!coord)
		return control_error("only the coordinator and the deputy "
		    "acknowledge and close reports");
	snprintf(who, sizeof(who), "%s (%s)", peer->user, p->name);
	snprintf(obj, sizeof(obj), "report %lld",
	    (long long)json_integer_value(id));
	if (outcome == NULL) {
		n = store_report_ack(d->store, json_integer_value(id), who,
		    daemon_now(d));
		if (n == 0)
			return control_error("report %lld does not exist or "
			    "was acknowledged already",
			    (long long)json_integer_value(id));
		store_audit(d->store, daemon_now(d), peer->user, "report-ack",
		    obj);
	} else {
		for (i = 0; i < nitems(outcomes); i++)
			if (strcmp(outcome, outcomes[i]) == 0)
				break;
		if (i == nitems(outcomes))
			return control_error("outcome must be polis-informerad, "
			    "socialtjanst, ingen-atgard or annat");
		n = store_report_close(d->store, json_integer_value(id),
		    outcome, who, daemon_now(d));
		if (n == 0)
			return control_error("report %lld does not exist or "
			    "was closed already",
			    (long long)json_integer_value(id));
		snprintf(obj + strlen(obj), sizeof(obj) - strlen(obj), " %s",
		    outcome);
		store_audit(d->store, daemon_now(d), peer->user,
		    "report-close", obj);
	}
	if (n < 0)
		return control_error("database error; see the daemon's log");
	log_info("report: %s %s by %s", obj, outcome ? "closed" :
	    "acknowledged", peer->user);
	daemon_run_due(d);
	return control_ok();
}

static json_t *
cmd_report_purge(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	int dry = json_is_true(json_object_get(req, "dry_run")), coord, n;
	json_t *rows = json_array(), *row;
	char obj[32];
	size_t i;

	caller(d, peer, &coord);
	if (!coord && !dry) {
		json_decref(rows);
		return control_error("only the coordinator and the deputy "
		    "purge reports");
	}
	n = store_report_purge(d->store, daemon_now(d) - d->conf->retention,
	    daemon_now(d), dry, row_cb, rows);
	if (n < 0) {
		json_decref(rows);
		return control_error("database error; see the daemon's log");
	}
	json_array_foreach(rows, i, row) {
		const char *v = json_string_value(json_object_get(row,
		    "closed_at"));

		if (v != NULL)
			json_object_set_new(row, "closed_at",
			    local_json((time_t)atoll(v)));
	}
	if (!dry) {
		snprintf(obj, sizeof(obj), "%d report(s)", n);
		store_audit(d->store, daemon_now(d), peer->user,
		    "report-purge", obj);
	}
	return json_pack("{s:b, s:b, s:o}", "ok", 1, "dry_run", dry,
	    "reports", rows);
}

static void
stat_cb(void *arg, int ncols, const char *const *names,
    const char *const *values)
{
	json_array_append_new(arg, json_pack("{s:s, s:I}", "key",
	    values[0] ? values[0] : "", "count",
	    (json_int_t)atoll(values[1] ? values[1] : "0")));
}

static void
ack_cb(void *arg, int ncols, const char *const *names,
    const char *const *values)
{
	json_array_append_new(arg, json_integer(atoll(values[0])));
}

static json_t *
cmd_stats(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *by = reqstr(req, "by"), *from = reqstr(req, "from");
	const char *to = reqstr(req, "to");
	json_t *rows = json_array(), *acks = json_array(), *r;
	size_t n;
	int day;

	if (by == NULL)
		by = "month";
	if (from == NULL)
		from = "0000-01-01";
	if (to == NULL)
		to = "9999-12-31";
	if ((strcmp(from, "0000-01-01") != 0 &&
	    calendar_parse_date(from, &day) != 0) ||
	    (strcmp(to, "9999-12-31") != 0 &&
	    calendar_parse_date(to, &day) != 0)) {
		json_decref(rows);
		json_decref(acks);
		return control_error("from and to must be dates YYYY-MM-DD");
	}
	if (strcmp(by, "ack") == 0 || store_report_stats(d->store, by, from,
	    to, stat_cb, rows) != 0) {
		json_decref(rows);
		json_decref(acks);
		return control_error("by must be month, milieu, kind, unit or "
		    "place");
	}
	store_report_stats(d->store, "ack", from, to, ack_cb, acks);
	n = json_array_size(acks);
	r = json_pack("{s:b, s:s, s:s, s:s, s:o}", "ok", 1, "by", by,
	    "from", from, "to", to, "counts", rows);
	/* Acknowledgement times: the median and the worst, in seconds. */
	json_object_set_new(r, "acknowledged", json_integer((json_int_t)n));
	json_object_set_new(r, "ack_median_seconds", n == 0 ? json_null() :
	    json_integer(n % 2 ? json_integer_value(json_array_get(acks,
	    n / 2)) : (json_integer_value(json_array_get(acks, n / 2 - 1)) +
	    json_integer_value(json_array_get(acks, n / 2))) / 2));
	json_object_set_new(r, "ack_worst_seconds", n == 0 ? json_null() :
	    json_incref(json_array_get(acks, n - 1)));
	json_decref(acks);
	return r;
}

static const struct command {
	const char	*name;
	json_t		*(*fn)(struct daemon *, const struct control_peer *,
			    json_t *);
} commands[] = {
	{ "status",	cmd_status },
	{ "backup",	cmd_backup },
	{ "plan-list",	cmd_plan_list },
	{ "plan-show",	cmd_plan_show },
	{ "calendar",	cmd_calendar },
	{ "upcoming",	cmd_upcoming },
	{ "ledger",	cmd_ledger },
	{ "outbox",	cmd_outbox },
	{ "outbox-retry", cmd_outbox_retry },
	{ "followup",	cmd_followup },
	{ "followup-list", cmd_followup_list },
	{ "time",	cmd_time },
	{ "report-submit", cmd_report_submit },
	{ "report-list", cmd_report_list },
	{ "report-show", cmd_report_show },
	{ "report-ack",	cmd_report_ack },
	{ "report-purge", cmd_report_purge },
	{ "route",	cmd_route },
	{ "stats",	cmd_stats },
};

json_t *
commands_handle(void *arg, const struct control_peer *peer, json_t *req,
    struct control_client *client)
{
	struct daemon *d = arg;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	size_t i;

	if (cmd == NULL)
		return control_error("request has no command");
	if (strcmp(cmd, "reload") == 0)
		return cmd_reload(d, peer, req, client);
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			return commands[i].fn(d, peer, req);
	return control_error("unknown command '%s'", cmd);
}

