/* form: urlencoded bodies, cookies and streaming multipart/form-data.
 * See form.h for the rules each parser enforces. */
#include "form.h"
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

const char *form_strerror(enum form_err code)
{
	switch (code) {
	case FORM_OK:               return "no error";
	case FORM_ERR_CONTENT_TYPE: return "unusable Content-Type";
	case FORM_ERR_TOO_LARGE:    return "too large";
	case FORM_ERR_TOO_MANY:     return "too many items";
	case FORM_ERR_SYNTAX:       return "malformed body";
	case FORM_ERR_HEADER:       return "malformed part header";
	case FORM_ERR_UNSUPPORTED:  return "unsupported feature";
	case FORM_ERR_ENCODING:     return "bad encoding";
	case FORM_ERR_TRUNCATED:    return "body ends early";
	case FORM_ERR_REFUSED:      return "refused";
	}
	return "unknown error";
}

static void err_vset(struct form_error *e, enum form_err code,
                     const char *prefix, const char *fmt, va_list ap)
{
	int n = snprintf(e->msg, sizeof e->msg, "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof e->msg)
		n = 0;
	vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
	e->code = code;
}

static int err_set(struct form_error *e, enum form_err code,
                   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int err_set(struct form_error *e, enum form_err code,
                   const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		err_vset(e, code, "", fmt, ap);
		va_end(ap);
	}
	return code;
}

/* ---- character classes and UTF-8 ---- */

/* RFC 9110 5.6.2 tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static int ci_eq(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	if (n != m)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char a = s[i], b = lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

static const char *skip_ows(const char *s)
{
	while (is_ows(*s))
		s++;
	return s;
}

static const char *skip_token(const char *s)
{
	while (is_tchar((unsigned char)*s))
		s++;
	return s;
}

/* ---- a list of fields ---- */

int form_add(struct form *f, const char *name, const char *value, size_t len)
{
	if (f->n >= FORM_FIELDS_MAX || memchr(value, '\0', len))
		return -1;
	/* Grow at powers of two: the capacity is implied by n. */
	if ((f->n & (f->n - 1)) == 0)
		f->fields = xrealloc(f->fields,
		                     (f->n ? 2 * f->n : 1) * sizeof *f->fields);
	f->fields[f->n].name = xstrdup(name);
	f->fields[f->n].value = xstrndup(value, len);
	f->n++;
	return 0;
}

const char *form_next(const struct form *f, const char *name, size_t *it)
{
	for (; *it < f->n; ++*it) {
		if (strcmp(f->fields[*it].name, name) == 0)
			return f->fields[(*it)++].value;
	}
	return NULL;
}

const char *form_get(const struct form *f, const char *name)
{
	size_t it = 0;
	return form_next(f, name, &it);
}

size_t form_count(const struct form *f, const char *name)
{
	size_t it = 0, n = 0;
	while (form_next(f, name, &it))
		n++;
	return n;
}

void form_free(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
	}
	free(f->fields);
	f->fields = NULL;
	f->n = 0;
}

/* ---- application/x-www-form-urlencoded ---- */

/* Decode s[0..n) into out (room for n + 1): '+' is a space (WHATWG URL
 * 5.1).  The decoded length, HTTP_DEC_BAD or HTTP_DEC_NUL. */
static long url_decode(const char *s, size_t n, char *out)
{
	return http_decode(s, n, out, n + 1, HTTP_DEC_PLUS);
}

/* One "name=value" piece, the index-th field. */
static int url_piece(struct form *f, const char *s, size_t n, size_t index,
                     char *tmp, struct form_error *err)
{
	const char *eq = memchr(s, '=', n);
	size_t nlen = eq ? (size_t)(eq - s) : n;
	const char *v = eq ? eq + 1 : s + n;
	size_t vlen = (size_t)(s + n - v);

	long dn = url_decode(s, nlen, tmp);
	if (dn < 0)
		return err_set(err, FORM_ERR_ENCODING, "field %zu: %s in name",
		               index, dn == HTTP_DEC_BAD ? "bad percent escape" : "NUL");
	if (dn == 0)
		return err_set(err, FORM_ERR_SYNTAX,
		               "field %zu: empty name", index);
	if (dn > FORM_NAME_MAX)
		return err_set(err, FORM_ERR_SYNTAX,
		               "field %zu: name too long", index);
	if (!http_utf8_valid(tmp, (size_t)dn))
		return err_set(err, FORM_ERR_ENCODING,
		               "field %zu: name is not valid UTF-8", index);
	char name[FORM_NAME_MAX + 1];
	memcpy(name, tmp, (size_t)dn + 1);

	long dv = url_decode(v, vlen, tmp);
	if (dv < 0)
		return err_set(err, FORM_ERR_ENCODING, "field %zu: %s in value",
		               index, dv == HTTP_DEC_BAD ? "bad percent escape" : "NUL");
	if (!http_utf8_valid(tmp, (size_t)dv))
		return err_set(err, FORM_ERR_ENCODING,
		               "field %zu: value is not valid UTF-8", index);
	if (form_add(f, name, tmp, (size_t)dv) < 0)
		return err_set(err, FORM_ERR_TOO_MANY,
		               "too many fields (limit %d)", FORM_FIELDS_MAX);
	return FORM_OK;
}

int form_urlencoded_parse(struct form *f, const char *body, size_t len,
                          struct form_error *err)
{
	f->fields = NULL;
	f->n = 0;
	err_set(err, FORM_OK, "%s", "");
	if (len > FORM_URLENCODED_MAX)
		return err_set(err, FORM_ERR_TOO_LARGE,
		               "body too large (limit %d bytes)",
		               FORM_URLENCODED_MAX);
	char *tmp = xmalloc(len + 1);
	int rc = FORM_OK;
	size_t index = 0;
	for (size_t i = 0; i < len && rc == FORM_OK; ) {
		const char *amp = memchr(body + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - body) : len;
		if (end > i)            /* "a&&b": empty pieces are skipped */
			rc = url_piece(f, body + i, end - i, ++index, tmp, err);
		i = end + 1;
	}
	free(tmp);
	if (rc != FORM_OK)
		form_free(f);
	return rc;
}

/* ---- cookies ---- */

/* RFC 6265 4.1.1 cookie-octet: visible ASCII but '"', ',', ';' and '\'. */
static int is_cookie_octet(unsigned char c)
{
	return c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != ';' &&
	       c != '\\';
}

/* One pair s[0..n), already known to have the wanted name: the value's
 * bounds without quotes, or -1 when it is not a cookie-value. */
static int cookie_value(const char *s, size_t n, const char **v, size_t *vlen)
{
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_cookie_octet((unsigned char)s[i]))
			return -1;
	*v = s;
	*vlen = n;
	return 0;
}

/* The pair s[0..n): 1 it is name with a good value (bounds in v, vlen),
 * 0 another or a nameless pair, -1 name with a malformed value. */
static int cookie_pair(const char *s, size_t n, const char *name,
                       const char **v, size_t *vlen)
{
	while (n && is_ows(*s)) {
		s++;
		n--;
	}
	while (n && is_ows(s[n - 1]))
		n--;
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return 0;
	size_t nlen = (size_t)(eq - s);
	while (nlen && is_ows(s[nlen - 1]))
		nlen--;
	if (nlen != strlen(name) || memcmp(s, name, nlen) != 0)
		return 0;
	for (size_t i = 0; i < nlen; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	const char *val = eq + 1;
	size_t left = (size_t)(s + n - val);
	while (left && is_ows(*val)) {
		val++;
		left--;
	}
	return cookie_value(val, left, v, vlen) < 0 ? -1 : 1;
}

int form_cookie_get(const char *header, const char *name, char *out,
                    size_t outsz)
{
	if (outsz)
		out[0] = '\0';
	if (!header || !*name)
		return 0;
	size_t len = strlen(header);
	if (len > FORM_COOKIE_HEADER_MAX)
		return -1;
	int bad = 0;
	for (size_t i = 0; i <= len; ) {
		const char *semi = memchr(header + i, ';', len - i);
		size_t end = semi ? (size_t)(semi - header) : len;
		const char *v;
		size_t vlen;
		int r = cookie_pair(header + i, end - i, name, &v, &vlen);
		if (r > 0) {
			if (vlen >= outsz)
				return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 1;
		}
		bad |= r < 0;
		i = end + 1;
	}
	return bad ? -1 : 0;
}

/* ---- multipart/form-data: parameters ---- */

/* A parameter value at s: a token, or a quoted-string.  With escapes, '\'
 * quotes the next character (RFC 9110 5.6.4); without, it is literal (see
 * form_mp_feed in form.h).  Copies at most outsz - 1 bytes to out, NUL-
 * terminated, sets *len to the full length, returns the end, or NULL when
 * malformed. */
static const char *param_value(const char *s, int escapes, char *out,
                               size_t outsz, size_t *len)
{
	size_t n = 0;
	if (*s != '"') {
		const char *e = skip_token(s);
		if (e == s)
			return NULL;
		n = (size_t)(e - s);
		memcpy(out, s, n < outsz ? n : outsz - 1);
		out[n < outsz ? n : outsz - 1] = '\0';
		*len = n;
		return e;
	}
	for (s++; *s != '"'; s++) {
		if (!*s)
			return NULL;
		if (escapes && *s == '\\' && !*++s)
			return NULL;
		if (n + 1 < outsz)
			out[n] = *s;
		n++;
	}
	out[n < outsz ? n : outsz - 1] = '\0';
	*len = n;
	return s + 1;
}

/* Parameter separator: OWS ";" OWS.  Returns the start of the next
 * parameter, "" at the end, NULL when anything else follows. */
static const char *param_next(const char *s)
{
	s = skip_ows(s);
	if (!*s)
		return s;
	if (*s != ';')
		return NULL;
	return skip_ows(s + 1);
}

/* RFC 2046 5.1.1 bchars. */
static int is_bchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("'()+_,-./:=? ", c) != NULL;
}

/* "type/subtype" at s: the end, NULL when malformed; *type_len is the
 * length of the type. */
static const char *media_type(const char *s, size_t *type_len)
{
	const char *e = skip_token(s);
	if (e == s || *e != '/')
		return NULL;
	*type_len = (size_t)(e - s);
	const char *sub = e + 1;
	e = skip_token(sub);
	return e == sub ? NULL : e;
}

static int ct_fail(struct form_mp *p, const char *msg)
{
	err_set(&p->err, FORM_ERR_CONTENT_TYPE, "%s", msg);
	return FORM_ERR_CONTENT_TYPE;
}

/* The boundary parameter of the request's Content-Type into *bnd. */
static int ct_boundary(struct form_mp *p, const char *ct, char *bnd,
                       size_t *blen)
{
	size_t tlen;
	const char *t = skip_ows(ct);
	const char *s = media_type(t, &tlen);
	if (!s || !ci_eq(t, (size_t)(s - t), "multipart/form-data"))
		return ct_fail(p, "Content-Type is not multipart/form-data");
	int seen = 0;
	/* RFC 9110 5.6.6: parameters = *( OWS ";" OWS [ parameter ] ). */
	while ((s = param_next(s)) && *s) {
		if (*s == ';')
			continue;
		const char *pn = s;
		s = skip_token(s);
		if (s == pn || *s != '=')
			return ct_fail(p, "malformed Content-Type parameter");
		int is_b = ci_eq(pn, (size_t)(s - pn), "boundary");
		char tmp[FORM_MP_BOUNDARY_MAX + 2];
		size_t len;
		s = param_value(s + 1, 1, tmp, sizeof tmp, &len);
		if (!s)
			return ct_fail(p, "malformed Content-Type parameter");
		if (!is_b)
			continue;
		if (seen++)
			return ct_fail(p, "duplicate boundary parameter");
		if (len > FORM_MP_BOUNDARY_MAX)
			return ct_fail(p, "boundary longer than 70 characters");
		memcpy(bnd, tmp, len + 1);
		*blen = len;
	}
	if (!s)
		return ct_fail(p, "malformed Content-Type");
	if (!seen)
		return ct_fail(p, "Content-Type has no boundary");
	return FORM_OK;
}

static int ct_parse(struct form_mp *p, const char *ct)
{
	char bnd[FORM_MP_BOUNDARY_MAX + 1];
	size_t blen = 0;
	if (!ct)
		return ct_fail(p, "missing Content-Type");
	int rc = ct_boundary(p, ct, bnd, &blen);
	if (rc != FORM_OK)
		return rc;
	if (blen == 0)
		return ct_fail(p, "empty boundary");
	for (size_t i = 0; i < blen; i++)
		if (!is_bchar((unsigned char)bnd[i]))
			return ct_fail(p, "boundary has a character RFC 2046 "
			                  "does not allow");
	if (bnd[blen - 1] == ' ')
		return ct_fail(p, "boundary ends with a space");
	/* The delimiter is CRLF "--" boundary (RFC 2046 5.1.1). */
	memcpy(p->delim, "\r\n--", 4);
	memcpy(p->delim + 4, bnd, blen + 1);
	p->delim_len = blen + 4;
	return FORM_OK;
}

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
		err_vset(&p->err, code, prefix, fmt, ap);
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
static int part_fail(struct form_mp *p, enum form_err code,
                     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int part_fail(struct form_mp *p, enum form_err code,
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
	return part_fail(p, FORM_ERR_REFUSED, "refused");
}

void form_mp_refuse(struct form_mp *p, const char *msg)
{
	if (p->state != MP_ERROR) {
		err_set(&p->err, FORM_ERR_REFUSED, "%s", msg);
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
	if (ct_parse(p, content_type) != FORM_OK) {
		p->state = MP_ERROR;
		return p->err.code;
	}
	/* The first boundary may open the body without a CRLF before it:
	 * start as if that CRLF had been read. */
	p->match = 2;
	p->fake_crlf = 1;
	return FORM_OK;
}

/* ---- part headers ---- */

/* Display name of a filename (form.h): its last path component, without
 * C0/C1 controls and DEL, trimmed, cut at a character boundary. */
static void display_name(const char *raw, char *out)
{
	const char *s = raw;
	for (const char *q = raw; *q; q++)
		if (*q == '/' || *q == '\\')
			s = q + 1;
	size_t o = 0, n = strlen(s);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; ) {
		size_t k = http_utf8_seq(u + i, n - i);   /* raw is valid UTF-8 */
		int ctl = u[i] < 0x20 || u[i] == 0x7F ||
		          (u[i] == 0xC2 && u[i + 1] < 0xA0);
		if (!ctl && o + k > FORM_FILENAME_MAX)
			break;
		if (!ctl && !(o == 0 && u[i] == ' ')) {
			memcpy(out + o, s + i, k);
			o += k;
		}
		i += k;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		out[0] = '\0';
}

/* One Content-Disposition parameter pn[0..pnlen) = value at s. */
static const char *disp_param(struct form_mp *p, const char *pn, size_t pnlen,
                              const char *s, int *seen_name, int *seen_file)
{
	if (ci_eq(pn, pnlen, "filename*") || ci_eq(pn, pnlen, "name*")) {
		part_fail(p, FORM_ERR_UNSUPPORTED, "%.*s is not supported "
		          "(RFC 7578 4.2)", (int)pnlen, pn);
		return NULL;
	}
	size_t len;
	if (ci_eq(pn, pnlen, "name")) {
		s = param_value(s, 0, p->name, sizeof p->name, &len);
		if (s && (*seen_name)++) {
			part_fail(p, FORM_ERR_HEADER, "duplicate name parameter");
			return NULL;
		}
		if (s && len > FORM_NAME_MAX) {
			part_fail(p, FORM_ERR_HEADER, "field name too long");
			return NULL;
		}
	} else if (ci_eq(pn, pnlen, "filename")) {
		s = param_value(s, 0, p->filename, sizeof p->filename, &len);
		if (s && (*seen_file)++) {
			part_fail(p, FORM_ERR_HEADER,
			          "duplicate filename parameter");
			return NULL;
		}
	} else {
		char skip[2];
		s = param_value(s, 0, skip, sizeof skip, &len);
	}
	if (!s)
		part_fail(p, FORM_ERR_HEADER, "malformed Content-Disposition");
	return s;
}

/* RFC 7578 4.2: form-data; name="..."[; filename="..."]. */
static int mp_disposition(struct form_mp *p, const char *v)
{
	if (p->seen_disp++)
		return part_fail(p, FORM_ERR_HEADER,
		                 "duplicate Content-Disposition");
	const char *s = skip_token(v);
	if (!ci_eq(v, (size_t)(s - v), "form-data"))
		return part_fail(p, FORM_ERR_HEADER,
		                 "Content-Disposition is not form-data");
	int seen_name = 0, seen_file = 0;
	while ((s = param_next(s)) && *s) {
		const char *pn = s;
		s = skip_token(s);
		size_t pnlen = (size_t)(s - pn);
		s = skip_ows(s);
		if (!pnlen || *s != '=')
			return part_fail(p, FORM_ERR_HEADER,
			                 "malformed Content-Disposition");
		s = disp_param(p, pn, pnlen, skip_ows(s + 1),
		               &seen_name, &seen_file);
		if (!s)
			return -1;
	}
	if (!s)
		return part_fail(p, FORM_ERR_HEADER,
		                 "malformed Content-Disposition");
	if (!seen_name || !p->name[0])
		return part_fail(p, FORM_ERR_HEADER,
		                 "Content-Disposition has no name");
	if (!http_utf8_valid(p->name, strlen(p->name)))
		return part_fail(p, FORM_ERR_ENCODING,
		                 "field name is not valid UTF-8");
	p->is_file = seen_file;
	if (seen_file && !http_utf8_valid(p->filename, strlen(p->filename)))
		return part_fail(p, FORM_ERR_ENCODING,
		                 "filename is not valid UTF-8");
	return 0;
}

/* The part's own Content-Type: kept as sent, checked for shape and for
 * multipart types, which RFC 7578 4.3 no longer allows inside form-data. */
static int mp_part_type(struct form_mp *p, const char *v, size_t vlen)
{
	size_t tlen;
	if (p->seen_type++)
		return part_fail(p, FORM_ERR_HEADER, "duplicate Content-Type");
	const char *e = media_type(v, &tlen);
	if (e)
		e = skip_ows(e);
	if (!e || (*e && *e != ';'))
		return part_fail(p, FORM_ERR_HEADER, "malformed Content-Type");
	if (ci_eq(v, tlen, "multipart"))
		return part_fail(p, FORM_ERR_UNSUPPORTED,
		                 "nested multipart is not supported");
	memcpy(p->ctype, v, vlen + 1);
	return 0;
}

/* A complete header line in p->line (no CRLF, no NUL, no controls but
 * tab). */
static int mp_header_line(struct form_mp *p)
{
	char *line = p->line;
	size_t len = p->line_len;
	line[len] = '\0';
	if (++p->nheaders > p->lim.headers_max)
		return part_fail(p, FORM_ERR_TOO_MANY,
		                 "too many header lines (limit %zu)",
		                 p->lim.headers_max);
	if (is_ows(line[0]))
		return part_fail(p, FORM_ERR_SYNTAX, "folded header line");
	char *colon = memchr(line, ':', len);
	if (!colon)
		return part_fail(p, FORM_ERR_SYNTAX, "header line without colon");
	size_t nlen = (size_t)(colon - line);
	if (nlen == 0 || skip_token(line) != colon)
		return part_fail(p, FORM_ERR_SYNTAX, "malformed header name");
	char *v = (char *)skip_ows(colon + 1);
	size_t vlen = (size_t)(line + len - v);
	while (vlen && is_ows(v[vlen - 1]))
		v[--vlen] = '\0';
	if (ci_eq(line, nlen, "content-disposition"))
		return mp_disposition(p, v);
	if (ci_eq(line, nlen, "content-type"))
		return mp_part_type(p, v, vlen);
	if (ci_eq(line, nlen, "content-transfer-encoding"))
		return part_fail(p, FORM_ERR_UNSUPPORTED,
		                 "Content-Transfer-Encoding is not supported "
		                 "(RFC 7578 4.7)");
	return 0;                   /* other headers carry nothing for us */
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
		return part_fail(p, FORM_ERR_HEADER,
		                 "missing Content-Disposition");
	if (p->is_file)
		display_name(p->filename, p->display);
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
			return part_fail(p, FORM_ERR_ENCODING,
			                 "NUL in field value");
		if (!http_utf8_valid(v, n))
			return part_fail(p, FORM_ERR_ENCODING,
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
			return part_fail(p, FORM_ERR_TOO_LARGE,
			                 "field value too long (limit %zu bytes)",
			                 p->lim.field_max);
		buf_put(&p->field, d, n);
		return 0;
	}
	p->count += n;
	if (p->lim.file_max > 0 && p->count > (unsigned long long)p->lim.file_max)
		return part_fail(p, FORM_ERR_TOO_LARGE,
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
			return part_fail(p, FORM_ERR_SYNTAX,
			                 "CR without LF in header");
		p->state = MP_HEADER;
		if (p->line_len == 0)
			return mp_headers_done(p);
		if (mp_header_line(p) < 0)
			return -1;
		p->line_len = 0;
		return 0;
	}
	if (c == '\r') {
		p->state = MP_HEADER_LF;
		return 0;
	}
	if (c == '\n')
		return part_fail(p, FORM_ERR_SYNTAX,
		                 "header line ends with LF, not CRLF");
	if (c == '\0')
		return part_fail(p, FORM_ERR_SYNTAX, "NUL in header");
	if ((c < 0x20 && c != '\t') || c == 0x7F)
		return part_fail(p, FORM_ERR_SYNTAX,
		                 "control character in header");
	if (p->line_len >= p->lim.header_line_max)
		return part_fail(p, FORM_ERR_SYNTAX,
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
		part_fail(p, FORM_ERR_TRUNCATED,
		          "body ends inside the part headers");
		break;
	case MP_DATA:
		part_fail(p, FORM_ERR_TRUNCATED, "missing final boundary");
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
