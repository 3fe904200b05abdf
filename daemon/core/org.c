/*
 * org: loads the organisation (committee, coordinator and deputy, roles,
 * groups, units) and resolves the names plans give them.  Core: works on
 * a libconfig group already read.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>

#include "cfg.h"
#include "conf_int.h"
#include "fold.h"
#include "org.h"
#include "util.h"


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
	    !conf_valid_email(email))
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


/*
 * Every id, name and alias seen so far, folded: each must name one role
 * or group only.
 */
struct names_seen {
	char	**v;
	size_t	  n;
};

/* The list `key` of `root`; NULL when absent or not a list (an error). */
static const config_setting_t *
get_list(const config_setting_t *root, const char *key, int required,
    struct diag *d)
{
	const config_setting_t *list = config_setting_get_member(root, key);

	if (list == NULL) {
		if (required)
			cfg_error(d, root, "missing required key '%s'", key);
		return NULL;
	}
	if (!config_setting_is_list(list)) {
		cfg_error(d, list, "'%s' must be a list ( { ... }, ... )", key);
		return NULL;
	}
	return list;
}

/* Element `k` of a list of groups; NULL when it is not a group (an error). */
static const config_setting_t *
list_group(const config_setting_t *list, int k, const char *what,
    struct diag *d)
{
	const config_setting_t *g = config_setting_get_elem(list, k);

	if (!config_setting_is_group(g)) {
		cfg_error(d, g, "each %s must be a group", what);
		return NULL;
	}
	return g;
}

static void
load_committee(const config_setting_t *root, struct org *o, struct diag *d)
{
	const config_setting_t *s = config_setting_get_member(root,
	    "committee");
	const char *str;

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
}

/* The coordinator and their deputy, both required. */
static void
load_coordinator(const config_setting_t *root, struct org *o,
    struct diag *d)
{
	const config_setting_t *s;

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
}

static void
load_role_people(const config_setting_t *g, struct role *r, struct diag *d)
{
	const config_setting_t *s = config_setting_get_member(g, "people");
	int np, m;

	if (s == NULL) {
		cfg_error(d, g, "role '%s' has no 'people'",
		    r->id ? r->id : "?");
		return;
	}
	if (!config_setting_is_list(s) || config_setting_length(s) == 0) {
		cfg_error(d, s, "'people' must be a non-empty "
		    "list ( { name; email; }, ... )");
		return;
	}
	np = config_setting_length(s);
	r->people = xcalloc((size_t)np, sizeof(*r->people));
	for (m = 0; m < np; m++)
		if (load_person(config_setting_get_elem(s, m), "person",
		    &r->people[r->npeople], d) == 0)
			r->npeople++;
}

static void
load_role(const config_setting_t *g, struct role *r, struct names_seen *seen,
    struct diag *d)
{
	const config_setting_t *s;
	const char *str, **al = NULL;
	size_t nal = 0, i;

	r->file = xstrdup(cfg_file(g));
	r->line = cfg_line(g);
	cfg_check_keys(g, "role", role_keys, d);
	if (cfg_get_string(g, "id", 1, &str, d) == 1) {
		if (!valid_id(str))
			cfg_error(d, config_setting_get_member(g, "id"),
			    "role id '%s' may hold only a-z, 0-9, '-', '_' "
			    "and '.'", str);
		r->id = xstrdup(str);
		check_name_unique(d, g, &seen->v, &seen->n, str);
	}
	if (cfg_get_string(g, "name", 1, &str, d) == 1) {
		r->name = xstrdup(str);
		if (r->id == NULL || !fold_equal(str, r->id))
			check_name_unique(d, g, &seen->v, &seen->n, str);
	}
	if (cfg_get_strings(g, "aliases", 0, &al, &nal, d) == 1) {
		for (i = 0; i < nal; i++)
			check_name_unique(d, config_setting_get_member(g,
			    "aliases"), &seen->v, &seen->n, al[i]);
		r->aliases = dup_strings(al, nal);
		r->naliases = nal;
	}
	free(al);
	if (cfg_get_string(g, "reports_to", 0, &str, d) == 1 && *str != '\0')
		r->reports_to = xstrdup(str);
	load_role_people(g, r, d);
	s = config_setting_get_member(g, "deputy");
	if (s != NULL) {
		r->deputy = xcalloc(1, sizeof(*r->deputy));
		if (load_person(s, "deputy", r->deputy, d) != 0) {
			free(r->deputy);
			r->deputy = NULL;
		}
	}
}

static void
load_roles(const config_setting_t *root, struct org *o,
    struct names_seen *seen, struct diag *d)
{
	const config_setting_t *list, *g;
	int n, k;

	if ((list = get_list(root, "roles", 1, d)) == NULL)
		return;
	n = config_setting_length(list);
	o->roles = xcalloc((size_t)n, sizeof(*o->roles));
	for (k = 0; k < n; k++)
		if ((g = list_group(list, k, "role", d)) != NULL)
			load_role(g, &o->roles[o->nroles++], seen, d);
}

/* reports_to must name a role, and the chain must not loop. */
static void
check_reports_to(const struct org *o, struct diag *d)
{
	size_t i;

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
}

static void
load_group(const config_setting_t *g, const struct org *o,
    struct role_group *gr, struct names_seen *seen, struct diag *d)
{
	const char *str, **v = NULL;
	size_t nv = 0, i;

	cfg_check_keys(g, "group", group_keys, d);
	if (cfg_get_string(g, "id", 1, &str, d) == 1) {
		gr->id = xstrdup(str);
		check_name_unique(d, g, &seen->v, &seen->n, str);
	}
	if (cfg_get_string(g, "name", 1, &str, d) == 1) {
		gr->name = xstrdup(str);
		check_name_unique(d, g, &seen->v, &seen->n, str);
	}
	if (cfg_get_strings(g, "aliases", 0, &v, &nv, d) == 1) {
		for (i = 0; i < nv; i++)
			check_name_unique(d, g, &seen->v, &seen->n, v[i]);
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
				cfg_error(d, config_setting_get_member(g,
				    "roles"), "group '%s': '%s' is not a role "
				    "id", gr->id ? gr->id : "?", v[i]);
			else
				gr->roles[gr->nroles++] = r;
		}
	}
	free(v);
}

static void
load_groups(const config_setting_t *root, struct org *o,
    struct names_seen *seen, struct diag *d)
{
	const config_setting_t *list, *g;
	int n, k;

	if ((list = get_list(root, "groups", 0, d)) == NULL)
		return;
	n = config_setting_length(list);
	o->groups = xcalloc((size_t)n, sizeof(*o->groups));
	for (k = 0; k < n; k++)
		if ((g = list_group(list, k, "group", d)) != NULL)
			load_group(g, o, &o->groups[o->ngroups++], seen, d);
}

/* The unit o->units[o->nunits - 1], after the ones before it. */
static void
load_unit(const config_setting_t *g, struct org *o, struct diag *d)
{
	struct unit *u = &o->units[o->nunits - 1];
	const char *str;
	size_t j;

	cfg_check_keys(g, "unit", unit_keys, d);
	if (cfg_get_string(g, "id", 1, &str, d) == 1) {
		if (!valid_id(str))
			cfg_error(d, g, "unit id '%s' may hold only a-z, 0-9, "
			    "'-', '_' and '.'", str);
		for (j = 0; j + 1 < o->nunits; j++)
			if (o->units[j].id != NULL &&
			    strcmp(o->units[j].id, str) == 0)
				cfg_error(d, g, "duplicate unit id '%s'", str);
		u->id = xstrdup(str);
	}
	if (cfg_get_string(g, "name", 1, &str, d) == 1)
		u->name = xstrdup(str);
	if (cfg_get_string(g, "head", 0, &str, d) == 1 &&
	    (u->head = org_role(o, str)) == NULL)
		cfg_error(d, config_setting_get_member(g, "head"), "unit '%s': "
		    "head '%s' is not a role id", u->id ? u->id : "?", str);
}

static void
load_units(const config_setting_t *root, struct org *o, struct diag *d)
{
	const config_setting_t *list, *g;
	int n, k;

	if ((list = get_list(root, "units", 0, d)) == NULL)
		return;
	n = config_setting_length(list);
	o->units = xcalloc((size_t)n, sizeof(*o->units));
	for (k = 0; k < n; k++)
		if ((g = list_group(list, k, "unit", d)) != NULL) {
			o->nunits++;
			load_unit(g, o, d);
		}
}

void
org_load(const config_setting_t *root, struct org *o, struct diag *d)
{
	struct names_seen seen = { NULL, 0 };

	cfg_check_keys(root, "organization", org_keys, d);
	load_committee(root, o, d);
	load_coordinator(root, o, d);
	load_roles(root, o, &seen, d);
	/* Before groups and units point into the roles. */
	add_coordinator_role(o, seen.v, seen.n);
	check_reports_to(o, d);
	load_groups(root, o, &seen, d);
	load_units(root, o, d);
	strv_free(seen.v, seen.n);
	index_names(o);
}

void
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
