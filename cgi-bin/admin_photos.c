/* admin_photos: an edition's gallery - upload several photos at once (all
 * or nothing), edit their text, publish/unpublish, reorder, delete. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "image.h"

/* One row of the upload form. */
struct row {
	struct upload_file *file;
	const char *alt, *caption, *credit;
	int decorative;
	char error[FORM_FILENAME_MAX + UPLOAD_MSG_MAX + 4];
	struct image_sizes img;
};

static void list_page(struct admin_ctx *c, int status)
{
	if (db_admin_photos(c->v, c->edition_id, "photos") < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "photos.xml", status);
}

/* The upload form's empty rows, for a fresh page. */
static void empty_rows(struct admin_ctx *c)
{
	for (int n = 1; n <= UPLOAD_FILES_MAX; n++)
		tmpl_seti(tmpl_add(c->v, "rows"), "n", n);
}

void admin_photos_get(struct admin_ctx *c)
{
	empty_rows(c);
	list_page(c, 200);
}

static const char *row_value(struct admin_ctx *c, const char *what, int n)
{
	char name[32];
	snprintf(name, sizeof name, "%s_%d", what, n);
	return admin_value(c, name);
}

static void row_error(struct admin_ctx *c, struct row *r, int status,
		const char *msg)
{
	snprintf(r->error, sizeof r->error, "%s: %s", r->file->name, msg);
	c->invalid++;
	if (status > c->status)
		c->status = status;
}

static int text_ok(const char *s)
{
	return strlen(s) <= ADMIN_TEXT_MAX && !strpbrk(s, "\r\n");
}

/* Read row n; 1 when it has a file. */
static int read_row(struct admin_ctx *c, int n, struct row *r)
{
	char field[32];      /* room for any int: -Wformat-truncation at -O1 */
	snprintf(field, sizeof field, "file_%d", n);
	memset(r, 0, sizeof *r);
	r->file = upload_file(&c->up, field);
	r->alt = row_value(c, "alt", n);
	r->caption = row_value(c, "caption", n);
	r->credit = row_value(c, "credit", n);
	r->decorative = strcmp(row_value(c, "decorative", n), "1") == 0;
	if (!r->file)
		return 0;
	if (r->file->too_large)
		row_error(c, r, 413, "larger than 30 MB.");
	else if (!r->file->path[0])
		row_error(c, r, 422, "the file is empty.");
	else if (!*r->alt && !r->decorative)
		row_error(c, r, 422, "alt text is required (or tick \"decorative\").");
	else if (!text_ok(r->alt) || !text_ok(r->caption) || !text_ok(r->credit))
		row_error(c, r, 422, "alt text, caption and credit are one line of "
			  "at most 300 characters each.");
	return 1;
}

/* The form again, with what was typed and each row's message. */
static void rows_again(struct admin_ctx *c, const struct row *rows)
{
	for (int n = 1; n <= UPLOAD_FILES_MAX; n++) {
		const struct row *r = &rows[n - 1];
		struct tmpl_vars *v = tmpl_add(c->v, "rows");
		tmpl_seti(v, "n", n);
		tmpl_set(v, "alt", r->alt);
		tmpl_set(v, "caption", r->caption);
		tmpl_set(v, "credit", r->credit);
		tmpl_set(v, "decorative", r->decorative ? "1" : "");
		tmpl_set(v, "error", r->error);
		if (r->error[0])
			tmpl_add(c->v, "row_errors");
		tmpl_set(v, "file_name", r->file ? r->file->name : "");
	}
	tmpl_set(c->v, "default_caption", admin_value(c, "default_caption"));
	tmpl_set(c->v, "default_credit", admin_value(c, "default_credit"));
	tmpl_set(c->v, "invalid", "1");
}

/* Every row's photo decoded and stored (files only).  When one fails,
 * the files this request created go again: nothing of it stays. */
static void import_all(struct admin_ctx *c, struct row *rows)
{
	char err[UPLOAD_MSG_MAX];
	for (int i = 0; i < UPLOAD_FILES_MAX; i++) {
		struct row *r = &rows[i];
		memset(&r->img, 0, sizeof r->img);
		if (r->file && image_import(admin_media_root(), r->file->path,
						  &r->img, err, sizeof err) < 0)
			row_error(c, r, 422, err);
	}
	if (!c->invalid)
		return;
	for (int i = 0; i < UPLOAD_FILES_MAX; i++) {
		store_undo(admin_media_root(), &rows[i].img.web);
		store_undo(admin_media_root(), &rows[i].img.thumb);
	}
}

static long long add_row(struct admin_ctx *c, const struct row *r,
		const char *dcaption, const char *dcredit)
{
	long long web = db_admin_media(&r->img.web, "image/jpeg", 0, c->now);
	long long thumb = db_admin_media(&r->img.thumb, "image/jpeg", 0, c->now);
	if (web < 0 || thumb < 0)
		return -1;
	struct db_admin_photo p = { c->edition_id, 1, thumb, web, r->alt,
		*r->caption ? r->caption : dcaption, *r->credit ? r->credit : dcredit,
		r->decorative, 1 };
	return db_admin_photo_add(&p, c->now);
}

static void save_all(struct admin_ctx *c, const struct row *rows, int count)
{
	char object[32], detail[32], loc[48];
	const char *dcaption = admin_value(c, "default_caption");
	const char *dcredit = admin_value(c, "default_credit");
	if (admin_begin(c) < 0)
		return;
	for (int i = 0; i < UPLOAD_FILES_MAX; i++) {
		if (rows[i].file && add_row(c, &rows[i], dcaption, dcredit) < 0) {
			admin_abort(c);
			return;
		}
	}
	snprintf(object, sizeof object, "gallery %04d", c->year);
	snprintf(detail, sizeof detail, "%d photo%s added", count, count == 1 ? "" : "s");
	if (admin_commit(c, "upload", object, detail) < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/photos", c->year);
	admin_redirect_done(c, loc, ADMIN_DONE_ADDED, -1, 0, 0);
}

void admin_photos_post(struct admin_ctx *c)
{
	static struct row rows[UPLOAD_FILES_MAX];
	int count = 0;
	for (int n = 1; n <= UPLOAD_FILES_MAX; n++)
		count += read_row(c, n, &rows[n - 1]);
	if (!text_ok(admin_value(c, "default_caption")) ||
	    !text_ok(admin_value(c, "default_credit")))
		admin_invalid(c, "defaults", 422, "The default caption and credit are "
			      "one line of at most 300 characters.");
	if (!count)
		admin_invalid(c, "files", 422, "Choose at least one photo.");
	/* All or nothing: decoding starts only when every row is right, and
	 * nothing is saved unless every photo could be decoded. */
	if (!c->invalid)
		import_all(c, rows);
	if (c->invalid) {
		rows_again(c, rows);
		list_page(c, c->status);
		return;
	}
	save_all(c, rows, count);
}

/* ---- one photo ---- */

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	return db_admin_photo(row, c->edition_id, c->id);
}

static const struct admin_version version = { "photo.xml", "photo", load, {
	{ "alt", "Description (alt text)" }, { "decorative", "Decorative" },
	{ "caption", "Caption" }, { "credit", "Credit" }, { "published", "Published" },
	{ NULL, NULL } } };

void admin_photo_get(struct admin_ctx *c)
{
	if (!admin_found(c, db_admin_photo(c->v, c->edition_id, c->id), "photo"))
		return;
	admin_version_set(c, &version);
	admin_render(c, "photo.xml", 200);
}

void admin_photo_post(struct admin_ctx *c)
{
	char object[48], loc[48];
	if (!admin_found(c, db_admin_photo(c->v, c->edition_id, c->id), "photo"))
		return;
	struct db_admin_photo p = { .edition_id = c->edition_id, .in_gallery = 1 };
	p.alt = admin_field(c, "alt", 0, ADMIN_TEXT_MAX);
	p.caption = admin_field(c, "caption", 0, ADMIN_TEXT_MAX);
	p.credit = admin_field(c, "credit", 0, ADMIN_TEXT_MAX);
	p.decorative = admin_checkbox(c, "decorative");
	p.published = admin_checkbox(c, "published");
	if (!*p.alt && !p.decorative)
		admin_invalid(c, "alt", 422, "Describe the photo (alt text), or tick "
			      "\"decorative\".");
	if (c->invalid) {
		admin_render(c, "photo.xml", c->status);
		return;
	}
	if (admin_begin_version(c, &version) < 0)
		return;
	if (db_admin_photo_update(c->id, &p) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	snprintf(object, sizeof object, "photo %lld", c->id);
	if (admin_commit(c, "update", object, p.published ? "published" : "unpublished") < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/photos", c->year);
	admin_redirect_done(c, loc, ADMIN_DONE_SAVED, -1, 0, c->id);
}

void admin_photo_publish(struct admin_ctx *c)
{
	char object[48], loc[48];
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
	snprintf(loc, sizeof loc, "/admin/%04d/photos", c->year);
	admin_redirect_done(c, loc, v[0] == '1' ? ADMIN_DONE_PUBLISHED :
			    ADMIN_DONE_UNPUBLISHED, -1, 0, c->id);
}

void admin_photo_move(struct admin_ctx *c)
{
	admin_item_move(c, DB_ADMIN_PHOTO, "photos");
}

void admin_photo_delete(struct admin_ctx *c)
{
	admin_item_delete(c, DB_ADMIN_PHOTO, "photos");
}
