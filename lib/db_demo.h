/* db_demo: the schema of a new site database (lib/demo.c).
 *
 * db_open() refuses a file without the schema (its user_version is not
 * DB_SCHEMA_VERSION yet), so schema.sql runs on a connection of its own
 * that is closed again.  The rows then go in through db_open() and
 * lib/db_admin*.c, the same statements an admin's changes use. */
#ifndef DB_DEMO_H
#define DB_DEMO_H

#include <stddef.h>

/* Run schema_sql on the database file at path (empty or new) in one
 * transaction and check that it sets user_version to DB_SCHEMA_VERSION.
 * 0, or -1 (reason in err; the file then holds no schema). */
int db_demo_schema(const char *path, const char *schema_sql, char *err, size_t errsz);

#endif
