/*
 * store_kv: small persistent integers by name (scheduler progress and
 * such).  Store.
 */
#include "log.h"
#include "store_int.h"

const struct db_sql db_sql_kv[] = {
	{ ST_KV_GET, "SELECT value FROM kv WHERE key = ?1" },
	{ ST_KV_SET, "INSERT INTO kv (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value" },
	{ ST_NSTMTS, NULL }
};

int
store_kv_get(struct store *s, const char *key, int64_t *value)
{
	sqlite3_stmt *st = s->st[ST_KV_GET];
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("store: kv %s: %s", key, sqlite3_errmsg(s->db));
		return -1;
	}
	return rc == SQLITE_ROW ? 1 : 0;
}

int
store_kv_set(struct store *s, const char *key, int64_t value)
{
	sqlite3_stmt *st = s->st[ST_KV_SET];

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	return db_step_done(s, st);
}
