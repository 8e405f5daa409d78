/* libFuzzer target: the multipart/form-data parser.
 *
 * Input: byte 0 picks the chunking and the boundary's source, byte 1 the
 * boundary, the rest is the body:
 *   byte 0 < 0x80: chunks cycle through sizes 1..(b0 % 16) + 1, the
 *                  boundary is table[(b1 - '@') % N], quoted when b0 / 16
 *                  is odd (so seeds can start with printable "0@" or "!@");
 *   byte 0 >= 0x80: the boundary is the next b1 % 72 input bytes (often
 *                  invalid on purpose), chunk size (b0 % 16) + 1.
 * Each input is parsed twice, whole and in chunks: the two runs must report
 * the same events and the same error, and every event must keep the
 * promises of form.h.  A broken promise aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"

static const char *const boundaries[] = {
	"AaB03x",
	"----WebKitFormBoundary7MA4YWxkTrZu0gW",
	"b",
	"--",
	"'()+_,-./:=? z",
	"-\r\n--",
	"1234567890123456789012345678901234567890123456789012345678901234567890",
	"x ",
};
#define N_BOUNDARIES (sizeof boundaries / sizeof boundaries[0])

static void check(int ok)
{
	if (!ok)
		abort();
}

struct log {
	struct buf ev;
	int in_part;
	int is_file;
};

static void check_part(const struct form_part *pt)
{
	check(pt->index >= 1 && pt->index <= FORM_MP_PARTS_MAX);
	check(pt->name && pt->name[0] && strlen(pt->name) <= FORM_NAME_MAX);
	check(!pt->filename == !pt->display_name);
	if (pt->display_name) {
		const unsigned char *d = (const unsigned char *)pt->display_name;
		check(strlen(pt->display_name) <= FORM_FILENAME_MAX);
		check(!strchr(pt->display_name, '/'));
		check(!strchr(pt->display_name, '\\'));
		for (; *d; d++)
			check(*d >= 0x20 && *d != 0x7F);
	}
}

static int on_begin(void *ctx, const struct form_part *pt)
{
	struct log *l = ctx;
	check(!l->in_part);
	check_part(pt);
	l->in_part = 1;
	l->is_file = pt->filename != NULL;
	buf_printf(&l->ev, "B%u|%s|%s|%s|%s\n", pt->index, pt->name,
	           pt->filename ? pt->filename : "-",
	           pt->display_name ? pt->display_name : "-",
	           pt->content_type ? pt->content_type : "-");
	return 0;
}

static int on_data(void *ctx, const struct form_part *pt, const char *d,
                   size_t n)
{
	struct log *l = ctx;
	check(l->in_part && l->is_file && pt->filename && n > 0);
	buf_put(&l->ev, d, n);   /* chunk edges differ between runs: no marks */
	return 0;
}

static int on_field(void *ctx, const struct form_part *pt, const char *v,
                    size_t n)
{
	struct log *l = ctx;
	check(l->in_part && !l->is_file && !pt->filename);
	check(n <= FORM_MP_FIELD_MAX && strlen(v) == n);
	buf_printf(&l->ev, "F%zu:", n);
	buf_put(&l->ev, v, n);
	return 0;
}

static int on_end(void *ctx, const struct form_part *pt)
{
	struct log *l = ctx;
	check(l->in_part);
	check_part(pt);
	l->in_part = 0;
	buf_printf(&l->ev, "\nE%u\n", pt->index);
	return 0;
}

/* Parse body; chunk 0 feeds it whole, else sizes cycle 1..chunk. */
static void parse(const char *ct, const uint8_t *body, size_t len,
                  size_t chunk, struct log *l)
{
	struct form_mp p;
	struct form_mp_callbacks cb = { l, on_begin, on_data, on_field, on_end };
	form_mp_init(&p, ct, &cb, NULL);
	size_t off = 0, step = 1;
	while (off < len) {
		size_t n = chunk ? step : len;
		if (n > len - off)
			n = len - off;
		int rc = form_mp_feed(&p, (const char *)body + off, n);
		check(rc == (int)form_mp_error(&p)->code);
		off += n;
		step = step % (chunk ? chunk : 1) + 1;
	}
	int rc = form_mp_finish(&p);
	const struct form_error *e = form_mp_error(&p);
	check(rc == (int)e->code && (rc == FORM_OK) == (e->msg[0] == '\0'));
	check(form_mp_total(&p) == (long long)len);
	buf_printf(&l->ev, "R%d %s", rc, e->msg);
	form_mp_free(&p);
}

static void content_type(struct buf *ct, const char *b, size_t blen,
                         int quoted)
{
	buf_puts(ct, "multipart/form-data; boundary=");
	if (!quoted) {
		buf_put(ct, b, blen);
		return;
	}
	buf_putc(ct, '"');
	for (size_t i = 0; i < blen; i++) {
		if (b[i] == '"' || b[i] == '\\')
			buf_putc(ct, '\\');
		buf_putc(ct, b[i]);
	}
	buf_putc(ct, '"');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t b0 = data[0], b1 = data[1];
	size_t chunk = (size_t)(b0 % 16) + 1;
	data += 2;
	size -= 2;
	struct buf ct = BUF_INIT;
	if (b0 >= 0x80) {
		size_t blen = b1 % 72;
		if (blen > size)
			blen = size;
		content_type(&ct, (const char *)data, blen, b1 & 0x80);
		data += blen;
		size -= blen;
	} else {
		const char *b = boundaries[(uint8_t)(b1 - '@') % N_BOUNDARIES];
		content_type(&ct, b, strlen(b), (b0 / 16) & 1);
	}
	struct log whole = { BUF_INIT, 0, 0 }, pieces = { BUF_INIT, 0, 0 };
	parse(ct.data, data, size, 0, &whole);
	parse(ct.data, data, size, chunk, &pieces);
	check(whole.ev.len == pieces.ev.len &&
	      memcmp(whole.ev.data, pieces.ev.data, whole.ev.len) == 0);
	buf_free(&whole.ev);
	buf_free(&pieces.ev);
	buf_free(&ct);
	return 0;
}
