/*
 * store_report: concern reports, who they were routed to, their
 * acknowledgement, escalation, closing and purging, and statistics.
 * Store.
 */
#include <string.h>

#include "log.h"
#include "store_int.h"

const struct db_sql db_sql_report[] = {
	{ ST_INTAKE_SEEN, "SELECT s.report, r.received_at FROM intake_seen s "
	    "JOIN report r ON r.id = s.report WHERE s.key = ?1" },
	{ ST_INTAKE_SEEN_ADD, "INSERT INTO intake_seen (key, report, seen_at) "
	    "VALUES (?1, ?2, ?3)" },
	{ ST_REPORT_ADD, "INSERT INTO report (received_at, source, event_date, "
	    "unit, place_type, kind, milieu, concerns_minor, urgency, "
	    "police_informed, social_services_informed, description, ack_due, "
	    "next_escalation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?13)" },
	{ ST_REPORT_ROUTE_ADD, "INSERT OR IGNORE INTO report_route (report, "
	    "recipient, role) VALUES (?1, ?2, ?3)" },
	{ ST_REPORT_GET, "SELECT id, received_at, source, event_date, unit, "
	    "place_type, kind, milieu, concerns_minor, urgency, police_informed, "
	    "social_services_informed, description, ack_due, escalations, "
	    "acked_at, acked_by, closed_at, closed_by, outcome, purged_at "
	    "FROM report WHERE id = ?1" },
	{ ST_REPORT_LIST, "SELECT id, received_at, event_date, unit, "
	    "place_type, kind, milieu, urgency, ack_due, acked_at, closed_at, "
	    "outcome FROM report r WHERE (?1 = 0 OR closed_at IS NULL) AND "
	    "(?2 IS NULL OR EXISTS (SELECT 1 FROM report_route t WHERE "
	    "t.report = r.id AND t.recipient = ?2)) ORDER BY id" },
	{ ST_REPORT_ROUTES, "SELECT recipient, role FROM report_route "
	    "WHERE report = ?1 ORDER BY rowid" },
	{ ST_REPORT_ACK, "UPDATE report SET acked_at = ?2, acked_by = ?3, "
	    "next_escalation = NULL WHERE id = ?1 AND acked_at IS NULL" },
	{ ST_REPORT_CLOSE, "UPDATE report SET closed_at = ?2, closed_by = ?3, "
	    "outcome = ?4, acked_at = coalesce(acked_at, ?2), acked_by = "
	    "coalesce(acked_by, ?3), next_escalation = NULL "
	    "WHERE id = ?1 AND closed_at IS NULL" },
	{ ST_REPORT_ESC_DUE, "SELECT id, escalations, urgency, received_at "
	    "FROM report WHERE acked_at IS NULL AND next_escalation <= ?1 "
	    "ORDER BY next_escalation" },
	{ ST_REPORT_ESC_SET, "UPDATE report SET escalations = ?2, "
	    "next_escalation = ?3 WHERE id = ?1" },
	{ ST_REPORT_ESC_NEXT, "SELECT min(next_escalation) FROM report "
	    "WHERE acked_at IS NULL" },
	{ ST_REPORT_PURGE_LIST, "SELECT id, closed_at FROM report WHERE "
	    "closed_at IS NOT NULL AND closed_at <= ?1 AND purged_at IS NULL "
	    "ORDER BY id" },
	{ ST_REPORT_PURGE, "UPDATE report SET description = NULL, "
	    "purged_at = ?2 WHERE closed_at IS NOT NULL AND closed_at <= ?1 "
	    "AND purged_at IS NULL" },
	{ ST_STATS_MONTH, "SELECT substr(event_date, 1, 7) AS k, count(*) "
	    "FROM report WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k" },
	{ ST_STATS_MILIEU, "SELECT milieu AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k" },
	{ ST_STATS_KIND, "SELECT kind AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k" },
	{ ST_STATS_UNIT, "SELECT unit AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k" },
	{ ST_STATS_PLACE, "SELECT place_type AS k, count(*) FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 GROUP BY k ORDER BY k" },
	{ ST_STATS_ACK, "SELECT acked_at - received_at FROM report "
	    "WHERE event_date BETWEEN ?1 AND ?2 AND acked_at IS NOT NULL "
	    "ORDER BY 1" },
	{ ST_NSTMTS, NULL }
};

int64_t
store_intake_seen(struct store *s, const char *key, time_t *received)
{
	sqlite3_stmt *st = s->st[ST_INTAKE_SEEN];
	int64_t report = 0;
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report = sqlite3_column_int64(st, 0);
		*received = (time_t)sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE) {
		log_warnx("store: intake: %s", sqlite3_errmsg(s->db));
		report = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return report;
}

int
store_intake_seen_add(struct store *s, const char *key, int64_t report,
    time_t at)
{
	sqlite3_stmt *st = s->st[ST_INTAKE_SEEN_ADD];

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, report);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	return db_step_done(s, st);
}

int64_t
store_report_add(struct store *s, const struct store_report *r)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ADD];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)r->received_at);
	sqlite3_bind_text(st, 2, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->event_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->place_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->milieu, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, r->concerns_minor);
	sqlite3_bind_text(st, 9, r->urgency, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, r->police_informed);
	sqlite3_bind_int(st, 11, r->social_services_informed);
	sqlite3_bind_text(st, 12, r->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)r->ack_due);
	if (db_step_done(s, st) != 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_report_route_add(struct store *s, int64_t report, const char *recipient,
    const char *role)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ROUTE_ADD];

	sqlite3_bind_int64(st, 1, report);
	sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	return db_step_done(s, st);
}

/* Column text, "" for NULL. */
static const char *
col_str(sqlite3_stmt *st, int i)
{
	const char *v = db_text(st, i);

	return v != NULL ? v : "";
}

/* The columns of ST_REPORT_GET, description (12) left out. */
static void
report_row(sqlite3_stmt *st, struct store_report *r)
{
	r->received_at = (time_t)sqlite3_column_int64(st, 1);
	r->source = col_str(st, 2);
	r->event_date = col_str(st, 3);
	r->unit = col_str(st, 4);
	r->place_type = col_str(st, 5);
	r->kind = col_str(st, 6);
	r->milieu = col_str(st, 7);
	r->concerns_minor = sqlite3_column_int(st, 8);
	r->urgency = col_str(st, 9);
	r->police_informed = sqlite3_column_int(st, 10);
	r->social_services_informed = sqlite3_column_int(st, 11);
	r->description = NULL;
	r->ack_due = (time_t)sqlite3_column_int64(st, 13);
}

int
store_report_read(struct store *s, int64_t id, store_report_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_GET];
	struct store_report r;
	int rc, found = 0;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_row(st, &r);
		fn(arg, sqlite3_column_int64(st, 0), &r);
		found = 1;
	}
	return db_end(s, st, rc) == 0 ? found : -1;
}

int
store_report_get(struct store *s, int64_t id, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_GET];

	sqlite3_bind_int64(st, 1, id);
	return db_rows(s, st, fn, arg);
}

int
store_report_routes(struct store *s, int64_t id, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ROUTES];

	sqlite3_bind_int64(st, 1, id);
	return db_rows(s, st, fn, arg);
}

int
store_report_list(struct store *s, int open_only, const char *recipient,
    store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_LIST];

	sqlite3_bind_int(st, 1, open_only);
	if (recipient != NULL)
		sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
	return db_rows(s, st, fn, arg);
}

int
store_report_ack(struct store *s, int64_t id, const char *who, time_t now)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ACK];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
	if (db_step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_report_close(struct store *s, int64_t id, const char *outcome,
    const char *who, time_t now)
{
	sqlite3_stmt *st = s->st[ST_REPORT_CLOSE];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, outcome, -1, SQLITE_STATIC);
	if (db_step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

/* A row of ST_REPORT_ESC_DUE, column by column. */
static void
escalation_row(sqlite3_stmt *st, struct store_escalation *e)
{
	e->id = sqlite3_column_int64(st, 0);
	e->level = sqlite3_column_int(st, 1);
	e->urgency = db_text(st, 2);
	e->received_at = (time_t)sqlite3_column_int64(st, 3);
}

int
store_report_escalations_due(struct store *s, time_t now,
    store_escalation_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ESC_DUE];
	struct store_escalation e;
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		escalation_row(st, &e);
		fn(arg, &e);
	}
	return db_end(s, st, rc);
}

int
store_report_set_escalation(struct store *s, int64_t id, int level,
    time_t next)
{
	sqlite3_stmt *st = s->st[ST_REPORT_ESC_SET];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, level);
	if (next != 0)
		sqlite3_bind_int64(st, 3, (sqlite3_int64)next);
	return db_step_done(s, st);
}

int
store_report_next_escalation(struct store *s, time_t *next)
{
	return db_query_time(s, ST_REPORT_ESC_NEXT, next);
}

int
store_report_purge(struct store *s, time_t closed_before, time_t now,
    int dry_run, store_row_cb *fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_REPORT_PURGE_LIST];

	sqlite3_bind_int64(st, 1, (sqlite3_int64)closed_before);
	if (db_rows(s, st, fn, arg) != 0)
		return -1;
	if (dry_run)
		return 0;
	st = s->st[ST_REPORT_PURGE];
	sqlite3_bind_int64(st, 1, (sqlite3_int64)closed_before);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if (db_step_done(s, st) != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_report_stats(struct store *s, const char *by, const char *from,
    const char *to, store_row_cb *fn, void *arg)
{
	static const struct {
		const char	*by;
		enum stmt	 st;
	} dims[] = {
		{ "month", ST_STATS_MONTH }, { "milieu", ST_STATS_MILIEU },
		{ "kind", ST_STATS_KIND }, { "unit", ST_STATS_UNIT },
		{ "place", ST_STATS_PLACE }, { "ack", ST_STATS_ACK },
	};
	sqlite3_stmt *st = NULL;
	size_t i;

	for (i = 0; i < sizeof(dims) / sizeof(dims[0]); i++)
		if (strcmp(dims[i].by, by) == 0)
			st = s->st[dims[i].st];
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	return db_rows(s, st, fn, arg);
}
