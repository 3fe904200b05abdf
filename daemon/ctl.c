/*
 * planwatchctl: the admin's and coordinator's tool.  Most commands talk to
 * the daemon over the control socket (one JSON request, one JSON reply);
 * `check` and `plan import` work on files and need no daemon.  Output is a
 * readable table, or with --json the daemon's reply as it is.
 *
 * Exit status: 0 ok, 1 error, 2 usage.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "import.h"
#include "plan.h"
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
	    "  backup FILE             consistent copy of the database\n"
	    "  plan list               activities, deadlines, next checkpoint\n"
	    "  plan show ID            one activity with every checkpoint\n"
	    "  plan import FILE [--year Y] [--id-prefix P] [--keep-going]\n"
	    "                          plan document -> plan file (no daemon)\n"
	    "  calendar YEAR           checkpoints and non-working days\n");
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
	printf("database  %s, %lld bytes, %lld config revisions, "
	    "%lld audit rows\n", str(db, "path"), num(db, "bytes"),
	    num(db, "config_revisions"), num(db, "audit_rows"));
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

static int
cmd_check(int argc, char **argv)
{
	struct diag d = { 0 };
	struct config *c;
	int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;

	if (argc > 2 || (argc == 2 && !verbose))
		usage();
	c = conf_load(conf_path, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (c == NULL)
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

static int
cmd_backup(int argc, char **argv)
{
	char cwd[PATH_MAX], *path;
	json_t *r;

	if (argc != 2)
		usage();
	/* The daemon has another working directory: send an absolute path. */
	if (argv[1][0] == '/')
		path = xstrdup(argv[1]);
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		path = xasprintf("%s/%s", cwd, argv[1]);
	else {
		fprintf(stderr, "planwatchctl: getcwd: %s\n", strerror(errno));
		return 1;
	}
	r = request(json_pack("{s:s, s:s}", "cmd", "backup", "path", path));
	free(path);
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
	printf("%-18s %-15s %-30s %-18s %-8s %s\n", "ID", "SECTION",
	    "RESPONSIBLE", "SCHEDULE", "FOLLOWUP", "DUE");
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
	    str(a, "status"));
	json_array_foreach(json_object_get(a, "followup"), i, v)
		printf("%s%s", i ? "; " : "", json_string_value(v));
	printf("\ncheckpoints\n");
	json_array_foreach(json_object_get(a, "checkpoints"), i, v)
		printf("  %-8s due %s\n", str(v, "name"), str(v, "due"));
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
 * as written either way.
 */
static void
check_roles(const struct plan *p)
{
	struct diag d = { 0 };
	struct config *c = conf_load(conf_path, &d);
	size_t a, k;

	if (c == NULL) {
		fprintf(stderr, "planwatchctl: %s does not load; roles not "
		    "checked\n", conf_path);
		diag_free(&d);
		return;
	}
	diag_free(&d);
	for (a = 0; a < p->nactivities; a++)
		for (k = 0; k < p->activities[a].nresponsible; k++)
			if (org_resolve(&c->org,
			    p->activities[a].responsible[k], NULL, NULL) == 0)
				diag_warn(&d, p->file, p->activities[a].line,
				    "activity '%s': responsible '%s' is not a "
				    "role, alias or group of %s",
				    p->activities[a].id,
				    p->activities[a].responsible[k],
				    c->organization_file ? c->organization_file :
				    "the organisation");
	diag_print(&d, stderr);
	diag_free(&d);
	conf_free(c);
}

static int
cmd_plan_import(int argc, char **argv)
{
	struct import_opts opts;
	struct diag d = { 0 };
	struct plan p;
	struct buf out = { 0 };
	const char *file = NULL;
	long long year;
	char *text;
	int i, rc;

	memset(&opts, 0, sizeof(opts));
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--year") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], &year) != 0 ||
			    year < 1900 || year > 2200)
				usage();
			opts.year = (int)year;
		} else if (strcmp(argv[i], "--id-prefix") == 0 && i + 1 < argc)
			opts.id_prefix = argv[++i];
		else if (strcmp(argv[i], "--keep-going") == 0)
			opts.keep_going = 1;
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
		text = buf_take(&in);
		file = "(stdin)";
	} else if ((text = read_file(file, NULL)) == NULL) {
		fprintf(stderr, "planwatchctl: %s: %s\n", file,
		    strerror(errno));
		return 1;
	}
	rc = import_plan(file, text, &opts, &p, &d);
	free(text);
	diag_print(&d, stderr);
	if (rc == 0 || opts.keep_going) {
		if (json_out)
			import_write_json(&p, &out);
		else
			plan_write(&p, &out);
		if (out.s != NULL)
			fputs(out.s, stdout);
		if (conf_given)
			check_roles(&p);
	}
	buf_free(&out);
	plan_free(&p);
	rc = rc == 0 && d.nerrors == 0 ? 0 : 1;
	diag_free(&d);
	return rc;
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
	if (strcmp(argv[0], "plan") == 0)
		return cmd_plan(argc, argv);
	if (strcmp(argv[0], "calendar") == 0)
		return cmd_calendar(argc, argv);
	usage();
	return EXIT_USAGE;
}
