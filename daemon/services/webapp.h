/*
 * webapp: what the pages do -- for unit heads who have a mail client and
 * a browser and no account.  A signed link from a reminder opens the
 * items of that message; the person's own link opens "Mina aktiviteter";
 * each has a report form per item whose POST is recorded through
 * followup_record(), exactly as `planwatchctl followup` records one.  A
 * GET changes nothing (mail scanners open every link).  An expired or
 * revoked link shows a page that offers a fresh link by mail; the
 * calendar feed lists a person's deadlines and checkpoints.
 *
 * Runs on the loop thread, answering each request at once from the
 * store and the configuration; the request layer (http.h) has already
 * enforced the size and time limits.  The routes, forms and headers are
 * web.h's, the templates page.h's.
 */
#ifndef PLANWATCH_WEBAPP_H
#define PLANWATCH_WEBAPP_H

#include <time.h>

#include "conf.h"
#include "http_page.h"
#include "link.h"
#include "page.h"
#include "remind.h"
#include "store.h"

/* What a request is answered with; everything borrowed for the call. */
struct webapp_env {
	struct store			*st;
	const struct config		*c;
	const struct remind_templates	*tpl;	/* for the fresh-link mail */
	const struct pages		*pages;
	const struct link_signer	*signer;
	time_t				 now;	/* the daemon's clock */
	/* A message was put in the outbox (a fresh link): deliver it. */
	void				(*queued)(void *arg);
	void				*arg;
};

/* The state kept between requests: the per-address rate limits. */
struct webapp;

struct webapp *webapp_new(void);
void	webapp_free(struct webapp *);

/* Answers one request for a page (an http_page_cb's work). */
void	webapp_serve(struct webapp *, const struct webapp_env *,
	    const struct http_request *, struct http_response *);

#endif
