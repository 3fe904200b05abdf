/*
 * commands: what planwatchctl can ask the daemon, one function per
 * command.  Each takes the request object and returns the reply; the
 * control module does the socket work.  Commands that change state record
 * the caller (from SO_PEERCRED) in the audit trail.
 *
 * Who may do what.  The socket's mode admits the control group; within
 * it, the admin commands (reload, backup, debug time, outbox retry,
 * report purge, upcoming --rules, web link, web revoke, web rotate-key)
 * are for root, the daemon's own user
 * and members of admin_group; the reports are shown to the people of the
 * organisation they concern (the coordinator and the deputy read
 * descriptions, acknowledge and close); the rest is for every caller.  A
 * refused attempt is answered with the reason and recorded in the audit
 * trail as "refused".
 */
#include <sys/stat.h>

#include <grp.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"
#include "conf.h"
#include "control.h"
#include "daemon.h"
#include "host.h"
#include "followup.h"
#include "concern.h"
#include "log.h"
#include "outbox.h"
#include "remind.h"
#include "plan.h"
#include "reports.h"
#include "rules.h"
#include "sched.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "view.h"
#include "weblink.h"

static json_t	*local_json(time_t);

/* Root, the daemon's own user, or a member of admin_group. */
static int
admin(const struct daemon *d, const struct control_peer *peer)
{
	struct group gr, *res = NULL;
	char buf[16384];

	if (peer->uid == 0 || peer->uid == geteuid())
		return 1;
	if (d->conf->admin_group == NULL)
		return 0;
	if (getgrnam_r(d->conf->admin_group, &gr, buf, sizeof(buf), &res) !=
	    0 || res == NULL) {
		log_warnx("control: admin_group '%s' cannot be read",
		    d->conf->admin_group);
		return 0;
	}
	return control_peer_in_group(peer, gr.gr_gid);
}

/*
 * Refuses a request with the reason; the attempt goes to the audit trail
 * as "refused" with `what` (the command, and its object).
 */
static json_t *
refuse(struct daemon *d, const struct control_peer *peer, const char *what,
    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static json_t *
refuse(struct daemon *d, const struct control_peer *peer, const char *what,
    const char *fmt, ...)
{
	va_list ap;
	json_t *r;

	store_audit(d->store, daemon_now(d), peer->user, "refused", what);
	log_info("control: %s refused for %s", what, peer->user);
	va_start(ap, fmt);
	r = control_verror(fmt, ap);
	va_end(ap);
	return r;
}

static json_t *
refuse_admin(struct daemon *d, const struct control_peer *peer,
    const char *what)
{
	return refuse(d, peer, what, "'%s' is an admin command: for root, the "
	    "daemon's user%s%s%s; %s is none of them", what,
	    d->conf->admin_group ? " and members of the group '" : "",
	    d->conf->admin_group ? d->conf->admin_group : "",
	    d->conf->admin_group ? "' (admin_group)" : " (admin_group is "
	    "not set)", peer->user);
}

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
	json_object_set_new(r, "state", json_string(store_health(d->store) ?
	    "degraded" : "ok"));
	if (store_health(d->store) != NULL) {
		struct buf b = { 0 };

		buf_printf(&b, "writes fail: %s; reports are refused with 503 "
		    "until they work again", store_health(d->store));
		json_object_set_new(r, "problem", json_string(b.s));
		buf_free(&b);
	}
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

/*
 * A backup goes only into backup_dir, as a new file: by name, or by a
 * path whose directory is backup_dir (compared by device and inode), or
 * by default as planwatch-YYYYMMDD-HHMMSS.db.
 */
static json_t *
cmd_backup(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *path = json_string_value(json_object_get(req, "path"));
	const char *name = json_string_value(json_object_get(req, "name"));
	char err[1024], def[64], *copy = NULL, *dir, *written;
	struct stat a, b;
	struct tm tm;
	time_t now = daemon_now(d);
	json_t *r;

	if (path != NULL) {
		copy = xstrdup(path);
		dir = dirname(copy);
		if (path[0] != '/' || stat(dir, &a) == -1 ||
		    stat(d->conf->backup_dir, &b) == -1 ||
		    a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
			free(copy);
			return refuse(d, peer, "backup", "backups go only into "
			    "the backup directory %s (backup_dir): give a file "
			    "name", d->conf->backup_dir);
		}
		name = strrchr(path, '/') + 1;
	} else if (name == NULL) {
		localtime_r(&now, &tm);
		strftime(def, sizeof(def), "planwatch-%Y%m%d-%H%M%S.db", &tm);
		name = def;
	}
	if (store_backup(d->store, d->conf->backup_dir, name, &written, err,
	    sizeof(err)) != 0) {
		log_warnx("backup: %s", err);
		free(copy);
		return control_error("%s", err);
	}
	free(copy);
	store_audit(d->store, now, peer->user, "backup", written);
	log_info("backup: %s written for %s", written, peer->user);
	r = json_pack("{s:b, s:s}", "ok", 1, "path", written);
	free(written);
	return r;
}

static json_t *
db_error(void)
{
	return control_error("database error; see the daemon's log");
}

static json_t *
cmd_plan_list(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	struct followups *fs = followups_load(d->store);
	json_t *r;

	if (fs == NULL)
		return db_error();
	r = view_plan_list(d->conf, fs, daemon_now(d));
	followups_free(fs);
	return r;
}

static void row_cb(void *, int, const char *const *, const char *const *);

/*
 * One activity with its follow-ups (view.c) and its history: the plans
 * it has been in, and from the database every follow-up report and
 * reminder, whichever plan they were made under -- a revision's
 * continuing activities keep their ids, so the history is theirs.
 */
static json_t *
cmd_plan_show(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *id = json_string_value(json_object_get(req, "id"));
	struct followups *fs;
	json_t *r, *a, *rep, *led, *row;
	size_t i;

	if (id == NULL)
		return control_error("plan show needs an activity id");
	if ((fs = followups_load(d->store)) == NULL)
		return db_error();
	r = view_plan_show(d->conf, fs, id, daemon_now(d));
	followups_free(fs);
	if ((a = json_object_get(r, "activity")) == NULL)
		return r;
	rep = json_array();
	led = json_array();
	if (store_followup_history(d->store, id, row_cb, rep) != 0 ||
	    store_ledger(d->store, id, row_cb, led) != 0) {
		json_decref(rep);
		json_decref(led);
		json_decref(r);
		return db_error();
	}
	/* Times in the daemon's zone, which planwatchctl does not know. */
	json_array_foreach(rep, i, row)
		json_object_set_new(row, "reported", local_json((time_t)atoll(
		    json_string_value(json_object_get(row, "reported_at")))));
	json_array_foreach(led, i, row)
		json_object_set_new(row, "due", local_json((time_t)atoll(
		    json_string_value(json_object_get(row, "due_at")))));
	json_object_set_new(a, "reports", rep);
	json_object_set_new(a, "ledger", led);
	return r;
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

static json_t *
cmd_upcoming(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const char *from_s = reqstr(req, "from"), *dir = reqstr(req, "rules");
	json_t *days_j = json_object_get(req, "days");
	long long days = json_is_integer(days_j) ?
	    json_integer_value(days_j) : 30;
	struct ruleset *rs = NULL;
	struct sched *s = d->sched;
	struct remind_templates tpl;
	struct diag tdiag = { 0 };
	time_t from = daemon_now(d);
	json_t *rows;
	int day, own = 0;

	if (days < 1 || days > 3660)
		return control_error("days must be from 1 to 3660");
	/* The daemon reads the directory named: an admin's preview. */
	if (dir != NULL && !admin(d, peer))
		return refuse_admin(d, peer, "upcoming --rules");
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
		rs = rules_load_dir(host_source(), dir, &d->conf->org, names,
		    &diag);
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
	/*
	 * The messages themselves, by the code that will write them; an
	 * edit's own templates when its directory has them.
	 */
	if (dir != NULL && remind_templates_load(&tpl, host_source(), dir,
	    &tdiag) == 0)
		own = 1;
	diag_free(&tdiag);
	rows = remind_preview(d->store, d->conf, s, own ? &tpl : &d->tpl,
	    from, from + (time_t)days * 86400, daemon_now(d),
	    reqstr(req, "role"));
	if (own)
		remind_templates_free(&tpl);
	if (rs != NULL) {
		sched_free(s);
		rules_free(rs);
	}
	if (rows == NULL)
		return db_error();
	return json_pack("{s:b, s:o, s:I, s:o}", "ok", 1, "from",
	    local_json(from), "days", (json_int_t)days, "messages", rows);
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

	if (json_is_true(json_object_get(req, "failed"))) {
		if ((n = store_outbox_retry_failed(d->store,
		    daemon_now(d))) < 0)
			return db_error();
		snprintf(obj, sizeof(obj), "%d failed", n);
		store_audit(d->store, daemon_now(d), peer->user, "outbox-retry",
		    obj);
		daemon_run_due(d);
		return json_pack("{s:b, s:i}", "ok", 1, "requeued", n);
	}
	if (!json_is_integer(id))
		return control_error("outbox retry needs a message id or "
		    "--failed");
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

/* The caller as the follow-up service sees it. */
static void
ctl_caller(const struct daemon *d, const struct control_peer *peer,
    struct followup_caller *fc)
{
	fc->person = org_person_by_user(&d->conf->org, peer->user);
	fc->actor = peer->user;
	fc->channel = FOLLOWUP_CHANNEL_CTL;
}

static json_t *
followup_reply(struct daemon *d, int rc, const struct followup_result *res,
    const char *activity, const char *status)
{
	json_t *parts;
	size_t i;

	if (rc == FOLLOWUP_REFUSED)
		return control_error("%s", res->message);
	if (rc != FOLLOWUP_RECORDED)
		return db_error();
	parts = json_array();
	for (i = 0; i < res->nparts; i++)
		json_array_append_new(parts, json_string(res->parts[i]->id));
	/* What it stopped or restarted takes effect at once. */
	daemon_run_due(d);
	return json_pack("{s:b, s:s, s:s, s:s, s:o, s:b}", "ok", 1,
	    "activity", activity, "occurrence", res->occurrence, "status",
	    status, "parts", parts, "on_behalf", res->on_behalf);
}

static json_t *
cmd_followup(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	struct followup_caller fc;
	struct followup_report r;
	struct followup_result res;
	int rc;

	memset(&r, 0, sizeof(r));
	r.activity = reqstr(req, "activity");
	r.occurrence = reqstr(req, "checkpoint");
	r.status = reqstr(req, "status");
	r.comment = reqstr(req, "comment");
	r.part = reqstr(req, "for");
	if (r.activity == NULL || r.occurrence == NULL || r.status == NULL)
		return control_error("followup needs an activity, a checkpoint "
		    "and a status");
	ctl_caller(d, peer, &fc);
	rc = followup_record(d->store, d->conf, daemon_now(d), &fc, &r, &res);
	return followup_reply(d, rc, &res, r.activity, r.status);
}

static json_t *
cmd_followup_reopen(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	struct followup_caller fc;
	struct followup_result res;
	const char *id = reqstr(req, "activity");
	int rc;

	if (id == NULL)
		return control_error("followup reopen needs an activity");
	ctl_caller(d, peer, &fc);
	rc = followup_reopen(d->store, d->conf, daemon_now(d), &fc, id,
	    reqstr(req, "for"), &res);
	return followup_reply(d, rc, &res, id, "reopened");
}

static json_t *
cmd_followup_list(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	const char *role = reqstr(req, "role");
	struct followups *fs;
	json_t *r;

	if (role != NULL && org_role(&d->conf->org, role) == NULL)
		return control_error("no role '%s' in the organisation", role);
	if ((fs = followups_load(d->store)) == NULL)
		return db_error();
	r = view_followups(d->conf, fs, daemon_now(d), role,
	    json_is_true(json_object_get(req, "missing")));
	followups_free(fs);
	return r;
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
	json_t *j = concern_error_json(err);

	if (j == NULL)
		return control_error("the report was refused");
	json_object_set_new(j, "ok", json_false());
	return j;
}

static json_t *
cmd_report_submit(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	const char *json = reqstr(req, "report");
	struct reports_env env;
	struct concern_error err;
	char source[96];
	time_t received;
	int64_t id;
	int rc;

	if (json == NULL)
		return control_error("report submit needs the report");
	snprintf(source, sizeof(source), "planwatchctl:%s", peer->user);
	daemon_reports_env(d, &env);
	rc = reports_submit(&env, source, NULL, json, strlen(json), &id,
	    &received, &err);
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
		return refuse(d, peer, "report-list", "user %s is not in the "
		    "organisation; reports are shown to the people they "
		    "concern", peer->user);
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
	char obj[32];
	size_t i;
	int coord, routed = 0;

	if (!json_is_integer(id))
		return control_error("report show needs a report number");
	snprintf(obj, sizeof(obj), "report %lld",
	    (long long)json_integer_value(id));
	if ((p = caller(d, peer, &coord)) == NULL)
		return refuse(d, peer, "report-show", "user %s is not in the "
		    "organisation; reports are shown to the people they "
		    "concern", peer->user);
	rows = json_array();
	routes = json_array();
	if (store_report_get(d->store, json_integer_value(id), row_cb,
	    rows) != 0 || store_report_routes(d->store,
	    json_integer_value(id), row_cb, routes) != 0) {
		json_decref(rows);
		json_decref(routes);
		return control_error("database error; see the daemon's log");
	}
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
		return refuse(d, peer, obj, "report %lld was not routed to you",
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
	/*
	 * Only the coordinator and the deputy read the description, and
	 * only once the reading is in the audit trail: if the row cannot be
	 * committed (a full disk), the description is not shown.
	 */
	if (!coord)
		json_object_del(r, "description");
	else if (json_is_string(json_object_get(r, "description")) &&
	    store_audit(d->store, daemon_now(d), peer->user, "report-read",
	    obj) != 0) {
		json_decref(r);
		json_decref(routes);
		log_warnx("report: %s: the reading could not be recorded; "
		    "the description was not shown", obj);
		return control_error("the reading of report %lld could not be "
		    "recorded in the audit trail (%s), so its description is "
		    "not shown; try again when the daemon's state can be "
		    "written", (long long)json_integer_value(id),
		    store_health(d->store) ? store_health(d->store) :
		    "database error");
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
		return refuse(d, peer, outcome ? "report-close" : "report-ack",
		    "only the coordinator and the deputy acknowledge and "
		    "close reports");
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
	if (!dry && !admin(d, peer)) {
		json_decref(rows);
		return refuse_admin(d, peer, "report-purge");
	}
	if (dry && !coord && !admin(d, peer)) {
		json_decref(rows);
		return refuse(d, peer, "report-purge", "only admins, the "
		    "coordinator and the deputy see what is due for purging");
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

/* ---- the pages' links ---- */

/* A person of the organisation named by login or address. */
static const struct person *
named_person(struct daemon *d, const char *who)
{
	const struct person *p;

	if (who == NULL)
		return NULL;
	p = org_person_by_user(&d->conf->org, who);
	return p != NULL ? p : org_person_by_email(&d->conf->org, who);
}

/* The person a web command names, and their link number, or a reply. */
static json_t *
web_person(struct daemon *d, json_t *req, const struct person **p,
    struct store_web_person *wp)
{
	const char *who = reqstr(req, "person");

	if (daemon_signer(d) == NULL)
		return control_error("there are no pages: planwatch.conf has "
		    "no web group (planwatch.conf(5))");
	if ((*p = named_person(d, who)) == NULL)
		return control_error("no person '%s' in the organisation; "
		    "give a login or an e-mail address", who ? who : "");
	if (store_web_person(d->store, (*p)->email, 1, wp) != 1)
		return db_error();
	return NULL;
}

static json_t *
cmd_web_link(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	const struct link_signer *sg = daemon_signer(d);
	const struct person *p;
	struct store_web_person wp;
	char obj[48], *page, *feed;
	json_t *r;

	if ((r = web_person(d, req, &p, &wp)) != NULL)
		return r;
	page = weblink_url_for(&d->conf->web, sg, LINK_PAGE, &wp, 0,
	    daemon_now(d));
	feed = weblink_url_for(&d->conf->web, sg, LINK_FEED, &wp, 0,
	    daemon_now(d));
	snprintf(obj, sizeof(obj), "person %lld", (long long)wp.id);
	store_audit(d->store, daemon_now(d), peer->user, "web-link", obj);
	r = json_pack("{s:b, s:s, s:s, s:I, s:s?, s:s?}", "ok", 1,
	    "name", p->name, "email", p->email, "number", (json_int_t)wp.id,
	    "page", page, "feed", feed);
	free(page);
	free(feed);
	return r;
}

static json_t *
cmd_web_revoke(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	const struct person *p;
	struct store_web_person wp;
	char obj[48];
	json_t *r;

	if ((r = web_person(d, req, &p, &wp)) != NULL)
		return r;
	snprintf(obj, sizeof(obj), "person %lld", (long long)wp.id);
	if (store_begin(d->store) != 0)
		return db_error();
	if (store_web_revoke(d->store, wp.id) != 0 ||
	    store_audit(d->store, daemon_now(d), peer->user, "web-revoke",
	    obj) != 0 || store_commit(d->store) != 0) {
		store_rollback(d->store);
		return db_error();
	}
	log_info("web: every link of person %lld revoked by %s",
	    (long long)wp.id, peer->user);
	return json_pack("{s:b, s:s, s:s, s:I}", "ok", 1, "name", p->name,
	    "email", p->email, "number", (json_int_t)wp.id);
}

static json_t *
cmd_web_rotate_key(struct daemon *d, const struct control_peer *peer,
    json_t *req)
{
	char err[512], obj[48];

	if (daemon_signer(d) == NULL)
		return control_error("there are no pages: planwatch.conf has "
		    "no web group (planwatch.conf(5))");
	if (linkkey_rotate(d->linkkey, err, sizeof(err)) != 0) {
		log_warnx("web: rotate-key: %s", err);
		return control_error("the key was not replaced: %s", err);
	}
	snprintf(obj, sizeof(obj), "generation %u",
	    linkkey_generation(d->linkkey));
	store_audit(d->store, daemon_now(d), peer->user, "web-rotate-key",
	    obj);
	log_info("web: link key replaced by %s (%s): every earlier link "
	    "ends", peer->user, obj);
	return json_pack("{s:b, s:i}", "ok", 1, "generation",
	    (int)linkkey_generation(d->linkkey));
}

/*
 * Every command and who may use it: PRIV_ADMIN only admins; PRIV_ANY
 * every caller, the command itself checking anything finer (the reports
 * by the organisation).
 */
enum priv {
	PRIV_ANY,
	PRIV_ADMIN
};

static const struct command {
	const char	*name;
	enum priv	 priv;
	json_t		*(*fn)(struct daemon *, const struct control_peer *,
			    json_t *);
} commands[] = {
	{ "status",	PRIV_ANY,	cmd_status },
	{ "reload",	PRIV_ADMIN,	NULL },		/* answered later */
	{ "backup",	PRIV_ADMIN,	cmd_backup },
	{ "plan-list",	PRIV_ANY,	cmd_plan_list },
	{ "plan-show",	PRIV_ANY,	cmd_plan_show },
	{ "calendar",	PRIV_ANY,	cmd_calendar },
	{ "upcoming",	PRIV_ANY,	cmd_upcoming },
	{ "ledger",	PRIV_ANY,	cmd_ledger },
	{ "outbox",	PRIV_ANY,	cmd_outbox },
	{ "outbox-retry", PRIV_ADMIN,	cmd_outbox_retry },
	{ "followup",	PRIV_ANY,	cmd_followup },
	{ "followup-list", PRIV_ANY,	cmd_followup_list },
	{ "followup-reopen", PRIV_ANY,	cmd_followup_reopen },
	{ "time",	PRIV_ADMIN,	cmd_time },
	{ "report-submit", PRIV_ANY,	cmd_report_submit },
	{ "report-list", PRIV_ANY,	cmd_report_list },
	{ "report-show", PRIV_ANY,	cmd_report_show },
	{ "report-ack",	PRIV_ANY,	cmd_report_ack },
	{ "report-purge", PRIV_ANY,	cmd_report_purge },
	{ "route",	PRIV_ANY,	cmd_route },
	{ "stats",	PRIV_ANY,	cmd_stats },
	{ "web-link",	PRIV_ADMIN,	cmd_web_link },
	{ "web-revoke",	PRIV_ADMIN,	cmd_web_revoke },
	{ "web-rotate-key", PRIV_ADMIN,	cmd_web_rotate_key },
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
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			break;
	if (i == nitems(commands))
		return control_error("unknown command '%s'", cmd);
	if (commands[i].priv == PRIV_ADMIN && !admin(d, peer))
		return refuse_admin(d, peer, strcmp(cmd, "time") == 0 ?
		    "debug time" : cmd);
	if (commands[i].fn == NULL)
		return cmd_reload(d, peer, req, client);
	return commands[i].fn(d, peer, req);
}

