/* Tests for lib/http.c: request parsing (path, query, headers) and the
 * serialised response (status line, headers, conditional requests). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define ENV_MAX 16

/* A request from "NAME=value" strings (NULL-terminated argument list). */
struct fixture {
	char *env[ENV_MAX + 1];
	struct http_req r;
	struct http_resp w;
	struct buf out;
};

static struct fixture fx;

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof fx);
	http_resp_init(&fx.w);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; fx.env[i]; i++)
		free(fx.env[i]);
	http_resp_free(&fx.w);
	buf_free(&fx.out);
	return 0;
}

static int req(const char *first, ...)
{
	va_list ap;
	int n = 0;
	/* A test may make several requests: the last one's strings go. */
	for (int i = 0; fx.env[i]; i++)
		free(fx.env[i]);
	va_start(ap, first);
	for (const char *s = first; s && n < ENV_MAX; s = va_arg(ap, const char *))
		fx.env[n++] = xstrdup(s);
	va_end(ap);
	fx.env[n] = NULL;
	return http_req_init(&fx.r, fx.env);
}

static int get(const char *uri)
{
	char line[4096];
	snprintf(line, sizeof line, "REQUEST_URI=%s", uri);
	return req("REQUEST_METHOD=GET", line, NULL);
}

/* The serialised response's header block (up to the blank line). */
static const char *head_of(void)
{
	static char h[8192];
	const char *end = strstr(fx.out.data, "\r\n\r\n");
	size_t n = end ? (size_t)(end - fx.out.data) + 2 : 0;
	assert_non_null(end);
	assert_true(n < sizeof h);
	memcpy(h, fx.out.data, n);
	h[n] = '\0';
	return h;
}

static int starts(const char *status_line)
{
	return strncmp(fx.out.data, status_line, strlen(status_line)) == 0;
}

static const char *body_of(void)
{
	return strstr(fx.out.data, "\r\n\r\n") + 4;
}

static int has_header(const char *line)
{
	return strstr(head_of(), line) != NULL;
}

/* A cacheable page answered to the current request. */
static void finish_page(const char *body)
{
	buf_puts(&fx.w.body, body);
	fx.w.cacheable = 1;
	fx.w.last_modified = 1700000000;    /* Tue, 14 Nov 2023 22:13:20 GMT */
	http_finish(&fx.r, &fx.w, &fx.out);
}

/* ---- path ---- */

static void test_path_plain(void **state)
{
	(void)state;
	assert_int_equal(get("/2023/press/"), 0);
	assert_string_equal(fx.r.path, "/2023/press/");
}

static void test_path_decodes_utf8(void **state)
{
	(void)state;
	assert_int_equal(get("/caf%C3%A9/x%20y"), 0);
	assert_string_equal(fx.r.path, "/caf\xC3\xA9/x y");
}

static void test_path_query_split(void **state)
{
	(void)state;
	assert_int_equal(req("REQUEST_URI=/a/?page=2", "QUERY_STRING=page=2", NULL), 0);
	assert_string_equal(fx.r.path, "/a/");
	assert_string_equal(fx.r.query, "page=2");
}

static void test_query_from_uri_without_query_string(void **state)
{
	(void)state;
	assert_int_equal(req("REQUEST_URI=/a?x=1", NULL), 0);
	assert_string_equal(fx.r.query, "x=1");
}

static void test_query_never_null(void **state)
{
	(void)state;
	assert_int_equal(get("/"), 0);
	assert_non_null(fx.r.query);
	assert_string_equal(fx.r.query, "");
}

/* %2F would decode to a "/" that is not a segment separator: refused. */
static void test_path_encoded_slash_refused(void **state)
{
	(void)state;
	assert_int_equal(get("/a%2Fb"), 400);
	assert_int_equal(get("/a%2fb"), 400);
	assert_string_equal(fx.r.path, "");
}

static void test_path_bad_hex(void **state)
{
	(void)state;
	assert_int_equal(get("/%zz"), 400);
	assert_int_equal(get("/%4g"), 400);
}

static void test_path_truncated_escape(void **state)
{
	(void)state;
	assert_int_equal(get("/a%0"), 400);
	assert_int_equal(get("/a%"), 400);
	assert_int_equal(get("/a%0?x"), 400);
}

static void test_path_nul_refused(void **state)
{
	(void)state;
	assert_int_equal(get("/a%00b"), 400);
}

static void test_path_overlong_utf8(void **state)
{
	(void)state;
	assert_int_equal(get("/%C0%AF"), 400);          /* "/" as 2 bytes */
	assert_int_equal(get("/%E0%80%AF"), 400);       /* "/" as 3 bytes */
}

static void test_path_surrogate(void **state)
{
	(void)state;
	assert_int_equal(get("/%ED%A0%80"), 400);
}

static void test_path_above_unicode(void **state)
{
	(void)state;
	assert_int_equal(get("/%F4%90%80%80"), 400);
	assert_int_equal(get("/%F0%9F%98%80"), 0);      /* U+1F600 is fine */
}

static void test_path_dot_segments(void **state)
{
	(void)state;
	assert_int_equal(get("/a/../b"), 400);
	assert_int_equal(get("/.."), 400);
	assert_int_equal(get("/a/.."), 400);
	assert_int_equal(get("/a/./b"), 400);
	assert_int_equal(get("/%2e%2e/etc"), 400);
	assert_int_equal(get("/a/.%2E/b"), 400);
}

static void test_path_dots_inside_names(void **state)
{
	(void)state;
	assert_int_equal(get("/a..b/...c/.well-known/x.css"), 0);
}

static void test_path_backslash(void **state)
{
	(void)state;
	assert_int_equal(get("/a%5Cb"), 400);
	assert_int_equal(get("/a%5c..%5cb"), 400);
	assert_int_equal(get("/a\\b"), 400);
}

static void test_path_controls(void **state)
{
	(void)state;
	assert_int_equal(get("/a%0D%0ALocation:x"), 400);
	assert_int_equal(get("/a%7F"), 400);
}

static void test_path_must_be_absolute(void **state)
{
	(void)state;
	assert_int_equal(get("a/b"), 400);
	assert_int_equal(get("*"), 400);
	assert_int_equal(get(""), 400);
}

/* HTTP_URI_MAX characters pass, one more is 414. */
static void test_uri_length_boundary(void **state)
{
	(void)state;
	char uri[HTTP_URI_MAX + 2];
	memset(uri, 'a', sizeof uri);
	memcpy(uri, "/x?", 3);
	uri[HTTP_URI_MAX] = '\0';
	assert_int_equal(get(uri), 0);
	teardown(NULL), setup(NULL);
	uri[HTTP_URI_MAX] = 'a';
	uri[HTTP_URI_MAX + 1] = '\0';
	assert_int_equal(get(uri), 414);
}

static void test_decoded_path_length_boundary(void **state)
{
	(void)state;
	char uri[HTTP_PATH_MAX + 2];
	memset(uri, 'p', sizeof uri);
	uri[0] = '/';
	uri[HTTP_PATH_MAX] = '\0';
	assert_int_equal(get(uri), 0);
	assert_int_equal(strlen(fx.r.path), HTTP_PATH_MAX);
	teardown(NULL), setup(NULL);
	uri[HTTP_PATH_MAX] = 'p';
	uri[HTTP_PATH_MAX + 1] = '\0';
	assert_int_equal(get(uri), 414);
}

static void test_path_from_cgi_variables(void **state)
{
	(void)state;
	assert_int_equal(req("SCRIPT_NAME=/cgi-bin/home", "PATH_INFO=/2023/", NULL), 0);
	assert_string_equal(fx.r.path, "/cgi-bin/home/2023/");
	assert_int_equal(fx.r.method, HTTP_GET);
}

static void test_path_from_cgi_checked(void **state)
{
	(void)state;
	assert_int_equal(req("SCRIPT_NAME=/home", "PATH_INFO=/../x", NULL), 400);
}

/* ---- method, length, headers ---- */

static void test_methods(void **state)
{
	(void)state;
	assert_int_equal(req("REQUEST_METHOD=HEAD", "REQUEST_URI=/", NULL), 0);
	assert_int_equal(fx.r.method, HTTP_HEAD);
	teardown(NULL), setup(NULL);
	req("REQUEST_METHOD=POST", "REQUEST_URI=/", NULL);
	assert_int_equal(fx.r.method, HTTP_POST);
	teardown(NULL), setup(NULL);
	req("REQUEST_METHOD=DELETE", "REQUEST_URI=/", NULL);
	assert_int_equal(fx.r.method, HTTP_OTHER);
}

static void test_content_length(void **state)
{
	(void)state;
	assert_int_equal(req("REQUEST_URI=/", NULL), 0);
	assert_int_equal(fx.r.content_length, -1);
	teardown(NULL), setup(NULL);
	assert_int_equal(req("REQUEST_URI=/", "CONTENT_LENGTH=", NULL), 0);   /* nginx */
	assert_int_equal(fx.r.content_length, -1);
	teardown(NULL), setup(NULL);
	assert_int_equal(req("REQUEST_URI=/", "CONTENT_LENGTH=1234", NULL), 0);
	assert_int_equal(fx.r.content_length, 1234);
}

static void test_content_length_strict(void **state)
{
	(void)state;
	const char *bad[] = { "CONTENT_LENGTH=-1", "CONTENT_LENGTH=+5", "CONTENT_LENGTH=1 2",
			      "CONTENT_LENGTH=0x10", "CONTENT_LENGTH=99999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(req("REQUEST_URI=/", bad[i], NULL), 400);
		teardown(NULL), setup(NULL);
	}
}

static void test_header_lookup(void **state)
{
	(void)state;
	req("REQUEST_URI=/", "HTTP_IF_NONE_MATCH=\"x\"", "CONTENT_TYPE=text/plain",
	    "HTTP_X_FORWARDED_FOR=1.2.3.4", NULL);
	assert_string_equal(http_header(&fx.r, "If-None-Match"), "\"x\"");
	assert_string_equal(http_header(&fx.r, "if-none-match"), "\"x\"");
	assert_string_equal(http_header(&fx.r, "Content-Type"), "text/plain");
	assert_null(http_header(&fx.r, "Content-Length"));
	assert_null(http_header(&fx.r, "If-Modified-Since"));
	assert_null(http_header(&fx.r, "X Forwarded For"));      /* not a token */
}

/* ---- decoding primitives ---- */

static void test_pct_decode_api(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(http_pct_decode("a%41+", 5, out, sizeof out), 3);
	assert_string_equal(out, "aA+");                /* "+" is only a space in queries */
	assert_int_equal(http_pct_decode("%4", 2, out, sizeof out), -1);
	assert_int_equal(http_pct_decode("abcdefgh", 8, out, sizeof out), -1);  /* no room for NUL */
	assert_int_equal(http_pct_decode("a\0b", 3, out, sizeof out), -1);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(http_utf8_valid("\xF0\x9F\x98\x80 \xC3\xA9", 7));
	assert_false(http_utf8_valid("\xC3", 1));               /* truncated */
	assert_false(http_utf8_valid("\xE2\x82", 2));
	assert_false(http_utf8_valid("\x80", 1));               /* lone continuation */
	assert_false(http_utf8_valid("\xF5\x80\x80\x80", 4));
}

static void test_decode_tells_bad_escape_from_nul(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(http_decode("a+b", 3, out, sizeof out, HTTP_DEC_PLUS), 3);
	assert_string_equal(out, "a b");
	assert_int_equal(http_decode("%zz", 3, out, sizeof out, 0), HTTP_DEC_BAD);
	assert_int_equal(http_decode("a%00", 4, out, sizeof out, 0), HTTP_DEC_NUL);
	assert_int_equal(http_decode("abcdefgh", 8, out, sizeof out, 0), HTTP_DEC_LONG);
}

static void test_utf8_rejects_overlong_and_surrogates(void **state)
{
	(void)state;
	assert_false(http_utf8_valid("\xC0\xAF", 2));           /* overlong "/" */
	assert_false(http_utf8_valid("\xE0\x80\xAF", 3));
	assert_false(http_utf8_valid("\xED\xA0\x80", 3));       /* U+D800 */
	assert_false(http_utf8_valid("\xF4\x90\x80\x80", 4));   /* > U+10FFFF */
	assert_int_equal(http_utf8_seq((const unsigned char *)"\xE2\x82\xAC", 3), 3);
}

static void test_fnv1a_known_values(void **state)
{
	(void)state;
	/* The published FNV-1a 64 test vectors. */
	assert_true(http_fnv1a("", 0) == 0xcbf29ce484222325ULL);
	assert_true(http_fnv1a("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(http_fnv1a("foobar", 6) == 0x85944171f73967e8ULL);
}

/* ---- query ---- */

static void test_query_found_and_decoded(void **state)
{
	(void)state;
	char v[64];
	assert_int_equal(http_query_get("a=1&q=hello+w%C3%B6rld%21&b=2", "q", v, sizeof v), 1);
	assert_string_equal(v, "hello w\xC3\xB6rld!");
}

static void test_query_absent(void **state)
{
	(void)state;
	char v[16];
	assert_int_equal(http_query_get("a=1&&b=2", "q", v, sizeof v), 0);
	assert_int_equal(http_query_get("", "q", v, sizeof v), 0);
	assert_int_equal(http_query_get("qq=1&xq=2", "q", v, sizeof v), 0);
}

static void test_query_first_wins_and_empty(void **state)
{
	(void)state;
	char v[16];
	assert_int_equal(http_query_get("page=2&page=3", "page", v, sizeof v), 1);
	assert_string_equal(v, "2");
	assert_int_equal(http_query_get("flag&x=1", "flag", v, sizeof v), 1);
	assert_string_equal(v, "");
	assert_int_equal(http_query_get("k=a=b", "k", v, sizeof v), 1);
	assert_string_equal(v, "a=b");
}

static void test_query_malformed(void **state)
{
	(void)state;
	char v[16];
	assert_int_equal(http_query_get("q=%zz", "q", v, sizeof v), -1);
	assert_int_equal(http_query_get("q=%00", "q", v, sizeof v), -1);
	assert_int_equal(http_query_get("q=%C0%AF", "q", v, sizeof v), -1);
	assert_int_equal(http_query_get("b%=1&q=ok", "q", v, sizeof v), -1);
}

static void test_query_too_long(void **state)
{
	(void)state;
	char v[4];
	assert_int_equal(http_query_get("q=abc", "q", v, sizeof v), 1);
	assert_int_equal(http_query_get("q=abcd", "q", v, sizeof v), -1);
}

/* ---- response ---- */

static void test_finish_defaults(void **state)
{
	(void)state;
	get("/");
	buf_puts(&fx.w.body, "<p>hi</p>");
	http_finish(&fx.r, &fx.w, &fx.out);
	assert_true(starts("Status: 200 OK\r\n"));
	assert_true(has_header("\r\nContent-Type: text/html; charset=utf-8\r\n"));
	assert_true(has_header("\r\nContent-Length: 9\r\n"));
	assert_true(has_header("\r\nCache-Control: no-store\r\n"));
	assert_false(has_header("ETag:"));
	assert_false(has_header("Set-Cookie:"));
	assert_string_equal(body_of(), "<p>hi</p>");
}

static void test_finish_etag(void **state)
{
	(void)state;
	get("/");
	finish_page("<p>page</p>");
	assert_int_equal(strlen(fx.w.etag), 18);
	assert_int_equal(fx.w.etag[0], '"');
	assert_int_equal(fx.w.etag[17], '"');
	assert_int_equal(strspn(fx.w.etag + 1, "0123456789abcdef"), 16);
	char line[64];
	snprintf(line, sizeof line, "\r\nETag: %s\r\n", fx.w.etag);
	assert_true(has_header(line));
	assert_true(has_header("\r\nCache-Control: public, max-age=60\r\n"));
}

static void test_etag_follows_body(void **state)
{
	(void)state;
	char first[24];
	get("/");
	finish_page("one");
	memcpy(first, fx.w.etag, sizeof first);
	http_resp_reset(&fx.w);
	buf_reset(&fx.out);
	finish_page("one");
	assert_string_equal(first, fx.w.etag);
	http_resp_reset(&fx.w);
	buf_reset(&fx.out);
	finish_page("two");
	assert_string_not_equal(first, fx.w.etag);
}

static void test_last_modified_imf_fixdate(void **state)
{
	(void)state;
	get("/");
	buf_puts(&fx.w.body, "x");
	fx.w.last_modified = 784111777;     /* RFC 9110 5.6.7's example */
	http_finish(&fx.r, &fx.w, &fx.out);
	assert_true(has_header("\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
}

/* The ETag of "<p>page</p>", computed by a first response. */
static void etag_of_page(char *etag)
{
	struct http_req r;
	struct http_resp w;
	struct buf out = BUF_INIT;
	char *env[] = { "REQUEST_URI=/", NULL };
	http_req_init(&r, env);
	http_resp_init(&w);
	buf_puts(&w.body, "<p>page</p>");
	w.cacheable = 1;
	http_finish(&r, &w, &out);
	strcpy(etag, w.etag);
	http_resp_free(&w);
	buf_free(&out);
}

static void assert_304(void)
{
	assert_true(starts("Status: 304 Not Modified\r\n"));
	assert_false(has_header("Content-Length:"));
	assert_false(has_header("Content-Type:"));
	assert_true(has_header("\r\nETag: \""));
	assert_true(has_header("\r\nLast-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n"));
	assert_true(has_header("\r\nCache-Control: public, max-age=60\r\n"));
	assert_string_equal(body_of(), "");
}

static void test_inm_exact_match(void **state)
{
	(void)state;
	char etag[24], inm[64];
	etag_of_page(etag);
	snprintf(inm, sizeof inm, "HTTP_IF_NONE_MATCH=%s", etag);
	req("REQUEST_METHOD=GET", "REQUEST_URI=/", inm, NULL);
	finish_page("<p>page</p>");
	assert_304();
}

static void test_inm_list_with_weak_tag(void **state)
{
	(void)state;
	char etag[24], inm[96];
	etag_of_page(etag);
	snprintf(inm, sizeof inm, "HTTP_IF_NONE_MATCH=\"other\", W/%s", etag);
	req("REQUEST_METHOD=GET", "REQUEST_URI=/", inm, NULL);
	finish_page("<p>page</p>");
	assert_304();
}

static void test_inm_star(void **state)
{
	(void)state;
	req("REQUEST_METHOD=HEAD", "REQUEST_URI=/", "HTTP_IF_NONE_MATCH=*", NULL);
	finish_page("<p>page</p>");
	assert_304();
}

static void test_inm_mismatch(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_IF_NONE_MATCH=\"a\", W/\"b\"", NULL);
	finish_page("<p>page</p>");
	assert_true(starts("Status: 200 OK\r\n"));
	assert_string_equal(body_of(), "<p>page</p>");
}

/* RFC 9110 13.2.2: If-Modified-Since is not even looked at when
 * If-None-Match is there. */
static void test_inm_takes_precedence(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_IF_NONE_MATCH=\"a\"",
	    "HTTP_IF_MODIFIED_SINCE=Tue, 14 Nov 2023 22:13:20 GMT", NULL);
	finish_page("<p>page</p>");
	assert_true(starts("Status: 200 OK\r\n"));
}

static void test_ims_equal_is_304(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_IF_MODIFIED_SINCE=Tue, 14 Nov 2023 22:13:20 GMT", NULL);
	finish_page("<p>page</p>");
	assert_304();
}

static void test_ims_older_is_200(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_IF_MODIFIED_SINCE=Tue, 14 Nov 2023 22:13:19 GMT", NULL);
	finish_page("<p>page</p>");
	assert_true(starts("Status: 200 OK\r\n"));
}

static void test_ims_obsolete_formats(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_IF_MODIFIED_SINCE=Tuesday, 14-Nov-23 22:13:20 GMT", NULL);
	finish_page("<p>page</p>");
	assert_304();
	teardown(NULL), setup(NULL);
	req("REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_IF_MODIFIED_SINCE=Tue Nov 14 22:13:20 2023", NULL);
	finish_page("<p>page</p>");
	assert_304();
}

static void test_ims_invalid_date_ignored(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/",
	    "HTTP_IF_MODIFIED_SINCE=Tue, 14 Nov 2023 22:13:20 GMT garbage", NULL);
	finish_page("<p>page</p>");
	assert_true(starts("Status: 200 OK\r\n"));
}

static void test_conditional_only_for_get_head(void **state)
{
	(void)state;
	req("REQUEST_METHOD=POST", "REQUEST_URI=/", "HTTP_IF_NONE_MATCH=*", NULL);
	finish_page("<p>page</p>");
	assert_true(starts("Status: 200 OK\r\n"));
}

static void test_head_length_without_body(void **state)
{
	(void)state;
	req("REQUEST_METHOD=HEAD", "REQUEST_URI=/", NULL);
	finish_page("<p>twelve b</p>");
	assert_true(has_header("\r\nContent-Length: 15\r\n"));
	assert_string_equal(body_of(), "");
}

static void assert_security_headers(void)
{
	assert_true(has_header("\r\nX-Content-Type-Options: nosniff\r\n"));
	assert_true(has_header("\r\nX-Frame-Options: DENY\r\n"));
	assert_true(has_header("\r\nReferrer-Policy: strict-origin-when-cross-origin\r\n"));
	assert_true(has_header("\r\nContent-Security-Policy: default-src 'none'; "
			       "img-src 'self'; style-src 'self'; script-src 'self'; "
			       "connect-src 'self'; form-action 'self'; "
			       "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
			       "base-uri 'none'; frame-ancestors 'none'\r\n"));
}

static void test_security_headers_on_errors(void **state)
{
	(void)state;
	get("/missing");
	fx.w.status = 404;
	fx.w.cacheable = 1;                 /* ignored: only a 200 is cacheable */
	http_finish(&fx.r, &fx.w, &fx.out);
	assert_true(starts("Status: 404 Not Found\r\n"));
	assert_security_headers();
	assert_false(has_header("ETag:"));
	assert_true(has_header("\r\nCache-Control: no-store\r\n"));
	http_resp_reset(&fx.w);
	buf_reset(&fx.out);
	fx.w.status = 500;
	http_finish(&fx.r, &fx.w, &fx.out);
	assert_true(starts("Status: 500 Internal Server Error\r\n"));
	assert_security_headers();
}

static void test_security_headers_on_304(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_IF_NONE_MATCH=*", NULL);
	finish_page("x");
	assert_security_headers();
}

/* nginx's fastcgi.conf adds the four to a program's responses itself and
 * says so; any other value is no such promise. */
static void test_security_headers_left_to_server(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/", "SYMPOSIUM_SECURITY_HEADERS=server", NULL);
	finish_page("x");
	assert_true(starts("Status: 200 OK\r\n"));
	assert_false(has_header("X-Frame-Options"));
	assert_false(has_header("Content-Security-Policy"));
	assert_false(has_header("X-Content-Type-Options"));
	assert_false(has_header("Referrer-Policy"));
	assert_true(has_header("\r\nETag: "));
}

static void test_security_headers_other_value_sent(void **state)
{
	(void)state;
	req("REQUEST_METHOD=GET", "REQUEST_URI=/", "SYMPOSIUM_SECURITY_HEADERS=1", NULL);
	finish_page("x");
	assert_security_headers();
}

static void test_status_texts(void **state)
{
	(void)state;
	const int codes[] = { 200, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405,
			      409, 413, 414, 415, 422, 429, 500, 503 };
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		assert_string_not_equal(http_status_text(codes[i]), "Unknown");
	assert_string_equal(http_status_text(414), "URI Too Long");
	assert_string_equal(http_status_text(999), "Unknown");
}

static void test_no_content_has_no_length(void **state)
{
	(void)state;
	get("/");
	fx.w.status = 204;
	http_finish(&fx.r, &fx.w, &fx.out);
	assert_false(has_header("Content-Length:"));
	assert_false(has_header("Content-Type:"));
}

static void test_handler_headers_and_cache_control(void **state)
{
	(void)state;
	get("/");
	fx.w.status = 303;
	fx.w.cache_control = "private, no-cache";
	http_resp_header(&fx.w, "Location", "/2023/");
	http_resp_header(&fx.w, "X-Bad", "a\r\nSet-Cookie: x=1");     /* dropped */
	http_finish(&fx.r, &fx.w, &fx.out);
	assert_true(starts("Status: 303 See Other\r\n"));
	assert_true(has_header("\r\nLocation: /2023/\r\n"));
	assert_true(has_header("\r\nCache-Control: private, no-cache\r\n"));
	assert_false(has_header("X-Bad"));
	assert_false(has_header("Set-Cookie"));
}

static void test_resp_reset_keeps_memory(void **state)
{
	(void)state;
	buf_puts(&fx.w.body, "some body text");
	http_resp_header(&fx.w, "X-A", "1");
	fx.w.status = 404;
	fx.w.cacheable = 1;
	fx.w.content_type = "text/plain";
	char *body = fx.w.body.data;
	size_t cap = fx.w.body.cap;
	http_resp_reset(&fx.w);
	assert_ptr_equal(fx.w.body.data, body);
	assert_int_equal(fx.w.body.cap, cap);
	assert_int_equal(fx.w.body.len, 0);
	assert_int_equal(fx.w.headers.len, 0);
	assert_int_equal(fx.w.status, 200);
	assert_int_equal(fx.w.cacheable, 0);
	assert_string_equal(fx.w.content_type, "text/html; charset=utf-8");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)


/* ---- Accept-Language (RFC 9110 12.5.4) ---- */

static void accept_lang_plain_and_region(void **state)
{
	(void)state;
	assert_int_equal(http_accept_lang_q("de", "de"), 1000);
	assert_int_equal(http_accept_lang_q("de-AT", "de"), 1000);
	assert_int_equal(http_accept_lang_q("DE-de", "de"), 1000);
	assert_int_equal(http_accept_lang_q("den", "de"), 0);
}

static void accept_lang_weights(void **state)
{
	(void)state;
	const char *h = "en-US,en;q=0.9,de;q=0.8";
	assert_int_equal(http_accept_lang_q(h, "en"), 1000);
	assert_int_equal(http_accept_lang_q(h, "de"), 800);
	assert_int_equal(http_accept_lang_q("fr, de ; q=0.5 , en;q=0.25", "de"), 500);
	assert_int_equal(http_accept_lang_q("fr, de ; q=0.5 , en;q=0.25", "en"), 250);
}

static void accept_lang_highest_of_several_ranges(void **state)
{
	(void)state;
	assert_int_equal(http_accept_lang_q("de-CH;q=0.3, de;q=0.7", "de"), 700);
}

static void accept_lang_star_and_zero(void **state)
{
	(void)state;
	assert_int_equal(http_accept_lang_q("fr, *;q=0.1", "de"), 100);
	assert_int_equal(http_accept_lang_q("de;q=0, *", "de"), 0);
	assert_int_equal(http_accept_lang_q(NULL, "de"), 0);
	assert_int_equal(http_accept_lang_q("", "de"), 0);
}

static void accept_lang_malformed_q_ignored(void **state)
{
	(void)state;
	assert_int_equal(http_accept_lang_q("de;q=2", "de"), 0);
	assert_int_equal(http_accept_lang_q("de;q=0.12345", "de"), 0);
	assert_int_equal(http_accept_lang_q("de;x=1", "de"), 0);
	assert_int_equal(http_accept_lang_q("de;q=1.000", "de"), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_path_plain), T(test_path_decodes_utf8), T(test_path_query_split),
		T(test_query_from_uri_without_query_string), T(test_query_never_null),
		T(test_path_encoded_slash_refused), T(test_path_bad_hex),
		T(test_path_truncated_escape), T(test_path_nul_refused),
		T(test_path_overlong_utf8), T(test_path_surrogate), T(test_path_above_unicode),
		T(test_path_dot_segments), T(test_path_dots_inside_names),
		T(test_path_backslash), T(test_path_controls), T(test_path_must_be_absolute),
		T(test_uri_length_boundary), T(test_decoded_path_length_boundary),
		T(test_path_from_cgi_variables), T(test_path_from_cgi_checked),
		T(test_methods), T(test_content_length), T(test_content_length_strict),
		T(test_header_lookup), T(test_pct_decode_api), T(test_utf8_valid), T(test_decode_tells_bad_escape_from_nul),
		T(test_utf8_rejects_overlong_and_surrogates), T(test_fnv1a_known_values),
		T(test_query_found_and_decoded), T(test_query_absent),
		T(test_query_first_wins_and_empty), T(test_query_malformed),
		T(test_query_too_long), T(test_finish_defaults), T(test_finish_etag),
		T(test_etag_follows_body), T(test_last_modified_imf_fixdate),
		T(test_inm_exact_match), T(test_inm_list_with_weak_tag), T(test_inm_star),
		T(test_inm_mismatch), T(test_inm_takes_precedence), T(test_ims_equal_is_304),
		T(test_ims_older_is_200), T(test_ims_obsolete_formats),
		T(test_ims_invalid_date_ignored), T(test_conditional_only_for_get_head),
		T(test_head_length_without_body), T(test_security_headers_on_errors),
		T(test_security_headers_on_304), T(test_security_headers_left_to_server),
		T(test_security_headers_other_value_sent), T(test_status_texts),
		T(test_no_content_has_no_length), T(test_handler_headers_and_cache_control),
		T(test_resp_reset_keeps_memory),
		cmocka_unit_test(accept_lang_plain_and_region),
		cmocka_unit_test(accept_lang_weights),
		cmocka_unit_test(accept_lang_highest_of_several_ranges),
		cmocka_unit_test(accept_lang_star_and_zero),
		cmocka_unit_test(accept_lang_malformed_q_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
