/*
 * daemon: the running daemon's state, shared by main.c (lifecycle, loop,
 * signals, timers) and commands.c (what planwatchctl can ask).  The loop
 * thread owns all of it.
 */
#ifndef PLANWATCH_DAEMON_H
#define PLANWATCH_DAEMON_H

#include <time.h>

#include <jansson.h>
#include <uv.h>

#include "conf.h"
#include "control.h"
#include "http.h"
#include "link.h"
#include "linkkey.h"
#include "outbox.h"
#include "page.h"
#include "remind.h"
#include "reports.h"
#include "sched.h"
#include "spool.h"
#include "store.h"
#include "webapp.h"

struct daemon {
	uv_loop_t		*loop;
	char			*conf_path;
	struct config		*conf;
	struct sched		*sched;
	struct remind_templates	 tpl;
	struct store		*store;
	struct control		*control;
	struct outbox		*outbox;
	uv_timer_t		 stop_timer;
	struct http_server	*http;
	/* The pages: the key that signs links, the templates, the handler. */
	struct linkkey		*linkkey;	/* NULL: no pages */
	struct link_signer	 signer;
	struct pages		 pages;
	struct webapp		*web;
	struct spool		*spool;
	/* HTTP reports waiting for the loop iteration's group commit. */
	struct intake_pending	*pending, **pending_tail;
	uv_check_t		 intake_check;
	uv_signal_t		 sig_hup, sig_term, sig_int;
	int			 tfd;		/* timerfd, CLOCK_REALTIME */
	uv_poll_t		 tpoll;
	uv_timer_t		 retry;		/* after a failed run */
	time_t			 started;
	time_t			 loaded;
	unsigned		 reloads;
	unsigned		 wakeups;	/* scheduler timer firings */
	int			 test_clock;	/* --test-clock given */
	time_t			 clock;		/* the test clock's time */
	int			 stopping;
	int			 reloading;	/* a reload job runs */
	int			 reload_again;	/* asked for meanwhile */
	struct control_client	**waiting;	/* for the next reload job */
	size_t			 nwaiting;
	uv_timer_t		 probe;		/* while writes fail */
};

/* The daemon's idea of now: the test clock when there is one. */
time_t	daemon_now(const struct daemon *);
/*
 * Builds a new configuration in the thread pool and swaps it in on the
 * loop thread only if every file loaded, the old one intact otherwise;
 * `client` (may be NULL) gets the reply then.  Asked for while one runs,
 * it runs again after it.  0, or -1 when no job starts.
 */
int	daemon_reload_start(struct daemon *, const char *actor,
	    struct control_client *client);
/* Generates whatever has fallen due and arms the timer for the next. */
void	daemon_run_due(struct daemon *);

/* The context the reports module works in, at the daemon's now. */
void	daemon_reports_env(struct daemon *, struct reports_env *);

/* Their alerts go out now, an acknowledgement deadline waits (main.c). */
void	daemon_reports_stored(struct daemon *);

/* The key's signer, or NULL when there are no pages. */
const struct link_signer *daemon_signer(struct daemon *);

/* The control socket's request handler (commands.c). */
json_t	*commands_handle(void *arg, const struct control_peer *, json_t *req,
	    struct control_client *);

#endif
