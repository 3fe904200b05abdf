/*
 * remind: due schedule entries -> ledger rows -> outbox messages.
 *
 * Exactly once: the ledger key of (rule, step, repetition, activity,
 * occurrence, recipient) is UNIQUE, and a whole window -- its rows, the
 * summary of missed ones and the scheduler's progress -- is one
 * transaction, so a crash keeps all or nothing of it and a restart,
 * reload or second run simply finds the keys there.  A row waits for its
 * send instant; the flush that turns a person's waiting rows into one
 * message marks them with it in the same transaction, so a row is in one
 * message or in none.
 *
 * The flush and the preview share everything after "which rows": what
 * is dropped and why, the grouping, the template and the values, so that
 * `planwatchctl upcoming` shows the messages that will be written.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "calendar.h"
#include "followup.h"
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
#include "weblink.h"

static const char *const langs[2] = { "sv", "en" };

int
remind_templates_load(struct remind_templates *rt, const struct source *src,
    const char *rules_dir, struct diag *d)
{
	char *dir = xasprintf("%s/templates", rules_dir);
	size_t before = d->nerrors;
	int l, k;

	memset(rt, 0, sizeof(*rt));
	for (l = 0; l < 2; l++)
		for (k = 0; k < TEMPLATE_NKINDS; k++)
			rt->t[l][k] = template_load_kind(src, dir, langs[l],
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

/* ---- composing one message ------------------------------------------ */

/* A notification, waiting in the ledger or predicted. */
struct ritem {
	int64_t			 id;		/* ledger row; 0 when predicted */
	char			*rule;
	char			*target;	/* activity, or plan (revision) */
	char			*occurrence;
	char			*recipient;
	char			*kind;		/* template name */
	char			*parts;		/* role ids, or NULL: all */
	time_t			 due;
	time_t			 send_at;
	int			 late;
	enum sched_as		 as;
	int			 event_day;
	int			 until_reported;
	int			 before_event;
	/* Resolved against the configuration by resolve(). */
	const struct plan	*plan;
	const struct activity	*activity;	/* NULL: a revision */
	const struct activity_roles *roles;
	const struct person	*person;
	const char		*dropped;	/* why it is not sent */
	int			 keep;		/* listed in its message */
};

struct ritems {
	struct ritem	*v;
	size_t		 n;
};

static struct ritem *
ritems_add(struct ritems *l)
{
	struct ritem *it;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

static void
ritems_free(struct ritems *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].rule);
		free(l->v[i].target);
		free(l->v[i].occurrence);
		free(l->v[i].recipient);
		free(l->v[i].kind);
		free(l->v[i].parts);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
lang_of(const struct person *p)
{
	return p != NULL && p->lang != NULL && strcmp(p->lang, "en") == 0;
}

static int
day_of(time_t t)
{
	int day, minute;

	calendar_utc_to_local(t, &day, &minute);
	return day;
}

/* The person behind an address, for the greeting and the language. */
static const struct person *
person_by_email(const struct config *c, const char *email)
{
	size_t i, k;

	if (strcasecmp(c->org.coordinator.email, email) == 0)
		return &c->org.coordinator;
	if (strcasecmp(c->org.deputy.email, email) == 0)
		return &c->org.deputy;
	for (i = 0; i < c->org.nroles; i++) {
		for (k = 0; k < c->org.roles[i].npeople; k++)
			if (strcasecmp(c->org.roles[i].people[k].email,
			    email) == 0)
				return &c->org.roles[i].people[k];
		if (c->org.roles[i].deputy != NULL &&
		    strcasecmp(c->org.roles[i].deputy->email, email) == 0)
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

/* Finds what an item is about in the configuration, or says why not. */
static void
resolve(const struct config *c, struct ritem *it)
{
	size_t p, a;

	if ((it->person = person_by_email(c, it->recipient)) == NULL) {
		it->dropped = "no-recipient";
		return;
	}
	if (it->event_day == CALENDAR_NODATE)
		it->event_day = occurrence_date(c, it->occurrence);
	for (p = 0; p < c->nplans; p++) {
		const struct plan *pl = &c->plans[p];

		if (strncmp(it->occurrence, "revision ", 9) == 0) {
			if (strcmp(pl->id, it->target) == 0) {
				it->plan = pl;
				return;
			}
			continue;
		}
		for (a = 0; a < pl->nactivities; a++)
			if (strcmp(pl->activities[a].id, it->target) == 0) {
				it->plan = pl;
				it->activity = &pl->activities[a];
				it->roles = &c->roles[p][a];
				if (it->activity->status != ACTIVITY_ACTIVE)
					it->dropped = "inactive";
				return;
			}
	}
	it->dropped = "inactive";
}

/* Whether role `id` is one of the item's parts (all when none listed). */
static int
has_part(const struct ritem *it, const char *id)
{
	const char *p = it->parts;
	size_t len = strlen(id);

	if (p == NULL)
		return 1;
	while ((p = strstr(p, id)) != NULL) {
		if ((p == it->parts || p[-1] == ' ') && (p[len] == ' ' ||
		    p[len] == '\0'))
			return 1;
		p += len;
	}
	return 0;
}

static int
part_open(const struct followups *fs, const struct ritem *it, const char *id)
{
	return followups_find(fs, it->target, it->occurrence, id) == NULL &&
	    followups_closed(fs, it->plan, it->activity, id, NULL) ==
	    FOLLOWUP_OPEN;
}

/*
 * Decides whether a resolved item still goes out in a message written on
 * local day `day`: not when every part it is about is settled (for a step
 * that stops on a report), nor when it is a reminder of an event that has
 * passed.
 */
static void
check_live(const struct followups *fs, struct ritem *it, int day)
{
	size_t k;
	int open = 0;

	if (it->dropped != NULL)
		return;
	if (it->until_reported && it->activity != NULL) {
		if (it->roles->nroles == 0)
			open = part_open(fs, it, NULL);
		for (k = 0; k < it->roles->nroles && !open; k++)
			if (has_part(it, it->roles->roles[k]->id))
				open = part_open(fs, it, it->roles->roles[k]->id);
		if (!open) {
			it->dropped = "reported";
			return;
		}
	}
	if (it->before_event && it->event_day != CALENDAR_NODATE &&
	    day > it->event_day)
		it->dropped = "past-due";
}

static int
is_summary(const struct ritem *it)
{
	return it->as == SCHED_AS_COORDINATOR || it->as == SCHED_AS_DEPUTY;
}

/* A role the person holds: among the item's parts first. */
static const struct role *
role_of(const struct config *c, const struct ritem *it)
{
	size_t k, i;

	for (k = 0; it->roles != NULL && k < it->roles->nroles; k++) {
		const struct role *r = it->roles->roles[k];

		for (i = 0; i < r->npeople; i++)
			if (strcasecmp(r->people[i].email,
			    it->person->email) == 0 && has_part(it, r->id))
				return r;
	}
	for (k = 0; k < c->org.nroles; k++)
		for (i = 0; i < c->org.roles[k].npeople; i++)
			if (strcasecmp(c->org.roles[k].people[i].email,
			    it->person->email) == 0)
				return &c->org.roles[k];
	return NULL;
}

static const char *
capacity_label(const struct config *c, const struct ritem *it, int en)
{
	const struct role *r;

	if (it->as == SCHED_AS_COORDINATOR)
		return en ? "coordinator" : "samordnare";
	if (it->as == SCHED_AS_DEPUTY)
		return en ? "deputy coordinator" :
		    "ers\xc3\xa4ttare f\xc3\xb6r samordnaren";
	r = role_of(c, it);
	return r != NULL ? r->name : "";
}

static const char *
section_label(enum section s, int en)
{
	static const char *const sv[SECTION_NKINDS] = {
		"f\xc3\xb6rebyggande", "f\xc3\xb6rhindrande",
		"f\xc3\xb6reningsbidrag och lokaler", "kompetensh\xc3\xb6jande"
	};
	static const char *const eng[SECTION_NKINDS] = {
		"preventive", "preventing", "grants and premises",
		"competence"
	};

	return (unsigned)s < SECTION_NKINDS ? (en ? eng : sv)[s] : "";
}

/*
 * Who is responsible for the item's parts: those not yet reported go to
 * `missing` ("Name <address>") and `names`/`emails`, those reported to
 * `reported` ("Name (status date)").
 */
static void
people_of(const struct followups *fs, const struct ritem *it, int en,
    struct buf *missing, struct buf *reported, struct buf *names,
    struct buf *emails)
{
	size_t k, i;

	for (k = 0; it->roles != NULL && k < it->roles->nroles; k++) {
		const struct role *r = it->roles->roles[k];
		const struct followup_row *row;
		char date[17];

		if (!has_part(it, r->id))
			continue;
		row = followups_find(fs, it->target, it->occurrence, r->id);
		if (row == NULL)
			(void)followups_closed(fs, it->plan, it->activity,
			    r->id, &row);
		for (i = 0; i < r->npeople; i++) {
			const struct person *p = &r->people[i];

			if (row != NULL) {
				calendar_format_local(row->at, date);
				date[10] = '\0';
				buf_printf(reported, "%s%s (%s %s)",
				    reported->len ? ", " : "", p->name,
				    followup_status_label(row->status, en),
				    date);
				continue;
			}
			buf_printf(missing, "%s%s <%s>", missing->len ? ", " :
			    "", p->name, p->email);
			buf_printf(names, "%s%s", names->len ? ", " : "",
			    p->name);
			buf_printf(emails, "%s%s", emails->len ? ", " : "",
			    p->email);
		}
	}
}

/* The `planwatchctl followup` line the coordinator can use for an item. */
static void
followup_command(const struct ritem *it, struct buf *b)
{
	const struct role *only = NULL;
	size_t k, n = 0;

	if (it->activity == NULL)
		return;
	for (k = 0; k < it->roles->nroles; k++)
		if (has_part(it, it->roles->roles[k]->id)) {
			only = it->roles->roles[k];
			n++;
		}
	buf_printf(b, "planwatchctl followup %s \"%s\" --status done",
	    it->target, it->occurrence);
	if (n == 1 && it->roles->nroles > 1)
		buf_printf(b, " --for %s", only->npeople > 0 &&
		    only->people[0].user != NULL ? only->people[0].user :
		    only->id);
}

void
remind_due_words(int left, int en, char *due_in, size_t dlen,
    char *overdue_by, size_t olen)
{
	/* In words, so that no template has to pluralise. */
	if (left == 0)
		snprintf(due_in, dlen, en ? "today" : "i dag");
	else if (left == 1)
		snprintf(due_in, dlen, en ? "tomorrow" : "i morgon");
	else if (left > 1)
		snprintf(due_in, dlen, en ? "in %d days" : "om %d dagar", left);
	else
		due_in[0] = '\0';
	if (left < 0)
		snprintf(overdue_by, olen, en ? "%d day%s" : "%d dag%s", -left,
		    left == -1 ? "" : en ? "s" : "ar");
	else
		overdue_by[0] = '\0';
}

/* Sets item `it` as `prefix` ("" or "item.") fields of `t`. */
static void
item_ctx(struct template_ctx *t, const char *prefix, const struct config *c,
    const struct followups *fs, const struct ritem *it, int number, int day,
    int en, const char *link)
{
	struct buf missing = { 0 }, reported = { 0 }, names = { 0 };
	struct buf emails = { 0 }, resp = { 0 }, cmd = { 0 };
	char key[64], date[11], label[96];
	size_t i;
	int a;

#define SET(name, value) do {						\
	snprintf(key, sizeof(key), "%s%s", prefix, name);		\
	template_ctx_set(t, key, value);				\
} while (0)
#define SETI(name, value) do {						\
	snprintf(key, sizeof(key), "%s%s", prefix, name);		\
	template_ctx_set_int(t, key, value);				\
} while (0)
	for (a = 0; a < SCHED_AS_NKINDS; a++) {
		snprintf(key, sizeof(key), "%sas.%s", prefix,
		    sched_as_name((enum sched_as)a));
		template_ctx_set(t, key, (int)it->as == a ? "1" : "");
	}
	SETI("number", number);
	SET("kind", it->kind);
	SET("reminder", strcmp(it->kind, "reminder") == 0 ? "1" : "");
	SET("overdue", strcmp(it->kind, "overdue") == 0 ? "1" : "");
	SET("escalation", strcmp(it->kind, "escalation") == 0 ? "1" : "");
	SET("revision", strcmp(it->kind, "revision") == 0 ? "1" : "");
	SET("role", capacity_label(c, it, en));
	SET("plan.id", it->plan->id);
	SET("plan.title", it->plan->title);
	calendar_format(it->plan->adopted, date);
	SET("plan.adopted", date);
	if (it->event_day != CALENDAR_NODATE)
		calendar_format(it->event_day, date);
	else
		date[0] = '\0';
	SET("checkpoint.due", date);
	SET("revision.due", it->activity == NULL ? date : "");
	SET("checkpoint.id", it->occurrence);
	sched_occurrence_label(it->occurrence, en, label, sizeof(label));
	SET("checkpoint.name", label);
	if (it->event_day != CALENDAR_NODATE) {
		char by[32];
		int left = it->event_day - day;

		SETI("days_left", left);
		SETI("days_overdue", -left);
		remind_due_words(left, en, label, sizeof(label), by,
		    sizeof(by));
		SET("due_in", label);
		SET("overdue_by", by);
	}
	/* The item's form on the message's page (web.h), when there is one. */
	if (link != NULL && it->activity != NULL) {
		char *at = xasprintf("%s#punkt-%d", link, number);

		SET("followup.link", at);
		free(at);
	} else
		SET("followup.link", "");
	if (it->activity != NULL) {
		SET("activity.id", it->activity->id);
		SET("activity.title", it->activity->title);
		SET("activity.section", section_label(it->activity->section,
		    en));
		for (i = 0; i < it->activity->nresponsible; i++)
			buf_printf(&resp, "%s%s", i ? ", " : "",
			    it->activity->responsible[i]);
		SET("activity.responsible", resp.s);
		people_of(fs, it, en, &missing, &reported, &names, &emails);
		SET("responsible.name", names.s);
		SET("responsible.email", emails.s);
		SET("missing", missing.s);
		SET("reported", reported.s);
		followup_command(it, &cmd);
		SET("followup.command", cmd.s);
	}
#undef SET
#undef SETI
	buf_free(&missing);
	buf_free(&reported);
	buf_free(&names);
	buf_free(&emails);
	buf_free(&resp);
	buf_free(&cmd);
}

static int
item_order(const struct ritem *a, const struct ritem *b)
{
	int r;

	if (a->event_day != b->event_day)
		return a->event_day < b->event_day ? -1 : 1;
	if ((r = strcmp(a->target, b->target)) != 0)
		return r;
	return strcmp(a->occurrence, b->occurrence);
}

/* A message about to be written: its items, template and values. */
struct composed {
	struct ritem		**kept;		/* listed, in order */
	size_t			  nkept;
	enum template_kind	  kind;
	struct template_ctx	 *ctx;
	int			  late;
	int			  lang;
};

/*
 * Makes the message of items v[0..n) (one person, live items only) as
 * written on local day `day`: each activity and occurrence once, as its
 * latest step; nearest event first.
 */
static void
compose(struct composed *m, const struct config *c,
    const struct followups *fs, struct ritem *v, size_t n, int day,
    const char *link, const char *page)
{
	const struct person *p = v[0].person;
	struct template_ctx *t, *li;
	size_t i, j;
	time_t first = v[0].due;
	int overdue = 0, nearest = CALENDAR_NODATE, any[SCHED_AS_NKINDS];
	char when[17], date[11];

	memset(m, 0, sizeof(*m));
	memset(any, 0, sizeof(any));
	m->kept = xcalloc(n, sizeof(*m->kept));
	for (i = 0; i < n; i++) {
		v[i].keep = 1;
		for (j = 0; j < m->nkept; j++)
			if (strcmp(m->kept[j]->target, v[i].target) == 0 &&
			    strcmp(m->kept[j]->occurrence,
			    v[i].occurrence) == 0)
				break;
		if (j < m->nkept) {
			if (v[i].due >= m->kept[j]->due) {
				m->kept[j]->keep = 0;
				m->kept[j] = &v[i];
			} else
				v[i].keep = 0;
		} else
			m->kept[m->nkept++] = &v[i];
		m->late |= v[i].late == 1;
		if (v[i].due < first)
			first = v[i].due;
	}
	/* Insertion sort: messages hold tens of items at most. */
	for (i = 1; i < m->nkept; i++)
		for (j = i; j > 0 && item_order(m->kept[j],
		    m->kept[j - 1]) < 0; j--) {
			struct ritem *x = m->kept[j];

			m->kept[j] = m->kept[j - 1];
			m->kept[j - 1] = x;
		}
	m->lang = lang_of(p);
	m->ctx = t = template_ctx_new();
	template_ctx_set(t, "recipient.name", p->name);
	template_ctx_set(t, "committee", c->org.committee);
	template_ctx_set(t, "coordinator.name", c->org.coordinator.name);
	template_ctx_set(t, "coordinator.email", c->org.coordinator.email);
	template_ctx_set(t, "late", m->late ? "1" : "");
	calendar_format_local(first, when);
	template_ctx_set(t, "scheduled", when);
	template_ctx_set(t, "link", link);
	template_ctx_set(t, "page.link", page);
	for (i = 0; i < m->nkept; i++) {
		const struct ritem *it = m->kept[i];

		li = template_ctx_list_add(t, "items");
		item_ctx(li, "", c, fs, it, (int)i + 1, day, m->lang, link);
		if (i == 0)
			item_ctx(t, "", c, fs, it, 1, day, m->lang, link);
		if (it->event_day != CALENDAR_NODATE && it->event_day < day)
			overdue++;
		if (it->event_day != CALENDAR_NODATE &&
		    (nearest == CALENDAR_NODATE || it->event_day < nearest))
			nearest = it->event_day;
		any[it->as] = 1;
	}
	/* The message's capacity: each that any of its items has. */
	for (i = 0; i < SCHED_AS_NKINDS; i++) {
		snprintf(when, sizeof(when), "as.%s",
		    sched_as_name((enum sched_as)i));
		template_ctx_set(t, when, any[i] ? "1" : "");
	}
	template_ctx_set_int(t, "count", (long long)m->nkept);
	template_ctx_set_int(t, "overdue_count", overdue);
	date[0] = '\0';
	if (nearest != CALENDAR_NODATE)
		calendar_format(nearest, date);
	template_ctx_set(t, "first_due", date);
	calendar_format(day, date);
	template_ctx_set(t, "period", date);
	template_ctx_set(t, "recipient.role", capacity_label(c, m->kept[0],
	    m->lang));
	if (is_summary(&v[0]))
		m->kind = TEMPLATE_COORDINATOR_SUMMARY;
	else if (m->nkept == 1 && (m->kind = (enum template_kind)
	    template_kind_lookup(m->kept[0]->kind)) != TEMPLATE_REMINDER &&
	    !template_kinds[m->kind].step)
		m->kind = TEMPLATE_REMINDER;
	else if (m->nkept > 1)
		m->kind = TEMPLATE_DIGEST;
}

static void
composed_free(struct composed *m)
{
	template_ctx_free(m->ctx);
	free(m->kept);
	memset(m, 0, sizeof(*m));
}

/* Orders items by person, summary or not, send instant, due and row. */
static int
ritem_cmp(const void *pa, const void *pb)
{
	const struct ritem *a = pa, *b = pb;
	int r;

	if ((r = strcasecmp(a->recipient, b->recipient)) != 0)
		return r;
	if (is_summary(a) != is_summary(b))
		return is_summary(a) - is_summary(b);
	if (a->send_at != b->send_at)
		return a->send_at < b->send_at ? -1 : 1;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Whether two items go in the same message (`by_instant`: a preview). */
static int
same_message(const struct ritem *a, const struct ritem *b, int by_instant)
{
	return strcasecmp(a->recipient, b->recipient) == 0 &&
	    is_summary(a) == is_summary(b) &&
	    (!by_instant || a->send_at == b->send_at);
}

/* ---- generating --------------------------------------------------------- */

struct run {
	struct store			*st;
	const struct config		*c;
	const struct sched		*s;
	const struct remind_templates	*rt;
	struct followups		*fs;
	time_t				 now;
	struct remind_stats		*stats;
	int				 failed;
	/* the missed-reminder summary */
	struct template_ctx		*summary;
	int64_t				*missed_ids;
	size_t				 nmissed;
};

/*
 * When an item for a person in capacity `as` due at `due` is sent: at
 * `due`, or at its rule's digest, or at the coordinator's summary.
 */
static time_t
send_time(const struct config *c, const struct ruleset *rs,
    const struct rule *r, enum sched_as as, time_t due)
{
	const struct rule_digest *dg = as == SCHED_AS_COORDINATOR ||
	    as == SCHED_AS_DEPUTY ? &rs->coordinator_digest : &r->digest;

	return sched_digest_time(&c->cal, dg, due);
}

/* The role ids of a recipient's parts, space separated, into `b`. */
static void
parts_text(const struct sched_item *it, const struct sched_recipient *r,
    struct buf *b)
{
	size_t k;

	for (k = 0; it->roles != NULL && k < it->roles->nroles; k++)
		if (r->parts & ((uint64_t)1 << (k < SCHED_MAX_PARTS ? k :
		    SCHED_MAX_PARTS - 1)))
			buf_printf(b, "%s%s", b->len ? " " : "",
			    it->roles->roles[k]->id);
}

/*
 * The ledger row of one entry for one person.  `late` 2 is past the
 * lateness: it goes in the missed summary, not in a message of its own.
 */
static void
note_of(struct store_note *n, const struct sched_item *it,
    const struct sched_recipient *r, const char *key, const char *rule,
    const char *parts, const char *event, time_t now, int late,
    time_t send_at)
{
	memset(n, 0, sizeof(*n));
	n->key = key;
	n->rule = rule;
	n->activity = it->target;
	n->occurrence = it->occurrence;
	n->recipient = r->person->email;
	n->due = it->due;
	n->now = now;
	n->late = late;
	n->send_at = late == 2 ? 0 : send_at;
	n->kind = it->step->template;
	n->capacity = sched_as_name(r->as);
	n->parts = parts;
	n->event_date = event;
	n->until_reported = it->activity != NULL &&
	    it->step->while_not_reported;
	n->before_event = it->step->offset.n <= 0;
}

static int
entry_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct run *r = arg;
	struct sched_item it;
	struct sched_recipients rs = { 0 };
	struct buf key = { 0 }, rule = { 0 }, parts = { 0 };
	struct store_note note;
	char event[11];
	size_t i;
	int late, missed;

	sched_item(s, e, &it);
	if (it.activity != NULL && it.activity->status != ACTIVITY_ACTIVE)
		return 0;
	missed = it.due <= r->now - r->c->lateness;
	late = !missed && it.due < r->now - 60;
	buf_printf(&rule, "%s/%s#%d", it.rule->id, it.step->id, it.rep);
	calendar_format(it.event_date, event);
	sched_recipients(s, e, followups_settled, r->fs, &rs);
	for (i = 0; i < rs.n && !r->failed; i++) {
		const struct person *p = rs.v[i].person;
		int64_t nid;

		buf_reset(&key);
		buf_reset(&parts);
		sched_key(s, e, p, &key);
		parts_text(&it, &rs.v[i], &parts);
		note_of(&note, &it, &rs.v[i], key.s, rule.s, parts.s, event,
		    r->now, missed ? 2 : late, send_time(r->c,
		    sched_ruleset(s), it.rule, rs.v[i].as, it.due));
		if ((nid = store_notification_add(r->st, &note)) < 0) {
			r->failed = 1;
			break;
		}
		if (nid == 0)
			continue;	/* generated before: never again */
		r->stats->generated++;
		r->stats->late += late;
		if (missed) {
			struct template_ctx *item = template_ctx_list_add(
			    r->summary, "items");
			char when[17], label[96];

			r->stats->missed++;
			template_ctx_set(item, "kind", it.step->template);
			template_ctx_set(item, "recipient.name", p->name);
			template_ctx_set(item, "activity.id", it.target);
			template_ctx_set(item, "activity.title",
			    it.activity ? it.activity->title : it.plan->title);
			sched_occurrence_label(it.occurrence,
			    lang_of(&r->c->org.coordinator), label,
			    sizeof(label));
			template_ctx_set(item, "checkpoint.name", label);
			template_ctx_set(item, "checkpoint.due", event);
			calendar_format_local(it.due, when);
			template_ctx_set(item, "scheduled", when);
			r->missed_ids = xreallocarray(r->missed_ids,
			    r->nmissed + 1, sizeof(*r->missed_ids));
			r->missed_ids[r->nmissed++] = nid;
		}
	}
	sched_recipients_free(&rs);
	buf_free(&key);
	buf_free(&rule);
	buf_free(&parts);
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
	mid = remind_queue(r->st, r->c, r->now, key, "missed-summary",
	    r->rt->t[lang_of(coord)][TEMPLATE_MISSED_SUMMARY], r->summary,
	    coord->name, coord->email, 1);
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
	if ((r.fs = followups_load(st)) == NULL)
		return -1;
	r.summary = template_ctx_new();
	if (store_begin(st) != 0)
		goto out;
	/* sched_each covers [from, to): shift by one to get (from, to]. */
	if (sched_each(s, from + 1, to + 1, entry_cb, &r) != 0 || r.failed)
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
	followups_free(r.fs);
	free(r.missed_ids);
	return rc;
}

/* ---- writing the messages ------------------------------------------- */

static void
pending_cb(void *arg, const struct store_pending *p)
{
	struct ritem *it = ritems_add(arg);
	int as;

	it->id = p->id;
	it->rule = xstrdup(p->rule);
	it->target = xstrdup(p->activity);
	it->occurrence = xstrdup(p->occurrence);
	it->recipient = xstrdup(p->recipient);
	it->due = p->due;
	it->send_at = p->send_at;
	it->late = p->late;
	/* Rows from before schema 7 lack what follows: the old defaults. */
	it->kind = xstrdup(p->kind ? p->kind : "reminder");
	as = sched_as_lookup(p->capacity);
	it->as = as < 0 ? SCHED_AS_RESPONSIBLE : (enum sched_as)as;
	it->parts = p->parts != NULL ? xstrdup(p->parts) : NULL;
	if (p->event_date == NULL ||
	    calendar_parse_date(p->event_date, &it->event_day) != 0)
		it->event_day = CALENDAR_NODATE;
	it->until_reported = p->until_reported;
	it->before_event = p->before_event;
}

/* Puts a composed message in the outbox; its row id or -1. */
static int64_t
queue_composed(struct store *st, const struct config *c,
    const struct remind_templates *rt, const struct composed *m,
    const struct person *p, time_t now)
{
	char key[512];

	snprintf(key, sizeof(key), "message|%s|%lld", p->email,
	    (long long)m->kept[0]->id);
	return remind_queue(st, c, now, key, template_kinds[m->kind].name,
	    rt->t[m->lang][m->kind], m->ctx, p->name, p->email, m->late);
}

int
remind_flush(struct store *st, const struct config *c,
    const struct remind_templates *rt, const struct link_signer *sg,
    time_t now)
{
	struct ritems l = { 0 };
	struct followups *fs;
	size_t i, j, k, n;
	int sent = 0, failed = 0, day = day_of(now);
	char *link, *page;

	if (store_pending_due(st, now, pending_cb, &l) != 0)
		return -1;
	if (l.n == 0)
		return 0;
	if ((fs = followups_load(st)) == NULL) {
		ritems_free(&l);
		return -1;
	}
	if (store_begin(st) != 0)
		failed = 1;
	qsort(l.v, l.n, sizeof(*l.v), ritem_cmp);
	for (i = 0; i < l.n && !failed; i = j) {
		struct ritem *live;
		struct composed m;
		int64_t mid;

		for (j = i; j < l.n && same_message(&l.v[i], &l.v[j], 0); j++)
			;
		/* The dropped ones first, then the rest side by side. */
		live = xcalloc(j - i, sizeof(*live));
		for (n = 0, k = i; k < j; k++) {
			resolve(c, &l.v[k]);
			check_live(fs, &l.v[k], day);
			if (l.v[k].dropped != NULL) {
				if (store_notification_drop(st, l.v[k].id,
				    l.v[k].dropped) != 0)
					failed = 1;
			} else
				live[n++] = l.v[k];
		}
		if (n == 0 || failed) {
			free(live);
			continue;
		}
		/*
		 * The message's number is known before it is written (the
		 * transaction is ours): its link names it, for a page of
		 * exactly these items.
		 */
		link = page = NULL;
		if (sg != NULL && c->web.enabled &&
		    (mid = store_message_next(st)) > 0) {
			link = weblink_url(st, &c->web, sg, LINK_MESSAGE,
			    live[0].person->email, mid, now);
			page = weblink_url(st, &c->web, sg, LINK_PAGE,
			    live[0].person->email, 0, now);
		}
		compose(&m, c, fs, live, n, day, link, page);
		free(link);
		free(page);
		mid = queue_composed(st, c, rt, &m, live[0].person, now);
		for (k = 0; k < n && mid >= 0; k++)
			if (store_notification_set_message(st, live[k].id,
			    mid) != 0)
				mid = -1;
		if (mid < 0)
			failed = 1;
		else
			sent++;
		composed_free(&m);
		free(live);
	}
	if (failed || store_commit(st) != 0) {
		store_rollback(st);
		log_warnx("remind: writing messages failed; will retry");
		sent = -1;
	} else if (sent > 0)
		log_info("remind: %d message(s) written", sent);
	followups_free(fs);
	ritems_free(&l);
	return sent;
}

time_t
remind_digest_next(struct store *st)
{
	time_t next;

	return store_digest_next(st, &next) == 1 ? next : 0;
}

/* ---- the preview --------------------------------------------------- */

/*
 * Entries due this long before the window can still be in a message
 * within it: a weekly digest waits at most a week and a run of holidays.
 */
#define PREVIEW_LOOKBACK	(31 * 86400)

struct preview {
	const struct config	*c;
	struct followups	*fs;
	struct ritems		*l;
	time_t			 now;
};

/* What remind_run() will write for an entry not yet generated. */
static int
predict_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct preview *pv = arg;
	struct sched_recipients rs = { 0 };
	struct sched_item it;
	struct buf rule = { 0 }, parts = { 0 };
	size_t i;

	sched_item(s, e, &it);
	if ((it.activity != NULL && it.activity->status != ACTIVITY_ACTIVE) ||
	    it.due <= pv->now - pv->c->lateness)
		return 0;
	buf_printf(&rule, "%s/%s#%d", it.rule->id, it.step->id, it.rep);
	sched_recipients(s, e, followups_settled, pv->fs, &rs);
	for (i = 0; i < rs.n; i++) {
		struct ritem *ri = ritems_add(pv->l);
		time_t at = send_time(pv->c, sched_ruleset(s), it.rule,
		    rs.v[i].as, it.due);

		buf_reset(&parts);
		parts_text(&it, &rs.v[i], &parts);
		ri->rule = xstrdup(rule.s);
		ri->target = xstrdup(it.target);
		ri->occurrence = xstrdup(it.occurrence);
		ri->recipient = xstrdup(rs.v[i].person->email);
		ri->kind = xstrdup(it.step->template);
		ri->parts = parts.s ? xstrdup(parts.s) : NULL;
		ri->due = it.due;
		ri->send_at = at > pv->now ? at : pv->now;
		ri->late = it.due < pv->now - 60;
		ri->as = rs.v[i].as;
		ri->event_day = it.event_date;
		ri->until_reported = it.activity != NULL &&
		    it.step->while_not_reported;
		ri->before_event = it.step->offset.n <= 0;
	}
	sched_recipients_free(&rs);
	buf_free(&rule);
	buf_free(&parts);
	return 0;
}

/* Whether a message to `p` belongs to the role filter. */
static int
role_match(const struct config *c, const struct person *p, const char *role)
{
	const struct role *r;
	size_t i;

	if (role == NULL)
		return 1;
	if (strcmp(role, "coordinator") == 0)
		return strcasecmp(p->email, c->org.coordinator.email) == 0;
	if (strcmp(role, "deputy") == 0)
		return strcasecmp(p->email, c->org.deputy.email) == 0;
	if ((r = org_role(&c->org, role)) == NULL)
		return 0;
	for (i = 0; i < r->npeople; i++)
		if (strcasecmp(r->people[i].email, p->email) == 0)
			return 1;
	return 0;
}

static json_t *
preview_message(const struct config *c, const struct remind_templates *rt,
    const struct composed *m, const struct ritem *first, size_t nrows)
{
	json_t *items = json_array(), *msg;
	char when[17], label[96], date[11];
	char *subject = NULL, *body;
	size_t i;

	body = template_render(rt->t[m->lang][m->kind], m->ctx, &subject);
	free(body);
	for (i = 0; i < m->nkept; i++) {
		const struct ritem *it = m->kept[i];

		sched_occurrence_label(it->occurrence, m->lang, label,
		    sizeof(label));
		date[0] = '\0';
		if (it->event_day != CALENDAR_NODATE)
			calendar_format(it->event_day, date);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:s, s:s}", "activity", it->target, "occurrence",
		    it->occurrence, "name", label, "due", date, "rule",
		    it->rule, "template", it->kind, "as",
		    sched_as_name(it->as)));
		if (it->parts != NULL)
			json_object_set_new(json_array_get(items, i), "parts",
			    json_string(it->parts));
	}
	calendar_format_local(first->send_at, when);
	msg = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:o}",
	    "when", when, "at", (json_int_t)first->send_at,
	    "name", first->person->name, "email", first->person->email,
	    "as", is_summary(first) ? sched_as_name(first->as) :
	    sched_as_name(m->kept[0]->as),
	    "template", template_kinds[m->kind].name,
	    "subject", subject ? subject : "", "late", m->late,
	    "notifications", (int)nrows, "items", items);
	free(subject);
	return msg;
}

json_t *
remind_preview(struct store *st, const struct config *c,
    const struct sched *s, const struct remind_templates *rt, time_t from,
    time_t to, time_t now, const char *role)
{
	struct ritems l = { 0 };
	struct preview pv;
	json_t *out;
	int64_t done;
	time_t start;
	int whatif;
	size_t i, j, k, n;

	/*
	 * A window that starts in the past is a what-if: the schedule from
	 * `from` on, as if the clock stood there, with today's reports and
	 * without the ledger.
	 */
	whatif = from < now;
	if (whatif)
		now = from;
	else if (store_pending_due(st, (time_t)INT64_MAX, pending_cb,
	    &l) != 0)
		return NULL;
	for (i = 0; i < l.n; i++)
		if (l.v[i].send_at < now)
			l.v[i].send_at = now;
	if ((pv.fs = followups_load(st)) == NULL) {
		ritems_free(&l);
		return NULL;
	}
	pv.c = c;
	pv.l = &l;
	pv.now = now;
	/* What was generated is in the ledger; the rest is predicted. */
	if (whatif || store_kv_get(st, REMIND_PROGRESS_KEY, &done) != 1 ||
	    (time_t)done > now)
		done = (int64_t)now;
	/* From just before `from`: the entry due at `from` itself counts. */
	if (whatif)
		done--;
	start = from - PREVIEW_LOOKBACK > (time_t)done ?
	    from - PREVIEW_LOOKBACK : (time_t)done;
	sched_each(s, start + 1, to, predict_cb, &pv);
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), ritem_cmp);
	out = json_array();
	for (i = 0; i < l.n; i = j) {
		struct ritem *live;
		struct composed m;

		for (j = i; j < l.n && same_message(&l.v[i], &l.v[j], 1); j++)
			;
		if (l.v[i].send_at < from || l.v[i].send_at >= to)
			continue;
		live = xcalloc(j - i, sizeof(*live));
		for (n = 0, k = i; k < j; k++) {
			resolve(c, &l.v[k]);
			check_live(pv.fs, &l.v[k], day_of(l.v[k].send_at));
			if (l.v[k].dropped == NULL)
				live[n++] = l.v[k];
		}
		if (n > 0 && role_match(c, live[0].person, role)) {
			compose(&m, c, pv.fs, live, n, day_of(live[0].send_at),
			    NULL, NULL);
			json_array_append_new(out, preview_message(c, rt, &m,
			    &live[0], n));
			composed_free(&m);
		}
		free(live);
	}
	followups_free(pv.fs);
	ritems_free(&l);
	return out;
}
