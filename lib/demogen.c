/* demogen: the generated demo files of a new site - slides as small
 * valid PDFs, photo-like JPEGs painted by the image module.  The same
 * arguments always give the same bytes (the demo's media addresses stay
 * put).  See demogen.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "demogen.h"
#include "http.h"
#include "image.h"
#include "store.h"

static int fail(char *err, size_t errsz, const char *msg)
{
	if (err && errsz)
		snprintf(err, errsz, "%s", msg);
	return -1;
}


#define DEMOGEN_PDF_W      960           /* 16:9 slides, in points */
#define DEMOGEN_PDF_H      540
#define DEMOGEN_TEXT_MAX   160           /* bytes of a line kept */

/* UTF-8 to WinAnsiEncoding (PDF Annex D): Latin-1 is the same, a few
 * typographic characters have their own codes, the rest becomes '?'. */
static int winansi(unsigned cp)
{
	static const struct { unsigned cp; unsigned char b; } map[] = {
		{ 0x20AC, 0x80 }, { 0x2013, 0x96 }, { 0x2014, 0x97 },
		{ 0x2018, 0x91 }, { 0x2019, 0x92 }, { 0x201C, 0x93 },
		{ 0x201D, 0x94 }, { 0x2022, 0x95 }, { 0x2026, 0x85 },
	};

	if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
		return (int)cp;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].cp == cp)
			return map[i].b;
	return '?';
}

/* Next code point of s (advanced); a malformed byte counts as U+FFFD. */
static unsigned utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	size_t k = http_utf8_seq(p, strnlen((const char *)p, 4));
	unsigned cp;

	if (k == 0) {
		*s = p + 1;
		return 0xFFFD;
	}
	cp = k == 1 ? p[0] : p[0] & (0x7F >> k);
	for (size_t j = 1; j < k; j++)
		cp = cp << 6 | (p[j] & 0x3F);
	*s = p + k;
	return cp;
}

/* A PDF literal string: ( ) \ escaped, bytes outside ASCII as octal,
 * so the file stays 7-bit apart from its binary comment. */
static size_t pdf_string(struct buf *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t chars = 0;

	buf_putc(b, '(');
	while (*s && chars < DEMOGEN_TEXT_MAX) {
		int c = winansi(utf8_next(&s));
		if (c == '(' || c == ')' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7F)
			buf_printf(b, "\\%03o", c);
		else
			buf_putc(b, (char)c);
		chars++;
	}
	buf_putc(b, ')');
	return chars;
}

/* One line of Helvetica; the size shrinks so a long line fits the page
 * (an average Helvetica glyph is about half an em wide). */
static void pdf_line(struct buf *b, const char *text, int size, int y)
{
	size_t n = strlen(text);
	int fit = n ? (int)((DEMOGEN_PDF_W - 120) * 2 / n) : size;

	if (fit < size)
		size = fit < 8 ? 8 : fit;
	buf_printf(b, "BT /F1 %d Tf 60 %d Td ", size, y);
	pdf_string(b, text);
	buf_puts(b, " Tj ET\n");
}

static void demo_page_content(struct buf *c, const char *title,
		const char *subtitle, int page, int pages)
{
	char line[64];

	if (page == 1) {
		buf_printf(c, "0.07 0.20 0.36 rg 0 0 %d %d re f\n", DEMOGEN_PDF_W,
			DEMOGEN_PDF_H);
		buf_puts(c, "1 1 1 rg\n");
		pdf_line(c, title, 44, 300);
		buf_puts(c, "0.75 0.85 0.95 rg\n");
		pdf_line(c, subtitle, 24, 250);
		return;
	}
	buf_printf(c, "0.07 0.20 0.36 rg 0 %d %d 70 re f\n", DEMOGEN_PDF_H - 70,
		DEMOGEN_PDF_W);
	buf_puts(c, "1 1 1 rg\n");
	pdf_line(c, title, 22, DEMOGEN_PDF_H - 45);
	buf_puts(c, "0.1 0.1 0.1 rg\n");
	snprintf(line, sizeof line, "Slide %d of %d", page, pages);
	pdf_line(c, line, 36, 260);
}

static void pdf_obj(struct buf *b, long long *offs, int num, const char *body)
{
	offs[num] = (long long)b->len;
	buf_printf(b, "%d 0 obj\n%s\nendobj\n", num, body);
}

/* Objects: 1 catalog, 2 page tree, 3 font, then per page k (from 0) the
 * page 4+2k and its content stream 5+2k. */
static void demo_pdf_build(struct buf *b, const char *title,
		const char *subtitle, int pages)
{
	int nobj = 3 + 2 * pages;
	long long *offs = xcalloc((size_t)nobj + 1, sizeof *offs);
	struct buf t = BUF_INIT, c = BUF_INIT;
	long long xref;

	/* The comment's high bytes tell transfer tools the file is binary
	 * (ISO 32000-1 7.5.2). */
	buf_puts(b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
	pdf_obj(b, offs, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	buf_puts(&t, "<< /Type /Pages /Kids [");
	for (int k = 0; k < pages; k++)
		buf_printf(&t, "%s%d 0 R", k ? " " : "", 4 + 2 * k);
	buf_printf(&t, "] /Count %d >>", pages);
	pdf_obj(b, offs, 2, t.data);
	pdf_obj(b, offs, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
		"/Encoding /WinAnsiEncoding >>");
	for (int k = 0; k < pages; k++) {
		buf_reset(&t);
		buf_printf(&t, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>",
			DEMOGEN_PDF_W, DEMOGEN_PDF_H, 5 + 2 * k);
		pdf_obj(b, offs, 4 + 2 * k, t.data);
		buf_reset(&c);
		demo_page_content(&c, title, subtitle, k + 1, pages);
		buf_reset(&t);
		buf_printf(&t, "<< /Length %zu >>\nstream\n%s\nendstream",
			c.len, c.data);
		pdf_obj(b, offs, 5 + 2 * k, t.data);
	}
	/* Each xref entry is exactly 20 bytes, EOL included (7.5.4). */
	xref = (long long)b->len;
	buf_printf(b, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
	for (int i = 1; i <= nobj; i++)
		buf_printf(b, "%010lld 00000 n \n", offs[i]);
	buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%lld\n"
		"%%%%EOF\n", nobj + 1, xref);
	buf_free(&t);
	buf_free(&c);
	free(offs);
}

static int write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int r;

	if (fd < 0)
		return -1;
	r = store_write_all(fd, p, n);
	return close(fd) || r ? -1 : 0;
}

int demogen_pdf(const char *path, const char *title, const char *subtitle,
		int pages, char *err, size_t errsz)
{
	struct buf b = BUF_INIT;
	int r;

	if (pages < 1 || pages > DEMOGEN_PAGES_MAX)
		return fail(err, errsz, "page count out of range");
	demo_pdf_build(&b, title ? title : "", subtitle ? subtitle : "", pages);
	r = write_file(path, b.data, b.len);
	buf_free(&b);
	return r ? fail(err, errsz, "cannot write the PDF") : 0;
}

#define DEMOGEN_LIGHTS   14           /* soft out-of-focus lights */
#define DEMOGEN_HEADS    9            /* silhouettes along the bottom */
#define DEMOGEN_JPEG_Q   85

/* Evening-ish colour pairs: top-left, bottom-right of the gradient. */
static const double demo_palette[][6] = {
	{ 22, 40, 92,    180, 90, 60 },
	{ 14, 70, 90,    230, 170, 80 },
	{ 60, 30, 90,    240, 120, 110 },
	{ 20, 60, 50,    200, 210, 120 },
	{ 35, 35, 60,    120, 160, 220 },
	{ 80, 40, 30,    250, 200, 140 },
};

/* A small deterministic generator (xorshift32): the same index always
 * draws the same picture. */
static unsigned demo_rand(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Bright discs, blurred into out-of-focus lights in the upper part. */
static void demo_lights(struct image_scene *sc, unsigned *seed)
{
	int w = sc->width, h = sc->height;
	int r0 = (w < h ? w : h) / 14 + 2;

	sc->blur = r0 / 3.0 + 1;
	for (int i = 0; i < DEMOGEN_LIGHTS; i++) {
		struct image_disc *d = &sc->soft[sc->nsoft++];
		d->r = r0 / 2 + (int)(demo_rand(seed) % (unsigned)r0);
		d->x = (int)(demo_rand(seed) % (unsigned)w);
		d->y = (int)(demo_rand(seed) % (unsigned)(h * 2 / 3 + 1));
		for (int k = 0; k < 3; k++)
			d->ink[k] = 60 + demo_rand(seed) % 120;
	}
}

/* Dark heads and shoulders in front, as if seen from the back rows. */
static void demo_audience(struct image_scene *sc, unsigned *seed)
{
	int step = sc->width / DEMOGEN_HEADS + 1;

	for (int i = 0; i < DEMOGEN_HEADS; i++) {
		int r = step / 5 + (int)(demo_rand(seed) % (unsigned)(step / 8 + 1));
		int x = i * step + step / 2
			+ (int)(demo_rand(seed) % (unsigned)(step / 4 + 1));
		int y = sc->height - r * 2 - (int)(demo_rand(seed) % (unsigned)(r + 1));
		sc->solid[sc->nsolid++] = (struct image_disc){ x, y, r,
			{ 12, 12, 18 } };
		sc->solid[sc->nsolid++] = (struct image_disc){ x, y + r * 3,
			r * 2, { 12, 12, 18 } };
	}
}

int demogen_photo(const char *path, int index, int width, int height,
		char *err, size_t errsz)
{
	struct image_scene sc = { .width = width, .height = height };
	unsigned seed = 2463534242u ^ (unsigned)index * 2654435761u;

	if (index < 0 || width < DEMOGEN_PX_MIN || height < DEMOGEN_PX_MIN
			|| width > DEMOGEN_PX_MAX || height > DEMOGEN_PX_MAX)
		return fail(err, errsz, "photo size out of range");
	if (seed == 0)
		seed = 1;
	memcpy(sc.from, demo_palette[index % 6], sizeof sc.from);
	memcpy(sc.to, demo_palette[index % 6] + 3, sizeof sc.to);
	demo_lights(&sc, &seed);
	demo_audience(&sc, &seed);
	return image_paint(path, &sc, DEMOGEN_JPEG_Q, err, errsz);
}
