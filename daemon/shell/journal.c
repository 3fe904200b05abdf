/*
 * journal: the delivery journal (see journal.h for what it is for).
 *
 * The file is a sequence of regions, one per job in flight, each filled
 * from its start with entries:
 *
 *	offset	size	field
 *	0	4	magic "PWJ1"
 *	4	4	length of the entry, padding included (a multiple of 8)
 *	8	4	CRC-32 of bytes 12 .. length
 *	12	4	reply code
 *	16	8	message number
 *	24	4	attempts
 *	28	2	length of the Message-ID
 *	30	2	length of the address
 *	32	2	length of the reply text
 *	34	6	zero
 *	40		Message-ID, address, reply text (no NULs), zero padding
 *
 * in the host's byte order: the file never leaves this machine.  Regions
 * start at multiples of 8, so reading scans in steps of 8 and takes every
 * place where a whole entry with a good checksum begins.  A region is
 * reused once its job's results are committed, so the file holds stale
 * entries and the ends of overwritten ones; a stale entry is harmless (see
 * journal.h) and a torn one fails its checksum.
 *
 * A write is a pwrite() by the worker itself, finished before the worker
 * lets the server have the next message: from then on the entry is the
 * kernel's, and survives anything that can happen to the daemon.  Making
 * it survive a power cut as well takes an fdatasync(), a device flush of
 * 0.2 ms or more, which before every message would cost a loopback
 * session about half its speed (docs/benchmarks.md); so the syncing
 * thread flushes each entry within JOURNAL_SYNC_MS of its write, all
 * that were written by then in one flush, and sleeps while nothing is
 * written.  Writes overwrite space the file
 * already has once a region has been used (reserve() extends the file),
 * so a flush has no file size to record in the steady state.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "util.h"

#define MAGIC		0x314a5750u	/* "PWJ1" read as little-endian */
#define HEADER		40
#define REPLY_MAX	255
#define ALIGN8(n)	(((n) + 7) & ~(size_t)7)

struct extent {
	int64_t	off;
	int64_t	len;
};

struct journal {
	int		 fd;
	char		*path;
	int64_t		 size;		/* the file's length */
	/* live regions: loop thread only */
	struct extent	*ext;
	size_t		 next;
	size_t		 capext;
	/* shared with the workers and the syncing thread, under mu */
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* something was written, or stop */
	pthread_t	 syncer;
	uint64_t	 written;	/* writes so far */
	uint64_t	 synced;	/* writes flushed so far */
	int		 failed;	/* a write failed: no more */
	int		 stop;
};

/* CRC-32 (IEEE 802.3, reflected), four bits at a time. */
static uint32_t
crc32(const unsigned char *p, size_t n)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c
	};
	uint32_t c = 0xffffffffu;

	while (n-- > 0) {
		c ^= *p++;
		c = (c >> 4) ^ t[c & 15];
		c = (c >> 4) ^ t[c & 15];
	}
	return ~c;
}

/*
 * The syncing thread: once something is written, wait JOURNAL_SYNC_MS
 * (less when stopping) for more to join it, then flush it all.
 */
static void *
sync_main(void *arg)
{
	struct journal *j = arg;
	struct timespec until;
	uint64_t target;
	int rc, e, warned = 0;

	pthread_mutex_lock(&j->mu);
	for (;;) {
		while (j->synced == j->written && !j->stop)
			pthread_cond_wait(&j->work, &j->mu);
		if (j->synced == j->written)
			break;		/* stopping, and nothing is pending */
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += JOURNAL_SYNC_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!j->stop && pthread_cond_timedwait(&j->work, &j->mu,
		    &until) != ETIMEDOUT)
			;
		target = j->written;
		pthread_mutex_unlock(&j->mu);
		rc = fdatasync(j->fd);
		e = errno;
		pthread_mutex_lock(&j->mu);
		/*
		 * A failed flush leaves the entries with the kernel, where a
		 * crash of the daemon cannot touch them; only a power cut
		 * could.  Say so once and keep going.
		 */
		if (rc != 0 && !warned) {
			errno = e;
			log_warn("journal: %s: fdatasync", j->path);
			warned = 1;
		}
		j->synced = target;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

char *
journal_path(const char *database)
{
	return xasprintf("%s-sent", database);
}

struct journal *
journal_open(const char *path, char *err, size_t errlen)
{
	struct journal *j = xcalloc(1, sizeof(*j));
	pthread_condattr_t ca;
	sigset_t all, old;
	struct stat sb;
	int e;

	/* The daemon's own file, never one a link points to. */
	if ((j->fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1 || fstat(j->fd, &sb) == -1) {
		set_error(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		set_error(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	j->size = sb.st_size;
	j->path = xstrdup(path);
	pthread_mutex_init(&j->mu, NULL);
	/* Timed waits on the monotonic clock: the wall clock may jump. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->work, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals are the loop thread's: the syncer starts with none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&j->syncer, NULL, sync_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		set_error(err, errlen, "%s: thread: %s", path, strerror(e));
		pthread_cond_destroy(&j->work);
		pthread_mutex_destroy(&j->mu);
		free(j->path);
		goto fail;
	}
	return j;
fail:
	if (j->fd != -1)
		close(j->fd);
	free(j);
	return NULL;
}

static uint16_t
get16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The entry at p (at most `left` bytes there), or 0 when none begins. */
static size_t
parse(const unsigned char *p, size_t left, struct journal_entry *e,
    char **strs)
{
	size_t len, idlen, addrlen, replylen;
	int32_t code, attempts;

	if (left < HEADER || get32(p) != MAGIC)
		return 0;
	len = get32(p + 4);
	if (len < HEADER || len > left || len % 8 != 0 ||
	    get32(p + 8) != crc32(p + 12, len - 12))
		return 0;
	idlen = get16(p + 28);
	addrlen = get16(p + 30);
	replylen = get16(p + 32);
	if (HEADER + idlen + addrlen + replylen > len)
		return 0;
	memcpy(&code, p + 12, sizeof(code));
	memcpy(&e->message, p + 16, sizeof(e->message));
	memcpy(&attempts, p + 24, sizeof(attempts));
	e->code = code;
	e->attempts = attempts;
	strs[0] = xstrndup((const char *)p + HEADER, idlen);
	strs[1] = xstrndup((const char *)p + HEADER + idlen, addrlen);
	strs[2] = xstrndup((const char *)p + HEADER + idlen + addrlen,
	    replylen);
	e->message_id = strs[0];
	e->addr = strs[1];
	e->reply = strs[2];
	return len;
}

int
journal_read(struct journal *j,
    void (*fn)(void *, const struct journal_entry *), void *arg)
{
	struct journal_entry e;
	unsigned char *data;
	char *strs[3];
	size_t off = 0, len, n;
	ssize_t r;
	int count = 0;

	if (j->size == 0)
		return 0;
	data = xmalloc((size_t)j->size);
	for (n = 0; n < (size_t)j->size; n += (size_t)r) {
		r = pread(j->fd, data + n, (size_t)j->size - n, (off_t)n);
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* shorter than it was */
			log_warn("journal: %s: read", j->path);
			free(data);
			return -1;
		}
	}
	while (off + HEADER <= n) {
		if ((len = parse(data + off, n - off, &e, strs)) == 0) {
			off += 8;
			continue;
		}
		fn(arg, &e);
		free(strs[0]);
		free(strs[1]);
		free(strs[2]);
		count++;
		off += len;
	}
	free(data);
	return count;
}

int
journal_reset(struct journal *j)
{
	if (ftruncate(j->fd, 0) == -1 || fdatasync(j->fd) == -1) {
		log_warn("journal: %s: empty", j->path);
		return -1;
	}
	j->size = 0;
	return 0;
}

size_t
journal_entry_max(const char *message_id, const char *addr)
{
	return ALIGN8(HEADER + strlen(message_id) + strlen(addr) + REPLY_MAX);
}

/* Whether [off, off + len) overlaps a live region. */
static int
taken(const struct journal *j, int64_t off, int64_t len)
{
	size_t i;

	for (i = 0; i < j->next; i++)
		if (off < j->ext[i].off + j->ext[i].len &&
		    j->ext[i].off < off + len)
			return 1;
	return 0;
}

int64_t
journal_reserve(struct journal *j, size_t len)
{
	int64_t off = 0, n = (int64_t)ALIGN8(len);
	size_t i;

	/* The lowest free place: the start, or the end of a live region. */
	if (taken(j, 0, n)) {
		off = -1;
		for (i = 0; i < j->next; i++) {
			int64_t c = j->ext[i].off + j->ext[i].len;

			if ((off == -1 || c < off) && !taken(j, c, n))
				off = c;
		}
	}
	if (off + n > j->size) {
		if (ftruncate(j->fd, (off_t)(off + n)) == -1) {
			log_warn("journal: %s: grow to %lld bytes", j->path,
			    (long long)(off + n));
			return -1;
		}
		j->size = off + n;
	}
	if (j->next == j->capext) {
		j->capext = j->capext ? 2 * j->capext : 8;
		j->ext = xreallocarray(j->ext, j->capext, sizeof(*j->ext));
	}
	j->ext[j->next].off = off;
	j->ext[j->next].len = n;
	j->next++;
	return off;
}

void
journal_release(struct journal *j, int64_t off)
{
	size_t i;

	for (i = 0; i < j->next; i++)
		if (j->ext[i].off == off) {
			j->ext[i] = j->ext[--j->next];
			return;
		}
}

static void
put16(unsigned char *p, size_t v)
{
	uint16_t x = (uint16_t)v;

	memcpy(p, &x, sizeof(x));
}

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Encodes one entry into p (room for journal_entry_max()); its length. */
static size_t
encode(unsigned char *p, const struct journal_entry *e)
{
	size_t idlen = strlen(e->message_id), addrlen = strlen(e->addr);
	size_t replylen = e->reply ? strnlen(e->reply, REPLY_MAX) : 0;
	size_t len = ALIGN8(HEADER + idlen + addrlen + replylen);
	int32_t code = e->code, attempts = e->attempts;

	memset(p, 0, len);
	put32(p, MAGIC);
	put32(p + 4, (uint32_t)len);
	memcpy(p + 12, &code, sizeof(code));
	memcpy(p + 16, &e->message, sizeof(e->message));
	memcpy(p + 24, &attempts, sizeof(attempts));
	put16(p + 28, idlen);
	put16(p + 30, addrlen);
	put16(p + 32, replylen);
	memcpy(p + HEADER, e->message_id, idlen);
	memcpy(p + HEADER + idlen, e->addr, addrlen);
	if (replylen > 0)
		memcpy(p + HEADER + idlen + addrlen, e->reply, replylen);
	put32(p + 8, crc32(p + 12, len - 12));
	return len;
}

int
journal_write(struct journal *j, int64_t off, size_t *used,
    const struct journal_entry *e, size_t n)
{
	unsigned char *buf;
	size_t i, max = 0, len = 0, w;
	ssize_t r;
	int rc = -1;

	for (i = 0; i < n; i++)
		max += journal_entry_max(e[i].message_id, e[i].addr);
	buf = xmalloc(max > 0 ? max : 1);
	for (i = 0; i < n; i++)
		len += encode(buf + len, &e[i]);
	for (w = 0; w < len; w += (size_t)r)
		if ((r = pwrite(j->fd, buf + w, len - w,
		    (off_t)(off + (int64_t)*used + (int64_t)w))) <= 0) {
			if (r == 0)
				errno = EIO;
			break;
		}
	free(buf);
	pthread_mutex_lock(&j->mu);
	if (w < len) {
		if (!j->failed)
			log_warn("journal: %s: write", j->path);
		j->failed = 1;
	} else if (!j->failed) {
		/* Only the first write of a round wakes the syncer. */
		if (j->written++ == j->synced)
			pthread_cond_signal(&j->work);
		*used += len;
		rc = 0;
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}


void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = 1;
	pthread_cond_signal(&j->work);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->syncer, NULL);
	pthread_cond_destroy(&j->work);
	pthread_mutex_destroy(&j->mu);
	close(j->fd);
	free(j->ext);
	free(j->path);
	free(j);
}
