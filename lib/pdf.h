/* pdf: what the site checks of an uploaded PDF, without a PDF library and
 * in bounded memory.  Errors put a short reason in err that may be shown
 * to the person uploading ("not a readable PDF"). */
#ifndef PDF_H
#define PDF_H

#include <stddef.h>

#define PDF_PAGES_MAX  100000      /* larger /Count: not believed */
#define PDF_ACTIVE_MSG "the PDF contains active content (JavaScript, " \
	"actions, embedded files or forms); export it again as a plain PDF"

/* Check that path holds a PDF and count its pages.  It must start with
 * "%PDF-1." or "%PDF-2." and end (within its last 1 KiB) with "%%EOF".
 * Pages: the /Count of the root /Pages node when that many /Type /Page
 * objects were read, else the number read; objects inside Flate-compressed
 * object streams (PDF 1.5) are inflated and read too.  Fewer than one
 * page: "not a readable PDF".  A file naming active content (/JS,
 * /JavaScript, /Launch, /AA, /EmbeddedFile(s), /RichMedia, /XFA, remote
 * go-tos, form submission) outside its content streams is refused with
 * PDF_ACTIVE_MSG: slides are served from the site's origin.  0 or -1. */
int pdf_check(const char *path, int *pages, char *err, size_t errsz);

#endif
