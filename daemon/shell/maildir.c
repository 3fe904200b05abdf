/*
 * maildir: delivery into a Maildir, following the classic protocol: write
 * the file in tmp/ under a unique name, fsync it, rename it into new/
 * (atomic: readers never see half a message), fsync new/ so the rename
 * itself is durable.  new/ is fsynced after every message, not once per
 * batch: the outbox records each delivery as it is made (transport.h's
 * watch), and it may only do so once the message cannot vanish.
 *
 * Unique names: several workers may deliver at once, and the daemon may
 * restart within the same second, so the name combines the time, the
 * process and thread ids, a per-process counter and 64 random bits from
 * getrandom(2).  The counter is the one piece of global state; it is
 * atomic.  O_EXCL on tmp/ turns the impossible collision into an error
 * instead of an overwrite.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "maildir.h"
#include "transport.h"
#include "util.h"

static atomic_uint maildir_counter;

static int
ensure_dir(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	set_error(err, errlen, "maildir %s: %s", path, strerror(errno));
	return -1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* This host's name, made safe for a Maildir file name. */
static void
host_name(char *buf, size_t len)
{
	size_t i;

	if (gethostname(buf, len) != 0 || buf[0] == '\0')
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '/' || buf[i] == ':' || buf[i] == '.' ||
		    (unsigned char)buf[i] <= ' ')
			buf[i] = '_';
}

static void
unique_name(char *buf, size_t len, time_t now)
{
	char host[64];
	uint64_t rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(rnd))
		/* Still unique: pid, tid and counter already are. */
		rnd = (uint64_t)(uintptr_t)&rnd ^ (uint64_t)now;
	host_name(host, sizeof(host));
	snprintf(buf, len, "%lld.P%ldT%ldQ%uR%016llx.%s", (long long)now,
	    (long)getpid(), (long)gettid(),
	    atomic_fetch_add(&maildir_counter, 1) + 1,
	    (unsigned long long)rnd, host);
}

/*
 * The file's contents: Delivered-To lines, then the message with CRLF
 * turned into LF.  An address with a control character in it is written
 * with those characters as '?', so it can never start a header of its
 * own (mail.c validates addresses; this is the second line of defence).
 */
static void
render(struct buf *b, const struct delivery *dv)
{
	const char *a;
	size_t i;

	for (i = 0; i < dv->nrcpt; i++) {
		buf_adds(b, "Delivered-To: ");
		for (a = dv->rcpt[i].addr; a != NULL && *a != '\0'; a++)
			buf_addc(b, (unsigned char)*a < ' ' || *a == 0x7f ?
			    '?' : *a);
		buf_addc(b, '\n');
	}
	for (i = 0; i < dv->len; i++)
		if (!(dv->data[i] == '\r' && i + 1 < dv->len &&
		    dv->data[i + 1] == '\n'))
			buf_addc(b, dv->data[i]);
}

static void
set_results(struct delivery *dv, enum delivery_result r, int code,
    const char *reply)
{
	size_t i;

	for (i = 0; i < dv->nrcpt; i++) {
		dv->rcpt[i].result = r;
		dv->rcpt[i].code = code;
		snprintf(dv->rcpt[i].reply, sizeof(dv->rcpt[i].reply), "%s",
		    reply);
	}
}

/*
 * Delivers one message: writes it to tmp/ and fsyncs it, asks the watch
 * (the point of no return is next), renames it into new/ and fsyncs
 * new/, whose descriptor is `newfd`, so that once this returns 0 the
 * message survives a power cut.  0; 1 when the watch held it back; -1
 * with the reason in ebuf.  Nothing is left in new/ unless 0.
 */
static int
put_one(const char *dir, int newfd, const struct delivery *dv, time_t now,
    const struct delivery_watch *w, char name[MAILDIR_NAME_MAX],
    char *ebuf, size_t elen)
{
	struct buf b = { 0 };
	char *tmp, *new;
	int fd, rc = -1;

	unique_name(name, MAILDIR_NAME_MAX, now);
	tmp = xasprintf("%s/tmp/%s", dir, name);
	new = xasprintf("%s/new/%s", dir, name);
	render(&b, dv);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 || write_all(fd, b.s ? b.s : "", b.len) != 0 ||
	    fsync(fd) != 0) {
		set_error(ebuf, elen, "maildir %s: write %s: %s", dir, name,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		goto out;
	}
	if (close(fd) != 0) {
		set_error(ebuf, elen, "maildir %s: write %s: %s", dir, name,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (w != NULL && w->commit != NULL && w->commit(w->arg) != 0) {
		set_error(ebuf, elen, "%s", DELIVERY_HELD);
		unlink(tmp);
		rc = 1;
		goto out;
	}
	if (rename(tmp, new) != 0) {
		set_error(ebuf, elen, "maildir %s: rename %s: %s", dir, name,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (fsync(newfd) != 0) {
		/*
		 * The rename may not survive a crash.  Take the file back and
		 * report a temporary failure: a retry writes it again, rather
		 * than the outbox believing in a message that a power cut
		 * could make vanish.
		 */
		set_error(ebuf, elen, "maildir %s: fsync new: %s", dir,
		    strerror(errno));
		unlink(new);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	free(tmp);
	free(new);
	return rc;
}

int
maildir_deliver_batch_at(const char *dir, struct delivery *dv, size_t n,
    time_t now, const struct delivery_watch *w, char *err, size_t errlen)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char reply[DELIVERY_REPLY_MAX], ebuf[DELIVERY_REPLY_MAX];
	char name[MAILDIR_NAME_MAX];
	char *sub;
	size_t i, k;
	int newfd = -1, rc = 0, put;

	ebuf[0] = '\0';
	if (ensure_dir(dir, ebuf, sizeof(ebuf)) != 0)
		goto fail_all;
	for (i = 0; i < nitems(subs); i++) {
		sub = xasprintf("%s/%s", dir, subs[i]);
		if (ensure_dir(sub, ebuf, sizeof(ebuf)) != 0) {
			free(sub);
			goto fail_all;
		}
		if (i == 1 && (newfd = open(sub, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1) {
			set_error(ebuf, sizeof(ebuf), "maildir %s: %s", sub,
			    strerror(errno));
			free(sub);
			goto fail_all;
		}
		free(sub);
	}
	for (i = 0; i < n; i++) {
		put = put_one(dir, newfd, &dv[i], now, w, name, ebuf,
		    sizeof(ebuf));
		if (put == 0) {
			snprintf(reply, sizeof(reply), "delivered to maildir "
			    "as new/%s", name);
			set_results(&dv[i], DELIVERY_OK, 250, reply);
			if (w != NULL && w->decided != NULL)
				w->decided(w->arg, i);
			continue;
		}
		rc = -1;
		set_results(&dv[i], DELIVERY_TEMPFAIL, 0, ebuf);
		if (put == 1) {
			/* Held back: the ones after it wait too. */
			for (k = i + 1; k < n; k++)
				set_results(&dv[k], DELIVERY_TEMPFAIL, 0,
				    ebuf);
			break;
		}
	}
	close(newfd);
	if (rc != 0)
		set_error(err, errlen, "%s", ebuf);
	return rc;
fail_all:
	if (newfd != -1)
		close(newfd);
	for (i = 0; i < n; i++)
		set_results(&dv[i], DELIVERY_TEMPFAIL, 0, ebuf);
	set_error(err, errlen, "%s", ebuf);
	return -1;
}

int
maildir_deliver_at(const char *dir, struct delivery *dv, time_t now,
    char *err, size_t errlen)
{
	return maildir_deliver_batch_at(dir, dv, 1, now, NULL, err, errlen);
}
