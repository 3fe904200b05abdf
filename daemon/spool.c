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
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

/* A file name fit for a log line: writers choose names, so no controls. */
static void
log_name(const char *name, char *out, size_t size)
{
	size_t i;

	snprintf(out, size, "%s", name);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
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
write_err(const char *path, const char *reason)
{
	size_t len = strlen(reason), off = 0;
	ssize_t w;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
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
 * Moves new/NAME to rejected/NAME (or NAME.1, NAME.2, ... if a file of
 * that name was rejected before) and writes the reason beside it.
 */
static enum outcome
reject(struct spool *sp, const char *name, const char *reason)
{
	struct stat st;
	char *src, *dst = NULL, *err, lname[128];
	int i;

	log_name(name, lname, sizeof(lname));
	src = xasprintf("%s/%s", sp->newdir, name);
	for (i = 0; i < 1000; i++) {
		free(dst);
		dst = i == 0 ? xasprintf("%s/%s", sp->rejdir, name) :
		    xasprintf("%s/%s.%d", sp->rejdir, name, i);
		if (lstat(dst, &st) == -1 && errno == ENOENT)
			break;
	}
	if (rename(src, dst) == -1) {
		log_warn("spool: %s: cannot move to rejected/", lname);
		free(src);
		free(dst);
		return RETRY;
	}
	err = xasprintf("%s.err", dst);
	if (write_err(err, reason) == -1)
		log_warn("spool: %s: cannot write the .err file", lname);
	log_info("spool: %s: rejected", lname);
	free(err);
	free(src);
	free(dst);
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
	char *path, *data, lname[128];
	size_t len = 0;
	ssize_t n;
	int fd;

	log_name(name, lname, sizeof(lname));
	path = xasprintf("%s/%s", sp->newdir, name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		int e = errno;

		free(path);
		if (e == ENOENT)	/* taken away meanwhile */
			return DONE;
		if (e == ELOOP)
			return reject_fixed(sp, name, "symbolic links are not "
			    "accepted");
		errno = e;
		log_warn("spool: %s: open", lname);
		return reject_fixed(sp, name, "the file cannot be read");
	}
	free(path);
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
	sp->submit(sp->arg, "spool", data, len, &r);
	explicit_bzero(data, len);
	free(data);
	if (r.status >= 200 && r.status < 300) {
		path = xasprintf("%s/%s", sp->newdir, name);
		if (unlink(path) == -1 && errno != ENOENT)
			log_warn("spool: %s: cannot remove after storing it",
			    lname);
		else
			log_info("spool: %s: stored", lname);
		free(path);
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
	if ((n = scandir(sp->newdir, &ents, visible, by_name)) == -1) {
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

static int
make_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "spool %s: %s", path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "spool %s: not a directory", path);
		return -1;
	}
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
	free(sp);
}

struct spool *
spool_start(uv_loop_t *loop, const char *dir, intake_submit_cb *submit,
    void *arg, char *err, size_t errlen)
{
	struct spool *sp;
	char *tmp;
	int rc;

	sp = xcalloc(1, sizeof(*sp));
	sp->loop = loop;
	sp->dir = xstrdup(dir);
	sp->newdir = xasprintf("%s/new", dir);
	sp->rejdir = xasprintf("%s/rejected", dir);
	sp->submit = submit;
	sp->arg = arg;
	sp->retry_ms = SPOOL_RETRY_MS;
	tmp = xasprintf("%s/tmp", dir);
	rc = make_dir(dir, err, errlen) == 0 &&
	    make_dir(tmp, err, errlen) == 0 &&
	    make_dir(sp->newdir, err, errlen) == 0 &&
	    make_dir(sp->rejdir, err, errlen) == 0 ? 0 : -1;
	free(tmp);
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
