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
 *
 * This file is the compiler's core: the op writer, names and ${...}
 * references, text, the t: directives and <t:include>, the walk over the
 * tree and tmpl_load.  The output's own elements and attributes, with
 * HTML's rules for them (void elements, no inline script or style, JSON-LD
 * scripts, URL attributes and their scheme check), are in tmpl_markup.c;
 * reading and parsing files and the message catalogs in tmpl_read.c.
 * tmpl_cc.h is what the three share.
 */
#include "tmpl_cc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

/* ---- compiling -------------------------------------------------------- */

int tmpl_fail(struct cc *c, long line, const char *fmt, ...)
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

bool tmpl_streq(const void *a, const char *b)
{
	return a && strcmp((const char *)a, b) == 0;
}

bool tmpl_is_t_ns(const xmlNs *ns)
{
	return ns && tmpl_streq(ns->href, TMPL_NS);
}

size_t tmpl_push(struct cc *c, int kind)
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
void tmpl_lit_from(struct cc *c, size_t start)
{
	size_t n = c->pool.len - start;
	if (!n)
		return;
	if (c->merge) {
		c->ops[c->nops - 1].len += (uint32_t)n;
		return;
	}
	size_t i = tmpl_push(c, OP_LIT);
	c->ops[i].off = (uint32_t)start;
	c->ops[i].len = (uint32_t)n;
	c->merge = true;
}

void tmpl_lit(struct cc *c, const char *s)
{
	size_t start = c->pool.len;
	buf_puts(&c->pool, s);
	tmpl_lit_from(c, start);
}

static void lit_text(struct cc *c, const char *s, size_t n)
{
	size_t start = c->pool.len;
	tmpl_put_esc(&c->pool, s, n, E_TEXT);
	tmpl_lit_from(c, start);
}

size_t tmpl_push_name(struct cc *c, int kind, const char *name, size_t n)
{
	size_t off = c->pool.len;
	buf_put(&c->pool, name, n);
	size_t i = tmpl_push(c, kind);
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

bool tmpl_name_start(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
}

bool tmpl_name_char(char ch)
{
	return tmpl_name_start(ch) || (ch >= '0' && ch <= '9');
}

bool tmpl_valid_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > TMPL_MAX_NAME || !tmpl_name_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!tmpl_name_char(s[i]))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool tmpl_all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

size_t tmpl_parse_ref(struct cc *c, long line, const char *s, size_t n,
                      struct ref *r)
{
	size_t i = 2;
	if (i < n && tmpl_name_start(s[i]))
		while (i < n && tmpl_name_char(s[i]))
			i++;
	r->name = s + 2;
	r->len = i - 2;
	r->optional = i < n && s[i] == '?';
	if (r->optional)
		i++;
	if (r->len == 0 || r->len > TMPL_MAX_NAME) {
		tmpl_fail(c, line, "bad ${...}: expected a name of letters, digits and _");
		return 0;
	}
	if (i >= n) {
		tmpl_fail(c, line, "bad ${%.*s: missing '}'", (int)r->len, r->name);
		return 0;
	}
	if (s[i] != '}') {
		tmpl_fail(c, line, "bad ${%.*s...}: unexpected '%c'", (int)r->len, r->name, s[i]);
		return 0;
	}
	return i + 1;
}

bool tmpl_is_ref_start(const char *s, size_t i, size_t n)
{
	return s[i] == '$' && i + 1 < n && s[i + 1] == '{';
}

/* A reference in text, where ${name?} has no meaning: tmpl_parse_ref's result. */
size_t tmpl_text_ref(struct cc *c, long line, const char *s, size_t n, struct ref *r)
{
	size_t used = tmpl_parse_ref(c, line, s, n, r);
	if (used && r->optional) {
		tmpl_fail(c, line, "${%.*s?} is only allowed as a whole attribute value",
		          (int)r->len, r->name);
		return 0;
	}
	return used;
}

static int compile_text_s(struct cc *c, xmlNode *node, const char *s, size_t n);

static int compile_text(struct cc *c, xmlNode *node)
{
	const char *s = (const char *)node->content;
	struct buf x = BUF_INIT;
	int e = s ? tmpl_expand_msgs(c, xmlGetLineNo(node), s, &x) : 1;
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
		return tmpl_compile_json_text(c, s, n, xmlGetLineNo(node));
	if (!c->keep_ws && tmpl_all_space(s, n)) {
		tmpl_lit(c, memchr(s, '\n', n) ? "\n" : " ");
		return 0;
	}
	long line = xmlGetLineNo(node);
	size_t run = 0, i = 0;
	while (i < n) {
		if (!tmpl_is_ref_start(s, i, n)) {
			line += s[i++] == '\n';
			continue;
		}
		struct ref r;
		size_t used = tmpl_text_ref(c, line, s + i, n - i, &r);
		if (!used)
			return -1;
		lit_text(c, s + run, i - run);
		size_t k = tmpl_push_name(c, OP_TEXT, r.name, r.len);   /* may move ops */
		c->ops[k].flags = c->xml ? E_XMLC : 0;
		i += used;
		run = i;
	}
	lit_text(c, s + run, n - run);
	return 0;
}

/* Text, comments and processing instructions aside, does el hold anything? */
bool tmpl_has_content(const xmlNode *el)
{
	for (const xmlNode *n = el->children; n; n = n->next) {
		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE)
			continue;
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    tmpl_all_space((const char *)n->content, strlen((const char *)n->content)))
			continue;
		return true;
	}
	return false;
}

/* The value of an attribute as parsed: a single text node when it holds no
 * entity reference, which is all a template needs. */
const char *tmpl_attr_value(const xmlAttr *a)
{
	const xmlNode *n = a->children;
	if (!n)
		return "";
	if (n->type != XML_TEXT_NODE || n->next)
		return NULL;
	return n->content ? (const char *)n->content : "";
}

static int directive_name(struct cc *c, const xmlAttr *a, const char **slot, long line)
{
	const char *v = tmpl_attr_value(a);
	if (!tmpl_valid_name(v))
		return tmpl_fail(c, line, "t:%s=\"%s\": expected a name of letters, digits and _",
		                 (const char *)a->name, v ? v : "");
	*slot = v;
	return 0;
}

static int get_dirs(struct cc *c, const xmlNode *el, struct dirs *d, long line)
{
	memset(d, 0, sizeof *d);
	for (const xmlAttr *a = el->properties; a; a = a->next) {
		if (!tmpl_is_t_ns(a->ns))
			continue;
		const char *k = (const char *)a->name;
		const char **slot = tmpl_streq(k, "each") ? &d->each : tmpl_streq(k, "if") ? &d->ifn :
			tmpl_streq(k, "unless") ? &d->unless : tmpl_streq(k, "raw") ? &d->raw : NULL;
		if (!slot)
			return tmpl_fail(c, line, "unknown directive t:%s", k);
		if (directive_name(c, a, slot, line))
			return -1;
	}
	if (d->raw && !ends_with(d->raw, "_html"))
		return tmpl_fail(c, line, "t:raw=\"%s\": the name must end in _html", d->raw);
	return 0;
}

static int compile_file(struct cc *c, const char *file, long line, bool top);

int tmpl_compile_raw(struct cc *c, const xmlNode *el, const char *raw, long line)
{
	if (tmpl_has_content(el))
		return tmpl_fail(c, line, "t:raw=\"%s\": the element must be empty in the template", raw);
	tmpl_push_name(c, OP_RAW, raw, strlen(raw));
	return 0;
}

bool tmpl_clean_path(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n >= TMPL_MAX_PATH || p[0] == '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!tmpl_name_char(p[i]) && p[i] != '-' && p[i] != '.' && p[i] != '/')
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
		if (tmpl_is_t_ns(a->ns))
			continue;
		if (a->ns || !tmpl_streq(a->name, "src"))
			return tmpl_fail(c, line, "<t:include> takes only src=");
		src = tmpl_attr_value(a);
	}
	if (d->raw)
		return tmpl_fail(c, line, "<t:include> cannot take t:raw");
	if (!src)
		return tmpl_fail(c, line, "<t:include> needs src=");
	if (tmpl_has_content(el))
		return tmpl_fail(c, line, "<t:include> must be empty");
	if (!tmpl_clean_path(src))
		return tmpl_fail(c, line, "include \"%s\": not a plain relative path inside "
		                 "the template directory", src);
	for (int k = 0; k <= c->depth; k++)
		if (strcmp(c->files[k], src) == 0)
			return tmpl_fail(c, line, "include loop: \"%s\" includes itself "
			                 "(via \"%s\")", src, c->files[c->depth]);
	if (c->depth >= TMPL_MAX_INCLUDE_DEPTH)
		return tmpl_fail(c, line, "include \"%s\": nested deeper than %d",
		                 src, TMPL_MAX_INCLUDE_DEPTH);
	return compile_file(c, src, line, false);
}

static int compile_t_element(struct cc *c, xmlNode *el, const struct dirs *d, long line)
{
	const char *name = (const char *)el->name;
	if (tmpl_streq(name, "include"))
		return compile_include(c, el, d, line);
	if (!tmpl_streq(name, "block"))
		return tmpl_fail(c, line, "unknown directive element <t:%s>", name);
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!tmpl_is_t_ns(a->ns))
			return tmpl_fail(c, line, "<t:block> takes only t: directives");
	if (d->raw)
		return tmpl_compile_raw(c, el, d->raw, line);
	return tmpl_compile_children(c, el->children);
}

/* t:each wraps t:if wraps t:unless wraps the element (see the top). */
static int compile_element(struct cc *c, xmlNode *el)
{
	long line = xmlGetLineNo(el);
	struct dirs d;
	if (get_dirs(c, el, &d, line))
		return -1;
	if (c->json && (!tmpl_is_t_ns(el->ns) || d.raw))
		return tmpl_fail(c, line, "only <t:block> and <t:include> may stand in a JSON script");
	if (c->json && c->json_str)
		return tmpl_fail(c, line, "<t:%s> inside a JSON string", (const char *)el->name);
	size_t be = d.each ? tmpl_push_name(c, OP_EACH, d.each, strlen(d.each)) : 0;
	if (d.each && c->json)
		c->ops[be].flags = EACH_COMMA;  /* JSON has no trailing comma */
	size_t bi = d.ifn ? tmpl_push_name(c, OP_IF, d.ifn, strlen(d.ifn)) : 0;
	size_t bu = d.unless ? tmpl_push_name(c, OP_UNLESS, d.unless, strlen(d.unless)) : 0;
	int rc = tmpl_is_t_ns(el->ns) ? compile_t_element(c, el, &d, line) :
		c->xml ? tmpl_compile_xml_element(c, el, &d, line) :
		tmpl_compile_html_element(c, el, &d, line);
	if (rc)
		return -1;
	if (c->json && c->json_str)
		return tmpl_fail(c, line, "a JSON string runs past </t:%s>", (const char *)el->name);
	if (d.unless)
		close_block(c, bu);
	if (d.ifn)
		close_block(c, bi);
	if (d.each)
		close_block(c, be);
	return 0;
}

int tmpl_compile_children(struct cc *c, xmlNode *first)
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
			rc = tmpl_fail(c, xmlGetLineNo(n), "unsupported XML node "
			               "(entity references are not expanded)");
			break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- compiling a file ------------------------------------------------- */

static bool is_html_root(const xmlNode *root)
{
	return tmpl_streq(root->name, "html") &&
	       (!root->ns || (!root->ns->prefix && tmpl_streq(root->ns->href, XHTML_NS)));
}

/* A root in a namespace of its own (Atom, sitemaps): XML output. */
static bool is_xml_root(const xmlNode *root)
{
	return root->ns && !tmpl_streq(root->ns->href, XHTML_NS) && !tmpl_is_t_ns(root->ns);
}

/* Compile dir/file in place.  `line` is where it was included (0 for the
 * top), where a missing file is reported. */
static int compile_file(struct cc *c, const char *file, long line, bool top)
{
	char path[TMPL_MAX_PATH * 2 + 2];
	int k = snprintf(path, sizeof path, "%s/%s", c->dir, file);
	if (k < 0 || (size_t)k >= sizeof path)
		return tmpl_fail(c, line, "path too long");
	struct buf data = BUF_INIT;
	if (tmpl_read_file(c, path, file, line, &data)) {
		buf_free(&data);
		return -1;
	}
	c->files[top ? 0 : ++c->depth] = file;
	xmlDoc *doc = tmpl_parse(c, data.data ? data.data : "", data.len, file);
	buf_free(&data);
	int rc = -1;
	if (doc) {
		xmlNode *root = xmlDocGetRootElement(doc);
		if (top && is_html_root(root))
			tmpl_lit(c, "<!DOCTYPE html>\n");
		else if (top && is_xml_root(root)) {
			c->xml = true;
			tmpl_lit(c, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		}
		rc = compile_element(c, root);
		xmlFreeDoc(doc);
	}
	if (!top)
		c->depth--;
	return rc;
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
	if (!tmpl_clean_path(file)) {
		tmpl_fail(&c, 0, "not a plain relative path inside the template directory");
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
