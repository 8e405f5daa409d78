/* Tests for lib/links.c: the media tree of a real temporary site follows
 * the database - the talk-link rule, idempotence, and healing a state a
 * crash between commit and links left. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "db_admin.h"
#include "links.h"
#include "testdb.h"

#define T0 ((time_t)1700000000)

static char dir[] = "/tmp/test_links.XXXXXX";
static char dbpath[sizeof dir + 16];
static char root[sizeof dir + 16];

static int group_setup(void **state)
{
	(void)state;
	if (testdb_create(dir, dbpath, sizeof dbpath, "INSERT INTO site"
			  " (id, name, changed_at) VALUES (1, 'Test', 1000)") < 0)
		return -1;
	snprintf(root, sizeof root, "%s/media", dir);
	if (mkdir(root, 0755) < 0)
		return -1;
	return db_open(dbpath, DB_READWRITE);
}

static int group_teardown(void **state)
{
	(void)state;
	db_close();
	return testdb_remove(dir);
}

static long long edition(int year, int published)
{
	struct db_admin_edition e = { .year = year, .title = "Symposium",
		.starts = "", .ends = "", .review_md = "", .review_html = "",
		.next_md = "", .next_html = "", .published = published };
	long long id = db_admin_edition_id(year);
	if (id > 0)
		return db_admin_edition_update(&e) == DB_FOUND ? id : -1;
	return db_admin_edition_add(&e);
}

/* A stored PDF (its file really there) and a talk using it. */
static long long talk(long long ed, const char *slug, char hex)
{
	struct store_file mf = { .bytes = 4 };
	char path[PATH_MAX];
	memset(mf.sha256, hex, STORE_HEX_LEN);
	snprintf(mf.path, sizeof mf.path, "%c%c/%.64s.pdf", hex, hex, mf.sha256);
	snprintf(path, sizeof path, "%s/%c%c", root, hex, hex);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%s", root, mf.path);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("%PDF", f);
	fclose(f);
	struct db_admin_talk t = { ed, slug, slug, "Dr. B", "",
		db_admin_media(&mf, "application/pdf", 1, T0) };
	return db_admin_presentation_add(&t, T0);
}

/* What root/talks/name is: "none", "file" (a link to the stored file) or
 * "other". */
static const char *link_state(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof path, "%s/talks/%s", root, name);
	if (lstat(path, &st) < 0)
		return "none";
	return S_ISLNK(st.st_mode) && stat(path, &st) == 0 ? "file" : "other";
}

static void test_link_follows_publication(void **state)
{
	(void)state;
	long long ed = edition(2040, 0);
	assert_true(talk(ed, "keynote", 'a') > 0);
	assert_int_equal(links_reconcile_edition(root, ed), 0);
	assert_string_equal(link_state("2040-keynote.pdf"), "none");
	assert_int_equal(edition(2040, 1), ed);
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_string_equal(link_state("2040-keynote.pdf"), "file");
	/* a second pass changes nothing */
	assert_int_equal(links_reconcile_edition(root, ed), 0);
	assert_int_equal(edition(2040, 0), ed);
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_string_equal(link_state("2040-keynote.pdf"), "none");
}

static void test_trash_removes_link(void **state)
{
	(void)state;
	long long ed = edition(2041, 1);
	long long id = talk(ed, "gone", 'b');
	assert_true(id > 0);
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_string_equal(link_state("2041-gone.pdf"), "file");
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, id, T0), DB_FOUND);
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_string_equal(link_state("2041-gone.pdf"), "none");
	assert_int_equal(db_admin_restore(DB_ADMIN_PRESENTATION, id), DB_FOUND);
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_string_equal(link_state("2041-gone.pdf"), "file");
}

/* Commits whose links were never made (a crash): one pass over all
 * editions makes every link the database asks for, and removes those it
 * does not. */
static void test_all_heals_every_edition(void **state)
{
	(void)state;
	long long a = edition(2042, 1), b = edition(2043, 1);
	assert_true(talk(a, "one", 'c') > 0);
	assert_true(talk(b, "two", 'd') > 0);
	assert_int_equal(edition(2041, 0), db_admin_edition_id(2041));
	assert_int_equal(links_reconcile_all(root), 3);
	assert_string_equal(link_state("2042-one.pdf"), "file");
	assert_string_equal(link_state("2043-two.pdf"), "file");
	assert_string_equal(link_state("2041-gone.pdf"), "none");
	assert_int_equal(links_reconcile_all(root), 0);
}

/* Inside the caller's transaction it uses that one (no nested BEGIN). */
static void test_inside_transaction(void **state)
{
	(void)state;
	assert_int_equal(db_begin(), 0);
	long long ed = edition(2044, 1);
	assert_true(talk(ed, "inner", 'e') > 0);
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_int_equal(db_commit(), 0);
	assert_string_equal(link_state("2044-inner.pdf"), "file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_follows_publication),
		cmocka_unit_test(test_trash_removes_link),
		cmocka_unit_test(test_all_heals_every_edition),
		cmocka_unit_test(test_inside_transaction),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
