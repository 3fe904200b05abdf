/*
 * remote: the commands the daemon answers.  For each, a builder adds
 * the command line's arguments to the request and a printer shows a
 * good reply as a readable table; ctl.c's table pairs them with the
 * words, and ctl_call() (client.c) sends, checks and prints.  Ctl:
 * reads a report's file, prints on stdout.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "client.h"
#include "conf.h"
#include "confopen.h"
#include "host.h"
#include "local.h"
#include "parser.h"
#include "remote.h"
#include "util.h"

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static long long
num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void
set_str(json_t *req, const char *key, const char *value)
{
	if (value != NULL)
		json_object_set_new(req, key, json_string(value));
}

/* A whole number argument, or the usage. */
static long long
int_arg(const char *s)
{
	long long v;

	if (parse_int64(s, &v) != 0)
		usage();
	return v;
}

void
print_status(json_t *r, const void *ctx)
{
	json_t *files, *f, *cnt, *db;
	long long up;
	size_t i;

	(void)ctx;
	up = num(r, "uptime");
	printf("planwatchd %s, pid %lld, up %lldd %02lld:%02lld:%02lld, "
	    "%lld reload(s)\n", str(r, "version"), num(r, "pid"),
	    up / 86400, up / 3600 % 24, up / 60 % 60, up % 60,
	    num(r, "reloads"));
	printf("config    %s\n", str(r, "config"));
	files = json_object_get(r, "files");
	json_array_foreach(files, i, f)
		printf("  %.12s  %s\n", str(f, "sha256"), str(f, "path"));
	cnt = json_object_get(r, "counts");
	printf("plans     %lld plan(s), %lld activities, %lld roles, "
	    "%lld units\n", num(cnt, "plans"), num(cnt, "activities"),
	    num(cnt, "roles"), num(cnt, "units"));
	db = json_object_get(r, "database");
	printf("schedule  %lld entries, next due %s, %lld notification(s) "
	    "generated, %lld recipient(s) queued%s\n",
	    num(cnt, "schedule_entries"),
	    json_is_string(json_object_get(r, "next_due")) ?
	    str(r, "next_due") : "never", num(r, "notifications"),
	    num(r, "queued"), json_is_true(json_object_get(r, "test_clock")) ?
	    ", test clock" : "");
	printf("now       %s\n", str(r, "now"));
	printf("database  %s, %lld bytes, %lld config revisions, "
	    "%lld audit rows\n", str(db, "path"), num(db, "bytes"),
	    num(db, "config_revisions"), num(db, "audit_rows"));
	if (json_is_string(json_object_get(r, "problem")))
		printf("state     degraded: %s\n", str(r, "problem"));
	else
		printf("state     %s\n", str(r, "state"));
}

void
print_reload(json_t *r, const void *ctx)
{
	(void)r;
	(void)ctx;
	printf("configuration reloaded\n");
}

/*
 * backup [NAME]: a new file in the daemon's backup directory; a path is
 * accepted when its directory is that one.
 */
int
build_backup(json_t *req, const struct args *a)
{
	char *path;

	if (a->npos == 0)
		return 0;
	if (strchr(a->pos[0], '/') == NULL)
		set_str(req, "name", a->pos[0]);
	else {
		path = absolute_path(a->pos[0]);
		set_str(req, "path", path);
		free(path);
	}
	return 0;
}

void
print_backup(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("backup written to %s\n", str(r, "path"));
}

/* Prints UTF-8 text padded to `width` characters (not bytes). */
static void
pad(const char *s, int width)
{
	int n = 0;
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
	fputs(s, stdout);
	for (; n < width; n++)
		putchar(' ');
}

static void
print_roles(json_t *roles, int width)
{
	struct buf b = { 0 };
	json_t *v;
	size_t i;

	json_array_foreach(roles, i, v) {
		if (i > 0)
			buf_adds(&b, ",");
		buf_adds(&b, json_string_value(v));
	}
	pad(b.s ? b.s : "-", width);
	buf_free(&b);
}

/* A part's state in Swedish, as the tables show it. */
static const char *
state_sv(const char *state)
{
	static const char *const names[][2] = {
		{ "reported", "rapporterad" },
		{ "partial", "delvis rapporterad" },
		{ "missing", "saknas" },
		{ "open", "kommande" },
		{ "closed", "avslutad" },
		{ "completed", "genomf\xc3\xb6rd" },
		{ "cancelled", "avbruten" },
	};
	size_t i;

	for (i = 0; i < nitems(names); i++)
		if (strcmp(state, names[i][0]) == 0)
			return names[i][1];
	return state;
}

/*
 * One occurrence of `followup list` and `plan show`: its name, due date
 * and state, then for each part who reported what, when, on whose behalf,
 * with which comment -- or who is missing.
 */
static void
print_occurrence(json_t *o, const char *indent)
{
	json_t *parts = json_object_get(o, "parts"), *p;
	size_t i, n = json_array_size(parts);

	printf("%s", indent);
	pad(str(o, "name"), 26);
	printf(" %s  %s\n", str(o, "due"), state_sv(str(o, "state")));
	json_array_foreach(parts, i, p) {
		printf("%s    ", indent);
		if (n > 1 || strcmp(str(p, "state"), "reported") != 0)
			printf("%s: ", *str(p, "people") ? str(p, "people") :
			    "(ingen)");
		if (json_is_string(json_object_get(p, "status"))) {
			printf("%s %s av %s", str(p, "status_sv"),
			    str(p, "reported_at"), str(p, "reported_by"));
			if (json_is_string(json_object_get(p,
			    "on_behalf_of")))
				printf(" f\xc3\xb6r %s", str(p, "on_behalf_of"));
			if (strcmp(str(p, "channel"), "planwatchctl") != 0)
				printf(" (%s)", str(p, "channel"));
			if (strcmp(str(p, "state"), "reported") != 0)
				printf(" (%s %s)", strcmp(str(p, "occurrence"),
				    str(o, "occurrence")) == 0 ? "vid" :
				    "sedan", str(p, "occurrence"));
			if (json_is_string(json_object_get(p, "comment")))
				printf(": \"%s\"", str(p, "comment"));
			putchar('\n');
		} else
			printf("%s\n", state_sv(str(p, "state")));
	}
}

void
print_plan_list(json_t *r, const void *ctx)
{
	json_t *acts, *a, *next;
	size_t i;
	int past = 0;

	(void)ctx;
	acts = json_object_get(r, "activities");
	printf("%-18s %-15s %-30s %-18s %-10s %-8s %s\n", "ID", "SECTION",
	    "RESPONSIBLE", "SCHEDULE", "STATUS", "FOLLOWUP", "DUE");
	json_array_foreach(acts, i, a) {
		const char *mark = "";

		next = json_object_get(a, "next_checkpoint");
		if (!json_is_object(next)) {
			next = json_object_get(a, "last_checkpoint");
			mark = json_is_object(next) ? "*" : "";
			past |= *mark != '\0';
		}
		pad(str(a, "id"), 18);
		putchar(' ');
		pad(str(a, "section"), 15);
		putchar(' ');
		print_roles(json_object_get(a, "responsible_ids"), 30);
		putchar(' ');
		pad(str(json_object_get(a, "schedule"), "text"), 18);
		putchar(' ');
		pad(str(a, "status_sv"), 10);
		printf(" %-8s %s%s\n",
		    json_is_object(next) ? str(next, "name") : "-",
		    json_is_object(next) ? str(next, "due") : "-", mark);
	}
	printf("%zu activities; FOLLOWUP is the next checkpoint on or after "
	    "%s%s\n", json_array_size(acts), str(r, "today"),
	    past ? " (* the last one, already past)" : "");
}

int
build_plan_show(json_t *req, const struct args *a)
{
	set_str(req, "id", a->pos[0]);
	return 0;
}

void
print_plan_show(json_t *r, const void *ctx)
{
	json_t *a, *v;
	size_t i;

	(void)ctx;
	a = json_object_get(r, "activity");
	printf("id           %s\nplan         %s (%s:%lld)\nsection      %s\n"
	    "title        %s\n", str(a, "id"), str(a, "plan"), str(a, "file"),
	    num(a, "line"), str(a, "section"), str(a, "title"));
	printf("description  %s\n", str(a, "description"));
	printf("responsible  ");
	json_array_foreach(json_object_get(a, "responsible"), i, v)
		printf("%s%s", i ? "; " : "", json_string_value(v));
	printf("\nroles        ");
	print_roles(json_object_get(a, "roles"), 0);
	printf("\nschedule     %s\nends         %s\nstatus       %s\n"
	    "follow-up    ", str(json_object_get(a, "schedule"), "text"),
	    json_is_string(json_object_get(a, "end")) ? str(a, "end") : "-",
	    str(a, "status_sv"));
	json_array_foreach(json_object_get(a, "followup"), i, v)
		printf("%s%s", i ? "; " : "", json_string_value(v));
	printf("\nfollow-ups\n");
	json_array_foreach(json_object_get(a, "followups"), i, v)
		print_occurrence(v, "  ");
	/*
	 * Its history across yearly revisions: the plans it has been in,
	 * every report (also at occurrences only an earlier plan had), and
	 * the reminders generated for it.
	 */
	if (json_is_string(json_object_get(a, "superseded_by")))
		printf("superseded   by %s; this is the activity as it was "
		    "(read only)\n", str(a, "superseded_by"));
	printf("plans\n");
	json_array_foreach(json_object_get(a, "plans"), i, v)
		printf("  %-20s adopted %s%s%s\n", str(v, "plan"),
		    str(v, "adopted"), json_is_string(json_object_get(v,
		    "superseded_by")) ? ", superseded by " : "",
		    json_is_string(json_object_get(v, "superseded_by")) ?
		    str(v, "superseded_by") : "");
	printf("reports\n");
	if (json_array_size(json_object_get(a, "reports")) == 0)
		printf("  -\n");
	json_array_foreach(json_object_get(a, "reports"), i, v)
		printf("  %-20s %-9s %s by %s%s%s\n", str(v, "occurrence"),
		    str(v, "status"), str(v, "reported"), str(v, "reported_by"),
		    json_is_string(json_object_get(v, "comment")) ? ": " : "",
		    json_is_string(json_object_get(v, "comment")) ?
		    str(v, "comment") : "");
	printf("reminders\n");
	if (json_array_size(json_object_get(a, "ledger")) == 0)
		printf("  -\n");
	json_array_foreach(json_object_get(a, "ledger"), i, v)
		printf("  %s  %-20s %-20s %s%s\n", str(v, "due"), str(v, "rule"),
		    str(v, "occurrence"), str(v, "recipient"),
		    strcmp(str(v, "late"), "0") != 0 ? " (late)" : "");
}

int
build_calendar(json_t *req, const struct args *a)
{
	json_object_set_new(req, "year", json_integer(int_arg(a->pos[0])));
	return 0;
}

void
print_calendar(json_t *r, const void *ctx)
{
	const struct args *a = ctx;
	json_t *v;
	size_t i;

	printf("checkpoints %lld\n", int_arg(a->pos[0]));
	json_array_foreach(json_object_get(r, "checkpoints"), i, v)
		printf("  %-8s covers %s to %s, due %s\n", str(v, "name"),
		    str(v, "covers_from"), str(v, "covers_to"), str(v, "due"));
	printf("non-working days besides weekends\n");
	json_array_foreach(json_object_get(r, "non_working_days"), i, v)
		printf("  %s  %s\n", str(v, "date"), str(v, "name"));
}

int
build_upcoming(json_t *req, const struct args *a)
{
	const char *days_s = arg_value(a, "--days");
	const char *dir = arg_value(a, "--rules");
	char real[PATH_MAX];

	json_object_set_new(req, "days", json_integer(days_s ?
	    int_arg(days_s) : 30));
	set_str(req, "from", arg_value(a, "--from"));
	set_str(req, "role", arg_value(a, "--role"));
	if (dir != NULL) {
		if (realpath(dir, real) == NULL) {
			fprintf(stderr, "planwatchctl: %s: %s\n", dir,
			    strerror(errno));
			return -1;
		}
		set_str(req, "rules", real);
	}
	return 0;
}

void
print_upcoming(json_t *r, const void *ctx)
{
	json_t *v;
	size_t i;

	(void)ctx;
	json_array_foreach(json_object_get(r, "messages"), i, v) {
		json_t *items = json_object_get(v, "items"), *it;
		size_t k;

		printf("%s  %s <%s>  %s, %zu item(s)%s\n  \"%s\"\n",
		    str(v, "when"), str(v, "name"), str(v, "email"),
		    str(v, "template"), json_array_size(items),
		    json_is_true(json_object_get(v, "late")) ? ", late" : "",
		    str(v, "subject"));
		json_array_foreach(items, k, it)
			printf("    %-28s %-18s %-22s %s\n", str(it, "rule"),
			    str(it, "activity"), str(it, "occurrence"),
			    str(it, "as"));
	}
	printf("%zu message(s) from %s within %lld day(s)\n",
	    json_array_size(json_object_get(r, "messages")), str(r, "from"),
	    num(r, "days"));
}

int
build_ledger(json_t *req, const struct args *a)
{
	set_str(req, "activity", arg_value(a, "--activity"));
	return 0;
}

void
print_ledger(json_t *r, const void *ctx)
{
	json_t *v;
	size_t i;

	(void)ctx;
	json_array_foreach(json_object_get(r, "ledger"), i, v) {
		printf("%-6s %s  %-28s %-18s %-22s %s%s", str(v, "id"),
		    str(v, "due"),
		    str(v, "rule"), str(v, "activity"), str(v, "occurrence"),
		    str(v, "recipient"), strcmp(str(v, "late"), "2") == 0 ?
		    " (missed: in the summary)" : strcmp(str(v, "late"), "1")
		    == 0 ? " (late)" : "");
		if (json_is_string(json_object_get(v, "dropped")))
			printf(" (not sent: %s)", str(v, "dropped"));
		else if (json_is_string(json_object_get(v, "message")))
			printf(" in message %s", str(v, "message"));
		else
			printf(" (waiting)");
		putchar('\n');
	}
	printf("%zu notification(s)\n",
	    json_array_size(json_object_get(r, "ledger")));
}

int
build_outbox(json_t *req, const struct args *a)
{
	json_object_set_new(req, "failed",
	    json_boolean(arg_flag(a, "--failed")));
	return 0;
}

void
print_outbox(json_t *r, const void *ctx)
{
	json_t *v;
	size_t i;

	(void)ctx;
	json_array_foreach(json_object_get(r, "outbox"), i, v)
		printf("%-6s %-16s %-9s %-2s %-40s %s\n", str(v, "id"),
		    str(v, "kind"), str(v, "state"), str(v, "attempts"),
		    str(v, "addr"), str(v, "last_reply"));
	printf("%zu recipient(s)\n",
	    json_array_size(json_object_get(r, "outbox")));
}

/* outbox retry ID|--failed */
int
build_outbox_retry(json_t *req, const struct args *a)
{
	if (strcmp(a->pos[0], "--failed") == 0)
		json_object_set_new(req, "failed", json_true());
	else
		json_object_set_new(req, "id", json_integer(int_arg(
		    a->pos[0])));
	return 0;
}

void
print_outbox_retry(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("%lld recipient(s) requeued\n", num(r, "requeued"));
}

int
build_followup_list(json_t *req, const struct args *a)
{
	json_object_set_new(req, "missing",
	    json_boolean(arg_flag(a, "--missing")));
	set_str(req, "role", arg_value(a, "--role"));
	return 0;
}

void
print_followup_list(json_t *r, const void *ctx)
{
	const char *last = "";
	json_t *v;
	size_t i;

	(void)ctx;
	json_array_foreach(json_object_get(r, "followups"), i, v) {
		if (strcmp(last, str(v, "activity")) != 0)
			printf("%s  %s\n", str(v, "activity"),
			    str(v, "title"));
		last = str(v, "activity");
		print_occurrence(v, "  ");
	}
	printf("%zu follow-up(s) as of %s\n",
	    json_array_size(json_object_get(r, "followups")),
	    str(r, "today"));
}

/* An activity or checkpoint is not an option. */
static void
no_dash(const char *arg)
{
	if (arg[0] == '-')
		usage();
}

int
build_followup_reopen(json_t *req, const struct args *a)
{
	no_dash(a->pos[0]);
	set_str(req, "activity", a->pos[0]);
	set_str(req, "for", arg_value(a, "--for"));
	return 0;
}

void
print_followup_reopen(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("%s reopened: its reminders go on\n", str(r, "activity"));
}

int
build_followup(json_t *req, const struct args *a)
{
	no_dash(a->pos[0]);
	no_dash(a->pos[1]);
	set_str(req, "activity", a->pos[0]);
	set_str(req, "checkpoint", a->pos[1]);
	set_str(req, "status", arg_value(a, "--status"));
	set_str(req, "comment", arg_value(a, "--comment"));
	set_str(req, "for", arg_value(a, "--for"));
	return 0;
}

void
print_followup(json_t *r, const void *ctx)
{
	json_t *v;
	size_t i;

	(void)ctx;
	printf("%s %s: %s recorded", str(r, "activity"), str(r, "occurrence"),
	    str(r, "status"));
	v = json_object_get(r, "parts");
	for (i = 0; i < json_array_size(v); i++)
		printf("%s%s", i ? ", " : json_is_true(json_object_get(r,
		    "on_behalf")) ? " on behalf of " : " for ",
		    json_string_value(json_array_get(v, i)));
	putchar('\n');
}

/* "30d", "12h", "90m", "45s" or plain seconds. */
static int
parse_duration(const char *s, long long *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case 'd':
		v *= 86400;
		end++;
		break;
	case 'h':
		v *= 3600;
		end++;
		break;
	case 'm':
		v *= 60;
		end++;
		break;
	case 's':
		end++;
		break;
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* debug time [set YYYY-MM-DDTHH:MM | advance N[smhd]] */
int
build_debug_time(json_t *req, const struct args *a)
{
	long long secs;
	char date[11];
	int day, h, m;

	if (a->npos == 2 && strcmp(a->pos[0], "advance") == 0) {
		if (parse_duration(a->pos[1], &secs) != 0)
			usage();
		json_object_set_new(req, "advance", json_integer(secs));
	} else if (a->npos == 2 && strcmp(a->pos[0], "set") == 0) {
		/* Local time: the daemon's zone is in the configuration. */
		struct diag d = { 0 };
		struct config *c = conf_open(ctl.conf_path, &d);

		diag_free(&d);
		if (c == NULL) {
			fprintf(stderr, "planwatchctl: %s does not load; "
			    "cannot tell the time zone\n", ctl.conf_path);
			return -1;
		}
		conf_free(c);
		if (strlen(a->pos[1]) != 16 || sscanf(a->pos[1] + 11,
		    "%2d:%2d", &h, &m) != 2)
			usage();
		memcpy(date, a->pos[1], 10);
		date[10] = '\0';
		if (calendar_parse_date(date, &day) != 0)
			usage();
		json_object_set_new(req, "set", json_integer(
		    calendar_local_to_utc(day, h * 60 + m)));
	} else if (a->npos != 0)
		usage();
	return 0;
}

void
print_time(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("%s\n", str(r, "now"));
}

/* A file's text, or standard input's for "-"; NULL (said why) if none. */
static char *
read_input(const char *file)
{
	struct buf in = { 0 };
	char chunk[8192], *text;
	size_t n;

	if (strcmp(file, "-") != 0) {
		if ((text = read_file(file, NULL)) == NULL)
			fprintf(stderr, "planwatchctl: %s: %s\n", file,
			    strerror(errno));
		return text;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_add(&in, chunk, n);
	return buf_take(&in);
}

/* report submit FILE|-, route --dry-run FILE|-: a report's JSON. */
int
build_report_text(json_t *req, const struct args *a)
{
	char *text;

	if ((text = read_input(a->pos[0])) == NULL)
		return -1;
	set_str(req, "report", text);
	free(text);
	return 0;
}

void
print_report_submit(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("report %lld received\n", num(r, "number"));
}

int
build_report_list(json_t *req, const struct args *a)
{
	json_object_set_new(req, "open", json_boolean(arg_flag(a, "--open")));
	return 0;
}

void
print_report_list(json_t *r, const void *ctx)
{
	json_t *v;
	size_t i;

	(void)ctx;
	printf("%-5s %-10s %-22s %-15s %-16s %-11s %-6s %-16s %s\n",
	    "NR", "DATE", "UNIT", "PLACE", "KIND", "MILIEU", "URG",
	    "ACK BY", "STATE");
	json_array_foreach(json_object_get(r, "reports"), i, v)
		printf("%-5s %-10s %-22s %-15s %-16s %-11s %-6s %-16s "
		    "%s%s\n", str(v, "id"), str(v, "event_date"),
		    str(v, "unit"), str(v, "place_type"), str(v, "kind"),
		    str(v, "milieu"), str(v, "urgency"),
		    str(v, "ack_due_local"),
		    json_is_string(json_object_get(v, "closed_at")) ?
		    "closed " : json_is_string(json_object_get(v,
		    "acked_at")) ? "acknowledged" : "open",
		    str(v, "outcome"));
}

/* report show N, report ack N */
int
build_report_id(json_t *req, const struct args *a)
{
	json_object_set_new(req, "id", json_integer(int_arg(a->pos[0])));
	return 0;
}

/* report close N --outcome OUTCOME: nothing more, nothing twice. */
int
build_report_close(json_t *req, const struct args *a)
{
	if (a->optc != 2)
		usage();
	build_report_id(req, a);
	set_str(req, "outcome", arg_value(a, "--outcome"));
	return 0;
}

static const char *
yes(json_t *o, const char *key)
{
	const char *v = str(o, key);

	return strcmp(v, "1") == 0 ? "ja" : "nej";
}

void
print_report_show(json_t *r, const void *ctx)
{
	json_t *rep, *v;
	size_t i;

	(void)ctx;
	rep = json_object_get(r, "report");
	printf("report %s, received %s from %s\n", str(rep, "id"),
	    str(rep, "received_at"), str(rep, "source"));
	printf("event date        %s\nunit              %s\n"
	    "place type        %s\nkind              %s\n"
	    "milieu            %s\nconcerns a minor  %s\n"
	    "urgency           %s\npolice informed   %s\n"
	    "social services   %s\n", str(rep, "event_date"),
	    str(rep, "unit"), str(rep, "place_type"), str(rep, "kind"),
	    str(rep, "milieu"), yes(rep, "concerns_minor"),
	    str(rep, "urgency"), yes(rep, "police_informed"),
	    yes(rep, "social_services_informed"));
	if (json_object_get(rep, "description") != NULL)
		printf("description\n%s\n",
		    json_is_string(json_object_get(rep, "description"))
		    ? str(rep, "description") :
		    "(erased after the retention period)");
	printf("acknowledged      %s %s\nclosed            %s %s %s\n",
	    str(rep, "acked_at"), str(rep, "acked_by"),
	    str(rep, "closed_at"), str(rep, "closed_by"),
	    str(rep, "outcome"));
	printf("routed to\n");
	json_array_foreach(json_object_get(rep, "routed_to"), i, v)
		printf("  %-28s %s\n", str(v, "role"),
		    str(v, "recipient"));
}

void
print_done(json_t *r, const void *ctx)
{
	(void)r;
	(void)ctx;
	printf("done\n");
}

int
build_report_purge(json_t *req, const struct args *a)
{
	json_object_set_new(req, "dry_run",
	    json_boolean(arg_flag(a, "--dry-run")));
	return 0;
}

void
print_report_purge(json_t *r, const void *ctx)
{
	json_t *v;
	size_t i;

	(void)ctx;
	json_array_foreach(json_object_get(r, "reports"), i, v)
		printf("report %s (closed %s)\n", str(v, "id"),
		    str(v, "closed_at"));
	printf("%zu description(s) %s\n",
	    json_array_size(json_object_get(r, "reports")),
	    json_is_true(json_object_get(r, "dry_run")) ?
	    "would be erased" : "erased");
}

void
print_route(json_t *r, const void *ctx)
{
	json_t *v;
	size_t i;

	(void)ctx;
	json_array_foreach(json_object_get(r, "recipients"), i, v)
		printf("%-30s %s <%s>\n", str(v, "role"), str(v, "name"),
		    str(v, "email"));
	printf("to be acknowledged by %s\n", str(r, "ack_due"));
}

/* One table of the situation picture: counts by one dimension. */
struct stats_view {
	const char	*by;
	int		 csv;
	int		 with_ack;	/* and how fast reports were acked */
};

static void
print_stats(json_t *r, const void *ctx)
{
	const struct stats_view *sv = ctx;
	json_t *v;
	size_t i;

	if (sv->csv)
		printf("%s,count\n", sv->by);
	else
		printf("%s\n", sv->by);
	json_array_foreach(json_object_get(r, "counts"), i, v)
		printf(sv->csv ? "%s,%lld\n" : "  %-24s %lld\n", str(v, "key"),
		    num(v, "count"));
	if (sv->with_ack && !sv->csv) {
		json_t *med = json_object_get(r, "ack_median_seconds");
		json_t *worst = json_object_get(r, "ack_worst_seconds");

		printf("acknowledged %lld", num(r, "acknowledged"));
		if (json_is_integer(med))
			printf(", median %.1f h, worst %.1f h",
			    (double)json_integer_value(med) / 3600,
			    (double)json_integer_value(worst) / 3600);
		printf("\n");
	}
}

static int
stats_one(const struct args *a, const struct stats_view *sv,
    const char *from, const char *to)
{
	json_t *req = json_pack("{s:s, s:s}", "cmd", a->cmd->request, "by",
	    sv->by);

	set_str(req, "from", from);
	set_str(req, "to", to);
	return ctl_call(req, print_stats, sv);
}

/* stats: by one dimension, or with --year by every one of them. */
int
cmd_stats(const struct args *a)
{
	static const char *const dims[] = {
		"month", "milieu", "kind", "unit", "place"
	};
	const char *by = arg_value(a, "--by");
	const char *year = arg_value(a, "--year");
	struct stats_view sv;
	char f[16], t[16];
	long long y;
	size_t k;

	sv.csv = arg_flag(a, "--csv");
	if (year == NULL) {
		sv.by = by ? by : "month";
		sv.with_ack = !sv.csv;
		return stats_one(a, &sv, arg_value(a, "--from"),
		    arg_value(a, "--to"));
	}
	if (parse_int64(year, &y) != 0 || y < 1900 || y > 2200)
		usage();
	snprintf(f, sizeof(f), "%04lld-01-01", y);
	snprintf(t, sizeof(t), "%04lld-12-31", y);
	for (k = 0; k < nitems(dims); k++) {
		sv.by = dims[k];
		sv.with_ack = k == nitems(dims) - 1;
		if (stats_one(a, &sv, f, t) != 0)
			return 1;
	}
	return 0;
}

int
build_web_person(json_t *req, const struct args *a)
{
	set_str(req, "person", a->pos[0]);
	return 0;
}

void
print_web_link(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("%s <%s>\n  page:     %s\n  calendar: %s\n",
	    json_string_value(json_object_get(r, "name")),
	    json_string_value(json_object_get(r, "email")),
	    json_string_value(json_object_get(r, "page")),
	    json_string_value(json_object_get(r, "feed")));
}

void
print_web_revoke(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("every link of %s <%s> ends now; their next mail "
	    "brings new ones\n",
	    json_string_value(json_object_get(r, "name")),
	    json_string_value(json_object_get(r, "email")));
}

void
print_web_rotate_key(json_t *r, const void *ctx)
{
	(void)ctx;
	printf("a new link key, generation %lld: every link sent "
	    "before ends now\n", (long long)json_integer_value(
	    json_object_get(r, "generation")));
}
