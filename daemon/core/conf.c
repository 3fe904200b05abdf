/*
 * conf: loads planwatch.conf and the files it names into one snapshot.
 *
 * Every loader reports problems as `file:line: message` and carries on, so
 * that `planwatchd -n` lists all of them at once; the snapshot is returned
 * only when no error was found.  Relative paths resolve against the
 * directory of the file that holds them and are made absolute, because the
 * daemon and planwatchctl may run from anywhere.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "calendar.h"
#include "cfg.h"
#include "conf.h"
#include "fold.h"
#include "page.h"
#include "plan.h"
#include "route.h"
#include "rules.h"
#include "template.h"
#include "util.h"

/*
 * The settings of planwatch.conf.  This table drives parsing, defaults
 * and the canonical dump; docs/planwatch.conf.5 documents the same keys.
 */
enum opt_kind { OPT_PATH, OPT_STRING, OPT_FILE_OR_GROUP };

struct option {
	const char	*name;
	enum opt_kind	 kind;
	size_t		 off;
	const char	*def;		/* NULL: derived or optional */
};

#define OFF(f)	offsetof(struct config, f)

static const struct option options[] = {
	{ "state_dir",		OPT_PATH,	OFF(state_dir),	"../var" },
	{ "database",		OPT_PATH,	OFF(database),	NULL },
	{ "timezone",		OPT_STRING,	OFF(timezone),	"Europe/Stockholm" },
	{ "control_socket",	OPT_PATH,	OFF(control_socket), NULL },
	{ "control_group",	OPT_STRING,	OFF(control_group), NULL },
	{ "admin_group",	OPT_STRING,	OFF(admin_group), NULL },
	{ "backup_dir",		OPT_PATH,	OFF(backup_dir), NULL },
	{ "organization",	OPT_FILE_OR_GROUP, OFF(organization_file),
	    "organization.conf" },
	{ "calendar",		OPT_FILE_OR_GROUP, OFF(calendar_file),
	    "calendar.conf" },
	{ "plans",		OPT_PATH,	OFF(plans_dir),	"plans" },
	{ "rules",		OPT_PATH,	OFF(rules_dir),	"../rules" },
	{ "spool_dir",		OPT_PATH,	OFF(spool_dir),	NULL },
};

static char **
opt_slot(struct config *c, const struct option *o)
{
	return (char **)(void *)((char *)c + o->off);
}

/* Makes a path absolute against the current directory, lexically. */
static char *
absolute(char *path)
{
	char cwd[4096], *res;

	if (path[0] == '/')
		return path;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return path;
	if (strncmp(path, "./", 2) == 0)
		res = xasprintf("%s/%s", cwd, path + 2);
	else
		res = xasprintf("%s/%s", cwd, path);
	free(path);
	return res;
}

static char *
resolve_path(const char *file, const char *path)
{
	char *p = absolute(cfg_path(file, path));
	char *q;
	size_t n;

	/* Fold "dir/../x" lexically so that paths in messages are readable. */
	while ((q = strstr(p, "/../")) != NULL && q != p) {
		char *prev = q - 1;

		while (prev > p && *prev != '/')
			prev--;
		if (strncmp(prev, "/..", 3) == 0 && (prev[3] == '/'))
			break;
		memmove(prev, q + 3, strlen(q + 3) + 1);
	}
	n = strlen(p);
	if (n > 3 && strcmp(p + n - 3, "/..") == 0) {
		/* leave a trailing ".." alone; rare in practice */
	}
	while ((q = strstr(p, "/./")) != NULL)
		memmove(q, q + 2, strlen(q + 2) + 1);
	return p;
}

static int
valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	const char *p;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == '"' || *p == '(' || *p == ')' ||
		    *p == ';' || *p == '\\' || (unsigned char)*p >= 0x7f)
			return 0;
	return strchr(at + 1, '.') != NULL;
}

static int
valid_id(const char *s)
{
	const char *p;

	if (*s == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		    *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

static void
person_free(struct person *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->email);
	free(p->user);
	free(p->lang);
}

static const char *const person_keys[] = {
	"name", "email", "user", "lang", NULL
};

static int
load_person(const config_setting_t *g, const char *what, struct person *p,
    struct diag *d)
{
	const char *name = NULL, *email = NULL, *user = NULL, *lang = NULL;
	size_t before = d->nerrors;

	if (g == NULL || !config_setting_is_group(g)) {
		cfg_error(d, g, "%s must be a group { name; email; }", what);
		return -1;
	}
	cfg_check_keys(g, what, person_keys, d);
	cfg_get_string(g, "name", 1, &name, d);
	if (cfg_get_string(g, "email", 1, &email, d) == 1 &&
	    !valid_email(email))
		cfg_error(d, config_setting_get_member(g, "email"),
		    "%s: '%s' is not a valid e-mail address", what, email);
	cfg_get_string(g, "user", 0, &user, d);
	if (cfg_get_string(g, "lang", 0, &lang, d) == 1 &&
	    strcmp(lang, "sv") != 0 && strcmp(lang, "en") != 0)
		cfg_error(d, config_setting_get_member(g, "lang"),
		    "%s: lang must be \"sv\" or \"en\"", what);
	if (d->nerrors != before)
		return -1;
	p->name = xstrdup(name);
	p->email = xstrdup(email);
	p->user = user && *user ? xstrdup(user) : NULL;
	/* Unset: the mail.language default, filled in by default_langs(). */
	p->lang = lang ? xstrdup(lang) : NULL;
	return 0;
}

static void
person_copy(struct person *to, const struct person *from)
{
	to->name = from->name ? xstrdup(from->name) : NULL;
	to->email = from->email ? xstrdup(from->email) : NULL;
	to->user = from->user ? xstrdup(from->user) : NULL;
	to->lang = from->lang ? xstrdup(from->lang) : NULL;
}

static char **
dup_strings(const char **v, size_t n)
{
	char **r = xcalloc(n + 1, sizeof(*r));
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

static const char *const org_keys[] = {
	"committee", "coordinator", "deputy", "roles", "groups", "units", NULL
};
static const char *const committee_keys[] = {
	"name", "diary_number", NULL
};
static const char *const role_keys[] = {
	"id", "name", "people", "deputy", "reports_to", "aliases", NULL
};
static const char *const group_keys[] = {
	"id", "name", "roles", "aliases", NULL
};
static const char *const unit_keys[] = {
	"id", "name", "head", NULL
};

/* Every id, name and alias must name one thing only. */
static void
check_name_unique(struct diag *d, const config_setting_t *s,
    char ***seen, size_t *nseen, const char *text)
{
	char *f = xfold(text);
	size_t i;

	for (i = 0; i < *nseen; i++)
		if (strcmp((*seen)[i], f) == 0) {
			cfg_error(d, s, "'%s' names more than one role or group",
			    text);
			free(f);
			return;
		}
	*seen = xreallocarray(*seen, *nseen + 1, sizeof(**seen));
	(*seen)[(*nseen)++] = f;
}

static void
add_name(struct org *o, const char *text, struct role *r,
    struct role_group *g)
{
	struct org_name *n;

	o->names = xreallocarray(o->names, o->nnames + 1, sizeof(*o->names));
	n = &o->names[o->nnames++];
	n->folded = xfold(text);
	n->role = r;
	n->group = g;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct org_name *)a)->folded,
	    ((const struct org_name *)b)->folded);
}

/*
 * Folds every id, name and alias once, sorted, so that resolving the
 * responsible text of many activities is a binary search each rather
 * than folding the whole organisation again every time.
 */
static void
index_names(struct org *o)
{
	size_t i, j;

	for (i = 0; i < o->nroles; i++) {
		struct role *r = &o->roles[i];

		if (r->id)
			add_name(o, r->id, r, NULL);
		if (r->name)
			add_name(o, r->name, r, NULL);
		for (j = 0; j < r->naliases; j++)
			add_name(o, r->aliases[j], r, NULL);
	}
	for (i = 0; i < o->ngroups; i++) {
		struct role_group *g = &o->groups[i];

		if (g->id)
			add_name(o, g->id, NULL, g);
		if (g->name)
			add_name(o, g->name, NULL, g);
		for (j = 0; j < g->naliases; j++)
			add_name(o, g->aliases[j], NULL, g);
	}
	if (o->nnames > 0)
		qsort(o->names, o->nnames, sizeof(*o->names), name_cmp);
}

/*
 * How plans name the coordinator as responsible (compared folded, as
 * every role name: case, diacritics, dashes and spaces do not matter).
 */
static const char *const coordinator_names[] = {
	"Samordnaren", "Samordnare mot v\xc3\xa5ldsbejakande extremism",
	"Samordnaren mot v\xc3\xa5ldsbejakande extremism",
	"Samordnare f\xc3\xb6r arbetet mot v\xc3\xa5ldsbejakande extremism",
	"Samordnaren f\xc3\xb6r arbetet mot v\xc3\xa5ldsbejakande extremism",
	"Lokal samordnare", "Lokal samordnare mot v\xc3\xa5ldsbejakande "
	"extremism", "VBE-samordnare", "VBE-samordnaren", "Samordnare VBE",
	"Samordnare f\xc3\xb6r VBE", "Samordnaren f\xc3\xb6r VBE",
	"Samordnare mot VBE", "Samordnaren mot VBE",
};

static int
name_seen(char **seen, size_t nseen, const char *text)
{
	char *f = xfold(text);
	size_t i;
	int r = 0;

	for (i = 0; i < nseen && !r; i++)
		r = strcmp(seen[i], f) == 0;
	free(f);
	return r;
}

/*
 * Plans name the coordinator as responsible ("Samordnare", "Samordnaren",
 * "samordnare mot våldsbejakande extremism"), so the coordinator holds a
 * role of their own, `samordnare`, with the deputy as its deputy and the
 * usual spellings as aliases.  An organisation that defines a role or
 * group by that id or name keeps its own; a spelling it uses elsewhere
 * stays its.  Must run before anything keeps pointers into o->roles.
 */
static void
add_coordinator_role(struct org *o, char **seen, size_t nseen)
{
	struct role *r;
	size_t i;

	if (o->coordinator.email == NULL ||
	    name_seen(seen, nseen, ORG_COORDINATOR_ROLE))
		return;
	o->roles = xreallocarray(o->roles, o->nroles + 1, sizeof(*o->roles));
	r = &o->roles[o->nroles++];
	memset(r, 0, sizeof(*r));
	r->builtin = 1;
	r->id = xstrdup(ORG_COORDINATOR_ROLE);
	r->name = xstrdup("Samordnare");
	r->people = xcalloc(1, sizeof(*r->people));
	person_copy(&r->people[0], &o->coordinator);
	r->npeople = 1;
	if (o->deputy.email != NULL) {
		r->deputy = xcalloc(1, sizeof(*r->deputy));
		person_copy(r->deputy, &o->deputy);
	}
	r->aliases = xcalloc(nitems(coordinator_names) + 1,
	    sizeof(*r->aliases));
	for (i = 0; i < nitems(coordinator_names); i++)
		if (!name_seen(seen, nseen, coordinator_names[i]))
			r->aliases[r->naliases++] =
			    xstrdup(coordinator_names[i]);
}

static void
load_org(const config_setting_t *root, struct org *o, struct diag *d)
{
	const config_setting_t *s, *list;
	const char *str;
	char **seen = NULL;
	size_t nseen = 0, i, j;
	int n, k;

	cfg_check_keys(root, "organization", org_keys, d);
	s = config_setting_get_member(root, "committee");
	if (s == NULL)
		cfg_error(d, root, "missing required key 'committee'");
	else if (!config_setting_is_group(s))
		cfg_error(d, s, "'committee' must be a group");
	else {
		cfg_check_keys(s, "committee", committee_keys, d);
		if (cfg_get_string(s, "name", 1, &str, d) == 1)
			o->committee = xstrdup(str);
		if (cfg_get_string(s, "diary_number", 0, &str, d) == 1)
			o->diary_number = xstrdup(str);
	}
	s = config_setting_get_member(root, "coordinator");
	if (s == NULL)
		cfg_error(d, root, "missing required key 'coordinator'");
	else
		load_person(s, "coordinator", &o->coordinator, d);
	s = config_setting_get_member(root, "deputy");
	if (s == NULL)
		cfg_error(d, root, "missing required key 'deputy' "
		    "(the coordinator must have a deputy)");
	else
		load_person(s, "deputy", &o->deputy, d);

	list = config_setting_get_member(root, "roles");
	if (list == NULL)
		cfg_error(d, root, "missing required key 'roles'");
	else if (!config_setting_is_list(list))
		cfg_error(d, list, "'roles' must be a list ( { ... }, ... )");
	else {
		n = config_setting_length(list);
		o->roles = xcalloc((size_t)n, sizeof(*o->roles));
		for (k = 0; k < n; k++) {
			config_setting_t *g = config_setting_get_elem(list, k);
			struct role *r = &o->roles[o->nroles];
			const char **al = NULL;
			size_t nal = 0;

			if (!config_setting_is_group(g)) {
				cfg_error(d, g, "each role must be a group");
				continue;
			}
			o->nroles++;
			r->file = xstrdup(cfg_file(g));
			r->line = cfg_line(g);
			cfg_check_keys(g, "role", role_keys, d);
			if (cfg_get_string(g, "id", 1, &str, d) == 1) {
				if (!valid_id(str))
					cfg_error(d, config_setting_get_member(g,
					    "id"), "role id '%s' may hold only "
					    "a-z, 0-9, '-', '_' and '.'", str);
				r->id = xstrdup(str);
				check_name_unique(d, g, &seen, &nseen, str);
			}
			if (cfg_get_string(g, "name", 1, &str, d) == 1) {
				r->name = xstrdup(str);
				if (r->id == NULL || !fold_equal(str, r->id))
					check_name_unique(d, g, &seen, &nseen,
					    str);
			}
			if (cfg_get_strings(g, "aliases", 0, &al, &nal, d)
			    == 1) {
				for (i = 0; i < nal; i++)
					check_name_unique(d, config_setting_get_member(g,
					    "aliases"), &seen, &nseen, al[i]);
				r->aliases = dup_strings(al, nal);
				r->naliases = nal;
			}
			free(al);
			if (cfg_get_string(g, "reports_to", 0, &str, d) == 1 &&
			    *str != '\0')
				r->reports_to = xstrdup(str);
			s = config_setting_get_member(g, "people");
			if (s == NULL)
				cfg_error(d, g, "role '%s' has no 'people'",
				    r->id ? r->id : "?");
			else if (!config_setting_is_list(s) ||
			    config_setting_length(s) == 0)
				cfg_error(d, s, "'people' must be a non-empty "
				    "list ( { name; email; }, ... )");
			else {
				int np = config_setting_length(s), m;

				r->people = xcalloc((size_t)np,
				    sizeof(*r->people));
				for (m = 0; m < np; m++)
					if (load_person(config_setting_get_elem(s,
					    m), "person", &r->people[r->npeople],
					    d) == 0)
						r->npeople++;
			}
			s = config_setting_get_member(g, "deputy");
			if (s != NULL) {
				r->deputy = xcalloc(1, sizeof(*r->deputy));
				if (load_person(s, "deputy", r->deputy, d) != 0) {
					free(r->deputy);
					r->deputy = NULL;
				}
			}
		}
	}

	/* Before groups and units point into the roles. */
	add_coordinator_role(o, seen, nseen);

	/* reports_to must name a role, and the chain must not loop. */
	for (i = 0; i < o->nroles; i++) {
		struct role *r = &o->roles[i], *up;
		size_t steps = 0;

		if (r->reports_to == NULL)
			continue;
		if (org_role(o, r->reports_to) == NULL) {
			diag_error(d, r->file, r->line, "role '%s': reports_to "
			    "'%s' is not a role id", r->id ? r->id : "?",
			    r->reports_to);
			continue;
		}
		for (up = r; up != NULL && up->reports_to != NULL &&
		    steps <= o->nroles; steps++)
			up = org_role(o, up->reports_to);
		if (steps > o->nroles)
			diag_error(d, r->file, r->line, "role '%s': reports_to "
			    "forms a loop", r->id ? r->id : "?");
	}

	list = config_setting_get_member(root, "groups");
	if (list != NULL && !config_setting_is_list(list))
		cfg_error(d, list, "'groups' must be a list ( { ... }, ... )");
	else if (list != NULL) {
		n = config_setting_length(list);
		o->groups = xcalloc((size_t)n, sizeof(*o->groups));
		for (k = 0; k < n; k++) {
			config_setting_t *g = config_setting_get_elem(list, k);
			struct role_group *gr = &o->groups[o->ngroups];
			const char **v = NULL;
			size_t nv = 0;

			if (!config_setting_is_group(g)) {
				cfg_error(d, g, "each group must be a group");
				continue;
			}
			o->ngroups++;
			cfg_check_keys(g, "group", group_keys, d);
			if (cfg_get_string(g, "id", 1, &str, d) == 1) {
				gr->id = xstrdup(str);
				check_name_unique(d, g, &seen, &nseen, str);
			}
			if (cfg_get_string(g, "name", 1, &str, d) == 1) {
				gr->name = xstrdup(str);
				check_name_unique(d, g, &seen, &nseen, str);
			}
			if (cfg_get_strings(g, "aliases", 0, &v, &nv, d) == 1) {
				for (i = 0; i < nv; i++)
					check_name_unique(d, g, &seen, &nseen,
					    v[i]);
				gr->aliases = dup_strings(v, nv);
				gr->naliases = nv;
			}
			free(v);
			v = NULL;
			if (cfg_get_strings(g, "roles", 1, &v, &nv, d) == 1) {
				gr->roles = xcalloc(nv + 1, sizeof(*gr->roles));
				for (i = 0; i < nv; i++) {
					struct role *r = org_role(o, v[i]);

					if (r == NULL)
						cfg_error(d,
						    config_setting_get_member(g,
						    "roles"), "group '%s': '%s' "
						    "is not a role id",
						    gr->id ? gr->id : "?", v[i]);
					else
						gr->roles[gr->nroles++] = r;
				}
			}
			free(v);
		}
	}

	list = config_setting_get_member(root, "units");
	if (list != NULL && !config_setting_is_list(list))
		cfg_error(d, list, "'units' must be a list ( { ... }, ... )");
	else if (list != NULL) {
		n = config_setting_length(list);
		o->units = xcalloc((size_t)n, sizeof(*o->units));
		for (k = 0; k < n; k++) {
			config_setting_t *g = config_setting_get_elem(list, k);
			struct unit *u = &o->units[o->nunits];

			if (!config_setting_is_group(g)) {
				cfg_error(d, g, "each unit must be a group");
				continue;
			}
			o->nunits++;
			cfg_check_keys(g, "unit", unit_keys, d);
			if (cfg_get_string(g, "id", 1, &str, d) == 1) {
				if (!valid_id(str))
					cfg_error(d, g, "unit id '%s' may hold "
					    "only a-z, 0-9, '-', '_' and '.'",
					    str);
				for (j = 0; j + 1 < o->nunits; j++)
					if (o->units[j].id != NULL &&
					    strcmp(o->units[j].id, str) == 0)
						cfg_error(d, g, "duplicate unit "
						    "id '%s'", str);
				u->id = xstrdup(str);
			}
			if (cfg_get_string(g, "name", 1, &str, d) == 1)
				u->name = xstrdup(str);
			if (cfg_get_string(g, "head", 0, &str, d) == 1 &&
			    (u->head = org_role(o, str)) == NULL)
				cfg_error(d, config_setting_get_member(g,
				    "head"), "unit '%s': head '%s' is not a "
				    "role id", u->id ? u->id : "?", str);
		}
	}
	strv_free(seen, nseen);
	index_names(o);
}

static void
org_free(struct org *o)
{
	size_t i;

	free(o->committee);
	free(o->diary_number);
	person_free(&o->coordinator);
	person_free(&o->deputy);
	for (i = 0; i < o->nroles; i++) {
		struct role *r = &o->roles[i];
		size_t j;

		free(r->id);
		free(r->name);
		for (j = 0; j < r->npeople; j++)
			person_free(&r->people[j]);
		free(r->people);
		person_free(r->deputy);
		free(r->deputy);
		free(r->reports_to);
		strv_free(r->aliases, r->naliases);
		free(r->file);
	}
	free(o->roles);
	for (i = 0; i < o->ngroups; i++) {
		free(o->groups[i].id);
		free(o->groups[i].name);
		strv_free(o->groups[i].aliases, o->groups[i].naliases);
		free(o->groups[i].roles);
	}
	free(o->groups);
	for (i = 0; i < o->nunits; i++) {
		free(o->units[i].id);
		free(o->units[i].name);
	}
	free(o->units);
	for (i = 0; i < o->nnames; i++)
		free(o->names[i].folded);
	free(o->names);
	memset(o, 0, sizeof(*o));
}

struct role *
org_role(const struct org *o, const char *id)
{
	size_t i;

	for (i = 0; i < o->nroles; i++)
		if (o->roles[i].id != NULL && strcmp(o->roles[i].id, id) == 0)
			return &o->roles[i];
	return NULL;
}

struct unit *
org_unit(const struct org *o, const char *id)
{
	size_t i;

	for (i = 0; i < o->nunits; i++)
		if (o->units[i].id != NULL && strcmp(o->units[i].id, id) == 0)
			return &o->units[i];
	return NULL;
}

const struct person *
org_person_by_user(const struct org *o, const char *user)
{
	size_t i, j;

	if (user == NULL)
		return NULL;
	if (o->coordinator.user && strcmp(o->coordinator.user, user) == 0)
		return &o->coordinator;
	if (o->deputy.user && strcmp(o->deputy.user, user) == 0)
		return &o->deputy;
	for (i = 0; i < o->nroles; i++) {
		for (j = 0; j < o->roles[i].npeople; j++)
			if (o->roles[i].people[j].user &&
			    strcmp(o->roles[i].people[j].user, user) == 0)
				return &o->roles[i].people[j];
		if (o->roles[i].deputy && o->roles[i].deputy->user &&
		    strcmp(o->roles[i].deputy->user, user) == 0)
			return o->roles[i].deputy;
	}
	return NULL;
}

const struct person *
org_person_by_email(const struct org *o, const char *email)
{
	size_t i, j;

	if (email == NULL)
		return NULL;
	if (strcasecmp(o->coordinator.email, email) == 0)
		return &o->coordinator;
	if (strcasecmp(o->deputy.email, email) == 0)
		return &o->deputy;
	for (i = 0; i < o->nroles; i++) {
		for (j = 0; j < o->roles[i].npeople; j++)
			if (strcasecmp(o->roles[i].people[j].email, email) == 0)
				return &o->roles[i].people[j];
		if (o->roles[i].deputy != NULL &&
		    strcasecmp(o->roles[i].deputy->email, email) == 0)
			return o->roles[i].deputy;
	}
	return NULL;
}

int
org_resolve(const struct org *o, const char *text, struct role **role,
    struct role_group **group)
{
	struct org_name key, *hit;

	key.folded = xfold(text);
	hit = o->nnames ? bsearch(&key, o->names, o->nnames,
	    sizeof(*o->names), name_cmp) : NULL;
	free(key.folded);
	if (hit == NULL)
		return 0;
	/* A role wins over a group of the same name, as before. */
	while (hit > o->names && strcmp(hit[-1].folded, hit->folded) == 0)
		hit--;
	if (hit->role != NULL) {
		if (role)
			*role = hit->role;
		return 1;
	}
	if (group)
		*group = hit->group;
	return 2;
}

static const char *const cal_keys[] = {
	"checkpoints", "due_dates", "extra_non_working_days", NULL
};
static const char *const cp_keys[] = { "T1", "T2", "VB", NULL };
static const char *const rule_keys[] = {
	"month", "day", "year_offset", NULL
};
static const char *const due_keys[] = { "checkpoint", "date", NULL };

static void
load_calendar(const config_setting_t *root, struct calendar *cal,
    struct diag *d)
{
	const config_setting_t *s, *list;
	int k, n;

	calendar_init(cal);
	cfg_check_keys(root, "calendar", cal_keys, d);
	s = config_setting_get_member(root, "checkpoints");
	if (s != NULL && !config_setting_is_group(s))
		cfg_error(d, s, "'checkpoints' must be a group");
	else if (s != NULL) {
		cfg_check_keys(s, "checkpoints", cp_keys, d);
		for (k = 0; k < CHECKPOINT_NKINDS; k++) {
			const config_setting_t *g = config_setting_get_member(s,
			    cp_keys[k]);
			long long m, day, off = cal->rule[k].year_offset;

			if (g == NULL)
				continue;
			if (!config_setting_is_group(g)) {
				cfg_error(d, g, "'%s' must be a group "
				    "{ month; day; }", cp_keys[k]);
				continue;
			}
			cfg_check_keys(g, cp_keys[k], rule_keys, d);
			if (cfg_get_int(g, "month", 1, 1, 12, &m, d) != 1 ||
			    cfg_get_int(g, "day", 1, 1, 31, &day, d) != 1 ||
			    cfg_get_int(g, "year_offset", 0, 0, 1, &off, d) < 0)
				continue;
			/* Checked against a leap year so that Feb 29 passes. */
			if (!calendar_valid(2020, (int)m, (int)day)) {
				cfg_error(d, g, "%s: %lld-%lld is not a day of "
				    "the year", cp_keys[k], m, day);
				continue;
			}
			cal->rule[k].month = (int)m;
			cal->rule[k].day = (int)day;
			cal->rule[k].year_offset = (int)off;
		}
	}
	list = config_setting_get_member(root, "due_dates");
	if (list != NULL && !config_setting_is_list(list))
		cfg_error(d, list, "'due_dates' must be a list "
		    "( { checkpoint; date; }, ... )");
	else if (list != NULL) {
		n = config_setting_length(list);
		for (k = 0; k < n; k++) {
			config_setting_t *g = config_setting_get_elem(list, k);
			const char *cp = NULL, *date = NULL;
			struct checkpoint c;
			int day;

			if (!config_setting_is_group(g)) {
				cfg_error(d, g, "each due date must be a group "
				    "{ checkpoint; date; }");
				continue;
			}
			cfg_check_keys(g, "due date", due_keys, d);
			if (cfg_get_string(g, "checkpoint", 1, &cp, d) != 1 ||
			    cfg_get_string(g, "date", 1, &date, d) != 1)
				continue;
			if (calendar_parse_checkpoint(cp, CALENDAR_NODATE,
			    &c) != 0) {
				cfg_error(d, g, "'%s' is not a checkpoint "
				    "(T1 2020, T2 2020, VB 2019)", cp);
				continue;
			}
			if (calendar_parse_date(date, &day) != 0) {
				cfg_error(d, g, "'%s' is not a date "
				    "(YYYY-MM-DD)", date);
				continue;
			}
			if (day <= calendar_checkpoint_end(c))
				cfg_error(d, g, "%s is due %s, before the "
				    "period it reports on has ended", cp, date);
			calendar_set_override(cal, c, day);
		}
	}
	s = config_setting_get_member(root, "extra_non_working_days");
	if (s != NULL) {
		const char **v = NULL;
		size_t nv = 0, i;
		int day;

		if (cfg_get_strings(root, "extra_non_working_days", 0, &v, &nv,
		    d) == 1)
			for (i = 0; i < nv; i++) {
				if (calendar_parse_date(v[i], &day) != 0)
					cfg_error(d, s, "extra_non_working_days: "
					    "'%s' is not a date (YYYY-MM-DD)",
					    v[i]);
				else
					calendar_add_extra_day(cal, day);
			}
		free(v);
	}
}

static void
add_file(struct config *c, const char *path, struct diag *d)
{
	size_t len;
	char *text = read_file(path, &len);
	struct conf_file *f;

	if (text == NULL)
		return;	/* the loader reported it */
	c->files = xreallocarray(c->files, c->nfiles + 1, sizeof(*c->files));
	f = &c->files[c->nfiles++];
	f->path = xstrdup(path);
	sha256_hex(text, len, f->sha256);
	free(text);
}

/* Loads a setting that is either a file name or an inline group. */
static int
load_part(struct config *c, const config_setting_t *root, const char *key,
    char **fileslot, const char *def, const char *mainfile,
    void (*load)(const config_setting_t *, void *, struct diag *), void *arg,
    struct diag *d)
{
	const config_setting_t *s = config_setting_get_member(root, key);
	config_t cf;

	if (s != NULL && config_setting_is_group(s)) {
		load(s, arg, d);
		return 0;
	}
	if (s != NULL && config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_error(d, s, "'%s' must be a file name or a group", key);
		return -1;
	}
	*fileslot = resolve_path(mainfile, s ? config_setting_get_string(s) :
	    def);
	config_init(&cf);
	if (cfg_read(&cf, *fileslot, d) == 0) {
		load(config_root_setting(&cf), arg, d);
		add_file(c, *fileslot, d);
	}
	config_destroy(&cf);
	return 0;
}

static void
load_org_cb(const config_setting_t *s, void *arg, struct diag *d)
{
	load_org(s, arg, d);
}

static void
load_calendar_cb(const config_setting_t *s, void *arg, struct diag *d)
{
	load_calendar(s, arg, d);
}

/* Sorts {id, ...} records by id; the id is the first member. */
static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct plan *
plan_by_id(struct plan *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/*
 * A plan that another one supersedes (its yearly revision) is kept for
 * its history only: it moves from c->plans, which everything schedules
 * and lists from, to c->superseded, which `plan show` reads.  The
 * revision's continuing activities keep their ids, so they are in both;
 * only the live plans' ids must be unique.  A chain that comes back to
 * where it started is an error: no plan of it would be live.
 */
static void
split_superseded(struct config *c, struct diag *d)
{
	struct plan *live, *q;
	int *gone;
	size_t p, k, steps, nlive = 0;

	if (c->nplans == 0)
		return;
	gone = xcalloc(c->nplans, sizeof(*gone));
	for (p = 0; p < c->nplans; p++) {
		if (c->plans[p].supersedes == NULL)
			continue;
		if ((q = plan_by_id(c->plans, c->nplans,
		    c->plans[p].supersedes)) != NULL)
			gone[q - c->plans] = 1;
		for (q = &c->plans[p], steps = 0; q != NULL && q->supersedes &&
		    steps <= c->nplans; steps++) {
			q = plan_by_id(c->plans, c->nplans, q->supersedes);
			if (q == &c->plans[p]) {
				diag_error(d, c->plans[p].file, 0, "plan '%s' "
				    "supersedes itself through the plans it "
				    "supersedes", c->plans[p].id);
				break;
			}
		}
	}
	live = xcalloc(c->nplans, sizeof(*live));
	c->superseded = xcalloc(c->nplans, sizeof(*c->superseded));
	for (p = 0; p < c->nplans; p++) {
		if (gone[p])
			c->superseded[c->nsuperseded++] = c->plans[p];
		else
			live[nlive++] = c->plans[p];
	}
	for (k = 0; k < nlive; k++)
		c->plans[k] = live[k];
	c->nplans = nlive;
	free(live);
	free(gone);
}

static void
load_plans(struct config *c, struct diag *d)
{
	char **paths;
	size_t n, i, p, a, k;

	if ((paths = cfg_conf_files(c->plans_dir, NULL, &n)) == NULL) {
		diag_error(d, c->plans_dir, 0, "cannot read plan directory: %s",
		    strerror(errno));
		return;
	}
	c->plans = xcalloc(n ? n : 1, sizeof(*c->plans));
	for (i = 0; i < n; i++) {
		if (plan_load(paths[i], &c->plans[c->nplans], d) == 0) {
			c->nplans++;
			add_file(c, paths[i], d);
		}
		free(paths[i]);
	}
	free(paths);

	/* Plan ids are unique across files, and so are activity ids. */
	for (p = 0; p < c->nplans; p++)
		for (k = 0; k < p; k++)
			if (strcmp(c->plans[p].id, c->plans[k].id) == 0)
				diag_error(d, c->plans[p].file, 0, "plan id '%s' "
				    "is used by %s too", c->plans[p].id,
				    c->plans[k].file);
	split_superseded(c, d);

	/*
	 * Activity ids are unique across plans too: notification keys and
	 * follow-up reports name an activity by its id alone.
	 */
	{
		struct { const char *id; const struct plan *p; int line; } *all;
		size_t nall = 0, m;

		for (p = 0; p < c->nplans; p++)
			nall += c->plans[p].nactivities;
		all = xcalloc(nall ? nall : 1, sizeof(*all));
		nall = 0;
		for (p = 0; p < c->nplans; p++)
			for (a = 0; a < c->plans[p].nactivities; a++) {
				all[nall].id = c->plans[p].activities[a].id;
				all[nall].p = &c->plans[p];
				all[nall++].line = c->plans[p].activities[a].line;
			}
		qsort(all, nall, sizeof(*all), id_cmp);
		for (m = 1; m < nall; m++)
			if (strcmp(all[m].id, all[m - 1].id) == 0 &&
			    all[m].p != all[m - 1].p)
				diag_error(d, all[m].p->file, all[m].line,
				    "activity id '%s' is used by %s too",
				    all[m].id, all[m - 1].p->file);
		free(all);
	}

	/* Resolve every responsible role text against the organisation. */
	c->roles = xcalloc(c->nplans ? c->nplans : 1, sizeof(*c->roles));
	for (p = 0; p < c->nplans; p++) {
		struct plan *pl = &c->plans[p];

		c->roles[p] = xcalloc(pl->nactivities ? pl->nactivities : 1,
		    sizeof(**c->roles));
		for (a = 0; a < pl->nactivities; a++) {
			struct activity *act = &pl->activities[a];
			struct activity_roles *ar = &c->roles[p][a];

			for (k = 0; k < act->nresponsible; k++) {
				struct role *r = NULL;
				struct role_group *g = NULL;
				size_t m, q;
				int kind = org_resolve(&c->org,
				    act->responsible[k], &r, &g);

				if (kind == 0) {
					diag_error(d, pl->file, act->line,
					    "activity '%s': responsible '%s' "
					    "is not a role, alias or group of "
					    "the organisation", act->id,
					    act->responsible[k]);
					continue;
				}
				m = kind == 1 ? 1 : g->nroles;
				ar->roles = xreallocarray(ar->roles,
				    ar->nroles + m, sizeof(*ar->roles));
				for (q = 0; q < m; q++) {
					struct role *add = kind == 1 ? r :
					    g->roles[q];
					size_t z;

					for (z = 0; z < ar->nroles; z++)
						if (ar->roles[z] == add)
							break;
					if (z == ar->nroles)
						ar->roles[ar->nroles++] = add;
				}
			}
		}
	}
}

static const char *const main_keys[] = {
	"state_dir", "database", "timezone", "control_socket",
	"control_group", "admin_group", "backup_dir", "organization",
	"calendar", "plans", "rules",
	"mail", "lateness_days", "report_retention_days", "http", "spool_dir",
	"web", NULL
};

static const char *const mail_keys[] = {
	"transport", "from", "from_name", "admin", "domain", "language",
	"maildir", "smtp", "max_sessions", "messages_per_session",
	"retry_first_seconds", "retry_max_seconds", "give_up_hours",
	"shutdown_wait_seconds", NULL
};
static const char *const maildir_keys[] = { "path", NULL };
static const char *const smtp_keys[] = {
	"host", "port", "starttls", "ca_file", "user", "secret_file", "helo",
	"connect_timeout_ms", "greeting_timeout_ms", "envelope_timeout_ms",
	"data_timeout_ms", "transfer_timeout_ms", "data2_timeout_ms", NULL
};

static char *
opt_string(const config_setting_t *g, const char *name, const char *def,
    struct diag *d)
{
	const char *v = NULL;

	if (cfg_get_string(g, name, 0, &v, d) != 1)
		v = def;
	return v ? xstrdup(v) : NULL;
}

static int
opt_int(const config_setting_t *g, const char *name, long long def,
    long long min, long long max, struct diag *d)
{
	long long v = def;

	cfg_get_int(g, name, 0, min, max, &v, d);
	return (int)v;
}

/* config_setting_get_member() that accepts a missing group. */
static const config_setting_t *
getm(const config_setting_t *g, const char *name)
{
	return g != NULL && config_setting_is_group(g) ?
	    config_setting_get_member(g, name) : NULL;
}

/* Records where a setting is, for the shell's messages about it. */
static void
where_set(struct conf_where *w, const config_setting_t *s)
{
	free(w->file);
	w->file = xstrdup(cfg_file(s));
	w->line = cfg_line(s);
}

static void
load_mail(struct config *c, const config_setting_t *root, struct diag *d)
{
	const config_setting_t *g = getm(root, "mail");
	const config_setting_t *s;
	struct mail_conf *m = &c->mail;
	const char *str;
	char *at;

	if (g != NULL && !config_setting_is_group(g)) {
		cfg_error(d, g, "'mail' must be a group");
		g = NULL;
	}
	cfg_check_keys(g, "mail", mail_keys, d);
	str = "maildir";
	cfg_get_string(g, "transport", 0, &str, d);
	if (strcmp(str, "maildir") == 0)
		m->transport = MAIL_TRANSPORT_MAILDIR;
	else if (strcmp(str, "smtp") == 0)
		m->transport = MAIL_TRANSPORT_SMTP;
	else
		cfg_error(d, getm(g, "transport"),
		    "mail transport must be \"maildir\" or \"smtp\"");
	m->from = opt_string(g, "from", "planwatch@localhost", d);
	m->from_name = opt_string(g, "from_name", "Planwatch", d);
	m->admin = opt_string(g, "admin", c->org.coordinator.email ?
	    c->org.coordinator.email : m->from, d);
	if (!valid_email(m->from) && strcmp(m->from, "planwatch@localhost"))
		cfg_error(d, getm(g, "from"),
		    "mail.from '%s' is not a valid e-mail address", m->from);
	if (getm(g, "admin") != NULL && !valid_email(m->admin))
		cfg_error(d, getm(g, "admin"),
		    "mail.admin '%s' is not a valid e-mail address", m->admin);
	at = strchr(m->from, '@');
	m->domain = opt_string(g, "domain", at ? at + 1 : "localhost", d);
	m->lang = opt_string(g, "language", "sv", d);
	if (strcmp(m->lang, "sv") != 0 && strcmp(m->lang, "en") != 0)
		cfg_error(d, getm(g, "language"),
		    "mail.language must be \"sv\" or \"en\"");
	m->max_sessions = opt_int(g, "max_sessions", 2, 1, 16, d);
	m->batch = opt_int(g, "messages_per_session", 10, 1, 1000, d);
	m->retry_first = opt_int(g, "retry_first_seconds", 60, 1, 86400, d);
	m->retry_max = opt_int(g, "retry_max_seconds", 3600, 1, 86400, d);
	m->give_up = opt_int(g, "give_up_hours", 72, 1, 24 * 60, d) * 3600;
	m->shutdown_wait = opt_int(g, "shutdown_wait_seconds", 10, 0, 600, d);

	s = g ? getm(g, "maildir") : NULL;
	if (s != NULL && !config_setting_is_group(s))
		cfg_error(d, s, "'maildir' must be a group { path; }");
	else if (s != NULL)
		cfg_check_keys(s, "mail.maildir", maildir_keys, d);
	if (s != NULL && config_setting_is_group(s) &&
	    cfg_get_string(s, "path", 0, &str, d) == 1)
		m->maildir = resolve_path(cfg_file(s), str);
	else
		m->maildir = xasprintf("%s/mail", c->state_dir);

	s = g ? getm(g, "smtp") : NULL;
	if (s != NULL && !config_setting_is_group(s)) {
		cfg_error(d, s, "'smtp' must be a group");
		s = NULL;
	}
	if (s == NULL && m->transport == MAIL_TRANSPORT_SMTP)
		cfg_error(d, g, "mail.transport is \"smtp\" but there is no "
		    "mail.smtp group");
	if (s == NULL)
		return;
	cfg_check_keys(s, "mail.smtp", smtp_keys, d);
	if (cfg_get_string(s, "host", 1, &str, d) == 1)
		m->smtp_host = xstrdup(str);
	m->smtp.port = opt_int(s, "port", 587, 1, 65535, d);
	str = "required";
	cfg_get_string(s, "starttls", 0, &str, d);
	if (strcmp(str, "required") == 0)
		m->smtp.starttls = SMTP_STARTTLS_REQUIRED;
	else if (strcmp(str, "opportunistic") == 0)
		m->smtp.starttls = SMTP_STARTTLS_OPPORTUNISTIC;
	else if (strcmp(str, "off") == 0)
		m->smtp.starttls = SMTP_STARTTLS_OFF;
	else
		cfg_error(d, getm(s, "starttls"),
		    "starttls must be \"required\", \"opportunistic\" or "
		    "\"off\"");
	if (cfg_get_string(s, "ca_file", 0, &str, d) == 1)
		m->smtp_ca_file = resolve_path(cfg_file(s), str);
	if (cfg_get_string(s, "user", 0, &str, d) == 1)
		m->smtp_user = xstrdup(str);
	if (cfg_get_string(s, "secret_file", 0, &str, d) == 1) {
		/* Read and checked by the shell (conf_open()). */
		m->smtp_secret_file = resolve_path(cfg_file(s), str);
		where_set(&m->smtp_secret_at, getm(s, "secret_file"));
	}
	if ((m->smtp_user == NULL) != (m->smtp_secret_file == NULL) &&
	    d->nerrors == 0)
		cfg_error(d, s, "mail.smtp: user and secret_file go together");
	if (cfg_get_string(s, "helo", 0, &str, d) == 1)
		m->smtp_helo = xstrdup(str);
	m->smtp.connect_timeout_ms = opt_int(s, "connect_timeout_ms", 10000,
	    1000, 600000, d);
	m->smtp.greeting_timeout_ms = opt_int(s, "greeting_timeout_ms",
	    30000, 1000, 600000, d);
	m->smtp.envelope_timeout_ms = opt_int(s, "envelope_timeout_ms",
	    30000, 1000, 600000, d);
	m->smtp.data_timeout_ms = opt_int(s, "data_timeout_ms", 30000, 1000,
	    600000, d);
	m->smtp.transfer_timeout_ms = opt_int(s, "transfer_timeout_ms",
	    30000, 1000, 600000, d);
	m->smtp.data2_timeout_ms = opt_int(s, "data2_timeout_ms", 60000,
	    1000, 600000, d);
	m->smtp.host = m->smtp_host;
	m->smtp.ca_file = m->smtp_ca_file;
	m->smtp.user = m->smtp_user;
	m->smtp.secret = m->smtp_secret;
	m->smtp.helo = m->smtp_helo;
	/* The shell builds the transport once to check what only it can. */
	where_set(&m->smtp_at, s);
}

static void
mail_free(struct mail_conf *m)
{
	free(m->from);
	free(m->from_name);
	free(m->admin);
	free(m->domain);
	free(m->lang);
	free(m->maildir);
	free(m->smtp_host);
	free(m->smtp_ca_file);
	free(m->smtp_user);
	if (m->smtp_secret != NULL)
		explicit_bzero(m->smtp_secret, strlen(m->smtp_secret));
	free(m->smtp_secret);
	free(m->smtp_secret_file);
	free(m->smtp_at.file);
	free(m->smtp_secret_at.file);
	free(m->smtp_helo);
}

void
conf_template_names(const char **names)
{
	int k, n = 0;

	/* Only the kinds of item a step makes; the others are whole messages. */
	for (k = 0; k < TEMPLATE_NKINDS; k++)
		if (template_kinds[k].step)
			names[n++] = template_kinds[k].name;
	names[n] = NULL;
}

static void
default_lang(struct person *p, const char *lang)
{
	if (p != NULL && p->name != NULL && p->lang == NULL)
		p->lang = xstrdup(lang);
}

/* People without a `lang` of their own get mail.language. */
static void
default_langs(struct config *c)
{
	const char *lang = c->mail.lang ? c->mail.lang : "sv";
	size_t i, k;

	default_lang(&c->org.coordinator, lang);
	default_lang(&c->org.deputy, lang);
	for (i = 0; i < c->org.nroles; i++) {
		for (k = 0; k < c->org.roles[i].npeople; k++)
			default_lang(&c->org.roles[i].people[k], lang);
		default_lang(c->org.roles[i].deputy, lang);
	}
}

static int
role_exists(void *arg, const char *id)
{
	const struct config *c = arg;

	return org_role(&c->org, id) != NULL;
}

struct config *
conf_load(const char *path, struct diag *d)
{
	return conf_load_ex(path, 1, d);
}

struct config *
conf_load_ex(const char *path, int set_zone, struct diag *d)
{
	struct config *c = xcalloc(1, sizeof(*c));
	config_t cf;
	const config_setting_t *root;
	size_t before = d->nerrors, i;
	const char *str;

	c->file = absolute(xstrdup(path));
	config_init(&cf);
	if (cfg_read(&cf, path, d) != 0) {
		config_destroy(&cf);
		conf_free(c);
		return NULL;
	}
	add_file(c, c->file, d);
	root = config_root_setting(&cf);
	cfg_check_keys(root, "planwatch.conf", main_keys, d);
	for (i = 0; i < nitems(options); i++) {
		const struct option *o = &options[i];
		char **slot = opt_slot(c, o);

		if (o->kind == OPT_FILE_OR_GROUP)
			continue;
		if (cfg_get_string(root, o->name, 0, &str, d) != 1)
			str = o->def;
		if (str == NULL)
			continue;
		*slot = o->kind == OPT_PATH ? resolve_path(path, str) :
		    xstrdup(str);
	}
	if (c->database == NULL)
		c->database = xasprintf("%s/planwatch.db", c->state_dir);
	if (c->control_socket == NULL)
		c->control_socket = xasprintf("%s/control.sock", c->state_dir);
	if (c->spool_dir == NULL)
		c->spool_dir = xasprintf("%s/spool", c->state_dir);
	if (c->backup_dir == NULL)
		c->backup_dir = xasprintf("%s/backups", c->state_dir);
	if (c->control_group != NULL && *c->control_group == '\0') {
		free(c->control_group);
		c->control_group = NULL;
	}
	if (c->admin_group != NULL && *c->admin_group == '\0') {
		free(c->admin_group);
		c->admin_group = NULL;
	}
	/*
	 * The state directory is the daemon's alone (mode 0700): a socket
	 * inside it is out of reach of the group meant to use it.
	 */
	if (c->control_group != NULL && strncmp(c->control_socket,
	    c->state_dir, strlen(c->state_dir)) == 0 &&
	    c->control_socket[strlen(c->state_dir)] == '/')
		cfg_error(d, config_setting_get_member(root, "control_group"),
		    "control_socket %s is inside state_dir, which only the "
		    "daemon's user may enter: members of control_group '%s' "
		    "could not reach it; put the socket in the runtime "
		    "directory, e.g. control_socket = "
		    "\"/run/planwatch/control.sock\"", c->control_socket,
		    c->control_group);
	if ((set_zone ? calendar_set_zone(c->timezone) :
	    calendar_zone_valid(c->timezone)) != 0)
		cfg_error(d, config_setting_get_member(root, "timezone") ?
		    config_setting_get_member(root, "timezone") : root,
		    "unknown time zone '%s'", c->timezone);

	load_part(c, root, "organization", &c->organization_file,
	    "organization.conf", path, load_org_cb, &c->org, d);
	load_part(c, root, "calendar", &c->calendar_file, "calendar.conf",
	    path, load_calendar_cb, &c->cal, d);
	load_mail(c, root, d);
	default_langs(c);
	{
		const config_setting_t *h = config_setting_get_member(root,
		    "http");

		/* No `http` group, no listener: the spool still works. */
		c->http_enabled = h != NULL;
		http_config_load(h, path, &c->http, d);
		h = config_setting_get_member(root, "web");
		web_config_load(h, path, c->state_dir, c->rules_dir, &c->web,
		    d);
		if (h != NULL && !c->http_enabled)
			cfg_error(d, h, "the pages need the HTTP listener: add "
			    "an `http` group (http = { listen = "
			    "\"127.0.0.1:8025\"; };)");
	}
	c->lateness = opt_int(root, "lateness_days", 14, 1, 365, d) * 86400;
	c->retention = opt_int(root, "report_retention_days", 365, 1, 3650,
	    d) * 86400;
	config_destroy(&cf);

	load_plans(c, d);

	/* Every template must load and render, so a reload cannot break mail. */
	{
		char *tdir = xasprintf("%s/templates", c->rules_dir);

		template_check_samples(tdir, d);
		free(tdir);
	}
	/* And every page, so a reload cannot break them either. */
	if (c->web.enabled && c->web.pages_dir != NULL) {
		struct pages pg;

		if (pages_load(&pg, c->web.pages_dir, d) == 0)
			pages_free(&pg);
	}

	/* Rules refer to roles, so they load once the organisation has. */
	if (d->nerrors == before) {
		const char *names[TEMPLATE_NKINDS + 1];
		char *rpath;
		struct stat st;

		conf_template_names(names);
		c->rules = rules_load_dir(c->rules_dir, c, names, d);
		rpath = xasprintf("%s/routing.conf", c->rules_dir);
		if (stat(rpath, &st) == 0)
			c->routing = route_load(rpath, role_exists, c, d);
		free(rpath);
	}

	if (d->nerrors != before) {
		conf_free(c);
		return NULL;
	}
	return c;
}

void
conf_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < nitems(options); i++)
		free(*opt_slot(c, &options[i]));
	free(c->file);
	rules_free(c->rules);
	route_free(c->routing);
	mail_free(&c->mail);
	http_config_free(&c->http);
	web_config_free(&c->web);
	org_free(&c->org);
	calendar_free(&c->cal);
	for (i = 0; i < c->nplans; i++) {
		size_t a;

		if (c->roles != NULL) {
			for (a = 0; a < c->plans[i].nactivities; a++)
				free(c->roles[i][a].roles);
			free(c->roles[i]);
		}
		plan_free(&c->plans[i]);
	}
	free(c->plans);
	free(c->roles);
	for (i = 0; i < c->nsuperseded; i++)
		plan_free(&c->superseded[i]);
	free(c->superseded);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i].path);
	free(c->files);
	free(c);
}

static void
dump_kv(struct buf *b, const char *indent, const char *key, const char *val)
{
	buf_printf(b, "%s%s = ", indent, key);
	cfg_quote(b, val);
	buf_adds(b, ";\n");
}

static void
dump_person(struct buf *b, const char *indent, const char *key,
    const struct person *p, int in_list)
{
	if (in_list)
		buf_printf(b, "%s{ ", indent);
	else
		buf_printf(b, "%s%s = { ", indent, key);
	buf_adds(b, "name = ");
	cfg_quote(b, p->name);
	buf_adds(b, "; email = ");
	cfg_quote(b, p->email);
	if (p->user) {
		buf_adds(b, "; user = ");
		cfg_quote(b, p->user);
	}
	buf_adds(b, "; lang = ");
	cfg_quote(b, p->lang);
	buf_adds(b, in_list ? "; }" : "; };\n");
}

static void
dump_mail(const struct mail_conf *m, struct buf *b)
{
	static const char *const starttls[] = {
		"required", "opportunistic", "off"
	};

	buf_printf(b, "mail = {\n  transport = \"%s\";\n",
	    m->transport == MAIL_TRANSPORT_SMTP ? "smtp" : "maildir");
	dump_kv(b, "  ", "from", m->from);
	dump_kv(b, "  ", "from_name", m->from_name);
	dump_kv(b, "  ", "admin", m->admin);
	dump_kv(b, "  ", "domain", m->domain);
	dump_kv(b, "  ", "language", m->lang);
	buf_printf(b, "  max_sessions = %d;\n  messages_per_session = %d;\n"
	    "  retry_first_seconds = %d;\n  retry_max_seconds = %d;\n"
	    "  give_up_hours = %d;\n  shutdown_wait_seconds = %d;\n",
	    m->max_sessions, m->batch, m->retry_first, m->retry_max,
	    m->give_up / 3600, m->shutdown_wait);
	buf_adds(b, "  maildir = { path = ");
	cfg_quote(b, m->maildir);
	buf_adds(b, "; };\n");
	if (m->smtp_host != NULL) {
		buf_adds(b, "  smtp = {\n");
		dump_kv(b, "    ", "host", m->smtp_host);
		buf_printf(b, "    port = %d;\n    starttls = \"%s\";\n",
		    m->smtp.port, starttls[m->smtp.starttls]);
		if (m->smtp_ca_file)
			dump_kv(b, "    ", "ca_file", m->smtp_ca_file);
		if (m->smtp_user)
			dump_kv(b, "    ", "user", m->smtp_user);
		if (m->smtp_secret_file)
			dump_kv(b, "    ", "secret_file", m->smtp_secret_file);
		if (m->smtp_helo)
			dump_kv(b, "    ", "helo", m->smtp_helo);
		buf_printf(b, "    connect_timeout_ms = %d;\n"
		    "    greeting_timeout_ms = %d;\n"
		    "    envelope_timeout_ms = %d;\n"
		    "    data_timeout_ms = %d;\n"
		    "    transfer_timeout_ms = %d;\n"
		    "    data2_timeout_ms = %d;\n  };\n",
		    m->smtp.connect_timeout_ms, m->smtp.greeting_timeout_ms,
		    m->smtp.envelope_timeout_ms, m->smtp.data_timeout_ms,
		    m->smtp.transfer_timeout_ms, m->smtp.data2_timeout_ms);
	}
	buf_adds(b, "};\n");
}

void
conf_dump(const struct config *c, struct buf *b)
{
	const struct org *o = &c->org;
	size_t i, j, n;
	char date[11];

	buf_adds(b, "# planwatch configuration in canonical form "
	    "(planwatchd -nv)\n");
	for (i = 0; i < nitems(options); i++) {
		const struct option *op = &options[i];
		char *v = *opt_slot((struct config *)(uintptr_t)c, op);

		if (op->kind == OPT_FILE_OR_GROUP || v == NULL)
			continue;
		dump_kv(b, "", op->name, v);
	}

	buf_printf(b, "lateness_days = %d;\n", c->lateness / 86400);
	buf_printf(b, "report_retention_days = %d;\n",
	    c->retention / 86400);
	dump_mail(&c->mail, b);
	if (c->http_enabled)
		http_config_dump(&c->http, b);
	web_config_dump(&c->web, b);
	buf_adds(b, "organization = {\n  committee = { name = ");
	cfg_quote(b, o->committee);
	if (o->diary_number) {
		buf_adds(b, "; diary_number = ");
		cfg_quote(b, o->diary_number);
	}
	buf_adds(b, "; };\n");
	dump_person(b, "  ", "coordinator", &o->coordinator, 0);
	dump_person(b, "  ", "deputy", &o->deputy, 0);
	buf_adds(b, "  roles = (\n");
	/* The coordinator's own role comes from `coordinator` again. */
	n = o->nroles;
	while (n > 0 && o->roles[n - 1].builtin)
		n--;
	for (i = 0; i < n; i++) {
		const struct role *r = &o->roles[i];

		buf_adds(b, "    {\n");
		dump_kv(b, "      ", "id", r->id);
		dump_kv(b, "      ", "name", r->name);
		if (r->reports_to)
			dump_kv(b, "      ", "reports_to", r->reports_to);
		if (r->naliases)
			cfg_write_strings(b, "      ", "aliases", r->aliases,
			    r->naliases);
		buf_adds(b, "      people = (\n");
		for (j = 0; j < r->npeople; j++) {
			dump_person(b, "        ", NULL, &r->people[j], 1);
			buf_adds(b, j + 1 < r->npeople ? ",\n" : "\n");
		}
		buf_adds(b, "      );\n");
		if (r->deputy)
			dump_person(b, "      ", "deputy", r->deputy, 0);
		buf_adds(b, i + 1 < n ? "    },\n" : "    }\n");
	}
	buf_adds(b, "  );\n");
	buf_adds(b, "  groups = (\n");
	for (i = 0; i < o->ngroups; i++) {
		const struct role_group *g = &o->groups[i];

		buf_adds(b, "    { id = ");
		cfg_quote(b, g->id);
		buf_adds(b, "; name = ");
		cfg_quote(b, g->name);
		buf_adds(b, ";\n      roles = [ ");
		for (j = 0; j < g->nroles; j++) {
			if (j > 0)
				buf_adds(b, ", ");
			cfg_quote(b, g->roles[j]->id);
		}
		buf_adds(b, " ];\n");
		if (g->naliases)
			cfg_write_strings(b, "      ", "aliases", g->aliases,
			    g->naliases);
		buf_adds(b, i + 1 < o->ngroups ? "    },\n" : "    }\n");
	}
	buf_adds(b, "  );\n  units = (\n");
	for (i = 0; i < o->nunits; i++) {
		const struct unit *u = &o->units[i];

		buf_adds(b, "    { id = ");
		cfg_quote(b, u->id);
		buf_adds(b, "; name = ");
		cfg_quote(b, u->name);
		if (u->head) {
			buf_adds(b, "; head = ");
			cfg_quote(b, u->head->id);
		}
		buf_adds(b, i + 1 < o->nunits ? "; },\n" : "; }\n");
	}
	buf_adds(b, "  );\n};\n");

	buf_adds(b, "calendar = {\n  checkpoints = {\n");
	for (i = 0; i < CHECKPOINT_NKINDS; i++)
		buf_printf(b, "    %s = { month = %d; day = %d; "
		    "year_offset = %d; };\n",
		    calendar_checkpoint_kind_name((enum checkpoint_kind)i),
		    c->cal.rule[i].month, c->cal.rule[i].day,
		    c->cal.rule[i].year_offset);
	buf_adds(b, "  };\n  due_dates = (\n");
	for (i = 0; i < c->cal.noverrides; i++) {
		char name[32];

		calendar_checkpoint_format(c->cal.overrides[i].cp, name,
		    sizeof(name));
		calendar_format(c->cal.overrides[i].due, date);
		buf_printf(b, "    { checkpoint = \"%s\"; date = \"%s\"; }%s\n",
		    name, date, i + 1 < c->cal.noverrides ? "," : "");
	}
	buf_adds(b, "  );\n  extra_non_working_days = [");
	for (i = 0; i < c->cal.nextra_days; i++) {
		calendar_format(c->cal.extra_days[i], date);
		buf_printf(b, "%s\"%s\"", i ? ", " : " ", date);
	}
	buf_adds(b, " ];\n};\n");
}

int
conf_peek(const char *path, char **socket, char **state_dir,
    char **admin_group, struct diag *d)
{
	config_t cf;
	const config_setting_t *root;
	const char *sock = NULL, *state = "../var", *admin = NULL;
	char *dir;

	config_init(&cf);
	if (cfg_read(&cf, path, d) != 0) {
		config_destroy(&cf);
		return -1;
	}
	root = config_root_setting(&cf);
	cfg_get_string(root, "state_dir", 0, &state, d);
	dir = resolve_path(path, state);
	if (cfg_get_string(root, "control_socket", 0, &sock, d) == 1)
		*socket = resolve_path(path, sock);
	else
		*socket = xasprintf("%s/control.sock", dir);
	*admin_group = cfg_get_string(root, "admin_group", 0, &admin, d) ==
	    1 && *admin != '\0' ? xstrdup(admin) : NULL;
	*state_dir = dir;
	config_destroy(&cf);
	return 0;
}

char *
conf_socket_path(const char *path, struct diag *d)
{
	char *sock, *state, *admin;

	if (conf_peek(path, &sock, &state, &admin, d) != 0)
		return NULL;
	free(state);
	free(admin);
	return sock;
}
