/* demo: create a site from scratch - the var directory, its database and,
 * for the demo, the content of deploy/demo/content.xml with generated
 * media (slides as PDFs, gallery and press photos). */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>

#define DEMO_FILE_MAX     (1024 * 1024)   /* schema.sql, content.xml */
#define DEMO_EMPTY_NAME   "Symposium"     /* site name of an empty site */

/* What demo_init did, for the person running it. */
struct demo_report {
	int editions, press, presentations, videos, photos, media;
};

/* Create vardir with media/, media/tmp/, run/ and log/, then
 * vardir/site.db from the schema at schema_path: with the content of the
 * file content_path, or, when content_path is NULL, with only the site
 * row (named DEMO_EMPTY_NAME) so that the pages have something to show.
 *
 * The database is built as vardir/site.db.tmp-XXXXXX and linked into place
 * only when complete, so a crash never leaves a half database; the link
 * fails rather than replace a database someone made meanwhile.  Media files
 * are content-addressed, so those of an interrupted run are simply reused.
 *
 * The rows go in through lib/db_admin*.c on the process's connection of
 * lib/db.c, which it opens and closes again: call it while no other
 * database is open.
 *
 * Returns 0 when it created the site, 1 when vardir/site.db existed
 * already (nothing changed), -1 on error (reason in err, nothing left
 * behind but directories and reusable media files). */
int demo_init(const char *vardir, const char *schema_path, const char *content_path,
		struct demo_report *rep, char *err, size_t errsz);

/* Remove the indentation all non-blank lines share, and blank lines at
 * both ends: Markdown may then be indented in the XML file.  The result
 * is allocated. */
char *demo_dedent(const char *s);

#endif
