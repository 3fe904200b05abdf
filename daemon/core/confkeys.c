/*
 * confkeys: the one-value keys of planwatch.conf as one table -- type,
 * default, bounds, where the value goes, what it means -- and the code
 * that parses, checks, writes back and frees them from it, so that a key
 * is described once (conf_int.h).  Core: parses a libconfig group already
 * read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "conf.h"
#include "conf_int.h"
#include "confmail.h"
#include "smtpconf.h"
#include "util.h"

/* KEY_ENUM values are kept in enums as ints. */
_Static_assert(sizeof(enum mail_transport) == sizeof(int), "enum size");
_Static_assert(sizeof(enum smtp_starttls) == sizeof(int), "enum size");

static const char *const transports[] = { "maildir", "smtp", NULL };
static const char *const starttls_modes[] = {
	"required", "opportunistic", "off", NULL
};
static const char *const languages[] = { "sv", "en", NULL };

#define TOP(f)	.off = offsetof(struct config, f)
#define MAIL(f)	.off = offsetof(struct mail_conf, f)
#define INT(d, lo, hi, sc)	.idef = (d), .min = (lo), .max = (hi), .scale = (sc)
#define TIMEOUT(f, d)	MAIL(smtp.f), INT(d, SMTP_MIN_TIMEOUT_MS, \
	SMTP_MAX_TIMEOUT_MS, 1)

const struct conf_key conf_keys[] = {
	/* planwatch.conf's top level.  Unset paths under state_dir are
	 * derived from it by conf.c. */
	{ "", "state_dir", KEY_PATH, 0, 0, TOP(state_dir), .def = "../var",
	    .doc = "the daemon's own directory" },
	{ "", "database", KEY_PATH, 0, 0, TOP(database),
	    .doc = "the SQLite file; state_dir/planwatch.db" },
	{ "", "timezone", KEY_STRING, 0, 0, TOP(timezone),
	    .def = "Europe/Stockholm", .doc = "the zone of dates and times" },
	{ "", "control_socket", KEY_PATH, 0, 0, TOP(control_socket),
	    .doc = "planwatchctl's socket; state_dir/control.sock" },
	{ "", "control_group", KEY_STRING, KEY_EMPTY_UNSET, 0,
	    TOP(control_group), .doc = "the group that may use the socket" },
	{ "", "admin_group", KEY_STRING, KEY_EMPTY_UNSET, 0, TOP(admin_group),
	    .doc = "the group whose members are administrators" },
	{ "", "backup_dir", KEY_PATH, 0, 0, TOP(backup_dir),
	    .doc = "where backups go; state_dir/backups" },
	{ "", "organization", KEY_PART, 0, 0, TOP(organization_file),
	    .def = "organization.conf", .doc = "the organisation" },
	{ "", "calendar", KEY_PART, 0, 0, TOP(calendar_file),
	    .def = "calendar.conf", .doc = "the reporting calendar" },
	{ "", "plans", KEY_PATH, 0, 0, TOP(plans_dir), .def = "plans",
	    .doc = "the directory of the action plans" },
	{ "", "rules", KEY_PATH, 0, 0, TOP(rules_dir), .def = "../rules",
	    .doc = "reminder rules, routing, templates, pages" },
	{ "", "spool_dir", KEY_PATH, 0, 0, TOP(spool_dir),
	    .doc = "concern reports handed over; state_dir/spool" },
	{ "", "mail", KEY_GROUP, .doc = "how messages leave" },
	{ "", "http", KEY_GROUP, .doc = "the HTTP listener" },
	{ "", "web", KEY_GROUP, .doc = "the pages" },
	{ "", "lateness_days", KEY_INT, 0, 1, TOP(lateness),
	    INT(14, 1, 365, 86400), .doc = "past it, a summary" },
	{ "", "report_retention_days", KEY_INT, 0, 1, TOP(retention),
	    INT(365, 1, 3650, 86400),
	    .doc = "how long a closed report's description is kept" },

	/* mail.  mail.admin and mail.domain are derived from mail.from
	 * when unset (confmail.c); the addresses are checked before
	 * mail.domain is read. */
	{ "mail", "transport", KEY_ENUM, 0, 0, MAIL(transport),
	    .def = "maildir", .words = transports, .label = "mail transport",
	    .doc = "Maildir files or an SMTP server" },
	{ "mail", "from", KEY_EMAIL, 0, 0, MAIL(from),
	    .def = "planwatch@localhost", .label = "mail.from",
	    .doc = "the envelope sender and From" },
	{ "mail", "from_name", KEY_STRING, 0, 0, MAIL(from_name),
	    .def = "Planwatch", .doc = "From's display name" },
	{ "mail", "admin", KEY_EMAIL, 0, 0, MAIL(admin), .label = "mail.admin",
	    .doc = "where failed deliveries are reported" },
	{ "mail", "domain", KEY_STRING, 0, 1, MAIL(domain),
	    .doc = "of Message-IDs and List-Ids" },
	{ "mail", "language", KEY_WORD, 0, 1, MAIL(lang), .def = "sv",
	    .words = languages, .label = "mail.language",
	    .doc = "of messages to admin; people's default" },
	{ "mail", "max_sessions", KEY_INT, 0, 1, MAIL(max_sessions),
	    INT(2, 1, 16, 1), .doc = "deliveries at once" },
	{ "mail", "messages_per_session", KEY_INT, 0, 1, MAIL(batch),
	    INT(10, 1, 1000, 1), .doc = "messages over one SMTP session" },
	{ "mail", "retry_first_seconds", KEY_INT, 0, 1, MAIL(retry_first),
	    INT(60, 1, 86400, 1), .doc = "the first wait; it doubles" },
	{ "mail", "retry_max_seconds", KEY_INT, 0, 1, MAIL(retry_max),
	    INT(3600, 1, 86400, 1), .doc = "the longest wait" },
	{ "mail", "give_up_hours", KEY_INT, 0, 1, MAIL(give_up),
	    INT(72, 1, 24 * 60, 3600), .doc = "then a recipient has failed" },
	{ "mail", "shutdown_wait_seconds", KEY_INT, 0, 1,
	    MAIL(shutdown_wait), INT(10, 0, 600, 1),
	    .doc = "a stop's wait for sessions in flight" },
	{ "mail", "maildir", KEY_GROUP, .doc = "the Maildir transport" },
	{ "mail", "smtp", KEY_GROUP, .doc = "the SMTP transport" },

	/* mail.maildir; unset, state_dir/mail (confmail.c). */
	{ "mail.maildir", "path", KEY_PATH, 0, 0, MAIL(maildir),
	    .doc = "the Maildir" },

	/* mail.smtp; its secret_file is read by the shell (conf_open()).
	 * user and secret_file are checked together before helo is read. */
	{ "mail.smtp", "host", KEY_STRING, KEY_REQUIRED, 0, MAIL(smtp_host),
	    .doc = "the submission server" },
	{ "mail.smtp", "port", KEY_INT, 0, 0, MAIL(smtp.port),
	    INT(SMTP_DEFAULT_PORT, 1, 65535, 1), .doc = "its port" },
	{ "mail.smtp", "starttls", KEY_ENUM, 0, 0, MAIL(smtp.starttls),
	    .def = "required", .words = starttls_modes, .label = "starttls",
	    .doc = "whether TLS is required" },
	{ "mail.smtp", "ca_file", KEY_PATH, 0, 0, MAIL(smtp_ca_file),
	    .doc = "PEM certificate authorities; the system store" },
	{ "mail.smtp", "user", KEY_STRING, 0, 0, MAIL(smtp_user),
	    .doc = "the AUTH user; with secret_file" },
	{ "mail.smtp", "secret_file", KEY_PATH, 0, 0, MAIL(smtp_secret_file),
	    .doc = "the AUTH password's file, mode 0600" },
	{ "mail.smtp", "helo", KEY_STRING, 0, 1, MAIL(smtp_helo),
	    .doc = "the EHLO name; the system host name" },
	{ "mail.smtp", "connect_timeout_ms", KEY_INT, 0, 1,
	    TIMEOUT(connect_timeout_ms, SMTP_DEFAULT_CONNECT_MS),
	    .doc = "to connect to each address" },
	{ "mail.smtp", "greeting_timeout_ms", KEY_INT, 0, 1,
	    TIMEOUT(greeting_timeout_ms, SMTP_DEFAULT_GREETING_MS),
	    .doc = "for the greeting" },
	{ "mail.smtp", "envelope_timeout_ms", KEY_INT, 0, 1,
	    TIMEOUT(envelope_timeout_ms, SMTP_DEFAULT_ENVELOPE_MS),
	    .doc = "for each reply before DATA" },
	{ "mail.smtp", "data_timeout_ms", KEY_INT, 0, 1,
	    TIMEOUT(data_timeout_ms, SMTP_DEFAULT_DATA_MS),
	    .doc = "for the reply to DATA" },
	{ "mail.smtp", "transfer_timeout_ms", KEY_INT, 0, 1,
	    TIMEOUT(transfer_timeout_ms, SMTP_DEFAULT_TRANSFER_MS),
	    .doc = "for each write of the message" },
	{ "mail.smtp", "data2_timeout_ms", KEY_INT, 0, 1,
	    TIMEOUT(data2_timeout_ms, SMTP_DEFAULT_DATA2_MS),
	    .doc = "for the reply after the message" },
};

const size_t conf_nkeys = nitems(conf_keys);

const struct conf_key *
conf_key(const char *group, const char *name)
{
	size_t i;

	for (i = 0; i < conf_nkeys; i++)
		if (strcmp(conf_keys[i].group, group) == 0 &&
		    strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

static void *
slot(const void *base, const struct conf_key *k)
{
	return (char *)(uintptr_t)base + k->off;
}

void
conf_keys_check(const char *group, const config_setting_t *g,
    const char *what, struct diag *d)
{
	const char **names = xcalloc(conf_nkeys + 1, sizeof(*names));
	size_t i, n = 0;

	for (i = 0; i < conf_nkeys; i++)
		if (strcmp(conf_keys[i].group, group) == 0)
			names[n++] = conf_keys[i].name;
	cfg_check_keys(g, what, names, d);
	free(names);
}

static int
word_index(const char *const *words, const char *v)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(words[i], v) == 0)
			return i;
	return -1;
}

/* "<label> must be "a", "b" or "c"", at the setting. */
static void
word_error(const struct conf_key *k, const config_setting_t *s,
    struct diag *d)
{
	struct buf b = { 0 };
	char *msg;
	int i;

	buf_printf(&b, "%s must be ", k->label ? k->label : k->name);
	for (i = 0; k->words[i] != NULL; i++)
		buf_printf(&b, "%s\"%s\"", i == 0 ? "" :
		    k->words[i + 1] != NULL ? ", " : " or ", k->words[i]);
	msg = buf_take(&b);
	cfg_error(d, s, "%s", msg);
	free(msg);
}

static void
load_string(const struct conf_key *k, const config_setting_t *g,
    const char *file, void *base, struct diag *d)
{
	char **to = slot(base, k);
	const char *v = NULL;
	int found;

	found = cfg_get_string(g, k->name, k->flags & KEY_REQUIRED, &v, d)
	    == 1;
	if (!found)
		v = k->def;
	if (v == NULL || ((k->flags & KEY_EMPTY_UNSET) && *v == '\0'))
		return;
	free(*to);
	*to = k->type == KEY_PATH ? conf_path(cfg_cwd(g), file, v) : xstrdup(v);
	if (found && k->type == KEY_WORD && word_index(k->words, v) < 0)
		word_error(k, config_setting_get_member(g, k->name), d);
}

/*
 * An address given must be one, unless it is the default: the default
 * sender is a placeholder that would not pass.
 */
static void
check_email(const struct conf_key *k, const config_setting_t *g,
    const void *base, struct diag *d)
{
	const char *v = *(char **)slot(base, k);
	const config_setting_t *s;

	if (g == NULL || v == NULL ||
	    (s = config_setting_get_member(g, k->name)) == NULL)
		return;
	if (!conf_valid_email(v) && (k->def == NULL || strcmp(v, k->def) != 0))
		cfg_error(d, s, "%s '%s' is not a valid e-mail address",
		    k->label ? k->label : k->name, v);
}

static void
load_enum(const struct conf_key *k, const config_setting_t *g,
    void *base, struct diag *d)
{
	int *to = slot(base, k);
	const char *v;
	int i;

	*to = (int)k->idef;
	if (cfg_get_string(g, k->name, k->flags & KEY_REQUIRED, &v, d) != 1)
		return;
	if ((i = word_index(k->words, v)) < 0)
		word_error(k, config_setting_get_member(g, k->name), d);
	else
		*to = i;
}

void
conf_keys_load(const char *group, int late, const config_setting_t *g,
    const char *file, void *base, struct diag *d)
{
	size_t i;

	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		long long v = k->idef;

		if (strcmp(k->group, group) != 0 || k->late != late)
			continue;
		switch (k->type) {
		case KEY_STRING:
		case KEY_PATH:
		case KEY_EMAIL:
		case KEY_WORD:
			load_string(k, g, file, base, d);
			break;
		case KEY_ENUM:
			load_enum(k, g, base, d);
			break;
		case KEY_INT:
			cfg_get_int(g, k->name, k->flags & KEY_REQUIRED, k->min,
			    k->max, &v, d);
			*(int *)slot(base, k) = (int)v * k->scale;
			break;
		case KEY_PART:
		case KEY_GROUP:
			break;
		}
	}
	/* Addresses are checked once the pass's strings are all read. */
	for (i = 0; i < conf_nkeys; i++)
		if (conf_keys[i].type == KEY_EMAIL &&
		    strcmp(conf_keys[i].group, group) == 0 &&
		    conf_keys[i].late == late)
			check_email(&conf_keys[i], g, base, d);
}

void
conf_keys_dump(const char *group, const void *base, const char *indent,
    struct buf *b)
{
	size_t i;

	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *s;

		if (strcmp(k->group, group) != 0)
			continue;
		switch (k->type) {
		case KEY_STRING:
		case KEY_PATH:
		case KEY_EMAIL:
		case KEY_WORD:
			if ((s = *(char **)slot(base, k)) != NULL)
				conf_dump_kv(b, indent, k->name, s);
			break;
		case KEY_ENUM:
			conf_dump_kv(b, indent, k->name,
			    k->words[*(int *)slot(base, k)]);
			break;
		case KEY_INT:
			buf_printf(b, "%s%s = %d;\n", indent, k->name,
			    *(int *)slot(base, k) / k->scale);
			break;
		case KEY_PART:
		case KEY_GROUP:
			break;
		}
	}
}

void
conf_keys_free(const char *group, void *base)
{
	size_t i;

	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		char **s;

		if (strcmp(k->group, group) != 0)
			continue;
		switch (k->type) {
		case KEY_STRING:
		case KEY_PATH:
		case KEY_EMAIL:
		case KEY_WORD:
		case KEY_PART:
			s = slot(base, k);
			free(*s);
			*s = NULL;
			break;
		case KEY_ENUM:
		case KEY_INT:
		case KEY_GROUP:
			break;
		}
	}
}
