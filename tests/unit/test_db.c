/* db: opening rules, statement slots, the formatting SQL functions and
 * each public query, against a fixture database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "tmpl.h"
#include "render_fixture.h"
#include "site_fixture.h"

static char *db_file;
static char tmpl_dir[] = "/tmp/site-test-tmpl-XXXXXX";

/* Each test gets the fixture opened read-only, as the public programs
 * open it, and a fresh scope. */
static int setup(void **state)
{
	db_file = fixture_db();
	if (db_open(db_file, DB_READONLY) != 0)
		return -1;
	*state = tmpl_vars_new();
	return 0;
}

static int teardown(void **state)
{
	tmpl_vars_free(*state);
	db_close();
	fixture_remove(db_file);
	return 0;
}

/* Lists are only visible through a template: render `body` (template
 * markup) with v and return the output (static buffer). */
static const char *render(const struct tmpl_vars *v, const char *body)
{
	return fixture_render(tmpl_dir, v, body);
}

/* A scalar SQL expression through the open connection. */
static const char *sql_text(const char *expr)
{
	static char out[256];
	char sql[512];
	sqlite3_stmt *st;
	snprintf(sql, sizeof sql, "SELECT %s", expr);
	assert_int_equal(sqlite3_prepare_v2(db_handle(), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *s = sqlite3_column_text(st, 0);
	snprintf(out, sizeof out, "%s", s ? (const char *)s : "(null)");
	sqlite3_finalize(st);
	return out;
}

/* ---- opening ---- */

static char *capture_stderr(int (*fn)(const char *), const char *arg, int *rc)
{
	char path[] = "/tmp/site-test-err-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	static char text[1024];
	fflush(stderr);
	dup2(fd, 2);
	*rc = fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	text[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return text;
}

static int open_ro(const char *path)
{
	return db_open(path, DB_READONLY);
}

static void test_refuses_other_schema_version(void **state)
{
	(void)state;
	int rc;
	db_close();
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", DB_SCHEMA_VERSION + 1);
	assert_int_equal(fixture_exec(db_file, sql), SQLITE_OK);
	const char *msg = capture_stderr(open_ro, db_file, &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "newer than this program's"));
	assert_null(db_handle());
}

/* An out-of-date database: the message names the command that upgrades it. */
static void test_old_schema_names_the_command(void **state)
{
	(void)state;
	int rc;
	char sql[64], want[300];
	db_close();
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", DB_SCHEMA_VERSION - 1);
	assert_int_equal(fixture_exec(db_file, sql), SQLITE_OK);
	const char *msg = capture_stderr(open_ro, db_file, &rc);
	assert_int_equal(rc, -1);
	snprintf(want, sizeof want, "upgrade it with `admin migrate --db %s`", db_file);
	assert_non_null(strstr(msg, want));
	assert_null(db_handle());
}

static void test_refuses_missing_file(void **state)
{
	(void)state;
	int rc;
	char path[600];
	struct stat sb;
	snprintf(path, sizeof path, "%s.missing", db_file);
	capture_stderr(open_ro, path, &rc);
	assert_int_equal(rc, -1);
	/* and did not create it */
	assert_int_not_equal(stat(path, &sb), 0);
}

static void test_readonly_refuses_writes(void **state)
{
	(void)state;
	int rc = sqlite3_exec(db_handle(), "UPDATE site SET name = 'x'", NULL, NULL, NULL);
	assert_int_equal(rc & 0xff, SQLITE_READONLY);
	assert_string_equal(sql_text("name FROM site"), "Test Symposium");
}

static void test_readwrite_is_wal_with_foreign_keys(void **state)
{
	(void)state;
	db_close();
	assert_int_equal(db_open(db_file, DB_READWRITE), 0);
	assert_string_equal(sql_text("* FROM pragma_journal_mode"), "wal");
	assert_string_equal(sql_text("* FROM pragma_foreign_keys"), "1");
	assert_int_equal(db_begin(), 0);
	assert_int_equal(sqlite3_exec(db_handle(), "UPDATE site SET name = 'New'", NULL, NULL, NULL),
			 SQLITE_OK);
	db_rollback();
	assert_string_equal(sql_text("name FROM site"), "Test Symposium");
}

/* ---- slots, versions ---- */

static void test_prepare_caches_and_unbinds(void **state)
{
	(void)state;
	static sqlite3_stmt *slot;
	sqlite3_stmt *a = db_prepare(&slot, "SELECT ?1");
	assert_non_null(a);
	sqlite3_bind_int(a, 1, 42);
	sqlite3_stmt *b = db_prepare(&slot, "SELECT ?1");
	assert_ptr_equal(a, b);
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);
	sqlite3_reset(b);
	/* db_close finalizes every slot and empties it */
	db_close();
	assert_null(slot);
	assert_int_equal(db_open(db_file, DB_READONLY), 0);
}

static void test_prepare_reports_bad_sql(void **state)
{
	static sqlite3_stmt *slot;
	fflush(stderr);
	int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 2);
	sqlite3_stmt *st = db_prepare(&slot, "SELECT nonsense FROM nowhere");
	dup2(saved, 2);
	close(saved);
	close(devnull);
	assert_null(st);
	assert_null(slot);
	assert_int_equal(db_fill(st, *state), DB_FAILED);
}

static void test_version_changes_on_commit(void **state)
{
	(void)state;
	long long before = db_version();
	assert_true(before >= 0);
	assert_int_equal(db_version(), before);
	assert_int_equal(fixture_exec(db_file, "UPDATE site SET changed_at = 1800000000"), SQLITE_OK);
	assert_int_not_equal(db_version(), before);
	assert_int_equal((long long)db_changed_at(), 1800000000LL);
}

/* The fixture's last write (1700000000, 2023-11-14) came before its 2023
 * edition ended: that edition's pages changed again at the UTC midnight
 * after its day (2023-12-05), when it stopped being "upcoming". */
#define EDITION_2023_ENDED 1701820800LL

static void test_changed_at(void **state)
{
	(void)state;
	assert_int_equal((long long)db_changed_at(), EDITION_2023_ENDED);
}

/* An edition whose day is still to come has not ended: back to the last
 * write (2021's end, 2021-03-19, is older).  The fixture's unpublished
 * 2025 edition, ended 2025-05-02, never counted: nothing public changed. */
static void test_changed_at_ignores_an_edition_still_to_come(void **state)
{
	(void)state;
	assert_int_equal(fixture_exec(db_file, "UPDATE edition SET starts = '2099-12-05'"
		" WHERE id = 2"), SQLITE_OK);
	assert_int_equal((long long)db_changed_at(), 1700000000LL);
}

/* A release scheduled for a time that has come changed the pages then,
 * with no write: Last-Modified follows; one still to come does not. */
static void test_changed_at_follows_a_release_come_due(void **state)
{
	(void)state;
	assert_int_equal(fixture_exec(db_file, "UPDATE press SET state = 'scheduled',"
		" publish_at = 1750000000 WHERE lang = 'de'"), SQLITE_OK);
	assert_int_equal((long long)db_changed_at(), 1750000000LL);
	assert_int_equal(fixture_exec(db_file, "UPDATE press SET publish_at = 4102444800"
		" WHERE lang = 'de'"), SQLITE_OK);
	assert_int_equal((long long)db_changed_at(), EDITION_2023_ENDED);
}

/* ---- the SQL functions ---- */

static void test_fmt_size(void **state)
{
	(void)state;
	assert_string_equal(sql_text("fmt_size(0)"), "0 bytes");
	assert_string_equal(sql_text("fmt_size(1)"), "1 byte");
	assert_string_equal(sql_text("fmt_size(999)"), "999 bytes");
	assert_string_equal(sql_text("fmt_size(1000)"), "1.0 KB");
	assert_string_equal(sql_text("fmt_size(8449)"), "8.4 KB");
	assert_string_equal(sql_text("fmt_size(850000)"), "850 KB");
	assert_string_equal(sql_text("fmt_size(99960)"), "100 KB");
	assert_string_equal(sql_text("fmt_size(999960)"), "1.0 MB");
	assert_string_equal(sql_text("fmt_size(2400000)"), "2.4 MB");
	assert_string_equal(sql_text("fmt_size(12345678)"), "12.3 MB");
	assert_string_equal(sql_text("fmt_size(3500000000)"), "3.5 GB");
	assert_string_equal(sql_text("fmt_size(2400000, 'de')"), "2,4 MB");
	assert_string_equal(sql_text("fmt_size(1, 'de')"), "1 Byte");
	assert_string_equal(sql_text("fmt_int(1000, 'en')"), "1,000");
	assert_string_equal(sql_text("fmt_int(1234567, 'de')"), "1.234.567");
	assert_string_equal(sql_text("fmt_int(999, 'de')"), "999");
	assert_string_equal(sql_text("fmt_size(NULL)"), "(null)");
}

static void test_fmt_date(void **state)
{
	(void)state;
	assert_string_equal(sql_text("fmt_date('2023-12-05', 'en')"), "5 December 2023");
	assert_string_equal(sql_text("fmt_date('2023-12-05', 'de')"), "5. Dezember 2023");
	assert_string_equal(sql_text("fmt_date('2021-03-01', 'de')"), "1. M\xc3\xa4rz 2021");
	/* not a date: shown as it is, not dropped */
	assert_string_equal(sql_text("fmt_date('2023-13-05', 'en')"), "2023-13-05");
	assert_string_equal(sql_text("fmt_date('soon', 'en')"), "soon");
	assert_string_equal(sql_text("fmt_date(NULL, 'en')"), "(null)");
}

static void test_fmt_date_range(void **state)
{
	(void)state;
	assert_string_equal(sql_text("fmt_date_range('2021-03-16', '2021-03-18', 'en')"),
			    "16\xe2\x80\x93" "18 March 2021");
	assert_string_equal(sql_text("fmt_date_range('2021-03-16', '2021-03-18', 'de')"),
			    "16.\xe2\x80\x93" "18. M\xc3\xa4rz 2021");
	assert_string_equal(sql_text("fmt_date_range('2023-11-30', '2023-12-02', 'en')"),
			    "30 November \xe2\x80\x93 2 December 2023");
	assert_string_equal(sql_text("fmt_date_range('2023-12-30', '2024-01-02', 'de')"),
			    "30. Dezember 2023 \xe2\x80\x93 2. Januar 2024");
	assert_string_equal(sql_text("fmt_date_range('2023-12-05', NULL, 'en')"), "5 December 2023");
	assert_string_equal(sql_text("fmt_date_range('2023-12-05', '2023-12-05', 'en')"),
			    "5 December 2023");
	assert_string_equal(sql_text("fmt_date_range(NULL, NULL, 'en')"), "");
}

/* ---- the public queries ---- */

static void test_site(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_site(v, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "site_name"), "Test Symposium");
	assert_string_equal(tmpl_get(v, "contact_name"), "Ann Example");
	assert_string_equal(tmpl_get(v, "contact_role"), "Project management");
	assert_string_equal(tmpl_get(v, "contact_phone"), "+49 89 123 45-6");
	assert_string_equal(tmpl_get(v, "contact_tel"), "tel:+498912345-6");
	assert_string_equal(tmpl_get(v, "contact_mailto"), "mailto:ann@example.org");
	assert_string_equal(tmpl_get(v, "imprint_html"), "<p>Imprint.</p>");
	/* NULL-free schema columns come back as "" */
	assert_string_equal(tmpl_get(v, "privacy_html"), "");
}

static void test_editions_published_newest_first(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_editions(v, "editions", 2023, "page", "en"), 3);
	assert_string_equal(render(v, "<t:block t:each=\"editions\">${year}|${nav_current}|${date_text};</t:block>"),
			    "2024||;2023|page|5 December 2023;2021||16\xe2\x80\x93" "18 March 2021;");
}

static void test_latest_year(void **state)
{
	(void)state;
	assert_int_equal(db_latest_year(), 2024);
	assert_int_equal(fixture_exec(db_file, "UPDATE edition SET published = 0"), SQLITE_OK);
	assert_int_equal(db_latest_year(), 0);
}

static void test_edition(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_edition(v, 2023, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "year"), "2023");
	assert_string_equal(tmpl_get(v, "title"), "Symposium 2023");
	assert_string_equal(tmpl_get(v, "date_text"), "5 December 2023");
	assert_string_equal(tmpl_get(v, "ends"), "");
	assert_string_equal(tmpl_get(v, "venue"), "TranslaTUM");
	assert_string_equal(tmpl_get(v, "press_en"), "1");
	assert_string_equal(tmpl_get(v, "press_de"), "0");
	assert_string_equal(tmpl_get(v, "presentation_count"), "3");
	assert_string_equal(tmpl_get(v, "presentations_n"), "3");
	assert_string_equal(tmpl_get(v, "presentations_one"), "0");
	assert_string_equal(tmpl_get(v, "video_count"), "2");
	assert_string_equal(tmpl_get(v, "videos_n"), "2");
	assert_string_equal(tmpl_get(v, "photo_count"), "5");
	assert_string_equal(tmpl_get(v, "has_content"), "1");
	assert_string_equal(tmpl_get(v, "upcoming"), "0");
}

static void test_edition_without_date(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_edition(v, 2024, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "date_text"), "");
	assert_string_equal(tmpl_get(v, "has_content"), "0");
	assert_string_equal(tmpl_get(v, "upcoming"), "1");
	assert_int_equal(db_edition(v, 2021, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "date_text"), "16\xe2\x80\x93" "18 March 2021");
}

static void test_unpublished_edition_not_found(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_edition(v, 2025, "en"), DB_MISSING);
	assert_null(tmpl_get(v, "title"));
	assert_int_equal(db_edition(v, 1999, "en"), DB_MISSING);
	assert_int_equal(db_presentations(v, 2025, "en", "talks"), 0);
	assert_int_equal(db_gallery(v, 2025, "en", 48, 0, "photos"), 0);
	assert_int_equal(db_gallery_count(v, 2025), 0);
	assert_int_equal(db_press_exists(2025, "en"), DB_MISSING);
}

static void test_presentations_in_order_with_labels(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_presentations(v, 2023, "en", "talks"), 3);
	assert_string_equal(render(v, "<t:block t:each=\"talks\">${title}|${speakers}|${file_url}|${file_size}|${file_pages}|${file_one_page}${file_many_pages};</t:block>"),
			    "First talk|A. Speaker|/media/talks/2023-first.pdf|2.4 MB|18|01;"
			    "Second talk|B. Speaker|/media/talks/2023-second.pdf|850 KB|1|10;"
			    "No slides|D. Speaker||||00;");
}

static void test_videos_in_order_without_trash(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_videos(v, 2023, "en", "videos"), 2);
	assert_string_equal(render(v, "<t:block t:each=\"videos\">${title}|${url};</t:block>"),
			    "Morning|https://www.youtube.com/watch?v=a;"
			    "Afternoon|https://www.youtube.com/watch?v=b;");
}

static void test_press(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_press(v, 2023, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "press_title"), "Secure Cloud launched");
	assert_string_equal(tmpl_get(v, "press_subtitle"), "A subtitle");
	assert_string_equal(tmpl_get(v, "released"), "2023-12-06");
	assert_string_equal(tmpl_get(v, "released_text"), "6 December 2023");
	assert_string_equal(tmpl_get(v, "body_html"), "<p>Body.</p>");
	assert_string_equal(tmpl_get(v, "photo_url"), "/media/d4/d4.jpg");
	assert_string_equal(tmpl_get(v, "photo_thumb_url"), "/media/c3/c3.jpg");
	assert_string_equal(tmpl_get(v, "photo_width"), "1600");
	assert_string_equal(tmpl_get(v, "photo_height"), "1067");
	assert_string_equal(tmpl_get(v, "photo_alt"), "Press photo");
	/* the press row's own caption is empty: the photo's is used */
	assert_string_equal(tmpl_get(v, "photo_caption"), "On stage");
	assert_string_equal(tmpl_get(v, "photo_credit"), "BioM");
	assert_string_equal(tmpl_get(v, "other_lang"), "de");
	assert_string_equal(tmpl_get(v, "other_exists"), "0");
	/* No full size kept (a first-release photo): the large one, under the
	 * site's name. */
	assert_string_equal(tmpl_get(v, "photo_download_url"),
			    "/media/press/d4/test-symposium-2023-press-photo.jpg");
	assert_string_equal(tmpl_get(v, "photo_download_width"), "1600");
}

/* slug(): what nginx accepts as the readable part of a file name. */
static void test_slug(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "DigiMed Bayern Symposium", "digimed-bayern-symposium" },
		{ "  Über \"Größe\" / 2023 ", "ber-gr-e-2023" },
		{ "---", "" },
		{ "a", "a" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db_handle(), "SELECT slug(?1)", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, cases[i][0], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), cases[i][1]);
		sqlite3_finalize(st);
	}
}

static void test_press_german_and_missing(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_press(v, 2021, "de"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "released_text"), "19. M\xc3\xa4rz 2021");
	assert_string_equal(tmpl_get(v, "photo_url"), "");
	assert_int_equal(db_press(v, 2021, "en"), DB_MISSING);
	assert_int_equal(db_press(v, 2023, "de"), DB_MISSING);
	assert_int_equal(db_press_exists(2021, "de"), DB_FOUND);
	assert_int_equal(db_press_exists(2021, "en"), DB_MISSING);
}

static void test_press_photo_hidden_when_deleted(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(fixture_exec(db_file, "UPDATE photo SET deleted_at = 1 WHERE id = 8"), SQLITE_OK);
	assert_int_equal(db_press(v, 2023, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "photo_url"), "");
	assert_string_equal(tmpl_get(v, "photo_caption"), "");
}

static void test_gallery_count_and_credit(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_gallery_count(v, 2023), 5);
	assert_string_equal(tmpl_get(v, "gallery_count"), "5");
	assert_string_equal(tmpl_get(v, "gallery_credit"), "Fotorechte: BioM");
	assert_int_equal(db_gallery_count(v, 2021), 0);
	assert_string_equal(tmpl_get(v, "gallery_credit"), "");
}

static void test_gallery_pages(void **state)
{
	struct tmpl_vars *v = *state;
	const char *row = "<t:block t:each=\"p\">${alt}|${decorative}|${thumb_url}|${thumb_width}x${thumb_height}|${web_url};</t:block>";
	assert_int_equal(db_gallery(v, 2023, "en", 2, 0, "p"), 2);
	assert_string_equal(render(v, row),
			    "First|0|/media/c3/c3.jpg|400x267|/media/d4/d4.jpg;"
			    "Second|0|/media/c3/c3.jpg|400x267|/media/d4/d4.jpg;");
	struct tmpl_vars *w = tmpl_vars_new();
	assert_int_equal(db_gallery(w, 2023, "en", 2, 2, "p"), 2);
	assert_string_equal(render(w, "<t:block t:each=\"p\">${alt}|${decorative};</t:block>"),
			    "|1;Fourth|0;");
	tmpl_vars_clear(w);
	assert_int_equal(db_gallery(w, 2023, "en", 2, 4, "p"), 1);
	assert_string_equal(render(w, "<t:block t:each=\"p\">${alt};</t:block>"), "Fifth;");
	tmpl_vars_clear(w);
	assert_int_equal(db_gallery(w, 2023, "en", 2, 6, "p"), 0);
	tmpl_vars_free(w);
}

/* Photo pages follow the gallery's order (positions, not ids) and skip
 * what the gallery hides. */
static void test_photo_neighbours(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_photo(v, 2023, "en", 3, 2), DB_FOUND);
	assert_string_equal(render(v, "${number}/${photo_total}|${prev_url}|${next_url}|${gallery_url}"),
			    "3/5|/2023/gallery/4|/2023/gallery/5|/2023/gallery?page=2#photo-3");
}

static void test_photo_first_and_last(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_photo(v, 2023, "en", 2, 48), DB_FOUND);
	assert_string_equal(render(v, "${prev_url}|${next_url}|${gallery_url}"),
			    "|/2023/gallery/4|/2023/gallery#photo-2");
	tmpl_vars_clear(v);
	assert_int_equal(db_photo(v, 2023, "en", 1, 48), DB_FOUND);
	assert_string_equal(render(v, "${number}|${next_url}|${hires_mailto}"),
			    "5||mailto:ann@example.org?subject=High-resolution%20photo%202023-1");
}

static void test_photo_hidden_ones_missing(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(db_photo(v, 2023, "en", 6, 48), DB_MISSING);  /* unpublished */
	assert_int_equal(db_photo(v, 2023, "en", 7, 48), DB_MISSING);  /* in the trash */
	assert_int_equal(db_photo(v, 2023, "en", 8, 48), DB_MISSING);  /* press photo only */
	assert_int_equal(db_photo(v, 2025, "en", 9, 48), DB_MISSING);  /* unpublished edition */
	assert_int_equal(db_photo(v, 2021, "en", 2, 48), DB_MISSING);  /* another edition's */
}

/* A visitor's words never reach FTS5 as syntax: quotes, operators, column
 * filters and NEAR come out as quoted words. */
static void test_search_match_quotes_every_word(void **state)
{
	(void)state;
	char m[DB_SEARCH_MATCH_MAX];
	assert_int_equal(db_search_match("cloud OR \"x\" title:NEAR(a*", m, sizeof m), 6);
	assert_string_equal(m, "\"cloud\"* \"OR\"* \"x\"* \"title\"* \"NEAR\"* \"a\"*");
	assert_int_equal(db_search_match("  ---  ", m, sizeof m), 0);
	assert_int_equal(db_search_match("Prävention", m, sizeof m), 1);
	assert_string_equal(m, "\"Prävention\"*");
}

static void test_search_match_limits(void **state)
{
	(void)state;
	char m[DB_SEARCH_MATCH_MAX], word[DB_SEARCH_TERM_MAX + 2];
	assert_int_equal(db_search_match("a b c d e f g h i j", m, sizeof m), DB_SEARCH_TERMS_MAX);
	memset(word, 'w', sizeof word - 1);
	word[sizeof word - 1] = '\0';
	assert_int_equal(db_search_match(word, m, sizeof m), -1);
}

/* Hits come grouped by edition, newest first; nothing the public pages
 * hide (trash, unpublished edition or photo) is found. */
static void test_search_groups_and_hides(void **state)
{
	struct tmpl_vars *v = *state;
	char m[DB_SEARCH_MATCH_MAX];
	db_search_match("speaker", m, sizeof m);
	assert_int_equal(db_search(v, m, "en", "g"), 3);
	/* One group; within it the order is FTS5's rank, so look for each. */
	const char *out = render(v, "<t:block t:each=\"g\">${year}:<t:block t:each=\"hits\">${kind_talk}=${hit_title}@${url};</t:block>|</t:block>");
	assert_int_equal(strncmp(out, "2023:", 5), 0);
	assert_non_null(strstr(out, "1=First talk@/2023/presentations#talk-first;"));
	assert_non_null(strstr(out, "1=Second talk@/2023/presentations#talk-second;"));
	assert_non_null(strstr(out, "1=No slides@/2023/presentations#talk-noslides;"));
	assert_null(strchr(strchr(out, '|') + 1, '|'));
	tmpl_vars_clear(v);
	db_search_match("secret", m, sizeof m);
	assert_int_equal(db_search(v, m, "en", "g"), 0);
	db_search_match("unpublished", m, sizeof m);
	assert_int_equal(db_search(v, m, "en", "g"), 0);
	db_search_match("deleted", m, sizeof m);
	assert_int_equal(db_search(v, m, "en", "g"), 0);
}

static void test_search_press_in_german(void **state)
{
	struct tmpl_vars *v = *state;
	char m[DB_SEARCH_MATCH_MAX];
	db_search_match("symposium online", m, sizeof m);
	assert_true(db_search(v, m, "en", "g") >= 1);
	assert_non_null(strstr(render(v, "<t:block t:each=\"g\"><t:block t:each=\"hits\">${url}|${hit_lang};</t:block></t:block>"),
			       "/de/2021/press|de;"));
}

/* ---- texts in two languages ---- */

/* l10n picks the page's language and falls back to the other one;
 * l10n_lang names the language shown only when it is not the page's. */
static void test_l10n_falls_back_and_says_so(void **state)
{
	(void)state;
	assert_string_equal(sql_text("l10n('de', 'Review', 'R\xc3\xbc" "ckblick')"), "R\xc3\xbc" "ckblick");
	assert_string_equal(sql_text("l10n_lang('de', 'Review', 'R\xc3\xbc" "ckblick')"), "");
	assert_string_equal(sql_text("l10n('de', 'Review', '')"), "Review");
	assert_string_equal(sql_text("l10n_lang('de', 'Review', '')"), "en");
	assert_string_equal(sql_text("l10n('en', 'Review', 'R')"), "Review");
	assert_string_equal(sql_text("l10n_lang('en', 'Review', 'R')"), "");
	/* Written only in German (an imprint, say): the English page shows it. */
	assert_string_equal(sql_text("l10n('en', '', 'Impressum')"), "Impressum");
	assert_string_equal(sql_text("l10n_lang('en', '', 'Impressum')"), "de");
	/* Neither: nothing, and no language to mark. */
	assert_string_equal(sql_text("l10n('de', '', '')"), "");
	assert_string_equal(sql_text("l10n_lang('de', '', '')"), "");
	assert_string_equal(sql_text("l10n_lang('de', NULL, NULL)"), "");
}

static void test_site_in_german(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(fixture_exec(db_file, "UPDATE site SET background_de_html = '<p>\xc3\x9c" "ber.</p>',"
				      " contact_role_de = 'Projektleitung'"), SQLITE_OK);
	assert_int_equal(db_site(v, "de"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "background_html"), "<p>\xc3\x9c" "ber.</p>");
	assert_string_equal(tmpl_get(v, "background_lang"), "");
	assert_string_equal(tmpl_get(v, "contact_role"), "Projektleitung");
	/* No German imprint: the English one, marked. */
	assert_string_equal(tmpl_get(v, "imprint_html"), "<p>Imprint.</p>");
	assert_string_equal(tmpl_get(v, "imprint_lang"), "en");
	assert_string_equal(tmpl_get(v, "privacy_html"), "");
	assert_string_equal(tmpl_get(v, "privacy_lang"), "");
	tmpl_vars_clear(v);
	assert_int_equal(db_site(v, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "background_html"), "<p>About.</p>");
	assert_string_equal(tmpl_get(v, "background_lang"), "");
	assert_string_equal(tmpl_get(v, "contact_role"), "Project management");
	assert_string_equal(tmpl_get(v, "imprint_lang"), "");
}

static void test_edition_in_german(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(fixture_exec(db_file, "UPDATE edition SET headline_de = 'Gro\xc3\x9f" "e Daten',"
				      " review_html = '<p>Review.</p>', review_de_html = '<p>R\xc3\xbc" "ckblick.</p>',"
				      " next_html = '<p>Next.</p>' WHERE year = 2023"), SQLITE_OK);
	assert_int_equal(db_edition(v, 2023, "de"), DB_FOUND);
	assert_string_equal(render(v, "${headline}|${headline_lang}|${summary}|${summary_lang}|"
				   "${review_html}|${review_lang}|${next_html}|${next_lang}"),
			    "Gro\xc3\x9f" "e Daten||One day.|en|&lt;p&gt;R\xc3\xbc" "ckblick.&lt;/p&gt;||"
			    "&lt;p&gt;Next.&lt;/p&gt;|en");
	tmpl_vars_clear(v);
	assert_int_equal(db_edition(v, 2023, "en"), DB_FOUND);
	assert_string_equal(render(v, "${headline}|${headline_lang}|${review_html}|${review_lang}"),
			    "Big Data - Big Outcome?||&lt;p&gt;Review.&lt;/p&gt;|");
}

static void test_gallery_and_photo_in_german(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(fixture_exec(db_file, "UPDATE photo SET alt_de = 'Erstes', caption_de = 'Bildunterschrift 1'"
				      " WHERE id = 2; UPDATE photo SET alt_de = 'Zweites' WHERE id = 4"), SQLITE_OK);
	assert_int_equal(db_gallery(v, 2023, "de", 3, 0, "p"), 3);
	assert_string_equal(render(v, "<t:block t:each=\"p\">${alt}|${alt_lang}|${caption}|${caption_lang};</t:block>"),
			    "Erstes||Bildunterschrift 1|;Zweites||Caption 2|en;|||;");
	tmpl_vars_clear(v);
	assert_int_equal(db_photo(v, 2023, "de", 4, 48), DB_FOUND);
	assert_string_equal(render(v, "${alt}|${alt_lang}|${caption}|${caption_lang}"),
			    "Zweites||Caption 2|en");
	tmpl_vars_clear(v);
	assert_int_equal(db_photo(v, 2023, "en", 4, 48), DB_FOUND);
	assert_string_equal(render(v, "${alt}|${alt_lang}|${caption}|${caption_lang}"),
			    "Second||Caption 2|");
}

static void test_videos_in_german(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(fixture_exec(db_file, "UPDATE video SET title_de = 'Vormittag' WHERE title = 'Morning'"),
			 SQLITE_OK);
	assert_int_equal(db_videos(v, 2023, "de", "videos"), 2);
	assert_string_equal(render(v, "<t:block t:each=\"videos\">${title}|${title_lang};</t:block>"),
			    "Vormittag|;Afternoon|en;");
}

/* A talk's German title on the German page; the English one, marked,
 * while it has none; the English page keeps the English title. */
static void test_presentations_in_german(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(fixture_exec(db_file, "UPDATE presentation SET title_de = 'Erster Vortrag'"
				      " WHERE slug = 'first'"), SQLITE_OK);
	assert_int_equal(db_presentations(v, 2023, "de", "talks"), 3);
	assert_string_equal(render(v, "<t:block t:each=\"talks\">${title}|${title_lang};</t:block>"),
			    "Erster Vortrag|;Second talk|en;No slides|en;");
	tmpl_vars_clear(v);
	assert_int_equal(db_presentations(v, 2023, "en", "talks"), 3);
	assert_string_equal(render(v, "<t:block t:each=\"talks\">${title}|${title_lang};</t:block>"),
			    "First talk|;Second talk|;No slides|;");
}

/* The German release shows the press photo's German alt text, and the
 * photo's caption (English, marked) while it has none of its own. */
static void test_press_photo_in_german(void **state)
{
	struct tmpl_vars *v = *state;
	assert_int_equal(fixture_exec(db_file, "UPDATE edition SET press_photo_id = 8 WHERE year = 2021;"
				      " UPDATE photo SET alt_de = 'Pressefoto' WHERE id = 8"), SQLITE_OK);
	assert_int_equal(db_press(v, 2021, "de"), DB_FOUND);
	assert_string_equal(render(v, "${photo_alt}|${photo_alt_lang}|${photo_caption}|${photo_caption_lang}"),
			    "Pressefoto||On stage|en");
	assert_int_equal(fixture_exec(db_file, "UPDATE press SET photo_caption = 'Auf der B\xc3\xbc" "hne'"
				      " WHERE lang = 'de'"), SQLITE_OK);
	tmpl_vars_clear(v);
	assert_int_equal(db_press(v, 2021, "de"), DB_FOUND);
	assert_string_equal(render(v, "${photo_caption}|${photo_caption_lang}"), "Auf der B\xc3\xbc" "hne|");
}

/* The index follows the German texts too (migration triggers). */
static void test_search_finds_german_texts(void **state)
{
	struct tmpl_vars *v = *state;
	char m[DB_SEARCH_MATCH_MAX];
	assert_int_equal(fixture_exec(db_file,
		"UPDATE photo SET caption_de = 'Podiumsdiskussion' WHERE id = 2;"
		" UPDATE edition SET review_de_md = 'Ein Tag \xc3\xbc" "ber Datenschutz' WHERE year = 2023;"
		" UPDATE video SET title_de = 'Nachmittagssitzung' WHERE title = 'Afternoon'"), SQLITE_OK);
	const char *row = "<t:block t:each=\"g\"><t:block t:each=\"hits\">${kind_photo}${kind_edition}${kind_video}@${url};</t:block></t:block>";
	db_search_match("podium", m, sizeof m);
	assert_int_equal(db_search(v, m, "en", "g"), 1);
	assert_string_equal(render(v, row), "100@/2023/gallery/2;");
	tmpl_vars_clear(v);
	db_search_match("datenschutz", m, sizeof m);
	assert_int_equal(db_search(v, m, "en", "g"), 1);
	assert_string_equal(render(v, row), "010@/2023/;");
	tmpl_vars_clear(v);
	db_search_match("nachmittag", m, sizeof m);
	assert_int_equal(db_search(v, m, "en", "g"), 1);
	assert_string_equal(render(v, row), "001@/2023/presentations#videos;");
}

/* A talk's German title is in the index (migration 010's triggers): found,
 * and shown on the German search page, the English title marked on a hit
 * whose talk has none; a change of the German title is followed. */
static void test_search_finds_talks_by_german_title(void **state)
{
	struct tmpl_vars *v = *state;
	char m[DB_SEARCH_MATCH_MAX];
	const char *row = "<t:block t:each=\"g\"><t:block t:each=\"hits\">${kind_talk}=${hit_title}|${hit_lang}@${url};</t:block></t:block>";
	assert_int_equal(fixture_exec(db_file, "UPDATE presentation SET title_de = 'Bildgebung im Wandel'"
				      " WHERE slug = 'first'"), SQLITE_OK);
	db_search_match("bildgebung", m, sizeof m);
	assert_int_equal(db_search(v, m, "de", "g"), 1);
	assert_string_equal(render(v, row), "1=Bildgebung im Wandel|@/de/2023/presentations#talk-first;");
	tmpl_vars_clear(v);
	assert_int_equal(db_search(v, m, "en", "g"), 1);
	assert_string_equal(render(v, row), "1=First talk|@/2023/presentations#talk-first;");
	tmpl_vars_clear(v);
	db_search_match("second talk", m, sizeof m);
	assert_true(db_search(v, m, "de", "g") >= 1);
	assert_non_null(strstr(render(v, row), "1=Second talk|en@/de/2023/presentations#talk-second;"));
	tmpl_vars_clear(v);
	assert_int_equal(fixture_exec(db_file, "UPDATE presentation SET title_de = 'Neue Wege'"
				      " WHERE slug = 'first'"), SQLITE_OK);
	db_search_match("bildgebung", m, sizeof m);
	assert_int_equal(db_search(v, m, "de", "g"), 0);
	db_search_match("neue wege", m, sizeof m);
	assert_int_equal(db_search(v, m, "de", "g"), 1);
}

/* A photo's and a video's hit carry the title in the page's language, the
 * English one marked while there is no German. */
static void test_search_titles_in_the_page_language(void **state)
{
	struct tmpl_vars *v = *state;
	char m[DB_SEARCH_MATCH_MAX];
	assert_int_equal(fixture_exec(db_file,
		"UPDATE photo SET caption_de = 'Podiumsdiskussion' WHERE id = 2;"
		" UPDATE video SET title_de = 'Nachmittag' WHERE title = 'Afternoon'"), SQLITE_OK);
	const char *row = "<t:block t:each=\"g\"><t:block t:each=\"hits\">${hit_title}|${hit_lang};</t:block></t:block>";
	db_search_match("first", m, sizeof m);         /* photo 2's alt text */
	assert_int_equal(db_search(v, m, "de", "g"), 2);
	assert_non_null(strstr(render(v, row), "Podiumsdiskussion|;"));
	tmpl_vars_clear(v);
	assert_int_equal(db_search(v, m, "en", "g"), 2);
	assert_non_null(strstr(render(v, row), "Caption 1|;"));
	tmpl_vars_clear(v);
	db_search_match("second", m, sizeof m);        /* photo 4: no German */
	assert_true(db_search(v, m, "de", "g") >= 1);
	assert_non_null(strstr(render(v, row), "Caption 2|en;"));
	tmpl_vars_clear(v);
	db_search_match("afternoon", m, sizeof m);
	assert_int_equal(db_search(v, m, "de", "g"), 1);
	assert_string_equal(render(v, row), "Nachmittag|;");
	tmpl_vars_clear(v);
	db_search_match("morning", m, sizeof m);
	assert_int_equal(db_search(v, m, "de", "g"), 1);
	assert_string_equal(render(v, row), "Morning|en;");
}

int main(void)
{
	if (!mkdtemp(tmpl_dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refuses_other_schema_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_schema_names_the_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_refuses_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readwrite_is_wal_with_foreign_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_caches_and_unbinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_reports_bad_sql, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_changes_on_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_at_ignores_an_edition_still_to_come, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_at_follows_a_release_come_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fmt_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fmt_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fmt_date_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_editions_published_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latest_year, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edition_without_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unpublished_edition_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_presentations_in_order_with_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_videos_in_order_without_trash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_press, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_press_german_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_press_photo_hidden_when_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gallery_count_and_credit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gallery_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_photo_neighbours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_photo_first_and_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_photo_hidden_ones_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_match_quotes_every_word, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_match_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_groups_and_hides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_press_in_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_l10n_falls_back_and_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_in_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edition_in_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gallery_and_photo_in_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_videos_in_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_presentations_in_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_press_photo_in_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_finds_german_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_titles_in_the_page_language, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_finds_talks_by_german_title, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char path[300];
	snprintf(path, sizeof path, "%s/t.xml", tmpl_dir);
	unlink(path);
	rmdir(tmpl_dir);
	return rc;
}
