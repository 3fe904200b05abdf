/*
 * test_import: the importer (daemon/core/import*.c) -- the reference plan
 * (tests/data/skarpnack-2019.txt) field by field, its one warning, the
 * shipped plan file and the JSON it gives; an invented plan in another
 * style (tests/data/plans/kultur-2021.txt) and a semicolon CSV export
 * (fritid-2022.csv) with errors at known lines, with and without
 * keep_going; cells, mending, ids and the smaller formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "calendar.h"
#include "host.h"
#include "import.h"
#include "plan.h"
#include "test.h"
#include "util.h"

static char *
data(const char *name)
{
	char *path = xasprintf("%s/%s", test_data_dir(), name);
	char *text = read_file(path, NULL);

	if (text == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		text = xstrdup("");
	}
	free(path);
	return text;
}

static char *
diag_text(const struct diag *d)
{
	struct buf b = { 0 };

	diag_format(d, &b);
	return buf_take(&b);
}

static char *
schedule_text(const struct activity *a)
{
	struct buf b = { 0 };

	plan_format_schedule(&a->schedule, &b);
	return buf_take(&b);
}

static char *
followup_text(const struct activity *a)
{
	struct buf b = { 0 }, f = { 0 };
	size_t i;

	for (i = 0; i < a->nfollowup; i++) {
		buf_reset(&f);
		plan_format_followup(&a->followup[i], &f);
		buf_printf(&b, "%s%s", i ? ", " : "", f.s);
	}
	buf_free(&f);
	return buf_take(&b);
}

static char *
roles_text(const struct activity *a)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < a->nresponsible; i++)
		buf_printf(&b, "%s%s", i ? " | " : "", a->responsible[i]);
	return buf_take(&b);
}

#define FE	"Avdelningschef Förebyggande arbete och kultur"
#define IFS	"Avdelningschef för individ -och familjestöd"
#define ORD	"I ordinarie verksamhetsuppföljning"

static const struct {
	const char	*section;
	const char	*title;
	const char	*roles;
	const char	*schedule;
	const char	*followup;
} reference[20] = {
	{ "forebyggande", "Föräldrastöd förebyggande", FE, "Löpande", ORD },
	{ "forebyggande", "Föräldramottagningen", FE, "Löpande", ORD },
	{ "forebyggande", "Integration Skarpnäck", FE, "Löpande", ORD },
	{ "forebyggande", "SSP", FE, "Löpande", ORD },
	{ "forebyggande", "Stärkt tidigt stöd i samverkan(STIS)", FE,
	    "T.o.m. 2022-12-31", ORD },
	{ "forebyggande", "Feriejobb till ungdomar",
	    "Avdelningschef Individ och familjestöd", "Löpande", ORD },
	{ "forebyggande", "Kulturhuset i Skarpnäck", FE, "Löpande", ORD },
	{ "forebyggande", "Skarpnäcksmodellen", FE, "T.o.m. 2022-12-31",
	    ORD },
	{ "forebyggande", "Skolsociala team", FE, "T.o.m. 2019-12-31", ORD },
	{ "forebyggande", "SkarpBrå", "Stadsdelsdirektör", "Löpande", ORD },
	{ "forebyggande", "Öppen fritidsverksamhet", FE, "Löpande", ORD },
	{ "forebyggande", "Samverkan med Jobbtorg Stockholm",
	    "Enhetschef för ekonomiskt bistånd och arbete", "Löpande", ORD },
	{ "forhindrande", "SIG-sociala insatsgrupper", FE, "Löpande", ORD },
	{ "forhindrande", "Anhörigstöd", IFS, "Löpande", ORD },
	{ "forhindrande", "Individuellt behovsprövade insatser", IFS,
	    "Löpande", ORD },
	{ "forhindrande", "Om det stadsövergripande vbe-teamet får "
	    "information som berör stadsdelsområdet…", IFS, "Löpande", ORD },
	{ "foreningsbidrag", "Implementera de nya stadsövergripande "
	    "rutinerna för såväl föreningsbidrag som…",
	    "Avdelningschef för administrativa avdelningen", "2019-09-01",
	    "VB 2019" },
	{ "kompetens", "Relevant personal deltar i stadens "
	    "grundutbildningar om våldsbejakande extremism",
	    "Respektive avdelningschef", "2019", "VB 2019" },
	{ "kompetens", "Relevant personal från socialtjänsten deltar i de "
	    "riktade utbildningarna som…", IFS, "2019", "VB 2019" },
	{ "kompetens", "Samtliga chefer och relevant personal ska känna till "
	    "stadens intranätssida om…", "Respektive avdelningschef", "2019",
	    "T1 2020" },
};

static int
import_reference(struct plan *p, struct diag *d, struct diag *notes)
{
	struct import_opts o = { 0 };
	char *text = data("skarpnack-2019.txt");
	int r;

	o.notes = notes;
	r = import_plan("skarpnack-2019.txt", text, &o, p, d);
	free(text);
	return r;
}

static void
test_reference(void)
{
	struct plan p;
	struct diag d = { 0 };
	const struct activity *a;
	char *s, id[32], ds[11];
	size_t i, n[SECTION_NKINDS] = { 0 };

	CHECK_INT_EQ(import_reference(&p, &d, NULL), 0);
	/* The one diagnostic: the swapped date at line 137. */
	s = diag_text(&d);
	CHECK_STR_EQ(s, "skarpnack-2019.txt:137: warning: schedule "
	    "\"T.o.m. 2019-31-12\": 2019-31-12 is not a date; read as "
	    "2019-12-31 (month and day swapped)\n");
	free(s);
	CHECK_INT_EQ(d.nerrors, 0);

	CHECK_STR_EQ(p.id, "skarpnack-2019");
	CHECK_STR_EQ(p.committee, "Skarpnäcks stadsdelsnämnd");
	CHECK_STR_EQ(p.title, "Handlingsplan mot våldsbejakande extremism");
	CHECK_STR_EQ(p.diary_number, "1.2.1.-147/19");
	calendar_format(p.adopted, ds);
	CHECK_STR_EQ(ds, "2019-05-15");
	CHECK_INT_EQ(p.year, 2019);
	CHECK_INT_EQ(p.has_revision, 1);
	CHECK_INT_EQ(p.revision.kind, CHECKPOINT_T1);
	CHECK_INT_EQ(p.revision.year, 2020);

	CHECK_INT_EQ(p.nactivities, 20);
	for (i = 0; i < p.nactivities && i < 20; i++) {
		a = &p.activities[i];
		snprintf(id, sizeof(id), "skarpnack-2019-%02zu", i + 1);
		CHECK_STR_EQ(a->id, id);
		CHECK_STR_EQ(plan_section_name(a->section),
		    reference[i].section);
		n[a->section]++;
		CHECK_STR_EQ(a->title, reference[i].title);
		s = roles_text(a);
		CHECK_STR_EQ(s, reference[i].roles);
		free(s);
		s = schedule_text(a);
		CHECK_STR_EQ(s, reference[i].schedule);
		free(s);
		s = followup_text(a);
		CHECK_STR_EQ(s, reference[i].followup);
		free(s);
		CHECK_INT_EQ(a->status, ACTIVITY_ACTIVE);
	}
	CHECK_INT_EQ(n[SECTION_FOREBYGGANDE], 12);
	CHECK_INT_EQ(n[SECTION_FORHINDRANDE], 4);
	CHECK_INT_EQ(n[SECTION_FORENINGSBIDRAG], 1);
	CHECK_INT_EQ(n[SECTION_KOMPETENS], 3);
	if (p.nactivities == 20) {
		/* List items as "- item" lines. */
		CHECK_STR_EQ(p.activities[0].description,
		    "- ABC föräldrakurs (3-12år)\n"
		    "- Bekräftande samspel (0-18 år)\n"
		    "- Trygghetscirkeln (0-11 år)");
		CHECK_STR_EQ(p.activities[1].description, "Öppen verksamhet "
		    "som ger föräldrar stöd enskilt eller i grupp (0-18)");
		/* The dash after a bold lead is a separator. */
		CHECK_STR_EQ(p.activities[10].description, "Möter ungdomar "
		    "utifrån ett våldsförebyggande, normbrytande och "
		    "demokratistärkande arbetssätt");
		/* Bold that is not a lead is emphasis: the whole text. */
		CHECK_STR_EQ(p.activities[15].description, "Om det "
		    "stadsövergripande vbe-teamet får information som berör "
		    "stadsdelsområdet har förvaltningen i uppdrag att "
		    "samverka med dem i arbetet.");
		/* One sentence: all title, no description. */
		CHECK_STR_EQ(p.activities[17].description, "");
		CHECK_STR_EQ(p.activities[8].schedule_text,
		    "T.o.m. 2019-31-12");
		CHECK_INT_EQ(p.activities[8].line, 137);
		CHECK_INT_EQ(p.activities[0].line, 126);
		CHECK_INT_EQ(p.activities[4].line, 133);
		calendar_format(p.activities[8].schedule.date, ds);
		CHECK_STR_EQ(ds, "2019-12-31");
	}
	plan_free(&p);
	diag_free(&d);
}

static void
test_reference_notes(void)
{
	struct plan p;
	struct diag d = { 0 }, notes = { 0 };
	size_t i, mended = 0, header = 0;

	CHECK_INT_EQ(import_reference(&p, &d, &notes), 0);
	CHECK_INT_EQ(d.n, 1);
	CHECK_INT_EQ(notes.nerrors, 0);
	for (i = 0; i < notes.n; i++) {
		if (strstr(notes.v[i].msg, "mended") != NULL)
			mended++;
		if (notes.v[i].line == 125) {
			header++;
			CHECK_STR_EQ(notes.v[i].msg, "header cell 3 is empty; "
			    "taken as Tidplan from its position");
		}
	}
	/* Lines 126-129 and 169-172. */
	CHECK_INT_EQ(mended, 8);
	CHECK_INT_EQ(header, 1);
	plan_free(&p);
	diag_free(&d);
	diag_free(&notes);
}

static void
test_reference_outputs(void)
{
	struct plan p;
	struct diag d = { 0 };
	struct buf b = { 0 };
	char *want;

	CHECK_INT_EQ(import_reference(&p, &d, NULL), 0);
	/* The shipped plan file is the import, unedited (docs/plans.md). */
	plan_write(&p, &b);
	want = read_file("conf/plans/skarpnack-2019.conf", NULL);
	CHECK(want != NULL);
	CHECK_STR_EQ(b.s, want);
	free(want);
	buf_reset(&b);
	import_write_json(&p, &b);
	want = data("plans/skarpnack-2019.json");
	CHECK_STR_EQ(b.s, want);
	free(want);
	buf_free(&b);
	plan_free(&p);
	diag_free(&d);
}

static void
test_other_style(void)
{
	struct import_opts o = { 0 };
	struct plan p;
	struct diag d = { 0 };
	char *text = data("plans/kultur-2021.txt"), *got, *want, *s;
	const struct activity *a;

	/* keep_going: every problem, and every good row. */
	o.keep_going = 1;
	CHECK_INT_EQ(import_plan("kultur-2021.txt", text, &o, &p, &d), -1);
	got = diag_text(&d);
	want = data("plans/kultur-2021.keep-going.diag");
	CHECK_STR_EQ(got, want);
	free(got);
	free(want);
	CHECK_INT_EQ(d.nerrors, 6);
	CHECK_STR_EQ(p.committee, "Kulturnämnden");
	CHECK_STR_EQ(p.diary_number, "KUF 2021/88");
	CHECK_INT_EQ(p.year, 2021);
	CHECK_INT_EQ(p.revision.kind, CHECKPOINT_VB);
	CHECK_INT_EQ(p.revision.year, 2021);
	CHECK_INT_EQ(p.nactivities, 4);
	if (p.nactivities == 4) {
		a = &p.activities[0];
		CHECK_STR_EQ(a->id, "kultur-2021-01");
		CHECK_STR_EQ(a->title, "Demokrativeckan");
		CHECK_STR_EQ(a->description,
		    "Föreläsningar & samtal i biblioteken");
		s = roles_text(a);
		CHECK_STR_EQ(s, "Enhetschef bibliotek | Enhetschef fritid");
		free(s);
		s = schedule_text(a);
		CHECK_STR_EQ(s, "T.o.m. 2021-12-31");
		free(s);
		/* A bare "Verksamhetsberättelsen" is the plan's year. */
		s = followup_text(a);
		CHECK_STR_EQ(s, "T2 2021, VB 2021");
		free(s);
		a = &p.activities[1];
		CHECK_STR_EQ(a->title, "Källkritik för unga");
		CHECK_STR_EQ(a->description, "kurser i fem bibliotek");
		/* Row numbers, not survivors, give the ids. */
		a = &p.activities[2];
		CHECK_STR_EQ(a->id, "kultur-2021-06");
		CHECK_INT_EQ(a->section, SECTION_FORHINDRANDE);
		s = schedule_text(a);
		CHECK_STR_EQ(s, "2021-12-31");
		free(s);
		a = &p.activities[3];
		CHECK_STR_EQ(a->id, "kultur-2021-08");
		CHECK_INT_EQ(a->section, SECTION_KOMPETENS);
		CHECK_STR_EQ(a->title,
		    "Alla går webbutbildningen, t.ex. på arbetsplatsträffar");
	}
	plan_free(&p);
	diag_free(&d);

	/* Without keep_going: up to the first error, then stop. */
	o.keep_going = 0;
	CHECK_INT_EQ(import_plan("kultur-2021.txt", text, &o, &p, &d), -1);
	got = diag_text(&d);
	want = data("plans/kultur-2021.diag");
	CHECK_STR_EQ(got, want);
	free(got);
	free(want);
	CHECK_INT_EQ(d.nerrors, 1);
	CHECK_INT_EQ(p.nactivities, 2);
	plan_free(&p);
	diag_free(&d);

	/* --id-prefix. */
	o.id_prefix = "kultur";
	o.keep_going = 1;
	import_plan("kultur-2021.txt", text, &o, &p, &d);
	CHECK(p.nactivities > 0 && strcmp(p.activities[0].id,
	    "kultur-01") == 0);
	CHECK_STR_EQ(p.id, "kultur");
	plan_free(&p);
	diag_free(&d);
	o.id_prefix = "Bad Prefix";
	CHECK_INT_EQ(import_plan("kultur-2021.txt", text, &o, &p, &d), -1);
	CHECK_INT_EQ(p.nactivities, 0);
	plan_free(&p);
	diag_free(&d);
	free(text);
}

static void
test_csv(void)
{
	struct import_opts o = { 0 };
	struct plan p;
	struct diag d = { 0 };
	char *text = data("plans/fritid-2022.csv"), *got, *want, *s;
	const struct activity *a;

	o.keep_going = 1;
	o.year = 2022;
	CHECK_INT_EQ(import_plan("fritid-2022.csv", text, &o, &p, &d), -1);
	got = diag_text(&d);
	want = data("plans/fritid-2022.diag");
	CHECK_STR_EQ(got, want);
	free(got);
	free(want);
	CHECK_INT_EQ(p.year, 2022);
	CHECK_STR_EQ(p.committee, "");
	CHECK_INT_EQ(p.nactivities, 4);
	if (p.nactivities == 4) {
		a = &p.activities[0];
		CHECK_STR_EQ(a->id, "fritid-2022-01");
		CHECK_STR_EQ(a->title, "Nattvandring");
		CHECK_STR_EQ(a->description,
		    "\"Trygga kvällar\" med föreningar");
		/* A quoted field across lines; the next record's line. */
		a = &p.activities[1];
		CHECK_STR_EQ(a->title, "Läxhjälp");
		CHECK_STR_EQ(a->description, "Måndagar; tisdagar");
		CHECK_INT_EQ(a->line, 3);
		s = followup_text(a);
		CHECK_STR_EQ(s, "T1 2022");
		free(s);
		a = &p.activities[2];
		CHECK_INT_EQ(a->line, 5);
		CHECK_INT_EQ(a->section, SECTION_KOMPETENS);
		s = roles_text(a);
		CHECK_STR_EQ(s, "Fritidschef | Föreningskonsulent");
		free(s);
		a = &p.activities[3];
		CHECK_STR_EQ(a->id, "fritid-2022-07");
		CHECK_INT_EQ(a->section, SECTION_FORENINGSBIDRAG);
		s = followup_text(a);
		CHECK_STR_EQ(s, "VB 2022");
		free(s);
	}
	plan_free(&p);
	diag_free(&d);

	/* No year anywhere: refused. */
	o.year = 0;
	CHECK_INT_EQ(import_plan("fritid-2022.csv", text, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "fritid-2022.csv: no year: a CSV export carries no "
	    "adoption date; give the plan's year (--year)\n");
	free(got);
	plan_free(&p);
	diag_free(&d);
	free(text);
}

static void
test_small_formats(void)
{
	struct import_opts o = { 0 };
	struct plan p;
	struct diag d = { 0 };
	char *got;

	o.year = 2023;
	o.keep_going = 1;
	/* TSV export, CRLF, other column order, no section anywhere. */
	CHECK_INT_EQ(import_plan("export.tsv",
	    "Ansvarig\tAktivitet\tUppf\xc3\xb6ljning\tTidplan\r\n"
	    "Chef A\t<b>Ett</b> beskrivning\tT1 2024\t2023-10-01\r\n"
	    "\r\n"
	    "Chef B\tTv\xc3\xa5\tVB\tL\xc3\xb6pande\r\n", &o, &p, &d), 0);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "export.tsv: warning: no adoption date in the "
	    "document; taking 2023-01-01 (give it with --adopted)\n"
	    "export.tsv:1: warning: no heading above the "
	    "table names a section and it has no Sektion column; its "
	    "activities are filed under forebyggande\n");
	/* The plan file says what was assumed. */
	CHECK(p.remark[PLAN_ADOPTED] != NULL && strncmp(p.remark[PLAN_ADOPTED],
	    "assumed: ", 9) == 0);
	free(got);
	CHECK_INT_EQ(p.nactivities, 2);
	if (p.nactivities == 2) {
		CHECK_STR_EQ(p.activities[0].id, "export-01");
		CHECK_STR_EQ(p.activities[0].responsible[0], "Chef A");
		CHECK_INT_EQ(p.activities[1].line, 4);
		CHECK_INT_EQ(p.activities[1].followup[0].cp.year, 2023);
	}
	plan_free(&p);
	diag_free(&d);

	/* Comma CSV in Windows-1252: read, with a warning. */
	CHECK_INT_EQ(import_plan("export.csv",
	    "\xc5tg\xe4rd,Ansvar,Tidsplan,Uppf\xf6ljning\n"
	    "\"St\xf6" "d, r\xe5" "d\",Chef,2023,VB 2023\n", &o, &p, &d), 0);
	got = diag_text(&d);
	CHECK(strstr(got, "export.csv: warning: not UTF-8; read as "
	    "Windows-1252\n") == got);
	CHECK(strstr(got, "no adoption date") != NULL);
	free(got);
	CHECK_INT_EQ(p.nactivities, 1);
	if (p.nactivities == 1)
		CHECK_STR_EQ(p.activities[0].title, "St\xc3\xb6" "d, r\xc3\xa5" "d");
	plan_free(&p);
	diag_free(&d);

	/* A required column missing, no cell to take it from. */
	CHECK_INT_EQ(import_plan("x.txt",
	    "## F\xc3\xb6rebyggande\n\nAktivitet\tAnsvarig\tUppf\xc3\xb6ljning\n"
	    "A\tB\tVB 2023\n", &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "x.txt: warning: no adoption date in the document; "
	    "taking 2023-01-01 (give it with --adopted)\n"
	    "x.txt:3: table has no Tidplan column\n");
	free(got);
	CHECK_INT_EQ(p.nactivities, 0);
	plan_free(&p);
	diag_free(&d);

	/* Running text without any table. */
	CHECK_INT_EQ(import_plan("x.txt", "Bara text.\n", &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "x.txt: warning: no adoption date in the document; "
	    "taking 2023-01-01 (give it with --adopted)\n"
	    "x.txt: no plan table: no header row with "
	    "Aktivitet, Ansvarig, Tidplan and Uppf\xc3\xb6ljning\n");
	free(got);
	plan_free(&p);
	diag_free(&d);

	/* A quote left open. */
	CHECK_INT_EQ(import_plan("x.csv",
	    "Aktivitet;Ansvarig;Tidplan;Uppf\xc3\xb6ljning\n"
	    "ok;B;2023;VB 2023\n"
	    "\"open;B;2023;VB 2023\n", &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "x.csv: warning: no adoption date in the CSV "
	    "export; taking 2023-01-01 (give it with --adopted)\n"
	    "x.csv:1: warning: no heading above the table "
	    "names a section and it has no Sektion column; its activities "
	    "are filed under forebyggande\n"
	    "x.csv:3: quoted field not closed\n");
	free(got);
	CHECK_INT_EQ(p.nactivities, 1);
	plan_free(&p);
	diag_free(&d);
}

static void
test_cells(void)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "<b>A</b> &amp; <i>b</i>", "A & b" },
		{ "x&nbsp;y &#228;&#xE4;&auml; &bogus; a&b", "x y äää &bogus; a&b" },
		{ "<ul style=\"list-style-type: none\"><li>- ett</li>"
		    "<li>tv\xc3\xa5</li><li>&#8226; tre</li></ul>",
		    "- ett\n- två\n- tre" },
		{ "rad<br>rad<br/>  <p>stycke</p>", "rad\nrad\nstycke" },
		{ "text<sup>1</sup>", "text1" },
		{ "< 5 år", "< 5 år" },
		{ "**fet**  och\xc2\xa0 luft ", "fet och luft" },
	};
	static const struct {
		const char	*in, *out;
	} m[] = {
		{ "I ordinarie verksamhetsupp följning",
		    "I ordinarie verksamhetsuppföljning" },
		{ "I ordinarie verksamhetsup pföljning.",
		    "I ordinarie verksamhetsuppföljning." },
		{ "Verksamhets berättelsen 2019", "Verksamhetsberättelsen 2019" },
		{ "Tertial rapport 1 2020", "Tertialrapport 1 2020" },
		{ "Lö pande", "Löpande" },
		/* Not words of the vocabulary, or a capital: untouched. */
		{ "verksamhetsup följning", "verksamhetsup följning" },
		{ "Avdelningschef Förebyggande", "Avdelningschef Förebyggande" },
		{ "individ -och familjestöd", "individ -och familjestöd" },
		{ "rad ett\nrad två", "rad ett\nrad två" },
	};
	static const struct {
		const char	*in, *out;
	} ids[] = {
		{ "tests/data/skarpnack-2019.txt", "skarpnack-2019" },
		{ "Skarpnäck 2019 (slutlig).csv", "skarpnack-2019-slutlig" },
		{ "/x/.txt", "txt" },
		{ "åäö", "aao" },
		{ "---", "plan" },
	};
	size_t i;
	char *s;

	for (i = 0; i < nitems(t); i++) {
		s = import_cell_text(t[i].in);
		CHECK_STR_EQ(s, t[i].out);
		free(s);
	}
	for (i = 0; i < nitems(m); i++) {
		s = import_mend(m[i].in);
		CHECK_STR_EQ(s, m[i].out);
		free(s);
	}
	for (i = 0; i < nitems(ids); i++) {
		s = import_id_prefix(ids[i].in);
		CHECK_STR_EQ(s, ids[i].out);
		free(s);
	}
}

/* A small plan table after the cover text, for the metadata tests. */
#define TABLE	"\n\n## F\xc3\xb6rebyggande\n\nAktivitet\tAnsvarig\tTidplan\tUppf\xc3\xb6ljning\n" \
		"X\tChef\tL\xc3\xb6pande\tVB\n"

static void
test_metadata(void)
{
	static const struct {
		const char	*cover;
		const char	*adopted;
		int		 year;
		const char	*committee;
		const char	*revision;	/* "" for none */
		const char	*diag;		/* expected diagnostics */
	} t[] = {
		{ "Antagen av stadsdelsn\xc3\xa4mnden 2021-03-18. N\xc3\xa4sta "
		    "revidering sker i samband med tertialrapport 1 2022.",
		    "2021-03-18", 2021, "", "T1 2022", "" },
		{ "Handlingsplanen antogs av kulturn\xc3\xa4mnden den 18 mars "
		    "2021.", "2021-03-18", 2021, "", "", "" },
		{ "Beslutad: 18:e mars 2021", "2021-03-18", 2021, "", "", "" },
		{ "Fastst\xc3\xa4lld av Kommunstyrelsen 2023-04-12 \xc2\xa7 67",
		    "2023-04-12", 2023, "Kommunstyrelsen", "", "" },
		{ "Godk\xc3\xa4nd av n\xc3\xa4mnden 18/3 2021", "2021-03-18",
		    2021, "", "", "" },
		{ "Barn- och utbildningsn\xc3\xa4mnden\n\n"
		    "Datum: 2022-02-17", "2022-02-17", 2022,
		    "Barn- och utbildningsn\xc3\xa4mnden", "", "" },
		/* The year from the title, and the line the date was
		 * expected at. */
		{ "# Handlingsplan mot v\xc3\xa5ldsbejakande extremism 2021\n\n"
		    "Antagen av n\xc3\xa4mnden i mars 2021", "2021-01-01", 2021,
		    "", "", "m.txt:3: warning: no adoption date in \"Antagen av "
		    "n\xc3\xa4mnden i mars 2021\"; taking 2021-01-01 (give it "
		    "with --adopted)\n" },
		{ "Dnr KS 2021/45", "2021-01-01", 2021, "", "",
		    "m.txt: warning: no adoption date in the document; taking "
		    "2021-01-01 (give it with --adopted)\n" },
		{ "Dnr: 1.2.1.-147/19", "2019-01-01", 2019, "", "",
		    "m.txt: warning: no adoption date in the document; taking "
		    "2019-01-01 (give it with --adopted)\n" },
		{ "Antagen 2019-05-15. Reviderad 2020-05-20.", "2020-05-20",
		    2020, "", "", "m.txt:1: warning: adopted 2019-05-15 and "
		    "revised 2020-05-20: this version is taken as adopted "
		    "2020-05-20\n" },
		{ "# Handlingsplan 2022\n\nAntagen 2021-12-09", "2021-12-09",
		    2021, "", "", "m.txt:1: warning: the title names 2022 but "
		    "the plan was adopted in 2021: its year is taken as 2021 "
		    "(--year 2022 if the plan is for 2022)\n" },
		{ "Antagen 2021-03-18. Planen ska revideras senast 2022-03-31.",
		    "2021-03-18", 2021, "", "VB 2021", "m.txt:1: warning: the "
		    "next revision is dated 2022-03-31, not a checkpoint: taken "
		    "as VB 2021 (due 2022-02-15)\n" },
		{ "Antagen 2021-03-18. N\xc3\xa4sta revidering: f\xc3\xb6rsta "
		    "tertialrapporten 2022.", "2021-03-18", 2021, "",
		    "T1 2022", "" },
		/* A date in a long paragraph about something else loses to
		 * the cover's date. */
		{ "2021-03-18\n\nF\xc3\xb6r att s\xc3\xa4kerst\xc3\xa4lla "
		    "stadens f\xc3\xb6rm\xc3\xa5ga att f\xc3\xb6rebygga "
		    "v\xc3\xa5ldsbejakande extremism beslutade "
		    "kommunfullm\xc3\xa4ktige den 12 maj 2016 om "
		    "stads\xc3\xb6vergripande riktlinjer, som g\xc3\xa4ller "
		    "alla n\xc3\xa4mnder och bolag och som ska f\xc3\xb6ljas "
		    "upp \xc3\xa5rligen i samband med budgeten.", "2021-03-18",
		    2021, "", "", "" },
	};
	struct import_opts o = { 0 };
	struct plan p;
	struct diag d = { 0 };
	struct buf b = { 0 };
	char *text, *got, ds[16];
	size_t i;

	for (i = 0; i < nitems(t); i++) {
		text = xasprintf("%s" TABLE, t[i].cover);
		CHECK_INT_EQ(import_plan("m.txt", text, &o, &p, &d), 0);
		calendar_format(p.adopted, ds);
		CHECK_STR_EQ(ds, t[i].adopted);
		CHECK_INT_EQ(p.year, t[i].year);
		CHECK_STR_EQ(p.committee, t[i].committee);
		if (p.has_revision)
			calendar_checkpoint_format(p.revision, ds, sizeof(ds));
		else
			ds[0] = '\0';
		CHECK_STR_EQ(ds, t[i].revision);
		got = diag_text(&d);
		CHECK_STR_EQ(got, t[i].diag);
		free(got);
		plan_free(&p);
		diag_free(&d);
		free(text);
	}
	/* No year anywhere: an error naming the file, and --adopted. */
	CHECK_INT_EQ(import_plan("m.txt", "Planen." TABLE, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "m.txt: no year: the document gives no adoption "
	    "date and no year in its title or diary number; give the plan's "
	    "year (--year)\n");
	free(got);
	plan_free(&p);
	diag_free(&d);
	o.adopted = "2021-06-01";
	CHECK_INT_EQ(import_plan("m.txt", "Planen." TABLE, &o, &p, &d), 0);
	CHECK_INT_EQ(p.year, 2021);
	CHECK_INT_EQ(d.n, 0);
	plan_write(&p, &b);
	/* Only what is missing carries a remark in the plan file. */
	CHECK(strstr(b.s, "  # missing: the document names no committee; "
	    "fill it in\n  committee = \"\";\n") != NULL);
	CHECK(strstr(b.s, "# assumed") != NULL);	/* the title */
	CHECK(strstr(b.s, "adopted = \"2021-06-01\";") != NULL);
	buf_free(&b);
	plan_free(&p);
	diag_free(&d);
	o.adopted = "2021-13-01";
	CHECK_INT_EQ(import_plan("m.txt", "Planen." TABLE, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK(strstr(got, "m.txt: --adopted \"2021-13-01\" is not a date "
	    "YYYY-MM-DD\n") == got);
	free(got);
	plan_free(&p);
	diag_free(&d);
}

static void
test_forms(void)
{
	static const struct {
		const char	*schedule, *want;
	} sch[] = {
		{ "P\xc3\xa5g\xc3\xa5" "ende", "L\xc3\xb6pande" },
		{ "Kontinuerligt", "L\xc3\xb6pande" },
		{ "L\xc3\xb6pande under \xc3\xa5ret", "L\xc3\xb6pande" },
		{ "Klart senast 2022-06-30", "2022-06-30" },
		{ "Senast 30 juni 2022", "2022-06-30" },
		{ "Den 1 oktober 2022", "2022-10-01" },
		{ "juni 2022", "2022-06-30" },
		{ "HT 2022", "2022-12-31" },
		{ "VT 2022", "2022-06-30" },
		{ "Q3 2022", "2022-09-30" },
		{ "Kvartal 1 2022", "2022-03-31" },
		{ "Tertial 2 2022", "2022-08-31" },
		{ "2022\xe2\x80\x93" "2023", "T.o.m. 2023" },
		{ "2022-2023", "T.o.m. 2023" },
		{ "mars \xe2\x80\x93 juni 2022", "T.o.m. 2022-06-30" },
		{ "Fr\xc3\xa5n 2022-09-01", "L\xc3\xb6pande" },
		{ "Under 2022", "2022" },
		{ "Under \xc3\xa5ret", "2022" },
		{ "2022-09", "2022-09-30" },
	};
	static const struct {
		const char	*followup, *want;
	} fu[] = {
		{ "Del\xc3\xa5rsrapport 2 2022", "T2 2022" },
		{ "Del\xc3\xa5rsrapport 2022", "T2 2022" },
		{ "\xc3\x85rsredovisningen", "VB 2022" },
		{ "I tertialrapport 1 2022", "T1 2022" },
		{ "VB 2022 (skriftligt)", "VB 2022" },
		{ "Tertialvis", "I ordinarie verksamhetsuppf\xc3\xb6ljning" },
		{ "Inom ordinarie uppf\xc3\xb6ljning",
		    "I ordinarie verksamhetsuppf\xc3\xb6ljning" },
		{ "F\xc3\xb6rsta tertialrapporten 2022", "T1 2022" },
		{ "Bokslut 2022", "VB 2022" },
		{ "\xc3\x85rsredovisning 2022, Del\xc3\xa5rsrapport 1 2022",
		    "VB 2022, T1 2022" },
	};
	struct import_opts o = { 0 };
	struct plan p;
	struct diag d = { 0 };
	struct buf b = { 0 };
	char *s;
	size_t i;

	o.year = 2022;
	o.adopted = "2022-01-10";
	buf_adds(&b, "## F\xc3\xb6rebyggande\n\nAktivitet\tAnsvarig\tTidplan\t"
	    "Uppf\xc3\xb6ljning\n");
	for (i = 0; i < nitems(sch); i++)
		buf_printf(&b, "S%zu\tChef\t%s\tVB 2022\n", i, sch[i].schedule);
	for (i = 0; i < nitems(fu); i++)
		buf_printf(&b, "F%zu\tChef\t2022\t%s\n", i, fu[i].followup);
	CHECK_INT_EQ(import_plan("f.txt", b.s, &o, &p, &d), 0);
	CHECK_INT_EQ(d.nerrors, 0);
	CHECK_INT_EQ(p.nactivities, nitems(sch) + nitems(fu));
	for (i = 0; i < nitems(sch) && i < p.nactivities; i++) {
		s = schedule_text(&p.activities[i]);
		CHECK_STR_EQ(s, sch[i].want);
		free(s);
	}
	for (i = 0; i < nitems(fu) && nitems(sch) + i < p.nactivities; i++) {
		s = followup_text(&p.activities[nitems(sch) + i]);
		CHECK_STR_EQ(s, fu[i].want);
		free(s);
	}
	/* Days made up from a period are warnings; plain forms notes. */
	s = diag_text(&d);
	CHECK(strstr(s, "f.txt:10: warning: schedule \"juni 2022\" read as "
	    "\"2022-06-30\", the month's last day\n") != NULL);
	CHECK(strstr(s, "f.txt:19: warning: schedule \"Fr\xc3\xa5n 2022-09-01\" "
	    "gives a start only; read as L\xc3\xb6pande\n") != NULL);
	CHECK(strstr(s, "Klart senast") == NULL);
	free(s);
	plan_free(&p);
	diag_free(&d);
	buf_free(&b);

	/* Not every word is a form: these stay errors. */
	CHECK_INT_EQ(import_plan("f.txt", "Aktivitet\tAnsvarig\tTidplan\t"
	    "Uppf\xc3\xb6ljning\nX\tChef\tSnart\tKvartalsrapport 3\n", &o, &p,
	    &d), -1);
	plan_free(&p);
	diag_free(&d);
}

/* A ZIP container in memory from name/content pairs; caller frees. */
static char *
make_zip(const char *const *parts, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_source_t *src, *s;
	zip_t *z;
	zip_stat_t st;
	char *out;
	size_t i;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	for (i = 0; i + 1 < n; i += 2) {
		s = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
		zip_file_add(z, parts[i], s, ZIP_FL_ENC_UTF_8);
	}
	zip_close(z);
	zip_source_stat(src, &st);
	*len = (size_t)st.size;
	out = xcalloc(*len + 1, 1);
	zip_source_open(src);
	zip_source_read(src, out, *len);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	return out;
}

#define W_DOC(body) "<w:document xmlns:w=\"http://schemas.openxmlformats." \
	"org/wordprocessingml/2006/main\"><w:body>" body "</w:body>" \
	"</w:document>"
#define W_TC(text) "<w:tc><w:p><w:r><w:t>" text "</w:t></w:r></w:p></w:tc>"

static void
test_files(void)
{
	static const char *const xlsx[] = {
		"[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<w/>"
	};
	static const char *const ods[] = {
		"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml", "<x/>"
	};
	static const char *const broken[] = {
		"[Content_Types].xml", "<Types/>", "word/document.xml",
		"<w:document"
	};
	static const char *const other[] = { "readme.txt", "hej" };
	static const char *const docx[] = {
		"[Content_Types].xml", "<Types/>", "word/document.xml", W_DOC(
		"<w:p><w:r><w:t>Antagen 2022-03-24</w:t></w:r></w:p>"
		"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/>"
		"<w:gridCol/></w:tblGrid>"
		"<w:tr>" W_TC("Aktivitet") W_TC("Ansvarig") W_TC("Tidplan")
		W_TC("Uppf\xc3\xb6ljning") "</w:tr>"
		"<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"4\"/></w:tcPr><w:p><w:r>"
		"<w:t>Kompetens</w:t></w:r></w:p></w:tc></w:tr>"
		"<w:tr>" W_TC("A &amp; B &lt;i&gt;") W_TC("Chef")
		W_TC("2022") W_TC("VB") "</w:tr>"
		"<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"4\"/></w:tcPr><w:p><w:r>"
		"<w:t>Tidig uppt\xc3\xa4" "ckt</w:t></w:r></w:p></w:tc></w:tr>"
		"<w:tr>" W_TC("C") W_TC("Chef") W_TC("Snart") W_TC("VB")
		"</w:tr></w:tbl>")
	};
	static const struct {
		const char	*data;
		size_t		 len;
		const char	*diag;
	} refused[] = {
		{ "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15, "p: a PDF cannot be read" },
		{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", 10, "p: an old Word "
		    "(.doc) or Excel (.xls) file" },
		{ "{\\rtf1\\ansi x}", 14, "p: an RTF file" },
		{ "Aktivitet\0Ansvarig", 18, "p: a binary file, not text" },
		{ "PK\003\004trasig", 10, "p: not a readable ZIP container" },
	};
	struct import_opts o = { 0 };
	struct plan p;
	struct diag d = { 0 }, notes = { 0 };
	char *zip, *got;
	size_t i, len;

	for (i = 0; i < nitems(refused); i++) {
		CHECK_INT_EQ(import_plan_bytes("p", refused[i].data,
		    refused[i].len, &o, &p, &d), -1);
		got = diag_text(&d);
		CHECK(strncmp(got, refused[i].diag, strlen(refused[i].diag)) ==
		    0);
		if (strncmp(got, refused[i].diag, strlen(refused[i].diag)))
			TEST_FAIL("got %s", got);
		free(got);
		CHECK_INT_EQ(d.n, 1);
		plan_free(&p);
		diag_free(&d);
	}

	/* Containers that are not text documents say what to do. */
	zip = make_zip(xlsx, nitems(xlsx), &len);
	CHECK_INT_EQ(import_plan_bytes("p.xlsx", zip, len, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "p.xlsx: an Excel workbook; save the sheet as CSV "
	    "(semicolon-separated, UTF-8) and import that\n");
	free(got);
	free(zip);
	plan_free(&p);
	diag_free(&d);
	zip = make_zip(ods, nitems(ods), &len);
	CHECK_INT_EQ(import_plan_bytes("p.ods", zip, len, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK(strstr(got, "an OpenDocument spreadsheet") != NULL);
	free(got);
	free(zip);
	plan_free(&p);
	diag_free(&d);
	zip = make_zip(broken, nitems(broken), &len);
	CHECK_INT_EQ(import_plan_bytes("p.docx", zip, len, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK(strncmp(got, "p.docx: word/document.xml is not well-formed XML "
	    "(line 1: ", 55) == 0);
	free(got);
	free(zip);
	plan_free(&p);
	diag_free(&d);
	zip = make_zip(other, nitems(other), &len);
	CHECK_INT_EQ(import_plan_bytes("p.zip", zip, len, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "p.zip: a ZIP archive, not a Word (.docx) or "
	    "OpenDocument (.odt) document\n");
	free(got);
	free(zip);
	plan_free(&p);
	diag_free(&d);

	/*
	 * A Word file without styles or relationships: merged rows are
	 * headings (a section, or a note), text is unescaped once, and
	 * errors name the table and row.
	 */
	zip = make_zip(docx, nitems(docx), &len);
	o.keep_going = 1;
	o.notes = &notes;
	CHECK_INT_EQ(import_plan_bytes("p.docx", zip, len, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "p.docx: table 1, row 5: schedule \"Snart\": not "
	    "L\xc3\xb6pande, T.o.m. YYYY-MM-DD, YYYY-MM-DD, YYYYMMDD or YYYY\n");
	free(got);
	CHECK_INT_EQ(p.nactivities, 1);
	if (p.nactivities == 1) {
		CHECK_STR_EQ(p.activities[0].title, "A & B <i>");
		CHECK_INT_EQ(p.activities[0].section, SECTION_KOMPETENS);
	}
	got = diag_text(&notes);
	CHECK(strstr(got, "p.docx: table 1, row 4: warning: row \"Tidig "
	    "uppt\xc3\xa4" "ckt\" is one cell across the table: read as a "
	    "heading\n") != NULL);
	free(got);
	free(zip);
	plan_free(&p);
	diag_free(&d);
	diag_free(&notes);
	o.notes = NULL;
	o.keep_going = 0;

	/* Excel's "Unicode text": UTF-16 with a byte order mark. */
	{
		static const char tsv[] = "Aktivitet\tAnsvarig\tTidplan\t"
		    "Uppf\xc3\xb6ljning\r\n\xc3\x85tg\xc3\xa4rd\tChef\t2022\tVB\r\n";
		struct buf u = { 0 };
		const unsigned char *q;

		buf_add(&u, "\xff\xfe", 2);
		for (q = (const unsigned char *)tsv; *q != '\0'; q++) {
			unsigned cp = *q;

			if (*q >= 0xc0) {
				cp = ((unsigned)(q[0] & 0x1f) << 6) |
				    (q[1] & 0x3f);
				q++;
			}
			buf_addc(&u, (int)(cp & 0xff));
			buf_addc(&u, (int)(cp >> 8));
		}
		o.year = 2022;
		CHECK_INT_EQ(import_plan_bytes("u.txt", u.s, u.len, &o, &p,
		    &d), 0);
		CHECK_INT_EQ(p.nactivities, 1);
		if (p.nactivities == 1)
			CHECK_STR_EQ(p.activities[0].title,
			    "\xc3\x85tg\xc3\xa4rd");
		plan_free(&p);
		diag_free(&d);
		buf_free(&u);
		o.year = 0;
	}
}

static void
test_revise(void)
{
	static const char prev_text[] =
	    "## Kompetens\n\nAktivitet\tAnsvarig\tTidplan\tUppf\xc3\xb6ljning\n"
	    "Utbildning f\xc3\xb6r chefer om extremism\tChef\tL\xc3\xb6pande\tVB\n"
	    "Utbildning f\xc3\xb6r l\xc3\xa4rare om extremism\tChef\t"
	    "L\xc3\xb6pande\tVB\n"
	    "Samverkan med polisen\tChef\tL\xc3\xb6pande\tVB\n";
	static const char next_text[] =
	    "## Kompetens\n\nAktivitet\tAnsvarig\tTidplan\tUppf\xc3\xb6ljning\n"
	    "Utbildning f\xc3\xb6r chefer och l\xc3\xa4rare om extremism\tChef\t"
	    "L\xc3\xb6pande\tVB\n"
	    "Samverkan med polisen i centrum\tChef\tL\xc3\xb6pande\tVB\n"
	    "Trygghetsvandringar\tChef\tL\xc3\xb6pande\tVB\n";
	struct import_opts o = { 0 };
	struct import_revision rev;
	struct plan prev, p;
	struct diag d = { 0 };
	char *got;

	o.year = 2022;
	CHECK_INT_EQ(import_plan("old-2021.txt", prev_text, &o, &prev, &d), 0);
	diag_free(&d);
	o.year = 2023;
	o.previous = &prev;
	o.revision = &rev;
	CHECK_INT_EQ(import_plan("new-2022.txt", next_text, &o, &p, &d), 0);
	CHECK_INT_EQ(rev.n, 3);
	CHECK_STR_EQ(p.supersedes, "old-2021");
	if (rev.n == 3 && p.nactivities == 3) {
		/* Alike two: left for the admin, with both named. */
		CHECK_INT_EQ(rev.v[0].fate, IMPORT_UNSURE);
		CHECK_INT_EQ(rev.v[0].ncand, 2);
		CHECK_STR_EQ(p.activities[0].id, "new-2022-01");
		CHECK_INT_EQ(rev.v[1].fate, IMPORT_CONTINUES);
		CHECK_STR_EQ(p.activities[1].id, "old-2021-03");
		CHECK_INT_EQ(rev.v[2].fate, IMPORT_NEW);
		CHECK_STR_EQ(p.activities[2].remark, "new in this revision");
	}
	CHECK_INT_EQ(rev.nremoved, 2);
	got = diag_text(&d);
	CHECK(strstr(got, "new-2022.txt:4: warning: \"Utbildning f\xc3\xb6r "
	    "chefer och l\xc3\xa4rare om extremism\" could continue "
	    "old-2021-01 (") != NULL);
	free(got);
	import_revision_free(&rev);
	plan_free(&p);
	diag_free(&d);

	/* The new plan needs ids of its own. */
	o.id_prefix = "old-2021";
	CHECK_INT_EQ(import_plan("x.txt", next_text, &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK(strstr(got, "x.txt: the revised plan needs an id of its own, "
	    "not the previous plan's 'old-2021'") != NULL);
	free(got);
	import_revision_free(&rev);
	plan_free(&p);
	diag_free(&d);
	plan_free(&prev);
}

/*
 * The corpus: invented plans in the styles of other committees, each
 * imported to its expected JSON (tests/data/plans/NAME.json) with its
 * expected diagnostics (the `diag` file), both checked by hand.
 * UPDATE_GOLDEN=1 writes them anew for review.  A plan imported without
 * errors must load again as a plan file, remarks and all.
 */
static const struct {
	const char	*file;
	const char	*diag;
	const char	*as;		/* the name it is imported as; NULL: file */
	int		 year;
	const char	*adopted;
	int		 keep_going;
	const char	*previous;	/* a plan file, from the top of the tree */
} corpus[] = {
	{ "kultur-2021.txt", "kultur-2021.keep-going.diag", NULL, 0, NULL, 1,
	    NULL },
	{ "fritid-2022.csv", "fritid-2022.diag", NULL, 2022, NULL, 1, NULL },
	{ "norrbacka-2021.txt", "norrbacka-2021.diag", NULL, 0, NULL, 1, NULL },
	{ "utbildning-2022.txt", "utbildning-2022.diag", NULL, 0, NULL, 0,
	    NULL },
	{ "lindvik-2023.txt", "lindvik-2023.diag", NULL, 0, NULL, 0, NULL },
	{ "asby-2022.csv", "asby-2022.diag", NULL, 0, "2022-03-24", 0, NULL },
	{ "bergsvik-2022.docx", "bergsvik-2022.diag", NULL, 0, NULL, 1, NULL },
	{ "vasterby-2023.odt", "vasterby-2023.diag", NULL, 0, NULL, 0, NULL },
	/* The same two as LibreOffice saves them the other way round. */
	{ "bergsvik-2022-libreoffice.odt", "bergsvik-2022.diag",
	    "bergsvik-2022.docx", 0, NULL, 1, NULL },
	{ "vasterby-2023-libreoffice.docx", "vasterby-2023.diag",
	    "vasterby-2023.odt", 0, NULL, 0, NULL },
	{ "skarpnack-2020.txt", "skarpnack-2020.diag", NULL, 0, NULL, 0,
	    "conf/plans/skarpnack-2019.conf" },
};

static void
golden(const char *name, const char *got)
{
	char *path = xasprintf("%s/plans/%s", test_data_dir(), name), *want;
	FILE *fp;

	if (getenv("UPDATE_GOLDEN") != NULL) {
		if ((fp = fopen(path, "w")) != NULL) {
			fputs(got, fp);
			fclose(fp);
		}
	} else {
		want = read_file(path, NULL);
		if (want == NULL || strcmp(got, want) != 0)
			TEST_FAIL("%s differs:\n--- got\n%s--- want\n%s", name,
			    got, want ? want : "(missing)\n");
		free(want);
	}
	free(path);
}

static void
test_corpus(void)
{
	struct import_opts o;
	struct import_revision rev;
	struct plan p, prev, again;
	struct diag d, ld;
	struct buf b;
	char *path, *data, *s, *json, tmp[] = "/tmp/planwatch-corpus-XXXXXX";
	const char *name;
	size_t i, len;
	int rc, fd;

	for (i = 0; i < nitems(corpus); i++) {
		memset(&o, 0, sizeof(o));
		memset(&d, 0, sizeof(d));
		memset(&ld, 0, sizeof(ld));
		memset(&b, 0, sizeof(b));
		memset(&rev, 0, sizeof(rev));
		o.year = corpus[i].year;
		o.adopted = corpus[i].adopted;
		o.keep_going = corpus[i].keep_going;
		if (corpus[i].previous != NULL) {
			CHECK_INT_EQ(plan_load(host_source(),
			    corpus[i].previous, &prev, &ld),
			    0);
			o.previous = &prev;
			o.revision = &rev;
		}
		path = xasprintf("%s/plans/%s", test_data_dir(),
		    corpus[i].file);
		data = read_file(path, &len);
		free(path);
		if (data == NULL) {
			TEST_FAIL("cannot read %s", corpus[i].file);
			continue;
		}
		name = corpus[i].as ? corpus[i].as : corpus[i].file;
		rc = import_plan_bytes(name, data, len, &o, &p, &d);
		free(data);
		CHECK_INT_EQ(rc, d.nerrors > 0 ? -1 : 0);
		import_write_json_rev(&p, o.previous ? &rev : NULL, &b);
		json = xasprintf("%.*s.json", (int)(strrchr(name, '.') - name),
		    name);
		golden(json, b.s);
		free(json);
		s = diag_text(&d);
		golden(corpus[i].diag, s);
		free(s);
		if (rc == 0) {
			/* The plan file loads again, as written. */
			buf_reset(&b);
			plan_write(&p, &b);
			fd = mkstemp(tmp);
			CHECK(fd != -1 && write(fd, b.s, b.len) ==
			    (ssize_t)b.len);
			close(fd);
			CHECK_INT_EQ(plan_load(host_source(), tmp, &again, &ld),
			    0);
			if (ld.n > 0) {
				s = diag_text(&ld);
				TEST_FAIL("%s: %s", corpus[i].file, s);
				free(s);
			}
			CHECK_INT_EQ(again.nactivities, p.nactivities);
			plan_free(&again);
			unlink(tmp);
			strcpy(tmp, "/tmp/planwatch-corpus-XXXXXX");
		}
		if (corpus[i].previous != NULL)
			plan_free(&prev);
		import_revision_free(&rev);
		buf_free(&b);
		plan_free(&p);
		diag_free(&d);
		diag_free(&ld);
	}
}

int
main(void)
{
	TEST_RUN(test_reference);
	TEST_RUN(test_reference_notes);
	TEST_RUN(test_reference_outputs);
	TEST_RUN(test_other_style);
	TEST_RUN(test_csv);
	TEST_RUN(test_small_formats);
	TEST_RUN(test_cells);
	TEST_RUN(test_metadata);
	TEST_RUN(test_forms);
	TEST_RUN(test_files);
	TEST_RUN(test_revise);
	TEST_RUN(test_corpus);
	return TEST_END("import");
}
