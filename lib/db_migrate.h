/* db_migrate: schema migrations - a site made by any earlier release is
 * brought to this release's schema, one numbered step at a time.
 *
 * A step is schema/migrations/NNN-slug.sql: plain SQL (no BEGIN, COMMIT or
 * PRAGMA user_version) that turns a database of version NNN - 1 into
 * version NNN.  Version 1 is the first release's schema.sql; the first
 * step is 002.  The Makefile builds every file into the programs
 * (schema/embed.sh writes db_migrate_builtin), so an installed program
 * needs no file besides the database, and adding a step is adding its
 * file (and the same change to schema.sql, which stays the whole schema
 * for new sites).
 *
 * Each step runs in one transaction on a connection of its own, with
 * foreign keys off (a table rebuild, SQLite's documented way to change a
 * column, needs that) and PRAGMA foreign_key_check before it commits; the
 * new user_version is written in the same transaction.  A failing step
 * leaves the database at the version before it, with its data. */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

#include <stddef.h>
#include <sqlite3.h>

#define DB_MIGRATE_FIRST_VERSION 1   /* the first release's schema */

struct db_migration {
	int version;            /* the user_version it produces */
	const char *name;       /* "002-video-captions.sql", for messages */
	const char *sql;
};

/* The steps built in, in order (db_migrate_builtin_count of them), and
 * the version they reach: the one every program needs (DB_SCHEMA_VERSION). */
extern const struct db_migration db_migrate_builtin[];
extern const int db_migrate_builtin_count;
extern const int db_schema_version;

/* The database's user_version, or -1 (reason in err). */
int db_migrate_version(sqlite3 *h, char *err, size_t errsz);

/* Check that steps[0..n) produce versions from..from+n-1 in order, each
 * one higher than the last.  0, or -1 (reason in err). */
int db_migrate_check(const struct db_migration *steps, int n, int from,
		     char *err, size_t errsz);

/* Apply to h, in order, every step whose version is above h's; each in
 * its own transaction.  report (may be NULL) is called after each step
 * that committed.  The version reached, or -1 (reason in err; the steps
 * before the failing one stay applied). */
int db_migrate_apply(sqlite3 *h, const struct db_migration *steps, int n,
		     void (*report)(const struct db_migration *m, void *ctx),
		     void *ctx, char *err, size_t errsz);

/* A consistent copy of h's main database written to the new file dest
 * (SQLite's online backup API), with the mode of the file src_path.  0,
 * or -1 (reason in err; dest is removed). */
int db_migrate_backup(sqlite3 *h, const char *src_path, const char *dest,
		      char *err, size_t errsz);

/* What db_migrate_run did. */
enum db_migrate_outcome {
	DB_MIGRATE_UPGRADED,    /* from -> to, backup written */
	DB_MIGRATE_CURRENT,     /* nothing to do, nothing written */
	DB_MIGRATE_NEWER,       /* made by a later release: refused, untouched */
	DB_MIGRATE_FAILED       /* see err; a step that failed was rolled back */
};

struct db_migrate_result {
	int from, to;           /* versions before and after */
	char backup[4096];      /* the copy's path ("" when none was made) */
};

/* The whole upgrade of the database file at path to the last of steps:
 * open it (never create), refuse a newer or foreign file, write the copy
 * "PATH.vFROM-YYYYMMDDTHHMMSSZ.bak" beside it, apply the steps.  report
 * as for db_migrate_apply. */
enum db_migrate_outcome db_migrate_run(const char *path,
		const struct db_migration *steps, int n,
		void (*report)(const struct db_migration *m, void *ctx), void *ctx,
		struct db_migrate_result *res, char *err, size_t errsz);

/* The same for a database just unpacked from a backup (lib/backup.h),
 * before it goes into place: no copy is written, since the backup file
 * holds the database as it was, checked by its hash, and a restore that
 * fails leaves nothing behind.  res->backup stays "". */
enum db_migrate_outcome db_migrate_restored(const char *path,
		const struct db_migration *steps, int n,
		struct db_migrate_result *res, char *err, size_t errsz);

#endif
