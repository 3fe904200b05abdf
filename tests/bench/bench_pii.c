/*
 * bench_pii: the privacy guard's throughput on report-sized text.  The
 * text is the reference plan (tests/data/skarpnack-2019.txt) and the
 * innocent lines of the guard's case table, cut into descriptions of at
 * most 2000 characters at line ends, as a report would carry them; the
 * guard scans each (all pass, so every byte is read).  The reference is
 * a plain memchr() over the same pieces, in the same run, looking for a
 * byte none of them holds.  Prints one line:
 *
 *   pii: N characters in K descriptions; guard X chars/s; memchr Y chars/s
 *
 * Usage: bench_pii PLAN CASES [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "pii.h"
#include "util.h"

#define DESCRIPTION_MAX	2000

struct piece {
	const char	*s;
	size_t		 len;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static void
add_piece(struct piece **p, size_t *np, const char *s, size_t len)
{
	*p = xreallocarray(*p, *np + 1, sizeof(**p));
	(*p)[*np].s = s;
	(*p)[*np].len = len;
	(*np)++;
}

int
main(int argc, char **argv)
{
	struct piece	*p = NULL;
	struct buf	 text = { 0 };
	char		*plan, *cases, *line, *next, *tab;
	size_t		 np = 0, i, len, nchars = 0, start, ls, n, reps, r;
	double		 secs = argc > 3 ? atof(argv[3]) : 1.0, t0, t1, tg, tm;
	volatile size_t	 sink = 0;

	if (argc < 3 || (plan = read_file(argv[1], &len)) == NULL ||
	    (cases = read_file(argv[2], &n)) == NULL) {
		fprintf(stderr, "usage: bench_pii PLAN CASES [SECONDS]\n");
		return 2;
	}
	buf_add(&text, plan, len);
	buf_addc(&text, '\n');
	for (line = cases; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "pass\t", 5) == 0 &&
		    strchr(line + 5, '\\') == NULL) {
			tab = line + 5;
			buf_adds(&text, tab);
			buf_addc(&text, '\n');
		}
	}
	/* Descriptions of at most 2000 characters, cut at line ends. */
	for (start = 0, ls = 0, i = 0; i <= text.len; i++) {
		if (i < text.len && text.s[i] != '\n')
			continue;
		/* The line [ls, i]: does it still fit the description? */
		if (ls > start && chars(text.s + start, i + 1 - start) >
		    DESCRIPTION_MAX) {
			add_piece(&p, &np, text.s + start, ls - start);
			start = ls;
		}
		ls = i + 1;
	}
	if (text.len > start)
		add_piece(&p, &np, text.s + start, text.len - start);
	for (i = 0; i < np; i++)
		nchars += chars(p[i].s, p[i].len);
	for (i = 0; i < np; i++)
		if (pii_scan(p[i].s, p[i].len, NULL)) {
			fprintf(stderr, "bench_pii: piece %zu is refused\n", i);
			return 1;
		}
	/* As many rounds as fill `secs`, measured on one round first. */
	t0 = now();
	for (i = 0; i < np; i++)
		sink += (size_t)pii_scan(p[i].s, p[i].len, NULL);
	t1 = now();
	reps = (size_t)(secs / (t1 - t0 > 1e-6 ? t1 - t0 : 1e-6)) + 1;
	t0 = now();
	for (r = 0; r < reps; r++)
		for (i = 0; i < np; i++)
			sink += (size_t)pii_scan(p[i].s, p[i].len, NULL);
	tg = now() - t0;
	t0 = now();
	for (r = 0; r < reps * 1000; r++)
		for (i = 0; i < np; i++)
			sink += memchr(p[i].s, '\x01', p[i].len) != NULL;
	tm = (now() - t0) / 1000;
	printf("pii: %zu characters in %zu descriptions; guard %.0f chars/s; "
	    "memchr %.0f chars/s\n", nchars, np, nchars * reps / tg,
	    nchars * reps / tm);
	free(p);
	buf_free(&text);
	free(plan);
	free(cases);
	return sink != 0;
}
