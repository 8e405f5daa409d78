/* db_migrate: schema migrations.  See db_migrate.h. */
#include "db_migrate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_ops.h"

/* How long the upgrade waits for a program's write lock (ms). */
#define DB_MIGRATE_BUSY_MS 10000

static void set_err(char *err, size_t errsz, const char *what, sqlite3 *h)
{
	snprintf(err, errsz, "%s: %s", what, h ? sqlite3_errmsg(h) : "out of memory");
}

static int exec(sqlite3 *h, const char *sql, const char *what, char *err,
		size_t errsz)
{
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	set_err(err, errsz, what, h);
	return -1;
}

/* The first column of the one-row statement sql as an integer; `none`
 * when it has no row, -1 on error. */
static long long query_int(sqlite3 *h, const char *sql, long long none,
			   char *err, size_t errsz)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		set_err(err, errsz, sql, h);
		return -1;
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		v = none;
	else
		set_err(err, errsz, sql, h);
	sqlite3_finalize(st);
	return v;
}

int db_migrate_version(sqlite3 *h, char *err, size_t errsz)
{
	return (int)query_int(h, "PRAGMA user_version", -1, err, errsz);
}

int db_migrate_check(const struct db_migration *steps, int n, int from,
		     char *err, size_t errsz)
{
	for (int i = 0; i < n; i++) {
		if (steps[i].version != from + 1 + i) {
			snprintf(err, errsz, "migration %s: makes version %d, "
				 "expected %d (numbered without a gap from %03d)",
				 steps[i].name, steps[i].version, from + 1 + i,
				 from + 1);
			return -1;
		}
	}
	return 0;
}

/* One step inside its transaction: the SQL, no foreign key left dangling,
 * the new version.  The SQL must not end the transaction itself. */
static int step_body(sqlite3 *h, const struct db_migration *m, char *err,
		     size_t errsz)
{
	char pragma[64];
	if (exec(h, m->sql, m->name, err, errsz) < 0)
		return -1;
	if (sqlite3_get_autocommit(h)) {
		snprintf(err, errsz, "%s: ends the transaction itself (no BEGIN "
			 "or COMMIT in a migration)", m->name);
		return -1;
	}
	long long bad = query_int(h, "SELECT count(*) FROM pragma_foreign_key_check",
				  0, err, errsz);
	if (bad != 0) {
		if (bad > 0)
			snprintf(err, errsz, "%s: leaves rows whose foreign keys "
				 "point nowhere", m->name);
		return -1;
	}
	/* A PRAGMA takes no parameters; the number is the step's own. */
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
	return exec(h, pragma, m->name, err, errsz);
}

static int apply_one(sqlite3 *h, const struct db_migration *m, char *err,
		     size_t errsz)
{
	if (exec(h, "BEGIN IMMEDIATE", "begin", err, errsz) < 0)
		return -1;
	if (step_body(h, m, err, errsz) < 0 ||
	    exec(h, "COMMIT", m->name, err, errsz) < 0) {
		if (!sqlite3_get_autocommit(h))
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int db_migrate_apply(sqlite3 *h, const struct db_migration *steps, int n,
		     void (*report)(const struct db_migration *m, void *ctx),
		     void *ctx, char *err, size_t errsz)
{
	int v = db_migrate_version(h, err, errsz);
	if (v < 0)
		return -1;
	/* Off outside a transaction only: a table rebuild must not cascade
	 * deletes; foreign_key_check stands in for it. */
	if (exec(h, "PRAGMA foreign_keys = OFF", "foreign_keys", err, errsz) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (steps[i].version <= v)
			continue;
		if (steps[i].version != v + 1) {
			snprintf(err, errsz, "no migration to version %d", v + 1);
			return -1;
		}
		if (apply_one(h, &steps[i], err, errsz) < 0)
			return -1;
		v = steps[i].version;
		if (report)
			report(&steps[i], ctx);
	}
	return v;
}

int db_migrate_backup(sqlite3 *h, const char *src_path, const char *dest,
		      char *err, size_t errsz)
{
	struct stat st;
	/* O_EXCL: never overwrite an earlier copy. */
	int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", dest, strerror(errno));
		return -1;
	}
	close(fd);
	if (db_ops_snapshot_of(h, dest) < 0)
		snprintf(err, errsz, "%s: the copy failed (see above)", dest);
	else if (stat(src_path, &st) == 0 && chmod(dest, st.st_mode & 0777) < 0)
		snprintf(err, errsz, "%s: %s", dest, strerror(errno));
	else
		return 0;
	unlink(dest);
	return -1;
}

/* PATH.vFROM-YYYYMMDDTHHMMSSZ.bak */
static int backup_name(char *out, size_t n, const char *path, int from)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	return (size_t)snprintf(out, n, "%s.v%d-%s.bak", path, from, stamp) < n ? 0 : -1;
}

/* Version check, copy (when copy), steps: on an open connection. */
static enum db_migrate_outcome upgrade(sqlite3 *h, const char *path, int copy,
		const struct db_migration *steps, int n,
		void (*report)(const struct db_migration *m, void *ctx), void *ctx,
		struct db_migrate_result *res, char *err, size_t errsz)
{
	int target = n > 0 ? steps[n - 1].version : DB_MIGRATE_FIRST_VERSION;
	if (db_migrate_check(steps, n, DB_MIGRATE_FIRST_VERSION, err, errsz) < 0 ||
	    (res->from = res->to = db_migrate_version(h, err, errsz)) < 0)
		return DB_MIGRATE_FAILED;
	if (res->from > target) {
		snprintf(err, errsz, "%s has schema version %d, newer than this "
			 "release's %d: it was written by a later release. Use "
			 "that release's programs; nothing was changed.",
			 path, res->from, target);
		return DB_MIGRATE_NEWER;
	}
	if (res->from < DB_MIGRATE_FIRST_VERSION) {
		snprintf(err, errsz, "%s is not a site database (schema version "
			 "%d); nothing was changed", path, res->from);
		return DB_MIGRATE_FAILED;
	}
	if (res->from == target)
		return DB_MIGRATE_CURRENT;
	if (copy && (backup_name(res->backup, sizeof res->backup, path, res->from) < 0 ||
	    db_migrate_backup(h, path, res->backup, err, errsz) < 0)) {
		res->backup[0] = '\0';
		return DB_MIGRATE_FAILED;
	}
	int v = db_migrate_apply(h, steps, n, report, ctx, err, errsz);
	char ignored[64];
	res->to = v < 0 ? db_migrate_version(h, ignored, sizeof ignored) : v;
	return v < 0 ? DB_MIGRATE_FAILED : DB_MIGRATE_UPGRADED;
}

static enum db_migrate_outcome run(const char *path, int copy,
		const struct db_migration *steps, int n,
		void (*report)(const struct db_migration *m, void *ctx), void *ctx,
		struct db_migrate_result *res, char *err, size_t errsz)
{
	sqlite3 *h = NULL;
	enum db_migrate_outcome o = DB_MIGRATE_FAILED;
	memset(res, 0, sizeof *res);
	res->from = res->to = -1;
	/* No SQLITE_OPEN_CREATE: a mistyped path is an error, not a new
	 * empty database. */
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		set_err(err, errsz, path, h);
	else {
		sqlite3_busy_timeout(h, DB_MIGRATE_BUSY_MS);
		o = upgrade(h, path, copy, steps, n, report, ctx, res, err, errsz);
	}
	sqlite3_close(h);
	return o;
}

enum db_migrate_outcome db_migrate_run(const char *path,
		const struct db_migration *steps, int n,
		void (*report)(const struct db_migration *m, void *ctx), void *ctx,
		struct db_migrate_result *res, char *err, size_t errsz)
{
	return run(path, 1, steps, n, report, ctx, res, err, errsz);
}

enum db_migrate_outcome db_migrate_restored(const char *path,
		const struct db_migration *steps, int n,
		struct db_migrate_result *res, char *err, size_t errsz)
{
	return run(path, 0, steps, n, NULL, NULL, res, err, errsz);
}
