/* Unit tests for lib/store.c: content-addressed storage, temp files,
 * links.  Every test works in its own directory under /tmp. */
#include "media_fixture.h"

/* ---- storage ---- */

static void test_store_names_by_sha256(void **state)
{
	struct fixture *f = *state;
	struct store_file m;
	struct buf b = BUF_INIT;

	assert_int_equal(store_bytes(f, "hello", "txt", &m), 0);
	assert_string_equal(m.sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e"
		"1b161e5c1fa7425e73043362938b9824");
	assert_string_equal(m.path, "2c/2cf24dba5fb0a30e26e83b2ac5b9e29e"
		"1b161e5c1fa7425e73043362938b9824.txt");
	assert_int_equal(m.bytes, 5);
	stored(f, &m, &b);
	assert_memory_equal(b.data, "hello", 5);
	buf_free(&b);
}

static void test_store_same_bytes_twice_is_one_file(void **state)
{
	struct fixture *f = *state;
	struct store_file a, b;

	assert_int_equal(store_bytes(f, "same content", "pdf", &a), 0);
	assert_int_equal(store_bytes(f, "same content", "pdf", &b), 0);
	assert_string_equal(a.path, b.path);
	assert_int_equal(count_entries(at(f, "tmp")), 0);
	a.path[2] = '\0';
	assert_int_equal(count_entries(at(f, a.path)), 1);
}

static void test_store_leaves_no_temp_files(void **state)
{
	struct fixture *f = *state;
	struct store_file m;

	assert_int_equal(store_bytes(f, "one", "jpg", &m), 0);
	assert_int_equal(store_bytes(f, "two", "BAD/EXT", &m), -1);
	assert_int_equal(count_entries(at(f, "tmp")), 0);
}

/* All or nothing: undoing a store leaves the tree as it was, including
 * the two-hex directory that store made, but not one that was there. */
static void test_unstore_removes_the_directory_it_made(void **state)
{
	struct fixture *f = *state;
	struct store_file m;
	char dir[3];

	assert_int_equal(store_bytes(f, "unstore me", "jpg", &m), 0);
	assert_int_equal(m.created, 2);
	snprintf(dir, sizeof dir, "%.2s", m.path);
	store_undo(f->root, &m);
	assert_int_equal(m.created, 0);
	assert_int_not_equal(access(at(f, dir), F_OK), 0);

	assert_int_equal(mkdir(at(f, dir), 0750), 0);
	assert_int_equal(store_bytes(f, "unstore me", "jpg", &m), 0);
	assert_int_equal(m.created, 1);
	store_undo(f->root, &m);
	assert_int_equal(access(at(f, dir), F_OK), 0);
	assert_int_equal(count_entries(at(f, dir)), 0);
}

static void test_store_refuses_file_outside_tmp(void **state)
{
	struct fixture *f = *state;
	struct store_file m;

	write_bytes(at(f, "elsewhere"), "x", 1);
	assert_int_equal(store_put(f->root, at(f, "elsewhere"), "txt", &m), -1);
}

/* Make path look last written `age` seconds ago. */
static void age_file(const char *path, time_t age)
{
	struct timespec t[2] = { { time(NULL) - age, 0 }, { time(NULL) - age, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_clean_tmp_removes_leftovers(void **state)
{
	struct fixture *f = *state;
	char path[STORE_PATH_MAX];
	int fd;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(store_tmp_open(f->root, &fd, path), 0);
		close(fd);
		age_file(path, STORE_TMP_STALE_SECONDS + 60);
	}
	assert_int_equal(store_clean_tmp(f->root), 2);
	assert_int_equal(count_entries(at(f, "tmp")), 0);
}

/* Under plain CGI or mod_fcgid every new process cleans up at start: an
 * upload a sibling is still receiving must survive that. */
static void test_clean_tmp_keeps_fresh_files(void **state)
{
	struct fixture *f = *state;
	char old[STORE_PATH_MAX], fresh[STORE_PATH_MAX];
	int fd;

	assert_int_equal(store_tmp_open(f->root, &fd, old), 0);
	close(fd);
	age_file(old, STORE_TMP_STALE_SECONDS + 60);
	assert_int_equal(store_tmp_open(f->root, &fd, fresh), 0);
	assert_int_equal(store_clean_tmp(f->root), 1);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(access(fresh, F_OK), 0);
	assert_int_not_equal(access(old, F_OK), 0);
}

/* A dead worker's temp files go at once, whatever their age; another
 * process's stay. */
static void test_clean_tmp_of_a_dead_process(void **state)
{
	struct fixture *f = *state;
	char mine[STORE_PATH_MAX], other[STORE_PATH_MAX + 32];
	int fd;

	assert_int_equal(store_tmp_open(f->root, &fd, mine), 0);
	close(fd);
	snprintf(other, sizeof other, "%s/tmp/" STORE_TMP_PREFIX "%ld-abcdef", f->root, (long)getpid() + 1);
	fd = open(other, O_CREAT | O_WRONLY, 0640);
	assert_true(fd >= 0);
	close(fd);
	/* and a slides ZIP it was writing in talks/ (libzip's own temp name
	 * after ours) */
	char zip[STORE_PATH_MAX + 64];
	snprintf(zip, sizeof zip, "%s/talks", f->root);
	mkdir(zip, 0750);
	snprintf(zip, sizeof zip, "%s/talks/" STORE_LINK_TMP "%ld-2023-slides.zip.Ab12Cd",
		 f->root, (long)getpid());
	fd = open(zip, O_CREAT | O_WRONLY, 0640);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(store_clean_tmp_of(f->root, (long)getpid()), 2);
	assert_int_not_equal(access(mine, F_OK), 0);
	assert_int_not_equal(access(zip, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	unlink(other);
}

static void test_tmp_file_mode_0640(void **state)
{
	struct fixture *f = *state;
	char path[STORE_PATH_MAX];
	struct stat st;
	int fd;

	assert_int_equal(store_tmp_open(f->root, &fd, path), 0);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	assert_int_equal(st.st_mode & 0777, 0640);
}

static void test_link_points_at_new_target(void **state)
{
	struct fixture *f = *state;
	struct store_file a, b;
	struct buf got = BUF_INIT;
	char value[256];
	ssize_t n;

	assert_int_equal(store_bytes(f, "first slides", "pdf", &a), 0);
	assert_int_equal(store_bytes(f, "second slides", "pdf", &b), 0);
	assert_int_equal(store_link(f->root, "talks/2023-keynote.pdf", a.path), 0);
	read_file(at(f, "talks/2023-keynote.pdf"), &got);
	assert_memory_equal(got.data, "first slides", 12);
	assert_int_equal(store_link(f->root, "talks/2023-keynote.pdf", b.path), 0);
	read_file(at(f, "talks/2023-keynote.pdf"), &got);
	assert_memory_equal(got.data, "second slides", 13);
	n = readlink(at(f, "talks/2023-keynote.pdf"), value, sizeof value - 1);
	assert_true(n > 0);
	value[n] = '\0';
	assert_string_equal(value + 3, b.path);
	assert_memory_equal(value, "../", 3);
	assert_int_equal(count_entries(at(f, "talks")), 1);
	buf_free(&got);
}

static void test_link_refuses_bad_names(void **state)
{
	struct fixture *f = *state;
	struct store_file a;

	assert_int_equal(store_bytes(f, "x", "pdf", &a), 0);
	assert_int_equal(store_link(f->root, "../x.pdf", a.path), -1);
	assert_int_equal(store_link(f->root, "talks/.x.pdf", a.path), -1);
	assert_int_equal(store_link(f->root, "talks/a/b.pdf", a.path), -1);
	assert_int_equal(store_link(f->root, "talks/x.pdf", "../../etc/passwd"), -1);
	a.path[5] ^= 1;     /* a well-formed name of nothing stored */
	assert_int_equal(store_link(f->root, "talks/x.pdf", a.path), -1);
}


#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_store_names_by_sha256),
		T(test_store_same_bytes_twice_is_one_file),
		T(test_store_leaves_no_temp_files),
		T(test_unstore_removes_the_directory_it_made),
		T(test_store_refuses_file_outside_tmp),
		T(test_clean_tmp_removes_leftovers),
		T(test_clean_tmp_keeps_fresh_files),
		T(test_clean_tmp_of_a_dead_process),
		T(test_tmp_file_mode_0640),
		T(test_link_points_at_new_target),
		T(test_link_refuses_bad_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
