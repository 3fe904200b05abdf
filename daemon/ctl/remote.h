/*
 * remote: the commands the daemon answers -- for each, what goes into
 * its request and how its reply is printed (the rows of ctl.c's
 * table).  Ctl.
 */
#ifndef PLANWATCH_REMOTE_H
#define PLANWATCH_REMOTE_H

#include <jansson.h>

#include "parser.h"

int	build_backup(json_t *, const struct args *);
int	build_calendar(json_t *, const struct args *);
int	build_debug_time(json_t *, const struct args *);
int	build_followup(json_t *, const struct args *);
int	build_followup_list(json_t *, const struct args *);
int	build_followup_reopen(json_t *, const struct args *);
int	build_ledger(json_t *, const struct args *);
int	build_outbox(json_t *, const struct args *);
int	build_outbox_retry(json_t *, const struct args *);
int	build_plan_show(json_t *, const struct args *);
int	build_report_close(json_t *, const struct args *);
int	build_report_id(json_t *, const struct args *);
int	build_report_list(json_t *, const struct args *);
int	build_report_purge(json_t *, const struct args *);
int	build_report_text(json_t *, const struct args *);
int	build_upcoming(json_t *, const struct args *);
int	build_web_person(json_t *, const struct args *);

void	print_backup(json_t *, const void *);
void	print_calendar(json_t *, const void *);
void	print_done(json_t *, const void *);
void	print_followup(json_t *, const void *);
void	print_followup_list(json_t *, const void *);
void	print_followup_reopen(json_t *, const void *);
void	print_ledger(json_t *, const void *);
void	print_outbox(json_t *, const void *);
void	print_outbox_retry(json_t *, const void *);
void	print_plan_list(json_t *, const void *);
void	print_plan_show(json_t *, const void *);
void	print_reload(json_t *, const void *);
void	print_report_list(json_t *, const void *);
void	print_report_purge(json_t *, const void *);
void	print_report_show(json_t *, const void *);
void	print_report_submit(json_t *, const void *);
void	print_route(json_t *, const void *);
void	print_status(json_t *, const void *);
void	print_time(json_t *, const void *);
void	print_upcoming(json_t *, const void *);
void	print_web_link(json_t *, const void *);
void	print_web_revoke(json_t *, const void *);
void	print_web_rotate_key(json_t *, const void *);

/* stats: one request per dimension with --year. */
int	cmd_stats(const struct args *);

#endif
