/* admin_edition: create an edition, edit and publish one. */
#include "admin.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

#define ADMIN_ADDRESS_MAX 1000     /* a postal address: a few lines */
#define ADMIN_SUMMARY_MAX 600      /* one or two sentences */

void admin_edition_new_get(struct admin_ctx *c)
{
	tmpl_set(c->v, "is_new", "1");
	admin_render(c, "edition.xml", 200);
}

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	return db_admin_edition(row, c->year);
}

static const struct admin_version version = { "edition.xml", "edition", load, {
	{ "title", "Title" }, { "starts", "Starts" }, { "ends", "Ends" },
	{ "venue", "Venue" }, { "address", "Address" }, { "headline", "Headline" },
	{ "summary", "Summary" }, { "review_md", "Review" },
	{ "next_md", "Note on the next edition" }, { "published", "Published" },
	{ "headline_de", "Headline (German)" }, { "summary_de", "Summary (German)" },
	{ "review_de_md", "Review (German)" },
	{ "next_de_md", "Note on the next edition (German)" },
	{ NULL, NULL } } };

void admin_edition_get(struct admin_ctx *c)
{
	if (db_admin_edition(c->v, c->year) != DB_FOUND) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_version_set(c, &version);
	admin_render(c, "edition.xml", 200);
}

/* The year of a new edition: four digits, 1900..9999, not taken. */
static int new_year(struct admin_ctx *c)
{
	const char *y = admin_field(c, "year", 1, 4);
	if (c->invalid)
		return 0;
	if (strspn(y, "0123456789") != 4 || y[4] || atoi(y) < 1900) {
		admin_invalid(c, "year", 422, "A year has four digits, 1900 or later.");
		return 0;
	}
	long long have = db_admin_edition_id(atoi(y));
	if (have != 0) {
		admin_invalid(c, "year", 422, have > 0 ? "An edition of %s exists already." :
			      "The year %s could not be checked.", y);
		return 0;
	}
	return atoi(y);
}

/* An edition's dates lie in its year (a 2024 date for the 2025 edition
 * is a typo, and the year is its address).  year 0: a new edition whose
 * year was refused, nothing to compare with; a date already refused keeps
 * its first message. */
static void in_year(struct admin_ctx *c, const char *name, const char *date, int year)
{
	char err[32];
	snprintf(err, sizeof err, "err_%s", name);
	if (*date && year && atoi(date) != year && !tmpl_get(c->v, err))
		admin_invalid(c, name, 422, "The date must lie in %d, the edition's year.", year);
}

/* The German texts, with the English ones' limits; Markdown rendered into
 * md[0] (review) and md[1] (next). */
static void read_german(struct admin_ctx *c, struct db_admin_edition *e, struct buf md[2])
{
	e->de.headline = admin_field(c, "headline_de", 0, ADMIN_TEXT_MAX);
	e->de.summary = admin_field(c, "summary_de", 0, ADMIN_SUMMARY_MAX);
	admin_markdown_field(c, "review_de_md", &md[0], &e->de.review_md, &e->de.review_html);
	admin_markdown_field(c, "next_de_md", &md[1], &e->de.next_md, &e->de.next_html);
}

/* The form's fields into e; Markdown rendered into review and next (and
 * their German versions into de). */
static void read_form(struct admin_ctx *c, struct db_admin_edition *e,
		struct buf *review, struct buf *next, struct buf de[2])
{
	e->title = admin_field(c, "title", 1, ADMIN_TEXT_MAX);
	e->starts = admin_date(c, "starts", 0);
	e->ends = admin_date(c, "ends", 0);
	e->venue = admin_field(c, "venue", 0, ADMIN_TEXT_MAX);
	e->address = admin_field(c, "address", 0, ADMIN_ADDRESS_MAX);
	e->headline = admin_field(c, "headline", 0, ADMIN_TEXT_MAX);
	e->summary = admin_field(c, "summary", 0, ADMIN_SUMMARY_MAX);
	e->review_md = admin_field(c, "review_md", 0, MD_INPUT_MAX);
	e->next_md = admin_field(c, "next_md", 0, MD_INPUT_MAX);
	e->published = admin_checkbox(c, "published");
	in_year(c, "starts", e->starts, e->year);
	in_year(c, "ends", e->ends, e->year);
	if (*e->ends && !*e->starts)
		admin_invalid(c, "ends", 422, "An end date needs a start date.");
	else if (*e->ends && strcmp(e->ends, e->starts) < 0)
		admin_invalid(c, "ends", 422, "The end date is before the start date.");
	admin_markdown(c, "review_md", e->review_md, review);
	admin_markdown(c, "next_md", e->next_md, next);
	e->review_html = review->data;
	e->next_html = next->data;
	read_german(c, e, de);
}

/* A new edition's form has no year in its address (c->year 0). */
void admin_edition_form(struct admin_ctx *c)
{
	tmpl_set(c->v, "is_new", c->year ? "" : "1");
	if (c->year)
		tmpl_seti(c->v, "year", c->year);
	admin_render(c, "edition.xml", c->status);
}

static void save(struct admin_ctx *c, struct db_admin_edition *e, int is_new)
{
	char object[32], loc[32];
	snprintf(object, sizeof object, "edition %04d", e->year);
	if ((is_new ? admin_begin(c) : admin_begin_version(c, &version)) < 0)
		return;
	long long id = is_new ? db_admin_edition_add(e) :
		db_admin_edition_update(e) == DB_FOUND ? c->edition_id : -1;
	if (id <= 0) {
		admin_abort(c);
		return;
	}
	if (is_new)
		c->edition_id = id;     /* admin_commit reconciles its files */
	if (admin_commit(c, is_new ? "create" : "update", object,
			 e->published ? "published" : "not published") < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/", e->year);
	admin_redirect_done(c, loc, e->published ? ADMIN_DONE_PUBLISHED :
			    ADMIN_DONE_UNPUBLISHED, -1, 0, 0);
}

static void post(struct admin_ctx *c, int is_new)
{
	struct db_admin_edition e = { 0 };
	struct buf review = BUF_INIT, next = BUF_INIT, de[2] = { BUF_INIT, BUF_INIT };
	e.year = is_new ? new_year(c) : c->year;
	read_form(c, &e, &review, &next, de);
	if (c->invalid) {
		admin_edition_form(c);
	} else {
		save(c, &e, is_new);
	}
	buf_free(&review);
	buf_free(&next);
	buf_free(&de[0]);
	buf_free(&de[1]);
}

void admin_edition_new_post(struct admin_ctx *c)
{
	post(c, 1);
}

void admin_edition_post(struct admin_ctx *c)
{
	post(c, 0);
}
