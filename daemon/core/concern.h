/*
 * concern: the de-identified concern report ("blankett för avidentifierad
 * information") as the intranet form posts it, its validation and its
 * canonical JSON.  Pure: the list of known units and today's date are
 * parameters; no I/O, no clock.
 *
 * Errors name the field and a reason but never the value: what a staff
 * member typed may be the very identifier the privacy guard refused, and
 * error texts end up in logs and HTTP answers.
 */
#ifndef PLANWATCH_CONCERN_H
#define PLANWATCH_CONCERN_H

#include <stddef.h>

#include "pii.h"

/* Where it happened. */
enum concern_place {
	CONCERN_PLACE_SKOLA,
	CONCERN_PLACE_FORSKOLA,
	CONCERN_PLACE_FRITIDSGARD,
	CONCERN_PLACE_ALDREBOENDE,
	CONCERN_PLACE_SOCIALTJANST,
	CONCERN_PLACE_OFFENTLIG_MILJO,
	CONCERN_PLACE_DIGITAL_MILJO,
	CONCERN_PLACE_ANNAN,
	CONCERN_NPLACES
};

/* What kind of concern. */
enum concern_kind {
	CONCERN_KIND_ORO_INDIVID,
	CONCERN_KIND_HANDELSE,
	CONCERN_KIND_KLOTTER_SYMBOLER,
	CONCERN_KIND_PROPAGANDA,
	CONCERN_KIND_REKRYTERING,
	CONCERN_KIND_HOT_VALD,
	CONCERN_NKINDS
};

/* Which violent extremist milieu, if known. */
enum concern_milieu {
	CONCERN_MILIEU_AUTONOM,
	CONCERN_MILIEU_VIT_MAKT,
	CONCERN_MILIEU_ISLAMISTISK,
	CONCERN_MILIEU_OKAND,
	CONCERN_NMILIEUS
};

enum concern_urgency {
	CONCERN_URGENCY_NORMAL,
	CONCERN_URGENCY_AKUT,
	CONCERN_NURGENCIES
};

/*
 * The values as they appear in JSON and in rule files, indexed by the
 * enums above ("skola", "oro-individ", "vit-makt", "akut", ...).
 */
extern const char *const concern_place_names[CONCERN_NPLACES];
extern const char *const concern_kind_names[CONCERN_NKINDS];
extern const char *const concern_milieu_names[CONCERN_NMILIEUS];
extern const char *const concern_urgency_names[CONCERN_NURGENCIES];

/*
 * The same values as a reader says them, for messages: [0] Swedish ("vit
 * makt-miljön", "fritidsgård"), [1] English.
 */
extern const char *const concern_place_labels[2][CONCERN_NPLACES];
extern const char *const concern_kind_labels[2][CONCERN_NKINDS];
extern const char *const concern_milieu_labels[2][CONCERN_NMILIEUS];
extern const char *const concern_urgency_labels[2][CONCERN_NURGENCIES];

/*
 * The allowed values of an enumerated field by its JSON name
 * ("place_type", "kind", "milieu", "urgency"): returns the table and sets
 * *n, or NULL for any other name.
 */
const char *const *concern_field_values(const char *field, size_t *n);
/* The index of `value` in `names` (n entries), or -1. */
int	concern_lookup(const char *const *names, size_t n,
	    const char *value);

/* Defaults for struct concern_limits fields left 0. */
#define CONCERN_DESCRIPTION_MAX	2000	/* characters, not bytes */
#define CONCERN_MAX_AGE_DAYS	365
/* Every other string field. */
#define CONCERN_FIELD_MAX	200

struct concern_limits {
	const char *const *units;	/* known unit names (borrowed) */
	size_t		   nunits;
	size_t		   description_max; /* 0: the default */
	int		   max_age_days;    /* 0: the default */
};

/* A validated report.  Strings are owned; free with concern_report_free. */
struct concern_report {
	int			 event_date;	/* day number */
	char			*unit;
	enum concern_place	 place_type;
	enum concern_kind	 kind;
	enum concern_milieu	 milieu;
	int			 concerns_minor;
	enum concern_urgency	 urgency;
	int			 police_informed;
	int			 social_services_informed;
	char			*description;
};

enum concern_errcode {
	CONCERN_OK = 0,
	CONCERN_E_JSON,		/* not JSON at all */
	CONCERN_E_NOT_OBJECT,
	CONCERN_E_DUPLICATE,
	CONCERN_E_UNKNOWN_FIELD,
	CONCERN_E_MISSING,
	CONCERN_E_TYPE,
	CONCERN_E_UTF8,
	CONCERN_E_CONTROL,	/* control or invisible format character */
	CONCERN_E_TOO_LONG,
	CONCERN_E_EMPTY,
	CONCERN_E_VALUE,	/* not one of the allowed values */
	CONCERN_E_DATE,		/* not a YYYY-MM-DD date */
	CONCERN_E_FUTURE,
	CONCERN_E_TOO_OLD,
	CONCERN_E_UNIT,		/* not a known unit */
	CONCERN_E_PII		/* a personal identifier; see `pii` */
};

/*
 * Why a report was refused.  `field` is the JSON field name of the form,
 * or "" for the document as a whole and for a field that is not the
 * form's, which is never named (its name is text the sender chose and may
 * itself identify someone): `position` then says which key it is.
 * `reason` and `reason_sv` are phrases in English and Swedish built from
 * fixed texts and numbers.  None of it ever contains anything the sender
 * wrote.
 */
struct concern_error {
	enum concern_errcode	 code;
	char			 field[40];
	int			 position;	/* CONCERN_E_UNKNOWN_FIELD: 1 is
						   the first key */
	char			 reason[256];
	char			 reason_sv[256];
	enum pii_kind		 pii;	/* for CONCERN_E_PII */
};

/*
 * Parses and validates the JSON object the form posts (`len` bytes, no
 * terminator needed) against `limits` and `today` (a day number, the
 * local date of arrival).  Duplicate keys, unknown fields, missing fields
 * and wrong types are refused; the privacy guard runs over every string
 * value; descriptions are counted in characters and may hold newlines and
 * tabs but no other control or invisible characters (CRLF becomes LF).
 * event_date must lie between today - max_age_days and today.
 *
 * Returns 0 and fills *out (owned strings; free with concern_report_free)
 * or -1, fills *err and leaves *out zeroed.  `limits` may be NULL: then no
 * unit is known and every report is refused with CONCERN_E_UNIT.
 */
int	concern_parse(const char *json, size_t len,
	    const struct concern_limits *limits, int today,
	    struct concern_report *out, struct concern_error *err);
/* Frees the strings of a report and zeroes it; accepts NULL. */
void	concern_report_free(struct concern_report *);
/*
 * The report as compact JSON with the fields in form order, suitable for
 * storage and for concern_parse() again.  Returns a string the caller
 * frees with free(), or NULL if the report is malformed (a NULL string, an
 * enum out of range, a string that is not UTF-8).
 */
char	*concern_to_json(const struct concern_report *);
/*
 * "field: reason" into buf, in English (concern_error_format, for logs
 * and HTTP answers) or Swedish (concern_error_format_sv); "report:" or
 * "rapporten:" when no field applies.
 */
void	concern_error_format(const struct concern_error *, char *buf,
	    size_t size);
void	concern_error_format_sv(const struct concern_error *, char *buf,
	    size_t size);
/*
 * The refusal as the HTTP intake and planwatchctl give it: a JSON object
 * with "error" and "error_sv" (the formatted messages), "field",
 * "reason", "reason_sv", and "identifier" (pii_kind_id()) or "position"
 * where they apply.  Returns a new reference the caller releases with
 * json_decref().
 */
struct json_t *concern_error_json(const struct concern_error *);

#endif
