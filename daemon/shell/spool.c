/*
 * spool: the spool directory front end of concern-report intake (the
 * protocol is in spool.h and docs/http-intake.md).  libuv has no
 * close-after-write event and one save produces several change events, so
 * we watch the directory new/ and, after SPOOL_DEBOUNCE_MS of quiet,
 * rescan it in name order; only files in new/ are looked at, never tmp/,
 * where writers are still busy.  A scan stops at the first file the store
 * cannot take for now (5xx), so files keep their order, and a retry timer
 * tries again.
 *
 * Files are read with plain blocking calls on the loop thread: they are at
 * most SPOOL_MAX_BYTES on a local disk, and the callback that stores them
 * runs on the loop thread anyway.
 *
 * The spool follows nothing: the directory, new/ and rejected/ are opened
 * once with O_NOFOLLOW (a symbolic link there is refused at start) and
 * every file is reached relative to those descriptors, never by a path,
 * so a link or a renamed directory cannot send the daemon elsewhere.
 * Nothing is ever overwritten: a refused file moves to a free name.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "intake.h"
#include "log.h"
#include "spool.h"
#include "util.h"

struct spool {
	uv_loop_t		*loop;
	char			*dir;
	char			*newdir;
	char			*rejdir;
	int			 dirfd, newfd, rejfd;	/* O_NOFOLLOW */
	uv_fs_event_t		 watch;
	uv_timer_t		 debounce;
	uv_timer_t		 retry;
	intake_submit_cb	*submit;
	void			*arg;
	unsigned int		 retry_ms;
	uint64_t		 first_event;	/* of the pending debounce */
	int			 handles;	/* open handles */
	int			 stopping;
};

enum outcome {
	DONE,		/* stored, rejected, or gone: go on */
	RETRY		/* leave it and stop this scan */
};

/*
 * A spool file as log lines name it: "file" and the first 12 hex digits of
 * the SHA-256 of its name.  Writers choose the names, and a name may
 * itself identify someone ("640823-3234.json") or be any bytes at all, so
 * it never reaches the log as written; `printf %s NAME | sha256sum` finds
 * the file again (docs/http-intake.md).
 */
static void
log_name(const char *name, char *out, size_t size)
{
	char hex[65];

	sha256_hex(name, strlen(name), hex);
	snprintf(out, size, "file %.12s", hex);
}

/*
 * The key that names this file to the store: a hash of its name and its
 * identity on disk (device, inode, modification time, size).  The same
 * file found again -- the daemon died after storing it but before
 * removing it, or could not remove it -- has the same key, and the store
 * answers with the report it already became; another file, even with
 * the same name and the same text, is another report.  Nothing of the
 * name or the text can be read back from it.
 */
static void
file_key(const char *name, const struct stat *st, char out[72])
{
	struct buf b = { 0 };
	char hex[65];

	buf_printf(&b, "%s|%ju|%ju|%lld.%09ld|%lld", name,
	    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
	    (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec,
	    (long long)st->st_size);
	sha256_hex(b.s, b.len, hex);
	buf_free(&b);
	snprintf(out, 72, "spool:%s", hex);
}

/* The number a stored report got, from the answer's body; 0 if none. */
static long long
report_number(const char *body)
{
	json_t *j = body != NULL ? json_loads(body, 0, NULL) : NULL;
	long long n = json_integer_value(json_object_get(j, "number"));

	json_decref(j);
	return n;
}

static char *
error_json(const char *reason)
{
	json_t *j = json_pack("{s:s}", "error", reason);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return s ? s : xstrdup("{\"error\":\"refused\"}");
}

static int
write_err(int dirfd, const char *name, const char *reason)
{
	size_t len = strlen(reason), off = 0;
	ssize_t w;
	int fd;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	while (off < len) {
		if ((w = write(fd, reason + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (write(fd, "\n", 1) != 1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * The name in rejected/ of attempt `i` for NAME: NAME, then NAME.1,
 * NAME.2, ...; cut short (on a UTF-8 character boundary) so that the
 * name with ".err" still fits in NAME_MAX.
 */
static void
rejected_name(const char *name, int i, char *out, size_t size)
{
	char suffix[16] = "";
	size_t max, n = strlen(name);

	if (i > 0)
		snprintf(suffix, sizeof(suffix), ".%d", i);
	max = NAME_MAX - strlen(".err") - strlen(suffix);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	snprintf(out, size, "%.*s%s", (int)n, name, suffix);
}

/* Moves new/NAME to rejected/DST unless DST exists: 0, or -1 and errno. */
static int
move_noreplace(struct spool *sp, const char *name, const char *dst)
{
	if (renameat2(sp->newfd, name, sp->rejfd, dst, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link, which never replaces. */
	if (linkat(sp->newfd, name, sp->rejfd, dst, 0) == -1)
		return -1;
	if (unlinkat(sp->newfd, name, 0) == -1) {
		unlinkat(sp->rejfd, dst, 0);
		return -1;
	}
	return 0;
}

/*
 * Moves new/NAME to rejected/ under a name no file has there (NAME, or
 * NAME.1, NAME.2, ...: never overwriting), makes it 0600 (it may hold
 * the identifier that got it refused), and writes the reason beside it.
 */
static enum outcome
reject(struct spool *sp, const char *name, const char *reason)
{
	struct stat st;
	char dst[NAME_MAX + 1], err[NAME_MAX + 8], lname[128];
	int i, fd;

	log_name(name, lname, sizeof(lname));
	for (i = 0;; i++) {
		rejected_name(name, i, dst, sizeof(dst));
		if (move_noreplace(sp, name, dst) == 0)
			break;
		if (errno != EEXIST || i == INT_MAX) {
			log_warn("spool: %s: cannot move to rejected/", lname);
			return RETRY;
		}
	}
	if ((fd = openat(sp->rejfd, dst, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) != -1) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 077) != 0 && fchmod(fd, 0600) == -1)
			log_warn("spool: %s: chmod 0600 in rejected/", lname);
		close(fd);
	}
	snprintf(err, sizeof(err), "%s.err", dst);
	if (write_err(sp->rejfd, err, reason) == -1)
		log_warn("spool: %s: cannot write the .err file", lname);
	log_info("spool: %s: rejected", lname);
	return DONE;
}

static enum outcome
reject_fixed(struct spool *sp, const char *name, const char *why)
{
	char *body = error_json(why);
	enum outcome o = reject(sp, name, body);

	free(body);
	return o;
}

/*
 * Hands new/NAME to the store and acts on the answer: removed when
 * stored, moved to rejected/ when refused, left for a retry on 5xx.
 */
static enum outcome
process(struct spool *sp, const char *name)
{
	struct intake_result r = { 0, NULL };
	struct stat st;
	enum outcome o;
	char *data, lname[128], key[72];
	size_t len = 0;
	ssize_t n;
	int fd;

	log_name(name, lname, sizeof(lname));
	fd = openat(sp->newfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1) {
		int e = errno;

		if (e == ENOENT)	/* taken away meanwhile */
			return DONE;
		if (e == ELOOP)
			return reject_fixed(sp, name, "symbolic links are not "
			    "accepted");
		errno = e;
		log_warn("spool: %s: open", lname);
		return reject_fixed(sp, name, "the file cannot be read");
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return reject_fixed(sp, name, "not a regular file");
	}
	if (st.st_size > SPOOL_MAX_BYTES) {
		close(fd);
		return reject_fixed(sp, name, "file larger than 65536 bytes");
	}
	/* One byte more than allowed, to notice a file that grew. */
	data = xmalloc(SPOOL_MAX_BYTES + 1);
	for (;;) {
		n = read(fd, data + len, SPOOL_MAX_BYTES + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > SPOOL_MAX_BYTES)
			break;
	}
	close(fd);
	if (n == -1) {
		log_warn("spool: %s: read", lname);
		free(data);
		return RETRY;
	}
	if (len > SPOOL_MAX_BYTES) {
		free(data);
		return reject_fixed(sp, name, "file larger than 65536 bytes");
	}
	file_key(name, &st, key);
	sp->submit(sp->arg, "spool", key, data, len, &r);
	explicit_bzero(data, len);
	free(data);
	if (r.status >= 200 && r.status < 300) {
		const char *how = r.status == 200 ? "already stored" :
		    "stored";

		if (unlinkat(sp->newfd, name, 0) == -1 && errno != ENOENT)
			log_warn("spool: %s: cannot remove after it was %s "
			    "as report %lld", lname, how,
			    report_number(r.body));
		else
			log_info("spool: %s: %s as report %lld", lname, how,
			    report_number(r.body));
		o = DONE;
	} else if (r.status >= 400 && r.status < 500 && r.status != 429) {
		if (r.body == NULL)
			r.body = error_json("report refused");
		o = reject(sp, name, r.body);
	} else {
		log_warnx("spool: %s: not stored now (status %d), will retry",
		    lname, r.status);
		o = RETRY;
	}
	free(r.body);
	return o;
}

static int
visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void
retry_cb(uv_timer_t *t)
{
	spool_scan(t->data);
}

void
spool_scan(struct spool *sp)
{
	struct dirent **ents;
	int i, n;

	if (sp->stopping)
		return;
	uv_timer_stop(&sp->retry);
	if ((n = scandirat(sp->newfd, ".", &ents, visible, by_name)) == -1) {
		log_warn("spool: %s", sp->newdir);
		uv_timer_start(&sp->retry, retry_cb, sp->retry_ms, 0);
		return;
	}
	for (i = 0; i < n; i++) {
		if (process(sp, ents[i]->d_name) == RETRY) {
			uv_timer_start(&sp->retry, retry_cb, sp->retry_ms, 0);
			break;
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
}

static void
debounce_cb(uv_timer_t *t)
{
	spool_scan(t->data);
}

static void
watch_cb(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct spool *sp = h->data;

	if (status < 0) {
		log_warnx("spool: watch %s: %s", sp->newdir,
		    uv_strerror(status));
		return;
	}
	if (name != NULL && name[0] == '.')
		return;
	/*
	 * Restart the quiet period, but a writer that never pauses must not
	 * hold off the scan for ever.
	 */
	if (!uv_is_active((uv_handle_t *)&sp->debounce))
		sp->first_event = uv_now(sp->loop);
	else if (uv_now(sp->loop) - sp->first_event >= SPOOL_DEBOUNCE_MAX_MS)
		return;
	uv_timer_start(&sp->debounce, debounce_cb, SPOOL_DEBOUNCE_MS, 0);
}

/*
 * Makes `name` in `dirfd` (mode 0700) where missing and opens it without
 * following a symbolic link: its descriptor, or -1 with `err` set.
 */
static int
open_dir(int dirfd, const char *name, const char *path, char *err,
    size_t errlen)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "spool %s: %s", path, strerror(errno));
		return -1;
	}
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno == ELOOP || errno == ENOTDIR)
			snprintf(err, errlen, "spool %s: a symbolic link or not "
			    "a directory; refused (the spool follows no link): "
			    "make it a directory", path);
		else
			snprintf(err, errlen, "spool %s: %s", path,
			    strerror(errno));
	}
	return fd;
}

/* Opens the spool's directories; 0, or -1 with `err` set. */
static int
open_dirs(struct spool *sp, char *err, size_t errlen)
{
	struct stat st;
	char *tmp = xasprintf("%s/tmp", sp->dir);
	int fd;

	if ((sp->dirfd = open_dir(AT_FDCWD, sp->dir, sp->dir, err,
	    errlen)) == -1 || (fd = open_dir(sp->dirfd, "tmp", tmp, err,
	    errlen)) == -1) {
		free(tmp);
		return -1;
	}
	free(tmp);
	close(fd);
	if ((sp->newfd = open_dir(sp->dirfd, "new", sp->newdir, err,
	    errlen)) == -1 || (sp->rejfd = open_dir(sp->dirfd, "rejected",
	    sp->rejdir, err, errlen)) == -1)
		return -1;
	/* rejected/ holds refused reports: the daemon's alone. */
	if (fstat(sp->rejfd, &st) == 0 && (st.st_mode & 077) != 0 &&
	    fchmod(sp->rejfd, 0700) == 0)
		log_info("spool: %s: was mode %04o, now 0700", sp->rejdir,
		    (unsigned)(st.st_mode & 07777));
	return 0;
}

static void
spool_free_cb(uv_handle_t *h)
{
	struct spool *sp = h->data;

	if (--sp->handles > 0)
		return;
	free(sp->dir);
	free(sp->newdir);
	free(sp->rejdir);
	if (sp->dirfd != -1)
		close(sp->dirfd);
	if (sp->newfd != -1)
		close(sp->newfd);
	if (sp->rejfd != -1)
		close(sp->rejfd);
	free(sp);
}

struct spool *
spool_start(uv_loop_t *loop, const char *dir, intake_submit_cb *submit,
    void *arg, char *err, size_t errlen)
{
	struct spool *sp;
	int rc;

	sp = xcalloc(1, sizeof(*sp));
	sp->dirfd = sp->newfd = sp->rejfd = -1;
	sp->loop = loop;
	sp->dir = xstrdup(dir);
	sp->newdir = xasprintf("%s/new", dir);
	sp->rejdir = xasprintf("%s/rejected", dir);
	sp->submit = submit;
	sp->arg = arg;
	sp->retry_ms = SPOOL_RETRY_MS;
	rc = open_dirs(sp, err, errlen);
	uv_fs_event_init(loop, &sp->watch);
	uv_timer_init(loop, &sp->debounce);
	uv_timer_init(loop, &sp->retry);
	sp->watch.data = sp->debounce.data = sp->retry.data = sp;
	sp->handles = 3;
	if (rc == 0 && (rc = uv_fs_event_start(&sp->watch, watch_cb,
	    sp->newdir, 0)) != 0)
		snprintf(err, errlen, "spool: watch %s: %s", sp->newdir,
		    uv_strerror(rc));
	if (rc != 0) {
		spool_stop(sp);
		return NULL;
	}
	/* Files that arrived while we were down: on the first iteration. */
	uv_timer_start(&sp->debounce, debounce_cb, 0, 0);
	return sp;
}

void
spool_set_retry_ms(struct spool *sp, unsigned int ms)
{
	sp->retry_ms = ms;
}

void
spool_stop(struct spool *sp)
{
	if (sp == NULL || sp->stopping)
		return;
	sp->stopping = 1;
	uv_close((uv_handle_t *)&sp->watch, spool_free_cb);
	uv_close((uv_handle_t *)&sp->debounce, spool_free_cb);
	uv_close((uv_handle_t *)&sp->retry, spool_free_cb);
}
