/*
 * local: the commands that need no daemon -- they read the
 * configuration and the files themselves (the rows of ctl.c's table
 * with no request).  Ctl.
 */
#ifndef PLANWATCH_LOCAL_H
#define PLANWATCH_LOCAL_H

#include "parser.h"

int	cmd_check(const struct args *);
int	cmd_export_ics(const struct args *);
int	cmd_plan_import(const struct args *);
int	cmd_restore(const struct args *);
int	cmd_token_new(const struct args *);

/* An absolute path for the daemon, which has another working directory. */
char	*absolute_path(const char *p);

#endif
