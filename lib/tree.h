/* tree: directory trees on disk - walking and removing them.  What backup,
 * check and export share.  Paths are built in fixed buffers of
 * TREE_PATH_MAX; a longer one is an error, never a truncated name. */
#ifndef TREE_H
#define TREE_H

#define TREE_PATH_MAX 4096
#define TREE_DEPTH_MAX 16       /* deeper trees are not ours: refused */

/* Kinds tree_walk reports. */
enum tree_kind { TREE_FILE, TREE_LINK, TREE_OTHER };

/* Call fn for every entry below root that is not a directory, depth first
 * in name order, with its path relative to root ("ab/ab12.jpg"), its kind
 * and its lstat size and mtime.  fn returns 0 to go on, -1 to stop.
 * Returns 0, or -1 when fn stopped or a directory could not be read. */
typedef int (*tree_fn)(void *ctx, const char *rel, enum tree_kind kind,
		       long long size, long long mtime);
int tree_walk(const char *root, tree_fn fn, void *ctx);

/* Remove path and everything below it (symlinks are removed, never
 * followed).  0, or -1 (errno set) when something stayed. */
int tree_remove(const char *path);

/* mkdir -p for the directories of rel below root (not rel's last part),
 * with mode.  0 or -1. */
int tree_mkdirs(const char *root, const char *rel, unsigned mode);

/* 1 when dir exists and holds anything, 0 when it is missing or empty,
 * -1 when it is not a directory or cannot be read. */
int tree_has_content(const char *dir);

/* Remove empty directories below root (not root itself).  Their number. */
int tree_prune(const char *root);

#endif
