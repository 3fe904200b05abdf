/*
 * test_calendar: daemon/core/calendar.c against independent computations.
 * Day numbers are checked against timegm(), weekdays against Sakamoto's
 * formula, ISO weeks against strftime("%G %V"), Easter against Gauss's
 * algorithm with its two exceptions (the code uses Meeus/Jones/Butcher),
 * and every Swedish holiday 2000-2040 against a table this file builds
 * from those.  Local time is checked in real tz zones with expected UTC
 * instants written out by hand, and by exhaustive round trips.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "test.h"
#include "host.h"
#include "util.h"

/* Independent day number: the C library's timegm(). */
static int
ref_days(int y, int m, int d)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	/* Midnight is an exact multiple of a day, so / does not truncate. */
	return (int)(timegm(&tm) / 86400);
}

/* Independent UTC instant of a UTC civil time. */
static time_t
ref_utc(int y, int mo, int d, int h, int mi)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

/* Sakamoto's day of the week: 0 = Sunday ... 6 = Saturday. */
static int
ref_wday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int
ref_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
ref_mdays(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && ref_leap(y) ? 29 : n[m - 1];
}

/*
 * Gauss's Easter algorithm for the Gregorian calendar, with its two
 * exceptions (26 April becomes 19 April; 25 April becomes 18 April when
 * the epact condition holds).
 */
static void
gauss_easter(int y, int *month, int *day)
{
	int	 a, b, c, k, p, q, M, N, d, e, dd;

	a = y % 19;
	b = y % 4;
	c = y % 7;
	k = y / 100;
	p = (13 + 8 * k) / 25;
	q = k / 4;
	M = (15 - p + k - q) % 30;
	N = (4 + k - q) % 7;
	d = (19 * a + M) % 30;
	e = (2 * b + 4 * c + 6 * d + N) % 7;
	dd = 22 + d + e;
	if (d == 29 && e == 6)
		dd = 31 + 19;
	else if (d == 28 && e == 6 && (11 * M + 11) % 30 < 19)
		dd = 31 + 18;
	if (dd > 31) {
		*month = 4;
		*day = dd - 31;
	} else {
		*month = 3;
		*day = dd;
	}
}

/* The Saturday among seven consecutive days starting at m/d. */
static int
ref_saturday(int y, int m, int d)
{
	int	 i;

	for (i = 0; i < 7; i++) {
		int	 mm = m, dd = d + i;

		if (dd > ref_mdays(y, mm)) {
			dd -= ref_mdays(y, mm);
			mm++;
		}
		if (ref_wday(y, mm, dd) == 6)
			return ref_days(y, mm, dd);
	}
	abort();
}

struct ref_holiday {
	int		 days;
	const char	*name;
	int		 pub;
};

/*
 * The holidays of a year, Easter-dependent feasts first (the contract
 * names the Easter feast when two coincide).  Returns the count.
 */
static size_t
ref_holidays(int y, struct ref_holiday *h)
{
	size_t	 n = 0;
	int	 em, ed, easter, ms;

	gauss_easter(y, &em, &ed);
	easter = ref_days(y, em, ed);
	ms = ref_saturday(y, 6, 20);
#define ADD(d_, n_, p_) do {						\
	h[n].days = (d_); h[n].name = (n_); h[n].pub = (p_); n++;	\
} while (0)
	ADD(easter - 2, "långfredagen", 1);
	ADD(easter, "påskdagen", 1);
	ADD(easter + 1, "annandag påsk", 1);
	ADD(easter + 39, "Kristi himmelsfärdsdag", 1);
	ADD(easter + 49, "pingstdagen", 1);
	if (y <= 2004)
		ADD(easter + 50, "annandag pingst", 1);
	ADD(ref_days(y, 1, 1), "nyårsdagen", 1);
	ADD(ref_days(y, 1, 6), "trettondedag jul", 1);
	ADD(ref_days(y, 5, 1), "första maj", 1);
	if (y >= 2005)
		ADD(ref_days(y, 6, 6), "nationaldagen", 1);
	ADD(ms, "midsommardagen", 1);
	ADD(ms - 1, "midsommarafton", 0);
	ADD(ref_saturday(y, 10, 31), "alla helgons dag", 1);
	ADD(ref_days(y, 12, 24), "julafton", 0);
	ADD(ref_days(y, 12, 25), "juldagen", 1);
	ADD(ref_days(y, 12, 26), "annandag jul", 1);
	ADD(ref_days(y, 12, 31), "nyårsafton", 0);
#undef ADD
	return n;
}

static const struct ref_holiday *
ref_lookup(const struct ref_holiday *h, size_t n, int days)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (h[i].days == days)
			return &h[i];
	return NULL;
}

/* Independent working day: weekday, the reference holidays, extras. */
static int
ref_workday(int days, const int *extra, size_t nextra)
{
	struct ref_holiday h[32];
	size_t	 i, n;
	time_t	 t = (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	if (tm.tm_wday == 0 || tm.tm_wday == 6)
		return 0;
	n = ref_holidays(tm.tm_year + 1900, h);
	if (ref_lookup(h, n, days) != NULL)
		return 0;
	for (i = 0; i < nextra; i++)
		if (extra[i] == days)
			return 0;
	return 1;
}

static int
D(int y, int m, int d)
{
	return calendar_days(y, m, d);
}

static void
test_civil(void)
{
	int	 y, m, d, days, yy, mm, dd, bad = 0;
	struct tm tm;
	time_t	 t;

	CHECK_INT_EQ(calendar_days(1970, 1, 1), 0);
	CHECK_INT_EQ(calendar_days(1969, 12, 31), -1);
	CHECK_INT_EQ(calendar_days(2000, 3, 1), 11017);
	CHECK_INT_EQ(calendar_days(1900, 1, 1), -25567);
	CHECK_INT_EQ(calendar_weekday(0), 4);		/* Thursday */
	CHECK_INT_EQ(calendar_weekday(-1), 3);
	CHECK_INT_EQ(calendar_weekday(D(2019, 4, 21)), 7);
	CHECK_INT_EQ(calendar_weekday(D(1900, 1, 1)), 1);

	/* Every day 1600-2400 against timegm, gmtime and Sakamoto. */
	for (y = 1600; y <= 2400 && bad < 5; y++)
		for (m = 1; m <= 12 && bad < 5; m++)
			for (d = 1; d <= ref_mdays(y, m) && bad < 5; d++) {
				days = calendar_days(y, m, d);
				calendar_civil(days, &yy, &mm, &dd);
				t = (time_t)days * 86400;
				gmtime_r(&t, &tm);
				if (days != ref_days(y, m, d) || yy != y ||
				    mm != m || dd != d ||
				    calendar_weekday(days) % 7 !=
				    ref_wday(y, m, d) ||
				    tm.tm_wday != ref_wday(y, m, d) ||
				    !calendar_valid(y, m, d)) {
					TEST_FAIL("%04d-%02d-%02d: days %d "
					    "(ref %d) back %d-%d-%d wd %d",
					    y, m, d, days, ref_days(y, m, d),
					    yy, mm, dd, calendar_weekday(days));
					bad++;
				}
			}
	CHECK_INT_EQ(calendar_days_in_month(2019, 2), 28);
	CHECK_INT_EQ(calendar_days_in_month(2020, 2), 29);
	CHECK_INT_EQ(calendar_days_in_month(1900, 2), 28);
	CHECK_INT_EQ(calendar_days_in_month(2000, 2), 29);
	CHECK_INT_EQ(calendar_days_in_month(2019, 13), 0);
	CHECK_INT_EQ(calendar_valid(2019, 2, 29), 0);
	CHECK_INT_EQ(calendar_valid(2019, 4, 31), 0);
	CHECK_INT_EQ(calendar_valid(2019, 0, 1), 0);
	CHECK_INT_EQ(calendar_valid(2019, 1, 0), 0);
	CHECK_INT_EQ(calendar_valid(2200, 2, 29), 0);

	/* civil(NULL...) must not crash. */
	calendar_civil(0, NULL, NULL, NULL);
}

static void
test_format_parse_date(void)
{
	static const char *bad[] = {
		"", "2019-02-29", "2019-4-21", "2019-04-21x", " 2019-04-21",
		"2019-04-21 ", "abcd-ef-gh", "2019-13-01", "2019-00-10",
		"2019-04-00", "2019/04/21", "+019-04-21", "2019-04-32",
		"20190421", "2019-04-2", "-2019-04-21",
	};
	char	 out[11];
	size_t	 i;
	int	 days;

	calendar_format(D(2019, 4, 21), out);
	CHECK_STR_EQ(out, "2019-04-21");
	calendar_format(D(1900, 1, 1), out);
	CHECK_STR_EQ(out, "1900-01-01");
	calendar_format(D(2200, 12, 31), out);
	CHECK_STR_EQ(out, "2200-12-31");
	calendar_format(-1, out);
	CHECK_STR_EQ(out, "1969-12-31");

	days = 42;
	CHECK_INT_EQ(calendar_parse_date("2019-04-21", &days), 0);
	CHECK_INT_EQ(days, ref_days(2019, 4, 21));
	CHECK_INT_EQ(calendar_parse_date("2020-02-29", &days), 0);
	CHECK_INT_EQ(days, ref_days(2020, 2, 29));
	CHECK_INT_EQ(calendar_parse_date("1969-12-31", &days), 0);
	CHECK_INT_EQ(days, -1);
	CHECK_INT_EQ(calendar_parse_date("2000-01-01", NULL), 0);
	CHECK_INT_EQ(calendar_parse_date(NULL, &days), -1);
	for (i = 0; i < nitems(bad); i++) {
		days = 42;
		if (calendar_parse_date(bad[i], &days) != -1 || days != 42)
			TEST_FAIL("parse_date(\"%s\") accepted: %d", bad[i],
			    days);
	}
}

static void
test_easter(void)
{
	static const struct {
		int	 y, m, d;
	} known[] = {
		/* Gauss's exceptional years among them: 1954, 1981, 2049,
		 * 2076.  Values from published Easter tables. */
		{ 1900, 4, 15 }, { 1954, 4, 18 }, { 1981, 4, 19 },
		{ 2000, 4, 23 }, { 2008, 3, 23 }, { 2011, 4, 24 },
		{ 2019, 4, 21 }, { 2020, 4, 12 }, { 2038, 4, 25 },
		{ 2049, 4, 18 }, { 2076, 4, 19 }, { 2200, 4, 6 },
	};
	size_t	 i;
	int	 y, m, d, bad = 0;

	for (i = 0; i < nitems(known); i++) {
		gauss_easter(known[i].y, &m, &d);
		if (m != known[i].m || d != known[i].d)
			TEST_FAIL("reference Gauss %d: %d-%d", known[i].y,
			    m, d);
		CHECK_INT_EQ(calendar_easter(known[i].y),
		    ref_days(known[i].y, known[i].m, known[i].d));
	}
	for (y = 1900; y <= 2200 && bad < 5; y++) {
		gauss_easter(y, &m, &d);
		if (calendar_easter(y) != ref_days(y, m, d)) {
			TEST_FAIL("easter %d: %d != Gauss %d-%02d-%02d", y,
			    calendar_easter(y), y, m, d);
			bad++;
		}
	}
}

/* Every day 2000-2040 against the reference table: names and kinds. */
static void
test_holidays_2000_2040(void)
{
	struct ref_holiday h[32];
	const struct ref_holiday *r;
	const char *name;
	size_t	 n;
	int	 y, days, end, pub, got, bad = 0, count = 0;

	for (y = 2000; y <= 2040; y++) {
		n = ref_holidays(y, h);
		end = ref_days(y, 12, 31);
		for (days = ref_days(y, 1, 1); days <= end; days++) {
			name = "junk";
			pub = -1;
			got = calendar_holiday(days, &name, &pub);
			r = ref_lookup(h, n, days);
			if (r != NULL)
				count++;
			if (r == NULL && (got != 0 || name != NULL ||
			    pub != 0)) {
				char	 s[11];

				calendar_format(days, s);
				TEST_FAIL("%s: unexpected holiday \"%s\"", s,
				    name ? name : "(null)");
				bad++;
			} else if (r != NULL && (got != 1 || name == NULL ||
			    strcmp(name, r->name) != 0 || pub != r->pub)) {
				char	 s[11];

				calendar_format(days, s);
				TEST_FAIL("%s: got %d \"%s\" pub %d, want "
				    "\"%s\" pub %d", s, got,
				    name ? name : "(null)", pub, r->name,
				    r->pub);
				bad++;
			}
			if (bad >= 10)
				return;
		}
	}
	/*
	 * 16 days a year (annandag pingst or nationaldagen), less the
	 * coincidence of 2008 (Kristi himmelsfärdsdag on första maj).
	 */
	CHECK_INT_EQ(count, 41 * 16 - 1);
}

static void
check_holiday(int days, const char *want, int want_pub, int line)
{
	const char	*name = NULL;
	int		 pub = -1, got;
	char		 s[11];

	got = calendar_holiday(days, &name, &pub);
	calendar_format(days, s);
	if (want == NULL) {
		if (got != 0 || name != NULL || pub != 0)
			TEST_FAIL("line %d: %s: unexpected \"%s\"", line, s,
			    name ? name : "(null)");
	} else if (got != 1 || name == NULL || strcmp(name, want) != 0 ||
	    pub != want_pub)
		TEST_FAIL("line %d: %s: got %d \"%s\" %d, want \"%s\" %d",
		    line, s, got, name ? name : "(null)", pub, want,
		    want_pub);
}
#define HOLIDAY(y, m, d, name, pub) \
	check_holiday(ref_days(y, m, d), name, pub, __LINE__)

static void
test_holiday_edges(void)
{
	/* Midsommar on the first and last possible Saturday. */
	HOLIDAY(2009, 6, 20, "midsommardagen", 1);
	HOLIDAY(2009, 6, 19, "midsommarafton", 0);
	HOLIDAY(2009, 6, 26, NULL, 0);
	HOLIDAY(2009, 6, 27, NULL, 0);
	HOLIDAY(2020, 6, 20, "midsommardagen", 1);
	HOLIDAY(2020, 6, 19, "midsommarafton", 0);
	HOLIDAY(2021, 6, 26, "midsommardagen", 1);
	HOLIDAY(2021, 6, 25, "midsommarafton", 0);
	HOLIDAY(2021, 6, 19, NULL, 0);
	HOLIDAY(2021, 6, 18, NULL, 0);
	HOLIDAY(2004, 6, 26, "midsommardagen", 1);
	HOLIDAY(2019, 6, 22, "midsommardagen", 1);
	HOLIDAY(2019, 6, 21, "midsommarafton", 0);
	HOLIDAY(2019, 6, 24, NULL, 0);

	/* Alla helgons dag on 31 October and on 6 November. */
	HOLIDAY(2009, 10, 31, "alla helgons dag", 1);
	HOLIDAY(2009, 11, 7, NULL, 0);
	HOLIDAY(2020, 10, 31, "alla helgons dag", 1);
	HOLIDAY(2020, 11, 1, NULL, 0);
	HOLIDAY(2021, 11, 6, "alla helgons dag", 1);
	HOLIDAY(2021, 10, 30, NULL, 0);
	HOLIDAY(2004, 11, 6, "alla helgons dag", 1);
	HOLIDAY(2019, 11, 2, "alla helgons dag", 1);
	HOLIDAY(2019, 11, 1, NULL, 0);

	/* Nationaldagen replaced annandag pingst in 2005. */
	HOLIDAY(2004, 6, 6, NULL, 0);
	HOLIDAY(2004, 5, 31, "annandag pingst", 1);
	HOLIDAY(2003, 6, 9, "annandag pingst", 1);
	HOLIDAY(2003, 6, 6, NULL, 0);
	HOLIDAY(2005, 6, 6, "nationaldagen", 1);
	HOLIDAY(2005, 5, 16, NULL, 0);
	HOLIDAY(2005, 5, 15, "pingstdagen", 1);
	HOLIDAY(2019, 6, 6, "nationaldagen", 1);
	HOLIDAY(2019, 6, 10, NULL, 0);
	HOLIDAY(1990, 6, 4, "annandag pingst", 1);

	/* Coincidences: the Easter feast names the day. */
	HOLIDAY(2008, 5, 1, "Kristi himmelsfärdsdag", 1);
	HOLIDAY(2049, 6, 6, "pingstdagen", 1);
	HOLIDAY(2049, 6, 7, NULL, 0);

	/* 2019 in full, from the published Swedish calendar. */
	HOLIDAY(2019, 1, 1, "nyårsdagen", 1);
	HOLIDAY(2019, 1, 6, "trettondedag jul", 1);
	HOLIDAY(2019, 4, 19, "långfredagen", 1);
	HOLIDAY(2019, 4, 20, NULL, 0);
	HOLIDAY(2019, 4, 21, "påskdagen", 1);
	HOLIDAY(2019, 4, 22, "annandag påsk", 1);
	HOLIDAY(2019, 5, 1, "första maj", 1);
	HOLIDAY(2019, 5, 30, "Kristi himmelsfärdsdag", 1);
	HOLIDAY(2019, 6, 9, "pingstdagen", 1);
	HOLIDAY(2019, 12, 24, "julafton", 0);
	HOLIDAY(2019, 12, 25, "juldagen", 1);
	HOLIDAY(2019, 12, 26, "annandag jul", 1);
	HOLIDAY(2019, 12, 31, "nyårsafton", 0);
	HOLIDAY(2019, 12, 27, NULL, 0);
	HOLIDAY(2019, 12, 23, NULL, 0);

	/* 1900 and 2200: the ends of the range (modern rules apply). */
	HOLIDAY(1900, 4, 13, "långfredagen", 1);
	HOLIDAY(1900, 4, 15, "påskdagen", 1);
	HOLIDAY(1900, 4, 16, "annandag påsk", 1);
	HOLIDAY(1900, 5, 24, "Kristi himmelsfärdsdag", 1);
	HOLIDAY(1900, 6, 3, "pingstdagen", 1);
	HOLIDAY(1900, 6, 4, "annandag pingst", 1);
	HOLIDAY(1900, 6, 6, NULL, 0);
	HOLIDAY(1900, 6, 23, "midsommardagen", 1);
	HOLIDAY(1900, 6, 22, "midsommarafton", 0);
	HOLIDAY(1900, 11, 3, "alla helgons dag", 1);
	HOLIDAY(1900, 1, 1, "nyårsdagen", 1);
	HOLIDAY(2200, 4, 4, "långfredagen", 1);
	HOLIDAY(2200, 4, 6, "påskdagen", 1);
	HOLIDAY(2200, 4, 7, "annandag påsk", 1);
	HOLIDAY(2200, 5, 15, "Kristi himmelsfärdsdag", 1);
	HOLIDAY(2200, 5, 25, "pingstdagen", 1);
	HOLIDAY(2200, 5, 26, NULL, 0);
	HOLIDAY(2200, 6, 6, "nationaldagen", 1);
	HOLIDAY(2200, 6, 21, "midsommardagen", 1);
	HOLIDAY(2200, 6, 20, "midsommarafton", 0);
	HOLIDAY(2200, 11, 1, "alla helgons dag", 1);
	HOLIDAY(2200, 12, 31, "nyårsafton", 0);

	/* NULL outputs are allowed. */
	CHECK_INT_EQ(calendar_holiday(D(2019, 12, 25), NULL, NULL), 1);
	CHECK_INT_EQ(calendar_holiday(D(2019, 12, 27), NULL, NULL), 0);
}

static void
test_workdays(void)
{
	struct calendar cal;
	int	 from, n, got, want, step, k, bad = 0;
	int	 extra[] = { 0, 0 };

	calendar_init(&cal);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 4, 18)), 1);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 4, 19)), 0);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 4, 22)), 0);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 4, 23)), 1);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 6, 21)), 0);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 12, 24)), 0);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 12, 31)), 0);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 12, 23)), 1);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 12, 28)), 0);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 12, 29)), 0);
	CHECK_INT_EQ(calendar_is_workday(NULL, D(2019, 12, 30)), 1);

	/* Across Easter: Thursday before + 1 is the Tuesday after. */
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 4, 18), 1),
	    ref_days(2019, 4, 23));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 4, 23), -1),
	    ref_days(2019, 4, 18));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 4, 20), 1),
	    ref_days(2019, 4, 23));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 4, 17), 5),
	    ref_days(2019, 4, 26));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2020, 4, 9), 1),
	    ref_days(2020, 4, 14));
	/* Across Christmas and New Year. */
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 12, 20), 1),
	    ref_days(2019, 12, 23));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 12, 20), 2),
	    ref_days(2019, 12, 27));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 12, 27), 1),
	    ref_days(2019, 12, 30));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 12, 30), 1),
	    ref_days(2020, 1, 2));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2020, 1, 3), 1),
	    ref_days(2020, 1, 7));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2020, 1, 7), -3),
	    ref_days(2019, 12, 30));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 12, 25), 0),
	    ref_days(2019, 12, 25));
	CHECK_INT_EQ(calendar_add_workdays(NULL, D(2019, 6, 20), 1),
	    ref_days(2019, 6, 24));

	CHECK_INT_EQ(calendar_workday_on_or_after(&cal, D(2019, 12, 24)),
	    ref_days(2019, 12, 27));
	CHECK_INT_EQ(calendar_workday_on_or_after(&cal, D(2019, 12, 23)),
	    ref_days(2019, 12, 23));
	CHECK_INT_EQ(calendar_workday_on_or_before(&cal, D(2019, 12, 26)),
	    ref_days(2019, 12, 23));
	CHECK_INT_EQ(calendar_workday_on_or_before(&cal, D(2020, 1, 1)),
	    ref_days(2019, 12, 30));
	CHECK_INT_EQ(calendar_workday_on_or_after(NULL, D(2019, 4, 19)),
	    ref_days(2019, 4, 23));

	/* A klämdag before Christmas 2019 moves the next working day. */
	calendar_add_extra_day(&cal, D(2019, 12, 23));
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 12, 23)), 0);
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 12, 20), 1),
	    ref_days(2019, 12, 27));
	CHECK_INT_EQ(calendar_workday_on_or_before(&cal, D(2019, 12, 26)),
	    ref_days(2019, 12, 20));
	/* And the Friday after Kristi himmelsfärdsdag 2019. */
	calendar_add_extra_day(&cal, D(2019, 5, 31));
	CHECK_INT_EQ(calendar_add_workdays(&cal, D(2019, 5, 29), 1),
	    ref_days(2019, 6, 3));
	CHECK_INT_EQ(calendar_add_workdays(NULL, D(2019, 5, 29), 1),
	    ref_days(2019, 5, 31));

	/* Every start in 2019-2021, n = -10..10, against a plain loop. */
	extra[0] = D(2019, 12, 23);
	extra[1] = D(2019, 5, 31);
	for (from = ref_days(2019, 1, 1); from <= ref_days(2021, 12, 31) &&
	    bad < 5; from++)
		for (n = -10; n <= 10; n++) {
			want = from;
			step = n < 0 ? -1 : 1;
			for (k = n; k != 0;) {
				want += step;
				if (ref_workday(want, extra, 2))
					k -= step;
			}
			got = calendar_add_workdays(&cal, from, n);
			if (got != want) {
				TEST_FAIL("add_workdays(%d, %d) = %d, want %d",
				    from, n, got, want);
				bad++;
			}
			if (calendar_is_workday(&cal, from) !=
			    ref_workday(from, extra, 2)) {
				TEST_FAIL("is_workday(%d) = %d", from,
				    calendar_is_workday(&cal, from));
				bad++;
			}
		}
	calendar_free(&cal);
}

static void
test_extra_days(void)
{
	struct calendar cal;

	calendar_init(&cal);
	CHECK_INT_EQ(cal.nextra_days, 0);
	calendar_add_extra_day(&cal, D(2019, 5, 31));
	calendar_add_extra_day(&cal, D(2019, 12, 23));
	calendar_add_extra_day(&cal, D(2019, 5, 31));
	calendar_add_extra_day(&cal, D(2019, 1, 2));
	calendar_add_extra_day(&cal, D(2019, 12, 23));
	calendar_add_extra_day(&cal, D(2018, 12, 31));
	CHECK_INT_EQ(cal.nextra_days, 4);
	if (cal.nextra_days == 4) {
		CHECK_INT_EQ(cal.extra_days[0], ref_days(2018, 12, 31));
		CHECK_INT_EQ(cal.extra_days[1], ref_days(2019, 1, 2));
		CHECK_INT_EQ(cal.extra_days[2], ref_days(2019, 5, 31));
		CHECK_INT_EQ(cal.extra_days[3], ref_days(2019, 12, 23));
	}
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 1, 2)), 0);
	CHECK_INT_EQ(calendar_is_workday(NULL, D(2019, 1, 2)), 1);
	CHECK_INT_EQ(calendar_is_workday(&cal, D(2019, 1, 3)), 1);
	calendar_free(&cal);
	CHECK(cal.extra_days == NULL && cal.nextra_days == 0);
	calendar_free(&cal);		/* twice is harmless */
	calendar_free(NULL);
}

static void
test_checkpoints(void)
{
	struct calendar cal;
	struct checkpoint t1 = { CHECKPOINT_T1, 2020 };
	struct checkpoint t2 = { CHECKPOINT_T2, 2020 };
	struct checkpoint vb = { CHECKPOINT_VB, 2019 };
	struct checkpoint vb20 = { CHECKPOINT_VB, 2020 };
	char	 out[16], small[4];

	calendar_init(&cal);
	CHECK_INT_EQ(cal.rule[CHECKPOINT_T1].month, 5);
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, t1), ref_days(2020, 5, 15));
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, t2), ref_days(2020, 9, 15));
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, vb), ref_days(2020, 2, 15));
	CHECK_INT_EQ(calendar_checkpoint_due(NULL, vb), ref_days(2020, 2, 15));

	/* Overrides apply to their kind and year only, and replace. */
	calendar_set_override(&cal, vb, D(2020, 2, 20));
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, vb), ref_days(2020, 2, 20));
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, vb20),
	    ref_days(2021, 2, 15));
	calendar_set_override(&cal, (struct checkpoint){ CHECKPOINT_T1,
	    2019 }, D(2019, 5, 22));
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, t1), ref_days(2020, 5, 15));
	CHECK_INT_EQ(calendar_checkpoint_due(&cal,
	    (struct checkpoint){ CHECKPOINT_T1, 2019 }), ref_days(2019, 5, 22));
	calendar_set_override(&cal, vb, D(2020, 2, 21));
	CHECK_INT_EQ(cal.noverrides, 2);
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, vb), ref_days(2020, 2, 21));

	/* A changed rule, and 29 February in a common year. */
	cal.rule[CHECKPOINT_T2] = (struct checkpoint_rule){ 9, 30, 0 };
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, t2), ref_days(2020, 9, 30));
	cal.rule[CHECKPOINT_VB] = (struct checkpoint_rule){ 2, 29, 1 };
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, vb20),
	    ref_days(2021, 2, 28));
	CHECK_INT_EQ(calendar_checkpoint_due(&cal,
	    (struct checkpoint){ CHECKPOINT_VB, 2023 }), ref_days(2024, 2, 29));
	cal.rule[CHECKPOINT_VB] = (struct checkpoint_rule){ 13, 1, 1 };
	CHECK_INT_EQ(calendar_checkpoint_due(&cal, vb20), CALENDAR_NODATE);

	CHECK_INT_EQ(calendar_checkpoint_start(t1), ref_days(2020, 1, 1));
	CHECK_INT_EQ(calendar_checkpoint_start(t2), ref_days(2020, 1, 1));
	CHECK_INT_EQ(calendar_checkpoint_start(vb), ref_days(2019, 1, 1));
	CHECK_INT_EQ(calendar_checkpoint_end(t1), ref_days(2020, 4, 30));
	CHECK_INT_EQ(calendar_checkpoint_end(t2), ref_days(2020, 8, 31));
	CHECK_INT_EQ(calendar_checkpoint_end(vb), ref_days(2019, 12, 31));

	calendar_checkpoint_format(t1, out, sizeof(out));
	CHECK_STR_EQ(out, "T1 2020");
	calendar_checkpoint_format(t2, out, sizeof(out));
	CHECK_STR_EQ(out, "T2 2020");
	calendar_checkpoint_format(vb, out, sizeof(out));
	CHECK_STR_EQ(out, "VB 2019");
	calendar_checkpoint_format(vb, small, sizeof(small));
	CHECK_STR_EQ(small, "VB ");
	CHECK_STR_EQ(calendar_checkpoint_kind_name(CHECKPOINT_T1), "T1");
	CHECK_STR_EQ(calendar_checkpoint_kind_name(CHECKPOINT_T2), "T2");
	CHECK_STR_EQ(calendar_checkpoint_kind_name(CHECKPOINT_VB), "VB");
	CHECK_STR_EQ(calendar_checkpoint_kind_name(CHECKPOINT_NKINDS), "??");
	calendar_free(&cal);
}

static void
test_parse_checkpoint(void)
{
	static const struct {
		const char	*s;
		int		 def;
		int		 kind, year;
	} ok[] = {
		{ "Tertialrapport 1 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "Tertialrapport 1, 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "tertialrapport 1 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "TERTIALRAPPORT 1 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "Tertialrapport 2 2021", 1999, CHECKPOINT_T2, 2021 },
		{ "Tertialrapport  2 ,  2021", 1999, CHECKPOINT_T2, 2021 },
		{ "T1 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "T1, 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "T1,2020", 1999, CHECKPOINT_T1, 2020 },
		{ "t2 2020", 1999, CHECKPOINT_T2, 2020 },
		{ "tertial 1 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "Tertial 2, 2020", 1999, CHECKPOINT_T2, 2020 },
		{ "tertialrapport1 2020", 1999, CHECKPOINT_T1, 2020 },
		{ "Verksamhetsberättelsen 2019", 1999, CHECKPOINT_VB, 2019 },
		{ "Verksamhetsberättelse 2019", 1999, CHECKPOINT_VB, 2019 },
		{ "VERKSAMHETSBERÄTTELSEN 2019", 1999, CHECKPOINT_VB, 2019 },
		{ "verksamhetsberÄttelse, 2019", 1999, CHECKPOINT_VB, 2019 },
		{ "VB 2019", 1999, CHECKPOINT_VB, 2019 },
		{ "vb, 2019", 1999, CHECKPOINT_VB, 2019 },
		{ "Verksamhetsberättelsen", 2019, CHECKPOINT_VB, 2019 },
		{ "Verksamhetsberättelse", 2021, CHECKPOINT_VB, 2021 },
		{ "VB", 2019, CHECKPOINT_VB, 2019 },
		{ "T1", 2021, CHECKPOINT_T1, 2021 },
		/* The project's fold: no diacritics, decomposed, full-width. */
		{ "Verksamhetsberattelsen 2019", 1999, CHECKPOINT_VB, 2019 },
		{ "Verksamhetsbera\xcc\x88ttelse 2019", 1999, CHECKPOINT_VB,
		    2019 },
		{ "\xef\xbc\xb6\xef\xbc\xa2 \xef\xbc\x92\xef\xbc\x90"
		    "\xef\xbc\x91\xef\xbc\x99", 1999, CHECKPOINT_VB, 2019 },
		{ "Tertialrapport\xe2\x80\x83" "1\xe3\x80\x80" "2020", 1999,
		    CHECKPOINT_T1, 2020 },
		{ "Tertialrapport 2", 2021, CHECKPOINT_T2, 2021 },
		{ "  \tTertialrapport 1 2020 \n", 1999, CHECKPOINT_T1, 2020 },
		{ "Tertialrapport\xc2\xa0" "1\xc2\xa0" "2020", 1999,
		    CHECKPOINT_T1, 2020 },
		{ "Tertialrapport 1 1900", 1999, CHECKPOINT_T1, 1900 },
		{ "VB 2200", 1999, CHECKPOINT_VB, 2200 },
	};
	static const struct {
		const char	*s;
		int		 def;
	} bad[] = {
		{ "", 2020 }, { "   ", 2020 },
		{ "Tertialrapport 3 2020", 2020 }, { "T3 2020", 2020 },
		{ "T0 2020", 2020 }, { "Tertialrapport 12 2020", 2020 },
		{ "Tertialrapport 2020", 2020 }, { "Tertialrapport", 2020 },
		{ "Tertialrapport, 2020", 2020 }, { "T 1 2020", 2020 },
		{ "T12020", 2020 }, { "T", 2020 }, { "VB2019", 2020 },
		{ "VBX 2019", 2020 }, { "Verksamhetsberättelser 2019", 2020 },
		{ "Verksamhetsberättelsen2019", 2020 },
		{ "VB 1899", 2020 }, { "VB 2201", 2020 }, { "VB 19", 2020 },
		{ "VB 02019", 2020 }, { "VB 20190", 2020 },
		{ "VB 2019 x", 2020 }, { "VB 2019.", 2020 },
		{ "T1 2020 2021", 2020 }, { "VB -2019", 2020 },
		{ "VB,", 2020 }, { "VB ,", 2020 }, { "T1,, 2020", 2020 },
		{ "T1 2020,", 2020 }, { "xT1 2020", 2020 },
		{ "Tertialrapport 1 2020 och VB", 2020 },
		{ "Årsredovisning 2019", 2020 }, { "2019", 2020 },
		{ "I ordinarie verksamhetsuppföljning", 2020 },
		{ "Verksamhetsberättelsen", CALENDAR_NODATE },
		{ "T1", CALENDAR_NODATE }, { "VB", 1899 }, { "T2", 2201 },
		{ "Tertialrapport 1 2020\xff", 2020 },
		{ "Tertialrapport 1 20\xc3" "20", 2020 },
		{ "Tertialrapport 1 2020                                     "
		  "                                                          "
		  "                                                   x", 2020 },
	};
	struct checkpoint cp;
	size_t	 i;

	for (i = 0; i < nitems(ok); i++) {
		cp.kind = CHECKPOINT_NKINDS;
		cp.year = 0;
		if (calendar_parse_checkpoint(ok[i].s, ok[i].def, &cp) != 0)
			TEST_FAIL("\"%s\" refused", ok[i].s);
		else if ((int)cp.kind != ok[i].kind || cp.year != ok[i].year)
			TEST_FAIL("\"%s\": got %d %d, want %d %d", ok[i].s,
			    (int)cp.kind, cp.year, ok[i].kind, ok[i].year);
	}
	for (i = 0; i < nitems(bad); i++) {
		cp.kind = CHECKPOINT_NKINDS;
		cp.year = 1234;
		if (calendar_parse_checkpoint(bad[i].s, bad[i].def, &cp) != -1)
			TEST_FAIL("\"%s\" accepted as %d %d", bad[i].s,
			    (int)cp.kind, cp.year);
		else if (cp.kind != CHECKPOINT_NKINDS || cp.year != 1234)
			TEST_FAIL("\"%s\": *cp changed on failure", bad[i].s);
	}
	CHECK_INT_EQ(calendar_parse_checkpoint(NULL, 2020, &cp), -1);
	CHECK_INT_EQ(calendar_parse_checkpoint("VB 2019", 2020, NULL), 0);
}

static void
test_iso_weeks(void)
{
	static const struct {
		int	 y, m, d, iy, w;
	} spot[] = {
		{ 2020, 12, 31, 2020, 53 }, { 2019, 12, 31, 2020, 1 },
		{ 2021, 1, 3, 2020, 53 }, { 2021, 1, 4, 2021, 1 },
		{ 2019, 12, 29, 2019, 52 }, { 2019, 12, 30, 2020, 1 },
		{ 2008, 12, 29, 2009, 1 }, { 2010, 1, 3, 2009, 53 },
		{ 2005, 1, 1, 2004, 53 }, { 2007, 1, 1, 2007, 1 },
		{ 2026, 12, 31, 2026, 53 }, { 2019, 4, 21, 2019, 16 },
		{ 1969, 12, 29, 1970, 1 }, { 2200, 12, 31, 2201, 1 },
	};
	size_t	 i;
	int	 days, iy, w, bad = 0, riy, rw;
	time_t	 t;
	struct tm tm;
	char	 s[16];

	for (i = 0; i < nitems(spot); i++) {
		iy = w = -1;
		calendar_iso_week(D(spot[i].y, spot[i].m, spot[i].d), &iy, &w);
		if (iy != spot[i].iy || w != spot[i].w)
			TEST_FAIL("%04d-%02d-%02d: %d-W%02d, want %d-W%02d",
			    spot[i].y, spot[i].m, spot[i].d, iy, w,
			    spot[i].iy, spot[i].w);
	}
	/* Every day 1900-2200 against strftime's %G and %V. */
	for (days = ref_days(1900, 1, 1); days <= ref_days(2200, 12, 31) &&
	    bad < 5; days++) {
		t = (time_t)days * 86400;
		gmtime_r(&t, &tm);
		strftime(s, sizeof(s), "%G %V", &tm);
		if (sscanf(s, "%d %d", &riy, &rw) != 2)
			abort();
		calendar_iso_week(days, &iy, &w);
		if (iy != riy || w != rw) {
			TEST_FAIL("day %d: %d-W%02d, strftime %s", days, iy,
			    w, s);
			bad++;
		}
	}
	calendar_iso_week(0, NULL, NULL);
}

static void
test_zone(void)
{
	CHECK_INT_EQ(host_zone_set("UTC"), 0);
	CHECK_INT_EQ(host_zone_set("Europe/Stockholm"), 0);
	CHECK_INT_EQ(host_zone_set("Nowhere/Atlantis"), -1);
	CHECK_INT_EQ(host_zone_set("../../etc/passwd"), -1);
	CHECK_INT_EQ(host_zone_set("Europe/../Europe/Stockholm"), -1);
	CHECK_INT_EQ(host_zone_set("/usr/share/zoneinfo/UTC"), -1);
	CHECK_INT_EQ(host_zone_set("Europe"), -1);	/* a directory */
	CHECK_INT_EQ(host_zone_set("zone.tab"), -1);	/* not TZif */
	CHECK_INT_EQ(host_zone_set("CET-1CEST"), -1);
	CHECK_INT_EQ(host_zone_set("Europe/Stockholm "), -1);
	CHECK_INT_EQ(host_zone_set(""), -1);
	CHECK_INT_EQ(host_zone_set(NULL), -1);
	/* The failures left Stockholm in force: summer time is UTC+2. */
	CHECK_INT_EQ(calendar_local_to_utc(D(2019, 7, 1), 12 * 60),
	    ref_utc(2019, 7, 1, 10, 0));
}

#define LOCAL(y, mo, d, h, mi, uy, umo, ud, uh, umi) do {		\
	time_t	 got_ = calendar_local_to_utc(D(y, mo, d), (h) * 60 + (mi)); \
	time_t	 want_ = ref_utc(uy, umo, ud, uh, umi);			\
	if (got_ != want_)						\
		TEST_FAIL("%04d-%02d-%02d %02d:%02d local: %lld, want "	\
		    "%lld (%+lld s)", y, mo, d, h, mi, (long long)got_,	\
		    (long long)want_, (long long)(got_ - want_));	\
} while (0)

#define TO_LOCAL(uy, umo, ud, uh, umi, text) do {			\
	char	 s_[17];						\
									\
	calendar_format_local(ref_utc(uy, umo, ud, uh, umi), s_);	\
	CHECK_STR_EQ(s_, text);						\
} while (0)

static void
test_dst_stockholm(void)
{
	int	 days, minute;

	CHECK_INT_EQ(host_zone_set("Europe/Stockholm"), 0);
	/* Winter and summer. */
	LOCAL(2019, 1, 15, 8, 0, 2019, 1, 15, 7, 0);
	LOCAL(2019, 7, 1, 8, 0, 2019, 7, 1, 6, 0);
	LOCAL(2019, 1, 1, 0, 30, 2018, 12, 31, 23, 30);

	/* Spring forward 2019-03-31: 02:00-02:59 do not exist. */
	LOCAL(2019, 3, 31, 1, 59, 2019, 3, 31, 0, 59);
	LOCAL(2019, 3, 31, 2, 0, 2019, 3, 31, 1, 0);
	LOCAL(2019, 3, 31, 2, 30, 2019, 3, 31, 1, 0);
	LOCAL(2019, 3, 31, 2, 59, 2019, 3, 31, 1, 0);
	LOCAL(2019, 3, 31, 3, 0, 2019, 3, 31, 1, 0);
	LOCAL(2019, 3, 31, 3, 1, 2019, 3, 31, 1, 1);
	/* Fall back 2019-10-27: 02:00-02:59 happen twice; the first wins. */
	LOCAL(2019, 10, 27, 1, 30, 2019, 10, 26, 23, 30);
	LOCAL(2019, 10, 27, 2, 0, 2019, 10, 27, 0, 0);
	LOCAL(2019, 10, 27, 2, 30, 2019, 10, 27, 0, 30);
	LOCAL(2019, 10, 27, 2, 59, 2019, 10, 27, 0, 59);
	LOCAL(2019, 10, 27, 3, 0, 2019, 10, 27, 2, 0);
	/* 2020. */
	LOCAL(2020, 3, 29, 1, 59, 2020, 3, 29, 0, 59);
	LOCAL(2020, 3, 29, 2, 30, 2020, 3, 29, 1, 0);
	LOCAL(2020, 3, 29, 3, 0, 2020, 3, 29, 1, 0);
	LOCAL(2020, 10, 25, 1, 30, 2020, 10, 24, 23, 30);
	LOCAL(2020, 10, 25, 2, 30, 2020, 10, 25, 0, 30);
	LOCAL(2020, 10, 25, 3, 0, 2020, 10, 25, 2, 0);
	/* A minute past the day carries over. */
	LOCAL(2019, 3, 30, 1440 / 60 + 2, 30, 2019, 3, 31, 1, 0);

	/* UTC back to local, both occurrences of the repeated hour. */
	TO_LOCAL(2019, 3, 31, 0, 59, "2019-03-31 01:59");
	TO_LOCAL(2019, 3, 31, 1, 0, "2019-03-31 03:00");
	TO_LOCAL(2019, 10, 27, 0, 30, "2019-10-27 02:30");
	TO_LOCAL(2019, 10, 27, 1, 30, "2019-10-27 02:30");
	TO_LOCAL(2019, 10, 27, 2, 0, "2019-10-27 03:00");
	TO_LOCAL(2018, 12, 31, 23, 30, "2019-01-01 00:30");
	calendar_utc_to_local(ref_utc(2019, 10, 27, 1, 59) + 59, &days,
	    &minute);
	CHECK_INT_EQ(days, ref_days(2019, 10, 27));
	CHECK_INT_EQ(minute, 2 * 60 + 59);
	calendar_utc_to_local(ref_utc(1969, 12, 31, 22, 0), &days, &minute);
	CHECK_INT_EQ(days, -1);
	CHECK_INT_EQ(minute, 23 * 60);
	calendar_utc_to_local(0, NULL, NULL);
}

/*
 * For every quarter hour of a year of local time: the instant found shows
 * that local time and no earlier instant an hour before does (first
 * occurrence); or, in a gap, it is the first instant past the wall time.
 * And for every quarter hour of UTC: local and back gives the instant, or
 * for the second pass of a repeated hour the first one, an hour earlier.
 */
static void
roundtrip_year(const char *zone, int year)
{
	int	 days, end, min, d2, m2, d3, m3, bad = 0;
	long long L, got;
	time_t	 t, r, start, stop;

	CHECK_INT_EQ(host_zone_set(zone), 0);
	end = D(year, 12, 31);
	for (days = D(year, 1, 1); days <= end && bad < 5; days++)
		for (min = 0; min < 1440; min += 15) {
			L = (long long)days * 1440 + min;
			r = calendar_local_to_utc(days, min);
			calendar_utc_to_local(r, &d2, &m2);
			got = (long long)d2 * 1440 + m2;
			calendar_utc_to_local(r - 3600, &d3, &m3);
			if (got == L) {
				if ((long long)d3 * 1440 + m3 == L) {
					TEST_FAIL("%s %d+%d: not the first "
					    "occurrence", zone, days, min);
					bad++;
				}
				continue;
			}
			/* A gap: r shows a later time, r - 1 min earlier. */
			calendar_utc_to_local(r - 60, &d3, &m3);
			if (got < L || (long long)d3 * 1440 + m3 >= L) {
				TEST_FAIL("%s %d+%d: got %lld, before %lld",
				    zone, days, min, got,
				    (long long)d3 * 1440 + m3);
				bad++;
			}
		}
	start = (time_t)D(year, 1, 1) * 86400;
	stop = (time_t)D(year + 1, 1, 1) * 86400;
	for (t = start; t < stop && bad < 10; t += 900) {
		calendar_utc_to_local(t, &d2, &m2);
		r = calendar_local_to_utc(d2, m2);
		if (r != t && r != t - 3600) {
			TEST_FAIL("%s %lld: back to %lld", zone,
			    (long long)t, (long long)r);
			bad++;
		}
	}
}

static void
test_dst_roundtrip(void)
{
	roundtrip_year("Europe/Stockholm", 2019);
	roundtrip_year("Australia/Sydney", 2019);
	roundtrip_year("America/New_York", 2020);
	roundtrip_year("UTC", 2019);
}

static void
test_dst_other_zones(void)
{
	/* No DST: local is UTC, every minute exists once. */
	CHECK_INT_EQ(host_zone_set("UTC"), 0);
	LOCAL(2019, 3, 31, 2, 30, 2019, 3, 31, 2, 30);
	LOCAL(2019, 10, 27, 2, 30, 2019, 10, 27, 2, 30);
	LOCAL(2019, 1, 1, 0, 0, 2019, 1, 1, 0, 0);
	TO_LOCAL(2019, 10, 27, 2, 30, "2019-10-27 02:30");

	/* Southern hemisphere: the gap in October, the repeat in April. */
	CHECK_INT_EQ(host_zone_set("Australia/Sydney"), 0);
	LOCAL(2019, 10, 6, 1, 59, 2019, 10, 5, 15, 59);
	LOCAL(2019, 10, 6, 2, 30, 2019, 10, 5, 16, 0);
	LOCAL(2019, 10, 6, 3, 0, 2019, 10, 5, 16, 0);
	LOCAL(2019, 4, 7, 2, 30, 2019, 4, 6, 15, 30);
	LOCAL(2019, 4, 7, 3, 0, 2019, 4, 6, 17, 0);
	LOCAL(2019, 7, 1, 12, 0, 2019, 7, 1, 2, 0);

	/* North America: DST changes at 02:00 local. */
	CHECK_INT_EQ(host_zone_set("America/New_York"), 0);
	LOCAL(2019, 3, 10, 2, 30, 2019, 3, 10, 7, 0);
	LOCAL(2019, 11, 3, 1, 30, 2019, 11, 3, 5, 30);
	LOCAL(2019, 11, 3, 2, 0, 2019, 11, 3, 7, 0);

	/* Lord Howe Island shifts by half an hour. */
	CHECK_INT_EQ(host_zone_set("Australia/Lord_Howe"), 0);
	LOCAL(2019, 10, 6, 2, 15, 2019, 10, 5, 15, 30);
	LOCAL(2019, 10, 6, 2, 30, 2019, 10, 5, 15, 30);
	LOCAL(2019, 4, 7, 1, 45, 2019, 4, 6, 14, 45);

	/* Samoa skipped 30 December 2011 altogether. */
	CHECK_INT_EQ(host_zone_set("Pacific/Apia"), 0);
	LOCAL(2011, 12, 30, 12, 0, 2011, 12, 30, 10, 0);
	LOCAL(2011, 12, 31, 0, 0, 2011, 12, 30, 10, 0);
	LOCAL(2011, 12, 29, 23, 59, 2011, 12, 30, 9, 59);
	TO_LOCAL(2011, 12, 30, 10, 0, "2011-12-31 00:00");

	CHECK_INT_EQ(host_zone_set("Europe/Stockholm"), 0);
}

int
main(void)
{
	TEST_RUN(test_civil);
	TEST_RUN(test_format_parse_date);
	TEST_RUN(test_easter);
	TEST_RUN(test_holidays_2000_2040);
	TEST_RUN(test_holiday_edges);
	TEST_RUN(test_workdays);
	TEST_RUN(test_extra_days);
	TEST_RUN(test_checkpoints);
	TEST_RUN(test_parse_checkpoint);
	TEST_RUN(test_iso_weeks);
	TEST_RUN(test_zone);
	TEST_RUN(test_dst_stockholm);
	TEST_RUN(test_dst_roundtrip);
	TEST_RUN(test_dst_other_zones);
	return TEST_END("calendar");
}
