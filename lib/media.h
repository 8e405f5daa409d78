/* media: the uploaded files - content-addressed storage, the PDF check, the
 * photo pipeline (libvips) and the generated demo files.
 *
 * Only the admin program and the seeding code link this module; public
 * programs serve the stored files through the web server and never decode
 * anything a client sent.
 *
 * Layout under the media root (served read-only as /media/):
 *
 *   tmp/                 uploads being written; emptied at start-up
 *   ab/ab12...ef.jpg     every stored file, named by the SHA-256 of its
 *                        bytes (a client's file name is never part of a path)
 *   talks/2023-slug.pdf  stable names: relative symlinks to stored files
 *
 * Functions return 0 on success and -1 on failure.  Those taking err/errsz
 * put a short reason there that may be shown to the person uploading
 * ("not a readable PDF"); library detail goes to stderr. */
#ifndef MEDIA_H
#define MEDIA_H

#include <stddef.h>

#define MEDIA_HEX_LEN        64          /* SHA-256 as lower-case hex */
#define MEDIA_EXT_MAX        8           /* "pdf", "jpg": [a-z0-9]{1,8} */
#define MEDIA_REL_MAX        (3 + MEDIA_HEX_LEN + 1 + MEDIA_EXT_MAX + 1)
#define MEDIA_PATH_MAX       4096        /* absolute paths we build */

#define MEDIA_PIXELS_MAX     50000000LL  /* width * height, from the header */
#define MEDIA_WEB_PX         1600        /* longest side of the large JPEG */
#define MEDIA_THUMB_PX       480         /* longest side of the grid JPEG */
#define MEDIA_JPEG_Q         82
#define MEDIA_DECODE_SECONDS 10.0        /* wall-clock budget of one import */
#define MEDIA_JPEG_SCANS_MAX 100         /* progressive scans; cameras: 1-12 */
#define MEDIA_PDF_PAGES_MAX  100000      /* larger /Count: not believed */
#define MEDIA_TMP_STALE_SECONDS (24 * 3600) /* older temp files are leftovers */

/* One stored file. */
struct media_file {
	char sha256[MEDIA_HEX_LEN + 1];
	char path[MEDIA_REL_MAX];   /* relative to the root: "ab/ab12...ef.jpg" */
	long long bytes;
	int width, height;          /* images; 0 for other files */
	int created;                /* 1: this store put the file in place,
				       2: and made its directory too */
};

/* An imported photo: both sizes, each stored on its own. */
struct media_image {
	struct media_file web;      /* longest side <= MEDIA_WEB_PX */
	struct media_file thumb;    /* longest side <= MEDIA_THUMB_PX */
};

/* ---- storage ---- */

/* Create a new empty file root/tmp/up-XXXXXX (mode 0640, close-on-exec),
 * making root/tmp if needed.  *fd is open for writing; path receives its
 * name.  The caller writes, closes, then hands it to media_store() or
 * unlinks it. */
int media_tmp_open(const char *root, int *fd, char path[MEDIA_PATH_MAX]);

/* Write all n bytes of p to fd (retrying short writes and EINTR); 0 or -1.
 * What uploads use to fill a temp file. */
int media_write_all(int fd, const void *p, size_t n);

/* Move a finished temp file (which must lie in root/tmp/) to its content
 * address root/<2 hex>/<64 hex>.<ext>: fsync the file, rename it into
 * place, fsync the directory (and the root when the directory is new).  If
 * that content is already stored the temp file is just removed, so storing
 * the same bytes twice gives the same result.  The temp file is gone after
 * the call whether or not it succeeded. */
int media_store(const char *root, const char *tmp_path, const char *ext,
		struct media_file *out);

/* Remove the file of f again when media_store created it (a request
 * refused after storing: all or nothing), and its directory when that
 * store made it and it is empty again.  A file that was already stored
 * before stays, as rows may refer to it. */
void media_unstore(const char *root, struct media_file *f);

/* Remove what a crashed writer left in root/tmp/ and half-made links in
 * root/talks/: entries not modified for MEDIA_TMP_STALE_SECONDS.  Younger
 * ones may belong to a request another process is still answering (plain
 * CGI and mod_fcgid start a process, and so this clean-up, per request or
 * on demand).  Returns the number of files removed, or -1. */
int media_clean_tmp(const char *root);

/* Point root/<link_rel> (e.g. "talks/2023-keynote.pdf") at the stored file
 * target_rel (e.g. "ab/ab12...ef.pdf") with a relative symlink, replacing
 * any previous link atomically: readers see the old file or the new one,
 * never none.  link_rel is "<dir>/<name>" with [a-z0-9-] in dir and
 * [a-z0-9.-] in name (no leading dot); target_rel must have the form
 * media_store() gives. */
int media_link(const char *root, const char *link_rel, const char *target_rel);

/* ---- PDF ---- */

/* Check that path holds a PDF and count its pages, without a PDF library
 * and in bounded memory.  It must start with "%PDF-1." or "%PDF-2." and end
 * (within its last 1 KiB) with "%%EOF".  Pages: the /Count of the root
 * /Pages node, else the number of /Type /Page objects; objects inside
 * Flate-compressed object streams (PDF 1.5) are inflated and read too.
 * Fewer than one page: "not a readable PDF". */
int media_pdf_check(const char *path, int *pages, char *err, size_t errsz);

/* ---- photos (libvips) ---- */

/* Start libvips for this process (once; later calls do nothing): only the
 * JPEG and PNG loaders stay enabled, no operation cache, little
 * concurrency.  Call before any other media_image_ or media_demo_photo,
 * in each worker after fork(): libvips starts threads. */
int media_image_init(void);
/* Change the wall-clock budget of one import (default MEDIA_DECODE_SECONDS).
 * For tests and slow machines. */
void media_image_set_timeout(double seconds);

/* Import a photo from src_path (a JPEG or PNG, recognised by its first
 * bytes): refuse it from the header alone when it has more than
 * MEDIA_PIXELS_MAX pixels, refuse damaged or truncated files, turn it
 * upright (EXIF orientation), convert it to sRGB, drop all metadata (EXIF,
 * GPS, XMP, ICC) and store a web size and a thumbnail as JPEG.  src_path
 * is only read (the caller removes it) and must not contain '[', which
 * libvips would read as options.  Errors shown to the uploader:
 * "not a JPEG or PNG image", "image too large (...)", "damaged or
 * truncated image", "damaged or unusual JPEG (too many scans)", "the
 * image took too long to process".
 *
 * Memory: a baseline 24-megapixel JPEG needs about 65 MB; a progressive
 * one needs its whole DCT coefficient buffer in libjpeg (width * height *
 * components * 2 bytes, e.g. 144 MB at 24 MP without chroma subsampling). */
int media_image_import(const char *root, const char *src_path,
		struct media_image *out, char *err, size_t errsz);

/* ---- demo files for the seed; the same arguments give the same bytes ---- */

/* A small valid PDF of `pages` pages (1..MEDIA_DEMO_PAGES_MAX, 16:9): a
 * title page with title and subtitle (UTF-8; Latin-1 letters are kept),
 * then one line per page. */
#define MEDIA_DEMO_PAGES_MAX 500
int media_demo_pdf(const char *path, const char *title, const char *subtitle,
		int pages, char *err, size_t errsz);

/* A synthetic photo-like JPEG (colour gradient with soft light spots),
 * different for each index.  Sides 16..4000.  Needs media_image_init(). */
int media_demo_photo(const char *path, int index, int width, int height,
		char *err, size_t errsz);

#endif
