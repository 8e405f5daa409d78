/* export: the public site as static files under its own URLs - every
 * published edition's pages in each language, the gallery's pages, the
 * imprint and privacy pages, the 404 page, the media files those pages
 * use and the assets - for a plain web server, a CDN or an object store.
 *
 * The pages: /, /imprint, /privacy, each published edition's pages, in
 * English and under /de in German, and every page these link to (breadth
 * first).  They are rendered by the
 * public programs themselves, run as plain CGI
 * (RFC 3875) with the site's database: the same code and templates that
 * serve the live site, byte for byte, and no HTTP server involved.
 *
 * Layout under the directory (URL -> file):
 *   /                         index.html
 *   /imprint, /privacy        imprint/index.html, privacy/index.html
 *   /YEAR/                    YEAR/index.html
 *   /YEAR/press               YEAR/press/index.html
 *   /de/...                   de/... as above (/de/ is de/index.html)
 *   /YEAR/presentations       YEAR/presentations/index.html
 *   /YEAR/gallery[?page=N]    YEAR/gallery/index.html, YEAR/gallery/page-N.html
 *   /YEAR/gallery/ID          YEAR/gallery/ID/index.html (and any page linked)
 *   /YEAR/programme.ics       YEAR/programme.ics, /YEAR/programme/ID.ics the same
 *                             (the German ones under de/ as the pages)
 *   (any other address)       404.html
 *   /media/..., /assets/...   the files
 * deploy/nginx/export.conf serves it (try_files $uri $uri/index.html).
 *
 * Run again, it writes only files whose bytes changed and removes files
 * the site no longer has.  A directory that is not empty must carry the
 * marker EXPORT_MARKER of an earlier export: an export never deletes in a
 * directory it did not make. */
#ifndef EXPORT_H
#define EXPORT_H

#include <stddef.h>

#define EXPORT_MARKER      ".symposium-export"
#define EXPORT_PAGE_MAX    (16 * 1024 * 1024)  /* one rendered page */
#define EXPORT_PAGES_MAX   200000              /* pages of one export */
#define EXPORT_CGI_SECONDS 30                  /* one page's rendering */

struct export_config {
	const char *db_path;         /* the site's database */
	const char *templates_dir;   /* templates/ (assets/ inside) */
	const char *programs_dir;    /* where home, press... are */
	const char *out_dir;
};

struct export_report {
	int pages;                   /* pages rendered */
	int files;                   /* files the export holds now */
	int written;                 /* of them, written this time */
	int unchanged;               /* of them, already there byte for byte */
	int removed;                 /* files of an earlier export removed */
};

/* 0, or -1 with the reason in err (files written before the failure stay;
 * nothing is removed). */
int export_site(const struct export_config *c, struct export_report *rep,
		char *err, size_t errsz);

#endif
