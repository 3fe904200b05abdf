/*
 * webapp: the pages' handlers.
 *
 * Who may do what is decided twice, on purpose.  A link opens only its
 * own scope -- the items of its message, or the activities of its person
 * -- and a form posted under it may name only an item in that scope that
 * the person is responsible for (so the coordinator's link cannot report
 * for others by editing a form); followup_record() then applies the same
 * authorisation as for planwatchctl.  A form carries a token bound to
 * its link, and a POST whose Origin or Sec-Fetch-Site says it came from
 * another site is refused: no cookies are involved anywhere, so a link
 * is the only credential, and it never leaves the page in a Referer.
 *
 * Nothing a request says is logged but numbers: the person's link
 * number, the activity id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "conf.h"
#include "followup.h"
#include "http_page.h"
#include "ics.h"
#include "link.h"
#include "log.h"
#include "page.h"
#include "pii.h"
#include "plan.h"
#include "remind.h"
#include "sched.h"
#include "store.h"
#include "template.h"
#include "util.h"
#include "web.h"
#include "webapp.h"
#include "weblink.h"

/* Occurrences an activity can have that a page looks at. */
#define MAX_OCC		64
/* Reported occurrences this recent may still be reported again. */
#define AMEND_DAYS	120
/* Future occurrences further off than this are not listed. */
#define AHEAD_DAYS	400

struct webapp {
	struct web_rate	*rate;		/* requests, per minute */
	struct web_rate	*renew;		/* fresh links, per hour */
};

struct webapp *
webapp_new(void)
{
	struct webapp *w = xcalloc(1, sizeof(*w));

	w->rate = web_rate_new(4096, 60 * 1000);
	w->renew = web_rate_new(1024, 3600 * 1000);
	return w;
}

void
webapp_free(struct webapp *w)
{
	if (w == NULL)
		return;
	web_rate_free(w->rate);
	web_rate_free(w->renew);
	free(w);
}

/* ---- rendering ---------------------------------------------------------- */

static int
lang_en(const struct person *p)
{
	return p != NULL && p->lang != NULL && strcmp(p->lang, "en") == 0;
}

static int
today(time_t now)
{
	int day, minute;

	calendar_utc_to_local(now, &day, &minute);
	return day;
}

/* The values every page has. */
static struct template_ctx *
base_ctx(const struct webapp_env *e, const struct person *p, int en)
{
	struct template_ctx *t = template_ctx_new();

	template_ctx_set(t, "lang", en ? "en" : "sv");
	template_ctx_set(t, "root", e->c->web.root);
	template_ctx_set(t, "committee", e->c->org.committee);
	template_ctx_set(t, "coordinator.name", e->c->org.coordinator.name);
	template_ctx_set(t, "coordinator.email", e->c->org.coordinator.email);
	template_ctx_set(t, "recipient.name", p != NULL ? p->name : "");
	template_ctx_set(t, "page.link", "");
	return t;
}

/* Renders a page into the response and frees `t`. */
static void
finish(struct http_response *r, const struct webapp_env *e,
    enum page_kind kind, int en, struct template_ctx *t, int status)
{
	char *doc = page_render(e->pages, kind, en, t);

	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	buf_adds(&r->headers, http_security_headers);
	/* Personal pages are never kept by a browser or a proxy. */
	buf_adds(&r->headers, "Cache-Control: no-store\r\n");
	buf_adds(&r->body, doc);
	free(doc);
	template_ctx_free(t);
}

/*
 * An error page: `flag` names what went wrong for the template
 * ("notfound", "method", ...); `extra` is header lines or NULL.
 */
static void
error_page(struct http_response *r, const struct webapp_env *e, int status,
    const char *flag, const char *extra, int en)
{
	struct template_ctx *t = base_ctx(e, NULL, en);

	template_ctx_set_int(t, "status", status);
	template_ctx_set(t, flag, "1");
	if (extra != NULL && strncmp(extra, "Retry-After: ", 13) == 0)
		template_ctx_setf(t, "retry_after", "%.*s",
		    (int)strcspn(extra + 13, "\r"), extra + 13);
	if (extra != NULL)
		buf_adds(&r->headers, extra);
	finish(r, e, PAGE_ERROR, en, t, status);
}

/* "YYYY-MM-DD HH:MM" local. */
static void
local_time(time_t t, char out[17])
{
	calendar_format_local(t, out);
}


/* ---- what a person is responsible for ----------------------------------- */

/* An activity by id: its plan and index, or NULL. */
static const struct activity *
find_activity(const struct config *c, const char *id, size_t *pp, size_t *pa)
{
	const struct activity *a;
	size_t p;

	for (p = 0; p < c->nplans; p++)
		if ((a = plan_find_activity(&c->plans[p], id)) != NULL) {
			*pp = p;
			*pa = (size_t)(a - c->plans[p].activities);
			return a;
		}
	return NULL;
}

/* The roles of activity [p][a] that `who` holds (or deputises). */
static size_t
held_roles(const struct config *c, size_t p, size_t a,
    const struct person *who, const struct role **out)
{
	const struct activity_roles *ar = &c->roles[p][a];
	size_t k, n = 0;

	for (k = 0; k < ar->nroles && n < SCHED_MAX_PARTS; k++)
		if (followup_holds(ar->roles[k], who))
			out[n++] = ar->roles[k];
	return n;
}

/* The newest report covering any of `roles` for an occurrence. */
static const struct followup_row *
newest_report(const struct followups *fs, const char *activity,
    const char *occ, const struct role *const *roles, size_t n)
{
	const struct followup_row *best = NULL, *r;
	size_t k;

	for (k = 0; k < n; k++) {
		r = followups_find(fs, activity, occ, roles[k]->id);
		if (r != NULL && (best == NULL || r->id > best->id))
			best = r;
	}
	return best;
}

/* The role names as "A, B". */
static void
role_names(const struct role *const *roles, size_t n, struct buf *b)
{
	size_t k;

	for (k = 0; k < n; k++)
		buf_printf(b, "%s%s", k ? ", " : "", roles[k]->name);
}

/* Who reported, as a person reads it: the name in "login (Name)". */
static void
reporter_name(const struct followup_row *r, char *out, size_t len)
{
	const char *open = strrchr(r->reported_by, '(');
	size_t n;

	if (open != NULL && (n = strlen(open + 1)) > 1 && open[n] == ')')
		snprintf(out, len, "%.*s", (int)(n - 1), open + 1);
	else
		snprintf(out, len, "%s", r->reported_by);
}

/* An occurrence's due day among the activity's, or CALENDAR_NODATE. */
static int
occurrence_due(const struct config *c, size_t p, const struct activity *a,
    const char *occ)
{
	char names[MAX_OCC][32];
	int due[MAX_OCC];
	size_t n, i;

	n = followup_occurrences(c, &c->plans[p], a, names, due, MAX_OCC);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], occ) == 0)
			return due[i];
	return CALENDAR_NODATE;
}

/* ---- the items of a message ---------------------------------------------- */

struct item {
	const struct activity	*a;
	size_t			 p, ai;
	char			 occ[32];
	int			 due;
};

struct items {
	struct item		*v;
	size_t			 n;
	const char		*email;		/* the link's person */
	int			 foreign;	/* a row for someone else */
	const struct config	*c;
};

static void
item_row_cb(void *arg, const struct store_item *row)
{
	struct items *l = arg;
	const struct activity *a;
	struct item *it;
	size_t p, ai, i;

	if (row->recipient == NULL ||
	    strcasecmp(row->recipient, l->email) != 0) {
		l->foreign = 1;
		return;
	}
	/* A plan revision, or an activity no longer in the plan. */
	if (row->activity == NULL || row->occurrence == NULL ||
	    strlen(row->occurrence) >= sizeof(it->occ) ||
	    (a = find_activity(l->c, row->activity, &p, &ai)) == NULL)
		return;
	for (i = 0; i < l->n; i++)
		if (l->v[i].a == a && strcmp(l->v[i].occ, row->occurrence) == 0)
			return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	it = &l->v[l->n++];
	it->a = a;
	it->p = p;
	it->ai = ai;
	snprintf(it->occ, sizeof(it->occ), "%s", row->occurrence);
	it->due = occurrence_due(l->c, p, a, it->occ);
}

/* As remind.c orders a message: nearest event first. */
static int
item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int r;

	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	if ((r = strcmp(a->a->id, b->a->id)) != 0)
		return r;
	return strcmp(a->occ, b->occ);
}

/*
 * The items of message `mid` for `email`, in the message's order.  0, or
 * -1 when the store failed or the message is not the person's.
 */
static int
message_items(const struct webapp_env *e, int64_t mid, const char *email,
    struct items *l)
{
	memset(l, 0, sizeof(*l));
	l->email = email;
	l->c = e->c;
	if (store_message_items(e->st, mid, item_row_cb, l) != 0 ||
	    l->foreign) {
		free(l->v);
		memset(l, 0, sizeof(*l));
		return -1;
	}
	qsort(l->v, l->n, sizeof(*l->v), item_cmp);
	return 0;
}

/* ---- a link ----------------------------------------------------------- */

/* A link checked and found usable, with its person. */
struct req {
	struct weblink		 wl;
	const struct person	*person;
	int			 en;
	char			*self;		/* the link's URL */
	char			*page;		/* the person's page */
	char			 form[LINK_FORM_LEN + 1];
};

static void
req_free(struct req *q)
{
	free(q->self);
	free(q->page);
}

/* The page for a link that cannot be used. */
static void
gone_page(struct http_response *r, const struct webapp_env *e,
    const struct weblink *wl, const struct web_match *m,
    const struct person *p)
{
	struct template_ctx *t;
	char form[LINK_FORM_LEN + 1];
	int en = lang_en(p), status;

	t = base_ctx(e, NULL, en);
	template_ctx_setf(t, "renew.link", "%s/ny-lank", e->c->web.root);
	switch (wl->state) {
	case LINK_EXPIRED:
		/* Authentic and only old: one click sends a fresh one. */
		template_ctx_set(t, "expired", "1");
		template_ctx_setf(t, "renew.action", "%s/l/%.*s/ny",
		    e->c->web.root, (int)m->token_len, m->token);
		link_form_token(e->signer, wl->payload, form);
		template_ctx_set(t, "form.token", form);
		status = 410;
		break;
	case LINK_REVOKED:
		template_ctx_set(t, "revoked", "1");
		status = 410;
		break;
	default:
		template_ctx_set(t, "bad", "1");
		status = 404;
		break;
	}
	finish(r, e, PAGE_GONE, en, t, status);
}

/*
 * Checks the link of a request for a page.  1 with *q filled when it may
 * be used; 0 after answering (the page that says why).
 */
static int
open_link(struct http_response *r, const struct webapp_env *e,
    const struct web_match *m, int want_feed, struct req *q)
{
	memset(q, 0, sizeof(*q));
	if (weblink_check(e->st, e->signer, m->token, m->token_len, e->now,
	    &q->wl) != 0) {
		error_page(r, e, 503, "failed", "Retry-After: 5\r\n", 0);
		return 0;
	}
	if (q->wl.person.id != 0)
		q->person = org_person_by_email(&e->c->org,
		    q->wl.person.email);
	/* A feed's link opens no page, and a page's link is no feed. */
	if (q->wl.state != LINK_BAD &&
	    (q->wl.link.kind == LINK_FEED) != want_feed)
		q->wl.state = LINK_BAD;
	/* Someone no longer in the organisation has no page. */
	if (q->wl.state == LINK_VALID && q->person == NULL)
		q->wl.state = LINK_REVOKED;
	if (q->wl.state != LINK_VALID) {
		gone_page(r, e, &q->wl, m, q->person);
		return 0;
	}
	q->en = lang_en(q->person);
	q->self = xasprintf("%s/l/%.*s", e->c->web.base_url,
	    (int)m->token_len, m->token);
	q->page = q->wl.link.kind == LINK_PAGE ? xstrdup(q->self) :
	    weblink_url_for(&e->c->web, e->signer, LINK_PAGE, &q->wl.person,
	    0, e->now);
	link_form_token(e->signer, q->wl.payload, q->form);
	return 1;
}

/* The values of a link's page every page of it has. */
static struct template_ctx *
link_ctx(const struct webapp_env *e, const struct req *q)
{
	struct template_ctx *t = base_ctx(e, q->person, q->en);
	char date[17];

	template_ctx_set(t, "page.link", q->page);
	local_time(q->wl.link.expires, date);
	date[10] = '\0';
	template_ctx_set(t, "expires", date);
	return t;
}

/* ---- GET: a message's items -------------------------------------------- */

/* The fields of one item, to report or to read. */
static void
item_fields(struct template_ctx *it, const struct webapp_env *e,
    const struct req *q, const struct followups *fs, const struct item *x,
    int number, int day)
{
	const struct role *mine[SCHED_MAX_PARTS];
	const struct followup_row *rep;
	struct buf roles = { 0 };
	char label[96], due_in[48], by[32], date[17], prefix[16], who[256];
	size_t n;

	template_ctx_set_int(it, "number", number);
	template_ctx_setf(it, "anchor", "punkt-%d", number);
	template_ctx_set(it, "activity.id", x->a->id);
	template_ctx_set(it, "activity.title", x->a->title);
	template_ctx_set(it, "plan.title", e->c->plans[x->p].title);
	template_ctx_set(it, "occurrence", x->occ);
	sched_occurrence_label(x->occ, q->en, label, sizeof(label));
	template_ctx_set(it, "checkpoint.name", label);
	date[0] = '\0';
	if (x->due != CALENDAR_NODATE) {
		calendar_format(x->due, date);
		remind_due_words(x->due - day, q->en, due_in, sizeof(due_in),
		    by, sizeof(by));
		template_ctx_set(it, "due_in", due_in);
		template_ctx_set(it, "overdue", *by ? "1" : "");
		template_ctx_set(it, "overdue_by", by);
	}
	template_ctx_set(it, "checkpoint.due", date);
	n = held_roles(e->c, x->p, x->ai, q->person, mine);
	role_names(mine, n, &roles);
	template_ctx_set(it, "role", roles.s);
	template_ctx_set(it, "may_report", n > 0 ? "1" : "");
	if (n == 0) {
		/* For information: the responsible reports it. */
		const struct activity_roles *ar = &e->c->roles[x->p][x->ai];

		buf_reset(&roles);
		role_names((const struct role *const *)ar->roles, ar->nroles,
		    &roles);
		template_ctx_set(it, "info", roles.s);
	}
	rep = newest_report(fs, x->a->id, x->occ, mine, n);
	template_ctx_set(it, "reported", rep != NULL ? "1" : "");
	if (rep != NULL) {
		template_ctx_set(it, "reported.status",
		    followup_status_label(rep->status, q->en));
		local_time(rep->at, date);
		template_ctx_set(it, "reported.at", date);
		reporter_name(rep, who, sizeof(who));
		template_ctx_set(it, "reported.by", who);
		template_ctx_set(it, "reported.comment", rep->comment);
		template_ctx_set(it, "comment", rep->comment);
	}
	template_ctx_set(it, "form.token", q->form);
	snprintf(prefix, sizeof(prefix), "s%d", number);
	page_statuses(it, prefix, rep != NULL ? rep->status : NULL, q->en);
	buf_free(&roles);
}

static void
message_page(struct http_response *r, const struct webapp_env *e,
    const struct req *q)
{
	struct template_ctx *t, *it;
	struct followups *fs;
	struct items l;
	size_t i;
	int day = today(e->now);

	if (message_items(e, (int64_t)q->wl.link.message, q->wl.person.email,
	    &l) != 0) {
		error_page(r, e, 404, "notfound", NULL, q->en);
		return;
	}
	if ((fs = followups_load(e->st)) == NULL) {
		free(l.v);
		error_page(r, e, 503, "failed", "Retry-After: 5\r\n", q->en);
		return;
	}
	t = link_ctx(e, q);
	template_ctx_set_int(t, "count", (long long)l.n);
	for (i = 0; i < l.n; i++) {
		it = template_ctx_list_add(t, "items");
		item_fields(it, e, q, fs, &l.v[i], (int)i + 1, day);
	}
	finish(r, e, PAGE_ITEMS, q->en, t, 200);
	followups_free(fs);
	free(l.v);
}

/* ---- GET: Mina aktiviteter ----------------------------------------- */

/* One activity of the person's page. */
static void
activity_fields(struct template_ctx *it, const struct webapp_env *e,
    const struct req *q, const struct followups *fs, size_t p, size_t ai,
    int number, int day)
{
	const struct plan *pl = &e->c->plans[p];
	const struct activity *a = &pl->activities[ai];
	const struct role *mine[SCHED_MAX_PARTS];
	const struct followup_row *rep, *why;
	struct template_ctx *o;
	struct buf roles = { 0 };
	char names[MAX_OCC][32], label[96], date[17], due_in[48], by[32];
	char who[256], prefix[16], *choice;
	int due[MAX_OCC], next = -1, closed, nchoices = 0, selected = 0;
	size_t n, nocc, i;

	n = held_roles(e->c, p, ai, q->person, mine);
	template_ctx_set_int(it, "number", number);
	template_ctx_setf(it, "anchor", "aktivitet-%d", number);
	template_ctx_set(it, "activity.id", a->id);
	template_ctx_set(it, "activity.title", a->title);
	template_ctx_set(it, "plan.title", pl->title);
	role_names(mine, n, &roles);
	template_ctx_set(it, "role", roles.s);
	buf_free(&roles);
	template_ctx_set(it, "section", plan_section_name(a->section));
	closed = followups_closed(fs, pl, a, n > 0 ? mine[0]->id : NULL,
	    &why) != FOLLOWUP_OPEN;
	if (closed)
		template_ctx_set(it, "closed", followup_status_label(
		    why != NULL ? why->status : "done", q->en));
	nocc = followup_occurrences(e->c, pl, a, names, due, MAX_OCC);
	for (i = 0; i < nocc; i++)
		if (due[i] >= day && (next < 0 || due[i] < due[next]))
			next = (int)i;
	if (next >= 0) {
		sched_occurrence_label(names[next], q->en, label,
		    sizeof(label));
		template_ctx_set(it, "next.name", label);
		calendar_format(due[next], date);
		template_ctx_set(it, "next.due", date);
		remind_due_words(due[next] - day, q->en, due_in,
		    sizeof(due_in), by, sizeof(by));
		template_ctx_set(it, "next.due_in", due_in);
	}
	for (i = 0; i < nocc; i++) {
		if (due[i] > day + AHEAD_DAYS)
			continue;
		rep = newest_report(fs, a->id, names[i], mine, n);
		o = template_ctx_list_add(it, "occurrences");
		sched_occurrence_label(names[i], q->en, label, sizeof(label));
		template_ctx_set(o, "name", label);
		calendar_format(due[i], date);
		template_ctx_set(o, "due", date);
		template_ctx_set(o, "state", rep != NULL ? "reported" :
		    due[i] < day ? "missing" : "open");
		template_ctx_set(o, "overdue", rep == NULL && due[i] < day ?
		    "1" : "");
		if (rep != NULL) {
			template_ctx_set(o, "status", followup_status_label(
			    rep->status, q->en));
			local_time(rep->at, date);
			template_ctx_set(o, "at", date);
			reporter_name(rep, who, sizeof(who));
			template_ctx_set(o, "by", who);
			template_ctx_set(o, "comment", rep->comment);
		}
		/*
		 * What the form offers: what is overdue or next, and what
		 * was reported lately (to correct it); the first open one
		 * is chosen.
		 */
		if (closed || n == 0 || (next >= 0 && due[i] > due[next]) ||
		    (rep != NULL && due[i] < day - AMEND_DAYS))
			continue;
		o = template_ctx_list_add(it, "choices");
		template_ctx_set(o, "value", names[i]);
		calendar_format(due[i], date);
		/* "end date 2019-09-01" names its date already. */
		choice = xasprintf("%s%s%s%s%s", label, strstr(label, date) ?
		    "" : " (", strstr(label, date) ? "" : date,
		    strstr(label, date) ? "" : ")", rep != NULL ? (q->en ?
		    ", reported" : ", rapporterad") : "");
		template_ctx_set(o, "label", choice);
		free(choice);
		template_ctx_set(o, "selected", rep == NULL && !selected ?
		    "1" : "");
		selected |= rep == NULL;
		nchoices++;
	}
	template_ctx_set(it, "may_report", nchoices > 0 ? "1" : "");
	template_ctx_set(it, "form.token", q->form);
	snprintf(prefix, sizeof(prefix), "a%d", number);
	page_statuses(it, prefix, NULL, q->en);
}

static void
person_page(struct http_response *r, const struct webapp_env *e,
    const struct req *q)
{
	const struct role *mine[SCHED_MAX_PARTS];
	struct template_ctx *t, *it;
	struct followups *fs;
	char *feed, date[11];
	size_t p, a;
	int n = 0, day = today(e->now);

	if ((fs = followups_load(e->st)) == NULL) {
		error_page(r, e, 503, "failed", "Retry-After: 5\r\n", q->en);
		return;
	}
	t = link_ctx(e, q);
	calendar_format(day, date);
	template_ctx_set(t, "today", date);
	feed = weblink_url_for(&e->c->web, e->signer, LINK_FEED,
	    &q->wl.person, 0, e->now);
	template_ctx_set(t, "feed.link", feed);
	free(feed);
	for (p = 0; p < e->c->nplans; p++)
		for (a = 0; a < e->c->plans[p].nactivities; a++) {
			if (e->c->plans[p].activities[a].status !=
			    ACTIVITY_ACTIVE ||
			    held_roles(e->c, p, a, q->person, mine) == 0)
				continue;
			it = template_ctx_list_add(t, "activities");
			activity_fields(it, e, q, fs, p, a, ++n, day);
		}
	template_ctx_set_int(t, "count", n);
	finish(r, e, PAGE_PERSON, q->en, t, 200);
	followups_free(fs);
}

/* ---- POST: a report --------------------------------------------------- */

/* Whether (activity, occurrence) is in the link's scope. */
static int
in_scope(const struct webapp_env *e, const struct req *q, const char *act,
    const char *occ, size_t *p, size_t *ai)
{
	const struct activity *a;
	struct items l;
	size_t i;
	int found = 0;

	if ((a = find_activity(e->c, act, p, ai)) == NULL ||
	    a->status != ACTIVITY_ACTIVE)
		return 0;
	if (q->wl.link.kind == LINK_PAGE)
		return occurrence_due(e->c, *p, a, occ) != CALENDAR_NODATE;
	if (message_items(e, (int64_t)q->wl.link.message, q->wl.person.email,
	    &l) != 0)
		return 0;
	for (i = 0; i < l.n; i++)
		if (l.v[i].a == a && strcmp(l.v[i].occ, occ) == 0)
			found = 1;
	free(l.v);
	return found;
}

/* One of the statuses a report may have (not "reopened"). */
static int
status_ok(const char *s)
{
	return strcmp(s, "done") == 0 || strcmp(s, "on-track") == 0 ||
	    strcmp(s, "delayed") == 0 || strcmp(s, "cancelled") == 0;
}

/* Whether a report may carry this comment. */
static int
comment_ok(const char *comment)
{
	struct pii_hit hit;

	if (strlen(comment) > WEB_COMMENT_MAX)
		return 0;
	/*
	 * Follow-up comments are read by the coordinator and listed with
	 * planwatchctl: an identity number has no place there either.
	 */
	if (pii_scan(comment, strlen(comment), &hit) &&
	    (hit.kind == PII_PERSONNUMMER ||
	    hit.kind == PII_SAMORDNINGSNUMMER))
		return 0;
	return 1;
}

static void
report(struct http_response *r, const struct webapp_env *e,
    const struct http_request *hq, const struct req *q)
{
	const struct role *mine[SCHED_MAX_PARTS];
	const struct followup_row *before;
	struct followup_caller caller;
	struct followup_report rep;
	struct followup_result res;
	struct template_ctx *t;
	struct followups *fs;
	struct buf parts = { 0 };
	char *tok, *act, *occ, *status, *comment, label[96], date[17];
	size_t p, ai, n, k;
	int rc;

	tok = web_form_get(hq->body, hq->body_len, "t");
	act = web_form_get(hq->body, hq->body_len, "activity");
	occ = web_form_get(hq->body, hq->body_len, "occurrence");
	status = web_form_get(hq->body, hq->body_len, "status");
	comment = web_form_get(hq->body, hq->body_len, "comment");
	if (tok == NULL || !link_form_check(e->signer, q->wl.payload, tok,
	    strlen(tok))) {
		error_page(r, e, 403, "forbidden", NULL, q->en);
		goto out;
	}
	if (act == NULL || occ == NULL || status == NULL ||
	    !status_ok(status) || (comment != NULL && !comment_ok(comment))) {
		error_page(r, e, 400, "badform", NULL, q->en);
		goto out;
	}
	if (!in_scope(e, q, act, occ, &p, &ai) ||
	    (n = held_roles(e->c, p, ai, q->person, mine)) == 0) {
		log_info("web: a report refused for link person %lld: not "
		    "in the link's scope", (long long)q->wl.person.id);
		error_page(r, e, 403, "forbidden", NULL, q->en);
		goto out;
	}
	if ((fs = followups_load(e->st)) == NULL) {
		error_page(r, e, 503, "failed", "Retry-After: 5\r\n", q->en);
		goto out;
	}
	before = newest_report(fs, act, occ, mine, n);
	t = link_ctx(e, q);
	if (before != NULL) {
		template_ctx_set(t, "updated", "1");
		template_ctx_set(t, "previous.status",
		    followup_status_label(before->status, q->en));
		local_time(before->at, date);
		template_ctx_set(t, "previous.at", date);
	}
	followups_free(fs);
	memset(&caller, 0, sizeof(caller));
	caller.person = q->person;
	caller.actor = q->person->user != NULL ? q->person->user :
	    q->person->email;
	caller.channel = FOLLOWUP_CHANNEL_WEB;
	memset(&rep, 0, sizeof(rep));
	rep.activity = act;
	rep.occurrence = occ;
	rep.status = status;
	rep.comment = comment != NULL && *strtrim(comment) != '\0' ?
	    comment : NULL;
	rc = followup_record(e->st, e->c, e->now, &caller, &rep, &res);
	if (rc != FOLLOWUP_RECORDED) {
		template_ctx_free(t);
		if (rc == FOLLOWUP_REFUSED)
			log_info("web: report on %s refused for link person "
			    "%lld", act, (long long)q->wl.person.id);
		error_page(r, e, rc == FOLLOWUP_REFUSED ? 403 : 503,
		    rc == FOLLOWUP_REFUSED ? "forbidden" : "failed",
		    rc == FOLLOWUP_REFUSED ? NULL : "Retry-After: 5\r\n",
		    q->en);
		goto out;
	}
	template_ctx_set(t, "activity.id", act);
	template_ctx_set(t, "activity.title", e->c->plans[p].activities[ai].
	    title);
	sched_occurrence_label(res.occurrence, q->en, label, sizeof(label));
	template_ctx_set(t, "checkpoint.name", label);
	template_ctx_set(t, "status", followup_status_label(status, q->en));
	template_ctx_set(t, "comment", rep.comment);
	for (k = 0; k < res.nparts; k++)
		buf_printf(&parts, "%s%s", k ? ", " : "", res.parts[k]->name);
	template_ctx_set(t, "parts", parts.s);
	buf_free(&parts);
	template_ctx_set(t, "back.link", q->self);
	finish(r, e, PAGE_RECEIPT, q->en, t, 200);
out:
	free(tok);
	free(act);
	free(occ);
	free(status);
	free(comment);
}

/* ---- fresh links ------------------------------------------------------ */

/*
 * Mails `who` a fresh link to their own page, unless one went out less
 * than WEB_RENEW_INTERVAL ago.  Says nothing either way: the caller
 * answers the same page whatever happened.
 */
static void
send_fresh(const struct webapp_env *e, const struct person *who)
{
	struct store_web_person wp;
	struct template_ctx *t;
	char *url, when[17], key[96], obj[48];
	int en = lang_en(who), ok;

	if (store_web_person(e->st, who->email, 1, &wp) != 1)
		return;
	if (wp.renewed_at != 0 && e->now >= wp.renewed_at &&
	    e->now - wp.renewed_at < WEB_RENEW_INTERVAL)
		return;
	if ((url = weblink_url_for(&e->c->web, e->signer, LINK_PAGE, &wp, 0,
	    e->now)) == NULL)
		return;
	t = template_ctx_new();
	template_ctx_set(t, "recipient.name", who->name);
	template_ctx_set(t, "committee", e->c->org.committee);
	template_ctx_set(t, "coordinator.name", e->c->org.coordinator.name);
	template_ctx_set(t, "coordinator.email", e->c->org.coordinator.email);
	template_ctx_set(t, "late", "");
	local_time(e->now, when);
	template_ctx_set(t, "scheduled", when);
	template_ctx_set(t, "page.link", url);
	local_time(e->now + (time_t)e->c->web.link_days * 86400, when);
	template_ctx_set(t, "expires", when);
	snprintf(key, sizeof(key), "link|%lld|%lld", (long long)wp.id,
	    (long long)e->now);
	snprintf(obj, sizeof(obj), "person %lld", (long long)wp.id);
	ok = store_begin(e->st) == 0;
	if (ok && (remind_queue(e->st, e->c, e->now, key, "link",
	    e->tpl->t[en][TEMPLATE_LINK], t, who->name, who->email, 0) < 0 ||
	    store_web_renewed(e->st, wp.id, e->now) != 0 ||
	    store_audit(e->st, e->now, "web", "link-renew", obj) != 0 ||
	    store_commit(e->st) != 0)) {
		store_rollback(e->st);
		ok = 0;
	}
	if (ok) {
		log_info("web: a fresh link mailed to link person %lld",
		    (long long)wp.id);
		if (e->queued != NULL)
			e->queued(e->arg);
	}
	template_ctx_free(t);
	free(url);
}

/* The page after asking for a fresh link: the same whatever happened. */
static void
sent_page(struct http_response *r, const struct webapp_env *e, int en)
{
	struct template_ctx *t = base_ctx(e, NULL, en);

	template_ctx_set(t, "sent", "1");
	template_ctx_setf(t, "renew.action", "%s/ny-lank", e->c->web.root);
	finish(r, e, PAGE_RENEW, en, t, 200);
}

/* Takes one fresh-link request of the client; 0 after a 429. */
static int
renew_budget(struct webapp *w, struct http_response *r,
    const struct webapp_env *e, const unsigned char client[16],
    uint64_t now_ms, int en)
{
	char extra[64];
	unsigned wait;

	wait = web_rate_take(w->renew, client, e->c->web.renewals_per_hour,
	    now_ms);
	if (wait == 0)
		return 1;
	snprintf(extra, sizeof(extra), "Retry-After: %u\r\n", wait);
	error_page(r, e, 429, "ratelimited", extra, en);
	return 0;
}

/* POST /l/TOKEN/ny: a fresh link for an expired one. */
static void
link_renew(struct webapp *w, struct http_response *r,
    const struct webapp_env *e, const struct http_request *hq,
    const struct web_match *m, const unsigned char client[16])
{
	struct weblink wl;
	const struct person *who = NULL;
	char *tok;

	if (weblink_check(e->st, e->signer, m->token, m->token_len, e->now,
	    &wl) != 0) {
		error_page(r, e, 503, "failed", "Retry-After: 5\r\n", 0);
		return;
	}
	if (wl.person.id != 0)
		who = org_person_by_email(&e->c->org, wl.person.email);
	if ((wl.state != LINK_EXPIRED && wl.state != LINK_VALID) ||
	    wl.link.kind == LINK_FEED || who == NULL) {
		if (wl.state == LINK_VALID || wl.state == LINK_EXPIRED)
			wl.state = LINK_REVOKED;
		gone_page(r, e, &wl, m, who);
		return;
	}
	tok = web_form_get(hq->body, hq->body_len, "t");
	if (tok == NULL || !link_form_check(e->signer, wl.payload, tok,
	    strlen(tok))) {
		free(tok);
		error_page(r, e, 403, "forbidden", NULL, lang_en(who));
		return;
	}
	free(tok);
	if (!renew_budget(w, r, e, client, hq->now_ms, lang_en(who)))
		return;
	send_fresh(e, who);
	sent_page(r, e, lang_en(who));
}

/* GET and POST /ny-lank: a fresh link by address. */
static void
renew(struct webapp *w, struct http_response *r, const struct webapp_env *e,
    const struct http_request *hq, const struct web_match *m,
    const unsigned char client[16])
{
	struct template_ctx *t;
	const struct person *who;
	char *email;

	if (!m->post) {
		t = base_ctx(e, NULL, 0);
		template_ctx_setf(t, "renew.action", "%s/ny-lank",
		    e->c->web.root);
		finish(r, e, PAGE_RENEW, 0, t, 200);
		return;
	}
	/* Counted before the address is looked at, so it tells nothing. */
	if (!renew_budget(w, r, e, client, hq->now_ms, 0))
		return;
	email = web_form_get(hq->body, hq->body_len, "email");
	if (email != NULL && strlen(strtrim(email)) < 256 &&
	    (who = org_person_by_email(&e->c->org, email)) != NULL)
		send_fresh(e, who);
	free(email);
	sent_page(r, e, 0);
}

/* ---- the calendar feed ------------------------------------------------- */

static void
feed(struct http_response *r, const struct webapp_env *e,
    const struct web_match *m)
{
	struct followups *fs;
	struct req q;
	char *ics;

	if (!open_link(r, e, m, 1, &q))
		return;
	if ((fs = followups_load(e->st)) == NULL) {
		error_page(r, e, 503, "failed", "Retry-After: 5\r\n", q.en);
		req_free(&q);
		return;
	}
	ics = ics_person(e->c, fs, q.person, q.page, e->now, q.en);
	followups_free(fs);
	r->status = 200;
	r->content_type = "text/calendar; charset=utf-8";
	buf_adds(&r->headers, http_security_headers);
	buf_adds(&r->headers, "Cache-Control: no-store\r\n"
	    "Content-Disposition: inline; filename=\"planwatch.ics\"\r\n");
	buf_adds(&r->body, ics);
	free(ics);
	req_free(&q);
}

/* ---- the small pages ------------------------------------------------- */

static void
style(struct http_response *r, const struct webapp_env *e,
    const struct http_request *hq)
{
	const struct pages *pg = e->pages;

	r->content_type = "text/css; charset=utf-8";
	buf_adds(&r->headers, http_security_headers);
	buf_printf(&r->headers, "Cache-Control: public, max-age=3600\r\n"
	    "ETag: %s\r\n", pg->css_etag);
	if (hq->if_none_match != NULL &&
	    strstr(hq->if_none_match, pg->css_etag) != NULL) {
		r->status = 304;
		return;
	}
	r->status = 200;
	buf_add(&r->body, pg->css, pg->css_len);
}

static void
home(struct http_response *r, const struct webapp_env *e)
{
	struct template_ctx *t = base_ctx(e, NULL, 0);

	template_ctx_setf(t, "renew.link", "%s/ny-lank", e->c->web.root);
	finish(r, e, PAGE_HOME, 0, t, 200);
}

/*
 * Whether a form post may be taken: a form body, and not sent from
 * another site.  Browsers say where a request comes from in Origin (on
 * every POST) and Sec-Fetch-Site; a client that sends neither is no
 * browser a page of another site could drive.  Under our own
 * Referrer-Policy: no-referrer a browser sends "Origin: null" even from
 * our own page, and so does a sandboxed frame elsewhere: then only
 * Sec-Fetch-Site, which every browser that does so sends, can tell.
 */
static int
post_allowed(const struct webapp_env *e, const struct http_request *q)
{
	int same = q->sec_fetch_site != NULL &&
	    strcasecmp(q->sec_fetch_site, "same-origin") == 0;

	if (!web_is_form(q->content_type))
		return 0;
	if (q->origin != NULL && strcmp(q->origin, "null") == 0 && !same)
		return 0;
	if (q->origin != NULL && strcmp(q->origin, "null") != 0 &&
	    strcasecmp(q->origin, e->c->web.origin) != 0)
		return 0;
	if (q->sec_fetch_site != NULL &&
	    strcasecmp(q->sec_fetch_site, "same-origin") != 0 &&
	    strcasecmp(q->sec_fetch_site, "none") != 0)
		return 0;
	return 1;
}

void
webapp_serve(struct webapp *w, const struct webapp_env *e,
    const struct http_request *hq, struct http_response *r)
{
	struct web_match m;
	struct req q;
	unsigned char client[16];
	char extra[64], addr[64];
	unsigned wait;

	web_route(hq->method, hq->path, hq->path_len, &m);
	if (m.status == 404) {
		error_page(r, e, 404, "notfound", NULL, 0);
		return;
	}
	if (m.status == 405) {
		snprintf(extra, sizeof(extra), "Allow: %s\r\n", m.allow);
		error_page(r, e, 405, "method", extra, 0);
		return;
	}
	if (m.route == WEB_ROUTE_STYLE) {
		style(r, e, hq);
		return;
	}
	if (m.route == WEB_ROUTE_HOME) {
		home(r, e);
		return;
	}
	web_client(&e->c->web, hq->peer, hq->forwarded_for, client);
	wait = web_rate_take(w->rate, client, e->c->web.requests_per_minute,
	    hq->now_ms);
	if (wait != 0) {
		web_addr_format(client, addr, sizeof(addr));
		log_info("web: %s over %u requests a minute", addr,
		    e->c->web.requests_per_minute);
		snprintf(extra, sizeof(extra), "Retry-After: %u\r\n", wait);
		error_page(r, e, 429, "ratelimited", extra, 0);
		return;
	}
	if (m.post && !post_allowed(e, hq)) {
		error_page(r, e, 403, "forbidden", NULL, 0);
		return;
	}
	switch (m.route) {
	case WEB_ROUTE_LINK:
		if (!open_link(r, e, &m, 0, &q))
			return;
		if (m.post)
			report(r, e, hq, &q);
		else if (q.wl.link.kind == LINK_MESSAGE)
			message_page(r, e, &q);
		else
			person_page(r, e, &q);
		req_free(&q);
		return;
	case WEB_ROUTE_LINK_RENEW:
		link_renew(w, r, e, hq, &m, client);
		return;
	case WEB_ROUTE_FEED:
		feed(r, e, &m);
		return;
	case WEB_ROUTE_RENEW:
		renew(w, r, e, hq, &m, client);
		return;
	default:
		error_page(r, e, 404, "notfound", NULL, 0);
		return;
	}
}
