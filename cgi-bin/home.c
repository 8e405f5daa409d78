/* home: an edition's home page (/YEAR/, and / for the newest), the
 * imprint and privacy pages, and the 404 for every address nobody else
 * answers; each in English and, under /de, German (lib/page.h). */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "page.h"
#include "seo.h"

static void edition(struct http_req *r, struct http_resp *w, int year)
{
	struct tmpl_vars *v = page_vars();
	/* Year 0: an empty site's / shows the layout alone; a database
	 * failure there is a 500 like anywhere else. */
	enum db_result rc = year ? page_edition(v, year, PAGE_OVERVIEW, page_lang())
				 : page_layout(v, 0, PAGE_OVERVIEW, page_lang());
	char path[16];
	/* / shows an edition's page: that page's address is the canonical one. */
	snprintf(path, sizeof path, "/%04d/", year);
	if (year && rc == DB_FOUND)
		page_canonical(v, path);
	/* An upcoming edition's page leads with its programme and
	 * registration. */
	const char *up = tmpl_get(v, "upcoming");
	if (rc == DB_FOUND && year && up && strcmp(up, "1") == 0)
		rc = page_programme(v, year, page_lang());
	if (year && rc == DB_FOUND)
		rc = seo_edition(v, year);
	page_answer(r, w, rc, "home.xml", v);
}

static void text_page(struct http_req *r, struct http_resp *w, enum page_section sec)
{
	struct tmpl_vars *v = page_vars();
	page_answer(r, w, page_layout(v, 0, sec, page_lang()), "page.xml", v);
}

/* /YEAR names a directory-like resource: send it to /YEAR/ so relative
 * links and the cache see one address (RFC 9110 15.4.2). */
static void redirect(struct http_req *r, struct http_resp *w, int year)
{
	char loc[16];
	enum db_result rc = page_find_edition(page_vars(), year, "en");
	if (rc != DB_FOUND) {
		page_error(r, w, rc == DB_MISSING ? 404 : 500);
		return;
	}
	snprintf(loc, sizeof loc, "%s/%04d/", strcmp(page_lang(), "de") ? "" : "/de", year);
	w->status = 301;
	http_resp_header(w, "Location", loc);
}

/* The English / is the one address that follows Accept-Language (RFC 9110
 * 12.5.4): a visitor who prefers German is sent to /de/.  Both answers
 * say so in Vary; no other address ever redirects by language, so every
 * page can be linked, bookmarked and shared in the language it is in. */
static int negotiate(struct http_req *r, struct http_resp *w)
{
	if (strcmp(page_lang(), "en") != 0)
		return 0;
	http_resp_header(w, "Vary", "Accept-Language");
	if (!page_prefers_de(r))
		return 0;
	w->status = 302;
	http_resp_header(w, "Location", "/de/");
	return 1;
}

static void handle(struct http_req *r, struct http_resp *w)
{
	const char *p = r->path, *rest;
	int year;

	if (strcmp(p, "/") == 0 && negotiate(r, w)) {
		return;
	} else if (strcmp(p, "/") == 0) {
		year = db_latest_year();
		if (year < 0)
			page_error(r, w, 500);
		else
			edition(r, w, year);
	} else if (strcmp(p, "/imprint") == 0) {
		text_page(r, w, PAGE_IMPRINT);
	} else if (strcmp(p, "/privacy") == 0) {
		text_page(r, w, PAGE_PRIVACY);
	} else if ((year = page_year(p + 1, &rest)) > 0 && strcmp(rest, "/") == 0) {
		/* Year 0 is edition()'s "no edition" of an empty site: /0000/
		 * must be a 404, not that page. */
		edition(r, w, year);
	} else if (year >= 0 && *rest == '\0') {
		redirect(r, w, year);
	} else {
		page_error(r, w, 404);
	}
}

int main(int argc, char **argv)
{
	return page_main(argc, argv, "home", handle);
}
