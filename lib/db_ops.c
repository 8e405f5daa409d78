/* db_ops: the operator commands' SQL.  See db_ops.h. */
#include "db_ops.h"

#include <stdio.h>
#include <time.h>

#include "db.h"

#define DB_OPS_COLS_MAX 8
#define DB_OPS_BUSY_WAIT_MS 50    /* between backup steps a writer holds */
#define DB_OPS_BUSY_TRIES 600     /* 30 s of a locked source at most */

static void log_err(const char *what)
{
	db_log_error("db_ops", what);
}

/* Step q to its end, each row's columns handed to fn as text. */
static int each(sqlite3_stmt *q, db_ops_row_fn fn, void *ctx)
{
	const char *col[DB_OPS_COLS_MAX];
	int n = 0, rc, stopped = 0, ncol = sqlite3_column_count(q);
	if (ncol > DB_OPS_COLS_MAX)
		ncol = DB_OPS_COLS_MAX;
	while (!stopped && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++)
			col[i] = (const char *)sqlite3_column_text(q, i);
		stopped = fn(ctx, col) < 0;
		n++;
	}
	if (!stopped && rc != SQLITE_DONE)
		fprintf(stderr, "db_ops: %s: %s\n", sqlite3_sql(q),
			sqlite3_errmsg(sqlite3_db_handle(q)));
	sqlite3_reset(q);
	return stopped || rc != SQLITE_DONE ? -1 : n;
}

static int each_sql(sqlite3_stmt **slot, const char *sql, db_ops_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = db_prepare(slot, sql);
	return q ? each(q, fn, ctx) : -1;
}

static void nap(void)
{
	struct timespec ts = { 0, DB_OPS_BUSY_WAIT_MS * 1000000L };
	nanosleep(&ts, NULL);
}

/* sqlite3_backup_step(-1) copies every page inside one read transaction
 * of the source: the copy is consistent even while the admin writes
 * (https://sqlite.org/backup.html).  BUSY/LOCKED: a writer's checkpoint,
 * try again shortly. */
int db_ops_snapshot(const char *dest)
{
	return db_ops_snapshot_of(db_handle(), dest);
}

int db_ops_snapshot_of(sqlite3 *src, const char *dest)
{
	sqlite3 *to = NULL;
	int rc = sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	sqlite3_backup *b = rc == SQLITE_OK ?
		sqlite3_backup_init(to, "main", src, "main") : NULL;
	if (!b) {
		fprintf(stderr, "db_ops: backup into %s: %s\n", dest,
			to ? sqlite3_errmsg(to) : "cannot open");
		sqlite3_close(to);
		return -1;
	}
	int tries = 0;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		if (++tries > DB_OPS_BUSY_TRIES)
			break;
		nap();
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "db_ops: backup into %s: %s\n", dest, sqlite3_errstr(rc));
	/* The copy carries the source's WAL flag; closing checkpoints it, so
	 * dest is one self-contained file. */
	return sqlite3_close(to) == SQLITE_OK && rc == SQLITE_DONE ? 0 : -1;
}

static int not_ok(void *ctx, const char *const *col)
{
	struct { db_ops_row_fn fn; void *ctx; int bad; } *f = ctx;
	if (col[0] && col[0][0] == 'o' && col[0][1] == 'k' && !col[0][2])
		return 0;
	f->bad++;
	return f->fn(f->ctx, col);
}

int db_ops_integrity(db_ops_row_fn fn, void *ctx)
{
	static sqlite3_stmt *st;
	struct { db_ops_row_fn fn; void *ctx; int bad; } f = { fn, ctx, 0 };
	int n = each_sql(&st, "PRAGMA integrity_check", not_ok, &f);
	return n < 0 ? -1 : f.bad;
}

int db_ops_foreign_keys(db_ops_row_fn fn, void *ctx)
{
	static sqlite3_stmt *st;
	return each_sql(&st, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check",
			fn, ctx);
}

int db_ops_media(db_ops_row_fn fn, void *ctx)
{
	return db_ops_media_of(db_handle(), fn, ctx);
}

/* Prepared for the one call: a backup runs it once, on a connection that
 * may be of any schema version (the media table's three columns are the
 * first release's). */
int db_ops_media_of(sqlite3 *h, db_ops_row_fn fn, void *ctx)
{
	sqlite3_stmt *q = NULL;
	if (!h || sqlite3_prepare_v2(h, "SELECT path, sha256, bytes FROM media ORDER BY path",
				     -1, &q, NULL) != SQLITE_OK) {
		fprintf(stderr, "db_ops: SELECT FROM media: %s\n",
			h ? sqlite3_errmsg(h) : "no database");
		sqlite3_finalize(q);
		return -1;
	}
	int n = each(q, fn, ctx);
	sqlite3_finalize(q);
	return n;
}

int db_ops_unused_media(long long before, db_ops_row_fn fn, void *ctx)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT m.id, m.path FROM media m WHERE m.created_at < ?1"
		" AND NOT EXISTS (SELECT 1 FROM photo p WHERE m.id IN (p.thumb_id, p.web_id, p.orig_id, p.share_id))"
		" AND NOT EXISTS (SELECT 1 FROM photo_draft d"
		"  WHERE m.id IN (d.thumb_id, d.web_id, d.orig_id))"
		" AND NOT EXISTS (SELECT 1 FROM presentation t WHERE t.media_id = m.id)"
		" ORDER BY m.path");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, before);
	return each(q, fn, ctx);
}

int db_ops_media_delete(long long id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "DELETE FROM media WHERE id = ?1");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return sqlite3_changes(db_handle()) > 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return 0;
	log_err("DELETE FROM media");
	return -1;
}

int db_ops_published_years(db_ops_row_fn fn, void *ctx)
{
	static sqlite3_stmt *st;
	return each_sql(&st, "SELECT year FROM edition WHERE published = 1 ORDER BY year DESC",
			fn, ctx);
}
