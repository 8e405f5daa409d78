/* http: the CGI/FastCGI request parameters (RFC 3875) in, a CGI response
 * ("Status:" line, headers, body) out.
 *
 * Decisions worth knowing:
 * - The path is refused (400) when it contains %2F or %5C: an encoded "/"
 *   would be indistinguishable from a segment separator after decoding, and
 *   no route of the site needs one.  Decoded control characters, backslashes
 *   and "." / ".." segments are refused too, so a path is safe to print into
 *   a Location header or a log line as it is.
 * - Cacheable pages get "Cache-Control: public, max-age=60": an nginx
 *   microcache (which honours max-age) and browsers keep a page a minute,
 *   then revalidate with If-None-Match, which the render cache answers with
 *   a 304 without rendering.  Everything else defaults to "no-store".
 * - Referrer-Policy is strict-origin-when-cross-origin: links to partner
 *   sites only reveal our origin, never a path (an admin URL with an id or
 *   token in it), while same-origin navigation keeps full referrers. */
#include "http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_HEADER_NAME_MAX 64        /* longest header name looked up */
#define HTTP_QUERY_NAME_MAX  128       /* longest raw query key compared */
#define HTTP_CT_DEFAULT "text/html; charset=utf-8"
#define HTTP_CC_PUBLIC  "public, max-age=60"
#define HTTP_CC_PRIVATE "no-store"
#define HTTP_REFERRER   "strict-origin-when-cross-origin"
/* frame-src: only the session videos' players, loaded when a visitor
 * presses play (templates/assets/video.js), in their privacy modes. */
#define HTTP_CSP "default-src 'none'; img-src 'self'; style-src 'self'; " \
	"script-src 'self'; connect-src 'self'; form-action 'self'; " \
	"frame-src https://www.youtube-nocookie.com https://player.vimeo.com; " \
	"base-uri 'none'; frame-ancestors 'none'"


/* ---- request ---------------------------------------------------------- */

const char *http_param(const struct http_req *r, const char *name)
{
	size_t n = strlen(name);
	if (!r->envp)
		return NULL;
	/* About 25 parameters behind nginx, a handful of lookups a request:
	 * the first byte rules out most of them without a call. */
	for (char **e = r->envp; *e; e++)
		if (**e == *name && strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int ascii_casecmp(const char *a, const char *b)
{
	while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b))
		a++, b++;
	return ascii_lower((unsigned char)*a) - ascii_lower((unsigned char)*b);
}

/* RFC 9110 5.6.2: tchar. */
static int is_tchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 3875 4.1.18: a header becomes HTTP_<NAME> with "-" as "_"; the
 * two body headers have their own meta-variables (4.1.2, 4.1.3). */
const char *http_header(const struct http_req *r, const char *name)
{
	char env[5 + HTTP_HEADER_NAME_MAX + 1] = "HTTP_";
	size_t n = strlen(name);
	if (ascii_casecmp(name, "Content-Type") == 0)
		return http_param(r, "CONTENT_TYPE");
	if (ascii_casecmp(name, "Content-Length") == 0)
		return http_param(r, "CONTENT_LENGTH");
	if (n == 0 || n > HTTP_HEADER_NAME_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)name[i];
		if (!is_tchar(c))
			return NULL;
		env[5 + i] = c == '-' ? '_' : (c >= 'a' && c <= 'z') ? c - 32 : c;
	}
	env[5 + n] = '\0';
	return http_param(r, env);
}

int http_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3986 2.1: "%" HEXDIG HEXDIG, nothing else.  NUL, encoded or raw,
 * is refused: C strings would silently cut the value there.  out gets a
 * terminating NUL. */
long http_decode(const char *in, size_t n, char *out, size_t outsz, int flags)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)in[i];
		if (c == '%') {
			int hi = n - i > 2 ? http_hexval((unsigned char)in[i + 1]) : -1;
			int lo = hi >= 0 ? http_hexval((unsigned char)in[i + 2]) : -1;
			if (lo < 0)
				return HTTP_DEC_BAD;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+' && (flags & HTTP_DEC_PLUS)) {
			c = ' ';
		}
		if (c == 0)
			return HTTP_DEC_NUL;
		if (o + 1 >= outsz)
			return HTTP_DEC_LONG;
		out[o++] = (char)c;
	}
	if (outsz == 0)
		return HTTP_DEC_LONG;
	out[o] = '\0';
	return (long)o;
}

long http_pct_decode(const char *in, size_t n, char *out, size_t outsz)
{
	long len = http_decode(in, n, out, outsz, 0);
	return len < 0 ? -1 : len;
}

/* RFC 3629 4: no overlong forms, no surrogates, nothing above U+10FFFF. */
size_t http_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp, min;
	size_t k;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		k = 1; cp = c & 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		k = 2; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 3; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n <= k)
		return 0;
	for (size_t j = 1; j <= k; j++) {
		if ((s[j] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[j] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k + 1;
}

int http_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; ) {
		size_t k = http_utf8_seq(u + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/* RFC 3986 5.2.4 would resolve "." and ".." segments; we refuse them
 * instead, so no two spellings of one path exist and none escapes "/". */
static int has_dot_segment(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '/')
			continue;
		size_t j = i + 1, k = j;
		while (k < n && p[k] != '/')
			k++;
		if ((k - j == 1 && p[j] == '.') ||
		    (k - j == 2 && p[j] == '.' && p[j + 1] == '.'))
			return 1;
	}
	return 0;
}

static int has_encoded(const char *p, size_t n, const char *hex2)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (p[i] == '%' && ascii_lower((unsigned char)p[i + 1]) == hex2[0] &&
		    ascii_lower((unsigned char)p[i + 2]) == hex2[1])
			return 1;
	return 0;
}

/* The decoded path: valid UTF-8, starting with "/", without controls,
 * backslashes or dot segments.  0 or 400. */
static int path_check(const char *p, size_t n)
{
	if (n == 0 || p[0] != '/' || !http_utf8_valid(p, n))
		return 400;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7F || c == '\\')
			return 400;
	}
	return has_dot_segment(p, n) ? 400 : 0;
}

/* The path part of REQUEST_URI (RFC 9112 3.2 origin-form), decoded. */
static int path_from_uri(struct http_req *r, const char *uri)
{
	size_t n = strcspn(uri, "?");
	if (strlen(uri) > HTTP_URI_MAX)
		return 414;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (c <= 0x20 || c == 0x7F || c == '#')
			return 400;     /* never valid raw in a request-target */
	}
	if (has_encoded(uri, n, "2f") || has_encoded(uri, n, "5c"))
		return 400;
	long len = http_decode(uri, n, r->path, sizeof r->path, 0);
	if (len == HTTP_DEC_LONG)
		return 414;
	if (len < 0)
		return 400;
	return path_check(r->path, (size_t)len);
}

/* Plain CGI without REQUEST_URI: the server already decoded SCRIPT_NAME
 * and PATH_INFO (RFC 3875 4.1.5, 4.1.13). */
static int path_from_cgi(struct http_req *r)
{
	const char *sn = http_param(r, "SCRIPT_NAME");
	const char *pi = http_param(r, "PATH_INFO");
	if (!sn && !pi)
		return 400;
	size_t a = sn ? strlen(sn) : 0, b = pi ? strlen(pi) : 0;
	if (a + b > HTTP_PATH_MAX)
		return 414;
	memcpy(r->path, sn ? sn : "", a);
	memcpy(r->path + a, pi ? pi : "", b);
	r->path[a + b] = '\0';
	return path_check(r->path, a + b);
}

static enum http_method parse_method(const char *m)
{
	if (!m || strcmp(m, "GET") == 0)
		return HTTP_GET;    /* absent only when run by hand */
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

/* RFC 9110 8.6: Content-Length = 1*DIGIT.  nginx passes an empty
 * CONTENT_LENGTH for requests without a body: that is "absent". */
static int parse_length(const char *s, long long *out)
{
	long long v = 0;
	*out = -1;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
			return 400;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* body_read is left NULL: the serve loop knows where the body comes from. */
int http_req_init(struct http_req *r, char **envp)
{
	r->envp = envp;
	r->method = parse_method(http_param(r, "REQUEST_METHOD"));
	r->path[0] = '\0';
	r->body_read = NULL;
	r->body_io = NULL;
	const char *uri = http_param(r, "REQUEST_URI");
	const char *q = http_param(r, "QUERY_STRING");
	if (!q && uri && strchr(uri, '?'))
		q = strchr(uri, '?') + 1;
	r->query = q ? q : "";
	int st = uri ? path_from_uri(r, uri) : path_from_cgi(r);
	if (st)
		r->path[0] = '\0';
	int st2 = parse_length(http_param(r, "CONTENT_LENGTH"), &r->content_length);
	return st ? st : st2;
}

/* application/x-www-form-urlencoded (WHATWG URL 5.1): pairs split by "&",
 * name and value by the first "=", "+" is a space.  The first pair with
 * the name wins.  Any malformed name on the way is an error, not "absent":
 * a request we cannot read fully gets a 400, not a guess. */
int http_query_get(const char *query, const char *key, char *out, size_t outsz)
{
	char name[HTTP_QUERY_NAME_MAX + 1];
	const char *p = query ? query : "";
	while (*p) {
		size_t len = strcspn(p, "&");
		size_t nlen = strcspn(p, "=");
		if (nlen > len)
			nlen = len;
		if (len > 0) {
			long d = http_decode(p, nlen, name, sizeof name, HTTP_DEC_PLUS);
			if (d < 0 || !http_utf8_valid(name, (size_t)d))
				return -1;
			if (strcmp(name, key) == 0) {
				size_t vo = nlen < len ? nlen + 1 : len;
				long v = http_decode(p + vo, len - vo, out, outsz, HTTP_DEC_PLUS);
				return v >= 0 && http_utf8_valid(out, (size_t)v) ? 1 : -1;
			}
		}
		p += len;
		if (*p == '&')
			p++;
	}
	return 0;
}

/* ---- response --------------------------------------------------------- */

void http_resp_init(struct http_resp *w)
{
	memset(w, 0, sizeof *w);
	http_resp_reset(w);
}

void http_resp_reset(struct http_resp *w)
{
	w->status = 200;
	w->content_type = HTTP_CT_DEFAULT;
	w->cache_control = NULL;
	buf_reset(&w->headers);
	buf_reset(&w->body);
	w->last_modified = 0;
	w->cacheable = 0;
	w->server_headers = 0;
	w->etag[0] = '\0';
}

void http_resp_free(struct http_resp *w)
{
	buf_free(&w->headers);
	buf_free(&w->body);
}

/* RFC 9110 5.5: no CR, LF or NUL in a field value - a value carrying them
 * would let it start a header of its own (response splitting).  Such a
 * header is dropped, loudly: it is a bug in the caller. */
void http_resp_header(struct http_resp *w, const char *name, const char *value)
{
	int ok = *name != '\0';
	for (const char *p = name; *p; p++)
		ok &= is_tchar((unsigned char)*p);
	for (const char *p = value; *p; p++)
		ok &= *p != '\r' && *p != '\n';
	if (!ok) {
		fprintf(stderr, "http: header %s dropped: invalid characters\n",
			*name ? name : "(empty)");
		return;
	}
	buf_printf(&w->headers, "%s: %s\r\n", name, value);
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";     /* RFC 4918 11.5 */
	default:  return "Unknown";
	}
}

/* FNV-1a, 64 bit: fast, and an ETag only has to change with the body
 * (RFC 9110 8.8.3: a strong validator changes with any byte). */
uint64_t http_fnv1a(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void etag_compute(struct http_resp *w)
{
	snprintf(w->etag, sizeof w->etag, "\"%016llx\"",
		 (unsigned long long)http_fnv1a(w->body.data ? w->body.data : "", w->body.len));
}

/* RFC 9110 13.1.2: "*", or a list of entity-tags compared weakly (the
 * W/ prefix is ignored).  An unparsable list matches nothing. */
static int etag_list_matches(const char *list, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = list;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;
		const char *end = strchr(p + 1, '"');
		if (!end)
			return 0;
		if ((size_t)(end + 1 - p) == elen && memcmp(p, etag, elen) == 0)
			return 1;
		p = end + 1;
	}
}

static const char *const day_names[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12): count
 * years from March so the leap day is the last day of a "year". */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_index(const char *m)
{
	for (int i = 0; i < 12; i++)
		if (strcmp(m, month_names[i]) == 0)
			return i + 1;
	return 0;
}

/* RFC 9110 5.6.7: a recipient accepts IMF-fixdate, the obsolete RFC 850
 * form and asctime().  %n is only stored when the whole format matched. */
static int date_scan(const char *s, int *d, char *mon, int *y, int *H, int *M, int *S)
{
	int end = 0;
	if (sscanf(s, "%*3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n",
		   d, mon, y, H, M, S, &end) == 6 && end && !s[end])
		return 0;
	end = 0;
	if (sscanf(s, "%*[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n",
		   d, mon, y, H, M, S, &end) == 6 && end && !s[end]) {
		*y += *y < 70 ? 2000 : 1900;    /* RFC 9110 5.6.7: nearest past */
		return 0;
	}
	end = 0;
	if (sscanf(s, "%*3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n",
		   mon, d, H, M, S, y, &end) == 6 && end && !s[end])
		return 0;
	return -1;
}

static int http_date_parse(const char *s, time_t *out)
{
	char mon[4] = "";
	int d = 0, y = 0, H = 0, M = 0, S = 0;
	if (date_scan(s, &d, mon, &y, &H, &M, &S) < 0)
		return -1;
	int m = month_index(mon);
	if (!m || d < 1 || d > 31 || H < 0 || H > 23 || M < 0 || M > 59 || S < 0 || S > 60)
		return -1;
	*out = (time_t)(days_from_civil(y, m, d) * 86400 + H * 3600 + M * 60 + S);
	return 0;
}

static void http_date_format(time_t t, char *out, size_t outsz)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		 day_names[tm.tm_wday], tm.tm_mday, month_names[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* RFC 9110 13.2.2: If-None-Match first; If-Modified-Since only without
 * it, only for GET/HEAD, and only with a valid date. */
static int not_modified(const struct http_req *r, const struct http_resp *w)
{
	if (r->method != HTTP_GET && r->method != HTTP_HEAD)
		return 0;
	const char *inm = http_header(r, "If-None-Match");
	if (inm && inm[strspn(inm, " \t")])   /* an empty field is no condition */
		return etag_list_matches(inm, w->etag);
	const char *ims = http_header(r, "If-Modified-Since");
	time_t t;
	if (!ims || !w->last_modified || http_date_parse(ims, &t) < 0)
		return 0;
	return w->last_modified <= t;
}

/* The web server may add the four itself: the site's nginx snippets do
 * (security-headers.conf, at the server level), and fastcgi.conf says so
 * with this parameter (a parameter, not a request header: a client cannot
 * send it).  A page kept by nginx's microcache is then stored without
 * them, and nginx, which parses every stored header line again on each
 * hit, serves it faster (README.md, "Benchmarks").  Without the parameter
 * (Apache, plain CGI, the tests) the program sends them. */
#define HTTP_HEADERS_PARAM "SYMPOSIUM_SECURITY_HEADERS"

int http_server_adds_security_headers(const struct http_req *r)
{
	const char *v = http_param(r, HTTP_HEADERS_PARAM);
	return v && strcmp(v, "server") == 0;
}

static void put_security_headers(const struct http_resp *w, struct buf *out)
{
	if (w->server_headers)
		return;
	buf_puts(out, "X-Content-Type-Options: nosniff\r\n"
		      "X-Frame-Options: DENY\r\n"
		      "Referrer-Policy: " HTTP_REFERRER "\r\n"
		      "Content-Security-Policy: " HTTP_CSP "\r\n");
}

/* The validators and freshness of a cacheable 200, shared by its 304. */
static void put_cache_headers(const struct http_resp *w, int cacheable, struct buf *out)
{
	char date[40];
	if (cacheable)
		buf_printf(out, "ETag: %s\r\n", w->etag);
	if (w->last_modified && w->status == 200) {
		http_date_format(w->last_modified, date, sizeof date);
		buf_printf(out, "Last-Modified: %s\r\n", date);
	}
	buf_printf(out, "Cache-Control: %s\r\n", w->cache_control ? w->cache_control :
		   cacheable ? HTTP_CC_PUBLIC : HTTP_CC_PRIVATE);
}

/* RFC 9110 15.4.5: a 304 has no content and carries the fields a 200
 * would have for caches to update: ETag, Last-Modified, Cache-Control. */
static void put_304(const struct http_resp *w, struct buf *out)
{
	buf_puts(out, "Status: 304 Not Modified\r\n");
	put_cache_headers(w, 1, out);
	put_security_headers(w, out);
	buf_puts(out, "\r\n");
}

void http_finish(const struct http_req *r, struct http_resp *w, struct buf *out)
{
	int cacheable = w->status == 200 && w->cacheable;
	int head = r && r->method == HTTP_HEAD;
	/* RFC 9110 6.4.1, 8.6: 204 and 304 have no content and no length. */
	int bodyless = w->status == 204 || w->status == 304;
	char num[32];

	/* Without a request (the render cache's copy of a plain GET's answer)
	 * the answer keeps what its request asked for. */
	if (r)
		w->server_headers = http_server_adds_security_headers(r);
	if (w->status < 100 || w->status > 599) {
		fprintf(stderr, "http: invalid status %d answered as 500\n", w->status);
		w->status = 500;
	}
	if (cacheable && !w->etag[0])   /* the render cache restores it */
		etag_compute(w);
	if (cacheable && r && not_modified(r, w)) {
		put_304(w, out);
		return;
	}
	buf_printf(out, "Status: %d %s\r\n", w->status, http_status_text(w->status));
	if (!bodyless) {
		snprintf(num, sizeof num, "%zu", w->body.len);
		buf_printf(out, "Content-Type: %s\r\nContent-Length: %s\r\n",
			   w->content_type ? w->content_type : HTTP_CT_DEFAULT, num);
	}
	put_cache_headers(w, cacheable, out);
	put_security_headers(w, out);
	if (w->headers.len)
		buf_put(out, w->headers.data, w->headers.len);
	buf_puts(out, "\r\n");
	if (!head && !bodyless && w->body.len)
		buf_put(out, w->body.data, w->body.len);
}

/* ---- Accept-Language ---- */

#define HTTP_Q_ONE 1000

/* A qvalue (RFC 9110 12.4.2: "0", "0.5", "1.000"): its thousandths, or 0
 * when malformed. */
static int parse_qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1') || (n > 1 && s[1] != '.') || n > 5)
		return 0;
	int q = (s[0] - '0') * HTTP_Q_ONE, scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		q += (s[i] - '0') * scale;
	}
	return q > HTTP_Q_ONE ? 0 : q;
}

/* The q of one element "range;q=0.5" [s, s+n). */
static int element_q(const char *s, size_t n)
{
	const char *semi = memchr(s, ';', n);
	if (!semi)
		return HTTP_Q_ONE;
	const char *p = semi + 1, *end = s + n;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return 0;
	p += 2;
	size_t len = (size_t)(end - p);
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	return parse_qvalue(p, len);
}

int http_accept_lang_q(const char *accept, const char *lang)
{
	int best = -1, any = 0;
	size_t ln = strlen(lang);
	for (const char *p = accept ? accept : ""; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ",");
		size_t r = strcspn(p, ";, \t");   /* the range itself */
		int q = element_q(p, n);
		if (r == 1 && p[0] == '*')
			any = q > any ? q : any;
		else if (r >= ln && strncasecmp(p, lang, ln) == 0 && (r == ln || p[ln] == '-'))
			best = q > best ? q : best;
		p += n;
	}
	return best >= 0 ? best : any;
}
