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

/* The crop of one photo, stored (outside any transaction: a crop of a
 * large photo takes a while, and the write lock is not needed for it). */
static int crop(const char *root, const struct job *j, struct store_file *f)
{
	char path[STORE_PATH_MAX], err[128];
	if (links_find_stored(root, j->src, path, sizeof path) < 0) {
		fprintf(stderr, "share: photo %lld: %s is missing\n", j->photo_id, path);
		return -1;
	}
	if (image_share(root, path, f, err, sizeof err) < 0) {
		fprintf(stderr, "share: photo %lld: %s\n", j->photo_id, err);
		return -1;
	}
	return 0;
}

/* The crops' rows, in one transaction.  Two workers may make the same
 * crop at once (at start): the same bytes, the same stored file and media
 * row, and the same share_id. */
static int record(const struct jobs *js, const struct store_file *f, const int *ok, time_t now)
{
	if (db_begin() < 0)
		return -1;
	for (size_t i = 0; i < js->n; i++) {
		long long media = ok[i] ? db_admin_media(&f[i], "image/jpeg", 0, now) : 0;
		if (media < 0 || (ok[i] && db_seo_share_set(js->v[i].photo_id, media) == DB_FAILED)) {
			db_rollback();
			return -1;
		}
	}
	if (db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return 0;
}

int share_sync(const char *root, long long edition_id, time_t now)
{
	struct jobs js = { 0 };
	int n = db_seo_share_missing(edition_id, collect, &js);
	if (n <= 0) {
		free(js.v);
		return n;
	}
	struct store_file *f = xcalloc(js.n, sizeof *f);
	int *ok = xcalloc(js.n, sizeof *ok), failed = 0;
	for (size_t i = 0; i < js.n; i++)
		failed |= !(ok[i] = crop(root, &js.v[i], &f[i]) == 0);
	if (record(&js, f, ok, now) < 0) {
		for (size_t i = 0; i < js.n; i++)
			if (ok[i])
				store_undo(root, &f[i]);
		failed = 1;
	}
	free(f);
	free(ok);
	free(js.v);
	return failed ? -1 : n;
}
