/*
 * calendar: the date arithmetic planwatch's schedule rests on.  Day numbers
 * count days since 1970-01-01 in the proleptic Gregorian calendar and are
 * converted with Howard Hinnant's days_from_civil / civil_from_days, which
 * are exact for every int day number without tables or loops.  Swedish
 * holidays follow the current law (lag 1989:253 om allmänna helgdagar and
 * lag 1939:272 om första maj) with the one change that matters inside the
 * supported range: nationaldagen replaced annandag pingst in 2005.  The
 * reporting checkpoints (T1, T2, VB) come from the committee's calendar.
 *
 * Local time is the process time zone, which the shell sets (host.h)
 * once the zone has been checked here, and every conversion goes through
 * localtime_r(), never mktime(), because mktime's handling of skipped and
 * repeated local times is not the one docs/design.md asks for.  Core:
 * the zone's file comes through a struct source (source.h).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "fold.h"
#include "source.h"
#include "util.h"

/* The zone database glibc reads when TZDIR is not set. */

/*
 * The shipped checkpoint rules: T1 May 15, T2 September 15, VB February 15
 * of the next year; conf/calendar.conf may change them.
 */
static const struct checkpoint_rule default_rule[CHECKPOINT_NKINDS] = {
	[CHECKPOINT_T1] = { 5, 15, 0 },
	[CHECKPOINT_T2] = { 9, 15, 0 },
	[CHECKPOINT_VB] = { 2, 15, 1 },
};

int
calendar_days(int y, int m, int d)
{
	int	 era, yoe, doy, doe;

	/* Counting years from March puts the leap day at the end. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
calendar_civil(int days, int *y, int *m, int *d)
{
	int	 z, era, doe, yoe, doy, mp, yy, mm;

	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	mm = mp < 10 ? mp + 3 : mp - 9;
	yy = yoe + era * 400 + (mm <= 2);
	if (y != NULL)
		*y = yy;
	if (m != NULL)
		*m = mm;
	if (d != NULL)
		*d = doy - (153 * mp + 2) / 5 + 1;
}

int
calendar_days_in_month(int y, int m)
{
	static const int len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return len[m - 1];
}

int
calendar_valid(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= calendar_days_in_month(y, m);
}

int
calendar_weekday(int days)
{
	/* Day 0 was a Thursday; % may be negative before 1970. */
	return (days % 7 + 10) % 7 + 1;
}

void
calendar_iso_week(int days, int *iso_year, int *week)
{
	int	 thursday, y;

	/* An ISO week belongs to the year that holds its Thursday. */
	thursday = days - calendar_weekday(days) + 4;
	calendar_civil(thursday, &y, NULL, NULL);
	if (iso_year != NULL)
		*iso_year = y;
	if (week != NULL)
		*week = (thursday - calendar_days(y, 1, 1)) / 7 + 1;
}

void
calendar_format(int days, char out[11])
{
	int	 y, m, d;

	calendar_civil(days, &y, &m, &d);
	/* Four digits are all the format has room for. */
	if (y < 0 || y > 9999) {
		snprintf(out, 11, "%s", "\?\?\?\?-\?\?-\?\?");
		return;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* Reads exactly n decimal digits; -1 if any is not a digit. */
static int
digits(const char *s, int n)
{
	int	 v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int
calendar_parse_date(const char *s, int *days)
{
	int	 y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y == -1 || m == -1 || d == -1 || !calendar_valid(y, m, d))
		return -1;
	if (days != NULL)
		*days = calendar_days(y, m, d);
	return 0;
}

int
calendar_easter(int year)
{
	int	 a, b, c, d, e, f, g, h, i, k, l, m, month, day;

	/* The anonymous Gregorian algorithm (Meeus, Jones, Butcher). */
	a = year % 19;
	b = year / 100;
	c = year % 100;
	d = b / 4;
	e = b % 4;
	f = (b + 8) / 25;
	g = (b - f + 1) / 3;
	h = (19 * a + b - d - g + 15) % 30;
	i = c / 4;
	k = c % 4;
	l = (32 + 2 * e + 2 * i - h - k) % 7;
	m = (a + 11 * h + 22 * l) / 451;
	month = (h + l - 7 * m + 114) / 31;
	day = (h + l - 7 * m + 114) % 31 + 1;
	return calendar_days(year, month, day);
}

/* The Saturday in the week starting on a given date. */
static int
saturday_from(int days)
{
	return days + (6 - calendar_weekday(days) + 7) % 7;
}

int
calendar_holiday(int days, const char **name, int *public_holiday)
{
	const char	*n = NULL;
	int		 pub = 1, y, m, d, easter, midsummer;

	calendar_civil(days, &y, &m, &d);
	easter = calendar_easter(y);
	/*
	 * Midsommardagen and alla helgons dag have been the Saturday in a
	 * fixed week since 1953 (before, 24 June and 1 November); the
	 * modern rule is applied to every year, as planwatch never needs
	 * the older dates.
	 */
	midsummer = saturday_from(calendar_days(y, 6, 20));

	/*
	 * Movable feasts first: when one falls on a fixed civic day (as
	 * Kristi himmelsfärdsdag did on första maj 2008, or pingstdagen
	 * will on nationaldagen 2049) the church feast names the day.
	 */
	if (days == easter - 2)
		n = "långfredagen";
	else if (days == easter)
		n = "påskdagen";
	else if (days == easter + 1)
		n = "annandag påsk";
	else if (days == easter + 39)
		n = "Kristi himmelsfärdsdag";
	else if (days == easter + 49)
		n = "pingstdagen";
	else if (days == easter + 50 && y < 2005)
		n = "annandag pingst";
	else if (m == 1 && d == 1)
		n = "nyårsdagen";
	else if (m == 1 && d == 6)
		n = "trettondedag jul";
	else if (m == 5 && d == 1)
		n = "första maj";
	else if (m == 6 && d == 6 && y >= 2005)
		n = "nationaldagen";
	else if (days == midsummer)
		n = "midsommardagen";
	else if (days == midsummer - 1) {
		n = "midsommarafton";
		pub = 0;
	} else if (days == saturday_from(calendar_days(y, 10, 31)))
		n = "alla helgons dag";
	else if (m == 12 && d == 24) {
		n = "julafton";
		pub = 0;
	} else if (m == 12 && d == 25)
		n = "juldagen";
	else if (m == 12 && d == 26)
		n = "annandag jul";
	else if (m == 12 && d == 31) {
		n = "nyårsafton";
		pub = 0;
	}

	if (n == NULL)
		pub = 0;
	if (name != NULL)
		*name = n;
	if (public_holiday != NULL)
		*public_holiday = pub;
	return n != NULL;
}

void
calendar_init(struct calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
	memcpy(cal->rule, default_rule, sizeof(cal->rule));
}

void
calendar_free(struct calendar *cal)
{
	if (cal == NULL)
		return;
	free(cal->overrides);
	free(cal->extra_days);
	cal->overrides = NULL;
	cal->noverrides = 0;
	cal->extra_days = NULL;
	cal->nextra_days = 0;
}

/* Index of the first extra day >= days (binary search). */
static size_t
extra_lower_bound(const struct calendar *cal, int days)
{
	size_t	 lo = 0, hi = cal->nextra_days, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cal->extra_days[mid] < days)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
calendar_add_extra_day(struct calendar *cal, int days)
{
	size_t	 i;

	i = extra_lower_bound(cal, days);
	if (i < cal->nextra_days && cal->extra_days[i] == days)
		return;
	cal->extra_days = xreallocarray(cal->extra_days,
	    cal->nextra_days + 1, sizeof(*cal->extra_days));
	memmove(&cal->extra_days[i + 1], &cal->extra_days[i],
	    (cal->nextra_days - i) * sizeof(*cal->extra_days));
	cal->extra_days[i] = days;
	cal->nextra_days++;
}

void
calendar_set_override(struct calendar *cal, struct checkpoint cp, int due)
{
	size_t	 i;

	for (i = 0; i < cal->noverrides; i++) {
		if (cal->overrides[i].cp.kind == cp.kind &&
		    cal->overrides[i].cp.year == cp.year) {
			cal->overrides[i].due = due;
			return;
		}
	}
	cal->overrides = xreallocarray(cal->overrides, cal->noverrides + 1,
	    sizeof(*cal->overrides));
	cal->overrides[cal->noverrides].cp = cp;
	cal->overrides[cal->noverrides].due = due;
	cal->noverrides++;
}

int
calendar_is_workday(const struct calendar *cal, int days)
{
	size_t	 i;

	if (calendar_weekday(days) >= 6 || calendar_holiday(days, NULL, NULL))
		return 0;
	if (cal != NULL) {
		i = extra_lower_bound(cal, days);
		if (i < cal->nextra_days && cal->extra_days[i] == days)
			return 0;
	}
	return 1;
}

/*
 * The loops below end: every week has at most three holidays and
 * midsommarafton, so only the finite list of extra days can stretch a run
 * of non-working days.
 */
int
calendar_workday_on_or_after(const struct calendar *cal, int days)
{
	while (!calendar_is_workday(cal, days))
		days++;
	return days;
}

int
calendar_workday_on_or_before(const struct calendar *cal, int days)
{
	while (!calendar_is_workday(cal, days))
		days--;
	return days;
}

int
calendar_add_workdays(const struct calendar *cal, int days, int n)
{
	int	 step = n < 0 ? -1 : 1;

	while (n != 0) {
		days += step;
		if (calendar_is_workday(cal, days))
			n -= step;
	}
	return days;
}

int
calendar_checkpoint_due(const struct calendar *cal, struct checkpoint cp)
{
	const struct checkpoint_rule *r;
	size_t	 i;
	int	 y, dim;

	for (i = 0; cal != NULL && i < cal->noverrides; i++)
		if (cal->overrides[i].cp.kind == cp.kind &&
		    cal->overrides[i].cp.year == cp.year)
			return cal->overrides[i].due;
	if ((int)cp.kind < 0 || cp.kind >= CHECKPOINT_NKINDS)
		return CALENDAR_NODATE;
	r = cal != NULL ? &cal->rule[cp.kind] : &default_rule[cp.kind];
	y = cp.year + r->year_offset;
	/* A rule on 29 February falls on the 28th in common years. */
	dim = calendar_days_in_month(y, r->month);
	if (dim == 0 || r->day < 1)
		return CALENDAR_NODATE;
	return calendar_days(y, r->month, r->day > dim ? dim : r->day);
}

int
calendar_checkpoint_start(struct checkpoint cp)
{
	return calendar_days(cp.year, 1, 1);
}

int
calendar_checkpoint_end(struct checkpoint cp)
{
	switch (cp.kind) {
	case CHECKPOINT_T1:
		return calendar_days(cp.year, 4, 30);
	case CHECKPOINT_T2:
		return calendar_days(cp.year, 8, 31);
	default:
		return calendar_days(cp.year, 12, 31);
	}
}

const char *
calendar_checkpoint_kind_name(enum checkpoint_kind kind)
{
	switch (kind) {
	case CHECKPOINT_T1:
		return "T1";
	case CHECKPOINT_T2:
		return "T2";
	case CHECKPOINT_VB:
		return "VB";
	default:
		return "??";
	}
}

void
calendar_checkpoint_format(struct checkpoint cp, char *out, size_t len)
{
	snprintf(out, len, "%s %d", calendar_checkpoint_kind_name(cp.kind),
	    cp.year);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

static const char *
skip_space(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

/* Advances *p past `word` if the text starts with it. */
static int
eat(const char **p, const char *word)
{
	size_t	 n = strlen(word);

	if (strncmp(*p, word, n) != 0)
		return 0;
	*p += n;
	return 1;
}

int
calendar_parse_checkpoint(const char *s, int default_year,
    struct checkpoint *cp)
{
	char		 buf[128];
	const char	*p;
	enum checkpoint_kind kind;
	int		 year;

	/* Case, diacritics and odd spaces as fold.h folds them. */
	if (s == NULL || fold_text(s, strlen(s), buf, sizeof(buf)) >=
	    sizeof(buf))
		return -1;
	p = skip_space(buf);

	/* Longest names first: "tertial" is a prefix of "tertialrapport". */
	if (eat(&p, "tertialrapport") || eat(&p, "tertial")) {
		p = skip_space(p);
		if (*p != '1' && *p != '2')
			return -1;
		kind = *p++ == '1' ? CHECKPOINT_T1 : CHECKPOINT_T2;
	} else if (p[0] == 't' && (p[1] == '1' || p[1] == '2')) {
		kind = p[1] == '1' ? CHECKPOINT_T1 : CHECKPOINT_T2;
		p += 2;
	} else if (eat(&p, "verksamhetsberattelsen") ||
	    eat(&p, "verksamhetsberattelse") || eat(&p, "vb"))
		kind = CHECKPOINT_VB;
	else
		return -1;

	/* The name must end here: "T12020", "VB2019" and "VBX" are not. */
	if (*p != '\0' && *p != ',' && !is_space(*p))
		return -1;
	p = skip_space(p);
	if (*p == '\0') {
		if (default_year == CALENDAR_NODATE)
			return -1;
		year = default_year;
	} else {
		if (*p == ',')
			p = skip_space(p + 1);
		if ((year = digits(p, 4)) == -1)
			return -1;
		p = skip_space(p + 4);
		if (*p != '\0')
			return -1;
	}
	if (year < 1900 || year > 2200)
		return -1;
	if (cp != NULL) {
		cp->kind = kind;
		cp->year = year;
	}
	return 0;
}

/*
 * A zone name may only name a file below the zone directory: letters,
 * digits and "/_+-.", no absolute path, no "..".
 */
static int
zone_name_ok(const char *name)
{
	const char	*p;

	if (name == NULL || *name == '\0' || *name == '/' ||
	    strstr(name, "..") != NULL || strlen(name) > 255)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_+-.", *p) == NULL)
			return 0;
	return 1;
}

int
calendar_zone_valid(const char *name, const struct source *src)
{
	char	*text;
	size_t	 len;
	int	 ok;

	if (!zone_name_ok(name))
		return -1;
	/*
	 * The magic number refuses directories ("Europe") and other files
	 * a name could reach; glibc would silently fall back to UTC for
	 * them, which is the mistake worth catching.
	 */
	if ((text = src->zone(src->arg, name, &len)) == NULL)
		return -1;
	ok = len >= 4 && memcmp(text, "TZif", 4) == 0;
	free(text);
	return ok ? 0 : -1;
}

/*
 * The local wall time of an instant, as seconds counted like UTC
 * ("local seconds"): equal wall times give equal values whatever the zone.
 */
static long long
local_seconds(time_t t)
{
	struct tm	 tm;

	if (localtime_r(&t, &tm) == NULL)
		return (long long)t;
	return (long long)calendar_days(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
	    tm.tm_sec;
}

/* The zone's offset from UTC in seconds at an instant. */
static long long
utc_offset(time_t t)
{
	return local_seconds(t) - (long long)t;
}

time_t
calendar_local_to_utc(int days, int minute)
{
	static const int probe[] = { -2, -1, 0, 1, 2 };
	long long	 wall, off[16], t[16], lo, hi, mid, o, best = 0;
	size_t		 noff = 0, i, j, k;
	int		 found = 0;

	wall = (long long)days * 86400 + (long long)minute * 60;

	/*
	 * Gather the offsets in force around the wall time: those a day or
	 * two either side (wide enough for a zone skipping a whole day, as
	 * Pacific/Apia did in 2011), and those at each candidate instant
	 * wall - offset, until no new one turns up.
	 */
	for (i = 0; i < nitems(probe); i++) {
		o = utc_offset((time_t)(wall + probe[i] * 86400));
		for (j = 0; j < noff && off[j] != o; j++)
			;
		if (j == noff)
			off[noff++] = o;
	}
	for (i = 0; i < noff && noff < nitems(off); i++) {
		o = utc_offset((time_t)(wall - off[i]));
		for (j = 0; j < noff && off[j] != o; j++)
			;
		if (j == noff)
			off[noff++] = o;
	}

	/*
	 * Each offset gives a candidate instant; it is a real occurrence of
	 * the wall time when the zone has that offset then.  Two are the
	 * repeated hour of a fall-back: the earlier one wins.
	 */
	for (i = 0; i < noff; i++) {
		t[i] = wall - off[i];
		if (utc_offset((time_t)t[i]) == off[i] &&
		    (!found || t[i] < best)) {
			best = t[i];
			found = 1;
		}
	}
	if (found)
		return (time_t)best;

	/*
	 * None is: the wall time is in a gap.  Sort the candidates; between
	 * a neighbouring pair whose local times lie either side of it is the
	 * transition, and the first instant whose local time reaches wall is
	 * the end of the gap (02:30 -> 03:00).  Local time is monotonic in
	 * that bracket, so bisection finds it to the second.
	 */
	for (i = 1; i < noff; i++)
		for (k = i; k > 0 && t[k - 1] > t[k]; k--) {
			o = t[k];
			t[k] = t[k - 1];
			t[k - 1] = o;
		}
	for (i = 0; i + 1 < noff; i++) {
		lo = t[i];
		hi = t[i + 1];
		if (local_seconds((time_t)lo) >= wall ||
		    local_seconds((time_t)hi) < wall)
			continue;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (local_seconds((time_t)mid) >= wall)
				hi = mid;
			else
				lo = mid;
		}
		return (time_t)hi;
	}
	/* Not reached with a sane zone; fall back on the first offset. */
	return (time_t)(wall - off[0]);
}

void
calendar_utc_to_local(time_t t, int *days, int *minute)
{
	long long	 ls;
	int		 d;

	ls = local_seconds(t);
	d = (int)(ls >= 0 ? ls / 86400 : -((-ls + 86399) / 86400));
	if (days != NULL)
		*days = d;
	if (minute != NULL)
		*minute = (int)((ls - (long long)d * 86400) / 60);
}

void
calendar_format_local(time_t t, char out[17])
{
	char		 date[11];
	int		 days, minute;
	unsigned int	 h, m;

	calendar_utc_to_local(t, &days, &minute);
	calendar_format(days, date);
	/* minute is 0-1439; saying so keeps the compiler's length check quiet. */
	h = (unsigned int)minute / 60 % 24;
	m = (unsigned int)minute % 60;
	snprintf(out, 17, "%s %02u:%02u", date, h, m);
}

time_t
calendar_add_working_hours(const struct calendar *cal, time_t from,
    int hours, int day_start, int day_end)
{
	long left = (long)hours * 60;
	int day, minute, span;

	/*
	 * Walk day by day: on a working day the minutes between day_start
	 * and day_end count; everything else is skipped.  Hours are few
	 * (a deadline of days, not years), so the walk is short.
	 */
	calendar_utc_to_local(from, &day, &minute);
	for (;;) {
		if (calendar_is_workday(cal, day) && minute < day_end) {
			if (minute < day_start)
				minute = day_start;
			span = day_end - minute;
			if (left <= span)
				return calendar_local_to_utc(day,
				    minute + (int)left);
			left -= span;
		}
		day++;
		minute = 0;
	}
}
