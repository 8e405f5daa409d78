/* demo: a new site from schema.sql and deploy/demo/content.xml.
 * See demo.h; the content file's format is described at its top. */
#include "demo.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "db_admin.h"
#include "db_demo.h"
#include "db_programme.h"
#include "links.h"
#include "share.h"
#include "md.h"
#include "store.h"
#include "pdf.h"
#include "image.h"
#include "demogen.h"
#include "url.h"
#include "when.h"

#define DEMO_DIR_MODE     0755   /* nginx reads media/, reaches run/ */
#define DEMO_TMP_MODE     0750   /* half-written uploads: ours only */
#define DEMO_DB_MODE      0644   /* SQLite's default for a new file */
#define DEMO_PDF_MIME     "application/pdf"
#define DEMO_JPEG_MIME    "image/jpeg"
/* Default size of a generated photo: the web size, 3:2.  Larger would only
 * be scaled down again, and generating costs time. */
#define DEMO_PHOTO_W      IMAGE_WEB_PX
#define DEMO_PHOTO_H      (IMAGE_WEB_PX * 2 / 3)

/* Everything one build needs; err is where the first failure is told. */
struct demo_ctx {
	time_t now;                     /* one timestamp for every row */
	char root[STORE_PATH_MAX];      /* vardir/media */
	const char *site_name;
	struct demo_report *rep;
	char *err;
	size_t errsz;
};

/* Strings allocated while one element is handled, freed together. */
struct pool {
	char **v;
	size_t n, cap;
};

static char *pool_add(struct pool *p, char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = s;
	return s;
}

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

/* ---- files and directories ---- */

static int read_file(const char *path, struct buf *out, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > DEMO_FILE_MAX) {
			snprintf(err, errsz, "%s: larger than %d bytes", path, DEMO_FILE_MAX);
			fclose(f);
			return -1;
		}
		buf_put(out, chunk, n);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errsz, "%s: read error", path);
		return -1;
	}
	buf_puts(out, "");      /* NUL-terminated even when empty */
	return 0;
}

static int make_dir(const char *path, mode_t mode, char *err, size_t errsz)
{
	struct stat st;
	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(err, errsz, "%s: %s", path, errno == EEXIST ? "not a directory" : strerror(errno));
	return -1;
}

static int make_dirs(const char *vardir, char *err, size_t errsz)
{
	static const struct { const char *sub; mode_t mode; } dirs[] = {
		{ "", DEMO_DIR_MODE }, { "/media", DEMO_DIR_MODE },
		{ "/media/tmp", DEMO_TMP_MODE }, { "/run", DEMO_DIR_MODE },
		{ "/log", DEMO_DIR_MODE },
	};
	char path[STORE_PATH_MAX];
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s%s", vardir, dirs[i].sub) >= sizeof path) {
			snprintf(err, errsz, "%s: path too long", vardir);
			return -1;
		}
		if (make_dir(path, dirs[i].mode, err, errsz) < 0)
			return -1;
	}
	return 0;
}

/* Make a rename or link in dir durable (POSIX leaves that to fsync of the
 * directory). */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The temp database and whatever SQLite may have left next to it. */
static void remove_db_files(const char *path)
{
	static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
	char p[STORE_PATH_MAX + 16];
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
}

/* ---- reading the content file ---- */

static int is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent->children; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

static char *trimmed(const char *s)
{
	const char *end = s + strlen(s);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return xstrndup(s, (size_t)(end - s));
}

/* The text of element `name` under parent (comments left out), trimmed;
 * NULL when there is no such element. */
static char *child_text(struct pool *p, xmlNode *parent, const char *name)
{
	xmlNode *c = child(parent, name);
	if (!c)
		return NULL;
	xmlChar *t = xmlNodeGetContent(c);
	char *s = trimmed(t ? (const char *)t : "");
	xmlFree(t);
	return pool_add(p, s);
}

static char *attr(struct pool *p, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = trimmed((const char *)v);
	xmlFree(v);
	return pool_add(p, s);
}

static int attr_int(xmlNode *n, const char *name, int lo, int hi, int dflt, int *out)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v) {
		*out = dflt;
		return dflt >= lo && dflt <= hi ? 0 : -1;
	}
	char *end;
	errno = 0;
	long x = strtol((const char *)v, &end, 10);
	int ok = errno == 0 && end != (char *)v && *end == '\0' && x >= lo && x <= hi;
	xmlFree(v);
	*out = (int)x;
	return ok ? 0 : -1;
}

char *demo_dedent(const char *s)
{
	/* Skip blank lines at the start: back to the start of the first
	 * line with something on it. */
	const char *start = s, *p = s;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
		if (*p == '\n')
			start = p + 1;
		p++;
	}
	if (!*p)
		return xstrdup("");
	const char *end = s + strlen(s);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;

	size_t indent = (size_t)-1;
	for (const char *l = start; l < end; ) {
		const char *e = memchr(l, '\n', (size_t)(end - l));
		if (!e)
			e = end;
		size_t i = 0;
		while (l + i < e && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (l + i < e && l[i] != '\r' && i < indent)
			indent = i;
		l = e < end ? e + 1 : end;
	}

	struct buf out = BUF_INIT;
	for (const char *l = start; l < end; ) {
		const char *e = memchr(l, '\n', (size_t)(end - l));
		if (!e)
			e = end;
		size_t len = (size_t)(e - l);
		size_t cut = len < indent ? len : indent;
		buf_put(&out, l + cut, len - cut);
		if (e < end)
			buf_putc(&out, '\n');
		l = e < end ? e + 1 : end;
	}
	buf_puts(&out, "");
	return out.data;
}

/* A Markdown element: its dedented text into *md, the HTML into *html.
 * Both "" when the element is absent. */
static int md_field(struct demo_ctx *c, struct pool *p, xmlNode *parent,
		const char *name, const char **md, const char **html)
{
	*md = *html = "";
	xmlNode *n = child(parent, name);
	if (!n)
		return 0;
	xmlChar *t = xmlNodeGetContent(n);
	char *text = pool_add(p, demo_dedent(t ? (const char *)t : ""));
	xmlFree(t);
	struct buf out = BUF_INIT;
	if (md_to_html(&out, text, strlen(text)) < 0) {
		snprintf(c->err, c->errsz, "<%s> on line %ld: Markdown longer than %d bytes",
				name, xmlGetLineNo(n), MD_INPUT_MAX);
		buf_free(&out);
		return -1;
	}
	buf_puts(&out, "");
	*md = text;
	*html = pool_add(p, out.data);
	return 0;
}

/* ---- media ---- */

static int fail_at(struct demo_ctx *c, xmlNode *n, const char *what)
{
	snprintf(c->err, c->errsz, "<%s> on line %ld: %s", (const char *)n->name,
			xmlGetLineNo(n), what);
	return -1;
}

/* Why the last statement failed (db_admin has logged it as well). */
static const char *db_reason(void)
{
	sqlite3 *h = db_handle();
	return h ? sqlite3_errmsg(h) : "no database";
}

/* An empty temp file in media/tmp for a generator to write. */
static int tmp_file(struct demo_ctx *c, char path[STORE_PATH_MAX])
{
	int fd;
	if (store_tmp_open(c->root, &fd, path) < 0) {
		snprintf(c->err, c->errsz, "%s/tmp: cannot create a temporary file", c->root);
		return -1;
	}
	close(fd);
	return 0;
}

static long long media_row(struct demo_ctx *c, const struct store_file *f,
		const char *mime, int pages)
{
	long long id = db_admin_media(f, mime, pages, c->now);
	if (id > 0)
		c->rep->media++;
	else
		snprintf(c->err, c->errsz, "media %s: %s", f->path, db_reason());
	return id;
}

/* The slides of one talk: generated, counted by the same check an upload
 * gets, and stored; build() makes the public names (lib/links.h).  The
 * media row's id. */
static long long talk_pdf(struct demo_ctx *c, const char *slug,
		const char *title, const char *subtitle, int pages)
{
	char path[STORE_PATH_MAX];
	struct store_file f;
	int counted;

	if (tmp_file(c, path) < 0)
		return -1;
	if (demogen_pdf(path, title, subtitle, pages, c->err, c->errsz) < 0 ||
	    pdf_check(path, &counted, c->err, c->errsz) < 0) {
		unlink(path);
		return -1;
	}
	if (store_put(c->root, path, "pdf", &f) < 0) {
		snprintf(c->err, c->errsz, "%s: cannot store %s.pdf", c->root, slug);
		return -1;
	}
	return media_row(c, &f, DEMO_PDF_MIME, counted);
}

/* A synthetic photo, imported like an upload: three media rows. */
static int photo_media(struct demo_ctx *c, xmlNode *n, struct db_admin_photo *ph)
{
	int seed, w, h;
	if (attr_int(n, "seed", 0, 1000000, -1, &seed) < 0 ||
	    attr_int(n, "width", DEMOGEN_PX_MIN, DEMOGEN_PX_MAX, DEMO_PHOTO_W, &w) < 0 ||
	    attr_int(n, "height", DEMOGEN_PX_MIN, DEMOGEN_PX_MAX, DEMO_PHOTO_H, &h) < 0)
		return fail_at(c, n, "needs seed, and width/height within 16..4000");

	char path[STORE_PATH_MAX];
	struct image_sizes img;
	if (tmp_file(c, path) < 0)
		return -1;
	int rc = demogen_photo(path, seed, w, h, c->err, c->errsz);
	if (rc == 0)
		rc = image_import(c->root, path, &img, c->err, c->errsz);
	unlink(path);           /* import only reads it */
	if (rc < 0)
		return -1;
	ph->thumb_id = media_row(c, &img.thumb, DEMO_JPEG_MIME, 0);
	ph->web_id = ph->thumb_id > 0 ? media_row(c, &img.web, DEMO_JPEG_MIME, 0) : -1;
	ph->orig_id = ph->web_id > 0 ? media_row(c, &img.orig, DEMO_JPEG_MIME, 0) : -1;
	return ph->orig_id > 0 ? 0 : -1;
}

/* <photo> or <press-photo>; credit from the element or the gallery. */
static long long photo(struct demo_ctx *c, xmlNode *n, long long edition_id,
		int in_gallery, const char *credit)
{
	struct pool p = { NULL, 0, 0 };
	struct db_admin_photo ph = {
		.edition_id = edition_id, .in_gallery = in_gallery, .published = 1,
		.alt = attr(&p, n, "alt"), .caption = attr(&p, n, "caption"),
		.credit = attr(&p, n, "credit"),
		.alt_de = attr(&p, n, "alt-de"), .caption_de = attr(&p, n, "caption-de"),
	};
	long long id = -1;
	if (!ph.credit)
		ph.credit = credit;
	if (!ph.alt || !*ph.alt)
		fail_at(c, n, "needs alt text");   /* the schema refuses it too */
	else if (photo_media(c, n, &ph) == 0 &&
		 (id = db_admin_photo_add(&ph, c->now)) < 0)
		fail_at(c, n, db_reason());
	if (id > 0)
		c->rep->photos++;
	pool_free(&p);
	return id;
}

/* ---- the rows ---- */

/* The one site row: made, then filled by the admin's own update. */
static int site_row(struct demo_ctx *c, const struct db_admin_site *s)
{
	if (db_admin_site_create(c->now) == 1 && db_admin_site_update(s) == DB_FOUND)
		return 0;
	snprintf(c->err, c->errsz, "site: %s", db_reason());
	return -1;
}

/* <base-url>, checked as the admin's form checks it. */
static int base_url(struct demo_ctx *c, xmlNode *n, struct pool *p)
{
	char url[URL_BASE_MAX + 1];
	const char *in = child_text(p, n, "base-url");
	const char *why = url_base_normal(in ? in : "", url, sizeof url);
	if (why)
		return fail_at(c, n, why);
	if (db_admin_base_url_set(url) != DB_FOUND) {
		snprintf(c->err, c->errsz, "site: %s", db_reason());
		return -1;
	}
	return 0;
}

static int site(struct demo_ctx *c, xmlNode *n, struct pool *keep)
{
	struct pool p = { NULL, 0, 0 };
	xmlNode *contact = child(n, "contact");
	struct db_admin_site s = { .name = child_text(keep, n, "name") };
	if (contact) {
		s.contact_name = attr(&p, contact, "name");
		s.contact_role = attr(&p, contact, "role");
		s.de.contact_role = attr(&p, contact, "role-de");
		s.contact_phone = attr(&p, contact, "phone");
		s.contact_email = attr(&p, contact, "email");
	}
	/* The press contact starts as the site's, as a migrated site's does. */
	s.press_name = s.contact_name;
	s.press_email = s.contact_email;
	s.press_phone = s.contact_phone;
	int rc = -1;
	if (!s.name || !*s.name)
		fail_at(c, n, "needs a <name>");
	else if (md_field(c, &p, n, "background", &s.background_md, &s.background_html) == 0 &&
		 md_field(c, &p, n, "imprint", &s.imprint_md, &s.imprint_html) == 0 &&
		 md_field(c, &p, n, "privacy", &s.privacy_md, &s.privacy_html) == 0 &&
		 md_field(c, &p, n, "background-de", &s.de.background_md, &s.de.background_html) == 0 &&
		 md_field(c, &p, n, "imprint-de", &s.de.imprint_md, &s.de.imprint_html) == 0 &&
		 md_field(c, &p, n, "privacy-de", &s.de.privacy_md, &s.de.privacy_html) == 0 &&
		 site_row(c, &s) == 0 && base_url(c, n, &p) == 0)
		rc = 0;
	c->site_name = s.name;
	pool_free(&p);
	return rc;
}

/* 1 for "en", 2 for "de", 0 for anything else (the schema refuses it). */
static unsigned lang_bit(const char *lang)
{
	if (!lang)
		return 0;
	return strcmp(lang, "en") == 0 ? 1 : strcmp(lang, "de") == 0 ? 2 : 0;
}

/* A release per language and edition.  db_admin_press_save() replaces an
 * existing one (the admin's form edits in place), so a second <press> in
 * the same language is refused here; `langs` has a bit per language seen. */
static int press(struct demo_ctx *c, xmlNode *n, long long edition_id, unsigned *langs)
{
	struct pool p = { NULL, 0, 0 };
	struct db_admin_press r = {
		.edition_id = edition_id, .lang = attr(&p, n, "lang"),
		.released = attr(&p, n, "released"), .title = child_text(&p, n, "title"),
		.subtitle = child_text(&p, n, "subtitle"),
		.photo_caption = child_text(&p, n, "photo-caption"),
	};
	int rc = -1;
	unsigned bit = lang_bit(r.lang);
	if (!r.lang || !r.released || !r.title)
		fail_at(c, n, "needs lang, released and <title>");
	else if (*langs & bit)
		fail_at(c, n, "a second release in that language");
	else if (md_field(c, &p, n, "body", &r.body_md, &r.body_html) == 0) {
		if (db_admin_press_save(&r) > 0)
			rc = 0;
		else
			fail_at(c, n, db_reason());
	}
	*langs |= bit;
	if (rc == 0)
		c->rep->press++;
	pool_free(&p);
	return rc;
}

static int talk(struct demo_ctx *c, xmlNode *n, long long edition_id, int year)
{
	struct pool p = { NULL, 0, 0 };
	struct db_admin_talk t = {
		.edition_id = edition_id, .slug = attr(&p, n, "slug"),
		.title = child_text(&p, n, "title"), .speakers = child_text(&p, n, "speakers"),
		.affiliation = child_text(&p, n, "affiliation"),
		.title_de = child_text(&p, n, "title-de"),
	};
	int pages, rc = -1;
	if (!t.slug || !t.title || !t.speakers ||
	    attr_int(n, "pages", 1, DEMOGEN_PAGES_MAX, -1, &pages) < 0) {
		fail_at(c, n, "needs slug, pages, <title> and <speakers>");
	} else {
		char *sub = pool_add(&p, xmalloc(strlen(t.speakers) + strlen(c->site_name) + 32));
		sprintf(sub, "%s - %s %d", t.speakers, c->site_name, year);
		t.media_id = talk_pdf(c, t.slug, t.title, sub, pages);
		if (t.media_id > 0) {
			if (db_admin_presentation_add(&t, c->now) > 0)
				rc = 0;
			else
				fail_at(c, n, db_reason());
		}
	}
	if (rc == 0)
		c->rep->presentations++;
	pool_free(&p);
	return rc;
}

static int video(struct demo_ctx *c, xmlNode *n, long long edition_id)
{
	struct pool p = { NULL, 0, 0 };
	xmlChar *t = xmlNodeGetContent(n);
	struct db_admin_video d = { .url = attr(&p, n, "url"),
		.title = pool_add(&p, trimmed(t ? (const char *)t : "")),
		.title_de = attr(&p, n, "title-de") };
	xmlFree(t);
	int rc = -1;
	if (!d.url || !*d.title)
		fail_at(c, n, "needs url and a title");
	else if (db_admin_video_add(edition_id, &d, c->now) > 0)
		rc = 0;
	else
		fail_at(c, n, db_reason());
	if (rc == 0)
		c->rep->videos++;
	pool_free(&p);
	return rc;
}

/* A session of the programme: its times in WHEN_ZONE, its title in both
 * languages, speakers and room, and the talk it presents (by slug). */
static int session(struct demo_ctx *c, xmlNode *n, long long edition_id)
{
	struct pool p = { NULL, 0, 0 };
	const char *starts = attr(&p, n, "starts"), *ends = attr(&p, n, "ends");
	const char *talk_slug = attr(&p, n, "talk");
	struct db_programme_session s = {
		.edition_id = edition_id, .title = child_text(&p, n, "title"),
		.title_de = child_text(&p, n, "title-de"), .speakers = child_text(&p, n, "speakers"),
		.room = attr(&p, n, "room"),
	};
	int rc = -1;
	when_zone_init();
	s.starts_at = starts ? when_parse_local(starts) : -1;
	s.ends_at = ends ? when_parse_local(ends) : -1;
	if (talk_slug)
		s.presentation_id = db_programme_talk_by_slug(edition_id, talk_slug);
	if (!s.title || s.starts_at < 0 || s.ends_at <= s.starts_at || s.presentation_id < 0 ||
	    (talk_slug && !s.presentation_id))
		fail_at(c, n, "needs starts and ends (YYYY-MM-DDTHH:MM, ends later), <title>, "
			"and talk the slug of a presentation above");
	else if (db_programme_add(&s, c->now) > 0)
		rc = 0;
	else
		fail_at(c, n, db_reason());
	pool_free(&p);
	return rc;
}

static int gallery(struct demo_ctx *c, xmlNode *n, long long edition_id)
{
	struct pool p = { NULL, 0, 0 };
	const char *credit = attr(&p, n, "credit");
	int rc = 0;
	for (xmlNode *ch = n->children; ch && rc == 0; ch = ch->next)
		if (is_elem(ch, "photo") && photo(c, ch, edition_id, 1, credit) < 0)
			rc = -1;
	pool_free(&p);
	return rc;
}

static long long edition_row(struct demo_ctx *c, xmlNode *n, int *year)
{
	struct pool p = { NULL, 0, 0 };
	struct db_admin_edition e = {
		.title = child_text(&p, n, "title"),
		.starts = attr(&p, n, "starts"), .ends = attr(&p, n, "ends"),
		.venue = child_text(&p, n, "venue"), .address = child_text(&p, n, "address"),
		.headline = child_text(&p, n, "headline"), .summary = child_text(&p, n, "summary"),
		.de.headline = child_text(&p, n, "headline-de"),
		.de.summary = child_text(&p, n, "summary-de"),
	};
	long long id = -1;
	if (attr_int(n, "year", 1900, 9999, -1, &e.year) < 0 ||
	    attr_int(n, "published", 0, 1, 0, &e.published) < 0 || !e.title)
		fail_at(c, n, "needs year, published 0 or 1, and <title>");
	else if (md_field(c, &p, n, "review", &e.review_md, &e.review_html) == 0 &&
		 md_field(c, &p, n, "next", &e.next_md, &e.next_html) == 0 &&
		 md_field(c, &p, n, "review-de", &e.de.review_md, &e.de.review_html) == 0 &&
		 md_field(c, &p, n, "next-de", &e.de.next_md, &e.de.next_html) == 0 &&
		 (id = db_admin_edition_add(&e)) <= 0) {
		fail_at(c, n, id == 0 ? "that year is there already" : db_reason());
		id = -1;
	}
	*year = e.year;
	if (id > 0)
		c->rep->editions++;
	pool_free(&p);
	return id;
}

/* One edition and what belongs to it.  The press photo (one for both
 * releases, its credit its own) is the edition's.  Presentations, photos and videos are
 * appended in the file's order, as the admin appends them. */
static int edition(struct demo_ctx *c, xmlNode *n)
{
	int year;
	unsigned langs = 0;
	long long id = edition_row(c, n, &year);
	if (id < 0)
		return -1;
	long long photo_id = 0;
	xmlNode *pp = child(n, "press-photo");
	if (pp && (photo_id = photo(c, pp, id, 0, NULL)) < 0)
		return -1;
	if (photo_id > 0 && db_admin_photo_pick(id, photo_id, DB_ADMIN_PICK_PRESS) != DB_FOUND)
		return fail_at(c, pp, db_reason());
	for (xmlNode *ch = n->children; ch; ch = ch->next) {
		int rc = 0;
		if (is_elem(ch, "press"))
			rc = press(c, ch, id, &langs);
		else if (is_elem(ch, "presentation"))
			rc = talk(c, ch, id, year);
		else if (is_elem(ch, "video"))
			rc = video(c, ch, id);
		else if (is_elem(ch, "session"))
			rc = session(c, ch, id);
		else if (is_elem(ch, "gallery"))
			rc = gallery(c, ch, id);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int content(struct demo_ctx *c, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	struct pool keep = { NULL, 0, 0 };      /* the site name, used throughout */
	int rc = 0;
	if (!root || !is_elem(root, "demo")) {
		snprintf(c->err, c->errsz, "content: the root element must be <demo>");
		return -1;
	}
	xmlNode *s = child(root, "site");
	if (!s) {
		snprintf(c->err, c->errsz, "content: no <site>");
		return -1;
	}
	rc = site(c, s, &keep);
	for (xmlNode *ch = root->children; ch && rc == 0; ch = ch->next)
		if (is_elem(ch, "edition"))
			rc = edition(c, ch);
	pool_free(&keep);
	return rc;
}

static int empty_site(struct demo_ctx *c)
{
	struct db_admin_site s = { .name = DEMO_EMPTY_NAME };
	return site_row(c, &s);
}

/* ---- the whole ---- */

static xmlDoc *parse_content(const char *path, char *err, size_t errsz)
{
	struct buf text = BUF_INIT;
	if (read_file(path, &text, err, errsz) < 0) {
		buf_free(&text);
		return NULL;
	}
	/* NONET: no network access for DTDs; no NOENT: entities are not
	 * substituted; NOCDATA folds CDATA into text.  Errors are reported
	 * through err, once, instead of libxml2's own printing. */
	xmlDoc *doc = xmlReadMemory(text.data, (int)text.len, path, "UTF-8",
			XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
			XML_PARSE_NOWARNING);
	buf_free(&text);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		snprintf(err, errsz, "%s:%d: %s", path, e ? e->line : 0,
				e && e->message ? e->message : "not well-formed XML");
		size_t n = strlen(err);
		if (n && err[n - 1] == '\n')
			err[n - 1] = '\0';
	}
	return doc;
}

/* Whether SQLite left the -wal file of path: then some committed rows are
 * not in the main file yet, and the file alone must not be put in place. */
static int wal_left(const char *path)
{
	char p[STORE_PATH_MAX + 16];
	struct stat st;
	snprintf(p, sizeof p, "%s-wal", path);
	return lstat(p, &st) == 0;
}

/* Fill the temp database at tmp: the schema on a connection of its own,
 * then the rows through the process's connection (lib/db.c), in one
 * transaction.  db_open switches the file to WAL mode, which read-only
 * openers cannot do themselves; db_close finalizes the statement slots,
 * and the last close checkpoints the WAL into the file and removes the
 * -wal and -shm files, so the single file can be moved into place. */
static int build(struct demo_ctx *c, const char *tmp, const char *schema, xmlDoc *doc)
{
	if (db_demo_schema(tmp, schema, c->err, c->errsz) < 0)
		return -1;
	if (db_open(tmp, DB_READWRITE) < 0) {
		snprintf(c->err, c->errsz, "%s: cannot open the new database", tmp);
		return -1;
	}
	int rc = db_begin();
	if (rc < 0)
		snprintf(c->err, c->errsz, "begin: %s", db_reason());
	else
		rc = doc ? content(c, doc) : empty_site(c);
	if (rc == 0 && db_commit() < 0) {
		snprintf(c->err, c->errsz, "commit: %s", db_reason());
		rc = -1;
	}
	/* The public names of the files, edition by edition, by the one rule
	 * the admin program follows too. */
	if (rc == 0 && doc && share_sync(c->root, 0, c->now) < 0) {
		snprintf(c->err, c->errsz, "%s: cannot make the share previews", c->root);
		rc = -1;
	}
	if (rc == 0 && links_reconcile_all(c->root) < 0) {
		snprintf(c->err, c->errsz, "%s: cannot make the public names of the files",
			 c->root);
		rc = -1;
	}
	if (rc < 0)
		db_rollback();
	db_close();
	if (rc == 0 && wal_left(tmp)) {
		snprintf(c->err, c->errsz, "%s: could not close the new database", tmp);
		rc = -1;
	}
	return rc;
}

static int site_db_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int demo_init(const char *vardir, const char *schema_path, const char *content_path,
		struct demo_report *rep, char *err, size_t errsz)
{
	struct demo_ctx c = { .now = time(NULL), .rep = rep, .err = err, .errsz = errsz };
	char final[STORE_PATH_MAX], tmp[STORE_PATH_MAX];
	struct buf schema = BUF_INIT;
	xmlDoc *doc = NULL;
	int fd, rc = -1;

	memset(rep, 0, sizeof *rep);
	if ((size_t)snprintf(final, sizeof final, "%s/site.db", vardir) >= sizeof final ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/site.db.tmp-XXXXXX", vardir) >= sizeof tmp ||
	    (size_t)snprintf(c.root, sizeof c.root, "%s/media", vardir) >= sizeof c.root) {
		snprintf(err, errsz, "%s: path too long", vardir);
		return -1;
	}
	if (site_db_exists(final))
		return 1;
	if (make_dirs(vardir, err, errsz) < 0)
		return -1;
	if (read_file(schema_path, &schema, err, errsz) < 0)
		goto out;
	if (content_path && !(doc = parse_content(content_path, err, errsz)))
		goto out;
	if (doc && image_init() < 0) {
		snprintf(err, errsz, "cannot start the image library");
		goto out;
	}
	store_clean_tmp(c.root);

	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	/* mkstemp makes it 0600; give it the mode SQLite itself would have
	 * (0644 less the umask), so programs of the site's group can read it. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, DEMO_DB_MODE & ~mask);
	close(fd);
	if (build(&c, tmp, schema.data, doc) < 0) {
		remove_db_files(tmp);
		goto out;
	}
	/* link(2), unlike rename(2), fails when the name exists: a database
	 * someone made meanwhile is never replaced. */
	if (link(tmp, final) < 0) {
		int e = errno;
		remove_db_files(tmp);
		if (e == EEXIST) {
			rc = 1;
			goto out;
		}
		snprintf(err, errsz, "%s: %s", final, strerror(e));
		goto out;
	}
	unlink(tmp);
	sync_dir(vardir);
	rc = 0;
out:
	if (doc)
		xmlFreeDoc(doc);
	buf_free(&schema);
	return rc;
}
