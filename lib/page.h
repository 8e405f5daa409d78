/* page: what the four public programs (home, press, presentations,
 * gallery) share - their templates, the read-only database, the layout
 * every page carries, rendering, and the error page.
 *
 * A program fills a struct serve_page with page_init, page_open,
 * page_error and page_version, and writes only its own handle(). */
#ifndef PAGE_H
#define PAGE_H

#include "db.h"
#include "http.h"
#include "tmpl.h"

#define GALLERY_PAGE_SIZE 48    /* thumbnails per gallery page */
#define PAGE_NUM_MAX 100000     /* ?page= above this is refused as malformed */
#define PAGE_ID_MAX  2147483647L /* a row id in a URL: SQLite's ids stay far below */
#define PAGE_QUERY_MAX 32       /* the part of a query that names a page: "?page=N" */

/* Where a page sits in the navigation: decides which link carries
 * aria-current. */
enum page_section {
	PAGE_OVERVIEW,          /* an edition's home page */
	PAGE_PRESS,
	PAGE_PRESENTATIONS,
	PAGE_GALLERY,
	PAGE_IMPRINT,
	PAGE_PRIVACY,
	PAGE_SEARCH,
	PAGE_PROGRAMME,
	PAGE_OTHER              /* error pages */
};

/* serve_page.init: compile every public template once; -1 after printing
 * "file:line: message". */
int page_init(void);
/* serve_page.open: the database of serve_cfg.db_path, read-only. */
int page_open(void);
/* serve_page.version: the database's data_version, the day (page_day)
 * and the scheduled times passed. */
long long page_version(void);
/* Midnights passed by `now`, counting both UTC's (a page's "upcoming")
 * and Berlin's (WHEN_ZONE, the process's zone: a registration closes at
 * the end of the edition's last day there): it grows at each of them. */
long long page_day(time_t now);
/* serve_page.error: the error page in the site's layout, status set. */
void page_error(struct http_req *r, struct http_resp *w, int status);

/* The request's scope, emptied (one per process, reused). */
struct tmpl_vars *page_vars(void);

/* The layout's names: the site row, lang and de (1 for German), the
 * editions for navigation and the archive (list "editions", each with
 * nav_current) and the section markers cur_overview, cur_press,
 * cur_presentations, cur_gallery, cur_imprint, cur_privacy, cur_search ("page" on the
 * current one).  year is the edition shown, 0 for none.  DB_FOUND, or
 * DB_FAILED (the site row is part of the layout: without it, a 500).
 *
 * The page's addresses (stable names: templates and other modules build
 * on them):
 *   base_url        the configured public base URL, "https://host[/path]"
 *                   without a trailing slash (lib/url.h), "" when none is
 *                   configured; an absolute address is ${base_url}/PATH.
 *   canonical_path  the page's own path, root-relative, with the query
 *                   only where it names the page (the gallery's ?page=N
 *                   for N > 1; never the search's q); "" on error pages.
 *   canonical       base_url + canonical_path, absolute; "" when base_url
 *                   is empty or on an error page (then no canonical link
 *                   is written at all: see page_canonical).
 *   alt_en, alt_de  the page's absolute address in English and in German
 *                   (the hreflang alternates; x-default is alt_en); "" as
 *                   canonical is.
 *   switch_url      the same page in the other language, root-relative.
 * And for the language: lang ("en", "de"), de ("1" on German pages),
 * other_lang, and l, the prefix the page's own links put before a path
 * ("" or "/de": href="${l}/${year}/press"). */
enum db_result page_layout(struct tmpl_vars *v, int year, enum page_section sec,
		const char *lang);

/* From path, the page's English path (NULL: none), set canonical_path,
 * canonical, alt_en, alt_de and switch_url for the page's language, from
 * base_url, which v must hold already (page_layout does all this; a
 * program calls it again when its page's address differs from the
 * request's path, as the gallery's pager does). */
void page_canonical(struct tmpl_vars *v, const char *path);

/* An edition's page: page_find_edition, db_programme_span (session_count,
 * and has_content 1 when the edition has a programme) plus the layout.
 * DB_FOUND, DB_MISSING (no such published edition, and no preview: answer
 * 404) or DB_FAILED (answer 500). */
enum db_result page_edition(struct tmpl_vars *v, int year, enum page_section sec,
		 const char *lang);

/* ---- previews ----
 *
 * What is not public yet - an unpublished edition's pages, a draft or
 * scheduled press release - is a 404 for everyone but a logged-in admin
 * (the __Host-sid cookie of a valid session, checked read-only), who gets
 * the page as visitors will see it, with a banner (template names preview
 * = "1" and preview_edit_url, the admin page to edit it) and without
 * being kept anywhere: Cache-Control "private, no-store", X-Accel-Expires
 * 0, never in the render cache.  A page that is public is the same for
 * everyone, admins included.  Once a preview began, the rest of the
 * request's queries see what the admin may see (db_preview). */

/* db_edition; when it finds no published edition and the request is an
 * admin's, the preview begins and the edition is looked up again. */
enum db_result page_find_edition(struct tmpl_vars *v, int year, const char *lang);

/* The press release of `lang` is not public: begin a preview if the
 * request is an admin's (1; then ask db_press again), else 0. */
int page_preview_press(struct tmpl_vars *v, int year, const char *lang);

/* Render templates/<name> into w's body as a public page: cacheable when
 * the status is 200, Last-Modified from the site's changed_at. */
void page_render(struct http_resp *w, const char *name, const struct tmpl_vars *v);

/* Answer for a look-up's result rc: DB_FOUND renders templates/<name>,
 * DB_MISSING is a 404 (no such published thing), DB_FAILED a 500. */
void page_answer(struct http_req *r, struct http_resp *w, enum db_result rc,
		 const char *name, const struct tmpl_vars *v);

/* main() of a public program: serve_main with page_init, page_open,
 * page_error, page_version and the program's own handle, which sees the
 * path without the language prefix: /de/2023/press comes in as
 * /2023/press with page_lang() "de" (and /de as a 301 to /de/). */
int page_main(int argc, char **argv, const char *name,
	      void (*handle)(struct http_req *, struct http_resp *));

/* The language of the request being answered: "en" or "de". */
const char *page_lang(void);

/* 1 (German) when path starts with the prefix /de (followed by '/' or
 * its end), else 0 (English); *rest (if given) points after the prefix. */
int page_lang_path(const char *path, const char **rest);

/* 1 when the request's Accept-Language gives German a higher weight than
 * English (RFC 9110 12.5.4; a tie is English, the site's default). */
int page_prefers_de(const struct http_req *r);

/* A year at the start of s: exactly four ASCII digits.  Returns it and
 * points *rest after it, or -1 ("+2023", "202", "20234" are refused; the
 * caller decides what may follow). */
int page_year(const char *s, const char **rest);

/* The programme of a published edition as the pages show it: the list
 * "sessions" (db_programme_sessions) and the registration's names
 * (db_programme_registration, as of now; has_registration 1 when there is
 * one).  DB_FOUND or DB_FAILED. */
enum db_result page_programme(struct tmpl_vars *v, int year, const char *lang);

/* A positive page number written canonically: digits, no leading zero,
 * at most PAGE_NUM_MAX.  The number, or -1. */
int page_number(const char *s);

/* A row id in a URL (/2023/gallery/17), written as page_number wants it,
 * at most PAGE_ID_MAX.  The id, or -1. */
long page_id(const char *s);

/* The gallery's pager: list "pages" (number, url, current: "page" or "")
 * prev_url / next_url ("" at either end), page, page_count, and paged
 * (1 when there is more than one page). */
void page_pager(struct tmpl_vars *v, int year, int page, int pages);

#endif
