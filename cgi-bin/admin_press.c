/* admin_press: an edition's press release in English or German.  The
 * press photo is the edition's, one for both languages, picked in the
 * gallery; here each language gives it a caption, and both share the
 * credit. */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "md.h"
#include "when.h"

/* The release and the edition's press kit: what the form shows and what
 * its version covers. */
/* The publication time as the form shows it: "2026-12-02T09:00" in the
 * admin's zone (WHEN_ZONE, set for the whole admin process). */
static void local_time(struct tmpl_vars *row, long long at)
{
	char text[WHEN_LOCAL_LEN + 1];
	when_format(text, sizeof text, at, "%Y-%m-%dT%H:%M");
	tmpl_set(row, "publish_local", text);
}

/* state_draft, state_published or state_scheduled for the form's radio
 * buttons (a release not written yet is published when saved). */
static void state_flags(struct tmpl_vars *row, const char *state)
{
	char name[32];
	snprintf(name, sizeof name, "state_%s", state && *state ? state : "published");
	tmpl_set(row, name, "1");
}

/* preview_url: the release's public address while it is not public yet
 * (a draft, or scheduled for later), where the admin sees it as a preview
 * (lib/page.h); unset otherwise. */
static void preview_link(struct admin_ctx *c, struct tmpl_vars *row)
{
	char url[32];
	const char *np = tmpl_get(row, "not_public");
	if (!np || strcmp(np, "1") != 0)
		return;
	snprintf(url, sizeof url, strcmp(c->lang, "de") == 0 ? "/de/%04d/press" : "/%04d/press",
		 c->year);
	tmpl_set(row, "preview_url", url);
}

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	enum db_result r = db_admin_press(row, c->edition_id, c->lang);
	if (r == DB_FAILED || db_admin_press_kit(row, c->edition_id) != DB_FOUND)
		return DB_FAILED;
	const char *at = tmpl_get(row, "publish_at");
	local_time(row, at ? atoll(at) : 0);
	state_flags(row, tmpl_get(row, "state"));
	preview_link(c, row);
	return r;
}

/* The release's state: draft, published, or scheduled for a date and
 * time (the embargo).  *at is the time for a scheduled one, else 0. */
static const char *read_state(struct admin_ctx *c, long long *at)
{
	const char *state = admin_value(c, "state");
	const char *when = admin_field(c, "publish_local", 0, 16);
	*at = 0;
	if (!*state)
		state = "published";         /* a form from before the states */
	if (strcmp(state, "draft") && strcmp(state, "published") && strcmp(state, "scheduled")) {
		admin_invalid(c, "state", 422, "Choose draft, published or scheduled.");
		return state;
	}
	state_flags(c->v, state);
	if (strcmp(state, "scheduled") == 0 && (*at = when_parse_local(when)) < 0)
		admin_invalid(c, "publish_local", 422, "A scheduled release needs a date "
			      "and time, e.g. 2026-12-02 09:00.");
	return state;
}

/* A release not written yet has the version of empty fields: two admins
 * writing the first one do not overwrite each other either. */
static const struct admin_version version = { "press.xml", "press release", load, {
	{ "title", "Title" }, { "subtitle", "Subtitle" }, { "released", "Date" },
	{ "body_md", "Text" }, { "press_photo_id", "Press photo" },
	{ "photo_caption", "Caption" }, { "press_credit", "Credit" },
	{ "state", "Status" }, { "publish_local", "Publication time" },
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

void admin_press_form(struct admin_ctx *c)
{
	admin_render(c, "press.xml", c->status);
}

static void save(struct admin_ctx *c, const struct db_admin_press *p,
		const char *credit, int remove, const char *state, long long at)
{
	char object[32], loc[48];
	if (admin_begin_version(c, &version) < 0)
		return;
	if (db_admin_press_save(p) < 0 ||
	    db_admin_press_schedule(c->edition_id, c->lang, state, at) != DB_FOUND ||
	    db_admin_press_kit_save(c->edition_id, credit, remove) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	snprintf(object, sizeof object, "press %04d %s", c->year, c->lang);
	if (admin_commit(c, "update", object, remove ? "press photo removed" : state) < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/press/%s", c->year, c->lang);
	admin_redirect_done(c, loc, strcmp(state, "draft") == 0 ? ADMIN_DONE_DRAFT :
			    strcmp(state, "scheduled") == 0 ? ADMIN_DONE_SCHEDULED :
			    ADMIN_DONE_PUBLISHED, -1, 0, 0);
}

/* A save neither before nor after public (a draft, or scheduled for
 * later: the page's time becomes its publication time when that comes,
 * lib/db_seo.c) is no public change, unless it changes the press kit the
 * other language's release shows.  Call with c->v as load() filled it and
 * the form read. */
static enum admin_public press_public(struct admin_ctx *c, int was_public,
		const char *old_credit, const char *state, long long at)
{
	const char *credit = tmpl_get(c->v, "press_credit");
	int now_public = strcmp(state, "published") == 0 ||
		(strcmp(state, "scheduled") == 0 && at <= (long long)c->now);
	int kit = strcmp(old_credit, credit ? credit : "") != 0 ||
		admin_checkbox(c, "photo_remove");
	return was_public || now_public || kit ? ADMIN_PUBLIC_EDITION : ADMIN_PUBLIC_NONE;
}

void admin_press_post(struct admin_ctx *c)
{
	struct buf body = BUF_INIT;
	struct db_admin_press p = { .edition_id = c->edition_id, .lang = c->lang };
	/* The stored kit shows the current photo again on an error. */
	if (load_page(c) < 0)
		return;
	const char *np = tmpl_get(c->v, "not_public"), *kept = tmpl_get(c->v, "press_credit");
	int was_public = np && strcmp(np, "0") == 0;
	char old_credit[ADMIN_TEXT_MAX * 4 + 1];    /* any length the row has */
	snprintf(old_credit, sizeof old_credit, "%s", kept ? kept : "");
	p.title = admin_field(c, "title", 1, ADMIN_TEXT_MAX);
	p.subtitle = admin_field(c, "subtitle", 0, ADMIN_TEXT_MAX);
	p.released = admin_date(c, "released", 1);
	p.body_md = admin_field(c, "body_md", 0, MD_INPUT_MAX);
	p.photo_caption = admin_field(c, "photo_caption", 0, ADMIN_TEXT_MAX);
	const char *credit = admin_field(c, "press_credit", 0, ADMIN_TEXT_MAX);
	int remove = admin_checkbox(c, "photo_remove");
	long long at;
	const char *state = read_state(c, &at);
	admin_markdown(c, "body_md", p.body_md, &body);
	p.body_html = body.data;
	if (c->invalid) {
		admin_press_form(c);
	} else {
		c->public_change = press_public(c, was_public, old_credit, state, at);
		save(c, &p, credit, remove, state, at);
	}
	buf_free(&body);
}
