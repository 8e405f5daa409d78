/* home (cgi-bin/home.c) run as a plain CGI program against the fixture
 * database: the pages made of the layout alone (/imprint, /privacy and an
 * empty site's /) answer 500 with the error logged when the database
 * fails, never 404; an unpublished edition is a preview for a logged-in
 * admin's cookie only, never kept, and a request without the cookie asks
 * nothing about sessions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>

#include "auth.h"
#include "db.h"
#include "site_fixture.h"

#ifndef TEST_BIN_DIR
#define TEST_BIN_DIR "cgi-bin"
#endif

static char *db_file;

static int setup(void **state)
{
	(void)state;
	db_file = fixture_db();
	return db_file ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fixture_remove(db_file);
	return 0;
}

/* The whole contents of fd from the start, into out (NUL-terminated). */
static void read_back(int fd, char *out, size_t n)
{
	ssize_t len = pread(fd, out, n - 1, 0);
	out[len > 0 ? len : 0] = '\0';
	close(fd);
}

/* GET path from home as plain CGI, with a Cookie header unless cookie is
 * NULL: its stdout and stderr. */
static void get_as(const char *path, const char *cookie, char *out, size_t n,
		   char *err, size_t en)
{
	char uri[256], dbenv[512], cookies[256];
	FILE *o = tmpfile(), *e = tmpfile();
	assert_non_null(o);
	assert_non_null(e);
	snprintf(uri, sizeof uri, "REQUEST_URI=%s", path);
	snprintf(dbenv, sizeof dbenv, "SITE_DB=%s", db_file);
	snprintf(cookies, sizeof cookies, "HTTP_COOKIE=%s", cookie ? cookie : "");
	char *env[] = { "GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
			"SERVER_PROTOCOL=HTTP/1.1", uri, dbenv,
			"SITE_TEMPLATES=templates", cookie ? cookies : NULL, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(fileno(o), 1);
		dup2(fileno(e), 2);
		execle(TEST_BIN_DIR "/home", "home", (char *)NULL, env);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	read_back(dup(fileno(o)), out, n);
	read_back(dup(fileno(e)), err, en);
	fclose(o);
	fclose(e);
}

static void get(const char *path, char *out, size_t n, char *err, size_t en)
{
	get_as(path, NULL, out, n, err, en);
}

static void assert_status(const char *out, const char *status)
{
	if (strncmp(out, status, strlen(status)) != 0)
		fail_msg("expected %s, got: %.200s", status, out);
}

static void test_imprint_is_200(void **state)
{
	(void)state;
	char out[65536], err[4096];
	get("/imprint", out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 200");
}

static void test_broken_database_is_500_not_404(void **state)
{
	(void)state;
	static const char *const paths[] = { "/imprint", "/privacy", "/" };
	char out[65536], err[4096];
	/* An empty site's / is the layout alone too. */
	assert_int_equal(fixture_exec(db_file,
		"DELETE FROM edition; DROP TABLE site"), SQLITE_OK);
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		get(paths[i], out, sizeof out, err, sizeof err);
		assert_status(out, "Status: 500");
		if (!strstr(err, "no such table: site"))
			fail_msg("%s: not logged: %s", paths[i], err);
	}
}

/* With a base URL, each page names its absolute address; the error page
 * names none. */
static void test_canonical_is_base_url_and_path(void **state)
{
	(void)state;
	char out[65536], err[4096];
	assert_int_equal(fixture_exec(db_file,
		"UPDATE site SET base_url = 'https://sym.example/x'"), SQLITE_OK);
	get("/imprint", out, sizeof out, err, sizeof err);
	assert_non_null(strstr(out, "<link rel=\"canonical\" href=\"https://sym.example/x/imprint\">"));
	get("/no-such-page", out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 404");
	assert_null(strstr(out, "rel=\"canonical\""));
}

/* Without one, no canonical link at all (page_canonical says why). */
static void test_no_base_url_no_canonical(void **state)
{
	(void)state;
	char out[65536], err[4096];
	assert_int_equal(fixture_exec(db_file, "UPDATE site SET base_url = ''"), SQLITE_OK);
	get("/privacy", out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 200");
	assert_null(strstr(out, "rel=\"canonical\""));
}

static void assert_has(const char *hay, const char *needle, int want)
{
	if (!strstr(hay, needle) != !want)
		fail_msg("%s \"%s\" in: %.300s", want ? "no" : "unexpected", needle, hay);
}

/* A session of a new admin, made as the admin program makes it: the
 * cookie header "__Host-sid=ID" into out. */
static void admin_cookie(char *out, size_t n)
{
	struct auth_session s;
	assert_int_equal(db_open(db_file, DB_READWRITE), 0);
	assert_int_equal(auth_user_add("alice", "correct horse battery"), AUTH_USER_OK);
	assert_int_equal(auth_login("alice", "correct horse battery", "127.0.0.1",
				    time(NULL), &s), AUTH_OK);
	db_close();
	snprintf(out, n, AUTH_COOKIE_NAME "=%s", s.id);
}

static void test_preview_for_an_admin_only(void **state)
{
	(void)state;
	char out[65536], err[4096], cookie[128];
	admin_cookie(cookie, sizeof cookie);
	get_as("/2025/", cookie, out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 200");
	assert_has(out, "Cache-Control: private, no-store\r\n", 1);
	assert_has(out, "X-Accel-Expires: 0\r\n", 1);
	assert_has(out, "ETag:", 0);
	assert_has(out, "Preview – not public", 1);
	assert_has(out, "<meta name=\"robots\" content=\"noindex\">", 1);
	assert_has(out, "href=\"/admin/2025/\"", 1);
	/* The session was read, not touched: the public program cannot write. */
	assert_has(err, "database", 0);
	get("/2025/", out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 404");
	assert_has(out, "Preview", 0);
	get_as("/2025/", AUTH_COOKIE_NAME "=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	       out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 404");
	/* A published edition is the public page for the admin too. */
	get_as("/2023/", cookie, out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 200");
	assert_has(out, "Cache-Control: public", 1);
	assert_has(out, "Preview – not public", 0);
}

/* Without the cookie not a statement about sessions runs: with the
 * session table gone, a visitor's 404 logs nothing, while a request with
 * a cookie shows the read it makes. */
static void test_no_session_query_without_the_cookie(void **state)
{
	(void)state;
	char out[65536], err[4096];
	assert_int_equal(fixture_exec(db_file, "ALTER TABLE session RENAME TO gone"), SQLITE_OK);
	get("/2025/", out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 404");
	assert_string_equal(err, "");
	get_as("/2025/", "theme=dark; other=1", out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 404");
	assert_string_equal(err, "");
	get_as("/2025/", AUTH_COOKIE_NAME "=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	       out, sizeof out, err, sizeof err);
	assert_status(out, "Status: 404");
	assert_has(err, "no such table: session", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_imprint_is_200, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_database_is_500_not_404,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_canonical_is_base_url_and_path,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_base_url_no_canonical,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_for_an_admin_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_session_query_without_the_cookie,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
