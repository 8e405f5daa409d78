/* links: make the media tree match the database.  See links.h. */
#include "links.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "db_links.h"
#include "slides_zip.h"
#include "store.h"

#include <sodium.h>

#define LINKS_DIR_MODE  0750          /* as store_put makes media/ab/ */
#define LINKS_LOCK_MODE 0640

struct pass {
	const char *root;
	char private[STORE_PATH_MAX];
	int publish;                      /* media pass: 1 bring out, 0 take in */
	int changed;
};

int links_private_root(const char *root, char *out, size_t n)
{
	const char *slash = strrchr(root, '/');
	int k = slash ? snprintf(out, n, "%.*s/" LINKS_PRIVATE_DIR, (int)(slash - root), root)
		      : snprintf(out, n, LINKS_PRIVATE_DIR);
	return k > 0 && (size_t)k < n ? 0 : -1;
}

static int join(char out[STORE_PATH_MAX], const char *dir, const char *rel)
{
	int n = snprintf(out, STORE_PATH_MAX, "%s/%s", dir, rel);
	return n > 0 && n < STORE_PATH_MAX ? 0 : -1;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static int mkdir_ok(const char *dir)
{
	return mkdir(dir, LINKS_DIR_MODE) == 0 || errno == EEXIST ? 0 : -1;
}

/* ---- the stable names ---- */

/* Whether path is already a symlink to target (store_link makes
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
	if (join(path, p->root, link) < 0)
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

/* ---- all slides of an edition in one ZIP ---- */

struct slides {
	const char *root;
	struct slides_zip_entry *e;
	size_t n, cap;
};

/* Entry "NN-SLUG.pdf" for the talk's stored file (lib/slides_zip.h). */
static int slide(void *ctx, const char *slug, const char *target)
{
	struct slides *s = ctx;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct slides_zip_entry *e = cap <= SLIDES_ZIP_ENTRIES_MAX * 2 ?
			realloc(s->e, cap * sizeof *e) : NULL;
		if (!e)
			return -1;
		s->e = e, s->cap = cap;
	}
	struct slides_zip_entry *e = &s->e[s->n];
	if (snprintf(e->name, sizeof e->name, "%02zu-%s.pdf", s->n + 1, slug) >= (int)sizeof e->name ||
	    snprintf(e->path, sizeof e->path, "%s/%s", s->root, target) >= (int)sizeof e->path)
		return -1;
	s->n++;
	return 0;
}

static int count(void *ctx, const char *slug, const char *target)
{
	(void)slug, (void)target;
	++*(int *)ctx;
	return 0;
}

int links_slides_zip(long long edition_id, char *rel, size_t n)
{
	int k = 0;
	if (db_links_each_slide(edition_id, rel, n, count, &k) < 0)
		return -1;
	return rel[0] && k > 0;
}

/* The edition's ZIP holds its public slides, or is absent without any.
 * Made after the talks' names, whose stored files are then in root. */
static int slides_zip(struct pass *p, long long edition_id)
{
	char rel[DB_TALK_PATH_MAX], dest[STORE_PATH_MAX];
	struct slides s = { .root = p->root };
	int rc = db_links_each_slide(edition_id, rel, sizeof rel, slide, &s);
	/* Not counted in p->changed: the ZIP is derived from the names
	 * counted already, and `admin check` counts repaired names. */
	if (rc >= 0 && rel[0])
		rc = join(dest, p->root, rel) < 0 ? -1 : slides_zip_write(dest, s.e, s.n);
	free(s.e);
	return rc < 0 ? -1 : 0;
}

/* ---- the stored files: served tree or private store ---- */

/* rel ("ab/ab12...ef.jpg") from one tree to the other. */
static int move(const char *from, const char *to_root, const char *rel)
{
	char dir[STORE_PATH_MAX], to[STORE_PATH_MAX];
	const char *slash = strchr(rel, '/');
	if (!slash || snprintf(dir, sizeof dir, "%s/%.*s", to_root, (int)(slash - rel), rel)
			>= (int)sizeof dir || join(to, to_root, rel) < 0)
		return -1;
	if (mkdir_ok(to_root) < 0 || mkdir_ok(dir) < 0 || rename(from, to) < 0) {
		fprintf(stderr, "links: cannot move %s to %s: %s\n", from, to, strerror(errno));
		return -1;
	}
	return 0;
}

/* One stored file where the database wants it: in root when public, in the
 * private store when not.  A copy in the other tree (store_put stores into
 * root again when the same bytes are uploaded anew) goes. */
static int place(void *ctx, const char *rel, int public)
{
	struct pass *p = ctx;
	char want[STORE_PATH_MAX], other[STORE_PATH_MAX];
	if (public != p->publish)
		return 0;
	if (strstr(rel, "..") || !strchr(rel, '/') ||
	    join(want, public ? p->root : p->private, rel) < 0 ||
	    join(other, public ? p->private : p->root, rel) < 0)
		return -1;
	if (exists(want)) {
		if (unlink(other) == 0)
			p->changed++;
		return 0;
	}
	if (!exists(other)) {
		fprintf(stderr, "links: stored file %s is missing\n", rel);
		return 0;       /* nothing to do here; `admin check` reports it */
	}
	if (move(other, public ? p->root : p->private, rel) < 0)
		return -1;
	p->changed++;
	return 0;
}

/* Files out first, then the names that point at them; names removed
 * first, then the files taken in: no name ever points at nothing. */
static int edition(struct pass *p, long long edition_id)
{
	int rc = 0;
	p->publish = 1;
	if (db_links_each_media(edition_id, place, p) < 0)
		rc = -1;
	if (edition_id && (db_links_each_talk(edition_id, talk, p) < 0 ||
			   slides_zip(p, edition_id) < 0))
		rc = -1;
	p->publish = 0;
	if (db_links_each_media(edition_id, place, p) < 0)
		rc = -1;
	return rc;
}

static int talks_of(void *ctx, long long edition_id)
{
	int rc = db_links_each_talk(edition_id, talk, ctx);
	return rc < 0 || slides_zip(ctx, edition_id) < 0 ? -1 : 0;
}

static int all(struct pass *p)
{
	int rc = 0;
	p->publish = 1;
	if (db_links_each_media(0, place, p) < 0)
		rc = -1;
	if (db_links_each_edition(talks_of, p) < 0)
		rc = -1;
	p->publish = 0;
	if (db_links_each_media(0, place, p) < 0)
		rc = -1;
	return rc;
}

/* ---- files no row knows ---- */

static int open_lock(const char *root)
{
	char priv[STORE_PATH_MAX], path[STORE_PATH_MAX];
	if (links_private_root(root, priv, sizeof priv) < 0 || mkdir_ok(priv) < 0 ||
	    join(path, priv, LINKS_LOCK_FILE) < 0)
		return -1;
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC, LINKS_LOCK_MODE);
}

static int lock(int fd, short type, int wait)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET };
	int rc;
	while ((rc = fcntl(fd, wait ? F_SETLKW : F_SETLK, &l)) < 0 && errno == EINTR)
		;
	return rc;
}

int links_writer_enter(const char *root)
{
	int fd = open_lock(root);
	if (fd >= 0 && lock(fd, F_RDLCK, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void links_writer_leave(int fd)
{
	if (fd >= 0)
		close(fd);      /* ends the lock */
}

static int is_hex2(const char *s)
{
	return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

/* Remove the files of dir/<2 hex>/ that no media row names. */
static int sweep_tree(struct pass *p, const char *dir)
{
	DIR *top = opendir(dir);
	struct dirent *a, *b;
	int rc = 0;
	if (!top)
		return errno == ENOENT ? 0 : -1;
	while ((a = readdir(top))) {
		char sub[STORE_PATH_MAX], rel[STORE_REL_MAX + 8], path[STORE_PATH_MAX];
		DIR *d;
		if (!is_hex2(a->d_name) || join(sub, dir, a->d_name) < 0 || !(d = opendir(sub)))
			continue;
		while ((b = readdir(d))) {
			if (b->d_name[0] == '.' ||
			    snprintf(rel, sizeof rel, "%s/%s", a->d_name, b->d_name) >= (int)sizeof rel)
				continue;
			enum db_result known = db_links_media_known(rel);
			if (known == DB_FAILED)
				rc = -1;
			else if (known == DB_MISSING && join(path, dir, rel) == 0 &&
				 unlink(path) == 0)
				p->changed++;
		}
		closedir(d);
	}
	closedir(top);
	return rc;
}

/* Only while no admin request is between storing a file and committing
 * its row (they hold the lock shared): otherwise skipped (1), for the
 * next start.  0 done, -1 on an error. */
static int sweep(struct pass *p)
{
	int fd = open_lock(p->root), rc = 1;
	if (fd < 0)
		return -1;
	if (lock(fd, F_WRLCK, 0) == 0)
		rc = sweep_tree(p, p->root) | sweep_tree(p, p->private);
	close(fd);
	return rc < 0 ? -1 : rc;
}

/* ---- the mark of the last whole pass ---- */

/* What the rules ask of the media tree, as one SHA-256 over the rows of
 * every rule's query (lib/db_links.h), in hex: what a whole pass made
 * true when the mark holds it. */
static void hash_str(crypto_hash_sha256_state *st, const char *s)
{
	crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s) + 1);
}

static int state_media(void *ctx, const char *path, int public)
{
	hash_str(ctx, path);
	hash_str(ctx, public ? "public" : "private");
	return 0;
}

static int state_pair(void *ctx, const char *a, const char *b)
{
	hash_str(ctx, a);
	hash_str(ctx, b);
	return 0;
}

static int state_edition(void *ctx, long long edition_id)
{
	char zip[DB_TALK_PATH_MAX];
	if (db_links_each_talk(edition_id, state_pair, ctx) < 0 ||
	    db_links_each_slide(edition_id, zip, sizeof zip, state_pair, ctx) < 0)
		return -1;
	hash_str(ctx, zip);
	return 0;
}

static int state_of(char hex[LINKS_STATE_HEX])
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	if (db_links_each_media(0, state_media, &st) < 0 ||
	    db_links_each_edition(state_edition, &st) < 0)
		return -1;
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(hex, LINKS_STATE_HEX, digest, sizeof digest);
	return 0;
}

static int mark_path(const char *root, char out[STORE_PATH_MAX])
{
	char priv[STORE_PATH_MAX];
	return links_private_root(root, priv, sizeof priv) < 0 ? -1 :
		join(out, priv, LINKS_MARK_FILE);
}

/* Written whole or not at all (a temp name renamed); a failure only
 * means the next start makes a whole pass again. */
static void mark_write(const char *root, const char *hex)
{
	char path[STORE_PATH_MAX], tmp[STORE_PATH_MAX + 32];
	if (mark_path(root, path) < 0 ||
	    snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	int ok = fputs(hex, f) >= 0;
	if (fclose(f) != 0 || !ok || rename(tmp, path) < 0)
		unlink(tmp);
}

static int mark_holds(const char *root, const char *hex)
{
	char path[STORE_PATH_MAX], got[LINKS_STATE_HEX] = "";
	FILE *f;
	if (mark_path(root, path) < 0 || !(f = fopen(path, "r")))
		return 0;
	size_t n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	got[n] = '\0';
	return strcmp(got, hex) == 0;
}

void links_mark_clear(const char *root)
{
	char path[STORE_PATH_MAX];
	if (mark_path(root, path) == 0)
		unlink(path);
}

int links_find_stored(const char *root, const char *rel, char *out, size_t n)
{
	char priv[STORE_PATH_MAX];
	struct stat st;
	int k;
	if (links_private_root(root, priv, sizeof priv) == 0 &&
	    (k = snprintf(out, n, "%s/%s", priv, rel)) > 0 && (size_t)k < n &&
	    lstat(out, &st) == 0)
		return 0;
	k = snprintf(out, n, "%s/%s", root, rel);
	return k > 0 && (size_t)k < n && lstat(out, &st) == 0 ? 0 : -1;
}

int links_remove_stored(const char *root, const char *rel)
{
	char priv[STORE_PATH_MAX], a[STORE_PATH_MAX], b[STORE_PATH_MAX];
	if (strstr(rel, "..") || links_private_root(root, priv, sizeof priv) < 0 ||
	    join(a, root, rel) < 0 || join(b, priv, rel) < 0)
		return -1;
	int rc = 0;
	if (unlink(a) < 0 && errno != ENOENT)
		rc = -1;
	if (unlink(b) < 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

/* ---- under the write lock ---- */

/* Everything, and the orphans; when all of it was done, the mark says
 * which state the tree now follows. */
static int whole(struct pass *p)
{
	char hex[LINKS_STATE_HEX];
	int rc = all(p), swept = sweep(p);
	if (rc < 0 || swept < 0)
		return -1;
	if (swept == 0 && state_of(hex) == 0)
		mark_write(p->root, hex);
	else
		links_mark_clear(p->root);
	return 0;
}

/* Run the pass under the database's write lock: a transaction of our own,
 * or the caller's. */
static int locked(const char *root, long long edition_id, int everything)
{
	struct pass p = { .root = root };
	if (!db_handle() || links_private_root(root, p.private, sizeof p.private) < 0)
		return -1;
	int own = sqlite3_get_autocommit(db_handle());
	if (own && db_begin() < 0)
		return -1;
	int rc = everything ? whole(&p) : edition(&p, edition_id);
	if (own)
		db_rollback();      /* nothing was written: only the lock ends */
	return rc < 0 ? -1 : p.changed;
}

int links_reconcile_edition(const char *root, long long edition_id)
{
	return locked(root, edition_id, 0);
}

int links_reconcile_all(const char *root)
{
	return locked(root, 0, 1);
}

int links_reconcile_start(const char *root)
{
	char hex[LINKS_STATE_HEX];
	if (!db_handle() || db_begin_read() < 0)
		return -1;
	/* One snapshot: the rows read are one committed state. */
	int same = state_of(hex) == 0 && mark_holds(root, hex);
	db_rollback();
	return same ? 0 : links_reconcile_all(root);
}
