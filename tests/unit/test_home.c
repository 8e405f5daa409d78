/* home (cgi-bin/home.c) run as a plain CGI program against the fixture
 * database: the pages made of the layout alone (/imprint, /privacy and an
 * empty site's /) answer 500 with the error logged when the database
 * fails, never 404. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>

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

/* GET path from home as plain CGI: its stdout and stderr. */
static void get(const char *path, char *out, size_t n, char *err, size_t en)
{
	char uri[256], dbenv[512];
	FILE *o = tmpfile(), *e = tmpfile();
	assert_non_null(o);
	assert_non_null(e);
	snprintf(uri, sizeof uri, "REQUEST_URI=%s", path);
	snprintf(dbenv, sizeof dbenv, "SITE_DB=%s", db_file);
	char *env[] = { "GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
			"SERVER_PROTOCOL=HTTP/1.1", uri, dbenv,
			"SITE_TEMPLATES=templates", NULL };
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
