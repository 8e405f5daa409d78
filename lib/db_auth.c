/* db_auth: accounts, sessions, login failures and the audit log in SQLite.
 * See db_auth.h.  Each statement has its own slot and is bound, never
 * built from text. */
#include "db_auth.h"
#include "db.h"
#include "space.h"

#include <stdio.h>
#include <string.h>

/* Log a failed step the way db.c's helpers do: the caller's name and
 * SQLite's own message. */
static int fail(sqlite3_stmt *st, const char *what)
{
	db_log_error("db_auth", what);
	sqlite3_reset(st);
	return -1;
}

/* Run a write statement to completion: 0 or -1. */
static int run(sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return fail(st, what);
	sqlite3_reset(st);
	return 0;
}

/* Run a write that may be skipped while another connection holds the
 * write lock or the disk is full: 0 done, 1 skipped, -1 error. */
static int run_nowait(sqlite3_stmt *st, const char *what)
{
	int rc = db_step_nowait(st);
	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return 1;
	db_log_error("db_auth", what);
	/* A full disk, too, only postpones it: the page is still read. */
	return space_sqlite(rc, sqlite3_system_errno(db_handle())) ? 1 : -1;
}

/* Run a write statement: the number of rows it changed, or -1. */
static int run_changes(sqlite3_stmt *st, const char *what)
{
	if (run(st, what) < 0)
		return -1;
	return sqlite3_changes(db_handle());
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t dstsz)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	snprintf(dst, dstsz, "%s", s ? (const char *)s : "");
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

/* ---- admin accounts ---- */

int db_auth_user_add(const char *name, const char *pwhash, time_t now)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"INSERT INTO admin (name, pwhash, created_at) VALUES (?1, ?2, ?3)");
	if (!st)
		return -1;
	bind_text(st, 1, name);
	bind_text(st, 2, pwhash);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	/* admin.name is UNIQUE: a taken name is an answer, not an error. */
	if (sqlite3_extended_errcode(db_handle()) == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite3_reset(st);
		return 1;
	}
	return fail(st, "user add");
}

enum db_result db_auth_user_passwd(const char *name, const char *pwhash)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"UPDATE admin SET pwhash = ?2 WHERE name = ?1");
	if (!st)
		return DB_FAILED;
	bind_text(st, 1, name);
	bind_text(st, 2, pwhash);
	return db_result_rows(run_changes(st, "user passwd"));
}

enum db_result db_auth_user_del(const char *name)
{
	static sqlite3_stmt *slot_s, *slot_a;
	sqlite3_stmt *st = db_prepare(&slot_s,
		"DELETE FROM session WHERE admin_id IN "
		"(SELECT id FROM admin WHERE name = ?1)");
	if (!st)
		return DB_FAILED;
	bind_text(st, 1, name);
	if (run(st, "user del sessions") < 0)
		return DB_FAILED;
	st = db_prepare(&slot_a, "DELETE FROM admin WHERE name = ?1");
	if (!st)
		return DB_FAILED;
	bind_text(st, 1, name);
	return db_result_rows(run_changes(st, "user del"));
}

enum db_result db_auth_user_get(const char *name, struct db_auth_admin *out)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT id, name, pwhash, created_at FROM admin WHERE name = ?1");
	if (!st)
		return DB_FAILED;
	bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return DB_MISSING;
	}
	if (rc != SQLITE_ROW) {
		fail(st, "user get");
		return DB_FAILED;
	}
	out->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, out->name, sizeof out->name);
	col_text(st, 2, out->pwhash, sizeof out->pwhash);
	out->created_at = (time_t)sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return DB_FOUND;
}

int db_auth_user_list(struct tmpl_vars *v, const char *list, long long self_id)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT id, name, created_at,"
		" strftime('%Y-%m-%d %H:%M UTC', created_at, 'unixepoch') AS created_utc,"
		" id = ?1 AS is_self"
		" FROM admin ORDER BY name");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, self_id);
	return db_fill_list(st, v, list);
}

enum db_result db_auth_user_name(long long id, char name[DB_AUTH_NAME_MAX + 1])
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot, "SELECT name FROM admin WHERE id = ?1");
	if (!st)
		return DB_FAILED;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		col_text(st, 0, name, DB_AUTH_NAME_MAX + 1);
	else if (rc != SQLITE_DONE) {
		fail(st, "user name");
		return DB_FAILED;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_FOUND : DB_MISSING;
}

int db_auth_user_count(void)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot, "SELECT count(*) FROM admin");
	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW)
		return fail(st, "user count");
	int n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

/* ---- login failures ---- */

int db_auth_failure_add(const char *addr, const char *name, time_t at)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"INSERT INTO login_failure (at, addr, name) VALUES (?1, ?2, ?3)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)at);
	bind_text(st, 2, addr);
	bind_text(st, 3, name);
	return run(st, "failure add");
}

int db_auth_failure_prune(time_t before)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"DELETE FROM login_failure WHERE at <= ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)before);
	return run(st, "failure prune");
}

/* The n-th newest row of a statement "SELECT at ... LIMIT 1 OFFSET ?3"
 * bound with key and since.  Both indexes of login_failure are (key, at),
 * so this reads at most n index entries. */
static enum db_result failure_nth(sqlite3_stmt *st, const char *key,
		time_t since, int n, time_t *at, const char *what)
{
	if (!st)
		return DB_FAILED;
	if (n < 1)
		n = 1;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	sqlite3_bind_int(st, 3, n - 1);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return DB_MISSING;
	}
	if (rc != SQLITE_ROW) {
		fail(st, what);
		return DB_FAILED;
	}
	*at = (time_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return DB_FOUND;
}

enum db_result db_auth_failure_nth_addr(const char *addr, time_t since, int n, time_t *at)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT at FROM login_failure WHERE addr = ?1 AND at > ?2"
		" ORDER BY at DESC LIMIT 1 OFFSET ?3");
	return failure_nth(st, addr, since, n, at, "failure addr");
}

enum db_result db_auth_failure_nth_name(const char *name, time_t since, int n, time_t *at)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT at FROM login_failure WHERE name = ?1 AND at > ?2"
		" ORDER BY at DESC LIMIT 1 OFFSET ?3");
	return failure_nth(st, name, since, n, at, "failure name");
}

enum db_result db_auth_failure_nth_pair(const char *addr, const char *name,
					time_t since, int n, time_t *at)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT at FROM login_failure WHERE addr = ?1 AND at > ?2 AND name = ?4"
		" ORDER BY at DESC LIMIT 1 OFFSET ?3");
	if (st)
		bind_text(st, 4, name);
	return failure_nth(st, addr, since, n, at, "failure pair");
}

int db_auth_failure_count_addr(const char *addr, time_t since)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT count(*) FROM login_failure WHERE addr = ?1 AND at > ?2");
	if (!st)
		return -1;
	bind_text(st, 1, addr);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	if (sqlite3_step(st) != SQLITE_ROW)
		return fail(st, "failure count");
	int n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

/* ---- sessions ---- */

static void bind_hash(sqlite3_stmt *st, int i, const unsigned char *hash)
{
	sqlite3_bind_blob(st, i, hash, DB_AUTH_HASH_BYTES, SQLITE_STATIC);
}

int db_auth_session_add(const unsigned char hash[DB_AUTH_HASH_BYTES],
			long long admin_id, const char *csrf, time_t now)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"INSERT INTO session (id_hash, admin_id, csrf, created_at, seen_at)"
		" VALUES (?1, ?2, ?3, ?4, ?4)");
	if (!st)
		return -1;
	bind_hash(st, 1, hash);
	sqlite3_bind_int64(st, 2, admin_id);
	bind_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	return run(st, "session add");
}

enum db_result db_auth_session_get(const unsigned char hash[DB_AUTH_HASH_BYTES],
			struct db_auth_session *out)
{
	static sqlite3_stmt *slot;
	/* The join drops a session whose admin is gone even where foreign
	 * keys are off and the cascade did not run. */
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT s.admin_id, a.name, s.csrf, s.created_at, s.seen_at"
		" FROM session s JOIN admin a ON a.id = s.admin_id"
		" WHERE s.id_hash = ?1");
	if (!st)
		return DB_FAILED;
	bind_hash(st, 1, hash);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return DB_MISSING;
	}
	if (rc != SQLITE_ROW) {
		fail(st, "session get");
		return DB_FAILED;
	}
	out->admin_id = sqlite3_column_int64(st, 0);
	col_text(st, 1, out->admin, sizeof out->admin);
	col_text(st, 2, out->csrf, sizeof out->csrf);
	out->created_at = (time_t)sqlite3_column_int64(st, 3);
	out->seen_at = (time_t)sqlite3_column_int64(st, 4);
	sqlite3_reset(st);
	return DB_FOUND;
}

int db_auth_session_touch(const unsigned char hash[DB_AUTH_HASH_BYTES], time_t now)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"UPDATE session SET seen_at = ?2 WHERE id_hash = ?1");
	if (!st)
		return -1;
	bind_hash(st, 1, hash);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	return run_nowait(st, "session touch");
}

/* One statement for a log-out and an expiry, bound to one session. */
static sqlite3_stmt *session_del_stmt(const unsigned char hash[DB_AUTH_HASH_BYTES])
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot, "DELETE FROM session WHERE id_hash = ?1");
	if (st)
		bind_hash(st, 1, hash);
	return st;
}

int db_auth_session_expire(const unsigned char hash[DB_AUTH_HASH_BYTES])
{
	sqlite3_stmt *st = session_del_stmt(hash);
	return !st || run_nowait(st, "session expire") < 0 ? -1 : 0;
}

enum db_result db_auth_session_del(const unsigned char hash[DB_AUTH_HASH_BYTES])
{
	sqlite3_stmt *st = session_del_stmt(hash);
	if (!st)
		return DB_FAILED;
	return db_result_rows(run_changes(st, "session del"));
}

int db_auth_session_del_admin(long long admin_id)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"DELETE FROM session WHERE admin_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, admin_id);
	return run_changes(st, "session del admin");
}

int db_auth_session_del_others(long long admin_id,
			       const unsigned char keep[DB_AUTH_HASH_BYTES])
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"DELETE FROM session WHERE admin_id = ?1 AND id_hash <> ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, admin_id);
	bind_hash(st, 2, keep);
	return run_changes(st, "session del others");
}

int db_auth_session_prune(time_t idle_before, time_t created_before)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"DELETE FROM session WHERE seen_at <= ?1 OR created_at <= ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)idle_before);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)created_before);
	return run_changes(st, "session prune");
}

/* ---- audit log ---- */

/* The title of the item an object names ("presentation 12", "photo 17",
 * "video 3") as it is now, trash included: NULL when there is none (or
 * a photo has neither alt text nor caption).  o is an SQL expression. */
#define ITEM_TITLE(o) \
	"coalesce((SELECT t.title FROM presentation t WHERE t.id =" \
	"   CAST(substr(" o ", 14) AS INTEGER) AND " o " = 'presentation ' || t.id)," \
	"  (SELECT CASE WHEN f.alt <> '' THEN f.alt WHEN f.caption <> ''" \
	"   THEN f.caption END FROM photo f WHERE f.id =" \
	"   CAST(substr(" o ", 7) AS INTEGER) AND " o " = 'photo ' || f.id)," \
	"  (SELECT d.title FROM video d WHERE d.id =" \
	"   CAST(substr(" o ", 7) AS INTEGER) AND " o " = 'video ' || d.id))"

/* Ids are reused (no AUTOINCREMENT): a row keeps the title its item had
 * when it was written, "" when there was none.  An item already gone (the
 * purge's own row) keeps the last title the log knew for it. */
int db_auth_audit(const char *admin, const char *action, const char *object,
		  const char *detail, time_t now)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"INSERT INTO audit (at, admin, action, object, detail, title)"
		" VALUES (?1, ?2, ?3, ?4, ?5, coalesce(" ITEM_TITLE("?4") ","
		"  CASE WHEN ?4 GLOB 'presentation *' OR ?4 GLOB 'photo *'"
		"   OR ?4 GLOB 'video *' THEN (SELECT a.title FROM audit a"
		"   WHERE a.object = ?4 AND a.title <> '' ORDER BY a.id DESC LIMIT 1) END,"
		"  ''))");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	bind_text(st, 2, admin);
	bind_text(st, 3, action);
	bind_text(st, 4, object);
	bind_text(st, 5, detail);
	return run(st, "audit");
}

int db_auth_audit_keep_titles(const char *object)
{
	static sqlite3_stmt *slot;
	sqlite3_stmt *st = db_prepare(&slot,
		"UPDATE audit SET title = coalesce(" ITEM_TITLE("?1") ", '')"
		" WHERE object = ?1 AND title IS NULL");
	if (!st)
		return -1;
	bind_text(st, 1, object);
	return run(st, "audit titles");
}

int db_auth_audit_list(struct tmpl_vars *v, const char *list, int n)
{
	static sqlite3_stmt *slot;
	/* id order is insertion order: "newest" without an index on at. */
	sqlite3_stmt *st = db_prepare(&slot,
		"SELECT *, title <> object AS titled FROM (SELECT id, at,"
		" strftime('%Y-%m-%d %H:%M:%S UTC', at, 'unixepoch') AS at_utc,"
		" admin, action, detail,"
		/* "photo 17" as the reader knows it: the title the row kept;
		 * rows written before titles were kept (NULL) show the item's
		 * title now, the object itself when the item is gone. */
		" CASE WHEN a.title IS NULL THEN coalesce(" ITEM_TITLE("a.object") ", a.object)"
		"  WHEN a.title <> '' THEN a.title ELSE a.object END AS title, object"
		" FROM audit a ORDER BY id DESC LIMIT ?1) ORDER BY id DESC");
	if (!st)
		return -1;
	if (n < 1)
		n = 1;
	if (n > DB_AUTH_AUDIT_MAX)
		n = DB_AUTH_AUDIT_MAX;
	sqlite3_bind_int(st, 1, n);
	return db_fill_list(st, v, list);
}
