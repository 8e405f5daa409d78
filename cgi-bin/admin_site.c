/* admin_site: the site settings - name, background, contact, imprint,
 * privacy. */
#include "admin.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

#include "md.h"

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	(void)c;
	return db_admin_site(row);
}

static const struct admin_version version = { "site.xml", "page", load, {
	{ "name", "Site name" }, { "background_md", "Background" },
	{ "contact_name", "Contact name" }, { "contact_role", "Contact role" },
	{ "contact_phone", "Contact phone" }, { "contact_email", "Contact e-mail" },
	{ "imprint_md", "Imprint" }, { "privacy_md", "Privacy notice" },
	{ NULL, NULL } } };

void admin_site_get(struct admin_ctx *c)
{
	if (db_admin_site(c->v) != DB_FOUND || db_admin_home_choices(c->v, "home_choices") < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_version_set(c, &version);
	admin_render(c, "site.xml", 200);
}

void admin_site_form(struct admin_ctx *c)
{
	admin_render(c, "site.xml", c->status);
}

/* Empty, or something@something without spaces: enough to catch a typo,
 * no attempt at RFC 5322. */
static void check_email(struct admin_ctx *c, const char *field, const char *e)
{
	const char *at = strchr(e, '@');
	if (*e && (!at || at == e || !at[1] || strchr(at + 1, '@') || strpbrk(e, " \t<>\"")))
		admin_invalid(c, field, 422, "This is not an e-mail address.");
}

/* The edition the home page shows: "" for the newest published one, or
 * the year of a published edition.  The year, 0, or -1 (marked). */
static int home_year(struct admin_ctx *c)
{
	const char *y = admin_value(c, "home_year");
	if (!*y)
		return 0;
	if (strlen(y) == 4 && strspn(y, "0123456789") == 4 && db_admin_edition_id(atoi(y)) > 0)
		return atoi(y);
	admin_invalid(c, "home_year", 422, "Choose one of the published editions.");
	return -1;
}

void admin_site_post(struct admin_ctx *c)
{
	struct buf bg = BUF_INIT, imp = BUF_INIT, priv = BUF_INIT;
	struct db_admin_site s = {
		.name = admin_field(c, "name", 1, ADMIN_TEXT_MAX),
		.background_md = admin_field(c, "background_md", 0, MD_INPUT_MAX),
		.contact_name = admin_field(c, "contact_name", 0, ADMIN_TEXT_MAX),
		.contact_role = admin_field(c, "contact_role", 0, ADMIN_TEXT_MAX),
		.contact_phone = admin_field(c, "contact_phone", 0, ADMIN_TEXT_MAX),
		.contact_email = admin_field(c, "contact_email", 0, ADMIN_TEXT_MAX),
		.imprint_md = admin_field(c, "imprint_md", 0, MD_INPUT_MAX),
		.privacy_md = admin_field(c, "privacy_md", 0, MD_INPUT_MAX),
		.press_name = admin_field(c, "press_name", 0, ADMIN_TEXT_MAX),
		.press_phone = admin_field(c, "press_phone", 0, ADMIN_TEXT_MAX),
		.press_email = admin_field(c, "press_email", 0, ADMIN_TEXT_MAX),
	};
	int home = home_year(c);
	if (db_admin_home_choices(c->v, "home_choices") < 0)
		admin_invalid(c, "home_year", 500, "The editions could not be read.");
	check_email(c, "contact_email", s.contact_email);
	check_email(c, "press_email", s.press_email);
	admin_markdown(c, "background_md", s.background_md, &bg);
	admin_markdown(c, "imprint_md", s.imprint_md, &imp);
	admin_markdown(c, "privacy_md", s.privacy_md, &priv);
	s.background_html = bg.data;
	s.imprint_html = imp.data;
	s.privacy_html = priv.data;
	if (c->invalid)
		admin_site_form(c);
	else if (admin_begin_version(c, &version) == 0) {
		if (db_admin_site_update(&s) != DB_FOUND || db_admin_home_set(home) != DB_FOUND)
			admin_abort(c);
		else if (admin_commit(c, "update", "site", "") == 0)
			admin_redirect_done(c, "/admin/site", ADMIN_DONE_SAVED, -1, 0, 0);
	}
	buf_free(&bg);
	buf_free(&imp);
	buf_free(&priv);
}
