/* presentations: an edition's talks with their slides, and its session
 * videos, /YEAR/presentations. */
#include <string.h>

#include "db.h"
#include "page.h"

static void handle(struct http_req *r, struct http_resp *w)
{
	const char *rest;
	int year = page_year(r->path + 1, &rest);

	if (r->path[0] != '/' || year < 0 || strcmp(rest, "/presentations") != 0) {
		page_error(r, w, 404);
		return;
	}
	struct tmpl_vars *v = page_vars();
	enum db_result rc = page_edition(v, year, PAGE_PRESENTATIONS, page_lang());
	if (rc == DB_FOUND && (db_presentations(v, year, page_lang(), "presentations") < 0 ||
			       db_slides_zip(v, year, page_lang()) < 0 ||
			       db_videos(v, year, tmpl_get(v, "lang"), "videos") < 0))
		rc = DB_FAILED;
	page_answer(r, w, rc, "presentations.xml", v);
}

int main(int argc, char **argv)
{
	return page_main(argc, argv, "presentations", handle);
}
