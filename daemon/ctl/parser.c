/*
 * parser: planwatchctl's grammar -- a command line matched to its row of
 * the table, its arguments checked against the row's syntax, and the
 * usage printed from the rows (see parser.h).  Ctl: prints the usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

#define SPEC_MAX	16	/* options of one command, at most */
#define USAGE_HELP_COL	26	/* where the help starts */
#define USAGE_WIDTH	80

struct ctl_options ctl = {
	.conf_path = SYSCONFDIR "/planwatch/planwatch.conf",
};

/* A row's syntax, read. */
struct spec {
	struct {
		char	name[32];
		int	valued;
		int	required;
	} opt[SPEC_MAX];
	int	nopt;
	int	posmin;		/* arguments that must be given */
	int	posmax;		/* ... and that may be */
	char	buf[512];
};

static void
spec_opt_add(struct spec *s, const char *name, int valued, int required)
{
	if (s->nopt == SPEC_MAX || strlen(name) >= sizeof(s->opt[0].name))
		abort();	/* the table itself is wrong */
	strcpy(s->opt[s->nopt].name, name);
	s->opt[s->nopt].valued = valued;
	s->opt[s->nopt].required = required;
	s->nopt++;
}

/* How many '[' less ']' a word holds. */
static int
brackets(const char *w)
{
	int n = 0;

	for (; *w != '\0'; w++)
		n += (*w == '[') - (*w == ']');
	return n;
}

static void
spec_read(const char *syntax, struct spec *s)
{
	char *w[64], *p, *end;
	int n = 0, i, depth, len, best;

	memset(s, 0, sizeof(*s));
	if (strlen(syntax) >= sizeof(s->buf))
		abort();
	strcpy(s->buf, syntax);
	for (p = strtok(s->buf, " \n"); p != NULL; p = strtok(NULL, " \n")) {
		if (n == (int)nitems(w))
			abort();
		w[n++] = p;
	}
	for (i = 0; i < n; i++) {
		if (w[i][0] == '[' && w[i][1] == '-') {
			/* [--flag] or [--opt VALUE] */
			if ((end = strchr(w[i], ']')) != NULL) {
				*end = '\0';
				spec_opt_add(s, w[i] + 1, 0, 0);
			} else {
				spec_opt_add(s, w[i] + 1, 1, 0);
				i++;
			}
		} else if (w[i][0] == '[') {
			/* [x A | y B]: as many arguments as its longest way */
			depth = len = best = 0;
			for (; i < n; i++) {
				depth += brackets(w[i]);
				len = strcmp(w[i], "|") == 0 ? 0 : len + 1;
				best = len > best ? len : best;
				if (depth <= 0)
					break;
			}
			s->posmax += best;
		} else {
			/* --opt VALUE or NAME; A|B| goes on after a break */
			if (w[i][0] == '-')
				spec_opt_add(s, w[i++], 1, 1);
			else {
				s->posmin++;
				s->posmax++;
			}
			while (i + 1 < n && w[i][strlen(w[i]) - 1] == '|')
				i++;
		}
	}
	if (s->posmax > ARGS_MAX)
		abort();
}

static int
spec_find(const struct spec *s, const char *name)
{
	int k;

	for (k = 0; k < s->nopt; k++)
		if (strcmp(s->opt[k].name, name) == 0)
			return k;
	return -1;
}

/* How many words of the row begin argv; 0 when they do not all. */
static int
words_match(const char *words, int argc, char **argv)
{
	size_t len;
	int n = 0;

	while (*words != '\0') {
		len = strcspn(words, " ");
		if (n == argc || strlen(argv[n]) != len ||
		    strncmp(argv[n], words, len) != 0)
			return 0;
		n++;
		words += len;
		words += *words == ' ';
	}
	return n;
}

/*
 * Arguments first, then options in any order; an option may be given
 * again (arg_value() takes the first).
 */
static void
parse_first(const struct spec *s, int argc, char **argv, struct args *a)
{
	int i, k;

	for (i = 0; i < argc && a->npos < s->posmax; i++) {
		if (a->npos >= s->posmin && spec_find(s, argv[i]) != -1)
			break;
		a->pos[a->npos++] = argv[i];
	}
	if (a->npos < s->posmin)
		usage();
	a->optv = argv + i;
	a->optc = argc - i;
	for (i = 0; i < a->optc; i++) {
		if ((k = spec_find(s, a->optv[i])) == -1)
			usage();
		if (s->opt[k].valued && ++i == a->optc)
			usage();
	}
	for (k = 0; k < s->nopt; k++)
		if (s->opt[k].required && arg_value(a, s->opt[k].name) == NULL)
			usage();
}

/* Options and arguments in any order; every option recorded. */
static void
parse_mixed(const struct spec *s, const struct command *c, int argc,
    char **argv, struct args *a)
{
	const char *name;
	int i, k, j;

	a->opts = xcalloc((size_t)argc + 1, sizeof(*a->opts));
	for (i = 0; i < argc; i++) {
		name = argv[i];
		for (j = 0; c->aliases != NULL && c->aliases[j] != NULL; j += 2)
			if (strcmp(name, c->aliases[j]) == 0)
				name = c->aliases[j + 1];
		if ((k = spec_find(s, name)) != -1) {
			a->opts[a->nopts].name = name;
			if (s->opt[k].valued) {
				if (i + 1 == argc)
					usage();
				a->opts[a->nopts].value = argv[++i];
			}
			a->nopts++;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage();
		else if (a->npos == s->posmax)
			usage();
		else
			a->pos[a->npos++] = argv[i];
	}
	if (a->npos < s->posmin)
		usage();
	for (k = 0; k < s->nopt; k++) {
		for (j = 0; j < a->nopts; j++)
			if (strcmp(a->opts[j].name, s->opt[k].name) == 0)
				break;
		if (s->opt[k].required && j == a->nopts)
			usage();
	}
}

const struct command *
cmd_parse(int argc, char **argv, struct args *a)
{
	const struct command *c, *best = NULL;
	struct spec s;
	int k, nbest = 0;

	for (c = commands; c->words != NULL; c++)
		if ((k = words_match(c->words, argc, argv)) > nbest) {
			best = c;
			nbest = k;
		}
	if (best == NULL)
		usage();
	memset(a, 0, sizeof(*a));
	a->cmd = best;
	spec_read(best->syntax, &s);
	if (best->order == ARGS_MIXED)
		parse_mixed(&s, best, argc - nbest, argv + nbest, a);
	else
		parse_first(&s, argc - nbest, argv + nbest, a);
	return best;
}

void
args_free(struct args *a)
{
	free(a->opts);
	a->opts = NULL;
}

const char *
arg_value(const struct args *a, const char *name)
{
	int i;

	for (i = 0; i < a->optc; i++)
		if (strcmp(a->optv[i], name) == 0) {
			if (i + 1 >= a->optc)
				usage();
			return a->optv[i + 1];
		}
	return NULL;
}

int
arg_flag(const struct args *a, const char *name)
{
	int i;

	for (i = 0; i < a->optc; i++)
		if (strcmp(a->optv[i], name) == 0)
			return 1;
	return 0;
}

/*
 * One row: its words and syntax, then its help from column 26 -- beside
 * a short syntax, after one space on a syntax's last line when it fits,
 * or on a line of its own.
 */
static void
usage_row(const struct command *c, FILE *f)
{
	const char *line, *h, *nl;
	size_t col, len;
	int first;

	fprintf(f, "  %s%s%s", c->words, *c->syntax ? " " : "", c->syntax);
	line = strrchr(c->syntax, '\n');
	first = line == NULL;
	col = first ? 2 + strlen(c->words) + (*c->syntax ? 1 : 0) +
	    strlen(c->syntax) : strlen(line + 1);
	if (*c->help == '\0') {
		fputc('\n', f);
		return;
	}
	if (first && col < USAGE_HELP_COL - 2) {
		fprintf(f, "%*s", (int)(USAGE_HELP_COL - 2 - col), "");
		col = USAGE_HELP_COL - 2;
	}
	len = strcspn(c->help, "\n");
	if (col + (first ? 2 : 1) + len > USAGE_WIDTH)
		fprintf(f, "\n%*s", USAGE_HELP_COL, "");
	else
		fputs(first ? "  " : " ", f);
	for (h = c->help; ; h = nl + 1) {
		if (h != c->help)
			fprintf(f, "%*s", USAGE_HELP_COL, "");
		nl = h + strcspn(h, "\n");
		fwrite(h, 1, (size_t)(nl - h), f);
		fputc('\n', f);
		if (*nl == '\0')
			break;
	}
}

void
usage(void)
{
	const struct command *c;

	fprintf(stderr, "usage: planwatchctl [-f file | -s socket] [--json] "
	    "command [args]\ncommands:\n");
	for (c = commands; c->words != NULL; c++)
		usage_row(c, stderr);
	exit(EXIT_USAGE);
}
