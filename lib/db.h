/* db: the data layer.  All SQL of the project lives in lib/db*.c.
 *
 * One connection per process (opened by each worker after fork), in WAL
 * mode with a busy timeout.  Every statement is prepared once, on first use,
 * kept in a static slot for the worker's life, and only ever bound - never
 * built with printf (fossil's db.c does the same).
 *
 * Query results go straight into template scopes: a column's name is the
 * template variable's name, so a handler reads route -> query -> render. */
#ifndef DB_H
#define DB_H

#include <sqlite3.h>
#include <time.h>
#include "tmpl.h"

#define DB_SCHEMA_VERSION 1       /* PRAGMA user_version of schema.sql */

enum db_mode { DB_READONLY, DB_READWRITE };

/* Open path; refuses (-1, reason on stderr) a missing file or a database
 * whose user_version is not DB_SCHEMA_VERSION. */
int db_open(const char *path, enum db_mode mode);
void db_close(void);
sqlite3 *db_handle(void);

/* The statement in *slot, prepared on first use; reset and unbound. */
sqlite3_stmt *db_prepare(sqlite3_stmt **slot, const char *sql);

/* Run a statement that was bound: the columns of its first row into v.
 * 1 row, 0 none, -1 error (logged).  The statement is reset after. */
int db_fill(sqlite3_stmt *st, struct tmpl_vars *v);
/* Every row appended to the list `list` of v.  Count, or -1. */
int db_fill_list(sqlite3_stmt *st, struct tmpl_vars *v, const char *list);

/* PRAGMA data_version: changes when another connection commits. */
long long db_version(void);
/* site.changed_at: the time of the last change to any content. */
time_t db_changed_at(void);

/* Transactions for writers (BEGIN IMMEDIATE). 0 or -1. */
int db_begin(void);
int db_commit(void);
void db_rollback(void);

/* ---- the public pages' queries (lib/db.c) ---- */


#endif
