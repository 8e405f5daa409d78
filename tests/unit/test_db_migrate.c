/* db_migrate: the steps in order, one transaction each, a failing step
 * rolled back; `admin migrate`'s whole run (copy, newer and current
 * databases); and schema.sql equal to "version 1 + every migration" built
 * into the programs, from tests/fixtures/v1/site.db, which the first
 * release made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "db_migrate.h"
#include "testdb.h"

/* immutable: read without locks or a -shm file beside it (the fixture is
 * in WAL mode, as the first release left it). */
#define V1_FIXTURE "file:tests/fixtures/v1/site.db?immutable=1"

static char dir[64], path[128];

/* A copy of the version-1 fixture in a new temporary directory. */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_db_migrate_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/site.db", dir);
	sqlite3 *src = NULL, *dst = NULL;
	int rc = -1;
	if (sqlite3_open_v2(V1_FIXTURE, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			    NULL) == SQLITE_OK &&
	    sqlite3_open(path, &dst) == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
		rc = b && sqlite3_backup_step(b, -1) == SQLITE_DONE ? 0 : -1;
		sqlite3_backup_finish(b);
	}
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static sqlite3 *open_db(void)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return h;
}

static long long query(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int order[8], norder;

static void record(const struct db_migration *m, void *ctx)
{
	(void)ctx;
	if (norder < 8)
		order[norder++] = m->version;
}

/* ---- the steps ---- */

static const struct db_migration three[] = {
	{ 2, "002-notes.sql", "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL);" },
	{ 3, "003-note-rows.sql", "INSERT INTO note (text) SELECT title FROM edition;" },
	{ 4, "004-note-kind.sql", "ALTER TABLE note ADD COLUMN kind TEXT NOT NULL DEFAULT 'x';" },
};

static void test_steps_run_in_order(void **state)
{
	(void)state;
	char err[256] = "";
	sqlite3 *h = open_db();
	norder = 0;
	assert_int_equal(db_migrate_apply(h, three, 3, record, NULL, err, sizeof err), 4);
	assert_int_equal(norder, 3);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[2], 4);
	assert_int_equal(query(h, "PRAGMA user_version"), 4);
	assert_int_equal(query(h, "SELECT count(*) FROM note WHERE kind = 'x'"),
			 query(h, "SELECT count(*) FROM edition"));
	/* Again: nothing left to do. */
	norder = 0;
	assert_int_equal(db_migrate_apply(h, three, 3, record, NULL, err, sizeof err), 4);
	assert_int_equal(norder, 0);
	sqlite3_close(h);
}

/* Only the steps above the database's version run. */
static void test_steps_start_at_the_version(void **state)
{
	(void)state;
	char err[256] = "";
	sqlite3 *h = open_db();
	assert_int_equal(db_migrate_apply(h, three, 1, NULL, NULL, err, sizeof err), 2);
	norder = 0;
	assert_int_equal(db_migrate_apply(h, three, 3, record, NULL, err, sizeof err), 4);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 3);
	sqlite3_close(h);
}

/* A step that fails half-way leaves the version and data of the step
 * before it: its first statement is rolled back with the rest. */
static void test_failing_step_is_rolled_back(void **state)
{
	(void)state;
	static const struct db_migration bad[] = {
		{ 2, "002-ok.sql", "UPDATE site SET name = 'after 2';" },
		{ 3, "003-half.sql", "UPDATE site SET name = 'after 3';"
		  " DELETE FROM audit; INSERT INTO no_such_table VALUES (1);" },
		{ 4, "004-never.sql", "UPDATE site SET name = 'after 4';" },
	};
	char err[256] = "";
	sqlite3 *h = open_db();
	long long audit = query(h, "SELECT count(*) FROM audit");
	assert_true(audit > 0);
	assert_int_equal(db_migrate_apply(h, bad, 3, NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "003-half.sql"));
	assert_non_null(strstr(err, "no_such_table"));
	assert_int_equal(query(h, "PRAGMA user_version"), 2);
	assert_int_equal(query(h, "SELECT name = 'after 2' FROM site"), 1);
	assert_int_equal(query(h, "SELECT count(*) FROM audit"), audit);
	assert_int_equal(sqlite3_get_autocommit(h), 1);
	sqlite3_close(h);
}

/* Foreign keys are off while a step runs (a table rebuild needs that),
 * so a step that leaves a dangling reference is refused instead. */
static void test_dangling_foreign_key_is_refused(void **state)
{
	(void)state;
	static const struct db_migration dangling[] = {
		{ 2, "002-orphan.sql", "UPDATE photo SET edition_id = 999 WHERE id = 1;" },
	};
	char err[256] = "";
	sqlite3 *h = open_db();
	assert_int_equal(db_migrate_apply(h, dangling, 1, NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "foreign keys"));
	assert_int_equal(query(h, "PRAGMA user_version"), 1);
	assert_int_equal(query(h, "SELECT edition_id <> 999 FROM photo WHERE id = 1"), 1);
	sqlite3_close(h);
}

static void test_numbering_must_have_no_gap(void **state)
{
	(void)state;
	static const struct db_migration gap[] = {
		{ 2, "002-a.sql", "SELECT 1;" },
		{ 4, "004-b.sql", "SELECT 1;" },
	};
	char err[256] = "";
	assert_int_equal(db_migrate_check(three, 3, 1, err, sizeof err), 0);
	assert_int_equal(db_migrate_check(gap, 2, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "004-b.sql"));
	sqlite3 *h = open_db();
	assert_int_equal(db_migrate_apply(h, gap + 1, 1, NULL, NULL, err, sizeof err), -1);
	assert_int_equal(query(h, "PRAGMA user_version"), 1);
	sqlite3_close(h);
}

/* ---- the whole run ---- */

static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static void test_run_writes_a_copy_first(void **state)
{
	(void)state;
	struct db_migrate_result r;
	char err[512] = "";
	chmod(path, 0640);
	assert_int_equal(db_migrate_run(path, three, 3, NULL, NULL, &r, err, sizeof err),
			 DB_MIGRATE_UPGRADED);
	assert_int_equal(r.from, 1);
	assert_int_equal(r.to, 4);
	assert_int_equal(strncmp(r.backup, path, strlen(path)), 0);
	assert_non_null(strstr(r.backup, ".v1-"));
	struct stat st;
	assert_int_equal(stat(r.backup, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* The copy is the database as it was: version 1, no migration's table. */
	sqlite3 *c = NULL;
	assert_int_equal(sqlite3_open_v2(r.backup, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(query(c, "PRAGMA user_version"), 1);
	assert_int_equal(query(c, "SELECT count(*) FROM sqlite_master WHERE name = 'note'"), 0);
	assert_int_equal(query(c, "SELECT count(*) FROM edition"), 5);
	sqlite3_close(c);
}

/* A restore upgrades the database it unpacked: the backup file is the
 * copy, so nothing is written beside it. */
static void test_restored_database_is_upgraded_without_a_copy(void **state)
{
	(void)state;
	struct db_migrate_result r;
	char err[512] = "", cmd[256];
	assert_int_equal(db_migrate_restored(path, three, 3, &r, err, sizeof err),
			 DB_MIGRATE_UPGRADED);
	assert_int_equal(r.from, 1);
	assert_int_equal(r.to, 4);
	assert_string_equal(r.backup, "");
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q '[.]bak$'", dir);
	assert_int_not_equal(system(cmd), 0);
	sqlite3 *h = open_db();
	assert_int_equal(query(h, "PRAGMA user_version"), 4);
	sqlite3_close(h);
}

static void test_run_on_current_database_changes_nothing(void **state)
{
	(void)state;
	struct db_migrate_result r;
	char err[512] = "";
	assert_int_equal(db_migrate_run(path, three, 0, NULL, NULL, &r, err, sizeof err),
			 DB_MIGRATE_CURRENT);
	assert_int_equal(r.from, 1);
	assert_string_equal(r.backup, "");
}

static void test_run_refuses_a_newer_database(void **state)
{
	(void)state;
	struct db_migrate_result r;
	char err[512] = "";
	sqlite3 *h = open_db();
	assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
	long long changes = query(h, "PRAGMA data_version");
	assert_int_equal(db_migrate_run(path, three, 3, NULL, NULL, &r, err, sizeof err),
			 DB_MIGRATE_NEWER);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "nothing was changed"));
	assert_string_equal(r.backup, "");
	/* Another connection's commit would have moved data_version. */
	assert_int_equal(query(h, "PRAGMA data_version"), changes);
	assert_int_equal(query(h, "PRAGMA user_version"), 7);
	assert_int_equal(query(h, "SELECT count(*) FROM sqlite_master WHERE name = 'note'"), 0);
	sqlite3_close(h);
}

static void test_run_never_creates_a_database(void **state)
{
	(void)state;
	struct db_migrate_result r;
	char err[512] = "", missing[160];
	snprintf(missing, sizeof missing, "%s/typo.db", dir);
	assert_int_equal(db_migrate_run(missing, three, 3, NULL, NULL, &r, err, sizeof err),
			 DB_MIGRATE_FAILED);
	assert_false(file_exists(missing));
}

/* ---- schema.sql = version 1 + every migration ---- */

/* SQL text with comments dropped, identifiers unquoted (a table rebuilt
 * by RENAME is stored as "name") and white space only where two words
 * meet: ALTER TABLE ADD COLUMN and schema.sql lay the same table out
 * differently. */
static void normalise(const char *in, struct buf *out)
{
	int space = 0;
	for (const char *s = in; *s; s++) {
		if (s[0] == '-' && s[1] == '-') {
			while (*s && *s != '\n')
				s++;
			if (!*s)
				break;
		}
		if (isspace((unsigned char)*s)) {
			space = 1;
			continue;
		}
		if (*s == '"')
			continue;
		int punct = strchr("(),;", *s) != NULL;
		int last_punct = out->len && strchr("(),;", out->data[out->len - 1]);
		if (space && out->len && !punct && !last_punct)
			buf_putc(out, ' ');
		space = 0;
		buf_putc(out, *s);
	}
	buf_puts(out, "");
}

/* Every schema object as "type name tbl_name: sql", one per line. */
static char *schema_of(sqlite3 *h)
{
	sqlite3_stmt *st;
	struct buf b = BUF_INIT;
	assert_int_equal(sqlite3_prepare_v2(h,
		"SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master"
		" ORDER BY type, name", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_printf(&b, "%s %s %s: ", sqlite3_column_text(st, 0),
			   sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
		normalise((const char *)sqlite3_column_text(st, 3), &b);
		buf_puts(&b, "\n");
	}
	sqlite3_finalize(st);
	return b.data;
}

static void test_schema_sql_is_v1_plus_migrations(void **state)
{
	(void)state;
	char fresh_dir[] = "/tmp/test_db_migrate_fresh_XXXXXX", fresh[128];
	char err[512] = "";
	assert_int_equal(testdb_create(fresh_dir, fresh, sizeof fresh, NULL), 0);
	sqlite3 *f = NULL, *h = open_db();
	assert_int_equal(sqlite3_open(fresh, &f), SQLITE_OK);
	assert_int_equal(db_migrate_apply(h, db_migrate_builtin,
			 db_migrate_builtin_count, NULL, NULL, err, sizeof err),
			 DB_SCHEMA_VERSION);
	assert_int_equal(query(f, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	char *want = schema_of(f), *got = schema_of(h);
	if (strcmp(want, got) != 0)
		fail_msg("schema.sql:\n%s\nversion 1 + migrations:\n%s", want, got);
	assert_int_equal(query(h, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	free(want);
	free(got);
	sqlite3_close(f);
	sqlite3_close(h);
	unlink(fresh);
	rmdir(fresh_dir);
}

/* The built-in list is what the runner expects (schema/embed.sh checks
 * the same when it builds it). */
static void test_builtin_list_is_numbered(void **state)
{
	(void)state;
	char err[256] = "";
	assert_int_equal(db_migrate_check(db_migrate_builtin, db_migrate_builtin_count,
					  DB_MIGRATE_FIRST_VERSION, err, sizeof err), 0);
	assert_int_equal(db_schema_version,
			 DB_MIGRATE_FIRST_VERSION + db_migrate_builtin_count);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_steps_run_in_order),
		T(test_steps_start_at_the_version),
		T(test_failing_step_is_rolled_back),
		T(test_dangling_foreign_key_is_refused),
		T(test_numbering_must_have_no_gap),
		T(test_run_writes_a_copy_first),
		T(test_restored_database_is_upgraded_without_a_copy),
		T(test_run_on_current_database_changes_nothing),
		T(test_run_refuses_a_newer_database),
		T(test_run_never_creates_a_database),
		T(test_schema_sql_is_v1_plus_migrations),
		cmocka_unit_test(test_builtin_list_is_numbered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
