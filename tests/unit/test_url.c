/* Tests of lib/url.c: the public base URL's normal form and what the
 * check refuses (each refusal leaves out empty). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "url.h"

static char out[URL_BASE_MAX + 1];

/* The normal form of in, or "REFUSED" (and out must then be empty). */
static const char *norm(const char *in)
{
	if (url_base_normal(in, out, sizeof out) == NULL)
		return out;
	assert_string_equal(out, "");
	return "REFUSED";
}

static void test_https_host_is_kept(void **state)
{
	(void)state;
	assert_string_equal(norm("https://symposium.example"), "https://symposium.example");
}

static void test_trailing_slashes_are_removed(void **state)
{
	(void)state;
	assert_string_equal(norm("https://symposium.example/"), "https://symposium.example");
	assert_string_equal(norm("https://example.org/sym//"), "https://example.org/sym");
}

static void test_path_prefix_is_kept(void **state)
{
	(void)state;
	assert_string_equal(norm("https://example.org/events/symposium"),
			    "https://example.org/events/symposium");
}

static void test_scheme_and_host_lowercased_path_not(void **state)
{
	(void)state;
	assert_string_equal(norm("HTTPS://Example.ORG/Sym"), "https://example.org/Sym");
}

static void test_http_with_port(void **state)
{
	(void)state;
	assert_string_equal(norm("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
}

static void test_ipv6_literal(void **state)
{
	(void)state;
	assert_string_equal(norm("http://[::1]:8080/"), "http://[::1]:8080");
}

static void test_surrounding_spaces_ignored(void **state)
{
	(void)state;
	assert_string_equal(norm("  https://x.example/ "), "https://x.example");
}

static void test_empty_means_unset(void **state)
{
	(void)state;
	assert_string_equal(norm(""), "");
	assert_string_equal(norm("   "), "");
}

static void test_percent_encoded_path(void **state)
{
	(void)state;
	assert_string_equal(norm("https://x.example/m%C3%BCnchen"), "https://x.example/m%C3%BCnchen");
}

static void test_other_schemes_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("ftp://x.example"), "REFUSED");
	assert_string_equal(norm("javascript:alert(1)"), "REFUSED");
	assert_string_equal(norm("//x.example"), "REFUSED");
	assert_string_equal(norm("x.example"), "REFUSED");
}

static void test_query_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://x.example/?a=1"), "REFUSED");
	assert_string_equal(norm("https://x.example?a"), "REFUSED");
}

static void test_fragment_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://x.example/#top"), "REFUSED");
}

static void test_userinfo_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://user:pw@x.example"), "REFUSED");
}

static void test_missing_or_bad_host_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://"), "REFUSED");
	assert_string_equal(norm("https:///path"), "REFUSED");
	assert_string_equal(norm("https://-x.example"), "REFUSED");
	assert_string_equal(norm("https://x_y.example"), "REFUSED");
	assert_string_equal(norm("http://[::1"), "REFUSED");
}

static void test_bad_port_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://x.example:0"), "REFUSED");
	assert_string_equal(norm("https://x.example:65536"), "REFUSED");
	assert_string_equal(norm("https://x.example:"), "REFUSED");
	assert_string_equal(norm("https://x.example:80a"), "REFUSED");
}

static void test_spaces_and_controls_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://x.example/a b"), "REFUSED");
	assert_string_equal(norm("https://x.example/a\nb"), "REFUSED");
	assert_string_equal(norm("https://x.example/\"><script>"), "REFUSED");
	assert_string_equal(norm("https://x.example/%zz"), "REFUSED");
}

static void test_too_long_refused(void **state)
{
	(void)state;
	char in[URL_BASE_MAX + 32] = "https://x.example/";
	memset(in + strlen(in), 'a', URL_BASE_MAX);
	in[URL_BASE_MAX + 1] = '\0';
	assert_string_equal(norm(in), "REFUSED");
	in[URL_BASE_MAX] = '\0';
	assert_int_equal(strlen(norm(in)), URL_BASE_MAX);
}

static void test_reason_is_given(void **state)
{
	(void)state;
	const char *why = url_base_normal("https://x.example/?q", out, sizeof out);
	assert_non_null(why);
	assert_non_null(strstr(why, "query"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_https_host_is_kept),
		cmocka_unit_test(test_trailing_slashes_are_removed),
		cmocka_unit_test(test_path_prefix_is_kept),
		cmocka_unit_test(test_scheme_and_host_lowercased_path_not),
		cmocka_unit_test(test_http_with_port),
		cmocka_unit_test(test_ipv6_literal),
		cmocka_unit_test(test_surrounding_spaces_ignored),
		cmocka_unit_test(test_empty_means_unset),
		cmocka_unit_test(test_percent_encoded_path),
		cmocka_unit_test(test_other_schemes_refused),
		cmocka_unit_test(test_query_refused),
		cmocka_unit_test(test_fragment_refused),
		cmocka_unit_test(test_userinfo_refused),
		cmocka_unit_test(test_missing_or_bad_host_refused),
		cmocka_unit_test(test_bad_port_refused),
		cmocka_unit_test(test_spaces_and_controls_refused),
		cmocka_unit_test(test_too_long_refused),
		cmocka_unit_test(test_reason_is_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
