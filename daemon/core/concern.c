/*
 * concern: parsing and validating a de-identified concern report.  The
 * form posts one flat JSON object; jansson parses it (duplicate keys
 * refused), then the checks run in a fixed order so that a report gets a
 * predictable answer: unknown fields, then each field's presence and type,
 * then the privacy guard over every string, then characters and lengths,
 * then the values themselves.  The privacy guard comes before value checks
 * so that an identifier typed into any field is reported as such.
 *
 * Nothing a user typed reaches an error: jansson's own error texts quote
 * the input ("invalid token near 'Kalle...'"), so they are mapped to fixed
 * phrases and never copied.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "concern.h"
#include "pii.h"
#include "util.h"

const char *const concern_place_names[CONCERN_NPLACES] = {
	"skola", "forskola", "fritidsgard", "aldreboende", "socialtjanst",
	"offentlig-miljo", "digital-miljo", "annan"
};

const char *const concern_kind_names[CONCERN_NKINDS] = {
	"oro-individ", "handelse", "klotter-symboler", "propaganda",
	"rekrytering", "hot-vald"
};

const char *const concern_milieu_names[CONCERN_NMILIEUS] = {
	"autonom", "vit-makt", "islamistisk", "okand"
};

const char *const concern_urgency_names[CONCERN_NURGENCIES] = {
	"normal", "akut"
};

const char *const concern_place_labels[2][CONCERN_NPLACES] = {
	{ "skola", "f\xc3\xb6rskola", "fritidsg\xc3\xa5rd",
	  "\xc3\xa4ldreboende", "socialtj\xc3\xa4nst",
	  "offentlig milj\xc3\xb6", "digital milj\xc3\xb6", "annan plats" },
	{ "school", "preschool", "youth centre", "care home for older people",
	  "social services", "public place", "online", "other place" }
};

const char *const concern_kind_labels[2][CONCERN_NKINDS] = {
	{ "oro f\xc3\xb6r en person", "h\xc3\xa4ndelse",
	  "klotter eller symboler", "propaganda", "rekrytering",
	  "hot eller v\xc3\xa5ld" },
	{ "concern about a person", "incident", "graffiti or symbols",
	  "propaganda", "recruitment", "threats or violence" }
};

const char *const concern_milieu_labels[2][CONCERN_NMILIEUS] = {
	{ "autonoma milj\xc3\xb6n", "vit makt-milj\xc3\xb6n",
	  "islamistiska milj\xc3\xb6n", "ok\xc3\xa4nd" },
	{ "autonomous milieu", "white power milieu", "islamist milieu",
	  "unknown" }
};

const char *const concern_urgency_labels[2][CONCERN_NURGENCIES] = {
	{ "normal", "br\xc3\xa5" "dskande" },
	{ "normal", "urgent" }
};

enum field_type {
	FT_STRING,
	FT_BOOL
};

enum field_id {
	F_EVENT_DATE,
	F_UNIT,
	F_PLACE_TYPE,
	F_KIND,
	F_MILIEU,
	F_CONCERNS_MINOR,
	F_URGENCY,
	F_POLICE_INFORMED,
	F_SOCIAL_SERVICES_INFORMED,
	F_DESCRIPTION,
	F_NFIELDS
};

/* The form's fields, in the order the form shows them. */
static const struct field {
	const char		*name;
	enum field_type		 type;
	const char *const	*values;	/* enumerations only */
	size_t			 nvalues;
} fields[F_NFIELDS] = {
	[F_EVENT_DATE] = { "event_date", FT_STRING, NULL, 0 },
	[F_UNIT] = { "unit", FT_STRING, NULL, 0 },
	[F_PLACE_TYPE] = { "place_type", FT_STRING, concern_place_names,
	    CONCERN_NPLACES },
	[F_KIND] = { "kind", FT_STRING, concern_kind_names, CONCERN_NKINDS },
	[F_MILIEU] = { "milieu", FT_STRING, concern_milieu_names,
	    CONCERN_NMILIEUS },
	[F_CONCERNS_MINOR] = { "concerns_minor", FT_BOOL, NULL, 0 },
	[F_URGENCY] = { "urgency", FT_STRING, concern_urgency_names,
	    CONCERN_NURGENCIES },
	[F_POLICE_INFORMED] = { "police_informed", FT_BOOL, NULL, 0 },
	[F_SOCIAL_SERVICES_INFORMED] = { "social_services_informed", FT_BOOL,
	    NULL, 0 },
	[F_DESCRIPTION] = { "description", FT_STRING, NULL, 0 },
};

const char *const *
concern_field_values(const char *field, size_t *n)
{
	size_t	 i;

	for (i = 0; i < F_NFIELDS; i++)
		if (fields[i].values != NULL &&
		    strcmp(fields[i].name, field) == 0) {
			*n = fields[i].nvalues;
			return fields[i].values;
		}
	*n = 0;
	return NULL;
}

int
concern_lookup(const char *const *names, size_t n, const char *value)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], value) == 0)
			return (int)i;
	return -1;
}

static int
field_index_n(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < F_NFIELDS; i++)
		if (strlen(fields[i].name) == n &&
		    memcmp(fields[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

/*
 * Fills *err and returns -1.  The reasons are fixed texts; the only
 * numbers that go in are limits from the configuration, never anything
 * from the report.  For CONCERN_E_TYPE, `limit` is the field's type.
 */
static int
fail(struct concern_error *err, enum concern_errcode code,
    const char *field, enum pii_kind pii, long limit)
{
	const char	*en = "is not valid", *sv = "är ogiltigt";

	err->code = code;
	err->pii = PII_NONE;
	snprintf(err->field, sizeof(err->field), "%s", field);
	switch (code) {
	case CONCERN_OK:
		break;
	case CONCERN_E_JSON:
		en = "is not valid JSON";
		sv = "är inte giltig JSON";
		break;
	case CONCERN_E_NOT_OBJECT:
		en = "must be a JSON object";
		sv = "måste vara ett JSON-objekt";
		break;
	case CONCERN_E_DUPLICATE:
		en = "appears more than once";
		sv = "förekommer mer än en gång";
		break;
	case CONCERN_E_UNKNOWN_FIELD:
		/* Its name is the sender's text: only its place is given. */
		err->position = (int)limit;
		snprintf(err->reason, sizeof(err->reason), "has an unknown "
		    "field at position %ld; only the form's fields are allowed",
		    limit);
		snprintf(err->reason_sv, sizeof(err->reason_sv), "har ett "
		    "okänt fält på plats %ld; bara blankettens fält får finnas "
		    "med", limit);
		return -1;
	case CONCERN_E_MISSING:
		en = "is missing";
		sv = "saknas";
		break;
	case CONCERN_E_TYPE:
		if (limit == FT_BOOL) {
			en = "must be true or false";
			sv = "måste vara true eller false";
		} else {
			en = "must be a string";
			sv = "måste vara en textsträng";
		}
		break;
	case CONCERN_E_UTF8:
		en = "is not valid UTF-8";
		sv = "är inte giltig UTF-8";
		break;
	case CONCERN_E_CONTROL:
		en = "contains a control or invisible character";
		sv = "innehåller ett styrtecken eller osynligt tecken";
		break;
	case CONCERN_E_TOO_LONG:
		snprintf(err->reason, sizeof(err->reason),
		    "is too long (at most %ld characters)", limit);
		snprintf(err->reason_sv, sizeof(err->reason_sv),
		    "är för lång (högst %ld tecken)", limit);
		return -1;
	case CONCERN_E_EMPTY:
		en = "must not be empty";
		sv = "får inte vara tom";
		break;
	case CONCERN_E_VALUE:
		en = "is not one of the allowed values";
		sv = "har inget av de tillåtna värdena";
		break;
	case CONCERN_E_DATE:
		en = "must be a date written YYYY-MM-DD";
		sv = "måste vara ett datum på formen ÅÅÅÅ-MM-DD";
		break;
	case CONCERN_E_FUTURE:
		en = "lies in the future";
		sv = "ligger i framtiden";
		break;
	case CONCERN_E_TOO_OLD:
		snprintf(err->reason, sizeof(err->reason),
		    "is more than %ld days ago", limit);
		snprintf(err->reason_sv, sizeof(err->reason_sv),
		    "ligger mer än %ld dagar bakåt i tiden", limit);
		return -1;
	case CONCERN_E_UNIT:
		en = "is not a known unit";
		sv = "är ingen känd enhet";
		break;
	case CONCERN_E_PII:
		/* The kind of identifier and a way out, never the value. */
		err->pii = pii;
		snprintf(err->reason, sizeof(err->reason),
		    "contains %s; a report must not identify anyone: rewrite "
		    "the text without it and send the report again",
		    pii_kind_name(pii));
		snprintf(err->reason_sv, sizeof(err->reason_sv),
		    "innehåller %s; rapporten får inte identifiera någon: "
		    "skriv om texten utan uppgiften och skicka rapporten igen",
		    pii_kind_name_sv(pii));
		return -1;
	}
	snprintf(err->reason, sizeof(err->reason), "%s", en);
	snprintf(err->reason_sv, sizeof(err->reason_sv), "%s", sv);
	return -1;
}

/*
 * Which top-level key of the raw document the byte offset `pos` falls
 * under: the last key that starts before it.  Used to name the field of a
 * parse error (invalid UTF-8 in the description, a duplicate "unit").  A
 * tolerant scan of a flat object; it gives up quietly on anything else.
 * Writes the key into name[size] only if it is one of the form's fields.
 */
static void
field_at(const char *s, size_t len, size_t pos, char *name, size_t size)
{
	size_t	 i = 0, ks, ke;
	int	 depth;

	name[0] = '\0';
#define SKIPWS() while (i < len && strchr(" \t\r\n", s[i]) != NULL && \
	    s[i] != '\0') i++
	SKIPWS();
	if (i >= len || s[i] != '{')
		return;
	i++;
	for (;;) {
		SKIPWS();
		if (i >= len || s[i] != '"' || i >= pos)
			return;
		ks = ++i;
		while (i < len && s[i] != '"' && s[i] != '\\')
			i++;
		if (i >= len || s[i] != '"')
			return;
		ke = i++;
		if (ke - ks < size && field_index_n(s + ks, ke - ks) >= 0) {
			memcpy(name, s + ks, ke - ks);
			name[ke - ks] = '\0';
		} else
			name[0] = '\0';
		SKIPWS();
		if (i >= len || s[i] != ':')
			return;
		i++;
		/* Skip the value: strings with escapes, nesting by depth. */
		for (depth = 0; i < len; i++) {
			if (s[i] == '"') {
				for (i++; i < len && s[i] != '"'; i++)
					if (s[i] == '\\')
						i++;
			} else if (s[i] == '{' || s[i] == '[')
				depth++;
			else if (s[i] == '}' || s[i] == ']') {
				if (depth-- == 0)
					return;
			} else if (s[i] == ',' && depth == 0)
				break;
		}
		if (i >= len)
			return;
		i++;
	}
#undef SKIPWS
}

/*
 * Decodes one UTF-8 character strictly (no overlong forms, surrogates or
 * values past U+10FFFF).  Returns its length in bytes, or 0 if invalid.
 */
static size_t
utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t		 n, k;
	uint32_t	 v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		v = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		v = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		v = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/*
 * Characters a report has no use for and that could hide an identifier
 * from the guard ("640823<zero width space>-3234") or reorder what a
 * reader sees (bidirectional overrides): C0 and C1 controls other than
 * tab and newline, DEL, and the invisible format characters.
 */
static int
is_forbidden(uint32_t c)
{
	if (c == '\n' || c == '\t')
		return 0;
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xad ||
	    c == 0x34f || c == 0x61c || c == 0x180e ||
	    (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
	    (c >= 0xfff9 && c <= 0xfffb);
}

/*
 * Checks a string's characters and length (in characters) and returns a
 * copy with CRLF turned into LF, or NULL with *code set.
 */
static char *
clean_text(const char *str, size_t len, size_t max,
    enum concern_errcode *code)
{
	const unsigned char *s = (const unsigned char *)str;
	struct buf	 b = { 0 };
	size_t		 i = 0, n, nchars = 0;
	uint32_t	 c;

	while (i < len) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			i++;
			continue;
		}
		if ((n = utf8_next(s + i, len - i, &c)) == 0) {
			*code = CONCERN_E_UTF8;
			goto bad;
		}
		if (is_forbidden(c)) {
			*code = CONCERN_E_CONTROL;
			goto bad;
		}
		if (++nchars > max) {
			*code = CONCERN_E_TOO_LONG;
			goto bad;
		}
		buf_add(&b, s + i, n);
		i += n;
	}
	return buf_take(&b);
bad:
	buf_free(&b);
	return NULL;
}

static int
load_error(const char *json, size_t len, const json_error_t *je,
    struct concern_error *err)
{
	enum concern_errcode	 code = CONCERN_OK;
	char			 name[40];

	switch (json_error_code(je)) {
	case json_error_duplicate_key:
		code = CONCERN_E_DUPLICATE;
		break;
	case json_error_invalid_utf8:
		code = CONCERN_E_UTF8;
		break;
	case json_error_null_character:
	case json_error_null_byte_in_key:
		code = CONCERN_E_CONTROL;
		break;
	case json_error_invalid_syntax:
		/* The text is only compared, never copied. */
		if (strncmp(je->text, "control character", 17) == 0)
			code = CONCERN_E_CONTROL;
		else if (strncmp(je->text, "invalid Unicode", 15) == 0)
			code = CONCERN_E_UTF8;
		else
			code = CONCERN_E_JSON;
		break;
	default:
		code = CONCERN_E_JSON;
	}
	field_at(json, len, je->position > 0 ? (size_t)je->position : 0,
	    name, sizeof(name));
	return fail(err, code, name, PII_NONE, 0);
}

int
concern_parse(const char *json, size_t len,
    const struct concern_limits *limits, int today,
    struct concern_report *out, struct concern_error *err)
{
	json_t			*root, *v[F_NFIELDS], *val;
	json_error_t		 je;
	struct pii_hit		 hit;
	const char		*key, *str;
	char			*text[F_NFIELDS] = { NULL };
	enum concern_errcode	 code = CONCERN_OK;
	size_t			 i, max, desc_max;
	long			 pos;
	int			 date, idx[F_NFIELDS], max_age, r = -1;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	desc_max = limits != NULL && limits->description_max > 0 ?
	    limits->description_max : CONCERN_DESCRIPTION_MAX;
	max_age = limits != NULL && limits->max_age_days > 0 ?
	    limits->max_age_days : CONCERN_MAX_AGE_DAYS;

	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return load_error(json, len, &je, err);
	if (!json_is_object(root)) {
		fail(err, CONCERN_E_NOT_OBJECT, "", PII_NONE, 0);
		goto out;
	}
	/* jansson keeps the keys in the order they were written. */
	pos = 0;
	json_object_foreach(root, key, val) {
		pos++;
		if (field_index_n(key, strlen(key)) < 0) {
			fail(err, CONCERN_E_UNKNOWN_FIELD, "", PII_NONE, pos);
			goto out;
		}
	}
	for (i = 0; i < F_NFIELDS; i++) {
		v[i] = json_object_get(root, fields[i].name);
		if (v[i] == NULL) {
			fail(err, CONCERN_E_MISSING, fields[i].name, PII_NONE,
			    0);
			goto out;
		}
		if (fields[i].type == FT_STRING ? !json_is_string(v[i]) :
		    !json_is_boolean(v[i])) {
			fail(err, CONCERN_E_TYPE, fields[i].name, PII_NONE,
			    fields[i].type);
			goto out;
		}
	}
	for (i = 0; i < F_NFIELDS; i++) {
		if (fields[i].type != FT_STRING)
			continue;
		if (pii_scan(json_string_value(v[i]),
		    json_string_length(v[i]), &hit)) {
			fail(err, CONCERN_E_PII, fields[i].name, hit.kind, 0);
			goto out;
		}
	}
	for (i = 0; i < F_NFIELDS; i++) {
		if (fields[i].type != FT_STRING)
			continue;
		max = i == F_DESCRIPTION ? desc_max : CONCERN_FIELD_MAX;
		text[i] = clean_text(json_string_value(v[i]),
		    json_string_length(v[i]), max, &code);
		if (text[i] == NULL) {
			fail(err, code, fields[i].name, PII_NONE, (long)max);
			goto out;
		}
	}

	/* The values, in form order. */
	if (calendar_parse_date(text[F_EVENT_DATE], &date) == -1) {
		fail(err, CONCERN_E_DATE, "event_date", PII_NONE, 0);
		goto out;
	}
	if (date > today) {
		fail(err, CONCERN_E_FUTURE, "event_date", PII_NONE, 0);
		goto out;
	}
	if (date < today - max_age) {
		fail(err, CONCERN_E_TOO_OLD, "event_date", PII_NONE, max_age);
		goto out;
	}
	str = text[F_UNIT];
	if (*str == '\0') {
		fail(err, CONCERN_E_EMPTY, "unit", PII_NONE, 0);
		goto out;
	}
	if (limits == NULL || limits->units == NULL ||
	    concern_lookup(limits->units, limits->nunits, str) < 0) {
		fail(err, CONCERN_E_UNIT, "unit", PII_NONE, 0);
		goto out;
	}
	for (i = 0; i < F_NFIELDS; i++) {
		if (fields[i].values == NULL)
			continue;
		idx[i] = concern_lookup(fields[i].values, fields[i].nvalues,
		    text[i]);
		if (idx[i] < 0) {
			fail(err, CONCERN_E_VALUE, fields[i].name, PII_NONE,
			    0);
			goto out;
		}
	}

	out->event_date = date;
	out->unit = text[F_UNIT];
	text[F_UNIT] = NULL;
	out->place_type = (enum concern_place)idx[F_PLACE_TYPE];
	out->kind = (enum concern_kind)idx[F_KIND];
	out->milieu = (enum concern_milieu)idx[F_MILIEU];
	out->concerns_minor = json_is_true(v[F_CONCERNS_MINOR]);
	out->urgency = (enum concern_urgency)idx[F_URGENCY];
	out->police_informed = json_is_true(v[F_POLICE_INFORMED]);
	out->social_services_informed =
	    json_is_true(v[F_SOCIAL_SERVICES_INFORMED]);
	out->description = text[F_DESCRIPTION];
	text[F_DESCRIPTION] = NULL;
	r = 0;
out:
	for (i = 0; i < F_NFIELDS; i++)
		free(text[i]);
	json_decref(root);
	return r;
}

void
concern_report_free(struct concern_report *r)
{
	if (r == NULL)
		return;
	free(r->unit);
	free(r->description);
	memset(r, 0, sizeof(*r));
}

char *
concern_to_json(const struct concern_report *r)
{
	json_t	*o;
	char	 date[11], *s;

	if (r->unit == NULL || r->description == NULL ||
	    (unsigned)r->place_type >= CONCERN_NPLACES ||
	    (unsigned)r->kind >= CONCERN_NKINDS ||
	    (unsigned)r->milieu >= CONCERN_NMILIEUS ||
	    (unsigned)r->urgency >= CONCERN_NURGENCIES)
		return NULL;
	calendar_format(r->event_date, date);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:b, s:s}",
	    "event_date", date,
	    "unit", r->unit,
	    "place_type", concern_place_names[r->place_type],
	    "kind", concern_kind_names[r->kind],
	    "milieu", concern_milieu_names[r->milieu],
	    "concerns_minor", r->concerns_minor != 0,
	    "urgency", concern_urgency_names[r->urgency],
	    "police_informed", r->police_informed != 0,
	    "social_services_informed", r->social_services_informed != 0,
	    "description", r->description);
	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

void
concern_error_format(const struct concern_error *err, char *buf,
    size_t size)
{
	snprintf(buf, size, "%s: %s", err->field[0] != '\0' ? err->field :
	    "report", err->reason);
}

void
concern_error_format_sv(const struct concern_error *err, char *buf,
    size_t size)
{
	snprintf(buf, size, "%s: %s", err->field[0] != '\0' ? err->field :
	    "rapporten", err->reason_sv);
}

json_t *
concern_error_json(const struct concern_error *err)
{
	char	 en[320], sv[320];
	json_t	*j;

	concern_error_format(err, en, sizeof(en));
	concern_error_format_sv(err, sv, sizeof(sv));
	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "error", en, "error_sv",
	    sv, "field", err->field, "reason", err->reason, "reason_sv",
	    err->reason_sv);
	if (j == NULL)
		return NULL;
	if (err->code == CONCERN_E_PII)
		json_object_set_new(j, "identifier",
		    json_string(pii_kind_id(err->pii)));
	if (err->code == CONCERN_E_UNKNOWN_FIELD)
		json_object_set_new(j, "position", json_integer(err->position));
	return j;
}
