/*
 * fuzz_report: concern_parse() on arbitrary bytes.  An accepted report
 * must carry no identifier the guard can see, must survive the round trip
 * through concern_to_json(), and must free cleanly; a refusal must name a
 * field of the form or none (an unknown field only by its position), never
 * text from the input.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "concern.h"
#include "pii.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const units[] = {
	"Kulturhuset i Skarpnäck", "Fritidsgården Pilen", "Hemmet för gamla"
};

/* 2024-03-10 as a day number. */
#define TODAY	19792

/* "" or one of the form's own field names: nothing the sender chose. */
static int
form_field(const char *s)
{
	static const char *const fields[] = {
		"", "event_date", "unit", "place_type", "kind", "milieu",
		"concerns_minor", "urgency", "police_informed",
		"social_services_informed", "description"
	};
	size_t	 i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(s, fields[i]) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct concern_limits	 lim = { units, 3, 0, 0 };
	struct concern_report	 r, r2;
	struct concern_error	 err;
	char			*json;

	if (concern_parse((const char *)data, size, &lim, TODAY, &r,
	    &err) == -1) {
		assert(err.code != CONCERN_OK);
		assert(err.reason[0] != '\0' && err.reason_sv[0] != '\0');
		assert(form_field(err.field));
		/* An unknown field is placed, never named. */
		assert(err.code != CONCERN_E_UNKNOWN_FIELD ||
		    (err.field[0] == '\0' && err.position >= 1));
		assert(r.unit == NULL && r.description == NULL);
		return 0;
	}
	assert(err.code == CONCERN_OK);
	assert(!pii_scan(r.unit, strlen(r.unit), NULL));
	assert(!pii_scan(r.description, strlen(r.description), NULL));
	assert(r.event_date <= TODAY);
	json = concern_to_json(&r);
	assert(json != NULL);
	assert(concern_parse(json, strlen(json), &lim, TODAY, &r2,
	    &err) == 0);
	assert(r2.event_date == r.event_date);
	assert(strcmp(r2.unit, r.unit) == 0);
	assert(strcmp(r2.description, r.description) == 0);
	assert(r2.place_type == r.place_type && r2.kind == r.kind &&
	    r2.milieu == r.milieu && r2.urgency == r.urgency &&
	    r2.concerns_minor == r.concerns_minor &&
	    r2.police_informed == r.police_informed &&
	    r2.social_services_informed == r.social_services_informed);
	free(json);
	concern_report_free(&r2);
	concern_report_free(&r);
	return 0;
}
