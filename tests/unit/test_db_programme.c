/* Tests of lib/db_programme.c against a fresh database from schema.sql:
 * sessions in order and by day in Europe/Berlin (both seasons), the German
 * title with its fallback (the session's own, its talk's when it bears
 * the talk's title, else the English one), what the public never sees, the registration's
 * three states and the times that flip them, and the admin's writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_admin.h"
#include "db_programme.h"
#include "tmpl.h"
#include "render_fixture.h"
#include "when.h"
#include "testdb.h"

static char dir[] = "/tmp/test_db_programme.XXXXXX";
static char dbpath[sizeof dir + 16];

/* 2023-12-05 09:30 CET and 2099-06-10 09:00 CEST, as Unix seconds. */
#define WINTER 1701765000LL
#define SUMMER 4084758000LL
/* 2024-12-05 09:00 CET: edition 2024, whose sessions present talks. */
#define TALKS_DAY "1733385600"

static int group_setup(void **state)
{
	(void)state;
	when_zone_init();
	if (testdb_create(dir, dbpath, sizeof dbpath,
		"INSERT INTO site (id, name, changed_at) VALUES (1, 'Test', 1000);"
		"INSERT INTO edition (id, year, title, starts, published) VALUES"
		" (1, 2023, 'Past', '2023-12-05', 1), (2, 2099, 'Future', '2099-06-10', 1),"
		" (3, 2098, 'Hidden', '2098-01-01', 0);"
		"INSERT INTO presentation (id, edition_id, position, slug, title, speakers, created_at)"
		" VALUES (1, 1, 1, 'talk', 'Talk', 'S', 0), (2, 2, 1, 'other', 'Other', 'S', 0);"
		"INSERT INTO video (id, edition_id, position, title, url, created_at)"
		" VALUES (1, 1, 1, 'V', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 0);"
		"INSERT INTO programme_session (id, edition_id, starts_at, ends_at, title, title_de,"
		" speakers, room, presentation_id, video_id, created_at) VALUES"
		" (10, 1, 1701792000, 1701795600, 'Late', '', '', 'Hall', NULL, NULL, 0),"
		" (11, 1, 1701765000, 1701767700, 'Keynote', 'Hauptvortrag', 'A, B', 'Hall', 1, 1, 0),"
		" (12, 1, 1701851400, 1701855000, 'Day two', '', '', '', NULL, NULL, 0),"
		" (13, 1, 1701770000, 1701771000, 'Trashed', '', '', '', NULL, NULL, 0),"
		" (20, 2, 4084758000, 4084761600, 'Summer', '', '', '', NULL, NULL, 0),"
		" (30, 3, 4053000000, 4053003600, 'Unpublished', '', '', '', NULL, NULL, 0);"
		"UPDATE programme_session SET deleted_at = 5 WHERE id = 13;"
		/* 2024: a talk with a German title and one without; sessions
		 * named after them, one named otherwise, one with its own. */
		"INSERT INTO edition (id, year, title, starts, published) VALUES"
		" (4, 2024, 'Talks', '2024-12-05', 1);"
		"INSERT INTO presentation (id, edition_id, position, slug, title, title_de, speakers,"
		" created_at) VALUES (3, 4, 1, 'named', 'Named talk', 'Benannter Vortrag', 'S', 0),"
		" (4, 4, 2, 'plain', 'Plain talk', '', 'S', 0);"
		"INSERT INTO programme_session (id, edition_id, starts_at, ends_at, title, title_de,"
		" presentation_id, created_at) VALUES"
		" (40, 4, " TALKS_DAY ", " TALKS_DAY " + 600, 'Named talk', '', 3, 0),"
		" (41, 4, " TALKS_DAY " + 600, " TALKS_DAY " + 1200, 'Keynote: Named talk', '', 3, 0),"
		" (42, 4, " TALKS_DAY " + 1200, " TALKS_DAY " + 1800, 'Plain talk', '', 4, 0),"
		" (43, 4, " TALKS_DAY " + 1800, " TALKS_DAY " + 2400, 'Named talk', 'Eigener Titel', 3, 0);") < 0)
		return -1;
	return db_open(dbpath, DB_READWRITE);
}

static int group_teardown(void **state)
{
	(void)state;
	db_close();
	return testdb_remove(dir);
}

/* Lists are only visible through a template: render `body` with v. */
static const char *render(const struct tmpl_vars *v, const char *body)
{
	return fixture_render(dir, v, body);
}

static void test_sessions_in_order_by_day_in_berlin_time(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_sessions(v, 2023, "en", "s"), 3);
	assert_string_equal(render(v, "<t:block t:each=\"s\">${session_id} ${new_day} ${day} "
		"${start_text}-${end_text} ${title};</t:block>"),
		"11 1 2023-12-05 09:30-10:15 Keynote;"
		"10 0 2023-12-05 17:00-18:00 Late;"
		"12 1 2023-12-06 09:30-10:30 Day two;");
	assert_string_equal(render(v, "<t:block t:each=\"s\">${start_iso} ${day_text} ${ics_url};</t:block>"),
		"2023-12-05T08:30:00Z 5 December 2023 /2023/programme/11.ics;"
		"2023-12-05T16:00:00Z 5 December 2023 /2023/programme/10.ics;"
		"2023-12-06T08:30:00Z 6 December 2023 /2023/programme/12.ics;");
	tmpl_vars_free(v);
}

static void test_summer_time_is_two_hours_ahead(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_sessions(v, 2099, "en", "s"), 1);
	assert_string_equal(render(v, "<t:block t:each=\"s\">${start_text} ${start_iso}</t:block>"),
		"09:00 2099-06-10T07:00:00Z");
	tmpl_vars_free(v);
}

static void test_german_title_and_its_fallback(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_sessions(v, 2023, "de", "s"), 3);
	assert_string_equal(render(v, "<t:block t:each=\"s\">${title}/${title_lang}/${day_text};</t:block>"),
		"Hauptvortrag//5. Dezember 2023;Late/en/5. Dezember 2023;Day two/en/6. Dezember 2023;");
	tmpl_vars_free(v);
}

static void test_session_named_after_its_talk_takes_the_talks_german_title(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_sessions(v, 2024, "de", "s"), 4);
	assert_string_equal(render(v, "<t:block t:each=\"s\">${title}/${title_lang};</t:block>"),
		"Benannter Vortrag/;Keynote: Named talk/en;Plain talk/en;Eigener Titel/;");
	tmpl_vars_free(v);
	v = tmpl_vars_new();
	assert_int_equal(db_programme_sessions(v, 2024, "en", "s"), 4);
	assert_string_equal(render(v, "<t:block t:each=\"s\">${title}/${title_lang};</t:block>"),
		"Named talk/;Keynote: Named talk/;Plain talk/;Named talk/;");
	tmpl_vars_free(v);
}

static void test_german_page_links_the_german_calendar_files(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_sessions(v, 2024, "de", "s"), 4);
	assert_string_equal(render(v, "<t:block t:each=\"s\">${ics_url};</t:block>"),
		"/de/2024/programme/40.ics;/de/2024/programme/41.ics;"
		"/de/2024/programme/42.ics;/de/2024/programme/43.ics;");
	tmpl_vars_free(v);
}

static void test_one_session_in_either_language(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_session(v, 2024, 40, "de"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "title"), "Benannter Vortrag");
	assert_string_equal(tmpl_get(v, "title_lang"), "");
	tmpl_vars_clear(v);
	assert_int_equal(db_programme_session(v, 2024, 42, "de"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "title"), "Plain talk");
	assert_string_equal(tmpl_get(v, "title_lang"), "en");
	tmpl_vars_clear(v);
	assert_int_equal(db_programme_session(v, 2024, 40, "en"), DB_FOUND);
	assert_string_equal(tmpl_get(v, "title"), "Named talk");
	assert_string_equal(tmpl_get(v, "title_lang"), "");
	tmpl_vars_free(v);
}

static void test_links_to_slides_and_video(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_session(v, 2023, 11, "en"), DB_FOUND);
	/* The talk has no slides: no link; the video is there. */
	assert_string_equal(tmpl_get(v, "slides_url"), "");
	assert_string_equal(tmpl_get(v, "video_url"), "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
	assert_string_equal(tmpl_get(v, "starts_at"), "1701765000");
	tmpl_vars_free(v);
}

static void test_public_never_sees_trash_unpublished_or_other_edition(void **state)
{
	(void)state;
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_session(v, 2023, 13, "en"), DB_MISSING);   /* trash */
	assert_int_equal(db_programme_session(v, 2098, 30, "en"), DB_MISSING);   /* unpublished */
	assert_int_equal(db_programme_session(v, 2023, 20, "de"), DB_MISSING);   /* 2099's */
	assert_int_equal(db_programme_sessions(v, 2098, "en", "s"), 0);
	assert_int_equal(db_programme_span(v, 2098), DB_MISSING);
	assert_int_equal(db_programme_span(v, 2023), DB_FOUND);
	assert_string_equal(tmpl_get(v, "session_count"), "3");
	assert_string_equal(tmpl_get(v, "first_start"), "1701765000");
	assert_string_equal(tmpl_get(v, "last_end"), "1701855000");
	tmpl_vars_free(v);
}

static const char *reg_state(int year, time_t now)
{
	static char out[16];
	struct tmpl_vars *v = tmpl_vars_new();
	enum db_result rc = db_programme_registration(v, year, "en", now);
	snprintf(out, sizeof out, "%s", rc == DB_FOUND ? tmpl_get(v, "registration_state") :
		 rc == DB_MISSING ? "none" : "failed");
	tmpl_vars_free(v);
	return out;
}

static void test_registration_states_by_the_clock(void **state)
{
	(void)state;
	assert_string_equal(reg_state(2099, 1000), "none");
	assert_int_equal(db_programme_registration_save(2, "https://example.org/r", 2000, 3000), 0);
	assert_string_equal(reg_state(2099, 1999), "notyet");
	assert_string_equal(reg_state(2099, 2000), "open");
	assert_string_equal(reg_state(2099, 2999), "open");
	assert_string_equal(reg_state(2099, 3000), "closed");
	/* Open-ended, but an edition that has ended closes it. */
	assert_int_equal(db_programme_registration_save(2, "https://example.org/r", 0, 0), 0);
	assert_string_equal(reg_state(2099, 5), "open");
	assert_string_equal(reg_state(2099, 4085000000), "closed");
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_registration_save(2, "https://example.org/r", 1701765000, 0), 0);
	assert_int_equal(db_programme_registration(v, 2099, "en", 1), DB_FOUND);
	assert_string_equal(tmpl_get(v, "opens_text"), "5 December 2023, 09:30");
	assert_string_equal(tmpl_get(v, "registration_notyet"), "1");
	assert_string_equal(tmpl_get(v, "closes_text"), "");
	tmpl_vars_free(v);
	assert_int_equal(db_programme_registration_save(2, "", 0, 0), 0);
	assert_string_equal(reg_state(2099, 1000), "none");
}

/* Without a closing time, registration closes when the edition's last
 * day ends in Berlin: 23:30 there is still open, 00:30 closed - in winter
 * (CET, 23:30 UTC is already the next Berlin day) and in summer (CEST). */
static void test_registration_closes_at_berlin_midnight(void **state)
{
	(void)state;
	/* 2023-12-05 (no end date) and 2099-06-10, both one-day editions. */
	assert_int_equal(db_programme_registration_save(1, "https://example.org/r", 0, 0), 0);
	assert_int_equal(db_programme_registration_save(2, "https://example.org/r", 0, 0), 0);
	assert_string_equal(reg_state(2023, 1701815400), "open");    /* 12-05 23:30 CET */
	assert_string_equal(reg_state(2023, 1701817199), "open");    /* 23:59:59 */
	assert_string_equal(reg_state(2023, 1701817200), "closed");  /* 12-06 00:00 */
	assert_string_equal(reg_state(2023, 1701819000), "closed");  /* 00:30 = 23:30 UTC */
	assert_string_equal(reg_state(2099, 4084810200), "open");    /* 06-10 23:30 CEST */
	assert_string_equal(reg_state(2099, 4084813800), "closed");  /* 06-11 00:30 = 22:30 UTC */
	assert_int_equal(db_programme_registration_save(1, "", 0, 0), 0);
	assert_int_equal(db_programme_registration_save(2, "", 0, 0), 0);
}

static void test_due_counts_the_times_passed(void **state)
{
	(void)state;
	time_t next;
	assert_int_equal(db_programme_registration_save(2, "https://example.org/r", 2000, 3000), 0);
	assert_int_equal(db_programme_due(1999, &next), 0);
	assert_int_equal(next, 2000);
	assert_int_equal(db_programme_due(2000, &next), 1);
	assert_int_equal(next, 3000);
	assert_int_equal(db_programme_due(3000, &next), 2);
	assert_int_equal(next, 0);
	assert_int_equal(db_programme_registration_save(2, "", 0, 0), 0);
}

static void test_registration_refuses_other_schemes_and_bad_order(void **state)
{
	(void)state;
	assert_int_equal(db_programme_registration_save(2, "javascript:alert(1)", 0, 0), -1);
	assert_int_equal(db_programme_registration_save(2, "https://x.org", 3000, 2000), -1);
	assert_string_equal(reg_state(2099, 1000), "none");
}

static void test_admin_add_update_and_trash(void **state)
{
	(void)state;
	struct db_programme_session s = { .edition_id = 2, .starts_at = SUMMER + 7200,
		.ends_at = SUMMER + 9000, .title = "Added", .room = "R", .presentation_id = 2 };
	long long id = db_programme_add(&s, 1);
	assert_true(id > 0);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_admin_get(v, 2, id), DB_FOUND);
	assert_string_equal(tmpl_get(v, "starts_local"), "2099-06-10T11:00");
	assert_string_equal(tmpl_get(v, "presentation_id"), "2");
	assert_string_equal(tmpl_get(v, "video_id"), "");
	assert_int_equal(db_programme_admin_get(v, 1, id), DB_MISSING);   /* another edition's */
	s.title = "Renamed";
	s.starts_at = SUMMER - 3600;
	assert_int_equal(db_programme_update(id, &s), DB_FOUND);
	assert_int_equal(db_programme_sessions(v, 2099, "en", "s"), 2);
	assert_string_equal(render(v, "<t:block t:each=\"s\">${title};</t:block>"), "Renamed;Summer;");
	/* The schema keeps the end after the start. */
	s.ends_at = s.starts_at;
	assert_int_equal(db_programme_update(id, &s), DB_FAILED);
	assert_int_equal(db_admin_trash(DB_ADMIN_SESSION, 2, id, 7), DB_FOUND);
	assert_int_equal(db_programme_admin_get(v, 2, id), DB_MISSING);
	assert_int_equal(db_admin_item_year(DB_ADMIN_SESSION, id), 2099);
	assert_int_equal(db_admin_restore(DB_ADMIN_SESSION, id), DB_FOUND);
	assert_int_equal(db_admin_move(DB_ADMIN_SESSION, 2, id, 1), DB_MISSING);  /* by time only */
	assert_string_equal(db_admin_kind_name(DB_ADMIN_SESSION), "session");
	tmpl_vars_free(v);
}

static void test_links_only_to_the_editions_own(void **state)
{
	(void)state;
	assert_int_equal(db_programme_talk_of(1, 1), DB_FOUND);
	assert_int_equal(db_programme_talk_of(1, 2), DB_MISSING);
	assert_int_equal(db_programme_video_of(1, 1), DB_FOUND);
	assert_int_equal(db_programme_video_of(2, 1), DB_MISSING);
	assert_int_equal(db_programme_talk_by_slug(1, "talk"), 1);
	assert_int_equal(db_programme_talk_by_slug(1, "other"), 0);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_programme_talk_choices(v, 1, 1, "c"), 1);
	assert_string_equal(render(v, "<t:block t:each=\"c\">${choice_id}:${choice_title}:${choice_selected}</t:block>"),
		"1:Talk (S):1");
	tmpl_vars_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions_in_order_by_day_in_berlin_time),
		cmocka_unit_test(test_summer_time_is_two_hours_ahead),
		cmocka_unit_test(test_german_title_and_its_fallback),
		cmocka_unit_test(test_session_named_after_its_talk_takes_the_talks_german_title),
		cmocka_unit_test(test_german_page_links_the_german_calendar_files),
		cmocka_unit_test(test_one_session_in_either_language),
		cmocka_unit_test(test_links_to_slides_and_video),
		cmocka_unit_test(test_public_never_sees_trash_unpublished_or_other_edition),
		cmocka_unit_test(test_registration_states_by_the_clock),
		cmocka_unit_test(test_registration_closes_at_berlin_midnight),
		cmocka_unit_test(test_due_counts_the_times_passed),
		cmocka_unit_test(test_registration_refuses_other_schemes_and_bad_order),
		cmocka_unit_test(test_admin_add_update_and_trash),
		cmocka_unit_test(test_links_only_to_the_editions_own),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
