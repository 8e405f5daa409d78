/* testdb: a fresh database for the data-layer tests - schema.sql (or
 * $SITE_SCHEMA) run into site.db of a new temporary directory, plus the
 * test's own rows.  Header-only: a test program includes it once. */
#ifndef TESTDB_H
#define TESTDB_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "tmpl.h"

/* The whole file, NUL-terminated ("" when empty); NULL when unreadable. */
static char *testdb_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	if (!b.data)
		buf_puts(&b, "");
	return b.data;
}

/* mkdtemp(dir), then dir/site.db (its path into dbpath) from the schema
 * and extra_sql (NULL for none).  0, or -1. */
static int testdb_create(char *dir, char *dbpath, size_t dbpathsz,
			 const char *extra_sql)
{
	const char *schema_path = getenv("SITE_SCHEMA");
	char *schema = testdb_slurp(schema_path ? schema_path : "schema.sql");
	sqlite3 *raw = NULL;
	int rc = -1;
	if (schema && mkdtemp(dir) &&
	    (size_t)snprintf(dbpath, dbpathsz, "%s/site.db", dir) < dbpathsz &&
	    sqlite3_open(dbpath, &raw) == SQLITE_OK &&
	    sqlite3_exec(raw, schema, NULL, NULL, NULL) == SQLITE_OK &&
	    (!extra_sql || sqlite3_exec(raw, extra_sql, NULL, NULL, NULL) == SQLITE_OK))
		rc = 0;
	sqlite3_close(raw);
	free(schema);
	return rc;
}

/* v rendered through a template of the given text (written to
 * dir/render.xml): the output, malloc'd; NULL when it does not compile. */
static inline char *testdb_render(const char *dir, const char *text,
				  const struct tmpl_vars *v)
{
	char path[4096], err[256];
	struct buf out = BUF_INIT;
	FILE *f;
	snprintf(path, sizeof path, "%s/render.xml", dir);
	if (!(f = fopen(path, "w")))
		return NULL;
	fputs(text, f);
	fclose(f);
	struct tmpl *t = tmpl_load(dir, "render.xml", err, sizeof err);
	unlink(path);
	if (!t)
		return NULL;
	tmpl_render(t, v, &out);
	tmpl_free(t);
	if (!out.data)
		buf_puts(&out, "");
	return out.data;
}

/* Remove the directory testdb_create made, and everything in it. */
static inline int testdb_remove(const char *dir)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
