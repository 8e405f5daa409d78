/* pdf: what the site checks of an uploaded PDF, without a PDF library and
 * in bounded memory.  Errors put a short reason in err that may be shown
 * to the person uploading ("not a readable PDF"). */
#ifndef PDF_H
#define PDF_H

#include <stddef.h>

#define PDF_PAGES_MAX  100000      /* larger /Count: not believed */

/* Check that path holds a PDF and count its pages.  It must start with
 * "%PDF-1." or "%PDF-2." and end (within its last 1 KiB) with "%%EOF".
 * Pages: the /Count of the root /Pages node, else the number of /Type
 * /Page objects; objects inside Flate-compressed object streams (PDF 1.5)
 * are inflated and read too.  Fewer than one page: "not a readable PDF".
 * 0 or -1. */
int pdf_check(const char *path, int *pages, char *err, size_t errsz);

#endif
