/* md: Markdown to safe HTML with libcmark-gfm and its table extension.
 * See md.h for the policy. */
#include "md.h"

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Parse options: smart quotes and dashes; invalid UTF-8 becomes U+FFFD
 * instead of reaching the page as broken bytes. */
#define MD_PARSE_OPTS (CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8)
/* Render options: no CMARK_OPT_UNSAFE, so cmark's own safe mode stays on
 * behind our tree pass. */
#define MD_RENDER_OPTS CMARK_OPT_DEFAULT

#define MD_HEADING_MIN 2           /* the page's title is the <h1> */
#define MD_SCHEME_MAX 16           /* longer than any scheme we allow */

static const char *const link_schemes[] = { "http", "https", "mailto", "tel", NULL };
static const char *const image_schemes[] = { "http", "https", NULL };

/* Read the scheme the way a browser would (WHATWG URL: leading C0 controls
 * and spaces are stripped, tabs and newlines removed anywhere), so that
 * "java\tscript:" cannot pass as something else.  A ':' before any of
 * "/?#" means a scheme, which must be on the list; no ':' there means a
 * relative reference. */
int md_url_allowed(const char *url, int is_image)
{
	const unsigned char *p = (const unsigned char *)url;
	char scheme[MD_SCHEME_MAX + 1];
	size_t n = 0;
	int too_long = 0;

	while (*p && *p <= 0x20)
		p++;
	for (; *p; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (*p == '/' || *p == '?' || *p == '#')
			return 1;
		if (*p == ':')
			break;
		if (n < MD_SCHEME_MAX)
			scheme[n++] = (char)tolower(*p);
		else
			too_long = 1;
	}
	if (!*p)
		return 1;
	if (too_long)
		return 0;
	scheme[n] = '\0';
	for (const char *const *s = is_image ? image_schemes : link_schemes; *s; s++)
		if (strcmp(scheme, *s) == 0)
			return 1;
	return 0;
}

/* Nodes the tree pass must rewrite.  The tree may only change after the
 * iterator is done with a node (cmark.h), so they are collected first. */
struct md_todo {
	cmark_node **v;
	size_t n, cap;
};

static void todo_push(struct md_todo *t, cmark_node *node)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = node;
}

static int needs_fix(cmark_node *node)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
		return 1;
	case CMARK_NODE_LINK:
		return !md_url_allowed(cmark_node_get_url(node), 0);
	case CMARK_NODE_IMAGE:
		return !md_url_allowed(cmark_node_get_url(node), 1);
	default:
		return 0;
	}
}

static void collect(cmark_node *doc, struct md_todo *t)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *node = cmark_iter_get_node(it);
		if (cmark_node_get_type(node) == CMARK_NODE_HEADING) {
			if (cmark_node_get_heading_level(node) < MD_HEADING_MIN)
				cmark_node_set_heading_level(node, MD_HEADING_MIN);
		} else if (needs_fix(node)) {
			todo_push(t, node);
		}
	}
	cmark_iter_free(it);
}

/* Raw HTML becomes the text it was: escaped by the renderer like any
 * other text.  A block becomes a paragraph of that text. */
static void html_to_text(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	size_t len = lit ? strlen(lit) : 0;
	while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
		len--;
	char *copy = xstrndup(lit ? lit : "", len);
	cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(text, copy);
	free(copy);

	if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
		cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
		cmark_node_append_child(para, text);
		cmark_node_replace(node, para);
	} else {
		cmark_node_replace(node, text);
	}
	cmark_node_free(node);
}

/* A refused link or image: its content (link text, image alt) stays in
 * its place, the link itself goes. */
static void unwrap(cmark_node *node)
{
	cmark_node *child;
	while ((child = cmark_node_first_child(node)) != NULL)
		cmark_node_insert_before(node, child);
	cmark_node_unlink(node);
	cmark_node_free(node);
}

static void fix(cmark_node *node)
{
	cmark_node_type type = cmark_node_get_type(node);
	if (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE)
		html_to_text(node);
	else
		unwrap(node);
}

/* A parser with the GFM table extension (and no other: strikethrough,
 * autolinks and task lists are not part of what the forms promise). */
static cmark_parser *table_parser(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	cmark_parser *p = cmark_parser_new(MD_PARSE_OPTS);
	cmark_syntax_extension *table = cmark_find_syntax_extension("table");
	if (p && table)
		cmark_parser_attach_syntax_extension(p, table);
	return p;
}

int md_to_html(struct buf *out, const char *md, size_t len)
{
	if (len > MD_INPUT_MAX)
		return -1;
	if (len == 0) {
		buf_puts(out, "");       /* a defined, NUL-terminated buffer */
		return 0;
	}
	cmark_parser *parser = table_parser();
	if (!parser)
		abort();                 /* out of memory, as xmalloc does */
	cmark_parser_feed(parser, md, len);
	cmark_node *doc = cmark_parser_finish(parser);
	struct md_todo todo = { NULL, 0, 0 };
	collect(doc, &todo);
	for (size_t i = 0; i < todo.n; i++)
		fix(todo.v[i]);
	free(todo.v);

	char *html = cmark_render_html(doc, MD_RENDER_OPTS,
				       cmark_parser_get_syntax_extensions(parser));
	buf_puts(out, html);
	cmark_get_default_mem_allocator()->free(html);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return 0;
}
