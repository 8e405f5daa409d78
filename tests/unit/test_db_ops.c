/* db_ops: the operator commands' queries on a real database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db.h"
#include "db_ops.h"
#include "ops_fixture.h"

static struct ops_site site;

static int setup(void **state)
{
	(void)state;
	if (ops_site_make(&site, "test_db_ops") < 0)
		return -1;
	return db_open(site.db, DB_READWRITE);
}

static int teardown(void **state)
{
	(void)state;
	db_close();
	ops_site_remove(&site);
	return 0;
}

static int count(void *ctx, const char *const *col)
{
	(void)col;
	++*(int *)ctx;
	return 0;
}

static void snapshot_is_a_whole_database(void **state)
{
	(void)state;
	char snap[TREE_PATH_MAX];
	int n = 0;
	ops_join(snap, site.dir, "snap.db");
	assert_int_equal(db_ops_snapshot(snap), 0);
	db_close();
	assert_int_equal(db_open(snap, DB_READONLY), 0);
	assert_int_equal(db_ops_media(count, &n), 3);
	assert_int_equal(n, 3);
	db_close();
	assert_int_equal(db_open(site.db, DB_READWRITE), 0);
}

static void sound_database_has_no_integrity_or_key_rows(void **state)
{
	(void)state;
	int n = 0;
	assert_int_equal(db_ops_integrity(count, &n), 0);
	assert_int_equal(db_ops_foreign_keys(count, &n), 0);
	assert_int_equal(n, 0);
}

static int first_path(void *ctx, const char *const *col)
{
	snprintf(ctx, 128, "%s", col[1]);
	return 0;
}

static void unused_media_and_delete(void **state)
{
	(void)state;
	char path[128] = "";
	assert_int_equal(db_ops_unused_media(2000, first_path, path), 0);
	assert_int_equal(ops_sql(site.db, "UPDATE presentation SET media_id = NULL"), 0);
	/* Too young: created at 1000, asked for rows before 500. */
	assert_int_equal(db_ops_unused_media(500, first_path, path), 0);
	assert_int_equal(db_ops_unused_media(2000, first_path, path), 1);
	assert_string_equal(path, site.pdf.path);
	assert_int_equal(db_ops_media_delete(1), 1);
	/* A row a photo uses: the foreign key refuses. */
	assert_int_equal(db_ops_media_delete(2), 0);
}

static void published_years_newest_first(void **state)
{
	(void)state;
	int n = 0;
	assert_int_equal(ops_sql(site.db, "INSERT INTO edition (year, title, published)"
		" VALUES (2024, 'S', 1), (2025, 'Hidden', 0)"), 0);
	assert_int_equal(db_ops_published_years(count, &n), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(snapshot_is_a_whole_database),
		T(sound_database_has_no_integrity_or_key_rows),
		T(unused_media_and_delete),
		T(published_years_newest_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
