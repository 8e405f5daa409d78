/* tmpl: rendering compiled templates (tmpl_compile.c makes them) - the
 * request's scopes of names and values, escaping for each context, and the
 * run over the flat list of operations.  No libxml2 here: a request never
 * touches a DOM. */
#include "tmpl_int.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	TMPL_RENDER_SLACK = 1024,        /* reserve beyond the static bytes */
	VARS_CHUNK = 8192,
};

/* The check mode (tmpl_check): a ${name} that no scope sets is reported,
 * not silently rendered as "" - a renamed SQL alias would otherwise blank
 * a page without a word. */
static bool check_mode;
static unsigned long unset_count;

/* ---- variables -------------------------------------------------------- */

/* One arena per root scope: every scope, name and value of a request lives
 * in its chunks, and tmpl_vars_clear() rewinds them, so a worker reaches a
 * steady state where rendering a page does no malloc at all. */
struct chunk {
	struct chunk *next;
	size_t cap, used;
	max_align_t mem[];
};

struct arena {
	struct chunk *first, *cur;
};

enum { ENT_VALUE, ENT_LIST };

struct ent {
	struct ent *next;
	uint64_t key;           /* tmpl_name_key(): hash and length in one compare */
	const char *name;
	int kind;
	union {
		struct { const char *s; size_t len; } val;
		struct { struct tmpl_vars *first, *last; size_t n; } list;
	};
};

/* A scope hashes its names into a few buckets, each a newest-first list
 * (so a later set wins).  Scopes are small -- a row's columns, a page's
 * few dozen values -- so a bucket is a step or two long and the table costs
 * 64 bytes per row. */
enum { SCOPE_BUCKETS = 8 };

struct tmpl_vars {
	struct ent *bucket[SCOPE_BUCKETS];
	struct ent *last_list;          /* tmpl_add() appends in bursts */
	struct tmpl_vars *parent;       /* NULL for the root */
	struct tmpl_vars *next_row;
	struct arena *arena;
};

struct root {
	struct tmpl_vars v;             /* first: a root scope is a struct root */
	struct arena a;
};

/* A scope scan compares one word per entry and the bytes only on a hit. */
uint64_t tmpl_name_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (uint64_t)h << 32 | (uint32_t)n;
}

static inline bool same_name(const char *a, const char *b, uint64_t key)
{
	return memcmp(a, b, (uint32_t)key) == 0;
}

static void *arena_alloc(struct arena *a, size_t n, size_t align)
{
	for (;;) {
		struct chunk *ch = a->cur;
		if (ch) {
			size_t at = (ch->used + align - 1) & ~(align - 1);
			if (at <= ch->cap && n <= ch->cap - at) {
				ch->used = at + n;
				return (char *)ch->mem + at;
			}
			if (ch->next) {         /* recycled chunk from an earlier request */
				a->cur = ch->next;
				a->cur->used = 0;
				continue;
			}
		}
		size_t cap = n + align > VARS_CHUNK ? n + align : VARS_CHUNK;
		struct chunk *nc = xmalloc(sizeof *nc + cap);
		nc->next = NULL;
		nc->cap = cap;
		nc->used = 0;
		if (ch)
			ch->next = nc;
		else
			a->first = nc;
		a->cur = nc;
	}
}

static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1, 1);
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

struct tmpl_vars *tmpl_vars_new(void)
{
	struct root *r = xcalloc(1, sizeof *r);
	r->v.arena = &r->a;
	return &r->v;
}

void tmpl_vars_clear(struct tmpl_vars *v)
{
	if (!v)
		return;
	memset(v->bucket, 0, sizeof v->bucket);
	v->last_list = NULL;
	if (v->parent)
		return;                 /* a row's memory belongs to its root */
	v->arena->cur = v->arena->first;
	if (v->arena->cur)
		v->arena->cur->used = 0;
}

void tmpl_vars_free(struct tmpl_vars *v)
{
	if (!v || v->parent)
		return;                 /* rows go with their root */
	struct chunk *ch = v->arena->first;
	while (ch) {
		struct chunk *next = ch->next;
		free(ch);
		ch = next;
	}
	free((struct root *)v);
}

static struct ent *new_ent(struct tmpl_vars *v, const char *name, int kind)
{
	size_t n = strlen(name);
	struct ent *e = arena_alloc(v->arena, sizeof *e, _Alignof(struct ent));
	memset(e, 0, sizeof *e);
	e->name = arena_strndup(v->arena, name, n);
	e->key = tmpl_name_key(name, n);
	e->kind = kind;
	struct ent **head = &v->bucket[(e->key >> 32) % SCOPE_BUCKETS];
	e->next = *head;
	*head = e;
	return e;
}

void tmpl_setn(struct tmpl_vars *v, const char *name, const char *value, size_t len)
{
	if (!value)
		len = 0;
	struct ent *e = new_ent(v, name, ENT_VALUE);
	e->val.s = arena_strndup(v->arena, value ? value : "", len);
	e->val.len = len;
}

void tmpl_set(struct tmpl_vars *v, const char *name, const char *value)
{
	tmpl_setn(v, name, value, value ? strlen(value) : 0);
}

void tmpl_seti(struct tmpl_vars *v, const char *name, long long value)
{
	char b[24];
	int n = snprintf(b, sizeof b, "%lld", value);
	tmpl_setn(v, name, b, (size_t)n);
}

static const struct ent *find_in(const struct tmpl_vars *s, uint64_t key,
                                 const char *name)
{
	for (const struct ent *e = s->bucket[(key >> 32) % SCOPE_BUCKETS]; e; e = e->next)
		if (e->key == key && same_name(e->name, name, key))
			return e;
	return NULL;
}

static struct ent *find_list(struct tmpl_vars *v, const char *name, size_t n)
{
	uint64_t key = tmpl_name_key(name, n);
	struct ent *e = v->last_list;
	if (e && e->key == key && same_name(e->name, name, key))
		return e;
	for (e = v->bucket[(key >> 32) % SCOPE_BUCKETS]; e; e = e->next)
		if (e->kind == ENT_LIST && e->key == key && same_name(e->name, name, key))
			return e;
	return NULL;
}

struct tmpl_vars *tmpl_add(struct tmpl_vars *v, const char *list)
{
	struct ent *e = find_list(v, list, strlen(list));
	if (!e)
		e = new_ent(v, list, ENT_LIST);
	v->last_list = e;
	struct tmpl_vars *row = arena_alloc(v->arena, sizeof *row,
	                                    _Alignof(struct tmpl_vars));
	memset(row, 0, sizeof *row);
	row->parent = v;
	row->arena = v->arena;
	if (e->list.last)
		e->list.last->next_row = row;
	else
		e->list.first = row;
	e->list.last = row;
	e->list.n++;
	return row;
}

const char *tmpl_get(const struct tmpl_vars *v, const char *name)
{
	uint64_t key = tmpl_name_key(name, strlen(name));
	for (; v; v = v->parent) {
		const struct ent *e = find_in(v, key, name);
		if (e)
			return e->kind == ENT_VALUE ? e->val.s : NULL;
	}
	return NULL;
}

/* ---- escaping --------------------------------------------------------- */

#define REPLACEMENT_CHAR "\xEF\xBF\xBD"   /* what HTML makes of a NUL anyway */

/* Append without a function call per piece: rendering is a few thousand
 * small appends, and buf_put's call, reserve and NUL cost more than the
 * copy.  The NUL buf.h promises is written once, at the end of a render. */
static inline void put(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n)
		buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}


static const unsigned char esc_class[256] = {
	/* 0x00 */ 15,12,12,12,12,12,12,12, 12,4,4,12,12,4,12,12,
	/* 0x10 */ 12,12,12,12,12,12,12,12, 12,12,12,12,12,12,12,12,
	/* 0x20    sp ! " # $ % & ' ( ) * + , - . / */
	           4,0,6,0,0,0,7,0, 0,0,0,0,0,0,0,0,
	/* 0x30    0-9 : ; < = > ? */
	           0,0,0,0,0,0,0,0, 0,0,0,0,7,0,7,0,
	/* 0x40 */ 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,
	/* 0x50 */ 0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,
	/* 0x60    ` */
	           4,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,
	/* 0x70    DEL */
	           0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,4,
	/* 0x80 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
	/* 0x90 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
	/* 0xa0 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
	/* 0xb0 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
	/* 0xc0 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
	/* 0xd0 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
	/* 0xe0 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
	/* 0xf0 */ 4,4,4,4,4,4,4,4, 4,4,4,4,4,4,4,4,
};

/* The first byte at or after i of class `mask`, or n. */
static inline size_t scan(const unsigned char *s, size_t i, size_t n, unsigned mask)
{
	while (i + 4 <= n && !((esc_class[s[i]] | esc_class[s[i + 1]] |
	                        esc_class[s[i + 2]] | esc_class[s[i + 3]]) & mask))
		i += 4;
	while (i < n && !(esc_class[s[i]] & mask))
		i++;
	return i;
}

static void put_special(struct buf *out, unsigned char c, unsigned mask)
{
	static const char hex[] = "0123456789ABCDEF";
	if ((mask & E_URL) && c != '&') {
		char pct[3] = { '%', hex[c >> 4], hex[c & 15] };
		put(out, pct, 3);
		return;
	}
	switch (c) {
	case '&': put(out, "&amp;", 5); break;
	case '<': put(out, "&lt;", 4); break;
	case '>': put(out, "&gt;", 4); break;
	case '"': put(out, "&quot;", 6); break;
	default: put(out, REPLACEMENT_CHAR, 3); break;     /* NUL, XML's controls */
	}
}

/* s[0, n) for the context `mask` (E_TEXT, E_ATTR or E_URL). */
void tmpl_put_esc(struct buf *out, const char *str, size_t n, unsigned mask)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	for (;;) {
		size_t j = scan(s, i, n, mask);
		put(out, s + i, j - i);
		if (j == n)
			return;
		put_special(out, s[j], mask);
		i = j + 1;
	}
}

/* The length of the well-formed UTF-8 sequence at s[0, n) (RFC 3629
 * section 4: no overlong forms, no surrogates, nothing above U+10FFFF),
 * or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 :
		c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (k == 0 || k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
	    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
		return 0;
	return k;
}

/* s[0, n) inside a JSON string in a <script> element (RFC 8259 section 7):
 * '"', '\\' and the controls escaped as JSON requires; '<', '>' and '&' as
 * \uXXXX, so no "</script" or "<!--" can end or bend the element (HTML
 * Living Standard 4.12.1.3, "Restrictions for contents of script
 * elements"); U+2028 and U+2029, which JavaScript before ES2019 takes for
 * line ends, escaped too; a byte that is not well-formed UTF-8 becomes
 * U+FFFD, so a JSON parser never sees one. */
static void put_json(struct buf *out, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n; ) {
		unsigned char c = s[i];
		size_t k = utf8_len(s + i, n - i);
		const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" :
			c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
		if (e) {
			put(out, e, 2);
		} else if (k == 0) {
			put(out, "\\ufffd", 6);
			k = 1;
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(out, u, 6);
		} else if (k == 3 && c == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] & 0xFE) == 0xA8) {
			put(out, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
		} else {
			put(out, s + i, k);
		}
		i += k;
	}
}

/* The scheme of a URL assembled from parts: leading C0 controls and spaces
 * are ignored (a browser strips them, WHATWG URL "basic URL parser"), and a
 * ':' before any of "/?#" ends a scheme, which must then be on the list.
 * Anything odd before the ':' (a browser would drop a tab or newline there)
 * just fails the comparison.  No scheme at all is a relative URL: fine. */
struct scheme_scan {
	char s[8];
	size_t n;
	bool started, too_long;
	int verdict;            /* -1 undecided, 0 refused, 1 allowed */
};

static int scheme_allowed(const struct scheme_scan *sc)
{
	static const char *const ok[] = { "http", "https", "mailto", "tel" };
	if (sc->too_long)
		return 0;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strlen(ok[i]) == sc->n && memcmp(ok[i], sc->s, sc->n) == 0)
			return 1;
	return 0;
}

static void scheme_feed(struct scheme_scan *sc, const char *p, size_t n)
{
	for (size_t i = 0; i < n && sc->verdict < 0; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!sc->started && c <= 0x20)
			continue;
		sc->started = true;
		if (c == ':')
			sc->verdict = scheme_allowed(sc);
		else if (c == '/' || c == '?' || c == '#')
			sc->verdict = 1;
		else if (sc->n < sizeof sc->s)
			sc->s[sc->n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		else
			sc->too_long = true;
	}
}

/* ---- rendering -------------------------------------------------------- */

/* The scopes a render sees, innermost first: each t:each pushes its row. */
struct chain {
	const struct tmpl_vars *s;
	const struct chain *up;
};

static const struct ent *lookup(const struct tmpl *t, const struct op *o,
                                const struct chain *c)
{
	const char *name = t->pool + o->off;
	for (; c; c = c->up) {
		const struct tmpl_vars *s = c->s;
		if (!s)
			continue;
		const struct ent *e = find_in(s, o->key, name);
		if (e)
			return e;
		if (!c->up)     /* the scope given to tmpl_render sees its parents */
			for (s = s->parent; s; s = s->parent)
				if ((e = find_in(s, o->key, name)))
					return e;
	}
	return NULL;
}

static void report_unset(const struct tmpl *t, const struct op *o)
{
	unset_count++;
	fprintf(stderr, "template %s: ${%.*s} is not set\n", t->file, (int)o->len, t->pool + o->off);
}

static const char *value_of(const struct tmpl *t, const struct op *o,
                            const struct chain *c, size_t *len)
{
	const struct ent *e = lookup(t, o, c);
	if (!e && check_mode)
		report_unset(t, o);
	if (!e || e->kind != ENT_VALUE) {
		*len = 0;
		return "";
	}
	*len = e->val.len;
	return e->val.s;
}

static bool truthy(const struct ent *e)
{
	if (!e)
		return false;
	if (e->kind == ENT_LIST)
		return e->list.n > 0;
	return e->val.len > 0 && !(e->val.len == 1 && e->val.s[0] == '0');
}

static bool url_allowed(const struct tmpl *t, const struct op *p,
                        const struct op *end, const struct chain *c)
{
	struct scheme_scan sc = { .verdict = -1 };
	for (; p < end && sc.verdict < 0; p++) {
		size_t n = p->len;
		const char *s = t->pool + p->off;
		if (p->kind == OP_PVAR)
			s = value_of(t, p, c, &n);
		scheme_feed(&sc, s, n);
	}
	return sc.verdict != 0;
}

static void render_attr(const struct tmpl *t, const struct op *a,
                        const struct chain *c, struct buf *out)
{
	const struct op *p = a + 1, *end = a + 1 + a->arg;
	size_t n;
	const struct ent *opt = (a->flags & A_OPTIONAL) ? lookup(t, p, c) : NULL;
	if ((a->flags & A_OPTIONAL) && (!opt || opt->kind != ENT_VALUE || opt->val.len == 0))
		return;
	put(out, t->pool + a->off, a->len);
	if ((a->flags & A_CHECK) && !url_allowed(t, p, end, c)) {
		put(out, "#\"", 2);
		return;
	}
	for (; p < end; p++) {
		if (p->kind == OP_PLIT) {
			put(out, t->pool + p->off, p->len);
			continue;
		}
		const char *s = value_of(t, p, c, &n);
		if ((a->flags & A_CHECK) && p == a + 1)
			while (n && (unsigned char)*s <= 0x20) {
				s++;    /* what the scheme check skipped */
				n--;
			}
		tmpl_put_esc(out, s, n, (a->flags & A_URL ? E_URL : E_ATTR) |
		        (a->flags & A_XML ? E_XMLC : 0));
	}
	put(out, "\"", 1);
}

static void run(const struct tmpl *t, size_t i, size_t end,
                const struct chain *c, struct buf *out)
{
	while (i < end) {
		const struct op *o = &t->ops[i];
		const char *s;
		size_t n;
		switch (o->kind) {
		case OP_LIT:
			put(out, t->pool + o->off, o->len);
			i++;
			break;
		case OP_TEXT:   /* flags: E_XMLC in XML output */
			s = value_of(t, o, c, &n);
			tmpl_put_esc(out, s, n, E_TEXT | o->flags);
			i++;
			break;
		case OP_JSON:
			s = value_of(t, o, c, &n);
			put_json(out, s, n);
			i++;
			break;
		case OP_RAW:
			s = value_of(t, o, c, &n);
			put(out, s, n);
			i++;
			break;
		case OP_ATTR:
			render_attr(t, o, c, out);
			i += 1 + o->arg;
			break;
		case OP_IF:
			i = truthy(lookup(t, o, c)) ? i + 1 : o->arg;
			break;
		case OP_UNLESS:
			i = truthy(lookup(t, o, c)) ? o->arg : i + 1;
			break;
		case OP_EACH: {
			const struct ent *e = lookup(t, o, c);
			if (e && e->kind == ENT_LIST)
				for (const struct tmpl_vars *r = e->list.first; r; r = r->next_row) {
					struct chain rc = { r, c };
					if ((o->flags & EACH_COMMA) && r != e->list.first)
						put(out, ",", 1);
					run(t, i + 1, o->arg, &rc, out);
				}
			i = o->arg;
			break;
		}
		default:        /* attribute parts are consumed by OP_ATTR */
			i++;
			break;
		}
	}
}

void tmpl_check(bool on)
{
	check_mode = on;
}

unsigned long tmpl_unset(void)
{
	return unset_count;
}

void tmpl_render(const struct tmpl *t, const struct tmpl_vars *v, struct buf *out)
{
	struct chain c = { v, NULL };
	buf_reserve(out, t->static_bytes + TMPL_RENDER_SLACK);
	run(t, 0, t->nops, &c, out);
	if (out->data)
		out->data[out->len] = '\0';   /* put() always leaves room */
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	free(t->ops);
	free(t->pool);
	free(t->file);
	free(t);
}
