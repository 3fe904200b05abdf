/*
 * followup: who may report, recording reports, and the state they give.
 *
 * The state is derived, never stored: the follow-up table is an
 * append-only history (reports, reopenings) and every question -- is
 * this part reported, is this activity cancelled -- is answered from it.
 * So a report can never leave a half-updated state behind, and the
 * listings show exactly what the scheduler acts on.  The history is
 * small (people write it), so it is read whole into memory and kept
 * sorted by activity for each run or listing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "conf.h"
#include "followup.h"
#include "log.h"
#include "plan.h"
#include "sched.h"
#include "store.h"
#include "util.h"

static const char *const statuses[] = {
	"done", "on-track", "delayed", "cancelled"
};
static const char *const status_sv[] = {
	"genomf\xc3\xb6rd", "p\xc3\xa5g\xc3\xa5r enligt plan",
	"f\xc3\xb6rsenad", "avbruten"
};
static const char *const status_en[] = {
	"done", "on track", "delayed", "cancelled"
};

const char *
followup_status_label(const char *status, int en)
{
	size_t i;

	for (i = 0; status != NULL && i < nitems(statuses); i++)
		if (strcmp(status, statuses[i]) == 0)
			return en ? status_en[i] : status_sv[i];
	if (status != NULL && strcmp(status, "reopened") == 0)
		return en ? "reopened" : "\xc3\xa5terupptagen";
	return status != NULL ? status : "";
}

/* ---- the state ------------------------------------------------------ */

struct followups {
	struct followup_row	*v;
	size_t			 n;
};

struct followups *
followups_new(void)
{
	return xcalloc(1, sizeof(struct followups));
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
row_cb(void *arg, int64_t id, const struct store_followup *f)
{
	struct followups *fs = arg;
	struct followup_row *r;

	fs->v = xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
	r = &fs->v[fs->n++];
	r->id = id;
	r->activity = xstrdup(f->activity);
	r->occurrence = xstrdup(f->occurrence);
	r->part = dup_or_null(f->part);
	r->status = xstrdup(f->status);
	r->comment = dup_or_null(f->comment);
	r->reported_by = xstrdup(f->reported_by);
	r->on_behalf_of = dup_or_null(f->on_behalf_of);
	r->channel = xstrdup(f->channel ? f->channel : FOLLOWUP_CHANNEL_CTL);
	r->plan_adopted = dup_or_null(f->plan_adopted);
	r->at = f->at;
}

struct followups *
followups_load(struct store *st)
{
	struct followups *fs = followups_new();

	if (store_followups(st, row_cb, fs) != 0) {
		followups_free(fs);
		return NULL;
	}
	return fs;
}

void
followups_free(struct followups *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].activity);
		free(fs->v[i].occurrence);
		free(fs->v[i].part);
		free(fs->v[i].status);
		free(fs->v[i].comment);
		free(fs->v[i].reported_by);
		free(fs->v[i].on_behalf_of);
		free(fs->v[i].channel);
		free(fs->v[i].plan_adopted);
	}
	free(fs->v);
	free(fs);
}

/* The rows of one activity: [*first, *end), in the order recorded. */
static void
activity_rows(const struct followups *fs, const char *activity,
    size_t *first, size_t *end)
{
	size_t lo = 0, hi = fs->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(fs->v[mid].activity, activity) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo < fs->n && strcmp(fs->v[lo].activity, activity) == 0)
		lo++;
	*end = lo;
}

/* Whether a row speaks for `part` (NULL: the whole occurrence). */
static int
covers(const struct followup_row *r, const char *part)
{
	return r->part == NULL || (part != NULL && strcmp(r->part, part) == 0);
}

const struct followup_row *
followups_find(const struct followups *fs, const char *activity,
    const char *occurrence, const char *part)
{
	const struct followup_row *hit = NULL;
	size_t i, end;

	activity_rows(fs, activity, &i, &end);
	for (; i < end; i++)
		if (strcmp(fs->v[i].occurrence, occurrence) == 0 &&
		    strcmp(fs->v[i].status, "reopened") != 0 &&
		    covers(&fs->v[i], part))
			hit = &fs->v[i];
	return hit;
}

int
followups_count(const struct followups *fs, const char *activity,
    const char *occurrence)
{
	size_t i, end;
	int n = 0;

	activity_rows(fs, activity, &i, &end);
	for (; i < end; i++)
		n += strcmp(fs->v[i].occurrence, occurrence) == 0;
	return n;
}

static int
is_final_occurrence(const char *occ)
{
	return strncmp(occ, "deadline ", 9) == 0 || strncmp(occ, "end ", 4) == 0;
}

enum followup_closed
followups_closed(const struct followups *fs, const struct plan *pl,
    const struct activity *a, const char *part,
    const struct followup_row **why)
{
	enum followup_closed state = FOLLOWUP_OPEN;
	char adopted[11];
	size_t i, end;

	if (why != NULL)
		*why = NULL;
	calendar_format(pl->adopted, adopted);
	activity_rows(fs, a->id, &i, &end);
	for (; i < end; i++) {
		const struct followup_row *r = &fs->v[i];
		enum followup_closed s;

		if (!covers(r, part))
			continue;
		/* A new adoption of the plan starts it afresh. */
		if (r->plan_adopted != NULL && strcmp(r->plan_adopted,
		    adopted) != 0)
			continue;
		if (strcmp(r->status, "cancelled") == 0)
			s = FOLLOWUP_CANCELLED;
		else if (strcmp(r->status, "done") == 0 &&
		    is_final_occurrence(r->occurrence))
			s = FOLLOWUP_COMPLETED;
		else if (strcmp(r->status, "reopened") == 0)
			s = FOLLOWUP_OPEN;
		else
			continue;
		state = s;
		if (why != NULL)
			*why = s == FOLLOWUP_OPEN ? NULL : r;
	}
	return state;
}

int
followups_settled(void *arg, const struct sched_item *it,
    const struct role *part)
{
	const struct followups *fs = arg;
	const char *id = part != NULL ? part->id : NULL;

	if (it->activity == NULL)
		return 0;
	return followups_find(fs, it->target, it->occurrence, id) != NULL ||
	    followups_closed(fs, it->plan, it->activity, id, NULL) !=
	    FOLLOWUP_OPEN;
}

/* ---- occurrences ------------------------------------------------------ */

size_t
followup_occurrences(const struct config *c, const struct plan *pl,
    const struct activity *a, char (*out)[32], int *due, size_t max)
{
	struct checkpoint *cps;
	size_t n = 0, ncp, i;
	char date[11];

	if (a->schedule.kind != SCHEDULE_ONGOING && n < max) {
		calendar_format(a->schedule.date, date);
		snprintf(out[n], sizeof(out[n]), "%s %s",
		    a->schedule.kind == SCHEDULE_DUE ? "deadline" : "end", date);
		due[n++] = a->schedule.date;
	}
	cps = plan_checkpoints(pl, a, &c->cal, &ncp);
	for (i = 0; i < ncp && n < max; i++) {
		calendar_checkpoint_format(cps[i], out[n], sizeof(out[n]));
		due[n++] = calendar_checkpoint_due(&c->cal, cps[i]);
	}
	free(cps);
	return n;
}

/*
 * The occurrence `want` names among `occ`: a checkpoint however written
 * (the plan's year when none is given), or the deadline or end by one of
 * its words, with or without its date.  -1 when none.
 */
static int
match_occurrence(const char *want, int year, char (*occ)[32], size_t n)
{
	static const char *const final_words[] = {
		"deadline", "end", "slutdatum", "t.o.m.", "tom"
	};
	struct checkpoint cp;
	char name[32];
	const char *date;
	size_t i, k, len;

	if (calendar_parse_checkpoint(want, year, &cp) == 0) {
		calendar_checkpoint_format(cp, name, sizeof(name));
		for (i = 0; i < n; i++)
			if (strcmp(occ[i], name) == 0)
				return (int)i;
		return -1;
	}
	for (k = 0; k < nitems(final_words); k++) {
		len = strlen(final_words[k]);
		if (strncasecmp(want, final_words[k], len) != 0 ||
		    (want[len] != '\0' && want[len] != ' '))
			continue;
		date = want[len] == ' ' ? want + len + 1 : NULL;
		for (i = 0; i < n; i++)
			if (is_final_occurrence(occ[i]) && (date == NULL ||
			    strcmp(strchr(occ[i], ' ') + 1, date) == 0))
				return (int)i;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (strcmp(occ[i], want) == 0)
			return (int)i;
	return -1;
}

/* ---- who may ------------------------------------------------------ */

static int
same_person(const struct person *a, const struct person *b)
{
	return a != NULL && b != NULL && a->email != NULL && b->email != NULL &&
	    strcasecmp(a->email, b->email) == 0;
}

int
followup_holds(const struct role *r, const struct person *p)
{
	size_t i;

	for (i = 0; i < r->npeople; i++)
		if (same_person(&r->people[i], p))
			return 1;
	return same_person(r->deputy, p);
}

static int
is_coordinator(const struct config *c, const struct person *p)
{
	return same_person(p, &c->org.coordinator) ||
	    same_person(p, &c->org.deputy);
}

/* The part of `ar` that `who` names: a role id, a login or an address. */
static int
find_part(const struct activity_roles *ar, const char *who)
{
	size_t k, i;

	for (k = 0; k < ar->nroles; k++) {
		const struct role *r = ar->roles[k];

		if (strcmp(r->id, who) == 0)
			return (int)k;
		for (i = 0; i < r->npeople; i++)
			if ((r->people[i].user != NULL &&
			    strcmp(r->people[i].user, who) == 0) ||
			    strcasecmp(r->people[i].email, who) == 0)
				return (int)k;
		if (r->deputy != NULL && ((r->deputy->user != NULL &&
		    strcmp(r->deputy->user, who) == 0) ||
		    strcasecmp(r->deputy->email, who) == 0))
			return (int)k;
	}
	return -1;
}

/* The people of a role as "A, B", into `b`. */
static void
role_people(const struct role *r, struct buf *b)
{
	size_t i;

	for (i = 0; i < r->npeople; i++)
		buf_printf(b, "%s%s", i ? " and " : "", r->people[i].name);
	if (r->npeople == 0)
		buf_adds(b, "nobody");
}

/* "it is reported by ... ; the coordinator ... on their behalf". */
static void
who_may(const struct config *c, const struct activity_roles *ar,
    struct buf *b)
{
	size_t k;

	if (ar->nroles == 0) {
		buf_printf(b, "its responsible role is not in the organisation, "
		    "so only the coordinator %s and the deputy %s may report "
		    "it", c->org.coordinator.name, c->org.deputy.name);
		return;
	}
	buf_adds(b, "it is reported by ");
	for (k = 0; k < ar->nroles; k++) {
		if (k > 0)
			buf_adds(b, k + 1 == ar->nroles ? " and " : ", ");
		role_people(ar->roles[k], b);
		buf_printf(b, " (%s", ar->roles[k]->name);
		if (ar->roles[k]->deputy != NULL)
			buf_printf(b, ", deputy %s", ar->roles[k]->deputy->name);
		buf_adds(b, ")");
	}
	buf_printf(b, " for their own part; the coordinator %s and the deputy "
	    "%s may report on anyone's behalf", c->org.coordinator.name,
	    c->org.deputy.name);
}

static int
refuse(struct followup_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
refuse(struct followup_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	return FOLLOWUP_REFUSED;
}

static const struct activity *
find_activity(const struct config *c, const char *id, size_t *pp, size_t *pa)
{
	size_t p, a;

	for (p = 0; p < c->nplans; p++)
		for (a = 0; a < c->plans[p].nactivities; a++)
			if (strcmp(c->plans[p].activities[a].id, id) == 0) {
				*pp = p;
				*pa = a;
				return &c->plans[p].activities[a];
			}
	return NULL;
}

/*
 * Which parts `caller` reports for: `want` set from an explicit part or
 * the caller's own, `on_behalf` when not the caller's own.  0, or
 * FOLLOWUP_REFUSED with the message set.
 */
static int
choose_parts(const struct config *c, const struct activity *a,
    const struct activity_roles *ar, const struct followup_caller *caller,
    const char *part, struct followup_result *res)
{
	int coord = is_coordinator(c, caller->person), k;
	struct buf b = { 0 };
	size_t i;
	int rc;

	res->nparts = 0;
	res->on_behalf = 0;
	if (part != NULL) {
		if ((k = find_part(ar, part)) < 0) {
			for (i = 0; i < ar->nroles; i++)
				buf_printf(&b, "%s%s", i ? ", " : "",
				    ar->roles[i]->id);
			rc = refuse(res, "'%s' is not responsible for %s; its "
			    "parts are: %s", part, a->id, b.s ? b.s : "none");
			buf_free(&b);
			return rc;
		}
		res->parts[res->nparts++] = ar->roles[k];
		if (caller->person != NULL && followup_holds(ar->roles[k],
		    caller->person))
			return 0;
		res->on_behalf = 1;
		if (coord)
			return 0;
	} else {
		for (i = 0; caller->person != NULL && i < ar->nroles &&
		    res->nparts < SCHED_MAX_PARTS; i++)
			if (followup_holds(ar->roles[i], caller->person))
				res->parts[res->nparts++] = ar->roles[i];
		if (res->nparts > 0)
			return 0;
		if (coord) {
			res->on_behalf = 1;
			for (i = 0; i < ar->nroles && i < SCHED_MAX_PARTS; i++)
				res->parts[res->nparts++] = ar->roles[i];
			return 0;
		}
	}
	who_may(c, ar, &b);
	if (caller->person == NULL)
		rc = refuse(res, "%s is not a person of the organisation (no "
		    "'user' in organization.conf) and may not report on %s: %s",
		    caller->actor, a->id, b.s);
	else
		rc = refuse(res, "%s may not report on %s%s%s: %s",
		    caller->person->name, a->id, part ? " for " : "",
		    part ? part : "", b.s);
	buf_free(&b);
	return rc;
}

/* Writes one row per chosen part and the audit line; in a transaction. */
static int
write_rows(struct store *st, const struct plan *pl, const struct activity *a,
    const struct followup_caller *caller, const char *occurrence,
    const char *status, const char *comment, time_t now,
    struct followup_result *res, const char *action)
{
	struct store_followup f;
	struct buf obj = { 0 }, names = { 0 };
	char adopted[11], by[256];
	size_t i;
	int rc = FOLLOWUP_FAILED;

	calendar_format(pl->adopted, adopted);
	if (caller->person != NULL)
		snprintf(by, sizeof(by), "%s (%s)", caller->actor,
		    caller->person->name);
	else
		snprintf(by, sizeof(by), "%s", caller->actor);
	memset(&f, 0, sizeof(f));
	f.activity = a->id;
	f.occurrence = occurrence;
	f.status = status;
	f.comment = comment;
	f.reported_by = by;
	f.channel = caller->channel;
	f.plan_adopted = adopted;
	f.at = now;
	if (store_begin(st) != 0)
		return FOLLOWUP_FAILED;
	for (i = 0; i < (res->nparts ? res->nparts : 1); i++) {
		buf_reset(&names);
		f.part = res->nparts ? res->parts[i]->id : NULL;
		f.on_behalf_of = NULL;
		if (res->on_behalf && res->nparts) {
			role_people(res->parts[i], &names);
			f.on_behalf_of = names.s;
		}
		if (store_followup_add(st, &f) != 0)
			goto fail;
	}
	buf_printf(&obj, "%s%s%s %s", a->id, *occurrence ? " " : "",
	    occurrence, status);
	for (i = 0; res->on_behalf && i < res->nparts; i++)
		buf_printf(&obj, "%s%s", i ? "," : " for ", res->parts[i]->id);
	/* A report made on a page came through a signed link. */
	if (strcmp(caller->channel, FOLLOWUP_CHANNEL_WEB) == 0)
		buf_adds(&obj, " via link");
	else if (strcmp(caller->channel, FOLLOWUP_CHANNEL_CTL) != 0)
		buf_printf(&obj, " via %s", caller->channel);
	if (store_audit(st, now, caller->actor, action, obj.s) != 0 ||
	    store_commit(st) != 0)
		goto fail;
	log_info("followup: %s by %s", obj.s, caller->actor);
	rc = FOLLOWUP_RECORDED;
	goto out;
fail:
	store_rollback(st);
out:
	buf_free(&obj);
	buf_free(&names);
	return rc;
}

int
followup_record(struct store *st, const struct config *c, time_t now,
    const struct followup_caller *caller, const struct followup_report *r,
    struct followup_result *res)
{
	const struct activity *a;
	const struct plan *pl;
	char occ[64][32];
	int due[64], k, rc;
	size_t p, ai, n, i;

	memset(res, 0, sizeof(*res));
	for (i = 0; r->status != NULL && i < nitems(statuses); i++)
		if (strcmp(r->status, statuses[i]) == 0)
			break;
	if (r->status == NULL || i == nitems(statuses))
		return refuse(res, "status must be done, on-track, delayed or "
		    "cancelled");
	if (r->activity == NULL || (a = find_activity(c, r->activity, &p,
	    &ai)) == NULL)
		return refuse(res, "no activity '%s'", r->activity ?
		    r->activity : "");
	pl = &c->plans[p];
	n = followup_occurrences(c, pl, a, occ, due, nitems(occ));
	if (r->occurrence == NULL || (k = match_occurrence(r->occurrence,
	    pl->year, occ, n)) < 0) {
		struct buf b = { 0 };

		for (i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", occ[i]);
		rc = refuse(res, "activity '%s' is not followed up at '%s'; it "
		    "is at: %s", a->id, r->occurrence ? r->occurrence : "",
		    b.s ? b.s : "nothing");
		buf_free(&b);
		return rc;
	}
	snprintf(res->occurrence, sizeof(res->occurrence), "%s", occ[k]);
	if ((rc = choose_parts(c, a, &c->roles[p][ai], caller, r->part,
	    res)) != 0)
		return rc;
	return write_rows(st, pl, a, caller, res->occurrence, r->status,
	    r->comment, now, res, "followup");
}

int
followup_reopen(struct store *st, const struct config *c, time_t now,
    const struct followup_caller *caller, const char *activity,
    const char *part, struct followup_result *res)
{
	const struct activity *a;
	size_t p, ai;
	int rc;

	memset(res, 0, sizeof(*res));
	if (activity == NULL || (a = find_activity(c, activity, &p,
	    &ai)) == NULL)
		return refuse(res, "no activity '%s'", activity ? activity :
		    "");
	if (!is_coordinator(c, caller->person))
		return refuse(res, "only the coordinator %s and the deputy %s "
		    "reopen an activity", c->org.coordinator.name,
		    c->org.deputy.name);
	if ((rc = choose_parts(c, a, &c->roles[p][ai], caller, part,
	    res)) != 0)
		return rc;
	return write_rows(st, &c->plans[p], a, caller, "", "reopened", NULL,
	    now, res, "followup-reopen");
}
