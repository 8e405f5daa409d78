/* db_admin: the SQL behind the admin pages - editions, site settings,
 * press releases, presentations, photos, videos, stored media, ordering,
 * the trash and the change stamp.
 *
 * Like lib/db.c: every statement is prepared once (db_prepare slots) and
 * only ever bound; results go into template scopes under the names the
 * admin templates and forms use.  Unlike the public queries these see
 * unpublished editions too.  Nothing here opens a transaction: a handler
 * wraps a change and its db_admin_changed() in db_begin()/db_commit().
 *
 * Return values unless a function says otherwise: an enum db_result for
 * look-ups and for changes to one row (DB_FOUND: found or changed,
 * DB_MISSING: no such row, DB_FAILED: a database error, logged to stderr),
 * a count for lists, a new row's id (> 0), -1 on a database error. */
#ifndef DB_ADMIN_H
#define DB_ADMIN_H

#include <time.h>
#include "db.h"
#include "store.h"
#include "tmpl.h"

/* The ordered, trashable things; SQL differs per table, so the kind picks
 * a fixed statement (table names are never bound or printed into SQL). */
enum db_admin_kind {
	DB_ADMIN_PRESENTATION,
	DB_ADMIN_PHOTO,
	DB_ADMIN_VIDEO,
	DB_ADMIN_SESSION,       /* of the programme: ordered by time, never moved */
	DB_ADMIN_KINDS
};

/* "presentation", "photo", "video", "session"; and back (-1 for anything else). */
const char *db_admin_kind_name(enum db_admin_kind k);
int db_admin_kind_parse(const char *s);

/* ---- the change stamp and the audit log ---- */

/* One change by `admin`: an audit row and site.changed_at = now (never
 * moved backwards).  Call inside the change's transaction.  0 or -1. */
int db_admin_changed(const char *admin, const char *action, const char *object,
		const char *detail, time_t now);

/* The public pages of edition_id changed now (edition.changed_at, never
 * moved backwards): what a visitor sees there, not what only the admin
 * does.  Inside the change's transaction.  0 or -1. */
int db_admin_edition_changed(long long edition_id, time_t now);
/* The site settings changed now (site.settings_changed_at): every page
 * shows them.  0 or -1. */
int db_admin_settings_changed(time_t now);

/* ---- site settings ---- */

/* Sets: name, background_md, contact_name, contact_role, contact_phone,
 * contact_email, imprint_md, privacy_md, press_name, press_email,
 * press_phone, and the German texts background_de_md, contact_role_de,
 * imprint_de_md, privacy_de_md.  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_site(struct tmpl_vars *v);

struct db_admin_site {
	const char *name;
	const char *background_md, *background_html;
	const char *contact_name, *contact_role, *contact_phone, *contact_email;
	const char *imprint_md, *imprint_html;
	const char *privacy_md, *privacy_html;
	const char *press_name, *press_email, *press_phone;  /* the press contact */
	struct {                            /* German; "": the English is shown */
		const char *background_md, *background_html, *contact_role;
		const char *imprint_md, *imprint_html, *privacy_md, *privacy_html;
	} de;
};
enum db_result db_admin_site_update(const struct db_admin_site *s);  /* FOUND/MISSING/FAILED */
/* The site row of a new database, which has none: empty, changed at now;
 * db_admin_site_update() fills it.  1 or -1. */
int db_admin_site_create(time_t now);
/* The published editions the home page can show, newest first, into
 * `list`: home_choice (the year), home_title, home_selected (the admin's
 * current choice).  Count or -1. */
int db_admin_home_choices(struct tmpl_vars *v, const char *list);
/* The edition / shows; 0: the newest published one.  DB_FOUND or DB_FAILED. */
enum db_result db_admin_home_set(int year);
/* The public base URL, already in url_base_normal()'s form ("" for none).
 * DB_FOUND, DB_MISSING (no site row) or DB_FAILED. */
enum db_result db_admin_base_url_set(const char *url);

/* ---- admins, for the command line ---- */

/* Call fn for each admin by name, with the creation time as
 * "2024-05-01 09:30 UTC".  The count, or -1. */
int db_admin_each_user(void (*fn)(void *ctx, const char *name,
		const char *created_utc), void *ctx);

/* ---- editions ---- */

/* Every edition, newest first, into `list`: id, year, title, published,
 * date_text, presentation_count, photo_count, video_count and their
 * *_text ("1 video"), press_langs ("en, de"); and the checklist: has_en,
 * has_de, photos_no_alt(_text), talks_no_slides(_text), no_review,
 * no_review_de (a review only in English), photos_no_de(_text) (alt text
 * or caption only in English), and missing (how many of these, and of no
 * date/talk/photo/video, are still missing).  Count or -1. */
int db_admin_editions(struct tmpl_vars *v, const char *list);

/* The edition's id for year: > 0, 0 when there is none, -1 on error. */
long long db_admin_edition_id(int year);

/* The form's values: edition_id, year, title, starts, ends ("" when NULL),
 * venue, address, headline, summary, review_md, next_md, published, and
 * the German texts headline_de, summary_de, review_de_md, next_de_md.
 * DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_edition(struct tmpl_vars *v, int year);

struct db_admin_edition {
	int year;
	const char *title;
	const char *starts, *ends;          /* NULL or "": none */
	const char *venue, *address, *headline, *summary;
	const char *review_md, *review_html;
	const char *next_md, *next_html;
	int published;
	struct {                            /* German; "": the English is shown */
		const char *headline, *summary;
		const char *review_md, *review_html, *next_md, *next_html;
	} de;
};
/* A new edition: its id, 0 when the year exists, -1 on error. */
long long db_admin_edition_add(const struct db_admin_edition *e);
/* Update the edition of e->year (not the year itself).  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_edition_update(const struct db_admin_edition *e);

/* ---- stored files ---- */

/* The media row for a stored file (made if new, the existing one if that
 * content is known): its id, or -1.  pages 0 and a file without width are
 * stored as NULL. */
long long db_admin_media(const struct store_file *f, const char *mime,
		int pages, time_t now);

/* ---- press releases ---- */

/* The release of edition_id in lang.  Sets: title, subtitle, released,
 * body_md, photo_caption (this language's), state (draft, published,
 * scheduled), publish_at (Unix seconds, 0 none), not_public (1 for a
 * draft or a release scheduled for later).  DB_FOUND, DB_MISSING or
 * DB_FAILED. */
enum db_result db_admin_press(struct tmpl_vars *v, long long edition_id, const char *lang);
/* The state of the release and, when scheduled, when it becomes public
 * (publish_at <= 0: none).  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_press_schedule(long long edition_id, const char *lang,
		const char *state, long long publish_at);

struct db_admin_press {
	long long edition_id;
	const char *lang;                   /* "en" or "de" */
	const char *released, *title, *subtitle, *body_md, *body_html;
	const char *photo_caption;          /* the press photo's, in lang */
};
/* Create or replace the release of (edition_id, lang): its id or -1. */
long long db_admin_press_save(const struct db_admin_press *p);

/* The edition's press kit and cover, both picked from the gallery:
 * press_photo_id ("" none), press_thumb_url, press_alt, press_credit,
 * press_photo_caption (the photo's own caption), cover_photo_id,
 * cover_thumb_url, cover_alt.  1/0/-1. */
enum db_result db_admin_press_kit(struct tmpl_vars *v, long long edition_id);
/* The shared credit; remove drops the press photo.  DB_FOUND, DB_MISSING
 * (no such edition) or DB_FAILED. */
enum db_result db_admin_press_kit_save(long long edition_id, const char *credit, int remove);
enum db_admin_pick { DB_ADMIN_PICK_PRESS, DB_ADMIN_PICK_COVER };
/* Make photo id of the edition (not deleted; for the cover a gallery
 * photo) its press photo or cover.  DB_MISSING: no such photo. */
enum db_result db_admin_photo_pick(long long edition_id, long long id, enum db_admin_pick what);
/* The edition shows no cover any more (the photo stays in the gallery).
 * DB_FOUND, DB_MISSING (no such edition) or DB_FAILED. */
enum db_result db_admin_cover_remove(long long edition_id);

/* ---- presentations ---- */

/* Not deleted, in order, into `list`: id, slug, title, title_de, speakers,
 * affiliation, file_url (the stored file "/admin/media/ab/...", which works
 * before the edition is published), file_label ("PDF, 2.4 MB, 18 pages"; both ""
 * without slides), public_url (the stable /media/ name), is_first,
 * is_last (1 or 0).  Count or -1. */
int db_admin_presentations(struct tmpl_vars *v, long long edition_id,
		const char *list);
/* One, not deleted: id, slug, title, title_de, speakers, affiliation, file_url,
 * file_label, public_url (its stable /media/ name, db_talk_path).
 * DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_presentation(struct tmpl_vars *v, long long edition_id, long long id);
/* Whether slug is used by any presentation of the edition, trash included
 * (the UNIQUE constraint counts those).  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_slug_taken(long long edition_id, const char *slug);

struct db_admin_talk {
	long long edition_id;
	const char *slug, *title, *speakers, *affiliation;
	long long media_id;                 /* 0: no slides */
	const char *title_de;               /* German title; NULL or "": none */
};
/* Appended at the end of the edition's list: the id, or -1. */
long long db_admin_presentation_add(const struct db_admin_talk *t, time_t now);
/* Title, German title, speakers, affiliation (and the slides when media_id > 0) of
 * presentation id of t->edition_id, not deleted.  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_presentation_update(long long id, const struct db_admin_talk *t);

/* ---- photos ---- */

/* Gallery photos (in_gallery = 1) not deleted, in order, into `list`: id,
 * thumb_url, thumb_width, thumb_height, web_url, alt, decorative,
 * caption, credit, published, alt_de, caption_de, is_first, is_last,
 * is_press, is_cover.
 * Count or -1. */
int db_admin_photos(struct tmpl_vars *v, long long edition_id, const char *list);
/* One gallery photo, not deleted: the same names.  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_photo(struct tmpl_vars *v, long long edition_id, long long id);

struct db_admin_photo {
	long long edition_id;
	int in_gallery;                     /* 0: a press photo */
	long long thumb_id, web_id;         /* media rows */
	const char *alt, *caption, *credit;
	const char *alt_de, *caption_de;    /* German; "": the English is shown */
	int decorative;
	int published;
	long long orig_id;                  /* full resolution; 0: none */
};
/* Appended at the end: the id, or -1. */
long long db_admin_photo_add(const struct db_admin_photo *p, time_t now);
/* alt, decorative, caption, credit, published of photo id.  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_photo_update(long long id, const struct db_admin_photo *p);
/* Only the text of any photo of the edition (press photos too).  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_photo_text(long long id, long long edition_id, const char *alt,
		int decorative);
enum db_result db_admin_photo_publish(long long edition_id, long long id, int published);
/* Move gallery photo id just before photo before_id (0: to the end) of
 * the edition, renumbering the gallery.  DB_MISSING: no such photo. */
enum db_result db_admin_photo_place(long long edition_id, long long id, long long before_id);

/* ---- photos to describe ----
 *
 * An upload lands in photo_draft and is never public there; describing it
 * (alt text, or the decorative mark) makes it a published gallery photo at
 * the end of the gallery, in upload order. */

struct db_admin_draft {
	long long edition_id;
	long long thumb_id, web_id, orig_id;  /* media rows */
	const char *name;                     /* the uploader's file name */
};
long long db_admin_draft_add(const struct db_admin_draft *d, time_t now);
/* The first `max` drafts of the edition, oldest first, into `list`: id,
 * thumb_url, thumb_width, thumb_height, web_url, name.  Count or -1. */
int db_admin_drafts(struct tmpl_vars *v, long long edition_id, const char *list,
		int max);
/* Draft id of the edition into v: the same names. */
enum db_result db_admin_draft(struct tmpl_vars *v, long long edition_id, long long id);
/* How many wait: >= 0, or -1. */
long long db_admin_draft_count(long long edition_id);
/* Draft id becomes a gallery photo with p's text (p->edition_id must be
 * the draft's).  The new photo's id, 0 no such draft, -1. */
long long db_admin_draft_describe(long long id, const struct db_admin_photo *p,
		time_t now);
/* Drop draft id of the edition (its files stay, as the media rows do).
 * DB_MISSING: no such draft. */
enum db_result db_admin_draft_discard(long long edition_id, long long id);

/* ---- videos ---- */

/* Not deleted, in order, into `list`: id, title, url, is_first, is_last. */
int db_admin_videos(struct tmpl_vars *v, long long edition_id, const char *list);
/* One, not deleted: id, title, title_de, url. */
enum db_result db_admin_video(struct tmpl_vars *v, long long edition_id, long long id);

struct db_admin_video {
	const char *title, *url;            /* url in its normal form (lib/video.h) */
	const char *title_de;               /* German; "": the English is shown */
};
long long db_admin_video_add(long long edition_id, const struct db_admin_video *d,
		time_t now);
enum db_result db_admin_video_update(long long edition_id, long long id,
		const struct db_admin_video *d);

/* ---- order, trash ---- */

/* Swap item id with its neighbour (dir < 0: the one before, > 0: after)
 * among the edition's items that are not deleted (gallery photos only,
 * for photos).  DB_FOUND moved, DB_MISSING already first/last or no such
 * item, DB_FAILED. */
enum db_result db_admin_move(enum db_admin_kind k, long long edition_id, long long id, int dir);
/* Into the trash (deleted_at = now).  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_admin_trash(enum db_admin_kind k, long long edition_id, long long id,
		time_t now);
/* Out of the trash, back at its place in its edition's list.  DB_FOUND,
 * DB_MISSING or DB_FAILED. */
enum db_result db_admin_restore(enum db_admin_kind k, long long id);
/* The year of the item's edition, trash included: the year, 0 none, -1. */
int db_admin_item_year(enum db_admin_kind k, long long id);
/* Everything in the trash, newest deletion first, into `list`: kind,
 * id, year, title (a photo's alt or caption), deleted_utc.  Count or -1. */
int db_admin_trash_list(struct tmpl_vars *v, const char *list);

#endif
