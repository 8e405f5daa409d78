/* page: the shared part of the public programs. */
#include "page.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "buf.h"
#include "db.h"
#include "db_programme.h"
#include "serve.h"
#include "url.h"
#include "when.h"

#define PAGE_VERSION_DAYS 65536   /* days before the day part repeats */
#define PAGE_VERSION_DUE  1024    /* scheduled releases due, before that part repeats */

/* Every public template: each top-level templates/NAME.xml (the _*.xml
 * files are parts the others include; admin/ is the admin's).  Each
 * program loads them all (a few KB each) so any program can render any
 * page, the error page above all, and a new page needs no list here
 * (deploy/programs.tsv). */
#define PAGE_TMPL_MAX 32

/* The languages: each public template is compiled once per language, with
 * the strings of templates/i18n/LANG.xml (lib/tmpl.h, #{key}).  English is
 * the default and has no prefix; German pages are /de + the English path
 * (README.md, URL map). */
enum { PAGE_EN, PAGE_DE, PAGE_LANGS };
static const char *const lang_code[PAGE_LANGS] = { "en", "de" };
static const char *const lang_prefix[PAGE_LANGS] = { "", "/de" };

static char *tmpl_files[PAGE_TMPL_MAX];
static struct tmpl *tmpls[PAGE_TMPL_MAX][PAGE_LANGS];
static struct tmpl_catalog *catalogs[PAGE_LANGS];
static size_t ntmpl;
static struct tmpl_vars *vars;
/* The request being answered (page_main's wrapper sets it, its path
 * without the language prefix): the layout takes the page's own address
 * and language from it, and the preview check its cookie, so no program
 * passes them along. */
static const struct http_req *cur_req;
static int cur_lang;
static void (*prog_handle)(struct http_req *, struct http_resp *);
static int previewing;          /* this response is a preview */
static int admin_state = -1;    /* from_admin's answer: -1 not asked yet */

static int is_page_template(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '_' && name[0] != '.' && n > 4 &&
	       strcmp(name + n - 4, ".xml") == 0;
}

static void unload_all(void)
{
	for (size_t i = 0; i < ntmpl; i++) {
		for (int l = 0; l < PAGE_LANGS; l++)
			tmpl_free(tmpls[i][l]);
		free(tmpl_files[i]);
	}
	ntmpl = 0;
	for (int l = 0; l < PAGE_LANGS; l++) {
		tmpl_catalog_free(catalogs[l]);
		catalogs[l] = NULL;
	}
}

static int load_one(const char *name)
{
	char err[512];
	if (ntmpl == PAGE_TMPL_MAX) {
		fprintf(stderr, "%s: more than %d page templates\n",
			serve_cfg.templates_dir, PAGE_TMPL_MAX);
		return -1;
	}
	tmpl_files[ntmpl] = strdup(name);
	int rc = tmpl_files[ntmpl] ? 0 : -1;
	for (int l = 0; l < PAGE_LANGS; l++) {
		tmpls[ntmpl][l] = rc ? NULL : tmpl_load_with(serve_cfg.templates_dir, name,
				catalogs[l], err, sizeof err);
		if (!rc && !tmpls[ntmpl][l]) {
			fprintf(stderr, "%s\n", err);
			rc = -1;
		}
	}
	ntmpl++;                /* unload_all frees what there is */
	return rc;
}

static int load_catalogs(void)
{
	char file[32], err[512];
	for (int l = 0; l < PAGE_LANGS; l++) {
		snprintf(file, sizeof file, "i18n/%s.xml", lang_code[l]);
		catalogs[l] = tmpl_catalog_load(serve_cfg.templates_dir, file, err, sizeof err);
		if (!catalogs[l]) {
			fprintf(stderr, "%s/%s\n", serve_cfg.templates_dir, err);
			return -1;
		}
	}
	return 0;
}

int page_init(void)
{
	unload_all();
	if (load_catalogs() < 0)
		return -1;
	DIR *d = opendir(serve_cfg.templates_dir);
	if (!d) {
		fprintf(stderr, "%s: %s\n", serve_cfg.templates_dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (is_page_template(e->d_name))
			rc = load_one(e->d_name);
	closedir(d);
	return rc;
}

int page_open(void)
{
	return db_open(serve_cfg.db_path, DB_READONLY);
}

/* A page also depends on today's date (db_edition's "upcoming" by the
 * UTC day, the registration's end by Berlin's): the day is part of the
 * version, so cached pages go at either midnight even when nothing was
 * written. */
long long page_day(time_t now)
{
	struct tm local, utc;
	long long day = (long long)(now / 86400) * 2;
	if (!localtime_r(&now, &local) || !gmtime_r(&now, &utc))
		return day;
	/* Between the two midnights the dates differ: one more (Berlin is
	 * ahead of UTC) or one less (a zone behind it). */
	int ahead = local.tm_year != utc.tm_year ? local.tm_year - utc.tm_year
		: local.tm_yday - utc.tm_yday;
	return day + (ahead > 0) - (ahead < 0);
}

/* A scheduled press release becomes public when its time comes, with no
 * write to change data_version, and a registration opens and closes by
 * the clock alone: the number of such times passed is part of the version
 * too.  It is asked again only when the data changed or the next such
 * time has passed. */
static int timed_due(long long data_version, time_t now)
{
	static long long asked_at = -1;
	static time_t next;
	static int due;
	if (data_version != asked_at || (next && now >= next)) {
		time_t press_next, reg_next;
		int press = db_press_due(now, &press_next);
		int reg = db_programme_due(now, &reg_next);
		due = press < 0 || reg < 0 ? -1 : press + reg;
		next = !press_next || (reg_next && reg_next < press_next) ? reg_next : press_next;
		asked_at = due < 0 ? -1 : data_version;
	}
	return due;
}

long long page_version(void)
{
	long long v = db_version();
	time_t now = time(NULL);
	if (v < 0)
		return v;
	int due = timed_due(v, now);
	if (due < 0)
		return -1;
	return (v * PAGE_VERSION_DAYS + page_day(now) % PAGE_VERSION_DAYS)
		* PAGE_VERSION_DUE + due % PAGE_VERSION_DUE;
}

struct tmpl_vars *page_vars(void)
{
	if (vars)
		tmpl_vars_clear(vars);
	else
		vars = tmpl_vars_new();
	return vars;
}

static const struct tmpl *find(const char *name, int lang)
{
	for (size_t i = 0; i < ntmpl; i++) {
		if (strcmp(tmpl_files[i], name) == 0)
			return tmpls[i][lang];
	}
	return NULL;
}

/* The index of a language code; English for anything else. */
static int lang_index(const char *lang)
{
	return lang && strcmp(lang, "de") == 0 ? PAGE_DE : PAGE_EN;
}

int page_lang_path(const char *path, const char **rest)
{
	int de = strncmp(path, "/de", 3) == 0 && (path[3] == '/' || path[3] == '\0');
	if (rest)
		*rest = de ? path + 3 : path;
	return de ? PAGE_DE : PAGE_EN;
}

const char *page_lang(void)
{
	return lang_code[cur_lang];
}

static void set_section(struct tmpl_vars *v, enum page_section sec)
{
	static const char *const names[] = {
		[PAGE_OVERVIEW] = "cur_overview",
		[PAGE_PRESS] = "cur_press",
		[PAGE_PRESENTATIONS] = "cur_presentations",
		[PAGE_GALLERY] = "cur_gallery",
		[PAGE_IMPRINT] = "cur_imprint",
		[PAGE_PRIVACY] = "cur_privacy",
		[PAGE_SEARCH] = "cur_search",
		[PAGE_PROGRAMME] = "cur_programme",
	};
	if ((size_t)sec < sizeof names / sizeof *names && names[sec])
		tmpl_set(v, names[sec], "page");
}

/* name := [base] + prefix of lang + path, "" when it does not fit or
 * (with base) when no base URL is configured. */
static void set_url(struct tmpl_vars *v, const char *name, const char *base,
		    int lang, const char *path)
{
	char url[URL_BASE_MAX + HTTP_PATH_MAX + PAGE_QUERY_MAX];
	/* "/" in German is "/de/", not "/de". */
	int n = snprintf(url, sizeof url, "%s%s%s", base ? base : "", lang_prefix[lang],
			 strcmp(path, "/") == 0 && lang != PAGE_EN ? "/" : path);
	if ((base && !*base) || n < 0 || (size_t)n >= sizeof url)
		url[0] = '\0';
	tmpl_set(v, name, url);
}

void page_canonical(struct tmpl_vars *v, const char *path)
{
	static const char *const alt[PAGE_LANGS] = { "alt_en", "alt_de" };
	const char *base = tmpl_get(v, "base_url");
	if (!base)
		base = "";
	/* Without a configured base URL no canonical link at all: a relative
	 * one would resolve against whichever host served the page (a test
	 * port, a mirror, the export on a CDN) and so name every copy as the
	 * original - the opposite of what it is for (RFC 6596 5).  The same
	 * holds for the hreflang alternates, which must be absolute. */
	if (!path) {
		tmpl_set(v, "canonical_path", "");
		tmpl_set(v, "canonical", "");
		for (int l = 0; l < PAGE_LANGS; l++)
			tmpl_set(v, alt[l], "");
		tmpl_set(v, "switch_url", "");
		return;
	}
	set_url(v, "canonical_path", NULL, cur_lang, path);
	set_url(v, "canonical", base, cur_lang, path);
	for (int l = 0; l < PAGE_LANGS; l++)
		set_url(v, alt[l], base, l, path);
	/* The same page in the other language: the switch link. */
	set_url(v, "switch_url", NULL, cur_lang == PAGE_EN ? PAGE_DE : PAGE_EN, path);
}

enum db_result page_layout(struct tmpl_vars *v, int year,
		enum page_section sec, const char *lang)
{
	int li = lang_index(lang);
	tmpl_set(v, "lang", lang_code[li]);
	tmpl_set(v, "de", li == PAGE_DE ? "1" : "");
	/* ${l}: what the page's own links put before a path ("" or "/de"). */
	tmpl_set(v, "l", lang_prefix[li]);
	tmpl_set(v, "other_lang", lang_code[li == PAGE_EN ? PAGE_DE : PAGE_EN]);
	set_section(v, sec);
	/* The edition's link in the main navigation is the current page only
	 * on the edition's home; below it, it marks the current set (WAI-ARIA
	 * 1.2, aria-current="true"). */
	if (db_site(v, lang) != DB_FOUND) {
		tmpl_set(v, "base_url", "");
		page_canonical(v, NULL);
		return DB_FAILED;
	}
	/* An error page is no address of its own: no canonical. */
	page_canonical(v, sec == PAGE_OTHER || !cur_req ? NULL : cur_req->path);
	if (db_editions(v, "editions", year, sec == PAGE_OVERVIEW ? "page" : "true",
			lang_code[li]) < 0)
		return DB_FAILED;
	return DB_FOUND;
}

/* ---- previews ---- */

/* Does the request come from a logged-in admin?  The public programs
 * check the session cookie themselves, read-only (auth_session_peek: no
 * touch, the connection cannot write), and only on the way to a 404, so a
 * published page never waits for it.  Without the cookie nothing is asked
 * of the database: a visitor costs a scan of the Cookie header.
 *
 * Session ids are stored as BLAKE2b hashes (lib/auth.c), so this links
 * libsodium's crypto_generichash into the public programs (Makefile,
 * LIBS_PUBLIC).  Alternatives weighed: an own BLAKE2b would be a second
 * copy of a primitive the admin gets from libsodium; asking the admin
 * program (nginx auth_request, a socket) would cost a round trip per
 * request with the cookie, which anyone can send (README.md, "microcache").
 * The cost measured (README.md, "Previews"): no start-up time a request
 * without the cookie notices (sodium_init runs at the first cookie), and
 * a few kB of Pss per worker. */
static int from_admin(void)
{
	char id[AUTH_TOKEN_SIZE];
	struct auth_session s;
	if (admin_state < 0) {
		admin_state = 0;
		if (cur_req && auth_cookie_get(http_header(cur_req, "Cookie"), id))
			admin_state = auth_session_peek(id, time(NULL), &s) == 1;
	}
	return admin_state;
}

/* Turn the preview on for the rest of the request when an admin asks:
 * the queries find what is not public yet (db_preview), the templates
 * show the banner (preview, preview_edit_url). */
static int preview_begin(struct tmpl_vars *v, const char *edit_url)
{
	if (!previewing && !from_admin())
		return 0;
	previewing = 1;
	db_preview(1);
	tmpl_set(v, "preview", "1");
	tmpl_set(v, "preview_edit_url", edit_url);
	return 1;
}

int page_preview_press(struct tmpl_vars *v, int year, const char *lang)
{
	char edit[48];
	snprintf(edit, sizeof edit, "/admin/%04d/press/%s", year, lang);
	return preview_begin(v, edit);
}

enum db_result page_find_edition(struct tmpl_vars *v, int year, const char *lang)
{
	char edit[32];
	enum db_result rc = db_edition(v, year, lang);
	snprintf(edit, sizeof edit, "/admin/%04d/", year);
	if (rc == DB_MISSING && preview_begin(v, edit))
		rc = db_edition(v, year, lang);
	return rc;
}

/* A preview is for the admin who asked, and only now: not kept by the
 * render cache (cacheable 0) nor by nginx's microcache - X-Accel-Expires:
 * 0, which nginx obeys even where its configuration ignores
 * Cache-Control, and "private", which symposium.conf's fastcgi_no_cache
 * looks for - nor by a browser or a shared cache (no-store, RFC 9111
 * 5.2.2.5 and 5.2.2.7).  The next request of a visitor is a 404 again. */
static void preview_response(struct http_resp *w)
{
	w->cacheable = 0;
	w->last_modified = 0;
	w->cache_control = "private, no-store";
	http_resp_header(w, "X-Accel-Expires", "0");
}

/* The one place the language prefix comes off: the program sees the
 * English path (its routing stays one set of rules) and page_lang() says
 * which language was asked for.  /de alone is a directory: /de/. */
static void page_handle(struct http_req *r, struct http_resp *w)
{
	const char *rest;
	cur_lang = page_lang_path(r->path, &rest);
	if (cur_lang != PAGE_EN && !*rest) {
		w->status = 301;
		http_resp_header(w, "Location", "/de/");
		return;
	}
	memmove(r->path, rest, strlen(rest) + 1);
	cur_req = r;
	previewing = 0;
	admin_state = -1;
	db_preview(0);
	prog_handle(r, w);
	if (previewing)
		preview_response(w);
	db_preview(0);
	cur_req = NULL;
	cur_lang = PAGE_EN;
}

/* The edition's press link: the release in the page's language, else the
 * one in the other language (press_url_lang then names it for hreflang). */
static void press_link(struct tmpl_vars *v, int year, int lang)
{
	static const char *const has[PAGE_LANGS] = { "press_en", "press_de" };
	char url[32];
	const char *own = tmpl_get(v, has[lang]), *other = tmpl_get(v, has[!lang]);
	int to = own && strcmp(own, "1") == 0 ? lang : !lang;
	snprintf(url, sizeof url, "%s/%04d/press", lang_prefix[to], year);
	tmpl_set(v, "press_url", url);
	tmpl_set(v, "press_url_lang", to == lang ? "" : lang_code[to]);
	tmpl_set(v, "press_both", own && other && strcmp(own, "1") == 0 &&
		 strcmp(other, "1") == 0 ? "1" : "");
}

enum db_result page_edition(struct tmpl_vars *v, int year,
		enum page_section sec, const char *lang)
{
	enum db_result rc = page_find_edition(v, year, lang);
	if (rc == DB_FOUND)
		rc = db_programme_span(v, year);
	if (rc != DB_FOUND)
		return rc;
	const char *n = tmpl_get(v, "session_count");
	if (n && atoi(n) > 0)
		tmpl_set(v, "has_content", "1");
	press_link(v, year, lang_index(lang));
	return page_layout(v, year, sec, lang);
}

void page_render(struct http_resp *w, const char *name, const struct tmpl_vars *v)
{
	const struct tmpl *t = find(name, lang_index(tmpl_get(v, "lang")));
	buf_reset(&w->body);
	if (!t) {
		fprintf(stderr, "page_render: no template %s\n", name);
		page_error(NULL, w, 500);
		return;
	}
	tmpl_render(t, v, &w->body);
	if (w->status == 200) {
		w->cacheable = 1;
		w->last_modified = db_changed_at();
	}
}

void page_answer(struct http_req *r, struct http_resp *w, enum db_result rc,
		 const char *name, const struct tmpl_vars *v)
{
	if (rc == DB_FOUND)
		page_render(w, name, v);
	else
		page_error(r, w, rc == DB_MISSING ? 404 : 500);
}

/* / follows Accept-Language: its answer is one of two, and the render
 * cache keeps them apart (the other pages' answers depend on the path
 * alone). */
static void page_cache_key(const struct http_req *r, struct buf *key)
{
	if (strcmp(r->path, "/") == 0)
		buf_puts(key, page_prefers_de(r) ? "#de" : "#en");
}

int page_prefers_de(const struct http_req *r)
{
	const char *h = http_header(r, "Accept-Language");
	return h && http_accept_lang_q(h, "de") > http_accept_lang_q(h, "en");
}

int page_main(int argc, char **argv, const char *name,
	      void (*handle)(struct http_req *, struct http_resp *))
{
	prog_handle = handle;
	struct serve_page p = {
		.name = name,
		.init = page_init,
		.open = page_open,
		.handle = page_handle,
		.error = page_error,
		.version = page_version,
		.cache_key = page_cache_key,
	};
	/* Programme times and registration dates are shown in the
	 * organisers' zone (lib/when.h); nothing else reads local time. */
	if (when_zone_init() < 0)
		return 1;
	return serve_main(argc, argv, &p);
}

void page_error(struct http_req *r, struct http_resp *w, int status)
{
	static const int known[] = { 400, 404, 405, 414, 500 };
	struct tmpl_vars *v = page_vars();
	char key[32];
	int is_known = 0;

	(void)r;
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		is_known |= known[i] == status;
	snprintf(key, sizeof key, is_known ? "status_%d" : "status_other", status);
	tmpl_set(v, key, "1");
	tmpl_seti(v, "status", status);
	tmpl_set(v, "status_text", http_status_text(status));
	/* Without a database (the cause of many a 500) the page still comes
	 * out, with what the layout could get; in the language of the
	 * address asked for. */
	int lang = cur_req ? cur_lang : r ? page_lang_path(r->path, NULL) : PAGE_EN;
	page_layout(v, 0, PAGE_OTHER, lang_code[lang]);

	/* Only the body goes: headers already set (Allow on a 405, by
	 * lib/serve.c) must stay. */
	buf_reset(&w->body);
	w->status = status;
	w->cacheable = 0;
	w->last_modified = 0;
	const struct tmpl *t = find("error.xml", lang);
	if (t)
		tmpl_render(t, v, &w->body);
	else
		buf_printf(&w->body, "%d %s\n", status, http_status_text(status));
}

enum db_result page_programme(struct tmpl_vars *v, int year, const char *lang)
{
	if (db_programme_sessions(v, year, lang, "sessions") < 0)
		return DB_FAILED;
	enum db_result rc = db_programme_registration(v, year, lang, time(NULL));
	tmpl_set(v, "has_registration", rc == DB_FOUND ? "1" : "");
	return rc == DB_FAILED ? DB_FAILED : DB_FOUND;
}

int page_year(const char *s, const char **rest)
{
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	if (rest)
		*rest = s + 4;
	return (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
}

/* Digits only, no leading zero, at most max: the number, or -1. */
static long canonical_number(const char *s, long max)
{
	long n = 0;
	if (*s < '1' || *s > '9')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	return n;
}

int page_number(const char *s)
{
	return (int)canonical_number(s, PAGE_NUM_MAX);
}

long page_id(const char *s)
{
	return canonical_number(s, PAGE_ID_MAX);
}

static void page_url(char *out, size_t n, int year, int page)
{
	/* Page 1 has a single address: the gallery's own. */
	if (page == 1)
		snprintf(out, n, "/%d/gallery", year);
	else
		snprintf(out, n, "/%d/gallery?page=%d", year, page);
}

void page_pager(struct tmpl_vars *v, int year, int page, int pages)
{
	char url[64];
	for (int i = 1; i <= pages; i++) {
		struct tmpl_vars *row = tmpl_add(v, "pages");
		page_url(url, sizeof url, year, i);
		tmpl_seti(row, "number", i);
		tmpl_set(row, "url", url);
		tmpl_set(row, "current", i == page ? "page" : "");
	}
	/* ?page=N is part of what the page is: its canonical keeps it. */
	page_url(url, sizeof url, year, page);
	page_canonical(v, url);
	page_url(url, sizeof url, year, page - 1);
	tmpl_set(v, "prev_url", page > 1 ? url : "");
	page_url(url, sizeof url, year, page + 1);
	tmpl_set(v, "next_url", page < pages ? url : "");
	tmpl_seti(v, "page", page);
	tmpl_seti(v, "page_count", pages);
	tmpl_set(v, "paged", pages > 1 ? "1" : "");
}
