/*
 * test_pii: the privacy guard against a table of identifiers in the forms
 * people write them and of look-alikes that must pass, and against every
 * line of the Skarpnäck plan, a real public document full of years,
 * dates, diary numbers and counts.  The only identity numbers used are
 * the published test numbers of docs/design.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pii.h"
#include "util.h"

#include "test.h"

#define ANY	((size_t)-1)	/* do not check the offset */

struct pii_case {
	const char	*text;
	enum pii_kind	 kind;
	size_t		 offset;
};

static const struct pii_case cases[] = {
	/* Personal identity numbers: every written form. */
	{ "640823-3234", PII_PERSONNUMMER, 0 },
	{ "6408233234", PII_PERSONNUMMER, 0 },
	{ "640823+3234", PII_PERSONNUMMER, 0 },
	{ "640823 3234", PII_PERSONNUMMER, 0 },
	{ "19640823-3234", PII_PERSONNUMMER, 0 },
	{ "196408233234", PII_PERSONNUMMER, 0 },
	{ "19640823 3234", PII_PERSONNUMMER, 0 },
	{ "19640823+3234", PII_PERSONNUMMER, 0 },
	{ "811218-9876", PII_PERSONNUMMER, 0 },
	{ "8112189876", PII_PERSONNUMMER, 0 },
	{ "811218+9876", PII_PERSONNUMMER, 0 },
	{ "811218 9876", PII_PERSONNUMMER, 0 },
	{ "19811218-9876", PII_PERSONNUMMER, 0 },
	{ "198112189876", PII_PERSONNUMMER, 0 },
	/* A wrong check digit still names the person. */
	{ "640823-3235", PII_PERSONNUMMER, 0 },
	{ "6408233235", PII_PERSONNUMMER, 0 },
	{ "640823 3235", PII_PERSONNUMMER, 0 },
	{ "19640823-3235", PII_PERSONNUMMER, 0 },
	{ "196408233235", PII_PERSONNUMMER, 0 },
	/* Coordination numbers: day + 60. */
	{ "640883-3231", PII_SAMORDNINGSNUMMER, 0 },
	{ "6408833231", PII_SAMORDNINGSNUMMER, 0 },
	{ "640883+3231", PII_SAMORDNINGSNUMMER, 0 },
	{ "19640883-3231", PII_SAMORDNINGSNUMMER, 0 },
	{ "701063-2391", PII_SAMORDNINGSNUMMER, 0 },
	{ "7010632391", PII_SAMORDNINGSNUMMER, 0 },
	{ "701063 2391", PII_SAMORDNINGSNUMMER, 0 },
	{ "19701063-2391", PII_SAMORDNINGSNUMMER, 0 },
	/* Inside running text, next to punctuation and odd separators. */
	{ "Eleven (640823-3234) sa", PII_PERSONNUMMER, 8 },
	{ "nr:8112189876.", PII_PERSONNUMMER, 3 },
	{ "Pnr 640823\xe2\x80\x93" "3234 enligt elev", PII_PERSONNUMMER, 4 },
	{ "pnr 640823 - 3234", PII_PERSONNUMMER, 4 },
	{ "640823\xc2\xa0" "3234", PII_PERSONNUMMER, 0 },
	{ "se https://exempel.se/?pnr=6408233234", PII_PERSONNUMMER, 27 },
	{ "Han heter x, 701063-2391, och bor", PII_SAMORDNINGSNUMMER, 13 },
	{ "ABC6408233234", PII_PERSONNUMMER, 3 },
	/* Look-alikes with an impossible date, or the wrong length. */
	{ "20191399-1234", PII_NONE, 0 },
	{ "201913991234", PII_NONE, 0 },
	{ "641323-3234", PII_NONE, 0 },
	{ "640832-3234", PII_NONE, 0 },
	{ "640892-3234", PII_NONE, 0 },
	{ "640800-3234", PII_NONE, 0 },
	{ "640230-1234", PII_NONE, 0 },
	{ "650229-1234", PII_NONE, 0 },
	{ "17640823-3234", PII_NONE, 0 },
	{ "1640823-3234", PII_NONE, 0 },
	{ "640823-32345", PII_NONE, 0 },
	{ "16408233234", PII_NONE, 0 },
	{ "1234567890", PII_NONE, 0 },
	{ "Order 9912319999999", PII_NONE, 0 },
	/* Phone numbers. */
	{ "070-123 45 67", PII_PHONE, 0 },
	{ "0701234567", PII_PHONE, 0 },
	{ "070 123 45 67", PII_PHONE, 0 },
	{ "070-1234567", PII_PHONE, 0 },
	{ "08-123 456 78", PII_PHONE, 0 },
	{ "08-12 34 56", PII_PHONE, 0 },
	{ "08-123 45 67", PII_PHONE, 0 },
	{ "031-123456", PII_PHONE, 0 },
	{ "0480-123 45", PII_PHONE, 0 },
	{ "+46 70 123 45 67", PII_PHONE, 0 },
	{ "+46701234567", PII_PHONE, 0 },
	{ "+46 8 123 456 78", PII_PHONE, 0 },
	{ "+46 (0)70 123 45 67", PII_PHONE, 0 },
	{ "0046 70 123 45 67", PII_PHONE, 0 },
	{ "0046701234567", PII_PHONE, 0 },
	{ "(08) 123 45 67", PII_PHONE, 0 },
	{ "ring 070\xe2\x80\x93" "123 45 67 i dag", PII_PHONE, 5 },
	{ "Tel:0701234567.", PII_PHONE, 4 },
	{ "Ring 070-123 45 67 eller mejla a@b.se", PII_PHONE, 5 },
	/* Numbers that are not phone numbers. */
	{ "400 ungdomar", PII_NONE, 0 },
	{ "Årsmål; ungdomar 400 erbjuds feriejobb.", PII_NONE, 0 },
	{ "2019-05-15", PII_NONE, 0 },
	{ "20190901", PII_NONE, 0 },
	{ "T.o.m. 2019-31-12", PII_NONE, 0 },
	{ "12 500 kr", PII_NONE, 0 },
	{ "Dnr: 1.2.1.-147/19", PII_NONE, 0 },
	{ "Dnr 155-943/2015", PII_NONE, 0 },
	{ "(Ds 2014:4), s. 17 och 20", PII_NONE, 0 },
	{ "45 % av eleverna", PII_NONE, 0 },
	{ "kl. 08:30", PII_NONE, 0 },
	{ "kl 0800-1200", PII_NONE, 0 },
	{ "Bekräftande samspel (0-18 år)", PII_NONE, 0 },
	{ "ABC föräldrakurs (3-12år)", PII_NONE, 0 },
	{ "2019-08-15 \xe2\x80\x93 2019-09-30", PII_NONE, 0 },
	{ "2019-08-15 - 2019-09-30", PII_NONE, 0 },
	{ "0,5 procent", PII_NONE, 0 },
	{ "lagen (1990:52)", PII_NONE, 0 },
	{ "s30-35", PII_NONE, 0 },
	{ "Tertialrapport 1 2020", PII_NONE, 0 },
	{ "05-15 och 06-30", PII_NONE, 0 },
	/* E-mail addresses. */
	{ "anna.svensson@exempel.se", PII_EMAIL, 0 },
	{ "mejla a@b.se", PII_EMAIL, 6 },
	{ "kontakt: förnamn.efternamn@stockholm.se.", PII_EMAIL, 9 },
	{ "namn (at) exempel.se", PII_EMAIL, 0 },
	{ "namn[at]exempel.se", PII_EMAIL, 0 },
	{ "mailto:x@exempel.org", PII_EMAIL, 7 },
	/* URLs and other "@"s are not e-mail addresses. */
	{ "https://intranat.stockholm.se/Sidor/2017/1/"
	    "Valdsbejakande-extremism-/", PII_NONE, 0 },
	{ "<https://intranat.stockholm.se/Sidor/2017/1/>", PII_NONE, 0 },
	{ "[stockholm.se](http://stockholm.se)", PII_NONE, 0 },
	{ "taggen @gruppen", PII_NONE, 0 },
	{ "a@b", PII_NONE, 0 },
	{ "möte @ 10", PII_NONE, 0 },
	/* Street addresses. */
	{ "Storgatan 12", PII_ADDRESS, 0 },
	{ "Skarpnäcksvägen 4B", PII_ADDRESS, 0 },
	{ "bor på storgatan 12 sedan", PII_ADDRESS, 8 },
	{ "STORGATAN 12", PII_ADDRESS, 0 },
	{ "ÖSTGÖTAGATAN 5", PII_ADDRESS, 0 },
	{ "Kärrtorps torg 5", PII_ADDRESS, 0 },
	{ "vid Hökens gata 3", PII_ADDRESS, 4 },
	{ "Skarpnäcks allé 12", PII_ADDRESS, 0 },
	{ "Karlaplan 10", PII_ADDRESS, 0 },
	{ "Norrmalmstorg 1", PII_ADDRESS, 0 },
	{ "Medborgarplatsen 3", PII_ADDRESS, 0 },
	{ "Lövholmsgränd 12 b", PII_ADDRESS, 0 },
	{ "Björkstigen 3", PII_ADDRESS, 0 },
	{ "bor på Storgatan 12, 123 45 Stockholm", PII_ADDRESS, 8 },
	/* Words that end like streets, or numbers that are quantities. */
	{ "Handlingsplan 2019", PII_NONE, 0 },
	{ "enligt handlingsplan 3", PII_NONE, 0 },
	{ "Verksamhetsplan 2", PII_NONE, 0 },
	{ "I handlingsplanen 2 gånger", PII_NONE, 0 },
	{ "på gatan 3 killar", PII_NONE, 0 },
	{ "På gatan 3 personer", PII_NONE, 0 },
	{ "Längs vägen 2 gånger", PII_NONE, 0 },
	{ "Storgatan 2,5 km", PII_NONE, 0 },
	{ "Samverkan med Jobbtorg Stockholm", PII_NONE, 0 },
	{ "Stiftelsen På Rätt väg och", PII_NONE, 0 },
	{ "Storgatan 1234", PII_NONE, 0 },
	/* Postcodes before a town. */
	{ "123 45 Stockholm", PII_POSTCODE, 0 },
	{ "12345 Stockholm", PII_POSTCODE, 0 },
	{ "SE-123 45 Skarpnäck", PII_POSTCODE, 3 },
	{ "123 45 STOCKHOLM", PII_POSTCODE, 0 },
	{ "12345", PII_NONE, 0 },
	{ "123 45", PII_NONE, 0 },
	{ "123 45 kronor", PII_NONE, 0 },
	/* Empty and boring input. */
	{ "", PII_NONE, 0 },
	{ "Klotter med vit makt-symboler vid skolan.", PII_NONE, 0 },
};

static void
test_table(void)
{
	struct pii_hit	 hit;
	size_t		 i, len;
	int		 r;

	CHECK(nitems(cases) >= 60);
	for (i = 0; i < nitems(cases); i++) {
		const struct pii_case *c = &cases[i];

		len = strlen(c->text);
		r = pii_scan(c->text, len, &hit);
		if (r != (c->kind != PII_NONE) || hit.kind != c->kind) {
			TEST_FAIL("case %zu \"%s\": got %s, want %s", i,
			    c->text, pii_kind_id(hit.kind),
			    pii_kind_id(c->kind));
			continue;
		}
		if (c->kind != PII_NONE && c->offset != ANY &&
		    hit.offset != c->offset)
			TEST_FAIL("case %zu \"%s\": offset %zu, want %zu", i,
			    c->text, hit.offset, c->offset);
		if (c->kind != PII_NONE && (hit.len == 0 ||
		    hit.offset + hit.len > len))
			TEST_FAIL("case %zu \"%s\": bad span %zu+%zu", i,
			    c->text, hit.offset, hit.len);
	}
}

/* Each hit's span covers the identifier as written. */
static void
test_span(void)
{
	struct pii_hit	 hit;
	const char	*t;

	t = "Eleven (19640823-3234) sa";
	CHECK_INT_EQ(pii_scan(t, strlen(t), &hit), 1);
	CHECK_INT_EQ(hit.offset, 8);
	CHECK_INT_EQ(hit.len, 13);
	t = "ring +46 8 123 456 78 nu";
	CHECK_INT_EQ(pii_scan(t, strlen(t), &hit), 1);
	CHECK_INT_EQ(hit.offset, 5);
	CHECK_INT_EQ(hit.len, 16);
	t = "Skarpnäcksvägen 4B, entré";
	CHECK_INT_EQ(pii_scan(t, strlen(t), &hit), 1);
	CHECK_INT_EQ(hit.len, strlen("Skarpnäcksvägen 4B"));
	t = "Kärrtorps torg 5";
	CHECK_INT_EQ(pii_scan(t, strlen(t), &hit), 1);
	CHECK_INT_EQ(hit.len, strlen(t));
}

/* The earliest identifier is reported, whatever its kind. */
static void
test_earliest(void)
{
	struct pii_hit	 hit;
	const char	*t = "a@b.se och 640823-3234";

	CHECK_INT_EQ(pii_scan(t, strlen(t), &hit), 1);
	CHECK_INT_EQ(hit.kind, PII_EMAIL);
	CHECK_INT_EQ(hit.offset, 0);
	t = "640823-3234 och a@b.se";
	CHECK_INT_EQ(pii_scan(t, strlen(t), &hit), 1);
	CHECK_INT_EQ(hit.kind, PII_PERSONNUMMER);
	/* NULL hit pointer is allowed. */
	CHECK_INT_EQ(pii_scan(t, strlen(t), NULL), 1);
}

/* `len` bounds the scan: no terminator needed, nothing read beyond it. */
static void
test_length_bound(void)
{
	const char	*t = "640823-3234";
	char		*copy;
	struct pii_hit	 hit;
	size_t		 n;

	CHECK_INT_EQ(pii_scan(t, 10, &hit), 0);
	CHECK_INT_EQ(pii_scan(t, 0, &hit), 0);
	/* Every prefix, in an exactly sized buffer: ASan sees overreads. */
	for (n = 0; n <= strlen(t); n++) {
		copy = xmalloc(n ? n : 1);
		memcpy(copy, t, n);
		CHECK_INT_EQ(pii_scan(copy, n, &hit), n == strlen(t));
		free(copy);
	}
	/* Embedded NUL and invalid UTF-8 are just bytes. */
	CHECK_INT_EQ(pii_scan("x\0" "640823-3234", 13, &hit), 1);
	CHECK_INT_EQ(hit.offset, 2);
	CHECK_INT_EQ(pii_scan("\xff\xfe\xc3 Storgatan 12", 16, &hit), 1);
	CHECK_INT_EQ(hit.kind, PII_ADDRESS);
}

static void
test_names(void)
{
	enum pii_kind	 k;

	CHECK_STR_EQ(pii_kind_name(PII_PERSONNUMMER),
	    "a personal identity number");
	CHECK_STR_EQ(pii_kind_name_sv(PII_PERSONNUMMER), "ett personnummer");
	CHECK_STR_EQ(pii_kind_name_sv(PII_SAMORDNINGSNUMMER),
	    "ett samordningsnummer");
	CHECK_STR_EQ(pii_kind_id(PII_PHONE), "phone");
	CHECK_STR_EQ(pii_kind_name((enum pii_kind)99),
	    "no personal identifier");
	for (k = PII_NONE; k < PII_NKINDS; k++) {
		CHECK(pii_kind_name(k) != NULL && *pii_kind_name(k) != '\0');
		CHECK(pii_kind_name_sv(k) != NULL);
		CHECK(pii_kind_id(k) != NULL);
	}
}

/* A public plan document: every line, and the whole text, must pass. */
static void
test_plan_document(void)
{
	struct pii_hit	 hit;
	char		*path, *text, *line, *nl;
	size_t		 len, lineno = 0, nlines = 0;

	path = xasprintf("%s/skarpnack-2019.txt", test_data_dir());
	text = read_file(path, &len);
	if (text == NULL) {
		TEST_FAIL("cannot read %s", path);
		free(path);
		return;
	}
	for (line = text; line < text + len; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (nl == NULL)
			nl = text + len;
		nlines++;
		if (pii_scan(line, (size_t)(nl - line), &hit))
			TEST_FAIL("%s:%zu: %s at column %zu: \"%.*s\"", path,
			    lineno, pii_kind_id(hit.kind), hit.offset + 1,
			    (int)hit.len, line + hit.offset);
	}
	CHECK(nlines > 150);
	CHECK_INT_EQ(pii_scan(text, len, &hit), 0);
	free(text);
	free(path);
}

int
main(void)
{
	TEST_RUN(test_table);
	TEST_RUN(test_span);
	TEST_RUN(test_earliest);
	TEST_RUN(test_length_bound);
	TEST_RUN(test_names);
	TEST_RUN(test_plan_document);
	return TEST_END("pii");
}
