/* share: the share previews (Open Graph and Twitter cards' image) follow
 * the editions' cover and press photos.
 *
 * A photo gets its preview - a 1200x630 crop (image_share), a stored file
 * and media row like its other sizes, photo.share_id - the first time it
 * is an edition's cover or press photo, and keeps it: a photo's pixels
 * never change, so the crop never goes stale, and no request ever makes
 * one.  Whether the file is public is lib/db_links.c's rule (the photo is
 * shown as cover or press photo); taken down, it goes with the photo.
 *
 * Call share_sync() where links_reconcile_*() is called after a change
 * (before it, so the new file is sorted at once): the admin's commits,
 * every admin worker start (a site of an earlier release, a crash between
 * a commit and its crop) and `admin init`.  Needs image_init() and the
 * database open read-write; holds the write lock while it works. */
#ifndef SHARE_H
#define SHARE_H

#include <time.h>

/* The missing previews of edition_id's cover and press photo (0: of every
 * edition) made and recorded, in one transaction.  The number made, or -1
 * when one could not be made (the others are kept; details on stderr). */
int share_sync(const char *root, long long edition_id, time_t now);

#endif
