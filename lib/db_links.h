/* db_links: what lib/links.c asks the database - which stable names and
 * stored files the public may see, and the purge that removes an item
 * from the trash for good.  The rule lives in these queries and
 * nowhere else; lib/links.c only makes the media tree match them.
 *
 * Callbacks get strings valid for the call only.  Each function visits
 * every row even when a callback fails (< 0), so one bad file does not
 * leave the others wrong; it returns the number of rows, or -1 on a
 * database error or when any callback failed. */
#ifndef DB_LINKS_H
#define DB_LINKS_H

#include "db.h"

/* Every presentation of the edition, trash included: link is its stable
 * name (db_talk_path, "talks/2023-keynote.pdf"); target the stored file
 * ("ab/ab12...ef.pdf") exactly while the talk has slides, is not in the
 * trash and its edition is published, else "" (the link must not exist). */
int db_links_each_talk(long long edition_id,
		int (*fn)(void *ctx, const char *link, const char *target), void *ctx);

/* The slides of edition_id for its ZIP (lib/slides_zip.h): zip gets its
 * stable name (db_slides_zip_path; "" when there is no such edition),
 * then fn gets, in the talks' order, the slug and stored file ("ab/..pdf")
 * of every live talk with slides, only while the edition is published. */
int db_links_each_slide(long long edition_id, char *zip, size_t n,
		int (*fn)(void *ctx, const char *slug, const char *target), void *ctx);

/* The id of every edition, in id order. */
int db_links_each_edition(int (*fn)(void *ctx, long long edition_id), void *ctx);

/* The edition a presentation, photo or video (kind as enum db_admin_kind)
 * belongs to, trash included: its id, 0 when there is no such item, -1. */
long long db_links_item_edition(int kind, long long id);

/* Stored files (media rows): path ("ab/ab12...ef.jpg") and public, 1 when
 * the public may see it - the slides of a live talk of a published
 * edition; the two sizes of a live, published photo of a published
 * edition shown in its gallery, as its cover or as its press photo; the
 * share preview of such a cover or press photo; the
 * press photo's full resolution - else 0 (drafts, the trash, unpublished
 * photos and editions, replaced files).  edition_id 0:
 * every row; otherwise the rows that edition's talks and photos use, and
 * the rows nothing uses (a replaced PDF). */
int db_links_each_media(long long edition_id,
		int (*fn)(void *ctx, const char *path, int public), void *ctx);

/* Whether a media row has this path. */
enum db_result db_links_media_known(const char *path);

#define DB_LINKS_ITEM_FILES 4    /* media rows one item uses at most */

/* Purge item id of kind from the trash for good: its row (only while it
 * is in the trash), and the media rows only it used (at most
 * DB_LINKS_ITEM_FILES), whose paths go to fn
 * (for the caller to delete after the commit).  Call inside a
 * transaction.  DB_FOUND, DB_MISSING (not in the trash) or DB_FAILED. */
enum db_result db_links_purge(int kind, long long id,
		int (*fn)(void *ctx, const char *path), void *ctx);

#endif
