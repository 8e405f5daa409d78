/* tmpl_read: what the template compiler reads - a file, parsed by libxml2
 * with the line numbers its messages need, and message catalogs with the
 * #{key} expansion they serve.  The compiler itself is in tmpl_compile.c
 * and tmpl_markup.c (tmpl_cc.h). */
#include "tmpl_cc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

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

/* #{key} in s: the catalog's text put in its place, before anything else
 * is compiled, so a message is exactly as if the template had said it
 * there (its ${name}s interpolated and escaped like any other).  Returns 1
 * when s holds no #{, 0 with the expansion in out, -1 after an error. */
int tmpl_expand_msgs(struct cc *c, long line, const char *s, struct buf *out)
{
	const char *p = strstr(s, "#{");
	if (!p)
		return 1;
	if (!c->cat)
		return tmpl_fail(c, line, "#{...} needs a message catalog (public templates only)");
	buf_reset(out);
	buf_puts(out, "");
	while (p) {
		buf_put(out, s, (size_t)(p - s));
		size_t k = 2;
		while (tmpl_name_char(p[k]))
			k++;
		if (k == 2 || p[k] != '}' || !tmpl_name_start(p[2]))
			return tmpl_fail(c, line, "bad #{...}: expected #{key}, a key of letters, digits and _");
		const char *text = catalog_text(c->cat, p + 2, k - 2);
		if (!text)
			return tmpl_fail(c, line, "#{%.*s}: no such message in %s", (int)(k - 2), p + 2,
			                 c->cat->file);
		buf_puts(out, text);
		s = p + k + 1;
		p = strstr(s, "#{");
	}
	buf_puts(out, s);
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

static long count_nl(const char *s, size_t n)
{
	long k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
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

xmlDoc *tmpl_parse(struct cc *c, const char *data, size_t n, const char *file)
{
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		tmpl_fail(c, 0, "out of memory");
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
		tmpl_fail(c, x.set ? x.line : 0, "%s", x.set ? x.msg : "not a template");
		return NULL;
	}
	return doc;
}

/* Read a template whole; a missing include is reported where it is
 * included, a missing top-level file as line 0 of itself. */
int tmpl_read_file(struct cc *c, const char *path, const char *file,
                   long line, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return line ? tmpl_fail(c, line, "include \"%s\": %s", file, strerror(errno)) :
			tmpl_fail(c, 0, "cannot read template: %s", strerror(errno));
	char chunk[8192];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > TMPL_MAX_FILE_BYTES)
			rc = tmpl_fail(c, line, "\"%s\" is larger than %d bytes", file,
			               TMPL_MAX_FILE_BYTES);
		else
			buf_put(b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = tmpl_fail(c, line, "\"%s\": read error", file);
	fclose(f);
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
	if (!tmpl_streq(m->name, "m") || m->ns)
		rc = tmpl_fail(c, line, "<%s>: a catalog holds <m k=\"key\">text</m> only", m->name);
	else if (!tmpl_valid_name((const char *)key))
		rc = tmpl_fail(c, line, "<m>: k= must be a key of letters, digits and _");
	else if (catalog_text(cat, (const char *)key, strlen((const char *)key)))
		rc = tmpl_fail(c, line, "message %s is defined twice", key);
	for (xmlNode *n = m->children; !rc && n; n = n->next)
		if (n->type != XML_TEXT_NODE)
			rc = tmpl_fail(c, line, "message %s: plain text only (markup stays in the template)", key);
	xmlChar *text = rc ? NULL : xmlNodeGetContent(m);
	if (!rc && strstr((const char *)text, "#{"))
		rc = tmpl_fail(c, line, "message %s: #{...} inside a message", key);
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
	if (!tmpl_clean_path(file) || snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) {
		tmpl_fail(&c, 0, "not a plain relative path inside the template directory");
		return NULL;
	}
	xmlDoc *doc = tmpl_read_file(&c, path, file, 0, &data) ? NULL :
		tmpl_parse(&c, data.data ? data.data : "", data.len, file);
	buf_free(&data);
	if (!doc)
		return NULL;
	struct tmpl_catalog *cat = xcalloc(1, sizeof *cat);
	cat->file = xstrdup(file);
	xmlNode *root = xmlDocGetRootElement(doc);
	int rc = tmpl_streq(root->name, "catalog") ? 0 :
		tmpl_fail(&c, xmlGetLineNo(root), "the root element must be <catalog>");
	for (xmlNode *n = root->children; !rc && n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			rc = catalog_add(&c, cat, n);
		else if (n->type == XML_TEXT_NODE && !tmpl_all_space((const char *)n->content,
				strlen((const char *)n->content)))
			rc = tmpl_fail(&c, xmlGetLineNo(n), "text outside <m>");
	}
	xmlFreeDoc(doc);
	if (rc) {
		tmpl_catalog_free(cat);
		return NULL;
	}
	return cat;
}
