/*
 * test_route: the shipped rules/routing.conf loads against the roles of
 * the sample organisation; sample reports reach the right people; the
 * canonical dump reloads to itself; and broken routing files give exact
 * file:line messages.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "concern.h"
#include "host.h"
#include "route.h"
#include "util.h"

#include "test.h"

static const char *const roles[] = {
	"stadsdelsdirektor", "avdelningschef-forebyggande",
	"avdelningschef-ifo", "avdelningschef-aldreomsorg",
	"avdelningschef-administration", "enhetschef-ekonomiskt-bistand",
};

static int
role_exists(void *arg, const char *id)
{
	size_t	 i;

	(*(int *)arg)++;
	for (i = 0; i < nitems(roles); i++)
		if (strcmp(roles[i], id) == 0)
			return 1;
	return 0;
}

static char	 tmpdir[64];

/* Writes `text` to a file in the temporary directory; returns its path. */
static char *
write_conf(const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", tmpdir, name);
	FILE	*fp = fopen(path, "w");

	if (fp == NULL) {
		TEST_FAIL("cannot write %s", path);
		return path;
	}
	fputs(text, fp);
	fclose(fp);
	return path;
}

static struct concern_report
rep(enum concern_place place, int minor, enum concern_urgency urgency)
{
	struct concern_report r;

	memset(&r, 0, sizeof(r));
	r.place_type = place;
	r.kind = CONCERN_KIND_HANDELSE;
	r.milieu = CONCERN_MILIEU_OKAND;
	r.concerns_minor = minor;
	r.urgency = urgency;
	return r;
}

/* The recipients joined with spaces, for one comparison per case. */
static char *
route_str(const struct routing *rt, struct concern_report r)
{
	struct route_recipients	 out;
	struct buf		 b = { 0 };
	size_t			 i, n;

	n = route_report(rt, &r, &out);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", out.ids[i]);
	route_recipients_free(&out);
	return buf_take(&b);
}

#define CHECK_ROUTE(rt, r, want) do {					\
	char *got_ = route_str((rt), (r));				\
	CHECK_STR_EQ(got_, (want));					\
	free(got_);							\
} while (0)

static void
test_shipped(void)
{
	struct diag	 d = { 0 };
	struct routing	*rt;
	int		 calls = 0, hours, working;

	rt = route_load(host_source(), "rules/routing.conf", role_exists,
	    &calls, &d);
	if (rt == NULL) {
		diag_print(&d, stderr);
		TEST_FAIL("rules/routing.conf did not load");
		diag_free(&d);
		return;
	}
	CHECK_INT_EQ(d.n, 0);
	/* Every non-special role reference went through the callback. */
	CHECK_INT_EQ(calls, 5);
	CHECK_INT_EQ(rt->ack_working_hours, 8);
	CHECK_INT_EQ(rt->ack_hours_akut, 2);
	CHECK_INT_EQ(rt->nescalate, 2);
	CHECK_STR_EQ(rt->escalate[0], "deputy");
	CHECK_STR_EQ(rt->escalate[1], "stadsdelsdirektor");
	CHECK_INT_EQ(rt->nrules, 4);

	CHECK_ROUTE(rt, rep(CONCERN_PLACE_ALDREBOENDE, 0,
	    CONCERN_URGENCY_NORMAL),
	    "coordinator avdelningschef-aldreomsorg");
	CHECK_ROUTE(rt, rep(CONCERN_PLACE_SKOLA, 1, CONCERN_URGENCY_NORMAL),
	    "coordinator avdelningschef-ifo avdelningschef-forebyggande");
	CHECK_ROUTE(rt, rep(CONCERN_PLACE_FORSKOLA, 0,
	    CONCERN_URGENCY_NORMAL),
	    "coordinator avdelningschef-forebyggande");
	CHECK_ROUTE(rt, rep(CONCERN_PLACE_OFFENTLIG_MILJO, 0,
	    CONCERN_URGENCY_AKUT), "coordinator deputy stadsdelsdirektor");
	CHECK_ROUTE(rt, rep(CONCERN_PLACE_DIGITAL_MILJO, 0,
	    CONCERN_URGENCY_NORMAL), "coordinator");
	CHECK_ROUTE(rt, rep(CONCERN_PLACE_FRITIDSGARD, 1,
	    CONCERN_URGENCY_AKUT),
	    "coordinator avdelningschef-ifo avdelningschef-forebyggande "
	    "deputy stadsdelsdirektor");

	{
		struct concern_report r = rep(CONCERN_PLACE_ANNAN, 0,
		    CONCERN_URGENCY_AKUT);

		route_ack_deadline(rt, &r, &hours, &working);
		CHECK_INT_EQ(hours, 2);
		CHECK_INT_EQ(working, 0);
		r.urgency = CONCERN_URGENCY_NORMAL;
		route_ack_deadline(rt, &r, &hours, &working);
		CHECK_INT_EQ(hours, 8);
		CHECK_INT_EQ(working, 1);
	}
	route_free(rt);
	route_free(NULL);
	diag_free(&d);
}

static void
test_matching(void)
{
	struct diag		 d = { 0 };
	struct routing		*rt;
	struct route_recipients	 out;
	struct concern_report	 r;
	char			*path;
	size_t			 n;

	path = write_conf("match.conf",
	    "routing = {\n"
	    "  rules = (\n"
	    "    { when = { kind = [ \"rekrytering\", \"hot-vald\" ];\n"
	    "               milieu = \"islamistisk\"; };\n"
	    "      notify = \"avdelningschef-ifo\"; },\n"
	    "    { when = { police_informed = false; };\n"
	    "      notify = [ \"avdelningschef-ifo\", \"coordinator\",\n"
	    "                 \"stadsdelsdirektor\" ]; },\n"
	    "    { when = { };\n"
	    "      notify = [ \"avdelningschef-administration\" ]; }\n"
	    "  );\n"
	    "};\n");
	rt = route_load(host_source(), path, NULL, NULL, &d);
	if (rt == NULL) {
		diag_print(&d, stderr);
		TEST_FAIL("match.conf did not load");
		goto out;
	}
	/* Defaults when the keys are left out. */
	CHECK_INT_EQ(rt->ack_working_hours, ROUTE_ACK_WORKING_HOURS);
	CHECK_INT_EQ(rt->ack_hours_akut, ROUTE_ACK_HOURS_AKUT);
	CHECK_INT_EQ(rt->nescalate, 1);
	CHECK_STR_EQ(rt->escalate[0], "deputy");

	r = rep(CONCERN_PLACE_ANNAN, 0, CONCERN_URGENCY_NORMAL);
	r.kind = CONCERN_KIND_HOT_VALD;
	r.milieu = CONCERN_MILIEU_ISLAMISTISK;
	r.police_informed = 0;
	/* Deduplicated, coordinator first, first rule's line kept. */
	n = route_report(rt, &r, &out);
	CHECK_INT_EQ(n, 4);
	if (n == 4) {
		CHECK_STR_EQ(out.ids[0], "coordinator");
		CHECK_INT_EQ(out.lines[0], 0);
		CHECK_STR_EQ(out.ids[1], "avdelningschef-ifo");
		CHECK_INT_EQ(out.lines[1], 3);
		CHECK_STR_EQ(out.ids[2], "stadsdelsdirektor");
		CHECK_INT_EQ(out.lines[2], 6);
		CHECK_STR_EQ(out.ids[3], "avdelningschef-administration");
		CHECK_INT_EQ(out.lines[3], 9);
	}
	route_recipients_free(&out);
	/* Both conditions of the first rule must hold. */
	r.milieu = CONCERN_MILIEU_VIT_MAKT;
	r.police_informed = 1;
	CHECK_ROUTE(rt, r, "coordinator avdelningschef-administration");
	r.milieu = CONCERN_MILIEU_ISLAMISTISK;
	r.kind = CONCERN_KIND_REKRYTERING;
	CHECK_ROUTE(rt, r,
	    "coordinator avdelningschef-ifo avdelningschef-administration");
	r.kind = CONCERN_KIND_PROPAGANDA;
	CHECK_ROUTE(rt, r, "coordinator avdelningschef-administration");
	CHECK_INT_EQ(route_rule_matches(&rt->rules[1], &r), 0);
	CHECK_INT_EQ(route_rule_matches(&rt->rules[2], &r), 1);
	route_free(rt);
out:
	diag_free(&d);
	unlink(path);
	free(path);
}

/* The canonical form reloads and dumps to itself. */
static void
test_dump(void)
{
	struct diag	 d = { 0 };
	struct routing	*rt, *rt2;
	struct buf	 b = { 0 }, b2 = { 0 };
	char		*path;
	int		 calls = 0;

	rt = route_load(host_source(), "rules/routing.conf", role_exists,
	    &calls, &d);
	if (rt == NULL) {
		TEST_FAIL("rules/routing.conf did not load");
		diag_free(&d);
		return;
	}
	route_dump(rt, &b);
	CHECK_STR_EQ(b.s,
	    "routing = {\n"
	    "  ack_within_working_hours = 8;\n"
	    "  ack_within_hours_akut = 2;\n"
	    "  escalate = [ \"deputy\", \"stadsdelsdirektor\" ];\n"
	    "  rules = (\n"
	    "    { when = { place_type = [ \"aldreboende\" ]; }; "
	    "notify = [ \"avdelningschef-aldreomsorg\" ]; },\n"
	    "    { when = { concerns_minor = true; }; "
	    "notify = [ \"avdelningschef-ifo\" ]; },\n"
	    "    { when = { place_type = [ \"skola\", \"forskola\", "
	    "\"fritidsgard\" ]; }; "
	    "notify = [ \"avdelningschef-forebyggande\" ]; },\n"
	    "    { when = { urgency = [ \"akut\" ]; }; "
	    "notify = [ \"deputy\", \"stadsdelsdirektor\" ]; }\n"
	    "  );\n"
	    "};\n");
	path = write_conf("dump.conf", b.s ? b.s : "");
	rt2 = route_load(host_source(), path, role_exists, &calls, &d);
	CHECK(rt2 != NULL);
	if (rt2 != NULL) {
		route_dump(rt2, &b2);
		CHECK_STR_EQ(b2.s, b.s);
	}
	route_free(rt2);
	route_free(rt);
	buf_free(&b);
	buf_free(&b2);
	diag_free(&d);
	unlink(path);
	free(path);
}

/* Each bad file and the exact diagnostics it must produce ("%s": path). */
static const struct {
	const char	*text;
	const char	*want;
} bad[] = {
	{ "foo = 1;\nrouting = { };\n",
	    "%s:1: unknown key 'foo' in the routing file\n" },
	{ "# nothing\n",
	    "%s: missing 'routing' group\n" },
	{ "routing = [ 1 ];\n",
	    "%s:1: 'routing' must be a group\n" },
	{ "routing = {\n  ack_within_working_hours = 8;\n  ack_hours = 2;\n"
	    "};\n",
	    "%s:3: unknown key 'ack_hours' in routing\n" },
	{ "routing = {\n  ack_within_hours_akut = 0;\n};\n",
	    "%s:2: 'ack_within_hours_akut' is 0, outside 1..72\n" },
	{ "routing = {\n  ack_within_working_hours = \"8\";\n};\n",
	    "%s:2: 'ack_within_working_hours' must be an integer\n" },
	{ "routing = {\n  escalate = [ \"deputy\",\n"
	    "    \"coordinator\", \"chef\" ];\n};\n",
	    "%s:3: 'escalate': the coordinator is the one who acknowledges; "
	    "escalate to someone else\n"
	    "%s:3: 'escalate': unknown role 'chef'\n" },
	{ "routing = {\n  escalate = [ ];\n};\n",
	    "%s:2: 'escalate' must name at least one role\n" },
	{ "routing = {\n  rules = (\n"
	    "    { when = { plats = \"skola\"; }; notify = \"deputy\"; }\n"
	    "  );\n};\n",
	    "%s:3: unknown key 'plats' in when\n" },
	{ "routing = {\n  rules = (\n"
	    "    { when = { place_type = [ \"skola\",\n"
	    "                              \"gymnasium\" ]; };\n"
	    "      notify = \"deputy\"; }\n"
	    "  );\n};\n",
	    "%s:4: 'place_type' cannot be 'gymnasium'; it is one of: skola, "
	    "forskola, fritidsgard, aldreboende, socialtjanst, "
	    "offentlig-miljo, digital-miljo, annan\n" },
	{ "routing = {\n  rules = (\n"
	    "    { when = { milieu = \"vit makt\"; urgency = [ 1 ]; };\n"
	    "      notify = \"deputy\"; }\n"
	    "  );\n};\n",
	    "%s:3: 'milieu' cannot be 'vit makt'; it is one of: autonom, "
	    "vit-makt, islamistisk, okand\n"
	    "%s:3: 'urgency' must hold only strings\n" },
	{ "routing = {\n  rules = (\n"
	    "    { when = { concerns_minor = \"ja\"; };\n"
	    "      notify = \"deputy\"; }\n"
	    "  );\n};\n",
	    "%s:3: 'concerns_minor' must be true or false\n" },
	{ "routing = {\n  rules = (\n"
	    "    { when = { };\n"
	    "      notify = [ \"avdelningschef-ifo\",\n"
	    "                 \"avdelningschef-okand\" ]; }\n"
	    "  );\n};\n",
	    "%s:5: 'notify': unknown role 'avdelningschef-okand'\n" },
	/*
	 * libconfig dates a scalar by the token after it, so the stray
	 * string shares its line with the closing parenthesis here.
	 */
	{ "routing = {\n  rules = (\n"
	    "    { notify = \"deputy\"; },\n"
	    "    { when = { }; },\n"
	    "    { when = { }; notify = \"deputy\"; why = \"x\"; },\n"
	    "    \"skola\" );\n"
	    "};\n",
	    "%s:3: rule has no 'when' (write when = { }; to match every "
	    "report)\n"
	    "%s:4: rule has no 'notify'\n"
	    "%s:5: unknown key 'why' in rule\n"
	    "%s:6: each rule must be a group { when = { ... }; "
	    "notify = [ ... ]; }\n" },
	{ "routing = {\n  rules = { };\n};\n",
	    "%s:2: 'rules' must be a list of groups: rules = ( { when = "
	    "{ ... }; notify = [ ... ]; } )\n" },
	{ "routing = {\n  rules = (\n    { when = \"skola\"; "
	    "notify = \"deputy\"; }\n  );\n};\n",
	    "%s:3: 'when' must be a group of conditions, e.g. when = "
	    "{ place_type = [ \"skola\" ]; }\n" },
	{ "routing = {\n  escalate = [ \"deputy\" \n};\n",
	    "%s:3: syntax error\n" },
};

/* Replaces every "%s" in `fmt` with `path`. */
static char *
expand(const char *fmt, const char *path)
{
	struct buf	 b = { 0 };
	const char	*p;

	for (p = fmt; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 's') {
			buf_adds(&b, path);
			p++;
		} else
			buf_addc(&b, *p);
	}
	return buf_take(&b);
}

static void
test_bad_files(void)
{
	struct diag	 d = { 0 };
	struct buf	 got = { 0 };
	struct routing	*rt;
	char		*path, *want;
	size_t		 i;
	int		 calls = 0;

	for (i = 0; i < nitems(bad); i++) {
		path = write_conf("bad.conf", bad[i].text);
		rt = route_load(host_source(), path, role_exists, &calls, &d);
		if (rt != NULL)
			TEST_FAIL("bad file %zu loaded", i);
		route_free(rt);
		buf_reset(&got);
		diag_format(&d, &got);
		want = expand(bad[i].want, path);
		if (got.s == NULL || strcmp(got.s, want) != 0)
			TEST_FAIL("bad file %zu:\ngot:\n%swant:\n%s", i,
			    got.s ? got.s : "(nothing)\n", want);
		free(want);
		diag_free(&d);
		unlink(path);
		free(path);
	}
	buf_free(&got);

	path = xasprintf("%s/absent.conf", tmpdir);
	CHECK(route_load(host_source(), path, NULL, NULL, &d) == NULL);
	diag_format(&d, &got);
	want = xasprintf("%s: cannot read: No such file or directory\n",
	    path);
	CHECK_STR_EQ(got.s, want);
	free(want);
	free(path);
	buf_free(&got);
	diag_free(&d);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_route.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	TEST_RUN(test_shipped);
	TEST_RUN(test_matching);
	TEST_RUN(test_dump);
	TEST_RUN(test_bad_files);
	rmdir(tmpdir);
	return TEST_END("route");
}
