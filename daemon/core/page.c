/*
 * page: loads and renders the page templates.  The placeholder sets are
 * the contract between the code that fills a page (webapp.c) and the
 * templates admins may edit; docs/web.md lists them.  Core: the files
 * come through a struct source (source.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "source.h"
#include "template.h"
#include "util.h"

/* ---- the placeholder sets ------------------------------------------- */

/* Every page, the layout too. */
#define COMMON								\
	"lang", "root", "committee", "coordinator.name",		\
	"coordinator.email", "recipient.name", "page.link"

/* The radio buttons of a report form: one item per status. */
#define STATUS_VARS							\
	"item.value", "item.label", "item.id", "item.checked"

static const char *const vars_layout[] = {
	COMMON, "title", "content", NULL
};
static const char *const raw_layout[] = { "title", "content", NULL };

static const char *const vars_items[] = {
	COMMON, "count", "expires",
	"item.number", "item.anchor", "item.activity.id",
	"item.activity.title", "item.plan.title", "item.role",
	"item.checkpoint.name", "item.checkpoint.due", "item.occurrence",
	"item.due_in", "item.overdue", "item.overdue_by", "item.reported",
	"item.reported.status", "item.reported.at", "item.reported.by",
	"item.reported.comment", "item.may_report", "item.info",
	"item.form.token", "item.comment", STATUS_VARS, NULL
};
static const char *const lists_items[] = { "items", "statuses", NULL };

static const char *const vars_person[] = {
	COMMON, "count", "today", "feed.link", "expires",
	"item.number", "item.anchor", "item.activity.id",
	"item.activity.title", "item.plan.title", "item.role",
	"item.section", "item.next.name", "item.next.due", "item.next.due_in",
	"item.closed", "item.may_report", "item.form.token",
	/* occurrences */
	"item.name", "item.due", "item.state", "item.status", "item.at",
	"item.by", "item.comment", "item.overdue",
	/* choices */
	"item.selected",
	STATUS_VARS, NULL
};
static const char *const lists_person[] = {
	"activities", "occurrences", "choices", "statuses", NULL
};

static const char *const vars_receipt[] = {
	COMMON, "activity.id", "activity.title", "checkpoint.name", "status",
	"comment", "parts", "updated", "previous.status", "previous.at",
	"back.link", NULL
};

static const char *const vars_gone[] = {
	COMMON, "expired", "revoked", "bad", "renew.action", "form.token",
	"renew.link", NULL
};

static const char *const vars_renew[] = {
	COMMON, "sent", "renew.action", NULL
};

static const char *const vars_error[] = {
	COMMON, "status", "notfound", "method", "toolarge", "ratelimited",
	"forbidden", "badform", "failed", "retry_after", NULL
};

static const char *const vars_home[] = { COMMON, "renew.link", NULL };

static const char *const no_lists[] = { NULL };

static const struct {
	const char		*name;
	const char *const	*vars;
	const char *const	*lists;
} kinds[PAGE_NKINDS] = {
	[PAGE_LAYOUT] = { "layout", vars_layout, no_lists },
	[PAGE_ITEMS] = { "items", vars_items, lists_items },
	[PAGE_PERSON] = { "person", vars_person, lists_person },
	[PAGE_RECEIPT] = { "receipt", vars_receipt, no_lists },
	[PAGE_GONE] = { "gone", vars_gone, no_lists },
	[PAGE_RENEW] = { "renew", vars_renew, no_lists },
	[PAGE_ERROR] = { "error", vars_error, no_lists },
	[PAGE_HOME] = { "home", vars_home, no_lists },
};

static const char *const langs[2] = { "sv", "en" };

/* ---- loading ----------------------------------------------------------- */

/* A weak validator for the stylesheet: FNV-1a, 64 bits. */
static void
etag(const char *s, size_t n, char out[20])
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 20, "\"%016llx\"", (unsigned long long)h);
}

int
pages_load(struct pages *p, const struct source *src, const char *dir,
    struct diag *d)
{
	size_t before = d->nerrors;
	char *path;
	int l, k;

	memset(p, 0, sizeof(*p));
	for (l = 0; l < 2; l++)
		for (k = 0; k < PAGE_NKINDS; k++) {
			path = xasprintf("%s/%s/%s.html", dir, langs[l],
			    kinds[k].name);
			p->t[l][k] = template_load_html(src, path,
			    kinds[k].vars,
			    k == PAGE_LAYOUT ? raw_layout : NULL,
			    kinds[k].lists, d);
			free(path);
		}
	path = xasprintf("%s/planwatch.css", dir);
	if ((p->css = src->read(src->arg, path, &p->css_len)) == NULL)
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
	else
		etag(p->css, p->css_len, p->css_etag);
	free(path);
	if (d->nerrors != before) {
		pages_free(p);
		return -1;
	}
	return 0;
}

void
pages_free(struct pages *p)
{
	int l, k;

	if (p == NULL)
		return;
	for (l = 0; l < 2; l++)
		for (k = 0; k < PAGE_NKINDS; k++)
			template_free(p->t[l][k]);
	free(p->css);
	memset(p, 0, sizeof(*p));
}

char *
page_render(const struct pages *p, enum page_kind kind, int en,
    struct template_ctx *ctx)
{
	char *content, *title = NULL, *doc;

	en = en != 0;
	content = template_render(p->t[en][kind], ctx, &title);
	template_ctx_set(ctx, "title", title);
	template_ctx_set(ctx, "content", content);
	free(content);
	free(title);
	doc = template_render(p->t[en][PAGE_LAYOUT], ctx, NULL);
	/* The page's HTML is not kept in the context beyond the call. */
	template_ctx_set(ctx, "content", "");
	return doc;
}

/* ---- samples ------------------------------------------------------------ */

#define SAMPLE_ROOT	""
#define SAMPLE_LINK	"https://planwatch.skarpnack.example.org/l/" \
			"EQABAAAHAABekZuAAAAAKdMLNSW30E6kNIVBvqQj4cU"
#define SAMPLE_PAGE	"https://planwatch.skarpnack.example.org/l/" \
			"EgABAAAHAABekZuAAAAAAFiWFSvJNsuPJ5cTXmtgC8E"
#define SAMPLE_FEED	"https://planwatch.skarpnack.example.org/k/" \
			"EwABAAAHAABf2E6AAAAAAPq2qOXHzk8D1Pm3dPkzBxE.ics"
#define SAMPLE_FORM	"q0b3vYIB1tt4W-5E2mZ0Qw"

static void
sample_common(struct template_ctx *c, int en)
{
	template_ctx_set(c, "lang", en ? "en" : "sv");
	template_ctx_set(c, "root", SAMPLE_ROOT);
	template_ctx_set(c, "committee", "Skarpn\xc3\xa4" "cks "
	    "stadsdelsn\xc3\xa4mnd");
	template_ctx_set(c, "coordinator.name", "Samira Lindqvist");
	template_ctx_set(c, "coordinator.email",
	    "samordnare@skarpnack.example.org");
	template_ctx_set(c, "recipient.name", "Johan Ek");
	template_ctx_set(c, "page.link", SAMPLE_PAGE);
}

void
page_statuses(struct template_ctx *it, const char *prefix,
    const char *checked, int en)
{
	static const char *const values[] = {
		"done", "on-track", "delayed", "cancelled"
	};
	static const char *const sv[] = {
		"Genomf\xc3\xb6rd", "P\xc3\xa5g\xc3\xa5r enligt plan",
		"F\xc3\xb6rsenad", "Avbruten"
	};
	static const char *const eng[] = {
		"Done", "On track", "Delayed", "Cancelled"
	};
	struct template_ctx *s;
	size_t i;

	for (i = 0; i < nitems(values); i++) {
		s = template_ctx_list_add(it, "statuses");
		template_ctx_set(s, "value", values[i]);
		template_ctx_set(s, "label", en ? eng[i] : sv[i]);
		template_ctx_setf(s, "id", "%s-%s", prefix, values[i]);
		template_ctx_set(s, "checked", checked != NULL &&
		    strcmp(checked, values[i]) == 0 ? "1" : "");
	}
}

struct template_ctx *
page_sample_ctx(enum page_kind kind, int en)
{
	struct template_ctx *c = template_ctx_new(), *it, *o;
	int i;

	sample_common(c, en);
	switch (kind) {
	case PAGE_LAYOUT:
		template_ctx_set(c, "title", "Exempel");
		template_ctx_set(c, "content", "<h1>Exempel</h1>");
		break;
	case PAGE_ITEMS:
		template_ctx_set(c, "count", "2");
		template_ctx_set(c, "expires", "2020-05-31");
		for (i = 0; i < 2; i++) {
			it = template_ctx_list_add(c, "items");
			template_ctx_set_int(it, "number", i + 1);
			template_ctx_setf(it, "anchor", "punkt-%d", i + 1);
			template_ctx_set(it, "activity.id", i == 0 ?
			    "skarpnack-2019-01" : "skarpnack-2019-17");
			template_ctx_set(it, "activity.title", i == 0 ?
			    "F\xc3\xb6r\xc3\xa4ldrast\xc3\xb6" "d "
			    "<f\xc3\xb6rebyggande>" : "Rutiner f\xc3\xb6r "
			    "lokaluthyrning");
			template_ctx_set(it, "plan.title", "Handlingsplan mot "
			    "v\xc3\xa5ldsbejakande extremism 2019");
			template_ctx_set(it, "role", "Avdelningschef "
			    "F\xc3\xb6rebyggande arbete och kultur");
			template_ctx_set(it, "checkpoint.name", en ?
			    "Tertial report 1 2020" : "Tertialrapport 1 2020");
			template_ctx_set(it, "checkpoint.due", "2020-05-14");
			template_ctx_set(it, "occurrence", "T1 2020");
			template_ctx_set(it, "due_in", en ? "in 29 days" :
			    "om 29 dagar");
			template_ctx_set(it, "overdue", "");
			template_ctx_set(it, "overdue_by", "");
			template_ctx_set(it, "reported", i == 1 ? "1" : "");
			template_ctx_set(it, "reported.status", i == 1 ? (en ?
			    "on track" : "p\xc3\xa5g\xc3\xa5r enligt plan") :
			    "");
			template_ctx_set(it, "reported.at", i == 1 ?
			    "2020-04-16 09:12" : "");
			template_ctx_set(it, "reported.by", i == 1 ?
			    "Johan Ek" : "");
			template_ctx_set(it, "reported.comment", i == 1 ?
			    "Rutinen \xc3\xa4r skriven." : "");
			template_ctx_set(it, "may_report", "1");
			template_ctx_set(it, "info", "");
			template_ctx_set(it, "form.token", SAMPLE_FORM);
			template_ctx_set(it, "comment", i == 1 ?
			    "Rutinen \xc3\xa4r skriven." : "");
			page_statuses(it, i == 0 ? "s1" : "s2", i == 1 ?
			    "on-track" : NULL, en);
		}
		break;
	case PAGE_PERSON:
		template_ctx_set(c, "count", "1");
		template_ctx_set(c, "today", "2020-04-16");
		template_ctx_set(c, "feed.link", SAMPLE_FEED);
		template_ctx_set(c, "expires", "2020-05-31");
		it = template_ctx_list_add(c, "activities");
		template_ctx_set(it, "number", "1");
		template_ctx_set(it, "anchor", "aktivitet-1");
		template_ctx_set(it, "activity.id", "skarpnack-2019-01");
		template_ctx_set(it, "activity.title", "F\xc3\xb6r\xc3\xa4ldra"
		    "st\xc3\xb6" "d f\xc3\xb6rebyggande");
		template_ctx_set(it, "plan.title", "Handlingsplan mot "
		    "v\xc3\xa5ldsbejakande extremism 2019");
		template_ctx_set(it, "role", "Avdelningschef "
		    "F\xc3\xb6rebyggande arbete och kultur");
		template_ctx_set(it, "section", en ? "preventive" :
		    "f\xc3\xb6rebyggande");
		template_ctx_set(it, "next.name", en ? "Tertial report 1 2020" :
		    "Tertialrapport 1 2020");
		template_ctx_set(it, "next.due", "2020-05-14");
		template_ctx_set(it, "next.due_in", en ? "in 28 days" :
		    "om 28 dagar");
		template_ctx_set(it, "closed", "");
		template_ctx_set(it, "may_report", "1");
		template_ctx_set(it, "form.token", SAMPLE_FORM);
		for (i = 0; i < 2; i++) {
			o = template_ctx_list_add(it, "occurrences");
			template_ctx_set(o, "name", i == 0 ? (en ?
			    "Annual report 2019" : "Verksamhetsber\xc3\xa4ttelse "
			    "2019") : (en ? "Tertial report 1 2020" :
			    "Tertialrapport 1 2020"));
			template_ctx_set(o, "due", i == 0 ? "2020-02-15" :
			    "2020-05-14");
			template_ctx_set(o, "state", i == 0 ? "reported" :
			    "open");
			template_ctx_set(o, "status", i == 0 ? (en ? "done" :
			    "genomf\xc3\xb6rd") : "");
			template_ctx_set(o, "at", i == 0 ? "2020-02-10 14:03" :
			    "");
			template_ctx_set(o, "by", i == 0 ? "Johan Ek" : "");
			template_ctx_set(o, "comment", i == 0 ? "Alla tre "
			    "tr\xc3\xa4" "ffar h\xc3\xb6lls." : "");
			template_ctx_set(o, "overdue", "");
			o = template_ctx_list_add(it, "choices");
			template_ctx_set(o, "value", i == 0 ? "VB 2019" :
			    "T1 2020");
			template_ctx_set(o, "label", i == 0 ? (en ?
			    "Annual report 2019 (2020-02-15)" :
			    "Verksamhetsber\xc3\xa4ttelse 2019 (2020-02-15)") :
			    (en ? "Tertial report 1 2020 (2020-05-14)" :
			    "Tertialrapport 1 2020 (2020-05-14)"));
			template_ctx_set(o, "selected", i == 1 ? "1" : "");
		}
		page_statuses(it, "a1", NULL, en);
		break;
	case PAGE_RECEIPT:
		template_ctx_set(c, "activity.id", "skarpnack-2019-01");
		template_ctx_set(c, "activity.title", "F\xc3\xb6r\xc3\xa4ldra"
		    "st\xc3\xb6" "d f\xc3\xb6rebyggande");
		template_ctx_set(c, "checkpoint.name", en ?
		    "Tertial report 1 2020" : "Tertialrapport 1 2020");
		template_ctx_set(c, "status", en ? "on track" :
		    "p\xc3\xa5g\xc3\xa5r enligt plan");
		template_ctx_set(c, "comment", "Tre tr\xc3\xa4" "ffar "
		    "genomf\xc3\xb6rda, ett kvar.");
		template_ctx_set(c, "parts", "Avdelningschef "
		    "F\xc3\xb6rebyggande arbete och kultur");
		template_ctx_set(c, "updated", "1");
		template_ctx_set(c, "previous.status", en ? "delayed" :
		    "f\xc3\xb6rsenad");
		template_ctx_set(c, "previous.at", "2020-04-16 09:12");
		template_ctx_set(c, "back.link", SAMPLE_LINK);
		break;
	case PAGE_GONE:
		template_ctx_set(c, "expired", "1");
		template_ctx_set(c, "revoked", "");
		template_ctx_set(c, "bad", "");
		template_ctx_set(c, "renew.action", "/l/EQABAAAHAABekZuAAAAAK"
		    "dMLNSW30E6kNIVBvqQj4cU/ny");
		template_ctx_set(c, "form.token", SAMPLE_FORM);
		template_ctx_set(c, "renew.link", "/ny-lank");
		template_ctx_set(c, "recipient.name", "");
		template_ctx_set(c, "page.link", "");
		break;
	case PAGE_RENEW:
		template_ctx_set(c, "sent", "");
		template_ctx_set(c, "renew.action", "/ny-lank");
		template_ctx_set(c, "recipient.name", "");
		template_ctx_set(c, "page.link", "");
		break;
	case PAGE_ERROR:
		template_ctx_set(c, "status", "404");
		template_ctx_set(c, "notfound", "1");
		template_ctx_set(c, "retry_after", "");
		template_ctx_set(c, "recipient.name", "");
		template_ctx_set(c, "page.link", "");
		break;
	case PAGE_HOME:
		template_ctx_set(c, "renew.link", "/ny-lank");
		template_ctx_set(c, "recipient.name", "");
		template_ctx_set(c, "page.link", "");
		break;
	case PAGE_NKINDS:
		break;
	}
	return c;
}
