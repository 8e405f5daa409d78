/* Unit tests for lib/tmpl.c and its compiler (lib/tmpl_compile.c, tmpl_markup.c and
 * tmpl_read.c): escaping, URL checks, HTML5 output, the directives, includes, compile
 * errors and variable scopes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "tmpl.h"

#define NS "xmlns:t=\"urn:symposium:template\""
/* A fragment wrapped in <div>, the usual shape of a test template. */
#define W(x) "<div " NS ">" x "</div>"
#define OUT(x) "<div>" x "</div>"

enum { MAX_FILES = 64 };

static char dir[64];
static char *files[MAX_FILES];
static int nfiles;
static struct buf out = BUF_INIT;
static char err[512];

static void put_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i], path) == 0)
			return;
	assert_true(nfiles < MAX_FILES);
	files[nfiles++] = xstrdup(path);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_tmpl.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char sub[128];
	snprintf(sub, sizeof sub, "%s/parts", dir);
	return mkdir(sub, 0700);
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < nfiles; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	char sub[128];
	snprintf(sub, sizeof sub, "%s/parts", dir);
	rmdir(sub);
	rmdir(dir);
	buf_free(&out);
	return 0;
}

/* Compile `src` as t.xml and render it with v. */
static const char *render(const char *src, const struct tmpl_vars *v)
{
	put_file("t.xml", src);
	struct tmpl *t = tmpl_load(dir, "t.xml", err, sizeof err);
	if (!t)
		fail_msg("compile failed: %s", err);
	buf_reset(&out);
	tmpl_render(t, v, &out);
	tmpl_free(t);
	return out.data ? out.data : "";
}

/* Render with one value set. */
static const char *render1(const char *src, const char *name, const char *value)
{
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(v, name, value);
	render(src, v);
	tmpl_vars_free(v);
	return out.data;
}

/* Compiling `src` as e.xml fails with an error that starts with `where`
 * and mentions `what`. */
static void expect_error(const char *src, const char *where, const char *what)
{
	put_file("e.xml", src);
	struct tmpl *t = tmpl_load(dir, "e.xml", err, sizeof err);
	if (t) {
		tmpl_free(t);
		fail_msg("compiled, expected \"%s ... %s\"", where, what);
	}
	if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, what))
		fail_msg("error \"%s\", expected \"%s ... %s\"", err, where, what);
}

/* ---- escaping --------------------------------------------------------- */

static void text_value_is_escaped(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<p>${x}</p>"), "x", "<script>alert(\"1\")</script>&amp;"),
	                    OUT("<p>&lt;script&gt;alert(\"1\")&lt;/script&gt;&amp;amp;</p>"));
}

static void attribute_value_is_escaped(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<p title=\"a ${x} b\"/>"), "x", "\"><img src=x>&'"),
	                    OUT("<p title=\"a &quot;&gt;&lt;img src=x&gt;&amp;' b\"></p>"));
}

static void static_text_is_reescaped(void **state)
{
	(void)state;
	assert_string_equal(render(W("<p title=\"a&amp;&quot;b\">1 &lt; 2 &amp; $5 or $ {x}</p>"), NULL),
	                    OUT("<p title=\"a&amp;&quot;b\">1 &lt; 2 &amp; $5 or $ {x}</p>"));
}

static void href_javascript_is_refused(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", "javascript:alert(1)"),
	                    OUT("<a href=\"#\">x</a>"));
}

static void href_javascript_mixed_case_and_whitespace_is_refused(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", " \t\x01JaVaScRiPt:alert(1)"),
	                    OUT("<a href=\"#\">x</a>"));
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", "java\nscript:alert(1)"),
	                    OUT("<a href=\"#\">x</a>"));
}

static void url_attribute_in_any_case_is_checked(void **state)
{
	(void)state;
	/* a browser reads hrEf= and SRC= as href= and src= (fuzz_tmpl found it) */
	assert_string_equal(render1(W("<a hrEf=\"${u}\">x</a>"), "u", " JaVaScRiPt:alert(1)"),
	                    OUT("<a hrEf=\"#\">x</a>"));
	assert_string_equal(render1(W("<img SRC=\"/p/${u}\" alt=\"\"/>"), "u", "a b"),
	                    OUT("<img SRC=\"/p/a%20b\" alt=\"\">"));
}

static void src_data_url_is_refused(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<img src=\"${u}\" alt=\"\"/>"), "u", "data:text/html;base64,PHNjcmlwdD4="),
	                    OUT("<img src=\"#\" alt=\"\">"));
}

static void href_unknown_scheme_with_suffix_is_refused(void **state)
{
	(void)state;
	/* the interpolation decides the scheme even with static text after it */
	assert_string_equal(render1(W("<a href=\"${u}:x/y\">x</a>"), "u", "vbscript"),
	                    OUT("<a href=\"#\">x</a>"));
}

static void href_allowed_schemes_pass(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", "mailto:info@example.org"),
	                    OUT("<a href=\"mailto:info@example.org\">x</a>"));
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", "HTTPS://example.org/a?b=1&c=2"),
	                    OUT("<a href=\"HTTPS://example.org/a?b=1&amp;c=2\">x</a>"));
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", "tel:+49891234"),
	                    OUT("<a href=\"tel:+49891234\">x</a>"));
}

static void href_leading_whitespace_is_trimmed(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", " \n\thttp://example.org/ a"),
	                    OUT("<a href=\"http://example.org/%20a\">x</a>"));
}

static void href_relative_segment_is_percent_encoded(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<a href=\"/talks/${s}\">x</a>"), "s", "a b\"<>`\xc3\xa9%41"),
	                    OUT("<a href=\"/talks/a%20b%22%3C%3E%60%C3%A9%41\">x</a>"));
}

static void fixed_scheme_is_not_rechecked(void **state)
{
	(void)state;
	/* static "/s/" decides: the value is a path segment, never a scheme */
	assert_string_equal(render1(W("<a href=\"/s/${s}\">x</a>"), "s", "javascript:alert(1)"),
	                    OUT("<a href=\"/s/javascript:alert(1)\">x</a>"));
}

static void relative_url_value_passes(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<a href=\"${u}\">x</a>"), "u", "../a/b?c#d"),
	                    OUT("<a href=\"../a/b?c#d\">x</a>"));
}

static void nul_in_value_becomes_replacement_char(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_setn(v, "x", "a\0b", 3);
	assert_string_equal(render(W("<p>${x}</p>"), v), OUT("<p>a\xEF\xBF\xBD" "b</p>"));
	tmpl_vars_free(v);
}

/* ---- HTML5 output ----------------------------------------------------- */

static void void_elements_have_no_end_tag(void **state)
{
	(void)state;
	assert_string_equal(render(W("<br/><img src=\"a.png\" alt=\"\"></img><hr/><p/><span></span>"), NULL),
	                    OUT("<br><img src=\"a.png\" alt=\"\"><hr><p></p><span></span>"));
}

static void html_rules_hold_in_any_case(void **state)
{
	(void)state;
	/* the browser lowercases names: <BR> is void, <PRE> keeps its text */
	assert_string_equal(render(W("<BR/><Img src=\"a.png\" alt=\"\"/>"), NULL),
	                    OUT("<BR><Img src=\"a.png\" alt=\"\">"));
	assert_string_equal(render1(W("<PRE>${x}</PRE>"), "x", "\n  a"),
	                    OUT("<PRE>\n\n  a</PRE>"));
}

static void doctype_only_for_html_root(void **state)
{
	(void)state;
	assert_string_equal(render("<html " NS "><body/></html>", NULL),
	                    "<!DOCTYPE html>\n<html><body></body></html>");
	assert_string_equal(render("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"/>", NULL),
	                    "<!DOCTYPE html>\n<html></html>");
	assert_string_equal(render("<section/>", NULL), "<section></section>");
}

static void comments_pi_and_namespace_are_dropped(void **state)
{
	(void)state;
	assert_string_equal(render("<?xml version=\"1.0\"?>\n<!-- top -->\n"
	                           W("<!-- c --><?pi x?><p>a</p>"), NULL),
	                    OUT("<p>a</p>"));
}

static void whitespace_collapses_but_pre_keeps_it(void **state)
{
	(void)state;
	assert_string_equal(render(W("\n    <p>a  b</p>  <b>x</b>\n\n  <pre>  x\n   y<b/>\n  <i/></pre>"), NULL),
	                    OUT("\n<p>a  b</p> <b>x</b>\n<pre>\n  x\n   y<b></b>\n  <i></i></pre>"));
}

static void textarea_start_keeps_leading_newline(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<textarea name=\"t\">${x}</textarea>"), "x", "\nline"),
	                    OUT("<textarea name=\"t\">\n\nline</textarea>"));
}

static void script_with_src_is_allowed(void **state)
{
	(void)state;
	assert_string_equal(render(W("<script src=\"/a.js\" defer=\"defer\"/>"), NULL),
	                    OUT("<script src=\"/a.js\" defer=\"defer\"></script>"));
}

/* ---- directives ------------------------------------------------------- */

static void if_and_unless_truthiness(void **state)
{
	(void)state;
	const char *src = W("<i t:if=\"x\">y</i><b t:unless=\"x\">n</b>");
	struct { const char *value; const char *want; } cases[] = {
		{ "", OUT("<b>n</b>") },
		{ "0", OUT("<b>n</b>") },
		{ "00", OUT("<i>y</i>") },
		{ "1", OUT("<i>y</i>") },
		{ "no", OUT("<i>y</i>") },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(render1(src, "x", cases[i].value), cases[i].want);
	assert_string_equal(render(src, NULL), OUT("<b>n</b>"));     /* unset */
}

static void if_on_lists(void **state)
{
	(void)state;
	const char *src = W("<ul t:if=\"l\"><li t:each=\"l\">${n}</li></ul><p t:unless=\"l\">none</p>");
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(v, "other", "1");
	assert_string_equal(render(src, v), OUT("<p>none</p>"));
	tmpl_seti(tmpl_add(v, "l"), "n", 7);
	assert_string_equal(render(src, v), OUT("<ul><li>7</li></ul>"));
	tmpl_vars_free(v);
}

static void each_rows_shadow_outer_names(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(v, "name", "outer");
	tmpl_set(v, "site", "S");
	tmpl_set(tmpl_add(v, "rows"), "name", "a");
	tmpl_add(v, "rows");                    /* a row without "name" */
	tmpl_set(tmpl_add(v, "rows"), "name", "<c>");
	assert_string_equal(render(W("<p t:each=\"rows\">${name}@${site}</p>${name}"), v),
	                    OUT("<p>a@S</p><p>outer@S</p><p>&lt;c&gt;@S</p>outer"));
	tmpl_vars_free(v);
}

static void each_nests(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	for (int i = 1; i <= 2; i++) {
		struct tmpl_vars *s = tmpl_add(v, "sessions");
		tmpl_seti(s, "n", i);
		for (int j = 1; j <= i; j++)
			tmpl_seti(tmpl_add(s, "talks"), "t", j);
	}
	assert_string_equal(render(W("<ol t:each=\"sessions\"><li t:each=\"talks\">${n}.${t}</li></ol>"), v),
	                    OUT("<ol><li>1.1</li></ol><ol><li>2.1</li><li>2.2</li></ol>"));
	tmpl_vars_free(v);
}

static void each_sees_enclosing_row_for_outer_list(void **state)
{
	(void)state;
	/* "tags" lives at the root; inside the outer row, the row's names are
	 * still visible to the inner rows */
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(tmpl_add(v, "people"), "who", "A");
	tmpl_set(tmpl_add(v, "tags"), "tag", "x");
	assert_string_equal(render(W("<p t:each=\"people\"><b t:each=\"tags\">${who}${tag}</b></p>"), v),
	                    OUT("<p><b>Ax</b></p>"));
	tmpl_vars_free(v);
}

static void each_wraps_if(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	const char *shown[] = { "1", "", "1" };
	for (int i = 0; i < 3; i++) {
		struct tmpl_vars *r = tmpl_add(v, "items");
		tmpl_seti(r, "n", i);
		tmpl_set(r, "shown", shown[i]);
	}
	assert_string_equal(render(W("<i t:each=\"items\" t:if=\"shown\">${n}</i>"), v),
	                    OUT("<i>0</i><i>2</i>"));
	tmpl_vars_free(v);
}

static void optional_attribute_is_omitted_when_empty(void **state)
{
	(void)state;
	const char *src = W("<input type=\"checkbox\" checked=\"${c?}\"/><a href=\"${u?}\">x</a>");
	assert_string_equal(render(src, NULL),
	                    OUT("<input type=\"checkbox\"><a>x</a>"));
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(v, "c", "checked");
	tmpl_set(v, "u", "javascript:x");
	assert_string_equal(render(src, v),
	                    OUT("<input type=\"checkbox\" checked=\"checked\"><a href=\"#\">x</a>"));
	tmpl_vars_free(v);
}

static void raw_replaces_content_unescaped(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<div class=\"md\" t:raw=\"body_html\"> </div>"),
	                            "body_html", "<p>Hi &amp; <em>you</em></p>"),
	                    OUT("<div class=\"md\"><p>Hi &amp; <em>you</em></p></div>"));
}

static void block_renders_only_its_content(void **state)
{
	(void)state;
	assert_string_equal(render1(W("<t:block t:if=\"x\"><b>${x}</b>!</t:block><t:block t:unless=\"x\">no</t:block>"),
	                            "x", "yes"),
	                    OUT("<b>yes</b>!"));
}

static void include_is_inlined(void **state)
{
	(void)state;
	put_file("parts/_nav.xml", "<nav " NS "><a href=\"/\">${site}</a><t:include src=\"parts/_leaf.xml\"/></nav>");
	put_file("parts/_leaf.xml", "<t:block " NS "><i>leaf</i></t:block>");
	assert_string_equal(render1("<html " NS "><t:include src=\"parts/_nav.xml\"/></html>", "site", "S&T"),
	                    "<!DOCTYPE html>\n<html><nav><a href=\"/\">S&amp;T</a><i>leaf</i></nav></html>");
}

static void include_inside_each_sees_row(void **state)
{
	(void)state;
	put_file("parts/_row.xml", "<li>${n}</li>");
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(tmpl_add(v, "l"), "n", "a");
	tmpl_set(tmpl_add(v, "l"), "n", "b");
	assert_string_equal(render(W("<t:include t:each=\"l\" src=\"parts/_row.xml\"/>"), v),
	                    OUT("<li>a</li><li>b</li>"));
	tmpl_vars_free(v);
}

/* ---- compile errors --------------------------------------------------- */

static void error_malformed_xml(void **state)
{
	(void)state;
	expect_error(W("\n<p>\n<b></p>"), "e.xml:3:", "");
}

static void error_unknown_directive_attribute(void **state)
{
	(void)state;
	expect_error(W("\n\n<p t:iff=\"x\"/>"), "e.xml:3:", "unknown directive t:iff");
}

static void error_unknown_directive_element(void **state)
{
	(void)state;
	expect_error(W("\n<t:loop/>"), "e.xml:2:", "<t:loop>");
}

static void error_unknown_namespace(void **state)
{
	(void)state;
	expect_error("<div " NS " xmlns:x=\"urn:x\">\n<x:p/></div>", "e.xml:2:", "namespace");
	expect_error("<div " NS " xmlns:x=\"urn:x\">\n<p x:a=\"1\"/></div>", "e.xml:2:", "namespace");
}

static void error_event_handler_attribute(void **state)
{
	(void)state;
	expect_error(W("\n<button\n  type=\"button\"\n  onClick=\"go()\">x</button>"),
	             "e.xml:2:", "onClick");
}

static void error_style_attribute(void **state)
{
	(void)state;
	expect_error(W("\n<p style=\"color:red\"/>"), "e.xml:2:", "style");
}

static void error_inline_script_and_style(void **state)
{
	(void)state;
	expect_error(W("\n<script>alert(1)</script>"), "e.xml:2:", "<script>");
	/* content given at render time is inline too (fuzz_tmpl.c: no '<' in a <script>) */
	expect_error(W("\n<script t:raw=\"body_html\"/>"), "e.xml:2:", "<script>");
	expect_error(W("\n\n<style/>"), "e.xml:3:", "<style>");
}

static void error_srcdoc_interpolation(void **state)
{
	(void)state;
	expect_error(W("\n<iframe srcdoc=\"${x}\"/>"), "e.xml:2:", "srcdoc");
}

static void xml_warning_does_not_fail(void **state)
{
	(void)state;
	/* XML 1.1 is parsed as 1.0 with a warning from libxml2 */
	assert_string_equal(render("<?xml version=\"1.1\"?><p " NS ">x</p>", NULL), "<p>x</p>");
}

static void error_raw_needs_html_suffix(void **state)
{
	(void)state;
	expect_error(W("\n<div t:raw=\"body\"/>"), "e.xml:2:", "_html");
}

static void error_raw_element_must_be_empty(void **state)
{
	(void)state;
	expect_error(W("\n<div t:raw=\"b_html\">lost</div>"), "e.xml:2:", "empty");
}

static void error_content_in_void_element(void **state)
{
	(void)state;
	expect_error(W("\n<br>x</br>"), "e.xml:2:", "void");
}

static void error_bad_reference_has_its_line(void **state)
{
	(void)state;
	expect_error(W("<p>one\ntwo ${ok}\nthree ${bad-name}</p>"), "e.xml:3:", "bad ${");
	expect_error(W("\n<p>${1x}</p>"), "e.xml:2:", "bad ${");
	expect_error(W("\n\n<p>${open</p>"), "e.xml:3:", "missing '}'");
	expect_error(W("\n<a href=\"/x/${y\"/>"), "e.xml:2:", "missing '}'");
	expect_error(W("\n<p>${x?}</p>"), "e.xml:2:", "whole attribute value");
	expect_error(W("\n<a title=\"a ${x?}\"/>"), "e.xml:2:", "whole value");
}

static void error_bad_directive_name(void **state)
{
	(void)state;
	expect_error(W("\n<p t:if=\"${x}\"/>"), "e.xml:2:", "t:if");
}

static void error_include_loop(void **state)
{
	(void)state;
	put_file("parts/_a.xml", "<t:block " NS ">\n<t:include src=\"parts/_b.xml\"/></t:block>");
	put_file("parts/_b.xml", "<t:block " NS ">\n\n<t:include src=\"parts/_a.xml\"/></t:block>");
	expect_error(W("<t:include src=\"parts/_a.xml\"/>"), "parts/_b.xml:3:", "include loop");
}

static void error_include_bad_paths(void **state)
{
	(void)state;
	expect_error(W("\n<t:include src=\"/etc/passwd\"/>"), "e.xml:2:", "relative path");
	expect_error(W("\n<t:include src=\"parts/../e.xml\"/>"), "e.xml:2:", "relative path");
	expect_error(W("\n<t:include src=\"parts/_missing.xml\"/>"), "e.xml:2:", "_missing.xml");
	expect_error(W("\n<t:include src=\"parts//_a.xml\"/>"), "e.xml:2:", "relative path");
	expect_error(W("\n<t:include src=\"./parts/_a.xml\"/>"), "e.xml:2:", "relative path");
	expect_error(W("\n<t:include/>"), "e.xml:2:", "src=");
}

static void error_include_too_deep(void **state)
{
	(void)state;
	char name[32], body[160];
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof name, "parts/_d%d.xml", i);
		snprintf(body, sizeof body, "<t:block " NS "><t:include src=\"parts/_d%d.xml\"/></t:block>", i + 1);
		put_file(name, body);
	}
	put_file("parts/_d10.xml", "<i/>");
	expect_error(W("<t:include src=\"parts/_d0.xml\"/>"), "parts/_d7.xml:1:", "deeper than 8");
}

static void error_malformed_include_names_its_file(void **state)
{
	(void)state;
	put_file("parts/_bad.xml", "<p>\n\n<b></p>");
	expect_error(W("<t:include src=\"parts/_bad.xml\"/>"), "parts/_bad.xml:3:", "");
}

static void error_entity_reference_not_expanded(void **state)
{
	(void)state;
	expect_error("<!DOCTYPE div [<!ENTITY e \"<script>x</script>\">]>\n" W("\n<p>&e;</p>"),
	             "e.xml:3:", "entity");
}

static void error_missing_file(void **state)
{
	(void)state;
	assert_null(tmpl_load(dir, "nope.xml", err, sizeof err));
	assert_string_equal(err, "nope.xml:0: cannot read template: No such file or directory");
	assert_null(tmpl_load(dir, "../x.xml", err, sizeof err));
}

/* ---- variables -------------------------------------------------------- */

static void vars_get_set_and_scopes(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_null(tmpl_get(v, "a"));
	tmpl_set(v, "a", "1");
	tmpl_set(v, "a", "2");                  /* a later set wins */
	tmpl_set(v, "n", NULL);
	tmpl_seti(v, "i", -42);
	struct tmpl_vars *r = tmpl_add(v, "l");
	tmpl_set(r, "b", "x");
	assert_string_equal(tmpl_get(v, "a"), "2");
	assert_string_equal(tmpl_get(v, "n"), "");
	assert_string_equal(tmpl_get(v, "i"), "-42");
	assert_string_equal(tmpl_get(r, "a"), "2");
	assert_string_equal(tmpl_get(r, "b"), "x");
	assert_null(tmpl_get(v, "b"));
	assert_null(tmpl_get(v, "l"));          /* a list is not a value */
	tmpl_vars_free(v);
}

/* One request's worth of data, the same every time. */
static void fill(struct tmpl_vars *v)
{
	tmpl_set(v, "title", "Programme & <more>");
	for (int i = 0; i < 100; i++) {
		struct tmpl_vars *r = tmpl_add(v, "talks");
		tmpl_seti(r, "id", i);
		tmpl_set(r, "title", i % 2 ? "odd" : "even");
	}
}

static void clear_and_reuse_renders_the_same(void **state)
{
	(void)state;
	const char *src = W("<h1>${title}</h1><p t:each=\"talks\"><a href=\"/t/${id}\">${title}</a></p>");
	struct tmpl_vars *v = tmpl_vars_new();
	fill(v);
	char *first = xstrdup(render(src, v));
	const char *where = tmpl_get(v, "title");
	tmpl_vars_clear(v);
	assert_null(tmpl_get(v, "title"));
	assert_string_equal(render(src, v), OUT("<h1></h1>"));
	fill(v);
	assert_string_equal(render(src, v), first);
	assert_ptr_equal(tmpl_get(v, "title"), where);  /* memory was recycled */
	free(first);
	tmpl_vars_free(v);
}

static void large_values_span_chunks(void **state)
{
	(void)state;
	size_t n = 100000;
	char *big = xmalloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(v, "small", "s");
	tmpl_set(v, "big", big);
	render(W("${small}${big}"), v);
	assert_int_equal(out.len, strlen(OUT("s")) + n);
	tmpl_vars_clear(v);
	tmpl_set(v, "big", big);
	assert_string_equal(tmpl_get(v, "big"), big);
	free(big);
	tmpl_vars_free(v);
}

/* The check mode: an unset ${name} is counted (and reported on stderr);
 * set names, empty values and ${name?} are not; off, nothing is counted. */
static void check_mode_counts_unset_names(void **state)
{
	(void)state;
	unsigned long before = tmpl_unset();
	tmpl_check(true);
	assert_string_equal(render1("<p>${a}${b}</p>", "a", "x"), "<p>x</p>");
	assert_int_equal(tmpl_unset(), before + 1);
	render1("<a href=\"${b?}\" title=\"${a}\">${a}</a>", "a", "");
	assert_int_equal(tmpl_unset(), before + 1);
	tmpl_check(false);
	render1("<p>${b}</p>", "a", "x");
	assert_int_equal(tmpl_unset(), before + 1);
}

static void check_mode_sees_outer_scopes_in_lists(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(v, "outer", "o");
	tmpl_set(tmpl_add(v, "rows"), "inner", "i");
	unsigned long before = tmpl_unset();
	tmpl_check(true);
	assert_string_equal(render("<p " NS " t:each=\"rows\">${inner}${outer}</p>", v), "<p>io</p>");
	tmpl_check(false);
	assert_int_equal(tmpl_unset(), before);
	tmpl_vars_free(v);
}


/* ---- JSON scripts (JSON-LD) ------------------------------------------- */

#define JS(x) W("<script type=\"application/ld+json\">" x "</script>")
#define JSOUT(x) OUT("<script type=\"application/ld+json\">" x "</script>")

static void json_value_is_escaped_inside_its_string(void **state)
{
	(void)state;
	assert_string_equal(render1(JS("{\"name\": \"${x}\"}"), "x", "a \"b\" \\ c"),
	                    JSOUT("{\"name\": \"a \\\"b\\\" \\\\ c\"}"));
}

static void json_value_cannot_end_the_script(void **state)
{
	(void)state;
	assert_string_equal(render1(JS("{\"n\": \"${x}\"}"), "x", "</script><!--&x>"),
	                    JSOUT("{\"n\": \"\\u003c/script\\u003e\\u003c!--\\u0026x\\u003e\"}"));
}

static void json_controls_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(render1(JS("{\"n\": \"${x}\"}"), "x", "a\nb\rc\td\x01" "e\x1f"),
	                    JSOUT("{\"n\": \"a\\nb\\rc\\td\\u0001e\\u001f\"}"));
}

static void json_line_separators_are_escaped(void **state)
{
	(void)state;
	assert_string_equal(render1(JS("{\"n\": \"${x}\"}"), "x", "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c"),
	                    JSOUT("{\"n\": \"a\\u2028b\\u2029c\"}"));
}

static void json_keeps_utf8_and_replaces_broken_bytes(void **state)
{
	(void)state;
	/* ü and € stay; a lone continuation byte, a truncated sequence, an
	 * overlong '/' and an encoded surrogate do not. */
	assert_string_equal(render1(JS("{\"n\": \"${x}\"}"), "x",
	                            "\xC3\xBC\xE2\x82\xAC\x80" "a\xE2\x82" "b\xC0\xAF\xED\xA0\x80"),
	                    JSOUT("{\"n\": \"\xC3\xBC\xE2\x82\xAC\\ufffda\\ufffd\\ufffdb"
	                          "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"}"));
}

static void json_each_separates_rows_with_commas(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(tmpl_add(v, "rows"), "n", "a");
	tmpl_set(tmpl_add(v, "rows"), "n", "b\"");
	tmpl_set(tmpl_add(v, "rows"), "n", "c");
	assert_string_equal(render(JS("[<t:block t:each=\"rows\">\"${n}\"</t:block>]"), v),
	                    JSOUT("[\"a\",\"b\\\"\",\"c\"]"));
	tmpl_vars_free(v);
	v = tmpl_vars_new();
	assert_string_equal(render(JS("[<t:block t:each=\"rows\">\"${n}\"</t:block>]"), v),
	                    JSOUT("[]"));
	tmpl_vars_free(v);
}

static void json_if_leaves_out_a_member(void **state)
{
	(void)state;
	const char *src = JS("{<t:block t:if=\"x\">\"x\": \"${x}\", </t:block>\"y\": \"1\"}");
	assert_string_equal(render1(src, "x", ""), JSOUT("{\"y\": \"1\"}"));
	assert_string_equal(render1(src, "x", "2"), JSOUT("{\"x\": \"2\", \"y\": \"1\"}"));
}

static void error_json_value_outside_a_string(void **state)
{
	(void)state;
	expect_error(JS("\n{\"n\": ${x}}"), "e.xml:2:", "inside a string");
	/* A quote escaped in the static text does not end the string... */
	assert_string_equal(render1(JS("{\"n\": \"a\\\"${x}\"}"), "x", "b"),
	                    JSOUT("{\"n\": \"a\\\"b\"}"));
	/* ...and after a closed one the value is outside again. */
	expect_error(JS("{\"n\": \"a\\\\\" ${x}}"), "e.xml:1:", "inside a string");
}

static void error_json_static_text_and_elements(void **state)
{
	(void)state;
	expect_error(JS("\n{\"n\": \"&lt;/script>\"}"), "e.xml:2:", "'<'");
	expect_error(JS("{\"n\": \"<b>x</b>\"}"), "e.xml:1:", "<t:block>");
	expect_error(JS("{\"n\": \"<t:block t:if=\"x\">y</t:block>\"}"), "e.xml:1:", "inside a JSON string");
	expect_error(JS("{\"n\": \"x}"), "e.xml:1:", "ends inside a string");
	expect_error(W("<script type=\"application/ld+json\" t:raw=\"x_html\"/>"), "e.xml:1:", "t:raw");
	/* Any other script stays empty. */
	expect_error(W("<script type=\"text/javascript\">{}</script>"), "e.xml:1:", "<script>");
}

/* ---- XML output ------------------------------------------------------- */

#define ATOM "<feed xmlns=\"http://www.w3.org/2005/Atom\" " NS ">"

static void xml_root_gets_declaration_and_empty_elements(void **state)
{
	(void)state;
	assert_string_equal(render1(ATOM "<title>${x}</title><link href=\"${x}\"/></feed>", "x", "/a&b"),
	                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	                    "<title>/a&amp;b</title><link href=\"/a&amp;b\"/></feed>");
}

static void xml_keeps_prefixes_and_declarations(void **state)
{
	(void)state;
	assert_string_equal(render1("<urlset xmlns=\"urn:s\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\" "
	                            NS "><xhtml:link hreflang=\"${x}\" xml:lang=\"de\"/></urlset>", "x", "de"),
	                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                    "<urlset xmlns=\"urn:s\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">"
	                    "<xhtml:link hreflang=\"de\" xml:lang=\"de\"/></urlset>");
}

static void xml_drops_characters_xml_cannot_hold(void **state)
{
	(void)state;
	assert_string_equal(render1(ATOM "<title a=\"${x}\">${x}</title></feed>", "x", "a\x01\tb\x1f\n"),
	                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	                    "<title a=\"a\xEF\xBF\xBD\tb\xEF\xBF\xBD\n\">a\xEF\xBF\xBD\tb\xEF\xBF\xBD\n</title></feed>");
}

static void xml_url_attribute_is_still_checked(void **state)
{
	(void)state;
	assert_string_equal(render1(ATOM "<link href=\"${x}\"/></feed>", "x", "javascript:alert(1)"),
	                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><link href=\"#\"/></feed>");
}

/* ---- message catalogs (#{key}) ---- */

#define CAT(x) "<catalog>" x "</catalog>"

/* Compile src as t.xml with the catalog text cat (c.xml); NULL when either
 * fails, with the reason in err. */
static const char *render_cat(const char *src, const char *cat, const struct tmpl_vars *v)
{
	put_file("t.xml", src);
	put_file("c.xml", cat);
	struct tmpl_catalog *c = tmpl_catalog_load(dir, "c.xml", err, sizeof err);
	struct tmpl *t = c ? tmpl_load_with(dir, "t.xml", c, err, sizeof err) : NULL;
	tmpl_catalog_free(c);
	if (!t)
		return NULL;
	buf_reset(&out);
	tmpl_render(t, v, &out);
	tmpl_free(t);
	return out.data;
}

static void catalog_message_in_text_and_attribute(void **state)
{
	(void)state;
	const char *r = render_cat(W("<a title=\"#{t}\">#{hi}</a>"),
		CAT("<m k=\"hi\">Zum   Inhalt\n  springen</m><m k=\"t\">Titel</m>"), NULL);
	assert_non_null(r);
	assert_string_equal(r, OUT("<a title=\"Titel\">Zum Inhalt springen</a>"));
}

static void catalog_message_is_escaped_and_interpolates(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	tmpl_set(v, "n", "<3>");
	const char *r = render_cat(W("<p title=\"#{m}\">#{m}</p>"),
		CAT("<m k=\"m\">Foto ${n} &amp; &lt;b&gt; \"x\"</m>"), v);
	assert_non_null(r);
	assert_string_equal(r, OUT("<p title=\"Foto &lt;3&gt; &amp; &lt;b&gt; &quot;x&quot;\">"
		"Foto &lt;3&gt; &amp; &lt;b&gt; \"x\"</p>"));
	tmpl_vars_free(v);
}

static void catalog_missing_key_fails_with_file_and_line(void **state)
{
	(void)state;
	assert_null(render_cat(W("\n\n<p>#{nope}</p>"), CAT("<m k=\"hi\">x</m>"), NULL));
	assert_non_null(strstr(err, "t.xml:3:"));
	assert_non_null(strstr(err, "#{nope}"));
	assert_non_null(strstr(err, "c.xml"));
}

static void catalog_without_catalog_is_an_error(void **state)
{
	(void)state;
	put_file("t.xml", W("<p>#{hi}</p>"));
	assert_null(tmpl_load(dir, "t.xml", err, sizeof err));
	assert_non_null(strstr(err, "catalog"));
}

static void catalog_markup_in_a_message_is_refused(void **state)
{
	(void)state;
	assert_null(render_cat(W("<p>#{hi}</p>"), CAT("\n<m k=\"hi\">a <b>b</b></m>"), NULL));
	assert_non_null(strstr(err, "c.xml:2:"));
}

static void catalog_duplicate_key_is_refused(void **state)
{
	(void)state;
	assert_null(render_cat(W("<p>#{hi}</p>"), CAT("<m k=\"hi\">a</m>\n<m k=\"hi\">b</m>"), NULL));
	assert_non_null(strstr(err, "c.xml:2:"));
	assert_non_null(strstr(err, "twice"));
}

static void catalog_bad_reference_is_refused(void **state)
{
	(void)state;
	assert_null(render_cat(W("<p>#{hi</p>"), CAT("<m k=\"hi\">a</m>"), NULL));
	assert_non_null(strstr(err, "bad #{"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_value_is_escaped),
		cmocka_unit_test(attribute_value_is_escaped),
		cmocka_unit_test(static_text_is_reescaped),
		cmocka_unit_test(href_javascript_is_refused),
		cmocka_unit_test(href_javascript_mixed_case_and_whitespace_is_refused),
		cmocka_unit_test(url_attribute_in_any_case_is_checked),
		cmocka_unit_test(src_data_url_is_refused),
		cmocka_unit_test(href_unknown_scheme_with_suffix_is_refused),
		cmocka_unit_test(href_allowed_schemes_pass),
		cmocka_unit_test(href_leading_whitespace_is_trimmed),
		cmocka_unit_test(href_relative_segment_is_percent_encoded),
		cmocka_unit_test(fixed_scheme_is_not_rechecked),
		cmocka_unit_test(relative_url_value_passes),
		cmocka_unit_test(nul_in_value_becomes_replacement_char),
		cmocka_unit_test(void_elements_have_no_end_tag),
		cmocka_unit_test(html_rules_hold_in_any_case),
		cmocka_unit_test(doctype_only_for_html_root),
		cmocka_unit_test(comments_pi_and_namespace_are_dropped),
		cmocka_unit_test(whitespace_collapses_but_pre_keeps_it),
		cmocka_unit_test(textarea_start_keeps_leading_newline),
		cmocka_unit_test(script_with_src_is_allowed),
		cmocka_unit_test(if_and_unless_truthiness),
		cmocka_unit_test(if_on_lists),
		cmocka_unit_test(each_rows_shadow_outer_names),
		cmocka_unit_test(each_nests),
		cmocka_unit_test(each_sees_enclosing_row_for_outer_list),
		cmocka_unit_test(each_wraps_if),
		cmocka_unit_test(optional_attribute_is_omitted_when_empty),
		cmocka_unit_test(raw_replaces_content_unescaped),
		cmocka_unit_test(block_renders_only_its_content),
		cmocka_unit_test(include_is_inlined),
		cmocka_unit_test(include_inside_each_sees_row),
		cmocka_unit_test(error_malformed_xml),
		cmocka_unit_test(error_unknown_directive_attribute),
		cmocka_unit_test(error_unknown_directive_element),
		cmocka_unit_test(error_unknown_namespace),
		cmocka_unit_test(error_event_handler_attribute),
		cmocka_unit_test(error_style_attribute),
		cmocka_unit_test(error_inline_script_and_style),
		cmocka_unit_test(error_srcdoc_interpolation),
		cmocka_unit_test(xml_warning_does_not_fail),
		cmocka_unit_test(error_raw_needs_html_suffix),
		cmocka_unit_test(error_raw_element_must_be_empty),
		cmocka_unit_test(error_content_in_void_element),
		cmocka_unit_test(error_bad_reference_has_its_line),
		cmocka_unit_test(error_bad_directive_name),
		cmocka_unit_test(error_include_loop),
		cmocka_unit_test(error_include_bad_paths),
		cmocka_unit_test(error_include_too_deep),
		cmocka_unit_test(error_malformed_include_names_its_file),
		cmocka_unit_test(error_entity_reference_not_expanded),
		cmocka_unit_test(error_missing_file),
		cmocka_unit_test(vars_get_set_and_scopes),
		cmocka_unit_test(clear_and_reuse_renders_the_same),
		cmocka_unit_test(check_mode_counts_unset_names),
		cmocka_unit_test(check_mode_sees_outer_scopes_in_lists),
		cmocka_unit_test(large_values_span_chunks),
		cmocka_unit_test(json_value_is_escaped_inside_its_string),
		cmocka_unit_test(json_value_cannot_end_the_script),
		cmocka_unit_test(json_controls_are_escaped),
		cmocka_unit_test(json_line_separators_are_escaped),
		cmocka_unit_test(json_keeps_utf8_and_replaces_broken_bytes),
		cmocka_unit_test(json_each_separates_rows_with_commas),
		cmocka_unit_test(json_if_leaves_out_a_member),
		cmocka_unit_test(error_json_value_outside_a_string),
		cmocka_unit_test(error_json_static_text_and_elements),
		cmocka_unit_test(xml_root_gets_declaration_and_empty_elements),
		cmocka_unit_test(xml_keeps_prefixes_and_declarations),
		cmocka_unit_test(xml_drops_characters_xml_cannot_hold),
		cmocka_unit_test(xml_url_attribute_is_still_checked),
		cmocka_unit_test(catalog_message_in_text_and_attribute),
		cmocka_unit_test(catalog_message_is_escaped_and_interpolates),
		cmocka_unit_test(catalog_missing_key_fails_with_file_and_line),
		cmocka_unit_test(catalog_without_catalog_is_an_error),
		cmocka_unit_test(catalog_markup_in_a_message_is_refused),
		cmocka_unit_test(catalog_duplicate_key_is_refused),
		cmocka_unit_test(catalog_bad_reference_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
