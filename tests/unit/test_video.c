/* Tests of lib/video.c: each common spelling of a YouTube or Vimeo
 * address to its normal form, start times, and what is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "video.h"

#define W "https://www.youtube.com/watch?v="

/* url's normal form, or "REFUSED". */
static const char *norm(const char *url)
{
	static char out[VIDEO_URL_MAX + 64];
	if (video_normalise(url, out, sizeof out) < 0)
		strcpy(out, "REFUSED");
	return out;
}

static void test_watch_link_is_already_normal(void **state)
{
	(void)state;
	assert_string_equal(norm(W "dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_watch_without_www_and_over_http(void **state)
{
	(void)state;
	assert_string_equal(norm("http://youtube.com/watch?v=dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_without_scheme(void **state)
{
	(void)state;
	assert_string_equal(norm("www.youtube.com/watch?v=dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_host_in_capitals(void **state)
{
	(void)state;
	assert_string_equal(norm("https://WWW.YouTube.com/watch?v=dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_mobile_host(void **state)
{
	(void)state;
	assert_string_equal(norm("https://m.youtube.com/watch?v=dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_v_not_first_parameter(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_youtu_be_share_link_drops_si(void **state)
{
	(void)state;
	assert_string_equal(norm("https://youtu.be/dQw4w9WgXcQ?si=AbCdEfGh12345678"), W "dQw4w9WgXcQ");
}

static void test_youtu_be_with_t_query(void **state)
{
	(void)state;
	assert_string_equal(norm("https://youtu.be/dQw4w9WgXcQ?si=x1&t=42"), W "dQw4w9WgXcQ&t=42s");
}

static void test_watch_with_t_and_seconds_unit(void **state)
{
	(void)state;
	assert_string_equal(norm(W "dQw4w9WgXcQ&t=90s"), W "dQw4w9WgXcQ&t=90s");
}

static void test_t_in_hours_minutes_seconds(void **state)
{
	(void)state;
	assert_string_equal(norm(W "dQw4w9WgXcQ&t=1h2m3s"), W "dQw4w9WgXcQ&t=3723s");
}

static void test_start_parameter(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/embed/dQw4w9WgXcQ?start=75"), W "dQw4w9WgXcQ&t=75s");
}

static void test_t_without_unit_after_unit_refused(void **state)
{
	(void)state;
	assert_string_equal(norm(W "dQw4w9WgXcQ&t=1m30"), "REFUSED");
}

static void test_t_beyond_a_day_refused(void **state)
{
	(void)state;
	assert_string_equal(norm(W "dQw4w9WgXcQ&t=25h"), "REFUSED");
}

static void test_live_link(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/live/dQw4w9WgXcQ?si=abc"), W "dQw4w9WgXcQ");
}

static void test_shorts_link(void **state)
{
	(void)state;
	assert_string_equal(norm("https://youtube.com/shorts/dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_nocookie_embed(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"), W "dQw4w9WgXcQ");
}

static void test_watch_in_a_playlist_keeps_the_list(void **state)
{
	(void)state;
	assert_string_equal(norm(W "dQw4w9WgXcQ&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG&index=2"),
			    W "dQw4w9WgXcQ&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG");
}

static void test_playlist_link(void **state)
{
	(void)state;
	assert_string_equal(norm("https://youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG&si=q"),
			    "https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG");
}

static void test_channel_handle(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/@DigiMedBayern"), "https://www.youtube.com/@DigiMedBayern");
}

static void test_channel_handle_tab_dropped(void **state)
{
	(void)state;
	assert_string_equal(norm("https://youtube.com/@digimed.bayern/videos"), "https://www.youtube.com/@digimed.bayern");
}

static void test_channel_id(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw"),
			    "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw");
}

static void test_search_of_the_demo(void **state)
{
	(void)state;
	const char *u = "https://www.youtube.com/results?search_query=DigiMed+Bayern+Symposium+2023";
	assert_string_equal(norm(u), u);
}

static void test_search_with_percent_escape(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/results?search_query=M%C3%BCnchen"),
			    "https://www.youtube.com/results?search_query=M%C3%BCnchen");
}

static void test_search_with_markup_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/results?search_query=%22%3E<b>"), "REFUSED");
}

static void test_vimeo_link(void **state)
{
	(void)state;
	assert_string_equal(norm("https://vimeo.com/76979871"), "https://vimeo.com/76979871");
}

static void test_vimeo_player_link(void **state)
{
	(void)state;
	assert_string_equal(norm("https://player.vimeo.com/video/76979871?h=8272103f6e&autoplay=1"),
			    "https://vimeo.com/76979871/8272103f6e");
}

static void test_vimeo_start_time(void **state)
{
	(void)state;
	assert_string_equal(norm("https://vimeo.com/76979871#t=1m5s"), "https://vimeo.com/76979871#t=65s");
}

static void test_vimeo_channel_link(void **state)
{
	(void)state;
	assert_string_equal(norm("https://vimeo.com/channels/staffpicks/76979871"), "https://vimeo.com/76979871");
}

static void test_short_id_refused(void **state)
{
	(void)state;
	assert_string_equal(norm(W "dQw4w9WgXc"), "REFUSED");
}

static void test_id_with_other_characters_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://youtu.be/dQw4w9W%22Xc"), "REFUSED");
}

static void test_other_host_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ"), "REFUSED");
}

static void test_user_info_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ"), "REFUSED");
}

static void test_other_scheme_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("javascript://youtube.com/watch?v=dQw4w9WgXcQ"), "REFUSED");
}

static void test_youtube_home_refused(void **state)
{
	(void)state;
	assert_string_equal(norm("https://www.youtube.com/"), "REFUSED");
}

static void test_too_long_refused(void **state)
{
	(void)state;
	char u[2 * VIDEO_URL_MAX];
	snprintf(u, sizeof u, W "dQw4w9WgXcQ&x=%0*d", VIDEO_URL_MAX, 0);
	assert_string_equal(norm(u), "REFUSED");
}

static void test_start_time_parsed(void **state)
{
	(void)state;
	struct video v;
	assert_int_equal(video_parse("https://youtu.be/dQw4w9WgXcQ?t=1m30s", &v), 0);
	assert_int_equal(v.start, 90);
	assert_int_equal(v.kind, VIDEO_YOUTUBE);
}

static void test_start_text(void **state)
{
	(void)state;
	char t[16];
	video_start_text(90, t);
	assert_string_equal(t, "1:30");
	video_start_text(3723, t);
	assert_string_equal(t, "1:02:03");
	video_start_text(0, t);
	assert_string_equal(t, "");
}

static void test_site_names(void **state)
{
	(void)state;
	assert_string_equal(video_site(VIDEO_VIMEO), "Vimeo");
	assert_string_equal(video_site(VIDEO_YOUTUBE_PLAYLIST), "YouTube");
}

static void test_small_buffer_refused(void **state)
{
	(void)state;
	char out[20];
	assert_int_equal(video_normalise(W "dQw4w9WgXcQ", out, sizeof out), -1);
}

/* The player's address for url, or "REFUSED". */
static const char *embed(const char *url)
{
	static char out[VIDEO_URL_MAX + 64];
	struct video v;
	if (video_parse(url, &v) < 0 || video_embed_url(&v, out, sizeof out) < 0)
		strcpy(out, "REFUSED");
	return out;
}

static void test_embed_youtube_without_cookies(void **state)
{
	(void)state;
	assert_string_equal(embed("https://youtu.be/dQw4w9WgXcQ?si=abc&t=90"),
			    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90");
	assert_string_equal(embed(W "dQw4w9WgXcQ&list=PL123"),
			    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?list=PL123");
}

static void test_embed_playlist(void **state)
{
	(void)state;
	assert_string_equal(embed("https://www.youtube.com/playlist?list=PL123"),
			    "https://www.youtube-nocookie.com/embed/videoseries?list=PL123");
}

static void test_embed_vimeo_do_not_track(void **state)
{
	(void)state;
	assert_string_equal(embed("https://vimeo.com/76979871#t=30s"),
			    "https://player.vimeo.com/video/76979871?dnt=1#t=30s");
	assert_string_equal(embed("https://vimeo.com/76979871/abcdef1234"),
			    "https://player.vimeo.com/video/76979871?dnt=1&h=abcdef1234");
}

static void test_embed_nothing_for_a_channel(void **state)
{
	(void)state;
	assert_string_equal(embed("https://www.youtube.com/@digimed"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_link_is_already_normal),
		cmocka_unit_test(test_watch_without_www_and_over_http),
		cmocka_unit_test(test_without_scheme),
		cmocka_unit_test(test_host_in_capitals),
		cmocka_unit_test(test_mobile_host),
		cmocka_unit_test(test_v_not_first_parameter),
		cmocka_unit_test(test_youtu_be_share_link_drops_si),
		cmocka_unit_test(test_youtu_be_with_t_query),
		cmocka_unit_test(test_watch_with_t_and_seconds_unit),
		cmocka_unit_test(test_t_in_hours_minutes_seconds),
		cmocka_unit_test(test_start_parameter),
		cmocka_unit_test(test_t_without_unit_after_unit_refused),
		cmocka_unit_test(test_t_beyond_a_day_refused),
		cmocka_unit_test(test_live_link),
		cmocka_unit_test(test_shorts_link),
		cmocka_unit_test(test_nocookie_embed),
		cmocka_unit_test(test_watch_in_a_playlist_keeps_the_list),
		cmocka_unit_test(test_playlist_link),
		cmocka_unit_test(test_channel_handle),
		cmocka_unit_test(test_channel_handle_tab_dropped),
		cmocka_unit_test(test_channel_id),
		cmocka_unit_test(test_search_of_the_demo),
		cmocka_unit_test(test_search_with_percent_escape),
		cmocka_unit_test(test_search_with_markup_refused),
		cmocka_unit_test(test_vimeo_link),
		cmocka_unit_test(test_vimeo_player_link),
		cmocka_unit_test(test_vimeo_start_time),
		cmocka_unit_test(test_vimeo_channel_link),
		cmocka_unit_test(test_short_id_refused),
		cmocka_unit_test(test_id_with_other_characters_refused),
		cmocka_unit_test(test_other_host_refused),
		cmocka_unit_test(test_user_info_refused),
		cmocka_unit_test(test_other_scheme_refused),
		cmocka_unit_test(test_youtube_home_refused),
		cmocka_unit_test(test_too_long_refused),
		cmocka_unit_test(test_start_time_parsed),
		cmocka_unit_test(test_start_text),
		cmocka_unit_test(test_site_names),
		cmocka_unit_test(test_small_buffer_refused),
		cmocka_unit_test(test_embed_youtube_without_cookies),
		cmocka_unit_test(test_embed_playlist),
		cmocka_unit_test(test_embed_vimeo_do_not_track),
		cmocka_unit_test(test_embed_nothing_for_a_channel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
