/* tree: walking, removing, making and pruning directory trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

static char dir[64], outside[64];

static void put(const char *rel, const char *text)
{
	char p[TREE_PATH_MAX];
	assert_true(snprintf(p, sizeof p, "%s/%s", dir, rel) < (int)sizeof p);
	assert_int_equal(tree_mkdirs(dir, rel, 0750), 0);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_tree.XXXXXX");
	strcpy(outside, "/tmp/test_tree_out.XXXXXX");
	return mkdtemp(dir) && mkdtemp(outside) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(dir);
	tree_remove(outside);
	return 0;
}

static int collect(void *ctx, const char *rel, enum tree_kind kind, long long size,
		   long long mtime)
{
	char *out = ctx;
	(void)mtime;
	size_t n = strlen(out);
	snprintf(out + n, 512 - n, "%s:%c:%lld ", rel,
		 kind == TREE_FILE ? 'f' : kind == TREE_LINK ? 'l' : 'o', size);
	return 0;
}

static void walk_lists_files_in_name_order_with_kinds(void **state)
{
	(void)state;
	char seen[512] = "", link[TREE_PATH_MAX];
	put("b/z.txt", "zz");
	put("a.txt", "a");
	put("b/c/d.txt", "ddd");
	snprintf(link, sizeof link, "%s/b/l", dir);
	assert_int_equal(symlink("../a.txt", link), 0);
	assert_int_equal(tree_walk(dir, collect, seen), 0);
	assert_string_equal(seen, "a.txt:f:1 b/c/d.txt:f:3 b/l:l:8 b/z.txt:f:2 ");
}

static int stop(void *ctx, const char *rel, enum tree_kind kind, long long size,
		long long mtime)
{
	(void)rel, (void)kind, (void)size, (void)mtime;
	++*(int *)ctx;
	return -1;
}

static void walk_stops_when_told(void **state)
{
	(void)state;
	int calls = 0;
	put("x", "1");
	put("y", "2");
	assert_int_equal(tree_walk(dir, stop, &calls), -1);
	assert_int_equal(calls, 1);
}

static void remove_takes_links_not_their_targets(void **state)
{
	(void)state;
	char keep[TREE_PATH_MAX], link[TREE_PATH_MAX], sub[TREE_PATH_MAX];
	snprintf(keep, sizeof keep, "%s/keep", outside);
	FILE *f = fopen(keep, "w");
	fclose(f);
	put("s/t/u.txt", "u");
	snprintf(link, sizeof link, "%s/s/out", dir);
	assert_int_equal(symlink(outside, link), 0);
	snprintf(sub, sizeof sub, "%s/s", dir);
	assert_int_equal(tree_remove(sub), 0);
	assert_int_equal(access(sub, F_OK), -1);
	assert_int_equal(access(keep, F_OK), 0);
}

static void remove_of_nothing_is_fine(void **state)
{
	(void)state;
	char p[TREE_PATH_MAX];
	snprintf(p, sizeof p, "%s/none", dir);
	assert_int_equal(tree_remove(p), 0);
}

static void prune_removes_only_empty_directories(void **state)
{
	(void)state;
	char p[TREE_PATH_MAX];
	put("full/f", "x");
	assert_int_equal(tree_mkdirs(dir, "e1/e2/e3/name", 0750), 0);
	assert_int_equal(tree_prune(dir), 3);
	snprintf(p, sizeof p, "%s/full/f", dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s/e1", dir);
	assert_int_equal(access(p, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(walk_lists_files_in_name_order_with_kinds),
		T(walk_stops_when_told),
		T(remove_takes_links_not_their_targets),
		T(remove_of_nothing_is_fine),
		T(prune_removes_only_empty_directories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
