/* Tests of lib/db_seo.c's times against a fresh database from schema.sql:
 * each edition's pages carry their edition's last public change
 * (edition.changed_at, set by db_admin_edition_changed), the settings'
 * before it has one; the site settings move every page; a scheduled release
 * counts from its time once that has come; the feed and the press page's
 * dateModified follow the same times. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_admin.h"
#include "db_seo.h"
#include "tmpl.h"
#include "testdb.h"

static char dir[] = "/tmp/test_db_seo.XXXXXX";
static char dbpath[sizeof dir + 16];

#define SITE_T    1000              /* site.changed_at: 1970-01-01T00:16:40Z */
#define FUTURE    4102444800LL      /* 2100-01-01 */

static int group_setup(void **state)
{
	(void)state;
	if (testdb_create(dir, dbpath, sizeof dbpath,
		"INSERT INTO site (id, name, changed_at) VALUES (1, 'Test', 1000);"
		"INSERT INTO edition (id, year, title, published) VALUES"
		" (1, 2023, 'Old', 1), (2, 2024, 'New', 1);"
		"INSERT INTO press (edition_id, lang, released, title, body_html) VALUES"
		" (1, 'en', '1970-01-01', 'Old release', ''),"
		" (2, 'en', '1970-01-01', 'New release', '');") < 0)
		return -1;
	return db_open(dbpath, DB_READWRITE);
}

static int group_teardown(void **state)
{
	(void)state;
	db_close();
	return testdb_remove(dir);
}

/* Back to the fixture's times before each test. */
static int reset(void **state)
{
	(void)state;
	return sqlite3_exec(db_handle(), "UPDATE edition SET changed_at = NULL;"
		" UPDATE site SET settings_changed_at = 1000, changed_at = 1000;"
		" UPDATE press SET state = 'published', publish_at = NULL;"
		" UPDATE edition SET starts = NULL, ends = NULL;",
		NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void changed(long long edition_id, time_t at)
{
	assert_int_equal(db_begin(), 0);
	assert_int_equal(edition_id ? db_admin_edition_changed(edition_id, at)
			 : db_admin_settings_changed(at), 0);
	assert_int_equal(db_commit(), 0);
}

/* The sitemap's lastmod of path ("" when not listed). */
static const char *lastmod(const char *path)
{
	static char out[64];
	char want[64];
	struct tmpl_vars *v = tmpl_vars_new();
	assert_true(db_seo_pages(v, "pages") > 0);
	char *all = testdb_render(dir, "<p xmlns:t=\"urn:symposium:template\">"
		"<t:block t:each=\"pages\">|${path}=${lastmod}</t:block>|</p>", v);
	assert_non_null(all);
	snprintf(want, sizeof want, "|%s=", path);
	const char *at = strstr(all, want);
	out[0] = '\0';
	if (at)
		snprintf(out, sizeof out, "%.*s", (int)strcspn(at + strlen(want), "|"),
			 at + strlen(want));
	free(all);
	tmpl_vars_free(v);
	return out;
}

/* An edition not changed since the site was made has the settings' time;
 * a site without one (made before it existed, not migrated: a test's),
 * the site's. */
static void test_without_its_own_time_the_settings(void **state)
{
	(void)state;
	assert_string_equal(lastmod("/2023/"), "1970-01-01T00:16:40Z");
	assert_string_equal(lastmod("/de/2023/press"), "");   /* no German release */
	assert_string_equal(lastmod("/2023/press"), "1970-01-01T00:16:40Z");
	assert_string_equal(lastmod("/imprint"), "1970-01-01T00:16:40Z");
	assert_int_equal(sqlite3_exec(db_handle(), "UPDATE site SET settings_changed_at = NULL,"
		" changed_at = 2000", NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(lastmod("/2023/"), "1970-01-01T00:33:20Z");
	assert_string_equal(lastmod("/privacy"), "1970-01-01T00:33:20Z");
}

/* A change to 2024 moves 2024's pages, not 2023's, nor the imprint. */
static void test_an_editions_change_moves_only_its_pages(void **state)
{
	(void)state;
	changed(2, 2000);
	assert_string_equal(lastmod("/2024/"), "1970-01-01T00:33:20Z");
	assert_string_equal(lastmod("/de/2024/"), "1970-01-01T00:33:20Z");
	assert_string_equal(lastmod("/2024/press"), "1970-01-01T00:33:20Z");
	assert_string_equal(lastmod("/2023/"), "1970-01-01T00:16:40Z");
	assert_string_equal(lastmod("/privacy"), "1970-01-01T00:16:40Z");
	/* a later change to 2023 alone */
	changed(1, 3000);
	assert_string_equal(lastmod("/2023/press"), "1970-01-01T00:50:00Z");
	assert_string_equal(lastmod("/2024/"), "1970-01-01T00:33:20Z");
	/* an older clock never moves it back */
	changed(1, 2500);
	assert_string_equal(lastmod("/2023/"), "1970-01-01T00:50:00Z");
}

/* The site's own changed_at moves with every write (drafts too): it moves
 * no edition's pages, changed or not. */
static void test_site_changed_at_alone_moves_nothing(void **state)
{
	(void)state;
	changed(1, 2000);
	assert_int_equal(db_begin(), 0);
	assert_int_equal(db_admin_changed("alice", "upload", "gallery 2023", "draft", 5000), 0);
	assert_int_equal(db_commit(), 0);
	assert_string_equal(lastmod("/2023/"), "1970-01-01T00:33:20Z");
	assert_string_equal(lastmod("/2024/"), "1970-01-01T00:16:40Z");
	assert_string_equal(lastmod("/imprint"), "1970-01-01T00:16:40Z");
}

static void test_settings_move_every_page(void **state)
{
	(void)state;
	changed(1, 2000);
	changed(0, 4000);
	assert_string_equal(lastmod("/2023/"), "1970-01-01T01:06:40Z");
	assert_string_equal(lastmod("/2024/press"), "1970-01-01T01:06:40Z");
	assert_string_equal(lastmod("/imprint"), "1970-01-01T01:06:40Z");
	assert_string_equal(lastmod("/de/privacy"), "1970-01-01T01:06:40Z");
	/* an edition changed afterwards is later again */
	changed(2, 5000);
	assert_string_equal(lastmod("/2024/"), "1970-01-01T01:23:20Z");
	assert_string_equal(lastmod("/imprint"), "1970-01-01T01:06:40Z");
}

/* A release scheduled for later is no page yet and moves nothing; once its
 * time has come, that time is its edition's pages' lastmod. */
static void test_a_scheduled_release_counts_from_its_time(void **state)
{
	(void)state;
	char sql[160];
	changed(2, 2000);
	snprintf(sql, sizeof sql, "UPDATE press SET state = 'scheduled', publish_at = %lld"
		 " WHERE edition_id = 2", FUTURE);
	assert_int_equal(sqlite3_exec(db_handle(), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(lastmod("/2024/press"), "");
	assert_string_equal(lastmod("/2024/"), "1970-01-01T00:33:20Z");
	assert_int_equal(sqlite3_exec(db_handle(), "UPDATE press SET publish_at = 6000"
		" WHERE edition_id = 2", NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(lastmod("/2024/press"), "1970-01-01T01:40:00Z");
	assert_string_equal(lastmod("/2024/gallery"), "");      /* no photos */
	assert_string_equal(lastmod("/2024/"), "1970-01-01T01:40:00Z");
	assert_string_equal(lastmod("/2023/"), "1970-01-01T00:16:40Z");
}

/* An edition stops being "upcoming" at the UTC midnight after its last
 * day, with no write: its pages' lastmod follows; a day still to come
 * moves nothing. */
static void test_an_editions_end_counts_from_the_midnight_after(void **state)
{
	(void)state;
	changed(1, 2000);
	assert_int_equal(sqlite3_exec(db_handle(), "UPDATE edition SET starts = '2023-12-05'"
		" WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(lastmod("/2023/"), "2023-12-06T00:00:00Z");
	assert_string_equal(lastmod("/2023/press"), "2023-12-06T00:00:00Z");
	assert_string_equal(lastmod("/2024/"), "1970-01-01T00:16:40Z");
	assert_int_equal(sqlite3_exec(db_handle(), "UPDATE edition SET ends = '2023-12-07'"
		" WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(lastmod("/2023/"), "2023-12-08T00:00:00Z");
	assert_int_equal(sqlite3_exec(db_handle(), "UPDATE edition SET starts = '2099-12-05',"
		" ends = NULL WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_string_equal(lastmod("/2023/"), "1970-01-01T00:33:20Z");
}

/* The press page's dateModified and the feed follow the same times. */
static void test_press_page_and_feed_times(void **state)
{
	(void)state;
	changed(1, 2000);
	changed(2, 3000);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_seo_times(v, 2023, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "press_updated"), "1970-01-01T00:33:20Z");
	assert_string_equal(tmpl_get(v, "press_published"), "1970-01-01");
	assert_string_equal(tmpl_get(v, "site_updated"), "1970-01-01T00:50:00Z");
	assert_int_equal(db_seo_entries(v, "entries"), 4);
	char *all = testdb_render(dir, "<p xmlns:t=\"urn:symposium:template\">"
		"<t:block t:each=\"entries\">${path}=${updated};</t:block></p>", v);
	assert_non_null(all);
	assert_non_null(strstr(all, "/2024/press=1970-01-01T00:50:00Z;"));
	assert_non_null(strstr(all, "/2024/=1970-01-01T00:50:00Z;"));
	assert_non_null(strstr(all, "/2023/press=1970-01-01T00:33:20Z;"));
	assert_non_null(strstr(all, "/2023/=1970-01-01T00:33:20Z;"));
	free(all);
	tmpl_vars_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_without_its_own_time_the_settings, reset),
		cmocka_unit_test_setup(test_an_editions_change_moves_only_its_pages, reset),
		cmocka_unit_test_setup(test_site_changed_at_alone_moves_nothing, reset),
		cmocka_unit_test_setup(test_settings_move_every_page, reset),
		cmocka_unit_test_setup(test_a_scheduled_release_counts_from_its_time, reset),
		cmocka_unit_test_setup(test_an_editions_end_counts_from_the_midnight_after, reset),
		cmocka_unit_test_setup(test_press_page_and_feed_times, reset),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
