/* db_links: the publication rule's queries.  See db_links.h. */
#include "db_links.h"

#include <stdio.h>

#include "db.h"
#include "db_admin.h"

static void log_err(sqlite3_stmt *q)
{
	sqlite3 *h = db_handle();
	fprintf(stderr, "db_links: %s: %s\n", sqlite3_sql(q),
		h ? sqlite3_errmsg(h) : "no database");
}

/* Step q to its end, calling row for each row; see db_links.h. */
static int each_row(sqlite3_stmt *q, int (*row)(sqlite3_stmt *q, void *arg),
		void *arg)
{
	int rc, n = 0, failed = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (row(q, arg) < 0)
			failed = 1;
		n++;
	}
	if (rc != SQLITE_DONE)
		log_err(q);
	sqlite3_reset(q);
	return rc != SQLITE_DONE || failed ? -1 : n;
}

struct talk_fn {
	int (*fn)(void *ctx, const char *link, const char *target);
	void *ctx;
};

static int talk_row(sqlite3_stmt *q, void *arg)
{
	struct talk_fn *t = arg;
	const unsigned char *link = sqlite3_column_text(q, 0);
	const unsigned char *target = sqlite3_column_text(q, 1);
	return link ? t->fn(t->ctx, (const char *)link,
			    target ? (const char *)target : "") : -1;
}

int db_links_each_talk(long long edition_id,
		int (*fn)(void *ctx, const char *link, const char *target), void *ctx)
{
	static sqlite3_stmt *st;
	/* Before publication the slug (made from the title) would let anyone
	 * guess where the slides of an unannounced talk are. */
	sqlite3_stmt *q = db_prepare(&st,
		"SELECT talk_path(e.year, t.slug),"
		" CASE WHEN t.deleted_at IS NULL AND e.published = 1"
		"  THEN coalesce(m.path, '') ELSE '' END"
		" FROM presentation t JOIN edition e ON e.id = t.edition_id"
		" LEFT JOIN media m ON m.id = t.media_id"
		" WHERE t.edition_id = ?1 ORDER BY t.id");
	if (!q)
		return -1;
	struct talk_fn t = { fn, ctx };
	sqlite3_bind_int64(q, 1, edition_id);
	return each_row(q, talk_row, &t);
}

struct edition_fn {
	int (*fn)(void *ctx, long long edition_id);
	void *ctx;
};

static int edition_row(sqlite3_stmt *q, void *arg)
{
	struct edition_fn *e = arg;
	return e->fn(e->ctx, sqlite3_column_int64(q, 0));
}

int db_links_each_edition(int (*fn)(void *ctx, long long edition_id), void *ctx)
{
	static sqlite3_stmt *st;
	sqlite3_stmt *q = db_prepare(&st, "SELECT id FROM edition ORDER BY id");
	struct edition_fn e = { fn, ctx };
	return q ? each_row(q, edition_row, &e) : -1;
}

static const char *const item_edition_sql[DB_ADMIN_KINDS] = {
	"SELECT edition_id FROM presentation WHERE id = ?1",
	"SELECT edition_id FROM photo WHERE id = ?1",
	"SELECT edition_id FROM video WHERE id = ?1",
};

long long db_links_item_edition(int kind, long long id)
{
	static sqlite3_stmt *st[DB_ADMIN_KINDS];
	if (kind < 0 || kind >= DB_ADMIN_KINDS)
		return 0;
	sqlite3_stmt *q = db_prepare(&st[kind], item_edition_sql[kind]);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	long long e = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_err(q);
		e = -1;
	}
	sqlite3_reset(q);
	return e;
}
