/*
 * test_conf: configuration loading.  Golden cases: each directory under
 * tests/data/conf/ other than good/ holds a planwatch.conf and `expected`,
 * the exact diagnostics it must give (paths relative to the repository).
 * Also: every shipped file loads, and the canonical dump loads again to
 * the same dump; every key of the table (confkeys.c) takes its bounds and
 * words, is written back as read, and is documented in
 * docs/planwatch.conf.5 with the table's default and bounds; and the
 * files come through the source the shell hands in.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_int.h"
#include "confopen.h"
#include "host.h"
#include "util.h"
#include "test.h"

/* Diagnostics with the working directory stripped from paths. */
static char *
diagnostics(const char *path)
{
	struct diag d = { 0 };
	struct buf b = { 0 }, out = { 0 };
	struct config *c;
	char cwd[4096], *p, *hit;
	size_t n;

	c = conf_open(path, &d);
	if (c != NULL)
		TEST_FAIL("%s loads, but should not", path);
	conf_free(c);
	diag_format(&d, &b);
	diag_free(&d);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return buf_take(&b);
	strcat(cwd, "/");
	n = strlen(cwd);
	for (p = b.s ? b.s : ""; (hit = strstr(p, cwd)) != NULL; p = hit + n)
		buf_add(&out, p, (size_t)(hit - p));
	buf_adds(&out, p);
	buf_free(&b);
	return buf_take(&out);
}

static void
test_golden(void)
{
	DIR *dir = opendir("tests/data/conf");
	struct dirent *e;
	int cases = 0;

	CHECK(dir != NULL);
	if (dir == NULL)
		return;
	while ((e = readdir(dir)) != NULL) {
		char *conf, *exp_path, *expected, *got;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "good") == 0 ||
		    strcmp(e->d_name, "rules") == 0)
			continue;
		conf = xasprintf("tests/data/conf/%s/planwatch.conf", e->d_name);
		exp_path = xasprintf("tests/data/conf/%s/expected", e->d_name);
		expected = read_file(exp_path, NULL);
		got = diagnostics(conf);
		if (expected == NULL)
			TEST_FAIL("%s: missing", exp_path);
		else if (strcmp(expected, got) != 0)
			TEST_FAIL("%s:\n--- expected\n%s--- got\n%s", e->d_name,
			    expected, got);
		cases++;
		free(conf);
		free(exp_path);
		free(expected);
		free(got);
	}
	closedir(dir);
	CHECK(cases >= 7);
}

static void
test_shipped(void)
{
	struct diag d = { 0 };
	struct config *c = conf_open("conf/planwatch.conf", &d);
	struct role *r = NULL;
	struct role_group *g = NULL;

	if (d.n > 0)
		diag_print(&d, stderr);
	CHECK(c != NULL);
	CHECK_INT_EQ(d.n, 0);
	diag_free(&d);
	if (c == NULL)
		return;
	CHECK_STR_EQ(c->timezone, "Europe/Stockholm");
	CHECK(c->org.nroles >= 6);
	/* The plan's spellings resolve to one role. */
	CHECK_INT_EQ(org_resolve(&c->org,
	    "Avdelningschef för individ -och familjestöd", &r, &g), 1);
	CHECK(r != NULL && strcmp(r->id, "avdelningschef-ifo") == 0);
	r = NULL;
	CHECK_INT_EQ(org_resolve(&c->org,
	    "  avdelningschef   INDIVID och familjestöd ", &r, &g), 1);
	CHECK(r != NULL && strcmp(r->id, "avdelningschef-ifo") == 0);
	/*
	 * The project's one fold: a no-break space, a decomposed ö, an en
	 * dash, capitals and no diacritics at all resolve the same.
	 */
	r = NULL;
	CHECK_INT_EQ(org_resolve(&c->org, "Avdelningschef f\xc3\xb6r "
	    "individ\xc2\xa0\xe2\x80\x93och familjesto\xcc\x88" "d", &r, &g),
	    1);
	CHECK(r != NULL && strcmp(r->id, "avdelningschef-ifo") == 0);
	r = NULL;
	CHECK_INT_EQ(org_resolve(&c->org,
	    "AVDELNINGSCHEF FOR INDIVID -OCH FAMILJESTOD", &r, &g), 1);
	CHECK(r != NULL && strcmp(r->id, "avdelningschef-ifo") == 0);
	CHECK_INT_EQ(org_resolve(&c->org, "Respektive avdelningschef", &r, &g),
	    2);
	CHECK(g != NULL && g->nroles == 4);
	CHECK_INT_EQ(org_resolve(&c->org, "Kommunfullmäktige", &r, &g), 0);
	CHECK(org_person_by_user(&c->org, "samordnare") ==
	    &c->org.coordinator);
	CHECK(org_unit(&c->org, "aldreomsorg") != NULL);
	/* The coordinator as responsible, as plans write it. */
	r = NULL;
	CHECK_INT_EQ(org_resolve(&c->org, "Samordnaren mot "
	    "v\xc3\xa5ldsbejakande extremism", &r, &g), 1);
	CHECK(r != NULL && strcmp(r->id, "samordnare") == 0 && r->builtin);
	if (r != NULL && r->npeople == 1 && r->deputy != NULL) {
		CHECK_STR_EQ(r->people[0].email, c->org.coordinator.email);
		CHECK_STR_EQ(r->deputy->email, c->org.deputy.email);
	}
	CHECK_INT_EQ(org_resolve(&c->org, "SAMORDNARE", &r, &g), 1);
	CHECK_INT_EQ(org_resolve(&c->org, "Samordnaren", &r, &g), 1);
	conf_free(c);
}

/* A scratch copy of the shipped configuration; returns its directory. */
static char *
scratch(void)
{
	char tmpl[] = "/tmp/planwatch-conf-XXXXXX", *cmd, *dir;

	if (mkdtemp(tmpl) == NULL)
		return NULL;
	dir = xstrdup(tmpl);
	cmd = xasprintf("cp -R conf/. '%s' && cp -R rules '%s/rules' && "
	    "sed -i 's|^rules = .*|rules = \"rules\";|' '%s/planwatch.conf'",
	    dir, dir, dir);
	if (system(cmd) != 0)
		TEST_FAIL("cannot copy the configuration");
	free(cmd);
	return dir;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/plans/%s", dir, name);
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		TEST_FAIL("cannot write %s", path);
	else {
		fputs(text, fp);
		fclose(fp);
	}
	free(path);
}

#define PLAN_HEAD(id, more) "plan = { id = \"" id "\"; committee = \"\"; " \
	"title = \"T\"; adopted = \"2020-04-22\"; year = 2020; " more " };\n"
#define ACTIVITY(id) "{ id = \"" id "\"; section = \"forebyggande\"; " \
	"title = \"A\"; responsible = \"Samordnare\"; schedule = " \
	"\"L\xc3\xb6pande\"; followup = \"I ordinarie " \
	"verksamhetsuppf\xc3\xb6ljning\"; }"

/*
 * A revision supersedes the plan it names: that plan is kept for its
 * history only, the continuing activities share its ids, and a chain of
 * plans that supersedes itself is refused.
 */
static void
test_superseded(void)
{
	struct diag d = { 0 };
	struct config *c;
	char *dir = scratch(), *conf, *cmd;

	if (dir == NULL)
		return;
	conf = xasprintf("%s/planwatch.conf", dir);
	put(dir, "skarpnack-2020.conf", PLAN_HEAD("skarpnack-2020",
	    "supersedes = \"skarpnack-2019\";") "activities = ("
	    ACTIVITY("skarpnack-2019-01") "," ACTIVITY("skarpnack-2020-02")
	    ");\n");
	c = conf_open(conf, &d);
	if (d.n > 0)
		diag_print(&d, stderr);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT_EQ(c->nplans, 1);
		CHECK_INT_EQ(c->nsuperseded, 1);
		CHECK_STR_EQ(c->plans[0].id, "skarpnack-2020");
		CHECK_STR_EQ(c->superseded[0].id, "skarpnack-2019");
		CHECK_INT_EQ(c->superseded[0].nactivities, 20);
		/* The coordinator resolved as responsible. */
		CHECK_INT_EQ(c->roles[0][0].nroles, 1);
		if (c->roles[0][0].nroles == 1)
			CHECK_STR_EQ(c->roles[0][0].roles[0]->id,
			    "samordnare");
	}
	conf_free(c);
	diag_free(&d);

	/* Two live plans may not share an activity id... */
	put(dir, "skarpnack-2020.conf", PLAN_HEAD("skarpnack-2020", "")
	    "activities = (" ACTIVITY("skarpnack-2019-01") ");\n");
	CHECK(conf_open(conf, &d) == NULL);
	CHECK(d.nerrors == 1 && strstr(d.v[0].msg, "activity id "
	    "'skarpnack-2019-01' is used by") != NULL);
	diag_free(&d);
	/* ... nor supersede each other. */
	put(dir, "skarpnack-2020.conf", PLAN_HEAD("skarpnack-2020",
	    "supersedes = \"x\";") "activities = (" ACTIVITY("y-01") ");\n");
	put(dir, "x.conf", PLAN_HEAD("x", "supersedes = \"skarpnack-2020\";")
	    "activities = (" ACTIVITY("x-01") ");\n");
	CHECK(conf_open(conf, &d) == NULL);
	CHECK(d.nerrors >= 1 && strstr(d.v[0].msg, "supersedes itself") !=
	    NULL);
	diag_free(&d);
	cmd = xasprintf("rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	free(cmd);
	free(conf);
	free(dir);
}

static void
test_dump_loads_again(void)
{
	struct diag d = { 0 };
	struct config *c = conf_open("conf/planwatch.conf", &d), *c2;
	struct buf b1 = { 0 }, b2 = { 0 };
	char path[] = "/tmp/planwatch-dump-XXXXXX";
	FILE *fp;
	int fd;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	conf_dump(c, &b1);
	fd = mkstemp(path);
	CHECK(fd != -1);
	fp = fdopen(fd, "w");
	fputs(b1.s, fp);
	fclose(fp);
	c2 = conf_open(path, &d);
	if (d.n > 0)
		diag_print(&d, stderr);
	CHECK(c2 != NULL);
	if (c2 != NULL) {
		conf_dump(c2, &b2);
		CHECK_STR_EQ(b1.s, b2.s);
		CHECK_INT_EQ(c2->nplans, c->nplans);
	}
	unlink(path);
	conf_free(c);
	conf_free(c2);
	buf_free(&b1);
	buf_free(&b2);
	diag_free(&d);
}

/*
 * The SMTP password's file is the shell's to read (conf_open()): the core
 * parse does not touch it, and the shell refuses it with the setting's
 * file and line unless only its owner may read it -- with the mode set
 * here, whatever the checkout's umask.
 */
static void
test_secret_file(void)
{
	char dir[] = "/tmp/planwatch-test-conf.XXXXXX", cwd[4096];
	char *conf, *secret, *text;
	struct diag d = { 0 };
	struct buf b = { 0 };
	struct config *c;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	conf = xasprintf("%s/planwatch.conf", dir);
	secret = xasprintf("%s/smtp.secret", dir);
	CHECK((f = fopen(conf, "w")) != NULL);
	fprintf(f, "state_dir = \"%s/state\";\n"
	    "timezone = \"Europe/Stockholm\";\n"
	    "organization = \"%s/tests/data/conf/good/organization.conf\";\n"
	    "calendar = \"%s/tests/data/conf/good/calendar.conf\";\n"
	    "plans = \"%s/tests/data/conf/good/plans\";\n"
	    "rules = \"%s/tests/data/conf/rules\";\n"
	    "mail = {\n  transport = \"smtp\";\n"
	    "  from = \"planwatch@example.org\";\n"
	    "  smtp = {\n    host = \"127.0.0.1\";\n    port = 2525;\n"
	    "    starttls = \"off\";\n    user = \"planwatch\";\n"
	    "    secret_file = \"smtp.secret\";\n  };\n};\n",
	    dir, cwd, cwd, cwd, cwd);
	fclose(f);

	/* Missing: the core's parse is content, the shell's open is not. */
	c = conf_load(host_source(), conf, &d);
	CHECK(c != NULL);
	if (c != NULL)
		CHECK(c->mail.smtp_secret == NULL);
	conf_free(c);
	diag_free(&d);
	memset(&d, 0, sizeof(d));
	c = conf_open(conf, &d);
	CHECK(c == NULL);
	diag_format(&d, &b);
	text = xasprintf("%s:15: %s: No such file", conf, secret);
	CHECK(b.s != NULL && strstr(b.s, text) != NULL);
	free(text);
	buf_free(&b);
	diag_free(&d);
	memset(&d, 0, sizeof(d));

	/* Readable by the group: refused, whatever the umask made it. */
	CHECK((f = fopen(secret, "w")) != NULL);
	fputs("hemligt\n", f);
	fclose(f);
	CHECK(chmod(secret, 0640) == 0);
	c = conf_open(conf, &d);
	CHECK(c == NULL);
	diag_format(&d, &b);
	text = xasprintf("%s:15: %s: readable or writable by others than its "
	    "owner (mode 640)", conf, secret);
	CHECK(b.s != NULL && strstr(b.s, text) != NULL);
	free(text);
	buf_free(&b);
	diag_free(&d);
	memset(&d, 0, sizeof(d));

	/* The owner's alone: read, first line only. */
	CHECK(chmod(secret, 0600) == 0);
	c = conf_open(conf, &d);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK(c->mail.smtp_secret != NULL &&
		    strcmp(c->mail.smtp_secret, "hemligt") == 0);
		CHECK(c->mail.smtp.secret == c->mail.smtp_secret);
	}
	conf_free(c);
	diag_free(&d);
	unlink(secret);
	unlink(conf);
	rmdir(dir);
	free(secret);
	free(conf);
}

/* The table agrees with itself: defaults within bounds, a word for each. */
static void
test_keys_table(void)
{
	size_t i, j;

	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];

		CHECK(k->doc != NULL && *k->doc != '\0');
		for (j = 0; j < i; j++)
			if (strcmp(conf_keys[j].group, k->group) == 0 &&
			    strcmp(conf_keys[j].name, k->name) == 0)
				TEST_FAIL("%s.%s is in the table twice",
				    k->group, k->name);
		if (k->type == KEY_INT) {
			CHECK(k->scale >= 1);
			CHECK(k->min <= k->idef && k->idef <= k->max);
			CHECK(k->max * k->scale <= 0x7fffffff);
		}
		if (k->type == KEY_ENUM)
			CHECK_STR_EQ(k->def, k->words[k->idef]);
		if (k->type == KEY_WORD)
			CHECK(k->words != NULL && k->def != NULL);
		CHECK(conf_key(k->group, k->name) == k);
	}
}

/*
 * Loads the good case's organisation, calendar and plans with `text`
 * added; returns the snapshot or NULL, the messages in `d`.
 */
static struct config *
load_with(const char *text, struct diag *d)
{
	char cwd[4096], dir[] = "/tmp/planwatch-keys-XXXXXX", *path;
	struct config *c;
	FILE *fp;

	if (getcwd(cwd, sizeof(cwd)) == NULL || mkdtemp(dir) == NULL)
		return NULL;
	path = xasprintf("%s/planwatch.conf", dir);
	fp = fopen(path, "w");
	fprintf(fp, "state_dir = \"%s\";\n"
	    "organization = \"%s/tests/data/conf/good/organization.conf\";\n"
	    "calendar = \"%s/tests/data/conf/good/calendar.conf\";\n"
	    "plans = \"%s/tests/data/conf/good/plans\";\n"
	    "rules = \"%s/rules\";\n%s\n", dir, cwd, cwd, cwd, cwd, text);
	fclose(fp);
	c = conf_load(host_source(), path, d);
	unlink(path);
	rmdir(dir);
	free(path);
	return c;
}

/* `key = value;` in the key's group, as planwatch.conf would hold it. */
static char *
key_text(const struct conf_key *k, const char *value)
{
	if (strcmp(k->group, "mail.smtp") == 0)
		return xasprintf("mail = { smtp = { host = \"127.0.0.1\"; "
		    "%s = %s; }; };", k->name, value);
	if (strcmp(k->group, "mail") == 0)
		return xasprintf("mail = { %s = %s; smtp = { host = "
		    "\"127.0.0.1\"; }; };", k->name, value);
	return xasprintf("%s = %s;", k->name, value);
}

/* Loads `key = value` and expects it accepted and written back as `out`. */
static void
key_accepted(const struct conf_key *k, const char *value, const char *out)
{
	struct diag d = { 0 };
	struct buf b = { 0 };
	char *text = key_text(k, value), *line;
	struct config *c = load_with(text, &d);

	CHECK(c != NULL);
	if (c == NULL)
		diag_print(&d, stderr);
	else {
		conf_dump(c, &b);
		line = xasprintf("\n%s%s = %s;\n", *k->group == '\0' ? "" :
		    strcmp(k->group, "mail") == 0 ? "  " : "    ", k->name,
		    out);
		if (strstr(b.s, line) == NULL)
			TEST_FAIL("%s: no '%s' in the dump", text, line + 1);
		free(line);
	}
	conf_free(c);
	buf_free(&b);
	diag_free(&d);
	free(text);
}

/* Loads `key = value` and expects it refused with `message`. */
static void
key_refused(const struct conf_key *k, const char *value, const char *message)
{
	struct diag d = { 0 };
	struct buf b = { 0 };
	char *text = key_text(k, value);
	struct config *c = load_with(text, &d);

	CHECK(c == NULL);
	diag_format(&d, &b);
	if (b.s == NULL || strstr(b.s, message) == NULL)
		TEST_FAIL("%s: no '%s' in:\n%s", text, message,
		    b.s ? b.s : "");
	conf_free(c);
	buf_free(&b);
	diag_free(&d);
	free(text);
}

/* Every number takes its bounds and no more; every word its words. */
static void
test_keys_bounds(void)
{
	size_t i;
	int w;

	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		char v[32], msg[128];

		if (k->type == KEY_INT) {
			snprintf(v, sizeof(v), "%lld", k->min);
			key_accepted(k, v, v);
			snprintf(v, sizeof(v), "%lld", k->max);
			key_accepted(k, v, v);
			snprintf(v, sizeof(v), "%lld", k->min - 1);
			snprintf(msg, sizeof(msg), "'%s' is %lld, outside "
			    "%lld..%lld", k->name, k->min - 1, k->min, k->max);
			key_refused(k, v, msg);
			snprintf(v, sizeof(v), "%lld", k->max + 1);
			snprintf(msg, sizeof(msg), "'%s' is %lld, outside "
			    "%lld..%lld", k->name, k->max + 1, k->min, k->max);
			key_refused(k, v, msg);
		}
		if (k->type == KEY_ENUM || k->type == KEY_WORD) {
			for (w = 0; k->words[w] != NULL; w++) {
				snprintf(v, sizeof(v), "\"%s\"", k->words[w]);
				key_accepted(k, v, v);
			}
			snprintf(msg, sizeof(msg), "%s must be \"%s\"",
			    k->label ? k->label : k->name, k->words[0]);
			key_refused(k, "\"x\"", msg);
		}
	}
}

/*
 * Each key has its `.It Cm key No (...)` in its section of
 * docs/planwatch.conf.5 (mail.maildir's one key a `.Cm` line), saying
 * the table's default and, for numbers, its bounds.
 */
static void
test_keys_documented(void)
{
	char *man = read_file("docs/planwatch.conf.5", NULL);
	size_t i;

	CHECK(man != NULL);
	if (man == NULL)
		return;
	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *sec = *k->group == '\0' ? "\n.Sh PLANWATCH.CONF\n" :
		    "\n.Sh MAIL\n";
		char *start = strstr(man, sec), *end, *at, *eol, *want;
		char *line = NULL;

		CHECK(start != NULL);
		if (start == NULL)
			break;
		end = strstr(start + 1, "\n.Sh ");
		want = strcmp(k->group, "mail.maildir") == 0 ?
		    xasprintf("\n.Cm %s\n", k->name) :
		    xasprintf("\n.It Cm %s No (", k->name);
		at = strstr(start, want);
		if (at == NULL || (end != NULL && at > end)) {
			TEST_FAIL("%s%s%s is not documented in its section",
			    k->group, *k->group ? "." : "", k->name);
			free(want);
			continue;
		}
		eol = strchr(at + 1, '\n');
		line = xstrndup(at + 1, (size_t)(eol - at - 1));
		free(want);
		want = NULL;
		if (k->type == KEY_INT)
			want = xasprintf("(integer %lld\\(en%lld, default %lld)",
			    k->min, k->max, k->idef);
		else if (k->def != NULL)
			want = xasprintf("default Qq %s )", k->def);
		if (want != NULL && strstr(line, want) == NULL)
			TEST_FAIL("docs/planwatch.conf.5: '%s' does not say "
			    "'%s'", line, want);
		free(want);
		free(line);
	}
	free(man);
}

/*
 * The core reads every file through the struct source it is handed, each
 * configuration file once, and the hash recorded is of the bytes it was
 * handed: here a source over the disk that counts reads and adds a
 * comment to calendar.conf on the way.
 */
struct counting {
	char	*paths[64];
	int	 reads[64];
	size_t	 n;
	int	 lists, zones;
};

static char *
counting_read(void *arg, const char *path, size_t *len)
{
	const struct source *disk = host_source();
	struct counting *k = arg;
	struct buf b = { 0 };
	size_t i, n;
	char *text;

	for (i = 0; i < k->n && strcmp(k->paths[i], path) != 0; i++)
		;
	if (i == k->n && k->n < nitems(k->paths))
		k->paths[k->n++] = xstrdup(path);
	if (i < nitems(k->reads))
		k->reads[i]++;
	if ((text = disk->read(disk->arg, path, &n)) == NULL)
		return NULL;
	if (strstr(path, "/calendar.conf") != NULL) {
		buf_add(&b, text, n);
		buf_adds(&b, "# handed over by the shell\n");
		free(text);
		n = b.len;
		text = buf_take(&b);
	}
	if (len != NULL)
		*len = n;
	return text;
}

static char **
counting_list(void *arg, const char *dir, size_t *n)
{
	const struct source *disk = host_source();

	((struct counting *)arg)->lists++;
	return disk->list(disk->arg, dir, n);
}

static char *
counting_zone(void *arg, const char *name, size_t *len)
{
	const struct source *disk = host_source();

	((struct counting *)arg)->zones++;
	return disk->zone(disk->arg, name, len);
}

static char *
counting_cwd(void *arg)
{
	const struct source *disk = host_source();

	(void)arg;
	return disk->cwd(disk->arg);
}

static void
test_source(void)
{
	struct counting k = { 0 };
	struct source src = { counting_read, counting_list, counting_zone,
	    counting_cwd, &k };
	struct diag d = { 0 };
	struct config *c;
	char *text, *path, want[65];
	size_t i, j, len;
	int calendar = 0;

	/* Absolute, as every path the snapshot records. */
	path = counting_cwd(NULL);
	CHECK(path != NULL);
	text = xasprintf("%s/conf/planwatch.conf", path ? path : ".");
	free(path);
	c = conf_load(&src, text, &d);
	free(text);
	CHECK(c != NULL);
	if (c == NULL) {
		diag_print(&d, stderr);
		goto out;
	}
	CHECK(k.lists >= 3);	/* plans/, templates/, rules/ at least */
	CHECK_INT_EQ(k.zones, 1);
	CHECK(c->nfiles >= 4);
	for (i = 0; i < c->nfiles; i++) {
		for (j = 0; j < k.n && strcmp(k.paths[j],
		    c->files[i].path) != 0; j++)
			;
		if (j == k.n) {
			TEST_FAIL("%s was not read through the source",
			    c->files[i].path);
			continue;
		}
		if (k.reads[j] != 1)
			TEST_FAIL("%s read %d times", k.paths[j], k.reads[j]);
		text = counting_read(&k, k.paths[j], &len);
		sha256_hex(text, len, want);
		CHECK_STR_EQ(c->files[i].sha256, want);
		if (strstr(c->files[i].path, "/calendar.conf") != NULL) {
			calendar = 1;
			CHECK(strstr(text, "handed over by the shell") != NULL);
		}
		free(text);
	}
	CHECK(calendar);
	conf_free(c);
out:
	for (i = 0; i < k.n; i++)
		free(k.paths[i]);
	diag_free(&d);
}

int
main(void)
{
	TEST_RUN(test_shipped);
	TEST_RUN(test_golden);
	TEST_RUN(test_dump_loads_again);
	TEST_RUN(test_superseded);
	TEST_RUN(test_secret_file);
	TEST_RUN(test_keys_table);
	TEST_RUN(test_keys_bounds);
	TEST_RUN(test_keys_documented);
	TEST_RUN(test_source);
	return TEST_END("conf");
}
