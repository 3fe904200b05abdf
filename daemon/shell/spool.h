/*
 * spool: the spool directory for concern reports, for programs that
 * cannot speak HTTP.  A writer creates DIR/tmp/NAME, writes the report
 * JSON, closes it and renames it to DIR/new/NAME (a rename within one file
 * system is atomic, so a file in new/ is always complete).  The daemon
 * watches new/, passes each file to the intake callback as client
 * "spool", removes it once stored, moves a refused one to DIR/rejected/
 * with NAME.err beside it holding the JSON reason, and leaves it in place
 * when the store answers 5xx (tried again later).
 */
#ifndef PLANWATCH_SPOOL_H
#define PLANWATCH_SPOOL_H

#include <stddef.h>

#include <uv.h>

#include "intake.h"

/* Largest accepted file; a larger one is rejected unread. */
#define SPOOL_MAX_BYTES		(64 * 1024)
/* Quiet time after the last change in new/ before a scan. */
#define SPOOL_DEBOUNCE_MS	300
/* ... but no longer than this after the first change. */
#define SPOOL_DEBOUNCE_MAX_MS	2000
/* When a file could not be stored (5xx), the next attempt. */
#define SPOOL_RETRY_MS		30000

struct spool;

/*
 * Creates DIR, DIR/tmp, DIR/new and DIR/rejected (mode 0700) where
 * missing, watches DIR/new and schedules a first scan on the next loop
 * iteration (for files that arrived while the daemon was down).  `dir` is
 * copied.  Files are read on the loop thread (they are small and local).
 * Returns NULL with a message in `err` on failure.
 */
struct spool *spool_start(uv_loop_t *, const char *dir,
	    intake_submit_cb *submit, void *arg, char *err, size_t errlen);
/* Scans new/ now, in name order (also done on every change and retry). */
void	spool_scan(struct spool *);
/* Sets the retry delay after a 5xx (default SPOOL_RETRY_MS; for tests). */
void	spool_set_retry_ms(struct spool *, unsigned int);
/* Stops watching; memory goes in the close callbacks.  Accepts NULL. */
void	spool_stop(struct spool *);

#endif
