/*
 * test_import: daemon/import.c -- the reference plan
 * (tests/data/skarpnack-2019.txt) field by field, its one warning, the
 * shipped plan file and the JSON it gives; an invented plan in another
 * style (tests/data/plans/kultur-2021.txt) and a semicolon CSV export
 * (fritid-2022.csv) with errors at known lines, with and without
 * keep_going; cells, mending, ids and the smaller formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
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
	CHECK_STR_EQ(got, "fritid-2022.csv: no year: the document gives no "
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
	CHECK_STR_EQ(got, "export.tsv:1: warning: no heading above the "
	    "table names a section and it has no Sektion column; its "
	    "activities are filed under forebyggande\n");
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
	CHECK_STR_EQ(got, "x.txt:3: table has no Tidplan column\n");
	free(got);
	CHECK_INT_EQ(p.nactivities, 0);
	plan_free(&p);
	diag_free(&d);

	/* Running text without any table. */
	CHECK_INT_EQ(import_plan("x.txt", "Bara text.\n", &o, &p, &d), -1);
	got = diag_text(&d);
	CHECK_STR_EQ(got, "x.txt: no plan table: no header row with "
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
	CHECK_STR_EQ(got, "x.csv:1: warning: no heading above the table "
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
	return TEST_END("import");
}
