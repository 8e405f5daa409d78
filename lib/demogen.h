/* demogen: demo files for the seed of a new site; the same arguments give
 * the same bytes.  0 or -1 with a short reason in err. */
#ifndef DEMOGEN_H
#define DEMOGEN_H

#include <stddef.h>

#define DEMOGEN_PAGES_MAX 500
#define DEMOGEN_PX_MIN    16
#define DEMOGEN_PX_MAX    4000

/* A small valid PDF of `pages` pages (1..DEMOGEN_PAGES_MAX, 16:9): a
 * title page with title and subtitle (UTF-8; Latin-1 letters are kept),
 * then one line per page. */
int demogen_pdf(const char *path, const char *title, const char *subtitle,
		int pages, char *err, size_t errsz);

/* A synthetic photo-like JPEG (colour gradient with soft light spots and
 * an audience's silhouettes), different for each index.  Sides
 * DEMOGEN_PX_MIN..DEMOGEN_PX_MAX.  Needs image_init(). */
int demogen_photo(const char *path, int index, int width, int height,
		char *err, size_t errsz);

#endif
