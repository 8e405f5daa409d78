/* form: urlencoded bodies, cookies, the list of fields they fill, and the
 * error record and character classes every parser of the module uses.
 * multipart/form-data is in form_multipart.c (the state machine) and
 * form_mp_header.c (its header values); form_int.h is what they share.
 * See form.h for the rules each parser enforces. */
#include "form_int.h"
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

void form_err_vset(struct form_error *e, enum form_err code,
                   const char *prefix, const char *fmt, va_list ap)
{
	int n = snprintf(e->msg, sizeof e->msg, "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof e->msg)
		n = 0;
	vsnprintf(e->msg + n, sizeof e->msg - (size_t)n, fmt, ap);
	e->code = code;
}

int form_err_set(struct form_error *e, enum form_err code,
                 const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		form_err_vset(e, code, "", fmt, ap);
		va_end(ap);
	}
	return code;
}

/* ---- character classes (form_int.h) ---- */

/* RFC 9110 5.6.2 tchar. */
int form_is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int form_is_ows(char c)
{
	return c == ' ' || c == '\t';
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
		return form_err_set(err, FORM_ERR_ENCODING, "field %zu: %s in name",
		                    index, dn == HTTP_DEC_BAD ? "bad percent escape" : "NUL");
	if (dn == 0)
		return form_err_set(err, FORM_ERR_SYNTAX,
		                    "field %zu: empty name", index);
	if (dn > FORM_NAME_MAX)
		return form_err_set(err, FORM_ERR_SYNTAX,
		                    "field %zu: name too long", index);
	if (!http_utf8_valid(tmp, (size_t)dn))
		return form_err_set(err, FORM_ERR_ENCODING,
		                    "field %zu: name is not valid UTF-8", index);
	char name[FORM_NAME_MAX + 1];
	memcpy(name, tmp, (size_t)dn + 1);

	long dv = url_decode(v, vlen, tmp);
	if (dv < 0)
		return form_err_set(err, FORM_ERR_ENCODING, "field %zu: %s in value",
		                    index, dv == HTTP_DEC_BAD ? "bad percent escape" : "NUL");
	if (!http_utf8_valid(tmp, (size_t)dv))
		return form_err_set(err, FORM_ERR_ENCODING,
		                    "field %zu: value is not valid UTF-8", index);
	if (form_add(f, name, tmp, (size_t)dv) < 0)
		return form_err_set(err, FORM_ERR_TOO_MANY,
		                    "too many fields (limit %d)", FORM_FIELDS_MAX);
	return FORM_OK;
}

int form_urlencoded_parse(struct form *f, const char *body, size_t len,
                          struct form_error *err)
{
	f->fields = NULL;
	f->n = 0;
	form_err_set(err, FORM_OK, "%s", "");
	if (len > FORM_URLENCODED_MAX)
		return form_err_set(err, FORM_ERR_TOO_LARGE,
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
	while (n && form_is_ows(*s)) {
		s++;
		n--;
	}
	while (n && form_is_ows(s[n - 1]))
		n--;
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return 0;
	size_t nlen = (size_t)(eq - s);
	while (nlen && form_is_ows(s[nlen - 1]))
		nlen--;
	if (nlen != strlen(name) || memcmp(s, name, nlen) != 0)
		return 0;
	for (size_t i = 0; i < nlen; i++)
		if (!form_is_tchar((unsigned char)s[i]))
			return 0;
	const char *val = eq + 1;
	size_t left = (size_t)(s + n - val);
	while (left && form_is_ows(*val)) {
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
