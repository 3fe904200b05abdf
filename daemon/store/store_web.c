/*
 * store_web: the people signed links name, and their links' epochs.
 * Store.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

const struct db_sql db_sql_web[] = {
	{ ST_WEB_PERSON_ADD, "INSERT OR IGNORE INTO web_person (email) "
	    "VALUES (?1)" },
	{ ST_WEB_PERSON_GET, "SELECT id, email, epoch, renewed_at "
	    "FROM web_person WHERE email = ?1" },
	{ ST_WEB_PERSON_BY_ID, "SELECT id, email, epoch, renewed_at "
	    "FROM web_person WHERE id = ?1" },
	{ ST_WEB_REVOKE, "UPDATE web_person SET epoch = epoch + 1 "
	    "WHERE id = ?1" },
	{ ST_WEB_RENEWED, "UPDATE web_person SET renewed_at = ?2 "
	    "WHERE id = ?1" },
	{ ST_NSTMTS, NULL }
};

/* One web_person row into *p; 1 found, 0 none, -1 error. */
static int
web_person_row(struct store *s, sqlite3_stmt *st, struct store_web_person *p)
{
	const unsigned char *email;
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		email = sqlite3_column_text(st, 1);
		snprintf(p->email, sizeof(p->email), "%s",
		    email ? (const char *)email : "");
		p->epoch = sqlite3_column_int64(st, 2);
		p->renewed_at = (time_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: web person: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return rc == SQLITE_ROW;
}

int
store_web_person(struct store *s, const char *email, int create,
    struct store_web_person *p)
{
	sqlite3_stmt *st;

	memset(p, 0, sizeof(*p));
	if (create) {
		st = s->st[ST_WEB_PERSON_ADD];
		sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
		if (db_step_done(s, st) != 0)
			return -1;
	}
	st = s->st[ST_WEB_PERSON_GET];
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	return web_person_row(s, st, p);
}

int
store_web_person_by_id(struct store *s, int64_t id,
    struct store_web_person *p)
{
	sqlite3_stmt *st = s->st[ST_WEB_PERSON_BY_ID];

	memset(p, 0, sizeof(*p));
	sqlite3_bind_int64(st, 1, id);
	return web_person_row(s, st, p);
}

int
store_web_revoke(struct store *s, int64_t id)
{
	sqlite3_stmt *st = s->st[ST_WEB_REVOKE];

	sqlite3_bind_int64(st, 1, id);
	return db_step_done(s, st);
}

int
store_web_renewed(struct store *s, int64_t id, time_t at)
{
	sqlite3_stmt *st = s->st[ST_WEB_RENEWED];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)at);
	return db_step_done(s, st);
}
