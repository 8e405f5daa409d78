/* db: the connection, statement slots, result-to-template mapping and
 * the public queries; the SQL functions they call are in db_func.c. */
#include "db.h"
#include "space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db_rules.h"

/* How long a reader waits for a writer's lock before giving up (ms).  In
 * WAL mode readers rarely wait at all; this covers checkpoints. */
#define DB_BUSY_TIMEOUT_MS 5000
/* Statement slots one process may register (every db_prepare call site;
 * the admin program has about a hundred). */
#define DB_SLOTS_MAX 192

static sqlite3 *db;
static char *db_path;
static sqlite3_stmt **slots[DB_SLOTS_MAX];
static int nslots;

void db_log_error(const char *who, const char *what)
{
	if (!db) {
		fprintf(stderr, "%s: %s: no database\n", who, what);
		return;
	}
	int code = sqlite3_extended_errcode(db), sys = sqlite3_system_errno(db);
	fprintf(stderr, "%s: %s: %s (code %d)\n", who, what, sqlite3_errmsg(db), code);
	space_note_sqlite(db_path ? db_path : who, code, sys);
}

static void db_log(const char *what)
{
	db_log_error("database", what);
}

/* ---- the connection ---- */

static int exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_log(sql);
		return -1;
	}
	return 0;
}

static int check_version(void)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
		db_log("cannot read it");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		db_log("cannot read it");
	sqlite3_finalize(st);
	if (v >= 0 && v < DB_SCHEMA_VERSION)
		fprintf(stderr, "database %s has schema version %d, this program needs %d: "
			"upgrade it with `admin migrate --db %s` (it keeps a copy)\n",
			db_path, v, DB_SCHEMA_VERSION, db_path);
	else if (v > DB_SCHEMA_VERSION)
		fprintf(stderr, "database %s has schema version %d, newer than this "
			"program's %d: it was written by a later release\n",
			db_path, v, DB_SCHEMA_VERSION);
	return v == DB_SCHEMA_VERSION ? 0 : -1;
}

int db_open(const char *path, enum db_mode mode)
{
	/* No SQLITE_OPEN_CREATE: a mistyped path must not become an empty
	 * database that every page then reports as "not found". */
	int flags = (mode == DB_READONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOMUTEX;
	if (db)
		db_close();
	db_path = xstrdup(path);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		db_log("cannot open");
		db_close();
		return -1;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (check_version() < 0 || exec("PRAGMA foreign_keys = ON") < 0 ||
	    (mode == DB_READWRITE && exec("PRAGMA journal_mode = WAL") < 0) ||
	    db_func_register(db) < 0) {
		db_close();
		return -1;
	}
	return 0;
}

void db_close(void)
{
	for (int i = 0; i < nslots; i++) {
		sqlite3_finalize(*slots[i]);
		*slots[i] = NULL;
	}
	nslots = 0;
	if (db)
		sqlite3_close(db);
	db = NULL;
	free(db_path);
	db_path = NULL;
}

sqlite3 *db_handle(void)
{
	return db;
}

sqlite3_stmt *db_prepare(sqlite3_stmt **slot, const char *sql)
{
	if (*slot) {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
		return *slot;
	}
	if (!db || nslots == DB_SLOTS_MAX) {
		fprintf(stderr, "db_prepare: %s\n", db ? "too many statements" : "no database");
		return NULL;
	}
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot,
			       NULL) != SQLITE_OK) {
		db_log(sql);
		*slot = NULL;
		return NULL;
	}
	slots[nslots++] = slot;
	return *slot;
}

static void fill_row(sqlite3_stmt *st, struct tmpl_vars *v)
{
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		/* column_text converts integers to decimal text; NULL -> "". */
		const unsigned char *s = sqlite3_column_text(st, i);
		tmpl_setn(v, sqlite3_column_name(st, i), s ? (const char *)s : "",
			  s ? (size_t)sqlite3_column_bytes(st, i) : 0);
	}
}

static int step_error(sqlite3_stmt *st)
{
	db_log(sqlite3_sql(st));
	sqlite3_reset(st);
	return -1;
}

enum db_result db_fill(sqlite3_stmt *st, struct tmpl_vars *v)
{
	if (!st)
		return DB_FAILED;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fill_row(st, v);
	else if (rc != SQLITE_DONE) {
		step_error(st);
		return DB_FAILED;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_FOUND : DB_MISSING;
}

int db_fill_list(sqlite3_stmt *st, struct tmpl_vars *v, const char *list)
{
	int rc, count = 0;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill_row(st, tmpl_add(v, list));
		count++;
	}
	if (rc != SQLITE_DONE)
		return step_error(st);
	sqlite3_reset(st);
	return count;
}

long long db_scalar(sqlite3_stmt *st, long long none)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	long long x = none;
	if (rc == SQLITE_ROW)
		x = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return step_error(st);
	sqlite3_reset(st);
	return x;
}

int db_run(sqlite3_stmt *st)
{
	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_DONE)
		return step_error(st);
	sqlite3_reset(st);
	return sqlite3_changes(db);
}

long long db_insert(sqlite3_stmt *st)
{
	return db_run(st) == 1 ? sqlite3_last_insert_rowid(db) : -1;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void db_bind_id_or_null(sqlite3_stmt *st, int i, long long id)
{
	if (id > 0)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

long long db_version(void)
{
	static sqlite3_stmt *st;
	return db_scalar(db_prepare(&st, "PRAGMA data_version"), -1);
}

time_t db_changed_at(void)
{
	static sqlite3_stmt *st;
	/* Pages also change with no write when the clock makes a scheduled
	 * release public or opens or closes a registration: a Last-Modified
	 * older than that would let an If-Modified-Since alone get a 304 for
	 * the page as it was (RFC 9110 13.1.3). */
	long long t = db_scalar(db_prepare(&st,
		"SELECT max(changed_at, " CLOCK_CHANGED("") ") FROM site WHERE id = 1"), 0);
	return t > 0 ? (time_t)t : 0;
}

int db_step_nowait(sqlite3_stmt *st)
{
	if (!st)
		return SQLITE_ERROR;
	sqlite3_busy_timeout(db, 0);
	int rc = sqlite3_step(st);
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	sqlite3_reset(st);
	return rc;
}

int db_begin(void)
{
	static sqlite3_stmt *st;
	/* IMMEDIATE takes the write lock now, so a busy writer is met at
	 * BEGIN (and waited for) instead of failing mid-transaction. */
	return db_scalar(db_prepare(&st, "BEGIN IMMEDIATE"), 0) < 0 ? -1 : 0;
}

int db_begin_read(void)
{
	static sqlite3_stmt *st;
	return db_scalar(db_prepare(&st, "BEGIN"), 0) < 0 ? -1 : 0;
}

int db_commit(void)
{
	static sqlite3_stmt *st;
	return db_scalar(db_prepare(&st, "COMMIT"), 0) < 0 ? -1 : 0;
}

void db_rollback(void)
{
	if (db && !sqlite3_get_autocommit(db))
		exec("ROLLBACK");
}

enum db_result db_result_rows(long long n)
{
	return n < 0 ? DB_FAILED : n > 0 ? DB_FOUND : DB_MISSING;
}

/* ---- the public pages' queries ---- */

enum db_result db_site(struct tmpl_vars *v, const char *lang)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT name AS site_name,"
		" l10n(?1, background_html, background_de_html) AS background_html,"
		" l10n_lang(?1, background_html, background_de_html) AS background_lang,"
		" contact_name, l10n(?1, contact_role, contact_role_de) AS contact_role,"
		" l10n_lang(?1, contact_role, contact_role_de) AS contact_role_lang, contact_phone,"
		" CASE WHEN contact_phone = '' THEN '' ELSE 'tel:' ||"
		"  replace(replace(replace(replace(contact_phone, ' ', ''),"
		"  '/', ''), '(', ''), ')', '') END AS contact_tel,"
		" contact_email,"
		" CASE WHEN contact_email = '' THEN '' ELSE 'mailto:' || contact_email END"
		"  AS contact_mailto,"
		" l10n(?1, imprint_html, imprint_de_html) AS imprint_html,"
		" l10n_lang(?1, imprint_html, imprint_de_html) AS imprint_lang,"
		" l10n(?1, privacy_html, privacy_de_html) AS privacy_html,"
		" l10n_lang(?1, privacy_html, privacy_de_html) AS privacy_lang,"
		" press_name, press_phone,"
		" CASE WHEN press_phone = '' THEN '' ELSE 'tel:' ||"
		"  replace(replace(replace(replace(press_phone, ' ', ''),"
		"  '/', ''), '(', ''), ')', '') END AS press_tel,"
		" press_email,"
		" CASE WHEN press_email = '' THEN '' ELSE 'mailto:' || press_email END"
		"  AS press_mailto, base_url"
		" FROM site WHERE id = 1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_text(q, 1, lang, -1, SQLITE_STATIC);
	return db_fill(q, v);
}

int db_editions(struct tmpl_vars *v, const char *list, int current,
		const char *mark, const char *lang)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT year, title, fmt_date_range(starts, ends, ?3) AS date_text,"
		" summary, venue,"
		" CASE WHEN year = ?1 THEN ?2 ELSE '' END AS nav_current"
		" FROM edition WHERE published = 1 ORDER BY year DESC");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, current);
	sqlite3_bind_text(q, 2, mark ? mark : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, lang, -1, SQLITE_STATIC);
	return db_fill_list(q, v, list);
}

int db_latest_year(void)
{
	static sqlite3_stmt *st;
	/* The admin's choice while that edition is published, else the
	 * newest published one. */
	return (int)db_scalar(db_prepare(&st,
		"SELECT coalesce((SELECT e.year FROM edition e JOIN site s"
		"  ON s.id = 1 AND s.home_year = e.year WHERE e.published = 1),"
		" (SELECT max(year) FROM edition WHERE published = 1))"), 0);
}

int db_count_due(sqlite3_stmt *q, time_t now, time_t *next)
{
	*next = 0;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)now);
	int rc = sqlite3_step(q);
	int due = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	if (rc == SQLITE_ROW)
		*next = (time_t)sqlite3_column_int64(q, 1);
	else
		db_log(sqlite3_sql(q));
	sqlite3_reset(q);
	return due;
}

int db_press_due(time_t now, time_t *next)
{
	static sqlite3_stmt *st;
	return db_count_due(db_prepare(&st,
		"SELECT count(*) FILTER (WHERE publish_at <= ?1),"
		" coalesce(min(publish_at) FILTER (WHERE publish_at > ?1), 0)"
		" FROM press WHERE state = 'scheduled'"), now, next);
}

enum db_result db_edition(struct tmpl_vars *v, int year, const char *lang)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT x.*,"
		" press_count + presentation_count + video_count + photo_count > 0 AS has_content,"
		/* Counts in the page's form; the words around them come from
		 * the templates' catalogs (N_one: the singular applies). */
		" fmt_int(presentation_count, ?2) AS presentations_n,"
		" presentation_count = 1 AS presentations_one,"
		" fmt_int(video_count, ?2) AS videos_n, video_count = 1 AS videos_one,"
		" fmt_int(photo_count, ?2) AS photos_n, photo_count = 1 AS photos_one,"
		" coalesce(ends, starts, '9999') >= date('now') AS upcoming"
		" FROM (SELECT e.year, e.title, e.starts, e.ends,"
		" fmt_date_range(e.starts, e.ends, ?2) AS date_text,"
		" e.venue, e.address,"
		" l10n(?2, e.headline, e.headline_de) AS headline,"
		" l10n_lang(?2, e.headline, e.headline_de) AS headline_lang,"
		" l10n(?2, e.summary, e.summary_de) AS summary,"
		" l10n_lang(?2, e.summary, e.summary_de) AS summary_lang,"
		" l10n(?2, e.review_html, e.review_de_html) AS review_html,"
		" l10n_lang(?2, e.review_html, e.review_de_html) AS review_lang,"
		" l10n(?2, e.next_html, e.next_de_html) AS next_html,"
		" l10n_lang(?2, e.next_html, e.next_de_html) AS next_lang,"
		" coalesce(media_url(cm.path), '') AS cover_url, cm.width AS cover_width,"
		" cm.height AS cover_height,"
		" CASE WHEN c.decorative THEN '' ELSE coalesce(l10n(?2, c.alt, c.alt_de), '') END AS cover_alt,"
		" CASE WHEN c.decorative THEN '' ELSE coalesce(l10n_lang(?2, c.alt, c.alt_de), '') END"
		"  AS cover_alt_lang,"
		" EXISTS (SELECT 1 FROM press p WHERE p.edition_id = e.id AND p.lang = 'en'"
		PRESS_SHOWN ") AS press_en,"
		" EXISTS (SELECT 1 FROM press p WHERE p.edition_id = e.id AND p.lang = 'de'"
		PRESS_SHOWN ") AS press_de,"
		" (SELECT count(*) FROM press p WHERE p.edition_id = e.id" PRESS_SHOWN ") AS press_count,"
		" (SELECT count(*) FROM presentation t WHERE t.edition_id = e.id"
		"   AND t.deleted_at IS NULL) AS presentation_count,"
		" (SELECT count(*) FROM video d WHERE d.edition_id = e.id"
		"   AND d.deleted_at IS NULL) AS video_count,"
		" (SELECT count(*) FROM photo f WHERE f.edition_id = e.id"
		GALLERY_SHOWN ") AS photo_count"
		" FROM edition e"
		" LEFT JOIN photo c ON c.id = e.cover_photo_id AND c.published = 1"
		"  AND c.deleted_at IS NULL"
		" LEFT JOIN media cm ON cm.id = c.web_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN ") x");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return db_fill(q, v);
}

/* The press photo is the edition's (one for both languages), shown only
 * while the photo itself is published and not in the trash.  Its download
 * is the full resolution (the large size for photos imported before that
 * was kept) under a readable name: nginx maps /media/press/<sha256>/<name>
 * to the stored file and names it in Content-Disposition. */
enum db_result db_press(struct tmpl_vars *v, int year, const char *lang)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT p.lang AS press_lang, p.title AS press_title,"
		" p.subtitle AS press_subtitle, p.released,"
		" fmt_date(p.released, p.lang) AS released_text, p.body_html,"
		" CASE WHEN w.id IS NULL THEN '' ELSE media_url(w.path) END AS photo_url,"
		" w.width AS photo_width, w.height AS photo_height,"
		" CASE WHEN t.id IS NULL THEN '' ELSE media_url(t.path) END AS photo_thumb_url,"
		" CASE WHEN f.decorative THEN '' ELSE l10n(p.lang, f.alt, f.alt_de) END AS photo_alt,"
		" CASE WHEN f.decorative THEN '' ELSE l10n_lang(p.lang, f.alt, f.alt_de) END AS photo_alt_lang,"
		/* The release's own caption is in its language; without one,
		 * the photo's. */
		" CASE WHEN f.id IS NULL THEN '' ELSE coalesce(nullif(p.photo_caption, ''),"
		"  l10n(p.lang, f.caption, f.caption_de)) END AS photo_caption,"
		" CASE WHEN f.id IS NULL OR p.photo_caption <> '' THEN ''"
		"  ELSE l10n_lang(p.lang, f.caption, f.caption_de) END AS photo_caption_lang,"
		" CASE WHEN f.id IS NULL THEN '' ELSE coalesce(nullif(e.press_credit, ''), f.credit) END"
		"  AS photo_credit,"
		" CASE WHEN d.id IS NULL THEN '' WHEN preview() THEN media_url(d.path)"
		"  ELSE '/media/press/' || d.sha256 || '/'"
		"  || ltrim(slug(s.name) || '-', '-') || e.year || '-press-photo.jpg' END"
		"  AS photo_download_url,"
		" coalesce(d.width, 0) AS photo_download_width,"
		" coalesce(d.height, 0) AS photo_download_height,"
		" CASE p.lang WHEN 'en' THEN 'de' ELSE 'en' END AS other_lang,"
		" EXISTS (SELECT 1 FROM press o WHERE o.edition_id = p.edition_id"
		"   AND o.lang <> p.lang AND (preview() OR o.state = 'published' OR (o.state = 'scheduled'"
		"   AND o.publish_at <= CAST(strftime('%s', 'now') AS INTEGER)))) AS other_exists"
		" FROM press p JOIN edition e ON e.id = p.edition_id"
		" JOIN site s ON s.id = 1"
		" LEFT JOIN photo f ON f.id = e.press_photo_id AND f.published = 1"
		"  AND f.deleted_at IS NULL"
		" LEFT JOIN media w ON w.id = f.web_id"
		" LEFT JOIN media t ON t.id = f.thumb_id"
		" LEFT JOIN media d ON d.id = coalesce(f.orig_id, f.web_id)"
		" WHERE e.year = ?1 AND" EDITION_SHOWN " AND p.lang = ?2" PRESS_SHOWN);
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return db_fill(q, v);
}

enum db_result db_press_exists(int year, const char *lang)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT EXISTS (SELECT 1 FROM press p JOIN edition e ON e.id = p.edition_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN " AND p.lang = ?2" PRESS_SHOWN ")");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return db_result_rows(db_scalar(q, 0));
}

int db_presentations(struct tmpl_vars *v, int year, const char *lang, const char *list)
{
	static sqlite3_stmt *st;
	/* The link is the stable /media/talks/ name, not the hashed file, so
	 * it survives the PDF being replaced. */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT l10n(?2, t.title, t.title_de) AS title,"
		" l10n_lang(?2, t.title, t.title_de) AS title_lang, t.speakers, t.affiliation, t.slug,"
		" CASE WHEN m.id IS NULL THEN '' ELSE"
		"  CASE WHEN preview() THEN media_url(m.path)"
		"  ELSE '/media/' || talk_path(e.year, t.slug) END END AS file_url,"
		" coalesce(fmt_size(m.bytes, ?2), '') AS file_size,"
		" coalesce(fmt_int(m.pages, ?2), '') AS file_pages,"
		" coalesce(m.pages = 1, 0) AS file_one_page, coalesce(m.pages > 1, 0) AS file_many_pages"
		" FROM presentation t JOIN edition e ON e.id = t.edition_id"
		" LEFT JOIN media m ON m.id = t.media_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN " AND t.deleted_at IS NULL"
		" ORDER BY t.position, t.id");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return db_fill_list(q, v, list);
}

/* The media root is the database's directory + "/media" (README.md,
 * "Deploying"); the public programs know no other path. */
int db_slides_zip(struct tmpl_vars *v, int year, const char *lang)
{
	static sqlite3_stmt *st;
	char rel[DB_TALK_PATH_MAX], path[4096], url[DB_TALK_PATH_MAX + 8];
	const char *db = db_handle() ? sqlite3_db_filename(db_handle(), "main") : NULL;
	const char *slash = db ? strrchr(db, '/') : NULL;
	struct stat s;
	if (!slash || db_slides_zip_path(rel, sizeof rel, year) < 0 ||
	    snprintf(path, sizeof path, "%.*s/media/%s", (int)(slash - db), db, rel) >= (int)sizeof path)
		return -1;
	if (stat(path, &s) < 0 || !S_ISREG(s.st_mode))
		return 0;
	sqlite3_stmt *q = db_prepare(&st, "SELECT fmt_size(?1, ?2)");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)s.st_size);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(url, sizeof url, "/media/%s", rel);
		tmpl_set(v, "zip_url", url);
		tmpl_set(v, "zip_size", (const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

int db_videos(struct tmpl_vars *v, int year, const char *lang, const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT d.id AS video_id, l10n(?2, d.title, d.title_de) AS title,"
		" l10n_lang(?2, d.title, d.title_de) AS title_lang, d.url, video_site(d.url) AS site,"
		" video_start(d.url) AS start_text, video_embed(d.url) AS embed_url"
		" FROM video d JOIN edition e ON e.id = d.edition_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN " AND d.deleted_at IS NULL"
		" ORDER BY d.position, d.id");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return db_fill_list(q, v, list);
}

int db_gallery(struct tmpl_vars *v, int year, const char *lang, int limit,
	       int offset, const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT media_url(t.path) AS thumb_url, t.width AS thumb_width,"
		" t.height AS thumb_height, media_url(w.path) AS web_url,"
		" printf('/%04d/gallery/%d', e.year, f.id) AS photo_url, 'photo-' || f.id AS anchor,"
		" CASE WHEN row_number() OVER (ORDER BY f.position, f.id) > ?4"
		"  THEN 'lazy' ELSE '' END AS loading,"
		" w.width AS web_width, w.height AS web_height,"
		" CASE WHEN f.decorative THEN '' ELSE l10n(?5, f.alt, f.alt_de) END AS alt,"
		" CASE WHEN f.decorative THEN '' ELSE l10n_lang(?5, f.alt, f.alt_de) END AS alt_lang,"
		" f.decorative, l10n(?5, f.caption, f.caption_de) AS caption,"
		" l10n_lang(?5, f.caption, f.caption_de) AS caption_lang, f.credit"
		" FROM photo f JOIN edition e ON e.id = f.edition_id"
		" JOIN media t ON t.id = f.thumb_id JOIN media w ON w.id = f.web_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN GALLERY_SHOWN
		" ORDER BY f.position, f.id LIMIT ?2 OFFSET ?3");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int(q, 2, limit);
	sqlite3_bind_int(q, 3, offset);
	sqlite3_bind_int(q, 4, GALLERY_EAGER);
	sqlite3_bind_text(q, 5, lang, -1, SQLITE_STATIC);
	return db_fill_list(q, v, list);
}

int db_gallery_count(struct tmpl_vars *v, int year)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT count(*) AS gallery_count,"
		" coalesce(group_concat(credit, ' \xc2\xb7 ') FILTER (WHERE credit <> ''"
		"  AND first = 1), '') AS gallery_credit"
		" FROM (SELECT f.credit,"
		"  row_number() OVER (PARTITION BY f.credit ORDER BY f.position, f.id) AS first"
		"  FROM photo f JOIN edition e ON e.id = f.edition_id"
		"  WHERE e.year = ?1 AND" EDITION_SHOWN GALLERY_SHOWN ")");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, year);
	if (db_fill(q, v) == DB_FAILED)
		return -1;
	const char *n = tmpl_get(v, "gallery_count");
	return n ? atoi(n) : 0;
}

/* One gallery photo with its neighbours.  The window runs over every shown
 * photo of the edition, so "N of M" and previous/next follow the gallery's
 * own order, and the page of the grid the photo sits on is known (for the
 * link back).  The outer WHERE only picks the row: a hidden photo is no
 * row of the window, hence DB_MISSING. */
enum db_result db_photo(struct tmpl_vars *v, int year, const char *lang, long long id,
			int page_size)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT id AS photo_id, number, photo_total, photo_total > 1 AS browsable,"
		" alt, alt_lang, decorative, caption, caption_lang, credit,"
		" caption <> '' OR credit <> '' AS has_caption,"
		" thumb_url, thumb_width, web_url, web_width, web_height,"
		" CASE WHEN prev_id IS NULL THEN '' ELSE printf('/%04d/gallery/%d', ?1, prev_id) END AS prev_url,"
		" CASE WHEN next_id IS NULL THEN '' ELSE printf('/%04d/gallery/%d', ?1, next_id) END AS next_url,"
		" printf('/%04d/gallery%s#photo-%d', ?1,"
		"  CASE WHEN number > ?3 THEN '?page=' || ((number - 1) / ?3 + 1) ELSE '' END, id) AS gallery_url,"
		" (SELECT CASE WHEN contact_email = '' THEN '' ELSE 'mailto:' || contact_email ||"
		"  printf('?subject=High-resolution%%20photo%%20%04d-%d', ?1, id) END"
		"  FROM site WHERE id = 1) AS hires_mailto"
		" FROM (SELECT f.id, l10n(?4, f.caption, f.caption_de) AS caption,"
		"  l10n_lang(?4, f.caption, f.caption_de) AS caption_lang, f.credit, f.decorative,"
		"  CASE WHEN f.decorative THEN '' ELSE l10n(?4, f.alt, f.alt_de) END AS alt,"
		"  CASE WHEN f.decorative THEN '' ELSE l10n_lang(?4, f.alt, f.alt_de) END AS alt_lang,"
		"  media_url(t.path) AS thumb_url, t.width AS thumb_width,"
		"  media_url(w.path) AS web_url, w.width AS web_width, w.height AS web_height,"
		"  row_number() OVER win AS number, count(*) OVER () AS photo_total,"
		"  lag(f.id) OVER win AS prev_id, lead(f.id) OVER win AS next_id"
		"  FROM photo f JOIN edition e ON e.id = f.edition_id"
		"  JOIN media t ON t.id = f.thumb_id JOIN media w ON w.id = f.web_id"
		"  WHERE e.year = ?1 AND" EDITION_SHOWN GALLERY_SHOWN
		"  WINDOW win AS (ORDER BY f.position, f.id))"
		" WHERE id = ?2");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int64(q, 2, id);
	sqlite3_bind_int(q, 3, page_size);
	sqlite3_bind_text(q, 4, lang, -1, SQLITE_STATIC);
	return db_fill(q, v);
}

/* ---- search ---- */

/* Bytes that separate words in a visitor's query: ASCII that is neither a
 * letter nor a digit.  Bytes of UTF-8 sequences count as word bytes, so
 * "Prävention" stays one word (FTS5's unicode61 tokenizer splits the text
 * the same way). */
static int search_sep(unsigned char c)
{
	return c < 0x80 && !((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
}

int db_search_match(const char *q, char *out, size_t n)
{
	size_t len = 0;
	int terms = 0;
	const unsigned char *s = (const unsigned char *)q;
	out[0] = '\0';
	while (*s && terms < DB_SEARCH_TERMS_MAX) {
		while (*s && search_sep(*s))
			s++;
		size_t w = 0;
		while (s[w] && !search_sep(s[w]))
			w++;
		if (w == 0)
			break;
		/* Each word as an FTS5 string (no operator, column filter or
		 * NEAR can come from the visitor), matched as a prefix. */
		if (w > DB_SEARCH_TERM_MAX || len + w + 5 >= n)
			return -1;
		len += (size_t)snprintf(out + len, n - len, "%s\"%.*s\"*",
					terms ? " " : "", (int)w, (const char *)s);
		terms++;
		s += w;
	}
	return terms;
}

/* The columns each kind of hit gives: kind (edition, press, talk, photo,
 * video: the templates name it in the page's language), hit_title,
 * hit_lang ("de" for German text), url (a printf format for the edition's
 * year; ?4 is the page's prefix, "" or "/de", and a press release links to
 * its own language's page); a talk's, a photo's and a video's title in the page's
 * language ?5 (l10n: the other one while it has none, hit_lang naming it);
 * rank and snip come from the index.  Visibility is the
 * public pages' own: a published edition, nothing in the trash, photos as
 * the gallery shows them. */
#define SEARCH_SQL \
	"WITH hit AS (SELECT rowid / 8 AS item, rowid % 8 AS kind, rank," \
	"  snippet(search_index, -1, '', '', '\xe2\x80\xa6', 24) AS snip" \
	"  FROM search_index WHERE search_index MATCH ?1 ORDER BY rank LIMIT ?2)" \
	" SELECT e.year, e.title AS edition_title, x.kind = 'edition' AS kind_edition," \
	"  x.kind = 'press' AS kind_press, x.kind = 'talk' AS kind_talk," \
	"  x.kind = 'photo' AS kind_photo, x.kind = 'video' AS kind_video, x.hit_title, x.hit_lang," \
	"  printf(x.url, e.year) AS url," \
	"  CASE WHEN x.snip = x.hit_title THEN '' ELSE x.snip END AS snip" \
	" FROM (" \
	"  SELECT h.rank, h.snip, 'edition' AS kind, d.title AS hit_title," \
	"   '' AS hit_lang, ?4 || '/%04d/' AS url, d.id AS eid" \
	"   FROM hit h JOIN edition d ON h.kind = 1 AND d.id = h.item" \
	"  UNION ALL SELECT h.rank, h.snip, 'press', p.title, CASE p.lang WHEN 'de' THEN 'de' ELSE 'en' END," \
	"   CASE p.lang WHEN 'de' THEN '/de/%04d/press' ELSE '/%04d/press' END, p.edition_id" \
	"   FROM hit h JOIN press p ON h.kind = 2 AND p.id = h.item WHERE 1" PRESS_PUBLIC \
	"  UNION ALL SELECT h.rank, h.snip, 'talk', l10n(?5, t.title, t.title_de)," \
	"   l10n_lang(?5, t.title, t.title_de)," \
	"   ?4 || '/%04d/presentations#talk-' || t.slug, t.edition_id" \
	"   FROM hit h JOIN presentation t ON h.kind = 3 AND t.id = h.item" \
	"   WHERE t.deleted_at IS NULL" \
	"  UNION ALL SELECT h.rank, h.snip, 'photo'," \
	"   coalesce(nullif(l10n(?5, f.caption, f.caption_de), ''), l10n(?5, f.alt, f.alt_de))," \
	"   CASE WHEN l10n(?5, f.caption, f.caption_de) <> ''" \
	"    THEN l10n_lang(?5, f.caption, f.caption_de) ELSE l10n_lang(?5, f.alt, f.alt_de) END," \
	"   ?4 || '/%04d/gallery/' || f.id, f.edition_id" \
	"   FROM hit h JOIN photo f ON h.kind = 4 AND f.id = h.item" \
	"   WHERE 1" GALLERY_SHOWN \
	"  UNION ALL SELECT h.rank, h.snip, 'video', l10n(?5, v.title, v.title_de)," \
	"   l10n_lang(?5, v.title, v.title_de)," \
	"   ?4 || '/%04d/presentations#videos', v.edition_id" \
	"   FROM hit h JOIN video v ON h.kind = 5 AND v.id = h.item" \
	"   WHERE v.deleted_at IS NULL" \
	" ) x JOIN edition e ON e.id = x.eid AND e.published = 1" \
	" ORDER BY e.year DESC, x.rank LIMIT ?3"

int db_search(struct tmpl_vars *v, const char *match, const char *lang, const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, SEARCH_SQL);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, DB_SEARCH_SCAN_MAX);
	sqlite3_bind_int(q, 3, DB_SEARCH_HITS_MAX);
	sqlite3_bind_text(q, 4, strcmp(lang, "de") == 0 ? "/de" : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, lang, -1, SQLITE_STATIC);
	int rc, count = 0, year = 0;
	struct tmpl_vars *group = NULL;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		/* Rows come by edition, newest first: a new year opens a group. */
		if (!group || sqlite3_column_int(q, 0) != year) {
			year = sqlite3_column_int(q, 0);
			group = tmpl_add(v, list);
			tmpl_seti(group, "year", year);
			tmpl_set(group, "edition_title", (const char *)sqlite3_column_text(q, 1));
		}
		fill_row(q, tmpl_add(group, "hits"));
		count++;
	}
	if (rc != SQLITE_DONE)
		return step_error(q);
	sqlite3_reset(q);
	return count;
}
