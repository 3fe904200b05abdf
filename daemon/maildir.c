/*
 * maildir: delivery into a Maildir, following the classic protocol: write
 * the file in tmp/ under a unique name, fsync it, rename it into new/
 * (atomic: readers never see half a message), fsync new/ so the rename
 * itself is durable.
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

static int
fsync_dir(const char *path)
{
	int fd, rc, e;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
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
 * Writes one message to tmp/, fsyncs it and renames it into new/ (not yet
 * durable: the caller fsyncs new/).  0, or -1 with the reason in ebuf.
 */
static int
put_one(const char *dir, const struct delivery *dv, time_t now,
    char name[MAILDIR_NAME_MAX], char *ebuf, size_t elen)
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
	if (rename(tmp, new) != 0) {
		set_error(ebuf, elen, "maildir %s: rename %s: %s", dir, name,
		    strerror(errno));
		unlink(tmp);
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
    time_t now, char *err, size_t errlen)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char reply[DELIVERY_REPLY_MAX], ebuf[DELIVERY_REPLY_MAX];
	char (*names)[MAILDIR_NAME_MAX] = NULL;
	char *sub, *path;
	size_t i, nput = 0;
	int *put = NULL, rc = 0;

	ebuf[0] = '\0';
	if (ensure_dir(dir, ebuf, sizeof(ebuf)) != 0)
		goto fail_all;
	for (i = 0; i < nitems(subs); i++) {
		sub = xasprintf("%s/%s", dir, subs[i]);
		if (ensure_dir(sub, ebuf, sizeof(ebuf)) != 0) {
			free(sub);
			goto fail_all;
		}
		free(sub);
	}
	names = xcalloc(n, sizeof(*names));
	put = xcalloc(n, sizeof(*put));
	for (i = 0; i < n; i++) {
		if (put_one(dir, &dv[i], now, names[i], ebuf,
		    sizeof(ebuf)) == 0) {
			put[i] = 1;
			nput++;
		} else {
			set_results(&dv[i], DELIVERY_TEMPFAIL, 0, ebuf);
			rc = -1;
		}
	}
	/* One fsync of new/ makes every rename of the batch durable. */
	sub = xasprintf("%s/new", dir);
	if (nput > 0 && fsync_dir(sub) != 0) {
		/*
		 * The renames may not survive a crash.  Take the files back
		 * and report a temporary failure: a retry writes them again,
		 * rather than the outbox believing in messages that a power
		 * cut could make vanish.
		 */
		set_error(ebuf, sizeof(ebuf), "maildir %s: fsync new: %s", dir,
		    strerror(errno));
		for (i = 0; i < n; i++)
			if (put[i]) {
				path = xasprintf("%s/%s", sub, names[i]);
				unlink(path);
				free(path);
				set_results(&dv[i], DELIVERY_TEMPFAIL, 0,
				    ebuf);
			}
		rc = -1;
	} else
		for (i = 0; i < n; i++)
			if (put[i]) {
				snprintf(reply, sizeof(reply), "delivered to "
				    "maildir as new/%s", names[i]);
				set_results(&dv[i], DELIVERY_OK, 250, reply);
			}
	free(sub);
	free(names);
	free(put);
	if (rc != 0)
		set_error(err, errlen, "%s", ebuf);
	return rc;
fail_all:
	for (i = 0; i < n; i++)
		set_results(&dv[i], DELIVERY_TEMPFAIL, 0, ebuf);
	set_error(err, errlen, "%s", ebuf);
	return -1;
}

int
maildir_deliver_at(const char *dir, struct delivery *dv, time_t now,
    char *err, size_t errlen)
{
	return maildir_deliver_batch_at(dir, dv, 1, now, err, errlen);
}
