/* Tests for lib/links.c: the media tree of a real temporary site follows
 * the database - the talk-link rule, stored files in the served tree or
 * the private store, idempotence, healing what a crash left, orphans and
 * the purge. */
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
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "db_admin.h"
#include "db_links.h"
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
		db_admin_media(&mf, "application/pdf", 1, T0), NULL };
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

/* Where the stored file of talk(..., hex) lies: "public" (media/),
 * "private" (the private store), "both" or "none". */
static const char *file_state(char hex, const char *ext)
{
	char a[PATH_MAX], b[PATH_MAX], name[80];
	struct stat st;
	snprintf(name, sizeof name, "%c%c/%.*s%s", hex, hex, 0, "", "");
	memset(name + 3, hex, 64);
	snprintf(name + 67, sizeof name - 67, ".%s", ext);
	snprintf(a, sizeof a, "%s/%s", root, name);
	snprintf(b, sizeof b, "%s/private/%s", dir, name);
	int pub = lstat(a, &st) == 0, priv = lstat(b, &st) == 0;
	return pub && priv ? "both" : pub ? "public" : priv ? "private" : "none";
}

static void test_link_follows_publication(void **state)
{
	(void)state;
	long long ed = edition(2040, 0);
	assert_true(talk(ed, "keynote", 'a') > 0);
	assert_true(links_reconcile_edition(root, ed) > 0);
	assert_string_equal(link_state("2040-keynote.pdf"), "none");
	assert_string_equal(file_state('a', "pdf"), "private");
	assert_int_equal(edition(2040, 1), ed);
	assert_int_equal(links_reconcile_edition(root, ed), 2);
	assert_string_equal(link_state("2040-keynote.pdf"), "file");
	assert_string_equal(file_state('a', "pdf"), "public");
	/* a second pass changes nothing */
	assert_int_equal(links_reconcile_edition(root, ed), 0);
	assert_int_equal(edition(2040, 0), ed);
	assert_int_equal(links_reconcile_edition(root, ed), 2);
	assert_string_equal(link_state("2040-keynote.pdf"), "none");
	assert_string_equal(file_state('a', "pdf"), "private");
}

static void test_trash_removes_link_and_file(void **state)
{
	(void)state;
	long long ed = edition(2041, 1);
	long long id = talk(ed, "gone", 'b');
	assert_true(id > 0);
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_string_equal(link_state("2041-gone.pdf"), "file");
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, id, T0), DB_FOUND);
	assert_int_equal(links_reconcile_edition(root, ed), 2);
	assert_string_equal(link_state("2041-gone.pdf"), "none");
	assert_string_equal(file_state('b', "pdf"), "private");
	assert_int_equal(db_admin_restore(DB_ADMIN_PRESENTATION, id), DB_FOUND);
	assert_int_equal(links_reconcile_edition(root, ed), 2);
	assert_string_equal(link_state("2041-gone.pdf"), "file");
	assert_string_equal(file_state('b', "pdf"), "public");
}

/* The slides ZIP: there exactly while the edition is published and has a
 * live talk with slides, holding those; check's rule agrees. */
static void test_slides_zip_follows_talks(void **state)
{
	char rel[128];
	(void)state;
	long long ed = edition(2042, 0);
	long long a = talk(ed, "first", '5'), b = talk(ed, "second", '6');
	assert_true(a > 0 && b > 0);
	links_reconcile_edition(root, ed);
	assert_string_equal(link_state("2042-slides.zip"), "none");
	assert_int_equal(links_slides_zip(ed, rel, sizeof rel), 0);
	assert_int_equal(edition(2042, 1), ed);
	assert_true(links_reconcile_edition(root, ed) > 0);
	assert_string_equal(link_state("2042-slides.zip"), "other");
	assert_int_equal(links_slides_zip(ed, rel, sizeof rel), 1);
	assert_string_equal(rel, "talks/2042-slides.zip");
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, a, T0), DB_FOUND);
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, b, T0), DB_FOUND);
	links_reconcile_edition(root, ed);
	assert_string_equal(link_state("2042-slides.zip"), "none");
	assert_int_equal(links_slides_zip(ed, rel, sizeof rel), 0);
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
	assert_true(links_reconcile_all(root) > 0);
	assert_string_equal(link_state("2042-one.pdf"), "file");
	assert_string_equal(link_state("2043-two.pdf"), "file");
	assert_string_equal(link_state("2041-gone.pdf"), "none");
	assert_string_equal(file_state('b', "pdf"), "private");
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

/* The same bytes uploaded again land in media/ while a private copy
 * exists: the copy in the wrong tree goes. */
static void test_duplicate_copy_removed(void **state)
{
	(void)state;
	long long ed = edition(2045, 0);
	assert_true(talk(ed, "twice", '1') > 0);
	assert_true(links_reconcile_edition(root, ed) > 0);
	assert_string_equal(file_state('1', "pdf"), "private");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/11/", root);
	memset(path + strlen(path), '1', 64);
	strcpy(path + strlen(root) + 4 + 64, ".pdf");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_string_equal(file_state('1', "pdf"), "both");
	assert_int_equal(links_reconcile_edition(root, ed), 1);
	assert_string_equal(file_state('1', "pdf"), "private");
}

/* A file no row names (stored, then the worker died before its commit). */
static void orphan(char hex)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%c%c", root, hex, hex);
	mkdir(path, 0755);
	snprintf(path + strlen(path), sizeof path - strlen(path), "/");
	memset(path + strlen(path), hex, 64);
	strcpy(path + strlen(root) + 4 + 64, ".jpg");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

/* Orphans go at the next full pass, but not while another process is
 * between storing and committing (it holds the writers' lock). */
static void test_orphans_swept_unless_a_writer_is_busy(void **state)
{
	(void)state;
	int go[2], ready[2];
	char c = 0;
	orphan('f');
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = links_writer_enter(root);
		(void)!write(ready[1], fd >= 0 ? "y" : "n", 1);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	assert_int_equal(links_reconcile_all(root), 0);
	assert_string_equal(file_state('f', "jpg"), "public");
	assert_int_equal(write(go[1], "x", 1), 1);
	waitpid(pid, NULL, 0);
	assert_int_equal(links_reconcile_all(root), 1);
	assert_string_equal(file_state('f', "jpg"), "none");
}

/* An admin worker's start: a whole pass only when the database asks for
 * something else than the last whole pass made (its mark).  A link
 * removed by hand is not noticed while nothing changes - no file is
 * looked at - and healed by the next pass a change brings; a cleared
 * mark (a worker died) brings one too. */
static void test_start_passes_only_after_a_change(void **state)
{
	(void)state;
	char unlinked[PATH_MAX];
	long long ed = edition(2046, 1);
	assert_true(talk(ed, "marked", '7') > 0);
	assert_true(links_reconcile_all(root) >= 0);
	assert_string_equal(link_state("2046-marked.pdf"), "file");
	assert_int_equal(links_reconcile_start(root), 0);
	snprintf(unlinked, sizeof unlinked, "%s/talks/2046-marked.pdf", root);
	assert_int_equal(unlink(unlinked), 0);
	assert_int_equal(links_reconcile_start(root), 0);
	assert_string_equal(link_state("2046-marked.pdf"), "none");
	assert_true(talk(ed, "second", '8') > 0);          /* a change, by any writer */
	assert_int_equal(links_reconcile_start(root), 2);
	assert_string_equal(link_state("2046-marked.pdf"), "file");
	assert_string_equal(link_state("2046-second.pdf"), "file");
	assert_int_equal(links_reconcile_start(root), 0);
	assert_int_equal(unlink(unlinked), 0);
	links_mark_clear(root);
	assert_int_equal(links_reconcile_start(root), 1);
	assert_string_equal(link_state("2046-marked.pdf"), "file");
}

/* A purge removes the row and hands back the files only it used. */
static int note(void *ctx, const char *path)
{
	snprintf(ctx, 128, "%s", path);
	return 0;
}

static void test_purge_only_from_trash(void **state)
{
	(void)state;
	long long ed = edition(2046, 1);
	long long id = talk(ed, "purged", '2');
	char got[128] = "";
	assert_int_equal(db_links_purge(DB_ADMIN_PRESENTATION, id, note, got), DB_MISSING);
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, id, T0), DB_FOUND);
	assert_int_equal(db_links_purge(DB_ADMIN_PRESENTATION, id, note, got), DB_FOUND);
	assert_int_equal(strncmp(got, "22/2222", 7), 0);
	assert_int_equal(db_links_media_known(got), DB_MISSING);
	assert_int_equal(links_remove_stored(root, got), 0);
	assert_string_equal(file_state('2', "pdf"), "none");
	assert_int_equal(db_links_purge(DB_ADMIN_PRESENTATION, id, note, got), DB_MISSING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_follows_publication),
		cmocka_unit_test(test_trash_removes_link_and_file),
		cmocka_unit_test(test_slides_zip_follows_talks),
		cmocka_unit_test(test_all_heals_every_edition),
		cmocka_unit_test(test_inside_transaction),
		cmocka_unit_test(test_duplicate_copy_removed),
		cmocka_unit_test(test_orphans_swept_unless_a_writer_is_busy),
		cmocka_unit_test(test_start_passes_only_after_a_change),
		cmocka_unit_test(test_purge_only_from_trash),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
