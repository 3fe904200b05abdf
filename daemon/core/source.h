/*
 * source: where the core gets the bytes of its files.  Core.
 *
 * The core reads no file, lists no directory and asks nothing of the
 * environment: it is handed a struct source, and every loader asks it
 * for the bytes of a file, the names in a directory, the tz database's
 * file for a zone name and the directory relative paths are against.
 * The shell fills one in with real I/O (host.h); a test may fill one in
 * with bytes it holds in memory.  The callbacks may be called from the
 * thread pool (a reload), so they keep no state of their own but `arg`.
 */
#ifndef PLANWATCH_SOURCE_H
#define PLANWATCH_SOURCE_H

#include <stddef.h>

struct source {
	/*
	 * The whole file at `path`, NUL-terminated, in a buffer the
	 * caller frees; *len (when len is not NULL) is its length without
	 * the NUL.  NULL with errno set when it cannot be read.
	 */
	char	*(*read)(void *arg, const char *path, size_t *len);
	/*
	 * The names in directory `dir`, without "." and "..", a
	 * directory's with a "/" appended, in any order: an array the
	 * caller frees with its strings, *n its length.  NULL with errno
	 * set when the directory cannot be read.
	 */
	char	**(*list)(void *arg, const char *dir, size_t *n);
	/*
	 * The tz database's file for a zone name (already checked to be a
	 * plain relative name), as read() returns a file.
	 */
	char	*(*zone)(void *arg, const char *name, size_t *len);
	/* The current directory in a string the caller frees, or NULL. */
	char	*(*cwd)(void *arg);
	void	*arg;
};

/*
 * The names in `dir` (see list above) sorted by strcmp(), so that
 * diagnostics come out in the same order each time.  NULL with errno set.
 */
char	**source_list(const struct source *, const char *dir, size_t *n);
/* Whether a name from source_list() is a directory's (ends in "/"). */
int	source_is_dir(const char *name);

#endif
