/* feed: what crawlers and feed readers ask for - /sitemap.xml (the
 * sitemaps.org protocol), /feed.atom (RFC 4287: press releases and
 * editions) and /robots.txt (RFC 9309).  The sitemap and the feed name
 * absolute addresses, so without a configured base URL they are a 404. */
#include <string.h>

#include "db.h"
#include "page.h"
#include "seo.h"

static void robots(struct http_req *r, struct http_resp *w, struct tmpl_vars *v)
{
	if (page_layout(v, 0, PAGE_OTHER, "en") != DB_FOUND) {
		page_error(r, w, 500);
		return;
	}
	buf_reset(&w->body);
	seo_robots(&w->body, tmpl_get(v, "base_url"));
	w->content_type = "text/plain; charset=utf-8";
	w->cacheable = 1;
	w->last_modified = db_changed_at();
}

static void xml(struct http_req *r, struct http_resp *w, struct tmpl_vars *v,
		const char *tmpl, const char *type)
{
	enum db_result rc = page_layout(v, 0, PAGE_OTHER, "en");
	if (rc == DB_FOUND)
		rc = strcmp(tmpl, "sitemap.xml") == 0 ? seo_sitemap(v) : seo_feed(v);
	page_answer(r, w, rc, tmpl, v);
	if (w->status == 200)
		w->content_type = type;
}

static void handle(struct http_req *r, struct http_resp *w)
{
	struct tmpl_vars *v = page_vars();
	if (strcmp(r->path, "/robots.txt") == 0)
		robots(r, w, v);
	else if (strcmp(r->path, "/sitemap.xml") == 0)
		xml(r, w, v, "sitemap.xml", "application/xml; charset=utf-8");
	else if (strcmp(r->path, "/feed.atom") == 0)
		xml(r, w, v, "feed.xml", "application/atom+xml; charset=utf-8");
	else
		page_error(r, w, 404);
}

int main(int argc, char **argv)
{
	return page_main(argc, argv, "feed", handle);
}
