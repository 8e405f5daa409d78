/* md: the Markdown an admin writes, as the HTML the templates print raw.
 *
 * This is the only producer of the *_html columns, and t:raw prints them
 * unescaped, so the output must be safe whatever the input:
 *
 *   - CommonMark (Debian's libcmark-gfm, 0.29.gfm) with smart punctuation,
 *     no sourcepos, and GitHub's table extension ("| a | b |" rows under a
 *     "|---|---|" line); table cells hold inlines only, which pass the
 *     same checks as everywhere else.
 *   - Raw HTML is never passed through.  cmark's safe mode would turn it
 *     into "<!-- raw HTML omitted -->"; we go further and show it as the
 *     literal text the admin typed (escaped), so nothing is interpreted and
 *     nothing silently disappears from the preview.
 *   - Link and image destinations must pass an allow-list, the same one
 *     the templates use for URL attributes: http, https, mailto, tel (links
 *     only) or no scheme at all.  A refused link keeps its text and loses
 *     the link; a refused image becomes its alt text.  (cmark's own
 *     blacklist - javascript:, vbscript:, file:, most data: - stays on
 *     underneath as a second line.)
 *   - "# Heading" becomes <h2>, like "## Heading": the page's title is
 *     the only <h1>.  Other levels stay.
 *   - Invalid UTF-8 and NUL bytes become U+FFFD.
 *
 * Input longer than MD_INPUT_MAX is refused: cmark has inputs whose
 * parse time grows with the square of their length ("![[]()" repeated),
 * and a press release is a few kilobytes. */
#ifndef MD_H
#define MD_H

#include <stddef.h>
#include "buf.h"

#define MD_INPUT_MAX (64 * 1024)   /* bytes of Markdown */

/* Append the HTML for md[0..len) to out.  0, or -1 (out unchanged) when
 * len > MD_INPUT_MAX.  Empty input gives empty output. */
int md_to_html(struct buf *out, const char *md, size_t len);

/* The allow-list above, for a destination as the parser returned it.
 * 1 allowed, 0 refused.  Exposed for the tests and the admin's preview. */
int md_url_allowed(const char *url, int is_image);

#endif
