/* admin_items: what presentations, photos and videos share - moving,
 * deleting into the trash, the trash page and restoring - and the stable
 * public link of a presentation's slides. */
#include "admin.h"
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "store.h"

/* Make root/link match the database: point it at target, or remove it
 * when target is "".  Either way idempotent, so a retry or a second sync
 * is harmless. */
static int talk_link_apply(void *ctx, const char *link, const char *target)
{
	char path[STORE_PATH_MAX];
	(void)ctx;
	if (target[0])
		return store_link(admin_media_root(), link, target);
	/* A cut-off name would be some other file: never unlink that. */
	int n = snprintf(path, sizeof path, "%s/%s", admin_media_root(), link);
	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

int admin_talk_link(long long id)
{
	char link[STORE_REL_MAX + 16], target[STORE_REL_MAX];
	enum db_result rc = db_admin_talk_link(id, link, target);
	if (rc != DB_FOUND)
		return rc == DB_MISSING ? 0 : -1;
	return talk_link_apply(NULL, link, target);
}

int admin_talk_links_sync(long long edition_id)
{
	int rc = db_admin_each_talk_link(edition_id, talk_link_apply, NULL);
	return rc < 0 ? -1 : 0;
}

static void back_to(struct admin_ctx *c, const char *list)
{
	char loc[64];
	snprintf(loc, sizeof loc, "/admin/%04d/%s", c->year, list);
	admin_redirect(c, loc);
}

void admin_item_move(struct admin_ctx *c, enum db_admin_kind k, const char *list)
{
	char object[64];
	int dir = admin_dir(c);
	if (!dir) {
		admin_fail(c, 422, "The move must be up or down.");
		return;
	}
	if (admin_begin(c) < 0)
		return;
	enum db_result rc = db_admin_move(k, c->edition_id, c->id, dir);
	if (rc == DB_FAILED) {
		admin_abort(c);
		return;
	}
	if (rc == DB_MISSING) {  /* first/last already, or no such item */
		db_rollback();
		if (k == DB_ADMIN_PRESENTATION ?
		    db_admin_presentation(c->v, c->edition_id, c->id) != DB_FOUND :
		    k == DB_ADMIN_PHOTO ? db_admin_photo(c->v, c->edition_id, c->id) != DB_FOUND :
		    db_admin_video(c->v, c->edition_id, c->id) != DB_FOUND) {
			admin_fail(c, 404, "There is no such item in this edition.");
			return;
		}
		back_to(c, list);
		return;
	}
	snprintf(object, sizeof object, "%s %lld", db_admin_kind_name(k), c->id);
	if (admin_commit(c, "move", object, dir < 0 ? "up" : "down") < 0)
		return;
	back_to(c, list);
}

void admin_item_delete(struct admin_ctx *c, enum db_admin_kind k, const char *list)
{
	char object[64];
	if (admin_begin(c) < 0)
		return;
	enum db_result rc = db_admin_trash(k, c->edition_id, c->id, c->now);
	if (rc != DB_FOUND) {
		db_rollback();
		if (rc == DB_FAILED)
			admin_fail(c, 500, NULL);
		else
			admin_fail(c, 404, "There is no such item in this edition.");
		return;
	}
	snprintf(object, sizeof object, "%s %lld", db_admin_kind_name(k), c->id);
	if (admin_commit(c, "delete", object, "moved to the trash") < 0)
		return;
	if (k == DB_ADMIN_PRESENTATION && admin_talk_link(c->id) < 0)
		fprintf(stderr, "admin: could not remove the link of presentation %lld\n", c->id);
	back_to(c, list);
}

void admin_trash_get(struct admin_ctx *c)
{
	if (db_admin_trash_list(c->v, "items") < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "trash.xml", 200);
}

void admin_restore_post(struct admin_ctx *c)
{
	char object[64];
	if (admin_begin(c) < 0)
		return;
	enum db_result rc = db_admin_restore(c->kind, c->id);
	if (rc != DB_FOUND) {
		db_rollback();
		if (rc == DB_FAILED)
			admin_fail(c, 500, NULL);
		else
			admin_fail(c, 404, "That item is not in the trash.");
		return;
	}
	snprintf(object, sizeof object, "%s %lld", db_admin_kind_name(c->kind), c->id);
	if (admin_commit(c, "restore", object, "") < 0)
		return;
	if (c->kind == DB_ADMIN_PRESENTATION && admin_talk_link(c->id) < 0)
		fprintf(stderr, "admin: could not restore the link of presentation %lld\n", c->id);
	admin_redirect(c, "/admin/trash");
}
