/* backup: one tar file holds the site; restore makes it again, all or
 * nothing, trusting nothing in the archive but what the manifest and the
 * hashes vouch for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>

#include <sodium.h>

#include "backup.h"
#include "db_migrate.h"
#include "ops_fixture.h"

static struct ops_site site;
static char out[128];          /* a directory for archives and restores */

static int setup(void **state)
{
	(void)state;
	if (ops_site_make(&site, "test_backup") < 0)
		return -1;
	snprintf(out, sizeof out, "/tmp/test_backup_out.XXXXXX");
	return mkdtemp(out) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ops_site_remove(&site);
	tree_remove(out);
	return 0;
}

static void in_out(const char *rel, char p[TREE_PATH_MAX])
{
	ops_join(p, out, rel);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, ".."));
	if (d)
		closedir(d);
	return n;
}

static void same_file(const char *a, const char *b)
{
	char ha[65], hb[65];
	long long na, nb;
	assert_int_equal(backup_file_sha256(a, ha, &na), 0);
	assert_int_equal(backup_file_sha256(b, hb, &nb), 0);
	assert_int_equal(na, nb);
	assert_string_equal(ha, hb);
}

static void make_backup(const char *name, char path[TREE_PATH_MAX])
{
	struct backup_report r;
	char err[256] = "";
	in_out(name, path);
	assert_int_equal(backup_create(site.db, path, &r, err, sizeof err), 0);
}

static void put_entry(struct archive *a, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0640);
	archive_write_header(a, e);
	archive_write_data(a, data, len);
	archive_entry_free(e);
}

static struct archive *tar_open(const char *path)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	return a;
}

static void tar_close(struct archive *a)
{
	archive_write_close(a);
	archive_write_free(a);
}

/* A tar of our own: the manifest text, then (name, data) pairs. */
static void write_tar(const char *path, const char *manifest, const char *const *files, int n)
{
	struct archive *a = tar_open(path);
	put_entry(a, BACKUP_MANIFEST, manifest, strlen(manifest));
	for (int i = 0; i < n; i++)
		put_entry(a, files[2 * i], files[2 * i + 1], strlen(files[2 * i + 1]));
	tar_close(a);
}

static void sha_of(const char *s, char hex[65])
{
	unsigned char d[32];
	crypto_hash_sha256(d, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(hex, 65, d, sizeof d);
}

static void backup_reports_what_it_wrote(void **state)
{
	(void)state;
	struct backup_report r;
	char path[TREE_PATH_MAX], err[256] = "", hex[65];
	long long bytes;
	in_out("report.tar", path);
	assert_int_equal(backup_create(site.db, path, &r, err, sizeof err), 0);
	assert_int_equal(r.files, 3);
	assert_int_equal(r.file_bytes, site.pdf.bytes + site.web.bytes + site.thumb.bytes);
	assert_int_equal(backup_file_sha256(path, hex, &bytes), 0);
	assert_string_equal(r.sha256, hex);
	assert_int_equal(r.archive_bytes, bytes);
}

static void manifest_comes_first_and_lists_sizes_and_hashes(void **state)
{
	(void)state;
	char path[TREE_PATH_MAX], line[256];
	make_backup("manifest.tar", path);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
	assert_string_equal(archive_entry_pathname(e), BACKUP_MANIFEST);
	char text[4096] = "";
	archive_read_data(a, text, sizeof text - 1);
	archive_read_free(a);
	assert_true(strncmp(text, BACKUP_MAGIC "\n", strlen(BACKUP_MAGIC) + 1) == 0);
	snprintf(line, sizeof line, "%s %lld media/%s\n", site.pdf.sha256, site.pdf.bytes,
		 site.pdf.path);
	assert_non_null(strstr(text, line));
	assert_non_null(strstr(text, " site.db\n"));
}

static void restore_makes_the_same_site(void **state)
{
	(void)state;
	struct backup_restore_report r;
	char tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], a[TREE_PATH_MAX], b[TREE_PATH_MAX];
	char err[256] = "", rel[160];
	make_backup("same.tar", tar);
	in_out("same", dir);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), 0);
	assert_int_equal(r.files, 3);
	assert_int_equal(r.replaced, 0);
	const struct store_file *fs[] = { &site.pdf, &site.web, &site.thumb };
	for (int i = 0; i < 3; i++) {
		snprintf(rel, sizeof rel, "media/%s", fs[i]->path);
		ops_path(&site, rel, a);
		ops_join(b, dir, rel);
		same_file(a, b);
	}
	struct stat st;
	ops_join(b, dir, "media/tmp");
	assert_int_equal(stat(b, &st), 0);
	ops_join(b, dir, "run");
	assert_int_equal(stat(b, &st), 0);
}

static void restored_database_is_the_snapshot(void **state)
{
	(void)state;
	struct backup_restore_report r;
	char tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], db[TREE_PATH_MAX], err[256] = "";
	make_backup("db.tar", tar);
	/* A change after the backup is not in it. */
	assert_int_equal(ops_sql(site.db, "UPDATE edition SET title = 'Later' WHERE id = 1"), 0);
	in_out("db", dir);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), 0);
	ops_join(db, dir, "site.db");
	sqlite3 *h;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_prepare_v2(h, "SELECT title FROM edition WHERE id = 1", -1, &q, NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "S 2023");
	sqlite3_finalize(q);
	sqlite3_close(h);
	ops_sql(site.db, "UPDATE edition SET title = 'S 2023' WHERE id = 1");
}

static void gzip_name_gives_a_compressed_backup_that_restores(void **state)
{
	(void)state;
	struct backup_restore_report r;
	char tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], err[256] = "";
	unsigned char magic[2] = { 0 };
	make_backup("z.tar.gz", tar);
	FILE *f = fopen(tar, "rb");
	assert_non_null(f);
	assert_int_equal(fread(magic, 1, 2, f), 2);
	fclose(f);
	assert_int_equal(magic[0], 0x1f);
	assert_int_equal(magic[1], 0x8b);
	in_out("z", dir);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), 0);
}

static void restore_refuses_a_nonempty_directory_without_force(void **state)
{
	(void)state;
	struct backup_restore_report r;
	char tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], keep[TREE_PATH_MAX], err[256] = "";
	make_backup("force.tar", tar);
	in_out("full", dir);
	mkdir(dir, 0750);
	ops_join(keep, dir, "keep.txt");
	FILE *f = fopen(keep, "w");
	fputs("mine", f);
	fclose(f);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "not empty"));
	assert_int_equal(access(keep, F_OK), 0);
	assert_int_equal(backup_restore(tar, dir, 1, NULL, NULL, &r, err, sizeof err), 0);
	assert_int_equal(r.replaced, 1);
	assert_int_equal(access(keep, F_OK), -1);
}

static void restore_into_an_empty_directory_is_allowed(void **state)
{
	(void)state;
	struct backup_restore_report r;
	char tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], err[256] = "";
	make_backup("empty.tar", tar);
	in_out("emptydir", dir);
	mkdir(dir, 0750);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), 0);
}

/* Nothing of a failed restore may stay: no target, no temp directory. */
static void assert_nothing_left(const char *dir, int before)
{
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(count_entries(out), before);
}

/* A crafted archive (manifest text, name/data pairs) must be refused
 * with a message containing why, leaving nothing behind. */
static void refused(const char *manifest, const char *const *files, int n, const char *why)
{
	char tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], err[256] = "";
	struct backup_restore_report r;
	in_out("crafted.tar", tar);
	write_tar(tar, manifest, files, n);
	in_out("crafted", dir);
	int before = count_entries(out);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, why));
	assert_nothing_left(dir, before);
	unlink(tar);
}

static void restore_refuses_a_damaged_file(void **state)
{
	(void)state;
	char manifest[512], sha[65];
	sha_of("real", sha);
	snprintf(manifest, sizeof manifest, BACKUP_MAGIC "\n%s 4 site.db\n", sha);
	const char *files[] = { "site.db", "fake" };
	refused(manifest, files, 1, "SHA-256");
}

static void restore_refuses_names_outside_the_layout(void **state)
{
	(void)state;
	char manifest[512], sha[65];
	sha_of("x", sha);
	snprintf(manifest, sizeof manifest, BACKUP_MAGIC "\n%s 1 site.db\n%s 1 ../evil\n", sha, sha);
	const char *files[] = { "site.db", "x", "../evil", "x" };
	refused(manifest, files, 2, "malformed");
}

static void restore_refuses_entries_the_manifest_lacks(void **state)
{
	(void)state;
	char manifest[512], sha[65], extra[128];
	sha_of("x", sha);
	snprintf(manifest, sizeof manifest, BACKUP_MAGIC "\n%s 1 site.db\n", sha);
	snprintf(extra, sizeof extra, "media/%s", site.pdf.path);
	const char *files[] = { "site.db", "x", extra, "x" };
	refused(manifest, files, 2, "not in the manifest");
}

static void restore_refuses_a_missing_entry(void **state)
{
	(void)state;
	char manifest[512], sha[65];
	sha_of("x", sha);
	snprintf(manifest, sizeof manifest, BACKUP_MAGIC "\n%s 1 site.db\n%s 1 media/%s\n",
		 sha, sha, site.pdf.path);
	const char *files[] = { "site.db", "x" };
	refused(manifest, files, 1, "not in the archive");
}

static int refuse(void *ctx, const char *dir, char *err, size_t errsz)
{
	(void)ctx, (void)dir;
	snprintf(err, errsz, "no thanks");
	return -1;
}

static void a_failing_finish_changes_nothing(void **state)
{
	(void)state;
	struct backup_restore_report r;
	char tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], err[256] = "";
	make_backup("finish.tar", tar);
	in_out("finish", dir);
	int before = count_entries(out);
	assert_int_equal(backup_restore(tar, dir, 0, refuse, NULL, &r, err, sizeof err), -1);
	assert_string_equal(err, "no thanks");
	assert_nothing_left(dir, before);
}

static void backup_fails_on_a_missing_file_and_leaves_nothing(void **state)
{
	(void)state;
	struct backup_report r;
	char tar[TREE_PATH_MAX], file[TREE_PATH_MAX], hidden[TREE_PATH_MAX], err[256] = "";
	char rel[160];
	snprintf(rel, sizeof rel, "media/%s", site.thumb.path);
	ops_path(&site, rel, file);
	if (snprintf(hidden, sizeof hidden, "%s.hidden", file) >= (int)sizeof hidden)
		abort();
	assert_int_equal(rename(file, hidden), 0);
	in_out("missing.tar", tar);
	int before = count_entries(out);
	assert_int_equal(backup_create(site.db, tar, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, site.thumb.path));
	assert_int_equal(count_entries(out), before);
	rename(hidden, file);
}

static void backup_fails_on_a_changed_file(void **state)
{
	(void)state;
	struct backup_report r;
	char tar[TREE_PATH_MAX], file[TREE_PATH_MAX], err[256] = "", rel[160];
	snprintf(rel, sizeof rel, "media/%s", site.web.path);
	ops_path(&site, rel, file);
	FILE *f = fopen(file, "r+");
	fputc('L', f);          /* same size, other bytes */
	fclose(f);
	in_out("changed.tar", tar);
	assert_int_equal(backup_create(site.db, tar, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "SHA-256"));
	f = fopen(file, "r+");
	fputc('l', f);
	fclose(f);
}

/* ---- backups of other releases ---- */

/* The first release's backup (tests/fixtures/v1-backup/, written by that
 * release's own `admin backup`) and sites of schema version 1. */
#define V1_BACKUP  "tests/fixtures/v1-backup/site-v1.tar"
#define V1_SITE    "tests/fixtures/v1"
#define V1_FILES   26

static int user_version(const char *db)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *q = NULL;
	int v = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(h);
	return v;
}

/* dir restored from an earlier release's backup: upgraded to this
 * release's schema, with no copy of the old database beside it. */
static void assert_upgraded(const char *dir, const struct backup_restore_report *r)
{
	char db[TREE_PATH_MAX], cmd[TREE_PATH_MAX + 64];
	assert_int_equal(r->schema_from, 1);
	assert_int_equal(r->schema_to, db_schema_version);
	ops_join(db, dir, "site.db");
	assert_int_equal(user_version(db), db_schema_version);
	snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '[.]bak$'", dir);
	assert_int_not_equal(system(cmd), 0);
}

static void restore_upgrades_a_backup_of_the_first_release(void **state)
{
	(void)state;
	struct backup_restore_report r;
	char dir[TREE_PATH_MAX], err[512] = "";
	in_out("v1", dir);
	assert_int_equal(backup_restore(V1_BACKUP, dir, 0, NULL, NULL, &r, err, sizeof err), 0);
	assert_int_equal(r.files, V1_FILES);
	assert_upgraded(dir, &r);
}

static void backup_takes_a_site_of_an_earlier_release_as_it_is(void **state)
{
	(void)state;
	struct backup_report b;
	struct backup_restore_report r;
	char copy[TREE_PATH_MAX], db[TREE_PATH_MAX], tar[TREE_PATH_MAX], dir[TREE_PATH_MAX];
	char cmd[2 * TREE_PATH_MAX], err[512] = "";
	in_out("v1site", copy);
	snprintf(cmd, sizeof cmd, "cp -R '%s' '%s'", V1_SITE, copy);
	assert_int_equal(system(cmd), 0);
	ops_join(db, copy, "site.db");
	in_out("v1.tar", tar);
	assert_int_equal(backup_create(db, tar, &b, err, sizeof err), 0);
	assert_int_equal(b.files, V1_FILES);
	assert_int_equal(user_version(db), 1);         /* the site itself untouched */
	in_out("v1again", dir);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), 0);
	assert_upgraded(dir, &r);
}

static void backup_refuses_a_later_release(void **state)
{
	(void)state;
	struct backup_report b;
	char tar[TREE_PATH_MAX], sql[64], err[512] = "";
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version + 1);
	assert_int_equal(ops_sql(site.db, sql), 0);
	in_out("later.tar", tar);
	int before = count_entries(out);
	int rc = backup_create(site.db, tar, &b, err, sizeof err);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version);
	ops_sql(site.db, sql);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "newer than this release's"));
	assert_int_equal(count_entries(out), before);
}

/* A backup whose database says a later schema version: refused with the
 * reason, nothing written. */
static void restore_refuses_a_backup_of_a_later_release(void **state)
{
	(void)state;
	char later[TREE_PATH_MAX], tar[TREE_PATH_MAX], dir[TREE_PATH_MAX], sql[64];
	char manifest[512], sha[65], err[512] = "";
	struct backup_restore_report r;
	long long bytes;
	in_out("later.db", later);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version + 1);
	assert_int_equal(ops_sql(later, sql), 0);
	assert_int_equal(backup_file_sha256(later, sha, &bytes), 0);
	FILE *f = fopen(later, "rb");
	assert_non_null(f);
	char *data = malloc((size_t)bytes);
	assert_int_equal(fread(data, 1, (size_t)bytes, f), (size_t)bytes);
	fclose(f);
	snprintf(manifest, sizeof manifest, BACKUP_MAGIC "\n%s %lld site.db\n", sha, bytes);
	in_out("later-backup.tar", tar);
	struct archive *a = tar_open(tar);
	put_entry(a, BACKUP_MANIFEST, manifest, strlen(manifest));
	put_entry(a, "site.db", data, (size_t)bytes);
	tar_close(a);
	free(data);
	in_out("later", dir);
	int before = count_entries(out);
	assert_int_equal(backup_restore(tar, dir, 0, NULL, NULL, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "newer than this release's"));
	assert_non_null(strstr(err, "later release"));
	assert_nothing_left(dir, before);
}

static void media_names(void **state)
{
	(void)state;
	char ok[96];
	snprintf(ok, sizeof ok, "ab/ab%062d.jpg", 0);
	assert_true(backup_media_name(ok));
	ok[0] = 'c';
	assert_false(backup_media_name(ok));                /* not its hash's directory */
	assert_false(backup_media_name("ab/../x.jpg"));
	snprintf(ok, sizeof ok, "ab/ab%062d.JPG", 0);
	assert_false(backup_media_name(ok));
	snprintf(ok, sizeof ok, "ab/ab%062d.", 0);
	assert_false(backup_media_name(ok));
	snprintf(ok, sizeof ok, "ab/ab%062d.abcdefghi", 0);
	assert_false(backup_media_name(ok));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backup_reports_what_it_wrote),
		cmocka_unit_test(manifest_comes_first_and_lists_sizes_and_hashes),
		cmocka_unit_test(restore_makes_the_same_site),
		cmocka_unit_test(restored_database_is_the_snapshot),
		cmocka_unit_test(gzip_name_gives_a_compressed_backup_that_restores),
		cmocka_unit_test(restore_refuses_a_nonempty_directory_without_force),
		cmocka_unit_test(restore_into_an_empty_directory_is_allowed),
		cmocka_unit_test(restore_refuses_a_damaged_file),
		cmocka_unit_test(restore_refuses_names_outside_the_layout),
		cmocka_unit_test(restore_refuses_entries_the_manifest_lacks),
		cmocka_unit_test(restore_refuses_a_missing_entry),
		cmocka_unit_test(a_failing_finish_changes_nothing),
		cmocka_unit_test(backup_fails_on_a_missing_file_and_leaves_nothing),
		cmocka_unit_test(backup_fails_on_a_changed_file),
		cmocka_unit_test(restore_upgrades_a_backup_of_the_first_release),
		cmocka_unit_test(backup_takes_a_site_of_an_earlier_release_as_it_is),
		cmocka_unit_test(backup_refuses_a_later_release),
		cmocka_unit_test(restore_refuses_a_backup_of_a_later_release),
		cmocka_unit_test(media_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
