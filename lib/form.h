/* form: request bodies and cookies, parsed strictly and within fixed limits.
 *
 *   form_urlencoded_parse  application/x-www-form-urlencoded (WHATWG URL
 *                          "application/x-www-form-urlencoded parsing" with
 *                          strict RFC 3986 2.1 escapes), from a buffer;
 *   form_cookie_get        one cookie from a Cookie header (RFC 6265 4.2.1);
 *   form_mp_*              a streaming multipart/form-data push parser
 *                          (RFC 7578 on top of RFC 2046 5.1): fed the body in
 *                          chunks of any size, linear in the input, never
 *                          holding more than one part header line and one
 *                          plain field value.
 *
 * Every refusal carries a code and a one-line message meant for a 400
 * answer ("part 3: header line too long").  Nothing here allocates without
 * bound: each limit is a named constant below. */
#ifndef FORM_H
#define FORM_H

#include <stddef.h>
#include "buf.h"

/* ---- limits shared by both body formats -------------------------------- */

/* The parser's ceiling for an urlencoded body; a form's own limit is
 * lower (lib/upload.h: ADMIN_FORM_MAX, or its spec's form_max). */
#define FORM_URLENCODED_MAX  (512 * 1024)
/* Fields in one struct form, and parts in one multipart body: the photos'
 * describe form sends up to eight fields for each of its 100 photos (alt
 * text and caption in two languages), the multi-file photo form up to 100
 * files and its token. */
#define FORM_FIELDS_MAX      832
#define FORM_NAME_MAX        64           /* decoded field name bytes */
#define FORM_FILENAME_MAX    255          /* display filename bytes */
#define FORM_ERRMSG_MAX      128          /* message bytes incl. NUL */

/* ---- limits of multipart/form-data (defaults of struct form_mp_limits) -- */

#define FORM_MP_BOUNDARY_MAX     70       /* RFC 2046 5.1.1: 1..70 bchars */
#define FORM_MP_PARTS_MAX        832      /* see FORM_FIELDS_MAX */
#define FORM_MP_HEADERS_MAX      16       /* header lines per part */
#define FORM_MP_HEADER_LINE_MAX  1024     /* bytes per header line, no CRLF */
#define FORM_MP_FIELD_MAX        (64 * 1024)  /* one plain field's value */
#define FORM_MP_PREAMBLE_MAX     1024
#define FORM_MP_EPILOGUE_MAX     1024
#define FORM_MP_BODY_MAX         (64LL * 1024 * 1024)  /* whole body */

/* ---- limits of cookies -------------------------------------------------- */

#define FORM_COOKIE_HEADER_MAX   8192     /* longer Cookie header: -1 */

/* ---- errors ------------------------------------------------------------- */

enum form_err {
	FORM_OK = 0,
	FORM_ERR_CONTENT_TYPE,  /* request Content-Type or boundary unusable */
	FORM_ERR_TOO_LARGE,     /* content over a size limit: body, field value, file (413) */
	FORM_ERR_TOO_MANY,      /* a count limit: fields, parts, header lines */
	FORM_ERR_SYNTAX,        /* framing: CRLF, boundary and header lines, their lengths */
	FORM_ERR_HEADER,        /* a part header's content (Content-Disposition) */
	FORM_ERR_UNSUPPORTED,   /* legal, refused: CTE, nested multipart, filename* */
	FORM_ERR_ENCODING,      /* bad %-escape, invalid UTF-8, NUL in a value */
	FORM_ERR_TRUNCATED,     /* body ended early: no final boundary */
	FORM_ERR_REFUSED        /* a callback said no */
};

struct form_error {
	enum form_err code;
	char msg[FORM_ERRMSG_MAX];  /* "" when code is FORM_OK */
};

/* A fixed English name for a code ("malformed multipart framing"). */
const char *form_strerror(enum form_err code);

/* ---- a list of fields --------------------------------------------------- */

/* Names and values are NUL-terminated, valid UTF-8 and contain no NUL (a
 * %00 or a NUL byte is refused), so strlen() gives their length.  Order is
 * the order of the body. */
struct form_field {
	char *name;
	char *value;
};

struct form {
	struct form_field *fields;
	size_t n;
};

#define FORM_INIT { NULL, 0 }

/* Parse an application/x-www-form-urlencoded body of len bytes into f
 * (which must be FORM_INIT or freed).  '+' is a space, '%' must be followed
 * by two hex digits, %00 is refused, names and values must decode to valid
 * UTF-8; empty pieces ("a=1&&b=2") are skipped and a piece without '=' is a
 * name with an empty value (as browsers and WHATWG do); an empty name is
 * refused.  Limits: FORM_URLENCODED_MAX bytes, FORM_FIELDS_MAX fields,
 * FORM_NAME_MAX bytes per name.  Returns FORM_OK, or the error code with f
 * left empty; err (may be NULL) gets the code and a message. */
int form_urlencoded_parse(struct form *f, const char *body, size_t len,
                          struct form_error *err);

/* Append a field (value of len bytes, copied).  Used by the multipart
 * on_field callback to collect plain fields into a struct form.  0, or -1
 * when f already holds FORM_FIELDS_MAX fields or the value contains NUL. */
int form_add(struct form *f, const char *name, const char *value, size_t len);

/* The first value of name, NULL when absent. */
const char *form_get(const struct form *f, const char *name);

/* Every value of a repeated name, in order:
 *     size_t it = 0; const char *v;
 *     while ((v = form_next(f, "tag", &it)))
 *             ...
 * Start with *it = 0; returns NULL when there is no further value. */
const char *form_next(const struct form *f, const char *name, size_t *it);

/* How many fields are called name. */
size_t form_count(const struct form *f, const char *name);

void form_free(struct form *f);

/* ---- cookies ------------------------------------------------------------ */

/* Look up cookie name in the value of a Cookie header (header may be NULL:
 * not found).  Pairs are split at ';' with spaces and tabs around them
 * tolerated; pairs that are not token "=" cookie-value (RFC 6265 4.1.1) are
 * ignored; a value in double quotes is returned without them.  Names compare
 * case-sensitively, the first well-formed pair wins (RFC 6265 5.4 puts the
 * most specific cookie first).
 * Returns 1 found (value copied to out, NUL-terminated), 0 not found, -1
 * malformed: header longer than FORM_COOKIE_HEADER_MAX, the value does not
 * fit in outsz, or name occurs only in malformed pairs.  out is "" unless 1. */
int form_cookie_get(const char *header, const char *name, char *out,
                    size_t outsz);

/* ---- multipart/form-data ------------------------------------------------ */

/* Use, in outline (the body must be read to its end whatever happens):
 *
 *     struct form_mp mp;
 *     struct form_mp_callbacks cb = { &up, up_begin, up_data, up_field,
 *                                     up_end };
 *     form_mp_init(&mp, http_param(r, "CONTENT_TYPE"), &cb, NULL);
 *     while ((n = r->body_read(r->body_io, chunk, sizeof chunk)) > 0)
 *             form_mp_feed(&mp, chunk, (size_t)n);
 *     rc = n < 0 ? -1 : form_mp_finish(&mp);
 *     if (rc == FORM_OK && form_mp_total(&mp) != r->content_length)
 *             ...400: the body does not match its Content-Length
 *     else if (rc != FORM_OK)
 *             ...400 with form_mp_error(&mp)->msg, remove temp files
 *     form_mp_free(&mp);
 *
 * up_field can collect plain fields with form_add(); up_begin opens a
 * temporary file for a file part, up_data writes to it, up_end closes it. */

/* What the parser knows about the part being delivered.  The strings stay
 * valid until the part's on_part_end returns. */
struct form_part {
	unsigned index;            /* 1 for the first part */
	const char *name;          /* field name, non-empty, valid UTF-8 */
	/* The filename parameter exactly as sent (valid UTF-8), NULL when the
	 * part has none.  A part with a filename (even "") is a file part.  Show
	 * or check it, never put it in a path. */
	const char *filename;
	/* For display only: filename without anything up to its last '/' or
	 * '\' (old browsers send full paths), without control characters,
	 * trimmed, at most FORM_FILENAME_MAX bytes; "." and ".." become "".
	 * NULL exactly when filename is. */
	const char *display_name;
	/* The part's Content-Type value as sent (trimmed), NULL when absent
	 * (RFC 7578 4.4: text/plain for fields; for files the caller decides). */
	const char *content_type;
};

/* Each callback returns 0 to go on; anything else stops the parser with
 * FORM_ERR_REFUSED (message from form_mp_refuse() if called, else generic).
 * Any callback may be NULL. */
struct form_mp_callbacks {
	void *ctx;
	/* The part's headers are complete and valid. */
	int (*on_part_begin)(void *ctx, const struct form_part *part);
	/* File parts only: the next len > 0 bytes of the content, in chunks
	 * of arbitrary size. */
	int (*on_part_data)(void *ctx, const struct form_part *part,
	                    const char *data, size_t len);
	/* Plain fields only: the whole value (NUL-terminated, valid UTF-8,
	 * no NUL inside, at most field_max bytes), before on_part_end. */
	int (*on_field)(void *ctx, const struct form_part *part,
	                const char *value, size_t len);
	/* The part ended with a boundary.  Not called for a part cut short by
	 * an error: after an error, a caller discards what it wrote. */
	int (*on_part_end)(void *ctx, const struct form_part *part);
};

/* Limits; form_mp_init with NULL uses the FORM_MP_* defaults.  To change
 * one, start from form_mp_limits_default().  0 for file_max or body_max
 * means no limit; header_line_max cannot exceed FORM_MP_HEADER_LINE_MAX. */
struct form_mp_limits {
	size_t parts_max;
	size_t headers_max;
	size_t header_line_max;
	size_t field_max;
	size_t preamble_max;
	size_t epilogue_max;
	long long file_max;        /* bytes of one file part */
	long long body_max;        /* bytes fed in total */
};

void form_mp_limits_default(struct form_mp_limits *l);

/* The parser.  Its members are private.  It holds no pointers into the
 * caller's data and may live on the stack (about 4 KiB), but must not be
 * copied once initialised. */
struct form_mp {
	struct form_mp_callbacks cb;
	struct form_mp_limits lim;
	struct form_error err;
	int state;
	long long total;           /* every byte passed to form_mp_feed */
	char delim[4 + FORM_MP_BOUNDARY_MAX + 1];  /* "\r\n--" boundary */
	size_t delim_len;
	size_t match;              /* bytes of delim matched so far */
	int fake_crlf;             /* match counts the CRLF assumed at start */
	size_t count;              /* preamble/epilogue/file bytes so far */
	unsigned nparts;
	unsigned nheaders;
	int is_file;
	int seen_disp, seen_type;
	char line[FORM_MP_HEADER_LINE_MAX + 1];
	size_t line_len;
	char name[FORM_NAME_MAX + 1];
	char filename[FORM_MP_HEADER_LINE_MAX + 1];
	char display[FORM_FILENAME_MAX + 1];
	char ctype[FORM_MP_HEADER_LINE_MAX + 1];
	struct form_part part;
	struct buf field;          /* a plain field's value so far */
};

/* Start a parser for a body with this request Content-Type header value,
 * which must be multipart/form-data with a boundary parameter (token or
 * quoted-string, 1..70 RFC 2046 bchars, not ending in a space).  cb is
 * copied; limits may be NULL.  Returns FORM_OK or FORM_ERR_CONTENT_TYPE
 * (then every feed is ignored and finish repeats the error).  Whatever it
 * returns, call form_mp_free() in the end. */
int form_mp_init(struct form_mp *p, const char *content_type,
                 const struct form_mp_callbacks *cb,
                 const struct form_mp_limits *limits);

/* Feed the next len bytes of the body.  Returns FORM_OK or the error
 * code; after the first error every further feed is ignored (but still
 * counted by form_mp_total) and returns that code again, so a caller may
 * keep reading the body to its end and check once.
 *
 * Framing rules, all refusals: CRLF line ends only (a bare LF or CR in the
 * header section or after a boundary is an error, as RFC 2046 and 7578
 * require CRLF and browsers send it); a boundary line may carry only
 * spaces/tabs after the boundary (or "--" for the last one); a header line
 * needs a token name and a colon, no NUL or other control characters but
 * tab, no folding; Content-Disposition must be form-data with a name (no
 * name*, filename*: RFC 7578 4.2), at most one each of Content-Disposition
 * and Content-Type; no Content-Transfer-Encoding (RFC 7578 4.7); no
 * multipart part (RFC 7578 4.3 no longer allows nesting).  Quoted
 * parameter values of Content-Disposition end at the next '"' and take
 * '\' literally, because browsers escape '"' as %22 rather than with '\'
 * (HTML's multipart/form-data encoding) and Windows paths contain '\'. */
int form_mp_feed(struct form_mp *p, const char *data, size_t len);

/* The body has ended.  FORM_OK when the final boundary was seen (and any
 * epilogue was within its limit); otherwise FORM_ERR_TRUNCATED or the
 * earlier error. */
int form_mp_finish(struct form_mp *p);

/* Stop with FORM_ERR_REFUSED and this message; for callbacks (which then
 * return nonzero) that keep the parser in their ctx. */
void form_mp_refuse(struct form_mp *p, const char *msg);

/* The error so far: code FORM_OK and msg "" while all is well. */
const struct form_error *form_mp_error(const struct form_mp *p);

/* Bytes fed so far, including ignored ones: a body shorter than its
 * Content-Length shows as form_mp_total() < content_length after reading
 * to EOF, a longer one as more bytes than announced. */
long long form_mp_total(const struct form_mp *p);

/* Release the parser's memory; p may then be initialised again. */
void form_mp_free(struct form_mp *p);

#endif
