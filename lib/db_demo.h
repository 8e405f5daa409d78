/* db_demo: the SQL that builds a new site database (lib/demo.c).
 *
 * A database being built is not the process's db_open() connection: it is
 * a temporary file without a schema yet (db_open refuses those), it gets
 * written once and must be closed before it is moved into place.  So it
 * has its own handle, and its statements live as long as the build. */
#ifndef DB_DEMO_H
#define DB_DEMO_H

#include <stddef.h>

struct db_demo;             /* a database under construction */

/* Create the database at path (which must not hold one yet) from the
 * schema text, check that the schema's user_version is DB_SCHEMA_VERSION,
 * and open a transaction for the rows.  NULL on error (reason in err). */
struct db_demo *db_demo_create(const char *path, const char *schema_sql,
		char *err, size_t errsz);
/* Commit, switch the file to WAL mode (read-only openers cannot do that
 * themselves) and close.  0, or -1; d is freed either way. */
int db_demo_finish(struct db_demo *d, char *err, size_t errsz);
/* Roll back and close. */
void db_demo_abort(struct db_demo *d);

struct db_demo_site {
	const char *name;
	const char *background_md, *background_html;
	const char *contact_name, *contact_role, *contact_phone, *contact_email;
	const char *imprint_md, *imprint_html;
	const char *privacy_md, *privacy_html;
};

struct db_demo_edition {
	int year;
	const char *title;
	const char *starts, *ends;          /* NULL: not announced / one day */
	const char *venue, *address, *headline, *summary;
	const char *review_md, *review_html;
	const char *next_md, *next_html;
	int published;
};

struct db_demo_media {
	const char *sha256, *path, *mime;
	long long bytes;
	int pages;                          /* 0: not a PDF (stored as NULL) */
	int width, height;                  /* 0: not an image (NULL) */
};

struct db_demo_photo {
	long long edition_id;
	int position, in_gallery;
	long long thumb_id, web_id;
	const char *alt, *caption, *credit;
};

struct db_demo_press {
	long long edition_id;
	const char *lang, *released, *title, *subtitle;
	const char *body_md, *body_html;
	long long photo_id;                 /* 0: none */
	const char *photo_caption, *photo_credit;
};

struct db_demo_talk {
	long long edition_id;
	int position;
	const char *slug, *title, *speakers, *affiliation;
	long long media_id;                 /* 0: no slides */
};

struct db_demo_video {
	long long edition_id;
	int position;
	const char *title, *url;
};

/* Each insert returns the new row's id, or -1 (reason in err). */
long long db_demo_site(struct db_demo *d, const struct db_demo_site *s,
		char *err, size_t errsz);
long long db_demo_edition(struct db_demo *d, const struct db_demo_edition *e,
		char *err, size_t errsz);
/* A stored file; the existing row's id when that content is known already
 * (the same bytes are stored once). */
long long db_demo_media(struct db_demo *d, const struct db_demo_media *m,
		char *err, size_t errsz);
long long db_demo_photo(struct db_demo *d, const struct db_demo_photo *p,
		char *err, size_t errsz);
long long db_demo_press(struct db_demo *d, const struct db_demo_press *p,
		char *err, size_t errsz);
long long db_demo_talk(struct db_demo *d, const struct db_demo_talk *t,
		char *err, size_t errsz);
long long db_demo_video(struct db_demo *d, const struct db_demo_video *v,
		char *err, size_t errsz);

#endif
