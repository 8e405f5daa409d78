/* db_seo: what share previews, JSON-LD, the sitemap and the feed ask the
 * database (the public rules come from lib/db_rules.h), and the share
 * previews' bookkeeping for the admin program (lib/share.c). */
#ifndef DB_SEO_H
#define DB_SEO_H

#include "db.h"

/* The share preview of edition `year` (published), from its cover photo or
 * its press photo, `prefer` deciding which comes first ("cover" or
 * "press"); either only while the photo is public and has its crop.  Sets
 * share_url (a path), share_width, share_height, share_alt (in lang, the
 * English one where the German is empty); without such
 * a photo the site's fallback (DB_SEO_FALLBACK_URL, the site's name as
 * alt).  DB_FOUND, DB_MISSING (no such published edition) or DB_FAILED. */
#define DB_SEO_FALLBACK_URL "/assets/share.jpg"
enum db_result db_seo_share(struct tmpl_vars *v, int year, const char *prefer,
		const char *lang);

/* An edition's facts as JSON-LD's Event wants them: ld_start and ld_end
 * (the first session's start and the last one's end in Europe/Berlin with
 * its offset, "2023-12-05T09:00:00+01:00"; without a programme the
 * edition's dates, ends defaulting to starts; "" when not announced),
 * ld_online (1 when the venue is "Online"), and the address split for a
 * PostalAddress: ld_street (before the first comma), ld_postal (a German
 * five-digit code after it), ld_locality (the rest).  DB_FOUND,
 * DB_MISSING, DB_FAILED. */
enum db_result db_seo_event(struct tmpl_vars *v, int year);

/* The edition's programme sessions (by time) and then the talks no
 * session stands for, for JSON-LD's subEvent of a page in lang: list
 * `list`, each row ld_name (the title as the page in lang shows it, the
 * English one while there is no German), ld_path (the programme, or the
 * talk's anchor on the presentations page, in lang's part of the site), ld_room, ld_start and ld_end (a session's, as
 * db_seo_event's; "" for a talk) and the list ld_people (ld_person: the
 * speakers field split at ";", " and ", " & " - a comma may be part of a
 * name, "Ing. X, MSc").  Count, or -1. */
int db_seo_talks(struct tmpl_vars *v, int year, const char *lang, const char *list);

/* Times for JSON-LD and Atom (RFC 3339, UTC): site_updated (the last
 * public change of any published edition or of the site settings: the
 * feed's); for a press release of year/lang also press_published (its
 * publication time when scheduled, else its date) and press_updated (its
 * edition's last public change, not before its publication; "" without
 * such a release).  What an edition's time is: lib/db_seo.c. */
enum db_result db_seo_times(struct tmpl_vars *v, int year, const char *lang);

/* Every public page for the sitemap, list `list`, in each language it
 * has: path ("/2023/press", "/de/2023/press"), lastmod (RFC 3339: its
 * edition's last public change, the site settings' for the imprint and
 * privacy pages), and sm_en and sm_de, the
 * English and German addresses when the page has both ("" otherwise);
 * newest edition first.  Pages with nothing on them (an edition's empty
 * gallery or presentations) are left out, and "/" (its canonical address
 * is its edition's).  Count, or -1. */
int db_seo_pages(struct tmpl_vars *v, const char *list);

/* The feed's entries, newest first, list `list`: kind ("press",
 * "edition"), title, summary, lang, path, updated (RFC 3339: the
 * edition's last public change, a release's not before its publication).  Only what
 * the public sees: published editions, press releases public now.  Count,
 * or -1. */
int db_seo_entries(struct tmpl_vars *v, const char *list);

/* ---- the admin program's side (lib/share.c) ---- */

/* The cover and press photos of edition_id (0: of every edition) that
 * have no share preview yet, trash aside: fn gets the photo's id and
 * its stored source ("ab/...jpg": the large size when it covers 1200x630,
 * which is ten times faster to crop than the full resolution, else the
 * full resolution).  Rows, or -1. */
int db_seo_share_missing(long long edition_id,
		int (*fn)(void *ctx, long long photo_id, const char *src), void *ctx);

/* Record media_id as photo_id's share preview unless it has one (another
 * worker was first).  DB_FOUND, DB_MISSING, DB_FAILED. */
enum db_result db_seo_share_set(long long photo_id, long long media_id);

#endif
