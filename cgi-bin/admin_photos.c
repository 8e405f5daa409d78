/* admin_photos: an edition's gallery - photos in bulk (each file taken or
 * refused on its own), the photos "to describe", editing, publishing,
 * reordering, deleting, and picking the press photo and the cover. */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "image.h"
#include "store.h"
#include "space.h"

/* Photos on one describe page.  Its form (multipart: typed text is not
 * %-encoded) is up to 100 * 8 fields of at most 300 bytes: within
 * FORM_FIELDS_MAX and the 1 MB deploy/programs.tsv gives the address. */
#define ADMIN_DESCRIBE_MAX 100

static void list_page(struct admin_ctx *c, int status)
{
	long long drafts = db_admin_draft_count(c->edition_id);
	if (db_admin_photos(c->v, c->edition_id, "photos") < 0 || drafts < 0 ||
	    db_admin_press_kit(c->v, c->edition_id) != DB_FOUND) {
		admin_fail(c, 500, NULL);
		return;
	}
	tmpl_seti(c->v, "draft_count", drafts);
	admin_render(c, "photos.xml", status);
}

void admin_photos_get(struct admin_ctx *c)
{
	list_page(c, 200);
}

void admin_photos_form(struct admin_ctx *c)
{
	list_page(c, c->status);
}

static int text_ok(const char *s)
{
	return strlen(s) <= ADMIN_TEXT_MAX && !strpbrk(s, "\r\n");
}

/* ---- upload: every file on its own ---- */

/* The three stored sizes of an import, their rows, the draft and its
 * audit row in one transaction.  0, or -1 with nothing of it in the
 * database (the caller removes the files). */
static int save_draft(struct admin_ctx *c, const struct upload_file *f,
		const struct image_sizes *img)
{
	char object[32], detail[FORM_FILENAME_MAX + 32];
	struct db_admin_draft d = { .edition_id = c->edition_id, .name = f->name };
	if (db_begin() < 0)
		return -1;
	d.web_id = db_admin_media(&img->web, "image/jpeg", 0, c->now);
	d.thumb_id = db_admin_media(&img->thumb, "image/jpeg", 0, c->now);
	d.orig_id = db_admin_media(&img->orig, "image/jpeg", 0, c->now);
	snprintf(object, sizeof object, "gallery %04d", c->year);
	snprintf(detail, sizeof detail, "%s added, to describe", f->name);
	if (d.web_id < 0 || d.thumb_id < 0 || d.orig_id < 0 ||
	    db_admin_draft_add(&d, c->now) < 0 ||
	    db_admin_changed(c->s.admin, "upload", object, detail, c->now) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return 0;
}

/* A file refused because the disk is full (lib/space.h): 507. */
static int no_space(const struct upload_file *f, char *msg, size_t msgsz)
{
	snprintf(msg, msgsz, "%s: not stored, the server is out of disk space. "
		 "Nothing of it was kept; please try again once space is freed.", f->name);
	return 507;
}

/* One file judged by its content, imported and kept "to describe".  0, or
 * the status of its refusal with the reason in msg. */
static int take_file(struct admin_ctx *c, const struct upload_file *f,
		char *msg, size_t msgsz)
{
	char err[UPLOAD_MSG_MAX];
	struct image_sizes img;
	if (f->too_large) {
		snprintf(msg, msgsz, "%s: larger than %lld MB.", f->name,
			 UPLOAD_IMAGE_MAX / 1000000);
		return 413;
	}
	if (f->no_space)
		return no_space(f, msg, msgsz);
	if (!f->path[0]) {
		snprintf(msg, msgsz, "%s: the file is empty.", f->name);
		return 422;
	}
	if (image_import(admin_media_root(), f->path, &img, err, sizeof err) < 0) {
		if (space_short())
			return no_space(f, msg, msgsz);
		snprintf(msg, msgsz, "%s: %s.", f->name, err);
		return 422;
	}
	if (save_draft(c, f, &img) < 0) {
		store_undo(admin_media_root(), &img.web);
		store_undo(admin_media_root(), &img.thumb);
		store_undo(admin_media_root(), &img.orig);
		if (space_short())
			return no_space(f, msg, msgsz);
		snprintf(msg, msgsz, "%s: could not be saved; please try again.", f->name);
		return 500;
	}
	snprintf(msg, msgsz, "%s: added, to describe.", f->name);
	return 0;
}

/* The script sends one file per request and shows the answer's text next
 * to that file: plain text, no page. */
static void answer_text(struct admin_ctx *c, int status, const char *msg)
{
	c->w->status = status;
	c->w->content_type = "text/plain; charset=utf-8";
	c->w->cache_control = "no-store";
	buf_reset(&c->w->body);
	buf_puts(&c->w->body, msg);
	buf_puts(&c->w->body, "\n");
}

/* POST /admin/YEAR/photos: any number of files in the field "file".  Each
 * is taken or refused on its own: a refused file changes nothing, the
 * others are kept.  Without the script the page comes back listing the
 * refusals (or, when all were taken, the describe page follows). */
void admin_photos_post(struct admin_ctx *c)
{
	char msg[FORM_FILENAME_MAX + UPLOAD_MSG_MAX + 64];
	int one = strcmp(admin_value(c, "one"), "1") == 0;
	int added = 0, worst = 0;
	for (size_t i = 0; i < c->up.nfiles; i++) {
		const struct upload_file *f = &c->up.files[i];
		if (!f->name[0])
			continue;               /* the browser's "no file chosen" part */
		int st = take_file(c, f, msg, sizeof msg);
		if (st == 0) {
			added++;
			continue;
		}
		tmpl_set(tmpl_add(c->v, "refused"), "msg", msg);
		worst = st > worst ? st : worst;
	}
	if (!added && !worst) {
		worst = 422;
		snprintf(msg, sizeof msg, "Choose at least one photo.");
		tmpl_set(tmpl_add(c->v, "refused"), "msg", msg);
	}
	if (one) {
		answer_text(c, worst ? worst : 201, msg);
	} else if (!worst) {
		snprintf(msg, sizeof msg, "/admin/%04d/photos/describe", c->year);
		admin_redirect_done(c, msg, ADMIN_DONE_ADDED, -1, 0, 0);
	} else {
		tmpl_seti(c->v, "added", added);
		tmpl_set(c->v, "upload_failed", "1");
		list_page(c, added ? 200 : worst);
	}
}

/* ---- describe ---- */

static void describe_page(struct admin_ctx *c, int status);

void admin_describe_form(struct admin_ctx *c)
{
	describe_page(c, c->status);
}

static void describe_page(struct admin_ctx *c, int status)
{
	long long n = db_admin_draft_count(c->edition_id);
	if (n < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	tmpl_seti(c->v, "draft_count", n);
	if (n > ADMIN_DESCRIBE_MAX)
		tmpl_seti(c->v, "more", n - ADMIN_DESCRIBE_MAX);
	admin_render(c, "photos_describe.xml", status);
}

void admin_describe_get(struct admin_ctx *c)
{
	if (db_admin_drafts(c->v, c->edition_id, "drafts", ADMIN_DESCRIBE_MAX) < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	describe_page(c, 200);
}

/* One draft's fields as posted. */
struct described {
	long long id;
	const char *alt, *caption, *credit, *alt_de, *caption_de;
	int decorative, discard;
};

static const char *draft_value(struct admin_ctx *c, const char *what, long long id)
{
	char name[48];
	snprintf(name, sizeof name, "%s_%lld", what, id);
	return admin_value(c, name);
}

/* Read and check draft id's fields into d and a template item; 1 when it
 * has an error (shown at the photo). */
static int read_described(struct admin_ctx *c, long long id, struct described *d,
		struct tmpl_vars *item)
{
	const char *err = "";
	d->id = id;
	d->alt = draft_value(c, "alt", id);
	d->caption = draft_value(c, "caption", id);
	d->credit = draft_value(c, "credit", id);
	d->alt_de = draft_value(c, "alt_de", id);
	d->caption_de = draft_value(c, "caption_de", id);
	d->decorative = strcmp(draft_value(c, "decorative", id), "1") == 0;
	d->discard = strcmp(draft_value(c, "discard", id), "1") == 0;
	if (!text_ok(d->alt) || !text_ok(d->caption) || !text_ok(d->credit) ||
	    !text_ok(d->alt_de) || !text_ok(d->caption_de))
		err = "Alt text, caption and credit are one line of at most 300 "
		      "characters each.";
	else if (!d->discard && !*d->alt && !d->decorative &&
		 (*d->caption || *d->credit || *d->alt_de || *d->caption_de))
		err = "Describe the photo (alt text in English) or tick \"decorative\" - "
		      "or leave every field empty to describe it later.";
	tmpl_set(item, "alt", d->alt);
	tmpl_set(item, "caption", d->caption);
	tmpl_set(item, "credit", d->credit);
	tmpl_set(item, "alt_de", d->alt_de);
	tmpl_set(item, "caption_de", d->caption_de);
	tmpl_set(item, "decorative", d->decorative ? "1" : "");
	tmpl_set(item, "discard", d->discard ? "1" : "");
	tmpl_set(item, "error", err);
	return *err != '\0';
}

/* All of them or nothing: one transaction, one audit row. */
static void save_described(struct admin_ctx *c, const struct described *d,
		size_t n, const char *credit_all)
{
	char object[32], detail[64], loc[48];
	int done = 0, dropped = 0;
	if (admin_begin(c) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		int failed = 0;
		struct db_admin_photo p = { .edition_id = c->edition_id, .alt = d[i].alt,
			.caption = d[i].caption, .credit = *d[i].credit ? d[i].credit : credit_all,
			.alt_de = d[i].alt_de, .caption_de = d[i].caption_de,
			.decorative = d[i].decorative, .published = 1 };
		if (d[i].discard) {
			enum db_result rc = db_admin_draft_discard(c->edition_id, d[i].id);
			dropped += rc == DB_FOUND;
			failed = rc == DB_FAILED;
		} else if (*d[i].alt || d[i].decorative) {
			long long id = db_admin_draft_describe(d[i].id, &p, c->now);
			done += id > 0;
			failed = id < 0;
		}
		if (failed) {
			admin_abort(c);
			return;
		}
	}
	snprintf(object, sizeof object, "gallery %04d", c->year);
	snprintf(detail, sizeof detail, "%d described, %d discarded", done, dropped);
	/* Drafts were never public: only a described photo is news. */
	if (!done)
		c->public_change = ADMIN_PUBLIC_NONE;
	if (admin_commit(c, "describe", object, detail) < 0)
		return;
	long long left = db_admin_draft_count(c->edition_id);
	snprintf(loc, sizeof loc, "/admin/%04d/photos%s", c->year,
		 left > 0 ? "/describe" : "");
	admin_redirect_done(c, loc, ADMIN_DONE_SAVED, -1, 0, 0);
}

/* POST /admin/YEAR/photos/describe: the drafts named by the form's "id"
 * fields.  A photo left without any text stays to describe; bad input
 * shows the form again with each photo's message and saves nothing. */
void admin_describe_post(struct admin_ctx *c)
{
	static struct described d[ADMIN_DESCRIBE_MAX];
	size_t n = 0;
	int bad = 0;
	const char *credit_all = admin_field(c, "credit_all", 0, ADMIN_TEXT_MAX);
	for (size_t i = 0; i < c->up.fields.n && n < ADMIN_DESCRIBE_MAX; i++) {
		const struct form_field *f = &c->up.fields.fields[i];
		long long id = strcmp(f->name, "id") == 0 ? strtoll(f->value, NULL, 10) : 0;
		if (id <= 0)
			continue;
		struct tmpl_vars *item = tmpl_add(c->v, "drafts");
		enum db_result rc = db_admin_draft(item, c->edition_id, id);
		if (rc == DB_FAILED) {
			admin_fail(c, 500, NULL);
			return;
		}
		if (rc == DB_FOUND)    /* gone meanwhile (another tab): skip it */
			bad += read_described(c, id, &d[n++], item);
	}
	if (bad || c->invalid) {
		if (bad)
			admin_invalid(c, "photos", 422, "%d photo%s need%s a correction "
				      "(marked below).", bad, bad == 1 ? "" : "s",
				      bad == 1 ? "s" : "");
		describe_page(c, 422);
		return;
	}
	save_described(c, d, n, credit_all);
}

/* ---- one photo ---- */

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	return db_admin_photo(row, c->edition_id, c->id);
}

static const struct admin_version version = { "photo.xml", "photo", load, {
	{ "alt", "Description (alt text)" }, { "decorative", "Decorative" },
	{ "caption", "Caption" }, { "credit", "Credit" }, { "published", "Published" },
	{ "alt_de", "Alt text (German)" }, { "caption_de", "Caption (German)" },
	{ NULL, NULL } } };

void admin_photo_form(struct admin_ctx *c)
{
	admin_render(c, "photo.xml", c->status);
}

void admin_photo_get(struct admin_ctx *c)
{
	if (!admin_found(c, db_admin_photo(c->v, c->edition_id, c->id), "photo"))
		return;
	admin_version_set(c, &version);
	admin_render(c, "photo.xml", 200);
}

/* Is the photo as c->v holds it (db_admin_photo) on a public page: in
 * the gallery, or as the edition's cover or press photo? */
static int photo_public(struct admin_ctx *c)
{
	static const char *const flags[] = { "published", "is_press", "is_cover" };
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
		const char *f = tmpl_get(c->v, flags[i]);
		if (f && strcmp(f, "1") == 0)
			return 1;
	}
	return 0;
}

/* Back to the gallery at the photo's place (its anchor), saying what
 * was done. */
static void back_to_photo(struct admin_ctx *c, enum admin_done d)
{
	char loc[48];
	snprintf(loc, sizeof loc, "/admin/%04d/photos", c->year);
	admin_redirect_done(c, loc, d, -1, 0, c->id);
}

void admin_photo_post(struct admin_ctx *c)
{
	char object[48];
	if (!admin_found(c, db_admin_photo(c->v, c->edition_id, c->id), "photo"))
		return;
	int was_public = photo_public(c);
	struct db_admin_photo p = { .edition_id = c->edition_id, .in_gallery = 1 };
	p.alt = admin_field(c, "alt", 0, ADMIN_TEXT_MAX);
	p.caption = admin_field(c, "caption", 0, ADMIN_TEXT_MAX);
	p.credit = admin_field(c, "credit", 0, ADMIN_TEXT_MAX);
	p.alt_de = admin_field(c, "alt_de", 0, ADMIN_TEXT_MAX);
	p.caption_de = admin_field(c, "caption_de", 0, ADMIN_TEXT_MAX);
	p.decorative = admin_checkbox(c, "decorative");
	p.published = admin_checkbox(c, "published");
	if (!*p.alt && !p.decorative)
		admin_invalid(c, "alt", 422, "Describe the photo (alt text), or tick "
			      "\"decorative\".");
	if (c->invalid) {
		admin_photo_form(c);
		return;
	}
	if (admin_begin_version(c, &version) < 0)
		return;
	if (db_admin_photo_update(c->id, &p) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	snprintf(object, sizeof object, "photo %lld", c->id);
	if (!was_public && !photo_public(c))   /* hidden before and after */
		c->public_change = ADMIN_PUBLIC_NONE;
	if (admin_commit(c, "update", object, p.published ? "published" : "unpublished") < 0)
		return;
	back_to_photo(c, ADMIN_DONE_SAVED);
}

void admin_photo_publish(struct admin_ctx *c)
{
	char object[48];
	const char *v = admin_value(c, "published");
	if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0) {
		admin_fail(c, 422, "published must be 1 or 0.");
		return;
	}
	if (admin_begin(c) < 0)
		return;
	enum db_result rc = db_admin_photo_publish(c->edition_id, c->id, v[0] == '1');
	if (rc != DB_FOUND) {
		db_rollback();
		admin_fail(c, rc == DB_FAILED ? 500 : 404, "There is no such photo.");
		return;
	}
	snprintf(object, sizeof object, "photo %lld", c->id);
	if (admin_commit(c, v[0] == '1' ? "publish" : "unpublish", object, "") < 0)
		return;
	back_to_photo(c, v[0] == '1' ? ADMIN_DONE_PUBLISHED : ADMIN_DONE_UNPUBLISHED);
}

/* POST .../pick, as=press|cover: the edition's press photo or cover. */
void admin_photo_pick(struct admin_ctx *c)
{
	char object[48];
	const char *as = admin_value(c, "as");
	int press = strcmp(as, "press") == 0;
	if (!press && strcmp(as, "cover") != 0) {
		admin_fail(c, 422, "A photo is picked as the press photo or the cover.");
		return;
	}
	if (!admin_found(c, db_admin_photo(c->v, c->edition_id, c->id), "photo"))
		return;
	if (admin_begin(c) < 0)
		return;
	if (db_admin_photo_pick(c->edition_id, c->id,
				press ? DB_ADMIN_PICK_PRESS : DB_ADMIN_PICK_COVER) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	snprintf(object, sizeof object, "edition %04d", c->year);
	if (admin_commit(c, "update", object, press ? "press photo picked" :
			 "cover picked") < 0)
		return;
	back_to_photo(c, ADMIN_DONE_SAVED);
}

/* POST .../photos/cover: no cover any more; the edition's page shows none
 * (the photo stays where it is in the gallery). */
void admin_cover_remove(struct admin_ctx *c)
{
	char object[48], loc[48];
	if (admin_begin(c) < 0)
		return;
	if (db_admin_cover_remove(c->edition_id) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	snprintf(object, sizeof object, "edition %04d", c->year);
	if (admin_commit(c, "update", object, "cover removed") < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/photos", c->year);
	admin_redirect_done(c, loc, ADMIN_DONE_REMOVED, -1, 0, 0);
}

/* Drag and drop sends before=ID (the photo it was dropped in front of,
 * or "end"); the Up/Down buttons send dir.  Either way the answer leads
 * back to the photo's own place in the list. */
void admin_photo_move(struct admin_ctx *c)
{
	char object[48];
	const char *before = admin_value(c, "before");
	if (!*before) {
		admin_item_move(c, DB_ADMIN_PHOTO, "photos");
		return;
	}
	long long b = strcmp(before, "end") == 0 ? 0 : strtoll(before, NULL, 10);
	if (b < 0 || (b == 0 && strcmp(before, "end") != 0) || b == c->id) {
		admin_fail(c, 422, "before must be a photo's id or \"end\".");
		return;
	}
	if (admin_begin(c) < 0)
		return;
	enum db_result rc = db_admin_photo_place(c->edition_id, c->id, b);
	if (rc != DB_FOUND) {
		db_rollback();
		admin_fail(c, rc == DB_FAILED ? 500 : 404, "There is no such photo.");
		return;
	}
	snprintf(object, sizeof object, "photo %lld", c->id);
	if (admin_commit(c, "move", object, b ? "dragged" : "to the end") < 0)
		return;
	back_to_photo(c, ADMIN_DONE_MOVED);
}

void admin_photo_delete(struct admin_ctx *c)
{
	admin_item_delete(c, DB_ADMIN_PHOTO, "photos");
}
