/* Tests for lib/serve.c, through serve_main() in child processes: option
 * parsing, plain CGI mode, and FastCGI on a socket passed as stdin (the
 * spawn-fcgi mode) for the render cache, body draining and SIGTERM. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

extern char **environ;

/* ---- the page under test (runs in the children) ---- */

static char version_file[64];
static int renders;

static int t_init(void) { return 0; }
static int t_open(void) { return 0; }

static int t_init_fails(void)
{
	fputs("init failed\n", stderr);
	return -1;
}

static long long t_version(void)
{
	long long v = 0;
	FILE *f = fopen(version_file, "r");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static void t_handle(struct http_req *r, struct http_resp *w)
{
	char n[32];
	snprintf(n, sizeof n, "%d", ++renders);
	http_resp_header(w, "X-Render", n);
	if (strcmp(r->path, "/cfg") == 0) {
		buf_printf(&w->body, "db=%s t=%s w=%d", serve_cfg.db_path,
			   serve_cfg.templates_dir, serve_cfg.workers);
	} else if (r->method == HTTP_POST) {
		char tmp[4];
		int got, total = 0;
		while ((got = r->body_read(r->body_io, tmp, sizeof tmp)) > 0)
			total += got;
		buf_printf(&w->body, "read %d", total);
	} else {
		buf_printf(&w->body, "page %s?%s", r->path, r->query);
		w->cacheable = strcmp(r->path, "/nocache") != 0;
		w->last_modified = 1700000000;
	}
}

static void t_error(struct http_req *r, struct http_resp *w, int status)
{
	(void)r;
	w->status = status;
	buf_printf(&w->body, "error %d", status);
}

static const struct serve_page public_page = {
	"test", t_init, t_open, t_handle, t_error, t_version, NULL, NULL };
static const struct serve_page admin_page = {
	"test-admin", t_init, t_open, t_handle, t_error, NULL, NULL, NULL };
static const struct serve_page broken_page = {
	"test-broken", t_init_fails, t_open, t_handle, t_error, t_version, NULL, NULL };

/* ---- plain CGI children ---- */

static void child_stderr_quiet(void)
{
	int fd = open("/dev/null", O_WRONLY);
	if (fd >= 0)
		dup2(fd, 2);
}

/* Run serve_main(argv) with env as its whole environment and in as its
 * stdin; its stdout into out.  The exit status, or -1. */
static int run_cgi(const struct serve_page *pg, char **argv, char **env,
		   const char *in, struct buf *out)
{
	int pin[2], pout[2], st;
	char tmp[4096];
	ssize_t n;
	if (pipe(pin) < 0 || pipe(pout) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		close(pin[1]);
		close(pout[0]);
		child_stderr_quiet();
		environ = env;
		int argc = 0;
		while (argv[argc])
			argc++;
		exit(serve_main(argc, argv, pg));
	}
	close(pin[0]);
	close(pout[1]);
	if (in && write(pin[1], in, strlen(in)) < 0)
		return -1;
	close(pin[1]);
	while ((n = read(pout[0], tmp, sizeof tmp)) > 0)
		buf_put(out, tmp, (size_t)n);
	close(pout[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int cgi_status(char **argv)
{
	struct buf out = BUF_INIT;
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	int rc = run_cgi(&public_page, argv, env, NULL, &out);
	buf_free(&out);
	return rc;
}

static void test_args_unknown_option(void **state)
{
	(void)state;
	char *argv[] = { "t", "--nope", NULL };
	assert_int_equal(cgi_status(argv), 2);
}

static void test_args_workers_range(void **state)
{
	(void)state;
	char *zero[] = { "t", "--workers", "0", NULL };
	char *many[] = { "t", "--workers=65", NULL };
	char *junk[] = { "t", "--workers", "2x", NULL };
	char *missing[] = { "t", "--workers", NULL };
	assert_int_equal(cgi_status(zero), 2);
	assert_int_equal(cgi_status(many), 2);
	assert_int_equal(cgi_status(junk), 2);
	assert_int_equal(cgi_status(missing), 2);
}

static void test_args_stray_argument(void **state)
{
	(void)state;
	char *argv[] = { "t", "serve", NULL };
	assert_int_equal(cgi_status(argv), 2);
}

static void test_args_reach_config(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", "--db=/x.db", "--templates", "/tpl", "--workers", "64", NULL };
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/cfg", "SITE_DB=/env.db", NULL };
	assert_int_equal(run_cgi(&public_page, argv, env, NULL, &out), 0);
	assert_non_null(strstr(out.data, "\r\n\r\ndb=/x.db t=/tpl w=64"));
	buf_free(&out);
}

static void test_env_defaults(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", NULL };
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/cfg", "SITE_DB=/env.db",
			"SITE_TEMPLATES=/env-tpl", NULL };
	assert_int_equal(run_cgi(&public_page, argv, env, NULL, &out), 0);
	assert_non_null(strstr(out.data, "\r\n\r\ndb=/env.db t=/env-tpl w=2"));
	buf_free(&out);
}

static void test_init_failure_exits_1(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", NULL };
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	assert_int_equal(run_cgi(&broken_page, argv, env, NULL, &out), 1);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void test_cgi_get(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", NULL };
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/2023/?page=2",
			"QUERY_STRING=page=2", NULL };
	assert_int_equal(run_cgi(&public_page, argv, env, NULL, &out), 0);
	assert_int_equal(strncmp(out.data, "Status: 200 OK\r\n", 16), 0);
	assert_non_null(strstr(out.data, "\r\nETag: \""));
	assert_non_null(strstr(out.data, "\r\n\r\npage /2023/?page=2"));
	buf_free(&out);
}

static void test_cgi_head(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", NULL };
	char *env[] = { "REQUEST_METHOD=HEAD", "REQUEST_URI=/x", NULL };
	assert_int_equal(run_cgi(&public_page, argv, env, NULL, &out), 0);
	assert_non_null(strstr(out.data, "\r\nContent-Length: 8\r\n"));   /* "page /x?" */
	assert_int_equal(strcmp(out.data + out.len - 4, "\r\n\r\n"), 0);
	buf_free(&out);
}

static void test_cgi_post_to_public_page_is_405(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", NULL };
	char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x", "CONTENT_LENGTH=3", NULL };
	assert_int_equal(run_cgi(&public_page, argv, env, "a=b", &out), 0);
	assert_int_equal(strncmp(out.data, "Status: 405 Method Not Allowed\r\n", 32), 0);
	assert_non_null(strstr(out.data, "\r\nAllow: GET, HEAD\r\n"));
	buf_free(&out);
}

/* RFC 3875 4.2: exactly CONTENT_LENGTH bytes, however much stdin holds. */
static void test_cgi_post_reads_content_length(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", NULL };
	char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/x", "CONTENT_LENGTH=5", NULL };
	assert_int_equal(run_cgi(&admin_page, argv, env, "hello world", &out), 0);
	assert_non_null(strstr(out.data, "\r\n\r\nread 5"));
	buf_free(&out);
}

static void test_cgi_bad_path_goes_to_error(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char *argv[] = { "t", NULL };
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a/../b", NULL };
	assert_int_equal(run_cgi(&public_page, argv, env, NULL, &out), 0);
	assert_int_equal(strncmp(out.data, "Status: 400 Bad Request\r\n", 25), 0);
	assert_non_null(strstr(out.data, "\r\n\r\nerror 400"));
	assert_null(strstr(out.data, "X-Render"));      /* the handler never ran */
	buf_free(&out);
}

/* ---- FastCGI on stdin: a fresh server per test ---- */

static char sock_path[108];
static pid_t fcgi_pid;

static void set_version(long long v)
{
	FILE *f = fopen(version_file, "w");
	assert_non_null(f);
	fprintf(f, "%lld\n", v);
	fclose(f);
}

static int fcgi_start(void **state)
{
	(void)state;
	struct sockaddr_un sa;
	snprintf(sock_path, sizeof sock_path, "/tmp/test_serve_%ld.sock", (long)getpid());
	snprintf(version_file, sizeof version_file, "/tmp/test_serve_%ld.ver", (long)getpid());
	set_version(1);
	signal(SIGPIPE, SIG_IGN);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 16) < 0)
		return -1;
	fcgi_pid = fork();
	if (fcgi_pid == 0) {
		static char *env[] = { NULL };
		char *argv[] = { "t", NULL };
		dup2(s, 0);
		close(s);
		child_stderr_quiet();
		environ = env;
		exit(serve_main(1, argv, &public_page));
	}
	close(s);
	return fcgi_pid > 0 ? 0 : -1;
}

static int fcgi_stop(void **state)
{
	(void)state;
	if (fcgi_pid > 0 && kill(fcgi_pid, 0) == 0) {
		kill(fcgi_pid, SIGKILL);
		waitpid(fcgi_pid, NULL, 0);
	}
	unlink(sock_path);
	unlink(version_file);
	return 0;
}

static void record(struct buf *b, int type, const char *data, size_t n)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
			       (unsigned char)(n >> 8), (unsigned char)n, 0, 0 };
	buf_put(b, h, 8);
	buf_put(b, data, n);
}

static void nv_len(struct buf *b, size_t n)
{
	if (n < 128) {
		buf_putc(b, (char)n);
		return;
	}
	unsigned char l[4] = { (unsigned char)(0x80 | (n >> 24)), (unsigned char)(n >> 16),
			       (unsigned char)(n >> 8), (unsigned char)n };
	buf_put(b, l, 4);
}

/* The FastCGI records of one request (FastCGI 1.0, sections 5.1-5.3). */
static void encode_request(struct buf *b, char **params, const char *body, size_t blen)
{
	struct buf p = BUF_INIT;
	static const char begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };   /* RESPONDER */
	record(b, 1, begin, 8);
	for (int i = 0; params[i]; i++) {
		const char *eq = strchr(params[i], '=');
		nv_len(&p, (size_t)(eq - params[i]));
		nv_len(&p, strlen(eq + 1));
		buf_put(&p, params[i], (size_t)(eq - params[i]));
		buf_puts(&p, eq + 1);
	}
	record(b, 4, p.data, p.len);
	record(b, 4, "", 0);
	for (size_t off = 0; off < blen; off += 60000)
		record(b, 5, body + off, blen - off < 60000 ? blen - off : 60000);
	record(b, 5, "", 0);
	buf_free(&p);
}

static int read_full(int fd, void *p, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (char *)p + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Send one request, collect FCGI_STDOUT until FCGI_END_REQUEST. */
static int fcgi_request(char **params, const char *body, size_t blen, struct buf *out)
{
	struct sockaddr_un sa;
	struct buf req = BUF_INIT;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), rc = -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, sock_path);
	encode_request(&req, params, body, blen);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    write(fd, req.data, req.len) != (ssize_t)req.len)
		goto done;
	for (;;) {
		unsigned char h[8];
		char content[65536 + 256];
		if (read_full(fd, h, 8) < 0)
			goto done;
		size_t n = ((size_t)h[4] << 8 | h[5]) + h[6];
		if (read_full(fd, content, n) < 0)
			goto done;
		if (h[1] == 6)
			buf_put(out, content, n - h[6]);
		if (h[1] == 3)
			break;
	}
	rc = 0;
done:
	close(fd);
	buf_free(&req);
	return rc;
}

/* The request of params: the X-Render value, -1 without, -2 no answer. */
static int fcgi_render(char **params, struct buf *out)
{
	buf_reset(out);
	if (fcgi_request(params, NULL, 0, out) < 0)
		return -2;
	const char *x = strstr(out->data ? out->data : "", "\r\nX-Render: ");
	return x ? atoi(x + 12) : -1;
}

/* GET uri (and optional If-None-Match); the X-Render value, -1 without. */
static int fcgi_get(const char *uri, const char *inm, struct buf *out)
{
	char u[256], q[256], h[128];
	const char *qs = strchr(uri, '?');
	char *params[] = { "REQUEST_METHOD=GET", u, q, h, NULL };
	snprintf(u, sizeof u, "REQUEST_URI=%s", uri);
	snprintf(q, sizeof q, "QUERY_STRING=%s", qs ? qs + 1 : "");
	snprintf(h, sizeof h, "HTTP_IF_NONE_MATCH=%s", inm ? inm : "");
	if (!inm)
		params[3] = NULL;
	return fcgi_render(params, out);
}

/* GET uri as nginx's fastcgi.conf asks, which adds the security headers
 * itself (server != 0) or as Apache does; the X-Render value. */
static int fcgi_get_from(const char *uri, int server, struct buf *out)
{
	char u[256];
	char *params[] = { "REQUEST_METHOD=GET", u, "QUERY_STRING=",
			   "SYMPOSIUM_SECURITY_HEADERS=server", NULL };
	snprintf(u, sizeof u, "REQUEST_URI=%s", uri);
	if (!server)
		params[3] = NULL;
	return fcgi_render(params, out);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The render cache's ready answer to a plain GET is built for one kind of
 * request; the same programs behind nginx and Apache at once each get
 * their security headers once (never twice, never none). */
static void test_fcgi_cache_hit_keeps_security_headers_per_server(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	int a = fcgi_get_from("/sh", 1, &out);
	assert_true(a > 0);
	assert_int_equal(count(out.data, "X-Frame-Options"), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fcgi_get_from("/sh", 1, &out), a);
		assert_int_equal(count(out.data, "X-Frame-Options"), 0);
		assert_int_equal(fcgi_get_from("/sh", 0, &out), a);
		assert_int_equal(count(out.data, "\r\nX-Frame-Options: DENY\r\n"), 1);
		assert_int_equal(count(out.data, "Content-Security-Policy"), 1);
	}
	buf_free(&out);
}

static void test_fcgi_second_get_is_a_cache_hit(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	int first = fcgi_get("/hit", NULL, &out);
	assert_true(first > 0);
	assert_int_equal(fcgi_get("/hit", NULL, &out), first);
	assert_non_null(strstr(out.data, "\r\n\r\npage /hit?"));
	buf_free(&out);
}

static void test_fcgi_query_is_its_own_entry(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	int a = fcgi_get("/q?page=1", NULL, &out);
	int b = fcgi_get("/q?page=2", NULL, &out);
	assert_true(a > 0 && b > a);
	assert_non_null(strstr(out.data, "page /q?page=2"));
	assert_int_equal(fcgi_get("/q?page=1", NULL, &out), a);
	buf_free(&out);
}

static void test_fcgi_version_change_drops_cache(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	int a = fcgi_get("/v", NULL, &out);
	assert_int_equal(fcgi_get("/v", NULL, &out), a);
	set_version(2);
	/* past SERVE_VERSION_TTL_NS: the worker asks again */
	nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	int b = fcgi_get("/v", NULL, &out);
	assert_true(b > a);
	assert_int_equal(fcgi_get("/v", NULL, &out), b);
	buf_free(&out);
}

static void test_fcgi_304_from_cache(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	char etag[32];
	int a = fcgi_get("/etag", NULL, &out);
	const char *e = strstr(out.data, "\r\nETag: ");
	assert_non_null(e);
	snprintf(etag, sizeof etag, "%.18s", e + 8);
	assert_int_equal(fcgi_get("/etag", etag, &out), -1);    /* no handler headers */
	assert_int_equal(strncmp(out.data, "Status: 304 Not Modified\r\n", 26), 0);
	assert_int_equal(fcgi_get("/etag", NULL, &out), a);     /* still not re-rendered */
	buf_free(&out);
}

static void test_fcgi_uncacheable_not_stored(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	int a = fcgi_get("/nocache", NULL, &out);
	assert_true(fcgi_get("/nocache", NULL, &out) > a);
	assert_null(strstr(out.data, "ETag:"));
	buf_free(&out);
}

/* A big body nobody reads: the answer still arrives whole and the worker
 * takes the next request.  (libfcgi's close also drains for a while, so
 * this cannot tell our drain from its own.) */
static void test_fcgi_post_with_unread_body_is_answered(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	size_t n = 300000;
	char *body = xmalloc(n);
	char len[32];
	memset(body, 'x', n);
	snprintf(len, sizeof len, "CONTENT_LENGTH=%zu", n);
	char *params[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/form", len, NULL };
	assert_int_equal(fcgi_request(params, body, n, &out), 0);
	assert_int_equal(strncmp(out.data, "Status: 405 Method Not Allowed\r\n", 32), 0);
	assert_true(fcgi_get("/after-post", NULL, &out) > 0);
	free(body);
	buf_free(&out);
}

static void test_fcgi_sigterm_stops_quickly(void **state)
{
	(void)state;
	int st = 0;
	struct timespec tick = { 0, 10000000 };
	struct buf out = BUF_INIT;
	assert_true(fcgi_get("/", NULL, &out) > 0);     /* the worker is serving */
	buf_free(&out);
	assert_int_equal(kill(fcgi_pid, SIGTERM), 0);
	for (int i = 0; i < 100 && waitpid(fcgi_pid, &st, WNOHANG) == 0; i++)
		nanosleep(&tick, NULL);     /* at most a second */
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	fcgi_pid = 0;
}

#define FCGI_TEST(f) cmocka_unit_test_setup_teardown(f, fcgi_start, fcgi_stop)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_unknown_option),
		cmocka_unit_test(test_args_workers_range),
		cmocka_unit_test(test_args_stray_argument),
		cmocka_unit_test(test_args_reach_config),
		cmocka_unit_test(test_env_defaults),
		cmocka_unit_test(test_init_failure_exits_1),
		cmocka_unit_test(test_cgi_get),
		cmocka_unit_test(test_cgi_head),
		cmocka_unit_test(test_cgi_post_to_public_page_is_405),
		cmocka_unit_test(test_cgi_post_reads_content_length),
		cmocka_unit_test(test_cgi_bad_path_goes_to_error),
		FCGI_TEST(test_fcgi_second_get_is_a_cache_hit),
		FCGI_TEST(test_fcgi_cache_hit_keeps_security_headers_per_server),
		FCGI_TEST(test_fcgi_query_is_its_own_entry),
		FCGI_TEST(test_fcgi_version_change_drops_cache),
		FCGI_TEST(test_fcgi_304_from_cache),
		FCGI_TEST(test_fcgi_uncacheable_not_stored),
		FCGI_TEST(test_fcgi_post_with_unread_body_is_answered),
		FCGI_TEST(test_fcgi_sigterm_stops_quickly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
