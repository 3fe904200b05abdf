/*
 * intake: the contract between the concern-report front ends (the HTTP
 * listener in http.c, the spool directory in spool.c) and the code that
 * validates and stores a report.  The front ends do transport-level checks
 * only; every report, whichever way it came in, goes through one submit
 * callback, so all paths share the same validation.
 */
#ifndef PLANWATCH_INTAKE_H
#define PLANWATCH_INTAKE_H

#include <stddef.h>

/*
 * The answer to one submitted report.  `status` is an HTTP status: 201
 * stored; 400, 409, 413, 415, 422 refused (the spool moves the file to
 * rejected/); 429, 500, 503 try again later.  `body` is the JSON reply
 * (e.g. {"number": 7} or {"error": "..."}), allocated by the callback
 * with xstrdup()/xasprintf(); the front end sends or records it and frees
 * it.  It must never contain a value from the report.
 */
struct intake_result {
	int	 status;
	char	*body;
};

/*
 * Validates and stores one report at once, in its own transaction (the
 * spool and the control socket).  Runs on the loop thread.  `client` is
 * the authenticated HTTP client's name, "spool", or the local user of the
 * control socket; `key` names this delivery of the report when the
 * front end may deliver it twice (reports_submit()), or is NULL; `json`
 * is `len` bytes, not NUL-terminated, borrowed for the call.  Fills *out
 * (out->body may be left NULL: the front end then sends a generic body
 * for the status): 201 stored, 200 stored before under the same key.
 */
typedef void intake_submit_cb(void *arg, const char *client,
    const char *key, const char *json, size_t len,
    struct intake_result *out);

/*
 * The HTTP intake's way in, which lets the core commit concurrent reports
 * together.  The core either answers at once -- calls done(done_arg, r)
 * before returning NULL (a refusal) -- or returns a ticket and calls
 * done(done_arg, r) later, on the loop thread, once the transaction that
 * holds the report committed.  `done` owns r->body (it frees it).  A front
 * end that stops waiting (its connection is gone) cancels the ticket; the
 * report is stored all the same, and the core frees the ticket.  `key` is
 * as for intake_submit_cb (the HTTP intake's comes from an
 * Idempotency-Key header): a key stored before is answered 200 with its
 * report's number.
 */
typedef void intake_done_cb(void *arg, struct intake_result *r);

struct intake_ticket {
	intake_done_cb	*done;		/* NULL once cancelled */
	void		*arg;
};

typedef struct intake_ticket *intake_queue_cb(void *arg, const char *client,
    const char *key, const char *json, size_t len, intake_done_cb *done,
    void *done_arg);

static inline void
intake_cancel(struct intake_ticket *t)
{
	t->done = NULL;
	t->arg = NULL;
}

#endif
