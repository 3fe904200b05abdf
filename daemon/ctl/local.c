/*
 * local: the commands that need no daemon -- check, restore, plan
 * import, export ics and token new read the configuration and the
 * files themselves, as the daemon would.  Ctl: reads and writes files.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "confopen.h"
#include "host.h"
#include "http_token.h"
#include "ics.h"
#include "import.h"
#include "local.h"
#include "office.h"
#include "parser.h"
#include "plan.h"
#include "store.h"
#include "util.h"

/* The whole configuration, its problems printed; NULL when it has errors. */
static struct config *
load_conf(void)
{
	struct diag d = { 0 };
	struct config *c;

	c = conf_open(ctl.conf_path, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	return c;
}

/* check [-v]: the configuration, and with -v what it amounts to. */
int
cmd_check(const struct args *a)
{
	struct config *c;
	int verbose = arg_flag(a, "-v");

	if (a->optc > 1)	/* -v once */
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

char *
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

/*
 * plan import FILE [options]: a plan document to a plan file.  Options
 * and the file come in any order; an option given twice counts as last
 * given, and every --year must be a year.
 */
int
cmd_plan_import(const struct args *a)
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
	for (i = 0; i < a->nopts; i++) {
		const char *name = a->opts[i].name, *value = a->opts[i].value;

		if (strcmp(name, "--year") == 0) {
			if (parse_int64(value, &year) != 0 ||
			    year < 1900 || year > 2200)
				usage();
			opts.year = (int)year;
		} else if (strcmp(name, "--adopted") == 0)
			opts.adopted = value;
		else if (strcmp(name, "--id-prefix") == 0)
			opts.id_prefix = value;
		else if (strcmp(name, "--previous") == 0)
			previous = value;
		else if (strcmp(name, "-o") == 0)
			output = value;
		else if (strcmp(name, "--keep-going") == 0)
			opts.keep_going = 1;
		else if (strcmp(name, "-v") == 0)
			verbose = 1;
	}
	file = a->pos[0];
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
	if (ctl.conf_given) {
		c = conf_open(ctl.conf_path, &d);
		if (c == NULL) {
			diag_print(&d, stderr);
			fprintf(stderr, "planwatchctl: %s does not load; roles "
			    "not checked%s\n", ctl.conf_path, output == NULL ?
			    " (an output redirected into the plans directory "
			    "is made empty by the shell first: use -o)" : "");
		} else
			opts.cal = &c->cal;
		diag_free(&d);
	}
	if (previous != NULL) {
		if (plan_load(host_source(), previous, &prev, &d) == -1) {
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
		if (ctl.json_out)
			import_write_json_rev(&p, have_prev ? &rev : NULL, &out);
		else
			plan_write(&p, &out);
	}
	if (rc != 0 || d.nerrors > 0) {
		/* Nothing half-read is written anywhere. */
		fprintf(stderr, "planwatchctl: the import has errors; %s\n",
		    output ? "nothing written" : "no plan printed");
		rc = 1;
	} else if (output != NULL && ctl.conf_given && (c == NULL ||
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
		if (ctl.conf_given && (c == NULL || unresolved > 0))
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

/* The plans as an iCalendar file; reads the configuration, no daemon. */
int
cmd_export_ics(const struct args *a)
{
	const char *role = arg_value(a, "--role");
	struct diag d = { 0 };
	struct config *c;
	char *text;

	c = conf_open(ctl.conf_path, &d);
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
int
cmd_restore(const struct args *a)
{
	struct config *c;
	char err[1024], kept[PATH_MAX + 64], *from;
	int rc;

	if ((c = load_conf()) == NULL)
		return 1;
	from = absolute_path(a->pos[0]);
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

	if (!ok && conf_peek(host_source(), ctl.conf_path, &sock, &state,
	    &admin, &d) == 0) {
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
int
cmd_token_new(const struct args *a)
{
	struct buf b = { 0 };
	char hash[65], *tok;
	const char *p, *name = a->pos[0];

	if (!local_admin()) {
		fprintf(stderr, "planwatchctl: 'token new' is an admin command: "
		    "for root, the daemon's user and members of admin_group\n");
		return 1;
	}
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_'))
			break;
	/* "spool" names the spool directory's reports; the intake refuses it. */
	if (*p != '\0' || name[0] == '\0' || strcmp(name, "spool") == 0) {
		fprintf(stderr, "planwatchctl: a client name may hold only "
		    "a-z, 0-9, '-' and '_', and is not \"spool\"\n");
		return 2;
	}
	if ((tok = http_token_new(hash)) == NULL) {
		fprintf(stderr, "planwatchctl: no randomness for a token\n");
		return 1;
	}
	http_token_config_line(name, hash, &b);
	printf("token for %s (shown once; give it to the client, keep it "
	    "secret):\n  %s\nadd this line to http.clients in "
	    "planwatch.conf, then reload:\n  %s\n", name, tok, b.s);
	explicit_bzero(tok, strlen(tok));
	free(tok);
	buf_free(&b);
	return 0;
}
