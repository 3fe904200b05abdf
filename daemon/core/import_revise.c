/*
 * import_revise: a yearly revision (import_int.h).  Core.  Plans are
 * revised every year and most activities go on from one plan to the
 * next, reworded a little.  An activity's id is the key of everything
 * recorded about it -- reminders sent, follow-up reports, comments -- so
 * the new plan's activities that continue an old one take its id: the
 * history stays theirs, and an occurrence both plans contain (a T1 report
 * due before the new plan's first) has the same key in the ledger and is
 * never sent twice.
 *
 * Activities are matched by title and text: the share of character
 * trigrams two texts have in common (Dice's coefficient), which is
 * forgiving of reworded sentences, added words and typos, and needs no
 * dictionary.  A pair is taken only when each is the other's best match
 * and no rival on either side comes close; anything less sure is left
 * for the admin, with the candidates named.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "plan.h"
#include "util.h"

/* Below this (percent) two activities are not the same. */
#define MATCH_MIN	50
/* A rival this close to the best makes a match unsure. */
#define MATCH_MARGIN	10
/* Below this a match is taken, with a warning to check it. */
#define MATCH_SURE	75

struct grams {
	uint32_t	*v;
	size_t		 n;
};

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Folded text with everything but letters and digits as single spaces. */
static char *
normal(const char *s)
{
	char *f = xfold(s), *p;

	for (p = f; *p != '\0'; p++)
		if (!((unsigned char)*p & 0x80) && !(*p >= 'a' && *p <= 'z') &&
		    !(*p >= '0' && *p <= '9'))
			*p = ' ';
	return str_squeeze(f);
}

static void
grams(const char *text, struct grams *g)
{
	char *t = xasprintf(" %s ", text);
	size_t n = strlen(t), i;

	g->n = 0;
	g->v = xcalloc(n, sizeof(*g->v));
	for (i = 0; i + 3 <= n; i++)
		g->v[g->n++] = (uint32_t)(unsigned char)t[i] << 16 |
		    (uint32_t)(unsigned char)t[i + 1] << 8 |
		    (unsigned char)t[i + 2];
	qsort(g->v, g->n, sizeof(*g->v), u32_cmp);
	free(t);
}

/* Dice's coefficient of two sorted multisets, in percent. */
static int
dice(const struct grams *a, const struct grams *b)
{
	size_t i = 0, j = 0, common = 0;

	if (a->n + b->n == 0)
		return 100;
	while (i < a->n && j < b->n) {
		if (a->v[i] == b->v[j]) {
			common++;
			i++;
			j++;
		} else if (a->v[i] < b->v[j])
			i++;
		else
			j++;
	}
	return (int)((200 * common + (a->n + b->n) / 2) / (a->n + b->n));
}

struct side {
	char		*title;		/* normal() */
	struct grams	 tg, xg;	/* title, title and description */
};

static void
side_init(struct side *s, const struct activity *a)
{
	char *d = normal(a->description ? a->description : ""), *x;

	s->title = normal(a->title ? a->title : "");
	x = xasprintf("%s %s", s->title, d);
	grams(s->title, &s->tg);
	grams(x, &s->xg);
	free(x);
	free(d);
}

static void
side_free(struct side *s)
{
	free(s->title);
	free(s->tg.v);
	free(s->xg.v);
}

/* How alike two activities are: title and whole text weigh the same. */
static int
alike(const struct side *a, const struct side *b)
{
	int t = strcmp(a->title, b->title) == 0 ? 100 : dice(&a->tg, &b->tg);

	return (t + dice(&a->xg, &b->xg) + 1) / 2;
}

void
import_revision_free(struct import_revision *r)
{
	size_t i, k;

	if (r == NULL)
		return;
	free(r->previous);
	for (i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].title);
		for (k = 0; k < r->v[i].ncand; k++)
			free(r->v[i].cand[k].id);
		free(r->v[i].cand);
	}
	free(r->v);
	for (i = 0; i < r->nremoved; i++) {
		free(r->removed[i].id);
		free(r->removed_titles[i]);
	}
	free(r->removed);
	free(r->removed_titles);
	memset(r, 0, sizeof(*r));
}

/*
 * The best and the second best score of row `i` (or column, `by_old`)
 * among the pairs still open; returns the best's index or -1.
 */
static long
best_of(const int *score, size_t nn, size_t no, const int *open_new,
    const int *open_old, size_t i, int by_old, int *s1, int *s2)
{
	size_t k, lim = by_old ? nn : no;
	long best = -1;
	int s;

	*s1 = *s2 = -1;
	for (k = 0; k < lim; k++) {
		if (by_old ? !open_new[k] : !open_old[k])
			continue;
		s = by_old ? score[k * no + i] : score[i * no + k];
		if (s > *s1) {
			*s2 = *s1;
			*s1 = s;
			best = (long)k;
		} else if (s > *s2)
			*s2 = s;
	}
	return best;
}

void
imp_revise(struct imp *im)
{
	const struct plan *old = im->o->previous;
	struct plan *p = im->p;
	struct import_revision *r = im->o->revision;
	struct side *ns, *os;
	struct buf b = { 0 };
	size_t nn = p->nactivities, no = old->nactivities, i, k;
	int *score, *open_new, *open_old, *match, s1, s2, t1, t2, changed;
	int ncont = 0, nnew = 0, nunsure = 0;
	long o, back;

	memset(r, 0, sizeof(*r));
	r->previous = xstrdup(old->id);
	if (strcmp(p->id, old->id) == 0) {
		imp_error(im, 0, "the revised plan needs an id of its own, not "
		    "the previous plan's '%s' (name the file differently or "
		    "give --id-prefix)", old->id);
		return;
	}
	ns = xcalloc(nn ? nn : 1, sizeof(*ns));
	os = xcalloc(no ? no : 1, sizeof(*os));
	score = xcalloc(nn * no + 1, sizeof(*score));
	open_new = xcalloc(nn ? nn : 1, sizeof(*open_new));
	open_old = xcalloc(no ? no : 1, sizeof(*open_old));
	match = xcalloc(nn ? nn : 1, sizeof(*match));
	for (i = 0; i < nn; i++) {
		side_init(&ns[i], &p->activities[i]);
		open_new[i] = 1;
		match[i] = -1;
	}
	for (k = 0; k < no; k++) {
		side_init(&os[k], &old->activities[k]);
		open_old[k] = 1;
	}
	for (i = 0; i < nn; i++)
		for (k = 0; k < no; k++)
			score[i * no + k] = alike(&ns[i], &os[k]);

	/*
	 * Pairs that are each other's best with no close rival on either
	 * side; taking them may leave others without their rival, so
	 * again until nothing changes.
	 */
	do {
		changed = 0;
		for (i = 0; i < nn; i++) {
			if (!open_new[i])
				continue;
			o = best_of(score, nn, no, open_new, open_old, i, 0,
			    &s1, &s2);
			if (o < 0 || s1 < MATCH_MIN || s2 > s1 - MATCH_MARGIN)
				continue;
			back = best_of(score, nn, no, open_new, open_old,
			    (size_t)o, 1, &t1, &t2);
			if (back != (long)i || t2 > t1 - MATCH_MARGIN)
				continue;
			match[i] = (int)o;
			open_new[i] = open_old[o] = 0;
			changed = 1;
		}
	} while (changed);

	r->v = xcalloc(nn ? nn : 1, sizeof(*r->v));
	r->n = nn;
	for (i = 0; i < nn; i++) {
		struct activity *a = &p->activities[i];
		struct import_match *m = &r->v[i];
		const struct activity *oa;

		free(a->remark);
		a->remark = NULL;
		if (match[i] >= 0) {
			oa = &old->activities[match[i]];
			m->fate = IMPORT_CONTINUES;
			m->score = score[i * no + (size_t)match[i]];
			free(a->id);
			a->id = xstrdup(oa->id);
			ncont++;
			if (strcmp(ns[i].title, os[match[i]].title) == 0)
				a->remark = xasprintf("continues %s (%d%%)",
				    oa->id, m->score);
			else
				a->remark = xasprintf("continues %s \"%s\" "
				    "(%d%%)", oa->id, oa->title, m->score);
			if (m->score < MATCH_SURE)
				imp_warn(im, a->line, "\"%s\" is taken to "
				    "continue %s \"%s\", but they are only %d%% "
				    "alike: check it", a->title, oa->id,
				    oa->title, m->score);
			else
				imp_note(im, a->line, "\"%s\" continues %s "
				    "(%d%%)", a->title, oa->id, m->score);
		} else {
			o = best_of(score, nn, no, open_new, open_old, i, 0,
			    &s1, &s2);
			if (o >= 0 && s1 >= MATCH_MIN) {
				m->fate = IMPORT_UNSURE;
				buf_reset(&b);
				for (k = 0; k < no; k++) {
					int s = score[i * no + k];

					if (!open_old[k] || s < MATCH_MIN ||
					    s < s1 - MATCH_MARGIN)
						continue;
					m->cand = xreallocarray(m->cand,
					    m->ncand + 1, sizeof(*m->cand));
					m->cand[m->ncand].id =
					    xstrdup(old->activities[k].id);
					m->cand[m->ncand++].score = s;
					buf_printf(&b, "%s%s (%d%%)", b.len ?
					    " or " : "", old->activities[k].id,
					    s);
				}
				nunsure++;
				a->remark = xasprintf("could continue %s: give "
				    "it that id to carry its history", b.s);
				imp_warn(im, a->line, "\"%s\" could continue %s; "
				    "left as new (give it the id of the one it "
				    "continues to carry its history)", a->title,
				    b.s);
			} else {
				m->fate = IMPORT_NEW;
				nnew++;
				a->remark = xstrdup("new in this revision");
			}
		}
		m->id = xstrdup(a->id);
		m->title = xstrdup(a->title);
	}

	/* What the new plan leaves out stays in the old one's history. */
	for (k = 0; k < no; k++)
		if (open_old[k]) {
			r->removed = xreallocarray(r->removed, r->nremoved + 1,
			    sizeof(*r->removed));
			r->removed_titles = xreallocarray(r->removed_titles,
			    r->nremoved + 1, sizeof(*r->removed_titles));
			r->removed[r->nremoved].id =
			    xstrdup(old->activities[k].id);
			r->removed[r->nremoved].score = 0;
			r->removed_titles[r->nremoved++] =
			    xstrdup(old->activities[k].title);
		}

	/* A new activity must not take an id the old plan gave another. */
	for (i = 0; i < nn; i++)
		if (match[i] < 0 && plan_find_activity(old,
		    p->activities[i].id) != NULL)
			imp_error(im, p->activities[i].line, "activity id '%s' "
			    "is the previous plan's for another activity; "
			    "choose another id prefix (--id-prefix)",
			    p->activities[i].id);

	free(p->supersedes);
	p->supersedes = xstrdup(old->id);
	buf_reset(&b);
	buf_printf(&b, "revises %s: %d activities continue (with their "
	    "ids), %d are new, %d unsure", old->id, ncont, nnew, nunsure);
	if (r->nremoved > 0) {
		buf_printf(&b, "; not carried over (their history stays with "
		    "%s):", old->id);
		for (k = 0; k < r->nremoved; k++)
			buf_printf(&b, "\n  %s \"%s\"", r->removed[k].id,
			    r->removed_titles[k]);
	}
	free(p->remark[PLAN_SUPERSEDES]);
	p->remark[PLAN_SUPERSEDES] = buf_take(&b);

	for (i = 0; i < nn; i++)
		side_free(&ns[i]);
	for (k = 0; k < no; k++)
		side_free(&os[k]);
	free(ns);
	free(os);
	free(score);
	free(open_new);
	free(open_old);
	free(match);
	buf_free(&b);
}
