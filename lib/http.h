/* http: the request as the web server hands it over (CGI/FastCGI
 * parameters), and the response a handler builds. */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "buf.h"

#define HTTP_URI_MAX   2048   /* longer REQUEST_URI: 414 (RFC 9110 15.5.15) */
#define HTTP_PATH_MAX  1024   /* decoded path bytes */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_OTHER };

struct http_req {
	char **envp;                  /* NULL-terminated "NAME=value" list */
	enum http_method method;
	char path[HTTP_PATH_MAX + 1]; /* percent-decoded, valid UTF-8, no NUL */
	const char *query;            /* raw QUERY_STRING, never NULL */
	long long content_length;     /* -1 when absent */
	/* The request body: returns bytes read, 0 at end, -1 on error. */
	int (*body_read)(void *io, char *dst, int n);
	void *body_io;
};

/* Fill r from envp; returns 0, or the status to answer with (400, 414). */
int http_req_init(struct http_req *r, char **envp);
const char *http_param(const struct http_req *r, const char *name);
/* A request header by its HTTP name ("If-None-Match"), NULL when absent. */
const char *http_header(const struct http_req *r, const char *name);

/* The value of hex digit c (either case), or -1. */
int http_hexval(int c);

/* The one percent-decoder (RFC 3986 2.1): "%" must be followed by two hex
 * digits; a NUL, raw or %00, is refused.  With HTTP_DEC_PLUS a '+' is a
 * space (application/x-www-form-urlencoded).  out (outsz bytes) gets a
 * terminating NUL.  The decoded length, or one of the HTTP_DEC_ errors. */
enum { HTTP_DEC_PLUS = 1 };
enum { HTTP_DEC_BAD = -1, HTTP_DEC_NUL = -2, HTTP_DEC_LONG = -3 };
long http_decode(const char *in, size_t n, char *out, size_t outsz, int flags);
/* The same without '+' and with every error -1. */
long http_pct_decode(const char *in, size_t n, char *out, size_t outsz);
/* 1 when s[0..n) is valid UTF-8 (RFC 3629), else 0. */
int http_utf8_valid(const char *s, size_t n);
/* The length of the UTF-8 sequence at s (n bytes left), 0 when it is not
 * valid UTF-8 (RFC 3629: no overlong forms, surrogates or > U+10FFFF). */
size_t http_utf8_seq(const unsigned char *s, size_t n);
/* FNV-1a, 64 bit: the one non-cryptographic hash (ETags, cache keys). */
uint64_t http_fnv1a(const void *p, size_t n);
/* The weight (0..1000, q-value times 1000) an Accept-Language header
 * (RFC 9110 12.5.4) gives the primary language lang ("de"): the highest q
 * of the ranges whose primary subtag is lang ("de", "de-AT"), else the q
 * of "*", else 0.  A range without q= weighs 1000; a malformed q= is
 * read as 0 (that range is ignored); NULL or "" header: 0. */
int http_accept_lang_q(const char *accept, const char *lang);
/* The value of key in an application/x-www-form-urlencoded query:
 * 1 found (decoded into out), 0 absent, -1 malformed or too long. */
int http_query_get(const char *query, const char *key, char *out, size_t outsz);

struct http_resp {
	int status;                   /* 200 by default */
	const char *content_type;     /* "text/html; charset=utf-8" by default */
	const char *cache_control;    /* NULL: the default for the status */
	struct buf headers;           /* extra "Name: value\r\n" lines */
	struct buf body;
	time_t last_modified;         /* 0: none */
	int cacheable;                /* a public page: ETag, render cache */
	int server_headers;           /* the web server adds the security
					 headers: set by http_finish from
					 its request, kept without one */
	char etag[24];                /* set by http_finish from the body */
};

void http_resp_init(struct http_resp *w);
void http_resp_reset(struct http_resp *w);
void http_resp_free(struct http_resp *w);
void http_resp_header(struct http_resp *w, const char *name, const char *value);
const char *http_status_text(int status);

/* Serialise w for the web server into out: "Status:" line, Content-Type,
 * Content-Length, ETag/Last-Modified for cacheable responses, the security
 * headers (unless the parameter SYMPOSIUM_SECURITY_HEADERS=server says the
 * web server adds them), and the body unless the method is HEAD.  A GET/HEAD whose
 * If-None-Match (or, without it, If-Modified-Since) matches becomes 304
 * (RFC 9110 13.1). */
void http_finish(const struct http_req *r, struct http_resp *w, struct buf *out);
/* 1 when the web server adds the security headers to r's response itself
 * (the parameter SYMPOSIUM_SECURITY_HEADERS=server), else 0. */
int http_server_adds_security_headers(const struct http_req *r);

#endif
