/*
 * sqlite_ref: this machine's raw durable SQLite insert rate, the
 * reference for the report intake benchmark (tests/bench/intake.bench).
 *
 * A fresh database file in DIR, journal_mode=WAL and synchronous=FULL as
 * the daemon opens its own (daemon/store/store.c), a table shaped like the
 * daemon's report table (an INTEGER PRIMARY KEY, the report's short TEXT
 * and INTEGER columns and a 100-byte description), and one prepared
 * INSERT per BEGIN IMMEDIATE ... COMMIT, so every row costs a WAL append
 * and an fsync, for SECONDS seconds.  With ROWS_PER_COMMIT above 1 it
 * measures group commit instead: that many INSERTs per transaction.
 * Prints one line: rows, transactions, seconds, rows per second.
 *
 *	sqlite_ref DIR [SECONDS [ROWS_PER_COMMIT]]
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "sqlite_ref: %s: %s\n", what,
		    sqlite3_errmsg(db));
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	sqlite3 *db;
	sqlite3_stmt *ins, *begin, *commit;
	char path[4096], desc[101];
	double start, deadline, elapsed;
	long rows = 0, txns = 0;
	int seconds = 10, batch = 1, i;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: sqlite_ref DIR [SECONDS "
		    "[ROWS_PER_COMMIT]]\n");
		return 2;
	}
	if (argc > 2)
		seconds = atoi(argv[2]);
	if (argc > 3)
		batch = atoi(argv[3]);
	if (seconds < 1 || seconds > 3600 || batch < 1 || batch > 100000) {
		fprintf(stderr, "sqlite_ref: bad seconds or rows per commit\n");
		return 2;
	}
	if (snprintf(path, sizeof(path), "%s/sqlite_ref.db", argv[1]) >=
	    (int)sizeof(path)) {
		fprintf(stderr, "sqlite_ref: path too long\n");
		return 2;
	}
	unlink(path);
	memset(desc, 'x', 100);
	desc[100] = '\0';
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "sqlite_ref: %s: %s\n", path,
		    sqlite3_errmsg(db));
		return 1;
	}
	check(db, sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "CREATE TABLE report ("
	    "  id INTEGER PRIMARY KEY,"
	    "  received_at INTEGER NOT NULL,"
	    "  source TEXT NOT NULL,"
	    "  event_date TEXT NOT NULL,"
	    "  unit TEXT NOT NULL,"
	    "  place_type TEXT NOT NULL,"
	    "  kind TEXT NOT NULL,"
	    "  milieu TEXT NOT NULL,"
	    "  concerns_minor INTEGER NOT NULL,"
	    "  urgency TEXT NOT NULL,"
	    "  description TEXT);", NULL, NULL, NULL), "create");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO report (received_at, "
	    "source, event_date, unit, place_type, kind, milieu, "
	    "concerns_minor, urgency, description) VALUES "
	    "(?1, 'intranet', '2026-11-20', 'aldreomsorg', 'aldreboende', "
	    "'handelse', 'okand', 0, 'normal', ?2)", -1, &ins, NULL),
	    "prepare");
	check(db, sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL),
	    "prepare");
	check(db, sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL),
	    "prepare");
	start = now_s();
	deadline = start + seconds;
	while (now_s() < deadline) {
		check(db, sqlite3_step(begin), "begin");
		sqlite3_reset(begin);
		for (i = 0; i < batch; i++) {
			sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
			sqlite3_bind_text(ins, 2, desc, 100, SQLITE_STATIC);
			check(db, sqlite3_step(ins), "insert");
			sqlite3_reset(ins);
			rows++;
		}
		check(db, sqlite3_step(commit), "commit");
		sqlite3_reset(commit);
		txns++;
	}
	elapsed = now_s() - start;
	printf("sqlite_ref: %d row(s) per commit: %ld rows, %ld "
	    "transactions, %.2f s, rows per second %.1f\n", batch, rows, txns,
	    elapsed, (double)rows / elapsed);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	unlink(path);
	return 0;
}
