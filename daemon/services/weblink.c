/*
 * weblink: making and checking links against the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "web.h"
#include "weblink.h"

char *
weblink_url(struct store *st, const struct web_config *wc,
    const struct link_signer *sg, enum link_kind kind, const char *email,
    int64_t message, time_t now)
{
	struct store_web_person p;

	if (sg == NULL || !wc->enabled || wc->base_url == NULL ||
	    email == NULL || *email == '\0')
		return NULL;
	if (store_web_person(st, email, 1, &p) != 1)
		return NULL;
	return weblink_url_for(wc, sg, kind, &p, message, now);
}

char *
weblink_url_for(const struct web_config *wc, const struct link_signer *sg,
    enum link_kind kind, const struct store_web_person *p, int64_t message,
    time_t now)
{
	struct link l;
	char tok[LINK_TOKEN_LEN + 1];
	int days;

	if (sg == NULL || !wc->enabled || wc->base_url == NULL)
		return NULL;
	if (p->id < 1 || p->id > (int64_t)LINK_MAX_PERSON || message < 0 ||
	    message > (int64_t)LINK_MAX_MESSAGE) {
		log_warnx("weblink: person %lld or message %lld beyond what a "
		    "link can carry", (long long)p->id, (long long)message);
		return NULL;
	}
	days = kind == LINK_FEED ? wc->feed_days : wc->link_days;
	memset(&l, 0, sizeof(l));
	l.kind = kind;
	l.person = (uint32_t)p->id;
	l.epoch = (unsigned)(p->epoch & 0xffff);
	l.expires = now + (time_t)days * 86400;
	l.message = kind == LINK_MESSAGE ? (uint32_t)message : 0;
	if (link_sign(sg, &l, tok) != 0)
		return NULL;
	return xasprintf("%s/%s/%s%s", wc->base_url,
	    kind == LINK_FEED ? "k" : "l", tok, kind == LINK_FEED ? ".ics" :
	    "");
}

int
weblink_check(struct store *st, const struct link_signer *sg,
    const char *token, size_t len, time_t now, struct weblink *w)
{
	unsigned char tag[LINK_TAG_LEN];
	int rc;

	memset(w, 0, sizeof(*w));
	w->state = LINK_BAD;
	if (link_parse(token, len, w->payload, tag) != 0 ||
	    link_unpack(w->payload, &w->link) != 0)
		return 0;
	/*
	 * Signed under another key: after a rotation the old key is gone,
	 * so the tag cannot be checked; such a link is no longer valid,
	 * whoever made it.
	 */
	if (w->link.generation != sg->generation) {
		w->state = LINK_REVOKED;
		return 0;
	}
	if (!sg->verify(sg->arg, LINK_DOMAIN_LINK, w->payload, tag))
		return 0;
	if ((rc = store_web_person_by_id(st, (int64_t)w->link.person,
	    &w->person)) < 0)
		return -1;
	if (rc == 0) {
		/* Signed by us for a number the store no longer has. */
		w->state = LINK_REVOKED;
		return 0;
	}
	w->state = link_check(&w->link, now, (unsigned)(w->person.epoch &
	    0xffff));
	return 0;
}
