/*
 * plan: the model of an adopted action plan.  This file parses the forms
 * people write schedules and follow-ups in, loads and validates plan files
 * (conf/plans/NAME.conf) with file:line diagnostics, writes them back in the
 * one canonical form that `planwatchctl plan import` produces and
 * `planwatchd -nv` prints, and works out which reporting checkpoints an
 * activity is followed up at.  Pure: the calendar is a parameter, the
 * clock is never read, and the only I/O is reading the plan file.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "calendar.h"
#include "cfg.h"
#include "plan.h"
#include "util.h"

#define YEAR_MIN	1900
#define YEAR_MAX	2200

static const char *const section_names[SECTION_NKINDS] = {
	"forebyggande", "forhindrande", "foreningsbidrag", "kompetens"
};

static const char *const status_names[] = {
	"active", "done", "cancelled"
};

static const char *const field_names[PLAN_NFIELDS] = {
	"committee", "title", "diary_number", "adopted", "year", "revision",
	"supersedes"
};

const char *
plan_field_name(enum plan_field f)
{
	return f < PLAN_NFIELDS ? field_names[f] : "?";
}

const char *
plan_section_name(enum section s)
{
	if ((int)s < 0 || s >= SECTION_NKINDS)
		return "?";
	return section_names[s];
}

int
plan_section_parse(const char *s, enum section *out)
{
	int i;

	for (i = 0; i < SECTION_NKINDS; i++)
		if (strcmp(s, section_names[i]) == 0) {
			*out = (enum section)i;
			return 0;
		}
	return -1;
}

const char *
plan_status_name(enum activity_status st)
{
	if ((int)st < 0 || (size_t)st >= nitems(status_names))
		return "?";
	return status_names[st];
}

int
plan_status_parse(const char *s, enum activity_status *out)
{
	size_t i;

	for (i = 0; i < nitems(status_names); i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum activity_status)i;
			return 0;
		}
	return -1;
}

int
plan_id_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '-'))
			return 0;
	return 1;
}

/* Consumes `word` at *p when it is followed by a space, a digit or the end. */
static int
eat(const char **p, const char *word)
{
	size_t n = strlen(word);
	char c;

	if (strncmp(*p, word, n) != 0)
		return 0;
	c = (*p)[n];
	if (c != '\0' && c != ' ' && !(word[n - 1] == '.' &&
	    isdigit((unsigned char)c)))
		return 0;
	*p += n;
	while (**p == ' ')
		(*p)++;
	return 1;
}

/* Exactly `n` digits (n <= 8) as a number; -1 if one is not a digit. */
static int
ndigits(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Length of the run of digits at s. */
static size_t
digit_run(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

static int
date_ok(int y, int m, int d)
{
	return y >= YEAR_MIN && y <= YEAR_MAX && calendar_valid(y, m, d);
}

static void
say(struct buf *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct buf *msg, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL)
		return;
	va_start(ap, fmt);
	buf_vprintf(msg, fmt, ap);
	va_end(ap);
}

/*
 * Reads the date part of a schedule: a year, YYYYMMDD, YYYY-MM-DD or a
 * day-first DD-MM-YYYY.  A swapped YYYY-DD-MM is read when it is the only
 * reading that is a date, because that is the slip people make in the
 * ISO form (the reference plan has "2019-31-12"); the compact form is
 * what exports write and is taken strictly, so "20191301" stays an error.
 * A day-first date is read when only one of its readings is a date and
 * refused when both are, since 06-05-2019 is the 6th of May to a Swede
 * and the 5th of June to a spreadsheet.  0 clean, 1 read with a remark
 * in `msg`, -1 with the reason in `msg`.
 */
static int
parse_when(const char *s, int *days, int *year_only, struct buf *msg)
{
	size_t n1, n2, n3;
	int a, b, y, r1, r2;
	char sep;
	char d1[11], d2[11];

	*year_only = 0;
	n1 = digit_run(s);
	if (n1 == strlen(s) && (n1 == 4 || n1 == 8)) {
		y = ndigits(s, 4);
		if (n1 == 4) {
			if (y < YEAR_MIN || y > YEAR_MAX) {
				say(msg, "%s is not a year between %d and %d",
				    s, YEAR_MIN, YEAR_MAX);
				return -1;
			}
			*days = calendar_days(y, 12, 31);
			*year_only = 1;
			return 0;
		}
		a = ndigits(s + 4, 2);
		b = ndigits(s + 6, 2);
		if (!date_ok(y, a, b)) {
			say(msg, "%s is not a date", s);
			return -1;
		}
		*days = calendar_days(y, a, b);
		return 0;
	}
	if (n1 == 4 && s[4] == '-') {
		n2 = digit_run(s + 5);
		if (n2 < 1 || n2 > 2 || s[5 + n2] != '-')
			goto bad;
		n3 = digit_run(s + 6 + n2);
		if (n3 < 1 || n3 > 2 || s[6 + n2 + n3] != '\0')
			goto bad;
		y = ndigits(s, 4);
		a = ndigits(s + 5, n2);
		b = ndigits(s + 6 + n2, n3);
		if (date_ok(y, a, b)) {
			*days = calendar_days(y, a, b);
			return 0;
		}
		if (date_ok(y, b, a)) {
			*days = calendar_days(y, b, a);
			calendar_format(*days, d1);
			say(msg, "%s is not a date; read as %s "
			    "(month and day swapped)", s, d1);
			return 1;
		}
		say(msg, "%s is not a date", s);
		return -1;
	}
	if ((n1 == 1 || n1 == 2) && strchr("-./", s[n1]) != NULL &&
	    s[n1] != '\0') {
		sep = s[n1];
		n2 = digit_run(s + n1 + 1);
		if (n2 < 1 || n2 > 2 || s[n1 + 1 + n2] != sep)
			goto bad;
		n3 = digit_run(s + n1 + 2 + n2);
		if (n3 != 4 || s[n1 + 2 + n2 + 4] != '\0')
			goto bad;
		a = ndigits(s, n1);
		b = ndigits(s + n1 + 1, n2);
		y = ndigits(s + n1 + 2 + n2, 4);
		r1 = date_ok(y, b, a);		/* day first */
		r2 = date_ok(y, a, b);		/* month first */
		if (r1 && r2 && a != b) {
			calendar_format(calendar_days(y, b, a), d1);
			calendar_format(calendar_days(y, a, b), d2);
			say(msg, "%s is ambiguous: %s or %s", s, d1, d2);
			return -1;
		}
		if (!r1 && !r2) {
			say(msg, "%s is not a date", s);
			return -1;
		}
		*days = r1 ? calendar_days(y, b, a) : calendar_days(y, a, b);
		calendar_format(*days, d1);
		say(msg, "%s read as %s", s, d1);
		return 1;
	}
bad:
	say(msg, "not L\xc3\xb6pande, T.o.m. YYYY-MM-DD, YYYY-MM-DD, "
	    "YYYYMMDD or YYYY");
	return -1;
}

int
plan_parse_schedule(const char *text, struct schedule *sc,
    struct buf *msg)
{
	struct schedule tmp;
	char *f;
	const char *p;
	int r;

	tmp.kind = SCHEDULE_DUE;
	tmp.date = CALENDAR_NODATE;
	tmp.year_only = 0;
	f = str_squeeze(xfold(text));
	p = f;
	/* A period closing the word, as in "Löpande.", is still the word. */
	if (strcmp(f, "lopande") == 0 || strcmp(f, "lopande.") == 0) {
		tmp.kind = SCHEDULE_ONGOING;
		r = 0;
	} else {
		if (eat(&p, "t.o.m.") || eat(&p, "t.o.m") ||
		    eat(&p, "t o m") || eat(&p, "till och med") ||
		    eat(&p, "tom")) {
			tmp.kind = SCHEDULE_UNTIL;
			if (*p == '\0') {
				say(msg, "T.o.m. without a date");
				free(f);
				return -1;
			}
		}
		r = parse_when(p, &tmp.date, &tmp.year_only, msg);
	}
	free(f);
	if (r >= 0 && sc != NULL)
		*sc = tmp;
	return r;
}

void
plan_format_schedule(const struct schedule *sc, struct buf *b)
{
	char d[11];
	int y, m, dd;

	if (sc->kind == SCHEDULE_ONGOING) {
		buf_adds(b, "L\xc3\xb6pande");
		return;
	}
	if (sc->kind == SCHEDULE_UNTIL)
		buf_adds(b, "T.o.m. ");
	if (sc->year_only) {
		calendar_civil(sc->date, &y, &m, &dd);
		buf_printf(b, "%d", y);
	} else {
		calendar_format(sc->date, d);
		buf_adds(b, d);
	}
}

int
plan_parse_followup(const char *text, int plan_year, struct followup *f,
    struct buf *msg)
{
	struct followup tmp;
	char *s;
	size_t n;

	s = str_squeeze(xfold(text));
	n = strlen(s);
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	memset(&tmp, 0, sizeof(tmp));
	if (strcmp(s, "i ordinarie verksamhetsuppfoljning") == 0 ||
	    strcmp(s, "ordinarie verksamhetsuppfoljning") == 0 ||
	    strcmp(s, "ordinary") == 0) {
		tmp.kind = FOLLOWUP_ORDINARY;
		free(s);
		if (f != NULL)
			*f = tmp;
		return 0;
	}
	free(s);
	/* calendar.c folds case itself; it wants the letters as written. */
	s = str_squeeze(xstrdup(text));
	n = strlen(s);
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	tmp.kind = FOLLOWUP_CHECKPOINT;
	if (calendar_parse_checkpoint(s, plan_year > 0 ? plan_year :
	    CALENDAR_NODATE, &tmp.cp) == -1) {
		say(msg, "not a checkpoint (Tertialrapport 1 2020, T2 2020, "
		    "Verksamhetsber\xc3\xa4ttelsen 2019, VB 2019) or "
		    "I ordinarie verksamhetsuppf\xc3\xb6ljning");
		free(s);
		return -1;
	}
	free(s);
	if (f != NULL)
		*f = tmp;
	return 0;
}

void
plan_format_followup(const struct followup *f, struct buf *b)
{
	char s[16];

	if (f->kind == FOLLOWUP_ORDINARY) {
		buf_adds(b, "I ordinarie verksamhetsuppf\xc3\xb6ljning");
		return;
	}
	calendar_checkpoint_format(f->cp, s, sizeof(s));
	buf_adds(b, s);
}

/* The checkpoint an ongoing activity runs until. */
struct checkpoint
plan_revision(const struct plan *p)
{
	struct checkpoint cp;

	if (p->has_revision)
		return p->revision;
	cp.kind = CHECKPOINT_VB;
	cp.year = p->year;
	return cp;
}

int
plan_activity_end(const struct plan *p, const struct activity *a,
    const struct calendar *cal)
{
	if (a->schedule.kind != SCHEDULE_ONGOING)
		return a->schedule.date;
	return calendar_checkpoint_due(cal, plan_revision(p));
}

struct dated {
	struct checkpoint	cp;
	int			due;
};

static int
dated_cmp(const void *x, const void *y)
{
	const struct dated *a = x, *b = y;

	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if (a->cp.year != b->cp.year)
		return a->cp.year < b->cp.year ? -1 : 1;
	return (int)a->cp.kind - (int)b->cp.kind;
}

struct checkpoint *
plan_checkpoints(const struct plan *p, const struct activity *a,
    const struct calendar *cal, size_t *n)
{
	struct dated *v = NULL;
	struct checkpoint *out, cp;
	size_t i, nv = 0, cap = 0;
	int ordinary = 0, last, limit, due, y, y0, y1, m, d, kind;

	*n = 0;
	/* Named checkpoints as they are; "ordinary" is expanded below. */
	for (i = 0; i < a->nfollowup; i++) {
		if (a->followup[i].kind == FOLLOWUP_ORDINARY) {
			ordinary = 1;
			continue;
		}
		if (nv == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[nv].cp = a->followup[i].cp;
		v[nv].due = calendar_checkpoint_due(cal, v[nv].cp);
		nv++;
	}
	if (ordinary) {
		last = plan_activity_end(p, a, cal);
		limit = calendar_checkpoint_due(cal, plan_revision(p));
		calendar_civil(p->adopted, &y0, &m, &d);
		calendar_civil(limit, &y1, &m, &d);
		/* A VB is due the year after the one it reports on. */
		for (y = y0 - 1; y <= y1; y++) {
			for (kind = 0; kind < CHECKPOINT_NKINDS; kind++) {
				cp.kind = (enum checkpoint_kind)kind;
				cp.year = y;
				due = calendar_checkpoint_due(cal, cp);
				/*
				 * A checkpoint that reports only on time
				 * before the plan was adopted (VB of the
				 * year before, for a plan adopted in
				 * January) is not one of its own.
				 */
				if (due <= p->adopted || due > limit ||
				    calendar_checkpoint_end(cp) < p->adopted ||
				    calendar_checkpoint_start(cp) > last)
					continue;
				if (nv == cap) {
					cap = cap ? cap * 2 : 8;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				v[nv].cp = cp;
				v[nv].due = due;
				nv++;
			}
		}
	}
	if (nv > 0)
		qsort(v, nv, sizeof(*v), dated_cmp);
	out = xcalloc(nv ? nv : 1, sizeof(*out));
	for (i = 0; i < nv; i++) {
		if (*n > 0 && out[*n - 1].kind == v[i].cp.kind &&
		    out[*n - 1].year == v[i].cp.year)
			continue;
		out[(*n)++] = v[i].cp;
	}
	free(v);
	return out;
}

const struct activity *
plan_find_activity(const struct plan *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->nactivities; i++)
		if (strcmp(p->activities[i].id, id) == 0)
			return &p->activities[i];
	return NULL;
}

void
plan_activity_free(struct activity *a)
{
	if (a == NULL)
		return;
	free(a->id);
	free(a->title);
	free(a->description);
	strv_free(a->responsible, a->nresponsible);
	free(a->schedule_text);
	free(a->followup);
	free(a->remark);
}

void
plan_free(struct plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->file);
	free(p->id);
	free(p->committee);
	free(p->title);
	free(p->diary_number);
	free(p->supersedes);
	for (i = 0; i < PLAN_NFIELDS; i++)
		free(p->remark[i]);
	for (i = 0; i < p->nactivities; i++)
		plan_activity_free(&p->activities[i]);
	free(p->activities);
	memset(p, 0, sizeof(*p));
}

/*
 * Loading.  Every problem is reported, not just the first, so that one
 * `planwatchd -n` run lists everything to fix; each names the line of the
 * setting at fault.
 */

static const char *const file_keys[] = { "plan", "activities", NULL };
static const char *const plan_keys[] = {
	"id", "committee", "title", "diary_number", "adopted", "year",
	"revision", "supersedes", NULL
};
static const char *const activity_keys[] = {
	"id", "section", "title", "description", "responsible", "schedule",
	"followup", "status", NULL
};

/* A string member that must not be empty (or only white space). */
static int
get_text(const config_setting_t *g, const char *name, int required,
    const char **out, struct diag *d)
{
	const char *s;
	int r;

	if ((r = cfg_get_string(g, name, required, out, d)) != 1)
		return r;
	for (s = *out; isspace((unsigned char)*s); s++)
		;
	if (*s == '\0') {
		cfg_error(d, config_setting_get_member(g, name),
		    "'%s' is empty", name);
		return -1;
	}
	return 1;
}

static void
load_head(const config_setting_t *g, struct plan *p, struct diag *d)
{
	const config_setting_t *m;
	const char *s;
	long long y;

	cfg_check_keys(g, "plan", plan_keys, d);
	if (get_text(g, "id", 1, &s, d) == 1) {
		if (!plan_id_valid(s))
			cfg_error(d, config_setting_get_member(g, "id"),
			    "plan id '%s' must be a-z, 0-9 and '-'", s);
		p->id = xstrdup(s);
	}
	if (cfg_get_string(g, "committee", 1, &s, d) == 1)
		p->committee = xstrdup(s);
	if (get_text(g, "title", 1, &s, d) == 1)
		p->title = xstrdup(s);
	p->diary_number = xstrdup("");
	if (cfg_get_string(g, "diary_number", 0, &s, d) == 1) {
		free(p->diary_number);
		p->diary_number = xstrdup(s);
	}
	p->adopted = CALENDAR_NODATE;
	if (cfg_get_string(g, "adopted", 1, &s, d) == 1 &&
	    calendar_parse_date(s, &p->adopted) == -1)
		cfg_error(d, config_setting_get_member(g, "adopted"),
		    "adopted \"%s\" is not a date YYYY-MM-DD", s);
	if (cfg_get_int(g, "year", 1, YEAR_MIN, YEAR_MAX, &y, d) == 1)
		p->year = (int)y;
	if (cfg_get_string(g, "revision", 0, &s, d) == 1) {
		m = config_setting_get_member(g, "revision");
		if (calendar_parse_checkpoint(s, CALENDAR_NODATE,
		    &p->revision) == -1)
			cfg_error(d, m, "revision \"%s\" is not a checkpoint "
			    "such as \"T1 2020\"", s);
		else
			p->has_revision = 1;
	}
	if (cfg_get_string(g, "supersedes", 0, &s, d) == 1) {
		m = config_setting_get_member(g, "supersedes");
		if (!plan_id_valid(s))
			cfg_error(d, m, "supersedes '%s' is not a plan id "
			    "(a-z, 0-9 and '-')", s);
		else if (p->id != NULL && strcmp(s, p->id) == 0)
			cfg_error(d, m, "a plan cannot supersede itself");
		else
			p->supersedes = xstrdup(s);
	}
}

static void
load_followups(const config_setting_t *g, const struct plan *p,
    struct activity *a, struct diag *d)
{
	const config_setting_t *m, *e;
	const char **v;
	struct buf msg = { 0 };
	size_t i, n;

	if (cfg_get_strings(g, "followup", 1, &v, &n, d) != 1)
		return;
	m = config_setting_get_member(g, "followup");
	if (n == 0)
		cfg_error(d, m, "'followup' is empty");
	a->followup = xcalloc(n ? n : 1, sizeof(*a->followup));
	for (i = 0; i < n; i++) {
		e = config_setting_is_aggregate(m) ?
		    config_setting_get_elem(m, (unsigned)i) : m;
		buf_reset(&msg);
		if (plan_parse_followup(v[i], p->year,
		    &a->followup[a->nfollowup], &msg) == -1)
			cfg_error(d, e, "follow-up \"%s\": %s", v[i], msg.s);
		else
			a->nfollowup++;
	}
	buf_free(&msg);
	free(v);
}

static void
load_activity(const config_setting_t *g, struct plan *p, struct activity *a,
    struct diag *d)
{
	const config_setting_t *m;
	const char *s, **v;
	struct buf msg = { 0 }, canon = { 0 };
	size_t i, n;
	int r;

	a->line = cfg_line(g);
	a->status = ACTIVITY_ACTIVE;
	cfg_check_keys(g, "activity", activity_keys, d);
	if (get_text(g, "id", 1, &s, d) == 1) {
		if (!plan_id_valid(s))
			cfg_error(d, config_setting_get_member(g, "id"),
			    "activity id '%s' must be a-z, 0-9 and '-'", s);
		a->id = xstrdup(s);
	}
	if (cfg_get_string(g, "section", 1, &s, d) == 1 &&
	    plan_section_parse(s, &a->section) == -1)
		cfg_error(d, config_setting_get_member(g, "section"),
		    "unknown section '%s' (forebyggande, forhindrande, "
		    "foreningsbidrag or kompetens)", s);
	if (get_text(g, "title", 1, &s, d) == 1)
		a->title = xstrdup(s);
	a->description = xstrdup("");
	if (cfg_get_string(g, "description", 0, &s, d) == 1) {
		free(a->description);
		a->description = xstrdup(s);
	}
	if (cfg_get_strings(g, "responsible", 1, &v, &n, d) == 1) {
		m = config_setting_get_member(g, "responsible");
		if (n == 0)
			cfg_error(d, m, "'responsible' is empty");
		a->responsible = xcalloc(n ? n : 1, sizeof(char *));
		for (i = 0; i < n; i++) {
			char *t = str_squeeze(xstrdup(v[i]));

			if (*t == '\0')
				cfg_error(d, config_setting_is_aggregate(m) ?
				    config_setting_get_elem(m, (unsigned)i) : m,
				    "empty role in 'responsible'");
			free(t);
			a->responsible[a->nresponsible++] = xstrdup(v[i]);
		}
		free(v);
	}
	a->schedule.kind = SCHEDULE_ONGOING;
	a->schedule.date = CALENDAR_NODATE;
	if (cfg_get_string(g, "schedule", 1, &s, d) == 1) {
		m = config_setting_get_member(g, "schedule");
		a->schedule_text = xstrdup(s);
		r = plan_parse_schedule(s, &a->schedule, &msg);
		if (r == -1)
			cfg_error(d, m, "schedule \"%s\": %s", s, msg.s);
		else if (r == 1) {
			/* The importer may guess with a warning; a plan
			 * file is checked by hand, so it must be exact. */
			plan_format_schedule(&a->schedule, &canon);
			cfg_error(d, m, "schedule \"%s\" is not exact; "
			    "write \"%s\"", s, canon.s);
		}
	}
	load_followups(g, p, a, d);
	if (cfg_get_string(g, "status", 0, &s, d) == 1 &&
	    plan_status_parse(s, &a->status) == -1)
		cfg_error(d, config_setting_get_member(g, "status"),
		    "unknown status '%s' (active, done or cancelled)", s);
	buf_free(&msg);
	buf_free(&canon);
}

int
plan_load(const struct source *src, const char *path, struct plan *p,
    struct diag *d)
{
	config_t cf;
	const config_setting_t *root, *g, *list, *e;
	size_t nerr = d->nerrors, i, j;
	unsigned n;

	memset(p, 0, sizeof(*p));
	p->file = xstrdup(path);
	config_init(&cf);
	if (cfg_read(&cf, src, path, d) == -1) {
		config_destroy(&cf);
		plan_free(p);
		return -1;
	}
	cfg_sha256(&cf, p->sha256);
	root = config_root_setting(&cf);
	cfg_check_keys(root, "plan file", file_keys, d);
	g = config_setting_get_member(root, "plan");
	if (g == NULL)
		diag_error(d, path, 0, "missing required group 'plan'");
	else if (!config_setting_is_group(g))
		cfg_error(d, g, "'plan' must be a group { ... }");
	else
		load_head(g, p, d);
	list = config_setting_get_member(root, "activities");
	if (list == NULL)
		diag_error(d, path, 0, "missing required list 'activities'");
	else if (!config_setting_is_list(list))
		cfg_error(d, list, "'activities' must be a list ( ... )");
	else {
		n = (unsigned)config_setting_length(list);
		p->activities = xcalloc(n ? n : 1, sizeof(*p->activities));
		for (i = 0; i < n; i++) {
			e = config_setting_get_elem(list, (unsigned)i);
			if (!config_setting_is_group(e)) {
				cfg_error(d, e, "an activity must be a group "
				    "{ ... }");
				continue;
			}
			load_activity(e, p, &p->activities[p->nactivities],
			    d);
			p->nactivities++;
		}
		for (i = 0; i < p->nactivities; i++) {
			if (p->activities[i].id == NULL)
				continue;
			for (j = 0; j < i; j++)
				if (p->activities[j].id != NULL &&
				    strcmp(p->activities[i].id,
				    p->activities[j].id) == 0) {
					diag_error(d, path,
					    p->activities[i].line,
					    "duplicate activity id '%s' "
					    "(first at line %d)",
					    p->activities[i].id,
					    p->activities[j].line);
					break;
				}
		}
	}
	config_destroy(&cf);
	if (d->nerrors > nerr) {
		plan_free(p);
		return -1;
	}
	return 0;
}

static void
write_string(struct buf *b, const char *indent, const char *key,
    const char *v)
{
	buf_printf(b, "%s%s = ", indent, key);
	cfg_quote(b, v ? v : "");
	buf_adds(b, ";\n");
}

/*
 * A remark as a comment: on the line before the value (libconfig reads
 * `#` to the end of the line), one comment line per line of the remark.
 */
static void
write_remark(struct buf *b, const char *indent, const char *remark)
{
	const char *p, *nl;

	if (remark == NULL)
		return;
	for (p = remark; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		buf_printf(b, "%s# %.*s\n", indent, (int)(nl - p), p);
		if (*nl == '\0')
			break;
	}
}

void
plan_write(const struct plan *p, struct buf *b)
{
	const struct activity *a;
	struct buf t = { 0 };
	char d[16];
	size_t i, j;

	buf_adds(b, "# Plan file for planwatch (format: docs/plans.md).\n"
	    "# Produced by `planwatchctl plan import` from the adopted plan, "
	    "then checked\n# by hand against the document.\n\n");
	buf_adds(b, "plan = {\n");
	write_string(b, "  ", "id", p->id);
	write_remark(b, "  ", p->remark[PLAN_COMMITTEE]);
	write_string(b, "  ", "committee", p->committee);
	write_remark(b, "  ", p->remark[PLAN_TITLE]);
	write_string(b, "  ", "title", p->title);
	write_remark(b, "  ", p->remark[PLAN_DIARY_NUMBER]);
	write_string(b, "  ", "diary_number", p->diary_number);
	calendar_format(p->adopted, d);
	write_remark(b, "  ", p->remark[PLAN_ADOPTED]);
	write_string(b, "  ", "adopted", d);
	write_remark(b, "  ", p->remark[PLAN_YEAR]);
	buf_printf(b, "  year = %d;\n", p->year);
	write_remark(b, "  ", p->remark[PLAN_REVISION]);
	if (p->has_revision) {
		calendar_checkpoint_format(p->revision, d, sizeof(d));
		write_string(b, "  ", "revision", d);
	}
	if (p->supersedes != NULL) {
		write_remark(b, "  ", p->remark[PLAN_SUPERSEDES]);
		write_string(b, "  ", "supersedes", p->supersedes);
	}
	buf_adds(b, "};\n\nactivities = (\n");
	for (i = 0; i < p->nactivities; i++) {
		a = &p->activities[i];
		buf_adds(b, "  {\n");
		write_remark(b, "    ", a->remark);
		write_string(b, "    ", "id", a->id);
		write_string(b, "    ", "section",
		    plan_section_name(a->section));
		write_string(b, "    ", "title", a->title);
		write_string(b, "    ", "description", a->description);
		cfg_write_strings(b, "    ", "responsible", a->responsible,
		    a->nresponsible);
		buf_reset(&t);
		plan_format_schedule(&a->schedule, &t);
		write_string(b, "    ", "schedule", t.s);
		buf_adds(b, "    followup = [ ");
		for (j = 0; j < a->nfollowup; j++) {
			if (j > 0)
				buf_adds(b, ", ");
			buf_reset(&t);
			plan_format_followup(&a->followup[j], &t);
			cfg_quote(b, t.s);
		}
		buf_adds(b, " ];\n");
		write_string(b, "    ", "status", plan_status_name(a->status));
		buf_printf(b, "  }%s\n", i + 1 < p->nactivities ? "," : "");
	}
	buf_adds(b, ");\n");
	buf_free(&t);
}
