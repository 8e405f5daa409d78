/* admin_site: the site settings - name, background, contact, imprint,
 * privacy, the public base URL - and `admin site` on the command line. */
#include "admin.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_admin.h"
#include "md.h"
#include "url.h"

_Static_assert(ADMIN_SITE_FORM_MAX <= FORM_URLENCODED_MAX, "the parser takes the form");

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
	{ "base_url", "Public address" },
	{ "background_de_md", "Background (German)" },
	{ "contact_role_de", "Contact role (German)" },
	{ "imprint_de_md", "Imprint (German)" },
	{ "privacy_de_md", "Privacy notice (German)" },
	{ NULL, NULL } } };

void admin_site_get(struct admin_ctx *c)
{
	if (db_admin_site(c->v) != DB_FOUND || db_admin_home_choices(c->v, "home_choices") < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_version_set(c, &version);
	admin_site_form(c);
}

void admin_site_form(struct admin_ctx *c)
{
	tmpl_seti(c->v, "form_max", ADMIN_SITE_FORM_MAX);
	admin_render(c, "site.xml", c->status ? c->status : 200);
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

/* The public base URL in its normal form (lib/url.h) into out; a refusal
 * marks the field with url_base_normal's reason. */
static void base_url(struct admin_ctx *c, char *out, size_t outsz)
{
	const char *in = admin_field(c, "base_url", 0, URL_BASE_MAX + 16);
	const char *why = url_base_normal(in, out, outsz);
	if (why)
		admin_invalid(c, "base_url", 422, "%s", why);
}

/* The German texts, with the English ones' limits; Markdown rendered into
 * md[0..2] (background, imprint, privacy).  Each of the six texts is
 * refused over ADMIN_SITE_TEXT_MAX (admin_markdown_field's limit) with the
 * form kept: the form's body takes all six at their limit. */
static void read_german(struct admin_ctx *c, struct db_admin_site *s, struct buf md[3])
{
	s->de.contact_role = admin_field(c, "contact_role_de", 0, ADMIN_TEXT_MAX);
	admin_markdown_field(c, "background_de_md", &md[0], &s->de.background_md,
			     &s->de.background_html);
	admin_markdown_field(c, "imprint_de_md", &md[1], &s->de.imprint_md, &s->de.imprint_html);
	admin_markdown_field(c, "privacy_de_md", &md[2], &s->de.privacy_md, &s->de.privacy_html);
}

void admin_site_post(struct admin_ctx *c)
{
	char url[URL_BASE_MAX + 1];
	struct buf bg = BUF_INIT, imp = BUF_INIT, priv = BUF_INIT;
	struct buf de[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
	struct db_admin_site s = {
		.name = admin_field(c, "name", 1, ADMIN_TEXT_MAX),
		.contact_name = admin_field(c, "contact_name", 0, ADMIN_TEXT_MAX),
		.contact_role = admin_field(c, "contact_role", 0, ADMIN_TEXT_MAX),
		.contact_phone = admin_field(c, "contact_phone", 0, ADMIN_TEXT_MAX),
		.contact_email = admin_field(c, "contact_email", 0, ADMIN_TEXT_MAX),
		.press_name = admin_field(c, "press_name", 0, ADMIN_TEXT_MAX),
		.press_phone = admin_field(c, "press_phone", 0, ADMIN_TEXT_MAX),
		.press_email = admin_field(c, "press_email", 0, ADMIN_TEXT_MAX),
	};
	int home = home_year(c);
	base_url(c, url, sizeof url);
	if (db_admin_home_choices(c->v, "home_choices") < 0)
		admin_invalid(c, "home_year", 500, "The editions could not be read.");
	check_email(c, "contact_email", s.contact_email);
	check_email(c, "press_email", s.press_email);
	admin_markdown_field(c, "background_md", &bg, &s.background_md, &s.background_html);
	admin_markdown_field(c, "imprint_md", &imp, &s.imprint_md, &s.imprint_html);
	admin_markdown_field(c, "privacy_md", &priv, &s.privacy_md, &s.privacy_html);
	read_german(c, &s, de);
	if (c->invalid)
		admin_site_form(c);
	else if (admin_begin_version(c, &version) == 0) {
		c->public_change = ADMIN_PUBLIC_SITE;  /* on every page */
		if (db_admin_site_update(&s) != DB_FOUND || db_admin_home_set(home) != DB_FOUND ||
		    db_admin_base_url_set(url) != DB_FOUND)
			admin_abort(c);
		else if (admin_commit(c, "update", "site", "") == 0)
			admin_redirect_done(c, "/admin/site", ADMIN_DONE_SAVED, -1, 0, 0);
	}
	buf_free(&bg);
	buf_free(&imp);
	buf_free(&priv);
	for (int i = 0; i < 3; i++)
		buf_free(&de[i]);
}

/* ---- the command line: admin site [--db PATH] [--base-url URL] ---- */

static int set_base_url(const char *in)
{
	char url[URL_BASE_MAX + 1];
	const char *why = url_base_normal(in, url, sizeof url);
	if (why) {
		fprintf(stderr, "admin site: --base-url %s: %s\n", in, why);
		return 1;
	}
	if (db_begin() < 0 || db_admin_base_url_set(url) != DB_FOUND ||
	    db_admin_changed("cli", "update", "site", "base_url", time(NULL)) < 0 ||
	    db_admin_settings_changed(time(NULL)) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		fprintf(stderr, "admin site: the base URL could not be saved (above why)\n");
		return 1;
	}
	printf("base_url\t%s\n", url);
	return 0;
}

static int show(void)
{
	struct tmpl_vars *v = tmpl_vars_new();
	int rc = db_admin_site(v) == DB_FOUND ? 0 : 1;
	if (rc == 0)
		printf("name\t%s\nbase_url\t%s\n", tmpl_get(v, "name"), tmpl_get(v, "base_url"));
	else
		fprintf(stderr, "admin site: the site settings could not be read\n");
	tmpl_vars_free(v);
	return rc;
}

int admin_cmd_site(int argc, char **argv)
{
	const char *path = admin_db_option(&argc, argv);
	const char *url = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--base-url") == 0 && i + 1 < argc && !url)
			url = argv[++i];
		else
			return -1;
	}
	if (db_open(path, DB_READWRITE) < 0) {
		fprintf(stderr, "admin site: cannot open %s\n", path);
		return 1;
	}
	int rc = url ? set_base_url(url) : show();
	db_close();
	return rc;
}
