/* check: each kind of disagreement between database and files is found,
 * and --repair fixes what it may and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "check.h"
#include "ops_fixture.h"

static struct ops_site site;
static char said[8192];

static void say(void *ctx, const char *line)
{
	(void)ctx;
	size_t n = strlen(said);
	snprintf(said + n, sizeof said - n, "%s\n", line);
}

static int run(int flags, struct check_report *r)
{
	said[0] = '\0';
	return check_run(site.db, flags, r, say, NULL);
}

/* Each test gets a fresh site with its talk link in place. */
static int setup(void **state)
{
	(void)state;
	struct check_report r;
	if (ops_site_make(&site, "test_check") < 0)
		return -1;
	return run(CHECK_REPAIR, &r) == 0 && r.repaired == 1 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ops_site_remove(&site);
	return 0;
}

static void media_file(const struct store_file *f, char out[TREE_PATH_MAX])
{
	ops_join(out, site.root, f->path);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void a_sound_site_passes(void **state)
{
	(void)state;
	struct check_report r;
	assert_int_equal(run(CHECK_HASHES, &r), 0);
	assert_int_equal(r.files, 3);
	assert_string_equal(said, "");
}

static void a_missing_file_is_found(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	media_file(&site.thumb, p);
	unlink(p);
	assert_int_equal(run(0, &r), 1);
	assert_int_equal(r.missing, 1);
	assert_non_null(strstr(said, site.thumb.path));
	/* Repair cannot bring it back. */
	assert_int_equal(run(CHECK_REPAIR, &r), 1);
}

static void a_wrong_size_is_found(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	media_file(&site.web, p);
	write_file(p, "short");
	assert_int_equal(run(0, &r), 1);
	assert_int_equal(r.wrong_size, 1);
}

static void altered_bytes_need_hashes(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	media_file(&site.thumb, p);
	write_file(p, "SMALL PHOTO");      /* the same length */
	assert_int_equal(run(0, &r), 0);
	assert_int_equal(run(CHECK_HASHES, &r), 1);
	assert_int_equal(r.wrong_hash, 1);
}

static void an_old_orphan_is_found_and_repaired(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	ops_join(p, site.root, "ab");
	mkdir(p, 0750);
	ops_join(p, site.root, "ab/stray.jpg");
	write_file(p, "stray");
	ops_age(p);
	assert_int_equal(run(0, &r), 1);
	assert_int_equal(r.orphan_files, 1);
	assert_non_null(strstr(said, "orphan: media/ab/stray.jpg"));
	assert_int_equal(run(CHECK_REPAIR, &r), 0);
	assert_int_equal(r.repaired, 1);
	assert_int_equal(access(p, F_OK), -1);
}

static void a_young_orphan_is_left_alone(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	ops_join(p, site.root, "young.jpg");
	write_file(p, "arriving");
	assert_int_equal(run(CHECK_REPAIR, &r), 0);
	assert_int_equal(r.young, 1);
	assert_int_equal(access(p, F_OK), 0);
}

static void temp_files_are_not_orphans(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	ops_join(p, site.root, "tmp/up-old");
	write_file(p, "partial");
	ops_age(p);
	assert_int_equal(run(0, &r), 0);
}

static void an_unused_row_is_removed_with_its_file(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	assert_int_equal(ops_sql(site.db, "UPDATE presentation SET media_id = NULL"), 0);
	/* The talk lost its slides: its link goes too. */
	assert_int_equal(run(0, &r), 2);
	assert_int_equal(r.unused_rows, 1);
	assert_int_equal(r.bad_links, 1);
	assert_int_equal(run(CHECK_REPAIR, &r), 0);
	assert_int_equal(r.repaired, 2);
	media_file(&site.pdf, p);
	assert_int_equal(access(p, F_OK), -1);
	ops_join(p, site.root, "talks/2023-keynote.pdf");
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(run(CHECK_HASHES, &r), 0);
}

static void a_missing_link_is_remade(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX], value[256];
	ops_join(p, site.root, "talks/2023-keynote.pdf");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(run(0, &r), 1);
	assert_non_null(strstr(said, "talks/2023-keynote.pdf"));
	assert_int_equal(run(CHECK_REPAIR, &r), 0);
	ssize_t n = readlink(p, value, sizeof value - 1);
	assert_true(n > 0);
	value[n] = '\0';
	assert_string_equal(value + 3, site.pdf.path);
}

static void an_unpublished_editions_link_must_go(void **state)
{
	(void)state;
	struct check_report r;
	assert_int_equal(ops_sql(site.db, "UPDATE edition SET published = 0"), 0);
	assert_int_equal(run(0, &r), 1);
	assert_int_equal(r.bad_links, 1);
	assert_int_equal(run(CHECK_REPAIR_LINKS, &r), 0);
	assert_int_equal(run(0, &r), 0);
}

/* Every link right, but a photo in the trash whose files still lie in
 * media/ (as a restored archive has them): a restore's repair moves them
 * to the private store. */
static void a_restore_takes_down_what_is_in_the_trash(void **state)
{
	(void)state;
	struct check_report r;
	char served[TREE_PATH_MAX], kept[TREE_PATH_MAX], rel[160];
	assert_int_equal(ops_sql(site.db, "UPDATE photo SET deleted_at = 1000"), 0);
	assert_int_equal(run(CHECK_REPAIR_LINKS, &r), 0);
	const struct store_file *fs[] = { &site.web, &site.thumb };
	for (int i = 0; i < 2; i++) {
		media_file(fs[i], served);
		snprintf(rel, sizeof rel, "private/%s", fs[i]->path);
		ops_path(&site, rel, kept);
		assert_int_equal(access(served, F_OK), -1);
		assert_int_equal(access(kept, F_OK), 0);
	}
	media_file(&site.pdf, served);
	assert_int_equal(access(served, F_OK), 0);
	assert_int_equal(run(CHECK_HASHES, &r), 0);
}

static void an_unknown_link_is_found(void **state)
{
	(void)state;
	struct check_report r;
	char p[TREE_PATH_MAX];
	ops_join(p, site.root, "talks/2019-gone.pdf");
	assert_int_equal(symlink("../nowhere.pdf", p), 0);
	ops_age(p);
	assert_int_equal(run(0, &r), 1);
	assert_non_null(strstr(said, "belongs to no presentation"));
	assert_int_equal(run(CHECK_REPAIR, &r), 0);
	errno = 0;
	struct stat st;
	assert_int_equal(lstat(p, &st), -1);
}

static void a_broken_foreign_key_is_found(void **state)
{
	(void)state;
	struct check_report r;
	assert_int_equal(ops_sql(site.db, "PRAGMA foreign_keys = OFF;"
		"INSERT INTO video (edition_id, position, title, url, created_at)"
		" VALUES (99, 1, 'x', 'https://example.org/', 1)"), 0);
	assert_int_equal(run(0, &r), 1);
	assert_int_equal(r.foreign_keys, 1);
	assert_non_null(strstr(said, "video"));
}

static void a_missing_database_cannot_be_checked(void **state)
{
	(void)state;
	struct check_report r;
	assert_int_equal(check_run("/nonexistent/site.db", 0, &r, NULL, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(a_sound_site_passes),
		T(a_missing_file_is_found),
		T(a_wrong_size_is_found),
		T(altered_bytes_need_hashes),
		T(an_old_orphan_is_found_and_repaired),
		T(a_young_orphan_is_left_alone),
		T(temp_files_are_not_orphans),
		T(an_unused_row_is_removed_with_its_file),
		T(a_missing_link_is_remade),
		T(a_restore_takes_down_what_is_in_the_trash),
		T(an_unpublished_editions_link_must_go),
		T(an_unknown_link_is_found),
		T(a_broken_foreign_key_is_found),
		T(a_missing_database_cannot_be_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
