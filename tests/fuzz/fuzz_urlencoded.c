/* libFuzzer target: application/x-www-form-urlencoded bodies.
 *
 * A parsed body must keep form.h's promises (names non-empty and short,
 * no NUL, valid UTF-8, at most FORM_FIELDS_MAX fields), lookups must agree
 * with the field list, and re-encoding the fields must parse back to the
 * same list.  A refused body must leave the form empty with a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

/* An independent, deliberately plain UTF-8 check (RFC 3629 table 3-7). */
static int utf8_ok(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, n, lo = 0x80, hi = 0xBF;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3;
		else
			return 0;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
		if (s[1] < lo || s[1] > hi)
			return 0;
		for (unsigned i = 2; i <= n; i++)
			if ((s[i] & 0xC0) != 0x80)
				return 0;
		s += n + 1;
	}
	return 1;
}

static void encode(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_printf(b, "%%%02X", (unsigned char)*s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form f = FORM_INIT;
	struct form_error e;
	int rc = form_urlencoded_parse(&f, (const char *)data, size, &e);
	check(rc == (int)e.code);
	if (rc != FORM_OK) {
		check(f.n == 0 && f.fields == NULL && e.msg[0]);
		return 0;
	}
	check(f.n <= FORM_FIELDS_MAX && e.msg[0] == '\0');
	struct buf again = BUF_INIT;
	for (size_t i = 0; i < f.n; i++) {
		const char *n = f.fields[i].name, *v = f.fields[i].value;
		check(n[0] && strlen(n) <= FORM_NAME_MAX);
		check(utf8_ok((const unsigned char *)n));
		check(utf8_ok((const unsigned char *)v));
		size_t it = 0, seen = 0;
		const char *first = form_next(&f, n, &it);
		check(first == form_get(&f, n));
		for (size_t j = 0; j < f.n; j++)
			seen += strcmp(f.fields[j].name, n) == 0;
		check(form_count(&f, n) == seen);
		if (i)
			buf_putc(&again, '&');
		encode(&again, n);
		buf_putc(&again, '=');
		encode(&again, v);
	}
	/* Fully percent-encoded, the list may exceed the size limit. */
	if (again.len <= FORM_URLENCODED_MAX) {
		struct form g = FORM_INIT;
		check(form_urlencoded_parse(&g, again.data ? again.data : "",
		                            again.len, NULL) == FORM_OK);
		check(g.n == f.n);
		for (size_t i = 0; i < f.n; i++) {
			check(strcmp(g.fields[i].name, f.fields[i].name) == 0);
			check(strcmp(g.fields[i].value, f.fields[i].value) == 0);
		}
		form_free(&g);
	}
	buf_free(&again);
	form_free(&f);
	return 0;
}
