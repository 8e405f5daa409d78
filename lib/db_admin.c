/* db_admin: the admin pages' SQL.  See db_admin.h; an edition's photos are in
 * db_admin_photos.c. */
#include "db_admin.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "db_auth.h"

#define TRASH_LIST_MAX 500      /* rows the trash page shows */

static void log_err(const char *what)
{
	db_log_error("db_admin", what);
}

/* ---- kinds ---- */

static const char *const kind_names[DB_ADMIN_KINDS] = {
	"presentation", "photo", "video", "session"
};

const char *db_admin_kind_name(enum db_admin_kind k)
{
	return (unsigned)k < DB_ADMIN_KINDS ? kind_names[k] : "";
}

int db_admin_kind_parse(const char *s)
{
	for (int k = 0; k < DB_ADMIN_KINDS; k++)
		if (s && strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

/* ---- change stamp ---- */

int db_admin_changed(const char *admin, const char *action, const char *object,
		const char *detail, time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *s = db_prepare(&st,
		"UPDATE site SET changed_at = max(changed_at, ?1) WHERE id = 1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	if (db_run(s) < 0 || db_auth_audit(admin, action, object, detail, now) < 0)
		return -1;
	return 0;
}

int db_admin_edition_changed(long long edition_id, time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *s = db_prepare(&st,
		"UPDATE edition SET changed_at = max(coalesce(changed_at, 0), ?2) WHERE id = ?1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, edition_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	return db_run(s) < 0 ? -1 : 0;
}

int db_admin_settings_changed(time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *s = db_prepare(&st,
		"UPDATE site SET settings_changed_at = max(coalesce(settings_changed_at, 0), ?1)"
		" WHERE id = 1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	return db_run(s) < 0 ? -1 : 0;
}

/* ---- site ---- */

enum db_result db_admin_site(struct tmpl_vars *v)
{
	static sqlite3_stmt *st;
	return db_fill(db_prepare(&st,
		"SELECT name, background_md, contact_name, contact_role,"
		" contact_phone, contact_email, imprint_md, privacy_md,"
		" press_name, press_email, press_phone, base_url, background_de_md,"
		" contact_role_de, imprint_de_md, privacy_de_md"
		" FROM site WHERE id = 1"), v);
}

enum db_result db_admin_site_update(const struct db_admin_site *s)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE site SET name = ?1, background_md = ?2, background_html = ?3,"
		" contact_name = ?4, contact_role = ?5, contact_phone = ?6,"
		" contact_email = ?7, imprint_md = ?8, imprint_html = ?9,"
		" privacy_md = ?10, privacy_html = ?11, press_name = ?12,"
		" press_email = ?13, press_phone = ?14, background_de_md = ?15,"
		" background_de_html = ?16, contact_role_de = ?17, imprint_de_md = ?18,"
		" imprint_de_html = ?19, privacy_de_md = ?20, privacy_de_html = ?21"
		" WHERE id = 1");
	if (!q)
		return DB_FAILED;
	const char *t[] = { s->name, s->background_md, s->background_html,
		s->contact_name, s->contact_role, s->contact_phone, s->contact_email,
		s->imprint_md, s->imprint_html, s->privacy_md, s->privacy_html,
		s->press_name, s->press_email, s->press_phone,
		s->de.background_md, s->de.background_html, s->de.contact_role,
		s->de.imprint_md, s->de.imprint_html, s->de.privacy_md, s->de.privacy_html };
	for (int i = 0; i < (int)(sizeof t / sizeof *t); i++)
		db_bind_text(q, i + 1, t[i]);
	return db_result_rows(db_run(q));
}

int db_admin_home_choices(struct tmpl_vars *v, const char *list)
{
	static sqlite3_stmt *st;
	return db_fill_list(db_prepare(&st,
		"SELECT year AS home_choice, title AS home_title,"
		" year IS (SELECT home_year FROM site WHERE id = 1) AS home_selected"
		" FROM edition WHERE published = 1 ORDER BY year DESC"), v, list);
}

enum db_result db_admin_home_set(int year)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "UPDATE site SET home_year = ?1 WHERE id = 1");
	if (!q)
		return DB_FAILED;
	db_bind_id_or_null(q, 1, year);
	return db_result_rows(db_run(q));
}

enum db_result db_admin_base_url_set(const char *url)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "UPDATE site SET base_url = ?1 WHERE id = 1");
	if (!q)
		return DB_FAILED;
	db_bind_text(q, 1, url);
	return db_result_rows(db_run(q));
}

int db_admin_site_create(time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO site (id, name, changed_at, settings_changed_at) VALUES (1, '', ?1, ?1)");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)now);
	return db_run(q);
}

/* ---- admins ---- */

int db_admin_each_user(void (*fn)(void *ctx, const char *name,
		const char *created_utc), void *ctx)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT name, strftime('%Y-%m-%d %H:%M UTC', created_at, 'unixepoch')"
		" FROM admin ORDER BY name");
	int rc, n = 0;
	if (!q)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		fn(ctx, (const char *)sqlite3_column_text(q, 0),
		   (const char *)sqlite3_column_text(q, 1));
		n++;
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE) {
		log_err(sqlite3_sql(q));
		return -1;
	}
	return n;
}

/* ---- editions ---- */

/* "1 video", "2 videos": the count and its noun in the right number. */
#define COUNTED(n, one, many) \
	" " n " || CASE " n " WHEN 1 THEN ' " one "' ELSE ' " many "' END"

int db_admin_editions(struct tmpl_vars *v, const char *list)
{
	static sqlite3_stmt *st;
	return db_fill_list(db_prepare(&st,
		"SELECT *,"
		COUNTED("presentation_count", "presentation", "presentations") " AS presentation_text,"
		COUNTED("photo_count", "photo", "photos") " AS photo_text,"
		COUNTED("video_count", "video", "videos") " AS video_text,"
		COUNTED("photos_no_alt", "photo has", "photos have") " AS photos_no_alt_text,"
		COUNTED("talks_no_slides", "presentation has", "presentations have") " AS talks_no_slides_text,"
		COUNTED("photos_no_de", "photo lacks", "photos lack") " AS photos_no_de_text,"
		/* The checklist: how many things are still missing. */
		" (NOT has_en) + (NOT has_de) + (photos_no_alt > 0) + (talks_no_slides > 0)"
		"  + (video_count = 0) + (photo_count = 0) + (presentation_count = 0)"
		"  + (date_text = '') + (no_review) + (no_review_de) + (photos_no_de > 0) AS missing"
		" FROM (SELECT e.id, e.year, e.title, e.published,"
		" fmt_date_range(e.starts, e.ends, 'en') AS date_text,"
		" e.review_md = '' AS no_review,"
		" e.review_md <> '' AND e.review_de_md = '' AS no_review_de,"
		" (SELECT count(*) FROM presentation t WHERE t.edition_id = e.id"
		"  AND t.deleted_at IS NULL) AS presentation_count,"
		" (SELECT count(*) FROM presentation t WHERE t.edition_id = e.id"
		"  AND t.deleted_at IS NULL AND t.media_id IS NULL) AS talks_no_slides,"
		" (SELECT count(*) FROM photo f WHERE f.edition_id = e.id"
		"  AND f.in_gallery = 1 AND f.deleted_at IS NULL) AS photo_count,"
		" (SELECT count(*) FROM photo f WHERE f.edition_id = e.id"
		"  AND f.in_gallery = 1 AND f.deleted_at IS NULL AND f.alt = ''"
		"  AND f.decorative = 0) AS photos_no_alt,"
		/* Described in English, not (wholly) in German. */
		" (SELECT count(*) FROM photo f WHERE f.edition_id = e.id"
		"  AND f.in_gallery = 1 AND f.deleted_at IS NULL AND ((f.alt <> ''"
		"  AND f.alt_de = '') OR (f.caption <> '' AND f.caption_de = ''))) AS photos_no_de,"
		" (SELECT count(*) FROM video d WHERE d.edition_id = e.id"
		"  AND d.deleted_at IS NULL) AS video_count,"
		" EXISTS (SELECT 1 FROM press p WHERE p.edition_id = e.id"
		"  AND p.lang = 'en') AS has_en,"
		" EXISTS (SELECT 1 FROM press p WHERE p.edition_id = e.id"
		"  AND p.lang = 'de') AS has_de,"
		" coalesce((SELECT group_concat(lang, ', ') FROM"
		"  (SELECT lang FROM press p WHERE p.edition_id = e.id ORDER BY"
		"   lang = 'de')), '') AS press_langs"
		" FROM edition e) ORDER BY year DESC"), v, list);
}

long long db_admin_edition_id(int year)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "SELECT id FROM edition WHERE year = ?1");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, year);
	return db_scalar(q, 0);
}

enum db_result db_admin_edition(struct tmpl_vars *v, int year)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT id AS edition_id, year, title, coalesce(starts, '') AS starts,"
		" coalesce(ends, '') AS ends, venue, address, headline, summary,"
		" review_md, next_md, published, headline_de, summary_de, review_de_md,"
		" next_de_md FROM edition WHERE year = ?1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	return db_fill(q, v);
}

/* ?1 year, then the columns in the order of struct db_admin_edition. */
static void bind_edition(sqlite3_stmt *q, const struct db_admin_edition *e)
{
	sqlite3_bind_int(q, 1, e->year);
	db_bind_text(q, 2, e->title);
	db_bind_text_or_null(q, 3, e->starts);
	db_bind_text_or_null(q, 4, e->ends);
	db_bind_text(q, 5, e->venue);
	db_bind_text(q, 6, e->address);
	db_bind_text(q, 7, e->headline);
	db_bind_text(q, 8, e->summary);
	db_bind_text(q, 9, e->review_md);
	db_bind_text(q, 10, e->review_html);
	db_bind_text(q, 11, e->next_md);
	db_bind_text(q, 12, e->next_html);
	sqlite3_bind_int(q, 13, e->published ? 1 : 0);
	db_bind_text(q, 14, e->de.headline);
	db_bind_text(q, 15, e->de.summary);
	db_bind_text(q, 16, e->de.review_md);
	db_bind_text(q, 17, e->de.review_html);
	db_bind_text(q, 18, e->de.next_md);
	db_bind_text(q, 19, e->de.next_html);
}

long long db_admin_edition_add(const struct db_admin_edition *e)
{
	static sqlite3_stmt *st;
	long long have = db_admin_edition_id(e->year);
	if (have != 0)
		return have < 0 ? -1 : 0;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO edition (year, title, starts, ends, venue, address,"
		" headline, summary, review_md, review_html, next_md, next_html,"
		" published, headline_de, summary_de, review_de_md, review_de_html,"
		" next_de_md, next_de_html) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		" ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
	if (!q)
		return -1;
	bind_edition(q, e);
	return db_insert(q);
}

enum db_result db_admin_edition_update(const struct db_admin_edition *e)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE edition SET title = ?2, starts = ?3, ends = ?4, venue = ?5,"
		" address = ?6, headline = ?7, summary = ?8, review_md = ?9,"
		" review_html = ?10, next_md = ?11, next_html = ?12, published = ?13,"
		" headline_de = ?14, summary_de = ?15, review_de_md = ?16,"
		" review_de_html = ?17, next_de_md = ?18, next_de_html = ?19"
		" WHERE year = ?1");
	if (!q)
		return DB_FAILED;
	bind_edition(q, e);
	return db_result_rows(db_run(q));
}

/* ---- media ---- */

long long db_admin_media(const struct store_file *f, const char *mime,
		int pages, time_t now)
{
	static sqlite3_stmt *ins, *sel;
	sqlite3_stmt *q = db_prepare(&ins,
		"INSERT INTO media (sha256, path, mime, bytes, pages, width, height,"
		" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT (sha256) DO NOTHING");
	if (!q)
		return -1;
	db_bind_text(q, 1, f->sha256);
	db_bind_text(q, 2, f->path);
	db_bind_text(q, 3, mime);
	sqlite3_bind_int64(q, 4, f->bytes);
	db_bind_id_or_null(q, 5, pages);
	db_bind_id_or_null(q, 6, f->width);
	db_bind_id_or_null(q, 7, f->height);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)now);
	if (db_run(q) < 0)
		return -1;
	q = db_prepare(&sel, "SELECT id FROM media WHERE sha256 = ?1");
	if (!q)
		return -1;
	db_bind_text(q, 1, f->sha256);
	long long id = db_scalar(q, 0);
	return id > 0 ? id : -1;
}

/* ---- press ---- */

enum db_result db_admin_press_schedule(long long edition_id, const char *lang,
		const char *state, long long publish_at)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE press SET state = ?3, publish_at = ?4"
		" WHERE edition_id = ?1 AND lang = ?2");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	db_bind_text(q, 2, lang);
	db_bind_text(q, 3, state);
	db_bind_id_or_null(q, 4, publish_at);
	return db_result_rows(db_run(q));
}

enum db_result db_admin_press(struct tmpl_vars *v, long long edition_id, const char *lang)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT title, subtitle, released, body_md, photo_caption, state,"
		" coalesce(publish_at, 0) AS publish_at,"
		" state = 'draft' OR (state = 'scheduled'"
		"  AND publish_at > CAST(strftime('%s', 'now') AS INTEGER)) AS not_public"
		" FROM press WHERE edition_id = ?1 AND lang = ?2");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	db_bind_text(q, 2, lang);
	return db_fill(q, v);
}

long long db_admin_press_save(const struct db_admin_press *p)
{
	static sqlite3_stmt *st, *sel;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO press (edition_id, lang, released, title, subtitle,"
		" body_md, body_html, photo_caption)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT (edition_id, lang) DO UPDATE SET released = ?3,"
		" title = ?4, subtitle = ?5, body_md = ?6, body_html = ?7,"
		" photo_caption = ?8");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, p->edition_id);
	db_bind_text(q, 2, p->lang);
	db_bind_text(q, 3, p->released);
	db_bind_text(q, 4, p->title);
	db_bind_text(q, 5, p->subtitle);
	db_bind_text(q, 6, p->body_md);
	db_bind_text(q, 7, p->body_html);
	db_bind_text(q, 8, p->photo_caption);
	if (db_run(q) != 1)
		return -1;
	q = db_prepare(&sel, "SELECT id FROM press WHERE edition_id = ?1 AND lang = ?2");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, p->edition_id);
	db_bind_text(q, 2, p->lang);
	long long id = db_scalar(q, 0);
	return id > 0 ? id : -1;
}

/* The picked photos, shown while they are gallery photos not in the trash
 * (a v1 press photo, outside the gallery, shows too). */
enum db_result db_admin_press_kit(struct tmpl_vars *v, long long edition_id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT coalesce(f.id, '') AS press_photo_id,"
		" coalesce('/admin/media/' || pt.path, '') AS press_thumb_url,"
		" coalesce(CASE WHEN f.decorative THEN '' ELSE f.alt END, '') AS press_alt,"
		" coalesce(f.caption, '') AS press_photo_caption, e.press_credit,"
		" coalesce(c.id, '') AS cover_photo_id,"
		" coalesce('/admin/media/' || ct.path, '') AS cover_thumb_url,"
		" coalesce(CASE WHEN c.decorative THEN '' ELSE c.alt END, '') AS cover_alt"
		" FROM edition e"
		" LEFT JOIN photo f ON f.id = e.press_photo_id AND f.deleted_at IS NULL"
		" LEFT JOIN media pt ON pt.id = f.thumb_id"
		" LEFT JOIN photo c ON c.id = e.cover_photo_id AND c.deleted_at IS NULL"
		" LEFT JOIN media ct ON ct.id = c.thumb_id"
		" WHERE e.id = ?1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_fill(q, v);
}

enum db_result db_admin_press_kit_save(long long edition_id, const char *credit, int remove)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE edition SET press_credit = ?2, press_photo_id = CASE WHEN ?3"
		" THEN NULL ELSE press_photo_id END WHERE id = ?1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	db_bind_text(q, 2, credit);
	sqlite3_bind_int(q, 3, remove ? 1 : 0);
	return db_result_rows(db_run(q));
}

static const char *const pick_sql[] = {
	"UPDATE edition SET press_photo_id = ?2 WHERE id = ?1 AND EXISTS (SELECT 1"
	" FROM photo f WHERE f.id = ?2 AND f.edition_id = ?1"
	" AND f.deleted_at IS NULL)",
	"UPDATE edition SET cover_photo_id = ?2 WHERE id = ?1 AND EXISTS (SELECT 1"
	" FROM photo f WHERE f.id = ?2 AND f.edition_id = ?1 AND f.in_gallery = 1"
	" AND f.deleted_at IS NULL)",
};

enum db_result db_admin_photo_pick(long long edition_id, long long id, enum db_admin_pick what)
{
	static sqlite3_stmt *st[2];
	if ((unsigned)what > DB_ADMIN_PICK_COVER)
		return DB_MISSING;
	sqlite3_stmt *q = db_prepare(&st[what], pick_sql[what]);
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	return db_result_rows(db_run(q));
}

enum db_result db_admin_cover_remove(long long edition_id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE edition SET cover_photo_id = NULL WHERE id = ?1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_result_rows(db_run(q));
}

/* ---- presentations ---- */

/* is_first/is_last by window functions: the template disables the move
 * buttons that would do nothing. */
#define TALK_COLUMNS \
	"t.id, t.slug, t.title, t.title_de, t.speakers, t.affiliation," \
	" CASE WHEN m.id IS NULL THEN '' ELSE '/admin/media/' || m.path END AS file_url," \
	" CASE WHEN m.id IS NULL THEN '' ELSE 'PDF, ' || fmt_size(m.bytes) ||" \
	"  coalesce(', ' || m.pages || CASE m.pages WHEN 1 THEN ' page'" \
	"  ELSE ' pages' END, '') END AS file_label," \
	" '/admin/' || e.year || '/presentations/' || t.id AS item_url," \
	" t.title AS item_label, '/media/' || talk_path(e.year, t.slug) AS public_url"

int db_admin_presentations(struct tmpl_vars *v, long long edition_id,
		const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT " TALK_COLUMNS ","
		" row_number() OVER w = 1 AS is_first,"
		" row_number() OVER w = count(*) OVER () AS is_last"
		" FROM presentation t JOIN edition e ON e.id = t.edition_id"
		" LEFT JOIN media m ON m.id = t.media_id"
		" WHERE t.edition_id = ?1 AND t.deleted_at IS NULL"
		" WINDOW w AS (ORDER BY t.position, t.id)"
		" ORDER BY t.position, t.id");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_fill_list(q, v, list);
}

enum db_result db_admin_presentation(struct tmpl_vars *v, long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT " TALK_COLUMNS
		" FROM presentation t JOIN edition e ON e.id = t.edition_id"
		" LEFT JOIN media m ON m.id = t.media_id"
		" WHERE t.edition_id = ?1 AND t.id = ?2 AND t.deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	return db_fill(q, v);
}

enum db_result db_admin_slug_taken(long long edition_id, const char *slug)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT EXISTS (SELECT 1 FROM presentation WHERE edition_id = ?1"
		" AND slug = ?2)");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	db_bind_text(q, 2, slug);
	return db_result_rows(db_scalar(q, 0));
}

long long db_admin_presentation_add(const struct db_admin_talk *t, time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO presentation (edition_id, position, slug, title,"
		" speakers, affiliation, media_id, created_at, title_de) VALUES (?1,"
		" (SELECT coalesce(max(position), 0) + 1 FROM presentation"
		"  WHERE edition_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, t->edition_id);
	db_bind_text(q, 2, t->slug);
	db_bind_text(q, 3, t->title);
	db_bind_text(q, 4, t->speakers);
	db_bind_text(q, 5, t->affiliation);
	db_bind_id_or_null(q, 6, t->media_id);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)now);
	db_bind_text(q, 8, t->title_de);
	return db_insert(q);
}

enum db_result db_admin_presentation_update(long long id, const struct db_admin_talk *t)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE presentation SET title = ?3, speakers = ?4, affiliation = ?5,"
		" media_id = CASE WHEN ?6 > 0 THEN ?6 ELSE media_id END, title_de = ?7"
		" WHERE id = ?1 AND edition_id = ?2 AND deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, t->edition_id);
	db_bind_text(q, 3, t->title);
	db_bind_text(q, 4, t->speakers);
	db_bind_text(q, 5, t->affiliation);
	sqlite3_bind_int64(q, 6, t->media_id);
	db_bind_text(q, 7, t->title_de);
	return db_result_rows(db_run(q));
}

/* ---- videos ---- */

int db_admin_videos(struct tmpl_vars *v, long long edition_id, const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT d.id, d.title, d.url, video_site(d.url) AS site,"
		" video_start(d.url) AS start_text,"
		" '/admin/' || e.year || '/videos/' || d.id AS item_url,"
		" d.title AS item_label,"
		" row_number() OVER w = 1 AS is_first,"
		" row_number() OVER w = count(*) OVER () AS is_last"
		" FROM video d JOIN edition e ON e.id = d.edition_id"
		" WHERE d.edition_id = ?1 AND d.deleted_at IS NULL"
		" WINDOW w AS (ORDER BY d.position, d.id) ORDER BY d.position, d.id");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_fill_list(q, v, list);
}

enum db_result db_admin_video(struct tmpl_vars *v, long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT id, title, title_de, url FROM video WHERE edition_id = ?1 AND id = ?2"
		" AND deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	return db_fill(q, v);
}

long long db_admin_video_add(long long edition_id, const struct db_admin_video *d,
		time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO video (edition_id, position, title, url, created_at, title_de)"
		" VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM video"
		"  WHERE edition_id = ?1), ?2, ?3, ?4, ?5)");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	db_bind_text(q, 2, d->title);
	db_bind_text(q, 3, d->url);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)now);
	db_bind_text(q, 5, d->title_de);
	return db_insert(q);
}

enum db_result db_admin_video_update(long long edition_id, long long id,
		const struct db_admin_video *d)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE video SET title = ?3, url = ?4, title_de = ?5 WHERE id = ?1"
		" AND edition_id = ?2 AND deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, edition_id);
	db_bind_text(q, 3, d->title);
	db_bind_text(q, 4, d->url);
	db_bind_text(q, 5, d->title_de);
	return db_result_rows(db_run(q));
}

/* ---- order and trash ----
 *
 * One fixed statement per kind; photos are ordered among the gallery's
 * photos only (press photos have no place in that list).  Order is
 * (position, id), so equal positions still give a strict order. */

static const char *const neighbour_sql[DB_ADMIN_KINDS][2] = {
	{ "SELECT n.id, n.position, c.position FROM presentation c"
	  " JOIN presentation n ON n.edition_id = c.edition_id"
	  "  AND n.deleted_at IS NULL AND (n.position, n.id) < (c.position, c.id)"
	  " WHERE c.id = ?1 AND c.edition_id = ?2 AND c.deleted_at IS NULL"
	  " ORDER BY n.position DESC, n.id DESC LIMIT 1",
	  "SELECT n.id, n.position, c.position FROM presentation c"
	  " JOIN presentation n ON n.edition_id = c.edition_id"
	  "  AND n.deleted_at IS NULL AND (n.position, n.id) > (c.position, c.id)"
	  " WHERE c.id = ?1 AND c.edition_id = ?2 AND c.deleted_at IS NULL"
	  " ORDER BY n.position, n.id LIMIT 1" },
	{ "SELECT n.id, n.position, c.position FROM photo c"
	  " JOIN photo n ON n.edition_id = c.edition_id AND n.in_gallery = 1"
	  "  AND n.deleted_at IS NULL AND (n.position, n.id) < (c.position, c.id)"
	  " WHERE c.id = ?1 AND c.edition_id = ?2 AND c.in_gallery = 1"
	  "  AND c.deleted_at IS NULL"
	  " ORDER BY n.position DESC, n.id DESC LIMIT 1",
	  "SELECT n.id, n.position, c.position FROM photo c"
	  " JOIN photo n ON n.edition_id = c.edition_id AND n.in_gallery = 1"
	  "  AND n.deleted_at IS NULL AND (n.position, n.id) > (c.position, c.id)"
	  " WHERE c.id = ?1 AND c.edition_id = ?2 AND c.in_gallery = 1"
	  "  AND c.deleted_at IS NULL"
	  " ORDER BY n.position, n.id LIMIT 1" },
	{ "SELECT n.id, n.position, c.position FROM video c"
	  " JOIN video n ON n.edition_id = c.edition_id"
	  "  AND n.deleted_at IS NULL AND (n.position, n.id) < (c.position, c.id)"
	  " WHERE c.id = ?1 AND c.edition_id = ?2 AND c.deleted_at IS NULL"
	  " ORDER BY n.position DESC, n.id DESC LIMIT 1",
	  "SELECT n.id, n.position, c.position FROM video c"
	  " JOIN video n ON n.edition_id = c.edition_id"
	  "  AND n.deleted_at IS NULL AND (n.position, n.id) > (c.position, c.id)"
	  " WHERE c.id = ?1 AND c.edition_id = ?2 AND c.deleted_at IS NULL"
	  " ORDER BY n.position, n.id LIMIT 1" },
	{ NULL, NULL },         /* sessions: their order is their time */
};

/* Two rows trade places.  With equal positions a swap would change
 * nothing, so the moving row then steps just past its neighbour. */
static const char *const swap_sql[DB_ADMIN_KINDS] = {
	"UPDATE presentation SET position = CASE id WHEN ?1 THEN ?2 ELSE ?4 END"
	" WHERE id IN (?1, ?3)",
	"UPDATE photo SET position = CASE id WHEN ?1 THEN ?2 ELSE ?4 END"
	" WHERE id IN (?1, ?3)",
	"UPDATE video SET position = CASE id WHEN ?1 THEN ?2 ELSE ?4 END"
	" WHERE id IN (?1, ?3)",
	NULL,
};

enum db_result db_admin_move(enum db_admin_kind k, long long edition_id, long long id, int dir)
{
	static sqlite3_stmt *nb[DB_ADMIN_KINDS][2], *sw[DB_ADMIN_KINDS];
	if ((unsigned)k >= DB_ADMIN_KINDS || dir == 0 || !swap_sql[k])
		return DB_MISSING;
	int d = dir > 0;
	sqlite3_stmt *q = db_prepare(&nb[k][d], neighbour_sql[k][d]);
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, edition_id);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(q);
		if (rc == SQLITE_DONE)
			return DB_MISSING;
		log_err(sqlite3_sql(q));
		return DB_FAILED;
	}
	long long other = sqlite3_column_int64(q, 0);
	long long other_pos = sqlite3_column_int64(q, 1);
	long long my_pos = sqlite3_column_int64(q, 2);
	sqlite3_reset(q);
	if (other_pos == my_pos)
		my_pos += d ? -1 : 1;   /* the neighbour steps aside instead */
	sqlite3_stmt *s = db_prepare(&sw[k], swap_sql[k]);
	if (!s)
		return DB_FAILED;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, other_pos);
	sqlite3_bind_int64(s, 3, other);
	sqlite3_bind_int64(s, 4, my_pos);
	return db_run(s) == 2 ? DB_FOUND : DB_FAILED;
}

static const char *const trash_sql[DB_ADMIN_KINDS] = {
	"UPDATE presentation SET deleted_at = ?3 WHERE id = ?1 AND edition_id = ?2"
	" AND deleted_at IS NULL",
	"UPDATE photo SET deleted_at = ?3 WHERE id = ?1 AND edition_id = ?2"
	" AND in_gallery = 1 AND deleted_at IS NULL",
	"UPDATE video SET deleted_at = ?3 WHERE id = ?1 AND edition_id = ?2"
	" AND deleted_at IS NULL",
	"UPDATE programme_session SET deleted_at = ?3 WHERE id = ?1 AND edition_id = ?2"
	" AND deleted_at IS NULL",
};

enum db_result db_admin_trash(enum db_admin_kind k, long long edition_id, long long id,
		time_t now)
{
	static sqlite3_stmt *st[DB_ADMIN_KINDS];
	if ((unsigned)k >= DB_ADMIN_KINDS)
		return DB_MISSING;
	sqlite3_stmt *q = db_prepare(&st[k], trash_sql[k]);
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, edition_id);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)now);
	return db_result_rows(db_run(q));
}

/* The position stays: a move swaps the positions of two live items and a
 * new item takes max + 1 over the trash too, so no live item has taken
 * it, and the item returns to its place among the others. */
static const char *const restore_sql[DB_ADMIN_KINDS] = {
	"UPDATE presentation SET deleted_at = NULL"
	" WHERE id = ?1 AND deleted_at IS NOT NULL",
	"UPDATE photo SET deleted_at = NULL"
	" WHERE id = ?1 AND deleted_at IS NOT NULL",
	"UPDATE video SET deleted_at = NULL"
	" WHERE id = ?1 AND deleted_at IS NOT NULL",
	"UPDATE programme_session SET deleted_at = NULL"
	" WHERE id = ?1 AND deleted_at IS NOT NULL",
};

static const char *const year_sql[DB_ADMIN_KINDS] = {
	"SELECT e.year FROM presentation t JOIN edition e ON e.id = t.edition_id"
	" WHERE t.id = ?1",
	"SELECT e.year FROM photo t JOIN edition e ON e.id = t.edition_id"
	" WHERE t.id = ?1",
	"SELECT e.year FROM video t JOIN edition e ON e.id = t.edition_id"
	" WHERE t.id = ?1",
	"SELECT e.year FROM programme_session t JOIN edition e ON e.id = t.edition_id"
	" WHERE t.id = ?1",
};

int db_admin_item_year(enum db_admin_kind k, long long id)
{
	static sqlite3_stmt *st[DB_ADMIN_KINDS];
	if ((unsigned)k >= DB_ADMIN_KINDS)
		return 0;
	sqlite3_stmt *q = db_prepare(&st[k], year_sql[k]);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	return (int)db_scalar(q, 0);
}

enum db_result db_admin_restore(enum db_admin_kind k, long long id)
{
	static sqlite3_stmt *st[DB_ADMIN_KINDS];
	if ((unsigned)k >= DB_ADMIN_KINDS)
		return DB_MISSING;
	sqlite3_stmt *q = db_prepare(&st[k], restore_sql[k]);
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, id);
	return db_result_rows(db_run(q));
}

int db_admin_trash_list(struct tmpl_vars *v, const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT kind, id, year, title, thumb_url,"
		" strftime('%Y-%m-%d %H:%M UTC', deleted_at, 'unixepoch') AS deleted_utc"
		" FROM ("
		" SELECT 'presentation' AS kind, t.id, e.year, t.title,"
		"  '' AS thumb_url, t.deleted_at"
		"  FROM presentation t JOIN edition e ON e.id = t.edition_id"
		"  WHERE t.deleted_at IS NOT NULL"
		" UNION ALL"
		" SELECT 'photo', f.id, e.year, CASE WHEN f.alt <> '' THEN f.alt"
		"  WHEN f.caption <> '' THEN f.caption ELSE 'Photo ' || f.id END,"
		"  '/admin/media/' || m.path, f.deleted_at"
		"  FROM photo f JOIN edition e ON e.id = f.edition_id"
		"  JOIN media m ON m.id = f.thumb_id WHERE f.deleted_at IS NOT NULL"
		" UNION ALL"
		" SELECT 'video', d.id, e.year, d.title, '', d.deleted_at"
		"  FROM video d JOIN edition e ON e.id = d.edition_id"
		"  WHERE d.deleted_at IS NOT NULL"
		" UNION ALL"
		" SELECT 'session', s.id, e.year, s.title, '', s.deleted_at"
		"  FROM programme_session s JOIN edition e ON e.id = s.edition_id"
		"  WHERE s.deleted_at IS NOT NULL)"
		" ORDER BY deleted_at DESC, kind, id DESC LIMIT ?1");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, TRASH_LIST_MAX);
	return db_fill_list(q, v, list);
}
