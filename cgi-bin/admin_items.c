/* admin_items: what presentations, photos and videos share - moving,
 * deleting into the trash, the trash page and restoring. */
#include "admin.h"
#include "db.h"

#include <stdio.h>

#include "db_links.h"

const char *admin_kind_list(enum db_admin_kind k)
{
	return k == DB_ADMIN_PRESENTATION ? "presentations" :
	       k == DB_ADMIN_PHOTO ? "photos" : "videos";
}

/* Back to the list with a message, at the item (its anchor). */
static void back_to(struct admin_ctx *c, const char *list, enum admin_done d,
		int undo_kind, long long anchor)
{
	char loc[64];
	snprintf(loc, sizeof loc, "/admin/%04d/%s", c->year, list);
	admin_redirect_done(c, loc, d, undo_kind, undo_kind >= 0 ? c->id : 0, anchor);
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
		back_to(c, list, ADMIN_DONE_MOVED, -1, c->id);
		return;
	}
	snprintf(object, sizeof object, "%s %lld", db_admin_kind_name(k), c->id);
	if (admin_commit(c, "move", object, dir < 0 ? "up" : "down") < 0)
		return;
	back_to(c, list, ADMIN_DONE_MOVED, -1, c->id);
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
	back_to(c, list, ADMIN_DONE_DELETED, (int)k, 0);
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
	c->edition_id = db_links_item_edition(c->kind, c->id);
	enum db_result rc = c->edition_id < 0 ? DB_FAILED :
		db_admin_restore(c->kind, c->id);
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
	/* The Undo after a delete goes back to the list, at the item. */
	int year = db_admin_item_year(c->kind, c->id);
	if (admin_checkbox(c, "back") && year > 0) {
		c->year = year;
		back_to(c, admin_kind_list(c->kind), ADMIN_DONE_RESTORED, -1, c->id);
		return;
	}
	admin_redirect_done(c, "/admin/trash", ADMIN_DONE_RESTORED, -1, 0, 0);
}
