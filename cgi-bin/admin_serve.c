/* admin_serve: the web side of the admin program - templates, database,
 * the route table, the checks every request passes, and the helpers the
 * pages share (their form fields: admin_fields.c). */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "links.h"
#include "share.h"
#include "store.h"
#include "image.h"
#include "serve.h"
#include "space.h"
#include "when.h"

/* ---- templates ---- */

static const char *const tmpl_files[] = {
	"admin/login.xml", "admin/dashboard.xml", "admin/audit.xml", "admin/people.xml",
	"admin/trash.xml", "admin/site.xml", "admin/edition.xml",
	"admin/press.xml", "admin/talks.xml", "admin/talk.xml",
	"admin/photos.xml", "admin/photos_describe.xml", "admin/photo.xml",
	"admin/videos.xml",
	"admin/video.xml", "admin/programme.xml", "admin/session.xml", "admin/error.xml",
};
#define NTMPL (sizeof tmpl_files / sizeof *tmpl_files)

static struct tmpl *tmpls[NTMPL];
static struct tmpl_vars *vars;
static char media_root[STORE_PATH_MAX];

static const struct tmpl *find_tmpl(const char *name)
{
	for (size_t i = 0; i < NTMPL; i++)
		if (strcmp(tmpl_files[i] + 6, name) == 0)    /* after "admin/" */
			return tmpls[i];
	return NULL;
}

/* The media root sits next to the database (site.md). */
static int set_media_root(void)
{
	const char *db = serve_cfg.db_path;
	const char *slash = strrchr(db, '/');
	int n = slash ? snprintf(media_root, sizeof media_root, "%.*s/media",
				 (int)(slash - db), db)
		      : snprintf(media_root, sizeof media_root, "media");
	return n > 0 && (size_t)n < sizeof media_root ? 0 : -1;
}

const char *admin_media_root(void)
{
	return media_root;
}

/* Once, before workers fork: templates, libsodium (auth_init), and the
 * temp files a crashed run left.  Cleaning here rather than in each
 * worker's open() matters: a worker restarted after a crash must not
 * remove the upload a sibling is receiving. */
static int admin_init(void)
{
	char err[512];
	for (size_t i = 0; i < NTMPL; i++) {
		tmpls[i] = tmpl_load(serve_cfg.templates_dir, tmpl_files[i], err, sizeof err);
		if (!tmpls[i]) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
	}
	/* Scheduled times are entered and shown in the organisers' zone. */
	when_zone_init();
	if (auth_init() < 0 || set_media_root() < 0) {
		fprintf(stderr, "admin: cannot start (libsodium or media path)\n");
		return -1;
	}
	if (store_clean_tmp(media_root) < 0)
		fprintf(stderr, "admin: could not clean %s/tmp\n", media_root);
	return 0;
}

/* In each worker: the database read-write, and libvips (which starts
 * threads, so never before the fork). */
static int admin_open(void)
{
	if (db_open(serve_cfg.db_path, DB_READWRITE) < 0 || image_init() < 0)
		return -1;
	/* Heal what a worker killed between a commit and its files left:
	 * here, not in admin_init, because the supervisor restarts only the
	 * worker that died.  The share previews first (stored before their
	 * rows commit, so under the writers' lock), then the tree. */
	int fd = links_writer_enter(media_root);
	if (fd < 0 || share_sync(media_root, 0, time(NULL)) < 0)
		fprintf(stderr, "admin: could not make every share preview\n");
	links_writer_leave(fd);
	if (links_reconcile_start(media_root) < 0)
		fprintf(stderr, "admin: could not reconcile the media tree with the database\n");
	return 0;
}

/* ---- rendering ---- */

/* The keys of ?done= and what the status region then says. */
static const struct {
	const char *key, *msg;
} done_msgs[ADMIN_DONE_N] = {
	[ADMIN_DONE_SAVED] = { "saved", "Saved." },
	[ADMIN_DONE_ADDED] = { "added", "Added." },
	[ADMIN_DONE_DELETED] = { "deleted", "Moved to the trash." },
	[ADMIN_DONE_RESTORED] = { "restored", "Restored from the trash." },
	[ADMIN_DONE_MOVED] = { "moved", "Moved." },
	[ADMIN_DONE_LOGGED_OUT] = { "loggedout", "You are logged out." },
	[ADMIN_DONE_PUBLISHED] = { "published", "Saved and published." },
	[ADMIN_DONE_UNPUBLISHED] = { "unpublished", "Saved; not public." },
	[ADMIN_DONE_REMOVED] = { "removed", "Removed." },
	[ADMIN_DONE_DRAFT] = { "draft", "Saved as a draft; not public." },
	[ADMIN_DONE_SCHEDULED] = { "scheduled", "Saved; public from the scheduled time on." },
	[ADMIN_DONE_PASSWORD] = { "password", "Your password is changed; your other sessions have ended." },
};

#define ADMIN_LOCATION_MAX 256

void admin_redirect_done(struct admin_ctx *c, const char *path, enum admin_done d,
		int undo_kind, long long undo_id, long long anchor_id)
{
	char loc[ADMIN_LOCATION_MAX], undo[48] = "", anchor[32] = "";
	if (undo_id > 0 && undo_kind >= 0)
		snprintf(undo, sizeof undo, "&undo=%s-%lld",
			 db_admin_kind_name(undo_kind), undo_id);
	if (anchor_id > 0)
		snprintf(anchor, sizeof anchor, "#item-%lld", anchor_id);
	snprintf(loc, sizeof loc, "%s?done=%s%s%s", path, done_msgs[d].key, undo, anchor);
	admin_redirect(c, loc);
}

/* "photo-17" -> its kind and id (the Undo after a delete).  1 or 0. */
static int parse_undo(const char *s, int *kind, long long *id)
{
	char word[16];
	const char *dash = strchr(s, '-');
	if (!dash || dash == s || (size_t)(dash - s) >= sizeof word ||
	    dash[1] < '1' || dash[1] > '9' || strlen(dash + 1) > 18 ||
	    strspn(dash + 1, "0123456789") != strlen(dash + 1))
		return 0;
	memcpy(word, s, (size_t)(dash - s));
	word[dash - s] = '\0';
	*kind = db_admin_kind_parse(word);
	*id = strtoll(dash + 1, NULL, 10);
	return *kind >= 0;
}

/* The status region's message of ?done=KEY (unknown keys show nothing),
 * and the Undo button's target for ?undo=KIND-ID. */
static void status_message(struct admin_ctx *c)
{
	char key[16], undo[48], action[80];
	int kind;
	long long id;
	if (c->r->method != HTTP_GET ||
	    http_query_get(c->r->query, "done", key, sizeof key) != 1)
		return;
	for (size_t i = 0; i < ADMIN_DONE_N; i++)
		if (strcmp(key, done_msgs[i].key) == 0)
			tmpl_set(c->v, "status_msg", done_msgs[i].msg);
	if (!c->s.admin_id || strcmp(key, "deleted") != 0 ||
	    http_query_get(c->r->query, "undo", undo, sizeof undo) != 1 ||
	    !parse_undo(undo, &kind, &id))
		return;
	snprintf(action, sizeof action, "/admin/trash/%s/%lld/restore",
		 db_admin_kind_name(kind), id);
	tmpl_set(c->v, "undo_action", action);
}

/* Where the page is in the navigation (aria-current, WAI-ARIA 1.2): the
 * tab or link whose address the path is gets "page", the one it lies
 * under (an item of a list) gets "true".  Paths after "/admin" or, with a
 * year, after "/admin/YEAR". */
static const struct {
	int in_edition;
	const char *path, *var;
} nav_places[] = {
	{ 0, "/", "cur_editions" }, { 0, "/site", "cur_site" },
	{ 0, "/trash", "cur_trash" }, { 0, "/audit", "cur_audit" },
	{ 0, "/people", "cur_people" },
	{ 1, "/", "cur_edition" }, { 1, "/press/en", "cur_press_en" },
	{ 1, "/press/de", "cur_press_de" }, { 1, "/presentations", "cur_presentations" },
	{ 1, "/photos", "cur_photos" }, { 1, "/videos", "cur_videos" },
	{ 1, "/programme", "cur_programme" },
};

static void nav_place(struct admin_ctx *c)
{
	const char *p = c->r->path + strlen("/admin");
	if (strncmp(c->r->path, "/admin/", 7) != 0)
		return;
	if (c->year)
		p += 5;                 /* "/YEAR" */
	for (size_t i = 0; i < sizeof nav_places / sizeof *nav_places; i++) {
		size_t n = strlen(nav_places[i].path);
		if (nav_places[i].in_edition != !!c->year || strncmp(p, nav_places[i].path, n))
			continue;
		if (!p[n])
			tmpl_set(c->v, nav_places[i].var, "page");
		else if (p[n] == '/' && n > 1)
			tmpl_set(c->v, nav_places[i].var, "true");
	}
}

/* For admin.js's warning: seconds until the session ends without another
 * request, and how long a request renews it (less the minute a touch may
 * be late, auth.h AUTH_SEEN_STEP). */
static void session_times(struct admin_ctx *c)
{
	long idle = (long)(c->s.seen_at + AUTH_IDLE_SECONDS - c->now);
	long max = (long)(c->s.created_at + AUTH_MAX_SECONDS - c->now);
	tmpl_seti(c->v, "session_left", idle < max ? idle : max);
	tmpl_seti(c->v, "session_idle", AUTH_IDLE_SECONDS - AUTH_SEEN_STEP);
}

static void layout(struct admin_ctx *c)
{
	if (c->s.admin_id) {
		tmpl_set(c->v, "admin", c->s.admin);
		tmpl_set(c->v, "csrf", c->s.csrf);
		session_times(c);
	}
	if (c->year)
		tmpl_seti(c->v, "year", c->year);
	nav_place(c);
	status_message(c);
}

/* The fields an empty form shows (a new edition, talk, video or press
 * release, the log-in, a new admin, photos to describe): "" unless a handler set them (a refused form keeps
 * what was typed), so that every name a template renders is set - the
 * templates' check mode (lib/tmpl.h) holds the admin to that too. */
static const struct {
	const char *tmpl;
	const char *names[16];
} blank_forms[] = {
	{ "edition.xml", { "year", "title", "starts", "ends", "venue", "address",
			   "headline", "summary", "review_md", "next_md", "headline_de",
			   "summary_de", "review_de_md", "next_de_md", NULL } },
	{ "talks.xml", { "title", "title_de", "speakers", "affiliation", NULL } },
	{ "videos.xml", { "title", "url", "title_de", NULL } },
	{ "programme.xml", { "title", "title_de", "speakers", "room", "starts_local",
			     "ends_local", NULL } },
	{ "login.xml", { "name", "login_name", NULL } },
	{ "people.xml", { "new_name", NULL } },
	{ "press.xml", { "title", "subtitle", "released", "body_md", "photo_caption", NULL } },
	/* each photo waiting to be described, and the credit for all */
	{ "photos_describe.xml", { "alt", "caption", "credit", "credit_all", "alt_de",
				   "caption_de", NULL } },
};

static void blank_form(struct admin_ctx *c, const char *tmpl)
{
	for (size_t i = 0; i < sizeof blank_forms / sizeof *blank_forms; i++) {
		if (strcmp(blank_forms[i].tmpl, tmpl) != 0)
			continue;
		for (const char *const *n = blank_forms[i].names; *n; n++)
			if (!tmpl_get(c->v, *n))
				tmpl_set(c->v, *n, "");
	}
}

void admin_render(struct admin_ctx *c, const char *name, int status)
{
	const struct tmpl *t = find_tmpl(name);
	layout(c);
	blank_form(c, name);
	c->w->status = status;
	c->w->cache_control = "no-store";
	buf_reset(&c->w->body);
	if (!t) {
		fprintf(stderr, "admin: no template %s\n", name);
		admin_fail(c, 500, NULL);
		return;
	}
	tmpl_render(t, c->v, &c->w->body);
}

void admin_fail(struct admin_ctx *c, int status, const char *msg)
{
	const struct tmpl *t = find_tmpl("error.xml");
	if (status == 500 && space_short() && c->r->method == HTTP_POST) {
		admin_no_space(c);
		return;
	}
	layout(c);
	tmpl_seti(c->v, "status", status);
	tmpl_set(c->v, "status_text", http_status_text(status));
	tmpl_set(c->v, "message", msg);
	c->w->status = status;
	c->w->cache_control = "no-store";
	buf_reset(&c->w->body);
	if (t)
		tmpl_render(t, c->v, &c->w->body);
	else
		buf_printf(&c->w->body, "%d %s\n", status, http_status_text(status));
}

void admin_no_space(struct admin_ctx *c)
{
	void (*form)(struct admin_ctx *) = c->form;
	c->form = NULL;                 /* the form failing too: the error page */
	c->status = 507;
	tmpl_set(c->v, "no_space", "1");
	tmpl_set(c->v, "invalid", "");  /* nothing to correct in the fields */
	if (form)
		form(c);
	else
		admin_fail(c, 507, ADMIN_NO_SPACE_MSG);
}

int admin_found(struct admin_ctx *c, enum db_result rc, const char *what)
{
	char msg[64];
	if (rc == DB_FOUND)
		return 1;
	snprintf(msg, sizeof msg, "There is no such %s.", what);
	admin_fail(c, rc == DB_FAILED ? 500 : 404, msg);
	return 0;
}

void admin_redirect(struct admin_ctx *c, const char *location)
{
	c->w->status = 303;
	c->w->cache_control = "no-store";
	http_resp_header(c->w, "Location", location);
	buf_reset(&c->w->body);
}

/* ---- transactions ---- */

/* The file stored ahead of the rolled-back row goes too. */
static void undo_stored(struct admin_ctx *c)
{
	if (c->stored)
		store_undo(media_root, c->stored);
	c->stored = NULL;
}

void admin_rollback(struct admin_ctx *c)
{
	db_rollback();
	undo_stored(c);
}

void admin_abort(struct admin_ctx *c)
{
	admin_rollback(c);
	admin_fail(c, 500, "The change could not be saved. Nothing was changed.");
}

int admin_begin(struct admin_ctx *c)
{
	if (db_begin() == 0)
		return 0;
	undo_stored(c);
	admin_fail(c, 500, "The database is busy. Nothing was changed; please try again.");
	return -1;
}

/* The public time of what the change touched, in its transaction. */
static int public_changed(struct admin_ctx *c)
{
	switch (c->public_change) {
	case ADMIN_PUBLIC_SITE:
		return db_admin_settings_changed(c->now);
	case ADMIN_PUBLIC_EDITION:
		return c->edition_id ? db_admin_edition_changed(c->edition_id, c->now) : 0;
	default:
		return 0;
	}
}

int admin_commit(struct admin_ctx *c, const char *action, const char *object,
		const char *detail)
{
	if (db_admin_changed(c->s.admin, action, object, detail, c->now) < 0 ||
	    public_changed(c) < 0 || db_commit() < 0) {
		admin_abort(c);
		return -1;
	}
	/* A fault point for tests/e2e/links-heal.test.mjs: die as kill -9
	 * would, with the change committed and the media tree not yet
	 * following it.  Never set outside tests. */
	if (getenv(ADMIN_TEST_CRASH_ENV))
		_exit(ADMIN_TEST_CRASH_STATUS);
	/* A new cover or press photo gets its share preview; a failure only
	 * leaves the site's fallback image in the tags (logged). */
	if (c->edition_id && share_sync(media_root, c->edition_id, c->now) < 0)
		fprintf(stderr, "admin: edition %lld: could not make a share preview\n",
			c->edition_id);
	if (c->edition_id && links_reconcile_edition(media_root, c->edition_id) < 0) {
		/* Saved: no form to keep, whatever the cause. */
		admin_fail(c, space_short() ? 507 : 500, space_short() ?
			   "The change was saved, but the server is out of disk space, "
			   "so the public files could not all be updated. Once space is "
			   "freed, saving again or restarting the admin program repairs them." :
			   "The change was saved, but the public files could "
			   "not all be updated. Saving again, or restarting the admin "
			   "program, repairs them.");
		return -1;
	}
	return 0;
}

/* ---- routes ---- */

/* What a POST may send: plain forms, the log-in form (no session yet),
 * the site settings (six long texts), slides, photos (any number in the
 * field "file", up to the body's limit). */
static const struct upload_spec spec_login = { 0, NULL, 0, 0, 0 };
static const struct upload_spec spec_form = { 1, NULL, 0, 0, 0 };
static const struct upload_spec spec_site = { 1, NULL, 0, 0, ADMIN_SITE_FORM_MAX };
static const struct upload_spec spec_pdf = { 1, "file", UPLOAD_PDF_MAX, 1, 0 };
static const struct upload_spec spec_photos = { 1, "file", UPLOAD_IMAGE_MAX,
						UPLOAD_FILES_MAX, 0 };

/* Patterns: %Y a year (4 digits), %I an id ([1-9][0-9]{0,17}), %L en|de,
 * %K a kind (presentation|photo|video), %M a stored file's name
 * ("ab/ab12...ef.jpg"); everything else is literal. */
struct route {
	const char *pattern;
	admin_handler get, post;
	const struct upload_spec *spec;
	admin_handler form;             /* the POST's form again (admin_ctx.form) */
};

static const struct route routes[] = {
	{ "/admin/login", admin_login_get, admin_login_post, &spec_login, NULL },
	{ "/admin/logout", NULL, admin_logout_post, &spec_form, NULL },
	{ "/admin/session", admin_session_get, NULL, NULL, NULL },
	{ "/admin/", admin_dashboard_get, NULL, NULL, NULL },
	{ "/admin/site", admin_site_get, admin_site_post, &spec_site, admin_site_form },
	{ "/admin/audit", admin_audit_get, NULL, NULL, NULL },
	{ "/admin/people", admin_people_get, admin_people_post, &spec_form, admin_people_form },
	{ "/admin/people/%I/delete", NULL, admin_person_delete, &spec_form, NULL },
	{ "/admin/password", NULL, admin_password_post, &spec_form, admin_people_form },
	{ "/admin/trash", admin_trash_get, NULL, NULL, NULL },
	{ "/admin/trash/%K/%I/restore", NULL, admin_restore_post, &spec_form, NULL },
	{ "/admin/trash/%K/%I/purge", NULL, admin_purge_post, &spec_form, NULL },
	{ "/admin/media/%M", admin_media_get, NULL, NULL, NULL },
	{ "/admin/editions/new", admin_edition_new_get, admin_edition_new_post, &spec_form, admin_edition_form },
	{ "/admin/%Y/", admin_edition_get, admin_edition_post, &spec_form, admin_edition_form },
	{ "/admin/%Y/press/%L", admin_press_get, admin_press_post, &spec_form, admin_press_form },
	{ "/admin/%Y/presentations", admin_talks_get, admin_talks_post, &spec_pdf, admin_talks_form },
	{ "/admin/%Y/presentations/%I", admin_talk_get, admin_talk_post, &spec_pdf, admin_talk_form },
	{ "/admin/%Y/presentations/%I/move", NULL, admin_talk_move, &spec_form, NULL },
	{ "/admin/%Y/presentations/%I/delete", NULL, admin_talk_delete, &spec_form, NULL },
	{ "/admin/%Y/photos", admin_photos_get, admin_photos_post, &spec_photos, admin_photos_form },
	{ "/admin/%Y/photos/cover", NULL, admin_cover_remove, &spec_form, NULL },
	{ "/admin/%Y/photos/describe", admin_describe_get, admin_describe_post, &spec_form, admin_describe_form },
	{ "/admin/%Y/photos/%I", admin_photo_get, admin_photo_post, &spec_form, admin_photo_form },
	{ "/admin/%Y/photos/%I/pick", NULL, admin_photo_pick, &spec_form, NULL },
	{ "/admin/%Y/photos/%I/publish", NULL, admin_photo_publish, &spec_form, NULL },
	{ "/admin/%Y/photos/%I/move", NULL, admin_photo_move, &spec_form, NULL },
	{ "/admin/%Y/photos/%I/delete", NULL, admin_photo_delete, &spec_form, NULL },
	{ "/admin/%Y/videos", admin_videos_get, admin_videos_post, &spec_form, admin_videos_form },
	{ "/admin/%Y/videos/%I", admin_video_get, admin_video_post, &spec_form, admin_video_form },
	{ "/admin/%Y/videos/%I/move", NULL, admin_video_move, &spec_form, NULL },
	{ "/admin/%Y/videos/%I/delete", NULL, admin_video_delete, &spec_form, NULL },
	{ "/admin/%Y/programme", admin_programme_get, admin_programme_post, &spec_form,
	  admin_programme_form },
	{ "/admin/%Y/programme/%I", admin_programme_item_get, admin_programme_item_post,
	  &spec_form, admin_programme_item_form },
	{ "/admin/%Y/programme/%I/delete", NULL, admin_programme_item_delete, &spec_form, NULL },
};
#define NROUTES (sizeof routes / sizeof *routes)

/* The length of a stored file's name at s: <2 hex>/<64 hex>.<ext>, the
 * directory the hash's first two digits (lib/store.h), ext one store_put
 * gives; 0 when s does not start with one. */
static size_t stored_name(const char *s)
{
	static const char *const ext[] = { "pdf", "jpg", "jpeg", "png", "webp", "avif" };
	const char *hex = "0123456789abcdef";
	if (strspn(s, hex) != 2 || s[2] != '/' || strspn(s + 3, hex) != STORE_HEX_LEN ||
	    strncmp(s, s + 3, 2) != 0 || s[3 + STORE_HEX_LEN] != '.')
		return 0;
	const char *e = s + 3 + STORE_HEX_LEN + 1;
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
		if (strncmp(e, ext[i], strlen(ext[i])) == 0)
			return (size_t)(e - s) + strlen(ext[i]);
	return 0;
}

static int match_part(char ph, const char **p, struct admin_ctx *c)
{
	const char *s = *p;
	size_t n = 0;
	switch (ph) {
	case 'Y':
		while (n < 5 && s[n] >= '0' && s[n] <= '9')
			n++;
		/* The schema's range: "0000" must not pass as "no year". */
		if (n != 4 || (c->year = atoi(s)) < 1900)
			return 0;
		break;
	case 'I':
		if (*s < '1' || *s > '9')
			return 0;
		while (s[n] >= '0' && s[n] <= '9')
			n++;
		if (n > 18)
			return 0;
		c->id = strtoll(s, NULL, 10);
		break;
	case 'L':
		if (strncmp(s, "en", 2) && strncmp(s, "de", 2))
			return 0;
		n = 2;
		memcpy(c->lang, s, 2);
		c->lang[2] = '\0';
		break;
	case 'M':
		if (!(n = stored_name(s)))
			return 0;
		memcpy(c->media, s, n);
		c->media[n] = '\0';
		break;
	case 'K': {
		char word[16];
		while (n < sizeof word - 1 && s[n] >= 'a' && s[n] <= 'z')
			n++;
		memcpy(word, s, n);
		word[n] = '\0';
		if ((c->kind = db_admin_kind_parse(word)) < 0)
			return 0;
		break;
	}
	default:
		return 0;
	}
	*p = s + n;
	return 1;
}

static int match(const char *pat, const char *path, struct admin_ctx *c)
{
	c->year = 0;
	c->id = 0;
	c->kind = -1;
	c->lang[0] = '\0';
	while (*pat) {
		if (*pat == '%') {
			if (!match_part(pat[1], &path, c))
				return 0;
			pat += 2;
		} else if (*pat++ != *path++) {
			return 0;
		}
	}
	return *path == '\0';
}

static const struct route *find_route(struct admin_ctx *c)
{
	for (size_t i = 0; i < NROUTES; i++)
		if (match(routes[i].pattern, c->r->path, c))
			return &routes[i];
	return NULL;
}

/* "/admin" and "/admin/YEAR" lack their slash: 301 to the real page. */
static int slash_redirect(struct admin_ctx *c)
{
	const char *p = c->r->path;
	char loc[32];
	if (strcmp(p, "/admin") == 0) {
		snprintf(loc, sizeof loc, "/admin/");
	} else if (match("/admin/%Y", p, c)) {
		snprintf(loc, sizeof loc, "/admin/%04d/", c->year);
		c->year = 0;
	} else {
		return 0;
	}
	c->w->status = 301;
	http_resp_header(c->w, "Location", loc);
	return 1;
}

static void method_not_allowed(struct admin_ctx *c, const struct route *rt)
{
	admin_fail(c, 405, "This address does not take that method.");
	http_resp_header(c->w, "Allow", rt->get && rt->post ? "GET, HEAD, POST" :
			 rt->get ? "GET, HEAD" : "POST");
}

/* To the log-in page, which leads back here afterwards: ?next= the path
 * and query, percent-encoded (RFC 3986 2.1) but for unreserved and "/". */
static void login_redirect(struct admin_ctx *c)
{
	char loc[ADMIN_LOCATION_MAX * 3 + 32], full[ADMIN_LOCATION_MAX];
	static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789-._~/";
	int n = snprintf(full, sizeof full, "%s%s%s", c->r->path,
			 *c->r->query ? "?" : "", c->r->query);
	if (n < 0 || (size_t)n >= sizeof full || !admin_next_ok(full) ||
	    strcmp(full, "/admin/") == 0) {
		admin_redirect(c, "/admin/login");
		return;
	}
	size_t o = (size_t)snprintf(loc, sizeof loc, "/admin/login?next=");
	for (const unsigned char *p = (const unsigned char *)full; *p; p++)
		o += (size_t)snprintf(loc + o, sizeof loc - o, strchr(keep, *p) ? "%c" : "%%%02X", *p);
	admin_redirect(c, loc);
}

/* Pages need a session; a stale cookie is cleared on the way to the
 * log-in form. */
static int need_session_get(struct admin_ctx *c)
{
	int had_cookie;
	int rc = auth_request_session(c->r, c->now, &c->s, &had_cookie);
	if (rc < 0) {
		admin_fail(c, 500, NULL);
		return -1;
	}
	if (rc == 1)
		return 0;
	if (had_cookie) {
		char cookie[AUTH_COOKIE_MAX];
		auth_cookie_clear(cookie);
		http_resp_header(c->w, "Set-Cookie", cookie);
	}
	login_redirect(c);
	return -1;
}

static int load_edition(struct admin_ctx *c)
{
	if (!c->year)
		return 0;
	c->edition_id = db_admin_edition_id(c->year);
	if (c->edition_id > 0)
		return 0;
	if (c->edition_id < 0)
		admin_fail(c, 500, NULL);
	else
		admin_fail(c, 404, "There is no edition of that year.");
	return -1;
}

static void run_post(struct admin_ctx *c, const struct route *rt)
{
	const char *msg = NULL;
	int status = auth_gate(c->r, rt->spec->need_session, c->now,
			       &c->up.session, &msg);
	/* A session that ended while a form was being filled in (a 403 of a
	 * same-origin request): the log-in page keeps the form
	 * (admin_resume.c). */
	if (status == 403 && rt->spec->need_session && rt->post != admin_logout_post &&
	    auth_request_origin_ok(c->r)) {
		c->form = rt->form;     /* admin_resume holds it back until log-in */
		if (load_edition(c) == 0)
			admin_resume(c, rt->spec, rt->post);
		return;
	}
	if (status) {
		admin_fail(c, status, msg);
		return;
	}
	c->form = rt->form;
	c->up.has_session = rt->spec->need_session;
	c->s = c->up.session;
	if (load_edition(c) < 0)
		return;
	status = upload_read(c->r, rt->spec, admin_media_root(), &c->up);
	if (status) {
		admin_fail(c, status, c->up.msg);
		return;
	}
	/* An edit form's version goes back into any form rendered again. */
	admin_keep_version(c);
	rt->post(c);
}

/* A POST may store files before it commits their rows: it holds the
 * writers' lock meanwhile, so that a clean-up never takes them for
 * orphans (lib/links.h). */
static void locked_post(struct admin_ctx *c, const struct route *rt)
{
	int fd = links_writer_enter(media_root);
	if (fd < 0) {
		fprintf(stderr, "admin: cannot take the writers' lock in %s\n", media_root);
		admin_fail(c, 500, NULL);
		return;
	}
	run_post(c, rt);
	links_writer_leave(fd);
}

static void route_request(struct admin_ctx *c)
{
	const struct route *rt = find_route(c);
	int get = c->r->method == HTTP_GET || c->r->method == HTTP_HEAD;
	if (!rt) {
		if (!slash_redirect(c))
			admin_fail(c, 404, "There is no admin page at this address.");
		return;
	}
	if ((get && !rt->get) || (!get && (c->r->method != HTTP_POST || !rt->post))) {
		method_not_allowed(c, rt);
		return;
	}
	if (!get) {
		locked_post(c, rt);
		return;
	}
	if (rt->get != admin_login_get && need_session_get(c) < 0)
		return;
	if (load_edition(c) < 0)
		return;
	rt->get(c);
}

static struct tmpl_vars *fresh_vars(void)
{
	if (vars)
		tmpl_vars_clear(vars);
	else
		vars = tmpl_vars_new();
	return vars;
}

static void admin_handle(struct http_req *r, struct http_resp *w)
{
	static struct admin_ctx c;
	memset(&c, 0, sizeof c);
	c.r = r;
	c.w = w;
	c.v = fresh_vars();
	c.now = time(NULL);
	c.kind = -1;
	upload_init(&c.up);
	space_clear();
	w->cache_control = "no-store";
	route_request(&c);
	upload_release(&c.up);
	sodium_memzero(&c.s, sizeof c.s);
	sodium_memzero(&c.up.session, sizeof c.up.session);
}

static void admin_error(struct http_req *r, struct http_resp *w, int status)
{
	struct admin_ctx c;
	memset(&c, 0, sizeof c);
	c.r = r;
	c.w = w;
	c.v = fresh_vars();
	admin_fail(&c, status, NULL);
}

/* A worker died, maybe mid-upload (kill -9, the OOM killer): its temp
 * files go now, not when they are a day old. */
static void admin_reaped(long pid)
{
	int n = store_clean_tmp_of(admin_media_root(), pid);
	/* It may have died between storing a file and committing its row: the
	 * next worker's start sweeps (links_reconcile_start). */
	links_mark_clear(admin_media_root());
	if (n > 0)
		fprintf(stderr, "admin: removed %d temp file(s) of worker %ld\n", n, pid);
}

const struct serve_page admin_page = {
	.name = "admin",
	.init = admin_init,
	.open = admin_open,
	.handle = admin_handle,
	.error = admin_error,
	.version = NULL,                /* no render cache: every page is personal */
	.reaped = admin_reaped,
};
