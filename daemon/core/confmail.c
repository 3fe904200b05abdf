/*
 * confmail: the `mail` group of planwatch.conf -- sender, language,
 * delivery pacing and the Maildir and SMTP transports -- parsed, checked
 * and written back.  Core: paths are resolved, files are not read.
 */
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "conf_int.h"
#include "confmail.h"
#include "util.h"

static const char *const mail_keys[] = {
	"transport", "from", "from_name", "admin", "domain", "language",
	"maildir", "smtp", "max_sessions", "messages_per_session",
	"retry_first_seconds", "retry_max_seconds", "give_up_hours",
	"shutdown_wait_seconds", NULL
};
static const char *const maildir_keys[] = { "path", NULL };
static const char *const smtp_keys[] = {
	"host", "port", "starttls", "ca_file", "user", "secret_file", "helo",
	"connect_timeout_ms", "greeting_timeout_ms", "envelope_timeout_ms",
	"data_timeout_ms", "transfer_timeout_ms", "data2_timeout_ms", NULL
};

static char *
opt_string(const config_setting_t *g, const char *name, const char *def,
    struct diag *d)
{
	const char *v = NULL;

	if (cfg_get_string(g, name, 0, &v, d) != 1)
		v = def;
	return v ? xstrdup(v) : NULL;
}

static int
opt_int(const config_setting_t *g, const char *name, long long def,
    long long min, long long max, struct diag *d)
{
	long long v = def;

	cfg_get_int(g, name, 0, min, max, &v, d);
	return (int)v;
}

/* config_setting_get_member() that accepts a missing group. */
static const config_setting_t *
getm(const config_setting_t *g, const char *name)
{
	return g != NULL && config_setting_is_group(g) ?
	    config_setting_get_member(g, name) : NULL;
}

/* Records where a setting is, for the shell's messages about it. */
static void
where_set(struct conf_where *w, const config_setting_t *s)
{
	free(w->file);
	w->file = xstrdup(cfg_file(s));
	w->line = cfg_line(s);
}

void
conf_mail_load(struct mail_conf *m, const config_setting_t *root,
    const char *state_dir, const char *coordinator, struct diag *d)
{
	const config_setting_t *g = getm(root, "mail");
	const config_setting_t *s;
	const char *str;
	char *at;

	if (g != NULL && !config_setting_is_group(g)) {
		cfg_error(d, g, "'mail' must be a group");
		g = NULL;
	}
	cfg_check_keys(g, "mail", mail_keys, d);
	str = "maildir";
	cfg_get_string(g, "transport", 0, &str, d);
	if (strcmp(str, "maildir") == 0)
		m->transport = MAIL_TRANSPORT_MAILDIR;
	else if (strcmp(str, "smtp") == 0)
		m->transport = MAIL_TRANSPORT_SMTP;
	else
		cfg_error(d, getm(g, "transport"),
		    "mail transport must be \"maildir\" or \"smtp\"");
	m->from = opt_string(g, "from", "planwatch@localhost", d);
	m->from_name = opt_string(g, "from_name", "Planwatch", d);
	m->admin = opt_string(g, "admin", coordinator ? coordinator : m->from,
	    d);
	if (!conf_valid_email(m->from) && strcmp(m->from, "planwatch@localhost"))
		cfg_error(d, getm(g, "from"),
		    "mail.from '%s' is not a valid e-mail address", m->from);
	if (getm(g, "admin") != NULL && !conf_valid_email(m->admin))
		cfg_error(d, getm(g, "admin"),
		    "mail.admin '%s' is not a valid e-mail address", m->admin);
	at = strchr(m->from, '@');
	m->domain = opt_string(g, "domain", at ? at + 1 : "localhost", d);
	m->lang = opt_string(g, "language", "sv", d);
	if (strcmp(m->lang, "sv") != 0 && strcmp(m->lang, "en") != 0)
		cfg_error(d, getm(g, "language"),
		    "mail.language must be \"sv\" or \"en\"");
	m->max_sessions = opt_int(g, "max_sessions", 2, 1, 16, d);
	m->batch = opt_int(g, "messages_per_session", 10, 1, 1000, d);
	m->retry_first = opt_int(g, "retry_first_seconds", 60, 1, 86400, d);
	m->retry_max = opt_int(g, "retry_max_seconds", 3600, 1, 86400, d);
	m->give_up = opt_int(g, "give_up_hours", 72, 1, 24 * 60, d) * 3600;
	m->shutdown_wait = opt_int(g, "shutdown_wait_seconds", 10, 0, 600, d);

	s = g ? getm(g, "maildir") : NULL;
	if (s != NULL && !config_setting_is_group(s))
		cfg_error(d, s, "'maildir' must be a group { path; }");
	else if (s != NULL)
		cfg_check_keys(s, "mail.maildir", maildir_keys, d);
	if (s != NULL && config_setting_is_group(s) &&
	    cfg_get_string(s, "path", 0, &str, d) == 1)
		m->maildir = conf_path(cfg_file(s), str);
	else
		m->maildir = xasprintf("%s/mail", state_dir);

	s = g ? getm(g, "smtp") : NULL;
	if (s != NULL && !config_setting_is_group(s)) {
		cfg_error(d, s, "'smtp' must be a group");
		s = NULL;
	}
	if (s == NULL && m->transport == MAIL_TRANSPORT_SMTP)
		cfg_error(d, g, "mail.transport is \"smtp\" but there is no "
		    "mail.smtp group");
	if (s == NULL)
		return;
	cfg_check_keys(s, "mail.smtp", smtp_keys, d);
	if (cfg_get_string(s, "host", 1, &str, d) == 1)
		m->smtp_host = xstrdup(str);
	m->smtp.port = opt_int(s, "port", 587, 1, 65535, d);
	str = "required";
	cfg_get_string(s, "starttls", 0, &str, d);
	if (strcmp(str, "required") == 0)
		m->smtp.starttls = SMTP_STARTTLS_REQUIRED;
	else if (strcmp(str, "opportunistic") == 0)
		m->smtp.starttls = SMTP_STARTTLS_OPPORTUNISTIC;
	else if (strcmp(str, "off") == 0)
		m->smtp.starttls = SMTP_STARTTLS_OFF;
	else
		cfg_error(d, getm(s, "starttls"),
		    "starttls must be \"required\", \"opportunistic\" or "
		    "\"off\"");
	if (cfg_get_string(s, "ca_file", 0, &str, d) == 1)
		m->smtp_ca_file = conf_path(cfg_file(s), str);
	if (cfg_get_string(s, "user", 0, &str, d) == 1)
		m->smtp_user = xstrdup(str);
	if (cfg_get_string(s, "secret_file", 0, &str, d) == 1) {
		/* Read and checked by the shell (conf_open()). */
		m->smtp_secret_file = conf_path(cfg_file(s), str);
		where_set(&m->smtp_secret_at, getm(s, "secret_file"));
	}
	if ((m->smtp_user == NULL) != (m->smtp_secret_file == NULL) &&
	    d->nerrors == 0)
		cfg_error(d, s, "mail.smtp: user and secret_file go together");
	if (cfg_get_string(s, "helo", 0, &str, d) == 1)
		m->smtp_helo = xstrdup(str);
	m->smtp.connect_timeout_ms = opt_int(s, "connect_timeout_ms", 10000,
	    1000, 600000, d);
	m->smtp.greeting_timeout_ms = opt_int(s, "greeting_timeout_ms",
	    30000, 1000, 600000, d);
	m->smtp.envelope_timeout_ms = opt_int(s, "envelope_timeout_ms",
	    30000, 1000, 600000, d);
	m->smtp.data_timeout_ms = opt_int(s, "data_timeout_ms", 30000, 1000,
	    600000, d);
	m->smtp.transfer_timeout_ms = opt_int(s, "transfer_timeout_ms",
	    30000, 1000, 600000, d);
	m->smtp.data2_timeout_ms = opt_int(s, "data2_timeout_ms", 60000,
	    1000, 600000, d);
	m->smtp.host = m->smtp_host;
	m->smtp.ca_file = m->smtp_ca_file;
	m->smtp.user = m->smtp_user;
	m->smtp.secret = m->smtp_secret;
	m->smtp.helo = m->smtp_helo;
	/* The shell builds the transport once to check what only it can. */
	where_set(&m->smtp_at, s);
}

void
conf_mail_free(struct mail_conf *m)
{
	free(m->from);
	free(m->from_name);
	free(m->admin);
	free(m->domain);
	free(m->lang);
	free(m->maildir);
	free(m->smtp_host);
	free(m->smtp_ca_file);
	free(m->smtp_user);
	if (m->smtp_secret != NULL)
		explicit_bzero(m->smtp_secret, strlen(m->smtp_secret));
	free(m->smtp_secret);
	free(m->smtp_secret_file);
	free(m->smtp_at.file);
	free(m->smtp_secret_at.file);
	free(m->smtp_helo);
}

void
conf_mail_dump(const struct mail_conf *m, struct buf *b)
{
	static const char *const starttls[] = {
		"required", "opportunistic", "off"
	};

	buf_printf(b, "mail = {\n  transport = \"%s\";\n",
	    m->transport == MAIL_TRANSPORT_SMTP ? "smtp" : "maildir");
	conf_dump_kv(b, "  ", "from", m->from);
	conf_dump_kv(b, "  ", "from_name", m->from_name);
	conf_dump_kv(b, "  ", "admin", m->admin);
	conf_dump_kv(b, "  ", "domain", m->domain);
	conf_dump_kv(b, "  ", "language", m->lang);
	buf_printf(b, "  max_sessions = %d;\n  messages_per_session = %d;\n"
	    "  retry_first_seconds = %d;\n  retry_max_seconds = %d;\n"
	    "  give_up_hours = %d;\n  shutdown_wait_seconds = %d;\n",
	    m->max_sessions, m->batch, m->retry_first, m->retry_max,
	    m->give_up / 3600, m->shutdown_wait);
	buf_adds(b, "  maildir = { path = ");
	cfg_quote(b, m->maildir);
	buf_adds(b, "; };\n");
	if (m->smtp_host != NULL) {
		buf_adds(b, "  smtp = {\n");
		conf_dump_kv(b, "    ", "host", m->smtp_host);
		buf_printf(b, "    port = %d;\n    starttls = \"%s\";\n",
		    m->smtp.port, starttls[m->smtp.starttls]);
		if (m->smtp_ca_file)
			conf_dump_kv(b, "    ", "ca_file", m->smtp_ca_file);
		if (m->smtp_user)
			conf_dump_kv(b, "    ", "user", m->smtp_user);
		if (m->smtp_secret_file)
			conf_dump_kv(b, "    ", "secret_file", m->smtp_secret_file);
		if (m->smtp_helo)
			conf_dump_kv(b, "    ", "helo", m->smtp_helo);
		buf_printf(b, "    connect_timeout_ms = %d;\n"
		    "    greeting_timeout_ms = %d;\n"
		    "    envelope_timeout_ms = %d;\n"
		    "    data_timeout_ms = %d;\n"
		    "    transfer_timeout_ms = %d;\n"
		    "    data2_timeout_ms = %d;\n  };\n",
		    m->smtp.connect_timeout_ms, m->smtp.greeting_timeout_ms,
		    m->smtp.envelope_timeout_ms, m->smtp.data_timeout_ms,
		    m->smtp.transfer_timeout_ms, m->smtp.data2_timeout_ms);
	}
	buf_adds(b, "};\n");
}
