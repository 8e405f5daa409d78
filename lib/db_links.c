/* db_links: the publication rule's queries.  See db_links.h. */
#include "db_links.h"

#include <stdio.h>

#include "db.h"
#include "db_admin.h"

static void log_err(sqlite3_stmt *q)
{
	db_log_error("db_links", sqlite3_sql(q));
}

/* Step q to its end, calling row for each row; see db_links.h. */
static int each_row(sqlite3_stmt *q, int (*row)(sqlite3_stmt *q, void *arg),
		void *arg)
{
	int rc, n = 0, failed = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (row(q, arg) < 0)
			failed = 1;
		n++;
	}
	if (rc != SQLITE_DONE)
		log_err(q);
	sqlite3_reset(q);
	return rc != SQLITE_DONE || failed ? -1 : n;
}

struct talk_fn {
	int (*fn)(void *ctx, const char *link, const char *target);
	void *ctx;
};

static int talk_row(sqlite3_stmt *q, void *arg)
{
	struct talk_fn *t = arg;
	const unsigned char *link = sqlite3_column_text(q, 0);
	const unsigned char *target = sqlite3_column_text(q, 1);
	return link ? t->fn(t->ctx, (const char *)link,
			    target ? (const char *)target : "") : -1;
}

int db_links_each_talk(long long edition_id,
		int (*fn)(void *ctx, const char *link, const char *target), void *ctx)
{
	static sqlite3_stmt *st;
	/* Before publication the slug (made from the title) would let anyone
	 * guess where the slides of an unannounced talk are. */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT talk_path(e.year, t.slug),"
		" CASE WHEN t.deleted_at IS NULL AND e.published = 1"
		"  THEN coalesce(m.path, '') ELSE '' END"
		" FROM presentation t JOIN edition e ON e.id = t.edition_id"
		" LEFT JOIN media m ON m.id = t.media_id"
		" WHERE t.edition_id = ?1 ORDER BY t.id");
	if (!q)
		return -1;
	struct talk_fn t = { fn, ctx };
	sqlite3_bind_int64(q, 1, edition_id);
	return each_row(q, talk_row, &t);
}

static int edition_year(long long edition_id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "SELECT year FROM edition WHERE id = ?1");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	int rc = sqlite3_step(q);
	int year = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_err(q);
		year = -1;
	}
	sqlite3_reset(q);
	return year;
}

int db_links_each_slide(long long edition_id, char *zip, size_t n,
		int (*fn)(void *ctx, const char *slug, const char *target), void *ctx)
{
	static sqlite3_stmt *st;
	int year = edition_year(edition_id);
	zip[0] = '\0';
	if (year < 0 || (year > 0 && db_slides_zip_path(zip, n, year) < 0))
		return -1;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT t.slug, m.path"
		" FROM presentation t JOIN edition e ON e.id = t.edition_id"
		" JOIN media m ON m.id = t.media_id"
		" WHERE t.edition_id = ?1 AND t.deleted_at IS NULL AND e.published = 1"
		" ORDER BY t.position, t.id");
	if (!q)
		return -1;
	struct talk_fn t = { fn, ctx };
	sqlite3_bind_int64(q, 1, edition_id);
	return each_row(q, talk_row, &t);
}

struct edition_fn {
	int (*fn)(void *ctx, long long edition_id);
	void *ctx;
};

static int edition_row(sqlite3_stmt *q, void *arg)
{
	struct edition_fn *e = arg;
	return e->fn(e->ctx, sqlite3_column_int64(q, 0));
}

int db_links_each_edition(int (*fn)(void *ctx, long long edition_id), void *ctx)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "SELECT id FROM edition ORDER BY id");
	struct edition_fn e = { fn, ctx };
	return q ? each_row(q, edition_row, &e) : -1;
}

static const char *const item_edition_sql[DB_ADMIN_KINDS] = {
	"SELECT edition_id FROM presentation WHERE id = ?1",
	"SELECT edition_id FROM photo WHERE id = ?1",
	"SELECT edition_id FROM video WHERE id = ?1",
	"SELECT edition_id FROM programme_session WHERE id = ?1",
};

long long db_links_item_edition(int kind, long long id)
{
	static sqlite3_stmt *st[DB_ADMIN_KINDS];
	if (kind < 0 || kind >= DB_ADMIN_KINDS)
		return 0;
	sqlite3_stmt *q = db_prepare(&st[kind], item_edition_sql[kind]);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	long long e = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_err(q);
		e = -1;
	}
	sqlite3_reset(q);
	return e;
}

/* ---- stored files ---- */

/* A photo the public may see: live, published, in a published edition,
 * and shown somewhere - the gallery, the edition's cover or its press
 * photo (lib/db.c's public queries). */
#define PHOTO_LIVE \
	" FROM photo f JOIN edition e ON e.id = f.edition_id" \
	" WHERE f.deleted_at IS NULL AND f.published = 1 AND e.published = 1"
#define PHOTO_SHOWN PHOTO_LIVE \
	" AND (f.in_gallery = 1 OR f.id IN (e.cover_photo_id, e.press_photo_id))"
/* Every media id the public may see; the full resolution only of a press
 * photo (its download). */
#define PUBLIC_MEDIA \
	"SELECT t.media_id FROM presentation t JOIN edition e ON e.id = t.edition_id" \
	" WHERE t.deleted_at IS NULL AND e.published = 1 AND t.media_id IS NOT NULL" \
	" UNION SELECT f.thumb_id" PHOTO_SHOWN \
	" UNION SELECT f.web_id" PHOTO_SHOWN \
	" UNION SELECT coalesce(f.orig_id, f.web_id)" PHOTO_LIVE \
	"  AND f.id = e.press_photo_id" \
	" UNION SELECT f.share_id" PHOTO_LIVE \
	"  AND f.id IN (e.cover_photo_id, e.press_photo_id)"
/* Every media id a row refers to (edition_id ?1, or 0 for all). */
#define USED_MEDIA(cond) \
	"SELECT media_id FROM presentation WHERE media_id IS NOT NULL" cond \
	" UNION SELECT thumb_id FROM photo WHERE 1" cond \
	" UNION SELECT web_id FROM photo WHERE 1" cond \
	" UNION SELECT orig_id FROM photo WHERE orig_id IS NOT NULL" cond \
	" UNION SELECT share_id FROM photo WHERE share_id IS NOT NULL" cond \
	" UNION SELECT thumb_id FROM photo_draft WHERE 1" cond \
	" UNION SELECT web_id FROM photo_draft WHERE 1" cond \
	" UNION SELECT orig_id FROM photo_draft WHERE 1" cond
#define OF_EDITION " AND edition_id = ?1"

struct media_fn {
	int (*fn)(void *ctx, const char *path, int public);
	void *ctx;
};

static int media_row(sqlite3_stmt *q, void *arg)
{
	struct media_fn *m = arg;
	const unsigned char *p = sqlite3_column_text(q, 0);
	return p ? m->fn(m->ctx, (const char *)p, sqlite3_column_int(q, 1)) : -1;
}

int db_links_each_media(long long edition_id,
		int (*fn)(void *ctx, const char *path, int public), void *ctx)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT m.path, m.id IN (" PUBLIC_MEDIA ") FROM media m"
		" WHERE ?1 = 0 OR m.id NOT IN (" USED_MEDIA("") ")"
		" OR m.id IN (" USED_MEDIA(OF_EDITION) ")"
		" ORDER BY m.id");
	struct media_fn m = { fn, ctx };
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	return each_row(q, media_row, &m);
}

enum db_result db_links_media_known(const char *path)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "SELECT 1 FROM media WHERE path = ?1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_text(q, 1, path, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		log_err(q);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? DB_FOUND : rc == SQLITE_DONE ? DB_MISSING : DB_FAILED;
}

/* ---- purging the trash ---- */

static const char *const purge_sql[DB_ADMIN_KINDS] = {
	"DELETE FROM presentation WHERE id = ?1 AND deleted_at IS NOT NULL"
	" RETURNING media_id, NULL, NULL, NULL",
	"DELETE FROM photo WHERE id = ?1 AND deleted_at IS NOT NULL"
	" RETURNING thumb_id, web_id, orig_id, share_id",
	"DELETE FROM video WHERE id = ?1 AND deleted_at IS NOT NULL"
	" RETURNING NULL, NULL, NULL, NULL",
	"DELETE FROM programme_session WHERE id = ?1 AND deleted_at IS NOT NULL"
	" RETURNING NULL, NULL, NULL, NULL",
};

/* The media rows of ids[] that no row uses any more: deleted, their paths
 * to fn. */
static int drop_unused(const long long ids[DB_LINKS_ITEM_FILES],
		int (*fn)(void *ctx, const char *path), void *ctx)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"DELETE FROM media WHERE id IN (?1, ?2, ?3, ?4) AND id NOT IN (" USED_MEDIA("") ")"
		" RETURNING path");
	int rc, failed = 0;
	if (!q)
		return -1;
	for (int i = 0; i < DB_LINKS_ITEM_FILES; i++)
		sqlite3_bind_int64(q, i + 1, ids[i]);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(q, 0)) < 0)
			failed = 1;
	if (rc != SQLITE_DONE)
		log_err(q);
	sqlite3_reset(q);
	return rc != SQLITE_DONE || failed ? -1 : 0;
}

enum db_result db_links_purge(int kind, long long id,
		int (*fn)(void *ctx, const char *path), void *ctx)
{
	static sqlite3_stmt *st[DB_ADMIN_KINDS];
	if (kind < 0 || kind >= DB_ADMIN_KINDS)
		return DB_MISSING;
	sqlite3_stmt *q = db_prepare(&st[kind], purge_sql[kind]);
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q), found = rc == SQLITE_ROW;
	long long ids[DB_LINKS_ITEM_FILES];
	for (int i = 0; i < DB_LINKS_ITEM_FILES; i++)
		ids[i] = found ? sqlite3_column_int64(q, i) : 0;
	if (found)
		rc = sqlite3_step(q);
	if (rc != SQLITE_DONE)
		log_err(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return DB_FAILED;
	if (!found)
		return DB_MISSING;
	return drop_unused(ids, fn, ctx) < 0 ? DB_FAILED : DB_FOUND;
}
