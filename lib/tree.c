/* tree: walking and removing directory trees.  See tree.h. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int join(char *out, const char *a, const char *b)
{
	int n = snprintf(out, TREE_PATH_MAX, "%s%s%s", a, *a && *b ? "/" : "", b);
	if (n < 0 || n >= TREE_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (without . and ..), sorted; NULL on error. */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t cap = 0;
	struct dirent *e;
	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **m = realloc(names, (cap + 1) * sizeof *names);
			if (!m)
				abort();
			names = m;
		}
		names[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (!names)
		names = calloc(1, sizeof *names);
	qsort(names, *n, sizeof *names, by_name);
	return names;
}

static void free_list(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int walk(const char *root, const char *rel, int depth, tree_fn fn, void *ctx)
{
	char dir[TREE_PATH_MAX], path[TREE_PATH_MAX], sub[TREE_PATH_MAX];
	size_t n;
	if (depth > TREE_DEPTH_MAX || join(dir, root, rel) < 0)
		return -1;
	char **names = list_dir(dir, &n);
	int rc = names ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct stat st;
		if (join(path, dir, names[i]) < 0 || join(sub, rel, names[i]) < 0 ||
		    lstat(path, &st) < 0) {
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(root, sub, depth + 1, fn, ctx);
		} else {
			enum tree_kind k = S_ISREG(st.st_mode) ? TREE_FILE :
					   S_ISLNK(st.st_mode) ? TREE_LINK : TREE_OTHER;
			rc = fn(ctx, sub, k, (long long)st.st_size, (long long)st.st_mtime);
		}
	}
	if (names)
		free_list(names, n);
	return rc;
}

int tree_walk(const char *root, tree_fn fn, void *ctx)
{
	return walk(root, "", 0, fn, ctx);
}

static int remove_at(const char *path, int depth)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
	if (depth > TREE_DEPTH_MAX)
		return -1;
	size_t n;
	char **names = list_dir(path, &n);
	char sub[TREE_PATH_MAX];
	int rc = names ? 0 : -1;
	for (size_t i = 0; names && i < n; i++) {
		if (join(sub, path, names[i]) < 0 || remove_at(sub, depth + 1) < 0)
			rc = -1;
	}
	if (names)
		free_list(names, n);
	return rc == 0 && rmdir(path) == 0 ? 0 : -1;
}

int tree_remove(const char *path)
{
	return remove_at(path, 0);
}

int tree_mkdirs(const char *root, const char *rel, unsigned mode)
{
	char path[TREE_PATH_MAX];
	if (join(path, root, rel) < 0)
		return -1;
	size_t start = strlen(root) + 1;
	for (char *p = path + start; (p = strchr(p, '/')); p++) {
		*p = '\0';
		int rc = mkdir(path, (mode_t)mode);
		*p = '/';
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static int prune(const char *dir, int depth)
{
	size_t n;
	char **names = depth > TREE_DEPTH_MAX ? NULL : list_dir(dir, &n);
	char sub[TREE_PATH_MAX];
	int removed = 0;
	struct stat st;
	for (size_t i = 0; names && i < n; i++) {
		if (join(sub, dir, names[i]) == 0 && lstat(sub, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			removed += prune(sub, depth + 1);
			removed += rmdir(sub) == 0;
		}
	}
	if (names)
		free_list(names, n);
	return removed;
}

int tree_prune(const char *root)
{
	return prune(root, 0);
}

int tree_has_content(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return -1;
	DIR *d = opendir(dir);
	struct dirent *e;
	int any = d ? 0 : -1;
	while (d && !any && (e = readdir(d)))
		any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return any;
}
