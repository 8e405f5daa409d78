/* Unit tests for lib/demogen.c: the generated demo files. */
#include "media_fixture.h"

static void test_pdf_demo_is_deterministic(void **state)
{
	struct fixture *f = *state;
	struct buf a = BUF_INIT, b = BUF_INIT;

	assert_int_equal(demogen_pdf(at(f, "a.pdf"), "T", "S", 4, NULL, 0), 0);
	assert_int_equal(demogen_pdf(at(f, "b.pdf"), "T", "S", 4, NULL, 0), 0);
	read_file(at(f, "a.pdf"), &a);
	read_file(at(f, "b.pdf"), &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_true(a.len < 16384);
	buf_free(&a);
	buf_free(&b);
}

static void test_demo_photo_deterministic_per_index(void **state)
{
	struct fixture *f = *state;
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	struct sof s;

	assert_int_equal(demogen_photo(at(f, "a.jpg"), 5, 640, 360, NULL, 0), 0);
	assert_int_equal(demogen_photo(at(f, "b.jpg"), 5, 640, 360, NULL, 0), 0);
	assert_int_equal(demogen_photo(at(f, "c.jpg"), 6, 640, 360, NULL, 0), 0);
	read_file(at(f, "a.jpg"), &a);
	read_file(at(f, "b.jpg"), &b);
	read_file(at(f, "c.jpg"), &c);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_false(a.len == c.len && memcmp(a.data, c.data, a.len) == 0);
	assert_int_equal(jpeg_sof(&a, &s), 0);
	assert_int_equal(s.width, 640);
	assert_int_equal(s.height, 360);
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pdf_demo_is_deterministic),
		T(test_demo_photo_deterministic_per_index),
	};

	return cmocka_run_group_tests(tests, image_group_setup, NULL);
}
