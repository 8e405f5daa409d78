/* md: Markdown to HTML that the templates may print unescaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

/* The output of md_to_html for s; freed by the caller. */
static char *render(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	assert_int_equal(md_to_html(&b, s, len), 0);
	buf_puts(&b, "");
	return b.data;
}

static char *html(const char *s)
{
	return render(s, strlen(s));
}

static int is_one_of(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(name, *list, n) == 0)
			return 1;
	return 0;
}

/* Every tag in h must be one cmark makes for Markdown, with only the
 * attributes it uses, double-quoted, and every href/src must pass the
 * allow-list.  Text never contains a raw '<' (it would be &lt;). */
static void assert_safe(const char *h)
{
	static const char *const tags[] = {
		"p", "em", "strong", "a", "img", "code", "pre", "h2", "h3", "h4",
		"h5", "h6", "ul", "ol", "li", "blockquote", "hr", "br", "table",
		"thead", "tbody", "tr", "th", "td", NULL
	};
	static const char *const attrs[] = { "href", "src", "alt", "title", "start", "class",
		"align", NULL };
	const char *p = h;

	assert_null(strstr(h, "<!--"));
	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (*p == '/')
			p++;
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!is_one_of(p, n, tags))
			fail_msg("unexpected tag in: %s", h);
		p += n;
		for (;;) {
			p += strspn(p, " ");
			if (*p == '>' || strncmp(p, "/>", 2) == 0)
				break;
			size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz");
			if (!is_one_of(p, an, attrs) || p[an] != '=' || p[an + 1] != '"')
				fail_msg("unexpected attribute in: %s", h);
			const char *v = p + an + 2, *end = strchr(v, '"');
			assert_non_null(end);
			assert_null(memchr(v, '<', (size_t)(end - v)));
			if (strncmp(p, "href", an) == 0 || strncmp(p, "src", an) == 0) {
				char *url = strndup(v, (size_t)(end - v));
				assert_true(md_url_allowed(url, p[0] == 's'));
				free(url);
			}
			p = end + 1;
		}
	}
}

/* Render, check the output is safe, and check it contains / lacks. */
static void expect(const char *in, const char *want, const char *unwanted)
{
	char *h = html(in);
	assert_safe(h);
	if (want && !strstr(h, want))
		fail_msg("%s\n  gave %s\n  without %s", in, h, want);
	if (unwanted && strstr(h, unwanted))
		fail_msg("%s\n  gave %s\n  with %s", in, h, unwanted);
	free(h);
}

static void script_tag_is_text(void **state)
{
	(void)state;
	expect("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script");
	expect("x <script>alert(1)</script> y", "x &lt;script&gt;", "<script");
}

static void img_onerror_is_text(void **state)
{
	(void)state;
	expect("a <img src=x onerror=alert(1)> b", "a &lt;img src=x onerror=alert(1)&gt; b", "<img");
	expect("<div onclick=\"x()\">hi</div>", "&lt;div onclick=&quot;x()&quot;&gt;hi&lt;/div&gt;", "<div");
	expect("<svg/onload=alert(1)>", "&lt;svg/onload=alert(1)&gt;", "<svg");
}

static void raw_html_leaves_no_comment(void **state)
{
	(void)state;
	expect("<b>bold</b> and <!-- note -->", "&lt;b&gt;bold&lt;/b&gt;", "<!--");
	expect("<style>p{}</style>\n\ntext", "<p>text</p>", "<style");
}

static void javascript_link_keeps_text_only(void **state)
{
	(void)state;
	expect("[x](javascript:alert(1))", "<p>x</p>", "<a");
	expect("[x](JaVaScRiPt:alert(1))", "<p>x</p>", "href");
	expect("[x](  java&#x09;script:alert(1))", "<p>x</p>", "href");
	expect("[x](<javascript:alert(1)>)", "<p>x</p>", "href");
	expect("[x]\n\n[x]: javascript:alert(1)", "<p>x</p>", "href");
}

static void javascript_autolink_is_text(void **state)
{
	(void)state;
	expect("<javascript:alert(1)>", "<p>javascript:alert(1)</p>", "<a");
	expect("<vbscript:msgbox(1)>", "vbscript:msgbox(1)", "<a");
}

static void other_schemes_refused(void **state)
{
	(void)state;
	expect("[v](vbscript:x) [f](file:///etc/passwd) [d](data:text/html,x)", "<p>v f d</p>", "href");
	expect("![alt *text*](data:image/png;base64,AAAA)", "alt <em>text</em>", "<img");
	expect("![a](javascript:alert(1))", "<p>a</p>", "<img");
	expect("![a](mailto:x@example.org)", "<p>a</p>", "<img");
}

static void good_links_kept(void **state)
{
	(void)state;
	expect("[a](https://example.org/x?y=1&z=2)", "<a href=\"https://example.org/x?y=1&amp;z=2\">a</a>", NULL);
	expect("<https://example.org>", "<a href=\"https://example.org\">https://example.org</a>", NULL);
	expect("[m](mailto:info@example.org) [t](tel:+4989899679)", "href=\"tel:+4989899679\"", NULL);
	expect("[p](/2023/press) [q](press/de) [r](#top)", "<a href=\"/2023/press\">p</a>", NULL);
	expect("![photo](/media/ab/x.jpg)", "<img src=\"/media/ab/x.jpg\" alt=\"photo\"", NULL);
}

static void attributes_cannot_be_broken_out_of(void **state)
{
	(void)state;
	expect("[a](https://e.org/\"onmouseover=\"x)", "href=\"https://e.org/%22onmouseover=%22x\"", "\"onmouseover");
	expect("[a](https://e.org \"t\\\" onmouseover=\\\"x\")", "title=\"t&quot; onmouseover=&quot;x\"", NULL);
	/* Escaped quotes stay straight despite smart punctuation. */
	expect("![a\\\" onerror=\\\"x](/i.png)", "alt=\"a&quot; onerror=&quot;x\"", NULL);
}

static void entities(void **state)
{
	(void)state;
	expect("&amp; &copy; &lt;b&gt; &#60;script&#62; &#0; &#x110000;",
			"<p>&amp; © &lt;b&gt; &lt;script&gt; \xEF\xBF\xBD \xEF\xBF\xBD</p>", "<b>");
	expect("AT&T < > \"q\"", "AT&amp;T &lt; &gt; “q”", NULL);
}

static void nested_emphasis(void **state)
{
	(void)state;
	expect("*a **b** c*", "<em>a <strong>b</strong> c</em>", NULL);
	expect("***both***", "<em><strong>both</strong></em>", NULL);
	expect("**a *b [c](https://e.org) d* e**",
			"<strong>a <em>b <a href=\"https://e.org\">c</a> d</em> e</strong>", NULL);
}

static void utf8_umlauts_survive(void **state)
{
	(void)state;
	expect("Grüße aus München: Äpfel, Öl, Übung, Straße – „Zitat“",
			"Grüße aus München: Äpfel, Öl, Übung, Straße – „Zitat“", NULL);
}

static void invalid_utf8_and_nul_replaced(void **state)
{
	(void)state;
	static const char in[] = "a\xff" "b\xc3" "c\0d";
	char *h = render(in, sizeof in - 1);
	assert_string_equal(h, "<p>a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d</p>\n");
	free(h);
}

static void smart_punctuation(void **state)
{
	(void)state;
	expect("\"Hallo\" -- it's --- done...", "<p>“Hallo” – it’s — done…</p>", NULL);
}

static void headings_start_at_h2(void **state)
{
	(void)state;
	expect("# Title", "<h2>Title</h2>", "<h1");
	expect("## Sub\n\n### Subsub", "<h3>Subsub</h3>", "<h1");
	expect("Title\n=====", "<h2>Title</h2>", "<h1");
}

static void no_sourcepos(void **state)
{
	(void)state;
	expect("# a\n\npara", "<p>para</p>", "data-sourcepos");
}

static void empty_input(void **state)
{
	(void)state;
	char *h = render("", 0);
	assert_string_equal(h, "");
	free(h);
}

static void long_input_limit(void **state)
{
	(void)state;
	char *s = xmalloc(MD_INPUT_MAX + 2);
	for (size_t i = 0; i < MD_INPUT_MAX + 1; i++)
		s[i] = i % 80 == 79 ? '\n' : "Lorem ipsum "[i % 12];
	s[MD_INPUT_MAX + 1] = '\0';

	struct buf b = BUF_INIT;
	buf_puts(&b, "kept");
	assert_int_equal(md_to_html(&b, s, MD_INPUT_MAX + 1), -1);
	assert_string_equal(b.data, "kept");          /* unchanged */
	assert_int_equal(md_to_html(&b, s, MD_INPUT_MAX), 0);
	assert_true(b.len > MD_INPUT_MAX);
	assert_safe(b.data + 4);
	buf_free(&b);
	free(s);
}

/* Inputs known to make CommonMark parsers slow or deep still finish at
 * the size limit and stay safe. */
static void hostile_long_inputs(void **state)
{
	(void)state;
	static const char *const units[] = {
		"![[]()", "[", "*a_", "> ", "<a ", "[x](javascript:1)", "<img onerror=x>",
		"**_", "`", "- ", "&#x3C;script&#x3E;",
	};
	char *s = xmalloc(MD_INPUT_MAX + 1);
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t ul = strlen(units[u]), n = 0;
		while (n + ul <= MD_INPUT_MAX) {
			memcpy(s + n, units[u], ul);
			n += ul;
		}
		s[n] = '\0';
		char *h = render(s, n);
		assert_safe(h);
		assert_null(strstr(h, "javascript:"));
		free(h);
	}
	free(s);
}

static void url_allow_list(void **state)
{
	(void)state;
	assert_true(md_url_allowed("https://example.org", 0));
	assert_true(md_url_allowed("HTTP://example.org", 0));
	assert_true(md_url_allowed("mailto:a@b", 0));
	assert_true(md_url_allowed("tel:+49", 0));
	assert_true(md_url_allowed("/a/b:c", 0));
	assert_true(md_url_allowed("?q=a:b", 0));
	assert_true(md_url_allowed("#x:y", 0));
	assert_true(md_url_allowed("", 0));
	assert_true(md_url_allowed("averyveryverylongrelativefilename.pdf", 0));
	assert_false(md_url_allowed("javascript:alert(1)", 0));
	assert_false(md_url_allowed(" \x01javascript:x", 0));
	assert_false(md_url_allowed("java\tscr\nipt:x", 0));
	assert_false(md_url_allowed("data:image/png;base64,AA", 1));
	assert_false(md_url_allowed("mailto:a@b", 1));
	assert_false(md_url_allowed(":x", 0));
	assert_false(md_url_allowed("averyveryverylongschemename:x", 0));
	assert_false(md_url_allowed("https\x01:x", 0));
}

/* GFM tables: a header row, the delimiter row, body rows. */
static void table_becomes_table(void **state)
{
	(void)state;
	char *h = html("| Talk | Speaker |\n|---|:--:|\n| Keynote | Prof. A |\n| Panel | B |\n");
	assert_non_null(strstr(h, "<table>"));
	assert_non_null(strstr(h, "<th>Talk</th>"));
	assert_non_null(strstr(h, "<th align=\"center\">Speaker</th>"));
	assert_non_null(strstr(h, "<td>Keynote</td>"));
	assert_non_null(strstr(h, "<td align=\"center\">B</td>"));
	assert_null(strstr(h, "|"));
	assert_safe(h);
	free(h);
}

/* Raw HTML in a cell is text, like anywhere else. */
static void table_cell_html_is_text(void **state)
{
	(void)state;
	char *h = html("| a | b |\n|---|---|\n| <script>x</script> | <img src=x onerror=y> |\n");
	assert_non_null(strstr(h, "<td>&lt;script&gt;x&lt;/script&gt;</td>"));
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_safe(h);
	free(h);
}

/* A refused link in a cell keeps its text only. */
static void table_cell_link_checked(void **state)
{
	(void)state;
	char *h = html("| a |\n|---|\n| [x](javascript:alert(1)) [ok](https://example.org) |\n");
	assert_null(strstr(h, "javascript:"));
	assert_non_null(strstr(h, "<a href=\"https://example.org\">ok</a>"));
	assert_safe(h);
	free(h);
}

/* Without the delimiter row, pipes stay text: no table by accident. */
static void pipes_without_delimiter_stay_text(void **state)
{
	(void)state;
	char *h = html("a | b\nc | d\n");
	assert_null(strstr(h, "<table"));
	assert_string_equal(h, "<p>a | b\nc | d</p>\n");
	free(h);
}

/* Many columns and rows at the size limit still finish and stay safe. */
static void wide_table_at_limit(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 500; i++)
		buf_puts(&b, "|a");
	buf_puts(&b, "|\n");
	for (int i = 0; i < 500; i++)
		buf_puts(&b, "|-");
	buf_puts(&b, "|\n");
	while (b.len + 4 <= MD_INPUT_MAX)
		buf_puts(&b, "|x|\n");
	char *h = render(b.data, b.len);
	assert_non_null(strstr(h, "<table>"));
	assert_safe(h);
	free(h);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(script_tag_is_text),
		cmocka_unit_test(img_onerror_is_text),
		cmocka_unit_test(raw_html_leaves_no_comment),
		cmocka_unit_test(javascript_link_keeps_text_only),
		cmocka_unit_test(javascript_autolink_is_text),
		cmocka_unit_test(other_schemes_refused),
		cmocka_unit_test(good_links_kept),
		cmocka_unit_test(attributes_cannot_be_broken_out_of),
		cmocka_unit_test(entities),
		cmocka_unit_test(nested_emphasis),
		cmocka_unit_test(utf8_umlauts_survive),
		cmocka_unit_test(invalid_utf8_and_nul_replaced),
		cmocka_unit_test(smart_punctuation),
		cmocka_unit_test(headings_start_at_h2),
		cmocka_unit_test(no_sourcepos),
		cmocka_unit_test(empty_input),
		cmocka_unit_test(long_input_limit),
		cmocka_unit_test(hostile_long_inputs),
		cmocka_unit_test(url_allow_list),
		cmocka_unit_test(table_becomes_table),
		cmocka_unit_test(table_cell_html_is_text),
		cmocka_unit_test(table_cell_link_checked),
		cmocka_unit_test(pipes_without_delimiter_stay_text),
		cmocka_unit_test(wide_table_at_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
