/* tmpl: templates compiled once at start-up, rendered many times.
 *
 * A template is a well-formed XML file under templates/ (parsed by libxml2
 * with XML_PARSE_NONET only: no entity expansion, no DTD loading, no
 * XInclude).  tmpl_load() compiles it into a flat list of operations;
 * tmpl_render() walks that list and writes HTML5 itself, so a request never
 * touches a DOM and the output is HTML5-correct (void elements, escaping).
 *
 * The directives (namespace xmlns:t="urn:symposium:template"):
 *
 *   ${name}            in text: the value, HTML-escaped for text.
 *                      in an attribute: escaped for a quoted attribute; in a
 *                      URL attribute (href, src, action, ...) additionally
 *                      percent-encoded where needed and checked against the
 *                      scheme allow-list (http, https, mailto, tel, or a
 *                      relative URL); a refused URL renders as "#".
 *   ${name?}           as the whole value of an attribute: the attribute is
 *                      left out when the value is empty.
 *   t:if="name"        on an element: render it only if name is a non-empty
 *                      value other than "0", or a non-empty list.
 *   t:unless="name"    the opposite.
 *   t:each="list"      repeat the element once per row of the list; inside,
 *                      the row's names shadow the outer ones.
 *   t:raw="name_html"  replace the element's content with the value as is.
 *                      The only raw output there is; the name must end in
 *                      "_html", and only HTML the project sanitised itself
 *                      (lib/md.c) is ever stored under such a name.
 *   <t:block>          renders only its content (a carrier for t:if/t:each).
 *   <t:include src="_part.xml"/>  the other template, inlined at compile time.
 *   #{key}             in text or an attribute value: the message key of
 *                      the catalog the template is compiled with, put in
 *                      its place at compile time (one template, compiled
 *                      once per language).  A message is plain text and
 *                      may hold ${name}s, escaped as anywhere else; a key
 *                      missing from the catalog is a compile error at the
 *                      #{key}'s file:line.
 *
 * JSON-LD: <script type="application/ld+json"> may hold the template's JSON.
 * There ${name} must stand inside a JSON string literal (a compile error
 * elsewhere) and is escaped for it: RFC 8259 string rules, '<', '>', '&',
 * U+2028 and U+2029 as \uXXXX, broken UTF-8 as \ufffd.  Only <t:block> and
 * <t:include> may stand in it, never inside a string; the rows of a
 * t:each there are separated by commas; '<' in its static text is an error.
 *
 * XML output (a feed, a sitemap): a template whose root element is in a
 * namespace other than XHTML's starts with the XML declaration, keeps
 * prefixes and namespace declarations (t: aside), writes an element the
 * template leaves empty as <x/>, and replaces the C0 controls XML cannot
 * hold (all but tab, LF, CR) in values by U+FFFD.  ${name} works as in
 * HTML, URL attributes (href) keep the scheme check.
 *
 * Compile errors ("file:line: message") cover: malformed XML, an unknown t:
 * directive, a bad ${...}, t:raw on a name not ending in _html, content in a
 * void element, inline <script>/<style> content, on* and style attributes
 * (the Content-Security-Policy forbids them), and include loops. */
#ifndef TMPL_H
#define TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

struct tmpl;            /* a compiled template */
struct tmpl_vars;       /* the names one render sees: values and lists */

/* Compile dir/file; NULL on error with "file:line: message" in err. */
struct tmpl *tmpl_load(const char *dir, const char *file, char *err, size_t errsz);
void tmpl_free(struct tmpl *t);

/* A message catalog: dir/file, <catalog><m k="key">text</m>...</catalog>
 * (templates/i18n/LANG.xml).  NULL on error with "file:line: message". */
struct tmpl_catalog;
struct tmpl_catalog *tmpl_catalog_load(const char *dir, const char *file,
				       char *err, size_t errsz);
void tmpl_catalog_free(struct tmpl_catalog *cat);
/* tmpl_load with #{key} taken from cat (NULL: #{...} is an error). */
struct tmpl *tmpl_load_with(const char *dir, const char *file,
			    const struct tmpl_catalog *cat, char *err, size_t errsz);

/* The check mode, for tests (SITE_TMPL_CHECK=1 in the programs): a
 * ${name} rendered while no scope sets it is counted and reported on
 * stderr as "template FILE: ${name} is not set" (${name?} may be unset:
 * that is what it is for).  Off by default: then it renders as "". */
void tmpl_check(bool on);
/* How many unset names the check mode has reported in this process. */
unsigned long tmpl_unset(void);

/* Append the rendering to out. */
void tmpl_render(const struct tmpl *t, const struct tmpl_vars *v, struct buf *out);

/* A root scope.  All memory of a scope tree is freed (or recycled by
 * tmpl_vars_clear) at once. */
struct tmpl_vars *tmpl_vars_new(void);
void tmpl_vars_clear(struct tmpl_vars *v);     /* empty the root, keep memory */
void tmpl_vars_free(struct tmpl_vars *v);

/* Set a value (name and value are copied; NULL value means ""). */
void tmpl_set(struct tmpl_vars *v, const char *name, const char *value);
void tmpl_setn(struct tmpl_vars *v, const char *name, const char *value, size_t len);
void tmpl_seti(struct tmpl_vars *v, const char *name, long long value);

/* Append a row to the list `list` of v; the row sees v's names too. */
struct tmpl_vars *tmpl_add(struct tmpl_vars *v, const char *list);

/* Lookup, mostly for tests and handlers: NULL when unset. */
const char *tmpl_get(const struct tmpl_vars *v, const char *name);

#endif
