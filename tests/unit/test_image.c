/* Unit tests for lib/image.c: the photo import on libvips. */
#include "media_fixture.h"

/* ---- photos ---- */

static void test_image_html_refused(void **state)
{
	struct fixture *f = *state;
	const char *html = "<!DOCTYPE html><html><body>hi</body></html>\n";
	struct image_sizes m;
	char err[128];

	write_bytes(at(f, "photo.jpg"), html, strlen(html));
	assert_int_equal(image_import(f->root, at(f, "photo.jpg"), &m,
		err, sizeof err), -1);
	assert_string_equal(err, "not a JPEG or PNG image");
}

static void test_image_truncated_jpeg_refused(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;
	struct image_sizes m;
	char err[128];

	assert_int_equal(demogen_photo(at(f, "p.jpg"), 3, 800, 600, NULL, 0), 0);
	read_file(at(f, "p.jpg"), &b);
	write_bytes(at(f, "cut.jpg"), b.data, b.len / 2);
	assert_int_equal(image_import(f->root, at(f, "cut.jpg"), &m,
		err, sizeof err), -1);
	assert_string_equal(err, "damaged or truncated image");
	assert_int_equal(count_entries(at(f, "tmp")), 0);
	buf_free(&b);
}

static void test_image_png_bomb_refused_from_header(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	char err[128];
	double t0;
	struct stat st;

	make_png(at(f, "bomb.png"), 20000, 20000, 2, 0);
	assert_int_equal(stat(at(f, "bomb.png"), &st), 0);
	assert_true(st.st_size < 200);
	t0 = now();
	assert_int_equal(image_import(f->root, at(f, "bomb.png"), &m,
		err, sizeof err), -1);
	assert_true(now() - t0 < 0.5);
	assert_non_null(strstr(err, "too large"));
}

/* Thousands of tiny progressive scans would keep libjpeg busy for
 * minutes, out of reach of the deadline: refused by counting SOS markers. */
static void test_image_jpeg_with_too_many_scans_refused(void **state)
{
	struct fixture *f = *state;
	static const unsigned char soi[] = { 0xFF, 0xD8, 0xFF, 0xE0 };
	static const unsigned char sos[] = { 0xFF, 0xDA, 0x00, 0x08 };
	struct buf b = BUF_INIT;
	struct image_sizes m;
	char err[128];

	buf_put(&b, soi, sizeof soi);
	for (int i = 0; i <= IMAGE_JPEG_SCANS_MAX; i++)
		buf_put(&b, sos, sizeof sos);
	write_bytes(at(f, "scans.jpg"), b.data, b.len);
	assert_int_equal(image_import(f->root, at(f, "scans.jpg"), &m,
		err, sizeof err), -1);
	assert_string_equal(err, "damaged or unusual JPEG (too many scans)");
	buf_free(&b);
}

static void test_image_exif_orientation_applied(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	char err[128];

	make_exif_jpeg(f, at(f, "turned.jpg"), 600, 400);
	assert_int_equal(image_import(f->root, at(f, "turned.jpg"), &m,
		err, sizeof err), 0);
	assert_int_equal(m.web.width, 400);
	assert_int_equal(m.web.height, 600);
	assert_int_equal(m.thumb.width, 320);
	assert_int_equal(m.thumb.height, 480);
	assert_int_equal(m.orig.width, 400);      /* full size, upright too */
	assert_int_equal(m.orig.height, 600);
}

static void test_image_metadata_stripped(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	struct buf b = BUF_INIT;
	char err[128];

	make_exif_jpeg(f, at(f, "gps.jpg"), 600, 400);
	read_file(at(f, "gps.jpg"), &b);
	assert_true(contains(&b, "Exif\0\0", 6) && contains(&b, SECRET, 8));
	assert_int_equal(image_import(f->root, at(f, "gps.jpg"), &m,
		err, sizeof err), 0);
	stored(f, &m.web, &b);
	assert_false(contains(&b, "Exif", 4));
	assert_false(contains(&b, SECRET, 8));
	stored(f, &m.thumb, &b);
	assert_false(contains(&b, "Exif", 4));
	assert_false(contains(&b, SECRET, 8));
	stored(f, &m.orig, &b);
	assert_false(contains(&b, "Exif", 4));
	assert_false(contains(&b, SECRET, 8));
	buf_free(&b);
}

static void test_image_web_and_thumb_sizes(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	struct buf b = BUF_INIT;
	struct sof s;
	char err[128];

	assert_int_equal(demogen_photo(at(f, "big.jpg"), 1, 3000, 2000, NULL,
		0), 0);
	assert_int_equal(image_import(f->root, at(f, "big.jpg"), &m,
		err, sizeof err), 0);
	assert_int_equal(m.web.width, IMAGE_WEB_PX);
	assert_in_range(m.web.height, 1066, 1067);
	assert_int_equal(m.thumb.width, IMAGE_THUMB_PX);
	assert_int_equal(m.thumb.height, 320);
	assert_int_equal(m.orig.width, 3000);     /* the download: not reduced */
	assert_int_equal(m.orig.height, 2000);
	stored(f, &m.thumb, &b);
	assert_int_equal(jpeg_sof(&b, &s), 0);
	assert_int_equal(s.width, m.thumb.width);
	assert_int_equal(s.height, m.thumb.height);
	assert_non_null(strstr(m.web.path, ".jpg"));
	buf_free(&b);
}

static void test_image_small_not_upscaled(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	char err[128];

	make_png(at(f, "small.png"), 200, 100, 2, 1);
	assert_int_equal(image_import(f->root, at(f, "small.png"), &m,
		err, sizeof err), 0);
	assert_int_equal(m.web.width, 200);
	assert_int_equal(m.web.height, 100);
	assert_int_equal(m.thumb.width, 200);
	assert_int_equal(m.thumb.height, 100);
}

/* Grey with alpha becomes three-channel sRGB without an ICC profile. */
static void test_image_grey_alpha_png_becomes_srgb(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	struct buf b = BUF_INIT;
	struct sof s;
	char err[128];

	make_png(at(f, "ga.png"), 64, 48, 4, 1);
	assert_int_equal(image_import(f->root, at(f, "ga.png"), &m,
		err, sizeof err), 0);
	stored(f, &m.web, &b);
	assert_int_equal(jpeg_sof(&b, &s), 0);
	assert_int_equal(s.components, 3);
	assert_false(contains(&b, "ICC_PROFILE", 11));
	buf_free(&b);
}

static void test_image_import_leaves_no_temp_files(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	char err[128];

	assert_int_equal(demogen_photo(at(f, "p.jpg"), 2, 900, 600, NULL, 0), 0);
	assert_int_equal(image_import(f->root, at(f, "p.jpg"), &m,
		err, sizeof err), 0);
	assert_int_equal(count_entries(at(f, "tmp")), 0);
	assert_int_equal(access(at(f, m.web.path), R_OK), 0);
	assert_int_equal(access(at(f, m.thumb.path), R_OK), 0);
}

static void test_image_deadline_stops_decoding(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	char err[128];
	int r;

	assert_int_equal(demogen_photo(at(f, "p.jpg"), 4, 4000, 3000, NULL, 0), 0);
	image_set_timeout(1e-6);
	r = image_import(f->root, at(f, "p.jpg"), &m, err, sizeof err);
	image_set_timeout(IMAGE_DECODE_SECONDS);
	assert_int_equal(r, -1);
	assert_string_equal(err, "the image took too long to process");
	assert_int_equal(count_entries(at(f, "tmp")), 0);
}

/* The share preview: exactly 1200x630 from a landscape and a portrait
 * photo alike (cropped, a small one upscaled), no metadata. */
static void test_image_share_is_exactly_the_preview_size(void **state)
{
	struct fixture *f = *state;
	struct image_sizes m;
	struct store_file sh;
	struct buf b = BUF_INIT;
	struct sof s;
	char err[128];
	static const int dims[][2] = { { 3000, 2000 }, { 800, 1200 }, { 300, 200 } };

	for (size_t i = 0; i < sizeof dims / sizeof *dims; i++) {
		make_exif_jpeg(f, at(f, "p.jpg"), dims[i][0], dims[i][1]);
		assert_int_equal(image_import(f->root, at(f, "p.jpg"), &m, err, sizeof err), 0);
		char src[STORE_PATH_MAX];
		snprintf(src, sizeof src, "%s/%s", f->root, m.orig.path);
		assert_int_equal(image_share(f->root, src, &sh, err, sizeof err), 0);
		assert_int_equal(sh.width, IMAGE_SHARE_W);
		assert_int_equal(sh.height, IMAGE_SHARE_H);
		stored(f, &sh, &b);
		assert_int_equal(jpeg_sof(&b, &s), 0);
		assert_int_equal(s.width, IMAGE_SHARE_W);
		assert_int_equal(s.height, IMAGE_SHARE_H);
		assert_false(contains(&b, "Exif", 4));
		assert_false(contains(&b, SECRET, 8));
	}
	buf_free(&b);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_image_html_refused),
		T(test_image_truncated_jpeg_refused),
		T(test_image_png_bomb_refused_from_header),
		T(test_image_jpeg_with_too_many_scans_refused),
		T(test_image_exif_orientation_applied),
		T(test_image_metadata_stripped),
		T(test_image_web_and_thumb_sizes),
		T(test_image_small_not_upscaled),
		T(test_image_grey_alpha_png_becomes_srgb),
		T(test_image_import_leaves_no_temp_files),
		T(test_image_deadline_stops_decoding),
		T(test_image_share_is_exactly_the_preview_size),
	};

	return cmocka_run_group_tests(tests, image_group_setup, NULL);
}
