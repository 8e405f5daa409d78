/* libFuzzer target: md_to_html, the only producer of the HTML that the
 * templates print raw (t:raw), so its output must be safe whatever an
 * admin types (lib/md.h).  For any input up to MD_INPUT_MAX:
 *
 *   - the output is valid UTF-8;
 *   - every '<' opens or closes a tag of the list below (raw HTML in the
 *     input is shown as text, never passed through), with no <h1>;
 *   - a tag has only the attributes listed for it, each written
 *     name="value" with no '<' or '"' inside the value;
 *   - href and src, entities decoded, have no scheme or an allowed one, as
 *     a browser reads the scheme (WHATWG URL: leading C0 controls and
 *     spaces stripped, tabs and newlines dropped, then a letter and
 *     letters, digits, "+", "-", "." up to ':');
 *   - the same input gives the same output twice (no state between calls).
 * Over MD_INPUT_MAX it is refused and nothing is written. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz_check.h"
#include "md.h"

#define ATTR_MAX 4096

/* Tags cmark-gfm writes for CommonMark and tables; attributes per tag. */
static const struct {
	const char *tag, *attrs;        /* attrs: " name name " */
} allowed[] = {
	{ "p", " " }, { "h2", " " }, { "h3", " " }, { "h4", " " }, { "h5", " " },
	{ "h6", " " }, { "blockquote", " " }, { "ul", " " }, { "ol", " start " },
	{ "li", " " }, { "pre", " " }, { "code", " class " }, { "hr", " " },
	{ "br", " " }, { "em", " " }, { "strong", " " }, { "a", " href title " },
	{ "img", " src alt title " }, { "table", " " }, { "thead", " " },
	{ "tbody", " " }, { "tr", " " }, { "th", " align " }, { "td", " align " },
};

static const char *attrs_of(const char *tag, size_t n)
{
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		if (strlen(allowed[i].tag) == n && memcmp(allowed[i].tag, tag, n) == 0)
			return allowed[i].attrs;
	return NULL;
}

/* The value of an attribute as a browser reads it: the entities cmark
 * writes in attributes (&amp; &lt; &gt; &quot; &#39; &#x27; and numeric
 * ones) decoded enough for the scheme check. */
static void decode(const char *v, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o < ATTR_MAX - 1;) {
		if (v[i] == '&') {
			const char *semi = memchr(v + i, ';', n - i);
			if (semi) {
				size_t len = (size_t)(semi - (v + i));
				if (len == 4 && memcmp(v + i, "&amp", 4) == 0)
					out[o++] = '&';
				else if (v[i + 1] == '#')
					out[o++] = (char)strtol(v + i + 2 + (v[i + 2] == 'x'), NULL,
								v[i + 2] == 'x' ? 16 : 10);
				else
					out[o++] = '?';
				i += len + 1;
				continue;
			}
		}
		out[o++] = v[i++];
	}
	out[o] = '\0';
}

/* The scheme a browser finds in url, lowercased into out ("" for none). */
static void browser_scheme(const char *url, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)url;
	size_t n = 0;
	while (*p && *p <= 0x20)
		p++;
	for (; *p; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;
		int letter = (*p | 0x20) >= 'a' && (*p | 0x20) <= 'z';
		if (*p == ':' && n > 0)
			break;
		if (!(letter || (n > 0 && strchr("0123456789+-.", *p)))) {
			out[0] = '\0';         /* not a scheme: a relative reference */
			return;
		}
		if (n + 1 < outsz)     /* outsz > strlen(url): always */
			out[n++] = (char)(*p | (letter ? 0x20 : 0));
	}
	out[*p ? n : 0] = '\0';
}

static int scheme_allowed(const char *url, int is_image)
{
	char sch[ATTR_MAX];
	browser_scheme(url, sch, sizeof sch);
	if (!sch[0])
		return 1;
	return strcmp(sch, "http") == 0 || strcmp(sch, "https") == 0 ||
	       (!is_image && (strcmp(sch, "mailto") == 0 || strcmp(sch, "tel") == 0));
}

/* One tag at s (just after '<'); returns the length up to and with '>'. */
static size_t check_tag(const char *s)
{
	const char *p = s + (*s == '/');
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
	const char *attrs = attrs_of(p, n);
	check(attrs != NULL);
	p += n;
	if (*s == '/') {
		check(*p == '>');
		return (size_t)(p - s) + 1;
	}
	while (*p == ' ') {
		p++;
		if (*p == '/')
			break;
		size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz");
		char name[16];
		check(an > 0 && an < sizeof name - 2 && p[an] == '=' && p[an + 1] == '"');
		name[0] = ' ';
		memcpy(name + 1, p, an);
		name[an + 1] = ' ';
		name[an + 2] = '\0';
		check(strstr(attrs, name) != NULL);
		const char *v = p + an + 2, *end = strchr(v, '"');
		check(end != NULL && memchr(v, '<', (size_t)(end - v)) == NULL);
		if (strcmp(name, " href ") == 0 || strcmp(name, " src ") == 0) {
			char url[ATTR_MAX];
			decode(v, (size_t)(end - v), url);
			check(scheme_allowed(url, name[1] == 's'));
		}
		p = end + 1;
	}
	if (*p == '/')
		p++;
	check(*p == '>');
	return (size_t)(p - s) + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	buf_puts(&a, "x");
	int rc = md_to_html(&a, (const char *)data, size);
	if (size > MD_INPUT_MAX) {
		check(rc == -1 && a.len == 1);
		buf_free(&a);
		return 0;
	}
	check(rc == 0 && a.data[0] == 'x');
	const char *html = a.data + 1;
	size_t n = a.len - 1;
	check(strlen(html) == n && utf8_valid((const unsigned char *)html, n));
	for (const char *lt = strchr(html, '<'); lt; lt = strchr(lt + 1, '<'))
		lt += check_tag(lt + 1);
	check(md_to_html(&b, (const char *)data, size) == 0);
	check(b.len == n && memcmp(b.data, html, n) == 0);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
