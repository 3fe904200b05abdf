/*
 * test_concern: the report validator.  A good report parses and survives a
 * round trip through concern_to_json(); every way of breaking a field is
 * refused with that field's name; and no error ever repeats what was
 * typed -- each refusal is checked for the offending text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "concern.h"
#include "util.h"

#include "test.h"

static const char *const units[] = {
	"Kulturhuset i Skarpnäck",
	"Fritidsgården Pilen",
	"Hemmet för gamla",
};

static const struct concern_limits limits = {
	units, nitems(units), 0, 0
};

/* The form's fields as raw JSON values, in form order. */
static const char *const good_keys[] = {
	"event_date", "unit", "place_type", "kind", "milieu",
	"concerns_minor", "urgency", "police_informed",
	"social_services_informed", "description"
};
static const char *const good_vals[] = {
	"\"2024-03-01\"", "\"Kulturhuset i Skarpnäck\"", "\"fritidsgard\"",
	"\"klotter-symboler\"", "\"vit-makt\"", "false", "\"normal\"", "true",
	"false",
	"\"Klotter med vit makt-symboler vid entrén.\\nSanerat samma dag.\""
};

static int
today(void)
{
	return calendar_days(2024, 3, 10);
}

/*
 * The good report with field `key` given the raw JSON `val` (NULL: left
 * out), and `extra` (raw "key": value text, may be NULL) appended.
 * Returns a string the caller frees.
 */
static char *
report(const char *key, const char *val, const char *extra)
{
	struct buf	 b = { 0 };
	size_t		 i;
	int		 first = 1;

	buf_addc(&b, '{');
	for (i = 0; i < nitems(good_keys); i++) {
		const char *v = good_vals[i];

		if (key != NULL && strcmp(key, good_keys[i]) == 0) {
			if (val == NULL)
				continue;
			v = val;
		}
		buf_printf(&b, "%s\"%s\": %s", first ? "" : ", ",
		    good_keys[i], v);
		first = 0;
	}
	if (extra != NULL)
		buf_printf(&b, ", %s", extra);
	buf_addc(&b, '}');
	return buf_take(&b);
}

/*
 * Parses `json`, expects a refusal with `code` on `field`, and checks that
 * `secret` (the offending text; may be NULL) appears nowhere in the error.
 */
#define REFUSED(json, code, field, secret) \
	refused(__FILE__, __LINE__, (json), (code), (field), (secret))

static void
refused(const char *file, int line, const char *json,
    enum concern_errcode code, const char *field, const char *secret)
{
	struct concern_report	 r;
	struct concern_error	 err;
	char			 msg[512];

	if (concern_parse(json, strlen(json), &limits, today(), &r,
	    &err) == 0) {
		TEST_FAIL("%s:%d: accepted %s", file, line, json);
		concern_report_free(&r);
		return;
	}
	concern_error_format(&err, msg, sizeof(msg));
	if (err.code != code || strcmp(err.field, field) != 0)
		TEST_FAIL("%s:%d: got code %d field \"%s\" (%s), want code %d "
		    "field \"%s\"", file, line, err.code, err.field, msg, code,
		    field);
	if (r.unit != NULL || r.description != NULL)
		TEST_FAIL("%s:%d: refused report left strings", file, line);
	if (err.reason[0] == '\0' || err.reason_sv[0] == '\0')
		TEST_FAIL("%s:%d: empty reason", file, line);
	if (secret != NULL && (strstr(msg, secret) != NULL ||
	    strstr(err.field, secret) != NULL ||
	    strstr(err.reason, secret) != NULL ||
	    strstr(err.reason_sv, secret) != NULL))
		TEST_FAIL("%s:%d: error \"%s\" / \"%s\" repeats \"%s\"", file,
		    line, msg, err.reason_sv, secret);
}

static void
test_good(void)
{
	struct concern_report	 r, r2;
	struct concern_error	 err;
	char			*json, *out;

	json = report(NULL, NULL, NULL);
	CHECK_INT_EQ(concern_parse(json, strlen(json), &limits, today(), &r,
	    &err), 0);
	CHECK_INT_EQ(err.code, CONCERN_OK);
	CHECK_INT_EQ(r.event_date, calendar_days(2024, 3, 1));
	CHECK_STR_EQ(r.unit, "Kulturhuset i Skarpnäck");
	CHECK_INT_EQ(r.place_type, CONCERN_PLACE_FRITIDSGARD);
	CHECK_INT_EQ(r.kind, CONCERN_KIND_KLOTTER_SYMBOLER);
	CHECK_INT_EQ(r.milieu, CONCERN_MILIEU_VIT_MAKT);
	CHECK_INT_EQ(r.concerns_minor, 0);
	CHECK_INT_EQ(r.urgency, CONCERN_URGENCY_NORMAL);
	CHECK_INT_EQ(r.police_informed, 1);
	CHECK_INT_EQ(r.social_services_informed, 0);
	CHECK_STR_EQ(r.description,
	    "Klotter med vit makt-symboler vid entrén.\nSanerat samma dag.");

	out = concern_to_json(&r);
	CHECK_STR_EQ(out, "{\"event_date\":\"2024-03-01\","
	    "\"unit\":\"Kulturhuset i Skarpnäck\","
	    "\"place_type\":\"fritidsgard\",\"kind\":\"klotter-symboler\","
	    "\"milieu\":\"vit-makt\",\"concerns_minor\":false,"
	    "\"urgency\":\"normal\",\"police_informed\":true,"
	    "\"social_services_informed\":false,\"description\":"
	    "\"Klotter med vit makt-symboler vid entrén.\\nSanerat samma "
	    "dag.\"}");
	/* The stored form parses back to the same report. */
	CHECK_INT_EQ(concern_parse(out, strlen(out), &limits, today(), &r2,
	    &err), 0);
	CHECK_INT_EQ(r2.event_date, r.event_date);
	CHECK_STR_EQ(r2.unit, r.unit);
	CHECK_STR_EQ(r2.description, r.description);
	CHECK_INT_EQ(r2.police_informed, 1);
	concern_report_free(&r2);
	free(out);
	concern_report_free(&r);
	CHECK(r.unit == NULL && r.description == NULL);
	concern_report_free(NULL);
	free(json);
}

/* Every enumeration value, both urgencies, dates at the limits. */
static void
test_values(void)
{
	struct concern_report	 r;
	struct concern_error	 err;
	char			*json, val[64];
	size_t			 i, n;
	const char *const	*names;
	const char *const	 enums[] = { "place_type", "kind", "milieu",
	    "urgency" };
	size_t			 e;

	for (e = 0; e < nitems(enums); e++) {
		names = concern_field_values(enums[e], &n);
		CHECK(names != NULL && n >= 2);
		for (i = 0; names != NULL && i < n; i++) {
			snprintf(val, sizeof(val), "\"%s\"", names[i]);
			json = report(enums[e], val, NULL);
			if (concern_parse(json, strlen(json), &limits,
			    today(), &r, &err) != 0)
				TEST_FAIL("%s %s refused: %s", enums[e],
				    names[i], err.reason);
			concern_report_free(&r);
			free(json);
		}
	}
	CHECK(concern_field_values("unit", &n) == NULL);
	CHECK_INT_EQ(n, 0);
	CHECK_INT_EQ(concern_lookup(concern_place_names, CONCERN_NPLACES,
	    "aldreboende"), CONCERN_PLACE_ALDREBOENDE);
	CHECK_INT_EQ(concern_lookup(concern_milieu_names, CONCERN_NMILIEUS,
	    "vit makt"), -1);

	/* Today and 365 days ago are allowed. */
	json = report("event_date", "\"2024-03-10\"", NULL);
	CHECK_INT_EQ(concern_parse(json, strlen(json), &limits, today(), &r,
	    &err), 0);
	concern_report_free(&r);
	free(json);
	json = report("event_date", "\"2023-03-11\"", NULL);
	CHECK_INT_EQ(concern_parse(json, strlen(json), &limits, today(), &r,
	    &err), 0);
	concern_report_free(&r);
	free(json);
	/* akut; CRLF from a textarea becomes LF. */
	json = report("urgency", "\"akut\"", NULL);
	CHECK_INT_EQ(concern_parse(json, strlen(json), &limits, today(), &r,
	    &err), 0);
	CHECK_INT_EQ(r.urgency, CONCERN_URGENCY_AKUT);
	concern_report_free(&r);
	free(json);
	json = report("description", "\"rad 1\\r\\nrad 2\\tslut\"", NULL);
	CHECK_INT_EQ(concern_parse(json, strlen(json), &limits, today(), &r,
	    &err), 0);
	CHECK_STR_EQ(r.description, "rad 1\nrad 2\tslut");
	concern_report_free(&r);
	free(json);
	/* An empty description is allowed: the fields may say enough. */
	json = report("description", "\"\"", NULL);
	CHECK_INT_EQ(concern_parse(json, strlen(json), &limits, today(), &r,
	    &err), 0);
	CHECK_STR_EQ(r.description, "");
	concern_report_free(&r);
	free(json);
}

static void
test_missing_and_types(void)
{
	static const char *const bad_string[] = { "1", "true", "null",
	    "[\"skola\"]", "{}" };
	static const char *const bad_bool[] = { "\"true\"", "1", "0",
	    "null", "\"ja\"" };
	char	*json;
	size_t	 i, k;
	int	 is_bool;

	for (i = 0; i < nitems(good_keys); i++) {
		json = report(good_keys[i], NULL, NULL);
		REFUSED(json, CONCERN_E_MISSING, good_keys[i], NULL);
		free(json);
		is_bool = strcmp(good_vals[i], "true") == 0 ||
		    strcmp(good_vals[i], "false") == 0;
		for (k = 0; k < 5; k++) {
			json = report(good_keys[i], is_bool ? bad_bool[k] :
			    bad_string[k], NULL);
			REFUSED(json, CONCERN_E_TYPE, good_keys[i], NULL);
			free(json);
		}
	}
}

static void
test_unknown_and_duplicate(void)
{
	struct concern_report	 r;
	struct concern_error	 err;
	char			*json, msg[512];

	/* An unknown key is never named, only placed: it is the sender's. */
	json = report(NULL, NULL, "\"name\": \"Kalle Anka\"");
	REFUSED(json, CONCERN_E_UNKNOWN_FIELD, "", "name");
	free(json);
	json = report(NULL, NULL, "\"sven_svensson_bor_pa_storgatan\": true");
	REFUSED(json, CONCERN_E_UNKNOWN_FIELD, "", "sven");
	concern_parse(json, strlen(json), &limits, today(), &r, &err);
	CHECK_INT_EQ(err.position, 11);
	concern_error_format(&err, msg, sizeof(msg));
	CHECK_STR_EQ(msg, "report: has an unknown field at position 11; only "
	    "the form's fields are allowed");
	concern_error_format_sv(&err, msg, sizeof(msg));
	CHECK_STR_EQ(msg, "rapporten: har ett okänt fält på plats 11; bara "
	    "blankettens fält får finnas med");
	free(json);
	json = report(NULL, NULL, "\"Kalle Anka 640823-3234\": true");
	REFUSED(json, CONCERN_E_UNKNOWN_FIELD, "", "Kalle");
	free(json);
	json = report(NULL, NULL, "\"Description\": \"x\"");
	REFUSED(json, CONCERN_E_UNKNOWN_FIELD, "", "Description");
	free(json);
	json = xstrdup("{\"kalle\": 1, \"unit\": \"x\"}");
	concern_parse(json, strlen(json), &limits, today(), &r, &err);
	CHECK_INT_EQ(err.code, CONCERN_E_UNKNOWN_FIELD);
	CHECK_INT_EQ(err.position, 1);
	free(json);
	json = report(NULL, NULL, "\"unit\": \"Hemmet för gamla\"");
	REFUSED(json, CONCERN_E_DUPLICATE, "unit", "Hemmet");
	free(json);
	json = report(NULL, NULL, "\"description\": \"Kalle Anka\"");
	REFUSED(json, CONCERN_E_DUPLICATE, "description", "Kalle");
	free(json);
}

static void
test_text(void)
{
	struct buf	 b = { 0 };
	char		*json;
	int		 i;

	/* Invalid UTF-8, found by jansson before anything else. */
	json = report("description", "\"Kalle \xff\xfe Anka\"", NULL);
	REFUSED(json, CONCERN_E_UTF8, "description", "Kalle");
	free(json);
	json = report("unit", "\"Kalle \xc3\x28\"", NULL);
	REFUSED(json, CONCERN_E_UTF8, "unit", "Kalle");
	free(json);
	json = report("description", "\"Kalle \\ud800 Anka\"", NULL);
	REFUSED(json, CONCERN_E_UTF8, "description", "Kalle");
	free(json);
	/* Control characters, raw or escaped, and invisible ones. */
	json = report("description", "\"Kalle \x01 Anka\"", NULL);
	REFUSED(json, CONCERN_E_CONTROL, "description", "Kalle");
	free(json);
	json = report("description", "\"Kalle \\u0001 Anka\"", NULL);
	REFUSED(json, CONCERN_E_CONTROL, "description", "Kalle");
	free(json);
	json = report("description", "\"Kalle \\u0000 Anka\"", NULL);
	REFUSED(json, CONCERN_E_CONTROL, "description", "Kalle");
	free(json);
	json = report("description", "\"Kalle \\r Anka\"", NULL);
	REFUSED(json, CONCERN_E_CONTROL, "description", "Kalle");
	free(json);
	/*
	 * A zero-width space does not hide an identity number: the guard
	 * reads through it, and it runs before the character checks.
	 */
	json = report("description", "\"640823\\u200b-3234\"", NULL);
	REFUSED(json, CONCERN_E_PII, "description", "640823");
	free(json);
	json = report("description", "\"Kalle \\u200b Anka\"", NULL);
	REFUSED(json, CONCERN_E_CONTROL, "description", "Kalle");
	free(json);
	json = report("description", "\"Kalle \xe2\x80\xae Anka\"", NULL);
	REFUSED(json, CONCERN_E_CONTROL, "description", "Kalle");
	free(json);
	/* Each end of every forbidden range, and the lone ones. */
	{
		static const char *const edge[] = { "\\u007f", "\\u0080",
		    "\\u009f", "\\u00ad", "\\u200b", "\\u200f",
		    "\\u2028", "\\u202e", "\\u2060", "\\u206f",
		    "\\ufeff", "\\ufff9", "\\ufffb" };
		size_t k;

		for (k = 0; k < sizeof(edge) / sizeof(edge[0]); k++) {
			buf_reset(&b);
			buf_printf(&b, "\"Kalle %s Anka\"", edge[k]);
			json = report("description", b.s, NULL);
			REFUSED(json, CONCERN_E_CONTROL, "description",
			    "Kalle");
			free(json);
		}
		buf_reset(&b);
	}

	/* 2000 characters (4000 bytes of å) pass, 2001 do not. */
	buf_addc(&b, '"');
	for (i = 0; i < 2000; i++)
		buf_adds(&b, "å");
	buf_addc(&b, '"');
	json = report("description", b.s, NULL);
	{
		struct concern_report	 r;
		struct concern_error	 err;

		CHECK_INT_EQ(concern_parse(json, strlen(json), &limits,
		    today(), &r, &err), 0);
		CHECK_INT_EQ(strlen(r.description), 4000);
		concern_report_free(&r);
	}
	free(json);
	b.len--;
	buf_adds(&b, "ä\"");
	json = report("description", b.s, NULL);
	REFUSED(json, CONCERN_E_TOO_LONG, "description", "åå");
	free(json);
	buf_free(&b);
}

static void
test_values_refused(void)
{
	char	*json;

	json = report("place_type", "\"Kalles skola\"", NULL);
	REFUSED(json, CONCERN_E_VALUE, "place_type", "Kalle");
	free(json);
	json = report("place_type", "\"Skola\"", NULL);
	REFUSED(json, CONCERN_E_VALUE, "place_type", "Skola");
	free(json);
	json = report("kind", "\"mord\"", NULL);
	REFUSED(json, CONCERN_E_VALUE, "kind", "mord");
	free(json);
	json = report("milieu", "\"vit makt\"", NULL);
	REFUSED(json, CONCERN_E_VALUE, "milieu", "vit makt");
	free(json);
	json = report("urgency", "\"bråttom\"", NULL);
	REFUSED(json, CONCERN_E_VALUE, "urgency", "bråttom");
	free(json);
	json = report("event_date", "\"2024-03-11\"", NULL);
	REFUSED(json, CONCERN_E_FUTURE, "event_date", "2024-03-11");
	free(json);
	json = report("event_date", "\"2023-03-10\"", NULL);
	REFUSED(json, CONCERN_E_TOO_OLD, "event_date", "2023-03-10");
	free(json);
	json = report("event_date", "\"2024-02-30\"", NULL);
	REFUSED(json, CONCERN_E_DATE, "event_date", "2024-02-30");
	free(json);
	json = report("event_date", "\"20240301\"", NULL);
	REFUSED(json, CONCERN_E_DATE, "event_date", "20240301");
	free(json);
	json = report("event_date", "\"1 mars\"", NULL);
	REFUSED(json, CONCERN_E_DATE, "event_date", "mars");
	free(json);
	json = report("unit", "\"Kalles enhet\"", NULL);
	REFUSED(json, CONCERN_E_UNIT, "unit", "Kalle");
	free(json);
	json = report("unit", "\"\"", NULL);
	REFUSED(json, CONCERN_E_EMPTY, "unit", NULL);
	free(json);
}

/* An identifier anywhere is refused, named by kind, never repeated. */
static void
test_identifiers(void)
{
	static const struct {
		const char	*field;
		const char	*val;
		const char	*secret;
		enum pii_kind	 kind;
	} c[] = {
		{ "description", "\"Eleven (640823-3234) uttryckte\"",
		    "3234", PII_PERSONNUMMER },
		{ "description", "\"nr 6408233235\"", "3235",
		    PII_PERSONNUMMER },
		{ "description", "\"samordningsnummer 701063-2391\"", "2391",
		    PII_SAMORDNINGSNUMMER },
		{ "description", "\"ring 070-123 45 67\"", "45 67",
		    PII_PHONE },
		{ "description", "\"mejla kalle.anka@exempel.se\"", "kalle",
		    PII_EMAIL },
		{ "description", "\"bor på Storgatan 12\"", "Storgatan",
		    PII_ADDRESS },
		{ "description", "\"123 45 Stockholm\"", "Stockholm",
		    PII_POSTCODE },
		{ "unit", "\"Enhet 640823-3234\"", "3234",
		    PII_PERSONNUMMER },
		{ "place_type", "\"a@b.se\"", "a@b", PII_EMAIL },
		{ "event_date", "\"19640823-3234\"", "3234",
		    PII_PERSONNUMMER },
	};
	struct concern_report	 r;
	struct concern_error	 err;
	char			*json;
	size_t			 i;

	for (i = 0; i < nitems(c); i++) {
		json = report(c[i].field, c[i].val, NULL);
		REFUSED(json, CONCERN_E_PII, c[i].field, c[i].secret);
		if (concern_parse(json, strlen(json), &limits, today(), &r,
		    &err) == -1)
			CHECK_INT_EQ(err.pii, c[i].kind);
		free(json);
	}
	json = report("description", "\"x 640823-3234\"", NULL);
	concern_parse(json, strlen(json), &limits, today(), &r, &err);
	CHECK_STR_EQ(err.reason, "contains a personal identity number; "
	    "a report must not identify anyone: rewrite the text without it "
	    "and send the report again");
	CHECK_STR_EQ(err.reason_sv, "innehåller ett personnummer; rapporten "
	    "får inte identifiera någon: skriv om texten utan uppgiften och "
	    "skicka rapporten igen");
	free(json);
}

static void
test_documents(void)
{
	struct concern_report	 r;
	struct concern_error	 err;
	char			 msg[256];

	REFUSED("", CONCERN_E_JSON, "", NULL);
	REFUSED("Kalle Anka", CONCERN_E_JSON, "", "Kalle");
	REFUSED("[\"Kalle\"]", CONCERN_E_NOT_OBJECT, "", "Kalle");
	/* jansson takes only an object or an array at the top. */
	REFUSED("\"Kalle\"", CONCERN_E_JSON, "", "Kalle");
	REFUSED("{\"unit\": \"Kalle Anka\"", CONCERN_E_JSON, "unit", "Kalle");
	REFUSED("{\"concerns_minor\": tru}", CONCERN_E_JSON, "concerns_minor",
	    "tru");
	REFUSED("{} Kalle", CONCERN_E_JSON, "", "Kalle");
	/* A NULL limits knows no unit. */
	{
		char *json = report(NULL, NULL, NULL);

		CHECK_INT_EQ(concern_parse(json, strlen(json), NULL, today(),
		    &r, &err), -1);
		CHECK_INT_EQ(err.code, CONCERN_E_UNIT);
		free(json);
	}
	concern_error_format(&err, msg, sizeof(msg));
	CHECK_STR_EQ(msg, "unit: is not a known unit");
	CHECK_INT_EQ(concern_parse("[]", 2, &limits, today(), &r, &err), -1);
	concern_error_format(&err, msg, sizeof(msg));
	CHECK_STR_EQ(msg, "report: must be a JSON object");
}

int
main(void)
{
	TEST_RUN(test_good);
	TEST_RUN(test_values);
	TEST_RUN(test_missing_and_types);
	TEST_RUN(test_unknown_and_duplicate);
	TEST_RUN(test_text);
	TEST_RUN(test_values_refused);
	TEST_RUN(test_identifiers);
	TEST_RUN(test_documents);
	return TEST_END("concern");
}
