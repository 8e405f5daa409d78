/* page: strict parsing of the address parts, the pager, and whole pages
 * rendered from templates/ with the fixture database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "http.h"
#include "page.h"
#include "serve.h"
#include "site_fixture.h"
#include "when.h"

static char *db_file;

static int setup(void **state)
{
	(void)state;
	db_file = fixture_db();
	serve_cfg.db_path = db_file;
	serve_cfg.templates_dir = "templates";
	return page_open();
}

static int teardown(void **state)
{
	(void)state;
	db_close();
	fixture_remove(db_file);
	return 0;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("missing: %s", needle);
}

static void test_year_is_strict(void **state)
{
	(void)state;
	const char *rest = NULL;
	assert_int_equal(page_year("2023/press", &rest), 2023);
	assert_string_equal(rest, "/press");
	assert_int_equal(page_year("2023", &rest), 2023);
	assert_string_equal(rest, "");
	assert_int_equal(page_year("+2023", &rest), -1);
	assert_int_equal(page_year("202", &rest), -1);
	assert_int_equal(page_year("20a3", &rest), -1);
	assert_int_equal(page_year(" 2023", &rest), -1);
	assert_int_equal(page_year("", &rest), -1);
	/* five digits parse as four plus a rest, which no route accepts */
	assert_int_equal(page_year("20234", &rest), 2023);
	assert_string_equal(rest, "4");
}

static void test_page_number_is_canonical(void **state)
{
	(void)state;
	assert_int_equal(page_number("1"), 1);
	assert_int_equal(page_number("48"), 48);
	assert_int_equal(page_number("100000"), 100000);
	assert_int_equal(page_number("100001"), -1);
	assert_int_equal(page_number("99999999999999999999"), -1);
	assert_int_equal(page_number("0"), -1);
	assert_int_equal(page_number("01"), -1);
	assert_int_equal(page_number("+1"), -1);
	assert_int_equal(page_number("-1"), -1);
	assert_int_equal(page_number("1x"), -1);
	assert_int_equal(page_number(""), -1);
}

static void test_pager_urls(void **state)
{
	(void)state;
	struct tmpl_vars *v = page_vars();
	page_pager(v, 2023, 2, 3);
	assert_string_equal(tmpl_get(v, "prev_url"), "/2023/gallery");
	assert_string_equal(tmpl_get(v, "next_url"), "/2023/gallery?page=3");
	assert_string_equal(tmpl_get(v, "page_count"), "3");
	assert_string_equal(tmpl_get(v, "paged"), "1");
	v = page_vars();
	page_pager(v, 2023, 1, 1);
	assert_string_equal(tmpl_get(v, "prev_url"), "");
	assert_string_equal(tmpl_get(v, "next_url"), "");
	assert_string_equal(tmpl_get(v, "paged"), "");
}

static void test_templates_load(void **state)
{
	(void)state;
	assert_int_equal(page_init(), 0);
}

static void test_home_escapes_hostile_title(void **state)
{
	(void)state;
	struct http_resp w;
	assert_int_equal(fixture_exec(db_file,
		"UPDATE edition SET title = '<script>alert(1)</script> & \"q\"' WHERE year = 2023"),
		SQLITE_OK);
	assert_int_equal(page_init(), 0);
	http_resp_init(&w);
	struct tmpl_vars *v = page_vars();
	assert_int_equal(page_edition(v, 2023, PAGE_OVERVIEW, "en"), DB_FOUND);
	page_render(&w, "home.xml", v);
	const char *body = w.body.data;
	assert_non_null(body);
	/* The one script element is the JSON-LD data block, the title
	 * escaped for a JSON string there. */
	const char *ld = strstr(body, "<script");
	assert_non_null(ld);
	assert_true(strncmp(ld, "<script type=\"application/ld+json\">", 35) == 0);
	assert_null(strstr(ld + 1, "<script"));
	assert_contains(body, "\"name\": \"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"
	                " \\u0026 \\\"q\\\"\"");
	assert_contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"q\"");
	assert_contains(body, "<html lang=\"en\">");
	assert_contains(body, "<a href=\"/2023/\" aria-current=\"page\">2023</a>");
	assert_contains(body, "<time datetime=\"2023-12-05\">5 December 2023</time>");
	assert_contains(body, "href=\"tel:+498912345-6\"");
	assert_int_equal(w.status, 200);
	assert_int_equal(w.cacheable, 1);
	/* The last write (1700000000) or, later, the midnight after the 2023
	 * edition's day (2023-12-06), when it stopped being upcoming. */
	assert_int_equal((long long)w.last_modified, 1701820800LL);
	http_resp_free(&w);
}

static void test_unpublished_edition_is_not_found(void **state)
{
	(void)state;
	assert_int_equal(page_edition(page_vars(), 2025, PAGE_OVERVIEW, "en"), DB_MISSING);
	assert_int_equal(page_edition(page_vars(), 2023, PAGE_OVERVIEW, "en"), DB_FOUND);
	/* No request, no cookie: no preview either. */
	assert_int_equal(page_find_edition(page_vars(), 2025, "en"), DB_MISSING);
}

/* In a preview the edition's queries find what is not public and give
 * its files under /admin/media/; the navigation stays the public's. */
static void test_preview_queries(void **state)
{
	(void)state;
	struct tmpl_vars *v = page_vars();
	assert_int_equal(fixture_exec(db_file,
		"UPDATE press SET state = 'draft' WHERE lang = 'de'"), SQLITE_OK);
	db_preview(1);
	enum db_result ed = db_edition(v, 2025, "en");
	int talks = db_presentations(v, 2025, "en", "talks");
	int photos = db_gallery(v, 2025, "en", 10, 0, "photos");
	enum db_result draft = db_press(v, 2021, "de");
	int editions = db_editions(v, "editions", 0, "", "en");
	db_preview(0);
	assert_int_equal(ed, DB_FOUND);
	assert_int_equal(talks, 1);
	assert_int_equal(photos, 1);
	assert_int_equal(draft, DB_FOUND);
	assert_int_equal(editions, 3);
	/* Off again: the public's answers. */
	tmpl_vars_clear(v);
	assert_int_equal(db_gallery(v, 2025, "en", 10, 0, "photos"), 0);
	assert_int_equal(db_press(v, 2021, "de"), DB_MISSING);
	assert_int_equal(db_photo(v, 2023, "en", 2, GALLERY_PAGE_SIZE), DB_FOUND);
	assert_string_equal(tmpl_get(v, "web_url"), "/media/d4/d4.jpg");
	db_preview(1);
	tmpl_vars_clear(v);
	enum db_result secret = db_photo(v, 2025, "en", 9, GALLERY_PAGE_SIZE);
	db_preview(0);
	assert_int_equal(secret, DB_FOUND);
	assert_string_equal(tmpl_get(v, "web_url"), "/admin/media/d4/d4.jpg");
	assert_string_equal(tmpl_get(v, "thumb_url"), "/admin/media/c3/c3.jpg");
}

/* "upcoming" comes from today's date: a cached page must not outlive
 * the day it was rendered on, written to or not. */
static void test_version_changes_with_the_day(void **state)
{
	(void)state;
	time_t now = time(NULL);
	long long v = page_version();
	assert_true(v >= 0);
	long long d = v / 1024 % 65536;
	assert_true(d == page_day(now) % 65536 || d == page_day(now + 1) % 65536 ||
		    d == page_day(now + 2) % 65536);
	assert_true(v / 1024 / 65536 == db_version());
}

/* The day part grows at Berlin's midnight (a registration closes then)
 * and again at UTC's, in winter (CET) and summer (CEST) time. */
static void test_day_turns_at_both_midnights(void **state)
{
	(void)state;
	when_zone_init();
	/* 2023-12-05 23:30 CET, 00:30 CET (23:30 UTC), 01:30 CET. */
	assert_true(page_day(1701815400) < page_day(1701819000));
	assert_true(page_day(1701819000) < page_day(1701822600));
	/* 2099-06-10 23:30 CEST, 06-11 00:30 CEST (22:30 UTC), 02:30 CEST. */
	assert_true(page_day(4084810200) < page_day(4084813800));
	assert_true(page_day(4084813800) < page_day(4084821000));
	assert_int_equal(page_day(4084821000) - page_day(4084810200), 2);
	/* Within one Berlin and UTC day: no change. */
	assert_int_equal(page_day(1701765000), page_day(1701765000 + 3600));
}

static void test_draft_press_release_is_not_public(void **state)
{
	(void)state;
	assert_int_equal(fixture_exec(db_file,
		"UPDATE press SET state = 'draft' WHERE lang = 'de'"), SQLITE_OK);
	assert_int_equal(db_press(page_vars(), 2021, "de"), DB_MISSING);
	assert_int_equal(db_press_exists(2021, "de"), DB_MISSING);
}

static void test_scheduled_release_public_from_its_time(void **state)
{
	(void)state;
	assert_int_equal(fixture_exec(db_file,
		"UPDATE press SET state = 'scheduled', publish_at = 4102444800 WHERE lang = 'de'"),
		SQLITE_OK);
	assert_int_equal(db_press(page_vars(), 2021, "de"), DB_MISSING);   /* 2100 */
	assert_int_equal(fixture_exec(db_file,
		"UPDATE press SET publish_at = 1000 WHERE lang = 'de'"), SQLITE_OK);
	assert_int_equal(db_press(page_vars(), 2021, "de"), DB_FOUND);
}

/* The render cache is keyed on page_version(): when a scheduled release's
 * time comes, nothing is written, yet the version must change. */
static void test_version_changes_when_a_release_comes_due(void **state)
{
	(void)state;
	time_t now = time(NULL), next;
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE press SET state = 'scheduled', publish_at = %lld"
		 " WHERE lang = 'de'", (long long)now + 2);
	assert_int_equal(fixture_exec(db_file, sql), SQLITE_OK);
	long long before = page_version();
	assert_int_equal(db_press_due(now, &next), 0);
	assert_int_equal((long long)next, (long long)now + 2);
	assert_int_equal(db_press_due(now + 2, &next), 1);
	while (time(NULL) < now + 3)
		sleep(1);
	assert_true(page_version() != before);
}

static void test_german_press_page(void **state)
{
	(void)state;
	struct http_resp w;
	assert_int_equal(page_init(), 0);
	http_resp_init(&w);
	struct tmpl_vars *v = page_vars();
	assert_int_equal(page_edition(v, 2021, PAGE_PRESS, "de"), DB_FOUND);
	assert_int_equal(db_press(v, 2021, "de"), DB_FOUND);
	page_render(&w, "press.xml", v);
	assert_contains(w.body.data, "<html lang=\"de\">");
	assert_contains(w.body.data, "<time datetime=\"2021-03-19\">19. M\xc3\xa4rz 2021</time>");
	assert_contains(w.body.data, "<a class=\"skip-link\" href=\"#main\">Zum Inhalt springen</a>");
	assert_contains(w.body.data, "<a href=\"/de/2021/\" aria-current=\"true\">2021</a>");
	assert_contains(w.body.data, "aria-current=\"page\">Pressemitteilung</a>");
	http_resp_free(&w);
}

static void test_language_prefix(void **state)
{
	(void)state;
	const char *rest = NULL;
	assert_int_equal(page_lang_path("/de/2023/press", &rest), 1);
	assert_string_equal(rest, "/2023/press");
	assert_int_equal(page_lang_path("/de/", &rest), 1);
	assert_string_equal(rest, "/");
	assert_int_equal(page_lang_path("/de", &rest), 1);
	assert_string_equal(rest, "");
	assert_int_equal(page_lang_path("/dex/2023/", &rest), 0);
	assert_string_equal(rest, "/dex/2023/");
	assert_int_equal(page_lang_path("/2023/press/de", &rest), 0);
	assert_int_equal(page_lang_path("/", &rest), 0);
}

static void test_error_page_keeps_headers(void **state)
{
	(void)state;
	struct http_resp w;
	assert_int_equal(page_init(), 0);
	http_resp_init(&w);
	http_resp_header(&w, "Allow", "GET, HEAD");
	buf_puts(&w.body, "half a page");
	page_error(NULL, &w, 405);
	assert_int_equal(w.status, 405);
	assert_int_equal(w.cacheable, 0);
	assert_null(strstr(w.body.data, "half a page"));
	assert_contains(w.body.data, "<h1>Method not allowed</h1>");
	assert_contains(w.headers.data, "Allow: GET, HEAD");
	http_resp_reset(&w);
	page_error(NULL, &w, 404);
	assert_int_equal(w.status, 404);
	assert_contains(w.body.data, "<h1>Page not found</h1>");
	assert_contains(w.body.data, "Test Symposium");
	http_resp_free(&w);
}

static void test_error_page_without_database(void **state)
{
	(void)state;
	struct http_resp w;
	assert_int_equal(page_init(), 0);
	db_close();
	http_resp_init(&w);
	page_error(NULL, &w, 500);
	assert_int_equal(w.status, 500);
	assert_contains(w.body.data, "<h1>Something went wrong</h1>");
	http_resp_free(&w);
}

/* What fn(v) writes to stderr while it runs, in out. */
static void capture_stderr(char *out, size_t n, void (*fn)(struct http_resp *),
			   struct http_resp *w)
{
	char path[] = "/tmp/test_page_stderr_XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	fn(w);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ssize_t len = pread(fd, out, n - 1, 0);
	out[len > 0 ? len : 0] = '\0';
	close(fd);
	unlink(path);
}

/* What cgi-bin/home.c does for /imprint and for an empty site's /. */
static void imprint(struct http_resp *w)
{
	struct tmpl_vars *v = page_vars();
	page_answer(NULL, w, page_layout(v, 0, PAGE_IMPRINT, "en"), "page.xml", v);
}

/* A database failure in the layout is a 500 with the error logged, never
 * a 404 (page_layout's result used to be +1'd into "not found"). */
static void test_layout_failure_is_500(void **state)
{
	(void)state;
	struct http_resp w;
	char err[4096];
	assert_int_equal(page_init(), 0);
	http_resp_init(&w);
	imprint(&w);
	assert_int_equal(w.status, 200);
	assert_int_equal(fixture_exec(db_file, "DROP TABLE site"), SQLITE_OK);
	http_resp_reset(&w);
	capture_stderr(err, sizeof err, imprint, &w);
	assert_int_equal(w.status, 500);
	assert_contains(w.body.data, "<h1>Something went wrong</h1>");
	assert_contains(err, "no such table: site");
	assert_int_equal(page_layout(page_vars(), 0, PAGE_OVERVIEW, "en"), DB_FAILED);
	http_resp_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_year_is_strict),
		cmocka_unit_test(test_page_number_is_canonical),
		cmocka_unit_test(test_pager_urls),
		cmocka_unit_test_setup_teardown(test_templates_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home_escapes_hostile_title, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unpublished_edition_is_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_changes_with_the_day, setup, teardown),
		cmocka_unit_test(test_day_turns_at_both_midnights),
		cmocka_unit_test_setup_teardown(test_draft_press_release_is_not_public, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scheduled_release_public_from_its_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_changes_when_a_release_comes_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_german_press_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_language_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_page_keeps_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_page_without_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_failure_is_500, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
