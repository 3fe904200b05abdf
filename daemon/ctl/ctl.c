/*
 * planwatchctl: the admin's and coordinator's tool.  Most commands talk to
 * the daemon over the control socket (one JSON request, one JSON reply);
 * `check` and `plan import` work on files and need no daemon.  Output is a
 * readable table, or with --json the daemon's reply as it is.
 *
 * Exit status: 0 ok, 1 error, 2 usage.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"
#include "conf.h"
#include "confopen.h"
#include "http.h"
#include "ics.h"
#include "import.h"
#include "office.h"
#include "plan.h"
#include "store.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

#define EXIT_USAGE	2

static const char *conf_path = SYSCONFDIR "/planwatch/planwatch.conf";
static const char *sock_path;
static int json_out;
static int conf_given;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: planwatchctl [-f file | -s socket] [--json] command [args]\n"
	    "commands:\n"
	    "  status                  daemon version, uptime, files, counts\n"
	    "  reload                  reload all configuration (like SIGHUP)\n"
	    "  check [-v]              check the configuration (no daemon)\n"
	    "  backup [NAME]           consistent copy of the database, as a new\n"
	    "                          file NAME in the backup directory\n"
	    "  restore FILE            put a backup in place of the database\n"
	    "                          (the daemon stopped; no daemon needed)\n"
	    "  plan list               activities, deadlines, next checkpoint\n"
	    "  plan show ID            one activity with every checkpoint\n"
	    "  plan import FILE [-o OUT] [--previous OLD.conf] [--year Y]\n"
	    "        [--adopted DATE] [--id-prefix P] [--keep-going] [-v]\n"
	    "                          plan document (text, CSV, .docx, .odt)\n"
	    "                          -> plan file (no daemon)\n"
	    "  calendar YEAR           checkpoints and non-working days\n"
	    "  upcoming [--from DATE] [--days N] [--role R] [--rules DIR]\n"
	    "                          the messages that will be sent: when,\n"
	    "                          to whom, with which items\n"
	    "  ledger [--activity ID]  notifications generated\n"
	    "  outbox [--failed]       messages and their delivery state\n"
	    "  outbox retry ID|--failed  requeue a message's failed recipients,\n"
	    "                          or every failed one\n"
	    "  followup ACTIVITY CHECKPOINT --status S [--for WHO]\n"
	    "           [--comment TEXT] report back (done, on-track, delayed,\n"
	    "                          cancelled); ends that part's reminders\n"
	    "  followup reopen ACTIVITY [--for WHO]  reopen a cancelled or\n"
	    "                          completed activity (coordinator)\n"
	    "  followup list [--role R] [--missing]  every follow-up: who\n"
	    "                          reported what, who is missing\n"
	    "  report submit FILE|-    submit a concern report (JSON)\n"
	    "  report list [--open]    reports you may see\n"
	    "  report show N           one report (the description: coordinator\n"
	    "                          and deputy only)\n"
	    "  report ack N            acknowledge a report\n"
	    "  report close N --outcome polis-informerad|socialtjanst|\n"
	    "                          ingen-atgard|annat\n"
	    "  report purge [--dry-run]  erase descriptions past retention\n"
	    "  route --dry-run FILE|-  who a report would go to\n"
	    "  stats [--from DATE] [--to DATE] [--by month|milieu|kind|unit|place]\n"
	    "        [--year Y] [--csv] the situation picture (lägesbild)\n"
	    "  token new NAME          a new HTTP client token and its config line\n"
	    "  export ics [--role R]   deadlines and checkpoints as iCalendar\n"
	    "  web link PERSON         a person's page and calendar links\n"
	    "  web revoke PERSON       end every link a person has\n"
	    "  web rotate-key          a new signing key: every link ends\n"
	    "  debug time [set YYYY-MM-DDTHH:MM | advance N[smhd]]\n"
	    "                          the test clock (--test-clock only)\n");
	exit(EXIT_USAGE);
}

/* Sends one request and returns the reply; exits 1 when it cannot. */
static json_t *
request(json_t *req)
{
	struct sockaddr_un sun;
	struct diag d = { 0 };
	struct buf in = { 0 };
	char *path, *text, chunk[8192];
	json_error_t jerr;
	json_t *resp;
	ssize_t n;
	int fd;

	if (sock_path != NULL)
		path = xstrdup(sock_path);
	else if ((path = conf_socket_path(conf_path, &d)) == NULL) {
		diag_print(&d, stderr);
		exit(1);
	}
	diag_free(&d);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "planwatchctl: socket path %s is too long\n",
		    path);
		exit(1);
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "planwatchctl: planwatchd is not "
			    "running (no daemon at %s); start it with "
			    "'planwatchd -d -f %s' or 'systemctl start "
			    "planwatchd'\n", path, sock_path ? "FILE" :
			    conf_path);
		else
			fprintf(stderr, "planwatchctl: %s: %s\n", path,
			    strerror(errno));
		exit(1);
	}
	free(path);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	buf_adds(&in, text);
	buf_addc(&in, '\n');
	free(text);
	if (write(fd, in.s, in.len) != (ssize_t)in.len) {
		fprintf(stderr, "planwatchctl: write: %s\n", strerror(errno));
		exit(1);
	}
	buf_reset(&in);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&in, chunk, (size_t)n);
	close(fd);
	resp = in.s ? json_loads(in.s, 0, &jerr) : NULL;
	buf_free(&in);
	if (resp == NULL) {
		fprintf(stderr, "planwatchctl: no valid reply from planwatchd\n");
		exit(1);
	}
	return resp;
}

/* Prints an error reply and returns 1, or 0 for a good one. */
static int
failed(json_t *resp)
{
	const char *diag;

	if (json_is_true(json_object_get(resp, "ok")))
		return 0;
	if (json_out) {
		char *s = json_dumps(resp, JSON_INDENT(2));

		puts(s);
		free(s);
	} else {
		fprintf(stderr, "planwatchctl: %s\n",
		    json_string_value(json_object_get(resp, "error")));
		/* A refused report says it in Swedish too. */
		diag = json_string_value(json_object_get(resp, "error_sv"));
		if (diag != NULL)
			fprintf(stderr, "planwatchctl: %s\n", diag);
		diag = json_string_value(json_object_get(resp, "diagnostics"));
		if (diag != NULL)
			fputs(diag, stderr);
	}
	json_decref(resp);
	return 1;
}

static int
print_json(json_t *resp)
{
	char *s = json_dumps(resp, JSON_INDENT(2));

	puts(s);
	free(s);
	json_decref(resp);
	return 0;
}

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

static int
cmd_status(int argc, char **argv)
{
	json_t *r = request(json_pack("{s:s}", "cmd", "status"));
	json_t *files, *f, *cnt, *db;
	long long up;
	size_t i;

	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
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
	json_decref(r);
	return 0;
}

static int
cmd_reload(int argc, char **argv)
{
	json_t *r = request(json_pack("{s:s}", "cmd", "reload"));

	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	printf("configuration reloaded\n");
	json_decref(r);
	return 0;
}

/* The whole configuration, its problems printed; NULL when it has errors. */
static struct config *
load_conf(void)
{
	struct diag d = { 0 };
	struct config *c;

	c = conf_open(conf_path, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	return c;
}

static int
cmd_check(int argc, char **argv)
{
	struct config *c;
	int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;

	if (argc > 2 || (argc == 2 && !verbose))
		usage();
	if ((c = load_conf()) == NULL)
		return 1;
	if (verbose) {
		struct buf b = { 0 };

		conf_dump(c, &b);
		fputs(b.s, stdout);
		buf_free(&b);
	}
	fprintf(verbose ? stderr : stdout, "configuration OK\n");
	conf_free(c);
	return 0;
}

/* An absolute path for the daemon, which has another working directory. */
static char *
absolute_path(const char *p)
{
	char cwd[PATH_MAX];

	if (p[0] == '/')
		return xstrdup(p);
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		fprintf(stderr, "planwatchctl: getcwd: %s\n", strerror(errno));
		exit(1);
	}
	return xasprintf("%s/%s", cwd, p);
}

/*
 * backup [NAME]: a new file in the daemon's backup directory; a path is
 * accepted when its directory is that one.
 */
static int
cmd_backup(int argc, char **argv)
{
	char *path;
	json_t *r;

	if (argc > 2)
		usage();
	if (argc == 1)
		r = request(json_pack("{s:s}", "cmd", "backup"));
	else if (strchr(argv[1], '/') == NULL)
		r = request(json_pack("{s:s, s:s}", "cmd", "backup", "name",
		    argv[1]));
	else {
		path = absolute_path(argv[1]);
		r = request(json_pack("{s:s, s:s}", "cmd", "backup", "path",
		    path));
		free(path);
	}
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	printf("backup written to %s\n", str(r, "path"));
	json_decref(r);
	return 0;
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

static int
cmd_plan_list(void)
{
	json_t *r = request(json_pack("{s:s}", "cmd", "plan-list"));
	json_t *acts, *a, *next;
	size_t i;
	int past = 0;

	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
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
	json_decref(r);
	return 0;
}

static int
cmd_plan_show(const char *id)
{
	json_t *r = request(json_pack("{s:s, s:s}", "cmd", "plan-show", "id",
	    id));
	json_t *a, *v;
	size_t i;

	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
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
	json_decref(r);
	return 0;
}

static int
cmd_calendar(int argc, char **argv)
{
	long long year;
	json_t *r, *v;
	size_t i;

	if (argc != 2 || parse_int64(argv[1], &year) != 0)
		usage();
	r = request(json_pack("{s:s, s:I}", "cmd", "calendar", "year",
	    (json_int_t)year));
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	printf("checkpoints %lld\n", year);
	json_array_foreach(json_object_get(r, "checkpoints"), i, v)
		printf("  %-8s covers %s to %s, due %s\n", str(v, "name"),
		    str(v, "covers_from"), str(v, "covers_to"), str(v, "due"));
	printf("non-working days besides weekends\n");
	json_array_foreach(json_object_get(r, "non_working_days"), i, v)
		printf("  %s  %s\n", str(v, "date"), str(v, "name"));
	json_decref(r);
	return 0;
}

/*
 * Lists responsible roles the organisation does not know, so the admin
 * can add aliases before loading the plan.  The plan file keeps the text
 * as written either way.  `lines`: the document has line numbers (not a
 * Word or OpenDocument file).  Returns how many there are.
 */
static size_t
check_roles(const struct config *c, const struct plan *p, int lines)
{
	struct diag d = { 0 };
	size_t a, k, n = 0;

	for (a = 0; a < p->nactivities; a++)
		for (k = 0; k < p->activities[a].nresponsible; k++)
			if (org_resolve(&c->org,
			    p->activities[a].responsible[k], NULL, NULL) == 0) {
				diag_warn(&d, p->file, lines ?
				    p->activities[a].line : 0,
				    "activity '%s': responsible '%s' is not a "
				    "role, alias or group of %s",
				    p->activities[a].id,
				    p->activities[a].responsible[k],
				    c->organization_file ? c->organization_file :
				    "the organisation");
				n++;
			}
	diag_print(&d, stderr);
	diag_free(&d);
	return n;
}

/*
 * Writes `text` to `path` so that the file is either the old one or the
 * whole new one, never a part: a temporary file beside it (a dot-file,
 * which the daemon does not read as a plan), flushed to disk, then
 * renamed over it.  Returns 0, or -1 with a message printed.
 */
static int
write_atomic(const char *path, const char *text, size_t len)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *tmp;
	const char *base = slash ? slash + 1 : path;
	ssize_t w;
	size_t off = 0;
	int fd, dfd, rc = -1;

	if (slash != NULL)
		*slash = '\0';
	tmp = xasprintf("%s/.%s.XXXXXX", slash ? (*dir ? dir : "/") : ".",
	    base);
	if ((fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "planwatchctl: %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	/* Plan files are configuration: readable by the daemon's user. */
	if (off < len || fchmod(fd, 0644) == -1 || fsync(fd) == -1) {
		fprintf(stderr, "planwatchctl: %s: %s\n", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		fprintf(stderr, "planwatchctl: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	/* The rename itself survives a crash once the directory is synced. */
	if ((dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY |
	    O_DIRECTORY)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	free(tmp);
	free(dir);
	return rc;
}

/* The revision's matches, for the admin to check. */
static void
print_revision(const char *file, const struct import_revision *r)
{
	size_t i, k, n[3] = { 0, 0, 0 };

	for (i = 0; i < r->n; i++)
		n[r->v[i].fate]++;
	fprintf(stderr, "%s: revises %s: %zu continue, %zu new, %zu unsure, "
	    "%zu left out\n", file, r->previous, n[IMPORT_CONTINUES],
	    n[IMPORT_NEW], n[IMPORT_UNSURE], r->nremoved);
	for (i = 0; i < r->n; i++) {
		const struct import_match *m = &r->v[i];

		if (m->fate == IMPORT_CONTINUES)
			fprintf(stderr, "  continues  %-20s %3d%%  %s\n", m->id,
			    m->score, m->title);
		else if (m->fate == IMPORT_NEW)
			fprintf(stderr, "  new        %-20s       %s\n", m->id,
			    m->title);
		else {
			fprintf(stderr, "  unsure     %-20s       %s: could "
			    "continue", m->id, m->title);
			for (k = 0; k < m->ncand; k++)
				fprintf(stderr, "%s %s (%d%%)", k ? " or" : "",
				    m->cand[k].id, m->cand[k].score);
			fputc('\n', stderr);
		}
	}
	for (i = 0; i < r->nremoved; i++)
		fprintf(stderr, "  left out   %-20s       %s\n",
		    r->removed[i].id, r->removed_titles[i]);
}

static int
cmd_plan_import(int argc, char **argv)
{
	struct import_opts opts;
	struct import_revision rev;
	struct diag d = { 0 }, notes = { 0 };
	struct plan p, prev;
	struct buf out = { 0 };
	struct config *c = NULL;
	const char *file = NULL, *output = NULL, *previous = NULL;
	long long year;
	char *text;
	size_t len, unresolved = 0;
	int i, rc, verbose = 0, have_prev = 0, office;

	memset(&opts, 0, sizeof(opts));
	memset(&rev, 0, sizeof(rev));
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--year") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], &year) != 0 ||
			    year < 1900 || year > 2200)
				usage();
			opts.year = (int)year;
		} else if (strcmp(argv[i], "--adopted") == 0 && i + 1 < argc)
			opts.adopted = argv[++i];
		else if (strcmp(argv[i], "--id-prefix") == 0 && i + 1 < argc)
			opts.id_prefix = argv[++i];
		else if (strcmp(argv[i], "--previous") == 0 && i + 1 < argc)
			previous = argv[++i];
		else if ((strcmp(argv[i], "-o") == 0 ||
		    strcmp(argv[i], "--output") == 0) && i + 1 < argc)
			output = argv[++i];
		else if (strcmp(argv[i], "--keep-going") == 0)
			opts.keep_going = 1;
		else if (strcmp(argv[i], "-v") == 0 ||
		    strcmp(argv[i], "--verbose") == 0)
			verbose = 1;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage();
		else if (file == NULL)
			file = argv[i];
		else
			usage();
	}
	if (file == NULL)
		usage();
	if (strcmp(file, "-") == 0) {
		struct buf in = { 0 };
		char chunk[8192];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			buf_add(&in, chunk, n);
		len = in.len;
		text = buf_take(&in);
		file = "(stdin)";
	} else if ((text = read_file(file, &len)) == NULL) {
		fprintf(stderr, "planwatchctl: %s: %s\n", file,
		    strerror(errno));
		return 1;
	}
	office = office_is_zip(text, len);
	/* With -f: the organisation's roles and the calendar's dates. */
	if (conf_given) {
		c = conf_open(conf_path, &d);
		if (c == NULL) {
			diag_print(&d, stderr);
			fprintf(stderr, "planwatchctl: %s does not load; roles "
			    "not checked%s\n", conf_path, output == NULL ?
			    " (an output redirected into the plans directory "
			    "is made empty by the shell first: use -o)" : "");
		} else
			opts.cal = &c->cal;
		diag_free(&d);
	}
	if (previous != NULL) {
		if (plan_load(previous, &prev, &d) == -1) {
			diag_print(&d, stderr);
			fprintf(stderr, "planwatchctl: the previous plan %s does "
			    "not load\n", previous);
			diag_free(&d);
			free(text);
			conf_free(c);
			return 1;
		}
		have_prev = 1;
		opts.previous = &prev;
		opts.revision = &rev;
	}
	if (verbose)
		opts.notes = &notes;
	rc = import_plan_bytes(file, text, len, &opts, &p, &d);
	free(text);
	/* Notes and diagnostics in the order of the document. */
	diag_print(&d, stderr);
	for (i = 0; verbose && (size_t)i < notes.n; i++) {
		fputs(notes.v[i].file, stderr);
		if (notes.v[i].line > 0)
			fprintf(stderr, ":%d", notes.v[i].line);
		fprintf(stderr, ": note: %s\n", notes.v[i].msg);
	}
	if (have_prev && rev.previous != NULL && rc == 0)
		print_revision(file, &rev);
	if (rc == 0 && c != NULL)
		unresolved = check_roles(c, &p, !office);
	if (rc == 0 && d.nerrors == 0) {
		if (json_out)
			import_write_json_rev(&p, have_prev ? &rev : NULL, &out);
		else
			plan_write(&p, &out);
	}
	if (rc != 0 || d.nerrors > 0) {
		/* Nothing half-read is written anywhere. */
		fprintf(stderr, "planwatchctl: the import has errors; %s\n",
		    output ? "nothing written" : "no plan printed");
		rc = 1;
	} else if (output != NULL && conf_given && (c == NULL ||
	    unresolved > 0)) {
		/* Nor is a plan whose roles could not be checked. */
		fprintf(stderr, "planwatchctl: nothing written to %s: %s\n",
		    output, c == NULL ? "the configuration does not load" :
		    "a responsible role is not in the organisation");
		rc = 1;
	} else if (output != NULL) {
		rc = write_atomic(output, out.s, out.len) == 0 ? 0 : 1;
		if (rc == 0)
			fprintf(stderr, "planwatchctl: wrote %s; check it "
			    "against the document, then 'planwatchd -n' and "
			    "'planwatchctl reload'\n", output);
	} else {
		fputs(out.s, stdout);
		rc = fflush(stdout) == 0 ? 0 : 1;
		/* Printed for a look, but not checked: say so in the status. */
		if (conf_given && (c == NULL || unresolved > 0))
			rc = 1;
	}
	buf_free(&out);
	plan_free(&p);
	if (have_prev)
		plan_free(&prev);
	import_revision_free(&rev);
	conf_free(c);
	diag_free(&d);
	diag_free(&notes);
	return rc;
}

/* Takes "--name value" options from argv[first..]; returns the value. */
static const char *
opt_value(int argc, char **argv, int first, const char *name)
{
	int i;

	for (i = first; i < argc; i++)
		if (strcmp(argv[i], name) == 0) {
			if (i + 1 >= argc)
				usage();
			return argv[i + 1];
		}
	return NULL;
}

static int
has_flag(int argc, char **argv, int first, const char *name)
{
	int i;

	for (i = first; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

/* Every argument from `first` on must be one of the known options. */
static void
check_opts(int argc, char **argv, int first, const char *const *valued,
    const char *const *flags)
{
	int i, k, ok;

	for (i = first; i < argc; i++) {
		ok = 0;
		for (k = 0; valued && valued[k]; k++)
			if (strcmp(argv[i], valued[k]) == 0 && i + 1 < argc) {
				ok = 1;
				i++;
				break;
			}
		for (k = 0; !ok && flags && flags[k]; k++)
			if (strcmp(argv[i], flags[k]) == 0)
				ok = 1;
		if (!ok)
			usage();
	}
}

static int
cmd_upcoming(int argc, char **argv)
{
	static const char *const valued[] = {
		"--from", "--days", "--role", "--rules", NULL
	};
	const char *days_s = opt_value(argc, argv, 1, "--days");
	const char *dir = opt_value(argc, argv, 1, "--rules");
	char real[PATH_MAX];
	long long days = 30;
	json_t *req, *r, *v;
	size_t i;

	check_opts(argc, argv, 1, valued, NULL);
	if (days_s != NULL && parse_int64(days_s, &days) != 0)
		usage();
	req = json_pack("{s:s, s:I}", "cmd", "upcoming", "days",
	    (json_int_t)days);
	if (opt_value(argc, argv, 1, "--from"))
		json_object_set_new(req, "from",
		    json_string(opt_value(argc, argv, 1, "--from")));
	if (opt_value(argc, argv, 1, "--role"))
		json_object_set_new(req, "role",
		    json_string(opt_value(argc, argv, 1, "--role")));
	if (dir != NULL) {
		if (realpath(dir, real) == NULL) {
			fprintf(stderr, "planwatchctl: %s: %s\n", dir,
			    strerror(errno));
			json_decref(req);
			return 1;
		}
		json_object_set_new(req, "rules", json_string(real));
	}
	r = request(req);
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
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
	json_decref(r);
	return 0;
}

static int
cmd_ledger(int argc, char **argv)
{
	static const char *const valued[] = { "--activity", NULL };
	const char *act = opt_value(argc, argv, 1, "--activity");
	json_t *req, *r, *v;
	size_t i;

	check_opts(argc, argv, 1, valued, NULL);
	req = json_pack("{s:s}", "cmd", "ledger");
	if (act != NULL)
		json_object_set_new(req, "activity", json_string(act));
	r = request(req);
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
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
	json_decref(r);
	return 0;
}

static int
cmd_outbox(int argc, char **argv)
{
	json_t *r, *v;
	long long id;
	size_t i;

	if (argc >= 2 && strcmp(argv[1], "retry") == 0) {
		if (argc == 3 && strcmp(argv[2], "--failed") == 0)
			r = request(json_pack("{s:s, s:b}", "cmd",
			    "outbox-retry", "failed", 1));
		else if (argc != 3 || parse_int64(argv[2], &id) != 0)
			usage();
		else
			r = request(json_pack("{s:s, s:I}", "cmd",
			    "outbox-retry", "id", (json_int_t)id));
		if (failed(r))
			return 1;
		if (json_out)
			return print_json(r);
		printf("%lld recipient(s) requeued\n", num(r, "requeued"));
		json_decref(r);
		return 0;
	}
	check_opts(argc, argv, 1, NULL, (const char *const[]){ "--failed",
	    NULL });
	r = request(json_pack("{s:s, s:b}", "cmd", "outbox", "failed",
	    has_flag(argc, argv, 1, "--failed")));
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	json_array_foreach(json_object_get(r, "outbox"), i, v)
		printf("%-6s %-16s %-9s %-2s %-40s %s\n", str(v, "id"),
		    str(v, "kind"), str(v, "state"), str(v, "attempts"),
		    str(v, "addr"), str(v, "last_reply"));
	printf("%zu recipient(s)\n",
	    json_array_size(json_object_get(r, "outbox")));
	json_decref(r);
	return 0;
}

static int
cmd_followup(int argc, char **argv)
{
	static const char *const valued[] = {
		"--status", "--comment", "--for", NULL
	};
	const char *who;
	json_t *req, *r, *v;
	size_t i;

	if (argc >= 2 && strcmp(argv[1], "list") == 0) {
		const char *role, *last = "";

		check_opts(argc, argv, 2, (const char *const[]){ "--role",
		    NULL }, (const char *const[]){ "--missing", NULL });
		req = json_pack("{s:s, s:b}", "cmd", "followup-list",
		    "missing", has_flag(argc, argv, 2, "--missing"));
		if ((role = opt_value(argc, argv, 2, "--role")) != NULL)
			json_object_set_new(req, "role", json_string(role));
		r = request(req);
		if (failed(r))
			return 1;
		if (json_out)
			return print_json(r);
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
		json_decref(r);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "reopen") == 0 && argv[2][0] != '-') {
		check_opts(argc, argv, 3, (const char *const[]){ "--for",
		    NULL }, NULL);
		req = json_pack("{s:s, s:s}", "cmd", "followup-reopen",
		    "activity", argv[2]);
		if ((who = opt_value(argc, argv, 3, "--for")) != NULL)
			json_object_set_new(req, "for", json_string(who));
		r = request(req);
		if (failed(r))
			return 1;
		if (json_out)
			return print_json(r);
		printf("%s reopened: its reminders go on\n",
		    str(r, "activity"));
		json_decref(r);
		return 0;
	}
	if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-')
		usage();
	check_opts(argc, argv, 3, valued, NULL);
	if (opt_value(argc, argv, 3, "--status") == NULL)
		usage();
	req = json_pack("{s:s, s:s, s:s, s:s}", "cmd", "followup",
	    "activity", argv[1], "checkpoint", argv[2], "status",
	    opt_value(argc, argv, 3, "--status"));
	if (opt_value(argc, argv, 3, "--comment"))
		json_object_set_new(req, "comment",
		    json_string(opt_value(argc, argv, 3, "--comment")));
	if ((who = opt_value(argc, argv, 3, "--for")) != NULL)
		json_object_set_new(req, "for", json_string(who));
	r = request(req);
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	printf("%s %s: %s recorded", str(r, "activity"), str(r, "occurrence"),
	    str(r, "status"));
	v = json_object_get(r, "parts");
	for (i = 0; i < json_array_size(v); i++)
		printf("%s%s", i ? ", " : json_is_true(json_object_get(r,
		    "on_behalf")) ? " on behalf of " : " for ",
		    json_string_value(json_array_get(v, i)));
	putchar('\n');
	json_decref(r);
	return 0;
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

static int
cmd_debug(int argc, char **argv)
{
	json_t *req, *r;
	long long secs;
	char date[11];
	int day, h, m;

	if (argc < 2 || strcmp(argv[1], "time") != 0)
		usage();
	req = json_pack("{s:s}", "cmd", "time");
	if (argc == 4 && strcmp(argv[2], "advance") == 0) {
		if (parse_duration(argv[3], &secs) != 0)
			usage();
		json_object_set_new(req, "advance", json_integer(secs));
	} else if (argc == 4 && strcmp(argv[2], "set") == 0) {
		/* Local time: the daemon's zone is in the configuration. */
		struct diag d = { 0 };
		struct config *c = conf_open(conf_path, &d);

		diag_free(&d);
		if (c == NULL) {
			fprintf(stderr, "planwatchctl: %s does not load; "
			    "cannot tell the time zone\n", conf_path);
			return 1;
		}
		conf_free(c);
		if (strlen(argv[3]) != 16 || sscanf(argv[3] + 11, "%2d:%2d",
		    &h, &m) != 2) {
			json_decref(req);
			usage();
		}
		memcpy(date, argv[3], 10);
		date[10] = '\0';
		if (calendar_parse_date(date, &day) != 0)
			usage();
		json_object_set_new(req, "set", json_integer(
		    calendar_local_to_utc(day, h * 60 + m)));
	} else if (argc != 2)
		usage();
	r = request(req);
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	printf("%s\n", str(r, "now"));
	json_decref(r);
	return 0;
}

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

static const char *
yes(json_t *o, const char *key)
{
	const char *v = str(o, key);

	return strcmp(v, "1") == 0 ? "ja" : "nej";
}

static int
cmd_report(int argc, char **argv)
{
	json_t *req = NULL, *r, *v, *rep;
	long long id = 0;
	char *text;
	size_t i;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "submit") == 0 && argc == 3) {
		if ((text = read_input(argv[2])) == NULL)
			return 1;
		req = json_pack("{s:s, s:s}", "cmd", "report-submit", "report",
		    text);
		free(text);
	} else if (strcmp(argv[1], "list") == 0) {
		check_opts(argc, argv, 2, NULL, (const char *const[]){
		    "--open", NULL });
		req = json_pack("{s:s, s:b}", "cmd", "report-list", "open",
		    has_flag(argc, argv, 2, "--open"));
	} else if ((strcmp(argv[1], "show") == 0 ||
	    strcmp(argv[1], "ack") == 0) && argc == 3) {
		if (parse_int64(argv[2], &id) != 0)
			usage();
		req = json_pack("{s:s, s:I}", "cmd", strcmp(argv[1], "show") ?
		    "report-ack" : "report-show", "id", (json_int_t)id);
	} else if (strcmp(argv[1], "close") == 0 && argc == 5 &&
	    strcmp(argv[3], "--outcome") == 0) {
		if (parse_int64(argv[2], &id) != 0)
			usage();
		req = json_pack("{s:s, s:I, s:s}", "cmd", "report-ack", "id",
		    (json_int_t)id, "outcome", argv[4]);
	} else if (strcmp(argv[1], "purge") == 0) {
		check_opts(argc, argv, 2, NULL, (const char *const[]){
		    "--dry-run", NULL });
		req = json_pack("{s:s, s:b}", "cmd", "report-purge", "dry_run",
		    has_flag(argc, argv, 2, "--dry-run"));
	} else
		usage();
	r = request(req);
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	if (strcmp(argv[1], "submit") == 0)
		printf("report %lld received\n", num(r, "number"));
	else if (strcmp(argv[1], "list") == 0) {
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
	} else if (strcmp(argv[1], "show") == 0) {
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
	} else if (strcmp(argv[1], "purge") == 0) {
		json_array_foreach(json_object_get(r, "reports"), i, v)
			printf("report %s (closed %s)\n", str(v, "id"),
			    str(v, "closed_at"));
		printf("%zu description(s) %s\n",
		    json_array_size(json_object_get(r, "reports")),
		    json_is_true(json_object_get(r, "dry_run")) ?
		    "would be erased" : "erased");
	} else
		printf("done\n");
	json_decref(r);
	return 0;
}

static int
cmd_route(int argc, char **argv)
{
	json_t *r, *v;
	char *text;
	size_t i;

	if (argc != 3 || strcmp(argv[1], "--dry-run") != 0)
		usage();
	if ((text = read_input(argv[2])) == NULL)
		return 1;
	r = request(json_pack("{s:s, s:s}", "cmd", "route", "report", text));
	free(text);
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	json_array_foreach(json_object_get(r, "recipients"), i, v)
		printf("%-30s %s <%s>\n", str(v, "role"), str(v, "name"),
		    str(v, "email"));
	printf("to be acknowledged by %s\n", str(r, "ack_due"));
	json_decref(r);
	return 0;
}

static int
stats_one(const char *by, const char *from, const char *to, int csv,
    int with_ack)
{
	json_t *req, *r, *v;
	size_t i;

	req = json_pack("{s:s, s:s}", "cmd", "stats", "by", by);
	if (from)
		json_object_set_new(req, "from", json_string(from));
	if (to)
		json_object_set_new(req, "to", json_string(to));
	r = request(req);
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	if (csv)
		printf("%s,count\n", by);
	else
		printf("%s\n", by);
	json_array_foreach(json_object_get(r, "counts"), i, v)
		printf(csv ? "%s,%lld\n" : "  %-24s %lld\n", str(v, "key"),
		    num(v, "count"));
	if (with_ack && !csv) {
		json_t *med = json_object_get(r, "ack_median_seconds");
		json_t *worst = json_object_get(r, "ack_worst_seconds");

		printf("acknowledged %lld", num(r, "acknowledged"));
		if (json_is_integer(med))
			printf(", median %.1f h, worst %.1f h",
			    (double)json_integer_value(med) / 3600,
			    (double)json_integer_value(worst) / 3600);
		printf("\n");
	}
	json_decref(r);
	return 0;
}

/* The plans as an iCalendar file; reads the configuration, no daemon. */
static int
cmd_export(int argc, char **argv)
{
	static const char *const valued[] = { "--role", NULL };
	const char *role = opt_value(argc, argv, 2, "--role");
	struct diag d = { 0 };
	struct config *c;
	char *text;

	if (argc < 2 || strcmp(argv[1], "ics") != 0)
		usage();
	check_opts(argc, argv, 2, valued, NULL);
	c = conf_open(conf_path, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (c == NULL)
		return 1;
	text = ics_export(c, role, time(NULL));
	conf_free(c);
	if (text == NULL) {
		fprintf(stderr, "planwatchctl: '%s' is not a role or group of "
		    "the organisation\n", role);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

/*
 * restore FILE: a backup in place of the database, with the daemon
 * stopped (the store takes the daemon's lock); needs no daemon.
 */
static int
cmd_restore(int argc, char **argv)
{
	struct config *c;
	char err[1024], kept[PATH_MAX + 64], *from;
	int rc;

	if (argc != 2)
		usage();
	if ((c = load_conf()) == NULL)
		return 1;
	from = absolute_path(argv[1]);
	rc = store_restore(c->database, from, kept, sizeof(kept), err,
	    sizeof(err));
	if (rc != 0)
		fprintf(stderr, "planwatchctl: restore: %s\n", err);
	else {
		printf("restored %s as %s\n", from, c->database);
		if (kept[0] != '\0')
			printf("the database that was there is kept as %s\n",
			    kept);
		printf("start the daemon: systemctl start planwatchd\n");
	}
	free(from);
	conf_free(c);
	return rc == 0 ? 0 : 1;
}

/*
 * Admin commands that need no daemon are checked here as the daemon
 * checks the others: root, the daemon's user (the state directory's
 * owner) or a member of admin_group.
 */
static int
local_admin(void)
{
	struct diag d = { 0 };
	struct group *gr;
	struct stat st;
	char *sock = NULL, *state = NULL, *admin = NULL;
	gid_t groups[256];
	int n, i, ok = getuid() == 0;

	if (!ok && conf_peek(conf_path, &sock, &state, &admin, &d) == 0) {
		ok = stat(state, &st) == 0 && st.st_uid == getuid();
		if (!ok && admin != NULL && (gr = getgrnam(admin)) != NULL) {
			ok = getgid() == gr->gr_gid;
			n = getgroups((int)nitems(groups), groups);
			for (i = 0; !ok && i < n; i++)
				ok = groups[i] == gr->gr_gid;
		}
	}
	diag_free(&d);
	free(sock);
	free(state);
	free(admin);
	return ok;
}

/* A fresh client token for the HTTP intake; needs no daemon. */
static int
cmd_token(int argc, char **argv)
{
	struct buf b = { 0 };
	char hash[65], *tok;
	const char *p;

	if (argc != 3 || strcmp(argv[1], "new") != 0)
		usage();
	if (!local_admin()) {
		fprintf(stderr, "planwatchctl: 'token new' is an admin command: "
		    "for root, the daemon's user and members of admin_group\n");
		return 1;
	}
	for (p = argv[2]; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_'))
			break;
	/* "spool" names the spool directory's reports; the intake refuses it. */
	if (*p != '\0' || argv[2][0] == '\0' || strcmp(argv[2], "spool") == 0) {
		fprintf(stderr, "planwatchctl: a client name may hold only "
		    "a-z, 0-9, '-' and '_', and is not \"spool\"\n");
		return 2;
	}
	if ((tok = http_token_new(hash)) == NULL) {
		fprintf(stderr, "planwatchctl: no randomness for a token\n");
		return 1;
	}
	http_token_config_line(argv[2], hash, &b);
	printf("token for %s (shown once; give it to the client, keep it "
	    "secret):\n  %s\nadd this line to http.clients in "
	    "planwatch.conf, then reload:\n  %s\n", argv[2], tok, b.s);
	explicit_bzero(tok, strlen(tok));
	free(tok);
	buf_free(&b);
	return 0;
}

static int
cmd_stats(int argc, char **argv)
{
	static const char *const valued[] = {
		"--from", "--to", "--by", "--year", NULL
	};
	const char *from = opt_value(argc, argv, 1, "--from");
	const char *to = opt_value(argc, argv, 1, "--to");
	const char *by = opt_value(argc, argv, 1, "--by");
	const char *year = opt_value(argc, argv, 1, "--year");
	int csv = has_flag(argc, argv, 1, "--csv");
	char f[16], t[16];
	long long y;

	check_opts(argc, argv, 1, valued, (const char *const[]){ "--csv",
	    NULL });
	if (year != NULL) {
		static const char *const dims[] = {
			"month", "milieu", "kind", "unit", "place"
		};
		size_t k;

		if (parse_int64(year, &y) != 0 || y < 1900 || y > 2200)
			usage();
		snprintf(f, sizeof(f), "%04lld-01-01", y);
		snprintf(t, sizeof(t), "%04lld-12-31", y);
		for (k = 0; k < nitems(dims); k++)
			if (stats_one(dims[k], f, t, csv, k == nitems(dims) - 1))
				return 1;
		return 0;
	}
	return stats_one(by ? by : "month", from, to, csv, !csv);
}

static int
cmd_plan(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "import") == 0)
		return cmd_plan_import(argc, argv);
	if (strcmp(argv[1], "list") == 0 && argc == 2)
		return cmd_plan_list();
	if (strcmp(argv[1], "show") == 0 && argc == 3)
		return cmd_plan_show(argv[2]);
	usage();
	return EXIT_USAGE;
}

/* web link|revoke PERSON, web rotate-key: the pages' links (admin). */
static int
cmd_web(int argc, char **argv)
{
	json_t *r;

	if (argc == 3 && (strcmp(argv[1], "link") == 0 ||
	    strcmp(argv[1], "revoke") == 0))
		r = request(json_pack("{s:s, s:s}", "cmd", strcmp(argv[1],
		    "link") == 0 ? "web-link" : "web-revoke", "person",
		    argv[2]));
	else if (argc == 2 && strcmp(argv[1], "rotate-key") == 0)
		r = request(json_pack("{s:s}", "cmd", "web-rotate-key"));
	else {
		usage();
		return EXIT_USAGE;
	}
	if (failed(r))
		return 1;
	if (json_out)
		return print_json(r);
	if (strcmp(argv[1], "link") == 0)
		printf("%s <%s>\n  page:     %s\n  calendar: %s\n",
		    json_string_value(json_object_get(r, "name")),
		    json_string_value(json_object_get(r, "email")),
		    json_string_value(json_object_get(r, "page")),
		    json_string_value(json_object_get(r, "feed")));
	else if (strcmp(argv[1], "revoke") == 0)
		printf("every link of %s <%s> ends now; their next mail "
		    "brings new ones\n",
		    json_string_value(json_object_get(r, "name")),
		    json_string_value(json_object_get(r, "email")));
	else
		printf("a new link key, generation %lld: every link sent "
		    "before ends now\n", (long long)json_integer_value(
		    json_object_get(r, "generation")));
	json_decref(r);
	return 0;
}

int
main(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
			conf_path = argv[++i];
			conf_given = 1;
		}
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			sock_path = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json_out = 1;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			usage();
		else
			usage();
	}
	argc -= i;
	argv += i;
	/* --json may also follow the command. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			json_out = 1;
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - i) * sizeof(*argv));
			argc--;
			i--;
		}
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "status") == 0 && argc == 1)
		return cmd_status(argc, argv);
	if (strcmp(argv[0], "reload") == 0 && argc == 1)
		return cmd_reload(argc, argv);
	if (strcmp(argv[0], "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(argv[0], "backup") == 0)
		return cmd_backup(argc, argv);
	if (strcmp(argv[0], "restore") == 0)
		return cmd_restore(argc, argv);
	if (strcmp(argv[0], "plan") == 0)
		return cmd_plan(argc, argv);
	if (strcmp(argv[0], "calendar") == 0)
		return cmd_calendar(argc, argv);
	if (strcmp(argv[0], "upcoming") == 0)
		return cmd_upcoming(argc, argv);
	if (strcmp(argv[0], "ledger") == 0)
		return cmd_ledger(argc, argv);
	if (strcmp(argv[0], "outbox") == 0)
		return cmd_outbox(argc, argv);
	if (strcmp(argv[0], "followup") == 0)
		return cmd_followup(argc, argv);
	if (strcmp(argv[0], "debug") == 0)
		return cmd_debug(argc, argv);
	if (strcmp(argv[0], "report") == 0)
		return cmd_report(argc, argv);
	if (strcmp(argv[0], "route") == 0)
		return cmd_route(argc, argv);
	if (strcmp(argv[0], "stats") == 0)
		return cmd_stats(argc, argv);
	if (strcmp(argv[0], "token") == 0)
		return cmd_token(argc, argv);
	if (strcmp(argv[0], "export") == 0)
		return cmd_export(argc, argv);
	if (strcmp(argv[0], "web") == 0)
		return cmd_web(argc, argv);
	usage();
	return EXIT_USAGE;
}
