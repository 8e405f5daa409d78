/* admin_edition: create an edition, edit and publish one. */
#include "admin.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_programme.h"
#include "md.h"
#include "when.h"

#define ADMIN_ADDRESS_MAX 1000     /* a postal address: a few lines */
#define ADMIN_SUMMARY_MAX 600      /* one or two sentences */

void admin_edition_new_get(struct admin_ctx *c)
{
	tmpl_set(c->v, "is_new", "1");
	admin_render(c, "edition.xml", 200);
}

/* The edition and its registration (lib/db_programme.h). */
static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	enum db_result rc = db_admin_edition(row, c->year);
	if (rc == DB_FOUND && db_programme_admin_registration(row, c->edition_id) != DB_FOUND)
		rc = DB_FAILED;
	return rc;
}

static const struct admin_version version = { "edition.xml", "edition", load, {
	{ "title", "Title" }, { "starts", "Starts" }, { "ends", "Ends" },
	{ "venue", "Venue" }, { "address", "Address" }, { "headline", "Headline" },
	{ "summary", "Summary" }, { "review_md", "Review" },
	{ "next_md", "Note on the next edition" }, { "published", "Published" },
	{ "headline_de", "Headline (German)" }, { "summary_de", "Summary (German)" },
	{ "review_de_md", "Review (German)" },
	{ "next_de_md", "Note on the next edition (German)" },
	{ "registration_url", "Registration address" },
	{ "registration_opens", "Registration opens" },
	{ "registration_closes", "Registration closes" },
	{ NULL, NULL } } };

void admin_edition_get(struct admin_ctx *c)
{
	if (load(c, c->v) != DB_FOUND) {
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

/* The registration: where (an http or https address; the public page links
 * it) and from when until when, in WHEN_ZONE.  Times need an address, and
 * the closing comes after the opening. */
struct registration {
	const char *url;
	long long opens_at, closes_at;     /* 0: not set */
};

static long long reg_time(struct admin_ctx *c, const char *name)
{
	const char *s = admin_field(c, name, 0, WHEN_LOCAL_LEN + 3);
	char t[WHEN_LOCAL_LEN + 1];
	snprintf(t, sizeof t, "%s", s);    /* a browser may add ":00" seconds */
	long long at = *s ? when_parse_local(t) : 0;
	if (at < 0 || (strlen(s) > WHEN_LOCAL_LEN && strcmp(s + WHEN_LOCAL_LEN, ":00") != 0)) {
		admin_invalid(c, name, 422, "A time is written YYYY-MM-DD HH:MM (Berlin time), "
			      "e.g. 2026-10-01 09:00.");
		at = 0;
	}
	return at;
}

static int web_address(const char *u)
{
	size_t n = strncmp(u, "https://", 8) == 0 ? 8 : strncmp(u, "http://", 7) == 0 ? 7 : 0;
	if (!n || !u[n] || strchr("/?#", u[n]))
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return 0;
	return 1;
}

static void read_registration(struct admin_ctx *c, struct registration *g)
{
	g->url = admin_field(c, "registration_url", 0, ADMIN_TEXT_MAX);
	g->opens_at = reg_time(c, "registration_opens");
	g->closes_at = reg_time(c, "registration_closes");
	if (*g->url && !web_address(g->url))
		admin_invalid(c, "registration_url", 422, "The address starts with https:// "
			      "(or http://) and has no spaces, e.g. https://example.org/register.");
	else if (!*g->url && (g->opens_at || g->closes_at))
		admin_invalid(c, "registration_url", 422, "Registration times need the "
			      "address where visitors register.");
	if (g->opens_at && g->closes_at && g->closes_at <= g->opens_at)
		admin_invalid(c, "registration_closes", 422, "Registration must close after it opens.");
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

static void save(struct admin_ctx *c, struct db_admin_edition *e, int is_new,
		const struct registration *g)
{
	char object[32], loc[32];
	snprintf(object, sizeof object, "edition %04d", e->year);
	if ((is_new ? admin_begin(c) : admin_begin_version(c, &version)) < 0)
		return;
	long long id = is_new ? db_admin_edition_add(e) :
		db_admin_edition_update(e) == DB_FOUND ? c->edition_id : -1;
	if (id > 0 && !is_new &&
	    db_programme_registration_save(id, g->url, g->opens_at, g->closes_at) < 0)
		id = -1;
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
	struct registration g = { "", 0, 0 };
	if (!is_new)                /* a new edition gets its registration later */
		read_registration(c, &g);
	if (c->invalid) {
		admin_edition_form(c);
	} else {
		save(c, &e, is_new, &g);
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
