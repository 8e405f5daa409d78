/* Unit tests for lib/media.c: storage, the PDF check, the photo pipeline
 * and the demo files.  Every test works in its own directory under /tmp.
 * Test inputs the demo generators cannot make (EXIF headers, PNGs, an
 * object-stream PDF) are built byte by byte here. */
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
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "media.h"

/* ---- helpers ---- */

struct fixture {
	char root[64];
};

static void rm_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char p[MEDIA_PATH_MAX];

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(p, sizeof p, "%s/%s", path, e->d_name);
			rm_tree(p);
		}
		closedir(d);
	}
	rmdir(path);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	snprintf(f->root, sizeof f->root, "/tmp/media-test-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rm_tree(f->root);
	free(f);
	return 0;
}

static char *at(const struct fixture *f, const char *rel)
{
	static char p[4][MEDIA_PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", f->root, rel);
	return p[i];
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void read_file(const char *path, struct buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	buf_reset(b);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_put(b, chunk, n);
	fclose(fp);
}

static int contains(const struct buf *b, const void *needle, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return 1;
	return 0;
}

/* Entries in a directory, "." and ".." not counted. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Write bytes into a fresh temp file and store them. */
static int store_bytes(const struct fixture *f, const char *data,
		const char *ext, struct media_file *out)
{
	char path[MEDIA_PATH_MAX];
	int fd;

	assert_int_equal(media_tmp_open(f->root, &fd, path), 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
	return media_store(f->root, path, ext, out);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- hand-built PNG ---- */

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void png_chunk(struct buf *b, const char *type, const void *data,
		size_t n)
{
	unsigned char h[8], crc[4];
	uLong c = crc32(0, (const Bytef *)type, 4);

	be32(h, (uint32_t)n);
	memcpy(h + 4, type, 4);
	buf_put(b, h, 8);
	if (n)
		buf_put(b, data, n);
	c = crc32(c, (const Bytef *)data, (uInt)n);
	be32(crc, (uint32_t)c);
	buf_put(b, crc, 4);
}

/* An 8-bit PNG of the given colour type (0 grey, 2 RGB, 4 grey+alpha)
 * whose IHDR claims w x h; rows are real only when real is set, else a
 * few bytes of deflate data stand in (the header is all that is read). */
static void make_png(const char *path, uint32_t w, uint32_t h, int ctype,
		int real)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1A, '\n' };
	int bpp = ctype == 2 ? 3 : ctype == 4 ? 2 : 1;
	size_t rawn = real ? (size_t)h * (1 + w * bpp) : 64;
	unsigned char ihdr[13], *raw = xcalloc(1, rawn);
	uLongf zn = compressBound(rawn);
	unsigned char *z = xmalloc(zn);
	struct buf b = BUF_INIT;

	for (size_t y = 0; real && y < h; y++)
		for (size_t x = 0; x < w * bpp; x++)
			raw[y * (1 + w * bpp) + 1 + x] =
				(unsigned char)(x * 7 + y * 3);
	assert_int_equal(compress(z, &zn, raw, rawn), Z_OK);
	be32(ihdr, w);
	be32(ihdr + 4, h);
	ihdr[8] = 8;
	ihdr[9] = (unsigned char)ctype;
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	buf_put(&b, sig, sizeof sig);
	png_chunk(&b, "IHDR", ihdr, sizeof ihdr);
	png_chunk(&b, "IDAT", z, zn);
	png_chunk(&b, "IEND", "", 0);
	write_bytes(path, b.data, b.len);
	buf_free(&b);
	free(raw);
	free(z);
}

/* ---- JPEG inspection and EXIF ---- */

struct sof {
	int width, height, components;
};

/* Walk the markers up to the first SOFn (ITU T.81 B.2). */
static int jpeg_sof(const struct buf *b, struct sof *s)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t i = 2;

	while (i + 9 < b->len && p[i] == 0xFF) {
		int m = p[i + 1];
		size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8
				&& m != 0xCC) {
			s->height = p[i + 5] << 8 | p[i + 6];
			s->width = p[i + 7] << 8 | p[i + 8];
			s->components = p[i + 9];
			return 0;
		}
		i += 2 + len;
	}
	return -1;
}

#define SECRET "SECRET-PHOTOGRAPHER"

/* An APP1 Exif segment (big-endian TIFF): IFD0 with Orientation 6 (the
 * camera was turned clockwise), Artist, and a GPS IFD with a latitude. */
static void exif_app1(struct buf *b)
{
	static const unsigned char tiff[] = {
		'M', 'M', 0, 42, 0, 0, 0, 8,
		0, 3,                                       /* IFD0 at 8 */
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,   /* Orientation */
		0x01, 0x3B, 0, 2, 0, 0, 0, 20, 0, 0, 0, 50, /* Artist @50 */
		0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 70,  /* GPS IFD @70 */
		0, 0, 0, 0,
		'S', 'E', 'C', 'R', 'E', 'T', '-', 'P', 'H', 'O', 'T', 'O',
		'G', 'R', 'A', 'P', 'H', 'E', 'R', 0,       /* 50..70 */
		0, 2,                                       /* GPS IFD */
		0x00, 0x01, 0, 2, 0, 0, 0, 2, 'N', 0, 0, 0,
		0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 100,
		0, 0, 0, 0,
		0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 0, 1,                     /* 100..124 */
	};
	unsigned char h[4] = { 0xFF, 0xE1, 0, 0 };
	size_t len = 2 + 6 + sizeof tiff;

	h[2] = (unsigned char)(len >> 8);
	h[3] = (unsigned char)len;
	buf_put(b, h, 4);
	buf_put(b, "Exif\0\0", 6);
	buf_put(b, tiff, sizeof tiff);
}

/* A demo photo with the EXIF segment put after SOI and any JFIF APP0. */
static void make_exif_jpeg(const struct fixture *f, const char *path, int w,
		int h)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	const unsigned char *p;
	size_t cut = 2;

	assert_int_equal(media_demo_photo(path, 7, w, h, NULL, 0), 0);
	read_file(path, &in);
	p = (const unsigned char *)in.data;
	if (p[2] == 0xFF && p[3] == 0xE0)
		cut = 4 + ((size_t)p[4] << 8 | p[5]);
	buf_put(&out, in.data, cut);
	exif_app1(&out);
	buf_put(&out, in.data + cut, in.len - cut);
	write_bytes(path, out.data, out.len);
	buf_free(&in);
	buf_free(&out);
	(void)f;
}

static void stored(const struct fixture *f, const struct media_file *m,
		struct buf *b)
{
	read_file(at(f, m->path), b);
	assert_int_equal((long long)b->len, m->bytes);
}

/* ---- storage ---- */

static void test_store_names_by_sha256(void **state)
{
	struct fixture *f = *state;
	struct media_file m;
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
	struct media_file a, b;

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
	struct media_file m;

	assert_int_equal(store_bytes(f, "one", "jpg", &m), 0);
	assert_int_equal(store_bytes(f, "two", "BAD/EXT", &m), -1);
	assert_int_equal(count_entries(at(f, "tmp")), 0);
}

/* All or nothing: undoing a store leaves the tree as it was, including
 * the two-hex directory that store made, but not one that was there. */
static void test_unstore_removes_the_directory_it_made(void **state)
{
	struct fixture *f = *state;
	struct media_file m;
	char dir[3];

	assert_int_equal(store_bytes(f, "unstore me", "jpg", &m), 0);
	assert_int_equal(m.created, 2);
	snprintf(dir, sizeof dir, "%.2s", m.path);
	media_unstore(f->root, &m);
	assert_int_equal(m.created, 0);
	assert_int_not_equal(access(at(f, dir), F_OK), 0);

	assert_int_equal(mkdir(at(f, dir), 0750), 0);
	assert_int_equal(store_bytes(f, "unstore me", "jpg", &m), 0);
	assert_int_equal(m.created, 1);
	media_unstore(f->root, &m);
	assert_int_equal(access(at(f, dir), F_OK), 0);
	assert_int_equal(count_entries(at(f, dir)), 0);
}

static void test_store_refuses_file_outside_tmp(void **state)
{
	struct fixture *f = *state;
	struct media_file m;

	write_bytes(at(f, "elsewhere"), "x", 1);
	assert_int_equal(media_store(f->root, at(f, "elsewhere"), "txt", &m), -1);
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
	char path[MEDIA_PATH_MAX];
	int fd;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(media_tmp_open(f->root, &fd, path), 0);
		close(fd);
		age_file(path, MEDIA_TMP_STALE_SECONDS + 60);
	}
	assert_int_equal(media_clean_tmp(f->root), 2);
	assert_int_equal(count_entries(at(f, "tmp")), 0);
}

/* Under plain CGI or mod_fcgid every new process cleans up at start: an
 * upload a sibling is still receiving must survive that. */
static void test_clean_tmp_keeps_fresh_files(void **state)
{
	struct fixture *f = *state;
	char old[MEDIA_PATH_MAX], fresh[MEDIA_PATH_MAX];
	int fd;

	assert_int_equal(media_tmp_open(f->root, &fd, old), 0);
	close(fd);
	age_file(old, MEDIA_TMP_STALE_SECONDS + 60);
	assert_int_equal(media_tmp_open(f->root, &fd, fresh), 0);
	assert_int_equal(media_clean_tmp(f->root), 1);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(access(fresh, F_OK), 0);
	assert_int_not_equal(access(old, F_OK), 0);
}

static void test_tmp_file_mode_0640(void **state)
{
	struct fixture *f = *state;
	char path[MEDIA_PATH_MAX];
	struct stat st;
	int fd;

	assert_int_equal(media_tmp_open(f->root, &fd, path), 0);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	assert_int_equal(st.st_mode & 0777, 0640);
}

static void test_link_points_at_new_target(void **state)
{
	struct fixture *f = *state;
	struct media_file a, b;
	struct buf got = BUF_INIT;
	char value[256];
	ssize_t n;

	assert_int_equal(store_bytes(f, "first slides", "pdf", &a), 0);
	assert_int_equal(store_bytes(f, "second slides", "pdf", &b), 0);
	assert_int_equal(media_link(f->root, "talks/2023-keynote.pdf", a.path), 0);
	read_file(at(f, "talks/2023-keynote.pdf"), &got);
	assert_memory_equal(got.data, "first slides", 12);
	assert_int_equal(media_link(f->root, "talks/2023-keynote.pdf", b.path), 0);
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
	struct media_file a;

	assert_int_equal(store_bytes(f, "x", "pdf", &a), 0);
	assert_int_equal(media_link(f->root, "../x.pdf", a.path), -1);
	assert_int_equal(media_link(f->root, "talks/.x.pdf", a.path), -1);
	assert_int_equal(media_link(f->root, "talks/a/b.pdf", a.path), -1);
	assert_int_equal(media_link(f->root, "talks/x.pdf", "../../etc/passwd"), -1);
	a.path[5] ^= 1;     /* a well-formed name of nothing stored */
	assert_int_equal(media_link(f->root, "talks/x.pdf", a.path), -1);
}

/* ---- PDF ---- */

static void test_pdf_page_count_of_demo_pdfs(void **state)
{
	struct fixture *f = *state;
	static const int counts[] = { 1, 3, 18 };
	char err[128];
	int pages;

	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		assert_int_equal(media_demo_pdf(at(f, "d.pdf"), "Präzisionsmedizin",
			"Session (2) \\ Day 1", counts[i], err, sizeof err), 0);
		assert_int_equal(media_pdf_check(at(f, "d.pdf"), &pages, err,
			sizeof err), 0);
		assert_int_equal(pages, counts[i]);
	}
}

static void test_pdf_demo_is_deterministic(void **state)
{
	struct fixture *f = *state;
	struct buf a = BUF_INIT, b = BUF_INIT;

	assert_int_equal(media_demo_pdf(at(f, "a.pdf"), "T", "S", 4, NULL, 0), 0);
	assert_int_equal(media_demo_pdf(at(f, "b.pdf"), "T", "S", 4, NULL, 0), 0);
	read_file(at(f, "a.pdf"), &a);
	read_file(at(f, "b.pdf"), &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_true(a.len < 16384);
	buf_free(&a);
	buf_free(&b);
}

static void test_pdf_png_renamed_refused(void **state)
{
	struct fixture *f = *state;
	char err[128];
	int pages = 7;

	make_png(at(f, "slides.pdf"), 32, 32, 2, 1);
	assert_int_equal(media_pdf_check(at(f, "slides.pdf"), &pages, err,
		sizeof err), -1);
	assert_string_equal(err, "not a readable PDF");
	assert_int_equal(pages, 0);
}

static void test_pdf_truncated_refused(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;
	char err[128];
	int pages;

	assert_int_equal(media_demo_pdf(at(f, "d.pdf"), "T", "S", 3, NULL, 0), 0);
	read_file(at(f, "d.pdf"), &b);
	write_bytes(at(f, "cut.pdf"), b.data, b.len - 20);
	assert_int_equal(media_pdf_check(at(f, "cut.pdf"), &pages, err,
		sizeof err), -1);
	buf_free(&b);
}

/* A PDF 1.5 whose page tree lives only inside a compressed object stream:
 * a plain text scan finds no page at all. */
static void test_pdf_pages_inside_object_stream(void **state)
{
	struct fixture *f = *state;
	const char *objs = "2 0 3 60 4 120 5 180 "
		"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>  "
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>  "
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>  "
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>";
	uLongf zn = compressBound(strlen(objs));
	unsigned char *z = xmalloc(zn);
	struct buf b = BUF_INIT;
	char err[128];
	int pages;

	assert_int_equal(compress(z, &zn, (const Bytef *)objs, strlen(objs)), Z_OK);
	buf_puts(&b, "%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n"
		"endobj\n");
	buf_printf(&b, "6 0 obj\n<< /Type /ObjStm /N 4 /First 20 /Filter "
		"/FlateDecode /Length %lu >>\nstream\r\n", (unsigned long)zn);
	buf_put(&b, z, zn);
	buf_puts(&b, "\r\nendstream\nendobj\n7 0 obj\n<< /Type /XRef /Size 8 "
		"/Root 1 0 R >>\nstream\nxx\nendstream\nendobj\nstartxref\n0\n"
		"%%EOF\n");
	assert_false(contains(&b, "/Count", 6));
	write_bytes(at(f, "objstm.pdf"), b.data, b.len);
	assert_int_equal(media_pdf_check(at(f, "objstm.pdf"), &pages, err,
		sizeof err), 0);
	assert_int_equal(pages, 3);
	buf_free(&b);
	free(z);
}

/* Text in a page's content stream or in a string is no dictionary. */
static void test_pdf_page_lookalikes_not_counted(void **state)
{
	struct fixture *f = *state;
	const char *pdf = "%PDF-1.4\n"
		"1 0 obj << /Type /Catalog /Pages 2 0 R /Title (/Type /Page) >> endobj\n"
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
		"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
		"4 0 obj << /Length 40 >>\nstream\n<< /Type /Pages /Count 99 >>\n"
		"endstream endobj\n%%EOF\n";
	char err[128];
	int pages;

	write_bytes(at(f, "l.pdf"), pdf, strlen(pdf));
	assert_int_equal(media_pdf_check(at(f, "l.pdf"), &pages, err, sizeof err), 0);
	assert_int_equal(pages, 1);
}

/* Without any /Count, the page dictionaries are counted; /Pages (with
 * an s) is not one of them. */
static void test_pdf_counts_page_objects_without_count(void **state)
{
	struct fixture *f = *state;
	const char *pdf = "%PDF-1.4\n"
		"2 0 obj << /Type/Pages /Kids [3 0 R 4 0 R] >> endobj\n"
		"3 0 obj << /Type/Page /Parent 2 0 R >> endobj\n"
		"4 0 obj <</Parent 2 0 R/Type\n/Page>> endobj\n%%EOF\n";
	char err[128];
	int pages;

	write_bytes(at(f, "n.pdf"), pdf, strlen(pdf));
	assert_int_equal(media_pdf_check(at(f, "n.pdf"), &pages, err, sizeof err), 0);
	assert_int_equal(pages, 2);
}

/* ---- photos ---- */

static void test_image_html_refused(void **state)
{
	struct fixture *f = *state;
	const char *html = "<!DOCTYPE html><html><body>hi</body></html>\n";
	struct media_image m;
	char err[128];

	write_bytes(at(f, "photo.jpg"), html, strlen(html));
	assert_int_equal(media_image_import(f->root, at(f, "photo.jpg"), &m,
		err, sizeof err), -1);
	assert_string_equal(err, "not a JPEG or PNG image");
}

static void test_image_truncated_jpeg_refused(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;
	struct media_image m;
	char err[128];

	assert_int_equal(media_demo_photo(at(f, "p.jpg"), 3, 800, 600, NULL, 0), 0);
	read_file(at(f, "p.jpg"), &b);
	write_bytes(at(f, "cut.jpg"), b.data, b.len / 2);
	assert_int_equal(media_image_import(f->root, at(f, "cut.jpg"), &m,
		err, sizeof err), -1);
	assert_string_equal(err, "damaged or truncated image");
	assert_int_equal(count_entries(at(f, "tmp")), 0);
	buf_free(&b);
}

static void test_image_png_bomb_refused_from_header(void **state)
{
	struct fixture *f = *state;
	struct media_image m;
	char err[128];
	double t0;
	struct stat st;

	make_png(at(f, "bomb.png"), 20000, 20000, 2, 0);
	assert_int_equal(stat(at(f, "bomb.png"), &st), 0);
	assert_true(st.st_size < 200);
	t0 = now();
	assert_int_equal(media_image_import(f->root, at(f, "bomb.png"), &m,
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
	struct media_image m;
	char err[128];

	buf_put(&b, soi, sizeof soi);
	for (int i = 0; i <= MEDIA_JPEG_SCANS_MAX; i++)
		buf_put(&b, sos, sizeof sos);
	write_bytes(at(f, "scans.jpg"), b.data, b.len);
	assert_int_equal(media_image_import(f->root, at(f, "scans.jpg"), &m,
		err, sizeof err), -1);
	assert_string_equal(err, "damaged or unusual JPEG (too many scans)");
	buf_free(&b);
}

static void test_image_exif_orientation_applied(void **state)
{
	struct fixture *f = *state;
	struct media_image m;
	char err[128];

	make_exif_jpeg(f, at(f, "turned.jpg"), 600, 400);
	assert_int_equal(media_image_import(f->root, at(f, "turned.jpg"), &m,
		err, sizeof err), 0);
	assert_int_equal(m.web.width, 400);
	assert_int_equal(m.web.height, 600);
	assert_int_equal(m.thumb.width, 320);
	assert_int_equal(m.thumb.height, 480);
}

static void test_image_metadata_stripped(void **state)
{
	struct fixture *f = *state;
	struct media_image m;
	struct buf b = BUF_INIT;
	char err[128];

	make_exif_jpeg(f, at(f, "gps.jpg"), 600, 400);
	read_file(at(f, "gps.jpg"), &b);
	assert_true(contains(&b, "Exif\0\0", 6) && contains(&b, SECRET, 8));
	assert_int_equal(media_image_import(f->root, at(f, "gps.jpg"), &m,
		err, sizeof err), 0);
	stored(f, &m.web, &b);
	assert_false(contains(&b, "Exif", 4));
	assert_false(contains(&b, SECRET, 8));
	stored(f, &m.thumb, &b);
	assert_false(contains(&b, "Exif", 4));
	assert_false(contains(&b, SECRET, 8));
	buf_free(&b);
}

static void test_image_web_and_thumb_sizes(void **state)
{
	struct fixture *f = *state;
	struct media_image m;
	struct buf b = BUF_INIT;
	struct sof s;
	char err[128];

	assert_int_equal(media_demo_photo(at(f, "big.jpg"), 1, 3000, 2000, NULL,
		0), 0);
	assert_int_equal(media_image_import(f->root, at(f, "big.jpg"), &m,
		err, sizeof err), 0);
	assert_int_equal(m.web.width, MEDIA_WEB_PX);
	assert_in_range(m.web.height, 1066, 1067);
	assert_int_equal(m.thumb.width, MEDIA_THUMB_PX);
	assert_int_equal(m.thumb.height, 320);
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
	struct media_image m;
	char err[128];

	make_png(at(f, "small.png"), 200, 100, 2, 1);
	assert_int_equal(media_image_import(f->root, at(f, "small.png"), &m,
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
	struct media_image m;
	struct buf b = BUF_INIT;
	struct sof s;
	char err[128];

	make_png(at(f, "ga.png"), 64, 48, 4, 1);
	assert_int_equal(media_image_import(f->root, at(f, "ga.png"), &m,
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
	struct media_image m;
	char err[128];

	assert_int_equal(media_demo_photo(at(f, "p.jpg"), 2, 900, 600, NULL, 0), 0);
	assert_int_equal(media_image_import(f->root, at(f, "p.jpg"), &m,
		err, sizeof err), 0);
	assert_int_equal(count_entries(at(f, "tmp")), 0);
	assert_int_equal(access(at(f, m.web.path), R_OK), 0);
	assert_int_equal(access(at(f, m.thumb.path), R_OK), 0);
}

static void test_image_deadline_stops_decoding(void **state)
{
	struct fixture *f = *state;
	struct media_image m;
	char err[128];
	int r;

	assert_int_equal(media_demo_photo(at(f, "p.jpg"), 4, 4000, 3000, NULL, 0), 0);
	media_image_set_timeout(1e-6);
	r = media_image_import(f->root, at(f, "p.jpg"), &m, err, sizeof err);
	media_image_set_timeout(MEDIA_DECODE_SECONDS);
	assert_int_equal(r, -1);
	assert_string_equal(err, "the image took too long to process");
	assert_int_equal(count_entries(at(f, "tmp")), 0);
}

static void test_demo_photo_deterministic_per_index(void **state)
{
	struct fixture *f = *state;
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	struct sof s;

	assert_int_equal(media_demo_photo(at(f, "a.jpg"), 5, 640, 360, NULL, 0), 0);
	assert_int_equal(media_demo_photo(at(f, "b.jpg"), 5, 640, 360, NULL, 0), 0);
	assert_int_equal(media_demo_photo(at(f, "c.jpg"), 6, 640, 360, NULL, 0), 0);
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

static int group_setup(void **state)
{
	(void)state;
	return media_image_init();
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_store_names_by_sha256),
		T(test_store_same_bytes_twice_is_one_file),
		T(test_store_leaves_no_temp_files),
		T(test_store_refuses_file_outside_tmp),
		T(test_unstore_removes_the_directory_it_made),
		T(test_clean_tmp_removes_leftovers),
		T(test_clean_tmp_keeps_fresh_files),
		T(test_tmp_file_mode_0640),
		T(test_link_points_at_new_target),
		T(test_link_refuses_bad_names),
		T(test_pdf_page_count_of_demo_pdfs),
		T(test_pdf_demo_is_deterministic),
		T(test_pdf_png_renamed_refused),
		T(test_pdf_truncated_refused),
		T(test_pdf_pages_inside_object_stream),
		T(test_pdf_page_lookalikes_not_counted),
		T(test_pdf_counts_page_objects_without_count),
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
		T(test_demo_photo_deterministic_per_index),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
