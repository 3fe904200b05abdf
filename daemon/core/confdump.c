/*
 * confdump: the configuration snapshot written back as one planwatch.conf
 * in canonical form (planwatchd -nv): absolute paths, the organisation
 * and the calendar inline.  Core: text out.
 */
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "cfg.h"
#include "conf.h"
#include "conf_int.h"
#include "confmail.h"
#include "org.h"
#include "util.h"

void
conf_dump_kv(struct buf *b, const char *indent, const char *key, const char *val)
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
dump_org(const struct org *o, struct buf *b)
{
	size_t i, j, n;

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
		conf_dump_kv(b, "      ", "id", r->id);
		conf_dump_kv(b, "      ", "name", r->name);
		if (r->reports_to)
			conf_dump_kv(b, "      ", "reports_to", r->reports_to);
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
}

static void
dump_calendar(const struct calendar *cal, struct buf *b)
{
	size_t i;
	char date[11];

	buf_adds(b, "calendar = {\n  checkpoints = {\n");
	for (i = 0; i < CHECKPOINT_NKINDS; i++)
		buf_printf(b, "    %s = { month = %d; day = %d; "
		    "year_offset = %d; };\n",
		    calendar_checkpoint_kind_name((enum checkpoint_kind)i),
		    cal->rule[i].month, cal->rule[i].day,
		    cal->rule[i].year_offset);
	buf_adds(b, "  };\n  due_dates = (\n");
	for (i = 0; i < cal->noverrides; i++) {
		char name[32];

		calendar_checkpoint_format(cal->overrides[i].cp, name,
		    sizeof(name));
		calendar_format(cal->overrides[i].due, date);
		buf_printf(b, "    { checkpoint = \"%s\"; date = \"%s\"; }%s\n",
		    name, date, i + 1 < cal->noverrides ? "," : "");
	}
	buf_adds(b, "  );\n  extra_non_working_days = [");
	for (i = 0; i < cal->nextra_days; i++) {
		calendar_format(cal->extra_days[i], date);
		buf_printf(b, "%s\"%s\"", i ? ", " : " ", date);
	}
	buf_adds(b, " ];\n};\n");
}

void
conf_dump(const struct config *c, struct buf *b)
{
	buf_adds(b, "# planwatch configuration in canonical form "
	    "(planwatchd -nv)\n");
	conf_keys_dump("", c, "", b);
	conf_mail_dump(&c->mail, b);
	if (c->http_enabled)
		http_config_dump(&c->http, b);
	web_config_dump(&c->web, b);
	dump_org(&c->org, b);
	dump_calendar(&c->cal, b);
}
