/*
 * watchlog.h: a delivery watch (transport.h) for the transport tests.  It
 * writes "c " for each commit() and "dN " for each decided(N) into ev,
 * refuses the refuse_at-th commit() (1-based; 0: none), and at each
 * decided(N) stores look(arg) in seen[N], for what the test wants to
 * know at that moment (the messages the server has, the files in new/).
 */
#ifndef PLANWATCH_WATCHLOG_H
#define PLANWATCH_WATCHLOG_H

#include <stdio.h>
#include <string.h>

#include "transport.h"

struct watch_log {
	struct delivery_watch	 dw;
	char			 ev[64];
	int			 refuse_at;
	int			 commits;
	size_t			 seen[8];
	size_t			(*look)(const void *arg);
	const void		*arg;
};

static void
watch_log_decided(void *arg, size_t i)
{
	struct watch_log *w = arg;
	size_t n = strlen(w->ev);

	snprintf(w->ev + n, sizeof(w->ev) - n, "d%zu ", i);
	if (i < sizeof(w->seen) / sizeof(w->seen[0]))
		w->seen[i] = w->look(w->arg);
}

static int
watch_log_commit(void *arg)
{
	struct watch_log *w = arg;
	size_t n = strlen(w->ev);

	snprintf(w->ev + n, sizeof(w->ev) - n, "c ");
	return ++w->commits == w->refuse_at ? -1 : 0;
}

static void
watch_log_init(struct watch_log *w, int refuse_at,
    size_t (*look)(const void *), const void *arg)
{
	memset(w, 0, sizeof(*w));
	w->dw.decided = watch_log_decided;
	w->dw.commit = watch_log_commit;
	w->dw.arg = w;
	w->refuse_at = refuse_at;
	w->look = look;
	w->arg = arg;
}

#endif
