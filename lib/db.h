/* db: the data layer.  All SQL of the project lives in lib/db*.c.
 *
 * One connection per process (opened by each worker after fork), in WAL
 * mode with a busy timeout.  Every statement is prepared once, on first use,
 * kept in a static slot for the worker's life, and only ever bound - never
 * built with printf (fossil's db.c does the same).
 *
 * Query results go straight into template scopes: a column's name is the
 * template variable's name, so a handler reads route -> query -> render. */
#ifndef DB_H
#define DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>
#include "tmpl.h"

/* PRAGMA user_version of schema.sql: 1 + the number of migrations in
 * schema/migrations/ (lib/db_migrate.h; counted when the programs are
 * built). */
extern const int db_schema_version;
#define DB_SCHEMA_VERSION db_schema_version

enum db_mode { DB_READONLY, DB_READWRITE };

/* The answer of a look-up (or of a change to one row): a row was found
 * (changed), there is no such row, or the database failed (logged).  An
 * enum, not 1/0/-1, so that no caller can add it to something: a failure
 * must become a 500, never a 404 (page_answer, admin_found map it). */
enum db_result { DB_FOUND, DB_MISSING, DB_FAILED };

/* A count of rows (or a 0/1 answer) as a result: < 0 DB_FAILED, 0
 * DB_MISSING, more DB_FOUND. */
enum db_result db_result_rows(long long n);

/* Open path; refuses (-1, reason on stderr) a missing file or a database
 * whose user_version is not DB_SCHEMA_VERSION. */
int db_open(const char *path, enum db_mode mode);
void db_close(void);
sqlite3 *db_handle(void);
/* Log the connection's last error to stderr as "WHO: WHAT: message (code
 * N)"; a failure for want of space (SQLITE_FULL) is also noted for
 * lib/space.h.  Every module of the data layer logs through this. */
void db_log_error(const char *who, const char *what);

/* The statement in *slot, prepared on first use; reset and unbound. */
sqlite3_stmt *db_prepare(sqlite3_stmt **slot, const char *sql);

/* Run a statement that was bound: the columns of its first row into v.
 * DB_FOUND, DB_MISSING (no row) or DB_FAILED (logged).  The statement is
 * reset after. */
enum db_result db_fill(sqlite3_stmt *st, struct tmpl_vars *v);
/* Every row appended to the list `list` of v.  Count, or -1. */
int db_fill_list(sqlite3_stmt *st, struct tmpl_vars *v, const char *list);
/* A query of times that come due by the clock, its ?1 bound here to now:
 * column 0 counts those passed, column 1 is the next one (0: none).
 * Returns the count and sets *next, or -1 (logged). */
int db_count_due(sqlite3_stmt *q, time_t now, time_t *next);

/* PRAGMA data_version: changes when another connection commits. */
long long db_version(void);
/* The time of the last change to any content: site.changed_at, or the
 * time a scheduled release or a registration time came since (pages
 * change then without a write).  Last-Modified. */
time_t db_changed_at(void);

/* Step a write that may be skipped: with no busy wait, so that another
 * writer's lock (a long import, a backup) costs nothing.  SQLite's result
 * code (SQLITE_DONE, SQLITE_BUSY, ...); the statement is reset after. */
int db_step_nowait(sqlite3_stmt *st);

/* The SQL functions the queries call (db_func.c), registered on db by
 * db_open; -1 when SQLite refused one. */
int db_func_register(sqlite3 *db);

/* The data layer's files (lib/db*.c) run their bound statements with
 * these: each steps and resets st, logs a failure with its SQL
 * (db_log_error, which also notes a full disk) and takes a NULL st (a
 * failed db_prepare) as a failure. */
int db_run(sqlite3_stmt *st);                   /* a write: rows changed, or -1 */
long long db_insert(sqlite3_stmt *st);          /* an INSERT: the new id, or -1 */
/* The first column of the first row as an integer; `none` without a row,
 * -1 on error. */
long long db_scalar(sqlite3_stmt *st, long long none);
/* "" and NULL differ only where the schema says so: */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);          /* NULL as "" */
void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);  /* "" as NULL */
void db_bind_id_or_null(sqlite3_stmt *st, int i, long long id);     /* <= 0 as NULL */

/* The stable public name of a talk's slides, relative to the media root:
 * DB_TALKS_DIR "/YEAR-SLUG.pdf" (served as /media/talks/2023-keynote.pdf).
 * The one place that spells it; queries use it as the SQL function
 * talk_path(year, slug), the web servers' configs match any
 * /media/<dir>/YEAR-SLUG.pdf.  lib/links.h decides when it exists.  0, or
 * -1 when it does not fit n. */
#define DB_TALKS_DIR     "talks"
#define DB_TALK_PATH_MAX 256
int db_talk_path(char *out, size_t n, int year, const char *slug);

/* The stable name of all slides of an edition in one ZIP, next to the
 * talks' names: DB_TALKS_DIR "/YEAR-slides.zip" (lib/slides_zip.h writes
 * it; lib/links.h decides when it exists).  0, or -1 when it does not fit. */
int db_slides_zip_path(char *out, size_t n, int year);

/* Transactions for writers (BEGIN IMMEDIATE). 0 or -1. */
int db_begin(void);
/* A read transaction (BEGIN DEFERRED): its reads see one snapshot; end it
 * with db_rollback.  0 or -1. */
int db_begin_read(void);
int db_commit(void);
void db_rollback(void);

/* ---- the public pages' queries (lib/db.c) ----
 *
 * Each sets the names listed into v (or into each row of `list`), and
 * returns an enum db_result for single rows, a count for lists (-1 on a
 * database error, logged).  Only published editions are ever found
 * (except in a preview, db_preview), and rows in the trash (deleted_at
 * set) are never listed.  Presentation text (dates, sizes, labels, URLs)
 * is made in SQL by the functions db_open registers: fmt_date(iso, lang),
 * fmt_date_range(starts, ends, lang), fmt_size(bytes).
 *
 * Texts admins write in English and German (lang "en" or "de"): each is
 * set in the page's language, or in the other one while that is empty,
 * and NAME_lang says which when it is not the page's ("en" on a German
 * page showing the English text, "" otherwise) - the templates' lang
 * attribute, left out when "" (SQL functions l10n and l10n_lang). */

/* A preview for a logged-in admin (lib/page.h): while on, the queries
 * below that take a year also find an unpublished edition and draft or
 * scheduled press releases, and give stored files' addresses under
 * /admin/media/ (the admin program serves them from wherever they lie).
 * The navigation's list of editions, the home page's year and the search
 * stay the public's.  Off until turned on; the public programs turn it off
 * before each request. */
void db_preview(int on);

/* The site row.  Sets: site_name, background_html and background_lang,
 * contact_name, contact_role and contact_role_lang, contact_phone,
 * contact_tel (the phone as a tel: URI, RFC 3966), contact_email,
 * contact_mailto, imprint_html and imprint_lang, privacy_html and
 * privacy_lang, press_name, press_phone, press_tel, press_email,
 * press_mailto, base_url (lib/url.h: "" or "https://host[/path]",
 * no trailing slash). */
enum db_result db_site(struct tmpl_vars *v, const char *lang);

/* Published editions, newest first, into `list`.  Each row sets: year,
 * title, date_text (in lang), summary, venue, and nav_current: `mark` for
 * the row whose year is `current`, "" for every other row. */
int db_editions(struct tmpl_vars *v, const char *list, int current,
		const char *mark, const char *lang);

/* The year / shows: the edition the admin chose (site.home_year) while it
 * is published, else the newest published one; 0 when there is none, -1
 * on error. */
int db_latest_year(void);
/* Scheduled press releases: how many are public by now, and in *next the
 * next time one becomes public (0: none waiting).  -1 on error. */
int db_press_due(time_t now, time_t *next);

/* One published edition in lang.  Sets: year, title, starts, ends, date_text
 * ("5 December 2023", "16–18 March 2021", German "16.–18. März 2021"; ""
 * while not announced), venue, address, headline, summary,
 * review_html, next_html (each with NAME_lang: headline_lang, summary_lang,
 * review_lang, next_lang), cover_url, cover_width, cover_height, cover_alt
 * and cover_alt_lang, press_en and press_de (1 or 0), press_count,
 * presentation_count, video_count, photo_count (gallery photos),
 * has_content (1 when any of these is there), presentations_n, videos_n
 * and photos_n (the counts in lang's form: "1,000", "1.000") with
 * presentations_one, videos_one, photos_one (1: say it in the singular),
 * and
 * upcoming (1 while the edition has not ended or has no date yet). */
enum db_result db_edition(struct tmpl_vars *v, int year, const char *lang);

/* The press release of a published edition in lang ("en" or "de").  Sets:
 * press_lang, press_title, press_subtitle, released (ISO), released_text,
 * body_html, photo_url (large version), photo_width, photo_height,
 * photo_thumb_url, photo_alt and photo_alt_lang, photo_caption (the
 * release's own, else the photo's) and photo_caption_lang, photo_credit,
 * photo_download_url (full resolution, readable name; all "" without a
 * photo), photo_download_width, photo_download_height, other_lang ("de" or
 * "en"), other_exists (1 or 0). */
enum db_result db_press(struct tmpl_vars *v, int year, const char *lang);

/* Whether a published edition has a press release in lang. */
enum db_result db_press_exists(int year, const char *lang);

/* Presentations in the admin's order, into `list`.  Each row sets: title
 * (in lang: the German title on a German page, the English one while it
 * has none), title_lang ("en" for that fallback, else ""), speakers,
 * affiliation, slug, file_url ("/media/talks/2023-slug.pdf"),
 * file_size ("2.4 MB", German "2,4 MB"), file_pages ("18", "" unknown),
 * file_one_page and file_many_pages (1 or 0); url and size "" without
 * slides. */
int db_presentations(struct tmpl_vars *v, int year, const char *lang, const char *list);

/* The edition's slides ZIP when it exists: zip_url
 * ("/media/talks/2023-slides.zip") and zip_size ("1.2 MB"), else neither.
 * Found next to the database (its media/ directory).  0 or -1. */
int db_slides_zip(struct tmpl_vars *v, int year, const char *lang);

/* Session videos in order, into `list`.  Each row sets: video_id, title
 * and title_lang (in lang), url, site ("YouTube", "Vimeo"), start_text ("1:30", "" from the
 * beginning), embed_url (the player in its privacy mode for the
 * click-to-load frame, "" for a channel or a search). */
int db_videos(struct tmpl_vars *v, int year, const char *lang, const char *list);

/* Gallery photos (published, in the gallery, not deleted) in order, `limit`
 * of them from `offset`, into `list`.  Each row sets: thumb_url,
 * thumb_width, thumb_height, web_url, web_width, web_height, photo_url
 * (its page, "/2023/gallery/17"), anchor ("photo-17"), loading ("lazy",
 * or "" for the first GALLERY_EAGER of the list: the first row shows
 * without waiting for layout), alt ("" for a decorative photo) and
 * alt_lang, decorative (1 or 0), caption and caption_lang (in lang),
 * credit. */
#define GALLERY_EAGER 4
int db_gallery(struct tmpl_vars *v, int year, const char *lang, int limit,
	       int offset, const char *list);

/* How many photos db_gallery can list for the edition (the return value).
 * Sets: gallery_count, gallery_credit (the distinct credits, joined). */
int db_gallery_count(struct tmpl_vars *v, int year);

/* Gallery photo `id` of a published edition, if the gallery shows it.
 * Sets: photo_id, number and photo_total ("3 of 16"), browsable (1 when
 * there is more than one), alt and alt_lang, decorative, caption and
 * caption_lang (in lang), credit, has_caption
 * (1 when either is set), thumb_url, thumb_width, web_url, web_width, web_height, prev_url
 * and next_url (its neighbours' pages, "" at either end), gallery_url
 * (the grid page of page_size photos it sits on, at its anchor) and
 * hires_mailto (a mailto: to the site's contact naming the photo, "" when
 * the site has no contact email). */
enum db_result db_photo(struct tmpl_vars *v, int year, const char *lang, long long id,
			int page_size);

/* ---- search (the archive's full text, lib/db.c) ---- */

#define DB_SEARCH_TERMS_MAX 8     /* words of a query used; the rest ignored */
#define DB_SEARCH_TERM_MAX  64    /* bytes of one word; longer: no query */
#define DB_SEARCH_MATCH_MAX (DB_SEARCH_TERMS_MAX * (DB_SEARCH_TERM_MAX + 4) + 1)
#define DB_SEARCH_SCAN_MAX  500   /* index hits looked at, best first */
#define DB_SEARCH_HITS_MAX  100   /* hits shown */

/* A visitor's words as an FTS5 query in out[n]: each word quoted (no
 * operator or column filter can come from the visitor) and matched as a
 * prefix, all required.  The number of words (0: nothing to search), or -1
 * when a word is longer than DB_SEARCH_TERM_MAX or out is too small. */
int db_search_match(const char *q, char *out, size_t n);

/* The hits of `match` (from db_search_match) among what the public pages
 * show, grouped by edition, newest first, best first within: rows of
 * `list` set year and edition_title, and a list "hits" whose rows set
 * kind_edition, kind_press, kind_talk, kind_photo, kind_video (one is 1),
 * hit_title (a talk's, photo's and video's in lang while it has one),
 * hit_lang (the language of hit_title when it is not lang's, "" else; a
 * press release's always), url (in
 * lang's part of the site; a press release's in its own language's) and
 * snip (the matching passage, plain text).  The number of hits, or -1. */
int db_search(struct tmpl_vars *v, const char *match, const char *lang, const char *list);

#endif
