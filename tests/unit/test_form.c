/* Tests of lib/form.c (urlencoded bodies, cookies) and of multipart/form-data
 * (lib/form_multipart.c, lib/form_mp_header.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"

/* ---- scaffolding ---- */

#define CT "multipart/form-data; boundary=AaB03x"

/* What the callbacks saw, as text, so runs can be compared. */
struct rec {
	struct buf log;
	struct buf file;           /* the current file part's data */
	unsigned data_calls;
	int refuse_begin;          /* 1: refuse via form_mp_refuse, 2: return 1 */
	struct form_mp *p;
};

static int rec_begin(void *ctx, const struct form_part *pt)
{
	struct rec *r = ctx;
	buf_printf(&r->log, "begin %u name=%s file=%s disp=%s type=%s\n",
	           pt->index, pt->name, pt->filename ? pt->filename : "-",
	           pt->display_name ? pt->display_name : "-",
	           pt->content_type ? pt->content_type : "-");
	if (r->refuse_begin == 1)
		form_mp_refuse(r->p, "uploads are closed");
	return r->refuse_begin;
}

static int rec_data(void *ctx, const struct form_part *pt, const char *d,
                    size_t n)
{
	struct rec *r = ctx;
	assert_non_null(pt->filename);
	assert_true(n > 0);
	buf_put(&r->file, d, n);
	r->data_calls++;
	return 0;
}

static int rec_field(void *ctx, const struct form_part *pt, const char *v,
                     size_t n)
{
	struct rec *r = ctx;
	assert_null(pt->filename);
	assert_int_equal(strlen(v), n);
	buf_printf(&r->log, "field %s=", pt->name);
	buf_put(&r->log, v, n);
	buf_putc(&r->log, '\n');
	return 0;
}

static int rec_end(void *ctx, const struct form_part *pt)
{
	struct rec *r = ctx;
	if (pt->filename) {
		buf_printf(&r->log, "file %zu:", r->file.len);
		buf_put(&r->log, r->file.data ? r->file.data : "", r->file.len);
		buf_putc(&r->log, '\n');
		buf_reset(&r->file);
	}
	buf_printf(&r->log, "end %u\n", pt->index);
	return 0;
}

/* Parse body in chunks of `chunk` bytes (0: all at once); returns the
 * result of finish, the error in *e, the events in r->log. */
static int run_mp(const char *ct, const char *body, size_t len, size_t chunk,
                  const struct form_mp_limits *lim, struct rec *r,
                  struct form_error *e)
{
	struct form_mp p;
	struct form_mp_callbacks cb = {
		r, rec_begin, rec_data, rec_field, rec_end
	};
	r->p = &p;
	form_mp_init(&p, ct, &cb, lim);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len; off += chunk)
		form_mp_feed(&p, body + off, len - off < chunk ? len - off : chunk);
	int rc = form_mp_finish(&p);
	assert_int_equal(form_mp_total(&p), (long long)len);
	*e = *form_mp_error(&p);
	assert_int_equal(e->code, rc);
	form_mp_free(&p);
	return rc;
}

static void rec_free(struct rec *r)
{
	buf_free(&r->log);
	buf_free(&r->file);
}

static const char *rec_log(struct rec *r)
{
	return r->log.data ? r->log.data : "";
}

#define LIT(s) s, sizeof(s) - 1

static const char sample[] =
	"--AaB03x\r\n"
	"Content-Disposition: form-data; name=\"title\"\r\n"
	"\r\n"
	"Keynote: gr\xc3\xbc\xc3\x9f" "e\r\n"
	"--AaB03x\r\n"
	"Content-Disposition: form-data; name=\"slides\"; "
	"filename=\"talk.pdf\"\r\n"
	"Content-Type: application/pdf\r\n"
	"\r\n"
	"%PDF-1.4\r\n\r\n-\r\r\n--AaB03\r\n--AaB0\r--\x00\xff end\r\n"
	"--AaB03x\r\n"
	"content-disposition: form-data; name=tag\r\n"
	"\r\n"
	"\r\n"
	"--AaB03x--\r\n";

static const char sample_log[] =
	"begin 1 name=title file=- disp=- type=-\n"
	"field title=Keynote: gr\xc3\xbc\xc3\x9f" "e\n"
	"end 1\n"
	"begin 2 name=slides file=talk.pdf disp=talk.pdf type=application/pdf\n"
	"file 40:%PDF-1.4\r\n\r\n-\r\r\n--AaB03\r\n--AaB0\r--\x00\xff end\n"
	"end 2\n"
	"begin 3 name=tag file=- disp=- type=-\n"
	"field tag=\n"
	"end 3\n";

/* ---- application/x-www-form-urlencoded ---- */

static void url_basic(void **state)
{
	(void)state;
	struct form f = FORM_INIT;
	const char *b = "a=1&msg=hello+world%21&e=%C3%A9";
	assert_int_equal(form_urlencoded_parse(&f, b, strlen(b), NULL), FORM_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "msg"), "hello world!");
	assert_string_equal(form_get(&f, "e"), "\xc3\xa9");
	assert_null(form_get(&f, "missing"));
	form_free(&f);
}

static void url_repeated_names_iterate_in_order(void **state)
{
	(void)state;
	struct form f = FORM_INIT;
	const char *b = "tag=x&z=1&tag=y&tag=w";
	assert_int_equal(form_urlencoded_parse(&f, b, strlen(b), NULL), FORM_OK);
	size_t it = 0;
	assert_string_equal(form_next(&f, "tag", &it), "x");
	assert_string_equal(form_next(&f, "tag", &it), "y");
	assert_string_equal(form_next(&f, "tag", &it), "w");
	assert_null(form_next(&f, "tag", &it));
	assert_int_equal(form_count(&f, "tag"), 3);
	assert_string_equal(form_get(&f, "tag"), "x");
	form_free(&f);
}

static void url_empty_pieces_and_bare_names(void **state)
{
	(void)state;
	struct form f = FORM_INIT;
	const char *b = "&a&&b=&c=3&";
	assert_int_equal(form_urlencoded_parse(&f, b, strlen(b), NULL), FORM_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "a"), "");
	assert_string_equal(form_get(&f, "b"), "");
	assert_string_equal(form_get(&f, "c"), "3");
	form_free(&f);
}

static void url_bad_percent_escapes(void **state)
{
	(void)state;
	const char *bad[] = { "a=%4", "a=%", "a=%zz", "a=%4g", "a%2=1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct form f = FORM_INIT;
		struct form_error e;
		assert_int_equal(form_urlencoded_parse(&f, bad[i],
		                 strlen(bad[i]), &e), FORM_ERR_ENCODING);
		assert_non_null(strstr(e.msg, "percent escape"));
		assert_int_equal(f.n, 0);
		assert_null(f.fields);
	}
}

static void url_nul_refused(void **state)
{
	(void)state;
	struct form f = FORM_INIT;
	struct form_error e;
	assert_int_equal(form_urlencoded_parse(&f, "a=x%00y", 7, &e),
	                 FORM_ERR_ENCODING);
	assert_int_equal(form_urlencoded_parse(&f, "a=x\0y", 5, &e),
	                 FORM_ERR_ENCODING);
	assert_string_equal(e.msg, "field 1: NUL in value");
}

static void url_invalid_utf8_refused(void **state)
{
	(void)state;
	/* truncated, overlong '/' in 2, 3 and 4 bytes, surrogate, above
	 * U+10FFFF, lone 0xFF, bad continuation */
	const char *bad[] = { "a=%C3", "a=%C0%AF", "a=%E0%80%AF",
	                      "a=%F0%80%80%AF", "a=%ED%A0%80",
	                      "a=%F4%90%80%80", "a=%FF", "a=%C3%28", "%C3=1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct form f = FORM_INIT;
		struct form_error e;
		assert_int_equal(form_urlencoded_parse(&f, bad[i],
		                 strlen(bad[i]), &e), FORM_ERR_ENCODING);
		assert_non_null(strstr(e.msg, "UTF-8"));
	}
}

static void url_empty_name_refused(void **state)
{
	(void)state;
	struct form f = FORM_INIT;
	struct form_error e;
	assert_int_equal(form_urlencoded_parse(&f, "a=1&=x", 6, &e),
	                 FORM_ERR_SYNTAX);
	assert_string_equal(e.msg, "field 2: empty name");
	assert_int_equal(f.n, 0);
}

static void url_name_length_limit(void **state)
{
	(void)state;
	char b[FORM_NAME_MAX + 8];
	memset(b, 'n', FORM_NAME_MAX);
	strcpy(b + FORM_NAME_MAX, "=1");
	struct form f = FORM_INIT;
	struct form_error e;
	assert_int_equal(form_urlencoded_parse(&f, b, strlen(b), &e), FORM_OK);
	form_free(&f);
	memset(b, 'n', FORM_NAME_MAX + 1);
	strcpy(b + FORM_NAME_MAX + 1, "=1");
	assert_int_equal(form_urlencoded_parse(&f, b, strlen(b), &e),
	                 FORM_ERR_SYNTAX);
	assert_non_null(strstr(e.msg, "name too long"));
}

static void url_field_count_limit(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct form f = FORM_INIT;
	struct form_error e;
	for (int i = 0; i < FORM_FIELDS_MAX; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	assert_int_equal(form_urlencoded_parse(&f, b.data, b.len, &e), FORM_OK);
	assert_int_equal(f.n, FORM_FIELDS_MAX);
	form_free(&f);
	buf_puts(&b, "&one=more");
	assert_int_equal(form_urlencoded_parse(&f, b.data, b.len, &e),
	                 FORM_ERR_TOO_MANY);
	assert_non_null(strstr(e.msg, "too many fields"));
	assert_int_equal(f.n, 0);
	buf_free(&b);
}

static void url_body_size_limit(void **state)
{
	(void)state;
	size_t n = FORM_URLENCODED_MAX + 1;
	char *b = malloc(n);
	assert_non_null(b);
	memcpy(b, "a=", 2);
	memset(b + 2, 'x', n - 2);
	struct form f = FORM_INIT;
	struct form_error e;
	assert_int_equal(form_urlencoded_parse(&f, b, n, &e), FORM_ERR_TOO_LARGE);
	assert_int_equal(form_urlencoded_parse(&f, b, n - 1, &e), FORM_OK);
	assert_int_equal(strlen(form_get(&f, "a")), n - 3);
	form_free(&f);
	free(b);
}

static void form_add_collects_fields(void **state)
{
	(void)state;
	struct form f = FORM_INIT;
	assert_int_equal(form_add(&f, "k", "v1", 2), 0);
	assert_int_equal(form_add(&f, "k", "v2xyz", 2), 0);
	assert_int_equal(form_add(&f, "k", "a\0b", 3), -1);
	assert_int_equal(form_count(&f, "k"), 2);
	size_t it = 1;
	assert_string_equal(form_next(&f, "k", &it), "v2");
	form_free(&f);
	assert_int_equal(f.n, 0);
}

/* ---- cookies ---- */

static void cookie_found_among_others(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(form_cookie_get("a=1; sid=abc123; b=2", "sid", out,
	                                 sizeof out), 1);
	assert_string_equal(out, "abc123");
}

static void cookie_not_found(void **state)
{
	(void)state;
	char out[64] = "stale";
	assert_int_equal(form_cookie_get("a=1; xsid=2; sidx=3", "sid", out,
	                                 sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(form_cookie_get(NULL, "sid", out, sizeof out), 0);
	assert_int_equal(form_cookie_get("", "sid", out, sizeof out), 0);
}

static void cookie_tolerates_spaces_and_tabs(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(form_cookie_get("  a=1 ;\tsid = v\t;b=2", "sid", out,
	                                 sizeof out), 1);
	assert_string_equal(out, "v");
}

static void cookie_malformed_pairs_ignored(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(form_cookie_get("junk; =x; a b=c; ;; sid=ok", "sid",
	                                 out, sizeof out), 1);
	assert_string_equal(out, "ok");
}

static void cookie_quoted_value_unquoted(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(form_cookie_get("sid=\"q1\"", "sid", out, sizeof out),
	                 1);
	assert_string_equal(out, "q1");
}

static void cookie_only_malformed_value_is_error(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(form_cookie_get("sid=a b", "sid", out, sizeof out), -1);
	assert_int_equal(form_cookie_get("sid=a\\b", "sid", out, sizeof out),
	                 -1);
	assert_int_equal(form_cookie_get("sid=\"ab", "sid", out, sizeof out),
	                 -1);
	/* a good pair later still wins */
	assert_int_equal(form_cookie_get("sid=a,b; sid=ok", "sid", out,
	                                 sizeof out), 1);
	assert_string_equal(out, "ok");
}

static void cookie_first_wins(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(form_cookie_get("sid=first; sid=second", "sid", out,
	                                 sizeof out), 1);
	assert_string_equal(out, "first");
}

static void cookie_value_must_fit(void **state)
{
	(void)state;
	char out[4];
	assert_int_equal(form_cookie_get("sid=abc", "sid", out, sizeof out), 1);
	assert_int_equal(form_cookie_get("sid=abcd", "sid", out, sizeof out),
	                 -1);
	assert_string_equal(out, "");
}

static void cookie_header_length_cap(void **state)
{
	(void)state;
	char *h = malloc(FORM_COOKIE_HEADER_MAX + 2);
	char out[8];
	assert_non_null(h);
	memset(h, 'x', FORM_COOKIE_HEADER_MAX + 1);
	memcpy(h, "sid=1; y=", 9);
	h[FORM_COOKIE_HEADER_MAX + 1] = '\0';
	assert_int_equal(form_cookie_get(h, "sid", out, sizeof out), -1);
	h[FORM_COOKIE_HEADER_MAX] = '\0';
	assert_int_equal(form_cookie_get(h, "sid", out, sizeof out), 1);
	free(h);
}

static void cookie_empty_value(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(form_cookie_get("sid=; a=1", "sid", out, sizeof out), 1);
	assert_string_equal(out, "");
}

static void cookie_name_is_case_sensitive(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(form_cookie_get("SID=1", "sid", out, sizeof out), 0);
}

/* ---- multipart: accepted bodies ---- */

static void mp_simple_field(void **state)
{
	(void)state;
	struct rec r = { 0 };
	struct form_error e;
	const char b[] = "--AaB03x\r\n"
		"Content-Disposition: form-data; name=\"a\"\r\n\r\n"
		"one\r\n--AaB03x--";
	assert_int_equal(run_mp(CT, LIT(b), 0, NULL, &r, &e), FORM_OK);
	assert_string_equal(rec_log(&r), "begin 1 name=a file=- disp=- "
	                    "type=-\nfield a=one\nend 1\n");
	assert_string_equal(e.msg, "");
	rec_free(&r);
}

static void mp_file_and_fields(void **state)
{
	(void)state;
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, LIT(sample), 0, NULL, &r, &e), FORM_OK);
	assert_memory_equal(rec_log(&r), sample_log, sizeof sample_log);
	rec_free(&r);
}

static void mp_every_chunk_size_gives_same_result(void **state)
{
	(void)state;
	for (size_t chunk = 1; chunk <= sizeof sample - 1; chunk++) {
		struct rec r = { 0 };
		struct form_error e;
		assert_int_equal(run_mp(CT, LIT(sample), chunk, NULL, &r, &e),
		                 FORM_OK);
		assert_int_equal(r.log.len, sizeof sample_log - 1);
		assert_memory_equal(r.log.data, sample_log, sizeof sample_log);
		rec_free(&r);
	}
}

static void mp_file_data_streams_in_pieces(void **state)
{
	(void)state;
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, LIT(sample), 1, NULL, &r, &e), FORM_OK);
	assert_true(r.data_calls > 10);   /* not held until the part ends */
	rec_free(&r);
}

static void mp_almost_boundaries_are_data(void **state)
{
	(void)state;
	/* Each line nearly matches CRLF "--AaB03x": the bytes must survive,
	 * also when the near match straddles a chunk edge. */
	const char b[] = "--AaB03x\r\n"
		"Content-Disposition: form-data; name=f; filename=d.bin\r\n\r\n"
		"\r\n--AaB03\r\n-\r\n--\r\r\n--AaB\n--AaB03x"
		"\r\n--AaB03x--";
	const char want[] = "file 33:\r\n--AaB03\r\n-\r\n--\r\r\n--AaB\n"
		"--AaB03x\n";
	for (size_t chunk = 0; chunk < 12; chunk++) {
		struct rec r = { 0 };
		struct form_error e;
		assert_int_equal(run_mp(CT, LIT(b), chunk, NULL, &r, &e),
		                 FORM_OK);
		assert_non_null(strstr(rec_log(&r), want));
		rec_free(&r);
	}
}

static void mp_quoted_boundary(void **state)
{
	(void)state;
	const char ct[] = "Multipart/Form-Data ; charset=utf-8;"
		"BOUNDARY=\"it's (a) b\\oundary\"";
	const char b[] = "--it's (a) boundary\r\n"
		"Content-Disposition: form-data; name=x\r\n\r\n"
		"1\r\n--it's (a) boundary--\r\n";
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(ct, LIT(b), 0, NULL, &r, &e), FORM_OK);
	assert_non_null(strstr(rec_log(&r), "field x=1\n"));
	rec_free(&r);
}

static void mp_boundary_of_70_accepted(void **state)
{
	(void)state;
	struct buf ct = BUF_INIT, b = BUF_INIT;
	char bnd[71];
	memset(bnd, 'z', 70);
	bnd[70] = '\0';
	buf_printf(&ct, "multipart/form-data; boundary=%s", bnd);
	buf_printf(&b, "--%s\r\nContent-Disposition: form-data; name=a\r\n"
	           "\r\nv\r\n--%s--\r\n", bnd, bnd);
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(ct.data, b.data, b.len, 0, NULL, &r, &e),
	                 FORM_OK);
	rec_free(&r);
	buf_free(&ct);
	buf_free(&b);
}

static void mp_preamble_epilogue_and_padding_accepted(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	for (int i = 0; i < FORM_MP_PREAMBLE_MAX; i++)
		buf_putc(&b, 'p');
	buf_puts(&b, "\r\n--AaB03x \t\r\n"
	         "Content-Disposition: form-data; name=a\r\n"
	         "\r\nv\r\n--AaB03x-- \r\n");
	for (int i = 0; i < FORM_MP_EPILOGUE_MAX; i++)
		buf_putc(&b, 'e');
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, b.data, b.len, 7, NULL, &r, &e), FORM_OK);
	assert_non_null(strstr(rec_log(&r), "field a=v\n"));
	rec_free(&r);
	buf_free(&b);
}

static void mp_no_parts_accepted(void **state)
{
	(void)state;
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, LIT("--AaB03x--\r\n"), 0, NULL, &r, &e),
	                 FORM_OK);
	assert_string_equal(rec_log(&r), "");
	rec_free(&r);
}

/* Display name of a part with this Content-Disposition filename. */
static char *display_of(const char *filename_param)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "--AaB03x\r\nContent-Disposition: form-data; name=f; "
	           "filename=%s\r\n\r\nx\r\n--AaB03x--\r\n", filename_param);
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, b.data, b.len, 0, NULL, &r, &e), FORM_OK);
	const char *d = strstr(rec_log(&r), " disp=");
	assert_non_null(d);
	d += 6;
	char *out = xstrndup(d, (size_t)(strstr(d, " type=") - d));
	rec_free(&r);
	buf_free(&b);
	return out;
}

static void mp_filename_path_components_stripped(void **state)
{
	(void)state;
	char *d = display_of("\"../../etc/passwd\"");
	assert_string_equal(d, "passwd");
	free(d);
	d = display_of("\"C:\\x\\evil.pdf\"");
	assert_string_equal(d, "evil.pdf");
	free(d);
	d = display_of("\"..\"");
	assert_string_equal(d, "");
	free(d);
}

static void mp_filename_raw_value_kept(void **state)
{
	(void)state;
	const char b[] = "--AaB03x\r\nContent-Disposition: form-data; name=f; "
		"filename=\"../a/b.pdf\"\r\n\r\nx\r\n--AaB03x--";
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, LIT(b), 0, NULL, &r, &e), FORM_OK);
	assert_non_null(strstr(rec_log(&r), "file=../a/b.pdf disp=b.pdf "));
	rec_free(&r);
}

static void mp_display_name_drops_controls_and_is_capped(void **state)
{
	(void)state;
	char *d = display_of("\"  a\tb\xc2\x85.txt \"");
	assert_string_equal(d, "ab.txt");
	free(d);
	struct buf long_name = BUF_INIT;
	buf_putc(&long_name, '"');
	for (int i = 0; i < 200; i++)
		buf_puts(&long_name, "\xc3\xa9");    /* 2 bytes each */
	buf_putc(&long_name, '"');
	d = display_of(long_name.data);
	assert_int_equal(strlen(d), FORM_FILENAME_MAX - 1);   /* 254: whole é */
	free(d);
	buf_free(&long_name);
}

static void mp_empty_filename_is_a_file_part(void **state)
{
	(void)state;
	const char b[] = "--AaB03x\r\nContent-Disposition: form-data; name=f; "
		"filename=\"\"\r\nContent-Type: application/octet-stream\r\n"
		"\r\n\r\n--AaB03x--";
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, LIT(b), 0, NULL, &r, &e), FORM_OK);
	assert_string_equal(rec_log(&r), "begin 1 name=f file= disp= "
	                    "type=application/octet-stream\nfile 0:\nend 1\n");
	rec_free(&r);
}

static void mp_total_counts_every_byte_after_error(void **state)
{
	(void)state;
	struct form_mp p;
	form_mp_init(&p, CT, NULL, NULL);
	assert_int_equal(form_mp_feed(&p, "--AaB03x!", 9), FORM_ERR_SYNTAX);
	/* Good bytes later change nothing: the first error stays. */
	assert_int_equal(form_mp_feed(&p, LIT(sample)), FORM_ERR_SYNTAX);
	assert_int_equal(form_mp_total(&p), 9 + (long long)sizeof sample - 1);
	assert_int_equal(form_mp_finish(&p), FORM_ERR_SYNTAX);
	assert_string_equal(form_mp_error(&p)->msg, "junk after boundary");
	form_mp_free(&p);
}

static void mp_callback_refusal_stops_parser(void **state)
{
	(void)state;
	struct rec r = { 0 };
	struct form_error e;
	r.refuse_begin = 1;
	assert_int_equal(run_mp(CT, LIT(sample), 0, NULL, &r, &e),
	                 FORM_ERR_REFUSED);
	assert_string_equal(e.msg, "uploads are closed");
	assert_null(strstr(rec_log(&r), "field"));
	rec_free(&r);
	struct rec r2 = { 0 };
	r2.refuse_begin = 2;
	assert_int_equal(run_mp(CT, LIT(sample), 0, NULL, &r2, &e),
	                 FORM_ERR_REFUSED);
	assert_string_equal(e.msg, "part 1: refused");
	rec_free(&r2);
}

static void mp_lowered_limits_apply(void **state)
{
	(void)state;
	struct form_mp_limits lim;
	form_mp_limits_default(&lim);
	lim.file_max = 39;            /* sample's file has 40 bytes */
	struct rec r = { 0 };
	struct form_error e;
	assert_int_equal(run_mp(CT, LIT(sample), 3, &lim, &r, &e),
	                 FORM_ERR_TOO_LARGE);
	assert_string_equal(e.msg, "part 2: file too large (limit 39 bytes)");
	rec_free(&r);
	form_mp_limits_default(&lim);
	lim.body_max = 100;
	struct rec r2 = { 0 };
	assert_int_equal(run_mp(CT, LIT(sample), 0, &lim, &r2, &e),
	                 FORM_ERR_TOO_LARGE);
	assert_non_null(strstr(e.msg, "body too large"));
	rec_free(&r2);
}

static void mp_feed_after_finish_is_error(void **state)
{
	(void)state;
	struct form_mp p;
	form_mp_init(&p, CT, NULL, NULL);
	assert_int_equal(form_mp_feed(&p, LIT(sample)), FORM_OK);
	assert_int_equal(form_mp_finish(&p), FORM_OK);
	assert_int_equal(form_mp_feed(&p, "x", 1), FORM_ERR_SYNTAX);
	form_mp_free(&p);
}

/* ---- multipart: refused bodies, one table row per kind ---- */

static void gen_header_too_long(struct buf *b)
{
	buf_puts(b, "--AaB03x\r\nContent-Disposition: form-data; name=a\r\n"
	         "X-Pad: ");
	for (int i = 0; i < FORM_MP_HEADER_LINE_MAX; i++)
		buf_putc(b, 'h');
	buf_puts(b, "\r\n\r\nv\r\n--AaB03x--\r\n");
}

static void gen_too_many_headers(struct buf *b)
{
	buf_puts(b, "--AaB03x\r\nContent-Disposition: form-data; name=a\r\n");
	for (int i = 0; i < FORM_MP_HEADERS_MAX; i++)
		buf_printf(b, "X-H%d: %d\r\n", i, i);
	buf_puts(b, "\r\nv\r\n--AaB03x--\r\n");
}

static void gen_too_many_parts(struct buf *b)
{
	for (int i = 0; i <= FORM_MP_PARTS_MAX; i++)
		buf_printf(b, "--AaB03x\r\nContent-Disposition: form-data; "
		           "name=p%d\r\n\r\n%d\r\n", i, i);
	buf_puts(b, "--AaB03x--\r\n");
}

static void gen_preamble_too_long(struct buf *b)
{
	for (int i = 0; i <= FORM_MP_PREAMBLE_MAX; i++)
		buf_putc(b, 'p');
	buf_puts(b, "\r\n--AaB03x\r\nContent-Disposition: form-data; name=a\r\n"
	         "\r\nv\r\n--AaB03x--\r\n");
}

static void gen_epilogue_too_long(struct buf *b)
{
	buf_puts(b, "--AaB03x\r\nContent-Disposition: form-data; name=a\r\n"
	         "\r\nv\r\n--AaB03x--\r\n");
	for (int i = 0; i <= FORM_MP_EPILOGUE_MAX; i++)
		buf_putc(b, 'e');
}

static void gen_field_too_long(struct buf *b)
{
	buf_puts(b, "--AaB03x\r\nContent-Disposition: form-data; name=a\r\n"
	         "\r\n");
	for (int i = 0; i <= FORM_MP_FIELD_MAX; i++)
		buf_putc(b, 'v');
	buf_puts(b, "\r\n--AaB03x--\r\n");
}

static void gen_name_too_long(struct buf *b)
{
	buf_puts(b, "--AaB03x\r\nContent-Disposition: form-data; name=");
	for (int i = 0; i <= FORM_NAME_MAX; i++)
		buf_putc(b, 'n');
	buf_puts(b, "\r\n\r\nv\r\n--AaB03x--\r\n");
}

struct bad_case {
	const char *name;
	const char *ct;            /* request Content-Type; NULL: CT */
	int no_ct;                 /* pass NULL as Content-Type */
	const char *body;
	size_t len;
	void (*gen)(struct buf *); /* builds the body instead */
	enum form_err code;
	const char *msg;           /* expected start of the message */
};

#define BODY(s) .body = s, .len = sizeof(s) - 1
#define CD "Content-Disposition: form-data; name=a\r\n"
#define OPEN "--AaB03x\r\n"
#define CLOSE "\r\n--AaB03x--\r\n"

static const struct bad_case bad_cases[] = {
	{ "ct_missing", .no_ct = 1, BODY(OPEN CD "\r\nv" CLOSE),
	  .code = FORM_ERR_CONTENT_TYPE, .msg = "missing Content-Type" },
	{ "ct_not_multipart", .ct = "text/plain; boundary=AaB03x",
	  BODY(OPEN CD "\r\nv" CLOSE), .code = FORM_ERR_CONTENT_TYPE,
	  .msg = "Content-Type is not multipart/form-data" },
	{ "ct_mixed_not_form_data", .ct = "multipart/mixed; boundary=AaB03x",
	  BODY(OPEN CD "\r\nv" CLOSE), .code = FORM_ERR_CONTENT_TYPE,
	  .msg = "Content-Type is not multipart/form-data" },
	{ "ct_without_boundary", .ct = "multipart/form-data; charset=utf-8",
	  BODY(OPEN CD "\r\nv" CLOSE), .code = FORM_ERR_CONTENT_TYPE,
	  .msg = "Content-Type has no boundary" },
	{ "ct_boundary_71_chars", .ct = "multipart/form-data; boundary="
	  "12345678901234567890123456789012345678901234567890123456789012345"
	  "678901", BODY(""), .code = FORM_ERR_CONTENT_TYPE,
	  .msg = "boundary longer than 70 characters" },
	{ "ct_boundary_empty", .ct = "multipart/form-data; boundary=\"\"",
	  BODY(""), .code = FORM_ERR_CONTENT_TYPE, .msg = "empty boundary" },
	{ "ct_boundary_bad_char", .ct = "multipart/form-data; boundary=\"a{b\"",
	  BODY(""), .code = FORM_ERR_CONTENT_TYPE,
	  .msg = "boundary has a character" },
	{ "ct_boundary_trailing_space",
	  .ct = "multipart/form-data; boundary=\"ab \"", BODY(""),
	  .code = FORM_ERR_CONTENT_TYPE, .msg = "boundary ends with a space" },
	{ "ct_boundary_twice",
	  .ct = "multipart/form-data; boundary=a; boundary=b", BODY(""),
	  .code = FORM_ERR_CONTENT_TYPE, .msg = "duplicate boundary parameter" },
	{ "ct_unterminated_quote", .ct = "multipart/form-data; boundary=\"ab",
	  BODY(""), .code = FORM_ERR_CONTENT_TYPE,
	  .msg = "malformed Content-Type parameter" },
	{ "empty_body", BODY(""), .code = FORM_ERR_TRUNCATED,
	  .msg = "empty body" },
	{ "no_boundary_in_body", BODY("just some text\r\n"),
	  .code = FORM_ERR_TRUNCATED, .msg = "no boundary in body" },
	{ "missing_final_boundary", BODY(OPEN CD "\r\nvalue\r\n"),
	  .code = FORM_ERR_TRUNCATED, .msg = "part 1: missing final boundary" },
	{ "ends_inside_headers", BODY(OPEN CD),
	  .code = FORM_ERR_TRUNCATED,
	  .msg = "part 1: body ends inside the part headers" },
	{ "ends_after_boundary", BODY(OPEN CD "\r\nv\r\n--AaB03x"),
	  .code = FORM_ERR_TRUNCATED, .msg = "missing final boundary" },
	{ "missing_name", BODY(OPEN "Content-Disposition: form-data; "
	  "filename=\"a.pdf\"\r\n\r\nv" CLOSE), .code = FORM_ERR_HEADER,
	  .msg = "part 1: Content-Disposition has no name" },
	{ "empty_name", BODY(OPEN "Content-Disposition: form-data; name=\"\""
	  "\r\n\r\nv" CLOSE), .code = FORM_ERR_HEADER,
	  .msg = "part 1: Content-Disposition has no name" },
	{ "name_too_long", .gen = gen_name_too_long, .code = FORM_ERR_HEADER,
	  .msg = "part 1: field name too long" },
	{ "duplicate_name_param", BODY(OPEN "Content-Disposition: form-data; "
	  "name=a; name=b\r\n\r\nv" CLOSE), .code = FORM_ERR_HEADER,
	  .msg = "part 1: duplicate name parameter" },
	{ "unterminated_quoted_name", BODY(OPEN "Content-Disposition: "
	  "form-data; name=\"abc\r\n\r\nv" CLOSE), .code = FORM_ERR_HEADER,
	  .msg = "part 1: malformed Content-Disposition" },
	{ "disposition_not_form_data", BODY(OPEN "Content-Disposition: "
	  "attachment; name=a\r\n\r\nv" CLOSE), .code = FORM_ERR_HEADER,
	  .msg = "part 1: Content-Disposition is not form-data" },
	{ "missing_disposition", BODY(OPEN "Content-Type: text/plain\r\n"
	  "\r\nv" CLOSE), .code = FORM_ERR_HEADER,
	  .msg = "part 1: missing Content-Disposition" },
	{ "duplicate_disposition", BODY(OPEN CD CD "\r\nv" CLOSE),
	  .code = FORM_ERR_HEADER, .msg = "part 1: duplicate Content-Disp" },
	{ "filename_star_refused", BODY(OPEN "Content-Disposition: form-data; "
	  "name=a; filename*=UTF-8''x.pdf\r\n\r\nv" CLOSE),
	  .code = FORM_ERR_UNSUPPORTED, .msg = "part 1: filename* is not" },
	{ "transfer_encoding_refused", BODY(OPEN CD
	  "Content-Transfer-Encoding: base64\r\n\r\ndg==" CLOSE),
	  .code = FORM_ERR_UNSUPPORTED,
	  .msg = "part 1: Content-Transfer-Encoding is not supported" },
	{ "nested_multipart_refused", BODY(OPEN CD
	  "Content-Type: multipart/mixed; boundary=inner\r\n\r\nv" CLOSE),
	  .code = FORM_ERR_UNSUPPORTED,
	  .msg = "part 1: nested multipart is not supported" },
	{ "malformed_part_type", BODY(OPEN CD "Content-Type: pdf\r\n\r\nv"
	  CLOSE), .code = FORM_ERR_HEADER,
	  .msg = "part 1: malformed Content-Type" },
	{ "header_without_colon", BODY(OPEN CD "X-Thing yes\r\n\r\nv" CLOSE),
	  .code = FORM_ERR_SYNTAX, .msg = "part 1: header line without colon" },
	{ "header_name_with_space", BODY(OPEN "Content Disposition: form-data;"
	  " name=a\r\n\r\nv" CLOSE), .code = FORM_ERR_SYNTAX,
	  .msg = "part 1: malformed header name" },
	{ "folded_header", BODY(OPEN CD " x-fold\r\n\r\nv" CLOSE),
	  .code = FORM_ERR_SYNTAX, .msg = "part 1: folded header line" },
	{ "header_line_too_long", .gen = gen_header_too_long,
	  .code = FORM_ERR_SYNTAX, .msg = "part 1: header line too long" },
	{ "too_many_header_lines", .gen = gen_too_many_headers,
	  .code = FORM_ERR_TOO_MANY, .msg = "part 1: too many header lines" },
	{ "nul_in_header", BODY(OPEN "Content-Disposition: form-data; "
	  "name=a\0b\r\n\r\nv" CLOSE), .code = FORM_ERR_SYNTAX,
	  .msg = "part 1: NUL in header" },
	{ "control_char_in_header", BODY(OPEN "Content-Disposition: form-data;"
	  " name=a\x1b\r\n\r\nv" CLOSE), .code = FORM_ERR_SYNTAX,
	  .msg = "part 1: control character in header" },
	{ "bare_lf_in_header", BODY(OPEN "Content-Disposition: form-data; "
	  "name=a\n\r\nv" CLOSE), .code = FORM_ERR_SYNTAX,
	  .msg = "part 1: header line ends with LF" },
	{ "bare_cr_in_header", BODY(OPEN "Content-Disposition: form-data; "
	  "name=a\rX\r\n\r\nv" CLOSE), .code = FORM_ERR_SYNTAX,
	  .msg = "part 1: CR without LF in header" },
	{ "bare_lf_boundary_line", BODY("--AaB03x\n" CD "\r\nv" CLOSE),
	  .code = FORM_ERR_SYNTAX, .msg = "boundary line ends with LF" },
	{ "no_crlf_after_boundary", BODY("--AaB03x\rContent-Disposition: "
	  "form-data; name=a\r\n\r\nv" CLOSE), .code = FORM_ERR_SYNTAX,
	  .msg = "boundary line does not end with CRLF" },
	{ "junk_after_boundary", BODY("--AaB03xyz\r\n" CD "\r\nv" CLOSE),
	  .code = FORM_ERR_SYNTAX, .msg = "junk after boundary" },
	{ "junk_after_padding", BODY("--AaB03x  x\r\n" CD "\r\nv" CLOSE),
	  .code = FORM_ERR_SYNTAX, .msg = "junk after boundary" },
	{ "junk_after_final_boundary", BODY(OPEN CD "\r\nv\r\n--AaB03x--x"),
	  .code = FORM_ERR_SYNTAX, .msg = "junk after final boundary" },
	{ "single_dash_after_boundary", BODY(OPEN CD "\r\nv\r\n--AaB03x-\r\n"),
	  .code = FORM_ERR_SYNTAX, .msg = "junk after boundary" },
	{ "preamble_too_long", .gen = gen_preamble_too_long,
	  .code = FORM_ERR_SYNTAX, .msg = "preamble too long" },
	{ "epilogue_too_long", .gen = gen_epilogue_too_long,
	  .code = FORM_ERR_SYNTAX, .msg = "epilogue too long" },
	{ "too_many_parts", .gen = gen_too_many_parts, .code = FORM_ERR_TOO_MANY,
	  .msg = "too many parts (limit 832)" },
	{ "field_too_long", .gen = gen_field_too_long,
	  .code = FORM_ERR_TOO_LARGE, .msg = "part 1: field value too long" },
	{ "field_invalid_utf8", BODY(OPEN CD "\r\n\xc3\x28" CLOSE),
	  .code = FORM_ERR_ENCODING,
	  .msg = "part 1: field value is not valid UTF-8" },
	{ "nul_in_field_value", BODY(OPEN CD "\r\na\0b" CLOSE),
	  .code = FORM_ERR_ENCODING, .msg = "part 1: NUL in field value" },
	{ "filename_invalid_utf8", BODY(OPEN "Content-Disposition: form-data; "
	  "name=f; filename=\"\xff.pdf\"\r\n\r\nv" CLOSE),
	  .code = FORM_ERR_ENCODING, .msg = "part 1: filename is not valid" },
	{ "second_part_bad", BODY(OPEN CD "\r\nv\r\n--AaB03x\r\n"
	  "Content-Disposition: form-data\r\n\r\nw" CLOSE),
	  .code = FORM_ERR_HEADER,
	  .msg = "part 2: Content-Disposition has no name" },
};

#define N_BAD (sizeof bad_cases / sizeof bad_cases[0])

/* A refused body gives the same code and message whole and byte by byte,
 * and no part it refused is reported as ended. */
static void mp_bad_case(void **state)
{
	const struct bad_case *c = *state;
	struct buf gen = BUF_INIT;
	const char *body = c->body;
	size_t len = c->len;
	if (c->gen) {
		c->gen(&gen);
		body = gen.data;
		len = gen.len;
	}
	const char *ct = c->no_ct ? NULL : c->ct ? c->ct : CT;
	struct form_error e1, e2;
	struct rec r1 = { 0 }, r2 = { 0 };
	assert_int_equal(run_mp(ct, body, len, 0, NULL, &r1, &e1), c->code);
	if (strncmp(e1.msg, c->msg, strlen(c->msg)) != 0)
		fail_msg("message \"%s\", wanted \"%s...\"", e1.msg, c->msg);
	assert_int_equal(run_mp(ct, body, len, 1, NULL, &r2, &e2), c->code);
	assert_string_equal(e1.msg, e2.msg);
	assert_string_equal(rec_log(&r1), rec_log(&r2));
	rec_free(&r1);
	rec_free(&r2);
	buf_free(&gen);
}

static const struct CMUnitTest fixed_tests[] = {
	cmocka_unit_test(url_basic),
	cmocka_unit_test(url_repeated_names_iterate_in_order),
	cmocka_unit_test(url_empty_pieces_and_bare_names),
	cmocka_unit_test(url_bad_percent_escapes),
	cmocka_unit_test(url_nul_refused),
	cmocka_unit_test(url_invalid_utf8_refused),
	cmocka_unit_test(url_empty_name_refused),
	cmocka_unit_test(url_name_length_limit),
	cmocka_unit_test(url_field_count_limit),
	cmocka_unit_test(url_body_size_limit),
	cmocka_unit_test(form_add_collects_fields),
	cmocka_unit_test(cookie_found_among_others),
	cmocka_unit_test(cookie_not_found),
	cmocka_unit_test(cookie_tolerates_spaces_and_tabs),
	cmocka_unit_test(cookie_malformed_pairs_ignored),
	cmocka_unit_test(cookie_quoted_value_unquoted),
	cmocka_unit_test(cookie_only_malformed_value_is_error),
	cmocka_unit_test(cookie_first_wins),
	cmocka_unit_test(cookie_value_must_fit),
	cmocka_unit_test(cookie_header_length_cap),
	cmocka_unit_test(cookie_empty_value),
	cmocka_unit_test(cookie_name_is_case_sensitive),
	cmocka_unit_test(mp_simple_field),
	cmocka_unit_test(mp_file_and_fields),
	cmocka_unit_test(mp_every_chunk_size_gives_same_result),
	cmocka_unit_test(mp_file_data_streams_in_pieces),
	cmocka_unit_test(mp_almost_boundaries_are_data),
	cmocka_unit_test(mp_quoted_boundary),
	cmocka_unit_test(mp_boundary_of_70_accepted),
	cmocka_unit_test(mp_preamble_epilogue_and_padding_accepted),
	cmocka_unit_test(mp_no_parts_accepted),
	cmocka_unit_test(mp_filename_path_components_stripped),
	cmocka_unit_test(mp_filename_raw_value_kept),
	cmocka_unit_test(mp_display_name_drops_controls_and_is_capped),
	cmocka_unit_test(mp_empty_filename_is_a_file_part),
	cmocka_unit_test(mp_total_counts_every_byte_after_error),
	cmocka_unit_test(mp_callback_refusal_stops_parser),
	cmocka_unit_test(mp_lowered_limits_apply),
	cmocka_unit_test(mp_feed_after_finish_is_error),
};

#define N_FIXED (sizeof fixed_tests / sizeof fixed_tests[0])

int main(void)
{
	/* One group, so the run reports a single total: the fixed tests and
	 * one test per row of bad_cases. */
	static struct CMUnitTest all[N_FIXED + N_BAD];
	memcpy(all, fixed_tests, sizeof fixed_tests);
	for (size_t i = 0; i < N_BAD; i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(mp_bad_case,
		                              (void *)&bad_cases[i]);
		t.name = bad_cases[i].name;
		all[N_FIXED + i] = t;
	}
	return _cmocka_run_group_tests("form", all, N_FIXED + N_BAD, NULL, NULL);
}
