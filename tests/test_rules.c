/*
 * test_rules: rule files.  The shipped rules/ load against the shipped
 * configuration and say what the issue asks for; each directory
 * tests/data/rules/bad-* gives exactly the diagnostics in its `expected`
 * (UPDATE_GOLDEN=1 rewrites them); the offset, time and digest parsers.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "host.h"
#include "rules.h"
#include "util.h"
#include "test.h"
#include "testconf.h"

static const char *const templates[] = {
	"reminder", "overdue", "escalation", "revision", NULL
};

static struct config *
shipped_config(void)
{
	struct diag d = { 0 };
	struct config *c = test_conf_load("conf/planwatch.conf", &d);

	if (c == NULL)
		diag_print(&d, stderr);
	diag_free(&d);
	return c;
}

static const struct rule *
find_rule(const struct ruleset *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	return NULL;
}

static char *
offset_text(const struct rule_offset *o)
{
	struct buf b = { 0 };

	rules_format_offset(o, &b);
	return buf_take(&b);
}

/* "28d:-28d:responsible::reminder:0" for each step, joined by spaces. */
static char *
ladder_text(const struct rule *r)
{
	static const char *who[] = { "responsible", "reports_to",
	    "coordinator", "deputy", "role", "group" };
	struct buf b = { 0 };
	size_t i, k;

	for (i = 0; i < r->nsteps; i++) {
		const struct rule_step *st = &r->steps[i];
		char *o = offset_text(&st->offset);

		buf_printf(&b, "%s%s:%s:", i ? " " : "", st->id, o);
		free(o);
		for (k = 0; k < st->nto; k++)
			buf_printf(&b, "%s%s", k ? "," : "", who[st->to[k].who]);
		buf_addc(&b, ':');
		for (k = 0; k < st->ncc; k++)
			buf_printf(&b, "%s%s", k ? "," : "", who[st->cc[k].who]);
		buf_printf(&b, ":%s:%d:%02d%02d", st->template,
		    st->while_not_reported, st->minute / 60, st->minute % 60);
	}
	return buf_take(&b);
}

static void
test_shipped(void)
{
	struct diag d = { 0 };
	struct config *c = shipped_config();
	struct ruleset *rs;
	const struct rule *r;
	char *s;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	rs = rules_load_dir(host_source(), c->rules_dir, &c->org, templates,
	    &d);
	if (d.n > 0)
		diag_print(&d, stderr);
	CHECK(rs != NULL);
	CHECK_INT_EQ(d.n, 0);
	if (rs == NULL)
		goto out;
	CHECK_INT_EQ(rs->nrules, 3);
	CHECK_INT_EQ(rs->nfiles, 1);
	/* The coordinator's items: one summary a working day at 08:00. */
	CHECK_INT_EQ(rs->coordinator_digest.mode, RULE_DIGEST_DAILY);
	CHECK_INT_EQ(rs->coordinator_digest.minute, 8 * 60);

	/* Tertial and annual checkpoints: 28 d, 7 d, 1 wd before, ... */
	CHECK((r = find_rule(rs, "checkpoint")) != NULL);
	if (r != NULL) {
		CHECK_INT_EQ(r->events, 1u << RULE_EVENT_CHECKPOINT);
		CHECK_INT_EQ(r->kinds, 0);
		CHECK_INT_EQ(r->workdays_only, 1);
		CHECK_INT_EQ(r->digest.mode, RULE_DIGEST_NONE);
		s = ladder_text(r);
		CHECK_STR_EQ(s,
		    "28d:-28d:responsible::reminder:1:0800 "
		    "7d:-7d:responsible::reminder:1:0800 "
		    "1wd:-1wd:responsible::reminder:1:0800 "
		    "overdue:+1wd:responsible:coordinator:overdue:1:0800 "
		    "escalation:+5wd:coordinator,reports_to::escalation:1:0800");
		free(s);
	}
	/* ... other deadlines and period ends: 7 d and 1 wd before. */
	CHECK((r = find_rule(rs, "deadline")) != NULL);
	if (r != NULL) {
		CHECK_INT_EQ(r->events, (1u << RULE_EVENT_DEADLINE) |
		    (1u << RULE_EVENT_END));
		s = ladder_text(r);
		CHECK_STR_EQ(s,
		    "7d:-7d:responsible::reminder:1:0800 "
		    "1wd:-1wd:responsible::reminder:1:0800 "
		    "overdue:+1wd:responsible:coordinator:overdue:1:0800 "
		    "escalation:+5wd:coordinator,reports_to::escalation:1:0800");
		free(s);
	}
	/* Plan revision: the coordinator, 6 and 2 weeks before. */
	CHECK((r = find_rule(rs, "revision")) != NULL);
	if (r != NULL) {
		CHECK_INT_EQ(r->events, 1u << RULE_EVENT_REVISION);
		s = ladder_text(r);
		CHECK_STR_EQ(s,
		    "6w:-42d:coordinator::revision:0:0800 "
		    "2w:-14d:coordinator::revision:0:0800");
		free(s);
	}
out:
	rules_free(rs);
	conf_free(c);
	diag_free(&d);
}

/*
 * A report ends every step by default; a step opts out with
 * while_not_reported = false; a revision, which nothing reports, never
 * stops.  Without coordinator_digest the coordinator gets a daily summary
 * at 08:00; a file may set another.
 */
static void
test_defaults(void)
{
	static const char text[] =
	    "coordinator_digest = \"weekly fredag 09:30\";\n"
	    "rules = (\n"
	    "  { id = \"a\"; event = \"checkpoint\"; steps = (\n"
	    "    { id = \"one\"; offset = \"-7d\"; to = \"responsible\";\n"
	    "      template = \"reminder\"; },\n"
	    "    { id = \"two\"; offset = \"+1d\"; to = \"responsible\";\n"
	    "      template = \"overdue\"; while_not_reported = false; } ); },\n"
	    "  { id = \"r\"; event = \"revision\"; steps = (\n"
	    "    { offset = \"-7d\"; to = \"coordinator\";\n"
	    "      template = \"revision\"; } ); }\n"
	    ");\n";
	char path[] = "/tmp/planwatch-rules-XXXXXX";
	struct diag d = { 0 };
	struct config *c = shipped_config();
	struct ruleset *rs = NULL;
	FILE *fp;
	int fd;

	CHECK(c != NULL);
	if (c == NULL || (fd = mkstemp(path)) == -1)
		goto out;
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	rs = rules_load_file(host_source(), path, &c->org, templates, &d);
	unlink(path);
	if (d.n > 0)
		diag_print(&d, stderr);
	CHECK(rs != NULL);
	if (rs == NULL)
		goto out;
	CHECK_INT_EQ(rs->rules[0].steps[0].while_not_reported, 1);
	CHECK_INT_EQ(rs->rules[0].steps[1].while_not_reported, 0);
	CHECK_INT_EQ(rs->rules[1].steps[0].while_not_reported, 0);
	CHECK_INT_EQ(rs->coordinator_digest.mode, RULE_DIGEST_WEEKLY);
	CHECK_INT_EQ(rs->coordinator_digest.weekday, 5);
	CHECK_INT_EQ(rs->coordinator_digest.minute, 9 * 60 + 30);
out:
	rules_free(rs);
	conf_free(c);
	diag_free(&d);
}

/* Diagnostics of loading `dir`, one per line. */
static char *
diagnostics(const char *dir, const struct config *c)
{
	struct diag d = { 0 };
	struct buf b = { 0 };
	struct ruleset *rs = rules_load_dir(host_source(), dir, &c->org,
	    templates, &d);

	CHECK(rs == NULL);
	rules_free(rs);
	diag_format(&d, &b);
	diag_free(&d);
	return buf_take(&b);
}

static void
test_golden(void)
{
	struct config *c = shipped_config();
	DIR *dir = opendir("tests/data/rules");
	struct dirent *e;
	int cases = 0, update = getenv("UPDATE_GOLDEN") != NULL;

	CHECK(dir != NULL && c != NULL);
	if (dir == NULL || c == NULL)
		goto out;
	while ((e = readdir(dir)) != NULL) {
		char *path, *exp_path, *expected, *got;
		FILE *fp;

		if (strncmp(e->d_name, "bad-", 4) != 0)
			continue;
		path = xasprintf("tests/data/rules/%s", e->d_name);
		exp_path = xasprintf("%s/expected", path);
		got = diagnostics(path, c);
		if (update && (fp = fopen(exp_path, "w")) != NULL) {
			fputs(got, fp);
			fclose(fp);
		}
		expected = read_file(exp_path, NULL);
		if (expected == NULL)
			TEST_FAIL("%s: missing", exp_path);
		else if (strcmp(expected, got) != 0)
			TEST_FAIL("%s:\n--- expected\n%s--- got\n%s", e->d_name,
			    expected, got);
		/* Every case must fail for a reason, with a line number. */
		CHECK(strstr(got, ".conf:") != NULL);
		cases++;
		free(path);
		free(exp_path);
		free(expected);
		free(got);
	}
	CHECK(cases >= 5);
out:
	if (dir != NULL)
		closedir(dir);
	conf_free(c);
}

/* routing.conf belongs to concern routing: the rule loader skips it. */
static void
test_skips_routing(void)
{
	struct diag d = { 0 };
	struct config *c = shipped_config();
	struct ruleset *rs = NULL;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	rs = rules_load_dir(host_source(), "tests/data/rules/good-routing",
	    &c->org, templates, &d);
	if (d.n > 0)
		diag_print(&d, stderr);
	CHECK(rs != NULL);
	CHECK_INT_EQ(d.n, 0);
	if (rs != NULL) {
		CHECK_INT_EQ(rs->nrules, 1);
		CHECK_INT_EQ(rs->nfiles, 1);
	}
	rules_free(rs);
	/* Without the template list every step's template is unknown. */
	rs = rules_load_dir(host_source(), "tests/data/rules/good-routing",
	    &c->org, NULL, &d);
	CHECK(rs == NULL);
	CHECK_INT_EQ(d.nerrors, 1);
	rules_free(rs);
	/* A missing directory is an error naming it. */
	diag_free(&d);
	rs = rules_load_dir(host_source(), "tests/data/rules/no-such-dir",
	    &c->org, templates, &d);
	CHECK(rs == NULL);
	CHECK(d.n == 1 && strcmp(d.v[0].file,
	    "tests/data/rules/no-such-dir") == 0);
	diag_free(&d);
	conf_free(c);
}

static void
test_offsets(void)
{
	static const struct {
		const char	*in;
		int		 ok, n;
		enum rule_unit	 unit;
		const char	*canon;
	} cases[] = {
		{ "-28d", 1, -28, RULE_UNIT_DAYS, "-28d" },
		{ "-1wd", 1, -1, RULE_UNIT_WORKDAYS, "-1wd" },
		{ "+5wd", 1, 5, RULE_UNIT_WORKDAYS, "+5wd" },
		{ "-6w", 1, -42, RULE_UNIT_DAYS, "-42d" },
		{ "0d", 1, 0, RULE_UNIT_DAYS, "0d" },
		{ "+0wd", 1, 0, RULE_UNIT_WORKDAYS, "0wd" },
		{ "-1096d", 1, -1096, RULE_UNIT_DAYS, "-1096d" },
		{ "+156w", 1, 1092, RULE_UNIT_DAYS, "+1092d" },
		{ "-780wd", 1, -780, RULE_UNIT_WORKDAYS, "-780wd" },
		{ "-1097d", 0, 0, 0, NULL },
		{ "-157w", 0, 0, 0, NULL },
		{ "-781wd", 0, 0, 0, NULL },
		{ "-99999999999999999999d", 0, 0, 0, NULL },
		{ "28d", 0, 0, 0, NULL },
		{ "-28", 0, 0, 0, NULL },
		{ "-d", 0, 0, 0, NULL },
		{ "- 1d", 0, 0, 0, NULL },
		{ "-1D", 0, 0, 0, NULL },
		{ "-1dw", 0, 0, 0, NULL },
		{ "", 0, 0, 0, NULL },
	};
	struct rule_offset o;
	const char *why;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		int rc = rules_parse_offset(cases[i].in, &o, &why);

		if (rc != (cases[i].ok ? 0 : -1)) {
			TEST_FAIL("offset '%s': rc %d", cases[i].in, rc);
			continue;
		}
		if (cases[i].ok) {
			char *t = offset_text(&o);

			CHECK_INT_EQ(o.n, cases[i].n);
			CHECK_INT_EQ(o.unit, cases[i].unit);
			CHECK_STR_EQ(t, cases[i].canon);
			free(t);
		}
	}
	CHECK(rules_parse_offset("-2000d", &o, &why) == -1 &&
	    strstr(why, "3 years") != NULL);
	CHECK(rules_parse_offset("28d", &o, &why) == -1 &&
	    strstr(why, "sign") != NULL);
}

static void
test_times_and_digests(void)
{
	struct rule_digest dg;
	struct buf b = { 0 };
	int m = -1;

	CHECK(rules_parse_time("08:00", &m) == 0 && m == 480);
	CHECK(rules_parse_time("8:05", &m) == 0 && m == 485);
	CHECK(rules_parse_time("23:59", &m) == 0 && m == 1439);
	CHECK(rules_parse_time("00:00", &m) == 0 && m == 0);
	CHECK(rules_parse_time("24:00", &m) == -1);
	CHECK(rules_parse_time("12:60", &m) == -1);
	CHECK(rules_parse_time("12:5", &m) == -1);
	CHECK(rules_parse_time("12:00 ", &m) == -1);
	CHECK(rules_parse_time("", &m) == -1);

	CHECK(rules_parse_digest("none", 480, &dg) == 0);
	CHECK_INT_EQ(dg.mode, RULE_DIGEST_NONE);
	CHECK(rules_parse_digest("daily", 450, &dg) == 0);
	rules_format_digest(&dg, &b);
	CHECK_STR_EQ(b.s, "daily 07:30");
	buf_reset(&b);
	CHECK(rules_parse_digest("daily 16:00", 450, &dg) == 0);
	rules_format_digest(&dg, &b);
	CHECK_STR_EQ(b.s, "daily 16:00");
	buf_reset(&b);
	CHECK(rules_parse_digest("weekly mon", 480, &dg) == 0);
	rules_format_digest(&dg, &b);
	CHECK_STR_EQ(b.s, "weekly monday 08:00");
	buf_reset(&b);
	CHECK(rules_parse_digest("weekly Fredag 13:15", 480, &dg) == 0);
	CHECK_INT_EQ(dg.weekday, 5);
	rules_format_digest(&dg, &b);
	CHECK_STR_EQ(b.s, "weekly friday 13:15");
	buf_reset(&b);
	CHECK(rules_parse_digest("weekly s\xc3\xb6ndag", 480, &dg) == 0);
	CHECK_INT_EQ(dg.weekday, 7);
	CHECK(rules_parse_digest("weekly", 480, &dg) == -1);
	CHECK(rules_parse_digest("weekly someday", 480, &dg) == -1);
	CHECK(rules_parse_digest("weekly mon 08:00 extra", 480, &dg) == -1);
	CHECK(rules_parse_digest("daily 25:00", 480, &dg) == -1);
	CHECK(rules_parse_digest("none 08:00", 480, &dg) == -1);
	CHECK(rules_parse_digest("hourly", 480, &dg) == -1);
	CHECK(rules_parse_digest("", 480, &dg) == -1);
	buf_free(&b);
	CHECK_STR_EQ(rules_event_name(RULE_EVENT_END), "end");
	CHECK_STR_EQ(rules_event_name(RULE_EVENT_NKINDS), "?");
}

int
main(void)
{
	TEST_RUN(test_shipped);
	TEST_RUN(test_defaults);
	TEST_RUN(test_golden);
	TEST_RUN(test_skips_routing);
	TEST_RUN(test_offsets);
	TEST_RUN(test_times_and_digests);
	return TEST_END("rules");
}
