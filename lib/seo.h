/* seo: what share previews (Open Graph, Twitter cards) and JSON-LD need
 * on the public pages, gathered for the templates' _share.xml,
 * _ld_event.xml and _ld_press.xml.  Call after page_edition(), which set
 * the edition and the layout (base_url, canonical). */
#ifndef SEO_H
#define SEO_H

#include "buf.h"
#include "db.h"
#include "tmpl.h"

/* An edition's page: its share preview (the cover first), the Event's
 * facts and its talks (list ld_talks).  DB_FOUND or DB_FAILED. */
enum db_result seo_edition(struct tmpl_vars *v, int year);

/* A press release's page: its share preview (the press photo first) and
 * its dates.  DB_FOUND or DB_FAILED. */
enum db_result seo_press(struct tmpl_vars *v, int year, const char *lang);

/* The sitemap's pages (list pages) and the feed's entries (list
 * entries), with site_updated (the feed's time); both need a configured base URL (their
 * addresses must be absolute): DB_MISSING without one, after db_site()
 * set base_url.  DB_FOUND or DB_FAILED otherwise. */
enum db_result seo_sitemap(struct tmpl_vars *v);
enum db_result seo_feed(struct tmpl_vars *v);

/* robots.txt (RFC 9309): everything allowed but the admin area, and the
 * sitemap's absolute address when base_url is not "". */
void seo_robots(struct buf *out, const char *base_url);

#endif
