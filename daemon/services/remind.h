/*
 * remind: the service that turns due schedule entries into
 * notifications and notifications into messages.
 *
 * remind_run() writes, for every entry due in a window and every person
 * whose part of it is still open, a ledger row (whose UNIQUE key makes it
 * happen once, ever) that waits for its send instant: the entry's own
 * instant, or its rule's daily or weekly digest, or for the coordinator
 * and the deputy their summary.  What fell due long ago (past the
 * configured lateness) is not sent one by one: the coordinator gets one
 * summary instead.  remind_flush() then makes one message per person of
 * everything waiting for them: each activity and occurrence once, its
 * figures as of the moment it is written, without what was reported
 * meanwhile and without reminders whose event has passed.
 * remind_preview() predicts the same messages with the same code.
 */
#ifndef PLANWATCH_REMIND_H
#define PLANWATCH_REMIND_H

#include <time.h>

#include <jansson.h>

#include "conf.h"
#include "link.h"
#include "sched.h"
#include "store.h"
#include "template.h"

/* Every template kind in both languages, loaded once per configuration. */
struct remind_templates {
	struct template	*t[2][TEMPLATE_NKINDS];	/* [0] sv, [1] en */
};

/* Loads rules_dir/templates through `src`; 0, or -1 with errors in `d`. */
int	remind_templates_load(struct remind_templates *,
	    const struct source *src, const char *rules_dir, struct diag *d);
void	remind_templates_free(struct remind_templates *);

struct remind_stats {
	int	generated;	/* new ledger rows */
	int	late;		/* of which late */
	int	missed;		/* past the lateness, in the summary */
	int	messages;	/* outbox messages written (the summary) */
};

/*
 * Generates everything due in (from, to] as seen at `now` (to <= now):
 * a ledger row per entry and person whose part is still open, waiting
 * for remind_flush().  Entries due before now - c->lateness go into one
 * summary to the coordinator at once; those due before now are marked
 * late.  Already generated keys are skipped.  Records `to` as the
 * scheduler's progress in the same transaction.  Returns 0 or -1
 * (nothing of the window is kept then).
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
 * Writes the messages of every notification waiting with a send instant
 * at or before `now`: one per person (and one summary for the
 * coordinator or the deputy in that capacity), never an empty one.
 * Notifications whose part was reported meanwhile, whose activity was
 * closed or removed, or whose event passed before a reminder could go
 * out are dropped with the reason.  With `signer` (may be NULL) and the
 * pages configured, each message carries a signed link to a page of
 * exactly its items and one to the person's own page.  Returns the
 * number of messages, or -1 (nothing kept then).
 */
int	remind_flush(struct store *, const struct config *,
	    const struct remind_templates *, const struct link_signer *,
	    time_t now);
/* When the next waiting notification is due, or 0 when none waits. */
time_t	remind_digest_next(struct store *);

/*
 * The messages remind_run() and remind_flush() will write with send
 * instants in [from, to), as seen at `now` with the reports recorded so
 * far: who gets them, when, with which template and subject, and their
 * items.  With `role` only those to people of that role id (or
 * "coordinator", "deputy").  `s` may be a schedule of other rules (a
 * preview of an edit).  Returns a JSON array the caller owns, or NULL
 * when the database failed.
 */
json_t	*remind_preview(struct store *, const struct config *,
	    const struct sched *, const struct remind_templates *, time_t from,
	    time_t to, time_t now, const char *role);

/*
 * How far off a due day is `left` days from today, in words a template
 * can print: "om 5 dagar" / "in 5 days", "i morgon", "i dag" into
 * due_in (empty once past), and "3 dagar" / "3 days" into overdue_by
 * (empty until then).
 */
void	remind_due_words(int left, int en, char *due_in, size_t dlen,
	    char *overdue_by, size_t olen);

/* The store key under which the scheduler's progress is kept. */
#define REMIND_PROGRESS_KEY	"sched.processed_until"

#endif
