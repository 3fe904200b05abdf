/*
 * parser: planwatchctl's grammar.  Every command is one row of a table
 * (ctl.c): its words, the arguments that follow them as the usage shows
 * them, its help, and either the daemon's request or a function that
 * works without the daemon.  The arguments are checked against the
 * row's own syntax and the usage is printed from the rows, so what is
 * accepted and what the usage says cannot drift apart.
 *
 * The syntax, after the words: NAME is an argument (A|B: one of them),
 * [NAME] one that may be left out, [x NAME | y NAME] a choice of words
 * and arguments that may be left out, --opt VALUE an option that must be
 * given, [--opt VALUE] and [--flag] options that may be.  A line break
 * and its indentation are kept as they are for the usage; a value that
 * ends in '|' goes on after the break.  Ctl.
 */
#ifndef PLANWATCH_PARSER_H
#define PLANWATCH_PARSER_H

#include <jansson.h>

#define EXIT_USAGE	2

/* Arguments first, then options (as most commands take them). */
#define ARGS_FIRST	0
/* Options and arguments in any order; what starts with '-' is an option. */
#define ARGS_MIXED	1

#define ARGS_MAX	4	/* arguments of one command, at most */

/* One option given, in command-line order (ARGS_MIXED). */
struct arg_opt {
	const char	*name;		/* as the syntax spells it */
	const char	*value;		/* NULL for a flag */
};

/* A command line, checked against its row. */
struct args {
	const struct command *cmd;
	const char	*pos[ARGS_MAX];	/* the arguments, in order */
	int		 npos;
	char	       **optv;		/* what follows them (ARGS_FIRST) */
	int		 optc;
	struct arg_opt	*opts;		/* every option given (ARGS_MIXED) */
	int		 nopts;
};

struct command {
	const char	*words;		/* "outbox retry" */
	const char	*syntax;	/* what follows them; "" for nothing */
	const char	*help;		/* "" for none; lines end in '\n' */
	/*
	 * The daemon's command ("cmd" of the request), or NULL for a
	 * command that needs no daemon.
	 */
	const char	*request;
	/* Adds the arguments to the request; -1 (said why) to give up. */
	int		(*build)(json_t *req, const struct args *);
	/* Prints a good reply (unless --json); the context is the args. */
	void		(*print)(json_t *reply, const void *ctx);
	/* Does the whole command itself: offline, or many requests. */
	int		(*run)(const struct args *);
	int		 order;		/* ARGS_FIRST or ARGS_MIXED */
	/* Other spellings of options, in pairs: "--output", "-o", NULL. */
	const char *const *aliases;
};

/* The command line's global options. */
struct ctl_options {
	const char	*conf_path;	/* -f, or the default */
	const char	*sock_path;	/* -s, or NULL: the configuration's */
	int		 conf_given;	/* -f was given */
	int		 json_out;	/* --json */
};

extern struct ctl_options ctl;
extern const struct command commands[];	/* ends with a row of NULLs */

/* Prints the usage, made from the table, and exits 2. */
void		 usage(void) __attribute__((noreturn));
/*
 * The row whose words begin argv (the one with most words), and the
 * arguments after them checked against its syntax into `a`; exits with
 * the usage when they do not fit.
 */
const struct command *cmd_parse(int argc, char **argv, struct args *a);
void		 args_free(struct args *a);

/*
 * Options of an ARGS_FIRST command: the value of the first --name (the
 * usage when it is last), whether a flag is given.
 */
const char	*arg_value(const struct args *a, const char *name);
int		 arg_flag(const struct args *a, const char *name);

#endif
