/* Tests of lib/ical.c and lib/when.c: RFC 5545 folding (75 octets, never
 * inside a UTF-8 sequence), TEXT escaping, events in Europe/Berlin across
 * daylight saving time, whole-day events, and the zone's parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ical.h"
#include "when.h"

/* The lines of out (CRLF-separated): each at most ICAL_LINE_MAX octets,
 * no bare LF; returns how many. */
static int check_lines(const struct buf *out)
{
	int lines = 0;
	size_t start = 0;
	for (size_t i = 0; i < out->len; i++) {
		if (out->data[i] == '\n') {
			assert_true(i > 0 && out->data[i - 1] == '\r');
			assert_true(i - 1 - start <= ICAL_LINE_MAX);
			start = i + 1;
			lines++;
		}
	}
	assert_int_equal(start, out->len);      /* ends with CRLF */
	return lines;
}

/* out unfolded (3.1: CRLF followed by one space goes). */
static void unfold(const struct buf *out, struct buf *u)
{
	for (size_t i = 0; i < out->len; i++) {
		if (out->data[i] == '\r' && i + 2 < out->len && out->data[i + 2] == ' ')
			i += 2;
		else
			buf_putc(u, out->data[i]);
	}
}

static void test_short_line_is_one_line(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	ical_line(&b, "VERSION:2.0", 11);
	assert_string_equal(b.data, "VERSION:2.0\r\n");
	buf_free(&b);
}

static void test_long_line_folds_at_75_octets(void **state)
{
	(void)state;
	char line[200];
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	struct buf b = BUF_INIT, u = BUF_INIT;
	ical_line(&b, line, strlen(line));
	assert_int_equal(check_lines(&b), 3);   /* 75 + 74 + 50 */
	assert_int_equal(strncmp(b.data + 75, "\r\n x", 4), 0);
	unfold(&b, &u);
	assert_int_equal(u.len, strlen(line) + 2);
	assert_int_equal(memcmp(u.data, line, strlen(line)), 0);
	buf_free(&b);
	buf_free(&u);
}

static void test_fold_never_splits_utf8(void **state)
{
	(void)state;
	struct buf line = BUF_INIT, b = BUF_INIT, u = BUF_INIT;
	buf_puts(&line, "SUMMARY:a");            /* 9 octets, then 3-octet "€"s */
	for (int i = 0; i < 40; i++)
		buf_puts(&line, "\xe2\x82\xac");
	ical_line(&b, line.data, line.len);
	check_lines(&b);
	/* Every line after the first starts with the space and a lead byte. */
	for (const char *p = strstr(b.data, "\r\n "); p; p = strstr(p + 1, "\r\n "))
		assert_int_equal((unsigned char)p[3], 0xe2);
	/* The first line: 9 + 22 * 3 = 75 octets exactly. */
	assert_int_equal(strstr(b.data, "\r\n") - b.data, 75);
	unfold(&b, &u);
	assert_int_equal(u.len, line.len + 2);
	buf_free(&line);
	buf_free(&b);
	buf_free(&u);
}

static void test_fold_backs_off_before_a_split_character(void **state)
{
	(void)state;
	struct buf line = BUF_INIT, b = BUF_INIT;
	buf_puts(&line, "SUMMARY:");             /* 8 octets, then "ü"s of 2 */
	for (int i = 0; i < 40; i++)
		buf_puts(&line, "\xc3\xbc");
	ical_line(&b, line.data, line.len);
	/* 8 + 33 * 2 = 74: the 34th "ü" would straddle octet 75. */
	assert_int_equal(strstr(b.data, "\r\n") - b.data, 74);
	check_lines(&b);
	buf_free(&line);
	buf_free(&b);
}

static void test_text_escaping(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	ical_escape(&b, "a,b;c\\d\ne\r\nf\rg\x01h\ti");
	assert_string_equal(b.data, "a\\,b\\;c\\\\d\\ne\\nf\\ngh i");
	buf_free(&b);
}

static void test_text_property_empty_is_left_out(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	ical_text(&b, "LOCATION", "");
	ical_text(&b, "LOCATION", "Room 1, TranslaTUM");
	assert_string_equal(b.data, "LOCATION:Room 1\\, TranslaTUM\r\n");
	buf_free(&b);
}

static void test_text_with_its_language(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	ical_text_lang(&b, "SUMMARY", "de", "Begr\xc3\xbc\xc3\x9fung, Er\xc3\xb6" "ffnung");
	assert_string_equal(b.data, "SUMMARY;LANGUAGE=de:Begr\xc3\xbc\xc3\x9fung\\, Er\xc3\xb6" "ffnung\r\n");
	buf_reset(&b);
	ical_text_lang(&b, "DESCRIPTION", "en-GB", "Two");
	assert_string_equal(b.data, "DESCRIPTION;LANGUAGE=en-GB:Two\r\n");
	buf_reset(&b);
	ical_text_lang(&b, "SUMMARY", "de", "");         /* no text, no line */
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* Only a language tag goes into the parameter: anything that could end
 * it (";", ":", ",", a quote, a line break) or is too long leaves it out
 * rather than inject a parameter or a property. */
static void test_language_that_is_no_tag_is_left_out(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "de;X=1", "de:x", "d\"e", "de\r\nX:1",
		"de,en", "0123456789-0123456789-0123456789-xyz" };
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		buf_reset(&b);
		ical_text_lang(&b, "SUMMARY", bad[i], "S");
		assert_string_equal(b.data, "SUMMARY:S\r\n");
	}
	buf_reset(&b);
	ical_text_lang(&b, "SUMMARY", NULL, "S");
	assert_string_equal(b.data, "SUMMARY:S\r\n");
	buf_free(&b);
}

/* An event's summary and description carry their languages; a long
 * German summary folds with the parameter in its first line. */
static void test_event_texts_carry_their_language(void **state)
{
	(void)state;
	struct buf b = BUF_INIT, u = BUF_INIT;
	struct ical_event e = { .uid = "s3@example.org", .starts = 1701765000,
		.ends = 1701765000 + 2700, .stamp = 1,
		.summary = "Gesundheitsdaten besser nutzen: Leuchtturmprojekt startet seine Cloud",
		.summary_lang = "de", .description = "Dr. A, Dr. B",
		.description_lang = "en" };
	assert_int_equal(ical_event(&b, &e), 0);
	check_lines(&b);
	unfold(&b, &u);
	assert_non_null(strstr(u.data, "\r\nSUMMARY;LANGUAGE=de:Gesundheitsdaten besser nutzen: "
		"Leuchtturmprojekt startet seine Cloud\r\n"));
	assert_non_null(strstr(u.data, "\r\nDESCRIPTION;LANGUAGE=en:Dr. A\\, Dr. B\r\n"));
	buf_reset(&b);
	e.summary_lang = e.description_lang = NULL;
	assert_int_equal(ical_event(&b, &e), 0);
	assert_null(strstr(b.data, "LANGUAGE"));
	buf_free(&b);
	buf_free(&u);
}

static void test_calendar_has_vtimezone(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	ical_begin(&b, "-//Test//EN");
	ical_end(&b);
	check_lines(&b);
	assert_non_null(strstr(b.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	assert_non_null(strstr(b.data, "TZID:Europe/Berlin\r\n"));
	assert_non_null(strstr(b.data, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"));
	assert_non_null(strstr(b.data, "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"));
	assert_non_null(strstr(b.data, "END:VCALENDAR\r\n"));
	buf_free(&b);
}

static void test_winter_event_in_berlin_time(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	/* 2023-12-05 08:30 UTC = 09:30 CET */
	struct ical_event e = { .uid = "s1@example.org", .starts = 1701765000,
		.ends = 1701765000 + 2700, .summary = "Keynote", .stamp = 1701765000 };
	assert_int_equal(ical_event(&b, &e), 0);
	assert_non_null(strstr(b.data, "DTSTART;TZID=Europe/Berlin:20231205T093000\r\n"));
	assert_non_null(strstr(b.data, "DTEND;TZID=Europe/Berlin:20231205T101500\r\n"));
	assert_non_null(strstr(b.data, "DTSTAMP:20231205T083000Z\r\n"));
	assert_non_null(strstr(b.data, "UID:s1@example.org\r\n"));
	buf_free(&b);
}

static void test_summer_event_in_berlin_time(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	/* 2024-07-01 07:00 UTC = 09:00 CEST */
	struct ical_event e = { .uid = "s2@example.org", .starts = 1719817200,
		.ends = 1719817200 + 3600, .summary = "S", .stamp = 1 };
	assert_int_equal(ical_event(&b, &e), 0);
	assert_non_null(strstr(b.data, "DTSTART;TZID=Europe/Berlin:20240701T090000\r\n"));
	buf_free(&b);
}

static void test_whole_day_event_ends_the_day_after(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct ical_event e = { .uid = "e@example.org", .date_start = "2021-03-16",
		.date_end = "2021-03-18", .summary = "S", .stamp = 1 };
	assert_int_equal(ical_event(&b, &e), 0);
	assert_non_null(strstr(b.data, "DTSTART;VALUE=DATE:20210316\r\n"));
	assert_non_null(strstr(b.data, "DTEND;VALUE=DATE:20210319\r\n"));
	buf_reset(&b);
	e.date_start = "2023-12-31";
	e.date_end = "";
	assert_int_equal(ical_event(&b, &e), 0);
	assert_non_null(strstr(b.data, "DTEND;VALUE=DATE:20240101\r\n"));
	buf_free(&b);
}

static void test_event_without_time_refused(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct ical_event e = { .uid = "e@example.org", .date_start = "", .stamp = 1 };
	assert_int_equal(ical_event(&b, &e), -1);
	struct ical_event f = { .uid = "f@example.org", .starts = 100, .ends = 100, .stamp = 1 };
	assert_int_equal(ical_event(&b, &f), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* A URL is written as it is (a URI has nothing to escape), so one with a
 * line break or space, which no URI has, is left out rather than let it
 * start a property of its own. */
static void test_url_with_a_line_break_is_left_out(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct ical_event e = { .uid = "u@example.org", .starts = 1701765000,
		.ends = 1701765000 + 60, .stamp = 1, .url = "https://example.org/2023/programme" };
	assert_int_equal(ical_event(&b, &e), 0);
	assert_non_null(strstr(b.data, "\r\nURL:https://example.org/2023/programme\r\n"));
	const char *bad[] = { "https://example.org/\r\nATTACH:x", "https://example.org/\n",
			      "https://example.org/a b", "https://example.org/\x7f" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		buf_reset(&b);
		e.url = bad[i];
		assert_int_equal(ical_event(&b, &e), 0);
		assert_null(strstr(b.data, "URL"));
		assert_null(strstr(b.data, "ATTACH"));
	}
	buf_free(&b);
}

static void test_parse_local_both_seasons(void **state)
{
	(void)state;
	assert_int_equal(when_parse_local("2023-12-05T09:30"), 1701765000);
	assert_int_equal(when_parse_local("2024-07-01T09:00"), 1719817200);
	assert_int_equal(when_parse_local("2023-02-30T09:00"), -1);
	assert_int_equal(when_parse_local("2023-12-05 09:30"), -1);
	assert_int_equal(when_parse_local("2023-12-05T09:30x"), -1);
	char out[32];
	when_format(out, sizeof out, 1719817200, "%Y-%m-%dT%H:%M");
	assert_string_equal(out, "2024-07-01T09:00");
	when_format(out, sizeof out, 0, "%H:%M");
	assert_string_equal(out, "");
}

int main(void)
{
	when_zone_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_line_is_one_line),
		cmocka_unit_test(test_long_line_folds_at_75_octets),
		cmocka_unit_test(test_fold_never_splits_utf8),
		cmocka_unit_test(test_fold_backs_off_before_a_split_character),
		cmocka_unit_test(test_text_escaping),
		cmocka_unit_test(test_text_property_empty_is_left_out),
		cmocka_unit_test(test_text_with_its_language),
		cmocka_unit_test(test_language_that_is_no_tag_is_left_out),
		cmocka_unit_test(test_event_texts_carry_their_language),
		cmocka_unit_test(test_calendar_has_vtimezone),
		cmocka_unit_test(test_winter_event_in_berlin_time),
		cmocka_unit_test(test_summer_event_in_berlin_time),
		cmocka_unit_test(test_whole_day_event_ends_the_day_after),
		cmocka_unit_test(test_event_without_time_refused),
		cmocka_unit_test(test_url_with_a_line_break_is_left_out),
		cmocka_unit_test(test_parse_local_both_seasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
