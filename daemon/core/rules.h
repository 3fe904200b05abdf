/*
 * rules: the reminder and escalation rules of the rules directory
 * (*.conf, libconfig), checked against the organisation and the known
 * message templates.  A rule is a ladder of steps relative to an event of
 * a plan: an activity's deadline, the end of a "T.o.m." period, each
 * follow-up checkpoint, or the plan's revision.  Each step says when (an
 * offset in calendar or working days and a local time of day), to whom,
 * with which template, whether only while the item is not yet reported,
 * and whether it repeats.  The syntax is documented in planwatch-rules(5)
 * and docs/rules.md.
 *
 * Pure apart from reading the rule files.  A ruleset keeps no pointer into
 * the configuration it was checked against: roles and groups are kept by
 * id and resolved again by sched_build(), so a ruleset can be previewed
 * against a newer configuration (`planwatchctl upcoming --rules DIR`).
 */
#ifndef PLANWATCH_RULES_H
#define PLANWATCH_RULES_H

#include <stddef.h>

#include "calendar.h"
#include "org.h"
#include "util.h"

enum rule_event {
	RULE_EVENT_DEADLINE,		/* an activity's due date */
	RULE_EVENT_END,			/* the last day of a T.o.m. period */
	RULE_EVENT_CHECKPOINT,		/* each follow-up checkpoint */
	RULE_EVENT_REVISION,		/* the plan's revision checkpoint */
	RULE_EVENT_NKINDS
};

/* Offsets and repeat intervals count calendar days or working days. */
enum rule_unit {
	RULE_UNIT_DAYS,			/* "d", and "w" as 7 days */
	RULE_UNIT_WORKDAYS		/* "wd" */
};

struct rule_offset {
	int		n;		/* negative: before the event */
	enum rule_unit	unit;
};

/* Longest offset or repeat interval accepted: about three years. */
#define RULE_MAX_DAYS		1096
#define RULE_MAX_WORKDAYS	780
/* Most repetitions a step may have, and most steps a ruleset may have. */
#define RULE_MAX_REPEAT		52
#define RULE_MAX_STEPS		8191

enum rule_who {
	RULE_WHO_RESPONSIBLE,		/* the activity's responsible roles */
	RULE_WHO_REPORTS_TO,		/* the role each of those reports to */
	RULE_WHO_COORDINATOR,		/* the organisation's coordinator */
	RULE_WHO_DEPUTY,		/* the coordinator's deputy */
	RULE_WHO_ROLE,			/* a role, by id */
	RULE_WHO_GROUP			/* every role of a group, by id */
};

struct rule_recipient {
	enum rule_who	 who;
	char		*id;		/* RULE_WHO_ROLE/GROUP; else NULL */
};

enum rule_digest_mode {
	RULE_DIGEST_NONE,		/* one message per notification */
	RULE_DIGEST_DAILY,		/* one message a working day */
	RULE_DIGEST_WEEKLY		/* one message a week */
};

struct rule_digest {
	enum rule_digest_mode	mode;
	int			weekday;	/* WEEKLY: 1 = Monday .. 7 */
	int			minute;		/* local time of day, 0-1439 */
};

struct rule_step {
	char			*id;		/* unique within the rule */
	struct rule_offset	 offset;
	struct rule_recipient	*to;
	size_t			 nto;
	struct rule_recipient	*cc;
	size_t			 ncc;
	char			*template;
	/*
	 * Stops once the person's part of the occurrence is reported (or
	 * the activity is completed or cancelled).  The default; a step
	 * opts out with `while_not_reported = false`.  Always 0 for a
	 * revision, which nothing reports.
	 */
	int			 while_not_reported;
	int			 minute;	/* send time, 0-1439 */
	struct rule_offset	 every;		/* repeat interval */
	int			 times;		/* repetitions after the first */
	int			 line;
};

struct rule {
	char			*id;		/* unique in the ruleset */
	char			*file;
	int			 line;
	unsigned		 events;	/* 1 << enum rule_event */
	unsigned		 sections;	/* 1 << enum section; 0 = all */
	unsigned		 kinds;		/* 1 << checkpoint kind; 0 = all */
	char			**roles;	/* role ids; groups expanded */
	size_t			 nroles;	/* 0 = every role */
	int			 workdays_only;	/* move off non-working days */
	struct rule_digest	 digest;
	struct rule_step	*steps;
	size_t			 nsteps;
};

struct ruleset {
	struct rule	*rules;
	size_t		 nrules;
	size_t		 nsteps;	/* over all rules */
	char		**files;	/* the files read, in load order */
	size_t		 nfiles;
	/*
	 * When the coordinator and the deputy get what the rules send them
	 * in that capacity: one summary per digest instant (default "daily
	 * 08:00"), set by at most one file's `coordinator_digest`.
	 */
	struct rule_digest coordinator_digest;
};

/*
 * Loads every *.conf file of `dir` in name order, except routing.conf
 * (concern routing has its own loader), read through `src`.  `org` is
 * the organisation the rules are checked against (role and group ids);
 * `templates` is a NULL-terminated list of the template names a step may
 * use.  Both are borrowed only during the call.  Returns a ruleset the
 * caller frees with rules_free(), or NULL with one `file:line: message`
 * per problem in `d` (warnings may be added either way).  A directory
 * without rule files is an empty, valid ruleset.
 */
struct ruleset *rules_load_dir(const struct source *src, const char *dir,
	    const struct org *org, const char *const *templates,
	    struct diag *d);
/* The same for one file (tests, previews). */
struct ruleset *rules_load_file(const struct source *src, const char *path,
	    const struct org *org, const char *const *templates,
	    struct diag *d);
/* Frees a ruleset and everything in it; NULL is fine. */
void	rules_free(struct ruleset *);

/* "deadline", "end", "checkpoint", "revision" (static); "?" otherwise. */
const char *rules_event_name(enum rule_event);
/*
 * Parses an offset: an optional sign (required unless the number is 0),
 * a number and a unit: "d" calendar days, "wd" working days, "w" weeks
 * (7 calendar days): "-28d", "-1wd", "+5wd", "-6w", "0d".  Returns 0, or
 * -1 with the reason in `why` (static text) when malformed or longer than
 * RULE_MAX_DAYS / RULE_MAX_WORKDAYS.  `why` may be NULL.
 */
int	rules_parse_offset(const char *, struct rule_offset *,
	    const char **why);
/* Canonical text of an offset ("-28d", "+5wd", "0d") into a buffer. */
void	rules_format_offset(const struct rule_offset *, struct buf *);
/* Parses "HH:MM" (or "H:MM") into a minute of the day; 0 or -1. */
int	rules_parse_time(const char *, int *minute);
/*
 * Parses a digest: "none", "daily", "daily HH:MM", "weekly DAY" or
 * "weekly DAY HH:MM" with DAY an English or Swedish weekday name or its
 * first three letters ("monday", "mon", "måndag", "mån").  A digest
 * without a time takes `default_minute`.  0, or -1 when malformed.
 */
int	rules_parse_digest(const char *, int default_minute,
	    struct rule_digest *);
/* Canonical text of a digest: "none", "daily 08:00", "weekly monday 08:00". */
void	rules_format_digest(const struct rule_digest *, struct buf *);

#endif
