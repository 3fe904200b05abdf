/*
 * confmail: the `mail` group of planwatch.conf (sender, language, the
 * Maildir and SMTP transports, delivery pacing): parsed, checked and
 * written back in canonical form.  Core: reads no files; the shell reads
 * the SMTP secret and builds the transport (conf_open()).
 */
#ifndef PLANWATCH_CONFMAIL_H
#define PLANWATCH_CONFMAIL_H

#include <libconfig.h>

#include "smtpconf.h"
#include "util.h"

enum mail_transport {
	MAIL_TRANSPORT_MAILDIR,
	MAIL_TRANSPORT_SMTP
};

/* A setting's place in the files, for messages made after the parse. */
struct conf_where {
	char	*file;
	int	 line;
};

/* Mail settings (the `mail` group of planwatch.conf). */
struct mail_conf {
	enum mail_transport	 transport;
	char			*from;		/* envelope and From address */
	char			*from_name;
	char			*admin;		/* delivery failures go here */
	char			*domain;	/* of Message-IDs */
	char			*lang;		/* default template language */
	char			*maildir;	/* maildir transport */
	/* smtp transport; the strings below are owned here */
	struct smtp_config	 smtp;
	char			*smtp_host, *smtp_ca_file, *smtp_user;
	char			*smtp_secret, *smtp_secret_file, *smtp_helo;
	/* where the smtp group and its secret_file are (conf_open()) */
	struct conf_where	 smtp_at, smtp_secret_at;
	int			 max_sessions;	/* concurrent deliveries */
	int			 batch;		/* messages per session */
	int			 retry_first;	/* seconds */
	int			 retry_max;	/* seconds */
	int			 give_up;	/* seconds */
	int			 shutdown_wait;	/* seconds */
};

/*
 * Loads the `mail` group of the main file's `root` into `m`, which must be
 * zeroed.  The Maildir defaults to `state_dir`/mail and mail.admin to
 * `coordinator` (the coordinator's address; may be NULL) or else to
 * mail.from.
 */
void	conf_mail_load(struct mail_conf *, const config_setting_t *root,
	    const char *state_dir, const char *coordinator, struct diag *);
void	conf_mail_free(struct mail_conf *);
/* Appends the `mail` group in canonical form (planwatchd -nv). */
void	conf_mail_dump(const struct mail_conf *, struct buf *);

#endif
