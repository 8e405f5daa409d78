/* slides_zip: all slides of an edition as one ZIP file, written with
 * libzip (never by hand).
 *
 * Entries are stored, not recompressed (PDFs hardly shrink), in the order
 * given, each with one fixed modification time and fixed attributes, so the
 * same files under the same names give the same bytes.  The archive's
 * comment names what it holds (SLIDES_ZIP_COMMENT and a SHA-256 of the
 * entries' names, files and sizes: the files are the stored ones, named by
 * their content), so an archive that already holds the entries is known
 * from its last bytes and left alone (and its ETag) without reading any
 * PDF.  The file is
 * written to a temporary name in the same directory and renamed over the
 * old one (rename(2) is atomic within one file system), so a download
 * never sees half an archive. */
#ifndef SLIDES_ZIP_H
#define SLIDES_ZIP_H

#include <stddef.h>

#define SLIDES_ZIP_ENTRIES_MAX 999     /* talks of one edition, at most */
#define SLIDES_ZIP_NAME_MAX    160     /* "NN-SLUG.pdf" */
#define SLIDES_ZIP_COMMENT     "symposium slides sha256:"
#define SLIDES_ZIP_COMMENT_MAX (sizeof SLIDES_ZIP_COMMENT + 64)

struct slides_zip_entry {
	char name[SLIDES_ZIP_NAME_MAX];   /* in the archive */
	char path[4096];                  /* the file to store */
};

/* Make dest hold exactly entries[0..n) (n > 0), or remove dest (n == 0).
 * An entry's path must name its content (a stored file): a file changed
 * in place under the same name and size is not noticed.
 * Returns 1 when dest changed, 0 when it already was so, -1 on an error
 * (dest then is as before; details on stderr). */
int slides_zip_write(const char *dest, const struct slides_zip_entry *entries, size_t n);

#endif
