/* share: the share previews follow the covers and press photos
 * (share.h). */
#include "share.h"

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "db.h"
#include "db_admin.h"
#include "db_seo.h"
#include "image.h"
#include "links.h"
#include "store.h"

struct job {
	long long photo_id;
	char src[STORE_REL_MAX];
};

struct jobs {
	struct job *v;
	size_t n, cap;
};

/* The query's rows are collected first: the crops write to the same
 * connection. */
static int collect(void *ctx, long long photo_id, const char *src)
{
	struct jobs *js = ctx;
	if (js->n == js->cap) {
		js->cap = js->cap ? 2 * js->cap : 8;
		js->v = xrealloc(js->v, js->cap * sizeof *js->v);
	}
	js->v[js->n].photo_id = photo_id;
	snprintf(js->v[js->n].src, sizeof js->v[js->n].src, "%s", src);
	js->n++;
	return 0;
}

static int make_one(const char *root, const struct job *j, time_t now)
{
	char path[STORE_PATH_MAX], err[128];
	struct store_file f;
	if (links_find_stored(root, j->src, path, sizeof path) < 0) {
		fprintf(stderr, "share: photo %lld: %s is missing\n", j->photo_id, path);
		return -1;
	}
	if (image_share(root, path, &f, err, sizeof err) < 0) {
		fprintf(stderr, "share: photo %lld: %s\n", j->photo_id, err);
		return -1;
	}
	long long media = db_admin_media(&f, "image/jpeg", 0, now);
	if (media < 0 || db_seo_share_set(j->photo_id, media) == DB_FAILED) {
		store_undo(root, &f);
		return -1;
	}
	return 0;
}

int share_sync(const char *root, long long edition_id, time_t now)
{
	struct jobs js = { 0 };
	/* Almost always nothing is missing: that is found out without the
	 * write lock (every admin commit and worker start asks). */
	int n = db_seo_share_missing(edition_id, collect, &js);
	js.n = 0;
	if (n <= 0) {
		free(js.v);
		return n;
	}
	if (db_begin() < 0) {
		free(js.v);
		return -1;
	}
	int failed = db_seo_share_missing(edition_id, collect, &js) < 0;
	for (size_t i = 0; i < js.n; i++)
		failed |= make_one(root, &js.v[i], now) < 0;
	free(js.v);
	if (db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return failed ? -1 : (int)js.n;
}
