/* admin_items: what presentations, photos and videos share - moving,
 * deleting into the trash, the trash page and restoring. */
#include "admin.h"
#include "db.h"

#include <stdio.h>

#include "db_links.h"
#include "links.h"

const char *admin_kind_list(enum db_admin_kind k)
{
	return k == DB_ADMIN_PRESENTATION ? "presentations" :
	       k == DB_ADMIN_PHOTO ? "photos" : k == DB_ADMIN_SESSION ? "programme" : "videos";
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

/* The result of a change to an item in the trash: 1 to go on, else 0
 * after rolling back and answering. */
static int in_trash(struct admin_ctx *c, enum db_result rc)
{
	if (rc == DB_FOUND)
		return 1;
	db_rollback();
	if (rc == DB_FAILED)
		admin_fail(c, 500, NULL);
	else
		admin_fail(c, 404, "That item is not in the trash.");
	return 0;
}

void admin_restore_post(struct admin_ctx *c)
{
	char object[64];
	if (admin_begin(c) < 0)
		return;
	c->edition_id = db_links_item_edition(c->kind, c->id);
	enum db_result rc = c->edition_id < 0 ? DB_FAILED :
		db_admin_restore(c->kind, c->id);
	if (!in_trash(c, rc))
		return;
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

/* A stored file to delete once the purge is committed. */
struct doomed {
	char paths[DB_LINKS_ITEM_FILES][STORE_REL_MAX];
	int n;
};

static int doom(void *ctx, const char *path)
{
	struct doomed *d = ctx;
	if (d->n >= DB_LINKS_ITEM_FILES)
		return -1;
	snprintf(d->paths[d->n++], STORE_REL_MAX, "%s", path);
	return 0;
}

/* Purge: the item out of the trash for good, and the files only it used
 * off the disk.  The rows go first (committed with their audit row), the
 * files after: a crash between leaves files no row names, which the next
 * start deletes (lib/links.h). */
void admin_purge_post(struct admin_ctx *c)
{
	char object[64], detail[64];
	struct doomed d = { .n = 0 };
	if (admin_begin(c) < 0)
		return;
	snprintf(object, sizeof object, "%s %lld", db_admin_kind_name(c->kind), c->id);
	c->edition_id = db_links_item_edition(c->kind, c->id);
	/* Its id may be reused: older audit rows keep the title it has now. */
	enum db_result rc = c->edition_id < 0 || db_auth_audit_keep_titles(object) < 0 ?
		DB_FAILED : db_links_purge(c->kind, c->id, doom, &d);
	if (!in_trash(c, rc))
		return;
	snprintf(detail, sizeof detail, "deleted for good, %d stored file%s removed",
		 d.n, d.n == 1 ? "" : "s");
	c->public_change = ADMIN_PUBLIC_NONE;  /* in the trash, it was not public */
	if (admin_commit(c, "purge", object, detail) < 0)
		return;
	for (int i = 0; i < d.n; i++)
		if (links_remove_stored(admin_media_root(), d.paths[i]) < 0)
			fprintf(stderr, "admin: could not delete %s\n", d.paths[i]);
	admin_redirect(c, "/admin/trash");
}
