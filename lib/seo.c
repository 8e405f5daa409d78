/* seo: the share previews' and JSON-LD's names for a page (seo.h). */
#include "seo.h"

#include <string.h>

#include "db_seo.h"

static const char *lang_of(const struct tmpl_vars *v)
{
	const char *lang = tmpl_get(v, "lang");
	return lang ? lang : "en";
}

/* The locales Open Graph names (ll_TT): the page's and the other one. */
static void locales(struct tmpl_vars *v)
{
	int de = strcmp(lang_of(v), "de") == 0;
	tmpl_set(v, "og_locale", de ? "de_DE" : "en_GB");
	tmpl_set(v, "og_locale_other", de ? "en_GB" : "de_DE");
}

enum db_result seo_edition(struct tmpl_vars *v, int year)
{
	locales(v);
	if (db_seo_share(v, year, "cover", lang_of(v)) != DB_FOUND ||
	    db_seo_event(v, year) != DB_FOUND ||
	    db_seo_talks(v, year, lang_of(v), "ld_talks") < 0)
		return DB_FAILED;
	return DB_FOUND;
}

enum db_result seo_press(struct tmpl_vars *v, int year, const char *lang)
{
	locales(v);
	if (db_seo_share(v, year, "press", lang) != DB_FOUND ||
	    db_seo_times(v, year, lang) != DB_FOUND)
		return DB_FAILED;
	return DB_FOUND;
}

static enum db_result absolute(struct tmpl_vars *v)
{
	const char *base = tmpl_get(v, "base_url");
	if (!base || !*base)
		return DB_MISSING;
	return db_seo_times(v, 0, "en");
}

enum db_result seo_sitemap(struct tmpl_vars *v)
{
	enum db_result rc = absolute(v);
	if (rc == DB_FOUND && db_seo_pages(v, "pages") < 0)
		rc = DB_FAILED;
	return rc;
}

enum db_result seo_feed(struct tmpl_vars *v)
{
	enum db_result rc = absolute(v);
	if (rc == DB_FOUND && db_seo_entries(v, "entries") < 0)
		rc = DB_FAILED;
	return rc;
}

void seo_robots(struct buf *out, const char *base_url)
{
	/* "Disallow: /admin/" keeps the log-in page out of search results;
	 * it hides nothing (the admin area needs a session anyway). */
	buf_puts(out, "User-agent: *\nAllow: /\nDisallow: /admin/\n");
	if (base_url && *base_url)
		buf_printf(out, "\nSitemap: %s/sitemap.xml\n", base_url);
}
