/* image: the photo pipeline on libvips - imports of uploaded photos, and
 * the painter the demo photos are drawn with.  The only module built with
 * libvips' flags; public programs never link it.
 *
 * Functions return 0 on success and -1 on failure, with a short reason in
 * err that may be shown to the person uploading; library detail goes to
 * stderr. */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>

#include "store.h"

#define IMAGE_PIXELS_MAX     50000000LL  /* width * height, from the header */
#define IMAGE_WEB_PX         1600        /* longest side of the large JPEG */
#define IMAGE_THUMB_PX       480         /* longest side of the grid JPEG */
#define IMAGE_JPEG_Q         82
#define IMAGE_ORIG_Q         90          /* the full-resolution copy */
#define IMAGE_ORIG_PX        10000000    /* "no limit": libvips' largest side */
#define IMAGE_DECODE_SECONDS 10.0        /* wall-clock budget of one import */
#define IMAGE_JPEG_SCANS_MAX 100         /* progressive scans; cameras: 1-12 */
#define IMAGE_SCENE_DISCS    32          /* discs of each kind in a scene */

/* An imported photo: three sizes, each stored on its own. */
struct image_sizes {
	struct store_file web;      /* longest side <= IMAGE_WEB_PX */
	struct store_file thumb;    /* longest side <= IMAGE_THUMB_PX */
	struct store_file orig;     /* full resolution (the press download) */
};

/* Start libvips for this process (once; later calls do nothing): only the
 * JPEG and PNG loaders stay enabled, no operation cache, little
 * concurrency.  Call before any other image_ function, in each worker
 * after fork(): libvips starts threads. */
int image_init(void);
/* Change the wall-clock budget of one import (default IMAGE_DECODE_SECONDS).
 * For tests and slow machines. */
void image_set_timeout(double seconds);

/* Import a photo from src_path (a JPEG or PNG, recognised by its first
 * bytes): refuse it from the header alone when it has more than
 * IMAGE_PIXELS_MAX pixels, refuse damaged or truncated files, turn it
 * upright (EXIF orientation), convert it to sRGB, drop all metadata (EXIF,
 * GPS, XMP, ICC) and store a web size, a thumbnail and the full resolution
 * as JPEG under root (store_put; the full one baseline at IMAGE_ORIG_Q,
 * as it is for downloads).  src_path is only read (the caller removes it) and must not
 * contain '[', which libvips would read as options.  Errors shown to the
 * uploader: "not a JPEG or PNG image", "image too large (...)", "damaged
 * or truncated image", "damaged or unusual JPEG (too many scans)", "the
 * image took too long to process".
 *
 * Memory: a baseline 24-megapixel JPEG needs about 65 MB; a progressive
 * one needs its whole DCT coefficient buffer in libjpeg (width * height *
 * components * 2 bytes, e.g. 144 MB at 24 MP without chroma subsampling). */
int image_import(const char *root, const char *src_path,
		struct image_sizes *out, char *err, size_t errsz);

/* The share preview of a photo (Open Graph, Twitter cards; the size their
 * documentation asks for, 1.91:1). */
#define IMAGE_SHARE_W 1200
#define IMAGE_SHARE_H 630

/* Crop the stored photo src_path (a JPEG this pipeline wrote) to exactly
 * IMAGE_SHARE_W x IMAGE_SHARE_H: scaled to cover the box, then cut around
 * what libvips' attention measure finds most interesting (edges, skin
 * tones, saturation) rather than the centre, so a speaker at the side of a
 * photo stays in; upscaled when the photo is smaller; metadata stripped;
 * stored as a JPEG under root (out).  err as for image_import. */
int image_share(const char *root, const char *src_path, struct store_file *out,
		char *err, size_t errsz);

/* A painted picture: a diagonal gradient from `from` (top-left) to `to`
 * (bottom-right), the soft discs added onto it after a Gaussian blur of
 * sigma `blur`, then the solid discs drawn over it.  RGB 0..255. */
struct image_disc {
	int x, y, r;
	double ink[3];
};
struct image_scene {
	int width, height;
	double from[3], to[3];
	double blur;
	int nsoft, nsolid;          /* each at most IMAGE_SCENE_DISCS */
	struct image_disc soft[IMAGE_SCENE_DISCS], solid[IMAGE_SCENE_DISCS];
};

/* Paint sc into a metadata-free JPEG of the given quality at path. */
int image_paint(const char *path, const struct image_scene *sc, int quality,
		char *err, size_t errsz);

#endif
