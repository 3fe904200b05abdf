/*
 * conf: loads planwatch.conf and the files it names into one snapshot:
 * the top-level settings and the plans here, the organisation in
 * org.c, the calendar in confcalendar.c, the mail settings in
 * confmail.c, the one-value keys' table in confkeys.c; confdump.c writes
 * it back.  Core: every file, directory and zone comes through the
 * struct source the shell hands in (source.h), and the hash recorded of
 * a file is of the bytes parsed.
 *
 * Every loader reports problems as `file:line: message` and carries on, so
 * that `planwatchd -n` lists all of them at once; the snapshot is returned
 * only when no error was found.  Relative paths resolve against the
 * directory of the file that holds them and are made absolute, because the
 * daemon and planwatchctl may run from anywhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "calendar.h"
#include "cfg.h"
#include "conf.h"
#include "conf_int.h"
#include "confcalendar.h"
#include "confmail.h"
#include "org.h"
#include "page.h"
#include "plan.h"
#include "route.h"
#include "rules.h"
#include "source.h"
#include "template.h"
#include "util.h"

/*
 * Makes a path absolute against the current directory `cwd` (NULL when
 * unknown), lexically.
 */
static char *
absolute(const char *cwd, char *path)
{
	char *res;

	if (path[0] == '/' || cwd == NULL)
		return path;
	if (strncmp(path, "./", 2) == 0)
		res = xasprintf("%s/%s", cwd, path + 2);
	else
		res = xasprintf("%s/%s", cwd, path);
	free(path);
	return res;
}

char *
conf_path(const char *cwd, const char *file, const char *path)
{
	char *p = absolute(cwd, cfg_path(file, path));
	char *q;

	/* Fold "dir/../x" lexically so that paths in messages are readable. */
	while ((q = strstr(p, "/../")) != NULL && q != p) {
		char *prev = q - 1;

		while (prev > p && *prev != '/')
			prev--;
		if (strncmp(prev, "/..", 3) == 0 && (prev[3] == '/'))
			break;
		memmove(prev, q + 3, strlen(q + 3) + 1);
	}
	while ((q = strstr(p, "/./")) != NULL)
		memmove(q, q + 2, strlen(q + 2) + 1);
	return p;
}

int
conf_valid_email(const char *s)
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


/* Records a file loaded and the SHA-256 of the very bytes parsed. */
static void
add_file(struct config *c, const char *path, const char *sha256)
{
	struct conf_file *f;

	c->files = xreallocarray(c->files, c->nfiles + 1, sizeof(*c->files));
	f = &c->files[c->nfiles++];
	f->path = xstrdup(path);
	memcpy(f->sha256, sha256, sizeof(f->sha256));
}

/* Loads a setting that is either a file name or an inline group. */
static int
load_part(struct config *c, const struct source *src,
    const config_setting_t *root, const char *key, const char *mainfile,
    void (*load)(const config_setting_t *, void *, struct diag *), void *arg,
    struct diag *d)
{
	const struct conf_key *k = conf_key("", key);
	char **fileslot = (char **)(void *)((char *)c + k->off);
	const config_setting_t *s = config_setting_get_member(root, key);
	char sha256[65];
	config_t cf;

	if (s != NULL && config_setting_is_group(s)) {
		load(s, arg, d);
		return 0;
	}
	if (s != NULL && config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_error(d, s, "'%s' must be a file name or a group", key);
		return -1;
	}
	*fileslot = conf_path(cfg_cwd(root), mainfile, s ?
	    config_setting_get_string(s) : k->def);
	config_init(&cf);
	if (cfg_read(&cf, src, *fileslot, d) == 0) {
		load(config_root_setting(&cf), arg, d);
		cfg_sha256(&cf, sha256);
		add_file(c, *fileslot, sha256);
	}
	config_destroy(&cf);
	return 0;
}

static void
load_org_cb(const config_setting_t *s, void *arg, struct diag *d)
{
	org_load(s, arg, d);
}

static void
load_calendar_cb(const config_setting_t *s, void *arg, struct diag *d)
{
	conf_calendar_load(s, arg, d);
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
load_plans(struct config *c, const struct source *src, struct diag *d)
{
	char **paths;
	size_t n, i, p, a, k;

	if ((paths = cfg_conf_files(src, c->plans_dir, NULL, &n)) == NULL) {
		diag_error(d, c->plans_dir, 0, "cannot read plan directory: %s",
		    strerror(errno));
		return;
	}
	c->plans = xcalloc(n ? n : 1, sizeof(*c->plans));
	for (i = 0; i < n; i++) {
		if (plan_load(src, paths[i], &c->plans[c->nplans], d) == 0) {
			add_file(c, paths[i], c->plans[c->nplans].sha256);
			c->nplans++;
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

/* Whether `dir`, as `src` lists it, holds a file (or a directory) `name`. */
static int
dir_has(const struct source *src, const char *dir, const char *name)
{
	char **v;
	size_t n, i, len = strlen(name);
	int found = 0;

	if ((v = src->list(src->arg, dir, &n)) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strncmp(v[i], name, len) == 0 && (v[i][len] == '\0' ||
		    strcmp(v[i] + len, "/") == 0))
			found = 1;
	strv_free(v, n);
	return found;
}

struct config *
conf_load(const struct source *src, const char *path, struct diag *d)
{
	struct config *c = xcalloc(1, sizeof(*c));
	config_t cf;
	const config_setting_t *root;
	size_t before = d->nerrors;
	char sha256[65];

	config_init(&cf);
	if (cfg_read(&cf, src, path, d) != 0) {
		config_destroy(&cf);
		conf_free(c);
		return NULL;
	}
	root = config_root_setting(&cf);
	c->file = absolute(cfg_cwd(root), xstrdup(path));
	cfg_sha256(&cf, sha256);
	add_file(c, c->file, sha256);
	conf_keys_check("", root, "planwatch.conf", d);
	conf_keys_load("", 0, root, path, c, d);
	if (c->database == NULL)
		c->database = xasprintf("%s/planwatch.db", c->state_dir);
	if (c->control_socket == NULL)
		c->control_socket = xasprintf("%s/control.sock", c->state_dir);
	if (c->spool_dir == NULL)
		c->spool_dir = xasprintf("%s/spool", c->state_dir);
	if (c->backup_dir == NULL)
		c->backup_dir = xasprintf("%s/backups", c->state_dir);
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
	if (calendar_zone_valid(c->timezone, src) != 0)
		cfg_error(d, config_setting_get_member(root, "timezone") ?
		    config_setting_get_member(root, "timezone") : root,
		    "unknown time zone '%s'", c->timezone);

	load_part(c, src, root, "organization", path, load_org_cb, &c->org,
	    d);
	load_part(c, src, root, "calendar", path, load_calendar_cb, &c->cal,
	    d);
	conf_mail_load(&c->mail, root, c->state_dir, c->org.coordinator.email,
	    d);
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
	conf_keys_load("", 1, root, path, c, d);
	config_destroy(&cf);

	load_plans(c, src, d);

	/* Every template must load and render, so a reload cannot break mail. */
	{
		char *tdir = xasprintf("%s/templates", c->rules_dir);

		template_check_samples(src, tdir, d);
		free(tdir);
	}
	/* And every page, so a reload cannot break them either. */
	if (c->web.enabled && c->web.pages_dir != NULL) {
		struct pages pg;

		if (pages_load(&pg, src, c->web.pages_dir, d) == 0)
			pages_free(&pg);
	}

	/* Rules refer to roles, so they load once the organisation has. */
	if (d->nerrors == before) {
		const char *names[TEMPLATE_NKINDS + 1];
		char *rpath;

		conf_template_names(names);
		c->rules = rules_load_dir(src, c->rules_dir, &c->org, names, d);
		rpath = xasprintf("%s/routing.conf", c->rules_dir);
		if (dir_has(src, c->rules_dir, "routing.conf"))
			c->routing = route_load(src, rpath, role_exists, c,
			    d);
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
	conf_keys_free("", c);
	free(c->file);
	rules_free(c->rules);
	route_free(c->routing);
	conf_mail_free(&c->mail);
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


int
conf_peek(const struct source *src, const char *path, char **socket,
    char **state_dir, char **admin_group, struct diag *d)
{
	config_t cf;
	const config_setting_t *root;
	const char *sock = NULL, *admin = NULL;
	const char *state = conf_key("", "state_dir")->def;
	char *dir;

	config_init(&cf);
	if (cfg_read(&cf, src, path, d) != 0) {
		config_destroy(&cf);
		return -1;
	}
	root = config_root_setting(&cf);
	cfg_get_string(root, "state_dir", 0, &state, d);
	dir = conf_path(cfg_cwd(root), path, state);
	if (cfg_get_string(root, "control_socket", 0, &sock, d) == 1)
		*socket = conf_path(cfg_cwd(root), path, sock);
	else
		*socket = xasprintf("%s/control.sock", dir);
	*admin_group = cfg_get_string(root, "admin_group", 0, &admin, d) ==
	    1 && *admin != '\0' ? xstrdup(admin) : NULL;
	*state_dir = dir;
	config_destroy(&cf);
	return 0;
}

char *
conf_socket_path(const struct source *src, const char *path,
    struct diag *d)
{
	char *sock, *state, *admin;

	if (conf_peek(src, path, &sock, &state, &admin, d) != 0)
		return NULL;
	free(state);
	free(admin);
	return sock;
}
