/*
 * sched: the schedule as one sorted array.  Building it walks every active
 * activity once, applies each rule whose event and filters fit, and
 * appends one 16-byte entry per step occurrence; then a single sort.
 * Everything else about an entry (names, dates, recipients, keys) is
 * recomputed from the configuration when someone looks at it, which keeps
 * 100 000 activities within a few tens of megabytes and lets the daemon
 * find its next wake-up with a binary search instead of a scan.
 *
 * Day arithmetic follows docs/design.md: a calendar-day step that lands on a
 * non-working day moves to the working day before it when the step is on
 * or before the event (a reminder must not come late), to the one after
 * it when the step is after the event (an overdue notice must not come
 * early).  Local times go through calendar_local_to_utc(), which owns the
 * daylight saving rule.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "conf.h"
#include "plan.h"
#include "rules.h"
#include "sched.h"
#include "util.h"

/*
 * The packing of sched_entry.bits, high to low: step (13 bits), event
 * (2), checkpoint year - 1900 (9), checkpoint kind (2), repetition (6).
 * Entries due at the same instant then sort by target, step, occurrence
 * and repetition, which makes every listing deterministic.
 */
#define B_STEP_SHIFT	19
#define B_EVENT_SHIFT	17
#define B_YEAR_SHIFT	8
#define B_KIND_SHIFT	6
#define B_YEAR_BASE	1900
#define B_YEAR_MAX	(B_YEAR_BASE + 511)

#define B_STEP(b)	((b) >> B_STEP_SHIFT)
#define B_EVENT(b)	(((b) >> B_EVENT_SHIFT) & 3u)
#define B_YEAR(b)	((int)(((b) >> B_YEAR_SHIFT) & 511u) + B_YEAR_BASE)
#define B_KIND(b)	(((b) >> B_KIND_SHIFT) & 3u)
#define B_REP(b)	((b) & 63u)

/* A rule recipient resolved against the configuration. */
struct who {
	enum rule_who			 who;
	const struct role		*role;
	const struct role_group		*group;
};

/* One step of the ruleset, numbered over all rules. */
struct gstep {
	const struct rule		*rule;
	const struct rule_step		*step;
	size_t				 index;		/* within the rule */
	struct who			*to;
	size_t				 nto;
	struct who			*cc;
	size_t				 ncc;
};

/* A rule's role filter, resolved. */
struct filter {
	const struct role		**roles;
	size_t				  nroles;
};

/*
 * Step days and due instants depend only on (step, event day, repetition),
 * and thousands of activities share a checkpoint's event day, so a small
 * direct-mapped cache spares most of the holiday and time zone arithmetic.
 */
#define DAY_CACHE_SIZE	16384

struct day_cache {
	uint32_t	step;		/* global step + 1; 0 = empty */
	int		event;
	int		rep;
	int		day;
	time_t		due;
};

struct sched {
	const struct config	*c;
	const struct ruleset	*rs;
	struct gstep		*steps;
	size_t			 nsteps;
	size_t			*rule_first;	/* first gstep of each rule */
	struct filter		*filters;	/* per rule */
	size_t			*plan_base;	/* nplans + 1 */
	struct sched_entry	*v;
	size_t			 n;
	size_t			 cap;
	struct day_cache	*cache;		/* while building */
};

static void
resolve(const struct config *c, const struct rule_recipient *in, size_t n,
    struct who **out, size_t *nout)
{
	size_t i;

	*out = xcalloc(n ? n : 1, sizeof(**out));
	*nout = 0;
	for (i = 0; i < n; i++) {
		struct who *w = &(*out)[*nout];
		size_t k;

		w->who = in[i].who;
		if (in[i].who == RULE_WHO_ROLE) {
			if ((w->role = org_role(&c->org, in[i].id)) == NULL)
				continue;
		} else if (in[i].who == RULE_WHO_GROUP) {
			for (k = 0; k < c->org.ngroups; k++)
				if (strcmp(c->org.groups[k].id,
				    in[i].id) == 0)
					w->group = &c->org.groups[k];
			if (w->group == NULL)
				continue;
		}
		(*nout)++;
	}
}

static const char *const as_names[SCHED_AS_NKINDS] = {
	"responsible", "reports_to", "coordinator", "deputy", "role"
};

const char *
sched_as_name(enum sched_as as)
{
	return (unsigned)as < SCHED_AS_NKINDS ? as_names[as] : "?";
}

int
sched_as_lookup(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < SCHED_AS_NKINDS; i++)
		if (strcmp(as_names[i], s) == 0)
			return i;
	return -1;
}

/* Part k of an activity; the last bit stands for every part after it. */
static uint64_t
part_bit(size_t k)
{
	return (uint64_t)1 << (k < SCHED_MAX_PARTS ? k : SCHED_MAX_PARTS - 1);
}

static uint64_t
all_parts(const struct activity_roles *ar)
{
	if (ar == NULL || ar->nroles == 0)
		return 0;
	return ar->nroles >= SCHED_MAX_PARTS ? ~(uint64_t)0 :
	    ((uint64_t)1 << ar->nroles) - 1;
}

static void
add_person(struct sched_recipients *out, const struct person *p,
    const struct role *role, int cc, enum sched_as as, uint64_t parts)
{
	size_t i;

	if (p == NULL || p->email == NULL)
		return;
	for (i = 0; i < out->n; i++)
		if (strcasecmp(out->v[i].person->email, p->email) == 0) {
			out->v[i].parts |= parts;
			return;
		}
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
	}
	out->v[out->n].person = p;
	out->v[out->n].role = role;
	out->v[out->n].cc = cc;
	out->v[out->n].as = as;
	out->v[out->n].parts = parts;
	out->n++;
}

static void
add_role(struct sched_recipients *out, const struct role *r, int cc,
    enum sched_as as, uint64_t parts)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->npeople; i++)
		add_person(out, &r->people[i], r, cc, as, parts);
}

static void
expand(const struct config *c, const struct who *w, size_t n,
    const struct activity_roles *ar, int cc, struct sched_recipients *out)
{
	uint64_t all = all_parts(ar);
	size_t i, k;

	for (i = 0; i < n; i++) {
		switch (w[i].who) {
		case RULE_WHO_RESPONSIBLE:
			for (k = 0; ar != NULL && k < ar->nroles; k++)
				add_role(out, ar->roles[k], cc,
				    SCHED_AS_RESPONSIBLE, part_bit(k));
			break;
		case RULE_WHO_REPORTS_TO:
			for (k = 0; ar != NULL && k < ar->nroles; k++)
				if (ar->roles[k]->reports_to != NULL)
					add_role(out, org_role(&c->org,
					    ar->roles[k]->reports_to), cc,
					    SCHED_AS_REPORTS_TO, part_bit(k));
			break;
		case RULE_WHO_COORDINATOR:
			add_person(out, &c->org.coordinator, NULL, cc,
			    SCHED_AS_COORDINATOR, all);
			break;
		case RULE_WHO_DEPUTY:
			add_person(out, &c->org.deputy, NULL, cc,
			    SCHED_AS_DEPUTY, all);
			break;
		case RULE_WHO_ROLE:
			add_role(out, w[i].role, cc, SCHED_AS_ROLE, all);
			break;
		case RULE_WHO_GROUP:
			for (k = 0; k < w[i].group->nroles; k++)
				add_role(out, w[i].group->roles[k], cc,
				    SCHED_AS_ROLE, all);
			break;
		}
	}
}

/* Whether a step reaches anyone for an activity (NULL for a plan). */
static int
reaches_anyone(const struct sched *s, const struct gstep *g,
    const struct activity_roles *ar, struct sched_recipients *tmp)
{
	tmp->n = 0;
	expand(s->c, g->to, g->nto, ar, 0, tmp);
	if (tmp->n > 0)
		return 1;
	expand(s->c, g->cc, g->ncc, ar, 1, tmp);
	return tmp->n > 0;
}

/*
 * The day repetition `rep` of a step falls on for an event on `event`:
 * the offset (and rep intervals) counted from the event, then moved off a
 * non-working day when the rule asks for working days.
 */
static int
step_day(const struct calendar *cal, const struct rule *r,
    const struct rule_step *st, int event, int rep)
{
	int d;

	if (st->offset.unit == RULE_UNIT_WORKDAYS)
		d = calendar_add_workdays(cal, event, st->offset.n);
	else
		d = event + st->offset.n;
	if (rep > 0) {
		if (st->every.unit == RULE_UNIT_WORKDAYS)
			d = calendar_add_workdays(cal, d, rep * st->every.n);
		else
			d += rep * st->every.n;
	}
	if (r->workdays_only && !calendar_is_workday(cal, d))
		d = d <= event ? calendar_workday_on_or_before(cal, d) :
		    calendar_workday_on_or_after(cal, d);
	return d;
}

static void
push(struct sched *s, time_t due, uint32_t target, uint32_t bits)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n].due = due;
	s->v[s->n].target = target;
	s->v[s->n].bits = bits;
	s->n++;
}

/*
 * Appends the entries of one rule's ladder for one occurrence.  `occ` is
 * the event and checkpoint part of the bits; steps before `adopted` are
 * left out, and so are repetitions that would reach the next step's day
 * (the ladder then goes on with that step).
 */
/* step_day() and its due instant, through the cache. */
static int
cached_day(struct sched *s, size_t g, const struct rule *r,
    const struct rule_step *st, int event, int rep, time_t *due)
{
	struct day_cache *e;
	uint32_t h;

	h = ((uint32_t)g * 2654435761u) ^ ((uint32_t)event * 40503u) ^
	    ((uint32_t)rep * 97u);
	e = &s->cache[(h ^ (h >> 15)) % DAY_CACHE_SIZE];
	if (e->step != g + 1 || e->event != event || e->rep != rep) {
		e->step = (uint32_t)g + 1;
		e->event = event;
		e->rep = rep;
		e->day = step_day(&s->c->cal, r, st, event, rep);
		e->due = calendar_local_to_utc(e->day, st->minute);
	}
	if (due != NULL)
		*due = e->due;
	return e->day;
}

/*
 * Appends the entries of one rule's ladder for one occurrence.  `occ` is
 * the event and checkpoint part of the bits; steps before `adopted` are
 * left out, and so are repetitions that would reach the next step's day
 * (the ladder then goes on with that step).  `reach` caches, per global
 * step, whether the step reaches anyone for this activity (-1: unknown).
 */
static void
ladder(struct sched *s, size_t ri, int event, int adopted, uint32_t target,
    uint32_t occ, const struct activity_roles *ar, signed char *reach,
    struct sched_recipients *tmp)
{
	const struct rule *r = &s->rs->rules[ri];
	size_t i, g;
	int rep, day, prev, next;
	time_t due;

	for (i = 0; i < r->nsteps; i++) {
		const struct rule_step *st = &r->steps[i];

		g = s->rule_first[ri] + i;
		if (reach[g] < 0)
			reach[g] = (signed char)reaches_anyone(s, &s->steps[g],
			    ar, tmp);
		if (!reach[g])
			continue;
		next = i + 1 < r->nsteps ? cached_day(s, g + 1, r,
		    &r->steps[i + 1], event, 0, NULL) : INT_MAX;
		prev = INT_MIN;
		for (rep = 0; rep <= st->times; rep++) {
			day = cached_day(s, g, r, st, event, rep, &due);
			if (rep > 0 && (day >= next || day <= prev))
				break;
			prev = day;
			if (day < adopted)
				continue;
			push(s, due, target, (uint32_t)g << B_STEP_SHIFT | occ |
			    (uint32_t)rep);
		}
	}
}

static uint32_t
occ_bits(enum rule_event e, struct checkpoint cp)
{
	uint32_t b = (uint32_t)e << B_EVENT_SHIFT;

	if (e == RULE_EVENT_CHECKPOINT || e == RULE_EVENT_REVISION)
		b |= (uint32_t)(cp.year - B_YEAR_BASE) << B_YEAR_SHIFT |
		    (uint32_t)cp.kind << B_KIND_SHIFT;
	return b;
}

static int
cp_storable(struct checkpoint cp)
{
	return cp.year >= B_YEAR_BASE && cp.year <= B_YEAR_MAX &&
	    (unsigned)cp.kind < CHECKPOINT_NKINDS;
}

static int
filter_match(const struct rule *r, const struct filter *f,
    const struct activity *a, const struct activity_roles *ar)
{
	size_t i, k;

	if (r->sections && !(r->sections & (1u << a->section)))
		return 0;
	if (r->nroles == 0)
		return 1;
	for (i = 0; i < ar->nroles; i++)
		for (k = 0; k < f->nroles; k++)
			if (ar->roles[i] == f->roles[k])
				return 1;
	return 0;
}

static int
entry_less(const struct sched_entry *a, const struct sched_entry *b)
{
	if (a->due != b->due)
		return a->due < b->due;
	if (a->target != b->target)
		return a->target < b->target;
	return a->bits < b->bits;
}

static void
entry_swap(struct sched_entry *a, struct sched_entry *b)
{
	struct sched_entry t = *a;

	*a = *b;
	*b = t;
}

/*
 * An in-place quicksort (median of three, insertion sort for short runs,
 * recursion on the smaller side only).  glibc's qsort() is a merge sort
 * that allocates a copy of the array, which for two million entries is
 * the largest allocation of the whole build.
 */
static void
entry_sort(struct sched_entry *v, size_t n)
{
	size_t i, j, mid;
	struct sched_entry pivot, t;

	while (n > 16) {
		mid = n / 2;
		if (entry_less(&v[mid], &v[0]))
			entry_swap(&v[mid], &v[0]);
		if (entry_less(&v[n - 1], &v[0]))
			entry_swap(&v[n - 1], &v[0]);
		if (entry_less(&v[n - 1], &v[mid]))
			entry_swap(&v[n - 1], &v[mid]);
		pivot = v[mid];
		i = 0;
		j = n - 1;
		for (;;) {
			while (entry_less(&v[i], &pivot))
				i++;
			while (entry_less(&pivot, &v[j]))
				j--;
			if (i >= j)
				break;
			entry_swap(&v[i], &v[j]);
			i++;
			j--;
		}
		/* [0, j] <= pivot <= [j + 1, n) */
		if (j + 1 < n - j - 1) {
			entry_sort(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			entry_sort(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && entry_less(&t, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

static void
build_tables(struct sched *s)
{
	const struct ruleset *rs = s->rs;
	size_t i, k, g = 0;

	s->rule_first = xcalloc(rs->nrules + 1, sizeof(*s->rule_first));
	s->filters = xcalloc(rs->nrules + 1, sizeof(*s->filters));
	s->steps = xcalloc(rs->nsteps + 1, sizeof(*s->steps));
	for (i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		struct filter *f = &s->filters[i];

		s->rule_first[i] = g;
		f->roles = xcalloc(r->nroles + 1, sizeof(*f->roles));
		for (k = 0; k < r->nroles; k++)
			if ((f->roles[f->nroles] = org_role(&s->c->org,
			    r->roles[k])) != NULL)
				f->nroles++;
		for (k = 0; k < r->nsteps; k++, g++) {
			struct gstep *gs = &s->steps[g];

			gs->rule = r;
			gs->step = &r->steps[k];
			gs->index = k;
			resolve(s->c, r->steps[k].to, r->steps[k].nto, &gs->to,
			    &gs->nto);
			resolve(s->c, r->steps[k].cc, r->steps[k].ncc, &gs->cc,
			    &gs->ncc);
		}
	}
	s->nsteps = g;
}

struct sched *
sched_build(const struct config *c, const struct ruleset *rs)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	struct sched_recipients tmp = { 0 };
	const struct calendar *cal = &c->cal;
	unsigned want = 0;
	size_t p, a, i, k, ncp;
	signed char *reach;

	s->c = c;
	s->rs = rs;
	s->cache = xcalloc(DAY_CACHE_SIZE, sizeof(*s->cache));
	build_tables(s);
	reach = xcalloc(s->nsteps + 1, sizeof(*reach));
	for (i = 0; i < rs->nrules; i++)
		want |= rs->rules[i].events;
	s->plan_base = xcalloc(c->nplans + 1, sizeof(*s->plan_base));
	for (p = 0; p < c->nplans; p++)
		s->plan_base[p + 1] = s->plan_base[p] +
		    c->plans[p].nactivities;

	for (p = 0; p < c->nplans; p++) {
		const struct plan *pl = &c->plans[p];
		struct checkpoint rev = plan_revision(pl);

		memset(reach, -1, s->nsteps + 1);
		if ((want & (1u << RULE_EVENT_REVISION)) && cp_storable(rev))
			for (i = 0; i < rs->nrules; i++)
				if (rs->rules[i].events &
				    (1u << RULE_EVENT_REVISION))
					ladder(s, i, calendar_checkpoint_due(cal,
					    rev), pl->adopted, (uint32_t)p,
					    occ_bits(RULE_EVENT_REVISION, rev),
					    NULL, reach, &tmp);

		for (a = 0; a < pl->nactivities; a++) {
			const struct activity *act = &pl->activities[a];
			const struct activity_roles *ar = &c->roles[p][a];
			struct checkpoint *cps = NULL, none = { 0, 0 };
			uint32_t target = (uint32_t)(s->plan_base[p] + a);

			if (act->status != ACTIVITY_ACTIVE)
				continue;
			memset(reach, -1, s->nsteps + 1);
			ncp = 0;
			if (want & (1u << RULE_EVENT_CHECKPOINT))
				cps = plan_checkpoints(pl, act, cal, &ncp);
			for (i = 0; i < rs->nrules; i++) {
				const struct rule *r = &rs->rules[i];

				if (!filter_match(r, &s->filters[i], act, ar))
					continue;
				if ((r->events & (1u << RULE_EVENT_DEADLINE)) &&
				    act->schedule.kind == SCHEDULE_DUE)
					ladder(s, i, act->schedule.date,
					    pl->adopted, target,
					    occ_bits(RULE_EVENT_DEADLINE, none),
					    ar, reach, &tmp);
				if ((r->events & (1u << RULE_EVENT_END)) &&
				    act->schedule.kind == SCHEDULE_UNTIL)
					ladder(s, i, act->schedule.date,
					    pl->adopted, target,
					    occ_bits(RULE_EVENT_END, none), ar,
					    reach, &tmp);
				if (!(r->events & (1u << RULE_EVENT_CHECKPOINT)))
					continue;
				for (k = 0; k < ncp; k++) {
					if ((r->kinds &&
					    !(r->kinds & (1u << cps[k].kind))) ||
					    !cp_storable(cps[k]))
						continue;
					ladder(s, i, calendar_checkpoint_due(cal,
					    cps[k]), pl->adopted, target,
					    occ_bits(RULE_EVENT_CHECKPOINT,
					    cps[k]), ar, reach, &tmp);
				}
			}
			free(cps);
		}
	}
	sched_recipients_free(&tmp);
	free(reach);
	free(s->cache);
	s->cache = NULL;
	entry_sort(s->v, s->n);
	/* Give back what the doubling left over. */
	if (s->n > 0 && s->n < s->cap) {
		s->v = xreallocarray(s->v, s->n, sizeof(*s->v));
		s->cap = s->n;
	}
	return s;
}

void
sched_free(struct sched *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nsteps; i++) {
		free(s->steps[i].to);
		free(s->steps[i].cc);
	}
	free(s->steps);
	for (i = 0; i < s->rs->nrules; i++)
		free(s->filters[i].roles);
	free(s->filters);
	free(s->rule_first);
	free(s->plan_base);
	free(s->v);
	free(s);
}

const struct ruleset *
sched_ruleset(const struct sched *s)
{
	return s->rs;
}

size_t
sched_count(const struct sched *s)
{
	return s->n;
}

const struct sched_entry *
sched_entry(const struct sched *s, size_t i)
{
	return i < s->n ? &s->v[i] : NULL;
}

size_t
sched_lower_bound(const struct sched *s, time_t t)
{
	size_t lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].due < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

time_t
sched_next(const struct sched *s, time_t after)
{
	size_t i;

	if (after == SCHED_NEVER)
		return SCHED_NEVER;
	i = sched_lower_bound(s, after + 1);
	return i < s->n ? s->v[i].due : SCHED_NEVER;
}

void
sched_item(const struct sched *s, const struct sched_entry *e,
    struct sched_item *it)
{
	const struct config *c = s->c;
	const struct gstep *g = &s->steps[B_STEP(e->bits)];
	size_t p, lo, hi;
	char date[11];

	memset(it, 0, sizeof(*it));
	it->rule = g->rule;
	it->step = g->step;
	it->rep = (int)B_REP(e->bits);
	it->event = (enum rule_event)B_EVENT(e->bits);
	it->due = e->due;
	calendar_utc_to_local(e->due, &it->day, &it->minute);
	it->cp.kind = (enum checkpoint_kind)B_KIND(e->bits);
	it->cp.year = B_YEAR(e->bits);
	if (it->event == RULE_EVENT_REVISION) {
		it->plan = &c->plans[e->target];
		it->target = it->plan->id;
		it->event_date = calendar_checkpoint_due(&c->cal, it->cp);
		calendar_checkpoint_format(it->cp, date, sizeof(date));
		snprintf(it->occurrence, sizeof(it->occurrence),
		    "revision %s", date);
		return;
	}
	/*
	 * The plan holding a flat activity index: the last plan whose base
	 * is <= it (plans without activities share their successor's base).
	 */
	lo = 0;
	hi = c->nplans;
	while (hi - lo > 1) {
		p = lo + (hi - lo) / 2;
		if (s->plan_base[p] <= e->target)
			lo = p;
		else
			hi = p;
	}
	it->plan = &c->plans[lo];
	it->activity = &it->plan->activities[e->target - s->plan_base[lo]];
	it->roles = &c->roles[lo][e->target - s->plan_base[lo]];
	it->target = it->activity->id;
	if (it->event == RULE_EVENT_CHECKPOINT) {
		it->event_date = calendar_checkpoint_due(&c->cal, it->cp);
		calendar_checkpoint_format(it->cp, it->occurrence,
		    sizeof(it->occurrence));
		return;
	}
	it->event_date = it->activity->schedule.date;
	calendar_format(it->event_date, date);
	snprintf(it->occurrence, sizeof(it->occurrence), "%s %s",
	    rules_event_name(it->event), date);
}

int
sched_each(const struct sched *s, time_t from, time_t to, sched_each_cb cb,
    void *arg)
{
	size_t i;
	int rc;

	for (i = sched_lower_bound(s, from); i < s->n && s->v[i].due < to;
	    i++)
		if ((rc = cb(arg, s, &s->v[i])) != 0)
			return rc;
	return 0;
}

size_t
sched_recipients(const struct sched *s, const struct sched_entry *e,
    sched_settled_cb settled, void *arg, struct sched_recipients *out)
{
	const struct gstep *g = &s->steps[B_STEP(e->bits)];
	const struct activity_roles *ar = NULL;
	struct sched_item it;
	uint64_t open = 0, asked = 0, bit;
	size_t i, k, kept;

	if (B_EVENT(e->bits) != RULE_EVENT_REVISION) {
		sched_item(s, e, &it);
		ar = it.roles;
	}
	out->n = 0;
	expand(s->c, g->to, g->nto, ar, 0, out);
	expand(s->c, g->cc, g->ncc, ar, 1, out);
	if (settled == NULL || ar == NULL || !g->step->while_not_reported)
		return out->n;
	/*
	 * A person's ladder goes on while any part they are told about is
	 * open.  Each part is asked about once per entry.
	 */
	for (i = 0, kept = 0; i < out->n; i++) {
		int live;

		if (ar->nroles == 0)
			live = !settled(arg, &it, NULL);
		else {
			for (k = 0; k < ar->nroles; k++) {
				bit = part_bit(k);
				if (!(out->v[i].parts & bit))
					continue;
				if (!(asked & bit)) {
					asked |= bit;
					if (!settled(arg, &it, ar->roles[k]))
						open |= bit;
				}
			}
			live = (out->v[i].parts & open) != 0;
		}
		if (live)
			out->v[kept++] = out->v[i];
	}
	out->n = kept;
	return kept;
}

void
sched_recipients_free(struct sched_recipients *r)
{
	if (r == NULL)
		return;
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

void
sched_key(const struct sched *s, const struct sched_entry *e,
    const struct person *p, struct buf *b)
{
	struct sched_item it;

	sched_item(s, e, &it);
	buf_printf(b, "%s/%s#%d|%s|%s|%s", it.rule->id, it.step->id, it.rep,
	    it.target, it.occurrence, p->email);
}

void
sched_format(const struct sched *s, const struct sched_entry *e,
    const struct sched_recipient *r, struct buf *b)
{
	struct sched_item it;
	char when[17];

	sched_item(s, e, &it);
	calendar_format_local(e->due, when);
	buf_printf(b, "%s  %s/%s#%d  %s  %s  %s %s", when, it.rule->id,
	    it.step->id, it.rep, it.target, it.occurrence, r->cc ? "cc" : "to",
	    r->person->email);
}

time_t
sched_digest_time(const struct calendar *cal, const struct rule_digest *dg,
    time_t due)
{
	int day, minute, d;
	time_t t;

	if (dg->mode == RULE_DIGEST_NONE)
		return due;
	calendar_utc_to_local(due, &day, &minute);
	if (dg->mode == RULE_DIGEST_DAILY) {
		d = calendar_workday_on_or_after(cal, day);
		if (d == day && calendar_local_to_utc(d, dg->minute) < due)
			d = calendar_workday_on_or_after(cal, d + 1);
		return calendar_local_to_utc(d, dg->minute);
	}
	/* Weekly: the first digest weekday whose sending is not before due. */
	d = day + ((dg->weekday - calendar_weekday(day)) + 7) % 7;
	t = calendar_local_to_utc(d, dg->minute);
	if (t < due) {
		d += 7;
		t = calendar_local_to_utc(d, dg->minute);
	}
	if (!calendar_is_workday(cal, d))
		t = calendar_local_to_utc(calendar_workday_on_or_after(cal, d),
		    dg->minute);
	return t;
}

void
sched_occurrence_label(const char *occ, int en, char *out, size_t len)
{
	static const char *const kind_sv[CHECKPOINT_NKINDS] = {
		"Tertialrapport 1", "Tertialrapport 2",
		"Verksamhetsber\xc3\xa4ttelse"
	};
	static const char *const kind_en[CHECKPOINT_NKINDS] = {
		"Tertial report 1", "Tertial report 2", "Annual report"
	};
	struct checkpoint cp;
	char inner[64];

	if (strncmp(occ, "revision ", 9) == 0) {
		sched_occurrence_label(occ + 9, en, inner, sizeof(inner));
		snprintf(out, len, en ? "revision of the plan (%s)" :
		    "revidering av handlingsplanen (%s)", inner);
	} else if (strncmp(occ, "deadline ", 9) == 0)
		snprintf(out, len, "%s %s", en ? "end date" : "slutdatum",
		    occ + 9);
	else if (strncmp(occ, "end ", 4) == 0)
		snprintf(out, len, "%s %s", en ? "end date" : "slutdatum",
		    occ + 4);
	else if (calendar_parse_checkpoint(occ, CALENDAR_NODATE, &cp) == 0 &&
	    (unsigned)cp.kind < CHECKPOINT_NKINDS)
		snprintf(out, len, "%s %d", (en ? kind_en : kind_sv)[cp.kind],
		    cp.year);
	else
		snprintf(out, len, "%s", occ);
}
