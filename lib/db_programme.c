/* db_programme: the programme's and the registration's SQL.  See
 * db_programme.h. */
#include "db_programme.h"

#include <stdio.h>

#include "db_rules.h"

/* The editions whose pages show (alias e): published ones, or any in a
 * logged-in admin's preview (lib/db.c, db_preview). */
#define SHOWN " (e.published = 1 OR preview())"

/* A Unix time in the process's zone (WHEN_ZONE), formatted by SQLite. */
#define LOCAL(col, fmt) "strftime('" fmt "', " col ", 'unixepoch', 'localtime')"
#define UTC_ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"
/* "1 October 2026, 09:00", "" for NULL. */
#define WHEN_TEXT(col, lang) "coalesce(fmt_date(" LOCAL(col, "%Y-%m-%d") ", " lang \
	") || ', ' || " LOCAL(col, "%H:%M") ", '')"

/* The session's links: the talk's stable PDF name (there while the talk
 * has slides and is not in the trash, the edition being published; in a
 * preview the stored file through the admin, as db_presentations gives
 * it) and the video, not in the trash. */
#define SESSION_LINKS \
	" CASE WHEN t.id IS NULL OR t.deleted_at IS NOT NULL OR t.media_id IS NULL THEN ''" \
	"  WHEN preview() THEN coalesce(media_url((SELECT m.path FROM media m" \
	"   WHERE m.id = t.media_id)), '')" \
	"  ELSE '/media/' || talk_path(e.year, t.slug) END AS slides_url," \
	" CASE WHEN d.id IS NULL OR d.deleted_at IS NOT NULL THEN '' ELSE d.url END AS video_url"
#define SESSION_JOINS \
	" FROM programme_session s JOIN edition e ON e.id = s.edition_id" \
	" LEFT JOIN presentation t ON t.id = s.presentation_id" \
	" LEFT JOIN video d ON d.id = s.video_id"

static int failed(sqlite3_stmt *q)
{
	db_log_error("db_programme", q ? sqlite3_sql(q) : "prepare");
	return -1;
}

/* ---- public ---- */

int db_programme_sessions(struct tmpl_vars *v, int year, const char *lang,
		const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT s.id AS session_id,"
		" l10n(?2, s.title, " SESSION_TITLE_DE ") AS title,"
		" l10n_lang(?2, s.title, " SESSION_TITLE_DE ") AS title_lang,"
		" s.speakers, s.room,"
		" " LOCAL("s.starts_at", "%Y-%m-%d") " AS day,"
		" fmt_date(" LOCAL("s.starts_at", "%Y-%m-%d") ", ?2) AS day_text,"
		" coalesce(lag(" LOCAL("s.starts_at", "%Y-%m-%d") ") OVER w, '') <> "
		LOCAL("s.starts_at", "%Y-%m-%d") " AS new_day,"
		" " LOCAL("s.starts_at", "%H:%M") " AS start_text,"
		" " LOCAL("s.ends_at", "%H:%M") " AS end_text,"
		" " UTC_ISO("s.starts_at") " AS start_iso, " UTC_ISO("s.ends_at") " AS end_iso,"
		SESSION_LINKS ","
		" printf('%s/%04d/programme/%d.ics', CASE ?2 WHEN 'de' THEN '/de' ELSE '' END,"
		"  e.year, s.id) AS ics_url"
		SESSION_JOINS
		" WHERE e.year = ?1 AND" SHOWN " AND s.deleted_at IS NULL"
		" WINDOW w AS (ORDER BY s.starts_at, s.id)"
		" ORDER BY s.starts_at, s.id");
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return db_fill_list(q, v, list);
}

enum db_result db_programme_session(struct tmpl_vars *v, int year, long long id,
		const char *lang)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT l10n(?3, s.title, " SESSION_TITLE_DE ") AS title,"
		" l10n_lang(?3, s.title, " SESSION_TITLE_DE ") AS title_lang,"
		" s.speakers, s.room, s.starts_at, s.ends_at,"
		SESSION_LINKS
		SESSION_JOINS
		" WHERE e.year = ?1 AND" SHOWN " AND s.id = ?2 AND s.deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int64(q, 2, id);
	sqlite3_bind_text(q, 3, lang, -1, SQLITE_STATIC);
	return db_fill(q, v);
}

enum db_result db_programme_span(struct tmpl_vars *v, int year)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT coalesce(min(s.starts_at), '') AS first_start,"
		" coalesce(max(s.ends_at), '') AS last_end, count(s.id) AS session_count"
		" FROM edition e LEFT JOIN programme_session s ON s.edition_id = e.id"
		"  AND s.deleted_at IS NULL"
		" WHERE e.year = ?1 AND" SHOWN " GROUP BY e.id");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	return db_fill(q, v);
}

enum db_result db_programme_registration(struct tmpl_vars *v, int year,
		const char *lang, time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT url AS registration_url, state AS registration_state,"
		" state = 'open' AS registration_open, state = 'closed' AS registration_closed,"
		" state = 'notyet' AS registration_notyet,"
		" " WHEN_TEXT("opens_at", "?3") " AS opens_text,"
		" " WHEN_TEXT("closes_at", "?3") " AS closes_text,"
		" coalesce(" UTC_ISO("opens_at") ", '') AS opens_iso,"
		" coalesce(" UTC_ISO("closes_at") ", '') AS closes_iso"
		" FROM (SELECT r.*, CASE"
		"  WHEN r.closes_at IS NOT NULL AND ?2 >= r.closes_at THEN 'closed'"
		/* Without a closing time it closes when the edition's last day
		 * ends where the edition is: 00:00 Berlin time of the next day
		 * (the process's zone), not of UTC's, which is one or two hours
		 * later. */
		"  WHEN coalesce(e.ends, e.starts, '9999') < date(?2, 'unixepoch', 'localtime')"
		"  THEN 'closed'"
		"  WHEN r.opens_at IS NOT NULL AND ?2 < r.opens_at THEN 'notyet'"
		"  ELSE 'open' END AS state"
		" FROM registration r JOIN edition e ON e.id = r.edition_id"
		" WHERE e.year = ?1 AND" SHOWN ")");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)now);
	sqlite3_bind_text(q, 3, lang, -1, SQLITE_STATIC);
	return db_fill(q, v);
}

int db_programme_due(time_t now, time_t *next)
{
	static sqlite3_stmt *st;
	return db_count_due(db_prepare(&st,
		"SELECT count(*) FILTER (WHERE at <= ?1),"
		" coalesce(min(at) FILTER (WHERE at > ?1), 0)"
		" FROM (SELECT opens_at AS at FROM registration WHERE opens_at IS NOT NULL"
		" UNION ALL SELECT closes_at FROM registration WHERE closes_at IS NOT NULL)"),
		now, next);
}

/* ---- admin ---- */

#define ADMIN_COLUMNS \
	"SELECT s.id, s.title, s.title_de, s.speakers, s.room," \
	" " LOCAL("s.starts_at", "%Y-%m-%dT%H:%M") " AS starts_local," \
	" " LOCAL("s.ends_at", "%Y-%m-%dT%H:%M") " AS ends_local," \
	" coalesce(s.presentation_id, '') AS presentation_id," \
	" coalesce(s.video_id, '') AS video_id"

int db_programme_admin_list(struct tmpl_vars *v, long long edition_id, const char *list)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		ADMIN_COLUMNS ","
		" fmt_date(" LOCAL("s.starts_at", "%Y-%m-%d") ", 'en') AS day_text,"
		" " LOCAL("s.starts_at", "%H:%M") " AS start_text,"
		" " LOCAL("s.ends_at", "%H:%M") " AS end_text,"
		" CASE WHEN t.deleted_at IS NULL THEN coalesce(t.title, '') ELSE '' END AS talk_title,"
		" CASE WHEN d.deleted_at IS NULL THEN coalesce(d.title, '') ELSE '' END AS video_title"
		" FROM programme_session s"
		" LEFT JOIN presentation t ON t.id = s.presentation_id"
		" LEFT JOIN video d ON d.id = s.video_id"
		" WHERE s.edition_id = ?1 AND s.deleted_at IS NULL"
		" ORDER BY s.starts_at, s.id");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_fill_list(q, v, list);
}

enum db_result db_programme_admin_get(struct tmpl_vars *v, long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, ADMIN_COLUMNS " FROM programme_session s"
		" WHERE s.id = ?2 AND s.edition_id = ?1 AND s.deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	return db_fill(q, v);
}

static void bind_session(sqlite3_stmt *q, const struct db_programme_session *s)
{
	sqlite3_bind_int64(q, 1, s->edition_id);
	sqlite3_bind_int64(q, 2, s->starts_at);
	sqlite3_bind_int64(q, 3, s->ends_at);
	sqlite3_bind_text(q, 4, s->title ? s->title : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, s->title_de ? s->title_de : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 6, s->speakers ? s->speakers : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 7, s->room ? s->room : "", -1, SQLITE_TRANSIENT);
	db_bind_id_or_null(q, 8, s->presentation_id);
	db_bind_id_or_null(q, 9, s->video_id);
}

long long db_programme_add(const struct db_programme_session *s, time_t now)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"INSERT INTO programme_session (edition_id, starts_at, ends_at, title,"
		" title_de, speakers, room, presentation_id, video_id, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (!q)
		return -1;
	bind_session(q, s);
	sqlite3_bind_int64(q, 10, (sqlite3_int64)now);
	return db_run(q) == 1 ? sqlite3_last_insert_rowid(db_handle()) : -1;
}

enum db_result db_programme_update(long long id, const struct db_programme_session *s)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE programme_session SET starts_at = ?2, ends_at = ?3, title = ?4,"
		" title_de = ?5, speakers = ?6, room = ?7, presentation_id = ?8, video_id = ?9"
		" WHERE id = ?10 AND edition_id = ?1 AND deleted_at IS NULL");
	if (!q)
		return DB_FAILED;
	bind_session(q, s);
	sqlite3_bind_int64(q, 10, id);
	return db_result_rows(db_run(q));
}

static int choices(sqlite3_stmt *q, struct tmpl_vars *v, long long edition_id,
		long long selected, const char *list)
{
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, selected);
	return db_fill_list(q, v, list);
}

int db_programme_talk_choices(struct tmpl_vars *v, long long edition_id,
		long long selected, const char *list)
{
	static sqlite3_stmt *st;
	return choices(db_prepare(&st,
		"SELECT id AS choice_id, title || ' (' || speakers || ')' AS choice_title,"
		" id = ?2 AS choice_selected FROM presentation"
		" WHERE edition_id = ?1 AND deleted_at IS NULL ORDER BY position, id"),
		v, edition_id, selected, list);
}

int db_programme_video_choices(struct tmpl_vars *v, long long edition_id,
		long long selected, const char *list)
{
	static sqlite3_stmt *st;
	return choices(db_prepare(&st,
		"SELECT id AS choice_id, title AS choice_title, id = ?2 AS choice_selected"
		" FROM video WHERE edition_id = ?1 AND deleted_at IS NULL ORDER BY position, id"),
		v, edition_id, selected, list);
}

static enum db_result exists(sqlite3_stmt *q, long long edition_id, long long id)
{
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int64(q, 2, id);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		failed(q);
		return DB_FAILED;
	}
	return rc == SQLITE_ROW ? DB_FOUND : DB_MISSING;
}

enum db_result db_programme_talk_of(long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	return exists(db_prepare(&st, "SELECT 1 FROM presentation WHERE edition_id = ?1"
		" AND id = ?2 AND deleted_at IS NULL"), edition_id, id);
}

enum db_result db_programme_video_of(long long edition_id, long long id)
{
	static sqlite3_stmt *st;
	return exists(db_prepare(&st, "SELECT 1 FROM video WHERE edition_id = ?1"
		" AND id = ?2 AND deleted_at IS NULL"), edition_id, id);
}

long long db_programme_talk_by_slug(long long edition_id, const char *slug)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT id FROM presentation WHERE edition_id = ?1 AND slug = ?2");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_text(q, 2, slug, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	long long id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return failed(q);
	return id;
}

enum db_result db_programme_days(struct tmpl_vars *v, long long edition_id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT coalesce(starts, '') AS first_day,"
		" coalesce(ends, starts, '') AS last_day FROM edition WHERE id = ?1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_fill(q, v);
}

enum db_result db_programme_admin_registration(struct tmpl_vars *v, long long edition_id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT coalesce(max(url), '') AS registration_url,"
		" coalesce(max(" LOCAL("opens_at", "%Y-%m-%dT%H:%M") "), '') AS registration_opens,"
		" coalesce(max(" LOCAL("closes_at", "%Y-%m-%dT%H:%M") "), '') AS registration_closes"
		" FROM registration WHERE edition_id = ?1");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, edition_id);
	return db_fill(q, v) == DB_FOUND ? DB_FOUND : DB_FAILED;
}

int db_programme_registration_save(long long edition_id, const char *url,
		long long opens_at, long long closes_at)
{
	static sqlite3_stmt *set, *del;
	if (!url || !*url) {
		sqlite3_stmt *q = db_prepare(&del, "DELETE FROM registration WHERE edition_id = ?1");
		if (!q)
			return -1;
		sqlite3_bind_int64(q, 1, edition_id);
		return db_run(q) < 0 ? -1 : 0;
	}
	sqlite3_stmt *q = db_prepare(&set,
		"INSERT INTO registration (edition_id, url, opens_at, closes_at)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (edition_id) DO UPDATE SET"
		" url = excluded.url, opens_at = excluded.opens_at, closes_at = excluded.closes_at");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_text(q, 2, url, -1, SQLITE_TRANSIENT);
	db_bind_id_or_null(q, 3, opens_at);
	db_bind_id_or_null(q, 4, closes_at);
	return db_run(q) == 1 ? 0 : -1;
}
