/*
 * sched: what the rules make due, and when.  sched_build() turns a
 * configuration and a ruleset into one sorted array of entries, one per
 * (rule step, repetition, activity or plan, occurrence), each with its due
 * instant in UTC; recipients are expanded to people only when an entry is
 * looked at.  The daemon asks sched_next() for the instant to sleep until
 * (a binary search) and sched_each() for what fell due in an interval;
 * `planwatchctl upcoming` prints the same entries, so the preview is the
 * schedule.
 *
 * Pure: no clock (instants are parameters), no I/O, no SQL.  A struct
 * sched borrows the configuration and the ruleset it was built from; both
 * must outlive it.  Whether a follow-up has been reported is the caller's
 * knowledge, passed in as a predicate.
 */
#ifndef PLANWATCH_SCHED_H
#define PLANWATCH_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "calendar.h"
#include "conf.h"
#include "rules.h"
#include "util.h"

/* sched_next() when nothing is due any more. */
#define SCHED_NEVER	((time_t)INT64_MAX)

/*
 * One due step occurrence, 16 bytes so that a schedule of 100 000
 * activities stays small.  `target` is an activity's index over all plans
 * in configuration order (a plan's index for a revision event); `bits`
 * packs the step, event, occurrence and repetition.  Read it through
 * sched_item().
 */
struct sched_entry {
	time_t		due;
	uint32_t	target;
	uint32_t	bits;
};

struct sched;

/*
 * Computes every occurrence of every rule step for the active activities
 * (and plans) of `c`.  Steps falling before a plan's adoption day, and
 * occurrences that reach nobody (a role without people), are left out.
 * Role and group ids of the rules that no longer exist in `c` are
 * ignored.  Borrows `c` and `rs`.  Returns a schedule the caller frees
 * with sched_free().
 */
struct sched *sched_build(const struct config *c, const struct ruleset *rs);
/* The ruleset a schedule was built from (borrowed). */
const struct ruleset *sched_ruleset(const struct sched *);
/* Frees a schedule (not what it borrows); NULL is fine. */
void	sched_free(struct sched *);

/* The number of entries, and entry i (0 <= i < count) in due order. */
size_t	sched_count(const struct sched *);
const struct sched_entry *sched_entry(const struct sched *, size_t i);
/* Index of the first entry due at or after `t` (sched_count() if none). */
size_t	sched_lower_bound(const struct sched *, time_t t);
/*
 * The earliest due instant strictly after `after`, or SCHED_NEVER: after
 * handling everything due up to and including `now`, sleep until
 * sched_next(s, now).  O(log n).
 */
time_t	sched_next(const struct sched *, time_t after);

/* Called for each entry; a non-zero return stops the enumeration. */
typedef int (*sched_each_cb)(void *arg, const struct sched *,
	    const struct sched_entry *);

/*
 * Calls `cb` for each entry due in [from, to), in due order, with `arg`.
 * Returns 0, or the first non-zero value `cb` returned.  Whether anyone
 * still needs an entry is decided per recipient: see sched_recipients().
 */
int	sched_each(const struct sched *, time_t from, time_t to,
	    sched_each_cb cb, void *arg);

/* An entry spelled out.  Pointers are into the config and the ruleset. */
struct sched_item {
	const struct rule		*rule;
	const struct rule_step		*step;
	int				 rep;	/* 0, then 1..times */
	enum rule_event			 event;
	const struct plan		*plan;
	const struct activity		*activity;	/* NULL: revision */
	const struct activity_roles	*roles;		/* NULL: revision */
	const char			*target;	/* activity or plan id */
	struct checkpoint		 cp;	/* checkpoint and revision */
	int				 event_date;	/* day number */
	int				 day;		/* local day it is due */
	int				 minute;	/* local time of day */
	time_t				 due;
	char				 occurrence[32];
};

/*
 * Spells out an entry of `s` into `it`: which rule and step, the plan and
 * activity, the occurrence text and the local day and time.  Nothing is
 * allocated; the pointers borrow from the schedule's config and ruleset.
 */
void	sched_item(const struct sched *, const struct sched_entry *,
	    struct sched_item *);

/*
 * The capacity a person gets an entry in, which decides how a message
 * addresses them: as the responsible for their part, as the head a
 * responsible role reports to, as the coordinator or the deputy, or as a
 * role the rule names.
 */
enum sched_as {
	SCHED_AS_RESPONSIBLE,
	SCHED_AS_REPORTS_TO,
	SCHED_AS_COORDINATOR,
	SCHED_AS_DEPUTY,
	SCHED_AS_ROLE,
	SCHED_AS_NKINDS
};

/* "responsible", "reports_to", "coordinator", "deputy", "role". */
const char *sched_as_name(enum sched_as);
/* The capacity named so, or -1. */
int	sched_as_lookup(const char *);

/* An activity's responsible roles are its parts; at most this many. */
#define SCHED_MAX_PARTS	64

/* One person an entry goes to; `cc` when only in copy. */
struct sched_recipient {
	const struct person	*person;
	const struct role	*role;	/* through which role; NULL for the
					   coordinator and deputy */
	int			 cc;
	enum sched_as		 as;
	/*
	 * The parts of the activity the person's item is about, bit k for
	 * the activity's roles->roles[k]: their own role as responsible,
	 * the roles reporting to theirs as head, every part otherwise.  0
	 * for a revision and for an activity without resolved roles (the
	 * whole occurrence is one part).
	 */
	uint64_t		 parts;
};

/*
 * A reusable list: zero-initialise, pass it to sched_recipients() as often
 * as needed, then free its array with sched_recipients_free() (which
 * leaves it empty and reusable; NULL is fine).
 */
struct sched_recipients {
	struct sched_recipient	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Whether one part of an occurrence needs no more reminders: it was
 * reported, or the activity was completed or cancelled for it.  `part`
 * is one of it->roles->roles[], or NULL when the activity has no
 * resolved roles and the occurrence is one whole.
 */
typedef int (*sched_settled_cb)(void *arg, const struct sched_item *it,
	    const struct role *part);

/*
 * Expands an entry's recipients to people, `to` first, then `cc`, each
 * person once (by e-mail address, case-insensitively; `to` wins over
 * `cc`, the first capacity wins and the parts add up).  When `settled`
 * is not NULL and the entry's step stops on a report, a person all of
 * whose parts are settled is left out: their ladder has ended.  Replaces
 * the list's contents; returns the number of people.
 */
size_t	sched_recipients(const struct sched *, const struct sched_entry *,
	    sched_settled_cb settled, void *arg, struct sched_recipients *);
void	sched_recipients_free(struct sched_recipients *);

/*
 * Appends the notification key of an entry for one person:
 * "RULE/STEP#REP|TARGET|OCCURRENCE|EMAIL", e.g.
 * "checkpoint/28d#0|skarpnack-2019-01|T1 2020|ifo.chef@example.org".
 * Built from ids and the address only, so it is the same across
 * restarts, reloads and unrelated edits: the ledger's UNIQUE key.
 */
void	sched_key(const struct sched *, const struct sched_entry *,
	    const struct person *, struct buf *);

/*
 * Appends one line for `planwatchctl upcoming` and the golden tests:
 * "2020-05-13 08:00  checkpoint/1wd#0  skarpnack-2019-14  T1 2020  to
 * ifo.chef@example.org" (local time, no newline).
 */
void	sched_format(const struct sched *, const struct sched_entry *,
	    const struct sched_recipient *, struct buf *);

/*
 * An occurrence as a reader calls it, into `out`: "T1 2020" is
 * "Tertialrapport 1 2020" ("Tertial report 1 2020" in English), "VB 2019"
 * "Verksamhetsberättelse 2019" ("Annual report 2019"), "deadline
 * 2019-09-01" and "end 2022-12-31" "slutdatum ..." ("end date ..."),
 * "revision T1 2020" "revidering av handlingsplanen (Tertialrapport 1
 * 2020)".  Anything else is copied.  `en` selects English.
 */
void	sched_occurrence_label(const char *occurrence, int en, char *out,
	    size_t len);

/*
 * When a notification due at `due` goes out under a digest: NONE, at
 * `due`; DAILY, the same local day at the digest's time if that is a
 * working day and the time is not yet past, else the next working day at
 * that time; WEEKLY, the first digest weekday at its time not before
 * `due`, moved to the next working day when that day is not one.  The
 * shell batches notifications by (person, returned instant).
 */
time_t	sched_digest_time(const struct calendar *, const struct rule_digest *,
	    time_t due);

#endif
