/*
 * import_meta: what the importer reads from a plan document's running
 * text -- committee, title, diary number, adoption date, year and next
 * revision -- and the forms of dates, schedules and follow-ups people
 * write in sentences and cells that plan files do not take ("den 18 mars
 * 2021", "Klart senast juni 2022", "HT 2022", "Delårsrapport 2022").
 *
 * Committees write the same thing many ways: "Antagen av
 * stadsdelsnämnden 2021-03-18. Nästa revidering sker i samband med
 * tertialrapport 1 2022", "Handlingsplanen antogs av nämnden den 18 mars
 * 2021", "Fastställd av kommunstyrelsen 2023-04-12 § 67".  So sentences
 * are read word by word: an adoption word, then the first date after it
 * in the same sentence.  Everything found is said (a note naming the
 * line it came from); what is not found is assumed or left empty with a
 * warning or note at the line where it was expected, and a remark in
 * the plan file, never invented silently.  docs/plans.md has the rules.
 * Core.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "import_int.h"
#include "plan.h"
#include "util.h"

#define YEAR_MIN	1900
#define YEAR_MAX	2200

/* Lines longer than this are paragraphs, not a cover page's lines. */
#define SHORT_LINE	160
/* How far after an adoption or revision word its date may stand. */
#define WORDS_AFTER	16

/*
 * Words of a line.
 */

struct word {
	const char	*s;	/* as written */
	size_t		 n;
	char		*f;	/* folded, surrounding punctuation dropped */
	int		 stop;	/* ends a sentence */
};

static void
words_free(struct word *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(w[i].f);
	free(w);
}

static size_t
split_words(const char *text, struct word **out)
{
	struct word *v = NULL;
	const char *p = text, *e;
	char *raw, *f, *a, *z;
	size_t n = 0, k;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = p + strcspn(p, " ");
		raw = xstrndup(p, (size_t)(e - p));
		f = xfold(raw);
		free(raw);
		for (a = f; *a != '\0' && strchr("\"'([{", *a) != NULL; a++)
			;
		z = a + strlen(a);
		while (z > a && strchr(".,;:!?)]}\"'", z[-1]) != NULL)
			z--;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n].s = p;
		v[n].n = (size_t)(e - p);
		v[n].f = xstrndup(a, (size_t)(z - a));
		/*
		 * "lägesbild." ends a sentence; "t.ex." and "m.m." do not
		 * (a period inside the word), nor a lone digit's "1.".
		 */
		k = v[n].n;
		v[n].stop = k > 0 && strchr(".!?", p[k - 1]) != NULL &&
		    memchr(v[n].f, '.', strlen(v[n].f)) == NULL &&
		    strlen(v[n].f) > 1;
		free(f);
		n++;
		p = e;
	}
	*out = v;
	return n;
}

static int
all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
is_year(const char *s, int *y)
{
	if (!all_digits(s, 4, 4) || atoi(s) < YEAR_MIN || atoi(s) > YEAR_MAX)
		return 0;
	*y = atoi(s);
	return 1;
}

static int
in_list(const char *f, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(f, *list) == 0)
			return 1;
	return 0;
}

/*
 * Dates.
 */

static const struct {
	const char	*name;
	int		 month;
} months[] = {
	{ "januari", 1 }, { "jan", 1 }, { "februari", 2 }, { "feb", 2 },
	{ "mars", 3 }, { "mar", 3 }, { "april", 4 }, { "apr", 4 },
	{ "maj", 5 }, { "juni", 6 }, { "jun", 6 }, { "juli", 7 },
	{ "jul", 7 }, { "augusti", 8 }, { "aug", 8 }, { "september", 9 },
	{ "sept", 9 }, { "sep", 9 }, { "oktober", 10 }, { "okt", 10 },
	{ "november", 11 }, { "nov", 11 }, { "december", 12 },
	{ "dec", 12 },
};

static int
month_of(const char *f)
{
	size_t i;

	for (i = 0; i < nitems(months); i++)
		if (strcmp(f, months[i].name) == 0)
			return months[i].month;
	return 0;
}

/* A day of the month as written before its name: "18", "18:e", "1:a". */
static int
day_word(const char *f)
{
	char d[3];
	size_t n = strspn(f, "0123456789");

	if (n < 1 || n > 2)
		return 0;
	if (f[n] != '\0' && strcmp(f + n, ":e") != 0 &&
	    strcmp(f + n, ":a") != 0 && strcmp(f + n, "e") != 0)
		return 0;
	memcpy(d, f, n);
	d[n] = '\0';
	return atoi(d);
}

enum { DATE_NONE, DATE_DAY, DATE_MONTH };

/*
 * A date starting at word i: "2021-03-18", "20210318", "18 mars 2021",
 * "18:e mars 2021", "18/3 2021", "18/3-2021", or a month alone ("mars
 * 2021", DATE_MONTH, its last day in *days).  *used is the number of
 * words it takes.  A date written the wrong way round is read as the
 * schedule parser reads it, with the remark in `msg`.
 */
static int
date_at(const struct word *w, size_t i, size_t n, int *days, size_t *used,
    struct buf *msg)
{
	struct schedule sc;
	const char *f = w[i].f;
	int d, m, y, r;

	*used = 0;
	if (isdigit((unsigned char)f[0]) && (strchr(f, '-') != NULL ||
	    strchr(f, '.') != NULL || all_digits(f, 8, 8)) &&
	    strchr(f, '/') == NULL) {
		if (msg != NULL)
			buf_reset(msg);
		r = plan_parse_schedule(f, &sc, msg);
		if (r >= 0 && sc.kind == SCHEDULE_DUE && !sc.year_only) {
			*days = sc.date;
			*used = 1;
			return DATE_DAY;
		}
	}
	/* "18/3 2021", "18/3-2021": day first, as Swedes write it. */
	if (sscanf(f, "%2d/%2d", &d, &m) == 2 && strchr(f, '/') != NULL) {
		const char *dash = strchr(f, '-');

		if (dash != NULL && is_year(dash + 1, &y))
			*used = 1;
		else if (dash == NULL && i + 1 < n && is_year(w[i + 1].f, &y))
			*used = 2;
		if (*used > 0 && calendar_valid(y, m, d)) {
			*days = calendar_days(y, m, d);
			return DATE_DAY;
		}
		*used = 0;
	}
	if ((d = day_word(f)) > 0 && i + 2 < n &&
	    (m = month_of(w[i + 1].f)) > 0 && is_year(w[i + 2].f, &y) &&
	    calendar_valid(y, m, d)) {
		*days = calendar_days(y, m, d);
		*used = 3;
		return DATE_DAY;
	}
	if ((m = month_of(f)) > 0 && i + 1 < n && is_year(w[i + 1].f, &y)) {
		*days = calendar_days(y, m, calendar_days_in_month(y, m));
		*used = 2;
		return DATE_MONTH;
	}
	return DATE_NONE;
}

/*
 * Checkpoints named in running text and cells: "tertialrapport 1 2022",
 * "första tertialrapporten 2022", "T1 2022", "verksamhetsberättelsen",
 * "VB 2021", "delårsrapport 2022", "årsredovisningen 2021".  Returns the
 * number of words taken (0: none); *year is 0 when none is written.
 * *how says what was read that a plan file would not take: 0 the plan
 * file's own names, 1 a synonym ("årsredovisning" for VB), 2 a guess (a
 * "delårsrapport" without a number taken as T2).
 */
static size_t
checkpoint_at(const struct word *w, size_t i, size_t n,
    enum checkpoint_kind *kind, int *year, int *how)
{
	static const char *const vb[] = {
		"verksamhetsberattelse", "verksamhetsberattelsen", "vb", NULL
	};
	static const char *const vb_like[] = {
		"arsredovisning", "arsredovisningen", "arsrapport",
		"arsrapporten", "arsbokslut", "arsbokslutet", "bokslut",
		"bokslutet", NULL
	};
	static const char *const tertial[] = {
		"tertialrapport", "tertialrapporten", "tertial",
		"tertialuppfoljning", "tertialuppfoljningen", NULL
	};
	static const char *const interim[] = {
		"delarsrapport", "delarsrapporten", "delarsbokslut",
		"delarsbokslutet", NULL
	};
	const char *f = w[i].f;
	size_t k = i + 1;
	int nth = 0;

	*year = 0;
	*how = 0;
	if (strcmp(f, "forsta") == 0 || strcmp(f, "andra") == 0) {
		if (k >= n || (!in_list(w[k].f, tertial) &&
		    !in_list(w[k].f, interim)))
			return 0;
		nth = f[0] == 'f' ? 1 : 2;
		f = w[k++].f;
		*how = 1;
	}
	if (in_list(f, vb))
		*kind = CHECKPOINT_VB;
	else if (in_list(f, vb_like)) {
		*kind = CHECKPOINT_VB;
		*how = 1;
	} else if ((f[0] == 't' && (f[1] == '1' || f[1] == '2') &&
	    f[2] == '\0'))
		*kind = f[1] == '1' ? CHECKPOINT_T1 : CHECKPOINT_T2;
	else if (in_list(f, tertial) || in_list(f, interim)) {
		if (nth == 0 && k < n && (strcmp(w[k].f, "1") == 0 ||
		    strcmp(w[k].f, "2") == 0))
			nth = w[k++].f[0] - '0';
		if (in_list(f, interim)) {
			*how = nth == 0 ? 2 : 1;
			if (nth == 0)
				nth = 2;	/* the one about Jan-Aug */
		} else if (nth == 0)
			return 0;
		*kind = nth == 1 ? CHECKPOINT_T1 : CHECKPOINT_T2;
	} else
		return 0;
	if (k < n && is_year(w[k].f, year))
		k++;
	return k - i;
}

/*
 * The document's metadata.
 */

/* Words that say a plan was adopted, and that it was revised. */
static const char *const adopt_words[] = {
	"antagen", "antaget", "antagna", "antogs", "antagits", "beslutad",
	"beslutat", "beslutade", "beslutades", "beslutats", "beslut",
	"faststalld", "faststallt", "faststalldes", "faststallts", "godkand",
	"godkant", "godkandes", "godkants", NULL
};
static const char *const revised_words[] = {
	"reviderad", "reviderat", "reviderades", "reviderats", "uppdaterad",
	"uppdaterades", NULL
};

/* Where each finding came from, for notes, warnings and remarks. */
struct found {
	int	 adopted, adopted_line, adopted_rank;
	char	*adopted_text;
	int	 revised, revised_line;
	int	 expected_line;		/* an adoption word without a date */
	char	*expected_text;
	int	 title_line, title_year;
	int	 diary_line, diary_year;
	char	*committee_av;		/* "Antagen av Kulturnämnden ..." */
	int	 committee_av_line;
	/* The next revision: a checkpoint with a year, without, or a date. */
	int	 rev_line, rev_year_line, rev_date_line;
	struct checkpoint rev;
	enum checkpoint_kind rev_kind;
	int	 rev_how;
	int	 rev_date;
	int	 rev_mentioned;
};

/* "Dnr KUF 2021/88": the year 2021; "1.2.1.-147/19": 2019. */
static int
diary_year(const char *s)
{
	const char *p;
	int y, i;

	for (p = s; *p != '\0'; p++) {
		if (p > s && isdigit((unsigned char)p[-1]))
			continue;
		for (i = 0; i < 4 && isdigit((unsigned char)p[i]); i++)
			;
		if (i == 4 && !isdigit((unsigned char)p[4])) {
			y = atoi(p);
			if (y >= 1990 && y <= YEAR_MAX)
				return y;
		}
	}
	/* A two-digit year after the last slash or dash: "-147/19". */
	p = strrchr(s, '/');
	if (p != NULL && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && !isdigit((unsigned char)p[3]))
		return 2000 + (p[1] - '0') * 10 + (p[2] - '0');
	return 0;
}

/* A committee: a short name ending in nämnd(en), styrelse(n), ... */
static int
committee_word(const char *f)
{
	static const char *const ends[] = {
		"namnd", "namnden", "styrelse", "styrelsen", "fullmaktige",
		NULL
	};
	size_t n = strlen(f), k, i;

	for (i = 0; ends[i] != NULL; i++) {
		k = strlen(ends[i]);
		if (n >= k && strcmp(f + n - k, ends[i]) == 0)
			return 1;
	}
	return 0;
}

/* "av Kulturnämnden 2021-03-18": the committee after an adoption word. */
static char *
committee_after(const struct word *w, size_t i, size_t n)
{
	size_t k, last = 0;
	int days;
	size_t used;
	unsigned char c;

	if (i + 1 >= n || strcmp(w[i + 1].f, "av") != 0)
		return NULL;
	for (k = i + 2; k < n && k < i + 10; k++) {
		if (strcmp(w[k].f, "den") == 0 || w[k].f[0] == '\0' ||
		    isdigit((unsigned char)w[k].f[0]) ||
		    date_at(w, k, n, &days, &used, NULL) != DATE_NONE)
			break;
		last = k;
		if (w[k].stop || strchr(",;", w[k].s[w[k].n - 1]) != NULL)
			break;
	}
	if (last == 0 || !committee_word(w[last].f))
		return NULL;
	/* "stadsdelsnämnden" says no more than the plan does: a name has
	 * a capital letter. */
	c = (unsigned char)w[i + 2].s[0];
	if (!(isupper(c) || (c == 0xc3 && ((unsigned char)w[i + 2].s[1] ==
	    0x85 || (unsigned char)w[i + 2].s[1] == 0x84 ||
	    (unsigned char)w[i + 2].s[1] == 0x96))))
		return NULL;
	k = (size_t)(w[last].s + w[last].n - w[i + 2].s);
	while (k > 0 && strchr(",.;:", w[i + 2].s[k - 1]) != NULL)
		k--;
	return xstrndup(w[i + 2].s, k);
}

/* The first date after word i, in its sentence. */
static int
date_after(struct imp *im, int lineno, const struct word *w, size_t i,
    size_t n, int *days, int *partial)
{
	struct buf msg = { 0 };
	size_t k, used;
	int r;

	for (k = i + 1; k < n && k <= i + WORDS_AFTER; k++) {
		r = date_at(w, k, n, days, &used, &msg);
		if (r != DATE_NONE) {
			if (r == DATE_DAY && msg.len > 0)
				imp_warn(im, lineno, "date \"%s\": %s", w[k].f,
				    msg.s);
			buf_free(&msg);
			*partial = r == DATE_MONTH;
			return 1;
		}
		if (w[k].stop)
			break;
	}
	buf_free(&msg);
	return 0;
}

/* The sentence of the line around word i, as written, for messages. */
static char *
sentence(const struct word *w, size_t i, size_t n)
{
	size_t a = i, z = i;

	while (a > 0 && !w[a - 1].stop)
		a--;
	while (z + 1 < n && !w[z].stop)
		z++;
	return xstrndup(w[a].s, (size_t)(w[z].s + w[z].n - w[a].s));
}

/*
 * Whether a folded line may hold anything scan_line() looks for: a date,
 * an adoption or revision word.  Most of a plan's running text holds
 * none, and splitting it into words is most of the importer's time.
 */
static int
worth_scanning(const char *f)
{
	static const char *const stems[] = {
		"antag", "antog", "beslut", "faststall", "godkan", "revider",
		"revision", "uppdater", "datum"
	};
	size_t i;

	if (strpbrk(f, "0123456789") != NULL)
		return 1;
	for (i = 0; i < nitems(stems); i++)
		if (strstr(f, stems[i]) != NULL)
			return 1;
	return 0;
}

static void
scan_line(struct imp *im, struct found *fd, const char *t, int lineno,
    int before_table)
{
	struct word *w;
	size_t n, i, k, used;
	char y4[5];
	int days, partial, rank, y, how;
	int is_short = strlen(t) <= SHORT_LINE, plan_word = 0;
	enum checkpoint_kind kind;

	n = split_words(t, &w);
	for (i = 0; i < n; i++)
		if (strstr(w[i].f, "plan") != NULL)
			plan_word = 1;
	for (i = 0; i < n; i++) {
		const char *f = w[i].f;

		if (in_list(f, adopt_words)) {
			if (fd->committee_av == NULL && before_table &&
			    (fd->committee_av = committee_after(w, i, n)) !=
			    NULL)
				fd->committee_av_line = lineno;
			/*
			 * A cover page's line outranks a bare date; an
			 * adoption in a long paragraph counts only when
			 * it speaks of the plan ("Handlingsplanen antogs
			 * ..."), not of guidelines the council adopted.
			 */
			rank = before_table ? (is_short ? 1 : plan_word ? 3 :
			    0) : (is_short || plan_word ? 4 : 0);
			if (rank == 0)
				continue;
			if (date_after(im, lineno, w, i, n, &days, &partial) &&
			    !partial) {
				if (fd->adopted_rank == 0 ||
				    rank < fd->adopted_rank) {
					fd->adopted = days;
					fd->adopted_line = lineno;
					fd->adopted_rank = rank;
					free(fd->adopted_text);
					fd->adopted_text = sentence(w, i, n);
				}
			} else if (fd->expected_line == 0 && rank <= 3) {
				fd->expected_line = lineno;
				fd->expected_text = sentence(w, i, n);
			}
		} else if (in_list(f, revised_words)) {
			if (before_table && is_short &&
			    date_after(im, lineno, w, i, n, &days, &partial) &&
			    !partial && (fd->revised_line == 0 ||
			    days > fd->revised)) {
				fd->revised = days;
				fd->revised_line = lineno;
			}
		} else if (strncmp(f, "revider", 7) == 0 ||
		    strncmp(f, "revision", 8) == 0) {
			fd->rev_mentioned = fd->rev_mentioned ? fd->rev_mentioned
			    : lineno;
			/* The first checkpoint named after it. */
			for (k = i + 1; k < n && k <= i + 3 * WORDS_AFTER;
			    k++) {
				if (checkpoint_at(w, k, n, &kind, &y, &how) >
				    0) {
					if (y != 0 && fd->rev_line == 0) {
						fd->rev.kind = kind;
						fd->rev.year = y;
						fd->rev_how = how;
						fd->rev_line = lineno;
					} else if (y == 0 &&
					    fd->rev_year_line == 0) {
						fd->rev_kind = kind;
						fd->rev_how = how;
						fd->rev_year_line = lineno;
					}
					break;
				}
				if (date_at(w, k, n, &days, &used, NULL) !=
				    DATE_NONE) {
					if (fd->rev_date_line == 0) {
						fd->rev_date = days;
						fd->rev_date_line = lineno;
					}
					break;
				}
				if (w[k].stop)
					break;
			}
		}
	}
	/* A line that is only a date, or "Datum: 2021-03-18". */
	if (before_table && fd->adopted_rank != 1 && (fd->adopted_rank == 0 ||
	    fd->adopted_rank > 2) && n > 0) {
		k = strcmp(w[0].f, "datum") == 0 ? 1 : 0;
		if (k < n && date_at(w, k, n, &days, &used, NULL) ==
		    DATE_DAY && k + used == n) {
			fd->adopted = days;
			fd->adopted_line = lineno;
			fd->adopted_rank = 2;
			free(fd->adopted_text);
			fd->adopted_text = xstrdup(t);
		}
	}
	/* The title's year: "Handlingsplan mot våldsbejakande extremism
	 * 2021" (or "2021-2022": the first). */
	if (fd->title_line == lineno)
		for (i = 0; i < n && fd->title_year == 0; i++) {
			if (strspn(w[i].f, "0123456789") != 4)
				continue;
			memcpy(y4, w[i].f, 4);
			y4[4] = '\0';
			if (!is_year(y4, &fd->title_year))
				fd->title_year = 0;
		}
	words_free(w, n);
}

/* A title: "Handlingsplan mot våldsbejakande extremism 2021", "Lokal
 * handlingsplan ...", "Åtgärdsplan mot våldsbejakande extremism". */
static int
title_like(const char *f, const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 120 || t[n - 1] == '.')
		return 0;
	if (strncmp(f, "handlingsplan", 13) == 0)
		return 1;
	return strstr(f, "extremism") != NULL && (strstr(f, "plan ") != NULL ||
	    strstr(f, "handlingsplan") != NULL);
}

/* A line that is a committee's name alone: "Skarpnäcks stadsdelsnämnd". */
static int
committee_line(const char *t)
{
	struct word *w;
	size_t n, i;
	int ok;

	if (strlen(t) > 80 || t[strlen(t) - 1] == '.')
		return 0;
	n = split_words(t, &w);
	ok = n > 0 && n <= 7 && committee_word(w[n - 1].f);
	for (i = 0; i < n && ok; i++)
		if (in_list(w[i].f, adopt_words) ||
		    in_list(w[i].f, revised_words) ||
		    strcmp(w[i].f, "av") == 0 ||
		    strpbrk(w[i].f, "0123456789") != NULL)
			ok = 0;
	words_free(w, n);
	return ok;
}

/* "Dnr: 1.2.1.-147/19", "Kulturnämnden, diarienummer KUF 2021/88". */
static char *
diary_in(const char *t)
{
	static const char *const labels[] = {
		"dnr", "diarienummer", "diarienr", "diarie-nr", NULL
	};
	struct word *w;
	const char *v;
	size_t n, i, k;
	char *r = NULL;

	n = split_words(t, &w);
	for (i = 0; i < n && r == NULL; i++) {
		if (!in_list(w[i].f, labels))
			continue;
		v = w[i].s + w[i].n;
		while (*v == ':' || *v == '.' || *v == ' ')
			v++;
		k = strcspn(v, ",;");
		while (k > 0 && strchr(" .", v[k - 1]) != NULL)
			k--;
		if (k > 0)
			r = xstrndup(v, k);
	}
	words_free(w, n);
	return r;
}

static void
set_remark(struct plan *p, enum plan_field f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_remark(struct plan *p, enum plan_field f, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(p->remark[f]);
	p->remark[f] = buf_take(&b);
}

/*
 * The next revision when the text names a checkpoint without a year (the
 * first of its kind due after the adoption) or a date (the last
 * checkpoint due by then, after the adoption; else the first after it).
 */
static struct checkpoint
revision_for(struct imp *im, int kind, int by)
{
	struct checkpoint cp, best;
	int y, k, due, y0, m, d, found = 0;

	calendar_civil(im->p->adopted, &y0, &m, &d);
	best.kind = CHECKPOINT_VB;
	best.year = im->p->year;
	for (y = y0 - 1; y <= y0 + 3; y++)
		for (k = 0; k < CHECKPOINT_NKINDS; k++) {
			if (kind != -1 && k != kind)
				continue;
			cp.kind = (enum checkpoint_kind)k;
			cp.year = y;
			due = calendar_checkpoint_due(im->cal, cp);
			if (due <= im->p->adopted)
				continue;
			if (kind != -1) {
				if (!found || due < calendar_checkpoint_due(
				    im->cal, best))
					best = cp;
				found = 1;
			} else if (due <= by && (!found || due >
			    calendar_checkpoint_due(im->cal, best))) {
				best = cp;
				found = 1;
			}
		}
	if (!found && kind == -1)
		return revision_for(im, CHECKPOINT_T1, 0);
	return best;
}

int
imp_metadata(struct imp *im, struct line *lines, size_t n, int csv)
{
	struct plan *p = im->p;
	struct found fd;
	char *t, *f, ds[11], ds2[11], cps[16];
	size_t i;
	int before_table = 1, y, m, d, line;
	const char *src = csv ? "CSV export" : "document";

	memset(&fd, 0, sizeof(fd));
	for (i = 0; i < n; i++) {
		if (lines[i].merged)
			continue;
		if (strchr(lines[i].s, '\t') != NULL) {
			/* A table's header row ends the cover page. */
			if (before_table && imp_is_header(im, lines[i].s))
				before_table = 0;
			continue;
		}
		t = imp_plain(lines[i].s);
		if (*t == '\0') {
			free(t);
			continue;
		}
		f = xfold(t);
		if (before_table && p->title == NULL && title_like(f, t)) {
			p->title = xstrdup(t);
			fd.title_line = lines[i].no;
		}
		if (before_table && p->committee == NULL && committee_line(t))
			p->committee = xstrdup(t);
		if (before_table && p->diary_number == NULL &&
		    (p->diary_number = diary_in(t)) != NULL) {
			fd.diary_line = lines[i].no;
			fd.diary_year = diary_year(p->diary_number);
		}
		if (worth_scanning(f))
			scan_line(im, &fd, t, lines[i].no, before_table);
		free(f);
		free(t);
	}

	/* The adoption date, and a later revision of this version. */
	if (im->o->adopted != NULL) {
		if (calendar_parse_date(im->o->adopted, &p->adopted) == -1) {
			imp_error(im, 0, "--adopted \"%s\" is not a date "
			    "YYYY-MM-DD", im->o->adopted);
			p->adopted = CALENDAR_NODATE;
		}
	} else if (fd.adopted_rank != 0) {
		p->adopted = fd.adopted;
		calendar_format(p->adopted, ds);
		imp_note(im, fd.adopted_line, "adopted %s, from \"%s\"", ds,
		    fd.adopted_text);
	}
	if (im->o->adopted == NULL && fd.revised_line != 0 &&
	    (p->adopted == CALENDAR_NODATE || fd.revised > p->adopted)) {
		calendar_format(fd.revised, ds);
		if (p->adopted != CALENDAR_NODATE) {
			calendar_format(p->adopted, ds2);
			imp_warn(im, fd.revised_line, "adopted %s and revised "
			    "%s: this version is taken as adopted %s", ds2,
			    ds, ds);
		} else
			imp_note(im, fd.revised_line, "revised %s: taken as "
			    "this version's adoption", ds);
		p->adopted = fd.revised;
		fd.adopted_line = fd.revised_line;
	}

	/* The year: given, else the adoption's, the title's, the Dnr's. */
	line = 0;
	if (im->o->year != 0)
		p->year = im->o->year;
	else if (p->adopted != CALENDAR_NODATE) {
		calendar_civil(p->adopted, &y, &m, &d);
		p->year = y;
		imp_note(im, fd.adopted_line, "plan year %d from the adoption "
		    "date", y);
		if (fd.title_year != 0 && fd.title_year != y)
			imp_warn(im, fd.title_line, "the title names %d but the "
			    "plan was adopted in %d: its year is taken as %d "
			    "(--year %d if the plan is for %d)", fd.title_year,
			    y, y, fd.title_year, fd.title_year);
	} else if (fd.title_year != 0) {
		p->year = fd.title_year;
		imp_note(im, fd.title_line, "plan year %d from the title",
		    p->year);
	} else if (fd.diary_year != 0) {
		p->year = fd.diary_year;
		imp_note(im, fd.diary_line, "plan year %d from the diary "
		    "number \"%s\"", p->year, p->diary_number);
	} else {
		if (csv)
			imp_error(im, 0, "no year: a CSV export carries no "
			    "adoption date; give the plan's year (--year)");
		else
			imp_error(im, fd.expected_line, "no year: the document "
			    "gives no adoption date and no year in its title "
			    "or diary number; give the plan's year (--year)");
	}

	/* What is missing is said, and the plan file says it too. */
	if (p->adopted == CALENDAR_NODATE && p->year != 0 &&
	    im->o->adopted == NULL) {
		p->adopted = calendar_days(p->year, 1, 1);
		calendar_format(p->adopted, ds);
		if (fd.expected_line != 0)
			imp_warn(im, fd.expected_line, "no adoption date in "
			    "\"%s\"; taking %s (give it with --adopted)",
			    fd.expected_text, ds);
		else
			imp_warn(im, 0, "no adoption date in the %s; taking %s "
			    "(give it with --adopted)", src, ds);
		set_remark(p, PLAN_ADOPTED, "assumed: the %s gives no adoption "
		    "date; check it and correct it", src);
	}
	if (p->title == NULL) {
		p->title = xstrdup("Handlingsplan mot v\xc3\xa5ldsbejakande "
		    "extremism");
		imp_note(im, 0, "no title; taking \"%s\"", p->title);
		set_remark(p, PLAN_TITLE, "assumed: the %s names no title",
		    src);
	}
	if (p->committee == NULL && fd.committee_av != NULL) {
		p->committee = fd.committee_av;
		fd.committee_av = NULL;
		imp_note(im, fd.committee_av_line, "committee \"%s\" from the "
		    "adoption sentence", p->committee);
	}
	if (p->committee == NULL) {
		p->committee = xstrdup("");
		imp_note(im, 0, "no committee; left empty");
		set_remark(p, PLAN_COMMITTEE, "missing: the %s names no "
		    "committee; fill it in", src);
	}
	if (p->diary_number == NULL) {
		p->diary_number = xstrdup("");
		set_remark(p, PLAN_DIARY_NUMBER, "missing: no diary number "
		    "(Dnr) in the %s", src);
	}

	/* The next revision. */
	if (fd.rev_line != 0) {
		p->revision = fd.rev;
		p->has_revision = 1;
		calendar_checkpoint_format(p->revision, cps, sizeof(cps));
		if (fd.rev_how == 2) {
			imp_warn(im, fd.rev_line, "the next revision is read as "
			    "%s (a delårsrapport without a number is taken "
			    "as the one on January-August)", cps);
			set_remark(p, PLAN_REVISION, "assumed: %s, from a "
			    "delårsrapport without a number", cps);
		} else
			imp_note(im, fd.rev_line, "next revision %s", cps);
	} else if (p->year != 0 && (fd.rev_year_line != 0 ||
	    fd.rev_date_line != 0)) {
		line = fd.rev_year_line ? fd.rev_year_line : fd.rev_date_line;
		p->revision = revision_for(im, fd.rev_year_line ?
		    (int)fd.rev_kind : -1, fd.rev_date);
		p->has_revision = 1;
		calendar_checkpoint_format(p->revision, cps, sizeof(cps));
		calendar_format(calendar_checkpoint_due(im->cal, p->revision),
		    ds);
		if (fd.rev_year_line) {
			imp_warn(im, line, "the next revision names a "
			    "checkpoint without a year: taken as %s (due %s), "
			    "the first after the adoption", cps, ds);
			set_remark(p, PLAN_REVISION, "assumed: %s, the first "
			    "such checkpoint after the adoption", cps);
		} else {
			calendar_format(fd.rev_date, ds2);
			imp_warn(im, line, "the next revision is dated %s, not a "
			    "checkpoint: taken as %s (due %s)", ds2, cps, ds);
			set_remark(p, PLAN_REVISION, "assumed: %s for a "
			    "revision dated %s", cps, ds2);
		}
	} else if (p->year != 0) {
		if (fd.rev_mentioned)
			imp_note(im, fd.rev_mentioned, "a revision is mentioned "
			    "but no checkpoint (\"tertialrapport 1 %d\") "
			    "follows; ongoing activities run until VB %d",
			    p->year + 1, p->year);
		else
			imp_note(im, 0, "no next revision named; ongoing "
			    "activities run until VB %d", p->year);
		set_remark(p, PLAN_REVISION, "missing: the %s names no next "
		    "revision; ongoing activities run until VB %d", src,
		    p->year);
	}
	free(fd.adopted_text);
	free(fd.expected_text);
	free(fd.committee_av);
	return p->year != 0 && p->adopted != CALENDAR_NODATE ? 0 : -1;
}

/*
 * Schedules and follow-ups as documents write them.
 */

/* Drops one of the prefixes from the start of `f`; 1 if one was there. */
static int
drop_prefix(char **f, const char *const *prefixes)
{
	size_t k;

	for (; *prefixes != NULL; prefixes++) {
		k = strlen(*prefixes);
		if (strncmp(*f, *prefixes, k) == 0 && (*f)[k] == ' ') {
			memmove(*f, *f + k + 1, strlen(*f + k + 1) + 1);
			return 1;
		}
	}
	return 0;
}

enum { WHEN_NONE, WHEN_EXACT, WHEN_ROUGH };

/*
 * A point in time as a schedule's date part: "2022-06-30" (or whatever
 * plan_parse_schedule() reads), "30 juni 2022", "juni 2022" (its last
 * day), "HT 2022" (the term's last day), "Q2 2022", "tertial 2 2022"
 * (the period's last day), "året" (the plan's year).  The canonical text
 * goes to `out`; WHEN_ROUGH when a day was made up from a longer period,
 * with the reason in `why`.
 */
static int
when_form(struct imp *im, const char *f, struct buf *out, const char **why)
{
	static const struct {
		const char	*word;
		int		 month;		/* the period's last month */
		const char	*why;
	} periods[] = {
		{ "vt", 6, "the spring term's last day" },
		{ "varterminen", 6, "the spring term's last day" },
		{ "varen", 6, "the spring term's last day" },
		{ "ht", 12, "the autumn term's last day" },
		{ "hostterminen", 12, "the autumn term's last day" },
		{ "hosten", 12, "the autumn term's last day" },
		{ "q1", 3, "the quarter's last day" },
		{ "q2", 6, "the quarter's last day" },
		{ "q3", 9, "the quarter's last day" },
		{ "q4", 12, "the quarter's last day" },
		{ "t1", 4, "the tertial's last day" },
		{ "t2", 8, "the tertial's last day" },
		{ "t3", 12, "the tertial's last day" },
	};
	struct word *w;
	struct schedule sc;
	char *g = xstrdup(f), *sp;
	size_t n, used, i;
	int r = WHEN_NONE, days, y;

	*why = NULL;
	/* "kvartal 2 2022", "tertial 2 2022": as "q2 2022", "t2 2022". */
	if ((strncmp(g, "kvartal ", 8) == 0 || strncmp(g, "kv ", 3) == 0 ||
	    strncmp(g, "tertial ", 8) == 0) && (sp = strchr(g, ' ')) !=
	    NULL && sp[1] >= '1' && sp[1] <= '4' && (sp[2] == ' ' ||
	    sp[2] == '\0')) {
		sp = xasprintf("%c%c%s", g[0] == 't' ? 't' : 'q', sp[1],
		    sp + 2);
		free(g);
		g = sp;
	}
	if (strcmp(g, "aret") == 0 || strcmp(g, "i ar") == 0) {
		buf_printf(out, "%d", im->p->year);
		free(g);
		return WHEN_EXACT;
	}
	if (isdigit((unsigned char)g[0]) && plan_parse_schedule(g, &sc,
	    NULL) >= 0 && sc.kind == SCHEDULE_DUE) {
		buf_adds(out, g);
		free(g);
		return WHEN_EXACT;
	}
	/* "2022-06": the month's last day. */
	if (strlen(g) == 7 && all_digits((char[]){ g[0], g[1], g[2], g[3],
	    '\0' }, 4, 4) && g[4] == '-' && isdigit((unsigned char)g[5]) &&
	    isdigit((unsigned char)g[6])) {
		y = atoi(g);
		i = (size_t)atoi(g + 5);
		if (i >= 1 && i <= 12 && y >= YEAR_MIN && y <= YEAR_MAX) {
			buf_printf(out, "%s-%02zu", g, (size_t)
			    calendar_days_in_month(y, (int)i));
			*why = "the month's last day";
			free(g);
			return WHEN_ROUGH;
		}
	}
	n = split_words(g, &w);
	if (n > 0 && strcmp(w[0].f, "den") == 0 && n > 1) {
		free(w[0].f);
		memmove(w, w + 1, (n - 1) * sizeof(*w));
		n--;
	}
	if (n == 0)
		;
	else if ((r = date_at(w, 0, n, &days, &used, NULL)) != DATE_NONE &&
	    used == n) {
		char ds[11];

		calendar_format(days, ds);
		buf_adds(out, ds);
		if (r == DATE_MONTH)
			*why = "the month's last day";
		r = r == DATE_MONTH ? WHEN_ROUGH : WHEN_EXACT;
	} else if (n == 2 && is_year(w[1].f, &y)) {
		r = WHEN_NONE;
		for (i = 0; i < nitems(periods); i++)
			if (strcmp(w[0].f, periods[i].word) == 0) {
				buf_printf(out, "%d-%02d-%02d", y,
				    periods[i].month, calendar_days_in_month(y,
				    periods[i].month));
				*why = periods[i].why;
				r = WHEN_ROUGH;
				break;
			}
	} else
		r = WHEN_NONE;
	words_free(w, n);
	free(g);
	return r;
}

char *
imp_schedule_form(struct imp *im, int line, const char *text)
{
	static const char *const ongoing[] = {
		"lopande", "pagaende", "pagar", "kontinuerligt",
		"kontinuerlig", "fortlopande", "standigt", "aterkommande",
		"arligen", "varje ar", "hela aret", "under hela aret",
		"tills vidare", "tillsvidare", "under hela perioden",
		"under planperioden", "hela planperioden", NULL
	};
	static const char *const by[] = {
		"klart senast", "ska vara klart", "ska vara klar", "senast",
		"klart", "klar", "fardigt", "fardig", "fore", "innan",
		"deadline", "slutdatum", "genomfors", "genomfort", "under",
		"i", NULL
	};
	static const char *const from[] = {
		"fr.o.m.", "fr.o.m", "from", "fran och med", "fran", "start",
		"startar", "med start", NULL
	};
	static const char *const dashes[] = {
		" - ", " \xe2\x80\x93 ", "\xe2\x80\x93", " \xe2\x80\x94 ",
		" till ", " t.o.m. ", " tom ", " till och med ", NULL
	};
	struct buf b = { 0 }, canon = { 0 };
	const char *why = NULL, *until = NULL;
	char *f, *at = NULL, *left;
	size_t k, i;
	int r, stripped = 0;

	f = str_squeeze(xfold(text));
	k = strlen(f);
	while (k > 0 && (f[k - 1] == '.' || f[k - 1] == ','))
		f[--k] = '\0';
	/* "Löpande under året", "Pågående": ongoing. */
	for (i = 0; ongoing[i] != NULL; i++)
		if (strcmp(f, ongoing[i]) == 0)
			break;
	if (ongoing[i] != NULL || strncmp(f, "lopande ", 8) == 0 ||
	    strncmp(f, "pagaende ", 9) == 0) {
		imp_note(im, line, "schedule \"%s\" read as L\xc3\xb6pande",
		    text);
		free(f);
		return xstrdup("L\xc3\xb6pande");
	}
	/* "2021-2022", "2021 - 2022", "mars - juni 2022": until the end. */
	if (strlen(f) == 9 && strspn(f, "0123456789") == 4 && f[4] == '-' &&
	    strspn(f + 5, "0123456789") == 4)
		at = f + 5;
	for (i = 0; dashes[i] != NULL && at == NULL; i++)
		if ((left = strstr(f, dashes[i])) != NULL && left > f)
			at = left + strlen(dashes[i]);
	if (at != NULL) {
		while (*at == ' ')
			at++;
		r = when_form(im, at, &canon, &why);
		if (r != WHEN_NONE) {
			buf_printf(&b, "T.o.m. %s", canon.s);
			until = at;
		}
	}
	/* "Från 2022-09-01", "Start HT 2022": a start only. */
	if (b.len == 0 && drop_prefix(&f, from)) {
		if (when_form(im, f, &canon, &why) != WHEN_NONE) {
			imp_warn(im, line, "schedule \"%s\" gives a start only; "
			    "read as L\xc3\xb6pande", text);
			buf_free(&canon);
			free(f);
			return xstrdup("L\xc3\xb6pande");
		}
	}
	if (b.len == 0) {
		while (drop_prefix(&f, by))
			stripped = 1;
		buf_reset(&canon);
		r = when_form(im, f, &canon, &why);
		if (r != WHEN_NONE)
			buf_adds(&b, canon.s);
		else if (stripped && plan_parse_schedule(f, NULL, NULL) >= 0)
			buf_adds(&b, f);
	}
	buf_free(&canon);
	free(f);
	if (b.len == 0)
		return NULL;
	if (why != NULL)
		imp_warn(im, line, "schedule \"%s\" read as \"%s\", %s", text,
		    b.s, why);
	else
		imp_note(im, line, "schedule \"%s\" read as \"%s\"%s", text,
		    b.s, until ? " (until the end of the period)" : "");
	return buf_take(&b);
}

char *
imp_followup_form(struct imp *im, int line, const char *text)
{
	static const char *const lead[] = {
		"i samband med", "som en del av", "i", "vid", "per", "inom",
		"genom", "i den", "i det", NULL
	};
	static const char *const ordinary[] = {
		"uppfoljning", "uppfoljningen", "uppfoljningar",
		"verksamhetsuppfoljning", "verksamhetsuppfoljningen",
		"verksamhetsuppfoljningar", "rapportering", "rapporteringen",
		"verksamhetsrapportering", NULL
	};
	static const char *const every[] = {
		"tertialvis", "varje tertial", "varje tertialrapport",
		"tertialrapporterna", "alla tertialrapporter",
		"samtliga tertialrapporter", NULL
	};
	struct word *w;
	struct buf b = { 0 };
	enum checkpoint_kind kind;
	char *f, *paren, cps[16];
	size_t n, k, used;
	int year, how;

	f = str_squeeze(xfold(text));
	/* "VB 2022 (skriftligt)": the parenthesis is how, not when. */
	if ((paren = strchr(f, '(')) != NULL && paren > f) {
		*paren = '\0';
		str_squeeze(f);
	}
	k = strlen(f);
	while (k > 0 && (f[k - 1] == '.' || f[k - 1] == ','))
		f[--k] = '\0';
	while (drop_prefix(&f, lead))
		;
	if (in_list(f, every) || (strncmp(f, "ordinarie ", 10) == 0 &&
	    in_list(f + 10, ordinary))) {
		imp_note(im, line, "follow-up \"%s\" read as I ordinarie "
		    "verksamhetsuppf\xc3\xb6ljning", text);
		free(f);
		return xstrdup("I ordinarie verksamhetsuppf\xc3\xb6ljning");
	}
	n = split_words(f, &w);
	used = n > 0 ? checkpoint_at(w, 0, n, &kind, &year, &how) : 0;
	words_free(w, n);
	free(f);
	if (used == 0 || used != n)
		return NULL;
	buf_adds(&b, kind == CHECKPOINT_T1 ? "T1" : kind == CHECKPOINT_T2 ?
	    "T2" : "VB");
	if (year != 0)
		buf_printf(&b, " %d", year);
	snprintf(cps, sizeof(cps), "%s", b.s);
	if (how == 2)
		imp_warn(im, line, "follow-up \"%s\" read as %s: a "
		    "delårsrapport without a number is taken as the one on "
		    "January-August (write T1 for one on January-April)",
		    text, cps);
	else
		imp_note(im, line, "follow-up \"%s\" read as %s", text, cps);
	return buf_take(&b);
}

void
imp_check_dates(struct imp *im, const struct activity *a)
{
	const struct plan *p = im->p;
	struct checkpoint rev = plan_revision(p);
	char ds[11], ads[11], rs[16], cps[16];
	int revdue = calendar_checkpoint_due(im->cal, rev), due;
	size_t i;

	if (p->adopted == CALENDAR_NODATE)
		return;
	calendar_format(p->adopted, ads);
	calendar_checkpoint_format(rev, rs, sizeof(rs));
	if (a->schedule.kind != SCHEDULE_ONGOING) {
		calendar_format(a->schedule.date, ds);
		if (a->schedule.date < p->adopted)
			imp_warn(im, a->line, "%s %s is before the plan's "
			    "adoption (%s)", a->schedule.kind == SCHEDULE_DUE ?
			    "deadline" : "the end date", ds, ads);
		else if (a->schedule.date > revdue) {
			/* A deadline belongs to the plan that follows it
			 * up; a period may run on through revisions. */
			if (a->schedule.kind == SCHEDULE_DUE)
				imp_warn(im, a->line, "deadline %s is after the "
				    "plan's revision (%s); the revised plan "
				    "must carry it", ds, rs);
			else
				imp_note(im, a->line, "runs until %s, past the "
				    "plan's revision (%s)", ds, rs);
		}
	}
	for (i = 0; i < a->nfollowup; i++) {
		if (a->followup[i].kind != FOLLOWUP_CHECKPOINT)
			continue;
		due = calendar_checkpoint_due(im->cal, a->followup[i].cp);
		if (due >= p->adopted)
			continue;
		calendar_checkpoint_format(a->followup[i].cp, cps, sizeof(cps));
		calendar_format(due, ds);
		imp_warn(im, a->line, "follow-up %s is due %s, before the "
		    "plan's adoption (%s)", cps, ds, ads);
	}
}
