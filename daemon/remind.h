/*
 * remind: the shell step that turns due schedule entries into
 * notifications.  For every entry due in a window it writes, in one
 * transaction, a ledger row per recipient (whose UNIQUE key makes it
 * happen once, ever) and the composed message in the outbox.  What fell
 * due long ago (past the configured lateness) is not sent one by one: the
 * coordinator gets one summary instead.
 */
#ifndef PLANWATCH_REMIND_H
#define PLANWATCH_REMIND_H

#include <time.h>

#include "conf.h"
#include "sched.h"
#include "store.h"
#include "template.h"

/* Every template kind in both languages, loaded once per configuration. */
struct remind_templates {
	struct template	*t[2][TEMPLATE_NKINDS];	/* [0] sv, [1] en */
};

/* Loads rules_dir/templates; 0, or -1 with errors in `d`. */
int	remind_templates_load(struct remind_templates *, const char *rules_dir,
	    struct diag *d);
void	remind_templates_free(struct remind_templates *);

struct remind_stats {
	int	generated;	/* new ledger rows */
	int	late;		/* of which sent late */
	int	missed;		/* past the lateness, in the summary */
	int	messages;	/* outbox messages written */
};

/*
 * Generates everything due in (from, to] as seen at `now` (to <= now).
 * Entries due before now - c->lateness go into one summary to the
 * coordinator; those due before now are marked late.  Already generated
 * keys are skipped.  Records `to` as the scheduler's progress in the same
 * transaction.  Returns 0 or -1 (nothing of the window is kept then).
 */
int	remind_run(struct store *, const struct config *, const struct sched *,
	    const struct remind_templates *, time_t from, time_t to, time_t now,
	    struct remind_stats *);

/*
 * Renders `tpl` with `t`, composes the message (From, Reply-To, List-Id
 * and the Message-ID derived from `key` come from the configuration) and
 * puts it in the outbox for one recipient.  Call inside a transaction.
 * Returns the message row id or -1.
 */
int64_t	remind_queue(struct store *, const struct config *, time_t now,
	    const char *key, const char *kind, const struct template *tpl,
	    const struct template_ctx *t, const char *to_name,
	    const char *to_addr, int late);

/*
 * Sends every digest due at `now`: each recipient's waiting notifications
 * of one digest instant become one message (never an empty one).
 * Returns the number of messages or -1 (nothing kept then).
 */
int	remind_digests(struct store *, const struct config *,
	    const struct remind_templates *, time_t now);
/* When the next waiting digest is due, or 0 when none waits. */
time_t	remind_digest_next(struct store *);

/* The store key under which the scheduler's progress is kept. */
#define REMIND_PROGRESS_KEY	"sched.processed_until"

#endif
