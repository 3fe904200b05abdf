/*
 * source: the helpers over the shell's callbacks (source.h).  Core: the
 * I/O itself is the shell's.
 */
#include <stdlib.h>
#include <string.h>

#include "source.h"

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
source_list(const struct source *src, const char *dir, size_t *n)
{
	char **v;

	if ((v = src->list(src->arg, dir, n)) != NULL && *n > 1)
		qsort(v, *n, sizeof(*v), name_cmp);
	return v;
}

int
source_is_dir(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && name[n - 1] == '/';
}
