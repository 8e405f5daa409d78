/* admin: what the admin program's files share - the request context, the
 * route table's shape, and the small helpers every page uses.
 *
 * A page handler reads: route -> check -> query/change -> render.  The
 * routing, the session, the body intake (lib/upload.c) and the 404 for an
 * unknown edition happen before a handler is called. */
#ifndef ADMIN_H
#define ADMIN_H

#include <stddef.h>
#include <time.h>

#include "auth.h"
#include "db_admin.h"
#include "http.h"
#include "md.h"
#include "store.h"
#include "tmpl.h"
#include "upload.h"

/* The admin enters and reads times (scheduled press releases, the
 * programme) in the organisers' zone, WHEN_ZONE (lib/when.h); the admin
 * process runs in it (admin_init). */
#define ADMIN_TEXT_MAX   300           /* one-line fields, bytes */
#define ADMIN_AUDIT_ROWS 200           /* rows on the audit page */
#define ADMIN_MEDIA_MAX  (64LL << 20)  /* a stored file the admin shows itself */
/* The site settings carry six Markdown texts (background, imprint,
 * privacy, each in English and German), each up to ADMIN_SITE_TEXT_MAX
 * (MD_INPUT_MAX): the form, sent as multipart (a text is not percent-
 * encoded), takes all six at their limit and 64 KB for the rest.
 * deploy/programs.tsv's line for ^/admin/site$ says the same, 448k. */
#define ADMIN_SITE_TEXT_MAX  MD_INPUT_MAX
#define ADMIN_SITE_FORM_MAX  (6LL * ADMIN_SITE_TEXT_MAX + 64 * 1024)
/* Tests only: set, admin_commit exits right after the commit. */
#define ADMIN_TEST_CRASH_ENV    "SITE_TEST_CRASH_AFTER_COMMIT"
#define ADMIN_TEST_CRASH_STATUS 137    /* what a shell shows for kill -9 */

/* Whose public pages a change moves (their lastmod: edition.changed_at,
 * site.settings_changed_at), as admin_commit records it. */
enum admin_public {
	ADMIN_PUBLIC_EDITION = 0,  /* c->edition_id's; nothing's without one */
	ADMIN_PUBLIC_NONE,         /* none: nothing the public sees changed */
	ADMIN_PUBLIC_SITE          /* every page: the site settings */
};

/* One request. */
struct admin_ctx {
	struct http_req *r;
	struct http_resp *w;
	struct tmpl_vars *v;
	time_t now;
	struct auth_session s;             /* the admin, on every page but log-in */
	struct upload up;                  /* a POST's fields and files */
	int year;                          /* the route's YEAR, 0 without */
	long long edition_id;              /* its edition */
	long long id;                      /* the route's ID, 0 without */
	char lang[3];                      /* the route's LANG */
	char media[STORE_REL_MAX];         /* the route's stored file, "ab/ab12...ef.jpg" */
	int kind;                          /* the route's KIND, -1 without */
	int invalid;                       /* form errors found so far */
	enum admin_public public_change;   /* set by a handler before admin_commit */
	int status;                        /* the status of a form error */
	/* The POST's form shown again as typed, with status c->status (a 507
	 * after a full disk); NULL when the POST has no form to keep. */
	void (*form)(struct admin_ctx *c);
	/* A file stored for this change before its row: removed again when
	 * the change is rolled back (all or nothing). */
	struct store_file *stored;
};

typedef void (*admin_handler)(struct admin_ctx *c);

/* ---- the pages (admin_*.c) ---- */

void admin_login_get(struct admin_ctx *c);
void admin_login_post(struct admin_ctx *c);
void admin_logout_post(struct admin_ctx *c);
void admin_session_get(struct admin_ctx *c);
/* 1 if s may be the `next` of a log-in: a path of the admin area, no
 * open redirect (admin_login.c). */
int admin_next_ok(const char *s);
/* Log in with the form's fields name_field and password_field: 1 done
 * (cookie set, *s the new session), 0 answered (the log-in page again with
 * 401 or 429, or 500). */
int admin_login_try(struct admin_ctx *c, const char *name_field,
		const char *password_field, struct auth_session *s);
/* A POST without a valid session (admin_resume.c): the log-in page that
 * keeps the form's fields and, once logged in, saves them with post. */
void admin_resume(struct admin_ctx *c, const struct upload_spec *spec,
		admin_handler post);
/* The form's "version" field into c->v (admin_version.c). */
void admin_keep_version(struct admin_ctx *c);
void admin_dashboard_get(struct admin_ctx *c);
void admin_audit_get(struct admin_ctx *c);
void admin_people_get(struct admin_ctx *c);
void admin_people_post(struct admin_ctx *c);
void admin_password_post(struct admin_ctx *c);
void admin_person_delete(struct admin_ctx *c);
void admin_trash_get(struct admin_ctx *c);
void admin_restore_post(struct admin_ctx *c);
void admin_purge_post(struct admin_ctx *c);
void admin_media_get(struct admin_ctx *c);
void admin_site_get(struct admin_ctx *c);
void admin_site_post(struct admin_ctx *c);
void admin_edition_new_get(struct admin_ctx *c);
void admin_edition_new_post(struct admin_ctx *c);
void admin_edition_get(struct admin_ctx *c);
void admin_edition_post(struct admin_ctx *c);
void admin_press_get(struct admin_ctx *c);
void admin_press_post(struct admin_ctx *c);
void admin_talks_get(struct admin_ctx *c);
void admin_talks_post(struct admin_ctx *c);
void admin_talk_get(struct admin_ctx *c);
void admin_talk_post(struct admin_ctx *c);
void admin_talk_move(struct admin_ctx *c);
void admin_talk_delete(struct admin_ctx *c);
void admin_photos_get(struct admin_ctx *c);
void admin_photos_post(struct admin_ctx *c);
void admin_describe_get(struct admin_ctx *c);
void admin_describe_post(struct admin_ctx *c);
void admin_photo_get(struct admin_ctx *c);
void admin_photo_post(struct admin_ctx *c);
void admin_photo_publish(struct admin_ctx *c);
void admin_photo_move(struct admin_ctx *c);
void admin_photo_pick(struct admin_ctx *c);
void admin_cover_remove(struct admin_ctx *c);
void admin_photo_delete(struct admin_ctx *c);
void admin_videos_get(struct admin_ctx *c);
void admin_videos_post(struct admin_ctx *c);
void admin_video_get(struct admin_ctx *c);
void admin_video_post(struct admin_ctx *c);
void admin_video_move(struct admin_ctx *c);
void admin_video_delete(struct admin_ctx *c);
void admin_programme_get(struct admin_ctx *c);
void admin_programme_post(struct admin_ctx *c);
void admin_programme_item_get(struct admin_ctx *c);
void admin_programme_item_post(struct admin_ctx *c);
void admin_programme_item_delete(struct admin_ctx *c);
/* The edit forms shown again as typed (the route table's `form`): the
 * values the POST's handler read are in c->v, the status in c->status. */
void admin_site_form(struct admin_ctx *c);
void admin_people_form(struct admin_ctx *c);
void admin_edition_form(struct admin_ctx *c);
void admin_press_form(struct admin_ctx *c);
void admin_talks_form(struct admin_ctx *c);
void admin_talk_form(struct admin_ctx *c);
void admin_photos_form(struct admin_ctx *c);
void admin_describe_form(struct admin_ctx *c);
void admin_photo_form(struct admin_ctx *c);
void admin_videos_form(struct admin_ctx *c);
void admin_video_form(struct admin_ctx *c);
void admin_programme_form(struct admin_ctx *c);
void admin_programme_item_form(struct admin_ctx *c);

/* The serve_page of the web side (admin_serve.c), and the command line's
 * `user` command (admin_user.c). */
struct serve_page;
extern const struct serve_page admin_page;
int admin_cmd_user(int argc, char **argv);
/* The operator's commands (admin_backup.c, admin_check.c, admin_export.c). */
int admin_cmd_backup(int argc, char **argv);
int admin_cmd_restore(int argc, char **argv);
int admin_cmd_check(int argc, char **argv);
int admin_cmd_export(int argc, char **argv);
/* `admin site`: show the settings the command line can change, or set the
 * public base URL (admin_site.c). */
int admin_cmd_site(int argc, char **argv);
/* A command line's --db PATH (or --db=PATH), taken out of argv; else
 * $SITE_DB, else var/site.db (the servers' default). */
const char *admin_db_option(int *argc, char **argv);

/* ---- helpers (admin_serve.c) ---- */

/* The media root: the database's directory + "/media". */
const char *admin_media_root(void);

/* Render templates/admin/<name> with status; sets the layout's names
 * (admin, csrf) first. */
void admin_render(struct admin_ctx *c, const char *name, int status);
/* 303 See Other to a path of this site. */
void admin_redirect(struct admin_ctx *c, const char *location);
/* The status messages a page can show after a redirect (?done=KEY): the
 * text comes from a fixed table, never from the address. */
enum admin_done {
	ADMIN_DONE_SAVED, ADMIN_DONE_ADDED, ADMIN_DONE_DELETED,
	ADMIN_DONE_RESTORED, ADMIN_DONE_MOVED, ADMIN_DONE_LOGGED_OUT,
	ADMIN_DONE_PUBLISHED, ADMIN_DONE_UNPUBLISHED, ADMIN_DONE_REMOVED,
	ADMIN_DONE_PASSWORD, ADMIN_DONE_DRAFT, ADMIN_DONE_SCHEDULED, ADMIN_DONE_N
};
/* 303 to path?done=KEY, with an Undo for the item `undo_id` of kind
 * `undo_kind` when undo_id > 0 (it has just gone to the trash), and
 * "#item-ID" when anchor_id > 0 (the item whose place the page keeps). */
void admin_redirect_done(struct admin_ctx *c, const char *path, enum admin_done d,
		int undo_kind, long long undo_id, long long anchor_id);
/* The admin error page; msg may be NULL.  A 500 of a POST that met a
 * full disk (lib/space.h) becomes admin_no_space's 507. */
void admin_fail(struct admin_ctx *c, int status, const char *msg);
/* The server is out of disk space: 507 Insufficient Storage (RFC 4918
 * 11.5), nothing saved; the POST's form again as typed (c->form) with
 * the message, or the error page when it has none.  The cause is on
 * stderr already (where it was noted). */
void admin_no_space(struct admin_ctx *c);
#define ADMIN_NO_SPACE_MSG "The server is out of disk space, so nothing was " \
	"saved. Please ask the site's operator to free some space, then try again."
/* A lookup's result rc: 1 goes on; 0 answers 404 "There is no such
 * <what>.", -1 a 500.  Returns 1 to go on, 0 when answered. */
int admin_found(struct admin_ctx *c, enum db_result rc, const char *what);

/* ---- form fields (admin_fields.c) ---- */

/* A form field, trimmed (in place), copied into c->v under its own name
 * so a re-rendered form shows it.  Checks: required, at most max bytes,
 * one line unless max > ADMIN_TEXT_MAX.  A failed check sets err_<name>
 * (and c->invalid, c->status 422).  Returns the value ("" when absent). */
const char *admin_field(struct admin_ctx *c, const char *name, int required,
		size_t max);
/* A field trimmed (in place), "" when absent; not copied, not checked. */
const char *admin_value(struct admin_ctx *c, const char *name);
/* A checkbox: 1 when sent with value "1". */
int admin_checkbox(struct admin_ctx *c, const char *name);
/* A date field (YYYY-MM-DD, a real date): the value or "" (allowed only
 * when !required); errors as admin_field. */
const char *admin_date(struct admin_ctx *c, const char *name, int required);
/* Mark a field wrong with a message. */
void admin_invalid(struct admin_ctx *c, const char *field, int status,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Markdown into HTML (out is reset); -1 when it is too long (marked). */
int admin_markdown(struct admin_ctx *c, const char *field, const char *md,
		struct buf *out);
/* A Markdown field of the form: *md the text as sent (at most
 * MD_INPUT_MAX), *html its rendering, kept in out (reset). */
void admin_markdown_field(struct admin_ctx *c, const char *field, struct buf *out,
		const char **md, const char **html);
/* "up" -> -1, "down" -> 1, else 0 (marked invalid). */
int admin_dir(struct admin_ctx *c);

/* ---- presentations, photos, videos (admin_items.c) ---- */

/* The move and delete buttons of presentations, photos and videos: act
 * on c->id of c->edition_id, then 303 to /admin/YEAR/<list> (after a
 * move, at the item's anchor: #photo-12). */
void admin_item_move(struct admin_ctx *c, enum db_admin_kind k, const char *list);
void admin_item_delete(struct admin_ctx *c, enum db_admin_kind k, const char *list);
/* The list page of a kind: "presentations", "photos", "videos". */
const char *admin_kind_list(enum db_admin_kind k);
/* ---- versions of edit forms (admin_version.c): no lost updates ---- */

#define ADMIN_VFIELDS_MAX 19           /* fields one version covers (an edition: 17) */
#define ADMIN_VERSION_MAX 160          /* the token's text, NUL included */

struct admin_vfield {
	const char *name;                  /* the form field and the look-up's column */
	const char *label;                 /* how the conflict message names it */
};

/* What one edit form's version covers. */
struct admin_version {
	const char *tmpl;                  /* the form, for a route without c->form */
	const char *what;                  /* "edition", for the message */
	/* The stored row into `row`, the columns named as the fields. */
	enum db_result (*load)(struct admin_ctx *c, struct tmpl_vars *row);
	struct admin_vfield fields[ADMIN_VFIELDS_MAX + 1];   /* ends with { NULL } */
};

/* On GET, after the look-up filled c->v: the hidden field's "version". */
void admin_version_set(struct admin_ctx *c, const struct admin_version *ver);
/* admin_begin, then: has the row changed since the form was loaded (its
 * "version" field)?  0 no, go on in the transaction; -1 answered - 500,
 * or 409 with the form as typed (the route's c->form, else ver->tmpl),
 * "conflict", "conflict_fields" (the labels of what changed) and
 * "version" set to the stored row's, so that Save again replaces the
 * other change knowingly.  A form sent without a
 * version is not checked (scripts; every form the admin renders has one). */
int admin_begin_version(struct admin_ctx *c, const struct admin_version *ver);

/* A change done: audit row and changed_at, the public time of what it
 * changed (c->public_change), then commit, then the media
 * tree of c->edition_id (when set) made to follow it (lib/links.h).  0,
 * or -1 after answering 500 (rolled back, or saved with files left to
 * repair). */
int admin_commit(struct admin_ctx *c, const char *action, const char *object,
		const char *detail);
/* db_begin, answering 500 on failure.  0 or -1. */
int admin_begin(struct admin_ctx *c);
/* Roll back, and remove c->stored when set. */
void admin_rollback(struct admin_ctx *c);
/* admin_rollback and answer 500 (507 after a full disk: admin_fail). */
void admin_abort(struct admin_ctx *c);

#endif
