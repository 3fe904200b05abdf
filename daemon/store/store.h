/*
 * store: the daemon's memory, one SQLite database in WAL mode.  Store:
 * the public face of daemon/store/, whose files share store_int.h.
 * Everything that must survive a crash is written here before it is
 * acted on.  Only the store speaks SQL; every statement is prepared once
 * at open and always bound.  The loop thread owns the connection.
 */
#ifndef PLANWATCH_STORE_H
#define PLANWATCH_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

/*
 * Rows reach the services as structs: the store alone knows the columns.
 * A struct passed to a callback, and its strings, are borrowed for the
 * call; a string the row lacks is NULL.  Listings, which the control
 * socket hands on as JSON, iterate over named columns instead:
 * fn(arg, ncols, names, values).
 */
typedef void store_row_cb(void *arg, int ncols, const char *const *names,
    const char *const *values);

/* The schema version this binary writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION	9

/*
 * Opens (creating if needed, mode 0600) the database at `path`, takes the
 * exclusive lock file `path`.lock so that a second daemon refuses to
 * start, makes files an older release left group-readable 0600, runs
 * PRAGMA quick_check and refuses a damaged database (the message says how
 * to restore a backup), refuses a database newer than
 * STORE_SCHEMA_VERSION, runs forward migrations in one transaction, and
 * commits a write transaction, so that a daemon that cannot write its
 * state does not start.  Returns NULL with a message a person can act on
 * in `err`.
 */
struct store *store_open(const char *path, char *err, size_t errlen);
/* Finalizes statements, closes the database, releases the lock.  NULL ok. */
void	store_close(struct store *);

/*
 * Write health.  A write that fails because of the storage (a full disk,
 * an I/O error, a read-only or locked file, corruption) makes the store
 * degraded; the next write that commits makes it healthy again, except
 * after corruption, which lasts until the daemon is restarted (and then
 * refused at open).  store_health() is NULL while writes work, else a
 * fixed phrase ("database or disk is full") fit for a log or a status.
 * The callback is called on each change, with the phrase or NULL.
 */
typedef void store_health_cb(void *arg, const char *problem);
void	store_set_health_cb(struct store *, store_health_cb *, void *arg);
const char *store_health(const struct store *);
/* One small write transaction, to learn whether writes work.  0 or -1. */
int	store_probe(struct store *);

/*
 * Records that `file` with content hash `sha256` was loaded at `now`,
 * unless the newest revision of that file has the same hash.  Returns 1
 * when a row was added, 0 when unchanged, -1 on error.
 */
int	store_config_revision(struct store *, const char *file,
	    const char *sha256, time_t now);
/* Appends a row to the audit trail (append-only: the schema refuses
 * updates and deletes).  `object` may be NULL.  0 or -1. */
int	store_audit(struct store *, time_t now, const char *actor,
	    const char *action, const char *object);

struct store_counts {
	int64_t	reports;
	int64_t	notifications;
	int64_t	queued;
	int64_t	config_revisions;
	int64_t	audit_rows;
	int64_t	db_bytes;	/* page_count * page_size */
};
int	store_counts(struct store *, struct store_counts *);

/*
 * Writes an online, consistent copy of the database with the backup API
 * into the directory `dir` (created 0700 if missing; it must be the
 * daemon's own and not the database's directory; a symbolic link is not
 * followed) as the new file `name`, a plain file name, mode 0600.  It is
 * written under a temporary name and then linked to `name`, so a failed
 * backup leaves nothing half-written and a backup never replaces a file;
 * the file written is checked by device and inode not to be the
 * database or a file of it.  Returns 0 with the path written in *written
 * (the caller frees it), or -1 with `err` set.
 */
int	store_backup(struct store *, const char *dir, const char *name,
	    char **written, char *err, size_t errlen);
/*
 * Puts the backup `from` in place of the database `path`, for
 * planwatchctl while no daemon runs (its lock file is taken, so a
 * running daemon makes it fail): checks the backup with PRAGMA
 * integrity_check and its schema version, keeps the database in place
 * and its -wal as `path`.replaced-STAMP (that name goes to `kept`, empty
 * when there was none), and copies the backup into place, mode 0600,
 * owned (when run as root) by the owner of the database's directory.
 * 0, or -1 with `err` set and nothing changed.
 */
int	store_restore(const char *path, const char *from, char *kept,
	    size_t keptlen, char *err, size_t errlen);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK around several writes. */
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

/*
 * One item of a larger transaction (savepoints do not nest here): undo
 * with store_rollback_to() and the rest of the transaction stands.
 */
int	store_savepoint(struct store *);
int	store_release(struct store *);
int	store_rollback_to(struct store *);

/* A small persistent integer by name (scheduler progress and such). */
int	store_kv_get(struct store *, const char *key, int64_t *value);
int	store_kv_set(struct store *, const char *key, int64_t value);

/* A notification as generated; strings are borrowed. */
struct store_note {
	const char	*key;		/* UNIQUE: generated once, ever */
	const char	*rule;		/* "checkpoint/28d#0" */
	const char	*activity;	/* or the plan, for a revision */
	const char	*occurrence;
	const char	*recipient;	/* e-mail address */
	time_t		 due;
	time_t		 now;
	int		 late;		/* 0, 1 late, 2 missed (summary) */
	time_t		 send_at;	/* when its message goes out; 0 none */
	const char	*kind;		/* template name */
	const char	*capacity;	/* sched_as_name() */
	const char	*parts;		/* role ids, space separated; or NULL */
	const char	*event_date;	/* YYYY-MM-DD */
	int		 until_reported; /* a report drops it */
	int		 before_event;	/* dropped when not sent by its event */
};

/*
 * The ledger.  Adds a notification unless its key exists.  It waits,
 * without a message, until its send_at.  Returns the new row id (> 0), 0
 * when the key was there already, -1 on error.
 */
int64_t	store_notification_add(struct store *, const struct store_note *);
/* A notification waiting for its message.  Rows written before schema
 * 7 have no kind, capacity, parts or event date (NULL). */
struct store_pending {
	int64_t		 id;
	const char	*rule;
	const char	*activity;
	const char	*occurrence;
	const char	*recipient;
	time_t		 due;
	time_t		 send_at;
	int		 late;
	const char	*kind;
	const char	*capacity;
	const char	*parts;
	const char	*event_date;
	int		 until_reported;
	int		 before_event;
};
typedef void store_pending_cb(void *arg, const struct store_pending *);
/*
 * Notifications waiting for their message with send_at <= `now`, by
 * recipient, send_at, due.
 */
int	store_pending_due(struct store *, time_t now, store_pending_cb *,
	    void *);
/* The earliest send instant waiting: 1 and *next, 0 when none waits. */
int	store_digest_next(struct store *, time_t *next);
int	store_notification_set_message(struct store *, int64_t id,
	    int64_t message);
/* Marks a waiting notification as never to be sent, with the reason. */
int	store_notification_drop(struct store *, int64_t id, const char *why);
/* One notification a message carried. */
struct store_item {
	int64_t		 id;
	const char	*rule;
	const char	*activity;
	const char	*occurrence;
	const char	*recipient;
	const char	*kind;
	const char	*capacity;
	const char	*parts;
};
typedef void store_item_cb(void *arg, const struct store_item *);
/*
 * The notifications message `message` carried, oldest first.  These are
 * the message's items (one per activity and occurrence).
 */
int	store_message_items(struct store *, int64_t message, store_item_cb *,
	    void *);

/*
 * The outbox.  The number the next message will have (its Message-ID
 * holds it; call inside the transaction that adds it), or -1.
 */
int64_t	store_message_next(struct store *);
/*
 * Adds composed message number `id` (CRLF text) with its recipients,
 * queued for delivery at `now`.  Returns id, or -1.
 */
int64_t	store_message_add(struct store *, int64_t id, const char *message_id,
	    const char *kind, const char *data, size_t len,
	    const char *const *rcpts, size_t nrcpts, time_t now);

/* A follow-up row; strings are borrowed. */
struct store_followup {
	const char	*activity;
	const char	*occurrence;	/* "" for a reopening */
	const char	*part;		/* role id; NULL: the whole occurrence */
	const char	*status;	/* done on-track delayed cancelled
					   reopened */
	const char	*comment;	/* may be NULL */
	const char	*reported_by;	/* "user (Name)" */
	const char	*on_behalf_of;	/* NULL when the reporter's own */
	const char	*channel;	/* "planwatchctl", "web" */
	const char	*plan_adopted;	/* the plan's adoption, YYYY-MM-DD */
	time_t		 at;
};

/* Records a follow-up report (or a reopening).  0 or -1. */
int	store_followup_add(struct store *, const struct store_followup *);
/* A follow-up row as read: its row id and its fields (channel is NULL
 * in rows written before there were channels). */
typedef void store_followup_cb(void *arg, int64_t id,
    const struct store_followup *);
/* Every follow-up row, by activity and then in the order recorded. */
int	store_followups(struct store *, store_followup_cb *, void *);

/* A person signed links name (web_person). */
struct store_web_person {
	int64_t	 id;		/* the number in the links */
	char	 email[256];
	int64_t	 epoch;		/* links of another epoch are revoked */
	time_t	 renewed_at;	/* when a fresh link was last mailed */
};

/*
 * The row of the person at `email` (any case), added first when `create`
 * is set.  1 found (or made), 0 none, -1 on error.
 */
int	store_web_person(struct store *, const char *email, int create,
	    struct store_web_person *);
/* The row with number `id`: 1, 0 none, -1 on error. */
int	store_web_person_by_id(struct store *, int64_t id,
	    struct store_web_person *);
/* Raises the person's epoch: every link made so far is revoked.  0/-1. */
int	store_web_revoke(struct store *, int64_t id);
/* Records when a fresh link went out by mail.  0 or -1. */
int	store_web_renewed(struct store *, int64_t id, time_t at);

struct store_rcpt {
	int64_t		 message;
	const char	*message_id;
	const char	*addr;
	int		 attempts;
	time_t		 created;
};

/* Calls `fn` for up to `limit` recipients due for delivery at `now`. */
int	store_outbox_due(struct store *, time_t now, int limit,
	    void (*fn)(void *, const struct store_rcpt *), void *arg);
/* The composed text of a message; a string the caller frees, or NULL. */
char	*store_message_data(struct store *, int64_t message, size_t *len);
/* Sets one recipient's delivery state. */
int	store_rcpt_set(struct store *, int64_t message, const char *addr,
	    const char *state, int attempts, time_t next_attempt,
	    const char *reply);
/*
 * At start, first: a recipient the delivery journal says was accepted
 * before a crash is 'sent' (with this attempt count and reply) if it is
 * still 'sending' and message `message` has this Message-ID.  1 when it
 * was, 0 when not, -1 on error.
 */
int	store_rcpt_recovered(struct store *, int64_t message,
	    const char *message_id, const char *addr, int attempts,
	    time_t now, const char *reply);
/* At start: recipients left 'sending' by a crash go back to 'queued'. */
int	store_outbox_recover(struct store *);
/* Requeues a message's failed and deferred recipients; number changed. */
int	store_outbox_retry(struct store *, int64_t message, time_t now);
/* Requeues every failed recipient of every message; number changed. */
int	store_outbox_retry_failed(struct store *, time_t now);


/* Marks one recipient as handed to a transport. */
int	store_rcpt_sending(struct store *, int64_t message, const char *addr);
/* The earliest next attempt of anything queued: 1 and *next, 0 if none. */
int	store_outbox_next(struct store *, time_t *next);
/* A recipient whose delivery failed for good. */
struct store_failure {
	int64_t		 message;
	const char	*message_id;
	const char	*kind;
	const char	*addr;
	int		 attempts;
	const char	*reply;		/* the server's last reply, or NULL */
};
typedef void store_failure_cb(void *arg, const struct store_failure *);
/* Failed recipients not yet reported to the admin, and marking them. */
int	store_outbox_failed_new(struct store *, store_failure_cb *, void *);
int	store_outbox_failed_mark(struct store *);
int	store_ledger(struct store *, const char *activity, store_row_cb *,
	    void *);
/*
 * Every follow-up report of an activity, oldest first, whichever plan it
 * was made under: occurrence, part, status, comment, reported_by,
 * on_behalf_of, plan_adopted, reported_at.  0 or -1.
 */
int	store_followup_history(struct store *, const char *activity,
	    store_row_cb *, void *);
int	store_outbox(struct store *, int failed_only, store_row_cb *, void *);

/* A concern report as stored; strings are borrowed. */
struct store_report {
	time_t		 received_at;
	const char	*source;
	const char	*event_date;	/* YYYY-MM-DD */
	const char	*unit;
	const char	*place_type;
	const char	*kind;
	const char	*milieu;
	int		 concerns_minor;
	const char	*urgency;
	int		 police_informed;
	int		 social_services_informed;
	const char	*description;
	time_t		 ack_due;
};

/*
 * What a front end already delivered, by a key of its own (the spool's
 * hash of a file's name and identity): the report it became and when it
 * was received, 0 when the key is new, -1 on error.  And the record of
 * one, in the transaction that stores the report.
 */
int64_t	store_intake_seen(struct store *, const char *key, time_t *received);
int	store_intake_seen_add(struct store *, const char *key, int64_t report,
	    time_t at);
/* Concern reports.  Adds one; returns its number or -1. */
int64_t	store_report_add(struct store *, const struct store_report *);
/* Records who a report was routed to (an address, and the role id). */
int	store_report_route_add(struct store *, int64_t report,
	    const char *recipient, const char *role);
/* A report's every column, as a listing. */
int	store_report_get(struct store *, int64_t id, store_row_cb *, void *);
/*
 * A report as a struct, for the workflow: the description is not read
 * (NULL); the other strings are "" where the row has none.  1 found, 0
 * none, -1 on error.
 */
typedef void store_report_cb(void *arg, int64_t id,
    const struct store_report *);
int	store_report_read(struct store *, int64_t id, store_report_cb *,
	    void *);
int	store_report_routes(struct store *, int64_t id, store_row_cb *,
	    void *);
/* Reports, all or open only, or only those routed to `recipient`. */
int	store_report_list(struct store *, int open_only, const char *recipient,
	    store_row_cb *, void *);
/* 1 when acknowledged now, 0 when it already was (or does not exist). */
int	store_report_ack(struct store *, int64_t id, const char *who,
	    time_t now);
/* 1 when closed now, 0 when it already was (or does not exist). */
int	store_report_close(struct store *, int64_t id, const char *outcome,
	    const char *who, time_t now);
/* An unacknowledged report whose next escalation is due. */
struct store_escalation {
	int64_t		 id;
	int		 level;		/* escalations made so far */
	const char	*urgency;
	time_t		 received_at;
};
typedef void store_escalation_cb(void *arg, const struct store_escalation *);
/* Unacknowledged reports whose next escalation is due at `now`, the
 * earliest deadline first. */
int	store_report_escalations_due(struct store *, time_t now,
	    store_escalation_cb *, void *);
/* Sets the escalation level and the next deadline (0: none). */
int	store_report_set_escalation(struct store *, int64_t id, int level,
	    time_t next);
int	store_report_next_escalation(struct store *, time_t *next);
/*
 * Erases the descriptions of reports closed at or before `closed_before`
 * (listing each through `fn` first); with `dry_run` only lists.  Returns
 * the number erased or -1.
 */
int	store_report_purge(struct store *, time_t closed_before, time_t now,
	    int dry_run, store_row_cb *, void *);
/*
 * Counts by "month", "milieu", "kind", "unit" or "place" of reports whose
 * event date is in [from, to] (YYYY-MM-DD); "ack" lists acknowledgement
 * times in seconds, ascending.  -1 for an unknown dimension.
 */
int	store_report_stats(struct store *, const char *by, const char *from,
	    const char *to, store_row_cb *, void *);

#endif
