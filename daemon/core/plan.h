/*
 * plan: the model of an adopted action plan and its activities, the
 * parsers for the schedule and follow-up forms people write, plan files
 * (conf/plans/NAME.conf, libconfig) and their canonical writer.  Pure: time
 * and the calendar are parameters.
 */
#ifndef PLANWATCH_PLAN_H
#define PLANWATCH_PLAN_H

#include <stddef.h>

#include "calendar.h"
#include "util.h"

enum section {
	SECTION_FOREBYGGANDE,		/* förebyggande */
	SECTION_FORHINDRANDE,		/* förhindrande */
	SECTION_FORENINGSBIDRAG,	/* föreningsbidrag och lokaler */
	SECTION_KOMPETENS,		/* kompetenshöjande */
	SECTION_NKINDS
};

enum schedule_kind {
	SCHEDULE_ONGOING,		/* Löpande */
	SCHEDULE_UNTIL,			/* T.o.m. YYYY-MM-DD, inclusive */
	SCHEDULE_DUE			/* a date, or a year (its last day) */
};

struct schedule {
	enum schedule_kind	kind;
	int			date;	/* day number; CALENDAR_NODATE if ongoing */
	int			year_only; /* written as a bare year */
};

enum followup_kind {
	FOLLOWUP_CHECKPOINT,		/* one named checkpoint */
	FOLLOWUP_ORDINARY		/* I ordinarie verksamhetsuppföljning */
};

struct followup {
	enum followup_kind	kind;
	struct checkpoint	cp;	/* FOLLOWUP_CHECKPOINT only */
};

enum activity_status {
	ACTIVITY_ACTIVE,
	ACTIVITY_DONE,
	ACTIVITY_CANCELLED
};

struct activity {
	char			 *id;
	enum section		  section;
	char			 *title;
	char			 *description;	/* may be "" */
	char			**responsible;	/* role text as written */
	size_t			  nresponsible;
	struct schedule		  schedule;
	char			 *schedule_text; /* as written */
	struct followup		 *followup;
	size_t			  nfollowup;
	enum activity_status	  status;
	int			  line;		/* in the plan file; 0 if none */
	/*
	 * The importer's remark, written as a comment above the activity
	 * ("continues skarpnack-2019-01 ..."); NULL if none.  Not read
	 * back from plan files.
	 */
	char			 *remark;
};

/* The plan's own fields, for remarks on them. */
enum plan_field {
	PLAN_COMMITTEE,
	PLAN_TITLE,
	PLAN_DIARY_NUMBER,
	PLAN_ADOPTED,
	PLAN_YEAR,
	PLAN_REVISION,
	PLAN_SUPERSEDES,
	PLAN_NFIELDS
};

struct plan {
	char			*file;		/* path it was loaded from */
	char			 sha256[65];	/* of the bytes read, hex */
	char			*id;
	char			*committee;
	char			*title;
	char			*diary_number;	/* may be "" */
	int			 adopted;	/* day number */
	int			 year;
	int			 has_revision;
	struct checkpoint	 revision;
	/*
	 * The id of the plan this one replaces at its yearly revision, or
	 * NULL.  That plan is then kept for its history only: nothing is
	 * scheduled from it (conf.c).
	 */
	char			*supersedes;
	struct activity		*activities;
	size_t			 nactivities;
	/*
	 * The importer's remarks on fields it could not read from the
	 * document ("assumed: ...", "missing: ..."), written as comments
	 * beside the values; NULL where there is none.  Not read back.
	 */
	char			*remark[PLAN_NFIELDS];
};

/* "committee", "title", ... : the key a plan field is written under. */
const char *plan_field_name(enum plan_field);

/* "forebyggande" ...; plan_section_parse() returns 0 or -1. */
const char *plan_section_name(enum section);
int	plan_section_parse(const char *, enum section *);
const char *plan_status_name(enum activity_status);
int	plan_status_parse(const char *, enum activity_status *);

/*
 * Parses a schedule: "Löpande" (any case), "T.o.m. YYYY-MM-DD" (also
 * "t.o.m.", "Tom"), "YYYY-MM-DD", "YYYYMMDD", "YYYY".  A date whose only
 * valid reading swaps month and day ("2019-31-12") is taken, returning 1
 * with a warning in `msg`; no valid reading or two is -1 with the reason
 * in `msg`; 0 is a clean parse.  `msg` may be NULL.
 */
int	plan_parse_schedule(const char *, struct schedule *, struct buf *msg);
/* Canonical text of a schedule: "Löpande", "T.o.m. 2022-12-31", ... */
void	plan_format_schedule(const struct schedule *, struct buf *);
/*
 * Parses one follow-up: a checkpoint name (calendar_parse_checkpoint(),
 * a bare name taking `plan_year`) or "I ordinarie verksamhetsuppföljning"
 * (also "ordinarie verksamhetsuppföljning", "ordinary").  0 or -1 with the
 * reason in `msg`.
 */
int	plan_parse_followup(const char *, int plan_year, struct followup *,
	    struct buf *msg);
/* "T1 2020", "VB 2019" or "I ordinarie verksamhetsuppföljning". */
void	plan_format_followup(const struct followup *, struct buf *);

/* The plan's revision checkpoint: the one it names, else VB of its year. */
struct checkpoint plan_revision(const struct plan *);
/*
 * The last day an activity runs: the until/due date, or for an ongoing one
 * the due date of the plan's revision checkpoint (VB of the plan's year
 * when the plan names none).
 */
int	plan_activity_end(const struct plan *, const struct activity *,
	    const struct calendar *);
/*
 * Every checkpoint an activity is followed up at, in due-date order,
 * without duplicates: named ones as they are, and for "ordinary" every
 * T1, T2 and VB due after the adoption date, up to and including the
 * revision checkpoint, whose period ends on or after the adoption date
 * and starts on or before the activity's last day.  Returns an array the caller frees; *n its length.
 */
struct checkpoint *plan_checkpoints(const struct plan *,
	    const struct activity *, const struct calendar *, size_t *n);

/*
 * Loads a plan file, read through `src`.  Unknown keys, wrong types,
 * unreadable schedules or follow-ups, bad sections or statuses and
 * duplicate activity ids are errors with file:line.  Roles are not
 * resolved here (see conf.c).  Returns 0, or -1 with errors in `d` (the
 * plan is then freed).
 */
int	plan_load(const struct source *src, const char *path, struct plan *,
	    struct diag *);
void	plan_free(struct plan *);
/* Frees what an activity owns (not the struct itself); NULL is fine. */
void	plan_activity_free(struct activity *);
/* Writes a plan as a plan file in canonical form (loads again). */
void	plan_write(const struct plan *, struct buf *);
/* Looks up an activity by id; NULL if none. */
const struct activity *plan_find_activity(const struct plan *, const char *);

/*
 * Additions (plan.c, used by import.c).
 *
 * plan_id_valid() is 1 when a plan or activity id is usable as a stable
 * key: 1-64 characters of a-z, 0-9 and '-', starting with a letter or
 * digit; 0 otherwise.
 */
int	plan_id_valid(const char *);

#endif
