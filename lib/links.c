/* links: make the media tree match the database.  See links.h. */
#include "links.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "db_links.h"
#include "store.h"

struct pass {
	const char *root;
	int changed;
};

/* Whether root/link is already a symlink to target (store_link makes
 * "../ab/ab12...ef.pdf"). */
static int links_to(const char *path, const char *target)
{
	char now[PATH_MAX];
	ssize_t n = readlink(path, now, sizeof now - 1);
	if (n < 0)
		return 0;
	now[n] = '\0';
	return strncmp(now, "../", 3) == 0 && strcmp(now + 3, target) == 0;
}

/* Make root/link match target: point at it, or be absent when it is "". */
static int talk(void *ctx, const char *link, const char *target)
{
	struct pass *p = ctx;
	char path[STORE_PATH_MAX];
	/* A cut-off name would be some other file: never touch that. */
	int n = snprintf(path, sizeof path, "%s/%s", p->root, link);
	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	if (target[0]) {
		if (links_to(path, target))
			return 0;
		if (store_link(p->root, link, target) < 0) {
			fprintf(stderr, "links: cannot link %s to %s\n", path, target);
			return -1;
		}
	} else if (unlink(path) < 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "links: cannot remove %s: %s\n", path, strerror(errno));
		return -1;
	}
	p->changed++;
	return 0;
}

static int edition(void *ctx, long long edition_id)
{
	return db_links_each_talk(edition_id, talk, ctx) < 0 ? -1 : 0;
}

/* Run fn under the write lock: a transaction of our own, or the caller's. */
static int locked(const char *root, long long edition_id,
		int (*fn)(struct pass *p, long long edition_id))
{
	struct pass p = { root, 0 };
	if (!db_handle())
		return -1;
	int own = sqlite3_get_autocommit(db_handle());
	if (own && db_begin() < 0)
		return -1;
	int rc = fn(&p, edition_id);
	if (own)
		db_rollback();      /* nothing was written: only the lock ends */
	return rc < 0 ? -1 : p.changed;
}

static int one(struct pass *p, long long edition_id)
{
	return edition(p, edition_id);
}

static int all(struct pass *p, long long edition_id)
{
	(void)edition_id;
	return db_links_each_edition(edition, p);
}

int links_reconcile_edition(const char *root, long long edition_id)
{
	return locked(root, edition_id, one);
}

int links_reconcile_all(const char *root)
{
	return locked(root, 0, all);
}
