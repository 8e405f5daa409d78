/* db_demo: the inserts that fill a new site database.  See db_demo.h. */
#include "db_demo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buf.h"
#include "db.h"

enum {
	ST_SITE, ST_EDITION, ST_MEDIA, ST_MEDIA_ID, ST_PHOTO, ST_PRESS, ST_TALK,
	ST_VIDEO, ST_VERSION, ST_COUNT
};

static const char *const demo_sql[ST_COUNT] = {
	[ST_SITE] =
	"INSERT INTO site (id, name, background_md, background_html,"
	" contact_name, contact_role, contact_phone, contact_email,"
	" imprint_md, imprint_html, privacy_md, privacy_html, changed_at)"
	" VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[ST_EDITION] =
	"INSERT INTO edition (year, title, starts, ends, venue, address,"
	" headline, summary, review_md, review_html, next_md, next_html,"
	" published)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	/* The same bytes are one file and one row (sha256 is UNIQUE). */
	[ST_MEDIA] =
	"INSERT INTO media (sha256, path, mime, bytes, pages, width, height,"
	" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	" ON CONFLICT (sha256) DO NOTHING",
	[ST_MEDIA_ID] =
	"SELECT id FROM media WHERE sha256 = ?1",
	[ST_PHOTO] =
	"INSERT INTO photo (edition_id, position, in_gallery, published,"
	" thumb_id, web_id, alt, decorative, caption, credit, created_at)"
	" VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, 0, ?7, ?8, ?9)",
	[ST_PRESS] =
	"INSERT INTO press (edition_id, lang, released, title, subtitle,"
	" body_md, body_html, photo_id, photo_caption, photo_credit)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_TALK] =
	"INSERT INTO presentation (edition_id, position, slug, title, speakers,"
	" affiliation, media_id, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_VIDEO] =
	"INSERT INTO video (edition_id, position, title, url, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_VERSION] =
	"PRAGMA user_version",
};

struct db_demo {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	long long now;              /* one timestamp for every row of the build */
};

static void set_err(char *err, size_t errsz, const char *what, sqlite3 *db)
{
	snprintf(err, errsz, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static sqlite3_stmt *stmt(struct db_demo *d, int which, char *err, size_t errsz)
{
	if (!d->st[which] &&
	    sqlite3_prepare_v2(d->db, demo_sql[which], -1, &d->st[which], NULL) != SQLITE_OK) {
		set_err(err, errsz, "prepare", d->db);
		return NULL;
	}
	return d->st[which];
}

/* The NOT NULL text columns default to ''; a missing value means that. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

/* For the nullable columns: NULL stays NULL. */
static void bind_text_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Ids and counts where 0 means "none": NULL. */
static void bind_int_null(sqlite3_stmt *st, int i, long long v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Run a bound insert; the new rowid or -1.  Always leaves st reset. */
static long long run_insert(struct db_demo *d, sqlite3_stmt *st, const char *what,
		char *err, size_t errsz)
{
	long long id = -1;
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(d->db);
	else
		set_err(err, errsz, what, d->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return id;
}

static void close_all(struct db_demo *d)
{
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(d->st[i]);
	sqlite3_close(d->db);
	free(d);
}

static int schema_version(struct db_demo *d, char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_VERSION, err, errsz);
	int v = -1;
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		set_err(err, errsz, "user_version", d->db);
	sqlite3_reset(st);
	return v;
}

struct db_demo *db_demo_create(const char *path, const char *schema_sql,
		char *err, size_t errsz)
{
	struct db_demo *d = xcalloc(1, sizeof *d);
	d->now = (long long)time(NULL);
	if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			NULL) != SQLITE_OK) {
		set_err(err, errsz, path, d->db);
		close_all(d);
		return NULL;
	}
	/* foreign_keys is a no-op inside a transaction, so it comes first;
	 * the whole build is one transaction: one sync instead of hundreds. */
	if (sqlite3_exec(d->db, "PRAGMA foreign_keys = ON; BEGIN IMMEDIATE",
			NULL, NULL, NULL) != SQLITE_OK) {
		set_err(err, errsz, "begin", d->db);
		close_all(d);
		return NULL;
	}
	if (sqlite3_exec(d->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		set_err(err, errsz, "schema", d->db);
		db_demo_abort(d);
		return NULL;
	}
	int v = schema_version(d, err, errsz);
	if (v != DB_SCHEMA_VERSION) {
		if (v >= 0)
			snprintf(err, errsz, "schema: user_version is %d, this program needs %d",
					v, DB_SCHEMA_VERSION);
		db_demo_abort(d);
		return NULL;
	}
	return d;
}

int db_demo_finish(struct db_demo *d, char *err, size_t errsz)
{
	int rc = 0;
	if (sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		set_err(err, errsz, "commit", d->db);
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	} else if (sqlite3_exec(d->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)
			!= SQLITE_OK) {
		set_err(err, errsz, "journal_mode", d->db);
		rc = -1;
	}
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(d->st[i]);
		d->st[i] = NULL;
	}
	/* The last close checkpoints the WAL into the file and removes the
	 * -wal and -shm files, so the single file can be moved into place. */
	if (sqlite3_close(d->db) != SQLITE_OK && rc == 0) {
		set_err(err, errsz, "close", d->db);
		rc = -1;
	}
	d->db = NULL;
	free(d);
	return rc;
}

void db_demo_abort(struct db_demo *d)
{
	if (!d)
		return;
	sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	close_all(d);
}

long long db_demo_site(struct db_demo *d, const struct db_demo_site *s,
		char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_SITE, err, errsz);
	if (!st)
		return -1;
	bind_text(st, 1, s->name);
	bind_text(st, 2, s->background_md);
	bind_text(st, 3, s->background_html);
	bind_text(st, 4, s->contact_name);
	bind_text(st, 5, s->contact_role);
	bind_text(st, 6, s->contact_phone);
	bind_text(st, 7, s->contact_email);
	bind_text(st, 8, s->imprint_md);
	bind_text(st, 9, s->imprint_html);
	bind_text(st, 10, s->privacy_md);
	bind_text(st, 11, s->privacy_html);
	sqlite3_bind_int64(st, 12, d->now);
	return run_insert(d, st, "site", err, errsz);
}

long long db_demo_edition(struct db_demo *d, const struct db_demo_edition *e,
		char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_EDITION, err, errsz);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, e->year);
	bind_text(st, 2, e->title);
	bind_text_null(st, 3, e->starts);
	bind_text_null(st, 4, e->ends);
	bind_text(st, 5, e->venue);
	bind_text(st, 6, e->address);
	bind_text(st, 7, e->headline);
	bind_text(st, 8, e->summary);
	bind_text(st, 9, e->review_md);
	bind_text(st, 10, e->review_html);
	bind_text(st, 11, e->next_md);
	bind_text(st, 12, e->next_html);
	sqlite3_bind_int(st, 13, e->published ? 1 : 0);
	return run_insert(d, st, "edition", err, errsz);
}

long long db_demo_media(struct db_demo *d, const struct db_demo_media *m,
		char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_MEDIA, err, errsz);
	sqlite3_stmt *q = stmt(d, ST_MEDIA_ID, err, errsz);
	if (!st || !q)
		return -1;
	bind_text(st, 1, m->sha256);
	bind_text(st, 2, m->path);
	bind_text(st, 3, m->mime);
	sqlite3_bind_int64(st, 4, m->bytes);
	bind_int_null(st, 5, m->pages);
	bind_int_null(st, 6, m->width);
	bind_int_null(st, 7, m->height);
	sqlite3_bind_int64(st, 8, d->now);
	if (run_insert(d, st, "media", err, errsz) < 0)
		return -1;

	long long id = -1;
	bind_text(q, 1, m->sha256);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	else
		set_err(err, errsz, "media id", d->db);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return id;
}

long long db_demo_photo(struct db_demo *d, const struct db_demo_photo *p,
		char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_PHOTO, err, errsz);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->edition_id);
	sqlite3_bind_int(st, 2, p->position);
	sqlite3_bind_int(st, 3, p->in_gallery ? 1 : 0);
	sqlite3_bind_int64(st, 4, p->thumb_id);
	sqlite3_bind_int64(st, 5, p->web_id);
	bind_text(st, 6, p->alt);
	bind_text(st, 7, p->caption);
	bind_text(st, 8, p->credit);
	sqlite3_bind_int64(st, 9, d->now);
	return run_insert(d, st, "photo", err, errsz);
}

long long db_demo_press(struct db_demo *d, const struct db_demo_press *p,
		char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_PRESS, err, errsz);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->edition_id);
	bind_text(st, 2, p->lang);
	bind_text(st, 3, p->released);
	bind_text(st, 4, p->title);
	bind_text(st, 5, p->subtitle);
	bind_text(st, 6, p->body_md);
	bind_text(st, 7, p->body_html);
	bind_int_null(st, 8, p->photo_id);
	bind_text(st, 9, p->photo_caption);
	bind_text(st, 10, p->photo_credit);
	return run_insert(d, st, "press", err, errsz);
}

long long db_demo_talk(struct db_demo *d, const struct db_demo_talk *t,
		char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_TALK, err, errsz);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, t->edition_id);
	sqlite3_bind_int(st, 2, t->position);
	bind_text(st, 3, t->slug);
	bind_text(st, 4, t->title);
	bind_text(st, 5, t->speakers);
	bind_text(st, 6, t->affiliation);
	bind_int_null(st, 7, t->media_id);
	sqlite3_bind_int64(st, 8, d->now);
	return run_insert(d, st, "presentation", err, errsz);
}

long long db_demo_video(struct db_demo *d, const struct db_demo_video *v,
		char *err, size_t errsz)
{
	sqlite3_stmt *st = stmt(d, ST_VIDEO, err, errsz);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, v->edition_id);
	sqlite3_bind_int(st, 2, v->position);
	bind_text(st, 3, v->title);
	bind_text(st, 4, v->url);
	sqlite3_bind_int64(st, 5, d->now);
	return run_insert(d, st, "video", err, errsz);
}
