/* ical: RFC 5545 content lines, escaping, the VTIMEZONE, events. */
#include "ical.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "when.h"

/* The octets of s[0..max) that may go on one line: max, or less so that
 * the line ends before a UTF-8 continuation byte (3.1: a fold must not
 * split a multi-octet character). */
static size_t fold_at(const unsigned char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && (s[n] & 0xc0) == 0x80)
		n--;
	return n ? n : max;
}

void ical_line(struct buf *out, const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t max = ICAL_LINE_MAX;
	for (;;) {
		size_t n = fold_at(s, len, max);
		buf_put(out, s, n);
		buf_puts(out, "\r\n");
		s += n;
		len -= n;
		if (!len)
			break;
		/* A continuation starts with one space, which counts (3.1). */
		buf_putc(out, ' ');
		max = ICAL_LINE_MAX - 1;
	}
}

void ical_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == ';' || c == ',') {
			buf_putc(out, '\\');
			buf_putc(out, (char)c);
		} else if (c == '\n') {
			buf_puts(out, "\\n");
		} else if (c == '\r') {
			if (s[1] != '\n')
				buf_puts(out, "\\n");
		} else if (c >= 0x20 && c != 0x7f) {
			buf_putc(out, (char)c);
		} else if (c == '\t') {
			buf_putc(out, ' ');
		}
		/* other CONTROLs are not allowed in TEXT (3.3.11): dropped */
	}
}

/* NAME:value, the value already in its final form. */
static void prop(struct buf *out, const char *name, const char *value)
{
	struct buf l = BUF_INIT;
	buf_printf(&l, "%s:%s", name, value);
	ical_line(out, l.data, l.len);
	buf_free(&l);
}

/* A language tag as a parameter value may carry it unquoted: letters,
 * digits and "-" only (none of 3.1's ";", ":", ",", DQUOTE or CONTROL). */
static int lang_tag(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > ICAL_LANG_MAX)
		return 0;
	for (; *s; s++) {
		if (!(*s == '-' || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return 0;
	}
	return 1;
}

void ical_text_lang(struct buf *out, const char *name, const char *lang,
		const char *text)
{
	struct buf l = BUF_INIT;
	if (!text || !*text)
		return;
	buf_puts(&l, name);
	if (lang_tag(lang))
		buf_printf(&l, ";LANGUAGE=%s", lang);
	buf_putc(&l, ':');
	ical_escape(&l, text);
	ical_line(out, l.data, l.len);
	buf_free(&l);
}

void ical_text(struct buf *out, const char *name, const char *text)
{
	ical_text_lang(out, name, NULL, text);
}

/* Central European Time as the EU has kept it since 1996: summer time
 * from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC.  The dates of a symposium's site all fall after 1996. */
static const char *const vtimezone[] = {
	"BEGIN:VTIMEZONE", ("TZID:" WHEN_ZONE),   /* one element (clang asks) */
	"BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
	"DTSTART:19960331T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
	"DTSTART:19961027T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
};

void ical_begin(struct buf *out, const char *prodid)
{
	ical_line(out, "BEGIN:VCALENDAR", 15);
	ical_line(out, "VERSION:2.0", 11);
	ical_text(out, "PRODID", prodid);
	ical_line(out, "CALSCALE:GREGORIAN", 18);
	ical_line(out, "METHOD:PUBLISH", 14);
	for (size_t i = 0; i < sizeof vtimezone / sizeof *vtimezone; i++)
		ical_line(out, vtimezone[i], strlen(vtimezone[i]));
}

void ical_end(struct buf *out)
{
	ical_line(out, "END:VCALENDAR", 13);
}

/* "2023-12-05" -> "20231205", or the next day's for an exclusive end
 * (3.6.1: DTEND of a whole-day event is the day after).  0 or -1. */
static int date_value(char out[9], const char *iso, int next_day)
{
	struct tm tm = { .tm_isdst = -1, .tm_hour = 12 };
	char tail;
	if (sscanf(iso, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tail) != 3 ||
	    strlen(iso) != 10)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += next_day;
	if (mktime(&tm) == (time_t)-1)
		return -1;
	return strftime(out, 9, "%Y%m%d", &tm) == 8 ? 0 : -1;
}

static int event_times(struct buf *out, const struct ical_event *e)
{
	char a[32], b[32];
	if (e->starts > 0) {
		if (e->ends <= e->starts)
			return -1;
		when_format(a, sizeof a, e->starts, "%Y%m%dT%H%M%S");
		when_format(b, sizeof b, e->ends, "%Y%m%dT%H%M%S");
		prop(out, "DTSTART;TZID=" WHEN_ZONE, a);
		prop(out, "DTEND;TZID=" WHEN_ZONE, b);
		return 0;
	}
	const char *last = e->date_end && *e->date_end ? e->date_end : e->date_start;
	if (!e->date_start || date_value(a, e->date_start, 0) < 0 ||
	    date_value(b, last, 1) < 0 || strcmp(b, a) <= 0)
		return -1;
	prop(out, "DTSTART;VALUE=DATE", a);
	prop(out, "DTEND;VALUE=DATE", b);
	return 0;
}

/* A URI (3.3.13, RFC 3986) has no space or control character: a value
 * with one, which would break the line or start another, is left out. */
static int uri_chars(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int ical_event(struct buf *out, const struct ical_event *e)
{
	char stamp[32];
	struct tm tm;
	time_t t = (time_t)e->stamp;
	struct buf times = BUF_INIT;
	int rc = event_times(&times, e);
	if (rc == 0 && gmtime_r(&t, &tm)) {
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		ical_line(out, "BEGIN:VEVENT", 12);
		ical_text(out, "UID", e->uid);
		prop(out, "DTSTAMP", stamp);
		buf_put(out, times.data, times.len);
		ical_text_lang(out, "SUMMARY", e->summary_lang, e->summary);
		ical_text_lang(out, "DESCRIPTION", e->description_lang, e->description);
		ical_text(out, "LOCATION", e->location);
		if (uri_chars(e->url))
			prop(out, "URL", e->url);
		ical_line(out, "END:VEVENT", 10);
	} else {
		rc = -1;
	}
	buf_free(&times);
	return rc;
}
