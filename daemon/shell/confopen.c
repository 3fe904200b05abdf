/*
 * confopen: the configuration as the shell opens it (confopen.h).
 * Shell: hands the core the files (host.h), sets the time zone, reads
 * the SMTP secret, builds a TLS context.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "confopen.h"
#include "host.h"
#include "smtp.h"
#include "util.h"

static int
mail_open(struct mail_conf *m, struct diag *d)
{
	char err[256];
	struct smtp *t;
	int bad = 0;

	if (m->smtp_secret_file != NULL) {
		m->smtp_secret = smtp_secret_read(m->smtp_secret_file, err,
		    sizeof(err));
		if (m->smtp_secret == NULL) {
			diag_error(d, m->smtp_secret_at.file,
			    m->smtp_secret_at.line, "%s", err);
			return -1;
		}
		m->smtp.secret = m->smtp_secret;
	}
	if (m->transport != MAIL_TRANSPORT_SMTP || m->smtp_host == NULL)
		return 0;
	if ((t = smtp_new(&m->smtp, err, sizeof(err))) == NULL) {
		diag_error(d, m->smtp_at.file, m->smtp_at.line,
		    "mail.smtp: %s", err);
		bad = -1;
	}
	smtp_free(t);
	return bad;
}

struct config *
conf_open_ex(const char *path, int set_zone, struct diag *d)
{
	struct config *c;

	if ((c = conf_load(host_source(), path, d)) == NULL)
		return NULL;
	/* Checked by the core; only a vanished zone file fails here. */
	if (set_zone && host_zone_set(c->timezone) != 0) {
		diag_error(d, c->file, 0, "unknown time zone '%s'",
		    c->timezone);
		conf_free(c);
		return NULL;
	}
	if (mail_open(&c->mail, d) != 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct config *
conf_open(const char *path, struct diag *d)
{
	return conf_open_ex(path, 1, d);
}
