/* admin_talks: an edition's presentations - upload slides, edit, replace
 * the PDF (the public /media/talks/YEAR-SLUG.pdf stays), reorder, delete. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "store.h"
#include "pdf.h"
#include "space.h"

#define SLUG_MAX      60        /* bytes of a generated slug */
#define SLUG_TRIES    100       /* "-2" ... "-99" before giving up */

static void list_page(struct admin_ctx *c, int status)
{
	if (db_admin_presentations(c->v, c->edition_id, "presentations") < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "talks.xml", status);
}

void admin_talks_get(struct admin_ctx *c)
{
	list_page(c, 200);
}

void admin_talks_form(struct admin_ctx *c)
{
	list_page(c, c->status);
}

void admin_talk_form(struct admin_ctx *c)
{
	admin_render(c, "talk.xml", c->status);
}

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	return db_admin_presentation(row, c->edition_id, c->id);
}

static const struct admin_version version = { "talk.xml", "presentation", load, {
	{ "title", "Title" }, { "speakers", "Speakers" },
	{ "affiliation", "Affiliation" }, { "file_url", "Slides" },
	{ "title_de", "Title (German)" }, { NULL, NULL } } };

void admin_talk_get(struct admin_ctx *c)
{
	if (!admin_found(c, db_admin_presentation(c->v, c->edition_id, c->id), "presentation"))
		return;
	admin_version_set(c, &version);
	admin_render(c, "talk.xml", 200);
}

/* German letters keep their usual transliteration; anything else that is
 * not [a-z0-9] becomes one dash. */
static void make_slug(const char *title, char out[SLUG_MAX + 1])
{
	static const char *const de[][2] = {
		{ "\xc3\xa4", "ae" }, { "\xc3\xb6", "oe" }, { "\xc3\xbc", "ue" },
		{ "\xc3\x84", "ae" }, { "\xc3\x96", "oe" }, { "\xc3\x9c", "ue" },
		{ "\xc3\x9f", "ss" },
	};
	size_t n = 0;
	for (const char *p = title; *p && n < SLUG_MAX; ) {
		const char *rep = NULL;
		for (size_t i = 0; i < sizeof de / sizeof *de && !rep; i++)
			if (strncmp(p, de[i][0], 2) == 0)
				rep = de[i][1];
		if (rep) {
			for (; *rep && n < SLUG_MAX; rep++)
				out[n++] = *rep;
			p += 2;
			continue;
		}
		char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = ch;
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
		p++;
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (!n)
		snprintf(out, SLUG_MAX + 1, "talk");
}

/* A slug no presentation of the edition has (trash included). */
static int free_slug(struct admin_ctx *c, const char *title, char slug[SLUG_MAX + 16])
{
	char base[SLUG_MAX + 1];
	make_slug(title, base);
	snprintf(slug, SLUG_MAX + 16, "%s", base);
	for (int i = 2; i < SLUG_TRIES; i++) {
		enum db_result taken = db_admin_slug_taken(c->edition_id, slug);
		if (taken != DB_FOUND)
			return taken == DB_MISSING ? 0 : -1;
		snprintf(slug, SLUG_MAX + 16, "%.*s-%d", SLUG_MAX - 3, base, i);
	}
	return -1;
}

/* The chosen PDF, checked by content and stored (file only; its row is
 * made in the transaction).  0 stored (into *mf, *pages), 1 none chosen,
 * -1 refused or failed (marked). */
static int store_pdf(struct admin_ctx *c, struct store_file *mf, int *pages)
{
	char err[UPLOAD_MSG_MAX];
	struct upload_file *f = upload_file(&c->up, "file");
	if (!f)
		return 1;
	if (f->too_large) {
		admin_invalid(c, "file", 413, "%s: larger than %lld MB.", f->name,
			      UPLOAD_PDF_MAX / 1000000);
		return -1;
	}
	if (f->no_space) {
		admin_invalid(c, "file", 507, "%s: not stored, the server is out of "
			      "disk space.", f->name);
		return -1;
	}
	if (!f->path[0]) {
		admin_invalid(c, "file", 422, "%s: the file is empty.", f->name);
		return -1;
	}
	if (pdf_check(f->path, pages, err, sizeof err) < 0) {
		admin_invalid(c, "file", 422, "%s: %s.", f->name, err);
		return -1;
	}
	int rc = store_put(admin_media_root(), f->path, "pdf", mf);
	upload_forget(f);       /* store_put removed the temp file either way */
	if (rc == 0)
		c->stored = mf;     /* removed again if the change is rolled back */
	if (rc < 0) {
		admin_invalid(c, "file", space_short() ? 507 : 500, "%s: the file could "
			      "not be stored%s.", f->name, space_short() ?
			      ", the server is out of disk space" : "");
		return -1;
	}
	return 0;
}

/* The media row of a stored PDF, inside the transaction: its id, 0 for
 * none, -1 on error. */
static long long pdf_row(struct admin_ctx *c, int stored, const struct store_file *mf,
		int pages)
{
	return stored == 0 ? db_admin_media(mf, "application/pdf", pages, c->now) : 0;
}

static void read_text(struct admin_ctx *c, struct db_admin_talk *t)
{
	t->edition_id = c->edition_id;
	t->title = admin_field(c, "title", 1, ADMIN_TEXT_MAX);
	t->title_de = admin_field(c, "title_de", 0, ADMIN_TEXT_MAX);
	t->speakers = admin_field(c, "speakers", 1, ADMIN_TEXT_MAX);
	t->affiliation = admin_field(c, "affiliation", 0, ADMIN_TEXT_MAX);
}

/* Commit; admin_commit then points the public link at the slides.  The
 * link comes after the commit so that it never names a file no row knows;
 * if it fails the change stays and the admin is told. */
static void finish(struct admin_ctx *c, long long id, const char *action,
		const char *detail)
{
	char object[48], loc[64];
	snprintf(object, sizeof object, "presentation %lld", id);
	if (admin_commit(c, action, object, detail) < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/presentations", c->year);
	admin_redirect_done(c, loc, strcmp(action, "create") == 0 ? ADMIN_DONE_ADDED :
			    ADMIN_DONE_SAVED, -1, 0, id);
}

void admin_talks_post(struct admin_ctx *c)
{
	struct db_admin_talk t;
	struct store_file mf;
	char slug[SLUG_MAX + 16];
	int pages = 0, stored = 1;
	long long id = -1;
	read_text(c, &t);
	/* Storing first is safe: a stored file no row refers to is harmless
	 * (content-addressed), a row without its file is not. */
	if (c->invalid || (stored = store_pdf(c, &mf, &pages)) < 0) {
		admin_talks_form(c);
		return;
	}
	if (admin_begin(c) < 0)
		return;
	t.slug = slug;
	if ((t.media_id = pdf_row(c, stored, &mf, pages)) < 0 ||
	    free_slug(c, t.title, slug) < 0 ||
	    (id = db_admin_presentation_add(&t, c->now)) < 0) {
		admin_abort(c);
		return;
	}
	finish(c, id, "create", t.media_id ? "with slides" : "without slides");
}

void admin_talk_post(struct admin_ctx *c)
{
	struct db_admin_talk t;
	struct store_file mf;
	int pages = 0, stored = 1;
	if (!admin_found(c, db_admin_presentation(c->v, c->edition_id, c->id), "presentation"))
		return;
	read_text(c, &t);
	if (c->invalid || (stored = store_pdf(c, &mf, &pages)) < 0) {
		admin_talk_form(c);
		return;
	}
	if (admin_begin_version(c, &version) < 0)
		return;
	if ((t.media_id = pdf_row(c, stored, &mf, pages)) < 0 ||
	    db_admin_presentation_update(c->id, &t) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	finish(c, c->id, "update", t.media_id ? "slides replaced" : "");
}

void admin_talk_move(struct admin_ctx *c)
{
	admin_item_move(c, DB_ADMIN_PRESENTATION, "presentations");
}

void admin_talk_delete(struct admin_ctx *c)
{
	admin_item_delete(c, DB_ADMIN_PRESENTATION, "presentations");
}
