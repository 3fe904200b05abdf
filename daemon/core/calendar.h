/*
 * calendar: dates, Swedish public holidays, working days, ISO weeks, local
 * time in the configured zone, and the committee's reporting checkpoints
 * (T1, T2, VB).  Pure: no clock is read; local time uses the process time
 * zone the shell sets once (host_zone_set()).
 *
 * A date is a day number: days since 1970-01-01 (negative before), in the
 * proleptic Gregorian calendar.  Years 1900-2200 are supported for
 * holidays (the same rules are applied outside that range, untested).
 * Nothing here allocates except the struct calendar lists, which are
 * owned by the struct and freed by calendar_free().
 */
#ifndef PLANWATCH_CALENDAR_H
#define PLANWATCH_CALENDAR_H

#include <stddef.h>
#include <time.h>

#include "source.h"

#define CALENDAR_NODATE	(-2147483647 - 1)

/*
 * Civil date <-> day number.  calendar_days() does not validate (check
 * with calendar_valid() first); calendar_civil() accepts NULL outputs.
 */
int	calendar_days(int y, int m, int d);
void	calendar_civil(int days, int *y, int *m, int *d);
/* 1 if y-m-d is a real date, else 0. */
int	calendar_valid(int y, int m, int d);
/* Days in month m (1-12) of year y: 28-31; 0 for a month out of range. */
int	calendar_days_in_month(int y, int m);
/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int	calendar_weekday(int days);
/* ISO 8601 week: 2020-12-31 is 2020-W53, 2019-12-31 is 2020-W01. */
void	calendar_iso_week(int days, int *iso_year, int *week);
/* "YYYY-MM-DD" into out[11] ("????-??-??" outside years 0-9999). */
void	calendar_format(int days, char out[11]);
/*
 * Parses exactly "YYYY-MM-DD" (a valid date, no white space) into a day
 * number; 0 or -1.  `days` may be NULL to validate only.
 */
int	calendar_parse_date(const char *, int *days);

/* Easter Sunday of a (Gregorian) year, as a day number. */
int	calendar_easter(int year);
/*
 * Returns 1 and sets *name (Swedish, static) when the day is a public
 * holiday (allmän helgdag) or one of the other days Swedish employers treat
 * as holidays (midsommarafton, julafton, nyårsafton); 0 otherwise.
 * `*public_holiday` tells the two apart.  Either pointer may be NULL;
 * on 0, *name is set to NULL and *public_holiday to 0.
 *
 * Public: nyårsdagen, trettondedag jul, långfredagen, påskdagen, annandag
 * påsk, första maj, Kristi himmelsfärdsdag, pingstdagen, annandag pingst
 * (until 2004), nationaldagen (6 June, from 2005), midsommardagen
 * (the Saturday 20-26 June), alla helgons dag (the Saturday 31 October -
 * 6 November), juldagen, annandag jul.  Not public: midsommarafton (the
 * Friday before midsommardagen), julafton, nyårsafton.  The midsommar and
 * alla helgon rules date from 1953 (before, 24 June and 1 November); they
 * are applied to earlier years too.  When two coincide (Kristi
 * himmelsfärdsdag on första maj 2008, pingstdagen on nationaldagen 2049)
 * the Easter-dependent feast gives the name.
 */
int	calendar_holiday(int days, const char **name, int *public_holiday);

/* The reporting checkpoints a plan is followed up at. */
enum checkpoint_kind {
	CHECKPOINT_T1,		/* tertialrapport 1: Jan-Apr */
	CHECKPOINT_T2,		/* tertialrapport 2: Jan-Aug */
	CHECKPOINT_VB,		/* verksamhetsberättelse: the year */
	CHECKPOINT_NKINDS
};

struct checkpoint {
	enum checkpoint_kind	kind;
	int			year;	/* the year reported on */
};

/* Due-date rule of a checkpoint kind: a month and day in the reported year
 * plus year_offset (VB: February of the next year, offset 1). */
struct checkpoint_rule {
	int	month;
	int	day;
	int	year_offset;
};

struct checkpoint_override {
	struct checkpoint	cp;
	int			due;	/* day number */
};

/*
 * The committee's calendar: checkpoint rules, per-year overrides and
 * extra non-working days (sorted, unique).  Built by the configuration
 * loader; calendar_init() fills the shipped defaults (T1 May 15,
 * T2 September 15, VB February 15 of the next year).
 */
struct calendar {
	struct checkpoint_rule	  rule[CHECKPOINT_NKINDS];
	struct checkpoint_override *overrides;
	size_t			  noverrides;
	int			 *extra_days;
	size_t			  nextra_days;
};

/* Fills `cal` with the defaults: no overrides, no extra days. */
void	calendar_init(struct calendar *);
/* Frees the lists `cal` owns (not `cal` itself) and empties them; NULL ok. */
void	calendar_free(struct calendar *);
/* Adds an extra non-working day (kept sorted, duplicates ignored). */
void	calendar_add_extra_day(struct calendar *, int days);
/* Adds or replaces the due date (a day number) of one checkpoint. */
void	calendar_set_override(struct calendar *, struct checkpoint, int due);

/*
 * 1 for a working day, 0 for a non-working one: Saturday, Sunday,
 * calendar_holiday() (public or not) or an extra day.  `cal` may be NULL
 * (no extra days).  So may it in the functions below.
 */
int	calendar_is_workday(const struct calendar *, int days);
/* The first working day on or after / on or before a date. */
int	calendar_workday_on_or_after(const struct calendar *, int days);
int	calendar_workday_on_or_before(const struct calendar *, int days);
/*
 * n working days after (n > 0) or before (n < 0) a date, not counting the
 * date itself; n == 0 returns the date unchanged.
 */
int	calendar_add_workdays(const struct calendar *, int days, int n);

/*
 * Due date of a checkpoint: its override, else the rule in the year
 * reported on plus year_offset.  A rule day past the end of the month (29
 * February in a common year) gives the month's last day.  CALENDAR_NODATE
 * for a kind or rule out of range.  The date is not moved to a working
 * day; callers that want that use calendar_workday_on_or_after().  A NULL
 * `cal` means the defaults of calendar_init().
 */
int	calendar_checkpoint_due(const struct calendar *, struct checkpoint);
/* First day of the period a checkpoint covers (Jan 1 of its year). */
int	calendar_checkpoint_start(struct checkpoint);
/* Last day the checkpoint covers: Apr 30, Aug 31 or Dec 31. */
int	calendar_checkpoint_end(struct checkpoint);
/*
 * "T1 2020", "T2 2021", "VB 2019" into out (at least 16 bytes; truncated
 * to len otherwise).
 */
void	calendar_checkpoint_format(struct checkpoint, char *out, size_t len);
/* "T1", "T2", "VB" (static); "??" for a value out of range. */
const char *calendar_checkpoint_kind_name(enum checkpoint_kind);
/*
 * Parses a checkpoint as people write it: "Tertialrapport 1 2020",
 * "Tertialrapport 1, 2020", "tertialrapport 1 2020", "T1 2020",
 * "Tertialrapport 2 2021", "Verksamhetsberättelsen 2019",
 * "Verksamhetsberättelse 2019", "VB 2019", and a name without a year
 * ("Verksamhetsberättelsen", "T1") which takes `default_year` (pass
 * CALENDAR_NODATE to refuse those).  Also "T1, 2020", "tertial 1 2020",
 * "tertialrapport1 2020".  Case-insensitive for ASCII and for Swedish
 * letters in UTF-8 (Å Ä Ö); surrounding white space (and no-break spaces)
 * ignored.  Refused: any other name, a tertial other than 1 or 2, a year
 * that is not four digits in 1900-2200, trailing text.  0 and *cp set
 * (cp may be NULL), or -1 and *cp untouched.
 */
int	calendar_parse_checkpoint(const char *, int default_year,
	    struct checkpoint *);

/*
 * Local time is the process time zone (TZ), a tz database name such as
 * "Europe/Stockholm" that the shell sets (host_zone_set()).  Whether a
 * zone name is one of the tz database: 0, or -1 if it is unknown.  The
 * name must be relative, without "..", and its file, which `src` gives
 * (the shell's looks under $TZDIR or /usr/share/zoneinfo), a TZif file.
 */
int	calendar_zone_valid(const char *, const struct source *src);
/*
 * The UTC instant of a local date and minute of the day (0-1439).  A
 * non-existent local time (spring-forward gap) gives the first instant
 * after the gap (02:30 -> 03:00); a repeated one (fall-back) its first
 * occurrence (the earlier instant, still in summer time).  Works for any
 * zone (no DST, southern hemisphere, non-hour shifts) without relying on
 * mktime().  A minute outside 0-1439 carries into the next/previous day.
 */
time_t	calendar_local_to_utc(int days, int minute);
/*
 * The local date and minute of the day (seconds dropped) of a UTC
 * instant.  Either pointer may be NULL.
 */
void	calendar_utc_to_local(time_t, int *days, int *minute);
/* "YYYY-MM-DD HH:MM" local time into out[17]. */
void	calendar_format_local(time_t, char out[17]);
/*
 * The instant `hours` working hours after `from`: only the minutes from
 * day_start to day_end (minutes of the day, local time) of working days
 * count, so a time outside them starts counting at the next opening.
 */
time_t	calendar_add_working_hours(const struct calendar *, time_t from,
	    int hours, int day_start, int day_end);

#endif
