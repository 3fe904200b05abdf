/*
 * intake_commit: the intake's commit stage (intake_commit.h), the
 * daemon's side of concern-report intake (intake.h has the front ends'
 * side).  Shell.  The spool stores each report in a transaction of its
 * own (intake_commit_now), as `planwatchctl report submit` does through
 * reports_submit().  The HTTP intake uses group commit
 * (intake_commit_queue): a valid report is queued as it arrives and a
 * refused one answered at once; at the end of the event loop's turn (a
 * uv_check handle) every queued report goes into one transaction
 * (reports_store() says what happens to one that fails), and each sender
 * is told its number only after that commit.  A burst of senders thus
 * costs one disk flush, not one each, and no sender waits for a later
 * one.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "calendar.h"
#include "concern.h"
#include "daemon.h"
#include "intake_commit.h"
#include "log.h"
#include "reports.h"
#include "util.h"

/* The answer to a refused report: the field and reason, never a value. */
static void
refusal(const struct concern_error *err, struct intake_result *out)
{
	json_t *j = concern_error_json(err);

	out->status = 400;
	out->body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
}

/*
 * The answer to a stored report (id > 0), with a receipt the sender can
 * keep -- it proves what was taken -- or a 503 to try again.  A report
 * stored before under the same key (`again`, received at `now`; the
 * same bytes, as the key covers them) gets the answer it got then,
 * with 200 and "already_stored".
 */
static void
answer(time_t now, int64_t id, int again, const char *json, size_t len,
    struct intake_result *out)
{
	char when[17], receipt[65];
	struct buf b = { 0 };
	json_t *j;

	if (id <= 0) {
		j = json_pack("{s:s}", "error", "the report could not be "
		    "stored; try again later");
		out->status = 503;
	} else {
		calendar_format_local(now, when);
		buf_printf(&b, "%lld|%s|", (long long)id, when);
		buf_add(&b, json, len);
		sha256_hex(b.s, b.len, receipt);
		buf_free(&b);
		j = json_pack("{s:I, s:s, s:s}", "number", (json_int_t)id,
		    "received", when, "receipt", receipt);
		out->status = 201;
		if (again) {
			json_object_set_new(j, "already_stored", json_true());
			out->status = 200;
		}
	}
	out->body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
}

void
intake_commit_now(void *arg, const char *client, const char *key,
    const char *json, size_t len, struct intake_result *out)
{
	struct daemon *d = arg;
	struct reports_env env;
	struct concern_error err;
	time_t received = 0;
	int64_t id;
	int rc;

	daemon_reports_env(d, &env);
	/* While writes fail, nothing is taken: try again later. */
	if (store_health(d->store) != NULL) {
		answer(env.now, -1, 0, json, len, out);
		return;
	}
	rc = reports_submit(&env, client, key, json, len, &id, &received,
	    &err);
	if (rc == 1) {
		refusal(&err, out);
		return;
	}
	answer(received, rc >= 0 ? id : -1, rc == 2, json, len, out);
	if (rc == 0)
		daemon_reports_stored(d);
}

/* A valid report waiting for the group commit. */
struct intake_pending {
	struct intake_ticket	 ticket;
	struct intake_pending	*next;
	struct reports_item	 item;
	char			*json;		/* for the receipt */
	size_t			 len;
};

static void
intake_check_cb(uv_check_t *h)
{
	intake_commit_flush(h->data);
}

void
intake_commit_init(struct daemon *d)
{
	uv_check_init(d->loop, &d->intake_check);
	d->intake_check.data = d;
}

struct intake_ticket *
intake_commit_queue(void *arg, const char *client, const char *key,
    const char *json, size_t len, intake_done_cb *done, void *done_arg)
{
	struct daemon *d = arg;
	struct intake_result res = { 0, NULL };
	struct concern_error err;
	struct intake_pending *p;

	/* While writes fail, nothing is taken: try again later. */
	if (store_health(d->store) != NULL) {
		answer(daemon_now(d), -1, 0, json, len, &res);
		done(done_arg, &res);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	if (reports_parse(d->conf, daemon_now(d), json, len, &p->item.r,
	    &err) != 0) {
		free(p);
		refusal(&err, &res);
		done(done_arg, &res);
		return NULL;
	}
	p->ticket.done = done;
	p->ticket.arg = done_arg;
	p->item.source = xstrdup(client);
	p->item.key = key != NULL ? xstrdup(key) : NULL;
	p->json = xmalloc(len + 1);
	memcpy(p->json, json, len);
	p->len = len;
	if (d->pending == NULL)
		d->pending_tail = &d->pending;
	*d->pending_tail = p;
	d->pending_tail = &p->next;
	/*
	 * Committed after this round of I/O: the reports that arrived
	 * together share one commit, and the loop never waits for more.
	 */
	if (!uv_is_active((uv_handle_t *)&d->intake_check))
		uv_check_start(&d->intake_check, intake_check_cb);
	return &p->ticket;
}

/* Stores one list of pending reports in one transaction and answers. */
static int
flush_list(struct daemon *d, struct intake_pending *list)
{
	struct intake_pending *p, *next;
	struct reports_item *items;
	struct reports_env env;
	size_t n = 0, i;
	int stored;

	for (p = list; p != NULL; p = p->next)
		n++;
	/* A flat copy for reports_store(); the pending entries own it. */
	items = xcalloc(n, sizeof(*items));
	for (p = list, i = 0; p != NULL; p = p->next, i++)
		items[i] = p->item;
	daemon_reports_env(d, &env);
	stored = reports_store(&env, items, n);
	log_debug("intake: %zu report(s) in one transaction, %d stored", n,
	    stored);
	for (p = list, i = 0; p != NULL; p = next, i++) {
		struct intake_result res = { 0, NULL };

		next = p->next;
		answer(items[i].received, items[i].number, items[i].again,
		    p->json, p->len, &res);
		if (p->ticket.done != NULL)
			p->ticket.done(p->ticket.arg, &res);
		free(res.body);
		explicit_bzero(p->json, p->len);
		free(p->json);
		free((char *)p->item.source);
		free((char *)p->item.key);
		concern_report_free(&p->item.r);
		free(p);
	}
	free(items);
	return stored;
}

void
intake_commit_flush(struct daemon *d)
{
	struct intake_pending *list;
	int stored = 0;

	uv_check_stop(&d->intake_check);
	/*
	 * An answer lets its connection parse what the client pipelined
	 * behind it, which may queue more: those are stored now too, as the
	 * loop would not come back for them without other I/O.
	 */
	while ((list = d->pending) != NULL) {
		d->pending = NULL;
		if (flush_list(d, list) > 0)
			stored = 1;
	}
	uv_check_stop(&d->intake_check);
	if (stored)
		daemon_reports_stored(d);
}
