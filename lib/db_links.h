/* db_links: what lib/links.c asks the database - which stable names and
 * stored files the public may see.  The rule lives in these queries and
 * nowhere else; lib/links.c only makes the media tree match them.
 *
 * Callbacks get strings valid for the call only.  Each function visits
 * every row even when a callback fails (< 0), so one bad file does not
 * leave the others wrong; it returns the number of rows, or -1 on a
 * database error or when any callback failed. */
#ifndef DB_LINKS_H
#define DB_LINKS_H

/* Every presentation of the edition, trash included: link is its stable
 * name (db_talk_path, "talks/2023-keynote.pdf"); target the stored file
 * ("ab/ab12...ef.pdf") exactly while the talk has slides, is not in the
 * trash and its edition is published, else "" (the link must not exist). */
int db_links_each_talk(long long edition_id,
		int (*fn)(void *ctx, const char *link, const char *target), void *ctx);

/* The id of every edition, in id order. */
int db_links_each_edition(int (*fn)(void *ctx, long long edition_id), void *ctx);

/* The edition a presentation, photo or video (kind as enum db_admin_kind)
 * belongs to, trash included: its id, 0 when there is no such item, -1. */
long long db_links_item_edition(int kind, long long id);

#endif
