/* tmpl_int: a template's compiled form - the flat list of operations the
 * compiler (tmpl_compile.c, tmpl_markup.c, tmpl_read.c) writes and the
 * renderer (tmpl.c) runs.  Only those files include it; the compiler's own
 * declarations are in tmpl_cc.h. */
#ifndef TMPL_INT_H
#define TMPL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tmpl.h"

enum op_kind {
	OP_LIT,         /* pool[off, off+len) as is */
	OP_TEXT,        /* value of name, escaped for text */
	OP_RAW,         /* value of name, as is (t:raw) */
	OP_ATTR,        /* ` name="` at pool[off]; the next `arg` ops are parts */
	OP_PLIT,        /* attribute part: static text, already escaped */
	OP_PVAR,        /* attribute part: a value */
	OP_IF,          /* name; arg = index of the op after the body */
	OP_UNLESS,
	OP_EACH,        /* flags EACH_COMMA: rows separated by "," (JSON) */
	OP_JSON,        /* value of name, escaped inside a JSON string */
};

enum { A_URL = 1, A_OPTIONAL = 2, A_CHECK = 4, A_XML = 8 };
enum { EACH_COMMA = 1 };

struct op {
	uint64_t key;           /* tmpl_name_key() of the name, for ops with a name */
	uint32_t off, len;      /* literal or name in the pool */
	uint32_t arg;
	uint8_t kind, flags;
};

struct tmpl {
	struct op *ops;
	size_t nops;
	char *pool;
	size_t static_bytes;    /* what a render writes at least, roughly */
	char *file;             /* for the check mode's messages */
};

/* A name's key for struct op and the scopes: FNV-1a hash in the high half,
 * length in the low half. */
uint64_t tmpl_name_key(const char *s, size_t n);

/* Byte classes: which bytes each context must not copy as they are.
 *   E_TEXT  text:  & < > and NUL
 *   E_ATTR  double-quoted attribute: also "
 *   E_URL   a value inside a URL attribute: & (as &amp;) and everything
 *           that cannot stand raw in a URL (RFC 3986 section 2; the WHATWG
 *           C0 control set plus space " < > ` and non-ASCII), which is
 *           percent-encoded.  '%' stays, so an already encoded value is not
 *           encoded twice. */
/*   E_XMLC  in XML output (text or attribute): also the C0 controls that
 *           XML 1.0 has no character for (section 2.2 "Char": only tab,
 *           LF and CR), replaced by U+FFFD - a feed reader must refuse a
 *           document with one. */
enum { E_TEXT = 1, E_ATTR = 2, E_URL = 4, E_XMLC = 8 };

/* s[0, n) appended to out, escaped for the contexts in mask. */
void tmpl_put_esc(struct buf *out, const char *str, size_t n, unsigned mask);

#endif
