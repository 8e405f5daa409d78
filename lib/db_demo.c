/* db_demo: the schema of a new site database.  See db_demo.h. */
#include "db_demo.h"

#include <sqlite3.h>
#include <stdio.h>

#include "db.h"

static void set_err(char *err, size_t errsz, const char *what, sqlite3 *h)
{
	snprintf(err, errsz, "%s: %s", what, h ? sqlite3_errmsg(h) : "out of memory");
}

static int exec(sqlite3 *h, const char *sql, const char *what, char *err, size_t errsz)
{
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	set_err(err, errsz, what, h);
	return -1;
}

/* A schema.sql of another version must not become a site database that
 * every program then refuses to open. */
static int check_version(sqlite3 *h, char *err, size_t errsz)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
		set_err(err, errsz, "user_version", h);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		set_err(err, errsz, "user_version", h);
	sqlite3_finalize(st);
	if (v >= 0 && v != DB_SCHEMA_VERSION)
		snprintf(err, errsz, "schema: user_version is %d, this program needs %d",
				v, DB_SCHEMA_VERSION);
	return v == DB_SCHEMA_VERSION ? 0 : -1;
}

int db_demo_schema(const char *path, const char *schema_sql, char *err, size_t errsz)
{
	sqlite3 *h = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			NULL) != SQLITE_OK)
		set_err(err, errsz, path, h);
	/* One transaction: one sync instead of one per statement.  Closing
	 * without COMMIT rolls everything back. */
	else if (exec(h, "BEGIN IMMEDIATE", "begin", err, errsz) == 0 &&
		 exec(h, schema_sql, "schema", err, errsz) == 0 &&
		 check_version(h, err, errsz) == 0 &&
		 exec(h, "COMMIT", "commit", err, errsz) == 0)
		rc = 0;
	sqlite3_close(h);
	return rc;
}
