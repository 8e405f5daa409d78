/* image: the photo pipeline on libvips (import of uploads, and the
 * painter of the demo photos).  See image.h for the contracts; the only
 * file of the library built with libvips' (glib's) flags. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vips/vips.h>

#include "buf.h"
#include "image.h"
#include "store.h"

#define IMAGE_IO_CHUNK     65536     /* read size for the scan count */
#define IMAGE_VIPS_THREADS 2         /* one upload at a time per worker */

static int fail(char *err, size_t errsz, const char *msg)
{
	if (err && errsz)
		snprintf(err, errsz, "%s", msg);
	return -1;
}

static int image_ready;
static double image_timeout = IMAGE_DECODE_SECONDS;

int image_init(void)
{
	if (image_ready)
		return 0;
	if (VIPS_INIT("site")) {
		fprintf(stderr, "media: libvips: %s\n", vips_error_buffer());
		vips_error_clear();
		return -1;
	}
	/* Uploads reach only the JPEG and PNG loaders: each further format
	 * is one more parser of hostile input (libvips' own advice). */
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	/* The cache would keep decoded uploads alive between requests. */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	vips_concurrency_set(IMAGE_VIPS_THREADS);
	image_ready = 1;
	return 0;
}

void image_set_timeout(double seconds)
{
	image_timeout = seconds;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum img_kind { IMG_NONE, IMG_JPEG, IMG_PNG };

/* Decide by the first bytes, never by the name or the client's type. */
static enum img_kind sniff(const char *path)
{
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF };
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1A, '\n' };
	unsigned char h[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return IMG_NONE;
	n = read(fd, h, sizeof h);
	close(fd);
	if (n >= 3 && !memcmp(h, jpeg, sizeof jpeg))
		return IMG_JPEG;
	if (n == 8 && !memcmp(h, png, sizeof png))
		return IMG_PNG;
	return IMG_NONE;
}

/* A progressive JPEG is decoded scan by scan before libvips sees a pixel,
 * so the deadline cannot interrupt it; a file of thousands of tiny scans
 * costs minutes (libjpeg-turbo's "-maxscans" advice).  Count the SOS
 * markers: inside entropy-coded data 0xFF is always followed by 0x00 or
 * RSTn (ITU T.81 B.1.1.5), so every FF DA is a scan. */
static int jpeg_scans_ok(const char *path)
{
	unsigned char *chunk = xmalloc(IMAGE_IO_CHUNK);
	int fd = open(path, O_RDONLY | O_CLOEXEC), prev = 0, scans = 0;
	ssize_t n = -1;

	while (fd >= 0 && scans <= IMAGE_JPEG_SCANS_MAX
			&& (n = read(fd, chunk, IMAGE_IO_CHUNK)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			scans += prev == 0xFF && chunk[i] == 0xDA;
			prev = chunk[i];
		}
	}
	if (fd >= 0)
		close(fd);
	free(chunk);
	return n >= 0 && scans <= IMAGE_JPEG_SCANS_MAX;
}

static void log_vips(const char *what)
{
	fprintf(stderr, "media: %s: %s\n", what, vips_error_buffer());
	vips_error_clear();
}

/* The header alone (the loaders are lazy): refuse a decompression bomb
 * before a single pixel is decoded. */
static int check_header(const char *src, enum img_kind kind, int *has_icc,
		char *err, size_t errsz)
{
	VipsImage *im = NULL;
	long long px;
	int r = kind == IMG_JPEG
		? vips_jpegload(src, &im, "access", VIPS_ACCESS_SEQUENTIAL,
			"fail_on", VIPS_FAIL_ON_ERROR, NULL)
		: vips_pngload(src, &im, "access", VIPS_ACCESS_SEQUENTIAL,
			"fail_on", VIPS_FAIL_ON_ERROR, NULL);

	if (r) {
		log_vips("header");
		return fail(err, errsz, "damaged image");
	}
	px = (long long)vips_image_get_width(im) * vips_image_get_height(im);
	*has_icc = vips_image_get_typeof(im, VIPS_META_ICC_NAME) != 0;
	g_object_unref(im);
	if (px > IMAGE_PIXELS_MAX) {
		char msg[96];
		snprintf(msg, sizeof msg, "image too large (%lld megapixels, at "
			"most %lld)", px / 1000000, IMAGE_PIXELS_MAX / 1000000);
		return fail(err, errsz, msg);
	}
	return 0;
}

struct import_run {
	double until;
	int fired;
	int has_icc;          /* the source embeds a colour profile */
};

/* libvips reports progress between tiles; killing the image makes the
 * running computation fail with an error (vips_image_set_kill). */
static void on_eval(VipsImage *im, VipsProgress *progress, void *user)
{
	struct import_run *d = user;

	(void)progress;
	if (now_seconds() > d->until) {
		d->fired = 1;
		vips_image_set_kill(im, TRUE);
	}
}

/* Upright, sRGB, no alpha, 8 bit: what a JPEG for browsers holds. */
static int web_pipeline(VipsObject *ctx, const char *src, struct import_run *dl,
		int px, VipsImage **out)
{
	VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 4);
	VipsImage *cur;

	/* Shrink-on-load: a JPEG is decoded at 1/2, 1/4 or 1/8 scale when
	 * that is still large enough.  The thumbnail turns the image upright
	 * by its EXIF orientation.  An embedded profile (Display P3, Adobe
	 * RGB) is converted to sRGB, as the profile itself is stripped; an
	 * image without one is taken as sRGB already (libvips 8.14 would
	 * otherwise convert it through XYZ for nothing). */
	if (vips_thumbnail(src, &t[0], px, "height", px,
			"size", VIPS_SIZE_DOWN,
			"export_profile", dl->has_icc ? "srgb" : NULL,
			"fail_on", VIPS_FAIL_ON_ERROR, NULL))
		return -1;
	vips_image_set_progress(t[0], TRUE);
	g_signal_connect(t[0], "eval", G_CALLBACK(on_eval), dl);
	if (vips_colourspace(t[0], &t[1], VIPS_INTERPRETATION_sRGB, NULL))
		return -1;
	cur = t[1];
	if (vips_image_hasalpha(cur)) {
		/* Transparent pixels on white, as a page would show them. */
		VipsArrayDouble *white = vips_array_double_newv(3, 255.0,
			255.0, 255.0);
		int r = vips_flatten(cur, &t[2], "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (r)
			return -1;
		cur = t[2];
	}
	if (vips_cast_uchar(cur, &t[3], NULL))
		return -1;
	if (px != IMAGE_WEB_PX) {      /* the full size streams to its file */
		*out = t[3];
		g_object_ref(*out);    /* one reference for each local array */
		return 0;
	}
	/* Decode once, here; web and thumbnail are made from this copy. */
	*out = vips_image_copy_memory(t[3]);
	return *out ? 0 : -1;
}

/* Save im as a metadata-free JPEG into a temp file and store it: the
 * browser sizes progressive and optimised, the full size plain (faster to
 * write, and it is downloaded whole anyway). */
/* The JPEG's bytes go through store_write_all, not libvips' own
 * write(2): a full disk is then noted with its errno (lib/space.h), which
 * libvips would only put into a message. */
static gint64 target_write(VipsTargetCustom *t, const void *data, gint64 n, void *fd)
{
	(void)t;
	return store_write_all(*(int *)fd, data, (size_t)n) < 0 ? -1 : n;
}

static int save_jpeg(const char *root, VipsImage *im, int q, struct store_file *f)
{
	char path[STORE_PATH_MAX];
	VipsTargetCustom *target;
	int fd, r;

	if (store_tmp_open(root, &fd, path))
		return -1;
	target = vips_target_custom_new();
	if (target)
		g_signal_connect(target, "write", G_CALLBACK(target_write), &fd);
	int web = q == IMAGE_JPEG_Q;
	r = !target || vips_jpegsave_target(im, VIPS_TARGET(target), "Q", q, "strip", TRUE,
		"interlace", web, "optimize_coding", web, NULL);
	if (target)
		g_object_unref(target);
	if (close(fd) || r) {
		unlink(path);
		return -1;
	}
	if (store_put(root, path, "jpg", f))
		return -1;
	f->width = vips_image_get_width(im);
	f->height = vips_image_get_height(im);
	return 0;
}

static int import_sizes(const char *root, const char *src,
		struct image_sizes *out, struct import_run *dl, char *err,
		size_t errsz)
{
	VipsObject *ctx = VIPS_OBJECT(vips_image_new());
	VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 3);
	int r = -1;

	/* The full size first: a damaged file fails before anything else is
	 * stored, and its decode is the long one the deadline watches. */
	if (web_pipeline(ctx, src, dl, IMAGE_ORIG_PX, &t[2])
			|| save_jpeg(root, t[2], IMAGE_ORIG_Q, &out->orig)
			|| web_pipeline(ctx, src, dl, IMAGE_WEB_PX, &t[0])) {
		log_vips("decode");
		fail(err, errsz, dl->fired ? "the image took too long to process"
			: "damaged or truncated image");
	} else if (save_jpeg(root, t[0], IMAGE_JPEG_Q, &out->web)
			|| vips_thumbnail_image(t[0], &t[1], IMAGE_THUMB_PX,
				"height", IMAGE_THUMB_PX, "size", VIPS_SIZE_DOWN,
				"no_rotate", TRUE, NULL)
			|| save_jpeg(root, t[1], IMAGE_JPEG_Q, &out->thumb)) {
		log_vips("save");
		fail(err, errsz, "could not store the image");
	} else {
		r = 0;
	}
	g_object_unref(ctx);
	return r;
}

int image_import(const char *root, const char *src_path,
		struct image_sizes *out, char *err, size_t errsz)
{
	struct import_run dl = { 0, 0, 0 };
	enum img_kind kind;

	memset(out, 0, sizeof *out);
	if (!image_ready)
		return fail(err, errsz, "image support is not started");
	/* libvips reads "name[options]" from a file name. */
	if (strchr(src_path, '['))
		return fail(err, errsz, "could not read the upload");
	dl.until = now_seconds() + image_timeout;
	kind = sniff(src_path);
	if (kind == IMG_NONE)
		return fail(err, errsz, "not a JPEG or PNG image");
	if (kind == IMG_JPEG && !jpeg_scans_ok(src_path))
		return fail(err, errsz, "damaged or unusual JPEG (too many scans)");
	if (check_header(src_path, kind, &dl.has_icc, err, errsz)
			|| import_sizes(root, src_path, out, &dl, err, errsz)) {
		store_undo(root, &out->web);    /* no half photo stays */
		store_undo(root, &out->thumb);
		store_undo(root, &out->orig);
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

int image_share(const char *root, const char *src_path, struct store_file *out,
		char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	if (!image_ready)
		return fail(err, errsz, "image support is not started");
	if (strchr(src_path, '['))
		return fail(err, errsz, "could not read the photo");
	VipsObject *ctx = VIPS_OBJECT(vips_image_new());
	VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 2);
	/* size BOTH: a photo narrower than 1200 px is scaled up to fill the
	 * box rather than left short of the size the tags announce. */
	int r = vips_thumbnail(src_path, &t[0], IMAGE_SHARE_W, "height", IMAGE_SHARE_H,
			"size", VIPS_SIZE_BOTH, "crop", VIPS_INTERESTING_ATTENTION,
			"fail_on", VIPS_FAIL_ON_ERROR, NULL)
		|| vips_cast_uchar(t[0], &t[1], NULL)
		|| save_jpeg(root, t[1], IMAGE_JPEG_Q, out);
	if (r)
		log_vips("share");
	g_object_unref(ctx);
	return r ? fail(err, errsz, "could not make the share image") : 0;
}

/* Diagonal gradient between the scene's two colours, as float RGB. */
static int paint_gradient(VipsImage **t, const struct image_scene *sc)
{
	double ab[2] = { 1.0 / sc->width, 1.0 / sc->height }, zero[2] = { 0, 0 };
	double a[3], b[3];

	for (int i = 0; i < 3; i++) {
		a[i] = sc->to[i] - sc->from[i];
		b[i] = sc->from[i];
	}
	return vips_xyz(&t[0], sc->width, sc->height, NULL)
		|| vips_linear(t[0], &t[1], ab, zero, 2, NULL)
		|| vips_bandmean(t[1], &t[2], NULL)       /* 0 .. 1 */
		|| vips_linear(t[2], &t[3], a, b, 3, NULL);
}

static int paint_discs(VipsImage *im, const struct image_disc *d, int n)
{
	for (int i = 0; i < n; i++)
		if (vips_draw_circle(im, (double *)d[i].ink, 3, d[i].x, d[i].y,
				d[i].r, "fill", TRUE, NULL))
			return -1;
	return 0;
}

/* The soft discs on black, blurred, added onto the gradient; the result
 * in memory (t[9]) so that the solid discs can be drawn on it. */
static int paint_soft(VipsImage **t, const struct image_scene *sc)
{
	if (vips_black(&t[4], sc->width, sc->height, "bands", 3, NULL)
			|| !(t[5] = vips_image_copy_memory(t[4]))
			|| paint_discs(t[5], sc->soft, sc->nsoft))
		return -1;
	return vips_gaussblur(t[5], &t[6], sc->blur, NULL)
		|| vips_add(t[3], t[6], &t[7], NULL)
		|| vips_cast_uchar(t[7], &t[8], NULL)
		|| !(t[9] = vips_image_copy_memory(t[8]));
}

int image_paint(const char *path, const struct image_scene *sc, int quality,
		char *err, size_t errsz)
{
	VipsObject *ctx;
	VipsImage **t;
	int r;

	if (!image_ready)
		return fail(err, errsz, "image support is not started");
	if (sc->nsoft > IMAGE_SCENE_DISCS || sc->nsolid > IMAGE_SCENE_DISCS)
		return fail(err, errsz, "too many discs");
	ctx = VIPS_OBJECT(vips_image_new());
	t = (VipsImage **)vips_object_local_array(ctx, 10);
	r = paint_gradient(t, sc) || paint_soft(t, sc)
		|| paint_discs(t[9], sc->solid, sc->nsolid)
		|| vips_jpegsave(t[9], path, "Q", quality, "strip", TRUE, NULL);
	if (r)
		log_vips("paint");
	g_object_unref(ctx);
	return r ? fail(err, errsz, "cannot write the photo") : 0;
}
