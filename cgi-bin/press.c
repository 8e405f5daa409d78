/* press: an edition's press release, /YEAR/press (English) and
 * /de/YEAR/press (German); the first release's /YEAR/press/de moved there
 * for good (301). */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "page.h"
#include "seo.h"

/* A release missing in the asked language while the other exists: a 404
 * that says so and links across, in the language asked for. */
static void missing(struct http_req *r, struct http_resp *w,
		    struct tmpl_vars *v, int year, const char *lang)
{
	const char *other = strcmp(lang, "en") == 0 ? "de" : "en";
	enum db_result rc = db_press_exists(year, other);
	if (rc != DB_FOUND) {
		page_error(r, w, rc == DB_MISSING ? 404 : 500);
		return;
	}
	tmpl_set(v, "missing", "1");
	tmpl_set(v, "cur_press", "");   /* the tab links the other language */
	tmpl_set(v, "canonical", "");   /* a 404 names no address as its own */
	w->status = 404;
	page_render(w, "press.xml", v);
}

/* /YEAR/press/de, the German release's address before the site had a
 * German side: moved permanently (RFC 9110 15.4.2), so links and
 * bookmarks keep working and search engines follow to the new address. */
static void moved(struct http_resp *w, int year)
{
	char loc[32];
	snprintf(loc, sizeof loc, "/de/%04d/press", year);
	w->status = 301;
	http_resp_header(w, "Location", loc);
}

static void handle(struct http_req *r, struct http_resp *w)
{
	const char *rest, *lang = page_lang();
	int year = r->path[0] == '/' ? page_year(r->path + 1, &rest) : -1;

	if (year >= 0 && strcmp(rest, "/press/de") == 0 && strcmp(lang, "en") == 0) {
		moved(w, year);
		return;
	}
	if (year < 0 || strcmp(rest, "/press") != 0) {
		page_error(r, w, 404);
		return;
	}
	struct tmpl_vars *v = page_vars();
	enum db_result rc = page_edition(v, year, PAGE_PRESS, lang);
	if (rc == DB_FOUND) {
		rc = db_press(v, year, lang);
		if (rc == DB_MISSING && page_preview_press(v, year, lang))
			rc = db_press(v, year, lang);
		if (rc == DB_MISSING) {
			missing(r, w, v, year, lang);
			return;
		}
	}
	if (rc == DB_FOUND)
		rc = seo_press(v, year, lang);
	page_answer(r, w, rc, "press.xml", v);
}

int main(int argc, char **argv)
{
	return page_main(argc, argv, "press", handle);
}
