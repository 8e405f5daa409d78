/* slides_zip: all slides of an edition as one ZIP file, written with
 * libzip (never by hand).
 *
 * Entries are stored, not recompressed (PDFs hardly shrink), in the order
 * given, each with one fixed modification time and fixed attributes, so the
 * same files under the same names give the same bytes: a rebuild that
 * changes nothing leaves the file (and its ETag) alone.  The file is
 * written to a temporary name in the same directory and renamed over the
 * old one (rename(2) is atomic within one file system), so a download
 * never sees half an archive. */
#ifndef SLIDES_ZIP_H
#define SLIDES_ZIP_H

#include <stddef.h>

#define SLIDES_ZIP_ENTRIES_MAX 999     /* talks of one edition, at most */
#define SLIDES_ZIP_NAME_MAX    160     /* "NN-SLUG.pdf" */

struct slides_zip_entry {
	char name[SLIDES_ZIP_NAME_MAX];   /* in the archive */
	char path[4096];                  /* the file to store */
};

/* Make dest hold exactly entries[0..n) (n > 0), or remove dest (n == 0).
 * Returns 1 when dest changed, 0 when it already was so, -1 on an error
 * (dest then is as before; details on stderr). */
int slides_zip_write(const char *dest, const struct slides_zip_entry *entries, size_t n);

#endif
