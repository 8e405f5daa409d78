/* db_ops: the SQL of the operator's commands - backup, check, export.
 * See db.h for the connection; these work on the process's one connection.
 *
 * Row callbacks get the columns as text (NULL stays NULL) and return 0 to
 * go on or -1 to stop; the functions return the number of rows seen, or
 * -1 on a database error (logged) or when a callback stopped them. */
#ifndef DB_OPS_H
#define DB_OPS_H

#include <sqlite3.h>

typedef int (*db_ops_row_fn)(void *ctx, const char *const *col);

/* A consistent copy of the open database into a new file dest (SQLite's
 * online backup API: one read transaction, so writers carry on and the
 * copy is the state of one moment).  0 or -1. */
int db_ops_snapshot(const char *dest);
/* The same from any open connection (admin migrate's own, on a database
 * the programs refuse to open). */
int db_ops_snapshot_of(sqlite3 *src, const char *dest);

/* PRAGMA integrity_check: each message other than "ok" (col[0]). */
int db_ops_integrity(db_ops_row_fn fn, void *ctx);

/* PRAGMA foreign_key_check: table, rowid, parent table (col[0..2]). */
int db_ops_foreign_keys(db_ops_row_fn fn, void *ctx);

/* Every media row, by path: path, sha256, bytes. */
int db_ops_media(db_ops_row_fn fn, void *ctx);
/* The same on the connection h, whatever its schema version (a backup
 * copies a site of an earlier release as it is). */
int db_ops_media_of(sqlite3 *h, db_ops_row_fn fn, void *ctx);

/* Media rows no photo, photo draft or presentation refers to, created before `before`
 * (Unix seconds): id, path. */
int db_ops_unused_media(long long before, db_ops_row_fn fn, void *ctx);

/* Delete the media row id.  1 deleted, 0 still referenced (a foreign key
 * refused it: a table this file does not know about), -1 error. */
int db_ops_media_delete(long long id);

/* Published editions: year, newest first. */
int db_ops_published_years(db_ops_row_fn fn, void *ctx);

#endif
