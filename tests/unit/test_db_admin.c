/* Tests for lib/db_admin.c against a fresh database made from schema.sql
 * ($SITE_SCHEMA, else ./schema.sql): editions, order, trash, the audit
 * log and the change stamp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "db_admin.h"
#include "db_auth.h"
#include "db_links.h"
#include "space.h"
#include "tmpl.h"
#include "testdb.h"

#define T0 ((time_t)1700000000)

static char dir[] = "/tmp/test_db_admin.XXXXXX";
static char dbpath[sizeof dir + 16];

/* The fixture's rows are made with plain SQL: a site row (every change
 * bumps it) and nothing else. */
static int group_setup(void **state)
{
	(void)state;
	if (testdb_create(dir, dbpath, sizeof dbpath, "INSERT INTO site"
			  " (id, name, changed_at) VALUES (1, 'Test', 1000)") < 0)
		return -1;
	return db_open(dbpath, DB_READWRITE);
}

static int group_teardown(void **state)
{
	(void)state;
	db_close();
	return testdb_remove(dir);
}

static long long edition(int year)
{
	struct db_admin_edition e = { .year = year, .title = "Symposium",
		.starts = "2023-12-05", .ends = "", .venue = "TranslaTUM",
		.review_md = "*r*", .review_html = "<p><em>r</em></p>" };
	long long id = db_admin_edition_id(year);
	return id > 0 ? id : db_admin_edition_add(&e);
}

static long long add_video(long long ed, const char *title, const char *url)
{
	struct db_admin_video d = { .title = title, .url = url };
	return db_admin_video_add(ed, &d, T0);
}

/* The titles of the edition's videos, in order, joined by ",". */
static void video_order(long long ed, char *out, size_t n)
{
	/* The list for the page must agree in count with the order read here. */
	struct tmpl_vars *v = tmpl_vars_new();
	int count = db_admin_videos(v, ed, "videos");
	tmpl_vars_free(v);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(),
		"SELECT group_concat(title, ',') FROM (SELECT title FROM video"
		" WHERE edition_id = ?1 AND deleted_at IS NULL ORDER BY position, id)",
		-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, ed);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *s = sqlite3_column_text(st, 0);
	snprintf(out, n, "%s", s ? (const char *)s : "");
	sqlite3_finalize(st);
	int commas = 0;
	for (const char *p = out; *p; p++)
		commas += *p == ',';
	assert_int_equal(count, *out ? commas + 1 : 0);
}

static long long count_rows(const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* ---- tests ---- */

static void test_edition_create_and_read(void **state)
{
	(void)state;
	long long id = edition(2023);
	assert_true(id > 0);
	assert_int_equal(db_admin_edition_id(2023), id);
	assert_int_equal(db_admin_edition_id(1999), 0);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_edition(v, 2023), DB_FOUND);
	assert_string_equal(tmpl_get(v, "title"), "Symposium");
	assert_string_equal(tmpl_get(v, "starts"), "2023-12-05");
	assert_string_equal(tmpl_get(v, "ends"), "");          /* NULL shown as "" */
	assert_string_equal(tmpl_get(v, "review_md"), "*r*");
	assert_string_equal(tmpl_get(v, "published"), "0");
	tmpl_vars_free(v);
}

static void test_edition_year_taken(void **state)
{
	(void)state;
	edition(2023);
	struct db_admin_edition e = { .year = 2023, .title = "Again" };
	assert_int_equal(db_admin_edition_add(&e), 0);
}

static void test_edition_update(void **state)
{
	(void)state;
	edition(2024);
	struct db_admin_edition e = { .year = 2024, .title = "Renamed",
		.starts = "", .published = 1 };
	assert_int_equal(db_admin_edition_update(&e), DB_FOUND);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_edition(v, 2024), DB_FOUND);
	assert_string_equal(tmpl_get(v, "title"), "Renamed");
	assert_string_equal(tmpl_get(v, "starts"), "");
	assert_string_equal(tmpl_get(v, "published"), "1");
	tmpl_vars_free(v);
	e.year = 1990;
	assert_int_equal(db_admin_edition_update(&e), DB_MISSING);
}

static void test_move_up_and_down(void **state)
{
	(void)state;
	char order[128];
	long long ed = edition(2019);
	long long a = add_video(ed, "a", "https://www.youtube.com/watch?v=aaaaaaaaaaa");
	long long b = add_video(ed, "b", "https://www.youtube.com/watch?v=bbbbbbbbbbb");
	long long c = add_video(ed, "c", "https://www.youtube.com/watch?v=ccccccccccc");
	assert_true(a > 0 && b > 0 && c > 0);
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "a,b,c");
	assert_int_equal(db_admin_move(DB_ADMIN_VIDEO, ed, c, -1), DB_FOUND);
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "a,c,b");
	assert_int_equal(db_admin_move(DB_ADMIN_VIDEO, ed, a, 1), DB_FOUND);
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "c,a,b");
	/* at the ends nothing moves */
	assert_int_equal(db_admin_move(DB_ADMIN_VIDEO, ed, c, -1), DB_MISSING);
	assert_int_equal(db_admin_move(DB_ADMIN_VIDEO, ed, b, 1), DB_MISSING);
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "c,a,b");
	/* another edition's item is not found */
	assert_int_equal(db_admin_move(DB_ADMIN_VIDEO, edition(2023), a, 1), DB_MISSING);
}

static void test_move_skips_the_trash(void **state)
{
	(void)state;
	char order[128];
	long long ed = edition(2018);
	add_video(ed, "x", "https://www.youtube.com/watch?v=xxxxxxxxxxx");
	long long y = add_video(ed, "y", "https://www.youtube.com/watch?v=yyyyyyyyyyy");
	long long z = add_video(ed, "z", "https://www.youtube.com/watch?v=zzzzzzzzzzz");
	assert_int_equal(db_admin_trash(DB_ADMIN_VIDEO, ed, y, T0), DB_FOUND);
	assert_int_equal(db_admin_move(DB_ADMIN_VIDEO, ed, z, -1), DB_FOUND);
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "z,x");
}

static void test_trash_and_restore(void **state)
{
	(void)state;
	char order[128];
	long long ed = edition(2017);
	long long p = add_video(ed, "p", "https://www.youtube.com/watch?v=ppppppppppp");
	add_video(ed, "q", "https://www.youtube.com/watch?v=qqqqqqqqqqq");
	assert_int_equal(db_admin_trash(DB_ADMIN_VIDEO, ed, p, T0 + 5), DB_FOUND);
	assert_int_equal(db_admin_trash(DB_ADMIN_VIDEO, ed, p, T0 + 6), DB_MISSING);   /* once */
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "q");
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_video(v, ed, p), DB_MISSING);          /* not editable */
	assert_true(db_admin_trash_list(v, "items") >= 1);
	tmpl_vars_free(v);
	assert_int_equal(db_admin_restore(DB_ADMIN_VIDEO, p), DB_FOUND);
	assert_int_equal(db_admin_restore(DB_ADMIN_VIDEO, p), DB_MISSING);             /* not in the trash */
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "p,q");                      /* back at its place */
}

static void test_restore_returns_to_its_place_after_moves(void **state)
{
	(void)state;
	char order[128];
	long long ed = edition(2015);
	long long a = add_video(ed, "a", "https://www.youtube.com/watch?v=aaaaaaaaaaa");
	long long b = add_video(ed, "b", "https://www.youtube.com/watch?v=bbbbbbbbbbb");
	long long c = add_video(ed, "c", "https://www.youtube.com/watch?v=ccccccccccc");
	(void)a;
	assert_int_equal(db_admin_trash(DB_ADMIN_VIDEO, ed, b, T0 + 1), DB_FOUND);
	assert_int_equal(db_admin_move(DB_ADMIN_VIDEO, ed, c, -1), DB_FOUND);    /* c,a */
	assert_int_equal(db_admin_restore(DB_ADMIN_VIDEO, b), DB_FOUND);
	video_order(ed, order, sizeof order);
	assert_string_equal(order, "c,b,a");                    /* second, as before */
}

static void test_item_year_includes_the_trash(void **state)
{
	(void)state;
	long long ed = edition(2014);
	long long v = add_video(ed, "v", "https://www.youtube.com/watch?v=vvvvvvvvvvv");
	assert_int_equal(db_admin_trash(DB_ADMIN_VIDEO, ed, v, T0 + 1), DB_FOUND);
	assert_int_equal(db_admin_item_year(DB_ADMIN_VIDEO, v), 2014);
	assert_int_equal(db_admin_item_year(DB_ADMIN_VIDEO, v + 1000), 0);
}

static void test_presentation_slug_and_media(void **state)
{
	(void)state;
	long long ed = edition(2016);
	struct store_file mf = { .bytes = 1234 };
	memset(mf.sha256, 'a', STORE_HEX_LEN);
	snprintf(mf.path, sizeof mf.path, "aa/%.64s.pdf", mf.sha256);
	long long m1 = db_admin_media(&mf, "application/pdf", 3, T0);
	long long m2 = db_admin_media(&mf, "application/pdf", 3, T0);
	assert_true(m1 > 0);
	assert_int_equal(m1, m2);                                /* same content, same row */
	struct db_admin_talk t = { ed, "keynote", "Keynote", "Dr. A", "", m1, NULL };
	assert_int_equal(db_admin_slug_taken(ed, "keynote"), DB_MISSING);
	long long id = db_admin_presentation_add(&t, T0);
	assert_true(id > 0);
	assert_int_equal(db_admin_slug_taken(ed, "keynote"), DB_FOUND);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_presentation(v, ed, id), DB_FOUND);
	/* the admin links the stored file: it works before publication */
	char want_url[STORE_REL_MAX + 16];
	snprintf(want_url, sizeof want_url, "/admin/media/%s", mf.path);
	assert_string_equal(tmpl_get(v, "file_url"), want_url);
	assert_string_equal(tmpl_get(v, "file_label"), "PDF, 1.2 KB, 3 pages");
	assert_string_equal(tmpl_get(v, "public_url"), "/media/talks/2016-keynote.pdf");
	tmpl_vars_free(v);
	/* in the trash the slug stays taken */
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, id, T0), DB_FOUND);
	assert_int_equal(db_admin_slug_taken(ed, "keynote"), DB_FOUND);
}

/* The German title is stored on add and on update, "" without one; the
 * slug stays the English title's. */
static void test_presentation_german_title(void **state)
{
	(void)state;
	long long ed = edition(2041);
	struct db_admin_talk t = { ed, "cloud", "The cloud", "Dr. A", "", 0, NULL };
	long long id = db_admin_presentation_add(&t, T0);
	assert_true(id > 0);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_presentation(v, ed, id), DB_FOUND);
	assert_string_equal(tmpl_get(v, "title_de"), "");
	t.title_de = "Die Wolke";
	assert_int_equal(db_admin_presentation_update(id, &t), DB_FOUND);
	tmpl_vars_clear(v);
	assert_int_equal(db_admin_presentation(v, ed, id), DB_FOUND);
	assert_string_equal(tmpl_get(v, "title_de"), "Die Wolke");
	assert_string_equal(tmpl_get(v, "title"), "The cloud");
	assert_string_equal(tmpl_get(v, "slug"), "cloud");
	struct db_admin_talk u = { ed, "rain", "Rain", "Dr. B", "", 0, "Regen" };
	long long id2 = db_admin_presentation_add(&u, T0);
	tmpl_vars_clear(v);
	assert_int_equal(db_admin_presentations(v, ed, "t"), 2);
	assert_int_equal(count_rows("SELECT count(*) FROM presentation WHERE title_de = 'Regen'"), 1);
	/* Another edition's talk is not this edition's to change. */
	assert_int_equal(db_admin_presentation_update(id2, &(struct db_admin_talk){ edition(2042),
			 "x", "X", "Y", "", 0, "Z" }), DB_MISSING);
	assert_int_equal(count_rows("SELECT count(*) FROM presentation WHERE title_de = 'Z'"), 0);
	tmpl_vars_free(v);
}

/* What the admin program's link sync is told for each talk. */
struct seen {
	int n;
	char text[512];
};

static int note_link(void *ctx, const char *link, const char *target)
{
	struct seen *s = ctx;
	size_t used = strlen(s->text);
	snprintf(s->text + used, sizeof s->text - used, "%s>%s;", link,
		 target[0] ? "file" : "none");
	s->n++;
	return 0;
}

static int fail_link(void *ctx, const char *link, const char *target)
{
	(void)target;
	(void)link;
	((struct seen *)ctx)->n++;
	return -1;
}

static long long talk_with_slides(long long ed, const char *slug, char hex)
{
	struct store_file mf = { .bytes = 10 };
	memset(mf.sha256, hex, STORE_HEX_LEN);
	snprintf(mf.path, sizeof mf.path, "%c%c/%.64s.pdf", hex, hex, mf.sha256);
	struct db_admin_talk t = { ed, slug, slug, "Dr. B", "",
		db_admin_media(&mf, "application/pdf", 1, T0), NULL };
	return db_admin_presentation_add(&t, T0);
}

static void set_published(int year, int published)
{
	struct db_admin_edition e = { .year = year, .title = "Symposium",
		.starts = "", .ends = "", .review_md = "", .review_html = "",
		.next_md = "", .next_html = "", .published = published };
	assert_int_equal(db_admin_edition_update(&e), DB_FOUND);
}

/* A stable link has a target only while the talk is live and its edition
 * published; the list covers every talk of the edition, trash included,
 * so a sync can remove what must not be there. */
static void test_talk_links_follow_publication(void **state)
{
	(void)state;
	long long ed = edition(2031), other = edition(2032);
	long long a = talk_with_slides(ed, "alpha", 'b');
	long long b = talk_with_slides(ed, "beta", 'c');
	struct db_admin_talk bare = { ed, "gamma", "Gamma", "Dr. C", "", 0, NULL };
	assert_true(db_admin_presentation_add(&bare, T0) > 0);
	assert_true(talk_with_slides(other, "alpha", 'd') > 0);
	assert_true(a > 0 && b > 0);
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, b, T0), DB_FOUND);

	struct seen s = { 0, "" };
	assert_int_equal(db_links_each_talk(ed, note_link, &s), 3);
	assert_string_equal(s.text, "talks/2031-alpha.pdf>none;talks/2031-beta.pdf>none;"
			    "talks/2031-gamma.pdf>none;");

	set_published(2031, 1);
	s = (struct seen){ 0, "" };
	assert_int_equal(db_links_each_talk(ed, note_link, &s), 3);
	assert_string_equal(s.text, "talks/2031-alpha.pdf>file;talks/2031-beta.pdf>none;"
			    "talks/2031-gamma.pdf>none;");

	/* every talk is visited even when one fails, and the failure shows */
	s = (struct seen){ 0, "" };
	assert_int_equal(db_links_each_talk(ed, fail_link, &s), -1);
	assert_int_equal(s.n, 3);

	set_published(2031, 0);
	s = (struct seen){ 0, "" };
	assert_int_equal(db_links_each_talk(ed, note_link, &s), 3);
	assert_string_equal(s.text, "talks/2031-alpha.pdf>none;talks/2031-beta.pdf>none;"
			    "talks/2031-gamma.pdf>none;");
	assert_int_equal(db_links_item_edition(DB_ADMIN_PRESENTATION, a), ed);
	assert_int_equal(db_links_item_edition(DB_ADMIN_PRESENTATION, -5), 0);
}

static void test_changed_writes_audit_and_stamp(void **state)
{
	(void)state;
	long long before = count_rows("SELECT count(*) FROM audit");
	assert_int_equal(db_begin(), 0);
	assert_int_equal(db_admin_changed("alice", "update", "edition 2023", "x", T0), 0);
	assert_int_equal(db_commit(), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM audit"), before + 1);
	assert_int_equal(db_changed_at(), T0);
	/* an older clock never moves it back (Last-Modified must not regress) */
	assert_int_equal(db_admin_changed("alice", "update", "edition 2023", "", T0 - 50), 0);
	assert_int_equal(db_changed_at(), T0);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_true(db_auth_audit_list(v, "entries", 10) >= 2);
	tmpl_vars_free(v);
}

static void test_rollback_leaves_no_audit(void **state)
{
	(void)state;
	long long before = count_rows("SELECT count(*) FROM audit");
	assert_int_equal(db_begin(), 0);
	assert_int_equal(db_admin_changed("alice", "delete", "video 1", "", T0 + 100), 0);
	db_rollback();
	assert_int_equal(count_rows("SELECT count(*) FROM audit"), before);
	assert_true(db_changed_at() < T0 + 100);
}

/* A database that cannot grow (SQLITE_FULL, as from a full disk; here
 * from max_page_count): the write fails, the failure is noted as one for
 * want of space (lib/space.h: the admin's 507), the rollback leaves
 * nothing. */
static void test_full_database_is_noted(void **state)
{
	(void)state;
	static char detail[200 * 1024];
	char *err = NULL;
	long long before = count_rows("SELECT count(*) FROM audit");
	long long pages = count_rows("PRAGMA page_count");
	char sql[64];
	memset(detail, 'x', sizeof detail - 1);
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages);
	assert_int_equal(sqlite3_exec(db_handle(), sql, NULL, NULL, &err), SQLITE_OK);
	space_clear();
	assert_int_equal(db_begin(), 0);
	assert_int_equal(db_admin_changed("alice", "update", "edition 2023", detail, T0), -1);
	assert_true(space_short());
	db_rollback();
	assert_int_equal(sqlite3_exec(db_handle(), "PRAGMA max_page_count = 1073741823",
				      NULL, NULL, &err), SQLITE_OK);
	assert_int_equal(count_rows("SELECT count(*) FROM audit"), before);
	space_clear();
}

static int no_file(void *ctx, const char *path)
{
	(void)ctx;
	(void)path;
	return 0;
}

/* The audit list as "id=title;" for each row. */
static char *audit_titles(void)
{
	struct tmpl_vars *v = tmpl_vars_new();
	assert_true(db_auth_audit_list(v, "e", DB_AUTH_AUDIT_MAX) > 0);
	char *out = testdb_render(dir, "<p xmlns:t=\"urn:symposium:template\">"
				  "<t:block t:each=\"e\">${id}=${title};</t:block></p>", v);
	assert_non_null(out);
	tmpl_vars_free(v);
	return out;
}

/* Row id of the audit list shows title. */
static void assert_audit_title(const char *list, long long id, const char *title)
{
	char want[160];
	snprintf(want, sizeof want, ";%lld=%s;", id, title);
	if (!strstr(list, want))
		fail_msg("audit row %lld does not show \"%s\": %s", id, title, list);
}

/* A purged talk's id is taken by the next new talk (no AUTOINCREMENT):
 * its audit rows keep its title - also a row of an earlier release, which
 * kept none (NULL) - and the new talk's rows show the new title. */
static void test_audit_titles_survive_a_reused_id(void **state)
{
	(void)state;
	char object[48], sql[160];
	long long ed = edition(2015);
	struct db_admin_talk t = { ed, "old-talk", "The old title", "Dr. A", "", 0, NULL };
	long long id = db_admin_presentation_add(&t, T0);
	assert_true(id > 0);
	snprintf(object, sizeof object, "presentation %lld", id);
	assert_int_equal(db_admin_changed("alice", "create", object, "", T0), 0);
	long long created = count_rows("SELECT max(id) FROM audit");
	snprintf(sql, sizeof sql, "INSERT INTO audit (at, admin, action, object)"
		 " VALUES (%lld, 'alice', 'update', '%s')", (long long)T0, object);
	assert_int_equal(sqlite3_exec(db_handle(), sql, NULL, NULL, NULL), SQLITE_OK);
	long long legacy = created + 1;
	assert_int_equal(db_admin_trash(DB_ADMIN_PRESENTATION, ed, id, T0), DB_FOUND);
	assert_int_equal(db_auth_audit_keep_titles(object), 0);
	assert_int_equal(db_links_purge(DB_ADMIN_PRESENTATION, id, no_file, NULL), DB_FOUND);
	assert_int_equal(db_admin_changed("alice", "purge", object, "", T0), 0);
	long long purged = count_rows("SELECT max(id) FROM audit");

	struct db_admin_talk u = { ed, "new-talk", "The new title", "Dr. B", "", 0, NULL };
	assert_int_equal(db_admin_presentation_add(&u, T0), id);      /* the id again */
	assert_int_equal(db_admin_changed("alice", "create", object, "", T0), 0);
	long long renewed = count_rows("SELECT max(id) FROM audit");
	char *list = audit_titles();
	char *p = strchr(list, '>');      /* ";" before the first row too */
	*p = ';';
	assert_audit_title(p, created, "The old title");
	assert_audit_title(p, legacy, "The old title");
	assert_audit_title(p, purged, "The old title");
	assert_audit_title(p, renewed, "The new title");
	free(list);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_int_equal(db_admin_kind_parse("photo"), DB_ADMIN_PHOTO);
	assert_int_equal(db_admin_kind_parse("presentation"), DB_ADMIN_PRESENTATION);
	assert_int_equal(db_admin_kind_parse("video"), DB_ADMIN_VIDEO);
	assert_int_equal(db_admin_kind_parse("edition"), -1);
	assert_int_equal(db_admin_kind_parse(NULL), -1);
	assert_string_equal(db_admin_kind_name(DB_ADMIN_VIDEO), "video");
}

/* ---- photos: drafts, order, picks ---- */

/* A media row for a fake stored image n (distinct hash). */
static long long image_row(int n)
{
	struct store_file f = { .bytes = 100, .width = 40, .height = 30 };
	snprintf(f.sha256, sizeof f.sha256, "%064d", n);
	snprintf(f.path, sizeof f.path, "%.2s/%s.jpg", f.sha256, f.sha256);
	return db_admin_media(&f, "image/jpeg", 0, T0);
}

static long long draft(long long ed, int n, const char *name)
{
	struct db_admin_draft d = { ed, image_row(3 * n), image_row(3 * n + 1),
		image_row(3 * n + 2), name };
	return db_admin_draft_add(&d, T0);
}

/* The gallery's alt texts in order, joined by ",". */
static void photo_order(long long ed, char *out, size_t n)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(),
		"SELECT group_concat(alt, ',') FROM (SELECT alt FROM photo WHERE edition_id = ?1"
		" AND in_gallery = 1 AND deleted_at IS NULL ORDER BY position, id)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, ed);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *s = sqlite3_column_text(st, 0);
	snprintf(out, n, "%s", s ? (const char *)s : "");
	sqlite3_finalize(st);
}

static long long describe_with(long long ed, long long d, struct db_admin_photo *p)
{
	p->edition_id = ed;
	return db_admin_draft_describe(d, p, T0);
}

static long long describe(long long ed, long long d, const char *alt)
{
	struct db_admin_photo p = { .alt = alt, .caption = "", .credit = "C", .published = 1 };
	return describe_with(ed, d, &p);
}

static void test_draft_waits_then_becomes_a_photo(void **state)
{
	(void)state;
	char order[128];
	long long ed = edition(2016);
	long long d1 = draft(ed, 100, "a.jpg"), d2 = draft(ed, 101, "b.jpg");
	assert_true(d1 > 0 && d2 > 0);
	assert_int_equal(db_admin_draft_count(ed), 2);
	photo_order(ed, order, sizeof order);
	assert_string_equal(order, "");                         /* nothing public yet */
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_drafts(v, ed, "drafts", 10), 2);
	assert_int_equal(db_admin_draft(v, ed, d1), DB_FOUND);
	assert_int_equal(db_admin_draft(v, edition(2015), d1), DB_MISSING);   /* other edition */
	tmpl_vars_free(v);
	long long p = describe(ed, d2, "second");
	assert_true(p > 0);
	assert_int_equal(describe(ed, d2, "again"), 0);         /* gone from the drafts */
	assert_int_equal(db_admin_draft_count(ed), 1);
	assert_int_equal(count_rows("SELECT count(*) FROM photo WHERE alt = 'second'"
				    " AND published = 1 AND orig_id IS NOT NULL"), 1);
	assert_int_equal(db_admin_draft_discard(ed, d1), DB_FOUND);
	assert_int_equal(db_admin_draft_discard(ed, d1), DB_MISSING);
	assert_int_equal(db_admin_draft_count(ed), 0);
	photo_order(ed, order, sizeof order);
	assert_string_equal(order, "second");
}

/* The schema keeps a photo without alt text out of the gallery. */
static void test_draft_needs_alt_or_decorative(void **state)
{
	(void)state;
	long long ed = edition(2014);
	long long d = draft(ed, 110, "c.jpg");
	assert_int_equal(describe(ed, d, ""), -1);
	assert_int_equal(db_admin_draft_count(ed), 1);
	struct db_admin_photo p = { .edition_id = ed, .alt = "", .decorative = 1, .published = 1 };
	assert_true(db_admin_draft_describe(d, &p, T0) > 0);
}

static void test_place_before_and_to_the_end(void **state)
{
	(void)state;
	char order[128];
	long long ed = edition(2013);
	long long id[4];
	const char *alt[] = { "a", "b", "c", "d" };
	for (int i = 0; i < 4; i++)
		id[i] = describe(ed, draft(ed, 120 + i, alt[i]), alt[i]);
	assert_int_equal(db_admin_photo_place(ed, id[3], id[0]), DB_FOUND);
	photo_order(ed, order, sizeof order);
	assert_string_equal(order, "d,a,b,c");
	assert_int_equal(db_admin_photo_place(ed, id[3], 0), DB_FOUND);
	photo_order(ed, order, sizeof order);
	assert_string_equal(order, "a,b,c,d");
	assert_int_equal(db_admin_photo_place(ed, id[0], id[2]), DB_FOUND);
	photo_order(ed, order, sizeof order);
	assert_string_equal(order, "b,a,c,d");
	/* Up/Down still work on the renumbered positions. */
	assert_int_equal(db_admin_move(DB_ADMIN_PHOTO, ed, id[0], -1), DB_FOUND);
	photo_order(ed, order, sizeof order);
	assert_string_equal(order, "a,b,c,d");
	assert_int_equal(db_admin_photo_place(ed, 999999, id[0]), DB_MISSING);
	assert_int_equal(db_admin_trash(DB_ADMIN_PHOTO, ed, id[1], T0), DB_FOUND);
	assert_int_equal(db_admin_photo_place(ed, id[1], id[0]), DB_MISSING);   /* in the trash */
}

static void test_pick_press_photo_and_cover(void **state)
{
	(void)state;
	long long ed = edition(2012), other = edition(2011);
	long long p = describe(ed, draft(ed, 130, "p"), "p");
	long long q = describe(other, draft(other, 131, "q"), "q");
	assert_int_equal(db_admin_photo_pick(ed, p, DB_ADMIN_PICK_PRESS), DB_FOUND);
	assert_int_equal(db_admin_photo_pick(ed, p, DB_ADMIN_PICK_COVER), DB_FOUND);
	assert_int_equal(db_admin_photo_pick(ed, q, DB_ADMIN_PICK_PRESS), DB_MISSING);  /* other edition */
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_press_kit(v, ed), DB_FOUND);
	assert_string_equal(tmpl_get(v, "press_alt"), "p");
	assert_string_equal(tmpl_get(v, "cover_alt"), "p");
	assert_int_equal(db_admin_press_kit_save(ed, "Credit", 1), DB_FOUND);
	tmpl_vars_free(v);
	v = tmpl_vars_new();
	assert_int_equal(db_admin_press_kit(v, ed), DB_FOUND);
	assert_string_equal(tmpl_get(v, "press_photo_id"), "");
	assert_string_equal(tmpl_get(v, "press_credit"), "Credit");
	tmpl_vars_free(v);
	assert_int_equal(db_admin_trash(DB_ADMIN_PHOTO, ed, p, T0), DB_FOUND);
	assert_int_equal(db_admin_photo_pick(ed, p, DB_ADMIN_PICK_COVER), DB_MISSING);  /* in the trash */
}

/* ---- German texts ---- */

/* The edition's German texts are stored with it, each beside its English
 * one, on creation and on update. */
static void test_edition_german_texts(void **state)
{
	(void)state;
	struct db_admin_edition e = { .year = 2009, .title = "Symposium 2009",
		.review_md = "r", .review_html = "<p>r</p>",
		.de = { .headline = "Motto", .summary = "Ein Tag.", .review_md = "*R*",
			.review_html = "<p><em>R</em></p>" } };
	assert_true(db_admin_edition_add(&e) > 0);
	assert_int_equal(count_rows("SELECT count(*) FROM edition WHERE year = 2009"
				    " AND headline_de = 'Motto' AND summary_de = 'Ein Tag.'"
				    " AND review_de_md = '*R*' AND review_de_html = '<p><em>R</em></p>'"
				    " AND next_de_md = '' AND headline = ''"), 1);
	e.de.review_md = "";
	e.de.review_html = "";
	e.de.next_md = "N";
	e.de.next_html = "<p>N</p>";
	assert_int_equal(db_admin_edition_update(&e), DB_FOUND);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_edition(v, 2009), DB_FOUND);
	assert_string_equal(tmpl_get(v, "review_de_md"), "");
	assert_string_equal(tmpl_get(v, "next_de_md"), "N");
	assert_string_equal(tmpl_get(v, "headline_de"), "Motto");
	tmpl_vars_free(v);
}

/* A decorative photo has no alt text in either language; its German
 * caption stays. */
static void test_photo_german_texts(void **state)
{
	(void)state;
	long long ed = edition(2008);
	struct db_admin_photo p = { .edition_id = ed, .alt = "A hall", .alt_de = "Ein Saal",
		.caption = "Opening", .caption_de = "Er\xc3\xb6" "ffnung", .credit = "C", .published = 1 };
	long long id = describe_with(ed, draft(ed, 120, "g.jpg"), &p);
	assert_true(id > 0);
	assert_int_equal(count_rows("SELECT count(*) FROM photo WHERE alt_de = 'Ein Saal'"
				    " AND caption_de = 'Er\xc3\xb6" "ffnung'"), 1);
	p.decorative = 1;
	assert_int_equal(db_admin_photo_update(id, &p), DB_FOUND);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_admin_photo(v, ed, id), DB_FOUND);
	assert_string_equal(tmpl_get(v, "alt"), "");
	assert_string_equal(tmpl_get(v, "alt_de"), "");
	assert_string_equal(tmpl_get(v, "caption_de"), "Er\xc3\xb6" "ffnung");
	tmpl_vars_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edition_create_and_read),
		cmocka_unit_test(test_edition_year_taken),
		cmocka_unit_test(test_edition_update),
		cmocka_unit_test(test_move_up_and_down),
		cmocka_unit_test(test_move_skips_the_trash),
		cmocka_unit_test(test_trash_and_restore),
		cmocka_unit_test(test_restore_returns_to_its_place_after_moves),
		cmocka_unit_test(test_item_year_includes_the_trash),
		cmocka_unit_test(test_presentation_slug_and_media),
		cmocka_unit_test(test_presentation_german_title),
		cmocka_unit_test(test_talk_links_follow_publication),
		cmocka_unit_test(test_changed_writes_audit_and_stamp),
		cmocka_unit_test(test_rollback_leaves_no_audit),
		cmocka_unit_test(test_full_database_is_noted),
		cmocka_unit_test(test_audit_titles_survive_a_reused_id),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_draft_waits_then_becomes_a_photo),
		cmocka_unit_test(test_draft_needs_alt_or_decorative),
		cmocka_unit_test(test_place_before_and_to_the_end),
		cmocka_unit_test(test_pick_press_photo_and_cover),
		cmocka_unit_test(test_edition_german_texts),
		cmocka_unit_test(test_photo_german_texts),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
