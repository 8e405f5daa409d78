/* admin_programme: an edition's programme - sessions with their times
 * (entered in WHEN_ZONE), titles in English and German, speakers, room,
 * and the talk (slides) and video of the edition they show.  The list is
 * ordered by start time, so there is nothing to move; a deleted session
 * goes to the trash like talks and videos. */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_programme.h"
#include "when.h"

#define SESSION_TIME_MAX 19        /* "2026-12-02T09:00:00": a browser may add seconds */

/* The talks and videos to pick from, the current ones selected. */
static int choices(struct admin_ctx *c, long long talk, long long video)
{
	return db_programme_talk_choices(c->v, c->edition_id, talk, "talk_choices") < 0 ||
	       db_programme_video_choices(c->v, c->edition_id, video, "video_choices") < 0 ? -1 : 0;
}

static long long id_in(const struct tmpl_vars *v, const char *name)
{
	const char *s = tmpl_get(v, name);
	return s ? atoll(s) : 0;
}

static void list_page(struct admin_ctx *c, int status, long long talk, long long video)
{
	if (db_programme_admin_list(c->v, c->edition_id, "sessions") < 0 ||
	    choices(c, talk, video) < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "programme.xml", status);
}

void admin_programme_get(struct admin_ctx *c)
{
	list_page(c, 200, 0, 0);
}

/* The forms again as typed (a refused field, a full disk): the picks as
 * the form sent them. */
void admin_programme_form(struct admin_ctx *c)
{
	list_page(c, c->status, id_in(c->v, "presentation_id"), id_in(c->v, "video_id"));
}

void admin_programme_item_form(struct admin_ctx *c)
{
	if (choices(c, id_in(c->v, "presentation_id"), id_in(c->v, "video_id")) < 0)
		admin_fail(c, 500, NULL);
	else
		admin_render(c, "session.xml", c->status);
}

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	return db_programme_admin_get(row, c->edition_id, c->id);
}

static const struct admin_version version = { "session.xml", "session", load, {
	{ "title", "Title" }, { "title_de", "German title" }, { "speakers", "Speakers" },
	{ "room", "Room" }, { "starts_local", "Starts" }, { "ends_local", "Ends" },
	{ "presentation_id", "Talk" }, { "video_id", "Video" }, { NULL, NULL } } };

void admin_programme_item_get(struct admin_ctx *c)
{
	if (!admin_found(c, load(c, c->v), "session"))
		return;
	if (choices(c, id_in(c->v, "presentation_id"), id_in(c->v, "video_id")) < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_version_set(c, &version);
	admin_render(c, "session.xml", 200);
}

/* An optional pick of the edition's talks (videos): 0 for none, the id,
 * or -1 (marked). */
static long long pick(struct admin_ctx *c, const char *name, const char *what,
		enum db_result (*of)(long long edition_id, long long id))
{
	const char *s = admin_field(c, name, 0, 18);
	if (!*s)
		return 0;
	long long id = strspn(s, "0123456789") == strlen(s) ? atoll(s) : 0;
	enum db_result rc = id > 0 ? of(c->edition_id, id) : DB_MISSING;
	if (rc == DB_FOUND)
		return id;
	admin_invalid(c, name, 422, rc == DB_FAILED ? "The %s could not be checked; please "
		      "try again." : "Choose one of this edition's %ss, or none.", what);
	return -1;
}

/* A time field in WHEN_ZONE: Unix seconds, or -1 (marked). */
static long long read_time(struct admin_ctx *c, const char *name)
{
	char err[40], s[SESSION_TIME_MAX + 1];
	const char *v = admin_field(c, name, 1, SESSION_TIME_MAX);
	snprintf(err, sizeof err, "err_%s", name);
	if (tmpl_get(c->v, err))
		return -1;
	snprintf(s, sizeof s, "%s", v);
	if (strlen(s) == SESSION_TIME_MAX && strcmp(s + WHEN_LOCAL_LEN, ":00") == 0)
		s[WHEN_LOCAL_LEN] = '\0';
	long long t = when_parse_local(s);
	if (t < 0)
		admin_invalid(c, name, 422, "A time is written YYYY-MM-DD HH:MM (Berlin time), "
			      "e.g. 2026-12-02 09:00.");
	return t;
}

/* A session lies within its edition's days (its year while they are not
 * set): a date outside them is a typo. */
static void in_days(struct admin_ctx *c, long long starts, long long ends)
{
	char a[16], b[16];
	struct tmpl_vars *d = tmpl_vars_new();
	when_format(a, sizeof a, starts, "%Y-%m-%d");
	when_format(b, sizeof b, ends, "%Y-%m-%d");
	if (db_programme_days(d, c->edition_id) != DB_FOUND) {
		admin_invalid(c, "starts_local", 422, "The edition's days could not be read; "
			      "please try again.");
	} else if (*tmpl_get(d, "first_day")) {
		const char *first = tmpl_get(d, "first_day"), *last = tmpl_get(d, "last_day");
		if (strcmp(a, first) < 0 || strcmp(b, last) > 0)
			admin_invalid(c, "starts_local", 422, "A session lies within the edition's "
				      "days, %s to %s.", first, last);
	} else if (atoi(a) != c->year || atoi(b) != c->year) {
		admin_invalid(c, "starts_local", 422, "A session lies in %d, the edition's year.",
			      c->year);
	}
	tmpl_vars_free(d);
}

/* The form into s; 0 valid, -1 marked. */
static int read_form(struct admin_ctx *c, struct db_programme_session *s)
{
	s->edition_id = c->edition_id;
	s->title = admin_field(c, "title", 1, ADMIN_TEXT_MAX);
	s->title_de = admin_field(c, "title_de", 0, ADMIN_TEXT_MAX);
	s->speakers = admin_field(c, "speakers", 0, ADMIN_TEXT_MAX);
	s->room = admin_field(c, "room", 0, ADMIN_TEXT_MAX);
	s->starts_at = read_time(c, "starts_local");
	s->ends_at = read_time(c, "ends_local");
	s->presentation_id = pick(c, "presentation_id", "talk", db_programme_talk_of);
	s->video_id = pick(c, "video_id", "video", db_programme_video_of);
	if (s->starts_at >= 0 && s->ends_at >= 0) {
		if (s->ends_at <= s->starts_at)
			admin_invalid(c, "ends_local", 422, "The end must be after the start.");
		else
			in_days(c, s->starts_at, s->ends_at);
	}
	return c->invalid ? -1 : 0;
}

static void done(struct admin_ctx *c, long long id, const char *action, const char *title)
{
	char object[48], loc[48];
	snprintf(object, sizeof object, "session %lld", id);
	if (admin_commit(c, action, object, title) < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/programme", c->year);
	admin_redirect_done(c, loc, strcmp(action, "create") == 0 ? ADMIN_DONE_ADDED :
			    ADMIN_DONE_SAVED, -1, 0, id);
}

void admin_programme_post(struct admin_ctx *c)
{
	struct db_programme_session s;
	if (read_form(c, &s) < 0) {
		admin_programme_form(c);
		return;
	}
	if (admin_begin(c) < 0)
		return;
	long long id = db_programme_add(&s, c->now);
	if (id < 0) {
		admin_abort(c);
		return;
	}
	done(c, id, "create", s.title);
}

void admin_programme_item_post(struct admin_ctx *c)
{
	struct db_programme_session s;
	/* The stored row first: the form's fields then replace its values. */
	if (!admin_found(c, load(c, c->v), "session"))
		return;
	if (read_form(c, &s) < 0) {
		admin_programme_item_form(c);
		return;
	}
	if (admin_begin_version(c, &version) < 0)
		return;
	if (db_programme_update(c->id, &s) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	done(c, c->id, "update", s.title);
}

void admin_programme_item_delete(struct admin_ctx *c)
{
	admin_item_delete(c, DB_ADMIN_SESSION, "programme");
}
