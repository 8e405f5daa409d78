/* tmpl_cc: the template compiler's own - its state while it compiles and
 * what its three files share: tmpl_compile.c (the op writer, names, text,
 * directives, the walk over the tree), tmpl_markup.c (the output's
 * elements and attributes, HTML's rules) and tmpl_read.c (files, libxml2,
 * message catalogs).  Only they include it: the renderer (tmpl.c) needs
 * tmpl_int.h alone and never libxml2. */
#ifndef TMPL_CC_H
#define TMPL_CC_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"
#include "tmpl_int.h"

#define TMPL_NS  "urn:symposium:template"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

enum {
	TMPL_MAX_INCLUDE_DEPTH = 8,
	TMPL_MAX_FILE_BYTES = 1 << 20,   /* a template is markup, not data */
	TMPL_MAX_PATH = 512,
	TMPL_MAX_NAME = 64,
};

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

/* The t: attributes of one element. */
struct dirs {
	const char *each, *ifn, *unless, *raw;
};

/* ---- tmpl_compile.c ---- */

/* An error at line of the file being compiled, as "file:line: message"
 * into c->err; only the first counts.  Returns -1. */
int tmpl_fail(struct cc *c, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* a (a libxml2 string, maybe NULL) is b. */
bool tmpl_streq(const void *a, const char *b);
/* ns is the template's own (t:). */
bool tmpl_is_t_ns(const xmlNs *ns);

/* The op writer.  tmpl_push: a new zeroed op, its index (c->ops may move);
 * tmpl_lit_from: the pool's bytes from start on as a literal, merged into
 * the one before when nothing came between; tmpl_lit: s as a literal;
 * tmpl_push_name: an op of this kind for name[0, n), its index. */
size_t tmpl_push(struct cc *c, int kind);
void tmpl_lit_from(struct cc *c, size_t start);
void tmpl_lit(struct cc *c, const char *s);
size_t tmpl_push_name(struct cc *c, int kind, const char *name, size_t n);

/* Names (and catalog keys): a letter or '_', then letters, digits and '_';
 * tmpl_valid_name: s is one, of at most TMPL_MAX_NAME bytes. */
bool tmpl_name_start(char ch);
bool tmpl_name_char(char ch);
bool tmpl_valid_name(const char *s);

/* s[0, n) is only spaces, tabs, CRs and LFs. */
bool tmpl_all_space(const char *s, size_t n);

/* A reference "${name}" or "${name?}" at s (s[0] == '$', s[1] == '{').
 * Returns the bytes it takes, 0 after reporting an error. */
struct ref {
	const char *name;
	size_t len;
	bool optional;
};

size_t tmpl_parse_ref(struct cc *c, long line, const char *s, size_t n,
                      struct ref *r);
/* A reference in text, where ${name?} has no meaning. */
size_t tmpl_text_ref(struct cc *c, long line, const char *s, size_t n,
                     struct ref *r);
/* s[i] begins "${". */
bool tmpl_is_ref_start(const char *s, size_t i, size_t n);

/* Text, comments and processing instructions aside, does el hold anything? */
bool tmpl_has_content(const xmlNode *el);
/* An attribute's value; NULL when it holds an entity reference. */
const char *tmpl_attr_value(const xmlAttr *a);

/* A template file's name: a plain relative path inside the template
 * directory (the top of tmpl_compile.c). */
bool tmpl_clean_path(const char *p);

/* Compile the nodes from first on; el's t:raw=raw (el must be empty in the
 * template). */
int tmpl_compile_children(struct cc *c, xmlNode *first);
int tmpl_compile_raw(struct cc *c, const xmlNode *el, const char *raw, long line);

/* ---- tmpl_markup.c ---- */

/* Text inside a JSON-LD script. */
int tmpl_compile_json_text(struct cc *c, const char *s, size_t n, long line);
/* An element of the output, not t:, with its directives d. */
int tmpl_compile_xml_element(struct cc *c, xmlNode *el, const struct dirs *d, long line);
int tmpl_compile_html_element(struct cc *c, xmlNode *el, const struct dirs *d, long line);

/* ---- tmpl_read.c ---- */

/* A template or catalog file read whole into b (up to TMPL_MAX_FILE_BYTES);
 * line is where it was included, 0 for the top. */
int tmpl_read_file(struct cc *c, const char *path, const char *file,
                   long line, struct buf *b);
/* data[0, n) parsed as XML (XML_PARSE_NONET): the tree, or NULL after
 * tmpl_fail. */
xmlDoc *tmpl_parse(struct cc *c, const char *data, size_t n, const char *file);
/* #{key} in s replaced by c->cat's texts into out: 1 when s holds none,
 * 0 when out holds the result, -1 after an error. */
int tmpl_expand_msgs(struct cc *c, long line, const char *s, struct buf *out);

#endif
