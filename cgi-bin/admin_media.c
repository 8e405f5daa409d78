/* admin_media: a stored file for the admin's own pages, wherever it lies -
 * the served tree or the private store (lib/links.h), where the files of
 * trashed photos, unpublished editions and replaced slides wait.  The
 * admin sees them; the public does not. */
#include "admin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "links.h"

static const char *mime_of(const char *name)
{
	static const struct { const char *ext, *mime; } types[] = {
		{ ".pdf", "application/pdf" }, { ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" }, { ".png", "image/png" },
		{ ".webp", "image/webp" }, { ".avif", "image/avif" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].mime;
	return "application/octet-stream";
}

/* The file from the private store, else the served tree: an fd or -1. */
static int open_stored(const char *rel)
{
	char priv[STORE_PATH_MAX], path[STORE_PATH_MAX];
	const char *roots[2] = { priv, admin_media_root() };
	if (links_private_root(admin_media_root(), priv, sizeof priv) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		int n = snprintf(path, sizeof path, "%s/%s", roots[i], rel);
		if (n < 0 || (size_t)n >= sizeof path)
			return -1;
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 || errno != ENOENT)
			return fd;
	}
	return -1;
}

static int read_into(int fd, struct buf *b, size_t size)
{
	char chunk[65536];
	ssize_t n;
	buf_reset(b);
	while (b->len < size && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf_put(b, chunk, (size_t)n);
	}
	return 0;
}

void admin_media_get(struct admin_ctx *c)
{
	struct stat st = { .st_size = 0 };
	int fd = open_stored(c->media);
	if (fd < 0) {
		admin_fail(c, 404, "There is no such stored file.");
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > ADMIN_MEDIA_MAX) {
		close(fd);
		admin_fail(c, st.st_size > ADMIN_MEDIA_MAX ? 413 : 404,
			   "This file is too large to be shown here.");
		return;
	}
	int rc = read_into(fd, &c->w->body, (size_t)st.st_size);
	close(fd);
	if (rc < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	c->w->status = 200;
	c->w->content_type = mime_of(c->media);
	/* Content-addressed, so it never changes; private: only this admin's
	 * browser keeps it. */
	c->w->cache_control = "private, max-age=86400";
	/* A PDF as a download: not rendered inside the admin's origin. */
	if (strcmp(c->w->content_type, "application/pdf") == 0)
		http_resp_header(c->w, "Content-Disposition", "attachment");
}
