/* libFuzzer target: lib/ical.c, which writes the calendar files of
 * /YEAR/programme.ics and of each session from what admins typed.  For any
 * texts, times and dates:
 *
 *   - every physical line ends in CRLF, holds no other CR or LF and at
 *     most ICAL_LINE_MAX octets, and a continuation starts with one space
 *     (RFC 5545 3.1); when the texts are valid UTF-8, no line ends inside
 *     a character;
 *   - unfolded, the file opens with BEGIN:VCALENDAR and closes with
 *     END:VCALENDAR, has only the properties ical.c writes, and one VEVENT
 *     when ical_event said 0, none when it said -1;
 *   - a TEXT value (3.3.11) has no control character and no unescaped ";"
 *     or ","; unescaped, SUMMARY, DESCRIPTION, LOCATION, UID and PRODID give
 *     back their text with line breaks as one newline, tabs as spaces and
 *     the other control characters dropped, and an empty text writes no
 *     property; URL holds no control character or space;
 *   - the same input gives the same output twice.
 *
 * The input: a flag byte (bit 0: a whole-day event), the start (4 bytes,
 * big-endian Unix seconds, as stored: never negative), the length in
 * minutes (2 bytes), DTSTAMP (4 bytes), then NUL-separated texts: PRODID,
 * UID, SUMMARY, DESCRIPTION, LOCATION, URL, the summary's and the
 * description's language, the first and the last day. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz_check.h"
#include "ical.h"
#include "when.h"

#define HEAD 11
enum { PRODID, UID, SUMMARY, DESCRIPTION, LOCATION, URL, SUMMARY_LANG,
       DESCRIPTION_LANG, DAY_FIRST, DAY_LAST, FIELDS };

static const char *const names[] = {
	"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "TZID",
	"TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "DTSTART", "RRULE", "UID",
	"DTSTAMP", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "URL",
};

static uint32_t be(const uint8_t *p, int n)
{
	uint32_t v = 0;
	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* The text as a calendar program shows it: what ical_escape promises,
 * written out again independently. */
static void expected(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\r' && s[1] == '\n')
			continue;
		if (c == '\r' || c == '\n')
			buf_putc(out, '\n');
		else if (c == '\t')
			buf_putc(out, ' ');
		else if (c >= 0x20 && c != 0x7f)
			buf_putc(out, (char)c);
	}
}

/* A TEXT value unescaped into out; 0 when it breaks 3.3.11. */
static int unescape(struct buf *out, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f || c == ';' || c == ',')
			return 0;
		if (c != '\\') {
			buf_putc(out, (char)c);
			continue;
		}
		if (++i == n)
			return 0;
		if (v[i] == 'n' || v[i] == 'N')
			buf_putc(out, '\n');
		else if (v[i] == '\\' || v[i] == ';' || v[i] == ',')
			buf_putc(out, v[i]);
		else
			return 0;
	}
	return 1;
}

/* The physical lines: CRLF-ended, short, no stray CR or LF; unfolded into
 * logical lines, each ending in '\n'. */
static void unfold(const char *s, size_t n, int utf8, struct buf *logical)
{
	check(n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n');
	for (size_t i = 0; i < n;) {
		const char *end = memchr(s + i, '\r', n - i);
		check(end && end[1] == '\n');
		size_t len = (size_t)(end - (s + i));
		check(len <= ICAL_LINE_MAX && memchr(s + i, '\n', len) == NULL);
		if (utf8)
			check(utf8_valid((const unsigned char *)s + i, len));
		if (s[i] == ' ') {
			check(i > 0 && logical->len > 0);
			logical->len--;                 /* the previous line's '\n' */
			buf_put(logical, s + i + 1, len - 1);
		} else {
			check(len > 0);
			buf_put(logical, s + i, len);
		}
		buf_putc(logical, '\n');
		i += len + 2;
	}
}

static int known(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return 1;
	return 0;
}

/* Which input text a property carries, or -1. */
static int text_of(const char *name, size_t n)
{
	static const struct { const char *name; int field; } texts[] = {
		{ "PRODID", PRODID }, { "UID", UID }, { "SUMMARY", SUMMARY },
		{ "DESCRIPTION", DESCRIPTION }, { "LOCATION", LOCATION },
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		if (strlen(texts[i].name) == n && memcmp(texts[i].name, name, n) == 0)
			return texts[i].field;
	return -1;
}

static void check_property(const char *l, size_t n, const char *const *f, int *seen)
{
	size_t name_len = strcspn(l, ";:");
	const char *colon = memchr(l, ':', n);
	check(colon != NULL && name_len <= n && known(l, name_len));
	const char *v = colon + 1;
	size_t vn = n - (size_t)(v - l);
	int t = text_of(l, name_len);
	if (name_len == 3 && memcmp(l, "URL", 3) == 0) {
		for (size_t i = 0; i < vn; i++)
			check((unsigned char)v[i] > 0x20 && v[i] != 0x7f);
	}
	if (t < 0)
		return;
	struct buf got = BUF_INIT, want = BUF_INIT;
	check(unescape(&got, v, vn));
	expected(&want, f[t] ? f[t] : "");
	check(got.len == want.len && (!got.len || memcmp(got.data, want.data, got.len) == 0));
	seen[t]++;
	buf_free(&got);
	buf_free(&want);
}

static void check_calendar(const struct buf *out, int rc, const char *const *f, int utf8)
{
	struct buf logical = BUF_INIT;
	int seen[FIELDS] = { 0 }, events = 0;
	unfold(out->data, out->len, utf8, &logical);
	buf_putc(&logical, '\0');
	const char *l = logical.data;
	check(strncmp(l, "BEGIN:VCALENDAR\n", 16) == 0);
	check(logical.len >= 16 && strcmp(l + logical.len - 15, "END:VCALENDAR\n") == 0);
	for (const char *nl; (nl = strchr(l, '\n')); l = nl + 1) {
		size_t n = (size_t)(nl - l);
		check_property(l, n, f, seen);
		events += n == 12 && memcmp(l, "BEGIN:VEVENT", 12) == 0;
	}
	check(events == (rc == 0));
	/* each text once when it is not empty (an event's only with the event) */
	for (int t = PRODID; t <= LOCATION; t++) {
		int written = t == PRODID || rc == 0;
		check(seen[t] == (written && f[t] && *f[t]));
	}
	buf_free(&logical);
}

static int calendar(struct buf *out, const char *const *f, const struct ical_event *e)
{
	ical_begin(out, f[PRODID]);
	int rc = ical_event(out, e);
	ical_end(out);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int zone;
	if (!zone) {
		check(when_zone_init() == 0);
		zone = 1;
	}
	if (size < HEAD)
		return 0;
	char *texts = malloc(size - HEAD + 1);
	check(texts != NULL);
	memcpy(texts, data + HEAD, size - HEAD);
	texts[size - HEAD] = '\0';
	const char *f[FIELDS] = { NULL };
	const char *p = texts, *end = texts + (size - HEAD);
	for (int i = 0; i < FIELDS && p <= end; i++, p += strlen(p) + 1)
		f[i] = p;
	int utf8 = utf8_valid((const unsigned char *)data + HEAD, size - HEAD);

	struct ical_event e = {
		.uid = f[UID], .summary = f[SUMMARY], .description = f[DESCRIPTION],
		.location = f[LOCATION], .url = f[URL], .stamp = be(data + 7, 4),
		.summary_lang = f[SUMMARY_LANG], .description_lang = f[DESCRIPTION_LANG],
	};
	if (data[0] & 1) {
		e.date_start = f[DAY_FIRST];
		e.date_end = f[DAY_LAST];
	} else {
		e.starts = be(data + 1, 4);
		e.ends = e.starts + 60LL * be(data + 5, 2);
	}
	struct buf a = BUF_INIT, b = BUF_INIT;
	int rc = calendar(&a, f, &e);
	check(rc == 0 || rc == -1);
	check_calendar(&a, rc, f, utf8);
	check(calendar(&b, f, &e) == rc);
	check(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	buf_free(&a);
	buf_free(&b);
	free(texts);
	return 0;
}
