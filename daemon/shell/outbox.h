/*
 * outbox: delivers what the store's outbox holds.  The loop thread picks
 * due recipients, copies each delivery into a job of its own and hands it
 * to the libuv thread pool, where the transport (SMTP through libesmtp,
 * which blocks, or a Maildir) runs; results are recorded back on the loop
 * thread.  Temporary failures retry with exponential backoff and jitter;
 * a recipient that accepted is never sent the message again.
 */
#ifndef PLANWATCH_OUTBOX_H
#define PLANWATCH_OUTBOX_H

#include <time.h>

#include <uv.h>

#include "conf.h"
#include "remind.h"
#include "store.h"

struct outbox;

typedef time_t outbox_now_cb(void *arg);
/* Called after results were recorded, so the caller can re-arm its timer. */
typedef void outbox_changed_cb(void *arg);

/*
 * Starts delivering with the mail settings of `c`.  `now` gives the
 * daemon's clock (the test clock in tests).  Returns NULL with `err` set
 * when the transport cannot be built (a CA file that does not load, ...).
 */
struct outbox *outbox_start(uv_loop_t *, struct store *,
	    const struct config *c, const struct remind_templates *,
	    outbox_now_cb *, outbox_changed_cb *, void *arg, char *err,
	    size_t errlen);
/* Uses new settings from now on; jobs in flight finish with the old. */
int	outbox_set_config(struct outbox *, const struct config *,
	    const struct remind_templates *, char *err, size_t errlen);
/* Dispatches whatever is due now, up to the session limit. */
void	outbox_kick(struct outbox *);
/* The next instant something queued is due, or 0 when nothing is. */
time_t	outbox_next(struct outbox *);
/* Number of jobs running in the thread pool. */
int	outbox_busy(const struct outbox *);
/*
 * Stops dispatching.  Jobs in flight finish (each is bounded by the
 * transport's timeouts) and record their results; what is queued stays
 * queued for the next start.  The outbox is freed when the last job is.
 */
void	outbox_stop(struct outbox *);

#endif
