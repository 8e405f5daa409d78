/* store: content-addressed storage of uploaded files, temp files and
 * stable links.  See store.h for the layout and the contracts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "store.h"
#include "space.h"

#define STORE_IO_CHUNK   65536       /* read size for hashing */

static int path_join(char *dst, size_t n, const char *a, const char *b)
{
	int r = snprintf(dst, n, "%s/%s", a, b);

	return r < 0 || (size_t)r >= n ? -1 : 0;
}

static int is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_hex_lower(int c)
{
	return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9');
}

static int ext_valid(const char *ext)
{
	size_t n = strlen(ext);

	if (n == 0 || n > STORE_EXT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum((unsigned char)ext[i]))
			return 0;
	return 1;
}

/* A rename or a new entry is durable only once its directory is synced
 * (rename(2) is atomic, not durable; see ext4's data=ordered caveats). */
static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* A call that failed with errno: -1, and a full disk noted (space.h). */
static int failed(const char *what)
{
	space_note(what, errno);
	return -1;
}

/* mkdir that tolerates an existing directory; *created tells which. */
static int ensure_dir(const char *dir, int *created)
{
	struct stat st;

	*created = 0;
	if (mkdir(dir, 0750) == 0) {
		*created = 1;
		return 0;
	}
	if (errno != EEXIST)
		return failed("store: mkdir");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return -1;
	return 0;
}

int store_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return failed("store: write");
		if (w == 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}


int store_tmp_open(const char *root, int *fd, char path[STORE_PATH_MAX])
{
	char dir[STORE_PATH_MAX];
	int created;

	*fd = -1;
	char name[48];
	/* The writer's pid in the name: when a worker dies mid-upload, its
	 * supervisor knows which temp files were its (store_clean_tmp_of). */
	snprintf(name, sizeof name, STORE_TMP_PREFIX "%ld-XXXXXX", (long)getpid());
	if (path_join(dir, sizeof dir, root, "tmp") || ensure_dir(dir, &created)
			|| path_join(path, STORE_PATH_MAX, dir, name))
		return -1;
	*fd = mkstemp(path);
	if (*fd < 0)
		return failed("store: temp file");
	/* mkstemp gives 0600; the web server's group must read stored files,
	 * and the file keeps this mode when renamed into place. */
	if (fchmod(*fd, 0640) || fcntl(*fd, F_SETFD, FD_CLOEXEC)) {
		close(*fd);
		unlink(path);
		*fd = -1;
		return -1;
	}
	return 0;
}

/* The temp file must be a direct child of root/tmp: rename(2) then stays
 * on one file system and nothing outside the media root can be moved. */
static int tmp_path_valid(const char *root, const char *tmp_path)
{
	size_t n = strlen(root);

	if (strncmp(tmp_path, root, n) != 0 || strncmp(tmp_path + n, "/tmp/", 5))
		return 0;
	tmp_path += n + 5;
	return *tmp_path && *tmp_path != '.' && !strchr(tmp_path, '/');
}

/* SHA-256 of the file behind fd, streamed; the byte count in *bytes. */
static int hash_fd(int fd, char hex[STORE_HEX_LEN + 1], long long *bytes)
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	unsigned char *chunk = xmalloc(STORE_IO_CHUNK);
	ssize_t n;

	*bytes = 0;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, chunk, STORE_IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
		*bytes += n;
	}
	free(chunk);
	if (n < 0)
		return -1;
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(hex, STORE_HEX_LEN + 1, digest, sizeof digest);
	return 0;
}

/* Hash and flush the temp file: its bytes are on disk before its name is. */
static int hash_tmp(const char *tmp_path, struct store_file *out)
{
	struct stat st;
	int fd, r;

	fd = open(tmp_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fstat(fd, &st) || !S_ISREG(st.st_mode)
		|| hash_fd(fd, out->sha256, &out->bytes) || fsync(fd) ? -1 : 0;
	close(fd);
	return r;
}

static int place(const char *root, const char *tmp_path, const char *ext,
		struct store_file *out)
{
	char sub[3], dir[STORE_PATH_MAX], dest[STORE_PATH_MAX];
	struct stat st;
	int created;

	memcpy(sub, out->sha256, 2);
	sub[2] = '\0';
	snprintf(out->path, sizeof out->path, "%s/%s.%s", sub, out->sha256, ext);
	if (path_join(dir, sizeof dir, root, sub) || ensure_dir(dir, &created)
			|| path_join(dest, sizeof dest, root, out->path))
		return -1;
	if (lstat(dest, &st) == 0) {
		/* Same name, same bytes: already stored. */
		if (!S_ISREG(st.st_mode))
			return -1;
		unlink(tmp_path);
		return 0;
	}
	/* ENOENT: a store_undo elsewhere removed the directory between
	 * ensure_dir and here; make it again, once. */
	if (rename(tmp_path, dest) && (errno != ENOENT
			|| ensure_dir(dir, &created) || rename(tmp_path, dest)))
		return failed("store: rename");
	if (fsync_dir(dir))
		return -1;
	out->created = created ? 2 : 1;
	return created ? fsync_dir(root) : 0;
}

/* Undo a store_put whose row will never be written: only a file this
 * store created goes, one that was there before may be referenced. */
void store_undo(const char *root, struct store_file *f)
{
	char p[STORE_PATH_MAX];
	if (f->created && path_join(p, sizeof p, root, f->path) == 0
			&& unlink(p) == 0 && f->created == 2) {
		/* Its directory came with it: that goes too, unless another
		 * file has arrived there since (rmdir keeps a non-empty one). */
		*strrchr(p, '/') = '\0';
		rmdir(p);
	}
	f->created = 0;
}

int store_put(const char *root, const char *tmp_path, const char *ext,
		struct store_file *out)
{
	memset(out, 0, sizeof *out);
	if (sodium_init() < 0 || !ext_valid(ext)
			|| !tmp_path_valid(root, tmp_path)
			|| hash_tmp(tmp_path, out)
			|| place(root, tmp_path, ext, out)) {
		unlink(tmp_path);
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* Unlink the entries of dir whose names start with prefix ("" for all)
 * and that were last modified before `before`. */
static int clean_dir(const char *dir, const char *prefix, time_t before)
{
	char p[STORE_PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")
				|| strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		if (path_join(p, sizeof p, dir, e->d_name) == 0
				&& lstat(p, &st) == 0 && st.st_mtime < before
				&& unlink(p) == 0)
			n++;
	}
	closedir(d);
	return n;
}


int store_clean_tmp_of(const char *root, long pid)
{
	char dir[STORE_PATH_MAX], prefix[32];
	if (path_join(dir, sizeof dir, root, "tmp"))
		return -1;
	snprintf(prefix, sizeof prefix, STORE_TMP_PREFIX "%ld-", pid);
	/* Every such file, whatever its age: its writer is gone. */
	int a = clean_dir(dir, prefix, time(NULL) + 1);
	if (path_join(dir, sizeof dir, root, "talks"))
		return -1;
	snprintf(prefix, sizeof prefix, STORE_LINK_TMP "%ld-", pid);
	int b = clean_dir(dir, prefix, time(NULL) + 1);
	return a < 0 || b < 0 ? -1 : a + b;
}

int store_clean_tmp(const char *root)
{
	char dir[STORE_PATH_MAX];
	time_t before = time(NULL) - STORE_TMP_STALE_SECONDS;
	int a, b;

	if (path_join(dir, sizeof dir, root, "tmp"))
		return -1;
	a = clean_dir(dir, "", before);
	if (path_join(dir, sizeof dir, root, "talks"))
		return -1;
	b = clean_dir(dir, STORE_LINK_TMP, before);
	return a < 0 || b < 0 ? -1 : a + b;
}

/* "ab/ab<62 hex>.<ext>", as place() writes it. */
static int stored_rel_valid(const char *rel)
{
	for (int i = 0; i < STORE_HEX_LEN; i++)
		if (!is_hex_lower((unsigned char)rel[3 + i]))
			return 0;
	return rel[0] == rel[3] && rel[1] == rel[4] && rel[2] == '/'
		&& rel[3 + STORE_HEX_LEN] == '.'
		&& ext_valid(rel + 4 + STORE_HEX_LEN);
}

/* "dir/name": [a-z0-9-]+ "/" [a-z0-9.-]+, name not starting with a dot
 * (no "..", no hidden files, nothing the link temp names could match). */
static int link_rel_valid(const char *rel)
{
	const char *slash = strchr(rel, '/');
	const char *p;

	if (!slash || slash == rel || slash[1] == '\0' || slash[1] == '.'
			|| strlen(rel) > 200)
		return 0;
	for (p = rel; p < slash; p++)
		if (!is_lower_alnum((unsigned char)*p) && *p != '-')
			return 0;
	for (p = slash + 1; *p; p++)
		if (!is_lower_alnum((unsigned char)*p) && *p != '-' && *p != '.')
			return 0;
	return 1;
}

/* A symlink cannot be replaced in place; one made under a temp name and
 * renamed over the old one is (rename(2) replaces atomically). */
int store_link(const char *root, const char *link_rel, const char *target_rel)
{
	char dir[STORE_PATH_MAX], lnk[STORE_PATH_MAX], tmp[STORE_PATH_MAX];
	char value[STORE_REL_MAX + 3], sub[256];
	const char *name;
	struct stat st;
	int created;

	if (!link_rel_valid(link_rel) || !stored_rel_valid(target_rel))
		return -1;
	name = strchr(link_rel, '/') + 1;
	snprintf(sub, sizeof sub, "%.*s", (int)(name - 1 - link_rel), link_rel);
	snprintf(value, sizeof value, "../%s", target_rel);
	if (path_join(tmp, sizeof tmp, root, target_rel) || lstat(tmp, &st)
			|| !S_ISREG(st.st_mode))
		return -1;                  /* never make a dangling link */
	if (path_join(dir, sizeof dir, root, sub) || ensure_dir(dir, &created)
			|| path_join(lnk, sizeof lnk, root, link_rel))
		return -1;
	if (snprintf(tmp, sizeof tmp, "%s/" STORE_LINK_TMP "%ld-%s", dir,
			(long)getpid(), name) >= (int)sizeof tmp)
		return -1;
	unlink(tmp);                        /* left by a crash of this pid */
	if (symlink(value, tmp))
		return failed("store: symlink");
	if (rename(tmp, lnk)) {
		failed("store: rename link");
		unlink(tmp);
		return -1;
	}
	if (fsync_dir(dir))
		return -1;
	return created ? fsync_dir(root) : 0;
}

