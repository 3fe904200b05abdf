/*
 * smtpconf: what the `mail.smtp` group of planwatch.conf says, as the
 * SMTP transport (shell/smtp.c) takes it.  Core: a declaration only.
 */
#ifndef PLANWATCH_SMTPCONF_H
#define PLANWATCH_SMTPCONF_H

/*
 * REQUIRED: no TLS, no mail (the default).  OPPORTUNISTIC: plain text
 * only when the server does not offer STARTTLS.  OFF: never, even if
 * offered.
 */
enum smtp_starttls {
	SMTP_STARTTLS_REQUIRED = 0,
	SMTP_STARTTLS_OPPORTUNISTIC,
	SMTP_STARTTLS_OFF
};

/* Defaults applied by smtp_new() for fields left 0 (as in confkeys.c). */
#define SMTP_DEFAULT_PORT		587
#define SMTP_DEFAULT_CONNECT_MS		10000
#define SMTP_DEFAULT_GREETING_MS	30000
#define SMTP_DEFAULT_ENVELOPE_MS	30000
#define SMTP_DEFAULT_DATA_MS		30000
#define SMTP_DEFAULT_TRANSFER_MS	30000
#define SMTP_DEFAULT_DATA2_MS		60000
/* libesmtp will not wait less than a second for anything. */
#define SMTP_MIN_TIMEOUT_MS		1000
#define SMTP_MAX_TIMEOUT_MS		600000

/*
 * What the configuration says (mail.smtp.* in planwatch.conf, see
 * docs/mail.md).  Strings are borrowed only during smtp_new(), which
 * copies them.  Timeouts are in milliseconds; 0 means the default.
 */
struct smtp_config {
	const char	*host;		/* name or IPv4 address */
	int		 port;		/* 0: 587 */
	enum smtp_starttls starttls;
	const char	*ca_file;	/* PEM; NULL: the system store */
	const char	*user;		/* NULL: no AUTH */
	const char	*secret;	/* the password; with user */
	const char	*helo;		/* NULL: the system host name */
	int		 connect_timeout_ms;
	int		 greeting_timeout_ms;
	int		 envelope_timeout_ms;	/* EHLO, MAIL, RCPT */
	int		 data_timeout_ms;	/* the 354 after DATA */
	int		 transfer_timeout_ms;	/* each data write */
	int		 data2_timeout_ms;	/* reply after "." */
};

#endif
