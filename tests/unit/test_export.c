/* export: the fixture site exported by its own programs (run as CGI from
 * TEST_BIN_DIR, built by `make all`): the layout of export.h, copies of
 * the media the pages use, nothing rewritten the second time, and no
 * deleting in a directory that is not an export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "check.h"
#include "export.h"
#include "ops_fixture.h"

#ifndef TEST_BIN_DIR
#define TEST_BIN_DIR "cgi-bin"
#endif

static struct ops_site site;
static char out[TREE_PATH_MAX];
static struct export_config cfg;

static int setup(void **state)
{
	(void)state;
	struct check_report r;
	if (ops_site_make(&site, "test_export") < 0 ||
	    check_run(site.db, CHECK_REPAIR_LINKS, &r, NULL, NULL) != 0)
		return -1;
	ops_join(out, site.dir, "export");
	cfg = (struct export_config){ .db_path = site.db, .templates_dir = "templates",
		.programs_dir = TEST_BIN_DIR, .out_dir = out };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ops_site_remove(&site);
	return 0;
}

static void exists(const char *rel, int regular)
{
	char p[TREE_PATH_MAX];
	struct stat st;
	ops_join(p, out, rel);
	assert_int_equal(lstat(p, &st), 0);
	if (regular)
		assert_true(S_ISREG(st.st_mode));
}

static void export_ok(struct export_report *r)
{
	char err[512] = "";
	int rc = export_site(&cfg, r, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "export: %s\n", err);
	assert_int_equal(rc, 0);
}

static void pages_and_files_in_the_layout(void **state)
{
	(void)state;
	struct export_report r;
	char rel[160];
	export_ok(&r);
	/* /, imprint, privacy; 2023: home, presentations, gallery (no press),
	 * and the photo's own page, found by its link - in English and in
	 * German. */
	assert_int_equal(r.pages, 14);
	exists("de/index.html", 1);
	exists("de/imprint/index.html", 1);
	exists("de/2023/index.html", 1);
	exists("de/2023/presentations/index.html", 1);
	exists("de/2023/gallery/page-1.html", 1);
	exists("de/2023/gallery/1/index.html", 1);
	exists("2023/gallery/1/index.html", 1);
	exists("index.html", 1);
	exists("imprint/index.html", 1);
	exists("404.html", 1);
	exists("2023/index.html", 1);
	exists("2023/presentations/index.html", 1);
	exists("2023/gallery/index.html", 1);
	exists("2023/gallery/page-1.html", 1);
	exists("assets/site.css", 1);
	/* The stable name is a copy, not a link: any server can serve it. */
	exists("media/talks/2023-keynote.pdf", 1);
	snprintf(rel, sizeof rel, "media/%s", site.thumb.path);
	exists(rel, 1);
	assert_int_equal(r.written, r.files);
}

static void second_export_writes_nothing(void **state)
{
	(void)state;
	struct export_report a, b;
	export_ok(&a);
	export_ok(&b);
	assert_int_equal(b.written, 0);
	assert_int_equal(b.removed, 0);
	assert_int_equal(b.unchanged, a.files);
}

static void unpublished_edition_is_removed(void **state)
{
	(void)state;
	struct export_report r;
	char p[TREE_PATH_MAX];
	export_ok(&r);
	assert_int_equal(ops_sql(site.db, "UPDATE edition SET published = 0"), 0);
	export_ok(&r);
	assert_true(r.removed >= 5);
	ops_join(p, out, "2023");
	assert_int_equal(access(p, F_OK), -1);
	ops_join(p, out, "media/talks/2023-keynote.pdf");
	assert_int_equal(access(p, F_OK), -1);
}

/* The file rel of the export, whole, into b. */
static void slurp(const char *rel, struct buf *b)
{
	char p[TREE_PATH_MAX], chunk[4096];
	size_t n;
	ops_join(p, out, rel);
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(b, chunk, n);
	fclose(f);
	buf_puts(b, "");
}

/* With a programme, the calendar files in both languages: the German ones
 * under de/, found by the German programme page's links, in German. */
static void calendar_files_in_both_languages(void **state)
{
	(void)state;
	struct export_report r;
	struct buf en = BUF_INIT, de = BUF_INIT;
	assert_int_equal(ops_sql(site.db, "INSERT INTO programme_session (id, edition_id,"
		" starts_at, ends_at, title, title_de, created_at) SELECT 7, id, 1701765000,"
		" 1701768600, 'Opening', 'Er\xc3\xb6" "ffnung', 0 FROM edition WHERE year = 2023"), 0);
	export_ok(&r);
	exists("2023/programme/index.html", 1);
	exists("de/2023/programme/index.html", 1);
	exists("2023/programme.ics", 1);
	exists("de/2023/programme.ics", 1);
	slurp("2023/programme/7.ics", &en);
	slurp("de/2023/programme/7.ics", &de);
	assert_non_null(strstr(en.data, "\r\nSUMMARY;LANGUAGE=en:Opening\r\n"));
	assert_non_null(strstr(de.data, "\r\nSUMMARY;LANGUAGE=de:Er\xc3\xb6" "ffnung\r\n"));
	assert_non_null(strstr(de.data, "\r\nUID:session-7@"));
	buf_free(&en);
	buf_free(&de);
}

static void foreign_directory_is_refused(void **state)
{
	(void)state;
	struct export_report r;
	char keep[TREE_PATH_MAX], err[512] = "";
	mkdir(out, 0755);
	ops_join(keep, out, "keep.txt");
	FILE *f = fopen(keep, "w");
	fclose(f);
	assert_int_equal(export_site(&cfg, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "not empty"));
	assert_int_equal(access(keep, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(pages_and_files_in_the_layout),
		T(second_export_writes_nothing),
		T(unpublished_edition_is_removed),
		T(calendar_files_in_both_languages),
		T(foreign_directory_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
