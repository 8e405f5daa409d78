/* Tests for lib/space.c: which failures mean "no space" (507), and that
 * noting one is remembered until cleared. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include <sqlite3.h>

#include "space.h"

static void test_errno_mapping(void **state)
{
	(void)state;
	assert_true(space_errno(ENOSPC));
	assert_true(space_errno(EDQUOT));
	assert_true(space_errno(EFBIG));
	assert_false(space_errno(0));
	assert_false(space_errno(EIO));
	assert_false(space_errno(EACCES));
	assert_false(space_errno(EROFS));
}

static void test_sqlite_mapping(void **state)
{
	(void)state;
	assert_true(space_sqlite(SQLITE_FULL, 0));
	assert_true(space_sqlite(SQLITE_IOERR_WRITE, EDQUOT));
	assert_true(space_sqlite(SQLITE_IOERR_FSYNC, ENOSPC));
	assert_false(space_sqlite(SQLITE_IOERR_WRITE, EIO));
	assert_false(space_sqlite(SQLITE_BUSY, ENOSPC));
	assert_false(space_sqlite(SQLITE_CONSTRAINT, 0));
	assert_false(space_sqlite(SQLITE_OK, 0));
}

static void test_note_is_remembered_until_cleared(void **state)
{
	(void)state;
	space_clear();
	errno = EINTR;
	assert_int_equal(space_note("test", EIO), 0);
	assert_false(space_short());
	assert_int_equal(space_note("test", ENOSPC), 1);
	assert_int_equal(errno, EINTR);          /* left as it was */
	assert_true(space_short());
	space_clear();
	assert_false(space_short());
	assert_int_equal(space_note_sqlite("test", SQLITE_CONSTRAINT, 0), 0);
	assert_false(space_short());
	assert_int_equal(space_note_sqlite("test", SQLITE_FULL, 0), 1);
	assert_true(space_short());
	space_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno_mapping),
		cmocka_unit_test(test_sqlite_mapping),
		cmocka_unit_test(test_note_is_remembered_until_cleared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
