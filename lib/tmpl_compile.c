/* tmpl: XML templates compiled once into a flat list of operations, then
 * rendered as HTML5 without touching libxml2 again.  The language is in
 * tmpl.h; the choices it leaves open are made here:
 *
 *  - On one element, t:each is outermost, then t:if, then t:unless: the
 *    condition is evaluated once per row, so a row can carry its own flag
 *    (<li t:each="talks" t:if="published">).
 *  - A t:raw element must have no content of its own in the template
 *    (whitespace and comments aside); anything else is a compile error, so
 *    nothing written there is silently lost.
 *  - A name that is not set renders as "" and counts as false.
 *  - Whitespace-only text between elements becomes one "\n" (or one " " if
 *    it had no line break), except inside <pre> and <textarea>.
 *  - After the start tag of <pre> and <textarea> a "\n" is always written:
 *    the HTML parser drops one newline right there (HTML Living Standard,
 *    13.1.2.5 "Restrictions on content models"), so a value or text that
 *    starts with a newline keeps it.
 *  - In a URL attribute only an interpolation that can decide the scheme
 *    (no ':', '/', '?' or '#' in the static text before it) triggers the
 *    scheme check; href="/talks/${slug}" cannot become javascript:.  Leading
 *    spaces and controls of such a value are dropped, as a browser would.
 *  - <t:include src="..."/> names a file relative to the template
 *    directory: no leading '/', no "." or ".." segments, only
 *    [A-Za-z0-9_.-/]; at most TMPL_MAX_INCLUDE_DEPTH levels; a file that
 *    includes itself, directly or not, is an error.  It may carry
 *    t:if/t:unless/t:each like any element.
 *  - Prefixed attributes other than t: (xml:lang too) are errors; the
 *    XHTML default namespace is accepted and, like xmlns:t, not written.
 */
#include "tmpl_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#define TMPL_NS  "urn:symposium:template"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

enum {
	TMPL_MAX_INCLUDE_DEPTH = 8,
	TMPL_MAX_FILE_BYTES = 1 << 20,   /* a template is markup, not data */
	TMPL_MAX_PATH = 512,
	TMPL_MAX_NAME = 64,
};

/* libxml2 2.12 made the structured error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError xml_error;
#else
typedef xmlError xml_error;
#endif

/* ---- message catalogs ------------------------------------------------- */

struct tmpl_msg {
	char *key, *text;
};

struct tmpl_catalog {
	char *file;
	struct tmpl_msg *m;
	size_t n;
};

static const char *catalog_text(const struct tmpl_catalog *cat, const char *key, size_t n)
{
	for (size_t i = 0; i < cat->n; i++)
		if (strlen(cat->m[i].key) == n && memcmp(cat->m[i].key, key, n) == 0)
			return cat->m[i].text;
	return NULL;
}

void tmpl_catalog_free(struct tmpl_catalog *cat)
{
	if (!cat)
		return;
	for (size_t i = 0; i < cat->n; i++) {
		free(cat->m[i].key);
		free(cat->m[i].text);
	}
	free(cat->m);
	free(cat->file);
	free(cat);
}

/* ---- compiling -------------------------------------------------------- */

struct cc {
	const char *dir;
	const struct tmpl_catalog *cat;  /* #{key} resolves here; NULL: none */
	struct op *ops;
	size_t nops, cap;
	struct buf pool;
	bool merge;             /* the last op is a literal ending the pool */
	int keep_ws;            /* inside <pre> or <textarea> */
	bool xml;               /* XML output: the root is not <html> */
	bool json;              /* inside <script type="application/ld+json"> */
	bool json_str, json_bs; /* there: inside a string, after a backslash */
	const char *files[TMPL_MAX_INCLUDE_DEPTH + 1];  /* the include chain */
	int depth;
	char *err;
	size_t errsz;
	bool failed;
};

static int fail(struct cc *c, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct cc *c, long line, const char *fmt, ...)
{
	if (c->failed)
		return -1;
	c->failed = true;
	if (!c->err || !c->errsz)
		return -1;
	int n = snprintf(c->err, c->errsz, "%s:%ld: ", c->files[c->depth], line);
	if (n >= 0 && (size_t)n < c->errsz) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool streq(const void *a, const char *b)
{
	return a && strcmp((const char *)a, b) == 0;
}

static bool is_t_ns(const xmlNs *ns)
{
	return ns && streq(ns->href, TMPL_NS);
}

static size_t push(struct cc *c, int kind)
{
	if (c->nops == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->ops = xrealloc(c->ops, c->cap * sizeof *c->ops);
	}
	struct op *o = &c->ops[c->nops];
	memset(o, 0, sizeof *o);
	o->kind = (uint8_t)kind;
	c->merge = false;
	return c->nops++;
}

/* Make what was appended to the pool since `start` a literal, merged into
 * the previous literal when nothing came between them. */
static void lit_from(struct cc *c, size_t start)
{
	size_t n = c->pool.len - start;
	if (!n)
		return;
	if (c->merge) {
		c->ops[c->nops - 1].len += (uint32_t)n;
		return;
	}
	size_t i = push(c, OP_LIT);
	c->ops[i].off = (uint32_t)start;
	c->ops[i].len = (uint32_t)n;
	c->merge = true;
}

static void lit(struct cc *c, const char *s)
{
	size_t start = c->pool.len;
	buf_puts(&c->pool, s);
	lit_from(c, start);
}

static void lit_text(struct cc *c, const char *s, size_t n)
{
	size_t start = c->pool.len;
	tmpl_put_esc(&c->pool, s, n, E_TEXT);
	lit_from(c, start);
}

static size_t push_name(struct cc *c, int kind, const char *name, size_t n)
{
	size_t off = c->pool.len;
	buf_put(&c->pool, name, n);
	size_t i = push(c, kind);
	c->ops[i].off = (uint32_t)off;
	c->ops[i].len = (uint32_t)n;
	c->ops[i].key = tmpl_name_key(name, n);
	return i;
}

static void close_block(struct cc *c, size_t i)
{
	c->ops[i].arg = (uint32_t)c->nops;
	c->merge = false;       /* the next literal is a jump target */
}

static bool name_start(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
}

static bool name_char(char ch)
{
	return name_start(ch) || (ch >= '0' && ch <= '9');
}

static bool valid_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > TMPL_MAX_NAME || !name_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static long count_nl(const char *s, size_t n)
{
	long k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* A reference "${name}" or "${name?}" at s (s[0] == '$', s[1] == '{').
 * Returns the bytes it takes, 0 after reporting an error. */
struct ref {
	const char *name;
	size_t len;
	bool optional;
};

static size_t parse_ref(struct cc *c, long line, const char *s, size_t n,
                        struct ref *r)
{
	size_t i = 2;
	if (i < n && name_start(s[i]))
		while (i < n && name_char(s[i]))
			i++;
	r->name = s + 2;
	r->len = i - 2;
	r->optional = i < n && s[i] == '?';
	if (r->optional)
		i++;
	if (r->len == 0 || r->len > TMPL_MAX_NAME) {
		fail(c, line, "bad ${...}: expected a name of letters, digits and _");
		return 0;
	}
	if (i >= n) {
		fail(c, line, "bad ${%.*s: missing '}'", (int)r->len, r->name);
		return 0;
	}
	if (s[i] != '}') {
		fail(c, line, "bad ${%.*s...}: unexpected '%c'", (int)r->len, r->name, s[i]);
		return 0;
	}
	return i + 1;
}

static bool is_ref_start(const char *s, size_t i, size_t n)
{
	return s[i] == '$' && i + 1 < n && s[i + 1] == '{';
}

/* A reference in text, where ${name?} has no meaning: parse_ref's result. */
static size_t text_ref(struct cc *c, long line, const char *s, size_t n, struct ref *r)
{
	size_t used = parse_ref(c, line, s, n, r);
	if (used && r->optional) {
		fail(c, line, "${%.*s?} is only allowed as a whole attribute value",
		     (int)r->len, r->name);
		return 0;
	}
	return used;
}

static void lit_raw(struct cc *c, const char *s, size_t n)
{
	size_t start = c->pool.len;
	buf_put(&c->pool, s, n);
	lit_from(c, start);
}

/* One byte of a JSON script's static text: where strings begin and end. */
static void json_step(struct cc *c, char ch)
{
	if (c->json_bs)
		c->json_bs = false;
	else if (c->json_str && ch == '\\')
		c->json_bs = true;
	else if (ch == '"')
		c->json_str = !c->json_str;
}

/* Text inside a JSON script: static text as written (the JSON of the
 * template), a ${name} only inside a string literal, where put_json
 * escapes it - so no value can end the string, let alone the element.
 * '<' is refused in the static text: it is what could end the script. */
static int compile_json_text(struct cc *c, const char *s, size_t n, long line)
{
	size_t run = 0, i = 0;
	while (i < n) {
		if (!is_ref_start(s, i, n)) {
			if (s[i] == '<')
				return fail(c, line, "'<' in a JSON script: write \\u003c");
			json_step(c, s[i]);
			line += s[i++] == '\n';
			continue;
		}
		if (!c->json_str || c->json_bs)
			return fail(c, line, "${...} in a JSON script must stand inside "
			            "a string (\"...\"), where it is escaped");
		struct ref r;
		size_t used = text_ref(c, line, s + i, n - i, &r);
		if (!used)
			return -1;
		lit_raw(c, s + run, i - run);
		push_name(c, OP_JSON, r.name, r.len);
		i += used;
		run = i;
	}
	lit_raw(c, s + run, n - run);
	return 0;
}

/* #{key} in s: the catalog's text put in its place, before anything else
 * is compiled, so a message is exactly as if the template had said it
 * there (its ${name}s interpolated and escaped like any other).  Returns 1
 * when s holds no #{, 0 with the expansion in out, -1 after an error. */
static int expand_msgs(struct cc *c, long line, const char *s, struct buf *out)
{
	const char *p = strstr(s, "#{");
	if (!p)
		return 1;
	if (!c->cat)
		return fail(c, line, "#{...} needs a message catalog (public templates only)");
	buf_reset(out);
	buf_puts(out, "");
	while (p) {
		buf_put(out, s, (size_t)(p - s));
		size_t k = 2;
		while (name_char(p[k]))
			k++;
		if (k == 2 || p[k] != '}' || !name_start(p[2]))
			return fail(c, line, "bad #{...}: expected #{key}, a key of letters, digits and _");
		const char *text = catalog_text(c->cat, p + 2, k - 2);
		if (!text)
			return fail(c, line, "#{%.*s}: no such message in %s", (int)(k - 2), p + 2,
			            c->cat->file);
		buf_puts(out, text);
		s = p + k + 1;
		p = strstr(s, "#{");
	}
	buf_puts(out, s);
	return 0;
}

static int compile_text_s(struct cc *c, xmlNode *node, const char *s, size_t n);

static int compile_text(struct cc *c, xmlNode *node)
{
	const char *s = (const char *)node->content;
	struct buf x = BUF_INIT;
	int e = s ? expand_msgs(c, xmlGetLineNo(node), s, &x) : 1;
	int rc = e < 0 ? -1 : e == 0 ? compile_text_s(c, node, x.data, x.len) :
		compile_text_s(c, node, s, s ? strlen(s) : 0);
	buf_free(&x);
	return rc;
}

static int compile_text_s(struct cc *c, xmlNode *node, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (c->json)
		return compile_json_text(c, s, n, xmlGetLineNo(node));
	if (!c->keep_ws && all_space(s, n)) {
		lit(c, memchr(s, '\n', n) ? "\n" : " ");
		return 0;
	}
	long line = xmlGetLineNo(node);
	size_t run = 0, i = 0;
	while (i < n) {
		if (!is_ref_start(s, i, n)) {
			line += s[i++] == '\n';
			continue;
		}
		struct ref r;
		size_t used = text_ref(c, line, s + i, n - i, &r);
		if (!used)
			return -1;
		lit_text(c, s + run, i - run);
		size_t k = push_name(c, OP_TEXT, r.name, r.len);   /* may move ops */
		c->ops[k].flags = c->xml ? E_XMLC : 0;
		i += used;
		run = i;
	}
	lit_text(c, s + run, n - run);
	return 0;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed", "hr",
		"img", "input", "link", "meta", "source", "track", "wbr", NULL };
	return in_list(name, v);
}

static bool eq_ci(const char *a, const char *b);

/* Attributes whose value is a URL (HTML attribute index), where a value
 * could otherwise smuggle in javascript: or data:.  In any case: an HTML
 * parser lowercases attribute names, so a browser reads HREF= or hrEf= as
 * href=, and a case-sensitive match let such a value past the scheme check. */
static bool is_url_attr(const char *name)
{
	static const char *const u[] = { "href", "src", "action", "formaction",
		"poster", "cite", "srcset", "data", "background", "longdesc",
		"manifest", "ping", "icon", "codebase", NULL };
	for (const char *const *p = u; *p; p++)
		if (eq_ci(name, *p))
			return true;
	return false;
}

static bool starts_with_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char ch = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
		if (ch != *prefix)
			return false;
	}
	return true;
}

static bool eq_ci(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && starts_with_ci(a, b);
}

/* Text, comments and processing instructions aside, does el hold anything? */
static bool has_content(const xmlNode *el)
{
	for (const xmlNode *n = el->children; n; n = n->next) {
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			continue;
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    all_space((const char *)n->content, strlen((const char *)n->content)))
			continue;
		return true;
	}
	return false;
}

/* The value of an attribute as parsed: a single text node when it holds no
 * entity reference, which is all a template needs. */
static const char *attr_value(const xmlAttr *a)
{
	const xmlNode *n = a->children;
	if (!n)
		return "";
	if (n->type != XML_TEXT_NODE || n->next)
		return NULL;
	return n->content ? (const char *)n->content : "";
}

/* ${...} in an attribute value: OP_ATTR followed by its parts. */
static int compile_dyn_attr(struct cc *c, const char *name, const char *v, long line)
{
	size_t n = strlen(v), a = c->pool.len;
	buf_printf(&c->pool, " %s=\"", name);
	size_t ai = push(c, OP_ATTR);
	c->ops[ai].off = (uint32_t)a;
	c->ops[ai].len = (uint32_t)(c->pool.len - a);
	uint8_t flags = (is_url_attr(name) ? A_URL : 0) | (c->xml ? A_XML : 0);
	bool before_var = true, scheme_fixed = false;
	size_t run = 0, i = 0, parts = 0;
	while (i <= n) {
		if (i < n && !is_ref_start(v, i, n)) {
			i++;
			continue;
		}
		if (i > run) {          /* the static text before this point */
			size_t p = c->pool.len;
			tmpl_put_esc(&c->pool, v + run, i - run, E_ATTR);
			size_t k = push(c, OP_PLIT);
			c->ops[k].off = (uint32_t)p;
			c->ops[k].len = (uint32_t)(c->pool.len - p);
			parts++;
			if (before_var && strcspn(v + run, ":/?#") < i - run)
				scheme_fixed = true;
		}
		if (i == n)
			break;
		struct ref r;
		size_t used = parse_ref(c, line, v + i, n - i, &r);
		if (!used)
			return -1;
		if (r.optional && (i != 0 || used != n))
			return fail(c, line, "${%.*s?} must be the whole value of %s=",
			            (int)r.len, r.name, name);
		if (r.optional)
			flags |= A_OPTIONAL;
		if (before_var && !scheme_fixed && (flags & A_URL))
			flags |= A_CHECK;
		before_var = false;
		push_name(c, OP_PVAR, r.name, r.len);
		parts++;
		i += used;
		run = i;
	}
	c->ops[ai].flags = flags;
	c->ops[ai].arg = (uint32_t)parts;
	return 0;
}

static int compile_attr_v(struct cc *c, const char *name, const char *v, long line);

static int compile_attr(struct cc *c, const xmlAttr *a, long line)
{
	const char *name = (const char *)a->name;
	char qname[2 * TMPL_MAX_NAME + 2];
	if (a->ns && (!c->xml || !a->ns->prefix))
		return fail(c, line, "attribute %s:%s: unknown namespace prefix",
		            a->ns->prefix ? (const char *)a->ns->prefix : "", name);
	if (a->ns) {    /* XML output keeps xml:lang and declared prefixes */
		snprintf(qname, sizeof qname, "%s:%s", (const char *)a->ns->prefix, name);
		name = qname;
	}
	if (starts_with_ci(name, "on"))
		return fail(c, line, "event handler attribute %s= is not allowed "
		            "(the Content-Security-Policy forbids inline script)", name);
	if (eq_ci(name, "style"))
		return fail(c, line, "style= is not allowed "
		            "(the Content-Security-Policy forbids inline style)");
	const char *v = attr_value(a);
	if (!v)
		return fail(c, line, "attribute %s=: entity references are not supported", name);
	struct buf x = BUF_INIT;
	int e = expand_msgs(c, line, v, &x);
	int rc = e < 0 ? -1 : compile_attr_v(c, name, e == 0 ? x.data : v, line);
	buf_free(&x);
	return rc;
}

static int compile_attr_v(struct cc *c, const char *name, const char *v, long line)
{
	if (!strstr(v, "${")) {
		size_t start = c->pool.len;
		buf_printf(&c->pool, " %s=\"", name);
		tmpl_put_esc(&c->pool, v, strlen(v), E_ATTR);
		buf_putc(&c->pool, '"');
		lit_from(c, start);
		return 0;
	}
	/* srcdoc is parsed as a whole HTML document: escaping cannot help. */
	if (eq_ci(name, "srcdoc"))
		return fail(c, line, "srcdoc= cannot take ${...}");
	return compile_dyn_attr(c, name, v, line);
}

/* The t: attributes of one element. */
struct dirs {
	const char *each, *ifn, *unless, *raw;
};

static int directive_name(struct cc *c, const xmlAttr *a, const char **slot, long line)
{
	const char *v = attr_value(a);
	if (!valid_name(v))
		return fail(c, line, "t:%s=\"%s\": expected a name of letters, digits and _",
		            (const char *)a->name, v ? v : "");
	*slot = v;
	return 0;
}

static int get_dirs(struct cc *c, const xmlNode *el, struct dirs *d, long line)
{
	memset(d, 0, sizeof *d);
	for (const xmlAttr *a = el->properties; a; a = a->next) {
		if (!is_t_ns(a->ns))
			continue;
		const char *k = (const char *)a->name;
		const char **slot = streq(k, "each") ? &d->each : streq(k, "if") ? &d->ifn :
			streq(k, "unless") ? &d->unless : streq(k, "raw") ? &d->raw : NULL;
		if (!slot)
			return fail(c, line, "unknown directive t:%s", k);
		if (directive_name(c, a, slot, line))
			return -1;
	}
	if (d->raw && !ends_with(d->raw, "_html"))
		return fail(c, line, "t:raw=\"%s\": the name must end in _html", d->raw);
	return 0;
}

static int compile_children(struct cc *c, xmlNode *first);
static int compile_file(struct cc *c, const char *file, long line, bool top);

static int compile_raw(struct cc *c, const xmlNode *el, const char *raw, long line)
{
	if (has_content(el))
		return fail(c, line, "t:raw=\"%s\": the element must be empty in the template", raw);
	push_name(c, OP_RAW, raw, strlen(raw));
	return 0;
}

static bool clean_path(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n >= TMPL_MAX_PATH || p[0] == '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(p[i]) && p[i] != '-' && p[i] != '.' && p[i] != '/')
			return false;
	/* no empty, "." or ".." segment: one spelling per file keeps loop
	 * detection a string compare */
	for (const char *s = p; *s; ) {
		size_t k = strcspn(s, "/");
		if (k == 0 || (k == 1 && s[0] == '.') || (k == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += k;
		if (*s == '/' && !*++s)
			return false;
	}
	return true;
}

static int compile_include(struct cc *c, const xmlNode *el, const struct dirs *d, long line)
{
	const char *src = NULL;
	for (const xmlAttr *a = el->properties; a; a = a->next) {
		if (is_t_ns(a->ns))
			continue;
		if (a->ns || !streq(a->name, "src"))
			return fail(c, line, "<t:include> takes only src=");
		src = attr_value(a);
	}
	if (d->raw)
		return fail(c, line, "<t:include> cannot take t:raw");
	if (!src)
		return fail(c, line, "<t:include> needs src=");
	if (has_content(el))
		return fail(c, line, "<t:include> must be empty");
	if (!clean_path(src))
		return fail(c, line, "include \"%s\": not a plain relative path inside "
		            "the template directory", src);
	for (int k = 0; k <= c->depth; k++)
		if (strcmp(c->files[k], src) == 0)
			return fail(c, line, "include loop: \"%s\" includes itself "
			            "(via \"%s\")", src, c->files[c->depth]);
	if (c->depth >= TMPL_MAX_INCLUDE_DEPTH)
		return fail(c, line, "include \"%s\": nested deeper than %d",
		            src, TMPL_MAX_INCLUDE_DEPTH);
	return compile_file(c, src, line, false);
}

static int compile_t_element(struct cc *c, xmlNode *el, const struct dirs *d, long line)
{
	const char *name = (const char *)el->name;
	if (streq(name, "include"))
		return compile_include(c, el, d, line);
	if (!streq(name, "block"))
		return fail(c, line, "unknown directive element <t:%s>", name);
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!is_t_ns(a->ns))
			return fail(c, line, "<t:block> takes only t: directives");
	if (d->raw)
		return compile_raw(c, el, d->raw, line);
	return compile_children(c, el->children);
}

/* <script type="application/ld+json">: a data block, which the browser
 * never runs (so the Content-Security-Policy allows it); its content is
 * the template's JSON with ${name} inside strings (compile_json_text). */
static bool is_json_script(const xmlNode *el)
{
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!a->ns && eq_ci((const char *)a->name, "type")) {
			const char *v = attr_value(a);
			return v && eq_ci(v, "application/ld+json");
		}
	return false;
}

static int compile_json_script(struct cc *c, xmlNode *el, long line)
{
	c->json = true;
	c->json_str = c->json_bs = false;
	int rc = compile_children(c, el->children);
	if (!rc && c->json_str)
		rc = fail(c, line, "the JSON script ends inside a string");
	c->json = false;
	return rc;
}

/* An element of XML output (a feed, a sitemap): its qualified name, the
 * namespaces it declares (the template's own aside), and <x/> when the
 * template gives it no content - XML has no void elements. */
static int compile_xml_element(struct cc *c, xmlNode *el, const struct dirs *d, long line)
{
	char qname[2 * TMPL_MAX_NAME + 2];
	snprintf(qname, sizeof qname, "%s%s%s", el->ns && el->ns->prefix ?
	         (const char *)el->ns->prefix : "", el->ns && el->ns->prefix ? ":" : "",
	         (const char *)el->name);
	if (d->raw)
		return fail(c, line, "t:raw in XML output");
	lit(c, "<");
	lit(c, qname);
	for (const xmlNs *ns = el->nsDef; ns; ns = ns->next) {
		if (streq(ns->href, TMPL_NS))
			continue;
		size_t start = c->pool.len;
		buf_printf(&c->pool, " xmlns%s%s=\"", ns->prefix ? ":" : "",
		           ns->prefix ? (const char *)ns->prefix : "");
		tmpl_put_esc(&c->pool, (const char *)ns->href, strlen((const char *)ns->href), E_ATTR);
		buf_putc(&c->pool, '"');
		lit_from(c, start);
	}
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!is_t_ns(a->ns) && compile_attr(c, a, line))
			return -1;
	if (!has_content(el)) {
		lit(c, "/>");
		return 0;
	}
	lit(c, ">");
	if (compile_children(c, el->children))
		return -1;
	lit(c, "</");
	lit(c, qname);
	lit(c, ">");
	return 0;
}

static int compile_html_element(struct cc *c, xmlNode *el, const struct dirs *d, long line)
{
	const char *name = (const char *)el->name;
	if (el->ns && (el->ns->prefix || !streq(el->ns->href, XHTML_NS)))
		return fail(c, line, "element <%s%s%s>: unknown namespace",
		            el->ns->prefix ? (const char *)el->ns->prefix : "",
		            el->ns->prefix ? ":" : "", name);
	if (eq_ci(name, "style"))
		return fail(c, line, "<style> is not allowed (the Content-Security-Policy "
		            "forbids inline style; use a stylesheet)");
	bool script = eq_ci(name, "script"), vd = is_void(name);
	bool json = script && is_json_script(el);
	/* t:raw leaves the element empty in the template but fills it at
	 * render time: inline script all the same. */
	if (script && !json && (has_content(el) || d->raw))
		return fail(c, line, "<script> must be empty (the Content-Security-Policy "
		            "forbids inline script; use src=)");
	if (json && d->raw)
		return fail(c, line, "t:raw on a JSON script (its values are escaped, never raw)");
	if (vd && has_content(el))
		return fail(c, line, "<%s> is a void element and must be empty", name);
	if (vd && d->raw)
		return fail(c, line, "t:raw on the void element <%s>", name);
	lit(c, "<");
	lit(c, name);
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!is_t_ns(a->ns) && compile_attr(c, a, line))
			return -1;
	lit(c, ">");
	if (vd)
		return 0;
	bool ws = streq(name, "pre") || streq(name, "textarea");
	if (ws) {
		lit(c, "\n");
		c->keep_ws++;
	}
	int rc = d->raw ? compile_raw(c, el, d->raw, line) :
		json ? compile_json_script(c, el, line) :
		script ? 0 : compile_children(c, el->children);
	if (ws)
		c->keep_ws--;
	if (rc)
		return -1;
	lit(c, "</");
	lit(c, name);
	lit(c, ">");
	return 0;
}

/* t:each wraps t:if wraps t:unless wraps the element (see the top). */
static int compile_element(struct cc *c, xmlNode *el)
{
	long line = xmlGetLineNo(el);
	struct dirs d;
	if (get_dirs(c, el, &d, line))
		return -1;
	if (c->json && (!is_t_ns(el->ns) || d.raw))
		return fail(c, line, "only <t:block> and <t:include> may stand in a JSON script");
	if (c->json && c->json_str)
		return fail(c, line, "<t:%s> inside a JSON string", (const char *)el->name);
	size_t be = d.each ? push_name(c, OP_EACH, d.each, strlen(d.each)) : 0;
	if (d.each && c->json)
		c->ops[be].flags = EACH_COMMA;  /* JSON has no trailing comma */
	size_t bi = d.ifn ? push_name(c, OP_IF, d.ifn, strlen(d.ifn)) : 0;
	size_t bu = d.unless ? push_name(c, OP_UNLESS, d.unless, strlen(d.unless)) : 0;
	int rc = is_t_ns(el->ns) ? compile_t_element(c, el, &d, line) :
		c->xml ? compile_xml_element(c, el, &d, line) :
		compile_html_element(c, el, &d, line);
	if (rc)
		return -1;
	if (c->json && c->json_str)
		return fail(c, line, "a JSON string runs past </t:%s>", (const char *)el->name);
	if (d.unless)
		close_block(c, bu);
	if (d.ifn)
		close_block(c, bi);
	if (d.each)
		close_block(c, be);
	return 0;
}

static int compile_children(struct cc *c, xmlNode *first)
{
	for (xmlNode *n = first; n; n = n->next) {
		int rc = 0;
		switch (n->type) {
		case XML_ELEMENT_NODE:
			rc = compile_element(c, n);
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			rc = compile_text(c, n);
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			break;
		default:
			rc = fail(c, xmlGetLineNo(n), "unsupported XML node "
			          "(entity references are not expanded)");
			break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- parsing ---------------------------------------------------------- */

struct xerr {
	bool set;
	long line;
	char msg[256];
};

static void on_xml_error(void *user, xml_error *e)
{
	xmlParserCtxt *ctxt = user;
	struct xerr *x = ctxt->_private;
	if (x->set || e->level < XML_ERR_ERROR)
		return;
	x->set = true;
	x->line = e->line;
	snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "malformed XML");
	x->msg[strcspn(x->msg, "\n")] = '\0';
}

/* libxml2 stamps a text node with the line where its first chunk ended;
 * re-stamp it with the line it starts on, so errors in text point at the
 * right line. */
static void on_characters(void *user, const xmlChar *ch, int len)
{
	xmlParserCtxt *ctxt = user;
	xmlNode *parent = ctxt->node;
	xmlNode *before = parent ? parent->last : NULL;
	xmlSAX2Characters(user, ch, len);
	xmlNode *n = parent ? parent->last : NULL;
	if (n && n != before && n->type == XML_TEXT_NODE && ctxt->input) {
		long line = ctxt->input->line - count_nl((const char *)ch, (size_t)len);
		n->line = (unsigned short)(line < 1 ? 1 : line > 65535 ? 65535 : line);
	}
}

/* An element is stamped with the line its start tag ends on; errors read
 * better at the line of its '<'.  The tag's raw bytes are still in the input
 * buffer, and '<' cannot occur inside it (XML 1.0, 3.1 AttValue). */
static void on_start(void *user, const xmlChar *name, const xmlChar *prefix,
                     const xmlChar *uri, int nns, const xmlChar **ns, int nattr,
                     int ndef, const xmlChar **attrs)
{
	xmlParserCtxt *ctxt = user;
	xmlSAX2StartElementNs(user, name, prefix, uri, nns, ns, nattr, ndef, attrs);
	xmlNode *n = ctxt->node;
	const xmlParserInput *in = ctxt->input;
	if (!n || !in || !in->cur || !in->base || n->line == 0 || n->line == 65535)
		return;
	long nl = 0;
	for (const xmlChar *p = in->cur; p > in->base && *p != '<'; p--)
		nl += *p == '\n';
	if (nl < n->line)
		n->line = (unsigned short)(n->line - nl);
}

static xmlDoc *parse(struct cc *c, const char *data, size_t n, const char *file)
{
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		fail(c, 0, "out of memory");
		return NULL;
	}
	struct xerr x = { 0 };
	ctxt->_private = &x;
	ctxt->sax->serror = on_xml_error;       /* errors to us, not stderr */
	ctxt->sax->characters = on_characters;
	ctxt->sax->startElementNs = on_start;
	/* NONET only: no entity substitution, no DTD loading, no XInclude. */
	xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)n, file, NULL, XML_PARSE_NONET);
	xmlFreeParserCtxt(ctxt);
	if (x.set || !doc || !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		fail(c, x.set ? x.line : 0, "%s", x.set ? x.msg : "not a template");
		return NULL;
	}
	return doc;
}

/* Read a template whole; a missing include is reported where it is
 * included, a missing top-level file as line 0 of itself. */
static int read_file(struct cc *c, const char *path, const char *file,
                     long line, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return line ? fail(c, line, "include \"%s\": %s", file, strerror(errno)) :
			fail(c, 0, "cannot read template: %s", strerror(errno));
	char chunk[8192];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > TMPL_MAX_FILE_BYTES)
			rc = fail(c, line, "\"%s\" is larger than %d bytes", file,
			          TMPL_MAX_FILE_BYTES);
		else
			buf_put(b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = fail(c, line, "\"%s\": read error", file);
	fclose(f);
	return rc;
}

static bool is_html_root(const xmlNode *root)
{
	return streq(root->name, "html") &&
	       (!root->ns || (!root->ns->prefix && streq(root->ns->href, XHTML_NS)));
}

/* A root in a namespace of its own (Atom, sitemaps): XML output. */
static bool is_xml_root(const xmlNode *root)
{
	return root->ns && !streq(root->ns->href, XHTML_NS) && !is_t_ns(root->ns);
}

/* Compile dir/file in place.  `line` is where it was included (0 for the
 * top), where a missing file is reported. */
static int compile_file(struct cc *c, const char *file, long line, bool top)
{
	char path[TMPL_MAX_PATH * 2 + 2];
	int k = snprintf(path, sizeof path, "%s/%s", c->dir, file);
	if (k < 0 || (size_t)k >= sizeof path)
		return fail(c, line, "path too long");
	struct buf data = BUF_INIT;
	if (read_file(c, path, file, line, &data)) {
		buf_free(&data);
		return -1;
	}
	c->files[top ? 0 : ++c->depth] = file;
	xmlDoc *doc = parse(c, data.data ? data.data : "", data.len, file);
	buf_free(&data);
	int rc = -1;
	if (doc) {
		xmlNode *root = xmlDocGetRootElement(doc);
		if (top && is_html_root(root))
			lit(c, "<!DOCTYPE html>\n");
		else if (top && is_xml_root(root)) {
			c->xml = true;
			lit(c, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		}
		rc = compile_element(c, root);
		xmlFreeDoc(doc);
	}
	if (!top)
		c->depth--;
	return rc;
}

/* ---- loading catalogs ---------------------------------------------------- */

/* A message's text: whitespace runs become one space, none at either end
 * (the catalog is indented like a template). */
static char *msg_text(const char *s)
{
	struct buf b = BUF_INIT;
	int space = 0;
	buf_puts(&b, "");
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, *s);
	}
	return b.data;
}

static int catalog_add(struct cc *c, struct tmpl_catalog *cat, xmlNode *m)
{
	long line = xmlGetLineNo(m);
	xmlChar *key = xmlGetNoNsProp(m, (const xmlChar *)"k");
	int rc = 0;
	if (!streq(m->name, "m") || m->ns)
		rc = fail(c, line, "<%s>: a catalog holds <m k=\"key\">text</m> only", m->name);
	else if (!valid_name((const char *)key))
		rc = fail(c, line, "<m>: k= must be a key of letters, digits and _");
	else if (catalog_text(cat, (const char *)key, strlen((const char *)key)))
		rc = fail(c, line, "message %s is defined twice", key);
	for (xmlNode *n = m->children; !rc && n; n = n->next)
		if (n->type != XML_TEXT_NODE)
			rc = fail(c, line, "message %s: plain text only (markup stays in the template)", key);
	xmlChar *text = rc ? NULL : xmlNodeGetContent(m);
	if (!rc && strstr((const char *)text, "#{"))
		rc = fail(c, line, "message %s: #{...} inside a message", key);
	if (!rc) {
		cat->m = xrealloc(cat->m, (cat->n + 1) * sizeof *cat->m);
		cat->m[cat->n].key = xstrdup((const char *)key);
		cat->m[cat->n++].text = msg_text((const char *)text);
	}
	xmlFree(text);
	xmlFree(key);
	return rc;
}

struct tmpl_catalog *tmpl_catalog_load(const char *dir, const char *file,
				       char *err, size_t errsz)
{
	struct cc c = { .dir = dir, .err = err, .errsz = errsz };
	char path[TMPL_MAX_PATH * 2 + 2];
	struct buf data = BUF_INIT;
	c.files[0] = file;
	if (err && errsz)
		err[0] = '\0';
	if (!clean_path(file) || snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) {
		fail(&c, 0, "not a plain relative path inside the template directory");
		return NULL;
	}
	xmlDoc *doc = read_file(&c, path, file, 0, &data) ? NULL :
		parse(&c, data.data ? data.data : "", data.len, file);
	buf_free(&data);
	if (!doc)
		return NULL;
	struct tmpl_catalog *cat = xcalloc(1, sizeof *cat);
	cat->file = xstrdup(file);
	xmlNode *root = xmlDocGetRootElement(doc);
	int rc = streq(root->name, "catalog") ? 0 :
		fail(&c, xmlGetLineNo(root), "the root element must be <catalog>");
	for (xmlNode *n = root->children; !rc && n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			rc = catalog_add(&c, cat, n);
		else if (n->type == XML_TEXT_NODE && !all_space((const char *)n->content,
				strlen((const char *)n->content)))
			rc = fail(&c, xmlGetLineNo(n), "text outside <m>");
	}
	xmlFreeDoc(doc);
	if (rc) {
		tmpl_catalog_free(cat);
		return NULL;
	}
	return cat;
}

struct tmpl *tmpl_load(const char *dir, const char *file, char *err, size_t errsz)
{
	return tmpl_load_with(dir, file, NULL, err, errsz);
}

struct tmpl *tmpl_load_with(const char *dir, const char *file,
			    const struct tmpl_catalog *cat, char *err, size_t errsz)
{
	struct cc c = { .dir = dir, .cat = cat, .err = err, .errsz = errsz };
	c.files[0] = file;
	if (err && errsz)
		err[0] = '\0';
	if (!clean_path(file)) {
		fail(&c, 0, "not a plain relative path inside the template directory");
		return NULL;
	}
	if (compile_file(&c, file, 0, true)) {
		free(c.ops);
		buf_free(&c.pool);
		return NULL;
	}
	struct tmpl *t = xcalloc(1, sizeof *t);
	t->ops = c.ops;
	t->nops = c.nops;
	t->pool = c.pool.data ? c.pool.data : xstrdup("");
	t->file = xstrdup(file);
	for (size_t i = 0; i < c.nops; i++)
		if (c.ops[i].kind == OP_LIT || c.ops[i].kind == OP_PLIT || c.ops[i].kind == OP_ATTR)
			t->static_bytes += c.ops[i].len;
	return t;
}
