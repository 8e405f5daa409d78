/* Unit tests for lib/seo.c: robots.txt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "seo.h"

static void robots_allows_all_but_admin_and_names_the_sitemap(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	seo_robots(&b, "https://symposium.example/archive");
	assert_string_equal(b.data, "User-agent: *\nAllow: /\nDisallow: /admin/\n"
	                    "\nSitemap: https://symposium.example/archive/sitemap.xml\n");
	buf_free(&b);
}

static void robots_without_base_url_names_no_sitemap(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	seo_robots(&b, "");
	assert_string_equal(b.data, "User-agent: *\nAllow: /\nDisallow: /admin/\n");
	buf_reset(&b);
	seo_robots(&b, NULL);
	assert_null(strstr(b.data, "Sitemap"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(robots_allows_all_but_admin_and_names_the_sitemap),
		cmocka_unit_test(robots_without_base_url_names_no_sitemap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
