/* check: the site's data against itself.  See check.h. */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "db.h"
#include "db_links.h"
#include "db_ops.h"
#include "links.h"
#include "tree.h"

#define CHECK_LINE_MAX 512
#define LINK_REPAIR (CHECK_REPAIR | CHECK_REPAIR_LINKS)

struct run {
	int flags;
	char root[TREE_PATH_MAX];
	struct check_report *rep;
	check_say_fn say;
	void *ctx;
	time_t young_since;     /* newer than this: left alone */
	char **known;           /* media paths the database lists, sorted */
	size_t nknown, capknown;
	char **links;           /* stable links the rule names, any state */
	size_t nlinks, caplinks;
	int bad;                /* links found wrong in this pass */
	int quiet;              /* a pass after repairing: count only */
};

static void say(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct run *r, const char *fmt, ...)
{
	char line[CHECK_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (r->say)
		r->say(r->ctx, line);
}

static void push(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*v = realloc(*v, *cap * sizeof **v);
		if (!*v)
			abort();
	}
	(*v)[(*n)++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int listed(char **v, size_t n, const char *s)
{
	return bsearch(&s, v, n, sizeof *v, cmp_str) != NULL;
}

static int path_of(struct run *r, const char *rel, char out[TREE_PATH_MAX])
{
	return snprintf(out, TREE_PATH_MAX, "%s/%s", r->root, rel) < TREE_PATH_MAX ? 0 : -1;
}

/* ---- the database ---- */

static int on_integrity(void *ctx, const char *const *col)
{
	say(ctx, "database: %s", col[0] ? col[0] : "?");
	return 0;
}

static int on_foreign_key(void *ctx, const char *const *col)
{
	say(ctx, "database: %s row %s refers to a missing %s row",
	    col[0] ? col[0] : "?", col[1] ? col[1] : "?", col[2] ? col[2] : "?");
	return 0;
}

/* ---- stored files ---- */

static void check_hash(struct run *r, const char *rel, const char *path, const char *want)
{
	char hex[BACKUP_HEX_LEN + 1];
	long long bytes;
	if (backup_file_sha256(path, hex, &bytes) < 0) {
		say(r, "unreadable: media/%s", rel);
		r->rep->missing++;
	} else if (strcmp(hex, want) != 0) {
		say(r, "altered: media/%s (its SHA-256 is %s)", rel, hex);
		r->rep->wrong_hash++;
	}
}

static int on_media(void *ctx, const char *const *col)
{
	struct run *r = ctx;
	char path[TREE_PATH_MAX];
	struct stat st;
	const char *rel = col[0] ? col[0] : "";
	long long want = col[2] ? atoll(col[2]) : -1;
	push(&r->known, &r->nknown, &r->capknown, rel);
	r->rep->files++;
	/* In media/ or, taken down, in the private store (lib/links.h). */
	if (links_find_stored(r->root, rel, path, sizeof path) < 0 || lstat(path, &st) < 0 ||
	    !S_ISREG(st.st_mode)) {
		say(r, "missing: media/%s", rel);
		r->rep->missing++;
	} else if ((long long)st.st_size != want) {
		say(r, "wrong size: media/%s has %lld bytes, the database says %lld",
		    rel, (long long)st.st_size, want);
		r->rep->wrong_size++;
	} else if (r->flags & CHECK_HASHES) {
		check_hash(r, rel, path, col[1] ? col[1] : "");
	}
	return 0;
}

/* ---- orphans ---- */

static void remove_file(struct run *r, const char *rel, const char *what)
{
	char path[TREE_PATH_MAX];
	if (path_of(r, rel, path) == 0 && (unlink(path) == 0 || errno == ENOENT)) {
		say(r, "repaired: removed %s media/%s", what, rel);
		r->rep->repaired++;
	} else {
		say(r, "could not remove media/%s: %s", rel, strerror(errno));
	}
}

static int on_unused(void *ctx, const char *const *col)
{
	struct run *r = ctx;
	const char *rel = col[1] ? col[1] : "";
	r->rep->unused_rows++;
	if (!(r->flags & CHECK_REPAIR)) {
		say(r, "unused: media/%s (media row %s: nothing refers to it)", rel, col[0]);
		return 0;
	}
	int rc = db_ops_media_delete(atoll(col[0]));
	if (rc == 1)
		remove_file(r, rel, "the unused row and file");
	else
		say(r, "unused: media/%s (media row %s) %s", rel, col[0],
		    rc == 0 ? "is still referred to: kept" : "could not be deleted");
	return 0;
}

static int is_under(const char *rel, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(rel, dir, n) == 0 && rel[n] == '/';
}

static int on_tree(void *ctx, const char *rel, enum tree_kind kind, long long size,
		   long long mtime)
{
	struct run *r = ctx;
	(void)size;
	if (is_under(rel, "tmp") || is_under(rel, "talks"))
		return 0;
	if (kind == TREE_FILE && listed(r->known, r->nknown, rel))
		return 0;
	if (mtime > (long long)r->young_since) {
		r->rep->young++;
		return 0;
	}
	r->rep->orphan_files++;
	if (r->flags & CHECK_REPAIR)
		remove_file(r, rel, "the orphan");
	else
		say(r, "orphan: media/%s (no media row lists it)", rel);
	return 0;
}

/* ---- the stable links ---- */

/* What the rule says link must be: a link to "../target", or absent. */
static int link_state_ok(struct run *r, const char *link, const char *target)
{
	char path[TREE_PATH_MAX], value[TREE_PATH_MAX], want[TREE_PATH_MAX];
	struct stat st;
	if (path_of(r, link, path) < 0)
		return 0;
	ssize_t n = readlink(path, value, sizeof value - 1);
	if (!*target)
		return n < 0 && lstat(path, &st) < 0;
	if (n < 0)
		return 0;
	value[n] = '\0';
	snprintf(want, sizeof want, "../%s", target);
	return strcmp(value, want) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int on_talk_link(void *ctx, const char *link, const char *target)
{
	struct run *r = ctx;
	if (!r->quiet)
		push(&r->links, &r->nlinks, &r->caplinks, link);
	if (link_state_ok(r, link, target))
		return 0;
	r->bad++;
	if (!r->quiet)
		say(r, "link: media/%s %s", link, *target ? "does not lead to the talk's slides" :
		    "should not exist (no slides, in the trash or not published)");
	return 0;
}

/* The slides ZIP is one of the rule's names while it should exist
 * (lib/links.h); otherwise a copy left in talks/ is an unknown link. */
static int on_edition(void *ctx, long long edition_id)
{
	struct run *r = ctx;
	char zip[TREE_PATH_MAX];
	int want = links_slides_zip(edition_id, zip, sizeof zip);
	if (want > 0 && !r->quiet)
		push(&r->links, &r->nlinks, &r->caplinks, zip);
	return want < 0 || db_links_each_talk(edition_id, on_talk_link, ctx) < 0 ? -1 : 0;
}

/* Links in talks/ that no presentation names: a purged talk's, or junk.
 * lib/links.c only ever touches the names the rule lists. */
static int on_talks_dir(void *ctx, const char *rel, enum tree_kind kind, long long size,
			long long mtime)
{
	struct run *r = ctx;
	char link[TREE_PATH_MAX];
	(void)kind, (void)size;
	snprintf(link, sizeof link, "talks/%s", rel);
	if (listed(r->links, r->nlinks, link) || mtime > (long long)r->young_since)
		return 0;
	r->rep->bad_links++;
	if (r->flags & LINK_REPAIR)
		remove_file(r, link, "the unknown link");
	else
		say(r, "link: media/%s belongs to no presentation", link);
	return 0;
}

/* The rule's links, checked; repaired by lib/links.c and checked again. */
static int rule_links(struct run *r)
{
	r->bad = 0;
	if (db_links_each_edition(on_edition, r) < 0)
		return -1;
	r->rep->bad_links += r->bad;
	/* A restore sorts the whole tree even when every link is right: the
	 * archive carries taken-down files under media/, and they must be
	 * back in the private store before a web server serves the site. */
	int restore = r->flags & CHECK_REPAIR_LINKS;
	if (!(r->flags & LINK_REPAIR) || (!r->bad && !restore))
		return 0;
	int changed = links_reconcile_all(r->root);
	if (!r->bad)
		return changed < 0 ? -1 : 0;
	r->quiet = 1;
	r->bad = 0;
	if (db_links_each_edition(on_edition, r) < 0)
		return -1;
	r->quiet = 0;
	r->rep->repaired += r->rep->bad_links - r->bad;
	say(r, "repaired: %d talk link%s remade or removed%s", changed < 0 ? 0 : changed,
	    changed == 1 ? "" : "s", r->bad ? "; some could not be" : "");
	return 0;
}

static int check_links(struct run *r)
{
	char dir[TREE_PATH_MAX];
	struct stat st;
	if (rule_links(r) < 0)
		return -1;
	qsort(r->links, r->nlinks, sizeof *r->links, cmp_str);
	if (path_of(r, "talks", dir) < 0 || (lstat(dir, &st) < 0 && errno == ENOENT))
		return 0;
	return tree_walk(dir, on_talks_dir, r);
}

static int problems(const struct check_report *p)
{
	return p->integrity + p->foreign_keys + p->missing + p->wrong_size + p->wrong_hash +
	       p->orphan_files + p->unused_rows + p->bad_links - p->repaired;
}

static int run_all(struct run *r)
{
	struct check_report *p = r->rep;
	if ((p->integrity = db_ops_integrity(on_integrity, r)) < 0 ||
	    (p->foreign_keys = db_ops_foreign_keys(on_foreign_key, r)) < 0 ||
	    db_ops_media(on_media, r) < 0)
		return -1;
	int repair = r->flags & CHECK_REPAIR;
	if (repair && db_begin() < 0)
		return -1;
	int rc = db_ops_unused_media((long long)r->young_since, on_unused, r);
	if (repair && (rc < 0 ? (db_rollback(), -1) : db_commit()) < 0)
		return -1;
	if (rc < 0 || tree_walk(r->root, on_tree, r) < 0 || check_links(r) < 0)
		return -1;
	return 0;
}

int check_run(const char *db_path, int flags, struct check_report *rep,
	      check_say_fn say_fn, void *ctx)
{
	struct run r = { .flags = flags, .rep = rep, .say = say_fn, .ctx = ctx };
	memset(rep, 0, sizeof *rep);
	backup_media_root(db_path, r.root);
	r.young_since = time(NULL) - CHECK_GRACE_SECONDS;
	if (db_open(db_path, (flags & LINK_REPAIR) ? DB_READWRITE : DB_READONLY) < 0)
		return -1;
	int rc = run_all(&r);
	db_close();
	for (size_t i = 0; i < r.nknown; i++)
		free(r.known[i]);
	for (size_t i = 0; i < r.nlinks; i++)
		free(r.links[i]);
	free(r.known);
	free(r.links);
	return rc < 0 ? -1 : problems(rep);
}
