/*
 * journal: the delivery journal, a small file beside the database
 * (`<database>-sent`) where the outbox's workers write each recipient a
 * server has accepted, the moment it has, and make it durable before the
 * server is committed to the next message.  The outbox records results in
 * the database once per session, so without the journal a crash would
 * forget every acceptance of the sessions in flight and send those
 * messages again; with it, only a message whose acceptance was on its way
 * back at the crash can go twice (one per session at most).  At the next
 * start the entries are applied to the database and the file is emptied.
 *
 * An entry states a fact that stays true: this server accepted message
 * N (with this Message-ID) for this address.  Applying a stale entry, one
 * whose session was long since recorded, therefore changes nothing, which
 * is why space is simply reused once a session's results are committed.
 *
 * An entry is written (pwrite) by the worker before it lets the server
 * have the next message, so a crash of the daemon, however it happens,
 * finds every acceptance but the one on its way.  A thread of the
 * journal's own flushes the file to disk (fdatasync) at most
 * JOURNAL_SYNC_MS after a write, for every entry written by then: a power
 * cut or a crash of the whole machine can lose the entries of those last
 * milliseconds as well, and their messages go out again.
 *
 * Threads: journal_reserve() and journal_release() belong to the loop
 * thread; journal_write() may be called from any thread, each job
 * writing only into its own reserved region.
 */
#ifndef PLANWATCH_JOURNAL_H
#define PLANWATCH_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

/* The longest an entry waits before it is flushed to disk. */
#define JOURNAL_SYNC_MS	10

struct journal;

/* One accepted recipient.  Strings are borrowed. */
struct journal_entry {
	int64_t		 message;	/* message.id */
	const char	*message_id;	/* its Message-ID, without <> */
	const char	*addr;
	int		 attempts;	/* this attempt included */
	int		 code;		/* the server's reply code */
	const char	*reply;		/* its text; truncated to 255 bytes */
};

/* The journal's file name for a database: a string the caller frees. */
char	*journal_path(const char *database);

/*
 * Opens the journal at `path`, creating it (mode 0600) if needed, and
 * starts its syncing thread.  Returns NULL with the reason in err.
 */
struct journal *journal_open(const char *path, char *err, size_t errlen);

/*
 * Calls fn for every intact entry in the file (a torn or overwritten one
 * is skipped), in file order; before any job writes.  Returns the number
 * of entries, or -1 when the file cannot be read.
 */
int	journal_read(struct journal *,
	    void (*fn)(void *arg, const struct journal_entry *), void *arg);

/* Empties the file durably; once its entries are in the database. 0/-1. */
int	journal_reset(struct journal *);

/* The most room one entry for this Message-ID and address can take. */
size_t	journal_entry_max(const char *message_id, const char *addr);

/*
 * Reserves `len` bytes for one job's entries where no other job's live
 * region lies (growing the file when needed).  Returns the offset, or -1
 * with the failure logged.  Loop thread.
 */
int64_t	journal_reserve(struct journal *, size_t len);
/*
 * Gives a region back, once the job's results are committed to the
 * database.  Loop thread.
 */
void	journal_release(struct journal *, int64_t off);

/*
 * Writes `n` entries at `off` (inside the caller's region; *used is
 * advanced by the bytes written, which must fit what was reserved); the
 * syncing thread flushes them within JOURNAL_SYNC_MS.  0, or -1 when the
 * write failed (logged once): the entries are not in the journal, and
 * from then on it takes no more.  Any thread.
 */
int	journal_write(struct journal *, int64_t off, size_t *used,
	    const struct journal_entry *e, size_t n);

/*
 * Flushes what was written, stops the syncing thread, closes the file.
 * No thread may be writing.  Accepts NULL.
 */
void	journal_close(struct journal *);

#endif
