/* ops_fixture: a small real site for the operator commands' tests - an
 * empty site made by demo_init, then one published edition with a talk
 * (a PDF) and a photo (two JPEG sizes), stored with store_put so the
 * files sit at their content addresses with matching rows.
 * Header-only: a test program includes it once. */
#ifndef OPS_FIXTURE_H
#define OPS_FIXTURE_H

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "store.h"
#include "tree.h"

struct ops_site {
	char dir[64];                 /* the data directory */
	char db[96];                  /* dir/site.db */
	char root[96];                /* dir/media */
	struct store_file pdf, web, thumb;
};

static const char *ops_schema(void)
{
	const char *s = getenv("SITE_SCHEMA");
	return s && *s ? s : "schema.sql";
}

static int ops_store(const char *root, const char *bytes, const char *ext,
		     struct store_file *f)
{
	char tmp[STORE_PATH_MAX];
	int fd;
	if (store_tmp_open(root, &fd, tmp) < 0)
		return -1;
	int rc = store_write_all(fd, bytes, strlen(bytes));
	close(fd);
	return rc < 0 ? -1 : store_put(root, tmp, ext, f);
}

static int ops_sql(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open(db, &h) == SQLITE_OK &&
		 sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	if (rc < 0)
		fprintf(stderr, "ops_sql: %s\n", sqlite3_errmsg(h));
	sqlite3_close(h);
	return rc;
}

static int ops_media_row(const char *db, int id, const struct store_file *f, const char *mime)
{
	char sql[512];
	snprintf(sql, sizeof sql, "INSERT INTO media (id, sha256, path, mime, bytes, created_at)"
		 " VALUES (%d, '%s', '%s', '%s', %lld, 1000)", id, f->sha256, f->path, mime, f->bytes);
	return ops_sql(db, sql);
}

/* The site in a new directory under /tmp; 0 or -1. */
static int ops_site_make(struct ops_site *s, const char *tag)
{
	char err[256];
	struct demo_report rep;
	snprintf(s->dir, sizeof s->dir, "/tmp/%s.XXXXXX", tag);
	if (!mkdtemp(s->dir) || rmdir(s->dir) < 0)
		return -1;
	snprintf(s->db, sizeof s->db, "%s/site.db", s->dir);
	snprintf(s->root, sizeof s->root, "%s/media", s->dir);
	if (demo_init(s->dir, ops_schema(), NULL, &rep, err, sizeof err) != 0) {
		fprintf(stderr, "demo_init: %s\n", err);
		return -1;
	}
	if (ops_store(s->root, "%PDF-1.4 slides\n%%EOF\n", "pdf", &s->pdf) < 0 ||
	    ops_store(s->root, "large photo bytes", "jpg", &s->web) < 0 ||
	    ops_store(s->root, "small photo", "jpg", &s->thumb) < 0 ||
	    ops_media_row(s->db, 1, &s->pdf, "application/pdf") < 0 ||
	    ops_media_row(s->db, 2, &s->web, "image/jpeg") < 0 ||
	    ops_media_row(s->db, 3, &s->thumb, "image/jpeg") < 0)
		return -1;
	return ops_sql(s->db,
		"INSERT INTO edition (id, year, title, published) VALUES (1, 2023, 'S 2023', 1);"
		"INSERT INTO presentation (edition_id, position, slug, title, speakers, media_id,"
		" created_at) VALUES (1, 1, 'keynote', 'Keynote', 'A. Speaker', 1, 1000);"
		"INSERT INTO photo (edition_id, position, thumb_id, web_id, alt, created_at)"
		" VALUES (1, 1, 3, 2, 'The hall', 1000);");
}

/* path of rel inside the site's directory */
static void ops_join(char out[TREE_PATH_MAX], const char *a, const char *b);
__attribute__((unused)) static void ops_path(const struct ops_site *s, const char *rel, char out[TREE_PATH_MAX])
{
	ops_join(out, s->dir, rel);
}

static void ops_site_remove(struct ops_site *s)
{
	if (strncmp(s->dir, "/tmp/", 5) == 0)
		tree_remove(s->dir);
}

/* out = a + "/" + b; aborts rather than truncate. */
static void ops_join(char out[TREE_PATH_MAX], const char *a, const char *b)
{
	if (snprintf(out, TREE_PATH_MAX, "%s/%s", a, b) >= TREE_PATH_MAX)
		abort();
}

/* Make a file look old enough for the check's grace period. */
__attribute__((unused)) static void ops_age(const char *path)
{
	struct timespec t[2] = { { 1000, 0 }, { 1000, 0 } };
	utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
}

#endif
