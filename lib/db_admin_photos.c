/* db_admin_photos: the admin pages' SQL for an edition's photos and for
 * new photos still to describe (db_admin.h); the other kinds are in
 * db_admin.c. */
#include "db_admin.h"

#include "db.h"

/* ---- photos ---- */

#define PHOTO_COLUMNS \
	"f.id, '/admin/media/' || t.path AS thumb_url, t.width AS thumb_width," \
	" t.height AS thumb_height, '/admin/media/' || w.path AS web_url, f.alt," \
	" f.decorative, f.caption, f.credit, f.published, f.alt_de, f.caption_de," \
	" '/admin/' || e.year || '/photos/' || f.id AS item_url," \
	" CASE WHEN f.alt <> '' THEN f.alt WHEN f.caption <> '' THEN f.caption" \
	"  ELSE 'photo ' || f.id END AS item_label," \
	" e.press_photo_id IS f.id AS is_press, e.cover_photo_id IS f.id AS is_cover"
#define PHOTO_FROM \
	" FROM photo f JOIN media t ON t.id = f.thumb_id" \
	" JOIN media w ON w.id = f.web_id JOIN edition e ON e.id = f.edition_id"

int db_admin_photos(struct tmpl_vars *v, long long edition_id, const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT " PHOTO_COLUMNS ","
		" row_number() OVER w = 1 AS is_first,"
		" row_number() OVER w = count(*) OVER () AS is_last"
		PHOTO_FROM
		" WHERE f.edition_id = ?1 AND f.in_gallery = 1 AND f.deleted_at IS NULL"
		" WINDOW w AS (ORDER BY f.position, f.id)"
		" ORDER BY f.position, f.id");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_fill_list(q, v, list);
}

enum db_result db_admin_photo(struct tmpl_vars *v, long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT " PHOTO_COLUMNS PHOTO_FROM
		" WHERE f.edition_id = ?1 AND f.id = ?2 AND f.in_gallery = 1"
		" AND f.deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	return db_fill(q, v);
}

/* Alt text, decorative, caption and credit at ?i to ?i+3: a decorative
 * photo has no alt text. */
static void bind_photo_text(sqlite3_stmt *q, int i, const struct db_admin_photo *p)
{
	db_bind_text(q, i, p->decorative ? "" : p->alt);
	sqlite3_bind_int(q, i + 1, p->decorative ? 1 : 0);
	db_bind_text(q, i + 2, p->caption);
	db_bind_text(q, i + 3, p->credit);
}

/* The German alt text and caption at ?i and ?i+1; a decorative photo has
 * no alt text in either language. */
static void bind_photo_de(sqlite3_stmt *q, int i, const struct db_admin_photo *p)
{
	db_bind_text(q, i, p->decorative ? "" : p->alt_de);
	db_bind_text(q, i + 1, p->caption_de);
}

long long db_admin_photo_add(const struct db_admin_photo *p, time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO photo (edition_id, position, in_gallery, published,"
		" thumb_id, web_id, alt, decorative, caption, credit, created_at,"
		" orig_id, alt_de, caption_de)"
		" VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM photo"
		"  WHERE edition_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		"  ?12, ?13)");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, p->edition_id);
	sqlite3_bind_int(q, 2, p->in_gallery ? 1 : 0);
	sqlite3_bind_int(q, 3, p->published ? 1 : 0);
	sqlite3_bind_int64(q, 4, p->thumb_id);
	sqlite3_bind_int64(q, 5, p->web_id);
	bind_photo_text(q, 6, p);
	sqlite3_bind_int64(q, 10, (sqlite3_int64)now);
	db_bind_id_or_null(q, 11, p->orig_id);
	bind_photo_de(q, 12, p);
	return db_insert(q);
}

enum db_result db_admin_photo_update(long long id, const struct db_admin_photo *p)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE photo SET alt = ?3, decorative = ?4, caption = ?5,"
		" credit = ?6, published = ?7, alt_de = ?8, caption_de = ?9"
		" WHERE id = ?1 AND edition_id = ?2 AND in_gallery = 1"
		" AND deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, p->edition_id);
	bind_photo_text(q, 3, p);
	sqlite3_bind_int(q, 7, p->published ? 1 : 0);
	bind_photo_de(q, 8, p);
	return db_result_rows(db_run(q));
}

enum db_result db_admin_photo_text(long long id, long long edition_id, const char *alt,
		int decorative)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE photo SET alt = ?3, decorative = ?4"
		" WHERE id = ?1 AND edition_id = ?2");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, edition_id);
	db_bind_text(q, 3, decorative ? "" : alt);
	sqlite3_bind_int(q, 4, decorative ? 1 : 0);
	return db_result_rows(db_run(q));
}

enum db_result db_admin_photo_publish(long long edition_id, long long id, int published)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE photo SET published = ?3 WHERE id = ?1 AND edition_id = ?2"
		" AND in_gallery = 1 AND deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, edition_id);
	sqlite3_bind_int(q, 3, published ? 1 : 0);
	return db_result_rows(db_run(q));
}


/* Positions become 2, 4, 6... in today's order, then the moved photo
 * takes the odd number just before its new neighbour: two statements, no
 * matter how far it travels. */
enum db_result db_admin_photo_place(long long edition_id, long long id, long long before_id)
{
	static sqlite3_stmt *st_spread, *st_put;
	sqlite3_stmt *q = db_prepare(&st_spread,
		"UPDATE photo SET position = 2 * r.n FROM (SELECT id, row_number()"
		" OVER (ORDER BY position, id) AS n FROM photo WHERE edition_id = ?1"
		" AND in_gallery = 1 AND deleted_at IS NULL) r WHERE photo.id = r.id");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	if (db_run(q) < 0)
		return DB_FAILED;
	q = db_prepare(&st_put,
		"UPDATE photo SET position = coalesce((SELECT b.position - 1 FROM photo b"
		"  WHERE b.id = ?3 AND b.edition_id = ?1 AND b.in_gallery = 1"
		"  AND b.deleted_at IS NULL),"
		" (SELECT max(m.position) + 1 FROM photo m WHERE m.edition_id = ?1))"
		" WHERE id = ?2 AND edition_id = ?1 AND in_gallery = 1"
		" AND deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	sqlite3_bind_int64(q, 3, before_id);
	return db_result_rows(db_run(q));
}

/* ---- photos to describe ---- */

long long db_admin_draft_add(const struct db_admin_draft *d, time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO photo_draft (edition_id, thumb_id, web_id, orig_id, name,"
		" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, d->edition_id);
	sqlite3_bind_int64(q, 2, d->thumb_id);
	sqlite3_bind_int64(q, 3, d->web_id);
	sqlite3_bind_int64(q, 4, d->orig_id);
	db_bind_text(q, 5, d->name);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)now);
	return db_insert(q);
}

#define DRAFT_SELECT \
	"SELECT d.id, '/admin/media/' || t.path AS thumb_url, t.width AS thumb_width," \
	" t.height AS thumb_height, '/admin/media/' || w.path AS web_url, d.name" \
	" FROM photo_draft d JOIN media t ON t.id = d.thumb_id" \
	" JOIN media w ON w.id = d.web_id WHERE d.edition_id = ?1"

int db_admin_drafts(struct tmpl_vars *v, long long edition_id, const char *list,
		int max)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, DRAFT_SELECT " ORDER BY d.id LIMIT ?2");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int(q, 2, max);
	return db_fill_list(q, v, list);
}

enum db_result db_admin_draft(struct tmpl_vars *v, long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, DRAFT_SELECT " AND d.id = ?2");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	return db_fill(q, v);
}

long long db_admin_draft_count(long long edition_id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT count(*) FROM photo_draft WHERE edition_id = ?1");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_scalar(q, 0);
}

long long db_admin_draft_describe(long long id, const struct db_admin_photo *p,
		time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO photo (edition_id, position, in_gallery, published,"
		" thumb_id, web_id, orig_id, alt, decorative, caption, credit, created_at,"
		" alt_de, caption_de)"
		" SELECT d.edition_id, (SELECT coalesce(max(position), 0) + 1 FROM photo"
		"  WHERE edition_id = d.edition_id), 1, 1, d.thumb_id, d.web_id,"
		"  d.orig_id, ?3, ?4, ?5, ?6, ?7, ?8, ?9"
		" FROM photo_draft d WHERE d.id = ?1 AND d.edition_id = ?2");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, p->edition_id);
	bind_photo_text(q, 3, p);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)now);
	bind_photo_de(q, 8, p);
	int rc = db_run(q);
	if (rc <= 0)
		return rc;
	long long photo = sqlite3_last_insert_rowid(db_handle());
	return db_admin_draft_discard(p->edition_id, id) == DB_FOUND ? photo : -1;
}

enum db_result db_admin_draft_discard(long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"DELETE FROM photo_draft WHERE id = ?1 AND edition_id = ?2");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, edition_id);
	return db_result_rows(db_run(q));
}
