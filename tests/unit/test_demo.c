/* demo: `admin init` - a whole site from schema.sql and the demo content.
 *
 * The demo site is built once (generating its photos takes a while) and
 * the tests look at it; the failure cases use small content files of their
 * own.  Run from the repository root (as `make unit` does), or set
 * SITE_SCHEMA and SITE_DEMO. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "pdf.h"

static char vardir[64];          /* the demo site, built in setup */
static struct demo_report report;
static sqlite3 *db;

static const char *schema_path(void)
{
	const char *s = getenv("SITE_SCHEMA");
	return s && *s ? s : "schema.sql";
}

static const char *content_path(void)
{
	const char *s = getenv("SITE_DEMO");
	return s && *s ? s : "deploy/demo/content.xml";
}

static void path_in(char *out, size_t n, const char *dir, const char *rel)
{
	assert_true((size_t)snprintf(out, n, "%s/%s", dir, rel) < n);
}

static void remove_tree(const char *dir)
{
	char cmd[128];
	if (strncmp(dir, "/tmp/test_demo.", 15) == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
}

/* A new directory name that does not exist yet (demo_init creates it). */
static void fresh_dir(char out[64])
{
	strcpy(out, "/tmp/test_demo.XXXXXX");
	assert_non_null(mkdtemp(out));
	strcat(out, "/var");
}

static void parent_of(char *dir)
{
	*strrchr(dir, '/') = '\0';
}

static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static long long query_int(const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int setup(void **state)
{
	(void)state;
	char err[256] = "";
	if (sodium_init() < 0)
		return -1;
	fresh_dir(vardir);
	if (demo_init(vardir, schema_path(), content_path(), &report, err, sizeof err) != 0) {
		fprintf(stderr, "demo_init: %s\n", err);
		return -1;
	}
	char p[128];
	snprintf(p, sizeof p, "%s/site.db", vardir);
	return sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	char top[64];
	strcpy(top, vardir);
	parent_of(top);
	remove_tree(top);
	return 0;
}

/* ---- the demo site ---- */

static void creates_the_directories(void **state)
{
	(void)state;
	static const char *const sub[] = { "media", "media/tmp", "run", "log" };
	struct stat st;
	char p[128];
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		path_in(p, sizeof p, vardir, sub[i]);
		assert_int_equal(stat(p, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
	}
	assert_int_equal(count_entries(vardir, "site.db.tmp-"), 0);
}

static void schema_version_and_wal(void **state)
{
	(void)state;
	assert_int_equal(query_int("PRAGMA user_version"), DB_SCHEMA_VERSION);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(query_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

static void the_editions(void **state)
{
	(void)state;
	assert_int_equal(query_int("SELECT count(*) FROM edition"), 4);
	assert_int_equal(query_int("SELECT count(*) FROM edition WHERE published = 1"), 4);
	assert_int_equal(query_int("SELECT count(*) FROM edition WHERE year = 2024 AND starts IS NULL"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM edition WHERE year = 2021"
			" AND starts = '2021-03-16' AND ends = '2021-03-18' AND venue = 'Online'"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM edition WHERE year = 2023"
			" AND starts = '2023-12-05' AND headline = 'Big Data - Big Outcome?'"
			" AND address = 'Einsteinstraße 25, 81675 München'"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM site WHERE name = 'DigiMed Bayern Symposium'"
			" AND contact_name = 'Anja Kroke' AND contact_phone = '+49 89 899 679-14'"), 1);
	assert_int_equal(report.editions, 4);
}

/* Every *_md with text has its *_html, and no *_html holds raw HTML. */
static void html_columns_rendered(void **state)
{
	(void)state;
	static const char *const cols[][2] = {
		{ "site", "background" }, { "site", "imprint" }, { "site", "privacy" },
		{ "edition", "review" }, { "edition", "next" }, { "press", "body" },
		{ "site", "background_de" }, { "site", "imprint_de" }, { "site", "privacy_de" },
		{ "edition", "review_de" }, { "edition", "next_de" },
	};
	char sql[256];
	long long with_text = 0;
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		const char *t = cols[i][0], *c = cols[i][1];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s_md <> '' AND %s_html = ''", t, c, c);
		assert_int_equal(query_int(sql), 0);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s_md = '' AND %s_html <> ''", t, c, c);
		assert_int_equal(query_int(sql), 0);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s_html LIKE '%%<script%%'"
				" OR %s_html LIKE '%%<!--%%' OR %s_md LIKE '<!--%%'", t, c, c, c);
		assert_int_equal(query_int(sql), 0);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s_md <> ''", t, c);
		with_text += query_int(sql);
	}
	assert_true(with_text >= 10);
}

/* The demo speaks German too: every text with an English version that the
 * German pages show has its own German one (so the German demo pages need
 * no English fallback), written for it, not the English copied. */
static void german_texts(void **state)
{
	(void)state;
	assert_int_equal(query_int("SELECT count(*) FROM site WHERE background_de_md <> ''"
			" AND imprint_de_md <> '' AND privacy_de_md <> ''"
			" AND contact_role_de = 'Projektmanagement DigiMed Bayern'"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM edition WHERE review_md <> ''"
			" AND (review_de_md = '' OR review_de_md = review_md OR summary_de = '')"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM edition WHERE next_md <> '' AND next_de_md = ''"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM photo WHERE alt_de = '' OR caption_de = ''"
			" OR alt_de = alt"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM video WHERE title_de = ''"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM edition WHERE year = 2023"
			" AND review_de_html LIKE '%<strong>DigiMed Bayern Secure Cloud</strong>%'"), 1);
}

/* A talk keeps its speaker's title: the source gives the 2023 talks no
 * German titles, so the demo invents none - neither for the talks nor
 * for the sessions named after them (the German pages show the English
 * titles, marked lang="en").  The sessions of the day that are no talk
 * have their German titles. */
static void talk_titles_not_translated(void **state)
{
	(void)state;
	assert_true(query_int("SELECT count(*) FROM presentation") >= 2);
	assert_int_equal(query_int("SELECT count(*) FROM presentation WHERE title_de <> ''"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM programme_session s JOIN presentation t"
			" ON t.id = s.presentation_id WHERE s.title = t.title"), 2);
	assert_int_equal(query_int("SELECT count(*) FROM programme_session s JOIN presentation t"
			" ON t.id = s.presentation_id WHERE s.title_de <> ''"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM programme_session"
			" WHERE presentation_id IS NULL AND title_de = ''"), 0);
}

static void press_releases(void **state)
{
	(void)state;
	assert_int_equal(query_int("SELECT count(*) FROM press p JOIN edition e ON e.id = p.edition_id"
			" WHERE e.year = 2023 AND p.released = '2023-12-06'"), 2);
	assert_int_equal(query_int("SELECT count(*) FROM press WHERE lang = 'de'"
			" AND body_html LIKE '%Gesundheitsdaten%' AND body_html LIKE '%Schunkert%'"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM press WHERE lang = 'en'"
			" AND body_html LIKE '%EHDS%' AND body_html LIKE '%Wiehler%'"
			" AND body_html LIKE '%<h2>%'"), 1);
	/* The edition has the one press photo (not in the gallery, its credit
	 * its own); each release has its caption. */
	assert_int_equal(query_int("SELECT count(*) FROM edition e JOIN photo f"
			" ON f.id = e.press_photo_id WHERE e.year = 2023 AND f.in_gallery = 0"
			" AND f.credit <> '' AND f.orig_id IS NOT NULL"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM press p JOIN edition e ON e.id = p.edition_id"
			" WHERE e.year = 2023 AND p.photo_caption <> ''"), 2);
	assert_int_equal(report.press, 2);
}

/* The slides: stored by hash, linked as talks/YEAR-SLUG.pdf, and the page
 * count in the row is what the file has. */
static void presentation_pdfs(void **state)
{
	(void)state;
	sqlite3_stmt *st;
	int rows = 0, first_pages = 0, varied = 0;
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT e.year, p.slug, m.path, m.pages, m.bytes, m.mime FROM presentation p"
		" JOIN edition e ON e.id = p.edition_id JOIN media m ON m.id = p.media_id"
		" ORDER BY p.position", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char file[256], link[256], err[128];
		struct stat a, b;
		int pages = 0;
		path_in(file, sizeof file, vardir, "media/");
		strcat(file, (const char *)sqlite3_column_text(st, 2));
		snprintf(link, sizeof link, "%s/media/talks/%d-%s.pdf", vardir,
				sqlite3_column_int(st, 0), sqlite3_column_text(st, 1));
		assert_int_equal(stat(file, &a), 0);
		assert_int_equal(stat(link, &b), 0);
		assert_true(a.st_ino == b.st_ino);
		assert_int_equal(a.st_size, sqlite3_column_int64(st, 4));
		assert_string_equal((const char *)sqlite3_column_text(st, 5), "application/pdf");
		assert_int_equal(pdf_check(link, &pages, err, sizeof err), 0);
		assert_int_equal(pages, sqlite3_column_int(st, 3));
		if (rows++ == 0)
			first_pages = pages;
		else if (pages != first_pages)
			varied = 1;
	}
	sqlite3_finalize(st);
	assert_int_equal(rows, 2);
	assert_true(varied);
	assert_int_equal(query_int("SELECT count(*) FROM presentation WHERE media_id IS NULL"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM media WHERE mime = 'application/pdf'"
			" AND pages IN (18, 11)"), 2);
}

static void check_media_file(long long id)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT path, sha256, bytes, width, height, mime FROM media WHERE id = ?1",
		-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char file[256];
	path_in(file, sizeof file, vardir, "media/");
	strcat(file, (const char *)sqlite3_column_text(st, 0));
	assert_string_equal((const char *)sqlite3_column_text(st, 5), "image/jpeg");
	assert_true(sqlite3_column_int(st, 3) > 0 && sqlite3_column_int(st, 4) > 0);

	/* The name is the content's SHA-256. */
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	crypto_hash_sha256_state h;
	unsigned char chunk[8192], sum[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	size_t n, total = 0;
	crypto_hash_sha256_init(&h);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		crypto_hash_sha256_update(&h, chunk, n);
		total += n;
	}
	fclose(f);
	crypto_hash_sha256_final(&h, sum);
	sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
	assert_string_equal(hex, (const char *)sqlite3_column_text(st, 1));
	assert_int_equal((long long)total, sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
}

static void gallery_photos(void **state)
{
	(void)state;
	long long n = query_int("SELECT count(*) FROM photo p JOIN edition e ON e.id = p.edition_id"
			" WHERE e.year = 2023 AND p.in_gallery = 1 AND p.credit = 'Fotorechte: BioM'"
			" AND p.alt <> '' AND p.caption <> ''");
	assert_true(n >= 9 && n <= 12);
	assert_int_equal(query_int("SELECT count(*) FROM photo"), n + 1);
	assert_int_equal(report.photos, n + 1);
	/* The sizes the import promises. */
	assert_int_equal(query_int("SELECT count(*) FROM photo p JOIN media t ON t.id = p.thumb_id"
			" JOIN media w ON w.id = p.web_id WHERE max(t.width, t.height) <= 480"
			" AND max(w.width, w.height) <= 1600 AND w.width > t.width"), n + 1);

	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT thumb_id, web_id FROM photo",
			-1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		check_media_file(sqlite3_column_int64(st, 0));
		check_media_file(sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
}

static void video_link(void **state)
{
	(void)state;
	assert_int_equal(query_int("SELECT count(*) FROM video v JOIN edition e ON e.id = v.edition_id"
			" WHERE e.year = 2023 AND v.url LIKE 'https://www.youtube.com/%'"), 1);
}

static void no_tmp_leftovers(void **state)
{
	(void)state;
	char p[128];
	path_in(p, sizeof p, vardir, "media/tmp");
	assert_int_equal(count_entries(p, ""), 0);
	assert_int_equal(count_entries(vardir, "site.db.tmp"), 0);
}

static void second_init_is_harmless(void **state)
{
	(void)state;
	char p[128], err[256] = "";
	struct stat before, after;
	struct demo_report r;
	path_in(p, sizeof p, vardir, "site.db");
	assert_int_equal(stat(p, &before), 0);
	long long media = query_int("SELECT count(*) FROM media");

	assert_int_equal(demo_init(vardir, schema_path(), content_path(), &r, err, sizeof err), 1);
	assert_int_equal(stat(p, &after), 0);
	assert_true(before.st_ino == after.st_ino);
	assert_true(before.st_size == after.st_size);
	assert_true(before.st_mtime == after.st_mtime);
	assert_int_equal(query_int("SELECT count(*) FROM media"), media);
	assert_int_equal(r.media, 0);
	assert_int_equal(count_entries(vardir, "site.db.tmp"), 0);
}

/* ---- other sites ---- */

/* The first row's one column of sql in the site made in dir: want. */
static void assert_site_row(const char *dir, const char *sql, const char *want)
{
	char p[128];
	sqlite3 *e;
	sqlite3_stmt *st;
	path_in(p, sizeof p, dir, "site.db");
	assert_int_equal(sqlite3_open_v2(p, &e, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(e, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
	sqlite3_close(e);
}

static void empty_site(void **state)
{
	(void)state;
	char dir[64], err[256] = "";
	struct demo_report r;
	fresh_dir(dir);
	assert_int_equal(demo_init(dir, schema_path(), NULL, &r, err, sizeof err), 0);
	assert_site_row(dir, "SELECT name || '|' || (SELECT count(*) FROM edition) FROM site",
			DEMO_EMPTY_NAME "|0");
	parent_of(dir);
	remove_tree(dir);
}

/* A fresh site directory, and xml as a content file beside it. */
static void content_file(char dir[64], char file[128], const char *xml)
{
	fresh_dir(dir);
	strcpy(file, dir);
	parent_of(file);
	strcat(file, "/content.xml");
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs(xml, f);
	fclose(f);
}

/* A content file that fails half way: no database, no temp files. */
static void expect_failure(const char *xml, const char *schema, const char *want_err)
{
	char dir[64], file[128], err[256] = "";
	struct demo_report r;
	content_file(dir, file, xml);

	assert_int_equal(demo_init(dir, schema, file, &r, err, sizeof err), -1);
	if (!strstr(err, want_err))
		fail_msg("error \"%s\" does not mention \"%s\"", err, want_err);
	assert_int_equal(count_entries(dir, "site.db"), 0);
	char tmp[128];
	path_in(tmp, sizeof tmp, dir, "media/tmp");
	assert_int_equal(count_entries(tmp, ""), 0);
	parent_of(dir);
	remove_tree(dir);
}

#define SITE_XML "<demo><site><name>S</name></site>"

/* A talk's <title-de>, where a site's content has one, is its German
 * title; the slug stays the English title's. */
static void talk_german_title_from_content(void **state)
{
	(void)state;
	char dir[64], file[128], err[256] = "";
	struct demo_report r;
	content_file(dir, file, SITE_XML "<edition year=\"2023\" published=\"1\"><title>T</title>"
		"<presentation slug=\"cloud\" pages=\"1\"><title>The cloud</title>"
		"<title-de>Die Wolke</title-de><speakers>s</speakers></presentation></edition></demo>");
	assert_int_equal(demo_init(dir, schema_path(), file, &r, err, sizeof err), 0);
	assert_site_row(dir, "SELECT title || '|' || title_de || '|' || slug FROM presentation",
			"The cloud|Die Wolke|cloud");
	parent_of(dir);
	remove_tree(dir);
}

static void malformed_content_creates_nothing(void **state)
{
	(void)state;
	expect_failure("<demo><site><name>S</name></demo>", schema_path(), "content.xml");
}

static void bad_row_creates_nothing(void **state)
{
	(void)state;
	/* The slug breaks the schema's CHECK after a PDF was made. */
	expect_failure(SITE_XML "<edition year=\"2023\" published=\"1\"><title>T</title>"
		"<presentation slug=\"-bad\" pages=\"2\"><title>t</title><speakers>s</speakers>"
		"</presentation></edition></demo>", schema_path(), "presentation");
	expect_failure(SITE_XML "<edition year=\"1800\"><title>T</title></edition></demo>",
		schema_path(), "edition");
	expect_failure(SITE_XML "<edition year=\"2023\"><title>T</title>"
		"<gallery><photo seed=\"1\" width=\"64\" height=\"48\"/></gallery></edition></demo>",
		schema_path(), "alt");
}

static void missing_schema_creates_nothing(void **state)
{
	(void)state;
	expect_failure(SITE_XML "</demo>", "/nonexistent/schema.sql", "/nonexistent/schema.sql");
}

/* ---- dedent ---- */

static void dedent(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "\n    a\n      b\n\n    c\n  ", "a\n  b\n\nc" },
		{ "a\n  b", "a\n  b" },
		{ "  \n \n", "" },
		{ "\n\t\tx\n\t\t- y\n", "x\n- y" },
		{ "\n      code?\n    text", "  code?\ntext" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = demo_dedent(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(creates_the_directories),
		cmocka_unit_test(schema_version_and_wal),
		cmocka_unit_test(the_editions),
		cmocka_unit_test(html_columns_rendered),
		cmocka_unit_test(german_texts),
		cmocka_unit_test(press_releases),
		cmocka_unit_test(talk_titles_not_translated),
		cmocka_unit_test(talk_german_title_from_content),
		cmocka_unit_test(presentation_pdfs),
		cmocka_unit_test(gallery_photos),
		cmocka_unit_test(video_link),
		cmocka_unit_test(no_tmp_leftovers),
		cmocka_unit_test(second_init_is_harmless),
		cmocka_unit_test(empty_site),
		cmocka_unit_test(malformed_content_creates_nothing),
		cmocka_unit_test(bad_row_creates_nothing),
		cmocka_unit_test(missing_schema_creates_nothing),
		cmocka_unit_test(dedent),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
