/*
 * planwatchd: the daemon's entry point and shell.  It owns the libuv loop
 * and wires the pieces: signals, the control socket, configuration loads
 * and reloads, and the store.  Everything here is I/O and lifetimes; the
 * decisions live in the pure core modules.
 *
 * Lifetimes are paired and torn down in reverse order in main().
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "conf.h"
#include "control.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "view.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

struct daemon {
	uv_loop_t	*loop;
	char		*conf_path;
	struct config	*conf;
	struct store	*store;
	struct control	*control;
	uv_signal_t	 sig_hup, sig_term, sig_int;
	time_t		 started;
	time_t		 loaded;
	unsigned	 reloads;
	int		 stopping;
};

static time_t
daemon_now(struct daemon *d)
{
	(void)d;
	return time(NULL);
}

/*
 * Tells systemd about state changes (Type=notify) by writing to
 * $NOTIFY_SOCKET, without libsystemd.  Quietly does nothing when the
 * variable is unset.
 */
static void
notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_debug("notify: %s", strerror(errno));
	close(fd);
}

static void
notify_reloading(void)
{
	struct timespec ts;
	char msg[96];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	notify(msg);
}

/* Records each loaded file's hash; a row only when it changed. */
static void
record_revisions(struct daemon *d, const char *actor)
{
	size_t i;

	for (i = 0; i < d->conf->nfiles; i++)
		if (store_config_revision(d->store, d->conf->files[i].path,
		    d->conf->files[i].sha256, daemon_now(d)) == 1)
			store_audit(d->store, daemon_now(d), actor,
			    "config-loaded", d->conf->files[i].path);
}

/*
 * Builds a whole new configuration and swaps it in only when every file
 * loaded; otherwise the running one stays.  Returns 0, or -1 with the
 * problems in `diag`.
 */
static int
reload(struct daemon *d, const char *actor, struct diag *diag)
{
	struct config *c;
	size_t i;

	notify_reloading();
	c = conf_load(d->conf_path, diag);
	if (c == NULL) {
		for (i = 0; i < diag->n; i++)
			log_warnx("reload: %s:%d: %s", diag->v[i].file,
			    diag->v[i].line, diag->v[i].msg);
		log_warnx("reload: failed with %zu error(s); the previous "
		    "configuration stays active", diag->nerrors);
		store_audit(d->store, daemon_now(d), actor, "reload-failed",
		    d->conf_path);
		/* The zone of the running snapshot stays in force. */
		calendar_set_zone(d->conf->timezone);
		notify("READY=1");
		return -1;
	}
	if (strcmp(c->database, d->conf->database) != 0 ||
	    strcmp(c->control_socket, d->conf->control_socket) != 0)
		log_warnx("reload: database and control_socket changes take "
		    "effect at the next start");
	conf_free(d->conf);
	d->conf = c;
	d->loaded = daemon_now(d);
	d->reloads++;
	record_revisions(d, actor);
	store_audit(d->store, daemon_now(d), actor, "reload", d->conf_path);
	log_info("reload: configuration reloaded (%zu plans)", c->nplans);
	notify("READY=1");
	return 0;
}

static json_t *
cmd_status(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	struct store_counts sc;
	json_t *files = json_array(), *r;
	size_t i, nact = 0;

	for (i = 0; i < d->conf->nfiles; i++)
		json_array_append_new(files, json_pack("{s:s, s:s}", "path",
		    d->conf->files[i].path, "sha256", d->conf->files[i].sha256));
	for (i = 0; i < d->conf->nplans; i++)
		nact += d->conf->plans[i].nactivities;
	store_counts(d->store, &sc);
	r = json_pack("{s:b, s:s, s:i, s:I, s:I, s:I, s:i, s:s, s:o, "
	    "s:{s:i, s:i, s:i, s:i}, s:{s:s, s:I, s:I, s:I}}",
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
	    "database",
	    "path", d->conf->database,
	    "bytes", (json_int_t)sc.db_bytes,
	    "config_revisions", (json_int_t)sc.config_revisions,
	    "audit_rows", (json_int_t)sc.audit_rows);
	return r;
}

static json_t *
cmd_reload(struct daemon *d, const struct control_peer *peer, json_t *req)
{
	struct diag diag = { 0 };
	struct buf b = { 0 };
	json_t *r;

	if (reload(d, peer->user, &diag) == 0) {
		diag_free(&diag);
		return control_ok();
	}
	diag_format(&diag, &b);
	r = json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
	    "reload failed; the previous configuration stays active",
	    "diagnostics", b.s ? b.s : "");
	buf_free(&b);
	diag_free(&diag);
	return r;
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

static const struct command {
	const char	*name;
	json_t		*(*fn)(struct daemon *, const struct control_peer *,
			    json_t *);
} commands[] = {
	{ "status",	cmd_status },
	{ "reload",	cmd_reload },
	{ "backup",	cmd_backup },
	{ "plan-list",	cmd_plan_list },
	{ "plan-show",	cmd_plan_show },
	{ "calendar",	cmd_calendar },
};

static json_t *
control_handler(void *arg, const struct control_peer *peer, json_t *req)
{
	struct daemon *d = arg;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	size_t i;

	if (cmd == NULL)
		return control_error("request has no command");
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			return commands[i].fn(d, peer, req);
	return control_error("unknown command '%s'", cmd);
}

static void
close_walk_cb(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void
shutdown_daemon(struct daemon *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = 1;
	log_info("stopping on %s", why);
	notify("STOPPING=1");
	control_stop(d->control);
	d->control = NULL;
	uv_signal_stop(&d->sig_hup);
	uv_signal_stop(&d->sig_term);
	uv_signal_stop(&d->sig_int);
	/* Whatever else is open goes too; uv_run returns once it has. */
	uv_walk(d->loop, close_walk_cb, NULL);
}

static void
signal_cb(uv_signal_t *h, int signum)
{
	struct daemon *d = h->data;
	struct diag diag = { 0 };

	switch (signum) {
	case SIGHUP:
		log_info("reload on SIGHUP");
		reload(d, "signal", &diag);
		diag_free(&diag);
		break;
	case SIGTERM:
		shutdown_daemon(d, "SIGTERM");
		break;
	case SIGINT:
		shutdown_daemon(d, "SIGINT");
		break;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: planwatchd [-dnv] [-f file]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct daemon d;
	struct diag diag = { 0 };
	const char *conf_path = SYSCONFDIR "/planwatch/planwatch.conf";
	int ch, foreground = 0, check = 0, verbose = 0;
	char err[1024];

	memset(&d, 0, sizeof(d));
	while ((ch = getopt(argc, argv, "df:nvV")) != -1) {
		switch (ch) {
		case 'd':
			foreground = 1;
			break;
		case 'f':
			conf_path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("planwatchd %s\n", PLANWATCH_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	d.conf = conf_load(conf_path, &diag);
	diag_print(&diag, stderr);
	diag_free(&diag);
	if (check) {
		if (d.conf == NULL)
			return 1;
		if (verbose) {
			struct buf b = { 0 };

			conf_dump(d.conf, &b);
			fputs(b.s, stdout);
			buf_free(&b);
		}
		/* With -v stdout holds the dump, which must load again. */
		fprintf(verbose ? stderr : stdout, "configuration OK\n");
		conf_free(d.conf);
		return 0;
	}
	if (d.conf == NULL) {
		fprintf(stderr, "planwatchd: %s: configuration has errors; "
		    "not starting\n", conf_path);
		return 1;
	}

	log_init("planwatchd", foreground, verbose);
	signal(SIGPIPE, SIG_IGN);
	d.conf_path = xstrdup(conf_path);
	d.started = d.loaded = daemon_now(&d);

	if (mkdir(d.conf->state_dir, 0750) == -1 && errno != EEXIST)
		fatal("state directory %s", d.conf->state_dir);
	d.store = store_open(d.conf->database, err, sizeof(err));
	if (d.store == NULL)
		fatalx("%s", err);
	record_revisions(&d, "planwatchd");
	store_audit(d.store, daemon_now(&d), "planwatchd", "start",
	    PLANWATCH_VERSION);

	d.loop = uv_default_loop();
	d.control = control_start(d.loop, d.conf->control_socket,
	    d.conf->control_group, control_handler, &d, err, sizeof(err));
	if (d.control == NULL)
		fatalx("%s", err);
	uv_signal_init(d.loop, &d.sig_hup);
	uv_signal_init(d.loop, &d.sig_term);
	uv_signal_init(d.loop, &d.sig_int);
	d.sig_hup.data = d.sig_term.data = d.sig_int.data = &d;
	uv_signal_start(&d.sig_hup, signal_cb, SIGHUP);
	uv_signal_start(&d.sig_term, signal_cb, SIGTERM);
	uv_signal_start(&d.sig_int, signal_cb, SIGINT);

	log_info("started %s: %zu plans, control socket %s", PLANWATCH_VERSION,
	    d.conf->nplans, d.conf->control_socket);
	notify("READY=1");
	uv_run(d.loop, UV_RUN_DEFAULT);

	/* Reverse order of the above. */
	if (uv_loop_close(d.loop) != 0)
		log_warnx("loop: handles still open at exit");
	store_audit(d.store, daemon_now(&d), "planwatchd", "stop", NULL);
	store_close(d.store);
	conf_free(d.conf);
	free(d.conf_path);
	log_info("stopped");
	return 0;
}
