/*
 * route: loading rules/routing.conf and routing concern reports by it.
 *
 * The file is small and read by people who are not programmers, so the
 * loader is strict and talkative: every unknown key, every value outside
 * the report's enumerations and every role the organisation does not know
 * is reported with its own file:line, and a file with any error is not
 * used at all.  The enumerations come from concern.c, so a value the form
 * cannot send can never appear in a rule.
 */
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "concern.h"
#include "route.h"
#include "util.h"

static const char *const routing_keys[] = {
	"ack_within_working_hours", "ack_within_hours_akut", "escalate",
	"rules", NULL
};

static const char *const rule_keys[] = { "when", "notify", NULL };

/* The enumerated fields a rule may test, and where their mask lives. */
static const char *const enum_fields[] = {
	"place_type", "kind", "milieu", "urgency"
};

static const char *const bool_fields[] = {
	"concerns_minor", "police_informed", "social_services_informed"
};

static const char *const when_keys[] = {
	"place_type", "kind", "milieu", "urgency", "concerns_minor",
	"police_informed", "social_services_informed", NULL
};

/* The mask of enum_fields[i] in a rule. */
static unsigned *
enum_mask(struct route_rule *r, size_t i)
{
	unsigned *const masks[] = {
		&r->place_mask, &r->kind_mask, &r->milieu_mask,
		&r->urgency_mask
	};

	return masks[i];
}

/* The condition on bool_fields[i] in a rule. */
static int *
bool_cond(struct route_rule *r, size_t i)
{
	int *const conds[] = {
		&r->concerns_minor, &r->police_informed,
		&r->social_services_informed
	};

	return conds[i];
}

static unsigned
get_mask(const struct route_rule *r, size_t i)
{
	const unsigned masks[] = {
		r->place_mask, r->kind_mask, r->milieu_mask, r->urgency_mask
	};

	return masks[i];
}

static int
get_cond(const struct route_rule *r, size_t i)
{
	const int conds[] = {
		r->concerns_minor, r->police_informed,
		r->social_services_informed
	};

	return conds[i];
}

/* "skola, forskola, ..." for messages. */
static void
join_values(struct buf *b, const char *const *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", v[i]);
}

/*
 * Reads member `name` of `g`, a string or a list of strings naming
 * recipients, into a new array of copies.  Each element is checked on its
 * own line: "deputy" is always allowed, "coordinator" only when
 * `allow_coordinator` (it makes no sense to escalate to the one who failed
 * to acknowledge), other ids must satisfy role_exists.  Returns the number
 * of errors added; *out is NULL when the member is absent.
 */
static int
read_roles(const config_setting_t *g, const char *name, int allow_coordinator,
    route_role_exists_cb *role_exists, void *arg, char ***out, size_t *n,
    struct diag *d)
{
	const config_setting_t	*m, *e;
	const char		*id;
	int			 i, len, errors = 0, single;

	*out = NULL;
	*n = 0;
	if ((m = config_setting_get_member(g, name)) == NULL)
		return 0;
	single = config_setting_type(m) == CONFIG_TYPE_STRING;
	if (!single && (!config_setting_is_aggregate(m) ||
	    config_setting_is_group(m))) {
		cfg_error(d, m, "'%s' must be a role id or a list of role ids",
		    name);
		return 1;
	}
	len = single ? 1 : config_setting_length(m);
	if (len == 0) {
		cfg_error(d, m, "'%s' must name at least one role", name);
		return 1;
	}
	*out = xcalloc((size_t)len, sizeof(**out));
	for (i = 0; i < len; i++) {
		e = single ? m : config_setting_get_elem(m, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_error(d, e, "'%s' must hold only strings", name);
			errors++;
			continue;
		}
		id = config_setting_get_string(e);
		if (strcmp(id, ROUTE_COORDINATOR) == 0) {
			if (!allow_coordinator) {
				cfg_error(d, e, "'%s': the coordinator is the "
				    "one who acknowledges; escalate to "
				    "someone else", name);
				errors++;
				continue;
			}
		} else if (strcmp(id, ROUTE_DEPUTY) != 0 &&
		    role_exists != NULL && !role_exists(arg, id)) {
			cfg_error(d, e, "'%s': unknown role '%s'", name, id);
			errors++;
			continue;
		}
		(*out)[(*n)++] = xstrdup(id);
	}
	return errors;
}

/* Reads one rule's `when` group into r; returns the number of errors. */
static int
read_when(const config_setting_t *w, struct route_rule *r, struct diag *d)
{
	const config_setting_t	*m, *e;
	const char *const	*values;
	struct buf		 b = { 0 };
	size_t			 i, nvalues;
	int			 k, len, idx, errors = 0, single;

	if (!config_setting_is_group(w)) {
		cfg_error(d, w, "'when' must be a group of conditions, "
		    "e.g. when = { place_type = [ \"skola\" ]; }");
		return 1;
	}
	errors += cfg_check_keys(w, "when", when_keys, d);
	for (i = 0; i < nitems(enum_fields); i++) {
		if ((m = config_setting_get_member(w, enum_fields[i])) == NULL)
			continue;
		values = concern_field_values(enum_fields[i], &nvalues);
		single = config_setting_type(m) == CONFIG_TYPE_STRING;
		if (!single && (!config_setting_is_aggregate(m) ||
		    config_setting_is_group(m) ||
		    config_setting_length(m) == 0)) {
			cfg_error(d, m, "'%s' must be a value or a non-empty "
			    "list of values", enum_fields[i]);
			errors++;
			continue;
		}
		len = single ? 1 : config_setting_length(m);
		for (k = 0; k < len; k++) {
			e = single ? m : config_setting_get_elem(m,
			    (unsigned)k);
			if (config_setting_type(e) != CONFIG_TYPE_STRING) {
				cfg_error(d, e, "'%s' must hold only strings",
				    enum_fields[i]);
				errors++;
				continue;
			}
			idx = concern_lookup(values, nvalues,
			    config_setting_get_string(e));
			if (idx < 0) {
				buf_reset(&b);
				join_values(&b, values, nvalues);
				cfg_error(d, e, "'%s' cannot be '%s'; it is "
				    "one of: %s", enum_fields[i],
				    config_setting_get_string(e), b.s);
				errors++;
				continue;
			}
			*enum_mask(r, i) |= 1u << idx;
		}
	}
	buf_free(&b);
	for (i = 0; i < nitems(bool_fields); i++) {
		int v;

		switch (cfg_get_bool(w, bool_fields[i], 0, &v, d)) {
		case 1:
			*bool_cond(r, i) = v;
			break;
		case -1:
			errors++;
			break;
		}
	}
	return errors;
}

static int
read_rules(const config_setting_t *g, struct routing *rt,
    route_role_exists_cb *role_exists, void *arg, struct diag *d)
{
	const config_setting_t	*list, *rs, *w;
	struct route_rule	*r;
	int			 i, n, errors = 0;

	if ((list = config_setting_get_member(g, "rules")) == NULL)
		return 0;
	if (!config_setting_is_list(list) && !(config_setting_is_array(list) &&
	    config_setting_length(list) == 0)) {
		cfg_error(d, list, "'rules' must be a list of groups: "
		    "rules = ( { when = { ... }; notify = [ ... ]; } )");
		return 1;
	}
	n = config_setting_length(list);
	rt->rules = xcalloc((size_t)n + 1, sizeof(*rt->rules));
	for (i = 0; i < n; i++) {
		rs = config_setting_get_elem(list, (unsigned)i);
		if (!config_setting_is_group(rs)) {
			cfg_error(d, rs, "each rule must be a group "
			    "{ when = { ... }; notify = [ ... ]; }");
			errors++;
			continue;
		}
		r = &rt->rules[rt->nrules++];
		r->line = cfg_line(rs);
		r->concerns_minor = -1;
		r->police_informed = -1;
		r->social_services_informed = -1;
		errors += cfg_check_keys(rs, "rule", rule_keys, d);
		if ((w = config_setting_get_member(rs, "when")) == NULL) {
			cfg_error(d, rs, "rule has no 'when' (write "
			    "when = { }; to match every report)");
			errors++;
		} else
			errors += read_when(w, r, d);
		if (config_setting_get_member(rs, "notify") == NULL) {
			cfg_error(d, rs, "rule has no 'notify'");
			errors++;
		} else
			errors += read_roles(rs, "notify", 1, role_exists,
			    arg, &r->notify, &r->nnotify, d);
	}
	return errors;
}

struct routing *
route_load(const struct source *src, const char *path,
    route_role_exists_cb *role_exists, void *arg, struct diag *d)
{
	static const char *const root_keys[] = { "routing", NULL };
	config_t		 cf;
	const config_setting_t	*root, *g;
	struct routing		*rt;
	long long		 v;
	int			 errors = 0;

	config_init(&cf);
	if (cfg_read(&cf, src, path, d) == -1) {
		config_destroy(&cf);
		return NULL;
	}
	rt = xcalloc(1, sizeof(*rt));
	rt->file = xstrdup(path);
	rt->ack_working_hours = ROUTE_ACK_WORKING_HOURS;
	rt->ack_hours_akut = ROUTE_ACK_HOURS_AKUT;
	root = config_root_setting(&cf);
	errors += cfg_check_keys(root, "the routing file", root_keys, d);
	g = config_setting_get_member(root, "routing");
	if (g == NULL || !config_setting_is_group(g)) {
		if (g == NULL)
			diag_error(d, path, 0, "missing 'routing' group");
		else
			cfg_error(d, g, "'routing' must be a group");
		errors++;
		goto done;
	}
	errors += cfg_check_keys(g, "routing", routing_keys, d);
	switch (cfg_get_int(g, "ack_within_working_hours", 0, 1, 400, &v, d)) {
	case 1:
		rt->ack_working_hours = (int)v;
		break;
	case -1:
		errors++;
	}
	switch (cfg_get_int(g, "ack_within_hours_akut", 0, 1, 72, &v, d)) {
	case 1:
		rt->ack_hours_akut = (int)v;
		break;
	case -1:
		errors++;
	}
	errors += read_roles(g, "escalate", 0, role_exists, arg,
	    &rt->escalate, &rt->nescalate, d);
	if (rt->escalate == NULL) {
		rt->escalate = xcalloc(1, sizeof(*rt->escalate));
		rt->escalate[rt->nescalate++] = xstrdup(ROUTE_DEPUTY);
	}
	errors += read_rules(g, rt, role_exists, arg, d);
done:
	config_destroy(&cf);
	if (errors > 0) {
		route_free(rt);
		return NULL;
	}
	return rt;
}

void
route_free(struct routing *rt)
{
	size_t	 i;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->nrules; i++)
		strv_free(rt->rules[i].notify, rt->rules[i].nnotify);
	free(rt->rules);
	strv_free(rt->escalate, rt->nescalate);
	free(rt->file);
	free(rt);
}

static int
mask_ok(unsigned mask, unsigned value)
{
	return mask == 0 || (value < 32 && (mask & 1u << value) != 0);
}

static int
bool_ok(int cond, int value)
{
	return cond == -1 || cond == (value != 0);
}

int
route_rule_matches(const struct route_rule *r,
    const struct concern_report *rep)
{
	return mask_ok(r->place_mask, rep->place_type) &&
	    mask_ok(r->kind_mask, rep->kind) &&
	    mask_ok(r->milieu_mask, rep->milieu) &&
	    mask_ok(r->urgency_mask, rep->urgency) &&
	    bool_ok(r->concerns_minor, rep->concerns_minor) &&
	    bool_ok(r->police_informed, rep->police_informed) &&
	    bool_ok(r->social_services_informed,
	    rep->social_services_informed);
}

static void
add_recipient(struct route_recipients *out, size_t cap, const char *id,
    int line)
{
	size_t	 i;

	for (i = 0; i < out->n; i++)
		if (strcmp(out->ids[i], id) == 0)
			return;
	if (out->n < cap) {
		out->ids[out->n] = id;
		out->lines[out->n++] = line;
	}
}

size_t
route_report(const struct routing *rt, const struct concern_report *rep,
    struct route_recipients *out)
{
	size_t	 i, k, cap = 1;

	for (i = 0; i < rt->nrules; i++)
		cap += rt->rules[i].nnotify;
	out->ids = xcalloc(cap, sizeof(*out->ids));
	out->lines = xcalloc(cap, sizeof(*out->lines));
	out->n = 0;
	add_recipient(out, cap, ROUTE_COORDINATOR, 0);
	for (i = 0; i < rt->nrules; i++) {
		if (!route_rule_matches(&rt->rules[i], rep))
			continue;
		for (k = 0; k < rt->rules[i].nnotify; k++)
			add_recipient(out, cap, rt->rules[i].notify[k],
			    rt->rules[i].line);
	}
	return out->n;
}

void
route_recipients_free(struct route_recipients *out)
{
	if (out == NULL)
		return;
	free(out->ids);
	free(out->lines);
	out->ids = NULL;
	out->lines = NULL;
	out->n = 0;
}

void
route_ack_deadline(const struct routing *rt,
    const struct concern_report *rep, int *hours, int *working)
{
	if (rep->urgency == CONCERN_URGENCY_AKUT) {
		*hours = rt->ack_hours_akut;
		*working = 0;
	} else {
		*hours = rt->ack_working_hours;
		*working = 1;
	}
}

static void
dump_list(struct buf *b, char *const *v, size_t n)
{
	size_t	 i;

	buf_adds(b, "[ ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		cfg_quote(b, v[i]);
	}
	buf_adds(b, " ]");
}

void
route_dump(const struct routing *rt, struct buf *b)
{
	const struct route_rule	*r;
	const char *const	*values;
	size_t			 i, k, j, n;
	unsigned		 mask;
	int			 cond;

	buf_adds(b, "routing = {\n");
	buf_printf(b, "  ack_within_working_hours = %d;\n",
	    rt->ack_working_hours);
	buf_printf(b, "  ack_within_hours_akut = %d;\n", rt->ack_hours_akut);
	buf_adds(b, "  escalate = ");
	dump_list(b, rt->escalate, rt->nescalate);
	buf_adds(b, ";\n  rules = (");
	for (i = 0; i < rt->nrules; i++) {
		r = &rt->rules[i];
		buf_adds(b, i ? ",\n" : "\n");
		buf_adds(b, "    { when = {");
		for (k = 0; k < nitems(enum_fields); k++) {
			mask = get_mask(r, k);
			if (mask == 0)
				continue;
			values = concern_field_values(enum_fields[k], &n);
			buf_printf(b, " %s = [ ", enum_fields[k]);
			for (j = 0, cond = 0; j < n; j++) {
				if ((mask & 1u << j) == 0)
					continue;
				buf_printf(b, "%s\"%s\"", cond++ ? ", " : "",
				    values[j]);
			}
			buf_adds(b, " ];");
		}
		for (k = 0; k < nitems(bool_fields); k++) {
			cond = get_cond(r, k);
			if (cond == -1)
				continue;
			buf_printf(b, " %s = %s;", bool_fields[k],
			    cond ? "true" : "false");
		}
		buf_adds(b, " }; notify = ");
		dump_list(b, r->notify, r->nnotify);
		buf_adds(b, "; }");
	}
	buf_adds(b, rt->nrules ? "\n  );\n};\n" : " );\n};\n");
}
