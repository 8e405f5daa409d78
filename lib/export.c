/* export: the public site as static files.  See export.h. */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backup.h"
#include "buf.h"
#include "db.h"
#include "db_ops.h"
#include "tree.h"

#define EXPORT_CHUNK    (64 * 1024)
#define EXPORT_DIR_MODE 0755      /* a web server's user reads it */
#define EXPORT_FILE_MODE 0644
#define EXPORT_YEARS_MAX 1000
#define EXPORT_URL_MAX  256
#define EXPORT_ENV_MAX  512

struct list {
	char **v;
	size_t n, cap;
};

struct ex {
	const struct export_config *c;
	struct export_report *rep;
	char media_root[TREE_PATH_MAX];
	struct list files;          /* what the export holds, relative */
	struct list media;          /* /media/ paths the pages use */
	struct list queue;          /* links found on pages, in order */
	struct list done;           /* pages rendered or tried */
	int years[EXPORT_YEARS_MAX];
	int nyears;
	char *err;
	size_t errsz;
};

static int fail(struct ex *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ex *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err, x->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static void add(struct list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop repeats. */
static void unique(struct list *l)
{
	size_t out = 0;
	if (!l->n)
		return;                 /* qsort's array may not be NULL, even empty */
	qsort(l->v, l->n, sizeof *l->v, cmp_str);
	for (size_t i = 0; i < l->n; i++) {
		if (out && strcmp(l->v[out - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[out++] = l->v[i];
	}
	l->n = out;
}

static void free_list(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int out_path(struct ex *x, const char *rel, char path[TREE_PATH_MAX])
{
	if (snprintf(path, TREE_PATH_MAX, "%s/%s", x->c->out_dir, rel) >= TREE_PATH_MAX)
		return fail(x, "%s: path too long", rel);
	return 0;
}

/* ---- writing only what changed ---- */

/* 1 when the file at path holds exactly len bytes equal to data. */
static int same_bytes(const char *path, const char *data, size_t len)
{
	char chunk[EXPORT_CHUNK];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || (size_t)st.st_size != len) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	size_t off = 0;
	ssize_t n;
	while (off < len && (n = read(fd, chunk, sizeof chunk)) > 0 &&
	       memcmp(chunk, data + off, (size_t)n) == 0)
		off += (size_t)n;
	close(fd);
	return off == len;
}

/* Write data as rel through a temp file renamed into place: a reader (the
 * web server) sees the old file or the new one. */
static int put(struct ex *x, const char *rel, const char *data, size_t len)
{
	char path[TREE_PATH_MAX], tmp[TREE_PATH_MAX];
	add(&x->files, rel);
	if (out_path(x, rel, path) < 0)
		return -1;
	if (same_bytes(path, data, len)) {
		x->rep->unchanged++;
		return 0;
	}
	if (tree_mkdirs(x->c->out_dir, rel, EXPORT_DIR_MODE) < 0 ||
	    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return fail(x, "%s: cannot make its directory", rel);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, EXPORT_FILE_MODE);
	size_t off = 0;
	ssize_t k = 0;
	while (fd >= 0 && off < len && ((k = write(fd, data + off, len - off)) > 0 || errno == EINTR))
		off += k > 0 ? (size_t)k : 0;
	if (fd < 0 || off < len || close(fd) < 0 || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return fail(x, "%s: %s", path, strerror(e));
	}
	x->rep->written++;
	return 0;
}

static int read_file(const char *path, struct buf *b)
{
	char chunk[EXPORT_CHUNK];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -1;
	buf_reset(b);
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		buf_put(b, chunk, n > 0 ? (size_t)n : 0);
	close(fd);
	return n < 0 ? -1 : 0;
}

/* A file from the site (media, assets) to rel.  Media files are small
 * (photos) or read once per export (slides); holding one in memory keeps
 * the comparison and the write one code path. */
static int copy(struct ex *x, const char *src, const char *rel)
{
	struct buf b = BUF_INIT;
	if (read_file(src, &b) < 0) {
		buf_free(&b);
		return fail(x, "cannot read %s: %s", src, strerror(errno));
	}
	int rc = put(x, rel, b.data ? b.data : "", b.len);
	buf_free(&b);
	return rc;
}

/* ---- rendering: the programs as plain CGI ---- */

/* The child: stdout into the pipe, the request in the environment, a
 * time limit that exec keeps (alarm(2)). */
static void run_child(struct ex *x, int out_fd, const char *prog, const char *uri)
{
	char path[TREE_PATH_MAX], e_uri[EXPORT_ENV_MAX], e_query[EXPORT_ENV_MAX];
	char e_db[TREE_PATH_MAX + 8], e_tmpl[TREE_PATH_MAX + 16];
	const char *q = strchr(uri, '?');
	snprintf(path, sizeof path, "%s/%s", x->c->programs_dir, prog);
	snprintf(e_uri, sizeof e_uri, "REQUEST_URI=%s", uri);
	snprintf(e_query, sizeof e_query, "QUERY_STRING=%s", q ? q + 1 : "");
	snprintf(e_db, sizeof e_db, "SITE_DB=%s", x->c->db_path);
	snprintf(e_tmpl, sizeof e_tmpl, "SITE_TEMPLATES=%s", x->c->templates_dir);
	char *const env[] = { "GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
		"SERVER_PROTOCOL=HTTP/1.1", e_uri, e_query, e_db, e_tmpl, NULL };
	char *const argv[] = { path, NULL };
	int in = open("/dev/null", O_RDONLY);
	if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0)
		_exit(127);
	alarm(EXPORT_CGI_SECONDS);
	execve(path, argv, env);
	_exit(127);
}

/* A CGI answer (RFC 3875 6.2): header lines, an empty line, the body.
 * The status from "Status:" (200 without one); body keeps only the body. */
static int split_answer(struct ex *x, const char *prog, const char *uri, int *status,
			struct buf *body)
{
	const char *d = body->data ? body->data : "";
	char *end = body->len ? strstr(body->data, "\r\n\r\n") : NULL;
	if (!end || memchr(d, '\0', (size_t)(end - d)))
		return fail(x, "%s for %s: no CGI header", prog, uri);
	*status = strncmp(d, "Status: ", 8) == 0 ? atoi(d + 8) : 200;
	size_t skip = (size_t)(end + 4 - d);
	memmove(body->data, body->data + skip, body->len - skip);
	body->len -= skip;
	return 0;
}

/* Run prog for uri; its answer's status and body. 0 or -1. */
static int render(struct ex *x, const char *prog, const char *uri, int *status,
		  struct buf *body)
{
	int fds[2];
	if (pipe(fds) < 0)
		return fail(x, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		run_child(x, fds[1], prog, uri);
	}
	close(fds[1]);
	char chunk[EXPORT_CHUNK];
	ssize_t n;
	buf_reset(body);
	while (pid > 0 && (n = read(fds[0], chunk, sizeof chunk)) != 0) {
		if (n > 0 && body->len + (size_t)n <= EXPORT_PAGE_MAX)
			buf_put(body, chunk, (size_t)n);
		else if (n < 0 && errno != EINTR)
			break;
	}
	close(fds[0]);
	int ws = 0;
	if (pid < 0 || waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return fail(x, "%s for %s did not answer (exit status %d)", prog, uri,
			    WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
	return split_answer(x, prog, uri, status, body);
}

/* ---- what the pages use ---- */

/* A /media/ path from our own markup: lower-case letters, digits, "-",
 * ".", "/", and no "..". */
static int media_rel_ok(const char *rel, size_t n)
{
	if (n == 0 || n >= EXPORT_URL_MAX || rel[0] == '/' || rel[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = rel[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		      ch == '.' || ch == '/') || (ch == '.' && i + 1 < n && rel[i + 1] == '.'))
			return 0;
	}
	return 1;
}

static const char *memmem_str(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++) {
		if (memcmp(p + i, needle, k) == 0)
			return p + i;
	}
	return NULL;
}

/* Does the quoted value holding "/media/" at p start there, or with a
 * scheme and host before it (the share previews' absolute addresses,
 * og:image and JSON-LD: the base URL's host, which the export serves)? */
static int media_value(const char *start, const char *p)
{
	const char *q = p;
	while (q > start && q[-1] != '"' && p - q < EXPORT_URL_MAX) {
		if (strchr(" <>'\n", q[-1]))
			return 0;
		q--;
	}
	if (q == start || q[-1] != '"')
		return 0;
	return q == p || strncmp(q, "http://", 7) == 0 || strncmp(q, "https://", 8) == 0;
}

/* Every attribute (or JSON) value "/media/..." or "http(s)://host/media/..."
 * of a page. */
static void scan_media(struct ex *x, const struct buf *page)
{
	static const char key[] = "/media/";
	char rel[EXPORT_URL_MAX];
	const char *p = page->data, *end = page->data + page->len;
	while (p && (p = memmem_str(p, (size_t)(end - p), key))) {
		if (!media_value(page->data, p)) {
			p += sizeof key - 1;
			continue;
		}
		p += sizeof key - 1;
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			break;
		if (media_rel_ok(p, (size_t)(q - p))) {
			snprintf(rel, sizeof rel, "%.*s", (int)(q - p), p);
			add(&x->media, rel);
		}
		p = q;
	}
}

/* ---- the pages ---- */

/* The file of a page's URL (export.h's layout). */
static void page_file(const char *uri, char out[EXPORT_URL_MAX])
{
	const char *q = strstr(uri, "?page=");
	const char *slash = strrchr(uri, '/');
	size_t n = strlen(uri);
	if (strchr(slash, '.'))         /* a file: programme.ics, 7.ics */
		snprintf(out, EXPORT_URL_MAX, "%s", uri + 1);
	else if (q)
		snprintf(out, EXPORT_URL_MAX, "%.*s/page-%s.html", (int)(q - uri - 1), uri + 1, q + 6);
	else if (uri[n - 1] == '/')
		snprintf(out, EXPORT_URL_MAX, "%sindex.html", uri + 1);
	else
		snprintf(out, EXPORT_URL_MAX, "%s/index.html", uri + 1);
}

/* The program that answers uri, as deploy/programs.tsv maps it (the
 * language prefix /de aside). */
static const char *program_for(const char *uri)
{
	static const char *const progs[] = { "press", "presentations", "gallery", "programme" };
	if (strncmp(uri, "/de/", 4) == 0)
		uri += 3;
	const char *rest = uri + 6;          /* after "/YEAR/" */
	if (strlen(uri) < 6 || uri[5] != '/' || strspn(uri + 1, "0123456789") != 4)
		return "home";
	for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
		size_t n = strlen(progs[i]);
		if (strncmp(rest, progs[i], n) == 0 && (!rest[n] || strchr("/?.", rest[n])))
			return progs[i];
	}
	return "home";
}

/* A calendar file of the programme (/2023/programme/7.ics): the one kind
 * of file a program answers, exported like a page. */
static int calendar_link(const char *u, size_t n)
{
	return n > 4 && memcmp(u + n - 4, ".ics", 4) == 0 && memchr(u, '.', n) == u + n - 4 &&
	       !memchr(u, '?', n);
}

/* A link worth following: a page of this site, no file but a calendar,
 * no admin, and no query but the gallery's ?page=N. */
static int page_link(const char *u, size_t n)
{
	static const char *const not_pages[] = { "/media/", "/assets/", "/admin", "/favicon" };
	const char *q = memchr(u, '?', n);
	if (n == 0 || n >= EXPORT_URL_MAX || u[0] != '/' || (n > 1 && u[1] == '/') ||
	    (memchr(u, '.', n) && !calendar_link(u, n)) || memchr(u, '&', n))
		return 0;
	for (size_t i = 0; i < sizeof not_pages / sizeof *not_pages; i++) {
		if (strncmp(u, not_pages[i], strlen(not_pages[i])) == 0)
			return 0;
	}
	return !q || (n - (size_t)(q - u) > 6 && strncmp(q, "?page=", 6) == 0 &&
		      strspn(q + 6, "0123456789") == n - (size_t)(q - u) - 6);
}

/* Queue each href="/..." of a page that page_link accepts. */
static void scan_links(struct ex *x, const struct buf *page)
{
	static const char key[] = "href=\"/";
	char uri[EXPORT_URL_MAX];
	const char *p = page->data, *end = page->data + page->len;
	while (p && (p = memmem_str(p, (size_t)(end - p), key))) {
		p += sizeof key - 2;
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			break;
		size_t n = (size_t)(q - p), hash = strcspn(p, "#\"");
		if (hash < n)
			n = hash;
		if (page_link(p, n)) {
			snprintf(uri, sizeof uri, "%.*s", (int)n, p);
			add(&x->queue, uri);
		}
		p = q;
	}
}

/* Render uri; a 200 is written to its file (and to also, when given), a
 * 404 is skipped when optional.  1 written, 0 skipped, -1. */
static int page(struct ex *x, const char *uri, int optional, const char *also)
{
	struct buf body = BUF_INIT;
	char file[EXPORT_URL_MAX];
	const char *prog = program_for(uri);
	int status = 0, rc = render(x, prog, uri, &status, &body);
	if (rc == 0 && status == 200) {
		page_file(uri, file);
		scan_media(x, &body);
		scan_links(x, &body);
		rc = put(x, file, body.data ? body.data : "", body.len);
		if (rc == 0 && also)
			rc = put(x, also, body.data ? body.data : "", body.len);
		x->rep->pages++;
		rc = rc < 0 ? -1 : 1;
	} else if (rc == 0 && !(optional && status == 404)) {
		rc = fail(x, "%s answered %d", uri, status);
	}
	buf_free(&body);
	return rc;
}

/* The languages' prefixes (lib/page.h): every page in each. */
static const char *const lang_prefix[] = { "", "/de" };
#define N_LANGS (sizeof lang_prefix / sizeof *lang_prefix)

/* An edition's pages in one language (a page no other links to is
 * exported all the same); the gallery's first page also as page-1.html
 * (?page=1). */
static int edition_in(struct ex *x, int year, const char *prefix)
{
	static const struct { const char *fmt; int optional; } pages[] = {
		{ "%s/%04d/", 0 }, { "%s/%04d/press", 1 }, { "%s/%04d/presentations", 0 },
		{ "%s/%04d/programme", 1 },
	};
	char uri[EXPORT_URL_MAX], also[EXPORT_URL_MAX];
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		snprintf(uri, sizeof uri, pages[i].fmt, prefix, year);
		add(&x->done, uri);
		if (page(x, uri, pages[i].optional, NULL) < 0)
			return -1;
	}
	snprintf(uri, sizeof uri, "%s/%04d/gallery", prefix, year);
	snprintf(also, sizeof also, "%s%s%04d/gallery/page-1.html", prefix + (*prefix != 0),
		 *prefix ? "/" : "", year);
	add(&x->done, uri);
	return page(x, uri, 0, also) < 0 ? -1 : 0;
}

/* Each language's pages and the edition's calendar file in it (the
 * sessions' files are linked from the programme pages). */
static int edition(struct ex *x, int year)
{
	char uri[EXPORT_URL_MAX];
	for (size_t l = 0; l < N_LANGS; l++) {
		if (edition_in(x, year, lang_prefix[l]) < 0)
			return -1;
		snprintf(uri, sizeof uri, "%s/%04d/programme.ics", lang_prefix[l], year);
		add(&x->done, uri);
		if (page(x, uri, 1, NULL) < 0)
			return -1;
	}
	return 0;
}

/* robots.txt, and the sitemap and the feed unless the site has no base
 * URL (then they are a 404 on the live site too). */
static int feeds(struct ex *x)
{
	static const struct { const char *uri, *file; int optional; } f[] = {
		{ "/robots.txt", "robots.txt", 0 }, { "/sitemap.xml", "sitemap.xml", 1 },
		{ "/feed.atom", "feed.atom", 1 },
	};
	struct buf body = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof f / sizeof *f; i++) {
		int status = 0;
		rc = render(x, "feed", f[i].uri, &status, &body);
		if (rc == 0 && status == 200)
			rc = put(x, f[i].file, body.data ? body.data : "", body.len);
		else if (rc == 0 && !(f[i].optional && status == 404))
			rc = fail(x, "%s answered %d", f[i].uri, status);
	}
	buf_free(&body);
	return rc < 0 ? -1 : 0;
}

/* The 404 page: what home answers for an address nobody has. */
static int not_found(struct ex *x)
{
	struct buf body = BUF_INIT;
	int status = 0, rc = render(x, "home", "/export-404", &status, &body);
	if (rc == 0 && status != 404)
		rc = fail(x, "home answered %d for an unknown address", status);
	if (rc == 0)
		rc = put(x, "404.html", body.data ? body.data : "", body.len);
	buf_free(&body);
	return rc;
}

static int on_year(void *ctx, const char *const *col)
{
	struct ex *x = ctx;
	if (x->nyears == EXPORT_YEARS_MAX || !col[0])
		return -1;
	x->years[x->nyears++] = atoi(col[0]);
	return 0;
}

static int was_done(struct ex *x, const char *uri)
{
	for (size_t i = 0; i < x->done.n; i++) {
		if (strcmp(x->done.v[i], uri) == 0)
			return 1;
	}
	return 0;
}

/* Every page the seeds link to, breadth first (a photo's own page, the
 * gallery's further pages, whatever a later release adds). */
static int follow(struct ex *x)
{
	for (size_t i = 0; i < x->queue.n; i++) {
		const char *uri = x->queue.v[i];
		if (was_done(x, uri))
			continue;
		if (x->done.n >= EXPORT_PAGES_MAX)
			return fail(x, "more than %d pages", EXPORT_PAGES_MAX);
		add(&x->done, uri);
		if (page(x, uri, 1, NULL) < 0)
			return -1;
	}
	return 0;
}

static int pages(struct ex *x)
{
	static const char *const seeds[] = { "/", "/imprint", "/privacy",
		"/de/", "/de/imprint", "/de/privacy" };
	if (db_open(x->c->db_path, DB_READONLY) < 0)
		return fail(x, "cannot open the database %s", x->c->db_path);
	int rc = db_ops_published_years(on_year, x);
	db_close();
	if (rc < 0)
		return fail(x, "cannot list the editions");
	for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
		add(&x->done, seeds[i]);
		if (page(x, seeds[i], 0, NULL) < 0)
			return -1;
	}
	if (not_found(x) < 0 || feeds(x) < 0)
		return -1;
	for (int i = 0; i < x->nyears; i++) {
		if (edition(x, x->years[i]) < 0)
			return -1;
	}
	return follow(x);
}

/* ---- files ---- */

/* Where a /media/ path's bytes are: the path itself (a stored file or a
 * stable link), or, for the press photo's download name
 * press/<sha256>/<name>.jpg, the stored file <2>/<sha256>.jpg (which the
 * live server sends under that name). */
static int media_source(struct ex *x, const char *rel, char src[TREE_PATH_MAX])
{
	const char *h = rel + 6;
	if (strncmp(rel, "press/", 6) == 0 && strlen(h) > 65 && h[64] == '/' &&
	    strspn(h, "0123456789abcdef") == 64)
		return snprintf(src, TREE_PATH_MAX, "%s/%.2s/%.64s.jpg", x->media_root, h, h) <
		       TREE_PATH_MAX ? 0 : -1;
	return snprintf(src, TREE_PATH_MAX, "%s/%s", x->media_root, rel) < TREE_PATH_MAX ? 0 : -1;
}

static int media(struct ex *x)
{
	char src[TREE_PATH_MAX], rel[TREE_PATH_MAX];
	unique(&x->media);
	for (size_t i = 0; i < x->media.n; i++) {
		/* Stable names are symlinks in the media tree: the export holds
		 * a copy of the file, which any server or object store can serve. */
		if (media_source(x, x->media.v[i], src) < 0 ||
		    snprintf(rel, sizeof rel, "media/%s", x->media.v[i]) >= (int)sizeof rel ||
		    copy(x, src, rel) < 0)
			return -1;
	}
	return 0;
}

static int on_asset(void *ctx, const char *rel, enum tree_kind kind, long long size,
		    long long mtime)
{
	struct ex *x = ctx;
	char src[TREE_PATH_MAX], dst[TREE_PATH_MAX];
	(void)size, (void)mtime;
	if (kind != TREE_FILE || rel[0] == '.')
		return 0;
	if (snprintf(src, sizeof src, "%s/assets/%s", x->c->templates_dir, rel) >= (int)sizeof src ||
	    snprintf(dst, sizeof dst, "assets/%s", rel) >= (int)sizeof dst)
		return -1;
	/* Browsers ask for /favicon.ico whatever the pages say. */
	if (strcmp(rel, "favicon.ico") == 0 && copy(x, src, rel) < 0)
		return -1;
	return copy(x, src, dst);
}

static int on_stale(void *ctx, const char *rel, enum tree_kind kind, long long size,
		    long long mtime)
{
	struct ex *x = ctx;
	char path[TREE_PATH_MAX];
	const char *key = rel;
	(void)kind, (void)size, (void)mtime;
	if (strcmp(rel, EXPORT_MARKER) == 0 ||
	    bsearch(&key, x->files.v, x->files.n, sizeof *x->files.v, cmp_str))
		return 0;
	if (out_path(x, rel, path) < 0 || unlink(path) < 0)
		return fail(x, "cannot remove %s: %s", path, strerror(errno));
	x->rep->removed++;
	return 0;
}

/* The directory: new, empty, or an earlier export (its marker). */
static int prepare_dir(struct ex *x)
{
	char marker[TREE_PATH_MAX];
	struct stat st;
	if (out_path(x, EXPORT_MARKER, marker) < 0)
		return -1;
	if (stat(marker, &st) == 0)
		return 0;
	int content = tree_has_content(x->c->out_dir);
	if (content != 0)
		return fail(x, "%s %s", x->c->out_dir, content < 0 ? "is not a usable directory" :
			    "is not empty and holds no earlier export (" EXPORT_MARKER ")");
	if (mkdir(x->c->out_dir, EXPORT_DIR_MODE) < 0 && errno != EEXIST)
		return fail(x, "cannot make %s: %s", x->c->out_dir, strerror(errno));
	return 0;
}

/* The marker is not part of the site: not counted. */
static int uncount(struct export_report *rep)
{
	rep->written = rep->unchanged = 0;
	return 0;
}

int export_site(const struct export_config *c, struct export_report *rep,
		char *err, size_t errsz)
{
	struct ex x = { .c = c, .rep = rep, .err = err, .errsz = errsz };
	char assets[TREE_PATH_MAX];
	memset(rep, 0, sizeof *rep);
	backup_media_root(c->db_path, x.media_root);
	int rc = prepare_dir(&x) < 0 || put(&x, EXPORT_MARKER, "", 0) < 0 || uncount(rep) ||
		 pages(&x) < 0 || media(&x) < 0 ? -1 : 0;
	if (rc == 0 && (snprintf(assets, sizeof assets, "%s/assets", c->templates_dir) >=
			(int)sizeof assets || tree_walk(assets, on_asset, &x) < 0))
		rc = *err ? -1 : fail(&x, "cannot copy %s", assets);
	if (rc == 0) {
		unique(&x.files);
		rc = tree_walk(c->out_dir, on_stale, &x) < 0 ? -1 : 0;
		tree_prune(c->out_dir);
		rep->files = (int)x.files.n - 1;
	}
	free_list(&x.files);
	free_list(&x.media);
	free_list(&x.queue);
	free_list(&x.done);
	return rc;
}
