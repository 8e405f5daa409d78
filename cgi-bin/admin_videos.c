/* admin_videos: an edition's session videos - any common YouTube or Vimeo
 * address, stored in its normal form (lib/video.h). */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "video.h"

static void list_page(struct admin_ctx *c, int status)
{
	if (db_admin_videos(c->v, c->edition_id, "videos") < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "videos.xml", status);
}

void admin_videos_form(struct admin_ctx *c)
{
	list_page(c, c->status);
}

void admin_video_form(struct admin_ctx *c)
{
	admin_render(c, "video.xml", c->status);
}

void admin_videos_get(struct admin_ctx *c)
{
	list_page(c, 200);
}

static enum db_result load(struct admin_ctx *c, struct tmpl_vars *row)
{
	return db_admin_video(row, c->edition_id, c->id);
}

static const struct admin_version version = { "video.xml", "video", load, {
	{ "title", "Title" }, { "url", "Address (URL)" },
	{ "title_de", "Title (German)" }, { NULL, NULL } } };

void admin_video_get(struct admin_ctx *c)
{
	if (!admin_found(c, db_admin_video(c->v, c->edition_id, c->id), "video"))
		return;
	admin_version_set(c, &version);
	admin_render(c, "video.xml", 200);
}

/* The form's fields into d, its address in its normal form in url; 0
 * valid, -1 marked. */
static int read_form(struct admin_ctx *c, struct db_admin_video *d, char url[VIDEO_URL_MAX])
{
	d->title = admin_field(c, "title", 1, ADMIN_TEXT_MAX);
	d->title_de = admin_field(c, "title_de", 0, ADMIN_TEXT_MAX);
	d->url = url;
	const char *u = admin_field(c, "url", 1, ADMIN_TEXT_MAX);
	if (*u && video_normalise(u, url, VIDEO_URL_MAX) < 0)
		admin_invalid(c, "url", 422, "This is not an address of a YouTube or Vimeo "
			      "video, playlist, channel or search, e.g. https://youtu.be/ID "
			      "or https://vimeo.com/123456.");
	return c->invalid ? -1 : 0;
}

static void done(struct admin_ctx *c, long long id, const char *action, const char *url)
{
	char object[48], loc[48];
	snprintf(object, sizeof object, "video %lld", id);
	if (admin_commit(c, action, object, url) < 0)
		return;
	snprintf(loc, sizeof loc, "/admin/%04d/videos", c->year);
	admin_redirect_done(c, loc, strcmp(action, "create") == 0 ? ADMIN_DONE_ADDED :
			    ADMIN_DONE_SAVED, -1, 0, id);
}

void admin_videos_post(struct admin_ctx *c)
{
	struct db_admin_video d;
	char url[VIDEO_URL_MAX];
	if (read_form(c, &d, url) < 0) {
		admin_videos_form(c);
		return;
	}
	if (admin_begin(c) < 0)
		return;
	long long id = db_admin_video_add(c->edition_id, &d, c->now);
	if (id < 0) {
		admin_abort(c);
		return;
	}
	done(c, id, "create", url);
}

void admin_video_post(struct admin_ctx *c)
{
	struct db_admin_video d;
	char url[VIDEO_URL_MAX];
	if (!admin_found(c, db_admin_video(c->v, c->edition_id, c->id), "video"))
		return;
	if (read_form(c, &d, url) < 0) {
		admin_video_form(c);
		return;
	}
	if (admin_begin_version(c, &version) < 0)
		return;
	if (db_admin_video_update(c->edition_id, c->id, &d) != DB_FOUND) {
		admin_abort(c);
		return;
	}
	done(c, c->id, "update", url);
}

void admin_video_move(struct admin_ctx *c)
{
	admin_item_move(c, DB_ADMIN_VIDEO, "videos");
}

void admin_video_delete(struct admin_ctx *c)
{
	admin_item_delete(c, DB_ADMIN_VIDEO, "videos");
}
