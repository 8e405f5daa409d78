/* libFuzzer target: the template engine, lib/tmpl_compile.c (with
 * tmpl_markup.c and tmpl_read.c) and lib/tmpl.c.
 * A template error must stop the start with its file:line, never crash it,
 * and whatever shape a template has, the values a page fills in must come
 * out escaped for where they stand (lib/tmpl.h).  For any input:
 *
 *   - loading fails with "FILE:LINE: message" in err (NUL-terminated inside
 *     errsz; FILE one of the files the input wrote, LINE a decimal >= 1 and
 *     not past that file's end where its lines can be counted, a message
 *     after ": "), or succeeds with err empty; a catalog the same;
 *   - a loaded template renders the same output twice (the second time
 *     after tmpl_vars_clear and into a buffer that already holds text);
 *   - the output holds no NUL, and is valid UTF-8 when the input was;
 *   - every '<' opens a tag as the engine writes them (<!DOCTYPE html> or
 *     the XML declaration first, <name attr="value"...>, </name>, and <x/>
 *     only in XML output), so the marker value with '<', '"', '\'' and '&'
 *     never appears raw; attribute values hold no '"' or '<';
 *   - every '&' outside an HTML <script> starts &amp; &lt; &gt; or &quot;,
 *     and an HTML <script> holds no '<' at all (JSON-LD is its only
 *     content, escaped);
 *   - a URL attribute of the engine's list (in HTML output by its name in
 *     any case, as a browser reads it) never starts, as a browser reads it,
 *     with the javascript: value: where a value can decide the scheme, the
 *     allow-list decides.  Checked when nothing in the input could have
 *     written that text itself (no "alert", "&#" or "encoding" in it).
 *
 * The input: up to four NUL-separated parts - t.xml (the template loaded),
 * _inc.xml (for <t:include src="_inc.xml"/>), cat.xml (a catalog for
 * #{key}; without it tmpl_load, else tmpl_load_with) and a value "v" the
 * render sees.  A part that is absent is no file at all. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fuzz_check.h"
#include "tmpl.h"

enum { T_XML, INC_XML, CAT_XML, VALUE, PARTS };
enum { ERR_SIZE = 256 };

#define MARKER "<x-fuzz-marker \"'&>"
#define PAYLOAD "javascript:alert(1)"

static const char *const files[] = { "t.xml", "_inc.xml", "cat.xml" };

/* tmpl_markup.c's URL attributes: the ones whose scheme it promises to check. */
static const char *const url_attrs[] = { "href", "src", "action", "formaction",
	"poster", "cite", "srcset", "data", "background", "longdesc", "manifest",
	"ping", "icon", "codebase" };

struct input {
	const char *part[PARTS];        /* NULL: absent */
	size_t len[PARTS];
	bool utf8;                      /* the whole input is valid UTF-8 */
	bool url_check;                 /* the input cannot spell PAYLOAD itself */
};

/* ---- the template directory, one per process -------------------------- */

static char dir[128];

static void remove_dir(void)
{
	char path[sizeof dir + 16];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void make_dir(void)
{
	if (dir[0])
		return;
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > sizeof dir - 20)
		tmp = "/tmp";
	snprintf(dir, sizeof dir, "%s/fuzz_tmpl.XXXXXX", tmp);
	check(mkdtemp(dir) != NULL);
	atexit(remove_dir);
}

/* Write a part as its file, or remove the file a previous input left, so
 * each input sees exactly its own files. */
static void put_file(const char *name, const char *s, size_t n)
{
	char path[sizeof dir + 16];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!s) {
		unlink(path);
		return;
	}
	FILE *f = fopen(path, "wb");
	check(f != NULL);
	check(fwrite(s, 1, n, f) == n || n == 0);
	check(fclose(f) == 0);
}

/* ---- the input -------------------------------------------------------- */

static bool contains_ci(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;
		while (j < k && (s[i + j] | 0x20) == what[j])
			j++;
		if (j == k)
			return true;
	}
	return false;
}

static char *split(const uint8_t *data, size_t size, struct input *in)
{
	char *copy = malloc(size + 1);
	check(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	memset(in, 0, sizeof *in);
	const char *p = copy, *end = copy + size;
	for (int i = 0; i < PARTS && p <= end; i++) {
		in->part[i] = p;
		in->len[i] = strlen(p);
		p += in->len[i] + 1;
	}
	in->utf8 = utf8_valid(data, size);
	in->url_check = !contains_ci(copy, size, "alert") &&
		!contains_ci(copy, size, "&#") && !contains_ci(copy, size, "encoding");
	return copy;
}

/* ---- load errors ------------------------------------------------------ */

static const char *file_text(const struct input *in, const char *name, size_t n)
{
	for (int i = 0; i < VALUE; i++)
		if (strlen(files[i]) == n && memcmp(files[i], name, n) == 0)
			return in->part[i];
	return NULL;
}

/* How many lines a file has at most, as XML counts them (CR LF, CR and LF
 * each end one); 0 when that count could be off: another encoding may
 * have other line ends, and a character reference &#10; is a newline in
 * the parsed text that the file does not have (tmpl_read.c counts the
 * text's newlines to find a line). */
static unsigned long lines(const char *s)
{
	size_t n = strlen(s);
	if (!utf8_valid((const unsigned char *)s, n) || contains_ci(s, n, "encoding") ||
	    contains_ci(s, n, "&#"))
		return 0;
	unsigned long k = 1;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n');
	return k;
}

/* "FILE:LINE: message" exactly: FILE one the input wrote, LINE a line of
 * it. */
static void check_error(const struct input *in, const char *err)
{
	check(strnlen(err, ERR_SIZE) < ERR_SIZE);
	const char *colon = strchr(err, ':');
	const char *text = colon ? file_text(in, err, (size_t)(colon - err)) : NULL;
	check(text != NULL);
	const char *d = colon + 1;
	size_t digits = strspn(d, "0123456789");
	check(digits > 0 && digits < 10 && d[0] != '0');
	check(d[digits] == ':' && d[digits + 1] == ' ' && d[digits + 2] != '\0');
	unsigned long max = lines(text);
	check(!max || strtoul(d, NULL, 10) <= max);
}

static struct tmpl_catalog *load_catalog(const struct input *in, char *err)
{
	if (!in->part[CAT_XML])
		return NULL;
	memset(err, 'x', ERR_SIZE);
	struct tmpl_catalog *cat = tmpl_catalog_load(dir, "cat.xml", err, ERR_SIZE);
	if (cat)
		check(err[0] == '\0');
	else
		check_error(in, err);
	return cat;
}

static struct tmpl *load(const struct input *in, const struct tmpl_catalog *cat,
                         char *err)
{
	memset(err, 'x', ERR_SIZE);
	struct tmpl *t = in->part[CAT_XML] ? tmpl_load_with(dir, "t.xml", cat, err, ERR_SIZE) :
		tmpl_load(dir, "t.xml", err, ERR_SIZE);
	if (t)
		check(err[0] == '\0');
	else
		check_error(in, err);
	return t;
}

/* ---- the values a render sees ----------------------------------------- */

/* A row: the hostile values again, its index, and the list names as plain
 * values, so that a t:each inside a row finds no list - nested loops over
 * the same rows would grow the output exponentially with the template. */
static void fill_row(struct tmpl_vars *r, int i, const struct input *in)
{
	tmpl_set(r, "a", MARKER);
	tmpl_set(r, "u", PAYLOAD);
	tmpl_seti(r, "i", i);
	tmpl_set(r, "l", "");
	tmpl_set(r, "m", "");
	if (in->part[VALUE])
		tmpl_setn(r, "v", in->part[VALUE], in->len[VALUE]);
}

static void fill(struct tmpl_vars *v, const struct input *in)
{
	static const char *const values[][2] = {
		{ "a", MARKER },
		{ "q", "\"double\" & 'single' <b>" },
		{ "u", PAYLOAD },
		{ "U", " \t\x01JaVaScRiPt:alert(1)" },
		{ "w", "java\nscript:alert(1)" },
		{ "h", "https://example.org/?a=1&b=<2>" },
		{ "n", "1" }, { "z", "0" }, { "e", "" },
		{ "t", "Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x9cx\xe2\x80\x9d \xe2\x80\xa8 \xf0\x9f\x98\x80" },
		{ "c", "tab\tlf\ncr\rdel\x7f ctl\x01\x1f" },
		{ "x_html", "<p>raw <b>bold</b> &amp; <br></p>" },
	};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++)
		tmpl_set(v, values[i][0], values[i][1]);
	tmpl_setn(v, "nul", "a\0b<", 4);
	if (in->part[VALUE])
		tmpl_setn(v, "v", in->part[VALUE], in->len[VALUE]);
	fill_row(tmpl_add(v, "l"), 0, in);
	fill_row(tmpl_add(v, "l"), 1, in);
	fill_row(tmpl_add(v, "m"), 0, in);
}

/* ---- the output ------------------------------------------------------- */

struct out {
	const char *s;
	size_t n;
	bool xml;               /* XML output: it opens with the declaration */
	bool url_check;
};

static bool at(const struct out *o, size_t i, const char *what)
{
	size_t k = strlen(what);
	return i + k <= o->n && memcmp(o->s + i, what, k) == 0;
}

static bool eq_ci(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]) != b[i])
			return false;
	return true;
}

static bool is_url_attr(const struct out *o, const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof url_attrs / sizeof *url_attrs; i++)
		if (o->xml ? strlen(url_attrs[i]) == n && memcmp(name, url_attrs[i], n) == 0 :
		    eq_ci(name, n, url_attrs[i]))
			return true;
	return false;
}

/* The entity at s[i] is one the engine writes; returns its length. */
static size_t entity(const struct out *o, size_t i)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;" };
	for (size_t k = 0; k < sizeof ents / sizeof *ents; k++)
		if (at(o, i, ents[k]))
			return strlen(ents[k]);
	check(0);
	return 0;
}

/* A URL attribute's value as a browser reads its start: entities decoded,
 * leading C0 controls and spaces stripped, tabs and newlines dropped. */
static void check_url(const struct out *o, size_t i, size_t end)
{
	const char *want = PAYLOAD;
	while (i < end && (unsigned char)o->s[i] <= 0x20)
		i++;
	while (i < end && *want) {
		char ch = o->s[i];
		size_t k = ch == '&' ? entity(o, i) : 1;
		if (k > 1)
			ch = k == 5 && o->s[i + 1] == 'a' ? '&' : k == 6 ? '"' :
				o->s[i + 1] == 'l' ? '<' : '>';
		i += k;
		if (ch == '\t' || ch == '\n' || ch == '\r')
			continue;
		if ((ch >= 'A' && ch <= 'Z' ? ch + 32 : ch) != *want)
			return;
		want++;
	}
	check(*want != '\0');
}

/* ` name="value"` at s[i]; returns the index after it. */
static size_t check_attr(const struct out *o, size_t i)
{
	size_t name = ++i;
	while (i < o->n && !strchr(" \t\n\r=\"'<>/&", o->s[i]))
		i++;
	check(i > name && at(o, i, "=\""));
	size_t value = i + 2, end = value;
	while (end < o->n && o->s[end] != '"') {
		check(o->s[end] != '<');
		end += o->s[end] == '&' ? entity(o, end) : 1;
	}
	check(end < o->n);
	if (o->url_check && is_url_attr(o, o->s + name, i - name))
		check_url(o, value, end);
	return end + 1;
}

/* An HTML <script>'s content, up to its end tag, holds no '<'. */
static size_t skip_script(const struct out *o, size_t i, const char *name, size_t n)
{
	for (; i < o->n && o->s[i] != '<'; i++)
		;
	check(at(o, i, "</") && i + 2 + n < o->n && memcmp(o->s + i + 2, name, n) == 0 &&
	      o->s[i + 2 + n] == '>');
	return i;
}

/* A tag at s[i] == '<'; returns the index after it. */
static size_t check_tag(const struct out *o, size_t i)
{
	if (i == 0 && !o->xml && at(o, i, "<!DOCTYPE html>"))
		return 15;
	if (i == 0 && o->xml && at(o, i, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
		return 38;
	bool end_tag = at(o, i, "</");
	size_t name = i + 1 + end_tag;
	i = name;
	while (i < o->n && !strchr(" \t\n\r=\"'<>/&", o->s[i]))
		i++;
	size_t n = i - name;
	check(n > 0);
	while (!end_tag && i < o->n && o->s[i] == ' ')
		i = check_attr(o, i);
	if (o->xml && !end_tag && at(o, i, "/>"))
		return i + 2;
	check(at(o, i, ">"));
	if (!o->xml && !end_tag && eq_ci(o->s + name, n, "script"))
		return skip_script(o, i + 1, o->s + name, n);
	return i + 1;
}

static void check_markup(const struct out *o)
{
	for (size_t i = 0; i < o->n;) {
		if (o->s[i] == '<')
			i = check_tag(o, i);
		else if (o->s[i] == '&')
			i += entity(o, i);
		else
			i++;
	}
}

static void check_output(const struct input *in, const struct buf *b)
{
	struct out o = { b->data, b->len, false, in->url_check };
	check(strlen(o.s) == o.n);
	if (in->utf8)
		check(utf8_valid((const unsigned char *)o.s, o.n));
	check(strstr(o.s, MARKER) == NULL);
	o.xml = at(&o, 0, "<?xml ");
	check_markup(&o);
}

/* Render, then clear the values, set them again and render after a prefix:
 * the same bytes both times. */
static void render_twice(const struct tmpl *t, const struct input *in)
{
	struct tmpl_vars *v = tmpl_vars_new();
	struct buf a = BUF_INIT, b = BUF_INIT;
	fill(v, in);
	tmpl_render(t, v, &a);
	check(a.data != NULL);
	check_output(in, &a);
	tmpl_vars_clear(v);
	fill(v, in);
	buf_puts(&b, "x");
	tmpl_render(t, v, &b);
	check(b.len == a.len + 1 && memcmp(b.data + 1, a.data, a.len) == 0);
	buf_free(&a);
	buf_free(&b);
	tmpl_vars_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	char *copy = split(data, size, &in);
	char *err = malloc(ERR_SIZE);   /* its own block: ASan sees an overrun */
	check(err != NULL);
	make_dir();
	for (int i = 0; i < VALUE; i++)
		put_file(files[i], in.part[i], in.len[i]);
	struct tmpl_catalog *cat = load_catalog(&in, err);
	struct tmpl *t = load(&in, cat, err);
	if (t)
		render_twice(t, &in);
	tmpl_free(t);
	tmpl_catalog_free(cat);
	free(err);
	free(copy);
	return 0;
}
