/* tmpl_markup: the template compiler's part for the output's own elements
 * and attributes - HTML's rules (void elements, no <style>, style= or
 * on*= handlers, no inline <script> but empty ones and JSON-LD data
 * blocks, whose JSON it follows), which attributes hold a URL and which
 * of their values get the scheme check, and XML output's elements.  The
 * rest of the compiler is in tmpl_compile.c and tmpl_read.c (tmpl_cc.h). */
#include "tmpl_cc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

/* ---- HTML's rules ----------------------------------------------------- */

static bool starts_with_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char ch = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
		if (ch != *prefix)
			return false;
	}
	return true;
}

/* b is lowercase.  HTML's parser lowercases element and attribute names,
 * so every rule below holds for <BR>, hrEf= or <PRE> as for their usual
 * spelling. */
static bool eq_ci(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && starts_with_ci(a, b);
}

static bool in_list_ci(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (eq_ci(s, *list))
			return true;
	return false;
}

static bool is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed", "hr",
		"img", "input", "link", "meta", "source", "track", "wbr", NULL };
	return in_list_ci(name, v);
}

/* Attributes whose value is a URL (HTML attribute index), where a value
 * could otherwise smuggle in javascript: or data:.  In any case, as the
 * browser reads them: a case-sensitive match once let hrEf= past the
 * scheme check (fuzz_tmpl.c found it). */
static bool is_url_attr(const char *name)
{
	static const char *const u[] = { "href", "src", "action", "formaction",
		"poster", "cite", "srcset", "data", "background", "longdesc",
		"manifest", "ping", "icon", "codebase", NULL };
	return in_list_ci(name, u);
}

/* ---- attributes ------------------------------------------------------- */

/* ${...} in an attribute value: OP_ATTR followed by its parts. */
static int compile_dyn_attr(struct cc *c, const char *name, const char *v, long line)
{
	size_t n = strlen(v), a = c->pool.len;
	buf_printf(&c->pool, " %s=\"", name);
	size_t ai = tmpl_push(c, OP_ATTR);
	c->ops[ai].off = (uint32_t)a;
	c->ops[ai].len = (uint32_t)(c->pool.len - a);
	uint8_t flags = (is_url_attr(name) ? A_URL : 0) | (c->xml ? A_XML : 0);
	bool before_var = true, scheme_fixed = false;
	size_t run = 0, i = 0, parts = 0;
	while (i <= n) {
		if (i < n && !tmpl_is_ref_start(v, i, n)) {
			i++;
			continue;
		}
		if (i > run) {          /* the static text before this point */
			size_t p = c->pool.len;
			tmpl_put_esc(&c->pool, v + run, i - run, E_ATTR);
			size_t k = tmpl_push(c, OP_PLIT);
			c->ops[k].off = (uint32_t)p;
			c->ops[k].len = (uint32_t)(c->pool.len - p);
			parts++;
			if (before_var && strcspn(v + run, ":/?#") < i - run)
				scheme_fixed = true;
		}
		if (i == n)
			break;
		struct ref r;
		size_t used = tmpl_parse_ref(c, line, v + i, n - i, &r);
		if (!used)
			return -1;
		if (r.optional && (i != 0 || used != n))
			return tmpl_fail(c, line, "${%.*s?} must be the whole value of %s=",
			                 (int)r.len, r.name, name);
		if (r.optional)
			flags |= A_OPTIONAL;
		if (before_var && !scheme_fixed && (flags & A_URL))
			flags |= A_CHECK;
		before_var = false;
		tmpl_push_name(c, OP_PVAR, r.name, r.len);
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
		return tmpl_fail(c, line, "attribute %s:%s: unknown namespace prefix",
		                 a->ns->prefix ? (const char *)a->ns->prefix : "", name);
	if (a->ns) {    /* XML output keeps xml:lang and declared prefixes */
		snprintf(qname, sizeof qname, "%s:%s", (const char *)a->ns->prefix, name);
		name = qname;
	}
	if (starts_with_ci(name, "on"))
		return tmpl_fail(c, line, "event handler attribute %s= is not allowed "
		                 "(the Content-Security-Policy forbids inline script)", name);
	if (eq_ci(name, "style"))
		return tmpl_fail(c, line, "style= is not allowed "
		                 "(the Content-Security-Policy forbids inline style)");
	const char *v = tmpl_attr_value(a);
	if (!v)
		return tmpl_fail(c, line, "attribute %s=: entity references are not supported", name);
	struct buf x = BUF_INIT;
	int e = tmpl_expand_msgs(c, line, v, &x);
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
		tmpl_lit_from(c, start);
		return 0;
	}
	/* srcdoc is parsed as a whole HTML document: escaping cannot help. */
	if (eq_ci(name, "srcdoc"))
		return tmpl_fail(c, line, "srcdoc= cannot take ${...}");
	return compile_dyn_attr(c, name, v, line);
}

/* ---- JSON-LD scripts -------------------------------------------------- */

static void lit_raw(struct cc *c, const char *s, size_t n)
{
	size_t start = c->pool.len;
	buf_put(&c->pool, s, n);
	tmpl_lit_from(c, start);
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
int tmpl_compile_json_text(struct cc *c, const char *s, size_t n, long line)
{
	size_t run = 0, i = 0;
	while (i < n) {
		if (!tmpl_is_ref_start(s, i, n)) {
			if (s[i] == '<')
				return tmpl_fail(c, line, "'<' in a JSON script: write \\u003c");
			json_step(c, s[i]);
			line += s[i++] == '\n';
			continue;
		}
		if (!c->json_str || c->json_bs)
			return tmpl_fail(c, line, "${...} in a JSON script must stand inside "
			                 "a string (\"...\"), where it is escaped");
		struct ref r;
		size_t used = tmpl_text_ref(c, line, s + i, n - i, &r);
		if (!used)
			return -1;
		lit_raw(c, s + run, i - run);
		tmpl_push_name(c, OP_JSON, r.name, r.len);
		i += used;
		run = i;
	}
	lit_raw(c, s + run, n - run);
	return 0;
}

/* <script type="application/ld+json">: a data block, which the browser
 * never runs (so the Content-Security-Policy allows it); its content is
 * the template's JSON with ${name} inside strings (tmpl_compile_json_text). */
static bool is_json_script(const xmlNode *el)
{
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!a->ns && eq_ci((const char *)a->name, "type")) {
			const char *v = tmpl_attr_value(a);
			return v && eq_ci(v, "application/ld+json");
		}
	return false;
}

static int compile_json_script(struct cc *c, xmlNode *el, long line)
{
	c->json = true;
	c->json_str = c->json_bs = false;
	int rc = tmpl_compile_children(c, el->children);
	if (!rc && c->json_str)
		rc = tmpl_fail(c, line, "the JSON script ends inside a string");
	c->json = false;
	return rc;
}

/* ---- elements --------------------------------------------------------- */

/* An element of XML output (a feed, a sitemap): its qualified name, the
 * namespaces it declares (the template's own aside), and <x/> when the
 * template gives it no content - XML has no void elements. */
int tmpl_compile_xml_element(struct cc *c, xmlNode *el, const struct dirs *d, long line)
{
	char qname[2 * TMPL_MAX_NAME + 2];
	snprintf(qname, sizeof qname, "%s%s%s", el->ns && el->ns->prefix ?
	         (const char *)el->ns->prefix : "", el->ns && el->ns->prefix ? ":" : "",
	         (const char *)el->name);
	if (d->raw)
		return tmpl_fail(c, line, "t:raw in XML output");
	tmpl_lit(c, "<");
	tmpl_lit(c, qname);
	for (const xmlNs *ns = el->nsDef; ns; ns = ns->next) {
		if (tmpl_streq(ns->href, TMPL_NS))
			continue;
		size_t start = c->pool.len;
		buf_printf(&c->pool, " xmlns%s%s=\"", ns->prefix ? ":" : "",
		           ns->prefix ? (const char *)ns->prefix : "");
		tmpl_put_esc(&c->pool, (const char *)ns->href, strlen((const char *)ns->href), E_ATTR);
		buf_putc(&c->pool, '"');
		tmpl_lit_from(c, start);
	}
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!tmpl_is_t_ns(a->ns) && compile_attr(c, a, line))
			return -1;
	if (!tmpl_has_content(el)) {
		tmpl_lit(c, "/>");
		return 0;
	}
	tmpl_lit(c, ">");
	if (tmpl_compile_children(c, el->children))
		return -1;
	tmpl_lit(c, "</");
	tmpl_lit(c, qname);
	tmpl_lit(c, ">");
	return 0;
}

int tmpl_compile_html_element(struct cc *c, xmlNode *el, const struct dirs *d, long line)
{
	const char *name = (const char *)el->name;
	if (el->ns && (el->ns->prefix || !tmpl_streq(el->ns->href, XHTML_NS)))
		return tmpl_fail(c, line, "element <%s%s%s>: unknown namespace",
		                 el->ns->prefix ? (const char *)el->ns->prefix : "",
		                 el->ns->prefix ? ":" : "", name);
	if (eq_ci(name, "style"))
		return tmpl_fail(c, line, "<style> is not allowed (the Content-Security-Policy "
		                 "forbids inline style; use a stylesheet)");
	bool script = eq_ci(name, "script"), vd = is_void(name);
	bool json = script && is_json_script(el);
	/* t:raw leaves the element empty in the template but fills it at
	 * render time: inline script all the same. */
	if (script && !json && (tmpl_has_content(el) || d->raw))
		return tmpl_fail(c, line, "<script> must be empty (the Content-Security-Policy "
		                 "forbids inline script; use src=)");
	if (json && d->raw)
		return tmpl_fail(c, line, "t:raw on a JSON script (its values are escaped, never raw)");
	if (vd && tmpl_has_content(el))
		return tmpl_fail(c, line, "<%s> is a void element and must be empty", name);
	if (vd && d->raw)
		return tmpl_fail(c, line, "t:raw on the void element <%s>", name);
	tmpl_lit(c, "<");
	tmpl_lit(c, name);
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (!tmpl_is_t_ns(a->ns) && compile_attr(c, a, line))
			return -1;
	tmpl_lit(c, ">");
	if (vd)
		return 0;
	bool ws = eq_ci(name, "pre") || eq_ci(name, "textarea");
	if (ws) {
		tmpl_lit(c, "\n");
		c->keep_ws++;
	}
	int rc = d->raw ? tmpl_compile_raw(c, el, d->raw, line) :
		json ? compile_json_script(c, el, line) :
		script ? 0 : tmpl_compile_children(c, el->children);
	if (ws)
		c->keep_ws--;
	if (rc)
		return -1;
	tmpl_lit(c, "</");
	tmpl_lit(c, name);
	tmpl_lit(c, ">");
	return 0;
}
