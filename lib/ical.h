/* ical: iCalendar files (RFC 5545) for "add to calendar".
 *
 * The template engine writes HTML5 only, so calendar text is made here:
 * content lines end in CRLF and are folded at ICAL_LINE_MAX octets without
 * splitting a UTF-8 sequence (3.1), TEXT values are escaped (3.3.11), and
 * local times carry TZID=WHEN_ZONE with a VTIMEZONE that defines it
 * (3.6.5).  The process must run in WHEN_ZONE (when_zone_init). */
#ifndef ICAL_H
#define ICAL_H

#include "buf.h"

#define ICAL_LINE_MAX 75           /* octets of a content line, CRLF excluded */
#define ICAL_MIME "text/calendar; charset=utf-8"

/* One content line, folded, with its CRLF. */
void ical_line(struct buf *out, const char *line, size_t len);
/* s as an RFC 5545 TEXT value: \ ; , escaped, newlines as \n, other
 * control characters dropped. */
void ical_escape(struct buf *out, const char *s);
/* NAME:TEXT (escaped, folded); nothing when text is empty. */
void ical_text(struct buf *out, const char *name, const char *text);
/* The same with the text's language (3.2.10), NAME;LANGUAGE=lang:TEXT;
 * lang is a language tag (RFC 5646: ICAL_LANG_MAX octets of letters,
 * digits and "-"), left out when NULL, "" or not such a tag. */
#define ICAL_LANG_MAX 35
void ical_text_lang(struct buf *out, const char *name, const char *lang,
		const char *text);

/* BEGIN:VCALENDAR, VERSION, PRODID (prodid), CALSCALE, METHOD:PUBLISH and
 * the VTIMEZONE of WHEN_ZONE; ical_end closes it. */
void ical_begin(struct buf *out, const char *prodid);
void ical_end(struct buf *out);

/* One VEVENT.  Either starts/ends (Unix seconds, shown in WHEN_ZONE) or,
 * for a whole-day event, date_start and date_end ("2023-12-05", the end
 * inclusive; "" for one day).  stamp: DTSTAMP (UTC), the time the data
 * last changed, so that the file stays the same until it does.
 * summary_lang, description_lang: the language of that text ("de", "en"),
 * NULL for a text of no language (a name).  url is left out when it holds
 * a space or a control character (no URI does). */
struct ical_event {
	const char *uid;
	long long starts, ends;
	const char *date_start, *date_end;
	const char *summary, *description, *location, *url;
	long long stamp;
	const char *summary_lang, *description_lang;
};
/* 0, or -1 when the event has no valid time (nothing written). */
int ical_event(struct buf *out, const struct ical_event *e);

#endif
