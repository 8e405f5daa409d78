/* db_seo: the queries of share previews, JSON-LD, the sitemap and the
 * feed (db_seo.h). */
#include "db_seo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_rules.h"
#include "image.h"              /* IMAGE_SHARE_W, IMAGE_SHARE_H: constants only */
#include "tmpl.h"

#define DB_SEO_NAME_MAX 512     /* one speaker's name, as split for JSON-LD */

/* RFC 3339 in UTC from Unix seconds (SQL expression x). */
#define RFC3339(x) "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"
/* The same in the process's zone (Europe/Berlin, page_init) with its
 * offset, "2023-12-05T09:00:00+01:00": what schema.org's dates want. */
#define OFFSET_MIN(x) "CAST(round((julianday(" x ", 'unixepoch', 'localtime')" \
	" - julianday(" x ", 'unixepoch')) * 1440) AS INTEGER)"
#define LOCAL3339(x) "(strftime('%Y-%m-%dT%H:%M:%S', " x ", 'unixepoch', 'localtime')" \
	" || printf('%s%02d:%02d', CASE WHEN " OFFSET_MIN(x) " < 0 THEN '-' ELSE '+' END," \
	" abs(" OFFSET_MIN(x) ") / 60, abs(" OFFSET_MIN(x) ") % 60))"

/* ---- the pages' times of last public change ----
 *
 * An edition's pages change when the admin changes what the public sees
 * there (edition.changed_at, set in the change's transaction: not by a
 * photo still to describe, a draft, a release scheduled for later - see
 * cgi-bin/admin_serve.c, admin_commit), when the site settings change
 * (site.settings_changed_at: name, imprint, privacy, base URL show on
 * every page), and when the clock makes something public: a scheduled
 * release's time, or a registration's opening or closing time, once it
 * has come.  An edition the admin has not changed yet (the demo of a new
 * site) has the settings' time alone: site.changed_at moves with every
 * write, drafts too.  Unix seconds. */
#define SETTINGS_TIME "(SELECT coalesce(settings_changed_at, changed_at) FROM site WHERE id = 1)"
#define EDITION_TIME(id) "(SELECT max(coalesce(te.changed_at, 0)," \
	" coalesce(ts.settings_changed_at, ts.changed_at), " CLOCK_CHANGED(" AND eid = te.id") ")" \
	" FROM edition te JOIN site ts ON ts.id = 1 WHERE te.id = " id ")"
/* A release's (alias p) publication: its time when scheduled, else the
 * start (00:00 UTC) of its date. */
#define PRESS_TIME "CASE WHEN p.state = 'scheduled' THEN p.publish_at" \
	" ELSE CAST(strftime('%s', p.released) AS INTEGER) END"

static int row_error(sqlite3_stmt *q)
{
	fprintf(stderr, "db: %s: %s\n", sqlite3_errmsg(db_handle()), sqlite3_sql(q));
	sqlite3_reset(q);
	return -1;
}

/* A cover or press photo (alias x) whose preview the public may see. */
#define SHARE_OK(x) " AND " x ".published = 1 AND " x ".deleted_at IS NULL" \
	" AND " x ".share_id IS NOT NULL"

enum db_result db_seo_share(struct tmpl_vars *v, int year, const char *prefer,
		const char *lang)
{
	static sqlite3_stmt *st;
	/* The photo's conditions are those under which lib/db_links.c puts
	 * the crop in the served tree. */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT coalesce('/media/' || m.path, '" DB_SEO_FALLBACK_URL "') AS share_url,"
		" coalesce(m.width, ?4) AS share_width, coalesce(m.height, ?5) AS share_height,"
		" CASE WHEN m.id IS NULL THEN s.name WHEN f.decorative THEN e.title"
		"  ELSE l10n(?3, f.alt, f.alt_de) END AS share_alt"
		" FROM edition e JOIN site s ON s.id = 1"
		" LEFT JOIN photo a ON a.id = CASE ?2 WHEN 'press' THEN e.press_photo_id"
		"  ELSE e.cover_photo_id END" SHARE_OK("a")
		" LEFT JOIN photo b ON b.id = CASE ?2 WHEN 'press' THEN e.cover_photo_id"
		"  ELSE e.press_photo_id END" SHARE_OK("b")
		" LEFT JOIN photo f ON f.id = coalesce(a.id, b.id)"
		" LEFT JOIN media m ON m.id = f.share_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN);
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, prefer, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, IMAGE_SHARE_W);      /* the fallback's size */
	sqlite3_bind_int(q, 5, IMAGE_SHARE_H);
	return db_fill(q, v);
}

enum db_result db_seo_event(struct tmpl_vars *v, int year)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT ld_start, ld_end, ld_online, ld_street,"
		" CASE WHEN rest GLOB '[0-9][0-9][0-9][0-9][0-9] *' THEN substr(rest, 1, 5)"
		"  ELSE '' END AS ld_postal,"
		" CASE WHEN rest GLOB '[0-9][0-9][0-9][0-9][0-9] *' THEN trim(substr(rest, 7))"
		"  ELSE rest END AS ld_locality"
		" FROM (SELECT coalesce((SELECT " LOCAL3339("min(s.starts_at)") " FROM programme_session s"
		"   WHERE s.edition_id = e.id AND s.deleted_at IS NULL), e.starts, '') AS ld_start,"
		"  coalesce((SELECT " LOCAL3339("max(s.ends_at)") " FROM programme_session s"
		"   WHERE s.edition_id = e.id AND s.deleted_at IS NULL), e.ends, e.starts, '') AS ld_end,"
		"  lower(e.venue) = 'online' AS ld_online,"
		"  CASE WHEN instr(e.address, ',') THEN trim(substr(e.address, 1,"
		"   instr(e.address, ',') - 1)) ELSE '' END AS ld_street,"
		"  trim(substr(e.address, instr(e.address, ',') + 1)) AS rest"
		"  FROM edition e WHERE e.year = ?1 AND" EDITION_SHOWN ")");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	return db_fill(q, v);
}

/* Split a speakers field into people: at ";", " and ", " & ". */
static void add_people(struct tmpl_vars *row, const char *s)
{
	static const char *const seps[] = { ";", " and ", " & " };
	while (*s) {
		size_t best = strlen(s), skip = 0;
		for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
			const char *p = strstr(s, seps[i]);
			if (p && (size_t)(p - s) < best) {
				best = (size_t)(p - s);
				skip = strlen(seps[i]);
			}
		}
		size_t a = 0, b = best;
		while (a < b && s[a] == ' ')
			a++;
		while (b > a && s[b - 1] == ' ')
			b--;
		if (b > a && b - a < DB_SEO_NAME_MAX)
			tmpl_setn(tmpl_add(row, "ld_people"), "ld_person", s + a, b - a);
		s += best + skip;
	}
}

/* The column names of the statement become the row's names, but the
 * speakers (column "speakers"), which become ld_people. */
static void fill_event(sqlite3_stmt *q, struct tmpl_vars *row)
{
	for (int i = 0; i < sqlite3_column_count(q); i++) {
		const char *name = sqlite3_column_name(q, i);
		const char *val = (const char *)sqlite3_column_text(q, i);
		if (strcmp(name, "speakers") == 0)
			add_people(row, val ? val : "");
		else
			tmpl_set(row, name, val);
	}
}

int db_seo_talks(struct tmpl_vars *v, int year, const char *lang, const char *list)
{
	static sqlite3_stmt *st;
	/* The programme's sessions first (they have times and a room), then
	 * the talks no session stands for; names as the page in lang shows
	 * them, paths in lang's part of the site (?3: "" or "/de"). */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT ld_name, speakers, ld_room, ld_start, ld_end, ld_path FROM ("
		" SELECT 0 AS k, s.starts_at AS o, s.id,"
		" l10n(?2, s.title, " SESSION_TITLE_DE ") AS ld_name, s.speakers,"
		" s.room AS ld_room, " LOCAL3339("s.starts_at") " AS ld_start,"
		" " LOCAL3339("s.ends_at") " AS ld_end, ?3 || '/' || e.year || '/programme' AS ld_path"
		" FROM programme_session s JOIN edition e ON e.id = s.edition_id"
		" LEFT JOIN presentation t ON t.id = s.presentation_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN " AND s.deleted_at IS NULL"
		" UNION ALL SELECT 1, t.position, t.id, l10n(?2, t.title, t.title_de), t.speakers,"
		" '', '', '', ?3 || '/' || e.year || '/presentations#talk-' || t.slug FROM presentation t"
		" JOIN edition e ON e.id = t.edition_id"
		" WHERE e.year = ?1 AND" EDITION_SHOWN " AND t.deleted_at IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM programme_session s WHERE s.presentation_id = t.id"
		"  AND s.deleted_at IS NULL)) ORDER BY k, o, id");
	int rc, n = 0;
	if (!q)
		return -1;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, strcmp(lang, "de") == 0 ? "/de" : "", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		fill_event(q, tmpl_add(v, list));
		n++;
	}
	if (rc != SQLITE_DONE)
		return row_error(q);
	sqlite3_reset(q);
	return n;
}

enum db_result db_seo_times(struct tmpl_vars *v, int year, const char *lang)
{
	static sqlite3_stmt *st;
	/* The feed's time: the last public change of any published edition
	 * or of the settings. */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT " RFC3339("max(" SETTINGS_TIME ", coalesce((SELECT max(" EDITION_TIME("e.id") ")"
		"  FROM edition e WHERE e.published = 1), 0))") " AS site_updated,"
		" coalesce((SELECT CASE WHEN p.state = 'scheduled' THEN " RFC3339("p.publish_at")
		"  ELSE p.released END FROM press p JOIN edition e ON e.id = p.edition_id"
		"  WHERE e.year = ?1 AND" EDITION_SHOWN " AND p.lang = ?2" PRESS_SHOWN "), '')"
		"  AS press_published,"
		" coalesce((SELECT " RFC3339("max(" EDITION_TIME("e.id") ", coalesce(" PRESS_TIME ", 0))")
		"  FROM press p JOIN edition e ON e.id = p.edition_id"
		"  WHERE e.year = ?1 AND" EDITION_SHOWN " AND p.lang = ?2" PRESS_SHOWN "), '')"
		"  AS press_updated");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int(q, 1, year);
	sqlite3_bind_text(q, 2, lang, -1, SQLITE_STATIC);
	return db_fill(q, v);
}

/* The German address of an English path (BRIEF's scheme, lib/page):
 * "/de" in front, "/de/" for "/". */
#define DE_PATH(x) "CASE " x " WHEN '/' THEN '/de/' ELSE '/de' || " x " END"

int db_seo_pages(struct tmpl_vars *v, const char *list)
{
	static sqlite3_stmt *st;
	/* Each page in the order of the navigation (the imprint and privacy
	 * pages last), in the languages it has: every page in both, a press
	 * release in those it was written in (langs).  A page in both names
	 * both as alternates (sm_en, sm_de).  Not "/": it shows an edition
	 * whose own address is the canonical one, the one to list. */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT CASE l.lang WHEN 'en' THEN path ELSE " DE_PATH("path") " END AS path,"
		" " RFC3339("coalesce(" EDITION_TIME("eid") ", " SETTINGS_TIME ")") " AS lastmod,"
		" CASE WHEN instr(langs, 'en') AND instr(langs, 'de') THEN path ELSE '' END AS sm_en,"
		" CASE WHEN instr(langs, 'en') AND instr(langs, 'de') THEN " DE_PATH("path")
		"  ELSE '' END AS sm_de"
		" FROM (SELECT e.year AS y, 1 AS k, 0 AS i, '/' || e.year || '/' AS path,"
		"  'en de' AS langs, e.id AS eid FROM edition e WHERE e.published = 1"
		" UNION ALL SELECT e.year, 2, 0, '/' || e.year || '/press', group_concat(p.lang, ' '), e.id"
		"  FROM press p JOIN edition e ON e.id = p.edition_id WHERE e.published = 1"
		PRESS_PUBLIC " GROUP BY e.id"
		" UNION ALL SELECT e.year, 4, 0, '/' || e.year || '/presentations', 'en de', e.id"
		"  FROM edition e WHERE e.published = 1 AND (EXISTS (SELECT 1 FROM presentation t"
		"   WHERE t.edition_id = e.id AND t.deleted_at IS NULL)"
		"  OR EXISTS (SELECT 1 FROM video d WHERE d.edition_id = e.id"
		"   AND d.deleted_at IS NULL))"
		" UNION ALL SELECT e.year, 4, 1, '/' || e.year || '/programme', 'en de', e.id FROM edition e"
		"  WHERE e.published = 1 AND EXISTS (SELECT 1 FROM programme_session s"
		"   WHERE s.edition_id = e.id AND s.deleted_at IS NULL)"
		" UNION ALL SELECT e.year, 5, 0, '/' || e.year || '/gallery', 'en de', e.id FROM edition e"
		"  WHERE e.published = 1 AND EXISTS (SELECT 1 FROM photo f"
		"   WHERE f.edition_id = e.id" GALLERY_SHOWN ")"
		" UNION ALL SELECT e.year, 6, f.position, '/' || e.year || '/gallery/' || f.id, 'en de', e.id"
		"  FROM photo f JOIN edition e ON e.id = f.edition_id"
		"  WHERE e.published = 1" GALLERY_SHOWN
		" UNION ALL SELECT 0, 7, 0, '/imprint', 'en de', NULL"
		" UNION ALL SELECT 0, 8, 0, '/privacy', 'en de', NULL)"
		" JOIN (SELECT 'en' AS lang UNION ALL SELECT 'de') l ON instr(langs, l.lang)"
		" ORDER BY y DESC, k, i, path, l.lang = 'de'");
	return q ? db_fill_list(q, v, list) : -1;
}

int db_seo_entries(struct tmpl_vars *v, const char *list)
{
	static sqlite3_stmt *st;
	/* An entry changes with its edition's pages; a release not before its
	 * publication (a date without a time counts from 00:00 UTC). */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT * FROM ("
		" SELECT 'press' AS kind, p.title, p.subtitle AS summary, p.lang,"
		"  CASE p.lang WHEN 'en' THEN '' ELSE '/de' END || '/' || e.year || '/press' AS path,"
		"  " RFC3339("max(" EDITION_TIME("e.id") ", coalesce(" PRESS_TIME ", 0))")
		"  AS updated"
		"  FROM press p JOIN edition e ON e.id = p.edition_id"
		"  WHERE e.published = 1" PRESS_PUBLIC
		" UNION ALL SELECT 'edition', e.title, e.summary, 'en', '/' || e.year || '/',"
		"  " RFC3339(EDITION_TIME("e.id"))
		"  FROM edition e WHERE e.published = 1)"
		" ORDER BY updated DESC, path DESC");
	return q ? db_fill_list(q, v, list) : -1;
}


int db_seo_share_missing(long long edition_id,
		int (*fn)(void *ctx, long long photo_id, const char *src), void *ctx)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT f.id, m.path FROM photo f JOIN edition e ON e.id = f.edition_id"
		" JOIN media w ON w.id = f.web_id"
		" JOIN media m ON m.id = CASE WHEN w.width >= ?2 AND w.height >= ?3"
		"  THEN w.id ELSE coalesce(f.orig_id, f.web_id) END"
		" WHERE f.id IN (e.cover_photo_id, e.press_photo_id) AND f.share_id IS NULL"
		" AND f.deleted_at IS NULL AND (?1 = 0 OR e.id = ?1) ORDER BY f.id");
	int rc, n = 0, failed = 0;
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, edition_id);
	sqlite3_bind_int(q, 2, IMAGE_SHARE_W);
	sqlite3_bind_int(q, 3, IMAGE_SHARE_H);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		n++;
		if (fn(ctx, sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1)) < 0)
			failed = 1;
	}
	if (rc != SQLITE_DONE)
		return row_error(q);
	sqlite3_reset(q);
	return failed ? -1 : n;
}

enum db_result db_seo_share_set(long long photo_id, long long media_id)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st,
		"UPDATE photo SET share_id = ?2 WHERE id = ?1 AND share_id IS NULL");
	if (!q)
		return DB_FAILED;
	sqlite3_bind_int64(q, 1, photo_id);
	sqlite3_bind_int64(q, 2, media_id);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		row_error(q);
		return DB_FAILED;
	}
	sqlite3_reset(q);
	return sqlite3_changes(db_handle()) ? DB_FOUND : DB_MISSING;
}
