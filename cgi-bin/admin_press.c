/* admin_press: an edition's press release in English or German, with its
 * press photo. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "md.h"
#include "image.h"

#define ADMIN_MB(n) ((n) / 1000000)

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	return db_admin_press(row, c->edition_id, c->lang);
}

/* A release not written yet has the version of empty fields: two admins
 * writing the first one do not overwrite each other either. */
static const struct admin_version version = { "press.xml", "press release", load, {
	{ "title", "Title" }, { "subtitle", "Subtitle" }, { "released", "Date" },
	{ "body_md", "Text" }, { "photo_id", "Press photo" },
	{ "photo_alt", "Photo description" }, { "photo_decorative", "Decorative" },
	{ "photo_caption", "Caption" }, { "photo_credit", "Credit" },
	{ NULL, NULL } } };

void admin_press_get(struct admin_ctx *c)
{
	if (db_admin_press(c->v, c->edition_id, c->lang) == DB_FAILED) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_version_set(c, &version);
	tmpl_set(c->v, "lang", c->lang);
	admin_render(c, "press.xml", 200);
}

/* A chosen photo: judged by its content, stored as two JPEG sizes.
 * 0 imported into *img, 1 no photo chosen, -1 refused (marked). */
static int import_photo(struct admin_ctx *c, struct image_sizes *img)
{
	char err[UPLOAD_MSG_MAX];
	struct upload_file *f = upload_file(&c->up, "photo");
	if (!f)
		return 1;
	if (f->too_large) {
		admin_invalid(c, "photo", 413, "%s: larger than %lld MB.", f->name,
			      ADMIN_MB(UPLOAD_IMAGE_MAX));
		return -1;
	}
	if (!f->path[0]) {
		admin_invalid(c, "photo", 422, "%s: the file is empty.", f->name);
		return -1;
	}
	if (image_import(admin_media_root(), f->path, img, err, sizeof err) < 0) {
		admin_invalid(c, "photo", 422, "%s: %s.", f->name, err);
		return -1;
	}
	return 0;
}

/* The new press photo's row: media rows for both sizes, then the photo
 * (not in the gallery).  Its id, or -1. */
static long long add_photo(struct admin_ctx *c, const struct image_sizes *img,
		const char *alt, int decorative)
{
	long long web = db_admin_media(&img->web, "image/jpeg", 0, c->now);
	long long thumb = db_admin_media(&img->thumb, "image/jpeg", 0, c->now);
	if (web < 0 || thumb < 0)
		return -1;
	struct db_admin_photo p = { c->edition_id, 0, thumb, web, alt, "", "",
				    decorative, 1 };
	return db_admin_photo_add(&p, c->now);
}

static void save(struct admin_ctx *c, struct db_admin_press *p, int have_new,
		const struct image_sizes *img, const char *alt, int decorative)
{
	char object[32], loc[48];
	if (admin_begin_version(c, &version) < 0)
		return;
	if (have_new && (p->photo_id = add_photo(c, img, alt, decorative)) < 0) {
		admin_abort(c);
		return;
	}
	if ((p->photo_id > 0 && !have_new &&
	     db_admin_photo_text(p->photo_id, c->edition_id, alt, decorative) == DB_FAILED) ||
	    db_admin_press_save(p) < 0) {
		admin_abort(c);
		return;
	}
	snprintf(object, sizeof object, "press %04d %s", c->year, c->lang);
	if (admin_commit(c, "update", object, have_new ? "new photo" : "") < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/press/%s", c->year, c->lang);
	admin_redirect_done(c, loc, ADMIN_DONE_SAVED, -1, 0, 0);
}

void admin_press_post(struct admin_ctx *c)
{
	struct buf body = BUF_INIT;
	struct image_sizes img;
	struct db_admin_press p = { .edition_id = c->edition_id, .lang = c->lang };
	/* The stored release shows the current photo again on an error. */
	if (db_admin_press(c->v, c->edition_id, c->lang) == DB_FAILED) {
		admin_fail(c, 500, NULL);
		return;
	}
	tmpl_set(c->v, "lang", c->lang);
	p.title = admin_field(c, "title", 1, ADMIN_TEXT_MAX);
	p.subtitle = admin_field(c, "subtitle", 0, ADMIN_TEXT_MAX);
	p.released = admin_date(c, "released", 1);
	p.body_md = admin_field(c, "body_md", 0, MD_INPUT_MAX);
	p.photo_caption = admin_field(c, "photo_caption", 0, ADMIN_TEXT_MAX);
	p.photo_credit = admin_field(c, "photo_credit", 0, ADMIN_TEXT_MAX);
	const char *alt = admin_field(c, "photo_alt", 0, ADMIN_TEXT_MAX);
	int decorative = admin_checkbox(c, "photo_decorative");
	int remove = admin_checkbox(c, "photo_remove");
	int chosen = upload_file(&c->up, "photo") != NULL;
	long long old = db_admin_press_photo(c->edition_id, c->lang);
	p.photo_id = remove ? 0 : old;
	if ((chosen || p.photo_id > 0) && !*alt && !decorative)
		admin_invalid(c, "photo_alt", 422, "Describe the photo (alt text), "
			      "or tick \"decorative\".");
	admin_markdown(c, "body_md", p.body_md, &body);
	p.body_html = body.data;
	int have_new = 0;
	if (!c->invalid)
		have_new = import_photo(c, &img) == 0;
	if (c->invalid || old < 0)
		admin_render(c, "press.xml", old < 0 ? 500 : c->status);
	else
		save(c, &p, have_new, &img, alt, decorative);
	buf_free(&body);
}
