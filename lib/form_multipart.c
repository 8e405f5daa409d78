/* form_multipart: the streaming multipart/form-data parser (form_mp_* in
 * form.h) - its state machine, from the delimiter scan to the callbacks.
 * What a header line or the request's Content-Type says is read in
 * form_mp_header.c; the error record is form.c's. */
#include "form_int.h"
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- multipart/form-data: the state machine ---- */

enum {
	MP_PREAMBLE,     /* looking for the first delimiter */
	MP_BTAIL,        /* just after a delimiter's boundary */
	MP_BDASH,        /* after boundary "-": expecting the second "-" */
	MP_BPAD,         /* transport-padding of a boundary line */
	MP_BLF,          /* CR of a boundary line seen */
	MP_CPAD,         /* after the close delimiter "--" */
	MP_CLF,          /* CR of the close delimiter line seen */
	MP_EPILOGUE,
	MP_HEADER,       /* in a part's header line */
	MP_HEADER_LF,    /* CR of a header line seen */
	MP_DATA,         /* a part's content */
	MP_DONE,         /* form_mp_finish succeeded */
	MP_ERROR
};

static int mp_vfail(struct form_mp *p, enum form_err code, int in_part,
                    const char *fmt, va_list ap)
{
	if (p->state != MP_ERROR) {
		char prefix[32] = "";
		if (in_part)
			snprintf(prefix, sizeof prefix, "part %u: ", p->nparts);
		form_err_vset(&p->err, code, prefix, fmt, ap);
		p->state = MP_ERROR;
	}
	return -1;
}

/* The body as a whole is wrong. */
static int mp_fail(struct form_mp *p, enum form_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mp_fail(struct form_mp *p, enum form_err code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mp_vfail(p, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* Part p->nparts is wrong: the message names it. */
int form_part_fail(struct form_mp *p, enum form_err code,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mp_vfail(p, code, 1, fmt, ap);
	va_end(ap);
	return -1;
}

/* A callback's answer: nonzero stops the parser. */
static int mp_called(struct form_mp *p, int r)
{
	if (r == 0 && p->state != MP_ERROR)
		return 0;
	return form_part_fail(p, FORM_ERR_REFUSED, "refused");
}

void form_mp_refuse(struct form_mp *p, const char *msg)
{
	if (p->state != MP_ERROR) {
		form_err_set(&p->err, FORM_ERR_REFUSED, "%s", msg);
		p->state = MP_ERROR;
	}
}

void form_mp_limits_default(struct form_mp_limits *l)
{
	l->parts_max = FORM_MP_PARTS_MAX;
	l->headers_max = FORM_MP_HEADERS_MAX;
	l->header_line_max = FORM_MP_HEADER_LINE_MAX;
	l->field_max = FORM_MP_FIELD_MAX;
	l->preamble_max = FORM_MP_PREAMBLE_MAX;
	l->epilogue_max = FORM_MP_EPILOGUE_MAX;
	l->file_max = 0;
	l->body_max = FORM_MP_BODY_MAX;
}

int form_mp_init(struct form_mp *p, const char *content_type,
                 const struct form_mp_callbacks *cb,
                 const struct form_mp_limits *limits)
{
	memset(p, 0, sizeof *p);
	if (cb)
		p->cb = *cb;
	if (limits)
		p->lim = *limits;
	else
		form_mp_limits_default(&p->lim);
	if (p->lim.header_line_max > FORM_MP_HEADER_LINE_MAX)
		p->lim.header_line_max = FORM_MP_HEADER_LINE_MAX;
	p->state = MP_PREAMBLE;
	if (form_mp_ct_parse(p, content_type) != FORM_OK) {
		p->state = MP_ERROR;
		return p->err.code;
	}
	/* The first boundary may open the body without a CRLF before it:
	 * start as if that CRLF had been read. */
	p->match = 2;
	p->fake_crlf = 1;
	return FORM_OK;
}

/* A boundary line ended: a new part's headers follow. */
static int mp_part_start(struct form_mp *p)
{
	if (++p->nparts > p->lim.parts_max)
		return mp_fail(p, FORM_ERR_TOO_MANY,
		               "too many parts (limit %zu)", p->lim.parts_max);
	p->nheaders = 0;
	p->seen_disp = p->seen_type = 0;
	p->is_file = 0;
	p->name[0] = p->filename[0] = p->display[0] = p->ctype[0] = '\0';
	p->line_len = 0;
	p->count = 0;
	buf_reset(&p->field);
	p->state = MP_HEADER;
	return 0;
}

/* The empty line after the headers: the content starts. */
static int mp_headers_done(struct form_mp *p)
{
	if (!p->seen_disp)
		return form_part_fail(p, FORM_ERR_HEADER,
		                      "missing Content-Disposition");
	if (p->is_file)
		form_mp_display_name(p->filename, p->display);
	p->part.index = p->nparts;
	p->part.name = p->name;
	p->part.filename = p->is_file ? p->filename : NULL;
	p->part.display_name = p->is_file ? p->display : NULL;
	p->part.content_type = p->seen_type ? p->ctype : NULL;
	p->state = MP_DATA;
	if (p->cb.on_part_begin)
		return mp_called(p, p->cb.on_part_begin(p->cb.ctx, &p->part));
	return 0;
}

static int mp_part_end(struct form_mp *p)
{
	if (!p->is_file) {
		const char *v = p->field.data ? p->field.data : "";
		size_t n = p->field.len;
		if (memchr(v, '\0', n))
			return form_part_fail(p, FORM_ERR_ENCODING,
			                      "NUL in field value");
		if (!http_utf8_valid(v, n))
			return form_part_fail(p, FORM_ERR_ENCODING,
			                      "field value is not valid UTF-8");
		if (p->cb.on_field &&
		    mp_called(p, p->cb.on_field(p->cb.ctx, &p->part, v, n)))
			return -1;
	}
	if (p->cb.on_part_end)
		return mp_called(p, p->cb.on_part_end(p->cb.ctx, &p->part));
	return 0;
}

/* Bytes that are not part of a delimiter: preamble or content. */
static int mp_out(struct form_mp *p, const char *d, size_t n)
{
	if (n == 0)
		return 0;
	if (p->state == MP_PREAMBLE) {
		p->count += n;
		if (p->count > p->lim.preamble_max)
			return mp_fail(p, FORM_ERR_SYNTAX,
			               "preamble too long (limit %zu bytes)",
			               p->lim.preamble_max);
		return 0;
	}
	if (!p->is_file) {
		if (n > p->lim.field_max - p->field.len)
			return form_part_fail(p, FORM_ERR_TOO_LARGE,
			                      "field value too long (limit %zu bytes)",
			                      p->lim.field_max);
		buf_put(&p->field, d, n);
		return 0;
	}
	p->count += n;
	if (p->lim.file_max > 0 && p->count > (unsigned long long)p->lim.file_max)
		return form_part_fail(p, FORM_ERR_TOO_LARGE,
		                      "file too large (limit %lld bytes)",
		                      p->lim.file_max);
	if (p->cb.on_part_data)
		return mp_called(p, p->cb.on_part_data(p->cb.ctx, &p->part,
		                                       d, n));
	return 0;
}

/* Consume d[*pos..len) up to and including a delimiter.  Returns 1 when
 * one was matched, 0 when the input ran out, -1 on error.
 *
 * Linear: the delimiter's only CR is its first byte, so after a mismatch
 * no suffix of the partial match can begin a new one (the KMP failure
 * function is 0 everywhere); the matched bytes are plain content, and
 * since they equal the delimiter's prefix they need no buffering across
 * chunks. */
static int mp_scan(struct form_mp *p, const char *d, size_t len, size_t *pos)
{
	size_t i = *pos;
	int r = 0;
	while (i < len && r == 0) {
		if (p->match == 0) {
			const char *cr = memchr(d + i, '\r', len - i);
			size_t end = cr ? (size_t)(cr - d) : len;
			if (mp_out(p, d + i, end - i) < 0)
				r = -1;
			i = cr ? end + 1 : end;
			p->match = cr != NULL;
		} else if (d[i] == p->delim[p->match]) {
			i++;
			if (++p->match == p->delim_len) {
				p->match = 0;
				p->fake_crlf = 0;
				r = 1;
			}
		} else {
			/* d[i] is looked at again with match 0. */
			size_t skip = p->fake_crlf ? 2 : 0;
			size_t m = p->match;
			p->fake_crlf = 0;
			p->match = 0;
			if (mp_out(p, p->delim + skip, m - skip) < 0)
				r = -1;
		}
	}
	*pos = i;
	return r;
}

static int mp_header_byte(struct form_mp *p, unsigned char c)
{
	if (p->state == MP_HEADER_LF) {
		if (c != '\n')
			return form_part_fail(p, FORM_ERR_SYNTAX,
			                      "CR without LF in header");
		p->state = MP_HEADER;
		if (p->line_len == 0)
			return mp_headers_done(p);
		if (form_mp_header_line(p) < 0)
			return -1;
		p->line_len = 0;
		return 0;
	}
	if (c == '\r') {
		p->state = MP_HEADER_LF;
		return 0;
	}
	if (c == '\n')
		return form_part_fail(p, FORM_ERR_SYNTAX,
		                      "header line ends with LF, not CRLF");
	if (c == '\0')
		return form_part_fail(p, FORM_ERR_SYNTAX, "NUL in header");
	if ((c < 0x20 && c != '\t') || c == 0x7F)
		return form_part_fail(p, FORM_ERR_SYNTAX,
		                      "control character in header");
	if (p->line_len >= p->lim.header_line_max)
		return form_part_fail(p, FORM_ERR_SYNTAX,
		                      "header line too long (limit %zu bytes)",
		                      p->lim.header_line_max);
	p->line[p->line_len++] = (char)c;
	return 0;
}

/* The bytes after a delimiter: transport-padding and CRLF, or "--" for
 * the last one (RFC 2046 5.1.1).  Anything else is refused. */
static int mp_tail_byte(struct form_mp *p, unsigned char c)
{
	int pad = c == ' ' || c == '\t';
	switch (p->state) {
	case MP_BTAIL:
		if (c == '-') {
			p->state = MP_BDASH;
			return 0;
		}
		/* fall through */
	case MP_BPAD:
		if (pad) {
			p->state = MP_BPAD;
			return 0;
		}
		if (c == '\r') {
			p->state = MP_BLF;
			return 0;
		}
		if (c == '\n')
			return mp_fail(p, FORM_ERR_SYNTAX,
			               "boundary line ends with LF, not CRLF");
		return mp_fail(p, FORM_ERR_SYNTAX, "junk after boundary");
	case MP_BDASH:
		if (c != '-')
			return mp_fail(p, FORM_ERR_SYNTAX, "junk after boundary");
		p->state = MP_CPAD;
		return 0;
	case MP_BLF:
		if (c != '\n')
			return mp_fail(p, FORM_ERR_SYNTAX,
			               "boundary line does not end with CRLF");
		return mp_part_start(p);
	case MP_CPAD:
		if (pad)
			return 0;
		if (c == '\r') {
			p->state = MP_CLF;
			return 0;
		}
		return mp_fail(p, FORM_ERR_SYNTAX, "junk after final boundary");
	case MP_CLF:
		if (c != '\n')
			return mp_fail(p, FORM_ERR_SYNTAX, "final boundary line "
			               "does not end with CRLF");
		p->state = MP_EPILOGUE;
		p->count = 0;
		return 0;
	}
	return mp_fail(p, FORM_ERR_SYNTAX, "internal state error");
}

static void mp_epilogue(struct form_mp *p, size_t n)
{
	p->count += n;
	if (p->count > p->lim.epilogue_max)
		mp_fail(p, FORM_ERR_SYNTAX,
		        "epilogue too long (limit %zu bytes)", p->lim.epilogue_max);
}

int form_mp_feed(struct form_mp *p, const char *data, size_t len)
{
	p->total += (long long)len;
	if (p->state == MP_ERROR)
		return p->err.code;
	if (p->state == MP_DONE && len) {
		mp_fail(p, FORM_ERR_SYNTAX, "data after the end of the body");
		return p->err.code;
	}
	if (p->lim.body_max > 0 && p->total > p->lim.body_max) {
		mp_fail(p, FORM_ERR_TOO_LARGE, "body too large (limit %lld "
		        "bytes)", p->lim.body_max);
		return p->err.code;
	}
	size_t i = 0;
	while (i < len && p->state != MP_ERROR) {
		switch (p->state) {
		case MP_PREAMBLE:
		case MP_DATA:
			if (mp_scan(p, data, len, &i) == 1) {
				if (p->state == MP_DATA && mp_part_end(p) < 0)
					break;
				p->state = MP_BTAIL;
			}
			break;
		case MP_EPILOGUE:
			mp_epilogue(p, len - i);
			i = len;
			break;
		case MP_HEADER:
		case MP_HEADER_LF:
			mp_header_byte(p, (unsigned char)data[i++]);
			break;
		default:
			mp_tail_byte(p, (unsigned char)data[i++]);
			break;
		}
	}
	return p->err.code;
}

int form_mp_finish(struct form_mp *p)
{
	switch (p->state) {
	case MP_ERROR:
		return p->err.code;
	case MP_CPAD:
	case MP_EPILOGUE:
		p->state = MP_DONE;
		/* fall through */
	case MP_DONE:
		return FORM_OK;
	case MP_PREAMBLE:
		if (p->total == 0)
			mp_fail(p, FORM_ERR_TRUNCATED, "empty body");
		else
			mp_fail(p, FORM_ERR_TRUNCATED, "no boundary in body");
		break;
	case MP_HEADER:
	case MP_HEADER_LF:
		form_part_fail(p, FORM_ERR_TRUNCATED,
		               "body ends inside the part headers");
		break;
	case MP_DATA:
		form_part_fail(p, FORM_ERR_TRUNCATED, "missing final boundary");
		break;
	default:
		mp_fail(p, FORM_ERR_TRUNCATED, "missing final boundary");
		break;
	}
	return p->err.code;
}

const struct form_error *form_mp_error(const struct form_mp *p)
{
	return &p->err;
}

long long form_mp_total(const struct form_mp *p)
{
	return p->total;
}

void form_mp_free(struct form_mp *p)
{
	buf_free(&p->field);
	p->state = MP_ERROR;
}
