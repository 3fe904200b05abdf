/*
 * confmail: the `mail` group of planwatch.conf -- sender, language,
 * delivery pacing and the Maildir and SMTP transports -- parsed, checked
 * and written back.  Its keys are described in the table of confkeys.c;
 * here are what the table cannot say: derived defaults, the subgroups
 * and the checks across keys.  Core: paths are resolved, files are not
 * read.
 */
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "conf_int.h"
#include "confmail.h"
#include "util.h"

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
	const char *at;

	if (g != NULL && !config_setting_is_group(g)) {
		cfg_error(d, g, "'mail' must be a group");
		g = NULL;
	}
	conf_keys_check("mail", g, "mail", d);
	conf_keys_load("mail", 0, g, g ? cfg_file(g) : NULL, m, d);
	conf_keys_load("mail", 1, g, g ? cfg_file(g) : NULL, m, d);
	if (m->admin == NULL)
		m->admin = xstrdup(coordinator ? coordinator : m->from);
	if (m->domain == NULL)
		m->domain = xstrdup((at = strchr(m->from, '@')) != NULL ?
		    at + 1 : "localhost");

	s = getm(g, "maildir");
	if (s != NULL && !config_setting_is_group(s))
		cfg_error(d, s, "'maildir' must be a group { path; }");
	else if (s != NULL) {
		conf_keys_check("mail.maildir", s, "mail.maildir", d);
		conf_keys_load("mail.maildir", 0, s, cfg_file(s), m, d);
	}
	if (m->maildir == NULL)
		m->maildir = xasprintf("%s/mail", state_dir);

	s = getm(g, "smtp");
	if (s != NULL && !config_setting_is_group(s)) {
		cfg_error(d, s, "'smtp' must be a group");
		s = NULL;
	}
	if (s == NULL && m->transport == MAIL_TRANSPORT_SMTP)
		cfg_error(d, g, "mail.transport is \"smtp\" but there is no "
		    "mail.smtp group");
	if (s == NULL)
		return;
	conf_keys_check("mail.smtp", s, "mail.smtp", d);
	conf_keys_load("mail.smtp", 0, s, cfg_file(s), m, d);
	/* The secret is read and checked by the shell (conf_open()). */
	if (m->smtp_secret_file != NULL)
		where_set(&m->smtp_secret_at, getm(s, "secret_file"));
	if ((m->smtp_user == NULL) != (m->smtp_secret_file == NULL) &&
	    d->nerrors == 0)
		cfg_error(d, s, "mail.smtp: user and secret_file go together");
	conf_keys_load("mail.smtp", 1, s, cfg_file(s), m, d);
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
	conf_keys_free("mail", m);
	conf_keys_free("mail.maildir", m);
	conf_keys_free("mail.smtp", m);
	if (m->smtp_secret != NULL)
		explicit_bzero(m->smtp_secret, strlen(m->smtp_secret));
	free(m->smtp_secret);
	free(m->smtp_at.file);
	free(m->smtp_secret_at.file);
}

void
conf_mail_dump(const struct mail_conf *m, struct buf *b)
{
	buf_adds(b, "mail = {\n");
	conf_keys_dump("mail", m, "  ", b);
	buf_adds(b, "  maildir = { path = ");
	cfg_quote(b, m->maildir);
	buf_adds(b, "; };\n");
	if (m->smtp_host != NULL) {
		buf_adds(b, "  smtp = {\n");
		conf_keys_dump("mail.smtp", m, "    ", b);
		buf_adds(b, "  };\n");
	}
	buf_adds(b, "};\n");
}
