/*
 * planwatchd: the daemon's entry point and shell.  It owns the libuv loop
 * and wires the pieces: signals, the control socket, configuration loads
 * and reloads (in the thread pool), the store, the scheduler's timer, the
 * outbox, and the HTTP and spool intake of concern reports (whose group
 * commit is in intake_commit.c).  Everything here is I/O and lifetimes; the
 * decisions live in the pure core modules.
 *
 * Lifetimes are paired and torn down in reverse order in main().
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "concern.h"
#include "conf.h"
#include "confopen.h"
#include "control.h"
#include "daemon.h"
#include "host.h"
#include "http.h"
#include "intake_commit.h"
#include "log.h"
#include "outbox.h"
#include "remind.h"
#include "reports.h"
#include "sched.h"
#include "spool.h"
#include "store.h"
#include "util.h"

/* When descriptions past the retention period were last erased. */
#define PURGE_KEY	"reports.purged_at"
/* How often a degraded store tries a write, to learn it works again. */
#define PROBE_MS	5000

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

time_t
daemon_now(const struct daemon *d)
{
	return d->test_clock ? d->clock : time(NULL);
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
 * Everything built from a configuration: the templates and the schedule.
 * Returns 0, or -1 with errors in `diag` (nothing is kept then).
 */
static int
derive(struct config *c, struct remind_templates *tpl, struct pages *pg,
    struct sched **s, struct diag *diag)
{
	memset(pg, 0, sizeof(*pg));
	if (remind_templates_load(tpl, host_source(), c->rules_dir, diag) != 0)
		return -1;
	if (c->web.enabled && pages_load(pg, host_source(), c->web.pages_dir,
	    diag) != 0) {
		remind_templates_free(tpl);
		return -1;
	}
	*s = sched_build(c, c->rules);
	return 0;
}

const struct link_signer *
daemon_signer(struct daemon *d)
{
	if (d->linkkey == NULL || !d->conf->web.enabled)
		return NULL;
	linkkey_signer(d->linkkey, &d->signer);
	return &d->signer;
}

static void	page_queued(void *);

/* A page asked for: answered at once from the store and the snapshot. */
static void
page_cb(void *arg, const struct http_request *req, struct http_response *r)
{
	struct daemon *d = arg;
	struct webapp_env env;

	memset(&env, 0, sizeof(env));
	env.st = d->store;
	env.c = d->conf;
	env.tpl = &d->tpl;
	env.pages = &d->pages;
	env.signer = daemon_signer(d);
	env.now = daemon_now(d);
	env.queued = page_queued;
	env.arg = d;
	webapp_serve(d->web, &env, req, r);
}

/*
 * Opens the link key the configuration names, when it has pages and the
 * key is not open yet.  0, or -1 with `err` (the pages then stay off).
 */
static int
open_linkkey(struct daemon *d, const struct config *c, char *err,
    size_t errlen)
{
	if (!c->web.enabled || d->linkkey != NULL)
		return 0;
	if ((d->linkkey = linkkey_open(c->web.key_file, err, errlen)) == NULL)
		return -1;
	return 0;
}

/* Serves the pages, or stops, as the configuration says. */
static void
set_pages(struct daemon *d)
{
	if (d->http == NULL)
		return;
	http_set_pages(d->http, d->conf->web.enabled && d->linkkey != NULL ?
	    page_cb : NULL, d);
}

/*
 * Swaps in a configuration loaded (with its templates and schedule) by
 * daemon_reload() or a reload job, or, when `c` is NULL, records that the
 * load failed and keeps the running one.  Runs on the loop thread.
 */
static int
apply(struct daemon *d, struct config *c, struct remind_templates *tpl,
    struct pages *pg, struct sched *s, const char *actor, struct diag *diag)
{
	char err[512];
	size_t i;
	int bad = 0;

	if (c != NULL && outbox_set_config(d->outbox, c, tpl, err,
	    sizeof(err)) != 0) {
		diag_error(diag, d->conf_path, 0, "mail: %s", err);
		bad = 1;
	} else if (c != NULL && open_linkkey(d, c, err, sizeof(err)) != 0) {
		diag_error(diag, d->conf_path, 0, "web: %s", err);
		bad = 1;
	}
	if (bad) {
		sched_free(s);
		remind_templates_free(tpl);
		pages_free(pg);
		conf_free(c);
		c = NULL;
	}
	if (c == NULL) {
		for (i = 0; i < diag->n; i++)
			log_warnx("reload: %s:%d: %s", diag->v[i].file,
			    diag->v[i].line, diag->v[i].msg);
		log_warnx("reload: failed with %zu error(s); the previous "
		    "configuration stays active", diag->nerrors);
		store_audit(d->store, daemon_now(d), actor, "reload-failed",
		    d->conf_path);
		/* The zone of the running snapshot stays in force. */
		host_zone_set(d->conf->timezone);
		notify("READY=1");
		return -1;
	}
	if (strcmp(c->database, d->conf->database) != 0 ||
	    strcmp(c->control_socket, d->conf->control_socket) != 0 ||
	    (c->web.enabled && d->conf->web.enabled &&
	    strcmp(c->web.key_file, d->conf->web.key_file) != 0))
		log_warnx("reload: database, control_socket and web key_file "
		    "changes take effect at the next start");
	/*
	 * The schedule is rebuilt from the new plans and rules: removed
	 * activities and finished ones have no entries left, so their
	 * ladders stop here.
	 */
	sched_free(d->sched);
	remind_templates_free(&d->tpl);
	pages_free(&d->pages);
	conf_free(d->conf);
	d->conf = c;
	d->sched = s;
	d->tpl = *tpl;
	d->pages = *pg;
	if (d->http != NULL)
		http_set_config(d->http, &c->http);
	set_pages(d);
	d->loaded = daemon_now(d);
	d->reloads++;
	record_revisions(d, actor);
	store_audit(d->store, daemon_now(d), actor, "reload", d->conf_path);
	log_info("reload: configuration reloaded (%zu plans, %zu schedule "
	    "entries)", c->nplans, sched_count(s));
	notify("READY=1");
	daemon_run_due(d);
	return 0;
}

/*
 * Builds a new configuration and swaps it in only if every file loaded;
 * 0, or -1 with the problems in `diag` and the old configuration intact.
 */
static int
daemon_reload(struct daemon *d, const char *actor, struct diag *diag)
{
	struct remind_templates tpl;
	struct pages pg;
	struct sched *s = NULL;
	struct config *c;

	notify_reloading();
	c = conf_open(d->conf_path, diag);
	if (c != NULL && derive(c, &tpl, &pg, &s, diag) != 0) {
		conf_free(c);
		c = NULL;
	}
	return apply(d, c, &tpl, &pg, s, actor, diag);
}

/*
 * A reload in the thread pool: reading and checking every file and
 * building the schedule take seconds for a large organisation, and the
 * control socket and the intake must keep answering meanwhile.  Only the
 * swap runs on the loop thread.
 */
struct reload_job {
	uv_work_t		 req;
	struct daemon		*d;
	char			*actor;
	struct control_client	**clients;	/* waiting for the answer */
	size_t			 nclients;
	struct config		*c;
	struct remind_templates	 tpl;
	struct pages		 pg;
	struct sched		*s;
	struct diag		 diag;
};

static void
reload_work_cb(uv_work_t *req)
{
	struct reload_job *j = req->data;

	/* The zone is only checked here: setenv() is not thread-safe. */
	j->c = conf_open_ex(j->d->conf_path, 0, &j->diag);
	if (j->c != NULL && derive(j->c, &j->tpl, &j->pg, &j->s,
	    &j->diag) != 0) {
		conf_free(j->c);
		j->c = NULL;
	}
}

static json_t *
reload_reply(int rc, const struct diag *diag)
{
	struct buf b = { 0 };
	json_t *r;

	if (rc == 0)
		return control_ok();
	diag_format(diag, &b);
	r = json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
	    "reload failed; the previous configuration stays active",
	    "diagnostics", b.s ? b.s : "");
	buf_free(&b);
	return r;
}

static int	reload_queue(struct daemon *, const char *);

static void
reload_after_cb(uv_work_t *req, int status)
{
	struct reload_job *j = req->data;
	struct daemon *d = j->d;
	size_t i;
	int rc = -1;

	d->reloading = 0;
	if (d->stopping || status != 0) {
		sched_free(j->s);
		if (j->c != NULL) {
			remind_templates_free(&j->tpl);
			pages_free(&j->pg);
		}
		conf_free(j->c);
		for (i = 0; i < j->nclients; i++)
			control_reply(j->clients[i], control_error("the daemon "
			    "is stopping"));
	} else if (j->c != NULL && strcmp(j->c->timezone,
	    d->conf->timezone) != 0) {
		/* The schedule was built in the old zone: load again here. */
		sched_free(j->s);
		remind_templates_free(&j->tpl);
		pages_free(&j->pg);
		conf_free(j->c);
		diag_free(&j->diag);
		rc = daemon_reload(d, j->actor, &j->diag);
	} else
		rc = apply(d, j->c, &j->tpl, &j->pg, j->s, j->actor, &j->diag);
	for (i = 0; !d->stopping && i < j->nclients; i++)
		control_reply(j->clients[i], reload_reply(rc, &j->diag));
	diag_free(&j->diag);
	free(j->clients);
	free(j->actor);
	free(j);
	/* Asked for while this one ran: once more, for all who asked. */
	if (!d->stopping && d->reload_again)
		reload_queue(d, "signal");
}

/* Starts a reload job for everyone waiting on d->waiting. */
static int
reload_queue(struct daemon *d, const char *actor)
{
	struct reload_job *j;

	j = xcalloc(1, sizeof(*j));
	j->req.data = j;
	j->d = d;
	j->actor = xstrdup(actor);
	j->clients = d->waiting;
	j->nclients = d->nwaiting;
	d->waiting = NULL;
	d->nwaiting = 0;
	d->reload_again = 0;
	notify_reloading();
	if (uv_queue_work(d->loop, &j->req, reload_work_cb,
	    reload_after_cb) != 0) {
		size_t i;

		for (i = 0; i < j->nclients; i++)
			control_reply(j->clients[i], control_error("cannot "
			    "start a reload"));
		free(j->clients);
		free(j->actor);
		free(j);
		return -1;
	}
	d->reloading = 1;
	return 0;
}

int
daemon_reload_start(struct daemon *d, const char *actor,
    struct control_client *client)
{
	if (client != NULL) {
		d->waiting = xreallocarray(d->waiting, d->nwaiting + 1,
		    sizeof(*d->waiting));
		d->waiting[d->nwaiting++] = client;
	}
	/*
	 * A reload asked for while one runs may have missed an edit made
	 * meanwhile: it runs again when the current one is done.
	 */
	if (d->reloading) {
		d->reload_again = 1;
		return 0;
	}
	return reload_queue(d, actor);
}

/*
 * Arms the timerfd at the next due instant, as an absolute CLOCK_REALTIME
 * time with TFD_TIMER_CANCEL_ON_SET: it fires exactly then, survives
 * suspend, and wakes us early if the wall clock is stepped, so a step or
 * DST change never makes a reminder late or early.  With nothing due the
 * timer is disarmed and the daemon sleeps: no polling.
 */
static void
arm(struct daemon *d)
{
	struct itimerspec its;
	struct reports_env env;
	time_t next, retry;
	int64_t purged;

	if (d->test_clock || d->tfd == -1)
		return;
	memset(&its, 0, sizeof(its));
	next = sched_next(d->sched, daemon_now(d));
	/* A retry waiting in the outbox wakes us too (0: none waits). */
	if ((retry = outbox_next(d->outbox)) != 0 && retry < next)
		next = retry > daemon_now(d) ? retry : daemon_now(d) + 1;
	/* So do a digest, an acknowledgement deadline, the daily disposal. */
	if ((retry = remind_digest_next(d->store)) != 0 && retry < next)
		next = retry > daemon_now(d) ? retry : daemon_now(d) + 1;
	daemon_reports_env(d, &env);
	if ((retry = reports_next(&env)) != 0 && retry < next)
		next = retry > daemon_now(d) ? retry : daemon_now(d) + 1;
	if (store_kv_get(d->store, PURGE_KEY, &purged) == 1 &&
	    (time_t)purged + 86400 < next)
		next = (time_t)purged + 86400;
	if (next != SCHED_NEVER)
		its.it_value.tv_sec = next;
	if (timerfd_settime(d->tfd, TFD_TIMER_ABSTIME |
	    TFD_TIMER_CANCEL_ON_SET, &its, NULL) == -1)
		log_warn("scheduler: timerfd_settime");
}

static void	retry_cb(uv_timer_t *);

void
daemon_reports_env(struct daemon *d, struct reports_env *env)
{
	env->st = d->store;
	env->c = d->conf;
	env->tpl = &d->tpl;
	env->now = daemon_now(d);
}

/*
 * Escalates unacknowledged reports whose deadline passed, and once a day
 * erases the descriptions of reports closed longer ago than the
 * retention period.
 */
static void
run_reports(struct daemon *d, time_t now)
{
	struct reports_env env;
	int64_t last = 0;
	int n;

	daemon_reports_env(d, &env);
	if (reports_escalate(&env) < 0)
		uv_timer_start(&d->retry, retry_cb, 60 * 1000, 0);
	store_kv_get(d->store, PURGE_KEY, &last);
	if (now - (time_t)last >= 86400) {
		n = store_report_purge(d->store, now - d->conf->retention, now,
		    0, NULL, NULL);
		if (n > 0)
			log_info("reports: %d description(s) past the "
			    "retention period erased", n);
		store_kv_set(d->store, PURGE_KEY, (int64_t)now);
	}
}

/* After reports were stored: their alerts go out, a deadline waits. */
void
daemon_reports_stored(struct daemon *d)
{
	outbox_kick(d->outbox);
	arm(d);
}

static time_t
outbox_now(void *arg)
{
	return daemon_now(arg);
}

/* A page put a message in the outbox (a fresh link): deliver it. */
static void
page_queued(void *arg)
{
	struct daemon *d = arg;

	outbox_kick(d->outbox);
	arm(d);
}

static void
outbox_changed(void *arg)
{
	arm(arg);
}

static void
retry_cb(uv_timer_t *t)
{
	daemon_run_due(t->data);
}

void
daemon_run_due(struct daemon *d)
{
	struct remind_stats stats;
	time_t now = daemon_now(d);
	int64_t done;

	if (d->stopping)
		return;
	if (store_kv_get(d->store, REMIND_PROGRESS_KEY, &done) != 1) {
		/* A new database starts now, not at the plan's adoption. */
		store_kv_set(d->store, REMIND_PROGRESS_KEY, (int64_t)now);
		done = now;
	}
	if (now < (time_t)done) {
		/*
		 * The clock is behind the progress (set back, or a database
		 * from a later test clock): carry on from now.  Whatever was
		 * generated already keeps its ledger key, so nothing repeats.
		 */
		log_info("scheduler: the clock is behind the last run; going on "
		    "from now");
		store_kv_set(d->store, REMIND_PROGRESS_KEY, (int64_t)now);
		done = now;
	}
	if (now > (time_t)done) {
		if (remind_run(d->store, d->conf, d->sched, &d->tpl,
		    (time_t)done, now, now, &stats) != 0) {
			/* Nothing of the window was kept: try again soon. */
			uv_timer_start(&d->retry, retry_cb, 60 * 1000, 0);
			return;
		}
		if (stats.generated > 0)
			log_info("scheduler: %d notification(s) generated, %d "
			    "late, %d past the lateness summarised",
			    stats.generated, stats.late, stats.missed);
	}
	if (remind_flush(d->store, d->conf, &d->tpl, daemon_signer(d),
	    now) < 0)
		uv_timer_start(&d->retry, retry_cb, 60 * 1000, 0);
	run_reports(d, now);
	outbox_kick(d->outbox);
	arm(d);
}

static void
timer_cb(uv_poll_t *h, int status, int events)
{
	struct daemon *d = h->data;
	uint64_t n;

	d->wakeups++;
	if (read(d->tfd, &n, sizeof(n)) == -1) {
		if (errno == ECANCELED)
			log_info("scheduler: the wall clock was set; "
			    "recomputing");
		else if (errno != EAGAIN)
			log_warn("scheduler: timerfd read");
	}
	daemon_run_due(d);
}

static void
close_walk_cb(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void
stop_timeout_cb(uv_timer_t *t)
{
	struct daemon *d = t->data;

	log_warnx("stopping with delivery sessions still running; their "
	    "messages are retried at the next start");
	store_close(d->store);
	log_info("stopped");
	_exit(0);
}

static void
shutdown_daemon(struct daemon *d, const char *why)
{
	int busy;

	if (d->stopping)
		return;
	d->stopping = 1;
	log_info("stopping on %s", why);
	notify("STOPPING=1");
	control_stop(d->control);
	d->control = NULL;
	uv_timer_stop(&d->retry);
	spool_stop(d->spool);
	d->spool = NULL;
	/* Reports already taken are stored and answered before the close. */
	intake_commit_flush(d);
	http_stop(d->http);
	d->http = NULL;
	/* Sessions in flight finish and record; the rest stays queued. */
	busy = outbox_busy(d->outbox);
	outbox_stop(d->outbox);
	d->outbox = NULL;
	uv_signal_stop(&d->sig_hup);
	uv_signal_stop(&d->sig_term);
	uv_signal_stop(&d->sig_int);
	/* Whatever else is open goes too; uv_run returns once it has. */
	uv_walk(d->loop, close_walk_cb, NULL);
	/*
	 * uv_run also waits for deliveries in flight, each bounded by the
	 * SMTP timeouts.  Past shutdown_wait_seconds we stop anyway: their
	 * recipients stay 'sending' and are queued again at the next start.
	 */
	if (busy > 0) {
		uv_timer_init(d->loop, &d->stop_timer);
		d->stop_timer.data = d;
		uv_timer_start(&d->stop_timer, stop_timeout_cb,
		    (uint64_t)d->conf->mail.shutdown_wait * 1000, 0);
		uv_unref((uv_handle_t *)&d->stop_timer);
	}
}

static void
signal_cb(uv_signal_t *h, int signum)
{
	struct daemon *d = h->data;

	switch (signum) {
	case SIGHUP:
		log_info("reload on SIGHUP");
		daemon_reload_start(d, "signal", NULL);
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
probe_cb(uv_timer_t *t)
{
	struct daemon *d = t->data;

	/* Success calls health_cb, which stops this timer. */
	store_probe(d->store);
}

/* Writes work again: what waited for them goes on. */
static void
resume_cb(uv_timer_t *t)
{
	struct daemon *d = t->data;

	if (d->spool != NULL)
		spool_scan(d->spool);
	daemon_run_due(d);
}

/*
 * The store's write health changed (called from inside a store call:
 * the work is left to the timer).  The log and the HTTP health check say
 * so, and while writes fail the timer tries one every PROBE_MS, as the
 * intake takes nothing meanwhile.
 */
static void
health_cb(void *arg, const char *problem)
{
	struct daemon *d = arg;

	if (d->http != NULL)
		http_set_degraded(d->http, problem != NULL);
	if (problem != NULL) {
		log_warnx("degraded: the state cannot be written (%s); "
		    "concern reports are answered 503 until it can", problem);
		if (!d->stopping)
			uv_timer_start(&d->probe, probe_cb, PROBE_MS,
			    PROBE_MS);
		return;
	}
	log_info("no longer degraded: the state can be written again");
	if (!d->stopping)
		uv_timer_start(&d->probe, resume_cb, 0, 0);
}

/*
 * The state directory is the daemon's alone: 0700 whatever the umask,
 * and one an earlier version left 0750 is tightened.
 */
static void
state_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		fatal("state directory %s", dir);
	if (stat(dir, &st) == -1)
		fatal("state directory %s", dir);
	if (!S_ISDIR(st.st_mode))
		fatalx("state directory %s is not a directory", dir);
	if ((st.st_mode & 077) == 0)
		return;
	if (st.st_uid != geteuid())
		log_warnx("state directory %s: mode %04o and another owner: "
		    "others may read the data; make it the daemon user's, "
		    "mode 0700", dir, (unsigned)(st.st_mode & 07777));
	else if (chmod(dir, 0700) == -1)
		log_warn("state directory %s: chmod 0700", dir);
	else
		log_info("state directory %s: was mode %04o, now 0700: only "
		    "the daemon reads its data", dir,
		    (unsigned)(st.st_mode & 07777));
}

/*
 * Room for the HTTP connection table: the soft limit on descriptors
 * raised to fit it, as far as the hard limit allows (systemd sets the
 * soft limit to 1024 for select()'s sake; libuv uses epoll).
 */
static void
raise_nofile(size_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		log_warnx("http: only %llu file descriptors for max_connections "
		    "%zu; raise LimitNOFILE", (unsigned long long)rl.rlim_cur,
		    want - 128);
}

static void
usage(void)
{
	fprintf(stderr, "usage: planwatchd [-dnvV] [-f file] "
	    "[--test-clock=YYYY-MM-DDTHH:MM]\n");
	exit(2);
}

/* "YYYY-MM-DDTHH:MM" (or with a space), local time; 0 or -1. */
static int
parse_local(const char *s, time_t *out)
{
	char date[11];
	int day, h, m;

	if (strlen(s) != 16 || (s[10] != 'T' && s[10] != ' ') ||
	    sscanf(s + 11, "%2d:%2d", &h, &m) != 2 || h > 23 || m > 59 ||
	    h < 0 || m < 0)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (calendar_parse_date(date, &day) != 0)
		return -1;
	*out = calendar_local_to_utc(day, h * 60 + m);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "test-clock", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct daemon d;
	struct diag diag = { 0 };
	const char *conf_path = SYSCONFDIR "/planwatch/planwatch.conf";
	const char *test_clock = NULL;
	int ch, foreground = 0, check = 0, verbose = 0;
	size_t i;
	char err[1024];

	memset(&d, 0, sizeof(d));
	d.tfd = -1;
	while ((ch = getopt_long(argc, argv, "df:nvV", longopts, NULL)) != -1) {
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
		case 'T':
			test_clock = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	d.conf = conf_open(conf_path, &diag);
	if (d.conf != NULL && derive(d.conf, &d.tpl, &d.pages, &d.sched,
	    &diag) != 0) {
		conf_free(d.conf);
		d.conf = NULL;
	}
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
		sched_free(d.sched);
		remind_templates_free(&d.tpl);
		pages_free(&d.pages);
		conf_free(d.conf);
		return 0;
	}
	if (d.conf == NULL) {
		fprintf(stderr, "planwatchd: %s: configuration has errors; "
		    "not starting\n", conf_path);
		return 1;
	}
	if (test_clock != NULL) {
		if (parse_local(test_clock, &d.clock) != 0) {
			fprintf(stderr, "planwatchd: --test-clock wants "
			    "YYYY-MM-DDTHH:MM\n");
			return 2;
		}
		d.test_clock = 1;
	}

	log_init("planwatchd", foreground, verbose);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Whatever the daemon creates -- database, logs, backups, spool
	 * rejects, mail -- is its own alone (the control socket sets its
	 * mode itself).
	 */
	umask(077);
	d.conf_path = xstrdup(conf_path);
	d.started = d.loaded = daemon_now(&d);
	if (d.test_clock)
		log_warnx("test clock: frozen at %s; for tests only",
		    test_clock);

	state_dir(d.conf->state_dir);
	if (d.conf->admin_group != NULL && getgrnam(d.conf->admin_group) ==
	    NULL)
		fatalx("admin_group '%s' is not a group", d.conf->admin_group);
	if (d.conf->http_enabled)
		raise_nofile(d.conf->http.max_connections + 128);
	d.store = store_open(d.conf->database, err, sizeof(err));
	if (d.store == NULL)
		fatalx("%s", err);
	if (open_linkkey(&d, d.conf, err, sizeof(err)) != 0)
		fatalx("web: %s", err);
	d.web = webapp_new();
	record_revisions(&d, "planwatchd");
	store_audit(d.store, daemon_now(&d), "planwatchd", "start",
	    PLANWATCH_VERSION);

	d.loop = uv_default_loop();
	uv_timer_init(d.loop, &d.probe);
	d.probe.data = &d;
	store_set_health_cb(d.store, health_cb, &d);
	d.outbox = outbox_start(d.loop, d.store, d.conf, &d.tpl, outbox_now,
	    outbox_changed, &d, err, sizeof(err));
	if (d.outbox == NULL)
		fatalx("mail: %s", err);
	d.control = control_start(d.loop, d.conf->control_socket,
	    d.conf->control_group, commands_handle, &d, err, sizeof(err));
	if (d.control == NULL)
		fatalx("%s", err);
	intake_commit_init(&d);
	if (d.conf->http_enabled && (d.http = http_start(d.loop,
	    &d.conf->http, intake_commit_queue, &d, err, sizeof(err))) == NULL)
		fatalx("http: %s", err);
	if (d.http != NULL && store_health(d.store) != NULL)
		http_set_degraded(d.http, 1);
	set_pages(&d);
	if ((d.spool = spool_start(d.loop, d.conf->spool_dir, intake_commit_now,
	    &d, err, sizeof(err))) == NULL)
		fatalx("spool: %s", err);
	uv_signal_init(d.loop, &d.sig_hup);
	uv_signal_init(d.loop, &d.sig_term);
	uv_signal_init(d.loop, &d.sig_int);
	d.sig_hup.data = d.sig_term.data = d.sig_int.data = &d;
	uv_signal_start(&d.sig_hup, signal_cb, SIGHUP);
	uv_signal_start(&d.sig_term, signal_cb, SIGTERM);
	uv_signal_start(&d.sig_int, signal_cb, SIGINT);
	uv_timer_init(d.loop, &d.retry);
	d.retry.data = &d;
	if (!d.test_clock) {
		d.tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK |
		    TFD_CLOEXEC);
		if (d.tfd == -1)
			fatal("scheduler: timerfd_create");
		uv_poll_init(d.loop, &d.tpoll, d.tfd);
		d.tpoll.data = &d;
		uv_poll_start(&d.tpoll, UV_READABLE, timer_cb);
	}

	log_info("started %s: %zu plans, %zu schedule entries, control "
	    "socket %s", PLANWATCH_VERSION, d.conf->nplans,
	    sched_count(d.sched), d.conf->control_socket);
	/* What fell due while the daemon was down goes out now. */
	daemon_run_due(&d);
	notify("READY=1");
	uv_run(d.loop, UV_RUN_DEFAULT);
	/* Reloads asked for after the stop get their answer now. */
	for (i = 0; i < d.nwaiting; i++)
		control_reply(d.waiting[i], control_error("the daemon is "
		    "stopping"));
	free(d.waiting);
	if (d.stop_timer.loop != NULL) {
		uv_close((uv_handle_t *)&d.stop_timer, NULL);
		uv_run(d.loop, UV_RUN_NOWAIT);
	}

	/* Reverse order of the above. */
	if (uv_loop_close(d.loop) != 0)
		log_warnx("loop: handles still open at exit");
	if (d.tfd != -1)
		close(d.tfd);
	store_audit(d.store, daemon_now(&d), "planwatchd", "stop", NULL);
	webapp_free(d.web);
	linkkey_close(d.linkkey);
	store_close(d.store);
	sched_free(d.sched);
	remind_templates_free(&d.tpl);
	pages_free(&d.pages);
	conf_free(d.conf);
	free(d.conf_path);
	log_info("stopped");
	return 0;
}
