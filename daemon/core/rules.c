/*
 * rules: loading and checking reminder rule files.  Every problem an admin
 * can make is reported with the file and line of the setting at fault,
 * and the whole set is refused when any is found, so a reload with a
 * broken file keeps the rules that run.  Beyond syntax and types, the
 * checks look for rules that would silently do nothing: a filter that
 * cannot match the rule's event, a recipient that has no meaning for it,
 * a repeat that the next step always overtakes.  Those are errors, not
 * warnings, because a reminder that never goes out is only noticed when it
 * is too late.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "calendar.h"
#include "cfg.h"
#include "org.h"
#include "plan.h"
#include "rules.h"
#include "util.h"

#define DEFAULT_MINUTE	(8 * 60)

static const char *const event_names[RULE_EVENT_NKINDS] = {
	"deadline", "end", "checkpoint", "revision"
};

static const char *const file_keys[] = {
	"defaults", "coordinator_digest", "rules", NULL
};
static const char *const defaults_keys[] = {
	"time", "digest", "workdays_only", NULL
};
static const char *const rule_keys[] = {
	"id", "description", "event", "sections", "roles", "kinds", "time",
	"digest", "workdays_only", "steps", NULL
};
static const char *const step_keys[] = {
	"id", "offset", "to", "cc", "template", "while_not_reported", "repeat",
	"time", NULL
};
static const char *const repeat_keys[] = { "every", "times", NULL };

/* Settings a file's `defaults` gives its rules. */
struct defaults {
	int			minute;
	int			workdays_only;
	const char		*digest;	/* borrowed text, or NULL */
	const config_setting_t	*digest_at;
};

const char *
rules_event_name(enum rule_event e)
{
	if ((unsigned)e >= RULE_EVENT_NKINDS)
		return "?";
	return event_names[e];
}

int
rules_parse_offset(const char *s, struct rule_offset *o, const char **why)
{
	const char *p = s, *dummy;
	long long n = 0;
	int sign = 0, digits = 0;

	if (why == NULL)
		why = &dummy;
	*why = "is not a sign, a number and d, wd or w (e.g. -28d, -1wd, "
	    "+5wd, -6w)";
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	/* Saturate: anything this large is refused below anyway. */
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if (n < 1000000)
			n = n * 10 + (*p - '0');
	if (digits == 0)
		return -1;
	if (strcmp(p, "d") == 0)
		o->unit = RULE_UNIT_DAYS;
	else if (strcmp(p, "w") == 0) {
		o->unit = RULE_UNIT_DAYS;
		n *= 7;
	} else if (strcmp(p, "wd") == 0)
		o->unit = RULE_UNIT_WORKDAYS;
	else
		return -1;
	if (sign == 0 && n != 0) {
		*why = "needs a sign: '-' before the event, '+' after it";
		return -1;
	}
	if (n > (o->unit == RULE_UNIT_DAYS ? RULE_MAX_DAYS :
	    RULE_MAX_WORKDAYS)) {
		*why = o->unit == RULE_UNIT_DAYS ?
		    "is more than 3 years (1096 days)" :
		    "is more than 3 years (780 working days)";
		return -1;
	}
	o->n = sign < 0 ? -(int)n : (int)n;
	return 0;
}

void
rules_format_offset(const struct rule_offset *o, struct buf *b)
{
	buf_printf(b, "%s%d%s", o->n > 0 ? "+" : "", o->n,
	    o->unit == RULE_UNIT_WORKDAYS ? "wd" : "d");
}

int
rules_parse_time(const char *s, int *minute)
{
	int h, m;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	h = s[0] - '0';
	s++;
	if (*s >= '0' && *s <= '9')
		h = h * 10 + (*s++ - '0');
	if (s[0] != ':' || s[1] < '0' || s[1] > '5' || s[2] < '0' ||
	    s[2] > '9' || s[3] != '\0' || h > 23)
		return -1;
	m = (s[1] - '0') * 10 + (s[2] - '0');
	*minute = h * 60 + m;
	return 0;
}

/* Weekday names people write, English and Swedish, full and short. */
static const char *const weekday_names[7][4] = {
	{ "monday", "mon", "m\xc3\xa5ndag", "m\xc3\xa5n" },
	{ "tuesday", "tue", "tisdag", "tis" },
	{ "wednesday", "wed", "onsdag", "ons" },
	{ "thursday", "thu", "torsdag", "tors" },
	{ "friday", "fri", "fredag", "fre" },
	{ "saturday", "sat", "l\xc3\xb6rdag", "l\xc3\xb6r" },
	{ "sunday", "sun", "s\xc3\xb6ndag", "s\xc3\xb6n" },
};

static int
parse_weekday(const char *s)
{
	char *f = xfold(s);
	int i, j, found = 0;

	for (i = 0; i < 7 && !found; i++)
		for (j = 0; j < 4 && !found; j++) {
			char *w = xfold(weekday_names[i][j]);

			if (strcmp(f, w) == 0)
				found = i + 1;
			free(w);
		}
	free(f);
	return found;
}

int
rules_parse_digest(const char *s, int default_minute, struct rule_digest *dg)
{
	char *copy = xstrdup(s), *save = NULL, *w[4];
	int n = 0, rc = -1, minute = default_minute, wd = 0;

	for (w[n] = strtok_r(copy, " \t", &save); w[n] != NULL && n < 3;
	    w[n] = strtok_r(NULL, " \t", &save))
		n++;
	if (n == 0 || (n == 3 && w[3] != NULL))
		goto out;
	if (strcmp(w[0], "none") == 0 && n == 1) {
		dg->mode = RULE_DIGEST_NONE;
		dg->weekday = 0;
		dg->minute = default_minute;
		rc = 0;
	} else if (strcmp(w[0], "daily") == 0 && n <= 2) {
		if (n == 2 && rules_parse_time(w[1], &minute) == -1)
			goto out;
		dg->mode = RULE_DIGEST_DAILY;
		dg->weekday = 0;
		dg->minute = minute;
		rc = 0;
	} else if (strcmp(w[0], "weekly") == 0 && n >= 2) {
		if ((wd = parse_weekday(w[1])) == 0)
			goto out;
		if (n == 3 && rules_parse_time(w[2], &minute) == -1)
			goto out;
		dg->mode = RULE_DIGEST_WEEKLY;
		dg->weekday = wd;
		dg->minute = minute;
		rc = 0;
	}
out:
	free(copy);
	return rc;
}

void
rules_format_digest(const struct rule_digest *dg, struct buf *b)
{
	switch (dg->mode) {
	case RULE_DIGEST_NONE:
		buf_adds(b, "none");
		break;
	case RULE_DIGEST_DAILY:
		buf_printf(b, "daily %02d:%02d", dg->minute / 60,
		    dg->minute % 60);
		break;
	case RULE_DIGEST_WEEKLY:
		buf_printf(b, "weekly %s %02d:%02d",
		    weekday_names[(dg->weekday - 1) % 7][0], dg->minute / 60,
		    dg->minute % 60);
		break;
	}
}

static void
recipients_free(struct rule_recipient *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

static void
rule_free(struct rule *r)
{
	size_t i;

	free(r->id);
	free(r->file);
	strv_free(r->roles, r->nroles);
	for (i = 0; i < r->nsteps; i++) {
		struct rule_step *st = &r->steps[i];

		free(st->id);
		recipients_free(st->to, st->nto);
		recipients_free(st->cc, st->ncc);
		free(st->template);
	}
	free(r->steps);
}

void
rules_free(struct ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++)
		rule_free(&rs->rules[i]);
	free(rs->rules);
	strv_free(rs->files, rs->nfiles);
	free(rs);
}

static const struct role_group *
find_group(const struct org *o, const char *id)
{
	size_t i;

	for (i = 0; i < o->ngroups; i++)
		if (strcmp(o->groups[i].id, id) == 0)
			return &o->groups[i];
	return NULL;
}

/* The element of a string-or-list setting at index i, for its line. */
static const config_setting_t *
elem_at(const config_setting_t *g, const char *name, size_t i)
{
	config_setting_t *m = config_setting_get_member(g, name);

	if (m != NULL && config_setting_is_aggregate(m) &&
	    config_setting_get_elem(m, (unsigned)i) != NULL)
		return config_setting_get_elem(m, (unsigned)i);
	return m ? m : g;
}

/*
 * Reads a `time` member into *minute when present.  Returns -1 after an
 * error, else 0.
 */
static int
get_time(const config_setting_t *g, int *minute, struct diag *d)
{
	const char *s;
	int rc = cfg_get_string(g, "time", 0, &s, d);

	if (rc <= 0)
		return rc;
	if (rules_parse_time(s, minute) == -1) {
		cfg_error(d, config_setting_get_member(g, "time"),
		    "time '%s' is not a local time of day HH:MM (00:00-23:59)",
		    s);
		return -1;
	}
	return 0;
}

static int
get_digest(const config_setting_t *at, const char *s, int minute,
    struct rule_digest *dg, struct diag *d)
{
	if (rules_parse_digest(s, minute, dg) == 0)
		return 0;
	cfg_error(d, at, "digest '%s' is not none, daily [HH:MM] or weekly "
	    "DAY [HH:MM]", s);
	return -1;
}

static int
parse_recipients(const config_setting_t *g, const char *name, int required,
    const struct rule *r, const struct org *org,
    struct rule_recipient **out, size_t *nout, struct diag *d)
{
	const char **v;
	size_t n, i;
	int rc, bad = 0;

	*out = NULL;
	*nout = 0;
	if ((rc = cfg_get_strings(g, name, required, &v, &n, d)) <= 0)
		return rc;
	if (n == 0 && required) {
		cfg_error(d, config_setting_get_member(g, name),
		    "'%s' names no recipient", name);
		bad++;
	}
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		struct rule_recipient *rc_ = &(*out)[*nout];
		const config_setting_t *at = elem_at(g, name, i);

		if (strcmp(v[i], "responsible") == 0)
			rc_->who = RULE_WHO_RESPONSIBLE;
		else if (strcmp(v[i], "reports_to") == 0)
			rc_->who = RULE_WHO_REPORTS_TO;
		else if (strcmp(v[i], "coordinator") == 0)
			rc_->who = RULE_WHO_COORDINATOR;
		else if (strcmp(v[i], "deputy") == 0)
			rc_->who = RULE_WHO_DEPUTY;
		else if (org_role(org, v[i]) != NULL) {
			rc_->who = RULE_WHO_ROLE;
			rc_->id = xstrdup(v[i]);
		} else if (find_group(org, v[i]) != NULL) {
			rc_->who = RULE_WHO_GROUP;
			rc_->id = xstrdup(v[i]);
		} else {
			cfg_error(d, at, "unknown recipient '%s': not "
			    "responsible, reports_to, coordinator, deputy or a "
			    "role or group id of the organisation", v[i]);
			bad++;
			continue;
		}
		/*
		 * A plan's revision belongs to no activity, so there is no
		 * responsible role to write to: such a step would never
		 * reach anyone.
		 */
		if ((rc_->who == RULE_WHO_RESPONSIBLE ||
		    rc_->who == RULE_WHO_REPORTS_TO) &&
		    (r->events & (1u << RULE_EVENT_REVISION))) {
			cfg_error(d, at, "'%s' has no meaning for a revision "
			    "event (a plan's revision has no responsible role)",
			    v[i]);
			bad++;
			continue;
		}
		(*nout)++;
	}
	free(v);
	return bad ? -1 : 1;
}

static int
known_template(const char *const *templates, const char *name)
{
	size_t i;

	for (i = 0; templates != NULL && templates[i] != NULL; i++)
		if (strcmp(templates[i], name) == 0)
			return 1;
	return 0;
}

/* Offsets in about-calendar-days, only to check that steps are in order. */
static double
approx_days(const struct rule_offset *o)
{
	return o->unit == RULE_UNIT_WORKDAYS ? o->n * 7.0 / 5.0 : o->n;
}

static int
parse_repeat(const config_setting_t *g, struct rule_step *st, struct diag *d)
{
	const config_setting_t *rp = config_setting_get_member(g, "repeat");
	const char *every, *why;
	long long times;
	int bad = 0;

	if (rp == NULL)
		return 0;
	if (!config_setting_is_group(rp)) {
		cfg_error(d, rp, "'repeat' must be a group { every = \"7d\"; "
		    "times = N; }");
		return -1;
	}
	bad += cfg_check_keys(rp, "repeat", repeat_keys, d);
	if (cfg_get_string(rp, "every", 1, &every, d) == 1) {
		/* An interval has no direction: "7d" reads as "+7d". */
		char *signed_ = xasprintf("%s%s", every[0] == '+' ||
		    every[0] == '-' ? "" : "+", every);
		int rc = rules_parse_offset(signed_, &st->every, &why);

		free(signed_);
		if (rc == -1) {
			cfg_error(d, config_setting_get_member(rp, "every"),
			    "repeat every '%s' %s", every, why);
			bad++;
		} else if (st->every.n <= 0) {
			cfg_error(d, config_setting_get_member(rp, "every"),
			    "repeat every '%s' must be a positive interval "
			    "(e.g. \"7d\")", every);
			bad++;
		}
	} else
		bad++;
	if (cfg_get_int(rp, "times", 1, 0, RULE_MAX_REPEAT, &times, d) != 1)
		bad++;
	else if (times == 0) {
		cfg_error(d, config_setting_get_member(rp, "times"),
		    "repeat times = 0 never repeats; leave out 'repeat'");
		bad++;
	} else
		st->times = (int)times;
	return bad ? -1 : 0;
}

static int
parse_step(const config_setting_t *g, struct rule *r, struct rule_step *st,
    int rule_minute, const struct org *org, const char *const *templates,
    struct diag *d)
{
	const char *s, *why;
	int bad = 0, b;

	st->line = cfg_line(g);
	st->minute = rule_minute;
	if (!config_setting_is_group(g)) {
		cfg_error(d, g, "a step must be a group { offset; to; "
		    "template; ... }");
		return -1;
	}
	bad += cfg_check_keys(g, "step", step_keys, d);
	if (cfg_get_string(g, "offset", 1, &s, d) == 1) {
		if (rules_parse_offset(s, &st->offset, &why) == -1) {
			cfg_error(d, config_setting_get_member(g, "offset"),
			    "offset '%s' %s", s, why);
			bad++;
		}
		st->id = xstrdup(s);
	} else
		bad++;
	if (cfg_get_string(g, "id", 0, &s, d) == 1) {
		if (!plan_id_valid(s)) {
			cfg_error(d, config_setting_get_member(g, "id"),
			    "step id '%s' may hold only a-z, 0-9 and '-'", s);
			bad++;
		}
		free(st->id);
		st->id = xstrdup(s);
	}
	if (st->id == NULL)
		st->id = xstrdup("?");
	if (parse_recipients(g, "to", 1, r, org, &st->to, &st->nto, d) != 1)
		bad++;
	if (parse_recipients(g, "cc", 0, r, org, &st->cc, &st->ncc, d) < 0)
		bad++;
	if (cfg_get_string(g, "template", 1, &s, d) == 1) {
		if (!known_template(templates, s)) {
			cfg_error(d, config_setting_get_member(g, "template"),
			    "unknown template '%s'", s);
			bad++;
		}
		st->template = xstrdup(s);
	} else
		bad++;
	/*
	 * A report ends the ladder unless the step says otherwise; nothing
	 * ever reports a plan's revision, so nothing would stop that one.
	 */
	st->while_not_reported = !(r->events & (1u << RULE_EVENT_REVISION));
	if ((b = cfg_get_bool(g, "while_not_reported", 0,
	    &st->while_not_reported, d)) < 0)
		bad++;
	if (b == 1 && st->while_not_reported &&
	    (r->events & (1u << RULE_EVENT_REVISION))) {
		cfg_error(d, config_setting_get_member(g,
		    "while_not_reported"), "while_not_reported has no meaning "
		    "for a revision event: nothing reports a plan's revision");
		bad++;
	}
	if (get_time(g, &st->minute, d) == -1)
		bad++;
	if (parse_repeat(g, st, d) == -1)
		bad++;
	return bad ? -1 : 0;
}

static unsigned
parse_events(const config_setting_t *g, struct diag *d, int *bad)
{
	const char **v;
	size_t n, i;
	unsigned mask = 0;
	int e;

	if (cfg_get_strings(g, "event", 1, &v, &n, d) != 1) {
		(*bad)++;
		return 0;
	}
	for (i = 0; i < n; i++) {
		for (e = 0; e < RULE_EVENT_NKINDS; e++)
			if (strcmp(v[i], event_names[e]) == 0)
				break;
		if (e == RULE_EVENT_NKINDS) {
			cfg_error(d, elem_at(g, "event", i), "unknown event "
			    "'%s' (deadline, end, checkpoint or revision)",
			    v[i]);
			(*bad)++;
		} else
			mask |= 1u << e;
	}
	if (n == 0) {
		cfg_error(d, config_setting_get_member(g, "event"),
		    "'event' names no event");
		(*bad)++;
	}
	free(v);
	return mask;
}

static void
parse_filters(const config_setting_t *g, struct rule *r,
    const struct org *org, struct diag *d, int *bad)
{
	const char **v;
	size_t n, i, k;
	int rc;

	if ((rc = cfg_get_strings(g, "sections", 0, &v, &n, d)) == 1) {
		for (i = 0; i < n; i++) {
			enum section sec;

			if (plan_section_parse(v[i], &sec) == -1) {
				cfg_error(d, elem_at(g, "sections", i),
				    "unknown section '%s'", v[i]);
				(*bad)++;
			} else
				r->sections |= 1u << sec;
		}
		if (n == 0) {
			cfg_error(d, config_setting_get_member(g, "sections"),
			    "'sections' is empty: the rule would match "
			    "nothing");
			(*bad)++;
		}
		free(v);
	} else if (rc < 0)
		(*bad)++;

	if ((rc = cfg_get_strings(g, "kinds", 0, &v, &n, d)) == 1) {
		for (i = 0; i < n; i++) {
			struct checkpoint cp;

			if (calendar_parse_checkpoint(v[i], 2000, &cp) == -1) {
				cfg_error(d, elem_at(g, "kinds", i),
				    "unknown checkpoint kind '%s' (T1, T2 or "
				    "VB)", v[i]);
				(*bad)++;
			} else
				r->kinds |= 1u << cp.kind;
		}
		if (n == 0) {
			cfg_error(d, config_setting_get_member(g, "kinds"),
			    "'kinds' is empty: the rule would match nothing");
			(*bad)++;
		} else if (r->events != 0 &&
		    r->events != (1u << RULE_EVENT_CHECKPOINT)) {
			cfg_error(d, config_setting_get_member(g, "kinds"),
			    "'kinds' limits checkpoints, but rule '%s' has "
			    "events other than checkpoint: those would never "
			    "fire", r->id ? r->id : "?");
			(*bad)++;
		}
		free(v);
	} else if (rc < 0)
		(*bad)++;

	if ((rc = cfg_get_strings(g, "roles", 0, &v, &n, d)) == 1) {
		r->roles = xcalloc(n + 1, sizeof(*r->roles));
		for (i = 0; i < n; i++) {
			const struct role_group *gr;

			if (org_role(org, v[i]) != NULL) {
				r->roles[r->nroles++] = xstrdup(v[i]);
				continue;
			}
			if ((gr = find_group(org, v[i])) == NULL) {
				cfg_error(d, elem_at(g, "roles", i),
				    "unknown role '%s': not a role or group id "
				    "of the organisation", v[i]);
				(*bad)++;
				continue;
			}
			r->roles = xreallocarray(r->roles,
			    r->nroles + gr->nroles + n + 1, sizeof(*r->roles));
			for (k = 0; k < gr->nroles; k++)
				r->roles[r->nroles++] = xstrdup(gr->roles[k]->id);
		}
		if (n == 0) {
			cfg_error(d, config_setting_get_member(g, "roles"),
			    "'roles' is empty: the rule would match nothing");
			(*bad)++;
		}
		free(v);
	} else if (rc < 0)
		(*bad)++;

	if ((r->sections || config_setting_get_member(g, "roles")) &&
	    (r->events & (1u << RULE_EVENT_REVISION))) {
		cfg_error(d, config_setting_get_member(g, "sections") ?
		    config_setting_get_member(g, "sections") :
		    config_setting_get_member(g, "roles"),
		    "sections and roles select activities, but a revision "
		    "event belongs to the whole plan");
		(*bad)++;
	}
}

/* Checks the ladder as a whole: unique step ids, order, repeats. */
static void
check_ladder(const config_setting_t *steps, struct rule *r, struct diag *d,
    int *bad)
{
	size_t i, k;

	for (i = 0; i < r->nsteps; i++) {
		struct rule_step *st = &r->steps[i], *next;
		const config_setting_t *at =
		    config_setting_get_elem(steps, (unsigned)i);

		for (k = 0; k < i; k++)
			if (strcmp(r->steps[k].id, st->id) == 0) {
				cfg_error(d, at, "rule '%s': duplicate step id "
				    "'%s' (give each step its own 'id')",
				    r->id, st->id);
				(*bad)++;
			}
		if (i + 1 == r->nsteps)
			continue;
		next = &r->steps[i + 1];
		if (approx_days(&next->offset) < approx_days(&st->offset)) {
			cfg_error(d, config_setting_get_elem(steps,
			    (unsigned)i + 1), "rule '%s': step '%s' comes "
			    "before step '%s': write a ladder's steps in time "
			    "order", r->id, next->id, st->id);
			(*bad)++;
		} else if (st->times > 0 && approx_days(&st->offset) +
		    approx_days(&st->every) >= approx_days(&next->offset)) {
			cfg_error(d, config_setting_get_member(at, "repeat"),
			    "rule '%s': step '%s' never repeats: the next step "
			    "'%s' comes first", r->id, st->id, next->id);
			(*bad)++;
		}
	}
}

static void
parse_rule(const config_setting_t *g, struct ruleset *rs,
    const struct defaults *df, const char *path, const struct org *org,
    const char *const *templates, struct diag *d)
{
	struct rule *r;
	const config_setting_t *steps;
	const char *s;
	int bad = 0, minute = df->minute, b;
	size_t i, n;

	if (!config_setting_is_group(g)) {
		cfg_error(d, g, "a rule must be a group { id; event; steps; }");
		return;
	}
	rs->rules = xreallocarray(rs->rules, rs->nrules + 1,
	    sizeof(*rs->rules));
	r = &rs->rules[rs->nrules++];
	memset(r, 0, sizeof(*r));
	r->file = xstrdup(path);
	r->line = cfg_line(g);
	r->workdays_only = df->workdays_only;

	bad += cfg_check_keys(g, "rule", rule_keys, d);
	if (cfg_get_string(g, "id", 1, &s, d) == 1) {
		if (!plan_id_valid(s)) {
			cfg_error(d, config_setting_get_member(g, "id"),
			    "rule id '%s' may hold only a-z, 0-9 and '-'", s);
			bad++;
		}
		r->id = xstrdup(s);
		for (i = 0; i + 1 < rs->nrules; i++)
			if (strcmp(rs->rules[i].id, s) == 0) {
				cfg_error(d, config_setting_get_member(g, "id"),
				    "duplicate rule id '%s' (also %s:%d)", s,
				    rs->rules[i].file, rs->rules[i].line);
				bad++;
				break;
			}
	} else {
		r->id = xstrdup("?");
		bad++;
	}
	if (cfg_get_string(g, "description", 0, &s, d) < 0)
		bad++;
	r->events = parse_events(g, d, &bad);
	parse_filters(g, r, org, d, &bad);
	if ((b = cfg_get_bool(g, "workdays_only", 0, &r->workdays_only,
	    d)) < 0)
		bad++;
	if (get_time(g, &minute, d) == -1)
		bad++;
	/* A digest without its own time goes out with the rule's messages. */
	r->digest.mode = RULE_DIGEST_NONE;
	r->digest.minute = minute;
	if (cfg_get_string(g, "digest", 0, &s, d) == 1) {
		if (get_digest(config_setting_get_member(g, "digest"), s,
		    minute, &r->digest, d) == -1)
			bad++;
	} else if (df->digest != NULL)
		(void)get_digest(df->digest_at, df->digest, minute, &r->digest,
		    d);

	steps = config_setting_get_member(g, "steps");
	if (steps == NULL) {
		cfg_error(d, g, "rule '%s': missing required key 'steps'",
		    r->id);
		return;
	}
	if (!config_setting_is_list(steps)) {
		cfg_error(d, steps, "'steps' must be a list ( { offset; to; "
		    "template; }, ... )");
		return;
	}
	n = (size_t)config_setting_length(steps);
	if (n == 0) {
		cfg_error(d, steps, "rule '%s' has no steps", r->id);
		return;
	}
	r->steps = xcalloc(n, sizeof(*r->steps));
	for (i = 0; i < n; i++) {
		if (parse_step(config_setting_get_elem(steps, (unsigned)i), r,
		    &r->steps[r->nsteps], minute, org, templates, d) == -1)
			bad++;
		r->nsteps++;
	}
	rs->nsteps += r->nsteps;
	if (!bad)
		check_ladder(steps, r, d, &bad);
}

/*
 * The top-level `coordinator_digest`: how the coordinator and the deputy
 * get their items.  One file of the set may give it.
 */
static void
load_coordinator_digest(struct ruleset *rs, const config_setting_t *root,
    const char *path, int minute, struct diag *d, char **where)
{
	const config_setting_t *at;
	const char *s;

	if (cfg_get_string(root, "coordinator_digest", 0, &s, d) != 1)
		return;
	at = config_setting_get_member(root, "coordinator_digest");
	if (*where != NULL) {
		cfg_error(d, at, "coordinator_digest is set in %s already: "
		    "give it in one rule file", *where);
		return;
	}
	if (get_digest(at, s, minute, &rs->coordinator_digest, d) == 0)
		*where = xasprintf("%s:%d", path, cfg_line(at));
}

static void
load_file(struct ruleset *rs, const struct source *src, const char *path,
    const struct org *org, const char *const *templates, struct diag *d,
    char **cd_where)
{
	config_t cf;
	const config_setting_t *root, *dg, *list;
	struct defaults df = { DEFAULT_MINUTE, 1, NULL, NULL };
	struct rule_digest check;
	int i, n;

	rs->files = xreallocarray(rs->files, rs->nfiles + 1,
	    sizeof(*rs->files));
	rs->files[rs->nfiles++] = xstrdup(path);
	config_init(&cf);
	if (cfg_read(&cf, src, path, d) == -1) {
		config_destroy(&cf);
		return;
	}
	root = config_root_setting(&cf);
	cfg_check_keys(root, "a rule file", file_keys, d);
	if ((dg = config_setting_get_member(root, "defaults")) != NULL) {
		if (!config_setting_is_group(dg))
			cfg_error(d, dg, "'defaults' must be a group { time; "
			    "digest; workdays_only; }");
		else {
			cfg_check_keys(dg, "defaults", defaults_keys, d);
			(void)get_time(dg, &df.minute, d);
			(void)cfg_get_bool(dg, "workdays_only", 0,
			    &df.workdays_only, d);
			if (cfg_get_string(dg, "digest", 0, &df.digest, d) ==
			    1) {
				df.digest_at = config_setting_get_member(dg,
				    "digest");
				/* Report a bad default once, here. */
				if (get_digest(df.digest_at, df.digest,
				    df.minute, &check, d) == -1)
					df.digest = NULL;
			}
		}
	}
	load_coordinator_digest(rs, root, path, df.minute, d, cd_where);
	list = config_setting_get_member(root, "rules");
	if (list == NULL)
		cfg_warn(d, root, "no 'rules' in a rule file");
	else if (!config_setting_is_list(list))
		cfg_error(d, list, "'rules' must be a list ( { id; event; "
		    "steps; }, ... )");
	else {
		n = config_setting_length(list);
		for (i = 0; i < n; i++)
			parse_rule(config_setting_get_elem(list, (unsigned)i),
			    rs, &df, path, org, templates, d);
	}
	config_destroy(&cf);
}

static struct ruleset *
new_ruleset(void)
{
	struct ruleset *rs = xcalloc(1, sizeof(*rs));

	rs->coordinator_digest.mode = RULE_DIGEST_DAILY;
	rs->coordinator_digest.minute = DEFAULT_MINUTE;
	return rs;
}

static struct ruleset *
finish(struct ruleset *rs, size_t errors_before, struct diag *d)
{
	if (rs->nsteps > RULE_MAX_STEPS)
		diag_error(d, rs->nfiles ? rs->files[0] : "rules", 0,
		    "more than %d steps in all rules", RULE_MAX_STEPS);
	if (d->nerrors > errors_before) {
		rules_free(rs);
		return NULL;
	}
	return rs;
}

struct ruleset *
rules_load_file(const struct source *src, const char *path,
    const struct org *org, const char *const *templates, struct diag *d)
{
	struct ruleset *rs = new_ruleset();
	size_t before = d->nerrors;
	char *where = NULL;

	load_file(rs, src, path, org, templates, d, &where);
	free(where);
	return finish(rs, before, d);
}

struct ruleset *
rules_load_dir(const struct source *src, const char *dir,
    const struct org *org, const char *const *templates, struct diag *d)
{
	struct ruleset *rs = new_ruleset();
	size_t before = d->nerrors, n, i;
	char **paths, *where = NULL;

	/* routing.conf is the concern routing, loaded by route.c. */
	if ((paths = cfg_conf_files(src, dir, "routing.conf", &n)) == NULL) {
		diag_error(d, dir, 0, "cannot read rule directory: %s",
		    strerror(errno));
		rules_free(rs);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		load_file(rs, src, paths[i], org, templates, d, &where);
		free(paths[i]);
	}
	free(paths);
	free(where);
	return finish(rs, before, d);
}
