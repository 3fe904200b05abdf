/*
 * ctl: planwatchctl, the admin's and coordinator's tool.  Most commands
 * talk to the daemon over the control socket (one JSON request, one JSON
 * reply: client.c); check, restore, plan import, export ics and token
 * new work on files and need no daemon (local.c).  Output is a readable
 * table, or with --json the daemon's reply as it is.
 *
 * Every command is a row of the table below, as OpenSMTPD's smtpctl
 * keeps its grammar: the command line is matched and checked against
 * it, and the usage is printed from it (parser.c).
 *
 * Exit status: 0 ok, 1 error, 2 usage.  Ctl: planwatchctl's main.  Not
 * to be confused with control (shell/control.c), the daemon's end of the
 * socket whose other end is client.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client.h"
#include "local.h"
#include "parser.h"
#include "remote.h"

/*
 * The commands, in the order the usage lists them: words, syntax, help,
 * then DAEMON(its request, what adds the arguments to it, what prints
 * the reply) or OFFLINE(the function that does it without the daemon).
 * stats asks the daemon once per dimension, so it runs itself.
 */
#define DAEMON(req, b, p)	.request = (req), .build = (b), .print = (p)
#define OFFLINE(fn)		.run = (fn)

const struct command commands[] = {
	{ "status", "", "daemon version, uptime, files, counts",
	    DAEMON("status", NULL, print_status) },
	{ "reload", "", "reload all configuration (like SIGHUP)",
	    DAEMON("reload", NULL, print_reload) },
	{ "check", "[-v]", "check the configuration (no daemon)",
	    OFFLINE(cmd_check) },
	{ "backup", "[NAME]", "consistent copy of the database, as a new\n"
	    "file NAME in the backup directory",
	    DAEMON("backup", build_backup, print_backup) },
	{ "restore", "FILE", "put a backup in place of the database\n"
	    "(the daemon stopped; no daemon needed)",
	    OFFLINE(cmd_restore) },
	{ "plan list", "", "activities, deadlines, next checkpoint",
	    DAEMON("plan-list", NULL, print_plan_list) },
	{ "plan show", "ID", "one activity with every checkpoint",
	    DAEMON("plan-show", build_plan_show, print_plan_show) },
	{ "plan import", "FILE [-o OUT] [--previous OLD.conf] [--year Y]\n"
	    "        [--adopted DATE] [--id-prefix P] [--keep-going] [-v]",
	    "plan document (text, CSV, .docx, .odt)\n"
	    "-> plan file (no daemon)",
	    OFFLINE(cmd_plan_import), .order = ARGS_MIXED,
	    .aliases = (const char *const[]){ "--output", "-o",
	    "--verbose", "-v", NULL } },
	{ "calendar", "YEAR", "checkpoints and non-working days",
	    DAEMON("calendar", build_calendar, print_calendar) },
	{ "upcoming", "[--from DATE] [--days N] [--role R] [--rules DIR]",
	    "the messages that will be sent: when,\n"
	    "to whom, with which items",
	    DAEMON("upcoming", build_upcoming, print_upcoming) },
	{ "ledger", "[--activity ID]", "notifications generated",
	    DAEMON("ledger", build_ledger, print_ledger) },
	{ "outbox", "[--failed]", "messages and their delivery state",
	    DAEMON("outbox", build_outbox, print_outbox) },
	{ "outbox retry", "ID|--failed",
	    "requeue a message's failed recipients,\nor every failed one",
	    DAEMON("outbox-retry", build_outbox_retry, print_outbox_retry) },
	{ "followup", "ACTIVITY CHECKPOINT --status S [--for WHO]\n"
	    "           [--comment TEXT]",
	    "report back (done, on-track, delayed,\n"
	    "cancelled); ends that part's reminders",
	    DAEMON("followup", build_followup, print_followup) },
	{ "followup reopen", "ACTIVITY [--for WHO]",
	    "reopen a cancelled or\ncompleted activity (coordinator)",
	    DAEMON("followup-reopen", build_followup_reopen,
	    print_followup_reopen) },
	{ "followup list", "[--role R] [--missing]",
	    "every follow-up: who\nreported what, who is missing",
	    DAEMON("followup-list", build_followup_list, print_followup_list) },
	{ "report submit", "FILE|-", "submit a concern report (JSON)",
	    DAEMON("report-submit", build_report_text, print_report_submit) },
	{ "report list", "[--open]", "reports you may see",
	    DAEMON("report-list", build_report_list, print_report_list) },
	{ "report show", "N", "one report (the description: coordinator\n"
	    "and deputy only)",
	    DAEMON("report-show", build_report_id, print_report_show) },
	{ "report ack", "N", "acknowledge a report",
	    DAEMON("report-ack", build_report_id, print_done) },
	{ "report close", "N --outcome polis-informerad|socialtjanst|\n"
	    "                          ingen-atgard|annat", "",
	    DAEMON("report-ack", build_report_close, print_done) },
	{ "report purge", "[--dry-run]", "erase descriptions past retention",
	    DAEMON("report-purge", build_report_purge, print_report_purge) },
	{ "route --dry-run", "FILE|-", "who a report would go to",
	    DAEMON("route", build_report_text, print_route) },
	{ "stats", "[--from DATE] [--to DATE] "
	    "[--by month|milieu|kind|unit|place]\n"
	    "        [--year Y] [--csv]",
	    "the situation picture (l\xc3\xa4gesbild)",
	    .request = "stats", .run = cmd_stats },
	{ "token new", "NAME", "a new HTTP client token and its config line",
	    OFFLINE(cmd_token_new) },
	{ "export ics", "[--role R]", "deadlines and checkpoints as iCalendar",
	    OFFLINE(cmd_export_ics) },
	{ "web link", "PERSON", "a person's page and calendar links",
	    DAEMON("web-link", build_web_person, print_web_link) },
	{ "web revoke", "PERSON", "end every link a person has",
	    DAEMON("web-revoke", build_web_person, print_web_revoke) },
	{ "web rotate-key", "", "a new signing key: every link ends",
	    DAEMON("web-rotate-key", NULL, print_web_rotate_key) },
	{ "debug time", "[set YYYY-MM-DDTHH:MM | advance N[smhd]]",
	    "the test clock (--test-clock only)",
	    DAEMON("time", build_debug_time, print_time) },
	{ .words = NULL }
};

/* A row's command: its own function, or its request and reply. */
static int
run(const struct command *c, const struct args *a)
{
	json_t *req;

	if (c->run != NULL)
		return c->run(a);
	req = json_pack("{s:s}", "cmd", c->request);
	if (c->build != NULL && c->build(req, a) == -1) {
		json_decref(req);
		return 1;
	}
	return ctl_call(req, c->print, a);
}

int
main(int argc, char *argv[])
{
	const struct command *c;
	struct args a;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
			ctl.conf_path = argv[++i];
			ctl.conf_given = 1;
		} else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			ctl.sock_path = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			ctl.json_out = 1;
		else
			usage();	/* and -h, --help */
	}
	argc -= i;
	argv += i;
	/* --json may also follow the command. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			ctl.json_out = 1;
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - i) * sizeof(*argv));
			argc--;
			i--;
		}
	c = cmd_parse(argc, argv, &a);
	rc = run(c, &a);
	args_free(&a);
	return rc;
}
