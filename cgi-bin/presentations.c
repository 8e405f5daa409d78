/* presentations: an edition's talks with their slides, and its session
 * videos, /YEAR/presentations. */
#include <string.h>

#include "db.h"
#include "page.h"
#include "serve.h"

static void handle(struct http_req *r, struct http_resp *w)
{
	const char *rest;
	int year = page_year(r->path + 1, &rest);

	if (r->path[0] != '/' || year < 0 || strcmp(rest, "/presentations") != 0) {
		page_error(r, w, 404);
		return;
	}
	struct tmpl_vars *v = page_vars();
	int rc = page_edition(v, year, PAGE_PRESENTATIONS, "en");
	if (rc == 1 && (db_presentations(v, year, "presentations") < 0 ||
			db_videos(v, year, "videos") < 0))
		rc = -1;
	if (rc <= 0)
		page_error(r, w, rc == 0 ? 404 : 500);
	else
		page_render(w, "presentations.xml", v);
}

static const struct serve_page presentations = {
	.name = "presentations",
	.init = page_init,
	.open = page_open,
	.handle = handle,
	.error = page_error,
	.version = page_version,
};

int main(int argc, char **argv)
{
	return serve_main(argc, argv, &presentations);
}
