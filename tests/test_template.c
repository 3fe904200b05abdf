/*
 * test_template: daemon/core/template.c.  Every shipped template must load and
 * render with the sample data; two renderings are compared with golden
 * files (and one goes all the way through mail_compose()); every load
 * error is checked as the exact `file:line: message` text; sections,
 * inverted sections and lists of 0, 1 and 3 items are rendered from test
 * templates in tests/data/templates/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mail.h"
#include "template.h"
#include "util.h"
#include "test.h"

#define SHIPPED	"rules/templates"

static const char *const test_vars[] = {
	"recipient.name", "committee", "late", "count", "title",
	"item.activity.title", "item.activity.id", "item.overdue", NULL
};
static const char *const test_lists[] = { "items", NULL };

/* Parses text named "t.txt" and returns the diagnostics as text. */
static char *
parse_errors(const char *text)
{
	struct template *t;
	struct diag d = { 0 };
	struct buf b = { 0 };

	t = template_parse("t.txt", text, test_vars, test_lists, &d);
	if (t != NULL && d.n > 0)
		TEST_FAIL("a template with errors loaded");
	if (t == NULL && d.nerrors == 0)
		TEST_FAIL("NULL without a diagnostic");
	template_free(t);
	diag_format(&d, &b);
	diag_free(&d);
	return buf_take(&b);
}

#define CHECK_ERRORS(text, want) do {					\
	char *got_ = parse_errors(text);				\
	CHECK_STR_EQ(got_, want);					\
	free(got_);							\
} while (0)

/* Renders text with a context; returns "subject|body". */
static char *
render_text(const char *text, const struct template_ctx *c)
{
	struct template *t;
	struct diag d = { 0 };
	char *body, *subj, *out;

	t = template_parse("t.txt", text, test_vars, test_lists, &d);
	if (t == NULL) {
		struct buf b = { 0 };

		diag_format(&d, &b);
		TEST_FAIL("cannot parse: %s", b.s ? b.s : "");
		buf_free(&b);
		diag_free(&d);
		return xstrdup("(error)");
	}
	body = template_render(t, c, &subj);
	out = xasprintf("%s|%s", subj, body);
	free(body);
	free(subj);
	template_free(t);
	diag_free(&d);
	return out;
}

static void
check_golden(const char *name, const char *got)
{
	char *path, *want;

	path = xasprintf("%s/templates/%s", test_data_dir(), name);
	want = read_file(path, NULL);
	if (want == NULL)
		TEST_FAIL("cannot read %s", path);
	else if (strcmp(want, got) != 0)
		TEST_FAIL("%s differs; got:\n%s", path, got);
	if (getenv("UPDATE_GOLDEN") != NULL &&
	    (want == NULL || strcmp(want, got) != 0)) {
		FILE *fp = fopen(path, "wb");

		if (fp != NULL) {
			fputs(got, fp);
			fclose(fp);
		}
	}
	free(want);
	free(path);
}

static void
test_shipped_all(void)
{
	static const char *langs[] = { "sv", "en" };
	struct template *t;
	struct template_ctx *c;
	struct diag d = { 0 };
	char *body, *subj;
	size_t i;
	int k;

	CHECK_INT_EQ(template_check_samples(host_source(), SHIPPED, &d), 2);
	if (d.n > 0)
		diag_print(&d, stderr);
	CHECK_INT_EQ(d.n, 0);
	diag_free(&d);

	for (i = 0; i < nitems(langs); i++) {
		for (k = 0; k < TEMPLATE_NKINDS; k++) {
			t = template_load_kind(host_source(), SHIPPED, langs[i],
			    k, &d);
			if (t == NULL) {
				TEST_FAIL("%s/%s did not load", langs[i],
				    template_kinds[k].name);
				continue;
			}
			c = template_sample_ctx(k);
			/* A value that must never reach any message. */
			template_ctx_set(c, "report.description", "HEMLIG BESKRIVNING");
			body = template_render(t, c, &subj);
			if (strstr(body, "{{") || strstr(subj, "{{"))
				TEST_FAIL("%s/%s: a tag survived", langs[i],
				    template_kinds[k].name);
			if (strstr(body, "HEMLIG"))
				TEST_FAIL("%s/%s: description leaked",
				    langs[i], template_kinds[k].name);
			if (strstr(body, "\n\n\n"))
				TEST_FAIL("%s/%s: double blank line:\n%s",
				    langs[i], template_kinds[k].name, body);
			if (k == TEMPLATE_COORDINATOR_SUMMARY)
				CHECK(strstr(body, "planwatchctl followup "
				    "skarpnack-2019-01 \"T1 2020\" --status "
				    "done --for jek\n") != NULL);
			if (k == TEMPLATE_CONCERN_ALERT ||
			    k == TEMPLATE_CONCERN_ESCALATION) {
				CHECK(strstr(body, "planwatchctl report ack "
				    "17\n") != NULL);
				CHECK(strstr(body, "vit makt-miljön") != NULL);
				CHECK(strstr(body, "fritidsgård") != NULL);
				CHECK(strstr(body, "2020-03-12") != NULL);
			}
			free(body);
			free(subj);
			template_ctx_free(c);
			template_free(t);
		}
	}
	diag_free(&d);
}

static void
test_no_description_placeholder(void)
{
	int k;
	size_t i;

	/* Concern templates cannot even name the report's free text. */
	for (k = 0; k < TEMPLATE_NKINDS; k++)
		for (i = 0; template_kinds[k].vars[i] != NULL; i++)
			if (strstr(template_kinds[k].vars[i], "descr") ||
			    strstr(template_kinds[k].vars[i], "text"))
				TEST_FAIL("%s offers \"%s\"",
				    template_kinds[k].name,
				    template_kinds[k].vars[i]);
	CHECK_INT_EQ(template_kind_lookup("concern-alert"),
	    TEMPLATE_CONCERN_ALERT);
	CHECK_INT_EQ(template_kind_lookup("delivery-failures"),
	    TEMPLATE_DELIVERY_FAILURES);
	CHECK_INT_EQ(template_kind_lookup("nope"), -1);
	CHECK_ERRORS("Subject: x\n\n{{report.description}}\n",
	    "t.txt:3: unknown placeholder \"{{report.description}}\"\n");
}

static char *
render_shipped(const char *lang, enum template_kind k, struct template_ctx *c)
{
	struct template *t;
	struct diag d = { 0 };
	char *body, *subj, *out;

	t = template_load_kind(host_source(), SHIPPED, lang, k, &d);
	diag_free(&d);
	if (t == NULL)
		return xstrdup("(cannot load)");
	body = template_render(t, c, &subj);
	out = xasprintf("Subject: %s\n\n%s", subj, body);
	free(body);
	free(subj);
	template_free(t);
	return out;
}

/* Who each kind is written for (template_sample_ctx_as()). */
static const char *const *
capacities(enum template_kind k)
{
	static const char *const resp[] = { "responsible", "role", NULL };
	static const char *const esc[] = { "reports_to", "role", NULL };
	static const char *const role[] = { "role", NULL };
	static const char *const digest[] = {
		"responsible", "reports_to", "role", NULL
	};
	static const char *const coord[] = { "coordinator", "deputy", NULL };
	static const char *const concern[] = {
		"coordinator", "deputy", "head", NULL
	};
	static const char *const one[] = { "coordinator", NULL };
	static const char *const person[] = { "person", NULL };

	switch (k) {
	case TEMPLATE_REMINDER:
	case TEMPLATE_OVERDUE:
		return resp;
	case TEMPLATE_ESCALATION:
		return esc;
	case TEMPLATE_REVISION:
		return role;
	case TEMPLATE_DIGEST:
		return digest;
	case TEMPLATE_COORDINATOR_SUMMARY:
		return coord;
	case TEMPLATE_CONCERN_ALERT:
	case TEMPLATE_CONCERN_ESCALATION:
		return concern;
	case TEMPLATE_LINK:
		return person;
	default:
		return one;
	}
}

/*
 * Words a Swedish reader must not meet in a Swedish message: status keys,
 * occurrence keys and codes.  Only the coordinator's summary shows
 * command lines, which hold keys by design.
 */
static void
check_swedish(const char *what, const char *text)
{
	static const char *const english[] = {
		"done", "on-track", "delayed", "cancelled", "deadline",
		"end 20", "fritidsgard", "vit-makt", "oro-individ", "akut",
		"Respektive avdelningschef (", " T1 20", " VB 20", "planwatchctl"
	};
	size_t i;

	for (i = 0; i < nitems(english); i++)
		if (strstr(text, english[i]) != NULL)
			TEST_FAIL("%s: \"%s\" in Swedish text", what,
			    english[i]);
}

/*
 * Without pages (no web group) a message has no links: the responsible
 * is told to reply to the mail instead, and no empty line is left where
 * a link would be.
 */
static void
check_without_link(const char *lang, enum template_kind k,
    struct template_ctx *c, const char *what)
{
	char *out;

	template_ctx_set(c, "link", "");
	template_ctx_set(c, "page.link", "");
	template_ctx_set(c, "followup.link", "");
	out = render_shipped(lang, k, c);
	if (strstr(out, strcmp(lang, "sv") == 0 ? "svara på det här mejlet" :
	    "reply to this e-mail") == NULL)
		TEST_FAIL("%s without pages: not told how to report", what);
	if (strstr(out, "/l/") != NULL || strstr(out, "\n\n\n") != NULL)
		TEST_FAIL("%s without pages: a link or a gap left:\n%s", what,
		    out);
	free(out);
}

/*
 * Every template rendered for every kind of recipient it has, in both
 * languages, against tests/data/templates/golden-all-{sv,en}.txt: the
 * texts a reader gets, checked by reading the golden files.  Unit heads
 * are told what they can do (reply; never a shell command, never to
 * acknowledge), only the coordinator and the deputy to acknowledge.
 */
static void
test_golden_all(void)
{
	static const char *langs[] = { "sv", "en" };
	struct template_ctx *c;
	struct buf all = { 0 };
	const char *const *as;
	char *out, name[64], what[96];
	size_t i;
	int k;

	for (i = 0; i < nitems(langs); i++) {
		buf_reset(&all);
		for (k = 0; k < TEMPLATE_NKINDS; k++)
			for (as = capacities(k); *as != NULL; as++) {
				c = template_sample_ctx_as(k, *as, i == 1);
				out = render_shipped(langs[i], k, c);
				buf_printf(&all, "==== %s, to the %s\n%s\n",
				    template_kinds[k].name, *as, out);
				snprintf(what, sizeof(what), "%s/%s as %s",
				    langs[i], template_kinds[k].name, *as);
				if (strcmp(langs[i], "sv") == 0 &&
				    k != TEMPLATE_COORDINATOR_SUMMARY &&
				    k != TEMPLATE_DELIVERY_FAILURES &&
				    !((k == TEMPLATE_CONCERN_ALERT ||
				    k == TEMPLATE_CONCERN_ESCALATION) &&
				    strcmp(*as, "head") != 0))
					check_swedish(what, out);
				/* The way to report: the message's link. */
				if (strcmp(*as, "responsible") == 0 &&
				    strstr(out, template_ctx_get(c, "link")) ==
				    NULL)
					TEST_FAIL("%s: not given the link to "
					    "report", what);
				/* Every reminder kind: the person's page. */
				if (template_kind_is_reminder(k) &&
				    strstr(out, template_ctx_get(c,
				    "page.link")) == NULL)
					TEST_FAIL("%s: no link to the person's "
					    "page", what);
				if (strcmp(*as, "responsible") == 0)
					check_without_link(langs[i], k, c,
					    what);
				if (strcmp(*as, "head") == 0 &&
				    (strstr(out, "report ack") != NULL ||
				    strstr(out, "report show") != NULL))
					TEST_FAIL("%s: told to acknowledge",
					    what);
				if (strcmp(*as, "head") != 0 &&
				    (k == TEMPLATE_CONCERN_ALERT ||
				    k == TEMPLATE_CONCERN_ESCALATION) &&
				    strstr(out, "report ack 17") == NULL)
					TEST_FAIL("%s: not told to acknowledge",
					    what);
				free(out);
				template_ctx_free(c);
			}
		snprintf(name, sizeof(name), "golden-all-%s.txt", langs[i]);
		check_golden(name, all.s);
	}
	buf_free(&all);
}

static void
test_golden_reminder(void)
{
	struct template_ctx *c;
	struct mail_msg m;
	char *out, *msg;
	size_t len;

	/* The late variant, with a link, in English. */
	c = template_sample_ctx_as(TEMPLATE_REMINDER, NULL, 1);
	template_ctx_set(c, "late", "1");
	template_ctx_set(c, "followup.link",
	    "https://planwatch.example.org/f/A3/T1-2020");
	out = render_shipped("en", TEMPLATE_REMINDER, c);
	check_golden("golden-reminder-en-late.txt", out);
	free(out);
	template_ctx_free(c);

	/* All the way to the wire. */
	c = template_sample_ctx(TEMPLATE_REMINDER);
	{
		struct template *t;
		struct diag d = { 0 };
		char *body, *subj;

		t = template_load_kind(host_source(), SHIPPED, "sv",
		    TEMPLATE_REMINDER, &d);
		CHECK(t != NULL);
		diag_free(&d);
		if (t == NULL) {
			template_ctx_free(c);
			return;
		}
		body = template_render(t, c, &subj);
		memset(&m, 0, sizeof(m));
		m.from_name = "Planwatch Skarpnäck";
		m.from_addr = "planwatch@skarpnack.example.org";
		m.to_name = "Kim Exempelsson";
		m.to_addr = "kim.exempelsson@skarpnack.example.org";
		m.subject = subj;
		m.body = body;
		m.message_id = "pw.5f1b2c0a9d8e7f6a5b4c3d2e1f0a9b8c@"
		    "planwatch.example.org";
		m.list_name = "planwatch påminnelser";
		m.list_id = "reminders.planwatch.example.org";
		m.kind = "reminder";
		m.date = 1585900800;	/* 2020-04-03 08:00 UTC */
		setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
		tzset();
		msg = mail_compose(&m, &len, NULL);
		CHECK(msg != NULL);
		if (msg != NULL)
			check_golden("golden-reminder-sv.eml", msg);
		free(msg);
		free(body);
		free(subj);
		template_free(t);
	}
	template_ctx_free(c);
}

static void
test_errors(void)
{
	CHECK_ERRORS("Subject: x\n\nHej {{recipient.nam}}\n",
	    "t.txt:3: unknown placeholder \"{{recipient.nam}}\"\n");
	/* All unknown names are reported, each on its own line. */
	CHECK_ERRORS("Subject: {{titel}}\n\nrad 3\n{{#lat}}\n{{/lat}}\n"
	    "x {{^cuont}}y{{/cuont}}\n",
	    "t.txt:1: unknown placeholder \"{{titel}}\"\n"
	    "t.txt:4: unknown placeholder \"{{#lat}}\"\n"
	    "t.txt:6: unknown placeholder \"{{^cuont}}\"\n");
	CHECK_ERRORS("Subject: x\n\n\n{{#late}}\nsent\n",
	    "t.txt:4: \"{{#late}}\" is not closed\n");
	CHECK_ERRORS("Subject: x\n\n{{#late}}\n{{#items}}\n{{/late}}\n"
	    "{{/items}}\n",
	    "t.txt:5: \"{{/late}}\" does not close \"items\" opened on "
	    "line 4\n");
	CHECK_ERRORS("Subject: x\n\nhej\n{{/late}}\n",
	    "t.txt:4: \"{{/late}}\" closes no open section\n");
	CHECK_ERRORS("Subject: x\n\nrad 3\nHej {{recipient.name\n}}\n",
	    "t.txt:4: unterminated \"{{\"\n");
	CHECK_ERRORS("Subject: x\n\nHej {{recipient.name}",
	    "t.txt:3: unterminated \"{{\"\n");
	CHECK_ERRORS("Subject: {{title\n\nHej\n",
	    "t.txt:1: unterminated \"{{\"\n");
	/* A section opened in the subject must close there. */
	CHECK_ERRORS("Subject: {{#late}}x\n\n{{/late}}\n",
	    "t.txt:1: \"{{#late}}\" is not closed\n"
	    "t.txt:3: \"{{/late}}\" closes no open section\n");
	CHECK_ERRORS("Subject: x\n\n{{item.activity.title}}\n",
	    "t.txt:3: \"{{item.activity.title}}\" outside a list section\n");
	CHECK_ERRORS("Subject: x\n\n{{^items}}{{item.overdue}}{{/items}}\n",
	    "t.txt:3: \"{{item.overdue}}\" outside a list section\n");
	CHECK_ERRORS("Subject: x\n\n{{items}}\n",
	    "t.txt:3: \"{{items}}\" is a list: use {{#items}}...{{/items}}\n");
	CHECK_ERRORS("Subject: x\n\n{{}} {{ # }}\n",
	    "t.txt:3: empty placeholder \"{{}}\"\n"
	    "t.txt:3: empty placeholder \"{{#}}\"\n");
	CHECK_ERRORS("Subject: x\n\n{{recipient name}}\n",
	    "t.txt:3: invalid placeholder name \"recipient name\"\n");
	CHECK_ERRORS("Hej\n\nbody\n",
	    "t.txt:1: expected \"Subject: ...\", a \"#\" comment or a blank "
	    "line before the body\n");
	CHECK_ERRORS("# only a comment\n\nbody\n",
	    "t.txt:1: missing \"Subject:\" line\n");
	CHECK_ERRORS("Subject: a\n# c\nSubject: b\n\nbody\n",
	    "t.txt:3: second \"Subject:\" line (first on line 1)\n");
	CHECK_ERRORS("Subject: a\nbody without blank line",
	    "t.txt:2: expected \"Subject: ...\", a \"#\" comment or a blank "
	    "line before the body\n"
	    "t.txt:3: missing blank line between the header and the body\n");
	CHECK_ERRORS("", "t.txt:1: missing blank line between the header and "
	    "the body\n");
	CHECK_ERRORS("Subject: a\n\nP\xe5minnelse\n",
	    "t.txt:3: not valid UTF-8 (save the file as UTF-8)\n");
}

static void
test_error_files(void)
{
	static const struct {
		const char *file;
		const char *msg;
	} cases[] = {
		{ "bad-unknown.txt", "5: unknown placeholder "
		    "\"{{activity.titel}}\"\n" },
		{ "bad-mismatch.txt", "7: \"{{/items}}\" does not close "
		    "\"item.overdue\" opened on line 5\n" },
		{ "bad-unclosed.txt", "4: \"{{#late}}\" is not closed\n" },
		{ "bad-unterminated.txt", "1: unterminated \"{{\"\n" },
	};
	struct diag d = { 0 };
	struct buf b = { 0 };
	struct template *t;
	char *path, *want;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		path = xasprintf("%s/templates/%s", test_data_dir(),
		    cases[i].file);
		t = template_load(host_source(), path, template_vars_reminders,
		    template_lists_items, &d);
		CHECK(t == NULL);
		template_free(t);
		diag_format(&d, &b);
		want = xasprintf("%s:%s", path, cases[i].msg);
		CHECK_STR_EQ(b.s, want);
		free(want);
		free(path);
		buf_reset(&b);
		diag_free(&d);
	}
	path = xasprintf("%s/templates/no-such-file.txt", test_data_dir());
	CHECK(template_load(host_source(), path, test_vars, test_lists,
	    &d) == NULL);
	diag_format(&d, &b);
	want = xasprintf("%s: cannot read: No such file or directory\n", path);
	CHECK_STR_EQ(b.s, want);
	free(want);
	free(path);
	buf_free(&b);
	diag_free(&d);

	/* A language directory that lacks a kind is reported by name. */
	CHECK_INT_EQ(template_check_samples(host_source(), "tests/data", &d),
	    -1);
	CHECK(d.nerrors > 0);
	diag_format(&d, &b);
	CHECK(strstr(b.s, "tests/data/templates/reminder.txt: cannot read: "
	    "No such file or directory\n") != NULL);
	buf_free(&b);
	diag_free(&d);
	CHECK_INT_EQ(template_check_samples(host_source(),
	    "tests/data/no-such-dir", &d), -1);
	CHECK_INT_EQ(d.nerrors, 1);
	diag_free(&d);
}

static void
test_sections(void)
{
	static const struct {
		const char *value;
		const char *want;
	} cases[] = {
		{ NULL, "[no]" }, { "", "[no]" }, { "0", "[no]" },
		{ "false", "[no]" }, { "1", "[yes]" }, { "ja", "[yes]" },
		{ "00", "[yes]" },
	};
	const char *text = "Subject: {{#late}}Sen: {{/late}}{{title}}\n\n"
	    "[{{#late}}yes{{/late}}{{^late}}no{{/late}}]";
	struct template_ctx *c;
	char *out, *want;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		c = template_ctx_new();
		template_ctx_set(c, "title", "T");
		if (cases[i].value != NULL)
			template_ctx_set(c, "late", cases[i].value);
		out = render_text(text, c);
		want = xasprintf("%sT|%s", cases[i].want[1] == 'y' ? "Sen: " :
		    "", cases[i].want);
		CHECK_STR_EQ(out, want);
		free(want);
		free(out);
		template_ctx_free(c);
	}

	/*
	 * Standalone tag lines vanish with their line end (also when
	 * indented or with CRLF); a tag sharing its line with text leaves
	 * the line alone.
	 */
	c = template_ctx_new();
	template_ctx_set(c, "late", "1");
	template_ctx_set(c, "title", "T");
	out = render_text("Subject: s\r\n\r\na\r\n  {{#late}}  \r\nb\r\n"
	    "{{! a comment }}\r\n{{/late}}\r\nc {{#late}}d{{/late}}\r\n"
	    "{{^late}}\r\nnever\r\n{{/late}}\r\ne", c);
	CHECK_STR_EQ(out, "s|a\nb\nc d\ne");
	free(out);
	/* Unset placeholders render empty; a BOM is skipped. */
	out = render_text("\xef\xbb\xbfSubject: [{{count}}]\n\n"
	    "<{{recipient.name}}>\n", c);
	CHECK_STR_EQ(out, "[]|<>\n");
	free(out);
	/* Values never break the subject's line. */
	template_ctx_set(c, "title", "Titel\r\nBcc: evil@example.org\n\n x ");
	out = render_text("Subject:   {{title}}  \n\n.", c);
	CHECK_STR_EQ(out, "Titel Bcc: evil@example.org x|.");
	free(out);
	/* Values are not templates: braces in data stay as they are. */
	template_ctx_set(c, "title", "{{late}} {{#x}}");
	out = render_text("Subject: s\n\n{{title}}", c);
	CHECK_STR_EQ(out, "s|{{late}} {{#x}}");
	free(out);
	/* Setting a value twice replaces it. */
	template_ctx_set(c, "title", "ett");
	template_ctx_set(c, "title", "två");
	CHECK_STR_EQ(template_ctx_get(c, "title"), "två");
	template_ctx_set_int(c, "count", -42);
	CHECK_STR_EQ(template_ctx_get(c, "count"), "-42");
	CHECK(template_ctx_get(c, "nothing") == NULL);
	template_ctx_free(c);
	template_ctx_free(NULL);
	template_free(NULL);
}

static char *
render_list(int nitems_)
{
	static const char *titles[] = { "Första", "Andra", "Tredje" };
	struct template *t;
	struct template_ctx *c, *it;
	struct diag d = { 0 };
	char *path, *body, *subj, *out;
	int i;

	path = xasprintf("%s/templates/list.txt", test_data_dir());
	t = template_load(host_source(), path, test_vars, test_lists, &d);
	if (t == NULL) {
		diag_print(&d, stderr);
		TEST_FAIL("cannot load %s", path);
		free(path);
		diag_free(&d);
		return xstrdup("");
	}
	c = template_ctx_new();
	template_ctx_set(c, "recipient.name", "Kim");
	template_ctx_set(c, "committee", "SDN");
	template_ctx_set_int(c, "count", nitems_);
	for (i = 0; i < nitems_; i++) {
		it = template_ctx_list_add(c, "items");
		template_ctx_set(it, "activity.title", titles[i]);
		template_ctx_setf(it, "activity.id", "A%d", i + 1);
		template_ctx_set(it, "overdue", i == 1 ? "1" : "0");
	}
	body = template_render(t, c, &subj);
	out = xasprintf("%s|%s", subj, body);
	free(body);
	free(subj);
	template_ctx_free(c);
	template_free(t);
	free(path);
	diag_free(&d);
	return out;
}

static void
test_list_blocks(void)
{
	char *out;

	out = render_list(0);
	CHECK_STR_EQ(out, "0 st för Kim|Hej Kim,\nInget att rapportera.\n"
	    "Slut.\n");
	free(out);
	out = render_list(1);
	CHECK_STR_EQ(out, "1 st för Kim|Hej Kim,\n- Första (A1), SDN\nSlut.\n");
	free(out);
	out = render_list(3);
	CHECK_STR_EQ(out, "3 st för Kim|Hej Kim,\n- Första (A1), SDN\n"
	    "- Andra (A2), SDN FÖRSENAD\n- Tredje (A3), SDN\nSlut.\n");
	free(out);
}

int
main(void)
{
	TEST_RUN(test_shipped_all);
	TEST_RUN(test_no_description_placeholder);
	TEST_RUN(test_golden_all);
	TEST_RUN(test_golden_reminder);
	TEST_RUN(test_errors);
	TEST_RUN(test_error_files);
	TEST_RUN(test_sections);
	TEST_RUN(test_list_blocks);
	return TEST_END("template");
}
