/* Tests for lib/slides_zip.c: the entries, their order, names and
 * storage, identical bytes for identical content, the atomic replace, and
 * that a failure leaves the old file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "slides_zip.h"
#include "store.h"

static char dir[] = "/tmp/test_slides_zip.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* dir/name holding text; its path in e->path, the entry name in e->name. */
static void source(struct slides_zip_entry *e, const char *name, const char *text)
{
	snprintf(e->name, sizeof e->name, "%s", name);
	snprintf(e->path, sizeof e->path, "%s/src-%s", dir, name);
	FILE *f = fopen(e->path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static size_t read_all(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t k = fread(out, 1, n, f);
	fclose(f);
	return k;
}

static void test_entries_in_order_stored(void **state)
{
	struct slides_zip_entry e[3];
	char dest[256], got[64];
	(void)state;
	source(&e[0], "01-zeta.pdf", "%PDF-zeta");
	source(&e[1], "02-alpha.pdf", "%PDF-alpha, a little longer");
	source(&e[2], "03-mid.pdf", "%PDF-mid");
	path_of(dest, sizeof dest, "a.zip");
	assert_int_equal(slides_zip_write(dest, e, 3), 1);
	int err;
	zip_t *z = zip_open(dest, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	assert_non_null(z);
	assert_int_equal(zip_get_num_entries(z, 0), 3);
	for (zip_uint64_t i = 0; i < 3; i++) {
		zip_stat_t st;
		char want[64];
		assert_int_equal(zip_stat_index(z, i, 0, &st), 0);
		assert_string_equal(st.name, e[i].name);
		assert_int_equal(st.comp_method, ZIP_CM_STORE);
		size_t n = read_all(e[i].path, want, sizeof want);
		assert_int_equal(st.size, n);
		zip_file_t *f = zip_fopen_index(z, i, 0);
		assert_non_null(f);
		assert_int_equal(zip_fread(f, got, sizeof got), (zip_int64_t)n);
		assert_memory_equal(got, want, n);
		zip_fclose(f);
	}
	zip_close(z);
}

/* Same names and bytes, files written at other times: the same archive. */
static void test_identical_content_identical_bytes(void **state)
{
	struct slides_zip_entry e[2];
	char a[256], b[256], x[4096], y[4096];
	(void)state;
	source(&e[0], "01-one.pdf", "%PDF-one");
	source(&e[1], "02-two.pdf", "%PDF-two");
	path_of(a, sizeof a, "b1.zip");
	assert_int_equal(slides_zip_write(a, e, 2), 1);
	struct timespec later[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, e[0].path, later, 0), 0);
	path_of(b, sizeof b, "b2.zip");
	assert_int_equal(slides_zip_write(b, e, 2), 1);
	size_t na = read_all(a, x, sizeof x), nb = read_all(b, y, sizeof y);
	assert_int_equal(na, nb);
	assert_memory_equal(x, y, na);
	/* rewriting the same content leaves the file alone */
	struct stat s1, s2;
	assert_int_equal(stat(a, &s1), 0);
	assert_int_equal(slides_zip_write(a, e, 2), 0);
	assert_int_equal(stat(a, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino);
}

/* The entries as they were (a change elsewhere in the edition, such as a
 * caption): the archive is known by its comment and not rebuilt - not a
 * PDF is read (a source changed in place, which stored files never are,
 * goes unseen).  A talk renamed, reordered or given other slides: rebuilt. */
static void test_rebuilt_only_when_the_talks_change(void **state)
{
	struct slides_zip_entry e[2];
	char dest[256], x[4096], y[4096];
	struct stat s1, s2;
	(void)state;
	source(&e[0], "01-keep.pdf", "%PDF-keep");
	source(&e[1], "02-also.pdf", "%PDF-also");
	path_of(dest, sizeof dest, "f.zip");
	assert_int_equal(slides_zip_write(dest, e, 2), 1);
	size_t n = read_all(dest, x, sizeof x);
	assert_int_equal(stat(dest, &s1), 0);
	source(&e[0], "01-keep.pdf", "%PDF-KEEP");      /* same name, path, size */
	assert_int_equal(slides_zip_write(dest, e, 2), 0);
	assert_int_equal(stat(dest, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino);
	assert_int_equal(read_all(dest, y, sizeof y), n);
	assert_memory_equal(x, y, n);
	snprintf(e[1].name, sizeof e[1].name, "02-renamed.pdf");
	assert_int_equal(slides_zip_write(dest, e, 2), 1);
	assert_int_equal(stat(dest, &s2), 0);
	assert_true(s1.st_ino != s2.st_ino);
	struct slides_zip_entry swapped[2] = { e[1], e[0] };
	assert_int_equal(slides_zip_write(dest, swapped, 2), 1);
	source(&e[1], "02-other.pdf", "%PDF-other");      /* new slides: another file */
	assert_int_equal(slides_zip_write(dest, e, 2), 1);
	int err;
	zip_t *z = zip_open(dest, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	assert_non_null(z);
	assert_string_equal(zip_get_name(z, 1, 0), "02-other.pdf");
	zip_close(z);
}

static int temp_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)))
		n += strncmp(de->d_name, STORE_LINK_TMP, strlen(STORE_LINK_TMP)) == 0;
	closedir(d);
	return n;
}

/* A reader holding the old file keeps reading it whole; the name gets the
 * new archive at once, and no temporary file stays behind. */
static void test_replace_is_atomic(void **state)
{
	struct slides_zip_entry e[2];
	char dest[256], old[4096], again[4096];
	(void)state;
	source(&e[0], "01-first.pdf", "%PDF-first");
	source(&e[1], "02-second.pdf", "%PDF-second");
	path_of(dest, sizeof dest, "c.zip");
	assert_int_equal(slides_zip_write(dest, e, 2), 1);
	size_t n = read_all(dest, old, sizeof old);
	int fd = open(dest, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(slides_zip_write(dest, e, 1), 1);
	assert_int_equal(read(fd, again, sizeof again), (ssize_t)n);
	assert_memory_equal(again, old, n);
	close(fd);
	int err;
	zip_t *z = zip_open(dest, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	assert_non_null(z);
	assert_int_equal(zip_get_num_entries(z, 0), 1);
	zip_close(z);
	assert_int_equal(temp_files(), 0);
}

/* A source that cannot be read: an error, the old archive stays. */
static void test_failure_keeps_old(void **state)
{
	struct slides_zip_entry e[2];
	char dest[256], before[4096], after[4096];
	(void)state;
	source(&e[0], "01-kept.pdf", "%PDF-kept");
	path_of(dest, sizeof dest, "d.zip");
	assert_int_equal(slides_zip_write(dest, e, 1), 1);
	size_t n = read_all(dest, before, sizeof before);
	source(&e[1], "02-lost.pdf", "%PDF-lost");
	unlink(e[1].path);
	assert_int_equal(slides_zip_write(dest, e, 2), -1);
	assert_int_equal(read_all(dest, after, sizeof after), n);
	assert_memory_equal(after, before, n);
	assert_int_equal(temp_files(), 0);
}

static void test_no_entries_removes(void **state)
{
	struct slides_zip_entry e[1];
	char dest[256];
	struct stat st;
	(void)state;
	source(&e[0], "01-only.pdf", "%PDF-only");
	path_of(dest, sizeof dest, "e.zip");
	assert_int_equal(slides_zip_write(dest, e, 1), 1);
	assert_int_equal(slides_zip_write(dest, e, 0), 1);
	assert_true(stat(dest, &st) < 0);
	assert_int_equal(slides_zip_write(dest, e, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_in_order_stored),
		cmocka_unit_test(test_identical_content_identical_bytes),
		cmocka_unit_test(test_rebuilt_only_when_the_talks_change),
		cmocka_unit_test(test_replace_is_atomic),
		cmocka_unit_test(test_failure_keeps_old),
		cmocka_unit_test(test_no_entries_removes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
