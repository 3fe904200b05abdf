/*
 * host: the core's files, directories and time zone from the machine
 * (host.h).  Shell: this is where the configuration's I/O happens.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "host.h"
#include "util.h"

#define ZONEINFO_DIR	"/usr/share/zoneinfo"

char *
read_file(const char *path, size_t *lenp)
{
	FILE *fp;
	struct buf b = { 0 };
	char chunk[8192];
	size_t n;
	int saved;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(fp)) {
		saved = errno;
		fclose(fp);
		buf_free(&b);
		errno = saved;
		return NULL;
	}
	fclose(fp);
	if (lenp != NULL)
		*lenp = b.len;
	return buf_take(&b);
}

static char *
host_read(void *arg, const char *path, size_t *len)
{
	(void)arg;
	return read_file(path, len);
}

static char **
host_list(void *arg, const char *dir, size_t *np)
{
	struct dirent *de;
	struct stat st;
	DIR *dp;
	char **v = NULL;
	size_t n = 0;
	int saved;

	(void)arg;
	if ((dp = opendir(dir)) == NULL)
		return NULL;
	errno = 0;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		v = xreallocarray(v, n + 2, sizeof(*v));
		/* A symbolic link counts as what it points to. */
		if (de->d_type == DT_DIR || ((de->d_type == DT_UNKNOWN ||
		    de->d_type == DT_LNK) && fstatat(dirfd(dp), de->d_name,
		    &st, 0) == 0 && S_ISDIR(st.st_mode)))
			v[n++] = xasprintf("%s/", de->d_name);
		else
			v[n++] = xstrdup(de->d_name);
		errno = 0;
	}
	if (errno != 0) {
		saved = errno;
		closedir(dp);
		strv_free(v, n);
		errno = saved;
		return NULL;
	}
	closedir(dp);
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	*np = n;
	return v;
}

static char *
host_zone(void *arg, const char *name, size_t *len)
{
	const char *dir;
	char *path, *text;
	int saved;

	(void)arg;
	/* glibc honours TZDIR, so read where it will actually look. */
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = ZONEINFO_DIR;
	path = xasprintf("%s/%s", dir, name);
	text = read_file(path, len);
	saved = errno;
	free(path);
	errno = saved;
	return text;
}

static char *
host_cwd(void *arg)
{
	char cwd[4096];

	(void)arg;
	return getcwd(cwd, sizeof(cwd)) ? xstrdup(cwd) : NULL;
}

const struct source *
host_source(void)
{
	static const struct source disk = {
		host_read, host_list, host_zone, host_cwd, NULL
	};

	return &disk;
}

int
host_zone_set(const char *name)
{
	const char *cur = getenv("TZ");

	if (calendar_zone_valid(name, host_source()) != 0)
		return -1;
	/*
	 * Setting the zone it already has is a no-op, so that other threads
	 * reading local time (a reload in the thread pool) see no change.
	 */
	if (cur != NULL && strcmp(cur, name) == 0)
		return 0;
	if (setenv("TZ", name, 1) == -1)
		return -1;
	tzset();
	return 0;
}
