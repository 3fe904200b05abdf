/*
 * reports: the daemon's side of concern reports.
 *
 * A report and its alerts are one transaction: the sender is told the
 * report's number only after it committed, so an accepted report is never
 * lost and a refused one leaves nothing behind.  Alerts carry the number,
 * the date, the unit and the categories -- never the description.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "concern.h"
#include "conf.h"
#include "log.h"
#include "remind.h"
#include "reports.h"
#include "route.h"
#include "store.h"
#include "template.h"
#include "util.h"

time_t
reports_ack_due(const struct config *c, const struct concern_report *r,
    time_t at)
{
	int hours = ROUTE_ACK_WORKING_HOURS, working = 1;

	if (c->routing != NULL)
		route_ack_deadline(c->routing, r, &hours, &working);
	else if (r->urgency == CONCERN_URGENCY_AKUT) {
		hours = ROUTE_ACK_HOURS_AKUT;
		working = 0;
	}
	if (!working)
		return at + (time_t)hours * 3600;
	return calendar_add_working_hours(&c->cal, at, hours,
	    REPORTS_DAY_START, REPORTS_DAY_END);
}

/* Adds a person once. */
static void
add_person(const struct person ***v, const char ***roles, size_t *n,
    const struct person *p, const char *role)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i]->email, p->email) == 0)
			return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	*roles = xreallocarray(*roles, *n + 1, sizeof(**roles));
	(*v)[*n] = p;
	(*roles)[(*n)++] = role;
}

size_t
reports_recipients(const struct config *c, const struct concern_report *r,
    const struct person ***people, const char ***roles)
{
	struct route_recipients rr = { 0 };
	size_t n = 0, i, k;

	*people = NULL;
	*roles = NULL;
	add_person(people, roles, &n, &c->org.coordinator, ROUTE_COORDINATOR);
	if (c->routing == NULL)
		return n;
	route_report(c->routing, r, &rr);
	for (i = 0; i < rr.n; i++) {
		const struct role *role;

		if (strcmp(rr.ids[i], ROUTE_COORDINATOR) == 0)
			continue;
		if (strcmp(rr.ids[i], ROUTE_DEPUTY) == 0) {
			add_person(people, roles, &n, &c->org.deputy,
			    ROUTE_DEPUTY);
			continue;
		}
		if ((role = org_role(&c->org, rr.ids[i])) == NULL)
			continue;
		for (k = 0; k < role->npeople; k++)
			add_person(people, roles, &n, &role->people[k],
			    role->id);
	}
	route_recipients_free(&rr);
	return n;
}

static const char *
unit_name(const struct config *c, const char *id)
{
	const struct unit *u = org_unit(&c->org, id);

	return u != NULL ? u->name : id;
}

static void
report_ctx(struct template_ctx *t, const struct config *c, int64_t id,
    const struct concern_report *r, time_t ack_due, const char *to)
{
	char date[11], when[17];

	template_ctx_set(t, "recipient.name", to);
	template_ctx_set(t, "committee", c->org.committee);
	template_ctx_set(t, "coordinator.name", c->org.coordinator.name);
	template_ctx_set(t, "coordinator.email", c->org.coordinator.email);
	template_ctx_set_int(t, "report.id", id);
	calendar_format(r->event_date, date);
	template_ctx_set(t, "report.date", date);
	template_ctx_set(t, "report.unit", unit_name(c, r->unit));
	template_ctx_set(t, "report.urgent",
	    r->urgency == CONCERN_URGENCY_AKUT ? "1" : "");
	calendar_format_local(ack_due, when);
	template_ctx_set(t, "report.ack_due", when);
}

/*
 * What depends on the reader: the words in their language, and the
 * capacity they get the report in (the coordinator, the deputy, or a
 * role: only the first two read and acknowledge reports).
 */
static void
reader_ctx(struct template_ctx *t, const struct config *c,
    const struct concern_report *r, const struct person *p,
    const char *route)
{
	static const char *const yes_no[2][2] = {
		{ "nej", "ja" }, { "no", "yes" }
	};
	int en = p->lang != NULL && strcmp(p->lang, "en") == 0;
	int coord = strcmp(route, ROUTE_COORDINATOR) == 0;
	int deputy = strcmp(route, ROUTE_DEPUTY) == 0;
	const struct role *role = org_role(&c->org, route);
	const char *as = coord ? (en ? "coordinator" : "samordnare") :
	    deputy ? (en ? "deputy coordinator" :
	    "ers\xc3\xa4ttare f\xc3\xb6r samordnaren") :
	    role != NULL ? role->name : route;

	template_ctx_set(t, "recipient.name", p->name);
	template_ctx_set(t, "report.place_type",
	    concern_place_labels[en][r->place_type]);
	template_ctx_set(t, "report.kind", concern_kind_labels[en][r->kind]);
	template_ctx_set(t, "report.milieu",
	    concern_milieu_labels[en][r->milieu]);
	template_ctx_set(t, "report.urgency",
	    concern_urgency_labels[en][r->urgency]);
	template_ctx_set(t, "report.minor",
	    yes_no[en][r->concerns_minor != 0]);
	template_ctx_set(t, "report.police_informed",
	    yes_no[en][r->police_informed != 0]);
	template_ctx_set(t, "report.social_services_informed",
	    yes_no[en][r->social_services_informed != 0]);
	template_ctx_set(t, "recipient.role", as);
	template_ctx_set(t, "escalation.to", as);
	template_ctx_set(t, "as.coordinator", coord ? "1" : "");
	template_ctx_set(t, "as.deputy", deputy ? "1" : "");
	template_ctx_set(t, "as.head", !coord && !deputy ? "1" : "");
	template_ctx_set(t, "may_ack", coord || deputy ? "1" : "");
}

static const struct template *
tpl_for(const struct reports_env *env, const struct person *p,
    enum template_kind k)
{
	return env->tpl->t[p->lang && strcmp(p->lang, "en") == 0][k];
}

int
reports_parse(const struct config *c, time_t now, const char *json,
    size_t len, struct concern_report *r, struct concern_error *err)
{
	struct concern_limits lim;
	const char **units;
	size_t i;
	int today, minute, rc;

	memset(&lim, 0, sizeof(lim));
	units = xcalloc(c->org.nunits + 1, sizeof(*units));
	for (i = 0; i < c->org.nunits; i++)
		units[i] = c->org.units[i].id;
	lim.units = units;
	lim.nunits = c->org.nunits;
	calendar_utc_to_local(now, &today, &minute);
	rc = concern_parse(json, len, &lim, today, r, err);
	free(units);
	return rc == 0 ? 0 : -1;
}

/*
 * Adds one parsed report, its routes, its alerts and the audit line to
 * the open transaction.  The report's number, or -1.
 */
static int64_t
store_one(const struct reports_env *env, const char *source,
    const struct concern_report *r, size_t *nrecipients)
{
	const struct config *c = env->c;
	const char **roles = NULL;
	const struct person **people = NULL;
	struct template_ctx *t;
	struct store_report sr;
	char date[11], key[64];
	size_t i, n = 0;
	int64_t id;

	memset(&sr, 0, sizeof(sr));
	calendar_format(r->event_date, date);
	sr.received_at = env->now;
	sr.source = source;
	sr.event_date = date;
	sr.unit = r->unit;
	sr.place_type = concern_place_names[r->place_type];
	sr.kind = concern_kind_names[r->kind];
	sr.milieu = concern_milieu_names[r->milieu];
	sr.concerns_minor = r->concerns_minor;
	sr.urgency = concern_urgency_names[r->urgency];
	sr.police_informed = r->police_informed;
	sr.social_services_informed = r->social_services_informed;
	sr.description = r->description;
	sr.ack_due = reports_ack_due(c, r, env->now);

	if ((id = store_report_add(env->st, &sr)) < 0)
		return -1;
	n = reports_recipients(c, r, &people, &roles);
	*nrecipients = n;
	/* The same report for everyone; only the greeting changes. */
	t = template_ctx_new();
	report_ctx(t, c, id, r, sr.ack_due, "");
	for (i = 0; i < n; i++) {
		int64_t mid;

		reader_ctx(t, c, r, people[i], roles[i]);
		/* One message per person: the key names the recipient too. */
		snprintf(key, sizeof(key), "report|%lld|alert|%zu",
		    (long long)id, i);
		mid = remind_queue(env->st, c, env->now, key, "concern-alert",
		    tpl_for(env, people[i], TEMPLATE_CONCERN_ALERT), t,
		    people[i]->name, people[i]->email, 0);
		if (mid < 0 || store_report_route_add(env->st, id,
		    people[i]->email, roles[i]) != 0) {
			id = -1;
			break;
		}
	}
	template_ctx_free(t);
	snprintf(key, sizeof(key), "report %lld", (long long)id);
	if (id > 0 && store_audit(env->st, env->now, source,
	    "report-received", key) != 0)
		id = -1;
	free(people);
	free(roles);
	return id;
}

/*
 * Stores items[0..n) in one transaction.  0 when all were committed; 1
 * when item *bad could not be stored (everything was rolled back); -1
 * when the transaction itself failed.  Numbers are set only on 0.
 */
static int
store_batch(const struct reports_env *env, struct reports_item *items,
    size_t n, size_t *bad)
{
	size_t i, k;

	if (store_begin(env->st) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		int64_t seen = 0;

		items[i].again = 0;
		items[i].received = env->now;
		if (items[i].key != NULL && (seen = store_intake_seen(env->st,
		    items[i].key, &items[i].received)) > 0) {
			items[i].number = seen;
			items[i].again = 1;
			continue;
		}
		if (seen == 0)
			items[i].number = store_one(env, items[i].source,
			    &items[i].r, &items[i].nrecipients);
		else
			items[i].number = -1;
		if (items[i].number > 0 && items[i].key != NULL &&
		    store_intake_seen_add(env->st, items[i].key,
		    items[i].number, env->now) != 0)
			items[i].number = -1;
		if (items[i].number <= 0)
			break;
	}
	if (i == n && store_commit(env->st) == 0)
		return 0;
	store_rollback(env->st);
	for (k = 0; k < n; k++) {
		items[k].number = -1;
		items[k].nrecipients = 0;
		items[k].again = 0;
	}
	if (i == n)
		return -1;
	*bad = i;
	return 1;
}

/*
 * A report that cannot be stored must not cost the others theirs.  Rather
 * than a savepoint per report (which copies every page a report touches,
 * a quarter of the cost of storing it), the batch is tried whole; only
 * when one item fails are the items before it, it alone, and the items
 * after it tried again, each group in a transaction of its own.  Returns
 * how many were stored.
 */
static size_t
store_items(const struct reports_env *env, struct reports_item *items,
    size_t n)
{
	size_t bad = 0;

	if (n == 0)
		return 0;
	switch (store_batch(env, items, n, &bad)) {
	case 0:
		return n;
	case -1:
		return 0;
	}
	if (n == 1)
		return 0;
	return store_items(env, items, bad) +
	    store_items(env, items + bad, 1) +
	    store_items(env, items + bad + 1, n - bad - 1);
}

int
reports_store(const struct reports_env *env, struct reports_item *items,
    size_t n)
{
	size_t i, stored;

	for (i = 0; i < n; i++) {
		items[i].number = -1;
		items[i].nrecipients = 0;
		items[i].again = 0;
	}
	stored = store_items(env, items, n);
	for (i = 0; i < n; i++)
		if (items[i].number > 0 && items[i].again)
			log_info("report: %lld received again from %s (stored "
			    "before); not stored or routed twice",
			    (long long)items[i].number, items[i].source);
		else if (items[i].number > 0)
			log_info("report: %lld received from %s, routed to "
			    "%zu recipient(s)", (long long)items[i].number,
			    items[i].source, items[i].nrecipients);
	if (stored < n)
		log_warnx("report: %zu of %zu report(s) could not be stored; "
		    "the senders were told to try again", n - stored, n);
	return (int)stored;
}

int
reports_submit(const struct reports_env *env, const char *source,
    const char *key, const char *json, size_t len, int64_t *number,
    time_t *received, struct concern_error *err)
{
	struct reports_item it;

	memset(&it, 0, sizeof(it));
	if (reports_parse(env->c, env->now, json, len, &it.r, err) != 0)
		return 1;
	it.source = source;
	it.key = key;
	reports_store(env, &it, 1);
	concern_report_free(&it.r);
	*number = it.number;
	*received = it.received;
	if (it.number <= 0)
		return -1;
	return it.again ? 2 : 0;
}

struct esc {
	int64_t	id;
	int	level;
	char	urgency[16];
};

struct esc_list {
	struct esc	*v;
	size_t		 n;
};

static void
esc_row_cb(void *arg, const struct store_escalation *row)
{
	struct esc_list *l = arg;
	struct esc *e;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	e = &l->v[l->n++];
	e->id = row->id;
	e->level = row->level;
	snprintf(e->urgency, sizeof(e->urgency), "%s",
	    row->urgency ? row->urgency : "");
}

/* A stored report as the workflow reads it (no description). */
struct report_row {
	struct concern_report	r;
	time_t			received;
	time_t			ack_due;
};

static void
report_row_cb(void *arg, int64_t id, const struct store_report *s)
{
	struct report_row *rr = arg;

	(void)id;
	memset(&rr->r, 0, sizeof(rr->r));
	rr->received = s->received_at;
	rr->ack_due = s->ack_due;
	calendar_parse_date(s->event_date, &rr->r.event_date);
	rr->r.unit = xstrdup(s->unit);
	rr->r.place_type = (enum concern_place)concern_lookup(
	    concern_place_names, CONCERN_NPLACES, s->place_type);
	rr->r.kind = (enum concern_kind)concern_lookup(concern_kind_names,
	    CONCERN_NKINDS, s->kind);
	rr->r.milieu = (enum concern_milieu)concern_lookup(
	    concern_milieu_names, CONCERN_NMILIEUS, s->milieu);
	rr->r.urgency = (enum concern_urgency)concern_lookup(
	    concern_urgency_names, CONCERN_NURGENCIES, s->urgency);
	rr->r.concerns_minor = s->concerns_minor;
	rr->r.police_informed = s->police_informed;
	rr->r.social_services_informed = s->social_services_informed;
}

/*
 * The people an escalation at `level` goes to: the routing file's
 * escalate list (deputy, then the district director, by default).
 */
static size_t
escalation_people(const struct config *c, int level,
    const struct person ***people, const char ***roles)
{
	size_t n = 0, k;
	const char *id;
	const struct role *role;

	*people = NULL;
	*roles = NULL;
	if (c->routing == NULL || (size_t)level >= c->routing->nescalate)
		id = level == 0 ? ROUTE_DEPUTY : NULL;
	else
		id = c->routing->escalate[level];
	if (id == NULL)
		return 0;
	if (strcmp(id, ROUTE_DEPUTY) == 0)
		add_person(people, roles, &n, &c->org.deputy, ROUTE_DEPUTY);
	else if (strcmp(id, ROUTE_COORDINATOR) == 0)
		add_person(people, roles, &n, &c->org.coordinator,
		    ROUTE_COORDINATOR);
	else if ((role = org_role(&c->org, id)) != NULL)
		for (k = 0; k < role->npeople; k++)
			add_person(people, roles, &n, &role->people[k],
			    role->id);
	return n;
}

int
reports_escalate(const struct reports_env *env)
{
	const struct config *c = env->c;
	struct esc_list l = { 0 };
	size_t i, k, levels;
	int sent = 0;

	if (store_report_escalations_due(env->st, env->now, esc_row_cb,
	    &l) != 0)
		return -1;
	levels = c->routing ? c->routing->nescalate : 1;
	for (i = 0; i < l.n; i++) {
		struct esc *e = &l.v[i];
		struct report_row rr = { 0 };
		const struct person **people = NULL;
		const char **roles = NULL;
		time_t next = 0;
		size_t n;
		char key[64], when[17];
		int ok = 1;

		if (store_report_read(env->st, e->id, report_row_cb, &rr) != 1)
			continue;
		n = escalation_people(c, e->level, &people, &roles);
		/* The next level gets as long again as the first deadline. */
		if ((size_t)e->level + 1 < levels)
			next = reports_ack_due(c, &rr.r, env->now);
		if (store_begin(env->st) != 0)
			ok = 0;
		for (k = 0; ok && k < n; k++) {
			struct template_ctx *t = template_ctx_new();

			report_ctx(t, c, e->id, &rr.r, rr.ack_due,
			    people[k]->name);
			reader_ctx(t, c, &rr.r, people[k], roles[k]);
			calendar_format_local(rr.received, when);
			template_ctx_set(t, "report.received", when);
			snprintf(key, sizeof(key), "report|%lld|escalation|%d|%zu",
			    (long long)e->id, e->level, k);
			if (remind_queue(env->st, c, env->now, key,
			    "concern-escalation", tpl_for(env, people[k],
			    TEMPLATE_CONCERN_ESCALATION), t, people[k]->name,
			    people[k]->email, 0) < 0 ||
			    store_report_route_add(env->st, e->id,
			    people[k]->email, roles[k]) != 0)
				ok = 0;
			template_ctx_free(t);
		}
		snprintf(key, sizeof(key), "report %lld", (long long)e->id);
		if (ok && store_report_set_escalation(env->st, e->id,
		    e->level + 1, next) == 0 && store_audit(env->st, env->now,
		    "planwatchd", "report-escalated", key) == 0 &&
		    store_commit(env->st) == 0) {
			sent++;
			log_info("report: %lld not acknowledged in time; "
			    "escalated (level %d)", (long long)e->id,
			    e->level + 1);
		} else
			store_rollback(env->st);
		free(people);
		free(roles);
		concern_report_free(&rr.r);
	}
	free(l.v);
	return sent;
}

time_t
reports_next(const struct reports_env *env)
{
	time_t next;

	if (store_report_next_escalation(env->st, &next) != 1)
		return 0;
	return next;
}
