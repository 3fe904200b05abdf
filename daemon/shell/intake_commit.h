/*
 * intake_commit: the intake's commit, the stage that stores concern
 * reports (docs/design.md, "The intake").  Shell.  The front ends (the
 * HTTP listener, the spool) hand each report here through the callbacks
 * of intake.h; reports_submit() and reports_store() validate, store,
 * route and alert.  The loop thread calls all of it.
 */
#ifndef PLANWATCH_INTAKE_COMMIT_H
#define PLANWATCH_INTAKE_COMMIT_H

#include <stddef.h>

#include "intake.h"

struct daemon;

/*
 * Takes one concern report from the spool, in a transaction of its own:
 * 201 with the number once stored, 200 with it when `key` was stored
 * before (nothing is stored or sent again), 400 with the reason when
 * refused, 503 when it could not be stored (the sender tries again).  An
 * intake_submit_cb; `arg` is the struct daemon.
 */
void	intake_commit_now(void *arg, const char *client, const char *key,
	    const char *json, size_t len, struct intake_result *out);
/*
 * The same for the HTTP intake, answered after a group commit: every
 * report valid in one loop iteration is stored in one transaction at its
 * end (intake.h has the contract).  An intake_queue_cb.
 */
struct intake_ticket *intake_commit_queue(void *arg, const char *client,
	    const char *key, const char *json, size_t len,
	    intake_done_cb *done, void *done_arg);
/* The uv_check handle that ends each loop turn's group. */
void	intake_commit_init(struct daemon *);
/* Commits and answers the reports queued so far (also at shutdown). */
void	intake_commit_flush(struct daemon *);

#endif
