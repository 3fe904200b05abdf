/*
 * outbox: delivery workers.
 *
 * A job is one SMTP session (or Maildir batch): up to `batch` messages,
 * each with its due recipients.  Everything a job needs is copied into it
 * on the loop thread, and the work callback touches nothing else but the
 * delivery journal (journal.h), so the store and the configuration stay
 * single-threaded.  Recipients are marked 'sending' before the job
 * starts, and its results are committed to the store when it ends: one
 * transaction per session, not per message.
 *
 * What a crash in between must not forget is which messages the server
 * already accepted.  So as each acceptance arrives the worker writes it
 * into its region of the journal, before the server is committed to the
 * session's next message (the final "." of its data).  At the next start
 * the journal's entries are marked 'sent' and only the rest of what was
 * 'sending' is queued again.  A message can therefore reach someone twice
 * only when its acceptance was on its way back when the daemon died: at
 * most one message per session in flight.  (A power cut can also take
 * the entries of the last JOURNAL_SYNC_MS, see journal.h.)  The
 * Message-ID is the same on every attempt, so such a duplicate is
 * recognisable.
 */
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "calendar.h"
#include "conf.h"
#include "journal.h"
#include "log.h"
#include "maildir.h"
#include "outbox.h"
#include "remind.h"
#include "smtp.h"
#include "store.h"
#include "template.h"
#include "transport.h"
#include "util.h"

struct job_msg {
	int64_t			 id;
	char			*message_id;
	char			*data;
	size_t			 len;
	time_t			 created;
	struct delivery_rcpt	*rcpt;
	int			*attempts;
	size_t			 nrcpt;
};

struct job {
	uv_work_t		 req;
	struct outbox		*ob;
	struct smtp		*smtp;		/* NULL: maildir */
	char			*maildir;
	char			*from;
	struct job_msg		*msgs;
	size_t			 nmsgs;
	time_t			 now;		/* names Maildir files */
	char			 err[256];
	/* the job's region of the delivery journal (jr NULL: none) */
	struct journal		*jr;
	int64_t			 joff;
	size_t			 jused;
	int			 jfailed;
	struct delivery_watch	 watch;
};

struct outbox {
	uv_loop_t			*loop;
	struct store			*st;
	const struct config		*c;
	const struct remind_templates	*tpl;
	struct smtp			*smtp;
	struct journal			*jr;
	outbox_now_cb			*now;
	outbox_changed_cb		*changed;
	void				*arg;
	int				 busy;
	int				 stopping;
	int				 failures;	/* unreported ones may wait */
	time_t				 last_digest;
	/* the jobs being filled by collect() */
	struct job			**fill;
	int				 nfill;
	int				 cur;
};

static void
job_free(struct job *j)
{
	size_t i, k;

	if (j == NULL)
		return;
	for (i = 0; i < j->nmsgs; i++) {
		struct job_msg *m = &j->msgs[i];

		for (k = 0; k < m->nrcpt; k++)
			free((char *)m->rcpt[k].addr);
		free(m->rcpt);
		free(m->attempts);
		free(m->message_id);
		free(m->data);
	}
	free(j->msgs);
	free(j->maildir);
	free(j->from);
	smtp_free(j->smtp);
	free(j);
}

/*
 * The transport has message i's outcome (worker thread): its accepted
 * recipients go into the journal at once.
 */
static void
job_decided(void *arg, size_t i)
{
	struct job *j = arg;
	struct job_msg *m = &j->msgs[i];
	struct journal_entry *e = xcalloc(m->nrcpt, sizeof(*e));
	size_t k, n = 0;

	for (k = 0; k < m->nrcpt; k++) {
		if (m->rcpt[k].result != DELIVERY_OK)
			continue;
		e[n].message = m->id;
		e[n].message_id = m->message_id;
		e[n].addr = m->rcpt[k].addr;
		e[n].attempts = m->attempts[k] + 1;
		e[n].code = m->rcpt[k].code;
		e[n].reply = m->rcpt[k].reply;
		n++;
	}
	if (n > 0 && journal_write(j->jr, j->joff, &j->jused, e, n) != 0)
		j->jfailed = 1;
	free(e);
}

/*
 * The transport is about to commit the server to the next message
 * (worker thread).  The acceptances before it are in the journal,
 * unless a write failed: then the session ends here, and what it
 * delivered so far is recorded when it ends, as always.
 */
static int
job_commit(void *arg)
{
	struct job *j = arg;

	return j->jfailed ? -1 : 0;
}

static void
work_cb(uv_work_t *req)
{
	struct job *j = req->data;
	struct delivery *dv = xcalloc(j->nmsgs, sizeof(*dv));
	const struct delivery_watch *w = NULL;
	size_t i;

	for (i = 0; i < j->nmsgs; i++) {
		dv[i].from = j->from;
		dv[i].rcpt = j->msgs[i].rcpt;
		dv[i].nrcpt = j->msgs[i].nrcpt;
		dv[i].data = j->msgs[i].data;
		dv[i].len = j->msgs[i].len;
		dv[i].message_id = j->msgs[i].message_id;
	}
	if (j->jr != NULL) {
		j->watch.decided = job_decided;
		j->watch.commit = job_commit;
		j->watch.arg = j;
		w = &j->watch;
	}
	if (j->smtp != NULL)
		smtp_send(j->smtp, dv, j->nmsgs, w, j->err, sizeof(j->err));
	else
		maildir_deliver_batch_at(j->maildir, dv, j->nmsgs, j->now, w,
		    j->err, sizeof(j->err));
	free(dv);
}

/*
 * Seconds until the next attempt: about retry_first, doubling per attempt
 * up to retry_max, with up to a quarter of jitter so that a queue that
 * failed together does not retry in lockstep.
 */
static time_t
backoff(const struct mail_conf *m, int attempts)
{
	double d = m->retry_first;
	int i;

	for (i = 1; i < attempts && d < m->retry_max; i++)
		d *= 2;
	if (d > m->retry_max)
		d = m->retry_max;
	return (time_t)(d * (1.0 + (double)(random() % 250) / 1000.0));
}

struct tally {
	int	sent, deferred, failed;
};

/* Writes a finished job's results into the open transaction. */
static void
record(struct outbox *ob, struct job *j, time_t now, struct tally *t)
{
	const struct mail_conf *m = &ob->c->mail;
	size_t i, k;
	int sent = 0, deferred = 0, failed = 0;

	for (i = 0; i < j->nmsgs; i++) {
		struct job_msg *jm = &j->msgs[i];

		for (k = 0; k < jm->nrcpt; k++) {
			struct delivery_rcpt *r = &jm->rcpt[k];
			int attempts = jm->attempts[k] + 1;
			const char *state;
			time_t next = now;
			char reply[DELIVERY_REPLY_MAX + 64];

			snprintf(reply, sizeof(reply), "%d %s", r->code,
			    r->reply);
			if (r->result == DELIVERY_OK) {
				state = "sent";
				sent++;
			} else if (r->result == DELIVERY_PERMFAIL) {
				state = "failed";
				failed++;
			} else if (now - jm->created >= m->give_up) {
				state = "failed";
				snprintf(reply, sizeof(reply), "given up after "
				    "%d attempts: %d %s", attempts, r->code,
				    r->reply);
				failed++;
			} else {
				state = "deferred";
				next = now + backoff(m, attempts);
				deferred++;
			}
			store_rcpt_set(ob->st, jm->id, r->addr, state,
			    attempts, next, reply);
		}
		log_debug("outbox: message %lld: %s", (long long)jm->id,
		    jm->message_id);
	}
	t->sent = sent;
	t->deferred = deferred;
	t->failed = failed;
}

/* After the results are committed. */
static void
recorded(struct outbox *ob, const struct job *j, const struct tally *t)
{
	if (t->failed)
		ob->failures = 1;
	if (t->sent || t->deferred || t->failed)
		log_info("outbox: %d delivered, %d deferred, %d failed%s%s",
		    t->sent, t->deferred, t->failed, j->err[0] ? ": " : "",
		    j->err);
}

static struct job **take(struct outbox *, time_t, int *);
static int	mark(struct outbox *, struct job **, int);
static void	start(struct outbox *, struct job **, int);
static void	drop(struct job **, int);
static void	failure_digest(struct outbox *, time_t);

static void
outbox_free(struct outbox *ob)
{
	smtp_free(ob->smtp);
	journal_close(ob->jr);
	free(ob);
}

/*
 * A session finished.  Its results and the 'sending' marks of the jobs
 * that take its place go into one transaction: one disk flush per
 * finished session, not two.  Once it is committed, the session's
 * journal entries are no longer needed.  If that transaction fails, the
 * rows stay 'sending' and the entries stay where they are (both are
 * read at the next start) and nothing new starts.
 */
static void
after_work_cb(uv_work_t *req, int status)
{
	struct job *j = req->data, **jobs = NULL;
	struct outbox *ob = j->ob;
	struct tally t = { 0, 0, 0 };
	time_t now = ob->now(ob->arg);
	int n = 0, ok;

	ob->busy--;
	if (store_begin(ob->st) != 0) {
		job_free(j);
		goto out;
	}
	if (status == 0)
		record(ob, j, now, &t);
	if (!ob->stopping) {
		jobs = take(ob, now, &n);
		/* A failed mark must not undo the results. */
		ok = store_savepoint(ob->st) == 0;
		if (ok && mark(ob, jobs, n) == 0)
			ok = store_release(ob->st) == 0;
		else if (ok) {
			store_rollback_to(ob->st);
			ok = 0;
		}
		if (!ok) {
			drop(jobs, n);
			jobs = NULL;
			n = 0;
		}
	}
	if (store_commit(ob->st) != 0) {
		store_rollback(ob->st);
		drop(jobs, n);
		job_free(j);
		goto out;
	}
	if (j->jr != NULL)
		journal_release(j->jr, j->joff);
	recorded(ob, j, &t);
	job_free(j);
	start(ob, jobs, n);
out:
	if (ob->stopping) {
		if (ob->busy == 0)
			outbox_free(ob);
		return;
	}
	failure_digest(ob, now);
	ob->changed(ob->arg);
}

static struct job *
job_new(struct outbox *ob, time_t now)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->ob = ob;
	j->req.data = j;
	j->now = now;
	j->from = xstrdup(ob->c->mail.from);
	if (ob->c->mail.transport == MAIL_TRANSPORT_SMTP)
		j->smtp = smtp_ref(ob->smtp);
	else
		j->maildir = xstrdup(ob->c->mail.maildir);
	return j;
}

/*
 * Adds one due recipient to the jobs being filled: a message's
 * recipients stay together, and a job takes up to `batch` messages.
 */
static void
collect(void *arg, const struct store_rcpt *r)
{
	struct outbox *ob = arg;
	struct job *j;
	struct job_msg *m = NULL;

	if (ob->cur >= ob->nfill)
		return;
	j = ob->fill[ob->cur];
	if (j->nmsgs > 0 && j->msgs[j->nmsgs - 1].id == r->message)
		m = &j->msgs[j->nmsgs - 1];
	else {
		size_t len = 0;
		char *data;

		if ((size_t)ob->c->mail.batch <= j->nmsgs) {
			if (++ob->cur >= ob->nfill)
				return;	/* the next kick takes it */
			j = ob->fill[ob->cur];
		}
		data = store_message_data(ob->st, r->message, &len);
		if (data == NULL)
			return;
		j->msgs = xreallocarray(j->msgs, j->nmsgs + 1,
		    sizeof(*j->msgs));
		m = &j->msgs[j->nmsgs++];
		memset(m, 0, sizeof(*m));
		m->id = r->message;
		m->message_id = xstrdup(r->message_id);
		m->data = data;
		m->len = len;
		m->created = r->created;
	}
	m->rcpt = xreallocarray(m->rcpt, m->nrcpt + 1, sizeof(*m->rcpt));
	m->attempts = xreallocarray(m->attempts, m->nrcpt + 1,
	    sizeof(*m->attempts));
	memset(&m->rcpt[m->nrcpt], 0, sizeof(m->rcpt[0]));
	m->rcpt[m->nrcpt].addr = xstrdup(r->addr);
	m->attempts[m->nrcpt] = r->attempts;
	m->nrcpt++;
}

static void
row_failed_cb(void *arg, const struct store_failure *f)
{
	struct template_ctx *t = arg, *item;

	item = template_ctx_list_add(t, "items");
	template_ctx_set_int(item, "outbox_id", f->message);
	template_ctx_set(item, "kind", f->kind);
	template_ctx_set(item, "recipient.addr", f->addr);
	template_ctx_set_int(item, "attempts", f->attempts);
	template_ctx_set(item, "error", f->reply);
	template_ctx_set(item, "permanent", "1");
	template_ctx_set_int(t, "count", atoll(template_ctx_get(t, "count") ?
	    template_ctx_get(t, "count") : "0") + 1);
}

/*
 * Permanent failures and given-up messages go to the admin, one digest
 * an hour at most.
 */
static void
failure_digest(struct outbox *ob, time_t now)
{
	struct template_ctx *t;
	const struct template *tpl;
	char key[64], when[17];
	const char *count;

	if (!ob->failures || (ob->last_digest != 0 &&
	    now - ob->last_digest < 3600))
		return;
	t = template_ctx_new();
	if (store_begin(ob->st) != 0) {
		template_ctx_free(t);
		return;
	}
	store_outbox_failed_new(ob->st, row_failed_cb, t);
	count = template_ctx_get(t, "count");
	if (count != NULL) {
		tpl = ob->tpl->t[strcmp(ob->c->mail.lang, "en") == 0][
		    TEMPLATE_DELIVERY_FAILURES];
		template_ctx_set(t, "recipient.name", "admin");
		template_ctx_set(t, "committee", ob->c->org.committee);
		template_ctx_set(t, "coordinator.name",
		    ob->c->org.coordinator.name);
		template_ctx_set(t, "coordinator.email",
		    ob->c->org.coordinator.email);
		calendar_format_local(now, when);
		template_ctx_set(t, "period", when);
		snprintf(key, sizeof(key), "delivery-failures|%lld",
		    (long long)now);
		if (remind_queue(ob->st, ob->c, now, key, "delivery-failures",
		    tpl, t, "planwatch admin", ob->c->mail.admin, 0) < 0 ||
		    store_outbox_failed_mark(ob->st) != 0) {
			store_rollback(ob->st);
			template_ctx_free(t);
			return;
		}
		ob->last_digest = now;
		log_warnx("outbox: %s delivery failure(s) reported to the "
		    "admin", count);
	}
	ob->failures = 0;
	store_commit(ob->st);
	template_ctx_free(t);
}

/*
 * Fills a job for every free session from the queue; the array has *n
 * entries, each with at least one message (NULL when none).
 */
static struct job **
take(struct outbox *ob, time_t now, int *n)
{
	struct job **jobs;
	int free_sessions = ob->c->mail.max_sessions - ob->busy, i, k;

	*n = 0;
	if (free_sessions <= 0)
		return NULL;
	/* One look at the queue fills every free session. */
	jobs = xcalloc((size_t)free_sessions, sizeof(*jobs));
	for (i = 0; i < free_sessions; i++)
		jobs[i] = job_new(ob, now);
	ob->fill = jobs;
	ob->nfill = free_sessions;
	ob->cur = 0;
	/* Recipients per message are few; four rows a message is plenty. */
	store_outbox_due(ob->st, now, free_sessions * ob->c->mail.batch * 4,
	    collect, ob);
	ob->fill = NULL;
	for (i = k = 0; i < free_sessions; i++) {
		if (jobs[i]->nmsgs == 0)
			job_free(jobs[i]);
		else
			jobs[k++] = jobs[i];
	}
	if (k == 0) {
		free(jobs);
		return NULL;
	}
	*n = k;
	return jobs;
}

/*
 * Marks the jobs' recipients 'sending' before they start, so that a
 * crash is noticed.  0, or -1 (then nothing may start).
 */
static int
mark(struct outbox *ob, struct job **jobs, int n)
{
	size_t i, k;
	int j;

	for (j = 0; j < n; j++)
		for (i = 0; i < jobs[j]->nmsgs; i++)
			for (k = 0; k < jobs[j]->msgs[i].nrcpt; k++)
				if (store_rcpt_sending(ob->st,
				    jobs[j]->msgs[i].id,
				    jobs[j]->msgs[i].rcpt[k].addr) != 0)
					return -1;
	return 0;
}

static void
drop(struct job **jobs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		job_free(jobs[i]);
	free(jobs);
}

/*
 * Gives a job its region of the journal: room for an entry per recipient.
 * Without one (the file cannot grow) it still runs, recording its
 * results only when it ends, as it would with no journal at all.
 */
static void
reserve(struct outbox *ob, struct job *j)
{
	size_t i, k, need = 0;

	for (i = 0; i < j->nmsgs; i++)
		for (k = 0; k < j->msgs[i].nrcpt; k++)
			need += journal_entry_max(j->msgs[i].message_id,
			    j->msgs[i].rcpt[k].addr);
	if ((j->joff = journal_reserve(ob->jr, need)) >= 0)
		j->jr = ob->jr;
}

/* Hands marked jobs to the thread pool. */
static void
start(struct outbox *ob, struct job **jobs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		reserve(ob, jobs[i]);
		if (uv_queue_work(ob->loop, &jobs[i]->req, work_cb,
		    after_work_cb) != 0) {
			if (jobs[i]->jr != NULL)
				journal_release(jobs[i]->jr, jobs[i]->joff);
			job_free(jobs[i]);
			continue;
		}
		ob->busy++;
	}
	free(jobs);
}

void
outbox_kick(struct outbox *ob)
{
	struct job **jobs;
	time_t now;
	int n;

	if (ob == NULL || ob->stopping)
		return;
	now = ob->now(ob->arg);
	failure_digest(ob, now);
	if ((jobs = take(ob, now, &n)) == NULL)
		return;
	if (store_begin(ob->st) != 0 || mark(ob, jobs, n) != 0 ||
	    store_commit(ob->st) != 0) {
		/* Nothing starts; the next kick tries again. */
		store_rollback(ob->st);
		drop(jobs, n);
		return;
	}
	start(ob, jobs, n);
}

time_t
outbox_next(struct outbox *ob)
{
	time_t next;

	if (ob == NULL || store_outbox_next(ob->st, &next) != 1)
		return 0;
	return next;
}

int
outbox_busy(const struct outbox *ob)
{
	return ob ? ob->busy : 0;
}

int
outbox_set_config(struct outbox *ob, const struct config *c,
    const struct remind_templates *tpl, char *err, size_t errlen)
{
	struct smtp *s = NULL;

	if (c->mail.transport == MAIL_TRANSPORT_SMTP &&
	    (s = smtp_new(&c->mail.smtp, err, errlen)) == NULL)
		return -1;
	smtp_free(ob->smtp);
	ob->smtp = s;
	ob->c = c;
	ob->tpl = tpl;
	return 0;
}

struct replay {
	struct store	*st;
	time_t		 now;
	int		 sent;
	int		 failed;
};

static void
replay_cb(void *arg, const struct journal_entry *e)
{
	struct replay *rp = arg;
	char reply[DELIVERY_REPLY_MAX + 16];
	int rc;

	snprintf(reply, sizeof(reply), "%d %s", e->code, e->reply);
	rc = store_rcpt_recovered(rp->st, e->message, e->message_id, e->addr,
	    e->attempts, rp->now, reply);
	if (rc > 0)
		rp->sent += rc;
	else if (rc < 0)
		rp->failed = 1;
}

/*
 * What a crash left 'sending': the recipients the journal says were
 * accepted are 'sent', the rest are queued again, in one transaction;
 * then the journal is emptied.  0, or -1 with err set.
 */
static int
recover(struct outbox *ob, const char *path, char *err, size_t errlen)
{
	struct replay rp = { ob->st, ob->now(ob->arg), 0, 0 };
	int queued = 0;

	if (store_begin(ob->st) != 0) {
		set_error(err, errlen, "outbox: cannot recover what was in "
		    "flight: the database is not writable");
		return -1;
	}
	if (journal_read(ob->jr, replay_cb, &rp) < 0) {
		store_rollback(ob->st);
		set_error(err, errlen, "%s: cannot be read; it holds the "
		    "deliveries a crash interrupted: make it readable, or "
		    "remove it and accept that those may be sent again",
		    path);
		return -1;
	}
	if (rp.failed || (queued = store_outbox_recover(ob->st)) < 0 ||
	    store_commit(ob->st) != 0) {
		store_rollback(ob->st);
		set_error(err, errlen, "outbox: cannot recover what was in "
		    "flight: the database is not writable");
		return -1;
	}
	if (journal_reset(ob->jr) != 0) {
		set_error(err, errlen, "%s: cannot be emptied", path);
		return -1;
	}
	if (rp.sent > 0)
		log_warnx("outbox: %d recipient(s) accepted by the server "
		    "before a crash are marked sent", rp.sent);
	if (queued > 0)
		log_warnx("outbox: %d recipient(s) left 'sending' by a crash "
		    "are queued again", queued);
	return 0;
}

struct outbox *
outbox_start(uv_loop_t *loop, struct store *st, const struct config *c,
    const struct remind_templates *tpl, outbox_now_cb *now,
    outbox_changed_cb *changed, void *arg, char *err, size_t errlen)
{
	struct outbox *ob = xcalloc(1, sizeof(*ob));
	char *path;

	ob->loop = loop;
	ob->st = st;
	ob->now = now;
	ob->changed = changed;
	ob->arg = arg;
	if (outbox_set_config(ob, c, tpl, err, errlen) != 0) {
		free(ob);
		return NULL;
	}
	path = journal_path(c->database);
	if ((ob->jr = journal_open(path, err, errlen)) == NULL ||
	    recover(ob, path, err, errlen) != 0) {
		free(path);
		outbox_free(ob);
		return NULL;
	}
	free(path);
	srandom((unsigned)now(arg) ^ (unsigned)uv_os_getpid());
	/* Failures from before a restart may not have been reported yet. */
	ob->failures = 1;
	return ob;
}

void
outbox_stop(struct outbox *ob)
{
	if (ob == NULL)
		return;
	ob->stopping = 1;
	if (ob->busy == 0)
		outbox_free(ob);
}
