/* db_programme: the SQL of an edition's programme (its sessions) and its
 * registration - the public pages' queries and the admin's.
 *
 * Times are stored as Unix seconds and shown in the process's zone, which
 * the programs make WHEN_ZONE (lib/when.h): SQLite's 'localtime' modifier
 * follows it.  Return values as in db.h and db_admin.h. */
#ifndef DB_PROGRAMME_H
#define DB_PROGRAMME_H

#include <time.h>
#include "db.h"
#include "tmpl.h"

/* ---- public ---- */

/* The sessions of a published edition by start time (then id), not in
 * the trash, into `list`.  Each row sets: session_id, title (on a German
 * page the German title: the session's own, else its talk's when the
 * session bears the talk's title - db_rules.h, SESSION_TITLE_DE - else
 * the English one), title_lang ("en" when a German page shows the English
 * title, else ""), speakers, room, day (local
 * "2023-12-05"), day_text ("5 December 2023"), new_day (1 on a day's first
 * session), start_text, end_text ("09:30"), start_iso and end_iso
 * (RFC 3339 in UTC, for <time>), slides_url (the talk's stable PDF, ""
 * without), video_url ("" without), ics_url ("/2023/programme/7.ics", on a German page
 * "/de/2023/programme/7.ics").
 * Count or -1. */
int db_programme_sessions(struct tmpl_vars *v, int year, const char *lang,
		const char *list);

/* One session of a published edition, not in the trash, for its .ics:
 * title and title_lang in lang (as db_programme_sessions), speakers, room,
 * starts_at, ends_at (Unix seconds), slides_url, video_url.  DB_FOUND,
 * DB_MISSING or DB_FAILED. */
enum db_result db_programme_session(struct tmpl_vars *v, int year, long long id,
		const char *lang);

/* The span of a published edition's sessions: first_start, last_end
 * (Unix seconds, "" without sessions), session_count.  DB_FOUND or
 * DB_FAILED (DB_MISSING: no such published edition). */
enum db_result db_programme_span(struct tmpl_vars *v, int year);

/* The registration of a published edition, as of `now`: registration_url,
 * registration_state ("open", "closed", "notyet") and the flag
 * registration_open, registration_closed or registration_notyet set to 1,
 * opens_text and closes_text ("1 October 2026, 09:00"; "" when not set),
 * opens_iso, closes_iso.  Closed, too, once the edition has ended: from
 * 00:00 of the day after its last day in the process's zone (WHEN_ZONE).
 * DB_FOUND, DB_MISSING (none) or DB_FAILED. */
enum db_result db_programme_registration(struct tmpl_vars *v, int year,
		const char *lang, time_t now);

/* The registration times that have passed by now (opening and closing
 * both count), and in *next the next one (0: none).  A page showing the
 * state changes when this count does (page_version).  -1 on error. */
int db_programme_due(time_t now, time_t *next);

/* ---- admin ---- */

/* The edition's sessions, not in the trash, by start time, into `list`:
 * id, title, title_de, speakers, room, starts_local, ends_local
 * ("2026-12-02T09:00"), day_text, start_text, end_text,
 * talk_title, video_title ("" when not linked).  Count or -1. */
int db_programme_admin_list(struct tmpl_vars *v, long long edition_id, const char *list);
/* One, not in the trash: id, title, title_de, speakers, room,
 * starts_local, ends_local, presentation_id, video_id ("" none). */
enum db_result db_programme_admin_get(struct tmpl_vars *v, long long edition_id, long long id);

struct db_programme_session {
	long long edition_id;
	long long starts_at, ends_at;        /* Unix seconds, ends after starts */
	const char *title, *title_de, *speakers, *room;
	long long presentation_id, video_id; /* 0: none */
};
/* A new session: its id, or -1. */
long long db_programme_add(const struct db_programme_session *s, time_t now);
/* Session id of s->edition_id, not in the trash.  DB_FOUND, DB_MISSING or DB_FAILED. */
enum db_result db_programme_update(long long id, const struct db_programme_session *s);

/* The edition's talks and videos (not in the trash) to link a session to,
 * into `list`: choice_id, choice_title, choice_selected (1 for `selected`).
 * Count or -1. */
int db_programme_talk_choices(struct tmpl_vars *v, long long edition_id,
		long long selected, const char *list);
int db_programme_video_choices(struct tmpl_vars *v, long long edition_id,
		long long selected, const char *list);
/* Whether talk (video) id belongs to the edition and is not in the trash. */
enum db_result db_programme_talk_of(long long edition_id, long long id);
enum db_result db_programme_video_of(long long edition_id, long long id);

/* The id of the edition's talk with that slug (trash included): > 0, 0
 * none, -1 on error. */
long long db_programme_talk_by_slug(long long edition_id, const char *slug);

/* The edition's days for the check of session times: first_day and
 * last_day (local "YYYY-MM-DD", "" while the edition has no date). */
enum db_result db_programme_days(struct tmpl_vars *v, long long edition_id);

/* The edition form's registration fields: registration_url,
 * registration_opens, registration_closes ("2026-10-01T09:00", "" none).
 * Always DB_FOUND (empty fields without a registration) or DB_FAILED. */
enum db_result db_programme_admin_registration(struct tmpl_vars *v, long long edition_id);
/* Set (url not empty) or remove (url "") the edition's registration;
 * opens_at/closes_at <= 0: none.  0 or -1. */
int db_programme_registration_save(long long edition_id, const char *url,
		long long opens_at, long long closes_at);

#endif
