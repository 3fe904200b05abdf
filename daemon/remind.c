/*
 * remind: due schedule entries -> ledger rows and outbox messages.
 *
 * Exactly once: the ledger key of (rule, step, repetition, activity,
 * occurrence, recipient) is UNIQUE, and a whole window -- its rows, their
 * messages, the summary of missed ones and the scheduler's progress -- is
 * one transaction, so a crash keeps all or nothing of it and a restart,
 * reload or second run simply finds the keys there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "conf.h"
#include "log.h"
#include "mail.h"
#include "plan.h"
#include "remind.h"
#include "rules.h"
#include "sched.h"
#include "store.h"
#include "template.h"
#include "util.h"

static const char *const langs[2] = { "sv", "en" };

int
remind_templates_load(struct remind_templates *rt, const char *rules_dir,
    struct diag *d)
{
	char *dir = xasprintf("%s/templates", rules_dir);
	size_t before = d->nerrors;
	int l, k;

	memset(rt, 0, sizeof(*rt));
	for (l = 0; l < 2; l++)
		for (k = 0; k < TEMPLATE_NKINDS; k++)
			rt->t[l][k] = template_load_kind(dir, langs[l],
			    (enum template_kind)k, d);
	free(dir);
	if (d->nerrors != before) {
		remind_templates_free(rt);
		return -1;
	}
	return 0;
}

void
remind_templates_free(struct remind_templates *rt)
{
	int l, k;

	if (rt == NULL)
		return;
	for (l = 0; l < 2; l++)
		for (k = 0; k < TEMPLATE_NKINDS; k++) {
			template_free(rt->t[l][k]);
			rt->t[l][k] = NULL;
		}
}

struct run {
	struct store			*st;
	const struct config		*c;
	const struct sched		*s;
	const struct remind_templates	*rt;
	time_t				 now;
	struct remind_stats		*stats;
	int				 failed;
	/* the missed-reminder summary */
	struct template_ctx		*summary;
	int64_t				*missed_ids;
	size_t				 nmissed;
};

static int
reported_cb(void *arg, const char *activity, const char *occurrence)
{
	struct run *r = arg;

	return store_followup_get(r->st, activity, occurrence, NULL, 0) == 1;
}

static void
format_date(int day, char out[11])
{
	calendar_format(day, out);
}

/* The values every reminder kind can use. */
static void
fill_ctx(struct template_ctx *t, const struct run *r,
    const struct sched_item *it, const struct person *to, int late)
{
	const struct config *c = r->c;
	char date[11], when[17];
	struct buf b = { 0 };
	size_t i;

	template_ctx_set(t, "recipient.name", to->name);
	template_ctx_set(t, "committee", c->org.committee);
	template_ctx_set(t, "coordinator.name", c->org.coordinator.name);
	template_ctx_set(t, "coordinator.email", c->org.coordinator.email);
	template_ctx_set(t, "late", late ? "1" : "");
	calendar_format_local(it->due, when);
	template_ctx_set(t, "scheduled", when);
	template_ctx_set(t, "plan.id", it->plan->id);
	template_ctx_set(t, "plan.title", it->plan->title);
	format_date(it->plan->adopted, date);
	template_ctx_set(t, "plan.adopted", date);
	if (it->activity != NULL) {
		template_ctx_set(t, "activity.id", it->activity->id);
		template_ctx_set(t, "activity.title", it->activity->title);
		template_ctx_set(t, "activity.section",
		    plan_section_name(it->activity->section));
		for (i = 0; i < it->activity->nresponsible; i++) {
			if (i > 0)
				buf_adds(&b, ", ");
			buf_adds(&b, it->activity->responsible[i]);
		}
		template_ctx_set(t, "activity.responsible", b.s);
		buf_free(&b);
		if (it->roles != NULL && it->roles->nroles > 0 &&
		    it->roles->roles[0]->npeople > 0) {
			template_ctx_set(t, "responsible.name",
			    it->roles->roles[0]->people[0].name);
			template_ctx_set(t, "responsible.email",
			    it->roles->roles[0]->people[0].email);
		}
	}
	template_ctx_setf(t, "checkpoint.id", "\"%s\"", it->occurrence);
	template_ctx_set(t, "checkpoint.name", it->occurrence);
	format_date(it->event_date, date);
	template_ctx_set(t, "checkpoint.due", date);
	template_ctx_set(t, "revision.due", date);
	template_ctx_setf(t, "followup.link",
	    "planwatchctl followup %s \"%s\" --status done",
	    it->target, it->occurrence);
	template_ctx_set_int(t, "days_left", it->event_date - it->day);
	template_ctx_set_int(t, "days_overdue", it->day - it->event_date);
}

static int
lang_of(const struct person *p)
{
	return p->lang != NULL && strcmp(p->lang, "en") == 0 ? 1 : 0;
}

int64_t
remind_queue(struct store *st, const struct config *c, time_t now,
    const char *key, const char *kind, const struct template *tpl,
    const struct template_ctx *t, const char *to_name, const char *to_addr,
    int late)
{
	const struct mail_conf *m = &c->mail;
	struct mail_msg msg;
	char id[256], list_id[300], *subject = NULL, *body, *data;
	const char *reason = NULL;
	const char *rcpt[1];
	size_t len;
	int64_t mid;

	body = template_render(tpl, t, &subject);
	if ((mid = store_message_next(st)) < 0 ||
	    mail_message_id(key, mid, m->domain, id, sizeof(id)) != 0) {
		free(body);
		free(subject);
		return -1;
	}
	snprintf(list_id, sizeof(list_id), "%s.%s",
	    strncmp(kind, "concern", 7) == 0 ? "concerns" : "reminders",
	    m->domain);
	memset(&msg, 0, sizeof(msg));
	msg.from_name = m->from_name;
	msg.from_addr = m->from;
	msg.reply_to_name = c->org.coordinator.name;
	msg.reply_to = c->org.coordinator.email;
	msg.to_name = to_name;
	msg.to_addr = to_addr;
	msg.subject = subject;
	msg.body = body;
	msg.message_id = id;
	msg.list_name = "planwatch";
	msg.list_id = list_id;
	msg.kind = kind;
	msg.date = now;
	msg.late = late;
	data = mail_compose(&msg, &len, &reason);
	free(body);
	free(subject);
	if (data == NULL) {
		log_warnx("remind: %s: cannot compose: %s", kind, reason);
		return -1;
	}
	rcpt[0] = to_addr;
	mid = store_message_add(st, mid, id, kind, data, len, rcpt, 1, now);
	free(data);
	return mid;
}

static int64_t
queue_message(struct run *r, const char *key, const char *kind,
    const struct template *tpl, const struct template_ctx *t,
    const struct person *to, int late)
{
	return remind_queue(r->st, r->c, r->now, key, kind, tpl, t, to->name,
	    to->email, late);
}

static int
entry_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct run *r = arg;
	struct sched_item it;
	struct sched_recipients rs = { 0 };
	struct buf key = { 0 }, rule = { 0 };
	size_t i;
	int late, missed, kind;
	time_t digest_at;

	sched_item(s, e, &it);
	if (it.activity != NULL && it.activity->status != ACTIVITY_ACTIVE)
		return 0;
	/* A digest rule's notifications wait for their digest. */
	digest_at = it.rule->digest.mode == RULE_DIGEST_NONE ? 0 :
	    sched_digest_time(&r->c->cal, &it.rule->digest, it.due);
	missed = it.due <= r->now - r->c->lateness;
	late = !missed && it.due < r->now - 60;
	kind = template_kind_lookup(it.step->template);
	buf_printf(&rule, "%s/%s#%d", it.rule->id, it.step->id, it.rep);
	sched_recipients(s, e, &rs);
	for (i = 0; i < rs.n && !r->failed; i++) {
		const struct person *p = rs.v[i].person;
		int64_t nid, mid;

		buf_reset(&key);
		sched_key(s, e, p, &key);
		nid = store_notification_add(r->st, key.s, rule.s, it.target,
		    it.occurrence, p->email, it.due, r->now, missed ? 2 : late,
		    missed ? 0 : digest_at);
		if (nid < 0) {
			r->failed = 1;
			break;
		}
		if (nid == 0)
			continue;	/* generated before: never again */
		r->stats->generated++;
		if (missed) {
			struct template_ctx *item = template_ctx_list_add(
			    r->summary, "items");
			char when[17], date[11];

			r->stats->missed++;
			template_ctx_set(item, "kind", it.step->template);
			template_ctx_set(item, "recipient.name", p->name);
			template_ctx_set(item, "activity.id", it.target);
			template_ctx_set(item, "activity.title",
			    it.activity ? it.activity->title : it.plan->title);
			template_ctx_set(item, "checkpoint.name", it.occurrence);
			format_date(it.event_date, date);
			template_ctx_set(item, "checkpoint.due", date);
			calendar_format_local(it.due, when);
			template_ctx_set(item, "scheduled", when);
			r->missed_ids = xreallocarray(r->missed_ids,
			    r->nmissed + 1, sizeof(*r->missed_ids));
			r->missed_ids[r->nmissed++] = nid;
			continue;
		}
		if (digest_at != 0)
			continue;	/* remind_digests() sends it */
		{
			struct template_ctx *t = template_ctx_new();

			fill_ctx(t, r, &it, p, late);
			mid = queue_message(r, key.s, it.step->template,
			    r->rt->t[lang_of(p)][kind], t, p, late);
			template_ctx_free(t);
		}
		if (mid < 0 || store_notification_set_message(r->st, nid,
		    mid) != 0) {
			r->failed = 1;
			break;
		}
		r->stats->messages++;
		r->stats->late += late;
	}
	sched_recipients_free(&rs);
	buf_free(&key);
	buf_free(&rule);
	return r->failed ? -1 : 0;
}

/* One message to the coordinator listing everything missed. */
static int
send_summary(struct run *r, time_t from, time_t to)
{
	const struct person *coord = &r->c->org.coordinator;
	char when[17], key[128];
	int64_t mid;
	size_t i;

	template_ctx_set(r->summary, "recipient.name", coord->name);
	template_ctx_set(r->summary, "committee", r->c->org.committee);
	template_ctx_set(r->summary, "coordinator.name", coord->name);
	template_ctx_set(r->summary, "coordinator.email", coord->email);
	template_ctx_set_int(r->summary, "count", (long long)r->nmissed);
	calendar_format_local(from, when);
	template_ctx_set(r->summary, "down.from", when);
	calendar_format_local(to, when);
	template_ctx_set(r->summary, "down.until", when);
	template_ctx_set_int(r->summary, "lateness.days",
	    r->c->lateness / 86400);
	snprintf(key, sizeof(key), "missed-summary|%lld|%lld",
	    (long long)from, (long long)to);
	mid = queue_message(r, key, "missed-summary",
	    r->rt->t[lang_of(coord)][TEMPLATE_MISSED_SUMMARY], r->summary,
	    coord, 1);
	if (mid < 0)
		return -1;
	for (i = 0; i < r->nmissed; i++)
		if (store_notification_set_message(r->st, r->missed_ids[i],
		    mid) != 0)
			return -1;
	r->stats->messages++;
	return 0;
}

int
remind_run(struct store *st, const struct config *c, const struct sched *s,
    const struct remind_templates *rt, time_t from, time_t to, time_t now,
    struct remind_stats *stats)
{
	struct run r;
	int rc = -1;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	r.st = st;
	r.c = c;
	r.s = s;
	r.rt = rt;
	r.now = now;
	r.stats = stats;
	r.summary = template_ctx_new();
	if (store_begin(st) != 0)
		goto out;
	/* sched_each covers [from, to): shift by one to get (from, to]. */
	if (sched_each(s, from + 1, to + 1, reported_cb, entry_cb, &r) != 0 ||
	    r.failed)
		goto fail;
	if (r.nmissed > 0 && send_summary(&r, from, to) != 0)
		goto fail;
	if (store_kv_set(st, REMIND_PROGRESS_KEY, (int64_t)to) != 0 ||
	    store_commit(st) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(st);
	log_warnx("remind: generating notifications failed; will retry");
out:
	template_ctx_free(r.summary);
	free(r.missed_ids);
	return rc;
}

/* ---- digests ---- */

struct pending {
	int64_t	 id;
	char	*activity;
	char	*occurrence;
	char	*recipient;
	time_t	 due;
	time_t	 digest_at;
	int	 late;
};

struct pending_list {
	struct pending	*v;
	size_t		 n;
};

static void
pending_cb(void *arg, int ncols, const char *const *names,
    const char *const *values)
{
	struct pending_list *l = arg;
	struct pending *p;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	p = &l->v[l->n++];
	p->id = atoll(values[0]);
	p->activity = xstrdup(values[2]);
	p->occurrence = xstrdup(values[3]);
	p->recipient = xstrdup(values[4]);
	p->due = (time_t)atoll(values[5]);
	p->digest_at = (time_t)atoll(values[6]);
	p->late = atoi(values[7] ? values[7] : "0");
}

/* The person behind an address, for the greeting and the language. */
static const struct person *
person_by_email(const struct config *c, const char *email)
{
	size_t i, k;

	if (strcmp(c->org.coordinator.email, email) == 0)
		return &c->org.coordinator;
	if (strcmp(c->org.deputy.email, email) == 0)
		return &c->org.deputy;
	for (i = 0; i < c->org.nroles; i++) {
		for (k = 0; k < c->org.roles[i].npeople; k++)
			if (strcmp(c->org.roles[i].people[k].email, email) == 0)
				return &c->org.roles[i].people[k];
		if (c->org.roles[i].deputy != NULL &&
		    strcmp(c->org.roles[i].deputy->email, email) == 0)
			return c->org.roles[i].deputy;
	}
	return NULL;
}

/* The event date an occurrence names: "T1 2020", "deadline 2019-09-01". */
static int
occurrence_date(const struct config *c, const char *occ)
{
	struct checkpoint cp;
	const char *sp = strrchr(occ, ' ');
	int day;

	if (strncmp(occ, "revision ", 9) == 0)
		occ += 9;
	if (calendar_parse_checkpoint(occ, CALENDAR_NODATE, &cp) == 0)
		return calendar_checkpoint_due(&c->cal, cp);
	if (sp != NULL && calendar_parse_date(sp + 1, &day) == 0)
		return day;
	return CALENDAR_NODATE;
}

static void
digest_item(struct template_ctx *t, const struct config *c,
    const struct pending *p, int *overdue)
{
	struct template_ctx *item = template_ctx_list_add(t, "items");
	const struct activity *a = NULL;
	const struct plan *pl = NULL;
	int day, minute, event = occurrence_date(c, p->occurrence);
	char date[11];
	size_t k;

	for (k = 0; k < c->nplans && a == NULL; k++)
		if ((a = plan_find_activity(&c->plans[k], p->activity)) != NULL)
			pl = &c->plans[k];
	calendar_utc_to_local(p->due, &day, &minute);
	template_ctx_set(item, "plan.title", pl ? pl->title : "");
	template_ctx_set(item, "activity.id", p->activity);
	template_ctx_set(item, "activity.title", a ? a->title : p->activity);
	if (a != NULL && a->nresponsible > 0)
		template_ctx_set(item, "activity.responsible",
		    a->responsible[0]);
	template_ctx_setf(item, "checkpoint.id", "\"%s\"", p->occurrence);
	template_ctx_set(item, "checkpoint.name", p->occurrence);
	if (event != CALENDAR_NODATE) {
		calendar_format(event, date);
		template_ctx_set(item, "checkpoint.due", date);
		template_ctx_set_int(item, "days_left", event - day);
		template_ctx_set_int(item, "days_overdue", day - event);
		if (day > event) {
			template_ctx_set(item, "overdue", "1");
			(*overdue)++;
		}
	}
}

int
remind_digests(struct store *st, const struct config *c,
    const struct remind_templates *rt, time_t now)
{
	struct pending_list l = { 0 };
	size_t i, j, k;
	int sent = 0, failed = 0;

	if (store_digests_due(st, now, pending_cb, &l) != 0)
		return -1;
	if (l.n > 0 && store_begin(st) != 0)
		failed = 1;
	for (i = 0; i < l.n && !failed; i = j) {
		const struct person *p = person_by_email(c, l.v[i].recipient);
		struct template_ctx *t = template_ctx_new();
		char period[17], key[512];
		int overdue = 0, late = 0;
		int64_t mid;

		/* One message per recipient and digest instant. */
		for (j = i; j < l.n && strcmp(l.v[j].recipient,
		    l.v[i].recipient) == 0 && l.v[j].digest_at ==
		    l.v[i].digest_at; j++) {
			digest_item(t, c, &l.v[j], &overdue);
			late |= l.v[j].late;
		}
		template_ctx_set(t, "recipient.name", p ? p->name :
		    l.v[i].recipient);
		template_ctx_set(t, "committee", c->org.committee);
		template_ctx_set(t, "coordinator.name", c->org.coordinator.name);
		template_ctx_set(t, "coordinator.email",
		    c->org.coordinator.email);
		calendar_format_local(l.v[i].digest_at, period);
		period[10] = '\0';
		template_ctx_set(t, "period", period);
		template_ctx_set_int(t, "count", (long long)(j - i));
		template_ctx_set_int(t, "overdue_count", overdue);
		template_ctx_set(t, "late", late ? "1" : "");
		snprintf(key, sizeof(key), "digest|%s|%lld", l.v[i].recipient,
		    (long long)l.v[i].digest_at);
		mid = remind_queue(st, c, now, key, "digest",
		    rt->t[p && p->lang && strcmp(p->lang, "en") == 0][
		    TEMPLATE_DIGEST], t, p ? p->name : "", l.v[i].recipient,
		    late);
		template_ctx_free(t);
		if (mid < 0) {
			failed = 1;
			break;
		}
		for (k = i; k < j; k++)
			if (store_notification_set_message(st, l.v[k].id,
			    mid) != 0)
				failed = 1;
		sent++;
	}
	if (l.n > 0) {
		if (failed || store_commit(st) != 0) {
			store_rollback(st);
			sent = -1;
		}
	}
	for (i = 0; i < l.n; i++) {
		free(l.v[i].activity);
		free(l.v[i].occurrence);
		free(l.v[i].recipient);
	}
	free(l.v);
	return sent;
}

time_t
remind_digest_next(struct store *st)
{
	time_t next;

	return store_digest_next(st, &next) == 1 ? next : 0;
}
