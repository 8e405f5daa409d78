/* gallery: an edition's photos, GALLERY_PAGE_SIZE per page
 * (/YEAR/gallery?page=N), and each photo's own page (/YEAR/gallery/ID). */
#include <string.h>

#include "db.h"
#include "page.h"

/* ?page=N: 1 when absent; -1 when malformed, not canonical ("01", "+1")
 * or repeated junk - all answered 404, as a page that does not exist. */
static int page_param(const struct http_req *r)
{
	char s[16];
	int rc = http_query_get(r->query, "page", s, sizeof s);
	if (rc < 0)
		return -1;
	return rc == 0 ? 1 : page_number(s);
}

static void grid(struct http_req *r, struct http_resp *w, int year)
{
	int page = page_param(r);
	if (page < 0) {
		page_error(r, w, 404);
		return;
	}
	struct tmpl_vars *v = page_vars();
	enum db_result rc = page_edition(v, year, PAGE_GALLERY, page_lang());
	int count = rc == DB_FOUND ? db_gallery_count(v, year) : 0;
	int pages = count > 0 ? (count + GALLERY_PAGE_SIZE - 1) / GALLERY_PAGE_SIZE : 1;
	if (rc == DB_FOUND && count < 0)
		rc = DB_FAILED;
	else if (rc == DB_FOUND && page > pages)
		rc = DB_MISSING;
	if (rc == DB_FOUND && db_gallery(v, year, tmpl_get(v, "lang"), GALLERY_PAGE_SIZE,
				  (page - 1) * GALLERY_PAGE_SIZE, "photos") < 0)
		rc = DB_FAILED;
	if (rc == DB_FOUND)
		page_pager(v, year, page, pages);
	page_answer(r, w, rc, "gallery.xml", v);
}

/* /YEAR/gallery/ID: the id is the photo's own, so the address stays the
 * same when the gallery is reordered.  No query string is taken. */
static void photo(struct http_req *r, struct http_resp *w, int year, const char *id)
{
	long n = page_id(id);
	if (n < 0 || r->query[0] != '\0') {
		page_error(r, w, 404);
		return;
	}
	struct tmpl_vars *v = page_vars();
	enum db_result rc = page_edition(v, year, PAGE_GALLERY, page_lang());
	if (rc == DB_FOUND)
		rc = db_photo(v, year, tmpl_get(v, "lang"), n, GALLERY_PAGE_SIZE);
	page_answer(r, w, rc, "photo.xml", v);
}

static void handle(struct http_req *r, struct http_resp *w)
{
	const char *rest;
	int year = r->path[0] == '/' ? page_year(r->path + 1, &rest) : -1;

	if (year > 0 && strcmp(rest, "/gallery") == 0)
		grid(r, w, year);
	else if (year > 0 && strncmp(rest, "/gallery/", 9) == 0)
		photo(r, w, year, rest + 9);
	else
		page_error(r, w, 404);
}

int main(int argc, char **argv)
{
	return page_main(argc, argv, "gallery", handle);
}
