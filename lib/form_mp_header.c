/* form_mp_header: the header values multipart/form-data is made of - the
 * request's Content-Type with its boundary (RFC 2046 5.1.1) and the header
 * lines of each part (RFC 7578 4.2-4.7: Content-Disposition, Content-Type),
 * with the parameter syntax of RFC 9110 5.6.6 they share.  The state
 * machine that cuts the body into these lines is in form_multipart.c. */
#include "form_int.h"
#include "http.h"

#include <string.h>

/* ---- header syntax ---- */

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
	while (form_is_ows(*s))
		s++;
	return s;
}

static const char *skip_token(const char *s)
{
	while (form_is_tchar((unsigned char)*s))
		s++;
	return s;
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
	form_err_set(&p->err, FORM_ERR_CONTENT_TYPE, "%s", msg);
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

int form_mp_ct_parse(struct form_mp *p, const char *ct)
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

/* ---- part headers ---- */

/* Display name of a filename (form.h): its last path component, without
 * C0/C1 controls and DEL, trimmed, cut at a character boundary. */
void form_mp_display_name(const char *raw, char *out)
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
		form_part_fail(p, FORM_ERR_UNSUPPORTED, "%.*s is not supported "
		               "(RFC 7578 4.2)", (int)pnlen, pn);
		return NULL;
	}
	size_t len;
	if (ci_eq(pn, pnlen, "name")) {
		s = param_value(s, 0, p->name, sizeof p->name, &len);
		if (s && (*seen_name)++) {
			form_part_fail(p, FORM_ERR_HEADER, "duplicate name parameter");
			return NULL;
		}
		if (s && len > FORM_NAME_MAX) {
			form_part_fail(p, FORM_ERR_HEADER, "field name too long");
			return NULL;
		}
	} else if (ci_eq(pn, pnlen, "filename")) {
		s = param_value(s, 0, p->filename, sizeof p->filename, &len);
		if (s && (*seen_file)++) {
			form_part_fail(p, FORM_ERR_HEADER,
			               "duplicate filename parameter");
			return NULL;
		}
	} else {
		char skip[2];
		s = param_value(s, 0, skip, sizeof skip, &len);
	}
	if (!s)
		form_part_fail(p, FORM_ERR_HEADER, "malformed Content-Disposition");
	return s;
}

/* RFC 7578 4.2: form-data; name="..."[; filename="..."]. */
static int mp_disposition(struct form_mp *p, const char *v)
{
	if (p->seen_disp++)
		return form_part_fail(p, FORM_ERR_HEADER,
		                      "duplicate Content-Disposition");
	const char *s = skip_token(v);
	if (!ci_eq(v, (size_t)(s - v), "form-data"))
		return form_part_fail(p, FORM_ERR_HEADER,
		                      "Content-Disposition is not form-data");
	int seen_name = 0, seen_file = 0;
	while ((s = param_next(s)) && *s) {
		const char *pn = s;
		s = skip_token(s);
		size_t pnlen = (size_t)(s - pn);
		s = skip_ows(s);
		if (!pnlen || *s != '=')
			return form_part_fail(p, FORM_ERR_HEADER,
			                      "malformed Content-Disposition");
		s = disp_param(p, pn, pnlen, skip_ows(s + 1),
		               &seen_name, &seen_file);
		if (!s)
			return -1;
	}
	if (!s)
		return form_part_fail(p, FORM_ERR_HEADER,
		                      "malformed Content-Disposition");
	if (!seen_name || !p->name[0])
		return form_part_fail(p, FORM_ERR_HEADER,
		                      "Content-Disposition has no name");
	if (!http_utf8_valid(p->name, strlen(p->name)))
		return form_part_fail(p, FORM_ERR_ENCODING,
		                      "field name is not valid UTF-8");
	p->is_file = seen_file;
	if (seen_file && !http_utf8_valid(p->filename, strlen(p->filename)))
		return form_part_fail(p, FORM_ERR_ENCODING,
		                      "filename is not valid UTF-8");
	return 0;
}

/* The part's own Content-Type: kept as sent, checked for shape and for
 * multipart types, which RFC 7578 4.3 no longer allows inside form-data. */
static int mp_part_type(struct form_mp *p, const char *v, size_t vlen)
{
	size_t tlen;
	if (p->seen_type++)
		return form_part_fail(p, FORM_ERR_HEADER, "duplicate Content-Type");
	const char *e = media_type(v, &tlen);
	if (e)
		e = skip_ows(e);
	if (!e || (*e && *e != ';'))
		return form_part_fail(p, FORM_ERR_HEADER, "malformed Content-Type");
	if (ci_eq(v, tlen, "multipart"))
		return form_part_fail(p, FORM_ERR_UNSUPPORTED,
		                      "nested multipart is not supported");
	memcpy(p->ctype, v, vlen + 1);
	return 0;
}

/* A complete header line in p->line (no CRLF, no NUL, no controls but
 * tab). */
int form_mp_header_line(struct form_mp *p)
{
	char *line = p->line;
	size_t len = p->line_len;
	line[len] = '\0';
	if (++p->nheaders > p->lim.headers_max)
		return form_part_fail(p, FORM_ERR_TOO_MANY,
		                      "too many header lines (limit %zu)",
		                      p->lim.headers_max);
	if (form_is_ows(line[0]))
		return form_part_fail(p, FORM_ERR_SYNTAX, "folded header line");
	char *colon = memchr(line, ':', len);
	if (!colon)
		return form_part_fail(p, FORM_ERR_SYNTAX, "header line without colon");
	size_t nlen = (size_t)(colon - line);
	if (nlen == 0 || skip_token(line) != colon)
		return form_part_fail(p, FORM_ERR_SYNTAX, "malformed header name");
	char *v = (char *)skip_ows(colon + 1);
	size_t vlen = (size_t)(line + len - v);
	while (vlen && form_is_ows(v[vlen - 1]))
		v[--vlen] = '\0';
	if (ci_eq(line, nlen, "content-disposition"))
		return mp_disposition(p, v);
	if (ci_eq(line, nlen, "content-type"))
		return mp_part_type(p, v, vlen);
	if (ci_eq(line, nlen, "content-transfer-encoding"))
		return form_part_fail(p, FORM_ERR_UNSUPPORTED,
		                      "Content-Transfer-Encoding is not supported "
		                      "(RFC 7578 4.7)");
	return 0;                   /* other headers carry nothing for us */
}
