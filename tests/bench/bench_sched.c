/*
 * bench_sched: load a configuration and its rules and build the schedule,
 * as the daemon does at start and on reload; prints the wall time of each
 * phase, the entry count, an `upcoming --days 365` walk and the peak RSS.
 * Usage: bench_sched CONF [FROM-DATE]
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "calendar.h"
#include "conf.h"
#include "host.h"
#include "rules.h"
#include "sched.h"
#include "util.h"

static const char *const templates[] = {
	"reminder", "overdue", "escalation", "revision", NULL
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
walk_cb(void *arg, const struct sched *s, const struct sched_entry *e)
{
	struct sched_recipients *r = arg;
	size_t n = sched_recipients(s, e, NULL, NULL, r), k;
	struct buf b = { 0 };

	for (k = 0; k < n; k++) {
		sched_format(s, e, &r->v[k], &b);
		buf_reset(&b);
	}
	buf_free(&b);
	return 0;
}

int
main(int argc, char **argv)
{
	struct diag d = { 0 };
	struct config *c;
	struct ruleset *rs;
	struct sched *s;
	struct sched_recipients r = { 0 };
	struct rusage ru;
	double t0, t1, t2, t3, t4;
	int from = calendar_days(2020, 1, 1);
	size_t i, nact = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_sched CONF [FROM-DATE]\n");
		return 2;
	}
	if (argc > 2 && calendar_parse_date(argv[2], &from) == -1)
		return 2;
	t0 = now_ms();
	if ((c = conf_load(host_source(), argv[1], &d)) == NULL ||
	    host_zone_set(c->timezone) != 0) {
		diag_print(&d, stderr);
		return 1;
	}
	t1 = now_ms();
	if ((rs = rules_load_dir(host_source(), c->rules_dir, &c->org,
	    templates, &d)) == NULL) {
		diag_print(&d, stderr);
		return 1;
	}
	s = sched_build(c, rs);
	t2 = now_ms();
	sched_each(s, calendar_local_to_utc(from, 0),
	    calendar_local_to_utc(from + 365, 0), walk_cb, &r);
	t3 = now_ms();
	for (i = 0; i < 100000; i++)
		(void)sched_next(s, calendar_local_to_utc(from, 0) +
		    (time_t)i * 300);
	t4 = now_ms();
	for (i = 0; i < c->nplans; i++)
		nact += c->plans[i].nactivities;
	getrusage(RUSAGE_SELF, &ru);
	printf("activities %zu, entries %zu\n", nact, sched_count(s));
	printf("conf_load %.0f ms, rules + sched_build %.0f ms, "
	    "load + schedule %.0f ms\n", t1 - t0, t2 - t1, t2 - t0);
	printf("upcoming 365 days (expand + format) %.0f ms\n", t3 - t2);
	printf("sched_next %.3f us per call\n", (t4 - t3) * 1000 / 100000);
	printf("peak RSS %.1f MB\n", ru.ru_maxrss / 1024.0);
	sched_recipients_free(&r);
	sched_free(s);
	rules_free(rs);
	conf_free(c);
	diag_free(&d);
	return 0;
}
