/* admin_press: an edition's press release in English or German.  The
 * press photo is the edition's, one for both languages, picked in the
 * gallery; here each language gives it a caption, and both share the
 * credit. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "md.h"

/* The release and the edition's press kit: what the form shows and what
 * its version covers. */
static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	enum db_result r = db_admin_press(row, c->edition_id, c->lang);
	if (r == DB_FAILED || db_admin_press_kit(row, c->edition_id) != DB_FOUND)
		return DB_FAILED;
	return r;
}

/* A release not written yet has the version of empty fields: two admins
 * writing the first one do not overwrite each other either. */
static const struct admin_version version = { "press.xml", "press release", load, {
	{ "title", "Title" }, { "subtitle", "Subtitle" }, { "released", "Date" },
	{ "body_md", "Text" }, { "press_photo_id", "Press photo" },
	{ "photo_caption", "Caption" }, { "press_credit", "Credit" },
	{ NULL, NULL } } };

static int load_page(struct admin_ctx *c)
{
	if (load(c, c->v) == DB_FAILED) {
		admin_fail(c, 500, NULL);
		return -1;
	}
	tmpl_set(c->v, "lang", c->lang);
	return 0;
}

void admin_press_get(struct admin_ctx *c)
{
	if (load_page(c) < 0)
		return;
	admin_version_set(c, &version);
	admin_render(c, "press.xml", 200);
}

static void save(struct admin_ctx *c, const struct db_admin_press *p,
		const char *credit, int remove)
{
	char object[32], loc[48];
	if (admin_begin_version(c, &version) < 0)
		return;
	if (db_admin_press_save(p) < 0 ||
	    db_admin_press_kit_save(c->edition_id, credit, remove) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	snprintf(object, sizeof object, "press %04d %s", c->year, c->lang);
	if (admin_commit(c, "update", object, remove ? "press photo removed" : "") < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/press/%s", c->year, c->lang);
	admin_redirect_done(c, loc, ADMIN_DONE_SAVED, -1, 0, 0);
}

void admin_press_post(struct admin_ctx *c)
{
	struct buf body = BUF_INIT;
	struct db_admin_press p = { .edition_id = c->edition_id, .lang = c->lang };
	/* The stored kit shows the current photo again on an error. */
	if (load_page(c) < 0)
		return;
	p.title = admin_field(c, "title", 1, ADMIN_TEXT_MAX);
	p.subtitle = admin_field(c, "subtitle", 0, ADMIN_TEXT_MAX);
	p.released = admin_date(c, "released", 1);
	p.body_md = admin_field(c, "body_md", 0, MD_INPUT_MAX);
	p.photo_caption = admin_field(c, "photo_caption", 0, ADMIN_TEXT_MAX);
	const char *credit = admin_field(c, "press_credit", 0, ADMIN_TEXT_MAX);
	int remove = admin_checkbox(c, "photo_remove");
	admin_markdown(c, "body_md", p.body_md, &body);
	p.body_html = body.data;
	if (c->invalid)
		admin_render(c, "press.xml", c->status);
	else
		save(c, &p, credit, remove);
	buf_free(&body);
}
