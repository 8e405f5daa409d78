/* Shared by the unit tests of the stored files, the PDF check, the photo
 * pipeline and the demo files: a fresh directory under /tmp per test, and
 * the inputs the demo generators cannot make (EXIF headers, PNGs) built
 * byte by byte.  Functions are static inline: each test uses some. */
#ifndef MEDIA_FIXTURE_H
#define MEDIA_FIXTURE_H

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
#include "store.h"
#include "pdf.h"
#include "image.h"
#include "demogen.h"

/* ---- helpers ---- */

struct fixture {
	char root[64];
};

static void rm_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char p[STORE_PATH_MAX];

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

static inline char *at(const struct fixture *f, const char *rel)
{
	static char p[4][STORE_PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", f->root, rel);
	return p[i];
}

static inline void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static inline void read_file(const char *path, struct buf *b)
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

static inline int contains(const struct buf *b, const void *needle, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return 1;
	return 0;
}

/* Entries in a directory, "." and ".." not counted. */
static inline int count_entries(const char *dir)
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
static inline int store_bytes(const struct fixture *f, const char *data,
		const char *ext, struct store_file *out)
{
	char path[STORE_PATH_MAX];
	int fd;

	assert_int_equal(store_tmp_open(f->root, &fd, path), 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
	return store_put(f->root, path, ext, out);
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- hand-built PNG ---- */

static inline void be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void png_chunk(struct buf *b, const char *type, const void *data,
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
static inline void make_png(const char *path, uint32_t w, uint32_t h, int ctype,
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
static inline int jpeg_sof(const struct buf *b, struct sof *s)
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
static inline void exif_app1(struct buf *b)
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
static inline void make_exif_jpeg(const struct fixture *f, const char *path, int w,
		int h)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	const unsigned char *p;
	size_t cut = 2;

	assert_int_equal(demogen_photo(path, 7, w, h, NULL, 0), 0);
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

static inline void stored(const struct fixture *f, const struct store_file *m,
		struct buf *b)
{
	read_file(at(f, m->path), b);
	assert_int_equal((long long)b->len, m->bytes);
}

/* Group set-up of the tests that need libvips. */
static inline int image_group_setup(void **state)
{
	(void)state;
	return image_init();
}

#endif
