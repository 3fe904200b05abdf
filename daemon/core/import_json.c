/*
 * import_json: an imported plan, and its revision, as JSON for
 * `planwatchctl plan import --json` (import.h has the format).  Core.
 */
#include <stdlib.h>

#include <jansson.h>

#include "calendar.h"
#include "import.h"
#include "plan.h"
#include "util.h"

/*
 * JSON.
 */

static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	/* A plan file may hold bytes that are not UTF-8; JSON cannot. */
	return j ? j : json_string("\xef\xbf\xbd");
}

static json_t *
id_title(const char *id, const char *title)
{
	return json_pack("{s:o, s:o}", "id", jstr(id), "title", jstr(title));
}

/* The "revision" object of import_write_json_rev(). */
static json_t *
revision_json(const struct import_revision *r)
{
	json_t *cont = json_array(), *nw = json_array(), *uns = json_array();
	json_t *rem = json_array(), *c, *j;
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		const struct import_match *m = &r->v[i];

		j = id_title(m->id, m->title);
		if (m->fate == IMPORT_CONTINUES) {
			json_object_set_new(j, "score", json_integer(m->score));
			json_array_append_new(cont, j);
		} else if (m->fate == IMPORT_NEW)
			json_array_append_new(nw, j);
		else {
			c = json_array();
			for (k = 0; k < m->ncand; k++)
				json_array_append_new(c, json_pack("{s:o, s:i}",
				    "id", jstr(m->cand[k].id), "score",
				    m->cand[k].score));
			json_object_set_new(j, "candidates", c);
			json_array_append_new(uns, j);
		}
	}
	for (i = 0; i < r->nremoved; i++)
		json_array_append_new(rem, id_title(r->removed[i].id,
		    r->removed_titles[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "previous",
	    jstr(r->previous), "continuing", cont, "new", nw, "unsure", uns,
	    "removed", rem);
}

void
import_write_json(const struct plan *p, struct buf *b)
{
	import_write_json_rev(p, NULL, b);
}

void
import_write_json_rev(const struct plan *p, const struct import_revision *rev,
    struct buf *b)
{
	static const char *const kinds[] = { "ongoing", "until", "due" };
	json_t *root, *plan, *acts, *a, *arr, *sched, *rm;
	const struct activity *ac;
	struct buf t = { 0 };
	char d[16], *s;
	size_t i, j;

	root = json_object();
	plan = json_object();
	json_object_set_new(plan, "id", jstr(p->id));
	json_object_set_new(plan, "committee", jstr(p->committee));
	json_object_set_new(plan, "title", jstr(p->title));
	json_object_set_new(plan, "diary_number", jstr(p->diary_number));
	if (p->adopted != CALENDAR_NODATE) {
		calendar_format(p->adopted, d);
		json_object_set_new(plan, "adopted", jstr(d));
	} else
		json_object_set_new(plan, "adopted", json_null());
	json_object_set_new(plan, "year", json_integer(p->year));
	if (p->has_revision) {
		calendar_checkpoint_format(p->revision, d, sizeof(d));
		json_object_set_new(plan, "revision", jstr(d));
	} else
		json_object_set_new(plan, "revision", json_null());
	json_object_set_new(plan, "supersedes", p->supersedes ?
	    jstr(p->supersedes) : json_null());
	rm = json_object();
	for (i = 0; i < PLAN_NFIELDS; i++)
		if (p->remark[i] != NULL)
			json_object_set_new(rm, plan_field_name(
			    (enum plan_field)i), jstr(p->remark[i]));
	json_object_set_new(plan, "remarks", rm);
	json_object_set_new(root, "plan", plan);
	acts = json_array();
	for (i = 0; i < p->nactivities; i++) {
		ac = &p->activities[i];
		a = json_object();
		json_object_set_new(a, "id", jstr(ac->id));
		json_object_set_new(a, "section",
		    jstr(plan_section_name(ac->section)));
		json_object_set_new(a, "title", jstr(ac->title));
		json_object_set_new(a, "description", jstr(ac->description));
		arr = json_array();
		for (j = 0; j < ac->nresponsible; j++)
			json_array_append_new(arr, jstr(ac->responsible[j]));
		json_object_set_new(a, "responsible", arr);
		sched = json_object();
		json_object_set_new(sched, "kind",
		    jstr(kinds[ac->schedule.kind]));
		if (ac->schedule.kind == SCHEDULE_ONGOING)
			json_object_set_new(sched, "date", json_null());
		else {
			calendar_format(ac->schedule.date, d);
			json_object_set_new(sched, "date", jstr(d));
		}
		json_object_set_new(a, "schedule", sched);
		arr = json_array();
		for (j = 0; j < ac->nfollowup; j++) {
			if (ac->followup[j].kind == FOLLOWUP_ORDINARY) {
				json_array_append_new(arr, jstr("ordinary"));
				continue;
			}
			buf_reset(&t);
			plan_format_followup(&ac->followup[j], &t);
			json_array_append_new(arr, jstr(t.s));
		}
		json_object_set_new(a, "followup", arr);
		json_array_append_new(acts, a);
	}
	json_object_set_new(root, "activities", acts);
	if (rev != NULL)
		json_object_set_new(root, "revision", revision_json(rev));
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s != NULL) {
		buf_adds(b, s);
		buf_addc(b, '\n');
		free(s);
	}
	json_decref(root);
	buf_free(&t);
}

